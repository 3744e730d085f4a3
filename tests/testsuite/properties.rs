//! Any UTF-8 Markdown goes through the whole pipeline, both back ends,
//! without a panic: the build either succeeds with a well-formed EPUB (every
//! XHTML file parses) and a PDF, or fails with diagnostics.

use crate::common;

use std::io::{Cursor, Read};

use proptest::prelude::*;

/// Markdown-flavoured text: structure characters, words, typography, HTML
/// fragments and arbitrary Unicode, mixed.
fn markdown() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("# ".to_string()),
        Just("## ".to_string()),
        Just("\n\n".to_string()),
        Just("\n".to_string()),
        Just("> ".to_string()),
        Just("- ".to_string()),
        Just("1. ".to_string()),
        Just("* * *\n".to_string()),
        Just("*".to_string()),
        Just("_".to_string()),
        Just("**".to_string()),
        Just("`".to_string()),
        Just("```\n".to_string()),
        Just("[^1]".to_string()),
        Just("[^1]: note\n".to_string()),
        Just("[link](http://example.com)".to_string()),
        Just("![alt](missing.png)".to_string()),
        Just("<div>".to_string()),
        Just("</b>".to_string()),
        Just("&amp; &#0; &".to_string()),
        Just("\"quoted\" -- dashes --- ...".to_string()),
        Just("  \n".to_string()),
        Just("\u{a0}".to_string()),
        "[a-z]{1,12}",
        "[a-zA-Z ]{1,40}",
        any::<String>(),
        "\\PC{1,8}",
    ];
    prop::collection::vec(piece, 0..40).prop_map(|parts| parts.concat())
}

/// Markdown the bundled fonts can set and that names no missing file: it must build.
fn settable_markdown() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("# ".to_string()),
        Just("## ".to_string()),
        Just("\n\n".to_string()),
        Just("\n".to_string()),
        Just("> ".to_string()),
        Just("- ".to_string()),
        Just("1. ".to_string()),
        Just("* * *\n".to_string()),
        Just("*".to_string()),
        Just("**".to_string()),
        Just("`".to_string()),
        Just("```\n".to_string()),
        Just("A note.[^n]\n\n[^n]: The note.\n".to_string()),
        Just("<span onclick=\"x\">".to_string()),
        Just("\"quoted\" -- dashes --- ...".to_string()),
        Just("  \n".to_string()),
        "[a-z]{1,12}",
        "[a-zA-Z ]{1,60}",
        "[a-zA-Z0-9 .,;:!?'()-]{1,200}",
        "[a-z]{30,80}",
    ];
    // Ending in words: a manuscript of nothing but blank lines and markers is
    // rightly an error (the book has no chapters).
    prop::collection::vec(piece, 1..60).prop_map(|parts| parts.concat() + "\n\nWords.\n")
}

fn check(text: &str) -> bool {
    let project = common::project(&[
        (
            "manuscript/book.toml",
            "title = \"Fuzz\"\nauthors = [\"A\"]\ndate = \"2026-01-01\"\n",
        ),
        ("manuscript/01.md", text),
    ]);
    match quire::build(&project, &quire::Options::default()) {
        Err(diagnostics) => {
            assert!(diagnostics.has_errors(), "a failed build reports an error");
            false
        }
        Ok(outputs) => {
            let epub = outputs
                .files
                .iter()
                .find(|f| f.name.ends_with(".epub"))
                .unwrap();
            let pdf = outputs
                .files
                .iter()
                .find(|f| f.name.ends_with(".pdf"))
                .unwrap();
            assert!(pdf.bytes.starts_with(b"%PDF-"));
            let mut zip = zip::ZipArchive::new(Cursor::new(&epub.bytes)).unwrap();
            for i in 0..zip.len() {
                let mut entry = zip.by_index(i).unwrap();
                if entry.name().ends_with(".xhtml") || entry.name().ends_with(".opf") {
                    let mut xml = String::new();
                    entry.read_to_string(&mut xml).unwrap();
                    let options = roxmltree::ParsingOptions {
                        allow_dtd: true,
                        ..roxmltree::ParsingOptions::default()
                    };
                    if let Err(e) = roxmltree::Document::parse_with_options(&xml, options) {
                        panic!("{} is not well-formed: {e}\n{xml}", entry.name());
                    }
                }
            }
            true
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn any_markdown_builds_or_fails_cleanly(text in markdown()) {
        check(&text);
    }

    #[test]
    fn settable_markdown_always_builds(text in settable_markdown()) {
        prop_assert!(check(&text), "did not build:\n{}", text);
    }
}

#[test]
fn known_awkward_inputs() {
    for text in [
        "",
        "\n\n\n",
        "#",
        "> ",
        "- \n- \n",
        "[^1]\n\n[^1]: [^1]",
        "***\n---\n___",
        "```\nunclosed",
        "\u{feff}# BOM",
        "a\u{0}b",
        "\u{202e}right-to-left override",
        "ﬁ ﬂ ligature characters",
    ] {
        let _ = check(text);
    }
}
