//! Full pages by reshaping paragraphs: where the best page breaks of a
//! section still leave a page two or more lines short of the grid, or break
//! at a widow or an orphan, one paragraph near that page is set a line longer
//! or shorter (Knuth–Plass looseness ±1, the cheapest in demerits) and the
//! section is paginated again, as Vellum and lua-widow-control do. A change
//! is kept only when it lowers the section's total cost: the pages' costs
//! plus a share of the demerits the reshaped paragraph adds. Only sections
//! with such a page pay for the search, and only paragraphs on and around
//! the page are tried.

use super::galley::{Galley, ORPHAN, paragraph_items};
use super::items::Role;
use super::paginate::{FINAL_PAGE_LINES, Foot, PageCosts, PageSlice, paginate_costed};
use super::paragraph::{Loosened, Setter, is_runt};
use crate::model::{BlockId, BlockKind, Section};

/// How much a paragraph's extra demerits count against the pages' costs: a
/// paragraph a line looser is worth it for a spread two lines short.
const DEMERIT_WEIGHT: f64 = 0.1;

/// A reshaped paragraph that ends on a runt: worth it for a spread two lines
/// short (two pages at 8,000 each), not for a page one line short.
const RUNT_COST: f64 = 10_000.0;

/// Rounds of reshaping per section (each fixes at least one page).
const MAX_ROUNDS: usize = 12;

/// One reshaping tried: its total cost, the galley and pages it gives, and
/// the change (paragraph, looseness).
type Trial = (f64, Galley, Vec<PageSlice>, (BlockId, i32));

/// What reshaping did to a section, for the report.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reshaped {
    /// (block, looseness) of each paragraph set again, in order.
    pub paragraphs: Vec<(BlockId, i32)>,
}

/// A section's pages, reshaping paragraphs where a page would be short;
/// the galley is returned when it changed.
#[allow(clippy::too_many_arguments)]
pub fn paginate_full(
    section: &Section,
    galley: &Galley,
    setter: &mut Setter<'_, '_>,
    lines: u32,
    first_recto: bool,
    foot: &Foot,
    costs: &PageCosts,
) -> (Vec<PageSlice>, Option<(Galley, Reshaped)>) {
    let paginate = |g: &Galley| paginate_costed(g, lines, first_recto, foot, costs);
    let (mut slices, mut cost) = paginate(galley);
    if galley.reshapable.is_empty() || bad_pages(galley, &slices, lines).is_empty() {
        return (slices, None);
    }
    let mut current = galley.clone();
    let mut done = Reshaped::default();
    let mut given_up: Vec<usize> = Vec::new();
    // Each paragraph set a line longer and shorter once: a long paragraph is
    // a candidate for every page it runs over, round after round.
    let mut settings: rustc_hash::FxHashMap<BlockId, Loosened> = Default::default();
    for _ in 0..MAX_ROUNDS {
        let Some(page) = bad_pages(&current, &slices, lines)
            .into_iter()
            .find(|p| !given_up.contains(p))
        else {
            break;
        };
        let mut best: Option<Trial> = None;
        for candidate in candidates(&current, &slices, page) {
            let Some(shape) = current
                .reshapable
                .iter()
                .find(|r| r.block == candidate)
                .cloned()
            else {
                continue;
            };
            let Some(content) = paragraph_content(section, candidate) else {
                continue;
            };
            if done.paragraphs.iter().any(|(b, _)| *b == candidate) {
                continue;
            }
            let loosened = settings
                .entry(candidate)
                .or_insert_with(|| match &shape.drop_cap {
                    Some(drop) => drop.set_loose(setter, content, &shape.para),
                    None => setter.set_loose(content, &shape.para),
                });
            for (looseness, set, extra) in loosened.iter().cloned() {
                let runt = if is_runt(&set, &shape.para) {
                    RUNT_COST
                } else {
                    0.0
                };
                let Some(changed) =
                    replace_paragraph(&current, candidate, set, shape.x, shape.drop_cap.as_deref())
                else {
                    continue;
                };
                let (new_slices, new_cost) = paginate(&changed);
                let total = new_cost + extra * DEMERIT_WEIGHT + runt;

                if total < cost && best.as_ref().is_none_or(|b| total < b.0) {
                    best = Some((total, changed, new_slices, (candidate, looseness)));
                }
            }
        }
        match best {
            Some((total, changed, new_slices, change)) => {
                cost = total;
                current = changed;
                slices = new_slices;
                done.paragraphs.push(change);
            }
            None => given_up.push(page),
        }
    }
    if done.paragraphs.is_empty() {
        return (slices, None);
    }
    (slices, Some((current, done)))
}

/// Pages (indexes into `slices`) a designer would send back: short by two
/// lines or more, ending at a widow or an orphan, or a section's last page
/// holding a line or two. The opening page has its
/// own depth (the sink) and the section's last page may run short.
fn bad_pages(galley: &Galley, slices: &[PageSlice], lines: u32) -> Vec<usize> {
    let last = slices.len().saturating_sub(1);
    // A section ending on a page of a line or two (see `FINAL_PAGE_LINES`).
    let runt = (last > 0 && slices[last].depth < FINAL_PAGE_LINES).then_some(last);
    (1..last)
        .filter(|&k| {
            let slice = &slices[k];
            let short = slice.depth + 2 <= lines && !slice.asked_break;
            let split = slice
                .items
                .end
                .checked_sub(1)
                .and_then(|i| galley.items.get(i))
                .is_some_and(|item| item.break_after >= ORPHAN);
            short || split
        })
        .chain(runt)
        .collect()
}

/// The paragraphs with a line on the page, the two pages before it (its
/// spread and the one before) or the page after.
fn candidates(galley: &Galley, slices: &[PageSlice], page: usize) -> Vec<BlockId> {
    let from = page.saturating_sub(3);
    let to = (page + 1).min(slices.len() - 1);
    let mut blocks = Vec::new();
    for slice in &slices[from..=to] {
        for item in &galley.items[slice.items.clone()] {
            if let Some((block, _, _)) = item.para
                && item.role == Role::Body
                && !blocks.contains(&block)
            {
                blocks.push(block);
            }
        }
    }
    blocks
}

fn paragraph_content(section: &Section, block: BlockId) -> Option<&[crate::model::Inline]> {
    section
        .blocks
        .iter()
        .find(|b| b.id == block)
        .and_then(|b| match &b.kind {
            BlockKind::Paragraph { content, .. } => Some(content.as_slice()),
            _ => None,
        })
}

/// The galley with one paragraph's lines replaced.
fn replace_paragraph(
    galley: &Galley,
    block: BlockId,
    lines: Vec<super::paragraph::Line>,
    x: crate::model::Pt,
    drop_cap: Option<&super::galley::DropCap>,
) -> Option<Galley> {
    let start = galley
        .items
        .iter()
        .position(|i| i.para.is_some_and(|(b, _, _)| b == block))?;
    let count = galley.items[start].para?.2 as usize;
    if lines.is_empty() {
        return None;
    }
    let mut changed = Galley {
        items: Vec::with_capacity(galley.items.len() + 1),
        notes: galley.notes.clone(),
        reshapable: galley.reshapable.clone(),
        opening_sink: galley.opening_sink,
    };
    changed.items.extend_from_slice(&galley.items[..start]);
    match drop_cap {
        Some(drop) => changed.items.extend(drop.items(block, lines, x)),
        None => changed
            .items
            .extend(paragraph_items(block, lines, x, Role::Body)),
    }
    changed
        .items
        .extend_from_slice(&galley.items[start + count..]);
    Some(changed)
}
