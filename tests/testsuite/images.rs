//! The manuscript's pictures in print, read back from the written PDFs:
//! transparency comes out as the paper's white (rendered with `pdftoppm`
//! and compared with the source image composited on white), JPEGs pass
//! through as `DCTDecode` and other images are deflated, and an image path
//! with spaces or `%20` is set as the image.

use crate::common;

use image::{DynamicImage, Rgb, RgbImage, Rgba, RgbaImage};
use lopdf::{Document, Object, Stream};

const TOML: &str = "title = \"Pictures\"\nauthors = [\"A. Writer\"]\ndate = \"2026-01-01\"\n";

/// A chapter that places `path` in a paragraph of its own.
fn chapter(path: &str) -> String {
    format!(
        "# Maps\n\nThe voyage went north, then east along the coast.\n\n![A map of the voyage]({path})\n\nAnd home again.\n"
    )
}

fn build(project: &quire::project::Project) -> quire::Outputs {
    quire::build(project, &quire::Options::default()).unwrap_or_else(|e| panic!("{e}"))
}

fn file<'a>(outputs: &'a quire::Outputs, suffix: &str) -> &'a [u8] {
    &outputs
        .files
        .iter()
        .find(|f| f.name.ends_with(suffix) && (suffix != ".pdf" || !f.name.ends_with("-cover.pdf")))
        .unwrap_or_else(|| panic!("no {suffix}"))
        .bytes
}

fn png(image: &DynamicImage) -> Vec<u8> {
    quire::images::encode_png(image)
}

/// A 20-px checkerboard of ink on a transparent background (whose colour
/// samples are black, as editors save them): opaque red, opaque blue, a
/// half-transparent green, and clear squares.
fn ornament(width: u32, height: u32, block: u32) -> RgbaImage {
    RgbaImage::from_fn(width, height, |x, y| match (x / block + y / block) % 4 {
        0 => Rgba([0, 0, 0, 0]),
        1 => Rgba([170, 20, 30, 255]),
        2 => Rgba([20, 150, 60, 128]),
        _ => Rgba([30, 50, 160, 255]),
    })
}

/// What a pixel looks like on white paper.
fn on_white(p: Rgba<u8>) -> Rgb<u8> {
    let over = |c: u8| {
        ((u32::from(c) * u32::from(p[3]) + 255 * (255 - u32::from(p[3])) + 127) / 255) as u8
    };
    Rgb([over(p[0]), over(p[1]), over(p[2])])
}

/// One page of a PDF rendered by poppler at `dpi`.
fn render(pdf: &[u8], page: usize, dpi: u32) -> RgbImage {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = dir.path().join("page");
    let status = std::process::Command::new("pdftoppm")
        .args(["-f", &page.to_string(), "-l", &page.to_string()])
        .args(["-r", &dpi.to_string(), "-png", "-singlefile"])
        .arg(&path)
        .arg(&out)
        .status()
        .expect("pdftoppm (poppler-utils) is installed");
    assert!(status.success());
    image::open(dir.path().join("page.png")).unwrap().to_rgb8()
}

/// An image placed on a page: its page (1-based), the page's media box and
/// the `cm` that places it, with its XObject.
struct Placed {
    page: usize,
    media: [f64; 4],
    cm: [f64; 6],
    xobject: Stream,
}

fn number(o: &Object) -> f64 {
    match o {
        Object::Integer(i) => *i as f64,
        Object::Real(r) => f64::from(*r),
        other => panic!("{other:?}"),
    }
}

/// Every image the PDF places, in page order.
fn placed_images(pdf: &[u8]) -> Vec<Placed> {
    let doc = Document::load_mem(pdf).unwrap();
    let mut found = Vec::new();
    for (number_, page_id) in doc.get_pages() {
        let page = doc.get_dictionary(page_id).unwrap();
        let media: Vec<f64> = page
            .get(b"MediaBox")
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .map(number)
            .collect();
        let content = doc.get_page_content(page_id);
        let ops = lopdf::content::Content::decode(&content)
            .unwrap()
            .operations;
        let mut cm = [0.0; 6];
        for op in ops {
            match op.operator.as_str() {
                "cm" => {
                    for (i, o) in op.operands.iter().enumerate() {
                        cm[i] = number(o);
                    }
                }
                "Do" => {
                    let name = op.operands[0].as_name().unwrap();
                    let deref = |o: &Object| match o {
                        Object::Reference(id) => doc.get_dictionary(*id).unwrap().clone(),
                        Object::Dictionary(d) => d.clone(),
                        other => panic!("{other:?}"),
                    };
                    let resources = deref(page.get(b"Resources").unwrap());
                    let xobjects = deref(resources.get(b"XObject").unwrap());
                    let id = xobjects.get(name).unwrap().as_reference().unwrap();
                    let xobject = doc.get_object(id).unwrap().as_stream().unwrap().clone();
                    found.push(Placed {
                        page: number_ as usize,
                        media: [media[0], media[1], media[2], media[3]],
                        cm,
                        xobject,
                    });
                }
                _ => {}
            }
        }
    }
    found
}

fn name<'a>(stream: &'a Stream, key: &[u8]) -> &'a [u8] {
    stream.dict.get(key).unwrap().as_name().unwrap()
}

#[test]
fn a_transparent_png_prints_white_where_it_is_clear() {
    let art = ornament(240, 160, 20);
    let source = DynamicImage::ImageRgba8(art.clone());
    let expected = RgbImage::from_fn(240, 160, |x, y| on_white(*art.get_pixel(x, y)));
    for (toml, what) in [
        (TOML.to_string(), "plain"),
        (format!("{TOML}[print]\npdf-x = true\n"), "PDF/X-4"),
    ] {
        let text = chapter("map.png");
        let project =
            common::project(&[("manuscript/book.toml", &toml), ("manuscript/01.md", &text)]);
        let mut project = project;
        project.insert("manuscript/map.png", png(&source));
        let outputs = build(&project);
        let pdf = file(&outputs, ".pdf").to_vec();
        let images = placed_images(&pdf);
        assert_eq!(images.len(), 1, "{what}");
        let placed = &images[0];
        let rendered = render(&pdf, placed.page, 144);
        let expected = if what == "plain" {
            // Flattened: no transparency left in the file (KDP's rule).
            assert!(placed.xobject.dict.get(b"SMask").is_err(), "{what}");
            assert_eq!(name(&placed.xobject, b"ColorSpace"), b"DeviceRGB");
            expected.clone()
        } else {
            // PDF/X-4 keeps it as a soft mask, in grey.
            assert!(placed.xobject.dict.get(b"SMask").is_ok(), "{what}");
            assert_eq!(name(&placed.xobject, b"ColorSpace"), b"DeviceGray");
            let grey = DynamicImage::ImageRgba8(art.clone()).into_luma_alpha8();
            RgbImage::from_fn(240, 160, |x, y| {
                let p = grey.get_pixel(x, y);
                on_white(Rgba([p[0], p[0], p[0], p[1]]))
            })
        };
        compare(&rendered, placed, &expected, 20, (0, 0), 144.0, what);
    }
}

/// Compares a rendered page with `expected` (the source as it should look
/// on paper) at the middle of each `block`-px square of the source; the
/// source's pixel `(sx, sy)` is the placed image's `(sx - crop.0, sy - crop.1)`.
fn compare(
    rendered: &RgbImage,
    placed: &Placed,
    expected: &RgbImage,
    block: u32,
    crop: (u32, u32),
    dpi: f64,
    what: &str,
) {
    let width = placed.xobject.dict.get(b"Width").unwrap().as_i64().unwrap() as f64;
    let height = placed
        .xobject
        .dict
        .get(b"Height")
        .unwrap()
        .as_i64()
        .unwrap() as f64;
    let [a, _, _, d, e, f] = placed.cm;
    let scale = dpi / 72.0;
    let mut checked = 0;
    for by in 0..expected.height() / block {
        for bx in 0..expected.width() / block {
            let (sx, sy) = (bx * block + block / 2, by * block + block / 2);
            if sx < crop.0 || sy < crop.1 {
                continue;
            }
            let (ix, iy) = (f64::from(sx - crop.0) + 0.5, f64::from(sy - crop.1) + 0.5);
            if ix >= width || iy >= height {
                continue;
            }
            let x = e + ix / width * a - placed.media[0];
            let y = f + d - iy / height * d;
            let (px, py) = ((x * scale) as u32, ((placed.media[3] - y) * scale) as u32);
            let got = rendered.get_pixel(px, py);
            let want = expected.get_pixel(sx, sy);
            let far = (0..3).any(|c| got[c].abs_diff(want[c]) > 10);
            assert!(
                !far,
                "{what}: square ({bx}, {by}) at ({px}, {py}) is {got:?}, the source on white {want:?}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 20, "{what}: only {checked} squares compared");
}

#[test]
fn transparent_cover_art_prints_white_where_it_is_clear() {
    let art = ornament(400, 600, 50);
    let expected = RgbImage::from_fn(400, 600, |x, y| on_white(*art.get_pixel(x, y)));
    let mut project = common::project(&[
        ("manuscript/book.toml", TOML),
        ("manuscript/01.md", "# One\n\nText.\n"),
    ]);
    project.insert("cover/art.png", png(&DynamicImage::ImageRgba8(art)));
    let outputs = build(&project);
    let pdf = file(&outputs, "-cover.pdf");
    let images = placed_images(pdf);
    assert_eq!(images.len(), 1);
    let placed = &images[0];
    assert!(placed.xobject.dict.get(b"SMask").is_err());
    // The art is cropped (centred) to the front's shape.
    let width = placed.xobject.dict.get(b"Width").unwrap().as_i64().unwrap() as u32;
    let height = placed
        .xobject
        .dict
        .get(b"Height")
        .unwrap()
        .as_i64()
        .unwrap() as u32;
    let crop = ((400 - width) / 2, (600 - height) / 2);
    let rendered = render(pdf, 1, 72);
    compare(&rendered, placed, &expected, 50, crop, 72.0, "cover");
}

/// A photograph-like picture: smooth light, some texture (in 8-px cells, so
/// that a sample a pixel off reads the same).
fn photo(width: u32, height: u32) -> DynamicImage {
    DynamicImage::ImageRgb8(RgbImage::from_fn(width, height, |x, y| {
        let cell = (x / 8).wrapping_mul(7919) ^ (y / 8).wrapping_mul(104_729);
        let noise = (cell.wrapping_mul(2_654_435_761) >> 27) as u8;
        Rgb([
            (x * 200 / width) as u8 + noise,
            (y * 180 / height) as u8 + noise,
            ((x + y) * 120 / (width + height)) as u8 + 60 + noise / 2,
        ])
    }))
}

/// The size of the PDF of a book placing `bytes` as `name`, and its one image.
fn pdf_with(name_: &str, bytes: Option<Vec<u8>>, toml: &str) -> (usize, Option<Placed>, Vec<u8>) {
    let text = chapter(name_);
    let mut project = common::project(&[
        ("manuscript/book.toml", toml),
        (
            "manuscript/01.md",
            if bytes.is_some() {
                &text
            } else {
                "# Maps\n\nThe voyage.\n"
            },
        ),
    ]);
    if let Some(bytes) = bytes {
        project.insert(format!("manuscript/{name_}"), bytes);
    }
    let outputs = build(&project);
    let pdf = file(&outputs, ".pdf").to_vec();
    let placed = placed_images(&pdf).into_iter().next();
    (pdf.len(), placed, pdf)
}

#[test]
fn a_jpeg_passes_through_as_dctdecode() {
    let picture = photo(600, 400);
    let jpeg = quire::images::encode_jpeg(&picture, 85);
    let (without, _, _) = pdf_with("photo.jpg", None, TOML);
    let (with, placed, pdf) = pdf_with("photo.jpg", Some(jpeg.clone()), TOML);
    let placed = placed.expect("the photo is placed");
    assert_eq!(name(&placed.xobject, b"Filter"), b"DCTDecode");
    assert_eq!(name(&placed.xobject, b"ColorSpace"), b"DeviceRGB");
    assert_eq!(placed.xobject.content, jpeg, "the JPEG's bytes, unchanged");
    // Raw, the 600 × 400 photo took 720 KB.
    assert!(
        with - without < jpeg.len() + 2_000,
        "a {} KB JPEG added {} KB to the PDF",
        jpeg.len() / 1000,
        (with - without) / 1000
    );
    // The photo at its natural size (one pixel a point) is what is printed.
    let decoded = image::load_from_memory(&jpeg).unwrap().to_rgb8();
    let rendered = render(&pdf, placed.page, 144);
    compare(&rendered, &placed, &decoded, 40, (0, 0), 144.0, "photo");

    // A grey interior re-encodes it as a grey JPEG.
    let grey_toml = format!("{TOML}[print]\ngrayscale-images = true\n");
    let (grey_size, grey, _) = pdf_with("photo.jpg", Some(jpeg.clone()), &grey_toml);
    let grey = grey.unwrap();
    assert_eq!(name(&grey.xobject, b"Filter"), b"DCTDecode");
    assert_eq!(name(&grey.xobject, b"ColorSpace"), b"DeviceGray");
    assert!(grey_size - without < jpeg.len() + 2_000);
}

#[test]
fn a_png_is_deflated_with_a_predictor() {
    let picture = photo(600, 400);
    let bytes = png(&picture);
    let (without, _, _) = pdf_with("plate.png", None, TOML);
    let (with, placed, pdf) = pdf_with("plate.png", Some(bytes.clone()), TOML);
    let placed = placed.unwrap();
    assert_eq!(name(&placed.xobject, b"Filter"), b"FlateDecode");
    let parms = placed
        .xobject
        .dict
        .get(b"DecodeParms")
        .unwrap()
        .as_dict()
        .unwrap();
    assert_eq!(parms.get(b"Predictor").unwrap().as_i64().unwrap(), 15);
    // No bigger than the PNG itself, give or take (raw it was 720 KB).
    assert!(
        with - without < bytes.len() * 11 / 10,
        "a {} KB PNG added {} KB to the PDF",
        bytes.len() / 1000,
        (with - without) / 1000
    );
    let rendered = render(&pdf, placed.page, 144);
    compare(
        &rendered,
        &placed,
        &picture.to_rgb8(),
        40,
        (0, 0),
        144.0,
        "plate",
    );
}

/// The figures of a book's EPUB and PDF, and its warnings.
fn figures(text: &str, files: &[(&str, Vec<u8>)]) -> (usize, usize, Vec<String>) {
    let mut project =
        common::project(&[("manuscript/book.toml", TOML), ("manuscript/01.md", text)]);
    for (path, bytes) in files {
        project.insert(*path, bytes.clone());
    }
    let outputs = build(&project);
    let epub = file(&outputs, ".epub");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(epub.to_vec())).unwrap();
    let epub_images = (0..zip.len())
        .filter(|&i| zip.by_index(i).unwrap().name().contains("images/"))
        .count();
    let pdf_images = placed_images(file(&outputs, ".pdf")).len();
    (
        epub_images,
        pdf_images,
        outputs.warnings.iter().map(|w| w.to_string()).collect(),
    )
}

#[test]
fn an_image_path_with_spaces_or_percent_escapes_is_set() {
    let map = png(&DynamicImage::ImageRgba8(ornament(40, 40, 20)));
    let files = [("manuscript/my map.png", map)];
    for written in [
        "![A map](my%20map.png)",
        "![A map](<my map.png>)",
        "![A map](my map.png)",
        "![A map](my map.png \"The voyage\")",
    ] {
        let text = format!("# Maps\n\nThe voyage.\n\n{written}\n\nHome.\n");
        let (epub, pdf, warnings) = figures(&text, &files);
        assert_eq!((epub, pdf), (1, 1), "{written}: {warnings:?}");
        assert!(
            !warnings
                .iter()
                .any(|w| w.contains("map.png") && !w.contains("dpi")),
            "{written}: {warnings:?}"
        );
    }
}

#[test]
fn an_image_path_with_spaces_inside_text_is_a_warning_at_its_place() {
    let map = png(&DynamicImage::ImageRgba8(ornament(40, 40, 20)));
    let text = "# Maps\n\nThe voyage.\n\nSee ![A map](my map.png) here.\n";
    let (epub, pdf, warnings) = figures(text, &[("manuscript/my map.png", map)]);
    assert_eq!((epub, pdf), (0, 0));
    let spaced: Vec<&String> = warnings.iter().filter(|w| w.contains("spaces")).collect();
    assert_eq!(spaced.len(), 1, "{warnings:?}");
    let warning = spaced[0];
    assert!(
        warning.contains("an image path with spaces is read as text: ![A map](my map.png)"),
        "{warning}"
    );
    assert!(warning.contains("manuscript/01.md:5:5"), "{warning}");
    assert!(
        warning.contains("<my map.png>") && warning.contains("%20"),
        "{warning}"
    );
}
