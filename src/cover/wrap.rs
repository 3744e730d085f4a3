//! Breaking cover text into centred lines: the fewest lines that fit the
//! measure, and among those the most even (a title should not leave one word
//! alone on its last line). Words are measured once with the shaper; each
//! chosen line is then shaped whole, so kerning across spaces counts.

use std::ops::Range;

use super::text::{CoverFont, ShapedLine, shape};

/// Text to be set in one face, split into words and measured in font units.
pub struct Paragraph<'f, 'a> {
    pub font: &'f CoverFont<'a>,
    /// Letter spacing in ems (see [`shape`]).
    pub tracking: f32,
    words: Vec<String>,
    /// Advance of each word, in font units.
    widths: Vec<f32>,
    space: f32,
}

impl<'f, 'a> Paragraph<'f, 'a> {
    /// Splits `text` at breakable whitespace (any run of it counts as one
    /// space); no-break spaces hold words together.
    pub fn new(font: &'f CoverFont<'a>, text: &str, tracking: f32) -> Paragraph<'f, 'a> {
        let words = break_units(text);
        let widths = words
            .iter()
            .map(|w| shape(font, w, tracking).advance)
            .collect();
        // A space between tracked words also carries the tracking on both sides.
        let space = shape(font, "n n", tracking).advance - 2.0 * shape(font, "n", tracking).advance;
        Paragraph {
            font,
            tracking,
            words,
            widths,
            space: space.max(0.0),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The whole text on one line, with whitespace made single spaces.
    pub fn text(&self) -> String {
        self.words.join(" ")
    }

    /// The text broken into lines no wider than `measure` px at `size` px per
    /// em (a single word wider than the measure gets a line to itself; the
    /// caller sees it in [`widest`] and sets the text smaller).
    pub fn lines(&self, size: f32, measure: f32) -> Vec<ShapedLine> {
        let measure_units = measure / self.font.scale(size);
        balanced_breaks(&self.widths, self.space, measure_units)
            .into_iter()
            .map(|range| shape(self.font, &self.words[range].join(" "), self.tracking))
            .collect()
    }
}

/// Spaces that do not break a line: no-break, narrow no-break, figure.
fn is_no_break_space(c: char) -> bool {
    matches!(c, '\u{a0}' | '\u{202f}' | '\u{2007}')
}

/// The pieces a line may break between. A dash standing alone stays at the
/// end of the line before it, so no line starts with "— and".
fn break_units(text: &str) -> Vec<String> {
    let mut units: Vec<String> = Vec::new();
    let pieces = text
        .split(|c: char| c.is_whitespace() && !is_no_break_space(c))
        .filter(|piece| !piece.is_empty());
    for piece in pieces {
        let is_dash = piece.chars().all(|c| matches!(c, '—' | '–' | '-'));
        match units.last_mut() {
            Some(previous) if is_dash => {
                previous.push(' ');
                previous.push_str(piece);
            }
            _ => units.push(piece.to_string()),
        }
    }
    units
}

/// The widest of `lines` in pixels at `size`.
pub fn widest(lines: &[ShapedLine], font: &CoverFont, size: f32) -> f32 {
    lines
        .iter()
        .map(|line| line.width(font, size))
        .fold(0.0, f32::max)
}

/// Word ranges, one per line: as few lines as fit in `measure`, then the
/// smallest sum of squared slack (dynamic programming over break points).
pub fn balanced_breaks(widths: &[f32], space: f32, measure: f32) -> Vec<Range<usize>> {
    #[derive(Clone, Copy)]
    struct Best {
        lines: usize,
        badness: f64,
        from: usize,
    }
    let count = widths.len();
    if count == 0 {
        return Vec::new();
    }
    // starts[i]: where word i begins on one long line, so a run's width is a difference.
    let mut starts = Vec::with_capacity(count + 1);
    let mut x = 0.0f64;
    for &w in widths {
        starts.push(x);
        x += f64::from(w) + f64::from(space);
    }
    starts.push(x);
    let run_width = |from: usize, to: usize| starts[to] - starts[from] - f64::from(space);

    let mut best: Vec<Option<Best>> = vec![None; count + 1];
    best[0] = Some(Best {
        lines: 0,
        badness: 0.0,
        from: 0,
    });
    for to in 1..=count {
        for from in (0..to).rev() {
            let width = run_width(from, to);
            // A word too wide on its own still gets its line; more words do not fit.
            if width > f64::from(measure) && to - from > 1 {
                break;
            }
            let Some(before) = best[from] else { continue };
            let slack = (f64::from(measure) - width).max(0.0);
            let candidate = Best {
                lines: before.lines + 1,
                badness: before.badness + slack * slack,
                from,
            };
            let better = best[to].is_none_or(|current| {
                (candidate.lines, candidate.badness) < (current.lines, current.badness)
            });
            if better {
                best[to] = Some(candidate);
            }
        }
    }
    let mut ranges = Vec::new();
    let mut to = count;
    while to > 0 {
        // Every prefix is reachable: one word per line always is.
        let Some(step) = best[to] else { break };
        ranges.push(step.from..to);
        to = step.from;
    }
    ranges.reverse();
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(widths: &[f32], measure: f32) -> Vec<Range<usize>> {
        balanced_breaks(widths, 1.0, measure)
    }

    #[test]
    fn breaks_at_spaces_but_not_no_break_spaces_or_before_dashes() {
        assert_eq!(
            break_units("  “Quoted” — and\tDashed\u{a0}Words  "),
            ["“Quoted” —", "and", "Dashed\u{a0}Words"]
        );
        assert_eq!(break_units("— first"), ["—", "first"]);
        assert!(break_units(" \n ").is_empty());
    }

    #[test]
    fn everything_on_one_line_when_it_fits() {
        assert_eq!(
            lines_of(&[3.0, 3.0, 3.0], 11.0),
            vec![Range { start: 0, end: 3 }]
        );
        assert!(lines_of(&[], 10.0).is_empty());
    }

    #[test]
    fn balances_instead_of_filling_greedily() {
        // Greedy would give [0..3, 3..4] (11 + 3); balanced gives 7 and 7.
        assert_eq!(lines_of(&[3.0, 3.0, 3.0, 3.0], 11.0), [0..2, 2..4]);
    }

    #[test]
    fn keeps_the_fewest_lines() {
        // Three lines would be more even, but two fit.
        assert_eq!(lines_of(&[5.0, 1.0, 5.0, 1.0], 8.0).len(), 2);
    }

    #[test]
    fn an_overwide_word_gets_its_own_line() {
        assert_eq!(lines_of(&[2.0, 20.0, 2.0], 10.0), [0..1, 1..2, 2..3]);
    }

    #[test]
    fn lines_never_exceed_the_measure_unless_one_word_does() {
        let widths: Vec<f32> = (0..40).map(|i| 1.0 + (i * 7 % 5) as f32).collect();
        for measure in [6.0, 9.0, 13.0, 30.0] {
            let ranges = lines_of(&widths, measure);
            assert_eq!(ranges.first().map(|r| r.start), Some(0));
            assert_eq!(ranges.last().map(|r| r.end), Some(widths.len()));
            for r in &ranges {
                let width: f32 = widths[r.clone()].iter().sum::<f32>() + (r.len() - 1) as f32;
                assert!(
                    width <= measure || r.len() == 1,
                    "{r:?} {width} > {measure}"
                );
            }
        }
    }
}
