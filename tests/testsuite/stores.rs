//! Store editions, read back: each store's folder holds the files that store
//! takes, every EPUB passes EPUBCheck, and each transform did its work
//! (koboSpans present, unique and unnested; Apple's display options; the
//! Kindle toc depth; Google's names by ISBN); notes pop up; fonts embed; the
//! gate reads the stores' rules and fails at the right row on editions made
//! to break them.

use crate::common;

use std::io::{Cursor, Read, Write};

use common::epubcheck;
use quire::check::Status;
use quire::project::Project;
use quire::stores::{Store, kepub};
use quire::{Options, OutputFile};

const ISBNS: &str = "\n[isbn]\nebook = \"978-0-306-40615-7\"\nprint = \"978-1-4028-9462-6\"\n";
const ALL_STORES: &str = "stores = [\"kindle\", \"apple\", \"kobo\", \"google\", \"generic\"]\n";

/// The bundled essay with all five stores and ISBNs.
fn essay_for_all_stores() -> Project {
    let mut project = common::bundled();
    let toml = String::from_utf8(project.get("manuscript/book.toml").unwrap().to_vec()).unwrap();
    project.insert("manuscript/book.toml", format!("{ALL_STORES}{toml}{ISBNS}"));
    project
}

fn file<'a>(files: &'a [OutputFile], name: &str) -> &'a [u8] {
    &files
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| {
            let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
            panic!("no {name} among {names:?}")
        })
        .bytes
}

/// Every entry of an EPUB: name and bytes, in archive order.
fn entries(epub: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(Cursor::new(epub)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut entry = zip.by_index(i).unwrap();
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            (entry.name().to_string(), bytes)
        })
        .collect()
}

fn text(entries: &[(String, Vec<u8>)], name: &str) -> String {
    let (_, bytes) = entries
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no {name}"));
    String::from_utf8(bytes.clone()).unwrap()
}

fn chapters(entries: &[(String, Vec<u8>)]) -> Vec<(String, String)> {
    entries
        .iter()
        .filter(|(n, _)| n.ends_with(".xhtml") && !n.ends_with("nav.xhtml"))
        .map(|(n, b)| (n.clone(), String::from_utf8(b.clone()).unwrap()))
        .collect()
}

/// Levels of `ol` in the toc nav.
fn toc_depth(nav: &str) -> usize {
    let doc = roxmltree::Document::parse_with_options(
        nav,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        },
    )
    .unwrap();
    let toc = doc
        .descendants()
        .find(|n| {
            n.has_tag_name("nav")
                && n.attribute(("http://www.idpf.org/2007/ops", "type")) == Some("toc")
        })
        .unwrap();
    toc.descendants()
        .filter(|n| n.has_tag_name("ol"))
        .map(|n| n.ancestors().filter(|a| a.has_tag_name("ol")).count())
        .max()
        .unwrap()
}

fn check_edition_files(files: &[OutputFile], stem: &str) {
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    for store in Store::ALL {
        assert!(
            names
                .iter()
                .any(|n| n.starts_with(&format!("{}/", store.name()))),
            "no {} folder in {names:?}",
            store.name()
        );
    }
    // Google: named by the ISBNs' digits, each identifier's set complete:
    // the EPUB and its cover under the ebook ISBN, the interior and its
    // front cover under the print ISBN.
    let google: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| n.starts_with("google/"))
        .collect();
    assert_eq!(
        google,
        [
            "google/9780306406157.epub",
            "google/9780306406157_frontcover.jpg",
            "google/9781402894626_interior.pdf",
            "google/9781402894626_frontcover.jpg",
        ]
    );
    assert_eq!(
        file(files, "google/9781402894626_frontcover.jpg"),
        file(files, &format!("{stem}-cover.jpg"))
    );
    assert_eq!(
        file(files, "google/9781402894626_interior.pdf"),
        file(files, &format!("{stem}.pdf")),
        "Google's original pages are the print PDF"
    );

    // Kobo: every spine document has unique, unnested spans around all its text.
    let kepub_entries = entries(file(files, &format!("kobo/{stem}.kepub.epub")));
    let mut spans = 0;
    for (name, xhtml) in chapters(&kepub_entries) {
        let report = kepub::span_report(&xhtml).unwrap();
        assert!(report.wrapped_body, "{name}");
        assert!(report.duplicate_ids.is_empty(), "{name}: {report:?}");
        assert_eq!(report.nested, 0, "{name}");
        assert_eq!(report.malformed_ids, 0, "{name}");
        assert_eq!(report.unwrapped_text, 0, "{name}");
        assert_eq!(report.unwrapped_images, 0, "{name}");
        spans += report.spans;
    }
    assert!(spans > 20, "{spans} spans");
    let opf = text(&kepub_entries, "OEBPS/content.opf");
    assert!(opf.contains("properties=\"cover-image\""));

    // Apple: display options, and otherwise the text as it was.
    let apple = entries(file(files, &format!("apple/{stem}.epub")));
    let options = text(&apple, "META-INF/com.apple.ibooks.display-options.xml");
    assert!(
        options.contains("<option name=\"specified-fonts\">false</option>"),
        "{options}"
    );

    // Kindle: two levels at most, every document declares its encoding, a text start.
    let kindle = entries(file(files, &format!("kindle/{stem}.epub")));
    assert!(toc_depth(&text(&kindle, "OEBPS/nav.xhtml")) <= 2);
    for (name, xhtml) in chapters(&kindle) {
        assert!(
            xhtml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"),
            "{name}"
        );
        assert!(!xhtml.contains('\u{ad}'), "{name}: a soft hyphen");
    }
    assert!(text(&kindle, "OEBPS/content.opf").contains("<reference type=\"text\""));

    // Generic: today's EPUB.
    assert_eq!(
        file(files, &format!("generic/{stem}.epub")),
        file(files, &format!("{stem}.epub"))
    );
    // The generic edition is the main EPUB byte for byte (above): checked once
    // (EPUBCheck takes 5-7 s of wall clock and twice that of CPU per book).
    for f in files
        .iter()
        .filter(|f| f.name.ends_with(".epub") && !f.name.starts_with("generic/"))
    {
        epubcheck(&f.name.replace('/', "-"), &f.bytes);
    }
}

#[test]
fn the_essay_writes_a_folder_for_each_store() {
    let outputs = quire::build(&essay_for_all_stores(), &Options::default()).unwrap();
    check_edition_files(&outputs.files, "none-of-us-are-free");
}

#[test]
fn moby_dick_writes_a_folder_for_each_store() {
    let Some(mut moby) = common::moby_dick() else {
        return;
    };
    moby.insert(
        "manuscript/book.toml",
        format!("{ALL_STORES}{}{ISBNS}", common::MOBY_DICK_TOML),
    );
    let outputs = quire::build(&moby, &Options::default()).unwrap();
    check_edition_files(&outputs.files, "moby-dick");
}

#[test]
fn the_command_line_chooses_stores_and_the_default_is_one_epub() {
    let plain = quire::build(&common::bundled(), &Options::default()).unwrap();
    assert!(plain.files.iter().all(|f| !f.name.contains('/')));
    let options = Options {
        stores: Some(vec![Store::Kobo]),
        ..Options::default()
    };
    let kobo = quire::build(&common::bundled(), &options).unwrap();
    let folders: Vec<&str> = kobo
        .files
        .iter()
        .filter_map(|f| f.name.split_once('/').map(|(d, _)| d))
        .collect();
    assert!(
        !folders.is_empty() && folders.iter().all(|d| *d == "kobo"),
        "{folders:?}"
    );
}

#[test]
fn google_without_an_isbn_names_the_key_and_an_unknown_store_lists_the_known() {
    let mut project = common::bundled();
    let toml = String::from_utf8(project.get("manuscript/book.toml").unwrap().to_vec()).unwrap();
    project.insert(
        "manuscript/book.toml",
        format!("stores = [\"google\"]\n{toml}"),
    );
    let err = quire::build(&project, &Options::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("`isbn.ebook` is not set"), "{err}");
    assert!(err.contains("`isbn.print` is not set"), "{err}");
    assert!(err.contains("manuscript/book.toml:1:10"), "{err}");

    project.insert(
        "manuscript/book.toml",
        format!("stores = [\"kindle\", \"nook\"]\n{toml}"),
    );
    let err = quire::build(&project, &Options::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(
            "unknown store `nook`: expected one of `kindle`, `apple`, `kobo`, `google`, `generic`"
        ),
        "{err}"
    );
    assert!(err.contains("manuscript/book.toml:1:21"), "{err}");
}

#[test]
fn notes_gathered_at_the_end_link_both_ways() {
    let project = common::everything("notes = \"book\"\n");
    let outputs = quire::build(&project, &Options::default()).unwrap();
    let epub = file(&outputs.files, "everything-books-write.epub");
    epubcheck("notes-at-the-end", epub);
    let all = entries(epub);
    let notes = text(&all, "OEBPS/endnotes.xhtml");
    assert!(
        notes.contains("epub:type=\"endnotes\" role=\"doc-endnotes\""),
        "{notes}"
    );
    assert!(notes.contains("<aside id=\"note-chapter-4-1\" class=\"note\" epub:type=\"footnote\" role=\"doc-footnote\">"), "{notes}");
    assert!(
        notes.contains("href=\"chapter-4.xhtml#ref-note-chapter-4-1\" role=\"doc-backlink\""),
        "{notes}"
    );
    let chapter = text(&all, "OEBPS/chapter-4.xhtml");
    assert!(
        chapter.contains("href=\"endnotes.xhtml#note-chapter-4-1\""),
        "{chapter}"
    );
    assert!(
        !chapter.contains("<aside"),
        "the chapter keeps no notes: {chapter}"
    );
    // In the spine after the last chapter, and in the contents.
    let opf = text(&all, "OEBPS/content.opf");
    let at = |s: &str| opf.find(s).unwrap_or_else(|| panic!("{s}: {opf}"));
    assert!(
        at("<itemref idref=\"id_chapter-4.xhtml\"/>")
            < at("<itemref idref=\"id_endnotes.xhtml\"/>")
    );
    assert!(text(&all, "OEBPS/nav.xhtml").contains("href=\"endnotes.xhtml\""));
    // By default each chapter closes with its own notes.
    let outputs = quire::build(&common::everything(""), &Options::default()).unwrap();
    let all = entries(file(&outputs.files, "everything-books-write.epub"));
    assert!(all.iter().all(|(n, _)| n != "OEBPS/endnotes.xhtml"));
    let chapter = text(&all, "OEBPS/chapter-4.xhtml");
    assert!(
        chapter.contains("<aside id=\"note-chapter-4-1\""),
        "{chapter}"
    );
    assert!(chapter.contains("href=\"#note-chapter-4-1\""), "{chapter}");
}

/// The EPUB's text as MuPDF reads it (`mutool draw -F txt`), or `Err` with
/// MuPDF's message when it refuses the book; `None` (noted) without
/// `mutool`, when `QUIRE_SKIP_MUPDF=1` allows that.
fn mupdf_text(name: &str, epub: &[u8]) -> Option<Result<String, String>> {
    if std::process::Command::new("mutool")
        .arg("-v")
        .output()
        .is_err()
    {
        assert!(
            std::env::var_os("QUIRE_SKIP_MUPDF").is_some(),
            "mutool is not on the PATH: install Debian's mupdf-tools, or set QUIRE_SKIP_MUPDF=1"
        );
        common::skipped("mutool is absent");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("{name}.epub"));
    std::fs::write(&path, epub).unwrap();
    let out = dir.path().join("text.txt");
    let run = std::process::Command::new("mutool")
        .args(["draw", "-F", "txt", "-o"])
        .arg(&out)
        .arg(&path)
        .output()
        .unwrap();
    Some(if run.status.success() {
        Ok(std::fs::read_to_string(&out).unwrap())
    } else {
        Err(String::from_utf8_lossy(&run.stderr).into_owned())
    })
}

#[test]
fn embedded_fonts_are_plain_subsets_every_reader_opens() {
    let project = common::everything("stores = [\"apple\"]\nepub = { embed-fonts = true }\n");
    let outputs = quire::build(&project, &Options::default()).unwrap();
    let epub = file(&outputs.files, "everything-books-write.epub");
    epubcheck("embedded-fonts", epub);
    let all = entries(epub);
    assert!(
        all.iter().all(|(n, _)| n != "META-INF/encryption.xml"),
        "OFL fonts need no obfuscation"
    );
    let opf = text(&all, "OEBPS/content.opf");
    let fonts: Vec<&(String, Vec<u8>)> = all.iter().filter(|(n, _)| n.ends_with(".ttf")).collect();
    assert!(fonts.len() >= 5, "{fonts:?}");
    let regular = std::fs::read(common::root().join("fonts/EBGaramond-Regular.ttf")).unwrap();
    for (name, bytes) in &fonts {
        assert!(opf.contains(&format!("href=\"{}\"", name.trim_start_matches("OEBPS/"))));
        let face = ttf_parser::Face::parse(bytes, 0)
            .unwrap_or_else(|e| panic!("{name} is not a plain font file: {e}"));
        if name.ends_with("EBGaramond-Regular.ttf") {
            assert!(
                bytes.len() * 2 < regular.len(),
                "subset: {} of {}",
                bytes.len(),
                regular.len()
            );
            assert!(
                face.glyph_index('\u{2603}').is_none(),
                "a snowman is not in the book"
            );
            // Kerning and ligatures: the layout tables are kept.
            for table in [b"GSUB", b"GPOS", b"GDEF"] {
                assert!(
                    face.raw_face()
                        .table(ttf_parser::Tag::from_bytes(table))
                        .is_some()
                );
            }
        }
    }
    // The book's face, then the generic family: never the fallback before it.
    let css = text(&all, "OEBPS/stylesheet.css");
    assert!(
        css.contains("body {\n  font-family: \"EB Garamond\", serif;\n}"),
        "{css}"
    );
    assert!(
        css.contains("code, pre, kbd, samp {\n  font-family: \"JetBrains Mono\", monospace;\n}"),
        "{css}"
    );
    assert!(!css.contains("\"DejaVu Sans\", serif"), "{css}");
    assert!(
        !css.contains("body {\n  font-size"),
        "the reader keeps its size"
    );
    // The fallback supplies only what the book's face lacks (the task list's
    // boxes), under the book's family, before the book's own face.
    let fallback_rule = css
        .find("src: url(\"fonts/DejaVuSans.ttf\");\n  unicode-range: ")
        .unwrap_or_else(|| panic!("{css}"));
    let own_rule = css
        .find("src: url(\"fonts/EBGaramond-Regular.ttf\")")
        .unwrap();
    assert!(fallback_rule < own_rule, "{css}");
    let range_line = css[fallback_rule..].lines().nth(1).unwrap();
    assert!(
        range_line.contains("U+2610"),
        "☐ comes from the fallback: {range_line}"
    );
    assert!(
        !range_line.contains("U+41"),
        "not the Latin letters: {range_line}"
    );
    let apple = entries(file(&outputs.files, "apple/everything-books-write.epub"));
    assert!(
        text(&apple, "META-INF/com.apple.ibooks.display-options.xml")
            .contains("<option name=\"specified-fonts\">true</option>")
    );
    // MuPDF opens it (it refuses obfuscated fonts as "locked by DRM").
    if let Some(read) = mupdf_text("embedded-fonts", epub) {
        let text = read.unwrap_or_else(|e| panic!("MuPDF refuses the book: {e}"));
        assert!(text.contains("Everything"), "{text}");
    }
}

#[test]
fn fonts_are_obfuscated_only_when_asked() {
    let project = common::everything("epub = { embed-fonts = \"obfuscated\" }\n");
    let outputs = quire::build(&project, &Options::default()).unwrap();
    let epub = file(&outputs.files, "everything-books-write.epub");
    epubcheck("obfuscated-fonts", epub);
    let all = entries(epub);
    let opf = text(&all, "OEBPS/content.opf");
    let id_start =
        opf.find("<dc:identifier id=\"pub-id\">").unwrap() + "<dc:identifier id=\"pub-id\">".len();
    let identifier = &opf[id_start..id_start + opf[id_start..].find('<').unwrap()];
    let key = quire::epub::fonts::obfuscation_key(identifier);
    let encryption = text(&all, "META-INF/encryption.xml");
    let fonts: Vec<&(String, Vec<u8>)> = all.iter().filter(|(n, _)| n.ends_with(".ttf")).collect();
    assert!(fonts.len() >= 5, "{fonts:?}");
    for (name, bytes) in &fonts {
        assert!(
            encryption.contains(&format!("URI=\"{name}\"")),
            "{name} is not declared"
        );
        assert!(
            ttf_parser::Face::parse(bytes, 0).is_err(),
            "{name} is stored in the clear"
        );
        let clear = quire::epub::fonts::obfuscate(bytes, &key);
        ttf_parser::Face::parse(&clear, 0).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    // A wrong value says what it takes, at its place.
    let bad = common::everything("epub = { embed-fonts = \"yes\" }\n");
    let err = quire::build(&bad, &Options::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("epub.embed-fonts is `\"yes\"`: expected true, false or \"obfuscated\""),
        "{err}"
    );
    assert!(err.contains("manuscript/book.toml:1:"), "{err}");
}

// ------------------------------------------------------------------ the gate

fn gate(project: &Project, stores: Option<Vec<Store>>) -> quire::check::Report {
    let options = Options {
        stores,
        ..Options::default()
    };
    quire::check::release_gate(project, &options).unwrap().0
}

fn row<'a>(report: &'a quire::check::Report, group: &str, name: &str) -> &'a quire::check::Check {
    report
        .checks
        .iter()
        .find(|c| c.group() == group && c.name() == name)
        .unwrap_or_else(|| panic!("no {group} / {name} row"))
}

#[test]
fn the_gate_passes_the_essay_in_every_store() {
    let report = gate(&essay_for_all_stores(), Some(Store::ALL.to_vec()));
    let failed: Vec<String> = report
        .checks
        .iter()
        .filter(|c| c.status == Status::Fail)
        .map(|c| format!("{} {}: {}", c.group(), c.name(), c.value))
        .collect();
    assert!(failed.is_empty(), "{failed:?}");
    for store in Store::ALL {
        assert!(
            report.checks.iter().any(|c| c.group() == store.name()),
            "{}",
            store.name()
        );
    }
    assert!(
        row(&report, "kobo", "kepub spans")
            .value
            .contains("spans in")
    );
    // Without ISBNs, a surveyed Google warns and a committed one fails.
    let surveyed = gate(&common::bundled(), Some(Store::ALL.to_vec()));
    assert_eq!(row(&surveyed, "google", "file names").status, Status::Warn);
    assert!(!surveyed.failed(), "{surveyed}");
    let mut committed = common::bundled();
    let toml = String::from_utf8(committed.get("manuscript/book.toml").unwrap().to_vec()).unwrap();
    committed.insert(
        "manuscript/book.toml",
        format!("stores = [\"kobo\"]\n{toml}"),
    );
    let report = gate(&committed, None);
    assert!(report.checks.iter().any(|c| c.group() == "kobo"));
    assert!(
        report.checks.iter().all(|c| c.group() != "kindle"),
        "only the stores named"
    );
}

#[test]
fn every_store_has_its_row_and_the_gate_runs_all_of_it() {
    use quire::stores::{Content, rules};
    let report = gate(&essay_for_all_stores(), Some(Store::ALL.to_vec()));
    for store in Store::ALL {
        let rules = rules(store);
        assert_eq!(rules.store, store, "{store:?} has another store's row");
        let group = store.name();
        for name in ["file size", "file names", "cover pixels"] {
            row(&report, group, name);
        }
        for file in rules.files {
            if let Content::Epub { checks, .. } = file.content {
                for check in checks {
                    // Each check the row lists has its row in the report.
                    row(
                        &report,
                        group,
                        quire::check::Row::StoreEpub(store, *check).name(),
                    );
                }
            }
        }
        for check in rules.set_checks {
            row(
                &report,
                group,
                quire::check::Row::StoreSet(store, *check).name(),
            );
        }
        // Each row's caps are its own: the size row says the row's source.
        assert!(
            row(&report, group, "file size")
                .value
                .contains(rules.size_cap.source),
            "{group}"
        );
    }
    // Rows name no store but their own.
    assert!(row(&report, "kobo", "cover pixels").value.contains("Kobo"));
    assert!(
        row(&report, "generic", "cover pixels")
            .value
            .contains("625")
    );
}

#[test]
fn kindle_fails_a_language_kdp_does_not_sell() {
    let mut project = common::bundled();
    let toml = String::from_utf8(project.get("manuscript/book.toml").unwrap().to_vec()).unwrap();
    project.insert(
        "manuscript/book.toml",
        format!(
            "stores = [\"kindle\", \"kobo\"]\n{}",
            toml.replace("language = \"en\"", "language = \"kk\"")
        ),
    );
    let report = gate(&project, None);
    let language = row(&report, "kindle", "language");
    assert_eq!(language.status, Status::Fail, "{}", language.value);
    assert!(
        language
            .value
            .contains("`kk` is not among the languages KDP sells eBooks in"),
        "{}",
        language.value
    );
    // Kobo sells Kazakh: no row of its own fails it.
    assert!(
        report
            .checks
            .iter()
            .filter(|c| c.group() == "kobo")
            .all(|c| c.status != Status::Fail)
    );
    // English passes, with KDP's name for it.
    let report = gate(&essay_for_all_stores(), None);
    let language = row(&report, "kindle", "language");
    assert_eq!(language.status, Status::Pass);
    assert!(
        language.value.contains("en (English)"),
        "{}",
        language.value
    );
}

#[test]
fn google_fails_a_set_that_would_not_process() {
    let outputs = quire::build(&essay_for_all_stores(), &Options::default()).unwrap();
    let google: Vec<OutputFile> = outputs
        .files
        .into_iter()
        .filter(|f| f.name.starts_with("google/"))
        .collect();
    let mut report = quire::check::Report::default();
    quire::check::check_edition(&mut report, Store::Google, &google);
    assert_eq!(row(&report, "google", "file sets").status, Status::Pass);
    // The set quire wrote before: the print ISBN's interior without its front cover.
    let incomplete: Vec<OutputFile> = google
        .iter()
        .filter(|f| f.name != "google/9781402894626_frontcover.jpg")
        .cloned()
        .collect();
    let mut report = quire::check::Report::default();
    quire::check::check_edition(&mut report, Store::Google, &incomplete);
    let sets = row(&report, "google", "file sets");
    assert_eq!(sets.status, Status::Fail);
    assert!(
        sets.value
            .contains("9781402894626_interior.pdf has no 9781402894626_frontcover.jpg beside it"),
        "{}",
        sets.value
    );
    // A cover with no content under its identifier is pending, never processed.
    let problems = quire::check::google_set_problems(
        ["google/9780306406157_frontcover.jpg", "google/book.epub"].into_iter(),
    );
    assert_eq!(
        problems,
        [
            "book.epub is not named by a 13-digit ISBN",
            "9780306406157 has a cover but no content (no 9780306406157.epub or 9780306406157_interior.pdf)"
        ]
    );
    // Without the print edition there is no interior, and no second cover.
    let options = Options {
        formats: quire::Formats {
            epub: true,
            pdf: false,
        },
        ..Options::default()
    };
    let epub_only = quire::build(&essay_for_all_stores(), &options).unwrap();
    let names: Vec<&str> = epub_only
        .files
        .iter()
        .map(|f| f.name.as_str())
        .filter(|n| n.starts_with("google/"))
        .collect();
    assert_eq!(
        names,
        [
            "google/9780306406157.epub",
            "google/9780306406157_frontcover.jpg"
        ]
    );
}

/// An EPUB with one entry's text changed by `edit`.
fn edited(epub: &[u8], name: &str, edit: impl Fn(&str) -> String) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (entry, bytes) in entries(epub) {
        let method = if entry == "mimetype" {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        };
        let options = zip::write::SimpleFileOptions::default().compression_method(method);
        out.start_file(entry.as_str(), options).unwrap();
        if entry == name {
            out.write_all(edit(std::str::from_utf8(&bytes).unwrap()).as_bytes())
                .unwrap();
        } else {
            out.write_all(&bytes).unwrap();
        }
    }
    out.finish().unwrap().into_inner()
}

/// The gate's row for `store` on an edition whose EPUB `name` was broken by `edit`.
fn broken_row(
    store: Store,
    entry: &str,
    edit: impl Fn(&str) -> String,
    row_name: &str,
) -> quire::check::Check {
    let outputs = quire::build(&essay_for_all_stores(), &Options::default()).unwrap();
    let mut files: Vec<OutputFile> = outputs
        .files
        .into_iter()
        .filter(|f| f.name.starts_with(&format!("{}/", store.name())))
        .collect();
    let clean = {
        let mut report = quire::check::Report::default();
        quire::check::check_edition(&mut report, store, &files);
        report
    };
    assert!(
        !clean.failed(),
        "the edition passes before it is broken: {clean}"
    );
    for f in files.iter_mut().filter(|f| f.name.ends_with(".epub")) {
        if store != Store::Kobo || f.name.ends_with(".kepub.epub") == row_name.contains("kepub") {
            f.bytes = edited(&f.bytes, entry, &edit);
        }
    }
    let mut report = quire::check::Report::default();
    quire::check::check_edition(&mut report, store, &files);
    row(&report, store.name(), row_name).clone()
}

#[test]
fn the_gate_fails_each_broken_store_rule_at_its_place() {
    let chapter = "OEBPS/chapter-1.xhtml";
    // Kindle: a declaration without its encoding, a soft hyphen, a link to a body id.
    let row = broken_row(
        Store::Kindle,
        chapter,
        |t| t.replacen(" encoding=\"UTF-8\"", "", 1),
        "conversion hazards",
    );
    assert_eq!(row.status, Status::Fail);
    assert!(
        row.value
            .contains("OEBPS/chapter-1.xhtml:1: no XML declaration with its encoding"),
        "{}",
        row.value
    );
    let row = broken_row(
        Store::Kindle,
        chapter,
        |t| t.replacen("social media", "so\u{ad}cial media", 1),
        "conversion hazards",
    );
    assert!(
        row.value
            .contains("OEBPS/chapter-1.xhtml:12: a soft hyphen"),
        "{}",
        row.value
    );
    let row = broken_row(
        Store::Kindle,
        chapter,
        |t| {
            t.replacen("<body ", "<body id=\"top\" ", 1).replacen(
                "<p>",
                "<p><a href=\"chapter-1.xhtml#top\">top</a>",
                1,
            )
        },
        "conversion hazards",
    );
    assert!(
        row.value
            .contains("a link to a <body> id (chapter-1.xhtml#top)"),
        "{}",
        row.value
    );
    let row = broken_row(
        Store::Kindle,
        "OEBPS/nav.xhtml",
        |t| {
            t.replacen("What is behind the rage?</a>", "What is behind the rage?</a><ol><li><a href=\"chapter-1.xhtml\">deeper</a></li></ol>", 1)
        },
        "toc depth",
    );
    assert_eq!(row.status, Status::Fail);
    assert!(row.value.starts_with("3 levels"), "{}", row.value);
    // Apple: emoji glyphs, two landmark types, display options against fonts.
    let row = broken_row(
        Store::Apple,
        chapter,
        |t| t.replacen("social media", "social ↩ media", 1),
        "emoji glyphs",
    );
    assert!(
        row.value.contains("OEBPS/chapter-1.xhtml:12: ↩"),
        "{}",
        row.value
    );
    let row = broken_row(
        Store::Apple,
        "OEBPS/nav.xhtml",
        |t| {
            t.replacen(
                "epub:type=\"toc\" href",
                "epub:type=\"toc frontmatter\" href",
                1,
            )
        },
        "landmarks",
    );
    assert_eq!(row.status, Status::Fail);
    assert!(row.value.contains("OEBPS/nav.xhtml:"), "{}", row.value);
    let row = broken_row(
        Store::Apple,
        "META-INF/com.apple.ibooks.display-options.xml",
        |t| t.replace("false", "maybe"),
        "display options",
    );
    assert_eq!(
        row.status,
        Status::Pass,
        "no fonts: nothing to specify ({})",
        row.value
    );
    // Kobo: a span inside a span, and text outside any; RMSDK's calc().
    let row = broken_row(
        Store::Kobo,
        chapter,
        |t| {
            t.replacen(
                "<span class=\"koboSpan\" id=\"kobo.3.2\">",
                "<span class=\"koboSpan\" id=\"kobo.3.1\">",
                1,
            )
        },
        "kepub spans",
    );
    assert!(
        row.value
            .contains("OEBPS/chapter-1.xhtml: span id kobo.3.1 used twice"),
        "{}",
        row.value
    );
    let row = broken_row(
        Store::Kobo,
        chapter,
        |t| {
            t.replacen("</h1>", "</h1><p>loose <span class=\"koboSpan\" id=\"kobo.99.1\"><span class=\"koboSpan\" id=\"kobo.99.2\">x</span></span></p>", 1)
        },
        "kepub spans",
    );
    assert_eq!(row.status, Status::Fail);
    assert!(
        row.value
            .contains("OEBPS/chapter-1.xhtml: 1 koboSpans inside another span"),
        "{}",
        row.value
    );
    // "None inside another span" counts the book's own spans too.
    let row = broken_row(
        Store::Kobo,
        chapter,
        |t| {
            t.replacen("</h1>", "</h1><p><span class=\"sc\"><span class=\"koboSpan\" id=\"kobo.99.1\">x</span></span></p>", 1)
        },
        "kepub spans",
    );
    assert_eq!(row.status, Status::Fail);
    assert!(
        row.value
            .contains("OEBPS/chapter-1.xhtml: 1 koboSpans inside another span"),
        "{}",
        row.value
    );
    // kepubify's style hacks, in the navigation document too.
    let row = broken_row(
        Store::Kobo,
        "OEBPS/nav.xhtml",
        |t| t.replace("class=\"kobostylehacks\"", "class=\"other\""),
        "kepub spans",
    );
    assert!(
        row.value
            .contains("OEBPS/nav.xhtml: no <style class=\"kobostylehacks\"> in the head"),
        "{}",
        row.value
    );
    let row = broken_row(
        Store::Kobo,
        "OEBPS/stylesheet.css",
        |t| format!("{t}\n.wide {{ width: calc(100% - 1em); }}\n"),
        "RMSDK CSS hazards",
    );
    assert_eq!(row.status, Status::Fail);
    assert!(
        row.value.contains("OEBPS/stylesheet.css:") && row.value.contains("`calc()`"),
        "{}",
        row.value
    );
}

#[test]
fn a_title_of_digits_or_cyrillic_names_the_files_in_ascii_without_a_prefix() {
    for (title, stem) in [
        ("1984", "1984"),
        ("Маяк", "mayak"),
        ("Οδύσσεια", "odysseia"),
    ] {
        let toml = format!(
            "title = \"{title}\"\nauthors = [\"A\"]\ndate = \"2024-01-01\"\nstores = [\"kindle\", \"kobo\", \"generic\"]\n"
        );
        let project = common::project(&[
            ("manuscript/book.toml", toml.as_str()),
            ("manuscript/01.md", "# One\n\nText.\n"),
        ]);
        let outputs = quire::build(&project, &Options::default()).unwrap();
        let mut names: Vec<&str> = outputs.files.iter().map(|f| f.name.as_str()).collect();
        names.sort();
        for name in [
            format!("{stem}.epub"),
            format!("{stem}.pdf"),
            format!("{stem}-cover.pdf"),
            format!("{stem}-cover.jpg"),
            format!("kindle/{stem}.epub"),
            format!("kobo/{stem}.kepub.epub"),
            format!("generic/{stem}.epub"),
        ] {
            assert!(
                names.contains(&name.as_str()),
                "{title}: {name} among {names:?}"
            );
        }
        assert!(names.iter().all(|n| !n.contains("s-")), "{names:?}");
        // Every store takes the names.
        let report = gate(&project, None);
        for store in ["kindle", "kobo", "generic"] {
            assert_eq!(
                row(&report, store, "file names").status,
                Status::Pass,
                "{title}: {}",
                row(&report, store, "file names").value
            );
        }
    }
}
