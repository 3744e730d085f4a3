//! Print layout: Book + fonts → pages of positioned glyph runs, rules and
//! images, plus the page map (where each page starts in the model) and a
//! typographic report. printpdf only draws what this decides.
//!
//! Stages: `shape` (rustybuzz, cached per word) → `paragraph` (boxes, glue,
//! penalties; `hyphenate`; `linebreak`: Knuth–Plass) → `galley` (a section
//! as grid lines with break penalties) → `paginate` (optimal page breaks) →
//! `compose` (placing lines, footnotes, running heads and folios), with the
//! designed front matter in `frontmatter`. `geometry` holds the page grid,
//! `report` the measurements and `dump` the text dump for snapshot tests.

mod assemble;
pub mod compose;
pub mod crossrefs;
pub mod dump;
pub mod frame;
pub mod frontmatter;
pub mod galley;
pub mod geometry;
pub mod hyphenate;
pub mod items;
pub mod linebreak;
pub mod paginate;
pub mod paragraph;
pub mod report;
pub mod reshape;
pub mod sections;
pub mod shape;
pub mod table;
pub mod urlnotes;
mod warnings;

pub use frame::{PagedBook, Report};

use std::collections::HashMap;

pub use compose::roman;
use compose::{ComposedPage, LineFact};
use frame::OutlineEntry;
use galley::Galley;
use geometry::{PageGeometry, TypeScale, kdp_gutter_inches};
use hyphenate::Hyphenator;
use paginate::PageCosts;
use paragraph::Setter;
use shape::{ShapedWords, Shaper};

use crate::diag::{Diagnostic, Diagnostics, Location, Sink};
use crate::fonts::Fonts;
use crate::model::{BlockKind, Book, PageMap, PageStart, SectionKind, TextPos};

/// Everything layout hands back.
#[derive(Debug, Clone)]
pub struct LaidOut {
    pub pages: PagedBook,
    pub page_map: PageMap,
    pub report: Report,
    /// The stable text dump of the pages, for snapshot tests ([`layout`]
    /// makes it; it is empty from [`layout_reusing`], a build's layout).
    pub dump: String,
    pub timings: LayoutTimings,
    /// The paragraphs this build set, for a rebuild to reuse.
    pub paragraphs: paragraph::ParagraphCache,
    pub geometry: PageGeometry,
    /// Images placed below 300 dpi, with their effective resolution.
    pub low_resolution: Vec<(crate::model::ImageId, f64)>,
    /// Each page's text lines: grid line, text and place in the model.
    pub lines: Vec<Vec<LineFact>>,
}

/// Blank pages a printer accepts at the end of a book (KDP's manual review).
pub const MAX_END_BLANKS: usize = 10;

/// Where layout's time went (wall clock, except shaping: CPU time summed over workers).
#[derive(Debug, Clone, Copy, Default)]
pub struct LayoutTimings {
    pub shape: std::time::Duration,
    /// Setting the body sections into galleys (shaping and line breaking).
    pub set: std::time::Duration,
    /// Pagination and composing the pages, front matter included.
    pub paginate: std::time::Duration,
    /// Times the whole book was set: once, again when its page count moved
    /// the inside margin (KDP's gutter) from the first guess's, and again
    /// for the page numbers of cross-references. (The other timings are the last time's.)
    pub passes: u32,
}

/// Sets the book in pages. The inside margin depends on the page count
/// (KDP's gutter table), so the book is set again until the count is stable.
/// The setting's warnings go to `sink`; what cannot be printed is the error.
pub fn layout(book: &Book, fonts: &Fonts, sink: &mut Sink) -> Result<LaidOut, Diagnostics> {
    layout_with(book, fonts, &ShapedWords::default(), None, true, true, sink)
}

/// Sets the book in pages, taking unchanged paragraphs from an earlier build's
/// cache and the words shaped in `fonts` from `words`. With `for_print` false (only the EPUB is wanted, for its page map), a
/// character the fonts cannot show is a warning rather than an error.
pub fn layout_reusing(
    book: &Book,
    fonts: &Fonts,
    words: &ShapedWords,
    reuse: Option<&std::sync::Arc<paragraph::ParagraphCache>>,
    for_print: bool,
    sink: &mut Sink,
) -> Result<LaidOut, Diagnostics> {
    // A build has no use for the text dump (a tenth of a rebuild's layout).
    layout_with(book, fonts, words, reuse, for_print, false, sink)
}

fn layout_with(
    book: &Book,
    fonts: &Fonts,
    words: &ShapedWords,
    reuse: Option<&std::sync::Arc<paragraph::ParagraphCache>>,
    for_print: bool,
    dump: bool,
    sink: &mut Sink,
) -> Result<LaidOut, Diagnostics> {
    let right_to_left = right_to_left_blocks(book);
    if !right_to_left.is_empty() {
        let diagnostics: Vec<Diagnostic> = right_to_left
            .into_iter()
            .map(|at| {
                let message = "a right-to-left paragraph (it begins in Arabic, Hebrew or another right-to-left script) cannot be set in print yet";
                if for_print {
                    Diagnostic::error(message).at(at).with_hint(
                        "print sets right-to-left words and phrases inside left-to-right paragraphs, not whole right-to-left paragraphs; build the EPUB alone with --format epub, or begin the paragraph in a left-to-right script",
                    )
                } else {
                    Diagnostic::warning(message)
                        .at(at)
                        .with_hint("the EPUB is built; print cannot set this paragraph right to left")
                }
            })
            .collect();
        if for_print {
            let mut errors = Diagnostics::new();
            for d in diagnostics {
                errors.push(d);
            }
            return Err(errors);
        }
        let laid = layout_reusing_ltr(book, fonts, words, reuse, for_print, dump, sink)?;
        sink.extend(diagnostics);
        return Ok(laid);
    }
    layout_reusing_ltr(book, fonts, words, reuse, for_print, dump, sink)
}

/// The blocks whose text begins (at its first letter) in a right-to-left script.
fn right_to_left_blocks(book: &Book) -> Vec<Option<Location>> {
    let mut found = Vec::new();
    for section in &book.sections {
        let mut visit = |block: &crate::model::Block| {
            let content = match &block.kind {
                BlockKind::Paragraph { content, .. }
                | BlockKind::Verse { content, .. }
                | BlockKind::Heading { content, .. }
                | BlockKind::Term { content }
                | BlockKind::Display { content, .. } => content,
                _ => return,
            };
            // The first letter decides (no copy of the text: this runs on every build).
            let mut first_letter = None;
            crate::model::for_each_text(content, &mut |t| {
                if first_letter.is_none() {
                    first_letter = t.chars().find(|c| c.is_alphabetic());
                }
            });
            if first_letter.is_some_and(is_right_to_left) {
                found.push(block.span.and_then(|s| book.locate(s)));
            }
        };
        crate::model::walk_blocks(&section.blocks, &mut visit);
        for note in &section.notes {
            crate::model::walk_blocks(&note.blocks, &mut visit);
        }
    }
    found
}

/// Letters of the right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, N'Ko,
/// Samaritan, Mandaic, and their presentation forms and historic relatives).
fn is_right_to_left(c: char) -> bool {
    matches!(c as u32, 0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF | 0x10800..=0x10FFF | 0x1E800..=0x1EFFF)
}

fn layout_reusing_ltr(
    book: &Book,
    fonts: &Fonts,
    words: &ShapedWords,
    reuse: Option<&std::sync::Arc<paragraph::ParagraphCache>>,
    for_print: bool,
    dump: bool,
    sink: &mut Sink,
) -> Result<LaidOut, Diagnostics> {
    let noted = (book.print.urls == crate::model::PrintUrls::Footnote
        && urlnotes::has_web_links(book))
    .then(|| urlnotes::with_url_notes(book));
    let mut laid = layout_passes(
        noted.as_ref().unwrap_or(book),
        fonts,
        words,
        reuse,
        for_print,
        dump,
        sink,
    )?;
    if let Some(noted) = noted {
        laid.pages.sections = Some(std::sync::Arc::new(noted.sections));
    }
    Ok(laid)
}

/// The layout passes page references need (one when there are none).
/// Only the last pass's findings are the book's: each pass reports to a
/// sink of its own, and the last one's go to `sink`.
fn layout_passes(
    book: &Book,
    fonts: &Fonts,
    words: &ShapedWords,
    reuse: Option<&std::sync::Arc<paragraph::ParagraphCache>>,
    for_print: bool,
    dump: bool,
    sink: &mut Sink,
) -> Result<LaidOut, Diagnostics> {
    if !crossrefs::wants_pages(book) {
        return layout_pass(book, fonts, words, reuse, for_print, dump, sink);
    }
    // Page references need the pages they point to: set the book with a
    // placeholder as wide as a folio, then with the real numbers, and once
    // more if that moved a target.
    let mut working = book.clone();
    crossrefs::fill(&mut working, |_| "000".to_string());
    let mut found = Sink::new();
    let mut laid = layout_pass(&working, fonts, words, reuse, for_print, dump, &mut found)?;
    let mut passes = laid.timings.passes;
    for _ in 0..2 {
        let folios = crossrefs::folios(&laid.page_map);
        if !crossrefs::fill(&mut working, |block| folios.page_of(block)) {
            break;
        }
        found = Sink::new();
        laid = layout_pass(&working, fonts, words, reuse, for_print, dump, &mut found)?;
        passes += laid.timings.passes;
    }
    laid.timings.passes = passes;
    sink.append(found);
    Ok(laid)
}

fn layout_pass(
    book: &Book,
    fonts: &Fonts,
    words: &ShapedWords,
    reuse: Option<&std::sync::Arc<paragraph::ParagraphCache>>,
    for_print: bool,
    want_dump: bool,
    sink: &mut Sink,
) -> Result<LaidOut, Diagnostics> {
    let scale = TypeScale::new(&book.print, &book.style);
    let mut shaper = Shaper::new(fonts, words, &book.meta.language);
    let mut hyphenator = Hyphenator::new(
        &book.meta.language,
        book.print.hyphenate,
        book.print.hyphenate_capitalized,
    );
    let mut setter = Setter::new(&mut shaper, &mut hyphenator);
    let mut guess = estimate_pages(book, &scale);
    let mut built = None;
    let mut passes = 0;
    for _ in 0..4 {
        passes += 1;
        let geometry = PageGeometry::new(&book.print, &scale, guess);
        let attempt = layout_once(book, fonts, words, &mut setter, &geometry, &scale, reuse);
        let count = attempt.pages.len();
        let stable = kdp_gutter_inches(count) == kdp_gutter_inches(guess);
        built = Some((attempt, geometry));
        if stable {
            break;
        }
        guess = count;
    }
    let (built, geometry) = built.expect("layout ran at least once");

    warnings::of_the_setting(book, fonts, &setter, &built, for_print, sink)?;
    let mut report = report::measure(&built.pages, &built.facts, geometry.lines as u32);
    report.reshaped_paragraphs = built.reshaped.len();
    // The pages a reshaped paragraph sits on, for whoever checks them by eye.
    for (page, facts) in built.pages.iter().zip(&built.facts) {
        if facts
            .iter()
            .any(|f| f.para.is_some_and(|(b, _, _)| built.reshaped.contains(&b)))
            && !report.reshaped_pages.contains(&page.page.folio)
        {
            report.reshaped_pages.push(page.page.folio.clone());
        }
    }
    report.measure_em = geometry.measure.0 / scale.body.0;
    let dump = if want_dump {
        dump::dump(&built.pages, &built.facts)
    } else {
        String::new()
    };
    let page_map = PageMap {
        pages: built
            .pages
            .iter()
            .enumerate()
            .map(|(i, p)| PageStart {
                label: p.page.folio.clone(),
                section: p.section as u32,
                at: p
                    .first
                    .unwrap_or_else(|| next_text(&built.pages, i, book.block_count)),
                blank: p.blank,
            })
            .collect(),
    };
    Ok(LaidOut {
        pages: PagedBook {
            pages: built.pages.into_iter().map(|p| p.page).collect(),
            outline: built.outline,
            sections: None,
        },
        page_map,
        report,
        dump,
        geometry,
        low_resolution: built.low_resolution.clone(),
        lines: built.facts,
        timings: LayoutTimings {
            passes,
            ..built.timings
        },
        paragraphs: {
            let mut cache = paragraph::ParagraphCache::default();
            for (key, lines) in std::mem::take(&mut setter.fresh) {
                cache.insert(key, lines);
            }
            cache.sections = built.sections.into_iter().collect();
            cache
        },
    })
}

/// The first text after page `i` (where a blank page points); blank pages
/// after the last text point one past the book's last block (the end).
fn next_text(pages: &[ComposedPage], i: usize, block_count: u32) -> TextPos {
    pages[i..].iter().find_map(|p| p.first).unwrap_or(TextPos {
        block: crate::model::BlockId(block_count),
        offset: 0,
    })
}

/// A first guess of the page count from the amount of text, so the gutter is
/// usually right the first time.
fn estimate_pages(book: &Book, scale: &TypeScale) -> usize {
    let chars: usize = book
        .sections
        .iter()
        .flat_map(|s| &s.blocks)
        .map(|b| crate::model::block_text_len(b).max(40))
        .sum();
    let trim = book.print.trim;
    let measure = trim.width.0 * 0.75;
    let chars_per_line = measure / (scale.body.0 * 0.45);
    let lines_per_page = trim.height.0 * 0.8 / scale.leading.0;
    (chars as f64 / (chars_per_line * lines_per_page)) as usize + 8 + book.chapters().count()
}

/// A body section's pages, with its galley when paragraphs were reshaped for them.
type PaginatedSection = (
    Vec<paginate::PageSlice>,
    Option<std::sync::Arc<(Galley, reshape::Reshaped)>>,
);

/// A body section's pages as a build set them, for the next build to take
/// when neither the section nor anything book-wide changed: its pagination,
/// and each page's items, first text and line facts (composed, before the
/// running heads and folios, which depend on where the section falls).
#[derive(Debug)]
pub struct SectionPages {
    paginated: PaginatedSection,
    composed: std::sync::OnceLock<Vec<ComposedSlice>>,
}

/// One page of a section, composed: its items, first text and line facts.
type ComposedSlice = (Vec<frame::Item>, Option<TextPos>, Vec<LineFact>);

/// What every body section's pages depend on besides the section itself:
/// the geometry, the type scale, the sink, the print settings, the style,
/// the language and the images' sizes (fonts and hyphenation settings are
/// in the paragraph cache's own key).
fn book_wide_key(book: &Book, geometry: &PageGeometry, scale: &TypeScale, sink: u32) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = rustc_hash::FxHasher::default();
    format!(
        "{geometry:?}|{scale:?}|{sink}|{:?}|{:?}|{}|{:?}",
        book.print,
        book.style,
        book.meta.language,
        book.images
            .iter()
            .map(|i| (&i.path, i.width, i.height, i.bytes.len()))
            .collect::<Vec<_>>()
    )
    .hash(&mut hasher);
    hasher.finish()
}

fn section_key(section: &crate::model::Section, book_wide: u64, first_recto: bool) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = rustc_hash::FxHasher::default();
    (book_wide, first_recto).hash(&mut hasher);
    section.hash(&mut hasher);
    hasher.finish()
}

/// One complete setting of the book at one geometry.
struct Built {
    pages: Vec<ComposedPage>,
    facts: Vec<Vec<LineFact>>,
    outline: Vec<OutlineEntry>,
    low_resolution: Vec<(crate::model::ImageId, f64)>,
    /// What setting the sections found: warnings (a table too wide) and
    /// errors (display text too tall for a page), see `GalleyBuilder::found`.
    found: Sink,
    /// Display pages whose text does not fit even at the body size: the key to shorten, the page.
    overflows: Vec<(&'static str, SectionKind)>,
    /// Paragraphs set a line longer or shorter for full pages.
    reshaped: Vec<crate::model::BlockId>,
    /// Sections whose running head was too long to set and was left off.
    dropped_heads: Vec<usize>,
    timings: LayoutTimings,
    /// Body sections' pages, for the next build.
    sections: Vec<(u64, std::sync::Arc<SectionPages>)>,
}

fn layout_once(
    book: &Book,
    fonts: &Fonts,
    words: &ShapedWords,
    setter: &mut Setter<'_, '_>,
    geometry: &PageGeometry,
    scale: &TypeScale,
    reuse: Option<&std::sync::Arc<paragraph::ParagraphCache>>,
) -> Built {
    // The style's sink: a share of the page, at least three lines when there is one.
    let share = book.style.opening.sink;
    let sink =
        ((geometry.lines as f64 * share).floor() as u32).max(if share > 0.0 { 3 } else { 0 });
    let costs = PageCosts::default();
    let foot = paginate::Foot {
        note_leading: scale.note_leading.0,
        grid: geometry.leading.0,
        rule: scale.leading.0 * 0.8,
    };

    let started = std::time::Instant::now();
    // Sections that open on a recto are paginated by the workers that set
    // them, unless the last build left their pages.
    let book_wide = reuse.map(|_| book_wide_key(book, geometry, scale, sink));
    let ahead = sections::Ahead {
        lines: geometry.lines as u32,
        foot,
        costs: &costs,
        ahead: assemble::recto_openings(book)
            .into_iter()
            .zip(&book.sections)
            .map(|(recto, section)| {
                recto
                    && !book_wide.is_some_and(|wide| {
                        reuse.is_some_and(|r| {
                            r.sections.contains_key(&section_key(section, wide, true))
                        })
                    })
            })
            .collect(),
    };
    let set = sections::set_sections(book, fonts, words, geometry, scale, sink, reuse, &ahead);
    let set_time = started.elapsed();
    let galleys = set.galleys;
    let low_resolution = set.low_resolution;
    for m in set.missing {
        if !setter.missing.contains(&m) {
            setter.missing.push(m);
        }
    }
    for f in set.fell_back {
        if !setter.fell_back.contains(&f) {
            setter.fell_back.push(f);
        }
    }
    setter.broken_words.extend(set.broken_words);
    setter.fresh = set.paragraphs;

    // Plan the pages once with placeholder folios in the contents to learn every
    // section's folio, then set the contents with the real folios and compose.
    let placeholders: HashMap<String, String> = book
        .sections
        .iter()
        .flat_map(|s| {
            let headings = s
                .headings()
                .map(|(_, anchor, _)| format!("{}#{anchor}", s.id));
            std::iter::once(s.id.clone()).chain(headings)
        })
        .map(|key| (key, "000".to_string()))
        .collect();
    let mut slice_cache = HashMap::new();
    for (s, pages) in set.pages.into_iter().enumerate() {
        if let Some(pages) = pages {
            slice_cache.insert((s, true), pages);
        }
    }
    let first = assemble::Setting {
        book,
        galleys: &galleys,
        folios: &placeholders,
        geometry,
        scale,
        sink,
        costs: &costs,
        foot,
        reuse,
        compose: false,
    };
    let mut assembled = assemble::assemble(&first, setter, &mut slice_cache);
    // The real folios are no wider than the placeholder, but narrower ones
    // can leave an entry that turned over (a title of thousands of letters)
    // a line shorter, and the contents a page shorter, which moves every
    // folio after it: the contents are set again with the moved folios until
    // the page count holds (once, for a book whose contents keep their length).
    for _ in 0..3 {
        let folios = contents_folios(book, &assembled.pages);
        let before = assembled.pages.len();
        let setting = assemble::Setting {
            folios: &folios,
            compose: true,
            ..first
        };
        assembled = assemble::assemble(&setting, setter, &mut slice_cache);
        if assembled.pages.len() == before {
            break;
        }
    }
    assembled.low_resolution = low_resolution;
    assembled.found = set.found;
    assembled.timings = LayoutTimings {
        shape: set.shaping,
        set: set_time,
        paginate: started.elapsed() - set_time,
        passes: 1,
    };
    assembled
}

/// The folio of every contents entry: each section's first page (by its
/// id) and each heading's page (by `section#anchor`).
fn contents_folios(book: &Book, pages: &[ComposedPage]) -> HashMap<String, String> {
    let mut folios: HashMap<String, String> = pages
        .iter()
        .filter(|p| p.opening)
        .map(|p| (book.sections[p.section].id.clone(), p.page.folio.clone()))
        .collect();
    let starts: Vec<(crate::model::BlockId, &str)> = pages
        .iter()
        .filter(|p| !p.blank)
        .filter_map(|p| p.first.map(|f| (f.block, p.page.folio.as_str())))
        .collect();
    for section in &book.sections {
        for block in &section.blocks {
            if let BlockKind::Heading {
                level: 2.., anchor, ..
            } = &block.kind
            {
                let after = starts.partition_point(|(first, _)| *first <= block.id);
                if let Some((_, folio)) = starts.get(after.saturating_sub(1)) {
                    folios.insert(format!("{}#{anchor}", section.id), folio.to_string());
                }
            }
        }
    }
    folios
}
