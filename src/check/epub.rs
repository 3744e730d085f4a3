//! Rules read from the EPUB as written: its archive, package, navigation,
//! page-list, accessibility metadata and documents.

use crate::layout::LaidOut;
use crate::model::{BlockKind, Book};
use std::collections::HashMap;
use std::io::{Cursor, Read};

use super::reading_order::{self, PageListOrder};
use super::report::{Report, Status};
use super::rows::Row;

pub(super) fn unzip(bytes: &[u8]) -> Option<(Vec<String>, HashMap<String, String>)> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let mut names = Vec::new();
    let mut texts = HashMap::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).ok()?;
        let name = entry.name().to_string();
        if i == 0 && (name != "mimetype" || entry.compression() != zip::CompressionMethod::Stored) {
            return None;
        }
        let mut text = String::new();
        if !name.ends_with(".jpg")
            && !name.ends_with(".png")
            && entry.read_to_string(&mut text).is_ok()
        {
            texts.insert(name.clone(), text);
        }
        names.push(name);
    }
    Some((names, texts))
}

pub(super) fn parse_xml(text: &str) -> Option<roxmltree::Document<'_>> {
    crate::stores::xml::parse(text).ok()
}

pub(super) const EPUB_NS: &str = "http://www.idpf.org/2007/ops";

/// The archive path of the package's nav document.
pub(super) fn nav_path(opf: &roxmltree::Document<'_>, base: &str) -> Option<String> {
    opf.descendants()
        .find(|n| {
            n.has_tag_name("item")
                && n.attribute("properties")
                    .is_some_and(|p| p.split(' ').any(|x| x == "nav"))
        })
        .and_then(|n| n.attribute("href"))
        .map(|h| format!("{base}{h}"))
}

pub(super) fn check_epub(report: &mut Report, book: &Book, laid: &LaidOut, bytes: &[u8]) {
    let Some((names, texts)) = unzip(bytes) else {
        report.add(
            Row::EpubStructure,
            Status::Fail,
            "not a valid EPUB archive (mimetype must come first, stored)",
        );
        return;
    };
    let opf_name = names
        .iter()
        .find(|n| n.ends_with(".opf"))
        .cloned()
        .unwrap_or_default();
    let Some(opf) = texts.get(&opf_name).and_then(|t| parse_xml(t)) else {
        report.add(
            Row::EpubStructure,
            Status::Fail,
            "no readable package document",
        );
        return;
    };
    let base = opf_name
        .rsplit_once('/')
        .map_or(String::new(), |(dir, _)| format!("{dir}/"));
    check_archive(report, &names, &texts, &opf, &base);
    check_required_metadata(report, &opf);
    check_navigation(report, laid, &texts, &opf, &base);
    check_images_alt(report, book);
    check_table_headers(report, book);
    check_accessibility_metadata(report, &opf);
    check_cover_once(report, &opf);
}

type Texts = HashMap<String, String>;

/// Every file the package lists is in the archive, every document is well
/// formed, and the reading order is not empty.
fn check_archive(
    report: &mut Report,
    names: &[String],
    texts: &Texts,
    opf: &roxmltree::Document<'_>,
    base: &str,
) {
    let manifest: Vec<(String, String)> = opf
        .descendants()
        .filter(|n| n.has_tag_name("item"))
        .filter_map(|n| {
            Some((
                n.attribute("id")?.to_string(),
                n.attribute("href")?.to_string(),
            ))
        })
        .collect();
    let missing = manifest
        .iter()
        .filter(|(_, href)| !names.contains(&format!("{base}{href}")))
        .count();
    let spine = opf
        .descendants()
        .filter(|n| n.has_tag_name("itemref"))
        .count();
    let xhtml: Vec<&String> = names.iter().filter(|n| n.ends_with(".xhtml")).collect();
    let malformed = xhtml
        .iter()
        .filter(|n| texts.get(n.as_str()).and_then(|t| parse_xml(t)).is_none())
        .count();
    report.add(
        Row::EpubStructure,
        if missing == 0 && malformed == 0 && spine > 0 {
            Status::Pass
        } else {
            Status::Fail
        },
        format!(
            "{} files, {spine} in the reading order, {missing} missing, {malformed} malformed",
            names.len()
        ),
    );
}

/// Title, unique identifier, language and modified date.
fn check_required_metadata(report: &mut Report, opf: &roxmltree::Document<'_>) {
    let dc = |name: &str| {
        opf.descendants()
            .filter(|n| {
                n.tag_name().name() == name
                    && n.tag_name().namespace() == Some("http://purl.org/dc/elements/1.1/")
            })
            .count()
    };
    let unique = opf
        .root_element()
        .attribute("unique-identifier")
        .unwrap_or_default();
    let identifier_ok = opf
        .descendants()
        .any(|n| n.tag_name().name() == "identifier" && n.attribute("id") == Some(unique));
    let modified = opf
        .descendants()
        .find(|n| n.attribute("property") == Some("dcterms:modified"))
        .and_then(|n| n.text())
        .unwrap_or_default();
    let modified_ok = modified.len() == 20 && modified.ends_with('Z');
    let required = [
        dc("title") > 0,
        identifier_ok,
        dc("language") > 0,
        modified_ok,
    ];
    let present = required.iter().filter(|&&b| b).count();
    report.add(
        Row::RequiredMetadata,
        if present == required.len() {
            Status::Pass
        } else {
            Status::Fail
        },
        format!("{present} of 4 (title, unique identifier, language, modified {modified})"),
    );
}

/// Navigation: exactly one toc nav, and a page-list that reaches every page
/// in the reading order.
fn check_navigation(
    report: &mut Report,
    laid: &LaidOut,
    texts: &Texts,
    opf: &roxmltree::Document<'_>,
    base: &str,
) {
    let nav_name = nav_path(opf, base).unwrap_or_default();
    let nav = texts.get(&nav_name).and_then(|t| parse_xml(t));
    let navs_of = |kind: &str| {
        nav.as_ref().map_or(0, |d| {
            d.descendants()
                .filter(|n| n.has_tag_name("nav") && n.attribute((EPUB_NS, "type")) == Some(kind))
                .count()
        })
    };
    let tocs = navs_of("toc");
    report.add(
        Row::OneTocNav,
        if tocs == 1 {
            Status::Pass
        } else {
            Status::Fail
        },
        format!("{tocs} toc nav"),
    );
    let pages = laid.pages.pages.len();
    let mut linked = 0;
    let mut entries = 0;
    if let Some(doc) = &nav
        && let Some(list) = doc
            .descendants()
            .find(|n| n.has_tag_name("nav") && n.attribute((EPUB_NS, "type")) == Some("page-list"))
    {
        for a in list.descendants().filter(|n| n.has_tag_name("a")) {
            entries += 1;
            let Some((file, id)) = a.attribute("href").and_then(|h| h.split_once('#')) else {
                continue;
            };
            let target = texts.get(&format!("{base}{file}"));
            if target.is_some_and(|t| t.contains(&format!("id=\"{id}\""))) {
                linked += 1;
            }
        }
    }
    report.add(
        Row::PageListLinked,
        if entries == pages && linked == entries {
            Status::Pass
        } else {
            Status::Fail
        },
        format!("{linked} of {entries} entries reach their marker; {pages} print pages"),
    );

    let order = reading_order::page_list_order(texts, opf, base, &nav_name);
    report.add(
        Row::PageListOrder,
        if order.in_order() {
            Status::Pass
        } else {
            Status::Fail
        },
        page_order_value(&order),
    );
}

/// Images with alt text, from the model the EPUB was written from.
fn check_images_alt(report: &mut Report, book: &Book) {
    let mut figures = 0;
    let mut without = Vec::new();
    for section in &book.sections {
        crate::model::walk_blocks(&section.blocks, &mut |block| {
            if let BlockKind::Figure {
                alt,
                decorative,
                image,
                ..
            } = &block.kind
            {
                figures += 1;
                if alt.trim().is_empty() && !decorative {
                    without.push(book.image(*image).path.clone());
                }
            }
        });
    }
    report.add(
        Row::ImagesWithAltText,
        if without.is_empty() {
            Status::Pass
        } else {
            Status::Warn
        },
        if without.is_empty() {
            format!("{figures} of {figures}")
        } else {
            format!(
                "{} of {figures}; missing: {}",
                figures - without.len(),
                without.join(", ")
            )
        },
    );
}

/// Tables read aloud by their column headers: a table without a header row
/// is harder to follow.
fn check_table_headers(report: &mut Report, book: &Book) {
    let mut tables = 0;
    let mut headless = 0;
    for section in &book.sections {
        crate::model::walk_blocks(&section.blocks, &mut |block| {
            if let BlockKind::Table { head, .. } = &block.kind {
                tables += 1;
                headless += usize::from(head.is_none());
            }
        });
    }
    report.add(
        Row::TablesWithHeaderRows,
        if headless == 0 {
            Status::Pass
        } else {
            Status::Warn
        },
        format!("{} of {tables}", tables - headless),
    );
}

/// The four schema.org properties EPUB Accessibility asks for, and the
/// conformance claim.
fn check_accessibility_metadata(report: &mut Report, opf: &roxmltree::Document<'_>) {
    let props: Vec<&str> = opf
        .descendants()
        .filter_map(|n| n.attribute("property"))
        .collect();
    let a11y = [
        "schema:accessMode",
        "schema:accessibilityFeature",
        "schema:accessibilityHazard",
        "schema:accessibilitySummary",
    ];
    let found = a11y.iter().filter(|p| props.contains(p)).count();
    let conforms = opf
        .descendants()
        .find(|n| n.attribute("property") == Some("dcterms:conformsTo"))
        .and_then(|n| n.text())
        .unwrap_or("no conformance claim");
    report.add(
        Row::AccessibilityMetadata,
        if found == a11y.len() {
            Status::Pass
        } else {
            Status::Fail
        },
        format!("{found} of {} properties; {conforms}", a11y.len()),
    );
}

/// One cover image, not shown in the reading order.
fn check_cover_once(report: &mut Report, opf: &roxmltree::Document<'_>) {
    let cover_items: Vec<&str> = opf
        .descendants()
        .filter(|n| {
            n.has_tag_name("item")
                && n.attribute("properties")
                    .is_some_and(|p| p.contains("cover-image"))
        })
        .filter_map(|n| n.attribute("id"))
        .collect();
    let in_spine = opf
        .descendants()
        .filter(|n| n.has_tag_name("itemref"))
        .any(|n| {
            n.attribute("idref")
                .is_some_and(|id| cover_items.contains(&id))
        });
    report.add(
        Row::CoverOnce,
        if cover_items.len() == 1 && !in_spine {
            Status::Pass
        } else {
            Status::Fail
        },
        format!(
            "{} cover image, {} in the reading order",
            cover_items.len(),
            if in_spine { "shown" } else { "not shown" }
        ),
    );
}

pub(super) fn page_order_value(order: &PageListOrder) -> String {
    let mut value = format!(
        "{} of {} entries follow the reading order; {} of {} page markers listed",
        order.entries - order.backwards - order.unreached,
        order.entries,
        order.markers - order.unlisted,
        order.markers
    );
    if let Some(first) = &order.first_backwards {
        value.push_str(&format!("; first out of order: {first}"));
    }
    value
}

/// Whether an EPUB's page-list follows its reading order (`None` when the
/// archive or its package cannot be read).
pub fn epub_page_list_order(bytes: &[u8]) -> Option<PageListOrder> {
    let (names, texts) = unzip(bytes)?;
    let opf_name = names.iter().find(|n| n.ends_with(".opf"))?;
    let opf = parse_xml(texts.get(opf_name)?)?;
    let base = opf_name
        .rsplit_once('/')
        .map_or(String::new(), |(dir, _)| format!("{dir}/"));
    let nav_name = nav_path(&opf, &base)?;
    Some(reading_order::page_list_order(
        &texts, &opf, &base, &nav_name,
    ))
}
