//! Assembling the book's pages: each section's galley paginated (once per
//! side it may open on, reused from the last build when nothing it depends
//! on changed) or its display page set, blank pages where a section opens
//! on a recto, the end padded, the folios numbered and the running heads
//! and folios set.

use std::collections::HashMap;

use super::compose::{self, ComposedPage, Furniture, Heads, LineFact, compose_slice, furnish};
use super::frame::{self, OutlineEntry, Page, Side};
use super::galley::Galley;
use super::geometry::{PageGeometry, TypeScale};
use super::paginate::{Foot, PageCosts, paginate};
use super::paragraph::{self, Setter};
use super::{
    Built, LayoutTimings, MAX_END_BLANKS, SectionPages, book_wide_key, frontmatter, reshape, roman,
    section_key,
};
use crate::model::{BlockKind, Book, ChapterOpening, RunningHead, Section, SectionKind};

/// What every section of one setting is assembled with.
pub(super) struct Setting<'a> {
    pub book: &'a Book,
    pub galleys: &'a [Option<Galley>],
    /// Each contents entry's folio (placeholders in the first pass).
    pub folios: &'a HashMap<String, String>,
    pub geometry: &'a PageGeometry,
    pub scale: &'a TypeScale,
    pub sink: u32,
    pub costs: &'a PageCosts,
    /// How the footnotes measure at the foot.
    pub foot: Foot,
    pub reuse: Option<&'a std::sync::Arc<paragraph::ParagraphCache>>,
    /// Compose the pages (the second pass); the first only paginates.
    pub compose: bool,
}

/// The pages so far and what was found setting them.
struct Assembly<'a> {
    setting: &'a Setting<'a>,
    book_wide: Option<u64>,
    sections: Vec<(u64, std::sync::Arc<SectionPages>)>,
    pages: Vec<ComposedPage>,
    facts: Vec<Vec<LineFact>>,
    outline: Vec<OutlineEntry>,
    overflows: Vec<(&'static str, SectionKind)>,
    body_start: Option<usize>,
    reshaped_blocks: Vec<crate::model::BlockId>,
    dropped_heads: Vec<usize>,
    heads: Heads,
    /// Body sections paginated and not yet composed: the section, its
    /// pages and the index of its first page.
    deferred: Vec<(usize, std::sync::Arc<SectionPages>, usize)>,
}

fn side_of(index: usize) -> Side {
    if index % 2 == 0 {
        Side::Recto
    } else {
        Side::Verso
    }
}

/// Whether section `s` opens on a recto (a blank verso before it when
/// needed); `body_started`: a chapter or part came before it.
fn opens_recto(book: &Book, s: usize, body_started: bool) -> bool {
    let after_part = s > 0 && book.sections[s - 1].kind == SectionKind::Part;
    match book.sections[s].kind {
        SectionKind::Copyright => false,
        // A part title stands alone on its recto: the verso behind it is blank.
        _ if after_part => true,
        SectionKind::Chapter | SectionKind::Appendix => {
            book.print.chapters_open == ChapterOpening::Recto || !body_started
        }
        _ => true,
    }
}

/// Per section, whether it opens on a recto whatever the pages before it:
/// its pages can be made before the book is assembled.
pub(super) fn recto_openings(book: &Book) -> Vec<bool> {
    let mut body_started = false;
    book.sections
        .iter()
        .enumerate()
        .map(|(s, section)| {
            let recto = opens_recto(book, s, body_started);
            body_started |= matches!(section.kind, SectionKind::Chapter | SectionKind::Part);
            recto
        })
        .collect()
}

/// The book's pages at one geometry.
pub(super) fn assemble(
    setting: &Setting<'_>,
    setter: &mut Setter<'_, '_>,
    slice_cache: &mut HashMap<(usize, bool), std::sync::Arc<SectionPages>>,
) -> Built {
    let book = setting.book;
    let mut assembly = Assembly {
        setting,
        book_wide: setting
            .reuse
            .map(|_| book_wide_key(book, setting.geometry, setting.scale, setting.sink)),
        sections: Vec::new(),
        pages: Vec::new(),
        facts: Vec::new(),
        outline: Vec::new(),
        overflows: Vec::new(),
        body_start: None,
        reshaped_blocks: Vec::new(),
        dropped_heads: Vec::new(),
        heads: Heads::default(),
        deferred: Vec::new(),
    };
    for (s, section) in book.sections.iter().enumerate() {
        assembly.open_section(s, section);
        match section.kind {
            SectionKind::HalfTitle | SectionKind::TitlePage | SectionKind::Copyright => {
                assembly.display_page(s, section, setter)
            }
            _ => assembly.flowing_section(s, section, setter, slice_cache),
        }
    }
    assembly.compose_deferred();
    assembly.pad_the_end();
    assembly.number_folios();
    if setting.compose {
        assembly.furnish_pages(setter);
    }
    Built {
        pages: assembly.pages,
        facts: assembly.facts,
        outline: assembly.outline,
        low_resolution: Vec::new(),
        found: crate::diag::Sink::new(),
        overflows: assembly.overflows,
        reshaped: assembly.reshaped_blocks,
        dropped_heads: assembly.dropped_heads,
        timings: LayoutTimings::default(),
        sections: assembly.sections,
    }
}

/// A section's pages composed (once: the entry keeps them), sides
/// alternating from its first page's, `start`.
fn compose_entry<'e>(
    entry: &'e SectionPages,
    galley: &Galley,
    start: usize,
    (geometry, scale): (&PageGeometry, &TypeScale),
) -> &'e Vec<super::ComposedSlice> {
    entry.composed.get_or_init(|| {
        entry
            .paginated
            .0
            .iter()
            .enumerate()
            .map(|(k, slice)| {
                let side = side_of(start + k);
                let (items, first) = compose_slice(galley, slice, geometry, scale, side);
                (items, first, compose::facts(galley, slice))
            })
            .collect()
    })
}

impl Assembly<'_> {
    /// Composes the body sections' pages on all cores (each section's pages
    /// depend only on its entry and the side it opens on) and puts them in place.
    fn compose_deferred(&mut self) {
        let deferred = std::mem::take(&mut self.deferred);
        let galleys = self.setting.galleys;
        let area = self.type_area();
        crate::on_all_cores(&deferred, |share| {
            for (s, entry, start) in share {
                let galley = match &entry.paginated.1 {
                    Some(changed) => Some(&changed.0),
                    None => galleys[*s].as_ref(),
                };
                if let Some(galley) = galley {
                    compose_entry(entry, galley, *start, area);
                }
            }
        });
        for (_, entry, start) in &deferred {
            let Some(composed) = entry.composed.get() else {
                continue;
            };
            for (k, (items, first, page_facts)) in composed.iter().enumerate() {
                let page = &mut self.pages[start + k];
                page.page.items = items.clone();
                page.first = *first;
                self.facts[start + k] = page_facts.clone();
            }
        }
    }

    fn type_area(&self) -> (&PageGeometry, &TypeScale) {
        (self.setting.geometry, self.setting.scale)
    }

    fn page_of(&self, side: Side, items: Vec<frame::Item>) -> Page {
        Page {
            folio: String::new(),
            side,
            trim: self.setting.geometry.trim,
            bleed: self.setting.geometry.bleed,
            items,
        }
    }

    fn blank_page(&self, section: usize, index: usize) -> ComposedPage {
        ComposedPage {
            page: self.page_of(side_of(index), Vec::new()),
            first: None,
            depth: 0,
            section,
            blank: true,
            asked_break: false,
            opening: false,
        }
    }

    /// A blank page where the section must open on a recto (or the
    /// copyright page on the title page's verso), and its outline entry.
    fn open_section(&mut self, s: usize, section: &Section) {
        let opens_recto = opens_recto(self.setting.book, s, self.body_start.is_some());
        if section.kind == SectionKind::Copyright && self.pages.len() % 2 == 0 {
            // The copyright page is the verso of the title page.
            self.pages.push(self.blank_page(s, self.pages.len()));
            self.facts.push(Vec::new());
        }
        if opens_recto && self.pages.len() % 2 == 1 {
            self.pages.push(self.blank_page(s, self.pages.len()));
            self.facts.push(Vec::new());
        }
        if matches!(section.kind, SectionKind::Chapter | SectionKind::Part)
            && self.body_start.is_none()
        {
            self.body_start = Some(self.pages.len());
        }
        if section.in_toc || section.kind == SectionKind::Contents {
            self.outline.push(OutlineEntry {
                title: section.title.clone(),
                page: self.pages.len(),
                level: 1,
            });
        }
    }

    /// The half title, the title page or the copyright page: one page, set
    /// when composing.
    fn display_page(&mut self, s: usize, section: &Section, setter: &mut Setter<'_, '_>) {
        let side = side_of(self.pages.len());
        let (items, first) = if self.setting.compose {
            let (items, first, overflow) = frontmatter::display_page(
                section,
                setter,
                self.setting.geometry,
                self.setting.scale,
                side == Side::Recto,
            );
            if let Some(key) = overflow {
                self.overflows.push((key, section.kind));
            }
            (items, first)
        } else {
            (Vec::new(), None)
        };
        self.pages.push(ComposedPage {
            page: self.page_of(side, items),
            first,
            depth: self.setting.geometry.lines as u32,
            section: s,
            blank: false,
            opening: true,
            asked_break: false,
        });
        self.facts.push(Vec::new());
    }

    /// A section that flows over pages: its galley (the contents set with
    /// the folios known so far) paginated, reshaped where a page would run
    /// short, and composed.
    fn flowing_section(
        &mut self,
        s: usize,
        section: &Section,
        setter: &mut Setter<'_, '_>,
        slice_cache: &mut HashMap<(usize, bool), std::sync::Arc<SectionPages>>,
    ) {
        let contents;
        let galley = match section.kind {
            SectionKind::Contents => {
                contents = frontmatter::contents_galley(
                    section,
                    self.setting.folios,
                    setter,
                    self.setting.geometry,
                    self.setting.scale,
                    self.setting.sink,
                    self.setting.book.print.contents_leaders,
                );
                &contents
            }
            _ => match &self.setting.galleys[s] {
                Some(g) => g,
                None => return,
            },
        };
        let first_recto = self.pages.len() % 2 == 0;
        // Body sections paginate the same way in both passes: do it once per side,
        // reshaping paragraphs where a page would run short.
        let (entry, key) = if section.kind == SectionKind::Contents {
            let slices = paginate(
                galley,
                self.setting.geometry.lines as u32,
                first_recto,
                &self.setting.foot,
                self.setting.costs,
            );
            let pages = SectionPages {
                paginated: (slices, None),
                composed: Default::default(),
            };
            (std::sync::Arc::new(pages), None)
        } else {
            let key = self.book_wide.map(|k| section_key(section, k, first_recto));
            let from_before = key.and_then(|key| {
                self.setting
                    .reuse
                    .and_then(|r| r.sections.get(&key))
                    .cloned()
            });
            let entry = slice_cache
                .entry((s, first_recto))
                .or_insert_with(|| {
                    from_before.unwrap_or_else(|| {
                        let (slices, reshaped) = reshape::paginate_full(
                            section,
                            galley,
                            setter,
                            self.setting.geometry.lines as u32,
                            first_recto,
                            &self.setting.foot,
                            self.setting.costs,
                        );
                        std::sync::Arc::new(SectionPages {
                            paginated: (slices, reshaped.map(std::sync::Arc::new)),
                            composed: Default::default(),
                        })
                    })
                })
                .clone();
            (entry, key)
        };
        let (slices, reshaped) = &entry.paginated;
        let galley = match reshaped {
            Some(changed) => {
                self.reshaped_blocks
                    .extend(changed.1.paragraphs.iter().map(|(b, _)| *b));
                &changed.0
            }
            None => galley,
        };
        // A body section's pages are composed once all are paginated, on all
        // cores (`compose_deferred`); the contents, whose galley is this
        // pass's own, now.
        let start = self.pages.len();
        let defer = self.setting.compose && section.kind != SectionKind::Contents;
        let composed = (self.setting.compose && !defer)
            .then(|| compose_entry(&entry, galley, start, self.type_area()));
        for (k, slice) in slices.iter().enumerate() {
            let side = side_of(self.pages.len());
            let (items, first) = match composed {
                Some(composed) => {
                    let (items, first, page_facts) = &composed[k];
                    self.facts.push(page_facts.clone());
                    (items.clone(), *first)
                }
                None => {
                    self.facts.push(Vec::new());
                    // Where the page starts is enough to find a heading's page.
                    let first = compose::first_text(galley, slice);
                    (Vec::new(), first)
                }
            };
            self.pages.push(ComposedPage {
                page: self.page_of(side, items),
                first,
                depth: slice.depth,
                section: s,
                blank: false,
                opening: k == 0,
                asked_break: slice.asked_break,
            });
        }
        if defer {
            self.deferred.push((s, entry.clone(), start));
        }
        if let (Some(key), true) = (key, self.setting.compose) {
            self.sections.push((key, entry.clone()));
        }
    }

    /// Printers have minimum page counts: pad with blank pages at the end
    /// (KDP takes up to 10); every leaf has two sides.
    fn pad_the_end(&mut self) {
        let last_section = self.setting.book.sections.len().saturating_sub(1);
        let mut padding = 0;
        while self.pages.len() < self.setting.book.print.min_pages && padding < MAX_END_BLANKS {
            self.pages
                .push(self.blank_page(last_section, self.pages.len()));
            self.facts.push(Vec::new());
            padding += 1;
        }
        // Every leaf has two sides: a book that ends on a recto gets its blank verso.
        if self.pages.len() % 2 == 1 {
            if padding < MAX_END_BLANKS {
                self.pages
                    .push(self.blank_page(last_section, self.pages.len()));
                self.facts.push(Vec::new());
            } else {
                self.pages.pop();
                self.facts.pop();
            }
        }
    }

    /// Folios: lower-case roman before the first chapter, arabic from it.
    fn number_folios(&mut self) {
        let body_start = self.body_start.unwrap_or(self.pages.len());
        for (i, page) in self.pages.iter_mut().enumerate() {
            page.page.folio = if i < body_start {
                roman(i + 1)
            } else {
                (i - body_start + 1).to_string()
            };
        }
    }

    /// Running heads and folios on every page that has them.
    fn furnish_pages(&mut self, setter: &mut Setter<'_, '_>) {
        let book = self.setting.book;
        for page in self.pages.iter_mut() {
            let furniture = furniture_of(book, page);
            if !furnish(
                &mut page.page,
                &furniture,
                self.setting.geometry,
                self.setting.scale,
                setter,
                &mut self.heads,
            ) && !self.dropped_heads.contains(&page.section)
            {
                self.dropped_heads.push(page.section);
            }
        }
    }
}

/// What a page carries besides its text: nothing (display pages, blank
/// pages), a folio at the foot (a section's opening page) or a running head
/// with the folio.
fn furniture_of(book: &Book, page: &ComposedPage) -> Furniture {
    let section = &book.sections[page.section];
    if page.blank
        || (page.opening
            && matches!(
                section.kind,
                SectionKind::Dedication | SectionKind::Epigraph | SectionKind::Part
            ))
    {
        // Display pages carry no running head or folio; a dedication that runs
        // on (a letter to a friend) has them on the pages after its first.
        Furniture::None
    } else if page.opening {
        match section.kind {
            SectionKind::HalfTitle | SectionKind::TitlePage | SectionKind::Copyright => {
                Furniture::None
            }
            _ => Furniture::DropFolio(page.page.folio.clone()),
        }
    } else {
        let choice = if page.page.side == Side::Verso {
            book.print.running_head_verso
        } else {
            book.print.running_head_recto
        };
        let titled = matches!(
            section.blocks.first().map(|b| &b.kind),
            Some(BlockKind::Heading { level: 1, .. })
        );
        let text = match choice {
            RunningHead::Author => book.meta.author_line(),
            RunningHead::Title => book.meta.title.clone(),
            RunningHead::Chapter if titled => section
                .running_head
                .clone()
                .unwrap_or_else(|| section.title.clone()),
            // A section without a heading has no title to repeat: the book's stands in.
            RunningHead::Chapter => book.meta.title.clone(),
            RunningHead::None => String::new(),
        };
        Furniture::Head {
            text,
            folio: page.page.folio.clone(),
        }
    }
}
