//! Lines: the items broken into lines (Knuth–Plass at rising tolerances,
//! balanced or a line looser or tighter when asked) and each line's glyphs
//! placed in runs, in visual order for right-to-left phrases.

use super::*;
use crate::layout::frame::{Glyphs, RunText};

/// The width of each line of a paragraph: narrower beside a drop cap.
fn line_measure(para: &ParaStyle) -> impl Fn(usize) -> f64 {
    let measure = para.measure.0;
    let (wrapped, inset) = (para.wrap.0 as usize, para.wrap.1.0);
    move |line: usize| {
        if line < wrapped {
            measure - inset
        } else {
            measure
        }
    }
}

/// Line breaking's settings for a justified paragraph at a tolerance.
fn break_params(para: &ParaStyle, tolerance: f64) -> Params {
    Params {
        tolerance,
        // Names are hyphenated only where a very loose line is the alternative.
        max_penalty: if tolerance <= 2.0 {
            HYPHEN_PENALTY
        } else {
            INFINITY
        },
        runt_width: para.measure.0 * 0.15,
        varying_lines: para.wrap.0 as usize,
        ..Params::default()
    }
}

/// A paragraph's last line so short it reads as a word left alone (under
/// 15 % of the measure).
pub fn is_runt(lines: &[Line], para: &ParaStyle) -> bool {
    lines.len() > 1
        && lines
            .last()
            .is_some_and(|l| l.width.0 < para.measure.0 * 0.15)
}

/// The tolerances tried in turn: a loose line is better than an overfull one.
const TOLERANCE: [f64; 4] = [1.5, 2.0, 4.0, 50.0];

/// The order in which a line's items are placed, left to right: Unicode's
/// bidi algorithm's (UAX #9, rule L2) on the embedding levels `unicode-bidi`
/// resolved for the paragraph, each box at its piece's level (a word was
/// split where its level changes, and each part shaped in its direction):
/// from the highest level down to the lowest odd one, every run of items at
/// that level or above is reversed. A space or penalty takes the lower level
/// of the boxes either side of it (a space between two right-to-left words
/// is theirs, one between a left-to-right and a right-to-left word the
/// paragraph's). `None` when every piece is at level 0 (placed as written).
fn visual_order(items: &[Item], pieces: &[Option<Piece>]) -> Option<Vec<usize>> {
    if !pieces.iter().flatten().any(|p| p.level > 0) {
        return None;
    }
    let n = items.len();
    let box_level = |i: usize| pieces[i].as_ref().map(|p| p.level);
    let mut before = vec![None; n];
    let mut last = None;
    for (i, slot) in before.iter_mut().enumerate() {
        *slot = last;
        last = box_level(i).or(last);
    }
    let mut levels = vec![0u8; n];
    let mut next = None;
    for i in (0..n).rev() {
        levels[i] = box_level(i).unwrap_or_else(|| match (before[i], next) {
            (Some(a), Some(b)) => a.min(b),
            _ => 0,
        });
        next = box_level(i).or(next);
    }
    let highest = levels.iter().copied().max().unwrap_or(0);
    let lowest_odd = levels
        .iter()
        .copied()
        .filter(|l| l % 2 == 1)
        .min()
        .unwrap_or(1);
    let mut order: Vec<(usize, u8)> = levels.into_iter().enumerate().collect();
    for level in (lowest_odd..=highest).rev() {
        let mut i = 0;
        while i < n {
            if order[i].1 < level {
                i += 1;
                continue;
            }
            let start = i;
            while i < n && order[i].1 >= level {
                i += 1;
            }
            order[start..i].reverse();
        }
    }
    Some(order.into_iter().map(|(i, _)| i).collect())
}

/// What a piece's glyphs are to a reader: a note reference, a link's words,
/// a passage in another language, or the block's text.
fn role_of(piece: &Piece) -> RunRole {
    match (piece.note, piece.link, piece.lang) {
        (Some(note), _, _) => RunRole::NoteRef(note),
        (None, Some(link), _) => RunRole::Link(link),
        (None, None, Some(lang)) => RunRole::Language(lang),
        (None, None, None) => RunRole::Text,
    }
}

/// Adds a box's glyphs at `x` (line-relative), merging into the last run when
/// face, size and rise match; a glyph from a fallback face starts a run of its own.
/// Places a box's glyphs from `x`, `spacing` apart beyond their advances
/// (letter-spacing a justified line takes up).
/// `room`: the glyphs the rest of the line will add, at most (a new run is
/// made with room for them).
pub(super) fn push_glyphs(
    runs: &mut Vec<LineRun>,
    piece: &Piece,
    x: f64,
    spacing: f64,
    room: usize,
) {
    let upem_scale = piece.size.0 / piece.word().units_per_em as f64;
    let glyphs = &piece.word().glyphs[piece.glyphs.clone()];
    let last = piece.word().glyphs.len().saturating_sub(1);
    let face_of = |g: &crate::layout::shape::Glyph| {
        if piece.word().fell_back.is_empty() {
            piece.style
        } else {
            g.face
        }
    };
    let role = role_of(piece);
    let mut previous_cluster = None;
    let mut pen = x;
    // The glyphs go in runs of one face and slant (most pieces are one): the
    // run's glyphs and text are taken for writing once a run, not once a
    // glyph (each take checks the shared list's count, an atomic operation).
    let mut from = 0;
    while from < glyphs.len() {
        let (face, slant) = (face_of(&glyphs[from]), glyphs[from].slant);
        let to = from
            + glyphs[from..]
                .iter()
                .take_while(|g| face_of(g) == face && g.slant == slant)
                .count();
        let same = runs.last().is_some_and(|r| {
            r.style == face
                && r.size == piece.size
                && r.rise == piece.rise
                && r.strike == piece.strike
                && r.role == role
                && r.slant == slant
        });
        if !same {
            runs.push(LineRun {
                hidden: false,
                style: face,
                size: piece.size,
                rise: piece.rise,
                strike: piece.strike,
                x: Pt(pen),
                glyphs: Glyphs::with_capacity(room),
                text: RunText::with_capacity(room + room / 8),
                role,
                slant,
            });
        }
        let run = runs.last_mut().expect("a run was just pushed");
        let run_x = run.x.0;
        let run_glyphs = run.glyphs.writable();
        let run_text = run.text.writable();
        for (index, g) in (piece.glyphs.start + from..).zip(&glyphs[from..to]) {
            // A glyph shows its cluster's text: up to the next cluster start in
            // logical order (right-to-left words have their clusters reversed);
            // the second glyph of a cluster shows nothing more.
            let cluster_start = g.cluster as usize;
            let shown = if previous_cluster == Some(g.cluster) {
                ""
            } else {
                let cluster_end = piece
                    .word()
                    .cluster_end(g.cluster)
                    .map_or(piece.text().len(), |c| c as usize);
                piece.text().get(cluster_start..cluster_end).unwrap_or("")
            };
            previous_cluster = Some(g.cluster);
            let text_start = run_text.len() as u32;
            if piece.word().rtl && shown.chars().nth(1).is_some() {
                // Readers turn right-to-left text back into logical order
                // character by character, a ligature's characters included: give
                // them in visual order so they come out right (لا, not ال).
                run_text.extend(shown.chars().rev());
            } else {
                run_text.push_str(shown);
            }
            run_glyphs.push(PlacedGlyph {
                id: g.id,
                x: Pt(pen - run_x + g.x_offset as f64 * upem_scale),
                advance: Pt(g.advance as f64 * upem_scale),
                text_start,
                text_len: shown.len() as u16,
            });
            pen += g.advance as f64 * upem_scale + spacing;
            if index < last {
                pen += piece.tracking;
            }
        }
        from = to;
    }
}

/// The glyphs a line's items will place: its words', a space glyph per word
/// space, and the space or hyphen that may end it.
fn glyph_room(items: &[Item], pieces: &[Option<Piece>]) -> usize {
    let placed: usize = items
        .iter()
        .zip(pieces)
        .map(|(item, piece)| match (item, piece) {
            (Item::Box { .. }, Some(piece)) => piece.glyphs.len(),
            (Item::Glue { width, .. }, _) if *width > 0.0 => 1,
            _ => 0,
        })
        .sum();
    placed + 1
}

/// The share of a justified line's stretch its word spaces take: what the
/// letters (`spacing_of` each piece's) do not.
fn space_ratio(
    items: &[Item],
    pieces: &[Option<Piece>],
    ratio: f64,
    spacing_of: impl Fn(&Piece) -> f64,
) -> f64 {
    let stretched = ratio > 0.0;
    if !stretched {
        return ratio;
    }
    let (mut letters, mut taken, mut spaces) = (0.0, 0.0, 0.0);
    for (i, item) in items.iter().enumerate() {
        if let Item::Glue { stretch, .. } = *item {
            if is_letter_glue(item) {
                // The glue stands just before the box it tracks.
                letters += stretch;
                if let Some(Some(piece)) = pieces.get(i + 1) {
                    taken += spacing_of(piece) * piece.glyphs.len().saturating_sub(1) as f64;
                }
            } else if stretch < 1e4 {
                spaces += stretch;
            }
        }
    }
    if spaces > 0.0 {
        (ratio * (letters + spaces) - taken) / spaces
    } else {
        ratio
    }
}

impl Setter<'_, '_> {
    pub(super) fn balance(&mut self, segs: &[Segment<'_>], para: &ParaStyle) -> Vec<Line> {
        let full = self.set_segments(segs, para);
        if full.len() < 2 {
            return full;
        }
        let (mut low, mut high) = (Pt::ZERO, para.measure);
        let mut best = full;
        for _ in 0..14 {
            let middle = (low + high) / 2.0;
            let narrower = ParaStyle {
                measure: middle,
                ..*para
            };
            let lines = self.set_segments(segs, &narrower);
            if lines.len() <= best.len() && lines.iter().all(|l| !l.overfull) {
                high = middle;
                best = lines;
            } else {
                low = middle;
            }
        }
        for line in &mut best {
            line.x = match para.align {
                Align::Center => ((para.measure - line.width) / 2.0).max(Pt::ZERO),
                Align::Right => (para.measure - line.width).max(Pt::ZERO),
                _ => line.x,
            };
        }
        best
    }

    /// Sets segments in their best setting.
    pub(super) fn set_segments(&mut self, segs: &[Segment<'_>], para: &ParaStyle) -> Vec<Line> {
        let (mut items, mut pieces) = self.items(segs, para);
        if items.len() <= 3 {
            return Vec::new();
        }
        let measure = para.measure.0;
        let measure_fn = line_measure(para);
        if para.draft || para.align != Align::Justify {
            self.split_overlong(&mut items, &mut pieces, measure);
            let breaks = linebreak::first_fit(&items, &measure_fn);
            return self.lines(&items, &pieces, &breaks, para, &Hang::default());
        }
        let attempt = |items: &[Item], hang: &Hang, tolerances: &[f64]| {
            tolerances.iter().find_map(|&tolerance| {
                linebreak::fits(
                    items,
                    &measure_fn,
                    &break_params(para, tolerance),
                    Some(hang),
                )
            })
        };
        let mut hang = self.hang(&items, &pieces);
        // Looser and looser: a loose line is better than an overfull one.
        let breaks = match attempt(&items, &hang, &TOLERANCE) {
            Some(fits) => fits.best(),
            None => {
                // Some word is wider than the measure: break it between letters, and say so.
                self.split_overlong(&mut items, &mut pieces, measure);
                hang = self.hang(&items, &pieces);
                attempt(&items, &hang, &[50.0])
                    .map(|fits| fits.best())
                    .unwrap_or_else(|| linebreak::first_fit(&items, &measure_fn))
            }
        };
        self.lines(&items, &pieces, &breaks, para, &hang)
    }

    /// Sets segments a line longer and a line shorter than their best
    /// setting, from one search: each setting that can be made within the
    /// normal tolerance, with its looseness (+1, −1) and the demerits it adds.
    pub(super) fn set_segments_loose(
        &mut self,
        segs: &[Segment<'_>],
        para: &ParaStyle,
    ) -> Loosened {
        let (items, pieces) = self.items(segs, para);
        if items.len() <= 3 || para.draft || para.align != Align::Justify {
            return Vec::new();
        }
        let hang = self.hang(&items, &pieces);
        // A paragraph reshaped for the page keeps the normal tolerance.
        let Some(fits) = linebreak::fits_by_line_count(
            &items,
            &line_measure(para),
            &break_params(para, TOLERANCE[0]),
            Some(&hang),
        ) else {
            return Vec::new();
        };
        [1, -1]
            .into_iter()
            .filter_map(|looseness| {
                let (breaks, extra) = fits.with_looseness(looseness)?;
                let lines = self.lines(&items, &pieces, &breaks, para, &hang);
                Some((looseness, lines, extra))
            })
            .collect()
    }

    /// How far each possible line may hang into the margins: the conventional
    /// share of a final hyphen, period, comma, dash or quote on the right and
    /// of an opening quote on the left (microtype's and Typst's practice), so
    /// the justified edges look straight.
    fn hang(&self, items: &[Item], pieces: &[Option<Piece>]) -> Hang {
        let mut hang = Hang {
            start: vec![0.0; items.len()],
            end: vec![0.0; items.len()],
        };
        // How far the box at `i` hangs out past its first or last glyph.
        let edge = |i: usize, last: bool, share: fn(char) -> f64| -> f64 {
            match pieces.get(i).and_then(Option::as_ref) {
                // The whole word (most pieces): its hang was found once.
                Some(piece)
                    if piece.glyphs.start == 0 && piece.glyphs.end == piece.source.glyph_count =>
                {
                    let scale = piece.size.0 / piece.source.units_per_em as f64;
                    piece.source.hang_units[usize::from(last)] * scale
                }
                Some(piece) if !piece.word().rtl && !piece.glyphs.is_empty() => {
                    let at = if last {
                        piece.glyphs.end - 1
                    } else {
                        piece.glyphs.start
                    };
                    let glyph = piece.word().glyphs[at];
                    let c = piece.text()[glyph.cluster as usize..].chars().next();
                    let scale = piece.size.0 / piece.word().units_per_em as f64;
                    c.map_or(0.0, |c| share(c) * glyph.advance as f64 * scale)
                }
                _ => 0.0,
            }
        };
        let right_of = |i: usize| edge(i, true, right_hang);
        for (i, item) in items.iter().enumerate() {
            match *item {
                Item::Box { .. } => hang.start[i] = edge(i, false, left_hang),
                Item::Glue { .. } if i > 0 => hang.end[i] = right_of(i - 1),
                Item::Penalty { cost, .. } if cost <= -INFINITY => {}
                Item::Penalty { width, .. } if width > 0.0 => hang.end[i] = width * right_hang('-'),
                Item::Penalty { .. } if i > 0 => hang.end[i] = right_of(i - 1),
                _ => {}
            }
        }
        hang
    }

    pub(super) fn lines(
        &mut self,
        items: &[Item],
        pieces: &[Option<Piece>],
        breaks: &[Break],
        para: &ParaStyle,
        hang: &Hang,
    ) -> Vec<Line> {
        let mut lines = Vec::with_capacity(breaks.len());
        let mut start = 0;
        let last_break = breaks.len().saturating_sub(1);
        for (n, b) in breaks.iter().enumerate() {
            let is_last = n == last_break;
            let mut line = self.line(
                &items[start..b.position],
                &pieces[start..b.position],
                b,
                para,
                is_last,
            );
            match items.get(b.position) {
                Some(Item::Penalty { width, .. }) if *width > 0.0 => self.append_hyphen(&mut line),
                // A break at a word space, or a hard line break inside the paragraph.
                Some(Item::Glue { width, .. }) if *width > 0.0 && !is_last => {
                    self.end_with_space(&mut line)
                }
                Some(Item::Penalty { cost, .. }) if *cost <= -INFINITY && !is_last => {
                    self.end_with_space(&mut line)
                }
                _ => {}
            }
            // A justified line hangs its edge punctuation into the margins; the
            // glyphs themselves stay inside the measure.
            let left = hang.start.get(start).copied().unwrap_or(0.0);
            let right = if is_last {
                0.0
            } else {
                hang.end.get(b.position).copied().unwrap_or(0.0)
            };
            if para.align == Align::Justify {
                line.x = Pt(-left);
            }
            let mut measure = para.measure.0;
            if n < para.wrap.0 as usize {
                line.x += para.wrap.1;
                measure -= para.wrap.1.0;
            }
            line.overfull = line.width.0 > measure + left + right + 0.01;
            lines.push(line);
            start = b.position + 1;
            while start < items.len() && !matches!(items[start], Item::Box { .. }) {
                if matches!(items[start], Item::Penalty { cost, .. } if cost <= -INFINITY) {
                    break;
                }
                start += 1;
            }
        }
        lines.retain(|l| !l.runs.is_empty() || l.width.0 > 0.0);
        lines
    }

    pub(super) fn line(
        &mut self,
        items: &[Item],
        pieces: &[Option<Piece>],
        b: &Break,
        para: &ParaStyle,
        is_last: bool,
    ) -> Line {
        let ratio = if para.align == Align::Justify {
            b.ratio.clamp(-1.0, 50.0)
        } else {
            0.0
        };
        // Letters take their share of the stretch, up to three times their
        // limit (never past `MAX_TRACKING`) on a line that could not be set within the tolerance (a little
        // letter-spacing reads better than holes between words); word spaces
        // take the rest.
        // No two letters ever go further apart than `MAX_TRACKING`.
        let letter_ratio = ratio.clamp(0.0, 3.0);
        let spacing_of = |piece: &Piece| {
            let stretch = piece.letter_stretch();
            let most = if stretch > LETTER_STRETCH {
                MAX_CAPITALS_TRACKING
            } else {
                MAX_TRACKING
            };
            (letter_ratio * stretch).min(most) * piece.size.0
        };
        let space_ratio = space_ratio(items, pieces, ratio, spacing_of);
        let mut tracked = false;
        // The space between the last box's letters: a word space starts that
        // far after it, so the PDF's letter-spacing (`Tc`) places it and the
        // stream needs no offset there.
        let mut letter_gap = 0.0;
        let mut x = 0.0;
        let mut runs: Vec<LineRun> = Vec::new();
        let mut spaces_em = Vec::new();
        let mut notes = Vec::new();
        let start_offset = pieces.iter().flatten().map(|p| p.offset).next();
        // Most lines are placed as written; only a line with right-to-left words pays for an order.
        let reordered = visual_order(items, pieces);
        let mut as_written = 0..items.len();
        let mut listed;
        let order: &mut dyn Iterator<Item = usize> = match &reordered {
            Some(order) => {
                listed = order.iter().copied();
                &mut listed
            }
            None => &mut as_written,
        };
        let mut room = glyph_room(items, pieces);
        for i in order {
            let (item, piece) = (&items[i], &pieces[i]);
            match (item, piece) {
                (Item::Box { width }, Some(piece)) => {
                    if let Some(note) = piece.note {
                        notes.push(note);
                    }
                    let spacing = if tracked { spacing_of(piece) } else { 0.0 };
                    push_glyphs(&mut runs, piece, x, spacing, room);
                    room = room.saturating_sub(piece.glyphs.len());
                    x += width + spacing * piece.glyphs.len().saturating_sub(1) as f64;
                    letter_gap = spacing + piece.tracking;
                }
                (Item::Box { width }, None) => x += width,
                (item @ Item::Glue { .. }, _) if is_letter_glue(item) => tracked = true,
                (
                    Item::Glue {
                        width,
                        stretch,
                        shrink,
                    },
                    _,
                ) => {
                    tracked = false;
                    let adjusted = if ratio >= 0.0 {
                        width + space_ratio * stretch
                    } else {
                        width + ratio * shrink
                    };
                    // The paragraph-filling glue does not count as a word space.
                    if *stretch < 1e4 && !runs.is_empty() {
                        let em = runs.last().map_or(para.size.0, |r| r.size.0);
                        if para.align == Align::Justify && !is_last {
                            spaces_em.push((adjusted / em) as f32);
                        }
                        // A break allowed inside an address (after `/` or `.`) is no space.
                        if *width > 0.0 {
                            let gap = letter_gap.min(adjusted);
                            // A space between two words of a passage in another
                            // language is the passage's.
                            let within = pieces[i + 1..]
                                .iter()
                                .flatten()
                                .next()
                                .map(role_of)
                                .filter(|r| matches!(r, RunRole::Language(_)));
                            self.push_space(&mut runs, x + gap, adjusted - gap, within);
                        }
                        x += adjusted;
                    } else if *stretch < 1e4 {
                        x += adjusted;
                    }
                }
                _ => {}
            }
        }
        runs.iter_mut().for_each(LineRun::shrink_slack);
        // Trailing fill glue adds no width to the line.
        let width = Pt(x);
        let offset_x = match para.align {
            Align::Center => Pt(((para.measure.0 - x) / 2.0).max(0.0)),
            Align::Right => Pt((para.measure.0 - x).max(0.0)),
            _ => Pt::ZERO,
        };
        Line {
            runs,
            x: offset_x,
            width,
            start: start_offset.unwrap_or(0),
            ratio,
            hyphenated: b.hyphenated,
            spaces_em,
            overfull: false,
            notes,
            outlines: Vec::new(),
        }
    }

    /// A word space as the face's space glyph at `x` (line-relative), `width`
    /// wide: the gap is the same, and the text a reader takes from the page
    /// (a screen reader's, from the tagged structure) has its spaces. It goes
    /// at the end of the text run before it, or in a run of its own after a
    /// note reference or a marker, which are tagged apart from the text.
    /// `within`: the role of the words on both sides, when the space is theirs.
    fn push_space(&mut self, runs: &mut Vec<LineRun>, x: f64, width: f64, within: Option<RunRole>) {
        let Some(last) = runs.last() else {
            return;
        };
        let Some(glyph) = self.shaper.space_glyph(last.style) else {
            return;
        };
        let joined = within.is_some_and(|role| role == last.role && !last.hidden);
        if !joined && (last.role != RunRole::Text || last.hidden) {
            let run = LineRun {
                x: Pt(x),
                glyphs: Default::default(),
                text: Default::default(),
                role: RunRole::Text,
                hidden: false,
                ..last.clone()
            };
            runs.push(run);
        }
        let run = runs.last_mut().expect("a run is there");
        let text_start = run.text.len() as u32;
        run.text.push(' ');
        run.glyphs.push(PlacedGlyph {
            id: glyph.id,
            x: Pt(x - run.x.0),
            advance: Pt(width),
            text_start,
            text_len: 1,
        });
    }

    /// A hyphen added where a word breaks at the line's end: a run of its
    /// own, an artifact, so the word reads whole from the tagged text.
    fn append_hyphen(&mut self, line: &mut Line) {
        let Some(run) = line.runs.last() else {
            return;
        };
        let Some(glyph) = self.shaper.hyphen(run.style) else {
            return;
        };
        let scale = run.size.0 / self.shaper.units_per_em(run.style) as f64;
        let x = run.x.0 + run.glyphs.last().map_or(0.0, |g| g.x.0 + g.advance.0);
        let mut hyphen = LineRun {
            x: Pt(x),
            glyphs: Default::default(),
            text: "-".into(),
            role: RunRole::Artifact,
            hidden: false,
            ..run.clone()
        };
        hyphen.glyphs.push(PlacedGlyph {
            id: glyph.id,
            x: Pt::ZERO,
            advance: Pt(glyph.advance as f64 * scale),
            text_start: 0,
            text_len: 1,
        });
        line.runs.push(hyphen);
        line.width = Pt(x + glyph.advance as f64 * scale);
    }

    /// A space after the line's last word when the paragraph goes on after
    /// it at a word space or a hard line break: no width (the line's measure
    /// and ink are unchanged), but the tagged text does not run the line's
    /// last word into the next line's first.
    pub fn end_with_space(&mut self, line: &mut Line) {
        let Some(last) = line.runs.last() else {
            return;
        };
        let x = last.x.0 + last.glyphs.last().map_or(0.0, |g| g.x.0 + g.advance.0);
        self.push_space(&mut line.runs, x, 0.0, None);
    }
}
