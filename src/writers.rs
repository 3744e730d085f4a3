//! The writers of one build: the EPUB, the PDF interior and the print
//! cover written side by side once the layout is known, gathered as output
//! files, and each store's edition made from them; the keys the covers are
//! kept under.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::diag::{Diagnostics, Sink};
use crate::model::Book;
use crate::{
    Options, OutputFile, Timings, content_hash, cover, epub, epub_faces, fonts, layout, model, pdf,
    stores,
};

/// The typographic ebook cover's key: the metadata it shows, the art and
/// the fonts and settings (in `layout_key`).
pub(crate) fn ebook_cover_key(book: &Book, layout_key: u64) -> u64 {
    let meta = format!(
        "{:?}|{:?}|{:?}",
        book.meta.title, book.meta.subtitle, book.meta.authors
    );
    let art = book.cover_art.as_ref().map_or(&[][..], |a| &a.bytes[..]);
    content_hash(&[meta.as_bytes(), art, &layout_key.to_le_bytes()])
}

/// The print cover shows the metadata, the art and the spine, whose width
/// follows the page count; its document information is the metadata too.
pub(crate) fn print_cover_key(book: &Book, pages: usize, fonts_key: u64) -> u64 {
    let art = book.cover_art.as_ref().map_or(&[][..], |a| &a.bytes[..]);
    let shown = format!("{:?}|{:?}|{}", book.meta, book.print, pages);
    content_hash(&[shown.as_bytes(), art, &fonts_key.to_le_bytes()])
}

/// What the writers read: the book, its fonts and layout, the ebook cover,
/// and the print cover of an earlier build when it still holds.
pub(crate) struct Sources<'a> {
    pub(crate) book: &'a Book,
    pub(crate) fonts: &'a fonts::Fonts,
    pub(crate) laid_out: &'a layout::LaidOut,
    pub(crate) cover_jpeg: &'a [u8],
    pub(crate) cached_print_cover: &'a Option<Arc<Vec<u8>>>,
    /// Keep the print cover's sheet for `quire check` (made again, not read back).
    pub(crate) keep_sheet: bool,
    pub(crate) options: &'a Options,
}

/// An edition written, with the time it took.
pub(crate) type Written<T> = Option<(Result<T, Diagnostics>, Duration)>;

/// The EPUB, the PDF interior and the print cover (its bytes, and its sheet
/// when kept for `quire check`), each when asked for.
pub(crate) type Editions = (
    Written<Vec<u8>>,
    Written<Vec<u8>>,
    Written<(Vec<u8>, Option<cover::PrintCover>)>,
);

/// The written editions as output files (the ebook cover beside the EPUB),
/// their times in `timings`; the print cover's bytes (when
/// `keep_print_cover`, for the next build) and sheet.
pub(crate) fn edition_files(
    (epub, pdf, print_cover): Editions,
    stem: &str,
    cover_jpeg: &[u8],
    keep_print_cover: bool,
    files: &mut Vec<OutputFile>,
    timings: &mut Timings,
) -> Result<(Option<Vec<u8>>, Option<cover::PrintCover>), Diagnostics> {
    if let Some((bytes, elapsed)) = epub {
        timings.epub = elapsed;
        files.push(OutputFile {
            name: format!("{stem}.epub"),
            bytes: bytes?,
        });
        files.push(OutputFile {
            name: format!("{stem}-cover.jpg"),
            bytes: cover_jpeg.to_vec(),
        });
    }
    if let Some((bytes, elapsed)) = pdf {
        timings.pdf = elapsed;
        files.push(OutputFile {
            name: format!("{stem}.pdf"),
            bytes: bytes?,
        });
    }
    let Some((made, elapsed)) = print_cover else {
        return Ok((None, None));
    };
    timings.print_cover = elapsed;
    let (bytes, sheet) = made?;
    let kept = keep_print_cover.then(|| bytes.clone());
    files.push(OutputFile {
        name: format!("{stem}-cover.pdf"),
        bytes,
    });
    Ok((kept, sheet))
}

/// Each store's edition, made from the files written, added to `files`;
/// their warnings to `sink`.
pub(crate) fn store_files(
    book: &Book,
    stem: &str,
    cover_jpeg: &[u8],
    stores_asked: &[model::Store],
    files: &mut Vec<OutputFile>,
    sink: &mut Sink,
) -> Result<(), Diagnostics> {
    let find = |suffix: &str| {
        files
            .iter()
            .find(|f| f.name == format!("{stem}{suffix}"))
            .map(|f| &f.bytes[..])
    };
    let sources = stores::Sources {
        book,
        stem,
        epub: find(".epub").unwrap_or_default(),
        cover_jpeg,
        pdf: find(".pdf"),
    };
    let mut editions = stores::editions(stores_asked, &sources, sink)?;
    files.append(&mut editions);
    Ok(())
}

/// The EPUB, the PDF interior and the print cover (with its sheet when
/// kept), written side by side.
pub(crate) fn write_editions(
    sources: &Sources<'_>,
    pdf_cache: &mut pdf::PdfCache,
    epub_cache: &mut epub::EpubCache,
) -> Editions {
    let Sources {
        book,
        fonts,
        laid_out,
        cover_jpeg,
        cached_print_cover,
        keep_sheet,
        options,
    } = *sources;
    std::thread::scope(|scope| {
        let epub = options.formats.epub.then(|| {
            scope.spawn(|| {
                let t = Instant::now();
                let faces = epub_faces(book, fonts);
                let bytes =
                    epub::write_reusing(book, &laid_out.page_map, cover_jpeg, &faces, epub_cache);
                (bytes, t.elapsed())
            })
        });
        let print_cover = options.formats.pdf.then(|| {
            scope.spawn(move || {
                if let Some(bytes) = cached_print_cover
                    && !keep_sheet
                {
                    return (Ok((bytes.to_vec(), None)), Duration::ZERO);
                }
                let t = Instant::now();
                let made =
                    cover::print_cover(book, fonts, laid_out.pages.pages.len()).and_then(|c| {
                        let bytes = pdf::write_cover(book, &c.pages, fonts, &c.images)?;
                        Ok((bytes, keep_sheet.then_some(c)))
                    });
                (made, t.elapsed())
            })
        });
        let pdf = options.formats.pdf.then(|| {
            let t = Instant::now();
            let bytes = pdf::write_reusing(book, &laid_out.pages, fonts, pdf_cache);
            (bytes, t.elapsed())
        });
        (
            epub.map(|h| h.join().expect("the EPUB writer does not panic")),
            pdf,
            print_cover.map(|h| h.join().expect("the print cover does not panic")),
        )
    })
}
