//! Shared test fixtures: the bundled book, Moby-Dick from the shared corpus
//! (with a book.toml written here, not in the repository), and small
//! in-memory projects.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use quire::project::Project;

mod epubcheck;

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

/// Says on the terminal that a test was skipped: written to the process's
/// stderr itself, which the test harness does not capture (`eprintln!` it does).
pub fn skipped(why: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "note: {why}; skipped");
}

/// Moby-Dick as a project, or `None` (with a note) when the corpus is not beside the checkout.
pub fn moby_dick() -> Option<Project> {
    corpus_book("moby-dick", MOBY_DICK_TOML)
}

pub const LOVE_TOML: &str = "title = \"Love Among the Chickens\"\nauthors = [\"P. G. Wodehouse\"]\nlanguage = \"en-GB\"\ndate = \"1921-01-01\"\n";

/// The second novel of the shared corpus (P. G. Wodehouse), or `None` with a note.
pub fn love_among_the_chickens() -> Option<Project> {
    corpus_book("love-among-the-chickens", LOVE_TOML)
}

/// A book of the shared corpus with the given book.toml, or `None` (with a note) when absent.
pub fn corpus_book(name: &str, toml: &str) -> Option<Project> {
    let dir = root().join("../shared/corpus").join(name);
    if !dir.is_dir() {
        skipped(&format!("{} is absent", dir.display()));
        return None;
    }
    let mut project = Project::from_files(font_files());
    project.insert("manuscript/book.toml", toml);
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
    // The bundled fonts, unless the fixture brings its own file of that name.
    for (path, bytes) in font_files() {
        if files.iter().any(|(p, _)| *p == path) {
            continue;
        }
        let target = dir.join(path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, bytes).unwrap();
    }
}

/// The manuscript of `tests/fixtures/everything` (every construct the
/// manuscript language has), with the bundled fonts; `toml_first` is put
/// before its book.toml (top-level keys such as `style = "classic"`).
pub fn everything(toml_first: &str) -> Project {
    let dir = root().join("tests/fixtures/everything");
    let mut project = Project::from_files(font_files());
    let mut stack = vec![dir.join("manuscript")];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let relative = path
                .strip_prefix(&dir)
                .unwrap()
                .to_str()
                .unwrap()
                .replace('\\', "/");
            let mut bytes = std::fs::read(&path).unwrap();
            if relative == "manuscript/book.toml" {
                bytes.splice(0..0, toml_first.bytes());
            }
            project.insert(relative, bytes);
        }
    }
    project
}

pub use epubcheck::run_epubcheck;

/// Fails on any EPUBCheck fatal, error or warning.
pub fn epubcheck(name: &str, bytes: &[u8]) {
    if let Some((passed, problems, report)) = run_epubcheck(name, bytes) {
        assert!(
            passed && problems.is_empty(),
            "EPUBCheck on {name}:\n{report}"
        );
    }
}

/// Copies a folder's files (not its subfolders) into `to`, creating it.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
        }
    }
}

/// The lines a child prints on stdout and stderr, as they come (interleaved).
pub fn output_lines(child: &mut std::process::Child) -> std::sync::mpsc::Receiver<String> {
    use std::io::BufRead;
    let (sender, lines) = std::sync::mpsc::channel();
    for stream in [
        Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
        Box::new(child.stderr.take().unwrap()),
    ] {
        let sender = sender.clone();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stream)
                .lines()
                .map_while(Result::ok)
            {
                let _ = sender.send(line);
            }
        });
    }
    lines
}

/// Options that build the print edition only.
pub fn pdf_options() -> quire::Options {
    quire::Options {
        formats: quire::Formats {
            epub: false,
            pdf: true,
        },
        source_date_epoch: None,
        stores: None,
    }
}

/// The print interior of `project`, built alone.
pub fn build_pdf(project: &quire::project::Project) -> Vec<u8> {
    let outputs = quire::build(project, &pdf_options()).unwrap_or_else(|e| panic!("{e}"));
    outputs
        .files
        .into_iter()
        .find(|f| f.name.ends_with(".pdf"))
        .expect("a PDF")
        .bytes
}
