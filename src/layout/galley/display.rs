//! Display type (titles, headings): set balanced at the largest size that
//! fits its room, and placed on the body grid at its own leading.

use super::*;

/// Where display type must fit: its size and the smallest it may be set at,
/// the measure, the body grid and the grid lines it may take.
pub struct DisplayFit {
    pub size: Pt,
    pub floor: Pt,
    pub measure: Pt,
    pub grid: Pt,
    pub room: u32,
}

/// Sets display type (a title, a heading) balanced, at the largest size from
/// `fit.size` down to `fit.floor` (in steps of a tenth) that takes at most
/// `fit.room` grid lines; at the floor it is returned however tall it is.
pub fn set_display(
    setter: &mut Setter<'_, '_>,
    content: &[crate::model::Inline],
    look: &Look,
    fit: &DisplayFit,
) -> DisplayLines {
    let mut size = fit.size;
    loop {
        let para = ParaStyle {
            size,
            ..look.para(fit.measure)
        };
        let lines = setter.set_balanced_inlines(content, &para);
        let set = DisplayLines::place(lines, size, fit.grid);
        if set.grid_lines() <= fit.room.max(1) || size.0 <= fit.floor.0 + 0.01 {
            return set;
        }
        size = (size * 0.9).max(fit.floor);
    }
}

/// The least leading of display type, as a multiple of its size.
pub const DISPLAY_LEADING: f64 = 1.25;

/// Display lines placed at their own leading on the body grid: each line with
/// the grid lines it takes (down to the next line's grid line) and its offset
/// below that grid line's baseline. Type that fits a grid line (a heading at
/// about the body size) is set on the grid; larger type is set `DISPLAY_LEADING`
/// apart, the block's last line on a grid line and the block rounded up to
/// whole grid lines, so the text that follows is on the grid again.
pub struct DisplayLines {
    pub lines: Vec<(Line, u32, Pt)>,
}

impl DisplayLines {
    pub fn place(lines: Vec<Line>, size: Pt, grid: Pt) -> DisplayLines {
        let own = size.0 * DISPLAY_LEADING;
        let leading = if grid.0 >= size.0 * 1.1 {
            grid.0
        } else {
            own.max(grid.0)
        };
        let n = lines.len();
        let total = leading * n.saturating_sub(1) as f64;
        let span = (total / grid.0 - 1e-6).ceil().max(0.0);
        let position = |k: usize| span * grid.0 - leading * (n - 1 - k) as f64;
        let cell = |k: usize| (position(k) / grid.0 + 1e-6).floor();
        let placed = lines
            .into_iter()
            .enumerate()
            .map(|(k, line)| {
                let below = if k + 1 < n {
                    (cell(k + 1) - cell(k)) as u32
                } else {
                    1
                };
                let dy = Pt(position(k) - cell(k) * grid.0);
                (line, below, dy)
            })
            .collect();
        DisplayLines { lines: placed }
    }

    /// Grid lines the block takes.
    pub fn grid_lines(&self) -> u32 {
        self.lines.iter().map(|(_, below, _)| below).sum()
    }

    /// The lines as galley items: each takes the grid lines down to the next
    /// one's, and a page may not break inside them.
    pub fn into_items(self, block: BlockId, role: Role) -> impl Iterator<Item = VItem> {
        let count = self.lines.len();
        self.lines
            .into_iter()
            .enumerate()
            .map(move |(k, (line, grid_lines, dy))| VItem {
                pos: Some(TextPos {
                    block,
                    offset: line.start,
                }),
                content: Content::Text {
                    line,
                    x: Pt::ZERO,
                    dy,
                },
                role,
                lines: if k + 1 == count { 1 } else { grid_lines },
                discardable: false,
                break_after: INFINITY,
                para: None,
                mark: Mark::Block(block, Part::Text),
            })
    }
}
