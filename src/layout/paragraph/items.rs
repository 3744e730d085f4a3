//! Items: the segments shaped into words with their break points
//! (hyphenation, explicit hyphens and dashes, CJK by UAX #14) and made
//! into boxes, glue and penalties for the line breaker, with letter-spacing
//! and hanging punctuation; words wider than the measure broken.

use super::*;

/// The cost of breaking at a hyphenation point or after a hyphen the author
/// wrote (TeX's `\hyphenpenalty` is 50; a book that hyphenates a twentieth of
/// its lines or less needs more, since letter-spacing and hanging
/// punctuation leave fewer lines loose enough to want one).
pub(super) const HYPHEN_PENALTY: f64 = 200.0;

/// A hyphen in a capitalised word (a name, in most languages): taken only
/// where the alternative is a very loose line.
const CAPITALISED_HYPHEN_PENALTY: f64 = 1000.0;

/// A break after a dash (no hyphen is added, nothing to count).
const DASH_PENALTY: f64 = 50.0;

/// How far apart a justified line may track its letters, in ems, at full stretch.
pub(super) const LETTER_STRETCH: f64 = 0.01;

/// A word in capitals may be tracked three times as far: capitals are
/// letter-spaced by custom, and an inscription in them has long words to fill
/// its lines with.
pub(super) const CAPITALS_TRACKING: f64 = 3.0;

/// The furthest letters go apart, in ems, however loose a line: lower case
/// 0.03 em, capitals 0.06 em (a tenth of their width or so, as spaced
/// capitals are set).
pub(super) const MAX_TRACKING: f64 = 0.03;

pub(super) const MAX_CAPITALS_TRACKING: f64 = 0.06;

/// How far apart a word's letters may go at full stretch, in ems.
pub(super) fn letter_stretch(word: &str) -> f64 {
    let mut letters = word.chars().filter(|c| c.is_alphabetic());
    let capitals = letters.clone().nth(1).is_some() && letters.all(char::is_uppercase);
    if capitals {
        LETTER_STRETCH * CAPITALS_TRACKING
    } else {
        LETTER_STRETCH
    }
}

/// The glue that stands for a box's letter-spacing: no width, no shrink, a
/// word's worth of stretch (a word space has width; the paragraph fill has
/// unbounded stretch; a zero-width space has none).
pub(super) fn is_letter_glue(item: &Item) -> bool {
    matches!(*item, Item::Glue { width, stretch, shrink } if width == 0.0 && shrink == 0.0 && stretch > 0.0 && stretch < 1e4)
}

/// The share of a character's width that hangs into the right margin at a
/// line's end (microtype's defaults, close to Typst's).
pub(super) fn right_hang(c: char) -> f64 {
    match c {
        '.' | ',' => 0.7,
        '-' | '\u{ad}' | '\u{2010}' => 0.6,
        '’' | '\'' => 0.7,
        '”' | '"' | '»' | '«' => 0.5,
        ':' | ';' => 0.3,
        '–' => 0.3,
        '—' => 0.2,
        '!' | '?' => 0.2,
        _ => 0.0,
    }
}

/// The share of a character's width that hangs into the left margin at a line's start.
pub(super) fn left_hang(c: char) -> f64 {
    match c {
        '‘' | '\'' => 0.7,
        '“' | '"' | '«' | '»' | '„' => 0.5,
        _ => 0.0,
    }
}

/// Ends a line without justifying it: the fill glue and a forced break
/// (a paragraph's end, or a hard line break).
fn end_line(items: &mut Vec<Item>, pieces: &mut Vec<Option<Piece>>) {
    items.push(Item::Penalty {
        width: 0.0,
        cost: INFINITY,
        flagged: false,
    });
    items.push(Item::Glue {
        width: 0.0,
        stretch: 1e5,
        shrink: 0.0,
    });
    items.push(Item::Penalty {
        width: 0.0,
        cost: -INFINITY,
        flagged: false,
    });
    pieces.extend([None, None, None]);
}

/// A character written right to left (Hebrew, Arabic…: bidi class R or AL).
fn is_strong_rtl(c: char) -> bool {
    // The blocks that hold them, before the table lookup: the curly quotes
    // and dashes of Latin text are never looked up.
    matches!(c, '\u{590}'..='\u{8ff}' | '\u{fb1d}'..='\u{fdff}' | '\u{fe70}'..='\u{feff}' | '\u{10800}'..='\u{10fff}' | '\u{1e800}'..='\u{1efff}')
        && matches!(
            unicode_bidi::bidi_class(c),
            unicode_bidi::BidiClass::R | unicode_bidi::BidiClass::AL
        )
}

/// How far the gap between two CJK characters may open and close on a
/// justified line, in ems (a line of 25 to 40 characters spreads up to about
/// an em of slack at a ratio of 0.5 or less).
const CJK_STRETCH: f64 = 0.08;

const CJK_SHRINK: f64 = 0.02;

/// A character of Chinese, Japanese or Korean text: Han ideographs, kana,
/// hangul, their punctuation and the full-width forms.
fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{1100}'..='\u{11ff}'
        | '\u{2e80}'..='\u{2fff}'
        | '\u{3001}'..='\u{33ff}'
        | '\u{3400}'..='\u{4dbf}'
        | '\u{4e00}'..='\u{9fff}'
        | '\u{a960}'..='\u{a97f}'
        | '\u{ac00}'..='\u{d7ff}'
        | '\u{f900}'..='\u{faff}'
        | '\u{fe30}'..='\u{fe4f}'
        | '\u{ff00}'..='\u{ffef}'
        | '\u{20000}'..='\u{3ffff}')
}

/// Byte offsets inside `word` (never its ends) where Unicode's line-breaking
/// algorithm (UAX #14) allows a break next to a CJK character: between
/// ideographs and kana, but not before a closing mark or a small kana
/// (、。」ゃ…) nor after an opening one (「（…), the kinsoku rules. Breaks
/// between two non-CJK characters (a Latin word inside CJK text) are left
/// to the rest of the setter.
fn cjk_breaks(word: &str) -> impl Iterator<Item = u32> + '_ {
    unicode_linebreak::linebreaks(word).filter_map(move |(at, kind)| {
        if kind != unicode_linebreak::BreakOpportunity::Allowed || at == 0 || at >= word.len() {
            return None;
        }
        let before = word[..at].chars().next_back();
        let after = word[at..].chars().next();
        (before.is_some_and(is_cjk) || after.is_some_and(is_cjk)).then_some(at as u32)
    })
}

fn is_break_space(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\n' | '\r' | '\u{2002}' | '\u{2003}' | '\u{2009}'
    )
}

/// A paragraph with right-to-left text: the embedding levels of Unicode's
/// bidi algorithm, per byte of the segments' text (a left-to-right
/// paragraph, as the EPUB's); `None` when all of it is left to right.
fn bidi_levels(segs: &[Segment<'_>]) -> Option<Vec<u8>> {
    segs.iter()
        .any(|s| s.text.chars().any(is_strong_rtl))
        .then(|| {
            let text: String = segs.iter().map(|s| &*s.text).collect();
            let info = unicode_bidi::BidiInfo::new(&text, Some(unicode_bidi::Level::ltr()));
            info.levels.iter().map(|l| l.number()).collect::<Vec<u8>>()
        })
}

/// A word space (`first`, a space or a no-break space, `space` wide in
/// the face): glue that stretches and shrinks when justified; a run of
/// spaces is one; a no-break space takes a penalty no line breaks at.
/// Letter-spaced text spaces its words as much more (after the word's last
/// letter and after the space itself).
fn word_space(
    items: &mut Vec<Item>,
    pieces: &mut Vec<Option<Piece>>,
    first: char,
    space: f64,
    tracking: f64,
    justify: bool,
) {
    let space = space + tracking * 2.0;
    let nbsp = first == '\u{a0}' || first == '\u{202f}';
    if nbsp {
        items.push(Item::Penalty {
            width: 0.0,
            cost: INFINITY,
            flagged: false,
        });
        pieces.push(None);
    }
    // Collapse runs of spaces into one word space.
    let at_start = items.is_empty()
        || matches!(items.last(), Some(Item::Glue { .. }))
        || matches!(items.last(), Some(Item::Penalty { cost, .. }) if *cost <= -INFINITY);
    if !at_start || nbsp {
        let glue = if justify {
            Item::Glue {
                width: space,
                stretch: space * 0.5,
                shrink: space / 3.0,
            }
        } else {
            Item::Glue {
                width: space,
                stretch: 0.0,
                shrink: 0.0,
            }
        };
        items.push(glue);
        pieces.push(None);
    }
}

/// Glue that lets a justified line take up a little of its slack between
/// the letters of a box of `glyphs` glyphs (`track` a point per gap at full
/// stretch; `None` where letters are never spaced).
fn letter_glue(
    track: Option<f64>,
    items: &mut Vec<Item>,
    pieces: &mut Vec<Option<Piece>>,
    glyphs: usize,
) {
    let Some(track) = track else { return };
    if glyphs < 2 {
        return;
    }
    if matches!(items.last(), Some(Item::Box { .. })) {
        // Not a break: two boxes of one word in different styles.
        items.push(Item::Penalty {
            width: 0.0,
            cost: INFINITY,
            flagged: false,
        });
        pieces.push(None);
    }
    items.push(Item::Glue {
        width: 0.0,
        stretch: track * (glyphs - 1) as f64,
        shrink: 0.0,
    });
    pieces.push(None);
}

/// The item at a break inside a word: a penalty at a hyphenation point (a
/// hyphen's width when taken) or after a hyphen or dash, or between CJK
/// characters a gap that may open (a justified line's slack spread between
/// the characters, as CJK text is justified) or close a little; its shrink
/// also keeps it from reading as letter-spacing glue.
fn break_item(kind: BreakKind, para: &ParaStyle, size: Pt, hyphen_width: f64) -> Item {
    let (width, flagged, cost) = match kind {
        BreakKind::Hyphen { capitalised: false } => (hyphen_width, true, HYPHEN_PENALTY),
        BreakKind::Hyphen { capitalised: true } => (hyphen_width, true, CAPITALISED_HYPHEN_PENALTY),
        BreakKind::Explicit { hyphen: true } => (0.0, true, HYPHEN_PENALTY),
        BreakKind::Explicit { hyphen: false } => (0.0, false, DASH_PENALTY),
        BreakKind::Ideographic => {
            let (stretch, shrink) = if para.align == Align::Justify {
                (size.0 * CJK_STRETCH, size.0 * CJK_SHRINK)
            } else {
                (0.0, 0.0)
            };
            return Item::Glue {
                width: 0.0,
                stretch,
                shrink,
            };
        }
    };
    Item::Penalty {
        width,
        cost,
        flagged,
    }
}

impl Setter<'_, '_> {
    /// A word shaped, with a character no face has, and the characters taken
    /// from fallbacks, recorded for the caller's report.
    pub(super) fn shaped(&mut self, style: Style, features: Features, text: &str) -> Arc<Word> {
        let word = self.shaper.word_with(style, features, text);
        if let Some(c) = word.missing
            && !self.missing.contains(&(c, style))
        {
            self.missing.push((c, style));
        }
        for used in &word.fell_back {
            if !self.fell_back.contains(used) {
                self.fell_back.push(*used);
            }
        }
        word
    }

    /// Splits every box wider than the measure into one box per glyph, with a
    /// break allowed between them, and records the word for a warning.
    pub(super) fn split_overlong(
        &mut self,
        items: &mut Vec<Item>,
        pieces: &mut Vec<Option<Piece>>,
        measure: f64,
    ) {
        if !items
            .iter()
            .any(|i| matches!(i, Item::Box { width } if *width > measure))
        {
            return;
        }
        let mut new_items = Vec::with_capacity(items.len());
        let mut new_pieces = Vec::with_capacity(pieces.len());
        for (item, piece) in items.drain(..).zip(pieces.drain(..)) {
            match (item, piece) {
                (Item::Box { width }, Some(piece)) if width > measure => {
                    self.broken_words.push(piece.text().to_string());
                    let scale = piece.size.0 / piece.word().units_per_em as f64;
                    // Each letter's offset counts the characters from where the
                    // piece starts (the word's start for its first piece), looked
                    // up in one count of the piece's characters.
                    let clusters = || {
                        piece.word().glyphs[piece.glyphs.clone()]
                            .iter()
                            .map(|g| g.cluster as usize)
                    };
                    let base = if piece.glyphs.start == 0 {
                        0
                    } else {
                        clusters().min().unwrap_or(0)
                    };
                    let top = clusters().max().unwrap_or(0).max(base);
                    let mut chars_from_base = vec![0u32; top - base + 1];
                    let starts = piece.text()[base..].char_indices().map(|(at, _)| at);
                    for (count, at) in (0..).zip(starts.take_while(|&at| at <= top - base)) {
                        chars_from_base[at] = count;
                    }
                    for g in piece.glyphs.clone() {
                        if g > piece.glyphs.start {
                            new_items.push(Item::Penalty {
                                width: 0.0,
                                cost: 0.0,
                                flagged: false,
                            });
                            new_pieces.push(None);
                        }
                        let glyph = piece.word().glyphs[g];
                        let chars_before = chars_from_base[glyph.cluster as usize - base];
                        new_items.push(Item::Box {
                            width: glyph.advance as f64 * scale,
                        });
                        new_pieces.push(Some(Piece {
                            glyphs: g..g + 1,
                            offset: piece.offset + chars_before,
                            ..piece.clone()
                        }));
                    }
                }
                (item, piece) => {
                    new_items.push(item);
                    new_pieces.push(piece);
                }
            }
        }
        *items = new_items;
        *pieces = new_pieces;
    }

    /// Boxes, glue and penalties for the segments, with a parallel list of
    /// drawing data (`Some` for boxes that draw glyphs).
    pub(super) fn items(
        &mut self,
        segs: &[Segment<'_>],
        para: &ParaStyle,
    ) -> (Vec<Item>, Vec<Option<Piece>>) {
        let justify = para.align == Align::Justify;
        let mut items: Vec<Item> = Vec::new();
        let mut pieces: Vec<Option<Piece>> = Vec::new();
        let push = |items: &mut Vec<Item>,
                    pieces: &mut Vec<Option<Piece>>,
                    item: Item,
                    piece: Option<Piece>| {
            items.push(item);
            pieces.push(piece);
        };
        // A negative indent gives the first line more room (verse's hanging turnovers).
        if para.first_indent.0 != 0.0 {
            push(
                &mut items,
                &mut pieces,
                Item::Box {
                    width: para.first_indent.0,
                },
                None,
            );
        }
        let levels = bidi_levels(segs);
        let mut seg_end = 0;
        for seg in segs {
            let seg_start = seg_end;
            seg_end += seg.text.len();
            let upem = self.shaper.units_per_em(seg.style) as f64;
            let scale = seg.size.0 / upem;
            if seg.text == "\n" {
                // A hard line break: end the line unjustified.
                end_line(&mut items, &mut pieces);
                continue;
            }
            let mut char_offset = seg.offset;
            let mut rest: &str = &seg.text;
            while !rest.is_empty() {
                let first = rest.chars().next().unwrap_or(' ');
                if first == '\u{200b}' {
                    // A zero-width space: a break with no width.
                    push(
                        &mut items,
                        &mut pieces,
                        Item::Glue {
                            width: 0.0,
                            stretch: 0.0,
                            shrink: 0.0,
                        },
                        None,
                    );
                    rest = &rest[first.len_utf8()..];
                    char_offset += u32::from(seg.counted);
                    continue;
                }
                if is_break_space(first) || first == '\u{a0}' || first == '\u{202f}' {
                    let space = self.shaper.space(seg.style) as f64 * scale;
                    word_space(&mut items, &mut pieces, first, space, seg.tracking, justify);
                    rest = &rest[first.len_utf8()..];
                    char_offset += u32::from(seg.counted);
                    continue;
                }
                let end = rest
                    .find(|c: char| {
                        is_break_space(c) || matches!(c, '\u{a0}' | '\u{202f}' | '\u{200b}')
                    })
                    .unwrap_or(rest.len());
                let word_text = &rest[..end];
                let at = seg_start + seg.text.len() - rest.len();
                match levels.as_ref().map(|l| &l[at..at + end]) {
                    Some(word_levels) => self.push_word_in_parts(
                        word_text,
                        word_levels,
                        seg,
                        char_offset,
                        para,
                        (&mut items, &mut pieces),
                    ),
                    None => {
                        self.push_word(word_text, seg, char_offset, para, &mut items, &mut pieces)
                    }
                }
                char_offset += if seg.counted {
                    word_text.chars().count() as u32
                } else {
                    0
                };
                rest = &rest[end..];
            }
        }
        // Remove trailing spaces, then end the paragraph.
        while matches!(items.last(), Some(Item::Glue { .. })) {
            items.pop();
            pieces.pop();
        }
        end_line(&mut items, &mut pieces);
        (items, pieces)
    }

    /// A word whose characters are at different bidi levels (a Hebrew
    /// word in quotation marks in English), set in parts, each shaped in its
    /// own direction.
    fn push_word_in_parts(
        &mut self,
        word_text: &str,
        word_levels: &[u8],
        seg: &Segment<'_>,
        char_offset: u32,
        para: &ParaStyle,
        (items, pieces): (&mut Vec<Item>, &mut Vec<Option<Piece>>),
    ) {
        let end = word_text.len();
        let mut from = 0;
        let mut chars_before = 0;
        while from < end {
            let level = word_levels[from];
            let to = word_levels[from..]
                .iter()
                .position(|&l| l != level)
                .map_or(end, |n| from + n);
            let part = &word_text[from..to];
            let first = pieces.len();
            let offset = char_offset + if seg.counted { chars_before } else { 0 };
            self.push_word(part, seg, offset, para, items, pieces);
            for piece in pieces[first..].iter_mut().flatten() {
                piece.level = level;
            }
            chars_before += part.chars().count() as u32;
            from = to;
        }
    }

    /// One word (no spaces): boxes split at hyphenation points and after
    /// explicit hyphens and dashes, with penalties between.
    /// A word shaped, with its break opportunities found: cached per face,
    /// per hyphenation setting and per word, since books repeat their words.
    fn prepare(
        &mut self,
        text: &str,
        style: Style,
        features: Features,
        hyphenate: bool,
    ) -> Arc<Prepared> {
        let slot = style.index() * Features::COMBINATIONS + features.index();
        if let Some(prepared) = self.prepared[slot][hyphenate as usize].get(text) {
            return prepared.clone();
        }
        let word = self.shaped(style, features, text);
        let mut points: Vec<(u32, BreakKind)> = Vec::new();
        if hyphenate {
            for p in self.hyphenator.points(text).iter() {
                if word.is_cluster_boundary(p.at) {
                    let kind = BreakKind::Hyphen {
                        capitalised: p.capitalised,
                    };
                    points.push((p.at, kind));
                }
            }
        }
        let mut previous: Option<char> = None;
        let mut chars = text.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            let next = at + c.len_utf8();
            let next_char = chars.peek().map(|&(_, n)| n);
            let between_letters = previous.is_some_and(char::is_alphanumeric)
                && next_char.is_some_and(char::is_alphanumeric);
            // Never between a dash and the punctuation that closes it ("Outsider—”").
            let closes = |n: char| {
                matches!(
                    n,
                    '”' | '’'
                        | '"'
                        | '\''
                        | '»'
                        | '›'
                        | ')'
                        | ']'
                        | ','
                        | '.'
                        | ';'
                        | ':'
                        | '!'
                        | '?'
                )
            };
            let explicit = (c == '-' && between_letters)
                || ((c == '—' || c == '–') && next_char.is_some_and(|n| !closes(n)));
            if explicit && word.is_cluster_boundary(next as u32) {
                points.push((next as u32, BreakKind::Explicit { hyphen: c == '-' }));
            }
            previous = Some(c);
        }
        if text.chars().any(is_cjk) {
            points.extend(
                cjk_breaks(text)
                    .filter(|&at| word.is_cluster_boundary(at))
                    .map(|at| (at, BreakKind::Ideographic)),
            );
        }
        points.sort_by_key(|p| p.0);
        points.dedup_by_key(|p| p.0);
        // The points ascend: each counts the characters from the one before.
        let (mut counted_bytes, mut counted_chars) = (0, 0);
        let points = points
            .into_iter()
            .filter_map(|(byte, kind)| {
                let glyph = word.glyph_index_at(byte);
                counted_chars += text[counted_bytes..byte as usize].chars().count() as u32;
                counted_bytes = byte as usize;
                (glyph > 0 && glyph < word.glyphs.len()).then_some(BreakPoint {
                    glyph: glyph as u32,
                    chars_before: counted_chars,
                    kind,
                })
            })
            .collect();
        let prepared = Arc::new(Prepared::new(word, text, points));
        self.prepared[slot][hyphenate as usize].insert(text.into(), prepared.clone());
        prepared
    }

    /// One word (no spaces): boxes split at hyphenation points and after
    /// explicit hyphens and dashes, with penalties between.
    fn push_word(
        &mut self,
        text: &str,
        seg: &Segment<'_>,
        char_offset: u32,
        para: &ParaStyle,
        items: &mut Vec<Item>,
        pieces: &mut Vec<Option<Piece>>,
    ) {
        if let Some((size, rise)) = seg.superior
            && let Some(word) = self.shaper.superior(seg.style, text)
        {
            // A note reference in the face's superior figures.
            let scale = size.0 / word.units_per_em as f64;
            let source = Prepared::unbroken(word, text);
            items.push(Item::Box {
                width: source.advance * scale,
            });
            pieces.push(Some(Piece {
                glyphs: 0..source.word.glyphs.len(),
                source,
                style: seg.style,
                size,
                rise,
                strike: false,
                offset: char_offset,
                note: seg.note,
                tracking: 0.0,
                link: None,
                lang: None,
                level: 0,
            }));
            return;
        }
        let hyphenate = para.hyphenate && seg.note.is_none();
        let prepared = self.prepare(text, seg.style, seg.features, hyphenate);
        let glyph_count = prepared.glyph_count;
        let scale = seg.size.0 / prepared.units_per_em as f64;
        // Only a word with break points has hyphens to measure.
        let hyphen_width = if prepared.points.is_empty() {
            0.0
        } else {
            self.shaper
                .hyphen(seg.style)
                .map_or(seg.size.0 * 0.3, |g| g.advance as f64 * scale)
        };
        let stretch = prepared.letter_stretch;
        let piece = |from_glyph: usize, to_glyph: usize, chars_before: u32| {
            // Letter-spacing after every glyph but the word's last.
            let tracked = to_glyph - from_glyph - usize::from(to_glyph == glyph_count);
            let advance = if from_glyph == 0 && to_glyph == glyph_count {
                prepared.advance
            } else {
                advance_sum(&prepared.word.glyphs[from_glyph..to_glyph])
            };
            let width: f64 = advance * scale + seg.tracking * tracked as f64;
            let piece = Piece {
                source: prepared.clone(),
                glyphs: from_glyph..to_glyph,
                style: seg.style,
                size: seg.size,
                rise: seg.rise,
                strike: seg.strike,
                offset: if seg.counted {
                    char_offset + chars_before
                } else {
                    char_offset
                },
                note: seg.note,
                tracking: seg.tracking,
                link: seg.link,
                lang: seg.lang,
                level: u8::from(prepared.rtl),
            };
            (Item::Box { width }, Some(piece))
        };
        // Justified lines take up a little of their slack between letters, so
        // word spaces stretch less: each box may be tracked out by up to
        // `LETTER_STRETCH` between its glyphs (not a right-to-left word).
        let track = (para.align == Align::Justify && !para.draft && !prepared.rtl)
            .then_some(seg.size.0 * stretch);
        let mut start_glyph = 0usize;
        let mut start_chars = 0u32;
        for point in prepared.points.iter() {
            let glyph = point.glyph as usize;
            if glyph <= start_glyph {
                continue;
            }
            let (item, drawn) = piece(start_glyph, glyph, start_chars);
            letter_glue(track, items, pieces, glyph - start_glyph);
            items.push(item);
            pieces.push(drawn);
            items.push(break_item(point.kind, para, seg.size, hyphen_width));
            pieces.push(None);
            start_glyph = glyph;
            start_chars = point.chars_before;
        }
        let (item, drawn) = piece(start_glyph, glyph_count, start_chars);
        letter_glue(track, items, pieces, glyph_count - start_glyph);
        items.push(item);
        pieces.push(drawn);
    }
}
