//! Reading an EPUB (2 or 3): the container names the package; the
//! package's metadata (titles, creators with their roles, language,
//! publisher, identifiers, date, rights, description, subjects) becomes
//! book.toml; its spine, in order, goes to [`super::html`]. The source's
//! own title page, copyright page, imprint and colophon fill what the
//! metadata leaves open; a dedication or epigraph page simple enough for
//! book.toml's keys becomes them.
//!
//! Here: the archive read in order (container, package, stylesheets, spine,
//! cover). `package` reads the package document; `pages` the source's own
//! pages for book.toml.

use super::archive::{self, Archive};
use super::css::Styles;
use super::html::{Converter, Doc, Generated, Kind};
use super::report::{Place, Report, count_words};
use super::tree::{self, Block, Inline, What};
use super::{Images, Metadata, Source};
use crate::diag::Diagnostic;
use crate::model::Isbn;

mod package;
mod pages;

pub use package::iso_date;
use package::{Item, Package, as_isbn, read_package};
pub use pages::{after_words, dedication_lines, epigraph_parts, read_copyright};
use pages::{keys_from_pages, read_generated, title_pages_in_text};

pub fn read(name: &str, bytes: &[u8]) -> Result<Source, Diagnostic> {
    let mut archive = Archive::open(name, bytes)?;
    let mut report = Report::new(name);
    let package = open_package(&mut archive, name)?;

    let mut styles = Styles::default();
    for item in package.items.iter().filter(|i| i.media_type == "text/css") {
        if let Some(css) = archive.text(&item.path)? {
            styles.add_stylesheet(&css);
        }
    }

    // The spine's documents, read and parsed.
    let texts = spine_texts(&mut archive, &package, &mut report)?;
    let mut docs = Vec::with_capacity(texts.len());
    for text in &texts {
        docs.push(Doc {
            path: text.path.clone(),
            xml: super::xml::parse(&text.text, &format!("{name}/{}", text.path))?,
        });
    }

    let cover_path = package.cover.map(|i| package.items[i].path.clone());
    let mut images = Images::default();
    let converted = convert(
        &docs,
        &texts,
        &styles,
        &mut archive,
        &mut images,
        &mut report,
        cover_path.as_deref(),
    );

    let mut meta = package.meta;
    for (who, role) in &package.uncredited {
        report.warn(
            format!("the contributor {who} ({role}) is not carried: book.toml has no such role"),
            &Place::None,
            "book.toml's contributors are illustrator, cover-designer, editor, translator, photographer, designer, introduction and foreword; add them by hand if one fits",
            0,
        );
    }
    read_generated(&converted.generated, &mut meta, &mut report);
    let cover = match package.cover {
        Some(index) => read_cover(&mut archive, &package.items[index], &mut report)?,
        None => None,
    };
    let mut source = Source {
        meta,
        chapters: converted.chapters,
        notes: converted.notes,
        images,
        cover,
        anchors: converted.anchors,
        doc_chapters: converted.doc_chapters,
        report,
    };
    keys_from_pages(&mut source);
    title_pages_in_text(&mut source);
    Ok(source)
}

/// The package document the container names, read.
fn open_package(archive: &mut Archive<'_>, name: &str) -> Result<Package, Diagnostic> {
    let container_path = "META-INF/container.xml";
    let container = archive.text(container_path)?.ok_or_else(|| {
        Diagnostic::error(format!("{name} has no {container_path}: it is not an EPUB"))
            .with_hint("export the book again as an EPUB from the program that made it")
    })?;
    let container_doc = super::xml::parse(&container, &format!("{name}/{container_path}"))?;
    let opf_path = container_doc
        .descendants()
        .filter(|n| n.tag_name().name() == "rootfile")
        .find(|n| {
            n.attribute("media-type")
                .is_none_or(|t| t == "application/oebps-package+xml")
        })
        .and_then(|n| n.attribute("full-path"))
        .map(archive::percent_decode)
        .ok_or_else(|| {
            Diagnostic::error(format!(
                "{name}/{container_path} names no package document (a rootfile with a full-path)"
            ))
            .at_file(format!("{name}/{container_path}"), 1, 1)
            .with_hint("the EPUB is damaged; export it again from the program that made it")
        })?;
    let opf_text = archive.text(&opf_path)?.ok_or_else(|| {
        Diagnostic::error(format!(
            "{name}: the package document {opf_path} named in {container_path} is missing"
        ))
        .with_hint("the EPUB is damaged; export it again from the program that made it")
    })?;
    let (opf_text, _) = super::xml::expand_entities(&opf_text);
    let opf = super::xml::parse(&opf_text, &format!("{name}/{opf_path}"))?;
    Ok(read_package(&opf, &opf_path))
}

/// A spine document's text, ready to parse.
struct SpineText {
    path: String,
    /// With HTML's entities expanded and the `epub:` prefix declared.
    text: String,
    /// The navigation document.
    nav: bool,
}

/// The spine's text documents, in reading order; what is not one is
/// reported and left out.
fn spine_texts(
    archive: &mut Archive<'_>,
    package: &Package,
    report: &mut Report,
) -> Result<Vec<SpineText>, Diagnostic> {
    let mut texts = Vec::new();
    for &index in &package.spine {
        let item = &package.items[index];
        let is_xhtml = matches!(
            item.media_type.as_str(),
            "application/xhtml+xml" | "text/html" | "application/xml" | "text/xml"
        ) || item.path.ends_with(".xhtml")
            || item.path.ends_with(".html")
            || item.path.ends_with(".htm");
        if !is_xhtml {
            report.warn(
                format!(
                    "{} in the reading order is {}, not a text document; it is not carried",
                    item.path, item.media_type
                ),
                &Place::None,
                "",
                0,
            );
            continue;
        }
        let Some(text) = archive.text(&item.path)? else {
            report.warn(
                format!("{} is in the reading order but not in the EPUB", item.path),
                &Place::None,
                "the EPUB is damaged; export it again from the program that made it",
                0,
            );
            continue;
        };
        let (text, unknown) = super::xml::expand_entities(&text);
        for entity in unknown {
            report.warn(
                format!(
                    "{}: the entity &{entity}; is not one HTML knows; it is kept as text",
                    item.path
                ),
                &Place::None,
                "",
                0,
            );
        }
        texts.push(SpineText {
            path: item.path.clone(),
            text: declare_epub_prefix(text),
            nav: item.properties.split_whitespace().any(|p| p == "nav"),
        });
    }
    Ok(texts)
}

/// What the spine's documents became.
struct Converted {
    chapters: Vec<tree::Chapter>,
    notes: Vec<Vec<Block>>,
    anchors: std::collections::HashMap<(String, String), super::Anchor>,
    doc_chapters: std::collections::HashMap<String, usize>,
    generated: Vec<Generated>,
}

/// The documents converted, each chapter marked with what its document is
/// (a dedication, an epigraph, a part's page) and its label.
fn convert(
    docs: &[Doc<'_>],
    texts: &[SpineText],
    styles: &Styles,
    archive: &mut Archive<'_>,
    images: &mut Images,
    report: &mut Report,
    cover_path: Option<&str>,
) -> Converted {
    let mut converter = Converter::new(docs, styles, archive, images, report);
    let kinds: Vec<Kind> = texts
        .iter()
        .enumerate()
        .map(|(d, text)| converter.kind(d, text.nav, cover_path))
        .collect();
    let whats: Vec<What> = kinds
        .iter()
        .map(|k| match k {
            Kind::Dedication => What::Dedication,
            Kind::Epigraph => What::Epigraph,
            Kind::Part => What::Part,
            _ => What::Text,
        })
        .collect();
    converter.convert(&kinds);
    let mut chapters = std::mem::take(&mut converter.chapters);
    for chapter in &mut chapters {
        if let Some(d) = docs.iter().position(|d| d.path == chapter.source) {
            chapter.what = whats[d];
            chapter.label = label_of(&docs[d]);
        }
    }
    Converted {
        chapters,
        notes: std::mem::take(&mut converter.notes),
        anchors: std::mem::take(&mut converter.anchors),
        doc_chapters: std::mem::take(&mut converter.doc_chapters),
        generated: std::mem::take(&mut converter.generated),
    }
}

/// The cover art, when it is a JPEG or PNG in the EPUB.
fn read_cover(
    archive: &mut Archive<'_>,
    item: &Item,
    report: &mut Report,
) -> Result<Option<(String, Vec<u8>)>, Diagnostic> {
    let Some(bytes) = archive.bytes(&item.path)? else {
        report.warn(
            format!("the cover {} is missing from the EPUB", item.path),
            &Place::None,
            "",
            0,
        );
        return Ok(None);
    };
    Ok(match super::image_kind(&bytes) {
        Some(super::ImageKind::Jpeg) => Some(("cover.jpg".to_string(), bytes)),
        Some(super::ImageKind::Png) => Some(("cover.png".to_string(), bytes)),
        _ => {
            report.warn(
                format!("the cover {} is not a JPEG or PNG; it is not carried", item.path),
                &Place::None,
                "quire composes a typographic cover; put cover art (JPEG or PNG) in cover/ to use it instead",
                0,
            );
            None
        }
    })
}

/// A document that uses `epub:type` without declaring the prefix (some
/// tools write it so) gets the declaration, rather than failing to parse.
fn declare_epub_prefix(text: String) -> String {
    if !text.contains("epub:") || text.contains("xmlns:epub") {
        return text;
    }
    match text.find("<html") {
        Some(at) => format!(
            "{}<html xmlns:epub=\"http://www.idpf.org/2007/ops\"{}",
            &text[..at],
            &text[at + "<html".len()..]
        ),
        None => text,
    }
}

/// A document's label, for naming a file that has no heading: its
/// `aria-label`, its `<title>`, or its file name.
fn label_of(doc: &Doc<'_>) -> Option<String> {
    let root = doc.xml.root_element();
    let aria = root
        .descendants()
        .filter(|n| matches!(n.tag_name().name(), "section" | "article" | "body" | "div"))
        .find_map(|n| n.attribute("aria-label"));
    let title = root
        .descendants()
        .find(|n| n.tag_name().name() == "title")
        .map(|n| super::xml::text_of(&n));
    aria.map(str::to_string)
        .or(title)
        .map(|t| tree::collapse_space(&t).trim().to_string())
        .filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_undeclared_epub_prefix_is_declared() {
        let text =
            "<html xmlns=\"http://www.w3.org/1999/xhtml\"><body epub:type=\"bodymatter\"/></html>"
                .to_string();
        let fixed = declare_epub_prefix(text);
        let doc = super::super::xml::parse(&fixed, "x.xhtml").unwrap();
        let body = doc.descendants().find(|n| n.has_tag_name("body")).unwrap();
        assert_eq!(
            body.attribute(("http://www.idpf.org/2007/ops", "type")),
            Some("bodymatter")
        );
    }

    #[test]
    fn isbns_and_dates_as_book_toml_writes_them() {
        assert_eq!(
            as_isbn("urn:isbn:978-0-306-40615-7", false).as_deref(),
            Some("9780306406157")
        );
        assert_eq!(
            as_isbn("9780306406157", false).as_deref(),
            Some("9780306406157")
        );
        assert_eq!(
            as_isbn("0306406152", false).as_deref(),
            Some("9780306406157")
        );
        assert_eq!(as_isbn("urn:uuid:1234", false), None);
        assert_eq!(as_isbn("9780306406158", false), None);
        assert_eq!(
            iso_date("2021-03-04T10:00:00Z").as_deref(),
            Some("2021-03-04")
        );
        assert_eq!(iso_date("1921").as_deref(), Some("1921-01-01"));
        assert_eq!(iso_date("March 1921"), None);
    }

    #[test]
    fn a_copyright_page_fills_the_keys() {
        let mut meta = Metadata {
            title: Some("T".into()),
            publisher: Some("Lossi 36".into()),
            ..Metadata::default()
        };
        let lines: Vec<String> = [
            "T",
            "© 2020 A. Writer. All rights reserved.",
            "This article was originally published by Lossi 36.",
            "Illustration by Amanda Sonesson.",
            "ISBN 978-0-306-40615-7 (paperback)",
            "Lossi 36",
        ]
        .map(String::from)
        .to_vec();
        let mut read = Vec::new();
        read_copyright(&lines, &mut meta, &mut read);
        assert_eq!(
            meta.rights.as_deref(),
            Some("© 2020 A. Writer. All rights reserved.")
        );
        assert_eq!(
            meta.first_publication.as_deref(),
            Some("This article was originally published by Lossi 36.")
        );
        assert_eq!(
            meta.contributors,
            [("Amanda Sonesson".to_string(), "illustrator")]
        );
        assert_eq!(meta.isbn_print.as_deref(), Some("9780306406157"));
    }
}
