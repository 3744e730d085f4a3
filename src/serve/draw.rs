//! The print pages for the browser, drawn from layout's pages exactly as
//! the PDF writer draws them: each glyph is the font's own outline (the
//! same glyph id the PDF shows) at the position layout gave it, so what the
//! page shows is what the PDF prints. A page is sent as its ink, a list of
//! drawing operations in points that the page's script paints on a canvas
//! (a canvas paints a page of two thousand glyphs in a few milliseconds,
//! SVG `<use>` elements took a tenth of a second), and a text layer, SVG
//! text over the ink, line by line, for selecting, finding and clicking
//! (each body line knows its place in the model). The outlines go once, in
//! a glyph sheet.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write;

use crate::fonts::Fonts;
use crate::layout::compose::LineFact;
use crate::layout::frame::{Item, Page, Rgb};
use crate::layout::geometry::PageGeometry;

/// The glyphs a book's pages use, per face index ([`crate::fonts::Style::index`]),
/// in order. (A long book draws a million glyphs: marked in a bitmap per
/// face rather than inserted one by one into a set.)
pub fn used_glyphs(pages: &[Page]) -> BTreeSet<(usize, u16)> {
    let mut seen: Vec<Vec<u64>> = Vec::new();
    for page in pages {
        for item in &page.items {
            if let Item::Glyphs(run) = item
                && !run.hidden
            {
                let face = run.style.index();
                if seen.len() <= face {
                    seen.resize(face + 1, Vec::new());
                }
                let bits = &mut seen[face];
                if bits.is_empty() {
                    bits.resize(1024, 0);
                }
                for glyph in run.glyphs.iter() {
                    bits[glyph.id as usize >> 6] |= 1 << (glyph.id & 63);
                }
            }
        }
    }
    let mut used = BTreeSet::new();
    for (face, bits) in seen.iter().enumerate() {
        for (word, &value) in bits.iter().enumerate() {
            let mut value = value;
            while value != 0 {
                let bit = value.trailing_zeros();
                used.insert((face, (word as u32 * 64 + bit) as u16));
                value &= value - 1;
            }
        }
    }
    used
}

/// Glyph outlines in font units, y up, as SVG path data; kept across
/// rebuilds while the fonts stay the same (the glyphs the last build used).
#[derive(Default)]
pub struct Outlines {
    paths: HashMap<(usize, u16), String>,
    /// The faces the outlines were drawn from.
    fonts: Option<Fonts>,
}

impl Outlines {
    /// The glyph sheet: a JSON object giving each glyph of `used`, keyed
    /// `"{face}-{glyph}"`, as SVG path data in font units, y up. Only these
    /// glyphs' outlines are kept for the next build, and none when the
    /// fonts have changed (a face replaced under the same name).
    pub fn sheet(&mut self, fonts: &Fonts, used: &BTreeSet<(usize, u16)>) -> String {
        if !self
            .fonts
            .as_ref()
            .is_some_and(|kept| kept.same_load(fonts))
        {
            self.paths.clear();
            self.fonts = Some(fonts.clone());
        }
        self.paths.retain(|glyph, _| used.contains(glyph));
        let faces: Vec<_> = fonts.iter().collect();
        let mut out = String::from("{");
        for &(face, glyph) in used {
            let Some((_, font)) = faces.iter().find(|(s, _)| s.index() == face) else {
                continue;
            };
            let path = self
                .paths
                .entry((face, glyph))
                .or_insert_with(|| outline(&font.face(), glyph));
            if out.len() > 1 {
                out.push(',');
            }
            let _ = write!(out, "\"{face}-{glyph}\":\"{path}\"");
        }
        out.push('}');
        out
    }
}

/// One glyph's outline as path data (font units, y up); empty for a space.
fn outline(face: &ttf_parser::Face<'_>, glyph: u16) -> String {
    struct PathData(String);
    impl ttf_parser::OutlineBuilder for PathData {
        fn move_to(&mut self, x: f32, y: f32) {
            let _ = write!(self.0, "M{x} {y}");
        }
        fn line_to(&mut self, x: f32, y: f32) {
            let _ = write!(self.0, "L{x} {y}");
        }
        fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
            let _ = write!(self.0, "Q{x1} {y1} {x} {y}");
        }
        fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
            let _ = write!(self.0, "C{x1} {y1} {x2} {y2} {x} {y}");
        }
        fn close(&mut self) {
            self.0.push('Z');
        }
    }
    let mut data = PathData(String::new());
    face.outline_glyph(ttf_parser::GlyphId(glyph), &mut data);
    data.0
}

fn color(c: Rgb) -> String {
    let [r, g, b] = c.0.map(|v| (v.clamp(0.0, 1.0) * 255.0).round() as u8);
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// A number for an attribute: points to a hundredth.
fn num(v: f64) -> String {
    let rounded = (v * 100.0).round() / 100.0;
    if rounded == rounded.trunc() {
        format!("{}", rounded as i64)
    } else {
        format!("{rounded}")
    }
}

fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
}

/// Page `index` as JSON: `{"width", "height", "ink": [...], "text": "<svg…>"}`.
/// The ink, in points from the trim's top-left, in drawing order:
/// `["g", face, scale, x, y, rotation, colour, [glyph, x, glyph, x, …]]` (a
/// glyph run; each glyph's x in font units from the run's start),
/// `["f", x, y, width, height, colour]` (a fill), `["p", colour, path data]`
/// (a filled outline), `["l", x1, y1, x2, y2, width]` (a rule) and
/// `["i", href, x, y, width, height]` (an image). `lines` are the page's
/// text lines (for the text layer's places in the model); `image_href`
/// names an image's URL.
pub fn page(
    page: &Page,
    index: usize,
    fonts: &Fonts,
    geometry: &PageGeometry,
    lines: &[LineFact],
    image_href: &dyn Fn(crate::model::ImageId) -> String,
) -> String {
    let (w, h) = (page.trim.width.0, page.trim.height.0);
    let mut out = String::with_capacity(page.items.len() * 200);
    let _ = write!(
        out,
        "{{\"index\":{index},\"width\":{},\"height\":{},\"ink\":[",
        num(w),
        num(h)
    );
    let mut text_layer = String::new();
    let mut first = true;
    let mut next = |out: &mut String| {
        if !first {
            out.push(',');
        }
        first = false;
    };
    for item in &page.items {
        match item {
            Item::Glyphs(run) => {
                let face = run.style.index();
                let scale = run.size.0 / fonts.get(run.style).units_per_em as f64;
                let rotate = if run.rotation != 0.0 {
                    format!(" rotate({})", run.rotation)
                } else {
                    String::new()
                };
                if !run.hidden {
                    next(&mut out);
                    let _ = write!(
                        out,
                        "[\"g\",{face},{scale},{},{},{},\"{}\",[",
                        num(run.x.0),
                        num(run.y.0),
                        run.rotation,
                        color(run.color)
                    );
                    for (i, glyph) in run.glyphs.iter().enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        let _ = write!(out, "{},{}", glyph.id, (glyph.x.0 / scale).round() as i64);
                    }
                    out.push_str("]]");
                }
                text_line(&mut text_layer, run, geometry, lines, &rotate);
            }
            Item::Fill {
                x,
                y,
                width,
                height,
                color: c,
            } => {
                next(&mut out);
                let _ = write!(
                    out,
                    "[\"f\",{},{},{},{},\"{}\"]",
                    num(x.0),
                    num(y.0),
                    num(width.0),
                    num(height.0),
                    color(*c)
                );
            }
            Item::Path { rings, color: c } => {
                next(&mut out);
                let _ = write!(out, "[\"p\",\"{}\",\"", color(*c));
                for ring in rings {
                    ring_data(&mut out, ring);
                }
                out.push_str("\"]");
            }
            Item::Rule {
                x1,
                y1,
                x2,
                y2,
                width,
            } => {
                next(&mut out);
                let _ = write!(
                    out,
                    "[\"l\",{},{},{},{},{}]",
                    num(x1.0),
                    num(y1.0),
                    num(x2.0),
                    num(y2.0),
                    num(width.0)
                );
            }
            Item::Image {
                image,
                x,
                y,
                width,
                height,
                ..
            } => {
                next(&mut out);
                let href = serde_json::to_string(&image_href(*image)).unwrap_or_default();
                let _ = write!(
                    out,
                    "[\"i\",{href},{},{},{},{}]",
                    num(x.0),
                    num(y.0),
                    num(width.0),
                    num(height.0)
                );
            }
        }
    }
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"text\" viewBox=\"0 0 {} {}\">{text_layer}</svg>",
        num(w),
        num(h)
    );
    let _ = write!(
        out,
        "],\"text\":{}}}",
        serde_json::to_string(&svg).unwrap_or_default()
    );
    out
}

/// A run's text, invisible, over its ink: stretched to the run's width so a
/// selection covers what it shows; a body line carries its block and offset.
fn text_line(
    out: &mut String,
    run: &crate::layout::frame::GlyphRun,
    geometry: &PageGeometry,
    lines: &[LineFact],
    rotate: &str,
) {
    let text = run.spaced_text();
    if text.trim().is_empty() {
        return;
    }
    let width = run
        .glyphs
        .last()
        .map_or(0.0, |g| g.x.0 + g.advance.0)
        .max(0.01);
    let _ = write!(
        out,
        "<text transform=\"translate({} {}){rotate}\" font-size=\"{}\" textLength=\"{}\" lengthAdjust=\"spacingAndGlyphs\"",
        num(run.x.0),
        num(run.y.0),
        num(run.size.0),
        num(width)
    );
    // The body line on this baseline, if any (footnotes, heads and folios have none).
    let line = lines.iter().find(|l| {
        (geometry.baseline(l.grid as usize).0 - run.y.0).abs() < geometry.leading.0 * 0.5
    });
    if let Some(pos) = line.and_then(|l| l.pos) {
        let _ = write!(
            out,
            " data-block=\"{}\" data-offset=\"{}\"",
            pos.block.0, pos.offset
        );
    }
    if let Some(line) = line {
        let _ = write!(out, " data-grid=\"{}\"", line.grid);
    }
    out.push('>');
    push_escaped(out, &text);
    out.push_str("</text>");
}

/// A ring of points as path data: runs of two control points and an end
/// point are cubic curves, the rest straight lines (as the PDF draws them).
fn ring_data(out: &mut String, ring: &[(crate::model::Pt, crate::model::Pt, bool)]) {
    let Some(&(x, y, _)) = ring.first() else {
        return;
    };
    let _ = write!(out, "M{} {}", num(x.0), num(y.0));
    let mut i = 1;
    while i < ring.len() {
        let (x, y, control) = ring[i];
        if control && i + 2 < ring.len() && ring[i + 1].2 {
            let _ = write!(
                out,
                "C{} {} {} {} {} {}",
                num(x.0),
                num(y.0),
                num(ring[i + 1].0.0),
                num(ring[i + 1].1.0),
                num(ring[i + 2].0.0),
                num(ring[i + 2].1.0)
            );
            i += 3;
        } else {
            let _ = write!(out, "L{} {}", num(x.0), num(y.0));
            i += 1;
        }
    }
    out.push('Z');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::Project;

    fn fonts(toml: &str) -> Fonts {
        let project = Project::load(std::path::Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
        Fonts::load(&project, &crate::config::parse(toml).unwrap().fonts).unwrap()
    }

    /// The outlines kept are the last sheet's glyphs, drawn from the fonts
    /// the book has now: a face replaced under the same name is drawn anew.
    #[test]
    fn outlines_follow_the_glyphs_used_and_the_fonts() {
        let garamond = fonts("title = \"t\"");
        let mut outlines = Outlines::default();
        let used: BTreeSet<(usize, u16)> = [(0, 36), (0, 37), (0, 38)].into();
        let first = outlines.sheet(&garamond, &used);
        assert_eq!(outlines.paths.len(), 3);
        let fewer: BTreeSet<(usize, u16)> = [(0, 36)].into();
        outlines.sheet(&garamond.clone(), &fewer);
        assert_eq!(
            outlines.paths.len(),
            1,
            "only the last sheet's glyphs are kept"
        );
        assert_eq!(outlines.sheet(&garamond, &used), first);
        // The same face 0, another font file: other outlines.
        let dejavu = fonts("title = \"t\"\n[fonts]\nregular = \"DejaVuSans.ttf\"\n");
        let other = outlines.sheet(&dejavu, &used);
        assert_ne!(other, first);
        assert_eq!(other, Outlines::default().sheet(&dejavu, &used));
    }
}
