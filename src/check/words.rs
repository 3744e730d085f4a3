//! Nothing lost: the words of the manuscript (the model's text: every block,
//! note, table cell and caption) against the words each edition sets, the
//! EPUB's documents and the print pages' text as a PDF reader reads it. A
//! word the manuscript holds more often than an edition sets it is lost.
//!
//! Words are compared in lower case without hyphens, split at everything
//! that is not a letter or a figure, so print's hyphenation, its small
//! capitals and the EPUB's markup change nothing. Code is left out: a code
//! line too long for the page wraps mid-word in print, with a mark.

use std::collections::{HashMap, HashSet};

use super::{Report, Row, Status, parse_xml, unzip};
use crate::layout::LaidOut;
use crate::layout::frame::{GlyphRun, Item};
use crate::model::{Block, BlockKind, Book, block_text, walk_blocks};

/// The words of a text as the check compares them (and `quire import`
/// counts them).
pub(crate) fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric() && !is_hyphen(c))
        .map(|w| {
            w.chars()
                .filter(|c| !is_hyphen(*c))
                .flat_map(char::to_lowercase)
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{ad}' | '\u{2010}' | '\u{2011}')
}

/// Each word of the manuscript with how often it occurs, and a block that
/// holds it (for the message).
fn manuscript(book: &Book) -> HashMap<String, (usize, &Block)> {
    let mut counts: HashMap<String, (usize, &Block)> = HashMap::new();
    for section in book.sections.iter().filter(|s| s.source.is_some()) {
        let notes = section.notes.iter().map(|n| n.blocks.as_slice());
        for blocks in std::iter::once(section.blocks.as_slice()).chain(notes) {
            walk_blocks(blocks, &mut |block| {
                if matches!(block.kind, BlockKind::Code { .. }) {
                    return;
                }
                if let Some(text) = block_text(block) {
                    for word in words(&text) {
                        counts.entry(word).or_insert((0, block)).0 += 1;
                    }
                }
            });
        }
    }
    counts
}

/// The words of the EPUB's documents (the navigation document aside).
fn epub_words(bytes: &[u8]) -> Option<HashMap<String, usize>> {
    const BLOCKS: [&str; 22] = [
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "td",
        "th",
        "tr",
        "div",
        "blockquote",
        "figcaption",
        "pre",
        "section",
        "aside",
        "nav",
        "dt",
        "dd",
        "br",
        "figure",
    ];
    let (names, texts) = unzip(bytes)?;
    let mut counts = HashMap::new();
    for name in names
        .iter()
        .filter(|n| n.ends_with(".xhtml") && !n.ends_with("nav.xhtml"))
    {
        let doc = parse_xml(texts.get(name)?)?;
        let mut text = String::new();
        for node in doc.descendants() {
            if node.is_element() && BLOCKS.contains(&node.tag_name().name()) {
                text.push(' ');
            } else if let Some(t) = node.text().filter(|_| node.is_text()) {
                // A note's reference figure and its back-link are not the manuscript's words.
                let mark = node
                    .ancestors()
                    .any(|a| matches!(a.attribute("role"), Some("doc-noteref" | "doc-backlink")));
                if mark {
                    text.push(' ');
                } else {
                    text.push_str(t);
                }
            }
        }
        for word in words(&text) {
            *counts.entry(word).or_insert(0) += 1;
        }
    }
    Some(counts)
}

/// The words of the print pages, read as a PDF reader reads them: runs on one
/// baseline make a line (a gap of a word space between them is a space; a
/// drop cap's hidden letter joins the word it begins, and stands a word
/// space before the next when it is a word of its own), and a word hyphenated
/// at a line's end is joined with the first word after it that completes a
/// word of the manuscript.
fn print_words(laid: &LaidOut, known: &HashSet<&str>) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    // A hyphenated line end waiting for the rest of its word.
    let mut pending: Vec<(String, usize)> = Vec::new();
    const LOOK_AHEAD: usize = 60;
    for page in &laid.pages.pages {
        let mut runs: Vec<&GlyphRun> = page
            .items
            .iter()
            .filter_map(|item| match item {
                Item::Glyphs(run) if run.rotation == 0.0 => Some(run),
                _ => None,
            })
            .collect();
        // Lines: runs whose baselines are near (raised and lowered text, a
        // note's figure, sit on their line), left to right.
        runs.sort_by(|a, b| a.y.0.total_cmp(&b.y.0));
        let mut clusters: Vec<Vec<&GlyphRun>> = Vec::new();
        for run in runs {
            // Each run against the one before it: a line's raised and lowered
            // runs chain to its baseline; the next line is a leading away.
            match clusters.last_mut() {
                Some(line)
                    if line.last().is_some_and(|prev| {
                        (run.y.0 - prev.y.0).abs() < 0.45 * run.size.0.max(prev.size.0)
                    }) =>
                {
                    line.push(run)
                }
                _ => clusters.push(vec![run]),
            }
        }
        let mut lines: Vec<String> = Vec::new();
        for mut cluster in clusters {
            cluster.sort_by(|a, b| a.x.0.total_cmp(&b.x.0));
            let mut line = String::new();
            let mut last: Option<(&GlyphRun, f64)> = None;
            for run in cluster {
                if let Some((_, end)) = last
                    && run.x.0 - end > run.size.0 * 0.12
                {
                    line.push(' ');
                }
                line.push_str(&run.spaced_text());
                let end = run.x.0 + run.glyphs.last().map_or(0.0, |g| g.x.0 + g.advance.0);
                last = Some((run, end));
            }
            lines.push(line);
        }
        for line in lines {
            let trimmed = line.trim_end();
            let hyphenated = trimmed.ends_with(is_hyphen);
            let mut line_words: Vec<String> = words(trimmed).map(|w| settle(w, known)).collect();
            // Complete waiting fragments with this line's words.
            pending.retain_mut(|(fragment, waited)| {
                let at = line_words
                    .iter()
                    .position(|w| known.contains(format!("{fragment}{w}").as_str()));
                match at {
                    Some(i) => {
                        let rest = line_words.remove(i);
                        *counts.entry(format!("{fragment}{rest}")).or_insert(0) += 1;
                        false
                    }
                    None => {
                        *waited += line_words.len();
                        if *waited > LOOK_AHEAD {
                            *counts.entry(std::mem::take(fragment)).or_insert(0) += 1;
                            false
                        } else {
                            true
                        }
                    }
                }
            });
            if hyphenated && let Some(fragment) = line_words.pop() {
                pending.push((fragment, 0));
            }
            for word in line_words {
                *counts.entry(word).or_insert(0) += 1;
            }
        }
    }
    for (fragment, _) in pending {
        *counts.entry(fragment).or_insert(0) += 1;
    }
    counts
}

/// A printed word as the manuscript has it: a note's reference figure set
/// close after a word ("cell2") is the note's, not the word's.
fn settle(word: String, known: &HashSet<&str>) -> String {
    let bare = word.trim_end_matches(|c: char| c.is_ascii_digit());
    if bare.len() < word.len() && !known.contains(word.as_str()) && known.contains(bare) {
        bare.to_string()
    } else {
        word
    }
}

/// The row for one edition: how many words of the manuscript it lost.
fn row(
    report: &mut Report,
    book: &Book,
    (name, check): (&str, Row),
    manuscript: &HashMap<String, (usize, &Block)>,
    found: Option<&HashMap<String, usize>>,
) {
    let total: usize = manuscript.values().map(|(n, _)| n).sum();
    let Some(found) = found else {
        report.add(
            check,
            Status::Fail,
            format!("the {name} could not be read back"),
        );
        return;
    };
    let mut lost: Vec<(&String, usize, &Block)> = manuscript
        .iter()
        .filter_map(|(word, (n, block))| {
            let set = found.get(word).copied().unwrap_or(0);
            (set < *n).then(|| (word, n - set, *block))
        })
        .collect();
    lost.sort_by_key(|(_, _, block)| block.id);

    let missing: usize = lost.iter().map(|(_, n, _)| n).sum();

    let value = match lost.first() {
        None => format!("{total} of {total} words"),
        Some((word, _, block)) => {
            let place = block
                .span
                .and_then(|s| book.locate(s))
                .map_or_else(String::new, |l| format!(" at {l}"));
            format!(
                "{missing} of {total} words lost: “{word}”{place}{}",
                if lost.len() > 1 { " and more" } else { "" }
            )
        }
    };
    report.add(
        check,
        if lost.is_empty() {
            Status::Pass
        } else {
            Status::Fail
        },
        value,
    );
}

/// The words of the manuscript against each edition's: a row for the EPUB
/// and one for the print interior, each FAIL on any word lost.
pub fn check_words(report: &mut Report, book: &Book, laid: &LaidOut, epub: &[u8]) {
    let manuscript = manuscript(book);
    let known: HashSet<&str> = manuscript.keys().map(String::as_str).collect();
    row(
        report,
        book,
        ("EPUB", Row::EveryWordInTheEpub),
        &manuscript,
        epub_words(epub).as_ref(),
    );
    row(
        report,
        book,
        ("print interior", Row::EveryWordInPrint),
        &manuscript,
        Some(&print_words(laid, &known)),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_compared_without_case_hyphens_or_marks() {
        let found: Vec<String> = words("The Carpet-Bag; “don’t” whal\u{ad}ing NASA mc²").collect();
        assert_eq!(
            found,
            ["the", "carpetbag", "don", "t", "whaling", "nasa", "mc²"]
        );
    }

    #[test]
    fn a_word_an_edition_sets_less_often_is_lost() {
        let block = Block {
            id: crate::model::BlockId(0),
            kind: BlockKind::SceneBreak,
            span: None,
        };
        let mut manuscript = HashMap::new();
        manuscript.insert("call".to_string(), (2, &block));
        manuscript.insert("ishmael".to_string(), (1, &block));
        let book = crate::load_book(
            &crate::project::Project::from_files(vec![
                (
                    "manuscript/book.toml".to_string(),
                    b"title = \"T\"\n".to_vec(),
                ),
                ("manuscript/01.md".to_string(), b"# One\n\nText.\n".to_vec()),
            ]),
            &crate::Options::default(),
        )
        .unwrap()
        .0;
        let mut report = Report::default();
        let all = HashMap::from([("call".to_string(), 2), ("ishmael".to_string(), 1)]);
        row(
            &mut report,
            &book,
            ("EPUB", Row::EveryWordInTheEpub),
            &manuscript,
            Some(&all),
        );
        let once = HashMap::from([("call".to_string(), 1), ("ishmael".to_string(), 3)]);
        row(
            &mut report,
            &book,
            ("print", Row::EveryWordInPrint),
            &manuscript,
            Some(&once),
        );
        assert_eq!(report.checks[0].status, Status::Pass);
        assert_eq!(report.checks[0].value, "3 of 3 words");
        assert_eq!(report.checks[1].status, Status::Fail);
        assert!(
            report.checks[1]
                .value
                .starts_with("1 of 3 words lost: “call”"),
            "{}",
            report.checks[1].value
        );
    }
}
