//! The print pages as SVG, drawn from layout's pages exactly as the PDF
//! writer draws them: each glyph is the font's own outline (the same glyph
//! id the PDF shows, defined once in a glyph sheet) at the position layout
//! gave it, so what the browser shows is what the PDF prints. Over the ink
//! lies an invisible text layer, line by line, for selecting, finding and
//! clicking (each body line knows its place in the model).

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write;

use crate::fonts::Fonts;
use crate::layout::compose::LineFact;
use crate::layout::frame::{Item, Page, Rgb};
use crate::layout::geometry::PageGeometry;

/// The glyphs a book's pages use, per face index ([`Style::index`]).
pub fn used_glyphs(pages: &[Page]) -> BTreeSet<(usize, u16)> {
    let mut used = BTreeSet::new();
    for page in pages {
        for item in &page.items {
            if let Item::Glyphs(run) = item
                && !run.hidden
            {
                let face = run.style.index();
                used.extend(run.glyphs.iter().map(|g| (face, g.id)));
            }
        }
    }
    used
}

/// Glyph outlines in font units, y up, as SVG path data; kept across
/// rebuilds while the fonts stay the same.
#[derive(Default)]
pub struct Outlines {
    paths: HashMap<(usize, u16), String>,
}

impl Outlines {
    /// A hidden SVG whose `<defs>` hold each glyph of `used` as
    /// `<path id="g{face}-{glyph}">`, flipped so that y grows downwards.
    pub fn sheet(&mut self, fonts: &Fonts, used: &BTreeSet<(usize, u16)>) -> String {
        let faces: Vec<_> = fonts.iter().collect();
        let mut out = String::from(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"0\" height=\"0\" aria-hidden=\"true\"><defs>",
        );
        for &(face, glyph) in used {
            let Some((_, font)) = faces.iter().find(|(s, _)| s.index() == face) else {
                continue;
            };
            let path = self
                .paths
                .entry((face, glyph))
                .or_insert_with(|| outline(&font.face(), glyph));
            let _ = write!(
                out,
                "<path id=\"g{face}-{glyph}\" transform=\"scale(1,-1)\" d=\"{path}\"/>"
            );
        }
        out.push_str("</defs></svg>");
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

/// Page `index` as an SVG element, in points, the trim box's top-left at
/// the origin. `lines` are the page's text lines (for the text layer's
/// places in the model); `image_href` names an image's URL.
pub fn page(
    page: &Page,
    index: usize,
    fonts: &Fonts,
    geometry: &PageGeometry,
    lines: &[LineFact],
    image_href: &dyn Fn(crate::model::ImageId) -> String,
) -> String {
    let (w, h) = (page.trim.width.0, page.trim.height.0);
    let mut out = String::with_capacity(page.items.len() * 400);
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"sheet\" viewBox=\"0 0 {} {}\" data-page=\"{index}\"><rect class=\"paper\" width=\"{}\" height=\"{}\"/>",
        num(w),
        num(h),
        num(w),
        num(h)
    );
    let mut text_layer = String::new();
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
                    let _ = write!(
                        out,
                        "<g fill=\"{}\" transform=\"translate({} {}){rotate} scale({})\">",
                        color(run.color),
                        num(run.x.0),
                        num(run.y.0),
                        scale
                    );
                    for glyph in &run.glyphs {
                        let _ = write!(
                            out,
                            "<use href=\"#g{face}-{}\" x=\"{}\"/>",
                            glyph.id,
                            (glyph.x.0 / scale).round() as i64
                        );
                    }
                    out.push_str("</g>");
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
                let _ = write!(
                    out,
                    "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>",
                    num(x.0),
                    num(y.0),
                    num(width.0),
                    num(height.0),
                    color(*c)
                );
            }
            Item::Path { rings, color: c } => {
                let _ = write!(out, "<path fill=\"{}\" d=\"", color(*c));
                for ring in rings {
                    ring_data(&mut out, ring);
                }
                out.push_str("\"/>");
            }
            Item::Rule {
                x1,
                y1,
                x2,
                y2,
                width,
            } => {
                let _ = write!(
                    out,
                    "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#000\" stroke-width=\"{}\"/>",
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
            } => {
                out.push_str("<image href=\"");
                push_escaped(&mut out, &image_href(*image));
                let _ = write!(
                    out,
                    "\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" preserveAspectRatio=\"none\"/>",
                    num(x.0),
                    num(y.0),
                    num(width.0),
                    num(height.0)
                );
            }
        }
    }
    out.push_str("<g class=\"text\">");
    out.push_str(&text_layer);
    out.push_str("</g></svg>");
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
    let text = spaced_text(run);
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

/// A run's text with a space wherever its glyphs leave a word space's gap
/// (a justified line's runs hold its words, the spaces being only distance),
/// as a PDF reader finds the words.
pub fn spaced_text(run: &crate::layout::frame::GlyphRun) -> String {
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
