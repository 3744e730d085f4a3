//! The ebook cover as a reader's device and a store see it: a 1600 × 2560
//! JPEG, typographic (title, subtitle, author inside clean margins) or made
//! from the author's art without distortion, the same bytes on every build.
//!
//! Set `QUIRE_COVER_DIR=/some/folder` to keep the covers these tests make.

use std::path::Path;
use std::time::{Duration, Instant};

use image::{DynamicImage, GenericImageView, Rgb, RgbImage};
use quire::cover::ebook_cover;
use quire::diag::Severity;
use quire::fonts::Fonts;
use quire::model::Book;
use quire::project::Project;

const WIDTH: u32 = 1600;
const HEIGHT: u32 = 2560;
const MARGIN: u32 = 100;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn bundled() -> (Book, Fonts) {
    let project = Project::load(root()).unwrap();
    let (book, _) = quire::load_book(&project, &quire::Options::default()).unwrap();
    let fonts = Fonts::load(&project, &book.fonts).unwrap();
    (book, fonts)
}

fn toml_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// An in-memory project with the bundled fonts, one chapter and, optionally,
/// cover art at `cover/<name>`.
fn book_with(
    title: &str,
    subtitle: Option<&str>,
    authors: &[&str],
    art: Option<(&str, Vec<u8>)>,
) -> (Book, Fonts) {
    let mut config = format!("title = {}\n", toml_string(title));
    if let Some(subtitle) = subtitle {
        config += &format!("subtitle = {}\n", toml_string(subtitle));
    }
    let authors: Vec<String> = authors.iter().map(|a| toml_string(a)).collect();
    config += &format!("authors = [{}]\n", authors.join(", "));
    config += "language = \"en\"\nchapters = [\"one.md\"]\n";
    let mut files: Vec<(String, Vec<u8>)> = vec![
        ("manuscript/book.toml".into(), config.into_bytes()),
        ("manuscript/one.md".into(), b"# One\n\nText.\n".to_vec()),
    ];
    for face in ["Regular", "Italic", "Bold", "BoldItalic"] {
        let path = format!("fonts/EBGaramond-{face}.ttf");
        files.push((path.clone(), std::fs::read(root().join(&path)).unwrap()));
    }
    if let Some((name, bytes)) = art {
        files.push((format!("cover/{name}"), bytes));
    }
    let project = Project::from_files(files);
    let (book, _) = quire::load_book(&project, &quire::Options::default()).unwrap();
    let fonts = Fonts::load(&project, &book.fonts).unwrap();
    (book, fonts)
}

/// Makes the cover, checks it is a 1600 × 2560 JPEG, and keeps it if asked.
fn cover(book: &Book, fonts: &Fonts, name: &str) -> (Vec<u8>, RgbImage) {
    let jpeg = ebook_cover(book, fonts).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        image::guess_format(&jpeg).unwrap(),
        image::ImageFormat::Jpeg
    );
    let decoded = image::load_from_memory_with_format(&jpeg, image::ImageFormat::Jpeg).unwrap();
    assert_eq!(decoded.dimensions(), (WIDTH, HEIGHT));
    if let Some(dir) = std::env::var_os("QUIRE_COVER_DIR") {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(Path::new(&dir).join(format!("{name}.jpg")), &jpeg).unwrap();
    }
    (jpeg, decoded.to_rgb8())
}

fn distance(a: Rgb<u8>, b: Rgb<u8>) -> u32 {
    a.0.iter()
        .zip(b.0)
        .map(|(&x, y)| u32::from(x.abs_diff(y)))
        .max()
        .unwrap_or(0)
}

/// Pixels inside the frame, in rows `rows`, that differ clearly from `background`.
fn ink_in_rows(image: &RgbImage, rows: std::ops::Range<u32>, background: Rgb<u8>) -> usize {
    rows.flat_map(|y| (200..WIDTH - 200).map(move |x| (x, y)))
        .filter(|&(x, y)| distance(*image.get_pixel(x, y), background) > 40)
        .count()
}

/// The outer margin is plain background and there is no ink within 100 px
/// of the edges; returns the background colour.
fn assert_clean_margin(image: &RgbImage) -> Rgb<u8> {
    let background = *image.get_pixel(0, 0);
    for (x, y, pixel) in image.enumerate_pixels() {
        let in_margin = x < MARGIN || y < MARGIN || x >= WIDTH - MARGIN || y >= HEIGHT - MARGIN;
        if in_margin {
            assert!(
                distance(*pixel, background) <= 3,
                "margin pixel ({x}, {y}) is {pixel:?}, background {background:?}"
            );
        }
    }
    background
}

/// Rows (top, bottom) holding ink, looking inside the frame only.
fn ink_rows(image: &RgbImage, background: Rgb<u8>) -> Vec<u32> {
    (200..HEIGHT - 200)
        .filter(|&y| (200..WIDTH - 200).any(|x| distance(*image.get_pixel(x, y), background) > 60))
        .collect()
}

#[test]
fn bundled_book_gets_a_typographic_cover() {
    let (book, fonts) = bundled();
    assert!(book.cover_art.is_none());
    let (_, image) = cover(&book, &fonts, "bundled");
    let background = assert_clean_margin(&image);
    // Title in the upper half, author's name near the foot, nothing elsewhere at the very top.
    assert!(ink_in_rows(&image, 600..1100, background) > 5_000);
    assert!(ink_in_rows(&image, 2100..2220, background) > 1_000);
    assert_eq!(ink_in_rows(&image, 200..300, background), 0);
    // Light type on a dark ground.
    let luma = |p: Rgb<u8>| p.0.iter().map(|&c| u32::from(c)).sum::<u32>();
    assert!(luma(background) < 200);
    assert!(cover_warnings(&book).is_empty());
}

#[test]
fn two_builds_are_byte_identical() {
    let (book, fonts) = bundled();
    let first = ebook_cover(&book, &fonts).unwrap();
    let second = ebook_cover(&book, &fonts).unwrap();
    assert!(first == second, "cover bytes differ between runs");
}

#[test]
fn long_titles_wrap_and_shrink_inside_the_margins() {
    let twenty = "A Very Long Title of Exactly Twenty Words That Keeps on Going Well Past \
                  Where Any Sensible Cover Would Stop";
    assert_eq!(twenty.split_whitespace().count(), 20);
    let cases: [(&str, &str, Option<&str>, &[&str]); 4] = [
        (
            "moby-dick",
            "Moby-Dick; or, The Whale",
            None,
            &["Herman Melville"],
        ),
        (
            "twenty-words",
            twenty,
            Some("With a Subtitle That Also Runs On for Rather a While"),
            &["First Author", "Second Author", "Third Author"],
        ),
        (
            "punctuation",
            "“Quoted” — and Dashed",
            Some("An ‘essay’ on punctuation…"),
            &["Émile Zola"],
        ),
        (
            "one-long-word",
            "Pneumonoultramicroscopicsilicovolcanoconiosis",
            None,
            &[],
        ),
    ];
    for (name, title, subtitle, authors) in cases {
        let (book, fonts) = book_with(title, subtitle, authors, None);
        let (_, image) = cover(&book, &fonts, name);
        let background = assert_clean_margin(&image);
        let rows = ink_rows(&image, background);
        assert!(!rows.is_empty(), "{name}: no text");
        // Ink stays well inside the frame.
        assert!(
            rows[0] > 300 && *rows.last().unwrap() < HEIGHT - 300,
            "{name}"
        );
    }
}

#[test]
fn missing_glyphs_are_an_error_naming_the_character() {
    // No face has these, the fallbacks included (☃ and ✈ the fallback draws).
    let (book, fonts) = book_with("Snow 中 Man", Some("Fine ☃"), &["Ann Author"], None);
    let err = ebook_cover(&book, &fonts).unwrap_err();
    let messages: Vec<String> = err.iter().map(|d| d.message.clone()).collect();
    assert_eq!(
        messages,
        ["the cover font has no glyph for “中” (U+4E2D) in the title"]
    );
    let d = err.iter().next().unwrap();
    assert_eq!(d.severity, Severity::Error);
    assert!(d.hint.as_deref().unwrap().contains("book.toml"), "{d}");

    let (book, fonts) = book_with("Fine", Some("Smile 日"), &["Ann ✈ 本 Author"], None);
    let err = ebook_cover(&book, &fonts).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("“日” (U+65E5) in the subtitle"), "{text}");
    assert!(
        text.contains("“本” (U+672C) in the author's name"),
        "{text}"
    );
    assert!(!text.contains('✈'), "{text}");
}

#[test]
fn no_subtitle_and_no_author_still_make_a_cover() {
    let (book, fonts) = book_with("Emma", None, &[], None);
    let (_, image) = cover(&book, &fonts, "no-author");
    let background = assert_clean_margin(&image);
    assert_eq!(ink_in_rows(&image, 2000..2300, background), 0);
}

const RED: Rgb<u8> = Rgb([220, 30, 30]);
const BLUE: Rgb<u8> = Rgb([20, 40, 160]);
const GREEN: Rgb<u8> = Rgb([30, 160, 60]);

/// A picture with a red square of `side` px centred on blue, inside a green
/// edge `edge` px wide.
fn framed_art(
    width: u32,
    height: u32,
    side: u32,
    edge: u32,
    format: image::ImageFormat,
) -> Vec<u8> {
    let art = RgbImage::from_fn(width, height, |x, y| {
        let inside = |v: u32, extent: u32| v >= (extent - side) / 2 && v < (extent + side) / 2;
        if x < edge || y < edge || x >= width - edge || y >= height - edge {
            GREEN
        } else if inside(x, width) && inside(y, height) {
            RED
        } else {
            BLUE
        }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(art)
        .write_to(&mut out, format)
        .unwrap();
    out.into_inner()
}

fn square_art(width: u32, height: u32, side: u32, format: image::ImageFormat) -> Vec<u8> {
    framed_art(width, height, side, 0, format)
}

/// Bounding box (width, height) of the reddish pixels.
fn red_box(image: &RgbImage) -> (u32, u32) {
    let (mut x0, mut y0, mut x1, mut y1) = (u32::MAX, u32::MAX, 0, 0);
    for (x, y, p) in image.enumerate_pixels() {
        if p.0[0] > 150 && p.0[2] < 100 {
            (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
        }
    }
    assert!(x1 >= x0, "no red square");
    (x1 - x0 + 1, y1 - y0 + 1)
}

#[test]
fn square_art_is_letterboxed_without_distortion() {
    let png = framed_art(1000, 1000, 400, 10, image::ImageFormat::Png);
    let (book, fonts) = book_with("Art", None, &["A"], Some(("art.png", png)));
    let (_, image) = cover(&book, &fonts, "letterboxed");
    let (w, h) = red_box(&image);
    // 400 px scaled by 1.6.
    assert!(w.abs_diff(640) <= 4 && h.abs_diff(640) <= 4, "{w} × {h}");
    // The art fills the width, centred; the bands above and below continue
    // its green edge, and its blue inside starts where it should.
    for y in [50, 400, HEIGHT - 400, HEIGHT - 50] {
        assert!(
            distance(*image.get_pixel(800, y), GREEN) <= 12,
            "band at {y}"
        );
    }
    assert!(distance(*image.get_pixel(800, 480 + 40), BLUE) <= 12);
    assert!(distance(*image.get_pixel(30, 1280), BLUE) <= 12);
    let warnings = cover_warnings(&book);
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings[0].message.contains("1000 × 1000 px, not 1.6:1"));
    assert!(warnings[0].message.contains("letterboxed"));
    assert!(warnings[1].message.contains("upscaled"));
}

#[test]
fn near_ratio_art_is_cropped_without_distortion() {
    // Height ÷ width 1.55: within 5 % of 1.6, so it covers the canvas.
    let jpeg = square_art(1200, 1860, 300, image::ImageFormat::Jpeg);
    let (book, fonts) = book_with("Art", None, &["A"], Some(("art.jpg", jpeg)));
    let (_, image) = cover(&book, &fonts, "cropped");
    let (w, h) = red_box(&image);
    // Cropped to 1162.5 × 1860, then scaled by 2560 / 1860.
    let expected = 300.0 * 2560.0 / 1860.0;
    assert!((w as f64 - expected).abs() <= 5.0, "{w}");
    assert!((h as f64 - expected).abs() <= 5.0, "{h}");
    // The art reaches every edge: no letterbox.
    for (x, y) in [
        (0, 0),
        (WIDTH - 1, 0),
        (0, HEIGHT - 1),
        (WIDTH - 1, HEIGHT - 1),
    ] {
        assert!(image.get_pixel(x, y).0[2] > 120, "corner ({x}, {y})");
    }
    let warnings = cover_warnings(&book);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].message.contains("smaller than 1600 × 2560"));
}

#[test]
fn a_ready_made_cover_jpeg_passes_through_untouched() {
    let jpeg = square_art(WIDTH, HEIGHT, 500, image::ImageFormat::Jpeg);
    let (book, fonts) = book_with("Art", None, &["A"], Some(("ready.jpg", jpeg.clone())));
    assert!(ebook_cover(&book, &fonts).unwrap() == jpeg);
    assert!(cover_warnings(&book).is_empty());
}

/// A 2560 × 1600 JPEG whose EXIF says "rotate 90° clockwise to view", as
/// phones write portrait photos: a red square near the top left as stored.
fn sideways_jpeg() -> Vec<u8> {
    let stored = RgbImage::from_fn(HEIGHT, WIDTH, |x, y| {
        if (100..300).contains(&x) && (100..300).contains(&y) {
            RED
        } else {
            BLUE
        }
    });
    let mut exif = b"Exif\0\0MM\0\x2a\0\0\0\x08\0\x01".to_vec();
    // Orientation (0x0112), SHORT, one value: 6; then no next IFD.
    exif.extend_from_slice(b"\x01\x12\0\x03\0\0\0\x01\0\x06\0\0\0\0\0\0");
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, 90);
    encoder.add_app_segment(1, &exif).unwrap();
    encoder
        .encode(
            stored.as_raw(),
            HEIGHT as u16,
            WIDTH as u16,
            jpeg_encoder::ColorType::Rgb,
        )
        .unwrap();
    out
}

#[test]
fn camera_orientation_is_applied() {
    let (book, fonts) = book_with("Art", None, &["A"], Some(("photo.jpg", sideways_jpeg())));
    let (_, image) = cover(&book, &fonts, "rotated");
    // Turned upright: the square is now near the top right, and nothing is letterboxed.
    assert!(distance(*image.get_pixel(1400, 200), RED) <= 12);
    assert!(distance(*image.get_pixel(200, 200), BLUE) <= 12);
    assert!(distance(*image.get_pixel(200, 1400), BLUE) <= 12);
    assert!(
        cover_warnings(&book).is_empty(),
        "{:?}",
        cover_warnings(&book)
    );
}

#[test]
fn tiny_art_is_below_kdp_minimum() {
    let png = square_art(300, 480, 100, image::ImageFormat::Png);
    let (book, fonts) = book_with("Art", None, &["A"], Some(("tiny.png", png)));
    cover(&book, &fonts, "tiny");
    let warnings = cover_warnings(&book);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0]
            .message
            .contains("below KDP's minimum of 625 × 1000")
    );
}

/// Best of a few runs, so a busy machine does not fail the test by chance.
fn best_time(runs: usize, mut f: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed()
        })
        .min()
        .unwrap()
}

#[test]
fn typographic_cover_is_fast() {
    let (book, fonts) = bundled();
    let elapsed = best_time(3, || {
        ebook_cover(&book, &fonts).unwrap();
    });
    println!("typographic cover (bundled book): {elapsed:?}");
    // Only a release build is held to the budget.
    if !cfg!(debug_assertions) {
        assert!(elapsed < Duration::from_millis(150), "{elapsed:?}");
    }
}

#[test]
fn fitting_large_art_takes_reasonable_time() {
    // Resampling is generic code compiled into this crate: in a debug build it
    // takes half a minute, and timing it there says nothing.
    if cfg!(debug_assertions) {
        return;
    }
    for (name, width, height, format) in [
        ("large-crop.jpg", 2400, 3840, image::ImageFormat::Jpeg),
        ("large-letterbox.png", 3000, 3000, image::ImageFormat::Png),
    ] {
        let art = square_art(width, height, 900, format);
        let (book, fonts) = book_with("Art", None, &["A"], Some((name, art)));
        let elapsed = best_time(2, || {
            ebook_cover(&book, &fonts).unwrap();
        });
        println!("cover from {width} × {height} art: {elapsed:?}");
        assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
    }
}

/// A name or title in a script the book's face lacks is drawn from the
/// fallback faces (`fonts.fallback`), as print sets it: an Arabic author's
/// name on an EPUB-only build's cover.
#[test]
fn the_typographic_cover_draws_from_the_fallback_faces() {
    let (book, fonts) = book_with("The Cairo Trilogy: Ένα Βιβλίο", None, &["نجيب محفوظ"], None);
    let (_, image) = cover(&book, &fonts, "fallback");
    let background = assert_clean_margin(&image);
    assert!(
        ink_in_rows(&image, 2100..2220, background) > 1_000,
        "the author's name is drawn"
    );
}

/// The cover art's warnings, as the pipeline's sink receives them.
fn cover_warnings(book: &quire::model::Book) -> quire::diag::Sink {
    let mut sink = quire::diag::Sink::new();
    quire::cover::cover_warnings(book, &mut sink);
    sink
}
