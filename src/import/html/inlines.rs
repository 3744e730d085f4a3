//! Inline elements made into the import tree's inlines: italic, bold,
//! small capitals, struck, raised and lowered text, links, note references,
//! from the elements and the book's CSS classes.

use super::*;

/// Wraps inline content in what a CSS look adds to it.
pub(super) fn wrap_look(content: Vec<Inline>, look: Look) -> Vec<Inline> {
    if content.is_empty() {
        return content;
    }
    let mut content = content;
    if look.small_caps {
        content = vec![Inline::SmallCaps(content)];
    }
    if look.strike {
        content = vec![Inline::Strike(content)];
    }
    if look.superscript {
        content = vec![Inline::Superscript(content)];
    }
    if look.subscript {
        content = vec![Inline::Subscript(content)];
    }
    if look.italic == Some(true) {
        content = vec![Inline::Emphasis(content)];
    }
    if look.bold == Some(true) {
        content = vec![Inline::Strong(content)];
    }
    normalize(content)
}

impl Converter<'_, '_, '_> {
    pub(super) fn inlines_of(&mut self, node: Node<'_, '_>) -> Vec<Inline> {
        let mut out = Vec::new();
        for child in node.children() {
            if self.consumed.contains(&(self.doc, child.id())) {
                continue;
            }
            if child.is_text() {
                out.push(Inline::Text(child.text().unwrap_or("").to_string()));
            } else if child.is_element() && !is_skipped(&child) {
                if is_block(&child) {
                    out.push(Inline::Text(" ".into()));
                    out.extend(self.inlines_of(child));
                    out.push(Inline::Text(" ".into()));
                } else {
                    self.inline(child, &mut out);
                }
            }
        }
        normalize(out)
    }

    /// An inline element's content, appended to `out`.
    pub(super) fn inline(&mut self, node: Node<'_, '_>, out: &mut Vec<Inline>) {
        if self.consumed.contains(&(self.doc, node.id())) || is_skipped(&node) {
            return;
        }
        if let Some(id) = node.attribute("id") {
            self.record(id);
        }
        let n = name(&node);
        let look = self.look(&node);
        if look.hidden {
            return;
        }
        let inline = match n {
            "br" => Some(Inline::LineBreak),
            "a" => {
                if let Some(&(t, body)) = self.note_of.get(&(self.doc, node.id())) {
                    let index = self.note(t, body);
                    out.push(Inline::Note(index));
                    return;
                }
                let content = self.inlines_of(node);
                match node.attribute("href") {
                    Some(href) if archive::is_external(href) => Some(Inline::Link {
                        target: Target::Web(href.trim().to_string()),
                        content,
                    }),
                    Some(href) => match archive::resolve(&self.docs[self.doc].path, href) {
                        Some(path) => Some(Inline::Link {
                            target: Target::Internal {
                                doc: path,
                                id: archive::fragment(href),
                            },
                            content,
                        }),
                        None => {
                            out.extend(content);
                            return;
                        }
                    },
                    None => {
                        out.extend(content);
                        return;
                    }
                }
            }
            "em" | "i" | "cite" | "dfn" | "var" | "u" => {
                Some(Inline::Emphasis(self.inlines_of(node)))
            }
            "strong" | "b" => Some(Inline::Strong(self.inlines_of(node))),
            "s" | "strike" | "del" => Some(Inline::Strike(self.inlines_of(node))),
            "sup" => Some(Inline::Superscript(self.inlines_of(node))),
            "sub" => Some(Inline::Subscript(self.inlines_of(node))),
            "code" | "kbd" | "samp" | "tt" => {
                Some(Inline::Code(crate::import::xml::text_of(&node)))
            }
            "q" => {
                let mut content = vec![Inline::Text("“".into())];
                content.extend(self.inlines_of(node));
                content.push(Inline::Text("”".into()));
                out.extend(content);
                return;
            }
            "img" | "image" => {
                // A picture in a line of text: its words are kept.
                let alt = node.attribute("alt").unwrap_or("").trim().to_string();
                let place = self.place(&node);
                self.report.warn(
                    if alt.is_empty() {
                        "a picture inside a line of text is not carried".to_string()
                    } else {
                        format!("a picture inside a line of text is not carried; its text “{alt}” is kept")
                    },
                    &place,
                    "quire sets pictures in paragraphs of their own: put it on a line of its own in the source, or leave it out",
                    0,
                );
                if !alt.is_empty() {
                    out.push(Inline::Text(alt));
                }
                return;
            }
            "svg" | "math" | "object" | "video" | "audio" | "iframe" | "canvas" | "embed" => {
                let text = crate::import::xml::text_of(&node);
                let place = self.place(&node);
                self.report.warn(
                    format!("a <{n}> element inside a line of text is not carried"),
                    &place,
                    "quire sets text, tables and pictures; give its content as text or as a picture",
                    count_words(&text),
                );
                return;
            }
            "span" | "small" | "big" | "font" | "abbr" | "acronym" | "time" | "mark" | "bdi"
            | "bdo" | "data" | "ins" | "label" | "ruby" | "wbr" | "nobr" => {
                // quire's own: the style's marks (capitals set as small caps).
                if has_class(&node, &["caps"]) {
                    out.extend(self.inlines_of(node));
                    return;
                }
                let small =
                    look.small_caps || has_class(&node, &["sc", "smallcaps", "small-caps", "smcp"]);
                let content = self.inlines_of(node);
                if small {
                    out.extend(wrap_look(
                        vec![Inline::SmallCaps(content)],
                        Look {
                            small_caps: false,
                            ..look
                        },
                    ));
                } else {
                    out.extend(wrap_look(content, look));
                }
                return;
            }
            _ if is_block(&node) => {
                out.push(Inline::Text(" ".into()));
                out.extend(self.inlines_of(node));
                out.push(Inline::Text(" ".into()));
                return;
            }
            _ => {
                let content = self.inlines_of(node);
                out.extend(wrap_look(content, look));
                return;
            }
        };
        if let Some(inline) = inline {
            // A class may add to what the element is (`<i class="bold">`).
            let look = Look {
                italic: look
                    .italic
                    .filter(|_| !matches!(n, "em" | "i" | "cite" | "dfn" | "var" | "u")),
                bold: look.bold.filter(|_| !matches!(n, "strong" | "b")),
                ..look
            };
            out.extend(wrap_look(vec![inline], look));
        }
    }
}
