//! Parsing the source's XML (an EPUB's package and documents, a Word
//! file's parts) with roxmltree: the XHTML doctype allowed, HTML's named
//! entities (`&nbsp;`, `&mdash;`, which EPUB 2 files use with their DTD)
//! made characters first, and an error giving the file, line and column.

use crate::diag::Diagnostic;

/// The five entities XML itself knows.
const XML_ENTITIES: [&str; 5] = ["amp", "lt", "gt", "quot", "apos"];

/// The text with HTML's named entities written as characters and a bare
/// `&` escaped; an unknown name is kept as text (`&amp;name;`) and returned
/// for a warning.
pub fn expand_entities(text: &str) -> (String, Vec<String>) {
    if !text.contains('&') {
        return (text.to_string(), Vec::new());
    }
    let mut out = String::with_capacity(text.len());
    let mut unknown = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let name_len = after
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(after.len());
        let name = &after[..name_len];
        if name_len > 0 && after[name_len..].starts_with(';') && !XML_ENTITIES.contains(&name) {
            match super::entities::html_entity(name) {
                Some(c) => out.push(c),
                None => {
                    out.push_str("&amp;");
                    out.push_str(name);
                    out.push(';');
                    if !unknown.iter().any(|u| u == name) {
                        unknown.push(name.to_string());
                    }
                }
            }
            rest = &after[name_len + 1..];
        } else if after.starts_with('#') || (name_len > 0 && after[name_len..].starts_with(';')) {
            // A character reference, or one of XML's own five.
            out.push('&');
            rest = after;
        } else {
            // A bare ampersand, which XML does not allow and HTML reads as itself.
            out.push_str("&amp;");
            rest = after;
        }
    }
    out.push_str(rest);
    (out, unknown)
}

/// Parses an XML document; `file` names it in the error
/// (`book.epub/OEBPS/ch1.xhtml`).
pub fn parse<'a>(text: &'a str, file: &str) -> Result<roxmltree::Document<'a>, Diagnostic> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        nodes_limit: u32::MAX,
        ..roxmltree::ParsingOptions::default()
    };
    roxmltree::Document::parse_with_options(text, options).map_err(|e| {
        let pos = e.pos();
        Diagnostic::error(format!("{file} is not well-formed XML: {e}"))
            .at_file(file, pos.row, pos.col)
            .with_hint("the file is damaged; open it in the program that made it and export it again (for an EPUB, Calibre's “Check book” can repair it)")
    })
}

/// The line and column of a node in its document, for messages.
pub fn position(node: &roxmltree::Node<'_, '_>) -> (u32, u32) {
    let pos = node.document().text_pos_at(node.range().start);
    (pos.row, pos.col)
}

/// An element's text, as a reader sees it (all descendant text joined).
pub fn text_of(node: &roxmltree::Node<'_, '_>) -> String {
    node.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_entities_become_characters() {
        let (text, unknown) = expand_entities("a&nbsp;b &mdash; &amp; &lt; &#8212; &bogus; & c");
        assert_eq!(text, "a\u{a0}b — &amp; &lt; &#8212; &amp;bogus; &amp; c");
        assert_eq!(unknown, ["bogus"]);
    }

    #[test]
    fn a_broken_document_is_an_error_at_its_place() {
        let err = parse("<a>\n<b></a>", "book.epub/OEBPS/x.xhtml").unwrap_err();
        let location = err.location.unwrap();
        assert_eq!((location.line, location.column), (2, 4), "{}", err.message);
        assert!(
            err.message
                .starts_with("book.epub/OEBPS/x.xhtml is not well-formed XML")
        );
    }
}
