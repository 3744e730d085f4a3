//! Print PDF: the laid-out pages + metadata → PDF bytes, via printpdf.
//! Never sees Markdown.

use crate::diag::{Diagnostic, Diagnostics};
use crate::fonts::Fonts;
use crate::layout::PagedBook;
use crate::model::Book;

/// Draws the pages.
pub fn write(book: &Book, pages: &PagedBook, fonts: &Fonts) -> Result<Vec<u8>, Diagnostics> {
    let _ = (book, pages, fonts);
    Err(Diagnostic::error("the PDF writer is not written yet").into())
}
