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

use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::fonts::Fonts;
use crate::model::{BlockKind, Book, PageMap, PageStart, SectionKind, TextPos};

/// Everything layout hands back.
#[derive(Debug, Clone)]
pub struct LaidOut {
    pub pages: PagedBook,
    pub page_map: PageMap,
    pub report: Report,
    pub warnings: Vec<Diagnostic>,
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
pub fn layout(book: &Book, fonts: &Fonts) -> Result<LaidOut, Diagnostics> {
    layout_with(book, fonts, &ShapedWords::default(), None, true, true)
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
) -> Result<LaidOut, Diagnostics> {
    // A build has no use for the text dump (a tenth of a rebuild's layout).
    layout_with(book, fonts, words, reuse, for_print, false)
}

fn layout_with(
    book: &Book,
    fonts: &Fonts,
    words: &ShapedWords,
    reuse: Option<&std::sync::Arc<paragraph::ParagraphCache>>,
    for_print: bool,
    dump: bool,
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
        let mut laid = layout_reusing_ltr(book, fonts, words, reuse, for_print, dump)?;
        laid.warnings.extend(diagnostics);
        return Ok(laid);
    }
    layout_reusing_ltr(book, fonts, words, reuse, for_print, dump)
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
    )?;
    if let Some(noted) = noted {
        laid.pages.sections = Some(std::sync::Arc::new(noted.sections));
    }
    Ok(laid)
}

/// The layout passes page references need (one when there are none).
fn layout_passes(
    book: &Book,
    fonts: &Fonts,
    words: &ShapedWords,
    reuse: Option<&std::sync::Arc<paragraph::ParagraphCache>>,
    for_print: bool,
    dump: bool,
) -> Result<LaidOut, Diagnostics> {
    if !crossrefs::wants_pages(book) {
        return layout_pass(book, fonts, words, reuse, for_print, dump);
    }
    // Page references need the pages they point to: set the book with a
    // placeholder as wide as a folio, then with the real numbers, and once
    // more if that moved a target.
    let mut working = book.clone();
    crossrefs::fill(&mut working, |_| "000".to_string());
    let mut laid = layout_pass(&working, fonts, words, reuse, for_print, dump)?;
    let mut passes = laid.timings.passes;
    for _ in 0..2 {
        let folios = crossrefs::folios(&laid.page_map);
        if !crossrefs::fill(&mut working, |block| folios.page_of(block)) {
            break;
        }
        laid = layout_pass(&working, fonts, words, reuse, for_print, dump)?;
        passes += laid.timings.passes;
    }
    laid.timings.passes = passes;
    Ok(laid)
}

fn layout_pass(
    book: &Book,
    fonts: &Fonts,
    words: &ShapedWords,
    reuse: Option<&std::sync::Arc<paragraph::ParagraphCache>>,
    for_print: bool,
    want_dump: bool,
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

    let mut errors = Diagnostics::new();
    let mut warnings = Vec::new();
    let mut missing: Vec<char> = setter.missing.iter().map(|(c, _)| *c).collect();
    missing.sort_unstable();
    missing.dedup();
    for c in missing {
        let message = format!("no font has a glyph for “{c}” (U+{:04X})", c as u32);
        let faces: Vec<&str> = fonts.iter().map(|(_, f)| f.path.as_str()).collect();
        if for_print {
            errors.push(Diagnostic::error(message).at(find_char(book, c)).with_hint(format!(
                "neither the book's fonts nor the fallbacks ({}) can show it; replace it in the text, or add a font that has it to fonts.fallback in book.toml",
                if faces.len() > 5 { faces[5..].join(", ") } else { "none".to_string() }
            )));
        } else {
            warnings.push(Diagnostic::warning(message).at(find_char(book, c)).with_hint(
                "the EPUB is built (reading systems bring their own fonts), but no font of the book can show this character in print".to_string()
            ));
        }
    }
    if let Some(notice) = fallback_notice(&setter.fell_back, fonts) {
        warnings.push(notice);
    }
    for &s in &built.dropped_heads {
        let section = &book.sections[s];
        let head = section.running_head.as_ref().unwrap_or(&section.title);
        // A head of thousands of letters is named by its start (a long title in full).
        let shown: String = head.chars().take(100).collect();
        let more = if head.chars().nth(100).is_some() {
            "…"
        } else {
            ""
        };
        warnings.push(
            Diagnostic::warning(format!(
                "the running head “{shown}{more}” is too long for the page even set smaller, and is left off"
            ))
            .at(section.blocks.first().and_then(|b| b.span).and_then(|s| book.locate(s)))
            .with_hint("give the heading a short form for its running head: # Title {short=\"Short title\"}"),
        );
    }
    for (span, text, _, room) in &built.too_tall {
        let shown: String = text.chars().take(60).collect();
        let more = if text.chars().count() > 60 { "…" } else { "" };
        errors.push(
            Diagnostic::error(format!(
                "a heading is too long for a page even at the body size: “{shown}{more}”"
            ))
            .at(span.and_then(|s| book.locate(s)))
            .with_hint(format!(
                "shorten it: at this trim a heading may take {room} lines of the page"
            )),
        );
    }
    let mut named = Vec::new();
    for (key, page) in &built.overflows {
        // One message per key, on the first page it does not fit.
        if named.contains(key) {
            continue;
        }
        named.push(*key);
        let page = match page {
            SectionKind::HalfTitle => "half-title page",
            SectionKind::TitlePage => "title page",
            _ => "copyright page",
        };
        errors.push(
            Diagnostic::error(format!(
                "`{key}` is too long for the {page}, even set at the body size"
            ))
            .at(book.settings_at.get(*key).cloned().or_else(|| {
                Some(crate::diag::Location {
                    file: crate::project::CONFIG_FILE.to_string(),
                    line: 1,
                    column: 1,
                })
            }))
            .with_hint(format!(
                "shorten `{key}` in book.toml; a long description belongs in `description`"
            )),
        );
    }
    if errors.has_errors() {
        return Err(errors);
    }

    warnings.extend(built.notices.iter().cloned());
    for word in &setter.broken_words {
        let shown: String = word.chars().take(40).collect();
        warnings.push(
            Diagnostic::warning(format!(
                "a word is wider than the line and was broken: “{shown}…”"
            ))
            .at(book.sources.iter().find_map(|s| {
                s.text.find(word.as_str()).map(|at| {
                    let (line, column) = s.index.line_column(&s.text, at);
                    Location {
                        file: s.path.clone(),
                        line,
                        column,
                    }
                })
            }))
            .with_hint("break the word with a space or a hyphen, or shorten it"),
        );
    }
    for (image, dpi) in &built.low_resolution {
        let path = &book.image(*image).path;
        warnings.push(
            Diagnostic::warning(format!("image {path} prints at {dpi:.0} dpi, below 300"))
                .with_hint("supply a larger image: printers need 300 dpi at the size it is placed"),
        );
    }
    let count = built.pages.len();
    if count > 828 {
        warnings.push(
            Diagnostic::warning(format!(
                "the print edition has {count} pages; KDP paperbacks take at most 828"
            ))
            .with_hint("split the book into volumes, or choose a larger print.trim or a smaller print.font-size"),
        );
    } else if count < 24 && book.print.min_pages <= count {
        let needs = if count < 18 {
            "KDP paperbacks need 24–828 and IngramSpark at least 18"
        } else {
            "KDP paperbacks need 24–828"
        };
        let hint = if count + MAX_END_BLANKS >= 24 {
            "set print.min-pages = 24 in book.toml to pad the interior with blank pages at the end (printers accept up to 10)".to_string()
        } else {
            format!(
                "add front or back matter, or choose a smaller print.trim or a larger print.font-size; print.min-pages can add at most {MAX_END_BLANKS} blank pages"
            )
        };
        warnings.push(
            Diagnostic::warning(format!("the print edition has {count} pages; {needs}"))
                .with_hint(hint),
        );
    }
    if book.print.min_pages > count {
        warnings.push(
            Diagnostic::warning(format!(
                "the print edition has {count} pages, short of print.min-pages = {} even with {MAX_END_BLANKS} blank pages at the end",
                book.print.min_pages
            ))
            .at(book.settings_at.get("print.min-pages").cloned())
            .with_hint("printers accept at most 10 blank pages at the end; add content, or choose a smaller print.trim or a larger print.font-size"),
        );
    }

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
        warnings,
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

/// One warning naming the characters each fallback face supplied.
fn fallback_notice(fell_back: &[(char, crate::fonts::Style)], fonts: &Fonts) -> Option<Diagnostic> {
    if fell_back.is_empty() {
        return None;
    }
    let mut by_face: std::collections::BTreeMap<crate::fonts::Style, Vec<char>> =
        std::collections::BTreeMap::new();
    for (c, face) in fell_back {
        by_face.entry(*face).or_default().push(*c);
    }
    let mut parts = Vec::new();
    for (face, mut chars) in by_face {
        chars.sort_unstable();
        chars.dedup();
        let shown: String = chars.iter().take(40).collect();
        let more = if chars.len() > 40 {
            format!(" and {} more", chars.len() - 40)
        } else {
            String::new()
        };
        parts.push(format!("{} from {}", shown + &more, fonts.get(face).path));
    }
    Some(
        Diagnostic::warning(format!(
            "characters the book's fonts lack are set in a fallback font: {}",
            parts.join("; ")
        ))
        .with_hint("this is fine for a symbol or a word; for longer passages name a matching font in book.toml ([fonts])"),
    )
}

/// Where a character first occurs in the manuscript, or else the book.toml
/// key that writes it.
fn find_char(book: &Book, c: char) -> Option<Location> {
    book.sources
        .iter()
        .find_map(|s| {
            s.text.find(c).map(|at| {
                let (line, column) = s.index.line_column(&s.text, at);
                Location {
                    file: s.path.clone(),
                    line,
                    column,
                }
            })
        })
        .or_else(|| book.setting_holding(c))
        .or(Some(Location {
            file: crate::project::CONFIG_FILE.to_string(),
            line: 1,
            column: 1,
        }))
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
    /// Display text too tall for a page (see `GalleyBuilder::too_tall`).
    too_tall: Vec<(Option<crate::model::Span>, String, u32, u32)>,
    /// Warnings from setting the sections (a table too wide).
    notices: Vec<Diagnostic>,
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
    let note_lines = |notes: &[u32], galley: &Galley| -> u32 {
        let lines: usize = notes
            .iter()
            .filter_map(|&n| galley.notes.get(n as usize))
            .map(|n| n.lines.len())
            .sum();
        let height = scale.note_leading.0 * lines as f64 + scale.leading.0 * 0.8;
        (height / geometry.leading.0).ceil() as u32
    };

    let started = std::time::Instant::now();
    let set = sections::set_sections(book, fonts, words, geometry, scale, sink, reuse);
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
    let first = assemble::Setting {
        book,
        galleys: &galleys,
        folios: &placeholders,
        geometry,
        scale,
        sink,
        costs: &costs,
        note_lines: &note_lines,
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
    assembled.too_tall = set.too_tall;
    assembled.notices = set.warnings;
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
