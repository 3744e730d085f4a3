//! The tagged PDF (PDF/UA-1, ISO 14289-1): the structure tree, written into
//! the serialised document in the same pass that finishes PDF/X.
//!
//! The tree is built from the model in reading order, never from the page's
//! geometry: `Document`, a `Part` per part (its chapters inside it) and a
//! `Sect` per other section, `H1`–`H6` without gaps (a chapter's label read
//! with its title, one `H1`), `P` (verse a `P` per stanza), `BlockQuote`,
//! `L`/`LI`/`Lbl`/`LBody`, `Table`/`TR`/`TH` (with `Scope`)/`TD`, `Figure`
//! with the manuscript's alt text, `Caption`, `Code`, `TOC`/`TOCI`, and a
//! footnote as a `Reference` in its paragraph with the `Note` right after
//! it, and a passage in another language (`[mot]{lang=fr}`) as a `Span`
//! with its `/Lang`. Each element's content is the marked content layout tagged with its
//! block (page streams carry `BDC`/`EMC` with MCIDs, see `page`); the
//! `ParentTree` maps every MCID back to its element. The catalog says the
//! file is tagged (`/MarkInfo`), its language and that viewers show the
//! title; every page orders its tabs by the structure.

use std::collections::HashMap;

use lopdf::{Dictionary, Object, ObjectId};

use crate::layout::frame::{Page, Part};
use crate::model::{Block, BlockId, BlockKind, Book, Inline, ListItem, Section, SectionKind};

/// One structure element before it is written.
struct Element {
    kind: &'static str,
    alt: Option<String>,
    /// The language of its text when it differs from the book's (`/Lang`).
    lang: Option<String>,
    /// Attributes (`/A`): a header cell's scope.
    attributes: Option<Dictionary>,
    kids: Vec<Kid>,
}

enum Kid {
    Element(usize),
    /// Marked content on a page: (page index, MCID).
    Content(usize, i32),
    /// A link annotation, by its index.
    Annotation(usize),
}

/// What the structure tree found, for `quire check`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub elements: usize,
    /// Marked-content sequences the model's walk did not reach (gathered at the end).
    pub stray: usize,
}

/// Where each block's marked content is: (page, MCID, part), in page order.
type ContentIndex = HashMap<BlockId, Vec<(usize, i32, Part)>>;

struct Tree<'a> {
    elements: Vec<Element>,
    index: ContentIndex,
    /// The section whose notes the walk is in, and which of them are placed.
    notes: Option<&'a Section>,
    placed_notes: Vec<bool>,
    /// The level of the last heading tagged, so levels never skip.
    last_heading: u8,
    /// The link annotations by the block and part whose words they cover,
    /// and which are in the tree.
    annotations: HashMap<(BlockId, Part), Vec<usize>>,
    attached: Vec<bool>,
    /// The tags of the book's passages in other languages, by key (see
    /// `model::language_key`).
    languages: HashMap<u32, String>,
}

impl<'a> Tree<'a> {
    fn push(&mut self, kind: &'static str) -> usize {
        self.elements.push(Element {
            kind,
            alt: None,
            lang: None,
            attributes: None,
            kids: Vec::new(),
        });
        self.elements.len() - 1
    }

    fn add(&mut self, parent: usize, child: usize) {
        self.elements[parent].kids.push(Kid::Element(child));
    }

    /// A new element under `parent`.
    fn child(&mut self, parent: usize, kind: &'static str) -> usize {
        let child = self.push(kind);
        self.add(parent, child);
        child
    }

    /// Takes the marked content of `block` whose part `wanted` accepts.
    fn take(&mut self, block: BlockId, wanted: impl Fn(Part) -> bool) -> Vec<(usize, i32, Part)> {
        let Some(all) = self.index.get_mut(&block) else {
            return Vec::new();
        };
        let (taken, kept): (Vec<_>, Vec<_>) = all.drain(..).partition(|&(_, _, part)| wanted(part));
        *all = kept;
        taken
    }

    /// All of `block`'s marked content, in page order, grouped by the part
    /// that owns it (`owner` names a part that opens a group, such as a
    /// cell; the parts inside it, links and note references, join the
    /// group before them). Taking a table's cells one by one from the whole
    /// block would cost the square of its cells.
    fn groups(
        &mut self,
        block: BlockId,
        owner: impl Fn(Part) -> bool,
    ) -> HashMap<Option<Part>, Vec<(usize, i32, Part)>> {
        let mut groups: HashMap<Option<Part>, Vec<(usize, i32, Part)>> = HashMap::new();
        let mut current = None;
        for item in self.take(block, |_| true) {
            if owner(item.2) {
                current = Some(item.2);
            }
            groups.entry(current).or_default().push(item);
        }
        groups
    }

    /// Puts one group of [`Tree::groups`] back as all `block` has, for
    /// [`Tree::text`] or [`Tree::linked_part`] to take.
    fn stage(
        &mut self,
        block: BlockId,
        groups: &mut HashMap<Option<Part>, Vec<(usize, i32, Part)>>,
        part: Part,
    ) {
        // What the last group's element did not take waits with the ungrouped.
        if let Some(left) = self.index.remove(&block) {
            groups.entry(None).or_default().extend(left);
        }
        let group = groups.remove(&Some(part)).unwrap_or_default();
        self.index.insert(block, group);
    }

    /// What no group's element took goes back to the block (gathered as stray at the end).
    fn unstage(&mut self, block: BlockId, groups: HashMap<Option<Part>, Vec<(usize, i32, Part)>>) {
        let mut left: Vec<(usize, i32, Part)> = self.index.remove(&block).unwrap_or_default();
        left.extend(groups.into_values().flatten());
        left.sort_by_key(|&(page, mcid, _)| (page, mcid));
        if !left.is_empty() {
            self.index.insert(block, left);
        }
    }

    /// `block`'s text under `element`, in order: its own content, a link's
    /// words as a `Link` with its annotations, a passage in another language
    /// as a `Span` with its `/Lang`, and each footnote reference as a
    /// `Reference` (its link inside) followed by its `Note`.
    fn text(&mut self, element: usize, block: BlockId, wanted: impl Fn(Part) -> bool) {
        let content = self.take(block, |part| {
            wanted(part) || matches!(part, Part::NoteRef(_) | Part::Link(_) | Part::Language(_))
        });
        let mut open_link: Option<(Part, usize)> = None;
        for (page, mcid, part) in content {
            match part {
                Part::Language(key) => match open_link {
                    Some((open, span)) if open == part => {
                        self.elements[span].kids.push(Kid::Content(page, mcid))
                    }
                    _ => {
                        let span = self.child(element, "Span");
                        self.elements[span].lang = self.languages.get(&key).cloned();
                        self.elements[span].kids.push(Kid::Content(page, mcid));
                        open_link = Some((part, span));
                    }
                },
                Part::NoteRef(note) => {
                    open_link = None;
                    let reference = self.child(element, "Reference");
                    self.linked(reference, (block, part), page, mcid);
                    self.note(element, note as usize);
                }
                Part::Link(_) => match open_link {
                    Some((open, link)) if open == part => {
                        self.elements[link].kids.push(Kid::Content(page, mcid))
                    }
                    _ => open_link = self.linked(element, (block, part), page, mcid),
                },
                _ => {
                    open_link = None;
                    self.elements[element].kids.push(Kid::Content(page, mcid))
                }
            }
        }
    }

    /// Marked content of `owner` under `parent`: in a `Link` holding its
    /// annotations when it has any (the link element, returned), or as it is.
    fn linked(
        &mut self,
        parent: usize,
        owner: (BlockId, Part),
        page: usize,
        mcid: i32,
    ) -> Option<(Part, usize)> {
        let annotations = self.annotations.get(&owner).cloned().unwrap_or_default();
        if annotations.is_empty() {
            self.elements[parent].kids.push(Kid::Content(page, mcid));
            return None;
        }
        let link = self.child(parent, "Link");
        self.elements[link].kids.push(Kid::Content(page, mcid));
        for a in annotations {
            if !self.attached[a] {
                self.attached[a] = true;
                self.elements[link].kids.push(Kid::Annotation(a));
            }
        }
        Some((owner.1, link))
    }

    /// Every piece of `block`'s `part` under `parent`, linked as [`Tree::linked`] links it.
    fn linked_part(&mut self, parent: usize, block: BlockId, part: Part) {
        let content = self.take(block, |p| p == part);
        let mut link = None;
        for (page, mcid, _) in content {
            match link {
                Some((_, element)) => {
                    let element: usize = element;
                    self.elements[element].kids.push(Kid::Content(page, mcid))
                }
                None => link = self.linked(parent, (block, part), page, mcid),
            }
        }
    }

    /// A footnote of the current section as a `Note` under `parent`, once.
    fn note(&mut self, parent: usize, note: usize) {
        let Some(section) = self.notes else {
            return;
        };
        if self.placed_notes.get(note).copied() != Some(false) {
            return;
        }
        self.placed_notes[note] = true;
        let Some(footnote) = section.notes.get(note) else {
            return;
        };
        let element = self.child(parent, "Note");
        if let Some(first) = footnote.blocks.first() {
            let label = self.push("Lbl");
            // The note's number links back to its reference.
            self.linked_part(label, first.id, Part::Label);
            if !self.elements[label].kids.is_empty() {
                self.add(element, label);
            }
        }
        for block in &footnote.blocks {
            self.block(element, block);
        }
    }

    fn heading_level(&mut self, level: u8) -> u8 {
        let level = level.clamp(1, 6).min(self.last_heading + 1);
        self.last_heading = level;
        level
    }

    /// `block`'s element under `parent`, its content and its children's.
    fn block(&mut self, parent: usize, block: &Block) {
        match &block.kind {
            BlockKind::Heading { level, .. } => {
                let level = self.heading_level(*level);
                let element = self.child(parent, HEADINGS[level as usize - 1]);
                self.text(element, block.id, |part| {
                    matches!(part, Part::Text | Part::ChapterLabel)
                });
            }
            BlockKind::Paragraph { .. } | BlockKind::Verse { .. } | BlockKind::Display { .. } => {
                let element = self.child(parent, "P");
                self.text(element, block.id, |part| part == Part::Text);
            }
            BlockKind::Code { .. } => {
                let element = self.child(parent, "Code");
                self.text(element, block.id, |part| part == Part::Text);
            }
            BlockKind::Quote(blocks) => {
                let element = self.child(parent, "BlockQuote");
                for inner in blocks {
                    self.block(element, inner);
                }
            }
            BlockKind::List { items, .. } => self.list(parent, items),
            BlockKind::Div { lang, blocks, .. } => {
                let element = self.child(parent, "Div");
                if let Some(lang) = lang {
                    self.elements[element].lang = Some(lang.clone());
                }
                for inner in blocks {
                    self.block(element, inner);
                }
            }
            BlockKind::Definitions(children) => self.definitions(parent, children),
            BlockKind::Term { .. } => {
                let element = self.child(parent, "P");
                self.text(element, block.id, |part| part == Part::Text);
            }
            BlockKind::Definition(blocks) => {
                for inner in blocks {
                    self.block(parent, inner);
                }
            }
            BlockKind::SceneBreak | BlockKind::PageBreak => {}
            BlockKind::Figure {
                alt,
                decorative,
                caption,
                ..
            } => self.figure(parent, block.id, alt, *decorative, !caption.is_empty()),
            BlockKind::Table { head, rows, .. } => {
                self.table(parent, block.id, head.as_deref(), rows)
            }
            BlockKind::Contents(entries) => {
                let toc = self.child(parent, "TOC");
                let mut groups = self.groups(block.id, |part| matches!(part, Part::Entry(_)));
                for i in 0..entries.len() as u32 {
                    let item = self.child(toc, "TOCI");
                    self.stage(block.id, &mut groups, Part::Entry(i));
                    self.linked_part(item, block.id, Part::Entry(i));
                }
                self.unstage(block.id, groups);
            }
        }
    }

    /// A list: an `LI` per item, its marker the `Lbl` (when it has one) and
    /// its blocks the `LBody`.
    fn list(&mut self, parent: usize, items: &[ListItem]) {
        let list = self.child(parent, "L");
        for item in items {
            let entry = self.child(list, "LI");
            if let Some(first) = item.blocks.first() {
                let label = self.push("Lbl");
                self.text(label, first.id, |part| part == Part::Label);
                if !self.elements[label].kids.is_empty() {
                    self.add(entry, label);
                }
            }
            let body = self.child(entry, "LBody");
            for inner in &item.blocks {
                self.block(body, inner);
            }
        }
    }

    /// A definition list: an `LI` per term, the term its `Lbl`, each
    /// definition an `LBody` (PDF/UA's reading of a glossary).
    fn definitions(&mut self, parent: usize, children: &[Block]) {
        let list = self.child(parent, "L");
        let mut entry = None;
        for child in children {
            match &child.kind {
                BlockKind::Term { .. } => {
                    let item = self.child(list, "LI");
                    // A run-in term is read in its definition's paragraph.
                    let label = self.push("Lbl");
                    self.text(label, child.id, |part| part == Part::Text);
                    if !self.elements[label].kids.is_empty() {
                        self.add(item, label);
                    }
                    entry = Some(item);
                }
                BlockKind::Definition(blocks) => {
                    let item = match entry {
                        Some(item) => item,
                        None => *entry.insert(self.child(list, "LI")),
                    };
                    let body = self.child(item, "LBody");
                    for inner in blocks {
                        self.block(body, inner);
                    }
                }
                _ => {
                    let item = self.child(list, "LI");
                    let body = self.child(item, "LBody");
                    self.block(body, child);
                }
            }
        }
    }

    /// A figure with its alt text (none when decorative), and its
    /// `Caption` beside it in a `Div` when it is `captioned`.
    fn figure(
        &mut self,
        parent: usize,
        block: BlockId,
        alt: &str,
        decorative: bool,
        captioned: bool,
    ) {
        let holder = if captioned {
            self.child(parent, "Div")
        } else {
            parent
        };
        if !decorative {
            let figure = self.push("Figure");
            self.text(figure, block, |part| part == Part::Text);
            // An image left out of print (one in a footnote) has nothing to tag.
            if !self.elements[figure].kids.is_empty() {
                self.elements[figure].alt = Some(alt.to_string());
                self.add(holder, figure);
            }
        }
        if captioned {
            let element = self.child(holder, "Caption");
            self.text(element, block, |part| part == Part::Caption);
        }
    }

    /// A table: its caption, then a `TR` per row of `TH` (scoped to their
    /// column) or `TD` cells, every row as wide as the widest.
    fn table(
        &mut self,
        parent: usize,
        block: BlockId,
        head: Option<&[Vec<Inline>]>,
        rows: &[Vec<Vec<Inline>>],
    ) {
        let table = self.child(parent, "Table");
        let mut groups = self.groups(block, |part| matches!(part, Part::Caption | Part::Cell(..)));
        let caption = self.push("Caption");
        self.stage(block, &mut groups, Part::Caption);
        self.text(caption, block, |part| part == Part::Caption);
        if !self.elements[caption].kids.is_empty() {
            self.add(table, caption);
        }
        let columns = head
            .iter()
            .map(|head| head.len())
            .chain(rows.iter().map(Vec::len))
            .max()
            .unwrap_or(0) as u32;
        let count = rows.len() as u32 + u32::from(head.is_some());
        for row in 0..count {
            let header = row == 0 && head.is_some();
            let tr = self.child(table, "TR");
            for column in 0..columns {
                let cell = self.child(tr, if header { "TH" } else { "TD" });
                if header {
                    let mut scope = Dictionary::new();
                    scope.set("O", Object::Name(b"Table".to_vec()));
                    scope.set("Scope", Object::Name(b"Column".to_vec()));
                    self.elements[cell].attributes = Some(scope);
                }
                let part = Part::Cell(row, column);
                self.stage(block, &mut groups, part);
                self.text(cell, block, |p| p == part);
            }
        }
        self.unstage(block, groups);
    }

    fn section(&mut self, parent: usize, section: &'a Section) {
        let kind = if section.kind == SectionKind::Part {
            "Part"
        } else {
            "Sect"
        };
        let element = self.child(parent, kind);
        self.notes = Some(section);
        self.placed_notes = vec![false; section.notes.len()];
        // A chapter opened by its label alone: the label is its heading.
        if let Some(first) = section.blocks.first()
            && !matches!(first.kind, BlockKind::Heading { level: 1, .. })
        {
            let label = self.take(first.id, |part| part == Part::ChapterLabel);
            if !label.is_empty() {
                let level = self.heading_level(1);
                let heading = self.child(element, HEADINGS[level as usize - 1]);
                for (page, mcid, _) in label {
                    self.elements[heading].kids.push(Kid::Content(page, mcid));
                }
            }
        }
        for block in &section.blocks {
            self.block(element, block);
        }
        // Notes whose reference did not reach a page still belong to the section.
        for note in 0..section.notes.len() {
            self.note(element, note);
        }
        self.notes = None;
    }
}

const HEADINGS: [&str; 6] = ["H1", "H2", "H3", "H4", "H5", "H6"];

/// The marked content of every page, indexed by block.
fn index(pages: &[Page]) -> ContentIndex {
    let mut index: ContentIndex = HashMap::new();
    for (p, page) in pages.iter().enumerate() {
        for (mcid, (block, part)) in super::page::marked_content(page).into_iter().enumerate() {
            index.entry(block).or_default().push((p, mcid as i32, part));
        }
    }
    index
}

/// The interior's structure tree, from the sections as layout set them.
fn interior_tree<'a>(
    sections: &'a [Section],
    pages: &[Page],
    annotations: &[super::links::Annotation],
) -> Tree<'a> {
    let mut by_owner: HashMap<(BlockId, Part), Vec<usize>> = HashMap::new();
    for (a, annotation) in annotations.iter().enumerate() {
        by_owner.entry(annotation.owner).or_default().push(a);
    }
    let mut tree = Tree {
        elements: Vec::new(),
        index: index(pages),
        notes: None,
        placed_notes: Vec::new(),
        last_heading: 0,
        annotations: by_owner,
        attached: vec![false; annotations.len()],
        languages: HashMap::new(),
    };
    for section in sections {
        let notes = section.notes.iter().flat_map(|n| &n.blocks);
        for blocks in [&section.blocks[..]]
            .into_iter()
            .chain(notes.map(std::slice::from_ref))
        {
            crate::model::walk_blocks(blocks, &mut |block| {
                for inlines in block.kind.inlines() {
                    crate::model::languages(inlines, &mut tree.languages);
                }
            });
        }
    }
    let document = tree.push("Document");
    let mut part: Option<usize> = None;
    for section in sections {
        match section.kind {
            SectionKind::Part => {
                tree.section(document, section);
                part = tree.elements[document].kids.last().and_then(|k| match k {
                    Kid::Element(e) => Some(*e),
                    Kid::Content(..) | Kid::Annotation(_) => None,
                });
            }
            SectionKind::Chapter => tree.section(part.unwrap_or(document), section),
            _ => {
                part = None;
                tree.section(document, section);
            }
        }
    }
    tree
}

/// The print cover's tree: its lines as paragraphs in the order they were
/// set, the cover art a figure named by the title and author.
fn cover_tree<'a>(book: &Book, pages: &[Page]) -> Tree<'a> {
    let mut tree = Tree {
        elements: Vec::new(),
        index: index(pages),
        notes: None,
        placed_notes: Vec::new(),
        last_heading: 0,
        annotations: HashMap::new(),
        attached: Vec::new(),
        languages: HashMap::new(),
    };
    let document = tree.push("Document");
    let mut order: Vec<BlockId> = Vec::new();
    for page in pages {
        for (block, _) in super::page::marked_content(page) {
            if !order.contains(&block) {
                order.push(block);
            }
        }
    }
    for block in order {
        let art = block.0 == crate::cover::print::COVER_ART;
        let element = tree.child(document, if art { "Figure" } else { "P" });
        if art {
            tree.elements[element].alt = Some(format!(
                "The front cover of {}{}",
                book.meta.full_title(),
                match book.meta.author_line() {
                    a if a.is_empty() => String::new(),
                    a => format!(", by {a}"),
                }
            ));
        }
        tree.text(element, block, |_| true);
    }
    tree
}

/// What the structure tree needs of the pages and the model, worked out
/// before the document's objects exist (beside the page streams): where
/// every mark is, the link annotations, and the tree of elements.
pub struct Plan<'a> {
    sections: &'a [Section],
    geometry: Option<super::links::Geometry>,
    annotations: Vec<super::links::Annotation>,
    tree: Tree<'a>,
    stray: usize,
}

/// The [`Plan`] of the tree of `sections` over `pages` (or the cover's).
/// With `links`, the interior's links are annotations too (a PDF/X file,
/// for the printer, takes none inside the trim).
pub fn plan<'a>(
    book: &Book,
    sections: &'a [Section],
    pages: &[Page],
    kind: super::Document,
    links: bool,
) -> Plan<'a> {
    let geometry = (kind == super::Document::Interior).then(|| super::links::geometry(pages));
    let annotations = match &geometry {
        Some(geometry) if links => super::links::annotations(sections, geometry),
        _ => Vec::new(),
    };
    let mut tree = match kind {
        super::Document::Interior => interior_tree(sections, pages, &annotations),
        super::Document::Cover => cover_tree(book, pages),
    };
    let stray = tree.gather_unreached(annotations.len());
    Plan {
        sections,
        geometry,
        annotations,
        tree,
        stray,
    }
}

/// Writes the structure tree `plan` worked out and what a tagged file
/// declares into the serialised document: `/StructParents` and `/Tabs /S`
/// on every page, and in the catalog `/MarkInfo`, `/Lang` and
/// `/ViewerPreferences`; the interior's bookmarks and opening too. With
/// `prewritten`, the elements and the parent tree are written there as
/// bytes (for [`super::save::with_object_streams`]), not held as objects.
pub fn write(
    objects: &mut lopdf::Document,
    book: &Book,
    plan: Plan<'_>,
    mut prewritten: Option<&mut super::save::Prewritten>,
) -> Summary {
    let Plan {
        sections,
        geometry,
        annotations,
        tree,
        stray,
    } = plan;
    let page_ids: Vec<ObjectId> = objects.get_pages().into_values().collect();
    if let Some(geometry) = &geometry {
        super::links::write_outline(objects, sections, geometry, &page_ids);
    }
    let ids = Ids {
        annotations: annotations
            .iter()
            .map(|_| objects.new_object_id())
            .collect(),
        elements: (0..tree.elements.len())
            .map(|_| objects.new_object_id())
            .collect(),
        root: objects.new_object_id(),
        pages: page_ids,
    };
    let parents = Parents::of(&tree, &ids);
    for (e, element) in tree.elements.iter().enumerate() {
        let dict = Object::Dictionary(element_dict(
            element,
            parents.of_element[e],
            &ids,
            &annotations,
        ));
        match prewritten.as_deref_mut() {
            Some(prewritten) => prewritten.push(ids.elements[e], &dict),
            None => {
                objects.objects.insert(ids.elements[e], dict);
            }
        }
    }
    let parent_tree = write_parent_tree(objects, &ids, &parents, &annotations, prewritten);
    write_root(objects, book, &ids, parent_tree, annotations.len());
    Summary {
        elements: tree.elements.len(),
        stray,
    }
}

impl Tree<'_> {
    /// Content the walk did not reach is still the document's, at its end
    /// (returns how much there was); every annotation has its structure
    /// element, so a reader reaches it.
    fn gather_unreached(&mut self, annotations: usize) -> usize {
        let mut stray: Vec<(usize, i32)> = self
            .index
            .values()
            .flatten()
            .map(|&(page, mcid, _)| (page, mcid))
            .collect();
        stray.sort_unstable();
        let count = stray.len();
        if !stray.is_empty() {
            let holder = self.child(0, "P");
            self.elements[holder].kids.extend(
                stray
                    .into_iter()
                    .map(|(page, mcid)| Kid::Content(page, mcid)),
            );
        }
        let loose: Vec<usize> = (0..annotations)
            .filter(|&a| !self.attached.get(a).copied().unwrap_or(false))
            .collect();
        if !loose.is_empty() {
            let holder = self.child(0, "Link");
            self.elements[holder]
                .kids
                .extend(loose.into_iter().map(Kid::Annotation));
        }
        count
    }
}

/// The object ids of the structure: each annotation's, each element's, the
/// tree root's, and the pages'.
struct Ids {
    annotations: Vec<ObjectId>,
    elements: Vec<ObjectId>,
    root: ObjectId,
    pages: Vec<ObjectId>,
}

/// Who holds what, by object id: each element's parent, each annotation's
/// element, and per page each MCID's element (the parent tree's arrays).
struct Parents {
    of_element: Vec<ObjectId>,
    of_annotation: Vec<ObjectId>,
    of_content: Vec<Vec<Option<ObjectId>>>,
}

impl Parents {
    /// Everything not held by an element is held by the root.
    fn of(tree: &Tree<'_>, ids: &Ids) -> Parents {
        let mut parents = Parents {
            of_element: vec![ids.root; tree.elements.len()],
            of_annotation: vec![ids.root; ids.annotations.len()],
            of_content: vec![Vec::new(); ids.pages.len()],
        };
        for (e, element) in tree.elements.iter().enumerate() {
            for kid in &element.kids {
                match *kid {
                    Kid::Annotation(a) => parents.of_annotation[a] = ids.elements[e],
                    Kid::Element(child) => parents.of_element[child] = ids.elements[e],
                    Kid::Content(page, mcid) => {
                        let slots = &mut parents.of_content[page];
                        let mcid = mcid as usize;
                        if slots.len() <= mcid {
                            slots.resize(mcid + 1, None);
                        }
                        slots[mcid] = Some(ids.elements[e]);
                    }
                }
            }
        }
        parents
    }
}

/// One structure element's dictionary, under `parent`.
fn element_dict(
    element: &Element,
    parent: ObjectId,
    ids: &Ids,
    annotations: &[super::links::Annotation],
) -> Dictionary {
    let mut dict = Dictionary::new();
    dict.set("S", Object::Name(element.kind.as_bytes().to_vec()));
    dict.set("P", Object::Reference(parent));
    // The element's page: the first of its content's, so each MCID on it can stand alone.
    let home = element.kids.iter().find_map(|kid| match kid {
        Kid::Content(page, _) => Some(*page),
        Kid::Element(_) | Kid::Annotation(_) => None,
    });
    if let Some(page) = home {
        dict.set("Pg", Object::Reference(ids.pages[page]));
    }
    let kids: Vec<Object> = element
        .kids
        .iter()
        .map(|kid| match *kid {
            Kid::Element(child) => Object::Reference(ids.elements[child]),
            Kid::Annotation(a) => {
                let mut reference = Dictionary::new();
                reference.set("Type", Object::Name(b"OBJR".to_vec()));
                reference.set("Obj", Object::Reference(ids.annotations[a]));
                reference.set("Pg", Object::Reference(ids.pages[annotations[a].page]));
                Object::Dictionary(reference)
            }
            Kid::Content(page, mcid) if Some(page) == home => Object::Integer(mcid.into()),
            Kid::Content(page, mcid) => {
                let mut reference = Dictionary::new();
                reference.set("Type", Object::Name(b"MCR".to_vec()));
                reference.set("Pg", Object::Reference(ids.pages[page]));
                reference.set("MCID", Object::Integer(mcid.into()));
                Object::Dictionary(reference)
            }
        })
        .collect();
    // One kid stands alone (most headings and paragraphs on one page).
    dict.set(
        "K",
        match <[Object; 1]>::try_from(kids) {
            Ok([kid]) => kid,
            Err(kids) => Object::Array(kids),
        },
    );
    if let Some(alt) = &element.alt {
        dict.set("Alt", text_string(alt));
    }
    if let Some(lang) = &element.lang {
        dict.set("Lang", text_string(lang));
    }
    if let Some(attributes) = &element.attributes {
        dict.set("A", Object::Dictionary(attributes.clone()));
    }
    dict
}

/// The parent tree (returned): a key per page, its MCIDs' elements, then a
/// key per annotation, its `Link` element; each annotation written with its
/// key and listed in its page's `/Annots`.
fn write_parent_tree(
    objects: &mut lopdf::Document,
    ids: &Ids,
    parents: &Parents,
    annotations: &[super::links::Annotation],
    prewritten: Option<&mut super::save::Prewritten>,
) -> ObjectId {
    let mut nums = Vec::with_capacity(ids.pages.len() * 2);
    for (p, slots) in parents.of_content.iter().enumerate() {
        nums.push(Object::Integer(p as i64));
        nums.push(Object::Array(
            slots
                .iter()
                .map(|slot| slot.map_or(Object::Null, Object::Reference))
                .collect(),
        ));
    }
    // Each annotation's key, after the pages': its Link element.
    for (a, annotation) in annotations.iter().enumerate() {
        let key = (ids.pages.len() + a) as i64;
        nums.push(Object::Integer(key));
        nums.push(Object::Reference(parents.of_annotation[a]));
        let dict = super::links::annotation_dict(annotation, &ids.pages, key);
        objects
            .objects
            .insert(ids.annotations[a], Object::Dictionary(dict));
        if let Ok(Object::Dictionary(page)) = objects.get_object_mut(ids.pages[annotation.page]) {
            match page.get_mut(b"Annots") {
                Ok(Object::Array(list)) => list.push(Object::Reference(ids.annotations[a])),
                _ => page.set(
                    "Annots",
                    Object::Array(vec![Object::Reference(ids.annotations[a])]),
                ),
            }
        }
    }
    let mut parent_tree = Dictionary::new();
    parent_tree.set("Nums", Object::Array(nums));
    let parent_tree = Object::Dictionary(parent_tree);
    match prewritten {
        Some(prewritten) => {
            let id = objects.new_object_id();
            prewritten.push(id, &parent_tree);
            id
        }
        None => objects.add_object(parent_tree),
    }
}

/// The structure tree's root, each page's `/StructParents` and tab order,
/// and what the catalog declares of a tagged file.
fn write_root(
    objects: &mut lopdf::Document,
    book: &Book,
    ids: &Ids,
    parent_tree: ObjectId,
    annotations: usize,
) {
    let mut root = Dictionary::new();
    root.set("Type", Object::Name(b"StructTreeRoot".to_vec()));
    root.set("K", Object::Array(vec![Object::Reference(ids.elements[0])]));
    root.set("ParentTree", Object::Reference(parent_tree));
    root.set(
        "ParentTreeNextKey",
        Object::Integer((ids.pages.len() + annotations) as i64),
    );
    objects.objects.insert(ids.root, Object::Dictionary(root));
    for (p, id) in ids.pages.iter().enumerate() {
        if let Ok(Object::Dictionary(page)) = objects.get_object_mut(*id) {
            page.set("StructParents", Object::Integer(p as i64));
            page.set("Tabs", Object::Name(b"S".to_vec()));
        }
    }
    if let Ok(catalog) = objects.catalog_mut() {
        catalog.set("StructTreeRoot", Object::Reference(ids.root));
        let mut mark_info = Dictionary::new();
        mark_info.set("Marked", Object::Boolean(true));
        catalog.set("MarkInfo", Object::Dictionary(mark_info));
        catalog.set("Lang", text_string(&book.meta.language));
        let mut preferences = Dictionary::new();
        preferences.set("DisplayDocTitle", Object::Boolean(true));
        catalog.set("ViewerPreferences", Object::Dictionary(preferences));
    }
}

/// A PDF text string: PDFDocEncoding's ASCII as it is, anything else as
/// UTF-16BE with its byte-order mark.
pub fn text_string(text: &str) -> Object {
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        Object::string_literal(text)
    } else {
        let mut bytes = vec![0xfe, 0xff];
        for unit in text.encode_utf16() {
            bytes.extend_from_slice(&unit.to_be_bytes());
        }
        Object::String(bytes, lopdf::StringFormat::Hexadecimal)
    }
}
