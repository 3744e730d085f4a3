//! Tables: rows, a header row, cells' alignment from their attributes and
//! the book's CSS.

use super::*;

impl Converter<'_, '_, '_> {
    pub(super) fn table(
        &mut self,
        node: Node<'_, '_>,
        caption: Option<Vec<Inline>>,
        out: &mut Vec<Block>,
    ) {
        self.settle_ids(self.under, false);
        let mut head: Option<Vec<Vec<Inline>>> = None;
        let mut rows: Vec<Vec<Vec<Inline>>> = Vec::new();
        let mut align: Vec<Align> = Vec::new();
        let mut caption = caption.unwrap_or_default();
        // Cells a row span carries down: (column, rows left).
        let mut spans: Vec<(usize, usize)> = Vec::new();
        let mut warned = false;
        let row_nodes: Vec<(Node<'_, '_>, bool)> = node
            .children()
            .filter(|c| c.is_element())
            .flat_map(|c| match name(&c) {
                "tr" => vec![(c, false)],
                "thead" | "tbody" | "tfoot" => c
                    .children()
                    .filter(|r| name(r) == "tr")
                    .map(|r| (r, name(&c) == "thead"))
                    .collect(),
                "caption" => {
                    caption = self.inlines_of(c);
                    Vec::new()
                }
                _ => Vec::new(),
            })
            .collect();
        for (i, (row, in_head)) in row_nodes.iter().enumerate() {
            let mut cells: Vec<Vec<Inline>> = Vec::new();
            let mut all_th = true;
            for cell in row.children().filter(|c| matches!(name(c), "td" | "th")) {
                while let Some(pos) = spans
                    .iter()
                    .position(|(col, left)| *col == cells.len() && *left > 0)
                {
                    cells.push(Vec::new());
                    spans[pos].1 -= 1;
                }
                all_th &= name(&cell) == "th";
                if let Some(id) = cell.attribute("id") {
                    self.record(id);
                }
                let column = cells.len();
                let content = self.cell(cell);
                cells.push(content);
                let colspan = cell
                    .attribute("colspan")
                    .and_then(|s| s.parse::<usize>().ok())
                    .unwrap_or(1)
                    .clamp(1, 64);
                let rowspan = cell
                    .attribute("rowspan")
                    .and_then(|s| s.parse::<usize>().ok())
                    .unwrap_or(1)
                    .clamp(1, 1000);
                for extra in 1..colspan {
                    cells.push(Vec::new());
                    if rowspan > 1 {
                        spans.push((column + extra, rowspan - 1));
                    }
                }
                if rowspan > 1 {
                    spans.push((column, rowspan - 1));
                }
                if (colspan > 1 || rowspan > 1) && !warned {
                    warned = true;
                    let place = self.place(&cell);
                    self.report.warn(
                        "a table cell spanning several rows or columns is set in its first; the others are left empty",
                        &place,
                        "quire's tables are grids of single cells; the words are all kept",
                        0,
                    );
                }
                let a = self.cell_align(&cell);
                if align.len() <= column {
                    align.resize(column + 1, Align::Auto);
                }
                if !*in_head && a != Align::Auto && rows.is_empty() {
                    align[column] = a;
                }
            }
            while let Some(pos) = spans
                .iter()
                .position(|(col, left)| *col == cells.len() && *left > 0)
            {
                cells.push(Vec::new());
                spans[pos].1 -= 1;
            }
            spans.retain(|(_, left)| *left > 0);
            if *in_head || (i == 0 && all_th && head.is_none() && !cells.is_empty()) {
                if head.is_none() {
                    head = Some(cells);
                } else {
                    rows.push(cells);
                }
            } else {
                rows.push(cells);
            }
        }
        if head.is_none() && rows.is_empty() {
            return;
        }
        out.push(Block::Table(Table {
            align,
            head,
            rows,
            caption: trim(normalize(caption)),
        }));
    }

    pub(super) fn cell_align(&self, cell: &Node<'_, '_>) -> Align {
        let style = cell
            .attribute("style")
            .unwrap_or("")
            .to_ascii_lowercase()
            .replace(' ', "");
        let attr = cell.attribute("align").unwrap_or("").to_ascii_lowercase();
        if style.contains("text-align:right")
            || attr == "right"
            || has_class(cell, &["align-right", "right"])
        {
            Align::Right
        } else if style.contains("text-align:center")
            || attr == "center"
            || has_class(cell, &["align-center", "center", "centre"])
        {
            Align::Center
        } else if style.contains("text-align:left")
            || attr == "left"
            || has_class(cell, &["align-left"])
        {
            Align::Left
        } else {
            Align::Auto
        }
    }

    /// A table cell's content as one line (quire's cells hold inline text).
    pub(super) fn cell(&mut self, cell: Node<'_, '_>) -> Vec<Inline> {
        let mut blocks = Vec::new();
        self.blocks_of(cell, &mut blocks);
        let mut out = Vec::new();
        for block in blocks {
            if !out.is_empty() {
                out.push(Inline::Text(" ".into()));
            }
            match block {
                Block::Paragraph(c) | Block::Heading { content: c, .. } => out.extend(c),
                Block::Figure { alt, .. } => {
                    let place = self.place(&cell);
                    self.report.warn(
                        "a picture inside a table cell is not carried; its text is kept",
                        &place,
                        "quire's table cells hold text",
                        0,
                    );
                    out.push(Inline::Text(alt));
                }
                other => {
                    let mut text = Vec::new();
                    tree::for_each_inlines(std::slice::from_ref(&other), &mut |c| {
                        text.push(Inline::Text(" ".into()));
                        text.extend(c.iter().cloned());
                    });
                    if !matches!(other, Block::SceneBreak) {
                        let place = self.place(&cell);
                        self.report.warn(
                            "a list, quote or table inside a table cell is set as one line of text",
                            &place,
                            "quire's table cells hold text; the words are all kept",
                            0,
                        );
                    }
                    out.extend(text);
                }
            }
        }
        tree::breaks_to_spaces(trim(normalize(out)))
    }
}
