//! The page map: where each print page begins, as a position in the model.
//! Layout produces it; the EPUB writer marks those places and lists them in
//! its page-list, so both editions agree page for page.

use super::{Block, BlockId, BlockKind, for_each_text, plain_text};

/// A place in the book's text: a leaf block and a character offset into its
/// text (counted as [`block_text`] counts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TextPos {
    pub block: BlockId,
    /// In Unicode scalar values, not bytes.
    pub offset: u32,
}

/// Where one print page starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageStart {
    /// The page's folio as printed (or as it would be printed): `iii`, `12`.
    pub label: String,
    /// Index of the section the page belongs to.
    pub section: u32,
    /// The first text on the page; a blank page points at the next page's start,
    /// and a blank page after the last text at one past the last block
    /// (`BlockId(book.block_count)`): the end of the book.
    pub at: TextPos,
    /// The page has no text (a blank verso before a chapter opening).
    pub blank: bool,
}

/// Every print page, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageMap {
    pub pages: Vec<PageStart>,
}

/// The text of a leaf block, as page offsets count it; `None` for containers
/// (quotes and lists), whose children carry their own text.
pub fn block_text(block: &Block) -> Option<String> {
    Some(match &block.kind {
        BlockKind::Heading { content, .. }
        | BlockKind::Paragraph { content, .. }
        | BlockKind::Verse { content, .. }
        | BlockKind::Display { content, .. }
        | BlockKind::Term { content } => plain_text(content),
        BlockKind::Figure { caption, .. } => plain_text(caption),
        BlockKind::Code { text } => text.clone(),
        BlockKind::Contents(entries) => entries
            .iter()
            .map(|e| e.title.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        BlockKind::SceneBreak | BlockKind::PageBreak => String::new(),
        // Cell by cell, row by row (the header first), each cell ended by `\n`.
        table @ BlockKind::Table { .. } => {
            let mut text = String::new();
            for row in table.table_rows() {
                for cell in row {
                    text.push_str(&plain_text(cell));
                    text.push('\n');
                }
            }
            text
        }
        BlockKind::Quote(_)
        | BlockKind::Div { .. }
        | BlockKind::List { .. }
        | BlockKind::Definitions(_)
        | BlockKind::Definition(_) => return None,
    })
}

/// Number of characters in a leaf block's text, without building it.
pub fn block_text_len(block: &Block) -> usize {
    let mut n = 0;
    match &block.kind {
        BlockKind::Heading { content, .. }
        | BlockKind::Paragraph { content, .. }
        | BlockKind::Verse { content, .. }
        | BlockKind::Display { content, .. }
        | BlockKind::Term { content }
        | BlockKind::Figure {
            caption: content, ..
        } => for_each_text(content, &mut |t| n += t.chars().count()),
        _ => n = block_text(block).map_or(0, |t| t.chars().count()),
    }
    n
}
