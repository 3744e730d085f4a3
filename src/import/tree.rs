//! The imported book before it is written as Markdown: what the Word and
//! EPUB readers both produce. It holds only what quire's Markdown can say
//! (headings, paragraphs, quotes, lists, verse, tables, figures, scene
//! breaks, definition lists, code), so every reader decides once, at the
//! place it meets a construct, whether it can be carried, and says so in
//! the report when it cannot.

/// A block of a chapter.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A heading; level 1 is the chapter's title. `key` is book-wide and
    /// unique, so a link can name the heading before its anchor is chosen.
    Heading {
        level: u8,
        content: Vec<Inline>,
        key: u32,
    },
    Paragraph(Vec<Inline>),
    Quote(Vec<Block>),
    List {
        ordered: bool,
        start: u32,
        items: Vec<Vec<Block>>,
    },
    /// Stanzas of lines, each line with its indent in spaces.
    Verse(Vec<Vec<Line>>),
    Table(Table),
    Figure {
        /// The image's path in `manuscript/`.
        path: String,
        alt: String,
        /// The source marked the image decorative (an empty `alt`).
        decorative: bool,
        caption: Vec<Inline>,
    },
    SceneBreak,
    /// Terms, each with its definitions (one paragraph each).
    Definitions(Vec<(Vec<Inline>, Vec<Vec<Inline>>)>),
    Code(String),
}

/// A line of verse.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub indent: u16,
    pub content: Vec<Inline>,
}

/// How a table column is aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    #[default]
    Auto,
    Left,
    Center,
    Right,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub align: Vec<Align>,
    /// The header row, when the source has one.
    pub head: Option<Vec<Vec<Inline>>>,
    pub rows: Vec<Vec<Vec<Inline>>>,
    pub caption: Vec<Inline>,
}

/// Inline content.
#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    Text(String),
    Emphasis(Vec<Inline>),
    Strong(Vec<Inline>),
    SmallCaps(Vec<Inline>),
    Strike(Vec<Inline>),
    Superscript(Vec<Inline>),
    Subscript(Vec<Inline>),
    Code(String),
    LineBreak,
    Link {
        target: Target,
        content: Vec<Inline>,
    },
    /// A reference to a note: index into the book's notes.
    Note(usize),
}

/// Where a link leads.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    /// A web or mail address, written as it is.
    Web(String),
    /// A place in the source: its document (the EPUB file's path in the
    /// archive; empty for a Word file) and an id in it, if any.
    Internal { doc: String, id: Option<String> },
}

/// Where a front- or back-matter file belongs, as the source says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Front,
    Body,
    Back,
}

/// What the source says a file is, beyond its place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum What {
    #[default]
    Text,
    Dedication,
    Epigraph,
    /// A part's title page: book.toml's `[[parts]]` when it holds only its title.
    Part,
}

/// One output file: a chapter, a part's page, or a piece of matter.
#[derive(Debug, Clone, PartialEq)]
pub struct Chapter {
    pub role: Role,
    pub what: What,
    pub blocks: Vec<Block>,
    /// Where it came from, for the report (`OEBPS/ch01.xhtml`, `book.docx`).
    pub source: String,
    /// A name for it when it has no heading (`preface`, from the source's label).
    pub label: Option<String>,
}

impl Chapter {
    /// The text of its first level-1 heading, if it opens with one.
    pub fn title(&self) -> Option<String> {
        match self.blocks.first() {
            Some(Block::Heading {
                level: 1, content, ..
            }) => Some(plain(content)),
            _ => None,
        }
    }
}

/// The plain text of inline content (notes and breaks left out).
pub fn plain(inlines: &[Inline]) -> String {
    let mut out = String::new();
    push_plain(inlines, &mut out);
    out
}

fn push_plain(inlines: &[Inline], out: &mut String) {
    for inline in inlines {
        match inline {
            Inline::Text(t) | Inline::Code(t) => out.push_str(t),
            Inline::LineBreak => out.push(' '),
            Inline::Note(_) => {}
            Inline::Emphasis(c)
            | Inline::Strong(c)
            | Inline::SmallCaps(c)
            | Inline::Strike(c)
            | Inline::Superscript(c)
            | Inline::Subscript(c)
            | Inline::Link { content: c, .. } => push_plain(c, out),
        }
    }
}

/// The plain text of blocks, a space between each piece (code included).
pub fn plain_blocks(blocks: &[Block]) -> String {
    let mut out = String::new();
    for_each_inlines(blocks, &mut |inlines| {
        out.push_str(&plain(inlines));
        out.push(' ');
    });
    fn code(blocks: &[Block], out: &mut String) {
        for block in blocks {
            match block {
                Block::Code(text) => {
                    out.push_str(text);
                    out.push(' ');
                }
                Block::Quote(children) => code(children, out),
                Block::List { items, .. } => {
                    for item in items {
                        code(item, out);
                    }
                }
                Block::Figure { alt, .. } => {
                    let _ = alt;
                }
                _ => {}
            }
        }
    }
    code(blocks, &mut out);
    out
}

/// Every piece of inline content in the blocks (headings, paragraphs, cells,
/// captions, terms, lines), depth first.
pub fn for_each_inlines(blocks: &[Block], f: &mut dyn FnMut(&[Inline])) {
    for block in blocks {
        match block {
            Block::Heading { content, .. } | Block::Paragraph(content) => f(content),
            Block::Quote(children) => for_each_inlines(children, f),
            Block::List { items, .. } => {
                for item in items {
                    for_each_inlines(item, f);
                }
            }
            Block::Verse(stanzas) => {
                for line in stanzas.iter().flatten() {
                    f(&line.content);
                }
            }
            Block::Table(table) => {
                for row in table.head.iter().chain(&table.rows) {
                    for cell in row {
                        f(cell);
                    }
                }
                f(&table.caption);
            }
            Block::Figure { caption, .. } => f(caption),
            Block::Definitions(entries) => {
                for (term, definitions) in entries {
                    f(term);
                    for d in definitions {
                        f(d);
                    }
                }
            }
            Block::SceneBreak | Block::Code(_) => {}
        }
    }
}

/// The same, mutably.
pub fn for_each_inlines_mut(blocks: &mut [Block], f: &mut dyn FnMut(&mut Vec<Inline>)) {
    for block in blocks {
        match block {
            Block::Heading { content, .. } | Block::Paragraph(content) => f(content),
            Block::Quote(children) => for_each_inlines_mut(children, f),
            Block::List { items, .. } => {
                for item in items {
                    for_each_inlines_mut(item, f);
                }
            }
            Block::Verse(stanzas) => {
                for line in stanzas.iter_mut().flatten() {
                    f(&mut line.content);
                }
            }
            Block::Table(table) => {
                for row in table.head.iter_mut().chain(&mut table.rows) {
                    for cell in row {
                        f(cell);
                    }
                }
                f(&mut table.caption);
            }
            Block::Figure { caption, .. } => f(caption),
            Block::Definitions(entries) => {
                for (term, definitions) in entries {
                    f(term);
                    for d in definitions {
                        f(d);
                    }
                }
            }
            Block::SceneBreak | Block::Code(_) => {}
        }
    }
}

/// Visits every inline, depth first, mutably (children after their parent).
pub fn walk_inlines_mut(inlines: &mut [Inline], f: &mut dyn FnMut(&mut Inline)) {
    for inline in inlines {
        f(inline);
        if let Some(children) = children_mut(inline) {
            walk_inlines_mut(children, f);
        }
    }
}

/// Visits every inline, depth first.
pub fn walk_inlines(inlines: &[Inline], f: &mut dyn FnMut(&Inline)) {
    for inline in inlines {
        f(inline);
        if let Some(children) = children(inline) {
            walk_inlines(children, f);
        }
    }
}

pub fn children(inline: &Inline) -> Option<&Vec<Inline>> {
    match inline {
        Inline::Emphasis(c)
        | Inline::Strong(c)
        | Inline::SmallCaps(c)
        | Inline::Strike(c)
        | Inline::Superscript(c)
        | Inline::Subscript(c)
        | Inline::Link { content: c, .. } => Some(c),
        Inline::Text(_) | Inline::Code(_) | Inline::LineBreak | Inline::Note(_) => None,
    }
}

pub fn children_mut(inline: &mut Inline) -> Option<&mut Vec<Inline>> {
    match inline {
        Inline::Emphasis(c)
        | Inline::Strong(c)
        | Inline::SmallCaps(c)
        | Inline::Strike(c)
        | Inline::Superscript(c)
        | Inline::Subscript(c)
        | Inline::Link { content: c, .. } => Some(c),
        Inline::Text(_) | Inline::Code(_) | Inline::LineBreak | Inline::Note(_) => None,
    }
}

/// Tidies inline content as readers build it: adjacent texts joined, empty
/// marks dropped, runs of white space (source indentation, newlines) made
/// one space, a mark directly inside the same mark unwrapped, and the same
/// marks side by side merged (`*a**b*` would read differently).
pub fn normalize(inlines: Vec<Inline>) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::with_capacity(inlines.len());
    for inline in inlines {
        let inline = match inline {
            Inline::Text(t) => {
                let t = collapse_space(&t);
                if t.is_empty() {
                    continue;
                }
                Inline::Text(t)
            }
            Inline::Code(t) => {
                if t.is_empty() {
                    continue;
                }
                Inline::Code(t)
            }
            other => other,
        };
        let inline = match inline {
            Inline::Emphasis(c) => wrap(Inline::Emphasis, c, |i| match i {
                Inline::Emphasis(c) => Ok(c),
                o => Err(o),
            }),
            Inline::Strong(c) => wrap(Inline::Strong, c, |i| match i {
                Inline::Strong(c) => Ok(c),
                o => Err(o),
            }),
            Inline::SmallCaps(c) => wrap(Inline::SmallCaps, c, |i| match i {
                Inline::SmallCaps(c) => Ok(c),
                o => Err(o),
            }),
            Inline::Strike(c) => wrap(Inline::Strike, c, |i| match i {
                Inline::Strike(c) => Ok(c),
                o => Err(o),
            }),
            Inline::Superscript(c) => wrap(Inline::Superscript, c, |i| match i {
                Inline::Superscript(c) => Ok(c),
                o => Err(o),
            }),
            Inline::Subscript(c) => wrap(Inline::Subscript, c, |i| match i {
                Inline::Subscript(c) => Ok(c),
                o => Err(o),
            }),
            Inline::Link { target, content } => {
                let content = normalize(unlink(content));
                // A link with no words is a page reference (`[](ch.md#x)`),
                // kept when it names a place; otherwise there is nothing.
                if content.is_empty() && !matches!(&target, Target::Internal { id: Some(_), .. }) {
                    continue;
                }
                Some(Inline::Link { target, content })
            }
            other => Some(other),
        }
        .into_iter();
        for inline in inline {
            push_merged(&mut out, inline);
        }
    }
    // Space collapsing across text pieces: "a " + " b".
    let mut i = 1;
    while i < out.len() {
        let (before, after) = out.split_at_mut(i);
        if let (Some(Inline::Text(a)), Some(Inline::Text(b))) = (before.last_mut(), after.first()) {
            a.push_str(b);
            let joined = collapse_space(a);
            *a = joined;
            out.remove(i);
            continue;
        }
        i += 1;
    }
    out
}

/// A mark with its content tidied; `None` when nothing is left in it.
fn wrap(
    make: fn(Vec<Inline>) -> Inline,
    content: Vec<Inline>,
    same: fn(Inline) -> Result<Vec<Inline>, Inline>,
) -> Option<Inline> {
    let mut flat = Vec::with_capacity(content.len());
    for child in content {
        match same(child) {
            Ok(inner) => flat.extend(inner),
            Err(other) => flat.push(other),
        }
    }
    let mark = std::mem::discriminant(&make(Vec::new()));
    let content = normalize(strip_nested(flat, mark));
    if content.is_empty() {
        return None;
    }
    // A mark over nothing but white space is the space alone.
    if content
        .iter()
        .all(|i| matches!(i, Inline::Text(t) if t.trim().is_empty()))
    {
        return Some(Inline::Text(" ".into()));
    }
    Some(make(content))
}

/// The same mark anywhere inside a mark (italic inside struck text inside
/// italic) unwrapped: it says nothing more, and `*~~*a*~~*` reads badly.
fn strip_nested(content: Vec<Inline>, mark: std::mem::Discriminant<Inline>) -> Vec<Inline> {
    let mut out = Vec::with_capacity(content.len());
    for mut inline in content {
        if std::mem::discriminant(&inline) == mark {
            if let Some(children) = children_mut(&mut inline) {
                out.extend(strip_nested(std::mem::take(children), mark));
            }
            continue;
        }
        if let Some(children) = children_mut(&mut inline) {
            *children = strip_nested(std::mem::take(children), mark);
        }
        out.push(inline);
    }
    out
}

/// A link inside a link keeps its words only.
fn unlink(content: Vec<Inline>) -> Vec<Inline> {
    content
        .into_iter()
        .flat_map(|i| match i {
            Inline::Link { content, .. } => unlink(content),
            other => vec![other],
        })
        .collect()
}

fn push_merged(out: &mut Vec<Inline>, inline: Inline) {
    let merged = match (out.last_mut(), inline) {
        (Some(Inline::Emphasis(a)), Inline::Emphasis(b))
        | (Some(Inline::Strong(a)), Inline::Strong(b))
        | (Some(Inline::SmallCaps(a)), Inline::SmallCaps(b))
        | (Some(Inline::Strike(a)), Inline::Strike(b))
        | (Some(Inline::Superscript(a)), Inline::Superscript(b))
        | (Some(Inline::Subscript(a)), Inline::Subscript(b)) => {
            let joined = normalize(std::mem::take(a).into_iter().chain(b).collect());
            *a = joined;
            None
        }
        (_, inline) => Some(inline),
    };
    if let Some(inline) = merged {
        out.push(inline);
    }
}

/// White space as a reader sees it: any run of spaces, tabs and newlines is
/// one space. A no-break space is kept: it is the author's.
pub fn collapse_space(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if matches!(c, ' ' | '\t' | '\n' | '\r') {
            space = true;
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.push(c);
    }
    if space {
        out.push(' ');
    }
    out
}

/// Trims white space at both ends of inline content (into marks too), and
/// line breaks at its ends.
pub fn trim(mut inlines: Vec<Inline>) -> Vec<Inline> {
    while matches!(inlines.last(), Some(Inline::LineBreak)) {
        inlines.pop();
    }
    while matches!(inlines.first(), Some(Inline::LineBreak)) {
        inlines.remove(0);
    }
    trim_start(&mut inlines);
    trim_end(&mut inlines);
    normalize(inlines)
}

fn trim_start(inlines: &mut Vec<Inline>) {
    while let Some(first) = inlines.first_mut() {
        match first {
            Inline::Text(t) => {
                let trimmed = t.trim_start_matches([' ', '\t', '\n', '\r']).to_string();
                if trimmed.is_empty() {
                    inlines.remove(0);
                    continue;
                }
                *t = trimmed;
            }
            other => {
                if let Some(children) = children_mut(other) {
                    trim_start(children);
                    if children.is_empty() {
                        inlines.remove(0);
                        continue;
                    }
                }
            }
        }
        break;
    }
}

fn trim_end(inlines: &mut Vec<Inline>) {
    while let Some(last) = inlines.last_mut() {
        match last {
            Inline::Text(t) => {
                let trimmed = t.trim_end_matches([' ', '\t', '\n', '\r']).to_string();
                if trimmed.is_empty() {
                    inlines.pop();
                    continue;
                }
                *t = trimmed;
            }
            other => {
                if let Some(children) = children_mut(other) {
                    trim_end(children);
                    if children.is_empty() {
                        inlines.pop();
                        continue;
                    }
                }
            }
        }
        break;
    }
}

/// Splits inline content at its top-level line breaks (a break inside a
/// mark splits it too, keeping the mark on both sides).
pub fn split_lines(inlines: Vec<Inline>) -> Vec<Vec<Inline>> {
    split_untrimmed(inlines).into_iter().map(trim).collect()
}

fn split_untrimmed(inlines: Vec<Inline>) -> Vec<Vec<Inline>> {
    let mut lines = vec![Vec::new()];
    for inline in inlines {
        match inline {
            Inline::LineBreak => lines.push(Vec::new()),
            Inline::Text(_) | Inline::Code(_) | Inline::Note(_) => {
                lines.last_mut().expect("one line").push(inline)
            }
            mut marked => {
                let has_break = children(&marked).is_some_and(|c| contains_break(c));
                if !has_break {
                    lines.last_mut().expect("one line").push(marked);
                    continue;
                }
                let content = std::mem::take(children_mut(&mut marked).expect("a mark"));
                let parts = split_untrimmed(content);
                for (i, part) in parts.into_iter().enumerate() {
                    if i > 0 {
                        lines.push(Vec::new());
                    }
                    let mut piece = marked.clone();
                    *children_mut(&mut piece).expect("a mark") = part;
                    lines.last_mut().expect("one line").push(piece);
                }
            }
        }
    }
    lines
}

pub fn contains_break(inlines: &[Inline]) -> bool {
    let mut found = false;
    walk_inlines(inlines, &mut |i| found |= matches!(i, Inline::LineBreak));
    found
}

/// Line breaks inside the content made spaces (a heading, a table cell).
pub fn breaks_to_spaces(inlines: Vec<Inline>) -> Vec<Inline> {
    let mut inlines = inlines;
    for inline in inlines.iter_mut() {
        if matches!(inline, Inline::LineBreak) {
            *inline = Inline::Text(" ".into());
        } else if let Some(children) = children_mut(inline) {
            *children = breaks_to_spaces(std::mem::take(children));
        }
    }
    normalize(inlines)
}

/// A heading's content without bold over the whole of it: a heading's
/// weight is its style's, not the author's emphasis.
pub fn unbold_whole(content: Vec<Inline>) -> Vec<Inline> {
    match content.as_slice() {
        [Inline::Strong(inner)] => inner.clone(),
        _ => content,
    }
}

/// True when the content has no text (only spaces, breaks, empty marks).
pub fn is_blank(inlines: &[Inline]) -> bool {
    let mut blank = true;
    walk_inlines(inlines, &mut |i| match i {
        Inline::Text(t) | Inline::Code(t) if !t.trim().is_empty() => blank = false,
        Inline::Note(_) => blank = false,
        _ => {}
    });
    blank
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Inline {
        Inline::Text(s.into())
    }

    #[test]
    fn normalize_joins_text_and_merges_marks() {
        let got = normalize(vec![
            t("a  "),
            t("\n b"),
            Inline::Emphasis(vec![t("c")]),
            Inline::Emphasis(vec![Inline::Emphasis(vec![t("d")])]),
            Inline::Strong(vec![]),
        ]);
        assert_eq!(
            got,
            vec![t("a b"), Inline::Emphasis(vec![t("cd")])],
            "{got:?}"
        );
    }

    #[test]
    fn split_lines_keeps_marks_on_both_sides() {
        let got = split_lines(vec![
            t("one "),
            Inline::Emphasis(vec![t("two"), Inline::LineBreak, t("three")]),
            Inline::LineBreak,
            t(" four"),
        ]);
        assert_eq!(
            got,
            vec![
                vec![t("one "), Inline::Emphasis(vec![t("two")])],
                vec![Inline::Emphasis(vec![t("three")])],
                vec![t("four")],
            ]
        );
    }

    #[test]
    fn trim_reaches_into_marks() {
        let got = trim(vec![Inline::Emphasis(vec![t("  a ")]), t("b  ")]);
        assert_eq!(got, vec![Inline::Emphasis(vec![t("a ")]), t("b")]);
    }
}
