//! Markdown → model blocks. The one place pulldown-cmark's options are set.
//! Events (with source ranges) become blocks and inlines with spans; what a
//! book cannot use (raw HTML) is escaped with a warning naming the line.
//! Cross-file work (footnote numbers, image files, block ids, indents) is
//! left to `resolve`.
//!
//! Here: the public types, the entry points and the `Builder`'s state. Its
//! work is in rooms: `blocks` and `inlines` (the frames events open, and what
//! each becomes when it closes), `spans`, `fences`, `attributes` (what
//! pulldown-cmark does not read), `source` (what is read from the text
//! itself), `anchors`, `verse` (hard-broken lines settled once a file is read).

use pulldown_cmark::{Alignment, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::diag::{Diagnostic, LineIndex, Sink};
use crate::model::{
    Block, BlockId, BlockKind, ColumnAlign, ImageId, Inline, ListItem, Span, TextMark, plain_text,
};

mod anchors;
mod attributes;
mod blocks;
mod fences;
mod inlines;
mod source;
mod spans;
mod verse;

pub use anchors::slug;
use attributes::{Attributes, heading_marks, read_attributes, short_attribute};
use fences::{DivFence, div_fences};
use inlines::merge_text;
use source::{is_comment, is_line_break_tag, math_spans, only_wrapper_tags};
use spans::is_small_caps_class;
use verse::{Settle, settle_line_breaks, verse, verse_stanzas};

/// Quotes and lists nested deeper than this are refused: no book needs it,
/// and it keeps every later stage's recursion shallow.
pub const MAX_NESTING: usize = 64;

/// An image written in the manuscript, before its file is looked up.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageRef {
    /// The path as written, relative to `manuscript/`.
    pub written: String,
    pub span: Span,
}

/// A footnote definition, before numbering.
#[derive(Debug, Clone, PartialEq)]
pub struct NoteDefinition {
    pub label: String,
    pub blocks: Vec<Block>,
    pub span: Span,
}

/// Where a section of the book starts in a file: every file starts one, and
/// each level-1 heading after the file's first block starts another (a whole
/// book converted into one file keeps its chapters).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FileSection {
    /// Index of its first block in `ParsedFile::blocks`.
    pub start: usize,
    /// Its first block is its level-1 heading, its title.
    pub titled: bool,
    /// The title's short form for running heads (`# Title {short="Short"}`).
    pub running_head: Option<String>,
    /// The title is marked `{-}` or `{.unnumbered}`: never a numbered chapter.
    pub unnumbered: bool,
    /// The title is marked `{.unlisted}`: not in the contents.
    pub unlisted: bool,
}

/// One Markdown file, parsed. Block ids are placeholders until `resolve`;
/// `Figure::image` indexes `images`, `NoteRef::label` holds the written label.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedFile {
    /// The sections the file holds, in order; at least one.
    pub sections: Vec<FileSection>,
    pub blocks: Vec<Block>,
    pub notes: Vec<NoteDefinition>,
    pub images: Vec<ImageRef>,
    /// Footnote references with no definition in this file (`[^label]` left as
    /// text by pulldown-cmark), with their place.
    pub unmatched_notes: Vec<(String, Span)>,
    /// What parsing this file found, kept with the parse: resolve reports it
    /// to the build's sink, so a file an earlier build parsed reports again.
    pub diagnostics: Sink,
}

impl Default for ParsedFile {
    fn default() -> ParsedFile {
        ParsedFile {
            sections: vec![FileSection::default()],
            blocks: Vec::new(),
            notes: Vec::new(),
            images: Vec::new(),
            unmatched_notes: Vec::new(),
            diagnostics: Sink::new(),
        }
    }
}

impl ParsedFile {
    /// The file's level-1 heading, when it opens the file (its first section's title).
    pub fn title(&self) -> Option<&Block> {
        self.sections
            .first()
            .filter(|s| s.titled)
            .and_then(|s| self.blocks.get(s.start))
    }

    /// Each section's blocks, with its place in [`ParsedFile::sections`].
    pub fn section_blocks(&self) -> impl Iterator<Item = (&FileSection, &[Block])> {
        self.sections.iter().enumerate().map(|(i, section)| {
            let end = self
                .sections
                .get(i + 1)
                .map_or(self.blocks.len(), |next| next.start);
            (section, &self.blocks[section.start..end])
        })
    }
}

/// The pulldown-cmark options quire uses everywhere.
pub fn options() -> Options {
    Options::ENABLE_FOOTNOTES
        | Options::ENABLE_DEFINITION_LIST
        | Options::ENABLE_TABLES
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SUPERSCRIPT
        | Options::ENABLE_SUBSCRIPT
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
}

/// Parses one manuscript file. `file` is its index in the book's sources and
/// `path` its project-relative path (for diagnostics).
pub fn parse(text: &str, file: u32, path: &str) -> ParsedFile {
    parse_for(text, file, path, NOMINAL_MEASURE_CHARS)
}

/// A 6 × 9 in page's measure at 11 pt, in characters of a book face.
pub const NOMINAL_MEASURE_CHARS: f64 = 78.0;

/// [`parse`], reading hard-broken lines against a measure of `measure_chars`
/// characters (see [`measure_chars`]).
pub fn parse_for(text: &str, file: u32, path: &str, measure_chars: f64) -> ParsedFile {
    parse_with(text, file, path, true, measure_chars)
}

/// The print measure in characters: a book face sets about 2.8 characters
/// of running text to the em (EB Garamond, 6 × 9 in at 11 pt: 79 to a line).
pub fn measure_chars(measure: crate::model::Pt, font_size: crate::model::Pt) -> f64 {
    measure.0 / font_size.0 * 2.8
}

fn parse_with(text: &str, file: u32, path: &str, spans: bool, measure_chars: f64) -> ParsedFile {
    let mut builder = Builder {
        text,
        file,
        path,
        index: LineIndex::new(text),
        stack: vec![Frame::Blocks {
            container: Container::Root,
            blocks: Vec::new(),
            start: 0,
        }],
        out: ParsedFile::default(),
        anchors: Vec::new(),
        depth: 0,
        too_deep_reported: false,
        wrappers_dropped: (0, 0),
        text_run: None,
        spans,
        skip_to: 0,
        heading_close: None,
        opening: None,
        fences: Vec::new(),
        next_fence: 0,
        dissolved: 0,
        math: (0, 0),
        measure_chars,
        html_paragraphs: Vec::new(),
    };
    // Fenced divs: their fence lines are blanked (same length, so every offset
    // holds) for pulldown-cmark, which has no divs, and acted on in order.
    let (fences, blanked) = div_fences(text);
    builder.fences = fences;
    let read = blanked.as_deref().unwrap_or(text);
    // Where the file has math as Pandoc reads it, pulldown-cmark reads math
    // too, so that a formula's text is kept as written (no emphasis, no
    // escapes taken out of `\,`); other files are read exactly as before.
    let options = if math_spans(text).is_empty() {
        options()
    } else {
        options() | Options::ENABLE_MATH
    };
    for (event, range) in Parser::new_ext(read, options).into_offset_iter() {
        builder.event(event, range);
    }
    builder.finish()
}

#[derive(Debug)]
enum Container {
    Root,
    Quote,
    Item,
    Note(String),
    /// A definition list, and one definition in it.
    Definitions,
    Definition,
    /// A fenced div (`::: {.epigraph}`), opened at `at`.
    Div {
        classes: Vec<String>,
        lang: Option<String>,
        at: usize,
    },
}

#[derive(Debug)]
enum InlineKind {
    Paragraph,
    /// A heading's level and the id the author gave it (`## Terms {#terms}`).
    Heading(u8, Option<String>),
    Emphasis,
    Strong,
    Link(String),
    /// Alt text of an image being read; the image's written path and title.
    ImageAlt {
        url: String,
        title: String,
    },
    Marked(crate::model::TextMark),
    /// A table cell's content.
    Cell,
    /// A definition list's term.
    Term,
    /// Read and left out (a metadata block), with a warning.
    Dropped,
}

#[derive(Debug)]
enum Frame {
    Blocks {
        container: Container,
        blocks: Vec<Block>,
        start: usize,
    },
    List {
        ordered: bool,
        next_number: u64,
        items: Vec<ListItem>,
        start: usize,
    },
    Inlines {
        kind: InlineKind,
        content: Vec<Inline>,
        start: usize,
        /// Images met inside a paragraph: (index into `out.images`, alt, caption).
        images: Vec<(u32, String, String)>,
        /// The `[`s in `content` still open, innermost last.
        openers: Vec<Opener>,
    },
    Code {
        text: String,
        start: usize,
        /// A fenced block marked `verse` (or `poem`, `poetry`).
        verse: bool,
    },
    /// Raw HTML block: its text is collected and set as an escaped paragraph.
    Html { text: String, start: usize },
    Table {
        columns: Vec<ColumnAlign>,
        head: Option<Vec<Vec<Inline>>>,
        rows: Vec<Vec<Vec<Inline>>>,
        start: usize,
    },
    /// A table's header row (`head`) or a body row, collecting its cells.
    TableRow { head: bool, cells: Vec<Vec<Inline>> },
}

struct Builder<'t> {
    text: &'t str,
    file: u32,
    path: &'t str,
    index: LineIndex,
    stack: Vec<Frame>,
    out: ParsedFile,
    anchors: Vec<String>,
    depth: usize,
    too_deep_reported: bool,
    /// Wrapper tags (`<span id=…>`, `<div class=…>`) left out, and where the first was.
    wrappers_dropped: (usize, usize),
    /// The source range of the text events read since the last other event.
    text_run: Option<std::ops::Range<usize>>,
    /// Read bracketed spans (`[Small Caps]{.smallcaps}`); off only to test
    /// that they change nothing else.
    spans: bool,
    /// Text up to this offset is a span's attribute block, already read.
    skip_to: usize,
    /// The `]` of a heading's last span, when pulldown-cmark took the span's
    /// `{.smallcaps}` for the heading's attributes (`## Chapter [One]{.sc}`).
    heading_close: Option<usize>,
    /// The section a level-1 heading being read opens.
    opening: Option<FileSection>,
    /// The fenced divs' fence lines, in order, and the next one to act on.
    fences: Vec<DivFence>,
    next_fence: usize,
    /// Divs left out around a level-1 heading, whose closing fences are still to come.
    dissolved: usize,
    /// Math (`$…$`, `$$…$$`) read in the file: how many, and where the first is.
    math: (usize, usize),
    /// The print measure in characters of running text, against which a
    /// paragraph's hard-broken lines are read as verse or as prose.
    measure_chars: f64,
    /// Where raw HTML set as text starts: its lines are shown as written,
    /// never read as verse.
    html_paragraphs: Vec<u32>,
}

/// A `[` in a frame's content that may open a bracketed span.
#[derive(Debug, Clone, Copy)]
struct Opener {
    /// Where its `[` is in the frame's content; `None` for a bracket that
    /// opens no span (`[^note]`, `![`) but still pairs with a `]`.
    index: Option<usize>,
}

const PLACEHOLDER: BlockId = BlockId(0);

impl Builder<'_> {
    fn span(&self, range: std::ops::Range<usize>) -> Span {
        Span {
            file: self.file,
            start: range.start as u32,
            end: range.end as u32,
        }
    }

    fn warn_at(&mut self, offset: usize, message: String, hint: &str) {
        let (line, column) = self.index.line_column(self.text, offset);
        self.out.diagnostics.push(
            Diagnostic::warning(message)
                .at_file(self.path, line, column)
                .with_hint(hint),
        );
    }

    fn error_at(&mut self, offset: usize, message: String, hint: &str) {
        let (line, column) = self.index.line_column(self.text, offset);
        self.out.diagnostics.push(
            Diagnostic::error(message)
                .at_file(self.path, line, column)
                .with_hint(hint),
        );
    }

    fn event(&mut self, event: Event<'_>, range: std::ops::Range<usize>) {
        if self.next_fence < self.fences.len() {
            let position = match event {
                Event::End(_) => range.end,
                _ => range.start,
            };
            self.act_on_fences(position);
        }
        // pulldown-cmark leaves a footnote reference without a definition as
        // text, split at the brackets: look for it in each run of text.
        let in_text = matches!(event, Event::Text(_))
            && !matches!(
                self.stack.last(),
                Some(Frame::Code { .. } | Frame::Html { .. })
            );
        match (&mut self.text_run, in_text) {
            (Some(run), true) if run.end == range.start => run.end = range.end,
            (run, true) => {
                let done = run.replace(range.clone());
                self.find_unmatched_notes(done);
            }
            (run, false) => {
                let done = run.take();
                self.find_unmatched_notes(done);
            }
        }
        match event {
            Event::Start(tag) => self.start(tag, range),
            Event::End(tag) => self.end(tag, range),
            Event::Text(text) => match self.stack.last_mut() {
                Some(Frame::Code { text: code, .. }) => code.push_str(&text),
                Some(Frame::Html { text: html, .. }) => html.push_str(&text),
                _ if self.spans => self.text(text.into_string(), range),
                _ => self.push_inline(Inline::Text(text.into_string()), range.start),
            },
            Event::Code(code) => self.push_inline(Inline::Code(code.into_string()), range.start),
            // Not set yet: printed as written, with one warning per file.
            Event::InlineMath(t) => self.push_inline(Inline::Text(format!("${t}$")), range.start),
            Event::DisplayMath(t) => {
                self.push_inline(Inline::Text(format!("$${t}$$")), range.start)
            }
            // In a verse div each line of the source is a line of the poem.
            Event::SoftBreak if self.in_verse_div() => {
                self.push_inline(Inline::LineBreak, range.start)
            }
            Event::SoftBreak => self.push_inline(Inline::Text(" ".into()), range.start),
            Event::HardBreak => self.push_inline(Inline::LineBreak, range.start),
            Event::FootnoteReference(label) => self.push_inline(
                Inline::NoteRef {
                    note: u32::MAX,
                    label: label.into_string(),
                },
                range.start,
            ),
            Event::Html(html) => {
                if let Some(Frame::Html { text, .. }) = self.stack.last_mut() {
                    text.push_str(&html);
                }
            }
            Event::InlineHtml(html) => {
                if is_comment(&html) {
                    return;
                }
                if only_wrapper_tags(&html) {
                    self.drop_wrapper(range.start);
                    return;
                }
                // `<br>`, as converters write a line break inside a heading or a cell.
                if is_line_break_tag(&html) {
                    self.push_inline(Inline::LineBreak, range.start);
                    return;
                }
                self.warn_at(
                    range.start,
                    format!("raw HTML is set as text: `{}`", html.trim()),
                    "quire does not copy HTML into the book; use Markdown, or escape the `<` as `\\<`",
                );
                self.push_inline(Inline::Text(html.into_string()), range.start);
            }
            Event::Rule => {
                self.close_implicit_paragraph(range.start);
                self.push_block(BlockKind::SceneBreak, range);
            }
            Event::TaskListMarker(done) => self.push_inline(
                Inline::Text(if done { "☑ " } else { "☐ " }.into()),
                range.start,
            ),
        }
    }

    fn finish(mut self) -> ParsedFile {
        if self.wrappers_dropped.0 > 0 {
            let (count, at) = self.wrappers_dropped;
            self.warn_at(
                at,
                format!(
                    "{count} HTML wrapper tag{} (`<span>`, `<div>`, `<a id>`…, as converters write) {} left out; the text inside is kept",
                    if count == 1 { "" } else { "s" },
                    if count == 1 { "is" } else { "are" }
                ),
                "quire does not copy HTML into the book; the structure comes from the Markdown (headings, quotes, verse)",
            );
        }
        let run = self.text_run.take();
        self.find_unmatched_notes(run);
        self.close_implicit_paragraph(self.text.len());
        self.act_on_fences(usize::MAX);
        self.close_unclosed_divs(self.text.len(), "the file");
        if self.math.0 > 0 {
            let (count, at) = self.math;
            let end = math_spans(&self.text[at..])
                .first()
                .map_or(at, |r| at + r.end);
            let first = self.text[at..end].trim().to_string();
            self.warn_at(
                at,
                if count == 1 {
                    format!("math is not set yet: {first} is printed as written")
                } else {
                    format!(
                        "math is not set yet: {first} and {} more in this file are printed as written",
                        count - 1
                    )
                },
                "quire sets no TeX math; write a formula in plain text and Unicode (x² + y², H₂O, ≤), or as an image",
            );
        }
        while self.stack.len() > 1 {
            let end = self.text.len();
            self.end(TagEnd::Paragraph, end..end);
        }
        if let Some(Frame::Blocks { blocks, .. }) = self.stack.pop() {
            self.out.blocks.extend(blocks);
        }
        let settle = Settle {
            measure_chars: self.measure_chars,
            as_written: std::mem::take(&mut self.html_paragraphs),
        };
        // Section by section, so each section's start stays its first block.
        let mut blocks = std::mem::take(&mut self.out.blocks);
        let mut pieces = Vec::with_capacity(self.out.sections.len());
        for section in self.out.sections.iter().rev() {
            let start = section.start.min(blocks.len());
            pieces.push(blocks.split_off(start));
        }
        pieces.reverse();
        for (section, mut piece) in self.out.sections.iter_mut().zip(pieces) {
            settle_line_breaks(&mut piece, &settle);
            section.start = self.out.blocks.len();
            self.out.blocks.extend(piece);
        }
        for note in &mut self.out.notes {
            settle_line_breaks(&mut note.blocks, &settle);
        }
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::plain_text;

    fn parse_str(text: &str) -> ParsedFile {
        parse(text, 0, "manuscript/test.md")
    }

    #[test]
    fn title_and_headings() {
        let p = parse_str("# Loomings\n\nCall me Ishmael.\n\n## Part two\n\nMore.\n");
        assert!(p.title().is_some());
        assert_eq!(p.blocks.len(), 4);
        assert_eq!(p.sections.len(), 1);
        match &p.blocks[2].kind {
            BlockKind::Heading { level, anchor, .. } => {
                assert_eq!(*level, 2);
                assert_eq!(anchor, "part-two");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn each_level_one_heading_opens_a_section() {
        // A book converted whole into one file: text before the first heading, then chapters.
        let p = parse_str(
            "An opening line.\n\n# Chapter I {short=\"One\"}\n\nText.\n\n## A Section\n\n# Chapter II {-}\n\nMore.\n\n> # In a quote\n",
        );
        let starts: Vec<(usize, bool)> = p.sections.iter().map(|s| (s.start, s.titled)).collect();
        assert_eq!(starts, [(0, false), (1, true), (4, true)]);
        assert_eq!(p.sections[1].running_head.as_deref(), Some("One"));
        assert!(p.sections[2].unnumbered && !p.sections[1].unnumbered);
        assert!(p.title().is_none(), "the file does not open with its title");
        let lengths: Vec<usize> = p.section_blocks().map(|(_, b)| b.len()).collect();
        assert_eq!(lengths, [1, 3, 3]);
        // Inside a quote a level-1 heading is one of the quote's, with a warning.
        assert_eq!(p.diagnostics.len(), 1, "{:?}", p.diagnostics);
    }

    #[test]
    fn struck_raised_and_lowered_text() {
        let p = parse_str("H~2~O is ~~not~~ water^1^, E = mc^2^.\n");
        let BlockKind::Paragraph { content, .. } = &p.blocks[0].kind else {
            panic!()
        };
        let marks: Vec<(TextMark, String)> = content
            .iter()
            .filter_map(|i| match i {
                Inline::Marked { mark, content } => Some((*mark, plain_text(content))),
                _ => None,
            })
            .collect();
        assert_eq!(
            marks,
            [
                (TextMark::Subscript, "2".to_string()),
                (TextMark::Strikethrough, "not".to_string()),
                (TextMark::Superscript, "1".to_string()),
                (TextMark::Superscript, "2".to_string()),
            ]
        );
        assert_eq!(plain_text(content), "H2O is not water1, E = mc2.");
    }

    #[test]
    fn heading_ids_are_taken_from_the_author() {
        let p = parse_str(
            "# Title {#the-title}\n\n## Terms {#terms}\n\n## Terms again {#terms}\n\n## Odd {#2}\n",
        );
        let anchors: Vec<&str> = p
            .blocks
            .iter()
            .filter_map(|b| match &b.kind {
                BlockKind::Heading { anchor, .. } => Some(anchor.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(anchors, ["the-title", "terms", "terms-2", "s-2"]);
        let warnings: Vec<String> = p.diagnostics.iter().map(|d| d.message.clone()).collect();
        assert_eq!(
            warnings,
            [
                "the heading id `terms` is used twice in this file",
                "the heading id `2` is used as `s-2`"
            ]
        );
        let BlockKind::Heading { content, .. } = &p.blocks[1].kind else {
            panic!()
        };
        assert_eq!(plain_text(content), "Terms", "the attribute is not text");
    }

    #[test]
    fn smart_punctuation_and_handles_stay_text() {
        let p = parse_str("\"Hello\" -- it's... (@holanewskz) #word\n");
        let BlockKind::Paragraph { content, .. } = &p.blocks[0].kind else {
            panic!()
        };
        assert_eq!(plain_text(content), "“Hello” – it’s… (@holanewskz) #word");
    }

    #[test]
    fn tight_and_nested_lists() {
        let p = parse_str("1. one\n2. two\n   - a\n   - b\n");
        let BlockKind::List { ordered, items } = &p.blocks[0].kind else {
            panic!("{:?}", p.blocks)
        };
        assert!(*ordered);
        assert_eq!(items[1].marker, "2.");
        assert_eq!(items[1].blocks.len(), 2, "{:?}", items[1].blocks);
        assert!(matches!(
            items[1].blocks[1].kind,
            BlockKind::List { ordered: false, .. }
        ));
    }

    #[test]
    fn figure_and_footnote() {
        let p = parse_str("Text.[^a]\n\n![A map](img/map.png \"The voyage\")\n\n[^a]: The note.\n");
        assert!(matches!(p.blocks[1].kind, BlockKind::Figure { .. }));
        assert_eq!(p.images[0].written, "img/map.png");
        assert_eq!(p.notes[0].label, "a");
        assert!(p.diagnostics.is_empty());
    }

    #[test]
    fn raw_html_is_escaped_with_a_warning() {
        let p = parse_str("Hi\n\n<div onclick=\"x()\">\nbad\n\nText <b>bold</b>.\n");
        assert_eq!(p.diagnostics.len(), 3, "{:?}", p.diagnostics);
        assert!(
            p.diagnostics[0]
                .to_string()
                .contains("manuscript/test.md:3:1")
        );
        let all: String = p
            .blocks
            .iter()
            .filter_map(|b| match &b.kind {
                BlockKind::Paragraph { content, .. } => Some(plain_text(content)),
                _ => None,
            })
            .collect();
        assert!(all.contains("<div onclick"), "{all}");
    }

    #[test]
    fn deep_nesting_is_an_error() {
        let text = ">".repeat(100) + " deep\n";
        let p = parse_str(&text);
        assert!(p.diagnostics.iter().any(|d| d.is_error()));
        let text = ">".repeat(50) + " deep\n";
        assert!(parse_str(&text).diagnostics.is_empty());
    }

    fn paragraph(p: &ParsedFile) -> &[Inline] {
        match &p.blocks[0].kind {
            BlockKind::Paragraph { content, .. } | BlockKind::Heading { content, .. } => content,
            other => panic!("{other:?}"),
        }
    }

    fn sc(content: Vec<Inline>) -> Inline {
        Inline::Marked {
            mark: TextMark::SmallCaps,
            content,
        }
    }

    fn text(t: &str) -> Inline {
        Inline::Text(t.to_string())
    }

    #[test]
    fn bracketed_spans_are_small_capitals() {
        let p = parse_str("At [nasa]{.smallcaps} and [Small *Caps*]{.sc}, [bbc]{ .small-caps }.\n");
        assert_eq!(
            paragraph(&p),
            [
                text("At "),
                sc(vec![text("nasa")]),
                text(" and "),
                sc(vec![text("Small "), Inline::Emphasis(vec![text("Caps")])]),
                text(", "),
                sc(vec![text("bbc")]),
                text("."),
            ]
        );
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
        // Inside emphasis, a link, a heading; with raised text and a note inside.
        let p = parse_str("*see [ad]{.sc}* [[x^2^]{.sc}](https://e.org)[^1]\n\n[^1]: [a]{.sc}\n");
        assert_eq!(
            paragraph(&p),
            [
                Inline::Emphasis(vec![text("see "), sc(vec![text("ad")])]),
                text(" "),
                Inline::Link {
                    url: "https://e.org".into(),
                    content: vec![sc(vec![
                        text("x"),
                        Inline::Marked {
                            mark: TextMark::Superscript,
                            content: vec![text("2")]
                        }
                    ])]
                },
                Inline::NoteRef {
                    note: u32::MAX,
                    label: "1".into()
                },
            ]
        );
        let BlockKind::Paragraph { content, .. } = &p.notes[0].blocks[0].kind else {
            panic!()
        };
        assert_eq!(content, &[sc(vec![text("a")])]);
        // Two in a row, text straight after the attribute block.
        let p = parse_str("[a]{.sc}x[b]{.sc}y\n");
        assert_eq!(
            paragraph(&p),
            [
                sc(vec![text("a")]),
                text("x"),
                sc(vec![text("b")]),
                text("y")
            ]
        );
    }

    #[test]
    fn a_span_at_a_headings_end_is_not_the_headings_class() {
        // pulldown-cmark reads a trailing `{.sc}` as the heading's attributes.
        let p = parse_str("## Chapter [One]{.sc}\n\n## [Two]{.sc} more {#two}\n");
        let BlockKind::Heading {
            content, anchor, ..
        } = &p.blocks[0].kind
        else {
            panic!()
        };
        assert_eq!(content, &[text("Chapter "), sc(vec![text("One")])]);
        assert_eq!(anchor, "chapter-one");
        let BlockKind::Heading {
            content, anchor, ..
        } = &p.blocks[1].kind
        else {
            panic!()
        };
        assert_eq!(content, &[sc(vec![text("Two")]), text(" more")]);
        assert_eq!(anchor, "two");
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
        // A heading's own class still warns; Pandoc's `{-}`, `.unnumbered` and `.unlisted` are read.
        let p = parse_str("## Chapter One {.fancy}\n");
        assert_eq!(p.diagnostics.len(), 1);
        for marked in [
            "# Prologue {-}\n",
            "# Prologue {.unnumbered}\n",
            "# Prologue {- #pro}\n",
        ] {
            let p = parse_str(marked);
            assert!(
                p.sections[0].unnumbered && p.diagnostics.is_empty(),
                "{marked}: {:?}",
                p.diagnostics
            );
        }
        let p = parse_str("# Notes {.unlisted}\n");
        assert!(p.sections[0].unlisted && !p.sections[0].unnumbered && p.diagnostics.is_empty());
        let p = parse_str("# Notes {x}\n");
        assert_eq!(
            p.diagnostics.len(),
            1,
            "a one-letter token is not read, and says so"
        );
    }

    #[test]
    fn other_brackets_stay_as_written() {
        for (source, plain) in [
            ("[text] alone", "[text] alone"),
            ("[a][ref] and [b]", "[a][ref] and [b]"),
            ("[a](https://e.org) [b][r]\n\n[r]: https://f.org", "a b"),
            ("\\[a\\]{.sc}", "[a]{.sc}"),
            ("`[a]{.sc}`", "[a]{.sc}"),
            ("[a]{.smallcaps", "[a]{.smallcaps"),
            ("[a] {.sc}", "[a] {.sc}"),
            ("[a]{}", "[a]{}"),
            ("[a]{not an attribute}", "[a]{not an attribute}"),
            ("![a]{.sc}", "![a]{.sc}"),
            ("[^missing]{.sc}", "[^missing]{.sc}"),
            ("&#91;a]{.sc}", "[a]{.sc}"),
        ] {
            let p = parse_str(source);
            let all: String = p
                .blocks
                .iter()
                .map(|b| match &b.kind {
                    BlockKind::Paragraph { content, .. } => plain_text(content),
                    _ => String::new(),
                })
                .collect();
            assert_eq!(all, plain, "{source}");
            let marked = p.blocks.iter().any(|b| {
                matches!(&b.kind, BlockKind::Paragraph { content, .. }
                    if content.iter().any(|i| matches!(i, Inline::Marked { .. })))
            });
            assert!(!marked, "{source}: {:?}", p.blocks);
        }
        let p = parse_str("[^missing]{.sc}\n");
        assert_eq!(p.unmatched_notes.len(), 1);
        assert_eq!(p.unmatched_notes[0].1.start, 0);
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    }

    #[test]
    fn span_warnings_name_their_place() {
        let p = parse_str("One.\n\nA [word]{.other} here, *[a*]{.sc}, [b]{.sc #id}.\n");
        let shown: Vec<String> = p.diagnostics.iter().map(|d| d.to_string()).collect();
        assert_eq!(shown.len(), 3, "{shown:#?}");
        assert!(
            shown[0].starts_with(
                "warning: a span's classes and attributes (`{.other}`) are not used; the span is set as written\n  --> manuscript/test.md:3:9\n"
            ),
            "{}",
            shown[0]
        );
        assert!(
            shown[1].starts_with(
                "warning: `]{.sc}` closes no `[` here; it is set as text\n  --> manuscript/test.md:3:29\n"
            ),
            "{}",
            shown[1]
        );
        assert!(
            shown[2].starts_with(
                "warning: a span's attribute is not used: `#id`\n  --> manuscript/test.md:3:39\n"
            ),
            "{}",
            shown[2]
        );
        assert_eq!(
            plain_text(&match &p.blocks[1].kind {
                BlockKind::Paragraph { content, .. } => content.clone(),
                _ => panic!(),
            }),
            "A [word]{.other} here, [a]{.sc}, b."
        );
    }

    #[test]
    fn spans_keep_the_places_the_parser_records() {
        let text = "Before [x]{.sc} then[^n] and <b>\n\n![](a.png)\n";
        let p = parse_str(text);
        let without = parse_with(text, 0, "manuscript/test.md", false, NOMINAL_MEASURE_CHARS);
        let spans = |p: &ParsedFile| {
            (
                p.blocks.iter().map(|b| b.span).collect::<Vec<_>>(),
                p.images.clone(),
                p.unmatched_notes.clone(),
                p.diagnostics
                    .iter()
                    .map(|d| d.to_string())
                    .collect::<Vec<_>>(),
            )
        };
        assert_eq!(spans(&p), spans(&without));
        assert_eq!(
            p.unmatched_notes[0].1.start as usize,
            text.find("[^n]").unwrap()
        );
        assert_eq!(p.diagnostics.len(), 2, "{:?}", p.diagnostics);
        assert!(p.diagnostics[0].to_string().contains("test.md:1:30"));
    }

    /// Odd brackets never panic, and the text read is the text without
    /// spans, less the `[` and `]{.sc}` of each small-caps span made.
    #[test]
    fn odd_brackets_keep_their_text() {
        fn all_text(p: &ParsedFile) -> (String, usize) {
            fn count(inlines: &[Inline]) -> usize {
                inlines
                    .iter()
                    .map(|i| match i {
                        Inline::Marked {
                            mark: TextMark::SmallCaps,
                            content,
                        } => 1 + count(content),
                        Inline::Emphasis(c)
                        | Inline::Strong(c)
                        | Inline::Link { content: c, .. }
                        | Inline::Marked { content: c, .. } => count(c),
                        _ => 0,
                    })
                    .sum()
            }
            let mut text = String::new();
            let mut spans = 0;
            let mut blocks: Vec<&Block> = Vec::new();
            walk_all(&p.blocks, &mut blocks);
            for note in &p.notes {
                walk_all(&note.blocks, &mut blocks);
            }
            for b in blocks {
                if let BlockKind::Paragraph { content, .. }
                | BlockKind::Heading { content, .. }
                | BlockKind::Verse { content, .. } = &b.kind
                {
                    text.push_str(&plain_text(content));
                    text.push('\n');
                    spans += count(content);
                }
            }
            (text, spans)
        }
        fn walk_all<'a>(blocks: &'a [Block], out: &mut Vec<&'a Block>) {
            crate::model::walk_blocks(blocks, &mut |b| out.push(b));
        }
        let strip = |s: &str| {
            s.replace("{.smallcaps}", "")
                .replace("{.sc}", "")
                .replace(['[', ']', '\n'], "")
        };
        let check = |source: &str| {
            let with = all_text(&parse_str(source));
            let without = all_text(&parse_with(
                source,
                0,
                "manuscript/test.md",
                false,
                NOMINAL_MEASURE_CHARS,
            ));
            assert_eq!(without.1, 0);
            assert_eq!(strip(&with.0), strip(&without.0), "{source:?}");
            let letters = |s: &str| s.chars().filter(|&c| c != '\n').count();
            let removed = letters(&without.0) - letters(&with.0);
            // A span made takes out at least its `[` and `]` (a heading's
            // `{.sc}` is no text; a verse line break in a span splits it).
            assert!(
                with.1 == 0 || removed >= 2,
                "{source:?}: {with:?} vs {without:?}"
            );
        };
        for source in [
            "[",
            "]",
            "]{.smallcaps}",
            "[[a]{.sc}]",
            "[a]{.smallcaps",
            "*[a*]{.sc}",
            "[*a]{.sc}*",
            "[]{.sc}",
            "[[[]]]{.sc}{.sc}",
            "[a\nb]{.sc}",
            "[a  \nb]{.sc}",
            "> [a\n> b]{.sc}",
            "- [a]{.sc}\n- [b",
            "| [a]{.sc} | b] |\n|---|---|\n| [c | d]{.sc} |",
            "```verse\n[a]{.sc}\n[b\n```",
            "# [Title]{.sc}",
            "[a]{.sc}[^1]\n\n[^1]: [b]{.sc}",
        ] {
            check(source);
            assert_eq!(
                strip(&all_text(&parse_str(source)).0),
                strip(&all_text(&parse_with(source, 0, "x", false, NOMINAL_MEASURE_CHARS)).0)
            );
        }
        let exact = |source: &str, expected: &str| {
            assert_eq!(all_text(&parse_str(source)).0, expected, "{source:?}");
        };
        exact("[[a]{.sc}]", "[a]\n");
        exact("]{.smallcaps}", "]{.smallcaps}\n");
        exact("[a]{.smallcaps", "[a]{.smallcaps\n");
        exact("*[a*]{.sc}", "[a]{.sc}\n");
        exact("[x [a] y]{.sc} [z", "x [a] y [z\n");
        // Pseudo-random strings of the pieces that matter.
        let pieces = [
            "[",
            "]",
            "{.sc}",
            "{.smallcaps}",
            "{.other}",
            "*",
            "_",
            "a",
            " ",
            "\\",
            "`",
            "^",
            "!",
            "\n",
            "(u)",
            "{",
            "}",
            "<b>",
            "~~",
            "#",
            "> ",
            "\"",
            "...",
            "--",
        ];
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..3000 {
            let mut source = String::new();
            for _ in 0..(state % 24) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                source.push_str(pieces[(state >> 32) as usize % pieces.len()]);
            }
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            check(&source);
        }
    }

    #[test]
    fn scene_break() {
        let p = parse_str("a\n\n* * *\n\nb\n");
        assert!(matches!(p.blocks[1].kind, BlockKind::SceneBreak));
    }
}
