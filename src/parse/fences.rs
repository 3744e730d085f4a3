//! Fenced divs (`::: {.epigraph}` … `:::`), which pulldown-cmark does not
//! know: their fence lines are found and blanked before it reads the file,
//! and the divs opened and closed in order as its events pass them.

use super::*;

/// A fenced div's fence line (`::: {.epigraph}` opens one, `:::` closes it).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct DivFence {
    /// Offset of its first colon.
    pub(super) at: usize,
    /// Where its line ends (before the line break).
    pub(super) end: usize,
    /// An opening fence's attributes; `None` for a closing fence.
    pub(super) open: Option<Attributes>,
}

/// The fence lines of a file's fenced divs, outside code and HTML blocks,
/// and the text with those lines blanked (each byte a space, so offsets
/// hold) for pulldown-cmark; no copy when there are none.
pub(super) fn div_fences(text: &str) -> (Vec<DivFence>, Option<String>) {
    if !text.contains(":::") {
        return (Vec::new(), None);
    }
    let mut fences = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let prefix = body.len() - body.trim_start_matches([' ', '\t', '>']).len();
        let rest = &body[prefix..];
        if rest.starts_with(":::") {
            let colons = rest.len() - rest.trim_start_matches(':').len();
            let after = rest[colons..].trim();
            let fence = |open| DivFence {
                at: line_start + prefix,
                end: line_start + body.len(),
                open,
            };
            if after.is_empty() {
                fences.push(fence(None));
            } else {
                let written = after.trim_end_matches(':').trim_end();
                let attributes = match written.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
                    Some(inside) => read_attributes(inside),
                    // Pandoc's short form: `::: warning`, a class.
                    None if !written.contains(char::is_whitespace) => {
                        read_attributes(&format!(".{written}"))
                    }
                    None => None,
                };
                if let Some(attributes) = attributes {
                    fences.push(fence(Some(attributes)));
                }
            }
        }
        line_start += line.len();
    }
    if fences.is_empty() {
        return (Vec::new(), None);
    }
    // A fence line inside a code block or a raw HTML block is its text.
    let mut verbatim: Vec<std::ops::Range<usize>> = Vec::new();
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        if let Event::Start(Tag::CodeBlock(_) | Tag::HtmlBlock) = event {
            verbatim.push(range);
        }
    }
    fences.retain(|f| !verbatim.iter().any(|r| r.contains(&f.at)));
    if fences.is_empty() {
        return (Vec::new(), None);
    }
    let mut bytes = text.as_bytes().to_vec();
    for fence in &fences {
        bytes[fence.at..fence.end].fill(b' ');
    }
    // Whole characters were replaced by spaces: still UTF-8.
    let blanked = String::from_utf8(bytes).ok();
    (fences, blanked)
}

impl Builder<'_> {
    /// Opens and closes the fenced divs whose fence lines come before `position`.
    pub(super) fn act_on_fences(&mut self, position: usize) {
        while let Some(fence) = self.fences.get(self.next_fence).cloned() {
            if fence.at >= position {
                break;
            }
            self.next_fence += 1;
            self.close_implicit_paragraph(fence.at);
            match fence.open {
                Some(attributes) => {
                    let mut lang = None;
                    let mut unused: Vec<String> =
                        attributes.id.iter().map(|id| format!("#{id}")).collect();
                    for (key, value) in attributes.pairs {
                        match key.as_str() {
                            "lang" | "xml:lang" if lang.is_none() => {
                                match crate::config::check_language_tag(&value) {
                                    Ok(()) => lang = Some(value),
                                    Err(why) => self.error_at(
                                        fence.at,
                                        format!("`lang={value}` is not a language tag: {why}"),
                                        "write a BCP 47 tag, as in book.toml's `language`: ::: {lang=el}, ::: {lang=fr-CA}",
                                    ),
                                }
                            }
                            _ => unused.push(format!("{key}={value}")),
                        }
                    }
                    // An id alone is an anchor Pandoc writes for its own sections: no message.
                    if unused.iter().any(|u| !u.starts_with('#')) {
                        self.warn_at(
                            fence.at,
                            format!(
                                "a div's attributes other than its classes and `lang` are not used: `{}`",
                                unused.join(" ")
                            ),
                            "a div is set as the style sets its class (::: {.epigraph}); styling comes from book.toml",
                        );
                    }
                    self.enter_nesting(fence.at);
                    self.stack.push(Frame::Blocks {
                        container: Container::Div {
                            classes: attributes.classes,
                            lang,
                            at: fence.at,
                        },
                        blocks: Vec::new(),
                        start: fence.at,
                    });
                }
                None => {
                    if matches!(
                        self.stack.last(),
                        Some(Frame::Blocks {
                            container: Container::Div { .. },
                            ..
                        })
                    ) {
                        self.end(TagEnd::Paragraph, fence.at..fence.end);
                    } else if self.dissolved > 0 {
                        // The fence of a div left out around a chapter's heading.
                        self.dissolved -= 1;
                    } else {
                        self.warn_at(
                            fence.at,
                            "`:::` closes no div here; it is left out".into(),
                            "a fenced div opens with ::: {.class} and closes with ::: in the same quote or list item",
                        );
                    }
                }
            }
        }
    }

    /// Closes the divs still open at the end of a container (`what`): their
    /// closing fence is missing, or lies outside it.
    pub(super) fn close_unclosed_divs(&mut self, end: usize, what: &str) {
        while let Some(Frame::Blocks {
            container: Container::Div { at, .. },
            ..
        }) = self.stack.last()
        {
            let at = *at;
            self.close_implicit_paragraph(end);
            let line_end = self.text[at..]
                .find('\n')
                .map_or(self.text.len(), |e| at + e);
            let written = self.text[at..line_end].trim().to_string();
            self.warn_at(
                at,
                format!("`{written}` is not closed before the end of {what}; the div ends there"),
                "close a fenced div with a line of ::: in the same quote or list item",
            );
            self.end(TagEnd::Paragraph, end..end);
        }
    }

    /// Whether the innermost div being read is a verse div (`::: {.poem}`).
    pub(super) fn in_verse_div(&self) -> bool {
        self.stack.iter().rev().any(|frame| {
            matches!(frame, Frame::Blocks { container: Container::Div { classes, .. }, .. }
                if classes.iter().any(|c| crate::model::style::is_verse_class(c)))
        })
    }

    /// A level-1 heading opens a section of the book even inside fenced divs
    /// (Pandoc wraps chapters in `::: {.section}`): the divs around it are
    /// left out, their blocks kept, and their closing fences read as nothing.
    pub(super) fn dissolve_divs_around_heading(&mut self, at: usize) {
        let all_divs = self.stack.len() > 1
            && self.stack[1..].iter().all(|frame| {
                matches!(
                    frame,
                    Frame::Blocks {
                        container: Container::Div { .. },
                        ..
                    }
                )
            });
        if !all_divs {
            return;
        }
        while self.stack.len() > 1 {
            let Some(Frame::Blocks {
                container: Container::Div { classes, .. },
                blocks,
                ..
            }) = self.stack.pop()
            else {
                break;
            };
            self.depth -= 1;
            self.dissolved += 1;
            let styled: Vec<String> = classes
                .iter()
                .filter(|c| !crate::model::style::is_structural_class(c))
                .map(|c| format!(".{c}"))
                .collect();
            if !styled.is_empty() {
                self.warn_at(
                    at,
                    format!(
                        "a div around a level-1 heading is left out, with its class `{}`; the text inside is kept",
                        styled.join(" ")
                    ),
                    "a level-1 heading opens a section of the book: close the div before it, or use ## inside",
                );
            }
            if let Some(Frame::Blocks { blocks: outer, .. }) = self.stack.last_mut() {
                outer.extend(blocks);
            }
        }
    }
}
