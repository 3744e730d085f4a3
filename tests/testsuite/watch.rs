//! `quire watch` on a real folder: builds once, rebuilds after an edit,
//! survives a broken edit (the last good edition stays), and follows an editor
//! that saves by writing a temporary file and renaming it over the original.

use crate::common;

use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

struct Watcher {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Watcher {
    fn start(dir: &std::path::Path) -> Watcher {
        Watcher::start_in(dir, &["--dir", dir.to_str().unwrap()])
    }

    /// `quire watch --format pdf ARGS…` run with `cwd` as its working folder.
    fn start_in(cwd: &std::path::Path, args: &[&str]) -> Watcher {
        let mut child = Command::new(env!("CARGO_BIN_EXE_quire"))
            .args(["watch", "--format", "pdf"])
            .args(args)
            .current_dir(cwd)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let lines = common::output_lines(&mut child);
        Watcher { child, lines }
    }

    /// Waits until every needle has been seen (stdout and stderr interleave in any order).
    fn expect_all(&self, needles: &[&str]) -> Vec<String> {
        let mut seen: Vec<String> = Vec::new();
        while !needles.iter().all(|n| seen.iter().any(|l| l.contains(n))) {
            match self.lines.recv_timeout(Duration::from_secs(60)) {
                Ok(line) => seen.push(line),
                Err(_) => panic!("not all of {needles:?} after {seen:?}"),
            }
        }
        seen
    }

    /// The lines that arrive until the output has been quiet for half a second.
    fn drain(&self) -> Vec<String> {
        let mut seen = Vec::new();
        while let Ok(line) = self.lines.recv_timeout(Duration::from_millis(500)) {
            seen.push(line);
        }
        seen
    }

    /// Waits for a line containing `needle`; returns the lines seen until then.
    fn expect(&self, needle: &str) -> Vec<String> {
        let mut seen = Vec::new();
        loop {
            match self.lines.recv_timeout(Duration::from_secs(60)) {
                Ok(line) => {
                    let found = line.contains(needle);
                    seen.push(line);
                    if found {
                        return seen;
                    }
                }
                Err(_) => panic!("no line with “{needle}” after {seen:?}"),
            }
        }
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn watch_rebuilds_after_edits_and_survives_a_broken_one() {
    let dir = tempfile::tempdir().unwrap();
    let toml = b"title = \"Fixture\"\nauthors = [\"A. Writer\"]\ndate = \"2026-01-01\"\n";
    common::write_project(
        dir.path(),
        &[
            ("manuscript/book.toml", toml),
            ("manuscript/01.md", b"# One\n\nThe first paragraph.\n"),
        ],
    );
    let watcher = Watcher::start(dir.path());
    watcher.expect("built ");
    let pdf = dir.path().join("out/fixture.pdf");
    let first = std::fs::read(&pdf).unwrap();

    // An edit.
    std::thread::sleep(Duration::from_millis(200));
    std::fs::write(
        dir.path().join("manuscript/01.md"),
        "# One\n\nThe first, edited paragraph.\n",
    )
    .unwrap();
    let seen = watcher.expect("rebuilt in");
    assert!(
        seen.last().unwrap().contains("manuscript/01.md changed"),
        "{seen:?}"
    );
    let edited = std::fs::read(&pdf).unwrap();
    assert_ne!(first, edited);

    // A broken edit: diagnostics, and the last good edition stays.
    std::fs::write(
        dir.path().join("manuscript/book.toml"),
        "title = \"Fixture\"\ntitel = \"x\"\n",
    )
    .unwrap();
    let seen = watcher.expect_all(&[
        "build failed",
        "error: unknown key",
        "  --> manuscript/book.toml:2:1",
    ]);
    assert!(
        seen.iter()
            .any(|l| l.starts_with("error: unknown key `titel` in book.toml")),
        "{seen:?}"
    );
    assert!(
        seen.iter().any(|l| l == "  --> manuscript/book.toml:2:1"),
        "{seen:?}"
    );
    assert_eq!(std::fs::read(&pdf).unwrap(), edited);

    // Saved by rename, as many editors do: the fix is picked up.
    let temp = dir.path().join("manuscript/.book.toml.swp");
    std::fs::write(&temp, toml).unwrap();
    std::fs::rename(&temp, dir.path().join("manuscript/book.toml")).unwrap();
    let seen = watcher.expect("rebuilt in");
    assert!(
        seen.last()
            .unwrap()
            .contains("manuscript/book.toml changed"),
        "{seen:?}"
    );

    // A new chapter file.
    std::fs::write(dir.path().join("manuscript/02.md"), "# Two\n\nMore.\n").unwrap();
    let seen = watcher.expect("rebuilt in");
    assert!(
        seen.last().unwrap().contains("manuscript/02.md changed"),
        "{seen:?}"
    );
}

/// `cd book && quire watch`, `--dir ..` from inside it and `--dir book` from
/// beside it: every relative form of the book's folder picks up a real edit
/// (an append, as `>>` does, and an in-place rewrite, as `sed -i` does).
#[test]
fn watch_rebuilds_from_relative_book_folders() {
    use std::io::Write;
    let parent = tempfile::tempdir().unwrap();
    let book = parent.path().join("book");
    common::write_project(
        &book,
        &[
            (
                "manuscript/book.toml",
                b"title = \"Fixture\"\nauthors = [\"A. Writer\"]\ndate = \"2026-01-01\"\n",
            ),
            ("manuscript/01.md", b"# One\n\nThe first paragraph.\n"),
        ],
    );
    let chapter = book.join("manuscript/01.md");
    let forms: [(&std::path::Path, &[&str]); 3] = [
        (&book, &[]),
        (&book.join("manuscript"), &["--dir", ".."]),
        (parent.path(), &["--dir", "book"]),
    ];
    for (round, (cwd, args)) in forms.into_iter().enumerate() {
        let watcher = Watcher::start_in(cwd, args);
        watcher.expect("built ");
        std::thread::sleep(Duration::from_millis(200));
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(&chapter)
            .unwrap();
        writeln!(file, "\nAppended paragraph {round}.").unwrap();
        drop(file);
        let seen = watcher.expect("rebuilt in");
        assert!(
            seen.last().unwrap().contains("manuscript/01.md changed"),
            "{args:?}: {seen:?}"
        );
        let text = std::fs::read_to_string(&chapter).unwrap();
        std::fs::write(&chapter, text.replace("first", "rewritten")).unwrap();
        let seen = watcher.expect("rebuilt in");
        assert!(
            seen.last().unwrap().contains("manuscript/01.md changed"),
            "{args:?}: {seen:?}"
        );
        std::fs::write(&chapter, "# One\n\nThe first paragraph.\n").unwrap();
        watcher.expect("rebuilt in");
        assert!(book.join("out/fixture.pdf").is_file());
    }
}

/// A warning is printed by the build that first finds it, not again by every
/// rebuild while its cause is unchanged; a new one is printed when it appears.
#[test]
fn watch_prints_a_warning_once() {
    let dir = tempfile::tempdir().unwrap();
    common::write_project(
        dir.path(),
        &[
            (
                "manuscript/book.toml",
                b"title = \"Fixture\"\nauthors = [\"A. Writer\"]\ndate = \"2026-01-01\"\n",
            ),
            ("manuscript/01.md", b"# One\n\nSome <b>raw</b> text.\n"),
            ("manuscript/02.md", b"# Two\n\nPlain.\n"),
        ],
    );
    let watcher = Watcher::start(dir.path());
    let mut seen = watcher.expect("built ");
    seen.extend(watcher.drain());
    let first = seen.iter().filter(|l| l.starts_with("warning:")).count();
    assert!(
        seen.iter()
            .any(|l| l.starts_with("warning: raw HTML is set as text")),
        "{seen:?}"
    );
    std::thread::sleep(Duration::from_millis(200));
    std::fs::write(dir.path().join("manuscript/02.md"), "# Two\n\nEdited.\n").unwrap();
    let mut seen = watcher.expect("rebuilt in");
    seen.extend(watcher.drain());
    assert!(!seen.iter().any(|l| l.contains("warning:")), "{seen:?}");
    assert!(
        seen.iter()
            .any(|l| l == &format!("({first} warnings from before still apply)")),
        "{seen:?}"
    );
    std::fs::write(
        dir.path().join("manuscript/02.md"),
        "# Two\n\nMore <hr> text.\n",
    )
    .unwrap();
    let mut seen = watcher.expect("rebuilt in");
    seen.extend(watcher.drain());
    let new: Vec<&String> = seen.iter().filter(|l| l.starts_with("warning:")).collect();
    assert_eq!(new.len(), 1, "only the new warning: {seen:?}");
    assert!(new[0].contains("<hr>"), "{seen:?}");
}
