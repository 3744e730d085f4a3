//! Composing pages: placing a page's galley items on the baseline grid,
//! footnotes at the foot, running heads and folios (at the outside, none on
//! opening and blank pages, a drop folio at the foot of an opener), and the
//! page's entry in the page map.

use super::frame::{self, GlyphRun, Item, Mark, Page, Part, Side};
use super::galley::Galley;
use super::geometry::Look;
use super::geometry::{PageGeometry, TypeScale};
use super::items::{Content, Role};
use super::paginate::PageSlice;
use super::paragraph::{Align, Line, ParaStyle, RunRole, Setter};
use crate::model::{BlockId, Pt, TextPos};

/// What goes in the margins of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Furniture {
    /// Running head text and folio at the head.
    Head { text: String, folio: String },
    /// Folio alone, centred at the foot (opening pages).
    DropFolio(String),
    /// Nothing (blank pages, title pages).
    None,
}

/// A page as layout builds it, before it becomes a frame page.
#[derive(Debug, Clone)]
pub struct ComposedPage {
    pub page: Page,
    /// First text on the page, for the page map.
    pub first: Option<TextPos>,
    pub depth: u32,
    /// Index of the section the page belongs to.
    pub section: usize,
    pub blank: bool,
    pub opening: bool,
    /// The page ends where the author asked for a new page (`\newpage`):
    /// short by design, never a fault.
    pub asked_break: bool,
}

/// What the report and the dump need to know of a line on a page.
#[derive(Debug, Clone)]
pub struct LineFact {
    /// Grid line on the page (0-based).
    pub grid: u32,
    /// Shared with the cached copy a rebuild takes.
    pub text: std::sync::Arc<str>,
    pub ratio: f64,
    pub hyphenated: bool,
    pub overfull: bool,
    pub role: Role,
    pub para: Option<(BlockId, u32, u32)>,
    /// Where the line's text starts in the model (the preview's click-to-sync).
    pub pos: Option<TextPos>,
    pub spaces_em: std::sync::Arc<[f32]>,
}

/// The facts of the lines of one page.
pub fn facts(galley: &Galley, slice: &PageSlice) -> Vec<LineFact> {
    let mut out = Vec::new();
    let mut grid = 0;
    for (k, item) in galley.items[slice.items.clone()].iter().enumerate() {
        if let Content::Text { line, .. } = &item.content {
            out.push(LineFact {
                grid,
                text: line.text().into(),
                ratio: line.ratio,
                hyphenated: line.hyphenated,
                overfull: line.overfull,
                role: item.role,
                para: item.para,
                pos: item.pos,
                spaces_em: line.spaces_em.as_slice().into(),
            });
        }
        grid += item_height(item, k, slice);
    }
    out
}

/// Grid lines item `k` of a slice takes on its page (the first may give some
/// up, or bring a table's header with it).
fn item_height(item: &super::items::VItem, k: usize, slice: &PageSlice) -> u32 {
    if k == 0 {
        item.lines.saturating_sub(slice.lead_trim) + item.repeat_lines()
    } else {
        item.lines
    }
}

/// A table row's cells from grid line `at`, with its rules: one above sits in
/// the space over the row's first line, one below just under its last line.
/// A header row set again at the top of a later page (`repeated`) is an artifact.
fn place_row(
    items: &mut Vec<Item>,
    row: &super::items::TableRow,
    left: Pt,
    geometry: &PageGeometry,
    at: usize,
    repeated: bool,
) {
    for ((lines, x), mark) in row.cells.iter().zip(&row.marks) {
        let mark = if repeated { Mark::Artifact } else { *mark };
        for (n, set) in lines.iter().enumerate() {
            place_line(items, set, left + *x, geometry.baseline(at + n), mark);
        }
    }
    let rule = |items: &mut Vec<Item>, y: Pt, width: Pt| {
        items.push(Item::Rule {
            x1: left + row.left,
            y1: y,
            x2: left + row.left + row.width,
            y2: y,
            width,
        });
    };
    if let Some(width) = row.rule_above {
        rule(
            items,
            geometry.baseline(at) - geometry.leading * 0.82,
            width,
        );
    }
    if let Some(width) = row.rule_below {
        let last = at + row.lines() as usize - 1;
        // Clear of the last row's descenders (a quarter em at the table's size).
        rule(
            items,
            geometry.baseline(last) + geometry.leading * 0.42,
            width,
        );
    }
}

/// Writes one set line's runs onto a page at a baseline (with a rule through
/// struck-through runs, at the height of a lower-case letter's middle), each
/// run tagged as what it is in `mark`'s block (its text, a marker, a note
/// reference) or as an artifact.
pub fn place_line(items: &mut Vec<Item>, line: &Line, left: Pt, baseline: Pt, mark: Mark) {
    if !line.outlines.is_empty() {
        let x = left + line.x;
        items.push(Item::Path {
            rings: line
                .outlines
                .iter()
                .map(|ring| {
                    ring.iter()
                        .map(|&(px, py, control)| (x + Pt(px), baseline + Pt(py), control))
                        .collect()
                })
                .collect(),
            color: frame::Rgb::BLACK,
        });
    }
    for run in &line.runs {
        if run.glyphs.is_empty() {
            continue;
        }
        if run.strike {
            let first = run.glyphs.first().map_or(Pt::ZERO, |g| g.x);
            let end = run.glyphs.last().map_or(Pt::ZERO, |g| g.x + g.advance);
            let x = left + line.x + run.x;
            let y = baseline - run.rise - run.size * 0.25;
            items.push(Item::Rule {
                x1: x + first,
                y1: y,
                x2: x + end,
                y2: y,
                width: run.size * 0.05,
            });
        }
        let run_mark = match (mark, run.role) {
            (Mark::Artifact, _) | (_, RunRole::Artifact) => Mark::Artifact,
            (Mark::Block(block, part), RunRole::Text) => Mark::Block(block, part),
            (Mark::Block(block, _), RunRole::Label) => Mark::Block(block, Part::Label),
            (Mark::Block(block, _), RunRole::NoteRef(note)) => {
                Mark::Block(block, Part::NoteRef(note))
            }
            (Mark::Block(block, _), RunRole::Link(link)) => Mark::Block(block, Part::Link(link)),
            (Mark::Block(block, _), RunRole::Language(lang)) => {
                Mark::Block(block, Part::Language(lang))
            }
        };
        items.push(Item::Glyphs(GlyphRun {
            mark: run_mark,
            hidden: run.hidden,
            style: run.style,
            size: run.size,
            x: left + line.x + run.x,
            y: baseline - run.rise,
            glyphs: run.glyphs.clone(),
            text: run.text.clone(),
            color: frame::Rgb::BLACK,
            rotation: 0.0,
            slant: run.slant,
        }));
    }
}

/// Where a page's text starts in the model. A page of notes alone (a long
/// note going on after its section's text) starts at the end of the text
/// before it: its notes are not where the ebook's pages run.
pub fn first_text(galley: &Galley, slice: &PageSlice) -> Option<TextPos> {
    let items = &galley.items;
    match items[slice.items.clone()].iter().find_map(|i| i.pos) {
        Some(first) => Some(first),
        None if slice.items.is_empty() && !slice.notes.is_empty() => items
            [..slice.items.start.min(items.len())]
            .iter()
            .rev()
            .find_map(|i| i.pos)
            .map(|before| TextPos {
                block: before.block,
                offset: u32::MAX,
            }),
        None => None,
    }
}

/// Places one slice of a galley on a page.
pub fn compose_slice(
    galley: &Galley,
    slice: &PageSlice,
    geometry: &PageGeometry,
    scale: &TypeScale,
    side: Side,
) -> (Vec<Item>, Option<TextPos>) {
    let mut items = Vec::new();
    let left = geometry.text_left(side == Side::Recto);
    let mut line = 0usize;
    let first = first_text(galley, slice);
    for (k, item) in galley.items[slice.items.clone()].iter().enumerate() {
        match &item.content {
            Content::Text { line: set, x, dy } => place_line(
                &mut items,
                set,
                left + *x,
                geometry.baseline(line) + *dy,
                item.mark,
            ),
            Content::Space => {}
            Content::Rule { x, width, dy } => {
                let y = geometry.baseline(line) + *dy;
                items.push(Item::Rule {
                    x1: left + *x,
                    y1: y,
                    x2: left + *x + *width,
                    y2: y,
                    width: Pt(0.5),
                });
            }
            Content::Figure {
                image,
                x,
                width,
                height,
            } => {
                // The image hangs from the cap height of its first grid line.
                let top = geometry.baseline(line) - scale.body * 0.72;
                items.push(Item::Image {
                    image: *image,
                    x: left + *x,
                    y: top,
                    width: *width,
                    height: *height,
                    mark: item.mark,
                });
            }
            Content::Row(row) => {
                let mut at = line;
                // A table row that starts the page brings its header with it.
                if k == 0
                    && let Some(head) = &row.repeat
                {
                    place_row(&mut items, head, left, geometry, at, true);
                    at += head.lines() as usize;
                }
                place_row(&mut items, row, left, geometry, at, false);
            }
        }
        line += item_height(item, k, slice) as usize;
    }
    if !slice.notes.is_empty() {
        place_notes(&mut items, galley, slice, geometry, scale, left);
    }
    (items, first)
}

/// Footnotes at the foot of the page, above the last grid line, under a
/// short rule; under a rule the measure's width when the foot begins with a
/// note continued from the page before, as a reader's sign that it goes on.
fn place_notes(
    items: &mut Vec<Item>,
    galley: &Galley,
    slice: &PageSlice,
    geometry: &PageGeometry,
    scale: &TypeScale,
    left: Pt,
) {
    let last = slice.notes.len().saturating_sub(1);
    // Each note's lines this page sets: the first may have begun before, the
    // last may go on after.
    let lines: Vec<&Vec<(Line, Pt, Mark)>> = slice
        .notes
        .iter()
        .enumerate()
        .filter_map(|(k, &n)| Some((k, galley.notes.get(n as usize)?)))
        .flat_map(|(k, note)| {
            let skip = if k == 0 { slice.note_skip as usize } else { 0 };
            let cut = if k == last {
                slice.note_cut as usize
            } else {
                0
            };
            let end = note.lines.len().saturating_sub(cut).max(skip);
            note.lines[skip.min(end)..end].iter()
        })
        .collect();
    let count = lines.len();
    let bottom = geometry.baseline(slice.depth.saturating_sub(1) as usize);
    let mut baseline = bottom - scale.note_leading * (count.saturating_sub(1)) as f64;
    let rule_y = baseline - scale.note_leading - scale.note * 0.2;
    let rule_width = if slice.note_skip > 0 { 1.0 } else { 0.25 };
    items.push(Item::Rule {
        x1: left,
        y1: rule_y,
        x2: left + geometry.measure * rule_width,
        y2: rule_y,
        width: Pt(0.75),
    });
    for parts in lines {
        for (line, x, mark) in parts {
            place_line(items, line, left + *x, baseline, *mark);
        }
        baseline += scale.note_leading;
    }
}

/// Running heads as set, by their text: a head is the same line on every
/// page it runs over, set once (a long one is tried at four sizes).
pub type Heads = rustc_hash::FxHashMap<String, Option<Line>>;

/// Adds the running head and folio (or drop folio) to a page; `false` when
/// the head was too long to set even smaller and was left off.
pub fn furnish(
    page: &mut Page,
    furniture: &Furniture,
    geometry: &PageGeometry,
    scale: &TypeScale,
    setter: &mut Setter<'_, '_>,
    heads: &mut Heads,
) -> bool {
    let recto = page.side == Side::Recto;
    let left = geometry.text_left(recto);
    let single = |setter: &mut Setter<'_, '_>, text: &str, look: &Look, factor: f64| {
        let para = ParaStyle {
            draft: true,
            align: Align::Left,
            size: look.size * factor,
            // Spaced capitals close up before they shrink.
            tracking: look.tracking * ((factor - 0.85) / 0.1).clamp(0.0, 1.0),
            ..look.para(Pt(1e6))
        };
        setter.set_text(text, &para).into_iter().next()
    };
    let (head, folio_look) = (scale.looks.running_head, scale.looks.folio);
    match furniture {
        Furniture::None => {}
        Furniture::DropFolio(folio) => {
            if let Some(mut line) = single(setter, folio, &folio_look, 1.0) {
                line.x = (geometry.measure - line.width) / 2.0;
                place_line(
                    &mut page.items,
                    &line,
                    left,
                    geometry.foot_baseline,
                    Mark::Artifact,
                );
            }
        }
        Furniture::Head { text, folio } => {
            if let Some(mut line) = single(setter, folio, &folio_look, 1.0) {
                line.x = if recto {
                    geometry.measure - line.width
                } else {
                    Pt::ZERO
                };
                place_line(
                    &mut page.items,
                    &line,
                    left,
                    geometry.head_baseline,
                    Mark::Artifact,
                );
            }
            if !text.is_empty() {
                // A head never truncates: too long, it is set a little smaller,
                // down to 85 %; longer still, the page goes without it.
                let room = geometry.measure * 0.7;
                let fitted = heads.entry(text.clone()).or_insert_with(|| {
                    [1.0, 0.95, 0.9, 0.85].into_iter().find_map(|factor| {
                        let factor: f64 = factor;
                        single(setter, text, &head, factor).filter(|line| line.width.0 <= room.0)
                    })
                });
                match fitted.clone() {
                    Some(mut line) => {
                        line.x = (geometry.measure - line.width) / 2.0;
                        place_line(
                            &mut page.items,
                            &line,
                            left,
                            geometry.head_baseline,
                            Mark::Artifact,
                        );
                    }
                    None => return false,
                }
            }
        }
    }
    true
}

/// Lower-case roman numerals for front-matter folios.
pub fn roman(mut n: usize) -> String {
    const TABLE: [(usize, &str); 13] = [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ];
    let mut out = String::new();
    for (value, numeral) in TABLE {
        while n >= value {
            out.push_str(numeral);
            n -= value;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::roman;

    #[test]
    fn roman_numerals() {
        assert_eq!(roman(1), "i");
        assert_eq!(roman(4), "iv");
        assert_eq!(roman(9), "ix");
        assert_eq!(roman(14), "xiv");
        assert_eq!(roman(48), "xlviii");
    }
}
