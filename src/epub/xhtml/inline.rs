//! Inline content of a block: text, emphasis, struck and raised text, code, links (web and mail
//! targets, and cross-references to other files and ids of the book; never a link inside a link), line breaks and footnote
//! references, written from an explicit stack so any nesting depth is safe.

use super::Writer;
use crate::epub::escape::{push_attr, push_text, safe_url};
use crate::epub::pagebreaks::Marks;
use crate::model::{Inline, TextMark};

/// A step of the inline walk.
enum InlineStep<'a> {
    Inline(&'a Inline),
    Close(&'static str),
    CloseLink,
}

impl<'a> Writer<'a> {
    pub(super) fn inlines(&mut self, inlines: &'a [Inline], marks: &mut Marks<'_>) {
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
                Inline::Marked { mark, content } => {
                    let (open, close) = match mark {
                        TextMark::Strikethrough => ("<del>", "</del>"),
                        TextMark::Superscript => ("<sup>", "</sup>"),
                        TextMark::Subscript => ("<sub>", "</sub>"),
                        TextMark::SmallCaps => ("<span class=\"sc\">", "</span>"),
                        TextMark::Capitals => ("<span class=\"caps\">", "</span>"),
                    };
                    marks.flush(&mut self.out);
                    self.out.push_str(open);
                    stack.push(InlineStep::Close(close));
                    stack.extend(content.iter().rev().map(InlineStep::Inline));
                }
                Inline::Language { tag, content } => {
                    marks.flush(&mut self.out);
                    self.out.push_str("<span lang=\"");
                    push_attr(&mut self.out, tag);
                    self.out.push_str("\" xml:lang=\"");
                    push_attr(&mut self.out, tag);
                    self.out.push_str("\">");
                    stack.push(InlineStep::Close("</span>"));
                    stack.extend(content.iter().rev().map(InlineStep::Inline));
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
                Inline::CrossRef {
                    target, content, ..
                } => {
                    let href = self
                        .plan
                        .href(&target.section, target.anchor.as_deref())
                        .filter(|_| self.link_depth == 0);
                    if let Some(href) = &href {
                        marks.flush(&mut self.out);
                        self.out.push_str("<a href=\"");
                        push_attr(&mut self.out, href);
                        self.out.push_str("\">");
                    }
                    if content.is_empty() {
                        // An ebook has no page numbers: the target's title
                        // stands in (not counted: print shows a number here).
                        marks.flush(&mut self.out);
                        push_text(&mut self.out, &target.title);
                        if href.is_some() {
                            self.out.push_str("</a>");
                        }
                    } else if href.is_some() {
                        self.link_depth += 1;
                        stack.push(InlineStep::CloseLink);
                        stack.extend(content.iter().rev().map(InlineStep::Inline));
                    } else {
                        stack.extend(content.iter().rev().map(InlineStep::Inline));
                    }
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
        let Some(note_href) = self.plan.note_href(self.index, n) else {
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
        self.out.push_str(" href=\"");
        push_attr(&mut self.out, &note_href);
        self.out.push_str("\">");
        push_text(&mut self.out, &label);
        self.out.push_str("</a></sup>");
    }
}

/// A note's visible label; its number when the model left it empty.
pub(super) fn note_label(label: &str, index: usize) -> String {
    if label.trim().is_empty() {
        (index + 1).to_string()
    } else {
        label.trim().to_string()
    }
}
