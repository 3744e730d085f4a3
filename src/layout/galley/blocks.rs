//! Each kind of block set as galley items: headings, paragraphs, verse,
//! display lines, divs, quotes, lists, scene breaks, code, tables and
//! definition lists, each with its spacing and where a page may break.

use super::*;

/// What a table holds, borrowed from its block.
struct TableBlock<'b> {
    columns: &'b [crate::model::ColumnAlign],
    head: Option<&'b [Vec<Inline>]>,
    rows: &'b [Vec<Vec<Inline>>],
    caption: &'b [Inline],
}

/// The one warning of a table: too wide for the page, or words broken in its cells.
fn table_warning(
    problem: Option<crate::layout::table::TableProblem>,
    broken: &[String],
) -> Option<String> {
    match problem {
        Some(crate::layout::table::TableProblem::Split { parts, size }) => Some(format!(
            "a table is too wide for the page even at {:.1} pt; it is set in {parts} parts of its columns, one under another, each opening with the first column",
            size.0
        )),
        Some(crate::layout::table::TableProblem::Squeezed { size }) => Some(format!(
            "a table is too wide for the page even at {:.1} pt, a column wider than the page by itself; its columns are squeezed and long words broken",
            size.0
        )),
        None if !broken.is_empty() => Some(format!(
            "{} word{} of a table {} wider than {} column and {} broken: {}",
            broken.len(),
            if broken.len() == 1 { "" } else { "s" },
            if broken.len() == 1 { "is" } else { "are" },
            if broken.len() == 1 { "its" } else { "their" },
            if broken.len() == 1 { "was" } else { "were" },
            broken
                .iter()
                .take(3)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        )),
        None => None,
    }
}

/// A blank line after a block, unless one is already there (a verse or a
/// quote closing the block has left its own).
fn space_unless_after_one(out: &mut Vec<VItem>) {
    if !matches!(
        out.last(),
        Some(VItem {
            content: Content::Space,
            discardable: true,
            ..
        })
    ) {
        out.push(VItem::space(1, true, 0.0));
    }
}

impl GalleyBuilder<'_, '_, '_> {
    /// A code block's lines, every space kept (tabs every 4 columns): set in
    /// the code face, smaller (down to a floor) when a line is too long, and
    /// wrapped, each continuation marked ↪, when even that is not enough.
    /// Also gives the first wrapped line's number in the block (from 0).
    fn code_lines(&mut self, text: &str, measure: Pt) -> (Vec<Line>, Option<u32>) {
        const TAB: usize = 4;
        const FLOOR: f64 = 0.85;
        let expanded: Vec<String> = text
            .split('\n')
            .map(|line| {
                let mut out = String::with_capacity(line.len());
                for c in line.chars() {
                    if c == '\t' {
                        let to = (out.chars().count() / TAB + 1) * TAB;
                        while out.chars().count() < to {
                            out.push(' ');
                        }
                    } else {
                        out.push(c);
                    }
                }
                out.trim_end().to_string()
            })
            .collect();
        let size = self.scale.code;
        let column = self.setter.measure_text("0", Style::Mono, size).0.max(0.1);
        let longest = expanded
            .iter()
            .map(|l| l.chars().count())
            .max()
            .unwrap_or(0);
        let natural = longest as f64 * column;
        let size = if natural > measure.0 {
            Pt((size.0 * measure.0 / natural).max(size.0 * FLOOR))
        } else {
            size
        };
        let column = column * size.0 / self.scale.code.0;
        let columns = ((measure.0 / column).floor() as usize).max(8);
        let mark = "↪ ";
        let mut lines = Vec::new();
        let mut offset = 0u32;
        let mut wrapped = None;
        for (number, (source, line)) in text.split('\n').zip(&expanded).enumerate() {
            let chars: Vec<char> = line.chars().collect();
            let mut at = 0;
            let mut first = true;
            loop {
                let room = if first { columns } else { columns - 2 };
                let mut end = (at + room).min(chars.len());
                if end < chars.len() {
                    // Break after a space where there is one in the second half.
                    if let Some(space) = (at + room / 2..end).rev().find(|&i| chars[i] == ' ') {
                        end = space + 1;
                    }
                    wrapped.get_or_insert(number as u32);
                }
                let piece: String = chars[at..end].iter().collect();
                let shown = if first {
                    piece
                } else {
                    format!("{mark}{piece}")
                };
                let mut set = self.setter.set_verbatim(&shown, Style::Mono, size);
                set.start = offset + at.min(source.chars().count()) as u32;
                lines.push(set);
                first = false;
                at = end;
                if at >= chars.len() {
                    break;
                }
            }
            offset += source.chars().count() as u32 + 1;
            // The text read from the page keeps the block's lines a word apart.
            if number + 1 < expanded.len()
                && let Some(last) = lines.last_mut()
            {
                self.setter.end_with_space(last);
            }
        }
        (lines, wrapped)
    }

    pub(super) fn block(&mut self, block: &Block, level: Nesting, out: &mut Vec<VItem>) {
        match &block.kind {
            BlockKind::Heading {
                level: heading,
                content,
                numeral,
                ..
            } => self.heading(block, *heading, content, *numeral, out),
            BlockKind::Paragraph { content, indent } => {
                self.paragraph(block, content, *indent, level, out)
            }
            BlockKind::Verse { content, indents } => {
                self.verse_block(block, content, indents, level, out)
            }
            BlockKind::Display { content, role } => {
                self.display_block(block, content, *role, level, out)
            }
            BlockKind::Div {
                classes, blocks, ..
            } => self.div_block(classes, blocks, level, out),
            BlockKind::Definitions(children) => {
                out.push(VItem::space(1, true, 0.0));
                self.definitions(children, level, out);
                space_unless_after_one(out);
            }
            // Outside a list (never made so), set as a list would set them.
            BlockKind::Term { content } => self.term(block.id, content, level, out),
            BlockKind::Definition(blocks) => {
                for inner in blocks {
                    self.block(inner, level.list(), out);
                }
            }
            BlockKind::PageBreak => {
                // An empty item that vanishes at a page's top or foot: where a
                // page already ends, it asks for nothing more.
                out.push(VItem::space(0, true, FORCED_BREAK));
            }
            BlockKind::Quote(blocks) => self.quote(blocks, level, out),
            BlockKind::List { items, .. } => {
                for item in items {
                    let first = out.len();
                    for inner in &item.blocks {
                        self.block(inner, level.list(), out);
                    }
                    self.add_marker(&item.marker, &mut out[first..]);
                }
            }
            BlockKind::SceneBreak => self.scene_break(block, out),
            BlockKind::Code { text } => self.code(block, text, level, out),
            BlockKind::Figure { image, caption, .. } => {
                self.figure(block, *image, caption, level, out)
            }
            BlockKind::Table {
                columns,
                head,
                rows,
                caption,
            } => {
                let table = TableBlock {
                    columns,
                    head: head.as_deref(),
                    rows,
                    caption,
                };
                self.table(block, table, level, out)
            }
            BlockKind::Contents(_) => {}
        }
    }

    /// A heading, at the size its level and kind take, kept with the line after it.
    fn heading(
        &mut self,
        block: &Block,
        heading: u8,
        content: &[Inline],
        numeral: bool,
        out: &mut Vec<VItem>,
    ) {
        out.push(VItem::space(1, true, 0.0));
        let look = if numeral {
            self.scale.looks.section_number
        } else if heading <= 2 {
            self.scale.looks.heading
        } else {
            self.scale.looks.subheading
        };
        // A heading and the line of text kept with it fit on a page.
        let room = (self.geometry.lines as u32).saturating_sub(3);
        let set = self.display(content, &look, room, block.span);
        out.extend(set.into_items(block.id, Role::Heading));
        out.push(VItem::space(1, false, INFINITY));
    }

    /// A paragraph of text, in the look of what holds it (a quote, a note, a
    /// div), with its drop cap when it opens the chapter.
    fn paragraph(
        &mut self,
        block: &Block,
        content: &[Inline],
        indent: bool,
        level: Nesting,
        out: &mut Vec<VItem>,
    ) {
        let (x, measure) = self.measure_at(level);
        if self.opening == Some(block.id)
            && level.left == 0
            && let Some(lines) = self.drop_cap(block.id, content, measure)
        {
            out.extend(lines);
            return;
        }
        let mut para = if let Some(div) = self.div {
            ParaStyle {
                hyphenate: self.hyphenate && div.align == Align::Justify,
                draft: self.draft,
                ..div.para(measure)
            }
        } else if level.right > 0 {
            let quote = self.scale.looks.block_quote;
            self.para(quote.style, quote.size, quote.align, measure)
        } else if self.in_note {
            let note = self.scale.looks.note;
            self.para(note.style, note.size, note.align, measure)
        } else {
            self.para(Style::Regular, self.scale.body, Align::Justify, measure)
        };
        // Centred or ranged text in a div is never indented.
        let ragged_div = self.div.is_some() && para.align != Align::Justify;
        if indent && !ragged_div {
            para.first_indent = self.scale.indent;
        }
        let lines = self.setter.set(content, &para);
        if level.left == 0 && level.right == 0 && !para.draft && !self.in_note && lines.len() > 1 {
            self.reshapable.push(Reshapable {
                block: block.id,
                para,
                x,
                drop_cap: None,
            });
        }
        self.push_paragraph(block.id, lines, x, Role::Body, out);
    }

    /// A poem's lines, with a blank line above and below.
    fn verse_block(
        &mut self,
        block: &Block,
        content: &[Inline],
        indents: &[u16],
        level: Nesting,
        out: &mut Vec<VItem>,
    ) {
        let (x, measure) = self.measure_at(level);
        if !matches!(
            out.last(),
            Some(VItem {
                content: Content::Space,
                ..
            })
        ) {
            out.push(VItem::space(1, true, 0.0));
        }
        self.verse(
            block.id,
            content,
            indents,
            (x, measure),
            level.right > 0,
            out,
        );
        out.push(VItem::space(1, true, 0.0));
    }

    /// A centred line of a generated page, a dedication or an epigraph's source.
    fn display_block(
        &mut self,
        block: &Block,
        content: &[Inline],
        role: DisplayRole,
        level: Nesting,
        out: &mut Vec<VItem>,
    ) {
        // A dedication is centred in italic; an epigraph's source ranged
        // right under the quotation, at its indent.
        let (style, align, x, measure) = match role {
            DisplayRole::Dedication => (
                Style::Italic,
                Align::Center,
                Pt::ZERO,
                self.geometry.measure,
            ),
            DisplayRole::Attribution => {
                let (x, measure) = self.measure_at(level.quote());
                (Style::Regular, Align::Right, x, measure)
            }
            _ => (
                Style::Regular,
                Align::Center,
                Pt::ZERO,
                self.geometry.measure,
            ),
        };
        let para = self.para(style, self.scale.body, align, measure);
        let lines = self.setter.set(content, &para);
        self.push_paragraph(block.id, lines, x, Role::Other, out);
    }

    /// A fenced div in the look its class has in the style (indented like a
    /// quote when the class says so).
    fn div_block(
        &mut self,
        classes: &[String],
        blocks: &[Block],
        level: Nesting,
        out: &mut Vec<VItem>,
    ) {
        let style = &self.book.style;
        let Some(class) = classes.iter().find_map(|c| style.class(c)) else {
            // A class the style does not know (resolve warned): set as the text around it.
            for inner in blocks {
                self.block(inner, level, out);
            }
            return;
        };
        let look = Look::new(&class.text, self.scale.body);
        let outer = self.div.replace(look);
        let inner_level = if class.indented {
            out.push(VItem::space(1, true, 0.0));
            level.quote()
        } else {
            level
        };
        for inner in blocks {
            self.block(inner, inner_level, out);
        }
        if class.indented {
            space_unless_after_one(out);
        }
        self.div = outer;
    }

    /// A block quote: indented both sides, a blank line above and below.
    fn quote(&mut self, blocks: &[Block], level: Nesting, out: &mut Vec<VItem>) {
        out.push(VItem::space(1, true, 0.0));
        for inner in blocks {
            self.block(inner, level.quote(), out);
        }
        // A verse closing the quote has already left its space.
        space_unless_after_one(out);
    }

    /// The ornament between scenes, kept with the text after it.
    fn scene_break(&mut self, block: &Block, out: &mut Vec<VItem>) {
        let ornament = self.ornament();
        // Never alone at a page's foot: the scene before ends on its page.
        if let Some(before) = out.last_mut()
            && before.break_after < ORPHAN
        {
            before.break_after = ORPHAN;
        }
        let para = self.para(
            Style::Regular,
            self.scale.body,
            Align::Center,
            self.geometry.measure,
        );
        for line in self.setter.set_text(&ornament, &para) {
            out.push(VItem {
                content: Content::Text {
                    line,
                    x: Pt::ZERO,
                    dy: Pt::ZERO,
                },
                role: Role::Other,
                lines: 1,
                discardable: false,
                // Keep the ornament with the text that follows it.
                break_after: INFINITY,
                pos: Some(TextPos {
                    block: block.id,
                    offset: 0,
                }),
                para: None,
                // An ornament between scenes is not read.
                mark: Mark::Artifact,
            });
        }
    }

    /// A code block, in the code face; a line too long even set smaller is
    /// wrapped, with a warning at that line.
    fn code(&mut self, block: &Block, text: &str, level: Nesting, out: &mut Vec<VItem>) {
        let (x, measure) = self.measure_at(level.list());
        let (lines, wrapped) = self.code_lines(text, measure);
        if let Some(first) = wrapped {
            // Point at the long line itself: after the fence, if there is one.
            let at = block.span.and_then(|span| {
                let mut at = self.book.locate(span)?;
                let source = &self.book.sources[span.file as usize].text;
                let opening = source.get(span.start as usize..)?.trim_start();
                let fenced = opening.starts_with("```") || opening.starts_with("~~~");
                at.line += first + u32::from(fenced);
                at.column = 1;
                Some(at)
            });
            self.found.push(
                crate::diag::Diagnostic::warning(
                    "a code line is too long for the page even set smaller; it is wrapped, with ↪ marking where it goes on",
                )
                .at(at)
                .with_hint("shorten the line, or break it where the language allows"),
            );
        }
        out.push(VItem::space(1, true, 0.0));
        self.push_paragraph(block.id, lines, x, Role::Other, out);
        out.push(VItem::space(1, true, 0.0));
    }

    /// A table with its caption above it, in lining figures; its one warning
    /// when it is too wide or its words were broken.
    fn table(
        &mut self,
        block: &Block,
        table: TableBlock<'_>,
        level: Nesting,
        out: &mut Vec<VItem>,
    ) {
        let TableBlock {
            columns,
            head,
            rows,
            caption,
        } = table;
        let (x, measure) = self.measure_at(level);
        out.push(VItem::space(1, true, 0.0));
        // The caption above the table, kept with it.
        let look = self.scale.looks.caption;
        let style = self.para(look.style, look.size, look.align, measure);
        for line in self.setter.set(caption, &style) {
            out.push(VItem {
                pos: None,
                content: Content::Text {
                    line,
                    x,
                    dy: Pt::ZERO,
                },
                role: Role::Other,
                lines: 1,
                discardable: false,
                break_after: INFINITY,
                para: None,
                mark: Mark::Block(block.id, Part::Caption),
            });
        }
        // The heavy rule above the table keeps its distance from the caption.
        if !caption.is_empty() {
            out.push(VItem::space(1, false, INFINITY));
        }
        // Tables keep lining figures, which line up in columns.
        let broken_before = self.setter.broken_words.len();
        let figures = self.setter.book.figures;
        self.setter.book.figures = crate::layout::shape::Features::LINING;
        let problem = crate::layout::table::table_items(
            self.setter,
            block.id,
            crate::model::link_count(caption),
            columns,
            head,
            rows,
            self.scale.body,
            x,
            measure,
            out,
        );
        self.setter.book.figures = figures;
        // Words broken in the cells are this table's one warning, not one each.
        let broken: Vec<String> = self.setter.broken_words.drain(broken_before..).collect();
        let message = table_warning(problem, &broken);
        if let Some(message) = message {
            self.found.push(
                crate::diag::Diagnostic::warning(message)
                    .at(block.span.and_then(|s| self.book.locate(s)))
                    .with_hint("use fewer columns or shorter cells, or a wider print.trim"),
            );
        }
        out.push(VItem::space(1, true, 0.0));
    }

    /// A definition list's entries, as the style sets them: each term run in
    /// before its first definition, the rest hanging under it at the
    /// indent (`Glossary::RunIn`), or each term on a line of its own with its
    /// definitions hanging under it (`Glossary::Hanging`).
    fn definitions(&mut self, children: &[Block], level: Nesting, out: &mut Vec<VItem>) {
        let run_in = self.book.style.glossary == crate::model::style::Glossary::RunIn;
        let mut i = 0;
        while i < children.len() {
            let block = &children[i];
            match &block.kind {
                BlockKind::Term { content } => {
                    let first = match children.get(i + 1).map(|b| &b.kind) {
                        Some(BlockKind::Definition(blocks)) if run_in => blocks.first(),
                        _ => None,
                    };
                    match first {
                        Some(
                            paragraph @ Block {
                                kind: BlockKind::Paragraph { content: text, .. },
                                ..
                            },
                        ) => {
                            self.run_in(block.id, content, paragraph.id, text, level, out);
                            if let Some(BlockKind::Definition(blocks)) =
                                children.get(i + 1).map(|b| &b.kind)
                            {
                                for inner in &blocks[1..] {
                                    self.block(inner, level.list(), out);
                                }
                            }
                            i += 2;
                            continue;
                        }
                        _ => self.term(block.id, content, level, out),
                    }
                }
                _ => self.block(block, level, out),
            }
            i += 1;
        }
    }

    /// A term on a line of its own, in the style's look, kept with the
    /// definition after it.
    fn term(
        &mut self,
        block: BlockId,
        content: &[crate::model::Inline],
        level: Nesting,
        out: &mut Vec<VItem>,
    ) {
        let (x, measure) = self.measure_at(level);
        let look = self.scale.looks.term;
        let para = ParaStyle {
            draft: self.draft,
            ..look.para(measure)
        };
        let lines = self.setter.set(content, &para);
        let count = lines.len();
        // Never the last line of a page: a term goes with its definition.
        for (k, line) in lines.into_iter().enumerate() {
            out.push(VItem::text_line(
                block,
                line,
                x,
                Role::Body,
                INFINITY,
                Some((block, k as u32 + 1, count as u32)),
            ));
        }
    }

    /// A term run in before its definition's first paragraph, as a
    /// dictionary sets it: the term in the style's look, a space, the
    /// definition, justified, its turnovers hanging at the indent. The first
    /// line's place is the term's; the others are the paragraph's.
    fn run_in(
        &mut self,
        term_block: BlockId,
        term: &[crate::model::Inline],
        paragraph: BlockId,
        text: &[crate::model::Inline],
        level: Nesting,
        out: &mut Vec<VItem>,
    ) {
        let (x, measure) = self.measure_at(level);
        let hang = self.scale.indent;
        let mut content = styled(term, &self.book.style.term);
        content.push(crate::model::Inline::Text(" ".into()));
        let term_chars = (crate::model::plain_text(term).chars().count() + 1) as u32;
        content.extend(text.iter().cloned());
        let mut para = self.para(
            Style::Regular,
            self.scale.body,
            Align::Justify,
            measure - hang,
        );
        para.first_indent = Pt(-hang.0);
        let lines = self.setter.set(&content, &para);
        for (k, mut item) in paragraph_items(paragraph, lines, x + hang, Role::Body).enumerate() {
            if let Content::Text { line, .. } = &mut item.content {
                if k == 0 {
                    line.start = 0;
                    item.pos = Some(TextPos {
                        block: term_block,
                        offset: 0,
                    });
                } else {
                    line.start = line.start.saturating_sub(term_chars);
                    item.pos = Some(TextPos {
                        block: paragraph,
                        offset: line.start,
                    });
                }
            }
            out.push(item);
        }
    }

    /// The scene-break ornament: the first of the style's that the text face
    /// has every character of.
    fn ornament(&self) -> String {
        let fallback = "*\u{a0}\u{a0}*\u{a0}\u{a0}*".to_string();
        self.book
            .style
            .scene_break
            .ornaments
            .iter()
            .find(|o| {
                o.chars()
                    .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
                    .all(|c| self.setter.shaper.has_char(Style::Regular, c))
            })
            .cloned()
            .unwrap_or(fallback)
    }
}
