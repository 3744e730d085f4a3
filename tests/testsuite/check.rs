//! The release gate: the bundled book passes; fixtures made to break a rule
//! get FAIL or WARN on the right line, and `--json` is machine-readable.

use crate::common;

use quire::check::{Row, Status, release_gate};

fn gate(project: &quire::project::Project) -> quire::check::Report {
    release_gate(project, &quire::Options::default())
        .unwrap_or_else(|e| panic!("{e}"))
        .0
}

#[test]
fn the_bundled_book_is_ready_to_upload() {
    let report = gate(&common::bundled());
    // One line of the essay cannot be set tighter than 0.5 em without a
    // rewrite (a paragraph opening with a long name and a long handle): the
    // gate names it, and nothing else is short of a pass.
    let bad: Vec<_> = report
        .checks
        .iter()
        .filter(|c| c.status != Status::Pass)
        .filter(|c| !(c.name() == "lines spaced 0.5 em or more" && c.status == Status::Warn))
        .collect();
    assert!(bad.is_empty(), "{report}");
    assert!(report.checks.len() >= 25);
    for row in [
        Row::PageListLinked,
        Row::AccessibilityMetadata,
        Row::FontsEmbedded,
        Row::SpineWidth,
        Row::StringsMatchTheInterior,
        Row::Tagging,
    ] {
        assert!(report.get(row).is_some(), "missing check {row:?}");
    }
}

const TOML: &str = "title = \"Fixture\"\nauthors = [\"A. Writer\"]\ndate = \"2026-01-01\"\n";

fn long_text() -> String {
    let paragraph =
        "The whale swam beneath the ship while the harpooneer watched the remarkable sea. "
            .repeat(12);
    (0..60)
        .map(|_| paragraph.clone())
        .collect::<Vec<_>>()
        .join("\n\n")
}

#[test]
fn a_short_book_fails_the_page_count() {
    let report = gate(&common::project(&[
        ("manuscript/book.toml", TOML),
        ("manuscript/01.md", "# One\n\nShort.\n"),
    ]));
    let check = report.get(Row::PageCount).unwrap();
    assert_eq!(check.status, Status::Fail);
    assert_eq!(
        check.value,
        "8 pages (KDP 24–828: no, IngramSpark ≥ 18: no)"
    );
    assert!(report.failed());
    assert!(
        report.to_string().ends_with("failed, 0 warnings")
            || report.to_string().contains("not ready to upload")
    );
}

#[test]
fn text_below_7_pt_fails() {
    let toml = format!("{TOML}[print]\nfont-size = 6\nmin-pages = 24\n");
    let report = gate(&common::project(&[
        ("manuscript/book.toml", &toml),
        ("manuscript/01.md", &long_text()),
    ]));
    let check = report.get(Row::TextAtLeast7Pt).unwrap();
    assert_eq!(check.status, Status::Fail, "{report}");
    assert!(
        check.value.starts_with("smallest text 4.92 pt"),
        "{}",
        check.value
    );
}

#[test]
fn a_low_resolution_image_and_missing_alt_text_warn() {
    let png = quire::images::encode_png(&image::DynamicImage::new_rgb8(120, 80));
    let toml = format!("{TOML}[print]\nmin-pages = 24\n");
    let text = format!("# One\n\n{}\n\n![](small.png \"A caption\")\n", long_text());
    let mut project =
        common::project(&[("manuscript/book.toml", &toml), ("manuscript/01.md", &text)]);
    project.insert("manuscript/small.png", png);
    let report = gate(&project);
    let dpi = report.get(Row::PrintImagesAt300Dpi).unwrap();
    assert_eq!(dpi.status, Status::Warn, "{report}");
    assert_eq!(
        dpi.value,
        "1 of 1 below 300 dpi: manuscript/small.png at 72 dpi"
    );
    let alt = report.get(Row::ImagesWithAltText).unwrap();
    assert_eq!(alt.status, Status::Warn);
    assert_eq!(alt.value, "0 of 1; missing: manuscript/small.png");
    // Without alt text the book does not claim conformance.
    assert!(
        report
            .get(Row::AccessibilityMetadata)
            .unwrap()
            .value
            .ends_with("no conformance claim"),
        "{report}"
    );
}

#[test]
fn a_long_book_has_spine_text_inside_the_folds() {
    let toml = format!("{TOML}isbn = {{ print = \"978-0-306-40615-7\" }}\n");
    let mut text = String::new();
    for i in 0..8 {
        text = format!("{text}# Chapter {i}\n\n{}\n\n", long_text());
    }
    let mut project = common::project(&[("manuscript/book.toml", &toml)]);
    for (i, chapter) in text.split("# Chapter").skip(1).enumerate() {
        project.insert(
            format!("manuscript/{i:02}.md"),
            format!("# Chapter{chapter}"),
        );
    }
    let report = gate(&project);
    let spine = report.get(Row::SpineText).unwrap();
    assert_eq!(spine.status, Status::Pass, "{report}");
    assert!(spine.value.contains("runs"), "{}", spine.value);
    let strings = report.get(Row::StringsMatchTheInterior).unwrap();
    assert_eq!(strings.status, Status::Pass, "{report}");
    assert_eq!(strings.value, "3 of 3 (title, subtitle, author, ISBN)");
}

#[test]
fn check_json_on_the_command_line() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_quire"))
        .args(["check", "--json", "--dir"])
        .arg(common::root())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json = String::from_utf8(out.stdout).unwrap();
    let value: serde_json::Value = serde_json::from_str(&json).expect("the report is JSON");
    assert_eq!(value["passed"], true, "{json}");
    let first = &value["checks"][0];
    assert_eq!(first["group"], "epub", "{json}");
    assert_eq!(first["check"], "structure", "{json}");
    assert_eq!(first["status"], "PASS", "{json}");
    assert!(first["value"].is_string(), "{json}");
}

/// The gate reads the page-list back and compares it with the reading order:
/// an EPUB whose first page marker of a chapter was moved to the chapter's end
/// is out of order and FAILs; the one quire writes is in order.
#[test]
fn the_gate_fails_a_page_list_out_of_reading_order() {
    use std::io::{Cursor, Read, Write};
    let project = common::bundled();
    let report = gate(&project);
    let check = report.get(Row::PageListOrder).unwrap();
    assert_eq!(check.status, Status::Pass, "{report}");

    let outputs = quire::build(&project, &quire::Options::default()).unwrap();
    let epub = &outputs
        .files
        .iter()
        .find(|f| f.name.ends_with(".epub"))
        .unwrap()
        .bytes;
    let good = quire::check::epub_page_list_order(epub).unwrap();
    assert!(good.in_order(), "{good:?}");

    // Move the first marker of the essay's file to its end.
    let mut zip = zip::ZipArchive::new(Cursor::new(epub.clone())).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let mut moved = false;
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().to_string();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        let text = String::from_utf8(bytes.clone()).ok();
        if let Some(text) = text.filter(|t| {
            !moved && name.contains("chapter") && t.matches("doc-pagebreak").count() >= 2
        }) {
            let start = text.find("<span epub:type=\"pagebreak\"").unwrap();
            let end = start + text[start..].find("/>").unwrap() + 2;
            let marker = text[start..end].to_string();
            let mut rewritten = text.clone();
            rewritten.replace_range(start..end, "");
            let body_end = rewritten.rfind("</section>").unwrap();
            rewritten.insert_str(body_end, &marker);
            bytes = rewritten.into_bytes();
            moved = true;
        }
        out.start_file(name, options).unwrap();
        out.write_all(&bytes).unwrap();
    }
    assert!(moved, "no chapter file with two page markers");
    let broken = out.finish().unwrap().into_inner();
    let order = quire::check::epub_page_list_order(&broken).unwrap();
    assert!(!order.in_order(), "{order:?}");
    assert_eq!(order.backwards, 1, "{order:?}");
    assert_eq!(order.unlisted, 0, "{order:?}");
}

/// Cover art the stores or the printer would refuse FAILs: a 10 × 10 px image
/// (under KDP's 625 × 1000, 2 dpi on the print cover); art big enough for the
/// stores but between the floor and 300 dpi WARNs. With art and no ISBN there
/// is nothing to compare with the interior: that is a WARN, not "0 of 0" PASS.
#[test]
fn cover_art_below_the_stores_and_printers_minimums_fails() {
    let toml = format!("{TOML}[print]\nmin-pages = 24\n");
    let mut text = format!("# One\n\n{}\n", long_text());
    text.push_str("\n\nEnd.\n");
    for (size, size_status, dpi_status) in [
        ((10, 10), Status::Fail, Status::Fail),
        ((1400, 2240), Status::Pass, Status::Warn),
        ((2000, 3200), Status::Pass, Status::Pass),
        ((700, 1120), Status::Warn, Status::Fail),
    ] {
        let art = quire::images::encode_png(&image::DynamicImage::new_rgb8(size.0, size.1));
        let mut project =
            common::project(&[("manuscript/book.toml", &toml), ("manuscript/01.md", &text)]);
        project.insert("cover/art.png", art);
        let report = gate(&project);
        let check = report.get(Row::CoverArtSize).unwrap();
        assert_eq!(check.status, size_status, "{size:?}: {report}");
        assert!(
            check
                .value
                .starts_with(&format!("cover/art.png is {} × {} px", size.0, size.1)),
            "{}",
            check.value
        );
        let dpi = report.get(Row::CoverArtAt300Dpi).unwrap();
        assert_eq!(dpi.status, dpi_status, "{size:?}: {report}");
        let strings = report.get(Row::StringsMatchTheInterior).unwrap();
        assert_eq!(strings.status, Status::Warn, "{report}");
        assert!(
            strings.value.starts_with("nothing to compare"),
            "{}",
            strings.value
        );
        // Every number is printed rounded: no value holds a long run of digits.
        for c in &report.checks {
            let longest = c
                .value
                .split(|ch: char| !ch.is_ascii_digit())
                .map(str::len)
                .max()
                .unwrap_or(0);
            assert!(longest <= 10, "{}: {}", c.name(), c.value);
        }
        if size == (10, 10) {
            assert!(report.failed());
            assert_eq!(
                report.get(Row::TextInTheSafeArea).unwrap().value,
                "no text set on the front or back"
            );
        }
    }
}

/// A book still carrying `quire init`'s placeholders WARNs; an empty chapter
/// file is left out with a warning, not set as a page called "Chapter 2".
#[test]
fn placeholders_and_empty_chapters_are_reported() {
    let toml = "title = \"Untitled\"\nauthors = [\"Your Name\"]\ndate = \"2026-01-01\"\n[print]\nmin-pages = 24\n";
    let project = common::project(&[
        ("manuscript/book.toml", toml),
        (
            "manuscript/01-chapter.md",
            "# Chapter One\n\nThe first paragraph of your book.\n",
        ),
        ("manuscript/02-empty.md", "\n  \n"),
    ]);
    let (report, warnings) =
        quire::check::release_gate(&project, &quire::Options::default()).unwrap();
    let check = report.get(Row::NoPlaceholderText).unwrap();
    assert_eq!(check.status, Status::Warn, "{report}");
    assert_eq!(
        check.value,
        "still as quire init wrote them: title “Untitled”, author “Your Name”, text “The first paragraph of your book.”"
    );
    let empty: Vec<String> = warnings
        .iter()
        .map(|w| w.to_string())
        .filter(|w| w.contains("02-empty.md"))
        .collect();
    assert_eq!(
        empty,
        [
            "warning: manuscript/02-empty.md is empty; it is left out of the book\n  --> manuscript/02-empty.md:1:1\nhint: write the chapter, or remove the file (or its entry in book.toml)"
        ]
    );
    let (book, _) = quire::load_book(&project, &quire::Options::default()).unwrap();
    let titles: Vec<&str> = book.chapters().map(|s| s.title.as_str()).collect();
    assert_eq!(titles, ["Chapter One"]);
}

/// A dead link builds (its words as text) but fails the gate, counted, and
/// `quire serve` draws each on the line that sets its words.
#[test]
fn dead_links_fail_the_gate_and_are_findings_on_their_lines() {
    let project = common::project(&[
        ("manuscript/book.toml", TOML),
        (
            "manuscript/01.md",
            "# One\n\n## Academy\n\nThe [academe](#academe) was quiet.\n\nAnd [this](02.md#nope) too.\n",
        ),
        (
            "manuscript/02.md",
            "# Two\n\nSee [the first](01.md#academy).\n",
        ),
    ]);
    // The build goes through.
    let outputs = quire::build(&project, &quire::Options::default()).unwrap();
    assert!(outputs.files.iter().any(|f| f.name.ends_with(".epub")));
    let (report, warnings) = release_gate(&project, &quire::Options::default()).unwrap();
    let row = report.get(Row::NoDeadLinks).unwrap();
    assert_eq!(row.group(), "links");
    assert_eq!(row.status, Status::Fail);
    assert_eq!(
        row.value,
        "2 dead links: `#academe` at manuscript/01.md:5:15 and more"
    );
    assert!(report.failed());
    assert_eq!(
        warnings
            .iter()
            .filter(|w| w.message.starts_with("the link `"))
            .count(),
        2
    );
    // The preview's findings: one per dead link, on the line with its words.
    let preview = quire::preview_with(
        &project,
        &quire::Options::default(),
        &mut quire::BuildCache::default(),
    )
    .unwrap();
    let dead: Vec<_> = preview
        .findings
        .iter()
        .filter(|f| f.kind == quire::layout::frame::FindingKind::DeadLink)
        .collect();
    assert_eq!(dead.len(), 2, "{:?}", preview.findings);
    for (finding, words) in dead.iter().zip(["academe", "this"]) {
        let grid = finding.grid.expect("on a line");
        let line = preview.laid_out.lines[finding.page]
            .iter()
            .find(|l| l.grid == grid)
            .unwrap();
        assert!(line.text.contains(words), "{words}: {}", line.text);
        assert!(finding.detail.contains(words), "{}", finding.detail);
    }
    // A book whose links all lead somewhere passes the row.
    let fine = gate(&common::project(&[
        ("manuscript/book.toml", TOML),
        (
            "manuscript/01.md",
            "# One\n\n## Academy\n\nThe [academe](#academy).\n",
        ),
    ]));
    assert_eq!(fine.get(Row::NoDeadLinks).unwrap().status, Status::Pass);
}

/// The gate compares the manuscript's words with each edition's: a note
/// holding a list, code, a quotation and a table (which print once dropped)
/// loses nothing in either.
#[test]
fn the_gate_counts_every_word_in_both_editions() {
    let chapter = "# One\n\nText with a long note.[^long] And a cell:\n\n| Column | Other |\n|---|---|\n| a cell[^c] | b |\n\n\
        [^long]: Its first paragraph.\n\n    - a listed lnoteword\n\n    > quoted qnoteword\n\n    | tnoteword | other |\n    |---|---|\n    | x | y |\n\n\
        [^c]: The cell's cnoteword.\n";
    let project = common::project(&[
        (
            "manuscript/book.toml",
            "title = \"Words\"\nauthors = [\"A. Writer\"]\ndate = \"2026-01-01\"\n",
        ),
        ("manuscript/01.md", chapter),
    ]);
    let report = gate(&project);
    for name in ["every word in the EPUB", "every word in print"] {
        let row = report
            .checks
            .iter()
            .find(|c| c.name() == name)
            .unwrap_or_else(|| panic!("no row {name}"));
        assert_eq!(row.status, Status::Pass, "{name}: {}", row.value);
        assert!(row.value.ends_with(" words"), "{}", row.value);
    }
}

/// A drop cap that is a word of its own ("I was", "A keeper") is read apart
/// from the next word, and one that begins a word ("Call") joins it: the gate
/// finds every word in print in the classic style, which drops its initials.
#[test]
fn the_gate_reads_a_drop_cap_as_the_text_reads() {
    let long = "the rest of a paragraph long enough to run past the dropped lines ".repeat(8);
    let project = common::project(&[
        (
            "manuscript/book.toml",
            "title = \"Words\"\nauthors = [\"A. Writer\"]\ndate = \"2026-01-01\"\nstyle = \"classic\"\n",
        ),
        ("manuscript/01.md", &format!("# One\n\nI was born {long}\n")),
        ("manuscript/02.md", &format!("# Two\n\nA keeper {long}\n")),
        ("manuscript/03.md", &format!("# Three\n\nCall me {long}\n")),
    ]);
    let report = gate(&project);
    let row = report
        .checks
        .iter()
        .find(|c| c.name() == "every word in print")
        .expect("a words row");
    assert_eq!(row.status, Status::Pass, "{}", row.value);
}

/// The gate runs the build's own pipeline: it counts every warning `quire
/// build` prints, those about the cover art (made after layout) included,
/// in the same order, and no other.
#[test]
fn the_gate_counts_the_warnings_the_build_prints() {
    let art = quire::images::encode_png(&image::DynamicImage::new_rgb8(700, 900));
    let mut project = common::project(&[
        ("manuscript/book.toml", TOML),
        ("manuscript/01.md", "# One\n\nSome text.\n"),
    ]);
    project.insert("cover/art.png", art);
    let built = quire::build(&project, &quire::Options::default()).unwrap();
    let (report, warnings) = release_gate(&project, &quire::Options::default()).unwrap();
    let messages = |w: &[quire::diag::Diagnostic]| -> Vec<String> {
        w.iter().map(|d| d.message.clone()).collect()
    };
    assert!(
        built.warnings.iter().any(|w| w
            .message
            .starts_with("cover art cover/art.png is 700 × 900 px")),
        "{:?}",
        messages(&built.warnings)
    );
    assert_eq!(messages(&warnings), messages(&built.warnings));
    let row = report.get(Row::BuildWarnings).unwrap();
    assert!(
        row.value
            .starts_with(&format!("{} warnings", built.warnings.len())),
        "{}",
        row.value
    );
}
