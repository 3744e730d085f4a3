//! Which manuscript files make the book, in which order, and their text:
//! front matter, chapters (as listed, or every other `.md` file sorted by
//! name) and back matter. Missing files and text that is not UTF-8 are errors
//! with the place they were named or the place the bad byte is.

use std::sync::Arc;

use crate::config::{Config, FileRef};
use crate::diag::{Diagnostic, Diagnostics, LineIndex, Sink};
use crate::model::SectionKind;
use crate::project::{MANUSCRIPT_DIR, Project, resolve_manuscript_path};

/// One Markdown file of the book, read and decoded.
#[derive(Debug, Clone)]
pub struct ManuscriptFile {
    /// Project-relative: `manuscript/01-loomings.md`.
    pub path: String,
    pub kind: SectionKind,
    pub text: Arc<str>,
    /// The part (index into `Config::parts`) a chapter belongs to.
    pub part: Option<usize>,
}

/// Lists and reads the book's Markdown files; warns about Markdown files in
/// `manuscript/` that are in no list and that the default order does not reach.
/// Its errors (a listed file missing, listed twice, not UTF-8) stop the build.
pub fn manuscript_files(
    project: &Project,
    config: &Config,
    sink: &mut Sink,
) -> Result<Vec<ManuscriptFile>, Diagnostics> {
    let mut diagnostics = Diagnostics::new();
    let mut listed: Vec<(String, SectionKind)> = Vec::new();
    let mut part_of: Vec<(String, usize)> = Vec::new();
    take_listed(
        project,
        &config.front_matter,
        SectionKind::Preface,
        &mut listed,
        &mut diagnostics,
    );
    for (index, part) in config.parts.iter().enumerate() {
        let before = listed.len();
        take_listed(
            project,
            &part.chapters,
            SectionKind::Chapter,
            &mut listed,
            &mut diagnostics,
        );
        for (path, _) in &listed[before..] {
            part_of.push((path.clone(), index));
        }
    }
    match &config.chapters {
        _ if !config.parts.is_empty() => {}
        Some(chapters) => take_listed(
            project,
            chapters,
            SectionKind::Chapter,
            &mut listed,
            &mut diagnostics,
        ),
        None => {
            for path in default_chapters(project, config) {
                listed.push((path, SectionKind::Chapter));
            }
        }
    }
    take_listed(
        project,
        &config.back_matter,
        SectionKind::Appendix,
        &mut listed,
        &mut diagnostics,
    );

    if !listed.iter().any(|(_, kind)| *kind == SectionKind::Chapter) && !diagnostics.has_errors() {
        diagnostics.push(
            Diagnostic::error("the manuscript has no chapters")
                .with_hint("add a Markdown file such as manuscript/01-chapter.md, or list them in book.toml: chapters = [\"01-chapter.md\"]"),
        );
    }
    for (i, (path, _)) in listed.iter().enumerate() {
        if listed[..i].iter().any(|(p, _)| p == path) {
            let again = listed[..i].iter().filter(|(p, _)| p == path).count();
            diagnostics.push(
                Diagnostic::error(format!("{path} is listed twice"))
                    .at(named_at(config, path, again))
                    .with_hint("each manuscript file can appear once in book.toml"),
            );
        }
    }
    // (Should the files fail, the run ends with their errors and the sink is not read.)
    unlisted_files(project, config, &listed, sink);
    let files = read_files(project, listed, &part_of, &mut diagnostics);
    if diagnostics.has_errors() {
        Err(diagnostics)
    } else {
        Ok(files)
    }
}

/// The files book.toml lists (`refs`) added to `listed` as `kind`; a
/// missing file or a bad path is an error at the place it is named.
fn take_listed(
    project: &Project,
    refs: &[FileRef],
    kind: SectionKind,
    listed: &mut Vec<(String, SectionKind)>,
    diagnostics: &mut Diagnostics,
) {
    for file in refs {
        match resolve_manuscript_path(&file.written) {
            Ok(path) if project.contains(&path) => listed.push((path, kind)),
            Ok(_) => diagnostics.push(
                Diagnostic::error(format!("file not found: {}", file.written))
                    .at(Some(file.location.clone()))
                    .with_hint(available_hint(project)),
            ),
            Err(why) => diagnostics.push(
                Diagnostic::error(format!("invalid path `{}`: {why}", file.written))
                    .at(Some(file.location.clone()))
                    .with_hint("paths are relative to manuscript/"),
            ),
        }
    }
}

/// With no chapters listed: every `.md` file directly in `manuscript/` that
/// book.toml names as nothing else, in natural order.
fn default_chapters(project: &Project, config: &Config) -> Vec<String> {
    let named: Vec<String> = config
        .front_matter
        .iter()
        .chain(&config.back_matter)
        .chain(&config.blurb_file)
        .filter_map(|f| resolve_manuscript_path(&f.written).ok())
        .collect();
    let prefix = format!("{MANUSCRIPT_DIR}/");
    let mut chapters: Vec<&str> = project
        .files_under(MANUSCRIPT_DIR)
        .map(|(path, _)| path)
        .filter(|path| {
            let name = &path[prefix.len()..];
            name.ends_with(".md") && !name.contains('/') && !named.iter().any(|n| n == path)
        })
        .collect();
    // Natural order: `chapter2.md` before `chapter10.md`.
    chapters.sort_by(|a, b| natural_order(a, b));
    chapters.into_iter().map(str::to_string).collect()
}

/// A warning for each Markdown file in `manuscript/` that is not in the
/// book (nor its blurb), saying how to list it.
fn unlisted_files(
    project: &Project,
    config: &Config,
    listed: &[(String, SectionKind)],
    sink: &mut Sink,
) {
    let blurb = config
        .blurb_file
        .as_ref()
        .and_then(|f| resolve_manuscript_path(&f.written).ok());
    for (path, _) in project.files_under(MANUSCRIPT_DIR) {
        if path.ends_with(".md")
            && !listed.iter().any(|(p, _)| p == path)
            && blurb.as_deref() != Some(path)
        {
            let name = &path[MANUSCRIPT_DIR.len() + 1..];
            sink.push(
                Diagnostic::warning(format!("{path} is not in the book"))
                    .at(Some(config.locations.get("chapters").cloned().unwrap_or_else(|| {
                        crate::diag::Location {
                            file: crate::project::CONFIG_FILE.to_string(),
                            line: 1,
                            column: 1,
                        }
                    })))
                    .with_hint(if name.contains('/') {
                        format!("files in folders are read only when listed: add \"{name}\" to chapters (or front-matter, back-matter, a part) in book.toml")
                    } else {
                        format!("add \"{name}\" to chapters (or front-matter, back-matter, a part) in book.toml, or remove the file")
                    }),
            );
        }
    }
}

/// The listed files' text, decoded; one that is not UTF-8 is an error at
/// the first bad byte.
fn read_files(
    project: &Project,
    listed: Vec<(String, SectionKind)>,
    part_of: &[(String, usize)],
    diagnostics: &mut Diagnostics,
) -> Vec<ManuscriptFile> {
    let mut files = Vec::with_capacity(listed.len());
    for (path, kind) in listed {
        let part = part_of.iter().find(|(p, _)| *p == path).map(|(_, i)| *i);
        let bytes = project.get(&path).unwrap_or_default();
        match std::str::from_utf8(bytes) {
            Ok(text) => files.push(ManuscriptFile {
                text: Arc::from(text.strip_prefix('\u{feff}').unwrap_or(text)),
                path,
                kind,
                part,
            }),
            Err(err) => {
                let valid = std::str::from_utf8(&bytes[..err.valid_up_to()]).unwrap_or_default();
                let index = LineIndex::new(valid);
                let (line, column) = index.line_column(valid, valid.len());
                diagnostics.push(
                    Diagnostic::error(format!("{path} is not UTF-8 text"))
                        .at_file(path, line, column)
                        .with_hint("save the file as UTF-8 in your editor"),
                );
            }
        }
    }
    files
}

/// Compares file names as people read them: runs of digits by their value
/// (`2` before `10`, `02` beside `2`), the rest by character; names equal
/// that way keep their plain order (`02` before `2`).
pub fn natural_order(a: &str, b: &str) -> std::cmp::Ordering {
    fn chunks(s: &str) -> impl Iterator<Item = (bool, &str)> {
        let mut rest = s;
        std::iter::from_fn(move || {
            let first = rest.chars().next()?;
            let digits = first.is_ascii_digit();
            let end = rest
                .find(|c: char| c.is_ascii_digit() != digits)
                .unwrap_or(rest.len());
            let (chunk, tail) = rest.split_at(end);
            rest = tail;
            Some((digits, chunk))
        })
    }
    let mut left = chunks(a);
    let mut right = chunks(b);
    loop {
        let order = match (left.next(), right.next()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => std::cmp::Ordering::Less,
            (Some(_), None) => std::cmp::Ordering::Greater,
            (Some((true, x)), Some((true, y))) => {
                let (x, y) = (x.trim_start_matches('0'), y.trim_start_matches('0'));
                x.len().cmp(&y.len()).then_with(|| x.cmp(y))
            }
            (Some((_, x)), Some((_, y))) => x.cmp(y),
        };
        if order != std::cmp::Ordering::Equal {
            return order;
        }
    }
}

fn available_hint(project: &Project) -> String {
    let prefix = format!("{MANUSCRIPT_DIR}/");
    let names: Vec<&str> = project
        .files_under(MANUSCRIPT_DIR)
        .map(|(p, _)| &p[prefix.len()..])
        .filter(|p| p.ends_with(".md"))
        .take(8)
        .collect();
    if names.is_empty() {
        "paths are relative to manuscript/, which has no .md files".to_string()
    } else {
        format!(
            "paths are relative to manuscript/, which has: {}",
            names.join(", ")
        )
    }
}

/// Where book.toml names `path` for the `nth` time (from 0), in the order
/// the lists are read: front matter, the parts' chapters, `chapters`, back matter.
fn named_at(config: &Config, path: &str, nth: usize) -> Option<crate::diag::Location> {
    config
        .front_matter
        .iter()
        .chain(config.parts.iter().flat_map(|p| &p.chapters))
        .chain(config.chapters.iter().flatten())
        .chain(&config.back_matter)
        .filter(|f| resolve_manuscript_path(&f.written).is_ok_and(|p| p == path))
        .nth(nth)
        .map(|f| f.location.clone())
}

#[cfg(test)]
mod tests {
    use super::natural_order;

    #[test]
    fn names_sort_by_their_numbers() {
        let mut names = vec![
            "chapter10.md",
            "chapter2.md",
            "chapter1.md",
            "appendix.md",
            "chapter02b.md",
            "chapter02.md",
            "ch-100.md",
            "ch-99.md",
        ];
        names.sort_by(|a, b| natural_order(a, b));
        assert_eq!(
            names,
            [
                "appendix.md",
                "ch-99.md",
                "ch-100.md",
                "chapter1.md",
                "chapter02.md",
                "chapter2.md",
                "chapter02b.md",
                "chapter10.md",
            ]
        );
    }
}
