//! One section of the model → one XHTML content document: headings,
//! paragraphs, quotes, lists, code, scene breaks, figures, the lines of the
//! generated pages, the visible contents, footnotes as endnotes at the end of
//! the section, and the print edition's page-break markers at the character
//! offsets the plan gives.
//!
//! A chapter opens as its style has it: its label inside the title's `h1`
//! (so both are announced and the heading keeps its id), an epigraph's quote
//! marked as one, and the opening paragraph classed for the drop cap, which
//! the stylesheet sets with `::first-letter` alone (the word stays whole).
//! A scene break is a separator showing the style's ornament, hidden from
//! screen readers, which announce the separator instead.
//!
//! Blocks and inlines are written from explicit stacks, not by recursion, so
//! any nesting depth is safe. Everything from the manuscript is escaped.

mod inline;

use inline::note_label;

use super::escape::{push_attr, push_text};
use super::pagebreaks::{Marks, push_page_mark};
use super::plan::{Plan, SectionIds};
use crate::model::style::{BookStyle, opening_paragraph};
use crate::model::{
    Block, BlockKind, Book, ChapterLabel, ColumnAlign, ContentsEntry, DisplayRole, ImageId, Inline,
    ListItem, Matter, Section, SectionKind,
};

/// The ornament of a scene break shown as an image in print, until the
/// package carries the image.
const FALLBACK_ORNAMENT: &str = "⁂";

/// Verse indents beyond this many spaces are set at this one (the CSS has a class for each).
pub const MAX_VERSE_INDENT: u16 = 16;

/// Writes section `index` of `book` as a complete XHTML document.
/// `image_hrefs[i]` is where `book.images[i]` lives in the package, if used.
pub fn section_document(
    book: &Book,
    plan: &Plan,
    image_hrefs: &[Option<String>],
    index: usize,
) -> String {
    write_section(book, plan, image_hrefs, index, false)
}

/// [`section_document`] with each leaf block's element marked with its
/// block number (`data-block="12"`), for the preview to find the place a
/// reader clicks in the print pages. Never in the EPUB itself.
pub fn section_document_marked(
    book: &Book,
    plan: &Plan,
    image_hrefs: &[Option<String>],
    index: usize,
) -> String {
    write_section(book, plan, image_hrefs, index, true)
}

fn write_section(
    book: &Book,
    plan: &Plan,
    image_hrefs: &[Option<String>],
    index: usize,
    mark_blocks: bool,
) -> String {
    let section = &book.sections[index];
    let ids = &plan.sections[index];
    let mut writer = Writer {
        plan,
        index,
        ids,
        section,
        image_hrefs,
        opening: Opening::of(section, &book.style),
        ornament: ornament(&book.style),
        out: String::with_capacity(estimate_len(section)),
        headings_written: 0,
        refs_written: vec![0; section.notes.len()],
        link_depth: 0,
        backlink_for: None,
        mark_blocks,
    };
    writer.document(book);
    writer.out
}

/// The start of a content document, up to and including `<body epub:type="MATTER">`.
fn push_head(out: &mut String, language: &str, title: &str, matter: &str) {
    out.push_str(concat!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
        "<!DOCTYPE html>\n",
        "<html xmlns=\"http://www.w3.org/1999/xhtml\" ",
        "xmlns:epub=\"http://www.idpf.org/2007/ops\" lang=\""
    ));
    push_attr(out, language);
    out.push_str("\" xml:lang=\"");
    push_attr(out, language);
    out.push_str("\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>");
    push_text(out, title);
    out.push_str(concat!(
        "</title>\n",
        "<link rel=\"stylesheet\" type=\"text/css\" href=\"stylesheet.css\"/>\n",
        "</head>\n<body epub:type=\""
    ));
    out.push_str(matter);
    out.push_str("\">\n");
}

/// The notes document of a book that gathers its notes at the end
/// (`notes = "book"`): a heading, then each section's notes under its title,
/// as the same footnote asides a chapter carries (`None` when the plan has
/// no notes document).
pub fn notes_document(book: &Book, plan: &Plan, image_hrefs: &[Option<String>]) -> Option<String> {
    plan.notes_file.as_ref()?;
    let language = super::opf::language_tag(&book.meta.language);
    let title = notes_title(&book.meta.language);
    let mut out = String::with_capacity(4096);
    push_head(&mut out, language, title, "backmatter");
    out.push_str("<section class=\"endnotes\" epub:type=\"endnotes\" role=\"doc-endnotes\" aria-labelledby=\"");
    push_attr(&mut out, &plan.notes_heading);
    out.push_str("\">\n<h1 id=\"");
    push_attr(&mut out, &plan.notes_heading);
    out.push_str("\">");
    push_text(&mut out, title);
    out.push_str("</h1>\n");
    for (index, section) in book.sections.iter().enumerate() {
        let Some(Some(group)) = plan.notes_groups.get(index) else {
            continue;
        };
        let heading = [
            section.title.trim(),
            section.label.as_ref().map_or("", |l| l.text.trim()),
        ]
        .into_iter()
        .find(|t| !t.is_empty())
        .unwrap_or(book.meta.title.trim());
        out.push_str("<h2 id=\"");
        push_attr(&mut out, group);
        out.push_str("\"><a href=\"");
        push_attr(&mut out, &plan.files[index]);
        out.push_str("\">");
        push_text(&mut out, heading);
        out.push_str("</a></h2>\n");
        let mut writer = Writer {
            plan,
            index,
            ids: &plan.sections[index],
            section,
            image_hrefs,
            opening: Opening::none(),
            ornament: ornament(&book.style),
            out,
            headings_written: plan.sections[index].headings_in_text,
            refs_written: plan.sections[index].refs_in_text.clone(),
            link_depth: 0,
            backlink_for: None,
            mark_blocks: false,
        };
        writer.note_asides();
        out = writer.out;
    }
    out.push_str("</section>\n</body>\n</html>\n");
    Some(out)
}

/// "Notes" in the book's language (English for languages not known).
pub fn notes_title(language: &str) -> &'static str {
    match language.split('-').next().unwrap_or("") {
        "de" => "Anmerkungen",
        "fr" => "Notes",
        "es" => "Notas",
        "it" => "Note",
        "pt" => "Notas",
        "nl" => "Noten",
        "ru" => "Примечания",
        _ => "Notes",
    }
}

/// A first guess at the document's size, so the buffer rarely grows.
fn estimate_len(section: &Section) -> usize {
    let source = section.blocks.len() * 400 + section.notes.len() * 200;
    source + 1024
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

/// The ornament the EPUB shows at a scene break.
fn ornament(style: &BookStyle) -> &str {
    style
        .scene_break
        .ornaments
        .first()
        .map(|o| o.trim())
        .filter(|o| !o.is_empty())
        .unwrap_or(FALLBACK_ORNAMENT)
}

/// How a section opens: which of its top-level blocks are its title (with
/// a label), its epigraphs and its opening paragraph (with a drop cap).
struct Opening<'a> {
    label: Option<&'a ChapterLabel>,
    /// The level-1 heading that opens the section, when it has a label.
    title: Option<&'a Block>,
    /// A label not yet written (a chapter without a title): before the first block.
    label_pending: bool,
    /// Quotations between the title and the opening paragraph.
    epigraphs: Vec<&'a Block>,
    /// The paragraph with the drop cap.
    drop_cap: Option<&'a Block>,
}

impl<'a> Opening<'a> {
    /// No opening: the notes document's groups.
    fn none() -> Opening<'a> {
        Opening {
            label: None,
            title: None,
            label_pending: false,
            epigraphs: Vec::new(),
            drop_cap: None,
        }
    }

    fn of(section: &'a Section, style: &BookStyle) -> Opening<'a> {
        let label = section.label.as_ref().filter(|l| !l.text.trim().is_empty());
        let title = section
            .blocks
            .first()
            .filter(|b| matches!(b.kind, BlockKind::Heading { level: 1, .. }));
        let mut epigraphs = Vec::new();
        if section.kind == SectionKind::Chapter {
            let after_title = usize::from(title.is_some());
            for block in &section.blocks[after_title..] {
                match block.kind {
                    BlockKind::Quote(_) => epigraphs.push(block),
                    BlockKind::Figure { .. } => {}
                    _ => break,
                }
            }
        }
        let drop_cap = opening_paragraph(section)
            .filter(|_| style.opening.drop_cap >= 2)
            .map(|i| &section.blocks[i]);
        Opening {
            label,
            title: title.filter(|_| label.is_some()),
            label_pending: label.is_some() && title.is_none(),
            epigraphs,
            drop_cap,
        }
    }

    fn is_title(&self, block: &Block) -> bool {
        self.title.is_some_and(|t| std::ptr::eq(t, block))
    }

    fn is_epigraph(&self, block: &Block) -> bool {
        self.epigraphs.iter().any(|e| std::ptr::eq(*e, block))
    }

    fn has_drop_cap(&self, block: &Block) -> bool {
        self.drop_cap.is_some_and(|d| std::ptr::eq(d, block))
    }
}

/// Writes one section's document.
struct Writer<'a> {
    plan: &'a Plan,
    /// The section's index in the book (and the plan).
    index: usize,
    ids: &'a SectionIds,
    section: &'a Section,
    image_hrefs: &'a [Option<String>],
    opening: Opening<'a>,
    ornament: &'a str,
    out: String,
    /// Headings written so far (their ids come from the plan in this order).
    headings_written: usize,
    /// Per note, references written so far.
    refs_written: Vec<usize>,
    /// Links open around the current inline: links cannot nest.
    link_depth: usize,
    /// A note whose backlink goes at the start of the next paragraph.
    backlink_for: Option<usize>,
    /// Mark each leaf's element with its block number (the preview's).
    mark_blocks: bool,
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
        let matter = match section.kind.matter() {
            Matter::Front => "frontmatter",
            Matter::Body => "bodymatter",
            Matter::Back => "backmatter",
        };
        push_head(&mut self.out, language, title.trim(), matter);

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
        } else if !section.title.trim().is_empty() {
            // No heading on the page: the section is named for assistive technology.
            self.out.push_str(" aria-label=\"");
            push_attr(&mut self.out, section.title.trim());
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
        if section.blocks.is_empty() {
            self.pending_label();
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

    /// The label of a chapter without a title, as a line of its own (once).
    fn pending_label(&mut self) {
        if !std::mem::take(&mut self.opening.label_pending) {
            return;
        }
        if let Some(label) = self.opening.label {
            self.out.push_str("<p class=\"chapter-label\">");
            push_text(&mut self.out, label.text.trim());
            self.out.push_str("</p>\n");
        }
    }

    fn page_mark(&mut self, page: usize) {
        if let Some(mark) = self.plan.pages.get(page) {
            push_page_mark(&mut self.out, mark);
            self.out.push('\n');
        }
    }

    /// The section's notes after its text, unless they are gathered in the notes document.
    fn notes(&mut self) {
        if self.plan.notes_file.is_none() {
            self.note_asides();
        }
    }

    /// Each note as a footnote aside (the popup readers show for a
    /// `noteref`), opening with its label as a link back to the reference:
    /// Kindle's popups need the link back, first in the note.
    fn note_asides(&mut self) {
        let section = self.section;
        for (n, note) in section.notes.iter().enumerate() {
            self.out.push_str("<aside id=\"");
            push_attr(&mut self.out, &self.ids.notes[n]);
            self.out
                .push_str("\" class=\"note\" epub:type=\"footnote\" role=\"doc-footnote\">\n");
            let opens_with_paragraph = matches!(
                note.blocks.first(),
                Some(Block {
                    kind: BlockKind::Paragraph { .. } | BlockKind::Verse { .. },
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
            self.out.push_str("</aside>\n");
        }
    }

    /// The note's label, linking back to its first reference.
    fn backlink(&mut self, n: usize) {
        let note = &self.section.notes[n];
        let label = note_label(&note.label, n);
        match self.ids.refs[n].first() {
            Some(ref_id) => {
                self.out.push_str("<a class=\"note-label\" href=\"");
                push_attr(&mut self.out, &self.plan.backlink_href(self.index, ref_id));
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
                        self.pending_label();
                        self.out.push_str(if self.opening.is_epigraph(block) {
                            "<blockquote class=\"epigraph\">\n"
                        } else {
                            "<blockquote>\n"
                        });
                        stack.push(Step::Close("</blockquote>\n"));
                        stack.extend(children.iter().rev().map(Step::Block));
                    }
                    BlockKind::Div {
                        classes,
                        lang,
                        blocks,
                    } => {
                        self.pending_label();
                        self.out.push_str("<div");
                        if let Some(lang) = lang {
                            self.out.push_str(" lang=\"");
                            push_attr(&mut self.out, lang);
                            self.out.push_str("\" xml:lang=\"");
                            push_attr(&mut self.out, lang);
                            self.out.push('"');
                        }
                        let names = crate::epub::css::div_classes(classes);
                        if !names.is_empty() {
                            self.out.push_str(" class=\"");
                            push_attr(&mut self.out, &names);
                            self.out.push('"');
                        }
                        if names.split(' ').any(|c| c == "epigraph") {
                            self.out
                                .push_str(" epub:type=\"epigraph\" role=\"doc-epigraph\"");
                        }
                        self.out.push_str(">\n");
                        stack.push(Step::Close("</div>\n"));
                        stack.extend(blocks.iter().rev().map(Step::Block));
                    }
                    BlockKind::Definitions(children) => {
                        self.pending_label();
                        self.out.push_str("<dl>\n");
                        stack.push(Step::Close("</dl>\n"));
                        stack.extend(children.iter().rev().map(Step::Block));
                    }
                    BlockKind::Definition(children) => {
                        self.out.push_str("<dd>\n");
                        stack.push(Step::Close("</dd>\n"));
                        stack.extend(children.iter().rev().map(Step::Block));
                    }
                    BlockKind::List { ordered, items } => {
                        self.pending_label();
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
        self.pending_label();
        let start = self.out.len();
        self.leaf_element(block, marks);
        if self.mark_blocks && self.out[start..].starts_with('<') {
            let name_end = self.out[start..]
                .find([' ', '>', '/'])
                .map_or(self.out.len(), |i| start + i);
            self.out
                .insert_str(name_end, &format!(" data-block=\"{}\"", block.id.0));
        }
    }

    /// The element of a leaf block, page markers inside its text.
    fn leaf_element(&mut self, block: &'a Block, mut marks: Marks<'a>) {
        match &block.kind {
            BlockKind::Heading {
                level,
                content,
                numeral,
                ..
            } => self.heading(block, *level, content, *numeral, &mut marks),
            BlockKind::Paragraph { content, indent } => {
                self.out.push_str(if self.opening.has_drop_cap(block) {
                    "<p class=\"noindent opening\">"
                } else if *indent {
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
            BlockKind::Verse { content, indents } => self.verse(content, indents, &mut marks),
            BlockKind::Term { content } => {
                self.out.push_str("<dt>");
                self.inlines(content, &mut marks);
                marks.finish(&mut self.out);
                self.out.push_str("</dt>\n");
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
                // A separator for assistive technology; the ornament is only seen.
                marks.finish(&mut self.out);
                self.out.push_str(
                    "<p class=\"scene-break\" role=\"separator\"><span aria-hidden=\"true\">",
                );
                push_text(&mut self.out, self.ornament);
                self.out.push_str("</span></p>\n");
            }
            BlockKind::Figure {
                image,
                alt,
                caption,
                ..
            } => self.figure(*image, alt, caption, &mut marks),
            BlockKind::Contents(entries) => self.contents(entries, &mut marks),
            BlockKind::Table {
                columns,
                head,
                rows,
                caption,
            } => self.table(columns, head.as_deref(), rows, caption, &mut marks),
            BlockKind::PageBreak => {
                // Print starts a new page here; a reader that paginates may too.
                marks.finish(&mut self.out);
                self.out
                    .push_str("<div class=\"page-break\" aria-hidden=\"true\"></div>\n");
            }
            BlockKind::Quote(_)
            | BlockKind::Div { .. }
            | BlockKind::List { .. }
            | BlockKind::Definitions(_)
            | BlockKind::Definition(_) => {}
        }
    }

    /// A heading, with the id the plan gave it; the section's title carries
    /// the chapter label, which is the style's and not the text's.
    fn heading(
        &mut self,
        block: &Block,
        level: u8,
        content: &'a [Inline],
        numeral: bool,
        marks: &mut Marks<'a>,
    ) {
        let level = level.clamp(1, 6);
        let id = self.ids.headings.get(self.headings_written).cloned();
        self.headings_written += 1;
        self.out.push_str(&format!("<h{level}"));
        if let Some(id) = id {
            self.out.push_str(" id=\"");
            push_attr(&mut self.out, &id);
            self.out.push('"');
        }
        if numeral {
            self.out.push_str(" class=\"section-number\"");
        }
        self.out.push('>');
        match self.opening.label.filter(|_| self.opening.is_title(block)) {
            // A heading that was only its number: the label is the heading.
            Some(label) if content.is_empty() => {
                self.out.push_str("<span class=\"chapter-number\">");
                push_text(&mut self.out, label.text.trim());
                self.out.push_str("</span>");
            }
            // The label is the style's, not the text's: no page marks count it.
            Some(label) => {
                self.out.push_str("<span class=\"chapter-label\">");
                push_text(&mut self.out, label.text.trim());
                self.out.push_str("</span> <span class=\"chapter-title\">");
                self.inlines(content, marks);
                marks.finish(&mut self.out);
                self.out.push_str("</span>");
            }
            None => {
                self.inlines(content, marks);
                marks.finish(&mut self.out);
            }
        }
        self.out.push_str(&format!("</h{level}>\n"));
    }

    /// A stanza: one element per line, so a reflowed line turns over with a
    /// hanging indent; page markers count each line break as one character.
    fn verse(&mut self, content: &'a [Inline], indents: &[u16], marks: &mut Marks<'a>) {
        self.out.push_str("<div class=\"stanza\">\n");
        let lines: Vec<&'a [Inline]> = crate::model::verse_lines(content).collect();
        for (i, line) in lines.iter().enumerate() {
            let indent = indents.get(i).copied().unwrap_or(0).min(MAX_VERSE_INDENT);
            if i > 0 {
                marks.advance(1);
            }
            if indent > 0 {
                self.out
                    .push_str(&format!("<p class=\"line indent-{indent}\">"));
            } else {
                self.out.push_str("<p class=\"line\">");
            }
            if i == 0
                && let Some(n) = self.backlink_for.take()
            {
                self.backlink(n);
            }
            self.inlines(line, marks);
            if i + 1 == lines.len() {
                marks.finish(&mut self.out);
            }
            self.out.push_str("</p>\n");
        }
        self.out.push_str("</div>\n");
    }

    /// A figure: the image with its alt text, and its caption when it has one.
    fn figure(&mut self, image: ImageId, alt: &str, caption: &'a [Inline], marks: &mut Marks<'a>) {
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
            self.inlines(caption, marks);
            marks.finish(&mut self.out);
            self.out.push_str("</figcaption>\n");
        }
        marks.finish(&mut self.out);
        self.out.push_str("</figure>\n");
    }

    /// A table: a header row of column headers, the body, and a caption when
    /// there is one (then inside a figure). Page markers fall inside cells, as
    /// the block's text counts them: each cell's text, then one separator.
    fn table(
        &mut self,
        columns: &[ColumnAlign],
        head: Option<&'a [Vec<Inline>]>,
        rows: &'a [Vec<Vec<Inline>>],
        caption: &'a [Inline],
        marks: &mut Marks<'_>,
    ) {
        let captioned = !caption.is_empty();
        if captioned {
            self.out.push_str("<figure class=\"table\">\n");
        }
        self.out.push_str("<table>\n");
        let class = |column: usize| match columns.get(column) {
            Some(ColumnAlign::Center) => " class=\"align-center\"",
            Some(ColumnAlign::Right) => " class=\"align-right\"",
            _ => "",
        };
        if let Some(head) = head {
            self.out.push_str("<thead>\n<tr>");
            for (c, cell) in head.iter().enumerate() {
                self.out.push_str("<th scope=\"col\"");
                self.out.push_str(class(c));
                self.out.push('>');
                self.inlines(cell, marks);
                marks.advance(1);
                self.out.push_str("</th>");
            }
            self.out.push_str("</tr>\n</thead>\n");
        }
        self.out.push_str("<tbody>\n");
        for (r, row) in rows.iter().enumerate() {
            self.out.push_str("<tr>");
            for (c, cell) in row.iter().enumerate() {
                self.out.push_str("<td");
                self.out.push_str(class(c));
                self.out.push('>');
                self.inlines(cell, marks);
                if r + 1 == rows.len() && c + 1 == row.len() {
                    marks.finish(&mut self.out);
                }
                marks.advance(1);
                self.out.push_str("</td>");
            }
            self.out.push_str("</tr>\n");
        }
        self.out.push_str("</tbody>\n</table>\n");
        if captioned {
            self.out.push_str("<figcaption>");
            // The caption is not part of the block's counted text.
            let mut none = Marks::new(&[], &self.plan.pages);
            self.inlines(caption, &mut none);
            self.out.push_str("</figcaption>\n</figure>\n");
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
        SectionKind::Dedication => (
            "section",
            "dedication",
            " epub:type=\"dedication\" role=\"doc-dedication\"",
        ),
        SectionKind::Epigraph => (
            "section",
            "epigraph",
            " epub:type=\"epigraph\" role=\"doc-epigraph\"",
        ),
        SectionKind::Part => ("section", "part", " epub:type=\"part\" role=\"doc-part\""),
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
        DisplayRole::Dedication => ("<p class=\"dedication\">", "</p>\n"),
        DisplayRole::Attribution => ("<p class=\"attribution\">", "</p>\n"),
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
mod tests;
