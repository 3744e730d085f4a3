//! `print.urls = "footnote"`: each web link's address becomes a footnote of
//! its page in print (the EPUB keeps the link). Done on a copy of the book
//! that only layout sees: a note reference is added after the link's words
//! and the section's notes are numbered again in reading order.

use crate::model::{
    Block, BlockId, BlockKind, Book, Footnote, Inline, for_each_inline_mut, plain_text,
};

/// The book has a web link whose address print would show.
pub fn has_web_links(book: &Book) -> bool {
    book.sections.iter().any(|s| {
        crate::model::any_inline(
            &s.blocks,
            &mut |i| matches!(i, Inline::Link { url, content } if shows_address(url, content)),
        )
    })
}

/// An address worth a note: not empty, and not already the link's words.
fn shows_address(url: &str, content: &[Inline]) -> bool {
    let url = url.trim();
    let bare = url.strip_prefix("mailto:").unwrap_or(url);
    let words = plain_text(content);
    !url.is_empty() && words.trim() != url && words.trim() != bare
}

/// A copy of the book with every web link's address as a footnote.
pub fn with_url_notes(book: &Book) -> Book {
    let mut book = book.clone();
    let mut next_block = book.block_count;
    for section in &mut book.sections {
        let old = std::mem::take(&mut section.notes);
        // First, mark each link with a reference to a new note (numbered below).
        let mut addresses: Vec<String> = Vec::new();
        for_each_inline_mut(&mut section.blocks, &mut |inline| {
            if let Inline::Link { url, content } = inline
                && shows_address(url, content)
                && !content.iter().any(|i| matches!(i, Inline::NoteRef { .. }))
            {
                let bare = url.trim().strip_prefix("mailto:").unwrap_or(url.trim());
                addresses.push(bare.to_string());
                content.push(Inline::NoteRef {
                    note: (old.len() + addresses.len() - 1) as u32,
                    label: String::new(),
                });
            }
        });
        let mut all: Vec<Footnote> = old;
        for address in addresses {
            all.push(Footnote {
                label: String::new(),
                anchor: String::new(),
                blocks: vec![Block {
                    id: BlockId(next_block),
                    kind: BlockKind::Paragraph {
                        content: vec![Inline::Text(address)],
                        indent: false,
                    },
                    span: None,
                }],
            });
            next_block += 1;
        }
        // Then number every note by its first reference in the text.
        let mut order: Vec<u32> = Vec::new();
        for_each_inline_mut(&mut section.blocks, &mut |inline| {
            if let Inline::NoteRef { note, label } = inline {
                let index = match order.iter().position(|n| n == note) {
                    Some(i) => i,
                    None => {
                        order.push(*note);
                        order.len() - 1
                    }
                };
                *note = index as u32;
                *label = (index + 1).to_string();
            }
        });
        let mut notes: Vec<Footnote> = Vec::with_capacity(all.len());
        for (i, old_index) in order.iter().enumerate() {
            let mut note = all[*old_index as usize].clone();
            note.label = (i + 1).to_string();
            if note.anchor.is_empty() {
                note.anchor = format!("note-{}-url-{}", section.id, i + 1);
            }
            notes.push(note);
        }
        section.notes = notes;
    }
    book.block_count = next_block;
    book
}
