//! The galley: a section's blocks set as one vertical list of grid lines
//! (text lines, spaces, figures), each with the penalty for a page break
//! after it (widows, orphans, headings kept with their text) and the place
//! in the model where its text starts. Pagination cuts this list into pages.

mod blocks;
mod display;
mod drop_cap;
mod figure;
mod notes;
mod verse;

pub use display::{DISPLAY_LEADING, DisplayFit, DisplayLines, set_display};
pub use drop_cap::DropCap;
pub use notes::NoteBlock;

use crate::fonts::Style;
use crate::layout::frame::{Mark, Part};
use crate::layout::geometry::{Look, PageGeometry, TypeScale};
use crate::layout::items::{Content, Role, VItem};
use crate::layout::linebreak::INFINITY;
use crate::layout::paragraph::{Align, Line, LineRun, Loosened, ParaStyle, RunRole, Setter};
use crate::model::{
    Block, BlockId, BlockKind, Book, DisplayRole, ImageId, Inline, Pt, Section, TextPos,
};

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
    /// What setting found: warnings (a table too wide for the measure) and
    /// errors (display text too tall for a page even at the body size).
    pub found: crate::diag::Sink,
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

impl GalleyBuilder<'_, '_, '_> {
    fn para(&self, style: Style, size: Pt, align: Align, measure: Pt) -> ParaStyle {
        ParaStyle {
            hyphenate: self.hyphenate && align == Align::Justify,
            draft: self.draft,
            ..ParaStyle::plain(style, size, align, measure)
        }
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
            let shown: String = text.chars().take(60).collect();
            let more = if text.chars().count() > 60 { "…" } else { "" };
            self.found.push(
                crate::diag::Diagnostic::error(format!(
                    "a heading is too long for a page even at the body size: “{shown}{more}”"
                ))
                .at(span.and_then(|s| self.book.locate(s)))
                .with_hint(format!(
                    "shorten it: at this trim a heading may take {room} lines of the page"
                )),
            );
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
