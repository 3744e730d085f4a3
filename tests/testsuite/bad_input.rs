//! Every kind of bad input gets a clear message (file, line and column where
//! there is one, and a hint), exit code 1, and leaves the previous edition in
//! `out/` untouched. Hostile input that can be built is built, with warnings.

use crate::common;

use std::path::Path;
use std::process::{Command, Output};

const TOML: &[u8] = b"title = \"Fixture\"\nauthors = [\"A. Writer\"]\ndate = \"2026-01-01\"\n";
const PREVIOUS: &[u8] = b"the previous edition";

fn run(dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_quire"))
        .args(["build", "--dir"])
        .arg(dir)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("the quire binary runs")
}

/// Builds a project made of `files` over a previous edition; returns stderr after
/// checking exit code 1 and that the previous edition is untouched.
fn fails(files: &[(&str, &[u8])]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let mut all: Vec<(&str, &[u8])> = files.to_vec();
    all.push(("out/fixture.epub", PREVIOUS));
    all.push(("out/fixture.pdf", PREVIOUS));
    common::write_project(dir.path(), &all);
    let out = run(dir.path());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    for name in ["fixture.epub", "fixture.pdf"] {
        assert_eq!(
            std::fs::read(dir.path().join("out").join(name)).unwrap(),
            PREVIOUS,
            "{name} was replaced"
        );
    }
    assert_eq!(
        std::fs::read_dir(dir.path().join("out")).unwrap().count(),
        2,
        "nothing was added to out/"
    );
    stderr
}

fn succeeds(files: &[(&str, &[u8])]) -> (String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    common::write_project(dir.path(), files);
    let out = run(dir.path());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    (stderr, dir)
}

#[test]
fn unknown_key() {
    let err = fails(&[
        (
            "manuscript/book.toml",
            b"title = \"A\"\n\n[print]\ntrimsize = \"6x9\"\n",
        ),
        ("manuscript/01.md", b"Text.\n"),
    ]);
    assert!(
        err.starts_with("error: unknown key `trimsize` in book.toml\n  --> manuscript/book.toml:4:1\nhint: known keys here: `trim`, `bleed`"),
        "{err}"
    );
}

#[test]
fn invalid_toml() {
    let err = fails(&[
        ("manuscript/book.toml", b"title = \"A\nauthors = []\n"),
        ("manuscript/01.md", b"Text.\n"),
    ]);
    assert_eq!(
        err,
        "error: invalid TOML: invalid basic string, expected `\"`\n  --> manuscript/book.toml:1:11\nhint: book.toml is TOML: key = \"value\", one per line; strings in double quotes\n"
    );
}

#[test]
fn missing_title() {
    let err = fails(&[
        ("manuscript/book.toml", b"authors = [\"A\"]\n"),
        ("manuscript/01.md", b"Text.\n"),
    ]);
    assert_eq!(
        err,
        "error: the book has no title\n  --> manuscript/book.toml:1:1\nhint: add a line such as title = \"Moby-Dick\" to manuscript/book.toml\n"
    );
}

#[test]
fn listed_chapter_that_does_not_exist() {
    let err = fails(&[
        (
            "manuscript/book.toml",
            b"title = \"A\"\nchapters = [\"01.md\", \"02-missing.md\"]\n",
        ),
        ("manuscript/01.md", b"Text.\n"),
    ]);
    assert_eq!(
        err,
        "error: file not found: 02-missing.md\n  --> manuscript/book.toml:2:22\nhint: paths are relative to manuscript/, which has: 01.md\n"
    );
}

#[test]
fn empty_manuscript() {
    let err = fails(&[("manuscript/book.toml", TOML)]);
    assert_eq!(
        err,
        "error: the manuscript has no chapters\nhint: add a Markdown file such as manuscript/01-chapter.md, or list them in book.toml: chapters = [\"01-chapter.md\"]\n"
    );
}

#[test]
fn file_that_is_not_utf8() {
    let err = fails(&[
        ("manuscript/book.toml", TOML),
        ("manuscript/01.md", b"# One\n\nCaf\xe9 au lait.\n"),
    ]);
    assert_eq!(
        err,
        "error: manuscript/01.md is not UTF-8 text\n  --> manuscript/01.md:3:4\nhint: save the file as UTF-8 in your editor\n"
    );
}

#[test]
fn image_that_does_not_exist() {
    let err = fails(&[
        ("manuscript/book.toml", TOML),
        ("manuscript/01.md", b"# One\n\n![Map](img/map.png)\n"),
    ]);
    assert_eq!(
        err,
        "error: image not found: img/map.png\n  --> manuscript/01.md:3:1\nhint: paths are relative to manuscript/\n"
    );
}

#[test]
fn image_paths_that_leave_the_manuscript_are_refused_and_all_errors_are_reported() {
    let err = fails(&[
        ("manuscript/book.toml", TOML),
        (
            "manuscript/01.md",
            b"# One\n\n![Secret](../../secret.png)\n\n![Passwords](/etc/passwd)\n",
        ),
    ]);
    assert_eq!(
        err,
        "error: image path refused: ../../secret.png (the path leaves the manuscript folder)\n  --> manuscript/01.md:3:1\nhint: put images inside manuscript/ and write their path relative to it, e.g. images/map.png\n\
         error: image path refused: /etc/passwd (absolute paths are not allowed)\n  --> manuscript/01.md:5:1\nhint: put images inside manuscript/ and write their path relative to it, e.g. images/map.png\n"
    );
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::DynamicImage::new_rgb8(width, height);
    quire::images::encode_png(&image)
}

#[test]
fn corrupt_or_truncated_image() {
    let good = png(64, 64);
    let err = fails(&[
        ("manuscript/book.toml", TOML),
        ("manuscript/01.md", b"# One\n\n![Cut](img/cut.png)\n"),
        ("manuscript/img/cut.png", &good[..good.len() / 2]),
    ]);
    assert!(err.starts_with("error: corrupt or truncated image: manuscript/img/cut.png\n  --> manuscript/01.md:3:1\nhint: the decoder says “"), "{err}");
    assert!(
        err.ends_with("”; open and re-save the image in an image editor, or replace the file\n"),
        "{err}"
    );
}

#[test]
fn image_claiming_enormous_dimensions() {
    // A valid PNG header claiming 100,000 × 100,000 pixels: refused before any pixel memory.
    let mut bytes = png(1, 1);
    bytes[16..20].copy_from_slice(&100_000u32.to_be_bytes());
    bytes[20..24].copy_from_slice(&100_000u32.to_be_bytes());
    let mut crc = 0xffff_ffffu32;
    for &b in &bytes[12..29] {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    bytes[29..33].copy_from_slice(&(!crc).to_be_bytes());
    let err = fails(&[
        ("manuscript/book.toml", TOML),
        ("manuscript/01.md", b"# One\n\n![Huge](huge.png)\n"),
        ("manuscript/huge.png", &bytes),
    ]);
    assert_eq!(
        err,
        "error: image too large: manuscript/huge.png claims 100000 × 100000 pixels\n  --> manuscript/01.md:3:1\nhint: quire takes images up to 20000 px a side and 100 million pixels; scale it down\n"
    );
}

#[test]
fn character_that_no_font_has() {
    let err = fails(&[
        ("manuscript/book.toml", TOML),
        (
            "manuscript/01.md",
            "# One\n\nA snowman: ☃, and 中.\n\nThen 文 and 中 again.\n".as_bytes(),
        ),
    ]);
    // The snowman comes from the bundled fallback; every character no font
    // has is an error of its own, at its first place.
    assert_eq!(
        err,
        "error: no font has a glyph for “中” (U+4E2D)\n  --> manuscript/01.md:3:19\nhint: neither the book's fonts nor the fallbacks (fonts/DejaVuSans.ttf, fonts/NotoEmoji-Regular.ttf) can show it; replace it in the text, or add a font that has it to fonts.fallback in book.toml\n\
         error: no font has a glyph for “文” (U+6587)\n  --> manuscript/01.md:5:6\nhint: neither the book's fonts nor the fallbacks (fonts/DejaVuSans.ttf, fonts/NotoEmoji-Regular.ttf) can show it; replace it in the text, or add a font that has it to fonts.fallback in book.toml\n"
    );
}

#[test]
fn missing_font() {
    let err = fails(&[
        ("manuscript/book.toml", b"title = \"A\"\ndate = \"2026-01-01\"\nauthors = [\"B\"]\n[fonts]\nregular = \"Missing.ttf\"\n"),
        ("manuscript/01.md", b"Text.\n"),
    ]);
    // At the key that names it, not at the file's start.
    assert!(err.starts_with("error: font not found: fonts/Missing.ttf\n  --> manuscript/book.toml:5:11\nhint: name the regular face in book.toml under [fonts]; fonts/ has: fonts/DejaVuSans.ttf, fonts/EBGaramond-Bold.ttf"), "{err}");
}

/// Every problem book.toml causes is reported at its key's line and column.
#[test]
fn book_toml_problems_are_reported_at_their_keys() {
    let at = |err: &str, message: &str, place: &str| {
        let found = err
            .split("error: ")
            .chain(err.split("warning: "))
            .find(|d| d.starts_with(message))
            .unwrap_or_else(|| panic!("no “{message}” in {err}"));
        assert!(
            found.contains(&format!("\n  --> manuscript/book.toml:{place}\n")),
            "{message} at {place}: {err}"
        );
    };
    // A fallback face that is missing, and one that is not a font.
    let err = fails(&[
        (
            "manuscript/book.toml",
            b"title = \"A\"\ndate = \"2026-01-01\"\nauthors = [\"B\"]\n[fonts]\nbold = \"Junk.ttf\"\nfallback = [\"DejaVuSans.ttf\", \"Nope.ttf\"]\n",
        ),
        ("manuscript/01.md", b"Text.\n"),
        ("fonts/Junk.ttf", b"not a font at all"),
    ]);
    at(&err, "not a usable font: fonts/Junk.ttf", "5:8");
    at(&err, "font not found: fonts/Nope.ttf", "6:31");
    // Too many fallbacks: at the list.
    let many: Vec<String> = (0..33).map(|_| "\"DejaVuSans.ttf\"".to_string()).collect();
    let toml = format!(
        "title = \"A\"\ndate = \"2026-01-01\"\n[fonts]\nfallback = [{}]\n",
        many.join(", ")
    );
    let err = fails(&[
        ("manuscript/book.toml", toml.as_bytes()),
        ("manuscript/01.md", b"Text.\n"),
    ]);
    at(&err, "fonts.fallback names 33 fonts", "4:12");
    // A part without chapters: at its empty list.
    let err = fails(&[
        (
            "manuscript/book.toml",
            b"title = \"A\"\ndate = \"2026-01-01\"\n\n[[parts]]\ntitle = \"One\"\nchapters = []\n",
        ),
        ("manuscript/01.md", b"# One\n\nText.\n"),
    ]);
    at(&err, "the part \u{201c}One\u{201d} has no chapters", "6:12");
    // A file listed twice: at its second mention.
    let err = fails(&[
        (
            "manuscript/book.toml",
            b"title = \"A\"\ndate = \"2026-01-01\"\nchapters = [\n  \"01.md\",\n  \"01.md\",\n]\n",
        ),
        ("manuscript/01.md", b"# One\n\nText.\n"),
    ]);
    at(&err, "manuscript/01.md is listed twice", "5:3");
    // A character no font has, written in book.toml: at the key that writes it.
    let err = fails(&[
        (
            "manuscript/book.toml",
            "title = \"A\"\ndate = \"2026-01-01\"\nauthors = [\"B\"]\ndedication = \"For 中\"\n"
                .as_bytes(),
        ),
        ("manuscript/01.md", b"# One\n\nText.\n"),
    ]);
    at(&err, "no font has a glyph for \u{201c}中\u{201d}", "4:14");
    // A character the cover's face lacks is drawn from the fallback face, as
    // the interior sets it; one no face has is an error at the title.
    let (_, _dir) = succeeds(&[
        (
            "manuscript/book.toml",
            "date = \"2026-01-01\"\nauthors = [\"B\"]\ntitle = \"Snow ☃\"\n".as_bytes(),
        ),
        ("manuscript/01.md", b"# One\n\nText.\n"),
    ]);
    let err = fails(&[
        (
            "manuscript/book.toml",
            "date = \"2026-01-01\"\nauthors = [\"B\"]\ntitle = \"Snow 中\"\n".as_bytes(),
        ),
        ("manuscript/01.md", b"# One\n\nText.\n"),
    ]);
    at(&err, "no font has a glyph for \u{201c}中\u{201d}", "3:9");

    // Warnings: a short book's min-pages, and a file no list names.
    let (err, _dir) = succeeds(&[
        (
            "manuscript/book.toml",
            b"title = \"A\"\ndate = \"2026-01-01\"\nauthors = [\"B\"]\nchapters = [\"01.md\"]\n\n[print]\nmin-pages = 40\n",
        ),
        ("manuscript/01.md", b"# One\n\nText.\n"),
        ("manuscript/02.md", b"# Two\n\nText.\n"),
    ]);
    at(
        &err,
        "the print edition has 16 pages, short of print.min-pages = 40",
        "7:13",
    );
    at(&err, "manuscript/02.md is not in the book", "4:13");
}

#[test]
fn nesting_100_deep_is_refused_50_deep_builds() {
    let deep = format!("# One\n\n{} deep\n", ">".repeat(100));
    let err = fails(&[
        ("manuscript/book.toml", TOML),
        ("manuscript/01.md", deep.as_bytes()),
    ]);
    assert_eq!(
        err,
        "error: quotes and lists are nested more than 64 deep\n  --> manuscript/01.md:3:65\nhint: a book's text rarely nests more than three levels; flatten the structure\n"
    );
    let mut fifty = String::from("# One\n\n");
    for level in 0..50 {
        fifty.push_str(&format!("{}- item {level}\n", "  ".repeat(level)));
    }
    fifty.push_str(&format!("\n{} quoted fifty deep\n", ">".repeat(50)));
    succeeds(&[
        ("manuscript/book.toml", TOML),
        ("manuscript/01.md", fifty.as_bytes()),
    ]);
}

#[test]
fn hostile_raw_html_is_set_as_text_with_warnings() {
    let text = b"# One\n\n<div><script>alert('x')</script>\n\nText <b>unbalanced <i>tags</b> and <img src=x onerror=alert(1)>.\n\n<!-- a comment is dropped -->\n";
    let (stderr, dir) = succeeds(&[("manuscript/book.toml", TOML), ("manuscript/01.md", text)]);
    assert!(stderr.contains("warning: raw HTML is set as text: `<div><script>alert('x')</script>`\n  --> manuscript/01.md:3:1"), "{stderr}");
    assert!(
        stderr.contains("warning: raw HTML is set as text: `<b>`\n  --> manuscript/01.md:5:6"),
        "{stderr}"
    );
    // The EPUB carries the markup as text, not as elements.
    let epub = std::fs::read(dir.path().join("out/fixture.epub")).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(epub)).unwrap();
    let mut chapter = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("OEBPS/chapter-1.xhtml").unwrap(),
        &mut chapter,
    )
    .unwrap();
    assert!(chapter.contains("&lt;script&gt;"), "{chapter}");
    assert!(
        !chapter.contains("<script") && !chapter.contains("onerror=alert(1)>"),
        "{chapter}"
    );
}

#[test]
fn a_10000_character_word_is_broken_with_a_warning() {
    let text = format!("# One\n\nBefore {} after.\n", "x".repeat(10_000));
    let (stderr, _dir) = succeeds(&[
        ("manuscript/book.toml", TOML),
        ("manuscript/01.md", text.as_bytes()),
    ]);
    assert!(
        stderr.contains("warning: a word is wider than the line and was broken: “xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…”\n  --> manuscript/01.md:3:8\nhint: break the word with a space or a hyphen, or shorten it"),
        "{stderr}"
    );
}

/// A running head of 8,000 letters (a short title nobody shortened) is left
/// off every page, and the warning names it by its start, not in full.
#[test]
fn an_8000_letter_running_head_is_left_off_and_named_by_its_start() {
    // Text enough to turn the chapter's first page: an opening page has no head.
    let text = format!(
        "# One {{short=\"{}\"}}\n\n{}\n",
        "ACGT".repeat(2_000),
        "Some text here and there. ".repeat(600)
    );
    let (stderr, _dir) = succeeds(&[
        ("manuscript/book.toml", TOML),
        ("manuscript/01.md", text.as_bytes()),
    ]);
    let start = "ACGT".repeat(25);
    assert!(
        stderr.contains(&format!(
            "warning: the running head “{start}…” is too long for the page even set smaller, and is left off"
        )),
        "{stderr}"
    );
    assert!(stderr.len() < 2_000, "{} bytes of messages", stderr.len());
}

#[test]
fn a_5_mb_paragraph_builds() {
    let mut text = String::from("# One\n\n");
    let words = [
        "whale",
        "sea",
        "harpooneer",
        "and",
        "the",
        "voyage",
        "remarkable",
    ];
    let mut i = 0;
    while text.len() < 5_000_000 {
        text.push_str(words[i % words.len()]);
        text.push(' ');
        i += 7;
        i %= 1_000_003;
        i += 1;
    }
    text.push_str("end.\n");
    let started = std::time::Instant::now();
    let (_stderr, dir) = succeeds(&[
        ("manuscript/book.toml", TOML),
        ("manuscript/01.md", text.as_bytes()),
    ]);
    assert!(dir.path().join("out/fixture.pdf").is_file());
    eprintln!("5 MB paragraph built in {:?}", started.elapsed());
}

/// Footnotes that cannot be matched are reported with their places: a
/// reference with no definition, one defined in another chapter (with a hint
/// at both ends), and a label defined twice (both definitions named).
#[test]
fn unmatched_footnotes_are_reported() {
    let (err, _dir) = succeeds(&[
        ("manuscript/book.toml", TOML),
        (
            "manuscript/01.md",
            b"# One\n\nA claim.[^missing] Another.[^elsewhere] Escaped \\[^not] and `[^code]`.\n\nTwice.[^twice]\n\n[^twice]: First.\n\n[^twice]: Second.\n",
        ),
        (
            "manuscript/02.md",
            b"# Two\n\nText.\n\n[^elsewhere]: Defined in the wrong file.\n",
        ),
    ]);
    assert!(
        err.contains(
            "warning: footnote reference `[^missing]` has no definition; it is printed as written\n  --> manuscript/01.md:3:9\nhint: add a line such as [^missing]: The note's text."
        ),
        "{err}"
    );
    assert!(
        err.contains(
            "warning: footnote reference `[^elsewhere]` has no definition; it is printed as written\n  --> manuscript/01.md:3:28\nhint: [^elsewhere] is defined in manuscript/02.md, but notes belong to the file that cites them: move the definition into manuscript/01.md"
        ),
        "{err}"
    );
    assert!(
        err.contains(
            "warning: footnote `[^elsewhere]` is never referenced\n  --> manuscript/02.md:5:1\nhint: manuscript/01.md cites [^elsewhere], but notes belong to the file that cites them"
        ),
        "{err}"
    );
    assert!(
        err.contains(
            "warning: footnote `[^twice]` is defined twice, here and at manuscript/01.md:7:1; the first definition is used\n  --> manuscript/01.md:9:1"
        ),
        "{err}"
    );
    assert!(!err.contains("[^twice]` is never referenced"), "{err}");
    assert!(!err.contains("[^not]"), "escaped: {err}");
    assert!(!err.contains("[^code]"), "code: {err}");
}

/// Inputs that would make invalid files are refused: a language tag that is
/// not BCP 47 or names no known language (the EPUB would fail DAISY Ace).
#[test]
fn invalid_language_tags_are_refused() {
    for (tag, why) in [
        ("xx-invalid", "`xx` is not a known language"),
        ("en_US", "its parts are joined by `-`, not `_`"),
        ("en-AB", "`AB` is not a known region"),
        ("english", "`english` is not a known language"),
        (
            "x-private",
            "a private-use tag names no language a reader knows",
        ),
    ] {
        let toml = format!("title = \"Fixture\"\nlanguage = \"{tag}\"\n");
        let err = fails(&[
            ("manuscript/book.toml", toml.as_bytes()),
            ("manuscript/01.md", b"# One\n\nText.\n"),
        ]);
        assert!(
            err.contains(&format!(
                "error: `{tag}` is not a language tag: {why}\n  --> manuscript/book.toml:2:12\nhint: use a BCP 47 tag"
            )),
            "{tag}: {err}"
        );
    }
    for tag in [
        "en",
        "en-GB",
        "de-CH-1996",
        "zh-Hant-TW",
        "kk-Cyrl",
        "sr-Latn",
    ] {
        let toml = format!("title = \"Fixture\"\nauthors = [\"A\"]\nlanguage = \"{tag}\"\n");
        succeeds(&[
            ("manuscript/book.toml", toml.as_bytes()),
            ("manuscript/01.md", b"# One\n\nText.\n"),
        ]);
    }
}

/// A language hypher has no patterns for builds, with a warning that hyphenation is off.
#[test]
fn a_language_without_hyphenation_patterns_warns() {
    let (err, _dir) = succeeds(&[
        (
            "manuscript/book.toml",
            b"title = \"Fixture\"\nauthors = [\"A\"]\nlanguage = \"kk\"\n",
        ),
        ("manuscript/01.md", b"# One\n\nText.\n"),
    ]);
    assert!(
        err.contains(
            "warning: no hyphenation patterns for language `kk`: hyphenation is off\n  --> manuscript/book.toml:3:12"
        ),
        "{err}"
    );
    let (err, _dir) = succeeds(&[
        (
            "manuscript/book.toml",
            b"title = \"Fixture\"\nauthors = [\"A\"]\nlanguage = \"kk\"\n[print]\nhyphenate = false\n",
        ),
        ("manuscript/01.md", b"# One\n\nText.\n"),
    ]);
    assert!(!err.contains("hyphenation"), "{err}");
}

/// `SOURCE_DATE_EPOCH` that is not whole seconds, or past the year 9999
/// (EPUBCheck rejects the date), is an error; the outputs stay as they were.
#[test]
fn out_of_range_source_date_epoch_is_refused() {
    for (value, message) in [
        (
            "99999999999999",
            "error: SOURCE_DATE_EPOCH is out of range: `99999999999999` is after the year 9999",
        ),
        (
            "1.5e9",
            "error: SOURCE_DATE_EPOCH is not a number of seconds: `1.5e9`",
        ),
        (
            "-1",
            "error: SOURCE_DATE_EPOCH is not a number of seconds: `-1`",
        ),
        (
            "",
            "error: SOURCE_DATE_EPOCH is not a number of seconds: ``",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        common::write_project(
            dir.path(),
            &[
                ("manuscript/book.toml", TOML),
                ("manuscript/01.md", b"# One\n\nText.\n"),
                ("out/fixture.pdf", PREVIOUS),
            ],
        );
        let out = Command::new(env!("CARGO_BIN_EXE_quire"))
            .args(["build", "--dir"])
            .arg(dir.path())
            .env("SOURCE_DATE_EPOCH", value)
            .output()
            .unwrap();
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(1), "{value}: {err}");
        assert!(err.starts_with(message), "{value}: {err}");
        assert!(
            err.contains("hint: set it to whole seconds since 1970"),
            "{err}"
        );
        assert_eq!(
            std::fs::read(dir.path().join("out/fixture.pdf")).unwrap(),
            PREVIOUS
        );
    }
}

/// Control characters from the author's files are shown escaped in messages,
/// never sent to the terminal.
#[test]
fn control_characters_in_messages_are_escaped() {
    let err = fails(&[
        (
            "manuscript/book.toml",
            b"title = \"Fixture\"\n\"ti\\u001b[2Jtle\" = \"x\"\n",
        ),
        ("manuscript/01.md", b"# One\n\nText.\n"),
    ]);
    assert!(!err.contains('\u{1b}'), "{err:?}");
    assert!(err.contains("unknown key `ti\\u{1b}[2Jtle`"), "{err}");
}

/// A manuscript whose only chapter file is empty has nothing to build.
#[test]
fn a_manuscript_of_empty_files_is_an_error() {
    let err = fails(&[("manuscript/book.toml", TOML), ("manuscript/01.md", b"\n")]);
    assert!(
        err.contains("warning: manuscript/01.md is empty; it is left out of the book"),
        "{err}"
    );
    assert!(
        err.contains("error: the manuscript has no chapters: every chapter file is empty"),
        "{err}"
    );
}

/// A truncated font file is one error naming the file, not one per character.
#[test]
fn a_truncated_font_is_one_error_naming_the_file() {
    let font = std::fs::read(common::root().join("fonts/EBGaramond-Regular.ttf")).unwrap();
    let err = fails(&[
        ("manuscript/book.toml", TOML),
        ("manuscript/01.md", b"# One\n\nSome text in the font.\n"),
        ("fonts/EBGaramond-Regular.ttf", &font[..30_000]),
    ]);
    assert_eq!(err.matches("error:").count(), 1, "{err}");
    assert!(
        err.starts_with("error: the font file fonts/EBGaramond-Regular.ttf is damaged: its `"),
        "{err}"
    );
    assert!(err.contains("hint: the file may be truncated"), "{err}");
}

/// An image on the web is not fetched: the message says so and how to add it.
#[test]
fn a_remote_image_says_it_is_not_fetched() {
    let err = fails(&[
        ("manuscript/book.toml", TOML),
        (
            "manuscript/01.md",
            b"# One\n\n![A map](https://example.com/maps/voyage.png)\n",
        ),
    ]);
    assert_eq!(
        err,
        "error: remote images are not fetched: https://example.com/maps/voyage.png\n  --> manuscript/01.md:3:1\nhint: a book carries its images: download it (https), save it in manuscript/ (e.g. manuscript/images/voyage.png) and write ![…](images/voyage.png)\n"
    );
}

/// A book too short for the printers is told which key pads it.
#[test]
fn a_short_book_is_pointed_at_print_min_pages() {
    let (err, _dir) = succeeds(&[
        ("manuscript/book.toml", TOML),
        ("manuscript/01.md", b"# One\n\nShort.\n"),
    ]);
    assert!(
        err.contains("warning: the print edition has 8 pages; KDP paperbacks need 24–828 and IngramSpark at least 18\nhint: add front or back matter, or choose a smaller print.trim or a larger print.font-size; print.min-pages can add at most 10 blank pages"),
        "{err}"
    );
    let long = format!(
        "# One\n\n{}\n",
        "A sentence of a good length for a page of its own. ".repeat(400)
    );
    let (err, _dir) = succeeds(&[
        ("manuscript/book.toml", TOML),
        ("manuscript/01.md", long.as_bytes()),
    ]);
    assert!(
        err.contains("hint: set print.min-pages = 24 in book.toml to pad the interior"),
        "{err}"
    );
}

/// Exit codes as the README documents them: 0 built, 1 the book has an
/// error (or the gate failed), 2 the command line is wrong.
#[test]
fn exit_codes_are_as_documented() {
    let quire = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_quire"))
            .args(args)
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(quire(&["build", "--no-such-flag"]), Some(2));
    assert_eq!(quire(&["frobnicate"]), Some(2));
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        quire(&["build", "--dir", dir.path().to_str().unwrap()]),
        Some(1)
    );
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    assert!(
        readme.contains("| 2 | the command line is wrong"),
        "README documents exit code 2"
    );
}

/// The print fonts' coverage never blocks the EPUB: `--format epub` builds a
/// book with a character the fonts lack, with a warning that print cannot show it.
#[test]
fn a_character_no_font_has_does_not_block_the_epub() {
    let dir = tempfile::tempdir().unwrap();
    common::write_project(
        dir.path(),
        &[
            ("manuscript/book.toml", TOML),
            ("manuscript/01.md", "# One\n\nA sign: 中.\n".as_bytes()),
        ],
    );
    let out = Command::new(env!("CARGO_BIN_EXE_quire"))
        .args(["build", "--format", "epub", "--dir"])
        .arg(dir.path())
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("warning: no font has a glyph for “中” (U+4E2D)\n  --> manuscript/01.md:3:9\nhint: the EPUB is built"),
        "{err}"
    );
    assert!(dir.path().join("out/fixture.epub").is_file());
    assert!(!dir.path().join("out/fixture.pdf").exists());
}

#[test]
fn one_isbn_for_both_editions() {
    let err = fails(&[
        (
            "manuscript/book.toml",
            b"title = \"Two Editions\"\n[isbn]\nebook = \"978-0-306-40615-7\"\nprint = \"9780306406157\"\n",
        ),
        ("manuscript/01.md", b"# One\n\nText.\n"),
    ]);
    assert!(
        err.contains("isbn.print is the same ISBN as isbn.ebook")
            && err.contains("manuscript/book.toml:4:9"),
        "{err}"
    );
}

#[test]
fn a_note_with_no_definition_in_a_verse_fence_warns_at_its_place() {
    let (warnings, _dir) = succeeds(&[
        ("manuscript/book.toml", b"title = \"Verse\"\n"),
        (
            "manuscript/01.md",
            b"# One\n\nText.\n\n```verse\nA line of verse,[^gone]\nand another.\n```\n",
        ),
    ]);
    assert!(
        warnings
            .contains("footnote reference `[^gone]` has no definition; it is printed as written")
            && warnings.contains("manuscript/01.md:6:17"),
        "{warnings}"
    );
}
