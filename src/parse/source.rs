//! What pulldown-cmark's events do not say, read from the source text
//! itself: images whose paths have spaces, math, footnote references with
//! no definition, page-break commands, `: ` definition lines, comments and
//! wrapper tags in raw HTML, escapes.

use super::*;

/// `![alt](path with spaces "title")`, found in a paragraph's source.
#[derive(Debug, PartialEq)]
pub(super) struct SpacedImage<'t> {
    pub(super) alt: &'t str,
    pub(super) path: &'t str,
    pub(super) title: Option<String>,
    /// Its length in the source, from `!` to `)`.
    pub(super) len: usize,
}

/// The first `![alt](destination)` in `source` whose destination has a space
/// outside angle brackets (which CommonMark does not read as an image), with
/// its offset; not inside a code span.
pub(super) fn find_spaced_image(source: &str) -> Option<(usize, SpacedImage<'_>)> {
    let mut from = 0;
    // By its '!' (a byte search, where a two-byte pattern is a slow one: every paragraph asks).
    while let Some(found) = source[from..].find('!') {
        let at = from + found;
        from = at + 1;
        if source.as_bytes().get(at + 1) != Some(&b'[') {
            continue;
        }
        from = at + 2;
        // Inside a code span it is an example of Markdown, not an image.
        if source[..at].matches('`').count() % 2 == 1 {
            continue;
        }
        let rest = &source[at + 2..];
        let Some(close) = rest.find("](") else {
            continue;
        };
        let alt = &rest[..close];
        if alt.contains(['[', ']', '\n']) {
            continue;
        }
        let inner_start = close + 2;
        let Some(end) = rest[inner_start..].find(')') else {
            continue;
        };
        let inner = &rest[inner_start..inner_start + end];
        if inner.starts_with('<') || inner.contains(['(', '\n']) {
            continue;
        }
        let inner = inner.trim();
        // A title after the path: `"…"` or `'…'`.
        let (path, title) = match inner.strip_suffix(['"', '\'']) {
            Some(without) => {
                let quote = inner.as_bytes()[inner.len() - 1] as char;
                match without.rfind(quote) {
                    Some(open) if without[..open].ends_with(char::is_whitespace) => (
                        without[..open].trim_end(),
                        Some(without[open + 1..].to_string()),
                    ),
                    _ => (inner, None),
                }
            }
            None => (inner, None),
        };
        if !path.contains(char::is_whitespace) {
            continue;
        }
        let len = 2 + inner_start + end + 1;
        return Some((
            at,
            SpacedImage {
                alt,
                path,
                title,
                len,
            },
        ));
    }
    None
}

/// Whether a path names an image file by its extension.
pub(super) fn has_image_extension(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    [
        ".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".tif", ".tiff",
    ]
    .iter()
    .any(|e| lower.ends_with(e))
}

/// The math in a paragraph's source, as Pandoc reads it: `$$…$$`, and
/// `$…$` whose opening `$` has a non-space after it and whose closing `$`
/// has a non-space before it and no digit after it (so `$20,000 and
/// $30,000` is money); not inside a code span, not an escaped `\$`.
pub(super) fn math_spans(source: &str) -> Vec<std::ops::Range<usize>> {
    let mut spans = Vec::new();
    if !source.contains('$') {
        return spans;
    }
    let bytes = source.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'`' => {
                // Past a code span: a run of backticks to the same run.
                let run = bytes[i..].iter().take_while(|&&b| b == b'`').count();
                let ticks = &source[i..i + run];
                i = source[i + run..]
                    .find(ticks)
                    .map_or(i + run, |close| i + run + close + run);
            }
            b'$' if bytes.get(i + 1) == Some(&b'$') => match source[i + 2..].find("$$") {
                Some(close) if close > 0 => {
                    spans.push(i..i + 2 + close + 2);
                    i += close + 4;
                }
                _ => i += 2,
            },
            b'$' => {
                let opens = bytes.get(i + 1).is_some_and(|b| !b.is_ascii_whitespace());
                let close = opens
                    .then(|| {
                        let mut k = i + 1;
                        while k < bytes.len() {
                            match bytes[k] {
                                b'\\' => k += 2,
                                b'$' => {
                                    let spaced = bytes[k - 1].is_ascii_whitespace();
                                    let digit = bytes.get(k + 1).is_some_and(u8::is_ascii_digit);
                                    if !spaced && !digit && k > i + 1 {
                                        return Some(k);
                                    }
                                    k += 1;
                                }
                                // Inline math does not run across a blank line.
                                b'\n'
                                    if source[k + 1..]
                                        .trim_start_matches([' ', '\t', '>'])
                                        .starts_with('\n') =>
                                {
                                    return None;
                                }
                                _ => k += 1,
                            }
                        }
                        None
                    })
                    .flatten();
                match close {
                    Some(k) => {
                        spans.push(i..k + 1);
                        i = k + 1;
                    }
                    None => i += 1,
                }
            }
            _ => i += 1,
        }
    }
    spans
}

/// The small-caps classes a bracketed span may carry: Pandoc's and two
/// spellings authors reach for.
/// `<br>`, `<br/>`, `<br />` (any case).
pub(super) fn is_line_break_tag(html: &str) -> bool {
    let tag = html.trim().to_ascii_lowercase();
    matches!(tag.as_str(), "<br>" | "<br/>" | "<br />")
}

/// HTML made only of opening or closing wrapper tags that carry no content
/// of their own: `span`, `div`, `section` and the like, and anchors without
/// a link (`<a id="x">`, `</a>`).
pub(super) fn only_wrapper_tags(html: &str) -> bool {
    const WRAPPERS: [&str; 10] = [
        "span", "div", "section", "article", "aside", "header", "footer", "main", "nav", "a",
    ];
    let mut rest = html.trim();
    if rest.is_empty() {
        return false;
    }
    while !rest.is_empty() {
        let Some(tag) = rest.strip_prefix('<') else {
            return false;
        };
        let Some(end) = tag.find('>') else {
            return false;
        };
        let inside = &tag[..end];
        let closing = inside.starts_with('/');
        let name: String = inside
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if !WRAPPERS.contains(&name.as_str())
            || (name == "a" && !closing && inside.contains("href"))
        {
            return false;
        }
        rest = tag[end + 1..].trim_start();
    }
    true
}

pub(super) fn is_comment(html: &str) -> bool {
    let t = html.trim();
    t.starts_with("<!--") && t.ends_with("-->")
}

impl Builder<'_> {
    /// A paragraph that is an image whose path has spaces, `![A map](my
    /// map.png "Caption")`, as authors and exporters write it: CommonMark
    /// leaves it as text, but its meaning is plain, so it is set as the image
    /// (alt, index into `out.images`, caption). Such an image among other
    /// text is left as text, with a warning saying how to write it.
    pub(super) fn spaced_image(
        &mut self,
        range: std::ops::Range<usize>,
    ) -> Option<(u32, String, String)> {
        let source = &self.text[range.clone()];
        let (at, found) = find_spaced_image(source)?;
        let whole = source[..at].trim().is_empty() && source[at + found.len..].trim().is_empty();
        if !whole || !has_image_extension(found.path) {
            self.warn_at(
                range.start + at,
                format!(
                    "an image path with spaces is read as text: {}",
                    &source[at..at + found.len]
                ),
                "write the path in angle brackets, ![alt](<my map.png>), or with %20 for each space, ![alt](my%20map.png), in a paragraph of its own",
            );
            return None;
        }
        // The alt text read as Markdown (escapes, smart punctuation), as an image's is.
        let mut alt = String::new();
        for event in Parser::new_ext(found.alt, options()) {
            if let Event::Text(t) | Event::Code(t) = event {
                alt.push_str(&t);
            }
        }
        let index = self.out.images.len() as u32;
        let span = self.span(range.start + at..range.start + at + found.len);
        self.out.images.push(ImageRef {
            written: found.path.to_string(),
            span,
        });
        Some((index, alt, found.title.unwrap_or_default()))
    }

    /// Where a paragraph has a line starting `: ` (Pandoc's definition list).
    pub(super) fn definition_line(&self, range: std::ops::Range<usize>) -> Option<usize> {
        let source = self.text.get(range.clone())?;
        let mut at = range.start;
        for line in source.split_inclusive('\n') {
            let trimmed = line.trim_start();
            if trimmed.starts_with(": ") || trimmed.starts_with(":\t") {
                return Some(at + (line.len() - trimmed.len()));
            }
            at += line.len();
        }
        None
    }

    /// Counts the math in a paragraph's source, for the file's one warning.
    pub(super) fn count_math(&mut self, range: std::ops::Range<usize>) {
        let Some(source) = self.text.get(range.clone()) else {
            return;
        };
        let found = math_spans(source);
        if let Some(first) = found.first() {
            if self.math.0 == 0 {
                self.math.1 = range.start + first.start;
            }
            self.math.0 += found.len();
        }
    }

    /// Whether a paragraph is LaTeX's `\newpage` (or `\pagebreak`,
    /// `\clearpage`), as Pandoc users write a page break.
    pub(super) fn is_page_break(&self, range: std::ops::Range<usize>, content: &[Inline]) -> bool {
        let written = self.text.get(range).unwrap_or_default().trim();
        let command = matches!(written, "\\newpage" | "\\pagebreak" | "\\clearpage");
        command && plain_text(content).trim() == written
    }

    /// Records each `[^label]` in a run of text (not escaped) as a reference
    /// to a footnote this file does not define.
    pub(super) fn find_unmatched_notes(&mut self, run: Option<std::ops::Range<usize>>) {
        let Some(run) = run else { return };
        let Some(source) = self.text.get(run.clone()) else {
            return;
        };
        let mut from = 0;
        while let Some(found) = source[from..].find("[^") {
            let at = from + found;
            from = at + 2;
            let escaped = self.text[..run.start + at].ends_with('\\');
            let label_len = source[from..]
                .find(|c: char| c == ']' || c == '[' || c.is_whitespace())
                .filter(|&n| n > 0 && source[from + n..].starts_with(']'));
            if let (false, Some(n)) = (escaped, label_len) {
                let label = source[from..from + n].to_string();
                let span = self.span(run.start + at..run.start + from + n + 1);
                self.out.unmatched_notes.push((label, span));
                from += n + 1;
            }
        }
    }

    /// Leaves out a wrapper tag, as converters write them around text and as
    /// anchors; one warning per file says how many.
    pub(super) fn drop_wrapper(&mut self, at: usize) {
        if self.wrappers_dropped.0 == 0 {
            self.wrappers_dropped.1 = at;
        }
        self.wrappers_dropped.0 += 1;
    }

    /// The offset of the `]` that ends a heading's first line right before
    /// its attribute block (`## Chapter [One]{.sc}`), if it does.
    pub(super) fn heading_span_close(&self, start: usize) -> Option<usize> {
        let line_end = self.text[start..]
            .find('\n')
            .map_or(self.text.len(), |e| start + e);
        let line = self.text[start..line_end].trim_end();
        let open = line.strip_suffix('}')?.rfind('{')?;
        let close = start + line[..open].strip_suffix(']')?.len();
        (!self.escaped(close)).then_some(close)
    }

    /// Whether the character at `offset` is escaped with a backslash.
    pub(super) fn escaped(&self, offset: usize) -> bool {
        let before = &self.text.as_bytes()[..offset.min(self.text.len())];
        before.iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_image_paths_with_spaces() {
        let (at, found) =
            find_spaced_image("See ![A map](my map.png \"The voyage\") here").unwrap();
        assert_eq!(at, 4);
        assert_eq!(
            found,
            SpacedImage {
                alt: "A map",
                path: "my map.png",
                title: Some("The voyage".into()),
                len: 33,
            }
        );
        assert_eq!(find_spaced_image("![A map](<my map.png>)"), None);
        assert_eq!(find_spaced_image("![A map](map.png \"Title\")"), None);
        assert_eq!(find_spaced_image("![A map](my%20map.png)"), None);
        assert_eq!(find_spaced_image("Write `![A map](my map.png)` so."), None);
        // Exclamations before it, one right against it.
        let (at, found) = find_spaced_image("Ahoy! Ahoy!! !![A map](my map.png)").unwrap();
        assert_eq!((at, found.path), (14, "my map.png"));
        assert_eq!(find_spaced_image("Ahoy!"), None);
        assert!(has_image_extension("my map.JPG") && !has_image_extension("my notes.md"));
    }
}
