//! Book styles across both editions: choosing a style changes the design of
//! the EPUB and the PDF, and nothing else (the text, the metadata, the cover).

use crate::common;

use std::io::{Cursor, Read};

const CHAPTERS: [(&str, &str); 3] = [
    (
        "manuscript/01.md",
        "# Chapter 1. Loomings\n\nCall me Ishmael. Some years ago—never mind how long precisely—having little or no money in my purse, and nothing particular to interest me on shore, I thought I would sail about a little and see the watery part of the world.\n\n* * *\n\nIt is a way I have of driving off the spleen, and regulating the circulation. [Rome]{.smallcaps} was not built in a day, nor NASA.\n",
    ),
    (
        "manuscript/02.md",
        "# Chapter 2. The Carpet-Bag\n\n“I stuffed a shirt or two into my old carpet-bag,” he said, tucked it under my arm, and started for Cape Horn and the Pacific.\n",
    ),
    (
        "manuscript/03.md",
        "# Epilogue\n\nThe drama’s done. Why then here does any one step forth?\n",
    ),
];

fn build(style: &str) -> quire::Outputs {
    let toml = format!(
        "title = \"Styled\"\nauthors = [\"A. Writer\"]\ndate = \"2026-01-01\"\nstyle = \"{style}\"\n"
    );
    let mut files = vec![("manuscript/book.toml", toml.as_str())];
    files.extend(CHAPTERS);
    quire::build(&common::project(&files), &quire::Options::default())
        .unwrap_or_else(|e| panic!("{style}: {e}"))
}

/// The EPUB's entries by name.
fn entries(outputs: &quire::Outputs) -> Vec<(String, Vec<u8>)> {
    let epub = &outputs
        .files
        .iter()
        .find(|f| f.name.ends_with(".epub"))
        .unwrap()
        .bytes;
    let mut zip = zip::ZipArchive::new(Cursor::new(epub.clone())).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut entry = zip.by_index(i).unwrap();
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            (entry.name().to_string(), bytes)
        })
        .collect()
}

/// The words of a document's text after its title, tags left out, and
/// the scene breaks' ornaments (which the style chooses).
fn words(xhtml: &str) -> String {
    let body = xhtml.split_once("</h1>").map_or(xhtml, |(_, rest)| rest);
    let without_ornaments = body
        .split("<span aria-hidden=\"true\">")
        .enumerate()
        .map(|(i, part)| {
            if i == 0 {
                part
            } else {
                part.split_once("</span>").map_or(part, |(_, rest)| rest)
            }
        })
        .collect::<String>();
    let mut out = String::new();
    let mut tag: Option<String> = None;
    for c in without_ornaments.chars() {
        match (c, &mut tag) {
            ('<', None) => tag = Some(String::new()),
            ('>', Some(name)) => {
                // Inline elements join their text; block elements part it.
                if !(name.starts_with("span") || name.starts_with("/span")) {
                    out.push(' ');
                }
                tag = None;
            }
            (_, Some(name)) => name.push(c),
            (_, None) => out.push(c),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn a_style_changes_the_design_of_both_editions_and_nothing_else() {
    let plain = build("plain");
    for style in ["classic", "modern"] {
        let styled = build(style);
        let file = |o: &quire::Outputs, suffix: &str| {
            o.files
                .iter()
                .find(|f| f.name.ends_with(suffix) && !f.name.ends_with(&format!("-cover{suffix}")))
                .unwrap()
                .bytes
                .clone()
        };
        assert_ne!(
            file(&plain, ".pdf"),
            file(&styled, ".pdf"),
            "{style}: the PDF follows the style"
        );
        // The cover and its print wrap do not depend on the style.
        assert_eq!(
            file(&plain, "-cover.jpg"),
            file(&styled, "-cover.jpg"),
            "{style}"
        );
        let (a, b) = (entries(&plain), entries(&styled));
        assert_eq!(
            a.iter().map(|e| &e.0).collect::<Vec<_>>(),
            b.iter().map(|e| &e.0).collect::<Vec<_>>(),
            "{style}: the same files"
        );
        for ((name, before), (_, after)) in a.iter().zip(&b) {
            let (before, after) = (
                String::from_utf8_lossy(before),
                String::from_utf8_lossy(after),
            );
            if name.ends_with(".css") {
                assert_ne!(before, after, "{style}: the stylesheet follows the style");
            } else if name.ends_with(".opf")
                || name.ends_with("nav.xhtml")
                || name.ends_with(".ncx")
            {
                // The navigation names a chapter "1. Loomings" where the style
                // numbers it; the metadata, manifest and spine are the same.
                if name.ends_with(".opf") {
                    let package = |opf: &str| opf.split("<guide>").next().unwrap().to_string();
                    assert_eq!(package(&before), package(&after), "{style}: {name}");
                }
            } else if name.ends_with(".xhtml") && !name.contains("contents") {
                assert_eq!(
                    words(&before),
                    words(&after),
                    "{style}: the words of {name}"
                );
            }
        }
    }
}

#[test]
fn numbered_styles_read_the_authors_numbers_and_label_them() {
    let classic = build("classic");
    let text = entries(&classic)
        .into_iter()
        .filter(|(n, _)| n.ends_with(".xhtml"))
        .map(|(_, b)| String::from_utf8(b).unwrap())
        .collect::<String>();
    assert!(
        text.contains("<span class=\"chapter-label\">Chapter One</span>"),
        "{text}"
    );
    assert!(text.contains("<span class=\"chapter-label\">Chapter Two</span>"));
    assert!(
        !text.contains("Chapter 1."),
        "the number the author wrote is not repeated"
    );
    assert!(
        !text.contains("Chapter Three"),
        "the epilogue is not numbered"
    );
    assert!(text.contains("<span class=\"sc\">Rome</span>"));
    // Words in full capitals are spaced small capitals in the classic style only.
    assert!(text.contains("<span class=\"caps\">NASA</span>"), "{text}");
    let modern_text = entries(&build("modern"))
        .into_iter()
        .filter(|(n, _)| n.ends_with(".xhtml"))
        .map(|(_, b)| String::from_utf8(b).unwrap())
        .collect::<String>();
    assert!(!modern_text.contains("class=\"caps\""));
    // Both editions show the ornament the text face has: EB Garamond has ❧ but
    // not ⁂, so plain's break is three asterisks in the EPUB as in print.
    assert!(text.contains("<span aria-hidden=\"true\">❧</span>"));
    let plain_text = entries(&build("plain"))
        .into_iter()
        .filter(|(n, _)| n.ends_with(".xhtml"))
        .map(|(_, b)| String::from_utf8(b).unwrap())
        .collect::<String>();
    assert!(
        plain_text.contains("<span aria-hidden=\"true\">*\u{a0}\u{a0}*\u{a0}\u{a0}*</span>"),
        "{plain_text}"
    );
    let modern = build("modern");
    let pages = modern.pages;
    assert!(pages > 0);
    // The labels are on the print pages too.
    let laid = {
        let toml = "title = \"Styled\"\nauthors = [\"A. Writer\"]\ndate = \"2026-01-01\"\nstyle = \"classic\"\n";
        let mut files = vec![("manuscript/book.toml", toml)];
        files.extend(CHAPTERS);
        let project = common::project(&files);
        let (book, _) = quire::load_book(&project, &quire::Options::default()).unwrap();
        let fonts = quire::fonts::Fonts::load(&project, &book.fonts).unwrap();
        quire::layout::layout(&book, &fonts, &mut quire::diag::Sink::new()).unwrap()
    };
    assert!(laid.dump.contains("Chapter One"), "{}", laid.dump);
    assert!(
        laid.dump.contains("Call me Ishmael"),
        "the drop cap's letter is read with its word"
    );
}

#[test]
fn every_chapter_opening_gets_its_drop_cap_the_first_included() {
    // O. Henry's first story opens on a part heading ("## I") where the
    // others open on their text: it lost its initial in both editions.
    let toml = "title = \"Stories\"\nauthors = [\"O. Henry\"]\ndate = \"2026-01-01\"\nstyle = \"classic\"\n";
    let files = [
        ("manuscript/book.toml", toml),
        (
            "manuscript/01.md",
            "# Lord Oakhurst’s Curse\n\n## I\n\nLord Oakhurst lay dying in the oak chamber in the eastern wing of Oakhurst Castle. Through the open window came the sweet fragrance of the early violets and budding trees.\n\n## II\n\nA carriage drove rapidly up the avenue and stopped at the door.\n",
        ),
        (
            "manuscript/02.md",
            "# Bexar Scrip No. 2692\n\nWhenever you visit Austin you should by all means go to see the General Land Office, and the castle on the hill before it.\n",
        ),
    ];
    let project = common::project(&files);
    let (book, _) = quire::load_book(&project, &quire::Options::default()).unwrap();
    let fonts = quire::fonts::Fonts::load(&project, &book.fonts).unwrap();
    let laid = quire::layout::layout(&book, &fonts, &mut quire::diag::Sink::new()).unwrap();
    // Print: each chapter's opening page draws its initial as an outline.
    let chapters: Vec<usize> = book
        .sections
        .iter()
        .enumerate()
        .filter(|(_, s)| s.kind == quire::model::SectionKind::Chapter)
        .map(|(i, _)| i)
        .collect();
    assert_eq!(chapters.len(), 2);
    for section in chapters {
        let title = &book.sections[section].title;
        let opening = laid
            .page_map
            .pages
            .iter()
            .position(|p| p.section as usize == section && !p.blank)
            .unwrap();
        let page = &laid.pages.pages[opening];
        assert!(
            page.items
                .iter()
                .any(|i| matches!(i, quire::layout::frame::Item::Path { .. })),
            "{title}: the opening page has its drop cap"
        );
    }
    // EPUB: each chapter's opening paragraph is classed for its initial.
    let outputs = quire::build(&project, &quire::Options::default()).unwrap();
    let documents: Vec<String> = entries(&outputs)
        .into_iter()
        .filter(|(n, _)| n.ends_with(".xhtml"))
        .map(|(_, b)| String::from_utf8(b).unwrap())
        .filter(|x| x.contains("dying in the oak") || x.contains("visit Austin"))
        .collect();
    assert_eq!(documents.len(), 2);
    for xhtml in &documents {
        assert_eq!(
            xhtml.matches("class=\"noindent opening\"").count(),
            1,
            "{xhtml}"
        );
    }
    assert!(
        documents[0]
            .contains("<p class=\"noindent opening\"><span class=\"sc\">Lord Oakhurst</span>"),
        "{}",
        documents[0]
    );
}

/// The text of a PDF's pages as `pdftotext` reads it (poppler-utils), words
/// joined by single spaces.
fn pdf_words(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn a_one_letter_word_under_a_drop_cap_keeps_its_space_in_the_text_layer() {
    // The initial is an outline with a hidden copy of the letter before the
    // rest of the line: a word of one letter read "Iwas born".
    let toml = "title = \"Openings\"\nauthors = [\"A. Writer\"]\ndate = \"2026-01-01\"\nstyle = \"classic\"\n";
    let files = [
        ("manuscript/book.toml", toml),
        (
            "manuscript/01.md",
            "# Childhood\n\nI was born in the year 1632, in the city of York, of a good family, though not of that country, my father being a foreigner of Bremen, who settled first at Hull.\n",
        ),
        (
            "manuscript/02.md",
            "# The Light\n\n\"A keeper of a lighthouse,\" she said, \"has nothing to do but watch the sea and trim the wick, and yet it is the loneliest trade there is.\"\n",
        ),
        (
            "manuscript/03.md",
            "# The Call\n\nCall me Ishmael. Some years ago, never mind how long precisely, having little or no money in my purse, I thought I would sail about a little.\n",
        ),
    ];
    let outputs = quire::build(&common::project(&files), &quire::Options::default()).unwrap();
    let pdf = &outputs
        .files
        .iter()
        .find(|f| f.name.ends_with(".pdf") && !f.name.ends_with("-cover.pdf"))
        .unwrap()
        .bytes;
    let text = pdf_words(pdf);
    assert!(text.contains("I was born in the year"), "{text}");
    assert!(text.contains("“A keeper of a lighthouse"), "{text}");
    // A letter that begins a longer word still reads with it.
    assert!(text.contains("Call me Ishmael"), "{text}");
}

/// The smaller text's proportions live in the style and both editions read
/// them: a style with them changed sets its code and tables at the new
/// sizes in print, and its stylesheet's tables too. (EB Garamond's note
/// references are its superior figures, drawn at the text's size: the
/// note-reference proportions size only a face without them.)
#[test]
fn the_styles_proportions_change_both_editions() {
    use quire::layout::frame::Item;
    let text =
        "# One\n\nA call `main()` in the text.\n\n| Ship | Tons |\n|---|---|\n| Pequod | 300 |\n";
    let project = common::project(&[
        (
            "manuscript/book.toml",
            "title = \"Proportions\"\nauthors = [\"A. Writer\"]\ndate = \"2026-01-01\"\n",
        ),
        ("manuscript/01.md", text),
    ]);
    // The size of the first run whose text is `want`, against the body's.
    let sizes = |proportions: Option<quire::model::style::Proportions>| {
        let (mut book, _) = quire::load_book(&project, &quire::Options::default()).unwrap();
        if let Some(p) = proportions {
            book.style.proportions = p;
        }
        let fonts = quire::load_fonts(&project, &mut book).unwrap();
        let laid = quire::layout::layout(&book, &fonts, &mut quire::diag::Sink::new()).unwrap();
        let run = |want: &str| {
            laid.pages
                .pages
                .iter()
                .flat_map(|p| &p.items)
                .find_map(|item| match item {
                    Item::Glyphs(run) if run.text.trim() == want => Some(run.size.0),
                    _ => None,
                })
                .unwrap_or_else(|| panic!("no run “{want}”"))
        };
        let body = run("A call");
        let jpeg = quire::cover::ebook_cover(&book, &fonts).unwrap();
        let epub = quire::epub::write(&book, &laid.page_map, &jpeg).unwrap();
        let mut zip = zip::ZipArchive::new(Cursor::new(epub)).unwrap();
        let mut css = String::new();
        zip.by_name("OEBPS/stylesheet.css")
            .unwrap()
            .read_to_string(&mut css)
            .unwrap();
        (run("main()") / body, run("Pequod") / body, css)
    };
    let (code, table, css) = sizes(None);
    assert!((code - 0.82).abs() < 1e-6, "{code}");
    assert!((table - 0.9).abs() < 1e-6, "{table}");
    assert!(
        css.contains("font-size: 0.9em;\n  font-variant-numeric"),
        "{css}"
    );
    let changed = quire::model::style::Proportions {
        note_ref_size: 0.7,
        note_ref_rise: 0.3,
        table_size: 0.85,
        code_size: 0.8,
    };
    let (code, table, css) = sizes(Some(changed));
    assert!((code - 0.8).abs() < 1e-6, "{code}");
    assert!((table - 0.85).abs() < 1e-6, "{table}");
    assert!(
        css.contains("font-size: 0.85em;\n  font-variant-numeric"),
        "{css}"
    );
}
