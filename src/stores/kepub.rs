//! Kobo markup for the XHTML content documents of a `.kepub.epub`.
//!
//! Kobo's own reader only tracks reading position, highlights and statistics
//! well when every sentence sits in a `<span class="koboSpan" id="kobo.P.S">`
//! and the body content is wrapped in `div#book-columns > div#book-inner`
//! (the markup pgaskin/kepubify adds). [`kepub_document`] adds that markup by
//! inserting tags into the source text at byte positions found with
//! `roxmltree`, so everything it does not insert stays byte-identical.
//! [`span_report`] reads a document back so a checker can verify the result.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::ops::Range;

use roxmltree::{Document, Node, ParsingOptions};

const BOOK_COLUMNS_ID: &str = "book-columns";
const BOOK_INNER_ID: &str = "book-inner";
const BODY_WRAP_OPEN: &str = r#"<div id="book-columns"><div id="book-inner">"#;
const BODY_WRAP_CLOSE: &str = "</div></div>";
const KOBO_SPAN_CLASS: &str = "koboSpan";
const SPAN_CLOSE: &str = "</span>";

/// Transforms one XHTML content document for a kepub. Errors (a plain message) only when the input is not well-formed XML.
pub fn kepub_document(xhtml: &str) -> Result<String, String> {
    let document = parse(xhtml)?;
    let Some(body) = find_body(&document) else {
        return Ok(xhtml.to_owned());
    };
    let Some(tags) = BodyTags::locate(xhtml, body) else {
        return Ok(xhtml.to_owned());
    };

    let wrap_body = !has_body_wrapper(body);
    let mut edits = Vec::new();
    if wrap_body {
        match tags.self_closing_slash {
            // `<body …/>` has nowhere to put content, so it becomes `<body …>…</body>`.
            Some(slash) => edits.push(Edit {
                start: slash,
                end: tags.content.start,
                text: Cow::Owned(format!(
                    ">{BODY_WRAP_OPEN}{BODY_WRAP_CLOSE}</{}>",
                    tags.qualified_name
                )),
            }),
            None => edits.push(Edit::insert(tags.content.start, BODY_WRAP_OPEN)),
        }
    }

    let mut writer = SpanWriter::new(&document, xhtml, tags.content.clone());
    writer.wrap_body_content(body);
    edits.append(&mut writer.edits);

    if wrap_body && tags.self_closing_slash.is_none() {
        edits.push(Edit::insert(tags.content.end, BODY_WRAP_CLOSE));
    }

    // The edits are in document order by construction; if that ever failed,
    // returning the input untouched beats emitting broken markup.
    Ok(apply_edits(xhtml, &edits).unwrap_or_else(|| xhtml.to_owned()))
}

/// What a checker reads back from a kepub document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpanReport {
    /// koboSpan elements in the body.
    pub spans: usize,
    /// Ids used by more than one koboSpan (each listed once).
    pub duplicate_ids: Vec<String>,
    /// koboSpans that have a koboSpan ancestor.
    pub nested: usize,
    /// koboSpans whose id is not of the form kobo.N.M (N, M decimal).
    pub malformed_ids: usize,
    /// Non-whitespace text nodes in the body (outside head/style/script/svg/math) not inside any koboSpan.
    pub unwrapped_text: usize,
    /// <img> elements (outside svg/math) not inside a koboSpan.
    pub unwrapped_images: usize,
    /// Whether the body's only element child is div#book-columns whose only element child is div#book-inner.
    pub wrapped_body: bool,
}

/// Reads a (kepub) document back. Errors when not well-formed XML.
pub fn span_report(xhtml: &str) -> Result<SpanReport, String> {
    let document = parse(xhtml)?;
    let mut report = SpanReport::default();
    let Some(body) = find_body(&document) else {
        return Ok(report);
    };
    report.wrapped_body = only_element_child(body)
        .filter(|columns| is_div_with_id(*columns, BOOK_COLUMNS_ID))
        .and_then(only_element_child)
        .is_some_and(|inner| is_div_with_id(inner, BOOK_INNER_ID));

    let mut uses_per_id: HashMap<&str, usize> = HashMap::new();
    // An explicit stack instead of recursion: input nesting depth must not
    // be able to overflow the call stack.
    let mut stack = vec![(body, Context::default())];
    while let Some((node, context)) = stack.pop() {
        if node.is_text() {
            let blank = node.text().is_none_or(is_blank);
            if !blank && !context.in_kobo_span && !context.in_opaque {
                report.unwrapped_text += 1;
            }
            continue;
        }
        if !node.is_element() {
            continue;
        }
        let kobo_span = is_kobo_span(node);
        if kobo_span {
            report.spans += 1;
            if context.in_kobo_span {
                report.nested += 1;
            }
            match node.attribute("id") {
                Some(id) => {
                    if !is_kobo_id(id) {
                        report.malformed_ids += 1;
                    }
                    let uses = uses_per_id.entry(id).or_insert(0);
                    *uses += 1;
                    if *uses == 2 {
                        report.duplicate_ids.push(id.to_owned());
                    }
                }
                None => report.malformed_ids += 1,
            }
        } else if local_name(node) == "img" && !context.in_kobo_span && !context.in_opaque {
            report.unwrapped_images += 1;
        }
        let inner = Context {
            in_kobo_span: context.in_kobo_span || kobo_span,
            in_opaque: context.in_opaque || is_opaque(node),
        };
        stack.extend(node.children().rev().map(|child| (child, inner)));
    }
    Ok(report)
}

/// Where a node sits, as far as [`span_report`] cares.
#[derive(Debug, Clone, Copy, Default)]
struct Context {
    in_kobo_span: bool,
    in_opaque: bool,
}

fn parse(xhtml: &str) -> Result<Document<'_>, String> {
    let options = ParsingOptions {
        allow_dtd: true,
        ..ParsingOptions::default()
    };
    Document::parse_with_options(xhtml, options)
        .map_err(|error| format!("not well-formed XML: {error}"))
}

/// The first `body` element, if it lies in the document's own markup (an
/// element produced by a DTD entity has byte positions inside the DTD).
fn find_body<'a, 'input>(document: &'a Document<'input>) -> Option<Node<'a, 'input>> {
    let root = document.root_element().range();
    document
        .descendants()
        .find(|node| node.is_element() && local_name(*node) == "body")
        .filter(|body| {
            let range = body.range();
            root.start <= range.start && range.end <= root.end
        })
}

fn local_name<'input>(node: Node<'_, 'input>) -> &'input str {
    node.tag_name().name()
}

fn is_div_with_id(node: Node, id: &str) -> bool {
    node.is_element() && local_name(node) == "div" && node.attribute("id") == Some(id)
}

fn only_element_child<'a, 'input>(node: Node<'a, 'input>) -> Option<Node<'a, 'input>> {
    let mut elements = node.children().filter(Node::is_element);
    let first = elements.next()?;
    elements.next().is_none().then_some(first)
}

fn has_body_wrapper(body: Node) -> bool {
    body.children()
        .any(|child| is_div_with_id(child, BOOK_COLUMNS_ID))
}

fn is_kobo_span(node: Node) -> bool {
    node.is_element()
        && local_name(node) == "span"
        && node.attribute("class").is_some_and(|class| {
            class
                .split_ascii_whitespace()
                .any(|token| token == KOBO_SPAN_CLASS)
        })
}

/// Elements whose text is not reading text (or cannot hold a span).
fn is_opaque(node: Node) -> bool {
    matches!(local_name(node), "style" | "script" | "svg" | "math")
}

/// Elements that start a new paragraph number.
fn is_block(node: Node) -> bool {
    matches!(
        local_name(node),
        "p" | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "li"
            | "dt"
            | "dd"
            | "td"
            | "th"
            | "caption"
            | "figcaption"
            | "blockquote"
            | "pre"
            | "ol"
            | "ul"
            | "dl"
            | "table"
            | "div"
            | "section"
            | "aside"
            | "nav"
            | "header"
            | "footer"
            | "figure"
            | "hr"
    )
}

/// Whether `id` has the form `kobo.N.M` with N and M decimal.
fn is_kobo_id(id: &str) -> bool {
    let is_number = |part: &str| !part.is_empty() && part.bytes().all(|byte| byte.is_ascii_digit());
    id.strip_prefix("kobo.")
        .and_then(|rest| rest.split_once('.'))
        .is_some_and(|(paragraph, segment)| is_number(paragraph) && is_number(segment))
}

/// Whitespace-only, as kepubify judges it (Unicode whitespace).
fn is_blank(text: &str) -> bool {
    text.chars().all(char::is_whitespace)
}

/// One change to the source: replace `start..end` (empty for a plain insertion) with `text`.
#[derive(Debug)]
struct Edit {
    start: usize,
    end: usize,
    text: Cow<'static, str>,
}

impl Edit {
    fn insert(position: usize, text: &'static str) -> Self {
        Self {
            start: position,
            end: position,
            text: Cow::Borrowed(text),
        }
    }
}

/// Copies `source` once, applying `edits` (which must be ordered and not
/// overlap); `None` if they are not.
fn apply_edits(source: &str, edits: &[Edit]) -> Option<String> {
    let added: usize = edits.iter().map(|edit| edit.text.len()).sum();
    let mut output = String::with_capacity(source.len() + added);
    let mut copied_up_to = 0;
    for edit in edits {
        if edit.end < edit.start {
            return None;
        }
        output.push_str(source.get(copied_up_to..edit.start)?);
        output.push_str(&edit.text);
        copied_up_to = edit.end;
    }
    output.push_str(source.get(copied_up_to..)?);
    Some(output)
}

/// Byte positions of the body's tags in the source.
#[derive(Debug)]
struct BodyTags<'input> {
    /// The `body` name as written (it may carry a prefix).
    qualified_name: &'input str,
    /// Between the end of the start tag and the start of the end tag (empty
    /// and at the end of the tag for `<body/>`).
    content: Range<usize>,
    /// Position of the `/` in a self-closing `<body …/>`.
    self_closing_slash: Option<usize>,
}

impl<'input> BodyTags<'input> {
    fn locate(source: &'input str, body: Node) -> Option<Self> {
        let range = body.range();
        let start_tag_close = start_tag_close(source, range.start)?;
        let qualified_name = source
            .get(range.start + 1..start_tag_close)?
            .split(|c: char| c.is_ascii_whitespace() || c == '/')
            .next()
            .filter(|name| !name.is_empty())?;
        let content_start = start_tag_close + 1;
        let self_closing = source.as_bytes().get(start_tag_close.checked_sub(1)?) == Some(&b'/');
        if self_closing {
            return Some(Self {
                qualified_name,
                content: content_start..content_start,
                self_closing_slash: Some(start_tag_close - 1),
            });
        }
        let content_end = end_tag_start(source, body)?;
        (content_start <= content_end).then_some(Self {
            qualified_name,
            content: content_start..content_end,
            self_closing_slash: None,
        })
    }
}

/// Position of the `>` closing the start tag that begins at `tag_start`
/// (attribute values may contain `>`, so quotes are tracked).
fn start_tag_close(source: &str, tag_start: usize) -> Option<usize> {
    let mut quote = None;
    for (offset, &byte) in source.as_bytes().get(tag_start..)?.iter().enumerate() {
        match quote {
            Some(open) if byte == open => quote = None,
            Some(_) => {}
            None if byte == b'"' || byte == b'\'' => quote = Some(byte),
            None if byte == b'>' => return Some(tag_start + offset),
            None => {}
        }
    }
    None
}

/// Position of the `<` of an element's end tag: the last `<` in its range,
/// since `</name >` contains no other.
fn end_tag_start(source: &str, element: Node) -> Option<usize> {
    let range = element.range();
    let last_open = source.get(range.clone())?.rfind('<')?;
    (last_open > 0).then_some(range.start + last_open)
}

/// Collects the span insertions for the body, in document order.
struct SpanWriter<'a> {
    source: &'a str,
    /// Where insertions may go: inside the body's tags.
    content: Range<usize>,
    edits: Vec<Edit>,
    paragraph: usize,
    segment: usize,
    /// `kobo.*` ids already in the document, so new ones never collide.
    taken_ids: HashSet<&'a str>,
    /// End of the last span; a new one must not start before it.
    last_end: usize,
}

impl<'a> SpanWriter<'a> {
    fn new(document: &'a Document, source: &'a str, content: Range<usize>) -> Self {
        let taken_ids = document
            .descendants()
            .filter_map(|node| node.attribute("id"))
            .filter(|id| id.starts_with("kobo."))
            .collect();
        Self {
            source,
            last_end: content.start,
            content,
            edits: Vec::new(),
            paragraph: 0,
            segment: 1,
            taken_ids,
        }
    }

    fn wrap_body_content(&mut self, body: Node) {
        // Depth-first with an explicit stack, so deep input cannot overflow
        // the call stack; children of skipped elements are never pushed.
        let mut stack: Vec<Node> = body.children().rev().collect();
        while let Some(node) = stack.pop() {
            if node.is_text() {
                self.wrap_text(node);
                continue;
            }
            if !node.is_element() || is_opaque(node) || is_kobo_span(node) {
                continue;
            }
            if is_block(node) {
                self.paragraph += 1;
                self.segment = 1;
            }
            if local_name(node) == "img" {
                // The span holds the image alone; whatever an `img` might
                // contain stays out of further spans.
                let range = node.range();
                self.wrap(range.start, range.end);
                continue;
            }
            stack.extend(node.children().rev());
        }
    }

    fn wrap_text(&mut self, text: Node) {
        let start = text.range().start;
        let end = text_run_end(self.source, text);
        let Some(raw) = self.source.get(start..end) else {
            return;
        };
        if is_blank(raw) || !self.may_wrap(start, end) {
            return;
        }
        if raw.contains('<') {
            // A CDATA section is part of the run: splitting could land inside it.
            self.wrap(start, end);
            return;
        }
        for sentence in sentence_ranges(raw) {
            self.wrap(start + sentence.start, start + sentence.end);
        }
    }

    /// Whether `start..end` is inside the body and after every span so far
    /// (nodes expanded from DTD entities have positions elsewhere).
    fn may_wrap(&self, start: usize, end: usize) -> bool {
        self.last_end <= start && start <= end && end <= self.content.end
    }

    fn wrap(&mut self, start: usize, end: usize) {
        if !self.may_wrap(start, end) {
            return;
        }
        let id = self.next_id();
        self.edits.push(Edit {
            start,
            end: start,
            text: Cow::Owned(format!(r#"<span class="{KOBO_SPAN_CLASS}" id="{id}">"#)),
        });
        self.edits.push(Edit::insert(end, SPAN_CLOSE));
        self.last_end = end;
    }

    fn next_id(&mut self) -> String {
        loop {
            let id = format!("kobo.{}.{}", self.paragraph, self.segment);
            self.segment += 1;
            if !self.taken_ids.contains(id.as_str()) {
                return id;
            }
        }
    }
}

/// End of the source run of a text node. roxmltree merges text, references
/// and CDATA into one node but its range covers only the first piece; the run
/// really ends where the next sibling (or the parent's end tag) begins.
fn text_run_end(source: &str, text: Node) -> usize {
    let own_end = text.range().end;
    let following = match text.next_sibling() {
        Some(sibling) => Some(sibling.range().start),
        None => text
            .parent()
            .and_then(|parent| end_tag_start(source, parent)),
    };
    match following {
        Some(position) if position >= own_end => position,
        // Positions out of order come from entity expansions; stay with what is known.
        _ => own_end,
    }
}

/// Whitespace that can end a sentence: XML whitespace, as kepubify's `\s`
/// (a no-break space deliberately does not).
fn is_sentence_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

fn is_sentence_stop(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…' | '。' | '！' | '？')
}

fn is_closing_mark(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '’' | '»' | ')' | ']')
}

/// Splits raw text into sentences covering it completely: a sentence ends
/// after a stop, any closing marks, and the whitespace that follows. A new
/// sentence only starts at a non-whitespace character after such whitespace,
/// so no range is whitespace-only, and since `&…;` holds no whitespace no
/// boundary falls inside a reference.
fn sentence_ranges(raw: &str) -> Vec<Range<usize>> {
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum State {
        InSentence,
        AfterStop,
        AfterStopSpace,
    }
    let mut ranges = Vec::new();
    let mut sentence_start = 0;
    let mut state = State::InSentence;
    for (index, c) in raw.char_indices() {
        if state == State::AfterStopSpace && !is_sentence_space(c) {
            ranges.push(sentence_start..index);
            sentence_start = index;
            state = State::InSentence;
        }
        state = if is_sentence_stop(c) || (state == State::AfterStop && is_closing_mark(c)) {
            State::AfterStop
        } else if state != State::InSentence && is_sentence_space(c) {
            State::AfterStopSpace
        } else {
            State::InSentence
        };
    }
    ranges.push(sentence_start..raw.len());
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    const HEAD: &str = concat!(
        r#"<?xml version="1.0" encoding="UTF-8"?>"#,
        "\n<!DOCTYPE html>\n",
        r#"<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="en" xml:lang="en">"#,
        "\n<head>\n<title>The Title. Of It.</title>\n",
        "<style>p { margin: 0. 5em; } .sc { font-variant: small-caps; }</style>\n</head>\n",
    );

    fn document(body: &str) -> String {
        format!("{HEAD}{body}\n</html>\n")
    }

    fn typical_document() -> String {
        document(concat!(
            "<body epub:type=\"bodymatter\">\n",
            "<section id=\"ch1\">\n",
            "<h1>Chapter One</h1>\n",
            "<p>It was late. The road was long! Was it? Yes… it was.</p>\n",
            "<p>“Go.” She went. It was <em>very</em> far to <span class=\"sc\">Rome</span>.",
            "<sup><a epub:type=\"noteref\" role=\"doc-noteref\" id=\"ref-1\" href=\"#n1\">1</a></sup> Then home.</p>\n",
            "<span epub:type=\"pagebreak\" role=\"doc-pagebreak\" id=\"page-3\" aria-label=\"3\"/>\n",
            "<figure><img src=\"a.png\" alt=\"x\"/><figcaption>A map. Of sorts.</figcaption></figure>\n",
            "<pre>fn main() {\n    let x = 1;\n        println!(\"{x}\");\n}</pre>\n",
            "<p>Salt &amp; pepper &lt; gold. Done.</p>\n",
            "<table><caption>Prices.</caption><tr><th>Item</th><th>Cost</th></tr>",
            "<tr><td>Bread. Fresh.</td><td>2</td></tr></table>\n",
            "<ul><li>One.</li><li>Two. Three.</li></ul>\n",
            "</section>\n",
            "</body>",
        ))
    }

    /// Removes exactly what [`kepub_document`] inserts.
    fn strip_kobo_markup(kepub: &str) -> String {
        const SPAN_OPEN: &str = r#"<span class="koboSpan" id=""#;
        let mut rest = kepub.replacen(BODY_WRAP_OPEN, "", 1);
        if let Some(position) = rest.rfind(BODY_WRAP_CLOSE) {
            rest.replace_range(position..position + BODY_WRAP_CLOSE.len(), "");
        }
        let mut output = String::new();
        while let Some(open) = rest.find(SPAN_OPEN) {
            output.push_str(&rest[..open]);
            let after_open = &rest[open..];
            let tag_end = after_open.find('>').expect("span open tag ends") + 1;
            let inside = &after_open[tag_end..];
            let close = inside.find(SPAN_CLOSE).expect("span is closed");
            output.push_str(&inside[..close]);
            rest = inside[close + SPAN_CLOSE.len()..].to_owned();
        }
        output.push_str(&rest);
        output
    }

    fn assert_clean(report: &SpanReport) {
        assert!(report.spans > 0, "{report:?}");
        assert!(report.duplicate_ids.is_empty(), "{report:?}");
        assert_eq!(report.nested, 0, "{report:?}");
        assert_eq!(report.malformed_ids, 0, "{report:?}");
        assert_eq!(report.unwrapped_text, 0, "{report:?}");
        assert_eq!(report.unwrapped_images, 0, "{report:?}");
        assert!(report.wrapped_body, "{report:?}");
    }

    #[test]
    fn typical_document_is_fully_wrapped_and_otherwise_unchanged() {
        let input = typical_document();
        let output = kepub_document(&input).expect("transforms");
        assert!(span_report(&input).expect("parses").unwrapped_text > 0);
        assert_clean(&span_report(&output).expect("output parses"));
        assert_eq!(strip_kobo_markup(&output), input);
    }

    #[test]
    fn typical_document_details() {
        let output = kepub_document(&typical_document()).expect("transforms");
        // Curly-quoted sentence, then the rest; the span inside `em` and the
        // text after it are separate text nodes.
        assert!(output.contains(concat!(
            r#"<p><span class="koboSpan" id="kobo.4.1">“Go.” </span>"#,
            r#"<span class="koboSpan" id="kobo.4.2">She went. </span>"#,
            r#"<span class="koboSpan" id="kobo.4.3">It was </span><em><span class="koboSpan" id="kobo.4.4">very</span></em>"#,
        )));
        assert!(output.contains(
            r#"<span class="sc"><span class="koboSpan" id="kobo.4.6">Rome</span></span>"#
        ));
        assert!(
            output.contains(r##"href="#n1"><span class="koboSpan" id="kobo.4.8">1</span></a>"##)
        );
        assert!(output.contains(
            r#"<span epub:type="pagebreak" role="doc-pagebreak" id="page-3" aria-label="3"/>"#
        ));
        assert!(output.contains(
            r#"<figure><span class="koboSpan" id="kobo.5.1"><img src="a.png" alt="x"/></span><figcaption><span class="koboSpan" id="kobo.6.1">A map. </span>"#
        ));
        assert!(output.contains(concat!(
            r#"<pre><span class="koboSpan" id="kobo.7.1">fn main() {"#,
            "\n    let x = 1;\n        println!(\"{x}\");\n}</span></pre>"
        )));
        assert!(output.contains(concat!(
            r#"<p><span class="koboSpan" id="kobo.8.1">Salt &amp; pepper &lt; gold. </span>"#,
            r#"<span class="koboSpan" id="kobo.8.2">Done.</span></p>"#
        )));
        assert!(output.contains(r#"<td><span class="koboSpan" id="kobo.13.1">Bread. </span>"#));
        assert!(output.contains(concat!(
            "<body epub:type=\"bodymatter\"><div id=\"book-columns\"><div id=\"book-inner\">\n",
            "<section id=\"ch1\">"
        )));
        assert!(output.contains("</section>\n</div></div></body>"));
    }

    #[test]
    fn sentence_boundaries() {
        let output = kepub_document(&document("<body><p>One. Two! “Three?” Four</p></body>"))
            .expect("transforms");
        assert!(output.contains(concat!(
            r#"<p><span class="koboSpan" id="kobo.1.1">One. </span>"#,
            r#"<span class="koboSpan" id="kobo.1.2">Two! </span>"#,
            r#"<span class="koboSpan" id="kobo.1.3">“Three?” </span>"#,
            r#"<span class="koboSpan" id="kobo.1.4">Four</span></p>"#,
        )));
    }

    #[test]
    fn sentence_ranges_cover_the_text() {
        let split = |text: &'static str| -> Vec<&'static str> {
            sentence_ranges(text)
                .into_iter()
                .map(|range| &text[range])
                .collect()
        };
        assert_eq!(split("  Lead. Tail  "), ["  Lead. ", "Tail  "]);
        assert_eq!(split("End.  \n"), ["End.  \n"]);
        assert_eq!(
            split("Wait... what?! (Yes.) [No.]\tOk"),
            ["Wait... ", "what?! ", "(Yes.) ", "[No.]\t", "Ok"]
        );
        assert_eq!(
            split("He said 'hi.' Then «left.» Fin"),
            ["He said 'hi.' ", "Then «left.» ", "Fin"]
        );
        assert_eq!(
            split("雨。 晴！ 何？ 終"),
            ["雨。 ", "晴！ ", "何？ ", "終"]
        );
        assert_eq!(split("No stop here"), ["No stop here"]);
        assert_eq!(
            split("e.g.x and 3.5 and Mr.\u{a0}Smith"),
            ["e.g.x and 3.5 and Mr.\u{a0}Smith"]
        );
        assert_eq!(split("A. &amp; B.&#160;C"), ["A. ", "&amp; B.&#160;C"]);
    }

    #[test]
    fn transform_is_idempotent() {
        let once = kepub_document(&typical_document()).expect("transforms");
        let twice = kepub_document(&once).expect("transforms again");
        assert_eq!(twice, once);
    }

    #[test]
    fn head_and_style_are_untouched() {
        let body =
            "<body><p>Hi.</p><style>p { color: red; }</style><script>var a = 1. ;</script></body>";
        let output = kepub_document(&document(body)).expect("transforms");
        assert!(output.starts_with(HEAD));
        assert!(output.contains("<style>p { color: red; }</style><script>var a = 1. ;</script>"));
        assert_eq!(output.matches("koboSpan").count(), 1);
    }

    #[test]
    fn svg_and_math_are_untouched() {
        let body = concat!(
            "<body><svg xmlns=\"http://www.w3.org/2000/svg\"><text>Label.</text></svg>",
            "<math xmlns=\"http://www.w3.org/1998/Math/MathML\"><mi>x</mi></math></body>"
        );
        let input = document(body);
        let output = kepub_document(&input).expect("transforms");
        assert!(!output.contains("koboSpan"));
        assert_eq!(span_report(&output).expect("parses").unwrapped_text, 0);
    }

    #[test]
    fn malformed_xml_is_an_error() {
        assert!(kepub_document("<html><body><p>open</body></html>").is_err());
        assert!(kepub_document("").is_err());
        assert!(span_report("<html><body>&undefined;</body></html>").is_err());
    }

    #[test]
    fn report_finds_problems() {
        let bad = document(concat!(
            "<body><div id=\"book-columns\"><div id=\"book-inner\">",
            r#"<p><span class="koboSpan" id="kobo.1.1">A. <span class="koboSpan" id="kobo.1.2">B.</span></span>"#,
            r#"<span class="koboSpan" id="kobo.1.2">C.</span> loose text <span class="koboSpan" id="k1">D.</span>"#,
            r#"<span class="koboSpan">E.</span><img src="b.png" alt=""/></p>"#,
            "</div></div><p>outside</p></body>"
        ));
        let report = span_report(&bad).expect("parses");
        assert_eq!(
            report,
            SpanReport {
                spans: 5,
                duplicate_ids: vec!["kobo.1.2".to_owned()],
                nested: 1,
                malformed_ids: 2,
                unwrapped_text: 2,
                unwrapped_images: 1,
                wrapped_body: false,
            }
        );
    }

    #[test]
    fn self_closing_and_empty_bodies_get_the_divs() {
        let output = kepub_document(&document("<body class=\"x\" />")).expect("transforms");
        assert!(output.contains(
            r#"<body class="x" ><div id="book-columns"><div id="book-inner"></div></div></body>"#
        ));
        assert!(span_report(&output).expect("parses").wrapped_body);

        let output = kepub_document(&document("<body></body>")).expect("transforms");
        assert!(
            output.contains(
                r#"<body><div id="book-columns"><div id="book-inner"></div></div></body>"#
            )
        );
        assert_eq!(kepub_document(&output).expect("transforms again"), output);
    }

    #[test]
    fn text_directly_in_body_closes_before_the_divs() {
        let output =
            kepub_document("<html><body a=\"x>y\">Loose. Text</body></html>").expect("transforms");
        assert_eq!(
            output,
            concat!(
                r#"<html><body a="x>y"><div id="book-columns"><div id="book-inner">"#,
                r#"<span class="koboSpan" id="kobo.0.1">Loose. </span><span class="koboSpan" id="kobo.0.2">Text</span>"#,
                "</div></div></body></html>"
            )
        );
    }

    #[test]
    fn cdata_and_comments_stay_intact() {
        let input = "<html><body><p>Before. <![CDATA[a < b. c]]> after<!-- note. --> End. Fin</p></body></html>";
        let output = kepub_document(input).expect("transforms");
        assert_eq!(
            output,
            concat!(
                r#"<html><body><div id="book-columns"><div id="book-inner"><p>"#,
                r#"<span class="koboSpan" id="kobo.1.1">Before. <![CDATA[a < b. c]]> after</span><!-- note. -->"#,
                r#"<span class="koboSpan" id="kobo.1.2"> End. </span><span class="koboSpan" id="kobo.1.3">Fin</span>"#,
                "</p></div></div></body></html>"
            )
        );
        assert_clean(&span_report(&output).expect("parses"));
    }

    #[test]
    fn existing_spans_and_ids_are_respected() {
        let input = concat!(
            r#"<html><body><p id="kobo.1.1">Fresh. <span class="koboSpan" id="kobo.1.2">Old.</span></p>"#,
            r#"<p><span class="koboSpan" id="kobo.9.9"><img src="c.png"/></span></p></body></html>"#
        );
        let output = kepub_document(input).expect("transforms");
        assert!(output.contains(r#"<p id="kobo.1.1"><span class="koboSpan" id="kobo.1.3">Fresh. </span><span class="koboSpan" id="kobo.1.2">Old.</span></p>"#));
        assert!(
            output.contains(r#"<span class="koboSpan" id="kobo.9.9"><img src="c.png"/></span>"#)
        );
        let report = span_report(&output).expect("parses");
        assert_eq!(report.nested, 0);
        assert!(report.duplicate_ids.is_empty());
    }

    #[test]
    fn entity_expansions_do_not_break_the_output() {
        let input = concat!(
            r#"<!DOCTYPE html [<!ENTITY rich "<b>bold. text</b> tail"><!ENTITY plain "plain words">]>"#,
            "<html><body><p>a &rich; b. &plain; c</p><img src=\"d.png\"/></body></html>"
        );
        let output = kepub_document(input).expect("transforms");
        assert!(output.starts_with(r#"<!DOCTYPE html [<!ENTITY rich "<b>bold. text</b> tail">"#));
        let report = span_report(&output).expect("output parses");
        assert_eq!(report.nested, 0);
        assert_eq!(report.unwrapped_images, 0);
        assert_eq!(strip_kobo_markup(&output), input);
    }

    #[test]
    fn documents_without_body_are_unchanged() {
        let input = "<html><head><title>T.</title></head></html>";
        assert_eq!(kepub_document(input).expect("transforms"), input);
        assert_eq!(span_report(input).expect("parses"), SpanReport::default());
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let depth = 5_000;
        let input = format!(
            "<html><body>{}Deep.{}</body></html>",
            "<i>".repeat(depth),
            "</i>".repeat(depth)
        );
        match kepub_document(&input) {
            Ok(output) => assert_eq!(span_report(&output).map(|r| r.unwrapped_text), Ok(0)),
            Err(message) => assert!(!message.is_empty()),
        }
    }

    #[test]
    fn large_document_is_fast() {
        let paragraph =
            "<p>First sentence here. Second one &amp; more! “Third?” <em>Fourth</em> part.</p>\n";
        let input = document(&format!("<body>\n{}</body>", paragraph.repeat(5_000)));
        let started = Instant::now();
        let output = kepub_document(&input).expect("transforms");
        let elapsed = started.elapsed();
        eprintln!(
            "5,000 paragraphs ({} bytes) transformed in {elapsed:?}",
            input.len()
        );
        // Generous in debug builds, but still far below what quadratic work would take.
        let limit_ms = if cfg!(debug_assertions) { 2_000 } else { 100 };
        assert!(elapsed.as_millis() < limit_ms, "took {elapsed:?}");
        let report = span_report(&output).expect("output parses");
        assert_eq!(report.spans, 5_000 * 5);
        assert!(report.duplicate_ids.is_empty());
    }
}
