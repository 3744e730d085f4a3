//! One section of the model → one XHTML content document: headings,
//! paragraphs, quotes, lists, code, scene breaks, figures, the lines of the
//! generated pages, the visible contents, footnotes as endnotes at the end of
//! the section, and the print edition's page-break markers at the character
//! offsets the plan gives.
//!
//! Blocks and inlines are written from explicit stacks, not by recursion, so
//! any nesting depth is safe. Everything from the manuscript is escaped.

use super::escape::{push_attr, push_char, push_text, safe_url};
use super::plan::{Break, PageMark, Plan, SectionIds};
use crate::model::{
    Block, BlockKind, Book, ContentsEntry, DisplayRole, Inline, ListItem, Matter, Section,
    SectionKind,
};

/// Writes section `index` of `book` as a complete XHTML document.
/// `image_hrefs[i]` is where `book.images[i]` lives in the package, if used.
pub fn section_document(
    book: &Book,
    plan: &Plan,
    image_hrefs: &[Option<String>],
    index: usize,
) -> String {
    let section = &book.sections[index];
    let ids = &plan.sections[index];
    let mut writer = Writer {
        plan,
        ids,
        section,
        image_hrefs,
        out: String::with_capacity(estimate_len(section)),
        headings_written: 0,
        refs_written: vec![0; section.notes.len()],
        link_depth: 0,
        backlink_for: None,
    };
    writer.document(book);
    writer.out
}

/// A first guess at the document's size, so the buffer rarely grows.
fn estimate_len(section: &Section) -> usize {
    let source = section.blocks.len() * 400 + section.notes.len() * 200;
    source + 1024
}

/// A page marker: `<span epub:type="pagebreak" role="doc-pagebreak" id="page-3" aria-label="3"/>`.
pub fn push_page_mark(out: &mut String, mark: &PageMark) {
    out.push_str(r#"<span epub:type="pagebreak" role="doc-pagebreak" id=""#);
    push_attr(out, &mark.id);
    out.push_str(r#"" aria-label=""#);
    push_attr(out, &mark.label);
    out.push_str("\"/>");
}

/// Page markers inside one leaf block, written as its text goes by.
struct Marks<'p> {
    breaks: &'p [Break],
    pages: &'p [PageMark],
    next: usize,
    /// Characters of the block's text written so far.
    pos: u32,
}

impl<'p> Marks<'p> {
    fn new(breaks: &'p [Break], pages: &'p [PageMark]) -> Self {
        Marks {
            breaks,
            pages,
            next: 0,
            pos: 0,
        }
    }

    /// Writes the markers due at the current position.
    fn flush(&mut self, out: &mut String) {
        while let Some(b) = self.breaks.get(self.next) {
            if b.offset > self.pos {
                break;
            }
            if let Some(mark) = self.pages.get(b.page) {
                push_page_mark(out, mark);
            }
            self.next += 1;
        }
    }

    /// Writes the markers left at the block's end.
    fn finish(&mut self, out: &mut String) {
        self.pos = u32::MAX;
        self.flush(out);
    }

    /// Counts characters that are not written (the contents' line separators).
    fn advance(&mut self, chars: u32) {
        self.pos = self.pos.saturating_add(chars);
    }

    /// Writes text, escaped, with the markers that fall inside it.
    fn text(&mut self, out: &mut String, text: &str) {
        if self.next >= self.breaks.len() {
            push_text(out, text);
            self.advance(text.chars().count() as u32);
            return;
        }
        for c in text.chars() {
            self.flush(out);
            push_char(out, c);
            self.pos = self.pos.saturating_add(1);
        }
    }
}

/// A step of the block walk.
enum Step<'a> {
    Block(&'a Block),
    /// Opens a list item (its blocks and closing tag follow on the stack).
    Item {
        value: Option<u64>,
    },
    Close(&'static str),
}

/// A step of the inline walk.
enum InlineStep<'a> {
    Inline(&'a Inline),
    Close(&'static str),
    CloseLink,
}

struct Writer<'a> {
    plan: &'a Plan,
    ids: &'a SectionIds,
    section: &'a Section,
    image_hrefs: &'a [Option<String>],
    out: String,
    /// Headings written so far (their ids come from the plan in this order).
    headings_written: usize,
    /// Per note, references written so far.
    refs_written: Vec<usize>,
    /// Links open around the current inline: links cannot nest.
    link_depth: usize,
    /// A note whose backlink goes at the start of the next paragraph.
    backlink_for: Option<usize>,
}

impl<'a> Writer<'a> {
    fn document(&mut self, book: &Book) {
        let section = self.section;
        let language = super::opf::language_tag(&book.meta.language);
        let title = if section.title.trim().is_empty() {
            &book.meta.title
        } else {
            &section.title
        };
        self.out.push_str(concat!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
            "<!DOCTYPE html>\n",
            "<html xmlns=\"http://www.w3.org/1999/xhtml\" ",
            "xmlns:epub=\"http://www.idpf.org/2007/ops\" lang=\""
        ));
        push_attr(&mut self.out, language);
        self.out.push_str("\" xml:lang=\"");
        push_attr(&mut self.out, language);
        self.out
            .push_str("\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>");
        push_text(&mut self.out, title.trim());
        self.out.push_str(concat!(
            "</title>\n",
            "<link rel=\"stylesheet\" type=\"text/css\" href=\"stylesheet.css\"/>\n",
            "</head>\n<body epub:type=\""
        ));
        self.out.push_str(match section.kind.matter() {
            Matter::Front => "frontmatter",
            Matter::Body => "bodymatter",
            Matter::Back => "backmatter",
        });
        self.out.push_str("\">\n");

        let (element, class, semantics) = wrapper(section.kind);
        self.out.push('<');
        self.out.push_str(element);
        self.out.push_str(" class=\"");
        self.out.push_str(class);
        self.out.push('"');
        self.out.push_str(semantics);
        let opens_with_heading = matches!(
            section.blocks.first(),
            Some(Block {
                kind: BlockKind::Heading { .. },
                ..
            })
        );
        let generated_heading = section.kind == SectionKind::Contents && !opens_with_heading;
        let label = if generated_heading {
            Some(&self.ids.generated_heading)
        } else if opens_with_heading {
            self.ids.headings.first()
        } else {
            None
        };
        if let Some(label) = label {
            self.out.push_str(" aria-labelledby=\"");
            push_attr(&mut self.out, label);
            self.out.push('"');
        }
        self.out.push_str(">\n");
        for &page in &self.ids.pages_at_start {
            self.page_mark(page);
        }
        if generated_heading {
            self.out.push_str("<h1 id=\"");
            push_attr(&mut self.out, &self.ids.generated_heading);
            self.out.push_str("\">");
            push_text(&mut self.out, title.trim());
            self.out.push_str("</h1>\n");
        }
        self.blocks(&section.blocks);
        self.notes();
        for &page in &self.ids.pages_at_end {
            self.page_mark(page);
        }
        self.out.push_str("</");
        self.out.push_str(element);
        self.out.push_str(">\n</body>\n</html>\n");
    }

    fn page_mark(&mut self, page: usize) {
        if let Some(mark) = self.plan.pages.get(page) {
            push_page_mark(&mut self.out, mark);
            self.out.push('\n');
        }
    }

    /// The section's footnotes, as endnotes with links back to the text.
    fn notes(&mut self) {
        let section = self.section;
        if section.notes.is_empty() {
            return;
        }
        self.out.push_str(
            "<section class=\"endnotes\" epub:type=\"endnotes\" role=\"doc-endnotes\">\n<ol>\n",
        );
        for (n, note) in section.notes.iter().enumerate() {
            self.out.push_str("<li id=\"");
            push_attr(&mut self.out, &self.ids.notes[n]);
            // No epub:type "endnote" (deprecated): the list of a doc-endnotes section says it.
            self.out.push_str("\">\n");
            let opens_with_paragraph = matches!(
                note.blocks.first(),
                Some(Block {
                    kind: BlockKind::Paragraph { .. },
                    ..
                })
            );
            if opens_with_paragraph {
                self.backlink_for = Some(n);
            } else {
                self.out.push_str("<p class=\"noindent\">");
                self.backlink(n);
                self.out.push_str("</p>\n");
            }
            self.blocks(&note.blocks);
            self.backlink_for = None;
            self.out.push_str("</li>\n");
        }
        self.out.push_str("</ol>\n</section>\n");
    }

    /// The note's label, linking back to its first reference.
    fn backlink(&mut self, n: usize) {
        let note = &self.section.notes[n];
        let label = note_label(&note.label, n);
        match self.ids.refs[n].first() {
            Some(ref_id) => {
                self.out.push_str("<a class=\"note-label\" href=\"#");
                push_attr(&mut self.out, ref_id);
                self.out.push_str("\" role=\"doc-backlink\">");
                push_text(&mut self.out, &label);
                self.out.push_str("</a> ");
            }
            None => {
                self.out.push_str("<span class=\"note-label\">");
                push_text(&mut self.out, &label);
                self.out.push_str("</span> ");
            }
        }
    }

    fn blocks(&mut self, blocks: &'a [Block]) {
        let mut stack: Vec<Step<'a>> = blocks.iter().rev().map(Step::Block).collect();
        while let Some(step) = stack.pop() {
            match step {
                Step::Close(tag) => self.out.push_str(tag),
                Step::Item { value } => {
                    self.out.push_str("<li");
                    if let Some(value) = value {
                        self.out.push_str(&format!(" value=\"{value}\""));
                    }
                    self.out.push_str(">\n");
                }
                Step::Block(block) => match &block.kind {
                    BlockKind::Quote(children) => {
                        self.out.push_str("<blockquote>\n");
                        stack.push(Step::Close("</blockquote>\n"));
                        stack.extend(children.iter().rev().map(Step::Block));
                    }
                    BlockKind::List { ordered, items } => {
                        let values = list_values(*ordered, items);
                        if *ordered {
                            self.out.push_str("<ol");
                            if let Some(start) = values.start {
                                self.out.push_str(&format!(" start=\"{start}\""));
                            }
                            self.out.push_str(">\n");
                            stack.push(Step::Close("</ol>\n"));
                        } else {
                            self.out.push_str("<ul>\n");
                            stack.push(Step::Close("</ul>\n"));
                        }
                        for (item, value) in items.iter().zip(values.values).rev() {
                            stack.push(Step::Close("</li>\n"));
                            stack.extend(item.blocks.iter().rev().map(Step::Block));
                            stack.push(Step::Item { value });
                        }
                    }
                    _ => self.leaf(block),
                },
            }
        }
    }

    /// A block with text of its own (or none: a scene break).
    fn leaf(&mut self, block: &'a Block) {
        let plan = self.plan;
        let mut marks = Marks::new(plan.breaks(block), &plan.pages);
        // A page that starts with this block is marked before it, outside the element.
        marks.flush(&mut self.out);
        match &block.kind {
            BlockKind::Heading { level, content, .. } => {
                let level = (*level).clamp(1, 6);
                let id = self.ids.headings.get(self.headings_written).cloned();
                self.headings_written += 1;
                self.out.push_str(&format!("<h{level}"));
                if let Some(id) = id {
                    self.out.push_str(" id=\"");
                    push_attr(&mut self.out, &id);
                    self.out.push('"');
                }
                self.out.push('>');
                self.inlines(content, &mut marks);
                marks.finish(&mut self.out);
                self.out.push_str(&format!("</h{level}>\n"));
            }
            BlockKind::Paragraph { content, indent } => {
                self.out.push_str(if *indent {
                    "<p>"
                } else {
                    "<p class=\"noindent\">"
                });
                if let Some(n) = self.backlink_for.take() {
                    self.backlink(n);
                }
                self.inlines(content, &mut marks);
                marks.finish(&mut self.out);
                self.out.push_str("</p>\n");
            }
            BlockKind::Display { role, content } => {
                let (open, close) = display_tags(*role);
                self.out.push_str(open);
                self.inlines(content, &mut marks);
                marks.finish(&mut self.out);
                self.out.push_str(close);
            }
            BlockKind::Code { text } => {
                self.out.push_str("<pre><code>");
                marks.text(&mut self.out, text);
                marks.finish(&mut self.out);
                self.out.push_str("</code></pre>\n");
            }
            BlockKind::SceneBreak => {
                marks.finish(&mut self.out);
                self.out.push_str("<hr class=\"scene-break\"/>\n");
            }
            BlockKind::Figure {
                image,
                alt,
                caption,
            } => {
                self.out.push_str("<figure>\n");
                match self
                    .image_hrefs
                    .get(image.0 as usize)
                    .and_then(Option::as_ref)
                {
                    Some(href) => {
                        self.out.push_str("<img src=\"");
                        push_attr(&mut self.out, href);
                        self.out.push_str("\" alt=\"");
                        push_attr(&mut self.out, alt.trim());
                        self.out.push_str("\"/>\n");
                    }
                    // Not in the package (cannot happen for a resolved book): keep the words.
                    None if !alt.trim().is_empty() => {
                        self.out.push_str("<p class=\"noindent\">");
                        push_text(&mut self.out, alt.trim());
                        self.out.push_str("</p>\n");
                    }
                    None => {}
                }
                if !caption.is_empty() {
                    self.out.push_str("<figcaption>");
                    self.inlines(caption, &mut marks);
                    marks.finish(&mut self.out);
                    self.out.push_str("</figcaption>\n");
                }
                marks.finish(&mut self.out);
                self.out.push_str("</figure>\n");
            }
            BlockKind::Contents(entries) => self.contents(entries, &mut marks),
            BlockKind::Quote(_) | BlockKind::List { .. } => {}
        }
    }

    /// The visible contents: a nested list of links, no page numbers.
    fn contents(&mut self, entries: &[ContentsEntry], marks: &mut Marks<'_>) {
        if entries.is_empty() {
            marks.finish(&mut self.out);
            return;
        }
        self.out.push_str("<ol class=\"toc\">\n");
        let (mut item_open, mut sublist_open) = (false, false);
        for (i, entry) in entries.iter().enumerate() {
            if i > 0 {
                marks.advance(1); // the line separator in the block's text
            }
            let nested = entry.level >= 2 && item_open;
            if nested {
                if !sublist_open {
                    self.out.push_str("\n<ol>\n");
                    sublist_open = true;
                }
            } else {
                if sublist_open {
                    self.out.push_str("</ol>\n");
                    sublist_open = false;
                }
                if item_open {
                    self.out.push_str("</li>\n");
                }
                item_open = true;
            }
            self.out.push_str("<li>");
            marks.flush(&mut self.out);
            match self.plan.href(&entry.section, entry.anchor.as_deref()) {
                Some(href) => {
                    self.out.push_str("<a href=\"");
                    push_attr(&mut self.out, &href);
                    self.out.push_str("\">");
                    marks.text(&mut self.out, &entry.title);
                    self.out.push_str("</a>");
                }
                None => marks.text(&mut self.out, &entry.title),
            }
            if i + 1 == entries.len() {
                marks.finish(&mut self.out);
            }
            if nested {
                self.out.push_str("</li>\n");
            }
        }
        if sublist_open {
            self.out.push_str("</ol>\n");
        }
        if item_open {
            self.out.push_str("</li>\n");
        }
        self.out.push_str("</ol>\n");
    }

    fn inlines(&mut self, inlines: &'a [Inline], marks: &mut Marks<'_>) {
        let mut stack: Vec<InlineStep<'a>> = inlines.iter().rev().map(InlineStep::Inline).collect();
        while let Some(step) = stack.pop() {
            let inline = match step {
                InlineStep::Close(tag) => {
                    self.out.push_str(tag);
                    continue;
                }
                InlineStep::CloseLink => {
                    self.link_depth -= 1;
                    self.out.push_str("</a>");
                    continue;
                }
                InlineStep::Inline(inline) => inline,
            };
            match inline {
                Inline::Text(text) => marks.text(&mut self.out, text),
                Inline::Code(text) => {
                    marks.flush(&mut self.out);
                    self.out.push_str("<code>");
                    marks.text(&mut self.out, text);
                    self.out.push_str("</code>");
                }
                Inline::Emphasis(children) | Inline::Strong(children) => {
                    let strong = matches!(inline, Inline::Strong(_));
                    marks.flush(&mut self.out);
                    self.out.push_str(if strong { "<strong>" } else { "<em>" });
                    stack.push(InlineStep::Close(if strong {
                        "</strong>"
                    } else {
                        "</em>"
                    }));
                    stack.extend(children.iter().rev().map(InlineStep::Inline));
                }
                Inline::Link { url, content } => {
                    // Any other target (or a link inside a link) is not
                    // followed: the words stay, as text.
                    if let Some(href) = safe_url(url).filter(|_| self.link_depth == 0) {
                        marks.flush(&mut self.out);
                        self.out.push_str("<a href=\"");
                        push_attr(&mut self.out, &href);
                        self.out.push_str("\">");
                        self.link_depth += 1;
                        stack.push(InlineStep::CloseLink);
                    }
                    stack.extend(content.iter().rev().map(InlineStep::Inline));
                }
                Inline::NoteRef { note, label } => self.note_ref(*note as usize, label),
                Inline::LineBreak => {
                    marks.flush(&mut self.out);
                    self.out.push_str("<br/>");
                    marks.advance(1);
                }
            }
        }
    }

    /// A footnote reference: a superscript link to the note (plain inside a link).
    fn note_ref(&mut self, n: usize, label: &str) {
        let label = note_label(label, n);
        let Some(note_id) = self.ids.notes.get(n) else {
            self.out.push_str("<sup>");
            push_text(&mut self.out, &label);
            self.out.push_str("</sup>");
            return;
        };
        let occurrence = self.refs_written[n];
        self.refs_written[n] += 1;
        let ref_id = self.ids.refs[n].get(occurrence);
        if self.link_depth > 0 {
            self.out.push_str("<sup");
            if let Some(ref_id) = ref_id {
                self.out.push_str(" id=\"");
                push_attr(&mut self.out, ref_id);
                self.out.push('"');
            }
            self.out.push('>');
            push_text(&mut self.out, &label);
            self.out.push_str("</sup>");
            return;
        }
        self.out
            .push_str("<sup><a epub:type=\"noteref\" role=\"doc-noteref\"");
        if let Some(ref_id) = ref_id {
            self.out.push_str(" id=\"");
            push_attr(&mut self.out, ref_id);
            self.out.push('"');
        }
        self.out.push_str(" href=\"#");
        push_attr(&mut self.out, note_id);
        self.out.push_str("\">");
        push_text(&mut self.out, &label);
        self.out.push_str("</a></sup>");
    }
}

/// A note's visible label; its number when the model left it empty.
fn note_label(label: &str, index: usize) -> String {
    if label.trim().is_empty() {
        (index + 1).to_string()
    } else {
        label.trim().to_string()
    }
}

/// The element around a section's content, its class and its semantics.
fn wrapper(kind: SectionKind) -> (&'static str, &'static str, &'static str) {
    match kind {
        SectionKind::HalfTitle => ("section", "half-title", " epub:type=\"halftitlepage\""),
        SectionKind::TitlePage => ("section", "title-page", " epub:type=\"titlepage\""),
        SectionKind::Copyright => ("section", "copyright", " epub:type=\"copyright-page\""),
        SectionKind::Contents => ("nav", "contents", " epub:type=\"toc\" role=\"doc-toc\""),
        SectionKind::Preface => ("section", "front-matter", ""),
        SectionKind::Chapter => (
            "section",
            "chapter",
            " epub:type=\"chapter\" role=\"doc-chapter\"",
        ),
        SectionKind::Appendix => ("section", "back-matter", ""),
    }
}

/// Opening and closing tags of a generated page's line.
fn display_tags(role: DisplayRole) -> (&'static str, &'static str) {
    match role {
        DisplayRole::BookTitle => ("<h1 class=\"book-title\">", "</h1>\n"),
        DisplayRole::Subtitle => ("<p class=\"subtitle\">", "</p>\n"),
        DisplayRole::Author => ("<p class=\"author\">", "</p>\n"),
        DisplayRole::Publisher => ("<p class=\"publisher\">", "</p>\n"),
        DisplayRole::Notice => ("<p class=\"notice\">", "</p>\n"),
        DisplayRole::Credit => ("<p class=\"credit\">", "</p>\n"),
    }
}

/// `start` and per-item `value` attributes that reproduce the resolved markers.
struct ListValues {
    start: Option<u64>,
    values: Vec<Option<u64>>,
}

fn list_values(ordered: bool, items: &[ListItem]) -> ListValues {
    let mut values = vec![None; items.len()];
    if !ordered {
        return ListValues {
            start: None,
            values,
        };
    }
    let number =
        |marker: &str| -> Option<u64> { marker.trim().trim_end_matches(['.', ')']).parse().ok() };
    let mut start = None;
    let mut expected = 1u64;
    for (i, item) in items.iter().enumerate() {
        let n = number(&item.marker);
        match n {
            Some(n) if i == 0 && n != 1 => start = Some(n),
            Some(n) if n != expected => values[i] = Some(n),
            _ => {}
        }
        expected = n.unwrap_or(expected).saturating_add(1);
    }
    ListValues { start, values }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::epub::plan::plan;
    use crate::model::{BlockId, ListItem, PageMap, PageStart, TextPos};

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
        let chapter = chapter_index(book);
        let map = PageMap {
            pages: pages
                .iter()
                .enumerate()
                .map(|(i, &(block, offset))| PageStart {
                    label: (i + 1).to_string(),
                    section: chapter as u32,
                    at: TextPos {
                        block: book.sections[chapter].blocks[block].id,
                        offset,
                    },
                    blank: false,
                })
                .collect(),
        };
        let plan = plan(book, &map);
        let hrefs = vec![Some("images/image-1.png".to_string()); book.images.len()];
        section_document(book, &plan, &hrefs, chapter)
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
                "</a></sup> {}two<br/>{}three.",
                mark("1"),
                mark("2")
            )),
            "{xhtml}"
        );
        well_formed(&xhtml);
    }

    #[test]
    fn footnotes_become_endnotes_with_backlinks() {
        let b = book("# T\n\nA[^a] and again[^a], then[^b].\n\n[^a]: First.\n\n[^b]: - listed\n");
        let xhtml = render(&b, &[]);
        well_formed(&xhtml);
        assert!(xhtml.contains("<sup><a epub:type=\"noteref\" role=\"doc-noteref\" id=\"ref-note-chapter-1-1\" href=\"#note-chapter-1-1\">1</a></sup>"), "{xhtml}");
        assert!(
            xhtml.contains("id=\"ref-note-chapter-1-1-2\" href=\"#note-chapter-1-1\">1</a>"),
            "{xhtml}"
        );
        assert!(
            xhtml.contains(
                "<section class=\"endnotes\" epub:type=\"endnotes\" role=\"doc-endnotes\">"
            )
        );
        assert!(xhtml.contains("<li id=\"note-chapter-1-1\">\n<p class=\"noindent\"><a class=\"note-label\" href=\"#ref-note-chapter-1-1\" role=\"doc-backlink\">1</a> First.</p>"), "{xhtml}");
        // A note that opens with a list gets its label on a line of its own.
        assert!(xhtml.contains("<li id=\"note-chapter-1-2\">\n<p class=\"noindent\"><a class=\"note-label\" href=\"#ref-note-chapter-1-2\" role=\"doc-backlink\">2</a> </p>\n<ul>"), "{xhtml}");
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
            xhtml.contains("<hr class=\"scene-break\"/>\n<p class=\"noindent\">After.</p>"),
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
            xhtml.contains("<a href=\"https://a.example\">outer inner<sup id=\"ref-note-chapter-1-1\">1</sup></a>"),
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
        assert!(xhtml.contains("<nav class=\"contents\" epub:type=\"toc\" role=\"doc-toc\" aria-labelledby=\"contents-title\">"), "{xhtml}");
        assert!(xhtml.contains("<h1 id=\"contents-title\">Contents</h1>"));
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
}
