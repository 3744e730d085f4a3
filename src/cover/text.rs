//! One line of cover type: shaped with rustybuzz (kerning, ligatures, marks)
//! in font units, measured, and rasterised glyph by glyph with ab_glyph into
//! the canvas. Sizes are pixels per em; positions are the left end of the
//! baseline. Used by the ebook cover and meant for the print cover too.

use ab_glyph::{Font as _, FontRef, Glyph, GlyphId, OutlinedGlyph, PxScale, PxScaleFactor, point};
use image::RgbImage;
use rustybuzz::ttf_parser::Tag;
use rustybuzz::{Feature, UnicodeBuffer};

use super::paint::{self, Colour};
use crate::diag::Diagnostic;
use crate::fonts::FontFace;

/// A font face ready to shape and draw: the shaper and the rasteriser read
/// the same bytes, so glyph ids from one are valid in the other.
pub struct CoverFont<'a> {
    /// Project path of the font file, for messages.
    pub path: &'a str,
    shaper: rustybuzz::Face<'a>,
    outlines: FontRef<'a>,
    units_per_em: f32,
    cap_height: f32,
    descender: f32,
    /// The book's fallback faces (`fonts.fallback`), tried in order for a
    /// character this face lacks (an Arabic name, a Greek word).
    fallbacks: Vec<CoverFont<'a>>,
}

impl<'a> CoverFont<'a> {
    pub fn new(face: &'a FontFace) -> Result<CoverFont<'a>, Diagnostic> {
        let unusable = || {
            Diagnostic::error(format!("cannot draw the cover with {}", face.path))
                .with_hint("use an OpenType (.otf) or TrueType (.ttf) font with outlines")
        };
        let shaper = rustybuzz::Face::from_slice(&face.bytes, 0).ok_or_else(unusable)?;
        let outlines = FontRef::try_from_slice(&face.bytes).map_err(|_| unusable())?;
        let units_per_em = shaper.units_per_em().max(1) as f32;
        let cap_height = shaper
            .capital_height()
            .filter(|&h| h > 0)
            .map_or(0.7 * units_per_em, f32::from);
        let descender = f32::from(shaper.descender().unsigned_abs());
        Ok(CoverFont {
            path: &face.path,
            shaper,
            outlines,
            units_per_em,
            cap_height,
            descender,
            fallbacks: Vec::new(),
        })
    }

    /// This face with `faces` to fall back on; one that cannot be drawn
    /// with is left out (the layout reports it).
    pub fn with_fallbacks(mut self, faces: impl IntoIterator<Item = &'a FontFace>) -> Self {
        self.fallbacks = faces
            .into_iter()
            .filter_map(|face| CoverFont::new(face).ok())
            .collect();
        self
    }

    /// The face a glyph of a shaped line is drawn from (0: this one).
    fn face(&self, index: u8) -> &CoverFont<'a> {
        match index {
            0 => self,
            n => self.fallbacks.get(n as usize - 1).unwrap_or(self),
        }
    }

    /// The first face, this one or a fallback, that has `c`: its index.
    fn face_for(&self, c: char) -> Option<u8> {
        if self.has_char(c) || c.is_whitespace() || c.is_control() {
            return Some(0);
        }
        self.fallbacks
            .iter()
            .position(|f| f.has_char(c))
            .and_then(|i| u8::try_from(i + 1).ok())
    }

    /// Pixels per font unit at `size` pixels per em.
    pub fn scale(&self, size: f32) -> f32 {
        size / self.units_per_em
    }

    /// Height of capitals above the baseline, in pixels at `size`.
    pub fn cap_height(&self, size: f32) -> f32 {
        self.cap_height * self.scale(size)
    }

    /// Depth of descenders below the baseline, in pixels at `size`.
    pub fn descender(&self, size: f32) -> f32 {
        self.descender * self.scale(size)
    }

    /// The ink of `line` in font units, y upwards: (left, bottom, right, top).
    /// `None` when nothing in it is drawn (spaces only).
    pub fn ink_bounds(&self, line: &ShapedLine) -> Option<(f32, f32, f32, f32)> {
        let mut bounds: Option<(f32, f32, f32, f32)> = None;
        for placed in &line.glyphs {
            let face = self.face(placed.face);
            let Some(outline) = face.outlines.outline(GlyphId(placed.id)) else {
                continue;
            };
            // ab_glyph keeps the font's top (y_max) in `min.y` and its bottom in
            // `max.y`; a fallback's units are scaled to this face's.
            let ratio = self.units_per_em / face.units_per_em;
            let mut b = outline.bounds;
            b.min.x *= ratio;
            b.min.y *= ratio;
            b.max.x *= ratio;
            b.max.y *= ratio;
            let glyph = (
                b.min.x + placed.x,
                b.max.y + placed.y,
                b.max.x + placed.x,
                b.min.y + placed.y,
            );
            bounds = Some(match bounds {
                None => glyph,
                Some(a) => (
                    a.0.min(glyph.0),
                    a.1.min(glyph.1),
                    a.2.max(glyph.2),
                    a.3.max(glyph.3),
                ),
            });
        }
        bounds
    }

    /// Whether the font maps `c` to a glyph of its own.
    pub fn has_char(&self, c: char) -> bool {
        self.shaper.glyph_index(c).is_some_and(|id| id.0 != 0)
    }
}

/// A glyph of a shaped line, placed in font units (the line's first face's)
/// from the line's origin.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlacedGlyph {
    pub id: u16,
    /// The face it is drawn from: 0 the line's own, then its fallbacks in order.
    pub face: u8,
    pub x: f32,
    /// Upwards, as fonts measure.
    pub y: f32,
    /// Byte offset in the line's text of the character it came from.
    pub cluster: usize,
}

/// A line of text shaped in one face, independent of size.
#[derive(Debug, Clone, PartialEq)]
pub struct ShapedLine {
    pub text: String,
    pub glyphs: Vec<PlacedGlyph>,
    /// Advance width in font units (without tracking after the last glyph).
    pub advance: f32,
}

impl ShapedLine {
    /// Width in pixels at `size`.
    pub fn width(&self, font: &CoverFont, size: f32) -> f32 {
        self.advance * font.scale(size)
    }

    /// Characters the font had no glyph for (shaped to `.notdef`), each once,
    /// in order.
    pub fn missing_chars(&self) -> Vec<char> {
        let mut missing = Vec::new();
        for glyph in self.glyphs.iter().filter(|g| g.id == 0) {
            let c = self
                .text
                .get(glyph.cluster..)
                .and_then(|s| s.chars().next());
            if let Some(c) = c.filter(|c| !missing.contains(c)) {
                missing.push(c);
            }
        }
        missing
    }
}

/// Shapes `text` as one line. `tracking` is extra space after each glyph in
/// ems (letter spacing); tracked text is set without ligatures, as spaced
/// capitals are.
pub fn shape(font: &CoverFont, text: &str, tracking: f32) -> ShapedLine {
    let features: Vec<Feature> = if tracking > 0.0 {
        [b"liga", b"clig", b"dlig"]
            .into_iter()
            .map(|tag| Feature::new(Tag::from_bytes(tag), 0, ..))
            .collect()
    } else {
        Vec::new()
    };
    let spacing = tracking * font.units_per_em;
    let mut pen = 0.0;
    let mut glyphs = Vec::with_capacity(text.len());
    // Runs of characters one face draws (marks go with their base); a
    // character no face has stays with the line's own face, as `.notdef`.
    let mut runs: Vec<(u8, usize, usize)> = Vec::new();
    for (at, c) in text.char_indices() {
        let face = match runs.last() {
            Some(&(face, _, _)) if is_mark(c) => face,
            _ => font.face_for(c).unwrap_or(0),
        };
        match runs.last_mut() {
            Some(run) if run.0 == face => run.2 = at + c.len_utf8(),
            _ => runs.push((face, at, at + c.len_utf8())),
        }
    }
    for (face_index, start, end) in runs {
        let face = font.face(face_index);
        let ratio = font.units_per_em / face.units_per_em;
        let mut buffer = UnicodeBuffer::new();
        buffer.push_str(&text[start..end]);
        let shaped = rustybuzz::shape(&face.shaper, &features, buffer);
        for (info, position) in shaped.glyph_infos().iter().zip(shaped.glyph_positions()) {
            glyphs.push(PlacedGlyph {
                id: u16::try_from(info.glyph_id).unwrap_or(0),
                face: face_index,
                x: pen + position.x_offset as f32 * ratio,
                y: position.y_offset as f32 * ratio,
                cluster: start + info.cluster as usize,
            });
            pen += position.x_advance as f32 * ratio;
            // Marks have no advance and stay on their base.
            if position.x_advance != 0 {
                pen += spacing;
            }
        }
    }
    if !glyphs.is_empty() && spacing > 0.0 {
        pen -= spacing;
    }
    ShapedLine {
        text: text.to_string(),
        glyphs,
        advance: pen.max(0.0),
    }
}

/// A combining mark, drawn from its base's face.
fn is_mark(c: char) -> bool {
    matches!(c, '\u{300}'..='\u{36f}' | '\u{610}'..='\u{61a}' | '\u{64b}'..='\u{65f}' | '\u{670}' | '\u{1ab0}'..='\u{1aff}' | '\u{20d0}'..='\u{20ff}' | '\u{fe20}'..='\u{fe2f}')
}

/// Draws a shaped line at `size` px per em with its baseline starting at
/// (`left`, `baseline`), blending each glyph's coverage into the canvas.
pub fn draw(
    canvas: &mut RgbImage,
    font: &CoverFont,
    line: &ShapedLine,
    size: f32,
    (left, baseline): (f32, f32),
    colour: Colour,
) {
    let scale = font.scale(size);
    for placed in &line.glyphs {
        let id = GlyphId(placed.id);
        let face = font.face(placed.face);
        let face_scale = face.scale(size);
        let factor = PxScaleFactor {
            horizontal: face_scale,
            vertical: face_scale,
        };
        // Spaces have no outline.
        let Some(outline) = face.outlines.outline(id) else {
            continue;
        };
        let glyph = Glyph {
            id,
            scale: PxScale::from(size),
            position: point(left + placed.x * scale, baseline - placed.y * scale),
        };
        let outlined = OutlinedGlyph::new(glyph, outline, factor);
        let origin = outlined.px_bounds().min;
        let (origin_x, origin_y) = (origin.x as i64, origin.y as i64);
        outlined.draw(|x, y, coverage| {
            paint::blend(
                canvas,
                origin_x + i64::from(x),
                origin_y + i64::from(y),
                colour,
                coverage,
            );
        });
    }
}

/// The error for a character the cover font cannot draw, naming it and where
/// it is (`"in the title"`).
pub fn missing_glyph_error(c: char, place: &str, font: &CoverFont) -> Diagnostic {
    Diagnostic::error(format!(
        "the cover font has no glyph for “{c}” (U+{:04X}) {place}",
        u32::from(c)
    ))
    .with_hint(format!(
        "it is set in {}; change the text in manuscript/book.toml, or name fonts that have \
         this character under [fonts] in book.toml",
        font.path
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cover::bundled_fonts;
    use crate::fonts::Style;

    #[test]
    fn kerning_and_ligatures_come_from_the_shaper() {
        let fonts = bundled_fonts();
        let font = CoverFont::new(fonts.get(Style::Regular)).unwrap();
        // "ffi" becomes one ligature glyph.
        assert_eq!(shape(&font, "ffi", 0.0).glyphs.len(), 1);
        // Tracked text keeps its letters.
        assert_eq!(shape(&font, "ffi", 0.1).glyphs.len(), 3);
        // "AV" kerns closer than its letters' advances.
        let pair = shape(&font, "AV", 0.0).advance;
        let apart = shape(&font, "A", 0.0).advance + shape(&font, "V", 0.0).advance;
        assert!(pair < apart, "{pair} vs {apart}");
    }

    #[test]
    fn tracking_widens_by_the_gaps_only() {
        let fonts = bundled_fonts();
        let font = CoverFont::new(fonts.get(Style::Regular)).unwrap();
        let plain = shape(&font, "ABC", 0.0).advance;
        let tracked = shape(&font, "ABC", 0.5).advance;
        let em = font.units_per_em;
        assert!((tracked - plain - em).abs() < 1.0, "{plain} {tracked}");
    }

    #[test]
    fn missing_characters_are_named_once() {
        let fonts = bundled_fonts();
        let font = CoverFont::new(fonts.get(Style::Regular)).unwrap();
        let line = shape(&font, "☃ and ☃ and 😀", 0.0);
        assert_eq!(line.missing_chars(), ['☃', '😀']);
        assert!(
            shape(&font, "“Quotes” — fine", 0.0)
                .missing_chars()
                .is_empty()
        );
        assert!(!font.has_char('☃'));
    }

    #[test]
    fn draws_ink_inside_the_advance() {
        let fonts = bundled_fonts();
        let font = CoverFont::new(fonts.get(Style::Bold)).unwrap();
        let mut canvas = paint::canvas(400, 200, Colour::hex(0x000000));
        let line = shape(&font, "Hi", 0.0);
        let width = line.width(&font, 100.0);
        draw(
            &mut canvas,
            &font,
            &line,
            100.0,
            (50.0, 150.0),
            Colour::hex(0xffffff),
        );
        let inked: Vec<(u32, u32)> = canvas
            .enumerate_pixels()
            .filter(|(_, _, p)| p.0[0] > 128)
            .map(|(x, y, _)| (x, y))
            .collect();
        assert!(inked.len() > 1000);
        let cap = font.cap_height(100.0);
        for (x, y) in inked {
            assert!((45..=(55.0 + width) as u32).contains(&x), "x {x}");
            assert!(((150.0 - cap - 25.0) as u32..=152).contains(&y), "y {y}");
        }
    }
}
