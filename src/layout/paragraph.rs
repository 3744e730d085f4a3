//! Setting one paragraph: inline content → shaped words → boxes, glue and
//! penalties (with hyphenation points and the breaks after explicit hyphens
//! and dashes) → line breaks (optimum fit, with looser retries and a
//! first-fit last resort) → lines of positioned glyphs. Each line remembers
//! where in the block's text it starts, for the page map.

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

    /// The line's text, for dumps and tests (word spaces from the gaps between glyphs).
    pub fn text(&self) -> String {
        let mut out = String::new();
        let mut previous_end: Option<f64> = None;
        for run in &self.runs {
            // Letter-spaced text: a word space is a gap wider than the letters' own.
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
        // The space a line ends with when the paragraph goes on is not its text.
        out.truncate(out.trim_end_matches(' ').len());
        out
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
    text: Arc<str>,
    points: Box<[BreakPoint]>,
    /// [`letter_stretch`] of the word.
    letter_stretch: f64,
}

/// Per face, unhyphenated and hyphenated.
type PreparedCache = Vec<[rustc_hash::FxHashMap<Box<str>, Arc<Prepared>>; 2]>;

/// A paragraph set a line longer or shorter than its best: the looseness
/// (+1, −1), the lines and the demerits that adds, for each that can be set.
pub type Loosened = Vec<(i32, Vec<Line>, f64)>;

/// The width of each line of a paragraph: narrower beside a drop cap.
fn line_measure(para: &ParaStyle) -> impl Fn(usize) -> f64 {
    let measure = para.measure.0;
    let (wrapped, inset) = (para.wrap.0 as usize, para.wrap.1.0);
    move |line: usize| {
        if line < wrapped {
            measure - inset
        } else {
            measure
        }
    }
}

/// Line breaking's settings for a justified paragraph at a tolerance.
fn break_params(para: &ParaStyle, tolerance: f64) -> Params {
    Params {
        tolerance,
        // Names are hyphenated only where a very loose line is the alternative.
        max_penalty: if tolerance <= 2.0 {
            HYPHEN_PENALTY
        } else {
            INFINITY
        },
        runt_width: para.measure.0 * 0.15,
        varying_lines: para.wrap.0 as usize,
        ..Params::default()
    }
}

/// Drawing data for one box.
#[derive(Debug, Clone)]
struct Piece {
    word: Arc<Word>,
    text: Arc<str>,
    glyphs: std::ops::Range<usize>,
    style: Style,
    size: Pt,
    rise: Pt,
    strike: bool,
    offset: u32,
    note: Option<u32>,
    /// Space added after each glyph but a word's last, in points.
    tracking: f64,
    /// How far apart the word's letters may go at full stretch, in ems
    /// ([`letter_stretch`] of the whole word, found once for all its pieces).
    letter_stretch: f64,
    /// Inside a link: its place among the block's links.
    link: Option<u32>,
    /// Inside a passage in another language: its tag's key.
    lang: Option<u32>,
    /// Its bidi embedding level (UAX #9): even left to right, odd right to left.
    level: u8,
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

/// Flattens inlines into styled segments, counting characters like the page map does.
fn segments<'a>(
    inlines: &'a [Inline],
    para: &ParaStyle,
    book: BookSettings,
    offset: &mut u32,
    links: &mut u32,
    out: &mut Vec<Segment<'a>>,
) {
    let look = Look {
        style: para.style,
        size: para.size,
        rise: Pt::ZERO,
        strike: false,
        show_urls: book.show_urls,
        features: book.figures.with(case_features(para.case)),
        tracking: para.tracking * para.size.0,
        upper: para.case == Case::Upper,
        link: None,
        lang: None,
        proportions: book.proportions,
    };
    segments_in(inlines, look, offset, links, out);
}

/// The features a case is set with.
fn case_features(case: Case) -> Features {
    match case {
        Case::AsWritten | Case::Upper => Features::NONE,
        Case::SmallCaps => Features::SMALL_CAPS,
        Case::AllSmallCaps => Features::SMALL_CAPS.with(Features::CAPS_TO_SMALL),
    }
}

/// Text in capitals, a character for a character (so page positions still
/// count the text as written: ß stays ß).
pub fn capitals(text: &str) -> String {
    text.chars()
        .map(|c| {
            let mut upper = c.to_uppercase();
            match (upper.next(), upper.next()) {
                (Some(u), None) => u,
                _ => c,
            }
        })
        .collect()
}

/// Letter-spacing of words in full capitals set as small capitals, in ems.
const CAPITALS_SPACING: f64 = 0.02;

/// Small capitals made from capitals at this share of the size, where the
/// face has none of its own.
const SYNTHETIC_SMALL_CAPS: f64 = 0.78;

/// A paragraph's last line so short it reads as a word left alone (under
/// 15 % of the measure).
pub fn is_runt(lines: &[Line], para: &ParaStyle) -> bool {
    lines.len() > 1
        && lines
            .last()
            .is_some_and(|l| l.width.0 < para.measure.0 * 0.15)
}

/// The cost of breaking at a hyphenation point or after a hyphen the author
/// wrote (TeX's `\hyphenpenalty` is 50; a book that hyphenates a twentieth of
/// its lines or less needs more, since letter-spacing and hanging
/// punctuation leave fewer lines loose enough to want one).
const HYPHEN_PENALTY: f64 = 200.0;
/// A hyphen in a capitalised word (a name, in most languages): taken only
/// where the alternative is a very loose line.
const CAPITALISED_HYPHEN_PENALTY: f64 = 1000.0;
/// A break after a dash (no hyphen is added, nothing to count).
const DASH_PENALTY: f64 = 50.0;
/// The tolerances tried in turn: a loose line is better than an overfull one.
const TOLERANCE: [f64; 4] = [1.5, 2.0, 4.0, 50.0];

/// How far apart a justified line may track its letters, in ems, at full stretch.
const LETTER_STRETCH: f64 = 0.01;

/// A word in capitals may be tracked three times as far: capitals are
/// letter-spaced by custom, and an inscription in them has long words to fill
/// its lines with.
const CAPITALS_TRACKING: f64 = 3.0;

/// The furthest letters go apart, in ems, however loose a line: lower case
/// 0.03 em, capitals 0.06 em (a tenth of their width or so, as spaced
/// capitals are set).
const MAX_TRACKING: f64 = 0.03;
const MAX_CAPITALS_TRACKING: f64 = 0.06;

/// How far apart a word's letters may go at full stretch, in ems.
fn letter_stretch(word: &str) -> f64 {
    let mut letters = word.chars().filter(|c| c.is_alphabetic());
    let capitals = letters.clone().nth(1).is_some() && letters.all(char::is_uppercase);
    if capitals {
        LETTER_STRETCH * CAPITALS_TRACKING
    } else {
        LETTER_STRETCH
    }
}

/// The glue that stands for a box's letter-spacing: no width, no shrink, a
/// word's worth of stretch (a word space has width; the paragraph fill has
/// unbounded stretch; a zero-width space has none).
fn is_letter_glue(item: &Item) -> bool {
    matches!(*item, Item::Glue { width, stretch, shrink } if width == 0.0 && shrink == 0.0 && stretch > 0.0 && stretch < 1e4)
}

/// The share of a character's width that hangs into the right margin at a
/// line's end (microtype's defaults, close to Typst's).
fn right_hang(c: char) -> f64 {
    match c {
        '.' | ',' => 0.7,
        '-' | '\u{ad}' | '\u{2010}' => 0.6,
        '’' | '\'' => 0.7,
        '”' | '"' | '»' | '«' => 0.5,
        ':' | ';' => 0.3,
        '–' => 0.3,
        '—' => 0.2,
        '!' | '?' => 0.2,
        _ => 0.0,
    }
}

/// The share of a character's width that hangs into the left margin at a line's start.
fn left_hang(c: char) -> f64 {
    match c {
        '‘' | '\'' => 0.7,
        '“' | '"' | '«' | '»' | '„' => 0.5,
        _ => 0.0,
    }
}

/// Raised and lowered text: this much of the size, this far from the baseline.
const SCRIPT_SIZE: f64 = 0.7;
const SUPERSCRIPT_RISE: f64 = 0.33;
const SUBSCRIPT_DROP: f64 = 0.15;

fn segments_in<'a>(
    inlines: &'a [Inline],
    look: Look,
    offset: &mut u32,
    links: &mut u32,
    out: &mut Vec<Segment<'a>>,
) {
    for inline in inlines {
        let text = |text: &'a str, offset: u32| Segment {
            text: if look.upper {
                capitals(text).into()
            } else {
                text.into()
            },
            style: look.style,
            size: look.size,
            rise: look.rise,
            strike: look.strike,
            offset,
            note: None,
            counted: true,
            superior: None,
            features: look.features,
            tracking: look.tracking,
            link: look.link,
            lang: look.lang,
        };
        match inline {
            Inline::Text(t) => {
                out.push(text(t, *offset));
                *offset += t.chars().count() as u32;
            }
            Inline::Code(t) => {
                out.push(Segment {
                    style: Style::Mono,
                    size: look.size * look.proportions.code_size,
                    ..text(t, *offset)
                });
                *offset += t.chars().count() as u32;
            }
            Inline::Emphasis(inner) => segments_in(
                inner,
                Look {
                    style: look.style.toggle_italic(),
                    ..look
                },
                offset,
                links,
                out,
            ),
            Inline::Strong(inner) => segments_in(
                inner,
                Look {
                    style: look.style.with_bold(),
                    ..look
                },
                offset,
                links,
                out,
            ),
            Inline::Language { tag, content } => {
                let look = Look {
                    lang: Some(crate::model::language_key(tag)),
                    ..look
                };
                segments_in(content, look, offset, links, out)
            }
            Inline::Link { url, content } => {
                let look = Look {
                    link: Some(*links),
                    ..look
                };
                *links += 1;
                segments_in(content, look, offset, links, out);
                if let Some(shown) = shown_url(url, content, look.show_urls) {
                    out.push(Segment {
                        text: shown.into(),
                        counted: false,
                        link: look.link,
                        ..text("", *offset)
                    });
                }
            }
            Inline::CrossRef { content, page, .. } => {
                let look = Look {
                    link: Some(*links),
                    ..look
                };
                *links += 1;
                segments_in(content, look, offset, links, out);
                if let Some(page) = page {
                    out.push(Segment {
                        counted: false,
                        link: look.link,
                        ..text(page, *offset)
                    });
                }
            }
            Inline::Marked { mark, content } => {
                let marked = match mark {
                    TextMark::Strikethrough => Look {
                        strike: true,
                        ..look
                    },
                    TextMark::Superscript => Look {
                        size: look.size * SCRIPT_SIZE,
                        rise: look.rise + look.size * SUPERSCRIPT_RISE,
                        ..look
                    },
                    TextMark::Subscript => Look {
                        size: look.size * SCRIPT_SIZE,
                        rise: look.rise - look.size * SUBSCRIPT_DROP,
                        ..look
                    },
                    TextMark::SmallCaps => Look {
                        features: look.features.with(Features::SMALL_CAPS),
                        upper: false,
                        ..look
                    },
                    TextMark::Capitals => Look {
                        features: look
                            .features
                            .with(Features::SMALL_CAPS.with(Features::CAPS_TO_SMALL)),
                        tracking: look.tracking + look.size.0 * CAPITALS_SPACING,
                        upper: false,
                        ..look
                    },
                };
                segments_in(content, marked, offset, links, out);
            }
            Inline::NoteRef { note, label } => out.push(Segment {
                text: label.as_str().into(),
                style: Style::Regular,
                size: look.size * look.proportions.note_ref_size,
                rise: look.rise + look.size * look.proportions.note_ref_rise,
                strike: false,
                offset: *offset,
                note: Some(*note),
                counted: false,
                // Superior figures sit at the text's size, their rise drawn in.
                superior: Some((look.size, look.rise)),
                features: Features::NONE,
                tracking: 0.0,
                link: None,
                lang: None,
            }),
            Inline::LineBreak => {
                out.push(text("\n", *offset));
                *offset += 1;
            }
        }
    }
}

/// Ends a line without justifying it: the fill glue and a forced break
/// (a paragraph's end, or a hard line break).
fn end_line(items: &mut Vec<Item>, pieces: &mut Vec<Option<Piece>>) {
    items.push(Item::Penalty {
        width: 0.0,
        cost: INFINITY,
        flagged: false,
    });
    items.push(Item::Glue {
        width: 0.0,
        stretch: 1e5,
        shrink: 0.0,
    });
    items.push(Item::Penalty {
        width: 0.0,
        cost: -INFINITY,
        flagged: false,
    });
    pieces.extend([None, None, None]);
}

/// The address print shows after a web link's words, or `None` (not asked
/// for, no address, or the words already are the address). Breaks are allowed
/// after `/`, `.` and similar (zero-width spaces), never inside a word.
fn shown_url(url: &str, content: &[Inline], show: bool) -> Option<String> {
    let url = url.trim();
    if !show || url.is_empty() {
        return None;
    }
    let bare = url.strip_prefix("mailto:").unwrap_or(url);
    let words = crate::model::plain_text(content);
    let words = words.trim();
    let plain = |u: &str| {
        u.trim_start_matches("https://")
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string()
    };
    if words == url || words == bare || plain(words) == plain(bare) {
        return None;
    }
    let mut shown = String::with_capacity(bare.len() + 8);
    shown.push_str(" (");
    let mut chars = bare.chars().peekable();
    while let Some(c) = chars.next() {
        shown.push(c);
        if matches!(c, '/' | '.' | '?' | '&' | '=' | '-' | '_' | '#')
            && chars.peek().is_some_and(|n| *n != '/')
        {
            shown.push('\u{200b}');
        }
    }
    shown.push(')');
    Some(shown)
}

/// A character written right to left (Hebrew, Arabic…: bidi class R or AL).
fn is_strong_rtl(c: char) -> bool {
    // The blocks that hold them, before the table lookup: the curly quotes
    // and dashes of Latin text are never looked up.
    matches!(c, '\u{590}'..='\u{8ff}' | '\u{fb1d}'..='\u{fdff}' | '\u{fe70}'..='\u{feff}' | '\u{10800}'..='\u{10fff}' | '\u{1e800}'..='\u{1efff}')
        && matches!(
            unicode_bidi::bidi_class(c),
            unicode_bidi::BidiClass::R | unicode_bidi::BidiClass::AL
        )
}

/// How far the gap between two CJK characters may open and close on a
/// justified line, in ems (a line of 25 to 40 characters spreads up to about
/// an em of slack at a ratio of 0.5 or less).
const CJK_STRETCH: f64 = 0.08;
const CJK_SHRINK: f64 = 0.02;

/// A character of Chinese, Japanese or Korean text: Han ideographs, kana,
/// hangul, their punctuation and the full-width forms.
fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{1100}'..='\u{11ff}'
        | '\u{2e80}'..='\u{2fff}'
        | '\u{3001}'..='\u{33ff}'
        | '\u{3400}'..='\u{4dbf}'
        | '\u{4e00}'..='\u{9fff}'
        | '\u{a960}'..='\u{a97f}'
        | '\u{ac00}'..='\u{d7ff}'
        | '\u{f900}'..='\u{faff}'
        | '\u{fe30}'..='\u{fe4f}'
        | '\u{ff00}'..='\u{ffef}'
        | '\u{20000}'..='\u{3ffff}')
}

/// Byte offsets inside `word` (never its ends) where Unicode's line-breaking
/// algorithm (UAX #14) allows a break next to a CJK character: between
/// ideographs and kana, but not before a closing mark or a small kana
/// (、。」ゃ…) nor after an opening one (「（…), the kinsoku rules. Breaks
/// between two non-CJK characters (a Latin word inside CJK text) are left
/// to the rest of the setter.
fn cjk_breaks(word: &str) -> impl Iterator<Item = u32> + '_ {
    unicode_linebreak::linebreaks(word).filter_map(move |(at, kind)| {
        if kind != unicode_linebreak::BreakOpportunity::Allowed || at == 0 || at >= word.len() {
            return None;
        }
        let before = word[..at].chars().next_back();
        let after = word[at..].chars().next();
        (before.is_some_and(is_cjk) || after.is_some_and(is_cjk)).then_some(at as u32)
    })
}

fn is_break_space(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\n' | '\r' | '\u{2002}' | '\u{2003}' | '\u{2009}'
    )
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

    /// The styled pieces of inline content, as the paragraph builder takes them.
    fn segments_of<'i>(&mut self, inlines: &'i [Inline], para: &ParaStyle) -> Vec<Segment<'i>> {
        let mut segs = Vec::new();
        let mut offset = 0;
        let mut links = self.link_base;
        segments(inlines, para, self.book, &mut offset, &mut links, &mut segs);
        if segs
            .iter()
            .any(|s| s.features.contains(Features::SMALL_CAPS))
        {
            segs = self.synthesise_small_caps(segs);
        }
        segs
    }

    /// Small capitals where the face has none of its own (or none for these
    /// letters: a face may have Latin small caps and not Cyrillic ones):
    /// lower-case letters (and capitals too, for all small caps) set as
    /// capitals at a smaller size.
    fn synthesise_small_caps<'i>(&mut self, segs: Vec<Segment<'i>>) -> Vec<Segment<'i>> {
        let mut out = Vec::with_capacity(segs.len());
        for seg in segs {
            let all = seg.features.contains(Features::CAPS_TO_SMALL);
            // Code is set as typed, never in capitals.
            if !seg.features.contains(Features::SMALL_CAPS)
                || seg.style == Style::Mono
                || self.shaper.small_caps_cover(seg.style, &seg.text, all)
            {
                out.push(seg);
                continue;
            }
            let plain = seg
                .features
                .without(Features::SMALL_CAPS.with(Features::CAPS_TO_SMALL));
            let small = |c: char| c.is_lowercase() || (all && c.is_uppercase());
            let mut offset = seg.offset;
            let mut rest: &str = &seg.text;
            while let Some(first) = rest.chars().next() {
                let lowered = small(first);
                let end = rest
                    .find(|c: char| small(c) != lowered && !c.is_whitespace())
                    .unwrap_or(rest.len());
                let piece = &rest[..end];
                let chars = piece.chars().count() as u32;
                out.push(Segment {
                    text: if lowered {
                        capitals(piece).into()
                    } else {
                        piece.to_string().into()
                    },
                    size: if lowered {
                        seg.size * SYNTHETIC_SMALL_CAPS
                    } else {
                        seg.size
                    },
                    offset,
                    features: plain,
                    ..seg.clone()
                });
                offset += if seg.counted { chars } else { 0 };
                rest = &rest[end..];
            }
        }
        out
    }

    /// Sets plain text in one style (display lines, running heads, contents entries).
    pub fn set_text(&mut self, text: &str, para: &ParaStyle) -> Vec<Line> {
        let segs = self.plain_segments(text, para);
        self.set_segments(&segs, para)
    }

    /// Plain text as segments, small capitals made up where the face has none.
    fn plain_segments<'t>(&mut self, text: &'t str, para: &ParaStyle) -> Vec<Segment<'t>> {
        let segs = vec![plain_segment(text, para)];
        if para.case == Case::AsWritten || para.case == Case::Upper {
            segs
        } else {
            self.synthesise_small_caps(segs)
        }
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

    fn balance(&mut self, segs: &[Segment<'_>], para: &ParaStyle) -> Vec<Line> {
        let full = self.set_segments(segs, para);
        if full.len() < 2 {
            return full;
        }
        let (mut low, mut high) = (Pt::ZERO, para.measure);
        let mut best = full;
        for _ in 0..14 {
            let middle = (low + high) / 2.0;
            let narrower = ParaStyle {
                measure: middle,
                ..*para
            };
            let lines = self.set_segments(segs, &narrower);
            if lines.len() <= best.len() && lines.iter().all(|l| !l.overfull) {
                high = middle;
                best = lines;
            } else {
                low = middle;
            }
        }
        for line in &mut best {
            line.x = match para.align {
                Align::Center => ((para.measure - line.width) / 2.0).max(Pt::ZERO),
                Align::Right => (para.measure - line.width).max(Pt::ZERO),
                _ => line.x,
            };
        }
        best
    }

    /// A word shaped, with a character no face has, and the characters taken
    /// from fallbacks, recorded for the caller's report.
    fn shaped(&mut self, style: Style, features: Features, text: &str) -> Arc<Word> {
        let word = self.shaper.word_with(style, features, text);
        if let Some(c) = word.missing
            && !self.missing.contains(&(c, style))
        {
            self.missing.push((c, style));
        }
        for used in &word.fell_back {
            if !self.fell_back.contains(used) {
                self.fell_back.push(*used);
            }
        }
        word
    }

    /// One line exactly as written, every space kept (code): shaped whole,
    /// never broken, justified or hyphenated.
    pub fn set_verbatim(&mut self, text: &str, style: Style, size: Pt) -> Line {
        let word = self.shaped(style, Features::NONE, text);
        let piece = Piece {
            glyphs: 0..word.glyphs.len(),
            text: Arc::from(text),
            word: word.clone(),
            style,
            size,
            rise: Pt::ZERO,
            strike: false,
            offset: 0,
            note: None,
            tracking: 0.0,
            letter_stretch: letter_stretch(text),
            link: None,
            lang: None,
            level: u8::from(word.rtl),
        };
        let mut runs = Vec::new();
        push_glyphs(&mut runs, &piece, 0.0, 0.0);
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

    /// Sets segments in their best setting.
    fn set_segments(&mut self, segs: &[Segment<'_>], para: &ParaStyle) -> Vec<Line> {
        let (mut items, mut pieces) = self.items(segs, para);
        if items.len() <= 3 {
            return Vec::new();
        }
        let measure = para.measure.0;
        let measure_fn = line_measure(para);
        if para.draft || para.align != Align::Justify {
            self.split_overlong(&mut items, &mut pieces, measure);
            let breaks = linebreak::first_fit(&items, &measure_fn);
            return self.lines(&items, &pieces, &breaks, para, &Hang::default());
        }
        let attempt = |items: &[Item], hang: &Hang, tolerances: &[f64]| {
            tolerances.iter().find_map(|&tolerance| {
                linebreak::fits(
                    items,
                    &measure_fn,
                    &break_params(para, tolerance),
                    Some(hang),
                )
            })
        };
        let mut hang = self.hang(&items, &pieces);
        // Looser and looser: a loose line is better than an overfull one.
        let breaks = match attempt(&items, &hang, &TOLERANCE) {
            Some(fits) => fits.best(),
            None => {
                // Some word is wider than the measure: break it between letters, and say so.
                self.split_overlong(&mut items, &mut pieces, measure);
                hang = self.hang(&items, &pieces);
                attempt(&items, &hang, &[50.0])
                    .map(|fits| fits.best())
                    .unwrap_or_else(|| linebreak::first_fit(&items, &measure_fn))
            }
        };
        self.lines(&items, &pieces, &breaks, para, &hang)
    }

    /// Sets segments a line longer and a line shorter than their best
    /// setting, from one search: each setting that can be made within the
    /// normal tolerance, with its looseness (+1, −1) and the demerits it adds.
    fn set_segments_loose(&mut self, segs: &[Segment<'_>], para: &ParaStyle) -> Loosened {
        let (items, pieces) = self.items(segs, para);
        if items.len() <= 3 || para.draft || para.align != Align::Justify {
            return Vec::new();
        }
        let hang = self.hang(&items, &pieces);
        // A paragraph reshaped for the page keeps the normal tolerance.
        let Some(fits) = linebreak::fits_by_line_count(
            &items,
            &line_measure(para),
            &break_params(para, TOLERANCE[0]),
            Some(&hang),
        ) else {
            return Vec::new();
        };
        [1, -1]
            .into_iter()
            .filter_map(|looseness| {
                let (breaks, extra) = fits.with_looseness(looseness)?;
                let lines = self.lines(&items, &pieces, &breaks, para, &hang);
                Some((looseness, lines, extra))
            })
            .collect()
    }

    /// How far each possible line may hang into the margins: the conventional
    /// share of a final hyphen, period, comma, dash or quote on the right and
    /// of an opening quote on the left (microtype's and Typst's practice), so
    /// the justified edges look straight.
    fn hang(&self, items: &[Item], pieces: &[Option<Piece>]) -> Hang {
        let mut hang = Hang {
            start: vec![0.0; items.len()],
            end: vec![0.0; items.len()],
        };
        // How far the box at `i` hangs out past its first or last glyph.
        let edge = |i: usize, last: bool, share: fn(char) -> f64| -> f64 {
            match pieces.get(i).and_then(Option::as_ref) {
                Some(piece) if !piece.word.rtl && !piece.glyphs.is_empty() => {
                    let at = if last {
                        piece.glyphs.end - 1
                    } else {
                        piece.glyphs.start
                    };
                    let glyph = piece.word.glyphs[at];
                    let c = piece.text[glyph.cluster as usize..].chars().next();
                    let scale = piece.size.0 / piece.word.units_per_em as f64;
                    c.map_or(0.0, |c| share(c) * glyph.advance as f64 * scale)
                }
                _ => 0.0,
            }
        };
        let right_of = |i: usize| edge(i, true, right_hang);
        for (i, item) in items.iter().enumerate() {
            match *item {
                Item::Box { .. } => hang.start[i] = edge(i, false, left_hang),
                Item::Glue { .. } if i > 0 => hang.end[i] = right_of(i - 1),
                Item::Penalty { cost, .. } if cost <= -INFINITY => {}
                Item::Penalty { width, .. } if width > 0.0 => hang.end[i] = width * right_hang('-'),
                Item::Penalty { .. } if i > 0 => hang.end[i] = right_of(i - 1),
                _ => {}
            }
        }
        hang
    }

    /// Splits every box wider than the measure into one box per glyph, with a
    /// break allowed between them, and records the word for a warning.
    fn split_overlong(
        &mut self,
        items: &mut Vec<Item>,
        pieces: &mut Vec<Option<Piece>>,
        measure: f64,
    ) {
        if !items
            .iter()
            .any(|i| matches!(i, Item::Box { width } if *width > measure))
        {
            return;
        }
        let mut new_items = Vec::with_capacity(items.len());
        let mut new_pieces = Vec::with_capacity(pieces.len());
        for (item, piece) in items.drain(..).zip(pieces.drain(..)) {
            match (item, piece) {
                (Item::Box { width }, Some(piece)) if width > measure => {
                    self.broken_words.push(piece.text.to_string());
                    let scale = piece.size.0 / piece.word.units_per_em as f64;
                    // Each letter's offset counts the characters from where the
                    // piece starts (the word's start for its first piece), looked
                    // up in one count of the piece's characters.
                    let clusters = || {
                        piece.word.glyphs[piece.glyphs.clone()]
                            .iter()
                            .map(|g| g.cluster as usize)
                    };
                    let base = if piece.glyphs.start == 0 {
                        0
                    } else {
                        clusters().min().unwrap_or(0)
                    };
                    let top = clusters().max().unwrap_or(0).max(base);
                    let mut chars_from_base = vec![0u32; top - base + 1];
                    let starts = piece.text[base..].char_indices().map(|(at, _)| at);
                    for (count, at) in (0..).zip(starts.take_while(|&at| at <= top - base)) {
                        chars_from_base[at] = count;
                    }
                    for g in piece.glyphs.clone() {
                        if g > piece.glyphs.start {
                            new_items.push(Item::Penalty {
                                width: 0.0,
                                cost: 0.0,
                                flagged: false,
                            });
                            new_pieces.push(None);
                        }
                        let glyph = piece.word.glyphs[g];
                        let chars_before = chars_from_base[glyph.cluster as usize - base];
                        new_items.push(Item::Box {
                            width: glyph.advance as f64 * scale,
                        });
                        new_pieces.push(Some(Piece {
                            glyphs: g..g + 1,
                            offset: piece.offset + chars_before,
                            ..piece.clone()
                        }));
                    }
                }
                (item, piece) => {
                    new_items.push(item);
                    new_pieces.push(piece);
                }
            }
        }
        *items = new_items;
        *pieces = new_pieces;
    }

    /// Boxes, glue and penalties for the segments, with a parallel list of
    /// drawing data (`Some` for boxes that draw glyphs).
    fn items(&mut self, segs: &[Segment<'_>], para: &ParaStyle) -> (Vec<Item>, Vec<Option<Piece>>) {
        let justify = para.align == Align::Justify;
        let mut items: Vec<Item> = Vec::new();
        let mut pieces: Vec<Option<Piece>> = Vec::new();
        let push = |items: &mut Vec<Item>,
                    pieces: &mut Vec<Option<Piece>>,
                    item: Item,
                    piece: Option<Piece>| {
            items.push(item);
            pieces.push(piece);
        };
        // A negative indent gives the first line more room (verse's hanging turnovers).
        if para.first_indent.0 != 0.0 {
            push(
                &mut items,
                &mut pieces,
                Item::Box {
                    width: para.first_indent.0,
                },
                None,
            );
        }
        // A paragraph with right-to-left text: the embedding levels of
        // Unicode's bidi algorithm, per byte of the segments' text (a
        // left-to-right paragraph, as the EPUB's).
        let levels = segs
            .iter()
            .any(|s| s.text.chars().any(is_strong_rtl))
            .then(|| {
                let text: String = segs.iter().map(|s| &*s.text).collect();
                let info = unicode_bidi::BidiInfo::new(&text, Some(unicode_bidi::Level::ltr()));
                info.levels.iter().map(|l| l.number()).collect::<Vec<u8>>()
            });
        let mut seg_end = 0;
        for seg in segs {
            let seg_start = seg_end;
            seg_end += seg.text.len();
            let upem = self.shaper.units_per_em(seg.style) as f64;
            let scale = seg.size.0 / upem;
            if seg.text == "\n" {
                // A hard line break: end the line unjustified.
                end_line(&mut items, &mut pieces);
                continue;
            }
            let mut char_offset = seg.offset;
            let mut rest: &str = &seg.text;
            while !rest.is_empty() {
                let first = rest.chars().next().unwrap_or(' ');
                if first == '\u{200b}' {
                    // A zero-width space: a break with no width.
                    push(
                        &mut items,
                        &mut pieces,
                        Item::Glue {
                            width: 0.0,
                            stretch: 0.0,
                            shrink: 0.0,
                        },
                        None,
                    );
                    rest = &rest[first.len_utf8()..];
                    char_offset += u32::from(seg.counted);
                    continue;
                }
                if is_break_space(first) || first == '\u{a0}' || first == '\u{202f}' {
                    // Letter-spaced text spaces its words as much more (after
                    // the word's last letter and after the space itself).
                    let space = self.shaper.space(seg.style) as f64 * scale + seg.tracking * 2.0;
                    let nbsp = first == '\u{a0}' || first == '\u{202f}';
                    if nbsp {
                        push(
                            &mut items,
                            &mut pieces,
                            Item::Penalty {
                                width: 0.0,
                                cost: INFINITY,
                                flagged: false,
                            },
                            None,
                        );
                    }
                    // Collapse runs of spaces into one word space.
                    let at_start = items.is_empty()
                        || matches!(items.last(), Some(Item::Glue { .. }))
                        || matches!(items.last(), Some(Item::Penalty { cost, .. }) if *cost <= -INFINITY);
                    if !at_start || nbsp {
                        let glue = if justify {
                            Item::Glue {
                                width: space,
                                stretch: space * 0.5,
                                shrink: space / 3.0,
                            }
                        } else {
                            Item::Glue {
                                width: space,
                                stretch: 0.0,
                                shrink: 0.0,
                            }
                        };
                        push(&mut items, &mut pieces, glue, None);
                    }
                    rest = &rest[first.len_utf8()..];
                    char_offset += u32::from(seg.counted);
                    continue;
                }
                let end = rest
                    .find(|c: char| {
                        is_break_space(c) || matches!(c, '\u{a0}' | '\u{202f}' | '\u{200b}')
                    })
                    .unwrap_or(rest.len());
                let word_text = &rest[..end];
                let at = seg_start + seg.text.len() - rest.len();
                match levels.as_ref().map(|l| &l[at..at + end]) {
                    // A word whose characters are at different levels (a
                    // Hebrew word in quotation marks in English) is set in
                    // parts, each shaped in its own direction.
                    Some(word_levels) => {
                        let mut from = 0;
                        let mut chars_before = 0;
                        while from < end {
                            let level = word_levels[from];
                            let to = word_levels[from..]
                                .iter()
                                .position(|&l| l != level)
                                .map_or(end, |n| from + n);
                            let part = &word_text[from..to];
                            let first = pieces.len();
                            let offset = char_offset + if seg.counted { chars_before } else { 0 };
                            self.push_word(part, seg, offset, para, &mut items, &mut pieces);
                            for piece in pieces[first..].iter_mut().flatten() {
                                piece.level = level;
                            }
                            chars_before += part.chars().count() as u32;
                            from = to;
                        }
                    }
                    None => {
                        self.push_word(word_text, seg, char_offset, para, &mut items, &mut pieces)
                    }
                }
                char_offset += if seg.counted {
                    word_text.chars().count() as u32
                } else {
                    0
                };
                rest = &rest[end..];
            }
        }
        // Remove trailing spaces, then end the paragraph.
        while matches!(items.last(), Some(Item::Glue { .. })) {
            items.pop();
            pieces.pop();
        }
        end_line(&mut items, &mut pieces);
        (items, pieces)
    }

    /// One word (no spaces): boxes split at hyphenation points and after
    /// explicit hyphens and dashes, with penalties between.
    /// A word shaped, with its break opportunities found: cached per face,
    /// per hyphenation setting and per word, since books repeat their words.
    fn prepare(
        &mut self,
        text: &str,
        style: Style,
        features: Features,
        hyphenate: bool,
    ) -> Arc<Prepared> {
        let slot = style.index() * Features::COMBINATIONS + features.index();
        if let Some(prepared) = self.prepared[slot][hyphenate as usize].get(text) {
            return prepared.clone();
        }
        let word = self.shaped(style, features, text);
        let mut points: Vec<(u32, BreakKind)> = Vec::new();
        if hyphenate {
            for p in self.hyphenator.points(text).iter() {
                if word.is_cluster_boundary(p.at) {
                    let kind = BreakKind::Hyphen {
                        capitalised: p.capitalised,
                    };
                    points.push((p.at, kind));
                }
            }
        }
        let mut previous: Option<char> = None;
        let mut chars = text.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            let next = at + c.len_utf8();
            let next_char = chars.peek().map(|&(_, n)| n);
            let between_letters = previous.is_some_and(char::is_alphanumeric)
                && next_char.is_some_and(char::is_alphanumeric);
            // Never between a dash and the punctuation that closes it ("Outsider—”").
            let closes = |n: char| {
                matches!(
                    n,
                    '”' | '’'
                        | '"'
                        | '\''
                        | '»'
                        | '›'
                        | ')'
                        | ']'
                        | ','
                        | '.'
                        | ';'
                        | ':'
                        | '!'
                        | '?'
                )
            };
            let explicit = (c == '-' && between_letters)
                || ((c == '—' || c == '–') && next_char.is_some_and(|n| !closes(n)));
            if explicit && word.is_cluster_boundary(next as u32) {
                points.push((next as u32, BreakKind::Explicit { hyphen: c == '-' }));
            }
            previous = Some(c);
        }
        if text.chars().any(is_cjk) {
            points.extend(
                cjk_breaks(text)
                    .filter(|&at| word.is_cluster_boundary(at))
                    .map(|at| (at, BreakKind::Ideographic)),
            );
        }
        points.sort_by_key(|p| p.0);
        points.dedup_by_key(|p| p.0);
        // The points ascend: each counts the characters from the one before.
        let (mut counted_bytes, mut counted_chars) = (0, 0);
        let points = points
            .into_iter()
            .filter_map(|(byte, kind)| {
                let glyph = word.glyph_index_at(byte);
                counted_chars += text[counted_bytes..byte as usize].chars().count() as u32;
                counted_bytes = byte as usize;
                (glyph > 0 && glyph < word.glyphs.len()).then_some(BreakPoint {
                    glyph: glyph as u32,
                    chars_before: counted_chars,
                    kind,
                })
            })
            .collect();
        let prepared = Arc::new(Prepared {
            word,
            text: Arc::from(text),
            points,
            letter_stretch: letter_stretch(text),
        });
        self.prepared[slot][hyphenate as usize].insert(text.into(), prepared.clone());
        prepared
    }

    /// One word (no spaces): boxes split at hyphenation points and after
    /// explicit hyphens and dashes, with penalties between.
    fn push_word(
        &mut self,
        text: &str,
        seg: &Segment<'_>,
        char_offset: u32,
        para: &ParaStyle,
        items: &mut Vec<Item>,
        pieces: &mut Vec<Option<Piece>>,
    ) {
        if let Some((size, rise)) = seg.superior
            && let Some(word) = self.shaper.superior(seg.style, text)
        {
            let scale = size.0 / word.units_per_em as f64;
            let width = word.glyphs.iter().map(|g| g.advance as f64).sum::<f64>() * scale;
            items.push(Item::Box { width });
            pieces.push(Some(Piece {
                glyphs: 0..word.glyphs.len(),
                word,
                text: Arc::from(text),
                style: seg.style,
                size,
                rise,
                strike: false,
                offset: char_offset,
                note: seg.note,
                tracking: 0.0,
                letter_stretch: letter_stretch(text),
                link: None,
                lang: None,
                level: 0,
            }));
            return;
        }
        let hyphenate = para.hyphenate && seg.note.is_none();
        let prepared = self.prepare(text, seg.style, seg.features, hyphenate);
        let word = &prepared.word;
        let scale = seg.size.0 / word.units_per_em as f64;
        let hyphen_width = self
            .shaper
            .hyphen(seg.style)
            .map_or(seg.size.0 * 0.3, |g| g.advance as f64 * scale);
        let stretch = prepared.letter_stretch;
        let piece = |from_glyph: usize, to_glyph: usize, chars_before: u32| {
            // Letter-spacing after every glyph but the word's last.
            let tracked = to_glyph - from_glyph - usize::from(to_glyph == word.glyphs.len());
            let width: f64 = word.glyphs[from_glyph..to_glyph]
                .iter()
                .map(|g| g.advance as f64)
                .sum::<f64>()
                * scale
                + seg.tracking * tracked as f64;
            let piece = Piece {
                word: word.clone(),
                text: prepared.text.clone(),
                glyphs: from_glyph..to_glyph,
                style: seg.style,
                size: seg.size,
                rise: seg.rise,
                strike: seg.strike,
                offset: if seg.counted {
                    char_offset + chars_before
                } else {
                    char_offset
                },
                note: seg.note,
                tracking: seg.tracking,
                letter_stretch: stretch,
                link: seg.link,
                lang: seg.lang,
                level: u8::from(word.rtl),
            };
            (Item::Box { width }, Some(piece))
        };
        // Justified lines take up a little of their slack between letters, so
        // word spaces stretch less: each box may be tracked out by up to
        // `LETTER_STRETCH` between its glyphs (not a right-to-left word).
        let track = (para.align == Align::Justify && !para.draft && !word.rtl)
            .then_some(seg.size.0 * stretch);
        let letter_glue =
            |items: &mut Vec<Item>, pieces: &mut Vec<Option<Piece>>, glyphs: usize| {
                let Some(track) = track else { return };
                if glyphs < 2 {
                    return;
                }
                if matches!(items.last(), Some(Item::Box { .. })) {
                    // Not a break: two boxes of one word in different styles.
                    items.push(Item::Penalty {
                        width: 0.0,
                        cost: INFINITY,
                        flagged: false,
                    });
                    pieces.push(None);
                }
                items.push(Item::Glue {
                    width: 0.0,
                    stretch: track * (glyphs - 1) as f64,
                    shrink: 0.0,
                });
                pieces.push(None);
            };
        let mut start_glyph = 0usize;
        let mut start_chars = 0u32;
        for point in prepared.points.iter() {
            let glyph = point.glyph as usize;
            if glyph <= start_glyph {
                continue;
            }
            let (item, drawn) = piece(start_glyph, glyph, start_chars);
            letter_glue(items, pieces, glyph - start_glyph);
            items.push(item);
            pieces.push(drawn);
            if point.kind == BreakKind::Ideographic {
                // A gap that may open (a justified line's slack spread between
                // the characters, as CJK text is justified) or close a little;
                // its shrink also keeps it from reading as letter-spacing glue.
                let (stretch, shrink) = if para.align == Align::Justify {
                    (seg.size.0 * CJK_STRETCH, seg.size.0 * CJK_SHRINK)
                } else {
                    (0.0, 0.0)
                };
                items.push(Item::Glue {
                    width: 0.0,
                    stretch,
                    shrink,
                });
                pieces.push(None);
                start_glyph = glyph;
                start_chars = point.chars_before;
                continue;
            }
            let (width, flagged, cost) = match point.kind {
                BreakKind::Hyphen { capitalised: false } => (hyphen_width, true, HYPHEN_PENALTY),
                BreakKind::Hyphen { capitalised: true } => {
                    (hyphen_width, true, CAPITALISED_HYPHEN_PENALTY)
                }
                BreakKind::Explicit { hyphen: true } => (0.0, true, HYPHEN_PENALTY),
                BreakKind::Explicit { hyphen: false } => (0.0, false, DASH_PENALTY),
                BreakKind::Ideographic => unreachable!("set as glue above"),
            };
            items.push(Item::Penalty {
                width,
                cost,
                flagged,
            });
            pieces.push(None);
            start_glyph = glyph;
            start_chars = point.chars_before;
        }
        let (item, drawn) = piece(start_glyph, word.glyphs.len(), start_chars);
        letter_glue(items, pieces, word.glyphs.len() - start_glyph);
        items.push(item);
        pieces.push(drawn);
    }

    fn lines(
        &mut self,
        items: &[Item],
        pieces: &[Option<Piece>],
        breaks: &[Break],
        para: &ParaStyle,
        hang: &Hang,
    ) -> Vec<Line> {
        let mut lines = Vec::with_capacity(breaks.len());
        let mut start = 0;
        let last_break = breaks.len().saturating_sub(1);
        for (n, b) in breaks.iter().enumerate() {
            let is_last = n == last_break;
            let mut line = self.line(
                &items[start..b.position],
                &pieces[start..b.position],
                b,
                para,
                is_last,
            );
            match items.get(b.position) {
                Some(Item::Penalty { width, .. }) if *width > 0.0 => self.append_hyphen(&mut line),
                // A break at a word space, or a hard line break inside the paragraph.
                Some(Item::Glue { width, .. }) if *width > 0.0 && !is_last => {
                    self.end_with_space(&mut line)
                }
                Some(Item::Penalty { cost, .. }) if *cost <= -INFINITY && !is_last => {
                    self.end_with_space(&mut line)
                }
                _ => {}
            }
            // A justified line hangs its edge punctuation into the margins; the
            // glyphs themselves stay inside the measure.
            let left = hang.start.get(start).copied().unwrap_or(0.0);
            let right = if is_last {
                0.0
            } else {
                hang.end.get(b.position).copied().unwrap_or(0.0)
            };
            if para.align == Align::Justify {
                line.x = Pt(-left);
            }
            let mut measure = para.measure.0;
            if n < para.wrap.0 as usize {
                line.x += para.wrap.1;
                measure -= para.wrap.1.0;
            }
            line.overfull = line.width.0 > measure + left + right + 0.01;
            lines.push(line);
            start = b.position + 1;
            while start < items.len() && !matches!(items[start], Item::Box { .. }) {
                if matches!(items[start], Item::Penalty { cost, .. } if cost <= -INFINITY) {
                    break;
                }
                start += 1;
            }
        }
        lines.retain(|l| !l.runs.is_empty() || l.width.0 > 0.0);
        lines
    }

    fn line(
        &mut self,
        items: &[Item],
        pieces: &[Option<Piece>],
        b: &Break,
        para: &ParaStyle,
        is_last: bool,
    ) -> Line {
        let ratio = if para.align == Align::Justify {
            b.ratio.clamp(-1.0, 50.0)
        } else {
            0.0
        };
        // Letters take their share of the stretch, up to three times their
        // limit (never past `MAX_TRACKING`) on a line that could not be set within the tolerance (a little
        // letter-spacing reads better than holes between words); word spaces
        // take the rest.
        // No two letters ever go further apart than `MAX_TRACKING`.
        let letter_ratio = ratio.clamp(0.0, 3.0);
        let spacing_of = |piece: &Piece| {
            let stretch = piece.letter_stretch;
            let most = if stretch > LETTER_STRETCH {
                MAX_CAPITALS_TRACKING
            } else {
                MAX_TRACKING
            };
            (letter_ratio * stretch).min(most) * piece.size.0
        };
        let space_ratio = if ratio > 0.0 {
            let (mut letters, mut taken, mut spaces) = (0.0, 0.0, 0.0);
            for (i, item) in items.iter().enumerate() {
                if let Item::Glue { stretch, .. } = *item {
                    if is_letter_glue(item) {
                        // The glue stands just before the box it tracks.
                        letters += stretch;
                        if let Some(Some(piece)) = pieces.get(i + 1) {
                            taken +=
                                spacing_of(piece) * piece.glyphs.len().saturating_sub(1) as f64;
                        }
                    } else if stretch < 1e4 {
                        spaces += stretch;
                    }
                }
            }
            if spaces > 0.0 {
                (ratio * (letters + spaces) - taken) / spaces
            } else {
                ratio
            }
        } else {
            ratio
        };
        let mut tracked = false;
        // The space between the last box's letters: a word space starts that
        // far after it, so the PDF's letter-spacing (`Tc`) places it and the
        // stream needs no offset there.
        let mut letter_gap = 0.0;
        let mut x = 0.0;
        let mut runs: Vec<LineRun> = Vec::new();
        let mut spaces_em = Vec::new();
        let mut notes = Vec::new();
        let start_offset = pieces.iter().flatten().map(|p| p.offset).next();
        // Most lines are placed as written; only a line with right-to-left words pays for an order.
        let reordered = visual_order(items, pieces);
        let mut as_written = 0..items.len();
        let mut listed;
        let order: &mut dyn Iterator<Item = usize> = match &reordered {
            Some(order) => {
                listed = order.iter().copied();
                &mut listed
            }
            None => &mut as_written,
        };
        for i in order {
            let (item, piece) = (&items[i], &pieces[i]);
            match (item, piece) {
                (Item::Box { width }, Some(piece)) => {
                    if let Some(note) = piece.note {
                        notes.push(note);
                    }
                    let spacing = if tracked { spacing_of(piece) } else { 0.0 };
                    push_glyphs(&mut runs, piece, x, spacing);
                    x += width + spacing * piece.glyphs.len().saturating_sub(1) as f64;
                    letter_gap = spacing + piece.tracking;
                }
                (Item::Box { width }, None) => x += width,
                (item @ Item::Glue { .. }, _) if is_letter_glue(item) => tracked = true,
                (
                    Item::Glue {
                        width,
                        stretch,
                        shrink,
                    },
                    _,
                ) => {
                    tracked = false;
                    let adjusted = if ratio >= 0.0 {
                        width + space_ratio * stretch
                    } else {
                        width + ratio * shrink
                    };
                    // The paragraph-filling glue does not count as a word space.
                    if *stretch < 1e4 && !runs.is_empty() {
                        let em = runs.last().map_or(para.size.0, |r| r.size.0);
                        if para.align == Align::Justify && !is_last {
                            spaces_em.push((adjusted / em) as f32);
                        }
                        // A break allowed inside an address (after `/` or `.`) is no space.
                        if *width > 0.0 {
                            let gap = letter_gap.min(adjusted);
                            // A space between two words of a passage in another
                            // language is the passage's.
                            let within = pieces[i + 1..]
                                .iter()
                                .flatten()
                                .next()
                                .map(role_of)
                                .filter(|r| matches!(r, RunRole::Language(_)));
                            self.push_space(&mut runs, x + gap, adjusted - gap, within);
                        }
                        x += adjusted;
                    } else if *stretch < 1e4 {
                        x += adjusted;
                    }
                }
                _ => {}
            }
        }
        // Trailing fill glue adds no width to the line.
        let width = Pt(x);
        let offset_x = match para.align {
            Align::Center => Pt(((para.measure.0 - x) / 2.0).max(0.0)),
            Align::Right => Pt((para.measure.0 - x).max(0.0)),
            _ => Pt::ZERO,
        };
        Line {
            runs,
            x: offset_x,
            width,
            start: start_offset.unwrap_or(0),
            ratio,
            hyphenated: b.hyphenated,
            spaces_em,
            overfull: false,
            notes,
            outlines: Vec::new(),
        }
    }

    /// A word space as the face's space glyph at `x` (line-relative), `width`
    /// wide: the gap is the same, and the text a reader takes from the page
    /// (a screen reader's, from the tagged structure) has its spaces. It goes
    /// at the end of the text run before it, or in a run of its own after a
    /// note reference or a marker, which are tagged apart from the text.
    /// `within`: the role of the words on both sides, when the space is theirs.
    fn push_space(&mut self, runs: &mut Vec<LineRun>, x: f64, width: f64, within: Option<RunRole>) {
        let Some(last) = runs.last() else {
            return;
        };
        let Some(glyph) = self.shaper.space_glyph(last.style) else {
            return;
        };
        let joined = within.is_some_and(|role| role == last.role && !last.hidden);
        if !joined && (last.role != RunRole::Text || last.hidden) {
            let run = LineRun {
                x: Pt(x),
                glyphs: Default::default(),
                text: Default::default(),
                role: RunRole::Text,
                hidden: false,
                ..last.clone()
            };
            runs.push(run);
        }
        let run = runs.last_mut().expect("a run is there");
        let text_start = run.text.len() as u32;
        run.text.push(' ');
        run.glyphs.push(PlacedGlyph {
            id: glyph.id,
            x: Pt(x - run.x.0),
            advance: Pt(width),
            text_start,
            text_len: 1,
        });
    }

    /// A hyphen added where a word breaks at the line's end: a run of its
    /// own, an artifact, so the word reads whole from the tagged text.
    fn append_hyphen(&mut self, line: &mut Line) {
        let Some(run) = line.runs.last() else {
            return;
        };
        let Some(glyph) = self.shaper.hyphen(run.style) else {
            return;
        };
        let scale = run.size.0 / self.shaper.units_per_em(run.style) as f64;
        let x = run.x.0 + run.glyphs.last().map_or(0.0, |g| g.x.0 + g.advance.0);
        let mut hyphen = LineRun {
            x: Pt(x),
            glyphs: Default::default(),
            text: "-".into(),
            role: RunRole::Artifact,
            hidden: false,
            ..run.clone()
        };
        hyphen.glyphs.push(PlacedGlyph {
            id: glyph.id,
            x: Pt::ZERO,
            advance: Pt(glyph.advance as f64 * scale),
            text_start: 0,
            text_len: 1,
        });
        line.runs.push(hyphen);
        line.width = Pt(x + glyph.advance as f64 * scale);
    }

    /// A space after the line's last word when the paragraph goes on after
    /// it at a word space or a hard line break: no width (the line's measure
    /// and ink are unchanged), but the tagged text does not run the line's
    /// last word into the next line's first.
    pub fn end_with_space(&mut self, line: &mut Line) {
        let Some(last) = line.runs.last() else {
            return;
        };
        let x = last.x.0 + last.glyphs.last().map_or(0.0, |g| g.x.0 + g.advance.0);
        self.push_space(&mut line.runs, x, 0.0, None);
    }
}

/// The order in which a line's items are placed, left to right: Unicode's
/// bidi algorithm's (UAX #9, rule L2) on the embedding levels `unicode-bidi`
/// resolved for the paragraph, each box at its piece's level (a word was
/// split where its level changes, and each part shaped in its direction):
/// from the highest level down to the lowest odd one, every run of items at
/// that level or above is reversed. A space or penalty takes the lower level
/// of the boxes either side of it (a space between two right-to-left words
/// is theirs, one between a left-to-right and a right-to-left word the
/// paragraph's). `None` when every piece is at level 0 (placed as written).
fn visual_order(items: &[Item], pieces: &[Option<Piece>]) -> Option<Vec<usize>> {
    if !pieces.iter().flatten().any(|p| p.level > 0) {
        return None;
    }
    let n = items.len();
    let box_level = |i: usize| pieces[i].as_ref().map(|p| p.level);
    let mut before = vec![None; n];
    let mut last = None;
    for (i, slot) in before.iter_mut().enumerate() {
        *slot = last;
        last = box_level(i).or(last);
    }
    let mut levels = vec![0u8; n];
    let mut next = None;
    for i in (0..n).rev() {
        levels[i] = box_level(i).unwrap_or_else(|| match (before[i], next) {
            (Some(a), Some(b)) => a.min(b),
            _ => 0,
        });
        next = box_level(i).or(next);
    }
    let highest = levels.iter().copied().max().unwrap_or(0);
    let lowest_odd = levels
        .iter()
        .copied()
        .filter(|l| l % 2 == 1)
        .min()
        .unwrap_or(1);
    let mut order: Vec<(usize, u8)> = levels.into_iter().enumerate().collect();
    for level in (lowest_odd..=highest).rev() {
        let mut i = 0;
        while i < n {
            if order[i].1 < level {
                i += 1;
                continue;
            }
            let start = i;
            while i < n && order[i].1 >= level {
                i += 1;
            }
            order[start..i].reverse();
        }
    }
    Some(order.into_iter().map(|(i, _)| i).collect())
}

/// What a piece's glyphs are to a reader: a note reference, a link's words,
/// a passage in another language, or the block's text.
fn role_of(piece: &Piece) -> RunRole {
    match (piece.note, piece.link, piece.lang) {
        (Some(note), _, _) => RunRole::NoteRef(note),
        (None, Some(link), _) => RunRole::Link(link),
        (None, None, Some(lang)) => RunRole::Language(lang),
        (None, None, None) => RunRole::Text,
    }
}

/// Adds a box's glyphs at `x` (line-relative), merging into the last run when
/// face, size and rise match; a glyph from a fallback face starts a run of its own.
/// Places a box's glyphs from `x`, `spacing` apart beyond their advances
/// (letter-spacing a justified line takes up).
fn push_glyphs(runs: &mut Vec<LineRun>, piece: &Piece, x: f64, spacing: f64) {
    let upem_scale = piece.size.0 / piece.word.units_per_em as f64;
    let glyphs = &piece.word.glyphs[piece.glyphs.clone()];
    let last = piece.word.glyphs.len().saturating_sub(1);
    let mut previous_cluster = None;
    let mut pen = x;
    for (index, g) in (piece.glyphs.start..).zip(glyphs) {
        let face = if piece.word.fell_back.is_empty() {
            piece.style
        } else {
            g.face
        };
        let role = role_of(piece);
        let same = runs.last().is_some_and(|r| {
            r.style == face
                && r.size == piece.size
                && r.rise == piece.rise
                && r.strike == piece.strike
                && r.role == role
                && r.slant == g.slant
        });
        if !same {
            runs.push(LineRun {
                hidden: false,
                style: face,
                size: piece.size,
                rise: piece.rise,
                strike: piece.strike,
                x: Pt(pen),
                glyphs: Default::default(),
                text: Default::default(),
                role,
                slant: g.slant,
            });
        }
        let run = runs.last_mut().expect("a run was just pushed");
        // A glyph shows its cluster's text: up to the next cluster start in
        // logical order (right-to-left words have their clusters reversed);
        // the second glyph of a cluster shows nothing more.
        let cluster_start = g.cluster as usize;
        let shown = if previous_cluster == Some(g.cluster) {
            ""
        } else {
            let cluster_end = piece
                .word
                .cluster_end(g.cluster)
                .map_or(piece.text.len(), |c| c as usize);
            piece.text.get(cluster_start..cluster_end).unwrap_or("")
        };
        previous_cluster = Some(g.cluster);
        let text_start = run.text.len() as u32;
        if piece.word.rtl && shown.chars().nth(1).is_some() {
            // Readers turn right-to-left text back into logical order
            // character by character, a ligature's characters included: give
            // them in visual order so they come out right (لا, not ال).
            run.text.extend(shown.chars().rev());
        } else {
            run.text.push_str(shown);
        }
        run.glyphs.push(PlacedGlyph {
            id: g.id,
            x: Pt(pen - run.x.0 + g.x_offset as f64 * upem_scale),
            advance: Pt(g.advance as f64 * upem_scale),
            text_start,
            text_len: shown.len() as u16,
        });
        pen += g.advance as f64 * upem_scale + spacing;
        if index < last {
            pen += piece.tracking;
        }
    }
}

/// Plain text in the paragraph's one style, as a single segment.
fn plain_segment<'t>(text: &'t str, para: &ParaStyle) -> Segment<'t> {
    Segment {
        text: if para.case == Case::Upper {
            capitals(text).into()
        } else {
            text.into()
        },
        style: para.style,
        size: para.size,
        rise: Pt::ZERO,
        strike: false,
        offset: 0,
        note: None,
        counted: true,
        superior: None,
        features: case_features(para.case),
        tracking: para.tracking * para.size.0,
        link: None,
        lang: None,
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
}
