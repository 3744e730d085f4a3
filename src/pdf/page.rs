//! One laid-out page → one printpdf page: page boxes (media box = trim +
//! bleed, trim box inset, the bleed on the outside edge), glyph runs as
//! shaped glyph ids placed with absolute text matrices and positioned with
//! `TJ` offsets, rules and images.

use std::collections::BTreeMap;

use printpdf::{
    Codepoint, Color, Line, LinePoint, Op, PaintMode, PdfFontHandle, PdfPage, Point, Polygon,
    PolygonRing, Rect, TextItem, TextMatrix, TextRenderingMode, WindingOrder, XObjectId,
    XObjectTransform,
};

use crate::fonts::{Fonts, Style};
use crate::layout::frame::{GlyphRun, Item, Page, Rgb, Side};
use crate::model::ImageId;

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

fn pt(v: crate::model::Pt) -> printpdf::Pt {
    printpdf::Pt(v.0 as f32)
}

/// Converts layout coordinates (trim top-left origin, y down) to PDF user space.
struct Placement {
    trim_left: f64,
    trim_bottom: f64,
    trim_height: f64,
}

impl Placement {
    fn point(&self, x: f64, y: f64) -> (f64, f64) {
        (self.trim_left + x, self.trim_bottom + self.trim_height - y)
    }
}

/// Where in the document each glyph is drawn for the last time, per face.
///
/// printpdf builds each font's ToUnicode map from the text (`cid`) given
/// with the glyphs, the last occurrence of a glyph winning. Giving the text
/// only at that occurrence yields the same map without allocating a string
/// for every glyph drawn: a million of them in a long book.
pub struct LastUse {
    faces: Vec<Vec<Option<GlyphPlace>>>,
}

/// Page, item on the page, glyph in the run.
type GlyphPlace = (u32, u32, u32);

impl LastUse {
    pub fn new(pages: &[Page]) -> LastUse {
        let mut faces: Vec<Vec<Option<GlyphPlace>>> = Vec::new();
        for (p, page) in pages.iter().enumerate() {
            for (i, item) in page.items.iter().enumerate() {
                let Item::Glyphs(run) = item else { continue };
                let face = run.style.index();
                if faces.len() <= face {
                    faces.resize(face + 1, Vec::new());
                }
                let last = &mut faces[face];
                for (g, glyph) in run.glyphs.iter().enumerate() {
                    let id = glyph.id as usize;
                    if last.len() <= id {
                        last.resize(id + 1, None);
                    }
                    last[id] = Some((p as u32, i as u32, g as u32));
                }
            }
        }
        LastUse { faces }
    }

    fn is_last(&self, style: Style, glyph: u16, place: GlyphPlace) -> bool {
        self.faces
            .get(style.index())
            .and_then(|face| face.get(glyph as usize))
            == Some(&Some(place))
    }
}

pub fn draw(
    (page_index, page): (usize, &Page),
    last_use: &LastUse,
    fonts: &BTreeMap<Style, super::EmbeddedFont>,
    images: &BTreeMap<ImageId, (XObjectId, u32, u32)>,
    widths: &GlyphWidths,
) -> PdfPage {
    let bleed = page.bleed.0;
    let trim = page.trim;
    // The bleed is on the outside edge: the left of a verso, the right of a recto.
    let trim_left = if page.side == Side::Recto { 0.0 } else { bleed };
    let media_width = trim.width.0
        + if page.side == Side::Cover {
            2.0 * bleed
        } else {
            bleed
        };
    let media_height = trim.height.0 + 2.0 * bleed;
    let place = Placement {
        trim_left,
        trim_bottom: bleed,
        trim_height: trim.height.0,
    };
    let mut ops = Vec::with_capacity(page.items.len() * 4 + 4);
    let mut in_text = false;
    let mut current_font: Option<(Style, f64)> = None;
    let mut current_spacing = 0.0f32;
    let mut current_color = Rgb::BLACK;
    let set_color = |ops: &mut Vec<Op>, current: &mut Rgb, color: Rgb| {
        if *current != color {
            let [r, g, b] = color.0;
            ops.push(Op::SetFillColor {
                col: Color::Rgb(printpdf::Rgb {
                    r,
                    g,
                    b,
                    icc_profile: None,
                }),
            });
            *current = color;
        }
    };
    for (item_index, item) in page.items.iter().enumerate() {
        match item {
            Item::Glyphs(run) => {
                let Some(font) = fonts.get(&run.style) else {
                    continue;
                };
                if !in_text {
                    ops.push(Op::StartTextSection);
                    in_text = true;
                }
                if current_font != Some((run.style, run.size.0)) {
                    ops.push(Op::SetFont {
                        font: PdfFontHandle::External(font.id.clone()),
                        size: pt(run.size),
                    });
                    current_font = Some((run.style, run.size.0));
                }
                set_color(&mut ops, &mut current_color, run.color);
                let (x, y) = place.point(run.x.0, run.y.0);
                let matrix = if run.rotation == 0.0 {
                    TextMatrix::Translate(printpdf::Pt(x as f32), printpdf::Pt(y as f32))
                } else {
                    // Clockwise about the start of the baseline.
                    let (sin, cos) = run.rotation.to_radians().sin_cos();
                    TextMatrix::Raw([cos, -sin, sin, cos, x as f32, y as f32])
                };
                ops.push(Op::SetTextMatrix { matrix });
                // A justified line's letter-spacing is the text state's `Tc`,
                // so its glyphs need no offsets of their own.
                let (glyphs, spacing) = codepoints(run, widths, &font.subset, |glyph, g| {
                    last_use.is_last(
                        run.style,
                        glyph,
                        (page_index as u32, item_index as u32, g as u32),
                    )
                });
                let spacing_pt = (spacing * run.size.0 / 1000.0) as f32;
                if spacing_pt != current_spacing {
                    ops.push(Op::SetCharacterSpacing {
                        multiplier: spacing_pt,
                    });
                    current_spacing = spacing_pt;
                }
                if run.hidden {
                    ops.push(Op::SetTextRenderingMode {
                        mode: TextRenderingMode::Invisible,
                    });
                }
                ops.push(Op::ShowText {
                    items: vec![TextItem::GlyphIds(glyphs)],
                });
                if run.hidden {
                    ops.push(Op::SetTextRenderingMode {
                        mode: TextRenderingMode::Fill,
                    });
                }
            }
            Item::Path { rings, color } => {
                if in_text {
                    ops.push(Op::EndTextSection);
                    in_text = false;
                }
                set_color(&mut ops, &mut current_color, *color);
                let rings = rings
                    .iter()
                    .map(|ring| PolygonRing {
                        points: ring
                            .iter()
                            .map(|&(x, y, control)| {
                                let (x, y) = place.point(x.0, y.0);
                                LinePoint {
                                    p: Point {
                                        x: printpdf::Pt(x as f32),
                                        y: printpdf::Pt(y as f32),
                                    },
                                    bezier: control,
                                }
                            })
                            .collect(),
                    })
                    .collect();
                ops.push(Op::DrawPolygon {
                    polygon: Polygon {
                        rings,
                        mode: PaintMode::Fill,
                        winding_order: WindingOrder::NonZero,
                    },
                });
            }
            Item::Fill {
                x,
                y,
                width,
                height,
                color,
            } => {
                if in_text {
                    ops.push(Op::EndTextSection);
                    in_text = false;
                }
                set_color(&mut ops, &mut current_color, *color);
                let (left, bottom) = place.point(x.0, y.0 + height.0);
                ops.push(Op::DrawRectangle {
                    rectangle: Rect {
                        x: printpdf::Pt(left as f32),
                        y: printpdf::Pt(bottom as f32),
                        width: pt(*width),
                        height: pt(*height),
                        mode: Some(PaintMode::Fill),
                        winding_order: None,
                    },
                });
            }
            Item::Rule {
                x1,
                y1,
                x2,
                y2,
                width,
            } => {
                if in_text {
                    ops.push(Op::EndTextSection);
                    in_text = false;
                }
                let (ax, ay) = place.point(x1.0, y1.0);
                let (bx, by) = place.point(x2.0, y2.0);
                ops.push(Op::SetOutlineThickness { pt: pt(*width) });
                ops.push(Op::DrawLine {
                    line: Line {
                        points: vec![
                            LinePoint {
                                p: Point {
                                    x: printpdf::Pt(ax as f32),
                                    y: printpdf::Pt(ay as f32),
                                },
                                bezier: false,
                            },
                            LinePoint {
                                p: Point {
                                    x: printpdf::Pt(bx as f32),
                                    y: printpdf::Pt(by as f32),
                                },
                                bezier: false,
                            },
                        ],
                        is_closed: false,
                    },
                });
            }
            Item::Image {
                image,
                x,
                y,
                width,
                height,
            } => {
                let Some((id, pixels_wide, pixels_high)) = images.get(image) else {
                    continue;
                };
                if in_text {
                    ops.push(Op::EndTextSection);
                    in_text = false;
                }
                // Images are placed by their lower-left corner.
                let (left, bottom) = place.point(x.0, y.0 + height.0);
                ops.push(Op::UseXobject {
                    id: id.clone(),
                    // At 72 dpi printpdf sizes the image one point per pixel; scale from there.
                    transform: XObjectTransform {
                        translate_x: Some(printpdf::Pt(left as f32)),
                        translate_y: Some(printpdf::Pt(bottom as f32)),
                        dpi: Some(72.0),
                        scale_x: Some((width.0 / *pixels_wide as f64) as f32),
                        scale_y: Some((height.0 / *pixels_high as f64) as f32),
                        ..XObjectTransform::default()
                    },
                });
            }
        }
    }
    if in_text {
        ops.push(Op::EndTextSection);
    }
    let media = Rect::from_wh(
        printpdf::Pt(media_width as f32),
        printpdf::Pt(media_height as f32),
    );
    // printpdf writes a Rect as [x y width height], but PDF boxes are
    // [llx lly urx ury]: give it the upper-right corner in place of the size.
    let trim_box = Rect::from_xywh(
        printpdf::Pt(trim_left as f32),
        printpdf::Pt(bleed as f32),
        printpdf::Pt((trim_left + trim.width.0) as f32),
        printpdf::Pt((bleed + trim.height.0) as f32),
    );
    PdfPage {
        media_box: media.clone(),
        trim_box,
        crop_box: media,
        ops,
    }
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

/// The run's glyphs with `TJ` offsets that move each glyph from where the
/// viewer would put it (after the previous glyph's hmtx advance) to where
/// layout placed it. The text a glyph shows goes with it only where
/// `carries_text` says (see [`LastUse`]).
fn codepoints(
    run: &GlyphRun,
    widths: &GlyphWidths,
    subset: &super::subset::SubsetFace,
    carries_text: impl Fn(u16, usize) -> bool,
) -> (Vec<Codepoint>, f64) {
    let size = run.size.0;
    // How far each glyph's successor is from where the viewer would put it, in
    // hundredths (rounded to keep the content stream short and the bytes stable).
    let gaps: Vec<i64> = run
        .glyphs
        .windows(2)
        .map(|pair| {
            let advance = widths.thousandths(run.style, pair[0].id);
            let wanted = (pair[1].x.0 - pair[0].x.0) * 1000.0 / size;
            ((wanted - advance) * 100.0).round() as i64
        })
        .collect();
    let spacing = common_spacing(&gaps);
    let mut out = Vec::with_capacity(run.glyphs.len());
    for (i, g) in run.glyphs.iter().enumerate() {
        let offset = gaps
            .get(i)
            .map_or(0.0, |&gap| (spacing - gap) as f64 / 100.0);
        let cid = carries_text(g.id, i)
            .then(|| {
                let start = g.text_start as usize;
                run.text.get(start..start + g.text_len as usize)
            })
            .flatten()
            .filter(|text| !text.is_empty())
            .map(str::to_string);
        out.push(Codepoint {
            gid: subset.glyph(g.id),
            offset: offset as f32,
            cid,
        });
    }
    (out, spacing as f64 / 100.0)
}
