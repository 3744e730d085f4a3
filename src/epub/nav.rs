//! What the navigation document gets beyond epub-builder's `toc` nav: the
//! `landmarks` nav and the print edition's `page-list` nav.
//!
//! epub-builder makes a landmark only of a file that also has a title in the
//! table of contents, so the title page, copyright page and contents (which
//! are not in the contents) could not be landmarks. The landmarks are written
//! here from the model instead, and replace epub-builder's.

use super::escape::{push_attr, push_text};
use super::plan::Plan;
use crate::model::{Book, SectionKind};

/// The `landmarks` nav: contents, title page, copyright page, start of the text.
pub fn landmarks(book: &Book, plan: &Plan) -> String {
    let first_of = |kind: SectionKind| book.sections.iter().position(|s| s.kind == kind);
    let body_start = book
        .sections
        .iter()
        .position(|s| matches!(s.kind, SectionKind::Chapter | SectionKind::Part))
        .or_else(|| {
            book.sections
                .iter()
                .position(|s| s.kind.matter() != crate::model::Matter::Front)
        })
        .or(if book.sections.is_empty() {
            None
        } else {
            Some(0)
        });
    let entries = [
        ("toc", first_of(SectionKind::Contents)),
        ("titlepage", first_of(SectionKind::TitlePage)),
        ("copyright-page", first_of(SectionKind::Copyright)),
        ("bodymatter", body_start),
    ];
    let mut out = String::from("<nav epub:type=\"landmarks\" hidden=\"\">\n    <ol>\n");
    for (kind, index) in entries {
        let Some(index) = index else { continue };
        let section = &book.sections[index];
        let label = [section.title.trim(), book.meta.title.trim()]
            .into_iter()
            .find(|t| !t.is_empty())
            .unwrap_or(kind);
        out.push_str("      <li><a epub:type=\"");
        out.push_str(kind);
        out.push_str("\" href=\"");
        push_attr(&mut out, &plan.files[index]);
        out.push_str("\">");
        push_text(&mut out, label);
        out.push_str("</a></li>\n");
    }
    out.push_str("    </ol>\n  </nav>");
    out
}

/// The `page-list` nav: one flat list, one link per print page, in page
/// order. `None` when there are no pages.
pub fn page_list(plan: &Plan) -> Option<String> {
    if plan.pages.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(64 + plan.pages.len() * 64);
    out.push_str("<nav epub:type=\"page-list\" role=\"doc-pagelist\" hidden=\"\">\n    <ol>\n");
    for page in &plan.pages {
        out.push_str("      <li><a href=\"");
        push_attr(&mut out, &plan.files[page.section]);
        out.push('#');
        push_attr(&mut out, &page.id);
        out.push_str("\">");
        push_text(&mut out, page.label.trim());
        if page.label.trim().is_empty() {
            // A link needs text; a page without a folio is named by its marker.
            push_text(&mut out, &page.id);
        }
        out.push_str("</a></li>\n");
    }
    out.push_str("    </ol>\n  </nav>");
    Some(out)
}
