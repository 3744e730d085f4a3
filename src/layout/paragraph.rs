//! Setting one paragraph: inline content → shaped words → boxes, glue and
//! penalties (with hyphenation points and the breaks after explicit hyphens
//! and dashes) → line breaks (optimum fit, with looser retries and a
//! first-fit last resort) → lines of positioned glyphs. Each line remembers
//! where in the block's text it starts, for the page map.

mod items;
mod lines;
mod segments;

use items::*;
pub use lines::is_runt;
use lines::*;
pub use segments::capitals;

use std::sync::Arc;

use super::frame::PlacedGlyph;
use super::hyphenate::Hyphenator;
use super::linebreak::{self, Break, Hang, INFINITY, Item, Params};
use super::shape::{Features, Shaper, Word};
use crate::fonts::Style;
use crate::model::style::Case;
use crate::model::{Inline, Pt, TextMark};

/// How lines are aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Justify,
    Left,
    Center,
    /// Ranged right (table figures).
    Right,
}

/// How to set a paragraph.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParaStyle {
    pub style: Style,
    pub size: Pt,
    pub align: Align,
    /// Width available to the lines.
    pub measure: Pt,
    /// Extra indent of the first line.
    pub first_indent: Pt,
    pub hyphenate: bool,
    /// Draft mode: first fit instead of optimum fit.
    pub draft: bool,
    /// How the letters are cased (capitals, small capitals).
    pub case: Case,
    /// Letter-spacing, in ems of the size (spaced capitals).
    pub tracking: f64,
    /// The first `wrap.0` lines are this much narrower and start this far in
    /// (the lines beside a drop cap).
    pub wrap: (u32, Pt),
}

impl ParaStyle {
    /// Unhyphenated text without a first-line indent (display lines, heads, covers).
    pub fn plain(style: Style, size: Pt, align: Align, measure: Pt) -> ParaStyle {
        ParaStyle {
            style,
            size,
            align,
            measure,
            first_indent: Pt::ZERO,
            hyphenate: false,
            draft: false,
            case: Case::AsWritten,
            tracking: 0.0,
            wrap: (0, Pt::ZERO),
        }
    }

    /// The same, cased and letter-spaced.
    pub fn cased(self, case: Case, tracking: f64) -> ParaStyle {
        ParaStyle {
            case,
            tracking,
            ..self
        }
    }
}

/// A run of glyphs in one face, size and baseline shift, within a line.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct LineRun {
    pub style: Style,
    pub size: Pt,
    /// Raise above the baseline (superscript note references).
    pub rise: Pt,
    /// Struck through (a rule drawn through the run).
    pub strike: bool,
    /// Invisible text (the words of something drawn as a shape).
    pub hidden: bool,
    pub x: Pt,
    pub glyphs: super::frame::Glyphs,
    pub text: super::frame::RunText,
    /// What the run is in its block, for the PDF's tags.
    pub role: RunRole,
    /// Drawn slanted (an italic word's character from an upright fallback face).
    pub slant: bool,
}

/// What a run of a line is within the block the line belongs to (the block
/// itself is the line's, known where the line is placed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum RunRole {
    /// The block's text.
    #[default]
    Text,
    /// A list item's marker or a footnote's number.
    Label,
    /// A footnote reference: the note's index in its section.
    NoteRef(u32),
    /// The words of a link (a web address or a cross-reference): the link's
    /// place among the block's links, in reading order.
    Link(u32),
    /// A passage in another language: its tag's [`crate::model::language_key`].
    Language(u32),
    /// Not read: a hyphen added at the line's end, leader dots.
    Artifact,
}

/// One set line.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Line {
    pub runs: Vec<LineRun>,
    /// Horizontal offset of the line within the measure (alignment).
    pub x: Pt,
    /// Width the line occupies.
    pub width: Pt,
    /// Character offset, in the block's text, of the first character on the line.
    pub start: u32,
    /// Adjustment ratio (justified lines); 0 for natural spacing.
    pub ratio: f64,
    pub hyphenated: bool,
    /// Word spaces on the line, in ems (justified lines other than the last).
    pub spaces_em: Vec<f32>,
    /// Wider than the measure even at full shrink.
    pub overfull: bool,
    /// Footnotes referenced on the line (indexes into the section's notes).
    pub notes: Vec<u32>,
    /// Filled outlines drawn with the line (a drop cap), in points from the
    /// line's start and baseline (y down), Bézier control points marked.
    pub outlines: Vec<Vec<(f64, f64, bool)>>,
}

impl LineRun {
    /// Gives back the room the run was made with and did not use.
    fn shrink_slack(&mut self) {
        self.glyphs.shrink_slack();
        self.text.shrink_slack();
    }
}

impl Line {
    /// A line with nothing on it (a blank line between paragraphs).
    pub fn empty() -> Line {
        Line {
            runs: Vec::new(),
            x: Pt::ZERO,
            width: Pt::ZERO,
            start: 0,
            ratio: 0.0,
            hyphenated: false,
            spaces_em: Vec::new(),
            overfull: false,
            notes: Vec::new(),
            outlines: Vec::new(),
        }
    }

    /// The line's text, for the report, dumps and tests (word spaces from
    /// the gaps between glyphs). Every line of the book is asked for it, so
    /// glyphs showing consecutive text are copied as one slice.
    pub fn text(&self) -> String {
        let mut out = String::with_capacity(self.runs.iter().map(|r| r.text.len() + 4).sum());
        let mut previous_end: Option<f64> = None;
        for run in &self.runs {
            let text = run.text.as_str();
            let is_space = |g: &PlacedGlyph| {
                g.text_len == 1 && text.as_bytes().get(g.text_start as usize) == Some(&b' ')
            };
            // Letter-spaced text: a word space is a gap wider than the letters' own.
            let mut narrowest: Option<f64> = None;
            for pair in run.glyphs.windows(2) {
                if !is_space(&pair[0]) && !is_space(&pair[1]) {
                    let gap = pair[1].x.0 - (pair[0].x.0 + pair[0].advance.0);
                    narrowest = Some(narrowest.map_or(gap, |n| n.min(gap)));
                }
            }
            let tracking = narrowest.map_or(0.0, |gap| gap.clamp(0.0, run.size.0 * 0.5));
            let word_gap = run.size.0 * 0.12 + tracking;
            // The glyphs not yet copied: from this one, these bytes.
            let mut pending: Option<(usize, usize, usize)> = None;
            for (i, g) in run.glyphs.iter().enumerate() {
                let left = run.x.0 + g.x.0;
                let space = previous_end.is_some_and(|end| left - end > word_gap);
                let start = g.text_start as usize;
                let end = start + g.text_len as usize;
                pending = match pending {
                    Some((first, from, to))
                        if !space && to == start && text.is_char_boundary(start) =>
                    {
                        Some((first, from, end))
                    }
                    _ => {
                        copy_glyph_text(&mut out, run, pending, i);
                        if space {
                            out.push(' ');
                        }
                        Some((i, start, end))
                    }
                };
                previous_end = Some(left + g.advance.0);
            }
            copy_glyph_text(&mut out, run, pending, run.glyphs.len());
        }
        // The space a line ends with when the paragraph goes on is not its text.
        out.truncate(out.trim_end_matches(' ').len());
        out
    }
}

/// The text of `run`'s glyphs from `pending`'s first to `upto`, whose bytes
/// are `pending`'s range: in one piece, or glyph by glyph when the range is
/// not whole characters (a glyph whose range is not shows nothing).
fn copy_glyph_text(
    out: &mut String,
    run: &LineRun,
    pending: Option<(usize, usize, usize)>,
    upto: usize,
) {
    let Some((first, from, to)) = pending else {
        return;
    };
    let text = run.text.as_str();
    match text.get(from..to) {
        Some(piece) => out.push_str(piece),
        None => {
            for g in &run.glyphs[first..upto] {
                let start = g.text_start as usize;
                out.push_str(text.get(start..start + g.text_len as usize).unwrap_or(""));
            }
        }
    }
}

/// A piece of styled text to set.
#[derive(Debug, Clone)]
struct Segment<'a> {
    /// Borrowed from the model, or made for print (a link's address).
    text: std::borrow::Cow<'a, str>,
    style: Style,
    size: Pt,
    rise: Pt,
    strike: bool,
    /// Character offset of `text` in the block's text (as the page map counts).
    offset: u32,
    note: Option<u32>,
    /// Counts towards page positions (note markers do not).
    counted: bool,
    /// A note reference: the size and rise to set it at in the face's
    /// superior figures, where it has them (`size` and `rise` then say how to
    /// scale and raise ordinary figures instead).
    superior: Option<(Pt, Pt)>,
    /// OpenType features to shape with (small capitals, figures).
    features: Features,
    /// Space added between letters, in points.
    tracking: f64,
    /// Inside a link: its place among the block's links.
    link: Option<u32>,
    /// Inside a passage in another language: its tag's key.
    lang: Option<u32>,
}

/// A place inside a word where a line may break.
#[derive(Debug, Clone, Copy, PartialEq)]
enum BreakKind {
    /// A hyphenation point: a hyphen is added if the line breaks here.
    Hyphen { capitalised: bool },
    /// After a hyphen or dash the author wrote.
    Explicit { hyphen: bool },
    /// Between characters of Chinese, Japanese or Korean, where Unicode's
    /// line-breaking rules (UAX #14) allow it: no hyphen, and the gap
    /// takes a justified line's slack.
    Ideographic,
}

#[derive(Debug, Clone, Copy)]
struct BreakPoint {
    glyph: u32,
    chars_before: u32,
    kind: BreakKind,
}

/// A shaped word with its break points, as cached.
#[derive(Debug)]
struct Prepared {
    word: Arc<Word>,
    text: Box<str>,
    points: Box<[BreakPoint]>,
    /// [`letter_stretch`] of the word.
    letter_stretch: f64,
    /// The advances of all the word's glyphs, in font units, summed in
    /// order (a piece that is the whole word, most of them, is this wide).
    advance: f64,
    /// The word's glyph count, units per em and direction, copied here:
    /// making a whole word's item then reads only this entry (reaching the
    /// shared word for them was a tenth of making the items).
    glyph_count: usize,
    units_per_em: f32,
    rtl: bool,
    /// How far the whole word hangs into the left and right margins, in
    /// font units before its scale ([`Setter::hang`]'s share of its first
    /// and last glyph's advance).
    hang_units: [f64; 2],
}

impl Prepared {
    /// A word set whole, never broken (superior figures, a verbatim line).
    fn unbroken(word: Arc<Word>, text: &str) -> Arc<Prepared> {
        Arc::new(Prepared::new(word, text, Box::new([])))
    }

    fn new(word: Arc<Word>, text: &str, points: Box<[BreakPoint]>) -> Prepared {
        let hang_units =
            |glyph: Option<&crate::layout::shape::Glyph>, share: fn(char) -> f64| match glyph {
                Some(glyph) if !word.rtl => text
                    .get(glyph.cluster as usize..)
                    .and_then(|rest| rest.chars().next())
                    .map_or(0.0, |c| share(c) * glyph.advance as f64),
                _ => 0.0,
            };
        Prepared {
            hang_units: [
                hang_units(word.glyphs.first(), items::left_hang),
                hang_units(word.glyphs.last(), items::right_hang),
            ],
            advance: advance_sum(&word.glyphs),
            letter_stretch: items::letter_stretch(text),
            glyph_count: word.glyphs.len(),
            units_per_em: word.units_per_em,
            rtl: word.rtl,
            word,
            text: text.into(),
            points,
        }
    }
}

/// Glyphs' advances in font units, summed in order: a piece's width is
/// this times its scale (the same sum, so the same bits, wherever it is taken).
fn advance_sum(glyphs: &[crate::layout::shape::Glyph]) -> f64 {
    glyphs.iter().map(|g| g.advance as f64).sum::<f64>()
}

/// Per face, unhyphenated and hyphenated.
type PreparedCache = Vec<[rustc_hash::FxHashMap<Box<str>, Arc<Prepared>>; 2]>;

/// A paragraph set a line longer or shorter than its best: the looseness
/// (+1, −1), the lines and the demerits that adds, for each that can be set.
pub type Loosened = Vec<(i32, Vec<Line>, f64)>;

/// Drawing data for one box.
#[derive(Debug, Clone)]
struct Piece {
    /// The shaped word it is part of, with its text: one reference to a
    /// worker's own cache entry (the word's own [`Arc`] is shared by the
    /// workers, and counting its references from both cores was a fifth
    /// of making the items).
    source: Arc<Prepared>,
    glyphs: std::ops::Range<usize>,
    style: Style,
    size: Pt,
    rise: Pt,
    strike: bool,
    offset: u32,
    note: Option<u32>,
    /// Space added after each glyph but a word's last, in points.
    tracking: f64,
    /// Inside a link: its place among the block's links.
    link: Option<u32>,
    /// Inside a passage in another language: its tag's key.
    lang: Option<u32>,
    /// Its bidi embedding level (UAX #9): even left to right, odd right to left.
    level: u8,
}

impl Piece {
    fn word(&self) -> &Word {
        &self.source.word
    }

    /// The whole word's text (a piece of it shows its glyphs' clusters).
    fn text(&self) -> &str {
        &self.source.text
    }

    /// How far apart the word's letters may go at full stretch, in ems
    /// ([`letter_stretch`] of the whole word, found once for all its pieces).
    fn letter_stretch(&self) -> f64 {
        self.source.letter_stretch
    }
}

/// What the paragraph builder needs besides the text.
pub struct Setter<'s, 'f> {
    pub shaper: &'s mut Shaper<'f>,
    pub hyphenator: &'s mut Hyphenator,
    /// Characters a face lacks, with the style: reported by the caller.
    pub missing: Vec<(char, Style)>,
    /// Characters taken from a fallback face, with that face.
    pub fell_back: Vec<(char, Style)>,
    /// Words wider than the measure that had to be broken.
    pub broken_words: Vec<String>,
    prepared: PreparedCache,
    /// Paragraphs set by an earlier build, when rebuilding.
    reuse: Option<std::sync::Arc<ParagraphCache>>,
    /// Paragraphs of this build (set or reused), for the next one.
    pub fresh: Vec<(u64, Arc<[Line]>)>,
    /// What the whole book sets its text with.
    pub book: BookSettings,
    /// The place among its block's links of the first link in the content
    /// set next: a block set in pieces (a stanza by its lines, a table by its
    /// cells) numbers its links through, so each is known by its block and place.
    pub link_base: u32,
}

/// Set paragraphs from earlier builds, by a hash of their content and
/// setting; and body sections paginated and composed, by a hash of the
/// section and of everything book-wide its pages depend on.
#[derive(Debug, Default, Clone)]
pub struct ParagraphCache {
    lines: rustc_hash::FxHashMap<u64, Arc<[Line]>>,
    pub(crate) sections: rustc_hash::FxHashMap<u64, Arc<super::SectionPages>>,
}

impl ParagraphCache {
    pub fn get(&self, key: u64) -> Option<&Arc<[Line]>> {
        self.lines.get(&key)
    }

    pub fn insert(&mut self, key: u64, lines: Arc<[Line]>) {
        self.lines.insert(key, lines);
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Every paragraph's lines, by key: what the build cache on disk keeps
    /// (the sections' pages are made again from them).
    pub fn paragraphs(&self) -> Vec<(u64, Arc<[Line]>)> {
        self.lines.iter().map(|(k, v)| (*k, v.clone())).collect()
    }

    /// A cache of the paragraphs [`ParagraphCache::paragraphs`] gave.
    pub fn from_paragraphs(paragraphs: Vec<(u64, Arc<[Line]>)>) -> ParagraphCache {
        ParagraphCache {
            lines: paragraphs.into_iter().collect(),
            sections: Default::default(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}

/// The cache key of a paragraph: its content and every setting that shapes its lines.
fn paragraph_key(inlines: &[Inline], para: &ParaStyle) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    inlines.hash(&mut hasher);
    para.style.hash(&mut hasher);
    for value in [para.size.0, para.measure.0, para.first_indent.0] {
        value.to_bits().hash(&mut hasher);
    }
    (para.align as u8, para.hyphenate, para.draft, para.case).hash(&mut hasher);
    para.tracking.to_bits().hash(&mut hasher);
    (para.wrap.0, para.wrap.1.0.to_bits()).hash(&mut hasher);
    hasher.finish()
}

/// The style's proportions in a paragraph's cache key (they size its code
/// and note references).
fn proportions_key(p: crate::model::style::Proportions) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = rustc_hash::FxHasher::default();
    for value in [p.note_ref_size, p.note_ref_rise, p.table_size, p.code_size] {
        value.to_bits().hash(&mut hasher);
    }
    hasher.finish()
}

/// How a run of text is set: face, size, baseline shift and strike-through.
#[derive(Debug, Clone, Copy)]
struct Look {
    style: Style,
    size: Pt,
    rise: Pt,
    strike: bool,
    /// Web addresses are printed after their links' words.
    show_urls: bool,
    features: Features,
    /// Letter-spacing in points.
    tracking: f64,
    /// Set in capitals.
    upper: bool,
    /// Inside a link: its place among the block's links.
    link: Option<u32>,
    /// Inside a passage in another language: its tag's key.
    lang: Option<u32>,
    /// The style's sizes for code and note references.
    proportions: crate::model::style::Proportions,
}

/// What the whole book sets its text with, besides each paragraph's style.
#[derive(Debug, Clone, Copy)]
pub struct BookSettings {
    /// Web links are followed by their address (`print.urls = "inline"`).
    pub show_urls: bool,
    /// The figures of running text (old-style or lining), as the style asks.
    pub figures: Features,
    /// The style's sizes for code, tables and note references.
    pub proportions: crate::model::style::Proportions,
}

impl Default for BookSettings {
    fn default() -> Self {
        BookSettings {
            show_urls: false,
            figures: Features::NONE,
            proportions: crate::model::style::Proportions::BOOK,
        }
    }
}

impl<'s, 'f> Setter<'s, 'f> {
    pub fn new(shaper: &'s mut Shaper<'f>, hyphenator: &'s mut Hyphenator) -> Setter<'s, 'f> {
        let faces = shaper.face_count();
        Setter {
            shaper,
            hyphenator,
            missing: Vec::new(),
            fell_back: Vec::new(),
            broken_words: Vec::new(),
            prepared: (0..faces * Features::COMBINATIONS)
                .map(|_| Default::default())
                .collect(),
            reuse: None,
            fresh: Vec::new(),
            book: BookSettings::default(),
            link_base: 0,
        }
    }
}

impl Setter<'_, '_> {
    /// Reuses paragraphs set by an earlier build, and records this build's
    /// (watch mode); `None` does neither.
    pub fn reusing(mut self, cache: Option<std::sync::Arc<ParagraphCache>>) -> Self {
        self.reuse = cache;
        self
    }

    /// Sets inline content as lines.
    pub fn set(&mut self, inlines: &[Inline], para: &ParaStyle) -> Vec<Line> {
        self.cached(inlines, para, false, |setter, segs| {
            setter.set_segments(segs, para)
        })
    }

    /// Sets inlines with `set`, or takes an unchanged paragraph in an unchanged
    /// setting from the last build (`balanced` keys balanced display lines apart).
    fn cached(
        &mut self,
        inlines: &[Inline],
        para: &ParaStyle,
        balanced: bool,
        set: impl FnOnce(&mut Self, &[Segment<'_>]) -> Vec<Line>,
    ) -> Vec<Line> {
        // (Only builds that keep a cache pay for the keys.)
        let key = self.reuse.as_ref().map(|_| {
            paragraph_key(inlines, para)
                ^ u64::from(balanced)
                ^ (u64::from(self.book.show_urls) << 1)
                ^ ((self.book.figures.index() as u64) << 2)
                ^ (u64::from(self.link_base) << 8)
                ^ proportions_key(self.book.proportions)
        });
        if let (Some(reuse), Some(key)) = (&self.reuse, key)
            && let Some(lines) = reuse.get(key)
        {
            self.fresh.push((key, lines.clone()));
            return lines.to_vec();
        }
        let problems = (
            self.missing.len(),
            self.broken_words.len(),
            self.fell_back.len(),
        );
        let segs = self.segments_of(inlines, para);
        let lines = set(self, &segs);
        // Never keep a paragraph that reported a problem: the next build must report it again.
        if let Some(key) = key
            && problems
                == (
                    self.missing.len(),
                    self.broken_words.len(),
                    self.fell_back.len(),
                )
        {
            self.fresh.push((key, lines.as_slice().into()));
        }
        lines
    }

    /// Sets inline content a line longer and a line shorter than its best
    /// setting, for a page that needs it: each that can be set within the
    /// normal tolerance, with its looseness (+1, −1) and the demerits it
    /// adds. (A runt last line is for the caller to weigh: see [`is_runt`].)
    pub fn set_loose(&mut self, inlines: &[Inline], para: &ParaStyle) -> Loosened {
        let segs = self.segments_of(inlines, para);
        self.set_segments_loose(&segs, para)
    }

    /// Sets plain text in one style (display lines, running heads, contents entries).
    pub fn set_text(&mut self, text: &str, para: &ParaStyle) -> Vec<Line> {
        let segs = self.plain_segments(text, para);
        self.set_segments(&segs, para)
    }

    /// Sets centred display text in lines of even length: the narrowest measure
    /// that needs no more lines than the full one (titles: "None of Us / Are Free").
    pub fn set_balanced(&mut self, text: &str, para: &ParaStyle) -> Vec<Line> {
        let segs = self.plain_segments(text, para);
        self.balance(&segs, para)
    }

    /// [`Setter::set_balanced`] for inline content (a title with emphasis in it).
    pub fn set_balanced_inlines(&mut self, inlines: &[Inline], para: &ParaStyle) -> Vec<Line> {
        self.cached(inlines, para, true, |setter, segs| {
            setter.balance(segs, para)
        })
    }

    /// One line exactly as written, every space kept (code): shaped whole,
    /// never broken, justified or hyphenated.
    pub fn set_verbatim(&mut self, text: &str, style: Style, size: Pt) -> Line {
        let word = self.shaped(style, Features::NONE, text);
        let piece = Piece {
            glyphs: 0..word.glyphs.len(),
            source: Prepared::unbroken(word.clone(), text),
            style,
            size,
            rise: Pt::ZERO,
            strike: false,
            offset: 0,
            note: None,
            tracking: 0.0,
            link: None,
            lang: None,
            level: u8::from(word.rtl),
        };
        let mut runs = Vec::new();
        push_glyphs(&mut runs, &piece, 0.0, 0.0, piece.glyphs.len());
        let mut line = Line::empty();
        line.width = Pt(word.width as f64 * size.0 / word.units_per_em as f64);
        line.runs = runs;
        line
    }

    /// Natural width of a text in one style and size, shaped.
    pub fn measure_text(&mut self, text: &str, style: Style, size: Pt) -> Pt {
        let upem = self.shaper.units_per_em(style) as f64;
        let space = self.shaper.space(style) as f64;
        let mut width = 0.0;
        for (i, word) in text.split(' ').enumerate() {
            if i > 0 {
                width += space;
            }
            width += self.shaper.word(style, word).width as f64;
        }
        Pt(width * size.0 / upem)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capitals_track_further_than_lower_case() {
        assert_eq!(
            letter_stretch("SACRED,"),
            LETTER_STRETCH * CAPITALS_TRACKING
        );
        assert_eq!(
            letter_stretch("“ELLERY”"),
            LETTER_STRETCH * CAPITALS_TRACKING
        );
        assert_eq!(letter_stretch("Sacred"), LETTER_STRETCH);
        // One capital is a word like any other ("I", "A").
        assert_eq!(letter_stretch("I"), LETTER_STRETCH);
    }

    #[test]
    fn edge_punctuation_hangs_and_letters_do_not() {
        assert!(right_hang('.') > right_hang('—') && right_hang('—') > 0.0);
        assert_eq!(right_hang('e'), 0.0);
        assert!(left_hang('“') > 0.0 && left_hang('T') == 0.0);
    }

    /// `Line::text` as it was written first, glyph by glyph: the reference.
    fn text_glyph_by_glyph(line: &Line) -> String {
        let mut out = String::new();
        let mut previous_end: Option<f64> = None;
        for run in &line.runs {
            let is_space = |g: &PlacedGlyph| {
                let start = g.text_start as usize;
                run.text.get(start..start + g.text_len as usize) == Some(" ")
            };
            let tracking = run
                .glyphs
                .windows(2)
                .filter(|w| !is_space(&w[0]) && !is_space(&w[1]))
                .map(|w| w[1].x.0 - (w[0].x.0 + w[0].advance.0))
                .reduce(f64::min)
                .map_or(0.0, |gap| gap.clamp(0.0, run.size.0 * 0.5));
            for g in &run.glyphs {
                let left = run.x.0 + g.x.0;
                if previous_end.is_some_and(|end| left - end > run.size.0 * 0.12 + tracking) {
                    out.push(' ');
                }
                let start = g.text_start as usize;
                out.push_str(
                    run.text
                        .get(start..start + g.text_len as usize)
                        .unwrap_or(""),
                );
                previous_end = Some(left + g.advance.0);
            }
        }
        out.truncate(out.trim_end_matches(' ').len());
        out
    }

    /// A run of `text` at 10 pt from `x`: each glyph (byte range, advance,
    /// gap before it) placed after the one before.
    fn run(text: &str, x: f64, glyphs: &[(usize, usize, f64, f64)]) -> LineRun {
        let mut run = LineRun {
            style: crate::fonts::Style::Regular,
            size: Pt(10.0),
            rise: Pt::ZERO,
            strike: false,
            hidden: false,
            x: Pt(x),
            glyphs: Default::default(),
            text: Default::default(),
            role: Default::default(),
            slant: false,
        };
        run.text.push_str(text);
        let mut pen = 0.0;
        for &(start, len, advance, gap) in glyphs {
            pen += gap;
            run.glyphs.push(PlacedGlyph {
                id: 1,
                x: Pt(pen),
                advance: Pt(advance),
                text_start: start as u32,
                text_len: len as u16,
            });
            pen += advance;
        }
        run
    }

    #[test]
    fn a_lines_text_is_its_glyphs_text_with_the_word_spaces() {
        // "office hour": a ligature, a word gap, letters one by one.
        let plain = run(
            "office hour",
            0.0,
            &[
                (0, 1, 5.0, 0.0),
                (1, 3, 7.0, 0.0),
                (4, 1, 4.0, 0.0),
                (5, 1, 4.0, 0.0),
                (7, 1, 5.0, 3.0),
                (8, 1, 5.0, 0.0),
                (9, 1, 5.0, 0.0),
                (10, 1, 4.0, 0.0),
            ],
        );
        // Letter-spaced capitals with a space glyph, "É" split mid-character
        // (a range that is not whole characters shows nothing), a glyph out
        // of order and one that shows no text.
        let spaced = run(
            "ÉTÉ ROAD",
            60.0,
            &[
                (0, 1, 3.0, 0.0),
                (1, 1, 3.0, 1.0),
                (2, 1, 6.0, 1.0),
                (3, 2, 6.0, 1.0),
                (5, 1, 3.0, 1.0),
                (6, 1, 6.0, 1.0),
                (8, 1, 6.0, 1.0),
                (7, 1, 6.0, 1.0),
                (9, 1, 6.0, 1.0),
                (10, 0, 3.0, 1.0),
                (9, 1, 6.0, 4.0),
            ],
        );
        let tail = run("end ", 150.0, &[(0, 3, 12.0, 0.0), (3, 1, 3.0, 0.0)]);
        let mut line = Line::empty();
        line.runs = vec![plain, spaced, tail];
        assert_eq!(line.text(), text_glyph_by_glyph(&line));
        assert_eq!(line.text(), "office hour TÉ RAOD D end");
        for cut in 0..3 {
            let mut part = Line::empty();
            part.runs = line.runs[cut..].to_vec();
            assert_eq!(part.text(), text_glyph_by_glyph(&part));
        }
    }
}
