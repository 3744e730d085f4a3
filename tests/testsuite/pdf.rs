//! The written print PDF, parsed back: page count, page boxes with and
//! without bleed, fonts embedded as subsets, the document information, the
//! text of the title and copyright pages, bookmarks, and reproducibility.

use crate::common;

use lopdf::{Document, Object};
use quire::Options;

use common::{build_pdf, pdf_options};

fn rect(doc: &Document, page: lopdf::ObjectId, key: &[u8]) -> [f64; 4] {
    let dict = doc.get_object(page).unwrap().as_dict().unwrap();
    let array = dict.get(key).unwrap().as_array().unwrap();
    let mut out = [0.0; 4];
    for (i, v) in array.iter().enumerate() {
        out[i] = match v {
            Object::Integer(n) => *n as f64,
            Object::Real(r) => *r as f64,
            other => panic!("{other:?}"),
        };
    }
    out
}

/// Text of one page (1-based) with poppler's pdftotext, which CI installs.
fn page_text(pdf: &[u8], page: usize) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-f", &page.to_string(), "-l", &page.to_string(), "-layout"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(out.status.success());
    // Words joined by single spaces: lines may break anywhere.
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn pages_boxes_and_fonts() {
    let pdf = build_pdf(&common::bundled());
    let doc = Document::load_mem(&pdf).unwrap();
    let pages = doc.get_pages();
    assert!(pages.len() >= 12, "{} pages", pages.len());
    for (_, &id) in pages.iter() {
        assert_eq!(rect(&doc, id, b"MediaBox"), [0.0, 0.0, 360.0, 576.0]);
        assert_eq!(rect(&doc, id, b"TrimBox"), [0.0, 0.0, 360.0, 576.0]);
    }
    // Every font is embedded, as a subset (tagged name), with a ToUnicode map.
    let mut fonts = 0;
    for (_, object) in doc.objects.iter() {
        let Ok(dict) = object.as_dict() else { continue };
        if dict.get(b"Type").ok().and_then(|t| t.as_name().ok()) != Some(b"Font".as_slice()) {
            continue;
        }
        if dict.get(b"Subtype").unwrap().as_name().unwrap() != b"Type0" {
            continue;
        }
        fonts += 1;
        let name =
            String::from_utf8(dict.get(b"BaseFont").unwrap().as_name().unwrap().to_vec()).unwrap();
        assert!(
            name.len() > 7 && name.as_bytes()[6] == b'+',
            "subset tag: {name}"
        );
        assert!(name.contains("EBGaramond"), "{name}");
        assert!(dict.get(b"ToUnicode").is_ok(), "{name} has a ToUnicode map");
        let descendants = dict.get(b"DescendantFonts").unwrap().as_array().unwrap();
        let cid = doc
            .dereference(&descendants[0])
            .unwrap()
            .1
            .as_dict()
            .unwrap();
        let descriptor = doc
            .dereference(cid.get(b"FontDescriptor").unwrap())
            .unwrap()
            .1
            .as_dict()
            .unwrap();
        assert!(
            descriptor.get(b"FontFile2").is_ok() || descriptor.get(b"FontFile3").is_ok(),
            "{name} is embedded"
        );
    }
    assert!(fonts >= 2, "regular and italic are used");
}

#[test]
fn document_information() {
    let project = common::bundled();
    let pdf = build_pdf(&project);
    let doc = Document::load_mem(&pdf).unwrap();
    let info_ref = doc.trailer.get(b"Info").unwrap().as_reference().unwrap();
    let info = doc.get_object(info_ref).unwrap().as_dict().unwrap();
    let text = |key: &[u8]| {
        let bytes = info.get(key).unwrap().as_str().unwrap();
        if bytes.starts_with(&[0xfe, 0xff]) {
            let units: Vec<u16> = bytes[2..]
                .chunks(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16(&units).unwrap()
        } else {
            String::from_utf8_lossy(bytes).into_owned()
        }
    };
    assert_eq!(
        text(b"Title"),
        "None of Us Are Free: What Kazakhstan Can Learn from Black Lives Matter"
    );
    assert_eq!(text(b"Author"), "Aizada Arystanbek");
    assert!(text(b"Keywords").contains("Illustration by Amanda Sonesson"));
    // Dated as the EPUB is: by the input's time, never before the book's date.
    let (book, _) = quire::load_book(&project, &quire::Options::default()).unwrap();
    let day = book.meta.modified[..10].replace('-', "");
    assert!(day.as_str() >= "20261125", "{day}");
    assert!(
        text(b"CreationDate").starts_with(&format!("D:{day}")),
        "{}",
        text(b"CreationDate")
    );
    // One bookmark per section in the contents (chapter and back matter) plus the contents.
    let catalog = doc.catalog().unwrap();
    let outlines = doc
        .dereference(catalog.get(b"Outlines").unwrap())
        .unwrap()
        .1
        .as_dict()
        .unwrap();
    assert_eq!(outlines.get(b"Count").unwrap().as_i64().unwrap(), 3);
}

#[test]
fn title_and_copyright_pages_read_right() {
    let pdf = build_pdf(&common::bundled());
    let title = page_text(&pdf, 3);
    assert!(title.contains("None of Us Are Free"), "{title}");
    assert!(
        title.contains("What Kazakhstan Can Learn from Black Lives Matter"),
        "{title}"
    );
    assert!(title.contains("Aizada Arystanbek"), "{title}");
    let copyright = page_text(&pdf, 4);
    assert!(
        copyright.contains("Illustration by Amanda Sonesson."),
        "{copyright}"
    );
    assert!(
        copyright.contains("This article was originally published by Lossi 36."),
        "{copyright}"
    );
    // The first chapter page begins the essay, with ligatures extracted as letters.
    let text = (5..12).map(|p| page_text(&pdf, p)).collect::<String>();
    assert!(
        text.contains("There is no denying that social movements"),
        "{text}"
    );
}

/// Every glyph of the book extracts as the text it shows: the PDF's text
/// layer carries each glyph's text once, so a glyph left without it would
/// read as U+FFFD on every page it is drawn on.
#[test]
fn every_page_extracts_without_replacement_characters() {
    let pdf = build_pdf(&common::bundled());
    let pages = lopdf::Document::load_mem(&pdf).unwrap().get_pages().len();
    for page in 1..=pages {
        let text = page_text(&pdf, page);
        assert!(!text.contains('\u{FFFD}'), "page {page}: {text}");
    }
    // Words set with ligatures (fi, ff, ffi, fl) read as their letters.
    let all = (1..=pages)
        .map(|p| page_text(&pdf, p))
        .collect::<Vec<_>>()
        .join(" ");
    for word in ["first", "fight", "find", "effort", "influence"] {
        assert!(all.contains(word), "{word} is missing from the text layer");
    }
}

#[test]
fn bleed_extends_the_media_box_on_the_outside() {
    let mut project = common::bundled();
    let toml = String::from_utf8(project.get("manuscript/book.toml").unwrap().to_vec()).unwrap();
    project.insert(
        "manuscript/book.toml",
        toml.replace("[print]", "[print]\nbleed = true"),
    );
    let pdf = build_pdf(&project);
    let doc = Document::load_mem(&pdf).unwrap();
    for (number, &id) in doc.get_pages().iter() {
        assert_eq!(rect(&doc, id, b"MediaBox"), [0.0, 0.0, 369.0, 594.0]);
        let trim = rect(&doc, id, b"TrimBox");
        // Rectos (odd pages) bleed on the right, versos on the left.
        let left = if number % 2 == 1 { 0.0 } else { 9.0 };
        assert_eq!(trim, [left, 9.0, left + 360.0, 585.0], "page {number}");
    }
}

#[test]
fn two_builds_are_byte_identical() {
    let project = common::bundled();
    assert!(build_pdf(&project) == build_pdf(&project));
}

#[test]
fn pdf_x4_interior_has_output_intent_xmp_and_grey_images() {
    let mut project = common::bundled();
    let toml = String::from_utf8(project.get("manuscript/book.toml").unwrap().to_vec()).unwrap();
    project.insert(
        "manuscript/book.toml",
        toml.replace("[print]", "[print]\npdf-x = true"),
    );
    let essay = String::from_utf8(project.get("manuscript/essay.md").unwrap().to_vec()).unwrap();
    project.insert(
        "manuscript/essay.md",
        format!("{essay}\n\n![A red square](red.png \"Red\")\n"),
    );
    let red = image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(
        900,
        900,
        image::Rgb([200, 20, 20]),
    ));
    project.insert("manuscript/red.png", quire::images::encode_png(&red));
    let pdf = build_pdf(&project);
    assert!(pdf.starts_with(b"%PDF-1.6"), "PDF/X-4 files are PDF 1.6");
    let doc = Document::load_mem(&pdf).unwrap();
    let catalog = doc.catalog().unwrap();
    let intents = catalog.get(b"OutputIntents").unwrap().as_array().unwrap();
    let intent = intents[0].as_dict().unwrap();
    assert_eq!(intent.get(b"S").unwrap().as_name().unwrap(), b"GTS_PDFX");
    // ISO 32000-1 table 365 names the profile `/DestOutputProfile`.
    let profile = doc
        .dereference(
            intent
                .get(b"DestOutputProfile")
                .expect("the intent's profile"),
        )
        .unwrap()
        .1
        .as_stream()
        .unwrap();
    assert_eq!(
        profile.dict.get(b"N").unwrap().as_i64().unwrap(),
        4,
        "a CMYK profile"
    );
    assert!(intent.get(b"DestinationOutputProfile").is_err());
    let metadata = doc
        .dereference(catalog.get(b"Metadata").unwrap())
        .unwrap()
        .1
        .as_stream()
        .unwrap();
    let xmp = String::from_utf8(metadata.content.clone()).unwrap();
    assert!(
        xmp.contains("<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>"),
        "{xmp}"
    );
    assert!(xmp.contains("<pdf:Trapped>False</pdf:Trapped>"));
    roxmltree::Document::parse(&xmp).expect("the XMP packet is well-formed XML");
    let info = doc
        .get_object(doc.trailer.get(b"Info").unwrap().as_reference().unwrap())
        .unwrap()
        .as_dict()
        .unwrap();
    assert_eq!(
        info.get(b"GTS_PDFXVersion").unwrap().as_str().unwrap(),
        b"PDF/X-4"
    );
    // The image is grey, and nothing paints in DeviceRGB.
    let mut images = 0;
    for object in doc.objects.values() {
        if let Ok(stream) = object.as_stream()
            && stream
                .dict
                .get(b"Subtype")
                .ok()
                .and_then(|s| s.as_name().ok())
                == Some(b"Image".as_slice())
        {
            images += 1;
            assert_eq!(
                stream.dict.get(b"ColorSpace").unwrap().as_name().unwrap(),
                b"DeviceGray"
            );
        }
    }
    assert_eq!(images, 1);
    for (_, &page) in doc.get_pages().iter() {
        let content = doc.get_page_content(page);
        let ops = lopdf::content::Content::decode(&content).unwrap();
        assert!(
            !ops.operations
                .iter()
                .any(|op| op.operator == "rg" || op.operator == "RG")
        );
    }
    assert!(build_pdf(&project) == pdf, "reproducible");
}

#[test]
fn a_plain_pdf_claims_no_pdf_x() {
    let pdf = build_pdf(&common::bundled());
    let doc = Document::load_mem(&pdf).unwrap();
    assert!(doc.catalog().unwrap().get(b"OutputIntents").is_err());
    let info = doc
        .get_object(doc.trailer.get(b"Info").unwrap().as_reference().unwrap())
        .unwrap()
        .as_dict()
        .unwrap();
    assert!(info.get(b"GTS_PDFXVersion").is_err());
}

/// `/PageLabels` read back: the page index each range starts at, its style
/// and its first number.
fn page_labels(doc: &Document) -> Vec<(i64, Option<Vec<u8>>, i64)> {
    let catalog = doc.catalog().unwrap();
    let labels = doc
        .dereference(catalog.get(b"PageLabels").expect("page labels"))
        .unwrap()
        .1
        .as_dict()
        .unwrap();
    let nums = labels.get(b"Nums").unwrap().as_array().unwrap();
    nums.chunks(2)
        .map(|pair| {
            let range = pair[1].as_dict().unwrap();
            (
                pair[0].as_i64().unwrap(),
                range.get(b"S").ok().map(|s| s.as_name().unwrap().to_vec()),
                range.get(b"St").map_or(1, |n| n.as_i64().unwrap()),
            )
        })
        .collect()
}

/// A viewer shows the folios the pages print: roman for the front matter,
/// arabic from the first chapter's page 1.
#[test]
fn page_labels_read_as_the_folios() {
    let project = common::bundled();
    let (book, _) = quire::load_book(&project, &Options::default()).unwrap();
    let fonts = quire::fonts::Fonts::load(&project, &book.fonts).unwrap();
    let laid = quire::layout::layout(&book, &fonts, &mut quire::diag::Sink::new()).unwrap();
    let pdf = quire::pdf::write(&book, &laid.pages, &fonts).unwrap();
    let doc = Document::load_mem(&pdf).unwrap();
    let labels = page_labels(&doc);
    let folios: Vec<&str> = laid.pages.pages.iter().map(|p| p.folio.as_str()).collect();
    let first_arabic = folios.iter().position(|f| *f == "1").expect("a page 1");
    assert!(first_arabic > 0, "the essay has front matter");
    assert_eq!(
        labels,
        vec![
            (0, Some(b"r".to_vec()), 1),
            (first_arabic as i64, Some(b"D".to_vec()), 1)
        ],
        "folios {folios:?}"
    );
}

/// `pdf-x = "x-1a"`: PDF 1.3, X-1a identification, the intent with its
/// profile, grey images without a soft mask, nothing in RGB, no transparency.
#[test]
fn pdf_x1a_interior_is_grey_opaque_and_identified() {
    let mut project = common::bundled();
    let toml = String::from_utf8(project.get("manuscript/book.toml").unwrap().to_vec()).unwrap();
    project.insert(
        "manuscript/book.toml",
        toml.replace("[print]", "[print]\npdf-x = \"x-1a\""),
    );
    let essay = String::from_utf8(project.get("manuscript/essay.md").unwrap().to_vec()).unwrap();
    project.insert(
        "manuscript/essay.md",
        format!("{essay}\n\n![A translucent square](glass.png)\n"),
    );
    let glass = image::DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(
        600,
        600,
        image::Rgba([20, 40, 200, 128]),
    ));
    project.insert("manuscript/glass.png", quire::images::encode_png(&glass));
    let pdf = build_pdf(&project);
    assert!(
        pdf.starts_with(b"%PDF-1.3"),
        "PDF/X-1a:2001 files are PDF 1.3"
    );
    let doc = Document::load_mem(&pdf).unwrap();
    let info = doc
        .get_object(doc.trailer.get(b"Info").unwrap().as_reference().unwrap())
        .unwrap()
        .as_dict()
        .unwrap();
    assert_eq!(
        info.get(b"GTS_PDFXVersion").unwrap().as_str().unwrap(),
        b"PDF/X-1:2001"
    );
    assert_eq!(
        info.get(b"GTS_PDFXConformance").unwrap().as_str().unwrap(),
        b"PDF/X-1a:2001"
    );
    assert_eq!(info.get(b"Trapped").unwrap().as_name().unwrap(), b"False");
    let catalog = doc.catalog().unwrap();
    let intent = catalog.get(b"OutputIntents").unwrap().as_array().unwrap()[0]
        .as_dict()
        .unwrap();
    assert!(intent.get(b"DestOutputProfile").is_ok());
    assert!(intent.get(b"OutputConditionIdentifier").is_ok());
    let mut images = 0;
    for object in doc.objects.values() {
        let dict = match object {
            lopdf::Object::Dictionary(d) => d,
            lopdf::Object::Stream(s) => &s.dict,
            _ => continue,
        };
        assert!(dict.get(b"SMask").is_err(), "no soft mask in X-1a");
        assert!(dict.get(b"Group").is_err(), "no transparency group in X-1a");
        if dict.get(b"Subtype").ok().and_then(|s| s.as_name().ok()) == Some(b"Image".as_slice()) {
            images += 1;
            assert_eq!(
                dict.get(b"ColorSpace").unwrap().as_name().unwrap(),
                b"DeviceGray"
            );
        }
    }
    assert_eq!(images, 1);
    for (_, &page) in doc.get_pages().iter() {
        let ops = lopdf::content::Content::decode(&doc.get_page_content(page)).unwrap();
        assert!(
            !ops.operations
                .iter()
                .any(|op| matches!(op.operator.as_str(), "rg" | "RG" | "gs"))
        );
    }
    assert!(build_pdf(&project) == pdf, "reproducible");
}

#[test]
fn an_unknown_pdf_x_standard_is_an_error_at_its_key() {
    let mut project = common::bundled();
    let toml = String::from_utf8(project.get("manuscript/book.toml").unwrap().to_vec()).unwrap();
    let toml = toml.replace("[print]", "[print]\npdf-x = \"x-3\"");
    let line = toml.lines().position(|l| l.starts_with("pdf-x")).unwrap() + 1;
    project.insert("manuscript/book.toml", toml);
    let errors = quire::build(&project, &quire::Options::default()).unwrap_err();
    let text = errors.to_string();
    assert!(text.contains("unknown PDF/X standard `x-3`"), "{text}");
    assert!(text.contains(&format!("book.toml:{line}:")), "{text}");
}

/// A PDF/X cover claims the interior's standard, with its art and colours
/// converted to CMYK through the output intent's profile: no RGB anywhere.
#[test]
fn a_pdf_x_cover_is_cmyk() {
    for standard in ["x-1a", "x-4"] {
        let mut project = common::bundled();
        let toml =
            String::from_utf8(project.get("manuscript/book.toml").unwrap().to_vec()).unwrap();
        project.insert(
            "manuscript/book.toml",
            toml.replace("[print]", &format!("[print]\npdf-x = \"{standard}\"")),
        );
        let art = image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(1800, 2700, |x, _| {
            if x < 900 {
                image::Rgb([30, 80, 160])
            } else {
                image::Rgb([220, 40, 30])
            }
        }));
        project.insert("cover/art.png", quire::images::encode_png(&art));
        let outputs = quire::build(&project, &pdf_options()).unwrap_or_else(|e| panic!("{e}"));
        let cover = outputs
            .files
            .iter()
            .find(|f| f.name.ends_with("-cover.pdf"))
            .expect("a print cover");
        let doc = Document::load_mem(&cover.bytes).unwrap();
        let info = doc
            .get_object(doc.trailer.get(b"Info").unwrap().as_reference().unwrap())
            .unwrap()
            .as_dict()
            .unwrap();
        assert!(info.get(b"GTS_PDFXVersion").is_ok(), "{standard}");
        assert!(doc.catalog().unwrap().get(b"OutputIntents").is_ok());
        let mut images = Vec::new();
        for object in doc.objects.values() {
            if let Ok(stream) = object.as_stream()
                && stream
                    .dict
                    .get(b"Subtype")
                    .ok()
                    .and_then(|s| s.as_name().ok())
                    == Some(b"Image".as_slice())
            {
                images.push(
                    stream
                        .dict
                        .get(b"ColorSpace")
                        .unwrap()
                        .as_name()
                        .unwrap()
                        .to_vec(),
                );
            }
        }
        assert_eq!(images.len(), 1, "{standard}");
        assert_eq!(images[0], b"DeviceCMYK");
        for (_, &page) in doc.get_pages().iter() {
            let ops = lopdf::content::Content::decode(&doc.get_page_content(page)).unwrap();
            assert!(
                !ops.operations
                    .iter()
                    .any(|op| op.operator == "rg" || op.operator == "RG"),
                "{standard}: nothing painted in RGB"
            );
        }
    }
}
