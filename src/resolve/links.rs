//! Links, resolved once for both editions. A link to a place in the book
//! (`other.md#id`, `#id`, `other.md`) becomes a cross-reference naming its
//! target's section, anchor, block and title; a missing file or id is an
//! error at the link. A web or mail link stays a link; a `javascript:`,
//! `data:` or other unfollowable link keeps its words and loses its target,
//! with a warning.
//!
//! A fragment names a heading by its `{#id}`, by quire's own anchor, or by
//! a GitHub-style slug of its text (lowercase, punctuation dropped, spaces
//! to hyphens), so links written for GitHub or pandoc keep working.

use std::collections::HashMap;

use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::model::{
    Block, BlockKind, CrossTarget, Inline, Section, SourceFile, for_each_section_inline_mut,
    plain_text,
};

/// Resolves every link in every section (text and notes).
pub fn resolve_links(
    sections: &mut [Section],
    sources: &[SourceFile],
    diagnostics: &mut Diagnostics,
) {
    let targets = Targets::new(sections, sources);
    // How many times each (file, url) was met, to point at the right occurrence.
    let mut seen: HashMap<(u32, String), usize> = HashMap::new();
    for section in sections.iter_mut() {
        let Some(file) = section.source else { continue };
        let mut visit = |inline: &mut Inline| {
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
                            diagnostics.push(
                                Diagnostic::error(problem.message(url))
                                    .at(at())
                                    .with_hint(problem.hint(&targets, path.as_deref())),
                            );
                        }
                    }
                }
            }
        };
        for_each_section_inline_mut(section, &mut visit);
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

fn percent_decode(text: &str) -> String {
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
    NoId { file: String },
}

impl Problem {
    fn message(&self, url: &str) -> String {
        match self {
            Problem::NoFile => format!("the link `{url}` points to a file that is not in the book"),
            Problem::NoId { file } => {
                format!("the link `{url}` points to an id that {file} does not have")
            }
        }
    }

    fn hint(&self, targets: &Targets, path: Option<&str>) -> String {
        match self {
            Problem::NoFile => {
                let mut files: Vec<&String> = targets.files.keys().collect();
                files.sort();
                let names: Vec<String> = files
                    .iter()
                    .take(6)
                    .map(|f| f.trim_start_matches("manuscript/").to_string())
                    .collect();
                format!(
                    "link to a chapter file, relative to this one ({}{}), or check the name{}",
                    names.join(", "),
                    if files.len() > 6 { ", …" } else { "" },
                    path.filter(|p| !p.ends_with(".md"))
                        .map(|_| "; web addresses start with https://")
                        .unwrap_or_default()
                )
            }
            Problem::NoId { .. } => "ids are a heading's {#id}, or its text in lowercase with spaces as hyphens (## Terms of Art → #terms-of-art)".to_string(),
        }
    }
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
