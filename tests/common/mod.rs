//! Shared test fixtures: the bundled book, Moby-Dick from the shared corpus
//! (with a book.toml written here, not in the repository), and small
//! in-memory projects.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use quire::project::Project;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The essay the project was made for.
pub fn bundled() -> Project {
    Project::load(&root()).expect("the bundled book loads")
}

/// The bundled fonts, as project files.
pub fn font_files() -> Vec<(String, Vec<u8>)> {
    std::fs::read_dir(root().join("fonts"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            (
                format!("fonts/{}", p.file_name().unwrap().to_str().unwrap()),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

/// An in-memory project: the bundled fonts plus the given files.
pub fn project(files: &[(&str, &str)]) -> Project {
    let mut project = Project::from_files(font_files());
    for (path, text) in files {
        project.insert(*path, text.as_bytes().to_vec());
    }
    project
}

pub const MOBY_DICK_TOML: &str = "title = \"Moby-Dick\"\nsubtitle = \"or, The Whale\"\nauthors = [\"Herman Melville\"]\nlanguage = \"en\"\ndate = \"1851-10-18\"\n";

/// Where the shared corpus lives (beside the repository).
pub fn corpus_dir() -> PathBuf {
    root().join("../shared/corpus/moby-dick")
}

/// Moby-Dick as a project, or `None` (with a note) when the corpus is not beside the checkout.
pub fn moby_dick() -> Option<Project> {
    let dir = corpus_dir();
    if !dir.is_dir() {
        eprintln!(
            "note: {} is absent; the Moby-Dick test is skipped",
            dir.display()
        );
        return None;
    }
    let mut project = Project::from_files(font_files());
    project.insert("manuscript/book.toml", MOBY_DICK_TOML);
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        if name.ends_with(".md") {
            project.insert(format!("manuscript/{name}"), std::fs::read(&path).unwrap());
        }
    }
    Some(project)
}

/// Writes a project's files into a temporary folder (for tests of the binary).
pub fn write_project(dir: &Path, files: &[(&str, &[u8])]) {
    for (path, bytes) in files {
        let target = dir.join(path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, bytes).unwrap();
    }
    for (path, bytes) in font_files() {
        let target = dir.join(path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, bytes).unwrap();
    }
}
