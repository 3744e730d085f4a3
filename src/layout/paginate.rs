//! Pagination as an optimisation: the page breaks of a section are chosen
//! together (dynamic programming over break points) to minimise the total
//! cost: pages shorter or longer than the grid, widows and orphans (from the
//! galley's break penalties), a hyphen on a page's last line, and facing
//! pages that end at different depths. Footnotes travel with the line that
//! references them. The section's notes, in the order they are first
//! referenced, are one stream of lines, and each page's foot sets the next
//! stretch of it: a note that does not fit starts on its reference's page
//! (two lines at least) and continues at the foot of the next (pages of notes
//! alone after the section's text when what is left is longer than a page).

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
    /// Footnotes set at the foot of this page, a note continued from the page
    /// before first.
    pub notes: Vec<u32>,
    /// Grid lines the footnotes take (separator included).
    pub note_lines: u32,
    /// Lines of the first note set on the pages before (it continues here).
    pub note_skip: u32,
    /// Lines of the last note left for the next page (it continues there).
    pub note_cut: u32,
    /// Grid lines the first item gives up (an opening sink set a line shallower).
    pub lead_trim: u32,
    /// The page ends at a page break the author asked for (`\newpage`).
    pub asked_break: bool,
}

/// How footnotes measure at a page's foot: their lines at the note leading,
/// under the space their rule takes, on the body's grid.
#[derive(Debug, Clone, Copy)]
pub struct Foot {
    /// The notes' leading, in points.
    pub note_leading: f64,
    /// The body's grid line, in points.
    pub grid: f64,
    /// The space over the notes that their rule takes, in points.
    pub rule: f64,
}

impl Foot {
    /// Grid lines `text_lines` lines of notes take under their rule (none for none).
    pub fn grid_lines(&self, text_lines: u32) -> u32 {
        if text_lines == 0 {
            return 0;
        }
        ((self.note_leading * f64::from(text_lines) + self.rule) / self.grid).ceil() as u32
    }

    /// The most lines of notes `grid_lines` grid lines hold under their rule.
    fn text_lines_in(&self, grid_lines: u32) -> u32 {
        let room = f64::from(grid_lines) * self.grid - self.rule;
        if room < self.note_leading {
            return 0;
        }
        let mut fits = (room / self.note_leading).floor() as u32;
        // Rounding must never let the foot outgrow its room.
        while fits > 0 && self.grid_lines(fits) > grid_lines {
            fits -= 1;
        }
        fits
    }

    /// The grid lines a page of `body` grid lines gives its notes, and the
    /// lines of notes it leaves for the next page. The notes fit whole under
    /// `most`, or as many lines as fill the page to `full` are set when every
    /// note the page references starts on it with [`MIN_NOTE_LINES`] (the
    /// last one is cut); `None` when neither.
    fn split(&self, body: u32, notes: &PageNotes, most: u32, full: u32) -> Option<(u32, u32)> {
        let all = notes.carried + notes.new;
        let whole = self.grid_lines(all);
        if body + whole <= most {
            return Some((whole, 0));
        }
        // A page that cuts a note is as full as it can be: it never runs long.
        let fits = self.text_lines_in(most.min(full).checked_sub(body)?);
        let least = if notes.new == 0 {
            1
        } else {
            notes.carried + notes.new - notes.last + notes.last.min(MIN_NOTE_LINES)
        };
        (fits >= least && fits < all).then(|| (self.grid_lines(fits), all - fits))
    }

    /// [`Foot::split`] for a page that cannot end sooner (its first item, or
    /// lines kept together from its first): the lines that fit, whatever
    /// notes they reach, the rest carried on.
    fn overflow(&self, body: u32, notes: &PageNotes, full: u32) -> (u32, u32) {
        let all = notes.carried + notes.new;
        let fits = self.text_lines_in(full.saturating_sub(body)).min(all);
        (self.grid_lines(fits), all - fits)
    }
}

/// The fewest lines of a note set on its reference's page when it is cut.
pub const MIN_NOTE_LINES: u32 = 2;

/// Lines of notes a page sets, as the page grows.
#[derive(Debug, Clone, Copy, Default)]
struct PageNotes {
    /// Lines of notes continued from the pages before: referenced there and not yet set.
    carried: u32,
    /// Lines of the notes referenced on this page.
    new: u32,
    /// Lines of the last of them.
    last: u32,
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
    /// A footnote continued on the next page.
    pub split_note: f64,
    /// A page of notes alone after the section's text.
    pub notes_only_page: f64,
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
            split_note: 10000.0,
            notes_only_page: 1e6,
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
    /// Lines of the note stream the pages before referenced and left for this one.
    carry: u32,
    cost: f64,
    back: Option<(usize, usize)>,
    depth: u32,
    /// Lines the page starting the section took off its sink.
    trim: u32,
}

/// Splits a galley into pages of `lines` grid lines. `first_recto`: the
/// section's first page is a right-hand page. `foot` measures the footnotes.
pub fn paginate(
    galley: &Galley,
    lines: u32,
    first_recto: bool,
    foot: &Foot,
    costs: &PageCosts,
) -> Vec<PageSlice> {
    paginate_costed(galley, lines, first_recto, foot, costs).0
}

/// [`paginate`], with the total cost of the pages chosen (what reshaping a
/// paragraph has to lower).
pub fn paginate_costed(
    galley: &Galley,
    lines: u32,
    first_recto: bool,
    foot: &Foot,
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
            note_skip: 0,
            note_cut: 0,
            lead_trim: 0,
            asked_break: false,
        };
        return (vec![empty], 0.0);
    }
    let mut states: Vec<Vec<State>> = vec![Vec::new(); n + 1];
    states[0].push(State {
        recto_next: first_recto,
        verso_depth: 0,
        carry: 0,
        cost: 0.0,
        back: None,
        depth: 0,
        trim: 0,
    });
    let stream = NoteStream::of(galley);
    let pager = Pager {
        galley,
        stream: &stream,
        lines,
        foot,
        costs,
    };
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut carries: Vec<u32> = Vec::new();
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
        // The pages from here differ by the note lines they continue.
        carries.clear();
        carries.extend(states[i].iter().map(|s| s.carry));
        carries.sort_unstable();
        carries.dedup();
        for &carry in &carries {
            candidates.clear();
            for trim in trims.clone() {
                let from = PageStart {
                    start,
                    trim,
                    most,
                    carry,
                };
                pager.candidates(&from, i, &mut candidates);
            }
            extend_states(&mut states, i, carry, &candidates, lines, costs);
        }
    }
    // Walk back from the cheapest end state.
    match cheapest_path(&states, &pager) {
        Some(found) => found,
        None => (fallback(&pager), f64::INFINITY),
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
    /// Lines of the note stream left for the next page.
    carry: u32,
}

/// Where a page starts: its first kept item, the sink lines it gives up, the
/// most grid lines it may take and the note lines it continues.
struct PageStart {
    start: usize,
    trim: u32,
    most: u32,
    carry: u32,
}

/// What every page of one search is measured with.
struct Pager<'a> {
    galley: &'a Galley,
    stream: &'a NoteStream,
    lines: u32,
    foot: &'a Foot,
    costs: &'a PageCosts,
}

/// The section's footnotes in the order they are first referenced: one
/// stream of lines, of which each page's foot sets the next stretch.
struct NoteStream {
    /// The notes, by first reference.
    order: Vec<u32>,
    /// The stream line each of them starts at, and one more: the end.
    starts: Vec<u32>,
    /// Per item: lines of the notes first referenced there, and of the last of them.
    fresh: Vec<(u32, u32)>,
}

impl NoteStream {
    fn of(galley: &Galley) -> NoteStream {
        let mut seen = vec![false; galley.notes.len()];
        let mut order = Vec::new();
        let mut starts = vec![0];
        let mut fresh = Vec::with_capacity(galley.items.len());
        for item in &galley.items {
            let (mut lines, mut last) = (0, 0);
            for &note in item.notes() {
                let Some(block) = galley.notes.get(note as usize) else {
                    continue;
                };
                if std::mem::replace(&mut seen[note as usize], true) {
                    continue;
                }
                last = block.lines.len() as u32;
                lines += last;
                order.push(note);
                starts.push(starts[starts.len() - 1] + last);
            }
            fresh.push((lines, last));
        }
        NoteStream {
            order,
            starts,
            fresh,
        }
    }

    /// Lines of the notes first referenced in `items`.
    fn referenced(&self, items: std::ops::Range<usize>) -> u32 {
        self.fresh[items].iter().map(|f| f.0).sum()
    }

    /// The notes lines `from..to` of the stream cross, the lines of the first
    /// set before `from` and those of the last left after `to`.
    fn stretch(&self, from: u32, to: u32) -> Stretch {
        if from >= to {
            return Stretch::default();
        }
        // The note holding line `from`, and the one holding line `to - 1`.
        let first = self.starts.partition_point(|&s| s <= from) - 1;
        let last = self.starts.partition_point(|&s| s < to) - 1;
        Stretch {
            notes: self.order[first..=last].to_vec(),
            skip: from - self.starts[first],
            cut: self.starts[last + 1] - to,
            lines: to - from,
        }
    }
}

/// A page's share of the note stream.
#[derive(Debug, Default)]
struct Stretch {
    notes: Vec<u32>,
    skip: u32,
    cut: u32,
    lines: u32,
}

impl Pager<'_> {
    /// Every page that can start at `from` (reached at break `i`): each break
    /// after it while the page still fits, with the page's cost.
    fn candidates(&self, from: &PageStart, i: usize, candidates: &mut Vec<Candidate>) {
        let items = &self.galley.items;
        let costs = self.costs;
        let n = items.len();
        let PageStart {
            start,
            trim,
            most,
            carry,
        } = *from;
        // A table row starting a page brings its header.
        let mut body = if start < n {
            items[start].repeat_lines()
        } else {
            0
        };
        let mut lines_of_notes = PageNotes {
            carried: carry,
            ..PageNotes::default()
        };
        let mut last_kept = start;
        // Spaces count only once something follows them on the page.
        let mut pending_space = 0u32;
        let found_before = candidates.len();
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
                let (fresh, last) = self.stream.fresh[j - 1];
                if fresh > 0 {
                    lines_of_notes.new += fresh;
                    lines_of_notes.last = last;
                }
                last_kept = j;
            }
            let alone = last_kept == start + 1;
            // The page cannot end sooner (lines kept together): its text
            // fits, and its notes go on as they must.
            let stuck = candidates.len() == found_before && body <= most.min(self.lines);
            let mut relaxed = false;
            let (foot, carry_out) = match self.foot.split(body, &lines_of_notes, most, self.lines) {
                Some(split) => split,
                None if alone || stuck => {
                    relaxed = lines_of_notes.carried + lines_of_notes.new > 0;
                    self.foot.overflow(body, &lines_of_notes, self.lines)
                }
                None => break,
            };
            let depth = body + foot;
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
                depth_cost(depth, self.lines, costs) + items[j - 1].break_after
            };
            page_cost += trim as f64 * costs.shallow_sink;
            if carry_out > 0 {
                page_cost += costs.split_note;
            }
            if relaxed {
                // A note cited here starts on a later page.
                page_cost += costs.split_note * 10.0;
            }
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
                carry: carry_out,
            });
            if depth > most || asked {
                break;
            }
        }
    }

    /// The pages of notes alone that set the `carry` lines of notes left after the
    /// section's text: each sets its notes at the foot of a full grid.
    fn notes_only_pages(&self, carry: u32) -> u32 {
        carry.div_ceil(self.notes_a_page())
    }

    /// The lines of notes a page of notes alone holds.
    fn notes_a_page(&self) -> u32 {
        self.foot.text_lines_in(self.lines).max(1)
    }
}

/// The states reached from break `i` (its states continuing `carry` note
/// lines) by each candidate page, costed with the spread it makes with the
/// page before.
fn extend_states(
    states: &mut [Vec<State>],
    i: usize,
    carry: u32,
    candidates: &[Candidate],
    lines: u32,
    costs: &PageCosts,
) {
    // Pages far shorter than the grid are considered only when nothing else is
    // possible from here (a tall figure, a long keep): it keeps the states few.
    let near = |depth: u32| depth + SHORT_PAGE_SLACK >= lines;
    let any_near = candidates.iter().any(|c| c.ends || near(c.depth));
    for candidate in candidates {
        let &Candidate {
            end: j,
            depth,
            cost: page_cost,
            ends: is_final,
            trim,
            ..
        } = candidate;
        if any_near && !is_final && !near(depth) {
            continue;
        }
        let (before, after) = states.split_at_mut(j);
        for (k, state) in before[i].iter().enumerate() {
            if state.carry != carry {
                continue;
            }
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
                carry: candidate.carry,
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
fn cheapest_path(states: &[Vec<State>], pager: &Pager<'_>) -> Option<(Vec<PageSlice>, f64)> {
    let (galley, stream) = (pager.galley, pager.stream);
    let n = galley.items.len();
    let with_tail = |s: &State| {
        s.cost + f64::from(pager.notes_only_pages(s.carry)) * pager.costs.notes_only_page
    };
    let end = states[n]
        .iter()
        .enumerate()
        .min_by(|a, b| with_tail(a.1).total_cmp(&with_tail(b.1)))
        .map(|(k, _)| k)?;
    let total = with_tail(&states[n][end]);
    let mut breaks = Vec::new();
    let (mut at, mut k) = (n, end);
    while let Some((i, prev)) = states[at][k].back {
        breaks.push((
            i,
            at,
            states[at][k].depth,
            states[at][k].trim,
            states[at][k].carry,
        ));
        at = i;
        k = prev;
    }
    breaks.reverse();
    let mut slices: Vec<PageSlice> = Vec::with_capacity(breaks.len());
    // Stream lines referenced so far, and set so far.
    let (mut referenced, mut set) = (0, 0);
    for (from, to, depth, trim, carry) in breaks {
        referenced += stream.referenced(from..to);
        let stretch = stream.stretch(set, referenced - carry);
        set = referenced - carry;
        slices.push(PageSlice {
            lead_trim: trim,
            ..slice(pager, from, to, depth, stretch)
        });
    }
    notes_alone(pager, &mut slices, set, referenced);
    Some((slices, total))
}

/// Keeps, per (side, facing depth, note lines carried), only the cheapest way
/// to reach a break point.
fn insert(states: &mut Vec<State>, next: State) {
    match states.iter_mut().find(|s| {
        s.recto_next == next.recto_next
            && s.verso_depth == next.verso_depth
            && s.carry == next.carry
    }) {
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

/// What is left of the notes (stream lines `set..referenced`) on pages of
/// their own after the section's text, each set at the foot of a full grid.
fn notes_alone(pager: &Pager<'_>, slices: &mut Vec<PageSlice>, mut set: u32, referenced: u32) {
    let n = pager.galley.items.len();
    let per_page = pager.notes_a_page();
    while set < referenced {
        let to = referenced.min(set + per_page);
        let stretch = pager.stream.stretch(set, to);
        set = to;
        slices.push(PageSlice {
            items: n..n,
            depth: pager.lines.max(pager.foot.grid_lines(stretch.lines)),
            ..slice(pager, n, n, 0, stretch)
        });
    }
}

/// The page from break `i` to break `j`: its items, and its stretch of the
/// note stream.
fn slice(pager: &Pager<'_>, i: usize, j: usize, depth: u32, notes: Stretch) -> PageSlice {
    let items = &pager.galley.items;
    let start = first_kept(items, i);
    let mut end = j;
    while end > start && items[end - 1].discardable {
        end -= 1;
    }
    // The page ends at an asked break when one is among its trailing spaces.
    let asked_break = j < items.len()
        && items[end..j]
            .iter()
            .any(|item| item.break_after <= FORCED_BREAK);
    PageSlice {
        items: start..end,
        depth,
        note_lines: pager.foot.grid_lines(notes.lines),
        notes: notes.notes,
        note_skip: notes.skip,
        note_cut: notes.cut,
        lead_trim: 0,
        asked_break,
    }
}

/// Greedy fill, used only if the optimisation finds no way through: each
/// page takes what text fits, then what notes fit under it.
fn fallback(pager: &Pager<'_>) -> Vec<PageSlice> {
    let mut pages = Vec::new();
    let mut i = 0;
    let items = &pager.galley.items;
    let (mut referenced, mut set) = (0, 0);
    while i < items.len() {
        let start = first_kept(items, i);
        let mut body = 0;
        let mut j = start;
        let mut pending = referenced - set;
        // Each item, while it and the first lines of the notes so far fit.
        while j < items.len() {
            let with = pending + pager.stream.fresh[j].0;
            let foot = pager.foot.grid_lines(with.min(MIN_NOTE_LINES));
            if body + items[j].lines + foot > pager.lines && j > start {
                break;
            }
            body += items[j].lines;
            pending = with;
            j += 1;
        }
        let end = j.max(start + 1).min(items.len());
        referenced += pager.stream.referenced(i..end);
        let room = pager.foot.text_lines_in(pager.lines.saturating_sub(body));
        let to = referenced.min(set + room);
        let stretch = pager.stream.stretch(set, to);
        set = to;
        // (Trailing spaces are trimmed by `slice`; they may make `body` a little high.)
        let depth = body + pager.foot.grid_lines(stretch.lines);
        pages.push(slice(pager, i, end, depth, stretch));
        i = j.max(start + 1);
    }
    notes_alone(pager, &mut pages, set, referenced);
    pages
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::galley::NoteBlock;
    use crate::layout::items::{Content, Role, VItem};
    use crate::layout::paragraph::Line;
    use crate::model::BlockId;

    /// Notes at 10 pt leading on a 12 pt grid, under 10 pt of rule: a note
    /// of `n` lines takes `ceil((10 n + 10) / 12)` grid lines.
    const FOOT: Foot = Foot {
        note_leading: 10.0,
        grid: 12.0,
        rule: 10.0,
    };

    /// A body line referencing `notes`.
    fn citing(block: u32, notes: Vec<u32>) -> VItem {
        let mut line = Line::empty();
        line.notes = notes;
        VItem {
            content: Content::Text {
                line,
                x: crate::model::Pt::ZERO,
                dy: crate::model::Pt::ZERO,
            },
            ..paragraph(block, 1).remove(0)
        }
    }

    fn note(lines: usize) -> NoteBlock {
        NoteBlock {
            lines: vec![Vec::new(); lines],
            pos: None,
        }
    }

    /// Lines of notes a page sets.
    fn set(galley: &Galley, slice: &PageSlice) -> u32 {
        let all: u32 = slice
            .notes
            .iter()
            .map(|&n| galley.notes[n as usize].lines.len() as u32)
            .sum();
        all - slice.note_skip - slice.note_cut
    }

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
        paginate(galley, lines, true, &FOOT, &PageCosts::default())
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
        let slices = paginate(&galley, 10, true, &FOOT, &PageCosts::default());
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
        let slices = paginate(&galley, 10, true, &FOOT, &PageCosts::default());
        assert_eq!(
            (slices[0].depth, slices[0].lead_trim),
            (10, 1),
            "{slices:?}"
        );
        assert_eq!(slices[1].lead_trim, 0);
    }

    #[test]
    fn the_foot_never_outgrows_the_room_it_is_given() {
        for grid_lines in 0..40 {
            let fits = FOOT.text_lines_in(grid_lines);
            assert!(FOOT.grid_lines(fits) <= grid_lines, "{grid_lines}");
            assert!(FOOT.grid_lines(fits + 1) > grid_lines, "{grid_lines}");
        }
    }

    #[test]
    fn a_note_longer_than_a_page_continues_at_the_foot_of_the_next() {
        // A 40-line note cited from the third of 30 lines, on 20-line pages:
        // it holds 22 lines a page at most, so it starts under its reference
        // and goes on at the foot of the pages after, every line set once.
        let mut items = paragraph(1, 2);
        items.push(citing(2, vec![0]));
        items.extend(paragraph(3, 27));
        let galley = Galley {
            items,
            notes: vec![note(40)],
            opening_sink: 0,
            reshapable: Vec::new(),
        };
        let slices = paginate(&galley, 20, true, &FOOT, &PageCosts::default());
        let lines: Vec<u32> = slices.iter().map(|s| set(&galley, s)).collect();
        assert_eq!(lines.iter().sum::<u32>(), 40, "{slices:?}");
        assert!(
            slices[0].note_skip == 0 && slices[0].note_cut > 0,
            "{slices:?}"
        );
        assert!(lines[0] >= MIN_NOTE_LINES, "{slices:?}");
        for pair in slices.windows(2) {
            assert_eq!(pair[1].note_skip > 0, pair[0].note_cut > 0, "{slices:?}");
        }
        for slice in &slices {
            assert!(slice.depth <= 21, "a page runs over: {slices:?}");
        }
        let body: usize = slices.iter().map(|s| s.items.len()).sum();
        assert_eq!(body, 30, "{slices:?}");
    }

    #[test]
    fn a_note_cited_on_the_last_line_goes_on_over_pages_of_its_own() {
        let mut items = paragraph(1, 5);
        items.push(citing(2, vec![0]));
        let galley = Galley {
            items,
            notes: vec![note(50)],
            opening_sink: 0,
            reshapable: Vec::new(),
        };
        let slices = paginate(&galley, 20, true, &FOOT, &PageCosts::default());
        let lines: u32 = slices.iter().map(|s| set(&galley, s)).sum();
        assert_eq!(lines, 50, "{slices:?}");
        assert!(slices.len() >= 3, "{slices:?}");
        let last = slices.last().unwrap();
        assert!(last.items.is_empty() && last.note_cut == 0, "{slices:?}");
        assert!(slices.iter().all(|s| s.depth <= 20), "{slices:?}");
    }

    #[test]
    fn a_cut_note_keeps_two_lines_under_its_reference_and_a_note_that_fits_is_whole() {
        let one = |new, last| PageNotes {
            carried: 0,
            new,
            last,
        };
        // 17 lines of text leave 3 grid lines of 20 (a cut page never runs
        // long to 21): two lines of a 5-line note.
        assert_eq!(FOOT.split(17, &one(5, 5), 21, 20), Some((3, 3)));
        // 18 leave room for one line only: the reference has to move.
        assert_eq!(FOOT.split(18, &one(5, 5), 21, 20), None);
        // Notes that fit whole are set whole, a continued one with them.
        let whole = PageNotes {
            carried: 5,
            new: 4,
            last: 3,
        };
        assert_eq!(FOOT.split(10, &whole, 21, 20), Some((9, 0)));
        // The continued note is set before the page's own notes: they start here.
        assert_eq!(FOOT.split(10, &whole, 18, 18), Some((8, 1)));
        assert_eq!(FOOT.split(10, &whole, 17, 17), None);
    }

    #[test]
    fn two_long_notes_cited_from_one_line_are_set_whole_in_order() {
        // Neither can start on the page with two lines of the other whole:
        // the line goes where it must, and the notes follow each other down
        // the feet of the pages after it, each line once.
        let mut items = paragraph(1, 4);
        items.push(citing(2, vec![0, 1]));
        items.extend(paragraph(3, 40));
        let galley = Galley {
            items,
            notes: vec![note(30), note(30)],
            opening_sink: 0,
            reshapable: Vec::new(),
        };
        let slices = paginate(&galley, 20, true, &FOOT, &PageCosts::default());
        let mut seen: Vec<(u32, u32)> = Vec::new();
        for slice in &slices {
            assert!(slice.depth <= 21, "{slices:?}");
            let last = slice.notes.len().saturating_sub(1);
            for (k, &n) in slice.notes.iter().enumerate() {
                let from = if k == 0 { slice.note_skip } else { 0 };
                let to = 30 - if k == last { slice.note_cut } else { 0 };
                seen.extend((from..to).map(|line| (n, line)));
            }
        }
        let wanted: Vec<(u32, u32)> = (0..2).flat_map(|n| (0..30).map(move |l| (n, l))).collect();
        assert_eq!(seen, wanted, "{slices:?}");
    }

    #[test]
    fn a_note_cited_twice_is_set_once_under_its_first_reference() {
        let mut items = paragraph(1, 4);
        items.push(citing(2, vec![0]));
        items.extend(paragraph(3, 30));
        items.push(citing(4, vec![0]));
        items.extend(paragraph(5, 4));
        let galley = Galley {
            items,
            notes: vec![note(3)],
            opening_sink: 0,
            reshapable: Vec::new(),
        };
        let slices = paginate(&galley, 20, true, &FOOT, &PageCosts::default());
        let feet: Vec<&Vec<u32>> = slices.iter().map(|s| &s.notes).collect();
        assert_eq!(
            feet.iter().filter(|n| !n.is_empty()).count(),
            1,
            "{slices:?}"
        );
        assert_eq!(slices[0].notes, vec![0], "{slices:?}");
    }

    #[test]
    fn long_notes_cited_from_lines_kept_together_still_find_their_pages() {
        // A paragraph's last two lines (a widow is forbidden) each cite a
        // note longer than a page: no page can start both notes, yet the
        // lines must go together, so the notes go on as they must.
        let mut items = paragraph(1, 10);
        items.push(VItem {
            break_after: INFINITY,
            ..citing(2, vec![0])
        });
        items.push(citing(2, vec![1]));
        items.extend(paragraph(3, 30));
        let galley = Galley {
            items,
            notes: vec![note(60), note(60)],
            opening_sink: 0,
            reshapable: Vec::new(),
        };
        let (slices, cost) = paginate_costed(&galley, 20, true, &FOOT, &PageCosts::default());
        assert!(cost.is_finite(), "the greedy fallback: {slices:?}");
        assert!(slices.iter().all(|s| s.depth <= 21), "{slices:?}");
        let set: u32 = slices.iter().map(|s| set(&galley, s)).sum();
        assert_eq!(set, 120, "{slices:?}");
    }

    #[test]
    fn the_greedy_fallback_sets_notes_under_the_text_not_over_it() {
        // 30 lines kept together on 20-line pages: no way through but the
        // fallback, which still gives the notes their room and their pages.
        let mut items = paragraph(1, 30);
        for item in &mut items[..29] {
            item.break_after = INFINITY;
        }
        items[5] = VItem {
            break_after: INFINITY,
            ..citing(1, vec![0])
        };
        let galley = Galley {
            items,
            notes: vec![note(12)],
            opening_sink: 0,
            reshapable: Vec::new(),
        };
        let (slices, cost) = paginate_costed(&galley, 20, true, &FOOT, &PageCosts::default());
        assert!(cost.is_infinite(), "{slices:?}");
        let set: u32 = slices.iter().map(|s| set(&galley, s)).sum();
        assert_eq!(set, 12, "{slices:?}");
        for slice in slices.iter().filter(|s| !s.items.is_empty()) {
            let body = slice.items.len() as u32;
            assert_eq!(slice.depth, body + slice.note_lines, "{slices:?}");
            assert!(slice.depth <= 20, "{slices:?}");
        }
        // The note starts on its reference's page.
        assert_eq!(slices[0].notes, vec![0], "{slices:?}");
    }
}
