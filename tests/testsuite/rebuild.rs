//! Rebuilds reuse earlier work (parsed files, set paragraphs, the cover) and
//! still produce exactly what a fresh build produces; an error is reported
//! again on every rebuild until it is fixed; the preview (`quire serve`)
//! runs the same stages as a build before its writers.

use crate::common;

use quire::{BuildCache, Options, build, build_with};

fn files(outputs: &quire::Outputs) -> Vec<(String, Vec<u8>)> {
    outputs
        .files
        .iter()
        .map(|f| (f.name.clone(), f.bytes.clone()))
        .collect()
}

#[test]
fn a_one_word_edit_rebuilds_to_the_same_bytes_as_a_fresh_build() {
    let mut project = common::bundled();
    let options = Options::default();
    let mut cache = BuildCache::for_rebuilds();
    build_with(&project, &options, &mut cache).unwrap();
    assert!(
        cache.cached_paragraphs() > 20,
        "{}",
        cache.cached_paragraphs()
    );

    let pages = build(&project, &options).unwrap().pages;
    // Every page's stream is kept; blank pages share one.
    let streams = cache.cached_page_streams();
    assert!(
        streams > pages / 4 && streams <= pages,
        "{streams} streams for {pages} pages"
    );

    let essay = String::from_utf8(project.get("manuscript/essay.md").unwrap().to_vec()).unwrap();
    let edited = essay.replacen("tremendously", "enormously", 1);
    assert_ne!(essay, edited);
    project.insert("manuscript/essay.md", edited);
    let rebuilt = build_with(&project, &options, &mut cache).unwrap();
    let fresh = build(&project, &options).unwrap();
    assert!(
        files(&rebuilt) == files(&fresh),
        "a rebuild differs from a fresh build"
    );
    assert_eq!(
        rebuilt.timings.cover,
        std::time::Duration::ZERO,
        "the cover was reused"
    );
    assert_eq!(
        rebuilt.timings.print_cover,
        std::time::Duration::ZERO,
        "the print cover was reused (the page count did not change)"
    );
}

/// The EPUB's package, contents and landmarks come from a cache entry kept
/// under everything they are made of: a retitled chapter, a chapter more, a
/// changed stylesheet and an added image each make them again.
#[test]
fn a_rebuild_with_new_contents_writes_them_not_the_last_builds() {
    let chapter = |title: &str| format!("# {title}\n\nThe whale swam on through the grey sea.\n");
    let mut project = common::project(&[
        (
            "manuscript/book.toml",
            "title = \"Contents\"\nauthors = [\"A. Writer\"]\ndate = \"2024-01-01\"\n",
        ),
        ("manuscript/01.md", &chapter("The Ship")),
        ("manuscript/02.md", &chapter("The Whale")),
    ]);
    let options = Options::default();
    let mut cache = BuildCache::for_rebuilds();
    build_with(&project, &options, &mut cache).unwrap();
    let edits: [(&str, Vec<u8>); 4] = [
        ("manuscript/02.md", chapter("The White Whale").into_bytes()),
        ("manuscript/03.md", chapter("The Chase").into_bytes()),
        (
            "manuscript/book.toml",
            "title = \"Contents\"\nauthors = [\"A. Writer\"]\ndate = \"2024-01-01\"\nstyle = \"modern\"\n"
                .into(),
        ),
        (
            "manuscript/01.md",
            format!("{}\n![A ship](ship.png)\n", chapter("The Ship")).into_bytes(),
        ),
    ];
    for (path, bytes) in edits {
        project.insert(path, bytes);
        if path == "manuscript/01.md" {
            let ship = image::RgbImage::from_fn(600, 400, |x, y| {
                image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
            });
            project.insert(
                "manuscript/ship.png",
                quire::images::encode_png(&image::DynamicImage::ImageRgb8(ship)),
            );
        }
        let rebuilt = build_with(&project, &options, &mut cache).unwrap();
        let fresh = build(&project, &options).unwrap();
        assert!(
            files(&rebuilt) == files(&fresh),
            "after {path} changed, a rebuild differs from a fresh build"
        );
    }
}

#[test]
fn errors_come_back_on_every_rebuild_until_fixed() {
    let mut project = common::bundled();
    let options = Options::default();
    let mut cache = BuildCache::for_rebuilds();
    build_with(&project, &options, &mut cache).unwrap();
    let essay = String::from_utf8(project.get("manuscript/essay.md").unwrap().to_vec()).unwrap();
    // No bundled font (nor the fallback) has CJK.
    let broken = essay.replacen("tremendously", "tremendously中", 1);
    project.insert("manuscript/essay.md", broken.clone());
    for _ in 0..2 {
        let err = build_with(&project, &options, &mut cache)
            .unwrap_err()
            .to_string();
        assert!(err.contains("no font has a glyph for “中”"), "{err}");
    }
    project.insert("manuscript/essay.md", essay);
    build_with(&project, &options, &mut cache).unwrap();
    project.insert("manuscript/essay.md", broken);
    assert!(build_with(&project, &options, &mut cache).is_err());
}

#[test]
fn a_changed_font_setting_is_not_served_from_the_cache() {
    let mut project = common::bundled();
    let options = Options::default();
    let mut cache = BuildCache::for_rebuilds();
    let first = build_with(&project, &options, &mut cache).unwrap();
    let toml = String::from_utf8(project.get("manuscript/book.toml").unwrap().to_vec()).unwrap();
    project.insert(
        "manuscript/book.toml",
        toml.replace("[print]", "[print]\nhyphenate = false"),
    );
    let rebuilt = build_with(&project, &options, &mut cache).unwrap();
    let fresh = build(&project, &options).unwrap();
    assert!(files(&rebuilt) == files(&fresh));
    // Only the hyphens the author wrote remain.
    assert!(rebuilt.report.hyphenated_lines < first.report.hyphenated_lines / 4);
}

/// A change of style's figures sets every paragraph with figures again: the
/// set paragraphs are kept by their figures as well as their text and setting.
#[test]
fn a_changed_style_is_not_served_from_the_cache() {
    let mut project = common::bundled();
    let options = Options::default();
    let mut cache = BuildCache::for_rebuilds();
    let toml = String::from_utf8(project.get("manuscript/book.toml").unwrap().to_vec()).unwrap();
    let styled =
        |figures: &str| format!("{toml}\n[style]\nbase = \"classic\"\nfigures = \"{figures}\"\n");
    project.insert("manuscript/book.toml", styled("old-style"));
    build_with(&project, &options, &mut cache).unwrap();
    project.insert("manuscript/book.toml", styled("lining"));
    let rebuilt = build_with(&project, &options, &mut cache).unwrap();
    let fresh = build(&project, &options).unwrap();
    assert!(
        files(&rebuilt) == files(&fresh),
        "a rebuild after the figures changed differs from a fresh build"
    );
}

#[test]
fn the_cover_comes_from_the_cache_folder_with_the_same_bytes() {
    let project = common::bundled();
    let options = Options::default();
    let folder = tempfile::tempdir().unwrap();
    let fresh = build(&project, &options).unwrap();
    let mut first = BuildCache::default().with_folder(folder.path());
    build_with(&project, &options, &mut first).unwrap();
    // A new process: nothing in memory, the cover on disk.
    let mut second = BuildCache::default().with_folder(folder.path());
    let cached = build_with(&project, &options, &mut second).unwrap();
    assert_eq!(
        cached.timings.cover,
        std::time::Duration::ZERO,
        "the cover was read back"
    );
    assert!(
        files(&cached) == files(&fresh),
        "a cached cover changes nothing"
    );
    // Another title is another cover, made and kept beside the first.
    let mut retitled = project.clone();
    let toml = String::from_utf8(project.get("manuscript/book.toml").unwrap().to_vec()).unwrap();
    retitled.insert(
        "manuscript/book.toml",
        toml.replacen(
            "title = \"None of Us Are Free\"",
            "title = \"Another Title\"",
            1,
        ),
    );
    let mut third = BuildCache::default().with_folder(folder.path());
    let other = build_with(&retitled, &options, &mut third).unwrap();
    assert_ne!(
        other.timings.cover,
        std::time::Duration::ZERO,
        "a new cover was made"
    );
    assert_eq!(std::fs::read_dir(folder.path()).unwrap().count(), 2);
}

#[test]
fn a_catalogue_shapes_each_word_once_for_all_its_books() {
    let essay = common::bundled();
    let options = Options::default();
    let mut cache = BuildCache::for_catalogue();
    let first = build_with(&essay, &options, &mut cache).unwrap();
    let words = cache.shaped_words("en");
    assert!(words > 500, "{words} words");
    let again = build_with(&essay, &options, &mut cache).unwrap();
    assert_eq!(cache.shaped_words("en"), words, "no word shaped twice");
    assert_eq!(again.timings.shape, std::time::Duration::ZERO);
    assert!(files(&again) == files(&first));
    // Nothing of the text is kept: the second build set every paragraph again.
    assert_eq!(cache.cached_paragraphs(), 0);
}

#[test]
fn moby_dick_rebuilt_after_edits_is_what_a_fresh_build_writes() {
    let Some(mut moby) = common::moby_dick() else {
        common::skipped("Moby-Dick is absent");
        return;
    };
    let options = Options::default();
    let mut cache = BuildCache::for_rebuilds();
    let first = build_with(&moby, &options, &mut cache).unwrap();
    let path = "manuscript/043-chapter-42-the-whiteness-of-the-whale.md";
    let original = String::from_utf8(moby.get(path).unwrap().to_vec()).unwrap();
    // A word (the chapter keeps its pages), then a long paragraph more (the
    // chapter grows, every later block and page moves).
    let paragraph = "\n\nAnd yet, for all this, there is nothing so pale as the whale. "
        .to_string()
        + &"The pallor of the deep is older than the sea. ".repeat(40)
        + "\n\n";
    for edited in [
        original.replacen("whiteness", "pallor", 1),
        original.replacen("\n\n", &paragraph, 1),
    ] {
        moby.insert(path, edited);
        let rebuilt = build_with(&moby, &options, &mut cache).unwrap();
        let fresh = quire::build(&moby, &options).unwrap();
        assert!(
            files(&rebuilt) == files(&fresh),
            "a rebuild of Moby-Dick differs from a fresh build"
        );
        assert_eq!(rebuilt.pages, fresh.pages);
    }
    assert!(cache.cached_page_streams() > first.pages / 2);
}

/// A long watch or serve session keeps the words its book uses, not every
/// word ever typed: 200 edits, each putting five words never seen before in
/// place of the last edit's, leave the shaped-word table (and every other
/// cache) the size it was after the first few.
#[test]
fn two_hundred_edits_of_new_words_keep_the_caches_bounded() {
    let chapter = |edit: usize| {
        let new_words: Vec<String> = (0..5).map(|w| format!("zqx{edit}w{w}")).collect();
        format!(
            "# One\n\nThe whale swam on, as whales do, through the grey sea.\n\nA line for edit {edit}: {}.\n\nAnd the ship sailed after it, slowly.\n",
            new_words.join(" ")
        )
    };
    let mut project = common::project(&[
        (
            "manuscript/book.toml",
            "title = \"Edits\"\nauthors = [\"A. Writer\"]\ndate = \"2024-01-01\"\n",
        ),
        ("manuscript/01.md", &chapter(0)),
    ]);
    let options = Options::default();
    let mut cache = BuildCache::for_rebuilds();
    let mut sizes = Vec::new();
    for edit in 0..200 {
        project.insert("manuscript/01.md", chapter(edit).into_bytes());
        build_with(&project, &options, &mut cache).unwrap();
        sizes.push((
            cache.shaped_words("en"),
            cache.cached_paragraphs(),
            cache.cached_epub_documents(),
            cache.cached_page_streams(),
        ));
    }
    let early = sizes[..10].iter().map(|s| s.0).max().unwrap();
    let late = sizes[100..].iter().map(|s| s.0).max().unwrap();
    // The last two builds' words: the book's, and one edit's five more.
    assert!(
        late <= early + 5,
        "shaped words: {early} early, {late} late"
    );
    for (name, of) in [
        (
            "paragraphs",
            (|s: &(usize, usize, usize, usize)| s.1) as fn(&_) -> usize,
        ),
        ("EPUB documents", |s| s.2),
        ("page streams", |s| s.3),
    ] {
        let early = sizes[..10].iter().map(of).max().unwrap();
        let late = sizes[100..].iter().map(of).max().unwrap();
        assert!(late <= early, "{name}: {early} early, {late} late");
    }
    // A word forgotten and asked for again is shaped again, the same.
    project.insert("manuscript/01.md", chapter(0).into_bytes());
    let again = build_with(&project, &options, &mut cache).unwrap();
    assert!(files(&again) == files(&build(&project, &options).unwrap()));
}

/// `quire serve` runs the pipeline's first half as `quire build` does: a
/// warning of each stage (book.toml's language, the parse, resolve, layout,
/// the cover art) comes back from the preview as from the build, in the
/// same order.
#[test]
fn the_preview_reports_every_warning_the_build_makes_before_its_writers() {
    let long = "a".repeat(2_000);
    let text =
        format!("# One\n\nBefore {long} after.\n\nA rule <hr> inline.\n\n[Away](#nowhere)\n");
    let mut project = common::project(&[
        (
            "manuscript/book.toml",
            "title = \"Fixture\"\nauthors = [\"A\"]\nlanguage = \"kk\"\n",
        ),
        ("manuscript/01.md", &text),
    ]);
    let art = image::DynamicImage::new_rgb8(300, 480);
    project.insert("cover/cover.png", quire::images::encode_png(&art));
    let options = Options::default();
    let built = build(&project, &options).unwrap();
    let preview = quire::preview_with(&project, &options, &mut BuildCache::for_rebuilds()).unwrap();
    let shown = |warnings: &[quire::diag::Diagnostic]| -> Vec<String> {
        warnings.iter().map(|w| w.to_string()).collect()
    };
    let warnings = shown(&built.warnings);
    for stage in [
        "hyphenation patterns",
        "raw HTML",
        "wider than the line",
        "below KDP's minimum",
    ] {
        assert!(
            warnings.iter().any(|w| w.contains(stage)),
            "no warning with “{stage}”: {warnings:#?}"
        );
    }
    assert_eq!(shown(&preview.warnings), warnings);
}
