//! Print PDF: the laid-out pages + metadata → PDF bytes, via printpdf.
//! Never sees Markdown and decides nothing about the design: it translates
//! layout's pages into printpdf operations (`page`), embeds the fonts as
//! subsets and the images, writes the document information and one
//! bookmark per section, makes the bytes reproducible (`metadata`), and
//! tags every PDF for PDF/UA-1 (`tagged`: the structure tree from the
//! model, over the marked content layout's marks put in the page streams).

mod colour;
mod compress;
mod image;
mod links;
mod metadata;
mod page;
mod pdfx;
mod save;
mod subset;
mod tagged;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use printpdf::{FontId, PdfDocument, PdfSaveOptions, XObjectId};

use crate::diag::{Diagnostic, Diagnostics};
use crate::fonts::{Fonts, Style};
use crate::layout::PagedBook;
use crate::layout::frame::Item;
use crate::model::{Book, ImageAsset, ImageId, PdfX};

/// Which document is being written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Document {
    Interior,
    Cover,
}

/// Draws the interior's pages.
pub fn write(book: &Book, pages: &PagedBook, fonts: &Fonts) -> Result<Vec<u8>, Diagnostics> {
    write_reusing(book, pages, fonts, &mut PdfCache::default())
}

/// Draws the interior's pages, reusing the font subsets and page streams
/// `cache` holds from the write before and leaving this write's there.
pub fn write_reusing(
    book: &Book,
    pages: &PagedBook,
    fonts: &Fonts,
    cache: &mut PdfCache,
) -> Result<Vec<u8>, Diagnostics> {
    write_document(book, pages, fonts, Document::Interior, &book.images, cache)
}

/// Draws the print cover; `ImageId(i)` on it is `images[i]`.
pub fn write_cover(
    book: &Book,
    pages: &PagedBook,
    fonts: &Fonts,
    images: &[ImageAsset],
) -> Result<Vec<u8>, Diagnostics> {
    write_document(
        book,
        pages,
        fonts,
        Document::Cover,
        images,
        &mut PdfCache::default(),
    )
}

fn write_document(
    book: &Book,
    pages: &PagedBook,
    fonts: &Fonts,
    kind: Document,
    images: &[ImageAsset],
    cache: &mut PdfCache,
) -> Result<Vec<u8>, Diagnostics> {
    let sections = pages.sections.as_deref().unwrap_or(&book.sections);
    // The structure tree is worked out from the pages and the model on a
    // thread of its own, while the fonts and page streams are made.
    std::thread::scope(|scope| {
        let planning = scope.spawn(|| {
            let links = book.print.pdf_x.is_none();
            tagged::plan(book, sections, &pages.pages, kind, links)
        });
        let plan = || {
            planning
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        };
        write_objects(book, pages, fonts, kind, images, cache, plan)
    })
}

/// The document's objects around the page streams, the structure tree
/// `plan` gives added, written out.
fn write_objects<'a>(
    book: &'a Book,
    pages: &PagedBook,
    fonts: &Fonts,
    kind: Document,
    images: &[ImageAsset],
    cache: &mut PdfCache,
    plan: impl FnOnce() -> tagged::Plan<'a>,
) -> Result<Vec<u8>, Diagnostics> {
    let mut doc = PdfDocument::new(&book.meta.title);
    metadata::set_info(&mut doc, book, kind);
    // The cover claims the interior's standard, its colours in CMYK.
    let pdf_x = book.print.pdf_x;
    let cmyk = pdf_x.is_some() && kind == Document::Cover;
    if pdf_x.is_some() {
        pdfx::declare(&mut doc);
    }

    // Resource ids are chosen here, in a fixed order, so the bytes never depend on
    // printpdf's process-wide id counter.
    let texts = page::glyph_texts(&pages.pages);
    let (font_ids, subsets) = embed_fonts(&mut doc, &texts, fonts, cache)?;
    let image_options = image::Options {
        // PDF/X with a CMYK output intent takes no DeviceRGB: a PDF/X interior's images are grey.
        grey: (book.print.grayscale_images || pdf_x.is_some()) && kind == Document::Interior,
        cmyk,
        transparency: transparency(pdf_x),
    };
    let image_ids = embed_images(&mut doc, images, image_options, pages, cache)?;
    let widths = page::GlyphWidths::new(fonts);
    let cmyk_colours = if cmyk {
        Some(page::cmyk_colours(&pages.pages).map_err(|e| {
            Diagnostics::from(Diagnostic::error(format!(
                "cannot write the PDF/X cover: {e}"
            )))
        })?)
    } else {
        None
    };
    let resources = page::Resources {
        fonts: &font_ids,
        images: &image_ids,
        widths: &widths,
        cmyk: cmyk_colours.as_ref(),
    };
    let streams = content_streams(&pages.pages, &resources, subsets, cache);

    // printpdf writes the document around the streams: its pages carry only
    // their boxes, and the first the fonts' glyph census, from which it
    // builds each font's widths and ToUnicode map (the census stream is then
    // replaced like every other).
    let mut pdf_pages: Vec<printpdf::PdfPage> = pages
        .pages
        .iter()
        .map(|p| {
            let (media, trim) = page::boxes(p);
            // printpdf writes a Rect as [x y width height], but PDF boxes are
            // [llx lly urx ury]: give it the upper-right corner in place of the size.
            let rect = |[a, b, c, d]: page::PdfRect| {
                printpdf::Rect::from_xywh(
                    printpdf::Pt(a),
                    printpdf::Pt(b),
                    printpdf::Pt(c),
                    printpdf::Pt(d),
                )
            };
            printpdf::PdfPage {
                media_box: rect(media),
                trim_box: rect(trim),
                crop_box: rect(media),
                ops: Vec::new(),
            }
        })
        .collect();
    if let Some(first) = pdf_pages.first_mut() {
        first.ops = glyph_census(&texts, &font_ids);
    }
    // The bookmarks are written with the links, nested (`links`).
    doc.with_pages(pdf_pages);
    let options = PdfSaveOptions {
        optimize: false,
        subset_fonts: true,
        secure: true,
        image_optimization: None,
    };
    let mut warnings = Vec::new();
    let mut objects = printpdf::serialize::to_lopdf_doc(&doc, &options, &mut warnings);
    // The page streams are written from the cache's bytes into the file,
    // except into PDF/X-1a's plain file (lopdf writes that one, from its objects).
    let plain = pdf_x == Some(PdfX::X1a);
    let mut prewritten = save::Prewritten::default();
    place_streams(&mut objects, &streams, (!plain).then_some(&mut prewritten))?;
    let mut earlier = std::mem::take(&mut cache.deflated);
    compress::deflate_streams(&mut objects, &mut earlier, &mut cache.deflated);
    metadata::set_file_id(&mut objects, book, kind);
    pdfx::finish(&mut objects, book, pdf_x, kind);
    // The structure tree is written as bytes at once (not into PDF/X-1a's file).
    tagged::write(
        &mut objects,
        book,
        plan(),
        (!plain).then_some(&mut prewritten),
    );
    if kind == Document::Interior {
        let folios: Vec<String> = pages.pages.iter().map(|p| p.folio.clone()).collect();
        pdfx::page_labels(&mut objects, &folios);
    }
    let mut bytes = Vec::new();
    // The structure tree is thousands of small objects: in compressed object
    // streams (PDF 1.5) they cost a tenth. PDF/X-1a is PDF 1.3, written plain.
    let saved = if plain {
        objects.save_to(&mut bytes)
    } else {
        let packed = save::Packed {
            earlier: &earlier,
            kept: &mut cache.deflated,
        };
        save::with_object_streams(&mut objects, &prewritten, packed).map(|written| bytes = written)
    };
    // The document's objects (with PDF/X-1a, a structure tree of thousands
    // of dictionaries) are freed beside the rest of the build.
    crate::drop_elsewhere((objects, doc));
    saved
        .map_err(|e| Diagnostics::from(Diagnostic::error(format!("cannot write the PDF: {e}"))))?;
    Ok(bytes)
}

/// What a rebuild reuses from the PDF written before it: font subsets by
/// glyph set, compressed page streams by [`page::content_key`], and the
/// other streams deflated, by their bytes. Both
/// are keyed by content, so a stale entry is never used; each write keeps
/// only what it used.
#[derive(Default)]
pub struct PdfCache {
    subsets: HashMap<(usize, u64), Arc<subset::SubsetFace>>,
    streams: HashMap<u64, Arc<Vec<u8>>>,
    /// The other streams (fonts, the ToUnicode maps) and the object
    /// streams (`save`) deflated, by a hash of their bytes.
    deflated: HashMap<u64, Vec<u8>>,
    /// The images as written, by a hash of the file's bytes and how they were embedded.
    images: HashMap<(u64, image::Options), Arc<printpdf::ExternalXObject>>,
}

/// The compressed page streams and the other streams deflated, by their keys.
pub type KeptStreams = (Vec<(u64, Arc<Vec<u8>>)>, Vec<(u64, Vec<u8>)>);

impl PdfCache {
    /// Page streams the cache holds (for tests).
    pub fn cached_streams(&self) -> usize {
        self.streams.len()
    }

    /// The compressed page streams and the other streams deflated, by their
    /// keys: what the build cache on disk keeps of this cache (the subsets
    /// and images are quick to make again from the fonts and files).
    pub fn streams(&self) -> KeptStreams {
        let pages = self.streams.iter().map(|(k, v)| (*k, v.clone())).collect();
        let other = self.deflated.iter().map(|(k, v)| (*k, v.clone())).collect();
        (pages, other)
    }

    /// A cache holding the streams [`PdfCache::streams`] gave (by the same keys).
    pub fn from_streams((pages, other): KeptStreams) -> PdfCache {
        PdfCache {
            streams: pages.into_iter().collect(),
            deflated: other.into_iter().collect(),
            ..PdfCache::default()
        }
    }
}

impl std::fmt::Debug for PdfCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PdfCache")
            .field("subsets", &self.subsets.len())
            .field("streams", &self.streams.len())
            .finish()
    }
}

/// Every page's content stream, deflated: reused from `cache` when the
/// page's content key is there, else encoded and compressed on all cores.
fn content_streams(
    pages: &[crate::layout::frame::Page],
    resources: &page::Resources,
    subsets: u64,
    cache: &mut PdfCache,
) -> Vec<Arc<Vec<u8>>> {
    // Hashing every glyph of a long book: on all cores too.
    let keys: Vec<u64> = crate::on_all_cores(pages, |share| {
        share
            .iter()
            .map(|p| page::content_key(p, subsets))
            .collect::<Vec<_>>()
    })
    .into_iter()
    .flatten()
    .collect();
    // Each distinct stream once (blank pages share theirs).
    let mut seen = std::collections::HashSet::new();
    let missing: Vec<usize> = (0..pages.len())
        .filter(|&i| !cache.streams.contains_key(&keys[i]) && seen.insert(keys[i]))
        .collect();
    let made: Vec<(u64, Arc<Vec<u8>>)> = crate::on_all_cores(&missing, |share| {
        share
            .iter()
            .map(|&i| {
                let raw = page::encode(&pages[i], resources);
                (keys[i], Arc::new(compress::deflate_bytes(&raw)))
            })
            .collect::<Vec<_>>()
    })
    .into_iter()
    .flatten()
    .collect();
    let mut kept: HashMap<u64, Arc<Vec<u8>>> = HashMap::with_capacity(pages.len());
    for (key, stream) in made {
        kept.insert(key, stream);
    }
    let streams = keys
        .iter()
        .map(|key| {
            let stream = kept
                .get(key)
                .or_else(|| cache.streams.get(key))
                .expect("every page's stream was made or cached")
                .clone();
            kept.insert(*key, stream.clone());
            stream
        })
        .collect();
    cache.streams = kept;
    streams
}

/// One text object per face showing each glyph the pages use once, with its text.
fn glyph_census(
    texts: &BTreeMap<Style, BTreeMap<u16, Option<String>>>,
    fonts: &BTreeMap<Style, EmbeddedFont>,
) -> Vec<printpdf::Op> {
    use printpdf::{Codepoint, Op, PdfFontHandle, TextItem};
    let mut ops = Vec::new();
    for (style, glyphs) in texts {
        let Some(font) = fonts.get(style) else {
            continue;
        };
        ops.push(Op::StartTextSection);
        ops.push(Op::SetFont {
            font: PdfFontHandle::External(font.id.clone()),
            size: printpdf::Pt(10.0),
        });
        let census = glyphs
            .iter()
            .map(|(&id, text)| Codepoint {
                gid: font.subset.glyph(id),
                offset: 0.0,
                cid: text.clone(),
            })
            .collect();
        ops.push(Op::ShowText {
            items: vec![TextItem::GlyphIds(census)],
        });
        ops.push(Op::EndTextSection);
    }
    ops
}

/// Puts each page's deflated stream in place of the one printpdf wrote;
/// with `prewritten`, there its content, and the document's stream only its
/// dictionary.
fn place_streams(
    objects: &mut lopdf::Document,
    streams: &[Arc<Vec<u8>>],
    prewritten: Option<&mut save::Prewritten>,
) -> Result<(), Diagnostics> {
    let fail = || {
        Diagnostics::from(Diagnostic::error(
            "cannot write the PDF: a page lost its content stream",
        ))
    };
    let pages = objects.get_pages();
    if pages.len() != streams.len() {
        return Err(fail());
    }
    let mut placed: Vec<(lopdf::ObjectId, &Arc<Vec<u8>>)> = Vec::with_capacity(streams.len());
    for ((_, page_id), stream) in pages.into_iter().zip(streams) {
        let contents = objects
            .get_dictionary(page_id)
            .and_then(|page| page.get(b"Contents"))
            .and_then(lopdf::Object::as_reference)
            .map_err(|_| fail())?;
        let mut dict = lopdf::Dictionary::new();
        dict.set("Filter", "FlateDecode");
        let mut content = match prewritten {
            Some(_) => {
                placed.push((contents, stream));
                let mut empty = lopdf::Stream::new(dict, Vec::new());
                empty.dict.set("Length", stream.len() as i64);
                empty
            }
            None => lopdf::Stream::new(dict, stream.to_vec()),
        };
        content.allows_compression = false;
        objects
            .objects
            .insert(contents, lopdf::Object::Stream(content));
    }
    if let Some(prewritten) = prewritten {
        placed.sort_unstable_by_key(|(id, _)| *id);
        for (id, stream) in placed {
            prewritten.content(id, stream.clone());
        }
    }
    Ok(())
}

/// An embedded face: its resource id and its subset's glyph numbering.
pub(crate) struct EmbeddedFont {
    pub id: FontId,
    pub subset: Arc<subset::SubsetFace>,
}

/// Adds the faces the pages use, subset to the glyphs they use, with
/// deterministic resource names; and a hash of the glyph sets (the subsets'
/// numbering, which the page streams depend on).
fn embed_fonts(
    doc: &mut PdfDocument,
    texts: &BTreeMap<Style, BTreeMap<u16, Option<String>>>,
    fonts: &Fonts,
    cache: &mut PdfCache,
) -> Result<(BTreeMap<Style, EmbeddedFont>, u64), Diagnostics> {
    use std::hash::{Hash, Hasher};
    let mut embedded = BTreeMap::new();
    let mut all_sets = rustc_hash::FxHasher::default();
    let mut kept = HashMap::new();
    for (style, face) in fonts.iter() {
        let Some(glyphs) = texts.get(&style).filter(|g| !g.is_empty()) else {
            continue;
        };
        let used: BTreeSet<u16> = glyphs.keys().copied().collect();
        let mut set_hash = rustc_hash::FxHasher::default();
        face.bytes.len().hash(&mut set_hash);
        face.postscript_name.hash(&mut set_hash);
        used.hash(&mut set_hash);
        let key = (style.index(), set_hash.finish());
        key.hash(&mut all_sets);
        let subset = match cache.subsets.get(&key) {
            Some(subset) => subset.clone(),
            None => Arc::new(subset::subset(face, &used).map_err(|e| {
                Diagnostics::from(
                    Diagnostic::error(format!(
                        "cannot embed the font {} in the PDF: {e}",
                        face.path
                    ))
                    .with_hint("use another OpenType or TrueType font file"),
                )
            })?),
        };
        kept.insert(key, subset.clone());
        let id = FontId(format!("F{}", style.index() + 1));
        doc.resources
            .fonts
            .map
            .insert(id.clone(), printpdf::PdfFont::new(subset.parsed.clone()));
        embedded.insert(style, EmbeddedFont { id, subset });
    }
    cache.subsets = kept;
    Ok((embedded, all_sets.finish()))
}

/// What becomes of transparent pixels in a document. PDF/X-4 allows live
/// transparency, so its images keep their alpha as a soft mask. A plain PDF
/// (KDP's upload, which asks for transparency flattened) and the print cover
/// get their images composited on the paper's white: on a page, where nothing
/// lies under a figure, that looks the same. A standard that forbids
/// transparency (PDF/X-1a) takes the same `Flatten`.
fn transparency(pdf_x: Option<PdfX>) -> image::Transparency {
    match pdf_x {
        Some(PdfX::X4) => image::Transparency::SoftMask,
        Some(PdfX::X1a) | None => image::Transparency::Flatten,
    }
}

/// The resource name and pixel size of each image the pages place.
type ImageIds = BTreeMap<ImageId, (String, u32, u32)>;

/// Adds the images the pages place, each once (greyscale when the book asks
/// for it), reusing the ones the write before prepared from the same bytes.
fn embed_images(
    doc: &mut PdfDocument,
    images: &[ImageAsset],
    options: image::Options,
    pages: &PagedBook,
    cache: &mut PdfCache,
) -> Result<ImageIds, Diagnostics> {
    use std::hash::BuildHasher;
    let mut kept = HashMap::new();
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
            let key = (
                rustc_hash::FxBuildHasher.hash_one(&asset.bytes[..]),
                options,
            );
            let xobject = match kept
                .get(&key)
                .cloned()
                .or_else(|| cache.images.remove(&key))
            {
                Some(xobject) => xobject,
                None => Arc::new(image::xobject(asset, options).map_err(|e| {
                    Diagnostics::from(
                        Diagnostic::error(format!("cannot embed image {}: {e}", asset.path))
                            .with_hint("open and re-save the image in an image editor, or replace the file"),
                    )
                })?),
            };
            let id = format!("Im{}", image.0 + 1);
            doc.resources.xobjects.map.insert(
                XObjectId(id.clone()),
                printpdf::XObject::External((*xobject).clone()),
            );
            kept.insert(key, xobject);
            ids.insert(*image, (id, asset.width, asset.height));
        }
    }
    cache.images = kept;
    Ok(ids)
}

/// A key for what `page` shows: equal keys, equal pages (the preview
/// re-sends only the pages whose key changed).
pub fn page_key(page: &crate::layout::frame::Page) -> u64 {
    page::content_key(page, 0)
}
