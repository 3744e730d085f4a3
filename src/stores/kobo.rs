//! The Kobo edition: two files, as Kobo Writing Life takes them.
//!
//! - `NAME.kepub.epub` for Kobo's own (WebKit) reader, made as kepubify
//!   makes it (pgaskin/kepubify `kepub/transform.go`): each document's body
//!   wrapped in `div#book-columns > div#book-inner`, every sentence and
//!   image in a `koboSpan` (highlights, reading statistics), soft hyphens
//!   removed (they break dictionary look-up), and the cover item marked
//!   `cover-image`.
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
    let nav = package.nav().map(|n| n.id.clone());
    for item in package.spine_documents() {
        if Some(&item.id) == nav.as_ref() {
            continue;
        }
        let text = archive.text(&item.path)?;
        let spanned = kepub_document(&without_invisible_marks(&text, false))
            .map_err(|e| format!("{}: {e}", item.path))?;
        archive.set_text(&item.path, spanned)?;
    }
    let opf = archive.text(&package.opf_path)?;
    let fixed = with_cover_property(&opf).map_err(|e| format!("{}: {e}", package.opf_path))?;
    archive.set_text(&package.opf_path, fixed)?;
    archive.finish()
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
