//! Collecting: a paragraph's inlines read into segments of styled text
//! (face, size, rise, features, tracking, links and language passages),
//! with small capitals, superscripts, note references and print URLs.

use super::*;

/// Flattens inlines into styled segments, counting characters like the page map does.
pub(super) fn segments<'a>(
    inlines: &'a [Inline],
    para: &ParaStyle,
    book: BookSettings,
    offset: &mut u32,
    links: &mut u32,
    out: &mut Vec<Segment<'a>>,
) {
    let look = Look {
        style: para.style,
        size: para.size,
        rise: Pt::ZERO,
        strike: false,
        show_urls: book.show_urls,
        features: book.figures.with(case_features(para.case)),
        tracking: para.tracking * para.size.0,
        upper: para.case == Case::Upper,
        link: None,
        lang: None,
        proportions: book.proportions,
    };
    segments_in(inlines, look, offset, links, out);
}

/// The features a case is set with.
fn case_features(case: Case) -> Features {
    match case {
        Case::AsWritten | Case::Upper => Features::NONE,
        Case::SmallCaps => Features::SMALL_CAPS,
        Case::AllSmallCaps => Features::SMALL_CAPS.with(Features::CAPS_TO_SMALL),
    }
}

/// Text in capitals, a character for a character (so page positions still
/// count the text as written: ß stays ß).
pub fn capitals(text: &str) -> String {
    text.chars()
        .map(|c| {
            let mut upper = c.to_uppercase();
            match (upper.next(), upper.next()) {
                (Some(u), None) => u,
                _ => c,
            }
        })
        .collect()
}

/// Letter-spacing of words in full capitals set as small capitals, in ems.
const CAPITALS_SPACING: f64 = 0.02;

/// Small capitals made from capitals at this share of the size, where the
/// face has none of its own.
const SYNTHETIC_SMALL_CAPS: f64 = 0.78;

/// Raised and lowered text: this much of the size, this far from the baseline.
const SCRIPT_SIZE: f64 = 0.7;

const SUPERSCRIPT_RISE: f64 = 0.33;

const SUBSCRIPT_DROP: f64 = 0.15;

fn segments_in<'a>(
    inlines: &'a [Inline],
    look: Look,
    offset: &mut u32,
    links: &mut u32,
    out: &mut Vec<Segment<'a>>,
) {
    for inline in inlines {
        let text = |text: &'a str, offset: u32| text_segment(&look, text, offset);
        match inline {
            Inline::Text(t) => {
                out.push(text(t, *offset));
                *offset += t.chars().count() as u32;
            }
            Inline::Code(t) => {
                out.push(Segment {
                    style: Style::Mono,
                    size: look.size * look.proportions.code_size,
                    ..text(t, *offset)
                });
                *offset += t.chars().count() as u32;
            }
            Inline::Emphasis(inner) => segments_in(
                inner,
                Look {
                    style: look.style.toggle_italic(),
                    ..look
                },
                offset,
                links,
                out,
            ),
            Inline::Strong(inner) => segments_in(
                inner,
                Look {
                    style: look.style.with_bold(),
                    ..look
                },
                offset,
                links,
                out,
            ),
            Inline::Language { tag, content } => {
                let look = Look {
                    lang: Some(crate::model::language_key(tag)),
                    ..look
                };
                segments_in(content, look, offset, links, out)
            }
            Inline::Link { url, content } => {
                let look = Look {
                    link: Some(*links),
                    ..look
                };
                *links += 1;
                segments_in(content, look, offset, links, out);
                if let Some(shown) = shown_url(url, content, look.show_urls) {
                    out.push(Segment {
                        text: shown.into(),
                        counted: false,
                        link: look.link,
                        ..text("", *offset)
                    });
                }
            }
            Inline::CrossRef { content, page, .. } => {
                let look = Look {
                    link: Some(*links),
                    ..look
                };
                *links += 1;
                segments_in(content, look, offset, links, out);
                if let Some(page) = page {
                    out.push(Segment {
                        counted: false,
                        link: look.link,
                        ..text(page, *offset)
                    });
                }
            }
            Inline::Marked { mark, content } => {
                let marked = marked_look(look, *mark);
                segments_in(content, marked, offset, links, out);
            }
            Inline::NoteRef { note, label } => {
                out.push(note_ref_segment(&look, *note, label, *offset))
            }
            Inline::LineBreak => {
                out.push(text("\n", *offset));
                *offset += 1;
            }
        }
    }
}

/// Text in the look around it.
fn text_segment<'a>(look: &Look, text: &'a str, offset: u32) -> Segment<'a> {
    Segment {
        text: if look.upper {
            capitals(text).into()
        } else {
            text.into()
        },
        style: look.style,
        size: look.size,
        rise: look.rise,
        strike: look.strike,
        offset,
        note: None,
        counted: true,
        superior: None,
        features: look.features,
        tracking: look.tracking,
        link: look.link,
        lang: look.lang,
    }
}

/// The look inside a marked span: struck through, raised, lowered, in small
/// capitals, or in capitals set as small capitals and spaced.
fn marked_look(look: Look, mark: TextMark) -> Look {
    match mark {
        TextMark::Strikethrough => Look {
            strike: true,
            ..look
        },
        TextMark::Superscript => Look {
            size: look.size * SCRIPT_SIZE,
            rise: look.rise + look.size * SUPERSCRIPT_RISE,
            ..look
        },
        TextMark::Subscript => Look {
            size: look.size * SCRIPT_SIZE,
            rise: look.rise - look.size * SUBSCRIPT_DROP,
            ..look
        },
        TextMark::SmallCaps => Look {
            features: look.features.with(Features::SMALL_CAPS),
            upper: false,
            ..look
        },
        TextMark::Capitals => Look {
            features: look
                .features
                .with(Features::SMALL_CAPS.with(Features::CAPS_TO_SMALL)),
            tracking: look.tracking + look.size.0 * CAPITALS_SPACING,
            upper: false,
            ..look
        },
    }
}

/// A note reference: its label raised and smaller, never counted in the
/// text's offsets.
fn note_ref_segment<'a>(look: &Look, note: u32, label: &'a str, offset: u32) -> Segment<'a> {
    Segment {
        text: label.into(),
        style: Style::Regular,
        size: look.size * look.proportions.note_ref_size,
        rise: look.rise + look.size * look.proportions.note_ref_rise,
        strike: false,
        offset,
        note: Some(note),
        counted: false,
        // Superior figures sit at the text's size, their rise drawn in.
        superior: Some((look.size, look.rise)),
        features: Features::NONE,
        tracking: 0.0,
        link: None,
        lang: None,
    }
}

/// The address print shows after a web link's words, or `None` (not asked
/// for, no address, or the words already are the address). Breaks are allowed
/// after `/`, `.` and similar (zero-width spaces), never inside a word.
fn shown_url(url: &str, content: &[Inline], show: bool) -> Option<String> {
    let url = url.trim();
    if !show || url.is_empty() {
        return None;
    }
    let bare = url.strip_prefix("mailto:").unwrap_or(url);
    let words = crate::model::plain_text(content);
    let words = words.trim();
    let plain = |u: &str| {
        u.trim_start_matches("https://")
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string()
    };
    if words == url || words == bare || plain(words) == plain(bare) {
        return None;
    }
    let mut shown = String::with_capacity(bare.len() + 8);
    shown.push_str(" (");
    let mut chars = bare.chars().peekable();
    while let Some(c) = chars.next() {
        shown.push(c);
        if matches!(c, '/' | '.' | '?' | '&' | '=' | '-' | '_' | '#')
            && chars.peek().is_some_and(|n| *n != '/')
        {
            shown.push('\u{200b}');
        }
    }
    shown.push(')');
    Some(shown)
}

/// Plain text in the paragraph's one style, as a single segment.
fn plain_segment<'t>(text: &'t str, para: &ParaStyle) -> Segment<'t> {
    Segment {
        text: if para.case == Case::Upper {
            capitals(text).into()
        } else {
            text.into()
        },
        style: para.style,
        size: para.size,
        rise: Pt::ZERO,
        strike: false,
        offset: 0,
        note: None,
        counted: true,
        superior: None,
        features: case_features(para.case),
        tracking: para.tracking * para.size.0,
        link: None,
        lang: None,
    }
}

impl Setter<'_, '_> {
    /// The styled pieces of inline content, as the paragraph builder takes them.
    pub(super) fn segments_of<'i>(
        &mut self,
        inlines: &'i [Inline],
        para: &ParaStyle,
    ) -> Vec<Segment<'i>> {
        let mut segs = Vec::new();
        let mut offset = 0;
        let mut links = self.link_base;
        segments(inlines, para, self.book, &mut offset, &mut links, &mut segs);
        if segs
            .iter()
            .any(|s| s.features.contains(Features::SMALL_CAPS))
        {
            segs = self.synthesise_small_caps(segs);
        }
        segs
    }

    /// Small capitals where the face has none of its own (or none for these
    /// letters: a face may have Latin small caps and not Cyrillic ones):
    /// lower-case letters (and capitals too, for all small caps) set as
    /// capitals at a smaller size.
    fn synthesise_small_caps<'i>(&mut self, segs: Vec<Segment<'i>>) -> Vec<Segment<'i>> {
        let mut out = Vec::with_capacity(segs.len());
        for seg in segs {
            let all = seg.features.contains(Features::CAPS_TO_SMALL);
            // Code is set as typed, never in capitals.
            if !seg.features.contains(Features::SMALL_CAPS)
                || seg.style == Style::Mono
                || self.shaper.small_caps_cover(seg.style, &seg.text, all)
            {
                out.push(seg);
                continue;
            }
            let plain = seg
                .features
                .without(Features::SMALL_CAPS.with(Features::CAPS_TO_SMALL));
            let small = |c: char| c.is_lowercase() || (all && c.is_uppercase());
            let mut offset = seg.offset;
            let mut rest: &str = &seg.text;
            while let Some(first) = rest.chars().next() {
                let lowered = small(first);
                let end = rest
                    .find(|c: char| small(c) != lowered && !c.is_whitespace())
                    .unwrap_or(rest.len());
                let piece = &rest[..end];
                let chars = piece.chars().count() as u32;
                out.push(Segment {
                    text: if lowered {
                        capitals(piece).into()
                    } else {
                        piece.to_string().into()
                    },
                    size: if lowered {
                        seg.size * SYNTHETIC_SMALL_CAPS
                    } else {
                        seg.size
                    },
                    offset,
                    features: plain,
                    ..seg.clone()
                });
                offset += if seg.counted { chars } else { 0 };
                rest = &rest[end..];
            }
        }
        out
    }

    /// Plain text as segments, small capitals made up where the face has none.
    pub(super) fn plain_segments<'t>(
        &mut self,
        text: &'t str,
        para: &ParaStyle,
    ) -> Vec<Segment<'t>> {
        let segs = vec![plain_segment(text, para)];
        if para.case == Case::AsWritten || para.case == Case::Upper {
            segs
        } else {
            self.synthesise_small_caps(segs)
        }
    }
}
