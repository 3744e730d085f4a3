//! The designed pages of the front matter: half title, title page, copyright
//! page (small print stacked at the foot) and the contents (titles with
//! their folios at the right, one line per entry, continued over pages).

use std::collections::HashMap;

use super::frame::Item;
use super::galley::{DisplayFit, Galley, set_display};
use super::geometry::{PageGeometry, TypeScale};
use super::items::{Content, Role, VItem};
use super::linebreak::INFINITY;
use super::paragraph::{Align, Line, ParaStyle, Setter};
use crate::fonts::Style;
use crate::model::{Block, BlockKind, ContentsEntry, DisplayRole, Pt, Section, TextPos};

fn para(style: Style, size: Pt, align: Align, measure: Pt) -> ParaStyle {
    ParaStyle::plain(style, size, align, measure)
}

fn displays(section: &Section) -> impl Iterator<Item = (&Block, DisplayRole)> {
    section.blocks.iter().filter_map(|b| match &b.kind {
        BlockKind::Display { role, .. } => Some((b, *role)),
        _ => None,
    })
}

/// Display lines on the half title and title page, at 1.25 × their size.
const PAGE_LEADING: f64 = 1.25;
/// Each try at fitting a display page sets its type this much smaller.
const SHRINK: f64 = 0.9;

/// A display block's lines, balanced and centred: "What Kazakhstan Can Learn / from Black Lives Matter".
fn balanced(
    setter: &mut Setter<'_, '_>,
    block: &Block,
    style: Style,
    size: Pt,
    geometry: &PageGeometry,
) -> Vec<Line> {
    let BlockKind::Display { content, .. } = &block.kind else {
        return Vec::new();
    };
    let text = crate::model::plain_text(content);
    setter.set_balanced(&text, &para(style, size, Align::Center, geometry.measure))
}

/// One display block set for a display page: its role, lines and size.
struct Stacked {
    block: crate::model::BlockId,
    role: DisplayRole,
    lines: Vec<Line>,
    size: Pt,
}

/// The baseline after a block's lines set from `y`.
fn after(y: Pt, stacked: &Stacked) -> Pt {
    y + stacked.size * PAGE_LEADING * stacked.lines.len() as f64
}

/// The book.toml key a display role's text comes from.
fn key_of(role: DisplayRole) -> &'static str {
    match role {
        DisplayRole::Subtitle => "subtitle",
        DisplayRole::Author => "authors",
        DisplayRole::Publisher => "publisher",
        _ => "title",
    }
}

/// Half title, title page or copyright page: the items, the first text's place,
/// and, when the text is too long for the page even at the body size, the
/// book.toml key to shorten.
pub fn display_page(
    section: &Section,
    setter: &mut Setter<'_, '_>,
    geometry: &PageGeometry,
    scale: &TypeScale,
    recto: bool,
) -> (Vec<Item>, Option<TextPos>, Option<&'static str>) {
    let mut items = Vec::new();
    let left = geometry.text_left(recto);
    let first = displays(section).next().map(|(b, _)| TextPos {
        block: b.id,
        offset: 0,
    });
    let grid = |line: usize| geometry.baseline(line);
    let bottom = grid(geometry.lines - 1);
    match section.kind {
        crate::model::SectionKind::HalfTitle | crate::model::SectionKind::TitlePage => {
            let half = section.kind == crate::model::SectionKind::HalfTitle;
            // The largest sizes, a tenth smaller each try down to the body size, that fit.
            let mut factor = 1.0;
            let (stack, overflow) = loop {
                let size_of = |role: DisplayRole| {
                    let natural = match role {
                        _ if half => scale.subtitle * 1.2,
                        DisplayRole::BookTitle => scale.book_title,
                        DisplayRole::Subtitle | DisplayRole::Author => scale.subtitle,
                        _ => scale.body,
                    };
                    (natural * factor).max(scale.body.min(natural))
                };
                let stack: Vec<Stacked> = displays(section)
                    .map(|(block, role)| {
                        let style = if role == DisplayRole::Subtitle {
                            Style::Italic
                        } else {
                            Style::Regular
                        };
                        let size = size_of(role);
                        Stacked {
                            block: block.id,
                            role,
                            lines: balanced(setter, block, style, size, geometry),
                            size,
                        }
                    })
                    .collect();
                let placed = place_stack(&stack, half, geometry, scale);
                let at_floor = stack.iter().all(|s| s.size.0 <= scale.body.0 + 0.01);
                if placed.1 <= bottom.0 + 0.01 || at_floor {
                    let overflow = (placed.1 > bottom.0 + 0.01).then(|| {
                        let tallest = stack
                            .iter()
                            .filter(|s| s.role != DisplayRole::Publisher)
                            .max_by_key(|s| s.lines.len());
                        tallest.map_or("title", |s| key_of(s.role))
                    });
                    break (
                        stack.into_iter().zip(placed.0).collect::<Vec<_>>(),
                        overflow,
                    );
                }
                factor *= SHRINK;
            };
            for (stacked, y) in &stack {
                let mut y = *y;
                let mark = super::frame::Mark::Block(stacked.block, super::frame::Part::Text);
                for line in &stacked.lines {
                    super::compose::place_line(&mut items, line, left, y, mark);
                    y += stacked.size * PAGE_LEADING;
                }
            }
            (items, first, overflow)
        }
        _ => {
            // Copyright page: small print, ranged left, stacked up from the foot.
            let size = scale.small;
            let leading = scale.small * 1.3;
            let mut blocks = Vec::new();
            for (block, _) in displays(section) {
                if let BlockKind::Display { content, .. } = &block.kind {
                    blocks.push((
                        block.id,
                        setter.set(
                            content,
                            &para(Style::Regular, size, Align::Left, geometry.measure),
                        ),
                    ));
                }
            }
            let total_lines: usize = blocks.iter().map(|(_, lines)| lines.len()).sum();
            let gaps = blocks.len().saturating_sub(1);
            let mut y = bottom
                - leading * (total_lines.saturating_sub(1) as f64)
                - leading * 0.6 * gaps as f64;
            // Too much small print for the page: name what runs longest (the
            // first notice is the book's full title).
            let longest = (0..blocks.len()).max_by_key(|&i| blocks[i].1.len());
            let overflow =
                (y.0 < geometry.first_baseline.0 - 0.01).then_some(if longest == Some(0) {
                    "title"
                } else {
                    "rights"
                });
            for (block, lines) in blocks {
                let mark = super::frame::Mark::Block(block, super::frame::Part::Text);
                for line in &lines {
                    super::compose::place_line(&mut items, line, left, y, mark);
                    y += leading;
                }
                y += leading * 0.6;
            }
            (items, first, overflow)
        }
    }
}

/// The first baseline of each block of a half title or title page, and the
/// lowest baseline of all but the publisher (which stands at the foot).
fn place_stack(
    stack: &[Stacked],
    half: bool,
    geometry: &PageGeometry,
    scale: &TypeScale,
) -> (Vec<Pt>, f64) {
    let grid = |line: usize| geometry.baseline(line);
    let mut at = Vec::with_capacity(stack.len());
    let mut lowest = 0.0f64;
    let mut y = grid(if half {
        geometry.lines / 4
    } else {
        geometry.lines / 6
    });
    // The publisher's line, at the foot; everything else must end a line above it.
    let foot = grid(geometry.lines - 1);
    let publisher = stack.iter().any(|s| s.role == DisplayRole::Publisher);
    for stacked in stack {
        let first = match stacked.role {
            _ if half => y,
            DisplayRole::BookTitle => y + stacked.size * 0.5,
            DisplayRole::Author => grid(geometry.lines / 2).max(y + scale.leading * 2.0),
            DisplayRole::Publisher => foot,
            _ => y,
        };
        at.push(first);
        let last = first + stacked.size * PAGE_LEADING * (stacked.lines.len().max(1) - 1) as f64;
        if stacked.role != DisplayRole::Publisher {
            lowest = lowest.max(last.0 + if publisher { scale.leading.0 } else { 0.0 });
            y = after(first, stacked);
            if stacked.role == DisplayRole::BookTitle {
                y += scale.leading;
            }
        }
    }
    (at, lowest)
}

/// The contents as a galley: the opening title, then one line per entry with
/// its folio ranged right. `folios` maps section ids to their first page's folio.
pub fn contents_galley(
    section: &Section,
    folios: &HashMap<String, String>,
    setter: &mut Setter<'_, '_>,
    geometry: &PageGeometry,
    scale: &TypeScale,
    sink: u32,
    leaders: bool,
) -> Galley {
    let mut galley = Galley {
        items: contents_opening(section, setter, geometry, scale, sink),
        opening_sink: u32::from(sink > 2),
        ..Galley::default()
    };
    let Some(contents) = section
        .blocks
        .iter()
        .find(|b| matches!(b.kind, BlockKind::Contents(_)))
    else {
        return galley;
    };
    let BlockKind::Contents(entries) = &contents.kind else {
        return galley;
    };
    let mut offset = 0u32;
    for (i, entry) in entries.iter().enumerate() {
        // A blank line sets off a section that has sub-entries from the one before.
        let has_children = entries.get(i + 1).is_some_and(|e| e.level > 1);
        let after_children = i > 0 && entries[i - 1].level > 1;
        if entry.level == 1 && i > 0 && (has_children || after_children) {
            galley.items.push(VItem {
                content: Content::Space,
                role: Role::Other,
                lines: 1,
                discardable: true,
                break_after: 0.0,
                pos: None,
                para: None,
                mark: super::frame::Mark::Artifact,
            });
        }
        let (lines, x) = entry_lines(setter, entry, folios, geometry, scale, leaders);
        let count = lines.len();
        for (n, line) in lines.into_iter().enumerate() {
            galley.items.push(VItem {
                pos: Some(TextPos {
                    block: contents.id,
                    offset: offset + line.start,
                }),
                content: Content::Text {
                    line,
                    x,
                    dy: Pt::ZERO,
                },
                role: Role::Other,
                lines: 1,
                discardable: false,
                // Keep a level-1 entry with its first sub-entry.
                break_after: if n + 1 < count
                    || (entry.level == 1 && entries.get(i + 1).is_some_and(|e| e.level > 1))
                {
                    INFINITY
                } else {
                    0.0
                },
                para: None,
                mark: super::frame::Mark::Block(contents.id, super::frame::Part::Entry(i as u32)),
            });
        }
        offset += entry.title.chars().count() as u32 + 1;
    }
    galley
}

/// The contents page's opening: the sink, the title and the space under it.
fn contents_opening(
    section: &Section,
    setter: &mut Setter<'_, '_>,
    geometry: &PageGeometry,
    scale: &TypeScale,
    sink: u32,
) -> Vec<VItem> {
    let mut title = section.clone();
    title
        .blocks
        .retain(|b| matches!(b.kind, BlockKind::Heading { level: 1, .. }));
    {
        let mut g = Galley::default();
        g.items.push(VItem {
            content: Content::Space,
            role: Role::Other,
            lines: sink,
            discardable: false,
            break_after: INFINITY,
            pos: None,
            para: None,
            mark: super::frame::Mark::Artifact,
        });
        if let Some(block) = title.blocks.first()
            && let BlockKind::Heading { content, .. } = &block.kind
        {
            let fit = DisplayFit {
                size: scale.looks.title.size,
                floor: scale.body,
                measure: geometry.measure,
                grid: geometry.leading,
                room: (geometry.lines as u32).saturating_sub(sink + 2),
            };
            let set = set_display(setter, content, &scale.looks.title, &fit);
            g.items.extend(set.into_items(block.id, Role::Title));
        }
        g.items.push(VItem {
            content: Content::Space,
            role: Role::Other,
            lines: 2,
            discardable: false,
            break_after: INFINITY,
            pos: None,
            para: None,
            mark: super::frame::Mark::Artifact,
        });
        g.items
    }
}

/// One entry's lines, its folio ranged right on the last (after leader dots
/// when the style has them), and the x they are set at.
fn entry_lines(
    setter: &mut Setter<'_, '_>,
    entry: &ContentsEntry,
    folios: &HashMap<String, String>,
    geometry: &PageGeometry,
    scale: &TypeScale,
    leaders: bool,
) -> (Vec<Line>, Pt) {
    let indent = if entry.level > 1 {
        scale.indent
    } else {
        Pt::ZERO
    };
    // Headings inside a chapter are italic; a part's chapters are sections, upright.
    let style = if entry.anchor.is_some() {
        Style::Italic
    } else {
        Style::Regular
    };
    let folio = match &entry.anchor {
        None => folios.get(&entry.section),
        Some(anchor) => folios.get(&format!("{}#{anchor}", entry.section)),
    }
    .cloned()
    .unwrap_or_default();
    let folio_line = setter
        .set_text(
            &folio,
            &para(Style::Regular, scale.body, Align::Left, geometry.measure),
        )
        .into_iter()
        .next();
    let folio_width = folio_line.as_ref().map_or(Pt::ZERO, |l| l.width);
    let room = geometry.measure - indent - folio_width - scale.body * 2.0;
    // An entry that turns over indents its turnover lines, and its page
    // number goes with the last line.
    let turn = scale.indent;
    let entry_para = ParaStyle {
        first_indent: -turn,
        ..para(style, scale.body, Align::Left, room - turn)
    };
    let mut lines = setter.set_text(&entry.title, &entry_para);
    let x = indent + turn;
    if let (Some(last), Some(folio_line)) = (lines.last_mut(), folio_line) {
        // The entry's words and its page read a word apart.
        setter.end_with_space(last);
        let shift = geometry.measure - x - folio_width;
        if leaders {
            let end = last
                .runs
                .iter()
                .map(|r| r.x.0 + r.glyphs.last().map_or(0.0, |g| g.x.0 + g.advance.0))
                .fold(0.0, f64::max);
            if let Some(dots) = leader_run(
                setter,
                scale,
                x,
                end + scale.body.0 * 0.5,
                shift.0 - scale.body.0 * 0.5,
            ) {
                last.runs.push(dots);
            }
        }
        for mut run in folio_line.runs {
            run.x += shift;
            last.runs.push(run);
        }
    }
    (lines, x)
}

/// Leader dots from `from` to `to` (line coordinates), on a pitch of half an
/// em counted from the text block's left edge, so the dots of every entry
/// stand in columns.
fn leader_run(
    setter: &mut Setter<'_, '_>,
    scale: &TypeScale,
    line_x: Pt,
    from: f64,
    to: f64,
) -> Option<super::paragraph::LineRun> {
    let dot = setter
        .set_text(".", &para(Style::Regular, scale.body, Align::Left, Pt(1e6)))
        .into_iter()
        .next()?
        .runs
        .into_iter()
        .next()?;
    let glyph = *dot.glyphs.first()?;
    let pitch = scale.body.0 * 0.5;
    // Columns on the page: positions measured from the text block's edge.
    let start = ((from + line_x.0) / pitch).ceil() * pitch - line_x.0;
    // The run starts at its first dot: glyph places are relative to it.
    let mut run = super::paragraph::LineRun {
        hidden: false,
        glyphs: Default::default(),
        text: Default::default(),
        x: Pt(start),
        // The dots lead the eye; a reader reads the entry and its page.
        role: super::paragraph::RunRole::Artifact,
        ..dot
    };
    let mut at = start;
    while at + glyph.advance.0 <= to {
        run.glyphs.push(super::frame::PlacedGlyph {
            x: Pt(at - start),
            text_start: run.text.len() as u32,
            text_len: 1,
            ..glyph
        });
        run.text.push('.');
        at += pitch;
    }
    (!run.glyphs.is_empty()).then_some(run)
}
