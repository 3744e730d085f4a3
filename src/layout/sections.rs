//! Setting the body sections (chapters, author-written front and back
//! matter) into galleys, spread over the machine's cores: sections are
//! independent until pagination, so each worker takes a contiguous share of
//! the book with its own shaper and hyphenation caches. A worker paginates
//! the sections whose first page's side is known before the book is
//! assembled (those that open on a recto) as soon as it has set them.

use std::sync::Arc;

use super::SectionPages;
use super::galley::{Galley, GalleyBuilder};
use super::geometry::{PageGeometry, TypeScale};
use super::hyphenate::Hyphenator;
use super::paginate::{Foot, PageCosts};
use super::paragraph::{ParagraphCache, Setter};
use super::shape::{ShapedWords, Shaper};
use crate::fonts::{Fonts, Style};
use crate::model::{Book, ImageId, SectionKind};

/// Below this much text, one thread is faster than starting more.
const PARALLEL_MIN_CHARS: usize = 50_000;

/// The galleys, and what setting them found.
#[derive(Default)]
pub struct SetSections {
    /// One per section; `None` for the generated front matter.
    pub galleys: Vec<Option<Galley>>,
    pub missing: Vec<(char, Style)>,
    pub fell_back: Vec<(char, Style)>,
    pub broken_words: Vec<String>,
    pub low_resolution: Vec<(ImageId, f64)>,
    /// What setting found (see `GalleyBuilder::found`), in the book's order.
    pub found: crate::diag::Sink,
    /// Time spent shaping, summed over the workers.
    pub shaping: std::time::Duration,
    /// Paragraphs set or reused, for the next build.
    pub paragraphs: Vec<(u64, std::sync::Arc<[super::paragraph::Line]>)>,
    /// One per section: its pages, when it was paginated ahead (opening on a recto).
    pub pages: Vec<Option<Arc<SectionPages>>>,
}

/// How the workers paginate the sections they set, and which: those that
/// open on a recto whatever comes before them (`ahead`, one per section)
/// and whose pages the last build did not leave.
pub struct Ahead<'a> {
    pub lines: u32,
    pub foot: Foot,
    pub costs: &'a PageCosts,
    pub ahead: Vec<bool>,
}

fn is_body(kind: SectionKind) -> bool {
    matches!(
        kind,
        SectionKind::Preface
            | SectionKind::Chapter
            | SectionKind::Appendix
            | SectionKind::Dedication
            | SectionKind::Epigraph
            | SectionKind::Part
    )
}

/// Sets every body section, and paginates those `ahead` names.
#[allow(clippy::too_many_arguments)]
pub fn set_sections(
    book: &Book,
    fonts: &Fonts,
    words: &ShapedWords,
    geometry: &PageGeometry,
    scale: &TypeScale,
    sink: u32,
    reuse: Option<&std::sync::Arc<ParagraphCache>>,
    ahead: &Ahead<'_>,
) -> SetSections {
    let sizes: Vec<usize> = book
        .sections
        .iter()
        .map(|s| {
            if is_body(s.kind) {
                s.blocks
                    .iter()
                    .map(crate::model::block_text_len)
                    .sum::<usize>()
                    + 1
            } else {
                0
            }
        })
        .collect();
    let total: usize = sizes.iter().sum();
    let workers = if total < PARALLEL_MIN_CHARS {
        1
    } else {
        crate::workers()
    };
    // Contiguous shares of about equal text.
    let mut shares: Vec<std::ops::Range<usize>> = Vec::new();
    let mut start = 0;
    let mut acc = 0;
    for (i, size) in sizes.iter().enumerate() {
        acc += size;
        if acc * workers >= total * (shares.len() + 1) && shares.len() + 1 < workers {
            shares.push(start..i + 1);
            start = i + 1;
        }
    }
    shares.push(start..sizes.len());

    let results: Vec<SetSections> = std::thread::scope(|scope| {
        let handles: Vec<_> = shares
            .iter()
            .map(|share| {
                let share = share.clone();
                let reuse = reuse.cloned();
                scope.spawn(move || {
                    let within = Within {
                        book,
                        geometry,
                        scale,
                        sink,
                        ahead,
                    };
                    set_share(&within, fonts, words, share, reuse)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a layout worker does not panic"))
            .collect()
    });
    let mut merged = SetSections::default();
    for part in results {
        merged.galleys.extend(part.galleys);
        merged.pages.extend(part.pages);
        for m in part.missing {
            if !merged.missing.contains(&m) {
                merged.missing.push(m);
            }
        }
        for f in part.fell_back {
            if !merged.fell_back.contains(&f) {
                merged.fell_back.push(f);
            }
        }
        merged.broken_words.extend(part.broken_words);
        merged.low_resolution.extend(part.low_resolution);
        merged.found.append(part.found);
        merged.paragraphs.extend(part.paragraphs);
        merged.shaping += part.shaping;
    }
    merged
}

/// What every worker sets its share within.
struct Within<'a> {
    book: &'a Book,
    geometry: &'a PageGeometry,
    scale: &'a TypeScale,
    sink: u32,
    ahead: &'a Ahead<'a>,
}

fn set_share(
    within: &Within<'_>,
    fonts: &Fonts,
    words: &ShapedWords,
    share: std::ops::Range<usize>,
    reuse: Option<std::sync::Arc<ParagraphCache>>,
) -> SetSections {
    let Within {
        book,
        geometry,
        scale,
        sink,
        ahead,
    } = *within;
    let mut shaper = Shaper::new(fonts, words, &book.meta.language);
    let mut hyphenator = Hyphenator::new(
        &book.meta.language,
        book.print.hyphenate,
        book.print.hyphenate_capitalized,
    );
    let mut setter = Setter::new(&mut shaper, &mut hyphenator).reusing(reuse);
    setter.book = super::paragraph::BookSettings {
        show_urls: book.print.urls == crate::model::PrintUrls::Inline,
        figures: super::shape::Features::of_figures(book.style.figures),
        proportions: book.style.proportions,
    };
    let mut builder = GalleyBuilder {
        opening: None,
        in_note: false,
        div: None,
        setter: &mut setter,
        scale: *scale,
        geometry: *geometry,
        book,
        hyphenate: book.print.hyphenate,
        draft: book.print.draft,
        low_resolution: Vec::new(),
        found: crate::diag::Sink::new(),
        reshapable: Vec::new(),
    };
    let mut pages = Vec::with_capacity(share.len());
    let galleys = share
        .map(|s| {
            let section = &book.sections[s];
            if !is_body(section.kind) {
                pages.push(None);
                return None;
            }
            let galley = builder.section(section, sink);
            pages.push(ahead.ahead.get(s).copied().unwrap_or(false).then(|| {
                let (slices, reshaped) = super::reshape::paginate_full(
                    section,
                    &galley,
                    builder.setter,
                    ahead.lines,
                    true,
                    &ahead.foot,
                    ahead.costs,
                );
                Arc::new(SectionPages {
                    paginated: (slices, reshaped.map(Arc::new)),
                    composed: Default::default(),
                })
            }));
            Some(galley)
        })
        .collect();
    let low_resolution = std::mem::take(&mut builder.low_resolution);
    let found = std::mem::take(&mut builder.found);
    SetSections {
        galleys,
        found,
        missing: std::mem::take(&mut setter.missing),
        fell_back: std::mem::take(&mut setter.fell_back),
        broken_words: std::mem::take(&mut setter.broken_words),
        low_resolution,
        paragraphs: std::mem::take(&mut setter.fresh),
        shaping: setter.shaper.shaping,
        pages,
    }
}
