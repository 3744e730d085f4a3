//! The Apple Books edition. Each rule and its source (Apple Books Asset
//! Guide; Standard Ebooks' build):
//!
//! - `META-INF/com.apple.ibooks.display-options.xml` says
//!   `specified-fonts`: true when the book embeds fonts (Books ignores them
//!   otherwise), false when it does not;
//! - each landmarks entry has one `epub:type` (Books skips an entry with
//!   more);
//! - arrows and symbols that iOS would draw as colour emoji (`↩` first among
//!   them, the usual back-link glyph) are followed by U+FE0E, the text
//!   presentation selector.

use super::archive::Archive;
use super::xml::{self, Package, splice};
use crate::epub::{DISPLAY_OPTIONS, display_options};

/// Characters with an emoji form that iOS picks when the text face lacks
/// them (Unicode's `Emoji=Yes, Emoji_Presentation=No` set, the ones books use).
pub const EMOJI_PRONE: [char; 24] = [
    '↩', '↪', '↔', '↕', '↖', '↗', '↘', '↙', '⤴', '⤵', '▶', '◀', '☑', '✔', '✖', '✳', '❤', '✉', '✈',
    '☀', '☎', '‼', '⁉', '➡',
];

/// The text presentation selector.
pub const TEXT_PRESENTATION: char = '\u{fe0e}';

/// Transforms the canonical EPUB into the Apple Books edition.
pub fn transform(epub: &[u8]) -> Result<Vec<u8>, String> {
    let mut archive = Archive::open(epub)?;
    let package = Package::read(&mut archive)?;
    let embeds_fonts = package.fonts().next().is_some();
    archive.insert_after(
        "META-INF/container.xml",
        DISPLAY_OPTIONS,
        display_options(embeds_fonts).into_bytes(),
        true,
    );
    let nav_path = package.nav().map(|n| n.path.clone());
    for item in package.documents() {
        let text = archive.text(&item.path)?;
        let mut fixed = with_text_presentation(&text);
        if Some(&item.path) == nav_path.as_ref() {
            fixed = landmarks_with_one_type(&fixed).map_err(|e| format!("nav: {e}"))?;
        }
        archive.set_text(&item.path, fixed)?;
    }
    archive.finish()
}

/// Each emoji-prone character followed by U+FE0E (once).
pub fn with_text_presentation(text: &str) -> String {
    if !text.contains(EMOJI_PRONE) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if EMOJI_PRONE.contains(&c)
            && !matches!(chars.peek(), Some(&TEXT_PRESENTATION | &'\u{fe0f}'))
        {
            out.push(TEXT_PRESENTATION);
        }
    }
    out
}

/// The landmarks' links each keep their first `epub:type`.
pub fn landmarks_with_one_type(nav: &str) -> Result<String, String> {
    let doc = xml::parse(nav)?;
    let Some(landmarks) = doc
        .descendants()
        .find(|n| n.has_tag_name("nav") && xml::epub_types(n).contains(&"landmarks"))
    else {
        return Ok(nav.to_string());
    };
    let edits = landmarks
        .descendants()
        .filter(|n| n.has_tag_name("a"))
        .filter_map(|a| {
            let attr = a
                .attributes()
                .find(|t| t.namespace() == Some(xml::EPUB_NS) && t.name() == "type")?;
            let mut tokens = attr.value().split_whitespace();
            let first = tokens.next()?;
            tokens
                .next()
                .is_some()
                .then(|| (attr.range_value(), xml::escape_attr(first)))
        })
        .collect();
    Ok(splice(nav, edits))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrows_get_the_text_presentation_selector_once() {
        assert_eq!(with_text_presentation("back ↩ here"), "back ↩\u{fe0e} here");
        let once = with_text_presentation("↩\u{fe0e}↪");
        assert_eq!(once, "↩\u{fe0e}↪\u{fe0e}");
        assert_eq!(with_text_presentation("plain © text"), "plain © text");
    }

    #[test]
    fn landmarks_keep_one_type() {
        let nav = "<html xmlns:epub=\"http://www.idpf.org/2007/ops\"><body><nav epub:type=\"landmarks\"><ol><li><a epub:type=\"bodymatter chapter\" href=\"a\">A</a></li><li><a epub:type=\"toc\" href=\"b\">B</a></li></ol></nav></body></html>";
        let fixed = landmarks_with_one_type(nav).unwrap();
        assert!(
            fixed.contains("<a epub:type=\"bodymatter\" href=\"a\">"),
            "{fixed}"
        );
        assert!(
            fixed.contains("<a epub:type=\"toc\" href=\"b\">"),
            "{fixed}"
        );
    }

    #[test]
    fn display_options_say_whether_fonts_are_embedded() {
        assert!(display_options(true).contains("<option name=\"specified-fonts\">true</option>"));
        assert!(display_options(false).contains(">false<"));
        assert!(xml::parse(&display_options(true)).is_ok());
    }
}
