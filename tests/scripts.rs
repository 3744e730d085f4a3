//! Every script printed: emoji from the bundled emoji face, CJK broken
//! between characters by Unicode's line-breaking rules, right-to-left
//! phrases ordered by the bidi algorithm, fallback glyphs in italic runs.

mod common;

use quire::{Formats, Options};

const TOML: &str = "title = \"Scripts\"\nauthors = [\"A. Writer\"]\ndate = \"2026-01-01\"\n";

fn pdf_options() -> Options {
    Options {
        formats: Formats {
            epub: false,
            pdf: true,
        },
        source_date_epoch: None,
        stores: None,
    }
}

fn build_pdf(project: &quire::project::Project) -> Vec<u8> {
    let outputs = quire::build(project, &pdf_options()).unwrap_or_else(|e| panic!("{e}"));
    outputs
        .files
        .into_iter()
        .find(|f| f.name.ends_with(".pdf"))
        .expect("a PDF")
        .bytes
}

/// The PDF's text as poppler's pdftotext reads it (raw order), and the
/// fonts pdffonts lists.
fn pdf_text(pdf: &[u8], tool: &str, args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new(tool)
        .args(args)
        .arg(&path)
        .args(if tool == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|_| panic!("{tool} (poppler-utils) is installed"));
    assert!(out.status.success(), "{tool} failed");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn emoji_print_from_the_bundled_emoji_face_in_the_text_layer() {
    let text = "Ships\n\nThe 🚢 sailed at dawn, and the crew drank ☕ on deck.\n";
    let project = common::project(&[("manuscript/book.toml", TOML), ("manuscript/01.md", text)]);
    let pdf = build_pdf(&project);
    let words = pdf_text(&pdf, "pdftotext", &["-raw"]);
    assert!(words.contains("The 🚢 sailed"), "{words}");
    assert!(words.contains("drank ☕ on"), "{words}");
    let fonts = pdf_text(&pdf, "pdffonts", &[]);
    assert!(fonts.contains("NotoEmoji-Regular"), "{fonts}");
}

#[test]
fn the_epub_does_not_embed_the_emoji_face() {
    let toml = format!("{TOML}[epub]\nembed-fonts = true\n");
    let text = "Ships\n\nThe 🚢 sailed at dawn.\n";
    let project = common::project(&[("manuscript/book.toml", &toml), ("manuscript/01.md", text)]);
    let options = Options {
        formats: Formats {
            epub: true,
            pdf: false,
        },
        source_date_epoch: None,
        stores: None,
    };
    let outputs = quire::build(&project, &options).unwrap_or_else(|e| panic!("{e}"));
    let epub = &outputs
        .files
        .iter()
        .find(|f| f.name.ends_with(".epub"))
        .expect("an EPUB")
        .bytes;
    let names: Vec<String> = zip::ZipArchive::new(std::io::Cursor::new(epub))
        .unwrap()
        .file_names()
        .map(str::to_string)
        .collect();
    assert!(
        names.iter().any(|n| n.ends_with("EBGaramond-Regular.ttf")),
        "{names:?}"
    );
    assert!(!names.iter().any(|n| n.contains("NotoEmoji")), "{names:?}");
}
