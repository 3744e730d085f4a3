//! The imported tree written as the Markdown quire reads: `# Title {#id}`,
//! `[^n]` notes defined at the end of their chapter, `***` scene breaks,
//! ```` ```verse ```` fences, pipe tables with `Table:` captions, images with
//! their alt text, Pandoc's `Term` / `: definition`, and small capitals as
//! `[text]{.smallcaps}`.
//!
//! The text is escaped so that it reads back as written: every ASCII mark
//! that could open Markdown syntax gets a backslash (`\*`, `\[`, `\#`…), a
//! line that would start a list or a heading is defused, and an entity-like
//! `&amp;` keeps its ampersand. Emphasis is written with `*`, which works
//! inside words; white space at a mark's edges, and punctuation at an edge
//! that touches a letter outside, is moved out of the mark, where CommonMark
//! would otherwise not read the delimiter (`said*“Hi”*` stays text).

use std::collections::HashMap;

use super::tree::{Align, Block, Inline, Line, Table, Target, breaks_to_spaces, split_lines, trim};

/// A chapter's notes, as written at its end: the label and the note's blocks.
pub type Notes = Vec<(String, Vec<Block>)>;

/// The Markdown of one chapter file. Links must already be resolved to
/// [`Target::Web`] addresses (`02-terms.md#terms`), notes to their labels in
/// this file (`notes`), and the anchors given to headings by their key.
pub fn chapter(blocks: &[Block], notes: &Notes, anchors: &HashMap<u32, String>) -> String {
    let writer = Writer { anchors };
    let mut out = writer.blocks(blocks, false);
    for (label, note) in notes {
        out.push_str("\n\n");
        out.push_str(&writer.note(label, note));
    }
    out.push('\n');
    out
}

/// Inline Markdown of one line (a dedication's line, an epigraph in
/// book.toml): escaped as in a paragraph.
pub fn line(inlines: &[Inline]) -> String {
    let anchors = HashMap::new();
    let writer = Writer { anchors: &anchors };
    let mut out = String::new();
    writer.inlines(&mut out, inlines, None, Context::Text);
    defuse_line_start(&out)
}

struct Writer<'a> {
    anchors: &'a HashMap<u32, String>,
}

/// Where inline text is written: a table cell must also escape `|` inside
/// code spans.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    Text,
    Cell,
}

impl Writer<'_> {
    /// Blocks separated by blank lines. `nested`: inside a quote, list or
    /// note, where a heading is set as a bold paragraph (a `#` there would
    /// open a section of the book).
    fn blocks(&self, blocks: &[Block], nested: bool) -> String {
        let mut parts: Vec<String> = Vec::with_capacity(blocks.len());
        let mut previous_list: Option<(bool, bool)> = None;
        for block in blocks {
            let text = match block {
                Block::List { ordered, .. } => {
                    // Two lists in a row would read as one: the second takes
                    // the other marker (`*` after `-`, `1)` after `1.`).
                    let alternate = previous_list
                        .filter(|(o, _)| o == ordered)
                        .is_some_and(|(_, alt)| !alt);
                    previous_list = Some((*ordered, alternate));
                    self.list(block, alternate)
                }
                _ => {
                    previous_list = None;
                    self.block(block, nested)
                }
            };
            if !text.trim().is_empty() {
                parts.push(text);
            }
        }
        parts.join("\n\n")
    }

    fn block(&self, block: &Block, nested: bool) -> String {
        match block {
            Block::Heading {
                level,
                content,
                key,
            } => {
                let content = breaks_to_spaces(content.clone());
                if nested {
                    return self.paragraph(&[Inline::Strong(content)]);
                }
                let mut out = "#".repeat(usize::from((*level).clamp(1, 6)));
                out.push(' ');
                self.inlines(&mut out, &content, None, Context::Text);
                if let Some(anchor) = self.anchors.get(key) {
                    out.push_str(" {#");
                    out.push_str(anchor);
                    out.push('}');
                }
                out
            }
            Block::Paragraph(content) => self.paragraph(content),
            Block::Quote(children) => prefix_lines(&self.blocks(children, true), "> ", ">"),
            Block::List { .. } => self.list(block, false),
            Block::Verse(stanzas) => verse(self, stanzas),
            Block::Table(table) => self.table(table),
            Block::Figure {
                path,
                alt,
                decorative,
                caption,
            } => {
                let mut out = String::from("![");
                let alt = if *decorative && alt.trim().is_empty() {
                    "decorative"
                } else {
                    alt.as_str()
                };
                escape_text(&super::tree::collapse_space(alt), &mut out);
                out.push_str("](");
                out.push_str(&url(path));
                let caption = super::tree::plain(caption);
                let caption = caption.trim();
                if !caption.is_empty() {
                    out.push_str(" \"");
                    for c in caption.chars() {
                        if matches!(c, '"' | '\\') {
                            out.push('\\');
                        }
                        out.push(c);
                    }
                    out.push('"');
                }
                out.push(')');
                out
            }
            Block::SceneBreak => "***".into(),
            Block::Definitions(entries) => {
                let mut out = Vec::new();
                for (term, definitions) in entries {
                    let mut entry = String::new();
                    let mut term_text = String::new();
                    self.inlines(
                        &mut term_text,
                        &breaks_to_spaces(term.clone()),
                        None,
                        Context::Text,
                    );
                    entry.push_str(&defuse_line_start(&term_text));
                    for definition in definitions {
                        let mut text = String::new();
                        self.inlines(
                            &mut text,
                            &breaks_to_spaces(definition.clone()),
                            None,
                            Context::Text,
                        );
                        entry.push_str("\n: ");
                        entry.push_str(&text);
                    }
                    out.push(entry);
                }
                out.join("\n\n")
            }
            Block::Code(text) => {
                let fence = "`".repeat(longest_run(text, '`').max(2) + 1);
                let body = text.trim_end_matches('\n');
                format!("{fence}\n{body}\n{fence}")
            }
        }
    }

    /// A paragraph, its hard-broken lines one Markdown line each (a mark
    /// across a break is closed and opened again, and an empty line, which
    /// would end the paragraph, is left out).
    fn paragraph(&self, content: &[Inline]) -> String {
        let mut lines = Vec::new();
        for line in split_lines(content.to_vec()) {
            if line.is_empty() {
                continue;
            }
            let mut out = String::new();
            self.inlines(&mut out, &line, None, Context::Text);
            lines.push(defuse_line_start(&out));
        }
        lines.join("\\\n")
    }

    fn list(&self, block: &Block, alternate: bool) -> String {
        let Block::List {
            ordered,
            start,
            items,
        } = block
        else {
            return String::new();
        };
        let tight = items
            .iter()
            .all(|item| item.len() <= 1 && item.iter().all(|b| matches!(b, Block::Paragraph(_))));
        let mut out: Vec<String> = Vec::new();
        for (n, item) in items.iter().enumerate() {
            let marker = match (ordered, alternate) {
                (true, false) => format!("{}. ", u64::from(*start) + n as u64),
                (true, true) => format!("{}) ", u64::from(*start) + n as u64),
                (false, false) => "- ".to_string(),
                (false, true) => "* ".to_string(),
            };
            let body = self.blocks(item, true);
            let body = if body.trim().is_empty() {
                // An empty item would read as a setext underline after a
                // paragraph: it keeps its place with a no-break space.
                "\u{a0}".to_string()
            } else {
                body
            };
            let pad = " ".repeat(marker.chars().count());
            let mut text = String::new();
            for (i, line) in body.split('\n').enumerate() {
                if i == 0 {
                    text.push_str(&marker);
                    text.push_str(line);
                } else {
                    text.push('\n');
                    if !line.is_empty() {
                        text.push_str(&pad);
                        text.push_str(line);
                    }
                }
            }
            out.push(text);
        }
        out.join(if tight { "\n" } else { "\n\n" })
    }

    fn table(&self, table: &Table) -> String {
        let columns = table
            .head
            .iter()
            .chain(&table.rows)
            .map(Vec::len)
            .max()
            .unwrap_or(0)
            .max(1);
        let row = |cells: Option<&Vec<Vec<Inline>>>| {
            let mut out = String::from("|");
            for c in 0..columns {
                let mut cell = String::new();
                if let Some(content) = cells.and_then(|cells| cells.get(c)) {
                    let content = trim(breaks_to_spaces(content.clone()));
                    self.inlines(&mut cell, &content, None, Context::Cell);
                }
                out.push(' ');
                out.push_str(if cell.is_empty() { " " } else { &cell });
                out.push_str(" |");
            }
            out
        };
        let mut lines = vec![row(table.head.as_ref())];
        let mut rule = String::from("|");
        for c in 0..columns {
            rule.push_str(match table.align.get(c).copied().unwrap_or_default() {
                Align::Auto => "---|",
                Align::Left => ":--|",
                Align::Center => ":-:|",
                Align::Right => "--:|",
            });
        }
        lines.push(rule);
        for cells in &table.rows {
            lines.push(row(Some(cells)));
        }
        let mut out = lines.join("\n");
        let caption = trim(breaks_to_spaces(table.caption.clone()));
        if !caption.is_empty() {
            out.push_str("\n\nTable: ");
            self.inlines(&mut out, &caption, None, Context::Text);
        }
        out
    }

    fn note(&self, label: &str, blocks: &[Block]) -> String {
        // A note's own references would point nowhere: they are left out of
        // the note by the assembly; headings in it are bold paragraphs.
        let first_is_text = matches!(blocks.first(), Some(Block::Paragraph(_)));
        let body = self.blocks(blocks, true);
        let mut out = format!("[^{label}]:");
        for (i, line) in body.split('\n').enumerate() {
            if i == 0 && first_is_text {
                out.push(' ');
                out.push_str(line);
            } else {
                out.push('\n');
                if !line.is_empty() {
                    out.push_str("    ");
                    out.push_str(line);
                }
            }
        }
        out
    }

    /// Writes inline content. `next`: the first character written after
    /// this content, for deciding whether a closing delimiter can be read.
    fn inlines(&self, out: &mut String, inlines: &[Inline], next: Option<char>, ctx: Context) {
        for (i, inline) in inlines.iter().enumerate() {
            let after = inlines[i + 1..].iter().find_map(first_char).or(next);
            match inline {
                Inline::Text(text) => escape_text(text, out),
                Inline::Code(text) => code_span(text, out, ctx),
                Inline::LineBreak => out.push_str("\\\n"),
                // Numbered per chapter by the assembly.
                Inline::Note(n) => out.push_str(&format!("[^{n}]")),
                Inline::Emphasis(c) => self.delimited(out, "*", "*", c, after, ctx),
                Inline::Strong(c) => self.delimited(out, "**", "**", c, after, ctx),
                Inline::Strike(c) => self.delimited(out, "~~", "~~", c, after, ctx),
                Inline::Superscript(c) => self.delimited(out, "^", "^", c, after, ctx),
                Inline::Subscript(c) => self.delimited(out, "~", "~", c, after, ctx),
                Inline::SmallCaps(c) => {
                    out.push('[');
                    self.inlines(out, c, Some(']'), ctx);
                    out.push_str("]{.smallcaps}");
                }
                Inline::Link { target, content } => {
                    let address = match target {
                        Target::Web(address) => address.clone(),
                        // Unresolved: the words alone (the assembly warns).
                        Target::Internal { .. } => {
                            self.inlines(out, content, after, ctx);
                            continue;
                        }
                    };
                    out.push('[');
                    self.inlines(out, content, Some(']'), ctx);
                    out.push_str("](");
                    out.push_str(&url(&address));
                    out.push(')');
                }
            }
        }
    }

    /// A mark between delimiters, its edges fitted so CommonMark reads it.
    fn delimited(
        &self,
        out: &mut String,
        open: &str,
        close: &str,
        content: &[Inline],
        next: Option<char>,
        ctx: Context,
    ) {
        // A mark whose edge is small capitals, a link, a note or code, next
        // to a letter outside: its delimiter would stand between a letter
        // and a bracket, where CommonMark cannot read it. The mark is
        // distributed instead: inside the brackets (`[*a*]{.smallcaps}`),
        // around the text between them, and off notes and code.
        let bracketed = |i: Option<&Inline>| {
            matches!(
                i,
                Some(
                    Inline::SmallCaps(_) | Inline::Link { .. } | Inline::Note(_) | Inline::Code(_)
                )
            )
        };
        let prev = last_char(out);
        if (bracketed(content.first()) && prev.is_some_and(char::is_alphanumeric))
            || (bracketed(content.last()) && next.is_some_and(char::is_alphanumeric))
        {
            let make = |children: Vec<Inline>| match open {
                "*" => Inline::Emphasis(children),
                "**" => Inline::Strong(children),
                "~~" => Inline::Strike(children),
                "^" => Inline::Superscript(children),
                _ => Inline::Subscript(children),
            };
            let mut spread: Vec<Inline> = Vec::new();
            let mut run: Vec<Inline> = Vec::new();
            for child in content {
                match child {
                    Inline::SmallCaps(_) | Inline::Link { .. } => {
                        if !run.is_empty() {
                            spread.push(make(std::mem::take(&mut run)));
                        }
                        let mut child = child.clone();
                        if let Some(children) = super::tree::children_mut(&mut child) {
                            let inner = std::mem::take(children);
                            *children = vec![make(inner)];
                        }
                        spread.push(child);
                    }
                    Inline::Note(_) | Inline::Code(_) => {
                        if !run.is_empty() {
                            spread.push(make(std::mem::take(&mut run)));
                        }
                        spread.push(child.clone());
                    }
                    other => run.push(other.clone()),
                }
            }
            if !run.is_empty() {
                spread.push(make(run));
            }
            self.inlines(out, &spread, next, ctx);
            return;
        }
        let mut content = content.to_vec();
        // White space at the edges goes outside the delimiters.
        let lead = take_edge(&mut content, true, |c| c.is_whitespace());
        let trail = take_edge(&mut content, false, |c| c.is_whitespace());
        escape_text(&lead, out);
        // Punctuation against a letter outside: outside too.
        let prev = last_char(out);
        let lead_punct = if prev.is_some_and(char::is_alphanumeric) {
            take_edge(&mut content, true, |c| !c.is_alphanumeric())
        } else {
            String::new()
        };
        escape_text(&lead_punct, out);
        let next_after = if trail.is_empty() {
            next
        } else {
            trail.chars().next()
        };
        let trail_punct = if next_after.is_some_and(char::is_alphanumeric) {
            take_edge(&mut content, false, |c| !c.is_alphanumeric())
        } else {
            String::new()
        };
        if !content.is_empty() {
            out.push_str(open);
            self.inlines(out, &content, close.chars().next(), ctx);
            out.push_str(close);
        }
        escape_text(&trail_punct, out);
        escape_text(&trail, out);
    }
}

/// Removes the characters matching `f` at one edge of the content (from
/// its outermost text, into marks at that edge) and returns them.
fn take_edge(content: &mut Vec<Inline>, start: bool, f: impl Fn(char) -> bool + Copy) -> String {
    let mut taken = String::new();
    loop {
        let index = if start {
            0
        } else {
            content.len().wrapping_sub(1)
        };
        let Some(edge) = content.get_mut(index) else {
            break;
        };
        let emptied = match edge {
            Inline::Text(text) => {
                let kept = if start {
                    text.trim_start_matches(f)
                } else {
                    text.trim_end_matches(f)
                };
                let cut = text.len() - kept.len();
                if start {
                    taken.push_str(&text[..cut]);
                    *text = text[cut..].to_string();
                } else {
                    let piece = text[text.len() - cut..].to_string();
                    taken.insert_str(0, &piece);
                    let len = text.len() - cut;
                    text.truncate(len);
                }
                text.is_empty()
            }
            Inline::Code(_) | Inline::LineBreak | Inline::Note(_) => false,
            other => {
                let children = super::tree::children_mut(other).expect("a mark");
                let piece = take_edge(children, start, f);
                if start {
                    taken.push_str(&piece);
                } else {
                    taken.insert_str(0, &piece);
                }
                children.is_empty()
            }
        };
        if emptied {
            content.remove(index);
            continue;
        }
        break;
    }
    taken
}

/// The first character inline content writes that is not a delimiter
/// (delimiters side by side make one run, which CommonMark reads by the
/// characters around the whole run).
fn first_char(inline: &Inline) -> Option<char> {
    match inline {
        Inline::Text(t) => t.chars().next(),
        Inline::Code(_) => Some('`'),
        Inline::LineBreak => Some('\\'),
        Inline::Note(_) | Inline::SmallCaps(_) | Inline::Link { .. } => Some('['),
        Inline::Emphasis(c)
        | Inline::Strong(c)
        | Inline::Strike(c)
        | Inline::Subscript(c)
        | Inline::Superscript(c) => c.iter().find_map(first_char),
    }
}

/// The last character written before a trailing run of delimiters.
fn last_char(out: &str) -> Option<char> {
    let mut chars = out.chars().rev().peekable();
    while let Some(&c) = chars.peek() {
        if !matches!(c, '*' | '~' | '^') {
            break;
        }
        let mut ahead = chars.clone();
        ahead.next();
        if ahead.peek() == Some(&'\\') {
            // An escaped mark is text.
            break;
        }
        chars.next();
    }
    chars.next()
}

/// Characters that open Markdown syntax anywhere in a line.
fn needs_escape(c: char) -> bool {
    matches!(
        c,
        '\\' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '^' | '~' | '|' | '{' | '}' | '`'
    )
}

/// Text as Markdown that reads back as the same characters.
pub fn escape_text(text: &str, out: &mut String) {
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_control() {
            // Tabs and newlines were made spaces by the readers; other
            // control characters are nothing a book sets.
            if matches!(c, '\t' | '\n' | '\r') {
                out.push(' ');
            }
            continue;
        }
        if needs_escape(c) || (c == '&' && looks_like_entity(&chars[i + 1..])) {
            out.push('\\');
        }
        out.push(c);
    }
}

/// `amp;`, `#38;`, `#x26;` after an ampersand: an entity to CommonMark.
fn looks_like_entity(rest: &[char]) -> bool {
    let end = rest.iter().position(|&c| c == ';');
    let Some(end) = end.filter(|&e| e > 0 && e <= 32) else {
        return false;
    };
    let name = &rest[..end];
    match name {
        ['#', 'x' | 'X', hex @ ..] => !hex.is_empty() && hex.iter().all(char::is_ascii_hexdigit),
        ['#', digits @ ..] => !digits.is_empty() && digits.iter().all(char::is_ascii_digit),
        _ => name.iter().all(char::is_ascii_alphanumeric),
    }
}

/// A line of a paragraph that would open a block (`- `, `+ `, `1. `, a
/// setext `=` or `-` line, a definition's `:`, which the reader takes even
/// without a space after it), or start with spaces, made plain text.
fn defuse_line_start(line: &str) -> String {
    let line = line.trim_start_matches(' ');
    let mut out = String::with_capacity(line.len() + 1);
    let first = line.chars().next();
    match first {
        Some('-' | '+' | '=' | ':') => {
            out.push('\\');
            out.push_str(line);
        }
        Some(c) if c.is_ascii_digit() => {
            let digits = line.chars().take_while(char::is_ascii_digit).count();
            match line[digits..].chars().next() {
                Some('.' | ')') if digits <= 9 => {
                    out.push_str(&line[..digits]);
                    out.push('\\');
                    out.push_str(&line[digits..]);
                }
                _ => out.push_str(line),
            }
        }
        _ => out.push_str(line),
    }
    out
}

fn code_span(text: &str, out: &mut String, ctx: Context) {
    let text = super::tree::collapse_space(text);
    let fence = "`".repeat(longest_run(&text, '`') + 1);
    out.push_str(&fence);
    let pad = text.starts_with('`')
        || text.ends_with('`')
        || (text.starts_with(' ') && text.ends_with(' '));
    if pad {
        out.push(' ');
    }
    if ctx == Context::Cell {
        out.push_str(&text.replace('|', "\\|"));
    } else {
        out.push_str(&text);
    }
    if pad {
        out.push(' ');
    }
    out.push_str(&fence);
}

fn longest_run(text: &str, c: char) -> usize {
    let mut longest = 0;
    let mut run = 0;
    for ch in text.chars() {
        if ch == c {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    longest
}

/// A link or image address as Markdown reads it: spaces, parentheses and
/// angle brackets percent-encoded.
fn url(address: &str) -> String {
    let mut out = String::with_capacity(address.len());
    for c in address.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '\\' => out.push_str("%5C"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

fn prefix_lines(text: &str, prefix: &str, empty: &str) -> String {
    text.split('\n')
        .map(|line| {
            if line.is_empty() {
                empty.to_string()
            } else {
                format!("{prefix}{line}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A ```verse fence: stanzas a blank line apart, each line's indent as
/// leading spaces.
fn verse(writer: &Writer<'_>, stanzas: &[Vec<Line>]) -> String {
    let mut body = Vec::new();
    for stanza in stanzas {
        let mut lines = Vec::new();
        for line in stanza {
            let content = trim(breaks_to_spaces(line.content.clone()));
            if content.is_empty() {
                continue;
            }
            let mut text = " ".repeat(usize::from(line.indent.min(40)));
            writer.inlines(&mut text, &content, None, Context::Text);
            lines.push(text);
        }
        if !lines.is_empty() {
            body.push(lines.join("\n"));
        }
    }
    if body.is_empty() {
        return String::new();
    }
    let body = body.join("\n\n");
    let fence = "`".repeat(
        body.split('\n')
            .map(|l| l.trim_start().chars().take_while(|&c| c == '`').count())
            .max()
            .unwrap_or(0)
            .max(2)
            + 1,
    );
    format!("{fence}verse\n{body}\n{fence}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{BlockKind, Inline as M, TextMark};

    fn t(s: &str) -> Inline {
        Inline::Text(s.into())
    }

    fn para(inlines: Vec<Inline>) -> String {
        chapter(&[Block::Paragraph(inlines)], &Vec::new(), &HashMap::new())
    }

    /// What quire's own parser reads back from the Markdown written.
    fn reparse(markdown: &str) -> Vec<BlockKind> {
        let parsed = crate::parse::parse(markdown, 0, "manuscript/x.md");
        assert!(
            parsed.diagnostics.is_empty(),
            "{markdown}\n{:?}",
            parsed.diagnostics
        );
        parsed.blocks.into_iter().map(|b| b.kind).collect()
    }

    fn text_of(kind: &BlockKind) -> String {
        match kind {
            BlockKind::Paragraph { content, .. } | BlockKind::Heading { content, .. } => {
                crate::model::plain_text(content)
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn syntax_characters_read_back_as_text() {
        // (`^f^` and `~g~` with no space inside stay raised and lowered
        // text even when escaped: quire's parser finds them in the text.)
        let text = "1. *a* _b_ [c](d) <e> # ^f ~g | {h} `i` \\j &amp; k &copy l";
        let md = para(vec![t(text)]);
        let blocks = reparse(&md);
        assert_eq!(blocks.len(), 1, "{md}");
        assert_eq!(text_of(&blocks[0]), text, "{md}");
        for start in ["- a", "+ b", "= c", "12) d", "---", "> e", "# f", "    g"] {
            let md = para(vec![t("x"), Inline::LineBreak, t(start)]);
            let blocks = reparse(&md);
            assert_eq!(blocks.len(), 1, "{md}: {blocks:?}");
            assert!(
                matches!(blocks[0], BlockKind::Verse { .. }),
                "{md}: {blocks:?}"
            );
        }
    }

    #[test]
    fn emphasis_reads_back_where_punctuation_touches_letters() {
        let md = para(vec![
            t("said"),
            Inline::Emphasis(vec![t("“Hi,” ")]),
            t("he"),
            Inline::Strong(vec![t(" bold")]),
            t(" and un"),
            Inline::Emphasis(vec![t("believ")]),
            t("able"),
        ]);
        let blocks = reparse(&md);
        let BlockKind::Paragraph { content, .. } = &blocks[0] else {
            panic!("{blocks:?}")
        };
        assert_eq!(
            crate::model::plain_text(content),
            "said“Hi,” he bold and unbelievable",
            "{md}"
        );
        let emphasised: Vec<String> = content
            .iter()
            .filter_map(|i| match i {
                M::Emphasis(c) | M::Strong(c) => Some(crate::model::plain_text(c)),
                _ => None,
            })
            .collect();
        assert_eq!(emphasised, ["Hi,”", "bold", "believ"], "{md}");
    }

    #[test]
    fn marks_read_back() {
        let md = para(vec![
            Inline::SmallCaps(vec![t("Rome [sic]")]),
            t(" E = mc"),
            Inline::Superscript(vec![t("2")]),
            t(", H"),
            Inline::Subscript(vec![t("2")]),
            t("O, "),
            Inline::Strike(vec![t("gone")]),
            t(" "),
            Inline::Code("a`b".into()),
        ]);
        let blocks = reparse(&md);
        let BlockKind::Paragraph { content, .. } = &blocks[0] else {
            panic!("{blocks:?}")
        };
        let marks: Vec<TextMark> = content
            .iter()
            .filter_map(|i| match i {
                M::Marked { mark, .. } => Some(*mark),
                _ => None,
            })
            .collect();
        assert_eq!(
            marks,
            [
                TextMark::SmallCaps,
                TextMark::Superscript,
                TextMark::Subscript,
                TextMark::Strikethrough
            ],
            "{md}"
        );
        assert!(content.contains(&M::Code("a`b".into())), "{md}");
    }

    #[test]
    fn blocks_read_back() {
        let blocks = vec![
            Block::Heading {
                level: 1,
                content: vec![t("Chapter One: #1 {x}")],
                key: 7,
            },
            Block::Quote(vec![Block::Paragraph(vec![t("quoted")])]),
            Block::List {
                ordered: true,
                start: 3,
                items: vec![
                    vec![Block::Paragraph(vec![t("three")])],
                    vec![
                        Block::Paragraph(vec![t("four")]),
                        Block::List {
                            ordered: false,
                            start: 1,
                            items: vec![vec![Block::Paragraph(vec![t("inner")])]],
                        },
                    ],
                ],
            },
            Block::List {
                ordered: true,
                start: 1,
                items: vec![vec![Block::Paragraph(vec![t("again")])]],
            },
            Block::SceneBreak,
            Block::Verse(vec![
                vec![
                    Line {
                        indent: 0,
                        content: vec![t("- a line"), Inline::Note(1)],
                    },
                    Line {
                        indent: 4,
                        content: vec![Inline::Emphasis(vec![t("in")])],
                    },
                ],
                vec![Line {
                    indent: 0,
                    content: vec![t("second")],
                }],
            ]),
            Block::Table(Table {
                align: vec![Align::Left, Align::Right],
                head: Some(vec![vec![t("a|b")], vec![t("n")]]),
                rows: vec![vec![vec![Inline::Code("x|y".into())], vec![t("1")]]],
                caption: vec![t("Sizes")],
            }),
            Block::Figure {
                path: "images/a map.png".into(),
                alt: "A [map]".into(),
                decorative: false,
                caption: vec![t("The \"map\"")],
            },
        ];
        let notes = vec![("1".to_string(), vec![Block::Paragraph(vec![t("A note.")])])];
        let anchors = HashMap::from([(7, "one".to_string())]);
        let md = chapter(&blocks, &notes, &anchors);
        let parsed = crate::parse::parse(&md, 0, "manuscript/x.md");
        let kinds: Vec<&BlockKind> = parsed.blocks.iter().map(|b| &b.kind).collect();
        assert!(
            parsed.diagnostics.is_empty(),
            "{md}\n{:?}",
            parsed.diagnostics
        );
        assert!(
            matches!(kinds[0], BlockKind::Heading { anchor, content, .. }
                if anchor == "one" && crate::model::plain_text(content) == "Chapter One: #1 {x}"),
            "{md}\n{kinds:?}"
        );
        assert!(matches!(kinds[1], BlockKind::Quote(_)), "{md}");
        assert!(
            matches!(kinds[2], BlockKind::List { ordered: true, items, .. } if items.len() == 2),
            "{md}\n{kinds:?}"
        );
        assert!(
            matches!(kinds[3], BlockKind::List { ordered: true, items, .. } if items.len() == 1),
            "{md}\n{kinds:?}"
        );
        assert!(matches!(kinds[4], BlockKind::SceneBreak), "{md}");
        assert!(
            matches!(kinds[5], BlockKind::Verse { indents, .. } if indents == &[0, 4]),
            "{md}\n{kinds:?}"
        );
        assert!(matches!(kinds[6], BlockKind::Verse { .. }), "{md}");
        assert!(
            matches!(kinds[7], BlockKind::Table { head: Some(h), rows, caption, .. }
                if crate::model::plain_text(&h[0]) == "a|b"
                && rows[0][0] == vec![M::Code("x|y".into())]
                && crate::model::plain_text(caption) == "Sizes"),
            "{md}\n{kinds:?}"
        );
        assert!(
            matches!(kinds[8], BlockKind::Figure { alt, caption, .. }
                if alt == "A [map]" && crate::model::plain_text(caption) == "The \"map\""),
            "{md}\n{kinds:?}"
        );
        assert_eq!(parsed.notes.len(), 1, "{md}");
        assert_eq!(parsed.images[0].written, "images/a%20map.png", "{md}");
    }

    mod written_text_reads_back {
        use super::*;
        use proptest::prelude::*;

        /// Text from letters, spaces and the marks Markdown reads (not
        /// quotes, `--` or `...`, which smart punctuation turns into their
        /// typographic forms on purpose, nor `^` and `~`: see above).
        /// A word: letters with punctuation of every kind inside and at
        /// its ends (quotes, dashes and dots aside, which smart punctuation
        /// turns into their typographic forms on purpose, and `^` and `~`:
        /// see above).
        fn word() -> impl Strategy<Value = String> {
            proptest::string::string_regex("[.,;:!?*_\\\\\\[\\]<>#|{}`&()=+]{0,2}[a-cA-C0-9]{1,3}([.,;:!?*_\\\\\\[\\]<>#|{}`&()=+-]{0,2}[a-cA-C])?[.,;:!?*_\\\\\\[\\]<>#|{}`&()=+]{0,2}")
                .expect("a valid pattern")
        }

        /// Words and marked phrases, a space between each: marks over whole
        /// words, as books have them (CommonMark cannot write every nesting
        /// of marks inside a word, and no book's text needs it).
        fn inline() -> impl Strategy<Value = Vec<Inline>> {
            let leaf = word().prop_map(|w| vec![Inline::Text(w)]);
            leaf.prop_recursive(3, 24, 4, |inner| {
                let phrase = proptest::collection::vec(inner, 1..4).prop_map(|parts| {
                    let mut out = Vec::new();
                    for (i, part) in parts.into_iter().enumerate() {
                        if i > 0 {
                            out.push(Inline::Text(" ".into()));
                        }
                        out.extend(part);
                    }
                    out
                });
                prop_oneof![
                    2 => phrase.clone(),
                    1 => phrase.clone().prop_map(|p| vec![Inline::Emphasis(p)]),
                    1 => phrase.clone().prop_map(|p| vec![Inline::Strong(p)]),
                    1 => phrase.clone().prop_map(|p| vec![Inline::Strike(p)]),
                    1 => phrase.prop_map(|p| vec![Inline::SmallCaps(p)]),
                ]
            })
        }

        fn words(text: &str) -> Vec<String> {
            text.split_whitespace().map(str::to_string).collect()
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(400))]
            #[test]
            fn paragraph_text(parts in proptest::collection::vec(inline(), 1..6), breaks in proptest::collection::vec(any::<bool>(), 6)) {
                let mut inlines = Vec::new();
                for (i, part) in parts.into_iter().enumerate() {
                    if i > 0 {
                        inlines.push(if breaks[i] { Inline::LineBreak } else { Inline::Text(" ".into()) });
                    }
                    inlines.extend(part);
                }
                let inlines = crate::import::tree::normalize(inlines);
                let expected = crate::import::tree::plain(&trim(inlines.clone()));
                prop_assume!(
                    !expected.trim().is_empty()
                        && !expected.contains("--")
                        && !expected.contains("...")
                );
                let md = para(inlines);
                let parsed = crate::parse::parse(&md, 0, "manuscript/x.md");
                let mut got = String::new();
                for block in &parsed.blocks {
                    if let Some(text) = crate::model::block_text(block) {
                        got.push_str(&text);
                        got.push(' ');
                    }
                }
                prop_assert_eq!(words(&got), words(&expected), "{}", md);
            }
        }
    }
}
