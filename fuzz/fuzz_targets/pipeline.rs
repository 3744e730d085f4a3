//! Arbitrary UTF-8 Markdown through the whole pipeline (EPUB and PDF): it
//! must never panic. Run with `cargo fuzz run pipeline` from the repository.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quire::project::Project;

const FONTS: [(&str, &[u8]); 4] = [
    ("fonts/EBGaramond-Regular.ttf", include_bytes!("../../fonts/EBGaramond-Regular.ttf")),
    ("fonts/EBGaramond-Italic.ttf", include_bytes!("../../fonts/EBGaramond-Italic.ttf")),
    ("fonts/EBGaramond-Bold.ttf", include_bytes!("../../fonts/EBGaramond-Bold.ttf")),
    ("fonts/EBGaramond-BoldItalic.ttf", include_bytes!("../../fonts/EBGaramond-BoldItalic.ttf")),
];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut project = Project::from_files(FONTS.iter().map(|(p, b)| (p.to_string(), b.to_vec())));
    project.insert("manuscript/book.toml", "title = \"Fuzz\"\nauthors = [\"A\"]\ndate = \"2026-01-01\"\n");
    project.insert("manuscript/01.md", text);
    // Errors are fine; panics are not.
    let _ = quire::build(&project, &quire::Options::default());
});
