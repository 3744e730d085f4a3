//! The print edition's page-break markers inside a block's text: written as
//! the text goes by, at the character offsets the plan gives (counted as
//! `model::block_text` counts), so the span sits exactly where the print
//! page starts.

use super::escape::{push_attr, push_char, push_text};
use super::plan::{Break, PageMark};

/// A page marker: `<span epub:type="pagebreak" role="doc-pagebreak" id="page-3" aria-label="3"/>`.
pub fn push_page_mark(out: &mut String, mark: &PageMark) {
    out.push_str(r#"<span epub:type="pagebreak" role="doc-pagebreak" id=""#);
    push_attr(out, &mark.id);
    out.push_str(r#"" aria-label=""#);
    push_attr(out, &mark.label);
    out.push_str("\"/>");
}

/// Page markers inside one leaf block, written as its text goes by.
pub struct Marks<'p> {
    breaks: &'p [Break],
    pages: &'p [PageMark],
    next: usize,
    /// Characters of the block's text written so far.
    pos: u32,
}

impl<'p> Marks<'p> {
    pub fn new(breaks: &'p [Break], pages: &'p [PageMark]) -> Self {
        Marks {
            breaks,
            pages,
            next: 0,
            pos: 0,
        }
    }

    /// Writes the markers due at the current position.
    pub fn flush(&mut self, out: &mut String) {
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
    pub fn finish(&mut self, out: &mut String) {
        self.pos = u32::MAX;
        self.flush(out);
    }

    /// Counts characters that are not written (the contents' line separators).
    pub fn advance(&mut self, chars: u32) {
        self.pos = self.pos.saturating_add(chars);
    }

    /// Writes text, escaped, with the markers that fall inside it.
    pub fn text(&mut self, out: &mut String, text: &str) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn pages(n: usize) -> Vec<PageMark> {
        (1..=n)
            .map(|i| PageMark {
                section: 0,
                id: format!("page-{i}"),
                label: i.to_string(),
            })
            .collect()
    }

    #[test]
    fn splits_text_at_offsets_and_keeps_page_order() {
        let pages = pages(4);
        let breaks = [
            Break { offset: 0, page: 0 },
            Break { offset: 4, page: 1 },
            Break { offset: 4, page: 2 },
            Break { offset: 8, page: 3 }, // after the uncounted-text separator
        ];
        let mut marks = Marks::new(&breaks, &pages);
        let mut out = String::new();
        marks.text(&mut out, "a<b ");
        // Markers due at the end of a run wait for the next one.
        assert!(out.ends_with("a&lt;b "), "{out}");
        marks.text(&mut out, "c&d");
        marks.advance(1);
        marks.text(&mut out, "e");
        marks.finish(&mut out);
        let m = |n: usize| {
            let mut s = String::new();
            push_page_mark(&mut s, &pages[n - 1]);
            s
        };
        assert_eq!(
            out,
            format!("{}a&lt;b {}{}c&amp;d{}e", m(1), m(2), m(3), m(4))
        );
    }

    #[test]
    fn markers_past_the_end_go_at_the_end() {
        let pages = pages(1);
        let breaks = [Break {
            offset: 99,
            page: 0,
        }];
        let mut marks = Marks::new(&breaks, &pages);
        let mut out = String::new();
        marks.text(&mut out, "short");
        marks.finish(&mut out);
        marks.finish(&mut out);
        assert_eq!(out.matches("page-1").count(), 1);
        assert!(out.starts_with("short<span"));
    }

    #[test]
    fn a_marker_is_an_empty_labelled_span() {
        let mut out = String::new();
        push_page_mark(
            &mut out,
            &PageMark {
                section: 0,
                id: "page-iv".into(),
                label: "iv\"".into(),
            },
        );
        assert_eq!(
            out,
            "<span epub:type=\"pagebreak\" role=\"doc-pagebreak\" id=\"page-iv\" aria-label=\"iv&quot;\"/>"
        );
    }
}
