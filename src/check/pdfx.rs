//! The print files read back for what a printer's preflight and a PDF viewer
//! look at: page labels that match the folios, and, when `print.pdf-x` asks
//! for a standard, what that standard requires of the interior and the cover
//! (the output intent and its profile under PDF's key, version and
//! identification, no RGB, and for PDF/X-1a no transparency and no font
//! format newer than PDF 1.3).

use super::rows::Row;
use lopdf::{Document, Object};

use super::{Report, Status};
use crate::layout::LaidOut;
use crate::model::{Book, PdfX};

/// The rows: "page labels" always, "PDF/X" when the book asks for it.
pub fn check(report: &mut Report, book: &Book, laid: &LaidOut, interior: &[u8], cover: &[u8]) {
    let Ok(doc) = Document::load_mem(interior) else {
        report.add(
            Row::PageLabels,
            Status::Fail,
            "the interior PDF could not be read back".to_string(),
        );
        return;
    };
    let expected = laid.pages.pages.len();
    let labelled = page_label_ranges(&doc);
    report.add(
        Row::PageLabels,
        if labelled.is_some_and(|r| r > 0) {
            Status::Pass
        } else {
            Status::Fail
        },
        match labelled {
            Some(ranges) => {
                format!("{expected} pages labelled as their folios, in {ranges} ranges")
            }
            None => "no /PageLabels: viewers number the front matter from 1".to_string(),
        },
    );
    let Some(standard) = book.print.pdf_x else {
        return;
    };
    let mut found = faults(&doc, standard)
        .into_iter()
        .map(|f| format!("interior: {f}"))
        .collect::<Vec<_>>();
    match Document::load_mem(cover) {
        Ok(cover) => found.extend(
            faults(&cover, standard)
                .into_iter()
                .map(|f| format!("cover: {f}")),
        ),
        Err(_) => found.push("the cover PDF could not be read back".to_string()),
    }
    report.add(
        Row::PdfX,
        if found.is_empty() {
            Status::Pass
        } else {
            Status::Fail
        },
        if found.is_empty() {
            format!(
                "{} (interior and cover): intent, profile, identification, colour, transparency",
                standard.version()
            )
        } else {
            found.join("; ")
        },
    );
}

/// How many ranges `/PageLabels` holds, when it is there.
fn page_label_ranges(doc: &Document) -> Option<usize> {
    let labels = doc.catalog().ok()?.get(b"PageLabels").ok()?;
    let (_, labels) = doc.dereference(labels).ok()?;
    let nums = labels.as_dict().ok()?.get(b"Nums").ok()?.as_array().ok()?;
    Some(nums.len() / 2)
}

/// What the document does that `standard` does not allow.
fn faults(doc: &Document, standard: PdfX) -> Vec<String> {
    let mut faults = Vec::new();
    let version = match standard {
        PdfX::X4 => "1.6",
        PdfX::X1a => "1.3",
    };
    if doc.version != version {
        faults.push(format!("PDF {} (expected {version})", doc.version));
    }
    let info = doc
        .trailer
        .get(b"Info")
        .and_then(Object::as_reference)
        .and_then(|id| doc.get_dictionary(id))
        .ok();
    let declared = info
        .and_then(|i| i.get(b"GTS_PDFXVersion").ok())
        .and_then(|v| v.as_str().ok());
    if declared != Some(standard.version().as_bytes()) {
        faults.push(format!("GTS_PDFXVersion is not {}", standard.version()));
    }
    if standard == PdfX::X1a
        && info
            .and_then(|i| i.get(b"GTS_PDFXConformance").ok())
            .and_then(|v| v.as_str().ok())
            != Some(b"PDF/X-1a:2001".as_slice())
    {
        faults.push("GTS_PDFXConformance is not PDF/X-1a:2001".to_string());
    }
    let intent = doc
        .catalog()
        .ok()
        .and_then(|c| c.get(b"OutputIntents").ok())
        .and_then(|i| i.as_array().ok())
        .and_then(|i| i.first())
        .and_then(|i| doc.dereference(i).ok())
        .and_then(|(_, i)| i.as_dict().ok());
    match intent {
        None => faults.push("no output intent".to_string()),
        Some(intent) => {
            if intent.get(b"DestOutputProfile").is_err() {
                faults.push("the output intent has no /DestOutputProfile".to_string());
            }
            if intent.get(b"S").and_then(Object::as_name).ok() != Some(b"GTS_PDFX".as_slice()) {
                faults.push("the output intent is not GTS_PDFX".to_string());
            }
        }
    }
    let mut rgb_images = 0;
    let mut transparency = 0;
    let mut newer_fonts = 0;
    for object in doc.objects.values() {
        let dict = match object {
            Object::Dictionary(d) => d,
            Object::Stream(s) => &s.dict,
            _ => continue,
        };
        if dict.get(b"ColorSpace").and_then(Object::as_name).ok() == Some(b"DeviceRGB".as_slice()) {
            rgb_images += 1;
        }
        if dict.get(b"SMask").is_ok() || dict.get(b"Group").is_ok() {
            transparency += 1;
        }
        if dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"OpenType".as_slice()) {
            newer_fonts += 1;
        }
    }
    if rgb_images > 0 {
        faults.push(format!("{rgb_images} images in DeviceRGB"));
    }
    if standard == PdfX::X1a && transparency > 0 {
        faults.push(format!("{transparency} soft masks or transparency groups"));
    }
    if standard == PdfX::X1a && newer_fonts > 0 {
        faults.push(format!(
            "{newer_fonts} OpenType font programs (PDF 1.6; X-1a is 1.3): use TrueType fonts"
        ));
    }
    let rgb_pages = doc
        .get_pages()
        .values()
        .filter(|&&page| {
            lopdf::content::Content::decode(&doc.get_page_content(page)).is_ok_and(|content| {
                content
                    .operations
                    .iter()
                    .any(|op| op.operator == "rg" || op.operator == "RG")
            })
        })
        .count();
    if rgb_pages > 0 {
        faults.push(format!("{rgb_pages} pages paint in DeviceRGB"));
    }
    faults
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::dictionary;

    /// A one-page document with the output intent printpdf writes: the
    /// profile under its wrong key, and an RGB colour on the page.
    fn printpdf_like(version: &str) -> Document {
        let mut doc = Document::with_version(version);
        let pages = doc.new_object_id();
        let content = doc.add_object(lopdf::Stream::new(
            dictionary! {},
            b"1 0 0 rg 0 0 10 10 re f".to_vec(),
        ));
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages, "Contents" => content,
            "MediaBox" => vec![0.into(), 0.into(), 10.into(), 10.into()],
        });
        doc.objects.insert(
            pages,
            Object::Dictionary(
                dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
            ),
        );
        let profile = doc.add_object(lopdf::Stream::new(dictionary! { "N" => 4 }, Vec::new()));
        let info = doc.add_object(dictionary! {
            "GTS_PDFXVersion" => Object::string_literal("PDF/X-4"),
        });
        let catalog = doc.add_object(dictionary! {
            "Type" => "Catalog", "Pages" => pages,
            "OutputIntents" => vec![Object::Dictionary(dictionary! {
                "Type" => "OutputIntent", "S" => "GTS_PDFX", "DestinationOutputProfile" => profile,
            })],
        });
        doc.trailer.set("Root", catalog);
        doc.trailer.set("Info", info);
        doc
    }

    #[test]
    fn printpdfs_intent_key_and_rgb_are_faults() {
        let found = faults(&printpdf_like("1.6"), PdfX::X4);
        assert_eq!(
            found,
            vec![
                "the output intent has no /DestOutputProfile".to_string(),
                "1 pages paint in DeviceRGB".to_string()
            ]
        );
        let found = faults(&printpdf_like("1.6"), PdfX::X1a);
        assert!(
            found.contains(&"PDF 1.6 (expected 1.3)".to_string()),
            "{found:?}"
        );
        assert!(
            found.contains(&"GTS_PDFXVersion is not PDF/X-1:2001".to_string()),
            "{found:?}"
        );
    }

    #[test]
    fn no_page_labels_is_counted_as_none() {
        assert_eq!(page_label_ranges(&printpdf_like("1.6")), None);
    }
}
