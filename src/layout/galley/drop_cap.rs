//! The drop cap: the chapter's initial drawn over several lines, the
//! paragraph set beside it.

use super::*;

/// A drop cap, drawn: the initial's outlines (from the text block's left
/// edge and the first line's baseline) and its hidden letter, the
/// characters it takes from the paragraph and the lines it spans.
#[derive(Debug)]
pub struct DropCap {
    chars: usize,
    depth: u32,
    outlines: Vec<Vec<(f64, f64, bool)>>,
    hidden: Vec<LineRun>,
}

impl DropCap {
    /// The paragraph without its initial, set beside it, the initial on its
    /// first line; `None` when it would take fewer lines than the drop.
    pub fn set(
        &self,
        setter: &mut Setter<'_, '_>,
        content: &[crate::model::Inline],
        para: &ParaStyle,
    ) -> Option<Vec<Line>> {
        let rest = self.rest(content);
        self.place(setter.set(&rest, para))
    }

    /// The paragraph set a line longer and a line shorter, as
    /// [`Setter::set_loose`] sets it, each beside the initial.
    pub fn set_loose(
        &self,
        setter: &mut Setter<'_, '_>,
        content: &[crate::model::Inline],
        para: &ParaStyle,
    ) -> Loosened {
        let rest = self.rest(content);
        setter
            .set_loose(&rest, para)
            .into_iter()
            .filter_map(|(looseness, lines, extra)| Some((looseness, self.place(lines)?, extra)))
            .collect()
    }

    /// The paragraph's content without the initial's characters.
    fn rest(&self, content: &[crate::model::Inline]) -> Vec<crate::model::Inline> {
        let mut rest = content.to_vec();
        crate::model::drop_leading_chars(&mut rest, self.chars);
        rest
    }

    /// The initial put on the first of `lines`.
    fn place(&self, mut lines: Vec<Line>) -> Option<Vec<Line>> {
        if (lines.len() as u32) < self.depth {
            return None;
        }
        for line in &mut lines {
            line.start += self.chars as u32;
        }
        let first = &mut lines[0];
        first.start = 0;
        let shift = first.x.0;
        first.outlines = self
            .outlines
            .iter()
            .map(|ring| ring.iter().map(|&(x, y, c)| (x - shift, y, c)).collect())
            .collect();
        first.runs.splice(0..0, self.hidden.iter().cloned());
        Some(lines)
    }

    /// The lines as galley items; the dropped lines stay together on the page.
    pub fn items(&self, block: BlockId, lines: Vec<Line>, x: Pt) -> impl Iterator<Item = VItem> {
        let count = self.depth as usize;
        paragraph_items(block, lines, x, Role::Body)
            .enumerate()
            .map(move |(i, mut item)| {
                if i + 1 < count {
                    item.break_after = INFINITY;
                }
                item
            })
    }
}

impl GalleyBuilder<'_, '_, '_> {
    /// The opening paragraph with a drop cap: its initial (with an opening
    /// quotation mark) set from the first line's cap height down to the
    /// baseline of the style's last dropped line, and those lines set beside
    /// it. A paragraph too short for the drop takes a shallower one (two
    /// lines), or none (`None`, set as usual). The paragraph stays reshapable.
    pub(super) fn drop_cap(
        &mut self,
        block: BlockId,
        content: &[crate::model::Inline],
        measure: Pt,
    ) -> Option<Vec<VItem>> {
        let text = crate::model::plain_text(content);
        let end = crate::model::style::initial_end(&text)?;
        let initial = &text[..end];
        let body = self.scale.body;
        let leading = self.geometry.leading;
        let cap = self.setter.shaper.cap_height(Style::Regular);
        let mut depth = u32::from(self.book.style.opening.drop_cap);
        while depth >= 2 {
            // Cap height from the first line's capitals to the last dropped line's baseline.
            let size = Pt((leading.0 * f64::from(depth - 1) + body.0 * cap) / cap);
            let initial_para = ParaStyle::plain(Style::Regular, size, Align::Left, Pt(1e6));
            let glyphs = self.setter.set_text(initial, &initial_para).pop()?;
            let gap = body * 0.3;
            let mut para = self.para(Style::Regular, body, Align::Justify, measure);
            para.wrap = (depth, glyphs.width + gap);
            // Its letter is read (by search, by screen readers, by pdftotext)
            // from a hidden copy at the text size before the rest of the word.
            let hidden = self
                .setter
                .set_text(
                    initial,
                    &ParaStyle::plain(Style::Regular, body, Align::Left, Pt(1e6)),
                )
                .pop()?;
            let drop = leading.0 * f64::from(depth - 1);
            let mut outlines = Vec::new();
            for run in &glyphs.runs {
                for g in &run.glyphs {
                    let x = run.x.0 + g.x.0;
                    for ring in self.setter.shaper.outline(run.style, g.id, run.size.0) {
                        outlines.push(
                            ring.into_iter()
                                .map(|(px, py, c)| (x + px, drop + py, c))
                                .collect(),
                        );
                    }
                }
            }
            // An initial that is a whole word ("I was", "“A keeper") stands a
            // word space before the rest, or the text layer reads "Iwas".
            let space = if text[end..].starts_with(char::is_whitespace) {
                let shaper = &self.setter.shaper;
                body * f64::from(shaper.space(Style::Regular) / shaper.units_per_em(Style::Regular))
            } else {
                Pt::ZERO
            };
            let hidden_runs = hidden
                .runs
                .into_iter()
                .map(|mut run| {
                    run.x -= hidden.width + space;
                    run.hidden = true;
                    run
                })
                .collect();
            let shape = std::sync::Arc::new(DropCap {
                chars: initial.chars().count(),
                depth,
                outlines,
                hidden: hidden_runs,
            });
            let Some(lines) = shape.set(self.setter, content, &para) else {
                depth -= 1;
                continue;
            };
            if !para.draft {
                self.reshapable.push(Reshapable {
                    block,
                    para,
                    x: Pt::ZERO,
                    drop_cap: Some(shape.clone()),
                });
            }
            return Some(shape.items(block, lines, Pt::ZERO).collect());
        }
        None
    }
}
