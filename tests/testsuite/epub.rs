//! The EPUB as a reader, a store and EPUBCheck see it: the bundled essay,
//! Moby-Dick and a hostile manuscript are built in memory, unzipped and read
//! back (package document, navigation, every XHTML file), and checked with the
//! real EPUBCheck when it is installed.

use crate::common;

use std::collections::BTreeMap;
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

use common::{epubcheck, run_epubcheck};
use quire::model::{Block, BlockKind, Book, PageMap, PageStart, TextPos, block_text};
use quire::project::Project;

// ---------------------------------------------------------------- fixtures

fn bundled_project() -> Project {
    Project::load(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn load(project: &Project, options: &quire::Options) -> Book {
    match quire::load_book(project, options) {
        Ok((book, _warnings)) => book,
        Err(e) => panic!("{e}"),
    }
}

fn essay() -> Book {
    load(&bundled_project(), &quire::Options::default())
}

/// A 1600 × 2560 JPEG, as the cover stage makes.
fn cover() -> Vec<u8> {
    let image = image::DynamicImage::new_rgb8(1600, 2560);
    quire::images::encode_jpeg(&image, 85)
}

fn roman(n: usize) -> String {
    quire::layout::compose::roman(n)
}

/// Leaf blocks of a section in reading order (text, then notes).
fn leaves(section: &quire::model::Section) -> Vec<&Block> {
    fn walk<'a>(blocks: &'a [Block], out: &mut Vec<&'a Block>) {
        for block in blocks {
            match &block.kind {
                BlockKind::Quote(inner) => walk(inner, out),
                BlockKind::List { items, .. } => {
                    for item in items {
                        walk(&item.blocks, out);
                    }
                }
                _ => out.push(block),
            }
        }
    }
    let mut out = Vec::new();
    walk(&section.blocks, &mut out);
    for note in &section.notes {
        walk(&note.blocks, &mut out);
    }
    out
}

/// What layout would hand back: a page at every section start (roman folios
/// in the front matter, arabic after), a blank verso before each chapter or
/// back-matter section after the first, and a page starting mid-paragraph, at a word start, about
/// every `every` characters.
fn synthetic_page_map(book: &Book, every: usize) -> PageMap {
    let mut pages: Vec<PageStart> = Vec::new();
    let (mut front, mut body) = (0, 0);
    let mut label = |kind: quire::model::SectionKind| {
        if kind.matter() == quire::model::Matter::Front {
            front += 1;
            roman(front)
        } else {
            body += 1;
            body.to_string()
        }
    };
    let mut openings = 0;
    for (index, section) in book.sections.iter().enumerate() {
        let leaves = leaves(section);
        let Some(first) = leaves.first() else {
            continue;
        };
        let start = TextPos {
            block: first.id,
            offset: 0,
        };
        let opening = section.kind.matter() != quire::model::Matter::Front;
        if opening {
            openings += 1;
        }
        if opening && openings > 1 {
            pages.push(PageStart {
                label: label(section.kind),
                section: index as u32,
                at: start,
                blank: true,
            });
        }
        pages.push(PageStart {
            label: label(section.kind),
            section: index as u32,
            at: start,
            blank: false,
        });
        let mut since_page = 0;
        for leaf in leaves {
            let text: Vec<char> = block_text(leaf).unwrap_or_default().chars().collect();
            since_page += text.len();
            if since_page < every || !matches!(leaf.kind, BlockKind::Paragraph { .. }) {
                continue;
            }
            // The first word start after the middle of the paragraph.
            let word = (text.len() / 2..text.len())
                .find(|&i| i > 0 && text[i - 1].is_whitespace() && !text[i].is_whitespace());
            if let Some(offset) = word {
                pages.push(PageStart {
                    label: label(section.kind),
                    section: index as u32,
                    at: TextPos {
                        block: leaf.id,
                        offset: offset as u32,
                    },
                    blank: false,
                });
                since_page = text.len() - offset;
            }
        }
    }
    PageMap { pages }
}

fn moby_dick_dir() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpus/moby-dick"
    ))
}

/// Moby-Dick as a project: every chapter file, and a small book.toml.
fn moby_dick() -> Option<Book> {
    let dir = moby_dick_dir();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        let note = format!(
            "note: {} is absent; Moby-Dick not checked; skipped\n",
            dir.display()
        );
        let _ = std::io::Write::write_all(&mut std::io::stderr(), note.as_bytes());
        return None;
    };
    let mut files: Vec<(String, Vec<u8>)> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".md"))
        .map(|e| {
            (
                format!("manuscript/{}", e.file_name().to_string_lossy()),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    assert!(
        files.len() > 100,
        "only {} chapters in {}",
        files.len(),
        dir.display()
    );
    files.push((
        "manuscript/book.toml".into(),
        br#"title = "Moby-Dick; or, The Whale"
authors = ["Herman Melville"]
language = "en"
date = "1851-10-18"
"#
        .to_vec(),
    ));
    Some(load(
        &Project::from_files(files),
        &quire::Options::default(),
    ))
}

/// Everything a hostile manuscript can throw at the writer.
fn hostile() -> Book {
    let mut chapter = String::from("# Chapter <One> & \"Friends\"\n\n");
    chapter.push_str("Raw HTML: <script>alert(\"x\")</script> and <b onclick='evil()'>bold</b> and ]]> and a bell \u{7} here.\n\n");
    chapter.push_str("<div class=\"x\">\n<p>An HTML block & more</p>\n</div>\n\n");
    chapter.push_str("A [script link](javascript:alert(1)), <javascript:alert(2)>, [data](data:text/html,<b>x</b>), a [web link](<https://example.com/a b?q=1&r=2>) and <mailto:someone@example.com>.\n\n");
    chapter.push_str("A note[^n] and the same note again[^n], another[^2], and a [linked note](https://example.com/)[^3].\n\n");
    chapter.push_str("Line one  \nline two, `code <with> & tags`, *emphasis **strong** end*.\n\n");
    chapter.push_str("## Page 3\n\nA heading whose anchor is a page id.\n\n## Note chapter 1 1\n\nAnd one whose anchor is a note id.\n\n## Über «Quotes» & <Tags>\n\nNon-ASCII heading.\n\n");
    chapter.push_str("***\n\nAfter a scene break.\n\n");
    for depth in 1..=50 {
        chapter.push_str(&"> ".repeat(depth));
        chapter.push_str(&format!("Quote level {depth}.\n"));
        chapter.push_str(&"> ".repeat(depth));
        chapter.push('\n');
    }
    chapter.push('\n');
    for depth in 0..50 {
        chapter.push_str(&"  ".repeat(depth));
        chapter.push_str(&format!("- item {depth}\n"));
    }
    chapter.push('\n');
    chapter.push_str("3. three\n4. four\n\n```\n<code block> & \"quotes\"\n```\n\n");
    chapter.push_str("![A small picture](img/small.png \"A caption with <tags> & notes\")\n\n");
    chapter.push_str("![A large picture](img/large.png)\n\n");
    chapter.push_str("[^n]: The note, *with emphasis* and a [link](https://example.com).\n\n");
    chapter.push_str("[^2]: - a list in a note\n    - second\n\n");
    chapter.push_str("[^3]: Third note.\n");
    let small = quire::images::encode_png(&image::DynamicImage::new_rgb8(40, 30));
    let large = quire::images::encode_png(&image::DynamicImage::new_rgb8(2600, 1800));
    let files: Vec<(String, Vec<u8>)> = vec![
        (
            "manuscript/book.toml".into(),
            br#"title = "Hostile <Book> & Co"
subtitle = "Escapes \"everything\""
authors = ["A & B <Author>"]
contributors = [{ name = "Ill <Ustrator>", role = "illustrator" }]
publisher = "Press & Sons"
language = "en"
date = "2024-02-29"
chapters = ["nav.md", "second.md"]

[isbn]
ebook = "978-0-306-40615-7"
print = "9780000000002"
"#
            .to_vec(),
        ),
        // A chapter file called nav.md must not clash with the navigation document.
        ("manuscript/nav.md".into(), chapter.into_bytes()),
        (
            "manuscript/second.md".into(),
            b"# Nav\n\nA second chapter titled like the navigation file.\n".to_vec(),
        ),
        ("manuscript/img/small.png".into(), small),
        ("manuscript/img/large.png".into(), large),
    ];
    load(&Project::from_files(files), &quire::Options::default())
}

// ---------------------------------------------------------------- reading an EPUB

/// An EPUB unzipped: entries in archive order.
struct Unzipped {
    names: Vec<String>,
    files: BTreeMap<String, Vec<u8>>,
}

impl Unzipped {
    fn new(bytes: &[u8]) -> Unzipped {
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut names = Vec::new();
        let mut files = BTreeMap::new();
        for i in 0..archive.len() {
            let mut file = archive.by_index(i).unwrap();
            let mut data = Vec::new();
            file.read_to_end(&mut data).unwrap();
            names.push(file.name().to_string());
            files.insert(file.name().to_string(), data);
        }
        Unzipped { names, files }
    }

    fn text(&self, name: &str) -> String {
        String::from_utf8(self.files[name].clone()).unwrap()
    }

    fn opf(&self) -> String {
        self.text("OEBPS/content.opf")
    }

    fn nav(&self) -> String {
        self.text("OEBPS/nav.xhtml")
    }

    fn xhtml_names(&self) -> Vec<String> {
        self.names
            .iter()
            .filter(|n| n.ends_with(".xhtml"))
            .cloned()
            .collect()
    }
}

fn write(book: &Book, map: &PageMap) -> Vec<u8> {
    match quire::epub::write(book, map, &cover()) {
        Ok(bytes) => bytes,
        Err(e) => panic!("{e}"),
    }
}

const OPF_NS: &str = "http://www.idpf.org/2007/opf";
const DC_NS: &str = "http://purl.org/dc/elements/1.1/";
const XHTML_NS: &str = "http://www.w3.org/1999/xhtml";
const OPS_NS: &str = "http://www.idpf.org/2007/ops";

/// `(property, refines, text)` of every `<meta property>` in the package.
fn meta_properties(doc: &roxmltree::Document) -> Vec<(String, Option<String>, String)> {
    doc.descendants()
        .filter(|n| n.has_tag_name((OPF_NS, "meta")))
        .filter_map(|n| {
            Some((
                n.attribute("property")?.to_string(),
                n.attribute("refines").map(str::to_string),
                n.text().unwrap_or_default().to_string(),
            ))
        })
        .collect()
}

/// Parses XML that may start with `<!DOCTYPE html>`.
fn parse_xml(text: &str) -> Result<roxmltree::Document<'_>, roxmltree::Error> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    roxmltree::Document::parse_with_options(text, options)
}

fn dc<'a>(doc: &'a roxmltree::Document, name: &str) -> Vec<roxmltree::Node<'a, 'a>> {
    doc.descendants()
        .filter(|n| n.has_tag_name((DC_NS, name)))
        .collect()
}

fn epub_type<'a>(node: roxmltree::Node<'a, 'a>) -> Option<&'a str> {
    node.attribute((OPS_NS, "type"))
}

/// The text that follows `node` in document order, up to `len` characters,
/// counted as page offsets count it.
fn text_after(doc: &roxmltree::Document, node: roxmltree::Node, len: usize) -> String {
    let mut out = String::new();
    let mut started = false;
    for n in doc.descendants() {
        if n == node {
            started = true;
            continue;
        }
        // Line breaks between block elements are layout of the file, not text.
        let formatting = n
            .text()
            .is_some_and(|t| t.starts_with('\n') && t.trim().is_empty());
        // Note labels and chapter labels (the style's) are not part of the block's text.
        let note_label = n.ancestors().any(|a| {
            epub_type(a) == Some("noteref")
                || matches!(
                    a.attribute("class"),
                    Some("note-label" | "chapter-label" | "chapter-number")
                )
        });
        // The space between a chapter's label and its title is the label's.
        let label_gap = out.is_empty() && n.text().is_some_and(|t| t.trim().is_empty());
        if started && n.is_text() && !formatting && !note_label && !label_gap {
            out.push_str(n.text().unwrap_or_default());
            if out.chars().count() >= len {
                break;
            }
        }
    }
    out
}

// ---------------------------------------------------------------- the essay

#[test]
fn mimetype_comes_first_and_is_stored() {
    let bytes = write(&essay(), &PageMap::default());
    assert_eq!(&bytes[30..38], b"mimetype");
    assert_eq!(&bytes[38..58], b"application/epub+zip");
    let mut archive = zip::ZipArchive::new(Cursor::new(&bytes[..])).unwrap();
    let first = archive.by_index(0).unwrap();
    assert_eq!(first.name(), "mimetype");
    assert_eq!(first.compression(), zip::CompressionMethod::Stored);
}

#[test]
fn package_metadata_comes_from_the_model() {
    let book = essay();
    let map = synthetic_page_map(&book, 2500);
    let files = Unzipped::new(&write(&book, &map));
    let opf = files.opf();
    let doc = parse_xml(&opf).unwrap();
    let package = doc.root_element();
    assert_eq!(package.attribute("unique-identifier"), Some("pub-id"));
    assert_eq!(package.attribute("version"), Some("3.0"));

    let identifier = &dc(&doc, "identifier")[0];
    assert_eq!(identifier.attribute("id"), Some("pub-id"));
    assert_eq!(identifier.text(), Some(book.meta.identifier.as_str()));
    assert!(book.meta.identifier.starts_with("urn:uuid:"));
    assert_eq!(dc(&doc, "identifier").len(), 1);

    let titles: Vec<_> = dc(&doc, "title")
        .iter()
        .map(|t| {
            (
                t.attribute("id").unwrap().to_string(),
                t.text().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        titles,
        [
            ("title".to_string(), "None of Us Are Free".to_string()),
            (
                "subtitle".to_string(),
                "What Kazakhstan Can Learn from Black Lives Matter".to_string()
            )
        ]
    );
    let props = meta_properties(&doc);
    let refined = |id: &str, property: &str| -> Vec<String> {
        props
            .iter()
            .filter(|(p, r, _)| p == property && r.as_deref() == Some(&format!("#{id}")))
            .map(|(_, _, v)| v.clone())
            .collect()
    };
    let top = |property: &str| -> Vec<String> {
        props
            .iter()
            .filter(|(p, r, _)| p == property && r.is_none())
            .map(|(_, _, v)| v.clone())
            .collect()
    };
    assert_eq!(refined("title", "title-type"), ["main"]);
    assert_eq!(refined("subtitle", "title-type"), ["subtitle"]);

    let creators = dc(&doc, "creator");
    assert_eq!(creators.len(), 1);
    assert_eq!(creators[0].text(), Some("Aizada Arystanbek"));
    assert_eq!(
        refined(creators[0].attribute("id").unwrap(), "role"),
        ["aut"]
    );
    let contributors = dc(&doc, "contributor");
    assert_eq!(contributors.len(), 1);
    assert_eq!(contributors[0].text(), Some("Amanda Sonesson"));
    assert_eq!(
        refined(contributors[0].attribute("id").unwrap(), "role"),
        ["ill"]
    );
    let role_scheme = doc
        .descendants()
        .find(|n| {
            n.attribute("refines") == Some("#contributor-1")
                && n.attribute("property") == Some("role")
        })
        .unwrap();
    assert_eq!(role_scheme.attribute("scheme"), Some("marc:relators"));

    let single = |name: &str| {
        dc(&doc, name)
            .first()
            .and_then(|n| n.text())
            .map(str::to_string)
    };
    assert_eq!(single("language").as_deref(), Some("en"));
    assert_eq!(single("publisher").as_deref(), Some("Lossi 36"));
    assert_eq!(single("date").as_deref(), Some("2026-11-25"));
    assert_eq!(
        single("rights").as_deref(),
        Some("© Aizada Arystanbek. All rights reserved.")
    );
    assert_eq!(
        single("source").as_deref(),
        Some("This article was originally published by Lossi 36.")
    );
    assert!(
        single("description")
            .unwrap()
            .starts_with("An essay on why")
    );
    let subjects: Vec<_> = dc(&doc, "subject")
        .iter()
        .map(|s| s.text().unwrap())
        .collect();
    assert_eq!(
        subjects,
        [
            "Kazakhstan",
            "Black Lives Matter",
            "racism",
            "solidarity",
            "Central Asia"
        ]
    );

    // Dated by the input: the newest file read, never before the book's date.
    let newest = ["manuscript", "fonts", "cover"]
        .iter()
        .flat_map(|dir| {
            std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(dir))
                .into_iter()
                .flatten()
        })
        .filter_map(|entry| entry.ok()?.metadata().ok()?.modified().ok())
        .max()
        .unwrap()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert_eq!(
        top("dcterms:modified"),
        [quire::resolve::format_timestamp(newest.max(1_795_564_800))]
    );
    assert_eq!(
        top("pageBreakSource"),
        std::slice::from_ref(&book.meta.print_identifier)
    );
    assert_ne!(book.meta.print_identifier, book.meta.identifier);
    assert_eq!(top("schema:accessMode"), ["textual"]);
    assert_eq!(top("schema:accessModeSufficient"), ["textual"]);
    assert_eq!(
        top("schema:accessibilityFeature"),
        [
            "structuralNavigation",
            "tableOfContents",
            "readingOrder",
            "pageNavigation",
            "printPageNumbers"
        ]
    );
    assert_eq!(top("schema:accessibilityHazard"), ["none"]);
    let summary = &top("schema:accessibilitySummary")[0];
    assert!(summary.contains("1 chapter,"), "{summary}");
    assert!(
        summary.contains("Page numbers of the print edition"),
        "{summary}"
    );
    assert!(summary.contains("no images"), "{summary}");
    assert_eq!(
        top("dcterms:conformsTo"),
        ["EPUB Accessibility 1.1 - WCAG 2.2 Level AA"]
    );
    // Nobody is named as the evaluator unless book.toml names them.
    assert!(top("a11y:certifiedBy").is_empty(), "{opf}");
    // Nothing of epub-builder's own metadata is left.
    assert!(!opf.contains("epub-creator"), "{opf}");
    assert!(!opf.contains("epub-id-1"), "{opf}");
    // EPUB 2 readers find the cover.
    let cover_meta = doc
        .descendants()
        .find(|n| n.has_tag_name((OPF_NS, "meta")) && n.attribute("name") == Some("cover"))
        .unwrap();
    assert_eq!(cover_meta.attribute("content"), Some("cover-image"));
}

#[test]
fn modified_date_follows_source_date_epoch() {
    let options = quire::Options {
        source_date_epoch: Some(1_800_000_000),
        ..quire::Options::default()
    };
    let book = load(&bundled_project(), &options);
    let bytes = write(&book, &PageMap::default());
    let files = Unzipped::new(&bytes);
    let opf = files.opf();
    assert!(
        opf.contains("<meta property=\"dcterms:modified\">2027-01-15T08:00:00Z</meta>"),
        "{opf}"
    );
    // Never earlier than the book's date (2026-11-25).
    let early = quire::Options {
        source_date_epoch: Some(1_700_000_000),
        ..quire::Options::default()
    };
    assert_eq!(
        load(&bundled_project(), &early).meta.modified,
        "2026-11-25T00:00:00Z"
    );
    // Without a page map: no page-list, no pageBreakSource, no page navigation claim.
    assert!(!opf.contains("pageBreakSource"));
    assert!(!opf.contains("pageNavigation"));
    assert!(!opf.contains("printPageNumbers"));
    assert!(!files.nav().contains("page-list"));
    // The archive's timestamps are that instant too (zip keeps even seconds).
    let mut archive = zip::ZipArchive::new(Cursor::new(&bytes[..])).unwrap();
    for i in 0..archive.len() {
        let file = archive.by_index(i).unwrap();
        let t = file.last_modified().unwrap();
        assert_eq!(
            (
                t.year(),
                t.month(),
                t.day(),
                t.hour(),
                t.minute(),
                t.second()
            ),
            (2027, 1, 15, 8, 0, 0),
            "{}",
            file.name()
        );
    }
}

#[test]
fn a_reissue_is_dated_by_its_input_not_its_first_publication() {
    let dir = tempfile::tempdir().unwrap();
    let manuscript = dir.path().join("manuscript");
    std::fs::create_dir_all(&manuscript).unwrap();
    let files = [
        (
            "book.toml",
            "title = \"Moby-Dick\"\nauthors = [\"Herman Melville\"]\ndate = \"1851-10-18\"\n",
        ),
        ("01.md", "# Loomings\n\nCall me Ishmael.\n"),
    ];
    // 2026-01-02T03:04:05Z and an hour earlier.
    let newest = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_767_323_045);
    for (i, (name, text)) in files.iter().enumerate() {
        let path = manuscript.join(name);
        std::fs::write(&path, text).unwrap();
        let file = std::fs::File::options().write(true).open(&path).unwrap();
        file.set_modified(newest - std::time::Duration::from_secs(3600 * i as u64))
            .unwrap();
    }
    let project = Project::load(dir.path()).unwrap();
    assert_eq!(project.input_time(), Some(1_767_323_045));
    let book = load(&project, &quire::Options::default());
    assert_eq!(book.meta.modified, "2026-01-02T03:04:05Z");
    let opf = Unzipped::new(&write(&book, &PageMap::default())).opf();
    assert!(opf.contains("<dc:date>1851-10-18</dc:date>"), "{opf}");
    assert!(
        opf.contains("<meta property=\"dcterms:modified\">2026-01-02T03:04:05Z</meta>"),
        "{opf}"
    );
    // A book dated after its files were last changed is dated by its date.
    std::fs::write(
        manuscript.join("book.toml"),
        "title = \"Moby-Dick\"\ndate = \"2030-05-06\"\n",
    )
    .unwrap();
    let file = std::fs::File::options()
        .write(true)
        .open(manuscript.join("book.toml"))
        .unwrap();
    file.set_modified(newest).unwrap();
    let book = load(
        &Project::load(dir.path()).unwrap(),
        &quire::Options::default(),
    );
    assert_eq!(book.meta.modified, "2030-05-06T00:00:00Z");
}

#[test]
fn the_ncx_is_titled_by_the_book_with_its_depth_and_identifier() {
    let book = essay();
    let files = Unzipped::new(&write(&book, &PageMap::default()));
    let ncx = files.text("OEBPS/toc.ncx");
    let doc = parse_xml(&ncx).unwrap();
    let meta = |name: &str| {
        doc.descendants()
            .find(|n| n.has_tag_name("meta") && n.attribute("name") == Some(name))
            .and_then(|n| n.attribute("content"))
            .map(str::to_string)
    };
    assert_eq!(
        meta("dtb:uid").as_deref(),
        Some(book.meta.identifier.as_str())
    );
    // The essay's chapter has its sections under it: two levels.
    let depth = doc
        .descendants()
        .filter(|n| n.has_tag_name("navPoint"))
        .map(|n| n.ancestors().filter(|a| a.has_tag_name("navPoint")).count())
        .max()
        .unwrap();
    assert_eq!(depth, 2);
    assert_eq!(meta("dtb:depth"), Some(depth.to_string()));
    let title = doc
        .descendants()
        .find(|n| n.has_tag_name("docTitle"))
        .and_then(|t| t.descendants().find(|n| n.has_tag_name("text")))
        .and_then(|t| t.text());
    assert_eq!(title, Some("None of Us Are Free"));
}

#[test]
fn navigation_has_nested_toc_landmarks_and_page_list() {
    let book = essay();
    let map = synthetic_page_map(&book, 2500);
    assert!(map.pages.len() > 8, "{}", map.pages.len());
    let files = Unzipped::new(&write(&book, &map));
    let nav = files.nav();
    let doc = parse_xml(&nav).unwrap();
    let html = doc.root_element();
    assert_eq!(html.attribute("lang"), Some("en"));
    assert_eq!(
        html.attribute(("http://www.w3.org/XML/1998/namespace", "lang")),
        Some("en")
    );
    let navs: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name((XHTML_NS, "nav")))
        .collect();
    let by_type = |t: &str| *navs.iter().find(|n| epub_type(**n) == Some(t)).unwrap();
    assert_eq!(
        navs.iter()
            .filter(|n| epub_type(**n) == Some("toc"))
            .count(),
        1
    );

    // toc: the chapter with its two sections nested under it, then the back matter.
    let toc = by_type("toc");
    let top: Vec<_> = toc
        .children()
        .find(|n| n.has_tag_name((XHTML_NS, "ol")))
        .unwrap()
        .children()
        .filter(|n| n.has_tag_name((XHTML_NS, "li")))
        .collect();
    let link = |li: roxmltree::Node| {
        let a = li
            .children()
            .find(|n| n.has_tag_name((XHTML_NS, "a")))
            .unwrap();
        (
            a.attribute("href").unwrap().to_string(),
            a.text().unwrap().trim().to_string(),
        )
    };
    let titles: Vec<_> = top.iter().map(|li| link(*li)).collect();
    assert_eq!(
        titles,
        [
            (
                "chapter-1.xhtml".to_string(),
                "None of Us Are Free".to_string()
            ),
            (
                "about-the-author.xhtml".to_string(),
                "About the Author".to_string()
            ),
        ]
    );
    let nested: Vec<_> = top[0]
        .descendants()
        .filter(|n| n.has_tag_name((XHTML_NS, "li")) && *n != top[0])
        .map(link)
        .collect();
    assert_eq!(
        nested,
        [
            (
                "chapter-1.xhtml#what-is-behind-the-rage".to_string(),
                "What is behind the rage?".to_string()
            ),
            (
                "chapter-1.xhtml#what-can-we-learn".to_string(),
                "What can we learn?".to_string()
            ),
        ]
    );
    // No deeper than two levels.
    assert!(
        toc.descendants()
            .filter(|n| n.has_tag_name((XHTML_NS, "ol")))
            .all(|ol| ol
                .ancestors()
                .filter(|a| a.has_tag_name((XHTML_NS, "ol")))
                .count()
                <= 2)
    );

    // landmarks
    let landmarks: Vec<(String, String)> = by_type("landmarks")
        .descendants()
        .filter(|n| n.has_tag_name((XHTML_NS, "a")))
        .map(|a| {
            (
                epub_type(a).unwrap().to_string(),
                a.attribute("href").unwrap().to_string(),
            )
        })
        .collect();
    for expected in [
        ("toc", "contents.xhtml"),
        ("titlepage", "title-page.xhtml"),
        ("copyright-page", "copyright.xhtml"),
        ("bodymatter", "chapter-1.xhtml"),
    ] {
        assert!(
            landmarks.contains(&(expected.0.to_string(), expected.1.to_string())),
            "{expected:?} not in {landmarks:?}"
        );
    }

    // page-list: one flat list, one entry per page, in page order.
    let page_list = by_type("page-list");
    assert_eq!(page_list.attribute("role"), Some("doc-pagelist"));
    assert_eq!(page_list.attribute("hidden"), Some(""));
    let ols: Vec<_> = page_list
        .descendants()
        .filter(|n| n.has_tag_name((XHTML_NS, "ol")))
        .collect();
    assert_eq!(ols.len(), 1);
    let entries: Vec<(String, String)> = ols[0]
        .children()
        .filter(|n| n.has_tag_name((XHTML_NS, "li")))
        .map(link)
        .collect();
    let labels: Vec<&str> = entries.iter().map(|(_, l)| l.as_str()).collect();
    let expected: Vec<&str> = map.pages.iter().map(|p| p.label.as_str()).collect();
    assert_eq!(labels, expected);
    assert_eq!(labels[..4], ["i", "ii", "iii", "iv"]);
    for ((href, label), page) in entries.iter().zip(&map.pages) {
        let file = &book.sections[page.section as usize].id;
        assert_eq!(href, &format!("{file}.xhtml#page-{label}"));
    }
}

#[test]
fn every_xhtml_file_is_well_formed_with_language() {
    let book = essay();
    let files = Unzipped::new(&write(&book, &synthetic_page_map(&book, 2500)));
    let names = files.xhtml_names();
    let expected: Vec<String> = book
        .sections
        .iter()
        .map(|s| format!("OEBPS/{}.xhtml", s.id))
        .chain(["OEBPS/nav.xhtml".to_string()])
        .collect();
    for name in &expected {
        assert!(names.contains(name), "{name} missing from {names:?}");
    }
    for name in &names {
        let text = files.text(name);
        let doc = parse_xml(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let html = doc.root_element();
        assert_eq!(html.attribute("lang"), Some("en"), "{name}");
        assert_eq!(
            html.attribute(("http://www.w3.org/XML/1998/namespace", "lang")),
            Some("en"),
            "{name}"
        );
    }
}

#[test]
fn generated_pages_carry_their_lines() {
    let book = essay();
    let files = Unzipped::new(&write(&book, &PageMap::default()));
    let copyright = files.text("OEBPS/copyright.xhtml");
    let doc = parse_xml(&copyright).unwrap();
    let paragraphs: Vec<(String, String)> = doc
        .descendants()
        .filter(|n| n.has_tag_name((XHTML_NS, "p")))
        .map(|p| {
            (
                p.attribute("class").unwrap_or_default().to_string(),
                p.descendants()
                    .filter(|n| n.is_text())
                    .map(|n| n.text().unwrap())
                    .collect(),
            )
        })
        .collect();
    assert!(
        paragraphs.contains(&("credit".into(), "Illustration by Amanda Sonesson.".into())),
        "{paragraphs:?}"
    );
    assert!(paragraphs.contains(&(
        "notice".into(),
        "This article was originally published by Lossi 36.".into()
    )));
    let section = doc
        .descendants()
        .find(|n| n.has_tag_name((XHTML_NS, "section")))
        .unwrap();
    assert_eq!(epub_type(section), Some("copyright-page"));

    let title_page = files.text("OEBPS/title-page.xhtml");
    let doc = parse_xml(&title_page).unwrap();
    let h1 = doc
        .descendants()
        .find(|n| n.has_tag_name((XHTML_NS, "h1")))
        .unwrap();
    assert_eq!(h1.text(), Some("None of Us Are Free"));
    for (class, text) in [
        (
            "subtitle",
            "What Kazakhstan Can Learn from Black Lives Matter",
        ),
        ("author", "Aizada Arystanbek"),
        ("publisher", "Lossi 36"),
    ] {
        let p = doc
            .descendants()
            .find(|n| n.attribute("class") == Some(class))
            .unwrap_or_else(|| panic!("no {class}"));
        assert_eq!(p.text(), Some(text));
    }

    // The visible contents: links to sections and headings, no page numbers.
    let contents = files.text("OEBPS/contents.xhtml");
    let doc = parse_xml(&contents).unwrap();
    let links: Vec<(&str, &str)> = doc
        .descendants()
        .filter(|n| n.has_tag_name((XHTML_NS, "a")))
        .map(|a| (a.attribute("href").unwrap(), a.text().unwrap()))
        .collect();
    assert_eq!(
        links,
        [
            ("chapter-1.xhtml", "None of Us Are Free"),
            (
                "chapter-1.xhtml#what-is-behind-the-rage",
                "What is behind the rage?"
            ),
            ("chapter-1.xhtml#what-can-we-learn", "What can we learn?"),
            ("about-the-author.xhtml", "About the Author"),
        ]
    );
    let h1 = doc
        .descendants()
        .find(|n| n.has_tag_name((XHTML_NS, "h1")))
        .unwrap();
    assert_eq!(h1.text(), Some("Contents"));

    // Chapter: the first paragraph after a heading is not indented; the rest are.
    let chapter = files.text("OEBPS/chapter-1.xhtml");
    let doc = parse_xml(&chapter).unwrap();
    let section = doc
        .descendants()
        .find(|n| n.has_tag_name((XHTML_NS, "section")))
        .unwrap();
    assert_eq!(epub_type(section), Some("chapter"));
    assert_eq!(section.attribute("role"), Some("doc-chapter"));
    let classes: Vec<Option<&str>> = doc
        .descendants()
        .filter(|n| n.has_tag_name((XHTML_NS, "p")))
        .map(|p| p.attribute("class"))
        .take(3)
        .collect();
    assert_eq!(classes, [Some("noindent"), None, None]);
    let body = doc
        .descendants()
        .find(|n| n.has_tag_name((XHTML_NS, "body")))
        .unwrap();
    assert_eq!(epub_type(body), Some("bodymatter"));
}

#[test]
fn page_markers_sit_where_the_page_map_says() {
    let book = essay();
    let map = synthetic_page_map(&book, 1500);
    assert!(
        map.pages.iter().any(|p| p.at.offset > 0),
        "the map has pages starting mid-paragraph"
    );
    assert!(map.pages.iter().any(|p| p.blank));
    check_page_markers(&book, &map, &Unzipped::new(&write(&book, &map)));
}

fn find_leaf(book: &Book, id: quire::model::BlockId) -> &Block {
    book.sections
        .iter()
        .flat_map(leaves)
        .find(|b| b.id == id)
        .unwrap()
}

fn check_page_markers(book: &Book, map: &PageMap, files: &Unzipped) {
    let mut documents: BTreeMap<String, String> = BTreeMap::new();
    for page in &map.pages {
        let file = format!("OEBPS/{}.xhtml", book.sections[page.section as usize].id);
        let text = documents
            .entry(file.clone())
            .or_insert_with(|| files.text(&file));
        let doc = parse_xml(text).unwrap();
        let id = format!("page-{}", page.label);
        let spans: Vec<_> = doc
            .descendants()
            .filter(|n| n.attribute("id") == Some(id.as_str()))
            .collect();
        assert_eq!(spans.len(), 1, "{id} in {file}");
        let span = spans[0];
        assert!(span.has_tag_name((XHTML_NS, "span")));
        assert_eq!(epub_type(span), Some("pagebreak"));
        assert_eq!(span.attribute("role"), Some("doc-pagebreak"));
        assert_eq!(span.attribute("aria-label"), Some(page.label.as_str()));
        assert!(span.first_child().is_none());
        let leaf = find_leaf(book, page.at.block);
        let expected: String = block_text(leaf)
            .unwrap()
            .chars()
            .skip(page.at.offset as usize)
            .take_while(|c| !c.is_whitespace())
            .collect();
        let following = text_after(&doc, span, expected.chars().count() + 1);
        assert!(
            following.starts_with(&expected),
            "page {}: expected {expected:?}, found {following:?}",
            page.label
        );
    }
}

#[test]
fn cover_is_in_the_manifest_once_and_never_in_the_spine() {
    let book = essay();
    let files = Unzipped::new(&write(&book, &PageMap::default()));
    let opf = files.opf();
    let doc = parse_xml(&opf).unwrap();
    let items: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name((OPF_NS, "item")))
        .collect();
    let covers: Vec<_> = items
        .iter()
        .filter(|i| i.attribute("properties") == Some("cover-image"))
        .collect();
    assert_eq!(covers.len(), 1);
    let cover_item = covers[0];
    assert_eq!(cover_item.attribute("media-type"), Some("image/jpeg"));
    let href = cover_item.attribute("href").unwrap();
    assert_eq!(files.files[&format!("OEBPS/{href}")], cover());
    // Nothing else points at the cover file, and no page shows it.
    assert_eq!(
        items
            .iter()
            .filter(|i| i.attribute("href") == Some(href))
            .count(),
        1
    );
    let cover_id = cover_item.attribute("id").unwrap();
    let spine: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name((OPF_NS, "itemref")))
        .map(|n| n.attribute("idref").unwrap())
        .collect();
    assert!(!spine.contains(&cover_id));
    assert_eq!(spine.len(), book.sections.len());
    for name in files.xhtml_names() {
        assert!(!files.text(&name).contains(href), "{name} shows the cover");
    }
    // The spine follows the book's sections.
    let hrefs: BTreeMap<&str, &str> = items
        .iter()
        .map(|i| (i.attribute("id").unwrap(), i.attribute("href").unwrap()))
        .collect();
    let spine_files: Vec<&str> = spine.iter().map(|id| hrefs[id]).collect();
    let expected: Vec<String> = book
        .sections
        .iter()
        .map(|s| format!("{}.xhtml", s.id))
        .collect();
    assert_eq!(spine_files, expected);
}

#[test]
fn two_writes_are_byte_identical() {
    let book = essay();
    let map = synthetic_page_map(&book, 2500);
    let first = write(&book, &map);
    // Long enough for any clock-derived timestamp to differ.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let second = write(&book, &map);
    assert!(first == second, "two builds differ");
    // No Apple display-options file: there are no embedded fonts to ask for.
    let files = Unzipped::new(&first);
    assert!(!files.names.iter().any(|n| n.contains("com.apple.ibooks")));
    assert_eq!(files.names[0], "mimetype");
    assert_eq!(files.names[1], "META-INF/container.xml");
}

#[test]
fn stylesheet_leaves_the_body_to_the_reader() {
    let files = Unzipped::new(&write(&essay(), &PageMap::default()));
    let css = files.text("OEBPS/stylesheet.css");
    assert!(!css.contains("body"));
    assert!(!css.contains("@font-face"));
    assert!(css.contains("text-indent: 1.3em"));
}

// ---------------------------------------------------------------- hostile input

#[test]
fn hostile_manuscript_stays_well_formed() {
    let book = hostile();
    let map = synthetic_page_map(&book, 300);
    let files = Unzipped::new(&write(&book, &map));
    for name in files.xhtml_names() {
        let text = files.text(&name);
        parse_xml(&text).unwrap_or_else(|e| panic!("{name}: {e}\n{text}"));
        assert!(!text.contains("<script"), "{name}");
        // No raw HTML copied in: the only divisions are quire's own stanzas.
        assert!(
            !text.replace("<div class=\"stanza\">", "").contains("<div"),
            "{name}"
        );
        let lower = text.to_ascii_lowercase();
        assert!(!lower.contains("href=\"javascript"), "{name}");
        assert!(!lower.contains("href=\"data"), "{name}");
    }
    parse_xml(&files.opf()).unwrap();
    parse_xml(&files.text("OEBPS/toc.ncx")).unwrap();

    let chapter_file = format!("OEBPS/{}.xhtml", book.sections[4].id);
    assert_ne!(chapter_file, "OEBPS/nav.xhtml");
    let chapter = files.text(&chapter_file);
    let doc = parse_xml(&chapter).unwrap();
    let all_text: String = doc
        .descendants()
        .filter(|n| n.is_text())
        .map(|n| n.text().unwrap())
        .collect();
    // Raw HTML arrives as text.
    assert!(all_text.contains("<script>alert("), "{all_text}");
    assert!(
        all_text.contains("</script> and <b onclick='evil()'>bold</b>"),
        "{all_text}"
    );
    assert!(all_text.contains("a bell \u{fffd} here"), "{all_text}");
    assert!(all_text.contains("]]>"));
    // Only web and mail links are links.
    let hrefs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name((XHTML_NS, "a")))
        .filter_map(|a| a.attribute("href"))
        .filter(|h| !h.starts_with('#'))
        .collect();
    assert_eq!(
        hrefs,
        [
            "https://example.com/a%20b?q=1&r=2",
            "mailto:someone@example.com",
            "https://example.com/",
            "https://example.com",
        ]
    );
    assert!(all_text.contains("script link"));
    // Deep nesting survives, level for level.
    let deepest = doc
        .descendants()
        .filter(|n| n.has_tag_name((XHTML_NS, "blockquote")))
        .map(|n| {
            n.ancestors()
                .filter(|a| a.has_tag_name((XHTML_NS, "blockquote")))
                .count()
        })
        .max()
        .unwrap();
    assert_eq!(deepest, 50);
    let deepest_list = doc
        .descendants()
        .filter(|n| n.has_tag_name((XHTML_NS, "ul")))
        .map(|n| {
            n.ancestors()
                .filter(|a| a.has_tag_name((XHTML_NS, "ul")))
                .count()
        })
        .max()
        .unwrap();
    assert_eq!(deepest_list, 50);
    // Ordered list keeps its first number.
    assert!(
        doc.descendants()
            .any(|n| n.has_tag_name((XHTML_NS, "ol")) && n.attribute("start") == Some("3"))
    );
    // Ids are unique, and every internal link lands on one.
    let ids: Vec<&str> = doc
        .descendants()
        .filter_map(|n| n.attribute("id"))
        .collect();
    let unique: std::collections::BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(ids.len(), unique.len(), "{ids:?}");
    for a in doc
        .descendants()
        .filter(|n| n.has_tag_name((XHTML_NS, "a")))
    {
        if let Some(fragment) = a.attribute("href").and_then(|h| h.strip_prefix('#')) {
            assert!(unique.contains(fragment), "#{fragment} has no target");
        }
    }
    // Footnotes: references link to footnote asides, which link back; a repeated reference gets its own id.
    let noterefs: Vec<_> = doc
        .descendants()
        .filter(|n| epub_type(*n) == Some("noteref"))
        .collect();
    assert_eq!(noterefs.len(), 4);
    assert_eq!(noterefs[0].attribute("href"), noterefs[1].attribute("href"));
    assert_ne!(noterefs[0].attribute("id"), noterefs[1].attribute("id"));
    let notes: Vec<_> = doc
        .descendants()
        .filter(|n| epub_type(*n) == Some("footnote"))
        .collect();
    assert_eq!(notes.len(), 3);
    for note in &notes {
        assert!(note.has_tag_name((XHTML_NS, "aside")));
        assert_eq!(note.attribute("role"), Some("doc-footnote"));
        let first_link = note
            .descendants()
            .find(|n| n.has_tag_name((XHTML_NS, "a")))
            .unwrap();
        assert_eq!(
            first_link.attribute("role"),
            Some("doc-backlink"),
            "the back-link comes first"
        );
    }
    // No `a` inside an `a`.
    for a in doc
        .descendants()
        .filter(|n| n.has_tag_name((XHTML_NS, "a")))
    {
        assert!(
            a.ancestors()
                .skip(1)
                .all(|p| !p.has_tag_name((XHTML_NS, "a")))
        );
    }
    // Figures: both images once each, the large one scaled to at most 4 MP.
    let images: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name((XHTML_NS, "img")))
        .map(|n| {
            (
                n.attribute("src").unwrap().to_string(),
                n.attribute("alt").unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(images.len(), 2);
    assert_eq!(images[0].1, "A small picture");
    let figcaption = doc
        .descendants()
        .find(|n| n.has_tag_name((XHTML_NS, "figcaption")))
        .unwrap();
    assert_eq!(figcaption.text(), Some("A caption with <tags> & notes"));
    let small = &files.files[&format!("OEBPS/{}", images[0].0)];
    assert_eq!(
        &small[..],
        &book.images[0].bytes[..],
        "small images are copied untouched"
    );
    let large = image::load_from_memory(&files.files[&format!("OEBPS/{}", images[1].0)]).unwrap();
    let (w, h) = (large.width(), large.height());
    assert!(u64::from(w) * u64::from(h) <= 4_000_000, "{w}×{h}");
    assert!(u64::from(w) * u64::from(h) > 3_900_000, "{w}×{h}");
    assert_eq!(
        (w as f64 / h as f64 * 100.0).round(),
        (2600.0f64 / 1800.0 * 100.0).round()
    );
    let opf = files.opf();
    assert_eq!(opf.matches("image/png").count(), 2);
    assert!(opf.contains("<meta property=\"schema:accessMode\">visual</meta>"));
    assert!(opf.contains("alternativeText"));
    assert!(opf.contains("Hostile &lt;Book&gt; &amp; Co"));
    // With ISBNs: the ebook's identifies the EPUB, the print edition's is the page source.
    assert!(opf.contains("<dc:identifier id=\"pub-id\">urn:isbn:9780306406157</dc:identifier>"));
    assert!(opf.contains("<meta property=\"pageBreakSource\">urn:isbn:9780000000002</meta>"));
    check_page_markers(&book, &map, &files);
}

// ---------------------------------------------------------------- EPUBCheck

#[test]
fn epubcheck_catches_a_broken_epub() {
    // The essay without its language: EPUBCheck must object, and the check must see it.
    let bytes = write(&essay(), &PageMap::default());
    let mut archive = zip::ZipArchive::new(Cursor::new(&bytes[..])).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let mut data = Vec::new();
        file.read_to_end(&mut data).unwrap();
        let name = file.name().to_string();
        if name.ends_with("content.opf") {
            data = String::from_utf8(data)
                .unwrap()
                .replace("<dc:language>en</dc:language>", "")
                .into_bytes();
        }
        let options =
            zip::write::SimpleFileOptions::default().compression_method(file.compression());
        out.start_file(name, options).unwrap();
        std::io::Write::write_all(&mut out, &data).unwrap();
    }
    let broken = out.finish().unwrap().into_inner();
    if let Some((passed, problems, report)) = run_epubcheck("broken", &broken) {
        assert!(!passed, "{report}");
        assert!(problems.iter().any(|p| p.starts_with("ERROR")), "{report}");
    }
}

#[test]
fn epubcheck_passes_the_essay() {
    let book = essay();
    epubcheck("essay", &write(&book, &synthetic_page_map(&book, 2500)));
}

#[test]
fn epubcheck_passes_the_essay_without_page_map() {
    epubcheck("essay-no-pages", &write(&essay(), &PageMap::default()));
}

#[test]
fn epubcheck_passes_the_hostile_manuscript() {
    let book = hostile();
    epubcheck("hostile", &write(&book, &synthetic_page_map(&book, 300)));
}

#[test]
fn moby_dick_is_valid_and_fast() {
    let Some(book) = moby_dick() else { return };
    assert_eq!(book.chapters().count(), 138);
    let map = synthetic_page_map(&book, 2000);
    let cover = cover();
    // Best of three (the machine may be busy), and all three identical.
    let mut best = std::time::Duration::MAX;
    let mut outputs = Vec::new();
    for _ in 0..3 {
        let started = std::time::Instant::now();
        let bytes = quire::epub::write(&book, &map, &cover).unwrap();
        best = best.min(started.elapsed());
        outputs.push(bytes);
    }
    assert!(outputs.windows(2).all(|w| w[0] == w[1]));
    let bytes = outputs.pop().unwrap();
    eprintln!(
        "Moby-Dick: {} pages, {} KB EPUB, written in {:.1} ms",
        map.pages.len(),
        bytes.len() / 1024,
        best.as_secs_f64() * 1000.0
    );
    let files = Unzipped::new(&bytes);
    assert_eq!(files.xhtml_names().len(), book.sections.len() + 1);
    check_page_markers(&book, &map, &files);
    epubcheck("moby-dick", &bytes);
}

// ---------------------------------------------------------------- any input

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn any_markdown_and_any_page_map_give_a_well_formed_epub() {
    const PIECES: [&str; 40] = [
        "word ",
        "Ünïcode ",
        "*",
        "_",
        "**",
        "`",
        "[",
        "](",
        ")",
        "<",
        ">",
        "&",
        "&amp;",
        "\"",
        "'",
        "\n\n",
        "\n",
        "  \n",
        "> ",
        "- ",
        "1. ",
        "7) ",
        "```\n",
        "[^a]",
        "[^b]",
        "\n\n[^a]: note ",
        "\n\n[^b]: - item\n",
        "# ",
        "## ",
        "### ",
        "---\n",
        "***\n",
        "<script>",
        "</div>",
        "javascript:x()",
        "https://example.com",
        "<https://e.com/a>",
        "\u{7}",
        "\u{0}",
        "    code\n",
    ];
    const LABELS: [&str; 6] = ["1", "ii", "a b", "<x>", "", "1"];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let cover = cover();
    let mut written = 0;
    for round in 0..120 {
        let mut markdown = String::new();
        for _ in 0..rng.below(120) {
            markdown.push_str(PIECES[rng.below(PIECES.len())]);
        }
        let project = Project::from_files([
            (
                "manuscript/book.toml",
                b"title = \"Fuzz\"\nauthors = [\"F\"]\ndate = \"2024-01-01\"\n".to_vec(),
            ),
            ("manuscript/a.md", markdown.clone().into_bytes()),
        ]);
        let Ok((book, _)) = quire::load_book(&project, &quire::Options::default()) else {
            continue; // the manuscript was refused (e.g. nesting); nothing to write
        };
        let count = book.block_count.max(1) as usize;
        let pages = (0..rng.below(12))
            .map(|_| PageStart {
                label: LABELS[rng.below(LABELS.len())].to_string(),
                section: rng.below(book.sections.len() + 2) as u32,
                at: TextPos {
                    block: quire::model::BlockId(rng.below(count + 3) as u32),
                    offset: rng.below(200) as u32,
                },
                blank: rng.below(4) == 0,
            })
            .collect();
        let map = PageMap { pages };
        let bytes = quire::epub::write(&book, &map, &cover)
            .unwrap_or_else(|e| panic!("round {round}: {e}\n{markdown:?}"));
        if let Ok(keep) = std::env::var("QUIRE_KEEP_EPUB") {
            std::fs::write(Path::new(&keep).join(format!("fuzz-{round}.epub")), &bytes).unwrap();
        }
        let files = Unzipped::new(&bytes);
        let mut ids = Vec::new();
        for name in files.xhtml_names() {
            let text = files.text(&name);
            let doc = parse_xml(&text)
                .unwrap_or_else(|e| panic!("round {round}, {name}: {e}\n{markdown:?}\n{text}"));
            let file = name.trim_start_matches("OEBPS/").to_string();
            ids.extend(
                doc.descendants()
                    .filter_map(|n| n.attribute("id"))
                    .map(|id| format!("{file}#{id}")),
            );
        }
        let unique: std::collections::BTreeSet<&String> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len(), "round {round}: duplicate ids");
        // Every page-list entry lands on a marker, in page order.
        let nav = files.nav();
        let nav_doc = parse_xml(&nav).unwrap();
        let targets: Vec<&str> = nav_doc
            .descendants()
            .filter(|n| epub_type(*n) == Some("page-list"))
            .flat_map(|n| n.descendants())
            .filter_map(|n| n.attribute("href"))
            .collect();
        assert_eq!(targets.len(), map.pages.len(), "round {round}");
        for target in targets {
            assert!(
                unique.contains(&target.to_string()),
                "round {round}: {target}"
            );
        }
        parse_xml(&files.opf()).unwrap();
        written += 1;
    }
    assert!(written > 100, "only {written} manuscripts were accepted");
}
