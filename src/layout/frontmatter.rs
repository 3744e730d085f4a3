//! The designed pages of the front matter: half title, title page, copyright
//! page (small print stacked at the foot) and the contents (titles with
//! their folios at the right, one line per entry, continued over pages).

use std::collections::HashMap;

use super::frame::Item;
use super::galley::{Content, Galley, Role, VItem};
use super::geometry::{PageGeometry, TypeScale};
use super::linebreak::INFINITY;
use super::paragraph::{Align, ParaStyle, Setter};
use crate::fonts::Style;
use crate::model::{Block, BlockKind, DisplayRole, Pt, Section, TextPos};

fn para(style: Style, size: Pt, align: Align, measure: Pt) -> ParaStyle {
    ParaStyle::plain(style, size, align, measure)
}

fn displays(section: &Section) -> impl Iterator<Item = (&Block, DisplayRole)> {
    section.blocks.iter().filter_map(|b| match &b.kind {
        BlockKind::Display { role, .. } => Some((b, *role)),
        _ => None,
    })
}

/// Sets one display block centred, its first baseline at `baseline`; returns the next free baseline.
fn centred(
    items: &mut Vec<Item>,
    setter: &mut Setter<'_, '_>,
    block: &Block,
    (style, size): (Style, Pt),
    left: Pt,
    geometry: &PageGeometry,
    baseline: Pt,
) -> Pt {
    let BlockKind::Display { content, .. } = &block.kind else {
        return baseline;
    };
    let mut y = baseline;
    // Display lines are balanced: "What Kazakhstan Can Learn / from Black Lives Matter".
    let text = crate::model::plain_text(content);
    for line in setter.set_balanced(&text, &para(style, size, Align::Center, geometry.measure)) {
        super::compose::place_line(items, &line, left, y);
        y += size * 1.25;
    }
    y
}

/// Half title, title page or copyright page. Returns the items and the first text's place.
pub fn display_page(
    section: &Section,
    setter: &mut Setter<'_, '_>,
    geometry: &PageGeometry,
    scale: &TypeScale,
    recto: bool,
) -> (Vec<Item>, Option<TextPos>) {
    let mut items = Vec::new();
    let left = geometry.text_left(recto);
    let first = displays(section).next().map(|(b, _)| TextPos {
        block: b.id,
        offset: 0,
    });
    let grid = |line: usize| geometry.baseline(line);
    match section.kind {
        crate::model::SectionKind::HalfTitle => {
            let mut y = grid(geometry.lines / 4);
            for (block, _) in displays(section) {
                y = centred(
                    &mut items,
                    setter,
                    block,
                    (Style::Regular, scale.subtitle * 1.2),
                    left,
                    geometry,
                    y,
                );
            }
        }
        crate::model::SectionKind::TitlePage => {
            let mut y = grid(geometry.lines / 6);
            for (block, role) in displays(section) {
                match role {
                    DisplayRole::BookTitle => {
                        y = centred(
                            &mut items,
                            setter,
                            block,
                            (Style::Regular, scale.book_title),
                            left,
                            geometry,
                            y + scale.book_title * 0.5,
                        );
                        y += scale.leading;
                    }
                    DisplayRole::Subtitle => {
                        y = centred(
                            &mut items,
                            setter,
                            block,
                            (Style::Italic, scale.subtitle),
                            left,
                            geometry,
                            y,
                        );
                    }
                    DisplayRole::Author => {
                        let at = grid(geometry.lines / 2).max(y + scale.leading * 2.0);
                        y = centred(
                            &mut items,
                            setter,
                            block,
                            (Style::Regular, scale.subtitle),
                            left,
                            geometry,
                            at,
                        );
                    }
                    DisplayRole::Publisher => {
                        let at = grid(geometry.lines - 1);
                        centred(
                            &mut items,
                            setter,
                            block,
                            (Style::Regular, scale.body),
                            left,
                            geometry,
                            at,
                        );
                    }
                    _ => {
                        y = centred(
                            &mut items,
                            setter,
                            block,
                            (Style::Regular, scale.body),
                            left,
                            geometry,
                            y,
                        );
                    }
                }
            }
        }
        _ => {
            // Copyright page: small print, ranged left, stacked up from the foot.
            let size = scale.small;
            let leading = scale.small * 1.3;
            let mut blocks = Vec::new();
            for (block, _) in displays(section) {
                if let BlockKind::Display { content, .. } = &block.kind {
                    blocks.push(setter.set(
                        content,
                        &para(Style::Regular, size, Align::Left, geometry.measure),
                    ));
                }
            }
            let total_lines: usize = blocks.iter().map(Vec::len).sum();
            let gaps = blocks.len().saturating_sub(1);
            let bottom = grid(geometry.lines - 1);
            let mut y = bottom
                - leading * (total_lines.saturating_sub(1) as f64)
                - leading * 0.6 * gaps as f64;
            for lines in blocks {
                for line in &lines {
                    super::compose::place_line(&mut items, line, left, y);
                    y += leading;
                }
                y += leading * 0.6;
            }
        }
    }
    (items, first)
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
) -> Galley {
    let mut galley = Galley::default();
    let mut title = section.clone();
    title
        .blocks
        .retain(|b| matches!(b.kind, BlockKind::Heading { level: 1, .. }));
    let mut builder_items = {
        let mut g = Galley::default();
        g.items.push(VItem {
            content: Content::Space,
            role: Role::Other,
            lines: sink,
            discardable: false,
            break_after: INFINITY,
            pos: None,
            para: None,
        });
        if let Some(block) = title.blocks.first()
            && let BlockKind::Heading { content, .. } = &block.kind
        {
            for line in setter.set(
                content,
                &para(
                    Style::Regular,
                    scale.chapter_title,
                    Align::Center,
                    geometry.measure,
                ),
            ) {
                g.items.push(VItem {
                    pos: Some(TextPos {
                        block: block.id,
                        offset: line.start,
                    }),
                    content: Content::Text { line, x: Pt::ZERO },
                    role: Role::Title,
                    lines: 1,
                    discardable: false,
                    break_after: INFINITY,
                    para: None,
                });
            }
        }
        g.items.push(VItem {
            content: Content::Space,
            role: Role::Other,
            lines: 2,
            discardable: false,
            break_after: INFINITY,
            pos: None,
            para: None,
        });
        g.items
    };
    galley.items.append(&mut builder_items);

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
        let indent = if entry.level > 1 {
            scale.indent
        } else {
            Pt::ZERO
        };
        let style = if entry.level > 1 {
            Style::Italic
        } else {
            Style::Regular
        };
        let folio = if entry.level == 1 {
            folios.get(&entry.section).cloned().unwrap_or_default()
        } else {
            String::new()
        };
        let folio_line = setter
            .set_text(
                &folio,
                &para(Style::Regular, scale.body, Align::Left, geometry.measure),
            )
            .into_iter()
            .next();
        let folio_width = folio_line.as_ref().map_or(Pt::ZERO, |l| l.width);
        let room = geometry.measure - indent - folio_width - scale.body * 2.0;
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
            });
        }
        let mut lines = setter.set_text(&entry.title, &para(style, scale.body, Align::Left, room));
        if let (Some(last), Some(folio_line)) = (lines.last_mut(), folio_line) {
            let shift = geometry.measure - indent - folio_width;
            for mut run in folio_line.runs {
                run.x += shift;
                last.runs.push(run);
            }
        }
        let count = lines.len();
        for (n, line) in lines.into_iter().enumerate() {
            galley.items.push(VItem {
                pos: Some(TextPos {
                    block: contents.id,
                    offset: offset + line.start,
                }),
                content: Content::Text { line, x: indent },
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
            });
        }
        offset += entry.title.chars().count() as u32 + 1;
    }
    galley
}
