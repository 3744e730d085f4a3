//! One laid-out page → its PDF content stream, encoded straight to bytes
//! with `pdf-writer`'s `Content` (no per-glyph objects), and its page boxes
//! (media box = trim + bleed, trim box inset, the bleed on the outside
//! edge). Glyph runs are shaped glyph ids placed with absolute text
//! matrices and positioned with `TJ` offsets; then rules, fills, outlines
//! and images.

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};

use pdf_writer::types::TextRenderingMode;
use pdf_writer::{Content, Name, Str};

use crate::fonts::{Fonts, Style};
use crate::layout::frame::{GlyphRun, Item, Mark, Page, Part, Rgb, Side};
use crate::model::ImageId;

/// The shear of a slanted run's text matrix: tan 12°.
const SLANT: f32 = 0.2126;
/// Horizontal advances from each face's `hmtx`, in thousandths of an em: what a
/// PDF viewer advances after each glyph, so `TJ` offsets can correct it to the
/// shaped position.
pub struct GlyphWidths {
    faces: Vec<(Vec<u16>, f64)>,
}

impl GlyphWidths {
    pub fn new(fonts: &Fonts) -> GlyphWidths {
        let faces = fonts
            .iter()
            .map(|(_, font)| {
                let face = font.face();
                let upem = face.units_per_em() as f64;
                let advances = (0..face.number_of_glyphs())
                    .map(|g| face.glyph_hor_advance(ttf_parser::GlyphId(g)).unwrap_or(0))
                    .collect();
                (advances, upem)
            })
            .collect();
        GlyphWidths { faces }
    }

    fn thousandths(&self, style: Style, glyph: u16) -> f64 {
        let (advances, upem) = &self.faces[style.index()];
        let advance = advances.get(glyph as usize).copied().unwrap_or(0);
        // Exactly the integer printpdf writes in the font's /W array (it truncates):
        // the viewer advances by that, so the offsets must be computed against it.
        (advance as f32 * 1000.0 / *upem as f32) as i64 as f64
    }
}

/// A PDF rectangle `[llx lly urx ury]`, in points.
pub type PdfRect = [f32; 4];

/// The page's media box (trim + bleed) and trim box.
pub fn boxes(page: &Page) -> (PdfRect, PdfRect) {
    let (trim_left, bleed) = (trim_left(page), page.bleed.0);
    let media_width = page.trim.width.0
        + if page.side == Side::Cover {
            2.0 * bleed
        } else {
            bleed
        };
    let media_height = page.trim.height.0 + 2.0 * bleed;
    (
        [0.0, 0.0, media_width as f32, media_height as f32],
        [
            trim_left as f32,
            bleed as f32,
            (trim_left + page.trim.width.0) as f32,
            (bleed + page.trim.height.0) as f32,
        ],
    )
}

/// The bleed is on the outside edge: the left of a verso, the right of a recto.
fn trim_left(page: &Page) -> f64 {
    if page.side == Side::Recto {
        0.0
    } else {
        page.bleed.0
    }
}

/// Converts layout coordinates (trim top-left origin, y down) to PDF user
/// space, rounded to a thousandth of a point so the streams stay short and
/// the bytes stable.
struct Placement {
    trim_left: f64,
    trim_bottom: f64,
    trim_height: f64,
}

impl Placement {
    fn point(&self, x: f64, y: f64) -> (f32, f32) {
        (
            round(self.trim_left + x),
            round(self.trim_bottom + self.trim_height - y),
        )
    }
}

fn round(v: f64) -> f32 {
    ((v * 1000.0).round() / 1000.0) as f32
}

/// What a page's stream is drawn with besides the page itself: each face's
/// resource name and subset numbering, the images' names, the advances.
pub struct Resources<'a> {
    pub fonts: &'a BTreeMap<Style, super::EmbeddedFont>,
    pub images: &'a BTreeMap<ImageId, (String, u32, u32)>,
    pub widths: &'a GlyphWidths,
    /// Each colour the pages use in CMYK, when the document takes no RGB (a
    /// PDF/X cover); `None` paints in RGB (greys in DeviceGray either way).
    pub cmyk: Option<&'a CmykColours>,
}

/// Colours converted to CMYK, by their RGB components' bits.
pub type CmykColours = std::collections::HashMap<[u32; 3], [f32; 4]>;

/// The colours `pages` paint that are not grey, converted to CMYK.
pub fn cmyk_colours(pages: &[Page]) -> Result<CmykColours, String> {
    let mut colours = CmykColours::new();
    for page in pages {
        for item in &page.items {
            let color = match item {
                Item::Glyphs(run) => run.color,
                Item::Path { color, .. } | Item::Fill { color, .. } => *color,
                _ => continue,
            };
            let [r, g, b] = color.0;
            let key = color.0.map(f32::to_bits);
            let grey = r == g && g == b;
            if !grey && !colours.contains_key(&key) {
                colours.insert(key, super::colour::cmyk_of(color.0)?);
            }
        }
    }
    Ok(colours)
}

/// A key for the page's content stream: equal keys give equal streams, for
/// the same fonts' subsets (`subsets`, a hash of the glyph sets). Folios and
/// running heads are items like any other, so they are in it.
pub fn content_key(page: &Page, subsets: u64) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    subsets.hash(&mut h);
    for v in [page.trim.width.0, page.trim.height.0, page.bleed.0] {
        v.to_bits().hash(&mut h);
    }
    (page.side as u8).hash(&mut h);
    let pt = |h: &mut rustc_hash::FxHasher, v: crate::model::Pt| v.0.to_bits().hash(h);
    let rgb = |h: &mut rustc_hash::FxHasher, c: Rgb| c.0.map(f32::to_bits).hash(h);
    let mut previous = None;
    for item in &page.items {
        // Where the marked-content sequences open and what they are tagged
        // decide the stream (MCIDs count per page), never the block ids: an
        // edit that renumbers the blocks after it keeps the pages it does not move.
        let mark = item.mark();
        (previous != Some(mark)).hash(&mut h);
        tag(item, mark).hash(&mut h);
        previous = Some(mark);
        match item {
            Item::Glyphs(run) => {
                0u8.hash(&mut h);
                run.style.index().hash(&mut h);
                pt(&mut h, run.size);
                pt(&mut h, run.x);
                pt(&mut h, run.y);
                rgb(&mut h, run.color);
                run.rotation.to_bits().hash(&mut h);
                run.slant.hash(&mut h);
                run.hidden.hash(&mut h);
                run.glyphs.len().hash(&mut h);
                for g in &run.glyphs {
                    g.id.hash(&mut h);
                    g.x.0.to_bits().hash(&mut h);
                }
            }
            Item::Fill {
                x,
                y,
                width,
                height,
                color,
            } => {
                1u8.hash(&mut h);
                for v in [x, y, width, height] {
                    pt(&mut h, *v);
                }
                rgb(&mut h, *color);
            }
            Item::Path { rings, color } => {
                2u8.hash(&mut h);
                rgb(&mut h, *color);
                for ring in rings {
                    ring.len().hash(&mut h);
                    for &(x, y, control) in ring {
                        pt(&mut h, x);
                        pt(&mut h, y);
                        control.hash(&mut h);
                    }
                }
            }
            Item::Rule {
                x1,
                y1,
                x2,
                y2,
                width,
            } => {
                3u8.hash(&mut h);
                for v in [x1, y1, x2, y2, width] {
                    pt(&mut h, *v);
                }
            }
            Item::Image {
                image,
                x,
                y,
                width,
                height,
                ..
            } => {
                4u8.hash(&mut h);
                image.0.hash(&mut h);
                for v in [x, y, width, height] {
                    pt(&mut h, *v);
                }
            }
        }
    }
    h.finish()
}

/// The page's content stream, uncompressed.
pub fn encode(page: &Page, resources: &Resources) -> Vec<u8> {
    let mut stream = Stream::new(page, resources);
    for item in &page.items {
        stream.item(item);
    }
    stream.finish()
}

/// One page's content stream as it is written, and the state it has set:
/// an operator is written only when what it sets changes.
struct Stream<'r> {
    content: Content,
    place: Placement,
    resources: &'r Resources<'r>,
    /// Inside a text object (`BT` … `ET`).
    in_text: bool,
    font: Option<(Style, f64)>,
    /// The text state's character spacing (`Tc`), in points.
    spacing: f32,
    color: Rgb,
    /// A run's glyph ids between two offsets, kept across runs so no run allocates.
    glyph_bytes: Vec<u8>,
    sequences: Sequences,
}

impl<'r> Stream<'r> {
    fn new(page: &Page, resources: &'r Resources<'r>) -> Self {
        let glyph_count: usize = page
            .items
            .iter()
            .map(|item| match item {
                Item::Glyphs(run) => run.glyphs.len(),
                _ => 1,
            })
            .sum();
        Stream {
            // Compact: the marked-content properties on one line (`/Span<</MCID 3>>BDC`).
            content: Content::with_settings_and_capacity(
                pdf_writer::Settings { pretty: false },
                glyph_count * 8 + 64,
            ),
            place: Placement {
                trim_left: trim_left(page),
                trim_bottom: page.bleed.0,
                trim_height: page.trim.height.0,
            },
            resources,
            in_text: false,
            font: None,
            spacing: 0.0,
            color: Rgb::BLACK,
            glyph_bytes: Vec::new(),
            sequences: Sequences::default(),
        }
    }

    fn item(&mut self, item: &Item) {
        // A change of mark closes the marked-content sequence and opens the
        // next, outside any text object (the text state carries over).
        let mark = item.mark();
        if self.sequences.current != Some(mark) {
            self.end_text();
            self.sequences.open(&mut self.content, mark, item);
        }
        match item {
            Item::Glyphs(run) => self.glyphs(run),
            Item::Path { rings, color } => {
                self.end_text();
                self.set_color(*color);
                for ring in rings {
                    path(&mut self.content, &self.place, ring);
                }
                self.content.fill_nonzero();
            }
            Item::Fill {
                x,
                y,
                width,
                height,
                color,
            } => {
                self.end_text();
                self.set_color(*color);
                let (left, bottom) = self.place.point(x.0, y.0 + height.0);
                self.content
                    .rect(left, bottom, round(width.0), round(height.0));
                self.content.fill_nonzero();
            }
            Item::Rule {
                x1,
                y1,
                x2,
                y2,
                width,
            } => {
                self.end_text();
                let (ax, ay) = self.place.point(x1.0, y1.0);
                let (bx, by) = self.place.point(x2.0, y2.0);
                self.content.set_line_width(round(width.0));
                self.content.move_to(ax, ay).line_to(bx, by).stroke();
            }
            Item::Image {
                image,
                x,
                y,
                width,
                height,
                ..
            } => {
                let Some((name, _, _)) = self.resources.images.get(image) else {
                    return;
                };
                self.end_text();
                // An image is the unit square, scaled to its size and placed by its lower-left corner.
                let (left, bottom) = self.place.point(x.0, y.0 + height.0);
                self.content
                    .save_state()
                    .transform([round(width.0), 0.0, 0.0, round(height.0), left, bottom])
                    .x_object(Name(name.as_bytes()))
                    .restore_state();
            }
        }
    }

    /// A run of glyphs, in a text object, in its font, colour, matrix and spacing.
    fn glyphs(&mut self, run: &GlyphRun) {
        let resources = self.resources;
        let Some(font) = resources.fonts.get(&run.style) else {
            return;
        };
        if !self.in_text {
            self.content.begin_text();
            self.in_text = true;
        }
        if self.font != Some((run.style, run.size.0)) {
            self.content
                .set_font(Name(font.id.0.as_bytes()), run.size.0 as f32);
            self.font = Some((run.style, run.size.0));
        }
        self.set_color(run.color);
        let (x, y) = self.place.point(run.x.0, run.y.0);
        if run.slant {
            // An oblique: the upright glyphs sheared by 12°, as a
            // synthesised italic is.
            self.content.set_text_matrix([1.0, 0.0, SLANT, 1.0, x, y]);
        } else if run.rotation == 0.0 {
            self.content.set_text_matrix([1.0, 0.0, 0.0, 1.0, x, y]);
        } else {
            // Clockwise about the start of the baseline.
            let (sin, cos) = run.rotation.to_radians().sin_cos();
            self.content.set_text_matrix([cos, -sin, sin, cos, x, y]);
        }
        // A justified line's letter-spacing is the text state's `Tc`,
        // so its glyphs need no offsets of their own.
        let (offsets, spacing) = offsets(run, resources.widths);
        let spacing_pt = (spacing * run.size.0 / 1000.0) as f32;
        if spacing_pt != self.spacing {
            self.content.set_char_spacing(spacing_pt);
            self.spacing = spacing_pt;
        }
        if run.hidden {
            self.content
                .set_text_rendering_mode(TextRenderingMode::Invisible);
        }
        {
            // The glyph ids between two offsets are one string of a `TJ`.
            let mut shown = self.content.show_positioned();
            let mut items = shown.items();
            self.glyph_bytes.clear();
            for (g, offset) in run.glyphs.iter().zip(&offsets) {
                self.glyph_bytes
                    .extend_from_slice(&font.subset.glyph(g.id).to_be_bytes());
                if *offset != 0 {
                    items.show(Str(&self.glyph_bytes));
                    items.adjust(*offset as f32 / 100.0);
                    self.glyph_bytes.clear();
                }
            }
            if !self.glyph_bytes.is_empty() {
                items.show(Str(&self.glyph_bytes));
            }
        }
        if run.hidden {
            self.content
                .set_text_rendering_mode(TextRenderingMode::Fill);
        }
    }

    /// The fill colour, when it changes.
    fn set_color(&mut self, color: Rgb) {
        if self.color != color {
            let [r, g, b] = color.0;
            // A grey is DeviceGray, which every PDF/X output intent takes.
            if r == g && g == b {
                self.content.set_fill_gray(r);
            } else if let Some([c, m, y, k]) = self
                .resources
                .cmyk
                .and_then(|colours| colours.get(&color.0.map(f32::to_bits)))
            {
                self.content.set_fill_cmyk(*c, *m, *y, *k);
            } else {
                self.content.set_fill_rgb(r, g, b);
            }
            self.color = color;
        }
    }

    /// Closes the text object, when one is open: paths, rules and images are drawn outside.
    fn end_text(&mut self) {
        if self.in_text {
            self.content.end_text();
            self.in_text = false;
        }
    }

    fn finish(mut self) -> Vec<u8> {
        self.end_text();
        self.sequences.close(&mut self.content);
        self.content.finish().into_vec()
    }
}

/// The marked-content sequences of a page's stream as they are written:
/// the one open, and the next MCID.
#[derive(Default)]
struct Sequences {
    current: Option<Mark>,
    next_mcid: i32,
}

impl Sequences {
    fn close(&mut self, content: &mut Content) {
        if self.current.take().is_some() {
            content.end_marked_content();
        }
    }

    /// Opens `mark`'s sequence: an artifact, or the next MCID under a tag
    /// naming what `item` shows.
    fn open(&mut self, content: &mut Content, mark: Mark, item: &Item) {
        self.close(content);
        match mark {
            Mark::Artifact => {
                content.begin_marked_content(Name(b"Artifact"));
            }
            Mark::Block(..) => {
                content
                    .begin_marked_content_with_properties(Name(tag(item, mark).unwrap_or(b"Span")))
                    .properties()
                    .pair(Name(b"MCID"), self.next_mcid);
                self.next_mcid += 1;
            }
        }
        self.current = Some(mark);
    }
}

/// The tag a marked-content sequence of `item` opens with; `None` for an artifact.
fn tag(item: &Item, mark: Mark) -> Option<&'static [u8]> {
    match (item, mark) {
        (_, Mark::Artifact) => None,
        (Item::Image { .. }, _) => Some(b"Figure"),
        (_, Mark::Block(_, Part::Label)) => Some(b"Lbl"),
        (_, Mark::Block(_, Part::NoteRef(_))) => Some(b"Reference"),
        _ => Some(b"Span"),
    }
}

/// The block and part each MCID of the page's stream marks, in order (the
/// same sequences [`encode`] writes: one per run of items with one mark).
pub fn marked_content(page: &Page) -> Vec<(crate::model::BlockId, Part)> {
    let mut out = Vec::new();
    let mut current = None;
    for item in &page.items {
        let mark = item.mark();
        if current != Some(mark) {
            if let Mark::Block(block, part) = mark {
                out.push((block, part));
            }
            current = Some(mark);
        }
    }
    out
}

/// One closed ring: a point marked as a control point and the one after it
/// are the handles of a cubic Bézier ending at the next point.
fn path(
    content: &mut Content,
    place: &Placement,
    ring: &[(crate::model::Pt, crate::model::Pt, bool)],
) {
    let Some(&(x, y, _)) = ring.first() else {
        return;
    };
    let (x, y) = place.point(x.0, y.0);
    content.move_to(x, y);
    let mut i = 1;
    while i < ring.len() {
        let (x, y, control) = ring[i];
        if control && i + 2 < ring.len() && ring[i + 1].2 {
            let (x1, y1) = place.point(x.0, y.0);
            let (x2, y2) = place.point(ring[i + 1].0.0, ring[i + 1].1.0);
            let (x3, y3) = place.point(ring[i + 2].0.0, ring[i + 2].1.0);
            content.cubic_to(x1, y1, x2, y2, x3, y3);
            i += 3;
        } else {
            let (x, y) = place.point(x.0, y.0);
            content.line_to(x, y);
            i += 1;
        }
    }
    content.close_path();
}

/// The letter-spacing more than half of a run's glyph pairs share beyond
/// their advances (a justified line's tracking), from their gaps in
/// hundredths of a thousandth of an em; 0 when there is none.
fn common_spacing(gaps: &[i64]) -> i64 {
    if gaps.len() < 4 {
        return 0;
    }
    // Boyer–Moore majority vote, then a count to confirm it.
    let (mut candidate, mut votes) = (0i64, 0usize);
    for &gap in gaps {
        if votes == 0 {
            candidate = gap;
            votes = 1;
        } else if gap == candidate {
            votes += 1;
        } else {
            votes -= 1;
        }
    }
    let count = gaps.iter().filter(|&&g| g == candidate).count();
    if candidate > 0 && count * 2 >= gaps.len() {
        candidate
    } else {
        0
    }
}

/// For each glyph of the run, the `TJ` offset (in hundredths of a
/// thousandth of an em) that moves its successor from where the viewer
/// would put it (after this glyph's hmtx advance and the `Tc` spacing) to
/// where layout placed it; and that spacing, in thousandths of an em.
fn offsets(run: &GlyphRun, widths: &GlyphWidths) -> (Vec<i64>, f64) {
    let size = run.size.0;
    // Rounded to hundredths to keep the content stream short and the bytes stable.
    let mut gaps: Vec<i64> = run
        .glyphs
        .windows(2)
        .map(|pair| {
            let advance = widths.thousandths(run.style, pair[0].id);
            let wanted = (pair[1].x.0 - pair[0].x.0) * 1000.0 / size;
            ((wanted - advance) * 100.0).round() as i64
        })
        .collect();
    let spacing = common_spacing(&gaps);
    for gap in &mut gaps {
        *gap = spacing - *gap;
    }
    // The last glyph moves nothing after it.
    gaps.push(0);
    (gaps, spacing as f64 / 100.0)
}

/// Each face's glyphs with the text each shows, taken where the glyph is
/// drawn for the last time: what printpdf builds the fonts' widths and
/// ToUnicode maps from. A glyph whose text is empty there gets the font's
/// own character for it.
pub fn glyph_texts(pages: &[Page]) -> BTreeMap<Style, BTreeMap<u16, Option<String>>> {
    // A million glyphs in a long book: the pages are shared out over the
    // cores, and a later share's last uses win over an earlier one's.
    let shares: Vec<LastTexts> = crate::on_all_cores(pages, last_texts);
    let mut merged: LastTexts = BTreeMap::new();
    for share in shares {
        for (style, glyphs) in share {
            let face = merged.entry(style).or_default();
            if face.len() < glyphs.len() {
                face.resize(glyphs.len(), None);
            }
            for (id, text) in glyphs.into_iter().enumerate() {
                if text.is_some() {
                    face[id] = text;
                }
            }
        }
    }
    merged
        .into_iter()
        .map(|(style, glyphs)| {
            let glyphs = glyphs
                .into_iter()
                .enumerate()
                .filter_map(|(id, text)| Some((id as u16, text?.map(str::to_string))))
                .collect();
            (style, glyphs)
        })
        .collect()
}

/// Per face, indexed by glyph id: the text at the glyph's last use, when it is used.
type LastTexts<'a> = BTreeMap<Style, Vec<Option<Option<&'a str>>>>;

fn last_texts(pages: &[Page]) -> LastTexts<'_> {
    // Indexed by glyph id, so no map lookup per glyph.
    let mut faces: LastTexts = BTreeMap::new();
    for page in pages {
        for item in &page.items {
            let Item::Glyphs(run) = item else { continue };
            let face = faces.entry(run.style).or_default();
            for g in &run.glyphs {
                let start = g.text_start as usize;
                let text = run
                    .text
                    .get(start..start + g.text_len as usize)
                    .filter(|t| !t.is_empty());
                let id = g.id as usize;
                if face.len() <= id {
                    face.resize(id + 1, None);
                }
                face[id] = Some(text);
            }
        }
    }
    faces
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::frame::PlacedGlyph;
    use crate::model::Pt;

    /// Where a viewer puts each glyph of the run from the `TJ` offsets and
    /// `Tc`: after each glyph, its width plus the spacing, less the offset.
    fn viewer_positions(run: &GlyphRun, widths: &GlyphWidths) -> Vec<f64> {
        let (offsets, spacing) = offsets(run, widths);
        let size = run.size.0;
        let tc = (spacing * size / 1000.0) as f32 as f64;
        let mut x = run.glyphs[0].x.0;
        let mut out = Vec::new();
        for (g, offset) in run.glyphs.iter().zip(offsets) {
            out.push(x);
            let width = widths.thousandths(run.style, g.id);
            x += width * size / 1000.0 + tc - (offset as f32 / 100.0) as f64 * size / 1000.0;
        }
        out
    }

    fn run_at(xs: &[f64], ids: &[u16]) -> GlyphRun {
        GlyphRun {
            style: Style::Regular,
            size: Pt(11.0),
            x: Pt(0.0),
            y: Pt(0.0),
            glyphs: xs
                .iter()
                .zip(ids)
                .map(|(&x, &id)| PlacedGlyph {
                    id,
                    x: Pt(x),
                    advance: Pt(0.0),
                    text_start: 0,
                    text_len: 0,
                })
                .collect(),
            text: Default::default(),
            color: Rgb::BLACK,
            rotation: 0.0,
            slant: false,
            hidden: false,
            mark: Mark::Artifact,
        }
    }

    #[test]
    fn each_glyph_keeps_the_text_of_its_last_use() {
        let page = |text: &str, ids: &[u16]| {
            let mut run = run_at(&vec![0.0; ids.len()], ids);
            run.text = text.into();
            for (i, g) in run.glyphs.iter_mut().enumerate() {
                g.text_start = i as u32;
                g.text_len = 1;
            }
            Page {
                folio: String::new(),
                side: Side::Recto,
                trim: crate::model::Trim {
                    width: Pt(360.0),
                    height: Pt(576.0),
                },
                bleed: Pt(0.0),
                items: vec![Item::Glyphs(run)],
            }
        };
        // More pages than cores, so the last use is in a later share.
        let pages: Vec<Page> = (0..9)
            .map(|i| match i {
                0 => page("qa", &[7, 5]),
                8 => page("zb", &[9, 5]),
                _ => page("ax", &[5, 3]),
            })
            .collect();
        let texts = glyph_texts(&pages);
        let regular = &texts[&Style::Regular];
        assert_eq!(regular[&5], Some("b".to_string()));
        assert_eq!(regular[&3], Some("x".to_string()));
        assert_eq!(
            regular[&7],
            Some("q".to_string()),
            "used in the first share only"
        );
        assert_eq!(regular[&9], Some("z".to_string()));
        assert_eq!(regular.len(), 4);
    }

    #[test]
    fn the_viewer_puts_every_glyph_where_layout_placed_it() {
        // Widths 500, 250 and 600 thousandths of an em (a 1000-unit em).
        let widths = GlyphWidths {
            faces: vec![(vec![0, 500, 250, 600], 1000.0)],
        };
        let ids = [1, 2, 3, 1, 2, 3, 1];
        let advance = |id: u16| [0.0, 5.5, 2.75, 6.6][id as usize];
        // Untouched, kerned, tracked (a justified line), and tracked with kerns.
        for (extra, kern) in [(0.0, 0.0), (0.0, -0.31), (0.137, 0.0), (0.2, 0.45)] {
            let mut xs = vec![0.0];
            for (i, &id) in ids.iter().enumerate().take(ids.len() - 1) {
                let k = if i == 2 { kern } else { 0.0 };
                xs.push(xs[i] + advance(id) + extra + k);
            }
            let run = run_at(&xs, &ids);
            for (got, want) in viewer_positions(&run, &widths).iter().zip(&xs) {
                assert!((got - want).abs() < 0.002, "{got} against {want}");
            }
        }
    }

    #[test]
    fn the_stream_key_covers_the_marked_content_not_the_block_ids() {
        use crate::model::BlockId;
        let page = |marks: [Mark; 3]| Page {
            folio: String::new(),
            side: Side::Recto,
            trim: crate::model::Trim {
                width: Pt(360.0),
                height: Pt(576.0),
            },
            bleed: Pt(0.0),
            items: marks
                .iter()
                .map(|&mark| {
                    Item::Glyphs(GlyphRun {
                        mark,
                        ..run_at(&[0.0], &[1])
                    })
                })
                .collect(),
        };
        let block = |n| Mark::Block(BlockId(n), Part::Text);
        let one_paragraph = page([block(4), block(4), Mark::Artifact]);
        // The same page after an edit before it renumbered the blocks: the same stream.
        let renumbered = page([block(9), block(9), Mark::Artifact]);
        assert_eq!(content_key(&one_paragraph, 0), content_key(&renumbered, 0));
        assert_eq!(marked_content(&one_paragraph).len(), 1);
        // Two paragraphs are two sequences with two MCIDs: another stream.
        let two_paragraphs = page([block(4), block(5), Mark::Artifact]);
        assert_ne!(
            content_key(&one_paragraph, 0),
            content_key(&two_paragraphs, 0)
        );
        assert_eq!(marked_content(&two_paragraphs).len(), 2);
        let untagged = page([Mark::Artifact; 3]);
        assert_ne!(content_key(&one_paragraph, 0), content_key(&untagged, 0));
    }

    #[test]
    fn spacing_needs_a_majority_of_equal_positive_gaps() {
        assert_eq!(common_spacing(&[5, 5, 5, 1]), 5);
        assert_eq!(common_spacing(&[5, 5, 1, 2, 3]), 0);
        assert_eq!(common_spacing(&[-5, -5, -5, -5]), 0);
        assert_eq!(common_spacing(&[5, 5, 5]), 0);
    }
}
