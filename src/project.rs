//! The project on disk: `manuscript/`, `fonts/` and `cover/`, read once into
//! memory. This is the only place the pipeline reads input files; tests build a
//! `Project` from in-memory files instead.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use crate::diag::{Diagnostic, Diagnostics};

/// The folders a book project is made of, relative to its root.
pub const MANUSCRIPT_DIR: &str = "manuscript";
pub const FONTS_DIR: &str = "fonts";
pub const COVER_DIR: &str = "cover";
pub const CONFIG_FILE: &str = "manuscript/book.toml";

/// Files larger than this are refused: no book asset needs more, and it keeps
/// a stray video or disk image from being read into memory.
pub const MAX_FILE_BYTES: u64 = 200 * 1024 * 1024;

/// A book project held in memory: every file under the input folders, keyed by
/// its path relative to the root with `/` separators (`manuscript/01-intro.md`).
#[derive(Debug, Clone, Default)]
pub struct Project {
    /// Where the project lives on disk (only for messages; empty for in-memory projects).
    pub root: PathBuf,
    files: BTreeMap<String, Vec<u8>>,
    /// The newest modification time (seconds since 1970) of the files read
    /// from disk: when the input last changed. `None` in memory.
    newest: Option<i64>,
}

impl Project {
    /// Reads `manuscript/`, `fonts/` and `cover/` under `root`.
    pub fn load(root: &Path) -> Result<Project, Diagnostics> {
        let mut project = Project {
            root: root.to_path_buf(),
            files: BTreeMap::new(),
            newest: None,
        };
        let mut diagnostics = Diagnostics::new();
        let manuscript = root.join(MANUSCRIPT_DIR);
        if !manuscript.is_dir() {
            return Err(Diagnostic::error(format!(
                "no manuscript folder in {}",
                display_root(root)
            ))
            .with_hint("run `quire init` in an empty folder, or pass the book's folder with --dir")
            .into());
        }
        for dir in [MANUSCRIPT_DIR, FONTS_DIR, COVER_DIR] {
            let path = root.join(dir);
            if path.is_dir() {
                project.read_tree(&path, dir, 0, &mut diagnostics);
            }
        }
        if diagnostics.has_errors() {
            Err(diagnostics)
        } else {
            Ok(project)
        }
    }

    /// A project made from in-memory files, for tests and tools.
    pub fn from_files<P: Into<String>, B: Into<Vec<u8>>>(
        files: impl IntoIterator<Item = (P, B)>,
    ) -> Project {
        Project {
            root: PathBuf::new(),
            files: files
                .into_iter()
                .map(|(p, b)| (p.into(), b.into()))
                .collect(),
            newest: None,
        }
    }

    /// When the input last changed: the newest modification time of the
    /// files read from disk, in seconds since 1970 (`None` for files given
    /// in memory). The outputs are dated by it when `SOURCE_DATE_EPOCH` is
    /// not set.
    pub fn input_time(&self) -> Option<i64> {
        self.newest
    }

    /// Notes a file's modification time.
    fn saw(&mut self, metadata: &std::fs::Metadata) {
        // A time before 1970 or past the year 9999 dates nothing.
        let seconds = metadata
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .and_then(|d| i64::try_from(d.as_secs()).ok())
            .filter(|&s| s <= 253_402_300_799);
        if let Some(seconds) = seconds {
            self.newest = Some(self.newest.map_or(seconds, |n| n.max(seconds)));
        }
    }

    /// Adds or replaces one file (used by tests and by watch mode).
    pub fn insert(&mut self, path: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        self.files.insert(path.into(), bytes.into());
    }

    /// Removes one file (watch mode, when the author deletes it).
    pub fn remove(&mut self, path: &str) {
        self.files.remove(path);
    }

    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(Vec::as_slice)
    }

    pub fn contains(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    /// Files directly or indirectly under `dir` (a project-relative folder), in path order.
    pub fn files_under<'a>(&'a self, dir: &str) -> impl Iterator<Item = (&'a str, &'a [u8])> {
        let prefix = format!("{dir}/");
        self.files
            .range(prefix.clone()..)
            .take_while(move |(p, _)| p.starts_with(&prefix))
            .map(|(p, b)| (p.as_str(), b.as_slice()))
    }

    /// Re-reads what changed on disk under `root`: each path (absolute, or
    /// relative to `root`) is read again if it is a file, re-read as a tree if
    /// it is a folder, and forgotten (with everything under it) if it is gone.
    /// Paths outside the input folders are ignored. Returns the project paths
    /// that changed.
    pub fn refresh(
        &mut self,
        root: &Path,
        changed: &[PathBuf],
    ) -> Result<Vec<String>, Diagnostics> {
        let mut diagnostics = Diagnostics::new();
        let mut touched = Vec::new();
        for path in changed {
            let rel = match path.strip_prefix(root) {
                Ok(rel) => rel.to_path_buf(),
                Err(_) if path.is_relative() => path.clone(),
                Err(_) => continue,
            };
            let Some(rel) = rel.to_str().map(|s| s.replace('\\', "/")) else {
                continue;
            };
            let top = rel.split('/').next().unwrap_or_default();
            if ![MANUSCRIPT_DIR, FONTS_DIR, COVER_DIR].contains(&top) {
                continue;
            }
            if rel.split('/').any(is_ignored) {
                continue;
            }
            let full = root.join(&rel);
            let prefix = format!("{rel}/");
            // Keep the old contents to tell a real change from an event about nothing.
            let old: BTreeMap<String, Vec<u8>> = self
                .files
                .iter()
                .filter(|(p, _)| *p == &rel || p.starts_with(&prefix))
                .map(|(p, b)| (p.clone(), b.clone()))
                .collect();
            self.files
                .retain(|p, _| p != &rel && !p.starts_with(&prefix));
            if full.is_dir() {
                self.read_tree(&full, &rel, rel.matches('/').count(), &mut diagnostics);
            } else if full.is_file() {
                match std::fs::read(&full) {
                    Ok(bytes) => {
                        if let Ok(metadata) = std::fs::metadata(&full) {
                            self.saw(&metadata);
                        }
                        self.files.insert(rel.clone(), bytes);
                    }
                    Err(err) => {
                        diagnostics.push(Diagnostic::error(format!("cannot read {rel}: {err}")))
                    }
                }
            }
            let new: BTreeMap<&String, &Vec<u8>> = self
                .files
                .iter()
                .filter(|(p, _)| *p == &rel || p.starts_with(&prefix))
                .collect();
            let same = old.len() == new.len()
                && old.iter().all(|(p, b)| new.get(p).is_some_and(|n| *n == b));
            if same {
                continue;
            }
            if !touched.contains(&rel) {
                touched.push(rel);
            }
        }
        if diagnostics.has_errors() {
            Err(diagnostics)
        } else {
            Ok(touched)
        }
    }

    fn read_tree(&mut self, dir: &Path, rel: &str, depth: usize, diagnostics: &mut Diagnostics) {
        if depth > 8 {
            return;
        }
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(err) => {
                diagnostics.push(Diagnostic::error(format!(
                    "cannot read folder {rel}: {err}"
                )));
                return;
            }
        };
        let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            if is_ignored(name) {
                continue;
            }
            let rel_path = format!("{rel}/{name}");
            let path = entry.path();
            let Ok(meta) = std::fs::metadata(&path) else {
                continue;
            };
            if meta.is_dir() {
                self.read_tree(&path, &rel_path, depth + 1, diagnostics);
            } else if meta.is_file() {
                if meta.len() > MAX_FILE_BYTES {
                    diagnostics.push(
                        Diagnostic::error(format!(
                            "file too large: {rel_path} ({} MB)",
                            meta.len() / 1_000_000
                        ))
                        .with_hint("book assets must be under 200 MB; move other files out of the project folders"),
                    );
                    continue;
                }
                match std::fs::read(&path) {
                    Ok(bytes) => {
                        self.saw(&meta);
                        self.files.insert(rel_path, bytes);
                    }
                    Err(err) => diagnostics
                        .push(Diagnostic::error(format!("cannot read {rel_path}: {err}"))),
                }
            }
        }
    }
}

/// Editor droppings and hidden files are not part of the book.
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.starts_with("#")
}

fn display_root(root: &Path) -> String {
    if root.as_os_str().is_empty() {
        ".".to_string()
    } else {
        root.display().to_string()
    }
}

/// Resolves a path written in the manuscript (relative to `manuscript/`) to a
/// project path, refusing absolute paths and paths that leave the manuscript.
pub fn resolve_manuscript_path(written: &str) -> Result<String, String> {
    if written.contains('\\') {
        return Err("use `/` to separate folders".into());
    }
    let path = Path::new(written);
    if path.is_absolute() || written.starts_with('/') {
        return Err("absolute paths are not allowed".into());
    }
    let mut parts: Vec<&str> = Vec::new();
    for component in path.components() {
        match component {
            Component::Normal(part) => parts.push(part.to_str().unwrap_or_default()),
            Component::CurDir => {}
            Component::ParentDir => {
                if parts.pop().is_none() {
                    return Err("the path leaves the manuscript folder".into());
                }
            }
            Component::RootDir | Component::Prefix(_) => {
                return Err("absolute paths are not allowed".into());
            }
        }
    }
    if parts.is_empty() {
        return Err("the path is empty".into());
    }
    Ok(format!("{MANUSCRIPT_DIR}/{}", parts.join("/")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manuscript_paths_stay_inside() {
        assert_eq!(
            resolve_manuscript_path("img/a.png").unwrap(),
            "manuscript/img/a.png"
        );
        assert_eq!(
            resolve_manuscript_path("./img/../a.png").unwrap(),
            "manuscript/a.png"
        );
        assert!(resolve_manuscript_path("../../secret.png").is_err());
        assert!(resolve_manuscript_path("/etc/passwd").is_err());
        assert!(resolve_manuscript_path("img/../../x.png").is_err());
    }

    #[test]
    fn files_under_lists_one_folder() {
        let p = Project::from_files([
            ("fonts/a.ttf", b"a".to_vec()),
            ("manuscript/b.md", b"b".to_vec()),
            ("manuscript/x/c.md", b"c".to_vec()),
            ("manuscripts/d.md", b"d".to_vec()),
        ]);
        let names: Vec<_> = p.files_under("manuscript").map(|(p, _)| p).collect();
        assert_eq!(names, ["manuscript/b.md", "manuscript/x/c.md"]);
    }
}
