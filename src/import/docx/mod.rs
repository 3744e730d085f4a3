//! Reading a Word document (.docx, also what Google Docs, Pages,
//! LibreOffice and Scrivener export): the archive's XML read directly.
//!
//! Paragraphs are read with their style (followed through `basedOn`):
//! `Title`, `Subtitle`, `Heading 1`… (or an outline level) are the book's
//! title and headings; a chapter file begins at each top-level heading.
//! A manuscript with no heading styles has its chapters found from short
//! lines that name a chapter or matter ("Chapter One", "Prologue") on a new
//! page or set apart (centred, bold). Runs carry italic, bold, small caps,
//! strike, raised and lowered text (underline, the manuscript convention
//! for italic, is italic); footnotes and endnotes become the chapter's
//! notes; numbered and bulleted lists keep their nesting; `Quote` styles and
//! paragraphs indented from both sides are quotes; verse and code styles
//! are verse and code; tables, pictures (with their alt text), hyperlinks
//! and bookmarks (as links to the heading they stand under), and scene
//! breaks (`***`, `#`, an ornament, an empty centred paragraph) are kept.
//!
//! Before the first heading, the pages (split at page breaks) are read as
//! a title page, a copyright page, a dedication or an epigraph into
//! book.toml, and the document's properties give the title, author,
//! language, date and description.
//!
//! Here: the package's parts read in order and the `Reader`'s state. Its
//! work is in rooms: `styles` and `numbering` (the document's definitions),
//! `paragraphs` (runs, fields, notes), `tables`, `pictures`, `blocks` and
//! `lists` (paragraphs gathered into blocks), `book` (chapters and front pages).

use std::collections::HashMap;

use roxmltree::Node;

use super::archive::Archive;
use super::report::{Place, Report, count_words, first_words};
use super::tree::{
    self, Align, Block, Chapter, Inline, Line, Role, Table, Target, What, is_blank, normalize, trim,
};
use super::{Anchor, Images, Metadata, Source};
use crate::diag::Diagnostic;
use crate::model::numbering::read_number;

mod blocks;
mod book;
mod lists;
mod numbering;
mod paragraphs;
mod pictures;
mod styles;
mod tables;

use blocks::{all_bold, unbold};
use lists::{ListFrame, add_item, close_lists};
use numbering::{Numbering, formatted};
use styles::{RunLook, Style, Styles, heading_of_name, read_paragraph_props};

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const DRAWING: &str = "http://schemas.openxmlformats.org/drawingml/2006/main";
const WP: &str = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing";
const VML: &str = "urn:schemas-microsoft-com:vml";
const MC: &str = "http://schemas.openxmlformats.org/markup-compatibility/2006";
const MATH: &str = "http://schemas.openxmlformats.org/officeDocument/2006/math";

fn is(node: &Node<'_, '_>, ns: &str, local: &str) -> bool {
    node.is_element() && node.tag_name().name() == local && node.tag_name().namespace() == Some(ns)
}

/// The `w:val` of a child element.
fn val<'a>(node: &Node<'a, '_>, local: &str) -> Option<&'a str> {
    node.children()
        .find(|c| is(c, W, local))
        .and_then(|c| c.attribute((W, "val")))
}

/// An on/off property: present without a value, or `true`/`1`/`on`.
fn toggle(node: &Node<'_, '_>, local: &str) -> Option<bool> {
    let child = node.children().find(|c| is(c, W, local))?;
    Some(!matches!(
        child.attribute((W, "val")),
        Some("0" | "false" | "off" | "none")
    ))
}

/// A paragraph as read: its style, its text and what else it holds.
#[derive(Debug, Clone, Default)]
struct Para {
    /// Counted from the document's start (tables' paragraphs too), for messages.
    number: usize,
    style: String,
    heading: Option<u8>,
    title: bool,
    subtitle: bool,
    centred: bool,
    indent_left: i32,
    indent_right: i32,
    list: Option<(String, u8)>,
    /// A list item's indent, which says how deep it is (Word's "List Bullet
    /// 2" is a list of its own, indented further).
    list_indent: i32,
    /// The paragraph starts a page (a page break before it or at its start).
    new_page: bool,
    /// A page break inside or at the end: the next paragraph starts a page.
    breaks_page: bool,
    /// A bottom border with nothing in it: a rule between scenes.
    rule: bool,
    inlines: Vec<Inline>,
    /// Pictures in it: manuscript path (or why not), alt text, decorative.
    images: Vec<(Result<String, String>, String, bool)>,
    bookmarks: Vec<String>,
    /// All its runs were in a monospaced face.
    mono: bool,
    /// It was only a table of contents' entry (a TOC field's result).
    toc: bool,
    /// Paragraphs of text boxes anchored in it.
    boxes: Vec<Para>,
    /// Text has been read in it (so a page break now ends its page).
    seen_text: bool,
}

impl Para {
    fn text(&self) -> String {
        tree::plain(&self.inlines)
    }

    fn is_blank(&self) -> bool {
        is_blank(&self.inlines) && self.images.is_empty()
    }

    fn place(&self) -> Place {
        Place::Paragraph {
            number: self.number,
            words: first_words(&self.text(), 5),
        }
    }
}

/// A body item: a paragraph or a table.
#[derive(Debug, Clone)]
enum Item {
    Para(Para),
    Table(Table, usize),
}

/// A field being read (`HYPERLINK`, `REF`, `TOC`…): its instruction, and
/// whether its result is being read yet.
#[derive(Debug, Clone)]
struct Field {
    instr: String,
    result: bool,
    /// Where its result begins in the paragraph's content.
    start: Option<usize>,
}

struct Reader<'x, 'z> {
    styles: Styles,
    numbering: Numbering,
    /// rId → (target, external).
    rels: HashMap<String, (String, bool)>,
    archive: &'x mut Archive<'z>,
    images: Images,
    report: Report,
    paragraphs: usize,
    fields: Vec<Field>,
    /// Fields that ended in the run being read, to make links of.
    ended: Vec<Field>,
    /// (footnote?, id) → index into `notes`.
    note_ids: HashMap<(bool, String), usize>,
    notes: Vec<Vec<Block>>,
    /// Footnote and endnote bodies by id, to read when cited.
    footnotes: HashMap<String, Vec<Item>>,
    endnotes: HashMap<String, Vec<Item>>,
    comments: usize,
    tracked: usize,
    language: String,
    /// List counters: (numId, level) → the last number given.
    counters: HashMap<(String, u8), u32>,
}

/// Reads a Word document (`name` is its file name, for messages).
pub fn read(name: &str, bytes: &[u8]) -> Result<Source, Diagnostic> {
    let mut archive = Archive::open(name, bytes)?;
    let main = main_part(&mut archive)?;
    let part_dir = main.rsplit_once('/').map_or("", |(d, _)| d).to_string();
    let rels_path = format!(
        "{}_rels/{}.rels",
        if part_dir.is_empty() {
            String::new()
        } else {
            format!("{part_dir}/")
        },
        main.rsplit('/').next().unwrap_or("document.xml")
    );
    let document_text = expanded_text(&mut archive, &main)?.ok_or_else(|| {
        Diagnostic::error(format!("{name} has no {main}"))
            .with_hint("the file is damaged; open it in Word or LibreOffice and save it again")
    })?;
    let part = |p: &str| {
        if part_dir.is_empty() {
            p.to_string()
        } else {
            format!("{part_dir}/{p}")
        }
    };
    let styles_text = expanded_text(&mut archive, &part("styles.xml"))?;
    let numbering_text = expanded_text(&mut archive, &part("numbering.xml"))?;
    let rels_text = expanded_text(&mut archive, &rels_path)?;
    let core_text = expanded_text(&mut archive, "docProps/core.xml")?;

    let document = super::xml::parse(&document_text, &format!("{name}/{main}"))?;
    let styles = match &styles_text {
        Some(t) => Styles::read(&super::xml::parse(
            t,
            &format!("{name}/{}", part("styles.xml")),
        )?),
        None => Styles::default(),
    };
    let numbering = match &numbering_text {
        Some(t) => Numbering::read(&super::xml::parse(
            t,
            &format!("{name}/{}", part("numbering.xml")),
        )?),
        None => Numbering::default(),
    };
    let (rels, mut note_parts) = match &rels_text {
        Some(t) => relationships(
            &super::xml::parse(t, &format!("{name}/{rels_path}"))?,
            &main,
        ),
        None => (HashMap::new(), Vec::new()),
    };
    if note_parts.is_empty() {
        note_parts.push((true, part("footnotes.xml")));
        note_parts.push((false, part("endnotes.xml")));
    }

    let mut meta = Metadata::default();
    if let Some(t) = &core_text {
        read_core(
            &super::xml::parse(t, &format!("{name}/docProps/core.xml"))?,
            &mut meta,
        );
    }
    let language = meta
        .language
        .clone()
        .or_else(|| styles.language.clone())
        .unwrap_or_else(|| "en".into());
    if meta.language.is_none() && styles.language.is_some() {
        meta.language = styles.language.clone();
    }

    let mut reader = Reader {
        styles,
        numbering,
        rels,
        archive: &mut archive,
        images: Images::default(),
        report: Report::new(name),
        paragraphs: 0,
        fields: Vec::new(),
        ended: Vec::new(),
        note_ids: HashMap::new(),
        notes: Vec::new(),
        footnotes: HashMap::new(),
        endnotes: HashMap::new(),
        comments: 0,
        tracked: 0,
        language,
        counters: HashMap::new(),
    };
    // Notes' bodies first, read when cited.
    for (footnote, path) in note_parts {
        reader.read_note_part(footnote, &path, name)?;
    }
    let body = document
        .root_element()
        .children()
        .find(|n| is(n, W, "body"))
        .ok_or_else(|| {
            Diagnostic::error(format!("{name}/{main} has no body"))
                .with_hint("the file is damaged; open it in Word or LibreOffice and save it again")
        })?;
    reader.paragraphs = 0;
    let items = reader.items(&body);
    reader.warn_left_out();
    let mut source = reader.book(items, meta);
    source.images = std::mem::take(&mut reader.images);
    source.report = std::mem::take(&mut reader.report);
    source.notes = std::mem::take(&mut reader.notes);
    Ok(source)
}

/// A part's relationships: rId → (target, external).
type Relationships = HashMap<String, (String, bool)>;

/// A part's text, with HTML's named entities expanded.
fn expanded_text(archive: &mut Archive<'_>, path: &str) -> Result<Option<String>, Diagnostic> {
    Ok(archive
        .text(path)?
        .map(|t| super::xml::expand_entities(&t).0))
}

/// The main document's relationships: rId → (target, external), and its
/// footnote and endnote parts (footnotes?, path).
fn relationships(
    doc: &roxmltree::Document<'_>,
    main: &str,
) -> (Relationships, Vec<(bool, String)>) {
    let mut rels = HashMap::new();
    let mut note_parts: Vec<(bool, String)> = Vec::new();
    for rel in doc
        .root_element()
        .children()
        .filter(|n| n.tag_name().name() == "Relationship")
    {
        let (Some(id), Some(target)) = (rel.attribute("Id"), rel.attribute("Target")) else {
            continue;
        };
        let external = rel.attribute("TargetMode") == Some("External");
        let target_path = if external {
            target.to_string()
        } else if let Some(abs) = target.strip_prefix('/') {
            abs.to_string()
        } else {
            super::archive::resolve(main, target).unwrap_or_default()
        };
        let kind = rel.attribute("Type").unwrap_or("");
        if kind.ends_with("/footnotes") {
            note_parts.push((true, target_path.clone()));
        } else if kind.ends_with("/endnotes") {
            note_parts.push((false, target_path.clone()));
        }
        rels.insert(id.to_string(), (target_path, external));
    }
    (rels, note_parts)
}

impl Reader<'_, '_> {
    /// The footnotes' (or endnotes') bodies in a part, kept by id to read
    /// when cited; their paragraphs are not counted in the document's.
    fn read_note_part(&mut self, footnote: bool, path: &str, name: &str) -> Result<(), Diagnostic> {
        let Some(text) = expanded_text(self.archive, path)? else {
            return Ok(());
        };
        let doc = super::xml::parse(&text, &format!("{name}/{path}"))?;
        let saved = self.paragraphs;
        for note in doc
            .root_element()
            .children()
            .filter(|n| is(n, W, if footnote { "footnote" } else { "endnote" }))
        {
            if matches!(
                note.attribute((W, "type")),
                Some("separator" | "continuationSeparator" | "continuationNotice")
            ) {
                continue;
            }
            let Some(id) = note.attribute((W, "id")) else {
                continue;
            };
            let items = self.items(&note);
            if footnote {
                self.footnotes.insert(id.to_string(), items);
            } else {
                self.endnotes.insert(id.to_string(), items);
            }
        }
        self.paragraphs = saved;
        Ok(())
    }

    /// Comments and tracked changes, reported once each.
    fn warn_left_out(&mut self) {
        if self.comments > 0 {
            self.report.warn(
                format!(
                    "{} comment{} in the margin {} not carried",
                    self.comments,
                    if self.comments == 1 { "" } else { "s" },
                    if self.comments == 1 { "is" } else { "are" }
                ),
                &Place::None,
                "comments are notes to the author, not the book's text",
                0,
            );
        }
        if self.tracked > 0 {
            self.report.warn(
                format!(
                    "{} tracked change{}: insertions are kept and deletions left out",
                    self.tracked,
                    if self.tracked == 1 { "" } else { "s" }
                ),
                &Place::None,
                "accept or reject the changes in Word to choose for yourself",
                0,
            );
        }
    }
}

/// The main document's path, from the package's relationships.
fn main_part(archive: &mut Archive<'_>) -> Result<String, Diagnostic> {
    let Some(rels) = archive.text("_rels/.rels")? else {
        return Ok("word/document.xml".into());
    };
    let doc = super::xml::parse(&rels, &format!("{}/_rels/.rels", archive.name))?;
    let found = doc
        .root_element()
        .children()
        .filter(|n| n.tag_name().name() == "Relationship")
        .find(|n| {
            n.attribute("Type")
                .is_some_and(|t| t.ends_with("/officeDocument"))
        })
        .and_then(|n| n.attribute("Target"))
        .map(|t| t.trim_start_matches('/').to_string());
    Ok(found
        .filter(|p| archive.has(p))
        .unwrap_or_else(|| "word/document.xml".into()))
}

/// The document's properties: title, author, language, date, description, keywords.
fn read_core(doc: &roxmltree::Document<'_>, meta: &mut Metadata) {
    let text = |local: &str| {
        doc.root_element()
            .children()
            .find(|n| n.tag_name().name() == local)
            .map(|n| {
                tree::collapse_space(&super::xml::text_of(&n))
                    .trim()
                    .to_string()
            })
            .filter(|t| !t.is_empty())
    };
    // What tools write when the author wrote nothing.
    let placeholder = |t: &str| {
        matches!(
            t.to_lowercase().as_str(),
            "python-docx"
                | "generated by python-docx"
                | "microsoft office user"
                | "unknown"
                | "author"
                | "user"
                | "admin"
        )
    };
    meta.title = text("title").filter(|t| !placeholder(t));
    if let Some(creator) = text("creator").filter(|t| !placeholder(t)) {
        meta.authors = creator
            .split([';', '&'])
            .flat_map(|a| a.split(" and "))
            .map(|a| a.trim().to_string())
            .filter(|a| !a.is_empty())
            .collect();
    }
    meta.language = text("language");
    meta.description = text("description").filter(|t| !placeholder(t));
    if let Some(keywords) = text("keywords") {
        meta.keywords = keywords
            .split([',', ';'])
            .map(|k| k.trim().to_string())
            .filter(|k| !k.is_empty())
            .collect();
    }
    meta.date = text("created").and_then(|d| super::epub::iso_date(&d));
}
