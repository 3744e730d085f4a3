//! Inline content: the frames that collect it (paragraphs, headings,
//! emphasis, links, image alt text, cells, terms) and what each becomes
//! when it closes; text runs joined, raised and lowered text found in words.

use super::*;

/// Joins adjacent text runs (pulldown-cmark splits text at punctuation), and
/// finds raised and lowered text inside words, which pulldown-cmark leaves as
/// text: `mc^2^`, `H~2~O` (Pandoc's rule: no space between the marks).
pub(super) fn merge_text(content: Vec<Inline>) -> Vec<Inline> {
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
pub(super) fn split_scripts(text: &str, out: &mut Vec<Inline>) {
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

impl Builder<'_> {
    pub(super) fn inline_frame(&mut self, kind: InlineKind, start: usize) -> Frame {
        Frame::Inlines {
            kind,
            content: Vec::new(),
            start,
            images: Vec::new(),
            openers: Vec::new(),
        }
    }

    pub(super) fn end_inlines(
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
            InlineKind::Paragraph => self.end_paragraph(content, images, start..range.end),
            InlineKind::Heading(level, id) => {
                self.end_heading(level, id, content, start..range.end)
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
                self.end_image_alt(url, title, content, start..range.end)
            }
        }
    }

    /// A paragraph closed: nothing, a page break, a table's caption, a
    /// paragraph or a stanza, or the figures its images make.
    fn end_paragraph(
        &mut self,
        content: Vec<Inline>,
        images: Vec<(u32, String, String)>,
        range: std::ops::Range<usize>,
    ) {
        let start = range.start;
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
                    "a definition (`: …`) with no term before it is set as a paragraph".into(),
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

    /// A heading closed: its anchor given; a level-1 heading opens a section
    /// of the file, or inside a quote or a list is set as level 2.
    fn end_heading(
        &mut self,
        level: u8,
        id: Option<String>,
        content: Vec<Inline>,
        range: std::ops::Range<usize>,
    ) {
        let start = range.start;
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

    /// An image's alt text closed: the image recorded and attached to the
    /// paragraph around it, which it must stand in.
    fn end_image_alt(
        &mut self,
        url: String,
        title: String,
        content: Vec<Inline>,
        range: std::ops::Range<usize>,
    ) {
        let start = range.start;
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

    pub(super) fn push_inline(&mut self, inline: Inline, offset: usize) {
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
}
