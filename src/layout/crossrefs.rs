//! Page numbers for cross-references in print. A reference with empty words
//! (`[](ch.md#id)`) prints its target's page; one with words is followed by
//! "(page N)" when `print.page-references` asks. The numbers come from a
//! setting of the book, so layout sets it again with them filled in (see
//! `layout_reusing`); the EPUB never sees them.

use crate::model::{BlockId, Book, Inline, PageMap, any_inline};

/// The book has a cross-reference whose print form needs a page number.
pub fn wants_pages(book: &Book) -> bool {
    let with_words = book.print.page_references;
    let mut wants = |inline: &Inline| matches!(inline, Inline::CrossRef { content, .. } if with_words || content.is_empty());
    book.sections.iter().any(|s| {
        any_inline(&s.blocks, &mut wants)
            || s.notes.iter().any(|n| any_inline(&n.blocks, &mut wants))
    })
}

/// Sets every cross-reference's printed page text from `page_of(target)`;
/// returns whether any text changed.
pub fn fill(book: &mut Book, page_of: impl Fn(BlockId) -> String) -> bool {
    let word = page_word(&book.meta.language);
    let with_words = book.print.page_references;
    let mut changed = false;
    let mut sections = std::mem::take(&mut book.sections);
    for section in &mut sections {
        crate::model::for_each_section_inline_mut(section, &mut |inline| {
            let Inline::CrossRef {
                target,
                content,
                page,
            } = inline
            else {
                return;
            };
            let number = page_of(target.block);
            let text = if content.is_empty() {
                Some(number)
            } else if with_words {
                Some(format!(" ({word}\u{a0}{number})"))
            } else {
                None
            };
            if *page != text {
                *page = text;
                changed = true;
            }
        });
    }
    book.sections = sections;
    changed
}

/// Each block's page, from where the pages start.
pub struct Folios {
    /// (first block on the page, folio), in page order, text pages only.
    starts: Vec<(BlockId, String)>,
}

pub fn folios(map: &PageMap) -> Folios {
    Folios {
        starts: map
            .pages
            .iter()
            .filter(|p| !p.blank)
            .map(|p| (p.at.block, p.label.clone()))
            .collect(),
    }
}

impl Folios {
    /// The folio of the page a block starts on.
    pub fn page_of(&self, block: BlockId) -> String {
        let after = self.starts.partition_point(|(first, _)| *first <= block);
        self.starts
            .get(after.saturating_sub(1))
            .map(|(_, label)| label.clone())
            .unwrap_or_default()
    }
}

/// "page" in the book's language (the languages quire hyphenates; English otherwise).
fn page_word(language: &str) -> &'static str {
    match language.split('-').next().unwrap_or_default() {
        "de" => "Seite",
        "fr" => "page",
        "es" | "pt" => "página",
        "it" | "nl" => "pagina",
        "sv" | "da" | "no" | "nb" | "nn" => "sida",
        "pl" => "strona",
        "cs" => "strana",
        "ru" | "uk" => "с.",
        _ => "page",
    }
}
