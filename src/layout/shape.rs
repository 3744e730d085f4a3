//! Shaping with rustybuzz (kerning, ligatures, the font's own spacing).
//! Text is shaped a word at a time and each distinct word once per face: a
//! book repeats its words, so the cache turns a million words into a few tens
//! of thousands of shaping calls, each with a plan built once per face.
//! Characters a face lacks are shaped, run by run, in the first fallback
//! face that has them; each glyph records the face it comes from.

use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

use rustybuzz::{Direction, Face, Language, Script, ShapePlan, UnicodeBuffer};

use crate::fonts::{Fonts, Style};

/// OpenType features a word is shaped with, beyond the face's defaults: a
/// small set, so each combination has its own cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Features(u8);

impl Features {
    pub const NONE: Features = Features(0);
    /// Lower-case letters as small capitals (`smcp`).
    pub const SMALL_CAPS: Features = Features(1);
    /// Capitals as small capitals too (`c2sc`).
    pub const CAPS_TO_SMALL: Features = Features(2);
    /// Old-style figures (`onum`).
    pub const OLDSTYLE: Features = Features(4);
    /// Lining figures (`lnum`).
    pub const LINING: Features = Features(8);
    /// How many combinations there are (the caches' stride).
    pub const COMBINATIONS: usize = 16;

    pub fn contains(self, other: Features) -> bool {
        self.0 & other.0 == other.0
    }

    pub fn with(self, other: Features) -> Features {
        Features(self.0 | other.0)
    }

    pub fn without(self, other: Features) -> Features {
        Features(self.0 & !other.0)
    }

    pub fn index(self) -> usize {
        self.0 as usize
    }

    /// The figures a style asks for in running text.
    pub fn of_figures(figures: crate::model::style::Figures) -> Features {
        use crate::model::style::Figures;
        match figures {
            Figures::Default => Features::NONE,
            Figures::OldStyle => Features::OLDSTYLE,
            Figures::Lining => Features::LINING,
        }
    }

    /// The rustybuzz features to turn on.
    fn list(self) -> Vec<rustybuzz::Feature> {
        let tag = rustybuzz::ttf_parser::Tag::from_bytes;
        [
            (Features::SMALL_CAPS, b"smcp"),
            (Features::CAPS_TO_SMALL, b"c2sc"),
            (Features::OLDSTYLE, b"onum"),
            (Features::OLDSTYLE, b"pnum"),
            (Features::LINING, b"lnum"),
        ]
        .into_iter()
        .filter(|(f, _)| self.contains(*f))
        .map(|(_, name)| rustybuzz::Feature::new(tag(name), 1, ..))
        .collect()
    }
}

/// One glyph of a shaped word, in font units.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Glyph {
    pub id: u16,
    pub advance: f32,
    pub x_offset: f32,
    pub y_offset: f32,
    /// Byte offset in the word of the first character this glyph shows.
    pub cluster: u32,
    /// The face the glyph is drawn from (a fallback, or the word's own).
    pub face: Style,
    /// Drawn slanted: a character of an italic word from an upright fallback
    /// face (no italic of its own among the fallbacks).
    pub slant: bool,
}

/// A shaped word: glyphs in visual order and the total advance, in font units.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Word {
    pub glyphs: Box<[Glyph]>,
    pub width: f32,
    /// A character no face has a glyph for (shaped as .notdef).
    pub missing: Option<char>,
    /// Characters taken from fallback faces, with the face.
    pub fell_back: Vec<(char, Style)>,
    /// Shaped right to left (glyphs in visual order, clusters descending).
    pub rtl: bool,
    /// The face's units per em, to scale the glyphs to a size.
    pub units_per_em: f32,
    /// Lookups by byte offset, for a long word.
    index: ClusterIndex,
}

/// Glyphs a word needs before its lookups by byte offset are indexed: a
/// scan of a shorter word is as quick as a bisection.
const INDEXED_GLYPHS: usize = 32;

/// What a long word's lookups by byte offset need, so that setting a word
/// of n glyphs (an 8,000-letter name, a URL, a DNA string), asked once per
/// glyph or break point, costs n log n rather than n². Empty for a short word.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
struct ClusterIndex {
    /// The largest cluster among glyphs `0..=i`: the first glyph whose
    /// cluster reaches a byte is found by bisection, clusters in any order.
    reached: Box<[u32]>,
    /// The clusters' starts, sorted, each once.
    starts: Box<[u32]>,
}

impl ClusterIndex {
    fn of(glyphs: &[Glyph]) -> ClusterIndex {
        if glyphs.len() < INDEXED_GLYPHS {
            return ClusterIndex::default();
        }
        let mut reached = Vec::with_capacity(glyphs.len());
        let mut most = 0;
        for g in glyphs {
            most = most.max(g.cluster);
            reached.push(most);
        }
        let mut starts: Vec<u32> = glyphs.iter().map(|g| g.cluster).collect();
        starts.sort_unstable();
        starts.dedup();
        ClusterIndex {
            reached: reached.into(),
            starts: starts.into(),
        }
    }

    fn is_empty(&self) -> bool {
        self.reached.is_empty()
    }
}

impl Word {
    fn new(
        glyphs: Box<[Glyph]>,
        missing: Option<char>,
        fell_back: Vec<(char, Style)>,
        rtl: bool,
        units_per_em: f32,
    ) -> Word {
        Word {
            width: glyphs.iter().map(|g| g.advance).sum(),
            index: ClusterIndex::of(&glyphs),
            glyphs,
            missing,
            fell_back,
            rtl,
            units_per_em,
        }
    }

    /// True when `byte` starts a glyph cluster (a ligature does not span it).
    pub fn is_cluster_boundary(&self, byte: u32) -> bool {
        if self.index.is_empty() {
            return self.glyphs.iter().any(|g| g.cluster == byte);
        }
        self.index.starts.binary_search(&byte).is_ok()
    }

    /// Index of the first glyph whose cluster starts at or after `byte`.
    pub fn glyph_index_at(&self, byte: u32) -> usize {
        if self.index.is_empty() {
            return self
                .glyphs
                .iter()
                .position(|g| g.cluster >= byte)
                .unwrap_or(self.glyphs.len());
        }
        self.index.reached.partition_point(|&c| c < byte)
    }

    /// Where the cluster starting at byte `start` ends: the next cluster's
    /// start in logical order, or `None` for the word's last cluster.
    pub fn cluster_end(&self, start: u32) -> Option<u32> {
        if self.index.is_empty() {
            return self
                .glyphs
                .iter()
                .map(|g| g.cluster)
                .filter(|&c| c > start)
                .min();
        }
        let starts = &self.index.starts;
        starts.get(starts.partition_point(|&c| c <= start)).copied()
    }
}

/// Words shaped in one set of faces for one language, shared by every
/// shaper on those faces (the layout workers, the covers, the next book of
/// a catalogue set in the same fonts), so each distinct word is shaped once:
/// a worker that asks for a word another is shaping waits for it.
pub struct WordTable {
    /// Per face and feature combination, then per shard of the words' hashes.
    slots: Vec<Vec<WordShard>>,
    /// The build under way, by number: each word is stamped with the last
    /// build that asked for it, so a long session can forget the others.
    build: std::sync::atomic::AtomicU32,
}

/// A [`WordTable`] held for reading the words one build asked for: read
/// in place (copying out the 34,000 words of a long book, each text and
/// reference, was 15 ms on one core at the end of its build).
pub struct Asked<'t> {
    /// Each slot's shards, locked.
    shards: Vec<(u32, std::sync::MutexGuard<'t, WordMap>)>,
    build: u32,
}

impl Asked<'_> {
    /// Each word shaped for the build, with its slot (face × feature combination).
    pub fn words(&self) -> impl Iterator<Item = (u32, &str, &Arc<Word>)> {
        self.shards.iter().flat_map(|(slot, map)| {
            map.iter()
                .filter(|(_, (_, asked))| *asked == self.build)
                .filter_map(|(text, (cell, _))| Some((*slot, &**text, cell.get()?)))
        })
    }
}

type WordCell = Arc<std::sync::OnceLock<Arc<Word>>>;
/// A word's cell and the last build that asked for it.
type WordShard = std::sync::Mutex<WordMap>;
/// Each word's cell and the last build that asked for it, by its text.
type WordMap = HashMap<Box<str>, (WordCell, u32)>;

/// Shards per slot: enough that workers seldom meet on one lock.
const SHARDS: usize = 32;

impl WordTable {
    pub fn new(faces: usize) -> WordTable {
        WordTable {
            slots: (0..faces * Features::COMBINATIONS)
                .map(|_| {
                    (0..SHARDS)
                        .map(|_| std::sync::Mutex::new(HashMap::default()))
                        .collect()
                })
                .collect(),
            build: std::sync::atomic::AtomicU32::new(0),
        }
    }

    /// The word's cell, made empty when the word is new.
    fn cell(&self, slot: usize, text: &str) -> Option<WordCell> {
        use std::hash::BuildHasher;
        let shard = (rustc_hash::FxBuildHasher.hash_one(text) as usize) % SHARDS;
        let build = self.build.load(std::sync::atomic::Ordering::Relaxed);
        // A worker that panicked holding the lock left the map whole: carry on with it.
        let mut map = match self.slots.get(slot)?[shard].lock() {
            Ok(map) => map,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some((cell, asked)) = map.get_mut(text) {
            *asked = build;
            return Some(cell.clone());
        }
        let cell = WordCell::default();
        map.insert(text.into(), (cell.clone(), build));
        Some(cell)
    }

    /// Ends a build: forgets the words neither it nor the build before it
    /// asked for, and counts the next build. A session that rebuilds on
    /// every edit (`quire watch`, `quire serve`) keeps the words of its last
    /// two builds, not of every edit since it started; a word forgotten and
    /// needed again is shaped again. (Each build's shapers are new, so every
    /// word a build sets asks the table once.) Returns the words forgotten.
    pub fn end_build(&self) -> usize {
        use std::sync::atomic::Ordering;
        let ended = self.build.fetch_add(1, Ordering::Relaxed);
        let mut forgotten = 0;
        for shard in self.slots.iter().flatten() {
            let mut map = match shard.lock() {
                Ok(map) => map,
                Err(poisoned) => poisoned.into_inner(),
            };
            let before = map.len();
            map.retain(|_, (_, asked)| ended.wrapping_sub(*asked) <= 1);
            forgotten += before - map.len();
        }
        forgotten
    }

    /// The number of the build under way (see [`WordTable::asked_in`]).
    pub fn current_build(&self) -> u32 {
        self.build.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The words build number `build` asked for ([`Asked::words`]), the
    /// table held while they are read: what the build cache on disk keeps.
    pub fn asked_in(&self, build: u32) -> Asked<'_> {
        let shards = self
            .slots
            .iter()
            .enumerate()
            .flat_map(|(slot, shards)| {
                shards.iter().map(move |shard| {
                    let map = match shard.lock() {
                        Ok(map) => map,
                        Err(poisoned) => poisoned.into_inner(),
                    };
                    (slot as u32, map)
                })
            })
            .collect();
        Asked { shards, build }
    }

    /// Puts a word shaped by an earlier process in its slot; a slot these
    /// faces do not have is ignored (the caller checked the faces' key).
    /// The word counts as asked for by the build under way: a build that
    /// takes most paragraphs whole from the cache asks for few words, and
    /// the next entry keeps the book's words all the same.
    pub fn insert_shaped(&self, slot: u32, text: &str, word: Arc<Word>) {
        use std::hash::BuildHasher;
        let Some(slot) = self.slots.get(slot as usize) else {
            return;
        };
        let shard = (rustc_hash::FxBuildHasher.hash_one(text) as usize) % SHARDS;
        let build = self.build.load(std::sync::atomic::Ordering::Relaxed);
        let mut map = match slot[shard].lock() {
            Ok(map) => map,
            Err(poisoned) => poisoned.into_inner(),
        };
        map.entry(text.into()).or_insert_with(|| {
            let cell = WordCell::default();
            let _ = cell.set(word);
            (cell, build)
        });
    }

    /// Distinct words shaped (for tests and benchmarks).
    pub fn len(&self) -> usize {
        self.slots
            .iter()
            .flatten()
            .map(|shard| shard.lock().map_or(0, |m| m.len()))
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl std::fmt::Debug for WordTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "WordTable({} words)", self.len())
    }
}

/// The words shaped in one set of faces, a [`WordTable`] per language:
/// what every shaper on those faces shares. It lives beside the faces (in
/// the build cache, with the key of their files), not inside them, so the
/// fonts know nothing of shaping. Clones share the tables.
#[derive(Debug, Clone, Default)]
pub struct ShapedWords(Arc<std::sync::Mutex<HashMap<String, Arc<WordTable>>>>);

impl ShapedWords {
    /// The words shaped for `language` in a set of `faces` faces.
    pub fn table(&self, language: &str, faces: usize) -> Arc<WordTable> {
        let mut tables = match self.0.lock() {
            Ok(tables) => tables,
            Err(poisoned) => poisoned.into_inner(),
        };
        tables
            .entry(language.to_string())
            .or_insert_with(|| Arc::new(WordTable::new(faces)))
            .clone()
    }

    /// The languages with words shaped (for the build cache on disk).
    pub fn languages(&self) -> Vec<String> {
        let tables = match self.0.lock() {
            Ok(tables) => tables,
            Err(poisoned) => poisoned.into_inner(),
        };
        tables.keys().cloned().collect()
    }

    /// Distinct words shaped for `language` (for tests and benchmarks).
    pub fn len(&self, language: &str) -> usize {
        let tables = match self.0.lock() {
            Ok(tables) => tables,
            Err(poisoned) => poisoned.into_inner(),
        };
        tables.get(language).map_or(0, |table| table.len())
    }

    /// Ends a build (see [`WordTable::end_build`]): each language's table
    /// forgets the words the last two builds did not ask for, and a
    /// language they did not use at all is dropped. Returns the words forgotten.
    pub fn end_build(&self) -> usize {
        let mut tables = match self.0.lock() {
            Ok(tables) => tables,
            Err(poisoned) => poisoned.into_inner(),
        };
        let forgotten = tables.values().map(|table| table.end_build()).sum();
        tables.retain(|_, table| !table.is_empty());
        forgotten
    }
}

/// Shapes words in the book's faces, caching each distinct word.
pub struct Shaper<'f> {
    faces: Vec<Face<'f>>,
    fallbacks: Vec<Style>,
    /// The fallbacks in the order tried for a word of each slant and weight
    /// (`[italic as usize * 2 + bold as usize]`): those of the word's own
    /// slant and weight first (an italic word's Greek from an italic
    /// fallback), then the others, each group in the book's order.
    fallback_order: [Vec<Style>; 4],
    /// Per face: italic (or oblique).
    italic: Vec<bool>,
    /// Shaping plans by face, script, direction, features and superior figures on.
    plans: HashMap<(Style, Script, Direction, Features, bool), ShapePlan>,
    /// Per face and feature combination (`face * COMBINATIONS + features`):
    /// this shaper's words, looked up without a lock.
    cache: Vec<HashMap<Box<str>, Arc<Word>>>,
    /// Every shaper's words on these faces and this language.
    shared: Arc<WordTable>,
    /// Faces with small capitals of their own (`smcp`).
    small_caps: Vec<bool>,
    /// Letters the face has a small capital for, by face, letter and whether
    /// capitals are asked for too (`c2sc`): a face may cover Latin and not Cyrillic.
    small_cap_letters: HashMap<(Style, char, bool), bool>,
    /// Words shaped with the face's superior figures (`sups`), or `None` where it has none.
    superiors: HashMap<(Style, Box<str>), Option<Arc<Word>>>,
    language: Option<Language>,
    units_per_em: Vec<f32>,
    space: Vec<f32>,
    hyphen: Vec<Option<Glyph>>,
    /// Each face's space glyph: set between words so the text reads with its spaces.
    space_glyph: Vec<Option<Glyph>>,
    /// Kept between calls: shaping reuses its allocation.
    buffer: Option<UnicodeBuffer>,
    /// Time spent shaping (cache misses), for the benchmark.
    pub shaping: std::time::Duration,
}

impl<'f> Shaper<'f> {
    pub fn new(fonts: &'f Fonts, words: &ShapedWords, language: &str) -> Shaper<'f> {
        let faces: Vec<Face<'f>> = fonts
            .iter()
            .map(|(_, font)| {
                Face::from_slice(&font.bytes, 0).expect("fonts were checked when loaded")
            })
            .collect();
        let count = faces.len();
        let units_per_em = faces.iter().map(|f| f.units_per_em() as f32).collect();
        let small_caps = faces.iter().map(has_small_caps).collect();
        let italic: Vec<bool> = faces
            .iter()
            .map(|f| f.is_italic() || f.is_oblique())
            .collect();
        let bold: Vec<bool> = faces.iter().map(|f| f.is_bold()).collect();
        let fallbacks: Vec<Style> = fonts.fallbacks().collect();
        let fallback_order = [0, 1, 2, 3].map(|n: usize| {
            let (want_italic, want_bold) = (n >= 2, n % 2 == 1);
            let mut order = fallbacks.clone();
            order.sort_by_key(|f| {
                (
                    italic[f.index()] != want_italic,
                    bold[f.index()] != want_bold,
                )
            });
            order
        });
        let mut shaper = Shaper {
            faces,
            fallbacks,
            fallback_order,
            italic,
            plans: HashMap::default(),
            cache: vec![HashMap::default(); count * Features::COMBINATIONS],
            shared: words.table(language, count),
            small_caps,
            small_cap_letters: HashMap::default(),
            superiors: HashMap::default(),
            language: language.parse().ok(),
            units_per_em,
            space: vec![0.0; count],
            hyphen: vec![None; count],
            space_glyph: vec![None; count],
            shaping: std::time::Duration::ZERO,
            buffer: None,
        };
        for index in 0..count {
            let style = Style::from_index(index);
            let space = shaper.shape_in(style, " ", Features::NONE, false);
            // A font without a space glyph still needs a word space: use a quarter em.
            shaper.space[index] = if space.missing.is_some() || space.width <= 0.0 {
                shaper.units_per_em[index] / 4.0
            } else {
                space.width
            };
            let hyphen = shaper.shape_in(style, "-", Features::NONE, false);
            shaper.hyphen[index] = hyphen.glyphs.first().copied().filter(|g| g.id != 0);
            shaper.space_glyph[index] = space
                .glyphs
                .first()
                .copied()
                .filter(|g| g.id != 0 && space.missing.is_none());
        }
        shaper
    }

    /// Number of faces (text, code and fallbacks).
    pub fn face_count(&self) -> usize {
        self.faces.len()
    }

    pub fn units_per_em(&self, style: Style) -> f32 {
        self.units_per_em[style.index()]
    }

    /// The face's natural word space, in font units.
    pub fn space(&self, style: Style) -> f32 {
        self.space[style.index()]
    }

    /// The space glyph of a face, when it has one.
    pub fn space_glyph(&self, style: Style) -> Option<Glyph> {
        self.space_glyph[style.index()]
    }

    /// The hyphen glyph of a face.
    pub fn hyphen(&self, style: Style) -> Option<Glyph> {
        self.hyphen[style.index()]
    }

    /// Glyph id for a single character, if the face has it.
    pub fn has_char(&self, style: Style, c: char) -> bool {
        self.faces[style.index()].glyph_index(c).is_some()
    }

    /// The face's capital height, as a share of the em (0.7 when the font does not say).
    pub fn cap_height(&self, style: Style) -> f64 {
        let face = &self.faces[style.index()];
        face.capital_height()
            .filter(|&h| h > 0)
            .map_or(0.7, |h| f64::from(h) / f64::from(face.units_per_em()))
    }

    /// A glyph's outline as closed rings of points at `size`, in points from
    /// its origin (y down), cubic Bézier control points marked (quadratic
    /// curves raised to cubic).
    pub fn outline(&self, style: Style, glyph: u16, size: f64) -> Vec<Vec<(f64, f64, bool)>> {
        struct Rings {
            scale: f64,
            rings: Vec<Vec<(f64, f64, bool)>>,
            last: (f64, f64),
        }
        impl Rings {
            fn point(&self, x: f32, y: f32) -> (f64, f64) {
                (f64::from(x) * self.scale, -f64::from(y) * self.scale)
            }
            fn push(&mut self, p: (f64, f64), control: bool) {
                if let Some(ring) = self.rings.last_mut() {
                    ring.push((p.0, p.1, control));
                }
                if !control {
                    self.last = p;
                }
            }
        }
        impl rustybuzz::ttf_parser::OutlineBuilder for Rings {
            fn move_to(&mut self, x: f32, y: f32) {
                let p = self.point(x, y);
                self.rings.push(Vec::new());
                self.push(p, false);
            }
            fn line_to(&mut self, x: f32, y: f32) {
                let p = self.point(x, y);
                self.push(p, false);
            }
            fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
                let (q, end, start) = (self.point(x1, y1), self.point(x, y), self.last);
                let c1 = (
                    start.0 + (q.0 - start.0) * 2.0 / 3.0,
                    start.1 + (q.1 - start.1) * 2.0 / 3.0,
                );
                let c2 = (
                    end.0 + (q.0 - end.0) * 2.0 / 3.0,
                    end.1 + (q.1 - end.1) * 2.0 / 3.0,
                );
                self.push(c1, true);
                self.push(c2, true);
                self.push(end, false);
            }
            fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
                let (c1, c2, end) = (self.point(x1, y1), self.point(x2, y2), self.point(x, y));
                self.push(c1, true);
                self.push(c2, true);
                self.push(end, false);
            }
            fn close(&mut self) {}
        }
        let face = &self.faces[style.index()];
        let mut rings = Rings {
            scale: size / f64::from(face.units_per_em()),
            rings: Vec::new(),
            last: (0.0, 0.0),
        };
        face.outline_glyph(rustybuzz::ttf_parser::GlyphId(glyph), &mut rings);
        rings.rings
    }

    /// Whether the face has a small capital for every letter of `text` that
    /// small caps change: the lower-case letters, and with `capitals` the
    /// capitals too. Letters it lacks them for are made from scaled capitals.
    pub fn small_caps_cover(&mut self, style: Style, text: &str, capitals: bool) -> bool {
        if !self.small_caps[style.index()] {
            return false;
        }
        let features = if capitals {
            Features::SMALL_CAPS.with(Features::CAPS_TO_SMALL)
        } else {
            Features::SMALL_CAPS
        };
        for c in text.chars() {
            if !(c.is_lowercase() || (capitals && c.is_uppercase())) {
                continue;
            }
            let key = (style, c, capitals);
            let covered = match self.small_cap_letters.get(&key) {
                Some(&covered) => covered,
                None => {
                    let mut letter = [0u8; 4];
                    let letter = c.encode_utf8(&mut letter);
                    let plain = self.shape_in(style, letter, Features::NONE, false);
                    let small = self.shape_in(style, letter, features, false);
                    let covered =
                        plain.glyphs.first().map(|g| g.id) != small.glyphs.first().map(|g| g.id);
                    self.small_cap_letters.insert(key, covered);
                    covered
                }
            };
            if !covered {
                return false;
            }
        }
        true
    }

    /// Shapes `text` (a word, without spaces) in `style`, from the cache when seen before.
    pub fn word(&mut self, style: Style, text: &str) -> Arc<Word> {
        self.word_with(style, Features::NONE, text)
    }

    /// Shapes `text` in `style` with OpenType `features` (the code face takes none).
    pub fn word_with(&mut self, style: Style, features: Features, text: &str) -> Arc<Word> {
        let features = if style == Style::Mono {
            Features::NONE
        } else {
            features
        };
        let slot = style.index() * Features::COMBINATIONS + features.index();
        if let Some(word) = self.cache[slot].get(text) {
            return word.clone();
        }
        let word = match self.shared.cell(slot, text) {
            Some(cell) => cell
                .get_or_init(|| Arc::new(self.shape_word(style, features, text)))
                .clone(),
            None => Arc::new(self.shape_word(style, features, text)),
        };
        self.cache[slot].insert(text.into(), word.clone());
        word
    }

    fn shape_word(&mut self, style: Style, features: Features, text: &str) -> Word {
        let started = std::time::Instant::now();
        let mut word = self.shape_in(style, text, features, false);
        if word.missing.is_some() && !self.fallbacks.is_empty() {
            word = self.with_fallbacks(style, text, word);
        }
        self.shaping += started.elapsed();
        word
    }

    /// Replaces each run of .notdef glyphs with the same characters shaped in
    /// the first fallback face that has them (scaled to the word's units).
    fn with_fallbacks(&mut self, style: Style, text: &str, word: Word) -> Word {
        let own_upem = self.units_per_em[style.index()];
        // Cluster starts in logical order, to find where each cluster ends.
        let mut starts: Vec<u32> = word.glyphs.iter().map(|g| g.cluster).collect();
        starts.sort_unstable();
        starts.dedup();
        let end_of = |cluster: u32| {
            let i = starts.partition_point(|&c| c <= cluster);
            starts.get(i).map_or(text.len(), |&c| c as usize)
        };
        let mut glyphs: Vec<Glyph> = Vec::with_capacity(word.glyphs.len());
        let mut fell_back = Vec::new();
        let mut missing = None;
        let mut i = 0;
        while i < word.glyphs.len() {
            if word.glyphs[i].id != 0 {
                glyphs.push(word.glyphs[i]);
                i += 1;
                continue;
            }
            // A run of .notdef glyphs: the bytes their clusters cover, with
            // the face's own glyphs in those clusters (a joiner between two
            // emoji the face lacks is in their cluster: shaped once, with them).
            let mut j = i;
            let (mut from, mut to) = (usize::MAX, 0);
            while let Some(g) = word.glyphs.get(j) {
                if g.id == 0 {
                    from = from.min(g.cluster as usize);
                    to = to.max(end_of(g.cluster));
                } else if !(from..to).contains(&(g.cluster as usize)) {
                    break;
                }
                j += 1;
            }
            let run = &text[from..to];
            // Consecutive characters that the same fallback covers are shaped together.
            let mut pieces: Vec<(usize, usize, Option<Style>)> = Vec::new();
            let italic_word = matches!(style, Style::Italic | Style::BoldItalic);
            let bold_word = matches!(style, Style::Bold | Style::BoldItalic);
            let order = &self.fallback_order[usize::from(italic_word) * 2 + usize::from(bold_word)];
            for (at, c) in run.char_indices() {
                // A joiner or mark goes with what it joins, in that face when
                // it has the joiner (so an emoji sequence can ligate).
                let joined = is_joining(c)
                    .then(|| pieces.last().and_then(|p| p.2))
                    .flatten();
                let face = joined
                    .filter(|f| self.faces[f.index()].glyph_index(c).is_some())
                    .or_else(|| {
                        order
                            .iter()
                            .copied()
                            .find(|f| self.faces[f.index()].glyph_index(c).is_some())
                    })
                    .or(joined);
                match face {
                    Some(f) => fell_back.push((c, f)),
                    None => {
                        missing.get_or_insert(c);
                    }
                }
                match pieces.last_mut() {
                    Some(last) if last.2 == face => last.1 = from + at + c.len_utf8(),
                    _ => pieces.push((from + at, from + at + c.len_utf8(), face)),
                }
            }
            let rtl = word.glyphs.len() > 1
                && word.glyphs[0].cluster > word.glyphs[word.glyphs.len() - 1].cluster;
            if rtl {
                pieces.reverse();
            }
            for (start, end, face) in pieces {
                let Some(face) = face else {
                    // Still nothing: keep .notdef glyphs for these characters.
                    glyphs.extend(
                        word.glyphs[i..j]
                            .iter()
                            .filter(|g| (start..end).contains(&(g.cluster as usize))),
                    );
                    continue;
                };
                let shaped = self.shape_in(face, &text[start..end], Features::NONE, false);
                let scale = own_upem / self.units_per_em[face.index()];
                let slant = italic_word && !self.italic[face.index()];
                glyphs.extend(shaped.glyphs.iter().map(|g| Glyph {
                    id: g.id,
                    advance: g.advance * scale,
                    x_offset: g.x_offset * scale,
                    y_offset: g.y_offset * scale,
                    cluster: g.cluster + start as u32,
                    face,
                    slant,
                }));
            }
            i = j;
        }
        fell_back.sort_unstable();
        fell_back.dedup();
        Word::new(glyphs.into(), missing, fell_back, word.rtl, own_upem)
    }

    /// `text` in the face's superior figures (OpenType `sups`), when the face
    /// has a superior form for every character of it; `None` otherwise, and
    /// the caller scales and raises the ordinary figures instead.
    pub fn superior(&mut self, style: Style, text: &str) -> Option<Arc<Word>> {
        if let Some(found) = self.superiors.get(&(style, text.into())) {
            return found.clone();
        }
        let plain = self.word(style, text);
        let started = std::time::Instant::now();
        let raised = self.shape_in(style, text, Features::NONE, true);
        self.shaping += started.elapsed();
        let every_one = raised.missing.is_none()
            && raised.glyphs.len() == plain.glyphs.len()
            && raised
                .glyphs
                .iter()
                .zip(plain.glyphs.iter())
                .all(|(a, b)| a.id != b.id);
        let found = every_one.then(|| Arc::new(raised));
        self.superiors.insert((style, text.into()), found.clone());
        found
    }

    fn shape_in(&mut self, style: Style, text: &str, features: Features, superior: bool) -> Word {
        let mut buffer = self.buffer.take().unwrap_or_default();
        buffer.push_str(text);
        if let Some(language) = &self.language {
            buffer.set_language(language.clone());
        }
        buffer.guess_segment_properties();
        let key = (
            style,
            buffer.script(),
            buffer.direction(),
            features,
            superior,
        );
        let face = &self.faces[style.index()];
        let language = self.language.clone();
        let plan = self.plans.entry(key).or_insert_with(|| {
            // Code is set as typed: no programming ligatures (`--` stays two
            // hyphens, and each glyph keeps one meaning in the text layer).
            let list;
            let features: &[rustybuzz::Feature] = if style == Style::Mono {
                &CODE_FEATURES[..]
            } else if superior {
                &SUPERIOR_FEATURES[..]
            } else {
                list = features.list();
                &list
            };
            ShapePlan::new(face, key.2, Some(key.1), language.as_ref(), features)
        });
        let output = rustybuzz::shape_with_plan(face, plan, buffer);
        let mut missing = None;
        let glyphs: Box<[Glyph]> = output
            .glyph_infos()
            .iter()
            .zip(output.glyph_positions())
            .map(|(info, pos)| {
                if info.glyph_id == 0 && missing.is_none() {
                    missing = text[info.cluster as usize..].chars().next();
                }
                Glyph {
                    id: info.glyph_id as u16,
                    advance: pos.x_advance as f32,
                    x_offset: pos.x_offset as f32,
                    y_offset: pos.y_offset as f32,
                    cluster: info.cluster,
                    face: style,
                    slant: false,
                }
            })
            .collect();
        self.buffer = Some(output.clear());
        Word::new(
            glyphs,
            missing,
            Vec::new(),
            key.2 == Direction::RightToLeft,
            self.units_per_em[style.index()],
        )
    }

    /// Number of distinct words shaped so far (for benchmarks).
    pub fn cached_words(&self) -> usize {
        self.cache.iter().map(HashMap::len).sum()
    }
}

/// Whether a face's substitutions include small capitals (`smcp`).
fn has_small_caps(face: &Face<'_>) -> bool {
    let smcp = rustybuzz::ttf_parser::Tag::from_bytes(b"smcp");
    face.tables()
        .gsub
        .is_some_and(|gsub| gsub.features.into_iter().any(|f| f.tag == smcp))
}

/// Superior figures, for note references.
static SUPERIOR_FEATURES: std::sync::LazyLock<[rustybuzz::Feature; 1]> =
    std::sync::LazyLock::new(|| {
        [rustybuzz::Feature::new(
            rustybuzz::ttf_parser::Tag::from_bytes(b"sups"),
            1,
            ..,
        )]
    });

/// Features turned off in the code face.
static CODE_FEATURES: std::sync::LazyLock<[rustybuzz::Feature; 3]> =
    std::sync::LazyLock::new(|| {
        [
            rustybuzz::Feature::new(rustybuzz::ttf_parser::Tag::from_bytes(b"calt"), 0, ..),
            rustybuzz::Feature::new(rustybuzz::ttf_parser::Tag::from_bytes(b"liga"), 0, ..),
            rustybuzz::Feature::new(rustybuzz::ttf_parser::Tag::from_bytes(b"dlig"), 0, ..),
        ]
    });

/// Characters that belong with their neighbour rather than having a face of
/// their own: joiners, variation selectors, combining marks.
fn is_joining(c: char) -> bool {
    matches!(c, '\u{200d}' | '\u{200c}' | '\u{fe00}'..='\u{fe0f}' | '\u{300}'..='\u{36f}' | '\u{1f3fb}'..='\u{1f3ff}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::Project;

    pub(crate) fn bundled_fonts() -> Fonts {
        let project = Project::load(std::path::Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
        Fonts::load(
            &project,
            &crate::config::parse("title = \"t\"").unwrap().fonts,
        )
        .unwrap()
    }

    #[test]
    fn shapers_on_the_same_fonts_shape_each_word_once() {
        let fonts = bundled_fonts();
        let words = ShapedWords::default();
        let mut first = Shaper::new(&fonts, &words, "en");
        let mut second = Shaper::new(&fonts, &words, "en");
        let a = first.word(Style::Regular, "whale");
        let b = second.word(Style::Regular, "whale");
        assert!(
            Arc::ptr_eq(&a, &b),
            "the second shaper took the first one's word"
        );
        assert_eq!(words.len("en"), 1);
        // Another face, and another language, are other words.
        second.word(Style::Italic, "whale");
        Shaper::new(&fonts, &words, "de").word(Style::Regular, "whale");
        assert_eq!(words.len("en"), 2);
        assert_eq!(words.len("de"), 1);
        // Workers on all cores at once agree on every word.
        let texts: Vec<String> = (0..400).map(|i| format!("w{}", i % 97)).collect();
        let shaped: Vec<Vec<Arc<Word>>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..4)
                .map(|_| {
                    let (fonts, shared, words) = (&fonts, &words, &texts);
                    scope.spawn(move || {
                        let mut shaper = Shaper::new(fonts, shared, "en");
                        words.iter().map(|w| shaper.word(Style::Bold, w)).collect()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for other in &shaped[1..] {
            assert!(other.iter().zip(&shaped[0]).all(|(x, y)| Arc::ptr_eq(x, y)));
        }
        assert_eq!(words.len("en"), 2 + 97);
    }

    #[test]
    fn superior_figures_where_the_face_has_them() {
        let fonts = bundled_fonts();
        let mut shaper = Shaper::new(&fonts, &ShapedWords::default(), "en");
        let plain = shaper.word(Style::Regular, "12");
        let superior = shaper
            .superior(Style::Regular, "12")
            .expect("EB Garamond has sups");
        assert_eq!(superior.glyphs.len(), 2);
        assert!(
            superior
                .glyphs
                .iter()
                .zip(plain.glyphs.iter())
                .all(|(a, b)| a.id != b.id)
        );
        // A dash has no superior form: the caller scales and raises it.
        assert!(shaper.superior(Style::Regular, "1—2").is_none());
    }

    /// A long word's lookups by byte offset answer as the scans of a short word do.
    #[test]
    fn a_long_words_lookups_agree_with_the_scans() {
        let fonts = bundled_fonts();
        let mut shaper = Shaper::new(&fonts, &ShapedWords::default(), "en");
        // Ligatures (ffi, fl), a character from the fallback face, right to left.
        let words = [
            "officeaffluent→".repeat(12),
            "ACGT".repeat(100),
            "\u{5e9}\u{5dc}\u{5d5}\u{5dd}".repeat(20),
        ];
        for text in &words {
            let word = shaper.word(Style::Regular, text);
            assert!(!word.index.is_empty(), "{} glyphs", word.glyphs.len());
            let mut scan = (*word).clone();
            scan.index = ClusterIndex::default();
            for byte in 0..=text.len() as u32 + 1 {
                assert_eq!(
                    word.is_cluster_boundary(byte),
                    scan.is_cluster_boundary(byte)
                );
                assert_eq!(word.glyph_index_at(byte), scan.glyph_index_at(byte));
                assert_eq!(word.cluster_end(byte), scan.cluster_end(byte));
            }
        }
    }

    #[test]
    fn ligatures_and_kerning() {
        let fonts = bundled_fonts();
        let mut shaper = Shaper::new(&fonts, &ShapedWords::default(), "en");
        let office = shaper.word(Style::Regular, "office");
        // "ffi" becomes one glyph in EB Garamond.
        assert!(office.glyphs.len() < 6, "{office:?}");
        assert!(!office.is_cluster_boundary(2), "the ligature spans f|f");
        assert!(office.missing.is_none());
        let av = shaper.word(Style::Regular, "AV");
        let a = shaper.word(Style::Regular, "A");
        let v = shaper.word(Style::Regular, "V");
        assert!(av.width < a.width + v.width, "AV is kerned");
        assert!(shaper.space(Style::Regular) > 0.0);
        assert!(shaper.hyphen(Style::Italic).is_some());
    }

    #[test]
    fn missing_glyphs_come_from_the_fallback_or_are_reported() {
        let fonts = bundled_fonts();
        let mut shaper = Shaper::new(&fonts, &ShapedWords::default(), "en");
        let w = shaper.word(Style::Regular, "snow☃man");
        assert_eq!(w.missing, None, "DejaVu Sans has the snowman");
        assert_eq!(w.fell_back, [('☃', Style::Fallback(0))]);
        let snowman = w.glyphs.iter().find(|g| g.cluster == 4).unwrap();
        assert_eq!(snowman.face, Style::Fallback(0));
        assert!(snowman.id != 0 && snowman.advance > 0.0);
        assert!(
            w.glyphs
                .iter()
                .filter(|g| g.cluster != 4)
                .all(|g| g.face == Style::Regular)
        );
        // No bundled face has CJK.
        let w = shaper.word(Style::Regular, "a中b");
        assert_eq!(w.missing, Some('中'));
    }

    #[test]
    fn emoji_come_from_the_emoji_face_and_a_joined_sequence_is_shaped_once() {
        let fonts = bundled_fonts();
        let emoji = fonts
            .fallbacks()
            .find(|f| fonts.get(*f).path == crate::fonts::EMOJI)
            .expect("the emoji face is a default fallback");
        let mut shaper = Shaper::new(&fonts, &ShapedWords::default(), "en");
        let w = shaper.word(Style::Regular, "a🚢b");
        assert_eq!(w.missing, None);
        assert_eq!(w.fell_back, [('🚢', emoji)]);
        // A family (man, woman, girl joined by ZWJ): the text face has the
        // joiner, not the emoji; each character is drawn once at most.
        let family = "👨\u{200d}👩\u{200d}👧";
        let w = shaper.word(Style::Regular, family);
        assert_eq!(w.missing, None);
        assert!(w.glyphs.len() <= family.chars().count(), "{:?}", w.glyphs);
        assert!(w.glyphs.iter().all(|g| g.face == emoji));
    }

    #[test]
    fn small_caps_and_figures_from_the_face() {
        let fonts = bundled_fonts();
        let mut shaper = Shaper::new(&fonts, &ShapedWords::default(), "en");
        assert!(shaper.small_caps_cover(Style::Regular, "a", false));
        assert!(!shaper.small_caps_cover(Style::Mono, "a", false));
        let plain = shaper.word(Style::Regular, "Ab1");
        let small = shaper.word_with(Style::Regular, Features::SMALL_CAPS, "Ab1");
        let all = shaper.word_with(
            Style::Regular,
            Features::SMALL_CAPS.with(Features::CAPS_TO_SMALL),
            "Ab1",
        );
        // smcp changes the lower case only; c2sc the capital too.
        assert_eq!(small.glyphs[0].id, plain.glyphs[0].id);
        assert_ne!(small.glyphs[1].id, plain.glyphs[1].id);
        assert_ne!(all.glyphs[0].id, plain.glyphs[0].id);
        let old = shaper.word_with(Style::Regular, Features::OLDSTYLE, "1");
        let lining = shaper.word_with(Style::Regular, Features::LINING, "1");
        assert_ne!(old.glyphs[0].id, lining.glyphs[0].id);
        // EB Garamond has Latin small capitals, not Cyrillic ones: those are made up.
        assert!(shaper.small_caps_cover(Style::Regular, "Chapter one", false));
        assert!(shaper.small_caps_cover(Style::Regular, "CHAPTER", true));
        assert!(!shaper.small_caps_cover(Style::Regular, "Глава", false));
        // The code face is set as typed.
        let code = shaper.word_with(Style::Mono, Features::SMALL_CAPS, "ab");
        assert_eq!(code, shaper.word(Style::Mono, "ab"));
    }

    #[test]
    fn cache_returns_the_same_word() {
        let fonts = bundled_fonts();
        let mut shaper = Shaper::new(&fonts, &ShapedWords::default(), "en");
        let a = shaper.word(Style::Bold, "whale");
        let b = shaper.word(Style::Bold, "whale");
        assert!(Arc::ptr_eq(&a, &b));
    }
}
