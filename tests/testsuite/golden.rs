//! Every output byte for byte as recorded: the bundled book (alone and in
//! every store), the every-construct manuscript in each style and the corpus
//! novels and poems, each file's SHA-1 and size against `tests/fixtures/golden/`.
//! A refactoring must leave these alone; a change meant to alter the outputs
//! records them again with `QUIRE_BLESS=1 cargo test golden` and the diff of
//! the records shows in review which files it changed.

use crate::common;
use quire::project::Project;

const SOURCE_DATE_EPOCH: i64 = 1_700_000_000;

/// The files a build makes, one line each: name, size and SHA-1.
fn record(project: &Project) -> String {
    let options = quire::Options {
        source_date_epoch: Some(SOURCE_DATE_EPOCH),
        ..quire::Options::default()
    };
    let outputs = quire::build(project, &options).unwrap_or_else(|e| panic!("{e}"));
    let mut lines: Vec<String> = outputs
        .files
        .iter()
        .map(|file| {
            format!(
                "{} {} {}",
                file.name,
                file.bytes.len(),
                sha1_smol::Sha1::from(&file.bytes).digest()
            )
        })
        .collect();
    lines.sort();
    lines.join("\n") + "\n"
}

/// Compares the build of `project` with its record, or writes the record
/// when `QUIRE_BLESS=1`.
fn compare(name: &str, project: Option<Project>) {
    let Some(project) = project else {
        return;
    };
    let path = common::root()
        .join("tests/fixtures/golden")
        .join(format!("{name}.txt"));
    let made = record(&project);
    if std::env::var("QUIRE_BLESS").as_deref() == Ok("1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &made).unwrap();
        return;
    }
    let recorded = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "{} is missing: record it with QUIRE_BLESS=1 cargo test golden",
            path.display()
        )
    });
    let changed: Vec<&str> = made
        .lines()
        .filter(|line| !recorded.lines().any(|r| r == *line))
        .collect();
    let gone: Vec<&str> = recorded
        .lines()
        .filter(|line| !made.lines().any(|m| m == *line))
        .collect();
    assert!(
        changed.is_empty() && gone.is_empty(),
        "{name}: the outputs are not byte for byte as recorded in {}\nnow:\n  {}\nrecorded:\n  {}\n\
         (if the change is meant, record again with QUIRE_BLESS=1 cargo test golden)",
        path.display(),
        changed.join("\n  "),
        gone.join("\n  ")
    );
}

#[test]
fn the_bundled_book_is_as_recorded() {
    compare("essay", Some(common::bundled()));
}

#[test]
fn the_bundled_book_in_every_store_is_as_recorded() {
    let mut project = common::bundled();
    let toml = String::from_utf8(project.get("manuscript/book.toml").unwrap().to_vec()).unwrap();
    let toml = format!(
        "stores = [\"kindle\", \"apple\", \"kobo\", \"google\", \"generic\"]\nnotes = \"book\"\n{toml}\n\
         [isbn]\nebook = \"978-0-306-40615-7\"\nprint = \"978-1-4028-9462-6\"\n\n[epub]\nembed-fonts = true\n"
    );
    project.insert("manuscript/book.toml", toml.into_bytes());
    compare("essay-stores", Some(project));
}

#[test]
fn the_manuscript_of_every_construct_is_as_recorded_in_each_style() {
    for style in ["", "classic", "modern", "plain"] {
        let first = if style.is_empty() {
            String::new()
        } else {
            format!("style = \"{style}\"\n")
        };
        let name = if style.is_empty() { "default" } else { style };
        compare(
            &format!("everything-{name}"),
            Some(common::everything(&first)),
        );
    }
}

#[test]
fn moby_dick_is_as_recorded_or_skipped() {
    compare("moby-dick", common::moby_dick());
}

#[test]
fn love_among_the_chickens_is_as_recorded_in_the_classic_style_or_skipped() {
    compare(
        "love-among-the-chickens-classic",
        common::corpus_book(
            "love-among-the-chickens",
            &format!("style = \"classic\"\n{}", common::LOVE_TOML),
        ),
    );
}

#[test]
fn the_poems_of_keats_are_as_recorded_or_skipped() {
    compare(
        "keats-poetry",
        common::corpus_book(
            "keats-poetry",
            "title = \"Poems\"\nauthors = [\"John Keats\"]\nlanguage = \"en\"\ndate = \"1820-07-01\"\n",
        ),
    );
}
