//! Page geometry and the type scale: margins (mirrored, with KDP's gutter for
//! the page count), the baseline grid, where running heads and folios sit,
//! and the sizes of everything set on the page. Everything is on a grid of
//! body lines so that facing pages end at the same depth.

use super::paragraph::{Align, ParaStyle};
use crate::fonts::Style;
use crate::model::style::{BookStyle, Case, Face, TextAlign, TextStyle};
use crate::model::{PrintSettings, Pt, Trim};

/// KDP's minimum inside margin for a page count, in inches.
pub fn kdp_gutter_inches(pages: usize) -> f64 {
    match pages {
        0..=150 => 0.375,
        151..=300 => 0.5,
        301..=500 => 0.625,
        501..=700 => 0.75,
        _ => 0.875,
    }
}

/// The foot folio's least distance below a page's last text line, in line spaces.
pub const FOLIO_CLEARANCE: f64 = 1.75;

/// The most a line's edge punctuation hangs into a margin (a hyphen, a
/// period or a closing quote at the body size).
const HANG_ROOM: Pt = Pt(2.5);

/// Bleed on the top, bottom and outside edge when bleed is on.
pub const BLEED: Pt = Pt(9.0);

/// How one element of the book's style is set in print: face, size,
/// alignment, case and letter-spacing, resolved to the body size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Look {
    pub style: Style,
    pub size: Pt,
    pub align: Align,
    pub case: Case,
    /// Letter-spacing in ems.
    pub tracking: f64,
}

impl Look {
    pub fn new(text: &TextStyle, body: Pt) -> Look {
        Look {
            style: face_style(text.face),
            size: body * text.size,
            align: match text.align {
                TextAlign::Left => Align::Left,
                TextAlign::Center => Align::Center,
                TextAlign::Right => Align::Right,
                TextAlign::Justify => Align::Justify,
            },
            case: text.case,
            tracking: text.tracking,
        }
    }

    /// Unhyphenated lines in this look at `measure`.
    pub fn para(&self, measure: Pt) -> ParaStyle {
        ParaStyle::plain(self.style, self.size, self.align, measure).cased(self.case, self.tracking)
    }
}

/// The text face a style names.
pub fn face_style(face: Face) -> Style {
    match face {
        Face::Regular => Style::Regular,
        Face::Italic => Style::Italic,
        Face::Bold => Style::Bold,
        Face::BoldItalic => Style::BoldItalic,
    }
}

/// The looks of the style's elements, for print.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Looks {
    pub label: Look,
    pub title: Look,
    pub subtitle: Look,
    pub heading: Look,
    pub subheading: Look,
    pub section_number: Look,
    pub running_head: Look,
    pub folio: Look,
    pub block_quote: Look,
    pub epigraph: Look,
    pub caption: Look,
    pub note: Look,
    pub term: Look,
}

/// The sizes quire sets things in, derived from the body size and the style.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TypeScale {
    pub body: Pt,
    pub leading: Pt,
    pub small: Pt,
    pub note: Pt,
    pub note_leading: Pt,
    pub head: Pt,
    pub book_title: Pt,
    pub subtitle: Pt,
    pub code: Pt,
    /// Paragraph indent.
    pub indent: Pt,
    pub looks: Looks,
}

impl TypeScale {
    /// The scale a footnote's blocks are set in: every size in proportion to
    /// the note's, on the note leading.
    pub fn for_notes(&self) -> TypeScale {
        let factor = self.note.0 / self.body.0;
        let scaled = |look: Look| Look {
            size: look.size * factor,
            ..look
        };
        let l = self.looks;
        TypeScale {
            body: self.note,
            leading: self.note_leading,
            small: self.small * factor,
            note: self.note,
            note_leading: self.note_leading,
            code: self.code * factor,
            indent: self.indent * factor,
            looks: Looks {
                label: scaled(l.label),
                title: scaled(l.title),
                subtitle: scaled(l.subtitle),
                heading: scaled(l.heading),
                subheading: scaled(l.subheading),
                section_number: scaled(l.section_number),
                running_head: l.running_head,
                folio: l.folio,
                block_quote: scaled(l.block_quote),
                epigraph: scaled(l.epigraph),
                caption: scaled(l.caption),
                // The note's own look is at the note size already.
                note: l.note,
                term: scaled(l.term),
            },
            ..*self
        }
    }

    pub fn new(settings: &PrintSettings, style: &BookStyle) -> TypeScale {
        let body = settings.font_size;
        let leading = settings.leading;
        let look = |text: &TextStyle| Look::new(text, body);
        let looks = Looks {
            label: look(&style.opening.label),
            title: look(&style.opening.title),
            subtitle: look(&style.subtitle),
            heading: look(&style.heading),
            subheading: look(&style.subheading),
            section_number: look(&style.section_number),
            running_head: look(&style.running_head),
            folio: look(&style.folio),
            block_quote: look(&style.block_quote),
            epigraph: look(&style.epigraph),
            caption: look(&style.caption),
            note: look(&style.note),
            term: look(&style.term),
        };
        TypeScale {
            body,
            leading,
            small: looks.caption.size,
            note: looks.note.size,
            note_leading: leading * 0.8 * (style.note.size / 0.82).min(1.2),
            head: looks.running_head.size,
            book_title: body * 2.4,
            subtitle: looks.subtitle.size,
            code: body * style.proportions.code_size,
            indent: body * 1.5,
            looks,
        }
    }
}

/// The measure of a book of about 300 pages at these settings (the gutter
/// of KDP's middle band): what the parser reads hard-broken lines against,
/// before the page count is known.
pub fn nominal_measure(settings: &PrintSettings) -> Pt {
    let inch = 72.0;
    let trim = settings.trim;
    let outside = outside_margin(trim);
    let inside = Pt::from_inches(kdp_gutter_inches(300)) + Pt(0.125 * inch) + HANG_ROOM;
    trim.width - inside - outside
}

/// The outside margin: a tenth of the trim's width, within 0.55 and 0.875 in.
fn outside_margin(trim: crate::model::Trim) -> Pt {
    let inch = 72.0;
    Pt((trim.width.0 * 0.1).clamp(0.55 * inch, 0.875 * inch))
}

/// Where things go on a page (trim coordinates: origin top-left, y down).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageGeometry {
    pub trim: Trim,
    pub bleed: Pt,
    pub inside: Pt,
    pub outside: Pt,
    pub top: Pt,
    /// Width of the text block.
    pub measure: Pt,
    /// Body lines on a full page.
    pub lines: usize,
    pub leading: Pt,
    /// Baseline of the first body line, from the top of the trim.
    pub first_baseline: Pt,
    /// Baseline of the running head.
    pub head_baseline: Pt,
    /// Baseline of a folio set at the foot (on opening pages).
    pub foot_baseline: Pt,
}

impl PageGeometry {
    /// Geometry for a book expected to have `pages` pages.
    pub fn new(settings: &PrintSettings, scale: &TypeScale, pages: usize) -> PageGeometry {
        let trim = settings.trim;
        let inch = 72.0;
        // Margins scale a little with the trim; KDP's gutter sets the inside margin.
        let outside = outside_margin(trim);
        // Half an inch clear of the gutter's minimum, plus room for the
        // punctuation a justified line hangs into it (optical margins), so the
        // ink keeps IngramSpark's half-inch safety even on a short book.
        let inside = Pt::from_inches(kdp_gutter_inches(pages)) + Pt(0.125 * inch) + HANG_ROOM;
        let top = Pt((trim.height.0 * 0.09).clamp(0.8 * inch, 1.0 * inch));
        let bottom_min = Pt((trim.height.0 * 0.09).clamp(0.8 * inch, 1.0 * inch));
        let leading = scale.leading;
        let available = trim.height - top - bottom_min;
        let mut lines = ((available.0 / leading.0).floor() as usize).max(10);
        // The first baseline sits one cap height below the top margin.
        let first_baseline = top + scale.body * 0.72;
        // Heads and foot folios sit 0.25 in from the text, and at least 0.5 in from the trim
        // (IngramSpark trims drift up to 1/16 in).
        // The taller of the head and the folio sets where both sit.
        let furniture = scale.head.max(scale.looks.folio.size);
        let head_baseline = Pt((top.0 - 0.3 * inch).max(0.5 * inch + furniture.0 * 0.8));
        // The foot folio is a fixed place in the margin, clear of the last line by
        // more than a line space so it never reads as text: the grid gives up a line
        // rather than let the folio come closer.
        let lowest_folio = trim.height.0 - 0.5 * inch - furniture.0 * 0.25;
        let gap = (0.4 * inch).max(leading.0 * FOLIO_CLEARANCE);
        let last_baseline = |lines: usize| first_baseline + leading * (lines as f64 - 1.0);
        while lines > 10 && last_baseline(lines).0 + leading.0 * FOLIO_CLEARANCE > lowest_folio {
            lines -= 1;
        }
        let foot_baseline = Pt((last_baseline(lines).0 + gap).min(lowest_folio));
        PageGeometry {
            trim,
            bleed: if settings.bleed { BLEED } else { Pt::ZERO },
            inside,
            outside,
            top,
            measure: trim.width - inside - outside,
            lines,
            leading,
            first_baseline,
            head_baseline,
            foot_baseline,
        }
    }

    /// Left edge of the text block on a page of the given side.
    pub fn text_left(&self, recto: bool) -> Pt {
        if recto { self.inside } else { self.outside }
    }

    /// Baseline of grid line `index` (0-based) on the page.
    pub fn baseline(&self, index: usize) -> Pt {
        self.first_baseline + self.leading * index as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ChapterOpening, Paper, RunningHead};

    fn settings(trim: &str, bleed: bool) -> PrintSettings {
        PrintSettings {
            trim: Trim::parse(trim).unwrap(),
            bleed,
            paper: Paper::White,
            chapters_open: ChapterOpening::Recto,
            running_head_verso: RunningHead::Author,
            running_head_recto: RunningHead::Chapter,
            hyphenate: true,
            hyphenate_capitalized: false,
            contents_leaders: false,
            font_size: Pt(11.0),
            leading: Pt(14.25),
            draft: false,
            grayscale_images: false,
            pdf_x: None,
            min_pages: 0,
            page_references: false,
            urls: crate::model::PrintUrls::Inline,
        }
    }

    #[test]
    fn margins_meet_the_printers_minimums() {
        for trim in ["5x8", "5.5x8.5", "6x9", "8.5x11", "a5"] {
            for bleed in [false, true] {
                let s = settings(trim, bleed);
                let scale = TypeScale::new(&s, &BookStyle::default());
                for pages in [30, 200, 466, 800] {
                    let g = PageGeometry::new(&s, &scale, pages);
                    let half_inch = 36.0;
                    assert!(g.inside.inches() >= kdp_gutter_inches(pages), "{trim}");
                    assert!(g.outside.0 >= half_inch && g.top.0 >= half_inch);
                    // Running head and foot folio stay 0.5 in inside the trim.
                    assert!(
                        g.head_baseline.0 - scale.head.0 * 0.8 >= half_inch - 0.01,
                        "{trim} {g:?}"
                    );
                    assert!(g.trim.height.0 - g.foot_baseline.0 >= half_inch - 0.01);
                    // The foot folio is clear of the last line of a full page.
                    let last = g.baseline(g.lines - 1);
                    assert!(
                        g.foot_baseline.0 - last.0 >= g.leading.0 * FOLIO_CLEARANCE - 0.01,
                        "{trim} {g:?}"
                    );
                    // The longest page (one line over) still fits above the foot margin.
                    let long_page_last = g.baseline(g.lines);
                    assert!(g.trim.height.0 - long_page_last.0 >= half_inch, "{trim}");
                    assert!(g.measure.0 > 200.0);
                }
            }
        }
    }

    #[test]
    fn gutter_table() {
        assert_eq!(kdp_gutter_inches(24), 0.375);
        assert_eq!(kdp_gutter_inches(151), 0.5);
        assert_eq!(kdp_gutter_inches(466), 0.625);
        assert_eq!(kdp_gutter_inches(600), 0.75);
        assert_eq!(kdp_gutter_inches(828), 0.875);
    }
}
