//! Bracketed spans, `[Small Caps]{.smallcaps}` and `[ἀρετή]{lang=el}`, which
//! pulldown-cmark does not know: their brackets and attribute block arrive
//! as text events, paired here.

use super::*;

/// What follows a `]`.
#[derive(Debug, PartialEq)]
pub(super) enum SpanAttributes {
    /// Not an attribute block: the `]` is text.
    None,
    /// An attribute block `len` bytes long: whether it names a small-caps
    /// class (`.smallcaps`, `.sc`, `.small-caps`), the language it gives
    /// (`lang=el`), and what else it says, which is not used.
    Read {
        len: usize,
        small_caps: bool,
        lang: Option<String>,
        unused: Vec<String>,
    },
}

pub(super) fn is_small_caps_class(class: &str) -> bool {
    matches!(class, "smallcaps" | "sc" | "small-caps")
}

/// Reads the attribute block after a span's `]`: `{.smallcaps}`, `{ .sc }`,
/// `{.smallcaps #id}`, `{.other}`. A block is read only when it is plain
/// text to pulldown-cmark too (no emphasis, quotes or dashes inside), so the
/// text events it arrives as can be left out whole.
pub(super) fn span_attributes(after: &str) -> SpanAttributes {
    let Some(inside) = after.strip_prefix('{') else {
        return SpanAttributes::None;
    };
    let Some(end) = inside
        .find(['}', '\n', '{'])
        .filter(|&e| inside[e..].starts_with('}'))
    else {
        return SpanAttributes::None;
    };
    let inside = &inside[..end];
    let len = end + 2;
    let Some(attributes) = read_attributes(inside) else {
        return SpanAttributes::None;
    };
    // Read only when pulldown-cmark sees it as plain text (no emphasis, code
    // or link inside), so that leaving it out leaves nothing half-open.
    let plain = inside
        .chars()
        .all(|c| c.is_alphanumeric() || " .#-=:_\"'/,".contains(c))
        && !inside.contains("--")
        && !inside.contains("..");
    let small_caps = attributes.classes.iter().any(|c| is_small_caps_class(c));
    let mut unused: Vec<String> = attributes
        .classes
        .iter()
        .filter(|c| !is_small_caps_class(c))
        .map(|c| format!(".{c}"))
        .collect();
    unused.extend(attributes.id.iter().map(|id| format!("#{id}")));
    let mut lang = None;
    for (key, value) in attributes.pairs {
        match key.as_str() {
            "lang" | "xml:lang" if lang.is_none() => lang = Some(value),
            _ => unused.push(format!("{key}={value}")),
        }
    }
    if !plain {
        // Set as written, with the warning for attributes that are not used.
        return SpanAttributes::Read {
            len,
            small_caps: false,
            lang: None,
            unused: Vec::new(),
        };
    }
    SpanAttributes::Read {
        len,
        small_caps,
        lang,
        unused,
    }
}

impl Builder<'_> {
    /// A text event in inline content, where a bracketed span may open or
    /// close. pulldown-cmark has no spans: `[Small Caps]{.smallcaps}` arrives
    /// as the texts `[`, `Small Caps`, `]` and `{.smallcaps}` (with any
    /// emphasis inside as events of its own). A `[` is remembered in its
    /// frame; a `]` pairs with the frame's innermost one, as link brackets
    /// do, and makes the span when `{.smallcaps}` follows it in the source.
    pub(super) fn text(&mut self, mut text: String, mut range: std::ops::Range<usize>) {
        // The attribute block of a span just closed: read, not text (whole
        // events inside it go, whatever smart punctuation made of them).
        if self.skip_to >= range.end && range.start < range.end {
            return;
        }
        if self.skip_to > range.start {
            let cut = self.skip_to.min(range.end);
            if let Some(rest) = self
                .text
                .get(range.start..cut)
                .and_then(|written| text.strip_prefix(written))
            {
                text = rest.to_string();
                range.start = cut;
            }
            if text.is_empty() {
                return;
            }
        }
        let source = self.text.get(range.clone()).unwrap_or_default();
        let escaped = self.escaped(range.start);
        if !escaped && (text == "[" && source == "[" || text == "![" && source == "![") {
            let opens_span = text == "[" && !self.text[range.end..].starts_with('^');
            self.push_inline(Inline::Text(text), range.start);
            if let Some(Frame::Inlines {
                content, openers, ..
            }) = self.stack.last_mut()
            {
                let index = opens_span.then(|| content.len() - 1);
                openers.push(Opener { index });
            }
            return;
        }
        if escaped || !text.starts_with(']') || !source.starts_with(']') {
            return self.push_inline(Inline::Text(text), range.start);
        }
        let after = range.start + 1;
        let attributes = if self.heading_close == Some(range.start) {
            SpanAttributes::Read {
                len: 0,
                small_caps: true,
                lang: None,
                unused: Vec::new(),
            }
        } else {
            span_attributes(&self.text[after..])
        };
        let opener = match self.stack.last_mut() {
            Some(Frame::Inlines { openers, .. }) => openers.pop(),
            _ => None,
        };
        let SpanAttributes::Read {
            len,
            small_caps,
            lang,
            unused,
        } = attributes
        else {
            return self.push_inline(Inline::Text(text), range.start);
        };
        let written = if len == 0 {
            "{.smallcaps}".to_string()
        } else {
            self.text[after..after + len].to_string()
        };
        let index = match opener {
            Some(Opener { index: Some(index) }) => index,
            // `![` or `[^`: its `]` is not a span's.
            Some(Opener { index: None }) => {
                return self.push_inline(Inline::Text(text), range.start);
            }
            None if small_caps || lang.is_some() => {
                self.warn_at(
                    after,
                    format!("`]{written}` closes no `[` here; it is set as text"),
                    "a span's `[` and `]` must be in the same emphasis, link or heading: [*Small Caps*]{.smallcaps}",
                );
                return self.push_inline(Inline::Text(text), range.start);
            }
            None => return self.push_inline(Inline::Text(text), range.start),
        };
        if !small_caps && lang.is_none() {
            self.warn_at(
                after,
                format!("a span's classes and attributes (`{written}`) are not used; the span is set as written"),
                "a span is read for small capitals, [Small Caps]{.smallcaps}, and a language, [ἀρετή]{lang=el}; styling comes from book.toml",
            );
            return self.push_inline(Inline::Text(text), range.start);
        }
        // The language, checked against the IANA registry as book.toml's is.
        let lang = match lang {
            Some(tag) => match crate::config::check_language_tag(&tag) {
                Ok(()) => Some(tag),
                Err(why) => {
                    self.error_at(
                        after,
                        format!("`lang={tag}` is not a language tag: {why}"),
                        "write a BCP 47 tag, as in book.toml's `language`: [ἀρετή]{lang=el}, [Weltschmerz]{lang=de}, [mot]{lang=fr-CA}",
                    );
                    None
                }
            },
            None => None,
        };
        if let Some(Frame::Inlines { content, .. }) = self.stack.last_mut()
            && index < content.len()
        {
            let mut inner: Vec<Inline> = content.drain(index + 1..).collect();
            content.truncate(index);
            if !inner.is_empty() {
                if small_caps {
                    inner = vec![Inline::Marked {
                        mark: TextMark::SmallCaps,
                        content: merge_text(inner),
                    }];
                }
                match lang {
                    Some(tag) => content.push(Inline::Language {
                        tag,
                        content: merge_text(inner),
                    }),
                    None => content.extend(merge_text(inner)),
                }
            }
        }
        if !unused.is_empty() {
            self.warn_at(
                after,
                format!(
                    "a span's {} not used: `{}`",
                    if unused.len() == 1 {
                        "attribute is"
                    } else {
                        "attributes are"
                    },
                    unused.join(" ")
                ),
                "a span is read for small capitals, [Small Caps]{.smallcaps}, and a language, [ἀρετή]{lang=el}; styling comes from book.toml",
            );
        }
        self.skip_to = after + len;
        text.remove(0);
        if !text.is_empty() {
            self.text(text, after..range.end);
        }
    }
}
