//! Rules read from the covers: the ebook cover's size, the print cover's
//! spine, safe areas, bleed and its text against the book's.

use crate::cover::PrintCover;
use crate::cover::print::{Panel, SAFE, SPINE_SAFE, SPINE_TEXT_MIN_PAGES};
use crate::layout::LaidOut;
use crate::layout::frame::{GlyphRun, Item};
use crate::model::{BlockKind, Book, DisplayRole, SectionKind, plain_text};
use std::io::Cursor;

use super::print::{inches, run_box};
use super::report::{Report, Status};
use super::rows::Row;

pub(super) fn check_cover(
    report: &mut Report,
    book: &Book,
    laid: &LaidOut,
    jpeg: &[u8],
    cover: &PrintCover,
    cover_pdf: &[u8],
) {
    check_ebook_cover(report, jpeg);
    let pages = laid.pages.pages.len();
    check_print_cover_size(report, book, pages, cover, cover_pdf);
    check_spine_text(report, pages, cover);
    check_safe_area(report, cover);
    check_strings(report, book, cover);
    if let Some(art) = &book.cover_art {
        check_cover_art(report, art, cover);
    }
}

/// The ebook cover: a JPEG of KDP's ideal size.
fn check_ebook_cover(report: &mut Report, jpeg: &[u8]) {
    let size = image::ImageReader::new(Cursor::new(jpeg))
        .with_guessed_format()
        .ok()
        .and_then(|r| r.into_dimensions().ok());
    let ok = size == Some((crate::cover::EBOOK_WIDTH, crate::cover::EBOOK_HEIGHT))
        && jpeg.starts_with(&[0xff, 0xd8]);
    report.add(
        Row::EbookCoverSize,
        if ok { Status::Pass } else { Status::Fail },
        size.map_or("not a readable image".into(), |(w, h)| {
            format!("{w} × {h} px JPEG (KDP ideal 1600 × 2560)")
        }),
    );
}

/// The print cover's sheet (two panels, the spine and the bleed) and its
/// spine, measured on the PDF against the page count and the paper.
fn check_print_cover_size(
    report: &mut Report,
    book: &Book,
    pages: usize,
    cover: &PrintCover,
    cover_pdf: &[u8],
) {
    let expected_spine = pages as f64 * book.print.paper.caliper_inches();
    let (sheet_w, sheet_h) = cover.sheet();
    let expected_w = 0.125 * 2.0 + book.print.trim.width.inches() * 2.0 + expected_spine;
    let expected_h = book.print.trim.height.inches() + 0.25;
    let measured = lopdf::Document::load_mem(cover_pdf).ok().and_then(|doc| {
        let (_, &page) = doc.get_pages().iter().next()?;
        let media = doc
            .get_object(page)
            .ok()?
            .as_dict()
            .ok()?
            .get(b"MediaBox")
            .ok()?
            .as_array()
            .ok()?
            .clone();
        let number = |o: &lopdf::Object| {
            o.as_float()
                .ok()
                .map(f64::from)
                .or_else(|| o.as_i64().ok().map(|i| i as f64))
        };
        Some((number(&media[2])? / 72.0, number(&media[3])? / 72.0))
    });
    let size_ok = measured
        .is_some_and(|(w, h)| (w - expected_w).abs() < 0.01 && (h - expected_h).abs() < 0.01)
        && (sheet_w.inches() - expected_w).abs() < 0.01
        && (sheet_h.inches() - expected_h).abs() < 0.01;
    report.add(
        Row::PrintCoverSize,
        if size_ok { Status::Pass } else { Status::Fail },
        format!(
            "{} (expected {expected_w:.3} × {expected_h:.3} in with 0.125 in bleed)",
            measured.map_or("unreadable".into(), |(w, h)| format!("{w:.3} × {h:.3} in"))
        ),
    );
    report.add(
        Row::SpineWidth,
        if (cover.spine.inches() - expected_spine).abs() < 1e-6 {
            Status::Pass
        } else {
            Status::Fail
        },
        format!(
            "{:.4} in = {pages} pages × {} in ({:?} paper)",
            cover.spine.inches(),
            book.print.paper.caliper_inches(),
            book.print.paper
        ),
    );
}

/// Spine text: only above 79 pages, and clear of the folds.
fn check_spine_text(report: &mut Report, pages: usize, cover: &PrintCover) {
    let (w, s) = (cover.panel.width.0, cover.spine.0);
    let spine_runs: Vec<&GlyphRun> = cover_runs(cover)
        .into_iter()
        .filter(|r| r.rotation != 0.0)
        .collect();
    let spine_status = if pages < SPINE_TEXT_MIN_PAGES {
        if spine_runs.is_empty() {
            Status::Pass
        } else {
            Status::Fail
        }
    } else {
        let clear = spine_runs
            .iter()
            .map(|r| run_box(r))
            .all(|b| b.0 >= w + SPINE_SAFE.0 - 0.01 && b.2 <= w + s - SPINE_SAFE.0 + 0.01);
        if clear { Status::Pass } else { Status::Fail }
    };
    report.add(
        Row::SpineText,
        spine_status,
        if pages < SPINE_TEXT_MIN_PAGES {
            format!("none ({pages} pages; spine text from {SPINE_TEXT_MIN_PAGES})")
        } else {
            format!(
                "{} runs, ≥ {} from the folds",
                spine_runs.len(),
                inches(SPINE_SAFE.0)
            )
        },
    );
}

/// All other text at least 0.25 in inside the trim of its panel.
fn check_safe_area(report: &mut Report, cover: &PrintCover) {
    let (w, s) = (cover.panel.width.0, cover.spine.0);
    let mut worst = f64::MAX;
    for run in cover_runs(cover).into_iter().filter(|r| r.rotation == 0.0) {
        let b = run_box(run);
        let (left, right) = if b.0 < w {
            (0.0, w)
        } else {
            (w + s, 2.0 * w + s)
        };
        let inset = (b.0 - left)
            .min(right - b.2)
            .min(b.1)
            .min(cover.panel.height.0 - b.3);
        worst = worst.min(inset);
    }
    report.add(
        Row::TextInTheSafeArea,
        if worst + 0.01 >= SAFE.0 {
            Status::Pass
        } else {
            Status::Fail
        },
        if worst == f64::MAX {
            "no text set on the front or back".to_string()
        } else {
            format!(
                "closest text {} from a trim edge (≥ {})",
                inches(worst),
                inches(SAFE.0)
            )
        },
    );
}

/// The title, subtitle, author and ISBN on the cover as the interior has them.
fn check_strings(report: &mut Report, book: &Book, cover: &PrintCover) {
    let (matched, expected, mismatch) = strings_match(book, cover);
    let (status, value) = if expected == 0 {
        (
            Status::Warn,
            "nothing to compare: the cover art carries the title and author; check them by eye against the title page".to_string(),
        )
    } else if mismatch.is_empty() {
        (
            Status::Pass,
            format!("{matched} of {expected} (title, subtitle, author, ISBN)"),
        )
    } else {
        (
            Status::Fail,
            format!("{matched} of {expected}; differs: {}", mismatch.join(", ")),
        )
    };
    report.add(Row::StringsMatchTheInterior, status, value);
}

/// KDP's smallest ebook cover (width × height, px).
pub const EBOOK_ART_MIN: (u32, u32) = (625, 1000);
/// Apple Books' smallest shorter side (px).
pub const EBOOK_ART_APPLE_MIN: u32 = 1400;
/// Below this the print cover's art FAILs; up to 300 dpi it WARNs.
pub const PRINT_ART_DPI_FLOOR: f64 = 200.0;

/// The author's cover art against the stores' sizes and the printer's 300 dpi.
pub(super) fn check_cover_art(
    report: &mut Report,
    art: &crate::model::ImageAsset,
    cover: &PrintCover,
) {
    let (w, h) = (art.width, art.height);
    let (min_w, min_h) = EBOOK_ART_MIN;
    let status = if w < min_w || h < min_h {
        Status::Fail
    } else if w.min(h) < EBOOK_ART_APPLE_MIN {
        Status::Warn
    } else {
        Status::Pass
    };
    report.add(Row::CoverArtSize,
        status,
        format!(
            "{} is {w} × {h} px (KDP ≥ {min_w} × {min_h}, Apple ≥ {EBOOK_ART_APPLE_MIN} on the shorter side, ideal 1600 × 2560)",
            art.path
        ),
    );
    // The art as placed on the front, cropped to the front's shape with its bleed.
    let placed = cover
        .pages
        .pages
        .iter()
        .flat_map(|p| &p.items)
        .find_map(|i| match i {
            Item::Image { image, width, .. } => cover
                .images
                .get(image.0 as usize)
                .map(|asset| asset.width as f64 / width.inches()),
            _ => None,
        });
    if let Some(dpi) = placed {
        let status = if dpi < PRINT_ART_DPI_FLOOR {
            Status::Fail
        } else if dpi < 300.0 {
            Status::Warn
        } else {
            Status::Pass
        };
        report.add(Row::CoverArtAt300Dpi,
            status,
            format!(
                "{dpi:.0} dpi on the print cover's front (≥ 300; below {PRINT_ART_DPI_FLOOR:.0} fails)"
            ),
        );
    }
}

pub(super) fn cover_runs(cover: &PrintCover) -> Vec<&GlyphRun> {
    cover
        .pages
        .pages
        .iter()
        .flat_map(|p| &p.items)
        .filter_map(|i| match i {
            Item::Glyphs(run) => Some(run),
            _ => None,
        })
        .collect()
}

/// Compares the cover's strings with the interior's title and copyright pages.
pub fn strings_match(book: &Book, cover: &PrintCover) -> (usize, usize, Vec<String>) {
    let interior: Vec<String> = book
        .sections
        .iter()
        .filter(|s| matches!(s.kind, SectionKind::TitlePage | SectionKind::Copyright))
        .flat_map(|s| &s.blocks)
        .filter_map(|b| match &b.kind {
            BlockKind::Display { role, content } => Some((*role, plain_text(content))),
            _ => None,
        })
        .filter(|(role, _)| {
            matches!(
                role,
                DisplayRole::BookTitle
                    | DisplayRole::Subtitle
                    | DisplayRole::Author
                    | DisplayRole::Notice
            )
        })
        .map(|(_, text)| text)
        .collect();
    let normal = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let front = |panel: Panel| -> String {
        cover
            .strings
            .iter()
            .filter(|(p, _)| *p == panel)
            .map(|(_, s)| s.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let front_text = normal(&front(Panel::Front));
    let spine_text = normal(&front(Panel::Spine));
    let back_text = normal(&front(Panel::Back));
    let mut wanted: Vec<(String, String)> = Vec::new();
    if cover.images.is_empty() {
        wanted.push(("title".into(), book.meta.title.clone()));
        if let Some(sub) = &book.meta.subtitle {
            wanted.push(("subtitle".into(), sub.clone()));
        }
        if !book.meta.authors.is_empty() {
            wanted.push(("author".into(), book.meta.author_line().to_uppercase()));
        }
    }
    if let Some(isbn) = &book.meta.isbn_print {
        wanted.push(("ISBN".into(), format!("ISBN {isbn}")));
    }
    let mut matched = 0;
    let mut mismatch = Vec::new();
    for (what, text) in &wanted {
        let on_cover = front_text.contains(&normal(text))
            || back_text.contains(&normal(text))
            || spine_text.contains(&normal(text));
        // The interior must carry the same string (the author's name in its own case).
        let in_interior = interior.iter().any(|i| {
            normal(i)
                .to_uppercase()
                .contains(&normal(text).to_uppercase())
        });
        if on_cover && in_interior {
            matched += 1;
        } else {
            mismatch.push(format!("{what} “{text}”"));
        }
    }
    (matched, wanted.len(), mismatch)
}
