//! Kobo markup for the XHTML documents of a `.kepub.epub`, as
//! pgaskin/kepubify makes it (`kepub/transform.go`), so that highlights and
//! reading positions a reader made in kepubify's conversion of the same
//! EPUB carry over:
//!
//! - `<style type="text/css" class="kobostylehacks">` at the end of the head;
//! - the body's content wrapped in `div#book-columns > div#book-inner`;
//! - every sentence and image in `<span class="koboSpan" id="kobo.P.S">`,
//!   numbered as kepubify numbers them: the paragraph number P advances at
//!   the first span after a `p`, `ol`, `ul`, `table` or `h1`–`h6` starts (not
//!   at `section`, `li`, `blockquote` or `figure`) and at each image; S
//!   counts within it. Sentences end after `.`, `!` or `?`, one closing mark
//!   (`'` `"` `”` `’` `“` `…`) and ASCII white space. Nothing inside `pre`,
//!   `script`, `style`, `audio`, `video`, `svg` or `math` is spanned, and
//!   white space between elements only directly inside a `p`. A document that
//!   already has a koboSpan gets none.
//!
//! One difference, on purpose: kepubify puts a koboSpan inside the book's
//! own `<span>`s (`<span class="sc"><span class="koboSpan">Rome</span></span>`),
//! and Kobo's reader (like Standard Ebooks' build, which works around it)
//! wants no span inside another. Here each koboSpan goes outside instead,
//! holding a copy of the spans (and the inline elements inside them) around
//! its text: `<span class="koboSpan" id="kobo.4.6"><span class="sc">Rome</span></span>`,
//! an id on the book's span kept on its first copy only. The ids, the texts
//! and the rest of the document are kepubify's.
//!
//! [`kepub_document`] makes its changes as insertions into the source text
//! at byte positions found with `roxmltree`, so everything it does not change
//! stays byte-identical. [`span_report`] reads a document back for the gate.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;

use roxmltree::{Document, Node, ParsingOptions};

const BOOK_COLUMNS_ID: &str = "book-columns";
const BOOK_INNER_ID: &str = "book-inner";
const BODY_WRAP_OPEN: &str = r#"<div id="book-columns"><div id="book-inner">"#;
const BODY_WRAP_CLOSE: &str = "</div></div>";
const KOBO_SPAN_CLASS: &str = "koboSpan";
const SPAN_CLOSE: &str = "</span>";
/// kepubify's style hacks, as it writes them (its own comment explains the
/// rule: Kobo's original overrode font sizes, link colours and margins).
pub const STYLE_HACKS: &str = r#"<style type="text/css" class="kobostylehacks">div#book-inner { margin-top: 0; margin-bottom: 0;}</style>"#;
const STYLE_HACKS_CLASS: &str = "kobostylehacks";

/// Transforms one XHTML document for a kepub. Errors (a plain message) only
/// when the input is not well-formed XML.
pub fn kepub_document(xhtml: &str) -> Result<String, String> {
    let document = parse(xhtml)?;
    let mut edits = Vec::new();
    if let Some(head) = find_element(&document, "head")
        && !head.children().any(is_style_hacks)
    {
        edits.extend(style_hacks_edit(xhtml, head));
    }
    let Some(body) = find_element(&document, "body") else {
        return Ok(apply_edits(xhtml, &edits).unwrap_or_else(|| xhtml.to_owned()));
    };
    let Some(tags) = BodyTags::locate(xhtml, body) else {
        return Ok(apply_edits(xhtml, &edits).unwrap_or_else(|| xhtml.to_owned()));
    };

    let wrap_body = !has_body_wrapper(body);
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

    // Like kepubify, a document that already has koboSpans keeps them as they are.
    if !body.descendants().any(is_kobo_span) {
        let mut writer = SpanWriter::new(xhtml, tags.content.clone());
        writer.walk(body);
        edits.append(&mut writer.edits);
    }

    if wrap_body && tags.self_closing_slash.is_none() {
        edits.push(Edit::insert(tags.content.end, BODY_WRAP_CLOSE));
    }

    // The edits are in document order by construction; if that ever failed,
    // returning the input untouched beats emitting broken markup.
    edits.sort_by_key(|edit| edit.start);
    Ok(apply_edits(xhtml, &edits).unwrap_or_else(|| xhtml.to_owned()))
}

/// The style hacks inserted at the end of `head`.
fn style_hacks_edit(source: &str, head: Node) -> Option<Edit> {
    let range = head.range();
    let close = start_tag_close(source, range.start)?;
    if source.as_bytes().get(close.checked_sub(1)?) == Some(&b'/') {
        // `<head/>`: opened and closed around the style.
        let name = qualified_name(source, range.start, close)?;
        return Some(Edit {
            start: close - 1,
            end: close + 1,
            text: Cow::Owned(format!(">{STYLE_HACKS}</{name}>")),
        });
    }
    Some(Edit {
        start: end_tag_start(source, head)?,
        end: end_tag_start(source, head)?,
        text: Cow::Borrowed(STYLE_HACKS),
    })
}

/// What a checker reads back from a kepub document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpanReport {
    /// koboSpan elements in the body.
    pub spans: usize,
    /// Ids used by more than one koboSpan (each listed once).
    pub duplicate_ids: Vec<String>,
    /// koboSpans inside another span, a koboSpan or the book's own.
    pub nested: usize,
    /// koboSpans whose id is not of the form kobo.N.M (N, M decimal).
    pub malformed_ids: usize,
    /// Non-whitespace text nodes in the body (outside `pre`, `script`,
    /// `style`, `audio`, `video`, `svg` and `math`) not inside any koboSpan.
    pub unwrapped_text: usize,
    /// `<img>` elements (outside svg/math) not inside a koboSpan.
    pub unwrapped_images: usize,
    /// koboSpans inside `pre`, `script`, `style`, `audio`, `video`, `svg`
    /// or `math`, which kepubify leaves as they are.
    pub spans_in_verbatim: usize,
    /// Whether the body's only element child is div#book-columns whose only element child is div#book-inner.
    pub wrapped_body: bool,
    /// Whether the head holds kepubify's `<style class="kobostylehacks">`.
    pub style_hacks: bool,
}

/// Reads a (kepub) document back. Errors when not well-formed XML.
pub fn span_report(xhtml: &str) -> Result<SpanReport, String> {
    let document = parse(xhtml)?;
    let mut report = SpanReport {
        style_hacks: find_element(&document, "head")
            .is_some_and(|head| head.children().any(is_style_hacks)),
        ..SpanReport::default()
    };
    let Some(body) = find_element(&document, "body") else {
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
            if !blank && !context.in_kobo_span && !context.in_verbatim {
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
            if context.in_span {
                report.nested += 1;
            }
            if context.in_verbatim {
                report.spans_in_verbatim += 1;
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
        } else if local_name(node) == "img" && !context.in_kobo_span && !context.in_verbatim {
            report.unwrapped_images += 1;
        }
        let inner = Context {
            in_kobo_span: context.in_kobo_span || kobo_span,
            in_span: context.in_span || local_name(node) == "span",
            in_verbatim: context.in_verbatim || is_verbatim(node),
        };
        stack.extend(node.children().rev().map(|child| (child, inner)));
    }
    Ok(report)
}

/// Where a node sits, as far as [`span_report`] cares.
#[derive(Debug, Clone, Copy, Default)]
struct Context {
    in_kobo_span: bool,
    /// Inside any `span` (a koboSpan or the book's own).
    in_span: bool,
    in_verbatim: bool,
}

fn parse(xhtml: &str) -> Result<Document<'_>, String> {
    let options = ParsingOptions {
        allow_dtd: true,
        ..ParsingOptions::default()
    };
    Document::parse_with_options(xhtml, options)
        .map_err(|error| format!("not well-formed XML: {error}"))
}

/// The first element named `name`, if it lies in the document's own markup
/// (an element produced by a DTD entity has byte positions inside the DTD).
fn find_element<'a, 'input>(
    document: &'a Document<'input>,
    name: &str,
) -> Option<Node<'a, 'input>> {
    let root = document.root_element().range();
    document
        .descendants()
        .find(|node| node.is_element() && local_name(*node) == name)
        .filter(|element| {
            let range = element.range();
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

/// kepubify's test: `div#book-columns` with a `div#book-inner` in it, directly in the body.
fn has_body_wrapper(body: Node) -> bool {
    body.children().any(|child| {
        is_div_with_id(child, BOOK_COLUMNS_ID)
            && child
                .children()
                .any(|inner| is_div_with_id(inner, BOOK_INNER_ID))
    })
}

fn has_class(node: Node, class: &str) -> bool {
    node.attribute("class")
        .is_some_and(|value| value.split_ascii_whitespace().any(|token| token == class))
}

fn is_kobo_span(node: Node) -> bool {
    node.is_element() && local_name(node) == "span" && has_class(node, KOBO_SPAN_CLASS)
}

fn is_style_hacks(node: Node) -> bool {
    node.is_element() && local_name(node) == "style" && has_class(node, STYLE_HACKS_CLASS)
}

/// Elements whose content kepubify leaves as it is.
fn is_verbatim(node: Node) -> bool {
    matches!(
        local_name(node),
        "pre" | "script" | "style" | "audio" | "video" | "svg" | "math"
    )
}

/// Elements after whose start the next span opens a new paragraph number.
fn starts_paragraph(node: Node) -> bool {
    matches!(
        local_name(node),
        "p" | "ol" | "ul" | "table" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6"
    )
}

/// Whether `id` has the form `kobo.N.M` with N and M decimal.
fn is_kobo_id(id: &str) -> bool {
    let is_number = |part: &str| !part.is_empty() && part.bytes().all(|byte| byte.is_ascii_digit());
    id.strip_prefix("kobo.")
        .and_then(|rest| rest.split_once('.'))
        .is_some_and(|(paragraph, segment)| is_number(paragraph) && is_number(segment))
}

/// White space only, as kepubify judges it (Unicode white space).
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
        if edit.end < edit.start || edit.start < copied_up_to {
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
        let qualified_name = qualified_name(source, range.start, start_tag_close)?;
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

/// The element name as written in the start tag at `tag_start`.
fn qualified_name(source: &str, tag_start: usize, tag_close: usize) -> Option<&str> {
    source
        .get(tag_start + 1..tag_close)?
        .split(|c: char| c.is_ascii_whitespace() || c == '/')
        .next()
        .filter(|name| !name.is_empty())
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

/// kepubify's counters: the paragraph, the segment in it, and whether the
/// next span opens a new paragraph.
#[derive(Debug, Default)]
struct Counters {
    paragraph: usize,
    segment: usize,
    next_opens_paragraph: bool,
}

impl Counters {
    /// The id of the next sentence's span.
    fn sentence(&mut self) -> String {
        if self.next_opens_paragraph {
            self.paragraph += 1;
            self.segment = 0;
            self.next_opens_paragraph = false;
        }
        self.segment += 1;
        format!("kobo.{}.{}", self.paragraph, self.segment)
    }

    /// The id of an image's span: an image always opens a paragraph.
    fn image(&mut self) -> String {
        self.paragraph += 1;
        self.segment = 1;
        self.next_opens_paragraph = false;
        format!("kobo.{}.{}", self.paragraph, self.segment)
    }
}

/// Collects the span insertions for the body, in document order.
struct SpanWriter<'a> {
    source: &'a str,
    /// Where insertions may go: inside the body's tags.
    content: Range<usize>,
    edits: Vec<Edit>,
    counters: Counters,
    /// End of the last edit; a new one must not start before it.
    last_end: usize,
}

/// A piece of the document inside one of the book's spans, as
/// [`SpanWriter::distribute`] walks it.
enum Step<'a, 'input> {
    Enter(Node<'a, 'input>),
    Leave,
}

impl<'a> SpanWriter<'a> {
    fn new(source: &'a str, content: Range<usize>) -> Self {
        Self {
            source,
            last_end: content.start,
            content,
            edits: Vec::new(),
            counters: Counters::default(),
        }
    }

    /// kepubify's walk: depth first, top to bottom.
    fn walk(&mut self, body: Node) {
        // An explicit stack, so deep input cannot overflow the call stack.
        let mut stack: Vec<Node> = body.children().rev().collect();
        while let Some(node) = stack.pop() {
            if node.is_text() {
                let under_p = node.parent().is_some_and(|p| local_name(p) == "p");
                self.wrap_text(node, under_p);
                continue;
            }
            if !node.is_element() || is_verbatim(node) {
                continue;
            }
            if local_name(node) == "img" {
                let range = node.range();
                if self.may_edit(range.start, range.end) {
                    let id = self.counters.image();
                    self.wrap(range.start, range.end, &id);
                }
                continue;
            }
            if starts_paragraph(node) {
                self.counters.next_opens_paragraph = true;
            }
            if local_name(node) == "span" && node.has_children() {
                self.distribute(node);
                continue;
            }
            stack.extend(node.children().rev());
        }
    }

    /// Wraps each sentence of a text node; white space alone only when the
    /// text is directly in a `p`.
    fn wrap_text(&mut self, text: Node, under_p: bool) {
        let start = text.range().start;
        let end = text_run_end(self.source, text);
        let Some(raw) = self.source.get(start..end) else {
            return;
        };
        if !self.may_edit(start, end) {
            return;
        }
        if raw.contains('<') {
            // A CDATA section is part of the run: splitting could land inside it.
            if !is_blank(&decoded(raw)) || under_p {
                let id = self.counters.sentence();
                self.wrap(start, end, &id);
            }
            return;
        }
        for sentence in sentences(raw) {
            let piece = &raw[sentence.clone()];
            if is_blank(&decoded(piece)) && !under_p {
                continue;
            }
            let id = self.counters.sentence();
            self.wrap(start + sentence.start, start + sentence.end, &id);
        }
    }

    /// Whether `start..end` is inside the body and after every edit so far
    /// (nodes expanded from DTD entities have positions elsewhere).
    fn may_edit(&self, start: usize, end: usize) -> bool {
        self.last_end <= start && start <= end && end <= self.content.end
    }

    fn wrap(&mut self, start: usize, end: usize, id: &str) {
        self.edits.push(Edit {
            start,
            end: start,
            text: Cow::Owned(format!(r#"<span class="{KOBO_SPAN_CLASS}" id="{id}">"#)),
        });
        self.edits.push(Edit::insert(end, SPAN_CLOSE));
        self.last_end = end;
    }

    /// The book's own span `span`, with each koboSpan inside it moved
    /// outside: every sentence (or image) becomes
    /// `<span class="koboSpan">` + copies of the elements around it up to
    /// `span` + the sentence + their end tags + `</span>`. Numbered as
    /// kepubify numbers the spans it would put inside. Left as it is when
    /// nothing in it is spanned.
    fn distribute(&mut self, span: Node) {
        let range = span.range();
        if !self.may_edit(range.start, range.end) {
            return;
        }
        let source = self.source;
        let mut out = String::with_capacity(range.len() * 2);
        let mut spanned = false;
        // The elements from `span` down to the current node, each with
        // whether its id (if any) was written yet.
        let mut chain: Vec<(Node, bool)> = Vec::new();
        let mut steps = vec![Step::Enter(span)];
        while let Some(step) = steps.pop() {
            let node = match step {
                Step::Leave => {
                    chain.pop();
                    continue;
                }
                Step::Enter(node) => node,
            };
            let piece = |node: Node| -> &str { source.get(node.range()).unwrap_or_default() };
            if node.is_text() {
                let start = node.range().start;
                let end = text_run_end(source, node);
                let raw = source.get(start..end).unwrap_or_default();
                // A CDATA section is part of the run: it stays one piece.
                let pieces: Vec<Range<usize>> = if raw.contains('<') {
                    std::iter::once(0..raw.len()).collect()
                } else {
                    sentences(raw)
                };
                for sentence in pieces {
                    let text = &raw[sentence];
                    // Never directly in a `p` here: white space stays as it is.
                    let id = (!is_blank(&decoded(text))).then(|| self.counters.sentence());
                    spanned |= id.is_some();
                    emit(&mut out, source, &mut chain, text, id.as_deref());
                }
                continue;
            }
            if !node.is_element() {
                emit(&mut out, source, &mut chain, piece(node), None);
                continue;
            }
            if local_name(node) == "img" {
                let id = self.counters.image();
                spanned = true;
                emit(&mut out, source, &mut chain, piece(node), Some(&id));
                continue;
            }
            if is_verbatim(node) || !node.has_children() {
                emit(&mut out, source, &mut chain, piece(node), None);
                continue;
            }
            if starts_paragraph(node) {
                self.counters.next_opens_paragraph = true;
            }
            chain.push((node, false));
            steps.push(Step::Leave);
            steps.extend(node.children().rev().map(Step::Enter));
        }
        if spanned {
            self.edits.push(Edit {
                start: range.start,
                end: range.end,
                text: Cow::Owned(out),
            });
            self.last_end = range.end;
        }
    }
}

/// Writes `piece` inside copies of the `chain`'s elements, and in a koboSpan
/// when it has an `id`. An element's `id` attribute goes on its first copy only.
fn emit(out: &mut String, source: &str, chain: &mut [(Node, bool)], piece: &str, id: Option<&str>) {
    if let Some(id) = id {
        out.push_str(&format!(r#"<span class="{KOBO_SPAN_CLASS}" id="{id}">"#));
    }
    for (element, id_written) in chain.iter_mut() {
        let start = element.range().start;
        let close = start_tag_close(source, start).unwrap_or(start);
        let tag = source.get(start..=close).unwrap_or_default();
        match element
            .attributes()
            .find(|a| a.name() == "id" && a.namespace().is_none())
        {
            Some(attribute) if *id_written => {
                // The attribute and the space before it, cut from the copy.
                let cut = attribute.range();
                let from = cut.start.saturating_sub(1).max(start) - start;
                let to = cut.end - start;
                out.push_str(tag.get(..from).unwrap_or_default());
                out.push_str(tag.get(to..).unwrap_or_default());
            }
            _ => out.push_str(tag),
        }
        *id_written = true;
    }
    out.push_str(piece);
    for (element, _) in chain.iter().rev() {
        let close = end_tag_start(source, *element)
            .and_then(|at| source.get(at..element.range().end))
            .unwrap_or_default();
        out.push_str(close);
    }
    if id.is_some() {
        out.push_str(SPAN_CLOSE);
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

/// One character of raw text and where it is written: a character, or a
/// character reference (`&amp;`, `&#8220;`) read as the one it stands for.
fn characters(raw: &str) -> impl Iterator<Item = (char, Range<usize>)> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        let rest = raw.get(at..)?;
        let c = rest.chars().next()?;
        let start = at;
        if c == '&'
            && let Some(end) = rest.find(';').filter(|&end| end <= 12)
            && let Some(decoded) = reference(&rest[1..end])
        {
            at += end + 1;
            return Some((decoded, start..at));
        }
        at += c.len_utf8();
        Some((c, start..at))
    })
}

/// The character an entity or character reference (without `&` and `;`) stands for.
fn reference(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let number = name.strip_prefix('#')?;
            let value = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(value)
        }
    }
}

/// Raw text as the characters it stands for.
fn decoded(raw: &str) -> String {
    characters(raw).map(|(c, _)| c).collect()
}

/// kepubify's sentence splitting (`splitSentences`) over raw text, as
/// ranges covering it completely: a sentence runs to a `.`, `!` or `?`,
/// any more of them, at most one closing mark, and the ASCII white space
/// after it; the next starts at the first character after that white space.
/// A run without a stop is one sentence.
fn sentences(raw: &str) -> Vec<Range<usize>> {
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum State {
        InSentence,
        AfterStop,
        AfterStopMark,
        AfterSpace,
    }
    let stop = |c: char| matches!(c, '.' | '!' | '?');
    let mark = |c: char| matches!(c, '\'' | '"' | '”' | '’' | '“' | '…');
    let space = |c: char| matches!(c, '\t' | '\n' | '\u{c}' | '\r' | ' ');
    let mut ranges = Vec::new();
    let mut sentence_start = 0;
    let mut state = State::InSentence;
    for (c, at) in characters(raw) {
        if state == State::AfterSpace && !space(c) {
            ranges.push(sentence_start..at.start);
            sentence_start = at.start;
        }
        state = match state {
            _ if stop(c) => State::AfterStop,
            State::AfterStop if mark(c) => State::AfterStopMark,
            State::AfterStop | State::AfterStopMark | State::AfterSpace if space(c) => {
                State::AfterSpace
            }
            _ => State::InSentence,
        };
    }
    if sentence_start < raw.len() || ranges.is_empty() {
        ranges.push(sentence_start..raw.len());
    }
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
        let mut rest = kepub
            .replacen(STYLE_HACKS, "", 1)
            .replacen(BODY_WRAP_OPEN, "", 1);
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
        assert_eq!(report.spans_in_verbatim, 0, "{report:?}");
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
        // kepubify's style hacks end the head.
        assert!(output.contains(&format!(
            ".sc {{ font-variant: small-caps; }}</style>\n{STYLE_HACKS}</head>"
        )));
        // A heading opens paragraph 1; the section before it does not.
        assert!(
            output.contains(r#"<h1><span class="koboSpan" id="kobo.1.1">Chapter One</span></h1>"#)
        );
        // An ellipsis is no stop: "Yes… it was." is one sentence.
        assert!(output.contains(concat!(
            r#"<span class="koboSpan" id="kobo.2.3">Was it? </span>"#,
            r#"<span class="koboSpan" id="kobo.2.4">Yes… it was.</span></p>"#
        )));
        // Curly-quoted sentence, then the rest; the span inside `em` and the
        // text after it are separate text nodes.
        assert!(output.contains(concat!(
            r#"<p><span class="koboSpan" id="kobo.3.1">“Go.” </span>"#,
            r#"<span class="koboSpan" id="kobo.3.2">She went. </span>"#,
            r#"<span class="koboSpan" id="kobo.3.3">It was </span><em><span class="koboSpan" id="kobo.3.4">very</span></em>"#,
        )));
        // The book's own span holds no koboSpan: the koboSpan holds a copy of it.
        assert!(output.contains(
            r#"<span class="koboSpan" id="kobo.3.6"><span class="sc">Rome</span></span><span class="koboSpan" id="kobo.3.7">.</span>"#
        ));
        assert!(
            output.contains(r##"href="#n1"><span class="koboSpan" id="kobo.3.8">1</span></a>"##)
        );
        assert!(output.contains(
            r#"<span epub:type="pagebreak" role="doc-pagebreak" id="page-3" aria-label="3"/>"#
        ));
        // An image opens a paragraph; a figcaption does not.
        assert!(output.contains(
            r#"<figure><span class="koboSpan" id="kobo.4.1"><img src="a.png" alt="x"/></span><figcaption><span class="koboSpan" id="kobo.4.2">A map. </span>"#
        ));
        // Code is left as it is.
        assert!(
            output
                .contains("<pre>fn main() {\n    let x = 1;\n        println!(\"{x}\");\n}</pre>")
        );
        assert!(output.contains(concat!(
            r#"<p><span class="koboSpan" id="kobo.5.1">Salt &amp; pepper &lt; gold. </span>"#,
            r#"<span class="koboSpan" id="kobo.5.2">Done.</span></p>"#
        )));
        // A table is one paragraph, its caption and cells in it; so is a list.
        assert!(output.contains(r#"<caption><span class="koboSpan" id="kobo.6.1">Prices.</span>"#));
        assert!(output.contains(r#"<td><span class="koboSpan" id="kobo.6.4">Bread. </span>"#));
        assert!(output.contains(concat!(
            r#"<li><span class="koboSpan" id="kobo.7.2">Two. </span>"#,
            r#"<span class="koboSpan" id="kobo.7.3">Three.</span></li>"#
        )));
        assert!(output.contains(concat!(
            "<body epub:type=\"bodymatter\"><div id=\"book-columns\"><div id=\"book-inner\">\n",
            "<section id=\"ch1\">"
        )));
        assert!(output.contains("</section>\n</div></div></body>"));
    }

    #[test]
    fn the_books_own_spans_are_copied_into_each_kobo_span() {
        let output = kepub_document(&document(concat!(
            "<body><p><span class=\"sc\" id=\"lead\">Call me <em>Ishmael</em>. Some</span> years.</p>",
            "<p>White <span class=\"x\"> </span>space.</p></body>"
        )))
        .expect("transforms");
        assert!(
            output.contains(concat!(
                r#"<p><span class="koboSpan" id="kobo.1.1"><span class="sc" id="lead">Call me </span></span>"#,
                r#"<span class="koboSpan" id="kobo.1.2"><span class="sc"><em>Ishmael</em></span></span>"#,
                r#"<span class="koboSpan" id="kobo.1.3"><span class="sc">. </span></span>"#,
                r#"<span class="koboSpan" id="kobo.1.4"><span class="sc">Some</span></span>"#,
                r#"<span class="koboSpan" id="kobo.1.5"> years.</span></p>"#,
            )),
            "{output}"
        );
        // A span of white space alone is left as it is (kepubify spans none of it).
        assert!(output.contains(r#"<span class="x"> </span>"#), "{output}");
        let report = span_report(&output).expect("parses");
        assert_clean(&report);
        assert_eq!(report.nested, 0);
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
            sentences(text)
                .into_iter()
                .map(|range| &text[range])
                .collect()
        };
        assert_eq!(split("  Lead. Tail  "), ["  Lead. ", "Tail  "]);
        assert_eq!(split("End.  \n"), ["End.  \n"]);
        // One closing mark after a stop, then white space: a bracket is no mark.
        assert_eq!(
            split("Wait... what?! (Yes.) [No.]\tOk"),
            ["Wait... ", "what?! ", "(Yes.) [No.]\tOk"]
        );
        assert_eq!(
            split("He said 'hi.' Then «left.» Fin"),
            ["He said 'hi.' ", "Then «left.» Fin"]
        );
        assert_eq!(
            split("“Go.”\u{2009}On. “Yes…” no"),
            ["“Go.”\u{2009}On. ", "“Yes…” no"]
        );
        // Only ASCII stops and ASCII white space end a sentence.
        assert_eq!(split("雨。 晴！ 何？ 終"), ["雨。 晴！ 何？ 終"]);
        assert_eq!(split("No stop here"), ["No stop here"]);
        assert_eq!(split(""), [""]);
        assert_eq!(
            split("e.g.x and 3.5 and Mr.\u{a0}Smith"),
            ["e.g.x and 3.5 and Mr.\u{a0}Smith"]
        );
        assert_eq!(split("A. &amp; B.&#160;C"), ["A. ", "&amp; B.&#160;C"]);
        assert_eq!(split("A.&#32;B"), ["A.&#32;", "B"]);
    }

    #[test]
    fn transform_is_idempotent() {
        let once = kepub_document(&typical_document()).expect("transforms");
        let twice = kepub_document(&once).expect("transforms again");
        assert_eq!(twice, once);
    }

    #[test]
    fn head_gains_the_style_hacks_and_style_in_the_body_is_untouched() {
        let body =
            "<body><p>Hi.</p><style>p { color: red; }</style><script>var a = 1. ;</script></body>";
        let output = kepub_document(&document(body)).expect("transforms");
        let head = HEAD.replace("</head>", &format!("{STYLE_HACKS}</head>"));
        assert!(output.starts_with(&head), "{output}");
        assert!(output.contains("<style>p { color: red; }</style><script>var a = 1. ;</script>"));
        assert_eq!(output.matches("koboSpan").count(), 1);
        assert!(span_report(&output).expect("parses").style_hacks);
        // `<head/>` is opened for them.
        let output =
            kepub_document("<html><head/><body><p>A.</p></body></html>").expect("transforms");
        assert!(
            output.starts_with(&format!("<html><head>{STYLE_HACKS}</head>")),
            "{output}"
        );
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
                spans_in_verbatim: 0,
                wrapped_body: false,
                style_hacks: false,
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
    fn a_document_with_kobo_spans_gets_no_more() {
        let input = concat!(
            r#"<html><body><p id="kobo.1.1">Fresh. <span class="koboSpan" id="kobo.1.2">Old.</span></p>"#,
            r#"<p><span class="koboSpan" id="kobo.9.9"><img src="c.png"/></span></p></body></html>"#
        );
        let output = kepub_document(input).expect("transforms");
        assert!(output.contains(
            r#"<p id="kobo.1.1">Fresh. <span class="koboSpan" id="kobo.1.2">Old.</span></p>"#
        ));
        assert_eq!(output.matches("koboSpan").count(), 2);
        assert!(span_report(&output).expect("parses").wrapped_body);
    }

    #[test]
    fn verbatim_text_and_spans_in_spans_are_reported() {
        let bad = document(concat!(
            "<body><div id=\"book-columns\"><div id=\"book-inner\">",
            r#"<pre><span class="koboSpan" id="kobo.1.1">code</span></pre>"#,
            r#"<p><span class="sc"><span class="koboSpan" id="kobo.2.1">Rome</span></span></p>"#,
            "</div></div></body>"
        ));
        let report = span_report(&bad).expect("parses");
        assert_eq!(report.spans_in_verbatim, 1);
        assert_eq!(report.nested, 1, "inside the book's own span");
        assert_eq!(report.unwrapped_text, 0);
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
    fn documents_without_body_only_gain_the_style_hacks() {
        let input = "<html><head><title>T.</title></head></html>";
        assert_eq!(
            kepub_document(input).expect("transforms"),
            format!("<html><head><title>T.</title>{STYLE_HACKS}</head></html>")
        );
        let report = span_report(input).expect("parses");
        assert_eq!(report, SpanReport::default());
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
