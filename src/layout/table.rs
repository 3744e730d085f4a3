//! Tables in print, booktabs style: a heavy rule above, a light one under the
//! header, a heavy one at the end, no vertical rules. Column widths come from
//! the content (each column its natural width when the table fits the measure,
//! otherwise shared out between each column's longest word and its natural
//! width); a table too wide even so is set smaller, down to a floor, then
//! reported. Each row is one galley item on the grid; a row that starts a page
//! carries the header, set again above it.

use std::sync::Arc;

use super::items::{Content, TableRow, VItem};
use super::linebreak::INFINITY;
use super::paragraph::{Align, ParaStyle, Setter};
use crate::fonts::Style;
use crate::model::{ColumnAlign, Inline, Pt, TextPos, plain_text};

/// Table type starts at this fraction of the body size…
/// …and may be set as small as this to fit the measure.
const TABLE_FLOOR: f64 = 0.75;
/// Space between columns, in ems of the table's type.
const COLUMN_GAP: f64 = 1.2;
/// The heavy and light rules' weights (booktabs: 0.08 em and 0.05 em).
pub const HEAVY_RULE: Pt = Pt(0.8);
pub const LIGHT_RULE: Pt = Pt(0.5);
/// A table broken after its first body row, or before its last, costs this.
const LONELY_ROW: f64 = 5000.0;

/// What setting a table found that the author should hear about.
pub enum TableProblem {
    /// Too wide for the measure even at the smallest size: set in `parts`
    /// tables of its columns one under another, the first column repeated in each.
    Split { parts: usize, size: Pt },
    /// Too wide even so (a single column wider than the measure): its columns
    /// squeezed at `size`, long words broken.
    Squeezed { size: Pt },
}

/// The widths a table's columns ask for at one size: its text on one line
/// (`natural`), and its longest unbreakable piece (`least`).
struct Demand {
    natural: Vec<Pt>,
    least: Vec<Pt>,
}

/// Measures the columns `chosen` (indexes into each row) at `size`.
fn demand(
    setter: &mut Setter<'_, '_>,
    rows: &[(&[Vec<Inline>], Style)],
    chosen: &[usize],
    size: Pt,
) -> Demand {
    let mut natural = vec![Pt::ZERO; chosen.len()];
    let mut least = vec![Pt::ZERO; chosen.len()];
    for (row, style) in rows {
        for (k, &c) in chosen.iter().enumerate() {
            let Some(cell) = row.get(c) else { continue };
            let text = plain_text(cell);
            // (A hair over the shaped width, so rounding never breaks a word.)
            let slack = Pt(0.5);
            natural[k] = natural[k].max(setter.measure_text(&text, *style, size) + slack);
            for piece in unbreakable(&text) {
                least[k] = least[k].max(setter.measure_text(piece, *style, size) + slack);
            }
        }
    }
    Demand { natural, least }
}

/// The pieces a line cannot break inside: words (a no-break space joins
/// two), split after a dash or a hyphen as the line breaker splits them
/// ("so—so" is "so—" and "so").
fn unbreakable(text: &str) -> impl Iterator<Item = &str> {
    // A no-break space ("Mr.\u{a0}Penne") holds its words together.
    let breaks = |c: char| c.is_whitespace() && !matches!(c, '\u{a0}' | '\u{202f}' | '\u{2007}');
    text.split(breaks)
        .filter(|w| !w.is_empty())
        .flat_map(|word| {
            word.split_inclusive(['-', '\u{2010}', '–', '—'])
                .filter(|p| !p.is_empty())
        })
}

/// Column widths for `demand` in `room`: each column its natural width when
/// all fit, else its least and a share of what is left in proportion to what
/// more it asks; `None` when even the least widths do not fit.
fn widths(demand: &Demand, room: Pt) -> Option<Vec<Pt>> {
    let total_natural: f64 = demand.natural.iter().map(|w| w.0).sum();
    let total_least: f64 = demand.least.iter().map(|w| w.0).sum();
    if total_natural <= room.0 {
        return Some(demand.natural.clone());
    }
    if total_least > room.0 {
        return None;
    }
    let spare = room.0 - total_least;
    let wanted = (total_natural - total_least).max(1e-6);
    Some(
        demand
            .least
            .iter()
            .zip(&demand.natural)
            .map(|(least, natural)| *least + Pt((natural.0 - least.0) * spare / wanted))
            .collect(),
    )
}

/// A table in galley items (header, rows) for a block whose text starts at
/// `block`'s offset 0. `x` and `measure` are the nesting's left offset and
/// width. A table too wide for the measure is set smaller, down to a floor;
/// too wide even so, it is set in parts of its columns, one under another,
/// each opening with the first column (as books print wide tables); only a
/// column wider than the measure by itself is squeezed.
#[allow(clippy::too_many_arguments)]
pub fn table_items(
    setter: &mut Setter<'_, '_>,
    block: crate::model::BlockId,
    first_link: u32,
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
    let every_row: Vec<(&[Vec<Inline>], Style)> = head
        .into_iter()
        .map(|h| (h, Style::Italic))
        .chain(rows.iter().map(|r| (r.as_slice(), Style::Regular)))
        .collect();
    let room_at = |size: Pt, columns: usize| measure - size * COLUMN_GAP * (columns as f64 - 1.0);
    let all: Vec<usize> = (0..count).collect();

    // The largest size from the style's table size down to TABLE_FLOOR at which the columns fit.
    let floor = body * TABLE_FLOOR;
    let mut size = body * setter.book.proportions.table_size;
    loop {
        let demand = demand(setter, &every_row, &all, size);
        if let Some(widths) = widths(&demand, room_at(size, count)) {
            let table = Part {
                chosen: &all,
                widths,
                size,
                positions: true,
            };
            table.emit(
                setter,
                (block, first_link),
                columns,
                head,
                rows,
                x,
                measure,
                out,
            );
            return None;
        }
        if size.0 <= floor.0 + 0.01 {
            break;
        }
        size = (size * 0.95).max(floor);
    }

    // Too wide at the floor: parts of as many columns as fit, each after the first column.
    let demand = demand(setter, &every_row, &all, floor);
    let mut parts: Vec<Vec<usize>> = Vec::new();
    let mut current = vec![0];
    for c in 1..count {
        let mut trial = current.clone();
        trial.push(c);
        let least: f64 = trial.iter().map(|&k| demand.least[k].0).sum();
        if least > room_at(floor, trial.len()).0 && current.len() > 1 {
            parts.push(std::mem::replace(&mut current, vec![0, c]));
        } else {
            current = trial;
        }
    }
    parts.push(current);
    // As many columns in each part as the parts allow, where that fits too
    // (twelve, twelve and one read worse than nine, eight and eight).
    let fits = |part: &[usize]| {
        let least: f64 = part.iter().map(|&k| demand.least[k].0).sum();
        least <= room_at(floor, part.len()).0
    };
    let others = count - 1;
    let even: Vec<Vec<usize>> = (0..parts.len())
        .map(|n| {
            let from = 1 + n * others / parts.len();
            let to = 1 + (n + 1) * others / parts.len();
            std::iter::once(0).chain(from..to).collect()
        })
        .collect();
    if even.iter().all(|part| fits(part)) {
        parts = even;
    }
    let mut squeezed = false;
    for (n, chosen) in parts.iter().enumerate() {
        let part_demand = Demand {
            natural: chosen.iter().map(|&c| demand.natural[c]).collect(),
            least: chosen.iter().map(|&c| demand.least[c]).collect(),
        };
        let room = room_at(floor, chosen.len());
        let widths = widths(&part_demand, room).unwrap_or_else(|| {
            // A column wider than the measure by itself: shares of the room.
            squeezed = true;
            let total: f64 = part_demand.least.iter().map(|w| w.0).sum();
            part_demand
                .least
                .iter()
                .map(|w| Pt(room.0 * w.0 / total.max(1e-6)))
                .collect()
        });
        if n > 0 {
            out.push(VItem::space(1, true, 0.0));
        }
        let part = Part {
            chosen,
            widths,
            size: floor,
            // Only the first part's rows mark places in the text: the page map
            // follows the text's order, row by row, which the parts after it revisit.
            positions: n == 0,
        };
        part.emit(
            setter,
            (block, first_link),
            columns,
            head,
            rows,
            x,
            measure,
            out,
        );
    }
    Some(if squeezed {
        TableProblem::Squeezed { size: floor }
    } else {
        TableProblem::Split {
            parts: parts.len(),
            size: floor,
        }
    })
}

/// Columns of a table set together: which, how wide, at what size.
struct Part<'c> {
    chosen: &'c [usize],
    widths: Vec<Pt>,
    size: Pt,
    /// Its rows carry their places in the block's text.
    positions: bool,
}

impl Part<'_> {
    #[allow(clippy::too_many_arguments)]
    /// `at` is the table's block and the place of its cells' first link
    /// among the block's links (after the caption's).
    fn emit(
        &self,
        setter: &mut Setter<'_, '_>,
        at: (crate::model::BlockId, u32),
        columns: &[ColumnAlign],
        head: Option<&[Vec<Inline>]>,
        rows: &[Vec<Vec<Inline>>],
        x: Pt,
        measure: Pt,
        out: &mut Vec<VItem>,
    ) {
        let size = self.size;
        let gap = size * COLUMN_GAP;
        let width = Pt(self.widths.iter().map(|w| w.0).sum::<f64>())
            + gap * (self.chosen.len() as f64 - 1.0);
        let left = x + ((measure - width) / 2.0).max(Pt::ZERO);
        let (block, first_link) = at;
        // Each cell's first link, counted row by row from the caption's last.
        let mut bases: Vec<Vec<u32>> = Vec::new();
        let mut next = first_link;
        for row in head.into_iter().chain(rows.iter().map(Vec::as_slice)) {
            bases.push(
                row.iter()
                    .map(|cell| {
                        let base = next;
                        next += crate::model::link_count(cell);
                        base
                    })
                    .collect(),
            );
        }
        let mut offset = 0u32;
        let first_part = self.positions;
        let mut set_row =
            |setter: &mut Setter<'_, '_>, row: &[Vec<Inline>], style: Style, index: u32| {
                let mut cells = Vec::with_capacity(self.chosen.len());
                let mut marks = Vec::with_capacity(self.chosen.len());
                let mut cell_x = left;
                for (&c, width) in self.chosen.iter().zip(&self.widths) {
                    marks.push(if c == 0 && !first_part {
                        super::frame::Mark::Artifact
                    } else {
                        super::frame::Mark::Block(block, super::frame::Part::Cell(index, c as u32))
                    });
                    let align = match columns.get(c) {
                        Some(ColumnAlign::Center) => Align::Center,
                        Some(ColumnAlign::Right) => Align::Right,
                        _ => Align::Left,
                    };
                    let para = ParaStyle::plain(style, size, align, *width);
                    setter.link_base = bases
                        .get(index as usize)
                        .and_then(|row| row.get(c))
                        .copied()
                        .unwrap_or(0);
                    let lines = row
                        .get(c)
                        .map_or(Vec::new(), |cell| setter.set(cell, &para));
                    setter.link_base = 0;
                    cells.push((lines, cell_x));
                    cell_x += *width + gap;
                }
                let start = offset;
                for cell in row {
                    offset += crate::model::plain_text(cell).chars().count() as u32 + 1;
                }
                (cells, marks, start)
            };
        let positions = self.positions;
        let item = |row: TableRow, start: u32, break_after: f64| {
            let mut item = row_item(row, block, start, break_after);
            if !positions {
                item.pos = None;
            }
            item
        };

        let header = head.map(|h| {
            let (cells, marks, start) = set_row(setter, h, Style::Italic, 0);
            (
                Arc::new(TableRow {
                    cells,
                    marks,
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
            out.push(item(row.as_ref().clone(), *start, INFINITY));
        }
        let last = rows.len().saturating_sub(1);
        let first_body = u32::from(head.is_some());
        for (r, row) in rows.iter().enumerate() {
            let (cells, marks, start) = set_row(setter, row, Style::Regular, first_body + r as u32);
            let set = TableRow {
                cells,
                marks,
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
            out.push(item(set, start, break_after));
        }
    }
}

fn row_item(row: TableRow, block: crate::model::BlockId, offset: u32, break_after: f64) -> VItem {
    VItem {
        lines: row.lines(),
        content: Content::Row(Box::new(row)),
        role: super::items::Role::Other,
        discardable: false,
        break_after,
        pos: Some(TextPos { block, offset }),
        para: None,
        mark: super::frame::Mark::Block(block, super::frame::Part::Text),
    }
}
