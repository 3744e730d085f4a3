//! The real binary on fixture folders: exit codes, the exact error text,
//! and that a failed build or a check never touches the previous outputs.

use crate::common;

use std::path::Path;
use std::process::{Command, Output};

fn quire(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_quire"))
        .args(args)
        .arg("--dir")
        .arg(dir)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("the quire binary runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

const GOOD_TOML: &[u8] = b"title = \"Fixture\"\nauthors = [\"A. Writer\"]\ndate = \"2026-01-01\"\n";
const CHAPTER: &[u8] = b"# One\n\nThe first paragraph.\n\nThe second paragraph.\n";

#[test]
fn bad_book_toml_is_an_error_with_its_place_and_exit_code_1() {
    let dir = tempfile::tempdir().unwrap();
    common::write_project(
        dir.path(),
        &[
            (
                "manuscript/book.toml",
                b"title = \"Fixture\"\nsubtitle = 3\n",
            ),
            ("manuscript/01.md", CHAPTER),
        ],
    );
    let out = quire(&["build"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: wrong type for `subtitle`: a whole number `3`, expected a string in double quotes\n  --> manuscript/book.toml:2:12\nhint: see the book.toml reference in the README for each key's type\n"
    );
}

#[test]
fn unknown_key_lists_the_known_ones() {
    let dir = tempfile::tempdir().unwrap();
    common::write_project(
        dir.path(),
        &[
            (
                "manuscript/book.toml",
                b"title = \"Fixture\"\ntitel = \"x\"\n",
            ),
            ("manuscript/01.md", CHAPTER),
        ],
    );
    let out = quire(&["check"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let text = stderr(&out);
    assert!(
        text.starts_with("error: unknown key `titel` in book.toml\n  --> manuscript/book.toml:2:1\nhint: known keys here: `title`, `subtitle`, `authors`"),
        "{text}"
    );
}

#[test]
fn missing_image_is_an_error_and_the_previous_edition_survives() {
    let dir = tempfile::tempdir().unwrap();
    common::write_project(
        dir.path(),
        &[
            ("manuscript/book.toml", GOOD_TOML),
            (
                "manuscript/01.md",
                b"# One\n\nText.\n\n![A map](img/map.png \"The voyage\")\n",
            ),
            ("out/fixture.pdf", b"the previous edition"),
        ],
    );
    let out = quire(&["build"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: image not found: img/map.png\n  --> manuscript/01.md:5:1\nhint: paths are relative to manuscript/\n"
    );
    assert_eq!(
        std::fs::read(dir.path().join("out/fixture.pdf")).unwrap(),
        b"the previous edition"
    );
    assert_eq!(
        std::fs::read_dir(dir.path().join("out")).unwrap().count(),
        1,
        "nothing else was written"
    );
}

#[test]
fn build_writes_the_editions_and_reports_them() {
    let dir = tempfile::tempdir().unwrap();
    common::write_project(
        dir.path(),
        &[
            ("manuscript/book.toml", GOOD_TOML),
            ("manuscript/01.md", CHAPTER),
        ],
    );
    let out = quire(&["build", "--format", "pdf"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("wrote ") && stdout.contains("fixture.pdf ("),
        "{stdout}"
    );
    assert!(stdout.contains(" ms"), "{stdout}");
    assert!(dir.path().join("out/fixture.pdf").is_file());
    assert!(
        !dir.path().join("out/fixture.epub").exists(),
        "--format pdf writes only the PDF"
    );
}

#[test]
fn check_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    common::write_project(
        dir.path(),
        &[
            ("manuscript/book.toml", GOOD_TOML),
            ("manuscript/01.md", CHAPTER),
        ],
    );
    let out = quire(&["check"], dir.path());
    // An eight-page book is too short for the printers: the gate fails, and says so.
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("print      page count"), "{stdout}");
    assert!(
        stdout.contains("  FAIL  8 pages (KDP 24–828: no, IngramSpark ≥ 18: no)"),
        "{stdout}"
    );
    assert!(!dir.path().join("out").exists());
}

#[test]
fn no_manuscript_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = quire(&["build"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let text = stderr(&out);
    assert!(
        text.starts_with("error: no manuscript folder in "),
        "{text}"
    );
    assert!(
        text.ends_with(
            "hint: run `quire init` in an empty folder, or pass the book's folder with --dir\n"
        ),
        "{text}"
    );
}

#[test]
fn init_makes_a_book_that_builds() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_quire"))
        .arg("init")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = quire(&["build", "--format", "pdf"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // init refuses to touch an existing book.
    let again = Command::new(env!("CARGO_BIN_EXE_quire"))
        .arg("init")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(1));
}

/// `quire init` into a folder that already holds an author's files writes
/// only what is missing, and says what it kept.
#[test]
fn init_never_overwrites_an_authors_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("fonts")).unwrap();
    std::fs::write(dir.path().join("fonts/OFL.txt"), "my own licence notes").unwrap();
    std::fs::write(dir.path().join("notes.txt"), "my notes").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_quire"))
        .arg("init")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("fonts/OFL.txt")).unwrap(),
        "my own licence notes"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("notes.txt")).unwrap(),
        "my notes"
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("kept") && said.contains("fonts/OFL.txt"),
        "{said}"
    );
    assert!(dir.path().join("manuscript/book.toml").exists());
}

#[test]
fn two_builds_racing_on_one_output_folder_leave_whole_files() {
    let dir = tempfile::tempdir().unwrap();
    common::write_project(
        dir.path(),
        &[
            ("manuscript/book.toml", GOOD_TOML),
            ("manuscript/01.md", CHAPTER),
        ],
    );
    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_quire"))
            .args(["build", "--dir"])
            .arg(dir.path())
            .output()
    };
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(spawn);
        let b = s.spawn(spawn);
        (a.join().unwrap().unwrap(), b.join().unwrap().unwrap())
    });
    assert_eq!((a.status.code(), b.status.code()), (Some(0), Some(0)));
    let out: Vec<String> = std::fs::read_dir(dir.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(out.len(), 4, "no temporary files left: {out:?}");
    let pdf = std::fs::read(dir.path().join("out/fixture.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF-") && pdf.ends_with(b"%%EOF\n") || pdf.ends_with(b"%%EOF"));
    let epub = std::fs::read(dir.path().join("out/fixture.epub")).unwrap();
    assert!(zip::ZipArchive::new(std::io::Cursor::new(epub)).is_ok());
}

/// When one output cannot be put in place (the cover PDF's name is taken by a
/// folder), no output is replaced, and the message says so.
#[test]
fn an_output_that_cannot_be_replaced_replaces_none() {
    let dir = tempfile::tempdir().unwrap();
    common::write_project(
        dir.path(),
        &[
            ("manuscript/book.toml", GOOD_TOML),
            ("manuscript/01.md", CHAPTER),
        ],
    );
    assert_eq!(quire(&["build"], dir.path()).status.code(), Some(0));
    let out_dir = dir.path().join("out");
    let before: Vec<(String, Vec<u8>)> = ["fixture.epub", "fixture.pdf", "fixture-cover.jpg"]
        .iter()
        .map(|n| (n.to_string(), std::fs::read(out_dir.join(n)).unwrap()))
        .collect();
    std::fs::remove_file(out_dir.join("fixture-cover.pdf")).unwrap();
    std::fs::create_dir(out_dir.join("fixture-cover.pdf")).unwrap();
    std::fs::write(
        dir.path().join("manuscript/01.md"),
        "# One\n\nAn edited paragraph.\n",
    )
    .unwrap();
    let out = quire(&["build"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("fixture-cover.pdf: it is a folder"), "{err}");
    assert!(err.contains("no file was replaced"), "{err}");
    for (name, bytes) in before {
        assert_eq!(std::fs::read(out_dir.join(&name)).unwrap(), bytes, "{name}");
    }
    let names: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names.len(), 4, "no temporary files: {names:?}");
}

/// A build stopped by `kill -TERM` (at any moment) leaves no temporary file,
/// and one a killed build could not remove is removed by the next build.
#[cfg(unix)]
#[test]
fn an_interrupted_build_leaves_no_temporary_files() {
    let dir = tempfile::tempdir().unwrap();
    let long = "The whale swam beneath the ship while the harpooneer watched the sea. ".repeat(40)
        + "\n\n";
    let chapter = format!("# One\n\n{}", long.repeat(120));
    common::write_project(
        dir.path(),
        &[
            ("manuscript/book.toml", GOOD_TOML),
            ("manuscript/01.md", chapter.as_bytes()),
        ],
    );
    let out_dir = dir.path().join("out");
    let leftovers = || -> Vec<String> {
        std::fs::read_dir(&out_dir)
            .map(|entries| {
                entries
                    .map(|e| e.unwrap().file_name().into_string().unwrap())
                    .filter(|n| n.starts_with('.'))
                    .collect()
            })
            .unwrap_or_default()
    };
    // Each time, the signal is sent as soon as a temporary file appears.
    let mut caught = 0;
    for _ in 0..10 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_quire"))
            .args(["build", "--dir"])
            .arg(dir.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut writing = false;
        while child.try_wait().unwrap().is_none() {
            if !leftovers().is_empty() {
                writing = true;
                let _ = Command::new("kill")
                    .args(["-TERM", &child.id().to_string()])
                    .status();
                break;
            }
        }
        child.wait().unwrap();
        caught += usize::from(writing);
        assert_eq!(leftovers(), Vec::<String>::new(), "killed while writing");
    }
    assert!(
        caught >= 3,
        "only {caught} builds were stopped while writing"
    );

    // A file a killed process (SIGKILL cannot be caught) left behind goes with the next build.
    std::fs::create_dir_all(&out_dir).unwrap();
    std::fs::write(out_dir.join(".fixture.pdf.quire-99999999-0.part"), b"half").unwrap();
    assert_eq!(quire(&["build"], dir.path()).status.code(), Some(0));
    assert_eq!(leftovers(), Vec::<String>::new());
}

#[test]
fn several_books_build_in_one_call_each_into_its_own_folder() {
    let root = tempfile::tempdir().unwrap();
    let (a, b, broken) = (
        root.path().join("a"),
        root.path().join("b"),
        root.path().join("broken"),
    );
    common::write_project(
        &a,
        &[
            ("manuscript/book.toml", GOOD_TOML),
            ("manuscript/01.md", CHAPTER),
        ],
    );
    common::write_project(
        &b,
        &[
            (
                "manuscript/book.toml",
                b"title = \"Second\"\nauthors = [\"B. Writer\"]\ndate = \"2026-01-01\"\n",
            ),
            ("manuscript/01.md", b"# Two\n\nAnother book entirely.\n"),
        ],
    );
    let out = Command::new(env!("CARGO_BIN_EXE_quire"))
        .args(["build", "--dir"])
        .args([&a, &b])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(a.join("out/fixture.epub").exists() && a.join("out/fixture.pdf").exists());
    assert!(b.join("out/second.epub").exists() && b.join("out/second.pdf").exists());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("built 2 of 2 books"), "{stdout}");

    // One broken book fails the run with its own error; the others are built.
    common::write_project(
        &broken,
        &[("manuscript/book.toml", b"subtitle = \"no title\"\n")],
    );
    std::fs::remove_dir_all(a.join("out")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_quire"))
        .args(["build", "--dir"])
        .args([&broken, &a])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("1 of 2 books failed"),
        "{}",
        stderr(&out)
    );
    assert!(a.join("out/fixture.pdf").exists());

    // --out names one folder: refused for several books.
    let out = Command::new(env!("CARGO_BIN_EXE_quire"))
        .args(["build", "--out"])
        .arg(root.path().join("o"))
        .arg("--dir")
        .args([&a, &b])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("leave out --out"), "{}", stderr(&out));
}

#[test]
fn the_cover_cache_is_reused_across_processes_and_clean_removes_it() {
    let dir = tempfile::tempdir().unwrap();
    common::write_project(
        dir.path(),
        &[
            ("manuscript/book.toml", GOOD_TOML),
            ("manuscript/01.md", CHAPTER),
        ],
    );
    assert!(quire(&["build"], dir.path()).status.success());
    let cover = std::fs::read(dir.path().join("out/fixture-cover.jpg")).unwrap();
    let cache = dir.path().join(".quire/cache");
    let entries: Vec<_> = std::fs::read_dir(&cache)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("cover-"))
        .collect();
    assert_eq!(entries.len(), 1, "one cover in the cache");
    assert_eq!(std::fs::read(entries[0].path()).unwrap(), cover);

    // A damaged entry is made again, never served.
    std::fs::write(entries[0].path(), b"\xff\xd8 not a jpeg \xff\xd9").unwrap();
    std::fs::remove_file(dir.path().join("out/fixture-cover.jpg")).unwrap();
    assert!(quire(&["build"], dir.path()).status.success());
    assert_eq!(
        std::fs::read(dir.path().join("out/fixture-cover.jpg")).unwrap(),
        cover
    );
    assert_eq!(std::fs::read(entries[0].path()).unwrap(), cover);

    let out = quire(&["clean"], dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!dir.path().join(".quire").exists());
    assert!(
        dir.path().join("out/fixture.pdf").exists(),
        "clean keeps the outputs"
    );
    // Without the cache the build makes the same cover.
    assert!(quire(&["build"], dir.path()).status.success());
    assert_eq!(
        std::fs::read(dir.path().join("out/fixture-cover.jpg")).unwrap(),
        cover
    );
}

/// A hundred warnings of one kind print as a few and a count, and the gate
/// counts them all.
#[test]
fn warnings_of_one_kind_are_grouped_and_the_gate_counts_them() {
    let dir = tempfile::tempdir().unwrap();
    let chapter: String = std::iter::once("# One\n\n".to_string())
        .chain((0..8).map(|n| format!("Paragraph {n} with <kbd>raw</kbd> HTML.\n\n")))
        .collect();
    common::write_project(
        dir.path(),
        &[
            ("manuscript/book.toml", GOOD_TOML),
            ("manuscript/01.md", chapter.as_bytes()),
        ],
    );
    let out = quire(&["build"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert_eq!(
        err.matches("warning: raw HTML is set as text").count(),
        3,
        "{err}"
    );
    assert!(
        err.contains("warning: 13 more like “raw HTML is set as text” (16 in all"),
        "{err}"
    );
    let out = quire(&["check"], dir.path());
    let table = String::from_utf8_lossy(&out.stdout);
    let row = table
        .lines()
        .find(|l| l.starts_with("build") && l.contains("warnings"))
        .unwrap_or_else(|| panic!("{table}"));
    assert!(
        row.contains("WARN") && row.contains("17 warnings of 2 kinds"),
        "{row}"
    );
}

/// A build killed at any of its final renames (`kill -9` while placing files)
/// leaves a journal; the next command puts the previous edition back whole.
/// The debug binary dies at the rename `QUIRE_TEST_CRASH_AT_RENAME` names.
#[test]
fn a_build_killed_at_any_rename_leaves_the_previous_edition_whole() {
    let dir = tempfile::tempdir().unwrap();
    common::write_project(
        dir.path(),
        &[
            ("manuscript/book.toml", GOOD_TOML),
            ("manuscript/01.md", b"# One\n\nThe first edition's words.\n"),
        ],
    );
    assert_eq!(quire(&["build"], dir.path()).status.code(), Some(0));
    let read_out = || -> Vec<(String, Vec<u8>)> {
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir.path().join("out"))
            .unwrap()
            .map(|e| e.unwrap())
            .map(|e| {
                (
                    e.file_name().into_string().unwrap(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect();
        files.sort();
        files
    };
    let first = read_out();
    assert_eq!(first.len(), 4);
    std::fs::write(
        dir.path().join("manuscript/01.md"),
        "# One\n\nThe second edition's words, longer.\n",
    )
    .unwrap();
    for rename in 0..first.len() {
        let crashed = Command::new(env!("CARGO_BIN_EXE_quire"))
            .args(["build", "--dir"])
            .arg(dir.path())
            .env("QUIRE_TEST_CRASH_AT_RENAME", rename.to_string())
            .output()
            .unwrap();
        assert_ne!(crashed.status.code(), Some(0), "rename {rename}: it died");
        // The next command (the gate, which writes nothing) puts it back first.
        let next = quire(&["check"], dir.path());
        let said = stderr(&next);
        if rename > 0 {
            assert!(
                said.contains("the previous edition is back"),
                "rename {rename}: {said}"
            );
        }
        // (Compared by name and size first: a failure should not print megabytes.)
        let now = read_out();
        let sizes = |files: &[(String, Vec<u8>)]| -> Vec<(String, usize)> {
            files.iter().map(|(n, b)| (n.clone(), b.len())).collect()
        };
        assert_eq!(
            sizes(&now),
            sizes(&first),
            "rename {rename}: the first edition, whole"
        );
        assert!(now == first, "rename {rename}: the first edition's bytes");
    }
    // And a build after it writes the second edition whole.
    assert_eq!(quire(&["build"], dir.path()).status.code(), Some(0));
    let second = read_out();
    assert_eq!(second.len(), 4);
    for (new, old) in second.iter().zip(&first) {
        assert_eq!(new.0, old.0);
        // The text changed: the EPUB and the PDF are new (the covers need not be).
        if new.0.ends_with(".epub") || new.0 == "fixture.pdf" {
            assert!(new.1 != old.1, "{} is the second edition", new.0);
        }
    }
}

/// A second build into a folder another is writing waits for it; a lock left
/// by a process that is gone is taken over.
#[test]
fn builds_into_one_folder_take_turns() {
    let dir = tempfile::tempdir().unwrap();
    common::write_project(
        dir.path(),
        &[
            ("manuscript/book.toml", GOOD_TOML),
            ("manuscript/01.md", CHAPTER),
        ],
    );
    std::fs::create_dir_all(dir.path().join("out")).unwrap();
    // A lock held by a live process: the build waits until it is gone.
    let mut holder = Command::new("sleep").arg("30").spawn().unwrap();
    std::fs::write(dir.path().join("out/.quire-lock"), holder.id().to_string()).unwrap();
    let started = std::time::Instant::now();
    let build = Command::new(env!("CARGO_BIN_EXE_quire"))
        .args(["build", "--dir"])
        .arg(dir.path())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert!(!dir.path().join("out/fixture.pdf").exists(), "it waits");
    holder.kill().unwrap();
    holder.wait().unwrap();
    let out = build.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(started.elapsed().as_secs() < 30);
    assert!(dir.path().join("out/fixture.pdf").exists());
    assert!(
        !dir.path().join("out/.quire-lock").exists(),
        "the lock is gone with its build"
    );
}
