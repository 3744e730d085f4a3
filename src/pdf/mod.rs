//! Print PDF: the laid-out pages + metadata → PDF bytes, via printpdf.
//! Never sees Markdown and decides nothing about the design: it translates
//! layout's pages into printpdf operations (`page`), embeds the fonts as
//! subsets and the images, writes the document information and one
//! bookmark per section, and makes the bytes reproducible (`metadata`).

mod compress;
mod metadata;
mod page;
mod pdfx;
mod subset;

use std::collections::{BTreeMap, BTreeSet};

use printpdf::{FontId, PdfDocument, PdfSaveOptions, XObjectId};

use crate::diag::{Diagnostic, Diagnostics};
use crate::fonts::{Fonts, Style};
use crate::layout::PagedBook;
use crate::layout::frame::Item;
use crate::model::{Book, ImageAsset, ImageId};

/// Which document is being written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Document {
    Interior,
    Cover,
}

/// Draws the interior's pages.
pub fn write(book: &Book, pages: &PagedBook, fonts: &Fonts) -> Result<Vec<u8>, Diagnostics> {
    write_document(book, pages, fonts, Document::Interior, &book.images)
}

/// Draws the print cover; `ImageId(i)` on it is `images[i]`.
pub fn write_cover(
    book: &Book,
    pages: &PagedBook,
    fonts: &Fonts,
    images: &[ImageAsset],
) -> Result<Vec<u8>, Diagnostics> {
    write_document(book, pages, fonts, Document::Cover, images)
}

fn write_document(
    book: &Book,
    pages: &PagedBook,
    fonts: &Fonts,
    kind: Document,
    images: &[ImageAsset],
) -> Result<Vec<u8>, Diagnostics> {
    let mut doc = PdfDocument::new(&book.meta.title);
    metadata::set_info(&mut doc, book, kind);
    let pdf_x = book.print.pdf_x && kind == Document::Interior;
    if pdf_x {
        pdfx::declare(&mut doc);
    }

    // Resource ids are chosen here, in a fixed order, so the bytes never depend on
    // printpdf's process-wide id counter.
    let font_ids = embed_fonts(&mut doc, pages, fonts)?;
    // PDF/X-4 with a CMYK output intent takes no DeviceRGB: a PDF/X interior's images are grey.
    let grey = (book.print.grayscale_images || pdf_x) && kind == Document::Interior;
    let image_ids = embed_images(&mut doc, images, grey, pages)?;
    let widths = page::GlyphWidths::new(fonts);
    let last_use = page::LastUse::new(&pages.pages);

    // Pages draw independently: share them out over the cores, in order.
    let workers = crate::workers();
    let chunk = pages.pages.len().div_ceil(workers).max(1);
    let pdf_pages: Vec<printpdf::PdfPage> = std::thread::scope(|scope| {
        let handles: Vec<_> = pages
            .pages
            .chunks(chunk)
            .enumerate()
            .map(|(c, share)| {
                let (last_use, font_ids, image_ids, widths) =
                    (&last_use, &font_ids, &image_ids, &widths);
                scope.spawn(move || {
                    share
                        .iter()
                        .enumerate()
                        .map(|(i, p)| {
                            page::draw((c * chunk + i, p), last_use, font_ids, image_ids, widths)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("drawing a page does not panic"))
            .collect()
    });
    doc.with_pages(pdf_pages);
    for (i, entry) in pages.outline.iter().enumerate() {
        doc.bookmarks.map.insert(
            printpdf::PageAnnotId(format!("B{i:05}")),
            printpdf::PageAnnotation {
                name: entry.title.clone(),
                page: entry.page + 1,
            },
        );
    }
    let options = PdfSaveOptions {
        optimize: false,
        subset_fonts: true,
        secure: true,
        image_optimization: None,
    };
    let mut warnings = Vec::new();
    let mut objects = printpdf::serialize::to_lopdf_doc(&doc, &options, &mut warnings);
    compress::deflate_streams(&mut objects);
    metadata::set_file_id(&mut objects, book, kind);
    pdfx::finish(&mut objects, book, pdf_x);
    let mut bytes = Vec::new();
    objects
        .save_to(&mut bytes)
        .map_err(|e| Diagnostics::from(Diagnostic::error(format!("cannot write the PDF: {e}"))))?;
    Ok(bytes)
}

/// An embedded face: its resource id and its subset's glyph numbering.
pub(crate) struct EmbeddedFont {
    pub id: FontId,
    pub subset: subset::SubsetFace,
}

/// Adds the faces the pages use, subset to the glyphs they use, with deterministic resource names.
fn embed_fonts(
    doc: &mut PdfDocument,
    pages: &PagedBook,
    fonts: &Fonts,
) -> Result<BTreeMap<Style, EmbeddedFont>, Diagnostics> {
    let mut used: Vec<BTreeSet<u16>> = vec![BTreeSet::new(); fonts.len()];
    for page in &pages.pages {
        for item in &page.items {
            if let Item::Glyphs(run) = item {
                used[run.style.index()].extend(run.glyphs.iter().map(|g| g.id));
            }
        }
    }
    let mut embedded = BTreeMap::new();
    for (style, face) in fonts.iter() {
        if used[style.index()].is_empty() {
            continue;
        }
        let subset = subset::subset(face, &used[style.index()]).map_err(|e| {
            Diagnostics::from(
                Diagnostic::error(format!(
                    "cannot embed the font {} in the PDF: {e}",
                    face.path
                ))
                .with_hint("use another OpenType or TrueType font file"),
            )
        })?;
        let id = FontId(format!("F{}", style.index() + 1));
        doc.resources
            .fonts
            .map
            .insert(id.clone(), printpdf::PdfFont::new(subset.parsed.clone()));
        embedded.insert(style, EmbeddedFont { id, subset });
    }
    Ok(embedded)
}

/// Adds the images the pages place, decoded once each (greyscale when the book asks for it).
type ImageIds = BTreeMap<ImageId, (XObjectId, u32, u32)>;

fn embed_images(
    doc: &mut PdfDocument,
    images: &[ImageAsset],
    grayscale: bool,
    pages: &PagedBook,
) -> Result<ImageIds, Diagnostics> {
    let mut ids = BTreeMap::new();
    for page in &pages.pages {
        for item in &page.items {
            let Item::Image { image, .. } = item else {
                continue;
            };
            if ids.contains_key(image) {
                continue;
            }
            let Some(asset) = images.get(image.0 as usize) else {
                continue;
            };
            let decoded = crate::images::decode(asset).map_err(|e| {
                Diagnostics::from(Diagnostic::error(format!(
                    "cannot read image {}: {e}",
                    asset.path
                )))
            })?;
            let decoded = if grayscale {
                image::DynamicImage::ImageLuma8(decoded.to_luma8())
            } else {
                image::DynamicImage::ImageRgb8(decoded.to_rgb8())
            };
            let raw = printpdf::RawImage::from_dynamic_image(decoded).map_err(|e| {
                Diagnostics::from(Diagnostic::error(format!(
                    "cannot embed image {}: {e}",
                    asset.path
                )))
            })?;
            let id = XObjectId(format!("Im{}", image.0 + 1));
            doc.resources
                .xobjects
                .map
                .insert(id.clone(), printpdf::XObject::Image(raw));
            ids.insert(*image, (id, asset.width, asset.height));
        }
    }
    Ok(ids)
}
