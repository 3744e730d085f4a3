//! Verse in its markups (Standard Ebooks' `z3998:poem`, quire's stanzas,
//! pandoc's line blocks) made into stanzas of indented lines.

use super::*;

/// quire's `indent-N` or Standard Ebooks' `i1`…`i9` (an em each: two spaces).
pub(super) fn indent_class(node: &Node<'_, '_>) -> u16 {
    for class in classes(node).split_whitespace() {
        if let Some(n) = class
            .strip_prefix("indent-")
            .and_then(|n| n.parse::<u16>().ok())
        {
            return n;
        }
        if let Some(n) = class.strip_prefix('i').and_then(|n| n.parse::<u16>().ok())
            && n <= 20
        {
            return n * 2;
        }
    }
    0
}

/// Lines split at breaks, each with its leading white space as an indent
/// (pandoc writes a line block's indents as no-break spaces).
pub(super) fn split_lines_keeping_lead(inlines: Vec<Inline>) -> Vec<(u16, Vec<Inline>)> {
    let mut lines: Vec<Vec<Inline>> = vec![Vec::new()];
    for inline in normalize(inlines) {
        if matches!(inline, Inline::LineBreak) {
            lines.push(Vec::new());
        } else {
            lines.last_mut().expect("a line").push(inline);
        }
    }
    lines
        .into_iter()
        .map(|line| {
            let lead = match line.first() {
                Some(Inline::Text(t)) => {
                    let t = t.trim_start_matches([' ', '\n', '\t']);
                    t.chars()
                        .take_while(|c| *c == '\u{a0}' || *c == ' ')
                        .count() as u16
                }
                _ => 0,
            };
            let mut line = line;
            if let Some(Inline::Text(t)) = line.first_mut() {
                *t = t
                    .trim_start_matches([' ', '\u{a0}', '\n', '\t'])
                    .to_string();
            }
            (lead, split_lines(line).into_iter().flatten().collect())
        })
        .collect()
}

impl Converter<'_, '_, '_> {
    /// A verse container: each paragraph (or stanza element) a stanza,
    /// each line a line, indents from Standard Ebooks' `i1`…`i9` classes,
    /// quire's `indent-N`, or leading no-break spaces.
    pub(super) fn verse(&mut self, node: Node<'_, '_>, out: &mut Vec<Block>) {
        self.settle_ids(self.under, false);
        // quire's own stanza: its `<p class="line">` children are its lines.
        if node
            .children()
            .any(|c| c.is_element() && has_class(&c, &["line"]))
        {
            let stanza = self.stanza(node);
            if !stanza.is_empty() {
                out.push(Block::Verse(vec![stanza]));
            }
            return;
        }
        let mut stanzas: Vec<Vec<Line>> = Vec::new();
        let mut loose: Vec<Inline> = Vec::new();
        let children: Vec<Node<'_, '_>> = node.children().collect();
        let flush_loose =
            |this: &mut Self, loose: &mut Vec<Inline>, stanzas: &mut Vec<Vec<Line>>| {
                let inlines = std::mem::take(loose);
                let lines = this.lines(inlines);
                if !lines.is_empty() {
                    stanzas.push(lines);
                }
            };
        for child in children {
            if self.consumed.contains(&(self.doc, child.id())) {
                continue;
            }
            if child.is_text() {
                loose.push(Inline::Text(child.text().unwrap_or("").to_string()));
                continue;
            }
            if !child.is_element() || is_skipped(&child) {
                continue;
            }
            let n = name(&child);
            if matches!(n, "p" | "div")
                && !child.children().any(|c| {
                    c.is_element() && matches!(name(&c), "p" | "div") && !has_class(&c, &["line"])
                })
            {
                flush_loose(self, &mut loose, &mut stanzas);
                if has_class(&child, &["attribution"])
                    || has_type(&child, &["z3998:signature", "z3998:attribution"])
                {
                    if !stanzas.is_empty() {
                        out.push(Block::Verse(std::mem::take(&mut stanzas)));
                    }
                    self.paragraph(child, Look::default(), out);
                    continue;
                }
                let stanza = self.stanza(child);
                if !stanza.is_empty() {
                    stanzas.push(stanza);
                }
            } else if is_block(&child) {
                flush_loose(self, &mut loose, &mut stanzas);
                if !stanzas.is_empty() {
                    out.push(Block::Verse(std::mem::take(&mut stanzas)));
                }
                self.block(child, out);
            } else {
                self.inline(child, &mut loose);
            }
        }
        flush_loose(self, &mut loose, &mut stanzas);
        if !stanzas.is_empty() {
            out.push(Block::Verse(stanzas));
        }
    }

    /// One stanza: a paragraph of lines split at line breaks, or of
    /// quire's `<p class="line">` children.
    pub(super) fn stanza(&mut self, node: Node<'_, '_>) -> Vec<Line> {
        let line_children: Vec<Node<'_, '_>> = node
            .children()
            .filter(|c| c.is_element() && has_class(c, &["line"]))
            .collect();
        if !line_children.is_empty() {
            let mut lines = Vec::new();
            for child in line_children {
                let indent = indent_class(&child);
                let content = trim(self.inlines_of(child));
                if !is_blank(&content) {
                    lines.push(Line { indent, content });
                }
            }
            return lines;
        }
        let mut inlines = Vec::new();
        let mut indents: Vec<u16> = vec![0];
        for child in node.children() {
            if self.consumed.contains(&(self.doc, child.id())) {
                continue;
            }
            if child.is_text() {
                inlines.push(Inline::Text(child.text().unwrap_or("").to_string()));
            } else if child.is_element() && !is_skipped(&child) {
                if name(&child) == "br" {
                    inlines.push(Inline::LineBreak);
                    indents.push(0);
                    continue;
                }
                let indent = indent_class(&child);
                if indent > 0
                    && let Some(last) = indents.last_mut()
                {
                    *last = indent;
                }
                self.inline(child, &mut inlines);
            }
        }
        let mut lines = Vec::new();
        for (i, content) in split_lines_keeping_lead(inlines).into_iter().enumerate() {
            let (lead, content) = content;
            let indent = indents.get(i).copied().unwrap_or(0).max(lead);
            if !is_blank(&content) {
                lines.push(Line { indent, content });
            }
        }
        lines
    }

    pub(super) fn lines(&mut self, inlines: Vec<Inline>) -> Vec<Line> {
        split_lines_keeping_lead(inlines)
            .into_iter()
            .filter(|(_, c)| !is_blank(c))
            .map(|(indent, content)| Line { indent, content })
            .collect()
    }
}
