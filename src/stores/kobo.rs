//! The Kobo edition: two files, as Kobo Writing Life takes them.
//!
//! - `NAME.kepub.epub` for Kobo's own (WebKit) reader, made as kepubify
//!   makes it (see [`super::kepub`]): every XHTML document, the navigation
//!   document too, with kepubify's style hacks, its body wrapped in
//!   `div#book-columns > div#book-inner` and every sentence and image in a
//!   `koboSpan` (highlights, reading statistics), and the cover item marked
//!   `cover-image`. Before the spans, as Standard Ebooks' Kobo build does:
//!   soft hyphens removed (they break dictionary look-up), word joiners
//!   (U+2060) written as U+FEFF, which Kobo's fonts have, and `endnote`
//!   beside `noteref` on each note reference (Kobo pops up only those); and,
//!   as kepubify does, U+FFFD removed.
//! - `NAME.epub` for readers that use Adobe RMSDK, which calls a whole book
//!   corrupt over one rule it cannot parse: the stylesheet without those
//!   rules (see [`super::css`]).

use super::archive::Archive;
use super::css::{Reader, hazards, make_safe};
use super::kepub::kepub_document;
use super::xml::{self, Package, splice, without_invisible_marks};

/// The kepub.
pub fn kepub(epub: &[u8]) -> Result<Vec<u8>, String> {
    let mut archive = Archive::open(epub)?;
    let package = Package::read(&mut archive)?;
    for item in package.documents() {
        let text = archive.text(&item.path)?;
        let prepared = kobo_source(&text).map_err(|e| format!("{}: {e}", item.path))?;
        let spanned = kepub_document(&prepared).map_err(|e| format!("{}: {e}", item.path))?;
        archive.set_text(&item.path, spanned)?;
    }
    let opf = archive.text(&package.opf_path)?;
    let fixed = with_cover_property(&opf).map_err(|e| format!("{}: {e}", package.opf_path))?;
    archive.set_text(&package.opf_path, fixed)?;
    archive.finish()
}

/// The EPUB as the kepub's spans are added to it: each XHTML document made
/// [`kobo_source`], nothing else changed. Given to kepubify, it gives the
/// documents the kepub has (see [`super::kepub`] for the one difference).
pub fn kobo_source_epub(epub: &[u8]) -> Result<Vec<u8>, String> {
    let mut archive = Archive::open(epub)?;
    let package = Package::read(&mut archive)?;
    for item in package.documents() {
        let text = archive.text(&item.path)?;
        let prepared = kobo_source(&text).map_err(|e| format!("{}: {e}", item.path))?;
        archive.set_text(&item.path, prepared)?;
    }
    archive.finish()
}

/// An XHTML document as the kepub's spans are added to it: without soft
/// hyphens or U+FFFD, U+FEFF for each word joiner, and `endnote` beside
/// `noteref`. (Also what kepubify is given when the kepub is compared with
/// its output.)
pub fn kobo_source(xhtml: &str) -> Result<String, String> {
    let mut text = without_invisible_marks(xhtml, false);
    for joiner in ["\u{2060}", "&#8288;", "&#x2060;", "&#X2060;"] {
        if text.contains(joiner) {
            text = text.replace(joiner, "\u{feff}");
        }
    }
    if text.contains('\u{fffd}') {
        text = text.replace('\u{fffd}', "");
    }
    let doc = xml::parse(&text)?;
    let edits: Vec<_> = doc
        .descendants()
        .filter(|n| n.is_element())
        .filter_map(|n| {
            let attribute = n
                .attributes()
                .find(|a| a.namespace() == Some(xml::EPUB_NS) && a.name() == "type")?;
            let types: Vec<&str> = attribute.value().split_whitespace().collect();
            (types.contains(&"noteref") && !types.contains(&"endnote")).then(|| {
                (
                    attribute.range_value(),
                    xml::escape_attr(&format!("{} endnote", attribute.value().trim())),
                )
            })
        })
        .collect();
    Ok(splice(&text, edits))
}

/// The plain EPUB, safe for RMSDK.
pub fn rmsdk(epub: &[u8]) -> Result<Vec<u8>, String> {
    let mut archive = Archive::open(epub)?;
    let package = Package::read(&mut archive)?;
    for sheet in package.stylesheets() {
        let css = archive.text(&sheet.path)?;
        if !hazards(&css, Reader::Rmsdk).is_empty() {
            archive.set_text(&sheet.path, make_safe(&css, Reader::Rmsdk))?;
        }
    }
    archive.finish()
}

/// The cover image's manifest item carries `properties="cover-image"`
/// (found through the EPUB 2 `<meta name="cover">` when it does not).
pub fn with_cover_property(opf: &str) -> Result<String, String> {
    let doc = xml::parse(opf)?;
    let items: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("item"))
        .collect();
    let marked = items.iter().any(|i| {
        i.attribute("properties")
            .is_some_and(|p| p.split_whitespace().any(|t| t == "cover-image"))
    });
    if marked {
        return Ok(opf.to_string());
    }
    let cover_id = doc
        .descendants()
        .find(|n| n.has_tag_name("meta") && n.attribute("name") == Some("cover"))
        .and_then(|n| n.attribute("content"));
    let Some(item) = cover_id.and_then(|id| items.iter().find(|i| i.attribute("id") == Some(id)))
    else {
        return Err("the package names no cover image".into());
    };
    let edit = match item.attributes().find(|a| a.name() == "properties") {
        Some(attr) => (
            attr.range_value(),
            format!("{} cover-image", xml::escape_attr(attr.value())),
        ),
        None => {
            let at = item.range().start + "<item".len();
            (at..at, " properties=\"cover-image\"".to_string())
        }
    };
    Ok(splice(opf, vec![edit]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kobo_source_marks_notes_and_joins_words_as_kobo_reads_them() {
        let xhtml = "<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\"><body><p>so\u{ad}cial\u{2060}—&#8288;x\u{fffd}<a epub:type=\"noteref\" href=\"#n1\">1</a><a epub:type=\"noteref endnote\" href=\"#n2\">2</a></p></body></html>";
        let source = kobo_source(xhtml).unwrap();
        assert!(source.contains("<p>social\u{feff}—\u{feff}x<a epub:type=\"noteref endnote\" href=\"#n1\">1</a><a epub:type=\"noteref endnote\" href=\"#n2\">"), "{source}");
    }

    #[test]
    fn the_cover_item_is_marked() {
        let opf = "<package><metadata><meta name=\"cover\" content=\"c\"/></metadata><manifest><item id=\"c\" href=\"cover.jpg\" media-type=\"image/jpeg\"/></manifest></package>";
        let fixed = with_cover_property(opf).unwrap();
        assert!(
            fixed.contains("<item properties=\"cover-image\" id=\"c\""),
            "{fixed}"
        );
        assert_eq!(with_cover_property(&fixed).unwrap(), fixed);
        assert!(with_cover_property("<package><manifest/></package>").is_err());
    }
}
