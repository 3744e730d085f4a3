//! The Kobo edition against pgaskin/kepubify (MIT; see
//! `tests/fixtures/kepubify/README.md`): for the bundled essay and the
//! every-construct fixture, each XHTML document of quire's kepub is compared
//! with kepubify's conversion of the same EPUB, kept in
//! `tests/fixtures/kepubify/` (CI has no kepubify; the fixtures are
//! regenerated with `bash tests/fixtures/kepubify/regenerate.sh`).
//!
//! The comparison reads both as XML: the koboSpans in order, each id with
//! its text, must be the same; and with the koboSpans unwrapped the
//! documents must be the same tree (white space between elements aside),
//! once the copies quire makes of the book's own spans (to keep koboSpans
//! outside them) are joined again.

use crate::common;

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

use quire::Options;
use quire::model::Store;
use quire::project::Project;

fn fixtures() -> PathBuf {
    common::root().join("tests/fixtures/kepubify")
}

/// The books compared: the essay and the every-construct manuscript, plain
/// and in the classic style (whose chapter labels, lead-ins in small
/// capitals and ornaments are the book's own spans).
fn books() -> Vec<(&'static str, Project)> {
    vec![
        ("essay", common::bundled()),
        ("everything", common::everything("")),
        (
            "everything-classic",
            common::everything("style = \"classic\"\n"),
        ),
    ]
}

/// The canonical EPUB and quire's kepub of `project`.
fn editions(project: &Project) -> (Vec<u8>, Vec<u8>) {
    let options = Options {
        stores: Some(vec![Store::Kobo]),
        ..Options::default()
    };
    let outputs = quire::build(project, &options).unwrap();
    let find = |pick: &dyn Fn(&str) -> bool| {
        outputs
            .files
            .iter()
            .find(|f| pick(&f.name))
            .unwrap()
            .bytes
            .clone()
    };
    (
        find(&|n| !n.contains('/') && n.ends_with(".epub")),
        find(&|n| n.ends_with(".kepub.epub")),
    )
}

/// The XHTML documents of an EPUB, by their path under the package folder.
fn documents(epub: &[u8]) -> Vec<(String, String)> {
    let mut zip = zip::ZipArchive::new(Cursor::new(epub)).unwrap();
    let mut out = Vec::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().to_string();
        if name.ends_with(".xhtml") {
            let mut text = String::new();
            entry.read_to_string(&mut text).unwrap();
            out.push((name.trim_start_matches("OEBPS/").to_string(), text));
        }
    }
    out.sort();
    out
}

/// A document as the comparison sees it.
#[derive(Debug, Clone, PartialEq)]
enum Tree {
    Element {
        name: String,
        /// Sorted `(name, value)`, names with their namespace.
        attributes: Vec<(String, String)>,
        children: Vec<Tree>,
    },
    Text(String),
}

fn is_kobo_span(tree: &Tree) -> bool {
    matches!(tree, Tree::Element { name, attributes, .. }
        if name.ends_with("}span")
            && attributes.iter().any(|(k, v)| k == "class" && v.split_whitespace().any(|c| c == "koboSpan")))
}

fn qualified(namespace: Option<&str>, name: &str) -> String {
    format!("{{{}}}{name}", namespace.unwrap_or_default())
}

fn read_tree(node: roxmltree::Node) -> Tree {
    if node.is_text() {
        return Tree::Text(node.text().unwrap_or_default().to_string());
    }
    let mut attributes: Vec<(String, String)> = node
        .attributes()
        .map(|a| (qualified(a.namespace(), a.name()), a.value().to_string()))
        .map(|(k, v)| (k.trim_start_matches("{}").to_string(), v))
        .collect();
    attributes.sort();
    Tree::Element {
        name: qualified(node.tag_name().namespace(), node.tag_name().name()),
        attributes,
        children: node
            .children()
            .filter(|c| c.is_element() || c.is_text())
            .map(read_tree)
            .collect(),
    }
}

fn text_of(tree: &Tree) -> String {
    match tree {
        Tree::Text(t) => t.clone(),
        Tree::Element { children, .. } => children.iter().map(text_of).collect(),
    }
}

/// Every koboSpan's id and text, in document order.
fn kobo_spans(tree: &Tree, out: &mut Vec<(String, String)>) {
    if let Tree::Element {
        attributes,
        children,
        ..
    } = tree
    {
        if is_kobo_span(tree) {
            let id = attributes
                .iter()
                .find(|(k, _)| k == "id")
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            out.push((id, text_of(tree)));
        }
        for child in children {
            kobo_spans(child, out);
        }
    }
}

/// The tree without koboSpans (their content in their place), texts joined,
/// white space between elements dropped (not in `pre`), and neighbouring
/// copies of one element joined: same name and attributes, the later
/// without the id the first one carries.
fn normalized(tree: Tree, in_pre: bool) -> Vec<Tree> {
    match tree {
        Tree::Text(t) => vec![Tree::Text(t)],
        Tree::Element {
            name,
            attributes,
            children,
        } => {
            let is_kobo = is_kobo_span(&Tree::Element {
                name: name.clone(),
                attributes: attributes.clone(),
                children: Vec::new(),
            });
            let pre = in_pre || name.ends_with("}pre");
            let mut flat: Vec<Tree> = Vec::new();
            for child in children {
                flat.extend(normalized(child, pre));
            }
            let children = join(flat, pre);
            if is_kobo {
                children
            } else {
                vec![Tree::Element {
                    name,
                    attributes,
                    children,
                }]
            }
        }
    }
}

fn join(children: Vec<Tree>, in_pre: bool) -> Vec<Tree> {
    let mut out: Vec<Tree> = Vec::new();
    for child in children {
        match (out.last_mut(), child) {
            (Some(Tree::Text(last)), Tree::Text(t)) => last.push_str(&t),
            (_, child) => out.push(child),
        }
    }
    if !in_pre {
        out.retain(|c| !matches!(c, Tree::Text(t) if t.chars().all(char::is_whitespace)));
    }
    let mut joined: Vec<Tree> = Vec::new();
    for child in out {
        let copy = match (joined.last(), &child) {
            (
                Some(Tree::Element {
                    name: a,
                    attributes: first,
                    ..
                }),
                Tree::Element {
                    name: b,
                    attributes: second,
                    ..
                },
            ) => {
                let without_id = |attrs: &Vec<(String, String)>| -> Vec<(String, String)> {
                    attrs.iter().filter(|(k, _)| k != "id").cloned().collect()
                };
                a == b
                    && a.ends_with("}span")
                    && without_id(first) == without_id(second)
                    && !second.iter().any(|(k, _)| k == "id")
            }
            _ => false,
        };
        if copy {
            if let (Some(Tree::Element { children: into, .. }), Tree::Element { children, .. }) =
                (joined.last_mut(), child)
            {
                let mut all = std::mem::take(into);
                all.extend(children);
                *into = join(all, in_pre);
            }
        } else {
            joined.push(child);
        }
    }
    joined
}

fn parse(xhtml: &str) -> Tree {
    let doc = roxmltree::Document::parse_with_options(
        xhtml,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        },
    )
    .unwrap_or_else(|e| panic!("{e}: {xhtml}"));
    read_tree(doc.root_element())
}

fn render(trees: &[Tree], depth: usize, out: &mut String) {
    for tree in trees {
        match tree {
            Tree::Text(t) => out.push_str(&format!("{}{t:?}\n", "  ".repeat(depth))),
            Tree::Element {
                name,
                attributes,
                children,
            } => {
                out.push_str(&format!("{}<{name} {attributes:?}>\n", "  ".repeat(depth)));
                render(children, depth + 1, out);
            }
        }
    }
}

/// Compares one document; `Err` says where they part.
fn compare(name: &str, ours: &str, theirs: &str) -> Result<(), String> {
    let (ours, theirs) = (parse(ours), parse(theirs));
    let (mut our_spans, mut their_spans) = (Vec::new(), Vec::new());
    kobo_spans(&ours, &mut our_spans);
    kobo_spans(&theirs, &mut their_spans);
    if let Some(at) = (0..our_spans.len().max(their_spans.len()))
        .find(|&i| our_spans.get(i) != their_spans.get(i))
    {
        return Err(format!(
            "{name}: span {at} differs: quire {:?}, kepubify {:?} ({} and {} spans)",
            our_spans.get(at),
            their_spans.get(at),
            our_spans.len(),
            their_spans.len()
        ));
    }
    let (mut a, mut b) = (String::new(), String::new());
    render(&normalized(ours, false), 0, &mut a);
    render(&normalized(theirs, false), 0, &mut b);
    if a != b {
        let line = a
            .lines()
            .zip(b.lines())
            .position(|(x, y)| x != y)
            .unwrap_or(a.lines().count().min(b.lines().count()));
        return Err(format!(
            "{name}: the documents part at line {line}:\nquire:    {}\nkepubify: {}",
            a.lines().nth(line).unwrap_or("(end)"),
            b.lines().nth(line).unwrap_or("(end)")
        ));
    }
    Ok(())
}

#[test]
fn the_kepub_is_kepubifys_for_the_essay_and_every_construct() {
    for (book, project) in books() {
        let (_, kepub) = editions(&project);
        let ours = documents(&kepub);
        let dir = fixtures().join(book);
        let mut expected: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".xhtml"))
            .collect();
        expected.sort();
        let names: Vec<&str> = ours.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, expected, "{book}: the documents converted");
        let mut spans = 0;
        for (name, text) in &ours {
            let theirs = std::fs::read_to_string(dir.join(name)).unwrap();
            compare(&format!("{book}/{name}"), text, &theirs).unwrap_or_else(|e| panic!("{e}"));
            spans += text.matches("class=\"koboSpan\"").count();
            // Never a koboSpan inside the book's own spans.
            let report = quire::stores::kepub::span_report(text).unwrap();
            assert_eq!(report.nested, 0, "{book}/{name}");
            assert!(report.style_hacks, "{book}/{name}");
        }
        assert!(spans > 50, "{book}: {spans} spans");
    }
}

#[test]
fn the_comparison_sees_a_moved_span() {
    let theirs = "<html xmlns=\"http://www.w3.org/1999/xhtml\"><body><p><span class=\"sc\"><span class=\"koboSpan\" id=\"kobo.1.1\">Call me </span><em><span class=\"koboSpan\" id=\"kobo.1.2\">Ishmael</span></em></span></p></body></html>";
    let ours = "<html xmlns=\"http://www.w3.org/1999/xhtml\"><body><p><span class=\"koboSpan\" id=\"kobo.1.1\"><span class=\"sc\">Call me </span></span><span class=\"koboSpan\" id=\"kobo.1.2\"><span class=\"sc\"><em>Ishmael</em></span></span></p></body></html>";
    compare("same", ours, theirs).unwrap();
    let renumbered = ours.replace("kobo.1.2", "kobo.2.1");
    assert!(
        compare("ids", &renumbered, theirs)
            .unwrap_err()
            .contains("span 1 differs")
    );
    let retexted = ours.replace("Call me </span>", "Call me</span>");
    assert!(compare("texts", &retexted, theirs).is_err());
    let unwrapped = theirs.replace("<em>", "<i>").replace("</em>", "</i>");
    assert!(
        compare("tree", ours, &unwrapped)
            .unwrap_err()
            .contains("part at line")
    );
}

/// Writes the fixtures: each book's EPUB as the kepub's spans are added to
/// it (`quire::stores::kobo::kobo_source_epub`) converted by the kepubify
/// named in `KEPUBIFY`, its XHTML documents kept. Run by
/// `tests/fixtures/kepubify/regenerate.sh`.
#[test]
#[ignore = "needs kepubify: run tests/fixtures/kepubify/regenerate.sh"]
fn regenerate_kepubify_fixtures() {
    let kepubify = std::env::var_os("KEPUBIFY").expect("KEPUBIFY names the kepubify binary");
    for (book, project) in books() {
        let (epub, _) = editions(&project);
        let source = quire::stores::kobo::kobo_source_epub(&epub).unwrap();
        let work = tempfile::tempdir().unwrap();
        let input = work.path().join("book.epub");
        let output = work.path().join("book.kepub.epub");
        std::fs::write(&input, &source).unwrap();
        let run = std::process::Command::new(&kepubify)
            .arg("-o")
            .arg(&output)
            .arg(&input)
            .output()
            .unwrap();
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let dir = fixtures().join(book);
        if dir.exists() {
            std::fs::remove_dir_all(&dir).unwrap();
        }
        std::fs::create_dir_all(&dir).unwrap();
        for (name, text) in documents(&std::fs::read(&output).unwrap()) {
            std::fs::write(dir.join(Path::new(&name)), text).unwrap();
        }
    }
}

/// The comparison on any book, against the kepubify named in `KEPUBIFY`:
/// `QUIRE_BOOK=DIR KEPUBIFY=… cargo test --test kepubify -- --ignored any_book`.
#[test]
#[ignore = "needs kepubify and a book: QUIRE_BOOK=DIR KEPUBIFY=PATH"]
fn the_kepub_is_kepubifys_for_any_book() {
    let kepubify = std::env::var_os("KEPUBIFY").expect("KEPUBIFY names the kepubify binary");
    let book =
        PathBuf::from(std::env::var_os("QUIRE_BOOK").expect("QUIRE_BOOK names a book's folder"));
    let project = Project::load(&book).unwrap();
    let (epub, kepub) = editions(&project);
    let work = tempfile::tempdir().unwrap();
    let input = work.path().join("book.epub");
    let output = work.path().join("book.kepub.epub");
    std::fs::write(
        &input,
        quire::stores::kobo::kobo_source_epub(&epub).unwrap(),
    )
    .unwrap();
    let run = std::process::Command::new(&kepubify)
        .arg("-o")
        .arg(&output)
        .arg(&input)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let theirs = documents(&std::fs::read(&output).unwrap());
    let ours = documents(&kepub);
    assert_eq!(ours.len(), theirs.len());
    let mut spans = 0;
    for ((name, text), (their_name, their_text)) in ours.iter().zip(&theirs) {
        assert_eq!(name, their_name);
        compare(name, text, their_text).unwrap_or_else(|e| panic!("{e}"));
        spans += text.matches("class=\"koboSpan\"").count();
    }
    eprintln!(
        "{} documents, {spans} spans: the same as kepubify's",
        ours.len()
    );
}
