//! A TrueType subset that keeps every glyph id where it was, so the font's
//! layout tables (`GSUB` ligatures and small capitals, `GPOS` and `kern`
//! kerning, `GDEF`) stay valid as they are and are copied unchanged. The
//! glyphs the book needs (its characters, what `GSUB` can turn them into,
//! and the components of composite glyphs) keep their outlines; every other
//! glyph is left empty, so the file carries only the outlines the book uses.
//!
//! Only `glyf` fonts without variations (`gvar`) take this path; the
//! caller subsets others another way.

use std::collections::BTreeSet;

use ttf_parser::gsub::SubstitutionSubtable;
use ttf_parser::{GlyphId, Tag};

/// Tables copied as they are: nothing in them changes when unused glyphs
/// are emptied (hmtx keeps every glyph's advance, the layout tables every
/// glyph id).
const COPIED: [&[u8; 4]; 14] = [
    b"OS/2", b"cvt ", b"fpgm", b"gasp", b"hhea", b"hmtx", b"maxp", b"name", b"prep", b"GDEF",
    b"GPOS", b"GSUB", b"kern", b"vhea",
];

/// Whether [`subset`] can take `face`: outlines in `glyf`, no variations.
pub fn keeps_layout(face: &ttf_parser::Face<'_>) -> bool {
    let raw = face.raw_face();
    raw.table(Tag::from_bytes(b"glyf")).is_some()
        && raw.table(Tag::from_bytes(b"loca")).is_some()
        && raw.table(Tag::from_bytes(b"gvar")).is_none()
        && raw.table(Tag::from_bytes(b"CFF ")).is_none()
}

/// The subset of `face` for `chars`: a complete font file whose cmap maps
/// the characters of `chars` the face has, with their glyphs' closure.
pub fn subset(face: &ttf_parser::Face<'_>, chars: &BTreeSet<char>) -> Result<Vec<u8>, String> {
    let raw = face.raw_face();
    let table = |tag: &[u8; 4]| raw.table(Tag::from_bytes(tag));
    let head = table(b"head").ok_or("no head table")?;
    let loca = table(b"loca").ok_or("no loca table")?;
    let glyf = table(b"glyf").ok_or("no glyf table")?;
    let post = table(b"post").ok_or("no post table")?;
    let glyph_count = face.number_of_glyphs();
    if head.len() < 54 || post.len() < 32 {
        return Err("a head or post table is too short".into());
    }
    let long_offsets = i16::from_be_bytes([head[50], head[51]]) == 1;
    let glyph_range = |gid: u16| -> Option<std::ops::Range<usize>> {
        let at = usize::from(gid);
        let (start, end) = if long_offsets {
            let read = |i: usize| {
                loca.get(i * 4..i * 4 + 4)
                    .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
            };
            (read(at)?, read(at + 1)?)
        } else {
            let read = |i: usize| {
                loca.get(i * 2..i * 2 + 2)
                    .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])) * 2)
            };
            (read(at)?, read(at + 1)?)
        };
        (start <= end && end <= glyf.len()).then_some(start..end)
    };

    let mapping: Vec<(char, u16)> = chars
        .iter()
        .filter_map(|&c| face.glyph_index(c).map(|g| (c, g.0)))
        .filter(|&(_, g)| g != 0 && g < glyph_count)
        .collect();
    let mut kept: BTreeSet<u16> = mapping.iter().map(|&(_, g)| g).collect();
    kept.insert(0);
    // GSUB and composites can each bring in glyphs the other reaches: to a fixed point.
    loop {
        let before = kept.len();
        close_over_substitutions(face, &mut kept, glyph_count);
        let components: Vec<u16> = kept
            .iter()
            .filter_map(|&g| glyph_range(g).map(|r| &glyf[r]))
            .flat_map(composite_components)
            .filter(|&g| g < glyph_count)
            .collect();
        kept.extend(components);
        if kept.len() == before {
            break;
        }
    }

    // glyf and loca (long offsets), the unused glyphs empty.
    let mut new_glyf = Vec::new();
    let mut new_loca = Vec::with_capacity((usize::from(glyph_count) + 1) * 4);
    for gid in 0..glyph_count {
        new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());
        if kept.contains(&gid)
            && let Some(range) = glyph_range(gid)
        {
            new_glyf.extend_from_slice(&glyf[range]);
            while new_glyf.len() % 4 != 0 {
                new_glyf.push(0);
            }
        }
    }
    new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());

    let mut new_head = head.to_vec();
    new_head[8..12].copy_from_slice(&[0; 4]);
    new_head[50..52].copy_from_slice(&1i16.to_be_bytes());
    // post version 3: no glyph names, which would name glyphs that are gone.
    let mut new_post = post[..32].to_vec();
    new_post[0..4].copy_from_slice(&0x0003_0000u32.to_be_bytes());

    let mut tables: Vec<([u8; 4], Vec<u8>)> = vec![
        (*b"cmap", cmap(&mapping)),
        (*b"glyf", new_glyf),
        (*b"head", new_head),
        (*b"loca", new_loca),
        (*b"post", new_post),
    ];
    for tag in COPIED {
        if let Some(data) = table(tag) {
            tables.push((*tag, data.to_vec()));
        }
    }
    if table(b"vhea").is_some()
        && let Some(vmtx) = table(b"vmtx")
    {
        tables.push((*b"vmtx", vmtx.to_vec()));
    }
    Ok(sfnt(tables))
}

/// The `GSUB` features whose glyphs the subset keeps: those readers apply
/// by default (HarfBuzz's and the browsers' list) and those quire's
/// stylesheet asks for (small capitals, figures, superiors). Stylistic sets,
/// swashes and `aalt` are left out: nothing turns them on, and they would
/// bring in most of the font.
const FEATURES: [&[u8; 4]; 47] = [
    b"abvf", b"abvm", b"abvs", b"akhn", b"blwf", b"blwm", b"blws", b"calt", b"ccmp", b"cfar",
    b"cjct", b"clig", b"curs", b"dist", b"fin2", b"fin3", b"fina", b"half", b"haln", b"init",
    b"isol", b"liga", b"ljmo", b"locl", b"mark", b"med2", b"medi", b"mkmk", b"mset", b"nukt",
    b"pref", b"pres", b"pstf", b"psts", b"rclt", b"rkrf", b"rlig", b"rphf", b"vert", b"vjmo",
    b"smcp", b"c2sc", b"onum", b"lnum", b"pnum", b"tnum", b"sups",
];

/// The `GSUB` lookups [`FEATURES`] use, with the lookups their contextual
/// lookups call.
fn lookups_in_use(gsub: &ttf_parser::opentype_layout::LayoutTable<'_>) -> BTreeSet<u16> {
    use ttf_parser::opentype_layout::{ChainedContextLookup, ContextLookup};
    let wanted: Vec<Tag> = FEATURES.iter().map(|t| Tag::from_bytes(t)).collect();
    let mut used: BTreeSet<u16> = gsub
        .features
        .into_iter()
        .filter(|f| wanted.contains(&f.tag))
        .flat_map(|f| f.lookup_indices)
        .collect();
    let mut queue: Vec<u16> = used.iter().copied().collect();
    while let Some(index) = queue.pop() {
        let Some(lookup) = gsub.lookups.get(index) else {
            continue;
        };
        let mut called = Vec::new();
        for subtable in lookup.subtables.into_iter::<SubstitutionSubtable>() {
            match subtable {
                SubstitutionSubtable::Context(ContextLookup::Format1 { sets, .. })
                | SubstitutionSubtable::Context(ContextLookup::Format2 { sets, .. }) => {
                    for set in sets {
                        for rule in set {
                            called.extend(rule.lookups.into_iter().map(|r| r.lookup_list_index));
                        }
                    }
                }
                SubstitutionSubtable::Context(ContextLookup::Format3 { lookups, .. }) => {
                    called.extend(lookups.into_iter().map(|r| r.lookup_list_index));
                }
                SubstitutionSubtable::ChainContext(ChainedContextLookup::Format1 {
                    sets, ..
                })
                | SubstitutionSubtable::ChainContext(ChainedContextLookup::Format2 {
                    sets, ..
                }) => {
                    for set in sets {
                        for rule in set {
                            called.extend(rule.lookups.into_iter().map(|r| r.lookup_list_index));
                        }
                    }
                }
                SubstitutionSubtable::ChainContext(ChainedContextLookup::Format3 {
                    lookups,
                    ..
                }) => {
                    called.extend(lookups.into_iter().map(|r| r.lookup_list_index));
                }
                _ => {}
            }
        }
        for index in called {
            if used.insert(index) {
                queue.push(index);
            }
        }
    }
    used
}

/// Adds to `kept` every glyph a `GSUB` lookup in use ([`lookups_in_use`])
/// can put in place of glyphs in it. Contextual lookups only call other
/// lookups, which are visited themselves.
fn close_over_substitutions(face: &ttf_parser::Face<'_>, kept: &mut BTreeSet<u16>, count: u16) {
    let Some(gsub) = face.tables().gsub else {
        return;
    };
    let lookups: Vec<_> = lookups_in_use(&gsub)
        .into_iter()
        .filter_map(|index| gsub.lookups.get(index))
        .collect();
    loop {
        let mut added = Vec::new();
        for lookup in &lookups {
            for subtable in lookup.subtables.into_iter::<SubstitutionSubtable>() {
                for &g in kept.iter() {
                    substitutes(&subtable, GlyphId(g), kept, &mut added);
                }
            }
        }
        let before = kept.len();
        kept.extend(added.into_iter().filter(|&g| g < count));
        if kept.len() == before {
            return;
        }
    }
}

/// What `subtable` can substitute for `glyph` (ligatures only when all
/// their components are kept).
fn substitutes(
    subtable: &SubstitutionSubtable<'_>,
    glyph: GlyphId,
    kept: &BTreeSet<u16>,
    out: &mut Vec<u16>,
) {
    use ttf_parser::gsub::SingleSubstitution;
    match subtable {
        SubstitutionSubtable::Single(SingleSubstitution::Format1 { coverage, delta }) => {
            if coverage.contains(glyph) {
                out.push(glyph.0.wrapping_add(*delta as u16));
            }
        }
        SubstitutionSubtable::Single(SingleSubstitution::Format2 {
            coverage,
            substitutes,
        }) => {
            if let Some(g) = coverage.get(glyph).and_then(|i| substitutes.get(i)) {
                out.push(g.0);
            }
        }
        SubstitutionSubtable::Multiple(multiple) => {
            if let Some(sequence) = multiple
                .coverage
                .get(glyph)
                .and_then(|i| multiple.sequences.get(i))
            {
                out.extend(sequence.substitutes.into_iter().map(|g| g.0));
            }
        }
        SubstitutionSubtable::Alternate(alternate) => {
            if let Some(set) = alternate
                .coverage
                .get(glyph)
                .and_then(|i| alternate.alternate_sets.get(i))
            {
                out.extend(set.alternates.into_iter().map(|g| g.0));
            }
        }
        SubstitutionSubtable::Ligature(ligature) => {
            if let Some(set) = ligature
                .coverage
                .get(glyph)
                .and_then(|i| ligature.ligature_sets.get(i))
            {
                for lig in set {
                    if lig.components.into_iter().all(|c| kept.contains(&c.0)) {
                        out.push(lig.glyph.0);
                    }
                }
            }
        }
        SubstitutionSubtable::ReverseChainSingle(reverse) => {
            if let Some(g) = reverse
                .coverage
                .get(glyph)
                .and_then(|i| reverse.substitutes.get(i))
            {
                out.push(g.0);
            }
        }
        SubstitutionSubtable::Context(_) | SubstitutionSubtable::ChainContext(_) => {}
    }
}

/// The glyph ids a composite glyph is drawn from (none for a simple glyph).
fn composite_components(data: &[u8]) -> Vec<u16> {
    const ARGS_ARE_WORDS: u16 = 0x0001;
    const HAS_SCALE: u16 = 0x0008;
    const MORE_COMPONENTS: u16 = 0x0020;
    const HAS_XY_SCALE: u16 = 0x0040;
    const HAS_TWO_BY_TWO: u16 = 0x0080;
    let read = |at: usize| {
        data.get(at..at + 2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]))
    };
    let mut components = Vec::new();
    if data.len() < 10 || i16::from_be_bytes([data[0], data[1]]) >= 0 {
        return components;
    }
    let mut at = 10;
    while let (Some(flags), Some(glyph)) = (read(at), read(at + 2)) {
        components.push(glyph);
        at += 4 + if flags & ARGS_ARE_WORDS != 0 { 4 } else { 2 };
        at += if flags & HAS_SCALE != 0 {
            2
        } else if flags & HAS_XY_SCALE != 0 {
            4
        } else if flags & HAS_TWO_BY_TWO != 0 {
            8
        } else {
            0
        };
        if flags & MORE_COMPONENTS == 0 {
            break;
        }
    }
    components
}

/// A `cmap` of `mapping` (sorted by character): format 4 for the Basic
/// Multilingual Plane (every reader reads it), and format 12 as well when a
/// character lies beyond it or format 4 cannot hold them all.
fn cmap(mapping: &[(char, u16)]) -> Vec<u8> {
    // Runs of consecutive characters on consecutive glyphs: one segment each.
    let mut runs: Vec<(u32, u32, u16)> = Vec::new();
    for &(c, g) in mapping {
        let c = u32::from(c);
        match runs.last_mut() {
            Some((start, end, first))
                if *end + 1 == c && u32::from(*first) + (c - *start) == u32::from(g) =>
            {
                *end = c;
            }
            _ => runs.push((c, c, g)),
        }
    }
    let bmp: Vec<(u16, u16, u16)> = runs
        .iter()
        .filter(|(start, _, _)| *start <= 0xFFFE)
        .map(|&(start, end, g)| (start as u16, end.min(0xFFFE) as u16, g))
        .collect();
    let format4 = format4(&bmp);
    let needs_12 = runs.iter().any(|(_, end, _)| *end > 0xFFFE) || format4.is_none();
    let mut subtables: Vec<(u16, u16, Vec<u8>)> = Vec::new();
    if let Some(f4) = format4 {
        subtables.push((3, 1, f4));
    }
    if needs_12 {
        let mut f12 = Vec::with_capacity(16 + runs.len() * 12);
        f12.extend_from_slice(&12u16.to_be_bytes());
        f12.extend_from_slice(&0u16.to_be_bytes());
        f12.extend_from_slice(&((16 + runs.len() * 12) as u32).to_be_bytes());
        f12.extend_from_slice(&0u32.to_be_bytes());
        f12.extend_from_slice(&(runs.len() as u32).to_be_bytes());
        for &(start, end, g) in &runs {
            f12.extend_from_slice(&start.to_be_bytes());
            f12.extend_from_slice(&end.to_be_bytes());
            f12.extend_from_slice(&u32::from(g).to_be_bytes());
        }
        subtables.push((3, 10, f12));
    }
    let mut out = Vec::new();
    out.extend_from_slice(&0u16.to_be_bytes());
    out.extend_from_slice(&(subtables.len() as u16).to_be_bytes());
    let mut offset = 4 + 8 * subtables.len();
    for (platform, encoding, data) in &subtables {
        out.extend_from_slice(&platform.to_be_bytes());
        out.extend_from_slice(&encoding.to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        offset += data.len();
    }
    for (_, _, data) in subtables {
        out.extend_from_slice(&data);
    }
    out
}

/// A format 4 subtable of BMP runs, or `None` when it would pass 64 KB.
fn format4(runs: &[(u16, u16, u16)]) -> Option<Vec<u8>> {
    let mut segments: Vec<(u16, u16, u16)> = runs.to_vec();
    // The closing segment every format 4 table ends with.
    segments.push((0xFFFF, 0xFFFF, 1));
    let count = segments.len();
    let length = 16 + count * 8;
    if length > 0xFFFF {
        return None;
    }
    let search_range = 2 * (1u16 << (usize::BITS - 1 - count.leading_zeros()));
    let entry_selector = (search_range / 2).trailing_zeros() as u16;
    let mut out = Vec::with_capacity(length);
    for value in [
        4,
        length as u16,
        0,
        (count * 2) as u16,
        search_range,
        entry_selector,
        (count * 2) as u16 - search_range,
    ] {
        out.extend_from_slice(&value.to_be_bytes());
    }
    for &(_, end, _) in &segments {
        out.extend_from_slice(&end.to_be_bytes());
    }
    out.extend_from_slice(&0u16.to_be_bytes());
    for &(start, _, _) in &segments {
        out.extend_from_slice(&start.to_be_bytes());
    }
    for &(start, _, glyph) in &segments {
        out.extend_from_slice(&glyph.wrapping_sub(start).to_be_bytes());
    }
    for _ in &segments {
        out.extend_from_slice(&0u16.to_be_bytes());
    }
    Some(out)
}

/// An sfnt file of `tables`, sorted by tag, with checksums and the head's
/// checksum adjustment.
fn sfnt(mut tables: Vec<([u8; 4], Vec<u8>)>) -> Vec<u8> {
    tables.sort_by_key(|a| a.0);
    let count = tables.len() as u16;
    let entry_selector = 15 - count.leading_zeros() as u16;
    let search_range = (1u16 << entry_selector) * 16;
    let mut out = Vec::new();
    for value in [0x0001u16, 0x0000] {
        out.extend_from_slice(&value.to_be_bytes());
    }
    for value in [
        count,
        search_range,
        entry_selector,
        count * 16 - search_range,
    ] {
        out.extend_from_slice(&value.to_be_bytes());
    }
    let mut offset = 12 + 16 * tables.len();
    let mut head_at = None;
    for (tag, data) in &tables {
        out.extend_from_slice(tag);
        out.extend_from_slice(&checksum(data).to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        if tag == b"head" {
            head_at = Some(offset);
        }
        offset += data.len().next_multiple_of(4);
    }
    for (_, data) in &tables {
        out.extend_from_slice(data);
        out.resize(out.len().next_multiple_of(4), 0);
    }
    if let Some(at) = head_at {
        let adjustment = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out[at + 8..at + 12].copy_from_slice(&adjustment.to_be_bytes());
    }
    out
}

/// The sfnt checksum: the sum of big-endian u32 words, the last padded with zeros.
fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, chunk| {
        let mut word = [0u8; 4];
        word[..chunk.len()].copy_from_slice(chunk);
        sum.wrapping_add(u32::from_be_bytes(word))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn garamond() -> Vec<u8> {
        std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fonts/EBGaramond-Regular.ttf"
        ))
        .unwrap()
    }

    /// Glyph ids and advances rustybuzz sets `text` with, in `font`.
    fn shaped(font: &[u8], text: &str, features: &[rustybuzz::Feature]) -> Vec<(u32, i32, i32)> {
        let face = rustybuzz::Face::from_slice(font, 0).unwrap();
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        let glyphs = rustybuzz::shape(&face, features, buffer);
        glyphs
            .glyph_infos()
            .iter()
            .zip(glyphs.glyph_positions())
            .map(|(i, p)| (i.glyph_id, p.x_advance, p.x_offset))
            .collect()
    }

    #[test]
    fn the_subset_sets_the_text_as_the_whole_face_does() {
        let font = garamond();
        let face = ttf_parser::Face::parse(&font, 0).unwrap();
        assert!(keeps_layout(&face));
        let text = "AVAST To Wavy office floors, 1892 — ﬁne “Yes.”";
        let chars: BTreeSet<char> = text.chars().collect();
        let subset = subset(&face, &chars).unwrap();
        let small = ttf_parser::Face::parse(&subset, 0).unwrap();
        assert!(small.glyph_index('☃').is_none());
        assert!(
            subset.len() < font.len() / 2,
            "{} of {}",
            subset.len(),
            font.len()
        );
        for table in [b"GSUB", b"GPOS", b"GDEF"] {
            assert!(small.raw_face().table(Tag::from_bytes(table)).is_some());
        }
        // Kerning and ligatures: the same glyphs at the same advances.
        assert_eq!(shaped(&subset, text, &[]), shaped(&font, text, &[]));
        let kerned = shaped(&font, "AV", &[]);
        let unkerned = shaped(
            &font,
            "AV",
            &[rustybuzz::Feature::new(Tag::from_bytes(b"kern"), 0, ..)],
        );
        assert_ne!(kerned, unkerned, "the face kerns AV");
        // Small capitals and old-style figures a reader may ask for.
        let features = [
            rustybuzz::Feature::new(Tag::from_bytes(b"smcp"), 1, ..),
            rustybuzz::Feature::new(Tag::from_bytes(b"onum"), 1, ..),
        ];
        let small_caps = shaped(&subset, "office 1892", &features);
        assert_eq!(small_caps, shaped(&font, "office 1892", &features));
        assert!(small_caps.iter().all(|&(g, _, _)| g != 0));
        let drawn = small_caps
            .iter()
            .filter(|&&(g, _, _)| small.outline_glyph(GlyphId(g as u16), &mut NoPen).is_some())
            .count();
        assert_eq!(
            drawn,
            small_caps.len() - 1,
            "every glyph but the space has its outline"
        );
    }

    struct NoPen;
    impl ttf_parser::OutlineBuilder for NoPen {
        fn move_to(&mut self, _: f32, _: f32) {}
        fn line_to(&mut self, _: f32, _: f32) {}
        fn quad_to(&mut self, _: f32, _: f32, _: f32, _: f32) {}
        fn curve_to(&mut self, _: f32, _: f32, _: f32, _: f32, _: f32, _: f32) {}
        fn close(&mut self) {}
    }

    #[test]
    fn cmaps_map_what_they_were_given() {
        let mapping = [('A', 5), ('B', 6), ('D', 9), ('😀', 12)];
        let table = cmap(&mapping);
        let cmap = ttf_parser::cmap::Table::parse(&table).unwrap();
        for (c, g) in mapping {
            let found = cmap
                .subtables
                .into_iter()
                .find_map(|s| s.glyph_index(u32::from(c)));
            assert_eq!(found, Some(GlyphId(g)), "{c}");
        }
        let bmp_only = cmap
            .subtables
            .into_iter()
            .find(|s| {
                matches!(
                    s.format,
                    ttf_parser::cmap::Format::SegmentMappingToDeltaValues(_)
                )
            })
            .unwrap();
        assert_eq!(bmp_only.glyph_index(u32::from('C')), None);
    }
}
