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

/// What a run's properties say.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct RunLook {
    italic: Option<bool>,
    bold: Option<bool>,
    small_caps: Option<bool>,
    strike: Option<bool>,
    superscript: Option<bool>,
    subscript: Option<bool>,
    hidden: Option<bool>,
    mono: Option<bool>,
}

impl RunLook {
    fn read(rpr: &Node<'_, '_>) -> RunLook {
        let underline = rpr
            .children()
            .find(|c| is(c, W, "u"))
            .map(|u| !matches!(u.attribute((W, "val")), Some("none")));
        let vert = val(rpr, "vertAlign");
        let fonts = rpr
            .children()
            .find(|c| is(c, W, "rFonts"))
            .and_then(|f| {
                f.attribute((W, "ascii"))
                    .or_else(|| f.attribute((W, "hAnsi")))
            })
            .map(|f| f.to_lowercase());
        RunLook {
            // Underline is how manuscripts mark italic.
            italic: match (toggle(rpr, "i"), underline) {
                (Some(true), _) | (_, Some(true)) => Some(true),
                (Some(false), _) => Some(false),
                _ => None,
            },
            bold: toggle(rpr, "b"),
            small_caps: toggle(rpr, "smallCaps"),
            strike: toggle(rpr, "strike").or(toggle(rpr, "dstrike")),
            superscript: vert.map(|v| v == "superscript"),
            subscript: vert.map(|v| v == "subscript"),
            hidden: toggle(rpr, "vanish"),
            mono: fonts.map(|f| {
                [
                    "courier",
                    "consolas",
                    "mono",
                    "menlo",
                    "monaco",
                    "lucida console",
                    "source code",
                ]
                .iter()
                .any(|m| f.contains(m))
            }),
        }
    }

    /// `self` over `base`: what `self` says wins.
    fn over(self, base: RunLook) -> RunLook {
        RunLook {
            italic: self.italic.or(base.italic),
            bold: self.bold.or(base.bold),
            small_caps: self.small_caps.or(base.small_caps),
            strike: self.strike.or(base.strike),
            superscript: self.superscript.or(base.superscript),
            subscript: self.subscript.or(base.subscript),
            hidden: self.hidden.or(base.hidden),
            mono: self.mono.or(base.mono),
        }
    }
}

/// A style, as styles.xml gives it.
#[derive(Debug, Clone, Default)]
struct Style {
    /// Its name, lower case (`heading 1`, `quote`).
    name: String,
    based_on: Option<String>,
    outline: Option<u8>,
    centred: Option<bool>,
    indent_left: Option<i32>,
    indent_right: Option<i32>,
    numbering: Option<(String, u8)>,
    run: RunLook,
    page_break_before: Option<bool>,
}

#[derive(Debug, Default)]
struct Styles {
    by_id: HashMap<String, Style>,
    default_paragraph: Option<String>,
    language: Option<String>,
}

impl Styles {
    fn read(doc: &roxmltree::Document<'_>) -> Styles {
        let mut styles = Styles::default();
        let root = doc.root_element();
        if let Some(lang) = root
            .descendants()
            .find(|n| is(n, W, "docDefaults"))
            .and_then(|d| d.descendants().find(|n| is(n, W, "lang")))
            .and_then(|l| l.attribute((W, "val")))
        {
            styles.language = Some(lang.to_string());
        }
        for style in root.children().filter(|n| is(n, W, "style")) {
            let Some(id) = style.attribute((W, "styleId")) else {
                continue;
            };
            let ppr = style.children().find(|c| is(c, W, "pPr"));
            let rpr = style.children().find(|c| is(c, W, "rPr"));
            let mut s = Style {
                name: val(&style, "name").unwrap_or(id).to_lowercase(),
                based_on: val(&style, "basedOn").map(str::to_string),
                run: rpr.map(|r| RunLook::read(&r)).unwrap_or_default(),
                ..Style::default()
            };
            if let Some(ppr) = ppr {
                read_paragraph_props(&ppr, &mut s);
            }
            if style
                .attribute((W, "default"))
                .is_some_and(|d| d == "1" || d == "true")
                && style.attribute((W, "type")) == Some("paragraph")
            {
                styles.default_paragraph = Some(id.to_string());
            }
            styles.by_id.insert(id.to_string(), s);
        }
        styles
    }

    /// A paragraph style with what it inherits, resolved.
    fn resolved(&self, id: Option<&str>) -> Style {
        let mut chain: Vec<&Style> = Vec::new();
        let mut next = id
            .map(str::to_string)
            .or_else(|| self.default_paragraph.clone());
        while let Some(id) = next {
            let Some(style) = self.by_id.get(&id) else {
                break;
            };
            if chain.len() > 16 {
                break;
            }
            chain.push(style);
            next = style.based_on.clone();
        }
        let mut out = Style {
            name: chain.first().map(|s| s.name.clone()).unwrap_or_default(),
            ..Style::default()
        };
        // The nearest says first. A heading's outline level is its own
        // style's, or a heading style's it is based on.
        for style in &chain {
            out.outline = out.outline.or(style.outline);
            out.centred = out.centred.or(style.centred);
            out.indent_left = out.indent_left.or(style.indent_left);
            out.indent_right = out.indent_right.or(style.indent_right);
            out.numbering = out.numbering.clone().or(style.numbering.clone());
            out.page_break_before = out.page_break_before.or(style.page_break_before);
            out.run = out.run.over(style.run);
        }
        out.based_on = chain.get(1).map(|s| s.name.clone());
        // Names the chain carries (a "Chapter Title" style based on "heading 1").
        if heading_of_name(&out.name).is_none()
            && let Some(level) = chain.iter().find_map(|s| heading_of_name(&s.name))
            && out.outline.is_none()
        {
            out.outline = Some(level);
        }
        out
    }

    fn character(&self, id: &str) -> RunLook {
        let mut look = RunLook::default();
        let mut next = Some(id.to_string());
        let mut depth = 0;
        while let Some(id) = next {
            let Some(style) = self.by_id.get(&id) else {
                break;
            };
            look = look.over(style.run);
            next = style.based_on.clone();
            depth += 1;
            if depth > 16 {
                break;
            }
        }
        look
    }
}

fn read_paragraph_props(ppr: &Node<'_, '_>, into: &mut Style) {
    if let Some(level) = val(ppr, "outlineLvl").and_then(|v| v.parse::<u8>().ok())
        && level < 9
    {
        into.outline = Some(level + 1);
    }
    if let Some(jc) = val(ppr, "jc") {
        into.centred = Some(jc == "center");
    }
    if let Some(ind) = ppr.children().find(|c| is(c, W, "ind")) {
        let number = |names: &[&str]| {
            names
                .iter()
                .find_map(|n| ind.attribute((W, *n)))
                .and_then(|v| v.parse::<i32>().ok())
        };
        if let Some(left) = number(&["left", "start"]) {
            into.indent_left = Some(left);
        }
        if let Some(right) = number(&["right", "end"]) {
            into.indent_right = Some(right);
        }
    }
    if let Some(num) = ppr.children().find(|c| is(c, W, "numPr")) {
        let id = val(&num, "numId").unwrap_or("0").to_string();
        let level = val(&num, "ilvl").and_then(|l| l.parse().ok()).unwrap_or(0);
        into.numbering = Some((id, level));
    }
    if let Some(b) = toggle(ppr, "pageBreakBefore") {
        into.page_break_before = Some(b);
    }
}

/// `heading 1` → 1; a style named for a chapter's title is a heading too.
fn heading_of_name(name: &str) -> Option<u8> {
    let name = name.trim();
    if let Some(n) = name
        .strip_prefix("heading ")
        .or_else(|| name.strip_prefix("heading"))
        .and_then(|n| n.trim().parse::<u8>().ok())
    {
        return Some(n.clamp(1, 9));
    }
    matches!(name, "chapter title" | "chapter heading" | "chapter").then_some(1)
}

/// A list level's format and start.
#[derive(Debug, Clone)]
struct Level {
    bullet: bool,
    format: String,
    start: u32,
    text: String,
    /// The level's left indent, in twentieths of a point.
    indent: Option<i32>,
}

#[derive(Debug, Default)]
struct Numbering {
    /// numId → the levels.
    lists: HashMap<String, Vec<Level>>,
}

impl Numbering {
    fn read(doc: &roxmltree::Document<'_>) -> Numbering {
        let root = doc.root_element();
        let mut abstracts: HashMap<String, Vec<Level>> = HashMap::new();
        for a in root.children().filter(|n| is(n, W, "abstractNum")) {
            let Some(id) = a.attribute((W, "abstractNumId")) else {
                continue;
            };
            abstracts.insert(id.to_string(), levels(&a));
        }
        let mut lists = HashMap::new();
        for num in root.children().filter(|n| is(n, W, "num")) {
            let (Some(id), Some(abs)) = (num.attribute((W, "numId")), val(&num, "abstractNumId"))
            else {
                continue;
            };
            let mut levels = abstracts.get(abs).cloned().unwrap_or_default();
            for over in num.children().filter(|c| is(c, W, "lvlOverride")) {
                let Some(l) = over
                    .attribute((W, "ilvl"))
                    .and_then(|l| l.parse::<usize>().ok())
                else {
                    continue;
                };
                if let Some(start) = val(&over, "startOverride").and_then(|s| s.parse().ok())
                    && let Some(level) = levels.get_mut(l)
                {
                    level.start = start;
                }
            }
            lists.insert(id.to_string(), levels);
        }
        Numbering { lists }
    }

    fn level(&self, id: &str, level: u8) -> Option<&Level> {
        self.lists.get(id)?.get(usize::from(level))
    }
}

fn levels(node: &Node<'_, '_>) -> Vec<Level> {
    let mut out: Vec<Level> = Vec::new();
    for lvl in node.children().filter(|n| is(n, W, "lvl")) {
        let index = lvl
            .attribute((W, "ilvl"))
            .and_then(|l| l.parse::<usize>().ok())
            .unwrap_or(out.len());
        let format = val(&lvl, "numFmt").unwrap_or("decimal").to_string();
        let mut indents = Style::default();
        if let Some(ppr) = lvl.children().find(|c| is(c, W, "pPr")) {
            read_paragraph_props(&ppr, &mut indents);
        }
        let level = Level {
            bullet: matches!(format.as_str(), "bullet" | "none"),
            start: val(&lvl, "start").and_then(|s| s.parse().ok()).unwrap_or(1),
            text: val(&lvl, "lvlText").unwrap_or("").to_string(),
            format,
            indent: indents.indent_left,
        };
        if out.len() <= index {
            out.resize(index + 1, level.clone());
        }
        out[index] = level;
    }
    out
}

/// A number in a list format (`decimal`, `upperRoman`, `lowerLetter`,
/// `cardinalText`).
fn formatted(number: u32, format: &str, language: &str) -> String {
    match format {
        "upperRoman" => crate::model::numbering::roman(number),
        "lowerRoman" => crate::model::numbering::roman(number).to_lowercase(),
        "upperLetter" | "lowerLetter" => {
            let letter = char::from(b'A' + ((number.max(1) - 1) % 26) as u8);
            if format == "lowerLetter" {
                letter.to_ascii_lowercase().to_string()
            } else {
                letter.to_string()
            }
        }
        "cardinalText" | "ordinalText" => crate::model::numbering::number_word(number, language)
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                    .unwrap_or_default()
            })
            .unwrap_or_else(|| number.to_string()),
        _ => number.to_string(),
    }
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
    let text_of = |archive: &mut Archive<'_>, path: &str| -> Result<Option<String>, Diagnostic> {
        Ok(archive
            .text(path)?
            .map(|t| super::xml::expand_entities(&t).0))
    };
    let document_text = text_of(&mut archive, &main)?.ok_or_else(|| {
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
    let styles_text = text_of(&mut archive, &part("styles.xml"))?;
    let numbering_text = text_of(&mut archive, &part("numbering.xml"))?;
    let rels_text = text_of(&mut archive, &rels_path)?;
    let core_text = text_of(&mut archive, "docProps/core.xml")?;

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
    let mut rels = HashMap::new();
    let mut note_parts: Vec<(bool, String)> = Vec::new();
    if let Some(t) = &rels_text {
        let doc = super::xml::parse(t, &format!("{name}/{rels_path}"))?;
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
                super::archive::resolve(&main, target).unwrap_or_default()
            };
            let kind = rel.attribute("Type").unwrap_or("");
            if kind.ends_with("/footnotes") {
                note_parts.push((true, target_path.clone()));
            } else if kind.ends_with("/endnotes") {
                note_parts.push((false, target_path.clone()));
            }
            rels.insert(id.to_string(), (target_path, external));
        }
    }
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
        let Some(text) = text_of(reader.archive, &path)? else {
            continue;
        };
        let doc = super::xml::parse(&text, &format!("{name}/{path}"))?;
        let saved = reader.paragraphs;
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
            let items = reader.items(&note);
            if footnote {
                reader.footnotes.insert(id.to_string(), items);
            } else {
                reader.endnotes.insert(id.to_string(), items);
            }
        }
        reader.paragraphs = saved;
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
    if reader.comments > 0 {
        reader.report.warn(
            format!(
                "{} comment{} in the margin {} not carried",
                reader.comments,
                if reader.comments == 1 { "" } else { "s" },
                if reader.comments == 1 { "is" } else { "are" }
            ),
            &Place::None,
            "comments are notes to the author, not the book's text",
            0,
        );
    }
    if reader.tracked > 0 {
        reader.report.warn(
            format!(
                "{} tracked change{}: insertions are kept and deletions left out",
                reader.tracked,
                if reader.tracked == 1 { "" } else { "s" }
            ),
            &Place::None,
            "accept or reject the changes in Word to choose for yourself",
            0,
        );
    }
    let mut source = reader.book(items, meta);
    source.images = std::mem::take(&mut reader.images);
    source.report = std::mem::take(&mut reader.report);
    source.notes = std::mem::take(&mut reader.notes);
    Ok(source)
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

impl Reader<'_, '_> {
    /// The block-level content of a body, a cell, a note or a text box.
    fn items(&mut self, parent: &Node<'_, '_>) -> Vec<Item> {
        let mut out = Vec::new();
        for child in parent.children().filter(Node::is_element) {
            if is(&child, W, "p") {
                let para = self.paragraph(&child);
                out.push(Item::Para(para));
            } else if is(&child, W, "tbl") {
                let number = self.paragraphs + 1;
                let table = self.table(&child);
                out.push(Item::Table(table, number));
            } else if is(&child, W, "sdt") {
                // A content control; Word's own contents is one.
                let gallery = child
                    .descendants()
                    .find(|n| is(n, W, "docPartGallery"))
                    .and_then(|n| n.attribute((W, "val")))
                    .unwrap_or("");
                if let Some(content) = child.children().find(|c| is(c, W, "sdtContent")) {
                    let mut inner = self.items(&content);
                    if gallery.to_lowercase().contains("table of contents") {
                        for item in &mut inner {
                            if let Item::Para(p) = item {
                                p.toc = true;
                            }
                        }
                    }
                    out.extend(inner);
                }
            } else if is(&child, W, "customXml") || is(&child, W, "ins") || is(&child, W, "moveTo")
            {
                out.extend(self.items(&child));
            } else if is(&child, MC, "AlternateContent") {
                if let Some(choice) = child.children().find(|c| c.tag_name().name() == "Choice") {
                    out.extend(self.items(&choice));
                }
            }
        }
        out
    }

    fn table(&mut self, node: &Node<'_, '_>) -> Table {
        let mut head = None;
        let mut rows = Vec::new();
        let mut align: Vec<Align> = Vec::new();
        let look_first = node
            .children()
            .find(|c| is(c, W, "tblPr"))
            .and_then(|p| p.children().find(|c| is(c, W, "tblLook")))
            .map(|l| {
                l.attribute((W, "firstRow"))
                    .map(|v| v == "1" || v == "true")
                    .unwrap_or_else(|| {
                        l.attribute((W, "val"))
                            .and_then(|v| u32::from_str_radix(v, 16).ok())
                            .is_some_and(|v| v & 0x0020 != 0)
                    })
            });
        let mut warned = false;
        for (r, tr) in node.children().filter(|c| is(c, W, "tr")).enumerate() {
            let header_row = tr
                .children()
                .find(|c| is(c, W, "trPr"))
                .is_some_and(|p| toggle(&p, "tblHeader") == Some(true));
            let mut cells: Vec<Vec<Inline>> = Vec::new();
            for tc in tr.children().filter(|c| is(c, W, "tc")) {
                let tcpr = tc.children().find(|c| is(c, W, "tcPr"));
                let span = tcpr
                    .as_ref()
                    .and_then(|p| val(p, "gridSpan"))
                    .and_then(|s| s.parse::<usize>().ok())
                    .unwrap_or(1)
                    .clamp(1, 64);
                let merged = tcpr
                    .as_ref()
                    .is_some_and(|p| p.children().any(|c| is(&c, W, "vMerge")));
                let items = self.items(&tc);
                let mut content = Vec::new();
                let mut centred = true;
                let mut any = false;
                for item in items {
                    match item {
                        Item::Para(p) => {
                            if !content.is_empty() && !p.is_blank() {
                                content.push(Inline::Text(" ".into()));
                            }
                            if !p.is_blank() {
                                any = true;
                                centred &= p.centred;
                            }
                            for (_, alt, _) in &p.images {
                                content.push(Inline::Text(alt.clone()));
                            }
                            content.extend(p.inlines);
                        }
                        Item::Table(t, n) => {
                            self.report.warn(
                                "a table inside a table cell is set as one line of text",
                                &Place::Paragraph {
                                    number: n,
                                    words: String::new(),
                                },
                                "quire's table cells hold text; the words are all kept",
                                0,
                            );
                            for row in t.head.iter().chain(&t.rows) {
                                for cell in row {
                                    content.push(Inline::Text(" ".into()));
                                    content.extend(cell.iter().cloned());
                                }
                            }
                        }
                    }
                }
                let column = cells.len();
                if align.len() <= column {
                    align.resize(column + 1, Align::Auto);
                }
                if r == 1 && any && centred {
                    align[column] = Align::Center;
                }
                cells.push(tree::breaks_to_spaces(trim(normalize(content))));
                for _ in 1..span {
                    cells.push(Vec::new());
                }
                if (span > 1 || merged) && !warned {
                    warned = true;
                    self.report.warn(
                        "a merged table cell is set in its first cell; the others are left empty",
                        &Place::Paragraph {
                            number: self.paragraphs,
                            words: String::new(),
                        },
                        "quire's tables are grids of single cells; the words are all kept",
                        0,
                    );
                }
            }
            if (r == 0 && (header_row || look_first.unwrap_or(true))) && head.is_none() {
                head = Some(cells);
            } else {
                rows.push(cells);
            }
        }
        Table {
            align,
            head,
            rows,
            caption: Vec::new(),
        }
    }

    /// One paragraph: its style and properties, and its runs as inline content.
    fn paragraph(&mut self, node: &Node<'_, '_>) -> Para {
        self.paragraphs += 1;
        let ppr = node.children().find(|c| is(c, W, "pPr"));
        let style_id = ppr.as_ref().and_then(|p| val(p, "pStyle"));
        let mut style = self.styles.resolved(style_id);
        let mut own = Style::default();
        if let Some(ppr) = &ppr {
            read_paragraph_props(ppr, &mut own);
        }
        let name = style.name.clone();
        let heading = own
            .outline
            .or(style.outline)
            .or_else(|| heading_of_name(&name));
        let list = own
            .numbering
            .clone()
            .or(style.numbering.take())
            .filter(|(id, _)| id != "0");
        let mut para = Para {
            number: self.paragraphs,
            title: name == "title",
            subtitle: name == "subtitle",
            heading: heading.filter(|_| name != "title" && name != "subtitle"),
            centred: own.centred.or(style.centred).unwrap_or(false),
            indent_left: own.indent_left.or(style.indent_left).unwrap_or(0),
            indent_right: own.indent_right.or(style.indent_right).unwrap_or(0),
            list,
            new_page: own
                .page_break_before
                .or(style.page_break_before)
                .unwrap_or(false),
            style: name,
            ..Para::default()
        };
        if let Some((id, level)) = &para.list {
            let level_indent = self.numbering.level(id, *level).and_then(|l| l.indent);
            para.list_indent = own
                .indent_left
                .or(level_indent)
                .or(style.indent_left)
                .unwrap_or(360 * (i32::from(*level) + 1));
        }
        para.rule = ppr.as_ref().is_some_and(|p| {
            p.children().find(|c| is(c, W, "pBdr")).is_some_and(|b| {
                b.children()
                    .any(|c| is(&c, W, "bottom") || is(&c, W, "top"))
            })
        });
        if ppr
            .as_ref()
            .is_some_and(|p| p.children().any(|c| is(&c, W, "sectPr")))
        {
            // A section break: the next section starts a page.
            para.breaks_page = true;
        }
        let in_toc_before = self.in_toc();
        let mut inlines = Vec::new();
        let mut mono_runs = (0, 0);
        self.runs(node, &mut para, &mut inlines, &mut mono_runs, style.run);
        para.mono = mono_runs.0 > 0 && mono_runs.0 == mono_runs.1;
        para.inlines = normalize(inlines);
        // A paragraph read wholly inside a table of contents' field.
        if (in_toc_before && self.in_toc())
            || para.style.starts_with("toc ")
            || para.style == "toc heading"
        {
            para.toc = true;
        }
        para
    }

    fn in_toc(&self) -> bool {
        self.fields.iter().any(|f| {
            let instr = f.instr.trim_start().to_ascii_uppercase();
            instr.starts_with("TOC") || instr.starts_with("INDEX")
        })
    }

    /// Whether the runs being read are a field's instruction or a result
    /// that is not the text (a page number, a contents).
    fn hidden_by_field(&self) -> bool {
        self.fields.iter().any(|f| {
            let instr = f.instr.trim_start().to_ascii_uppercase();
            !f.result
                || instr.starts_with("TOC")
                || instr.starts_with("PAGE ")
                || instr == "PAGE"
                || instr.starts_with("NUMPAGES")
                || instr.starts_with("PAGEREF")
                || instr.starts_with("INDEX")
        })
    }

    /// The runs inside `node` (a paragraph, a hyperlink, an inserted run…).
    fn runs(
        &mut self,
        node: &Node<'_, '_>,
        para: &mut Para,
        out: &mut Vec<Inline>,
        mono: &mut (usize, usize),
        base: RunLook,
    ) {
        for child in node.children().filter(Node::is_element) {
            let local = child.tag_name().name();
            let ns = child.tag_name().namespace();
            if ns == Some(W) {
                match local {
                    "r" => self.run(&child, para, out, mono, base),
                    "hyperlink" => {
                        let mut content = Vec::new();
                        self.runs(&child, para, &mut content, mono, base);
                        let target = if let Some(anchor) = child.attribute((W, "anchor")) {
                            Some(Target::Internal {
                                doc: String::new(),
                                id: Some(anchor.to_string()),
                            })
                        } else {
                            child
                                .attribute((R, "id"))
                                .and_then(|id| self.rels.get(id))
                                .map(|(t, _)| Target::Web(t.clone()))
                        };
                        match target {
                            Some(target) if !self.in_toc() => {
                                out.push(Inline::Link { target, content })
                            }
                            _ => out.extend(content),
                        }
                    }
                    "fldSimple" => {
                        let instr = child.attribute((W, "instr")).unwrap_or("").to_string();
                        self.fields.push(Field {
                            instr: instr.clone(),
                            result: true,
                            start: None,
                        });
                        let mut content = Vec::new();
                        if !self.hidden_by_field() {
                            self.runs(&child, para, &mut content, mono, base);
                        }
                        self.fields.pop();
                        out.extend(field_result(&instr, content));
                    }
                    "bookmarkStart" => {
                        if let Some(name) = child.attribute((W, "name")) {
                            para.bookmarks.push(name.to_string());
                        }
                    }
                    "ins" | "moveTo" => {
                        self.tracked += 1;
                        self.runs(&child, para, out, mono, base);
                    }
                    "del" | "moveFrom" => self.tracked += 1,
                    "smartTag" | "customXml" | "dir" | "bdo" => {
                        self.runs(&child, para, out, mono, base)
                    }
                    "sdt" => {
                        if let Some(content) = child.children().find(|c| is(c, W, "sdtContent")) {
                            self.runs(&content, para, out, mono, base);
                        }
                    }
                    "commentRangeStart" | "commentRangeEnd" => {}
                    _ => {}
                }
            } else if ns == Some(MATH) && matches!(local, "oMath" | "oMathPara") {
                let text: String = child
                    .descendants()
                    .filter(|n| n.tag_name().name() == "t")
                    .filter_map(|n| n.text())
                    .collect();
                self.report.warn(
                    format!("an equation is set as plain text: “{}”", text.trim()),
                    &para.place_now(self.paragraphs),
                    "quire sets no mathematics; check the text, or set the equation as a picture",
                    0,
                );
                out.push(Inline::Text(text));
            } else if ns == Some(MC) && local == "AlternateContent" {
                if let Some(choice) = child.children().find(|c| c.tag_name().name() == "Choice") {
                    self.runs(&choice, para, out, mono, base);
                }
            }
        }
    }

    fn run(
        &mut self,
        run: &Node<'_, '_>,
        para: &mut Para,
        out: &mut Vec<Inline>,
        mono: &mut (usize, usize),
        base: RunLook,
    ) {
        let rpr = run.children().find(|c| is(c, W, "rPr"));
        let mut look = RunLook::default();
        if let Some(rpr) = &rpr {
            let direct = RunLook::read(rpr);
            let character = val(rpr, "rStyle")
                .map(|id| self.styles.character(id))
                .unwrap_or_default();
            look = direct.over(character);
        }
        // The paragraph style's italic or bold is the block's look (a
        // quote set in italic), not the author's emphasis; its face and
        // hiding count.
        let look = RunLook {
            mono: look.mono.or(base.mono),
            hidden: look.hidden.or(base.hidden),
            ..look
        };
        if look.hidden == Some(true) {
            // Hidden text is not the book's to print; what it held is said.
            let text: String = run
                .children()
                .filter(|c| is(c, W, "t"))
                .filter_map(|c| c.text())
                .collect();
            let words = count_words(&text);
            if words > 0 {
                self.report.warn(
                    "hidden text is not carried",
                    &para.place_now(self.paragraphs),
                    "show it in Word (Font, untick Hidden) if it belongs to the book",
                    words,
                );
            }
            return;
        }
        // A field whose result is about to be read starts here.
        for field in self.fields.iter_mut() {
            if field.result && field.start.is_none() {
                field.start = Some(out.len());
            }
        }
        let mut content: Vec<Inline> = Vec::new();
        for child in run.children().filter(Node::is_element) {
            if child.tag_name().namespace() == Some(MC)
                && child.tag_name().name() == "AlternateContent"
            {
                if let Some(choice) = child.children().find(|c| c.tag_name().name() == "Choice") {
                    for inner in choice.children().filter(Node::is_element) {
                        self.run_piece(&inner, para, &mut content);
                    }
                }
                continue;
            }
            self.run_piece(&child, para, &mut content);
        }
        for field in self.fields.iter_mut() {
            if field.result && field.start.is_none() {
                field.start = Some(out.len());
            }
        }
        if content.is_empty() {
            self.end_fields(out);
            return;
        }
        if !is_blank(&content) {
            para.seen_text = true;
            mono.1 += 1;
            if look.mono == Some(true) {
                mono.0 += 1;
            }
        }
        if look.small_caps == Some(true) {
            content = vec![Inline::SmallCaps(content)];
        }
        if look.strike == Some(true) {
            content = vec![Inline::Strike(content)];
        }
        if look.superscript == Some(true) && !matches!(content.as_slice(), [Inline::Note(_)]) {
            content = vec![Inline::Superscript(content)];
        }
        if look.subscript == Some(true) {
            content = vec![Inline::Subscript(content)];
        }
        if look.italic == Some(true) {
            content = vec![Inline::Emphasis(content)];
        }
        if look.bold == Some(true) {
            content = vec![Inline::Strong(content)];
        }
        out.extend(content);
        self.end_fields(out);
    }

    /// Fields that ended in the run just read: a hyperlink's or a
    /// cross-reference's result made a link; a page reference a link with
    /// no words, which quire fills with the page (print) or the title (EPUB).
    fn end_fields(&mut self, out: &mut Vec<Inline>) {
        for field in std::mem::take(&mut self.ended) {
            if self.in_toc() {
                continue;
            }
            let instr = field.instr.trim().to_string();
            let kind = instr
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_ascii_uppercase();
            match kind.as_str() {
                "PAGEREF" => {
                    if let Some(bookmark) = instr.split_whitespace().nth(1) {
                        out.push(Inline::Link {
                            target: Target::Internal {
                                doc: String::new(),
                                id: Some(bookmark.trim_matches('"').to_string()),
                            },
                            content: Vec::new(),
                        });
                    }
                }
                "HYPERLINK" | "REF" | "NOTEREF" => {
                    let start = field.start.unwrap_or(out.len()).min(out.len());
                    let result: Vec<Inline> = out.drain(start..).collect();
                    out.extend(field_result(&instr, result));
                }
                _ => {}
            }
        }
    }

    /// One piece of a run: text, a break, a note reference, a picture, a field's mark.
    fn run_piece(&mut self, child: &Node<'_, '_>, para: &mut Para, content: &mut Vec<Inline>) {
        let ns = child.tag_name().namespace();
        let local = child.tag_name().name();
        if ns == Some(W) {
            match local {
                "fldChar" => match child.attribute((W, "fldCharType")) {
                    Some("begin") => self.fields.push(Field {
                        instr: String::new(),
                        result: false,
                        start: None,
                    }),
                    Some("separate") => {
                        if let Some(f) = self.fields.last_mut() {
                            f.result = true;
                        }
                    }
                    Some("end") => {
                        if let Some(field) = self.fields.pop() {
                            self.ended.push(field);
                        }
                    }
                    _ => {}
                },
                "instrText" => {
                    if let Some(f) = self.fields.last_mut() {
                        f.instr.push_str(child.text().unwrap_or(""));
                    }
                }
                _ if self.hidden_by_field() => {}
                "t" => content.push(Inline::Text(child.text().unwrap_or("").to_string())),
                "tab" | "ptab" => content.push(Inline::Text(" ".into())),
                "br" => match child.attribute((W, "type")) {
                    Some("page") => {
                        if !para.seen_text && is_blank(content) {
                            para.new_page = true;
                        } else {
                            para.breaks_page = true;
                        }
                    }
                    Some("column") => {}
                    _ => content.push(Inline::LineBreak),
                },
                "cr" => content.push(Inline::LineBreak),
                "noBreakHyphen" => content.push(Inline::Text("\u{2011}".into())),
                "softHyphen"
                | "lastRenderedPageBreak"
                | "footnoteRef"
                | "endnoteRef"
                | "separator"
                | "continuationSeparator" => {}
                "sym" => {
                    let code = child
                        .attribute((W, "char"))
                        .and_then(|c| u32::from_str_radix(c, 16).ok());
                    let font = child.attribute((W, "font")).unwrap_or("").to_lowercase();
                    // Symbol and Wingdings draw their own glyphs at these codes.
                    let char = code
                        .filter(|_| {
                            !font.contains("symbol")
                                && !font.contains("wingdings")
                                && !font.contains("webdings")
                        })
                        .and_then(|c| char::from_u32(if c >= 0xF000 { c - 0xF000 } else { c }));
                    match char {
                        Some(c) => content.push(Inline::Text(c.to_string())),
                        None => self.report.warn(
                            format!("a symbol from the {font} font is not carried"),
                            &para.place_now(self.paragraphs),
                            "type the character itself (Unicode) instead of a symbol font's",
                            0,
                        ),
                    }
                }
                "footnoteReference" | "endnoteReference" => {
                    let footnote = local == "footnoteReference";
                    if let Some(id) = child.attribute((W, "id")) {
                        let index = self.note(footnote, id);
                        content.push(Inline::Note(index));
                    }
                }
                "commentReference" => self.comments += 1,
                "drawing" => self.drawing(child, para),
                "pict" => self.pict(child, para),
                "object" => self.report.warn(
                    "an embedded object (a chart, an equation, a file) is not carried",
                    &para.place_now(self.paragraphs),
                    "save it as a picture (PNG) and insert the picture instead",
                    0,
                ),
                "delText" => {}
                _ => {}
            }
        }
    }

    /// The note with this id, read (once) into the book's notes.
    fn note(&mut self, footnote: bool, id: &str) -> usize {
        if let Some(&index) = self.note_ids.get(&(footnote, id.to_string())) {
            return index;
        }
        let index = self.notes.len();
        self.note_ids.insert((footnote, id.to_string()), index);
        self.notes.push(Vec::new());
        let items = if footnote {
            self.footnotes.get(id).cloned()
        } else {
            self.endnotes.get(id).cloned()
        }
        .unwrap_or_default();
        let blocks = self.blocks(items, &mut HashMap::new(), &[]);
        self.notes[index] = blocks;
        index
    }

    /// A DrawingML picture (inline or floating) or text box.
    fn drawing(&mut self, node: &Node<'_, '_>, para: &mut Para) {
        let props = node.descendants().find(|n| is(n, WP, "docPr"));
        let alt = props
            .and_then(|p| {
                p.attribute("descr")
                    .filter(|d| !d.trim().is_empty())
                    .or_else(|| p.attribute("title"))
            })
            .map(|a| tree::collapse_space(a).trim().to_string())
            .unwrap_or_default();
        let decorative = props.is_some_and(|p| {
            p.descendants().any(|n| {
                n.tag_name().name() == "decorative"
                    && n.attribute("val").is_none_or(|v| v == "1" || v == "true")
            })
        });
        if let Some(blip) = node.descendants().find(|n| is(n, DRAWING, "blip")) {
            let rid = blip
                .attribute((R, "embed"))
                .or_else(|| blip.attribute((R, "link")));
            let path = self.picture(rid);
            para.images.push((path, alt, decorative));
            return;
        }
        self.text_box(node, para);
    }

    /// A VML picture or text box (older files).
    fn pict(&mut self, node: &Node<'_, '_>, para: &mut Para) {
        if let Some(image) = node.descendants().find(|n| is(n, VML, "imagedata")) {
            let alt = node
                .descendants()
                .find(|n| is(n, VML, "shape"))
                .and_then(|s| s.attribute("alt"))
                .unwrap_or("")
                .to_string();
            let path = self.picture(image.attribute((R, "id")));
            para.images.push((path, alt, false));
            return;
        }
        self.text_box(node, para);
    }

    fn text_box(&mut self, node: &Node<'_, '_>, para: &mut Para) {
        let Some(content) = node.descendants().find(|n| is(n, W, "txbxContent")) else {
            return;
        };
        let saved = self.paragraphs;
        let items = self.items(&content);
        self.paragraphs = saved;
        let mut words = 0;
        for item in items {
            if let Item::Para(p) = item {
                words += count_words(&p.text());
                para.boxes.push(p);
            }
        }
        if words > 0 {
            self.report.warn(
                "a text box is set as paragraphs after the paragraph it is anchored in",
                &para.place_now(self.paragraphs),
                "quire has no floating boxes; move the text where it belongs",
                0,
            );
        }
    }

    /// A picture by its relationship id: written into images/, or why not.
    fn picture(&mut self, rid: Option<&str>) -> Result<String, String> {
        let Some((target, external)) = rid.and_then(|r| self.rels.get(r)).cloned() else {
            return Err("its file is not in the document".into());
        };
        if external {
            return Err(format!("{target} is linked, not embedded"));
        }
        if let Some(done) = self.images.placed(&target) {
            return done;
        }
        let result = match self.archive.bytes(&target) {
            Ok(Some(bytes)) => self.images.add(&target, &target, bytes),
            Ok(None) => Err(format!("{target} is missing from the document")),
            Err(e) => Err(e.message),
        };
        self.images.remember(&target, result.clone());
        result
    }

    /// Items made into blocks: lists nested by level, quotes, verse and code
    /// gathered, pictures as figures with their captions, scene breaks.
    /// `bookmarks` collects (name → the index of the block it is in);
    /// `keys` gives each heading paragraph's key.
    fn blocks(
        &mut self,
        items: Vec<Item>,
        bookmarks: &mut HashMap<String, usize>,
        keys: &[(usize, u32)],
    ) -> Vec<Block> {
        let mut out: Vec<Block> = Vec::new();
        let mut list: Vec<ListFrame> = Vec::new();
        // The indents of the open list levels, outermost first.
        let mut list_indents: Vec<i32> = Vec::new();
        let mut quote: Vec<Block> = Vec::new();
        let mut verse: Vec<Vec<Line>> = Vec::new();
        let mut code: Vec<String> = Vec::new();
        let flush = |out: &mut Vec<Block>,
                     list: &mut Vec<ListFrame>,
                     quote: &mut Vec<Block>,
                     verse: &mut Vec<Vec<Line>>,
                     code: &mut Vec<String>| {
            if let Some(block) = close_lists(list) {
                out.push(block);
            }
            if !quote.is_empty() {
                out.push(Block::Quote(std::mem::take(quote)));
            }
            verse.retain(|s| !s.is_empty());
            if !verse.is_empty() {
                out.push(Block::Verse(std::mem::take(verse)));
            }
            if !code.is_empty() {
                out.push(Block::Code(std::mem::take(code).join("\n")));
            }
        };
        for item in items {
            let para = match item {
                Item::Table(table, _) => {
                    flush(&mut out, &mut list, &mut quote, &mut verse, &mut code);
                    out.push(Block::Table(table));
                    continue;
                }
                Item::Para(p) => p,
            };
            for name in &para.bookmarks {
                bookmarks.insert(name.clone(), out.len());
            }
            let style = para.style.clone();
            let text = para.text();
            // Verse: its paragraphs are lines, an empty one between stanzas.
            if ["verse", "poem", "poetry", "stanza", "lyric"]
                .iter()
                .any(|v| style.contains(v))
            {
                if !list.is_empty() || !quote.is_empty() || !code.is_empty() {
                    let v = std::mem::take(&mut verse);
                    flush(&mut out, &mut list, &mut quote, &mut Vec::new(), &mut code);
                    verse = v;
                }
                if para.is_blank() {
                    verse.push(Vec::new());
                } else {
                    if verse.is_empty() {
                        verse.push(Vec::new());
                    }
                    let indent = (para.indent_left.max(0) / 360) as u16 * 2;
                    for line in tree::split_lines(para.inlines.clone()) {
                        verse.last_mut().expect("a stanza").push(Line {
                            indent,
                            content: line,
                        });
                    }
                }
                continue;
            }
            if !verse.is_empty() {
                flush(&mut out, &mut list, &mut quote, &mut verse, &mut code);
            }
            // Code: monospaced paragraphs, or a code style, line by line.
            let code_style = ["code", "source", "preformatted", "plain text", "macro"]
                .iter()
                .any(|c| style.contains(c));
            if (code_style || para.mono) && !para.is_blank() && para.heading.is_none() {
                if !list.is_empty() || !quote.is_empty() {
                    let c = std::mem::take(&mut code);
                    flush(&mut out, &mut list, &mut quote, &mut verse, &mut Vec::new());
                    code = c;
                }
                code.push(tree::plain(&para.inlines));
                continue;
            }
            if !code.is_empty() {
                flush(&mut out, &mut list, &mut quote, &mut verse, &mut code);
            }
            if para.is_blank() && para.boxes.is_empty() {
                // An empty centred paragraph (or one that is only a rule) between scenes.
                if para.centred || para.rule {
                    flush(&mut out, &mut list, &mut quote, &mut verse, &mut code);
                    out.push(Block::SceneBreak);
                }
                continue;
            }
            if let Some(level) = para.heading {
                flush(&mut out, &mut list, &mut quote, &mut verse, &mut code);
                let key = keys
                    .iter()
                    .find(|(n, _)| *n == para.number)
                    .map_or(u32::MAX - para.number as u32, |(_, k)| *k);
                // A heading's own bold is its style's.
                let content = tree::breaks_to_spaces(unbold(para.inlines.clone()));
                let content = self.heading_number(&para, content);
                out.push(Block::Heading {
                    level,
                    content,
                    key,
                });
                continue;
            }
            if super::html::is_scene_break_text(&text) {
                flush(&mut out, &mut list, &mut quote, &mut verse, &mut code);
                out.push(Block::SceneBreak);
                continue;
            }
            // A caption after a picture or table belongs to it.
            if style == "caption" {
                match out.last_mut() {
                    Some(Block::Figure { caption, .. })
                        if caption.is_empty() && quote.is_empty() && list.is_empty() =>
                    {
                        *caption = trim(para.inlines.clone());
                        continue;
                    }
                    Some(Block::Table(table))
                        if table.caption.is_empty() && quote.is_empty() && list.is_empty() =>
                    {
                        table.caption = trim(para.inlines.clone());
                        continue;
                    }
                    _ => {}
                }
            }
            if let Some((id, level)) = para.list.clone() {
                if !quote.is_empty() {
                    flush(&mut out, &mut Vec::new(), &mut quote, &mut verse, &mut code);
                }
                let format = self.numbering.level(&id, level).cloned();
                let ordered = format.as_ref().is_some_and(|f| !f.bullet);
                let counter = self.counters.entry((id.clone(), level)).or_insert(0);
                *counter = if *counter == 0 {
                    format.as_ref().map_or(1, |f| f.start)
                } else {
                    *counter + 1
                };
                let number = *counter;
                // Deeper levels start again under a new item.
                self.counters.retain(|(i, l), _| *i != id || *l <= level);
                if list.is_empty() {
                    list_indents.clear();
                }
                // How deep: by indent, as the page shows it.
                const SAME: i32 = 120;
                let indent = para.list_indent;
                while list_indents.last().is_some_and(|&top| top > indent + SAME) {
                    list_indents.pop();
                }
                if list_indents
                    .last()
                    .is_none_or(|&top| (top - indent).abs() > SAME)
                {
                    list_indents.push(indent);
                }
                let depth = list_indents.len() - 1;
                // A list of the other kind at the top: a new list.
                if depth == 0 && list.first().is_some_and(|f| f.ordered != ordered) {
                    flush(&mut out, &mut list, &mut quote, &mut verse, &mut code);
                    list_indents = vec![indent];
                }
                add_item(&mut list, depth, ordered, number, paragraph_blocks(&para));
                continue;
            }
            list_indents.clear();
            let quoted = ["quote", "block text", "extract", "epigraph"]
                .iter()
                .any(|q| style.contains(q))
                || (para.indent_left >= 567 && para.indent_right >= 283 && !para.centred);
            if quoted {
                if !list.is_empty() {
                    flush(&mut out, &mut list, &mut Vec::new(), &mut verse, &mut code);
                }
                quote.extend(paragraph_blocks(&para));
                self.place_images(&para, &mut quote);
                continue;
            }
            flush(&mut out, &mut list, &mut quote, &mut verse, &mut code);
            out.extend(paragraph_blocks(&para));
            self.place_images(&para, &mut out);
            for boxed in &para.boxes {
                if !boxed.is_blank() {
                    out.extend(paragraph_blocks(boxed));
                }
            }
        }
        flush(&mut out, &mut list, &mut quote, &mut verse, &mut code);
        super::html::tidy_blocks(out)
    }

    /// A paragraph's pictures, as figures after its text (or in its place
    /// when it holds nothing else).
    fn place_images(&mut self, para: &Para, out: &mut Vec<Block>) {
        let alone = is_blank(&para.inlines);
        for (path, alt, decorative) in &para.images {
            match path {
                Ok(path) => {
                    if !alone {
                        self.report.warn(
                            "a picture inside a line of text is set after its paragraph",
                            &para.place(),
                            "quire sets pictures in paragraphs of their own",
                            0,
                        );
                    }
                    if alt.is_empty() && !decorative {
                        self.report.warn(
                            "a picture has no alt text",
                            &para.place(),
                            "describe it in Word (right-click, Edit Alt Text), or in the Markdown: ![what it shows](…)",
                            0,
                        );
                    }
                    out.push(Block::Figure {
                        path: path.clone(),
                        alt: alt.clone(),
                        decorative: *decorative,
                        caption: Vec::new(),
                    });
                }
                Err(why) => self.report.warn(
                    format!("a picture is not carried: {why}"),
                    &para.place(),
                    "save it as JPEG (photographs) or PNG (drawings) and insert it again",
                    count_words(alt),
                ),
            }
        }
    }

    /// A heading's number when Word's list numbering writes it ("Chapter 1"
    /// from `Chapter %1`): put in front of the text, so quire reads it.
    fn heading_number(&mut self, para: &Para, content: Vec<Inline>) -> Vec<Inline> {
        let Some((id, level)) = para.list.clone() else {
            return content;
        };
        let Some(format) = self.numbering.level(&id, level).cloned() else {
            return content;
        };
        if format.bullet || format.text.is_empty() {
            return content;
        }
        let counter = self.counters.entry((id.clone(), level)).or_insert(0);
        *counter = if *counter == 0 {
            format.start
        } else {
            *counter + 1
        };
        let number = *counter;
        self.counters.retain(|(i, l), _| *i != id || *l <= level);
        let mut label = format.text.clone();
        for l in 1..=9u8 {
            let value = if l == level + 1 {
                formatted(number, &format.format, &self.language)
            } else {
                let other = self
                    .counters
                    .get(&(id.clone(), l - 1))
                    .copied()
                    .unwrap_or(1);
                let f = self
                    .numbering
                    .level(&id, l - 1)
                    .map_or("decimal".to_string(), |f| f.format.clone());
                formatted(other, &f, &self.language)
            };
            label = label.replace(&format!("%{l}"), &value);
        }
        let label = label.trim().to_string();
        if label.is_empty() {
            return content;
        }
        let separator = if label.ends_with(['.', ':', ')']) {
            " "
        } else {
            ": "
        };
        let mut out = vec![Inline::Text(format!("{label}{separator}"))];
        out.extend(content);
        trim(normalize(out))
    }

    /// The document's items made into the book: front pages read into
    /// book.toml, chapters at each top-level heading.
    fn book(&mut self, items: Vec<Item>, mut meta: Metadata) -> Source {
        // A table of contents is quire's to make.
        let mut toc_words = 0;
        let mut items: Vec<Item> = items
            .into_iter()
            .filter(|i| match i {
                Item::Para(p) if p.toc => {
                    toc_words += count_words(&p.text());
                    false
                }
                _ => true,
            })
            .collect();
        if toc_words > 0 {
            self.report.words_generated += toc_words;
            self.report.line(format!(
                "the document's table of contents ({toc_words} words) is left out: quire makes its own"
            ));
        }
        // Page starts: a break at the end of one paragraph starts the next's page.
        let mut starts_page = true;
        for item in &mut items {
            if let Item::Para(p) = item {
                p.new_page |= starts_page;
                starts_page = p.breaks_page;
            } else {
                starts_page = false;
            }
        }
        let has_styles = items
            .iter()
            .any(|i| matches!(i, Item::Para(p) if p.heading.is_some()));
        if !has_styles {
            let found = self.find_unstyled_headings(&mut items);
            if found > 0 {
                self.report.line(format!(
                    "no heading styles in the document: {found} chapter heading{} found from their lines (“Chapter One”, “Prologue”) set apart; style them Heading 1 in Word to be sure",
                    if found == 1 { "" } else { "s" }
                ));
            }
        }
        // Levels: the headings used, made 1, 2, 3… in order; parts with
        // chapters under them are each a file of their own.
        let mut used: Vec<u8> = items
            .iter()
            .filter_map(|i| match i {
                Item::Para(p) => p.heading,
                _ => None,
            })
            .collect();
        used.sort_unstable();
        used.dedup();
        let mut level_map: HashMap<u8, u8> = used
            .iter()
            .enumerate()
            .map(|(i, l)| (*l, (i + 1) as u8))
            .collect();
        if used.len() >= 2 {
            let top = used[0];
            let parts = items.iter().all(|i| match i {
                Item::Para(p) if p.heading == Some(top) => read_number(&p.text(), &self.language)
                    .is_some_and(|n| n.unit.is_some_and(|u| u.is_part())),
                _ => true,
            });
            if parts {
                for level in &used[1..] {
                    if let Some(l) = level_map.get_mut(level) {
                        *l = l.saturating_sub(1).max(1);
                    }
                }
            }
        }
        for item in &mut items {
            if let Item::Para(p) = item
                && let Some(level) = p.heading
            {
                p.heading = level_map.get(&level).copied();
            }
        }

        // Front pages: everything before the first top-level heading.
        let first = items
            .iter()
            .position(|i| matches!(i, Item::Para(p) if p.heading == Some(1)))
            .unwrap_or(items.len());
        let rest = items.split_off(first);
        let mut chapters: Vec<Chapter> = Vec::new();
        self.front_pages(items, &mut meta, &mut chapters);

        // Chapters: one per top-level heading.
        let mut groups: Vec<Vec<Item>> = Vec::new();
        for item in rest {
            let starts = matches!(&item, Item::Para(p) if p.heading == Some(1));
            if starts || groups.is_empty() {
                groups.push(Vec::new());
            }
            groups.last_mut().expect("a group").push(item);
        }
        let mut anchors: HashMap<(String, String), Anchor> = HashMap::new();
        let mut next_key: u32 = 0;
        for group in groups {
            // Page breaks inside a chapter have no place in quire's text
            // (its pages are its own): each is said.
            for (i, item) in group.iter().enumerate() {
                if let Item::Para(p) = item
                    && p.new_page
                    && i > 0
                    && p.heading.is_none()
                    && !p.is_blank()
                {
                    self.report.warn(
                        "a page break is not carried",
                        &p.place(),
                        "quire breaks pages itself; a new chapter wants a heading (Heading 1)",
                        0,
                    );
                }
            }
            let keys: Vec<(usize, u32)> = group
                .iter()
                .filter_map(|i| match i {
                    Item::Para(p) if p.heading.is_some() => {
                        next_key += 1;
                        Some((p.number, next_key))
                    }
                    _ => None,
                })
                .collect();
            let mut bookmarks = HashMap::new();
            let blocks = self.blocks(group, &mut bookmarks, &keys);
            let chapter = chapters.len();
            for (name, at) in bookmarks {
                // The heading the bookmark stands on or under.
                let heading =
                    blocks[..(at + 1).min(blocks.len())]
                        .iter()
                        .rev()
                        .find_map(|b| match b {
                            Block::Heading { key, .. } => Some(*key),
                            _ => None,
                        });
                let exact = matches!(blocks.get(at), Some(Block::Heading { .. }));
                anchors.insert(
                    (String::new(), name),
                    Anchor {
                        chapter,
                        heading,
                        exact,
                    },
                );
            }
            chapters.push(Chapter {
                role: Role::Body,
                what: What::Text,
                blocks,
                source: self.report.source.clone(),
                label: None,
            });
        }
        // A document with no heading at all: one chapter, the book's title over it.
        if chapters.is_empty() {
            chapters.push(Chapter {
                role: Role::Body,
                what: What::Text,
                blocks: Vec::new(),
                source: self.report.source.clone(),
                label: None,
            });
        }
        if meta.title.is_none() {
            // The first heading names the book when nothing else does.
            meta.title = chapters.iter().find_map(Chapter::title);
        }
        Source {
            meta,
            chapters,
            anchors,
            ..Source::default()
        }
    }

    /// A manuscript without heading styles: lines that name a chapter, a
    /// part or matter, short, and set apart (on a new page, centred, bold
    /// or in capitals), are its headings. A title line right after a bare
    /// "Chapter One" line joins it.
    fn find_unstyled_headings(&mut self, items: &mut [Item]) -> usize {
        let mut found = 0;
        let mut i = 0;
        while i < items.len() {
            let Item::Para(p) = &items[i] else {
                i += 1;
                continue;
            };
            let text = p.text();
            let text = text.trim();
            let words = count_words(text);
            let apart = p.new_page
                || p.centred
                || all_bold(&p.inlines)
                || (text.chars().any(char::is_alphabetic) && text.to_uppercase() == text);
            let names_chapter = read_number(text, &self.language).is_some_and(|n| n.unit.is_some());
            let names_matter = crate::resolve::structure::names_matter(text);
            if words > 0
                && words <= 12
                && apart
                && (names_chapter || names_matter)
                && !text.ends_with([',', ';'])
            {
                // "Chapter One" alone, then its title on the next short line.
                let bare = read_number(text, &self.language).is_some_and(|n| n.rest >= text.len());
                let mut content = unbold(p.inlines.clone());
                if bare
                    && let Some(Item::Para(next)) = items.get(i + 1)
                    && next.heading.is_none()
                    && count_words(&next.text()) <= 12
                    && (next.centred || all_bold(&next.inlines))
                    && read_number(next.text().trim(), &self.language)
                        .is_none_or(|n| n.unit.is_none())
                {
                    content.push(Inline::Text(": ".into()));
                    content.extend(unbold(next.inlines.clone()));
                    if let Item::Para(next) = &mut items[i + 1] {
                        next.inlines.clear();
                    }
                }
                if let Item::Para(p) = &mut items[i] {
                    p.heading = Some(1);
                    p.inlines = trim(normalize(content));
                }
                found += 1;
            }
            i += 1;
        }
        found
    }

    /// The pages before the first heading: a title page, a copyright page,
    /// a dedication and an epigraph into book.toml; anything else a file
    /// of front matter.
    fn front_pages(
        &mut self,
        items: Vec<Item>,
        meta: &mut Metadata,
        chapters: &mut Vec<Chapter>,
    ) -> usize {
        let mut pages: Vec<Vec<Item>> = Vec::new();
        for item in items {
            let starts = matches!(&item, Item::Para(p) if p.new_page);
            if starts || pages.is_empty() {
                pages.push(Vec::new());
            }
            pages.last_mut().expect("a page").push(item);
        }
        let mut read = 0;
        for page in pages {
            let mut rest: Vec<Item> = Vec::new();
            let mut lines: Vec<(String, Para)> = Vec::new();
            for item in page {
                match item {
                    Item::Para(p) if p.title || p.subtitle => {
                        let text = tree::collapse_space(&p.text()).trim().to_string();
                        if text.is_empty() {
                            continue;
                        }
                        self.report.words_generated += count_words(&text);
                        if p.title {
                            if meta.title.is_none() {
                                meta.title = Some(text);
                            } else if meta.title.as_deref() != Some(text.as_str())
                                && meta.subtitle.is_none()
                            {
                                meta.subtitle = Some(text);
                            }
                        } else if meta.subtitle.is_none() {
                            meta.subtitle = Some(text);
                        }
                        read += 1;
                    }
                    Item::Para(p) if !p.is_blank() => lines.push((p.text(), p.clone())),
                    Item::Para(_) => {}
                    other => rest.push(other),
                }
            }
            if lines.is_empty() && rest.is_empty() {
                continue;
            }
            let texts: Vec<String> = lines
                .iter()
                .map(|(t, _)| tree::collapse_space(t).trim().to_string())
                .collect();
            let all = texts.join(" ").to_lowercase();
            let words: usize = texts.iter().map(|t| count_words(t)).sum();
            // A title page's author line ("by A. Writer").
            let mut leftover: Vec<(String, Para)> = Vec::new();
            for (text, p) in lines {
                let t = tree::collapse_space(&text).trim().to_string();
                if let Some(name) = super::epub::after_words(&t, "by ") {
                    if meta.authors.is_empty() {
                        meta.authors.push(name);
                    }
                    self.report.words_generated += count_words(&t);
                    continue;
                }
                if meta.authors.iter().any(|a| a.eq_ignore_ascii_case(&t))
                    || meta
                        .title
                        .as_deref()
                        .is_some_and(|x| x.eq_ignore_ascii_case(&t))
                    || meta
                        .subtitle
                        .as_deref()
                        .is_some_and(|x| x.eq_ignore_ascii_case(&t))
                {
                    self.report.words_generated += count_words(&t);
                    continue;
                }
                leftover.push((t, p));
            }
            if leftover.is_empty() && rest.is_empty() {
                continue;
            }
            let copyright = all.contains('©')
                || all.contains("copyright")
                || all.contains("all rights reserved")
                || all.contains("isbn");
            if copyright && rest.is_empty() {
                let texts: Vec<String> = leftover.iter().map(|(t, _)| t.clone()).collect();
                let mut keys = Vec::new();
                super::epub::read_copyright(&texts, meta, &mut keys);
                self.report.words_generated += words;
                self.report.line(format!(
                    "the copyright page (paragraph {}) read into book.toml: {}",
                    leftover[0].1.number,
                    if keys.is_empty() {
                        "nothing new".to_string()
                    } else {
                        keys.join(", ")
                    }
                ));
                read += 1;
                continue;
            }
            let paras: Vec<Item> = leftover
                .into_iter()
                .map(|(_, p)| Item::Para(p))
                .chain(rest)
                .collect();
            let mut bookmarks = HashMap::new();
            let blocks = self.blocks(paras, &mut bookmarks, &[]);
            if blocks.is_empty() {
                continue;
            }
            let first_line = tree::plain_blocks(&blocks).trim().to_lowercase();
            let dedication_like = [
                "to ",
                "for ",
                "in memory",
                "in loving memory",
                "dedicated to",
            ]
            .iter()
            .any(|d| first_line.starts_with(d));
            if meta.dedication.is_none()
                && dedication_like
                && let Some(lines) = super::epub::dedication_lines(&blocks)
            {
                meta.dedication = Some(lines);
                self.report
                    .line("the dedication page read into book.toml: dedication");
                read += 1;
                continue;
            }
            if meta.epigraph.is_none()
                && let Some(epigraph) = super::epub::epigraph_parts(&blocks)
                && (epigraph.1.is_some() || matches!(blocks.first(), Some(Block::Quote(_))))
            {
                meta.epigraph = Some(epigraph);
                self.report
                    .line("the epigraph page read into book.toml: epigraph");
                read += 1;
                continue;
            }
            chapters.push(Chapter {
                role: Role::Front,
                what: What::Text,
                blocks,
                source: self.report.source.clone(),
                label: None,
            });
        }
        read
    }
}

impl Para {
    /// The place of the paragraph being read (its number is the reader's count).
    fn place_now(&self, number: usize) -> Place {
        Place::Paragraph {
            number,
            words: first_words(&tree::plain(&self.inlines), 5),
        }
    }
}

/// A field's result as inline content: a hyperlink's runs as a link, a
/// cross-reference's as a link to its bookmark.
fn field_result(instr: &str, content: Vec<Inline>) -> Vec<Inline> {
    let mut words = instr.split_whitespace();
    let kind = words.next().unwrap_or("").to_ascii_uppercase();
    let arg = |words: &mut std::str::SplitWhitespace<'_>| -> Option<String> {
        for word in words {
            if word.starts_with('\\') {
                continue;
            }
            return Some(word.trim_matches('"').to_string());
        }
        None
    };
    match kind.as_str() {
        "HYPERLINK" => {
            let rest: Vec<&str> = instr.split_whitespace().skip(1).collect();
            let local = rest.iter().position(|w| *w == "\\l");
            let target = match local {
                Some(i) => rest.get(i + 1).map(|b| Target::Internal {
                    doc: String::new(),
                    id: Some(b.trim_matches('"').to_string()),
                }),
                None => rest
                    .iter()
                    .find(|w| !w.starts_with('\\'))
                    .map(|u| Target::Web(u.trim_matches('"').to_string())),
            };
            match target {
                Some(target) => vec![Inline::Link { target, content }],
                None => content,
            }
        }
        "REF" | "NOTEREF" => match arg(&mut words) {
            Some(bookmark) => vec![Inline::Link {
                target: Target::Internal {
                    doc: String::new(),
                    id: Some(bookmark),
                },
                content,
            }],
            None => content,
        },
        _ => content,
    }
}

/// A paragraph's text as blocks (nothing, when it holds only pictures).
fn paragraph_blocks(para: &Para) -> Vec<Block> {
    let inlines = trim(para.inlines.clone());
    if is_blank(&inlines) {
        Vec::new()
    } else {
        vec![Block::Paragraph(inlines)]
    }
}

/// Bold taken off: a heading's own weight is its style's.
fn unbold(inlines: Vec<Inline>) -> Vec<Inline> {
    let mut out = Vec::with_capacity(inlines.len());
    for inline in inlines {
        match inline {
            Inline::Strong(children) => out.extend(unbold(children)),
            mut other => {
                if let Some(children) = tree::children_mut(&mut other) {
                    *children = unbold(std::mem::take(children));
                }
                out.push(other);
            }
        }
    }
    normalize(out)
}

fn all_bold(inlines: &[Inline]) -> bool {
    let inlines = trim(inlines.to_vec());
    !inlines.is_empty() && inlines.iter().all(|i| matches!(i, Inline::Strong(_)))
}

/// An open list while items are added: its kind and items.
struct ListFrame {
    ordered: bool,
    start: u32,
    items: Vec<Vec<Block>>,
}

/// Adds an item at `level`, opening and closing nested lists as the levels say.
fn add_item(
    list: &mut Vec<ListFrame>,
    level: usize,
    ordered: bool,
    number: u32,
    blocks: Vec<Block>,
) {
    let level = level.min(8);
    while list.len() > level + 1 {
        close_one(list);
    }
    if list.len() == level + 1 && list[level].ordered != ordered {
        close_one(list);
    }
    while list.len() < level + 1 {
        list.push(ListFrame {
            ordered,
            start: number,
            items: Vec::new(),
        });
    }
    list.last_mut().expect("a list").items.push(blocks);
}

/// Closes the innermost list into the last item of the one around it.
fn close_one(list: &mut Vec<ListFrame>) {
    let Some(frame) = list.pop() else {
        return;
    };
    let block = Block::List {
        ordered: frame.ordered,
        start: frame.start,
        items: frame.items,
    };
    match list.last_mut() {
        Some(parent) => match parent.items.last_mut() {
            Some(item) => item.push(block),
            None => parent.items.push(vec![block]),
        },
        None => list.push(ListFrame {
            ordered: false,
            start: 0,
            items: vec![vec![block]],
        }),
    }
}

/// Closes every open list; the outermost as a block.
fn close_lists(list: &mut Vec<ListFrame>) -> Option<Block> {
    if list.is_empty() {
        return None;
    }
    while list.len() > 1 {
        close_one(list);
    }
    let frame = list.pop()?;
    if frame.start == 0 && frame.items.len() == 1 && frame.items[0].len() == 1 {
        // A list closed past the top (a nested list with no parent item).
        return frame.items.into_iter().next()?.into_iter().next();
    }
    Some(Block::List {
        ordered: frame.ordered,
        start: frame.start.max(1),
        items: frame.items,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_numbers_in_words_and_letters() {
        assert_eq!(formatted(4, "upperRoman", "en"), "IV");
        assert_eq!(formatted(2, "lowerLetter", "en"), "b");
        assert_eq!(formatted(3, "cardinalText", "en"), "Three");
        assert_eq!(formatted(12, "decimal", "en"), "12");
    }

    #[test]
    fn fields_make_links() {
        let content = vec![Inline::Text("site".into())];
        assert_eq!(
            field_result(" HYPERLINK \"https://example.com\" ", content.clone()),
            vec![Inline::Link {
                target: Target::Web("https://example.com".into()),
                content: content.clone()
            }]
        );
        assert_eq!(
            field_result(" REF _Ref123 \\h ", content.clone()),
            vec![Inline::Link {
                target: Target::Internal {
                    doc: String::new(),
                    id: Some("_Ref123".into())
                },
                content
            }]
        );
    }
}
