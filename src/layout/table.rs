//! Tables in print, booktabs style: a heavy rule above, a light one under the
//! header, a heavy one at the end, no vertical rules. Column widths come from
//! the content (each column its natural width when the table fits the measure,
//! otherwise shared out between each column's longest word and its natural
//! width); a table too wide even so is set smaller, down to a floor, then
//! reported. Each row is one galley item on the grid; a row that starts a page
//! carries the header, set again above it.

use std::sync::Arc;

use super::galley::{Content, VItem};
use super::linebreak::INFINITY;
use super::paragraph::{Align, Line, ParaStyle, Setter};
use crate::fonts::Style;
use crate::model::{ColumnAlign, Inline, Pt, TextPos, plain_text};

/// Table type starts at this fraction of the body size…
const TABLE_SIZE: f64 = 0.9;
/// …and may be set as small as this to fit the measure.
const TABLE_FLOOR: f64 = 0.75;
/// Space between columns, in ems of the table's type.
const COLUMN_GAP: f64 = 1.2;
/// The heavy and light rules' weights (booktabs: 0.08 em and 0.05 em).
pub const HEAVY_RULE: Pt = Pt(0.8);
pub const LIGHT_RULE: Pt = Pt(0.5);
/// A table broken after its first body row, or before its last, costs this.
const LONELY_ROW: f64 = 5000.0;

/// One set row: each cell's lines and its left edge in the text block, and
/// the rules around it.
#[derive(Debug, Clone)]
pub struct TableRow {
    pub cells: Vec<(Vec<Line>, Pt)>,
    /// The table's left edge and width, for the rules.
    pub left: Pt,
    pub width: Pt,
    pub rule_above: Option<Pt>,
    pub rule_below: Option<Pt>,
    /// The header row, set again above this row when it starts a page.
    pub repeat: Option<Arc<TableRow>>,
}

impl TableRow {
    /// Grid lines the row's tallest cell takes.
    pub fn lines(&self) -> u32 {
        self.cells
            .iter()
            .map(|(lines, _)| lines.len() as u32)
            .max()
            .unwrap_or(1)
            .max(1)
    }
}

/// What setting a table found that the author should hear about.
pub struct TableProblem {
    /// The table was set at this size, below which it would not shrink.
    pub size: Pt,
}

/// A table in galley items (header, rows) for a block whose text starts at
/// `block`'s offset 0. `x` and `measure` are the nesting's left offset and width.
#[allow(clippy::too_many_arguments)]
pub fn table_items(
    setter: &mut Setter<'_, '_>,
    block: crate::model::BlockId,
    columns: &[ColumnAlign],
    head: Option<&[Vec<Inline>]>,
    rows: &[Vec<Vec<Inline>>],
    body: Pt,
    x: Pt,
    measure: Pt,
    out: &mut Vec<VItem>,
) -> Option<TableProblem> {
    let count = columns
        .len()
        .max(head.map_or(0, <[_]>::len))
        .max(rows.iter().map(Vec::len).max().unwrap_or(0));
    if count == 0 {
        return None;
    }
    // Each row with the face it is set in: the header in italic.
    let every_row = || {
        head.into_iter()
            .map(|h| (h, Style::Italic))
            .chain(rows.iter().map(|r| (r.as_slice(), Style::Regular)))
    };

    // The largest size from TABLE_SIZE down to TABLE_FLOOR at which the columns fit.
    let mut size = body * TABLE_SIZE;
    let (widths, problem) = loop {
        let gap = size * COLUMN_GAP;
        let room = measure - gap * (count as f64 - 1.0);
        let mut natural = vec![Pt::ZERO; count];
        let mut least = vec![Pt::ZERO; count];
        for (row, style) in every_row() {
            for (c, cell) in row.iter().enumerate().take(count) {
                let text = plain_text(cell);
                // (A hair over the shaped width, so rounding never breaks a word.)
                let slack = Pt(0.5);
                natural[c] = natural[c].max(setter.measure_text(&text, style, size) + slack);
                for word in text.split_whitespace() {
                    least[c] = least[c].max(setter.measure_text(word, style, size) + slack);
                }
            }
        }
        let total_natural: f64 = natural.iter().map(|w| w.0).sum();
        let total_least: f64 = least.iter().map(|w| w.0).sum();
        if total_natural <= room.0 {
            break (natural, None);
        }
        if total_least <= room.0 {
            // Share the room out: each column gets its longest word, and the rest
            // in proportion to how much more its natural width asks.
            let spare = room.0 - total_least;
            let wanted = (total_natural - total_least).max(1e-6);
            let widths = (0..count)
                .map(|c| least[c] + Pt((natural[c].0 - least[c].0) * spare / wanted))
                .collect();
            break (widths, None);
        }
        let floor = body * TABLE_FLOOR;
        if size.0 <= floor.0 + 0.01 {
            // Too wide even at the floor: each column gets its share of the room.
            let widths = (0..count)
                .map(|c| Pt(room.0 * least[c].0 / total_least.max(1e-6)))
                .collect();
            break (widths, Some(TableProblem { size }));
        }
        size = (size * 0.95).max(floor);
    };

    let gap = size * COLUMN_GAP;
    let width = Pt(widths.iter().map(|w| w.0).sum::<f64>()) + gap * (count as f64 - 1.0);
    let left = x + ((measure - width) / 2.0).max(Pt::ZERO);
    let mut offset = 0u32;
    let mut set_row = |setter: &mut Setter<'_, '_>, row: &[Vec<Inline>], style: Style| {
        let mut cells = Vec::with_capacity(count);
        let mut cell_x = left;
        for (c, width) in widths.iter().enumerate() {
            let align = match columns.get(c) {
                Some(ColumnAlign::Center) => Align::Center,
                Some(ColumnAlign::Right) => Align::Right,
                _ => Align::Left,
            };
            let para = ParaStyle::plain(style, size, align, *width);
            let lines = row
                .get(c)
                .map_or(Vec::new(), |cell| setter.set(cell, &para));
            cells.push((lines, cell_x));
            cell_x += *width + gap;
        }
        let start = offset;
        for cell in row {
            offset += crate::model::plain_text(cell).chars().count() as u32 + 1;
        }
        (cells, start)
    };

    let header = head.map(|h| {
        let (cells, start) = set_row(setter, h, Style::Italic);
        (
            Arc::new(TableRow {
                cells,
                left,
                width,
                rule_above: Some(HEAVY_RULE),
                rule_below: Some(LIGHT_RULE),
                repeat: None,
            }),
            start,
        )
    });
    if let Some((row, start)) = &header {
        out.push(row_item(row.as_ref().clone(), block, *start, INFINITY));
    }
    let last = rows.len().saturating_sub(1);
    for (r, row) in rows.iter().enumerate() {
        let (cells, start) = set_row(setter, row, Style::Regular);
        let set = TableRow {
            cells,
            left,
            width,
            rule_above: (r == 0 && header.is_none()).then_some(HEAVY_RULE),
            rule_below: (r == last).then_some(HEAVY_RULE),
            repeat: if r > 0 {
                header.as_ref().map(|(h, _)| h.clone())
            } else {
                None
            },
        };
        // Keep at least two body rows together at either end of a page break.
        let break_after = if r == last {
            0.0
        } else if r == 0 || r + 2 == rows.len() {
            LONELY_ROW
        } else {
            0.0
        };
        out.push(row_item(set, block, start, break_after));
    }
    problem
}

fn row_item(row: TableRow, block: crate::model::BlockId, offset: u32, break_after: f64) -> VItem {
    VItem {
        lines: row.lines(),
        content: Content::Row(Box::new(row)),
        role: super::galley::Role::Other,
        discardable: false,
        break_after,
        pos: Some(TextPos { block, offset }),
        para: None,
    }
}
