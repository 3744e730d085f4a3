//! The build cache `quire build` keeps in `.quire/cache/` for the next
//! process (src/memory.rs): never needed for correctness. A build that
//! starts from it writes, byte for byte, what a build from scratch writes
//! (after an edit too), a damaged, truncated or foreign entry is ignored and
//! made again, and `quire clean` removes it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common;

/// `quire build` on `dir`, with fixed dates; panics with its errors on failure.
fn build(dir: &Path) {
    let out = Command::new(env!("CARGO_BIN_EXE_quire"))
        .args(["build", "--dir"])
        .arg(dir)
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .expect("the quire binary runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every output file, by name.
fn outputs(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir.join("out"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_file())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// The every-construct fixture, its manuscript copied into a new book folder.
fn everything_book() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let source = common::root().join("tests/fixtures/everything/manuscript");
    let manuscript = dir.path().join("manuscript");
    common::copy_dir(&source, &manuscript);
    common::copy_dir(&source.join("part-two"), &manuscript.join("part-two"));
    common::copy_dir(&common::root().join("fonts"), &dir.path().join("fonts"));
    dir
}

/// The build cache's entries in the book folder.
fn entries(dir: &Path) -> Vec<PathBuf> {
    let Ok(found) = std::fs::read_dir(dir.join(".quire/cache")) else {
        return Vec::new();
    };
    found
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("build-"))
        })
        .collect()
}

/// The print cover kept whole in the book's cache folder.
fn print_cover_entry(dir: &Path) -> Option<PathBuf> {
    std::fs::read_dir(dir.join(".quire/cache"))
        .ok()?
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("print-cover-"))
        })
}

/// Changes one word of a chapter.
fn edit_one_word(dir: &Path) {
    let path = dir.join("manuscript/01-tables.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let at = text.find(" the ").expect("the chapter has a “the”");
    let edited = format!("{} a{}", &text[..at], &text[at + 4..]);
    std::fs::write(&path, edited).unwrap();
}

/// The names of the shards in the book's cache folder (a hash of each one's items' keys).
fn shard_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.join(".quire/cache"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("shard-"))
        .collect();
    names.sort();
    names
}

/// A fresh folder's build (no cache) of the same manuscript as `dir`'s:
/// its outputs, and the names of the shards it kept.
fn from_scratch(dir: &Path) -> (BTreeMap<String, Vec<u8>>, Vec<String>) {
    let fresh = tempfile::tempdir().unwrap();
    let manuscript = fresh.path().join("manuscript");
    common::copy_dir(&dir.join("manuscript"), &manuscript);
    common::copy_dir(
        &dir.join("manuscript/part-two"),
        &manuscript.join("part-two"),
    );
    common::copy_dir(&dir.join("fonts"), &fresh.path().join("fonts"));
    build(fresh.path());
    assert_eq!(entries(fresh.path()).len(), 1, "the build kept its work");
    (outputs(fresh.path()), shard_names(fresh.path()))
}

fn assert_same(with_cache: &BTreeMap<String, Vec<u8>>, without: &BTreeMap<String, Vec<u8>>) {
    assert_eq!(
        with_cache.keys().collect::<Vec<_>>(),
        without.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in with_cache {
        assert!(
            *bytes == without[name],
            "{name} differs when built from the cache"
        );
    }
}

#[test]
fn a_build_from_the_cache_writes_what_a_build_from_scratch_writes() {
    let book = everything_book();
    build(book.path());
    let first = outputs(book.path());
    let kept = entries(book.path());
    assert_eq!(kept.len(), 1, "one entry: {kept:?}");
    let size: u64 = std::fs::read_dir(book.path().join(".quire/cache"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("shard-"))
        .map(|e| e.metadata().unwrap().len())
        .sum();
    assert!(
        size > 10_000,
        "the shards hold the build's work: {size} bytes"
    );

    // Nothing changed: the same files, from the cache (the print cover too,
    // read back, not made again).
    let cover = print_cover_entry(book.path()).expect("the print cover is kept");
    let made = std::fs::metadata(&cover).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    build(book.path());
    assert_same(&outputs(book.path()), &first);
    assert_eq!(std::fs::metadata(&cover).unwrap().modified().unwrap(), made);

    // One word changed: the same files as a fresh folder's build.
    edit_one_word(book.path());
    build(book.path());
    let edited = outputs(book.path());
    assert!(edited != first, "the edit shows");
    let (scratch, scratch_shards) = from_scratch(book.path());
    assert_same(&edited, &scratch);
    assert_eq!(entries(book.path()).len(), 1, "still one entry");
    // It keeps the same paragraphs, streams and documents as a fresh
    // folder's build; the words' shards it did not read are named again.
    let kept: std::collections::BTreeSet<String> = shard_names(book.path()).into_iter().collect();
    let missing: Vec<&String> = scratch_shards
        .iter()
        .filter(|s| !kept.contains(*s))
        .collect();
    assert!(
        missing.len() * 4 < scratch_shards.len(),
        "{} of a fresh build's {} shards are not kept",
        missing.len(),
        scratch_shards.len()
    );
}

/// The index a build in `dir` left.
fn index(dir: &Path) -> quire::memory::Index {
    let bytes = std::fs::read(&entries(dir)[0]).unwrap();
    quire::memory::decode(&bytes).expect("a whole index")
}

/// A build as its own process would make it: a new cache on the book's
/// folder, the build, the cache written. The words its tables held.
fn process(dir: &Path, project: &quire::project::Project) -> usize {
    let mut cache = quire::BuildCache::default()
        .remembering()
        .with_folder(quire::cache::folder(dir));
    quire::build_with(project, &quire::Options::default(), &mut cache).unwrap();
    let words = cache.shaped_words("en");
    cache
        .take_pending()
        .expect("a build that remembers keeps its work")
        .save();
    words
}

/// A build that takes every paragraph whole does not read the kept words:
/// it names their shards again beside one of the words it shaped itself, and
/// the build after a change of what every paragraph's setting depends on
/// (hyphenation) reads both, and writes what a build from scratch writes.
#[test]
fn the_kept_words_are_carried_by_a_build_that_does_not_need_them() {
    let dir = tempfile::tempdir().unwrap();
    // Many words, each once: more than the headings and running heads a build sets anew.
    let words: Vec<String> = (0..300).map(|i| format!("whale{i}")).collect();
    let chapter = |word: &str| {
        format!(
            "# One\n\n{}.\n\nThe {word} sailed on, far from any harbour.\n",
            words.join(" ")
        )
    };
    let toml = "title = \"Carried\"\nauthors = [\"A. Writer\"]\ndate = \"2024-01-01\"\n";
    let mut project = common::project(&[("manuscript/book.toml", toml)]);
    project.insert("manuscript/01.md", chapter("Zanzibarian"));
    let first_words = process(dir.path(), &project);
    let (first, recent) = index(dir.path()).word_shards();
    assert!(
        !first.is_empty() && recent.is_empty(),
        "{first:?} {recent:?}"
    );

    project.insert("manuscript/01.md", chapter("Quuxberrian"));
    let second_words = process(dir.path(), &project);
    let (carried, recent) = index(dir.path()).word_shards();
    assert_eq!(carried, first, "the kept words' shards are named again");
    assert!(!recent.is_empty(), "the new word is kept beside them");
    assert!(
        second_words * 2 < first_words,
        "the kept words were not read: {second_words} words against {first_words}"
    );
    // Another edit: the same kept words, counted once, whatever the builds between.
    let (kept_count, recent_count) = index(dir.path()).word_counts();
    assert!(kept_count > 0 && recent_count > 0);
    project.insert("manuscript/01.md", chapter("Frobnicarian"));
    process(dir.path(), &project);
    assert_eq!(index(dir.path()).word_shards().0, first);
    assert_eq!(index(dir.path()).word_counts().0, kept_count);

    project.insert(
        "manuscript/book.toml",
        format!("{toml}[print]\nhyphenate = false\n"),
    );
    process(dir.path(), &project);
    let (rewritten, recent) = index(dir.path()).word_shards();
    assert!(
        !rewritten.is_empty() && recent.is_empty(),
        "{rewritten:?} {recent:?}"
    );
    let with_cache = quire::build_with(
        &project,
        &quire::Options::default(),
        &mut quire::BuildCache::default()
            .remembering()
            .with_folder(quire::cache::folder(dir.path())),
    )
    .unwrap();
    let fresh = quire::build(&project, &quire::Options::default()).unwrap();
    assert!(
        with_cache
            .files
            .iter()
            .map(|f| &f.bytes)
            .eq(fresh.files.iter().map(|f| &f.bytes)),
        "a build from the carried words writes what a build from scratch writes"
    );
}

#[test]
fn a_damaged_truncated_or_foreign_entry_is_ignored_and_made_again() {
    let book = everything_book();
    build(book.path());
    let expected = outputs(book.path());
    let entry = entries(book.path()).remove(0);
    let whole = std::fs::read(&entry).unwrap();
    assert!(quire::memory::decode(&whole).is_some());

    let damages: Vec<(&str, Vec<u8>)> = vec![
        ("truncated", whole[..whole.len() / 2].to_vec()),
        ("empty", Vec::new()),
        ("garbled", {
            let mut bytes = whole.clone();
            let middle = bytes.len() / 2;
            bytes[middle] ^= 0x5a;
            bytes
        }),
        ("a header only", whole[..24].to_vec()),
        ("not an entry", b"%PDF-1.7 something else entirely".to_vec()),
    ];
    for (what, bytes) in damages {
        std::fs::write(&entry, &bytes).unwrap();
        build(book.path());
        assert_same(&outputs(book.path()), &expected);
        let made = std::fs::read(&entry).unwrap();
        assert!(
            made != bytes && quire::memory::decode(&made).is_some(),
            "a {what} entry was made again"
        );
    }

    // A damaged print cover: made again, the same, and kept again.
    let cover = print_cover_entry(book.path()).expect("the print cover is kept");
    let mut bytes = std::fs::read(&cover).unwrap();
    let last = bytes.len() - 10;
    bytes[last] ^= 0x5a;
    std::fs::write(&cover, &bytes).unwrap();
    build(book.path());
    assert_same(&outputs(book.path()), &expected);
    assert!(std::fs::read(&cover).unwrap() != bytes, "kept again");

    // A damaged shard (the index names it): its items are made again, and it is written again.
    let shards: Vec<PathBuf> = std::fs::read_dir(book.path().join(".quire/cache"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("shard-")
        })
        .collect();
    assert!(!shards.is_empty(), "the entry's parts are in shards");
    let garbled: Vec<Vec<u8>> = shards
        .iter()
        .map(|shard| {
            let mut bytes = std::fs::read(shard).unwrap();
            let middle = bytes.len() / 2;
            bytes[middle] ^= 0x5a;
            std::fs::write(shard, &bytes).unwrap();
            bytes
        })
        .collect();
    build(book.path());
    assert_same(&outputs(book.path()), &expected);
    // None is left as it was: each is written again, or its items are in
    // another shard now (the words a build shaped beside the kept ones
    // join them when the words are written afresh).
    for (shard, garbled) in shards.iter().zip(&garbled) {
        if let Ok(bytes) = std::fs::read(shard) {
            assert!(bytes != *garbled, "{} was written again", shard.display());
        }
    }
    let (words, recent) = index(book.path()).word_shards();
    let names = shard_names(book.path());
    for name in words.iter().chain(&recent) {
        assert!(
            names.iter().any(|n| n.contains(&format!("{name:016x}"))),
            "the index names shard {name:016x}, which is there"
        );
    }
    assert!(
        !words.is_empty() && recent.is_empty(),
        "the words written afresh"
    );

    // Another book's whole entry (its index; its shards are not there) in this folder.
    let other = tempfile::tempdir().unwrap();
    common::write_project(
        other.path(),
        &[
            (
                "manuscript/book.toml",
                b"title = \"Other\"\ndate = \"2026-01-01\"\n",
            ),
            (
                "manuscript/01.md",
                b"# One\n\nThe only paragraph of another book.\n",
            ),
        ],
    );
    common::copy_dir(&common::root().join("fonts"), &other.path().join("fonts"));
    build(other.path());
    let foreign = entries(other.path()).remove(0);
    std::fs::copy(&foreign, &entry).unwrap();
    build(book.path());
    assert_same(&outputs(book.path()), &expected);
}

#[test]
fn clean_removes_the_build_cache() {
    let book = everything_book();
    build(book.path());
    assert_eq!(entries(book.path()).len(), 1);
    let out = Command::new(env!("CARGO_BIN_EXE_quire"))
        .args(["clean", "--dir"])
        .arg(book.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(!book.path().join(".quire").exists());
    assert!(entries(book.path()).is_empty());
}
