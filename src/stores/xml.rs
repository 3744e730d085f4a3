//! What the store transforms share for reading the EPUB's XML: parsing
//! (with the XHTML doctype allowed), splicing edits into the source text at
//! byte ranges (so everything not edited stays as written), the package's
//! manifest and spine, and the text-level fixes more than one store makes.

use std::ops::Range;

use super::archive::Archive;

/// Parses an XML document of the EPUB.
pub fn parse(text: &str) -> Result<roxmltree::Document<'_>, String> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    roxmltree::Document::parse_with_options(text, options).map_err(|e| e.to_string())
}

/// `text` with each range replaced; ranges must not overlap (they are sorted here).
pub fn splice(text: &str, mut edits: Vec<(Range<usize>, String)>) -> String {
    edits.sort_by_key(|(range, _)| (range.start, range.end));
    let extra: usize = edits.iter().map(|(_, s)| s.len()).sum();
    let mut out = String::with_capacity(text.len() + extra);
    let mut at = 0;
    for (range, replacement) in edits {
        if range.start < at {
            continue;
        }
        out.push_str(&text[at..range.start]);
        out.push_str(&replacement);
        at = range.end;
    }
    out.push_str(&text[at..]);
    out
}

/// An attribute value escaped for a double-quoted attribute.
pub fn escape_attr(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// An element's `epub:type` tokens.
pub fn epub_types<'a>(node: &roxmltree::Node<'a, '_>) -> Vec<&'a str> {
    node.attribute((EPUB_NS, "type"))
        .map(|t| t.split_whitespace().collect())
        .unwrap_or_default()
}

pub const EPUB_NS: &str = "http://www.idpf.org/2007/ops";

/// One manifest item.
#[derive(Debug, Clone)]
pub struct Item {
    pub id: String,
    /// Path inside the archive: `OEBPS/chapter-1.xhtml`.
    pub path: String,
    pub href: String,
    pub media_type: String,
    pub properties: Vec<String>,
}

/// The package document's manifest and spine.
#[derive(Debug, Clone)]
pub struct Package {
    /// `OEBPS/content.opf`.
    pub opf_path: String,
    pub items: Vec<Item>,
    /// Manifest ids in reading order.
    pub spine: Vec<String>,
}

impl Package {
    /// Reads the package named by `META-INF/container.xml`.
    pub fn read(archive: &mut Archive<'_>) -> Result<Package, String> {
        let container = archive.text("META-INF/container.xml")?;
        let doc = parse(&container).map_err(|e| format!("META-INF/container.xml: {e}"))?;
        let opf_path = doc
            .descendants()
            .find(|n| n.has_tag_name("rootfile"))
            .and_then(|n| n.attribute("full-path"))
            .ok_or("META-INF/container.xml names no package document")?
            .to_string();
        let opf = archive.text(&opf_path)?;
        let doc = parse(&opf).map_err(|e| format!("{opf_path}: {e}"))?;
        let dir = opf_path.rsplit_once('/').map_or("", |(d, _)| d);
        let items = doc
            .descendants()
            .filter(|n| n.has_tag_name("item"))
            .filter_map(|n| {
                let href = n.attribute("href")?;
                Some(Item {
                    id: n.attribute("id")?.to_string(),
                    path: if dir.is_empty() {
                        href.to_string()
                    } else {
                        format!("{dir}/{href}")
                    },
                    href: href.to_string(),
                    media_type: n.attribute("media-type").unwrap_or("").to_string(),
                    properties: n
                        .attribute("properties")
                        .unwrap_or("")
                        .split_whitespace()
                        .map(String::from)
                        .collect(),
                })
            })
            .collect();
        let spine = doc
            .descendants()
            .filter(|n| n.has_tag_name("itemref"))
            .filter_map(|n| n.attribute("idref").map(String::from))
            .collect();
        Ok(Package {
            opf_path,
            items,
            spine,
        })
    }

    /// XHTML documents in manifest order (the navigation document too).
    pub fn documents(&self) -> impl Iterator<Item = &Item> {
        self.items
            .iter()
            .filter(|i| i.media_type == "application/xhtml+xml")
    }

    /// Spine documents in reading order.
    pub fn spine_documents(&self) -> impl Iterator<Item = &Item> {
        self.spine
            .iter()
            .filter_map(|id| self.items.iter().find(|i| &i.id == id))
    }

    pub fn nav(&self) -> Option<&Item> {
        self.items
            .iter()
            .find(|i| i.properties.iter().any(|p| p == "nav"))
    }

    pub fn ncx(&self) -> Option<&Item> {
        self.items
            .iter()
            .find(|i| i.media_type == "application/x-dtbncx+xml")
    }

    pub fn stylesheets(&self) -> impl Iterator<Item = &Item> {
        self.items.iter().filter(|i| i.media_type == "text/css")
    }

    pub fn fonts(&self) -> impl Iterator<Item = &Item> {
        self.items.iter().filter(|i| is_font_type(&i.media_type))
    }
}

/// Media types of fonts (EPUB 3.3 core media types and their older names).
pub fn is_font_type(media_type: &str) -> bool {
    media_type.starts_with("font/")
        || matches!(
            media_type,
            "application/font-sfnt"
                | "application/font-woff"
                | "application/vnd.ms-opentype"
                | "application/x-font-ttf"
                | "application/x-font-otf"
        )
}

/// Soft hyphens and word joiners, as characters or references: they break
/// Kobo's dictionary look-up and Kindle's search (Standard Ebooks' builds
/// remove them for both).
pub fn without_invisible_marks(text: &str, word_joiners: bool) -> String {
    const MARKS: [(&str, bool); 9] = [
        ("\u{ad}", false),
        ("&shy;", false),
        ("&#173;", false),
        ("&#xad;", false),
        ("&#xAD;", false),
        ("\u{2060}", true),
        ("&#8288;", true),
        ("&#x2060;", true),
        ("\u{feff}", true),
    ];
    let mut text = std::borrow::Cow::Borrowed(text);
    for (mark, is_joiner) in MARKS {
        if (!is_joiner || word_joiners) && text.contains(mark) {
            text = text.replace(mark, "").into();
        }
    }
    text.into_owned()
}

/// The XML declaration, with its encoding: Kindle reads a document without
/// one as ISO-8859-1 (KDP error E999).
pub const XML_DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";

/// `text` starting with [`XML_DECLARATION`] (added, or replacing a declaration without an encoding).
pub fn with_xml_declaration(text: &str) -> String {
    let body = text.trim_start_matches('\u{feff}');
    if let Some(rest) = body.strip_prefix("<?xml") {
        let end = rest.find("?>").map_or(0, |e| e + 2);
        if rest[..end].contains("encoding") {
            return body.to_string();
        }
        return format!("{XML_DECLARATION}{}", &rest[end..]);
    }
    format!("{XML_DECLARATION}\n{body}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splices_in_order() {
        let text = "abcdef";
        assert_eq!(
            splice(
                text,
                vec![(4..5, "E".into()), (0..0, "<".into()), (1..3, "".into())]
            ),
            "<adEf"
        );
    }

    #[test]
    fn removes_invisible_marks() {
        assert_eq!(
            without_invisible_marks("hy\u{ad}phen&shy;ate", false),
            "hyphenate"
        );
        assert_eq!(without_invisible_marks("a\u{2060}b", false), "a\u{2060}b");
        assert_eq!(without_invisible_marks("a\u{2060}b&#8288;c", true), "abc");
    }

    #[test]
    fn declarations_get_their_encoding() {
        let with = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<html/>";
        assert_eq!(with_xml_declaration(with), with);
        assert_eq!(
            with_xml_declaration("<?xml version=\"1.0\"?>\n<html/>"),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<html/>"
        );
        assert_eq!(
            with_xml_declaration("<html/>"),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<html/>"
        );
    }
}
