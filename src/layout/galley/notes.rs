//! Footnotes set for the foot of the page: their hang, lines and height.

use super::*;

/// A footnote, set: its lines in the footnote size, from the top, each a
/// baseline of the note area holding one line or, in a table, a row's
/// cells side by side; each with its x from the text block's left edge.
#[derive(Debug, Clone)]
pub struct NoteBlock {
    pub lines: Vec<Vec<(Line, Pt, Mark)>>,
    pub pos: Option<TextPos>,
}

impl NoteBlock {
    /// Height of the note in grid lines (with the given leadings).
    pub fn height(&self, note_leading: Pt) -> Pt {
        note_leading * self.lines.len() as f64
    }
}

impl GalleyBuilder<'_, '_, '_> {
    /// The width footnote numbers hang in: the widest of the section's
    /// labels, and a space after it.
    pub(super) fn note_hang(&mut self, section: &Section) -> Pt {
        let widest = section
            .notes
            .iter()
            .map(|n| {
                self.setter
                    .measure_text(&format!("{}.", n.label), Style::Regular, self.scale.note)
            })
            .fold(Pt::ZERO, |a, b| if b.0 > a.0 { b } else { a });
        widest + self.scale.note * 0.5
    }

    /// A footnote set as a book sets it: its number hanging in the margin of
    /// the note area, ranged right before the text, and every line of the text,
    /// turnovers included, aligned at `hang`. Its blocks are set as the body's
    /// are, at the note's size and leading: paragraphs, quotes, lists, verse,
    /// code, tables, headings (a figure's image stays in the text, with a warning).
    pub(super) fn note(&mut self, note: &crate::model::Footnote, hang: Pt) -> NoteBlock {
        let measure = self.geometry.measure - hang;
        let note_scale = self.scale.for_notes();
        let note_geometry = PageGeometry {
            measure,
            leading: note_scale.leading,
            ..self.geometry
        };
        let body_scale = std::mem::replace(&mut self.scale, note_scale);
        let body_geometry = std::mem::replace(&mut self.geometry, note_geometry);
        let opening = self.opening.take();
        let reshapable = std::mem::take(&mut self.reshapable);
        let in_note = std::mem::replace(&mut self.in_note, true);
        crate::model::walk_blocks(&note.blocks, &mut |block| {
            if let BlockKind::Figure { image, .. } = &block.kind {
                let path = &self.book.image(*image).path;
                self.found.push(
                    crate::diag::Diagnostic::warning(format!(
                        "an image in a footnote is not printed in the note area: {path}"
                    ))
                    .at(block.span.and_then(|s| self.book.locate(s)))
                    .with_hint(
                        "put the image in the chapter's text; its caption stays in the note",
                    ),
                );
            }
        });
        let mut items = Vec::new();
        for block in &note.blocks {
            self.block(block, Nesting::default(), &mut items);
        }
        self.scale = body_scale;
        self.geometry = body_geometry;
        self.opening = opening;
        self.reshapable = reshapable;
        self.in_note = in_note;
        let mut lines: Vec<Vec<(Line, Pt, Mark)>> = Vec::new();
        let mut pos = None;
        for item in items {
            pos = pos.or(item.pos);
            match item.content {
                Content::Text { line, x, .. } => lines.push(vec![(line, hang + x, item.mark)]),
                Content::Row(row) => {
                    let depth = row.lines() as usize;
                    for n in 0..depth {
                        let parts = row
                            .cells
                            .iter()
                            .zip(&row.marks)
                            .filter_map(|((cell, x), mark)| {
                                cell.get(n).map(|l| (l.clone(), hang + *x, *mark))
                            })
                            .collect();
                        lines.push(parts);
                    }
                }
                // The note area is set solid: no blank lines, no table rules.
                Content::Space | Content::Rule { .. } => {}
                Content::Figure { .. } => {}
            }
        }
        let label_para = self.para(Style::Regular, self.scale.note, Align::Left, measure);
        if let (Some((first, _, _)), Some(label)) = (
            lines.first_mut().and_then(|parts| parts.first_mut()),
            self.setter
                .set_text(&format!("{}.", note.label), &label_para)
                .into_iter()
                .next(),
        ) {
            // Ranged right in the hang, half a note em before the text.
            let shift = Pt(-(label.width.0 + self.scale.note.0 * 0.5)) - first.x;
            let runs = label.runs.into_iter().map(|mut run| {
                run.x += shift;
                run.role = RunRole::Label;
                run
            });
            first.runs.splice(0..0, runs);
        }
        NoteBlock { lines, pos }
    }
}
