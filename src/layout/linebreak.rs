//! Line breaking over boxes, glue and penalties: Knuth & Plass's optimum-fit
//! algorithm (1981) for the book, with the house rules as demerits, as TeX
//! has them (`\doublehyphendemerits`, `\finalhyphendemerits`, `\adjdemerits`):
//! hyphens in a row, a hyphen before a paragraph's last line and a runt last
//! line cost rather than being banned, so a paragraph takes the least bad of
//! them rather than a very loose line; only a third hyphen in a row is
//! refused. One run finds
//! the best setting for every line count, so a paragraph can be set a line
//! longer or shorter (TeX's `\looseness`) for the pagination. First-fit is
//! for draft mode. Pure arithmetic on widths; knows nothing of fonts or text.

/// A penalty of this size forbids a break; its negative forces one.
pub const INFINITY: f64 = 10_000.0;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Item {
    Box {
        width: f64,
    },
    Glue {
        width: f64,
        stretch: f64,
        shrink: f64,
    },
    Penalty {
        width: f64,
        cost: f64,
        /// A hyphen: consecutive flagged breaks are limited.
        flagged: bool,
    },
}

/// Tuning of the optimum fit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// Largest adjustment ratio (stretch) allowed on a line.
    pub tolerance: f64,
    pub line_penalty: f64,
    /// Added when two consecutive lines end in hyphens.
    pub double_hyphen_demerits: f64,
    /// Hyphenated lines allowed in a row: the one rule kept as a limit (a
    /// designer's "never"), since a paragraph that cannot keep it within the
    /// tolerance is set again looser, which is the better page.
    pub max_consecutive_hyphens: usize,
    /// Added when the paragraph's second-to-last line ends in a hyphen.
    pub final_hyphen_demerits: f64,
    /// Added when a line's fitness class differs by more than one from the previous line's.
    pub fitness_demerits: f64,
    /// Penalties above this are not breaks in this attempt (a hyphen in a
    /// name waits for the attempts that would otherwise set a very loose line).
    pub max_penalty: f64,
    /// A last line narrower than this is a runt...
    pub runt_width: f64,
    /// ...and costs this much.
    pub runt_demerits: f64,
    /// Lines before this one may have measures of their own (a drop cap's
    /// indented lines); every line from it on has the same measure, so the
    /// best setting need not tell such lines apart.
    pub varying_lines: usize,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            tolerance: 1.0,
            line_penalty: 10.0,
            double_hyphen_demerits: 10_000.0,
            max_consecutive_hyphens: 2,
            final_hyphen_demerits: 10_000.0,
            fitness_demerits: 3_000.0,
            max_penalty: INFINITY,
            runt_width: 0.0,
            runt_demerits: 5000.0,
            varying_lines: 0,
        }
    }
}

/// Optical margins: how far a line may hang into each margin, by where it
/// breaks. `end[b]`: the width a line ending at break `b` may protrude on the
/// right (a final hyphen, period or comma); `start[i]`: the width a line
/// starting with item `i` may protrude on the left (an opening quote). Both
/// are indexed by item and make a line's measure that much wider.
#[derive(Debug, Clone, Default)]
pub struct Hang {
    pub start: Vec<f64>,
    pub end: Vec<f64>,
}

impl Hang {
    /// The extra width a line from item `after` to break `b` gets.
    pub fn of(&self, after: usize, b: usize) -> f64 {
        self.start.get(after).copied().unwrap_or(0.0) + self.end.get(b).copied().unwrap_or(0.0)
    }
}

/// Where a line ends: the index of the breaking item.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Break {
    pub position: usize,
    /// The line's adjustment ratio: 0 natural, 1 fully stretched, −1 fully shrunk.
    pub ratio: f64,
    /// The line ends at a flagged penalty (a hyphen).
    pub hyphenated: bool,
}

#[derive(Debug, Clone, Copy)]
struct Node {
    position: usize,
    /// First item of the line that starts after this break.
    after: usize,
    line: usize,
    fitness: u8,
    hyphens: usize,
    flagged: bool,
    demerits: f64,
    ratio: f64,
    previous: Option<usize>,
}

/// Running totals so a line's sums are two subtractions.
struct Totals {
    width: Vec<f64>,
    stretch: Vec<f64>,
    shrink: Vec<f64>,
}

impl Totals {
    fn new(items: &[Item]) -> Totals {
        let n = items.len() + 1;
        let (mut width, mut stretch, mut shrink) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
        );
        let (mut w, mut st, mut sh) = (0.0, 0.0, 0.0);
        for item in items {
            width.push(w);
            stretch.push(st);
            shrink.push(sh);
            match *item {
                Item::Box { width } => w += width,
                Item::Glue {
                    width,
                    stretch,
                    shrink,
                } => {
                    w += width;
                    st += stretch;
                    sh += shrink;
                }
                Item::Penalty { .. } => {}
            }
        }
        width.push(w);
        stretch.push(st);
        shrink.push(sh);
        Totals {
            width,
            stretch,
            shrink,
        }
    }
}

fn is_legal_break(items: &[Item], i: usize) -> bool {
    match items[i] {
        Item::Penalty { cost, .. } => cost < INFINITY,
        Item::Glue { .. } => i > 0 && matches!(items[i - 1], Item::Box { .. }),
        Item::Box { .. } => false,
    }
}

/// The first item of a line that starts after a break at `position`:
/// glue and penalties after a break are discarded, up to the next box or forced break.
fn line_start_after(items: &[Item], position: usize) -> usize {
    let mut i = position + 1;
    while i < items.len() {
        match items[i] {
            Item::Box { .. } => break,
            Item::Penalty { cost, .. } if cost <= -INFINITY => break,
            _ => i += 1,
        }
    }
    i
}

fn fitness_class(ratio: f64) -> u8 {
    if ratio < -0.5 {
        0
    } else if ratio <= 0.5 {
        1
    } else if ratio <= 1.0 {
        2
    } else {
        3
    }
}

/// Line counts either side of the cheapest setting of the text up to each
/// break that the search for a setting a line longer or shorter keeps. The
/// cheapest setting to a break has about the line count of the best whole
/// paragraph there, and the best one a line longer or shorter seldom strays
/// more than a line or two from it; keeping every line count instead costs
/// time in proportion to lines × breaks, minutes for a 1 MB paragraph. A
/// paragraph of up to this many lines keeps every count it can be set in.
pub const LINE_COUNT_BAND: usize = 8;

/// The best setting of a paragraph.
pub struct Fits {
    nodes: Vec<Node>,
    end: usize,
}

impl Fits {
    /// The optimum setting.
    pub fn best(&self) -> Vec<Break> {
        collect(&self.nodes, self.end)
    }
}

/// The best breaks of a paragraph for each line count near the best.
pub struct LineCounts {
    nodes: Vec<Node>,
    /// The cheapest end node for each line count, fewest lines first.
    ends: Vec<usize>,
    /// Index into `ends` of the cheapest of all.
    best: usize,
}

impl LineCounts {
    /// The optimum setting.
    pub fn best(&self) -> Vec<Break> {
        collect(&self.nodes, self.ends[self.best])
    }

    /// The best setting `delta` lines longer (positive) or shorter (negative)
    /// than the optimum, with the demerits it adds; `None` when the paragraph
    /// cannot be set in that many lines within the tolerance.
    pub fn with_looseness(&self, delta: i32) -> Option<(Vec<Break>, f64)> {
        let lines = self.nodes[self.ends[self.best]].line as i64 + delta as i64;
        let end = self
            .ends
            .iter()
            .copied()
            .find(|&e| self.nodes[e].line as i64 == lines)?;
        let extra = self.nodes[end].demerits - self.nodes[self.ends[self.best]].demerits;
        Some((collect(&self.nodes, end), extra))
    }
}

/// Knuth–Plass optimum fit. `measure(line)` gives the width of each line
/// (0-based); `hang` widens each line by the punctuation it may hang into the
/// margins. Returns `None` when no set of breaks keeps every line within
/// `params.tolerance` and unshrunk beyond its shrink (the caller retries
/// looser), or for no items. The items must end with a forced break.
///
/// Settings that reach a break with different line counts compete there (as
/// TeX's do when `\looseness` is 0), once past `params.varying_lines`: what
/// follows a break costs the same whatever the count before it, so the time
/// grows with the paragraph's length, not with its length × its lines.
pub fn fits(
    items: &[Item],
    measure: &dyn Fn(usize) -> f64,
    params: &Params,
    hang: Option<&Hang>,
) -> Option<Fits> {
    let (nodes, ends, best) = search(items, measure, params, hang, None)?;
    Some(Fits {
        end: ends[best],
        nodes,
    })
}

/// [`fits`], keeping the cheapest way to each line count within
/// [`LINE_COUNT_BAND`] of the cheapest at every break, for a paragraph set a
/// line longer or shorter (TeX's `\looseness`) for the pagination.
pub fn fits_by_line_count(
    items: &[Item],
    measure: &dyn Fn(usize) -> f64,
    params: &Params,
    hang: Option<&Hang>,
) -> Option<LineCounts> {
    let (nodes, ends, best) = search(items, measure, params, hang, Some(LINE_COUNT_BAND))?;
    Some(LineCounts { nodes, ends, best })
}

/// The search: every node, the cheapest end node of each line count kept
/// (fewest lines first) and the index of the cheapest among them. `band`:
/// the line counts kept apart either side of the cheapest at each break, or
/// `None` to keep apart only the lines before `params.varying_lines`.
fn search(
    items: &[Item],
    measure: &dyn Fn(usize) -> f64,
    params: &Params,
    hang: Option<&Hang>,
    band: Option<usize>,
) -> Option<(Vec<Node>, Vec<usize>, usize)> {
    if items.is_empty() {
        return None;
    }
    // What of a node's line count its future depends on: its measures
    // (lines before `varying_lines`), and whether it is the first line (a
    // runt is a last line after others).
    let counted_from = params.varying_lines.max(1);
    let line_class = |line: usize| match band {
        Some(_) => line,
        None => line.min(counted_from),
    };
    let totals = Totals::new(items);
    let mut nodes: Vec<Node> = vec![Node {
        position: 0,
        after: 0,
        line: 0,
        fitness: 1,
        hyphens: 0,
        flagged: false,
        demerits: 0.0,
        ratio: 0.0,
        previous: None,
    }];
    let mut active: Vec<usize> = vec![0];
    let mut candidates: Vec<Node> = Vec::new();
    let last = items.len() - 1;

    for b in 0..items.len() {
        if !is_legal_break(items, b) {
            continue;
        }
        let (penalty_width, cost, flagged) = match items[b] {
            Item::Penalty {
                width,
                cost,
                flagged,
            } => (width, cost, flagged),
            _ => (0.0, 0.0, false),
        };
        if cost > params.max_penalty {
            continue;
        }
        let forced = cost <= -INFINITY;
        let is_final = b == last;
        candidates.clear();
        let mut still_active = Vec::with_capacity(active.len());
        for &a in &active {
            let node = nodes[a];
            let width = totals.width[b] - totals.width[node.after] + penalty_width;
            let available = measure(node.line) + hang.map_or(0.0, |h| h.of(node.after, b));
            let ratio = adjustment_ratio(&totals, node.after, b, width, available);
            if ratio < -1.0 || forced {
                // This node can start no later line: the text from it is already too long,
                // or a forced break ends every line that starts before it.
            } else {
                still_active.push(a);
            }
            if ratio < -1.0 || ratio > params.tolerance {
                continue;
            }
            let hyphens = if flagged { node.hyphens + 1 } else { 0 };
            if hyphens > params.max_consecutive_hyphens {
                continue;
            }
            let natural = totals.width[b] - totals.width[node.after];
            let (demerits, fitness) =
                line_demerits(params, &node, ratio, cost, flagged, is_final, natural);
            candidates.push(Node {
                position: b,
                after: line_start_after(items, b),
                line: node.line + 1,
                fitness,
                hyphens,
                flagged,
                demerits: node.demerits + demerits,
                ratio,
                previous: Some(a),
            });
        }
        let best = best_candidates(&candidates, &line_class, band);
        active = still_active;
        for node in best {
            nodes.push(node);
            active.push(nodes.len() - 1);
        }
        if active.is_empty() {
            return None;
        }
    }

    let (ends, best) = cheapest_ends(&nodes, &active, last)?;
    Some((nodes, ends, best))
}

/// How far a line from `after` to the break `b` must stretch (positive, in
/// units of its stretch) or shrink (negative) to fill `available`.
fn adjustment_ratio(totals: &Totals, after: usize, b: usize, width: f64, available: f64) -> f64 {
    if width < available {
        let stretch = totals.stretch[b] - totals.stretch[after];
        if stretch > 0.0 {
            (available - width) / stretch
        } else {
            INFINITY
        }
    } else if width > available {
        let shrink = totals.shrink[b] - totals.shrink[after];
        if shrink > 0.0 {
            (available - width) / shrink
        } else {
            -INFINITY
        }
    } else {
        0.0
    }
}

/// The demerits of a line after `node` at this `ratio` and break `cost`:
/// Knuth and Plass's, with the hyphen, fitness and runt penalties.
/// `natural` is the line's width without its stretch. With the line's
/// fitness class.
fn line_demerits(
    params: &Params,
    node: &Node,
    ratio: f64,
    cost: f64,
    flagged: bool,
    is_final: bool,
    natural: f64,
) -> (f64, u8) {
    let badness = 100.0 * ratio.abs().powi(3);
    let base = params.line_penalty + badness;
    let mut demerits = if cost >= 0.0 {
        base * base + cost * cost
    } else if cost > -INFINITY {
        base * base - cost * cost
    } else {
        base * base
    };
    if flagged && node.flagged {
        demerits += params.double_hyphen_demerits;
    }
    if is_final && node.flagged {
        demerits += params.final_hyphen_demerits;
    }
    let fitness = fitness_class(ratio);
    if fitness.abs_diff(node.fitness) > 1 {
        demerits += params.fitness_demerits;
    }
    if is_final && params.runt_width > 0.0 {
        // The last line's natural width, without the paragraph-filling glue.
        if natural < params.runt_width && node.line > 0 {
            demerits += params.runt_demerits;
        }
    }
    (demerits, fitness)
}

/// The best candidate per (fitness class, hyphen run, line count as far as
/// it matters): the other states can never lead to a better paragraph (of
/// that many lines). With a `band`, only line counts that near the cheapest.
fn best_candidates(
    candidates: &[Node],
    line_class: &dyn Fn(usize) -> usize,
    band: Option<usize>,
) -> Vec<Node> {
    let mut best: Vec<Node> = Vec::new();
    for c in candidates {
        match best.iter_mut().find(|b| {
            b.fitness == c.fitness
                && b.hyphens == c.hyphens
                && line_class(b.line) == line_class(c.line)
        }) {
            Some(existing) if existing.demerits <= c.demerits => {}
            Some(existing) => *existing = *c,
            None => best.push(*c),
        }
    }
    if let Some(band) = band
        && let Some(cheapest) = best
            .iter()
            .min_by(|a, b| a.demerits.total_cmp(&b.demerits))
            .map(|n| n.line)
    {
        best.retain(|n| n.line.abs_diff(cheapest) <= band);
    }
    best
}

/// The active nodes at the paragraph's end, the cheapest of each line
/// count, fewest lines first, and the index of the cheapest of all.
fn cheapest_ends(nodes: &[Node], active: &[usize], last: usize) -> Option<(Vec<usize>, usize)> {
    let mut ends: Vec<usize> = Vec::new();
    for &i in active.iter().filter(|&&i| nodes[i].position == last) {
        match ends.iter_mut().find(|e| nodes[**e].line == nodes[i].line) {
            Some(e) if nodes[*e].demerits <= nodes[i].demerits => {}
            Some(e) => *e = i,
            None => ends.push(i),
        }
    }
    if ends.is_empty() {
        return None;
    }
    ends.sort_by_key(|&e| nodes[e].line);
    let best = (0..ends.len())
        .min_by(|&a, &b| nodes[ends[a]].demerits.total_cmp(&nodes[ends[b]].demerits))
        .unwrap_or(0);
    Some((ends, best))
}

fn collect(nodes: &[Node], mut at: usize) -> Vec<Break> {
    let mut breaks = Vec::new();
    while let Some(previous) = nodes[at].previous {
        breaks.push(Break {
            position: nodes[at].position,
            ratio: nodes[at].ratio,
            hyphenated: nodes[at].flagged,
        });
        at = previous;
    }
    breaks.reverse();
    breaks
}

/// First fit: each line takes as much as fits at full shrink. Fast, for drafts,
/// and the last resort when no optimum exists (a box wider than the measure).
pub fn first_fit(items: &[Item], measure: &dyn Fn(usize) -> f64) -> Vec<Break> {
    let totals = Totals::new(items);
    let mut breaks = Vec::new();
    let mut start = 0;
    let mut last_legal: Option<usize> = None;
    let mut b = 0;
    let line_end = |start: usize, at: usize, line: usize| -> Break {
        let penalty_width = match items[at] {
            Item::Penalty { width, .. } => width,
            _ => 0.0,
        };
        let width = totals.width[at] - totals.width[start] + penalty_width;
        let stretch = totals.stretch[at] - totals.stretch[start];
        let shrink = totals.shrink[at] - totals.shrink[start];
        let available = measure(line);
        let ratio = if width < available && stretch > 0.0 {
            ((available - width) / stretch).min(INFINITY)
        } else if width > available && shrink > 0.0 {
            ((available - width) / shrink).max(-1.0)
        } else {
            0.0
        };
        Break {
            position: at,
            ratio,
            hyphenated: matches!(items[at], Item::Penalty { flagged: true, .. }),
        }
    };
    while b < items.len() {
        if !is_legal_break(items, b) {
            b += 1;
            continue;
        }
        let penalty_width = match items[b] {
            Item::Penalty { width, .. } => width,
            _ => 0.0,
        };
        let forced = matches!(items[b], Item::Penalty { cost, .. } if cost <= -INFINITY);
        let width = totals.width[b] - totals.width[start] + penalty_width;
        let shrink = totals.shrink[b] - totals.shrink[start];
        let fits = width - shrink <= measure(breaks.len()) + 1e-9;
        let at = match (fits, last_legal) {
            (true, _) if !forced => {
                last_legal = Some(b);
                b += 1;
                continue;
            }
            (false, Some(previous)) => previous,
            _ => b,
        };
        breaks.push(line_end(start, at, breaks.len()));
        start = line_start_after(items, at);
        last_legal = None;
        b = at + 1;
    }
    breaks
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The optimum setting, without hanging punctuation.
    fn optimum_fit(
        items: &[Item],
        measure: &dyn Fn(usize) -> f64,
        params: &Params,
    ) -> Option<Vec<Break>> {
        fits(items, measure, params, None).map(|f| f.best())
    }

    /// Words of the given widths separated by spaces of width 3 (stretch 1.5, shrink 1),
    /// ending with the usual paragraph fill.
    fn paragraph(words: &[f64]) -> Vec<Item> {
        let mut items = Vec::new();
        for (i, &w) in words.iter().enumerate() {
            if i > 0 {
                items.push(Item::Glue {
                    width: 3.0,
                    stretch: 1.5,
                    shrink: 1.0,
                });
            }
            items.push(Item::Box { width: w });
        }
        items.push(Item::Penalty {
            width: 0.0,
            cost: INFINITY,
            flagged: false,
        });
        items.push(Item::Glue {
            width: 0.0,
            stretch: 1e6,
            shrink: 0.0,
        });
        items.push(Item::Penalty {
            width: 0.0,
            cost: -INFINITY,
            flagged: false,
        });
        items
    }

    fn line_widths(items: &[Item], breaks: &[Break]) -> Vec<f64> {
        let mut start = 0;
        let mut out = Vec::new();
        for b in breaks {
            let mut w = 0.0;
            for item in &items[start..b.position] {
                match item {
                    Item::Box { width } => w += width,
                    Item::Glue { width, .. } => w += width,
                    _ => {}
                }
            }
            out.push(w);
            start = line_start_after(items, b.position);
        }
        out
    }

    #[test]
    fn optimum_fit_balances_lines_where_first_fit_does_not() {
        // Classic case: first fit leaves one very loose line; optimum fit spreads the slack.
        let words = [20.0, 20.0, 20.0, 9.0, 20.0, 20.0, 20.0, 20.0, 5.0];
        let items = paragraph(&words);
        let measure = |_| 72.0;
        let params = Params {
            tolerance: 10.0,
            ..Params::default()
        };
        let optimum = optimum_fit(&items, &measure, &params).unwrap();
        let first = first_fit(&items, &measure);
        let worst = |b: &[Break]| {
            b[..b.len() - 1]
                .iter()
                .map(|x| x.ratio.abs())
                .fold(0.0, f64::max)
        };
        assert!(worst(&optimum) <= worst(&first), "{optimum:?} vs {first:?}");
        for w in line_widths(&items, &optimum) {
            assert!(w - 3.0 * 3.0 <= 72.0, "no line is overfull at full shrink");
        }
    }

    #[test]
    fn infeasible_within_tolerance_returns_none() {
        // Two words that cannot share a line of 40 and leave a line nearly empty.
        let items = paragraph(&[30.0, 30.0]);
        let tight = Params {
            tolerance: 1.0,
            ..Params::default()
        };
        assert!(optimum_fit(&items, &|_| 40.0, &tight).is_none());
        assert!(optimum_fit(&items, &|_| 63.0, &tight).is_some());
    }

    #[test]
    fn at_most_two_hyphens_in_a_row_when_looser_lines_are_possible() {
        // Every word can be hyphenated and the measure forces a hyphen on each line
        // unless the limit intervenes.
        let mut items = Vec::new();
        for i in 0..12 {
            if i > 0 {
                items.push(Item::Glue {
                    width: 3.0,
                    stretch: 1.5,
                    shrink: 1.0,
                });
            }
            items.push(Item::Box { width: 10.0 });
            items.push(Item::Penalty {
                width: 2.0,
                cost: 50.0,
                flagged: true,
            });
            items.push(Item::Box { width: 10.0 });
        }
        items.push(Item::Glue {
            width: 0.0,
            stretch: 1e6,
            shrink: 0.0,
        });
        items.push(Item::Penalty {
            width: 0.0,
            cost: -INFINITY,
            flagged: false,
        });
        let params = Params {
            tolerance: 20.0,
            ..Params::default()
        };
        let breaks = optimum_fit(&items, &|_| 45.0, &params).unwrap();
        let mut run = 0;
        for b in &breaks {
            run = if b.hyphenated { run + 1 } else { 0 };
            assert!(run <= 2, "{breaks:?}");
        }
        let n = breaks.len();
        assert!(!breaks[n - 2].hyphenated, "no hyphen before the last line");
    }

    #[test]
    fn first_fit_breaks_an_overlong_box_alone() {
        let items = paragraph(&[10.0, 500.0, 10.0]);
        let breaks = first_fit(&items, &|_| 100.0);
        assert_eq!(breaks.len(), 3, "{breaks:?}");
        assert!(optimum_fit(&items, &|_| 100.0, &Params::default()).is_none());
    }

    #[test]
    fn looseness_finds_settings_a_line_longer_and_shorter() {
        // 54 words of 5 with spaces of 3: a line of 100 holds 11 to 14 of
        // them within the tolerance, so 4, 5 or 6 lines are possible.
        let items = paragraph(&[5.0; 54]);
        let params = Params {
            tolerance: 2.0,
            ..Params::default()
        };
        let fits = fits_by_line_count(&items, &|_| 100.0, &params, None).unwrap();
        let best = fits.best().len() as i32;
        assert!((4..=6).contains(&best), "{best}");
        for delta in [-2, -1, 1, 2] {
            let lines = best + delta;
            match fits.with_looseness(delta) {
                Some((breaks, extra)) => {
                    assert_eq!(breaks.len() as i32, lines);
                    assert!(extra >= 0.0, "the optimum is the cheapest");
                }
                None => assert!(!(4..=6).contains(&lines), "{lines} lines are possible"),
            }
        }
        assert!(fits.with_looseness(-3).is_none());
    }

    /// A paragraph of `words` pseudo-random words (widths 4 to 40, a
    /// hyphenation point in the longer ones), the same for the same seed.
    fn random_paragraph(words: usize, seed: u64) -> Vec<Item> {
        let mut state = seed;
        let mut next = move |n: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % n
        };
        let mut items = Vec::new();
        for i in 0..words {
            if i > 0 {
                items.push(Item::Glue {
                    width: 3.0,
                    stretch: 1.5,
                    shrink: 1.0,
                });
            }
            let width = 4.0 + next(37) as f64;
            if width > 20.0 && next(2) == 0 {
                let first = (width / 2.0).floor();
                items.push(Item::Box { width: first });
                items.push(Item::Penalty {
                    width: 2.0,
                    cost: 200.0,
                    flagged: true,
                });
                items.push(Item::Box {
                    width: width - first,
                });
            } else {
                items.push(Item::Box { width });
            }
        }
        items.extend_from_slice(&paragraph(&[5.0])[1..]);
        items
    }

    /// Merging the line counts at each break (and, for looseness, keeping
    /// only those near the cheapest) finds the same settings as keeping every
    /// line count apart, with a drop cap's narrower first lines too.
    #[test]
    fn merged_line_counts_find_the_same_settings() {
        for seed in 0..40 {
            let items = random_paragraph(40 + seed as usize * 25, seed);
            let measure = |line: usize| if line < 3 { 120.0 } else { 150.0 };
            let params = Params {
                tolerance: 2.0,
                runt_width: 20.0,
                varying_lines: 3,
                ..Params::default()
            };
            let every = search(&items, &measure, &params, None, Some(usize::MAX));
            let merged = fits(&items, &measure, &params, None);
            let banded = fits_by_line_count(&items, &measure, &params, None);
            let Some((nodes, ends, best)) = every else {
                assert!(merged.is_none() && banded.is_none());
                continue;
            };
            let every = LineCounts { nodes, ends, best };
            let (merged, banded) = (merged.unwrap(), banded.unwrap());
            assert_eq!(merged.best(), every.best(), "seed {seed}");
            assert_eq!(banded.best(), every.best(), "seed {seed}");
            for delta in [-1, 1] {
                assert_eq!(
                    banded.with_looseness(delta),
                    every.with_looseness(delta),
                    "seed {seed}, looseness {delta}"
                );
            }
        }
    }

    #[test]
    fn a_final_hyphen_is_a_cost_not_a_ban() {
        // The second-to-last line can end at the hyphen, or run very loose.
        let mut items = paragraph(&[30.0, 17.0]);
        items.truncate(3);
        items.extend([
            Item::Glue {
                width: 3.0,
                stretch: 1.5,
                shrink: 1.0,
            },
            Item::Box { width: 20.0 },
            Item::Penalty {
                width: 2.0,
                cost: 50.0,
                flagged: true,
            },
            Item::Box { width: 30.0 },
        ]);
        items.extend_from_slice(&paragraph(&[5.0])[1..]);
        let loose = Params {
            tolerance: 50.0,
            ..Params::default()
        };
        let breaks = optimum_fit(&items, &|_| 75.0, &loose).unwrap();
        assert!(breaks[0].hyphenated, "{breaks:?}");
        // Refused outright when its cost is above what the attempt allows.
        let strict = Params {
            max_penalty: 10.0,
            ..loose
        };
        let breaks = optimum_fit(&items, &|_| 75.0, &strict).unwrap();
        assert!(!breaks[0].hyphenated, "{breaks:?}");
    }

    #[test]
    fn hanging_punctuation_widens_a_line() {
        // Three words (86 at full shrink) do not fit 85: the first line is two, very loose...
        let items = paragraph(&[20.0, 20.0, 42.0, 10.0]);
        let params = Params {
            tolerance: 50.0,
            ..Params::default()
        };
        let plain = optimum_fit(&items, &|_| 85.0, &params).unwrap();
        assert_eq!(plain[0].position, 3, "{plain:?}");
        // ...unless the third word's last glyph may hang 1.5 into the margin.
        let mut hang = Hang {
            start: vec![0.0; items.len()],
            end: vec![0.0; items.len()],
        };
        hang.end[5] = 1.5;
        let hung = fits(&items, &|_| 85.0, &params, Some(&hang))
            .unwrap()
            .best();
        assert_eq!(hung[0].position, 5, "{hung:?}");
    }
}
