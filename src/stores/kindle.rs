//! The Kindle edition: the EPUB as KDP and Send to Kindle convert it without
//! an E999 rejection or a broken feature. Each rule and its source:
//!
//! - every XML file opens with a declaration naming its encoding (KDP reads
//!   one without as ISO-8859-1; kindle-epub-fix);
//! - no link points at a `<body>` id: the id goes and the link points at the
//!   file (kindle-epub-fix; KDP rejects the book otherwise);
//! - the `toc` nav and the NCX are at most two levels deep (KDP's guide:
//!   deeper levels are dropped or break the Kindle's "go to" menu);
//! - the `guide` has a `text` reference, so "go to beginning" works (KDP);
//! - no soft hyphens or word joiners (Standard Ebooks' Kindle build: they
//!   show as boxes or break search);
//! - a page that holds only an image gets a line of text, or the Kindle
//!   skips it (Standard Ebooks' Kindle build);
//! - the stylesheet keeps to what the converter reads (see [`super::css`]).
//!
//! Note back-links are already where Kindle's popups look for them: first
//! in each note, pointing at the reference (the EPUB writer puts them there).

use super::archive::Archive;
use super::css::{Reader, hazards, make_safe};
use super::xml::{self, Package, splice, with_xml_declaration, without_invisible_marks};

/// The deepest level the toc nav and NCX keep.
pub const TOC_DEPTH: usize = 2;

/// Transforms the canonical EPUB into the Kindle edition.
pub fn transform(epub: &[u8]) -> Result<Vec<u8>, String> {
    let mut archive = Archive::open(epub)?;
    let package = Package::read(&mut archive)?;
    let nav_path = package.nav().map(|n| n.path.clone());

    let mut documents = Vec::new();
    for item in package.documents() {
        documents.push((item.clone(), archive.text(&item.path)?));
    }
    // Body ids anywhere, so links from other documents can be pointed at the file.
    let mut body_ids: Vec<(String, String)> = Vec::new();
    for (item, text) in &documents {
        let doc = xml::parse(text).map_err(|e| format!("{}: {e}", item.path))?;
        if let Some(id) = body(&doc).and_then(|b| b.attribute("id")) {
            body_ids.push((item.href.clone(), id.to_string()));
        }
    }
    for (item, text) in documents {
        let mut fixed = without_invisible_marks(&text, true);
        fixed = with_xml_declaration(&fixed);
        fixed = without_body_links(&fixed, &item.href, &body_ids)
            .map_err(|e| format!("{}: {e}", item.path))?;
        fixed = with_text_on_image_pages(&fixed).map_err(|e| format!("{}: {e}", item.path))?;
        if Some(&item.path) == nav_path.as_ref() {
            fixed = nav_within_depth(&fixed, TOC_DEPTH).map_err(|e| format!("nav: {e}"))?;
        }
        archive.set_text(&item.path, fixed)?;
    }
    if let Some(ncx) = package.ncx() {
        let text = archive.text(&ncx.path)?;
        let fixed = ncx_within_depth(&with_xml_declaration(&text), TOC_DEPTH)
            .map_err(|e| format!("{}: {e}", ncx.path))?;
        archive.set_text(&ncx.path, fixed)?;
    }
    let opf = archive.text(&package.opf_path)?;
    let start = text_start(&mut archive, &package)?;
    let fixed = with_text_reference(&with_xml_declaration(&opf), start.as_deref())
        .map_err(|e| format!("{}: {e}", package.opf_path))?;
    archive.set_text(&package.opf_path, fixed)?;
    for sheet in package.stylesheets() {
        let css = archive.text(&sheet.path)?;
        if !hazards(&css, Reader::Kindle).is_empty() {
            archive.set_text(&sheet.path, make_safe(&css, Reader::Kindle))?;
        }
    }
    archive.finish()
}

fn body<'a, 'input>(doc: &'a roxmltree::Document<'input>) -> Option<roxmltree::Node<'a, 'input>> {
    doc.descendants().find(|n| n.has_tag_name("body"))
}

/// The document without body ids and with links to them pointing at their files.
fn without_body_links(
    text: &str,
    href: &str,
    body_ids: &[(String, String)],
) -> Result<String, String> {
    if body_ids.is_empty() {
        return Ok(text.to_string());
    }
    let doc = xml::parse(text)?;
    let mut edits = Vec::new();
    for node in doc.descendants().filter(|n| n.is_element()) {
        if node.has_tag_name("body")
            && let Some(attr) = node.attributes().find(|a| a.name() == "id")
        {
            // The attribute and the space before it.
            let range = attr.range();
            edits.push((range.start.saturating_sub(1)..range.end, String::new()));
        }
        for attr in node.attributes().filter(|a| a.name() == "href") {
            let (file, fragment) = attr.value().split_once('#').unwrap_or((attr.value(), ""));
            let file = if file.is_empty() { href } else { file };
            if body_ids.iter().any(|(f, id)| f == file && id == fragment) {
                edits.push((attr.range_value(), xml::escape_attr(file)));
            }
        }
    }
    Ok(splice(text, edits))
}

/// An image-only page gets a non-breaking space in a paragraph of its own
/// (hidden from screen readers, which read the image's description).
fn with_text_on_image_pages(text: &str) -> Result<String, String> {
    let doc = xml::parse(text)?;
    let Some(body) = body(&doc) else {
        return Ok(text.to_string());
    };
    let has_image = body
        .descendants()
        .any(|n| n.has_tag_name("img") || n.has_tag_name("image"));
    let has_text = body
        .descendants()
        .filter(|n| n.is_text())
        .any(|n| n.text().is_some_and(|t| !t.trim().is_empty()));
    if !has_image || has_text {
        return Ok(text.to_string());
    }
    let Some(close) = text[..body.range().end].rfind("</body>") else {
        return Ok(text.to_string());
    };
    Ok(splice(
        text,
        vec![(
            close..close,
            "<p class=\"image-only-text\" aria-hidden=\"true\">&#160;</p>\n".into(),
        )],
    ))
}

/// The `toc` nav's lists below `depth` levels removed.
pub fn nav_within_depth(text: &str, depth: usize) -> Result<String, String> {
    let doc = xml::parse(text)?;
    let Some(toc) = doc
        .descendants()
        .find(|n| n.has_tag_name("nav") && xml::epub_types(n).contains(&"toc"))
    else {
        return Ok(text.to_string());
    };
    let edits = toc
        .descendants()
        .filter(|n| n.has_tag_name("ol"))
        .filter(|n| list_depth(n, "ol", toc.id()) > depth)
        .map(|n| (n.range(), String::new()))
        .collect();
    Ok(splice(text, edits))
}

/// How many `name` elements enclose `node` (itself included), up to `stop`.
fn list_depth(node: &roxmltree::Node<'_, '_>, name: &str, stop: roxmltree::NodeId) -> usize {
    node.ancestors()
        .take_while(|a| a.id() != stop)
        .filter(|a| a.has_tag_name(name))
        .count()
}

/// The NCX's navPoints below `depth` levels removed, and its depth said.
pub fn ncx_within_depth(text: &str, depth: usize) -> Result<String, String> {
    let doc = xml::parse(text)?;
    let root = doc.root_element().id();
    let mut edits: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("navPoint"))
        .filter(|n| list_depth(n, "navPoint", root) > depth)
        .map(|n| (n.range(), String::new()))
        .collect();
    for meta in doc.descendants().filter(|n| n.has_tag_name("meta")) {
        if meta.attribute("name") == Some("dtb:depth")
            && let Some(attr) = meta.attributes().find(|a| a.name() == "content")
            && attr.value().parse::<usize>().is_ok_and(|d| d > depth)
        {
            edits.push((attr.range_value(), depth.to_string()));
        }
    }
    Ok(splice(text, edits))
}

/// Where the text starts: the landmarks' `bodymatter`, else the first spine
/// document after the front matter's (`None` when neither is known).
fn text_start(archive: &mut Archive<'_>, package: &Package) -> Result<Option<String>, String> {
    if let Some(nav) = package.nav() {
        let text = archive.text(&nav.path)?;
        let doc = xml::parse(&text).map_err(|e| format!("nav: {e}"))?;
        let start = doc
            .descendants()
            .filter(|n| n.has_tag_name("a"))
            .find(|n| xml::epub_types(n).contains(&"bodymatter"))
            .and_then(|n| n.attribute("href"));
        if let Some(start) = start {
            return Ok(Some(start.to_string()));
        }
    }
    Ok(package.spine_documents().next().map(|i| i.href.clone()))
}

/// The package with a `guide` reference of type `text` (added when missing).
pub fn with_text_reference(opf: &str, start: Option<&str>) -> Result<String, String> {
    let doc = xml::parse(opf)?;
    let has_text = doc
        .descendants()
        .filter(|n| n.has_tag_name("reference"))
        .any(|n| n.attribute("type") == Some("text"));
    let Some(start) = start.filter(|_| !has_text) else {
        return Ok(opf.to_string());
    };
    let reference = format!(
        "    <reference type=\"text\" title=\"Start\" href=\"{}\"/>\n",
        xml::escape_attr(start)
    );
    let edit = match doc.descendants().find(|n| n.has_tag_name("guide")) {
        Some(guide) => {
            let close = guide.range().end - "</guide>".len();
            if opf[..guide.range().end].ends_with("</guide>") {
                (close..close, reference)
            } else {
                // `<guide/>`.
                (guide.range(), format!("<guide>\n{reference}  </guide>"))
            }
        }
        None => {
            let close = opf.rfind("</package>").ok_or("no </package>")?;
            (close..close, format!("  <guide>\n{reference}  </guide>\n"))
        }
    };
    Ok(splice(opf, vec![edit]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_tocs_are_cut_to_two_levels() {
        let nav = "<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\"><body><nav epub:type=\"toc\"><ol><li><a href=\"a\">A</a><ol><li><a href=\"b\">B</a><ol><li><a href=\"c\">C</a></li></ol></li></ol></li></ol></nav><nav epub:type=\"landmarks\"><ol><li><ol><li><ol><li>x</li></ol></li></ol></li></ol></nav></body></html>";
        let cut = nav_within_depth(nav, 2).unwrap();
        assert!(cut.contains(">B</a></li>"), "{cut}");
        assert!(!cut.contains(">C<"), "{cut}");
        assert!(
            cut.contains("<li>x</li>"),
            "other navs keep their lists: {cut}"
        );
        let ncx = "<ncx><head><meta name=\"dtb:depth\" content=\"3\"/></head><navMap><navPoint id=\"a\"><navPoint id=\"b\"><navPoint id=\"c\"></navPoint></navPoint></navPoint></navMap></ncx>";
        let cut = ncx_within_depth(ncx, 2).unwrap();
        assert_eq!(
            cut,
            "<ncx><head><meta name=\"dtb:depth\" content=\"2\"/></head><navMap><navPoint id=\"a\"><navPoint id=\"b\"></navPoint></navPoint></navMap></ncx>"
        );
    }

    #[test]
    fn body_ids_go_and_links_to_them_point_at_the_file() {
        let doc = "<html><body id=\"top\"><p><a href=\"#top\">up</a> <a href=\"b.xhtml#top\">b</a> <a href=\"b.xhtml#x\">x</a></p></body></html>";
        let ids = vec![("a.xhtml".to_string(), "top".to_string())];
        let fixed = without_body_links(doc, "a.xhtml", &ids).unwrap();
        assert_eq!(
            fixed,
            "<html><body><p><a href=\"a.xhtml\">up</a> <a href=\"b.xhtml#top\">b</a> <a href=\"b.xhtml#x\">x</a></p></body></html>"
        );
    }

    #[test]
    fn image_only_pages_get_text() {
        let page =
            "<html><body><section><img src=\"a.jpg\" alt=\"A map\"/></section></body></html>";
        let fixed = with_text_on_image_pages(page).unwrap();
        assert!(
            fixed.contains("<p class=\"image-only-text\" aria-hidden=\"true\">&#160;</p>\n</body>"),
            "{fixed}"
        );
        let with_text = "<html><body><p>Words</p><img src=\"a.jpg\" alt=\"\"/></body></html>";
        assert_eq!(with_text_on_image_pages(with_text).unwrap(), with_text);
    }

    #[test]
    fn a_missing_text_reference_is_added() {
        let opf = "<package><guide>\n    <reference type=\"toc\" href=\"c.xhtml\"/>\n  </guide></package>";
        let fixed = with_text_reference(opf, Some("ch1.xhtml")).unwrap();
        assert!(
            fixed.contains(
                "<reference type=\"text\" title=\"Start\" href=\"ch1.xhtml\"/>\n</guide>"
            ),
            "{fixed}"
        );
        assert_eq!(
            with_text_reference(&fixed, Some("x")).unwrap(),
            fixed,
            "once"
        );
        let bare = with_text_reference("<package></package>", Some("a.xhtml")).unwrap();
        assert!(
            bare.contains("<guide>\n    <reference type=\"text\""),
            "{bare}"
        );
    }
}
