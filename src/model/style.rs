//! The book's design, resolved once: which face, size, case, letter-spacing
//! and alignment each element of the book is set in, how chapters open
//! (label, drop cap, lead-in) and what marks a scene break. Built from a named
//! style (`classic`, `modern`, `plain`) and the `[style]` overrides in
//! book.toml; the print layout sets pages from it and the EPUB writer turns
//! the same values into CSS, so the two editions share one design.
//!
//! Sizes are multiples of the body size (print) or of the reader's text size
//! (EPUB, as `em`); letter-spacing is in ems.

use serde::Deserialize;

pub use super::numbering::LabelForm;

/// One of the text family's four faces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Face {
    Regular,
    Italic,
    Bold,
    BoldItalic,
}

impl Face {
    pub fn is_italic(self) -> bool {
        matches!(self, Face::Italic | Face::BoldItalic)
    }

    pub fn is_bold(self) -> bool {
        matches!(self, Face::Bold | Face::BoldItalic)
    }
}

/// How the letters of an element are cased.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Case {
    /// As the author wrote it.
    AsWritten,
    /// In capitals.
    Upper,
    /// Lower-case letters as small capitals, capitals kept (OpenType `smcp`).
    SmallCaps,
    /// Every letter a small capital (`c2sc` and `smcp`): spaced small caps.
    AllSmallCaps,
}

/// How the lines of an element are aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TextAlign {
    Left,
    Center,
    Right,
    Justify,
}

/// How one element's text is set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextStyle {
    pub face: Face,
    /// A multiple of the body size.
    pub size: f64,
    pub case: Case,
    /// Extra space after each letter, in ems of the element's size.
    pub tracking: f64,
    pub align: TextAlign,
}

impl TextStyle {
    const fn new(face: Face, size: f64, align: TextAlign) -> TextStyle {
        TextStyle {
            face,
            size,
            case: Case::AsWritten,
            tracking: 0.0,
            align,
        }
    }

    const fn cased(self, case: Case, tracking: f64) -> TextStyle {
        TextStyle {
            case,
            tracking,
            ..self
        }
    }
}

/// The figures of running text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Figures {
    /// The font's own default.
    Default,
    /// Old-style (text) figures, OpenType `onum`.
    OldStyle,
    /// Lining figures, OpenType `lnum`.
    Lining,
}

/// The small capitals that open a chapter's first paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LeadIn {
    None,
    /// The first few words (at least the first word, then up to about a
    /// sixth of the line), ending at a word boundary.
    Words,
}

/// How print sets a definition list's entries: the term run in before its
/// definition (a dictionary's look), or on a line of its own with the
/// definitions hanging under it (a glossary's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Glossary {
    RunIn,
    Hanging,
}

/// What marks a scene break: a centred ornament, the first of these that
/// the text face has (print); the EPUB uses the first.
#[derive(Debug, Clone, PartialEq)]
pub struct SceneBreak {
    pub ornaments: Vec<String>,
}

/// How chapters are numbered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Numbering {
    /// The label's form; `None`: the number as the author wrote it ("Chapter
    /// XII"), or no label when `mode` is `Off`.
    pub form: Option<LabelForm>,
    pub mode: NumberMode,
    /// Numbers start again at 1 in each part.
    pub restart_per_part: bool,
}

/// When a chapter gets a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberMode {
    /// Never: headings stay as written (`chapter-numbers = false`, `chapter-label = "none"`).
    Off,
    /// The numbers the author wrote are read into labels; none is invented (`plain`).
    Written,
    /// As `Written`; and when the author numbered nothing, the chapters of a
    /// book that reads as chapters (not a dictionary's letters, a collection's
    /// stories or poems) are counted (`classic`, `modern`).
    Auto,
    /// As `Written`; and when the author numbered nothing, every chapter is
    /// counted (`chapter-numbers = true`).
    Always,
}

/// How a chapter opens.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Opening {
    /// The chapter label ("Chapter One", "1") above the title.
    pub label: TextStyle,
    pub title: TextStyle,
    /// A thin rule under the title.
    pub rule: bool,
    /// Space above the label or title, as a share of the page's text lines
    /// (print); the EPUB gives 8 em × the share, at most 4 em.
    pub sink: f64,
    /// Lines the first paragraph's drop cap spans: 0 (none), 2 or 3.
    pub drop_cap: u8,
    pub lead_in: LeadIn,
}

/// How the blocks of a fenced div of one class are set (`::: {.epigraph}`):
/// their text, and whether they are indented on both sides as a quotation
/// is. (A verse div's lines are read as lines by the parser: see
/// [`is_verse_class`].)
#[derive(Debug, Clone, PartialEq)]
pub struct ClassStyle {
    /// The class as the author writes it, without the dot: `epigraph`.
    pub name: String,
    pub text: TextStyle,
    pub indented: bool,
}

/// Other spellings of the built-in classes, as Pandoc users and LaTeX
/// templates write them: (alias, class).
const CLASS_ALIASES: [(&str, &str); 10] = [
    ("centered", "center"),
    ("centre", "center"),
    ("flushright", "right"),
    ("blockquote", "quote"),
    ("quotation", "quote"),
    ("sc", "smallcaps"),
    ("small-caps", "smallcaps"),
    ("poem", "verse"),
    ("poetry", "verse"),
    ("flushleft", "left"),
];

/// The classes every style sets (aliases aside), as messages list them.
pub const BUILT_IN_CLASSES: [&str; 8] = [
    "epigraph",
    "quote",
    "center",
    "right",
    "left",
    "smallcaps",
    "verse",
    "dedication",
];

/// Whether a div of this class holds verse (`::: {.poem}`): each line of
/// its paragraphs is a line of the poem.
pub fn is_verse_class(class: &str) -> bool {
    matches!(class, "verse" | "poem" | "poetry")
}

/// Classes Pandoc writes for a book's structure (`--section-divs`, converted
/// EPUB and HTML): not a design, so a div of them is set as the text around it.
pub fn is_structural_class(class: &str) -> bool {
    matches!(
        class,
        "section"
            | "chapter"
            | "part"
            | "unnumbered"
            | "unlisted"
            | "level1"
            | "level2"
            | "level3"
            | "level4"
            | "level5"
            | "level6"
    )
}

/// The classes every style sets, from its own elements: an epigraph and a
/// quotation as the style sets them, centred, ranged-right and ranged-left
/// text, small capitals, verse and a dedication.
fn built_in_classes(epigraph: TextStyle, block_quote: TextStyle) -> Vec<ClassStyle> {
    let class = |name: &str, text: TextStyle, indented: bool| ClassStyle {
        name: name.to_string(),
        text,
        indented,
    };
    vec![
        class("epigraph", epigraph, true),
        class("quote", block_quote, true),
        class("center", TextStyle::new(Regular, 1.0, Center), false),
        class(
            "right",
            TextStyle::new(Regular, 1.0, TextAlign::Right),
            false,
        ),
        class("left", TextStyle::new(Regular, 1.0, Left), false),
        class(
            "smallcaps",
            TextStyle::new(Regular, 1.0, Justify).cased(Case::SmallCaps, 0.0),
            false,
        ),
        class("verse", TextStyle::new(Regular, 1.0, Left), false),
        class("dedication", TextStyle::new(Italic, 1.0, Center), false),
    ]
}

/// The smaller text of the book, as fractions of the text around it: one
/// place for both editions (print sets these; the EPUB's stylesheet writes
/// the table's size from here, and leaves code and note references to the
/// reader's own `code` and `sup`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Proportions {
    /// A note reference's figure, and how far above the baseline it sits.
    pub note_ref_size: f64,
    pub note_ref_rise: f64,
    /// A table's text (set smaller still, to a floor, when it is too wide).
    pub table_size: f64,
    /// Code, in running text and in blocks.
    pub code_size: f64,
}

impl Proportions {
    /// Every style's: superior figures at 0.65 raised 0.36 em, tables at 0.9, code at 0.82.
    pub const BOOK: Proportions = Proportions {
        note_ref_size: 0.65,
        note_ref_rise: 0.36,
        table_size: 0.9,
        code_size: 0.82,
    };
}

/// The whole design of the book.
#[derive(Debug, Clone, PartialEq)]
pub struct BookStyle {
    /// The named style it was built from.
    pub name: &'static str,
    pub numbering: Numbering,
    pub opening: Opening,
    /// The book's subtitle on the title page.
    pub subtitle: TextStyle,
    /// Level-2 headings.
    pub heading: TextStyle,
    /// Level-3 to level-6 headings.
    pub subheading: TextStyle,
    /// A heading that is only a number inside a chapter or story (`## II`):
    /// a section number, centred.
    pub section_number: TextStyle,
    pub running_head: TextStyle,
    pub folio: TextStyle,
    pub scene_break: SceneBreak,
    pub block_quote: TextStyle,
    pub epigraph: TextStyle,
    pub caption: TextStyle,
    pub note: TextStyle,
    /// A definition list's terms (the EPUB's `<dt>`).
    pub term: TextStyle,
    /// How print sets a definition list's entries.
    pub glossary: Glossary,
    /// Figures in running text (tables keep lining, tabular figures).
    pub figures: Figures,
    /// Words written in full capitals are set in spaced small capitals.
    pub capitals_as_small_caps: bool,
    /// The smaller text's sizes and the note reference's rise.
    pub proportions: Proportions,
    /// The classes of fenced divs book.toml sets (`[style.class.NAME]`),
    /// beside (or instead of) the built-in ones (see [`BookStyle::class`]).
    pub classes: Vec<ClassStyle>,
}

use Face::{Bold, Italic, Regular};
use TextAlign::{Center, Justify, Left};

/// The ornament EB Garamond and most book faces lack, then what they have.
fn ornaments(list: &[&str]) -> SceneBreak {
    SceneBreak {
        ornaments: list.iter().map(|s| s.to_string()).collect(),
    }
}

impl BookStyle {
    /// How the style sets a div of `class` (an alias of a built-in class
    /// too: `centered`, `poem`), or `None` for a class it does not know.
    pub fn class(&self, class: &str) -> Option<ClassStyle> {
        let name = BookStyle::class_name(class);
        self.classes
            .iter()
            .find(|c| c.name == name)
            .cloned()
            .or_else(|| self.built_in_class(name))
    }

    /// A built-in class as this style sets it (its epigraph and quotation
    /// as the style's own, overrides included).
    pub fn built_in_class(&self, name: &str) -> Option<ClassStyle> {
        built_in_classes(self.epigraph, self.block_quote)
            .into_iter()
            .find(|c| c.name == name)
    }

    /// Running text as the body sets it: regular, justified, at the body size.
    pub fn body_text() -> TextStyle {
        TextStyle::new(Regular, 1.0, Justify)
    }

    /// The class a name stands for, an alias resolved (`centered` → `center`).
    pub fn class_name(class: &str) -> &str {
        CLASS_ALIASES
            .iter()
            .find(|(alias, _)| *alias == class)
            .map_or(class, |(_, name)| name)
    }

    /// The named styles, in the order messages list them.
    pub const NAMES: [&'static str; 3] = ["classic", "modern", "plain"];

    /// The named style, or `None` for a name quire does not have.
    pub fn named(name: &str) -> Option<BookStyle> {
        match name {
            "classic" => Some(BookStyle::classic()),
            "modern" => Some(BookStyle::modern()),
            "plain" => Some(BookStyle::plain()),
            _ => None,
        }
    }

    /// quire's first look: centred titles as the author wrote them (no
    /// chapter label unless `chapter-label` asks for one), italic heads, a
    /// typographic scene break.
    pub fn plain() -> BookStyle {
        BookStyle {
            name: "plain",
            numbering: Numbering {
                form: None,
                mode: NumberMode::Written,
                restart_per_part: false,
            },
            opening: Opening {
                label: TextStyle::new(Regular, 1.0, Center),
                title: TextStyle::new(Regular, 1.75, Center),
                rule: false,
                sink: 0.25,
                drop_cap: 0,
                lead_in: LeadIn::None,
            },
            subtitle: TextStyle::new(Italic, 1.35, Center),
            heading: TextStyle::new(Italic, 1.1, Center),
            subheading: TextStyle::new(Italic, 1.0, Left),
            section_number: TextStyle::new(Regular, 1.0, Center),
            running_head: TextStyle::new(Italic, 0.9, Center),
            folio: TextStyle::new(Regular, 0.9, Center),
            scene_break: ornaments(&["⁂", "*\u{a0}\u{a0}*\u{a0}\u{a0}*"]),
            block_quote: TextStyle::new(Regular, 1.0, Justify),
            epigraph: TextStyle::new(Regular, 1.0, Justify),
            caption: TextStyle::new(Italic, 0.82, Center),
            note: TextStyle::new(Regular, 0.82, Justify),
            term: TextStyle::new(Bold, 1.0, Left),
            glossary: Glossary::Hanging,
            figures: Figures::Default,
            capitals_as_small_caps: false,
            proportions: Proportions::BOOK,
            classes: Vec::new(),
        }
    }

    /// A classic literary design: "CHAPTER ONE" in spaced small capitals
    /// over the title, a three-line drop cap and a small-caps lead-in, a
    /// fleuron between scenes, running heads in spaced small caps, old-style
    /// figures.
    pub fn classic() -> BookStyle {
        BookStyle {
            name: "classic",
            numbering: Numbering {
                form: Some(LabelForm::Words),
                mode: NumberMode::Auto,
                restart_per_part: false,
            },
            opening: Opening {
                label: TextStyle::new(Regular, 1.0, Center).cased(Case::AllSmallCaps, 0.12),
                title: TextStyle::new(Regular, 1.6, Center),
                rule: false,
                sink: 0.25,
                drop_cap: 3,
                lead_in: LeadIn::Words,
            },
            subtitle: TextStyle::new(Italic, 1.35, Center),
            heading: TextStyle::new(Regular, 1.0, Center).cased(Case::AllSmallCaps, 0.08),
            subheading: TextStyle::new(Italic, 1.0, Left),
            section_number: TextStyle::new(Regular, 1.0, Center).cased(Case::AllSmallCaps, 0.08),
            running_head: TextStyle::new(Regular, 0.9, Center).cased(Case::AllSmallCaps, 0.1),
            folio: TextStyle::new(Regular, 0.9, Center),
            scene_break: ornaments(&["❧", "❦", "⁂", "*\u{a0}\u{a0}*\u{a0}\u{a0}*"]),
            block_quote: TextStyle::new(Regular, 0.95, Justify),
            epigraph: TextStyle::new(Italic, 1.0, Justify),
            caption: TextStyle::new(Italic, 0.82, Center),
            note: TextStyle::new(Regular, 0.82, Justify),
            term: TextStyle::new(Regular, 1.0, Left).cased(Case::SmallCaps, 0.0),
            glossary: Glossary::RunIn,
            figures: Figures::OldStyle,
            capitals_as_small_caps: true,
            proportions: Proportions::BOOK,
            classes: Vec::new(),
        }
    }

    /// A modern design: a large numeral and a bold title ranged left over a
    /// rule, bold heads ranged left, running heads in spaced capitals,
    /// lining figures.
    pub fn modern() -> BookStyle {
        BookStyle {
            name: "modern",
            numbering: Numbering {
                form: Some(LabelForm::Numeral),
                mode: NumberMode::Auto,
                restart_per_part: false,
            },
            opening: Opening {
                label: TextStyle::new(Regular, 3.0, Left),
                title: TextStyle::new(Bold, 1.5, Left),
                rule: true,
                sink: 0.2,
                drop_cap: 0,
                lead_in: LeadIn::None,
            },
            subtitle: TextStyle::new(Regular, 1.35, Center),
            heading: TextStyle::new(Bold, 1.1, Left),
            subheading: TextStyle::new(Bold, 1.0, Left),
            section_number: TextStyle::new(Bold, 1.0, Center),
            running_head: TextStyle::new(Regular, 0.75, Center).cased(Case::Upper, 0.1),
            folio: TextStyle::new(Regular, 0.9, Center),
            scene_break: ornaments(&[
                "•\u{a0}\u{a0}\u{a0}•\u{a0}\u{a0}\u{a0}•",
                "*\u{a0}\u{a0}*\u{a0}\u{a0}*",
            ]),
            block_quote: TextStyle::new(Regular, 0.95, Left),
            epigraph: TextStyle::new(Italic, 1.0, Left),
            caption: TextStyle::new(Regular, 0.82, Left),
            note: TextStyle::new(Regular, 0.82, Justify),
            term: TextStyle::new(Bold, 1.0, Left),
            glossary: Glossary::RunIn,
            figures: Figures::Lining,
            capitals_as_small_caps: false,
            proportions: Proportions::BOOK,
            classes: Vec::new(),
        }
    }
}

impl Default for BookStyle {
    fn default() -> Self {
        BookStyle::plain()
    }
}

/// The block (an index into `section.blocks`) that opens a chapter's text:
/// its first paragraph, after the title and past an epigraph (a quote), a
/// figure or a section heading that comes before any text (a story told in
/// parts opens on `## I`); `None` when something else comes first (a list,
/// verse, a table, code). The drop cap and the lead-in go here.
pub fn opening_paragraph(section: &super::Section) -> Option<usize> {
    use super::BlockKind;
    if section.kind != super::SectionKind::Chapter {
        return None;
    }
    for (i, block) in section.blocks.iter().enumerate() {
        match &block.kind {
            BlockKind::Heading { level: 1, .. } if i == 0 => {}
            // The chapter's text still opens with the paragraph under the
            // heading: without this a story whose first part is headed "I"
            // lost its initial while the stories beside it kept theirs.
            BlockKind::Heading { level, .. } if *level >= 2 => {}
            BlockKind::Quote(_) | BlockKind::Figure { .. } => {}
            BlockKind::Paragraph { content, .. } => {
                return initial_end(&super::plain_text(content)).map(|_| i);
            }
            _ => return None,
        }
    }
    None
}

/// Where a drop cap's characters end in a paragraph's text (a byte offset):
/// the first letter or figure, with an opening quotation mark before it (set
/// with the initial, as designers do); `None` when the text does not open
/// with a letter or figure.
pub fn initial_end(text: &str) -> Option<usize> {
    let mut chars = text.char_indices();
    let (mut at, mut first) = chars.next()?;
    if matches!(first, '“' | '‘' | '"' | '\'' | '«' | '„' | '‚' | '»') {
        (at, first) = chars.next()?;
    }
    first.is_alphanumeric().then_some(at + first.len_utf8())
}

/// Where a lead-in ends in a paragraph's text (a byte offset, at a word
/// boundary): the first word, then the next ones while the lead-in stays
/// within about 16 characters and does not pass a stop or a dash.
pub fn lead_in_end(text: &str) -> usize {
    const MOST: usize = 16;
    let mut end = 0;
    let mut chars = 0;
    for (words, word) in text.split_inclusive(char::is_whitespace).enumerate() {
        let trimmed = word.trim_end();
        // Never through a dash: "Some years ago—never mind" stops before "never".
        let dash = trimmed.find(['—', '–']).filter(|&d| d > 0);
        let length = trimmed[..dash.unwrap_or(trimmed.len())].chars().count();
        if words > 0 && (chars + length > MOST || trimmed.is_empty()) {
            break;
        }
        if let Some(dash) = dash {
            end += dash;
            break;
        }
        end += trimmed.len();
        chars += length + 1;
        if trimmed.ends_with(['.', ',', ';', ':', '!', '?', '—', '–']) || words >= 3 {
            break;
        }
        end += word.len() - trimmed.len();
    }
    text[..end].trim_end().len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lead_ins_end_at_a_word_boundary() {
        assert_eq!(
            &"Call me Ishmael. Some years"[..lead_in_end("Call me Ishmael. Some years")],
            "Call me Ishmael."
        );
        let text = "Some years ago—never mind how long";
        assert_eq!(&text[..lead_in_end(text)], "Some years ago");
        let text = "Notwithstanding everything, he";
        assert_eq!(&text[..lead_in_end(text)], "Notwithstanding");
        let text = "It was a dark and stormy night";
        assert_eq!(&text[..lead_in_end(text)], "It was a dark");
        assert_eq!(lead_in_end("Alone"), 5);
        assert_eq!(lead_in_end(""), 0);
    }

    #[test]
    fn the_initial_takes_an_opening_quote_with_it() {
        assert_eq!(initial_end("Call"), Some(1));
        assert_eq!(initial_end("“Well,” he said"), Some("“W".len()));
        assert_eq!(initial_end("(Supplied by"), None);
        assert_eq!(initial_end("Ёлка"), Some("Ё".len()));
        assert_eq!(initial_end(""), None);
    }

    fn chapter(blocks: Vec<super::super::BlockKind>) -> super::super::Section {
        use super::super::{Block, BlockId, Section, SectionKind};
        Section {
            kind: SectionKind::Chapter,
            id: "chapter-1".into(),
            title: "One".into(),
            in_toc: true,
            running_head: None,
            label: None,
            blocks: blocks
                .into_iter()
                .enumerate()
                .map(|(i, kind)| Block {
                    id: BlockId(i as u32),
                    kind,
                    span: None,
                })
                .collect(),
            notes: Vec::new(),
            source: None,
        }
    }

    #[test]
    fn a_chapter_opens_with_its_first_paragraph_past_a_section_heading() {
        use super::super::{BlockKind, Inline};
        let heading = |level: u8, text: &str| BlockKind::Heading {
            level,
            anchor: text.to_lowercase(),
            content: vec![Inline::Text(text.into())],
            numeral: level > 1,
        };
        let paragraph = |text: &str| BlockKind::Paragraph {
            content: vec![Inline::Text(text.into())],
            indent: false,
        };
        // A story in parts: the title, "I", then its first paragraph.
        let story = chapter(vec![
            heading(1, "Lord Oakhurst’s Curse"),
            heading(2, "I"),
            paragraph("Lord Oakhurst lay dying."),
            heading(2, "II"),
            paragraph("A carriage drove up."),
        ]);
        assert_eq!(opening_paragraph(&story), Some(2));
        let plain = chapter(vec![heading(1, "Two"), paragraph("Whenever you visit.")]);
        assert_eq!(opening_paragraph(&plain), Some(1));
        // A chapter whose text opens with code has no opening paragraph.
        let list = chapter(vec![
            heading(1, "Three"),
            heading(2, "I"),
            BlockKind::Code { text: "x".into() },
            paragraph("Later."),
        ]);
        assert_eq!(opening_paragraph(&list), None);
    }

    #[test]
    fn every_named_style_resolves() {
        for name in BookStyle::NAMES {
            assert_eq!(BookStyle::named(name).unwrap().name, name);
        }
        assert!(BookStyle::named("fancy").is_none());
    }
}
