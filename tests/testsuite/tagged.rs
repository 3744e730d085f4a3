//! The tagged PDF read back as a screen reader meets it: poppler's
//! `pdfinfo -struct-text` (which CI installs) prints the structure tree's
//! text, and the model's words must come out of it in reading order, whole
//! (a hyphen added at a line's end is an artifact, lines and words a space
//! apart); every page's content is tagged or an artifact, every chapter is
//! one `H1`, and the catalog and the XMP packet say what a tagged file says.

use crate::common;

use quire::model::{BlockKind, Book, SectionKind, block_text, walk_blocks};
use quire::{Formats, Options};

fn pdf_options() -> Options {
    Options {
        formats: Formats {
            epub: false,
            pdf: true,
        },
        source_date_epoch: None,
        stores: None,
    }
}

/// The interior PDF and the model it was built from.
fn build(project: &quire::project::Project) -> (Vec<u8>, Book) {
    let options = pdf_options();
    let outputs = quire::build(project, &options).unwrap_or_else(|e| panic!("{e}"));
    let pdf = outputs
        .files
        .into_iter()
        .find(|f| f.name.ends_with(".pdf") && !f.name.ends_with("-cover.pdf"))
        .expect("an interior PDF")
        .bytes;
    let (book, _) = quire::load_book(project, &options).unwrap_or_else(|e| panic!("{e}"));
    (pdf, book)
}

/// `pdfinfo -struct-text`: each element on a line of its own, its text as
/// quoted strings under it.
fn struct_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdfinfo")
        .arg("-struct-text")
        .arg(&path)
        .output()
        .expect("pdfinfo (poppler-utils) is installed");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A word as compared: lower case, without the punctuation around it (a
/// hyphen inside it stays, so a hyphen added at a line's end would show).
fn normal(word: &str) -> String {
    word.trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase()
}

fn words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .map(normal)
        .filter(|w| !w.is_empty())
        .collect()
}

/// The words of the tree's text in order: the strings of one element run
/// together as the tree gives them (the spaces are in the text); another
/// element starts a new word.
fn tree_words(listing: &str) -> Vec<String> {
    let mut text = String::new();
    for line in listing.lines() {
        let line = line.trim();
        if line.len() >= 2 && line.starts_with('"') && line.ends_with('"') {
            text.push_str(&line[1..line.len() - 1]);
        } else {
            text.push(' ');
        }
    }
    words(&text)
}

/// The model's words in reading order: the sections' blocks, and apart from
/// them each section's notes.
fn model_words(book: &Book) -> (Vec<String>, Vec<String>) {
    let (mut text, mut notes) = (String::new(), String::new());
    for section in &book.sections {
        walk_blocks(&section.blocks, &mut |block| {
            if let Some(t) = block_text(block) {
                text.push_str(&t);
                text.push(' ');
            }
        });
        for note in &section.notes {
            walk_blocks(&note.blocks, &mut |block| {
                if let Some(t) = block_text(block) {
                    notes.push_str(&t);
                    notes.push(' ');
                }
            });
        }
    }
    (words(&text), words(&notes))
}

/// Every word of `wanted`, in order, among `found` (which may hold more:
/// chapter labels, page numbers, the contents' folios).
fn assert_in_order(wanted: &[String], found: &[String], what: &str) {
    let mut at = 0;
    for (i, word) in wanted.iter().enumerate() {
        match found[at..].iter().position(|w| w == word) {
            Some(k) => at += k + 1,
            None => panic!(
                "{what}: word {i} “{word}” is not in the structure tree's text after “{}” (the model: “… {}”)",
                found[at.saturating_sub(12)..at].join(" "),
                wanted[i.saturating_sub(12)..=i].join(" ")
            ),
        }
    }
}

fn check_reads_in_order(project: &quire::project::Project, what: &str) {
    let (pdf, book) = build(project);
    let listing = struct_text(&pdf);
    let found = tree_words(&listing);
    let (body, notes) = model_words(&book);
    assert!(body.len() > 100, "{what}: {} words", body.len());
    assert_in_order(&body, &found, what);
    assert_in_order(&notes, &found, what);
    // Every chapter is one H1: one per section that opens with a title or a label.
    let titled = book
        .sections
        .iter()
        .filter(|s| {
            s.label.is_some()
                || s.blocks
                    .first()
                    .is_some_and(|b| matches!(b.kind, BlockKind::Heading { level: 1, .. }))
        })
        .count();
    let h1 = listing.lines().filter(|l| l.trim() == "H1 (block)").count();
    assert_eq!(h1, titled, "{what}: one H1 per titled section\n{listing}");
    let chapters = book
        .sections
        .iter()
        .filter(|s| s.kind == SectionKind::Chapter)
        .count();
    assert!(chapters >= 1 && h1 >= chapters, "{what}");
    let tagging = quire::check::tagged::read(&pdf).unwrap();
    assert!(tagging.tree && tagging.marked, "{what}: {tagging:?}");
    assert_eq!(tagging.untagged, Vec::<(usize, String)>::new(), "{what}");
    assert_eq!(tagging.heading_gaps(), Vec::<(u8, u8)>::new(), "{what}");
    assert_eq!(tagging.figures_without_alt, 0, "{what}");
    assert_eq!(tagging.pages_without_tabs, 0, "{what}");
    assert_eq!(tagging.lang.as_deref(), Some(book.meta.language.as_str()));
}

#[test]
fn the_essay_reads_in_order_from_its_structure_tree() {
    check_reads_in_order(&common::bundled(), "the essay");
}

#[test]
fn every_construct_reads_in_order_in_every_style() {
    for style in ["plain", "classic", "modern"] {
        let project = common::everything(&format!("style = \"{style}\"\n"));
        check_reads_in_order(&project, style);
    }
}

#[test]
fn the_tree_has_the_structure_of_the_book() {
    let (pdf, _) = build(&common::everything(""));
    let listing = struct_text(&pdf);
    let names: Vec<&str> = listing
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('"') && !l.starts_with('/'))
        .map(|l| l.split([' ', ':']).next().unwrap_or(""))
        .collect();
    for name in [
        "Document",
        "Part",
        "Sect",
        "H1",
        "H2",
        "P",
        "BlockQuote",
        "L",
        "LI",
        "Lbl",
        "LBody",
        "Table",
        "TR",
        "TH",
        "TD",
        "Caption",
        "Code",
        "TOC",
        "TOCI",
        "Reference",
        "Note",
    ] {
        assert!(names.contains(&name), "no {name} in\n{listing}");
    }
    // A header cell says what it heads.
    assert!(listing.contains("/Scope /Column"), "{listing}");
    // A part holds its chapters.
    let part = names.iter().position(|n| *n == "Part").unwrap();
    assert_eq!(names[part + 1], "H1");
    assert_eq!(names[part + 2], "Sect");
}

#[test]
fn the_catalog_and_the_xmp_declare_the_tagging() {
    for (toml, x) in [("", false), ("[print]\npdf-x = \"x-4\"\n", true)] {
        let project = common::project(&[
            (
                "manuscript/book.toml",
                &format!(
                    "title = \"Tagged\"\nauthors = [\"A. Writer\"]\nlanguage = \"en-GB\"\ndate = \"2026-01-01\"\n{toml}"
                ),
            ),
            ("manuscript/01.md", "# One\n\nA first chapter.\n"),
        ]);
        let (pdf, _) = build(&project);
        let doc = lopdf::Document::load_mem(&pdf).unwrap();
        let catalog = doc.catalog().unwrap();
        assert_eq!(catalog.get(b"Lang").unwrap().as_str().unwrap(), b"en-GB");
        let preferences = catalog
            .get(b"ViewerPreferences")
            .unwrap()
            .as_dict()
            .unwrap();
        assert!(
            preferences
                .get(b"DisplayDocTitle")
                .unwrap()
                .as_bool()
                .unwrap()
        );
        let metadata = catalog.get(b"Metadata").unwrap().as_reference().unwrap();
        let packet = doc.get_object(metadata).unwrap().as_stream().unwrap();
        let xmp = String::from_utf8_lossy(&packet.content);
        assert!(xmp.contains("<pdfuaid:part>1</pdfuaid:part>"), "{xmp}");
        assert!(xmp.contains("<dc:title>"), "{xmp}");
        // Both claims in one packet when PDF/X is on.
        assert_eq!(xmp.contains("GTS_PDFXVersion>PDF/X-4"), x, "{xmp}");
        assert_eq!(xmp.matches("<?xpacket begin").count(), 1);
    }
}

/// Text of one page (from 1) with pdftotext, words joined by single spaces.
fn page_text(pdf: &[u8], page: usize) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-f", &page.to_string(), "-l", &page.to_string()])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A PDF text string: UTF-16BE after its byte-order mark, else as it is.
fn text_of(bytes: &[u8]) -> String {
    match bytes.strip_prefix(&[0xfe, 0xff]) {
        Some(utf16) => String::from_utf16_lossy(
            &utf16
                .chunks(2)
                .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
                .collect::<Vec<_>>(),
        ),
        None => String::from_utf8_lossy(bytes).into_owned(),
    }
}

fn dict<'a>(doc: &'a lopdf::Document, object: &'a lopdf::Object) -> &'a lopdf::Dictionary {
    match object {
        lopdf::Object::Reference(id) => doc.get_dictionary(*id).unwrap(),
        other => other.as_dict().unwrap(),
    }
}

#[test]
fn links_lead_to_their_targets_and_are_tagged() {
    let (pdf, _) = build(&common::everything(""));
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let pages: Vec<lopdf::ObjectId> = doc.get_pages().into_values().collect();
    let page_of = |id: lopdf::ObjectId| pages.iter().position(|p| *p == id).unwrap() + 1;
    let catalog = doc.catalog().unwrap();
    let root = dict(&doc, catalog.get(b"StructTreeRoot").unwrap());
    let parent_tree = dict(&doc, root.get(b"ParentTree").unwrap());
    let nums = parent_tree.get(b"Nums").unwrap().as_array().unwrap();
    let (mut uri, mut places, mut back) = (0, 0, 0);
    for (number, &page) in pages.iter().enumerate() {
        let Ok(annots) = doc.get_dictionary(page).unwrap().get(b"Annots") else {
            continue;
        };
        for annot in annots.as_array().unwrap() {
            let id = annot.as_reference().unwrap();
            let a = doc.get_dictionary(id).unwrap();
            let contents = text_of(a.get(b"Contents").unwrap().as_str().unwrap());
            assert!(!contents.is_empty());
            // Its structure element is a Link holding it.
            let key = a.get(b"StructParent").unwrap().as_i64().unwrap();
            let at = nums
                .chunks(2)
                .find(|pair| pair[0].as_i64().unwrap() == key)
                .expect("the annotation is in the parent tree");
            let link = dict(&doc, &at[1]);
            assert_eq!(link.get(b"S").unwrap().as_name().unwrap(), b"Link");
            let kids = match link.get(b"K").unwrap() {
                lopdf::Object::Array(kids) => kids.clone(),
                kid => vec![kid.clone()],
            };
            assert!(kids.iter().any(|k| {
                k.as_dict()
                    .ok()
                    .and_then(|d| d.get(b"Obj").ok())
                    .and_then(|o| o.as_reference().ok())
                    == Some(id)
            }));
            if let Ok(action) = a.get(b"A") {
                let action = dict(&doc, action);
                assert_eq!(
                    action.get(b"URI").unwrap().as_str().unwrap(),
                    b"https://www.w3.org/TR/epub-33/"
                );
                uri += 1;
                continue;
            }
            let dest = a.get(b"Dest").unwrap().as_array().unwrap();
            let target = page_of(dest[0].as_reference().unwrap());
            let text = page_text(&pdf, target);
            if let Some(title) = contents.strip_prefix("Go to ") {
                // The preface has no heading: its page opens with its words.
                let shown = if title == "Preface" {
                    "This preface has no heading"
                } else {
                    title
                };
                if !title.contains('…') {
                    assert!(
                        text.contains(shown),
                        "page {} links “{contents}” to page {target}: {text}",
                        number + 1
                    );
                }
                places += 1;
            } else if contents.starts_with("Note") {
                assert!(text.contains("This file has no heading"), "{text}");
                places += 1;
            } else {
                assert!(contents.starts_with("Back to the reference"), "{contents}");
                assert_eq!(target, number + 1, "the note is on its reference's page");
                back += 1;
            }
        }
    }
    // Seven contents entries, four cross-references, a note and its way back, a web link (on two lines).
    assert!(
        places >= 12 && back == 1 && uri >= 1,
        "{places} {back} {uri}"
    );

    // Bookmarks: the contents and its entries, a part's chapters under it.
    let outlines = dict(&doc, catalog.get(b"Outlines").unwrap());
    let mut titles = Vec::new();
    let mut item = outlines.get(b"First").ok().map(|f| dict(&doc, f));
    while let Some(entry) = item {
        let title = text_of(entry.get(b"Title").unwrap().as_str().unwrap());
        let children = entry.get(b"First").ok().map_or(0, |first| {
            let mut n = 0;
            let mut child = Some(dict(&doc, first));
            while let Some(c) = child {
                n += 1;
                child = c.get(b"Next").ok().map(|next| dict(&doc, next));
            }
            n
        });
        titles.push((title, children));
        item = entry.get(b"Next").ok().map(|next| dict(&doc, next));
    }
    assert!(
        titles.contains(&("Part One: Prose and Tables".to_string(), 2)),
        "{titles:?}"
    );
    assert_eq!(titles[0].0, "Contents", "{titles:?}");
    // The document opens at the title page.
    let open = catalog.get(b"OpenAction").unwrap().as_array().unwrap();
    let opening = page_of(open[0].as_reference().unwrap());
    assert!(
        page_text(&pdf, opening).contains("A Test of the Manuscript Language"),
        "{}",
        page_text(&pdf, opening)
    );
}

#[test]
fn a_pdf_x_file_keeps_its_links_out_of_the_trim() {
    let mut project = common::everything("");
    let toml = std::fs::read_to_string(
        common::root().join("tests/fixtures/everything/manuscript/book.toml"),
    )
    .unwrap()
    .replace("[print]\n", "[print]\npdf-x = \"x-4\"\n");
    project.insert("manuscript/book.toml".to_string(), toml.into_bytes());
    let (pdf, _) = build(&project);
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    for (_, page) in doc.get_pages() {
        let annots = doc.get_dictionary(page).unwrap().get(b"Annots");
        assert!(
            annots.map_or(true, |a| a.as_array().unwrap().is_empty()),
            "a link annotation in a PDF/X interior"
        );
    }
    // Still tagged, with its bookmarks.
    assert!(doc.catalog().unwrap().get(b"Outlines").is_ok());
    let tagging = quire::check::tagged::read(&pdf).unwrap();
    assert!(tagging.tree && tagging.untagged.is_empty());
}

#[test]
fn the_tree_is_written_compactly_except_in_pdf_1_3() {
    // The structure tree's small objects go in compressed object streams…
    let (plain, _) = build(&common::everything(""));
    let contains = |bytes: &[u8], needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    assert!(plain.starts_with(b"%PDF-1.7"));
    assert!(contains(&plain, b"/ObjStm"));
    // …and the marked-content properties are written on one line.
    let doc = lopdf::Document::load_mem(&plain).unwrap();
    let first = *doc.get_pages().values().nth(4).unwrap();
    let content = doc.get_page_content(first);
    assert!(
        contains(&content, b"/Span<</MCID 0>>BDC"),
        "{}",
        String::from_utf8_lossy(&content[..200.min(content.len())])
    );
    // PDF/X-1a is PDF 1.3, which has no object streams.
    let mut project = common::everything("");
    let toml = std::fs::read_to_string(
        common::root().join("tests/fixtures/everything/manuscript/book.toml"),
    )
    .unwrap()
    .replace("[print]\n", "[print]\npdf-x = \"x-1a\"\n");
    project.insert("manuscript/book.toml".to_string(), toml.into_bytes());
    let (x1a, _) = build(&project);
    assert!(x1a.starts_with(b"%PDF-1.3"));
    assert!(!contains(&x1a, b"/ObjStm"));
    assert!(quire::check::tagged::read(&x1a).unwrap().tree);
}

#[test]
fn a_passage_in_another_language_is_a_span_with_its_lang() {
    let text = "Words\n\nShe said [bonjour, mes amis]{lang=fr} and left; then [καλημέρα]{lang=el} too, and [au revoir]{lang=fr}.\n";
    let project = common::project(&[
        (
            "manuscript/book.toml",
            "title = \"Mots\"\nauthors = [\"A. Writer\"]\nlanguage = \"en\"\ndate = \"2026-01-01\"\n",
        ),
        ("manuscript/01.md", text),
    ]);
    let (pdf, _) = build(&project);
    // The structure elements that carry a language, as lopdf reads them.
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let mut spans: Vec<String> = doc
        .objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter(|d| d.get(b"S").ok().and_then(|s| s.as_name().ok()) == Some(b"Span".as_slice()))
        .filter_map(|d| d.get(b"Lang").ok().and_then(|l| l.as_str().ok()))
        .map(text_of)
        .collect();
    spans.sort();
    assert_eq!(spans, ["el", "fr", "fr"]);
    // Each passage is one span, whole, its spaces inside it, the sentence around it.
    let listing = struct_text(&pdf);
    let quoted: Vec<&str> = listing.lines().map(str::trim).collect();
    for (i, line) in quoted.iter().enumerate() {
        if *line == "Span (inline)" {
            assert!(
                ["\"bonjour, mes amis\"", "\"καλημέρα\"", "\"au revoir\""].contains(&quoted[i + 1]),
                "{listing}"
            );
        }
    }
    assert!(listing.contains("\" and left; then \""), "{listing}");
}
