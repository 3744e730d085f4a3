//! `quire init`: a new, buildable book project in an empty folder, with the
//! bundled fonts and their licence.

use std::path::Path;

use quire::diag::Diagnostic;

const FILES: [(&str, &[u8]); 11] = [
    (
        "manuscript/book.toml",
        b"title = \"Untitled\"\nauthors = [\"Your Name\"]\nlanguage = \"en\"\ndate = \"2026-01-01\"\n\n[print]\ntrim = \"6x9\"\n",
    ),
    (
        "manuscript/01-chapter.md",
        b"# Chapter One\n\nThe first paragraph of your book.\n\nThe second paragraph.\n",
    ),
    ("fonts/EBGaramond-Regular.ttf", include_bytes!("../fonts/EBGaramond-Regular.ttf")),
    ("fonts/EBGaramond-Italic.ttf", include_bytes!("../fonts/EBGaramond-Italic.ttf")),
    ("fonts/EBGaramond-Bold.ttf", include_bytes!("../fonts/EBGaramond-Bold.ttf")),
    ("fonts/EBGaramond-BoldItalic.ttf", include_bytes!("../fonts/EBGaramond-BoldItalic.ttf")),
    ("fonts/OFL.txt", include_bytes!("../fonts/OFL.txt")),
    ("fonts/JetBrainsMono-Regular.ttf", quire::fonts::BUNDLED[0].1),
    ("fonts/JetBrainsMono-OFL.txt", include_bytes!("../fonts/JetBrainsMono-OFL.txt")),
    ("fonts/DejaVuSans.ttf", quire::fonts::BUNDLED[1].1),
    ("fonts/DejaVu-LICENSE.txt", include_bytes!("../fonts/DejaVu-LICENSE.txt")),
];

pub fn run(dir: &Path) -> Result<(), Diagnostic> {
    if dir.join("manuscript").exists() {
        return Err(Diagnostic::error(format!(
            "{} already holds a manuscript/ folder",
            dir.display()
        ))
        .with_hint("run `quire init` in an empty folder; nothing was changed"));
    }
    for (path, bytes) in FILES {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| cannot_write(&target, e))?;
        }
        std::fs::write(&target, bytes).map_err(|e| cannot_write(&target, e))?;
    }
    std::fs::create_dir_all(dir.join("cover")).map_err(|e| cannot_write(&dir.join("cover"), e))?;
    let build = if dir == Path::new(".") || dir.as_os_str().is_empty() {
        "quire build".to_string()
    } else {
        format!("cd {} && quire build", dir.display())
    };
    println!(
        "created a new book in {}: set the title and authors in manuscript/book.toml, write in manuscript/01-chapter.md, then run `{build}`",
        dir.display()
    );
    Ok(())
}

fn cannot_write(path: &Path, err: std::io::Error) -> Diagnostic {
    Diagnostic::error(format!("cannot write {}: {err}", path.display()))
        .with_hint("check that the folder is writable")
}
