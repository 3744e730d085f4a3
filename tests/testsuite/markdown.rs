//! The Markdown a book is written in, through both editions: each construct
//! as the EPUB's XHTML carries it and as the print layout sets it.

use crate::common;

use std::collections::HashMap;
use std::io::{Cursor, Read};

use quire::check::Row;
use quire::layout::frame::{Item, Page};
use quire::layout::{LaidOut, layout};
use quire::project::Project;

const TOML: &str = "title = \"Fixture\"\nauthors = [\"A. Writer\"]\ndate = \"2026-01-01\"\n";

/// The EPUB's text files by name, and the print layout.
struct Editions {
    xhtml: HashMap<String, String>,
    laid: LaidOut,
    warnings: Vec<String>,
}

fn editions(files: &[(&str, &str)]) -> Editions {
    editions_with(TOML, files)
}

fn editions_with(toml: &str, files: &[(&str, &str)]) -> Editions {
    let mut all = vec![("manuscript/book.toml", toml)];
    all.extend_from_slice(files);
    let project: Project = common::project(&all);
    let outputs =
        quire::build(&project, &quire::Options::default()).unwrap_or_else(|e| panic!("{e}"));
    let epub = &outputs
        .files
        .iter()
        .find(|f| f.name.ends_with(".epub"))
        .unwrap()
        .bytes;
    let mut zip = zip::ZipArchive::new(Cursor::new(epub.clone())).unwrap();
    let mut xhtml = HashMap::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().rsplit('/').next().unwrap().to_string();
        let mut text = String::new();
        if name.ends_with(".xhtml") && entry.read_to_string(&mut text).is_ok() {
            xhtml.insert(name, text);
        }
    }
    let (book, _) = quire::load_book(&project, &quire::Options::default()).unwrap();
    let fonts = quire::fonts::Fonts::load(&project, &book.fonts).unwrap();
    let laid =
        layout(&book, &fonts, &mut quire::diag::Sink::new()).unwrap_or_else(|e| panic!("{e}"));
    Editions {
        xhtml,
        laid,
        warnings: outputs.warnings.iter().map(|w| w.to_string()).collect(),
    }
}

/// The glyph runs of the page whose text contains `needle`, with that page.
fn page_with<'a>(laid: &'a LaidOut, needle: &str) -> &'a Page {
    laid.pages
        .pages
        .iter()
        .find(|p| {
            p.items.iter().any(|i| match i {
                Item::Glyphs(run) => run.text.contains(needle),
                _ => false,
            })
        })
        .unwrap_or_else(|| panic!("no page sets “{needle}”"))
}

/// Runs whose text contains `needle`: (size, baseline y, x).
fn runs_of(page: &Page, needle: &str) -> Vec<(f64, f64, f64)> {
    page.items
        .iter()
        .filter_map(|i| match i {
            Item::Glyphs(run) if run.text.contains(needle) => Some((run.size.0, run.y.0, run.x.0)),
            _ => None,
        })
        .collect()
}

#[test]
fn struck_raised_and_lowered_text_in_both_editions() {
    let e = editions(&[(
        "manuscript/01.md",
        "# One\n\nWater is H~2~O, energy is mc^2^, and this is ~~gone~~ here.\n",
    )]);
    let chapter = &e.xhtml["chapter-1.xhtml"];
    assert!(chapter.contains("H<sub>2</sub>O"), "{chapter}");
    assert!(chapter.contains("mc<sup>2</sup>"), "{chapter}");
    assert!(chapter.contains("<del>gone</del>"), "{chapter}");

    let page = page_with(&e.laid, "Water");
    let body = runs_of(page, "Water")[0];
    // The raised and lowered figures are smaller, above and below the baseline.
    let (sub_size, sub_y, _) = runs_of(page, "2")
        .into_iter()
        .find(|r| r.1 > body.1)
        .expect("a lowered 2");
    let (sup_size, sup_y, _) = runs_of(page, "2")
        .into_iter()
        .find(|r| r.1 < body.1)
        .expect("a raised 2");
    assert!(sub_size < body.0 && sup_size < body.0);
    assert!(
        sub_y > body.1 && sup_y < body.1,
        "{sub_y} {sup_y} {}",
        body.1
    );
    // A rule runs through the struck word, over its width, above the baseline.
    let (_, gone_y, gone_x) = runs_of(page, "gone")[0];
    let rules: Vec<(f64, f64, f64)> = page
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Rule { x1, y1, x2, .. } => Some((x1.0, x2.0, y1.0)),
            _ => None,
        })
        .collect();
    assert!(
        rules.iter().any(|&(x1, x2, y)| (x1 - gone_x).abs() < 1.0
            && x2 - x1 > 10.0
            && y < gone_y
            && y > gone_y - 6.0),
        "{rules:?} vs gone at ({gone_x}, {gone_y})"
    );
    assert!(
        e.warnings.iter().all(|w| !w.contains("01.md")),
        "{:?}",
        e.warnings
    );
}

#[test]
fn heading_ids_given_by_the_author_are_the_anchors() {
    let e = editions(&[(
        "manuscript/01.md",
        "# One\n\nText.\n\n## Terms and Conditions {#terms}\n\nMore.\n",
    )]);
    let chapter = &e.xhtml["chapter-1.xhtml"];
    assert!(
        chapter.contains("<h2 id=\"terms\">Terms and Conditions</h2>"),
        "{chapter}"
    );
}

/// A file without a heading gets no invented title on the page in either
/// edition: the contents and navigation name a chapter by its first words and
/// front or back matter by its role.
#[test]
fn files_without_headings_get_no_invented_titles() {
    let toml = format!("{TOML}back-matter = [\"afterword.md\"]\n");
    let all = [
        ("manuscript/book.toml", toml.as_str()),
        (
            "manuscript/01.md",
            "Call me Ishmael. Some years ago, never mind how long precisely, I went to sea.\n",
        ),
        ("manuscript/02.md", "# Two\n\nA titled chapter.\n"),
        ("manuscript/afterword.md", "Thanks to everyone.\n"),
    ];
    let project = common::project(&all);
    let outputs = quire::build(&project, &quire::Options::default()).unwrap();
    let epub = &outputs
        .files
        .iter()
        .find(|f| f.name.ends_with(".epub"))
        .unwrap()
        .bytes;
    let mut zip = zip::ZipArchive::new(Cursor::new(epub.clone())).unwrap();
    let mut text = String::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        if entry.name().ends_with(".xhtml") {
            entry.read_to_string(&mut text).unwrap();
        }
    }
    assert!(!text.contains("Chapter 1"), "an invented title: {text}");
    assert!(
        text.contains(">Call me Ishmael. Some years ago…</a>"),
        "the nav names it by its first words"
    );
    assert!(text.contains(">Afterword</a>"), "back matter by its role");
    assert!(
        text.contains("aria-label=\"Call me Ishmael. Some years ago…\""),
        "{text}"
    );

    let (book, _) = quire::load_book(&project, &quire::Options::default()).unwrap();
    let fonts = quire::fonts::Fonts::load(&project, &book.fonts).unwrap();
    let laid = layout(&book, &fonts, &mut quire::diag::Sink::new()).unwrap();
    let printed: String = laid
        .pages
        .pages
        .iter()
        .flat_map(|p| &p.items)
        .filter_map(|i| match i {
            Item::Glyphs(run) => Some(run.text.clone()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join(" ");
    assert!(!printed.contains("Chapter 1"), "{printed}");
    assert!(printed.contains("Call"), "{printed}");
}

const TABLE: &str = "# One\n\nThe figures follow.\n\n| Port | Whales | Oil (barrels) |\n|:-----|:------:|--------------:|\n| Nantucket | 12 | 1,250 |\n| New Bedford, the largest whaling port of them all | 30 | 3,400 |\n| Sag Harbor | 4 | 410 |\n\nTable: Catches of the season\n\nAfter the table.\n";

/// A pipe table: in the EPUB a table with a header row of column headers,
/// aligned by class, in a figure with its caption; in print a booktabs table
/// (three rules, no vertical ones) with cells in their columns, aligned as
/// the delimiter row says, and the caption above.
#[test]
fn tables_in_both_editions() {
    let e = editions(&[("manuscript/01.md", TABLE)]);
    let chapter = &e.xhtml["chapter-1.xhtml"];
    assert!(chapter.contains("<figure class=\"table\">\n<table>\n<thead>\n<tr><th scope=\"col\">Port</th><th scope=\"col\" class=\"align-center\">Whales</th><th scope=\"col\" class=\"align-right\">Oil (barrels)</th></tr>\n</thead>"), "{chapter}");
    assert!(
        chapter.contains("<td class=\"align-right\">1,250</td>"),
        "{chapter}"
    );
    assert!(
        chapter.contains("<figcaption>Catches of the season</figcaption>"),
        "{chapter}"
    );
    assert!(
        !chapter.contains("---") && !chapter.contains("—–"),
        "the delimiter row is not text"
    );
    assert!(!chapter.contains("Table:"), "{chapter}");

    let page = page_with(&e.laid, "Nantucket");
    let rules: Vec<(f64, f64, f64, f64)> = page
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Rule {
                x1, y1, x2, width, ..
            } => Some((x1.0, x2.0, y1.0, width.0)),
            _ => None,
        })
        .collect();
    assert_eq!(rules.len(), 3, "{rules:?}");
    let (top, mid, bottom) = (rules[0], rules[1], rules[2]);
    assert!(top.2 < mid.2 && mid.2 < bottom.2, "{rules:?}");
    assert!(
        top.3 > mid.3 && bottom.3 > mid.3,
        "heavy, light, heavy: {rules:?}"
    );
    // Cells sit in their columns: the port names left, the barrels ranged right.
    let port = runs_of(page, "Nantucket")[0];
    let port_head = runs_of(page, "Port")[0];
    assert!(
        (port.2 - port_head.2).abs() < 0.5,
        "left-aligned with its header"
    );
    let end = |needle: &str| {
        page.items
            .iter()
            .find_map(|i| match i {
                Item::Glyphs(run) if run.text.contains(needle) => {
                    let g = run.glyphs.last().unwrap();
                    Some(run.x.0 + g.x.0 + g.advance.0)
                }
                _ => None,
            })
            .unwrap()
    };
    assert!(
        (end("1,250") - end("410")).abs() < 0.5,
        "figures ranged right"
    );
    assert!(
        (end("1,250") - top.1).abs() < 0.5,
        "the last column ends at the table's edge"
    );
    // The long cell wrapped inside its column, below the rules' top and above the bottom.
    let long = runs_of(page, "New");
    assert!(!long.is_empty());
    let caption = runs_of(page, "Catches")[0];
    assert!(caption.1 < top.2, "the caption is above the table");
    assert!(page.items.iter().all(|i| match i {
        Item::Glyphs(run) => !run.text.contains('|'),
        _ => true,
    }));
}

/// A table too long for a page breaks between rows and sets its header again
/// at the top of the next page.
#[test]
fn a_long_table_repeats_its_header() {
    let mut text = String::from("# One\n\n| Name | Value |\n|---|---:|\n");
    for i in 0..120 {
        text.push_str(&format!("| Row{i} | {} |\n", i * 7));
    }
    text.push_str("\nAfter.\n");
    let e = editions(&[("manuscript/01.md", &text)]);
    let pages: Vec<&Page> = e
        .laid
        .pages
        .pages
        .iter()
        .filter(|p| {
            p.items
                .iter()
                .any(|i| matches!(i, Item::Glyphs(run) if run.text.contains("Row")))
        })
        .collect();
    assert!(pages.len() >= 3, "{} pages", pages.len());
    for page in &pages {
        let head = runs_of(page, "Name");
        let first_row = page
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Glyphs(run) if run.text.contains("Row") => Some(run.y.0),
                _ => None,
            })
            .fold(f64::MAX, f64::min);
        assert_eq!(head.len(), 1, "a header on every page of the table");
        assert!(head[0].1 < first_row);
    }
    // Every row is set once.
    let rows: usize = pages
        .iter()
        .map(|p| {
            p.items
                .iter()
                .filter(|i| matches!(i, Item::Glyphs(run) if run.text.contains("Row")))
                .count()
        })
        .sum();
    assert_eq!(rows, 120);
}

/// A table wider than the measure even at the smallest size is set squeezed,
/// with a warning at its line; the gate warns on a table without a header row.
#[test]
fn a_table_too_wide_warns_and_a_headless_one_is_flagged() {
    let cells = "| Supercalifragilistic ".repeat(9) + "|\n";
    let delimiter = "|---".repeat(9) + "|\n";
    let empty_head = "|   ".repeat(9) + "|\n";
    let text = format!("# One\n\nText.\n\n{empty_head}{delimiter}{cells}{cells}\nAfter.\n");
    let e = editions(&[("manuscript/01.md", &text)]);
    assert!(
        e.warnings.iter().any(|w| w
            .starts_with("warning: a table is too wide for the page even at 8.2 pt")
            && w.contains("--> manuscript/01.md:5:1")),
        "{:?}",
        e.warnings
    );
    assert!(
        !e.xhtml["chapter-1.xhtml"].contains("<thead>"),
        "an empty header is no header"
    );
    let project = common::project(&[("manuscript/book.toml", TOML), ("manuscript/01.md", &text)]);
    let (report, _) = quire::check::release_gate(&project, &quire::Options::default()).unwrap();
    let check = report.get(Row::TablesWithHeaderRows).unwrap();
    assert_eq!(check.status, quire::check::Status::Warn);
    assert_eq!(check.value, "0 of 1");
}

/// Glyph runs' text on a page, joined.
fn page_text(page: &Page) -> String {
    page.items
        .iter()
        .filter_map(|i| match i {
            Item::Glyphs(run) => Some(run.text.as_str()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn cross_references_reach_their_targets_in_both_editions() {
    let one = "# The Start\n\nSee [the terms](02.md#terms-of-art) and [](02.md#glossary), \
               or [the end](#the-end) and [the next chapter](02.md). Also [a site](https://example.com/a/b) \
               and <https://example.org>.\n\n## The End\n\nDone.\n";
    let two =
        "# Second\n\nText.\n\n## Terms of Art\n\nWords.\n\n## A Glossary {#glossary}\n\nMore.\n";
    let toml = format!("{TOML}[print]\npage-references = true\n");
    let e = editions_with(
        &toml,
        &[("manuscript/01.md", one), ("manuscript/02.md", two)],
    );
    let x = &e.xhtml["chapter-1.xhtml"];
    assert!(
        x.contains(r#"<a href="chapter-2.xhtml#terms-of-art">the terms</a>"#),
        "{x}"
    );
    // Empty words: the target's title in the EPUB, never a page number.
    assert!(
        x.contains(r#"<a href="chapter-2.xhtml#glossary">A Glossary</a>"#),
        "{x}"
    );
    assert!(
        x.contains(r#"<a href="chapter-1.xhtml#the-end">the end</a>"#),
        "{x}"
    );
    assert!(
        x.contains(r#"<a href="chapter-2.xhtml">the next chapter</a>"#),
        "{x}"
    );
    assert!(
        x.contains(r#"<a href="https://example.com/a/b">a site</a>"#),
        "{x}"
    );
    // The targets carry those ids.
    let target = &e.xhtml["chapter-2.xhtml"];
    assert!(target.contains(r#"id="terms-of-art""#) && target.contains(r#"id="glossary""#));

    // Print: the words, then the page; an empty reference is the page alone;
    // a web link's address follows its words unless the words are the address.
    let page = page_with(&e.laid, "terms");
    let text = page_text(page).replace(['\u{a0}', ' '], "");
    let second = e
        .laid
        .page_map
        .pages
        .iter()
        .find(|p| !p.blank && p.section == page_section(&e.laid, "Words"))
        .map(|p| p.label.clone())
        .unwrap();
    assert!(
        text.contains(&format!("theterms(page{second})and{second},")),
        "{text}"
    );
    assert!(text.contains("theend(page1)"), "{text}");
    assert!(
        text.contains("example.com"),
        "the address is printed: {text}"
    );
    assert_eq!(
        text.matches("example.org").count(),
        1,
        "a bare address is not repeated: {text}"
    );
}

/// The section index of the page that sets `needle`.
fn page_section(laid: &LaidOut, needle: &str) -> u32 {
    let index = laid
        .pages
        .pages
        .iter()
        .position(|p| {
            p.items
                .iter()
                .any(|i| matches!(i, Item::Glyphs(run) if run.text.contains(needle)))
        })
        .unwrap();
    laid.page_map.pages[index].section
}

#[test]
fn a_broken_or_unsafe_link_is_reported_at_its_place() {
    // A dead link never stops the build: a warning at its place names the
    // nearest ids that exist, and its words stay, unlinked, in both editions.
    let text = "# Opening\n\n## The Academy\n\nA line.\n\nSee [this](02.md#nowhere) and [that](missing.md), and [academe](#academe).\n\nAs [elsewhere](#somewhere-else).\n";
    let two = "# Closing\n\n## Somewhere Else\n\nText.\n\n## Nowhere Man\n\nMore.\n";
    let e = editions(&[("manuscript/01.md", text), ("manuscript/02.md", two)]);
    let warning = |needle: &str| {
        e.warnings
            .iter()
            .find(|w| w.contains(needle))
            .unwrap_or_else(|| panic!("no warning with {needle}: {:?}", e.warnings))
            .clone()
    };
    let nowhere =
        warning("the link `02.md#nowhere` points to an id that manuscript/02.md does not have");
    assert!(nowhere.starts_with("warning: "), "{nowhere}");
    assert!(
        nowhere.contains("its words “this” are kept as text"),
        "{nowhere}"
    );
    assert!(nowhere.contains("manuscript/01.md:7:12"), "{nowhere}");
    assert!(
        nowhere.contains(
            "hint: the nearest ids: 02.md#nowhere-man, 02.md#closing, 02.md#somewhere-else;"
        ),
        "{nowhere}"
    );
    let missing = warning("the link `missing.md` points to a file that is not in the book");
    assert!(missing.contains("manuscript/01.md:7:38"), "{missing}");
    assert!(
        missing.contains("the nearest files in the book: 01.md, 02.md"),
        "{missing}"
    );
    let academe =
        warning("the link `#academe` points to an id that manuscript/01.md does not have");
    assert!(academe.contains("manuscript/01.md:7:65"), "{academe}");
    assert!(
        academe.contains("the nearest ids: #the-academy, #opening"),
        "{academe}"
    );
    // The id another file has is the likeliest meaning: it comes first.
    let elsewhere = warning("the link `#somewhere-else` points to an id");
    assert!(
        elsewhere.contains("the nearest ids: 02.md#somewhere-else, #opening, #the-academy"),
        "{elsewhere}"
    );
    // EPUB: the words as plain text, no <a> for them.
    let chapter = e
        .xhtml
        .values()
        .find(|x| x.contains("See this"))
        .unwrap_or_else(|| panic!("{:?}", e.xhtml.keys()));
    assert!(
        chapter.contains("See this and that, and academe.</p>"),
        "{chapter}"
    );
    assert!(
        !chapter.contains("href=\"02.md") && !chapter.contains("missing.md"),
        "{chapter}"
    );
    // Print: the words, and no address after them.
    let page = page_with(&e.laid, "academe");
    let line: String = page
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Glyphs(run) => Some(run.text.to_string()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("");
    // A line's runs carry its words, and its word spaces as space glyphs.
    assert!(line.contains("See this and that, and academe."), "{line}");
    assert!(
        !line.contains("missing.md") && !line.contains("nowhere"),
        "{line}"
    );

    let unsafe_link = "# One\n\nClick [here](javascript:alert(1)) or [there](data:text/html,x).\n";
    let e = editions(&[("manuscript/01.md", unsafe_link)]);
    assert!(e.warnings.iter().any(|w| w.contains("a `javascript:` link is not followed") && w.contains("01.md:3:14")), "{:?}", e.warnings);
    assert!(
        e.warnings
            .iter()
            .any(|w| w.contains("a `data:` link is not followed")),
        "{:?}",
        e.warnings
    );
    let x = &e.xhtml["chapter-1.xhtml"];
    assert!(
        x.contains("Click here or there.") && !x.contains("javascript"),
        "{x}"
    );
}

/// Text of a PDF, as poppler's pdftotext reads it.
fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    String::from_utf8(out.stdout).unwrap()
}

fn pdf_of(files: &[(&str, &str)]) -> (Vec<u8>, Vec<String>) {
    let mut all = vec![("manuscript/book.toml", TOML)];
    all.extend_from_slice(files);
    let outputs = quire::build(&common::project(&all), &quire::Options::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let pdf = outputs
        .files
        .iter()
        .find(|f| f.name.ends_with(".pdf") && !f.name.contains("cover"))
        .unwrap();
    (
        pdf.bytes.clone(),
        outputs.warnings.iter().map(|w| w.to_string()).collect(),
    )
}

#[test]
fn code_is_set_in_the_code_face_with_every_space() {
    let long = "x".repeat(30) + " " + &"y".repeat(90);
    let text = format!(
        "# One\n\nSay `let x = 1;` here.\n\n```\nfn main() {{\n    let a   = 1;  // aligned\n\tlet b = 2;\n    {long}\n}}\n```\n\nAfter.\n"
    );
    let e = editions(&[("manuscript/01.md", &text)]);
    let page = page_with(&e.laid, "aligned");
    let mono: Vec<&quire::layout::frame::GlyphRun> = page
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Glyphs(run) if run.style == quire::fonts::Style::Mono => Some(run),
            _ => None,
        })
        .collect();
    // A line's closing space (the line break, for the text a reader takes) aside.
    let texts: Vec<&str> = mono.iter().map(|r| r.text.trim_end_matches(' ')).collect();
    // Spaces are kept as written (a tab is four columns), never collapsed.
    assert!(texts.contains(&"    let a   = 1;  // aligned"), "{texts:?}");
    assert!(texts.contains(&"    let b = 2;"), "{texts:?}");
    assert!(
        texts.contains(&"let x = 1;"),
        "inline code is in the code face: {texts:?}"
    );
    // Columns line up: the same character count gives the same width.
    let a = mono
        .iter()
        .find(|r| r.text.starts_with("    let a"))
        .unwrap();
    let b = mono
        .iter()
        .find(|r| r.text.starts_with("    let b"))
        .unwrap();
    assert!((a.glyphs[4].x.0 - b.glyphs[4].x.0).abs() < 0.01);
    // The long line wraps with a continuation mark, and is named.
    assert!(page_text(page).contains("↪"), "{}", page_text(page));
    assert!(
        e.warnings
            .iter()
            .any(|w| w.starts_with("warning: a code line is too long")
                && w.contains("manuscript/01.md:9:1")),
        "{:?}",
        e.warnings
    );
}

#[test]
fn other_scripts_come_from_the_fallback_with_a_true_text_layer() {
    let text = "# One\n\nGreek λόγος, Kazakh Қазақ тілі, an arrow ↩, an emoji 😀, \
                the word سلام and the phrase مرحبا بالعالم, and the office.\n";
    let (pdf, warnings) = pdf_of(&[("manuscript/01.md", text)]);
    let extracted = pdf_text(&pdf);
    for expected in ["λόγος", "Қазақ тілі", "↩", "😀", "سلام", "office"] {
        assert!(extracted.contains(expected), "{expected} in {extracted}");
    }
    // The phrase reads right to left, its words in logical order once extracted.
    assert!(extracted.contains("مرحبا بالعالم"), "{extracted}");
    let notice = warnings.iter().find(|w| w.contains("fallback")).unwrap();
    assert!(
        notice.contains("↩")
            && notice.contains("😀")
            && notice.contains("from fonts/DejaVuSans.ttf"),
        "{notice}"
    );
    assert!(!notice.contains('λ'), "EB Garamond has Greek: {notice}");
}

#[test]
fn a_right_to_left_paragraph_is_refused_in_print() {
    let text = "# One\n\nEnglish first.\n\nשלום עולם, a Hebrew paragraph.\n";
    let project = common::project(&[("manuscript/book.toml", TOML), ("manuscript/01.md", text)]);
    let err = quire::build(&project, &quire::Options::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("error: a right-to-left paragraph (it begins in Arabic, Hebrew or another right-to-left script) cannot be set in print yet\n  --> manuscript/01.md:5:1"),
        "{err}"
    );
}

#[test]
fn verse_keeps_its_lines_in_both_editions() {
    let long = "and this line is long enough that it must certainly turn over onto a second line of the page";
    let text = format!(
        "# Poems\n\nIntro.\n\nBecause I could not stop for Death –\\\nHe kindly stopped for me –\\\n{long}.\n\n\
         ```verse\nI wandered lonely as a *cloud*\n   That floats on high,\n- a dash line\n1. a number\n\nSecond stanza here.\n```\n\nAfter.\n"
    );
    let e = editions(&[("manuscript/01.md", &text)]);
    let x = &e.xhtml["chapter-1.xhtml"];
    assert!(x.contains("<div class=\"stanza\">\n<p class=\"line\">Because I could not stop for Death –</p>\n<p class=\"line\">He kindly stopped for me –</p>"), "{x}");
    assert!(x.contains("<p class=\"line\">I wandered lonely as a <em>cloud</em></p>\n<p class=\"line indent-3\">That floats on high,</p>"), "{x}");
    // A line that looks like a list item or a numbered line stays a line.
    assert!(x.contains("<p class=\"line\">- a dash line</p>\n<p class=\"line\">1. a number</p>\n</div>\n<div class=\"stanza\">\n<p class=\"line\">Second stanza here.</p>"), "{x}");
    assert_eq!(x.matches("class=\"stanza\"").count(), 3);
    assert!(x.contains("<p class=\"noindent\">After.</p>"), "{x}");

    // Print: flush left, unjustified; the turnover hangs 2 em further in; the
    // indented line is indented; the lines are consecutive grid lines.
    let page = page_with(&e.laid, "kindly");
    let at = |needle: &str| {
        runs_of(page, needle)
            .first()
            .copied()
            .unwrap_or_else(|| panic!("{needle}"))
    };
    let (_, because_y, because_x) = at("Because");
    let (_, kindly_y, kindly_x) = at("kindly");
    let (_, _, turn_x) = at("page.");
    let (_, _, wandered_x) = at("wandered");
    let (_, _, floats_x) = at("floats");
    assert!((because_x - kindly_x).abs() < 30.0 && kindly_y > because_y);
    assert!(
        turn_x - kindly_x > 15.0,
        "the turnover hangs: {turn_x} vs {kindly_x}"
    );
    assert!(floats_x > wandered_x + 5.0, "the indented line is indented");
    let lines: Vec<String> = e
        .laid
        .dump
        .lines()
        .filter(|l| l.contains("He kindly") || l.contains("Because"))
        .map(str::to_string)
        .collect();
    assert_eq!(lines.len(), 2, "{}", e.laid.dump);
}

#[test]
fn dedication_epigraph_and_parts_in_both_editions() {
    let toml = format!(
        "{TOML}dedication = \"For *M.*,\\nwho read to me.\"\nepigraph = \"Call me Ishmael.\"\nepigraph-source = \"Herman Melville\"\n\
         [[parts]]\ntitle = \"Part One\"\nchapters = [\"one/01.md\", \"one/02.md\"]\n[[parts]]\ntitle = \"Part Two\"\nchapters = [\"03.md\"]\n"
    );
    let e = editions_with(
        &toml,
        &[
            (
                "manuscript/one/01.md",
                "# First\n\nText one.\n\n## A Section\n\nMore.\n",
            ),
            ("manuscript/one/02.md", "# Second\n\nText two.\n"),
            ("manuscript/03.md", "# Third\n\nText three.\n"),
            ("manuscript/stray.md", "# Stray\n\nNot listed.\n"),
            ("manuscript/one/notes.md", "Working notes.\n"),
        ],
    );
    // EPUB: semantics, and the parts' chapters nested under them.
    let dedication = &e.xhtml["dedication.xhtml"];
    assert!(dedication.contains("epub:type=\"dedication\"") && dedication.contains("<p class=\"dedication\">For <em>M.</em>,</p>\n<p class=\"dedication\">who read to me.</p>"), "{dedication}");
    let epigraph = &e.xhtml["epigraph.xhtml"];
    assert!(
        epigraph.contains("epub:type=\"epigraph\"")
            && epigraph.contains("<blockquote>")
            && epigraph.contains("<p class=\"attribution\">— Herman Melville</p>"),
        "{epigraph}"
    );
    assert!(e.xhtml["part-1.xhtml"].contains("epub:type=\"part\""));
    let nav = &e.xhtml["nav.xhtml"];
    let toc = &nav[..nav.find("landmarks").unwrap()];
    let squeezed: String = toc.split_whitespace().collect();
    // A chapter in a part keeps its sections in the nav, as one outside a part does.
    assert!(squeezed.contains("<ahref=\"part-1.xhtml\">PartOne</a><ol><li><ahref=\"chapter-1.xhtml\">First</a><ol><li><ahref=\"chapter-1.xhtml#a-section\">ASection</a></li></ol></li><li><ahref=\"chapter-2.xhtml\">Second</a></li></ol>"), "{toc}");
    assert!(squeezed.contains("<ahref=\"part-2.xhtml\">PartTwo</a><ol><li><ahref=\"chapter-3.xhtml\">Third</a></li></ol>"), "{toc}");
    assert!(
        nav.contains("epub:type=\"bodymatter\" href=\"part-1.xhtml\""),
        "{nav}"
    );

    // Print: each on a recto with nothing else on it, no running head or folio;
    // the verso behind a part title is blank.
    let pages = &e.laid.pages.pages;
    for needle in ["who read to me.", "Call me Ishmael.", "Part One"] {
        let index = pages
            .iter()
            .position(|p| {
                page_text(p).contains(needle.split(' ').next().unwrap())
                    && p.items.len() <= 4
                    && page_text(p)
                        .replace(' ', "")
                        .contains(&needle.replace(' ', ""))
            })
            .unwrap_or_else(|| panic!("{needle}"));
        assert_eq!(
            pages[index].side,
            quire::layout::frame::Side::Recto,
            "{needle}"
        );
        assert!(
            !page_text(&pages[index]).chars().any(|c| c.is_ascii_digit()),
            "no folio with {needle}: {}",
            page_text(&pages[index])
        );
        if needle == "Part One" {
            assert!(
                pages[index + 1].items.is_empty(),
                "the verso behind a part is blank"
            );
        }
    }
    // The contents lists the part's chapters under it, with their pages.
    let contents = pages
        .iter()
        .find(|p| page_text(p).contains("Contents"))
        .unwrap();
    let text = page_text(contents);
    assert!(
        text.contains("Part One") && text.contains("First") && !text.contains("A Section"),
        "{text}"
    );

    // Files no list reaches are named.
    for file in ["manuscript/stray.md", "manuscript/one/notes.md"] {
        assert!(
            e.warnings
                .iter()
                .any(|w| w.starts_with(&format!("warning: {file} is not in the book"))),
            "{file}: {:?}",
            e.warnings
        );
    }
}

#[test]
fn task_lists_and_unsupported_constructs() {
    let text = "---\ntitle: Converted\nauthor: Someone\n---\n\n# One {.fancy}\n\n- [ ] to do\n- [x] done\n\nTerm\n: its definition\n\nAfter.\n";
    let e = editions(&[("manuscript/01.md", text)]);
    let x = &e.xhtml["chapter-1.xhtml"];
    assert!(x.contains("☐ to do") && x.contains("☑ done"), "{x}");
    assert!(
        !x.contains("Converted"),
        "the metadata block is left out: {x}"
    );
    let warned = |start: &str, at: &str| {
        assert!(
            e.warnings
                .iter()
                .any(|w| w.starts_with(start) && w.contains(at)),
            "{start} at {at}: {:?}",
            e.warnings
        )
    };
    warned("warning: a metadata block", "manuscript/01.md:1:1");
    warned(
        "warning: a heading's classes and attributes",
        "manuscript/01.md:6:1",
    );
    // A definition list is read (see `definition_lists_in_both_editions`).
    assert!(
        x.contains(
            "<dl>\n<dt>Term</dt>\n<dd>\n<p class=\"noindent\">its definition</p>\n</dd>\n</dl>"
        ),
        "{x}"
    );
    assert!(
        e.warnings.iter().all(|w| !w.contains("definition")),
        "{:?}",
        e.warnings
    );
    // Print sets the boxes (from the fallback face).
    let page = page_with(&e.laid, "to do");
    assert!(page_text(page).contains('☐') && page_text(page).contains('☑'));
}

#[test]
fn the_everything_manuscript_builds_with_every_element_in_place() {
    let outputs = quire::build(&common::everything(""), &quire::Options::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let warnings: Vec<String> = outputs.warnings.iter().map(|w| w.to_string()).collect();
    // Only the three warnings the manuscript asks for: the file between chapters without a
    // heading, the fallback characters and the long code line.
    assert_eq!(warnings.len(), 3, "{warnings:?}");
    assert!(
        warnings[0].contains("04-scripts.md has no heading; it is set as an unnumbered section"),
        "{warnings:?}"
    );
    let pdf = outputs
        .files
        .iter()
        .find(|f| f.name == "everything-books-write.pdf")
        .unwrap();
    let text = pdf_text(&pdf.bytes).replace('\u{a0}', " ");
    for expected in [
        "For the readers",
        "— Ludwig Wittgenstein",
        "Part One: Prose and Tables",
        "to the table of measures (page 3), to 9, and back to the code chapter (page 5).",
        "withdrawn",
        "☑ set the tables",
        "loose lines",
        "// inches",
        "cargo build --release",
        "He kindly stopped for me –",
        "λόγος καὶ ἦθος",
        "Қазақ тілі",
        "↩",
        "😀",
    ] {
        assert!(text.contains(expected), "“{expected}” in\n{text}");
    }
    assert!(!text.contains("Chapter 4"), "no invented titles");
}

#[test]
fn web_addresses_as_footnotes_in_print() {
    let toml = format!("{TOML}[print]\nurls = \"footnote\"\n");
    let text = "# One\n\nA note first.[^a] Then [the standard](https://www.w3.org/TR/epub-33/) and <https://example.org>.\n\n[^a]: The author's note.\n";
    let e = editions_with(&toml, &[("manuscript/01.md", text)]);
    let page = page_with(&e.laid, "standard");
    let body = page_text(page);
    assert!(!body.contains("(https://www.w3.org"), "not inline: {body}");
    // The author's note stays 1, the address is note 2, at the foot.
    assert!(
        body.contains("https://www.w3.org/TR/epub-33/"),
        "{body} / {:?}",
        e.warnings
    );
    // (Superior figures sit on the line as glyphs of their own: compare without spaces.)
    let joined: String = body.split_whitespace().collect();
    assert!(
        joined.contains("thestandard2and")
            && joined.contains("1.Theauthor’snote.2.https://www.w3.org/TR/epub-33/"),
        "{body}"
    );
    // The EPUB keeps the plain link, with no extra note.
    let x = &e.xhtml["chapter-1.xhtml"];
    assert!(
        x.contains("<a href=\"https://www.w3.org/TR/epub-33/\">the standard</a>")
            && x.matches("doc-noteref").count() == 1,
        "{x}"
    );
}

#[test]
fn converters_wrapper_tags_are_left_out_with_one_warning() {
    // As `pandoc -t gfm` writes an EPUB: anchors and divisions around the text.
    let text = "<span id=\"chapter-1.xhtml\"></span>\n\n# One\n\n<div class=\"section\">\n\nText <span id=\"p1\"></span>here, and <b>bold</b>.\n\n</div>\n";
    let e = editions(&[("manuscript/01.md", text)]);
    let x = &e.xhtml["chapter-1.xhtml"];
    assert!(
        !x.contains("span id=\"p1\"") && !x.contains("&lt;span") && !x.contains("&lt;div"),
        "{x}"
    );
    assert!(
        x.contains("Text here, and &lt;b&gt;bold&lt;/b&gt;."),
        "other HTML is still set as text: {x}"
    );
    let wrappers: Vec<&String> = e
        .warnings
        .iter()
        .filter(|w| w.contains("HTML wrapper tags"))
        .collect();
    assert_eq!(wrappers.len(), 1, "{:?}", e.warnings);
    assert!(
        !x.contains("<p></p>") && !x.contains("<p class=\"noindent\"></p>"),
        "no empty paragraph is left: {x}"
    );
    assert!(
        e.laid.dump.contains("One 1"),
        "the heading still titles the chapter: {}",
        e.laid.dump
    );
    assert!(
        wrappers[0].starts_with("warning: 6 HTML wrapper tags")
            && wrappers[0].contains("manuscript/01.md:1:1"),
        "{}",
        wrappers[0]
    );
    assert!(
        e.warnings
            .iter()
            .any(|w| w.starts_with("warning: raw HTML is set as text: `<b>`"))
    );
}

/// The page (0-based) whose glyph runs set `needle`.
fn page_index(laid: &LaidOut, needle: &str) -> usize {
    laid.pages
        .pages
        .iter()
        .position(|p| page_text(p).contains(needle))
        .unwrap_or_else(|| panic!("no page sets “{needle}”"))
}

#[test]
fn a_bracketed_span_with_a_language_is_a_language_span_in_both_editions() {
    let e = editions(&[(
        "manuscript/01.md",
        "# One\n\nThe Greeks called it [ἀρετή]{lang=el}; the French say [*le mot juste*]{lang=fr .smallcaps}, \
         and a [Weltschmerz]{lang=\"de\"} came over him.\n",
    )]);
    let x = &e.xhtml["chapter-1.xhtml"];
    assert!(
        x.contains("called it <span lang=\"el\" xml:lang=\"el\">ἀρετή</span>;"),
        "{x}"
    );
    assert!(
        x.contains("<span lang=\"fr\" xml:lang=\"fr\"><span class=\"sc\"><em>le mot juste</em></span></span>"),
        "{x}"
    );
    assert!(
        x.contains("a <span lang=\"de\" xml:lang=\"de\">Weltschmerz</span> came"),
        "{x}"
    );
    assert!(!x.contains("{lang") && !x.contains("[ἀρετή]"), "{x}");
    // Print sets the words without their brackets and attributes.
    let text = page_text(page_with(&e.laid, "Greeks"));
    assert!(
        text.contains("ἀρετή") && text.contains("Weltschmerz"),
        "{text}"
    );
    assert!(!text.contains('[') && !text.contains('{'), "{text}");
    assert!(
        e.warnings.iter().all(|w| !w.contains("01.md")),
        "{:?}",
        e.warnings
    );
    // The model carries the language, for the print edition's tagging.
    let project = common::project(&[
        ("manuscript/book.toml", TOML),
        ("manuscript/01.md", "# One\n\nSay [ἀρετή]{lang=el}.\n"),
    ]);
    let (book, _) = quire::load_book(&project, &quire::Options::default()).unwrap();
    let mut tags = Vec::new();
    let mut chapter = book.chapters().next().unwrap().clone();
    quire::model::for_each_section_inline_mut(&mut chapter, &mut |inline| {
        if let quire::model::Inline::Language { tag, content } = inline {
            tags.push((tag.clone(), quire::model::plain_text(content)));
        }
    });
    assert_eq!(tags, vec![("el".to_string(), "ἀρετή".to_string())]);

    // A tag that is no language is an error at its place.
    let project = common::project(&[
        ("manuscript/book.toml", TOML),
        ("manuscript/01.md", "# One\n\nSay [mot]{lang=xx}.\n"),
    ]);
    let Err(err) = quire::build(&project, &quire::Options::default()) else {
        panic!("built with lang=xx");
    };
    let err = err.to_string();
    assert!(
        err.starts_with("error: `lang=xx` is not a language tag")
            && err.contains("--> manuscript/01.md:3:10"),
        "{err}"
    );
}

#[test]
fn fenced_divs_are_blocks_the_style_sets() {
    let toml = format!(
        "{TOML}[style]\nbase = \"classic\"\n[style.class.sidebar]\nface = \"bold\"\nalign = \"center\"\n"
    );
    let text = "# One\n\nThe body text runs on here, justified, at the full measure of the page.\n\n\
                ::: {.epigraph}\nWhoso list to hunt, I know where is an hind.\n:::\n\n\
                ::: sidebar\nA box the author defined.\n:::\n\n\
                ::: {.callout}\nA class no style knows.\n:::\n\n\
                ::: poem\nTyger Tyger, burning bright,\nIn the forests of the night;\n:::\n\nAfter.\n";
    let e = editions_with(&toml, &[("manuscript/01.md", text)]);
    let x = &e.xhtml["chapter-1.xhtml"];
    assert!(
        x.contains("<div class=\"epigraph\" epub:type=\"epigraph\" role=\"doc-epigraph\">\n<p class=\"noindent\">Whoso list"),
        "{x}"
    );
    assert!(x.contains("<div class=\"sidebar\">"), "{x}");
    assert!(x.contains("<div class=\"verse\">\n<div class=\"stanza\">\n<p class=\"line\">Tyger Tyger, burning bright,</p>\n<p class=\"line\">In the forests"), "{x}");
    assert!(!x.contains(":::"), "{x}");
    // The stylesheet sets the classes the book uses as the style says.
    let outputs = quire::build(
        &common::project(&[("manuscript/book.toml", &toml), ("manuscript/01.md", text)]),
        &quire::Options::default(),
    )
    .unwrap();
    let epub = &outputs
        .files
        .iter()
        .find(|f| f.name.ends_with(".epub"))
        .unwrap()
        .bytes;
    let mut zip = zip::ZipArchive::new(Cursor::new(epub.clone())).unwrap();
    let mut css = String::new();
    zip.by_name("OEBPS/stylesheet.css")
        .unwrap()
        .read_to_string(&mut css)
        .unwrap();
    assert!(
        css.contains("div.epigraph {\n  font-size: 1em;\n  font-style: italic;"),
        "{css}"
    );
    assert!(
        css.contains(
            "div.sidebar {\n  font-size: 1em;\n  font-style: normal;\n  font-weight: bold;"
        ),
        "{css}"
    );
    assert!(
        css.contains("div.sidebar p {\n  text-align: center;"),
        "{css}"
    );
    assert!(!css.contains("div.callout"), "{css}");

    // Print: the epigraph indented on both sides in the style's italic, the
    // sidebar centred in bold, the poem's lines each a line; no fences.
    let page = page_with(&e.laid, "Whoso");
    let glyphs = |needle: &str| {
        page.items
            .iter()
            .find_map(|i| match i {
                Item::Glyphs(run) if run.text.contains(needle) => Some(run.clone()),
                _ => None,
            })
            .unwrap_or_else(|| panic!("{needle}"))
    };
    let body = glyphs("body");
    let whoso = glyphs("Whoso");
    assert!(
        whoso.x.0 > body.x.0 + 5.0,
        "indented: {} vs {}",
        whoso.x.0,
        body.x.0
    );
    assert_eq!(whoso.style, quire::fonts::Style::Italic);
    let sidebar = glyphs("box");
    assert_eq!(sidebar.style, quire::fonts::Style::Bold);
    assert!(sidebar.x.0 > body.x.0 + 20.0, "centred: {}", sidebar.x.0);
    assert!(!page_text(page).contains(":::"));
    let lines: Vec<&str> = e
        .laid
        .dump
        .lines()
        .filter(|l| l.contains("Tyger") || l.contains("forests"))
        .collect();
    assert_eq!(lines.len(), 2, "{}", e.laid.dump);

    // One warning, at the div, naming the class no style knows.
    let warned: Vec<&String> = e
        .warnings
        .iter()
        .filter(|w| w.contains(".callout"))
        .collect();
    assert_eq!(warned.len(), 1, "{:?}", e.warnings);
    assert!(
        warned[0].starts_with("warning: the style sets no div of class .callout")
            && warned[0].contains("--> manuscript/01.md:13:1"),
        "{}",
        warned[0]
    );
    assert!(
        e.warnings.iter().all(|w| !w.contains("sidebar")),
        "{:?}",
        e.warnings
    );
}

#[test]
fn divs_around_a_chapter_heading_keep_the_chapters() {
    // Pandoc's `--section-divs` wraps each chapter in a div of class `section`.
    let text = "::: {#one .section .level1}\n# One\n\nFirst text.\n:::\n\n::: {#two .section .level1}\n# Two\n\nSecond text.\n\n::: epigraph\nA quotation.\n:::\n:::\n";
    let e = editions(&[("manuscript/01.md", text)]);
    assert!(
        e.xhtml.contains_key("chapter-2.xhtml"),
        "{:?}",
        e.xhtml.keys()
    );
    assert!(e.xhtml["chapter-2.xhtml"].contains("<div class=\"epigraph\""));
    assert!(
        e.warnings.iter().all(|w| !w.contains("01.md")),
        "{:?}",
        e.warnings
    );
    // A closing fence with no div, and a div never closed, are named at their place.
    let e = editions(&[(
        "manuscript/01.md",
        "# One\n\nText.\n\n:::\n\n::: epigraph\nNever closed.\n",
    )]);
    assert!(
        e.warnings
            .iter()
            .any(|w| w.starts_with("warning: `:::` closes no div here") && w.contains("01.md:5:1")),
        "{:?}",
        e.warnings
    );
    assert!(
        e.warnings.iter().any(|w| w
            .starts_with("warning: `::: epigraph` is not closed before the end of the file")
            && w.contains("01.md:7:1")),
        "{:?}",
        e.warnings
    );
}

#[test]
fn newpage_starts_a_new_page_in_print() {
    let text =
        "# One\n\nBefore the break.\n\n\\newpage\n\nAfter the break.\n\n\\pagebreak\n\nLast.\n";
    let e = editions(&[("manuscript/01.md", text)]);
    let before = page_index(&e.laid, "Before");
    let after = page_index(&e.laid, "After");
    let last = page_index(&e.laid, "Last.");
    assert_eq!((after, last), (before + 1, before + 2));
    // Short by the author's wish: not a short page.
    assert!(
        e.laid.report.short_pages.is_empty(),
        "{:?}",
        e.laid.report.short_pages
    );
    let x = &e.xhtml["chapter-1.xhtml"];
    assert!(!x.contains("newpage"), "{x}");
    assert!(
        x.contains("<div class=\"page-break\" aria-hidden=\"true\"></div>"),
        "{x}"
    );
    assert!(
        e.warnings.iter().all(|w| !w.contains("01.md")),
        "{:?}",
        e.warnings
    );
}

#[test]
fn math_is_kept_as_written_with_one_warning_at_its_place() {
    let text = "# One\n\nMoney first: it cost $20,000 and $30,000.\n\nEinstein wrote $E = mc^2$ and $a*b*c$, and\n\n$$\\int_0^1 x\\,dx$$\n";
    let (pdf, warnings) = pdf_of(&[("manuscript/01.md", text)]);
    let math: Vec<&String> = warnings.iter().filter(|w| w.contains("math")).collect();
    assert_eq!(math.len(), 1, "{warnings:?}");
    assert!(
        math[0].starts_with("warning: math is not set yet: $E = mc^2$ and 2 more in this file are printed as written\n  --> manuscript/01.md:5:16"),
        "{}",
        math[0]
    );
    let printed = pdf_text(&pdf);
    assert!(printed.contains("$E = mc^2$"), "{printed}");
    assert!(
        printed.contains("$a*b*c$"),
        "emphasis is not read in math: {printed}"
    );
    assert!(printed.contains("\\int_0^1 x\\,dx"), "{printed}");
    // Money alone is no math.
    let (_, warnings) = pdf_of(&[(
        "manuscript/01.md",
        "# One\n\nIt cost $20,000 and $30,000.\n",
    )]);
    assert!(warnings.iter().all(|w| !w.contains("math")), "{warnings:?}");
}

/// The left edge of each text line on a page (the first run's x) and its
/// text without spaces (the glue is not text), by baseline, top down.
fn line_starts(page: &Page) -> Vec<(f64, f64, String)> {
    let mut lines: Vec<(f64, f64, String)> = Vec::new();
    for item in &page.items {
        if let Item::Glyphs(run) = item {
            // Letters only: word spaces are glyphs of their own in the runs.
            let letters = run.text.replace(' ', "");
            match lines.iter_mut().find(|l| (l.0 - run.y.0).abs() < 0.5) {
                Some(line) => {
                    line.1 = line.1.min(run.x.0);
                    line.2.push_str(&letters);
                }
                None => lines.push((run.y.0, run.x.0, letters)),
            }
        }
    }
    lines.sort_by(|a, b| a.0.total_cmp(&b.0));
    lines
}

#[test]
fn hard_breaks_make_verse_only_where_the_lines_read_as_verse() {
    let letter = "Dear Sir,\\\nI write to tell you that the abacus you ordered has arrived, and that it is a very fine one indeed, \
                  with ninety beads of polished ebony and a frame of oak, just as you asked of us in the spring.";
    let text = format!(
        "# One\n\nSome text first.\n\n{letter}\n\nRoses are red,\\\nViolets are blue,\\\nSugar is sweet,\\\nAnd so are you.\n\n\
         ```verse\nA line of a poem written long enough to fill the whole measure of the page and then some more words\nShort.\n```\n"
    );
    let e = editions(&[("manuscript/01.md", &text)]);
    let x = &e.xhtml["chapter-1.xhtml"];
    assert!(
        x.contains("<p>Dear Sir,<br/>I write to tell you"),
        "the letter is a paragraph with a break: {x}"
    );
    assert!(x.contains("<p class=\"line\">Roses are red,</p>"), "{x}");
    assert!(
        x.contains("<p class=\"line\">A line of a poem written long enough"),
        "a verse fence is verse whatever its lines: {x}"
    );
    assert_eq!(x.matches("class=\"stanza\"").count(), 2, "{x}");

    // Print: the letter's lines start at the margin (its break ends a line,
    // its turnover is no hanging verse turnover); the rhyme's lines are lines.
    let page = page_with(&e.laid, "abacus");
    let lines = line_starts(page);
    // (The letter's first line has the paragraph's indent.)
    let margin = lines.iter().find(|l| l.2.starts_with("Some")).unwrap().1;
    let write = lines
        .iter()
        .position(|l| l.2.starts_with("Iwrite"))
        .unwrap();
    assert!((lines[write].1 - margin).abs() < 0.5, "{lines:?}");
    assert!(
        (lines[write + 1].1 - margin).abs() < 0.5,
        "a prose turnover at the margin: {lines:?}"
    );
    // Justified: the full line runs to the measure, beyond the ragged verse lines.
    let full = e
        .laid
        .lines
        .iter()
        .flatten()
        .find(|l| l.text.starts_with("I write") || l.text.starts_with("Iwrite"))
        .unwrap();
    assert!(
        full.ratio.abs() > 1e-3,
        "the line is justified: {}",
        full.ratio
    );
    let roses = lines
        .iter()
        .filter(|l| {
            ["Roses", "Violets", "Sugar", "Andso"]
                .iter()
                .any(|w| l.2.starts_with(w))
        })
        .count();
    assert_eq!(roses, 4, "{lines:?}");
}

#[test]
fn definition_lists_in_both_editions() {
    let text = "# Glossary\n\nApple\n: A round fruit of a tree of the rose family, which typically has thin red or green skin and crisp flesh.\n\
                : The tree which bears apples.\n\nBanana\n: A long curved fruit.\n\nAfter.\n";
    // The plain style hangs the definitions under a bold term.
    let e = editions(&[("manuscript/01.md", text)]);
    let x = &e.xhtml["chapter-1.xhtml"];
    assert!(
        x.contains("<dl>\n<dt>Apple</dt>\n<dd>\n<p class=\"noindent\">A round fruit of a tree"),
        "{x}"
    );
    assert!(
        x.contains("</dd>\n<dd>\n<p class=\"noindent\">The tree which bears apples.</p>\n</dd>\n<dt>Banana</dt>"),
        "several definitions of one term: {x}"
    );
    assert!(
        e.warnings.iter().all(|w| !w.contains("01.md")),
        "{:?}",
        e.warnings
    );
    let page = page_with(&e.laid, "Apple");
    let lines = line_starts(page);
    let at = |w: &str| {
        lines
            .iter()
            .find(|l| l.2.starts_with(w))
            .unwrap_or_else(|| panic!("{w}: {lines:?}"))
            .1
    };
    assert!(at("Around") > at("Apple") + 5.0, "{lines:?}");
    assert!((at("Thetree") - at("Around")).abs() < 0.5, "{lines:?}");
    let apple = page
        .items
        .iter()
        .find_map(|i| match i {
            Item::Glyphs(run) if run.text.contains("Apple") => Some(run.style),
            _ => None,
        })
        .unwrap();
    assert_eq!(apple, quire::fonts::Style::Bold);

    // The classic style runs the term in before its definition, in small capitals.
    let toml = format!("{TOML}style = \"classic\"\n");
    let e = editions_with(&toml, &[("manuscript/01.md", text)]);
    let page = page_with(&e.laid, "round");
    let lines = line_starts(page);
    let first = lines.iter().find(|l| l.2.contains("roundfruit")).unwrap();
    assert!(first.2.starts_with("AppleAround"), "run in: {lines:?}");
    let turnover = lines
        .iter()
        .position(|l| l.2.contains("roundfruit"))
        .unwrap()
        + 1;
    assert!(
        lines[turnover].1 > first.1 + 5.0,
        "the turnover hangs: {lines:?}"
    );
}

#[test]
fn a_converted_dictionary_is_set_as_entries() {
    // As `pandoc -t gfm` writes a dictionary: each entry a term, a hard break, its definition.
    let entries = [
        (
            "Abacus",
            "A frame with rows of wires or grooves along which beads are slid, used for calculating and formerly in teaching children to count.",
        ),
        (
            "Abandon",
            "To give up completely a course of action, a practice, or a way of thinking; to leave a place without intending to return.",
        ),
        (
            "Abase",
            "To behave in a way so as to belittle or degrade someone, or oneself; to lower in rank, office, prestige or esteem.",
        ),
        ("Abate", "To become less intense or widespread."),
    ];
    let mut text = String::from("# A\n\n");
    for (term, definition) in entries {
        text.push_str(&format!("**{term}**\\\n{definition}\n\n"));
    }
    let toml = format!("{TOML}style = \"classic\"\n");
    let e = editions_with(&toml, &[("manuscript/01.md", &text)]);
    let x = &e.xhtml["chapter-1.xhtml"];
    assert!(!x.contains("stanza"), "entries are no stanzas: {x}");
    assert_eq!(x.matches("<dt>").count(), 4, "{x}");
    assert!(
        x.contains("<dt><strong>Abate</strong></dt>\n<dd>\n<p class=\"noindent\">To become less intense or widespread.</p>\n</dd>"),
        "{x}"
    );
    // Print: each term runs in before its definition, the turnovers hang.
    let page = page_with(&e.laid, "Abacus");
    let lines = line_starts(page);
    let abacus = lines
        .iter()
        .position(|l| l.2.contains("framewithrows"))
        .unwrap();
    assert!(lines[abacus].2.contains("bacus"), "run in: {lines:?}");
    assert!(
        lines[abacus + 1].1 > lines[abacus].1 + 5.0,
        "the turnover hangs: {lines:?}"
    );
    let abate = lines.iter().find(|l| l.2.contains("lessintense")).unwrap();
    assert!(abate.2.contains("bate"), "{lines:?}");
}
