//! `quire init`: a new, buildable book project in an empty folder, with the
//! bundled fonts and their licence; and `quire import`, which writes a book
//! read from a Word file or an EPUB into the same layout.

use std::path::{Path, PathBuf};

use quire::diag::{Diagnostic, Diagnostics};

use quire::model::style::BookStyle;

/// The style a new book starts with when `--style` is not given.
pub const DEFAULT_STYLE: &str = "plain";

/// The new book's book.toml, in the named style (one of [`BookStyle::NAMES`]).
fn book_toml(style: &str) -> String {
    let names = BookStyle::NAMES.map(|n| format!("\"{n}\"")).join(", ");
    format!(
        "title = \"Untitled\"\nauthors = [\"Your Name\"]\nlanguage = \"en\"\ndate = \"2026-01-01\"\n\n\
         # The design: one of {names}; a [style] table (base = \"…\") overrides it element by element.\n\
         style = \"{style}\"\n\n[print]\ntrim = \"6x9\"\n"
    )
}

/// A new book's first chapter.
const FIRST_CHAPTER: (&str, &[u8]) = (
    "manuscript/01-chapter.md",
    b"# Chapter One\n\nThe first paragraph of your book.\n\nThe second paragraph.\n",
);

/// The fonts every new or imported book starts with, and their licences.
const FONTS: [(&str, &[u8]); 11] = [
    (
        "fonts/EBGaramond-Regular.ttf",
        include_bytes!("../fonts/EBGaramond-Regular.ttf"),
    ),
    (
        "fonts/EBGaramond-Italic.ttf",
        include_bytes!("../fonts/EBGaramond-Italic.ttf"),
    ),
    (
        "fonts/EBGaramond-Bold.ttf",
        include_bytes!("../fonts/EBGaramond-Bold.ttf"),
    ),
    (
        "fonts/EBGaramond-BoldItalic.ttf",
        include_bytes!("../fonts/EBGaramond-BoldItalic.ttf"),
    ),
    ("fonts/OFL.txt", include_bytes!("../fonts/OFL.txt")),
    (
        "fonts/JetBrainsMono-Regular.ttf",
        quire::fonts::BUNDLED[0].1,
    ),
    (
        "fonts/JetBrainsMono-OFL.txt",
        include_bytes!("../fonts/JetBrainsMono-OFL.txt"),
    ),
    ("fonts/DejaVuSans.ttf", quire::fonts::BUNDLED[1].1),
    (
        "fonts/DejaVu-LICENSE.txt",
        include_bytes!("../fonts/DejaVu-LICENSE.txt"),
    ),
    (quire::fonts::EMOJI, quire::fonts::BUNDLED[2].1),
    (
        "fonts/NotoEmoji-OFL.txt",
        include_bytes!("../fonts/NotoEmoji-OFL.txt"),
    ),
];

/// Creates the book in `dir`, in the named style (checked by the command line).
pub fn run(dir: &Path, style: &str) -> Result<(), Diagnostic> {
    if BookStyle::named(style).is_none() {
        let names = BookStyle::NAMES.map(|n| format!("`{n}`")).join(", ");
        return Err(
            Diagnostic::error(format!("unknown style `{style}`: expected one of {names}"))
                .with_hint("nothing was changed"),
        );
    }
    if dir.join("manuscript").exists() {
        return Err(Diagnostic::error(format!(
            "{} already holds a manuscript/ folder",
            dir.display()
        ))
        .with_hint("run `quire init` in an empty folder; nothing was changed"));
    }
    let toml = book_toml(style);
    let files = [("manuscript/book.toml", toml.as_bytes()), FIRST_CHAPTER];
    let kept = scaffold(dir, files)?;
    if !kept.is_empty() {
        println!(
            "kept what {} already held, unchanged: {}",
            dir.display(),
            kept.join(", ")
        );
    }
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

/// Writes a book's files into `dir` with the fonts and their licences and
/// an empty `cover/`, as `quire init` lays a book out. Never over an
/// author's file: what is there already stays, and is returned.
fn scaffold<'a>(
    dir: &Path,
    files: impl IntoIterator<Item = (&'a str, &'a [u8])>,
) -> Result<Vec<&'a str>, Diagnostic> {
    let mut kept = Vec::new();
    for (path, bytes) in files.into_iter().chain(FONTS) {
        let target = dir.join(path);
        if target.exists() {
            if std::fs::read(&target).ok().as_deref() != Some(bytes) {
                kept.push(path);
            }
            continue;
        }
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| cannot_write(&target, e))?;
        }
        std::fs::write(&target, bytes).map_err(|e| cannot_write(&target, e))?;
    }
    std::fs::create_dir_all(dir.join("cover")).map_err(|e| cannot_write(&dir.join("cover"), e))?;
    Ok(kept)
}

/// `quire import FILE [DIR]`: reads the source, then writes the book into a
/// new (or empty) folder, all at once: the files go into a hidden folder
/// beside it that is renamed into place, so an error leaves nothing behind.
pub fn import(file: &Path, dir: Option<&Path>) -> Result<(), Diagnostics> {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| file.display().to_string());
    let bytes = std::fs::read(file).map_err(|e| {
        Diagnostic::error(format!("cannot read {}: {e}", file.display()))
            .with_hint("give the path of a .docx or .epub file")
    })?;
    let dir: PathBuf = match dir {
        Some(dir) => dir.to_path_buf(),
        None => {
            let stem = Path::new(&name)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            PathBuf::from(quire::filename::file_stem(&stem))
        }
    };
    if dir.is_file() {
        return Err(
            Diagnostic::error(format!("{} is a file, not a folder", dir.display()))
                .with_hint(
                    "give a new folder for the book: quire import FILE NEWDIR; nothing was written",
                )
                .into(),
        );
    }
    let occupied = std::fs::read_dir(&dir)
        .map(|mut entries| entries.next().is_some())
        .unwrap_or(false);
    if occupied {
        return Err(Diagnostic::error(format!("{} is not empty", dir.display()))
            .with_hint("quire import never writes over a folder that holds anything: give a new folder (quire import FILE NEWDIR); nothing was written")
            .into());
    }
    let imported = quire::import::import(&name, &bytes)?;

    // Written beside the folder, then renamed into place.
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(|e| cannot_write(&parent, e))?;
    let leaf = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "book".into());
    let staging = parent.join(format!(".{leaf}.quire-import-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    let written = (|| -> Result<(), Diagnostic> {
        let files = imported
            .files
            .iter()
            .map(|(p, b)| (p.as_str(), b.as_slice()));
        scaffold(&staging, files)?;
        let report = full_report(&imported.report);
        std::fs::write(staging.join("import-report.txt"), report)
            .map_err(|e| cannot_write(&staging.join("import-report.txt"), e))?;
        if dir.is_dir() {
            std::fs::remove_dir(&dir).map_err(|e| cannot_write(&dir, e))?;
        }
        std::fs::rename(&staging, &dir).map_err(|e| cannot_write(&dir, e))
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e.into());
    }

    println!("imported {name} into {}/", dir.display());
    for line in &imported.report.lines {
        println!("  {line}");
    }
    for line in quire::diag::grouped(&imported.report.warnings) {
        eprintln!("{line}");
    }
    if !imported.report.warnings.is_empty() {
        println!(
            "{} warning{}; every one is in {}",
            imported.report.warnings.len(),
            if imported.report.warnings.len() == 1 {
                ""
            } else {
                "s"
            },
            dir.join("import-report.txt").display()
        );
    }
    println!(
        "created “{}” in {}: run `cd {} && quire serve` to see it",
        imported.title,
        dir.display(),
        dir.display()
    );
    Ok(())
}

/// The report as `import-report.txt` keeps it: every line and every warning.
fn full_report(report: &quire::import::report::Report) -> String {
    let mut out = format!(
        "quire import {}

",
        report.source
    );
    for line in &report.lines {
        out.push_str(line);
        out.push('\n');
    }
    if !report.warnings.is_empty() {
        out.push('\n');
        for warning in &report.warnings {
            out.push_str(&warning.to_string());
            out.push_str("\n\n");
        }
    }
    out
}

fn cannot_write(path: &Path, err: std::io::Error) -> Diagnostic {
    Diagnostic::error(format!("cannot write {}: {err}", path.display()))
        .with_hint("check that the folder is writable")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn book_toml_names_its_style_and_lists_the_others() {
        for name in BookStyle::NAMES {
            let toml = book_toml(name);
            assert!(toml.contains(&format!("\nstyle = \"{name}\"\n")), "{toml}");
            assert!(
                toml.contains("# The design: one of \"classic\", \"modern\", \"plain\";"),
                "{toml}"
            );
            let config = quire::config::parse(&toml).unwrap();
            assert_eq!(config.style, BookStyle::named(name).unwrap());
        }
    }

    #[test]
    fn each_style_makes_a_book_in_that_style() {
        for name in BookStyle::NAMES {
            let dir = tempfile::tempdir().unwrap();
            run(dir.path(), name).unwrap();
            let project = quire::project::Project::load(dir.path()).unwrap();
            let (book, warnings) = quire::load_book(&project, &quire::Options::default()).unwrap();
            assert_eq!(book.style, BookStyle::named(name).unwrap(), "{name}");
            assert!(warnings.is_empty(), "{name}: {warnings:?}");
        }
    }

    #[test]
    fn an_unknown_style_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let err = run(dir.path(), "fancy").unwrap_err();
        assert_eq!(
            err.message,
            "unknown style `fancy`: expected one of `classic`, `modern`, `plain`"
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
