//! Read from the PDF alone (poppler's `pdftotext -bbox-layout`), on every page
//! of every fixture book: no two text lines collide, no text leaves the trim,
//! and a folio at the foot of a page stands clear of the text above it. The
//! books: the bundled essay, both corpus novels, and a manuscript of display
//! text at its limits (two- and three-line titles, long headings at every
//! level, a long title and subtitle, verse, notes).

use crate::common;

use quire::project::Project;

/// A text line's box on a page, in points from the top left, and its words.
#[derive(Debug, Clone)]
struct TextLine {
    x_min: f64,
    y_min: f64,
    x_max: f64,
    y_max: f64,
    text: String,
}

struct PdfPage {
    width: f64,
    height: f64,
    lines: Vec<TextLine>,
}

fn pdf_pages(pdf: &[u8]) -> Vec<PdfPage> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg("-bbox-layout")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    let xml = String::from_utf8(out.stdout).unwrap();
    let xml = xml
        .split_once("<doc>")
        .map(|(_, rest)| format!("<doc>{}", rest.split("</doc>").next().unwrap()))
        .unwrap_or_default()
        + "</doc>";
    let doc = roxmltree::Document::parse(&xml).expect("pdftotext's XML parses");
    let number =
        |n: roxmltree::Node, name: &str| -> f64 { n.attribute(name).unwrap().parse().unwrap() };
    doc.descendants()
        .filter(|n| n.has_tag_name("page"))
        .map(|page| PdfPage {
            width: number(page, "width"),
            height: number(page, "height"),
            lines: page
                .descendants()
                .filter(|n| n.has_tag_name("line"))
                .map(|line| TextLine {
                    x_min: number(line, "xMin"),
                    y_min: number(line, "yMin"),
                    x_max: number(line, "xMax"),
                    y_max: number(line, "yMax"),
                    text: line
                        .descendants()
                        .filter(|w| w.has_tag_name("word"))
                        .filter_map(|w| w.text())
                        .collect::<Vec<_>>()
                        .join(" "),
                })
                .collect(),
        })
        .collect()
}

/// The interior and the print cover.
fn build_pdfs(project: &Project) -> [Vec<u8>; 2] {
    let outputs =
        quire::build(project, &quire::Options::default()).unwrap_or_else(|e| panic!("{e}"));
    let file = |cover: bool| {
        outputs
            .files
            .iter()
            .find(|f| f.name.ends_with(".pdf") && f.name.ends_with("-cover.pdf") == cover)
            .unwrap()
            .bytes
            .clone()
    };
    [file(false), file(true)]
}

/// Every collision and every line outside the trim, described (empty when clean).
/// Two lines collide when their boxes overlap by more than 3 pt vertically and
/// 2 pt horizontally (a box is as tall as the type, so lines on a grid never do).
fn problems(pdf: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    for (n, page) in pdf_pages(pdf).iter().enumerate() {
        let number = n + 1;
        for (i, a) in page.lines.iter().enumerate() {
            if a.x_min < -0.5
                || a.y_min < -0.5
                || a.x_max > page.width + 0.5
                || a.y_max > page.height + 0.5
            {
                found.push(format!("page {number}: outside the trim: {}", a.text));
            }
            for b in &page.lines[i + 1..] {
                let vertical = a.y_max.min(b.y_max) - a.y_min.max(b.y_min);
                let horizontal = a.x_max.min(b.x_max) - a.x_min.max(b.x_min);
                if vertical > 3.0 && horizontal > 2.0 {
                    found.push(format!(
                        "page {number}: “{}” collides with “{}”",
                        a.text, b.text
                    ));
                }
            }
        }
        // A folio alone at the foot (an opening page) stands well clear of the
        // text: more than a line space below the last line's box.
        let mut by_depth: Vec<&TextLine> = page.lines.iter().collect();
        by_depth.sort_by(|a, b| a.y_max.total_cmp(&b.y_max));
        // (A folio beside its entry, as in the contents, is on the entry's line.)
        if let [.., above, folio] = by_depth.as_slice()
            && is_folio(&folio.text)
            && folio.y_min > page.height * 0.8
            && folio.y_min > above.y_min + 3.0
        {
            let gap = folio.y_min - above.y_max;
            let body = above.y_max - above.y_min;
            if gap < body {
                found.push(format!(
                    "page {number}: the folio {} is {gap:.1} pt under “{}”, closer than a line of type",
                    folio.text, above.text
                ));
            }
        }
    }
    found
}

fn is_folio(text: &str) -> bool {
    !text.is_empty()
        && (text.chars().all(|c| c.is_ascii_digit()) || text.chars().all(|c| "ivxlcdm".contains(c)))
}

fn assert_clean(name: &str, project: &Project) {
    let [interior, cover] = build_pdfs(project);
    for (what, pdf) in [("interior", interior), ("cover", cover)] {
        let found = problems(&pdf);
        assert!(
            found.is_empty(),
            "{name}, {what}: {} problems:\n{}",
            found.len(),
            found.join("\n")
        );
    }
}

#[test]
fn the_essay_has_no_colliding_text() {
    assert_clean("the essay", &common::bundled());
}

#[test]
fn moby_dick_has_no_colliding_text() {
    if let Some(project) = common::moby_dick() {
        assert_clean("Moby-Dick", &project);
    }
}

#[test]
fn love_among_the_chickens_has_no_colliding_text() {
    if let Some(project) = common::love_among_the_chickens() {
        assert_clean("Love Among the Chickens", &project);
    }
}

/// Display text at its limits, at two trims.
#[test]
fn display_text_at_its_limits_never_collides() {
    let long_title = "The Whale, the Ship, the Sea and Everything That Happened Between Them in the Long Years of the Voyage";
    let words = "Whalebone and ambergris, the harpooneer's song ".repeat(6);
    let chapter = format!(
        "# Chapter 1. Of the Less Erroneous Pictures of Whales, and the True Pictures of Whaling Scenes\n\n{}\n\n## {words}\n\n{}\n\n### A third-level heading that is long enough to run over two lines of the page at least\n\n{}[^1]\n\n> Verse in a quote,  \n> with hard breaks,  \n> and a long line that must wrap onto a second line of the measure.\n\n{}\n\n[^1]: A note with some words in it, long enough to wrap in the foot of the page.\n",
        "Text of the chapter. ".repeat(40),
        "More text follows the heading. ".repeat(60),
        "Text after the third heading. ".repeat(30),
        "The end of the chapter. ".repeat(50),
    );
    let short = "# Two\n\nA short chapter.\n";
    let three_lines = format!(
        "# {}\n\n{}\n",
        "A Title of Many Words Set Large ".repeat(3),
        "Body. ".repeat(300)
    );
    for trim in ["6x9", "5x8"] {
        let toml = format!(
            "title = \"{long_title}\"\nsubtitle = \"{}\"\nauthors = [\"Anne Longname-Writer\", \"Bartholomew Longname-Writer\", \"Cassandra Longname-Writer\", \"Dmitri Longname\"]\npublisher = \"Lossi 36\"\ndate = \"2026-01-01\"\n[print]\ntrim = \"{trim}\"\n",
            "A Subtitle of Some Length ".repeat(3).trim()
        );
        let project = common::project(&[
            ("manuscript/book.toml", &toml),
            ("manuscript/01.md", &chapter),
            ("manuscript/02.md", short),
            ("manuscript/03.md", &three_lines),
        ]);
        assert_clean(&format!("display text at {trim}"), &project);
    }
}

/// Footnotes longer than a page, cited mid-chapter (two from one line) and
/// from the chapter's last line, in every style: each goes on at the foot of the pages after
/// its reference (pages of notes alone after the text), and nothing
/// collides. The words of the text and of the notes each reach print whole
/// and in order.
#[test]
fn notes_longer_than_a_page_go_on_over_the_next_pages() {
    let words = |prefix: char, from: usize, count: usize| -> String {
        (from..from + count)
            .map(|n| format!("{prefix}{n:04}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let paragraphs = |prefix: char, from: usize, count: usize| -> String {
        (0..count)
            .map(|k| words(prefix, from + k * 60, 60))
            .collect::<Vec<_>>()
            .join("\n\n    ")
    };
    let chapter = format!(
        "# Notes\n\n{}[^long] {}[^again]\n\n{}\n\n{}[^tail]\n\n[^long]: {}\n\n[^again]: {}\n\n[^tail]: {}\n",
        words('b', 0, 120),
        words('b', 120, 5),
        words('b', 125, 595),
        words('b', 720, 80),
        paragraphs('n', 0, 12),
        paragraphs('m', 0, 12),
        paragraphs('n', 720, 14),
    );
    for style in ["plain", "classic", "modern"] {
        let toml = format!(
            "title = \"Notes\"\nauthors = [\"A. Writer\"]\ndate = \"2026-01-01\"\nstyle = \"{style}\"\n"
        );
        let project = common::project(&[
            ("manuscript/book.toml", &toml),
            ("manuscript/01.md", &chapter),
            ("manuscript/02.md", "# After\n\nThe next chapter.\n"),
        ]);
        let [interior, _] = build_pdfs(&project);
        let found = problems(&interior);
        assert!(found.is_empty(), "{style}: {}", found.join("\n"));
        let text: String = pdf_pages(&interior)
            .iter()
            .flat_map(|p| &p.lines)
            .map(|l| format!("{} ", l.text))
            .collect();
        for (prefix, expected) in [('b', 800), ('n', 720 + 14 * 60), ('m', 720)] {
            let seen: Vec<usize> = text
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| w.len() >= 5 && w.starts_with(prefix))
                .filter_map(|w| w[1..5].parse().ok())
                .collect();
            let wanted: Vec<usize> = (0..expected).collect();
            assert_eq!(seen, wanted, "{style}: the {prefix} words, in print order");
        }
    }
}

/// A title that cannot fit its page even at the body size is refused, naming the key.
#[test]
fn a_title_too_long_for_its_page_is_refused() {
    let title = "Whalebone ".repeat(500);
    let toml = format!(
        "title = \"{}\"\nauthors = [\"A. Writer\"]\ndate = \"2026-01-01\"\n",
        title.trim()
    );
    let project = common::project(&[
        ("manuscript/book.toml", &toml),
        ("manuscript/01.md", "# One\n\nText.\n"),
    ]);
    let err = quire::build(&project, &quire::Options::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("error: `title` is too long for the half-title page, even set at the body size\n  --> manuscript/book.toml:1:9\nhint: shorten `title` in book.toml"),
        "{err}"
    );
    // A heading too long for any page is refused at its line.
    let chapter = format!("# One\n\nText.\n\n## {}\n\nMore.\n", title.trim());
    let toml = "title = \"T\"\nauthors = [\"A. Writer\"]\ndate = \"2026-01-01\"\n";
    let project = common::project(&[
        ("manuscript/book.toml", toml),
        ("manuscript/01.md", &chapter),
    ]);
    let err = quire::build(&project, &quire::Options::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with(
            "error: a heading is too long for a page even at the body size: “Whalebone Whalebone"
        ),
        "{err}"
    );
    assert!(err.contains("  --> manuscript/01.md:5:1\n"), "{err}");
}
