//! The galley's items: what setting a block makes (a line, a space, a
//! figure, a table row, a rule) with the cost of a page break after it,
//! read by pagination and composition. Their own module, so the galley and
//! the table setter both use them without importing each other.

use std::sync::Arc;

use super::frame::{Mark, Part};
use super::paragraph::Line;
use crate::model::{BlockId, ImageId, Pt, TextPos};

#[derive(Debug, Clone)]
pub enum Content {
    /// A set line, `x` from the left of the text block and `dy` below its
    /// grid line's baseline (display type at its own leading; 0 for body text).
    Text { line: Line, x: Pt, dy: Pt },
    /// Empty grid lines.
    Space,
    Figure {
        image: ImageId,
        x: Pt,
        width: Pt,
        height: Pt,
    },
    /// A table row (see `table`).
    Row(Box<TableRow>),
    /// A thin rule across `width` from `x`, `dy` below its grid line's baseline.
    Rule { x: Pt, width: Pt, dy: Pt },
}

/// What a galley line is, for the report and the dump.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Body,
    Heading,
    Title,
    Other,
}

#[derive(Debug, Clone)]
pub struct VItem {
    pub content: Content,
    pub role: Role,
    /// Height in grid lines.
    pub lines: u32,
    /// A space that vanishes at the top or foot of a page.
    pub discardable: bool,
    /// Cost of ending a page after this item; `INFINITY` forbids it.
    pub break_after: f64,
    /// Where the item's text starts in the model.
    pub pos: Option<TextPos>,
    /// For text lines of a paragraph: (block, line number from 1, lines in the paragraph).
    pub para: Option<(BlockId, u32, u32)>,
    /// What the item's text or image is to a reader (its block and part), for the PDF's tags.
    pub mark: Mark,
}

impl VItem {
    /// One set line of a block's text, at `x`, on its own grid line.
    pub(super) fn text_line(
        block: BlockId,
        line: Line,
        x: Pt,
        role: Role,
        break_after: f64,
        para: Option<(BlockId, u32, u32)>,
    ) -> VItem {
        VItem {
            pos: Some(TextPos {
                block,
                offset: line.start,
            }),
            content: Content::Text {
                line,
                x,
                dy: Pt::ZERO,
            },
            role,
            lines: 1,
            discardable: false,
            break_after,
            para,
            mark: Mark::Block(block, Part::Text),
        }
    }

    pub(super) fn space(lines: u32, discardable: bool, break_after: f64) -> VItem {
        VItem {
            content: Content::Space,
            role: Role::Other,
            lines,
            discardable,
            break_after,
            pos: None,
            para: None,
            mark: Mark::Artifact,
        }
    }

    pub fn line(&self) -> Option<&Line> {
        match &self.content {
            Content::Text { line, .. } => Some(line),
            _ => None,
        }
    }

    /// Footnotes referenced on this item: a line's, or every cell's of a table row.
    pub fn notes(&self) -> impl Iterator<Item = &u32> {
        let row = match &self.content {
            Content::Row(row) => Some(row.cells.iter().flat_map(|(lines, _)| lines)),
            _ => None,
        };
        self.line()
            .into_iter()
            .chain(row.into_iter().flatten())
            .flat_map(|line| &line.notes)
    }

    /// Grid lines set above this item when it starts a page (a table's header, again).
    pub fn repeat_lines(&self) -> u32 {
        match &self.content {
            Content::Row(row) => row.repeat.as_ref().map_or(0, |head| head.lines()),
            _ => 0,
        }
    }
}

/// One set row: each cell's lines and its left edge in the text block, and
/// the rules around it.
#[derive(Debug, Clone)]
pub struct TableRow {
    pub cells: Vec<(Vec<Line>, Pt)>,
    /// Each cell's tag: the table's cell at its row and column, or an
    /// artifact where the cell repeats one set before (the first column of a
    /// table set in parts, again in each part after the first).
    pub marks: Vec<Mark>,
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
