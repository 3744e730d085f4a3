//! An EPUB's XHTML documents made into the import tree: one chapter per
//! spine document that has a heading (a document without one continues the
//! chapter before it, unless the source says what it is); headings by
//! level, with their parts joined (`I` + `A Letter` → `I. A Letter`);
//! paragraphs, quotes, lists, tables, definition lists, verse (Standard
//! Ebooks' `z3998:poem`, quire's stanzas, pandoc's line blocks), figures,
//! scene breaks; italic, bold, small capitals, struck, raised and lowered
//! text, from the elements and from the book's CSS classes.
//!
//! Notes in any of the usual markups (`epub:type="noteref"`,
//! `role="doc-noteref"`, or a short marker linking to a block that links
//! back) are taken out of wherever they stand (a chapter's end, an endnotes
//! file) and become notes of the chapter that cites them. Every element id
//! is recorded with the heading it stands under, so links find their place.
//!
//! Pages the source generated (title page, copyright page, imprint,
//! colophon, contents, cover) are not chapters: their text is returned for
//! book.toml.
//!
//! Here: the `Converter`'s state and the document loop. Its work is in
//! rooms: `elements` (what an element is), `kinds` (what a document is),
//! `notes`, `ids`, `headings`, `blocks`, `inlines`, `tables`, `verse`.

use std::collections::{HashMap, HashSet};

use roxmltree::{Node, NodeId};

use super::archive::{self, Archive};
use super::css::{Look, Styles};
use super::report::{Place, Report, count_words};
use super::tree::{
    self, Align, Block, Chapter, Inline, Line, Role, Table, Target, is_blank, normalize,
    split_lines, trim,
};
use super::{Anchor, Images};
use crate::model::numbering::read_number;

mod blocks;
mod elements;
mod headings;
mod ids;
mod inlines;
mod kinds;
mod notes;
mod tables;
mod verse;

pub use elements::is_scene_break_text;
use elements::{
    classes, epub_types, has_class, has_type, heading_level, is_block, is_container, is_marker,
    is_skipped, is_verse, name, role_is,
};
use inlines::wrap_look;

pub const EPUB_NS: &str = "http://www.idpf.org/2007/ops";

/// One spine document, parsed.
pub struct Doc<'a> {
    /// Its path in the archive.
    pub path: String,
    pub xml: roxmltree::Document<'a>,
}

/// What a document is, as its markup says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    TitlePage,
    HalfTitle,
    Copyright,
    /// An imprint, a colophon: the source's production notes.
    Imprint,
    Contents,
    Cover,
    Dedication,
    Epigraph,
    Notes,
    /// A part's title page.
    Part,
    /// Text: a chapter, front or back matter.
    Text(Option<Role>),
}

/// What a generated page held, for book.toml.
#[derive(Debug, Clone)]
pub struct Generated {
    pub kind: Kind,
    pub path: String,
    /// Its paragraphs (headings included), as plain text, in order.
    pub lines: Vec<String>,
    /// Its paragraphs as inline content (for a dedication or an epigraph).
    pub blocks: Vec<Block>,
}

pub struct Converter<'d, 'a, 'z> {
    docs: &'d [Doc<'a>],
    styles: &'d Styles,
    archive: &'d mut Archive<'z>,
    pub images: &'d mut Images,
    pub report: &'d mut Report,
    /// Element ids of each document.
    ids: HashMap<(usize, String), NodeId>,
    /// A note reference (its `<a>`) and the block holding the note.
    note_of: HashMap<(usize, NodeId), (usize, NodeId)>,
    /// Nodes left out where they stand: note bodies and their back-links.
    consumed: HashSet<(usize, NodeId)>,
    /// A note's body and its index in `notes`.
    note_index: HashMap<(usize, NodeId), usize>,
    pub notes: Vec<Vec<Block>>,
    pub chapters: Vec<Chapter>,
    pub anchors: HashMap<(String, String), Anchor>,
    /// The chapter each document starts (or continues).
    pub doc_chapters: HashMap<String, usize>,
    pub generated: Vec<Generated>,
    /// The document being converted.
    doc: usize,
    /// Heading levels of the document as written → levels in the chapter.
    levels: [u8; 7],
    /// Ids met before the next heading or text, which they belong to.
    pending_ids: Vec<String>,
    heading_key: u32,
    /// The heading the text being converted stands under.
    under: Option<u32>,
    /// A heading's key while its content is converted.
    in_heading: Option<u32>,
    /// Converting a note's body (its ids stay with the chapter that cites it).
    in_note: bool,
    /// Converting a page the source generated: its pictures (a publisher's
    /// logo) are not the book's, and nothing in it is warned of.
    in_generated: bool,
}

impl<'d, 'a, 'z> Converter<'d, 'a, 'z> {
    pub fn new(
        docs: &'d [Doc<'a>],
        styles: &'d Styles,
        archive: &'d mut Archive<'z>,
        images: &'d mut Images,
        report: &'d mut Report,
    ) -> Self {
        let mut converter = Converter {
            docs,
            styles,
            archive,
            images,
            report,
            ids: HashMap::new(),
            note_of: HashMap::new(),
            consumed: HashSet::new(),
            note_index: HashMap::new(),
            notes: Vec::new(),
            chapters: Vec::new(),
            anchors: HashMap::new(),
            doc_chapters: HashMap::new(),
            generated: Vec::new(),
            doc: 0,
            levels: [0, 1, 2, 3, 4, 5, 6],
            pending_ids: Vec::new(),
            heading_key: 0,
            under: None,
            in_heading: None,
            in_note: false,
            in_generated: false,
        };
        converter.index_ids();
        converter.find_notes();
        converter
    }

    fn place(&self, node: &Node<'_, '_>) -> Place {
        let (line, column) = super::xml::position(node);
        Place::Xml {
            file: self.docs[self.doc].path.clone(),
            line,
            column,
        }
    }

    /// Converts the documents in spine order (`kinds` from [`Converter::kind`]).
    pub fn convert(&mut self, kinds: &[Kind]) {
        for (d, &kind) in kinds.iter().enumerate().take(self.docs.len()) {
            self.doc = d;
            let body = {
                let root = self.docs[d].xml.root_element();
                root.children().find(|n| name(n) == "body")
            };
            let Some(body) = body else {
                continue;
            };
            match kind {
                Kind::TitlePage
                | Kind::HalfTitle
                | Kind::Copyright
                | Kind::Imprint
                | Kind::Contents
                | Kind::Cover => {
                    let mut blocks = Vec::new();
                    let saved = self.chapters.len();
                    self.set_levels(&body);
                    self.in_generated = true;
                    let warnings = self.report.warnings.stage();
                    let left_out = self.report.words_left_out;
                    self.blocks_of(body, &mut blocks);
                    self.report.warnings.forget_since(warnings);
                    self.report.words_left_out = left_out;
                    self.in_generated = false;
                    // A generated page's ids lead to the book's start.
                    self.chapters.truncate(saved);
                    let lines = lines_of(&blocks);
                    self.report.words_generated +=
                        lines.iter().map(|l| count_words(l)).sum::<usize>();
                    self.generated.push(Generated {
                        kind,
                        path: self.docs[d].path.clone(),
                        lines,
                        blocks,
                    });
                    self.pending_ids.clear();
                }
                Kind::Dedication | Kind::Epigraph | Kind::Notes | Kind::Part | Kind::Text(_) => {
                    self.text_document(d, body, kind)
                }
            }
        }
    }

    fn text_document(&mut self, d: usize, body: Node<'_, '_>, kind: Kind) {
        self.set_levels(&body);
        let has_headings = body
            .descendants()
            .any(|n| heading_level(&n).is_some() || name(&n) == "hgroup");
        let mut blocks = Vec::new();
        let role = match kind {
            Kind::Text(Some(role)) => Some(role),
            Kind::Part => Some(Role::Body),
            Kind::Dedication | Kind::Epigraph => Some(Role::Front),
            Kind::Notes => Some(Role::Back),
            _ => None,
        };
        // The chapter is made before the text, so ids in it find it.
        let chapter = self.chapters.len();
        self.chapters.push(Chapter {
            role: role.unwrap_or(Role::Body),
            what: tree::What::Text,
            blocks: Vec::new(),
            source: self.docs[d].path.clone(),
            label: None,
        });
        self.under = None;
        self.pending_ids.clear();
        if let Some(id) = body.attribute("id") {
            self.record(id);
        }
        self.blocks_of(body, &mut blocks);
        let mut blocks = tidy_blocks(blocks);
        if !has_headings {
            self.heading_from_paragraph(body, &mut blocks);
        }
        let titled = blocks
            .iter()
            .any(|b| matches!(b, Block::Heading { level: 1, .. }));
        // A document without a heading, and nothing saying what it is,
        // continues the chapter before it (converters split long chapters
        // into several files).
        let continues = !titled
            && role.is_none()
            && kind == Kind::Text(None)
            && chapter > 0
            && !self.chapters[chapter - 1].blocks.is_empty();
        if blocks.is_empty()
            || blocks.iter().all(|b| matches!(b, Block::Heading { .. })) && kind == Kind::Notes
        {
            // Nothing left but headings: a notes file whose notes went to their chapters.
            if kind == Kind::Notes || blocks.is_empty() {
                self.chapters.pop();
                self.retarget(chapter, chapter.saturating_sub(1));
                let moved = if kind == Kind::Notes {
                    " (its notes are now in the chapters that cite them)"
                } else {
                    ""
                };
                self.report.line(format!(
                    "{}: nothing left to carry{moved}",
                    self.docs[d].path
                ));
                self.doc_chapters
                    .insert(self.docs[d].path.clone(), chapter.saturating_sub(1));
                return;
            }
        }
        if continues {
            self.chapters.pop();
            self.retarget(chapter, chapter - 1);
            self.chapters[chapter - 1].blocks.extend(blocks);
            self.doc_chapters
                .insert(self.docs[d].path.clone(), chapter - 1);
            return;
        }
        self.chapters[chapter].blocks = blocks;
        self.doc_chapters.insert(self.docs[d].path.clone(), chapter);
    }
}

/// Tidies converted blocks: scene breaks never first, last or doubled.
pub fn tidy_blocks(blocks: Vec<Block>) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::with_capacity(blocks.len());
    for block in blocks {
        // Stanzas in a row are one poem.
        if let (Block::Verse(more), Some(Block::Verse(stanzas))) = (&block, out.last_mut()) {
            stanzas.extend(more.iter().cloned());
            continue;
        }
        if matches!(block, Block::SceneBreak)
            && matches!(
                out.last(),
                None | Some(Block::SceneBreak) | Some(Block::Heading { .. })
            )
        {
            continue;
        }
        out.push(block);
    }
    while matches!(out.last(), Some(Block::SceneBreak)) {
        out.pop();
    }
    out
}

/// The plain text of each block (a generated page's lines).
pub fn lines_of(blocks: &[Block]) -> Vec<String> {
    let mut lines = Vec::new();
    tree::for_each_inlines(blocks, &mut |inlines| {
        for line in split_lines(inlines.to_vec()) {
            let text = tree::plain(&line).trim().to_string();
            if !text.is_empty() {
                lines.push(text);
            }
        }
    });
    lines
}
