//! Pagination as an optimisation: the page breaks of a section are chosen
//! together (dynamic programming over break points) to minimise the total
//! cost: pages shorter or longer than the grid, widows and orphans (from the
//! galley's break penalties), a hyphen on a page's last line, and facing
//! pages that end at different depths. Footnotes travel with the line that
//! references them.

use super::galley::{FORCED_BREAK, Galley};
use super::items::VItem;
use super::linebreak::INFINITY;

/// One page's share of a galley.
#[derive(Debug, Clone, PartialEq)]
pub struct PageSlice {
    /// Items on the page (leading and trailing discardable spaces already removed).
    pub items: std::ops::Range<usize>,
    /// Lines used, footnotes included.
    pub depth: u32,
    /// Footnotes set at the foot of this page.
    pub notes: Vec<u32>,
    /// Grid lines the footnotes take (separator included).
    pub note_lines: u32,
    /// Grid lines the first item gives up (an opening sink set a line shallower).
    pub lead_trim: u32,
    /// The page ends at a page break the author asked for (`\newpage`).
    pub asked_break: bool,
}

/// Costs of the page-level rules.
#[derive(Debug, Clone, Copy)]
pub struct PageCosts {
    pub short_by_one: f64,
    pub long_by_one: f64,
    pub hyphen_at_foot: f64,
    pub unequal_spread: f64,
    /// An opening page's sink set a line shallower.
    pub shallow_sink: f64,
    /// Each line a section's last page (not its first) has fewer than
    /// [`FINAL_PAGE_LINES`]: a chapter ending on a page of two lines.
    pub runt_final_page: f64,
}

/// The fewest lines a section's last page should carry (beyond its first).
pub const FINAL_PAGE_LINES: u32 = 4;

impl Default for PageCosts {
    fn default() -> Self {
        PageCosts {
            short_by_one: 400.0,
            long_by_one: 600.0,
            hyphen_at_foot: 30000.0,
            unequal_spread: 50000.0,
            shallow_sink: 20000.0,
            runt_final_page: 10000.0,
        }
    }
}

/// How many lines short of the grid a page may normally run.
const SHORT_PAGE_SLACK: u32 = 6;

#[derive(Debug, Clone, Copy)]
struct State {
    /// The next page is a recto.
    recto_next: bool,
    /// Depth of the previous page when it was a verso (its recto must match it).
    verso_depth: u32,
    cost: f64,
    back: Option<(usize, usize)>,
    depth: u32,
    /// Lines the page starting the section took off its sink.
    trim: u32,
}

/// Splits a galley into pages of `lines` grid lines. `first_recto`: the
/// section's first page is a right-hand page. `note_lines(notes)` gives the
/// grid lines a set of footnotes needs at the foot of a page.
pub fn paginate(
    galley: &Galley,
    lines: u32,
    first_recto: bool,
    note_lines: &dyn Fn(&[u32]) -> u32,
    costs: &PageCosts,
) -> Vec<PageSlice> {
    paginate_costed(galley, lines, first_recto, note_lines, costs).0
}

/// [`paginate`], with the total cost of the pages chosen (what reshaping a
/// paragraph has to lower).
pub fn paginate_costed(
    galley: &Galley,
    lines: u32,
    first_recto: bool,
    note_lines: &dyn Fn(&[u32]) -> u32,
    costs: &PageCosts,
) -> (Vec<PageSlice>, f64) {
    let items = &galley.items;
    let n = items.len();
    if n == 0 {
        let empty = PageSlice {
            items: 0..0,
            depth: 0,
            notes: Vec::new(),
            note_lines: 0,
            lead_trim: 0,
            asked_break: false,
        };
        return (vec![empty], 0.0);
    }
    let mut states: Vec<Vec<State>> = vec![Vec::new(); n + 1];
    states[0].push(State {
        recto_next: first_recto,
        verso_depth: 0,
        cost: 0.0,
        back: None,
        depth: 0,
        trim: 0,
    });
    let mut candidates: Vec<Candidate> = Vec::new();
    for i in 0..n {
        if states[i].is_empty() {
            continue;
        }
        let start = first_kept(items, i);
        // The section's first page carries its folio at the foot: it never runs
        // long, so the folio keeps its margin. Its sink may instead give up a line.
        let (most, trims) = if i == 0 {
            (lines, 0..=galley.opening_sink)
        } else {
            (lines + 1, 0..=0)
        };
        candidates.clear();
        for trim in trims {
            let from = PageStart { start, trim, most };
            page_candidates(items, &from, i, lines, note_lines, costs, &mut candidates);
        }
        extend_states(&mut states, i, &candidates, lines, costs);
    }
    // Walk back from the cheapest end state.
    match cheapest_path(&states, items, note_lines) {
        Some(found) => found,
        None => (fallback(galley, lines, note_lines), f64::INFINITY),
    }
}

/// A page the search may end at `end` (an item index), from one start.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    end: usize,
    depth: u32,
    cost: f64,
    /// The galley ends there, or the author asked for a page break.
    ends: bool,
    /// Grid lines of the opening sink given up.
    trim: u32,
}

/// Where a page starts: its first kept item, the sink lines it gives up and
/// the most grid lines it may take.
struct PageStart {
    start: usize,
    trim: u32,
    most: u32,
}

/// Every page that can start at `from` (reached at break `i`): each break
/// after it while the page still fits, with the page's cost.
fn page_candidates(
    items: &[VItem],
    from: &PageStart,
    i: usize,
    lines: u32,
    note_lines: &dyn Fn(&[u32]) -> u32,
    costs: &PageCosts,
    candidates: &mut Vec<Candidate>,
) {
    let n = items.len();
    let PageStart { start, trim, most } = *from;
    // A table row starting a page brings its header.
    let mut body = if start < n {
        items[start].repeat_lines()
    } else {
        0
    };
    let mut notes: Vec<u32> = Vec::new();
    let mut last_kept = start;
    // Spaces count only once something follows them on the page.
    let mut pending_space = 0u32;
    for j in start + 1..=n {
        let item = &items[j - 1];
        let height = if j == start + 1 {
            item.lines.saturating_sub(trim)
        } else {
            item.lines
        };
        if item.discardable {
            pending_space += height;
        } else {
            body += pending_space + height;
            pending_space = 0;
            for &note in item.notes() {
                if !notes.contains(&note) {
                    notes.push(note);
                }
            }
            last_kept = j;
        }
        let foot = if notes.is_empty() {
            0
        } else {
            note_lines(&notes)
        };
        let depth = body + foot;
        let alone = last_kept == start + 1;
        if depth > most && !alone {
            break;
        }
        let is_final = j == n;
        // A break the author asked for ends the page whatever its depth,
        // and the page after it is not measured against this one.
        let asked = !is_final && items[j - 1].break_after <= FORCED_BREAK;
        let breakable = is_final || items[j - 1].break_after < INFINITY;
        if !breakable || last_kept <= start {
            continue;
        }
        let ends = is_final || asked;
        let mut page_cost = if is_final && i > 0 {
            f64::from(FINAL_PAGE_LINES.saturating_sub(depth)) * costs.runt_final_page
        } else if ends {
            0.0
        } else {
            depth_cost(depth, lines, costs) + items[j - 1].break_after
        };
        page_cost += trim as f64 * costs.shallow_sink;
        if depth > most {
            page_cost += 1e7; // an item taller than a page: let it overflow rather than fail
        }
        if !is_final && ends_with_hyphen(&items[start..last_kept]) {
            page_cost += costs.hyphen_at_foot;
        }
        candidates.push(Candidate {
            end: j,
            depth,
            cost: page_cost,
            ends,
            trim,
        });
        if depth > most || asked {
            break;
        }
    }
}

/// The states reached from break `i` by each candidate page, costed with the
/// spread it makes with the page before.
fn extend_states(
    states: &mut [Vec<State>],
    i: usize,
    candidates: &[Candidate],
    lines: u32,
    costs: &PageCosts,
) {
    // Pages far shorter than the grid are considered only when nothing else is
    // possible from here (a tall figure, a long keep): it keeps the states few.
    let near = |depth: u32| depth + SHORT_PAGE_SLACK >= lines;
    let any_near = candidates.iter().any(|c| c.ends || near(c.depth));
    for &Candidate {
        end: j,
        depth,
        cost: page_cost,
        ends: is_final,
        trim,
    } in candidates
    {
        if any_near && !is_final && !near(depth) {
            continue;
        }
        let (before, after) = states.split_at_mut(j);
        for (k, state) in before[i].iter().enumerate() {
            let mut cost = state.cost + page_cost;
            if state.recto_next && state.verso_depth > 0 && !is_final && depth != state.verso_depth
            {
                cost += costs.unequal_spread * depth.abs_diff(state.verso_depth) as f64;
            }
            let next = State {
                recto_next: !state.recto_next,
                verso_depth: if state.recto_next || is_final {
                    0
                } else {
                    depth
                },
                cost,
                back: Some((i, k)),
                depth,
                trim,
            };
            insert(&mut after[0], next);
        }
    }
}

/// The pages of the cheapest way to the galley's end, and its cost; `None`
/// when no state reaches the end.
fn cheapest_path(
    states: &[Vec<State>],
    items: &[VItem],
    note_lines: &dyn Fn(&[u32]) -> u32,
) -> Option<(Vec<PageSlice>, f64)> {
    let n = items.len();
    let end = states[n]
        .iter()
        .enumerate()
        .min_by(|a, b| a.1.cost.total_cmp(&b.1.cost))
        .map(|(k, _)| k)?;
    let total = states[n][end].cost;
    let mut breaks = Vec::new();
    let (mut at, mut k) = (n, end);
    while let Some((i, prev)) = states[at][k].back {
        breaks.push((i, at, states[at][k].depth, states[at][k].trim));
        at = i;
        k = prev;
    }
    breaks.reverse();
    let slices = breaks
        .into_iter()
        .map(|(i, j, depth, trim)| PageSlice {
            lead_trim: trim,
            ..slice(items, i, j, depth, note_lines)
        })
        .collect();
    Some((slices, total))
}

/// Keeps, per (side, facing depth), only the cheapest way to reach a break point.
fn insert(states: &mut Vec<State>, next: State) {
    match states
        .iter_mut()
        .find(|s| s.recto_next == next.recto_next && s.verso_depth == next.verso_depth)
    {
        Some(existing) if existing.cost <= next.cost => {}
        Some(existing) => *existing = next,
        None => states.push(next),
    }
}

fn depth_cost(depth: u32, lines: u32, costs: &PageCosts) -> f64 {
    let d = depth as i64 - lines as i64;
    match d {
        0 => 0.0,
        -1 => costs.short_by_one,
        1 => costs.long_by_one,
        d if d < -1 => 2000.0 * (d * d) as f64,
        _ => INFINITY * 100.0,
    }
}

fn first_kept(items: &[VItem], mut i: usize) -> usize {
    while i < items.len() && items[i].discardable {
        i += 1;
    }
    i
}

fn ends_with_hyphen(items: &[VItem]) -> bool {
    items
        .iter()
        .rev()
        .find_map(|i| i.line())
        .is_some_and(|l| l.hyphenated)
}

fn slice(
    items: &[VItem],
    i: usize,
    j: usize,
    depth: u32,
    note_lines: &dyn Fn(&[u32]) -> u32,
) -> PageSlice {
    let start = first_kept(items, i);
    let mut end = j;
    while end > start && items[end - 1].discardable {
        end -= 1;
    }
    let mut notes = Vec::new();
    for item in &items[start..end] {
        for &note in item.notes() {
            if !notes.contains(&note) {
                notes.push(note);
            }
        }
    }
    let note_lines = if notes.is_empty() {
        0
    } else {
        note_lines(&notes)
    };
    // The page ends at an asked break when one is among its trailing spaces.
    let asked_break = j < items.len()
        && items[end..j]
            .iter()
            .any(|item| item.break_after <= FORCED_BREAK);
    PageSlice {
        items: start..end,
        depth,
        notes,
        note_lines,
        lead_trim: 0,
        asked_break,
    }
}

/// Greedy fill, used only if the optimisation finds no way through.
fn fallback(galley: &Galley, lines: u32, note_lines: &dyn Fn(&[u32]) -> u32) -> Vec<PageSlice> {
    let mut pages = Vec::new();
    let mut i = 0;
    let items = &galley.items;
    while i < items.len() {
        let start = first_kept(items, i);
        let mut body = 0;
        let mut j = start;
        while j < items.len() && (body + items[j].lines <= lines || j == start) {
            body += items[j].lines;
            j += 1;
        }
        // (Trailing spaces are trimmed by `slice`; they may make `body` a little high.)
        pages.push(slice(
            items,
            i,
            j.max(start + 1).min(items.len()),
            body,
            note_lines,
        ));
        i = j.max(start + 1);
    }
    pages
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::items::{Content, Role, VItem};
    use crate::model::BlockId;

    /// A paragraph of `count` one-line items with the galley's widow/orphan penalties.
    fn paragraph(block: u32, count: u32) -> Vec<VItem> {
        (1..=count)
            .map(|n| VItem {
                content: Content::Space,
                role: Role::Body,
                lines: 1,
                discardable: false,
                break_after: if n == count {
                    0.0
                } else if n == 1 {
                    crate::layout::galley::ORPHAN
                } else if n + 1 == count {
                    crate::layout::galley::WIDOW
                } else {
                    0.0
                },
                pos: None,
                para: Some((BlockId(block), n, count)),
                mark: crate::layout::frame::Mark::Artifact,
            })
            .collect()
    }

    fn pages_of(galley: &Galley, lines: u32) -> Vec<Vec<(u32, u32)>> {
        paginate(galley, lines, true, &|_| 0, &PageCosts::default())
            .into_iter()
            .map(|s| {
                galley.items[s.items]
                    .iter()
                    .map(|i| (i.para.unwrap().0.0, i.para.unwrap().1))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn a_greedy_fill_would_leave_a_widow_this_does_not() {
        // 21 lines on 10-line pages: greedy gives 10 + 10 + 1, a widow.
        let galley = Galley {
            items: paragraph(1, 21),
            notes: Vec::new(),
            opening_sink: 0,
            reshapable: Vec::new(),
        };
        let pages = pages_of(&galley, 10);
        for page in &pages[1..] {
            assert!(page.len() >= 2 || page[0].1 != 21, "{pages:?}");
        }
        for page in &pages[..pages.len() - 1] {
            let last = page.last().unwrap();
            assert_ne!(last.1, 1, "orphan: {pages:?}");
        }
    }

    #[test]
    fn facing_pages_end_at_the_same_depth() {
        let mut items = Vec::new();
        for (block, count) in [
            (1, 7),
            (2, 3),
            (3, 12),
            (4, 2),
            (5, 9),
            (6, 4),
            (7, 15),
            (8, 5),
        ] {
            items.extend(paragraph(block, count));
        }
        let galley = Galley {
            items,
            notes: Vec::new(),
            opening_sink: 0,
            reshapable: Vec::new(),
        };
        let slices = paginate(&galley, 10, true, &|_| 0, &PageCosts::default());
        // Page 0 is a recto; spreads are (1, 2), (3, 4)…
        for pair in slices[1..slices.len() - 1].chunks(2) {
            if let [verso, recto] = pair
                && !std::ptr::eq(recto, slices.last().unwrap())
            {
                assert_eq!(verso.depth, recto.depth, "{slices:?}");
            }
        }
    }

    #[test]
    fn an_opening_page_never_runs_long() {
        // A sink of 3 lines and 8 lines kept together on 10-line pages: the
        // opening page may not run long (3 + 8 = 11), as its folio sits at the
        // foot; it sets its sink a line shallower instead.
        let mut items = vec![VItem {
            content: Content::Space,
            role: Role::Other,
            lines: 3,
            discardable: false,
            break_after: INFINITY,
            pos: None,
            para: None,
            mark: crate::layout::frame::Mark::Artifact,
        }];
        let mut kept = paragraph(1, 8);
        for item in &mut kept[..7] {
            item.break_after = INFINITY;
        }
        items.extend(kept);
        items.extend(paragraph(2, 12));
        let galley = Galley {
            items,
            notes: Vec::new(),
            opening_sink: 1,
            reshapable: Vec::new(),
        };
        let slices = paginate(&galley, 10, true, &|_| 0, &PageCosts::default());
        assert_eq!(
            (slices[0].depth, slices[0].lead_trim),
            (10, 1),
            "{slices:?}"
        );
        assert_eq!(slices[1].lead_trim, 0);
    }
}
