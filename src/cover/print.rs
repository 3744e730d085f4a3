//! The print cover: one full-wrap sheet, back + spine + front, with 0.125 in
//! bleed on every edge. The spine's width comes from the interior's final
//! page count and the paper; spine text appears only above 79 pages and keeps
//! 0.0625 in from each fold. The front is the cover art scaled to the bleed,
//! or the typographic design of the ebook cover in vector type; the back
//! carries the blurb, the ISBN and a clear area for the barcode. Every string
//! comes from the same metadata as the interior's title and copyright pages.

use std::sync::Arc;

use crate::diag::{Diagnostic, Diagnostics};
use crate::fonts::{Fonts, Style};
use crate::layout::frame::{GlyphRun, Item, Page, PagedBook, Rgb, Side};
use crate::layout::hyphenate::Hyphenator;
use crate::layout::paragraph::{Align, Line, ParaStyle, Setter};
use crate::layout::shape::Shaper;
use crate::model::{Book, ImageAsset, ImageFormat, ImageId, Pt, Trim};

pub const BLEED: Pt = Pt(9.0);
/// Cover text keeps this far inside the trim (KDP).
pub const SAFE: Pt = Pt(18.0);
/// Spine text keeps this far from each fold.
pub const SPINE_SAFE: Pt = Pt(4.5);
/// The spine's one line: the title, a separator, the author. A wide space
/// alone is set as an ordinary word space, and the title then ran into the
/// author ("…Sherlock Holmes Arthur Conan Doyle"): a bullet with a space
/// either side parts them (a middle dot where the face has no bullet).
fn spine_line(book: &Book, has_bullet: bool) -> String {
    let author = book.meta.author_line();
    if author.is_empty() {
        return book.meta.title.clone();
    }
    let separator = if has_bullet { '•' } else { '·' };
    format!("{} {separator} {author}", book.meta.title)
}

/// Books of this many pages or fewer carry no spine text.
pub const SPINE_TEXT_MIN_PAGES: usize = 80;
/// The barcode's clear area on the back: 2 × 1.2 in.
pub const BARCODE: (Pt, Pt) = (Pt(144.0), Pt(86.4));

const BACKGROUND: Rgb = Rgb::hex(0x1d2b3a);
const INK: Rgb = Rgb::hex(0xf3ecdc);
const ACCENT: Rgb = Rgb::hex(0xc9a66b);

/// The print cover, laid out, with what the release gate measures.
#[derive(Debug, Clone)]
pub struct PrintCover {
    pub pages: PagedBook,
    /// Images the sheet places (`ImageId(i)` is `images[i]`).
    pub images: Vec<ImageAsset>,
    /// One panel's trim (the book's trim).
    pub panel: Trim,
    pub spine: Pt,
    pub spine_text: bool,
    /// The barcode's clear area, in sheet coordinates (x, y, width, height).
    pub barcode: (Pt, Pt, Pt, Pt),
    /// Every string set on the cover, with the panel it is on.
    pub strings: Vec<(Panel, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Panel {
    Back,
    Spine,
    Front,
}

impl PrintCover {
    /// Width of the whole sheet's trim (back + spine + front).
    pub fn width(&self) -> Pt {
        self.panel.width * 2.0 + self.spine
    }

    /// The sheet's size with bleed, as a printer measures it.
    pub fn sheet(&self) -> (Pt, Pt) {
        (self.width() + BLEED * 2.0, self.panel.height + BLEED * 2.0)
    }
}

/// Spine width: pages × the paper's thickness per page.
pub fn spine_width(book: &Book, pages: usize) -> Pt {
    Pt::from_inches(pages as f64 * book.print.paper.caliper_inches())
}

/// Lays out the cover for an interior of `pages` pages.
pub fn print_cover(book: &Book, fonts: &Fonts, pages: usize) -> Result<PrintCover, Diagnostics> {
    let panel = book.print.trim;
    let spine = spine_width(book, pages);
    let (w, h) = (panel.width, panel.height);
    // The cover's few words: shaped in a table of their own.
    let words = crate::layout::shape::ShapedWords::default();
    let mut shaper = Shaper::new(fonts, &words, &book.meta.language);
    let mut hyphenator = Hyphenator::new(&book.meta.language, book.print.hyphenate, false);
    let mut setter = Setter::new(&mut shaper, &mut hyphenator);
    let mut sheet = Sheet {
        items: Vec::new(),
        strings: Vec::new(),
        lines: 0,
    };

    // Background over the whole sheet, bleed included.
    sheet.items.push(Item::Fill {
        x: -BLEED,
        y: -BLEED,
        width: w * 2.0 + spine + BLEED * 2.0,
        height: h + BLEED * 2.0,
        color: BACKGROUND,
    });
    // The panels in the order their words are read: front, spine, back.
    let images = front(&mut sheet, &mut setter, book, w + spine, panel)?;
    let spine_text = pages >= SPINE_TEXT_MIN_PAGES;
    if spine_text {
        spine_title(&mut sheet, &mut setter, book, panel, spine);
    }
    let barcode = barcode_area(panel);
    if let Some(blurb) = &book.meta.blurb {
        back_blurb(&mut sheet, &mut setter, blurb, panel, barcode.1);
    }
    imprint(&mut sheet, &mut setter, book, barcode);

    if !setter.missing.is_empty() {
        return Err(missing_glyphs(book, &setter.missing));
    }

    let sheet_trim = Trim {
        width: w * 2.0 + spine,
        height: h,
    };
    Ok(PrintCover {
        pages: PagedBook {
            pages: vec![Page {
                folio: String::new(),
                side: Side::Cover,
                trim: sheet_trim,
                bleed: BLEED,
                items: sheet.items,
            }],
            outline: Vec::new(),
            sections: None,
        },
        images,
        panel,
        spine,
        spine_text,
        barcode,
        strings: sheet.strings,
    })
}

/// The front panel, from `left`: the cover art when the book has it
/// (returned, as the sheet's one image), else the typographic design.
fn front(
    sheet: &mut Sheet,
    setter: &mut Setter<'_, '_>,
    book: &Book,
    left: Pt,
    panel: Trim,
) -> Result<Vec<ImageAsset>, Diagnostics> {
    let (w, h) = (panel.width, panel.height);
    let mut images = Vec::new();
    match &book.cover_art {
        Some(art) => {
            // The art fills the front to its bleed (right, top, bottom), cropped to that shape.
            let (fw, fh) = (w + BLEED, h + BLEED * 2.0);
            images.push(crop_to(art, fw.0 / fh.0)?);
            sheet.items.push(Item::Image {
                image: ImageId(0),
                x: left,
                y: -BLEED,
                width: fw,
                height: fh,
                // Read as the cover's figure, its alt text the title and author.
                mark: crate::layout::frame::Mark::Block(
                    crate::model::BlockId(COVER_ART),
                    crate::layout::frame::Part::Text,
                ),
            });
        }
        None => front_typography(sheet, setter, book, left, panel),
    }
    Ok(images)
}

/// The spine's one line, rotated, centred along it; none when the spine is
/// too narrow for 6 pt type inside its safe margins.
fn spine_title(
    sheet: &mut Sheet,
    setter: &mut Setter<'_, '_>,
    book: &Book,
    panel: Trim,
    spine: Pt,
) {
    let (w, h) = (panel.width, panel.height);
    let size = Pt(11.0).min((spine - SPINE_SAFE * 2.0) / 1.05);
    if size.0 < 6.0 {
        return;
    }
    let text = spine_line(book, setter.shaper.has_char(Style::Regular, '•'));
    let para = ParaStyle {
        align: Align::Left,
        ..plain(Style::Regular, size, Pt(1e6))
    };
    if let Some(line) = setter.set_text(&text, &para).into_iter().next() {
        let length = line.width.min(h - SAFE * 2.0);
        // Rotated clockwise: the baseline runs down the spine, the letters stand to its right.
        let baseline_x = w + spine / 2.0 - size * 0.33;
        let top = (h - length) / 2.0;
        sheet.place(&line, baseline_x, top, INK, 90.0, Panel::Spine, &text);
    }
}

/// The barcode's clear area on the back, in sheet coordinates (x, y,
/// width, height): in the lower right corner, inside the safe margin.
fn barcode_area(panel: Trim) -> (Pt, Pt, Pt, Pt) {
    (
        panel.width - SAFE - Pt(9.0) - BARCODE.0,
        panel.height - SAFE - Pt(9.0) - BARCODE.1,
        BARCODE.0,
        BARCODE.1,
    )
}

/// The blurb on the back, justified italic, ending above the barcode's
/// top (`barcode_top`): its size steps down by half a point until it fits,
/// to 8 pt at the least.
fn back_blurb(
    sheet: &mut Sheet,
    setter: &mut Setter<'_, '_>,
    blurb: &str,
    panel: Trim,
    barcode_top: Pt,
) {
    let measure = panel.width - Pt(72.0) * 1.5;
    let room = barcode_top - Pt(72.0) - Pt(24.0);
    let mut size = Pt(11.5);
    loop {
        let leading = size * 1.4;
        let mut lines: Vec<(Line, String)> = Vec::new();
        for paragraph in blurb.split("\n\n") {
            let para = ParaStyle {
                align: Align::Justify,
                hyphenate: true,
                ..plain(Style::Italic, size, measure)
            };
            for line in setter.set_text(paragraph.trim(), &para) {
                let text = line.text();
                lines.push((line, text));
            }
            // A blank line between paragraphs.
            lines.push((Line::empty(), String::new()));
        }
        lines.pop();
        let height = leading * lines.len() as f64;
        if height.0 <= room.0 || size.0 <= 8.0 {
            let mut y = Pt(72.0) + size;
            for (line, text) in &lines {
                if !text.is_empty() {
                    sheet.place(line, Pt(54.0), y, INK, 0.0, Panel::Back, text);
                }
                y += leading;
            }
            return;
        }
        size -= Pt(0.5);
    }
}

/// The barcode's clear area (white), the ISBN centred above it and the
/// publisher beside its foot.
fn imprint(sheet: &mut Sheet, setter: &mut Setter<'_, '_>, book: &Book, barcode: (Pt, Pt, Pt, Pt)) {
    sheet.items.push(Item::Fill {
        x: barcode.0,
        y: barcode.1,
        width: barcode.2,
        height: barcode.3,
        color: Rgb::WHITE,
    });
    if let Some(isbn) = &book.meta.isbn_print {
        let text = format!("ISBN {isbn}");
        let para = ParaStyle {
            align: Align::Left,
            ..plain(Style::Regular, Pt(8.0), Pt(1e6))
        };
        let line = setter.set_text(&text, &para).into_iter().next();
        if let Some(line) = line {
            let x = barcode.0 + (barcode.2 - line.width) / 2.0;
            sheet.place(&line, x, barcode.1 - Pt(5.0), INK, 0.0, Panel::Back, &text);
        }
    }
    if let Some(publisher) = &book.meta.publisher {
        let para = ParaStyle {
            align: Align::Left,
            ..plain(Style::Regular, Pt(9.0), Pt(1e6))
        };
        let line = setter.set_text(publisher, &para).into_iter().next();
        if let Some(line) = line {
            sheet.place(
                &line,
                Pt(54.0),
                barcode.1 + barcode.3,
                INK,
                0.0,
                Panel::Back,
                publisher,
            );
        }
    }
}

/// An error for each character the cover's faces lack, with the setting it came from.
fn missing_glyphs(book: &Book, missing: &[(char, Style)]) -> Diagnostics {
    let mut diagnostics = Diagnostics::new();
    for (c, _) in missing {
        diagnostics.push(
            Diagnostic::error(format!("the cover font has no glyph for “{c}” (U+{:04X})", *c as u32))
                .at(Some(super::setting_with(book, *c)))
                .with_hint("change the title, author or blurb in book.toml, or set the book in fonts that have it ([fonts])"),
        );
    }
    diagnostics
}

struct Sheet {
    items: Vec<Item>,
    strings: Vec<(Panel, String)>,
    /// Lines of text set so far (each line's tag).
    lines: u32,
}

/// The tag of the cover art on the print cover; each line of text is tagged
/// by its place among the lines set (`BlockId(n)` for the n-th), so the PDF
/// reads the cover's words in the order they were set.
pub const COVER_ART: u32 = u32::MAX;

impl Sheet {
    #[allow(clippy::too_many_arguments)]
    fn place(
        &mut self,
        line: &Line,
        x: Pt,
        baseline: Pt,
        color: Rgb,
        rotation: f32,
        panel: Panel,
        text: &str,
    ) {
        let mark = crate::layout::frame::Mark::Block(
            crate::model::BlockId(self.lines),
            crate::layout::frame::Part::Text,
        );
        self.lines += 1;
        for run in &line.runs {
            if run.glyphs.is_empty() {
                continue;
            }
            let mark = if run.role == crate::layout::paragraph::RunRole::Artifact {
                crate::layout::frame::Mark::Artifact
            } else {
                mark
            };
            // A rotated line advances down the page from its start.
            let (run_x, run_y) = if rotation == 0.0 {
                (x + line.x + run.x, baseline - run.rise)
            } else {
                (x, baseline + line.x + run.x)
            };
            self.items.push(Item::Glyphs(GlyphRun {
                mark,
                hidden: false,
                style: run.style,
                size: run.size,
                x: run_x,
                y: run_y,
                glyphs: run.glyphs.clone(),
                text: run.text.clone(),
                color,
                rotation,
                slant: run.slant,
            }));
        }
        self.strings.push((panel, text.to_string()));
    }
}

/// Centred, unhyphenated cover type.
fn plain(style: Style, size: Pt, measure: Pt) -> ParaStyle {
    ParaStyle::plain(style, size, Align::Center, measure)
}

/// The typographic front: a thin gold frame, the title, an ornament, the
/// subtitle in italic and the author's name in spaced capitals at the foot.
fn front_typography(
    sheet: &mut Sheet,
    setter: &mut Setter<'_, '_>,
    book: &Book,
    left: Pt,
    panel: Trim,
) {
    let (w, h) = (panel.width, panel.height);
    let inset = Pt(27.0);
    let weight = Pt(0.75);
    for (x, y, fw, fh) in [
        (left + inset, inset, w - inset * 2.0, weight),
        (left + inset, h - inset - weight, w - inset * 2.0, weight),
        (left + inset, inset, weight, h - inset * 2.0),
        (left + w - inset - weight, inset, weight, h - inset * 2.0),
    ] {
        sheet.items.push(Item::Fill {
            x,
            y,
            width: fw,
            height: fh,
            color: ACCENT,
        });
    }
    let measure = w - Pt(72.0) * 1.25;
    let x = left + Pt(36.0) * 1.25;

    // The author's name at the foot, its last line on one baseline, stacked upward.
    let author = book.meta.author_line();
    let author_size = (w * 0.035).max(Pt(11.0));
    // Lines broken narrower by what the letter-spacing will add, until each fits the measure.
    let tracking = author_size * 0.14;
    let mut author_lines: Vec<(Line, String)> = Vec::new();
    let mut room = measure;
    for _ in 0..6 {
        author_lines = if author.is_empty() {
            Vec::new()
        } else {
            setter
                .set_text(
                    &author.to_uppercase(),
                    &plain(Style::Regular, author_size, room),
                )
                .into_iter()
                .map(|mut line| {
                    // The words as written, before the letters are spaced out.
                    let words = line.text();
                    track(&mut line, tracking, measure);
                    (line, words)
                })
                .collect()
        };
        let widest = author_lines
            .iter()
            .map(|(l, _)| l.width.0)
            .fold(0.0, f64::max);
        if widest <= measure.0 + 0.01 {
            break;
        }
        room -= Pt(widest - measure.0);
    }
    let author_leading = author_size * 1.4;
    let author_last = h - Pt(72.0);
    let author_top =
        author_last - author_leading * author_lines.len().saturating_sub(1) as f64 - author_size;

    // The title shrinks until it takes at most three lines, and further until the
    // title, ornament and subtitle end two subtitle lines above the author's name.
    let top = h * 0.28;
    let ornament = setter.shaper.has_char(Style::Regular, '❧');
    let mut size = Pt(w.0 / 9.0);
    let (title, sub, subtitle) = loop {
        let title = setter.set_balanced(&book.meta.title, &plain(Style::Regular, size, measure));
        let sub = (size * 0.42).max(Pt(11.0)).min(size);
        let subtitle = book.meta.subtitle.as_ref().map_or(Vec::new(), |s| {
            setter.set_balanced(s, &plain(Style::Italic, sub, measure))
        });
        let end = top
            + size * TITLE_LEADING * title.len() as f64
            + size * 0.3
            + if ornament {
                (size * 0.9).max(size * 0.3 + sub)
            } else {
                Pt::ZERO
            }
            + sub * 1.3 * subtitle.len() as f64;
        let fits = end.0 <= author_top.0 - sub.0 * 2.0 && (title.len() <= 3 || size.0 <= 14.0);
        if fits || size.0 <= MIN_FRONT_TITLE.0 {
            break (title, sub, subtitle);
        }
        size = (size * 0.92).max(MIN_FRONT_TITLE);
    };
    let mut y = top;
    for line in &title {
        let text = line.text();
        sheet.place(line, x, y, INK, 0.0, Panel::Front, &text);
        y += size * TITLE_LEADING;
    }
    y += size * 0.3;
    if ornament {
        let mark = setter
            .set_text("❧", &plain(Style::Regular, size * 0.5, measure))
            .into_iter()
            .next();
        if let Some(line) = mark {
            sheet.place(&line, x, y + size * 0.2, ACCENT, 0.0, Panel::Front, "❧");
        }
        // Clear of the ornament's foot, whatever the two sizes.
        y += (size * 0.9).max(size * 0.3 + sub);
    }
    for line in &subtitle {
        let text = line.text();
        sheet.place(line, x, y, INK, 0.0, Panel::Front, &text);
        y += sub * 1.3;
    }
    for (k, (line, words)) in author_lines.iter().enumerate() {
        let baseline = author_top + author_size + author_leading * k as f64;
        sheet.place(line, x, baseline, INK, 0.0, Panel::Front, words);
    }
}

/// The front cover's title lines, apart by this times their size (as on the ebook cover).
const TITLE_LEADING: f64 = 1.25;

/// The smallest the front cover's title is set.
const MIN_FRONT_TITLE: Pt = Pt(9.0);

/// Letter-spaces a line (capitals) and centres it again in the measure.
fn track(line: &mut Line, tracking: Pt, measure: Pt) {
    let mut shift = 0.0;
    for run in &mut line.runs {
        for glyph in &mut run.glyphs {
            glyph.x += Pt(shift);
            shift += tracking.0;
        }
    }
    line.width += Pt(shift - tracking.0).max(Pt::ZERO);
    line.x = ((measure - line.width) / 2.0).max(Pt::ZERO);
}

/// The art cropped (centred) to a width ÷ height ratio, re-encoded in its
/// own format (a PNG keeps its transparency for the PDF writer to flatten).
fn crop_to(art: &ImageAsset, ratio: f64) -> Result<ImageAsset, Diagnostics> {
    let image = crate::images::decode(art).map_err(|e| {
        Diagnostics::from(Diagnostic::error(format!(
            "cannot read cover art {}: {e}",
            art.path
        )))
    })?;
    let (width, height) = (image.width(), image.height());
    let (cw, ch) = if (width as f64) / (height as f64) > ratio {
        (((height as f64) * ratio).round() as u32, height)
    } else {
        (width, ((width as f64) / ratio).round() as u32)
    };
    let cropped = image.crop_imm((width - cw) / 2, (height - ch) / 2, cw.max(1), ch.max(1));
    let bytes = match art.format {
        ImageFormat::Jpeg => crate::images::encode_jpeg(&cropped, 92),
        ImageFormat::Png => crate::images::encode_png(&cropped),
    };
    Ok(ImageAsset {
        path: art.path.clone(),
        bytes: Arc::from(bytes),
        format: art.format,
        width: cropped.width(),
        height: cropped.height(),
    })
}
