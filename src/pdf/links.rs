//! Navigation in the PDF: link annotations over the words layout marked as
//! links (web addresses, cross-references, footnote references and the
//! notes' numbers back to them, the contents' entries), bookmarks nested as
//! the contents lists the book (its depth is `contents-depth`), and the
//! document opening at the title page. Destinations are found from the
//! marks, never guessed: a target block's first marked item is where it is.

use std::collections::HashMap;

use lopdf::{Dictionary, Object, ObjectId};

use crate::layout::frame::{Item, Mark, Page, Part};
use crate::model::{Block, BlockId, BlockKind, Inline, Section, SectionKind};

/// Where something is: page index and a point at its top left, in PDF user space.
#[derive(Debug, Clone, Copy)]
pub struct Place {
    pub page: usize,
    pub x: f32,
    pub top: f32,
}

/// What a link leads to.
#[derive(Debug, Clone)]
pub enum Target {
    Place(Place),
    Uri(String),
}

/// One link annotation: on a page, over a rectangle, with its description,
/// and the block and part whose words it covers (its structure element).
#[derive(Debug, Clone)]
pub struct Annotation {
    pub page: usize,
    pub rect: [f32; 4],
    pub target: Target,
    pub contents: String,
    pub owner: (BlockId, Part),
}

/// Each mark's first place, and the rectangles of its words line by line.
pub struct Geometry {
    first: HashMap<(BlockId, Part), Place>,
    block_first: HashMap<BlockId, Place>,
    /// Per linkable mark: (page, baseline) → [llx lly urx ury].
    rects: Vec<((BlockId, Part), usize, [f32; 4])>,
}

/// The PDF point of a layout point (trim top-left, y down) on `page`.
fn to_pdf(page: &Page, x: f64, y: f64) -> (f32, f32) {
    let (_, trim) = super::page::boxes(page);
    (trim[0] + x as f32, trim[3] - y as f32)
}

fn linkable(part: Part) -> bool {
    matches!(
        part,
        Part::Link(_) | Part::NoteRef(_) | Part::Entry(_) | Part::Label
    )
}

/// Reads where every mark is on the pages.
pub fn geometry(pages: &[Page]) -> Geometry {
    let mut geometry = Geometry {
        first: HashMap::new(),
        block_first: HashMap::new(),
        rects: Vec::new(),
    };
    for (p, page) in pages.iter().enumerate() {
        let mut previous = None;
        for item in &page.items {
            let mark = item.mark();
            let Mark::Block(block, part) = mark else {
                previous = Some(mark);
                continue;
            };
            // A mark's first place is taken where it starts; only links need every run.
            let starts = previous != Some(mark);
            previous = Some(mark);
            if !starts && !linkable(part) {
                continue;
            }
            let (left, top, right, bottom) = match item {
                Item::Glyphs(run) if !run.glyphs.is_empty() => {
                    let first = run.glyphs.first().map_or(0.0, |g| g.x.0);
                    let last = run.glyphs.last().map_or(0.0, |g| g.x.0 + g.advance.0);
                    (
                        run.x.0 + first,
                        run.y.0 - run.size.0 * 0.8,
                        run.x.0 + last,
                        run.y.0 + run.size.0 * 0.25,
                    )
                }
                Item::Image {
                    x,
                    y,
                    width,
                    height,
                    ..
                } => (x.0, y.0, x.0 + width.0, y.0 + height.0),
                _ => continue,
            };
            let (x0, y0) = to_pdf(page, left, top);
            let (x1, y1) = to_pdf(page, right, bottom);
            let place = Place {
                page: p,
                x: x0,
                top: y0,
            };
            if starts {
                geometry.first.entry((block, part)).or_insert(place);
                geometry.block_first.entry(block).or_insert(place);
            }
            if linkable(part) {
                // Runs of one mark on one line make one rectangle.
                match geometry.rects.last_mut() {
                    Some((owner, page, rect))
                        if *owner == (block, part)
                            && *page == p
                            && (rect[1] - y1).abs() < 2.0
                            && x0 >= rect[0] - 1.0 =>
                    {
                        rect[2] = rect[2].max(x1);
                        rect[3] = rect[3].max(y0);
                        rect[1] = rect[1].min(y1);
                    }
                    _ => geometry.rects.push(((block, part), p, [x0, y1, x1, y0])),
                }
            }
        }
    }
    geometry
}

/// Every block of the sections (notes' included) by id, and the section each is in.
fn blocks(sections: &[Section]) -> HashMap<BlockId, (&Block, usize)> {
    let mut out = HashMap::new();
    for (s, section) in sections.iter().enumerate() {
        let notes = section.notes.iter().map(|n| n.blocks.as_slice());
        for blocks in std::iter::once(section.blocks.as_slice()).chain(notes) {
            crate::model::walk_blocks(blocks, &mut |block| {
                out.insert(block.id, (block, s));
            });
        }
    }
    out
}

/// A block's links in the order print numbers them (a table's caption
/// first, then its cells row by row).
fn links_of(block: &Block) -> Vec<&Inline> {
    let mut out = Vec::new();
    match &block.kind {
        BlockKind::Heading { content, .. }
        | BlockKind::Paragraph { content, .. }
        | BlockKind::Verse { content, .. }
        | BlockKind::Display { content, .. }
        | BlockKind::Figure {
            caption: content, ..
        } => crate::model::links(content, &mut out),
        table @ BlockKind::Table { caption, .. } => {
            crate::model::links(caption, &mut out);
            for row in table.table_rows() {
                for cell in row {
                    crate::model::links(cell, &mut out);
                }
            }
        }
        _ => {}
    }
    out
}

/// Web addresses a reader can follow.
fn followable(url: &str) -> bool {
    let url = url.trim().to_ascii_lowercase();
    ["http://", "https://", "mailto:", "ftp://"]
        .iter()
        .any(|scheme| url.starts_with(scheme))
}

/// The block a contents entry or a bookmark leads to: the section's first
/// block, or its heading with the anchor.
fn entry_block(sections: &[Section], section: &str, anchor: Option<&str>) -> Option<BlockId> {
    let target = sections.iter().find(|s| s.id == section)?;
    match anchor {
        None => target.blocks.first().map(|b| b.id),
        Some(anchor) => {
            let mut found = None;
            crate::model::walk_blocks(&target.blocks, &mut |block| {
                if let BlockKind::Heading { anchor: a, .. } = &block.kind
                    && a == anchor
                    && found.is_none()
                {
                    found = Some(block.id);
                }
            });
            found
        }
    }
}

/// The link annotations of the interior.
pub fn annotations(sections: &[Section], geometry: &Geometry) -> Vec<Annotation> {
    let blocks = blocks(sections);
    // Each note's reference, by section and note.
    let mut references: HashMap<(usize, u32), Place> = HashMap::new();
    for (&(block, part), place) in &geometry.first {
        if let Part::NoteRef(note) = part
            && let Some((_, s)) = blocks.get(&block)
        {
            let slot = references.entry((*s, note)).or_insert(*place);
            if (place.page, -place.top) < (slot.page, -slot.top) {
                *slot = *place;
            }
        }
    }
    let mut out = Vec::new();
    for &((block, part), page, rect) in &geometry.rects {
        let Some((model, s)) = blocks.get(&block) else {
            continue;
        };
        let section = &sections[*s];
        let (target, contents) = match part {
            Part::Link(k) => match links_of(model).get(k as usize) {
                Some(Inline::Link { url, content }) if followable(url) => {
                    let words = crate::model::plain_text(content);
                    let words = words.trim();
                    let contents = if words.is_empty() || words == url.trim() {
                        url.trim().to_string()
                    } else {
                        format!("{words} ({})", url.trim())
                    };
                    (Target::Uri(url.trim().to_string()), contents)
                }
                Some(Inline::CrossRef { target, .. }) => {
                    match geometry.block_first.get(&target.block) {
                        Some(place) => (Target::Place(*place), format!("Go to {}", target.title)),
                        None => continue,
                    }
                }
                _ => continue,
            },
            Part::NoteRef(note) => {
                let Some(first) = section
                    .notes
                    .get(note as usize)
                    .and_then(|n| n.blocks.first())
                else {
                    continue;
                };
                let Some(place) = geometry
                    .first
                    .get(&(first.id, Part::Label))
                    .or_else(|| geometry.block_first.get(&first.id))
                else {
                    continue;
                };
                let label = &section.notes[note as usize].label;
                (Target::Place(*place), format!("Note {label}"))
            }
            // A note's number leads back to its reference.
            Part::Label => {
                let Some(note) = section
                    .notes
                    .iter()
                    .position(|n| n.blocks.first().is_some_and(|b| b.id == block))
                else {
                    continue;
                };
                let Some(place) = references.get(&(*s, note as u32)) else {
                    continue;
                };
                let label = &section.notes[note].label;
                (
                    Target::Place(*place),
                    format!("Back to the reference of note {label}"),
                )
            }
            Part::Entry(i) => {
                let BlockKind::Contents(entries) = &model.kind else {
                    continue;
                };
                let Some(entry) = entries.get(i as usize) else {
                    continue;
                };
                let Some(place) = entry_block(sections, &entry.section, entry.anchor.as_deref())
                    .and_then(|b| geometry.block_first.get(&b))
                else {
                    continue;
                };
                (Target::Place(*place), format!("Go to {}", entry.title))
            }
            _ => continue,
        };
        out.push(Annotation {
            page,
            rect,
            target,
            contents,
            owner: (block, part),
        });
    }
    out
}

/// A destination: the page, at the place's top left.
fn destination(page_ids: &[ObjectId], place: Place) -> Object {
    Object::Array(vec![
        Object::Reference(page_ids[place.page]),
        Object::Name(b"XYZ".to_vec()),
        Object::Real(place.x),
        Object::Real(place.top),
        Object::Null,
    ])
}

/// The annotation's dictionary; `key` is its entry in the parent tree.
pub fn annotation_dict(annotation: &Annotation, page_ids: &[ObjectId], key: i64) -> Dictionary {
    let mut dict = Dictionary::new();
    dict.set("Type", Object::Name(b"Annot".to_vec()));
    dict.set("Subtype", Object::Name(b"Link".to_vec()));
    dict.set(
        "Rect",
        Object::Array(annotation.rect.iter().map(|v| Object::Real(*v)).collect()),
    );
    dict.set(
        "Border",
        Object::Array(vec![
            Object::Integer(0),
            Object::Integer(0),
            Object::Integer(0),
        ]),
    );
    // Printed with the page (no effect: a link draws nothing).
    dict.set("F", Object::Integer(4));
    dict.set("Contents", super::tagged::text_string(&annotation.contents));
    dict.set("StructParent", Object::Integer(key));
    dict.set("P", Object::Reference(page_ids[annotation.page]));
    match &annotation.target {
        Target::Place(place) => dict.set("Dest", destination(page_ids, *place)),
        Target::Uri(uri) => {
            let mut action = Dictionary::new();
            action.set("S", Object::Name(b"URI".to_vec()));
            action.set("URI", Object::string_literal(uri.as_str()));
            dict.set("A", Object::Dictionary(action));
        }
    }
    dict
}

/// One bookmark: its title, depth from 1 and where it leads.
struct Bookmark {
    title: String,
    level: u8,
    place: Place,
}

/// The bookmarks: the contents and its entries, nested by their levels (a
/// part's chapters under it, sections under their chapter, as deep as
/// `contents-depth` lists them); without a contents, each section in it.
fn bookmarks(sections: &[Section], geometry: &Geometry) -> Vec<Bookmark> {
    let mut out = Vec::new();
    let at = |block: Option<BlockId>| block.and_then(|b| geometry.block_first.get(&b)).copied();
    let contents = sections.iter().find_map(|s| {
        s.blocks.iter().find_map(|b| match &b.kind {
            BlockKind::Contents(entries) => Some((s, entries)),
            _ => None,
        })
    });
    match contents {
        Some((section, entries)) => {
            if let Some(place) = at(section.blocks.first().map(|b| b.id)) {
                out.push(Bookmark {
                    title: section.title.clone(),
                    level: 1,
                    place,
                });
            }
            for entry in entries {
                if let Some(place) = at(entry_block(
                    sections,
                    &entry.section,
                    entry.anchor.as_deref(),
                )) {
                    out.push(Bookmark {
                        title: entry.title.clone(),
                        level: entry.level.max(1),
                        place,
                    });
                }
            }
        }
        None => {
            for section in sections.iter().filter(|s| s.in_toc) {
                if let Some(place) = at(section.blocks.first().map(|b| b.id)) {
                    out.push(Bookmark {
                        title: section.title.clone(),
                        level: 1,
                        place,
                    });
                }
            }
        }
    }
    out
}

/// Writes the outline (replacing any) and the opening at the title page.
pub fn write_outline(
    objects: &mut lopdf::Document,
    sections: &[Section],
    geometry: &Geometry,
    page_ids: &[ObjectId],
) {
    let marks = bookmarks(sections, geometry);
    // Each bookmark's parent: the nearest before it at a lower level.
    let ids: Vec<ObjectId> = marks.iter().map(|_| objects.new_object_id()).collect();
    let root = objects.new_object_id();
    let mut parent: Vec<Option<usize>> = Vec::with_capacity(marks.len());
    for (i, mark) in marks.iter().enumerate() {
        let mut p = i.checked_sub(1);
        while let Some(k) = p {
            if marks[k].level < mark.level {
                break;
            }
            p = parent[k];
        }
        parent.push(p);
    }
    let children = |of: Option<usize>| -> Vec<usize> {
        (0..marks.len()).filter(|&i| parent[i] == of).collect()
    };
    let mut dicts: Vec<Dictionary> = marks
        .iter()
        .enumerate()
        .map(|(i, mark)| {
            let mut dict = Dictionary::new();
            dict.set("Title", super::tagged::text_string(&mark.title));
            dict.set(
                "Parent",
                Object::Reference(parent[i].map_or(root, |p| ids[p])),
            );
            dict.set("Dest", destination(page_ids, mark.place));
            dict
        })
        .collect();
    for holder in std::iter::once(None).chain((0..marks.len()).map(Some)) {
        let kids = children(holder);
        for (n, &kid) in kids.iter().enumerate() {
            if n > 0 {
                dicts[kid].set("Prev", Object::Reference(ids[kids[n - 1]]));
            }
            if let Some(&next) = kids.get(n + 1) {
                dicts[kid].set("Next", Object::Reference(ids[next]));
            }
        }
        if let (Some(first), Some(last)) = (kids.first(), kids.last()) {
            let (first, last) = (
                Object::Reference(ids[*first]),
                Object::Reference(ids[*last]),
            );
            match holder {
                Some(h) => {
                    dicts[h].set("First", first);
                    dicts[h].set("Last", last);
                    // Open only the top level: a part shows its chapters, a chapter hides its sections.
                    let count = kids.len() as i64;
                    dicts[h].set(
                        "Count",
                        Object::Integer(if marks[h].level == 1 && parent[h].is_none() {
                            count
                        } else {
                            -count
                        }),
                    );
                }
                None => {
                    let mut outlines = Dictionary::new();
                    outlines.set("Type", Object::Name(b"Outlines".to_vec()));
                    outlines.set("First", first);
                    outlines.set("Last", last);
                    outlines.set("Count", Object::Integer(kids.len() as i64));
                    objects.objects.insert(root, Object::Dictionary(outlines));
                }
            }
        }
    }
    for (id, dict) in ids.into_iter().zip(dicts) {
        objects.objects.insert(id, Object::Dictionary(dict));
    }
    // The title page opens the document.
    let title_page = sections
        .iter()
        .find(|s| s.kind == SectionKind::TitlePage)
        .and_then(|s| s.blocks.first())
        .and_then(|b| geometry.block_first.get(&b.id))
        .map_or(0, |place| place.page);
    if let Ok(catalog) = objects.catalog_mut() {
        if marks.is_empty() {
            catalog.remove(b"Outlines");
        } else {
            catalog.set("Outlines", Object::Reference(root));
            catalog.set("PageMode", Object::Name(b"UseOutlines".to_vec()));
        }
        if let Some(&page) = page_ids.get(title_page) {
            catalog.set(
                "OpenAction",
                Object::Array(vec![Object::Reference(page), Object::Name(b"Fit".to_vec())]),
            );
        }
    }
}
