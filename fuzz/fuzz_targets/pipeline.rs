//! Arbitrary UTF-8 Markdown through the whole pipeline (EPUB and PDF): it
//! must never panic, and a build that succeeds must give a well-formed EPUB
//! (every XHTML file and the OPF parse). Run with `cargo fuzz run pipeline`
//! from `fuzz/`.
#![no_main]

use std::io::{Cursor, Read};
use std::sync::{LazyLock, Mutex};

use libfuzzer_sys::fuzz_target;
use quire::BuildCache;
use quire::project::Project;

const FONTS: [(&str, &[u8]); 4] = [
    ("fonts/EBGaramond-Regular.ttf", include_bytes!("../../fonts/EBGaramond-Regular.ttf")),
    ("fonts/EBGaramond-Italic.ttf", include_bytes!("../../fonts/EBGaramond-Italic.ttf")),
    ("fonts/EBGaramond-Bold.ttf", include_bytes!("../../fonts/EBGaramond-Bold.ttf")),
    ("fonts/EBGaramond-BoldItalic.ttf", include_bytes!("../../fonts/EBGaramond-BoldItalic.ttf")),
];

/// The metadata never changes, so the cover is drawn once and reused (as in
/// watch mode); without this each run spends most of its time on the JPEG.
static CACHE: LazyLock<Mutex<BuildCache>> = LazyLock::new(|| Mutex::new(BuildCache::for_rebuilds()));

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut project = Project::from_files(FONTS.iter().map(|(p, b)| (p.to_string(), b.to_vec())));
    project.insert("manuscript/book.toml", "title = \"Fuzz\"\nauthors = [\"A\"]\ndate = \"2026-01-01\"\n");
    project.insert("manuscript/01.md", text);
    let mut cache = CACHE.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    // Errors are fine; panics are not.
    let Ok(outputs) = quire::build_with(&project, &quire::Options::default(), &mut cache) else {
        return;
    };
    let epub = outputs.files.iter().find(|f| f.name.ends_with(".epub")).expect("an EPUB");
    let mut zip = zip::ZipArchive::new(Cursor::new(&epub.bytes)).expect("the EPUB is a zip");
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).expect("a readable entry");
        if entry.name().ends_with(".xhtml") || entry.name().ends_with(".opf") {
            let mut xml = String::new();
            entry.read_to_string(&mut xml).expect("UTF-8 XML");
            let options = roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() };
            if let Err(e) = roxmltree::Document::parse_with_options(&xml, options) {
                panic!("{} is not well-formed: {e}\n{xml}", entry.name());
            }
        }
    }
    let pdf = outputs.files.iter().find(|f| f.name.ends_with(".pdf")).expect("a PDF");
    assert!(pdf.bytes.starts_with(b"%PDF-"));
});
