//! Shaping with rustybuzz (kerning, ligatures, the font's own spacing).
//! Text is shaped a word at a time and each distinct word once per face: a
//! book repeats its words, so the cache turns a million words into a few tens
//! of thousands of shaping calls, each with a plan built once per face.

use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

use rustybuzz::{Direction, Face, Language, Script, ShapePlan, UnicodeBuffer};

use crate::fonts::{Fonts, Style};

/// One glyph of a shaped word, in font units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Glyph {
    pub id: u16,
    pub advance: f32,
    pub x_offset: f32,
    pub y_offset: f32,
    /// Byte offset in the word of the first character this glyph shows.
    pub cluster: u32,
}

/// A shaped word: glyphs in visual order and the total advance, in font units.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    pub glyphs: Box<[Glyph]>,
    pub width: f32,
    /// A character the face has no glyph for (shaped as .notdef).
    pub missing: Option<char>,
    /// The face's units per em, to scale the glyphs to a size.
    pub units_per_em: f32,
}

impl Word {
    /// Width of the glyphs whose clusters start before byte `end` of the word.
    pub fn width_before(&self, end: u32) -> f32 {
        self.glyphs
            .iter()
            .take_while(|g| g.cluster < end)
            .map(|g| g.advance)
            .sum()
    }

    /// True when `byte` starts a glyph cluster (a ligature does not span it).
    pub fn is_cluster_boundary(&self, byte: u32) -> bool {
        self.glyphs.iter().any(|g| g.cluster == byte)
    }

    /// Index of the first glyph whose cluster starts at or after `byte`.
    pub fn glyph_index_at(&self, byte: u32) -> usize {
        self.glyphs
            .iter()
            .position(|g| g.cluster >= byte)
            .unwrap_or(self.glyphs.len())
    }
}

/// Shapes words in the book's four faces, caching each distinct word.
pub struct Shaper<'f> {
    faces: Vec<Face<'f>>,
    plans: HashMap<(Style, Script, Direction), ShapePlan>,
    cache: [HashMap<Box<str>, Arc<Word>>; 4],
    language: Option<Language>,
    units_per_em: [f32; 4],
    space: [f32; 4],
    hyphen: [Option<Glyph>; 4],
    /// Kept between calls: shaping reuses its allocation.
    buffer: Option<UnicodeBuffer>,
    /// Time spent shaping (cache misses), for the benchmark.
    pub shaping: std::time::Duration,
}

impl<'f> Shaper<'f> {
    pub fn new(fonts: &'f Fonts, language: &str) -> Shaper<'f> {
        let faces: Vec<Face<'f>> = Style::ALL
            .iter()
            .map(|&s| {
                Face::from_slice(&fonts.get(s).bytes, 0).expect("fonts were checked when loaded")
            })
            .collect();
        let units_per_em = Style::ALL.map(|s| faces[s.index()].units_per_em() as f32);
        let mut shaper = Shaper {
            faces,
            plans: HashMap::default(),
            cache: Default::default(),
            language: language.parse().ok(),
            units_per_em,
            space: [0.0; 4],
            hyphen: [None; 4],
            shaping: std::time::Duration::ZERO,
            buffer: None,
        };
        for style in Style::ALL {
            let space = shaper.word(style, " ");
            // A font without a space glyph still needs a word space: use a quarter em.
            shaper.space[style.index()] = if space.missing.is_some() || space.width <= 0.0 {
                shaper.units_per_em[style.index()] / 4.0
            } else {
                space.width
            };
            let hyphen = shaper.word(style, "-");
            shaper.hyphen[style.index()] = hyphen.glyphs.first().copied();
        }
        shaper
    }

    pub fn units_per_em(&self, style: Style) -> f32 {
        self.units_per_em[style.index()]
    }

    /// The face's natural word space, in font units.
    pub fn space(&self, style: Style) -> f32 {
        self.space[style.index()]
    }

    /// The hyphen glyph of a face.
    pub fn hyphen(&self, style: Style) -> Option<Glyph> {
        self.hyphen[style.index()]
    }

    /// Glyph id for a single character, if the face has it.
    pub fn has_char(&self, style: Style, c: char) -> bool {
        self.faces[style.index()].glyph_index(c).is_some()
    }

    /// Shapes `text` (a word, without spaces) in `style`, from the cache when seen before.
    pub fn word(&mut self, style: Style, text: &str) -> Arc<Word> {
        if let Some(word) = self.cache[style.index()].get(text) {
            return word.clone();
        }
        let started = std::time::Instant::now();
        let word = Arc::new(self.shape(style, text));
        self.shaping += started.elapsed();
        self.cache[style.index()].insert(text.into(), word.clone());
        word
    }

    fn shape(&mut self, style: Style, text: &str) -> Word {
        let mut buffer = self.buffer.take().unwrap_or_default();
        buffer.push_str(text);
        if let Some(language) = &self.language {
            buffer.set_language(language.clone());
        }
        buffer.guess_segment_properties();
        let key = (style, buffer.script(), buffer.direction());
        let face = &self.faces[style.index()];
        let language = self.language.clone();
        let plan = self
            .plans
            .entry(key)
            .or_insert_with(|| ShapePlan::new(face, key.2, Some(key.1), language.as_ref(), &[]));
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
                }
            })
            .collect();
        let width = glyphs.iter().map(|g| g.advance).sum();
        self.buffer = Some(output.clear());
        Word {
            glyphs,
            width,
            missing,
            units_per_em: self.units_per_em[style.index()],
        }
    }

    /// Number of distinct words shaped so far (for benchmarks).
    pub fn cached_words(&self) -> usize {
        self.cache.iter().map(HashMap::len).sum()
    }
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
    fn ligatures_and_kerning() {
        let fonts = bundled_fonts();
        let mut shaper = Shaper::new(&fonts, "en");
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
    fn missing_glyph_is_reported() {
        let fonts = bundled_fonts();
        let mut shaper = Shaper::new(&fonts, "en");
        let w = shaper.word(Style::Regular, "snow☃man");
        assert_eq!(w.missing, Some('☃'));
    }

    #[test]
    fn cache_returns_the_same_word() {
        let fonts = bundled_fonts();
        let mut shaper = Shaper::new(&fonts, "en");
        let a = shaper.word(Style::Bold, "whale");
        let b = shaper.word(Style::Bold, "whale");
        assert!(Arc::ptr_eq(&a, &b));
    }
}
