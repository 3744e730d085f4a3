//! The ebook as `quire serve` shows it: the same XHTML, stylesheet and
//! images the EPUB packages, by their paths in the package, unzipped, with
//! each leaf block's element marked with its block number so the preview can
//! tie a paragraph on screen to its print page and its source line.

use std::collections::HashMap;

use super::{EmbedFace, css, font_href, media, plan, xhtml};
use crate::diag::Diagnostics;
use crate::model::{Book, PageMap};

/// One file of the preview ebook.
#[derive(Debug, Clone)]
pub struct PreviewFile {
    pub media_type: &'static str,
    pub bytes: Vec<u8>,
}

/// A content document in reading order.
#[derive(Debug, Clone)]
pub struct SpineEntry {
    /// Path in the content folder: `chapter-1.xhtml`.
    pub path: String,
    pub title: String,
}

/// Where a print page's marker sits in the ebook.
#[derive(Debug, Clone)]
pub struct PagePlace {
    /// Index into the spine.
    pub document: usize,
    /// The marker's element id: `page-12`.
    pub id: String,
}

/// The ebook's files, unpackaged.
#[derive(Debug, Clone, Default)]
pub struct PreviewEbook {
    /// By path in the content folder (`chapter-1.xhtml`, `stylesheet.css`, `images/…`).
    pub files: HashMap<String, PreviewFile>,
    pub spine: Vec<SpineEntry>,
    /// Per print page, its marker.
    pub pages: Vec<PagePlace>,
}

/// The preview's ebook: every document the EPUB holds, marked (see the module doc).
pub fn preview(
    book: &Book,
    page_map: &PageMap,
    faces: &[EmbedFace<'_>],
) -> Result<PreviewEbook, Diagnostics> {
    let plan = plan::plan(book, page_map);
    let media = media::collect(book)?;
    let mut ebook = PreviewEbook::default();
    let documents: Vec<String> =
        crate::on_all_cores(&(0..book.sections.len()).collect::<Vec<_>>(), |share| {
            share
                .iter()
                .map(|&i| xhtml::section_document_marked(book, &plan, &media.hrefs, i))
                .collect::<Vec<_>>()
        })
        .into_iter()
        .flatten()
        .collect();
    for (index, text) in documents.into_iter().enumerate() {
        let path = plan.files[index].clone();
        let title = book.sections[index].title.trim();
        ebook.spine.push(SpineEntry {
            path: path.clone(),
            title: if title.is_empty() {
                book.meta.title.clone()
            } else {
                title.to_string()
            },
        });
        ebook.files.insert(path, xhtml_file(text));
    }
    if let (Some(file), Some(notes)) = (
        &plan.notes_file,
        xhtml::notes_document(book, &plan, &media.hrefs),
    ) {
        ebook.spine.push(SpineEntry {
            path: file.clone(),
            title: xhtml::notes_title(&book.meta.language).to_string(),
        });
        ebook.files.insert(file.clone(), xhtml_file(notes));
    }
    let mut stylesheet = css::stylesheet(&book.style);
    stylesheet.push_str(&css::block_rules(book));
    if !faces.is_empty() {
        let chars: std::collections::BTreeSet<char> = ebook
            .files
            .values()
            .filter_map(|f| std::str::from_utf8(&f.bytes).ok())
            .flat_map(str::chars)
            .collect();
        let text_face = faces.iter().find(|f| f.role == super::FaceRole::Text);
        let supplied: Vec<_> = faces
            .iter()
            .map(|face| super::supplied_chars(face, text_face, &chars))
            .collect();
        stylesheet.push_str(&css::font_faces(faces, font_href, &supplied));
    }
    ebook.files.insert(
        "stylesheet.css".into(),
        PreviewFile {
            media_type: "text/css",
            bytes: stylesheet.into_bytes(),
        },
    );
    for file in &media.files {
        ebook.files.insert(
            file.href.clone(),
            PreviewFile {
                media_type: file.media_type,
                bytes: file.bytes.to_vec(),
            },
        );
    }
    for face in faces {
        ebook.files.insert(
            font_href(face),
            PreviewFile {
                media_type: super::fonts::font_media_type(face.bytes),
                bytes: face.bytes.to_vec(),
            },
        );
    }
    ebook.pages = plan
        .pages
        .iter()
        .map(|mark| PagePlace {
            document: mark.section,
            id: mark.id.clone(),
        })
        .collect();
    Ok(ebook)
}

fn xhtml_file(text: String) -> PreviewFile {
    PreviewFile {
        media_type: "application/xhtml+xml",
        bytes: text.into_bytes(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_preview_marks_blocks_and_the_epub_does_not() {
        let project = crate::project::Project::from_files(vec![
            (
                "manuscript/book.toml",
                &b"title = \"T\"\nauthors = [\"A\"]\n"[..],
            ),
            (
                "manuscript/01.md",
                &b"# One\n\nFirst paragraph.\n\n> Quoted.\n"[..],
            ),
        ]);
        let (book, _) = crate::load_book(&project, &crate::Options::default()).unwrap();
        let ebook = preview(&book, &PageMap::default(), &[]).unwrap();
        let first = &ebook.spine.iter().find(|s| s.title == "One").unwrap().path;
        let text = String::from_utf8(ebook.files[first].bytes.clone()).unwrap();
        assert!(text.contains("<p data-block="), "{text}");
        assert!(text.contains("<h1 data-block="), "{text}");
        assert!(ebook.files.contains_key("stylesheet.css"));
        let plan = plan::plan(&book, &PageMap::default());
        let index = plan.files.iter().position(|f| f == first).unwrap();
        let real = xhtml::section_document(&book, &plan, &[], index);
        assert!(!real.contains("data-block"));
    }
}
