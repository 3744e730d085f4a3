//! `quire check`, the release gate: runs the whole pipeline without writing
//! anything and measures what stores and printers check on upload, each as
//! PASS, WARN or FAIL with the number behind it. The measurements read the
//! produced files (the EPUB unzipped, the PDF parsed) or the layout itself,
//! never the settings that were meant to produce them.

mod cover;
mod epub;
mod manuscript;
mod pdfx;
mod print;
mod reading_order;
mod report;
mod rows;
mod stores;
pub mod tagged;
mod typography;
pub(crate) mod words;

pub use cover::strings_match;
pub use epub::epub_page_list_order;
pub use manuscript::{PLACEHOLDER_AUTHOR, PLACEHOLDER_TEXT, PLACEHOLDER_TITLE};
pub use print::{blank_runs, count_embedded_fonts, findings};
pub use reading_order::PageListOrder;
pub use report::{Check, Report, Status};
pub use rows::{Row, StoreRow};
pub use stores::{check_edition, google_set_problems};

use cover::check_cover;
use epub::check_epub;
use manuscript::{check_links, check_placeholders, check_warnings};
use print::check_print;
use typography::check_typography;

use crate::Options;
use crate::diag::Diagnostics;
use crate::project::Project;

use epub::{EPUB_NS, parse_xml, unzip};

/// Runs the pipeline in memory (the build's own, see
/// [`crate::build_for_inspection`]) and checks everything it produced.
pub fn release_gate(
    project: &Project,
    options: &Options,
) -> Result<(Report, Vec<crate::diag::Diagnostic>), Diagnostics> {
    // Both editions, and no store edition: the gate makes each store's
    // itself below, the stores book.toml names and those `--store` surveys.
    let built = Options {
        formats: crate::Formats::ALL,
        stores: Some(Vec::new()),
        ..options.clone()
    };
    let (outputs, kept) = crate::build_for_inspection(project, &built)?;
    let crate::Inspection {
        book,
        laid_out: laid,
        print_cover,
    } = kept;
    let warnings = outputs.warnings;
    let stem = crate::output_stem(&book);
    let file = |suffix: &str| -> Result<&[u8], Diagnostics> {
        let name = format!("{stem}{suffix}");
        outputs
            .files
            .iter()
            .find(|f| f.name == name)
            .map(|f| &f.bytes[..])
            .ok_or_else(|| {
                Diagnostics::from(crate::diag::Diagnostic::error(format!(
                    "the build made no {name} to check (an internal error of quire)"
                )))
            })
    };
    let (epub, jpeg) = (file(".epub")?, file("-cover.jpg")?);
    let (interior, cover_pdf) = (file(".pdf")?, file("-cover.pdf")?);
    let Some(print_cover) = print_cover else {
        return Err(Diagnostics::from(crate::diag::Diagnostic::error(
            "the build kept no print cover to check (an internal error of quire)",
        )));
    };

    let mut report = Report::default();
    check_epub(&mut report, &book, &laid, epub);
    check_print(&mut report, &book, &laid, interior);
    check_cover(&mut report, &book, &laid, jpeg, &print_cover, cover_pdf);
    pdfx::check(&mut report, &book, &laid, interior, cover_pdf);
    tagged::check(&mut report, interior);
    check_typography(&mut report, &laid);
    check_placeholders(&mut report, &book);
    check_links(&mut report, &book);
    words::check_words(&mut report, &book, &laid, epub);
    check_warnings(&mut report, &warnings);
    // The stores book.toml names, and those `--store` surveys.
    let surveyed = options.stores.clone().unwrap_or_default();
    let store_list: Vec<crate::model::Store> = crate::model::Store::ALL
        .into_iter()
        .filter(|s| book.ebook.stores.contains(s) || surveyed.contains(s))
        .collect();
    let sources = crate::stores::Sources {
        book: &book,
        stem: &stem,
        epub,
        cover_jpeg: jpeg,
        pdf: Some(interior),
    };
    stores::check_stores(&mut report, &book, &store_list, &sources);
    Ok((report, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::frame::{GlyphRun, Item, Page, PlacedGlyph, Rgb, Side};
    use crate::model::{Pt, Trim};
    use print::page_margins;

    fn run_at(x: f64, y: f64, size: f64) -> Item {
        Item::Glyphs(GlyphRun {
            mark: crate::layout::frame::Mark::Artifact,
            hidden: false,
            style: crate::fonts::Style::Regular,
            size: Pt(size),
            x: Pt(x),
            y: Pt(y),
            glyphs: vec![PlacedGlyph {
                id: 1,
                x: Pt::ZERO,
                advance: Pt(10.0),
                text_start: 0,
                text_len: 1,
            }]
            .into(),
            text: "x".into(),
            color: Rgb::BLACK,
            rotation: 0.0,
            slant: false,
        })
    }

    #[test]
    fn margins_are_measured_from_the_ink() {
        let page = Page {
            folio: "1".into(),
            side: Side::Recto,
            trim: Trim::parse("6x9").unwrap(),
            bleed: Pt::ZERO,
            items: vec![run_at(10.0, 100.0, 10.0), run_at(300.0, 600.0, 10.0)],
        };
        let (inside, outside, top, bottom) = page_margins(&page).unwrap();
        assert_eq!(inside, 10.0);
        assert_eq!(outside, 432.0 - 310.0);
        assert_eq!(top, 92.0);
        assert_eq!(bottom, 648.0 - 602.5);
    }

    #[test]
    fn blank_runs_split_the_end() {
        assert_eq!(
            blank_runs(&[false, true, false, true, true, true, false, true, true]),
            (3, 2)
        );
        assert_eq!(blank_runs(&[false, false]), (0, 0));
    }

    #[test]
    fn json_escapes() {
        let mut report = Report::default();
        report.add(Row::PageCount, Status::Fail, "13 \"pages\"\n");
        let json = report.to_json();
        assert!(json.contains("\"passed\": false"));
        assert!(
            json.contains("\"value\": \"13 \\\"pages\\\"\\n\""),
            "{json}"
        );
    }

    #[test]
    fn a_font_without_its_program_is_counted() {
        use lopdf::{Dictionary, Object};
        let mut doc = lopdf::Document::with_version("1.4");
        let mut descriptor = Dictionary::new();
        descriptor.set("Type", Object::Name(b"FontDescriptor".to_vec()));
        doc.add_object(descriptor);
        let mut bytes = Vec::new();
        doc.save_to(&mut bytes).unwrap();
        assert_eq!(count_embedded_fonts(&bytes), (1, 0));
    }
}
