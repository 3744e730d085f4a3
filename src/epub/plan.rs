//! The plan of the XHTML files, made before any is written: each section's
//! file name; every element id (headings, notes, note references, page
//! breaks), unique within its file; and where each print page starts, as a
//! character offset into a leaf block, moved back to the start of a word when
//! it falls inside one. Contents, navigation and page-list links are made
//! from the same plan, so they always point at ids that exist.
//!
//! Walks are iterative: any nesting depth is safe.

use std::collections::{HashMap, HashSet};

use super::escape::id_safe;
use crate::model::{Block, BlockId, BlockKind, Book, Inline, NotePlacement, PageMap, Section};

/// File names the package itself uses (compared case-insensitively).
const RESERVED_FILE_STEMS: [&str; 6] = ["nav", "toc", "cover", "stylesheet", "content", "endnotes"];

/// The document holding every note when the book gathers them at its end.
pub const NOTES_FILE: &str = "endnotes.xhtml";

/// Where one print page starts in the EPUB.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageMark {
    /// Index of the section (and so of the file) holding the marker.
    pub section: usize,
    /// Element id of the marker: `page-iii`.
    pub id: String,
    /// The folio as printed.
    pub label: String,
}

/// A page marker inside a leaf block's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Break {
    /// Characters before the marker, counted as `model::block_text` counts.
    pub offset: u32,
    /// Index into [`Plan::pages`].
    pub page: usize,
}

/// Ids of one section's file.
#[derive(Debug, Clone, Default)]
pub struct SectionIds {
    /// Headings in reading order (section blocks, then notes).
    pub headings: Vec<String>,
    /// The model's heading anchor → its id (first heading with that anchor).
    pub anchors: HashMap<String, String>,
    /// Per footnote.
    pub notes: Vec<String>,
    /// Per footnote, one id per reference to it, in reading order.
    pub refs: Vec<Vec<String>>,
    /// Headings in the section's text (the rest of `headings` are in its notes).
    pub headings_in_text: usize,
    /// Per footnote, references in the section's text (the rest are in notes).
    pub refs_in_text: Vec<usize>,
    /// Id of the heading the writer adds to a page that has none (contents).
    pub generated_heading: String,
    /// Pages whose start could not be found in a block: marked where the section begins.
    pub pages_at_start: Vec<usize>,
    /// Pages pointing past the book: marked at the end of the last section.
    pub pages_at_end: Vec<usize>,
}

/// Everything the writers need to agree on.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Per section: `chapter-1.xhtml`.
    pub files: Vec<String>,
    pub sections: Vec<SectionIds>,
    /// Per page of the page map, in order.
    pub pages: Vec<PageMark>,
    /// Page markers inside leaf blocks, keyed by the block's address (ids
    /// could repeat in a hand-made model; addresses cannot), sorted by offset.
    breaks: HashMap<usize, Vec<Break>>,
    /// Section id → index.
    section_index: HashMap<String, usize>,
    /// The notes document, when notes are gathered at the book's end (`notes = "book"`).
    pub notes_file: Option<String>,
    /// The notes document's heading id.
    pub notes_heading: String,
    /// Per section with notes, the id of its heading in the notes document.
    pub notes_groups: Vec<Option<String>>,
}

impl Plan {
    /// Page markers inside `block`, sorted by offset (pages in order at equal offsets).
    pub fn breaks(&self, block: &Block) -> &[Break] {
        self.breaks.get(&address(block)).map_or(&[], Vec::as_slice)
    }

    /// The file and fragment a contents entry links to: `chapter-1.xhtml#part-two`.
    pub fn href(&self, section_id: &str, anchor: Option<&str>) -> Option<String> {
        let &index = self.section_index.get(section_id)?;
        Some(self.href_at(index, anchor))
    }

    /// Where a note reference in section `index` links: the note's id, in
    /// the notes document when notes are gathered there.
    pub fn note_href(&self, index: usize, note: usize) -> Option<String> {
        let id = self.sections.get(index)?.notes.get(note)?;
        Some(match &self.notes_file {
            Some(file) => format!("{file}#{id}"),
            None => format!("#{id}"),
        })
    }

    /// Where a note's back-link goes: the reference's id, in its chapter's
    /// file when the note is in the notes document.
    pub fn backlink_href(&self, index: usize, ref_id: &str) -> String {
        match &self.notes_file {
            Some(_) => format!("{}#{ref_id}", self.files[index]),
            None => format!("#{ref_id}"),
        }
    }

    /// The file of section `index`, with the id of the heading `anchor` names.
    pub fn href_at(&self, index: usize, anchor: Option<&str>) -> String {
        let file = &self.files[index];
        match anchor.and_then(|a| self.sections[index].anchors.get(a)) {
            Some(id) => format!("{file}#{id}"),
            None => file.clone(),
        }
    }
}

fn address(block: &Block) -> usize {
    block as *const Block as usize
}

/// A step of an iterative pre-order walk over blocks.
pub enum Visit<'a> {
    Enter(&'a Block),
    /// After a container's children.
    Exit(&'a Block),
}

/// Calls `visit` for every block in reading order, without recursion.
pub fn walk_blocks<'a>(blocks: &'a [Block], mut visit: impl FnMut(Visit<'a>)) {
    let mut stack: Vec<Visit<'a>> = blocks.iter().rev().map(Visit::Enter).collect();
    while let Some(step) = stack.pop() {
        match step {
            Visit::Enter(block) => {
                visit(Visit::Enter(block));
                if block.kind.is_container() {
                    stack.push(Visit::Exit(block));
                    stack.extend(block.kind.children().rev().map(Visit::Enter));
                }
            }
            exit @ Visit::Exit(_) => visit(exit),
        }
    }
}

/// Calls `f` for every inline in reading order, nested ones after their parent.
pub fn walk_inlines<'a>(inlines: &'a [Inline], mut f: impl FnMut(&'a Inline)) {
    let mut stack = vec![inlines.iter()];
    while let Some(top) = stack.last_mut() {
        match top.next() {
            None => {
                stack.pop();
            }
            Some(inline) => {
                f(inline);
                stack.push(inline.children().iter());
            }
        }
    }
}

/// The inlines of a leaf block, if it has any.
pub fn block_inlines(block: &Block) -> Option<&[Inline]> {
    match &block.kind {
        BlockKind::Heading { content, .. }
        | BlockKind::Paragraph { content, .. }
        | BlockKind::Verse { content, .. }
        | BlockKind::Display { content, .. }
        | BlockKind::Term { content }
        | BlockKind::Figure {
            caption: content, ..
        } => Some(content),
        _ => None,
    }
}

/// The characters of a leaf block's text, counted as `model::block_text`
/// counts (text and code as written, a line break as `\n`, note references as
/// nothing), but without recursion.
pub fn leaf_chars(block: &Block) -> Vec<char> {
    match block_inlines(block) {
        Some(inlines) => {
            let mut chars = Vec::new();
            walk_inlines(inlines, |inline| match inline {
                Inline::Text(t) | Inline::Code(t) => chars.extend(t.chars()),
                Inline::LineBreak => chars.push('\n'),
                _ => {}
            });
            chars
        }
        None => crate::model::block_text(block)
            .unwrap_or_default()
            .chars()
            .collect(),
    }
}

/// Moves an offset that falls inside a word back to the word's start (a word
/// is a run of non-whitespace characters); clamps it to the text's length.
pub fn word_start(chars: &[char], offset: usize) -> usize {
    let mut at = offset.min(chars.len());
    while at > 0 && at < chars.len() && !chars[at].is_whitespace() && !chars[at - 1].is_whitespace()
    {
        at -= 1;
    }
    at
}

/// Where a block sits, for placing page markers.
#[derive(Clone, Copy)]
enum Location<'a> {
    Leaf {
        section: usize,
        block: &'a Block,
    },
    /// A quote or list: pages starting there start at its first leaf.
    Container {
        section: usize,
        first_leaf: Option<(usize, &'a Block)>,
    },
}

/// What one walk over every section finds: where each block is, and per
/// section its headings and how often each of its notes is referenced.
struct Survey<'a> {
    locations: HashMap<BlockId, Location<'a>>,
    /// Per section, its headings' anchors in reading order (text, then notes).
    headings: Vec<Vec<&'a str>>,
    /// Per section, per footnote, the references to it.
    ref_counts: Vec<Vec<usize>>,
}

/// Makes the plan for `book` and its page map.
pub fn plan(book: &Book, page_map: &PageMap) -> Plan {
    let mut plan = Plan {
        files: file_names(&book.sections),
        sections: vec![SectionIds::default(); book.sections.len()],
        ..Plan::default()
    };
    for (index, section) in book.sections.iter().enumerate() {
        plan.section_index
            .entry(section.id.clone())
            .or_insert(index);
    }
    let survey = survey(book);
    // Page ids first: the other ids in a file must not take theirs.
    place_pages(book, page_map, &survey.locations, &mut plan);
    claim_ids(book, &survey, &mut plan);
    plan
}

/// One walk over everything: where each block is, headings and note references.
fn survey<'a>(book: &'a Book) -> Survey<'a> {
    let mut survey = Survey {
        locations: HashMap::new(),
        headings: Vec::with_capacity(book.sections.len()),
        ref_counts: Vec::with_capacity(book.sections.len()),
    };
    let locations = &mut survey.locations;
    for (index, section) in book.sections.iter().enumerate() {
        let mut section_headings = Vec::new();
        let mut counts = vec![0usize; section.notes.len()];
        // Containers entered whose first leaf is still to come.
        let mut pending: Vec<&'a Block> = Vec::new();
        let mut visit = |step: Visit<'a>| match step {
            Visit::Enter(block) => match &block.kind {
                kind if kind.is_container() => {
                    locations.entry(block.id).or_insert(Location::Container {
                        section: index,
                        first_leaf: None,
                    });
                    pending.push(block);
                }
                _ => {
                    for container in pending.drain(..) {
                        if let Some(Location::Container { first_leaf, .. }) =
                            locations.get_mut(&container.id)
                        {
                            first_leaf.get_or_insert((index, block));
                        }
                    }
                    locations.entry(block.id).or_insert(Location::Leaf {
                        section: index,
                        block,
                    });
                    if let BlockKind::Heading { anchor, .. } = &block.kind {
                        section_headings.push(anchor.as_str());
                    }
                    let cells = block.kind.table_rows().flatten().map(Vec::as_slice);
                    for inlines in block_inlines(block).into_iter().chain(cells) {
                        walk_inlines(inlines, |inline| {
                            if let Inline::NoteRef { note, .. } = inline {
                                if let Some(count) = counts.get_mut(*note as usize) {
                                    *count += 1;
                                }
                            }
                        });
                    }
                }
            },
            Visit::Exit(block) => {
                if pending.last().is_some_and(|p| std::ptr::eq(*p, block)) {
                    pending.pop();
                }
            }
        };
        walk_blocks(&section.blocks, &mut visit);
        for note in &section.notes {
            walk_blocks(&note.blocks, &mut visit);
        }
        survey.headings.push(section_headings);
        survey.ref_counts.push(counts);
    }
    survey
}

/// Page markers: ids unique book-wide, each in the file its page starts in,
/// inside the block it starts in when that is found (`plan.breaks`), else at
/// its section's start or the book's end.
fn place_pages(
    book: &Book,
    page_map: &PageMap,
    locations: &HashMap<BlockId, Location<'_>>,
    plan: &mut Plan,
) {
    let mut page_ids: HashSet<String> = HashSet::new();
    let last_section = book.sections.len().saturating_sub(1);
    // Many pages start in the same long paragraph: decode each block's text once.
    let mut chars_of: HashMap<BlockId, Vec<char>> = HashMap::new();
    for (page_index, page) in page_map.pages.iter().enumerate() {
        let target = match locations.get(&page.at.block) {
            Some(Location::Leaf { section, block }) => {
                let chars = chars_of
                    .entry(page.at.block)
                    .or_insert_with(|| leaf_chars(block));
                let offset = word_start(chars, page.at.offset as usize) as u32;
                Some((*section, *block, offset))
            }
            Some(Location::Container {
                first_leaf: Some((section, block)),
                ..
            }) => Some((*section, *block, 0)),
            Some(Location::Container { section, .. }) => {
                plan.sections[*section].pages_at_start.push(page_index);
                plan.pages.push(page_mark(*section, page, &mut page_ids));
                continue;
            }
            None => None,
        };
        let section = match target {
            Some((section, block, offset)) => {
                plan.breaks.entry(address(block)).or_default().push(Break {
                    offset,
                    page: page_index,
                });
                section
            }
            // Blank pages after the last text point past the book's last block:
            // their markers follow everything else, in page order.
            None if page.at.block.0 >= book.block_count => {
                plan.sections[last_section].pages_at_end.push(page_index);
                last_section
            }
            None if (page.section as usize) < book.sections.len() => {
                let section = page.section as usize;
                plan.sections[section].pages_at_start.push(page_index);
                section
            }
            None => {
                plan.sections[last_section].pages_at_end.push(page_index);
                last_section
            }
        };
        plan.pages.push(page_mark(section, page, &mut page_ids));
    }
    for breaks in plan.breaks.values_mut() {
        // Stable: pages at the same offset stay in page order.
        breaks.sort_by_key(|b| b.offset);
    }
}

/// The ids other than pages', unique within each file (page ids, placed
/// first, are claimed before them); the notes document's unique across all
/// of it when notes are gathered there.
fn claim_ids(book: &Book, survey: &Survey<'_>, plan: &mut Plan) {
    let mut used_by_section: Vec<HashSet<String>> = vec![HashSet::new(); book.sections.len()];
    for mark in &plan.pages {
        used_by_section[mark.section].insert(mark.id.clone());
    }
    let gathered = book.ebook.notes == NotePlacement::Book
        && book.sections.iter().any(|s| !s.notes.is_empty());
    // Ids in the notes document, when there is one: unique across all of it.
    let mut used_in_notes: HashSet<String> = HashSet::new();
    if gathered {
        plan.notes_file = Some(NOTES_FILE.to_string());
        plan.notes_heading = claim(&mut used_in_notes, "notes-title");
    }
    for (index, section) in book.sections.iter().enumerate() {
        let used = &mut used_by_section[index];
        let ids = &mut plan.sections[index];
        ids.generated_heading = claim(used, &format!("{}-title", section.id));
        let note_ids = if gathered {
            &mut used_in_notes
        } else {
            &mut *used
        };
        plan.notes_groups.push(
            (gathered && !section.notes.is_empty())
                .then(|| claim(note_ids, &format!("notes-{}", section.id))),
        );
        for note in &section.notes {
            ids.notes.push(claim(note_ids, &note.anchor));
        }
        if gathered {
            (ids.headings_in_text, ids.refs_in_text) = text_counts(section);
        }
        for (note, &count) in section.notes.iter().zip(&survey.ref_counts[index]) {
            let base = format!("ref-{}", note.anchor);
            ids.refs
                .push((0..count).map(|_| claim(used, &base)).collect());
        }
        for anchor in &survey.headings[index] {
            let id = claim(used, anchor);
            ids.anchors.entry(anchor.to_string()).or_insert(id.clone());
            ids.headings.push(id);
        }
    }
}

/// Headings and, per note, references in a section's text (not its notes):
/// where the notes document's writing of them starts.
fn text_counts(section: &Section) -> (usize, Vec<usize>) {
    let mut headings = 0;
    let mut refs = vec![0usize; section.notes.len()];
    walk_blocks(&section.blocks, |step| {
        if let Visit::Enter(block) = step {
            if matches!(block.kind, BlockKind::Heading { .. }) {
                headings += 1;
            }
            let cells = block.kind.table_rows().flatten().map(Vec::as_slice);
            for inlines in block_inlines(block).into_iter().chain(cells) {
                walk_inlines(inlines, |inline| {
                    if let Inline::NoteRef { note, .. } = inline
                        && let Some(count) = refs.get_mut(*note as usize)
                    {
                        *count += 1;
                    }
                });
            }
        }
    });
    (headings, refs)
}

fn page_mark(
    section: usize,
    page: &crate::model::PageStart,
    used: &mut HashSet<String>,
) -> PageMark {
    PageMark {
        section,
        id: claim(used, &format!("page-{}", page.label)),
        label: page.label.clone(),
    }
}

/// An id-safe version of `base`, made unique in `used` with `-2`, `-3`… and recorded.
fn claim(used: &mut HashSet<String>, base: &str) -> String {
    let base = id_safe(base);
    let mut id = base.clone();
    let mut n = 2;
    while used.contains(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    used.insert(id.clone());
    id
}

/// One file per section, named after its id, unique (ignoring case) and
/// clear of the package's own files.
fn file_names(sections: &[Section]) -> Vec<String> {
    let mut used: HashSet<String> = RESERVED_FILE_STEMS.iter().map(|s| s.to_string()).collect();
    sections
        .iter()
        .map(|section| {
            let base = id_safe(section.id.trim_matches('.'));
            let mut stem = base.clone();
            let mut n = 2;
            while used.contains(&stem.to_ascii_lowercase()) {
                stem = format!("{base}-{n}");
                n += 1;
            }
            used.insert(stem.to_ascii_lowercase());
            format!("{stem}.xhtml")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ListItem, PageStart, TextPos, block_text};

    fn block(id: u32, kind: BlockKind) -> Block {
        Block {
            id: BlockId(id),
            kind,
            span: None,
        }
    }

    fn text(t: &str) -> Inline {
        Inline::Text(t.to_string())
    }

    #[test]
    fn word_start_never_splits_a_word() {
        let chars: Vec<char> = "Call me Ishmael.".chars().collect();
        assert_eq!(word_start(&chars, 0), 0);
        assert_eq!(word_start(&chars, 5), 5, "a word start stays");
        assert_eq!(word_start(&chars, 4), 4, "at a space stays");
        assert_eq!(
            word_start(&chars, 10),
            8,
            "inside Ishmael: back to its start"
        );
        assert_eq!(word_start(&chars, 2), 0);
        assert_eq!(word_start(&chars, 16), 16, "the end stays");
        assert_eq!(word_start(&chars, 99), 16, "past the end is the end");
        let hyphenated: Vec<char> = "a well-known fact".chars().collect();
        assert_eq!(word_start(&hyphenated, 7), 2, "after a hyphen break");
    }

    #[test]
    fn leaf_chars_count_as_the_model_does() {
        let paragraph = block(
            0,
            BlockKind::Paragraph {
                content: vec![
                    text("One "),
                    Inline::Emphasis(vec![text("two "), Inline::Strong(vec![text("thr€e")])]),
                    Inline::NoteRef {
                        note: 0,
                        label: "1".into(),
                    },
                    Inline::LineBreak,
                    Inline::Code("x < y".into()),
                    Inline::Link {
                        url: "https://example.com".into(),
                        content: vec![text(" link")],
                    },
                ],
                indent: true,
            },
        );
        let code = block(
            1,
            BlockKind::Code {
                text: "a\nb".into(),
            },
        );
        for b in [&paragraph, &code] {
            let expected: Vec<char> = block_text(b).unwrap().chars().collect();
            assert_eq!(leaf_chars(b), expected);
        }
    }

    fn section(id: &str, blocks: Vec<Block>) -> Section {
        Section {
            kind: crate::model::SectionKind::Chapter,
            id: id.into(),
            title: id.into(),
            in_toc: true,
            running_head: None,
            label: None,
            blocks,
            notes: Vec::new(),
            source: None,
        }
    }

    fn page(label: &str, section: u32, block: u32, offset: u32) -> PageStart {
        PageStart {
            label: label.into(),
            section,
            at: TextPos {
                block: BlockId(block),
                offset,
            },
            blank: false,
        }
    }

    fn paragraph(id: u32, t: &str) -> Block {
        block(
            id,
            BlockKind::Paragraph {
                content: vec![text(t)],
                indent: true,
            },
        )
    }

    fn test_book(sections: Vec<Section>) -> Book {
        let project = crate::project::Project::from_files([
            (
                "manuscript/book.toml",
                "title = \"T\"\ndate = \"2024-01-01\"\n",
            ),
            ("manuscript/a.md", "Text.\n"),
        ]);
        let (mut book, _) = crate::load_book(&project, &crate::Options::default()).unwrap();
        book.sections = sections;
        book.block_count = 100;
        book
    }

    #[test]
    fn pages_are_placed_in_leaves_files_and_ids() {
        let quote = block(
            1,
            BlockKind::Quote(vec![block(
                2,
                BlockKind::List {
                    ordered: false,
                    items: vec![ListItem {
                        marker: "•".into(),
                        blocks: vec![paragraph(3, "In a list in a quote.")],
                    }],
                },
            )]),
        );
        let heading = block(
            4,
            BlockKind::Heading {
                level: 2,
                anchor: "page-3".into(),
                content: vec![text("Page 3")],
                numeral: false,
            },
        );
        let book = test_book(vec![
            section("nav", vec![paragraph(0, "Call me Ishmael.")]),
            section(
                "NAV",
                vec![quote, heading, block(5, BlockKind::Quote(vec![]))],
            ),
        ]);
        let map = PageMap {
            pages: vec![
                page("1", 0, 0, 10),  // inside "Ishmael": moved to 8
                page("2", 0, 0, 10),  // same place: after page 1
                page("3", 1, 1, 0),   // a quote: its first leaf
                page("3", 1, 99, 0),  // repeated label; unknown block: section start
                page("5", 1, 5, 0),   // an empty container: section start
                page("6", 7, 99, 0),  // nowhere: the end of the last section
                page("7", 1, 100, 0), // past the last block (a blank end page): the end
            ],
        };
        let plan = plan(&book, &map);
        assert_eq!(plan.files, ["nav-2.xhtml", "NAV-3.xhtml"]);
        let ids: Vec<&str> = plan.pages.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "page-1", "page-2", "page-3", "page-3-2", "page-5", "page-6", "page-7"
            ]
        );
        let sections: Vec<usize> = plan.pages.iter().map(|p| p.section).collect();
        assert_eq!(sections, [0, 0, 1, 1, 1, 1, 1]);
        let first = &book.sections[0].blocks[0];
        assert_eq!(
            plan.breaks(first),
            [Break { offset: 8, page: 0 }, Break { offset: 8, page: 1 }]
        );
        let BlockKind::Quote(inner) = &book.sections[1].blocks[0].kind else {
            unreachable!()
        };
        let BlockKind::List { items, .. } = &inner[0].kind else {
            unreachable!()
        };
        assert_eq!(
            plan.breaks(&items[0].blocks[0]),
            [Break { offset: 0, page: 2 }]
        );
        assert_eq!(plan.sections[1].pages_at_start, [3, 4]);
        assert_eq!(plan.sections[1].pages_at_end, [5, 6]);
        // The heading whose anchor is a page id gets another id; links follow it.
        assert_eq!(plan.sections[1].headings, ["page-3-3"]);
        assert_eq!(
            plan.href("NAV", Some("page-3")).unwrap(),
            "NAV-3.xhtml#page-3-3"
        );
        assert_eq!(plan.href("NAV", None).unwrap(), "NAV-3.xhtml");
        assert_eq!(plan.href("missing", None), None);
    }

    #[test]
    fn walks_are_iterative_and_in_reading_order() {
        // Deep enough to overflow a recursive walk on a small stack.
        let mut deep = paragraph(0, "deep");
        for id in 1..20_000 {
            deep = block(id, BlockKind::Quote(vec![deep]));
        }
        let blocks = vec![deep, paragraph(20_000, "after")];
        let result = std::thread::Builder::new()
            .stack_size(64 * 1024)
            .spawn(move || {
                let mut entered = Vec::new();
                let mut exits = 0;
                walk_blocks(&blocks, |step| match step {
                    Visit::Enter(b) => entered.push(b.id.0),
                    Visit::Exit(_) => exits += 1,
                });
                // Dropping 20,000 nested quotes recurses: leak them instead.
                std::mem::forget(blocks);
                (entered, exits)
            })
            .unwrap()
            .join()
            .unwrap();
        let (entered, exits) = result;
        assert_eq!(entered.len(), 20_001);
        assert_eq!(entered[0], 19_999);
        assert_eq!(entered[19_999], 0);
        assert_eq!(entered[20_000], 20_000);
        assert_eq!(exits, 19_999);
    }
}
