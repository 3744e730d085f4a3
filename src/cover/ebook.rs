//! The typographic ebook cover, composed when the author supplied no art:
//! the title large in the book's roman, an ornament, the subtitle in italic
//! and the author's name in spaced capitals at the foot, cream on deep blue
//! inside a thin gold frame. Long titles wrap into even lines and the type
//! shrinks until everything fits inside the frame.

use image::RgbImage;

use super::paint::{self, Colour};
use super::text::{self, CoverFont, ShapedLine};
use super::wrap::{Paragraph, widest};
use super::{EBOOK_HEIGHT, EBOOK_WIDTH};
use std::collections::BTreeMap;

use crate::diag::{Diagnostics, Location};
use crate::fonts::{Fonts, Style};
use crate::model::Meta;

const WIDTH: f32 = EBOOK_WIDTH as f32;
const HEIGHT: f32 = EBOOK_HEIGHT as f32;

const BACKGROUND: Colour = Colour::hex(0x1d2b3a);
const INK: Colour = Colour::hex(0xf3ecdc);
const ACCENT: Colour = Colour::hex(0xc9a66b);

/// The frame: a thin rule this far inside the edge of the cover.
const FRAME_INSET: f32 = 120.0;
const FRAME_WEIGHT: f32 = 3.0;

/// Width of the centred text column, well inside the frame.
const MEASURE: f32 = 1100.0;
/// No type above this line…
const TOP: f32 = 330.0;
/// …and the last line of the author's name sits on this baseline.
const AUTHOR_BASELINE: f32 = HEIGHT - 360.0;
/// Least space between the subtitle and the author's name.
const AUTHOR_GAP: f32 = 180.0;
/// The title block centres on this height when there is room: above the
/// middle, where the eye expects a title.
const OPTICAL_CENTRE: f32 = HEIGHT * 0.40;

const TITLE_STYLE: Style = Style::Regular;
const TITLE_MAX: f32 = 230.0;
const TITLE_LEADING: f32 = 1.25;
const SUBTITLE_STYLE: Style = Style::Italic;
const SUBTITLE_MAX: f32 = 84.0;
const SUBTITLE_LEADING: f32 = 1.3;
/// The subtitle keeps its full size while the title is at least this big,
/// and shrinks with it below.
const SUBTITLE_FULL_AT: f32 = 190.0;
const AUTHOR_STYLE: Style = Style::Regular;
const AUTHOR_MAX: f32 = 70.0;
const AUTHOR_TRACKING: f32 = 0.14;
const AUTHOR_LEADING: f32 = 1.5;
const AUTHOR_MAX_LINES: usize = 3;

const ORNAMENT: &str = "\u{2767}"; // ❧ rotated floral heart
/// Ornament size relative to the title, within bounds.
const ORNAMENT_RATIO: f32 = 0.5;
const ORNAMENT_MIN: f32 = 40.0;
const ORNAMENT_MAX: f32 = 120.0;
/// Without the ornament glyph, a short rule this wide (relative to its size).
const RULE_WIDTH: f32 = 1.6;

/// The title may be set this much smaller than the largest that fits, if
/// that saves it a line.
const FEWER_LINES_SHRINK: f32 = 0.8;
/// Each try sets the type this much smaller.
const STEP: f32 = 0.97;
/// Below this the type stops shrinking: only absurdly long text gets here.
const SMALLEST: f32 = 4.0;

/// Composes the cover; errors name characters the fonts cannot draw, at the
/// book.toml key that holds them (from `settings_at`).
pub fn typographic_cover(
    meta: &Meta,
    fonts: &Fonts,
    settings_at: &BTreeMap<String, Location>,
) -> Result<RgbImage, Diagnostics> {
    let at = |key: &str| settings_at.get(key).cloned();
    // A face the cover cannot draw with is reported at the key naming it.
    let font = |style: Style| {
        CoverFont::new(fonts.get(style))
            .map(|font| font.with_fallbacks(fonts.fallbacks().map(|s| fonts.get(s))))
            .map_err(|d| match at(&style.setting()) {
                Some(place) => d.at(Some(place)),
                None => d,
            })
    };
    let title_font = font(TITLE_STYLE)?;
    let subtitle_font = font(SUBTITLE_STYLE)?;
    let author_font = font(AUTHOR_STYLE)?;

    let title = Paragraph::new(&title_font, &meta.title, 0.0);
    let subtitle = meta
        .subtitle
        .as_deref()
        .map(|s| Paragraph::new(&subtitle_font, s, 0.0))
        .filter(|p| !p.is_empty());
    let author_text = author_line(&meta.authors).to_uppercase();
    let author = Paragraph::new(&author_font, &author_text, AUTHOR_TRACKING);

    let mut errors = Diagnostics::new();
    check_glyphs(&title, "in the title", at("title"), &mut errors);
    if let Some(subtitle) = &subtitle {
        check_glyphs(subtitle, "in the subtitle", at("subtitle"), &mut errors);
    }
    check_glyphs(&author, "in the author's name", at("authors"), &mut errors);
    if errors.has_errors() {
        return Err(errors);
    }

    let mut canvas = paint::canvas(EBOOK_WIDTH, EBOOK_HEIGHT, BACKGROUND);
    let inset = (FRAME_INSET, FRAME_INSET);
    let outset = (WIDTH - FRAME_INSET, HEIGHT - FRAME_INSET);
    paint::stroke_rect(&mut canvas, inset, outset, FRAME_WEIGHT, ACCENT);

    let mut bottom = HEIGHT - TOP;
    if let Some(author) = fit_author(&author) {
        let first_baseline = AUTHOR_BASELINE - author.body_height();
        author.draw(&mut canvas, first_baseline, INK);
        bottom = first_baseline - author.cap_height() - AUTHOR_GAP;
    }
    let block = fit_title_block(&title, subtitle.as_ref(), bottom - TOP);
    let top = (OPTICAL_CENTRE - block.height / 2.0)
        .min(bottom - block.height)
        .max(TOP);
    block.draw(&mut canvas, top);
    Ok(canvas)
}

/// "A", "A & B", "A, B & C", each name held together by no-break spaces
/// so that a long list breaks between names.
fn author_line(authors: &[String]) -> String {
    let names: Vec<String> = authors
        .iter()
        .map(|a| a.split_whitespace().collect::<Vec<_>>().join("\u{a0}"))
        .filter(|a| !a.is_empty())
        .collect();
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} &\u{a0}{last}", rest.join(", ")),
    }
}

fn check_glyphs(
    paragraph: &Paragraph,
    place: &str,
    at: Option<Location>,
    errors: &mut Diagnostics,
) {
    let whole = text::shape(paragraph.font, &paragraph.text(), paragraph.tracking);
    for c in whole.missing_chars() {
        errors.push(text::missing_glyph_error(c, place, paragraph.font).at(at.clone()));
    }
}

/// Lines of one paragraph set at one size, centred on the cover.
struct SetText<'f, 'a> {
    font: &'f CoverFont<'a>,
    lines: Vec<ShapedLine>,
    size: f32,
    leading: f32,
}

impl<'f, 'a> SetText<'f, 'a> {
    /// Breaks the paragraph for `size`; a word too wide for the measure makes
    /// the whole paragraph smaller, so no line is ever wider than the measure.
    fn new(paragraph: &Paragraph<'f, 'a>, size: f32, leading: f32) -> SetText<'f, 'a> {
        let font = paragraph.font;
        let lines = paragraph.lines(size, MEASURE);
        let widest = widest(&lines, font, size);
        let size = if widest > MEASURE {
            size * MEASURE / widest
        } else {
            size
        };
        SetText {
            font,
            lines,
            size,
            leading: leading * size,
        }
    }

    fn cap_height(&self) -> f32 {
        self.font.cap_height(self.size)
    }

    /// From the first baseline to the last.
    fn body_height(&self) -> f32 {
        self.lines.len().saturating_sub(1) as f32 * self.leading
    }

    /// From the top of the capitals on the first line to the last baseline.
    fn height(&self) -> f32 {
        if self.lines.is_empty() {
            0.0
        } else {
            self.cap_height() + self.body_height()
        }
    }

    fn draw(&self, canvas: &mut RgbImage, first_baseline: f32, colour: Colour) {
        for (i, line) in self.lines.iter().enumerate() {
            let left = (WIDTH - line.width(self.font, self.size)) / 2.0;
            let baseline = first_baseline + i as f32 * self.leading;
            text::draw(canvas, self.font, line, self.size, (left, baseline), colour);
        }
    }
}

fn fit_author<'f, 'a>(author: &Paragraph<'f, 'a>) -> Option<SetText<'f, 'a>> {
    if author.is_empty() {
        return None;
    }
    let mut size = AUTHOR_MAX;
    loop {
        let set = SetText::new(author, size, AUTHOR_LEADING);
        if set.lines.len() <= AUTHOR_MAX_LINES || size <= SMALLEST {
            return Some(set);
        }
        size *= STEP;
    }
}

/// Title, ornament and subtitle, stacked from `y = 0` at the top of the
/// title's capitals.
struct TitleBlock<'f, 'a> {
    title: SetText<'f, 'a>,
    ornament: Ornament<'f, 'a>,
    ornament_centre: f32,
    subtitle: Option<(SetText<'f, 'a>, f32)>,
    height: f32,
}

/// The largest title (and subtitle with it) that fits in `room` px of
/// height; or a little smaller, when that saves a line of the title.
fn fit_title_block<'f, 'a>(
    title: &Paragraph<'f, 'a>,
    subtitle: Option<&Paragraph<'f, 'a>>,
    room: f32,
) -> TitleBlock<'f, 'a> {
    let mut size = TITLE_MAX;
    let mut best = loop {
        let block = TitleBlock::new(title, subtitle, size);
        if block.height <= room || size <= SMALLEST {
            break block;
        }
        size *= STEP;
    };
    // "Moby-Dick; / or, The Whale" reads better than a larger "Moby-Dick; /
    // or, The / Whale".
    let smallest = best.title.size * FEWER_LINES_SHRINK;
    size *= STEP;
    while size >= smallest {
        let block = TitleBlock::new(title, subtitle, size);
        if block.title.lines.len() < best.title.lines.len() && block.height <= room {
            best = block;
        }
        size *= STEP;
    }
    best
}

impl<'f, 'a> TitleBlock<'f, 'a> {
    fn new(
        title: &Paragraph<'f, 'a>,
        subtitle: Option<&Paragraph<'f, 'a>>,
        title_size: f32,
    ) -> TitleBlock<'f, 'a> {
        let title = SetText::new(title, title_size, TITLE_LEADING);
        let ornament = Ornament::new(title.font, title.size);
        let ornament_centre = title.height() + 0.5 * title.size + ornament.height / 2.0;
        let mut height = ornament_centre + ornament.height / 2.0;
        let subtitle = subtitle.map(|paragraph| {
            let size = SUBTITLE_MAX * (title.size / SUBTITLE_FULL_AT).min(1.0);
            let set = SetText::new(paragraph, size, SUBTITLE_LEADING);
            let first_baseline = height + 0.75 * set.size + set.cap_height();
            height = first_baseline + set.body_height() + set.font.descender(set.size) * 0.5;
            (set, first_baseline)
        });
        TitleBlock {
            title,
            ornament,
            ornament_centre,
            subtitle,
            height,
        }
    }

    fn draw(&self, canvas: &mut RgbImage, top: f32) {
        self.title.draw(canvas, top + self.title.cap_height(), INK);
        self.ornament.draw(canvas, top + self.ornament_centre);
        if let Some((subtitle, first_baseline)) = &self.subtitle {
            subtitle.draw(canvas, top + first_baseline, INK);
        }
    }
}

/// The floral heart between title and subtitle, or a short rule when the
/// font has none.
struct Ornament<'f, 'a> {
    font: &'f CoverFont<'a>,
    glyph: Option<(ShapedLine, (f32, f32, f32, f32))>,
    size: f32,
    height: f32,
}

impl<'f, 'a> Ornament<'f, 'a> {
    fn new(font: &'f CoverFont<'a>, title_size: f32) -> Ornament<'f, 'a> {
        let size = (title_size * ORNAMENT_RATIO).clamp(ORNAMENT_MIN, ORNAMENT_MAX);
        let glyph = ORNAMENT
            .chars()
            .all(|c| font.has_char(c))
            .then(|| text::shape(font, ORNAMENT, 0.0))
            .and_then(|line| font.ink_bounds(&line).map(|ink| (line, ink)));
        let height = match &glyph {
            Some((_, (_, bottom, _, top))) => (top - bottom) * font.scale(size),
            None => (size * 0.04).max(1.0),
        };
        Ornament {
            font,
            glyph,
            size,
            height,
        }
    }

    /// Centres the ornament's ink on (middle of the cover, `centre`).
    fn draw(&self, canvas: &mut RgbImage, centre: f32) {
        let scale = self.font.scale(self.size);
        match &self.glyph {
            Some((line, (left, bottom, right, top))) => {
                let x = WIDTH / 2.0 - (left + right) / 2.0 * scale;
                let baseline = centre + (top + bottom) / 2.0 * scale;
                text::draw(canvas, self.font, line, self.size, (x, baseline), ACCENT);
            }
            None => {
                let half = self.size * RULE_WIDTH / 2.0;
                let (x0, x1) = (WIDTH / 2.0 - half, WIDTH / 2.0 + half);
                let half_height = self.height / 2.0;
                let (top, bottom) = (centre - half_height, centre + half_height);
                paint::fill_rect(canvas, (x0, top), (x1, bottom), ACCENT);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cover::bundled_fonts;

    fn title_lines(title: &str, subtitle: Option<&str>) -> Vec<String> {
        let fonts = bundled_fonts();
        let title_font = CoverFont::new(fonts.get(TITLE_STYLE)).unwrap();
        let subtitle_font = CoverFont::new(fonts.get(SUBTITLE_STYLE)).unwrap();
        let title = Paragraph::new(&title_font, title, 0.0);
        let subtitle = subtitle.map(|s| Paragraph::new(&subtitle_font, s, 0.0));
        let block = fit_title_block(&title, subtitle.as_ref(), 1400.0);
        assert!(block.height <= 1400.0);
        for line in &block.title.lines {
            assert!(line.width(&title_font, block.title.size) <= MEASURE);
        }
        block.title.lines.iter().map(|l| l.text.clone()).collect()
    }

    #[test]
    fn titles_break_into_even_lines() {
        assert_eq!(
            title_lines("None of Us Are Free", Some("What Kazakhstan Can Learn")),
            ["None of Us", "Are Free"]
        );
        assert_eq!(title_lines("Emma", None), ["Emma"]);
    }

    #[test]
    fn a_slightly_smaller_title_saves_a_line() {
        assert_eq!(
            title_lines("Moby-Dick; or, The Whale", None),
            ["Moby-Dick;", "or, The Whale"]
        );
    }

    #[test]
    fn a_long_title_shrinks_to_the_room() {
        let title = "word ".repeat(200);
        let lines = title_lines(&title, Some("and a subtitle"));
        assert_eq!(lines.join(" ").split(' ').count(), 200);
    }

    /// No ink outside the text area: the margin and the band between the
    /// frame and the text are plain background.
    fn assert_type_inside(canvas: &RgbImage, case: &str) {
        let frame = FRAME_INSET as u32..(WIDTH - FRAME_INSET) as u32;
        let frame_y = FRAME_INSET as u32..(HEIGHT - FRAME_INSET) as u32;
        let clear = 124..(WIDTH as u32 - 124);
        let clear_y = 124..(HEIGHT as u32 - 124);
        let text = 200..(WIDTH as u32 - 200);
        let text_y = 300..(HEIGHT as u32 - 300);
        for (x, y, pixel) in canvas.enumerate_pixels() {
            let on_frame = frame.contains(&x)
                && frame_y.contains(&y)
                && !(clear.contains(&x) && clear_y.contains(&y));
            let in_text = text.contains(&x) && text_y.contains(&y);
            if !on_frame && !in_text {
                assert_eq!(pixel.0, BACKGROUND.0, "{case}: ink at ({x}, {y})");
            }
        }
    }

    #[test]
    fn odd_metadata_never_overflows() {
        let (book, fonts) = crate::cover::bundled();
        let long_word = "x".repeat(3000);
        let many_words = "word ".repeat(400);
        let cases: [(&str, &str, Option<&str>, Vec<&str>); 5] = [
            (
                "bundled",
                book.meta.title.as_str(),
                book.meta.subtitle.as_deref(),
                vec!["Aizada Arystanbek"],
            ),
            ("empty", "", Some(""), vec![]),
            ("blank", " \t\n ", Some("  "), vec!["", "  "]),
            (
                "huge",
                &long_word,
                Some(&many_words),
                vec![&long_word, "B", "C", "D"],
            ),
            (
                "marks",
                "Cafe\u{301} cre\u{300}me",
                Some("Ħ ŋ ſ"),
                vec!["Ærø"],
            ),
        ];
        for (case, title, subtitle, authors) in cases {
            let mut meta = book.meta.clone();
            meta.title = title.to_string();
            meta.subtitle = subtitle.map(str::to_string);
            meta.authors = authors.iter().map(|a| a.to_string()).collect();
            let canvas = typographic_cover(&meta, &fonts, &BTreeMap::new())
                .unwrap_or_else(|e| panic!("{case}: {e}"));
            assert_eq!(canvas.dimensions(), (EBOOK_WIDTH, EBOOK_HEIGHT));
            assert_type_inside(&canvas, case);
        }
    }

    #[test]
    fn authors_are_listed_and_kept_whole() {
        let names = |list: &[&str]| {
            let owned: Vec<String> = list.iter().map(|s| s.to_string()).collect();
            author_line(&owned).replace('\u{a0}', "_")
        };
        assert_eq!(names(&[]), "");
        assert_eq!(names(&["  "]), "");
        assert_eq!(names(&["Ann  Author"]), "Ann_Author");
        assert_eq!(names(&["A B", "C D"]), "A_B &_C_D");
        assert_eq!(names(&["A", "B", "C"]), "A, B &_C");
    }
}
