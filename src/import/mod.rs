//! `quire import FILE`: a Word manuscript (.docx) or an EPUB made into a
//! quire book: `manuscript/book.toml` from the source's metadata and its
//! generated pages, one Markdown file per chapter (front and back matter
//! as files quire places by their headings, or as book.toml keys), the
//! pictures beside them, the cover in `cover/`, and a report of what was
//! read and of everything that could not be carried.
//!
//! `docx` and `epub` read the source into [`tree`]; `assemble` names the
//! files, numbers the notes in each chapter, resolves links to headings'
//! anchors, writes the Markdown ([`markdown`]) and book.toml, and loads the
//! result with quire's own reader to check it (and to list what a build
//! will say); [`report`] is what the author reads.

pub mod archive;
mod assemble;
pub mod css;
pub mod docx;
mod entities;
pub mod epub;
pub mod html;
pub mod markdown;
pub mod report;
pub mod tree;
pub mod xml;

use std::collections::HashMap;

pub use assemble::{Imported, assemble};
use report::Report;
use tree::{Block, Chapter, Inline};

use crate::diag::Diagnostic;

/// The source's metadata, as read, before it is written to book.toml.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metadata {
    pub title: Option<String>,
    pub subtitle: Option<String>,
    pub authors: Vec<String>,
    /// Name and book.toml role (`illustrator`, `translator`…).
    pub contributors: Vec<(String, &'static str)>,
    pub publisher: Option<String>,
    pub language: Option<String>,
    pub isbn_ebook: Option<String>,
    pub isbn_print: Option<String>,
    /// `YYYY-MM-DD`.
    pub date: Option<String>,
    pub rights: Option<String>,
    pub description: Option<String>,
    pub keywords: Vec<String>,
    pub first_publication: Option<String>,
    /// The dedication's lines.
    pub dedication: Option<Vec<Vec<Inline>>>,
    /// The epigraph's paragraphs and its source.
    pub epigraph: Option<(Vec<Vec<Inline>>, Option<String>)>,
}

/// Where an id of the source leads: a chapter, and the heading it stands
/// on or under (`None`: the chapter's start).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Anchor {
    pub chapter: usize,
    pub heading: Option<u32>,
    /// The id is on the heading (or the section it opens), not on text
    /// under it.
    pub exact: bool,
}

/// What a reader hands to the assembly.
#[derive(Debug, Default)]
pub struct Source {
    pub meta: Metadata,
    pub chapters: Vec<Chapter>,
    /// Every note's blocks; [`Inline::Note`] indexes them.
    pub notes: Vec<Vec<Block>>,
    pub images: Images,
    /// The cover art: its file name in `cover/` and bytes.
    pub cover: Option<(String, Vec<u8>)>,
    /// (document, id) → place; a Word file's bookmarks have an empty document.
    pub anchors: HashMap<(String, String), Anchor>,
    /// The chapter each source document begins.
    pub doc_chapters: HashMap<String, usize>,
    pub report: Report,
}

impl Source {
    /// Takes chapter `index` out of the book; the ids and documents that
    /// led to it lead to the start of the chapter after it (or the one
    /// before, at the end).
    pub fn remove_chapter(&mut self, index: usize) -> Chapter {
        let chapter = self.chapters.remove(index);
        let last = self.chapters.len().saturating_sub(1);
        let moved = |c: &mut usize| {
            if *c > index {
                *c -= 1;
            } else if *c == index {
                *c = index.min(last);
            }
        };
        for anchor in self.anchors.values_mut() {
            if anchor.chapter == index {
                anchor.heading = None;
                anchor.exact = true;
            }
            moved(&mut anchor.chapter);
        }
        for chapter in self.doc_chapters.values_mut() {
            moved(chapter);
        }
        chapter
    }
}

/// The pictures of the book, as they are written into `manuscript/images/`.
#[derive(Debug, Default)]
pub struct Images {
    /// Manuscript path (`images/map.png`) and bytes, in order of first use.
    pub files: Vec<(String, Vec<u8>)>,
    /// Each source picture's outcome: its manuscript path or why it was not carried.
    done: HashMap<String, Result<String, String>>,
}

impl Images {
    /// What became of a source picture already met.
    pub fn placed(&self, source: &str) -> Option<Result<String, String>> {
        self.done.get(source).cloned()
    }

    pub fn remember(&mut self, source: &str, outcome: Result<String, String>) {
        self.done.insert(source.to_string(), outcome);
    }

    /// Adds a picture read from `source_path`: a JPEG or PNG gets a name in
    /// `images/` (from its own, made safe and unique); anything else is
    /// refused with the reason.
    pub fn add(&mut self, key: &str, source_path: &str, bytes: Vec<u8>) -> Result<String, String> {
        if let Some(done) = self.placed(key) {
            return done;
        }
        let extension = match image_kind(&bytes) {
            Some(ImageKind::Jpeg) => "jpg",
            Some(ImageKind::Png) => "png",
            Some(ImageKind::Other(kind)) => {
                return Err(format!(
                    "{source_path} is a {kind} picture, and quire sets JPEG and PNG"
                ));
            }
            None => return Err(format!("{source_path} is not a picture quire can read")),
        };
        let file = source_path.rsplit('/').next().unwrap_or(source_path);
        let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
        let mut safe: String = stem
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        safe = safe.trim_matches('-').to_string();
        if safe.is_empty() {
            safe = "image".into();
        }
        let mut path = format!("images/{safe}.{extension}");
        let mut n = 2;
        while self.files.iter().any(|(p, _)| *p == path) {
            path = format!("images/{safe}-{n}.{extension}");
            n += 1;
        }
        self.files.push((path.clone(), bytes));
        self.remember(key, Ok(path.clone()));
        Ok(path)
    }
}

pub enum ImageKind {
    Jpeg,
    Png,
    Other(&'static str),
}

/// A picture's format from its first bytes.
pub fn image_kind(bytes: &[u8]) -> Option<ImageKind> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageKind::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageKind::Png)
    } else if bytes.starts_with(b"GIF8") {
        Some(ImageKind::Other("GIF"))
    } else if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        Some(ImageKind::Other("WebP"))
    } else if bytes.starts_with(b"BM") {
        Some(ImageKind::Other("BMP"))
    } else if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        Some(ImageKind::Other("TIFF"))
    } else if bytes.starts_with(&[0xD7, 0xCD, 0xC6, 0x9A]) || bytes.starts_with(&[1, 0, 0, 0]) {
        Some(ImageKind::Other("Windows metafile (WMF/EMF)"))
    } else {
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_lowercase();
        head.contains("<svg").then_some(ImageKind::Other("SVG"))
    }
}

/// The kinds of file `quire import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Docx,
    Epub,
}

/// What kind of file `bytes` is: a .docx or an EPUB by what the archive
/// holds, whatever its name says. Anything else is an error naming the
/// file and saying how to get a file quire reads.
pub fn detect(name: &str, bytes: &[u8]) -> Result<Format, Diagnostic> {
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(Diagnostic::error(format!(
            "{name} is a Word 97–2003 document (.doc), which quire does not read"
        ))
        .with_hint(
            "open it in Word, LibreOffice or Pages and save it as a Word document (.docx)",
        ));
    }
    if bytes.starts_with(b"{\\rtf") {
        return Err(Diagnostic::error(format!(
            "{name} is a Rich Text file (.rtf), which quire does not read"
        ))
        .with_hint(
            "open it in Word, LibreOffice or Pages and save it as a Word document (.docx)",
        ));
    }
    if !bytes.starts_with(b"PK") {
        return Err(Diagnostic::error(format!(
            "{name} is neither a Word document (.docx) nor an EPUB"
        ))
        .with_hint("quire imports .docx (what Word, Google Docs, Pages, LibreOffice and Scrivener export) and .epub files"));
    }
    let archive = archive::Archive::open(name, bytes)?;
    if archive.has("word/document.xml") {
        return Ok(Format::Docx);
    }
    if archive.has("META-INF/container.xml") {
        return Ok(Format::Epub);
    }
    if archive.has("content.xml") && archive.has("mimetype") {
        return Err(Diagnostic::error(format!(
            "{name} is an OpenDocument file (.odt), which quire does not read"
        ))
        .with_hint("open it in LibreOffice and save it as a Word document (.docx)"));
    }
    Err(Diagnostic::error(format!(
        "{name} is a ZIP archive but neither a Word document nor an EPUB (it has no word/document.xml or META-INF/container.xml)"
    ))
    .with_hint("export the book again as .docx or .epub from the program that made it"))
}

/// Reads a source file into a book: the files to write (project-relative
/// paths and bytes) and the report. Nothing is written here.
pub fn import(name: &str, bytes: &[u8]) -> Result<Imported, Diagnostic> {
    let source = match detect(name, bytes)? {
        Format::Docx => docx::read(name, bytes)?,
        Format::Epub => epub::read(name, bytes)?,
    };
    assemble(source)
}
