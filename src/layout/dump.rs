//! A stable text dump of the laid-out pages (page, folio, side, depth, and
//! each line's grid position, spacing and first words) for snapshot tests:
//! reviewers see which pages an edit moved.

use std::fmt::Write;

use super::compose::{ComposedPage, LineFact};
use super::frame::Side;

/// First words of a line, enough to recognise it.
fn first_words(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().take(6).collect();
    let mut out = words.join(" ");
    if text.split_whitespace().count() > 6 {
        out.push('…');
    }
    out
}

pub fn dump(pages: &[ComposedPage], facts: &[Vec<LineFact>]) -> String {
    let mut out = String::new();
    for (i, (page, lines)) in pages.iter().zip(facts).enumerate() {
        let side = if page.page.side != Side::Verso {
            "recto"
        } else {
            "verso"
        };
        let kind = if page.blank {
            " blank"
        } else if page.opening {
            " opening"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "page {} [{}] {side}{kind} depth {}",
            i + 1,
            page.page.folio,
            page.depth
        );
        for line in lines {
            let mark = if line.hyphenated { "-" } else { " " };
            let _ = writeln!(
                out,
                "  {:02} {:+.2}{mark} {}",
                line.grid + 1,
                line.ratio,
                first_words(&line.text)
            );
        }
    }
    out
}
