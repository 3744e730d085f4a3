//! The laid-out book: pages of positioned items, in points, origin at the
//! top-left corner of the trim box, y growing downwards. The PDF writer only
//! translates this; it decides nothing.

use std::sync::Arc;

use crate::fonts::Style;
use crate::model::{BlockId, ImageId, Pt, Trim};

/// A run's glyphs, shared by the set line, the rebuild cache and the pages
/// it is drawn on: cloning counts a reference instead of copying a million
/// glyphs a build. Pushing copies only when another holder shares them.
#[derive(Debug, Clone, Default)]
pub struct Glyphs(Arc<Vec<PlacedGlyph>>);

/// Bytes of one glyph in the build cache's form of a run (see `Serialize for Glyphs`).
const PACKED_GLYPH: usize = 2 + 8 + 8 + 4 + 2;

/// A run's glyphs as one byte string of fixed-size little-endian records,
/// not a sequence of structs: the build cache holds a million of them for a
/// long book, and reads them back in one pass (about ten times faster).
impl serde::Serialize for Glyphs {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut bytes = Vec::with_capacity(self.0.len() * PACKED_GLYPH);
        for g in self.0.iter() {
            bytes.extend_from_slice(&g.id.to_le_bytes());
            bytes.extend_from_slice(&g.x.0.to_le_bytes());
            bytes.extend_from_slice(&g.advance.0.to_le_bytes());
            bytes.extend_from_slice(&g.text_start.to_le_bytes());
            bytes.extend_from_slice(&g.text_len.to_le_bytes());
        }
        serializer.serialize_bytes(&bytes)
    }
}

impl<'de> serde::Deserialize<'de> for Glyphs {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Glyphs, D::Error> {
        struct Packed;
        impl serde::de::Visitor<'_> for Packed {
            type Value = Glyphs;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                write!(f, "glyph records of {PACKED_GLYPH} bytes")
            }
            fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<Glyphs, E> {
                if bytes.len() % PACKED_GLYPH != 0 {
                    return Err(E::invalid_length(bytes.len(), &self));
                }
                let field = |record: &[u8], at: usize, len: usize| -> [u8; 8] {
                    let mut out = [0; 8];
                    out[..len].copy_from_slice(&record[at..at + len]);
                    out
                };
                let glyphs = bytes
                    .chunks_exact(PACKED_GLYPH)
                    .map(|r| PlacedGlyph {
                        id: u16::from_le_bytes([r[0], r[1]]),
                        x: Pt(f64::from_le_bytes(field(r, 2, 8))),
                        advance: Pt(f64::from_le_bytes(field(r, 10, 8))),
                        text_start: u32::from_le_bytes([r[18], r[19], r[20], r[21]]),
                        text_len: u16::from_le_bytes([r[22], r[23]]),
                    })
                    .collect();
                Ok(Glyphs(Arc::new(glyphs)))
            }
        }
        deserializer.deserialize_bytes(Packed)
    }
}

impl Glyphs {
    /// Room for `capacity` glyphs: a line's run is made with room for the
    /// rest of the line, not grown one doubling at a time (growth was a
    /// tenth of setting a long book's lines, and its slack a third of their memory).
    pub fn with_capacity(capacity: usize) -> Glyphs {
        Glyphs(Arc::new(Vec::with_capacity(capacity)))
    }

    pub fn push(&mut self, glyph: PlacedGlyph) {
        Arc::make_mut(&mut self.0).push(glyph);
    }

    /// The glyphs to write to, taken once for many pushes ([`Glyphs::push`]
    /// checks the sharing, an atomic operation, every time).
    pub fn writable(&mut self) -> &mut Vec<PlacedGlyph> {
        Arc::make_mut(&mut self.0)
    }

    /// Room reserved for glyphs and not used (the layout tests hold it small).
    pub fn spare(&self) -> usize {
        self.0.capacity() - self.0.len()
    }

    /// Gives back room a run was made with and did not use (a line of
    /// several runs reserves the whole line for its first).
    pub fn shrink_slack(&mut self) {
        if self.0.capacity() > self.0.len() + self.0.len() / 4 + 4
            && let Some(glyphs) = Arc::get_mut(&mut self.0)
        {
            glyphs.shrink_to_fit();
        }
    }
}

impl std::ops::Deref for Glyphs {
    type Target = [PlacedGlyph];
    fn deref(&self) -> &[PlacedGlyph] {
        &self.0
    }
}

impl std::ops::DerefMut for Glyphs {
    fn deref_mut(&mut self) -> &mut [PlacedGlyph] {
        Arc::make_mut(&mut self.0).as_mut_slice()
    }
}

impl From<Vec<PlacedGlyph>> for Glyphs {
    fn from(glyphs: Vec<PlacedGlyph>) -> Glyphs {
        Glyphs(Arc::new(glyphs))
    }
}

impl FromIterator<PlacedGlyph> for Glyphs {
    fn from_iter<I: IntoIterator<Item = PlacedGlyph>>(iter: I) -> Glyphs {
        Glyphs(Arc::new(iter.into_iter().collect()))
    }
}

impl<'a> IntoIterator for &'a Glyphs {
    type Item = &'a PlacedGlyph;
    type IntoIter = std::slice::Iter<'a, PlacedGlyph>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<'a> IntoIterator for &'a mut Glyphs {
    type Item = &'a mut PlacedGlyph;
    type IntoIter = std::slice::IterMut<'a, PlacedGlyph>;
    fn into_iter(self) -> Self::IntoIter {
        Arc::make_mut(&mut self.0).iter_mut()
    }
}

/// A run's text, shared like its [`Glyphs`].
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RunText(Arc<String>);

impl RunText {
    /// Room for `capacity` bytes (see [`Glyphs::with_capacity`]).
    pub fn with_capacity(capacity: usize) -> RunText {
        RunText(Arc::new(String::with_capacity(capacity)))
    }

    /// Gives back room the run did not use (see [`Glyphs::shrink_slack`]).
    pub fn shrink_slack(&mut self) {
        if self.0.capacity() > self.0.len() + self.0.len() / 4 + 8
            && let Some(text) = Arc::get_mut(&mut self.0)
        {
            text.shrink_to_fit();
        }
    }

    pub fn push(&mut self, c: char) {
        Arc::make_mut(&mut self.0).push(c);
    }

    /// The text to write to, taken once for many pushes (see [`Glyphs::writable`]).
    pub fn writable(&mut self) -> &mut String {
        Arc::make_mut(&mut self.0)
    }

    pub fn push_str(&mut self, text: &str) {
        Arc::make_mut(&mut self.0).push_str(text);
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for RunText {
    fn eq(&self, other: &str) -> bool {
        self.0.as_str() == other
    }
}

impl PartialEq<&str> for RunText {
    fn eq(&self, other: &&str) -> bool {
        self.0.as_str() == *other
    }
}

impl PartialEq<String> for RunText {
    fn eq(&self, other: &String) -> bool {
        *self.0 == *other
    }
}

impl From<RunText> for String {
    fn from(text: RunText) -> String {
        Arc::unwrap_or_clone(text.0)
    }
}

impl std::borrow::Borrow<str> for RunText {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl Extend<char> for RunText {
    fn extend<I: IntoIterator<Item = char>>(&mut self, iter: I) {
        Arc::make_mut(&mut self.0).extend(iter);
    }
}

impl std::ops::Deref for RunText {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for RunText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<String> for RunText {
    fn from(text: String) -> RunText {
        RunText(Arc::new(text))
    }
}

impl From<&str> for RunText {
    fn from(text: &str) -> RunText {
        RunText(Arc::new(text.to_string()))
    }
}

/// All pages of the print interior.
#[derive(Debug, Clone, Default)]
pub struct PagedBook {
    pub pages: Vec<Page>,
    /// PDF bookmarks: one per section in the contents.
    pub outline: Vec<OutlineEntry>,
    /// The sections as layout set them, when they differ in structure from
    /// the model's (web addresses set as footnotes add notes): the PDF's
    /// structure tree follows what the pages show.
    pub sections: Option<Arc<Vec<crate::model::Section>>>,
}

/// Which side of the spread a page is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Recto,
    Verso,
    /// A cover: a single sheet with bleed on all four edges.
    Cover,
}

/// A colour for text and fills, in RGB from 0 to 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rgb(pub [f32; 3]);

impl Rgb {
    pub const BLACK: Rgb = Rgb([0.0, 0.0, 0.0]);
    pub const WHITE: Rgb = Rgb([1.0, 1.0, 1.0]);

    pub const fn hex(rgb: u32) -> Rgb {
        Rgb([
            ((rgb >> 16) & 0xff) as f32 / 255.0,
            ((rgb >> 8) & 0xff) as f32 / 255.0,
            (rgb & 0xff) as f32 / 255.0,
        ])
    }
}

#[derive(Debug, Clone)]
pub struct Page {
    /// The printed folio label (`iii`, `12`), whether or not it is shown.
    pub folio: String,
    pub side: Side,
    pub trim: Trim,
    /// Bleed added on the top, bottom and outside edge (zero without bleed).
    pub bleed: Pt,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone)]
pub enum Item {
    Glyphs(GlyphRun),
    /// A filled rectangle (cover backgrounds, the barcode's clear area).
    Fill {
        x: Pt,
        y: Pt,
        width: Pt,
        height: Pt,
        color: Rgb,
    },
    /// A filled outline (a drop cap's initial, drawn as a shape so that its
    /// text is read from a hidden copy in the line): closed rings of points
    /// in trim coordinates, each point marked when it is a Bézier control point.
    Path {
        rings: Vec<Vec<(Pt, Pt, bool)>>,
        color: Rgb,
    },
    Rule {
        x1: Pt,
        y1: Pt,
        x2: Pt,
        y2: Pt,
        width: Pt,
    },
    Image {
        image: ImageId,
        x: Pt,
        y: Pt,
        width: Pt,
        height: Pt,
        /// A figure's image, or an artifact when it is decorative.
        mark: Mark,
    },
}

impl Item {
    /// What the item is to a reader: rules, fills and outlines (a drop cap's
    /// drawn initial, whose letter is read from its hidden copy) are never text.
    pub fn mark(&self) -> Mark {
        match self {
            Item::Glyphs(run) => run.mark,
            Item::Image { mark, .. } => *mark,
            Item::Fill { .. } | Item::Path { .. } | Item::Rule { .. } => Mark::Artifact,
        }
    }
}

/// What a page item is to a reader, as layout knows it: the PDF writer tags
/// each item's content with it (marked content under the block's structure
/// element, or an artifact) without guessing from the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Mark {
    /// Not read: running heads, folios, rules, ornaments, a drop cap's drawn
    /// initial, a table header set again on a later page, a hyphen added at a
    /// line's end, leader dots, a decorative image.
    #[default]
    Artifact,
    /// Part of a block of the model.
    Block(BlockId, Part),
}

/// Which part of its block a marked item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    /// The block's own text or image.
    Text,
    /// A list item's marker or a footnote's number: the block is the item's or the note's first.
    Label,
    /// A chapter's label over its title ("Chapter One"): the block is the section's first.
    ChapterLabel,
    /// A footnote reference in the text: the note's index in its section.
    NoteRef(u32),
    /// A table's cell: the row (the header is row 0 when there is one) and the column.
    Cell(u32, u32),
    /// A figure's or a table's caption.
    Caption,
    /// An entry of the contents, by its index.
    Entry(u32),
    /// A link's words: its place among the block's links (see `model::links`).
    Link(u32),
    /// A passage in another language (`[mot]{lang=fr}`), by its tag's
    /// `model::language_key`: tagged as a `Span` with its `/Lang`.
    Language(u32),
}

/// Shaped glyphs on one baseline in one face and size.
#[derive(Debug, Clone)]
pub struct GlyphRun {
    pub style: Style,
    pub size: Pt,
    /// Start of the baseline.
    pub x: Pt,
    pub y: Pt,
    pub glyphs: Glyphs,
    /// The text the glyphs show (for the PDF's text layer and for tests).
    pub text: RunText,
    pub color: Rgb,
    /// Clockwise rotation about the start of the baseline, in degrees (spine text: 90).
    pub rotation: f32,
    /// Text for readers and search only, drawn invisibly (a drop cap's letter, whose shape is a path).
    pub hidden: bool,
    /// What the run is to a reader (its block, or an artifact).
    pub mark: Mark,
    /// Drawn slanted, as an oblique: an italic word's character from an
    /// upright fallback face (the PDF's text matrix skews it).
    pub slant: bool,
}

impl GlyphRun {
    /// A run's text with a space wherever its glyphs leave a word space's gap
    /// (a justified line's runs hold its words, the spaces being only distance),
    /// as a PDF reader finds the words.
    pub fn spaced_text(&self) -> String {
        let run = self;
        let text = run.text.as_str();
        let mut out = String::with_capacity(text.len() + 16);
        let mut end: Option<f64> = None;
        let mut taken = 0;
        for glyph in &run.glyphs {
            let start = glyph.text_start as usize;
            let stop = (start + glyph.text_len as usize).min(text.len());
            if let Some(end) = end
                && glyph.x.0 - end > run.size.0 * 0.12
                && !out.ends_with(' ')
            {
                out.push(' ');
            }
            if start >= taken && text.is_char_boundary(start) && text.is_char_boundary(stop) {
                out.push_str(&text[start..stop]);
                taken = stop;
            }
            end = Some(glyph.x.0 + glyph.advance.0);
        }
        if taken < text.len() && text.is_char_boundary(taken) {
            out.push_str(&text[taken..]);
        }
        out
    }
}

/// A glyph at its final horizontal position (relative to the run's start).
#[derive(Debug, Clone, Copy)]
pub struct PlacedGlyph {
    pub id: u16,
    pub x: Pt,
    /// The shaped advance (kerning included).
    pub advance: Pt,
    /// Byte range in the run's text that this glyph shows (ligatures cover several chars).
    pub text_start: u32,
    pub text_len: u16,
}

#[derive(Debug, Clone)]
pub struct OutlineEntry {
    pub title: String,
    /// Index into `PagedBook::pages`.
    pub page: usize,
    pub level: u8,
}

/// Typographic facts measured from the layout itself.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub pages: usize,
    pub lines: usize,
    pub widows: usize,
    pub orphans: usize,
    pub hyphenated_lines: usize,
    pub longest_hyphen_run: usize,
    pub overfull_lines: usize,
    pub headings_at_foot: usize,
    /// Loosest and tightest justified lines: word space as a ratio of the natural space.
    pub loosest_space_ratio: f64,
    pub tightest_space_ratio: f64,
    /// Word spaces of justified lines: 95th percentile and maximum, in ems.
    pub space_p95_em: f64,
    pub space_max_em: f64,
    /// Pages whose last line ends with a hyphen.
    pub hyphens_at_page_foot: usize,
    /// Facing pages that end at different depths (folios and depths).
    pub unequal_spreads: Vec<String>,
    /// Justified lines with at least three word spaces (the lines word
    /// spacing is measured on, as an outside measure reads them from the PDF).
    pub full_lines: usize,
    /// The 95th percentile of those lines' mean word space, in ems.
    pub line_space_p95_em: f64,
    /// Those lines whose mean word space is 0.4 em or more, and 0.5 em or more.
    pub lines_at_least_04_em: usize,
    pub lines_at_least_05_em: usize,
    /// Pages inside a section (not its opening or last page) short of the full
    /// depth: (lines short, pages), fewest lines first.
    pub short_pages: Vec<(u32, usize)>,
    /// Paragraphs set a line longer or shorter to fill pages.
    pub reshaped_paragraphs: usize,
    /// Folios of the pages those paragraphs are on.
    pub reshaped_pages: Vec<String>,
    /// The body measure in ems of the body size (a novel's is near 30).
    pub measure_em: f64,
    /// The loosest full line: its page's folio, mean word space (em) and text.
    pub loosest_line: Option<(String, f64, String)>,
    /// Justified lines whose word spaces are shrunk to the limit.
    pub tight_lines: usize,
    /// Each counted fault at its place, for the preview to draw on the page.
    pub findings: Vec<Finding>,
}

/// One fault the report counts, where it is: `quire check` counts these,
/// `quire serve` draws them on the page.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub kind: FindingKind,
    /// Index into the book's pages.
    pub page: usize,
    /// The grid line on the page, for a fault of one line.
    pub grid: Option<u32>,
    /// What is wrong, in words (with the line's text when there is one).
    pub detail: String,
}

/// The kinds of [`Finding`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FindingKind {
    OverfullLine,
    LooseLine,
    TightLine,
    Widow,
    Orphan,
    HeadingAtFoot,
    HyphenAtFoot,
    HyphenRun,
    ShortPage,
    UnequalSpread,
    LowResolution,
    OutsideMargins,
    /// A link to a file or id the book does not have (its words set as text).
    DeadLink,
}

impl FindingKind {
    pub const ALL: [FindingKind; 13] = [
        FindingKind::OverfullLine,
        FindingKind::LooseLine,
        FindingKind::TightLine,
        FindingKind::Widow,
        FindingKind::Orphan,
        FindingKind::HeadingAtFoot,
        FindingKind::HyphenAtFoot,
        FindingKind::HyphenRun,
        FindingKind::ShortPage,
        FindingKind::UnequalSpread,
        FindingKind::LowResolution,
        FindingKind::OutsideMargins,
        FindingKind::DeadLink,
    ];

    /// A short key for scripts and style sheets: `widow`, `loose-line`.
    pub fn key(self) -> &'static str {
        match self {
            FindingKind::OverfullLine => "overfull-line",
            FindingKind::LooseLine => "loose-line",
            FindingKind::TightLine => "tight-line",
            FindingKind::Widow => "widow",
            FindingKind::Orphan => "orphan",
            FindingKind::HeadingAtFoot => "heading-at-foot",
            FindingKind::HyphenAtFoot => "hyphen-at-foot",
            FindingKind::HyphenRun => "hyphen-run",
            FindingKind::ShortPage => "short-page",
            FindingKind::UnequalSpread => "unequal-spread",
            FindingKind::LowResolution => "low-resolution",
            FindingKind::OutsideMargins => "outside-margins",
            FindingKind::DeadLink => "dead-link",
        }
    }
}

/// A justified line's word spaces are shrunk this far (or further) toward
/// the limit of a third of a space: the line is tight.
pub const TIGHT_RATIO: f64 = -0.95;

/// The narrowest measure, in ems, held to the novel's hyphenation limit: a
/// narrower one needs more hyphens for even spacing, as typographers accept.
pub const HYPHEN_LIMIT_MEASURE_EM: f64 = 28.0;

impl Report {
    /// Hyphenated line ends as a share of all lines, in per cent.
    pub fn hyphenated_share(&self) -> f64 {
        if self.lines == 0 {
            0.0
        } else {
            100.0 * self.hyphenated_lines as f64 / self.lines as f64
        }
    }

    /// Pages two or more lines short inside a section.
    pub fn pages_short_by_two_or_more(&self) -> usize {
        self.short_pages
            .iter()
            .filter(|(short, _)| *short >= 2)
            .map(|(_, n)| n)
            .sum()
    }
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let short = if self.short_pages.is_empty() {
            "none".to_string()
        } else {
            self.short_pages
                .iter()
                .map(|(lines, pages)| format!("{pages} by {lines}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let rows: [(&str, String); 17] = [
            ("pages", self.pages.to_string()),
            ("lines", self.lines.to_string()),
            ("widows", self.widows.to_string()),
            ("orphans", self.orphans.to_string()),
            (
                "hyphenated line ends",
                format!(
                    "{} ({:.1} % of lines)",
                    self.hyphenated_lines,
                    self.hyphenated_share()
                ),
            ),
            ("longest hyphen run", self.longest_hyphen_run.to_string()),
            (
                "hyphens at a page foot",
                self.hyphens_at_page_foot.to_string(),
            ),
            ("overfull lines", self.overfull_lines.to_string()),
            ("headings at a page foot", self.headings_at_foot.to_string()),
            (
                "loosest word space",
                format!("{:.2} of natural", self.loosest_space_ratio),
            ),
            (
                "tightest word space",
                format!("{:.2} of natural", self.tightest_space_ratio),
            ),
            (
                "word space, 95th pct",
                format!(
                    "{:.3} em (max {:.3} em)",
                    self.space_p95_em, self.space_max_em
                ),
            ),
            (
                "full lines, mean space p95",
                format!(
                    "{:.3} em over {} lines",
                    self.line_space_p95_em, self.full_lines
                ),
            ),
            (
                "lines spaced ≥ 0.4 / 0.5 em",
                format!(
                    "{} / {}",
                    self.lines_at_least_04_em, self.lines_at_least_05_em
                ),
            ),
            ("short pages (mid-section)", short),
            (
                "paragraphs reshaped",
                if self.reshaped_pages.is_empty() {
                    self.reshaped_paragraphs.to_string()
                } else {
                    format!(
                        "{} (pages {})",
                        self.reshaped_paragraphs,
                        self.reshaped_pages.join(", ")
                    )
                },
            ),
            (
                "unequal facing pages",
                self.unequal_spreads.len().to_string(),
            ),
        ];
        write!(f, "print layout report")?;
        for (label, value) in rows {
            write!(f, "\n  {label:<28} {value}")?;
        }
        for spread in &self.unequal_spreads {
            write!(f, "\n    {spread}")?;
        }
        if let Some((folio, mean, text)) = &self.loosest_line {
            let shown: String = text.chars().take(60).collect();
            write!(
                f,
                "\n  {:<28} p. {folio}, {mean:.3} em: {shown}",
                "loosest full line"
            )?;
        }
        Ok(())
    }
}
