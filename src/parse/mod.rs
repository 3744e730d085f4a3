//! Markdown → model blocks. The one place pulldown-cmark's options are set.
//! Events (with source ranges) become blocks and inlines with spans; what a
//! book cannot use (raw HTML) is escaped with a warning naming the line.
//! Cross-file work (footnote numbers, image files, block ids, indents) is
//! left to `resolve`.

use pulldown_cmark::{Alignment, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::diag::{Diagnostic, LineIndex};
use crate::model::{
    Block, BlockId, BlockKind, ColumnAlign, ImageId, Inline, ListItem, Span, TextMark, plain_text,
};

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
    pub diagnostics: Vec<Diagnostic>,
}

impl Default for ParsedFile {
    fn default() -> ParsedFile {
        ParsedFile {
            sections: vec![FileSection::default()],
            blocks: Vec::new(),
            notes: Vec::new(),
            images: Vec::new(),
            unmatched_notes: Vec::new(),
            diagnostics: Vec::new(),
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

/// What Pandoc's attribute block on a heading line says beyond its id.
#[derive(Debug, Default)]
struct HeadingMarks {
    unnumbered: bool,
    unlisted: bool,
    /// A one-character token other than `-`, which pulldown-cmark drops unread.
    unknown: bool,
}

fn heading_marks(line: &str) -> HeadingMarks {
    let mut marks = HeadingMarks::default();
    let line = line.trim_end();
    let Some(open) = line.rfind('{').filter(|_| line.ends_with('}')) else {
        return marks;
    };
    for token in line[open + 1..line.len() - 1].split_ascii_whitespace() {
        match token {
            "-" | ".unnumbered" => marks.unnumbered = true,
            ".unlisted" => marks.unlisted = true,
            t if t.len() == 1 => marks.unknown = true,
            _ => {}
        }
    }
    marks
}

/// The value of `short="…"` (or `short=word`) in a heading's attribute block.
fn short_attribute(line: &str) -> Option<String> {
    let block = &line[line.rfind('{')?..];
    let at = block.find("short=")? + "short=".len();
    let rest = &block[at..];
    let value = match rest.strip_prefix('"') {
        Some(quoted) => &quoted[..quoted.find('"')?],
        None => rest.split(|c: char| c.is_whitespace() || c == '}').next()?,
    };
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_string())
}

/// `![alt](path with spaces "title")`, found in a paragraph's source.
#[derive(Debug, PartialEq)]
struct SpacedImage<'t> {
    alt: &'t str,
    path: &'t str,
    title: Option<String>,
    /// Its length in the source, from `!` to `)`.
    len: usize,
}

/// The first `![alt](destination)` in `source` whose destination has a space
/// outside angle brackets (which CommonMark does not read as an image), with
/// its offset; not inside a code span.
fn find_spaced_image(source: &str) -> Option<(usize, SpacedImage<'_>)> {
    let mut from = 0;
    while let Some(found) = source[from..].find("![") {
        let at = from + found;
        from = at + 2;
        // Inside a code span it is an example of Markdown, not an image.
        if source[..at].matches('`').count() % 2 == 1 {
            continue;
        }
        let rest = &source[at + 2..];
        let Some(close) = rest.find("](") else {
            continue;
        };
        let alt = &rest[..close];
        if alt.contains(['[', ']', '\n']) {
            continue;
        }
        let inner_start = close + 2;
        let Some(end) = rest[inner_start..].find(')') else {
            continue;
        };
        let inner = &rest[inner_start..inner_start + end];
        if inner.starts_with('<') || inner.contains(['(', '\n']) {
            continue;
        }
        let inner = inner.trim();
        // A title after the path: `"…"` or `'…'`.
        let (path, title) = match inner.strip_suffix(['"', '\'']) {
            Some(without) => {
                let quote = inner.as_bytes()[inner.len() - 1] as char;
                match without.rfind(quote) {
                    Some(open) if without[..open].ends_with(char::is_whitespace) => (
                        without[..open].trim_end(),
                        Some(without[open + 1..].to_string()),
                    ),
                    _ => (inner, None),
                }
            }
            None => (inner, None),
        };
        if !path.contains(char::is_whitespace) {
            continue;
        }
        let len = 2 + inner_start + end + 1;
        return Some((
            at,
            SpacedImage {
                alt,
                path,
                title,
                len,
            },
        ));
    }
    None
}

/// Whether a path names an image file by its extension.
fn has_image_extension(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    [
        ".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".tif", ".tiff",
    ]
    .iter()
    .any(|e| lower.ends_with(e))
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

/// What follows a `]`.
#[derive(Debug, PartialEq)]
enum SpanAttributes {
    /// Not an attribute block: the `]` is text.
    None,
    /// An attribute block `len` bytes long: whether it names a small-caps
    /// class (`.smallcaps`, `.sc`, `.small-caps`), the language it gives
    /// (`lang=el`), and what else it says, which is not used.
    Read {
        len: usize,
        small_caps: bool,
        lang: Option<String>,
        unused: Vec<String>,
    },
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

    fn start(&mut self, tag: Tag<'_>, range: std::ops::Range<usize>) {
        let start = range.start;
        if is_block_tag(&tag) {
            self.close_implicit_paragraph(start);
        }
        let frame = match tag {
            Tag::Paragraph => Frame::Inlines {
                kind: InlineKind::Paragraph,
                content: Vec::new(),
                start,
                images: Vec::new(),
                openers: Vec::new(),
            },
            Tag::Heading {
                level,
                id,
                classes,
                attrs,
            } => {
                // `{short="…"}` on a chapter's heading is its running head. pulldown-cmark
                // splits attribute values at spaces, so the value is read from the source line.
                let short = attrs.iter().any(|(key, _)| key.as_ref() == "short");
                let others = attrs
                    .iter()
                    .filter(|(key, _)| key.as_ref() != "short")
                    .count();
                // Pandoc's `{-}` and `{.unnumbered}` (pulldown-cmark drops a
                // one-character token, so the line is read) and `{.unlisted}`.
                let line_end = self.text[start..]
                    .find('\n')
                    .map_or(self.text.len(), |e| start + e);
                let marks = heading_marks(&self.text[start..line_end]);
                let classes: Vec<_> = classes
                    .into_iter()
                    .filter(|c| !matches!(c.as_ref(), "unnumbered" | "unlisted"))
                    .collect();
                // A level-1 heading opens a section: what its line says of it.
                self.opening = (level == pulldown_cmark::HeadingLevel::H1).then(|| FileSection {
                    start: 0,
                    titled: true,
                    running_head: short
                        .then(|| short_attribute(&self.text[start..line_end]))
                        .flatten(),
                    unnumbered: marks.unnumbered,
                    unlisted: marks.unlisted,
                });
                // `## Chapter [One]{.sc}`: the span's class, read as the heading's.
                self.heading_close = None;
                if self.spans
                    && others == 0
                    && !short
                    && matches!(classes.as_slice(), [class] if is_small_caps_class(class))
                {
                    self.heading_close = self.heading_span_close(start);
                }
                if self.heading_close.is_none()
                    && (!classes.is_empty() || others > 0 || marks.unknown)
                {
                    self.warn_at(
                        start,
                        "a heading's classes and attributes (`{.class key=value}`) are not used"
                            .into(),
                        "only an id, `{-}` or `{.unnumbered}` (no chapter number) and `{.unlisted}` (not in the contents) are read; styling comes from book.toml",
                    );
                }
                Frame::Inlines {
                    kind: InlineKind::Heading(heading_level(level), id.map(|id| id.into_string())),
                    content: Vec::new(),
                    start,
                    images: Vec::new(),
                    openers: Vec::new(),
                }
            }
            Tag::BlockQuote(_) => {
                self.enter_nesting(start);
                Frame::Blocks {
                    container: Container::Quote,
                    blocks: Vec::new(),
                    start,
                }
            }
            Tag::CodeBlock(kind) => Frame::Code {
                text: String::new(),
                start,
                verse: matches!(
                    &kind,
                    pulldown_cmark::CodeBlockKind::Fenced(info)
                        if matches!(info.split_whitespace().next(), Some("verse" | "poem" | "poetry"))
                ),
            },
            Tag::HtmlBlock => Frame::Html {
                text: String::new(),
                start,
            },
            Tag::List(first) => {
                self.enter_nesting(start);
                Frame::List {
                    ordered: first.is_some(),
                    next_number: first.unwrap_or(1),
                    items: Vec::new(),
                    start,
                }
            }
            Tag::Item => Frame::Blocks {
                container: Container::Item,
                blocks: Vec::new(),
                start,
            },
            Tag::FootnoteDefinition(label) => Frame::Blocks {
                container: Container::Note(label.into_string()),
                blocks: Vec::new(),
                start,
            },
            Tag::Emphasis => self.inline_frame(InlineKind::Emphasis, start),
            Tag::Strong => self.inline_frame(InlineKind::Strong, start),
            Tag::Link { dest_url, .. } => {
                self.inline_frame(InlineKind::Link(dest_url.into_string()), start)
            }
            Tag::Image {
                dest_url, title, ..
            } => self.inline_frame(
                InlineKind::ImageAlt {
                    url: dest_url.into_string(),
                    title: title.into_string(),
                },
                start,
            ),
            Tag::Strikethrough => {
                self.inline_frame(InlineKind::Marked(TextMark::Strikethrough), start)
            }
            Tag::Superscript => self.inline_frame(InlineKind::Marked(TextMark::Superscript), start),
            Tag::Subscript => self.inline_frame(InlineKind::Marked(TextMark::Subscript), start),
            Tag::Table(aligns) => Frame::Table {
                columns: aligns
                    .iter()
                    .map(|a| match a {
                        Alignment::None => ColumnAlign::Auto,
                        Alignment::Left => ColumnAlign::Left,
                        Alignment::Center => ColumnAlign::Center,
                        Alignment::Right => ColumnAlign::Right,
                    })
                    .collect(),
                head: None,
                rows: Vec::new(),
                start,
            },
            Tag::TableHead => Frame::TableRow {
                head: true,
                cells: Vec::new(),
            },
            Tag::TableRow => Frame::TableRow {
                head: false,
                cells: Vec::new(),
            },
            Tag::TableCell => self.inline_frame(InlineKind::Cell, start),
            Tag::MetadataBlock(_) => {
                self.warn_at(
                    start,
                    "a metadata block (`---` … `---` at the top of a file, as Pandoc writes) is not read; it is left out".into(),
                    "the book's metadata lives in book.toml: move the title, author and date there",
                );
                self.inline_frame(InlineKind::Dropped, start)
            }
            Tag::DefinitionList => {
                self.enter_nesting(start);
                Frame::Blocks {
                    container: Container::Definitions,
                    blocks: Vec::new(),
                    start,
                }
            }
            Tag::DefinitionListTitle => self.inline_frame(InlineKind::Term, start),
            Tag::DefinitionListDefinition => Frame::Blocks {
                container: Container::Definition,
                blocks: Vec::new(),
                start,
            },
        };
        self.stack.push(frame);
    }

    /// The offset of the `]` that ends a heading's first line right before
    /// its attribute block (`## Chapter [One]{.sc}`), if it does.
    fn heading_span_close(&self, start: usize) -> Option<usize> {
        let line_end = self.text[start..]
            .find('\n')
            .map_or(self.text.len(), |e| start + e);
        let line = self.text[start..line_end].trim_end();
        let open = line.strip_suffix('}')?.rfind('{')?;
        let close = start + line[..open].strip_suffix(']')?.len();
        (!self.escaped(close)).then_some(close)
    }

    /// Whether the character at `offset` is escaped with a backslash.
    fn escaped(&self, offset: usize) -> bool {
        let before = &self.text.as_bytes()[..offset.min(self.text.len())];
        before.iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 1
    }

    /// A text event in inline content, where a bracketed span may open or
    /// close. pulldown-cmark has no spans: `[Small Caps]{.smallcaps}` arrives
    /// as the texts `[`, `Small Caps`, `]` and `{.smallcaps}` (with any
    /// emphasis inside as events of its own). A `[` is remembered in its
    /// frame; a `]` pairs with the frame's innermost one, as link brackets
    /// do, and makes the span when `{.smallcaps}` follows it in the source.
    fn text(&mut self, mut text: String, mut range: std::ops::Range<usize>) {
        // The attribute block of a span just closed: read, not text (whole
        // events inside it go, whatever smart punctuation made of them).
        if self.skip_to >= range.end && range.start < range.end {
            return;
        }
        if self.skip_to > range.start {
            let cut = self.skip_to.min(range.end);
            if let Some(rest) = self
                .text
                .get(range.start..cut)
                .and_then(|written| text.strip_prefix(written))
            {
                text = rest.to_string();
                range.start = cut;
            }
            if text.is_empty() {
                return;
            }
        }
        let source = self.text.get(range.clone()).unwrap_or_default();
        let escaped = self.escaped(range.start);
        if !escaped && (text == "[" && source == "[" || text == "![" && source == "![") {
            let opens_span = text == "[" && !self.text[range.end..].starts_with('^');
            self.push_inline(Inline::Text(text), range.start);
            if let Some(Frame::Inlines {
                content, openers, ..
            }) = self.stack.last_mut()
            {
                let index = opens_span.then(|| content.len() - 1);
                openers.push(Opener { index });
            }
            return;
        }
        if escaped || !text.starts_with(']') || !source.starts_with(']') {
            return self.push_inline(Inline::Text(text), range.start);
        }
        let after = range.start + 1;
        let attributes = if self.heading_close == Some(range.start) {
            SpanAttributes::Read {
                len: 0,
                small_caps: true,
                lang: None,
                unused: Vec::new(),
            }
        } else {
            span_attributes(&self.text[after..])
        };
        let opener = match self.stack.last_mut() {
            Some(Frame::Inlines { openers, .. }) => openers.pop(),
            _ => None,
        };
        let SpanAttributes::Read {
            len,
            small_caps,
            lang,
            unused,
        } = attributes
        else {
            return self.push_inline(Inline::Text(text), range.start);
        };
        let written = if len == 0 {
            "{.smallcaps}".to_string()
        } else {
            self.text[after..after + len].to_string()
        };
        let index = match opener {
            Some(Opener { index: Some(index) }) => index,
            // `![` or `[^`: its `]` is not a span's.
            Some(Opener { index: None }) => {
                return self.push_inline(Inline::Text(text), range.start);
            }
            None if small_caps || lang.is_some() => {
                self.warn_at(
                    after,
                    format!("`]{written}` closes no `[` here; it is set as text"),
                    "a span's `[` and `]` must be in the same emphasis, link or heading: [*Small Caps*]{.smallcaps}",
                );
                return self.push_inline(Inline::Text(text), range.start);
            }
            None => return self.push_inline(Inline::Text(text), range.start),
        };
        if !small_caps && lang.is_none() {
            self.warn_at(
                after,
                format!("a span's classes and attributes (`{written}`) are not used; the span is set as written"),
                "a span is read for small capitals, [Small Caps]{.smallcaps}, and a language, [ἀρετή]{lang=el}; styling comes from book.toml",
            );
            return self.push_inline(Inline::Text(text), range.start);
        }
        // The language, checked against the IANA registry as book.toml's is.
        let lang = match lang {
            Some(tag) => match crate::config::check_language_tag(&tag) {
                Ok(()) => Some(tag),
                Err(why) => {
                    self.error_at(
                        after,
                        format!("`lang={tag}` is not a language tag: {why}"),
                        "write a BCP 47 tag, as in book.toml's `language`: [ἀρετή]{lang=el}, [Weltschmerz]{lang=de}, [mot]{lang=fr-CA}",
                    );
                    None
                }
            },
            None => None,
        };
        if let Some(Frame::Inlines { content, .. }) = self.stack.last_mut()
            && index < content.len()
        {
            let mut inner: Vec<Inline> = content.drain(index + 1..).collect();
            content.truncate(index);
            if !inner.is_empty() {
                if small_caps {
                    inner = vec![Inline::Marked {
                        mark: TextMark::SmallCaps,
                        content: merge_text(inner),
                    }];
                }
                match lang {
                    Some(tag) => content.push(Inline::Language {
                        tag,
                        content: merge_text(inner),
                    }),
                    None => content.extend(merge_text(inner)),
                }
            }
        }
        if !unused.is_empty() {
            self.warn_at(
                after,
                format!(
                    "a span's {} not used: `{}`",
                    if unused.len() == 1 {
                        "attribute is"
                    } else {
                        "attributes are"
                    },
                    unused.join(" ")
                ),
                "a span is read for small capitals, [Small Caps]{.smallcaps}, and a language, [ἀρετή]{lang=el}; styling comes from book.toml",
            );
        }
        self.skip_to = after + len;
        text.remove(0);
        if !text.is_empty() {
            self.text(text, after..range.end);
        }
    }

    fn inline_frame(&mut self, kind: InlineKind, start: usize) -> Frame {
        Frame::Inlines {
            kind,
            content: Vec::new(),
            start,
            images: Vec::new(),
            openers: Vec::new(),
        }
    }

    fn enter_nesting(&mut self, offset: usize) {
        self.depth += 1;
        if self.depth > MAX_NESTING && !self.too_deep_reported {
            self.too_deep_reported = true;
            self.error_at(
                offset,
                format!("quotes and lists are nested more than {MAX_NESTING} deep"),
                "a book's text rarely nests more than three levels; flatten the structure",
            );
        }
    }

    fn end(&mut self, tag: TagEnd, range: std::ops::Range<usize>) {
        if matches!(
            tag,
            TagEnd::Item
                | TagEnd::BlockQuote(_)
                | TagEnd::FootnoteDefinition
                | TagEnd::List(_)
                | TagEnd::DefinitionList
                | TagEnd::DefinitionListDefinition
        ) {
            self.close_implicit_paragraph(range.end);
            self.close_unclosed_divs(range.end, "its quote, list item or note");
        }
        let Some(frame) = self.stack.pop() else {
            return;
        };
        match frame {
            Frame::Inlines {
                kind,
                content,
                start,
                images,
                ..
            } => self.end_inlines(kind, content, start, images, range),
            Frame::Blocks {
                container,
                blocks,
                start,
            } => match container {
                Container::Root => {}
                Container::Quote => {
                    self.depth -= 1;
                    self.push_block(BlockKind::Quote(blocks), start..range.end);
                }
                Container::Item => {
                    if let Some(Frame::List {
                        ordered,
                        next_number,
                        items,
                        ..
                    }) = self.stack.last_mut()
                    {
                        let marker = if *ordered {
                            let m = format!("{next_number}.");
                            *next_number += 1;
                            m
                        } else {
                            "•".to_string()
                        };
                        items.push(ListItem { marker, blocks });
                    }
                }
                Container::Definitions => {
                    self.depth -= 1;
                    self.push_block(BlockKind::Definitions(blocks), start..range.end);
                }
                Container::Definition => {
                    self.push_block(BlockKind::Definition(blocks), start..range.end);
                }
                Container::Div { classes, lang, .. } => {
                    self.depth -= 1;
                    self.push_block(
                        BlockKind::Div {
                            classes,
                            lang,
                            blocks,
                        },
                        start..range.end,
                    );
                }
                Container::Note(label) => {
                    let span = self.span(start..range.end);
                    self.out.notes.push(NoteDefinition {
                        label,
                        blocks,
                        span,
                    });
                }
            },
            Frame::List {
                ordered,
                items,
                start,
                ..
            } => {
                self.depth -= 1;
                self.push_block(BlockKind::List { ordered, items }, start..range.end);
            }
            Frame::TableRow { head, cells } => {
                if let Some(Frame::Table {
                    head: table_head,
                    rows,
                    ..
                }) = self.stack.last_mut()
                {
                    if head {
                        // A header of empty cells is no header.
                        let empty = cells.iter().all(|c| plain_text(c).trim().is_empty());
                        *table_head = (!empty).then_some(cells);
                    } else {
                        rows.push(cells);
                    }
                }
            }
            Frame::Table {
                columns,
                head,
                rows,
                start,
            } => self.push_block(
                BlockKind::Table {
                    columns,
                    head,
                    rows,
                    caption: Vec::new(),
                },
                start..range.end,
            ),
            Frame::Code {
                text,
                start,
                verse: true,
            } => {
                for (stanza, indents) in verse_stanzas(&text, self.file, self.path, self.spans) {
                    self.push_block(
                        BlockKind::Verse {
                            content: stanza,
                            indents,
                        },
                        start..range.end,
                    );
                }
            }
            Frame::Code { text, start, .. } => {
                let text = text.trim_end_matches('\n').to_string();
                self.push_block(BlockKind::Code { text }, start..range.end);
            }
            Frame::Html { text, start } => {
                if is_comment(&text) {
                    return;
                }
                if only_wrapper_tags(&text) {
                    self.drop_wrapper(start);
                    return;
                }
                let first_line = text.lines().next().unwrap_or_default().trim().to_string();
                self.warn_at(
                    start,
                    format!("raw HTML is set as text: `{first_line}`"),
                    "quire does not copy HTML into the book; use Markdown, or escape the `<` as `\\<`",
                );
                // Shown as written: one line of the book per line of the HTML.
                let mut content = Vec::new();
                for (i, line) in text.trim_end().lines().enumerate() {
                    if i > 0 {
                        content.push(Inline::LineBreak);
                    }
                    content.push(Inline::Text(line.to_string()));
                }
                self.html_paragraphs.push(start as u32);
                self.push_block(
                    BlockKind::Paragraph {
                        content,
                        indent: true,
                    },
                    start..range.end,
                );
            }
        }
    }

    fn end_inlines(
        &mut self,
        kind: InlineKind,
        content: Vec<Inline>,
        start: usize,
        images: Vec<(u32, String, String)>,
        range: std::ops::Range<usize>,
    ) {
        let content = merge_text(content);
        if matches!(
            kind,
            InlineKind::Paragraph | InlineKind::Heading(..) | InlineKind::Cell | InlineKind::Term
        ) {
            self.count_math(start..range.end);
        }
        match kind {
            InlineKind::Paragraph => {
                let (content, images) = if images.is_empty() {
                    self.spaced_image(start..range.end)
                        .map_or((content, images), |image| (Vec::new(), vec![image]))
                } else {
                    (content, images)
                };
                // Nothing left once comments and wrapper tags are left out.
                if images.is_empty()
                    && content
                        .iter()
                        .all(|i| matches!(i, Inline::Text(t) if t.trim().is_empty()))
                {
                    return;
                }
                if images.is_empty() && self.is_page_break(start..range.end, &content) {
                    return self.push_block(BlockKind::PageBreak, start..range.end);
                }
                if images.is_empty() {
                    // `Table: …` (or `: …`, as Pandoc writes it) right after a table is its caption.
                    if let Some(caption) = self.table_caption(&content) {
                        return self.attach_caption(caption);
                    }
                    if let Some(at) = self.definition_line(start..range.end) {
                        self.warn_at(
                            at,
                            "a definition (`: …`) with no term before it is set as a paragraph"
                                .into(),
                            "write the term on the line before it: Term, then : its definition",
                        );
                    }
                    // Hard-broken lines in a verse div are verse; elsewhere
                    // the whole file decides, once it is read (`settle_line_breaks`).
                    let kind = if self.in_verse_div() && crate::model::has_line_break(&content) {
                        verse(content)
                    } else {
                        BlockKind::Paragraph {
                            content,
                            indent: true,
                        }
                    };
                    self.push_block(kind, start..range.end);
                    return;
                }
                let has_text = !crate::model::plain_text(&content).trim().is_empty();
                if has_text || images.len() > 1 {
                    self.error_at(
                        start,
                        "an image must stand in a paragraph of its own".into(),
                        "put a blank line before and after the image: ![alt text](picture.jpg \"Caption\")",
                    );
                }
                for (image, alt, caption) in images {
                    if alt.trim().is_empty() {
                        let written = self.out.images[image as usize].written.clone();
                        let at = self.out.images[image as usize].span.start as usize;
                        self.warn_at(
                            at,
                            format!("image without alt text: {written}"),
                            "describe it for readers who cannot see it: ![A map of the voyage](map.png); a purely decorative image is written ![decorative](ornament.png)",
                        );
                    }
                    let caption = if caption.is_empty() {
                        Vec::new()
                    } else {
                        vec![Inline::Text(caption)]
                    };
                    self.push_block(
                        BlockKind::Figure {
                            image: ImageId(image),
                            decorative: alt.trim() == "decorative",
                            alt: if alt.trim() == "decorative" {
                                String::new()
                            } else {
                                alt
                            },
                            caption,
                        },
                        start..range.end,
                    );
                }
            }
            InlineKind::Heading(level, id) => {
                let anchor = match id {
                    Some(id) => self.given_anchor(&id, start),
                    None => self.unique_anchor(&crate::model::plain_text(&content)),
                };
                let span = self.span(start..range.end);
                let block = Block {
                    id: PLACEHOLDER,
                    kind: BlockKind::Heading {
                        level,
                        anchor,
                        content,
                        numeral: false,
                    },
                    span: Some(span),
                };
                if level == 1 {
                    self.dissolve_divs_around_heading(start);
                    // At the top level a level-1 heading is a section's title: the
                    // file's first, or one more section of the same file.
                    if let (1, Some(mut opening)) = (self.stack.len(), self.opening.take()) {
                        opening.start = match self.stack.last() {
                            Some(Frame::Blocks { blocks, .. }) => blocks.len(),
                            _ => 0,
                        };
                        if opening.start == 0 {
                            self.out.sections[0] = opening;
                        } else {
                            self.out.sections.push(opening);
                        }
                        self.push_built(block);
                        return;
                    }
                    self.warn_at(
                        start,
                        "a level-1 heading inside a quote or a list is set as level 2".into(),
                        "a level-1 heading opens a section of the book: write it at the start of a line of its own, or use ## inside",
                    );
                    let mut block = block;
                    if let BlockKind::Heading { level, .. } = &mut block.kind {
                        *level = 2;
                    }
                    self.push_built(block);
                    return;
                }
                self.push_built(block);
            }
            InlineKind::Emphasis => self.push_inline(Inline::Emphasis(content), start),
            InlineKind::Strong => self.push_inline(Inline::Strong(content), start),
            InlineKind::Link(url) => self.push_inline(Inline::Link { url, content }, start),
            InlineKind::Marked(mark) => self.push_inline(Inline::Marked { mark, content }, start),
            InlineKind::Cell => {
                if let Some(Frame::TableRow { cells, .. }) = self.stack.last_mut() {
                    cells.push(content);
                }
            }
            InlineKind::Term => self.push_block(BlockKind::Term { content }, start..range.end),
            InlineKind::Dropped => {}
            InlineKind::ImageAlt { url, title } => {
                let alt = crate::model::plain_text(&content);
                let index = self.out.images.len() as u32;
                let span = self.span(start..range.end);
                self.out.images.push(ImageRef { written: url, span });
                // Attach to the nearest enclosing paragraph.
                let paragraph = self.stack.iter_mut().rev().find_map(|f| match f {
                    Frame::Inlines {
                        kind: InlineKind::Paragraph,
                        images,
                        ..
                    } => Some(images),
                    _ => None,
                });
                match paragraph {
                    Some(images) => images.push((index, alt, title)),
                    None => self.error_at(
                        start,
                        "an image must stand in a paragraph of its own".into(),
                        "images cannot go in headings, links or other images",
                    ),
                }
            }
        }
    }

    /// A paragraph that is an image whose path has spaces, `![A map](my
    /// map.png "Caption")`, as authors and exporters write it: CommonMark
    /// leaves it as text, but its meaning is plain, so it is set as the image
    /// (alt, index into `out.images`, caption). Such an image among other
    /// text is left as text, with a warning saying how to write it.
    fn spaced_image(&mut self, range: std::ops::Range<usize>) -> Option<(u32, String, String)> {
        let source = &self.text[range.clone()];
        let (at, found) = find_spaced_image(source)?;
        let whole = source[..at].trim().is_empty() && source[at + found.len..].trim().is_empty();
        if !whole || !has_image_extension(found.path) {
            self.warn_at(
                range.start + at,
                format!(
                    "an image path with spaces is read as text: {}",
                    &source[at..at + found.len]
                ),
                "write the path in angle brackets, ![alt](<my map.png>), or with %20 for each space, ![alt](my%20map.png), in a paragraph of its own",
            );
            return None;
        }
        // The alt text read as Markdown (escapes, smart punctuation), as an image's is.
        let mut alt = String::new();
        for event in Parser::new_ext(found.alt, options()) {
            if let Event::Text(t) | Event::Code(t) = event {
                alt.push_str(&t);
            }
        }
        let index = self.out.images.len() as u32;
        let span = self.span(range.start + at..range.start + at + found.len);
        self.out.images.push(ImageRef {
            written: found.path.to_string(),
            span,
        });
        Some((index, alt, found.title.unwrap_or_default()))
    }

    /// Where a paragraph has a line starting `: ` (Pandoc's definition list).
    fn definition_line(&self, range: std::ops::Range<usize>) -> Option<usize> {
        let source = self.text.get(range.clone())?;
        let mut at = range.start;
        for line in source.split_inclusive('\n') {
            let trimmed = line.trim_start();
            if trimmed.starts_with(": ") || trimmed.starts_with(":\t") {
                return Some(at + (line.len() - trimmed.len()));
            }
            at += line.len();
        }
        None
    }

    /// The id an author gave a heading, made XML-safe; a second heading with the
    /// same id is a warning and gets the next free one.
    fn given_anchor(&mut self, id: &str, offset: usize) -> String {
        let safe = slug_id(id);
        if safe != id {
            self.warn_at(
                offset,
                format!("the heading id `{id}` is used as `{safe}`"),
                "ids are letters, digits, `-` and `_`, starting with a letter",
            );
        }
        if self.anchors.contains(&safe) {
            self.warn_at(
                offset,
                format!("the heading id `{safe}` is used twice in this file"),
                "give each heading its own id; links reach the first one",
            );
        }
        let mut anchor = safe.clone();
        let mut n = 2;
        while self.anchors.contains(&anchor) {
            anchor = format!("{safe}-{n}");
            n += 1;
        }
        self.anchors.push(anchor.clone());
        anchor
    }

    fn unique_anchor(&mut self, text: &str) -> String {
        let base = slug(text);
        let base = if base.is_empty() {
            "section".to_string()
        } else {
            base
        };
        let mut anchor = base.clone();
        let mut n = 2;
        while self.anchors.contains(&anchor) {
            anchor = format!("{base}-{n}");
            n += 1;
        }
        self.anchors.push(anchor.clone());
        anchor
    }

    fn push_inline(&mut self, inline: Inline, offset: usize) {
        match self.stack.last_mut() {
            Some(Frame::Inlines { content, .. }) => content.push(inline),
            Some(Frame::Blocks { .. }) => {
                // Tight list items hold inlines without a paragraph: open one.
                self.stack.push(Frame::Inlines {
                    kind: InlineKind::Paragraph,
                    content: vec![inline],
                    start: offset,
                    images: Vec::new(),
                    openers: Vec::new(),
                });
            }
            _ => {}
        }
    }

    /// Closes an implicit paragraph opened by `push_inline` in a tight item.
    fn close_implicit_paragraph(&mut self, end: usize) {
        if matches!(
            self.stack.last(),
            Some(Frame::Inlines {
                kind: InlineKind::Paragraph,
                ..
            })
        ) && matches!(self.stack.iter().rev().nth(1), Some(Frame::Blocks { .. }))
        {
            if let Some(Frame::Inlines {
                kind,
                content,
                start,
                images,
                ..
            }) = self.stack.pop()
            {
                self.end_inlines(kind, content, start, images, start..end.max(start));
            }
        }
    }

    /// The caption a paragraph gives the table just before it, if it gives one.
    fn table_caption(&self, content: &[Inline]) -> Option<Vec<Inline>> {
        let Some(Frame::Blocks { blocks, .. }) = self.stack.last() else {
            return None;
        };
        let follows_table = matches!(
            blocks.last(),
            Some(Block {
                kind: BlockKind::Table { caption, .. },
                ..
            }) if caption.is_empty()
        );
        let Some(Inline::Text(first)) = content.first() else {
            return None;
        };
        let rest = first
            .strip_prefix("Table:")
            .or_else(|| first.strip_prefix(':'))
            .filter(|_| follows_table)?;
        let mut caption = content.to_vec();
        caption[0] = Inline::Text(rest.trim_start().to_string());
        Some(caption)
    }

    fn attach_caption(&mut self, caption: Vec<Inline>) {
        if let Some(Frame::Blocks { blocks, .. }) = self.stack.last_mut()
            && let Some(Block {
                kind: BlockKind::Table { caption: slot, .. },
                ..
            }) = blocks.last_mut()
        {
            *slot = caption;
        }
    }

    fn push_block(&mut self, kind: BlockKind, range: std::ops::Range<usize>) {
        let span = self.span(range);
        self.push_built(Block {
            id: PLACEHOLDER,
            kind,
            span: Some(span),
        });
    }

    fn push_built(&mut self, block: Block) {
        if let Some(Frame::Blocks { blocks, .. }) = self.stack.last_mut() {
            blocks.push(block);
        }
    }

    /// Records each `[^label]` in a run of text (not escaped) as a reference
    /// to a footnote this file does not define.
    fn find_unmatched_notes(&mut self, run: Option<std::ops::Range<usize>>) {
        let Some(run) = run else { return };
        let Some(source) = self.text.get(run.clone()) else {
            return;
        };
        let mut from = 0;
        while let Some(found) = source[from..].find("[^") {
            let at = from + found;
            from = at + 2;
            let escaped = self.text[..run.start + at].ends_with('\\');
            let label_len = source[from..]
                .find(|c: char| c == ']' || c == '[' || c.is_whitespace())
                .filter(|&n| n > 0 && source[from + n..].starts_with(']'));
            if let (false, Some(n)) = (escaped, label_len) {
                let label = source[from..from + n].to_string();
                let span = self.span(run.start + at..run.start + from + n + 1);
                self.out.unmatched_notes.push((label, span));
                from += n + 1;
            }
        }
    }

    /// Opens and closes the fenced divs whose fence lines come before `position`.
    fn act_on_fences(&mut self, position: usize) {
        while let Some(fence) = self.fences.get(self.next_fence).cloned() {
            if fence.at >= position {
                break;
            }
            self.next_fence += 1;
            self.close_implicit_paragraph(fence.at);
            match fence.open {
                Some(attributes) => {
                    let mut lang = None;
                    let mut unused: Vec<String> =
                        attributes.id.iter().map(|id| format!("#{id}")).collect();
                    for (key, value) in attributes.pairs {
                        match key.as_str() {
                            "lang" | "xml:lang" if lang.is_none() => {
                                match crate::config::check_language_tag(&value) {
                                    Ok(()) => lang = Some(value),
                                    Err(why) => self.error_at(
                                        fence.at,
                                        format!("`lang={value}` is not a language tag: {why}"),
                                        "write a BCP 47 tag, as in book.toml's `language`: ::: {lang=el}, ::: {lang=fr-CA}",
                                    ),
                                }
                            }
                            _ => unused.push(format!("{key}={value}")),
                        }
                    }
                    // An id alone is an anchor Pandoc writes for its own sections: no message.
                    if unused.iter().any(|u| !u.starts_with('#')) {
                        self.warn_at(
                            fence.at,
                            format!(
                                "a div's attributes other than its classes and `lang` are not used: `{}`",
                                unused.join(" ")
                            ),
                            "a div is set as the style sets its class (::: {.epigraph}); styling comes from book.toml",
                        );
                    }
                    self.enter_nesting(fence.at);
                    self.stack.push(Frame::Blocks {
                        container: Container::Div {
                            classes: attributes.classes,
                            lang,
                            at: fence.at,
                        },
                        blocks: Vec::new(),
                        start: fence.at,
                    });
                }
                None => {
                    if matches!(
                        self.stack.last(),
                        Some(Frame::Blocks {
                            container: Container::Div { .. },
                            ..
                        })
                    ) {
                        self.end(TagEnd::Paragraph, fence.at..fence.end);
                    } else if self.dissolved > 0 {
                        // The fence of a div left out around a chapter's heading.
                        self.dissolved -= 1;
                    } else {
                        self.warn_at(
                            fence.at,
                            "`:::` closes no div here; it is left out".into(),
                            "a fenced div opens with ::: {.class} and closes with ::: in the same quote or list item",
                        );
                    }
                }
            }
        }
    }

    /// Closes the divs still open at the end of a container (`what`): their
    /// closing fence is missing, or lies outside it.
    fn close_unclosed_divs(&mut self, end: usize, what: &str) {
        while let Some(Frame::Blocks {
            container: Container::Div { at, .. },
            ..
        }) = self.stack.last()
        {
            let at = *at;
            self.close_implicit_paragraph(end);
            let line_end = self.text[at..]
                .find('\n')
                .map_or(self.text.len(), |e| at + e);
            let written = self.text[at..line_end].trim().to_string();
            self.warn_at(
                at,
                format!("`{written}` is not closed before the end of {what}; the div ends there"),
                "close a fenced div with a line of ::: in the same quote or list item",
            );
            self.end(TagEnd::Paragraph, end..end);
        }
    }

    /// Whether the innermost div being read is a verse div (`::: {.poem}`).
    fn in_verse_div(&self) -> bool {
        self.stack.iter().rev().any(|frame| {
            matches!(frame, Frame::Blocks { container: Container::Div { classes, .. }, .. }
                if classes.iter().any(|c| crate::model::style::is_verse_class(c)))
        })
    }

    /// Counts the math in a paragraph's source, for the file's one warning.
    fn count_math(&mut self, range: std::ops::Range<usize>) {
        let Some(source) = self.text.get(range.clone()) else {
            return;
        };
        let found = math_spans(source);
        if let Some(first) = found.first() {
            if self.math.0 == 0 {
                self.math.1 = range.start + first.start;
            }
            self.math.0 += found.len();
        }
    }

    /// Whether a paragraph is LaTeX's `\newpage` (or `\pagebreak`,
    /// `\clearpage`), as Pandoc users write a page break.
    fn is_page_break(&self, range: std::ops::Range<usize>, content: &[Inline]) -> bool {
        let written = self.text.get(range).unwrap_or_default().trim();
        let command = matches!(written, "\\newpage" | "\\pagebreak" | "\\clearpage");
        command && plain_text(content).trim() == written
    }

    /// A level-1 heading opens a section of the book even inside fenced divs
    /// (Pandoc wraps chapters in `::: {.section}`): the divs around it are
    /// left out, their blocks kept, and their closing fences read as nothing.
    fn dissolve_divs_around_heading(&mut self, at: usize) {
        let all_divs = self.stack.len() > 1
            && self.stack[1..].iter().all(|frame| {
                matches!(
                    frame,
                    Frame::Blocks {
                        container: Container::Div { .. },
                        ..
                    }
                )
            });
        if !all_divs {
            return;
        }
        while self.stack.len() > 1 {
            let Some(Frame::Blocks {
                container: Container::Div { classes, .. },
                blocks,
                ..
            }) = self.stack.pop()
            else {
                break;
            };
            self.depth -= 1;
            self.dissolved += 1;
            let styled: Vec<String> = classes
                .iter()
                .filter(|c| !crate::model::style::is_structural_class(c))
                .map(|c| format!(".{c}"))
                .collect();
            if !styled.is_empty() {
                self.warn_at(
                    at,
                    format!(
                        "a div around a level-1 heading is left out, with its class `{}`; the text inside is kept",
                        styled.join(" ")
                    ),
                    "a level-1 heading opens a section of the book: close the div before it, or use ## inside",
                );
            }
            if let Some(Frame::Blocks { blocks: outer, .. }) = self.stack.last_mut() {
                outer.extend(blocks);
            }
        }
    }

    /// Leaves out a wrapper tag, as converters write them around text and as
    /// anchors; one warning per file says how many.
    fn drop_wrapper(&mut self, at: usize) {
        if self.wrappers_dropped.0 == 0 {
            self.wrappers_dropped.1 = at;
        }
        self.wrappers_dropped.0 += 1;
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

/// Joins adjacent text runs (pulldown-cmark splits text at punctuation), and
/// finds raised and lowered text inside words, which pulldown-cmark leaves as
/// text: `mc^2^`, `H~2~O` (Pandoc's rule: no space between the marks).
fn merge_text(content: Vec<Inline>) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::with_capacity(content.len());
    for inline in content {
        match (out.last_mut(), inline) {
            (Some(Inline::Text(prev)), Inline::Text(next)) => prev.push_str(&next),
            (_, inline) => out.push(inline),
        }
    }
    if !out
        .iter()
        .any(|i| matches!(i, Inline::Text(t) if t.contains(['^', '~'])))
    {
        return out;
    }
    let mut split = Vec::with_capacity(out.len());
    for inline in out {
        match inline {
            Inline::Text(text) => split_scripts(&text, &mut split),
            other => split.push(other),
        }
    }
    split
}

/// `mc^2^` → `mc`, superscript `2`; `H~2~O` → `H`, subscript `2`, `O`.
fn split_scripts(text: &str, out: &mut Vec<Inline>) {
    let mut rest = text;
    let mut plain = String::new();
    while let Some(at) = rest.find(['^', '~']) {
        let mark = rest.as_bytes()[at] as char;
        let after = &rest[at + 1..];
        let inner_len = after
            .find(|c: char| c == mark || c.is_whitespace())
            .filter(|&n| n > 0 && after[n..].starts_with(mark));
        match inner_len {
            Some(n) => {
                plain.push_str(&rest[..at]);
                if !plain.is_empty() {
                    out.push(Inline::Text(std::mem::take(&mut plain)));
                }
                out.push(Inline::Marked {
                    mark: if mark == '^' {
                        TextMark::Superscript
                    } else {
                        TextMark::Subscript
                    },
                    content: vec![Inline::Text(after[..n].to_string())],
                });
                rest = &after[n + 1..];
            }
            None => {
                plain.push_str(&rest[..at + 1]);
                rest = after;
            }
        }
    }
    plain.push_str(rest);
    if !plain.is_empty() {
        out.push(Inline::Text(plain));
    }
}

/// The small-caps classes a bracketed span may carry: Pandoc's and two
/// spellings authors reach for.
/// `<br>`, `<br/>`, `<br />` (any case).
fn is_line_break_tag(html: &str) -> bool {
    let tag = html.trim().to_ascii_lowercase();
    matches!(tag.as_str(), "<br>" | "<br/>" | "<br />")
}

fn is_small_caps_class(class: &str) -> bool {
    matches!(class, "smallcaps" | "sc" | "small-caps")
}

/// Reads the attribute block after a span's `]`: `{.smallcaps}`, `{ .sc }`,
/// `{.smallcaps #id}`, `{.other}`. A block is read only when it is plain
/// text to pulldown-cmark too (no emphasis, quotes or dashes inside), so the
/// text events it arrives as can be left out whole.
fn span_attributes(after: &str) -> SpanAttributes {
    let Some(inside) = after.strip_prefix('{') else {
        return SpanAttributes::None;
    };
    let Some(end) = inside
        .find(['}', '\n', '{'])
        .filter(|&e| inside[e..].starts_with('}'))
    else {
        return SpanAttributes::None;
    };
    let inside = &inside[..end];
    let len = end + 2;
    let Some(attributes) = read_attributes(inside) else {
        return SpanAttributes::None;
    };
    // Read only when pulldown-cmark sees it as plain text (no emphasis, code
    // or link inside), so that leaving it out leaves nothing half-open.
    let plain = inside
        .chars()
        .all(|c| c.is_alphanumeric() || " .#-=:_\"'/,".contains(c))
        && !inside.contains("--")
        && !inside.contains("..");
    let small_caps = attributes.classes.iter().any(|c| is_small_caps_class(c));
    let mut unused: Vec<String> = attributes
        .classes
        .iter()
        .filter(|c| !is_small_caps_class(c))
        .map(|c| format!(".{c}"))
        .collect();
    unused.extend(attributes.id.iter().map(|id| format!("#{id}")));
    let mut lang = None;
    for (key, value) in attributes.pairs {
        match key.as_str() {
            "lang" | "xml:lang" if lang.is_none() => lang = Some(value),
            _ => unused.push(format!("{key}={value}")),
        }
    }
    if !plain {
        // Set as written, with the warning for attributes that are not used.
        return SpanAttributes::Read {
            len,
            small_caps: false,
            lang: None,
            unused: Vec::new(),
        };
    }
    SpanAttributes::Read {
        len,
        small_caps,
        lang,
        unused,
    }
}

/// Pandoc's attributes, `{#id .class key=value key="a value"}`, read.
#[derive(Debug, Clone, Default, PartialEq)]
struct Attributes {
    classes: Vec<String>,
    id: Option<String>,
    pairs: Vec<(String, String)>,
}

/// Reads the inside of an attribute block; `None` when it is not one (a
/// token that is neither `.class`, `#id` nor `key=value`, or nothing at all).
fn read_attributes(inside: &str) -> Option<Attributes> {
    let name = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == ':')
    };
    let mut attributes = Attributes::default();
    let mut rest = inside.trim_start();
    while !rest.is_empty() {
        let token_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        if let Some(class) = rest.strip_prefix('.') {
            let class = &class[..token_end - 1];
            if !name(class) {
                return None;
            }
            attributes.classes.push(class.to_string());
            rest = &rest[token_end..];
        } else if let Some(id) = rest.strip_prefix('#') {
            let id = &id[..token_end - 1];
            if !name(id) {
                return None;
            }
            attributes.id = Some(id.to_string());
            rest = &rest[token_end..];
        } else {
            let (key, value) = rest.split_once('=')?;
            if !name(key) {
                return None;
            }
            let (value, after) = match value.strip_prefix(['"', '\'']) {
                Some(quoted) => {
                    let quote = value.as_bytes()[0] as char;
                    let close = quoted.find(quote)?;
                    (&quoted[..close], &quoted[close + 1..])
                }
                None => {
                    let end = value.find(char::is_whitespace).unwrap_or(value.len());
                    (&value[..end], &value[end..])
                }
            };
            if value.is_empty() || !(after.is_empty() || after.starts_with(char::is_whitespace)) {
                return None;
            }
            attributes.pairs.push((key.to_string(), value.to_string()));
            rest = after;
        }
        rest = rest.trim_start();
    }
    let empty =
        attributes.classes.is_empty() && attributes.id.is_none() && attributes.pairs.is_empty();
    (!empty).then_some(attributes)
}

/// A fenced div's fence line (`::: {.epigraph}` opens one, `:::` closes it).
#[derive(Debug, Clone, PartialEq)]
struct DivFence {
    /// Offset of its first colon.
    at: usize,
    /// Where its line ends (before the line break).
    end: usize,
    /// An opening fence's attributes; `None` for a closing fence.
    open: Option<Attributes>,
}

/// The fence lines of a file's fenced divs, outside code and HTML blocks,
/// and the text with those lines blanked (each byte a space, so offsets
/// hold) for pulldown-cmark; no copy when there are none.
fn div_fences(text: &str) -> (Vec<DivFence>, Option<String>) {
    if !text.contains(":::") {
        return (Vec::new(), None);
    }
    let mut fences = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let prefix = body.len() - body.trim_start_matches([' ', '\t', '>']).len();
        let rest = &body[prefix..];
        if rest.starts_with(":::") {
            let colons = rest.len() - rest.trim_start_matches(':').len();
            let after = rest[colons..].trim();
            let fence = |open| DivFence {
                at: line_start + prefix,
                end: line_start + body.len(),
                open,
            };
            if after.is_empty() {
                fences.push(fence(None));
            } else {
                let written = after.trim_end_matches(':').trim_end();
                let attributes = match written.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
                    Some(inside) => read_attributes(inside),
                    // Pandoc's short form: `::: warning`, a class.
                    None if !written.contains(char::is_whitespace) => {
                        read_attributes(&format!(".{written}"))
                    }
                    None => None,
                };
                if let Some(attributes) = attributes {
                    fences.push(fence(Some(attributes)));
                }
            }
        }
        line_start += line.len();
    }
    if fences.is_empty() {
        return (Vec::new(), None);
    }
    // A fence line inside a code block or a raw HTML block is its text.
    let mut verbatim: Vec<std::ops::Range<usize>> = Vec::new();
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        if let Event::Start(Tag::CodeBlock(_) | Tag::HtmlBlock) = event {
            verbatim.push(range);
        }
    }
    fences.retain(|f| !verbatim.iter().any(|r| r.contains(&f.at)));
    if fences.is_empty() {
        return (Vec::new(), None);
    }
    let mut bytes = text.as_bytes().to_vec();
    for fence in &fences {
        bytes[fence.at..fence.end].fill(b' ');
    }
    // Whole characters were replaced by spaces: still UTF-8.
    let blanked = String::from_utf8(bytes).ok();
    (fences, blanked)
}

/// The math in a paragraph's source, as Pandoc reads it: `$$…$$`, and
/// `$…$` whose opening `$` has a non-space after it and whose closing `$`
/// has a non-space before it and no digit after it (so `$20,000 and
/// $30,000` is money); not inside a code span, not an escaped `\$`.
fn math_spans(source: &str) -> Vec<std::ops::Range<usize>> {
    let mut spans = Vec::new();
    if !source.contains('$') {
        return spans;
    }
    let bytes = source.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'`' => {
                // Past a code span: a run of backticks to the same run.
                let run = bytes[i..].iter().take_while(|&&b| b == b'`').count();
                let ticks = &source[i..i + run];
                i = source[i + run..]
                    .find(ticks)
                    .map_or(i + run, |close| i + run + close + run);
            }
            b'$' if bytes.get(i + 1) == Some(&b'$') => match source[i + 2..].find("$$") {
                Some(close) if close > 0 => {
                    spans.push(i..i + 2 + close + 2);
                    i += close + 4;
                }
                _ => i += 2,
            },
            b'$' => {
                let opens = bytes.get(i + 1).is_some_and(|b| !b.is_ascii_whitespace());
                let close = opens
                    .then(|| {
                        let mut k = i + 1;
                        while k < bytes.len() {
                            match bytes[k] {
                                b'\\' => k += 2,
                                b'$' => {
                                    let spaced = bytes[k - 1].is_ascii_whitespace();
                                    let digit = bytes.get(k + 1).is_some_and(u8::is_ascii_digit);
                                    if !spaced && !digit && k > i + 1 {
                                        return Some(k);
                                    }
                                    k += 1;
                                }
                                // Inline math does not run across a blank line.
                                b'\n'
                                    if source[k + 1..]
                                        .trim_start_matches([' ', '\t', '>'])
                                        .starts_with('\n') =>
                                {
                                    return None;
                                }
                                _ => k += 1,
                            }
                        }
                        None
                    })
                    .flatten();
                match close {
                    Some(k) => {
                        spans.push(i..k + 1);
                        i = k + 1;
                    }
                    None => i += 1,
                }
            }
            _ => i += 1,
        }
    }
    spans
}

/// Tags that open a block: an implicit paragraph in a tight list item ends there.
fn is_block_tag(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Paragraph
            | Tag::Heading { .. }
            | Tag::BlockQuote(_)
            | Tag::CodeBlock(_)
            | Tag::HtmlBlock
            | Tag::List(_)
            | Tag::Item
            | Tag::FootnoteDefinition(_)
            | Tag::Table(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
    )
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Hard-broken lines as a stanza: line breaks lifted to the top level,
/// each line without an indent.
fn verse(content: Vec<Inline>) -> BlockKind {
    let content = crate::model::lift_line_breaks(content);
    let lines = crate::model::verse_lines(&content).count();
    BlockKind::Verse {
        content,
        indents: vec![0; lines],
    }
}

/// A line of verse leaves room for its turnover: one that fills more than
/// this share of the measure is a line of prose.
const VERSE_LINE_SHARE: f64 = 0.85;

/// The lengths in characters of a paragraph's hard-broken lines.
fn line_lengths(content: &[Inline]) -> Vec<usize> {
    let mut lengths = vec![0usize];
    fn walk(inlines: &[Inline], lengths: &mut Vec<usize>) {
        for inline in inlines {
            match inline {
                Inline::LineBreak => lengths.push(0),
                Inline::Text(t) | Inline::Code(t) => {
                    if let Some(last) = lengths.last_mut() {
                        *last += t.trim().chars().count();
                    }
                }
                other => walk(other.children(), lengths),
            }
        }
    }
    walk(content, &mut lengths);
    lengths
}

/// Whether hard-broken lines read as verse: most of them (more than half)
/// shorter than the measure leaves for a line of verse.
fn reads_as_verse(content: &[Inline], measure_chars: f64) -> bool {
    let lengths = line_lengths(content);
    let short = lengths
        .iter()
        .filter(|&&n| (n as f64) < measure_chars * VERSE_LINE_SHARE)
        .count();
    short * 2 > lengths.len()
}

/// The most words a dictionary's term line holds (`**Abacus**, *n.*`).
const TERM_WORDS: usize = 6;

/// Whether a paragraph is a converted dictionary's entry, `Term⏎definition`:
/// a short first line (a few words, under two fifths of the measure) and
/// at least twice as much text after it.
fn is_entry(content: &[Inline], measure_chars: f64) -> bool {
    let lifted = crate::model::lift_line_breaks(content.to_vec());
    let mut lines = crate::model::verse_lines(&lifted);
    let Some(term) = lines.next() else {
        return false;
    };
    let term = crate::model::plain_text(term);
    let term_chars = term.trim().chars().count();
    let definition: Vec<usize> = lines
        .map(|l| crate::model::plain_text(l).trim().chars().count())
        .collect();
    let rest: usize = definition.iter().sum();
    // Lines after the first that read as verse make a stanza, not a definition.
    let short = definition
        .iter()
        .filter(|&&n| (n as f64) < measure_chars * VERSE_LINE_SHARE)
        .count();
    let prose = definition.len() == 1 || short * 2 <= definition.len();
    term_chars > 0
        && prose
        && term.split_whitespace().count() <= TERM_WORDS
        && (term_chars as f64) < measure_chars * 0.4
        && rest >= 2 * term_chars
}

/// Entries in a row that make a dictionary (a letter's `Dear Sir,⏎…` is one).
const ENTRIES_IN_A_ROW: usize = 3;

/// Settles each hard-broken paragraph of a file, in every container: a run
/// of dictionary entries (`Term⏎definition`, as Pandoc converts a
/// dictionary) becomes a definition list; a paragraph whose lines read as
/// verse becomes a stanza; the rest stay paragraphs, each break ending a
/// line of a justified paragraph.
fn settle_line_breaks(blocks: &mut Vec<Block>, settle: &Settle) {
    let measure_chars = settle.measure_chars;
    for block in blocks.iter_mut() {
        match &mut block.kind {
            BlockKind::Quote(inner)
            | BlockKind::Div { blocks: inner, .. }
            | BlockKind::Definitions(inner)
            | BlockKind::Definition(inner) => settle_line_breaks(inner, settle),
            BlockKind::List { items, .. } => {
                for item in items {
                    settle_line_breaks(&mut item.blocks, settle);
                }
            }
            _ => {}
        }
    }
    let broken = |block: &Block| {
        matches!(&block.kind, BlockKind::Paragraph { content, .. }
            if crate::model::has_line_break(content) && is_entry(content, measure_chars))
            && !settle.keeps(block)
    };
    let mut out = Vec::with_capacity(blocks.len());
    let mut rest = std::mem::take(blocks).into_iter().peekable();
    while let Some(block) = rest.next() {
        if broken(&block) {
            let mut run = vec![block];
            while let Some(next) = rest.next_if(broken) {
                run.push(next);
            }
            if run.len() >= ENTRIES_IN_A_ROW {
                out.push(entries(run));
                continue;
            }
            out.extend(run.into_iter().map(|b| settle_paragraph(b, settle)));
            continue;
        }
        out.push(settle_paragraph(block, settle));
    }
    *blocks = out;
}

/// What settling a file's hard-broken paragraphs reads them against.
struct Settle {
    measure_chars: f64,
    /// Where raw HTML set as text starts (its lines are kept as written).
    as_written: Vec<u32>,
}

impl Settle {
    fn keeps(&self, block: &Block) -> bool {
        block
            .span
            .is_some_and(|s| self.as_written.contains(&s.start))
    }
}

/// A hard-broken paragraph that reads as verse, as a stanza.
fn settle_paragraph(block: Block, settle: &Settle) -> Block {
    if settle.keeps(&block) {
        return block;
    }
    match block.kind {
        BlockKind::Paragraph { content, indent } if crate::model::has_line_break(&content) => {
            let kind = if reads_as_verse(&content, settle.measure_chars) {
                verse(content)
            } else {
                BlockKind::Paragraph { content, indent }
            };
            Block { kind, ..block }
        }
        kind => Block { kind, ..block },
    }
}

/// Dictionary entries as one definition list: each first line a term, the
/// lines after it its definition.
fn entries(run: Vec<Block>) -> Block {
    let span = match (
        run.first().and_then(|b| b.span),
        run.last().and_then(|b| b.span),
    ) {
        (Some(first), Some(last)) => Some(Span {
            end: last.end,
            ..first
        }),
        (first, _) => first,
    };
    let mut items = Vec::with_capacity(run.len() * 2);
    for block in run {
        let BlockKind::Paragraph { content, .. } = block.kind else {
            continue;
        };
        let lifted = crate::model::lift_line_breaks(content);
        let at = lifted
            .iter()
            .position(|i| matches!(i, Inline::LineBreak))
            .unwrap_or(lifted.len());
        let mut term = lifted;
        let definition: Vec<Inline> = term.drain(at..).skip(1).collect();
        items.push(Block {
            id: PLACEHOLDER,
            kind: BlockKind::Term {
                content: trim_inlines(term),
            },
            span: block.span,
        });
        items.push(Block {
            id: PLACEHOLDER,
            kind: BlockKind::Definition(vec![Block {
                id: PLACEHOLDER,
                kind: BlockKind::Paragraph {
                    content: trim_inlines(definition),
                    indent: false,
                },
                span: block.span,
            }]),
            span: block.span,
        });
    }
    Block {
        id: PLACEHOLDER,
        kind: BlockKind::Definitions(items),
        span,
    }
}

/// Inlines without the spaces at their ends (left by a line break's split).
fn trim_inlines(mut content: Vec<Inline>) -> Vec<Inline> {
    if let Some(Inline::Text(t)) = content.first_mut() {
        *t = t.trim_start().to_string();
    }
    if let Some(Inline::Text(t)) = content.last_mut() {
        *t = t.trim_end().to_string();
    }
    content.retain(|i| !matches!(i, Inline::Text(t) if t.is_empty()));
    content
}

/// A ```verse block: stanzas (split at blank lines) of lines, each line's
/// Markdown read as inline text (emphasis, notes…), with its leading spaces
/// (a tab counts 4) as its indent.
fn verse_stanzas(text: &str, file: u32, path: &str, spans: bool) -> Vec<(Vec<Inline>, Vec<u16>)> {
    let mut stanzas = Vec::new();
    for stanza in text
        .split("\n\n")
        .map(|s| s.trim_matches('\n'))
        .filter(|s| !s.trim().is_empty())
    {
        let mut source = String::new();
        let mut indents = Vec::new();
        for (i, line) in stanza.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let indent: u16 = line
                .chars()
                .take_while(|c| c.is_whitespace())
                .map(|c| if c == '\t' { 4 } else { 1 })
                .sum();
            indents.push(indent);
            if i > 0 {
                source.push_str("\\\n");
            }
            source.push_str(&escape_line_start(line.trim()));
        }
        // pulldown-cmark reads `[^label]` as a note reference only where the
        // label is defined: define each here (the file's own definition is used).
        let mut rest = source.as_str();
        let mut labels = Vec::new();
        while let Some(at) = rest.find("[^") {
            rest = &rest[at + 2..];
            if let Some(end) = rest.find(']') {
                labels.push(rest[..end].to_string());
            }
        }
        for label in labels {
            source.push_str(&format!("\n\n[^{label}]: .\n"));
        }
        let parsed = parse_with(&source, file, path, spans, NOMINAL_MEASURE_CHARS);
        let content = parsed
            .blocks
            .into_iter()
            .find_map(|b| match b.kind {
                BlockKind::Verse { content, .. } => Some(content),
                BlockKind::Paragraph { content, .. } => Some(content),
                _ => None,
            })
            .unwrap_or_default();
        let lines = crate::model::verse_lines(&content).count();
        indents.resize(lines, 0);
        stanzas.push((content, indents));
    }
    stanzas
}

/// A verse line as Markdown that cannot open a block of its own (heading,
/// list item, quote, rule, fence or setext underline): the marker is escaped.
fn escape_line_start(line: &str) -> String {
    let first = line.chars().next().unwrap_or(' ');
    let second = line.chars().nth(1).unwrap_or(' ');
    let only = |c: char| line.chars().all(|x| x == c || x == ' ');
    let hashes = line.chars().take_while(|&c| c == '#').count();
    let block_marker = (hashes > 0 && hashes <= 6 && line[hashes..].starts_with([' ', '\t']))
        || (hashes > 0 && hashes == line.len())
        || ("-+*".contains(first) && second == ' ')
        || first == '>'
        || ("-*_=".contains(first) && only(first))
        || line.starts_with("```")
        || line.starts_with("~~~");
    if block_marker {
        return format!("\\{line}");
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && line[digits..].starts_with(['.', ')']) {
        return format!("{}\\{}", &line[..digits], &line[digits..]);
    }
    line.to_string()
}

/// HTML made only of opening or closing wrapper tags that carry no content
/// of their own: `span`, `div`, `section` and the like, and anchors without
/// a link (`<a id="x">`, `</a>`).
fn only_wrapper_tags(html: &str) -> bool {
    const WRAPPERS: [&str; 10] = [
        "span", "div", "section", "article", "aside", "header", "footer", "main", "nav", "a",
    ];
    let mut rest = html.trim();
    if rest.is_empty() {
        return false;
    }
    while !rest.is_empty() {
        let Some(tag) = rest.strip_prefix('<') else {
            return false;
        };
        let Some(end) = tag.find('>') else {
            return false;
        };
        let inside = &tag[..end];
        let closing = inside.starts_with('/');
        let name: String = inside
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if !WRAPPERS.contains(&name.as_str())
            || (name == "a" && !closing && inside.contains("href"))
        {
            return false;
        }
        rest = tag[end + 1..].trim_start();
    }
    true
}

fn is_comment(html: &str) -> bool {
    let t = html.trim();
    t.starts_with("<!--") && t.ends_with("-->")
}

/// An id as written (`{#terms}`), kept when it is already XML-name-safe,
/// otherwise made so: spaces and other marks become `-`, a leading digit gets `s-`.
fn slug_id(id: &str) -> String {
    let id = id.trim();
    let ok = id.starts_with(|c: char| c.is_ascii_alphabetic())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        return id.to_string();
    }
    let slugged = slug(id);
    if slugged.is_empty() {
        "section".to_string()
    } else {
        slugged
    }
}

/// An XML-name-safe anchor from heading text: `what-is-behind-the-rage`.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else {
            dash = true;
        }
    }
    // Cut at 60 characters, never leaving a dash at the end.
    let out: String = out.chars().take(60).collect();
    let out = out.trim_end_matches('-').to_string();
    if out.starts_with(|c: char| c.is_ascii_digit()) || out.starts_with(|c: char| !c.is_ascii()) {
        format!("s-{out}")
    } else {
        out
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

    #[test]
    fn finds_image_paths_with_spaces() {
        let (at, found) =
            find_spaced_image("See ![A map](my map.png \"The voyage\") here").unwrap();
        assert_eq!(at, 4);
        assert_eq!(
            found,
            SpacedImage {
                alt: "A map",
                path: "my map.png",
                title: Some("The voyage".into()),
                len: 33,
            }
        );
        assert_eq!(find_spaced_image("![A map](<my map.png>)"), None);
        assert_eq!(find_spaced_image("![A map](map.png \"Title\")"), None);
        assert_eq!(find_spaced_image("![A map](my%20map.png)"), None);
        assert_eq!(find_spaced_image("Write `![A map](my map.png)` so."), None);
        assert!(has_image_extension("my map.JPG") && !has_image_extension("my notes.md"));
    }
}
