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

/// The note markers books use: a number, a letter, a roman numeral or a
/// symbol, bracketed or not.
fn is_marker(text: &str) -> bool {
    let t = text
        .trim()
        .trim_start_matches(['[', '('])
        .trim_end_matches(['.', ')', ']'])
        .trim();
    !t.is_empty()
        && t.chars().count() <= 5
        && (t.chars().all(|c| c.is_ascii_digit())
            || t.chars().all(|c| "*†‡§‖¶#".contains(c))
            || (t.chars().count() == 1 && t.chars().all(|c| c.is_alphabetic()))
            || t.chars().all(|c| "ivxlcIVXLC".contains(c)))
}

fn name<'a>(node: &Node<'a, '_>) -> &'a str {
    node.tag_name().name()
}

fn epub_types<'a>(node: &Node<'a, '_>) -> Vec<&'a str> {
    node.attribute((EPUB_NS, "type"))
        .or_else(|| node.attribute("epub:type"))
        .map(|t| t.split_whitespace().collect())
        .unwrap_or_default()
}

fn has_type(node: &Node<'_, '_>, wanted: &[&str]) -> bool {
    epub_types(node).iter().any(|t| {
        let local = t.rsplit(':').next().unwrap_or(t);
        wanted.contains(t) || wanted.contains(&local)
    })
}

fn classes<'a>(node: &Node<'a, '_>) -> &'a str {
    node.attribute("class").unwrap_or("")
}

fn has_class(node: &Node<'_, '_>, wanted: &[&str]) -> bool {
    classes(node)
        .split_whitespace()
        .any(|c| wanted.iter().any(|w| c.eq_ignore_ascii_case(w)))
}

fn role_is(node: &Node<'_, '_>, wanted: &[&str]) -> bool {
    node.attribute("role")
        .is_some_and(|r| r.split_whitespace().any(|r| wanted.contains(&r)))
}

fn heading_level(node: &Node<'_, '_>) -> Option<u8> {
    match name(node) {
        "h1" => Some(1),
        "h2" => Some(2),
        "h3" => Some(3),
        "h4" => Some(4),
        "h5" => Some(5),
        "h6" => Some(6),
        _ => None,
    }
}

/// Elements whose content is not the book's text.
fn is_skipped(node: &Node<'_, '_>) -> bool {
    matches!(
        name(node),
        "head"
            | "script"
            | "style"
            | "title"
            | "meta"
            | "link"
            | "template"
            | "noscript"
            | "rt"
            | "rp"
    ) || has_type(node, &["pagebreak"])
        || role_is(node, &["doc-pagebreak"])
}

/// Containers whose content is blocks or text.
fn is_container(n: &str) -> bool {
    matches!(
        n,
        "body"
            | "section"
            | "article"
            | "main"
            | "div"
            | "header"
            | "footer"
            | "aside"
            | "nav"
            | "address"
            | "center"
            | "details"
            | "summary"
            | "hgroup"
            | "figure"
            | "fieldset"
    )
}

fn is_block(node: &Node<'_, '_>) -> bool {
    let n = name(node);
    is_container(n)
        || heading_level(node).is_some()
        || matches!(
            n,
            "p" | "blockquote"
                | "ul"
                | "ol"
                | "menu"
                | "dir"
                | "dl"
                | "table"
                | "pre"
                | "hr"
                | "figcaption"
                | "li"
                | "dt"
                | "dd"
        )
}

/// A verse container: Standard Ebooks' `z3998:poem` and kin, classes
/// converters give poems, pandoc's line block, quire's stanza.
fn is_verse(node: &Node<'_, '_>) -> bool {
    has_type(
        node,
        &[
            "z3998:poem",
            "z3998:verse",
            "z3998:song",
            "z3998:hymn",
            "z3998:lyrics",
        ],
    ) || has_class(
        node,
        &[
            "poem",
            "verse",
            "poetry",
            "stanza",
            "line-block",
            "linegroup",
            "lg",
            "song",
        ],
    )
}

/// Text that stands for a scene break when it is a paragraph's all: `*`,
/// `* * *`, `#`, `⁂`, `❧`, `~`, `• • •`, `§`.
pub fn is_scene_break_text(text: &str) -> bool {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    !t.is_empty()
        && t.chars().count() <= 12
        && t.chars().all(|c| {
            "*#~•·⁂❧☙❦✻✽✱✶❖◆◇○●□■†§⸻—–-=_+.".contains(c)
                || matches!(c, '\u{2700}'..='\u{27BF}' | '\u{2600}'..='\u{26FF}')
        })
        && !t.chars().all(|c| c == '.')
        && !t.chars().all(|c| matches!(c, '—' | '–' | '-' | '⸻'))
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

    fn index_ids(&mut self) {
        for (d, doc) in self.docs.iter().enumerate() {
            for node in doc.xml.descendants().filter(Node::is_element) {
                let id = node
                    .attribute("id")
                    .or_else(|| node.attribute(("http://www.w3.org/XML/1998/namespace", "id")))
                    .or_else(|| {
                        (name(&node) == "a")
                            .then(|| node.attribute("name"))
                            .flatten()
                    });
                if let Some(id) = id {
                    self.ids.entry((d, id.to_string())).or_insert(node.id());
                }
            }
        }
    }

    /// The document and node an address inside document `d` leads to.
    fn target(&self, d: usize, href: &str) -> Option<(usize, Option<NodeId>)> {
        let path = archive::resolve(&self.docs[d].path, href)?;
        let doc = self.docs.iter().position(|doc| doc.path == path)?;
        match archive::fragment(href) {
            Some(id) => self.ids.get(&(doc, id)).map(|&n| (doc, Some(n))),
            None => Some((doc, None)),
        }
    }

    /// Marks notes: each reference with the block that holds its note.
    fn find_notes(&mut self) {
        let mut found = Vec::new();
        // References found so far: a link to one of them (or to the `<sup>`
        // around one) is its note's link back, not another reference.
        let mut refs: std::collections::HashSet<(usize, NodeId)> = std::collections::HashSet::new();
        for (d, doc) in self.docs.iter().enumerate() {
            for a in doc.xml.descendants().filter(|n| name(n) == "a") {
                let Some(href) = a.attribute("href") else {
                    continue;
                };
                let Some((t, Some(target))) = self.target(d, href) else {
                    continue;
                };
                let target_node = self.docs[t].xml.get_node(target).expect("an indexed node");
                // A note's link back to its reference is not a reference.
                let back = |n: &Node<'_, '_>| {
                    has_type(n, &["backlink"])
                        || role_is(n, &["doc-backlink"])
                        || has_class(n, &["footnote-back", "backlink", "note-label"])
                };
                let is_ref = |n: &Node<'_, '_>| {
                    name(n) == "a" && (has_type(n, &["noteref"]) || role_is(n, &["doc-noteref"]))
                };
                // (Nor is a link to a reference, or to the `<sup>` around one.)
                let wraps_ref = matches!(name(&target_node), "sup" | "span")
                    && target_node.descendants().any(|n| is_ref(&n));
                let to_ref = std::iter::successors(Some(target_node), Node::parent)
                    .take(2)
                    .any(|n| {
                        refs.contains(&(t, n.id()))
                            || n.children().any(|c| refs.contains(&(t, c.id())))
                    });
                if back(&a) || is_ref(&target_node) || wraps_ref || to_ref {
                    continue;
                }
                let marked = has_type(&a, &["noteref"])
                    || role_is(&a, &["doc-noteref"])
                    || has_class(
                        &a,
                        &[
                            "noteref",
                            "footnote-ref",
                            "footnote-reference",
                            "fnref",
                            "fnanchor",
                            "footnote-link",
                            "endnote-link",
                        ],
                    );
                let text = super::xml::text_of(&a);
                if !marked && !is_marker(&text) {
                    continue;
                }
                let Some(body) = note_body(target_node) else {
                    continue;
                };
                let body_marked = is_note_element(&body);
                let backlinked = self.links_back(t, &body, d, &a);
                if !(marked || body_marked || backlinked) {
                    continue;
                }
                // A heading or a whole document is a place, not a note.
                if body.descendants().any(|n| heading_level(&n).is_some()) || name(&body) == "body"
                {
                    continue;
                }
                refs.insert((d, a.id()));
                found.push(((d, a.id()), (t, body.id())));
            }
        }
        for ((d, a), (t, body)) in found {
            self.note_of.insert((d, a), (t, body));
            self.consumed.insert((t, body));
            let body_node = self.docs[t].xml.get_node(body).expect("a node");
            // Back-links inside the note are left out; so is a list of
            // notes' `dt` label before its `dd`.
            for link in body_node.descendants().filter(|n| name(n) == "a") {
                if self.is_backlink(t, &link) {
                    self.consumed.insert((t, link.id()));
                }
            }
            if name(&body_node) == "dd"
                && let Some(dt) = body_node.prev_sibling_element().filter(|n| name(n) == "dt")
            {
                self.consumed.insert((t, dt.id()));
            }
        }
    }

    /// Whether a link in a note leads back to a note reference.
    fn is_backlink(&self, t: usize, link: &Node<'_, '_>) -> bool {
        if has_type(link, &["backlink"])
            || role_is(link, &["doc-backlink"])
            || has_class(link, &["footnote-back", "backlink", "note-label"])
        {
            return true;
        }
        let Some(href) = link.attribute("href") else {
            return false;
        };
        let Some((d, Some(node))) = self.target(t, href) else {
            return false;
        };
        let node = self.docs[d].xml.get_node(node).expect("a node");
        std::iter::successors(Some(node), Node::parent)
            .take(3)
            .any(|n| self.note_of.contains_key(&(d, n.id())) || self.is_ref_anchor(d, &n))
    }

    fn is_ref_anchor(&self, d: usize, node: &Node<'_, '_>) -> bool {
        node.descendants()
            .filter(|n| name(n) == "a")
            .any(|a| self.note_of.contains_key(&(d, a.id())))
    }

    /// Whether the note's block holds a link back to the reference `a` (or
    /// to the element around it: `<sup id="r1"><a href="#n1">`).
    fn links_back(&self, t: usize, body: &Node<'_, '_>, d: usize, a: &Node<'_, '_>) -> bool {
        let ids: Vec<&str> = std::iter::successors(Some(*a), Node::parent)
            .take(3)
            .filter_map(|n| n.attribute("id"))
            .collect();
        body.descendants().filter(|n| name(n) == "a").any(|link| {
            link.attribute("href").is_some_and(|href| {
                archive::resolve(&self.docs[t].path, href).as_deref()
                    == Some(self.docs[d].path.as_str())
                    && archive::fragment(href).is_some_and(|f| ids.contains(&f.as_str()))
            })
        })
    }

    /// What a document is.
    pub fn kind(&self, d: usize, nav: bool, cover: Option<&str>) -> Kind {
        let doc = &self.docs[d];
        let root = doc.xml.root_element();
        let Some(body) = root.children().find(|n| name(n) == "body") else {
            return Kind::Text(None);
        };
        if nav {
            return Kind::Contents;
        }
        // The body and its first sectioning element say what the document is.
        let mut markers: Vec<Node<'_, '_>> = vec![body];
        let mut node = body;
        for _ in 0..3 {
            let elements: Vec<Node<'_, '_>> = node
                .children()
                .filter(|n| n.is_element() && !is_skipped(n))
                .collect();
            match elements.as_slice() {
                [only] if is_container(name(only)) => {
                    markers.push(*only);
                    node = *only;
                }
                [first, ..] if matches!(name(first), "section" | "article" | "nav") => {
                    markers.push(*first);
                    break;
                }
                _ => break,
            }
        }
        let matter = if has_type(&body, &["frontmatter"]) {
            Some(Role::Front)
        } else if has_type(&body, &["backmatter"]) {
            Some(Role::Back)
        } else if has_type(&body, &["bodymatter"]) {
            Some(Role::Body)
        } else {
            None
        };
        for marker in markers.iter().rev() {
            let types = epub_types(marker);
            let class = classes(marker).to_ascii_lowercase();
            let class_is = |c: &str| class.split_whitespace().any(|x| x == c);
            let is = |t: &str| {
                types
                    .iter()
                    .any(|x| *x == t || x.ends_with(&format!(":{t}")))
                    || role_is(marker, &[&format!("doc-{t}")])
            };
            if is("titlepage") || class_is("title-page") || class_is("titlepage") {
                return Kind::TitlePage;
            }
            if is("halftitlepage") || is("halftitle") || class_is("half-title") {
                return Kind::HalfTitle;
            }
            if is("copyright-page") || class_is("copyright") {
                return Kind::Copyright;
            }
            if is("imprint") || is("colophon") || is("seriespage") {
                return Kind::Imprint;
            }
            if is("toc") || is("landmarks") || is("loi") || is("lot") || class_is("contents") {
                return Kind::Contents;
            }
            if is("cover") {
                return Kind::Cover;
            }
            if is("dedication") || class_is("dedication") {
                return Kind::Dedication;
            }
            if is("epigraph") || class_is("epigraph") {
                return Kind::Epigraph;
            }
            if is("endnotes") || is("footnotes") || is("rearnotes") {
                return Kind::Notes;
            }
            if is("foreword") || is("preface") {
                return Kind::Text(Some(Role::Front));
            }
            if is("prologue") || is("introduction") {
                return Kind::Text(Some(matter.unwrap_or(Role::Body)));
            }
            if [
                "afterword",
                "appendix",
                "bibliography",
                "glossary",
                "index",
                "acknowledgments",
                "conclusion",
                "errata",
                "contributors",
                "other-credits",
            ]
            .iter()
            .any(|t| is(t))
            {
                return Kind::Text(Some(matter.unwrap_or(Role::Back)));
            }
            if is("part") || is("volume") || class_is("part") {
                return Kind::Part;
            }
            if is("chapter") || is("epilogue") {
                return Kind::Text(Some(Role::Body));
            }
        }
        // A page that is only a picture: the cover's (the package's cover
        // image, or a file named for it), not the book's text.
        let text = super::xml::text_of(&body);
        let pictures: Vec<String> = body
            .descendants()
            .filter_map(|n| match name(&n) {
                "img" => n.attribute("src"),
                "image" => n
                    .attribute(("http://www.w3.org/1999/xlink", "href"))
                    .or_else(|| n.attribute("href")),
                _ => None,
            })
            .filter_map(|src| archive::resolve(&doc.path, src))
            .collect();
        if text.trim().is_empty()
            && !pictures.is_empty()
            && (pictures.iter().all(|p| Some(p.as_str()) == cover)
                || doc.path.to_lowercase().contains("cover")
                || doc.path.to_lowercase().contains("titlepage"))
        {
            return Kind::Cover;
        }
        Kind::Text(matter)
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
                    let warnings = self.report.warnings.len();
                    let left_out = self.report.words_left_out;
                    self.blocks_of(body, &mut blocks);
                    self.report.warnings.truncate(warnings);
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

    /// A document with no heading element whose first paragraph is its
    /// title all the same (converters that write `<p class="chapter-title">`
    /// or a bold "CHAPTER 1"): a short line that names a chapter or matter,
    /// or a paragraph whose class says it is a title.
    fn heading_from_paragraph(&mut self, body: Node<'_, '_>, blocks: &mut [Block]) {
        let Some(Block::Paragraph(content)) = blocks.first() else {
            return;
        };
        let text = tree::plain(content);
        let text = text.trim();
        if count_words(text) == 0 || count_words(text) > 12 || text.ends_with([',', ';']) {
            return;
        }
        let first_class = body
            .descendants()
            .find(|n| name(n) == "p" && !super::xml::text_of(n).trim().is_empty())
            .map(|n| classes(&n).to_ascii_lowercase())
            .unwrap_or_default();
        let titled_class = first_class.split_whitespace().any(|c| {
            !c.contains("subtitle")
                && [
                    "chapter-title",
                    "chaptertitle",
                    "chapter-head",
                    "chapterhead",
                    "chapter_title",
                    "heading",
                    "title",
                    "chapter",
                ]
                .iter()
                .any(|t| c.contains(t))
        });
        let names = read_number(text, "en").is_some_and(|n| n.unit.is_some())
            || crate::resolve::structure::names_matter(text);
        if !(names || titled_class) {
            return;
        }
        let content = tree::unbold_whole(tree::breaks_to_spaces(content.clone()));
        let key = self.heading_key;
        self.heading_key += 1;
        blocks[0] = Block::Heading {
            level: 1,
            content,
            key,
        };
    }

    /// Anchors recorded for chapter `from` now lead to chapter `to`.
    fn retarget(&mut self, from: usize, to: usize) {
        for anchor in self.anchors.values_mut() {
            if anchor.chapter == from {
                anchor.chapter = to;
            }
        }
    }

    /// Heading levels as the document writes them, made 1, 2, 3… in order
    /// (a document whose top heading is `h2`, as Standard Ebooks write
    /// them, opens with a level-1 heading). A document whose top headings
    /// are all parts ("Part One") with chapters under them keeps the
    /// chapters at level 1 too: each is a chapter of the book.
    fn set_levels(&mut self, body: &Node<'_, '_>) {
        let mut used: Vec<u8> = Vec::new();
        let mut tops: Vec<String> = Vec::new();
        for node in body.descendants() {
            if self.is_consumed_or_inside(&node) {
                continue;
            }
            if let Some(level) = heading_level(&node) {
                if node.ancestors().any(|a| name(&a) == "hgroup") {
                    continue;
                }
                used.push(level);
                tops.push((level.to_string()) + "\u{0}" + &super::xml::text_of(&node));
            } else if name(&node) == "hgroup"
                && let Some(level) = node.descendants().filter_map(|n| heading_level(&n)).min()
            {
                used.push(level);
                tops.push((level.to_string()) + "\u{0}" + &super::xml::text_of(&node));
            }
        }
        let mut distinct = used.clone();
        distinct.sort_unstable();
        distinct.dedup();
        self.levels = [0, 1, 2, 3, 4, 5, 6];
        for (i, level) in distinct.iter().enumerate() {
            self.levels[usize::from(*level)] = (i + 1) as u8;
        }
        if distinct.len() >= 2 {
            let top = distinct[0].to_string();
            let top_texts: Vec<&str> = tops
                .iter()
                .filter_map(|t| t.split_once('\u{0}'))
                .filter(|(l, _)| *l == top)
                .map(|(_, t)| t)
                .collect();
            let parts = top_texts.iter().all(|t| {
                read_number(&tree::collapse_space(t), "en")
                    .is_some_and(|n| n.unit.is_some_and(|u| u.is_part()))
            });
            let below = used.iter().filter(|&&l| l == distinct[1]).count();
            if parts && below >= 1 {
                for level in distinct.iter().skip(1) {
                    let l = usize::from(*level);
                    self.levels[l] = self.levels[l].saturating_sub(1).max(1);
                }
            }
        }
    }

    fn is_consumed_or_inside(&self, node: &Node<'_, '_>) -> bool {
        std::iter::successors(Some(*node), Node::parent)
            .any(|n| self.consumed.contains(&(self.doc, n.id())))
    }

    /// Records an element's id at the current place.
    fn record(&mut self, id: &str) {
        let key = (self.docs[self.doc].path.clone(), id.to_string());
        if let Some(heading) = self.in_heading {
            self.anchors.insert(
                key,
                Anchor {
                    chapter: self.chapters.len().saturating_sub(1),
                    heading: Some(heading),
                    exact: true,
                },
            );
        } else {
            self.pending_ids.push(id.to_string());
        }
    }

    /// Ids waiting for the next heading or text: they lead to `heading`
    /// (the heading they stood before, or the one the text is under).
    fn settle_ids(&mut self, heading: Option<u32>, exact: bool) {
        let chapter = self.chapters.len().saturating_sub(1);
        for id in std::mem::take(&mut self.pending_ids) {
            self.anchors.insert(
                (self.docs[self.doc].path.clone(), id),
                Anchor {
                    chapter,
                    heading,
                    exact: exact || heading.is_none(),
                },
            );
        }
    }

    fn look(&self, node: &Node<'_, '_>) -> Look {
        self.styles
            .look(name(node), classes(node), node.attribute("style"))
    }

    /// The blocks of a container's children: block elements in turn, and
    /// runs of text and inline elements between them as paragraphs.
    fn blocks_of(&mut self, node: Node<'_, '_>, out: &mut Vec<Block>) {
        let mut pending: Vec<Inline> = Vec::new();
        for child in node.children() {
            if self.consumed.contains(&(self.doc, child.id())) {
                continue;
            }
            if child.is_text() {
                let text = child.text().unwrap_or("");
                if !text.trim().is_empty() || !pending.is_empty() {
                    pending.push(Inline::Text(text.to_string()));
                }
                continue;
            }
            if !child.is_element() || is_skipped(&child) {
                continue;
            }
            if is_block(&child)
                || matches!(name(&child), "img" | "svg" | "math") && pending_blank(&pending)
            {
                self.flush(&mut pending, out);
                self.block(child, out);
            } else {
                self.inline(child, &mut pending);
            }
        }
        self.flush(&mut pending, out);
    }

    fn flush(&mut self, pending: &mut Vec<Inline>, out: &mut Vec<Block>) {
        let inlines = trim(normalize(std::mem::take(pending)));
        if !is_blank(&inlines) {
            self.settle_ids(self.under, false);
            out.push(Block::Paragraph(inlines));
        }
    }

    fn block(&mut self, node: Node<'_, '_>, out: &mut Vec<Block>) {
        // Project Gutenberg's header and licence: theirs, not the book's.
        if has_class(&node, &["pg-boilerplate", "pgheader", "pgfooter"])
            || node
                .attribute("id")
                .is_some_and(|id| id == "pg-header" || id == "pg-footer")
        {
            let words = count_words(&super::xml::text_of(&node));
            self.report.words_generated += words;
            self.report.line(format!(
                "{}: Project Gutenberg's header or licence ({words} words) is left out: it is theirs, not the book's",
                self.docs[self.doc].path
            ));
            return;
        }
        if let Some(id) = node.attribute("id") {
            self.record(id);
        }
        let look = self.look(&node);
        if look.hidden {
            return;
        }
        let n = name(&node);
        if let Some(level) = heading_level(&node) {
            self.heading(node, level, out);
            return;
        }
        match n {
            "hgroup" => {
                let level = node
                    .descendants()
                    .filter_map(|n| heading_level(&n))
                    .min()
                    .unwrap_or(2);
                self.heading(node, level, out);
            }
            "p" | "figcaption" | "summary" | "dt" | "dd" => self.paragraph(node, look, out),
            "blockquote" => {
                let mut inner = Vec::new();
                if is_verse(&node) && !node.children().any(|c| c.is_element() && is_verse(&c)) {
                    self.verse(node, &mut inner);
                } else {
                    self.blocks_of(node, &mut inner);
                }
                let inner = tidy_blocks(inner);
                if !inner.is_empty() {
                    out.push(Block::Quote(inner));
                }
            }
            "ul" | "ol" | "menu" | "dir" => self.list(node, out),
            "li" => {
                // An item outside a list: its text as blocks.
                self.blocks_of(node, out);
            }
            "dl" => self.definitions(node, out),
            "table" => self.table(node, None, out),
            "pre" => {
                self.settle_ids(self.under, false);
                let text = super::xml::text_of(&node);
                if !text.trim().is_empty() {
                    out.push(Block::Code(text.trim_matches('\n').to_string()));
                }
            }
            "hr" => {
                out.push(Block::SceneBreak);
            }
            "img" | "svg" => self.figure(node, None, out),
            "math" => {
                let text = super::xml::text_of(&node);
                let place = self.place(&node);
                self.report.warn(
                    "an equation (MathML) is not carried",
                    &place,
                    "quire sets no mathematics; write the equation as text or as an image",
                    count_words(&text),
                );
            }
            "figure" => {
                let has_table = node.descendants().any(|n| name(&n) == "table");
                let caption = node
                    .children()
                    .find(|c| name(c) == "figcaption")
                    .map(|c| self.inlines_of(c));
                if has_table {
                    for child in node.children().filter(|c| c.is_element()) {
                        match name(&child) {
                            "table" => self.table(child, caption.clone(), out),
                            "figcaption" => {}
                            _ => self.block(child, out),
                        }
                    }
                    return;
                }
                let images: Vec<Node<'_, '_>> = node
                    .descendants()
                    .filter(|n| matches!(name(n), "img" | "svg"))
                    .filter(|n| !n.ancestors().skip(1).any(|a| name(&a) == "svg"))
                    .collect();
                if images.len() == 1 {
                    let other_text = node
                        .children()
                        .filter(|c| c.is_element() && name(c) != "figcaption")
                        .any(|c| {
                            !super::xml::text_of(&c).trim().is_empty()
                                && !c.descendants().any(|d| matches!(name(&d), "img" | "svg"))
                        });
                    if !other_text {
                        self.figure(images[0], caption, out);
                        return;
                    }
                }
                self.blocks_of(node, out);
            }
            _ if is_container(n) => {
                if !self.has_content(&node) {
                    return;
                }
                if is_verse(&node)
                    && !node
                        .children()
                        .any(|c| c.is_element() && is_verse(&c) && name(&c) != "p")
                {
                    self.verse(node, out);
                } else if has_class(&node, &["scene-break"]) || role_is(&node, &["separator"]) {
                    out.push(Block::SceneBreak);
                } else {
                    self.blocks_of(node, out);
                }
            }
            _ => self.blocks_of(node, out),
        }
    }

    /// Whether an element holds text or a picture outside the notes taken out of it.
    fn has_content(&self, node: &Node<'_, '_>) -> bool {
        if self.consumed.contains(&(self.doc, node.id())) || is_skipped(node) {
            return false;
        }
        if node.is_text() {
            return node.text().is_some_and(|t| !t.trim().is_empty());
        }
        if matches!(name(node), "img" | "svg" | "math") {
            return true;
        }
        node.children().any(|c| self.has_content(&c))
    }

    fn heading(&mut self, node: Node<'_, '_>, level: u8, out: &mut Vec<Block>) {
        let key = self.heading_key;
        self.heading_key += 1;
        self.settle_ids(Some(key), true);
        self.in_heading = Some(key);
        if let Some(id) = node.attribute("id") {
            self.record(id);
        }
        let segments = self.heading_segments(node);
        self.in_heading = None;
        let content = tree::unbold_whole(join_segments(segments));
        if is_blank(&content) {
            return;
        }
        self.under = Some(key);
        out.push(Block::Heading {
            level: self.levels[usize::from(level.min(6))].max(1),
            content,
            key,
        });
    }

    /// A heading's parts: split at line breaks and at the elements that
    /// mark a title or subtitle (`<span epub:type="subtitle">`, quire's
    /// `chapter-title`, an hgroup's headings and paragraphs).
    fn heading_segments(&mut self, node: Node<'_, '_>) -> Vec<Vec<Inline>> {
        let mut segments: Vec<Vec<Inline>> = vec![Vec::new()];
        if name(&node) == "hgroup" {
            for child in node.children().filter(|c| c.is_element() && !is_skipped(c)) {
                let parts = self.heading_segments(child);
                segments.extend(parts);
            }
            return segments
                .into_iter()
                .map(|s| trim(normalize(s)))
                .filter(|s| !is_blank(s))
                .collect();
        }
        for child in node.children() {
            if self.consumed.contains(&(self.doc, child.id())) {
                continue;
            }
            if child.is_element() && name(&child) == "br" {
                segments.push(Vec::new());
                continue;
            }
            let starts_part = child.is_element()
                && (has_type(&child, &["subtitle", "title"])
                    || has_class(
                        &child,
                        &["chapter-title", "subtitle", "sub-title", "chapter-subtitle"],
                    )
                    || self.look(&child).block
                    || name(&child) == "p");
            if starts_part {
                segments.push(Vec::new());
            }
            let current = segments.last_mut().expect("a segment");
            let mut piece = Vec::new();
            if child.is_text() {
                piece.push(Inline::Text(child.text().unwrap_or("").to_string()));
            } else if child.is_element() && !is_skipped(&child) {
                self.inline(child, &mut piece);
            }
            current.extend(piece);
            if starts_part {
                segments.push(Vec::new());
            }
        }
        segments
            .into_iter()
            .map(|s| tree::breaks_to_spaces(trim(normalize(s))))
            .filter(|s| !is_blank(s))
            .collect()
    }

    fn paragraph(&mut self, node: Node<'_, '_>, look: Look, out: &mut Vec<Block>) {
        // quire's own: a chapter label without a heading is the style's, not text.
        if has_class(&node, &["chapter-label"]) && name(&node) == "p" {
            return;
        }
        // A paragraph that holds only a picture is a figure.
        let elements: Vec<Node<'_, '_>> = node
            .children()
            .filter(|c| c.is_element() && !is_skipped(c))
            .collect();
        let text = super::xml::text_of(&node);
        if text.trim().is_empty() {
            if let [only] = elements.as_slice()
                && matches!(name(only), "img" | "svg")
            {
                self.figure(*only, None, out);
                return;
            }
            if let [only] = elements.as_slice()
                && name(only) == "a"
                && let [inner] = only
                    .children()
                    .filter(|c| c.is_element())
                    .collect::<Vec<_>>()
                    .as_slice()
                && matches!(name(inner), "img" | "svg")
            {
                self.figure(*inner, None, out);
                return;
            }
            if has_class(&node, &["scene-break"]) || role_is(&node, &["separator"]) {
                out.push(Block::SceneBreak);
            }
            // An empty centred paragraph between scenes.
            if look.centred && elements.is_empty() {
                out.push(Block::SceneBreak);
            }
            return;
        }
        if role_is(&node, &["separator"])
            || has_class(&node, &["scene-break"])
            || is_scene_break_text(&text)
        {
            out.push(Block::SceneBreak);
            return;
        }
        let mut inlines = Vec::new();
        let opening = has_class(&node, &["opening"]);
        for (i, child) in node.children().enumerate() {
            if self.consumed.contains(&(self.doc, child.id())) {
                continue;
            }
            if child.is_text() {
                inlines.push(Inline::Text(child.text().unwrap_or("").to_string()));
            } else if child.is_element() && !is_skipped(&child) {
                // quire's lead-in (the opening words in small capitals) is
                // the style's: the words are kept, plain.
                if opening
                    && name(&child) == "span"
                    && has_class(&child, &["sc"])
                    && node.children().take(i).all(|c| {
                        c.is_text() && c.text().is_some_and(|t| t.trim().is_empty())
                            || c.is_element() && is_skipped(&c)
                    })
                {
                    inlines.extend(self.inlines_of(child));
                    continue;
                }
                if is_block(&child) {
                    // A block inside a paragraph (not valid XHTML, but written).
                    inlines.push(Inline::Text(" ".into()));
                    inlines.extend(self.inlines_of(child));
                    inlines.push(Inline::Text(" ".into()));
                } else {
                    self.inline(child, &mut inlines);
                }
            }
        }
        let inlines = trim(normalize(inlines));
        if is_blank(&inlines) {
            return;
        }
        self.settle_ids(self.under, false);
        out.push(Block::Paragraph(wrap_look(inlines, look)));
    }

    fn inlines_of(&mut self, node: Node<'_, '_>) -> Vec<Inline> {
        let mut out = Vec::new();
        for child in node.children() {
            if self.consumed.contains(&(self.doc, child.id())) {
                continue;
            }
            if child.is_text() {
                out.push(Inline::Text(child.text().unwrap_or("").to_string()));
            } else if child.is_element() && !is_skipped(&child) {
                if is_block(&child) {
                    out.push(Inline::Text(" ".into()));
                    out.extend(self.inlines_of(child));
                    out.push(Inline::Text(" ".into()));
                } else {
                    self.inline(child, &mut out);
                }
            }
        }
        normalize(out)
    }

    /// An inline element's content, appended to `out`.
    fn inline(&mut self, node: Node<'_, '_>, out: &mut Vec<Inline>) {
        if self.consumed.contains(&(self.doc, node.id())) || is_skipped(&node) {
            return;
        }
        if let Some(id) = node.attribute("id") {
            self.record(id);
        }
        let n = name(&node);
        let look = self.look(&node);
        if look.hidden {
            return;
        }
        let inline = match n {
            "br" => Some(Inline::LineBreak),
            "a" => {
                if let Some(&(t, body)) = self.note_of.get(&(self.doc, node.id())) {
                    let index = self.note(t, body);
                    out.push(Inline::Note(index));
                    return;
                }
                let content = self.inlines_of(node);
                match node.attribute("href") {
                    Some(href) if archive::is_external(href) => Some(Inline::Link {
                        target: Target::Web(href.trim().to_string()),
                        content,
                    }),
                    Some(href) => match archive::resolve(&self.docs[self.doc].path, href) {
                        Some(path) => Some(Inline::Link {
                            target: Target::Internal {
                                doc: path,
                                id: archive::fragment(href),
                            },
                            content,
                        }),
                        None => {
                            out.extend(content);
                            return;
                        }
                    },
                    None => {
                        out.extend(content);
                        return;
                    }
                }
            }
            "em" | "i" | "cite" | "dfn" | "var" | "u" => {
                Some(Inline::Emphasis(self.inlines_of(node)))
            }
            "strong" | "b" => Some(Inline::Strong(self.inlines_of(node))),
            "s" | "strike" | "del" => Some(Inline::Strike(self.inlines_of(node))),
            "sup" => Some(Inline::Superscript(self.inlines_of(node))),
            "sub" => Some(Inline::Subscript(self.inlines_of(node))),
            "code" | "kbd" | "samp" | "tt" => Some(Inline::Code(super::xml::text_of(&node))),
            "q" => {
                let mut content = vec![Inline::Text("“".into())];
                content.extend(self.inlines_of(node));
                content.push(Inline::Text("”".into()));
                out.extend(content);
                return;
            }
            "img" | "image" => {
                // A picture in a line of text: its words are kept.
                let alt = node.attribute("alt").unwrap_or("").trim().to_string();
                let place = self.place(&node);
                self.report.warn(
                    if alt.is_empty() {
                        "a picture inside a line of text is not carried".to_string()
                    } else {
                        format!("a picture inside a line of text is not carried; its text “{alt}” is kept")
                    },
                    &place,
                    "quire sets pictures in paragraphs of their own: put it on a line of its own in the source, or leave it out",
                    0,
                );
                if !alt.is_empty() {
                    out.push(Inline::Text(alt));
                }
                return;
            }
            "svg" | "math" | "object" | "video" | "audio" | "iframe" | "canvas" | "embed" => {
                let text = super::xml::text_of(&node);
                let place = self.place(&node);
                self.report.warn(
                    format!("a <{n}> element inside a line of text is not carried"),
                    &place,
                    "quire sets text, tables and pictures; give its content as text or as a picture",
                    count_words(&text),
                );
                return;
            }
            "span" | "small" | "big" | "font" | "abbr" | "acronym" | "time" | "mark" | "bdi"
            | "bdo" | "data" | "ins" | "label" | "ruby" | "wbr" | "nobr" => {
                // quire's own: the style's marks (capitals set as small caps).
                if has_class(&node, &["caps"]) {
                    out.extend(self.inlines_of(node));
                    return;
                }
                let small =
                    look.small_caps || has_class(&node, &["sc", "smallcaps", "small-caps", "smcp"]);
                let content = self.inlines_of(node);
                if small {
                    out.extend(wrap_look(
                        vec![Inline::SmallCaps(content)],
                        Look {
                            small_caps: false,
                            ..look
                        },
                    ));
                } else {
                    out.extend(wrap_look(content, look));
                }
                return;
            }
            _ if is_block(&node) => {
                out.push(Inline::Text(" ".into()));
                out.extend(self.inlines_of(node));
                out.push(Inline::Text(" ".into()));
                return;
            }
            _ => {
                let content = self.inlines_of(node);
                out.extend(wrap_look(content, look));
                return;
            }
        };
        if let Some(inline) = inline {
            // A class may add to what the element is (`<i class="bold">`).
            let look = Look {
                italic: look
                    .italic
                    .filter(|_| !matches!(n, "em" | "i" | "cite" | "dfn" | "var" | "u")),
                bold: look.bold.filter(|_| !matches!(n, "strong" | "b")),
                ..look
            };
            out.extend(wrap_look(vec![inline], look));
        }
    }

    /// The note whose body is `body` in document `t`, converted once.
    fn note(&mut self, t: usize, body: NodeId) -> usize {
        if let Some(&index) = self.note_index.get(&(t, body)) {
            return index;
        }
        let index = self.notes.len();
        self.note_index.insert((t, body), index);
        self.notes.push(Vec::new());
        let saved = (
            self.doc,
            self.under,
            self.in_note,
            std::mem::take(&mut self.pending_ids),
        );
        self.doc = t;
        self.in_note = true;
        let node = self.docs[t].xml.get_node(body).expect("a node");
        // The body is consumed where it stands; here it is read.
        self.consumed.remove(&(t, body));
        let mut blocks = Vec::new();
        if matches!(name(&node), "p" | "dd")
            || !is_container(name(&node)) && !matches!(name(&node), "li" | "blockquote")
        {
            self.block(node, &mut blocks);
        } else {
            self.blocks_of(node, &mut blocks);
        }
        self.consumed.insert((t, body));
        self.pending_ids.clear();
        (self.doc, self.under, self.in_note, self.pending_ids) = saved;
        let blocks = strip_note_label(tidy_blocks(blocks));
        self.notes[index] = blocks;
        index
    }

    fn list(&mut self, node: Node<'_, '_>, out: &mut Vec<Block>) {
        let ordered = name(&node) == "ol";
        let start = node
            .attribute("start")
            .and_then(|s| s.trim().parse::<u32>().ok())
            .unwrap_or(1);
        let mut items = Vec::new();
        for child in node.children() {
            if self.consumed.contains(&(self.doc, child.id())) {
                continue;
            }
            if child.is_element() && name(&child) == "li" {
                if let Some(id) = child.attribute("id") {
                    self.record(id);
                }
                let mut blocks = Vec::new();
                self.blocks_of(child, &mut blocks);
                let blocks = tidy_blocks(blocks);
                if !blocks.is_empty() {
                    items.push(blocks);
                }
            } else if child.is_element() && matches!(name(&child), "ul" | "ol") {
                // A list directly inside a list belongs to the item before it.
                let mut nested = Vec::new();
                self.list(child, &mut nested);
                match items.last_mut() {
                    Some(item) => item.extend(nested),
                    None => items.push(nested),
                }
            } else if child.is_element() && !is_skipped(&child) {
                let mut blocks = Vec::new();
                self.block(child, &mut blocks);
                if !blocks.is_empty() {
                    items.push(blocks);
                }
            }
        }
        if !items.is_empty() {
            out.push(Block::List {
                ordered,
                start,
                items,
            });
        }
    }

    fn definitions(&mut self, node: Node<'_, '_>, out: &mut Vec<Block>) {
        let mut entries: Vec<(Vec<Inline>, Vec<Vec<Inline>>)> = Vec::new();
        for child in node.children().filter(|c| c.is_element()) {
            if self.consumed.contains(&(self.doc, child.id())) {
                continue;
            }
            if let Some(id) = child.attribute("id") {
                self.record(id);
            }
            match name(&child) {
                "dt" => {
                    let term = trim(self.inlines_of(child));
                    match entries.last_mut() {
                        // Several terms for one definition: one line.
                        Some((previous, definitions)) if definitions.is_empty() => {
                            previous.push(Inline::Text(", ".into()));
                            previous.extend(term);
                        }
                        _ => entries.push((term, Vec::new())),
                    }
                }
                "dd" => {
                    let definition = trim(self.inlines_of(child));
                    match entries.last_mut() {
                        Some((_, definitions)) => definitions.push(definition),
                        None => entries.push((Vec::new(), vec![definition])),
                    }
                }
                "div" => {
                    // HTML allows each entry wrapped in a div.
                    let mut inner = Vec::new();
                    self.definitions(child, &mut inner);
                    if let Some(Block::Definitions(more)) = inner.pop() {
                        entries.extend(more);
                    }
                }
                _ => {}
            }
        }
        self.settle_ids(self.under, false);
        let entries: Vec<_> = entries
            .into_iter()
            .map(|(t, d)| {
                (
                    normalize(t),
                    d.into_iter()
                        .map(normalize)
                        .filter(|d| !is_blank(d))
                        .collect(),
                )
            })
            .filter(|(t, d): &(Vec<Inline>, Vec<Vec<Inline>>)| !is_blank(t) || !d.is_empty())
            .collect();
        if !entries.is_empty() {
            out.push(Block::Definitions(entries));
        }
    }

    fn table(&mut self, node: Node<'_, '_>, caption: Option<Vec<Inline>>, out: &mut Vec<Block>) {
        self.settle_ids(self.under, false);
        let mut head: Option<Vec<Vec<Inline>>> = None;
        let mut rows: Vec<Vec<Vec<Inline>>> = Vec::new();
        let mut align: Vec<Align> = Vec::new();
        let mut caption = caption.unwrap_or_default();
        // Cells a row span carries down: (column, rows left).
        let mut spans: Vec<(usize, usize)> = Vec::new();
        let mut warned = false;
        let row_nodes: Vec<(Node<'_, '_>, bool)> = node
            .children()
            .filter(|c| c.is_element())
            .flat_map(|c| match name(&c) {
                "tr" => vec![(c, false)],
                "thead" | "tbody" | "tfoot" => c
                    .children()
                    .filter(|r| name(r) == "tr")
                    .map(|r| (r, name(&c) == "thead"))
                    .collect(),
                "caption" => {
                    caption = self.inlines_of(c);
                    Vec::new()
                }
                _ => Vec::new(),
            })
            .collect();
        for (i, (row, in_head)) in row_nodes.iter().enumerate() {
            let mut cells: Vec<Vec<Inline>> = Vec::new();
            let mut all_th = true;
            for cell in row.children().filter(|c| matches!(name(c), "td" | "th")) {
                while let Some(pos) = spans
                    .iter()
                    .position(|(col, left)| *col == cells.len() && *left > 0)
                {
                    cells.push(Vec::new());
                    spans[pos].1 -= 1;
                }
                all_th &= name(&cell) == "th";
                if let Some(id) = cell.attribute("id") {
                    self.record(id);
                }
                let column = cells.len();
                let content = self.cell(cell);
                cells.push(content);
                let colspan = cell
                    .attribute("colspan")
                    .and_then(|s| s.parse::<usize>().ok())
                    .unwrap_or(1)
                    .clamp(1, 64);
                let rowspan = cell
                    .attribute("rowspan")
                    .and_then(|s| s.parse::<usize>().ok())
                    .unwrap_or(1)
                    .clamp(1, 1000);
                for extra in 1..colspan {
                    cells.push(Vec::new());
                    if rowspan > 1 {
                        spans.push((column + extra, rowspan - 1));
                    }
                }
                if rowspan > 1 {
                    spans.push((column, rowspan - 1));
                }
                if (colspan > 1 || rowspan > 1) && !warned {
                    warned = true;
                    let place = self.place(&cell);
                    self.report.warn(
                        "a table cell spanning several rows or columns is set in its first; the others are left empty",
                        &place,
                        "quire's tables are grids of single cells; the words are all kept",
                        0,
                    );
                }
                let a = self.cell_align(&cell);
                if align.len() <= column {
                    align.resize(column + 1, Align::Auto);
                }
                if !*in_head && a != Align::Auto && rows.is_empty() {
                    align[column] = a;
                }
            }
            while let Some(pos) = spans
                .iter()
                .position(|(col, left)| *col == cells.len() && *left > 0)
            {
                cells.push(Vec::new());
                spans[pos].1 -= 1;
            }
            spans.retain(|(_, left)| *left > 0);
            if *in_head || (i == 0 && all_th && head.is_none() && !cells.is_empty()) {
                if head.is_none() {
                    head = Some(cells);
                } else {
                    rows.push(cells);
                }
            } else {
                rows.push(cells);
            }
        }
        if head.is_none() && rows.is_empty() {
            return;
        }
        out.push(Block::Table(Table {
            align,
            head,
            rows,
            caption: trim(normalize(caption)),
        }));
    }

    fn cell_align(&self, cell: &Node<'_, '_>) -> Align {
        let style = cell
            .attribute("style")
            .unwrap_or("")
            .to_ascii_lowercase()
            .replace(' ', "");
        let attr = cell.attribute("align").unwrap_or("").to_ascii_lowercase();
        if style.contains("text-align:right")
            || attr == "right"
            || has_class(cell, &["align-right", "right"])
        {
            Align::Right
        } else if style.contains("text-align:center")
            || attr == "center"
            || has_class(cell, &["align-center", "center", "centre"])
        {
            Align::Center
        } else if style.contains("text-align:left")
            || attr == "left"
            || has_class(cell, &["align-left"])
        {
            Align::Left
        } else {
            Align::Auto
        }
    }

    /// A table cell's content as one line (quire's cells hold inline text).
    fn cell(&mut self, cell: Node<'_, '_>) -> Vec<Inline> {
        let mut blocks = Vec::new();
        self.blocks_of(cell, &mut blocks);
        let mut out = Vec::new();
        for block in blocks {
            if !out.is_empty() {
                out.push(Inline::Text(" ".into()));
            }
            match block {
                Block::Paragraph(c) | Block::Heading { content: c, .. } => out.extend(c),
                Block::Figure { alt, .. } => {
                    let place = self.place(&cell);
                    self.report.warn(
                        "a picture inside a table cell is not carried; its text is kept",
                        &place,
                        "quire's table cells hold text",
                        0,
                    );
                    out.push(Inline::Text(alt));
                }
                other => {
                    let mut text = Vec::new();
                    tree::for_each_inlines(std::slice::from_ref(&other), &mut |c| {
                        text.push(Inline::Text(" ".into()));
                        text.extend(c.iter().cloned());
                    });
                    if !matches!(other, Block::SceneBreak) {
                        let place = self.place(&cell);
                        self.report.warn(
                            "a list, quote or table inside a table cell is set as one line of text",
                            &place,
                            "quire's table cells hold text; the words are all kept",
                            0,
                        );
                    }
                    out.extend(text);
                }
            }
        }
        tree::breaks_to_spaces(trim(normalize(out)))
    }

    fn figure(&mut self, node: Node<'_, '_>, caption: Option<Vec<Inline>>, out: &mut Vec<Block>) {
        self.settle_ids(self.under, false);
        if self.in_generated {
            return;
        }
        // An <svg> holding an <image>: the image it shows.
        let (src, alt_node) = if name(&node) == "svg" {
            let image = node.descendants().find(|n| name(n) == "image");
            let href = image.and_then(|i| {
                i.attribute(("http://www.w3.org/1999/xlink", "href"))
                    .or_else(|| i.attribute("href"))
            });
            (href, image)
        } else {
            (node.attribute("src"), Some(node))
        };
        let alt = alt_node
            .and_then(|n| n.attribute("alt").or_else(|| n.attribute("title")))
            .map(tree::collapse_space)
            .unwrap_or_default();
        let alt = alt.trim().to_string();
        let place = self.place(&node);
        let Some(src) = src else {
            let text = super::xml::text_of(&node);
            self.report.warn(
                "a drawing (SVG) is not carried",
                &place,
                "quire sets JPEG and PNG pictures: export the drawing as a PNG",
                count_words(&text),
            );
            return;
        };
        let caption = caption.unwrap_or_default();
        match self.image(src) {
            Ok(path) => out.push(Block::Figure {
                path,
                decorative: alt.is_empty() && alt_node.and_then(|n| n.attribute("alt")).is_some(),
                alt,
                caption: trim(normalize(caption)),
            }),
            Err(why) => {
                let words = count_words(&alt) + count_words(&tree::plain(&caption));
                self.report.warn(
                    format!("a picture is not carried: {why}"),
                    &place,
                    "convert it to JPEG (photographs) or PNG (drawings) and add it to manuscript/ with ![alt text](file.png)",
                    words,
                );
            }
        }
    }

    fn image(&mut self, src: &str) -> Result<String, String> {
        if archive::is_external(src) {
            return Err(format!(
                "{src} is on the web, and quire does not fetch pictures"
            ));
        }
        let path = archive::resolve(&self.docs[self.doc].path, src)
            .ok_or_else(|| format!("{src} is outside the book"))?;
        if let Some(done) = self.images.placed(&path) {
            return done;
        }
        let bytes = self
            .archive
            .bytes(&path)
            .map_err(|e| e.message)?
            .ok_or_else(|| format!("{path} is not in the EPUB"));
        let result = bytes.and_then(|bytes| self.images.add(&path, &path, bytes));
        self.images.remember(&path, result.clone());
        result
    }

    /// A verse container: each paragraph (or stanza element) a stanza,
    /// each line a line, indents from Standard Ebooks' `i1`…`i9` classes,
    /// quire's `indent-N`, or leading no-break spaces.
    fn verse(&mut self, node: Node<'_, '_>, out: &mut Vec<Block>) {
        self.settle_ids(self.under, false);
        // quire's own stanza: its `<p class="line">` children are its lines.
        if node
            .children()
            .any(|c| c.is_element() && has_class(&c, &["line"]))
        {
            let stanza = self.stanza(node);
            if !stanza.is_empty() {
                out.push(Block::Verse(vec![stanza]));
            }
            return;
        }
        let mut stanzas: Vec<Vec<Line>> = Vec::new();
        let mut loose: Vec<Inline> = Vec::new();
        let children: Vec<Node<'_, '_>> = node.children().collect();
        let flush_loose =
            |this: &mut Self, loose: &mut Vec<Inline>, stanzas: &mut Vec<Vec<Line>>| {
                let inlines = std::mem::take(loose);
                let lines = this.lines(inlines);
                if !lines.is_empty() {
                    stanzas.push(lines);
                }
            };
        for child in children {
            if self.consumed.contains(&(self.doc, child.id())) {
                continue;
            }
            if child.is_text() {
                loose.push(Inline::Text(child.text().unwrap_or("").to_string()));
                continue;
            }
            if !child.is_element() || is_skipped(&child) {
                continue;
            }
            let n = name(&child);
            if matches!(n, "p" | "div")
                && !child.children().any(|c| {
                    c.is_element() && matches!(name(&c), "p" | "div") && !has_class(&c, &["line"])
                })
            {
                flush_loose(self, &mut loose, &mut stanzas);
                if has_class(&child, &["attribution"])
                    || has_type(&child, &["z3998:signature", "z3998:attribution"])
                {
                    if !stanzas.is_empty() {
                        out.push(Block::Verse(std::mem::take(&mut stanzas)));
                    }
                    self.paragraph(child, Look::default(), out);
                    continue;
                }
                let stanza = self.stanza(child);
                if !stanza.is_empty() {
                    stanzas.push(stanza);
                }
            } else if is_block(&child) {
                flush_loose(self, &mut loose, &mut stanzas);
                if !stanzas.is_empty() {
                    out.push(Block::Verse(std::mem::take(&mut stanzas)));
                }
                self.block(child, out);
            } else {
                self.inline(child, &mut loose);
            }
        }
        flush_loose(self, &mut loose, &mut stanzas);
        if !stanzas.is_empty() {
            out.push(Block::Verse(stanzas));
        }
    }

    /// One stanza: a paragraph of lines split at line breaks, or of
    /// quire's `<p class="line">` children.
    fn stanza(&mut self, node: Node<'_, '_>) -> Vec<Line> {
        let line_children: Vec<Node<'_, '_>> = node
            .children()
            .filter(|c| c.is_element() && has_class(c, &["line"]))
            .collect();
        if !line_children.is_empty() {
            let mut lines = Vec::new();
            for child in line_children {
                let indent = indent_class(&child);
                let content = trim(self.inlines_of(child));
                if !is_blank(&content) {
                    lines.push(Line { indent, content });
                }
            }
            return lines;
        }
        let mut inlines = Vec::new();
        let mut indents: Vec<u16> = vec![0];
        for child in node.children() {
            if self.consumed.contains(&(self.doc, child.id())) {
                continue;
            }
            if child.is_text() {
                inlines.push(Inline::Text(child.text().unwrap_or("").to_string()));
            } else if child.is_element() && !is_skipped(&child) {
                if name(&child) == "br" {
                    inlines.push(Inline::LineBreak);
                    indents.push(0);
                    continue;
                }
                let indent = indent_class(&child);
                if indent > 0
                    && let Some(last) = indents.last_mut()
                {
                    *last = indent;
                }
                self.inline(child, &mut inlines);
            }
        }
        let mut lines = Vec::new();
        for (i, content) in split_lines_keeping_lead(inlines).into_iter().enumerate() {
            let (lead, content) = content;
            let indent = indents.get(i).copied().unwrap_or(0).max(lead);
            if !is_blank(&content) {
                lines.push(Line { indent, content });
            }
        }
        lines
    }

    fn lines(&mut self, inlines: Vec<Inline>) -> Vec<Line> {
        split_lines_keeping_lead(inlines)
            .into_iter()
            .filter(|(_, c)| !is_blank(c))
            .map(|(indent, content)| Line { indent, content })
            .collect()
    }
}

/// The element whose content is a note, for a link's target: the note
/// element itself, the note element around it, or the block around an
/// inline target.
fn note_body<'a, 'i>(target: Node<'a, 'i>) -> Option<Node<'a, 'i>> {
    let mut node = target;
    for _ in 0..4 {
        if is_note_element(&node) {
            return Some(node);
        }
        match node.parent_element() {
            Some(parent) => node = parent,
            None => break,
        }
    }
    if name(&target) == "dt" {
        return target.next_sibling_element().filter(|n| name(n) == "dd");
    }
    let mut node = target;
    loop {
        if matches!(
            name(&node),
            "p" | "li" | "dd" | "aside" | "div" | "blockquote" | "td"
        ) {
            // A block inside a note wrapper (`<div class="footnote"><p>`).
            if let Some(parent) = node.parent_element()
                && is_note_element(&parent)
            {
                return Some(parent);
            }
            return Some(node);
        }
        node = node.parent_element()?;
        if name(&node) == "body" {
            return None;
        }
    }
}

fn is_note_element(node: &Node<'_, '_>) -> bool {
    has_type(node, &["footnote", "endnote", "rearnote", "note"])
        || role_is(node, &["doc-footnote", "doc-endnote"])
        || has_class(
            node,
            &["footnote", "endnote", "note", "fn", "footnotes-item"],
        )
}

fn pending_blank(pending: &[Inline]) -> bool {
    is_blank(pending)
}

/// quire's `indent-N` or Standard Ebooks' `i1`…`i9` (an em each: two spaces).
fn indent_class(node: &Node<'_, '_>) -> u16 {
    for class in classes(node).split_whitespace() {
        if let Some(n) = class
            .strip_prefix("indent-")
            .and_then(|n| n.parse::<u16>().ok())
        {
            return n;
        }
        if let Some(n) = class.strip_prefix('i').and_then(|n| n.parse::<u16>().ok())
            && n <= 20
        {
            return n * 2;
        }
    }
    0
}

/// Lines split at breaks, each with its leading white space as an indent
/// (pandoc writes a line block's indents as no-break spaces).
fn split_lines_keeping_lead(inlines: Vec<Inline>) -> Vec<(u16, Vec<Inline>)> {
    let mut lines: Vec<Vec<Inline>> = vec![Vec::new()];
    for inline in normalize(inlines) {
        if matches!(inline, Inline::LineBreak) {
            lines.push(Vec::new());
        } else {
            lines.last_mut().expect("a line").push(inline);
        }
    }
    lines
        .into_iter()
        .map(|line| {
            let lead = match line.first() {
                Some(Inline::Text(t)) => {
                    let t = t.trim_start_matches([' ', '\n', '\t']);
                    t.chars()
                        .take_while(|c| *c == '\u{a0}' || *c == ' ')
                        .count() as u16
                }
                _ => 0,
            };
            let mut line = line;
            if let Some(Inline::Text(t)) = line.first_mut() {
                *t = t
                    .trim_start_matches([' ', '\u{a0}', '\n', '\t'])
                    .to_string();
            }
            (lead, split_lines(line).into_iter().flatten().collect())
        })
        .collect()
}

/// Wraps inline content in what a CSS look adds to it.
fn wrap_look(content: Vec<Inline>, look: Look) -> Vec<Inline> {
    if content.is_empty() {
        return content;
    }
    let mut content = content;
    if look.small_caps {
        content = vec![Inline::SmallCaps(content)];
    }
    if look.strike {
        content = vec![Inline::Strike(content)];
    }
    if look.superscript {
        content = vec![Inline::Superscript(content)];
    }
    if look.subscript {
        content = vec![Inline::Subscript(content)];
    }
    if look.italic == Some(true) {
        content = vec![Inline::Emphasis(content)];
    }
    if look.bold == Some(true) {
        content = vec![Inline::Strong(content)];
    }
    normalize(content)
}

/// Headings' parts joined: a number alone first is followed by a full stop
/// (`I. A Letter with a Postscript`), anything else by a colon
/// (`Chapter One: The Storm`), so quire reads the number and the title.
fn join_segments(segments: Vec<Vec<Inline>>) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::new();
    for (i, segment) in segments.into_iter().enumerate() {
        if i > 0 {
            let before = tree::plain(&out);
            let before = before.trim_end();
            let separator = if before.ends_with(['.', ':', ';', '—', '–', '-', ',', '!', '?']) {
                " "
            } else if i == 1
                && read_number(before, "en")
                    .is_some_and(|n| n.rest >= before.len() && n.unit.is_none())
            {
                ". "
            } else {
                ": "
            };
            out.push(Inline::Text(separator.into()));
        }
        out.extend(segment);
    }
    trim(normalize(out))
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

/// A note's own label at its start (`1.`, `[1]`, a raised `1`), which the
/// book numbers itself, left out.
fn strip_note_label(mut blocks: Vec<Block>) -> Vec<Block> {
    if let Some(Block::Paragraph(content)) = blocks.first_mut() {
        let first_is_label = match content.first() {
            Some(Inline::Superscript(c)) => is_marker(&tree::plain(c)),
            Some(Inline::Text(t)) => {
                let word = t.split_whitespace().next().unwrap_or("");
                is_marker(word)
                    && word
                        .chars()
                        .any(|c| c.is_ascii_digit() || "*†‡§".contains(c))
                    && t.trim_start().len() > word.len()
            }
            _ => false,
        };
        if first_is_label {
            match content.first_mut() {
                Some(Inline::Text(t)) => {
                    let trimmed = t.trim_start();
                    let word = trimmed.split_whitespace().next().unwrap_or("").len();
                    *t = trimmed[word..].to_string();
                }
                _ => {
                    content.remove(0);
                }
            }
            *content = trim(normalize(std::mem::take(content)));
        }
        if content.is_empty() {
            blocks.remove(0);
        }
    }
    blocks
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_and_scene_breaks() {
        for m in ["1", "[12]", "(3)", "*", "†", "a", "iv", "12."] {
            assert!(is_marker(m), "{m}");
        }
        for m in ["12345678", "note", "Chapter"] {
            assert!(!is_marker(m), "{m}");
        }
        for s in ["*", "* * *", "#", "⁂", "❧", "• • •", "~"] {
            assert!(is_scene_break_text(s), "{s}");
        }
        for s in ["...", "—", "A", "1"] {
            assert!(!is_scene_break_text(s), "{s}");
        }
    }

    #[test]
    fn heading_parts_join_so_the_number_is_read() {
        let t = |s: &str| vec![Inline::Text(s.into())];
        assert_eq!(
            tree::plain(&join_segments(vec![t("I"), t("A Letter")])),
            "I. A Letter"
        );
        assert_eq!(
            tree::plain(&join_segments(vec![t("Chapter One"), t("The Storm")])),
            "Chapter One: The Storm"
        );
        assert_eq!(
            tree::plain(&join_segments(vec![t("Book I."), t("Title")])),
            "Book I. Title"
        );
    }
}
