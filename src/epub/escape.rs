//! Escaping for everything the EPUB writer puts into XML: text, attribute
//! values, element ids and link targets. Whatever the manuscript holds (raw
//! HTML, control characters, `javascript:` links), what comes out of here is
//! well-formed XML and a valid URL or nothing.

/// Characters XML 1.0 forbids (C0 controls but tab, LF, CR) and those HTML
/// forbids or discourages in text (DEL, C1 controls, noncharacters). Each
/// becomes U+FFFD, one character for one, so page offsets still line up.
fn is_forbidden(c: char) -> bool {
    let u = c as u32;
    (u < 0x20 && !matches!(c, '\t' | '\n' | '\r'))
        || (0x7f..=0x9f).contains(&u)
        || (0xfdd0..=0xfdef).contains(&u)
        || (u & 0xfffe) == 0xfffe
}

/// Appends `text` with `&`, `<` and `>` escaped.
pub fn push_text(out: &mut String, text: &str) {
    // Most text needs no escaping: copy runs between special characters.
    let mut start = 0;
    for (i, c) in text.char_indices() {
        let replacement = match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            c if is_forbidden(c) => "\u{fffd}",
            _ => continue,
        };
        out.push_str(&text[start..i]);
        out.push_str(replacement);
        start = i + c.len_utf8();
    }
    out.push_str(&text[start..]);
}

/// Appends one character, escaped as [`push_text`] does.
pub fn push_char(out: &mut String, c: char) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        c if is_forbidden(c) => out.push('\u{fffd}'),
        c => out.push(c),
    }
}

/// Appends an attribute value (for double-quoted attributes), escaping both
/// quote characters and keeping line breaks and tabs as references so that
/// attribute-value normalisation does not eat them.
pub fn push_attr(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if is_forbidden(c) => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
}

/// `text`, escaped for element content.
pub fn text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_text(&mut out, text);
    out
}

/// `value`, escaped for a double-quoted attribute.
pub fn attr(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    push_attr(&mut out, value);
    out
}

/// Text with forbidden characters replaced but nothing escaped, for strings
/// handed to epub-builder, which escapes them itself.
pub fn clean(text: &str) -> String {
    text.chars()
        .map(|c| if is_forbidden(c) { '\u{fffd}' } else { c })
        .collect()
}

/// An id made of characters that need no escaping in XML or in a URL
/// fragment: ASCII letters, digits, `-`, `_` and `.`; anything else becomes
/// `-`. Never empty.
pub fn id_safe(base: &str) -> String {
    let mut out: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    if out.is_empty() {
        out.push('x');
    }
    out
}

/// A link target the book may carry: an `http`, `https` or `mailto` URL,
/// with characters that are not allowed in a URL percent-encoded. `None` for
/// any other scheme (`javascript:`, `file:`, relative paths…) and for web
/// addresses without a plausible host, which are then set as plain text.
pub fn safe_url(url: &str) -> Option<String> {
    let url = url.trim();
    let colon = url.find(':')?;
    let scheme = url[..colon].to_ascii_lowercase();
    let rest = &url[colon + 1..];
    match scheme.as_str() {
        "http" | "https" => {
            let authority_and_path = rest.strip_prefix("//")?;
            let authority = authority_and_path
                .split(['/', '?', '#'])
                .next()
                .unwrap_or_default();
            let host_port = authority.rsplit('@').next().unwrap_or_default();
            let (host, port) = match host_port.rsplit_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (host_port, None),
            };
            let host_ok = !host.is_empty()
                && host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
                && !host.starts_with(['.', '-']);
            let port_ok =
                port.is_none_or(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
            if !host_ok || !port_ok {
                return None;
            }
        }
        "mailto" => {
            if rest.is_empty() {
                return None;
            }
        }
        _ => return None,
    }
    Some(format!("{scheme}:{}", encode_url_rest(rest)))
}

/// Percent-encodes what a URL may not hold literally (spaces, quotes, angle
/// brackets, non-ASCII, a second `#`, a `%` that starts no escape).
fn encode_url_rest(rest: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let bytes = rest.as_bytes();
    let mut out = String::with_capacity(rest.len());
    let mut seen_hash = false;
    for (i, &b) in bytes.iter().enumerate() {
        let keep = match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => true,
            b'-' | b'.' | b'_' | b'~' | b':' | b'/' | b'?' | b'@' | b'!' | b'$' | b'&' | b'\''
            | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'=' => true,
            b'#' if !seen_hash => {
                seen_hash = true;
                true
            }
            b'%' => {
                bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                    && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
            }
            _ => false,
        };
        if keep {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_text_and_attributes() {
        assert_eq!(text("a < b && c > d"), "a &lt; b &amp;&amp; c &gt; d");
        assert_eq!(text("]]>"), "]]&gt;");
        assert_eq!(
            text("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(
            attr("say \"hi\" & 'bye'"),
            "say &quot;hi&quot; &amp; &#39;bye&#39;"
        );
        assert_eq!(attr("a\nb"), "a&#10;b");
        let mut out = String::new();
        push_char(&mut out, '<');
        push_char(&mut out, 'é');
        assert_eq!(out, "&lt;é");
    }

    #[test]
    fn replaces_characters_xml_forbids_one_for_one() {
        assert_eq!(
            text("a\u{1}b\u{7f}c\u{fffe}"),
            "a\u{fffd}b\u{fffd}c\u{fffd}"
        );
        assert_eq!(text("tab\tnew\nline"), "tab\tnew\nline");
        assert_eq!(clean("x\u{0b}y").chars().count(), 3);
    }

    #[test]
    fn ids_are_plain_ascii() {
        assert_eq!(id_safe("page-iii"), "page-iii");
        assert_eq!(id_safe("a b/ü"), "a-b--");
        assert_eq!(id_safe(""), "x");
    }

    #[test]
    fn only_web_and_mail_links_survive() {
        assert_eq!(
            safe_url("https://example.com/a b?q=\"x\"&y=<z>").as_deref(),
            Some("https://example.com/a%20b?q=%22x%22&y=%3Cz%3E")
        );
        assert_eq!(
            safe_url("HTTP://Example.com").as_deref(),
            Some("http://Example.com")
        );
        assert_eq!(
            safe_url("mailto:a@b.org").as_deref(),
            Some("mailto:a@b.org")
        );
        assert_eq!(safe_url("javascript:alert(1)"), None);
        assert_eq!(safe_url("JavaScript:alert(1)"), None);
        assert_eq!(safe_url(" javascript:alert(1)"), None);
        assert_eq!(safe_url("data:text/html,<b>"), None);
        assert_eq!(safe_url("chapter-2.md"), None);
        assert_eq!(safe_url("http://"), None);
        assert_eq!(safe_url("http://exa mple.com/"), None);
        assert_eq!(safe_url("http:example.com"), None);
        assert_eq!(safe_url("https://example.com:80x/"), None);
        assert_eq!(
            safe_url("https://example.com/ü#a#b%zz").as_deref(),
            Some("https://example.com/%C3%BC#a%23b%25zz")
        );
    }
}
