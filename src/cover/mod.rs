//! Covers: the ebook cover image (cover art fitted to 1600 × 2560, or a
//! typographic cover composed from the metadata in the book's fonts).

use crate::diag::{Diagnostic, Diagnostics};
use crate::fonts::Fonts;
use crate::model::Book;

/// The ebook cover as a JPEG.
pub fn ebook_cover(book: &Book, fonts: &Fonts) -> Result<Vec<u8>, Diagnostics> {
    let _ = (book, fonts);
    Err(Diagnostic::error("the cover is not written yet").into())
}
