//! `quire check`, the release gate: runs the whole pipeline without writing
//! anything and measures what stores and printers check on upload, each as
//! PASS, WARN or FAIL with the number behind it. The measurements read the
//! produced files (the EPUB unzipped, the PDF parsed) or the layout itself,
//! never the settings that were meant to produce them.

mod pdfx;
mod reading_order;
mod stores;
pub mod tagged;
pub(crate) mod words;

pub use reading_order::PageListOrder;
pub use stores::{check_edition, google_set_problems};

use std::collections::HashMap;
use std::fmt;
use std::io::{Cursor, Read};

use crate::cover::PrintCover;
use crate::cover::print::{Panel, SAFE, SPINE_SAFE, SPINE_TEXT_MIN_PAGES};
use crate::diag::Diagnostics;
use crate::layout::frame::{GlyphRun, Item, Page, Side};
use crate::layout::geometry::kdp_gutter_inches;
use crate::layout::{LaidOut, MAX_END_BLANKS};
use crate::model::{BlockKind, Book, DisplayRole, SectionKind, plain_text};
use crate::project::Project;
use crate::{Options, cover, epub, layout, pdf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Pass,
    Warn,
    Fail,
}

impl Status {
    fn label(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Warn => "WARN",
            Status::Fail => "FAIL",
        }
    }
}

/// One measured rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// `epub`, `print`, `cover` or `typography`.
    pub group: &'static str,
    pub name: &'static str,
    pub status: Status,
    /// The number behind the verdict, in words.
    pub value: String,
}

/// All checks of one book.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    pub checks: Vec<Check>,
}

impl Report {
    fn add(
        &mut self,
        group: &'static str,
        name: &'static str,
        status: Status,
        value: impl Into<String>,
    ) {
        self.checks.push(Check {
            group,
            name,
            status,
            value: value.into(),
        });
    }

    pub fn failed(&self) -> bool {
        self.checks.iter().any(|c| c.status == Status::Fail)
    }

    pub fn get(&self, name: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.name == name)
    }

    /// The report as JSON, for machines.
    pub fn to_json(&self) -> String {
        let mut out = String::from("{\n  \"passed\": ");
        out.push_str(if self.failed() { "false" } else { "true" });
        out.push_str(",\n  \"checks\": [");
        for (i, c) in self.checks.iter().enumerate() {
            out.push_str(if i == 0 { "\n" } else { ",\n" });
            out.push_str(&format!(
                "    {{\"group\": {}, \"check\": {}, \"status\": {}, \"value\": {}}}",
                json_string(c.group),
                json_string(c.name),
                json_string(c.status.label()),
                json_string(&c.value)
            ));
        }
        out.push_str("\n  ]\n}");
        out
    }
}

fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name_width = self
            .checks
            .iter()
            .map(|c| c.name.chars().count())
            .max()
            .unwrap_or(0);
        for c in &self.checks {
            writeln!(
                f,
                "{:<10} {:<name_width$}  {}  {}",
                c.group,
                c.name,
                c.status.label(),
                c.value
            )?;
        }
        let (fails, warns) = (
            self.checks
                .iter()
                .filter(|c| c.status == Status::Fail)
                .count(),
            self.checks
                .iter()
                .filter(|c| c.status == Status::Warn)
                .count(),
        );
        write!(
            f,
            "{}: {} checks, {fails} failed, {warns} warnings",
            if fails > 0 {
                "not ready to upload"
            } else {
                "ready to upload"
            },
            self.checks.len()
        )
    }
}

/// Runs the pipeline in memory and checks everything it produced.
pub fn release_gate(
    project: &Project,
    options: &Options,
) -> Result<(Report, Vec<crate::diag::Diagnostic>), Diagnostics> {
    let (mut book, mut warnings) = crate::load_book(project, options)?;
    let fonts = crate::load_fonts(project, &mut book)?;
    let laid = layout::layout(&book, &fonts)?;
    warnings.extend(laid.warnings.iter().cloned());
    let jpeg = cover::ebook_cover(&book, &fonts)?;
    let faces = crate::epub_faces(&book, &fonts);
    let epub = epub::write_embedding(&book, &laid.page_map, &jpeg, &faces)?;
    let interior = pdf::write(&book, &laid.pages, &fonts)?;
    let print_cover = cover::print_cover(&book, &fonts, laid.pages.pages.len())?;
    let cover_pdf = pdf::write_cover(&book, &print_cover.pages, &fonts, &print_cover.images)?;

    let mut report = Report::default();
    check_epub(&mut report, &book, &laid, &epub);
    check_print(&mut report, &book, &laid, &interior);
    check_cover(&mut report, &book, &laid, &jpeg, &print_cover, &cover_pdf);
    pdfx::check(&mut report, &book, &laid, &interior, &cover_pdf);
    tagged::check(&mut report, &interior);
    check_typography(&mut report, &laid);
    check_placeholders(&mut report, &book);
    check_links(&mut report, &book);
    words::check_words(&mut report, &book, &laid, &epub);
    check_warnings(&mut report, &warnings);
    // The stores book.toml names, and those `--store` surveys.
    let surveyed = options.stores.clone().unwrap_or_default();
    let store_list: Vec<crate::model::Store> = crate::model::Store::ALL
        .into_iter()
        .filter(|s| book.ebook.stores.contains(s) || surveyed.contains(s))
        .collect();
    let sources = crate::stores::Sources {
        book: &book,
        stem: &crate::output_stem(&book),
        epub: &epub,
        cover_jpeg: &jpeg,
        pdf: Some(&interior),
    };
    stores::check_stores(&mut report, &book, &store_list, &sources);
    Ok((report, warnings))
}

/// Every warning the build prints, counted (the terminal shows a few of each
/// kind): a WARN naming how many, of how many kinds, and the first.
fn check_warnings(report: &mut Report, warnings: &[crate::diag::Diagnostic]) {
    let mut kinds: Vec<&str> = warnings.iter().map(|w| w.kind()).collect();
    kinds.sort_unstable();
    kinds.dedup();
    report.add(
        "build",
        "warnings",
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
fn check_placeholders(report: &mut Report, book: &Book) {
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
        "epub",
        "no placeholder text",
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
fn check_links(report: &mut Report, book: &Book) {
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
        "links",
        layout::frame::FindingKind::DeadLink.check_name(),
        if dead.is_empty() {
            Status::Pass
        } else {
            Status::Fail
        },
        value,
    );
}

/// The print page and grid line where the text at `at` is set: the last
/// line of its block that starts at or before it, else the page the block
/// is on (a note's text, for one).
fn place_of(laid: &LaidOut, at: crate::model::TextPos) -> (usize, Option<u32>) {
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

// ------------------------------------------------------------------- EPUB

fn unzip(bytes: &[u8]) -> Option<(Vec<String>, HashMap<String, String>)> {
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

fn parse_xml(text: &str) -> Option<roxmltree::Document<'_>> {
    crate::stores::xml::parse(text).ok()
}

const EPUB_NS: &str = "http://www.idpf.org/2007/ops";

/// The archive path of the package's nav document.
fn nav_path(opf: &roxmltree::Document<'_>, base: &str) -> Option<String> {
    opf.descendants()
        .find(|n| {
            n.has_tag_name("item")
                && n.attribute("properties")
                    .is_some_and(|p| p.split(' ').any(|x| x == "nav"))
        })
        .and_then(|n| n.attribute("href"))
        .map(|h| format!("{base}{h}"))
}

fn check_epub(report: &mut Report, book: &Book, laid: &LaidOut, bytes: &[u8]) {
    let Some((names, texts)) = unzip(bytes) else {
        report.add(
            "epub",
            "structure",
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
            "epub",
            "structure",
            Status::Fail,
            "no readable package document",
        );
        return;
    };
    let base = opf_name
        .rsplit_once('/')
        .map_or(String::new(), |(dir, _)| format!("{dir}/"));
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
        "epub",
        "structure",
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

    // Required metadata.
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
        "epub",
        "required metadata",
        if present == required.len() {
            Status::Pass
        } else {
            Status::Fail
        },
        format!("{present} of 4 (title, unique identifier, language, modified {modified})"),
    );

    // Navigation: exactly one toc nav, and a page-list that reaches every page.
    let nav_name = nav_path(&opf, &base).unwrap_or_default();
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
        "epub",
        "one toc nav",
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
        "epub",
        "page-list linked",
        if entries == pages && linked == entries {
            Status::Pass
        } else {
            Status::Fail
        },
        format!("{linked} of {entries} entries reach their marker; {pages} print pages"),
    );

    let order = reading_order::page_list_order(&texts, &opf, &base, &nav_name);
    report.add(
        "epub",
        "page-list order",
        if order.in_order() {
            Status::Pass
        } else {
            Status::Fail
        },
        page_order_value(&order),
    );

    // Images with alt text, from the model the EPUB was written from.
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
        "epub",
        "images with alt text",
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

    // Tables read aloud by their column headers: a table without a header row is harder to follow.
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
        "epub",
        "tables with header rows",
        if headless == 0 {
            Status::Pass
        } else {
            Status::Warn
        },
        format!("{} of {tables}", tables - headless),
    );

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
        "epub",
        "accessibility metadata",
        if found == a11y.len() {
            Status::Pass
        } else {
            Status::Fail
        },
        format!("{found} of {} properties; {conforms}", a11y.len()),
    );

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
        "epub",
        "cover once",
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

fn page_order_value(order: &PageListOrder) -> String {
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

// ------------------------------------------------------------------ print

/// The ink box of a glyph run (trim coordinates), approximated from its size.
fn run_box(run: &GlyphRun) -> (f64, f64, f64, f64) {
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
fn page_margins(page: &Page) -> Option<(f64, f64, f64, f64)> {
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
fn inches(points: f64) -> String {
    if points.is_finite() && points.abs() < 1e9 {
        format!("{:.3} in", points / 72.0)
    } else {
        "none".to_string()
    }
}

fn check_print(report: &mut Report, book: &Book, laid: &LaidOut, pdf_bytes: &[u8]) {
    let pages = laid.pages.pages.len();
    let kdp = (24..=828).contains(&pages);
    let ingram = pages >= 18;
    report.add(
        "print",
        "page count",
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
    report.add(
        "print",
        "margins",
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
        "print",
        "fonts embedded",
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
        "print",
        "text ≥ 7 pt",
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
        "print",
        "images ≥ 300 dpi",
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
    report.add(
        "print",
        "blank pages in a row",
        if inner_run <= 2 && end_run <= MAX_END_BLANKS { Status::Pass } else { Status::Fail },
        format!("at most {inner_run} in a row before the end (≤ 2), {end_run} at the end (≤ {MAX_END_BLANKS})"),
    );
}

/// What the margins are held to: KDP's gutter for the page count and its
/// outside margin (larger with bleed); under half an inch is a warning.
struct MarginLimits {
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

fn yes(b: bool) -> &'static str {
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

// ------------------------------------------------------------------ cover

fn check_cover(
    report: &mut Report,
    book: &Book,
    laid: &LaidOut,
    jpeg: &[u8],
    cover: &PrintCover,
    cover_pdf: &[u8],
) {
    let size = image::ImageReader::new(Cursor::new(jpeg))
        .with_guessed_format()
        .ok()
        .and_then(|r| r.into_dimensions().ok());
    let ok = size == Some((crate::cover::EBOOK_WIDTH, crate::cover::EBOOK_HEIGHT))
        && jpeg.starts_with(&[0xff, 0xd8]);
    report.add(
        "cover",
        "ebook cover size",
        if ok { Status::Pass } else { Status::Fail },
        size.map_or("not a readable image".into(), |(w, h)| {
            format!("{w} × {h} px JPEG (KDP ideal 1600 × 2560)")
        }),
    );

    let pages = laid.pages.pages.len();
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
        "cover",
        "print cover size",
        if size_ok { Status::Pass } else { Status::Fail },
        format!(
            "{} (expected {expected_w:.3} × {expected_h:.3} in with 0.125 in bleed)",
            measured.map_or("unreadable".into(), |(w, h)| format!("{w:.3} × {h:.3} in"))
        ),
    );
    report.add(
        "cover",
        "spine width",
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

    // Spine text: only above 79 pages, and clear of the folds.
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
        "cover",
        "spine text",
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

    // All other text at least 0.25 in inside the trim of its panel.
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
        "cover",
        "text in the safe area",
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
    report.add("cover", "strings match the interior", status, value);

    if let Some(art) = &book.cover_art {
        check_cover_art(report, art, cover);
    }
}

/// KDP's smallest ebook cover (width × height, px).
pub const EBOOK_ART_MIN: (u32, u32) = (625, 1000);
/// Apple Books' smallest shorter side (px).
pub const EBOOK_ART_APPLE_MIN: u32 = 1400;
/// Below this the print cover's art FAILs; up to 300 dpi it WARNs.
pub const PRINT_ART_DPI_FLOOR: f64 = 200.0;

/// The author's cover art against the stores' sizes and the printer's 300 dpi.
fn check_cover_art(report: &mut Report, art: &crate::model::ImageAsset, cover: &PrintCover) {
    let (w, h) = (art.width, art.height);
    let (min_w, min_h) = EBOOK_ART_MIN;
    let status = if w < min_w || h < min_h {
        Status::Fail
    } else if w.min(h) < EBOOK_ART_APPLE_MIN {
        Status::Warn
    } else {
        Status::Pass
    };
    report.add(
        "cover",
        "cover art size",
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
        report.add(
            "cover",
            "cover art ≥ 300 dpi",
            status,
            format!(
                "{dpi:.0} dpi on the print cover's front (≥ 300; below {PRINT_ART_DPI_FLOOR:.0} fails)"
            ),
        );
    }
}

fn cover_runs(cover: &PrintCover) -> Vec<&GlyphRun> {
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

// ------------------------------------------------------------- typography

fn check_typography(report: &mut Report, laid: &LaidOut) {
    let r = &laid.report;
    let count = |name: &'static str, n: usize, report: &mut Report| {
        report.add(
            "typography",
            name,
            if n == 0 { Status::Pass } else { Status::Warn },
            n.to_string(),
        );
    };
    count("overfull lines", r.overfull_lines, report);
    count("widows", r.widows, report);
    count("orphans", r.orphans, report);
    count("headings at a page foot", r.headings_at_foot, report);
    count("hyphens at a page foot", r.hyphens_at_page_foot, report);
    // A justified page has a tight line now and then; many of them mean the
    // measure is too narrow for the spacing asked of it.
    let tight_share = 100.0 * r.tight_lines as f64 / r.lines.max(1) as f64;
    report.add(
        "typography",
        "lines set tight",
        if tight_share <= 2.0 {
            Status::Pass
        } else {
            Status::Warn
        },
        format!("{} ({tight_share:.1} % of lines, ≤ 2 %)", r.tight_lines),
    );
    count("unequal facing pages", r.unequal_spreads.len(), report);
    report.add(
        "typography",
        "hyphens in a row",
        if r.longest_hyphen_run <= 2 {
            Status::Pass
        } else {
            Status::Warn
        },
        format!("at most {} (≤ 2)", r.longest_hyphen_run),
    );
    let narrow = r.measure_em < crate::layout::frame::HYPHEN_LIMIT_MEASURE_EM;
    report.add(
        "typography",
        "hyphenated lines",
        if r.hyphenated_share() <= 5.0 || narrow {
            Status::Pass
        } else {
            Status::Warn
        },
        if narrow {
            format!(
                "{:.1} % of lines (a {:.0} em measure: no limit below {:.0} em)",
                r.hyphenated_share(),
                r.measure_em,
                crate::layout::frame::HYPHEN_LIMIT_MEASURE_EM
            )
        } else {
            format!("{:.1} % of lines (≤ 5 %)", r.hyphenated_share())
        },
    );
    report.add(
        "typography",
        "lines spaced 0.5 em or more",
        if r.lines_at_least_05_em == 0 {
            Status::Pass
        } else {
            Status::Warn
        },
        match (&r.loosest_line, r.lines_at_least_05_em) {
            (Some((folio, mean, text)), n) if n > 0 => {
                let shown: String = text.chars().take(40).collect();
                format!("{n}; the loosest on page {folio} ({mean:.2} em): “{shown}…”")
            }
            _ => "0".to_string(),
        },
    );
    count(
        "pages 2+ lines short",
        r.pages_short_by_two_or_more(),
        report,
    );
    report.add(
        "typography",
        "word spacing",
        if r.space_p95_em <= 0.40 {
            Status::Pass
        } else {
            Status::Warn
        },
        format!("95th percentile {:.3} em (≤ 0.400 em)", r.space_p95_em),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::frame::{PlacedGlyph, Rgb};
    use crate::model::{Pt, Trim};

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
        report.add("print", "page count", Status::Fail, "13 \"pages\"\n");
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
