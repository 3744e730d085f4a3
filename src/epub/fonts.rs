//! Embedded EPUB fonts: each face is subset to the characters the book uses
//! and, when the author asks for it (`epub.embed-fonts = "obfuscated"`),
//! obfuscated with the IDPF font obfuscation algorithm (EPUB OCF 3.3, "Font
//! obfuscation") and declared in `META-INF/encryption.xml`. Fonts under the
//! OFL need no obfuscation, and some readers (MuPDF, epub.js) cannot open
//! obfuscated fonts, so `true` embeds them as they are.
//!
//! A TrueType face is subset keeping its glyph ids ([`super::sfnt`]), so its
//! `GSUB`, `GPOS`, `GDEF` and `kern` tables stay valid and are kept: the
//! reader sets the book with its ligatures, kerning, small capitals and
//! old-style figures. A CFF (`.otf`) or variable face is subset with
//! allsorts, which renumbers the glyphs and cannot remap those tables, so
//! they are dropped: such a subset has no ligatures and no kerning. It
//! keeps the tables a standalone font needs (`cmap`, `head`, `hhea`,
//! `hmtx`, `maxp`, `name`, `OS/2`, `post`), the outlines and the TrueType
//! hinting programs (`cvt `, `fpgm`, `prep`, which name no glyph ids).

use std::collections::BTreeSet;

use allsorts::binary::read::ReadScope;
use allsorts::font_data::FontData;
use allsorts::subset::{CmapTarget, SubsetProfile};
use allsorts::tag;

/// Bytes of the font file the IDPF algorithm obfuscates.
const OBFUSCATED_PREFIX_LEN: usize = 1040;

/// The `Algorithm` URI of the IDPF font obfuscation.
const IDPF_OBFUSCATION_ALGORITHM: &str = "http://www.idpf.org/2008/embedding";

/// The tables of the subset (allsorts adds the outline tables itself).
fn standalone_font_tables() -> Vec<u32> {
    vec![
        tag::CMAP,
        tag::HEAD,
        tag::HHEA,
        tag::HMTX,
        tag::MAXP,
        tag::NAME,
        tag::OS_2,
        tag::POST,
        // Hinting: the glyphs' instructions call into these, and they hold no glyph ids.
        tag::CVT,
        tag::FPGM,
        tag::PREP,
    ]
}

/// A face subset to `chars`: a complete, valid OpenType/TrueType font file whose cmap maps every char of
/// `chars` the face has (others are simply absent), keeping the glyph outlines and metrics (hmtx); the
/// name table is kept (licences require the copyright/licence name records to stay), and `.notdef` always.
/// A TrueType face keeps its layout tables (`GSUB`, `GPOS`, `GDEF`, `kern`) and the glyphs they can
/// substitute; another face is subset with allsorts, without them (see the module's note). Error (plain
/// message) when the bytes are not a font that can be read or the subset fails.
pub fn subset_for_text(font: &[u8], chars: &BTreeSet<char>) -> Result<Vec<u8>, String> {
    // ttf-parser first: it checks the font thoroughly without panicking, and gives the glyph ids.
    let face = ttf_parser::Face::parse(font, 0)
        .map_err(|error| format!("not a font file that can be read: {error}"))?;
    subset(font, &face, chars, true)
}

/// [`subset_for_text`] without the layout tables, for a face that sets
/// symbols one by one (a fallback supplying arrows or a snowman, whose
/// kerning tables would outweigh its glyphs many times over).
pub fn subset_without_layout(font: &[u8], chars: &BTreeSet<char>) -> Result<Vec<u8>, String> {
    let face = ttf_parser::Face::parse(font, 0)
        .map_err(|error| format!("not a font file that can be read: {error}"))?;
    subset(font, &face, chars, false)
}

fn subset(
    font: &[u8],
    face: &ttf_parser::Face<'_>,
    chars: &BTreeSet<char>,
    keep_layout: bool,
) -> Result<Vec<u8>, String> {
    // A TrueType face keeps its glyph ids, and with them its kerning and ligatures.
    let subset = if keep_layout && super::sfnt::keeps_layout(face) {
        super::sfnt::subset(face, chars)
            .map_err(|error| format!("the font could not be subset ({error})"))?
    } else {
        let used_glyphs: BTreeSet<u16> = chars
            .iter()
            .filter_map(|&ch| face.glyph_index(ch))
            .map(|glyph| glyph.0)
            .filter(|&glyph| glyph != 0)
            .collect();
        // allsorts requires `.notdef` first; the rest in glyph order, so the output is reproducible.
        let glyph_ids: Vec<u16> = std::iter::once(0).chain(used_glyphs).collect();
        // allsorts can panic on damaged data (e.g. arithmetic overflow on glyph coordinates when
        // overflow checks are on): an author's broken font file must be an error, not a crash.
        std::panic::catch_unwind(|| subset_with_allsorts(font, &glyph_ids))
            .map_err(|_| "the font could not be subset: its data is damaged".to_string())??
    };

    // Never embed a file a reading system could not open.
    ttf_parser::Face::parse(&subset, 0)
        .map_err(|error| format!("the subset font is not valid: {error}"))?;
    Ok(subset)
}

/// allsorts's subset of `font` to `glyph_ids` (`.notdef` first), as a standalone font.
fn subset_with_allsorts(font: &[u8], glyph_ids: &[u16]) -> Result<Vec<u8>, String> {
    let font_data = ReadScope::new(font)
        .read::<FontData<'_>>()
        .map_err(|error| format!("not a font file that can be read: {error}"))?;
    let provider = font_data
        .table_provider(0)
        .map_err(|error| format!("not a font file that can be read: {error}"))?;
    allsorts::subset::subset(
        &provider,
        glyph_ids,
        &SubsetProfile::Custom(standalone_font_tables()),
        // A Unicode cmap: reading systems, like browsers, reject a Mac Roman-only cmap.
        CmapTarget::Unicode,
    )
    .map_err(|error| format!("the font could not be subset ({error})"))
}

/// The CSS generic family a face belongs with, after its name in a
/// `font-family` list: `monospace` for a fixed-pitch face, `sans-serif`
/// when its PANOSE serif style (OS/2) says sans serif or, without PANOSE,
/// its family name says "Sans"; `serif` otherwise.
pub fn generic_family(font: &[u8]) -> &'static str {
    let Ok(face) = ttf_parser::Face::parse(font, 0) else {
        return "serif";
    };
    if face.is_monospaced() {
        return "monospace";
    }
    let panose = face
        .raw_face()
        .table(ttf_parser::Tag::from_bytes(b"OS/2"))
        .and_then(|os2| os2.get(32..42));
    match panose {
        // Latin Text, and the serif style: 11–13 are the sans serifs (normal,
        // obtuse, perpendicular), 14 flared and 15 rounded read as sans too.
        Some([2, serif_style, ..]) if (11..=15).contains(serif_style) => "sans-serif",
        Some([2, serif_style, ..]) if (2..=10).contains(serif_style) => "serif",
        _ => {
            let sans = face
                .names()
                .into_iter()
                .filter(|n| n.name_id == ttf_parser::name_id::FAMILY && n.is_unicode())
                .filter_map(|n| n.to_string())
                .any(|name| {
                    name.split_whitespace()
                        .any(|w| w.eq_ignore_ascii_case("sans"))
                });
            if sans { "sans-serif" } else { "serif" }
        }
    }
}

/// The IDPF obfuscation key: SHA-1 of the package's unique identifier with all U+0020, U+0009, U+000D, U+000A removed (20 bytes).
pub fn obfuscation_key(unique_identifier: &str) -> [u8; 20] {
    let without_whitespace: String = unique_identifier
        .chars()
        .filter(|ch| !matches!(ch, ' ' | '\t' | '\r' | '\n'))
        .collect();
    sha1_smol::Sha1::from(without_whitespace.as_bytes())
        .digest()
        .bytes()
}

/// XORs the first 1040 bytes of `font` with the key repeated (the algorithm is its own inverse).
pub fn obfuscate(font: &[u8], key: &[u8; 20]) -> Vec<u8> {
    let mut obfuscated = font.to_vec();
    for (byte, key_byte) in obfuscated
        .iter_mut()
        .take(OBFUSCATED_PREFIX_LEN)
        .zip(key.iter().cycle())
    {
        *byte ^= key_byte;
    }
    obfuscated
}

/// `META-INF/encryption.xml` declaring each obfuscated resource: `paths` are archive paths relative to the container root
/// (e.g. "OEBPS/fonts/EBGaramond-Regular.ttf"), XML-escaped, in the given order, each as
/// `<enc:EncryptedData><enc:EncryptionMethod Algorithm="http://www.idpf.org/2008/embedding"/><enc:CipherData><enc:CipherReference URI="..."/></enc:CipherData></enc:EncryptedData>`
/// inside `<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" xmlns:enc="http://www.w3.org/2001/04/xmlenc#">`, with an XML declaration (UTF-8).
pub fn encryption_xml(paths: &[String]) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <encryption xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\" \
         xmlns:enc=\"http://www.w3.org/2001/04/xmlenc#\">\n",
    );
    for path in paths {
        xml.push_str("  <enc:EncryptedData>\n");
        xml.push_str("    <enc:EncryptionMethod Algorithm=\"");
        xml.push_str(IDPF_OBFUSCATION_ALGORITHM);
        xml.push_str("\"/>\n");
        xml.push_str("    <enc:CipherData>\n");
        xml.push_str("      <enc:CipherReference URI=\"");
        push_xml_escaped(&mut xml, path);
        xml.push_str("\"/>\n");
        xml.push_str("    </enc:CipherData>\n");
        xml.push_str("  </enc:EncryptedData>\n");
    }
    xml.push_str("</encryption>\n");
    xml
}

/// Appends `text` escaped for an attribute value or text content.
fn push_xml_escaped(out: &mut String, text: &str) {
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            _ => out.push(ch),
        }
    }
}

/// The media type EPUB 3.3 gives the font file: "font/ttf" for TrueType outlines (glyf), "font/otf" for CFF, from the sfnt version tag.
///
/// WOFF and WOFF 2 files (also EPUB 3.3 core media types) get "font/woff" and "font/woff2";
/// anything else is taken for TrueType.
pub fn font_media_type(font: &[u8]) -> &'static str {
    match font.get(..4) {
        Some(b"OTTO") => "font/otf",
        Some(b"wOFF") => "font/woff",
        Some(b"wOF2") => "font/woff2",
        _ => "font/ttf",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GARAMOND_REGULAR: &str =
        concat!(env!("CARGO_MANIFEST_DIR"), "/fonts/EBGaramond-Regular.ttf");
    const GARAMOND_ITALIC: &str =
        concat!(env!("CARGO_MANIFEST_DIR"), "/fonts/EBGaramond-Italic.ttf");
    const JETBRAINS_MONO: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fonts/JetBrainsMono-Regular.ttf"
    );
    const DEJAVU_SANS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fonts/DejaVuSans.ttf");

    const ISHMAEL: &str = "Call me Ishmael.";

    fn read_font(path: &str) -> Vec<u8> {
        std::fs::read(path).unwrap_or_else(|error| panic!("reading {path}: {error}"))
    }

    fn tables_of(font: &[u8]) -> BTreeSet<[u8; 4]> {
        let face = ttf_parser::Face::parse(font, 0).expect("parses");
        face.raw_face()
            .table_records
            .into_iter()
            .map(|record| record.tag.to_bytes())
            .collect()
    }

    /// A glyph's outline as drawing commands, for comparing glyphs across fonts.
    #[derive(Default)]
    struct RecordedOutline(Vec<String>);

    impl ttf_parser::OutlineBuilder for RecordedOutline {
        fn move_to(&mut self, x: f32, y: f32) {
            self.0.push(format!("M{x},{y}"));
        }
        fn line_to(&mut self, x: f32, y: f32) {
            self.0.push(format!("L{x},{y}"));
        }
        fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
            self.0.push(format!("Q{x1},{y1},{x},{y}"));
        }
        fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
            self.0.push(format!("C{x1},{y1},{x2},{y2},{x},{y}"));
        }
        fn close(&mut self) {
            self.0.push("Z".to_string());
        }
    }

    /// The glyph's outline and bounding box (None for blank glyphs like the space).
    fn outline(
        face: &ttf_parser::Face<'_>,
        glyph: ttf_parser::GlyphId,
    ) -> (Vec<String>, Option<ttf_parser::Rect>) {
        let mut recorded = RecordedOutline::default();
        let bounding_box = face.outline_glyph(glyph, &mut recorded);
        (recorded.0, bounding_box)
    }

    /// The sfnt checksum of the whole file (big-endian u32 words, zero-padded).
    fn whole_file_checksum(font: &[u8]) -> u32 {
        font.chunks(4).fold(0u32, |sum, chunk| {
            let mut word = [0u8; 4];
            word[..chunk.len()].copy_from_slice(chunk);
            sum.wrapping_add(u32::from_be_bytes(word))
        })
    }

    /// Subsets the face at `path` to `text`, with and without its layout
    /// tables, and checks each subset against the original.
    fn check_subset(path: &str, text: &str, absent: char) {
        check_subset_keeping(path, text, absent, true);
        check_subset_keeping(path, text, absent, false);
    }

    /// Subsets the face at `path` to `text` and checks the subset against the original;
    /// returns (original size, subset size).
    fn check_subset_keeping(
        path: &str,
        text: &str,
        absent: char,
        keep_layout: bool,
    ) -> (usize, usize) {
        let original_bytes = read_font(path);
        let chars: BTreeSet<char> = text.chars().collect();
        assert!(!chars.contains(&absent));
        let make = |chars: &BTreeSet<char>| {
            if keep_layout {
                subset_for_text(&original_bytes, chars)
            } else {
                subset_without_layout(&original_bytes, chars)
            }
        };
        let subset_bytes = make(&chars).expect("subsets");
        let original = ttf_parser::Face::parse(&original_bytes, 0).expect("original parses");
        let subset = ttf_parser::Face::parse(&subset_bytes, 0).expect("subset parses");

        assert!(
            original.glyph_index(absent).is_some(),
            "the face has {absent:?}"
        );
        assert_eq!(
            subset.glyph_index(absent),
            None,
            "{absent:?} is not in the text"
        );
        for &ch in &chars {
            let old = original.glyph_index(ch).expect("the face has the char");
            let new = subset
                .glyph_index(ch)
                .unwrap_or_else(|| panic!("{ch:?} is mapped"));
            assert_ne!(new.0, 0, "{ch:?} maps to a real glyph");
            assert_eq!(
                subset.glyph_hor_advance(new),
                original.glyph_hor_advance(old),
                "advance of {ch:?}"
            );
            assert_eq!(
                outline(&subset, new),
                outline(&original, old),
                "outline of {ch:?}"
            );
        }
        assert_eq!(subset.units_per_em(), original.units_per_em());
        assert_eq!(subset.ascender(), original.ascender());
        assert_eq!(subset.descender(), original.descender());
        // Only the text's glyphs (and, with the layout tables, what they can become) keep outlines.
        let drawn = (0..subset.number_of_glyphs())
            .filter(|&g| outline(&subset, ttf_parser::GlyphId(g)).1.is_some())
            .count();
        assert!(
            drawn < if keep_layout { 200 } else { 64 },
            "only the text's glyphs are kept: {drawn}"
        );
        assert_eq!(
            font_media_type(&subset_bytes),
            font_media_type(&original_bytes),
            "same outline format"
        );

        // The licence records stay.
        let copyright = |face: &ttf_parser::Face<'_>| {
            face.names()
                .into_iter()
                .filter(|name| name.name_id == ttf_parser::name_id::COPYRIGHT_NOTICE)
                .filter_map(|name| name.to_string())
                .collect::<Vec<_>>()
        };
        assert!(!copyright(&original).is_empty());
        assert_eq!(copyright(&subset), copyright(&original));

        // The layout tables are kept as they are (the glyph ids did not
        // move), or dropped with the glyph ids renumbered, so nothing points
        // at a missing glyph.
        let tables = tables_of(&subset_bytes);
        let original_tables = tables_of(&original_bytes);
        for layout in [b"GSUB", b"GPOS", b"GDEF", b"kern"] {
            assert_eq!(
                tables.contains(layout),
                keep_layout && original_tables.contains(layout),
                "{}",
                String::from_utf8_lossy(layout)
            );
        }
        for kept in [
            b"cmap", b"head", b"hhea", b"hmtx", b"maxp", b"name", b"OS/2", b"post",
        ] {
            assert!(tables.contains(kept), "{}", String::from_utf8_lossy(kept));
        }

        assert_eq!(
            whole_file_checksum(&subset_bytes),
            0xB1B0_AFBA,
            "head.checkSumAdjustment makes the file sum to the magic number"
        );
        // Without the layout tables the subset is a tenth of the face; with
        // them (kerning is most of what is left) under half.
        let share = if keep_layout { 2 } else { 10 };
        assert!(
            subset_bytes.len() * share < original_bytes.len(),
            "{path}: subset {} bytes of {}",
            subset_bytes.len(),
            original_bytes.len()
        );
        assert_eq!(
            make(&chars).expect("subsets"),
            subset_bytes,
            "deterministic"
        );
        eprintln!(
            "{path}: {} -> {} bytes for {text:?}",
            original_bytes.len(),
            subset_bytes.len()
        );
        (original_bytes.len(), subset_bytes.len())
    }

    #[test]
    fn subsets_garamond_regular() {
        check_subset(GARAMOND_REGULAR, ISHMAEL, 'Z');
    }

    #[test]
    fn subsets_garamond_italic() {
        check_subset(GARAMOND_ITALIC, ISHMAEL, 'Z');
    }

    #[test]
    fn subsets_jetbrains_mono() {
        check_subset(JETBRAINS_MONO, ISHMAEL, 'Z');
    }

    #[test]
    fn subsets_dejavu_sans() {
        check_subset(DEJAVU_SANS, ISHMAEL, 'Z');
    }

    #[test]
    fn subsets_dejavu_sans_cyrillic() {
        check_subset(DEJAVU_SANS, "Зовите меня Измаил.", 'Ж');
    }

    #[test]
    fn chars_the_face_lacks_are_skipped() {
        let font = read_font(GARAMOND_REGULAR);
        let original = ttf_parser::Face::parse(&font, 0).expect("parses");
        let missing = '\u{1F600}';
        assert_eq!(original.glyph_index(missing), None);
        let chars = BTreeSet::from(['a', missing]);
        let subset = subset_for_text(&font, &chars).expect("subsets");
        let subset = ttf_parser::Face::parse(&subset, 0).expect("parses");
        assert!(subset.glyph_index('a').is_some_and(|glyph| glyph.0 != 0));
        assert_eq!(subset.glyph_index(missing), None);
    }

    #[test]
    fn empty_text_keeps_only_notdef() {
        let font = read_font(GARAMOND_REGULAR);
        let subset = subset_without_layout(&font, &BTreeSet::new()).expect("subsets");
        let subset = ttf_parser::Face::parse(&subset, 0).expect("parses");
        assert_eq!(subset.number_of_glyphs(), 1);
        assert_eq!(subset.glyph_index('a'), None);
        // Keeping the glyph ids, every glyph but .notdef is empty.
        let subset = subset_for_text(&font, &BTreeSet::new()).expect("subsets");
        let subset = ttf_parser::Face::parse(&subset, 0).expect("parses");
        assert_eq!(subset.glyph_index('a'), None);
        let drawn = (0..subset.number_of_glyphs())
            .filter(|&g| outline(&subset, ttf_parser::GlyphId(g)).1.is_some())
            .count();
        assert!(drawn <= 1, "{drawn}");
    }

    #[test]
    fn non_font_bytes_are_an_error() {
        let chars: BTreeSet<char> = ISHMAEL.chars().collect();
        for bytes in [
            &b""[..],
            b"not a font at all",
            b"OTTO",
            b"\x00\x01\x00\x00\x00\x01",
            &[0xFF; 2000],
        ] {
            assert!(subset_for_text(bytes, &chars).is_err(), "{bytes:?}");
        }
    }

    #[test]
    fn damaged_fonts_are_an_error_or_a_valid_subset() {
        let font = read_font(GARAMOND_REGULAR);
        let chars: BTreeSet<char> = ISHMAEL.chars().collect();
        let mut errors = 0;
        for len in [
            12,
            100,
            400,
            1040,
            5000,
            50_000,
            font.len() / 2,
            font.len() - 1,
        ] {
            if subset_for_text(&font[..len], &chars).is_err() {
                errors += 1;
            }
        }
        assert!(errors > 0, "truncated fonts are rejected");
        // Damage inside the tables (past the table directory): never a panic, never an invalid file.
        for offset in (1000..font.len()).step_by(font.len() / 97) {
            let mut damaged = font.clone();
            for byte in damaged.iter_mut().skip(offset).take(64) {
                *byte = !*byte;
            }
            if let Ok(subset) = subset_for_text(&damaged, &chars) {
                assert!(ttf_parser::Face::parse(&subset, 0).is_ok());
            }
        }
    }

    #[test]
    fn obfuscation_key_is_sha1_of_the_identifier() {
        let key = obfuscation_key("urn:uuid:5c832974-6fe9-5dc8-87d5-bd474547a0ee");
        let hex: String = key.iter().map(|byte| format!("{byte:02x}")).collect();
        // python3 -c 'import hashlib;print(hashlib.sha1(b"urn:uuid:5c832974-6fe9-5dc8-87d5-bd474547a0ee").hexdigest())'
        assert_eq!(hex, "106989220054163d746707be166b146f6bdcdeb6");
    }

    #[test]
    fn obfuscation_key_ignores_xml_whitespace() {
        assert_eq!(obfuscation_key(" urn:x \t\r\n"), obfuscation_key("urn:x"));
        assert_eq!(obfuscation_key("ur n:\tx"), obfuscation_key("urn:x"));
        assert_ne!(obfuscation_key("urn:y"), obfuscation_key("urn:x"));
        // Only those four: a no-break space is part of the identifier.
        assert_ne!(obfuscation_key("urn:x\u{A0}"), obfuscation_key("urn:x"));
    }

    #[test]
    fn obfuscation_changes_only_the_first_1040_bytes_and_is_its_own_inverse() {
        let key = obfuscation_key("urn:uuid:5c832974-6fe9-5dc8-87d5-bd474547a0ee");
        let font = read_font(GARAMOND_REGULAR);
        let obfuscated = obfuscate(&font, &key);
        assert_eq!(obfuscated.len(), font.len());
        assert_eq!(obfuscated[1040..], font[1040..]);
        for (index, (&plain, &hidden)) in font.iter().zip(&obfuscated).take(1040).enumerate() {
            assert_eq!(plain ^ key[index % 20], hidden, "byte {index}");
        }
        assert_ne!(obfuscated[..4], font[..4]);
        assert_eq!(obfuscate(&obfuscated, &key), font);
    }

    #[test]
    fn obfuscation_of_short_files() {
        let key = obfuscation_key("urn:x");
        assert!(obfuscate(&[], &key).is_empty());
        let short: Vec<u8> = (0..=255).collect();
        let obfuscated = obfuscate(&short, &key);
        assert_eq!(obfuscated.len(), short.len());
        for (index, (&plain, &hidden)) in short.iter().zip(&obfuscated).enumerate() {
            assert_eq!(plain ^ key[index % 20], hidden, "byte {index}");
        }
        assert_eq!(obfuscate(&obfuscated, &key), short);
        let exactly = vec![0u8; 1040];
        let obfuscated = obfuscate(&exactly, &key);
        assert_eq!(obfuscated[1039], key[1039 % 20]);
    }

    #[test]
    fn encryption_xml_lists_the_paths_in_order() {
        let paths = vec![
            "OEBPS/fonts/EBGaramond-Regular.ttf".to_string(),
            "OEBPS/fonts/Sans & Serif <1>.ttf".to_string(),
            "OEBPS/fonts/\"quoted\" 'font'.otf".to_string(),
        ];
        let xml = encryption_xml(&paths);
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
        assert!(xml.contains("Sans &amp; Serif &lt;1&gt;.ttf"));
        let document = roxmltree::Document::parse(&xml).expect("well-formed XML");
        let root = document.root_element();
        let container = "urn:oasis:names:tc:opendocument:xmlns:container";
        let xmlenc = "http://www.w3.org/2001/04/xmlenc#";
        assert_eq!(root.tag_name().name(), "encryption");
        assert_eq!(root.tag_name().namespace(), Some(container));

        let encrypted: Vec<_> = root.children().filter(|node| node.is_element()).collect();
        assert_eq!(encrypted.len(), paths.len());
        let mut uris = Vec::new();
        for data in encrypted {
            assert_eq!(data.tag_name().name(), "EncryptedData");
            assert_eq!(data.tag_name().namespace(), Some(xmlenc));
            let children: Vec<_> = data.children().filter(|node| node.is_element()).collect();
            assert_eq!(children.len(), 2);
            let method = children[0];
            assert_eq!(method.tag_name().name(), "EncryptionMethod");
            assert_eq!(method.tag_name().namespace(), Some(xmlenc));
            assert_eq!(
                method.attribute("Algorithm"),
                Some(IDPF_OBFUSCATION_ALGORITHM)
            );
            let cipher_data = children[1];
            assert_eq!(cipher_data.tag_name().name(), "CipherData");
            assert_eq!(cipher_data.tag_name().namespace(), Some(xmlenc));
            let reference = cipher_data
                .children()
                .find(|node| node.is_element())
                .expect("CipherReference");
            assert_eq!(reference.tag_name().name(), "CipherReference");
            assert_eq!(reference.tag_name().namespace(), Some(xmlenc));
            uris.push(reference.attribute("URI").expect("URI").to_string());
        }
        assert_eq!(uris, paths);
    }

    #[test]
    fn encryption_xml_with_no_paths_is_well_formed() {
        let xml = encryption_xml(&[]);
        let document = roxmltree::Document::parse(&xml).expect("well-formed XML");
        assert_eq!(
            document
                .root_element()
                .children()
                .filter(|n| n.is_element())
                .count(),
            0
        );
    }

    #[test]
    fn media_types() {
        for path in [
            GARAMOND_REGULAR,
            GARAMOND_ITALIC,
            JETBRAINS_MONO,
            DEJAVU_SANS,
        ] {
            assert_eq!(font_media_type(&read_font(path)), "font/ttf", "{path}");
        }
        assert_eq!(font_media_type(b"OTTO\x00\x0a\x00\x80"), "font/otf");
        assert_eq!(font_media_type(b"true\x00\x0a"), "font/ttf");
        assert_eq!(font_media_type(b"wOFF"), "font/woff");
        assert_eq!(font_media_type(b"wOF2"), "font/woff2");
        assert_eq!(font_media_type(b"OT"), "font/ttf");
        assert_eq!(font_media_type(b""), "font/ttf");
    }
}
