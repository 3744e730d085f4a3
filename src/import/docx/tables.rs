//! A Word table read as the import tree's table: its rows, header row,
//! merged cells and column alignments.

use super::*;

impl Reader<'_, '_> {
    pub(super) fn table(&mut self, node: &Node<'_, '_>) -> Table {
        let mut head = None;
        let mut rows = Vec::new();
        let mut align: Vec<Align> = Vec::new();
        let look_first = node
            .children()
            .find(|c| is(c, W, "tblPr"))
            .and_then(|p| p.children().find(|c| is(c, W, "tblLook")))
            .map(|l| {
                l.attribute((W, "firstRow"))
                    .map(|v| v == "1" || v == "true")
                    .unwrap_or_else(|| {
                        l.attribute((W, "val"))
                            .and_then(|v| u32::from_str_radix(v, 16).ok())
                            .is_some_and(|v| v & 0x0020 != 0)
                    })
            });
        let mut warned = false;
        for (r, tr) in node.children().filter(|c| is(c, W, "tr")).enumerate() {
            let header_row = tr
                .children()
                .find(|c| is(c, W, "trPr"))
                .is_some_and(|p| toggle(&p, "tblHeader") == Some(true));
            let mut cells: Vec<Vec<Inline>> = Vec::new();
            for tc in tr.children().filter(|c| is(c, W, "tc")) {
                let tcpr = tc.children().find(|c| is(c, W, "tcPr"));
                let span = tcpr
                    .as_ref()
                    .and_then(|p| val(p, "gridSpan"))
                    .and_then(|s| s.parse::<usize>().ok())
                    .unwrap_or(1)
                    .clamp(1, 64);
                let merged = tcpr
                    .as_ref()
                    .is_some_and(|p| p.children().any(|c| is(&c, W, "vMerge")));
                let items = self.items(&tc);
                let mut content = Vec::new();
                let mut centred = true;
                let mut any = false;
                for item in items {
                    match item {
                        Item::Para(p) => {
                            if !content.is_empty() && !p.is_blank() {
                                content.push(Inline::Text(" ".into()));
                            }
                            if !p.is_blank() {
                                any = true;
                                centred &= p.centred;
                            }
                            for (_, alt, _) in &p.images {
                                content.push(Inline::Text(alt.clone()));
                            }
                            content.extend(p.inlines);
                        }
                        Item::Table(t, n) => {
                            self.report.warn(
                                "a table inside a table cell is set as one line of text",
                                &Place::Paragraph {
                                    number: n,
                                    words: String::new(),
                                },
                                "quire's table cells hold text; the words are all kept",
                                0,
                            );
                            for row in t.head.iter().chain(&t.rows) {
                                for cell in row {
                                    content.push(Inline::Text(" ".into()));
                                    content.extend(cell.iter().cloned());
                                }
                            }
                        }
                    }
                }
                let column = cells.len();
                if align.len() <= column {
                    align.resize(column + 1, Align::Auto);
                }
                if r == 1 && any && centred {
                    align[column] = Align::Center;
                }
                cells.push(tree::breaks_to_spaces(trim(normalize(content))));
                for _ in 1..span {
                    cells.push(Vec::new());
                }
                if (span > 1 || merged) && !warned {
                    warned = true;
                    self.report.warn(
                        "a merged table cell is set in its first cell; the others are left empty",
                        &Place::Paragraph {
                            number: self.paragraphs,
                            words: String::new(),
                        },
                        "quire's tables are grids of single cells; the words are all kept",
                        0,
                    );
                }
            }
            if (r == 0 && (header_row || look_first.unwrap_or(true))) && head.is_none() {
                head = Some(cells);
            } else {
                rows.push(cells);
            }
        }
        Table {
            align,
            head,
            rows,
            caption: Vec::new(),
        }
    }
}
