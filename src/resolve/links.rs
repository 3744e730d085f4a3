//! Links, resolved once for both editions. A link to a place in the book
//! (`other.md#id`, `#id`, `other.md`) becomes a cross-reference naming its
//! target's section, anchor, block and title. A link to a file or id the
//! book does not have never stops a build: it is a warning at the link that
//! names the nearest ids (or files) that exist, its words are kept as text in
//! both editions, and it is listed in the book's dead links, on which
//! `quire check` fails. A web or mail link stays a link; a `javascript:`,
//! `data:` or other unfollowable link keeps its words and loses its target,
//! with a warning.
//!
//! A fragment names a heading by its `{#id}`, by quire's own anchor, or by
//! a GitHub-style slug of its text (lowercase, punctuation dropped, spaces
//! to hyphens), so links written for GitHub or pandoc keep working.

use std::collections::HashMap;

use crate::diag::{Diagnostic, Location, Sink};
use crate::model::{
    Block, BlockId, BlockKind, CrossTarget, DeadLink, Inline, Section, SourceFile, TextPos,
    plain_text,
};

/// The most ids (or files) a dead link's warning names.
const NEAREST: usize = 3;

/// Resolves every link in every section (text and notes); returns the dead
/// ones, whose words stay as text.
pub fn resolve_links(
    sections: &mut [Section],
    sources: &[SourceFile],
    diagnostics: &mut Sink,
) -> Vec<DeadLink> {
    let targets = Targets::new(sections, sources);
    let mut dead = Vec::new();
    // How many times each (file, url) was met, to point at the right occurrence.
    let mut seen: HashMap<(u32, String), usize> = HashMap::new();
    for section in sections.iter_mut() {
        let Some(file) = section.source else { continue };
        let mut visit = |inline: &mut Inline, place: TextPos| {
            let Inline::Link { url, content } = inline else {
                return;
            };
            let occurrence = seen.entry((file, url.clone())).or_insert(0);
            *occurrence += 1;
            let at = || locate_url(&sources[file as usize], url, *occurrence);
            match classify(url) {
                Kind::Web => {}
                Kind::Empty => diagnostics.push(
                    Diagnostic::warning("a link has no address; its words are kept as text")
                        .at(at())
                        .with_hint("write the address in the parentheses: [words](chapter.md#heading) or [words](https://…)"),
                ),
                Kind::Refused(scheme) => {
                    diagnostics.push(
                        Diagnostic::warning(format!(
                            "a `{scheme}:` link is not followed in either edition; its words are kept as text"
                        ))
                        .at(at())
                        .with_hint("link to a web page (https://…) or to a place in the book (chapter.md#heading)"),
                    );
                    url.clear();
                }
                Kind::Internal { path, fragment } => {
                    let from = &sources[file as usize].path;
                    match targets.find(from, path.as_deref(), fragment.as_deref()) {
                        Ok(target) => {
                            *inline = Inline::CrossRef {
                                target,
                                content: std::mem::take(content),
                                page: None,
                            };
                        }
                        Err(problem) => {
                            let words = plain_text(content).trim().to_string();
                            let location = at();
                            diagnostics.push(
                                Diagnostic::warning(problem.message(url, &words))
                                    .at(location.clone())
                                    .with_hint(problem.hint(
                                        &targets,
                                        from,
                                        path.as_deref(),
                                        fragment.as_deref(),
                                    )),
                            );
                            dead.push(DeadLink {
                                url: url.clone(),
                                words,
                                at: place,
                                location,
                            });
                            // No address: both editions set the words as text
                            // (the EPUB without an `<a>`, print without an address).
                            url.clear();
                        }
                    }
                }
            }
        };
        for_each_placed_inline_mut(section, &mut visit);
    }
    dead
}

/// Visits every inline of a section (text, then notes), each before its
/// children, with where its text starts: its leaf block and the characters
/// before it, counted as page positions count them ([`crate::model::block_text`]).
fn for_each_placed_inline_mut(section: &mut Section, f: &mut impl FnMut(&mut Inline, TextPos)) {
    fn inlines(
        list: &mut [Inline],
        block: BlockId,
        offset: &mut u32,
        f: &mut impl FnMut(&mut Inline, TextPos),
    ) {
        for inline in list {
            f(
                inline,
                TextPos {
                    block,
                    offset: *offset,
                },
            );
            match inline {
                Inline::Text(t) | Inline::Code(t) => *offset += t.chars().count() as u32,
                Inline::LineBreak => *offset += 1,
                Inline::NoteRef { .. } => {}
                Inline::Emphasis(c)
                | Inline::Strong(c)
                | Inline::Link { content: c, .. }
                | Inline::CrossRef { content: c, .. }
                | Inline::Marked { content: c, .. }
                | Inline::Language { content: c, .. } => inlines(c, block, offset, f),
            }
        }
    }
    fn blocks(list: &mut [Block], f: &mut impl FnMut(&mut Inline, TextPos)) {
        for block in list {
            let id = block.id;
            let mut offset = 0;
            match &mut block.kind {
                BlockKind::Heading { content, .. }
                | BlockKind::Paragraph { content, .. }
                | BlockKind::Verse { content, .. }
                | BlockKind::Display { content, .. }
                | BlockKind::Term { content }
                | BlockKind::Figure {
                    caption: content, ..
                } => inlines(content, id, &mut offset, f),
                BlockKind::Quote(inner)
                | BlockKind::Div { blocks: inner, .. }
                | BlockKind::Definitions(inner)
                | BlockKind::Definition(inner) => blocks(inner, f),
                BlockKind::List { items, .. } => {
                    for item in items {
                        blocks(&mut item.blocks, f);
                    }
                }
                // Cell by cell, the header first, each cell ended by a line
                // break; the caption is not in the table's text.
                BlockKind::Table {
                    head,
                    rows,
                    caption,
                    ..
                } => {
                    for cell in head.iter_mut().chain(rows.iter_mut()).flatten() {
                        inlines(cell, id, &mut offset, f);
                        offset += 1;
                    }
                    inlines(caption, id, &mut 0, f);
                }
                BlockKind::SceneBreak
                | BlockKind::PageBreak
                | BlockKind::Code { .. }
                | BlockKind::Contents(_) => {}
            }
        }
    }
    blocks(&mut section.blocks, f);
    for note in &mut section.notes {
        blocks(&mut note.blocks, f);
    }
}

enum Kind {
    Web,
    Empty,
    Refused(String),
    Internal {
        path: Option<String>,
        fragment: Option<String>,
    },
}

fn classify(url: &str) -> Kind {
    let url = url.trim();
    if url.is_empty() {
        return Kind::Empty;
    }
    let scheme = url.find(':').map(|colon| &url[..colon]).filter(|s| {
        s.len() > 1
            && s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    });
    match scheme.map(str::to_ascii_lowercase).as_deref() {
        Some("http" | "https" | "mailto") => Kind::Web,
        Some(other) => Kind::Refused(other.to_string()),
        None if url.starts_with("//") => Kind::Web,
        None => {
            let (path, fragment) = match url.split_once('#') {
                Some((p, f)) => (p, Some(f)),
                None => (url, None),
            };
            let path = percent_decode(path.split('?').next().unwrap_or_default());
            Kind::Internal {
                path: (!path.is_empty()).then_some(path),
                fragment: fragment.map(percent_decode).filter(|f| !f.is_empty()),
            }
        }
    }
}

pub(super) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = text.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Where the `occurrence`-th link to `url` is written in a file (the first
/// mention of the address when the count cannot be matched).
fn locate_url(source: &SourceFile, url: &str, occurrence: usize) -> Option<Location> {
    let text = &source.text;
    let pattern = if url.is_empty() {
        "]()".to_string()
    } else {
        format!("({url}")
    };
    let skip = pattern.len() - url.len();
    let at = text
        .match_indices(&pattern)
        .nth(occurrence - 1)
        .map(|(at, _)| at + skip)
        .or_else(|| text.find(url).filter(|_| !url.is_empty()))?;
    let (line, column) = source.index.line_column(text, at);
    Some(Location {
        file: source.path.clone(),
        line,
        column,
    })
}

/// The book's link targets: sections by their manuscript file, headings by id.
struct Targets {
    /// Project-relative path → the indexes of its sections (a file converted
    /// whole holds one per level-1 heading), in order.
    files: HashMap<String, Vec<usize>>,
    sections: Vec<SectionTargets>,
}

/// A heading a link may name: (anchor, GitHub-style slug of the text, block, text).
type HeadingTarget = (String, String, crate::model::BlockId, String);

struct SectionTargets {
    id: String,
    title: String,
    first: Option<crate::model::BlockId>,
    headings: Vec<HeadingTarget>,
}

enum Problem {
    NoFile,
    /// The file is there; the id is not (`sections`: the file's, by index).
    NoId {
        file: String,
        sections: Vec<usize>,
    },
}

impl Problem {
    fn message(&self, url: &str, words: &str) -> String {
        let kept = if words.is_empty() {
            "it has no words, so nothing is set in its place".to_string()
        } else {
            format!("its words “{words}” are kept as text")
        };
        match self {
            Problem::NoFile => {
                format!("the link `{url}` points to a file that is not in the book; {kept}")
            }
            Problem::NoId { file, .. } => {
                format!("the link `{url}` points to an id that {file} does not have; {kept}")
            }
        }
    }

    /// The nearest ids (or files) that exist, then how links are written.
    fn hint(
        &self,
        targets: &Targets,
        from: &str,
        path: Option<&str>,
        fragment: Option<&str>,
    ) -> String {
        match self {
            Problem::NoFile => {
                let wanted = path.unwrap_or_default();
                let mut files: Vec<String> =
                    targets.files.keys().map(|f| relative(from, f)).collect();
                files.sort();
                let nearest = nearest(wanted, files.iter().map(|f| (f.clone(), vec![f.as_str()])));
                let web = if wanted.ends_with(".md") {
                    ""
                } else {
                    "; web addresses start with https://"
                };
                if nearest.is_empty() {
                    format!("link to a chapter file, relative to this one{web}")
                } else {
                    format!(
                        "the nearest files in the book: {}; link to a chapter file, relative to this one{web}",
                        nearest.join(", ")
                    )
                }
            }
            Problem::NoId { file, sections } => {
                let wanted = fragment.unwrap_or_default();
                let how = "ids are a heading's {#id}, or its text in lowercase with spaces as hyphens (## Terms of Art → #terms-of-art)";
                // The id as written in another file: the likeliest slip.
                let elsewhere = targets.sections.iter().enumerate().find_map(|(i, s)| {
                    (!sections.contains(&i))
                        .then(|| s.headings.iter().find(|h| h.0 == wanted || h.1 == wanted))
                        .flatten()
                        .and_then(|h| {
                            let other = targets.files.iter().find(|(_, at)| at.contains(&i))?.0;
                            Some(format!("{}#{}", relative(from, other), h.0))
                        })
                });
                let prefix = match path {
                    Some(p) => p.to_string(),
                    None => String::new(),
                };
                let headings = sections.iter().flat_map(|&i| &targets.sections[i].headings);
                let mut shown: Vec<String> = elsewhere.into_iter().collect();
                shown.extend(nearest(
                    wanted,
                    headings.map(|(anchor, github, _, _)| {
                        (
                            format!("{prefix}#{anchor}"),
                            vec![anchor.as_str(), github.as_str()],
                        )
                    }),
                ));
                shown.truncate(NEAREST);
                if shown.is_empty() {
                    format!(
                        "{file} has no headings to link to: link to the file alone, or give a heading an id; {how}"
                    )
                } else {
                    format!("the nearest ids: {}; {how}", shown.join(", "))
                }
            }
        }
    }
}

/// Up to [`NEAREST`] of the `candidates` (shown form, names it goes by)
/// nearest to `wanted` by edit distance, nearest first, ties in their order.
fn nearest<'a>(
    wanted: &str,
    candidates: impl Iterator<Item = (String, Vec<&'a str>)>,
) -> Vec<String> {
    let wanted = wanted.to_lowercase();
    let mut scored: Vec<(usize, usize, String)> = candidates
        .enumerate()
        .map(|(order, (shown, names))| {
            let distance = names
                .iter()
                .map(|n| edit_distance(&wanted, &n.to_lowercase()))
                .min()
                .unwrap_or(usize::MAX);
            (distance, order, shown)
        })
        .collect();
    scored.sort();
    let mut out: Vec<String> = Vec::new();
    for (_, _, shown) in scored {
        if !out.contains(&shown) {
            out.push(shown);
        }
        if out.len() == NEAREST {
            break;
        }
    }
    out
}

/// Levenshtein distance in characters: insertions, deletions, substitutions.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != *cb))
                .min(above + 1)
                .min(row[j] + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

/// The project path `to` as a link from the file `from` writes it (`02.md`,
/// `../02.md`, `part/03.md`).
fn relative(from: &str, to: &str) -> String {
    let from_dirs: Vec<&str> = from.split('/').collect();
    let from_dirs = &from_dirs[..from_dirs.len().saturating_sub(1)];
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dirs
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count()
        .min(to_parts.len().saturating_sub(1));
    let mut parts: Vec<&str> = vec![".."; from_dirs.len() - common];
    parts.extend(&to_parts[common..]);
    parts.join("/")
}

impl Targets {
    fn new(sections: &[Section], sources: &[SourceFile]) -> Targets {
        let mut files = HashMap::new();
        let mut table = Vec::with_capacity(sections.len());
        for (index, section) in sections.iter().enumerate() {
            if let Some(file) = section.source {
                files
                    .entry(sources[file as usize].path.clone())
                    .or_insert_with(Vec::new)
                    .push(index);
            }
            let mut headings = Vec::new();
            let mut first = None;
            crate::model::walk_blocks(&section.blocks, &mut |block: &Block| {
                first.get_or_insert(block.id);
                if let BlockKind::Heading {
                    anchor, content, ..
                } = &block.kind
                {
                    let text = plain_text(content);
                    headings.push((anchor.clone(), github_slug(&text), block.id, text));
                }
            });
            table.push(SectionTargets {
                id: section.id.clone(),
                title: section.title.clone(),
                first,
                headings,
            });
        }
        Targets {
            files,
            sections: table,
        }
    }

    fn find(
        &self,
        from: &str,
        path: Option<&str>,
        fragment: Option<&str>,
    ) -> Result<CrossTarget, Problem> {
        let indexes = match path {
            None => self.files.get(from).ok_or(Problem::NoFile)?,
            Some(path) => {
                let joined = join(from, path);
                self.files.get(&joined).ok_or(Problem::NoFile)?
            }
        };
        let Some(fragment) = fragment else {
            // The file's start: its first section.
            let section = &self.sections[indexes[0]];
            return Ok(CrossTarget {
                section: section.id.clone(),
                anchor: None,
                block: section.first.unwrap_or(crate::model::BlockId(0)),
                title: section.title.clone(),
            });
        };
        let quire_slug = crate::parse::slug(fragment);
        // The id, the GitHub slug, then quire's slug, in any section of the file.
        let in_file = |test: &dyn Fn(&HeadingTarget) -> bool| {
            indexes.iter().find_map(|&i| {
                let section = &self.sections[i];
                section
                    .headings
                    .iter()
                    .find(|h| test(h))
                    .map(|h| (section, h))
            })
        };
        let found = in_file(&|h| h.0 == fragment)
            .or_else(|| in_file(&|h| h.1 == fragment))
            .or_else(|| in_file(&|h| h.0 == quire_slug));
        let Some((section, (anchor, _, block, text))) = found else {
            return Err(Problem::NoId {
                file: self
                    .files
                    .iter()
                    .find(|(_, i)| *i == indexes)
                    .map(|(f, _)| f.clone())
                    .unwrap_or_default(),
                sections: indexes.clone(),
            });
        };
        let first_heading = section.headings.first().map(|h| h.2) == Some(*block);
        Ok(CrossTarget {
            section: section.id.clone(),
            anchor: Some(anchor.clone()),
            block: *block,
            title: if first_heading {
                section.title.clone()
            } else {
                text.trim().to_string()
            },
        })
    }
}

/// `path` relative to the directory of the file `from` (both project-relative,
/// `/`-separated), with `.` and `..` steps taken.
fn join(from: &str, path: &str) -> String {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for step in path.split('/') {
        match step {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

/// GitHub's heading slug: lowercase, letters, digits, `-` and `_` kept, spaces
/// to hyphens, everything else dropped.
pub fn github_slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c.is_alphanumeric() || c == '-' || c == '_' {
            out.extend(c.to_lowercase());
        } else if c == ' ' {
            out.push('-');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_join_relative_to_the_linking_file() {
        assert_eq!(join("manuscript/01.md", "02.md"), "manuscript/02.md");
        assert_eq!(
            join("manuscript/part/01.md", "../02.md"),
            "manuscript/02.md"
        );
        assert_eq!(
            join("manuscript/01.md", "./part/03.md"),
            "manuscript/part/03.md"
        );
    }

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("academe", "academy"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }

    #[test]
    fn the_nearest_names_come_first_up_to_three() {
        let names = [
            "introduction",
            "academy",
            "the-academy",
            "academic-life",
            "methods",
        ];
        let shown = nearest("academe", names.iter().map(|n| (format!("#{n}"), vec![*n])));
        assert_eq!(shown, ["#academy", "#the-academy", "#academic-life"]);
        assert!(nearest("x", std::iter::empty()).is_empty());
    }

    #[test]
    fn paths_are_shown_relative_to_the_linking_file() {
        assert_eq!(relative("manuscript/01.md", "manuscript/02.md"), "02.md");
        assert_eq!(
            relative("manuscript/part/01.md", "manuscript/02.md"),
            "../02.md"
        );
        assert_eq!(
            relative("manuscript/01.md", "manuscript/part/03.md"),
            "part/03.md"
        );
        // `relative` and `join` agree.
        for (from, to) in [
            ("manuscript/a/b/01.md", "manuscript/c/02.md"),
            ("manuscript/01.md", "manuscript/01.md"),
        ] {
            assert_eq!(join(from, &relative(from, to)), to);
        }
    }

    #[test]
    fn github_slugs() {
        assert_eq!(github_slug("Terms of Art"), "terms-of-art");
        assert_eq!(github_slug("What’s in a Name?"), "whats-in-a-name");
        assert_eq!(github_slug("A -- B"), "a----b");
    }

    #[test]
    fn urls_are_classified() {
        assert!(matches!(classify("https://example.com"), Kind::Web));
        assert!(matches!(classify("mailto:a@b.c"), Kind::Web));
        assert!(matches!(classify("javascript:alert(1)"), Kind::Refused(s) if s == "javascript"));
        assert!(matches!(classify("DATA:text/html,x"), Kind::Refused(s) if s == "data"));
        match classify("other%20file.md#the-id") {
            Kind::Internal { path, fragment } => {
                assert_eq!(path.as_deref(), Some("other file.md"));
                assert_eq!(fragment.as_deref(), Some("the-id"));
            }
            _ => panic!("internal"),
        }
        assert!(matches!(classify("#x"), Kind::Internal { path: None, .. }));
    }
}
