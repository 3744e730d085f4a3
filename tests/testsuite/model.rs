//! The bundled essay resolves into the book the manuscript README describes.

use quire::model::{BlockKind, DisplayRole, SectionKind, plain_text};
use quire::project::Project;

fn bundled() -> quire::model::Book {
    let project = Project::load(std::path::Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
    let (book, warnings) = quire::load_book(&project, &quire::Options::default()).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    book
}

#[test]
fn sections_in_book_order() {
    let book = bundled();
    let kinds: Vec<_> = book
        .sections
        .iter()
        .map(|s| (s.kind, s.id.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            (SectionKind::HalfTitle, "half-title"),
            (SectionKind::TitlePage, "title-page"),
            (SectionKind::Copyright, "copyright"),
            (SectionKind::Contents, "contents"),
            (SectionKind::Chapter, "chapter-1"),
            (SectionKind::Appendix, "about-the-author"),
        ]
    );
    // The untitled essay takes the working title from book.toml.
    assert_eq!(book.sections[4].title, "None of Us Are Free");
    assert_eq!(book.sections[5].title, "About the Author");
}

#[test]
fn copyright_page_carries_credit_and_first_publication() {
    let book = bundled();
    let lines: Vec<(DisplayRole, String)> = book.sections[2]
        .blocks
        .iter()
        .filter_map(|b| match &b.kind {
            BlockKind::Display { role, content } => Some((*role, plain_text(content))),
            _ => None,
        })
        .collect();
    assert!(
        lines.contains(&(
            DisplayRole::Credit,
            "Illustration by Amanda Sonesson.".into()
        )),
        "{lines:?}"
    );
    assert!(lines.contains(&(
        DisplayRole::Notice,
        "This article was originally published by Lossi 36.".into()
    )));
}

#[test]
fn contents_lists_chapter_sections_and_back_matter() {
    let book = bundled();
    let BlockKind::Contents(entries) = &book.sections[3].blocks[1].kind else {
        panic!("no contents block");
    };
    let titles: Vec<(u8, &str)> = entries
        .iter()
        .map(|e| (e.level, e.title.as_str()))
        .collect();
    assert_eq!(
        titles,
        [
            (1, "None of Us Are Free"),
            (2, "What is behind the rage?"),
            (2, "What can we learn?"),
            (1, "About the Author"),
        ]
    );
}

#[test]
fn the_handle_stays_plain_text_and_quotes_stay_curly() {
    let book = bundled();
    let chapter = &book.sections[4];
    let text: String = chapter
        .blocks
        .iter()
        .filter_map(|b| match &b.kind {
            BlockKind::Paragraph { content, .. } => {
                assert!(
                    !content
                        .iter()
                        .any(|i| matches!(i, quire::model::Inline::Link { .. }))
                );
                Some(plain_text(content))
            }
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert!(text.contains("HOLA News Kazakhstan\u{a0}(@holanewskz) and go"));
    assert!(text.contains("“None of us are free until all of us are free”."));
    assert!(!text.contains('"'));
    // Every paragraph of the source is in the chapter, word for word.
    let source = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/manuscript-source/article.txt"
    ));
    if let Ok(source) = source {
        for paragraph in source.split("\n\n").map(str::trim).skip(1).take(22) {
            if paragraph.ends_with('?') && paragraph.len() < 30 {
                continue; // the two headings
            }
            assert!(text.contains(paragraph), "missing: {paragraph}");
        }
    }
}

#[test]
fn block_ids_are_in_reading_order() {
    let book = bundled();
    let mut last = None;
    for section in &book.sections {
        for block in &section.blocks {
            if let Some(prev) = last {
                assert!(block.id > prev);
            }
            last = Some(block.id);
        }
    }
    assert_eq!(last.unwrap().0 + 1, book.block_count);
}

#[test]
fn line_breaks_inside_emphasis_are_lifted_for_verse() {
    use quire::model::{Inline, lift_line_breaks, plain_text, verse_lines};
    let text = |t: &str| Inline::Text(t.to_string());
    let content = vec![
        text("one "),
        Inline::Emphasis(vec![text("two"), Inline::LineBreak, text("three")]),
        text(" four"),
    ];
    let lifted = lift_line_breaks(content.clone());
    assert_eq!(
        lifted,
        vec![
            text("one "),
            Inline::Emphasis(vec![text("two")]),
            Inline::LineBreak,
            Inline::Emphasis(vec![text("three")]),
            text(" four"),
        ]
    );
    assert_eq!(
        plain_text(&lifted),
        plain_text(&content),
        "the text is unchanged"
    );
    assert_eq!(verse_lines(&lifted).count(), 2);
}
