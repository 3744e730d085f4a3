//! THE SHARED MODEL: the book, format-neutral and fully resolved. Metadata,
//! front matter, chapters and back matter as blocks and inlines, each block
//! with a book-wide id and its place in the source. The EPUB writer and the
//! print layout read only this (plus the page map that layout hands back).
//!
//! Depends on nothing else of quire's.

mod geometry;
mod meta;
pub mod numbering;
mod pagemap;
mod store;
pub mod style;
mod walk;

pub use geometry::{Pt, Trim};
pub use meta::{
    ACCESSIBILITY_HAZARDS, Accessibility, ChapterOpening, Contributor, Date, FontFiles, Isbn, Meta,
    Paper, PdfX, PrintSettings, PrintUrls, Role, RunningHead,
};
pub use pagemap::{PageMap, PageStart, TextPos, block_text, block_text_len};
pub use store::Store;
pub use walk::{
    any_inline, for_each_inline_mut, for_each_section_inline_mut, walk_blocks, walk_blocks_mut,
};

use crate::diag::{LineIndex, Location};

/// The whole resolved book.
#[derive(Debug, Clone)]
pub struct Book {
    pub meta: Meta,
    pub print: PrintSettings,
    pub fonts: FontFiles,
    /// The book's design, resolved from its style and overrides.
    pub style: style::BookStyle,
    /// Notes, fonts and store editions of the ebook.
    pub ebook: EbookSettings,
    /// Every section in reading order: front matter, chapters, back matter.
    pub sections: Vec<Section>,
    /// Images used by figures, in order of first use.
    pub images: Vec<ImageAsset>,
    /// Cover art from `cover/`, when the author supplied it.
    pub cover_art: Option<ImageAsset>,
    /// The manuscript files, for turning spans into file:line:column.
    pub sources: Vec<SourceFile>,
    /// Number of block ids handed out (ids are `0..block_count`).
    pub block_count: u32,
    /// Where book.toml sets the keys the metadata comes from (`title`,
    /// `subtitle`, `authors`, `language`), for messages about them.
    pub settings_at: std::collections::BTreeMap<String, Location>,
    /// Links to a file or id the book does not have: their words are kept,
    /// unlinked, in both editions, and `quire check` fails on them.
    pub dead_links: Vec<DeadLink>,
}

/// A link whose target is not in the book, as the author wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadLink {
    /// The address as written: `#academe`, `other.md#nope`, `missing.md`.
    pub url: String,
    /// The link's words (kept as text).
    pub words: String,
    /// Where the words start in the model, for the print page they fall on.
    pub at: TextPos,
    /// Where the link is written in the manuscript.
    pub location: Option<Location>,
}

/// How the ebook is made, beyond its text and design.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EbookSettings {
    /// Where the notes go.
    pub notes: NotePlacement,
    /// Whether the book's faces are embedded in the EPUB, and how.
    pub embed_fonts: FontEmbedding,
    /// The stores `book.toml` names, each written to a folder of its own.
    pub stores: Vec<Store>,
}

/// How the EPUB carries the book's faces (book.toml's `epub.embed-fonts`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum FontEmbedding {
    /// Not at all: the reader's own fonts (`false`, the default).
    #[default]
    None,
    /// Subset, as plain font files every reader opens (`true`): right for
    /// fonts under the OFL and other licences that allow embedding.
    Plain,
    /// Subset and obfuscated with the IDPF algorithm (`"obfuscated"`), for
    /// a licence that asks for it. Some readers (MuPDF and those built on
    /// it, epub.js) cannot open obfuscated fonts.
    Obfuscated,
}

impl FontEmbedding {
    pub fn embeds(self) -> bool {
        self != FontEmbedding::None
    }
}

/// Where an ebook's notes go (book.toml's `notes`). Print keeps footnotes at the foot of the page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum NotePlacement {
    /// After the text of their chapter (as popups in readers that show them).
    #[default]
    Chapter,
    /// All together in a Notes document at the end of the book.
    Book,
}

impl Book {
    /// Where a span points, for a diagnostic.
    pub fn locate(&self, span: Span) -> Option<Location> {
        let source = self.sources.get(span.file as usize)?;
        let (line, column) = source.index.line_column(&source.text, span.start as usize);
        Some(Location {
            file: source.path.clone(),
            line,
            column,
        })
    }

    pub fn chapters(&self) -> impl Iterator<Item = &Section> {
        self.sections
            .iter()
            .filter(|s| s.kind == SectionKind::Chapter)
    }

    pub fn image(&self, id: ImageId) -> &ImageAsset {
        &self.images[id.0 as usize]
    }

    /// Where book.toml writes text that holds `c`: the key of the first of
    /// the title, subtitle, authors, contributors, blurb (`cover.blurb-file`,
    /// `cover.blurb` or `description`, whichever gave it), publisher,
    /// first-publication note, rights, dedication and epigraph with it.
    /// `None` when no key the author wrote holds it.
    pub fn setting_holding(&self, c: char) -> Option<Location> {
        let meta = &self.meta;
        let has = |text: Option<&str>| text.is_some_and(|t| t.contains(c));
        let generated = |kind: SectionKind| {
            self.sections
                .iter()
                .filter(move |s| s.kind == kind)
                .any(|s| {
                    let mut found = false;
                    walk_blocks(&s.blocks, &mut |b| {
                        found |= block_text(b).is_some_and(|t| t.contains(c));
                    });
                    found
                })
        };
        let keys: [(&[&str], bool); 10] = [
            (&["title"], has(Some(&meta.title))),
            (&["subtitle"], has(meta.subtitle.as_deref())),
            (&["authors"], meta.authors.iter().any(|a| a.contains(c))),
            (
                &["contributors"],
                meta.contributors.iter().any(|p| p.name.contains(c)),
            ),
            (
                &["cover.blurb-file", "cover.blurb", "description"],
                has(meta.blurb.as_deref()),
            ),
            (&["description"], has(meta.description.as_deref())),
            (&["publisher"], has(meta.publisher.as_deref())),
            (
                &["first-publication"],
                has(meta.first_publication.as_deref()),
            ),
            (&["rights"], has(meta.rights.as_deref())),
            (
                &["dedication", "epigraph", "epigraph-source"],
                generated(SectionKind::Dedication) || generated(SectionKind::Epigraph),
            ),
        ];
        keys.iter()
            .filter(|(_, held)| *held)
            .flat_map(|(names, _)| names.iter())
            .find_map(|name| self.settings_at.get(*name).cloned())
    }
}

/// One manuscript file's text, kept for diagnostics.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Project-relative path: `manuscript/01-loomings.md`.
    pub path: String,
    pub text: std::sync::Arc<str>,
    pub index: LineIndex,
}

/// A byte range in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Span {
    pub file: u32,
    pub start: u32,
    pub end: u32,
}

/// Which part of the book a section belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Matter {
    Front,
    Body,
    Back,
}

/// What a section is; back ends choose page design and EPUB semantics from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SectionKind {
    HalfTitle,
    TitlePage,
    Copyright,
    Contents,
    /// Front matter written by the author (dedication, preface, foreword…).
    Preface,
    Chapter,
    /// Back matter written by the author (about the author, acknowledgments…).
    Appendix,
    /// The dedication from book.toml, on a page of its own.
    Dedication,
    /// The epigraph from book.toml (a quotation and its source), on a page of its own.
    Epigraph,
    /// A part title page; the part's chapters follow it.
    Part,
}

impl SectionKind {
    pub fn matter(self) -> Matter {
        match self {
            SectionKind::HalfTitle
            | SectionKind::TitlePage
            | SectionKind::Copyright
            | SectionKind::Contents
            | SectionKind::Dedication
            | SectionKind::Epigraph
            | SectionKind::Preface => Matter::Front,
            SectionKind::Chapter | SectionKind::Part => Matter::Body,
            SectionKind::Appendix => Matter::Back,
        }
    }
}

/// A unit that opens on a new page in print and is one XHTML file in the EPUB.
#[derive(Debug, Clone, Hash)]
pub struct Section {
    pub kind: SectionKind,
    /// Unique, stable, XML-name-safe: `title-page`, `chapter-3`, `about-the-author`.
    pub id: String,
    /// Plain-text title for contents, bookmarks, running heads and navigation.
    pub title: String,
    /// Shown in the contents (print and EPUB navigation).
    pub in_toc: bool,
    /// A shorter form of the title for running heads (`{short="…"}` on the heading).
    pub running_head: Option<String>,
    /// The chapter's number as the style labels it, above the title; `None`
    /// for an unnumbered section.
    pub label: Option<ChapterLabel>,
    /// The blocks; a titled chapter starts with its level-1 heading.
    pub blocks: Vec<Block>,
    /// Footnotes referenced in this section, in order of first reference.
    pub notes: Vec<Footnote>,
    /// The manuscript file it came from (`None` for generated pages).
    pub source: Option<u32>,
}

impl Section {
    /// Level-2 headings (anchor, content), for a second level in the contents.
    pub fn subheadings(&self) -> impl Iterator<Item = (&str, &[Inline])> {
        self.headings()
            .filter(|&(level, _, _)| level == 2)
            .map(|(_, anchor, content)| (anchor, content))
    }

    /// Headings inside the section (levels 2–6) that can be entries of the
    /// contents: (level, anchor, content); section numbers are not.
    pub fn headings(&self) -> impl Iterator<Item = (u8, &str, &[Inline])> {
        self.blocks.iter().filter_map(|b| match &b.kind {
            BlockKind::Heading {
                level,
                anchor,
                content,
                numeral: false,
            } if *level >= 2 => Some((*level, anchor.as_str(), content.as_slice())),
            _ => None,
        })
    }
}

/// A chapter's number, resolved once for both editions.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ChapterLabel {
    pub number: u32,
    /// As the style shows it over the title: "Chapter One", "Kapitel 3", "IX".
    pub text: String,
    /// The number alone, as the contents lists it: "1", "IX".
    pub short: String,
}

/// A book-wide block number, in reading order. Page breaks point at these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BlockId(pub u32);

/// One block with its id and source span.
#[derive(Debug, Clone, PartialEq, Hash)]
pub struct Block {
    pub id: BlockId,
    pub kind: BlockKind,
    pub span: Option<Span>,
}

/// Roles of the display lines on generated pages (title page, copyright…).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DisplayRole {
    BookTitle,
    Subtitle,
    Author,
    Publisher,
    /// Small print on the copyright page.
    Notice,
    /// A credit such as "Illustration by …".
    Credit,
    /// A dedication's line.
    Dedication,
    /// An epigraph's source, ranged right under it.
    Attribution,
}

#[derive(Debug, Clone, PartialEq, Hash)]
pub enum BlockKind {
    /// Level 1 is a section's title; 2–6 are headings inside it.
    Heading {
        level: u8,
        anchor: String,
        content: Vec<Inline>,
        /// A heading inside a section that is only a number (`## II`, `### 12`,
        /// `## Chapter IV`): a section number, set centred as the style sets
        /// it, never an entry of the contents or the navigation.
        numeral: bool,
    },
    /// Body text. `indent` is false for the first paragraph after a heading,
    /// scene break, quote, list or figure (resolved once, for both editions).
    Paragraph {
        content: Vec<Inline>,
        indent: bool,
    },
    /// A stanza of verse: lines separated by top-level line breaks (never
    /// inside emphasis or a link), each with its indent in spaces as
    /// written. Lines are set flush left, never justified; a line too long
    /// for the measure turns over with a hanging indent.
    Verse {
        content: Vec<Inline>,
        indents: Vec<u16>,
    },
    /// A centred line of a generated page.
    Display {
        role: DisplayRole,
        content: Vec<Inline>,
    },
    Quote(Vec<Block>),
    /// A fenced div (`::: {.epigraph}` … `:::`, as Pandoc writes it): its
    /// blocks, set as the style sets the class (the first of `classes` the
    /// style knows; resolve warns about the others).
    Div {
        classes: Vec<String>,
        /// The language of its text (`::: {lang=fr}`), a checked BCP 47 tag.
        lang: Option<String>,
        blocks: Vec<Block>,
    },
    /// A definition list (`Term` then `: definition`, or a converted
    /// dictionary's `Term⏎definition` entries): `Term` and `Definition`
    /// blocks in order, each term before the definitions it has.
    Definitions(Vec<Block>),
    /// A term of a definition list.
    Term {
        content: Vec<Inline>,
    },
    /// One definition of the term before it, as blocks (several may follow a term).
    Definition(Vec<Block>),
    /// `\newpage` (or `\pagebreak`, `\clearpage`) in a paragraph of its own:
    /// the print edition starts a new page here; the EPUB asks its reader to.
    PageBreak,
    List {
        ordered: bool,
        items: Vec<ListItem>,
    },
    SceneBreak,
    Code {
        text: String,
    },
    Figure {
        image: ImageId,
        /// The text alternative; empty for a decorative image.
        alt: String,
        /// Marked decorative by the author (`![decorative](…)`): no text alternative needed.
        decorative: bool,
        caption: Vec<Inline>,
    },
    /// The table of contents; its entries are resolved from the sections.
    Contents(Vec<ContentsEntry>),
    /// A table: each column's alignment, the header row (`None` when every
    /// header cell is empty), the body rows, and a caption (may be empty).
    Table {
        columns: Vec<ColumnAlign>,
        head: Option<Vec<Vec<Inline>>>,
        rows: Vec<Vec<Vec<Inline>>>,
        caption: Vec<Inline>,
    },
}

/// How a table column's cells are aligned, as its delimiter row says
/// (`:--`, `:-:`, `--:`); `Auto` is left for text, right for figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ColumnAlign {
    Auto,
    Left,
    Center,
    Right,
}

impl BlockKind {
    /// A table's rows, the header first.
    pub fn table_rows(&self) -> impl Iterator<Item = &Vec<Vec<Inline>>> {
        let (head, rows) = match self {
            BlockKind::Table { head, rows, .. } => (head.as_ref(), rows.as_slice()),
            _ => (None, &[][..]),
        };
        head.into_iter().chain(rows)
    }
}

/// A list item with its resolved marker ("1.", "•").
#[derive(Debug, Clone, PartialEq, Hash)]
pub struct ListItem {
    pub marker: String,
    pub blocks: Vec<Block>,
}

/// One line of the contents.
#[derive(Debug, Clone, PartialEq, Hash)]
pub struct ContentsEntry {
    pub title: String,
    /// 1 for sections, 2 for their level-2 headings.
    pub level: u8,
    /// The section's id.
    pub section: String,
    /// Heading anchor inside the section (for level 2).
    pub anchor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Hash)]
pub enum Inline {
    Text(String),
    Emphasis(Vec<Inline>),
    Strong(Vec<Inline>),
    Code(String),
    Link {
        url: String,
        content: Vec<Inline>,
    },
    /// A link to a place in the book, resolved: the target's section id,
    /// heading anchor (none for the section's start), first block and title.
    /// Empty `content` asks for the target's page number in print and its
    /// title in the EPUB. `page` is the target's folio, filled in by the print
    /// layout (never by the EPUB, which has no page numbers).
    CrossRef {
        target: CrossTarget,
        content: Vec<Inline>,
        page: Option<String>,
    },
    /// Struck-through, raised or lowered text.
    Marked {
        mark: TextMark,
        content: Vec<Inline>,
    },
    /// A footnote reference: index into the section's notes, and its label ("1").
    NoteRef {
        note: u32,
        label: String,
    },
    LineBreak,
    /// A passage in another language (`[ἀρετή]{lang=el}`): a BCP 47 tag
    /// checked against the IANA registry, for the EPUB's `lang` and the
    /// print edition's tagging and hyphenation.
    Language {
        tag: String,
        content: Vec<Inline>,
    },
}

/// Where a cross-reference leads.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CrossTarget {
    pub section: String,
    pub anchor: Option<String>,
    pub block: BlockId,
    pub title: String,
}

/// How marked text is set: `~~struck~~`, `^raised^`, `~lowered~`, and
/// `[small capitals]{.smallcaps}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TextMark {
    Strikethrough,
    Superscript,
    Subscript,
    /// Lower-case letters as small capitals (capitals stay capitals).
    SmallCaps,
    /// A word the author wrote in full capitals, set in spaced small
    /// capitals where the style asks (an acronym, an inscription).
    Capitals,
}

/// A footnote, numbered per section.
#[derive(Debug, Clone, PartialEq, Hash)]
pub struct Footnote {
    pub label: String,
    /// Anchor of the note (`note-3-1`); the reference's anchor is `ref-` + this.
    pub anchor: String,
    pub blocks: Vec<Block>,
}

/// Index into `Book::images`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ImageId(pub u32);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImageFormat {
    Jpeg,
    Png,
}

impl ImageFormat {
    pub fn media_type(self) -> &'static str {
        match self {
            ImageFormat::Jpeg => "image/jpeg",
            ImageFormat::Png => "image/png",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ImageFormat::Jpeg => "jpg",
            ImageFormat::Png => "png",
        }
    }
}

/// An image file, checked (format and dimensions read from its header).
#[derive(Debug, Clone, PartialEq)]
pub struct ImageAsset {
    /// Project-relative path: `manuscript/img/map.png`.
    pub path: String,
    pub bytes: std::sync::Arc<[u8]>,
    pub format: ImageFormat,
    pub width: u32,
    pub height: u32,
}

/// Walks the text of inlines in reading order, the way page positions count
/// characters: text and code as written, a line break as one `\n`, note
/// references as nothing. Both back ends use this to agree on offsets.
pub fn for_each_text<'a>(inlines: &'a [Inline], f: &mut impl FnMut(&'a str)) {
    for inline in inlines {
        match inline {
            Inline::Text(t) | Inline::Code(t) => f(t),
            Inline::Emphasis(c)
            | Inline::Strong(c)
            | Inline::Link { content: c, .. }
            | Inline::CrossRef { content: c, .. }
            | Inline::Marked { content: c, .. }
            | Inline::Language { content: c, .. } => for_each_text(c, f),
            Inline::LineBreak => f("\n"),
            Inline::NoteRef { .. } => {}
        }
    }
}

/// Removes the first `chars` characters of the inlines' text (a chapter
/// number read from its heading, a drop cap's initial); wrappers left empty go too.
pub fn drop_leading_chars(content: &mut Vec<Inline>, chars: usize) {
    let mut left = chars;
    drop_chars(content, &mut left);
}

fn drop_chars(content: &mut Vec<Inline>, left: &mut usize) {
    let mut i = 0;
    while i < content.len() && *left > 0 {
        let empty = match &mut content[i] {
            Inline::Text(t) | Inline::Code(t) => {
                let n = t.chars().count();
                if n <= *left {
                    *left -= n;
                    true
                } else {
                    let at = t.char_indices().nth(*left).map_or(t.len(), |(at, _)| at);
                    t.replace_range(..at, "");
                    *left = 0;
                    false
                }
            }
            Inline::LineBreak => {
                *left -= 1;
                true
            }
            Inline::Emphasis(c)
            | Inline::Strong(c)
            | Inline::Link { content: c, .. }
            | Inline::CrossRef { content: c, .. }
            | Inline::Marked { content: c, .. }
            | Inline::Language { content: c, .. } => {
                drop_chars(c, left);
                plain_text(c).is_empty()
            }
            Inline::NoteRef { .. } => false,
        };
        if empty {
            content.remove(i);
        } else {
            i += 1;
        }
    }
}

/// The links of inlines, web links and cross-references, in reading order:
/// print knows a block's links by their place in this order (a table's
/// caption first, then its cells row by row, the header first).
pub fn links<'a>(inlines: &'a [Inline], out: &mut Vec<&'a Inline>) {
    for inline in inlines {
        match inline {
            Inline::Link { .. } | Inline::CrossRef { .. } => out.push(inline),
            Inline::Emphasis(c)
            | Inline::Strong(c)
            | Inline::Marked { content: c, .. }
            | Inline::Language { content: c, .. } => links(c, out),
            Inline::Text(_) | Inline::Code(_) | Inline::LineBreak | Inline::NoteRef { .. } => {}
        }
    }
}

/// A language tag as a number print's marks carry (`layout::frame::Part`
/// is `Copy`): FNV-1a of the tag in lower case, read back by the PDF's
/// tagging from the book's [`languages`].
pub fn language_key(tag: &str) -> u32 {
    tag.bytes().fold(0x811c_9dc5_u32, |hash, b| {
        (hash ^ u32::from(b.to_ascii_lowercase())).wrapping_mul(0x0100_0193)
    })
}

/// The language tags of passages in inlines (`[mot]{lang=fr}`), by
/// [`language_key`].
pub fn languages(inlines: &[Inline], out: &mut std::collections::HashMap<u32, String>) {
    for inline in inlines {
        if let Inline::Language { tag, .. } = inline {
            out.entry(language_key(tag)).or_insert_with(|| tag.clone());
        }
        languages(inline.children(), out);
    }
}

/// How many links [`links`] finds.
pub fn link_count(inlines: &[Inline]) -> u32 {
    let mut found = Vec::new();
    links(inlines, &mut found);
    found.len() as u32
}

/// The plain text of inlines (see [`for_each_text`]).
pub fn plain_text(inlines: &[Inline]) -> String {
    let mut out = String::new();
    for_each_text(inlines, &mut |t| out.push_str(t));
    out
}

/// The lines of verse content: split at its top-level line breaks.
pub fn verse_lines(content: &[Inline]) -> impl Iterator<Item = &[Inline]> {
    content.split(|i| matches!(i, Inline::LineBreak))
}

/// Puts a wrapper (emphasis, a link…) back around part of its content.
type Rewrap = Box<dyn Fn(Vec<Inline>) -> Inline>;

/// Whether inlines hold a line break, at any depth.
pub fn has_line_break(inlines: &[Inline]) -> bool {
    inlines
        .iter()
        .any(|i| matches!(i, Inline::LineBreak) || has_line_break(i.children()))
}

/// Moves line breaks nested in emphasis, links or marks to the top level,
/// closing the wrappers before the break and opening them again after it
/// (`*a⏎b*` → `*a*⏎*b*`), so verse splits into lines. The text is unchanged.
pub fn lift_line_breaks(content: Vec<Inline>) -> Vec<Inline> {
    let has_break = has_line_break;
    if !content
        .iter()
        .any(|i| !matches!(i, Inline::LineBreak) && has_break(std::slice::from_ref(i)))
    {
        return content;
    }
    let mut out = Vec::new();
    for inline in content {
        let rebuild: Option<(Vec<Inline>, Rewrap)> = match inline {
            Inline::Emphasis(c) if has_break(&c) => Some((c, Box::new(Inline::Emphasis))),
            Inline::Strong(c) if has_break(&c) => Some((c, Box::new(Inline::Strong))),
            Inline::Link { url, content } if has_break(&content) => Some((
                content,
                Box::new(move |c| Inline::Link {
                    url: url.clone(),
                    content: c,
                }),
            )),
            Inline::Marked { mark, content } if has_break(&content) => Some((
                content,
                Box::new(move |c| Inline::Marked { mark, content: c }),
            )),
            Inline::Language { tag, content } if has_break(&content) => Some((
                content,
                Box::new(move |c| Inline::Language {
                    tag: tag.clone(),
                    content: c,
                }),
            )),
            other => {
                out.push(other);
                None
            }
        };
        if let Some((children, wrap)) = rebuild {
            let lifted = lift_line_breaks(children);
            for (i, piece) in lifted.split(|i| matches!(i, Inline::LineBreak)).enumerate() {
                if i > 0 {
                    out.push(Inline::LineBreak);
                }
                if !piece.is_empty() {
                    out.push(wrap(piece.to_vec()));
                }
            }
        }
    }
    out
}
