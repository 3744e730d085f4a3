//! The galley: a section's blocks set as one vertical list of grid lines
//! (text lines, spaces, figures), each with the penalty for a page break
//! after it (widows, orphans, headings kept with their text) and the place
//! in the model where its text starts. Pagination cuts this list into pages.

use super::frame::{Mark, Part};
use super::geometry::{Look, PageGeometry, TypeScale};
use super::items::{Content, Role, VItem};
use super::linebreak::INFINITY;
use super::paragraph::{Align, Line, LineRun, Loosened, ParaStyle, RunRole, Setter};
use crate::fonts::Style;
use crate::model::{Block, BlockId, BlockKind, Book, DisplayRole, ImageId, Pt, Section, TextPos};

/// Penalty for a page break that leaves one line of a paragraph at the foot of a page.
pub const ORPHAN: f64 = 1_000_000.0;
/// Penalty for a page break that carries one line of a paragraph to the next page.
pub const WIDOW: f64 = 1_000_000.0;
/// Penalty for a page break inside a stanza (two lines or more each side):
/// more than a page a line short costs, less than one two lines short.
pub const STANZA_SPLIT: f64 = 3_000.0;
/// Penalty for a page break inside a verse paragraph longer than half a
/// page: less than a page a line short costs, as in prose.
pub const VERSE_PARAGRAPH_SPLIT: f64 = 200.0;

/// How deep indents go before nesting stops adding more (50 nested quotes must still fit).
const MAX_INDENT_LEVELS: usize = 4;

/// A footnote, set: its lines in the footnote size, from the top, each a
/// baseline of the note area holding one line or, in a table, a row's
/// cells side by side; each with its x from the text block's left edge.
#[derive(Debug, Clone)]
pub struct NoteBlock {
    pub lines: Vec<Vec<(Line, Pt, Mark)>>,
    pub pos: Option<TextPos>,
}

/// A body paragraph the pagination may set again a line longer or shorter:
/// a justified paragraph of the section's own text (not in a list or quote).
#[derive(Debug, Clone)]
pub struct Reshapable {
    pub block: BlockId,
    pub para: ParaStyle,
    pub x: Pt,
    /// The chapter's opening paragraph: its drop cap, set with it again.
    pub drop_cap: Option<std::sync::Arc<DropCap>>,
}

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

/// One section's galley.
#[derive(Debug, Clone, Default)]
pub struct Galley {
    pub items: Vec<VItem>,
    pub notes: Vec<NoteBlock>,
    /// Paragraphs that can be reshaped for full pages, in order.
    pub reshapable: Vec<Reshapable>,
    /// Grid lines the opening sink (the first item) may give up, so the opening
    /// page can take a line more without running long.
    pub opening_sink: u32,
}

/// How deeply a block is nested, in indent steps on each side.
#[derive(Debug, Clone, Copy, Default)]
struct Nesting {
    left: usize,
    right: usize,
}

impl Nesting {
    fn quote(self) -> Nesting {
        Nesting {
            left: self.left + 1,
            right: self.right + 1,
        }
    }

    fn list(self) -> Nesting {
        Nesting {
            left: self.left + 1,
            ..self
        }
    }
}

/// Builds galleys; holds what every block needs.
pub struct GalleyBuilder<'a, 's, 'f> {
    pub setter: &'a mut Setter<'s, 'f>,
    pub scale: TypeScale,
    pub geometry: PageGeometry,
    pub book: &'a Book,
    pub hyphenate: bool,
    pub draft: bool,
    /// Images set smaller than 300 dpi: (image, effective dpi).
    pub low_resolution: Vec<(ImageId, f64)>,
    /// Display text too tall for a page even at the body size: (where, its text, grid lines, room).
    pub too_tall: Vec<(Option<crate::model::Span>, String, u32, u32)>,
    /// Warnings about what was set (a table too wide for the measure).
    pub warnings: Vec<crate::diag::Diagnostic>,
    /// The section's reshapable paragraphs so far.
    pub reshapable: Vec<Reshapable>,
    /// The paragraph that opens the chapter being set (its drop cap).
    pub opening: Option<BlockId>,
    /// A footnote's blocks are being set (at the note's size, in its look).
    pub in_note: bool,
    /// The look of the fenced div being set (`::: {.epigraph}`), which its
    /// paragraphs and verse take.
    pub div: Option<Look>,
}

/// A page break the author asked for (`\newpage`): a page must end here.
pub const FORCED_BREAK: f64 = -INFINITY;

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

impl GalleyBuilder<'_, '_, '_> {
    fn para(&self, style: Style, size: Pt, align: Align, measure: Pt) -> ParaStyle {
        ParaStyle {
            hyphenate: self.hyphenate && align == Align::Justify,
            draft: self.draft,
            ..ParaStyle::plain(style, size, align, measure)
        }
    }

    /// A stanza: each line flush left at its indent (half an em per space
    /// written), never justified or hyphenated; a line too long for the
    /// measure turns over 2 em further in. A turnover never ends a page, a
    /// page break inside a stanza leaves two lines or more each side, and
    /// costs more than one between stanzas; `quoted` verse (in a quotation)
    /// is kept whole where it fits in half a page.
    fn verse(
        &mut self,
        block: BlockId,
        content: &[crate::model::Inline],
        indents: &[u16],
        (x, measure): (Pt, Pt),
        quoted: bool,
        out: &mut Vec<VItem>,
    ) {
        let body = self.scale.body;
        let hang = body * 2.0;
        let mut set: Vec<(Line, Pt, bool)> = Vec::new();
        let mut offset = 0u32;
        let verse_count = crate::model::verse_lines(content).count();
        // The stanza's links are numbered through its lines.
        self.setter.link_base = 0;
        for (i, line) in crate::model::verse_lines(content).enumerate() {
            let indent = body * (0.5 * f64::from(indents.get(i).copied().unwrap_or(0).min(16)));
            let room = Pt((measure.0 - indent.0 - hang.0).max(body.0 * 6.0));
            let mut para = match self.div {
                Some(div) => ParaStyle {
                    draft: self.draft,
                    ..div.para(room)
                },
                None => self.para(Style::Regular, body, Align::Left, room),
            };
            para.align = Align::Left;
            para.first_indent = Pt(-hang.0);
            let mut lines = self.setter.set(line, &para);
            self.setter.link_base += crate::model::link_count(line);
            // A line of verse reads a word apart from the next.
            if i + 1 < verse_count
                && let Some(last) = lines.last_mut()
            {
                self.setter.end_with_space(last);
            }
            let count = lines.len();
            for (k, mut l) in lines.into_iter().enumerate() {
                l.start += offset;
                set.push((l, x + indent + hang, k + 1 < count));
            }
            offset += crate::model::plain_text(line).chars().count() as u32 + 1;
        }
        self.setter.link_base = 0;
        let total = set.len();
        // A page breaks between stanzas where it can; inside a stanza it
        // leaves two lines or more each side, at a price between a page one
        // line short and one two lines short (so a stanza is split rather
        // than a page left two lines short). A long verse paragraph (more
        // than half a page) splits as a prose paragraph does, cheaper than
        // a page a line short.
        let split = if total > self.geometry.lines / 2 {
            VERSE_PARAGRAPH_SPLIT
        } else if quoted {
            // Verse quoted in running text is a block quotation: kept whole
            // where it fits in half a page.
            WIDOW / 2.0
        } else {
            STANZA_SPLIT
        };
        for (n, (line, at, turns_over)) in set.into_iter().enumerate() {
            let last = n + 1 == total;
            let break_after = if last {
                0.0
            } else if turns_over || n == 0 || n + 2 == total {
                WIDOW
            } else {
                split
            };
            out.push(VItem::text_line(
                block,
                line,
                at,
                Role::Other,
                break_after,
                None,
            ));
        }
    }

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

    /// The galley of a chapter, preface or back-matter section: an opening sink,
    /// the title, then the blocks.
    pub fn section(&mut self, section: &Section, sink_lines: u32) -> Galley {
        let mut galley = Galley::default();
        let mut blocks = section.blocks.iter().peekable();
        let looks = self.scale.looks;
        self.opening = crate::model::style::opening_paragraph(section)
            .filter(|_| self.book.style.opening.drop_cap >= 2)
            .map(|i| section.blocks[i].id);
        let heading = match blocks.peek() {
            Some(Block {
                kind:
                    BlockKind::Heading {
                        level: 1, content, ..
                    },
                id,
                span,
            }) => Some((content, *id, *span)),
            _ => None,
        };
        if heading.is_some() || section.label.is_some() {
            galley.items.push(VItem::space(sink_lines, false, INFINITY));
            galley.opening_sink = u32::from(sink_lines > 2);
            // The label, the title, the sink above and the space below fit the opening page.
            let mut room = (self.geometry.lines as u32).saturating_sub(sink_lines + 2);
            if let Some(label) = &section.label {
                let text = [crate::model::Inline::Text(label.text.clone())];
                let mut set = self.display(&text, &looks.label, room, heading.and_then(|h| h.2));
                room = room.saturating_sub(set.grid_lines() + 1);
                // The label is the style's, not the book's text: no place in
                // the page map; it is read with the chapter's title, a word
                // space apart, as one heading (or as the heading, when the
                // chapter has no title).
                let mark = match (heading, section.blocks.first()) {
                    (Some((content, id, _)), _) if !content.is_empty() => {
                        if let Some((line, ..)) = set.lines.last_mut() {
                            self.setter.end_with_space(line);
                        }
                        Mark::Block(id, Part::Text)
                    }
                    (_, Some(first)) => Mark::Block(first.id, Part::ChapterLabel),
                    (_, None) => Mark::Artifact,
                };
                galley
                    .items
                    .extend(set.into_items(BlockId(0), Role::Title).map(|item| VItem {
                        pos: None,
                        mark,
                        ..item
                    }));
                if heading.is_some_and(|(content, ..)| !content.is_empty()) {
                    galley.items.push(VItem::space(1, false, INFINITY));
                }
            }
            if let Some((content, id, span)) = heading {
                // A chapter opened by its label alone ("Chapter I") has an empty title.
                if !content.is_empty() {
                    let title = self.display(content, &looks.title, room, span);
                    galley.items.extend(title.into_items(id, Role::Title));
                }
                blocks.next();
            }
            if self.book.style.opening.rule {
                galley.items.push(VItem {
                    content: Content::Rule {
                        x: Pt::ZERO,
                        width: self.geometry.measure,
                        dy: -self.geometry.leading * 0.3,
                    },
                    role: Role::Other,
                    lines: 1,
                    discardable: false,
                    break_after: INFINITY,
                    pos: None,
                    para: None,
                    mark: Mark::Artifact,
                });
                galley.items.push(VItem::space(1, false, INFINITY));
            } else {
                galley.items.push(VItem::space(2, false, INFINITY));
            }
        } else if !section.blocks.is_empty() {
            // A section without a title still opens like one, at the sink.
            galley.items.push(VItem::space(sink_lines, false, INFINITY));
            galley.opening_sink = u32::from(sink_lines > 2);
        }
        // A title (the section's, or a heading's) and the headnote under it
        // (an epigraph, a dedication, a note) stay with the poem after them:
        // where the items after the last title start, while only such blocks followed.
        let mut headnote = Some(galley.items.len());
        for block in blocks {
            if let (Some(from), BlockKind::Verse { .. }) = (headnote, &block.kind) {
                keep_with_verse(&mut galley.items[from..], self.geometry.lines);
            }
            self.block(block, Nesting::default(), &mut galley.items);
            headnote = match &block.kind {
                BlockKind::Heading { .. } => Some(galley.items.len()),
                BlockKind::Quote(_)
                | BlockKind::Div { .. }
                | BlockKind::Paragraph { .. }
                | BlockKind::Display { .. } => headnote,
                _ => None,
            };
        }
        let hang = self.note_hang(section);
        for note in &section.notes {
            galley.notes.push(self.note(note, hang));
        }
        galley.reshapable = std::mem::take(&mut self.reshapable);
        galley
    }

    /// Display type in this galley's measure and grid (see [`set_display`]); too
    /// tall even at the body size, it is noted for an error and set anyway.
    fn display(
        &mut self,
        content: &[crate::model::Inline],
        look: &Look,
        room: u32,
        span: Option<crate::model::Span>,
    ) -> DisplayLines {
        let fit = DisplayFit {
            size: look.size,
            floor: self.scale.body.min(look.size),
            measure: self.geometry.measure,
            grid: self.geometry.leading,
            room,
        };
        let set = set_display(self.setter, content, look, &fit);
        if set.grid_lines() > room.max(1) {
            let text = crate::model::plain_text(content);
            self.too_tall.push((span, text, set.grid_lines(), room));
        }
        set
    }

    /// Left offset and measure at a nesting: lists indent on the left, quotes on both sides.
    fn measure_at(&self, level: Nesting) -> (Pt, Pt) {
        let step = self.scale.indent;
        let left = step * level.left.min(MAX_INDENT_LEVELS) as f64;
        let right = step * level.right.min(MAX_INDENT_LEVELS) as f64;
        (left, self.geometry.measure - left - right)
    }

    fn block(&mut self, block: &Block, level: Nesting, out: &mut Vec<VItem>) {
        match &block.kind {
            BlockKind::Heading {
                level: heading,
                content,
                numeral,
                ..
            } => {
                out.push(VItem::space(1, true, 0.0));
                let look = if *numeral {
                    self.scale.looks.section_number
                } else if *heading <= 2 {
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
            BlockKind::Paragraph { content, indent } => {
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
                if *indent && !ragged_div {
                    para.first_indent = self.scale.indent;
                }
                let lines = self.setter.set(content, &para);
                if level.left == 0
                    && level.right == 0
                    && !para.draft
                    && !self.in_note
                    && lines.len() > 1
                {
                    self.reshapable.push(Reshapable {
                        block: block.id,
                        para,
                        x,
                        drop_cap: None,
                    });
                }
                self.push_paragraph(block.id, lines, x, Role::Body, out);
            }
            BlockKind::Verse { content, indents } => {
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
            BlockKind::Display { content, role } => {
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
            BlockKind::Div {
                classes, blocks, ..
            } => {
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
                if class.indented
                    && !matches!(
                        out.last(),
                        Some(VItem {
                            content: Content::Space,
                            discardable: true,
                            ..
                        })
                    )
                {
                    out.push(VItem::space(1, true, 0.0));
                }
                self.div = outer;
            }
            BlockKind::Definitions(children) => {
                out.push(VItem::space(1, true, 0.0));
                self.definitions(children, level, out);
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
            BlockKind::Quote(blocks) => {
                out.push(VItem::space(1, true, 0.0));
                for inner in blocks {
                    self.block(inner, level.quote(), out);
                }
                // A verse closing the quote has already left its space.
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
            BlockKind::List { items, .. } => {
                for item in items {
                    let first = out.len();
                    for inner in &item.blocks {
                        self.block(inner, level.list(), out);
                    }
                    self.add_marker(&item.marker, &mut out[first..]);
                }
            }
            BlockKind::SceneBreak => {
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
            BlockKind::Code { text } => {
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
                    self.warnings.push(
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
            BlockKind::Figure { image, caption, .. } => {
                self.figure(block, *image, caption, level, out)
            }
            BlockKind::Table {
                columns,
                head,
                rows,
                caption,
            } => {
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
                self.setter.book.figures = super::shape::Features::LINING;
                let problem = super::table::table_items(
                    self.setter,
                    block.id,
                    crate::model::link_count(caption),
                    columns,
                    head.as_deref(),
                    rows,
                    self.scale.body,
                    x,
                    measure,
                    out,
                );
                self.setter.book.figures = figures;
                // Words broken in the cells are this table's one warning, not one each.
                let broken: Vec<String> = self.setter.broken_words.drain(broken_before..).collect();
                let message = match problem {
                    Some(super::table::TableProblem::Split { parts, size }) => Some(format!(
                        "a table is too wide for the page even at {:.1} pt; it is set in {parts} parts of its columns, one under another, each opening with the first column",
                        size.0
                    )),
                    Some(super::table::TableProblem::Squeezed { size }) => Some(format!(
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
                };
                if let Some(message) = message {
                    self.warnings.push(
                        crate::diag::Diagnostic::warning(message)
                            .at(block.span.and_then(|s| self.book.locate(s)))
                            .with_hint("use fewer columns or shorter cells, or a wider print.trim"),
                    );
                }
                out.push(VItem::space(1, true, 0.0));
            }
            BlockKind::Contents(_) => {}
        }
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

    /// The opening paragraph with a drop cap: its initial (with an opening
    /// quotation mark) set from the first line's cap height down to the
    /// baseline of the style's last dropped line, and those lines set beside
    /// it. A paragraph too short for the drop takes a shallower one (two
    /// lines), or none (`None`, set as usual). The paragraph stays reshapable.
    fn drop_cap(
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

    fn push_paragraph(
        &mut self,
        block: BlockId,
        lines: Vec<Line>,
        x: Pt,
        role: Role,
        out: &mut Vec<VItem>,
    ) {
        out.extend(paragraph_items(block, lines, x, role));
    }

    /// Hangs a list marker in front of the item's first line.
    fn add_marker(&mut self, marker: &str, item_lines: &mut [VItem]) {
        let Some(first) = item_lines
            .iter_mut()
            .find(|i| matches!(i.content, Content::Text { .. }))
        else {
            return;
        };
        let para = self.para(
            Style::Regular,
            self.scale.body,
            Align::Left,
            self.geometry.measure,
        );
        let Some(marker_line) = self.setter.set_text(marker, &para).into_iter().next() else {
            return;
        };
        if let Content::Text { line, .. } = &mut first.content {
            let gap = self.scale.body * 0.5;
            let shift = -(marker_line.width + gap);
            let runs: Vec<LineRun> = marker_line
                .runs
                .into_iter()
                .map(|mut r| {
                    r.x += shift;
                    r.role = RunRole::Label;
                    r
                })
                .collect();
            line.runs.splice(0..0, runs);
        }
    }

    fn figure(
        &mut self,
        block: &Block,
        image: ImageId,
        caption: &[crate::model::Inline],
        level: Nesting,
        out: &mut Vec<VItem>,
    ) {
        let Some(asset) = self.book.images.get(image.0 as usize) else {
            return;
        };
        let decorative = matches!(
            &block.kind,
            BlockKind::Figure {
                decorative: true,
                ..
            }
        );
        let (x, measure) = self.measure_at(level);
        let leading = self.geometry.leading;
        let look = self.scale.looks.caption;
        let caption_style = self.para(look.style, look.size, look.align, measure);
        let caption_lines = self.setter.set(caption, &caption_style);
        // Natural size: one pixel per point; never wider than the measure nor taller than a page.
        let max_height = leading * (self.geometry.lines as f64 - caption_lines.len() as f64 - 2.0);
        let mut width = Pt(asset.width as f64).min(measure);
        let mut height = width * (asset.height as f64 / asset.width as f64);
        if height.0 > max_height.0 {
            height = max_height;
            width = height * (asset.width as f64 / asset.height as f64);
        }
        let dpi = asset.width as f64 / width.inches();
        if dpi < 300.0 {
            self.low_resolution.push((image, dpi));
        }
        let lines = (height.0 / leading.0).ceil() as u32;
        out.push(VItem::space(1, true, 0.0));
        out.push(VItem {
            content: Content::Figure {
                image,
                x: x + (measure - width) / 2.0,
                width,
                height,
            },
            role: Role::Other,
            lines,
            discardable: false,
            break_after: if caption_lines.is_empty() {
                0.0
            } else {
                INFINITY
            },
            pos: Some(TextPos {
                block: block.id,
                offset: 0,
            }),
            para: None,
            mark: if decorative {
                Mark::Artifact
            } else {
                Mark::Block(block.id, Part::Text)
            },
        });
        let count = caption_lines.len();
        for (i, line) in caption_lines.into_iter().enumerate() {
            out.push(VItem {
                pos: Some(TextPos {
                    block: block.id,
                    offset: line.start,
                }),
                content: Content::Text {
                    line,
                    x,
                    dy: Pt::ZERO,
                },
                role: Role::Other,
                lines: 1,
                discardable: false,
                break_after: if i + 1 == count { 0.0 } else { INFINITY },
                para: None,
                mark: Mark::Block(block.id, Part::Caption),
            });
        }
        out.push(VItem::space(1, true, 0.0));
    }

    /// The width footnote numbers hang in: the widest of the section's
    /// labels, and a space after it.
    fn note_hang(&mut self, section: &Section) -> Pt {
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
    fn note(&mut self, note: &crate::model::Footnote, hang: Pt) -> NoteBlock {
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
                self.warnings.push(
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

impl NoteBlock {
    /// Height of the note in grid lines (with the given leadings).
    pub fn height(&self, note_leading: Pt) -> Pt {
        note_leading * self.lines.len() as f64
    }
}

/// A title's headnote (the items between a heading and the poem after it):
/// no page ends inside it or after it, so the title, the headnote and the
/// poem's first lines share a page. A headnote longer than a third of a
/// page is text of its own, and breaks as text does.
fn keep_with_verse(items: &mut [VItem], page_lines: usize) {
    let lines: u32 = items.iter().map(|i| i.lines).sum();
    if items.is_empty() || lines as usize > page_lines / 3 {
        return;
    }
    for item in items {
        item.break_after = INFINITY;
    }
}

/// Inlines in a text style's face and case, to run in with text of another
/// look (a run-in term): bold as strong, italic as emphasis, small capitals
/// as marked.
fn styled(
    content: &[crate::model::Inline],
    text: &crate::model::style::TextStyle,
) -> Vec<crate::model::Inline> {
    use crate::model::style::{Case, Face};
    use crate::model::{Inline, TextMark};
    let mut inlines = content.to_vec();
    inlines = match text.case {
        Case::SmallCaps => vec![Inline::Marked {
            mark: TextMark::SmallCaps,
            content: inlines,
        }],
        Case::AllSmallCaps => vec![Inline::Marked {
            mark: TextMark::Capitals,
            content: inlines,
        }],
        Case::AsWritten | Case::Upper => inlines,
    };
    if text.face.is_italic() {
        inlines = vec![Inline::Emphasis(inlines)];
    }
    if matches!(text.face, Face::Bold | Face::BoldItalic) {
        inlines = vec![Inline::Strong(inlines)];
    }
    inlines
}

/// A paragraph's lines as galley items, each with the cost of a page break
/// after it (a single line left at the foot or carried to the top costs most).
pub fn paragraph_items(
    block: BlockId,
    lines: Vec<Line>,
    x: Pt,
    role: Role,
) -> impl Iterator<Item = VItem> {
    let count = lines.len() as u32;
    lines.into_iter().enumerate().map(move |(i, line)| {
        let n = i as u32 + 1;
        let break_after = if n == count {
            0.0
        } else if n == 1 {
            ORPHAN
        } else if n + 1 == count {
            WIDOW
        } else {
            0.0
        };
        VItem::text_line(block, line, x, role, break_after, Some((block, n, count)))
    })
}
