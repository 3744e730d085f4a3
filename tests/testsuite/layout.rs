//! Print layout rules, each on a fixture made to provoke it, plus the
//! bundled book's layout snapshot and the numbers Moby-Dick must meet.

use crate::common;

use quire::diag::Sink;
use quire::layout::frame::{Item, Side};
use quire::layout::{LaidOut, layout};
use quire::model::{Book, SectionKind};
use quire::project::Project;

fn lay(project: &Project) -> (Book, LaidOut) {
    let (book, laid, _) = lay_reporting(project);
    (book, laid)
}

/// [`lay`], with what layout reported.
fn lay_reporting(project: &Project) -> (Book, LaidOut, Sink) {
    let (book, _) =
        quire::load_book(project, &quire::Options::default()).unwrap_or_else(|e| panic!("{e}"));
    let fonts = quire::fonts::Fonts::load(project, &book.fonts).unwrap();
    let mut found = Sink::new();
    let laid = layout(&book, &fonts, &mut found).unwrap_or_else(|e| panic!("{e}"));
    (book, laid, found)
}

/// Deterministic filler text: `words` words of varied lengths.
fn words(seed: u64, count: usize) -> String {
    const VOCAB: [&str; 16] = [
        "the",
        "whale",
        "sea",
        "ship",
        "wind",
        "harpooneer",
        "and",
        "of",
        "a",
        "captain",
        "ocean",
        "voyage",
        "sailed",
        "beneath",
        "remarkable",
        "in",
    ];
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..count)
        .map(|_| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            VOCAB[(x >> 33) as usize % VOCAB.len()]
        })
        .collect::<Vec<_>>()
        .join(" ")
        + "."
}

fn paragraphs(seed: u64, count: usize) -> String {
    (0..count)
        .map(|i| {
            let n = 8 + ((seed + i as u64 * 37) % 90) as usize;
            words(seed * 100 + i as u64, n)
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

const TOML: &str = "title = \"Fixture\"\nauthors = [\"A. Writer\"]\ndate = \"2026-01-01\"\n";

/// How far a run may hang into the margins: part of its first glyph when
/// that is an opening quote, of its last when that is edge punctuation
/// (optical margins), never more than 0.7 of the glyph.
fn hang(run: &quire::layout::frame::GlyphRun) -> (f64, f64) {
    let first = run.text.chars().next().unwrap_or(' ');
    // A line's closing space (for the text a reader takes) has no width.
    let last = run.text.trim_end_matches(' ').chars().last().unwrap_or(' ');
    let left = if "“‘\"'«»„".contains(first) {
        run.glyphs[0].advance.0 * 0.7
    } else {
        0.0
    };
    let right = if ".,-’'”\"»«:;–—!?".contains(last) {
        run.glyphs
            .iter()
            .rev()
            .find(|g| g.advance.0 > 0.0)
            .unwrap()
            .advance
            .0
            * 0.7
    } else {
        0.0
    };
    (left, right)
}

/// A line's runs are made with room for the line, not grown a doubling at
/// a time: growth's copies were a tenth of setting a long book, and its
/// unused room a third of the set lines' memory.
#[test]
fn set_lines_hold_little_unused_room() {
    let (_, laid) = lay(&common::bundled());
    let (mut runs, mut glyphs, mut spare) = (0, 0, 0);
    for page in &laid.pages.pages {
        for item in &page.items {
            if let Item::Glyphs(run) = item {
                runs += 1;
                glyphs += run.glyphs.len();
                spare += run.glyphs.spare();
                assert!(
                    run.glyphs.spare() <= run.glyphs.len() / 4 + 4,
                    "{} glyphs with room for {} more: {}",
                    run.glyphs.len(),
                    run.glyphs.spare(),
                    run.text
                );
            }
        }
    }
    assert!(
        runs > 100 && spare * 20 < glyphs,
        "{spare} spare of {glyphs}"
    );
}

#[test]
fn no_line_overflows_the_measure() {
    let (_, laid) = lay(&common::bundled());
    let g = laid.geometry;
    let mut runs = 0;
    for page in &laid.pages.pages {
        let left = g.text_left(page.side == Side::Recto);
        for item in &page.items {
            if let Item::Glyphs(run) = item {
                runs += 1;
                let last = run.glyphs.last().unwrap();
                let right = run.x.0 + last.x.0 + last.advance.0;
                let (hang_left, hang_right) = hang(run);
                assert!(
                    run.x.0 >= left.0 - hang_left - 0.01,
                    "run starts left of the text block: {}",
                    run.text
                );
                assert!(
                    right <= left.0 + g.measure.0 + hang_right + 0.01,
                    "run overflows by {:.2}pt: {}",
                    right - left.0 - g.measure.0,
                    run.text
                );
            }
        }
    }
    assert!(runs > 100);
    assert_eq!(laid.report.overfull_lines, 0);
}

#[test]
fn widows_and_orphans_are_avoided() {
    // Many paragraphs of varied length: a greedy page fill leaves widows and orphans here.
    for seed in 1..=4 {
        let text = paragraphs(seed, 60);
        let (_, laid) = lay(&common::project(&[
            ("manuscript/book.toml", TOML),
            ("manuscript/01.md", &text),
        ]));
        assert!(laid.report.pages > 10);
        assert_eq!(laid.report.widows, 0, "seed {seed}\n{}", laid.report);
        assert_eq!(laid.report.orphans, 0, "seed {seed}\n{}", laid.report);
        assert!(
            laid.report.unequal_spreads.is_empty(),
            "seed {seed}\n{}",
            laid.report
        );
    }
}

#[test]
fn a_heading_never_ends_a_page() {
    for seed in 1..=3 {
        let mut text = String::new();
        for i in 0..30 {
            text.push_str(&format!(
                "## Section {i}\n\n{}\n\n",
                paragraphs(seed + i, 1 + (i as usize % 3))
            ));
        }
        let (_, laid) = lay(&common::project(&[
            ("manuscript/book.toml", TOML),
            ("manuscript/01.md", &text),
        ]));
        assert_eq!(
            laid.report.headings_at_foot, 0,
            "seed {seed}\n{}",
            laid.dump
        );
        // Independent check on the dump: the last line of a page is never a heading line.
        // (The contents pages list the headings too; check the body only, from page 1.)
        let body = &laid.dump[laid.dump.find("[1]").unwrap()..];
        let mut last_line = "";
        for line in body.lines() {
            if line.starts_with("page ") {
                assert!(
                    !last_line.contains(" Section "),
                    "page ends with a heading: {last_line}"
                );
            } else {
                last_line = line;
            }
        }
    }
}

fn chapters_fixture(open: &str) -> Project {
    let toml = format!("{TOML}\n[print]\nchapters-open = \"{open}\"\n");
    // Chapter 1 fills an odd number of pages so chapter 2 would open on a verso.
    let one = format!("# One\n\n{}", paragraphs(7, 30));
    let two = format!("# Two\n\n{}", paragraphs(8, 5));
    let three = format!("# Three\n\n{}", paragraphs(9, 12));
    let mut project = common::project(&[("manuscript/book.toml", &toml)]);
    project.insert("manuscript/01.md", one);
    project.insert("manuscript/02.md", two);
    project.insert("manuscript/03.md", three);
    project
}

#[test]
fn chapters_open_on_rectos_with_blank_versos_between() {
    let (book, laid) = lay(&chapters_fixture("recto"));
    let mut blanks_in_body = 0;
    for (i, start) in laid.page_map.pages.iter().enumerate() {
        let section = &book.sections[start.section as usize];
        let page = &laid.pages.pages[i];
        let opens = i == 0 || laid.page_map.pages[i - 1].section != start.section;
        if start.blank {
            assert!(
                page.items.is_empty(),
                "a blank page is blank: no head, no folio"
            );
            if section.kind == SectionKind::Chapter {
                blanks_in_body += 1;
            }
            continue;
        }
        if section.kind == SectionKind::Chapter && opens {
            assert_eq!(
                page.side,
                Side::Recto,
                "chapter “{}” opens on page {}",
                section.title,
                page.folio
            );
        }
    }
    assert!(
        blanks_in_body >= 1,
        "the fixture needs a blank verso before a chapter"
    );
    // The first chapter is page 1.
    let first = laid
        .page_map
        .pages
        .iter()
        .position(|p| book.sections[p.section as usize].kind == SectionKind::Chapter && !p.blank)
        .unwrap();
    assert_eq!(laid.page_map.pages[first].label, "1");

    let (book, laid) = lay(&chapters_fixture("any"));
    // Blank pages between chapters (not the blank verso that may end the book).
    let text_end = laid.page_map.pages.iter().rposition(|p| !p.blank).unwrap();
    let body_blanks = laid.page_map.pages[..text_end]
        .iter()
        .filter(|p| p.blank && book.sections[p.section as usize].kind == SectionKind::Chapter)
        .count();
    // Only the first chapter must open recto; the others follow on the next page.
    assert!(
        body_blanks <= 1,
        "{body_blanks} blank pages with chapters-open = \"any\""
    );
}

/// Each leaf has two sides: whatever the text ends on, the book has an even
/// number of pages, the last one a blank verso when the text ends on a recto,
/// and padding up to `min-pages` never passes the printers' 10 blank pages.
#[test]
fn a_book_has_an_even_number_of_pages() {
    let mut fixtures = vec![chapters_fixture("recto"), chapters_fixture("any")];
    for (chapter, min_pages) in [("# One\n\nShort.\n", 0), ("# One\n\nShort.\n", 40)] {
        let toml = format!("{TOML}\n[print]\nmin-pages = {min_pages}\n");
        let mut project = common::project(&[("manuscript/book.toml", &toml)]);
        project.insert("manuscript/01.md", chapter.to_string());
        fixtures.push(project);
    }
    let mut ended_on_a_blank_verso = false;
    for project in &fixtures {
        let (_, laid) = lay(project);
        let pages = &laid.pages.pages;
        assert_eq!(pages.len() % 2, 0, "{} pages", pages.len());
        assert_eq!(pages.last().unwrap().side, Side::Verso);
        let trailing_blanks = laid
            .page_map
            .pages
            .iter()
            .rev()
            .take_while(|p| p.blank)
            .count();
        assert!(
            trailing_blanks <= 10,
            "{trailing_blanks} blank pages at the end"
        );
        ended_on_a_blank_verso |= trailing_blanks == 1;
    }
    assert!(
        ended_on_a_blank_verso,
        "no fixture ended its text on a recto"
    );
}

#[test]
fn folios_roman_then_arabic_and_heads_only_where_they_belong() {
    let (book, laid) = lay(&common::bundled());
    let g = laid.geometry;
    let labels: Vec<&str> = laid
        .page_map
        .pages
        .iter()
        .map(|p| p.label.as_str())
        .collect();
    assert_eq!(&labels[..4], ["i", "ii", "iii", "iv"]);
    let first_chapter = laid
        .page_map
        .pages
        .iter()
        .position(|p| book.sections[p.section as usize].kind == SectionKind::Chapter && !p.blank)
        .unwrap();
    assert_eq!(labels[first_chapter], "1");
    for (i, page) in laid.pages.pages.iter().enumerate() {
        let start = &laid.page_map.pages[i];
        let opens = i == 0
            || laid.page_map.pages[i - 1].section != start.section
            || laid.page_map.pages[i - 1].blank;
        let in_head = page.items.iter().any(
            |item| matches!(item, Item::Glyphs(r) if r.y.0 < g.first_baseline.0 - g.leading.0),
        );
        if start.blank || opens {
            assert!(!in_head, "page {} has a running head", page.folio);
        } else {
            assert!(in_head, "page {} has no running head", page.folio);
            // The folio sits at the outside edge.
            let folio_run = page.items.iter().find_map(|item| match item {
                Item::Glyphs(r) if r.text == page.folio && r.y.0 < g.first_baseline.0 => Some(r),
                _ => None,
            });
            let folio_run =
                folio_run.unwrap_or_else(|| panic!("page {} shows its folio", page.folio));
            let left = g.text_left(page.side == Side::Recto);
            if page.side == Side::Recto {
                assert!(folio_run.x.0 > left.0 + g.measure.0 / 2.0);
            } else {
                assert!((folio_run.x.0 - left.0).abs() < 0.01);
            }
        }
    }
}

#[test]
fn a_word_longer_than_the_measure_is_broken_and_reported() {
    let long = "a".repeat(10_000);
    let text = format!("Before {long} after.\n");
    let project = common::project(&[("manuscript/book.toml", TOML), ("manuscript/01.md", &text)]);
    let (_, laid, found) = lay_reporting(&project);
    assert_eq!(laid.report.overfull_lines, 0);
    let warning = found
        .iter()
        .find(|w| w.message.contains("wider than the line"))
        .expect("a warning");
    assert_eq!(
        warning.location.as_ref().unwrap().to_string(),
        "manuscript/01.md:1:8"
    );
}

#[test]
fn a_character_the_fonts_lack_comes_from_the_fallback_or_is_an_error() {
    let text = "Snow\n\nA snow☃man.\n";
    let project = common::project(&[("manuscript/book.toml", TOML), ("manuscript/01.md", text)]);
    let (book, _) = quire::load_book(&project, &quire::Options::default()).unwrap();
    let fonts = quire::fonts::Fonts::load(&project, &book.fonts).unwrap();
    let mut found = Sink::new();
    let laid = layout(&book, &fonts, &mut found).unwrap();
    let warning = found
        .iter()
        .map(|w| w.to_string())
        .find(|w| w.contains("fallback"))
        .unwrap();
    assert!(
        warning.starts_with("warning: characters the book's fonts lack are set in a fallback font: ☃ from fonts/DejaVuSans.ttf"),
        "{warning}"
    );
    let snowman = laid
        .pages
        .pages
        .iter()
        .flat_map(|p| &p.items)
        .find_map(|i| match i {
            Item::Glyphs(run) if run.text == "☃" => Some(run),
            _ => None,
        })
        .expect("the snowman is a run of its own");
    assert_eq!(snowman.style, quire::fonts::Style::Fallback(0));

    // Without fallbacks it is an error at its place.
    let toml = format!("{TOML}\n[fonts]\nfallback = []\n");
    let project = common::project(&[("manuscript/book.toml", &toml), ("manuscript/01.md", text)]);
    let (book, _) = quire::load_book(&project, &quire::Options::default()).unwrap();
    let fonts = quire::fonts::Fonts::load(&project, &book.fonts).unwrap();
    let err = layout(&book, &fonts, &mut Sink::new())
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("error: no font has a glyph for “☃” (U+2603)\n  --> manuscript/01.md:3:7\nhint: neither the book's fonts nor the fallbacks (none) can show it"),
        "{err}"
    );
}

#[test]
fn hyphenation_follows_the_house_rules() {
    // A narrow trim provokes many hyphens.
    let toml = format!("{TOML}\n[print]\ntrim = \"5x8\"\n");
    let text = paragraphs(3, 40).replace("whale", "interconnectivity");
    let (_, laid) = lay(&common::project(&[
        ("manuscript/book.toml", &toml),
        ("manuscript/01.md", &text),
    ]));
    assert!(laid.report.hyphenated_lines > 10, "{}", laid.report);
    assert!(laid.report.longest_hyphen_run <= 2, "{}", laid.report);
    for page in &laid.pages.pages {
        // A hyphen added at a line's end is a run of its own, after the fragment's.
        let runs: Vec<&quire::layout::frame::GlyphRun> = page
            .items
            .iter()
            .filter_map(|item| match item {
                Item::Glyphs(run) => Some(run),
                _ => None,
            })
            .collect();
        for pair in runs.windows(2) {
            let (run, hyphen) = (pair[0], pair[1]);
            if hyphen.text == "-"
                && hyphen.y == run.y
                && let Some(fragment) = words_of(run).pop()
            {
                let letters = fragment.trim_start_matches(|c: char| !c.is_alphabetic());
                assert!(letters.chars().count() >= 2, "{}", run.text);
            }
        }
    }
    // No hyphen on a paragraph's last-but-one line: the dump marks hyphenated lines with '-'.
    let lines: Vec<&str> = laid
        .dump
        .lines()
        .filter(|l| !l.starts_with("page "))
        .collect();
    for pair in lines.windows(2) {
        if pair[0].contains("- ")
            && pair[0]
                .split_whitespace()
                .nth(1)
                .is_some_and(|r| r.ends_with('-'))
        {
            assert!(
                !pair[1].ends_with('.') || pair[1].split_whitespace().count() > 3,
                "{pair:?}"
            );
        }
    }
}

#[test]
fn real_text_hyphenates_names_only_as_a_last_resort() {
    // The essay names Kazakhstan dozens of times; a name is hyphenated only
    // where the alternative is a very loose line, which is rare.
    let (_, laid) = lay(&common::bundled());
    let source = std::fs::read_to_string(common::root().join("manuscript/essay.md")).unwrap();
    assert!(laid.report.hyphenated_lines > 5);
    let mut names = Vec::new();
    for page in &laid.pages.pages {
        for item in &page.items {
            if let Item::Glyphs(run) = item
                && let Some(last) = words_of(run).pop()
                && last.ends_with('-')
            {
                let letters = last.trim_start_matches(|c: char| !c.is_alphabetic());
                // A hyphen the author wrote ("Kazakhstan-2030") may end a line.
                let written = source.contains(letters);
                if !written && letters.starts_with(char::is_uppercase) {
                    names.push(last);
                }
            }
        }
    }
    let mentions = source.matches("Kazakhstan").count();
    assert!(mentions > 20);
    assert!(names.len() <= 2, "names hyphenated: {names:?}");
}

#[test]
fn the_gutter_matches_the_final_page_count() {
    let (_, laid) = lay(&common::bundled());
    // KDP's gutter, an eighth of an inch, and the room hanging punctuation takes.
    let expected =
        quire::layout::geometry::kdp_gutter_inches(laid.pages.pages.len()) + 0.125 + 2.5 / 72.0;
    assert!((laid.geometry.inside.inches() - expected).abs() < 1e-9);
}

#[test]
fn bundled_book_layout_snapshot() {
    let (_, laid) = lay(&common::bundled());
    compare_snapshot("essay.dump.txt", &laid.dump);
}

/// The fixture that holds every construct (parts, notes, verse, tables,
/// scene breaks, a dedication and an epigraph), set in each named style:
/// chapter labels, drop caps, lead-ins, heads and ornaments are all in the dump.
#[test]
fn every_style_has_a_layout_snapshot() {
    for name in quire::model::style::BookStyle::NAMES {
        let project = common::everything(&format!("style = \"{name}\"\n"));
        let (book, laid) = lay(&project);
        assert_eq!(book.style.name, name);
        compare_snapshot(&format!("style-{name}.dump.txt"), &laid.dump);
    }
}

fn compare_snapshot(name: &str, dump: &str) {
    let path = common::root().join("tests/snapshots").join(name);
    let update = std::env::var_os("QUIRE_UPDATE_SNAPSHOTS").is_some();
    match std::fs::read_to_string(&path) {
        Ok(stored) if !update => assert!(
            stored == dump,
            "the layout of {name} changed; review the difference and run with QUIRE_UPDATE_SNAPSHOTS=1 to accept it\n--- stored\n+++ now\n{}",
            first_difference(&stored, dump)
        ),
        _ => {
            std::fs::write(&path, dump).unwrap();
            assert!(
                update,
                "snapshot written to {}; run the tests again",
                path.display()
            );
        }
    }
}

fn first_difference(a: &str, b: &str) -> String {
    for (n, (x, y)) in a.lines().zip(b.lines()).enumerate() {
        if x != y {
            return format!("line {}:\n- {x}\n+ {y}", n + 1);
        }
    }
    format!(
        "lengths differ: {} vs {} lines",
        a.lines().count(),
        b.lines().count()
    )
}

#[test]
fn moby_dick_meets_the_typographic_targets() {
    let Some(project) = common::moby_dick() else {
        return;
    };
    let (book, laid) = lay(&project);
    let r = &laid.report;
    assert!(r.pages > 400, "{r}");
    assert_eq!(r.headings_at_foot, 0, "{r}");
    assert!(r.space_p95_em <= 0.40, "{r}");
    assert!(r.unequal_spreads.is_empty(), "{r}");
    meets_the_page_goals(r, 0);
    // Every chapter opens on a recto.
    for (i, start) in laid.page_map.pages.iter().enumerate() {
        let opens = i > 0 && laid.page_map.pages[i - 1].section != start.section && !start.blank;
        if opens && book.sections[start.section as usize].kind == SectionKind::Chapter {
            assert_eq!(laid.pages.pages[i].side, Side::Recto);
        }
    }
}

/// Issue 12's goals for a novel, measured from the layout: few hyphens, even
/// spacing, full pages. `loose` is the lines the text itself may force to
/// 0.5 em or more.
fn meets_the_page_goals(r: &quire::layout::Report, loose: usize) {
    assert!(r.hyphenated_share() <= 5.0, "{r}");
    assert!(r.longest_hyphen_run <= 2, "{r}");
    assert!(r.line_space_p95_em <= 0.31, "{r}");
    assert!(r.lines_at_least_05_em <= loose, "{r}");
    assert_eq!(r.pages_short_by_two_or_more(), 0, "{r}");
    assert_eq!(r.overfull_lines, 0, "{r}");
    assert_eq!((r.widows, r.orphans), (0, 0), "{r}");
}

#[test]
fn a_second_novel_meets_the_page_goals() {
    let Some(project) = common::love_among_the_chickens() else {
        return;
    };
    let (_, laid) = lay(&project);
    let r = &laid.report;
    assert!(r.pages > 100, "{r}");
    meets_the_page_goals(r, 0);
    assert!(r.unequal_spreads.is_empty(), "{r}");
}

/// The words of a run, split where the glyphs leave a word space.
fn words_of(run: &quire::layout::frame::GlyphRun) -> Vec<String> {
    let mut words = vec![String::new()];
    let mut end: Option<f64> = None;
    for g in &run.glyphs {
        let start = g.text_start as usize;
        let text = &run.text[start..start + g.text_len as usize];
        // A word space is a space glyph, or (in runs set without one) a gap.
        if text == " " || end.is_some_and(|e| g.x.0 - e > run.size.0 * 0.12) {
            words.push(String::new());
        }
        if text != " " {
            words.last_mut().unwrap().push_str(text);
        }
        end = Some(g.x.0 + g.advance.0);
    }
    words.retain(|w| !w.is_empty());
    if words.is_empty() {
        words.push(String::new());
    }
    words
}

#[test]
fn footnotes_sit_on_the_page_of_their_reference() {
    let mut text = String::new();
    let names = ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot"];
    for (i, name) in names.iter().enumerate() {
        text.push_str(&paragraphs(20 + i as u64, 4));
        text.push_str(&format!(" Marker{name}[^{i}] ends here.\n\n"));
    }
    for (i, name) in names.iter().enumerate() {
        text.push_str(&format!(
            "[^{i}]: Footnote{name} explains the point in a sentence or two.\n\n"
        ));
    }
    let (_, laid) = lay(&common::project(&[
        ("manuscript/book.toml", TOML),
        ("manuscript/01.md", &text),
    ]));
    let page_text = |page: &quire::layout::frame::Page| -> String {
        page.items
            .iter()
            .filter_map(|i| match i {
                Item::Glyphs(run) => Some(run.text.clone()),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    for name in names {
        let marker = laid
            .pages
            .pages
            .iter()
            .position(|p| page_text(p).contains(&format!("Marker{name}")));
        let note = laid
            .pages
            .pages
            .iter()
            .position(|p| page_text(p).contains(&format!("Footnote{name}")));
        assert!(marker.is_some(), "{name} is set");
        assert_eq!(
            marker, note,
            "the note {name} is on the page of its reference"
        );
    }
    // The notes sit below the text, under a rule.
    let page = &laid.pages.pages[laid
        .pages
        .pages
        .iter()
        .position(|p| page_text(p).contains("FootnoteAlpha"))
        .unwrap()];
    assert!(page.items.iter().any(|i| matches!(i, Item::Rule { .. })));
}

/// Baselines of full-size text on a page (superscripts excluded), sorted.
fn baselines(page: &quire::layout::frame::Page, min_size: f64) -> Vec<f64> {
    let mut ys: Vec<f64> = page
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Glyphs(run) if run.size.0 >= min_size => Some(run.y.0),
            _ => None,
        })
        .collect();
    ys.sort_by(f64::total_cmp);
    ys.dedup_by(|a, b| (*a - *b).abs() < 0.01);
    ys
}

#[test]
fn lines_never_overlap_and_stay_above_the_foot_margin() {
    let mut text = String::from("# Mixed\n\n");
    for i in 0..12u64 {
        text.push_str(&paragraphs(40 + i, 2));
        text.push_str(&format!(" A note here.[^n{i}]\n\n"));
        match i % 4 {
            0 => text.push_str(&format!(
                "> {}\n>\n> {}\n\n",
                words(i, 40),
                words(i + 1, 25)
            )),
            1 => text.push_str(
                "1. First item\n2. Second item with more words than fit\n   - nested\n3. Third\n\n",
            ),
            2 => text.push_str("* * *\n\n"),
            _ => text.push_str("## A heading\n\n"),
        }
    }
    for i in 0..12u64 {
        text.push_str(&format!(
            "[^n{i}]: {}\n\n",
            words(100 + i, 12 + (i as usize % 3) * 20)
        ));
    }
    let (_, laid) = lay(&common::project(&[
        ("manuscript/book.toml", TOML),
        ("manuscript/01.md", &text),
    ]));
    let g = laid.geometry;
    let note_leading = g.leading.0 * 0.8;
    for page in &laid.pages.pages {
        let ys = baselines(page, 8.0);
        for pair in ys.windows(2) {
            assert!(
                pair[1] - pair[0] >= note_leading - 0.01,
                "page {}: lines {pair:?} overlap",
                page.folio
            );
        }
        // Nothing below the last line a long page may use.
        if let Some(last) = ys.last() {
            assert!(
                *last <= g.baseline(g.lines).0 + 0.01 || *last == g.foot_baseline.0,
                "page {}: {last}",
                page.folio
            );
        }
        // Quotes are indented on both sides: no text reaches past the measure.
        let left = g.text_left(page.side == Side::Recto);
        for item in &page.items {
            if let Item::Glyphs(run) = item {
                let last = run.glyphs.last().unwrap();
                let right = run.x.0 + last.x.0 + last.advance.0;
                assert!(right <= left.0 + g.measure.0 + hang(run).1 + 0.01);
            }
        }
    }
}

#[test]
fn running_heads_take_the_short_form_and_never_truncate() {
    let long = "A Chapter Whose Title Runs On Far Longer Than Any Running Head Could Ever Hold";
    let one = format!(
        "# {long} {{short=\"The Short Form\"}}\n\n{}",
        paragraphs(3, 40)
    );
    let two = format!("# {long} Again\n\n{}", paragraphs(5, 40));
    let (_, laid, found) = lay_reporting(&common::project(&[
        ("manuscript/book.toml", TOML),
        ("manuscript/01.md", &one),
        ("manuscript/02.md", &two),
    ]));
    let g = laid.geometry;
    let heads: Vec<String> = laid
        .pages
        .pages
        .iter()
        .filter(|p| p.side == Side::Recto)
        .flat_map(|p| {
            p.items.iter().filter_map(|item| match item {
                Item::Glyphs(r) if r.y.0 < g.first_baseline.0 - g.leading.0 => {
                    Some(r.text.to_string())
                }
                _ => None,
            })
        })
        .filter(|t| t.chars().any(char::is_alphabetic))
        .collect();
    assert!(heads.iter().any(|h| h == "The Short Form"), "{heads:?}");
    assert!(heads.iter().all(|h| !h.contains('…')), "{heads:?}");
    // The second chapter's head cannot fit: left off, with a warning at its heading.
    assert!(heads.iter().all(|h| !h.contains("Again")), "{heads:?}");
    let warning = found
        .iter()
        .find(|w| w.message.contains("running head"))
        .expect("a warning for the head left off");
    let text = warning.to_string();
    assert!(
        text.contains("02.md:1:1") && text.contains("short="),
        "{text}"
    );
}

#[test]
fn notes_hang_their_numbers_and_contents_entries_turn_over_indented() {
    let mut text = String::from(
        "# A Chapter With a Title Long Enough to Turn Over in the Contents of This Small Book\n\n",
    );
    text.push_str(&paragraphs(7, 3));
    text.push_str(" A claim.[^a]\n\n# Second\n\nMore.\n\n[^a]: A longer note, which runs on past the end of its first line so that its turnover lines show where they align: with the text, not under the number.\n");
    let toml = format!("{TOML}[print]\ncontents-leaders = true\n");
    let (_, laid) = lay(&common::project(&[
        ("manuscript/book.toml", &toml),
        ("manuscript/01.md", &text),
    ]));
    let runs: Vec<&quire::layout::frame::GlyphRun> = laid
        .pages
        .pages
        .iter()
        .flat_map(|p| &p.items)
        .filter_map(|i| match i {
            Item::Glyphs(r) => Some(r),
            _ => None,
        })
        .collect();
    // The note: its number ends before the text starts, and the turnover starts where the text does.
    let number = runs
        .iter()
        .find(|r| r.text == "1.")
        .expect("the note's number");
    let first = runs
        .iter()
        .find(|r| r.text.starts_with("A longer note"))
        .expect("the note's first line");
    let turnover = runs
        .iter()
        .find(|r| r.y.0 > first.y.0 && r.y.0 - first.y.0 < 15.0 && r.size == first.size)
        .expect("the note's turnover line");
    let number_end = number.x.0 + number.glyphs.last().map_or(0.0, |g| g.x.0 + g.advance.0);
    assert!(number_end < first.x.0, "{number_end} {}", first.x.0);
    assert!(
        (turnover.x.0 - first.x.0).abs() < 0.01,
        "{} {}",
        turnover.x.0,
        first.x.0
    );
    // The contents: the long entry turns over indented, with leader dots before its page number.
    let entry = runs
        .iter()
        .find(|r| r.text.starts_with("A Chapter With"))
        .expect("the contents entry");
    let entry_turnover = runs
        .iter()
        .find(|r| r.y.0 > entry.y.0 && r.y.0 - entry.y.0 < 20.0 && r.size == entry.size)
        .expect("the entry's turnover");
    assert!(entry_turnover.x.0 > entry.x.0 + 5.0, "turnover indented");
    let dots = runs
        .iter()
        .find(|r| {
            (r.y.0 - entry_turnover.y.0).abs() < 0.01
                && r.text.chars().all(|c| c == '.')
                && r.text.len() > 5
        })
        .expect("leader dots on the entry's last line");
    assert!(dots.x.0 > entry_turnover.x.0);
}

#[test]
fn letters_are_never_spaced_past_the_limit() {
    // Inside a run, the gap after a glyph is either letter-spacing (at most
    // 0.06 em, in capitals) or a word space (well over 0.1 em).
    let (_, laid) = lay(&common::bundled());
    let mut tracked = 0;
    for page in &laid.pages.pages {
        for item in &page.items {
            let Item::Glyphs(run) = item else { continue };
            for pair in run.glyphs.windows(2) {
                let gap = (pair[1].x.0 - pair[0].x.0 - pair[0].advance.0) / run.size.0;
                assert!(gap <= 0.0601 || gap >= 0.1, "{gap:.3} em in {}", run.text);
                if gap > 0.001 && gap <= 0.0601 {
                    tracked += 1;
                }
            }
        }
    }
    assert!(
        tracked > 100,
        "justified lines take up slack between letters"
    );
}

/// A scene break's ornament is never the first or the last line of a page:
/// the page break moves into the scene before it or after it, so the break
/// stays visible on both sides.
#[test]
fn an_ornament_never_stands_alone_at_a_page_top_or_foot() {
    let mut chapter = String::from("# One\n\n");
    for n in 0..90u64 {
        chapter.push_str(&words(n, 12 + (n as usize * 37) % 90));
        chapter.push_str(".\n\n");
        if n % 3 == 2 && n < 89 {
            chapter.push_str("* * *\n\n");
        }
    }
    for style in quire::model::style::BookStyle::NAMES {
        let toml = format!(
            "title = \"Scenes\"\nauthors = [\"A\"]\ndate = \"2026-01-01\"\nstyle = \"{style}\"\n"
        );
        let project = common::project(&[
            ("manuscript/book.toml", toml.as_str()),
            ("manuscript/01.md", chapter.as_str()),
            ("manuscript/02.md", "# Two\n\nThe end.\n"),
        ]);
        let (book, laid) = lay(&project);
        let ornament = match book
            .style
            .scene_break
            .ornaments
            .iter()
            .find(|o| !o.contains('⁂'))
        {
            Some(o) => o.replace('\u{a0}', ""),
            None => unreachable!(),
        };
        let body = book.print.font_size.0;
        let mut seen = 0;
        for (n, page) in laid.pages.pages.iter().enumerate() {
            // Body lines by baseline: runs at the body size (heads and folios are smaller).
            let mut lines: Vec<(f64, String)> = Vec::new();
            for item in &page.items {
                if let Item::Glyphs(run) = item
                    && (run.size.0 - body).abs() < 0.01
                {
                    match lines.iter_mut().find(|(y, _)| (y - run.y.0).abs() < 0.5) {
                        Some((_, text)) => text.push_str(&run.text),
                        None => lines.push((run.y.0, run.text.to_string())),
                    }
                }
            }
            lines.sort_by(|a, b| a.0.total_cmp(&b.0));
            let is_ornament = |text: &str| text.replace([' ', '\u{a0}'], "") == ornament;
            seen += lines.iter().filter(|(_, t)| is_ornament(t)).count();
            if let (Some(first), Some(last)) = (lines.first(), lines.last()) {
                assert!(
                    !is_ornament(&first.1),
                    "{style}: page {} opens with the ornament",
                    n + 1
                );
                assert!(
                    !is_ornament(&last.1),
                    "{style}: page {} ends with the ornament: {lines:?}",
                    n + 1
                );
            }
        }
        assert!(seen >= 25, "{style}: {seen} ornaments found");
    }
}

/// A table of 25 columns is too wide for any page: it is set in parts of
/// its columns, each opening with the first, every word whole (never a
/// letter per line), with one warning for the table.
#[test]
fn a_table_too_wide_is_set_in_parts_never_a_letter_per_line() {
    let columns = 25;
    let header: Vec<String> = (0..columns).map(|c| format!("Col{c}")).collect();
    let row: Vec<String> = (0..columns).map(|c| format!("v{c}x")).collect();
    let table = format!(
        "# One\n\nBefore.\n\n| {} |\n|{}\n| {} |\n\nAfter.\n",
        header.join(" | "),
        "---|".repeat(columns),
        row.join(" | ")
    );
    let project = common::project(&[
        (
            "manuscript/book.toml",
            "title = \"Wide\"\nauthors = [\"A\"]\ndate = \"2026-01-01\"\n",
        ),
        ("manuscript/01.md", &table),
    ]);
    let (_, laid, found) = lay_reporting(&project);
    let text: Vec<String> = laid
        .pages
        .pages
        .iter()
        .flat_map(|p| &p.items)
        .filter_map(|i| match i {
            Item::Glyphs(run) => Some(run.text.as_str().to_string()),
            _ => None,
        })
        .collect();
    for word in header.iter().chain(&row) {
        assert!(
            text.iter().any(|t| t.split_whitespace().any(|w| w == word)),
            "{word} is not set whole: {text:?}"
        );
    }
    // The first column opens every part.
    let parts = text.iter().filter(|t| t.as_str() == "Col0").count();
    assert!(parts >= 2, "{parts} parts");
    let table_warnings: Vec<String> = found
        .iter()
        .map(|w| w.to_string())
        .filter(|w| w.contains("table") || w.contains("broken"))
        .collect();
    assert_eq!(table_warnings.len(), 1, "{table_warnings:?}");
    assert!(
        table_warnings[0].contains(&format!("{parts} parts")),
        "{table_warnings:?}"
    );
}

/// The caption's descenders and the last row's keep clear of the rules.
#[test]
fn a_tables_rules_keep_clear_of_its_caption_and_its_last_row() {
    let project = common::project(&[
        (
            "manuscript/book.toml",
            "title = \"Ruled\"\nauthors = [\"A\"]\ndate = \"2026-01-01\"\n",
        ),
        (
            "manuscript/01.md",
            "# One\n\nBefore.\n\n| Quay | Depth |\n|---|---|\n| Nantucket | 12 |\n| Sag Harbor | 9 |\n\nTable: Soundings, by quay and gauge\n\nAfter.\n",
        ),
    ]);
    let (_, laid) = lay(&project);
    let page = laid
        .pages
        .pages
        .iter()
        .find(|p| {
            p.items
                .iter()
                .any(|i| matches!(i, Item::Glyphs(r) if r.text.as_str().contains("Soundings")))
        })
        .unwrap();
    let baseline = |needle: &str| {
        page.items
            .iter()
            .find_map(|i| match i {
                Item::Glyphs(r) if r.text.as_str().contains(needle) => Some((r.y.0, r.size.0)),
                _ => None,
            })
            .unwrap()
    };
    let rules: Vec<f64> = page
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Rule { y1, .. } => Some(y1.0),
            _ => None,
        })
        .collect();
    // EB Garamond's descenders reach about 0.27 em below the baseline, its ascenders 0.8 above.
    let (caption, caption_size) = baseline("Soundings");
    let (last, last_size) = baseline("Harbor");
    let (header, header_size) = baseline("Quay");
    let top = rules.iter().copied().fold(f64::MAX, f64::min);
    let bottom = rules.iter().copied().fold(f64::MIN, f64::max);
    assert!(
        top - (caption + 0.27 * caption_size) >= 1.5,
        "caption {caption}, top rule {top}"
    );
    assert!(
        (header - 0.8 * header_size) - top >= 1.0,
        "header {header}, top rule {top}"
    );
    assert!(
        bottom - (last + 0.27 * last_size) >= 2.0,
        "last row {last}, bottom rule {bottom}"
    );
}

/// A cell's words joined by a no-break space ("Mr. Penne", as converted
/// plays write a speaker) are measured together: the column is wide enough,
/// and the cell never runs into the next.
#[test]
fn a_no_break_space_in_a_cell_widens_its_column() {
    let speech = "Good morning, Miss Lore. Glad to see you so prompt. We should finish that June installment for the Epoch today. Leverett is crowding me for the copy, and the printers wait on no one in this house.";
    let chapter = format!(
        "# Sound and Fury\n\nPersons of the drama.\n\n|  |  |\n|----|----|\n| Mr.\u{a0}Penne | {speech} |\n| Miss\u{a0}Lore | Excuse me; you mean “rose from her knees”? |\n"
    );
    let project = common::project(&[
        (
            "manuscript/book.toml",
            "title = \"Play\"\nauthors = [\"A\"]\ndate = \"2026-01-01\"\n",
        ),
        ("manuscript/01.md", &chapter),
    ]);
    let (_, laid) = lay(&project);
    let runs: Vec<&quire::layout::frame::GlyphRun> = laid
        .pages
        .pages
        .iter()
        .flat_map(|p| &p.items)
        .filter_map(|i| match i {
            Item::Glyphs(run) => Some(run),
            _ => None,
        })
        .collect();
    let end_of = |needle: &str| {
        runs.iter()
            .find(|r| r.text.as_str().contains(needle))
            .map(|r| {
                (
                    r.y.0,
                    r.x.0 + r.glyphs.last().map_or(0.0, |g| g.x.0 + g.advance.0),
                )
            })
            .unwrap_or_else(|| panic!("{needle}"))
    };
    let start_of = |needle: &str| {
        runs.iter()
            .find(|r| r.text.as_str().starts_with(needle))
            .map(|r| (r.y.0, r.x.0, r.size.0))
            .unwrap_or_else(|| panic!("{needle}"))
    };
    let (penne_y, penne_end) = end_of("Penne");
    let (good_y, good_x, size) = start_of("Good");
    assert!((penne_y - good_y).abs() < 0.1, "one baseline");
    assert!(
        good_x - penne_end >= size * 0.8,
        "{penne_end} runs into {good_x}"
    );
}

const POEMS_TOML: &str = "title = \"Poems\"\nauthors = [\"A. Poet\"]\ndate = \"2026-01-01\"\n";

/// A stanza of `lines` short lines, numbered so each line is its own.
fn stanza(seed: u64, lines: usize) -> String {
    (0..lines)
        .map(|k| {
            format!(
                "{} {}",
                words(seed * 100 + k as u64, 5),
                seed * 100 + k as u64
            )
        })
        .collect::<Vec<_>>()
        .join("\\\n")
}

/// Each page's text lines: (block, offset) of each, in order.
fn page_blocks(laid: &LaidOut) -> Vec<Vec<u32>> {
    laid.lines
        .iter()
        .map(|page| {
            page.iter()
                .filter_map(|l| l.pos.map(|p| p.block.0))
                .collect()
        })
        .collect()
}

#[test]
fn a_poem_fills_its_pages_breaking_between_stanzas_or_two_lines_in() {
    // Stanzas of six lines, each kept whole before, left most pages three or
    // more lines short; a page may now break inside a stanza, two lines or
    // more each side.
    let poem: Vec<String> = (0..60).map(|n| stanza(n, 6)).collect();
    let text = format!("# A Long Poem\n\n{}\n", poem.join("\n\n"));
    let project = common::project(&[
        ("manuscript/book.toml", POEMS_TOML),
        ("manuscript/01.md", &text),
    ]);
    let (_, laid) = lay(&project);
    let short: Vec<(u32, usize)> = laid
        .report
        .short_pages
        .iter()
        .copied()
        .filter(|(lines, _)| *lines >= 2)
        .collect();
    assert!(short.is_empty(), "pages 2+ lines short: {short:?}");
    // A stanza split across pages keeps two lines or more on each.
    let pages = page_blocks(&laid);
    for pair in pages.windows(2) {
        let (Some(&last), Some(&first)) = (pair[0].last(), pair[1].first()) else {
            continue;
        };
        if last == first {
            let before = pair[0].iter().rev().take_while(|&&b| b == last).count();
            let after = pair[1].iter().take_while(|&&b| b == first).count();
            assert!(
                before >= 2 && after >= 2,
                "{before} and {after} lines of a stanza"
            );
        }
    }
}

#[test]
fn a_poems_title_and_headnote_are_never_the_last_thing_on_a_page() {
    // Whatever fills the page before it, the second poem's title, its
    // epigraph and its first lines share a page.
    for filler in 20..44 {
        let first: Vec<String> = (0..1).map(|_| stanza(1, filler)).collect();
        let text = format!(
            "# Poems\n\n{}\n\n## The Second Poem\n\n> Whoso list to hunt, I know where is an hind,\\\n> But as for me, alas, I may no more.\n\n{}\n\n{}\n",
            first.join("\n\n"),
            stanza(7, 8),
            stanza(8, 8)
        );
        let project = common::project(&[
            ("manuscript/book.toml", POEMS_TOML),
            ("manuscript/01.md", &text),
        ]);
        let (_, laid) = lay(&project);
        // The last page that sets it (the contents lists the title too).
        let page_of = |needle: &str| {
            laid.lines
                .iter()
                .rposition(|page| page.iter().any(|l| l.text.contains(needle)))
                .unwrap_or_else(|| panic!("{needle}"))
        };
        let title = page_of("Second");
        assert_eq!(
            title,
            page_of("Whoso"),
            "filler {filler}: the headnote left its title"
        );
        assert_eq!(
            title,
            page_of("700"),
            "filler {filler}: the title and headnote ended a page"
        );
    }
}

#[test]
fn a_chapter_never_ends_on_a_page_of_a_line_or_two() {
    for count in 6..30 {
        let text = format!(
            "# One\n\n{}\n\n# Two\n\nNext.\n",
            paragraphs(count as u64, count)
        );
        let project = common::project(&[
            ("manuscript/book.toml", POEMS_TOML),
            ("manuscript/01.md", &text),
        ]);
        let (_, laid) = lay(&project);
        // The chapter's last page: the page before the one that sets "Next.".
        let next = laid
            .lines
            .iter()
            .position(|page| page.iter().any(|l| l.text.contains("Next.")))
            .unwrap();
        let last = (0..next)
            .rev()
            .find(|&p| !laid.lines[p].is_empty())
            .unwrap();
        let opening = (0..next)
            .find(|&p| laid.lines[p].iter().any(|l| &*l.text == "One"))
            .unwrap();
        if last > opening {
            assert!(
                laid.lines[last].len() >= 4,
                "{count} paragraphs: the chapter ends on a page of {} lines",
                laid.lines[last].len()
            );
        }
    }
}
