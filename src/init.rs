//! `quire init`: a new, buildable book project in an empty folder, with the
//! bundled fonts and their licence.

use std::path::Path;

use quire::diag::Diagnostic;

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

const FILES: [(&str, &[u8]); 10] = [
    (
        "manuscript/01-chapter.md",
        b"# Chapter One\n\nThe first paragraph of your book.\n\nThe second paragraph.\n",
    ),
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
    let files = std::iter::once(("manuscript/book.toml", toml.as_bytes())).chain(FILES);
    // Never over an author's file: what is there already stays, and is named.
    let mut kept = Vec::new();
    for (path, bytes) in files {
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
    if !kept.is_empty() {
        println!(
            "kept what {} already held, unchanged: {}",
            dir.display(),
            kept.join(", ")
        );
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
