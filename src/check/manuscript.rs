//! Rules read from the manuscript and the build's messages: every warning
//! counted, no placeholder left from `quire init`, no dead link.

use crate::model::Book;

use super::report::{Report, Status};
use super::rows::Row;

/// Every warning the build prints, counted (the terminal shows a few of each
/// kind): a WARN naming how many, of how many kinds, and the first.
pub(super) fn check_warnings(report: &mut Report, warnings: &[crate::diag::Diagnostic]) {
    let mut kinds: Vec<&str> = warnings.iter().map(|w| w.kind()).collect();
    kinds.sort_unstable();
    kinds.dedup();
    report.add(
        Row::BuildWarnings,
        if warnings.is_empty() {
            Status::Pass
        } else {
            Status::Warn
        },
        match warnings.first() {
            None => "0 warnings".to_string(),
            Some(first) => format!(
                "{} warning{} of {} kind{}, the first: {}{}",
                warnings.len(),
                if warnings.len() == 1 { "" } else { "s" },
                kinds.len(),
                if kinds.len() == 1 { "" } else { "s" },
                first.message,
                first
                    .location
                    .as_ref()
                    .map_or_else(String::new, |l| format!(" at {l}"))
            ),
        },
    );
}

/// What `quire init` writes for the author to replace.
pub const PLACEHOLDER_TITLE: &str = "Untitled";
pub const PLACEHOLDER_AUTHOR: &str = "Your Name";
pub const PLACEHOLDER_TEXT: &str = "The first paragraph of your book.";

/// Placeholder metadata or text left from `quire init` (KDP rejects placeholder text).
pub(super) fn check_placeholders(report: &mut Report, book: &Book) {
    let mut found = Vec::new();
    if book
        .meta
        .title
        .trim()
        .eq_ignore_ascii_case(PLACEHOLDER_TITLE)
    {
        found.push(format!("title “{}”", book.meta.title));
    }
    for author in &book.meta.authors {
        if author.trim().eq_ignore_ascii_case(PLACEHOLDER_AUTHOR) {
            found.push(format!("author “{author}”"));
        }
    }
    let mut in_text = false;
    for section in &book.sections {
        crate::model::walk_blocks(&section.blocks, &mut |block| {
            if let Some(text) = crate::model::block_text(block) {
                in_text |= text.contains(PLACEHOLDER_TEXT);
            }
        });
    }
    if in_text {
        found.push(format!("text “{PLACEHOLDER_TEXT}”"));
    }
    report.add(
        Row::NoPlaceholderText,
        if found.is_empty() {
            Status::Pass
        } else {
            Status::Warn
        },
        if found.is_empty() {
            "none of quire init's placeholders".to_string()
        } else {
            format!("still as quire init wrote them: {}", found.join(", "))
        },
    );
}

/// Links to a file or id the book does not have. The build sets their words
/// as text and goes on; a release must not ship them, so each is counted and
/// the row fails.
pub(super) fn check_links(report: &mut Report, book: &Book) {
    let dead = &book.dead_links;
    let value = match dead.first() {
        None => "0: every link leads to its place in the book".to_string(),
        Some(first) => {
            let place = first
                .location
                .as_ref()
                .map_or_else(String::new, |l| format!(" at {l}"));
            format!(
                "{} dead link{}: `{}`{place}{}",
                dead.len(),
                if dead.len() == 1 { "" } else { "s" },
                first.url,
                if dead.len() > 1 { " and more" } else { "" }
            )
        }
    };
    report.add(
        Row::NoDeadLinks,
        if dead.is_empty() {
            Status::Pass
        } else {
            Status::Fail
        },
        value,
    );
}
