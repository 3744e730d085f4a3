//! Covers: the ebook cover image (cover art fitted to 1600 × 2560, or a
//! typographic cover composed from the metadata in the book's fonts).
//!
//! [`ebook_cover`] makes the JPEG; [`cover_warnings`] says what the pipeline
//! should tell the author about their art (wrong shape, too small). The
//! pieces are meant to be shared with the print wrap cover: [`text`] shapes
//! and draws a line of type, [`wrap`] breaks text into even lines, [`paint`]
//! fills rules and frames and encodes JPEG.

mod ebook;
mod fit;
mod paint;
pub mod print;
mod text;
mod wrap;

use crate::diag::{Diagnostic, Diagnostics, Location, Sink};
use crate::fonts::Fonts;
use crate::model::Book;

pub use print::{PrintCover, print_cover, spine_width};

/// Size of the ebook cover in pixels: KDP's ideal, height ÷ width = 1.6.
pub const EBOOK_WIDTH: u32 = 1600;
pub const EBOOK_HEIGHT: u32 = 2560;

/// The ebook cover as a baseline JPEG of exactly 1600 × 2560 pixels: the
/// cover art fitted without distortion when the book has some, else a
/// typographic cover set in the book's fonts. The same book gives the same
/// bytes every time.
///
/// Fails when the art cannot be decoded or the fonts have no glyph for a
/// character of the title, subtitle or author's name.
pub fn ebook_cover(book: &Book, fonts: &Fonts) -> Result<Vec<u8>, Diagnostics> {
    match &book.cover_art {
        Some(art) => Ok(fit::fit_art(art)?),
        None => {
            let canvas = ebook::typographic_cover(&book.meta, fonts, &book.settings_at)?;
            Ok(paint::encode_jpeg(&canvas)?)
        }
    }
}

/// Warns `sink` about the cover art: art that is not 1.6:1 (letterboxed),
/// smaller than the cover (upscaled) or below KDP's minimum. Nothing for a
/// typographic cover or art that fits.
pub fn cover_warnings(book: &Book, sink: &mut Sink) {
    let Some(art) = &book.cover_art else {
        return;
    };
    let (width, height) = fit::seen_size(art);
    let plan = fit::Plan::for_size(width, height);
    if let fit::Plan::Letterbox { .. } = plan {
        let ratio = f64::from(height) / f64::from(width.max(1));
        sink.push(
            Diagnostic::warning(format!(
                "cover art {} is {width} × {height} px, not 1.6:1 (height ÷ width is {ratio:.2}); \
                 it is letterboxed on a plain background",
                art.path
            ))
            .with_hint(format!(
                "crop or extend the art to {EBOOK_WIDTH} × {EBOOK_HEIGHT} px to fill the cover"
            )),
        );
    }
    let (min_width, min_height) = fit::KDP_MINIMUM;
    if width < min_width || height < min_height {
        sink.push(
            Diagnostic::warning(format!(
                "cover art {} is {width} × {height} px, below KDP's minimum of \
                 {min_width} × {min_height}",
                art.path
            ))
            .with_hint(format!(
                "supply the art at {EBOOK_WIDTH} × {EBOOK_HEIGHT} px or larger"
            )),
        );
    } else if plan.upscales(width) {
        sink.push(
            Diagnostic::warning(format!(
                "cover art {} is {width} × {height} px, smaller than \
                 {EBOOK_WIDTH} × {EBOOK_HEIGHT}; it is upscaled and may look soft",
                art.path
            ))
            .with_hint(format!(
                "supply the art at {EBOOK_WIDTH} × {EBOOK_HEIGHT} px or larger \
                 (Apple Books asks for at least 1400 px on the shorter side)"
            )),
        );
    }
}

/// Where book.toml sets the cover text that holds `c` (see
/// [`Book::setting_holding`]); the file's start when no written key holds it.
pub(crate) fn setting_with(book: &Book, c: char) -> Location {
    book.setting_holding(c).unwrap_or_else(|| Location {
        file: crate::project::CONFIG_FILE.to_string(),
        line: 1,
        column: 1,
    })
}

/// The bundled book and its fonts, for the unit tests of this module.
#[cfg(test)]
pub(crate) fn bundled() -> (Book, Fonts) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let project = crate::project::Project::load(root).unwrap();
    let (book, _) = crate::load_book(&project, &crate::Options::default()).unwrap();
    let fonts = Fonts::load(&project, &book.fonts).unwrap();
    (book, fonts)
}

#[cfg(test)]
pub(crate) fn bundled_fonts() -> Fonts {
    bundled().1
}
