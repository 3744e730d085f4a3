//! Block events: the frames that `Start` events open (quotes, lists,
//! items, notes, tables, code, raw HTML, definition lists) and what they
//! become when their `End` event closes them.

use super::*;

/// Tags that open a block: an implicit paragraph in a tight list item ends there.
pub(super) fn is_block_tag(tag: &Tag<'_>) -> bool {
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

pub(super) fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

impl Builder<'_> {
    pub(super) fn start(&mut self, tag: Tag<'_>, range: std::ops::Range<usize>) {
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
            } => self.heading_frame(level, id, classes, attrs, start),
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
                columns: aligns.iter().map(column_align).collect(),
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

    /// A heading's frame, with what its line's attribute block says of it:
    /// a running head, no number or no entry in the contents, a span's class.
    fn heading_frame(
        &mut self,
        level: HeadingLevel,
        id: Option<pulldown_cmark::CowStr<'_>>,
        classes: Vec<pulldown_cmark::CowStr<'_>>,
        attrs: Vec<(
            pulldown_cmark::CowStr<'_>,
            Option<pulldown_cmark::CowStr<'_>>,
        )>,
        start: usize,
    ) -> Frame {
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
        if self.heading_close.is_none() && (!classes.is_empty() || others > 0 || marks.unknown) {
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

    pub(super) fn end(&mut self, tag: TagEnd, range: std::ops::Range<usize>) {
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
            } => self.end_container(container, blocks, start..range.end),
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
            Frame::Html { text, start } => self.end_html(text, start..range.end),
        }
    }

    /// A container closed: what its blocks become.
    fn end_container(
        &mut self,
        container: Container,
        blocks: Vec<Block>,
        range: std::ops::Range<usize>,
    ) {
        match container {
            Container::Root => {}
            Container::Quote => {
                self.depth -= 1;
                self.push_block(BlockKind::Quote(blocks), range.clone());
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
                self.push_block(BlockKind::Definitions(blocks), range.clone());
            }
            Container::Definition => {
                self.push_block(BlockKind::Definition(blocks), range.clone());
            }
            Container::Div { classes, lang, .. } => {
                self.depth -= 1;
                self.push_block(
                    BlockKind::Div {
                        classes,
                        lang,
                        blocks,
                    },
                    range.clone(),
                );
            }
            Container::Note(label) => {
                let span = self.span(range.clone());
                self.out.notes.push(NoteDefinition {
                    label,
                    blocks,
                    span,
                });
            }
        }
    }

    /// Raw HTML closed: a comment or wrapper tags are left out; the rest is
    /// set as text, one line of the book per line of the HTML, with a warning.
    fn end_html(&mut self, text: String, range: std::ops::Range<usize>) {
        let start = range.start;
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
            range,
        );
    }

    pub(super) fn enter_nesting(&mut self, offset: usize) {
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

    /// Closes an implicit paragraph opened by `push_inline` in a tight item.
    pub(super) fn close_implicit_paragraph(&mut self, end: usize) {
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
    pub(super) fn table_caption(&self, content: &[Inline]) -> Option<Vec<Inline>> {
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

    pub(super) fn attach_caption(&mut self, caption: Vec<Inline>) {
        if let Some(Frame::Blocks { blocks, .. }) = self.stack.last_mut()
            && let Some(Block {
                kind: BlockKind::Table { caption: slot, .. },
                ..
            }) = blocks.last_mut()
        {
            *slot = caption;
        }
    }

    pub(super) fn push_block(&mut self, kind: BlockKind, range: std::ops::Range<usize>) {
        let span = self.span(range);
        self.push_built(Block {
            id: PLACEHOLDER,
            kind,
            span: Some(span),
        });
    }

    pub(super) fn push_built(&mut self, block: Block) {
        if let Some(Frame::Blocks { blocks, .. }) = self.stack.last_mut() {
            blocks.push(block);
        }
    }
}

/// A table column's alignment as its delimiter row gives it.
fn column_align(alignment: &Alignment) -> ColumnAlign {
    match alignment {
        Alignment::None => ColumnAlign::Auto,
        Alignment::Left => ColumnAlign::Left,
        Alignment::Center => ColumnAlign::Center,
        Alignment::Right => ColumnAlign::Right,
    }
}
