//! The one way to visit what a block holds: its child blocks
//! ([`BlockKind::children`]) and its inline lists ([`BlockKind::inlines`]),
//! and an inline's children ([`Inline::children`]). Each names every kind,
//! with no wildcard arm, so a new kind is a compile error here until it is
//! visited, never text that one pass quietly forgets. Every pass that walks
//! the model (resolve, layout, the EPUB, the check) walks through these.

use super::{Block, BlockKind, Inline, ListItem, Section};

impl BlockKind {
    /// A quote or a list: a block made of blocks (whose text is its children's).
    pub fn is_container(&self) -> bool {
        match self {
            BlockKind::Quote(_)
            | BlockKind::Div { .. }
            | BlockKind::List { .. }
            | BlockKind::Definitions(_)
            | BlockKind::Definition(_) => true,
            BlockKind::Heading { .. }
            | BlockKind::Paragraph { .. }
            | BlockKind::Verse { .. }
            | BlockKind::Display { .. }
            | BlockKind::Term { .. }
            | BlockKind::SceneBreak
            | BlockKind::PageBreak
            | BlockKind::Code { .. }
            | BlockKind::Figure { .. }
            | BlockKind::Contents(_)
            | BlockKind::Table { .. } => false,
        }
    }

    /// The blocks directly inside this one, in reading order: a quote's, each
    /// list item's.
    pub fn children(&self) -> impl DoubleEndedIterator<Item = &Block> {
        let (quoted, items): (&[Block], &[ListItem]) = match self {
            BlockKind::Quote(blocks)
            | BlockKind::Div { blocks, .. }
            | BlockKind::Definitions(blocks)
            | BlockKind::Definition(blocks) => (blocks, &[]),
            BlockKind::List { items, .. } => (&[], items),
            BlockKind::Heading { .. }
            | BlockKind::Paragraph { .. }
            | BlockKind::Verse { .. }
            | BlockKind::Display { .. }
            | BlockKind::Term { .. }
            | BlockKind::SceneBreak
            | BlockKind::PageBreak
            | BlockKind::Code { .. }
            | BlockKind::Figure { .. }
            | BlockKind::Contents(_)
            | BlockKind::Table { .. } => (&[], &[]),
        };
        quoted
            .iter()
            .chain(items.iter().flat_map(|item| &item.blocks))
    }

    /// [`BlockKind::children`], to change them.
    pub fn children_mut(&mut self) -> impl Iterator<Item = &mut Block> {
        let (quoted, items): (&mut [Block], &mut [ListItem]) = match self {
            BlockKind::Quote(blocks)
            | BlockKind::Div { blocks, .. }
            | BlockKind::Definitions(blocks)
            | BlockKind::Definition(blocks) => (blocks, &mut []),
            BlockKind::List { items, .. } => (&mut [], items),
            BlockKind::Heading { .. }
            | BlockKind::Paragraph { .. }
            | BlockKind::Verse { .. }
            | BlockKind::Display { .. }
            | BlockKind::Term { .. }
            | BlockKind::SceneBreak
            | BlockKind::PageBreak
            | BlockKind::Code { .. }
            | BlockKind::Figure { .. }
            | BlockKind::Contents(_)
            | BlockKind::Table { .. } => (&mut [], &mut []),
        };
        quoted
            .iter_mut()
            .chain(items.iter_mut().flat_map(|item| &mut item.blocks))
    }

    /// The inline lists this block holds itself (not its children's), in
    /// reading order: a heading's, paragraph's, stanza's or display line's
    /// content; a figure's caption; a table's header cells, body cells and caption.
    pub fn inlines(&self) -> impl Iterator<Item = &Vec<Inline>> {
        let (own, head, rows, caption) = match self {
            BlockKind::Heading { content, .. }
            | BlockKind::Paragraph { content, .. }
            | BlockKind::Verse { content, .. }
            | BlockKind::Display { content, .. }
            | BlockKind::Term { content } => (Some(content), None, &[][..], None),
            BlockKind::Figure { caption, .. } => (Some(caption), None, &[][..], None),
            BlockKind::Table {
                head,
                rows,
                caption,
                ..
            } => (None, head.as_ref(), rows.as_slice(), Some(caption)),
            BlockKind::Quote(_)
            | BlockKind::Div { .. }
            | BlockKind::List { .. }
            | BlockKind::Definitions(_)
            | BlockKind::Definition(_)
            | BlockKind::SceneBreak
            | BlockKind::PageBreak
            | BlockKind::Code { .. }
            | BlockKind::Contents(_) => (None, None, &[][..], None),
        };
        own.into_iter()
            .chain(head.into_iter().flatten())
            .chain(rows.iter().flatten())
            .chain(caption)
    }

    /// [`BlockKind::inlines`], to change them.
    pub fn inlines_mut(&mut self) -> impl Iterator<Item = &mut Vec<Inline>> {
        let (own, head, rows, caption) = match self {
            BlockKind::Heading { content, .. }
            | BlockKind::Paragraph { content, .. }
            | BlockKind::Verse { content, .. }
            | BlockKind::Display { content, .. }
            | BlockKind::Term { content } => (Some(content), None, &mut [][..], None),
            BlockKind::Figure { caption, .. } => (Some(caption), None, &mut [][..], None),
            BlockKind::Table {
                head,
                rows,
                caption,
                ..
            } => (None, head.as_mut(), rows.as_mut_slice(), Some(caption)),
            BlockKind::Quote(_)
            | BlockKind::Div { .. }
            | BlockKind::List { .. }
            | BlockKind::Definitions(_)
            | BlockKind::Definition(_)
            | BlockKind::SceneBreak
            | BlockKind::PageBreak
            | BlockKind::Code { .. }
            | BlockKind::Contents(_) => (None, None, &mut [][..], None),
        };
        own.into_iter()
            .chain(head.into_iter().flatten())
            .chain(rows.iter_mut().flatten())
            .chain(caption)
    }
}

impl Inline {
    /// The inlines inside this one (emphasis, a link's words…); empty for text.
    pub fn children(&self) -> &[Inline] {
        match self {
            Inline::Emphasis(c)
            | Inline::Strong(c)
            | Inline::Link { content: c, .. }
            | Inline::CrossRef { content: c, .. }
            | Inline::Marked { content: c, .. }
            | Inline::Language { content: c, .. } => c,
            Inline::Text(_) | Inline::Code(_) | Inline::NoteRef { .. } | Inline::LineBreak => &[],
        }
    }

    /// [`Inline::children`], to change them (`None` for a kind that holds none).
    pub fn children_mut(&mut self) -> Option<&mut Vec<Inline>> {
        match self {
            Inline::Emphasis(c)
            | Inline::Strong(c)
            | Inline::Link { content: c, .. }
            | Inline::CrossRef { content: c, .. }
            | Inline::Marked { content: c, .. }
            | Inline::Language { content: c, .. } => Some(c),
            Inline::Text(_) | Inline::Code(_) | Inline::NoteRef { .. } | Inline::LineBreak => None,
        }
    }
}

/// Visits every block in reading order, containers before their children.
pub fn walk_blocks<'a>(blocks: &'a [Block], f: &mut impl FnMut(&'a Block)) {
    walk_blocks_iter(blocks.iter(), f);
}

fn walk_blocks_iter<'a>(blocks: impl Iterator<Item = &'a Block>, f: &mut impl FnMut(&'a Block)) {
    for block in blocks {
        f(block);
        walk_blocks_iter(block.kind.children(), f);
    }
}

/// Visits every block in reading order, containers before their children,
/// with the chance to change it (and then its children).
pub fn walk_blocks_mut(blocks: &mut [Block], f: &mut impl FnMut(&mut Block)) {
    for block in blocks {
        walk_block_mut(block, f);
    }
}

fn walk_block_mut(block: &mut Block, f: &mut impl FnMut(&mut Block)) {
    f(block);
    for child in block.kind.children_mut() {
        walk_block_mut(child, f);
    }
}

/// Visits every inline of `blocks` at any depth (notes' blocks excepted),
/// each before its children, with the chance to change it.
pub fn for_each_inline_mut(blocks: &mut [Block], f: &mut impl FnMut(&mut Inline)) {
    fn inlines(list: &mut [Inline], f: &mut impl FnMut(&mut Inline)) {
        for inline in list {
            f(inline);
            if let Some(children) = inline.children_mut() {
                inlines(children, f);
            }
        }
    }
    walk_blocks_mut(blocks, &mut |block| {
        for list in block.kind.inlines_mut() {
            inlines(list, f);
        }
    });
}

/// Every inline of a section, its notes included (see [`for_each_inline_mut`]).
pub fn for_each_section_inline_mut(section: &mut Section, f: &mut impl FnMut(&mut Inline)) {
    for_each_inline_mut(&mut section.blocks, f);
    for note in &mut section.notes {
        for_each_inline_mut(&mut note.blocks, f);
    }
}

/// Whether any inline of `blocks` (at any depth) satisfies `test`.
pub fn any_inline(blocks: &[Block], test: &mut impl FnMut(&Inline) -> bool) -> bool {
    fn inlines(list: &[Inline], test: &mut impl FnMut(&Inline) -> bool) -> bool {
        list.iter()
            .any(|inline| test(inline) || inlines(inline.children(), test))
    }
    let mut found = false;
    walk_blocks(blocks, &mut |block| {
        if !found {
            found = block.kind.inlines().any(|list| inlines(list, test));
        }
    });
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{BlockId, ColumnAlign, ImageId};

    fn text(t: &str) -> Vec<Inline> {
        vec![Inline::Text(t.into())]
    }

    fn block(kind: BlockKind) -> Block {
        Block {
            id: BlockId(0),
            kind,
            span: None,
        }
    }

    /// A block of every kind, nested, each with its own words.
    fn every_kind() -> Vec<Block> {
        let paragraph = |t: &str| {
            block(BlockKind::Paragraph {
                content: text(t),
                indent: false,
            })
        };
        vec![
            block(BlockKind::Heading {
                level: 2,
                anchor: String::new(),
                content: text("heading"),
                numeral: false,
            }),
            block(BlockKind::Quote(vec![
                paragraph("quoted"),
                block(BlockKind::List {
                    ordered: false,
                    items: vec![ListItem {
                        marker: "•".into(),
                        blocks: vec![paragraph("listed")],
                    }],
                }),
            ])),
            block(BlockKind::Verse {
                content: text("verse"),
                indents: vec![0],
            }),
            block(BlockKind::Display {
                role: crate::model::DisplayRole::Dedication,
                content: text("displayed"),
            }),
            block(BlockKind::Figure {
                image: ImageId(0),
                alt: String::new(),
                decorative: false,
                caption: vec![Inline::Emphasis(text("captioned"))],
            }),
            block(BlockKind::Table {
                columns: vec![ColumnAlign::Auto],
                head: Some(vec![text("headed")]),
                rows: vec![vec![text("celled")]],
                caption: text("tabled"),
            }),
            block(BlockKind::SceneBreak),
            block(BlockKind::Code {
                text: "code".into(),
            }),
        ]
    }

    #[test]
    fn every_inline_of_every_kind_is_visited_in_reading_order() {
        let mut blocks = every_kind();
        let mut seen = Vec::new();
        for_each_inline_mut(&mut blocks, &mut |inline| {
            if let Inline::Text(t) = inline {
                seen.push(t.clone());
                t.push('!');
            }
        });
        assert_eq!(
            seen,
            [
                "heading",
                "quoted",
                "listed",
                "verse",
                "displayed",
                "captioned",
                "headed",
                "celled",
                "tabled"
            ]
        );
        let mut kept = 0;
        walk_blocks(&blocks, &mut |b| {
            kept += b
                .kind
                .inlines()
                .filter(|l| crate::model::plain_text(l).ends_with('!'))
                .count()
        });
        assert_eq!(kept, 9, "each was changed in place");
        assert!(any_inline(
            &blocks,
            &mut |i| matches!(i, Inline::Text(t) if t == "celled!")
        ));
        let mut count = 0;
        walk_blocks(&blocks, &mut |_| count += 1);
        assert_eq!(
            count, 11,
            "the quote's paragraph, its list and the list's paragraph too"
        );
    }
}
