//! Both editions agree page for page: every entry of the EPUB's page-list
//! points at the place where that page of the PDF begins. The EPUB side is
//! read from the unzipped XHTML; the PDF side with poppler's pdftotext.

use crate::common;

use std::collections::HashMap;
use std::io::{Cursor, Read};

struct Editions {
    epub: HashMap<String, String>,
    epub_bytes: Vec<u8>,
    pdf: Vec<u8>,
}

fn build(project: &quire::project::Project) -> Editions {
    let outputs =
        quire::build(project, &quire::Options::default()).unwrap_or_else(|e| panic!("{e}"));
    let file = |ext: &str| {
        outputs
            .files
            .iter()
            .find(|f| f.name.ends_with(ext))
            .unwrap()
            .bytes
            .clone()
    };
    let mut zip = zip::ZipArchive::new(Cursor::new(file(".epub"))).unwrap();
    let mut epub = HashMap::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let mut text = String::new();
        if entry.name().ends_with("html") && entry.read_to_string(&mut text).is_ok() {
            epub.insert(entry.name().rsplit('/').next().unwrap().to_string(), text);
        }
    }
    Editions {
        epub,
        epub_bytes: file(".epub"),
        pdf: file(".pdf"),
    }
}

fn parse(text: &str) -> roxmltree::Document<'_> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    roxmltree::Document::parse_with_options(text, options).unwrap()
}

/// The page-list: (label, file, fragment) in order.
fn page_list(editions: &Editions) -> Vec<(String, String, String)> {
    let nav = parse(&editions.epub["nav.xhtml"]);
    let list = nav
        .descendants()
        .find(|n| n.attribute(("http://www.idpf.org/2007/ops", "type")) == Some("page-list"))
        .expect("a page-list nav");
    list.descendants()
        .filter(|n| n.has_tag_name("a"))
        .map(|a| {
            let (file, fragment) = a.attribute("href").unwrap().split_once('#').unwrap();
            (
                a.text().unwrap().to_string(),
                file.to_string(),
                fragment.to_string(),
            )
        })
        .collect()
}

/// Words of the text that follows the element with `id`, in document order.
fn words_after(xhtml: &str, id: &str, count: usize) -> Vec<String> {
    let doc = parse(xhtml);
    let mut after = false;
    let mut text = String::new();
    for node in doc.descendants() {
        if node.attribute("id") == Some(id) && node.has_tag_name("span") {
            after = true;
            continue;
        }
        if after
            && node.is_element()
            && ["p", "br", "h1", "h2", "h3", "li", "div", "blockquote"]
                .contains(&node.tag_name().name())
        {
            text.push(' ');
        }
        if after && node.is_text() {
            text.push_str(node.text().unwrap());
            if text.split_whitespace().count() > count + 2 {
                break;
            }
        }
    }
    text.split_whitespace()
        .take(count)
        .map(str::to_string)
        .collect()
}

/// The text of each PDF page, without its running head line.
fn pdf_pages(pdf: &[u8]) -> Vec<Vec<String>> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    let text = String::from_utf8(out.stdout).unwrap();
    text.split('\u{c}')
        .map(|page| page.split_whitespace().map(str::to_string).collect())
        .collect()
}

/// How many words at the start of `words` are the running head `head` (which may be
/// cut short with an ellipsis when it is too long for the page).
fn head_len(words: &[String], head: &str) -> Option<usize> {
    let head: Vec<&str> = head.split_whitespace().collect();
    if words.len() > head.len()
        && words
            .iter()
            .take(head.len())
            .map(String::as_str)
            .eq(head.iter().copied())
    {
        return Some(head.len());
    }
    (1..head.len()).find(|&k| {
        words.len() > k
            && words[..k - 1]
                .iter()
                .map(String::as_str)
                .eq(head[..k - 1].iter().copied())
            && words[k - 1] == format!("{}…", head[k - 1])
    })
}

/// Removes a running head's words from the start of the page; true if one was there.
fn strip_head(words: &mut Vec<String>, heads: &[&str]) -> bool {
    match heads.iter().find_map(|h| head_len(words, h)) {
        Some(len) => {
            words.drain(..len);
            true
        }
        None => false,
    }
}

/// Length of a recto's running head (head text, then the folio) at the start of the page.
fn head_then_folio(words: &[String], heads: &[&str], label: &str) -> Option<usize> {
    heads
        .iter()
        .find_map(|head| {
            head_len(words, head).filter(|&len| words.get(len).is_some_and(|w| w == label))
        })
        .map(|len| len + 1)
}

fn check(editions: &Editions, heads: &[&str]) -> usize {
    let list = page_list(editions);
    let pages = pdf_pages(&editions.pdf);
    assert!(
        list.len() >= pages.len() - 1,
        "{} page-list entries for {} pages",
        list.len(),
        pages.len()
    );
    let mut compared = 0;
    for (n, (label, file, fragment)) in list.iter().enumerate() {
        let mut pdf_words = pages[n].clone();
        if pdf_words.is_empty() {
            continue; // a blank page: its marker sits with the next page's
        }
        // Drop the running head from the top of the page: the folio at the outside
        // (before the head text on a verso, after it on a recto), or a drop folio at the foot.
        if pdf_words.first() == Some(label) {
            pdf_words.remove(0);
            strip_head(&mut pdf_words, heads);
        } else if let Some(len) = head_then_folio(&pdf_words, heads, label) {
            pdf_words.drain(..len);
        } else if pdf_words.last() == Some(label) {
            pdf_words.pop();
        }
        if file == "contents.xhtml" {
            // The print contents has folios; the EPUB's has links instead.
            pdf_words.retain(|w| !w.chars().all(|c| c.is_ascii_digit() || "ivxlc".contains(c)));
        }
        let epub_words = words_after(&editions.epub[file], fragment, 3);
        assert_eq!(fragment, &format!("page-{label}"));
        assert!(
            !epub_words.is_empty(),
            "page {label}: nothing follows the marker"
        );
        // A page that starts with the rest of a hyphenated word starts mid-word in print;
        // the EPUB marker sits before the whole word.
        let mut epub_text = epub_words.concat();
        if epub_words[0] != pdf_words[0] && epub_words[0].ends_with(&pdf_words[0]) {
            epub_text = epub_text[epub_words[0].len() - pdf_words[0].len()..].to_string();
        }
        // Compared without spaces: print may break a line after a dash ("Midnight.—/The").
        assert!(
            pdf_words.concat().starts_with(&epub_text),
            "page {label}: EPUB {epub_words:?} vs PDF {:?}",
            &pdf_words[..pdf_words.len().min(5)]
        );
        compared += 1;
    }
    compared
}

#[test]
fn the_page_list_matches_the_pdf_pages_of_the_essay() {
    let editions = build(&common::bundled());
    let compared = check(
        &editions,
        &[
            "Aizada Arystanbek",
            "None of Us Are Free",
            "About the Author",
            "Contents",
        ],
    );
    assert!(compared >= 10, "{compared} pages compared");
    assert_in_reading_order(&editions);
}

/// The page-list visits its markers in reading order (blank end pages after
/// the last text), and names every marker.
fn assert_in_reading_order(editions: &Editions) {
    let order = quire::check::epub_page_list_order(&editions.epub_bytes).unwrap();
    let pages = lopdf::Document::load_mem(&editions.pdf)
        .unwrap()
        .get_pages()
        .len();
    assert!(order.in_order(), "{order:?}");
    assert_eq!(order.entries, pages, "{order:?}");
    assert_eq!(order.markers, pages, "{order:?}");
}

#[test]
fn the_page_list_matches_the_pdf_pages_of_moby_dick() {
    let Some(project) = common::moby_dick() else {
        return;
    };
    let editions = build(&project);
    // The running heads are the chapters' titles, their numbers read into labels.
    let (book, _) = quire::load_book(&project, &quire::Options::default()).unwrap();
    let chapters: Vec<String> = book.sections.iter().map(|s| s.title.clone()).collect();
    let mut heads: Vec<&str> = vec!["Herman Melville", "Contents"];
    heads.extend(chapters.iter().map(String::as_str));
    let compared = check(&editions, &heads);
    assert!(compared > 400, "{compared} pages compared");
    assert_in_reading_order(&editions);
}
