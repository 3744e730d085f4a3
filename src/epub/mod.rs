//! EPUB 3: the model (plus the page map) → EPUB bytes. Never sees fonts or
//! pages.
//!
//! The stages: `plan` names the files and every id and places the print
//! pages' markers; `media` picks the images (downscaling only huge ones);
//! `xhtml` writes one document per section (its text with the markers of
//! `pagebreaks`); epub-builder assembles the container, manifest, spine,
//! `toc` nav and NCX in memory; `package` re-packs that once,
//! deterministically, with the metadata of `opf` and the landmarks and
//! page-list of `nav`. The stylesheet is in `css`; `escape` keeps
//! everything from the manuscript well-formed.

mod css;
mod escape;
pub mod fonts;
mod media;
mod nav;
mod opf;
mod package;
mod pagebreaks;
mod plan;
pub mod preview;
mod sfnt;
mod xhtml;

use epub_builder::{EpubBuilder, EpubContent, EpubVersion, ReferenceType, TocElement, ZipLibrary};

pub use package::{DISPLAY_OPTIONS, display_options};
pub use preview::{PreviewEbook, preview};

use crate::diag::{Diagnostic, Diagnostics};
use crate::model::{Book, PageMap, SectionKind, plain_text};

/// Where the cover image goes inside the content folder.
const COVER_HREF: &str = "cover.jpg";

/// A face to embed in the EPUB (`epub.embed-fonts`), as the CSS names it.
#[derive(Debug, Clone)]
pub struct EmbedFace<'a> {
    /// The CSS family: the face's own family name.
    pub family: String,
    pub italic: bool,
    pub bold: bool,
    pub role: FaceRole,
    /// The file name inside the package's `fonts/` folder.
    pub file_name: String,
    pub bytes: &'a [u8],
}

/// What an embedded face sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaceRole {
    Text,
    Code,
    /// Characters the text face lacks.
    Fallback,
}

/// Writes the EPUB. `cover_jpeg` is the cover image (1600 × 2560).
pub fn write(book: &Book, page_map: &PageMap, cover_jpeg: &[u8]) -> Result<Vec<u8>, Diagnostics> {
    write_with_workers(
        book,
        page_map,
        cover_jpeg,
        &[],
        worker_count(),
        &mut EpubCache::default(),
    )
}

/// A deflated document by archive path and text hash (see [`EpubCache::documents`]).
pub type DeflatedEntry = ((String, u64), std::sync::Arc<Vec<u8>>);

/// What a rebuild reuses from the EPUB written before it: each content
/// document deflated, by its archive path and a hash of its text. Keyed by
/// content, so a stale entry is never used; each write keeps only what it used.
#[derive(Debug, Default)]
pub struct EpubCache {
    documents: std::collections::HashMap<(String, u64), std::sync::Arc<Vec<u8>>>,
}

impl EpubCache {
    /// The deflated documents by archive path and text hash: what the build
    /// cache on disk keeps of this cache.
    pub fn documents(&self) -> Vec<DeflatedEntry> {
        self.documents
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    /// A cache holding the documents [`EpubCache::documents`] gave.
    pub fn from_documents(documents: Vec<DeflatedEntry>) -> EpubCache {
        EpubCache {
            documents: documents.into_iter().collect(),
        }
    }

    /// Deflated documents the cache holds, epub-builder's archive among them (for tests).
    pub fn len(&self) -> usize {
        self.documents.len()
    }

    pub fn is_empty(&self) -> bool {
        self.documents.is_empty()
    }

    /// The document deflated (a one-entry archive), from the cache when its
    /// text is there, with its key.
    fn deflated(&self, path: String, text: &str) -> Result<DeflatedDocument, String> {
        let key = (path, text_hash(text));
        let bytes = match self.documents.get(&key) {
            Some(bytes) => bytes.clone(),
            None => std::sync::Arc::new(package::deflate_document(&key.0, text)?),
        };
        Ok((key, bytes))
    }
}

/// A document's cache key (archive path, text hash) and its deflated archive.
type DeflatedDocument = ((String, u64), std::sync::Arc<Vec<u8>>);

fn text_hash(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = rustc_hash::FxHasher::default();
    text.hash(&mut hasher);
    hasher.finish()
}

/// [`write`], embedding `faces` (each subset to the characters the book uses; obfuscated when `epub.embed-fonts = "obfuscated"`).
pub fn write_embedding(
    book: &Book,
    page_map: &PageMap,
    cover_jpeg: &[u8],
    faces: &[EmbedFace<'_>],
) -> Result<Vec<u8>, Diagnostics> {
    write_reusing(book, page_map, cover_jpeg, faces, &mut EpubCache::default())
}

/// [`write_embedding`], re-deflating only the documents whose text is not in
/// `cache`, and leaving this write's documents there for the next.
pub fn write_reusing(
    book: &Book,
    page_map: &PageMap,
    cover_jpeg: &[u8],
    faces: &[EmbedFace<'_>],
    cache: &mut EpubCache,
) -> Result<Vec<u8>, Diagnostics> {
    write_with_workers(book, page_map, cover_jpeg, faces, worker_count(), cache)
}

/// [`write`] with the documents spread over `workers` threads.
fn write_with_workers(
    book: &Book,
    page_map: &PageMap,
    cover_jpeg: &[u8],
    faces: &[EmbedFace<'_>],
    workers: usize,
    cache: &mut EpubCache,
) -> Result<Vec<u8>, Diagnostics> {
    if book.sections.is_empty() {
        return Err(Diagnostic::error("the book has no text to put in the EPUB")
            .with_hint("add a chapter: a Markdown file in manuscript/")
            .into());
    }
    if !cover_jpeg.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Err(Diagnostic::error("the ebook cover is not a JPEG image")
            .with_hint("this is a bug in quire: please report it")
            .into());
    }
    let plan = plan::plan(book, page_map);
    let media = media::collect(book)?;
    let toc = toc_entries(book, &plan);

    // Writing and deflating the documents is most of the work: spread it over
    // the cores while epub-builder assembles the rest. The result does not
    // depend on how the work was split.
    let chunks = split_sections(book, workers.max(1));
    let embedding = !faces.is_empty();
    // With fonts to embed, each worker also collects the characters its documents use.
    let cached = &*cache;
    // Each document deflated on its own (a one-entry archive), so that a
    // rebuild re-deflates only the documents whose text changed.
    let write_chunk = |range: std::ops::Range<usize>| {
        let mut chars = std::collections::BTreeSet::new();
        let mut documents = Vec::with_capacity(range.len());
        for index in range {
            let text = xhtml::section_document(book, &plan, &media.hrefs, index);
            if embedding {
                chars.extend(text.chars());
            }
            documents.push(cached.deflated(format!("OEBPS/{}", plan.files[index]), &text)?);
        }
        Ok::<_, String>((documents, chars))
    };
    let (assembled, generated, written) = std::thread::scope(|scope| {
        let workers: Vec<_> = chunks[1..]
            .iter()
            .map(|range| scope.spawn(|| write_chunk(range.clone())))
            .collect();
        // epub-builder's archive, or the last build's when it was given the same.
        let assembly = Assembly::new(book, &plan, &media, &toc, faces);
        let assembled = assembly.key();
        let generated = match cached.documents.get(&assembled) {
            Some(archive) => Ok(archive.clone()),
            None => assemble(&assembly).map(std::sync::Arc::new),
        };
        let mut written = vec![write_chunk(chunks[0].clone())];
        if let (Some(file), Some(notes)) = (
            &plan.notes_file,
            xhtml::notes_document(book, &plan, &media.hrefs),
        ) {
            let chars = notes.chars().collect();
            written.push(
                cached
                    .deflated(format!("OEBPS/{file}"), &notes)
                    .map(|d| (vec![d], chars)),
            );
        }
        for worker in workers {
            written.push(
                worker
                    .join()
                    .unwrap_or_else(|_| Err("a worker writing documents stopped".into())),
            );
        }
        (assembled, generated, written)
    });
    let generated = generated.map_err(internal)?;
    let (documents, char_sets): (Vec<_>, Vec<_>) = written
        .into_iter()
        .collect::<Result<Vec<_>, _>>()
        .map_err(internal)?
        .into_iter()
        .unzip();
    let documents: Vec<_> = documents.into_iter().flatten().collect();
    let deflated = documents
        .iter()
        .map(|(_, bytes)| package::Deflated::new(std::io::Cursor::new(bytes.to_vec())))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| internal(format!("deflating: {e}")))?;
    cache.documents = documents.into_iter().collect();
    cache.documents.insert(assembled, generated.clone());
    let embedded = embed_faces(book, faces, char_sets)?;

    let facts = opf::Facts {
        chapters: book.chapters().count(),
        toc_entries: toc.iter().filter(|t| t.is_some()).count(),
        page_list: !plan.pages.is_empty(),
        figures: media.figures,
        figures_with_alt: media.figures_with_alt,
    };
    let mut stored = vec![(format!("OEBPS/{COVER_HREF}"), cover_jpeg)];
    stored.extend(
        media
            .files
            .iter()
            .map(|f| (format!("OEBPS/{}", f.href), &f.bytes[..])),
    );
    // The stylesheet with the embedded faces, now that their characters are known.
    let stylesheet = (!faces.is_empty()).then(|| {
        let mut css = css::stylesheet(&book.style);
        css.push_str(&css::font_faces(faces, font_href, &embedded.supplied));
        css
    });
    let patches = package::Patches {
        package_start: opf::package_start(&book.meta),
        metadata: opf::metadata(&book.meta, &facts),
        language: opf::language_tag(&book.meta.language).to_string(),
        landmarks: nav::landmarks(book, &plan),
        page_list: nav::page_list(&plan),
        stored,
        meta_inf: embedded.meta_inf,
        fonts: embedded
            .files
            .iter()
            .map(|(path, bytes)| (path.clone(), &bytes[..]))
            .collect(),
        stylesheet,
        modified_epoch: book.meta.modified_epoch,
        title: opf::title(&book.meta).to_string(),
        identifier: opf::identifier(&book.meta),
    };
    package::repack(&generated, &patches, deflated).map_err(internal)
}

/// The embedded fonts, ready for the package.
#[derive(Default)]
struct Embedded {
    /// Archive path and bytes of each font (obfuscated when asked).
    files: Vec<(String, Vec<u8>)>,
    /// Per face, in the order of the faces, the characters it supplies.
    supplied: Vec<std::collections::BTreeSet<char>>,
    /// `META-INF/` files: `encryption.xml` (obfuscated fonts) and Apple's display options.
    meta_inf: Vec<(String, String)>,
}

/// Where embedded fonts go in the package.
fn font_href(face: &EmbedFace<'_>) -> String {
    format!("fonts/{}", face.file_name)
}

/// Subsets each face to `chars` (a fallback face only to the ones the text
/// face lacks) and, for `epub.embed-fonts = "obfuscated"`, obfuscates it
/// with the package's identifier (OCF 3.3 § 4.3).
fn embed_faces(
    book: &Book,
    faces: &[EmbedFace<'_>],
    char_sets: Vec<std::collections::BTreeSet<char>>,
) -> Result<Embedded, Diagnostics> {
    if faces.is_empty() {
        return Ok(Embedded::default());
    }
    let mut chars: std::collections::BTreeSet<char> = char_sets.into_iter().flatten().collect();
    // Markup is ASCII; the reader may show any of it (and the contents' titles).
    chars.extend((' '..='~').chain(book.meta.title.chars()));
    chars.retain(|c| !c.is_control());
    let obfuscate = book.ebook.embed_fonts == crate::model::FontEmbedding::Obfuscated;
    let key = fonts::obfuscation_key(&opf::identifier(&book.meta));
    let text_face = faces.iter().find(|f| f.role == FaceRole::Text);
    let mut embedded = Embedded::default();
    let mut paths = Vec::new();
    for face in faces {
        let wanted = supplied_chars(face, text_face, &chars);
        // A fallback with nothing to set still needs a file: its @font-face is written.
        let subset_chars = if wanted.is_empty() {
            std::iter::once(' ').collect()
        } else {
            wanted.clone()
        };
        // A fallback that sets no letters (arrows, symbols) needs no kerning tables.
        let letters = face.role != FaceRole::Fallback || wanted.iter().any(|c| c.is_alphabetic());
        let subset = if letters {
            fonts::subset_for_text(face.bytes, &subset_chars)
        } else {
            fonts::subset_without_layout(face.bytes, &subset_chars)
        };
        let subset = subset.map_err(|e| {
            Diagnostic::error(format!(
                "cannot embed the font {} in the EPUB: {e}",
                face.file_name
            ))
            .with_hint("use a TrueType or OpenType font, or set epub.embed-fonts = false")
        })?;
        let path = format!("OEBPS/{}", font_href(face));
        let bytes = if obfuscate {
            fonts::obfuscate(&subset, &key)
        } else {
            subset
        };
        embedded.files.push((path.clone(), bytes));
        embedded.supplied.push(wanted);
        paths.push(path);
    }
    if obfuscate {
        embedded.meta_inf.push((
            "META-INF/encryption.xml".into(),
            fonts::encryption_xml(&paths),
        ));
    }
    embedded
        .meta_inf
        .push((DISPLAY_OPTIONS.into(), package::display_options(true)));
    Ok(embedded)
}

/// The characters of `chars` that `face` supplies: all of them for the text
/// and code faces, and for a fallback those it has and the text face lacks.
pub(crate) fn supplied_chars(
    face: &EmbedFace<'_>,
    text_face: Option<&EmbedFace<'_>>,
    chars: &std::collections::BTreeSet<char>,
) -> std::collections::BTreeSet<char> {
    match face.role {
        FaceRole::Text | FaceRole::Code => chars.clone(),
        FaceRole::Fallback => {
            let covered = text_face.and_then(|t| ttf_parser::Face::parse(t.bytes, 0).ok());
            let own = ttf_parser::Face::parse(face.bytes, 0).ok();
            chars
                .iter()
                .copied()
                .filter(|&c| !c.is_ascii())
                .filter(|&c| covered.as_ref().is_none_or(|f| f.glyph_index(c).is_none()))
                .filter(|&c| own.as_ref().is_some_and(|f| f.glyph_index(c).is_some()))
                .collect()
        }
    }
}

/// Threads to write documents on: the cores available, at most four.
fn worker_count() -> usize {
    crate::workers().min(4)
}

/// Splits the sections into at most `parts` runs of about equal size.
fn split_sections(book: &Book, parts: usize) -> Vec<std::ops::Range<usize>> {
    let weight = |s: &crate::model::Section| 1 + s.blocks.len() + s.notes.len();
    let total: usize = book.sections.iter().map(weight).sum();
    let mut ranges = Vec::new();
    let (mut start, mut sum) = (0, 0);
    for (index, section) in book.sections.iter().enumerate() {
        sum += weight(section);
        if ranges.len() + 1 < parts && sum * parts >= total * (ranges.len() + 1) {
            ranges.push(start..index + 1);
            start = index + 1;
        }
    }
    ranges.push(start..book.sections.len());
    ranges.retain(|r| !r.is_empty());
    ranges
}

/// An error from epub-builder or zip: not the author's doing.
fn internal(detail: String) -> Diagnostics {
    Diagnostic::error(format!("could not assemble the EPUB: {detail}"))
        .with_hint("this is a bug in quire: please report it with the manuscript")
        .into()
}

/// Per section, its entry in the `toc` nav: title and children (its level-2
/// headings; a part's chapters, each with its own).
#[derive(Debug, Clone)]
struct TocEntry {
    title: String,
    children: Vec<TocNode>,
}

/// An entry below a section's: href, title, and its own children.
#[derive(Debug, Clone, Hash)]
struct TocNode {
    href: String,
    title: String,
    children: Vec<TocNode>,
}

impl TocNode {
    fn element(&self) -> TocElement {
        self.children.iter().fold(
            TocElement::new(self.href.clone(), self.title.clone()),
            |e, c| e.child(c.element()),
        )
    }
}

/// The `toc` nav's entries: sections in the contents, each with its level-2
/// headings (section numbers, `## II`, are not entries). In a book with parts
/// a part's chapters are its children, with their headings under them. Never
/// empty: a book whose sections are all outside the contents gets its first
/// chapter listed.
fn toc_entries(book: &Book, plan: &plan::Plan) -> Vec<Option<TocEntry>> {
    let mut entries: Vec<Option<TocEntry>> = book
        .sections
        .iter()
        .enumerate()
        .map(|(index, section)| {
            let title = escape::clean(section.title.trim());
            if !section.in_toc || title.is_empty() {
                return None;
            }
            let children = section
                .subheadings()
                .filter_map(|(anchor, content)| {
                    let text = escape::clean(plain_text(content).trim());
                    (!text.is_empty()).then(|| TocNode {
                        href: plan.href_at(index, Some(anchor)),
                        title: text,
                        children: Vec::new(),
                    })
                })
                .collect();
            Some(TocEntry { title, children })
        })
        .collect();
    // The contents says which chapters are in parts (at level 2, by section).
    let in_parts: Vec<&str> = book
        .sections
        .iter()
        .flat_map(|s| &s.blocks)
        .filter_map(|b| match &b.kind {
            crate::model::BlockKind::Contents(list) => Some(list),
            _ => None,
        })
        .flatten()
        .filter(|e| e.level == 2 && e.anchor.is_none())
        .map(|e| e.section.as_str())
        .collect();
    let mut part: Option<usize> = None;
    for (index, section) in book.sections.iter().enumerate() {
        if section.kind == SectionKind::Part {
            part = entries[index].as_ref().map(|_| index);
            continue;
        }
        if !in_parts.contains(&section.id.as_str()) {
            part = None;
            continue;
        }
        if let (Some(p), Some(entry)) = (part, entries[index].take()) {
            let href = plan.href_at(index, None);
            if let Some(parent) = entries[p].as_mut() {
                parent.children.push(TocNode {
                    href,
                    title: entry.title,
                    children: entry.children,
                });
            }
        }
    }
    if entries.iter().all(Option::is_none) {
        let first = book
            .sections
            .iter()
            .position(|s| s.kind == SectionKind::Chapter)
            .unwrap_or(0);
        let title = [book.sections[first].title.trim(), book.meta.title.trim()]
            .into_iter()
            .find(|t| !t.is_empty())
            .unwrap_or("Start");
        entries[first] = Some(TocEntry {
            title: escape::clean(title),
            children: Vec::new(),
        });
    }
    entries
}

/// The guide reference type of a section (EPUB 2 reading systems and Kindle
/// use the guide). Not the copyright page: epub-builder writes its type as
/// `copyright`, which is not a guide type (`copyright-page` is); the
/// landmarks carry it.
fn reference_type(book: &Book, index: usize) -> Option<ReferenceType> {
    let kind = book.sections[index].kind;
    match kind {
        SectionKind::TitlePage => Some(ReferenceType::TitlePage),
        SectionKind::Contents => Some(ReferenceType::Toc),
        SectionKind::Chapter
            if book
                .sections
                .iter()
                .position(|s| s.kind == SectionKind::Chapter)
                == Some(index) =>
        {
            Some(ReferenceType::Text)
        }
        _ => None,
    }
}

/// Where the cache keeps epub-builder's archive among the deflated
/// documents (no archive path has parentheses at its start).
const ASSEMBLED: &str = "(epub-builder's archive)";

/// Everything epub-builder is given, in the order it is given: [`assemble`]
/// reads nothing else, so its archive can be kept under a hash of this. A
/// rebuild after an edit of the text (the same files, contents and
/// stylesheet) takes the last build's archive instead of making it again.
#[derive(Hash)]
struct Assembly {
    /// Seeds the package's UUID (replaced in the re-pack; set so that nothing random is drawn).
    identifier: String,
    toc_name: String,
    stylesheet: String,
    /// Archive path and media type of each resource: the fonts, then the cover, then the media.
    resources: Vec<(String, String)>,
    contents: Vec<AssembledContent>,
}

/// One content document in the spine: its file, its contents entry and landmark.
struct AssembledContent {
    file: String,
    title: Option<String>,
    children: Vec<TocNode>,
    reference: Option<ReferenceType>,
}

impl std::hash::Hash for AssembledContent {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.file.hash(state);
        self.title.hash(state);
        self.children.hash(state);
        // epub-builder's type has no `Hash`; its name says which it is.
        self.reference.map(|r| format!("{r:?}")).hash(state);
    }
}

impl Assembly {
    fn new(
        book: &Book,
        plan: &plan::Plan,
        media: &media::Media<'_>,
        toc: &[Option<TocEntry>],
        faces: &[EmbedFace<'_>],
    ) -> Assembly {
        let toc_name = book
            .sections
            .iter()
            .find(|s| s.kind == SectionKind::Contents)
            .map(|s| s.title.trim())
            .filter(|t| !t.is_empty())
            .unwrap_or("Contents");
        // The embedded faces' rules are added in the re-pack, once the subsets are made.
        let mut stylesheet = css::stylesheet(&book.style);
        stylesheet.push_str(&css::block_rules(book));
        let mut resources: Vec<(String, String)> = faces
            .iter()
            .map(|face| {
                (
                    font_href(face),
                    fonts::font_media_type(face.bytes).to_string(),
                )
            })
            .collect();
        resources.push((COVER_HREF.to_string(), "image/jpeg".to_string()));
        resources.extend(
            media
                .files
                .iter()
                .map(|file| (file.href.clone(), file.media_type.to_string())),
        );
        // Gathered notes open the back matter (after the last chapter).
        let notes_after = plan.notes_file.as_ref().map(|_| {
            book.sections
                .iter()
                .rposition(|s| s.kind.matter() != crate::model::Matter::Back)
                .unwrap_or(book.sections.len() - 1)
        });
        let mut contents = Vec::with_capacity(plan.files.len() + 1);
        for (index, file) in plan.files.iter().enumerate() {
            contents.push(AssembledContent {
                file: file.clone(),
                title: toc[index].as_ref().map(|entry| entry.title.clone()),
                children: toc[index]
                    .as_ref()
                    .map_or_else(Vec::new, |entry| entry.children.clone()),
                reference: reference_type(book, index),
            });
            if notes_after == Some(index)
                && let Some(notes_file) = &plan.notes_file
            {
                contents.push(AssembledContent {
                    file: notes_file.clone(),
                    title: Some(xhtml::notes_title(&book.meta.language).to_string()),
                    children: Vec::new(),
                    reference: Some(ReferenceType::Notes),
                });
            }
        }
        Assembly {
            identifier: opf::identifier(&book.meta),
            toc_name: escape::clean(toc_name),
            stylesheet,
            resources,
            contents,
        }
    }

    /// The cache's key for the archive made of this.
    fn key(&self) -> (String, u64) {
        use std::hash::BuildHasher;
        (
            ASSEMBLED.to_string(),
            rustc_hash::FxBuildHasher.hash_one(self),
        )
    }
}

/// Lets epub-builder make the container, manifest, spine, `toc` nav and NCX.
/// Documents and images are given as empty placeholders: the re-pack puts in
/// the deflated documents and the images (stored, as they are compressed).
fn assemble(assembly: &Assembly) -> Result<Vec<u8>, String> {
    let fail = |e: epub_builder::Error| e.to_string();
    let mut builder = EpubBuilder::new(ZipLibrary::new().map_err(fail)?).map_err(fail)?;
    builder.epub_version(EpubVersion::V33);
    builder.set_uuid(uuid::Uuid::new_v5(
        &uuid::Uuid::NAMESPACE_URL,
        assembly.identifier.as_bytes(),
    ));
    builder.set_generator("quire");
    builder.set_toc_name(assembly.toc_name.clone());
    builder
        .stylesheet(assembly.stylesheet.as_bytes())
        .map_err(fail)?;
    for (path, media_type) in &assembly.resources {
        if path == COVER_HREF {
            builder
                .add_cover_image(path, &b""[..], media_type)
                .map_err(fail)?;
        } else {
            builder
                .add_resource(path, &b""[..], media_type)
                .map_err(fail)?;
        }
    }
    for entry in &assembly.contents {
        let mut content = EpubContent::new(entry.file.clone(), &b""[..]);
        if let Some(title) = &entry.title {
            content = content.title(title.clone());
        }
        for child in &entry.children {
            content = content.child(child.element());
        }
        if let Some(reference) = entry.reference {
            content = content.reftype(reference);
        }
        builder.add_content(content).map_err(fail)?;
    }
    let mut out = Vec::new();
    builder.generate(&mut out).map_err(fail)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book() -> Book {
        let mut files = vec![(
            "manuscript/book.toml".to_string(),
            "title = \"T\"\nauthors = [\"A\"]\ndate = \"2024-01-01\"\n".to_string(),
        )];
        for i in 0..9 {
            files.push((
                format!("manuscript/{i:02}.md"),
                format!(
                    "# Chapter {i}\n\n{}\n",
                    "Words and more words. ".repeat(40 * (i + 1))
                ),
            ));
        }
        let project = crate::project::Project::from_files(files);
        crate::load_book(&project, &crate::Options::default())
            .unwrap()
            .0
    }

    fn cover() -> Vec<u8> {
        crate::images::encode_jpeg(&image::DynamicImage::new_rgb8(16, 25), 80)
    }

    #[test]
    fn output_does_not_depend_on_the_number_of_workers() {
        let book = book();
        let one = write_with_workers(
            &book,
            &PageMap::default(),
            &cover(),
            &[],
            1,
            &mut EpubCache::default(),
        )
        .unwrap();
        for workers in [2, 3, 4, 16] {
            let many = write_with_workers(
                &book,
                &PageMap::default(),
                &cover(),
                &[],
                workers,
                &mut EpubCache::default(),
            )
            .unwrap();
            assert!(one == many, "{workers} workers give other bytes");
        }
    }

    #[test]
    fn sections_are_split_into_runs_of_about_equal_size() {
        let book = book();
        let n = book.sections.len();
        for parts in 1..=5 {
            let ranges = split_sections(&book, parts);
            assert!(ranges.len() <= parts && !ranges.is_empty());
            assert_eq!(ranges.first().unwrap().start, 0);
            assert_eq!(ranges.last().unwrap().end, n);
            assert!(ranges.windows(2).all(|w| w[0].end == w[1].start));
        }
    }

    #[test]
    fn refuses_what_it_cannot_package() {
        let mut empty = book();
        empty.sections.clear();
        let err = write(&empty, &PageMap::default(), &cover()).unwrap_err();
        assert!(err.to_string().contains("no text"), "{err}");
        let err = write(&book(), &PageMap::default(), b"\x89PNG").unwrap_err();
        assert!(err.to_string().contains("not a JPEG"), "{err}");
    }
}
