//! What an element is, as its name, `epub:type`, `role` and classes say:
//! headings, blocks, containers, verse, note markers, scene breaks, and
//! what is left out.

use super::*;

/// The note markers books use: a number, a letter, a roman numeral or a
/// symbol, bracketed or not.
pub(super) fn is_marker(text: &str) -> bool {
    let t = text
        .trim()
        .trim_start_matches(['[', '('])
        .trim_end_matches(['.', ')', ']'])
        .trim();
    !t.is_empty()
        && t.chars().count() <= 5
        && (t.chars().all(|c| c.is_ascii_digit())
            || t.chars().all(|c| "*†‡§‖¶#".contains(c))
            || (t.chars().count() == 1 && t.chars().all(|c| c.is_alphabetic()))
            || t.chars().all(|c| "ivxlcIVXLC".contains(c)))
}

pub(super) fn name<'a>(node: &Node<'a, '_>) -> &'a str {
    node.tag_name().name()
}

pub(super) fn epub_types<'a>(node: &Node<'a, '_>) -> Vec<&'a str> {
    node.attribute((EPUB_NS, "type"))
        .or_else(|| node.attribute("epub:type"))
        .map(|t| t.split_whitespace().collect())
        .unwrap_or_default()
}

pub(super) fn has_type(node: &Node<'_, '_>, wanted: &[&str]) -> bool {
    epub_types(node).iter().any(|t| {
        let local = t.rsplit(':').next().unwrap_or(t);
        wanted.contains(t) || wanted.contains(&local)
    })
}

pub(super) fn classes<'a>(node: &Node<'a, '_>) -> &'a str {
    node.attribute("class").unwrap_or("")
}

pub(super) fn has_class(node: &Node<'_, '_>, wanted: &[&str]) -> bool {
    classes(node)
        .split_whitespace()
        .any(|c| wanted.iter().any(|w| c.eq_ignore_ascii_case(w)))
}

pub(super) fn role_is(node: &Node<'_, '_>, wanted: &[&str]) -> bool {
    node.attribute("role")
        .is_some_and(|r| r.split_whitespace().any(|r| wanted.contains(&r)))
}

pub(super) fn heading_level(node: &Node<'_, '_>) -> Option<u8> {
    match name(node) {
        "h1" => Some(1),
        "h2" => Some(2),
        "h3" => Some(3),
        "h4" => Some(4),
        "h5" => Some(5),
        "h6" => Some(6),
        _ => None,
    }
}

/// Elements whose content is not the book's text.
pub(super) fn is_skipped(node: &Node<'_, '_>) -> bool {
    matches!(
        name(node),
        "head"
            | "script"
            | "style"
            | "title"
            | "meta"
            | "link"
            | "template"
            | "noscript"
            | "rt"
            | "rp"
    ) || has_type(node, &["pagebreak"])
        || role_is(node, &["doc-pagebreak"])
}

/// Containers whose content is blocks or text.
pub(super) fn is_container(n: &str) -> bool {
    matches!(
        n,
        "body"
            | "section"
            | "article"
            | "main"
            | "div"
            | "header"
            | "footer"
            | "aside"
            | "nav"
            | "address"
            | "center"
            | "details"
            | "summary"
            | "hgroup"
            | "figure"
            | "fieldset"
    )
}

pub(super) fn is_block(node: &Node<'_, '_>) -> bool {
    let n = name(node);
    is_container(n)
        || heading_level(node).is_some()
        || matches!(
            n,
            "p" | "blockquote"
                | "ul"
                | "ol"
                | "menu"
                | "dir"
                | "dl"
                | "table"
                | "pre"
                | "hr"
                | "figcaption"
                | "li"
                | "dt"
                | "dd"
        )
}

/// A verse container: Standard Ebooks' `z3998:poem` and kin, classes
/// converters give poems, pandoc's line block, quire's stanza.
pub(super) fn is_verse(node: &Node<'_, '_>) -> bool {
    has_type(
        node,
        &[
            "z3998:poem",
            "z3998:verse",
            "z3998:song",
            "z3998:hymn",
            "z3998:lyrics",
        ],
    ) || has_class(
        node,
        &[
            "poem",
            "verse",
            "poetry",
            "stanza",
            "line-block",
            "linegroup",
            "lg",
            "song",
        ],
    )
}

/// Text that stands for a scene break when it is a paragraph's all: `*`,
/// `* * *`, `#`, `⁂`, `❧`, `~`, `• • •`, `§`.
pub fn is_scene_break_text(text: &str) -> bool {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    !t.is_empty()
        && t.chars().count() <= 12
        && t.chars().all(|c| {
            "*#~•·⁂❧☙❦✻✽✱✶❖◆◇○●□■†§⸻—–-=_+.".contains(c)
                || matches!(c, '\u{2700}'..='\u{27BF}' | '\u{2600}'..='\u{26FF}')
        })
        && !t.chars().all(|c| c == '.')
        && !t.chars().all(|c| matches!(c, '—' | '–' | '-' | '⸻'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_and_scene_breaks() {
        for m in ["1", "[12]", "(3)", "*", "†", "a", "iv", "12."] {
            assert!(is_marker(m), "{m}");
        }
        for m in ["12345678", "note", "Chapter"] {
            assert!(!is_marker(m), "{m}");
        }
        for s in ["*", "* * *", "#", "⁂", "❧", "• • •", "~"] {
            assert!(is_scene_break_text(s), "{s}");
        }
        for s in ["...", "—", "A", "1"] {
            assert!(!is_scene_break_text(s), "{s}");
        }
    }
}
