//! Unit tests of the XHTML writer: page markers at their offsets, escaping,
//! notes, lists, links, nesting and the generated pages.

use super::*;
use crate::epub::plan::plan;
use crate::model::{BlockId, Inline, ListItem, PageMap, PageStart, TextPos};

/// A book in `style` (a `style = …` value) from Markdown chapters.
fn styled_book(style: &str, chapters: &[&str]) -> Book {
    let mut files = vec![(
        "manuscript/book.toml".to_string(),
        format!("title = \"T\"\nauthors = [\"A\"]\ndate = \"2024-01-01\"\nstyle = {style}\n"),
    )];
    for (i, markdown) in chapters.iter().enumerate() {
        files.push((format!("manuscript/{:02}.md", i + 1), markdown.to_string()));
    }
    let project = crate::project::Project::from_files(files);
    crate::load_book(&project, &crate::Options::default())
        .unwrap()
        .0
}

/// The XHTML of chapter `n` (from 0) with pages at (block index, offset) in it.
fn render_chapter(book: &Book, n: usize, pages: &[(usize, u32)]) -> String {
    let chapter = book
        .sections
        .iter()
        .enumerate()
        .filter(|(_, s)| s.kind == SectionKind::Chapter)
        .nth(n)
        .unwrap()
        .0;
    let xhtml = render_section(book, chapter, pages, &[]);
    well_formed(&xhtml);
    xhtml
}

/// Section `index`'s XHTML with pages at (block index in it, offset).
fn render_section(
    book: &Book,
    index: usize,
    pages: &[(usize, u32)],
    hrefs: &[Option<String>],
) -> String {
    let map = PageMap {
        pages: pages
            .iter()
            .enumerate()
            .map(|(i, &(block, offset))| PageStart {
                label: (i + 1).to_string(),
                section: index as u32,
                at: TextPos {
                    block: book.sections[index].blocks[block].id,
                    offset,
                },
                blank: false,
            })
            .collect(),
    };
    let plan = plan(book, &map);
    section_document(book, &plan, hrefs, index)
}

/// A one-chapter book from Markdown.
fn book(markdown: &str) -> Book {
    let project = crate::project::Project::from_files([
        (
            "manuscript/book.toml",
            "title = \"T & <U>\"\nauthors = [\"A\"]\ndate = \"2024-01-01\"\n",
        ),
        ("manuscript/ch.md", markdown),
    ]);
    crate::load_book(&project, &crate::Options::default())
        .unwrap()
        .0
}

fn chapter_index(book: &Book) -> usize {
    book.sections
        .iter()
        .position(|s| s.kind == SectionKind::Chapter)
        .unwrap()
}

/// The chapter's XHTML with pages at (block index in the chapter, offset).
fn render(book: &Book, pages: &[(usize, u32)]) -> String {
    let hrefs = vec![Some("images/image-1.png".to_string()); book.images.len()];
    render_section(book, chapter_index(book), pages, &hrefs)
}

fn mark(label: &str) -> String {
    format!(
        "<span epub:type=\"pagebreak\" role=\"doc-pagebreak\" id=\"page-{label}\" aria-label=\"{label}\"/>"
    )
}

fn well_formed(xhtml: &str) {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    if let Err(e) = roxmltree::Document::parse_with_options(xhtml, options) {
        panic!("{e}\n{xhtml}");
    }
}

#[test]
fn page_marks_go_at_their_offsets() {
    let b = book("# Loomings\n\nCall me *Ishmael today*. Some years ago.\n");
    // Block 1 is the paragraph: "Call me Ishmael today. Some years ago."
    let inside_emphasis = render(&b, &[(1, 16)]);
    assert!(
        inside_emphasis.contains(&format!("<em>Ishmael {}today</em>", mark("1"))),
        "{inside_emphasis}"
    );
    let inside_word = render(&b, &[(1, 11)]);
    assert!(
        inside_word.contains(&format!("Call me {}<em>Ishmael", mark("1"))),
        "moved back to the word's start, outside the emphasis: {inside_word}"
    );
    let at_end = render(&b, &[(1, 38)]);
    assert!(
        at_end.contains(&format!("years ago.{}</p>", mark("1"))),
        "{at_end}"
    );
    let at_start = render(&b, &[(1, 0), (1, 0), (0, 0)]);
    assert!(
        at_start.contains(&format!("{}<h1", mark("3"))),
        "a page opening at a heading is marked before it: {at_start}"
    );
    assert!(
        at_start.contains(&format!("{}{}<p", mark("1"), mark("2"))),
        "{at_start}"
    );
    for xhtml in [inside_emphasis, inside_word, at_end, at_start] {
        well_formed(&xhtml);
    }
}

#[test]
fn line_breaks_count_one_and_note_references_none() {
    let b = book("# T\n\nOne[^1] two  \nthree.\n\n[^1]: A note.\n");
    // "One two\nthree.": "two" at 4, "three" at 8.
    let xhtml = render(&b, &[(1, 4), (1, 8)]);
    assert!(
        xhtml.contains(&format!(
            // Hard-broken lines are verse: a line each.
            "</a></sup> {}two</p>\n<p class=\"line\">{}three.",
            mark("1"),
            mark("2")
        )),
        "{xhtml}"
    );
    well_formed(&xhtml);
}

#[test]
fn footnotes_become_footnote_asides_with_backlinks() {
    let b = book("# T\n\nA[^a] and again[^a], then[^b].\n\n[^a]: First.\n\n[^b]: - listed\n");
    let xhtml = render(&b, &[]);
    well_formed(&xhtml);
    assert!(xhtml.contains("<sup><a epub:type=\"noteref\" role=\"doc-noteref\" id=\"ref-note-chapter-1-1\" href=\"#note-chapter-1-1\">1</a></sup>"), "{xhtml}");
    assert!(
        xhtml.contains("id=\"ref-note-chapter-1-1-2\" href=\"#note-chapter-1-1\">1</a>"),
        "{xhtml}"
    );
    assert!(xhtml.contains("<aside id=\"note-chapter-1-1\" class=\"note\" epub:type=\"footnote\" role=\"doc-footnote\">\n<p class=\"noindent\"><a class=\"note-label\" href=\"#ref-note-chapter-1-1\" role=\"doc-backlink\">1</a> First.</p>\n</aside>"), "{xhtml}");
    // A note that opens with a list gets its label on a line of its own.
    assert!(xhtml.contains("<aside id=\"note-chapter-1-2\" class=\"note\" epub:type=\"footnote\" role=\"doc-footnote\">\n<p class=\"noindent\"><a class=\"note-label\" href=\"#ref-note-chapter-1-2\" role=\"doc-backlink\">2</a> </p>\n<ul>"), "{xhtml}");
    // The notes close the chapter's section, after its text.
    assert!(xhtml.find("then").unwrap() < xhtml.find("<aside").unwrap());
    assert!(
        xhtml
            .trim_end()
            .ends_with("</aside>\n</section>\n</body>\n</html>"),
        "{xhtml}"
    );
}

#[test]
fn text_and_attributes_are_escaped() {
    let b = book(
        "# A <b>&amp;</b> \"title\"\n\n<i onclick=\"x()\">raw</i> & a [link](https://e.com/?a=1&b=\"2\") and [js](javascript:alert(1)).\n\n```\n</code></pre><script>\n```\n",
    );
    let xhtml = render(&b, &[]);
    well_formed(&xhtml);
    assert!(
        xhtml.contains("&lt;i onclick=\"x()\"&gt;raw&lt;/i&gt; &amp; a"),
        "{xhtml}"
    );
    assert!(
        xhtml.contains("<a href=\"https://e.com/?a=1&amp;b=%222%22\">link</a> and js."),
        "{xhtml}"
    );
    assert!(
        xhtml.contains("<pre><code>&lt;/code&gt;&lt;/pre&gt;&lt;script&gt;</code></pre>"),
        "{xhtml}"
    );
    // The entity in the Markdown is decoded, then escaped again.
    assert!(
        xhtml.contains("<title>A &lt;b&gt;&amp;&lt;/b&gt; “title”</title>"),
        "{xhtml}"
    );
    assert!(!xhtml.contains("<script"));
}

#[test]
fn lists_keep_their_numbers_and_figures_their_text() {
    let mut b = book("# T\n\n3. three\n4. four\n\n- a\n- b\n\n***\n\nAfter.\n");
    let chapter = chapter_index(&b);
    // A list whose numbers jump (as a hand-made model may have).
    if let BlockKind::List { items, .. } = &mut b.sections[chapter].blocks[1].kind {
        items[1].marker = "7.".into();
    }
    let xhtml = render(&b, &[]);
    well_formed(&xhtml);
    assert!(
        xhtml.contains(
            "<ol start=\"3\">\n<li>\n<p class=\"noindent\">three</p>\n</li>\n<li value=\"7\">"
        ),
        "{xhtml}"
    );
    assert!(
        xhtml.contains("<ul>\n<li>\n<p class=\"noindent\">a</p>"),
        "{xhtml}"
    );
    assert!(
        xhtml.contains(
            "<p class=\"scene-break\" role=\"separator\"><span aria-hidden=\"true\">⁂</span></p>\n<p class=\"noindent\">After.</p>"
        ),
        "{xhtml}"
    );
    assert_eq!(
        list_values(
            true,
            &[
                ListItem {
                    marker: "1.".into(),
                    blocks: vec![]
                },
                ListItem {
                    marker: "2.".into(),
                    blocks: vec![]
                }
            ]
        )
        .start,
        None
    );
}

#[test]
fn links_never_nest() {
    let mut b = book("# T\n\nText[^1].\n\n[^1]: Note.\n");
    let chapter = chapter_index(&b);
    let BlockKind::Paragraph { content, .. } = &mut b.sections[chapter].blocks[1].kind else {
        panic!()
    };
    let note_ref = content.remove(1);
    content.push(Inline::Link {
        url: "https://a.example".into(),
        content: vec![
            Inline::Text("outer ".into()),
            Inline::Link {
                url: "https://b.example".into(),
                content: vec![Inline::Text("inner".into())],
            },
            note_ref,
        ],
    });
    let xhtml = render(&b, &[]);
    well_formed(&xhtml);
    assert!(
        xhtml.contains(
            "<a href=\"https://a.example\">outer inner<sup id=\"ref-note-chapter-1-1\">1</sup></a>"
        ),
        "{xhtml}"
    );
    // The backlink still has its target.
    assert!(xhtml.contains("href=\"#ref-note-chapter-1-1\""));
}

#[test]
fn deep_nesting_does_not_overflow() {
    let mut b = book("# T\n\nText.\n");
    let chapter = chapter_index(&b);
    let mut deep = b.sections[chapter].blocks[1].clone();
    for i in 0..5_000 {
        deep = Block {
            id: BlockId(1_000 + i),
            kind: if i % 2 == 0 {
                BlockKind::Quote(vec![deep])
            } else {
                BlockKind::List {
                    ordered: true,
                    items: vec![ListItem {
                        marker: "1.".into(),
                        blocks: vec![deep],
                    }],
                }
            },
            span: None,
        };
    }
    let mut inlines = vec![Inline::Text("core".into())];
    for _ in 0..5_000 {
        inlines = vec![Inline::Emphasis(inlines)];
    }
    b.sections[chapter].blocks.push(deep);
    b.sections[chapter].blocks.push(Block {
        id: BlockId(99_999),
        kind: BlockKind::Paragraph {
            content: inlines,
            indent: true,
        },
        span: None,
    });
    let xhtml = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || {
            let xhtml = render(&b, &[(2, 0)]);
            std::mem::forget(b); // dropping it would recurse
            xhtml
        })
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(xhtml.matches("<blockquote>").count(), 2_500);
    assert_eq!(xhtml.matches("<em>").count(), 5_000);
    // A page starting at the outermost quote is marked at its first text.
    assert!(
        xhtml.contains(&format!("{}<p class=\"noindent\">Text.</p>", mark("1"))),
        "{}",
        &xhtml[..2000]
    );
}

#[test]
fn generated_pages_and_contents() {
    let b = book("# T\n\nText.\n\n## Part <two>\n\nMore.\n");
    let plan = plan(&b, &PageMap::default());
    let contents = b
        .sections
        .iter()
        .position(|s| s.kind == SectionKind::Contents)
        .unwrap();
    let xhtml = section_document(&b, &plan, &[], contents);
    well_formed(&xhtml);
    // The contents' heading is a block of the model, labelling the nav.
    assert!(xhtml.contains("<nav class=\"contents\" epub:type=\"toc\" role=\"doc-toc\" aria-labelledby=\"contents\">"), "{xhtml}");
    assert!(xhtml.contains("<h1 id=\"contents\">Contents</h1>"));
    assert!(xhtml.contains("<li><a href=\"chapter-1.xhtml\">T</a>\n<ol>\n<li><a href=\"chapter-1.xhtml#part-two\">Part &lt;two&gt;</a></li>\n</ol>\n</li>"), "{xhtml}");
    let title_page = section_document(&b, &plan, &[], 1);
    well_formed(&title_page);
    assert!(
        title_page.contains("<h1 class=\"book-title\">T &amp; &lt;U&gt;</h1>"),
        "{title_page}"
    );
    assert!(title_page.contains("<p class=\"author\">A</p>"));
    assert!(title_page.contains("<body epub:type=\"frontmatter\">"));
    assert!(title_page.contains("lang=\"en\" xml:lang=\"en\""));
}

#[test]
fn a_chapters_label_is_written_inside_its_title() {
    let b = styled_book(
        "\"classic\"",
        &[
            "# Loomings Begin\n\nCall me Ishmael.\n",
            "# The Carpet-Bag\n\nI stuffed a shirt.\n",
        ],
    );
    assert_eq!(b.sections.iter().filter(|s| s.label.is_some()).count(), 2);
    let xhtml = render_chapter(&b, 0, &[(0, 0), (0, 9)]);
    // The label is not in the model's text: page marks count the title only.
    assert!(
        xhtml.contains(&format!(
            "{}<h1 id=\"loomings-begin\"><span class=\"chapter-label\">Chapter One</span> <span class=\"chapter-title\">Loomings {}Begin</span></h1>",
            mark("1"),
            mark("2")
        )),
        "{xhtml}"
    );
    assert!(
        xhtml.contains("aria-labelledby=\"loomings-begin\""),
        "{xhtml}"
    );
    let second = render_chapter(&b, 1, &[]);
    assert!(
        second.contains("<span class=\"chapter-label\">Chapter Two</span>"),
        "{second}"
    );
}

#[test]
fn a_label_without_a_title_is_the_chapters_heading() {
    // Chapters written without headings, and a heading that is only its number.
    for chapters in [
        ["Call me Ishmael.\n", "I stuffed a shirt or two.\n"],
        [
            "# Chapter I\n\nCall me Ishmael.\n",
            "# CHAPTER II.\n\nI stuffed a shirt or two.\n",
        ],
    ] {
        let b = styled_book("\"classic\"", &chapters);
        let xhtml = render_chapter(&b, 1, &[(0, 0)]);
        assert!(
            xhtml.contains(&format!("{}<h1 id=\"", mark("1"))),
            "{xhtml}"
        );
        assert!(
            xhtml.contains(
                "\"><span class=\"chapter-number\">Chapter Two</span></h1>\n<p class=\"noindent opening\">"
            ),
            "{xhtml}"
        );
        // Never "Chapter Two Chapter II", nor a label over nothing.
        assert!(!xhtml.contains("chapter-label"), "{xhtml}");
        assert!(!xhtml.contains(">Chapter II"), "{xhtml}");
        assert_eq!(
            b.sections
                .iter()
                .find(|s| s.id == "chapter-2")
                .unwrap()
                .title,
            "Chapter Two"
        );
    }
}

#[test]
fn the_opening_paragraph_is_classed_for_its_drop_cap() {
    let chapters = [
        "# Loomings\n\n> A motto.\n\nCall me *Ishmael*. Some years ago.\n\nAnother paragraph.\n",
        "# The Carpet-Bag\n\nText.\n",
    ];
    let classic = styled_book("\"classic\"", &chapters);
    let xhtml = render_chapter(&classic, 0, &[]);
    // The epigraph is marked; the paragraph after it opens the chapter, its
    // lead-in in small capitals and its first word whole.
    assert!(
        xhtml.contains("<blockquote class=\"epigraph\">\n<p class=\"noindent\">A motto.</p>"),
        "{xhtml}"
    );
    assert!(
        xhtml.contains(
            "<p class=\"noindent opening\"><span class=\"sc\">Call me <em>Ishmael</em>.</span> Some years ago.</p>"
        ),
        "{xhtml}"
    );
    assert_eq!(xhtml.matches("opening").count(), 1);
    // Without a drop cap there is nothing to class.
    let plain = styled_book("\"plain\"", &chapters);
    let xhtml = render_chapter(&plain, 0, &[]);
    assert!(!xhtml.contains("opening"), "{xhtml}");
    assert!(
        xhtml.contains("<p class=\"noindent\">Call me <em>Ishmael</em>. Some years ago.</p>"),
        "{xhtml}"
    );
    assert_eq!(
        xhtml.contains("chapter-label"),
        plain.sections.iter().any(|s| s.label.is_some())
    );
}

#[test]
fn small_caps_from_the_manuscript_are_a_span() {
    let b = book("# T\n\nThe [BBC]{.smallcaps} said.\n");
    let xhtml = render(&b, &[]);
    assert!(
        xhtml.contains("The <span class=\"sc\">BBC</span> said."),
        "{xhtml}"
    );
}

#[test]
fn a_scene_break_shows_the_styles_ornament_as_a_separator() {
    let chapters = ["# One\n\nBefore.\n\n***\n\nAfter.\n", "# Two\n\nText.\n"];
    let classic = render_chapter(&styled_book("\"classic\"", &chapters), 0, &[]);
    assert!(
        classic.contains(
            "<p class=\"noindent opening\"><span class=\"sc\">Before.</span></p>\n<p class=\"scene-break\" role=\"separator\"><span aria-hidden=\"true\">❧</span></p>\n<p class=\"noindent\">After.</p>"
        ),
        "{classic}"
    );
    let modern = render_chapter(&styled_book("\"modern\"", &chapters), 0, &[]);
    assert!(
        modern.contains(
            "<span aria-hidden=\"true\">•\u{a0}\u{a0}\u{a0}•\u{a0}\u{a0}\u{a0}•</span></p>"
        ),
        "{modern}"
    );
    let mut empty = styled_book("\"plain\"", &chapters);
    empty.style.scene_break = crate::model::style::SceneBreak {
        ornaments: Vec::new(),
    };
    let fallback = render_chapter(&empty, 0, &[]);
    assert!(
        fallback.contains("<span aria-hidden=\"true\">⁂</span></p>"),
        "no ornament named: the fallback stands in: {fallback}"
    );
}
