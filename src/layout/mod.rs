//! Print layout: Book + fonts → pages of positioned glyph runs, rules and
//! images, plus the page map (where each page starts in the model) and a
//! typographic report. printpdf only draws what this decides.

pub mod frame;

pub use frame::{PagedBook, Report};

use crate::diag::{Diagnostic, Diagnostics};
use crate::fonts::Fonts;
use crate::model::{Book, PageMap};

/// Everything layout hands back.
#[derive(Debug, Clone)]
pub struct LaidOut {
    pub pages: PagedBook,
    pub page_map: PageMap,
    pub report: Report,
    pub warnings: Vec<Diagnostic>,
}

/// Sets the book in pages.
pub fn layout(book: &Book, fonts: &Fonts) -> Result<LaidOut, Diagnostics> {
    let _ = (book, fonts);
    Err(Diagnostic::error("print layout is not written yet").into())
}
