//! The book's structure as a reader meets it, on manuscripts in the shapes
//! authors bring (a Gutenberg novel with `# Chapter I` headings, one with bare
//! `# I` headings and an endnotes file, every common way of writing a number,
//! a dictionary with a file per letter, a poetry collection with numbered
//! sections, a story collection with `## I` sections, an untitled epigraph,
//! parts and letters), in every style: no number printed twice, no front or
//! back matter labelled as a chapter, and a printed contents whose every entry
//! has its page and none is a bare numeral. The checks read the files, as
//! `../shared/tools/structure.py` does.

use crate::common;

use std::io::{Cursor, Read};

const STYLES: [&str; 3] = ["classic", "modern", "plain"];

/// A paragraph of public-domain prose (Moby-Dick, chapter 1).
const TEXT: &str = "Whenever I find myself growing grim about the mouth; whenever it is a damp, drizzly November in my soul; whenever I find myself involuntarily pausing before coffin warehouses, and bringing up the rear of every funeral I meet; then, I account it high time to get to sea as soon as I can.\n\nThere now is your insular city of the Manhattoes, belted round by wharves as Indian isles by coral reefs—commerce surrounds it with her surf.\n";

/// A built book: the EPUB's documents and the PDF's pages as text.
struct Built {
    xhtml: Vec<(String, String)>,
    pages: Vec<String>,
    book: quire::model::Book,
    warnings: Vec<String>,
}

fn build(style: &str, toml: &str, files: &[(String, String)]) -> Built {
    let toml = format!(
        "style = \"{style}\"\ntitle = \"A Book\"\nauthors = [\"A. Writer\"]\nlanguage = \"en\"\ndate = \"1900-01-01\"\n{toml}"
    );
    let mut all: Vec<(&str, &str)> = vec![("manuscript/book.toml", toml.as_str())];
    all.extend(files.iter().map(|(p, t)| (p.as_str(), t.as_str())));
    let project = common::project(&all);
    let outputs = quire::build(&project, &quire::Options::default())
        .unwrap_or_else(|e| panic!("{style}: {e}"));
    let file = |suffix: &str| {
        &outputs
            .files
            .iter()
            .find(|f| f.name.ends_with(suffix) && !f.name.contains("-cover"))
            .unwrap()
            .bytes
    };
    let mut zip = zip::ZipArchive::new(Cursor::new(file(".epub").clone())).unwrap();
    let mut xhtml = Vec::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().to_string();
        let mut text = String::new();
        if name.ends_with(".xhtml") && entry.read_to_string(&mut text).is_ok() {
            xhtml.push((name, text));
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.pdf");
    std::fs::write(&path, file(".pdf")).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-layout"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    let pages = String::from_utf8(out.stdout)
        .unwrap()
        .split('\u{c}')
        .map(str::to_string)
        .collect();
    let (book, _) = quire::load_book(&project, &quire::Options::default()).unwrap();
    Built {
        xhtml,
        pages,
        book,
        warnings: outputs.warnings.iter().map(|w| w.to_string()).collect(),
    }
}

const NUMBER_WORDS: [&str; 23] = [
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
    "first",
    "second",
    "third",
];
const MATTER: [&str; 14] = [
    "endnotes",
    "notes",
    "preface",
    "foreword",
    "afterword",
    "epigraph",
    "dedication",
    "appendix",
    "glossary",
    "bibliography",
    "acknowledgements",
    "colophon",
    "about the author",
    "imprint",
];

fn is_numeral(word: &str) -> bool {
    let w = word.trim_end_matches('.').to_lowercase();
    !w.is_empty()
        && (w.chars().all(|c| c.is_ascii_digit())
            || w.chars().all(|c| "ivxlcdm".contains(c))
            || NUMBER_WORDS.contains(&w.as_str()))
}

/// A title that is a number, maybe with its unit: "I", "Chapter I.", "Letter 4".
fn is_number_title(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    match words.as_slice() {
        [n] => is_numeral(n),
        [unit, n] => {
            ["chapter", "book", "part", "letter"].contains(&unit.to_lowercase().as_str())
                && is_numeral(n)
        }
        _ => false,
    }
}

/// What structure.py reports: (doubled numbers, matter labelled as a chapter).
fn headings(built: &Built) -> (Vec<String>, Vec<String>) {
    let (mut doubled, mut matter) = (Vec::new(), Vec::new());
    for (name, text) in &built.xhtml {
        if name.ends_with("nav.xhtml") {
            continue;
        }
        let options = roxmltree::ParsingOptions {
            allow_dtd: true,
            ..roxmltree::ParsingOptions::default()
        };
        let doc = roxmltree::Document::parse_with_options(text, options).unwrap();
        let class_has =
            |n: roxmltree::Node, c: &str| n.attribute("class").is_some_and(|v| v.contains(c));
        let h1s: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("h1")).collect();
        for p in doc.descendants().filter(|n| n.has_tag_name("p")) {
            if class_has(p, "chapter-label") && h1s.is_empty() {
                matter.push(format!("{name}: a label with no title"));
            }
        }
        for h in h1s {
            let all: String = h.descendants().filter_map(|n| n.text()).collect();
            let all = all.split_whitespace().collect::<Vec<_>>().join(" ");
            let label: String = h
                .descendants()
                .filter(|n| class_has(*n, "chapter-label"))
                .flat_map(|n| n.descendants().filter_map(|t| t.text()))
                .collect();
            let label = label.trim();
            let rest = all.strip_prefix(label).unwrap_or(&all).trim();
            if !label.is_empty() && is_number_title(rest) {
                doubled.push(format!("{name}: {all}"));
            }
            let lower = rest.to_lowercase();
            let lower = lower.trim_end_matches('.');
            if !label.is_empty()
                && (rest.is_empty()
                    || MATTER.contains(&lower)
                    || (lower.chars().count() == 1 && lower.chars().all(char::is_alphabetic)))
            {
                matter.push(format!("{name}: {all}"));
            }
        }
    }
    (doubled, matter)
}

/// The printed contents' lines: the page titled "Contents" and those after
/// it whose running head says Contents.
fn contents_lines(built: &Built) -> Vec<String> {
    let squash = |l: &str| l.split_whitespace().collect::<String>().to_lowercase();
    let Some(start) = built
        .pages
        .iter()
        .position(|p| p.lines().any(|l| squash(l) == "contents"))
    else {
        return Vec::new();
    };
    let mut lines = Vec::new();
    for (i, page) in built.pages.iter().enumerate().skip(start) {
        let text: Vec<&str> = page.lines().filter(|l| !l.trim().is_empty()).collect();
        if i > start && !text.iter().any(|l| squash(l).contains("contents")) {
            break;
        }
        for line in text {
            let s = squash(line);
            let folio_only = line.trim().chars().all(|c| "ivxlcdm0123456789".contains(c));
            if s == "contents" || s.ends_with("contents") || folio_only {
                continue;
            }
            lines.push(line.trim().to_string());
        }
    }
    lines
}

/// Every structure.py check on one build.
fn check(shape: &str, style: &str, built: &Built) {
    let (doubled, matter) = headings(built);
    assert!(
        doubled.is_empty(),
        "{shape} in {style}: doubled {doubled:?}"
    );
    assert!(
        matter.is_empty(),
        "{shape} in {style}: labelled matter {matter:?}"
    );
    let lines = contents_lines(built);
    assert!(!lines.is_empty(), "{shape} in {style}: no contents");
    for line in &lines {
        let (entry, folio) = line.rsplit_once(' ').unwrap_or(("", line));
        assert!(
            is_numeral(folio) && !entry.trim().is_empty(),
            "{shape} in {style}: a contents entry without its page: {line:?} in {lines:?}"
        );
        let entry = entry
            .trim()
            .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
        assert!(
            !is_number_title(entry.trim()) || entry.trim().contains(' '),
            "{shape} in {style}: a bare numeral in the contents: {line:?}"
        );
    }
}

fn files(list: &[(&str, String)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(name, text)| (format!("manuscript/{name}"), text.clone()))
        .collect()
}

fn each_style(shape: &str, toml: &str, files: &[(String, String)], also: impl Fn(&str, &Built)) {
    for style in STYLES {
        let built = build(style, toml, files);
        check(shape, style, &built);
        also(style, &built);
    }
}

fn labels(built: &Built) -> Vec<(String, Option<String>)> {
    built
        .book
        .sections
        .iter()
        .filter(|s| s.source.is_some())
        .map(|s| (s.title.clone(), s.label.as_ref().map(|l| l.text.clone())))
        .collect()
}

const ROMAN: [&str; 12] = [
    "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII",
];

#[test]
fn a_gutenberg_novel_with_chapter_i_headings() {
    // `preface.md` sorts after `chapter1.md`, and chapter10 after chapter9.
    let mut list = vec![("preface.md", format!("# PREFACE.\n\n{TEXT}"))];
    let names: Vec<String> = (1..=11).map(|n| format!("chapter{n}.md")).collect();
    for (n, name) in names.iter().enumerate() {
        list.push((name.as_str(), format!("# CHAPTER {}.\n\n{TEXT}", ROMAN[n])));
    }
    list.push(("zz-appendix.md", format!("# Appendix\n\n{TEXT}")));
    each_style("Gutenberg novel", "", &files(&list), |style, built| {
        let chapters: Vec<_> = built.book.chapters().collect();
        assert_eq!(chapters.len(), 11, "{style}");
        // In order by the numbers in the file names, each numbered once.
        for (n, chapter) in chapters.iter().enumerate() {
            assert_eq!(
                chapter.label.as_ref().unwrap().number,
                n as u32 + 1,
                "{style}"
            );
        }
        let preface = built
            .book
            .sections
            .iter()
            .find(|s| s.title == "PREFACE.")
            .unwrap();
        assert_eq!(preface.kind, quire::model::SectionKind::Preface, "{style}");
        assert!(preface.label.is_none());
        let appendix = built
            .book
            .sections
            .iter()
            .find(|s| s.title == "Appendix")
            .unwrap();
        assert_eq!(appendix.kind, quire::model::SectionKind::Appendix);
        if style == "classic" {
            let h1 = &built
                .xhtml
                .iter()
                .find(|(n, _)| n.ends_with("chapter-1.xhtml"))
                .unwrap()
                .1;
            assert!(
                h1.contains("<span class=\"chapter-number\">Chapter One</span></h1>"),
                "{h1}"
            );
        }
    });
}

#[test]
fn bare_numbered_chapters_and_an_endnotes_file() {
    let mut list: Vec<(&str, String)> = Vec::new();
    let names: Vec<String> = (1..=6).map(|n| format!("{n:02}.md")).collect();
    for (n, name) in names.iter().enumerate() {
        list.push((name.as_str(), format!("# {}\n\n{TEXT}", ROMAN[n])));
    }
    list.push((
        "99-notes.md",
        "# Endnotes\n\n1. A note. ↩\n\n2. Another. ↩\n".to_string(),
    ));
    each_style("bare numbers", "", &files(&list), |style, built| {
        let labels = labels(built);
        assert_eq!(labels.len(), 7);
        assert!(
            labels[..6].iter().all(|(_, l)| l.is_some()),
            "{style}: {labels:?}"
        );
        assert_eq!(labels[6], ("Endnotes".to_string(), None), "{style}");
        // Never "I" alone in the contents or the navigation.
        assert!(
            labels[..6].iter().all(|(t, _)| t.starts_with("Chapter ")),
            "{labels:?}"
        );
    });
}

#[test]
fn every_common_form_of_a_chapter_number() {
    let forms = [
        "# CHAPTER I.\n",
        "# Chapter 2: The Second\n",
        "# Chapter Three — A Title After a Dash\n",
        "# Chapter the Fourth\n",
        "CHAPTER V.\nThe Setext Title\n=================\n",
        "# Chapter VI\n\n## The Title on the Next Line\n",
        "# CHAPTER VII.<br>After a Break\n",
        "# Chapter Eight. The Eighth Day\n",
    ];
    let names: Vec<String> = (1..=forms.len()).map(|n| format!("{n:02}.md")).collect();
    let mut list: Vec<(&str, String)> = names
        .iter()
        .zip(forms)
        .map(|(name, form)| (name.as_str(), format!("{form}\n{TEXT}")))
        .collect();
    list.push(("90.md", format!("# Epilogue\n\n{TEXT}")));
    each_style("mixed forms", "", &files(&list), |style, built| {
        let labels = labels(built);
        let titles: Vec<&str> = labels.iter().map(|(t, _)| t.as_str()).collect();
        let expected_titles = [
            "The Second",
            "A Title After a Dash",
            "The Setext Title",
            "The Title on the Next Line",
            "After a Break",
            "The Eighth Day",
            "Epilogue",
        ];
        for title in expected_titles {
            assert!(titles.contains(&title), "{style}: {titles:?}");
        }
        let numbers: Vec<u32> = built
            .book
            .chapters()
            .filter_map(|c| c.label.as_ref())
            .map(|l| l.number)
            .collect();
        assert_eq!(numbers, [1, 2, 3, 4, 5, 6, 7, 8], "{style}");
    });
}

#[test]
fn a_dictionary_with_a_file_per_letter() {
    let letters: Vec<String> = ('A'..='M').map(|c| c.to_string()).collect();
    let names: Vec<String> = letters
        .iter()
        .map(|l| format!("{}.md", l.to_lowercase()))
        .collect();
    let list: Vec<(&str, String)> = names
        .iter()
        .zip(&letters)
        .map(|(name, letter)| {
            (
                name.as_str(),
                format!("# {letter}\n\n**{letter}word**, *n.* {TEXT}"),
            )
        })
        .collect();
    each_style("dictionary", "", &files(&list), |style, built| {
        let labels = labels(built);
        assert!(
            labels.iter().all(|(_, l)| l.is_none()),
            "{style}: {labels:?}"
        );
        // C, D, I, L and M stay letters, in the text and its title.
        let c = &built
            .xhtml
            .iter()
            .find(|(n, _)| n.ends_with("chapter-3.xhtml"))
            .unwrap()
            .1;
        assert!(c.contains(">C</h1>"), "{c}");
        // The printed contents gathers the letters: one entry, "A–M".
        let lines = contents_lines(built);
        assert_eq!(lines.len(), 1, "{style}: {lines:?}");
        assert!(lines[0].starts_with("A–M"), "{lines:?}");
    });
}

fn poem(title: &str, sections: usize) -> String {
    let mut out = format!("## {title}\n\n");
    for n in 1..=sections.max(1) {
        if sections > 0 {
            out.push_str(&format!("### {n}\n\n"));
        }
        out.push_str("Now Morning from her orient chamber came,\\\nAnd her first footsteps touch’d a verdant hill;\\\nCrowning its lawny crest with amber flame,\\\nSilv’ring the untainted gushes of its rill.\n\n");
    }
    out
}

#[test]
fn a_poetry_collection_with_numbered_sections() {
    let book = |name: &str, poems: &[(&str, usize)]| {
        let mut out = format!("# {name}\n\n");
        for (title, sections) in poems {
            out.push_str(&poem(title, *sections));
        }
        out
    };
    let list = [
        (
            "01.md",
            book(
                "Poems, 1817",
                &[("To Hope", 0), ("Sleep and Poetry", 4), ("To a Friend", 0)],
            ),
        ),
        (
            "02.md",
            book(
                "Lamia and Other Poems",
                &[("Lamia", 3), ("Ode to a Nightingale", 0)],
            ),
        ),
    ];
    each_style("poetry", "", &files(&list), |style, built| {
        assert!(labels(built).iter().all(|(_, l)| l.is_none()), "{style}");
        assert_eq!(
            contents_lines(built).len(),
            2,
            "{style}: the books only, by default"
        );
        // A section number is centred, never an entry.
        let first = &built
            .xhtml
            .iter()
            .find(|(n, _)| n.ends_with("chapter-1.xhtml"))
            .unwrap()
            .1;
        assert!(
            first.contains("<h3 id=\"") && first.contains("class=\"section-number\">1</h3>"),
            "{first}"
        );
        let nav = &built
            .xhtml
            .iter()
            .find(|(n, _)| n.ends_with("nav.xhtml"))
            .unwrap()
            .1;
        let toc = &nav[..nav.find("landmarks").unwrap()];
        assert!(
            toc.contains(">Sleep and Poetry<") && !toc.contains(">1<"),
            "{toc}"
        );
    });
    // Each poem opens a page of its own, not each on a recto.
    let built = build("classic", "", &files(&list));
    assert_eq!(
        built.book.print.chapters_open,
        quire::model::ChapterOpening::Any
    );
    // With `contents-depth = 2` the poems are listed too, each with its page.
    each_style(
        "poetry, depth 2",
        "contents-depth = 2\n",
        &files(&list),
        |style, built| {
            let lines = contents_lines(built);
            assert_eq!(lines.len(), 7, "{style}: {lines:?}");
        },
    );
}

#[test]
fn a_story_collection_with_numbered_sections() {
    let story = |title: &str, sections: bool| {
        if sections {
            format!("# {title}\n\n## I\n\n{TEXT}\n## II\n\n{TEXT}\n## III\n\n{TEXT}")
        } else {
            format!("# {title}\n\n{TEXT}")
        }
    };
    let list = [
        ("001-gift.md", story("The Gift of the Magi", true)),
        ("002-cop.md", story("The Cop and the Anthem", false)),
        ("003-leaf.md", story("The Last Leaf", true)),
        ("004-road.md", story("The Roads We Take", false)),
        (
            "414-endnotes.md",
            "# Endnotes\n\n1. A note. ↩\n".to_string(),
        ),
    ];
    each_style("stories", "", &files(&list), |style, built| {
        let labels = labels(built);
        assert!(
            labels.iter().all(|(_, l)| l.is_none()),
            "{style}: {labels:?}"
        );
        let lines = contents_lines(built);
        assert_eq!(lines.len(), 5, "{style}: {lines:?}");
        if style == "classic" {
            // The first story opens with its drop cap too, after its section number.
            let first = &built
                .xhtml
                .iter()
                .find(|(n, _)| n.ends_with("chapter-1.xhtml"))
                .unwrap()
                .1;
            assert!(first.contains("<p class=\"noindent opening\">"), "{first}");
        }
    });
    let built = build("classic", "", &files(&list));
    assert_eq!(
        built.book.print.chapters_open,
        quire::model::ChapterOpening::Recto
    );
    // Unless the author asks.
    let built = build("classic", "chapter-numbers = true\n", &files(&list));
    assert_eq!(labels(&built)[1].1.as_deref(), Some("Chapter Two"));
    check("stories, numbered", "classic", &built);
}

#[test]
fn an_untitled_epigraph_file_is_an_epigraph() {
    let list = [
        (
            "00.md",
            "Then the whale said:\\\nI am the ocean’s clock.\n\n— *Unknown*\n".to_string(),
        ),
        ("01.md", format!("# The Arrival\n\n{TEXT}")),
        ("02.md", format!("# The Storm\n\n{TEXT}")),
        ("03.md", format!("# The Departure\n\n{TEXT}")),
    ];
    each_style("untitled epigraph", "", &files(&list), |style, built| {
        let epigraph = built
            .book
            .sections
            .iter()
            .find(|s| s.source == Some(0))
            .unwrap();
        assert_eq!(
            epigraph.kind,
            quire::model::SectionKind::Epigraph,
            "{style}"
        );
        assert!(epigraph.label.is_none() && !epigraph.in_toc);
        assert!(
            built.warnings.iter().all(|w| !w.contains("no heading")),
            "{:?}",
            built.warnings
        );
        // A novel's titled chapters are counted in the numbered styles.
        let numbered = built.book.chapters().all(|c| c.label.is_some());
        assert_eq!(numbered, style != "plain", "{style}");
    });
}

#[test]
fn parts_and_letters_from_headings() {
    let mut list: Vec<(String, String)> = vec![
        ("10-part.md".into(), "# Part One\n".into()),
        (
            "11.md".into(),
            format!("# Chapter 1. Arrival\n\n{TEXT}\n## A Section\n\n{TEXT}"),
        ),
        ("12.md".into(), format!("# Chapter 2. Storm\n\n{TEXT}")),
        (
            "20-part.md".into(),
            "# Part Two: The Return\n\n*A line for the part.*\n".into(),
        ),
        ("21.md".into(), format!("# Chapter 3. Calm\n\n{TEXT}")),
        ("99.md".into(), format!("# Epilogue\n\n{TEXT}")),
    ];
    let as_files = |list: &[(String, String)]| -> Vec<(String, String)> {
        list.iter()
            .map(|(n, t)| (format!("manuscript/{n}"), t.clone()))
            .collect()
    };
    each_style(
        "parts",
        "contents-depth = 2\n",
        &as_files(&list),
        |style, built| {
            use quire::model::SectionKind;
            let parts: Vec<_> = built
                .book
                .sections
                .iter()
                .filter(|s| s.kind == SectionKind::Part)
                .collect();
            assert_eq!(parts.len(), 2, "{style}");
            assert_eq!(parts[1].title, "The Return");
            // The contents nests each part's chapters, and keeps their sections.
            let lines = contents_lines(built);
            assert!(
                lines.iter().any(|l| l.starts_with("A Section")),
                "{style}: {lines:?}"
            );
            let nav = &built
                .xhtml
                .iter()
                .find(|(n, _)| n.ends_with("nav.xhtml"))
                .unwrap()
                .1;
            let squeezed: String = nav.split_whitespace().collect();
            assert!(
                squeezed.contains("A Section</a>") || squeezed.contains("ASection</a>"),
                "{nav}"
            );
        },
    );
    list = (1..=4)
        .map(|n| {
            (
                format!("{n:02}.md"),
                format!("# Letter {}\n\n{TEXT}", ROMAN[n - 1]),
            )
        })
        .collect();
    each_style("letters", "", &as_files(&list), |style, built| {
        let labels = labels(built);
        let expected = match style {
            "classic" => "Letter Four",
            "modern" => "4",
            _ => "Letter IV",
        };
        assert_eq!(labels[3].1.as_deref(), Some(expected), "{style}");
        assert!(labels[3].0.starts_with("Letter "), "{labels:?}");
    });
}

#[test]
fn pandoc_heading_marks_and_book_toml_say_it_too() {
    let list = [
        ("01.md", format!("# A Prelude {{-}}\n\n{TEXT}")),
        ("02.md", format!("# The Arrival\n\n{TEXT}")),
        ("03.md", format!("# The Storm\n\n{TEXT}")),
        (
            "04.md",
            format!("# Working Notes {{.unnumbered .unlisted}}\n\n{TEXT}"),
        ),
    ];
    let built = build("classic", "", &files(&list));
    let labels = labels(&built);
    assert_eq!(labels[0].1, None);
    assert_eq!(labels[1].1.as_deref(), Some("Chapter One"));
    assert_eq!(labels[3].1, None);
    assert!(
        !built
            .book
            .sections
            .iter()
            .find(|s| s.title == "Working Notes")
            .unwrap()
            .in_toc
    );
    // chapter-numbers = false keeps the headings as written, numbers and all.
    let list = [
        ("01.md", format!("# Chapter I\n\n{TEXT}")),
        ("02.md", format!("# Chapter II\n\n{TEXT}")),
    ];
    let built = build("classic", "chapter-numbers = false\n", &files(&list));
    assert_eq!(labels_of(&built), [None, None]);
    assert_eq!(built.book.chapters().next().unwrap().title, "Chapter I");
}

fn labels_of(built: &Built) -> Vec<Option<String>> {
    labels(built).into_iter().map(|(_, l)| l).collect()
}

/// The corpus books, where present: the second novel and the story collection.
#[test]
fn the_corpus_books_in_every_style() {
    let love = common::LOVE_TOML;
    let Some(project) = common::corpus_book("love-among-the-chickens", love) else {
        return;
    };
    let files: Vec<(String, String)> = project
        .files_under("manuscript")
        .filter(|(p, _)| p.ends_with(".md"))
        .map(|(p, b)| (p.to_string(), String::from_utf8(b.to_vec()).unwrap()))
        .collect();
    for style in STYLES {
        let built = build(style, "", &files);
        check("Love Among the Chickens", style, &built);
        let dedication = built
            .book
            .sections
            .iter()
            .find(|s| s.title == "Dedication")
            .unwrap();
        assert_eq!(dedication.kind, quire::model::SectionKind::Dedication);
        assert_eq!(
            built.book.chapters().filter(|c| c.label.is_some()).count(),
            23
        );
    }
}

/// A whole book converted into one file (`pandoc book.epub -t gfm`): each
/// level-1 heading opens a section of its own, its notes and links kept.
#[test]
fn a_book_converted_into_one_file() {
    let text = format!(
        "# Preface\n\n{TEXT}\n# CHAPTER I.\n\nA note here.[^a] {TEXT}\n## A Section\n\nSee [the second](#chapter-ii).\n\n# CHAPTER II.\n\nAnd here.[^b] {TEXT}\n# Endnotes\n\n1. An endnote. ↩\n\n[^a]: The first note.\n\n[^b]: The second note.\n"
    );
    let list = [("book.md", text)];
    each_style("one file", "", &files(&list), |style, built| {
        use quire::model::SectionKind;
        let kinds: Vec<(SectionKind, &str)> = built
            .book
            .sections
            .iter()
            .filter(|s| s.source.is_some())
            .map(|s| (s.kind, s.title.as_str()))
            .collect();
        let full = match style {
            "plain" => "CHAPTER I",
            "modern" => "Chapter 1",
            _ => "Chapter One",
        };
        assert_eq!(kinds[0], (SectionKind::Preface, "Preface"), "{style}");
        assert_eq!(kinds[1], (SectionKind::Chapter, full), "{style}");
        assert_eq!(kinds[3], (SectionKind::Appendix, "Endnotes"), "{style}");
        let chapters: Vec<_> = built.book.chapters().collect();
        assert_eq!(chapters.len(), 2);
        // Each chapter keeps the note it cites, numbered from 1.
        assert_eq!(chapters[0].notes.len(), 1);
        assert_eq!(chapters[1].notes.len(), 1);
        let second = &built
            .xhtml
            .iter()
            .find(|(n, _)| n.ends_with("chapter-1.xhtml"))
            .unwrap()
            .1;
        assert!(
            second.contains("href=\"chapter-2.xhtml#chapter-ii\""),
            "{second}"
        );
        assert!(
            built.warnings.iter().all(|w| !w.contains("level")),
            "{:?}",
            built.warnings
        );
    });
}

/// A dedication written as a letter runs over pages: its first is a display
/// page, the ones after it carry their folios.
#[test]
fn a_long_dedication_keeps_its_folios_after_its_first_page() {
    let letter = format!("# Dedication\n\nTo W. Townend.\n\n{}", TEXT.repeat(12));
    let list = [
        ("00.md", letter),
        ("01.md", format!("# The Arrival\n\n{TEXT}")),
        ("02.md", format!("# The Storm\n\n{TEXT}")),
    ];
    let built = build("classic", "", &files(&list));
    let first = built
        .pages
        .iter()
        .position(|p| p.contains("To W. Townend."))
        .unwrap();
    let folio = |page: &str| {
        page.lines().filter(|l| !l.trim().is_empty()).any(|l| {
            l.split_whitespace()
                .any(|w| ["v", "vi", "vii", "viii", "ix", "x"].contains(&w))
        })
    };
    assert!(!folio(&built.pages[first]), "{}", built.pages[first]);
    assert!(folio(&built.pages[first + 1]), "{}", built.pages[first + 1]);
}
