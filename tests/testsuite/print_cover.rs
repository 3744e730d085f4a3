//! The full-wrap print cover: its size from the trim, bleed and spine; the
//! trim box inset by the bleed on all four sides; fonts embedded; the strings
//! of the interior; cover art scaled to the front's bleed.

use crate::common;

use lopdf::{Document, Object};

fn cover_pdf(project: &quire::project::Project) -> (Vec<u8>, usize) {
    let outputs =
        quire::build(project, &quire::Options::default()).unwrap_or_else(|e| panic!("{e}"));
    let pdf = outputs
        .files
        .iter()
        .find(|f| f.name.ends_with("-cover.pdf"))
        .expect("a cover PDF");
    (pdf.bytes.clone(), outputs.pages)
}

fn numbers(doc: &Document, key: &[u8]) -> Vec<f64> {
    let (_, &page) = doc.get_pages().iter().next().unwrap();
    doc.get_object(page)
        .unwrap()
        .as_dict()
        .unwrap()
        .get(key)
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|o| match o {
            Object::Integer(i) => *i as f64,
            Object::Real(r) => *r as f64,
            other => panic!("{other:?}"),
        })
        .collect()
}

#[test]
fn the_wrap_is_sized_from_trim_spine_and_bleed() {
    let (pdf, pages) = cover_pdf(&common::bundled());
    let doc = Document::load_mem(&pdf).unwrap();
    assert_eq!(doc.get_pages().len(), 1);
    let spine = pages as f64 * 0.002252 * 72.0;
    let width = 2.0 * 5.0 * 72.0 + spine + 18.0;
    let media = numbers(&doc, b"MediaBox");
    assert!(
        (media[2] - width).abs() < 0.01 && (media[3] - (8.0 * 72.0 + 18.0)).abs() < 0.01,
        "{media:?}"
    );
    let trim = numbers(&doc, b"TrimBox");
    assert!(
        (trim[0] - 9.0).abs() < 0.01 && (trim[1] - 9.0).abs() < 0.01,
        "{trim:?}"
    );
    assert!(
        (trim[2] - (width - 9.0)).abs() < 0.01 && (trim[3] - (8.0 * 72.0 + 9.0)).abs() < 0.01,
        "{trim:?}"
    );
    let (fonts, embedded) = quire::check::count_embedded_fonts(&pdf);
    assert!(fonts >= 2 && fonts == embedded, "{embedded} of {fonts}");
}

#[test]
fn the_cover_carries_the_interiors_strings() {
    let mut project = common::bundled();
    let toml = String::from_utf8(project.get("manuscript/book.toml").unwrap().to_vec()).unwrap();
    project.insert(
        "manuscript/book.toml",
        toml.replace(
            "[print]",
            "isbn = { print = \"978-0-306-40615-7\" }\n\n[print]",
        ),
    );
    let (pdf, _) = cover_pdf(&project);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("c.pdf"), &pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg(dir.path().join("c.pdf"))
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for s in [
        "None of Us Are Free",
        "What Kazakhstan Can Learn from Black Lives Matter",
        "ISBN 9780306406157",
        "An essay on why",
    ] {
        assert!(text.contains(s), "{s} missing from: {text}");
    }
}

#[test]
fn cover_art_fills_the_front_to_its_bleed() {
    let mut project = common::bundled();
    let art = image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(
        1200,
        1800,
        image::Rgb([30, 90, 140]),
    ));
    project.insert(
        "cover/illustration.jpg",
        quire::images::encode_jpeg(&art, 90),
    );
    let (pdf, _) = cover_pdf(&project);
    let doc = Document::load_mem(&pdf).unwrap();
    let images: Vec<_> = doc
        .objects
        .values()
        .filter_map(|o| o.as_stream().ok())
        .filter(|s| {
            s.dict.get(b"Subtype").ok().and_then(|t| t.as_name().ok()) == Some(b"Image".as_slice())
        })
        .collect();
    assert_eq!(images.len(), 1);
    // Cropped to the front panel with its bleed: (5 in + 0.125) × (8 in + 0.25).
    let w = images[0].dict.get(b"Width").unwrap().as_i64().unwrap() as f64;
    let h = images[0].dict.get(b"Height").unwrap().as_i64().unwrap() as f64;
    assert!((w / h - 369.0 / 594.0).abs() < 0.01, "{w} × {h}");
}

#[test]
fn the_spine_parts_the_title_from_the_author() {
    // A wide space alone was set as a word space: "…Are Free Aizada Arystanbek".
    let project = common::bundled();
    let (book, _) = quire::load_book(&project, &quire::Options::default()).unwrap();
    let fonts = quire::fonts::Fonts::load(&project, &book.fonts).unwrap();
    // 300 pages: a spine wide enough for its text.
    let cover = quire::cover::print_cover(&book, &fonts, 300).unwrap();
    let spine: Vec<&str> = cover
        .strings
        .iter()
        .filter(|(panel, _)| *panel == quire::cover::print::Panel::Spine)
        .map(|(_, s)| s.as_str())
        .collect();
    assert_eq!(spine, ["None of Us Are Free • Aizada Arystanbek"]);
    // Read back from the PDF, the bullet stands between them.
    let pdf = quire::pdf::write_cover(&book, &cover.pages, &fonts, &cover.images).unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("c.pdf"), &pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg(dir.path().join("c.pdf"))
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        text.contains("None of Us Are Free • Aizada Arystanbek"),
        "{text}"
    );
}
