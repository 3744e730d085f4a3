//! Rules read from the print interior: page count, trim, margins from the
//! ink, blank runs, fonts embedded, and the findings `quire serve` shows.

use crate::layout;
use crate::layout::frame::{GlyphRun, Item, Page, Side};
use crate::layout::geometry::kdp_gutter_inches;
use crate::layout::{LaidOut, MAX_END_BLANKS};
use crate::model::Book;

use super::report::{Report, Status};
use super::rows::Row;

/// The ink box of a glyph run (trim coordinates), approximated from its size.
pub(super) fn run_box(run: &GlyphRun) -> (f64, f64, f64, f64) {
    let first = run.glyphs.first().map_or(0.0, |g| g.x.0);
    let last = run.glyphs.last().map_or(0.0, |g| g.x.0 + g.advance.0);
    let (ascent, descent) = (run.size.0 * 0.8, run.size.0 * 0.25);
    if run.rotation == 0.0 {
        (
            run.x.0 + first,
            run.y.0 - ascent,
            run.x.0 + last,
            run.y.0 + descent,
        )
    } else {
        // Rotated clockwise: the line runs down, the letters stand to the right of the baseline.
        (
            run.x.0 - descent,
            run.y.0 + first,
            run.x.0 + ascent,
            run.y.0 + last,
        )
    }
}

/// Least distance from the ink of a page to each trim edge: (inside, outside, top, bottom).
pub(super) fn page_margins(page: &Page) -> Option<(f64, f64, f64, f64)> {
    let mut bounds: Option<(f64, f64, f64, f64)> = None;
    for item in &page.items {
        let b = match item {
            Item::Glyphs(run) => run_box(run),
            Item::Image {
                x,
                y,
                width,
                height,
                ..
            } => (x.0, y.0, x.0 + width.0, y.0 + height.0),
            Item::Rule { x1, y1, x2, y2, .. } => (
                x1.0.min(x2.0),
                y1.0.min(y2.0),
                x1.0.max(x2.0),
                y1.0.max(y2.0),
            ),
            Item::Fill { .. } => continue,
            Item::Path { rings, .. } => {
                let mut b = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
                for &(x, y, _) in rings.iter().flatten() {
                    b = (b.0.min(x.0), b.1.min(y.0), b.2.max(x.0), b.3.max(y.0));
                }
                if b.0 > b.2 {
                    continue;
                }
                b
            }
        };
        bounds = Some(match bounds {
            None => b,
            Some(a) => (a.0.min(b.0), a.1.min(b.1), a.2.max(b.2), a.3.max(b.3)),
        });
    }
    let (left, top, right, bottom) = bounds?;
    let (w, h) = (page.trim.width.0, page.trim.height.0);
    let (inside, outside) = if page.side == Side::Recto {
        (left, w - right)
    } else {
        (w - right, left)
    };
    Some((inside, outside, top, h - bottom))
}

/// A length for the report, rounded; "none" when nothing was measured.
pub(super) fn inches(points: f64) -> String {
    if points.is_finite() && points.abs() < 1e9 {
        format!("{:.3} in", points / 72.0)
    } else {
        "none".to_string()
    }
}

pub(super) fn check_print(report: &mut Report, book: &Book, laid: &LaidOut, pdf_bytes: &[u8]) {
    let pages = laid.pages.pages.len();
    let kdp = (24..=828).contains(&pages);
    let ingram = pages >= 18;
    report.add(
        Row::PageCount,
        if kdp && ingram {
            Status::Pass
        } else {
            Status::Fail
        },
        format!(
            "{pages} pages (KDP 24–828: {}, IngramSpark ≥ 18: {})",
            yes(kdp),
            yes(ingram)
        ),
    );

    // Margins, measured from the ink on every page.
    let limits = MarginLimits::of(book, pages);
    let mut least = (f64::MAX, f64::MAX, f64::MAX, f64::MAX);
    for page in &laid.pages.pages {
        if let Some(m) = page_margins(page) {
            least = (
                least.0.min(m.0),
                least.1.min(m.1),
                least.2.min(m.2),
                least.3.min(m.3),
            );
        }
    }
    let status = limits.status(least);
    let (gutter, kdp_outer) = (limits.gutter, limits.outer);
    report.add(Row::Margins,
        status,
        format!(
            "inside {} (KDP ≥ {}), outside {}, top {}, bottom {} (KDP ≥ {}, IngramSpark ≥ 0.500 in, heads and folios included)",
            inches(least.0),
            inches(gutter),
            inches(least.1),
            inches(least.2),
            inches(least.3),
            inches(kdp_outer)
        ),
    );

    let (fonts, embedded) = count_embedded_fonts(pdf_bytes);
    report.add(
        Row::FontsEmbedded,
        if fonts > 0 && fonts == embedded {
            Status::Pass
        } else {
            Status::Fail
        },
        format!("{embedded} of {fonts} fonts"),
    );

    let smallest = laid
        .pages
        .pages
        .iter()
        .flat_map(|p| &p.items)
        .filter_map(|i| match i {
            Item::Glyphs(run) => Some(run.size.0),
            _ => None,
        })
        .fold(f64::MAX, f64::min);
    report.add(
        Row::TextAtLeast7Pt,
        if smallest >= 7.0 - 1e-6 {
            Status::Pass
        } else {
            Status::Fail
        },
        if smallest == f64::MAX {
            "no text".to_string()
        } else {
            format!("smallest text {smallest:.2} pt")
        },
    );

    let images = laid
        .pages
        .pages
        .iter()
        .flat_map(|p| &p.items)
        .filter(|i| matches!(i, Item::Image { .. }))
        .count();
    let low: Vec<String> = laid
        .low_resolution
        .iter()
        .map(|(id, dpi)| format!("{} at {dpi:.0} dpi", book.image(*id).path))
        .collect();
    report.add(
        Row::PrintImagesAt300Dpi,
        if low.is_empty() {
            Status::Pass
        } else {
            Status::Warn
        },
        if low.is_empty() {
            format!("{images} of {images} images")
        } else {
            format!(
                "{} of {images} below 300 dpi: {}",
                low.len(),
                low.join(", ")
            )
        },
    );

    let (inner_run, end_run) = blank_runs(
        &laid
            .page_map
            .pages
            .iter()
            .map(|p| p.blank)
            .collect::<Vec<_>>(),
    );
    report.add(Row::BlankPagesInARow,
        if inner_run <= 2 && end_run <= MAX_END_BLANKS { Status::Pass } else { Status::Fail },
        format!("at most {inner_run} in a row before the end (≤ 2), {end_run} at the end (≤ {MAX_END_BLANKS})"),
    );
}

/// What the margins are held to: KDP's gutter for the page count and its
/// outside margin (larger with bleed); under half an inch is a warning.
pub(super) struct MarginLimits {
    gutter: f64,
    outer: f64,
}

impl MarginLimits {
    fn of(book: &Book, pages: usize) -> MarginLimits {
        MarginLimits {
            gutter: kdp_gutter_inches(pages) * 72.0,
            outer: if book.print.bleed { 0.375 } else { 0.25 } * 72.0,
        }
    }

    /// The verdict on margins (inside, outside, top, bottom).
    fn status(&self, (inside, outside, top, bottom): (f64, f64, f64, f64)) -> Status {
        let outer = outside.min(top).min(bottom);
        if inside + 0.01 < self.gutter || outer + 0.01 < self.outer {
            Status::Fail
        } else if inside.min(outer) + 0.01 < 36.0 {
            Status::Warn
        } else {
            Status::Pass
        }
    }
}

/// Every fault `quire check` counts on the print pages, where it is: the
/// typographic report's, each image below 300 dpi, each dead link (on the
/// line that sets its words) and each page whose ink comes nearer the trim
/// than the margins allow. In page order.
pub fn findings(book: &Book, laid: &LaidOut) -> Vec<layout::frame::Finding> {
    use layout::frame::{Finding, FindingKind};
    let mut findings = laid.report.findings.clone();
    for (id, dpi) in &laid.low_resolution {
        for (p, page) in laid.pages.pages.iter().enumerate() {
            if page
                .items
                .iter()
                .any(|i| matches!(i, Item::Image { image, .. } if image == id))
            {
                findings.push(Finding {
                    kind: FindingKind::LowResolution,
                    page: p,
                    grid: None,
                    detail: format!("{} at {dpi:.0} dpi (300 wanted)", book.image(*id).path),
                });
            }
        }
    }
    for link in &book.dead_links {
        let (page, grid) = place_of(laid, link.at);
        let place = link
            .location
            .as_ref()
            .map_or_else(String::new, |l| format!(" ({l})"));
        findings.push(Finding {
            kind: FindingKind::DeadLink,
            page,
            grid,
            detail: format!(
                "`{}` leads nowhere in the book; “{}” is set as text{place}",
                link.url, link.words
            ),
        });
    }
    let limits = MarginLimits::of(book, laid.pages.pages.len());
    for (p, page) in laid.pages.pages.iter().enumerate() {
        if let Some(m) = page_margins(page)
            && limits.status(m) != Status::Pass
        {
            findings.push(Finding {
                kind: FindingKind::OutsideMargins,
                page: p,
                grid: None,
                detail: format!(
                    "ink {} from the inside, {} outside, {} top, {} bottom",
                    inches(m.0),
                    inches(m.1),
                    inches(m.2),
                    inches(m.3)
                ),
            });
        }
    }
    findings.sort_by_key(|f| (f.page, f.grid, f.kind));
    findings
}

pub(super) fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// Longest run of blank pages before the end, and the run at the end.
pub fn blank_runs(blank: &[bool]) -> (usize, usize) {
    let end_run = blank.iter().rev().take_while(|&&b| b).count();
    let mut longest = 0;
    let mut run = 0;
    for &b in &blank[..blank.len() - end_run] {
        run = if b { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    (longest, end_run)
}

/// Fonts in a PDF and how many of them carry their font program.
pub fn count_embedded_fonts(pdf: &[u8]) -> (usize, usize) {
    let Ok(doc) = lopdf::Document::load_mem(pdf) else {
        return (0, 0);
    };
    let mut fonts = 0;
    let mut embedded = 0;
    for object in doc.objects.values() {
        let Ok(dict) = object.as_dict() else { continue };
        if dict.get(b"Type").ok().and_then(|t| t.as_name().ok())
            != Some(b"FontDescriptor".as_slice())
        {
            continue;
        }
        fonts += 1;
        if [b"FontFile".as_slice(), b"FontFile2", b"FontFile3"]
            .iter()
            .any(|k| dict.get(k).is_ok())
        {
            embedded += 1;
        }
    }
    (fonts, embedded)
}

/// The print page and grid line where the text at `at` is set: the last
/// line of its block that starts at or before it, else the page the block
/// is on (a note's text, for one).
pub(super) fn place_of(laid: &LaidOut, at: crate::model::TextPos) -> (usize, Option<u32>) {
    let mut found = None;
    for (p, lines) in laid.lines.iter().enumerate() {
        for line in lines {
            if let Some(pos) = line.pos
                && pos.block == at.block
                && pos.offset <= at.offset
            {
                found = Some((p, Some(line.grid)));
            }
        }
    }
    found.unwrap_or_else(|| {
        let page = laid
            .page_map
            .pages
            .iter()
            .rposition(|p| !p.blank && p.at <= at)
            .unwrap_or(0);
        (page, None)
    })
}
