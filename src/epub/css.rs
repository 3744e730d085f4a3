//! The ebook's one stylesheet: fixed rules for the structure, then rules
//! made from the book's style ([`BookStyle`]) for every element the style
//! covers, so the EPUB follows the print edition's design. It styles
//! structure, not the reader's page: no font size, colour or margins on
//! `body` (Kindle and Apple Books let the reader choose those), relative
//! units only and nothing over 4 em, paragraph indents of 1.3 em (stores ask
//! for at most 4 em), no embedded fonts, and only CSS that Kindle and Apple
//! Books take (no flexbox, grid, `calc`, viewport units or positioning).
//! Verse lines hang: a line the reader's screen turns over continues 2 em
//! in; an indented line is in by an eighth of an em per space written, at
//! most 4 em in all.
//!
//! A drop cap is `::first-letter` alone (the word stays whole for screen
//! readers), inside `@supports`, so a reader that knows neither shows a
//! plain first letter: floated where `@supports` is known, and set with
//! `initial-letter` where that is (Apple Books, recent browsers); the block
//! after the opening paragraph clears it, so it never wraps around the
//! initial of a short first paragraph. Small
//! capitals in all caps (`AllSmallCaps`) are lower-cased small capitals, as
//! Kindle has no `font-variant-caps`; readers that have it are given
//! `all-small-caps` too.

use std::fmt::Write;

use super::{EmbedFace, FaceRole};
use crate::model::style::{BookStyle, Case, Face, Figures, TextAlign, TextStyle};

/// The largest size, margin or indent in the stylesheet, in em.
const MOST_EM: f64 = 4.0;
/// The smallest type size, in em.
const LEAST_SIZE: f64 = 0.5;

/// The `@font-face` rules of embedded faces and the families they set: the
/// book's face then its generic family on the body (`serif` or
/// `sans-serif`, as the face is drawn), the code face then `monospace` on
/// code. Never a fallback face in those lists: a reader without the book's
/// face must fall to its own serif, not set the whole book in the fallback.
/// The fallback supplies only what the book's faces lack: its rules come
/// first, under the book's family names, limited by `unicode-range` to the
/// characters it supplies (`supplied`, per face, in the order of `faces`).
/// A reader that composes a family from several faces (CSS Fonts 4) tries
/// the last rule, the book's own face, first and the fallback for the
/// characters it lacks; one that does not uses the last rule. Only
/// families: the reader keeps its own size.
pub fn font_faces(
    faces: &[EmbedFace<'_>],
    href: fn(&EmbedFace<'_>) -> String,
    supplied: &[std::collections::BTreeSet<char>],
) -> String {
    if faces.is_empty() {
        return String::new();
    }
    let quoted = |family: &str| format!("\"{}\"", family.replace(['"', '\\'], ""));
    let rule = |css: &mut String,
                family: &str,
                italic: bool,
                bold: bool,
                src: &str,
                range: Option<&str>| {
        let _ = write!(
            css,
            "@font-face {{\n  font-family: {};\n  font-style: {};\n  font-weight: {};\n  src: url(\"{}\");\n",
            quoted(family),
            if italic { "italic" } else { "normal" },
            if bold { "bold" } else { "normal" },
            src
        );
        if let Some(range) = range {
            let _ = writeln!(css, "  unicode-range: {range};");
        }
        css.push_str("}\n");
    };
    // The faces of the families the body and code are set in: (family, italic, bold).
    let mut styles: Vec<(&str, bool, bool)> = Vec::new();
    for face in faces.iter().filter(|f| f.role != FaceRole::Fallback) {
        let style = (face.family.as_str(), face.italic, face.bold);
        if !styles.contains(&style) {
            styles.push(style);
        }
    }
    let mut css = String::new();
    for (index, face) in faces.iter().enumerate() {
        if face.role != FaceRole::Fallback {
            continue;
        }
        let chars = supplied.get(index).cloned().unwrap_or_default();
        match unicode_range(&chars) {
            Some(range) => {
                for &(family, italic, bold) in &styles {
                    rule(&mut css, family, italic, bold, &href(face), Some(&range));
                }
            }
            // Nothing to supply: the face under its own name, in no list.
            None => rule(
                &mut css,
                &face.family,
                face.italic,
                face.bold,
                &href(face),
                None,
            ),
        }
    }
    for face in faces.iter().filter(|f| f.role != FaceRole::Fallback) {
        rule(
            &mut css,
            &face.family,
            face.italic,
            face.bold,
            &href(face),
            None,
        );
    }
    if let Some(text) = faces.iter().find(|f| f.role == FaceRole::Text) {
        let _ = write!(
            css,
            "body {{\n  font-family: {}, {};\n}}\n",
            quoted(&text.family),
            super::fonts::generic_family(text.bytes)
        );
    }
    if let Some(code) = faces.iter().find(|f| f.role == FaceRole::Code) {
        let _ = write!(
            css,
            "code, pre, kbd, samp {{\n  font-family: {}, monospace;\n}}\n",
            quoted(&code.family)
        );
    }
    css
}

/// `chars` as a CSS `unicode-range` value (`U+391-3A9, U+2190`), or `None`
/// when there are none.
fn unicode_range(chars: &std::collections::BTreeSet<char>) -> Option<String> {
    let mut runs: Vec<(u32, u32)> = Vec::new();
    for &c in chars {
        let c = u32::from(c);
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == c => *end = c,
            _ => runs.push((c, c)),
        }
    }
    (!runs.is_empty()).then(|| {
        runs.iter()
            .map(|&(start, end)| {
                if start == end {
                    format!("U+{start:X}")
                } else {
                    format!("U+{start:X}-{end:X}")
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    })
}

/// The stylesheet of a book in `style`, written as `stylesheet.css`.
pub fn stylesheet(style: &BookStyle) -> String {
    let mut css = String::with_capacity(STRUCTURE.len() + 6 * 1024);
    // The table's size is the style's, as print sets it.
    let table = size(style.proportions.table_size);
    css.push_str(&STRUCTURE.replace("TABLE_SIZEem", &table));
    let _ = writeln!(css, "/* The design: the {} style. */", clean(style.name));
    Design::new(style).write(&mut css);
    css
}

/// The rules for the fenced divs and page breaks a book uses (nothing for a
/// book without them): each class the style knows as the style sets it, its
/// letters on the div and its alignment on its paragraphs.
pub fn block_rules(book: &crate::model::Book) -> String {
    let mut classes: Vec<String> = Vec::new();
    let mut page_break = false;
    let mut definitions = false;
    for section in &book.sections {
        let notes = section.notes.iter().map(|n| &n.blocks);
        for blocks in std::iter::once(&section.blocks).chain(notes) {
            crate::model::walk_blocks(blocks, &mut |block| match &block.kind {
                crate::model::BlockKind::Div {
                    classes: written, ..
                } => {
                    for class in div_classes(written).split(' ') {
                        if book.style.class(class).is_some() && !classes.iter().any(|c| c == class)
                        {
                            classes.push(class.to_string());
                        }
                    }
                }
                crate::model::BlockKind::PageBreak => page_break = true,
                crate::model::BlockKind::Definitions(_) => definitions = true,
                _ => {}
            });
        }
    }
    let mut css = String::new();
    if page_break {
        push_rule(
            &mut css,
            "div.page-break",
            &vec![
                ("page-break-after", "always".into()),
                ("break-after", "page".into()),
            ],
        );
    }
    let design = Design::new(&book.style);
    if definitions {
        // The term as the style sets it, each definition under it at the hang.
        push_rule(&mut css, "dl", &vec![("margin", "1em 0".into())]);
        let term = &book.style.term;
        let mut dt = design.text(term, term.size);
        dt.extend([
            ("margin", "0.5em 0 0".into()),
            ("page-break-after", "avoid".into()),
            ("break-after", "avoid".into()),
        ]);
        push_rule(&mut css, "dt", &dt);
        push_rule(&mut css, "dd", &vec![("margin", "0 0 0 1.5em".into())]);
        push_rule(
            &mut css,
            "dd > p:first-child",
            &vec![("text-indent", "0".into())],
        );
    }
    classes.sort();
    for name in classes {
        let Some(class) = book.style.class(&name) else {
            continue;
        };
        let text = &class.text;
        let mut rule = design.letters(text, text.size);
        if class.indented {
            rule.push(("margin", "1em 1.5em".into()));
        }
        push_rule(&mut css, &format!("div.{name}"), &rule);
        let mut paragraphs = vec![("text-align", align(text.align).into())];
        if text.align != TextAlign::Justify {
            paragraphs.push(("text-indent", "0".into()));
        }
        push_rule(&mut css, &format!("div.{name} p"), &paragraphs);
        if text.face.is_italic() {
            push_rule(
                &mut css,
                &format!("div.{name} em"),
                &vec![("font-style", "normal".into())],
            );
        }
    }
    css
}

/// A div's classes as the EPUB writes them: each the style's name for it
/// (`centered` → `center`), safe in an attribute and a selector, in order,
/// once each.
pub fn div_classes(classes: &[String]) -> String {
    let mut names: Vec<&str> = Vec::new();
    for class in classes {
        let name = BookStyle::class_name(class);
        let safe = name.starts_with(|c: char| c.is_ascii_alphabetic())
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if safe && !names.contains(&name) {
            names.push(name);
        }
    }
    names.join(" ")
}

/// A style's name, safe inside a CSS comment.
fn clean(name: &str) -> String {
    name.replace("*/", "").replace(['\n', '\r'], " ")
}

/// A length in em: at most three decimals, `0` for nothing.
fn em(value: f64) -> String {
    let value = value.clamp(-MOST_EM, MOST_EM);
    let text = format!("{value:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    match text {
        "0" | "-0" => "0".to_string(),
        _ => format!("{text}em"),
    }
}

/// A type size (a multiple of the body size, or of the parent's) in em.
fn size(value: f64) -> String {
    em(if value.is_finite() {
        value.clamp(LEAST_SIZE, MOST_EM)
    } else {
        1.0
    })
}

/// One rule's declarations, in order.
type Declarations = Vec<(&'static str, String)>;

fn push_rule(css: &mut String, selectors: &str, declarations: &Declarations) {
    css.push_str(selectors);
    css.push_str(" {\n");
    for (property, value) in declarations {
        let _ = writeln!(css, "  {property}: {value};");
    }
    css.push_str("}\n");
}

/// Emphasis inside the `italic` elements is set upright, as print sets it.
fn upright_emphasis(css: &mut String, italic: &[&str]) {
    if !italic.is_empty() {
        let selectors: Vec<String> = italic.iter().map(|s| format!("{s} em")).collect();
        push_rule(
            css,
            &selectors.join(", "),
            &vec![("font-style", "normal".into())],
        );
    }
}

fn align(align: TextAlign) -> &'static str {
    match align {
        TextAlign::Left => "left",
        TextAlign::Center => "center",
        TextAlign::Right => "right",
        TextAlign::Justify => "justify",
    }
}

/// The rules made from one style.
struct Design<'s> {
    style: &'s BookStyle,
    /// `font-variant-numeric` of running text, when the style picks figures.
    figures: Option<&'static str>,
}

impl<'s> Design<'s> {
    fn new(style: &'s BookStyle) -> Self {
        let figures = match style.figures {
            Figures::Default => None,
            Figures::OldStyle => Some("oldstyle-nums"),
            Figures::Lining => Some("lining-nums"),
        };
        Design { style, figures }
    }

    /// How an element's letters are set: face, size (`size_em`, in em of
    /// the parent's size), letter-spacing and case. Every property is set,
    /// so nothing leaks in from an enclosing element (a label in a title).
    fn letters(&self, text: &TextStyle, size_em: f64) -> Declarations {
        let mut d: Declarations = vec![
            ("font-size", size(size_em)),
            (
                "font-style",
                if text.face.is_italic() {
                    "italic"
                } else {
                    "normal"
                }
                .into(),
            ),
            (
                "font-weight",
                if text.face.is_bold() {
                    "bold"
                } else {
                    "normal"
                }
                .into(),
            ),
            (
                "letter-spacing",
                if text.tracking.abs() < 0.0005 || !text.tracking.is_finite() {
                    "normal".into()
                } else {
                    em(text.tracking.clamp(-0.5, 0.5))
                },
            ),
            (
                "text-transform",
                match text.case {
                    Case::Upper => "uppercase",
                    Case::AllSmallCaps => "lowercase",
                    Case::AsWritten | Case::SmallCaps => "none",
                }
                .into(),
            ),
            (
                "font-variant",
                match text.case {
                    Case::SmallCaps | Case::AllSmallCaps => "small-caps",
                    Case::AsWritten | Case::Upper => "normal",
                }
                .into(),
            ),
        ];
        if text.case == Case::AllSmallCaps {
            d.push(("font-variant-caps", "all-small-caps".into()));
        }
        // `font-variant` resets the figures: set them again.
        if let Some(figures) = self.figures {
            d.push(("font-variant-numeric", figures.into()));
        }
        d
    }

    /// [`Self::letters`] and the element's alignment.
    fn text(&self, text: &TextStyle, size_em: f64) -> Declarations {
        let mut d = self.letters(text, size_em);
        d.push(("text-align", align(text.align).into()));
        d
    }

    /// The design's rules, in the order a later rule may rely on: each
    /// element the style covers, then upright emphasis inside the italic
    /// ones, small capitals and the drop cap.
    fn write(&self, css: &mut String) {
        // Emphasis in an italic element is upright, as in print: each step
        // names the italic elements it styled.
        let mut italic: Vec<&str> = Vec::new();
        self.running_figures(css);
        self.chapter_opening(css, &mut italic);
        self.book_title(css);
        self.headings(css, &mut italic);
        self.quotations(css, &mut italic);
        self.styled(
            css,
            &mut italic,
            "figcaption",
            &self.style.caption,
            &["figcaption"],
        );
        self.notes(css, &mut italic);
        upright_emphasis(css, &italic);
        self.small_caps(css);
        let drop_cap = self.style.opening.drop_cap;
        if matches!(drop_cap, 2 | 3) {
            self.drop_cap(css, drop_cap);
        }
    }

    /// `selector` set as `text` is, at its own size; `italic_selectors`
    /// noted when the face is italic.
    fn styled(
        &self,
        css: &mut String,
        italic: &mut Vec<&'static str>,
        selector: &str,
        text: &TextStyle,
        italic_selectors: &[&'static str],
    ) {
        push_rule(css, selector, &self.text(text, text.size));
        if text.face.is_italic() {
            italic.extend_from_slice(italic_selectors);
        }
    }

    /// Running text's figures, inherited from the section (never the body).
    fn running_figures(&self, css: &mut String) {
        if let Some(figures) = self.figures {
            push_rule(
                css,
                "section, nav",
                &vec![("font-variant-numeric", figures.into())],
            );
        }
    }

    /// The chapter title (every section's level-1 heading) below the sink,
    /// its label, and the rule under them when the style draws one.
    fn chapter_opening(&self, css: &mut String, italic: &mut Vec<&'static str>) {
        let opening = &self.style.opening;
        let title = &opening.title;
        let title_size = title.size.clamp(LEAST_SIZE, MOST_EM);
        let sink = em((opening.sink * 8.0).clamp(0.0, MOST_EM));
        let mut h1 = vec![("margin", format!("{sink} 0 1.5em"))];
        h1.extend(self.text(title, title_size));
        push_rule(css, "h1", &h1);
        if title.face.is_italic() {
            italic.push("h1");
        }
        self.chapter_label(css, italic, title_size, &sink);

        if opening.rule {
            push_rule(
                css,
                "section.chapter > h1,\nsection.front-matter > h1,\nsection.back-matter > h1,\nsection.chapter > p.chapter-label",
                &vec![
                    ("padding-bottom", "0.4em".into()),
                    ("border-bottom", "thin solid".into()),
                ],
            );
        }
    }

    /// The chapter label: inside the title (a line of its own, sized
    /// relative to the title's `title_size`), or alone below the `sink`.
    fn chapter_label(
        &self,
        css: &mut String,
        italic: &mut Vec<&'static str>,
        title_size: f64,
        sink: &str,
    ) {
        let label = &self.style.opening.label;
        let label_size = label.size.clamp(LEAST_SIZE, MOST_EM);
        push_rule(
            css,
            ".chapter-label",
            &vec![("display", "block".into()), ("margin", "0 0 0.5em".into())],
        );
        push_rule(
            css,
            "h1 .chapter-label",
            &self.text(label, label_size / title_size),
        );
        // A chapter whose heading was only its number: the label is the heading.
        push_rule(
            css,
            "h1 .chapter-number",
            &self.text(label, label_size / title_size),
        );
        let mut alone = vec![
            ("margin", format!("{sink} 0 1.5em")),
            ("text-indent", "0".into()),
            ("hyphens", "none".into()),
            ("-webkit-hyphens", "none".into()),
            ("page-break-after", "avoid".into()),
            ("break-after", "avoid".into()),
        ];
        alone.extend(self.text(label, label_size));
        push_rule(css, "p.chapter-label", &alone);
        if label.face.is_italic() {
            italic.extend([".chapter-label", ".chapter-number"]);
        }
    }

    /// The title page keeps its own, centred title, whatever the style.
    fn book_title(&self, css: &mut String) {
        let book_title = TextStyle {
            face: Face::Regular,
            size: 2.0,
            case: Case::AsWritten,
            tracking: 0.0,
            align: TextAlign::Center,
        };
        let mut book_title = self.text(&book_title, book_title.size);
        book_title.push(("margin", "3em 0 0.5em".into()));
        push_rule(css, "h1.book-title", &book_title);
    }

    /// Headings below the chapter title, section numbers and subtitles.
    fn headings(&self, css: &mut String, italic: &mut Vec<&'static str>) {
        let style = self.style;
        self.styled(css, italic, "h2", &style.heading, &["h2"]);
        self.styled(
            css,
            italic,
            "h3, h4, h5, h6",
            &style.subheading,
            &["h3", "h4", "h5", "h6"],
        );
        self.styled(
            css,
            italic,
            ".section-number",
            &style.section_number,
            &[".section-number"],
        );
        self.styled(
            css,
            italic,
            "section p.subtitle",
            &style.subtitle,
            &["p.subtitle"],
        );
    }

    /// Quotations and epigraphs: the letters on the quote (not again on one
    /// inside a quote or a note), the alignment on its paragraphs.
    fn quotations(&self, css: &mut String, italic: &mut Vec<&'static str>) {
        let quote = &self.style.block_quote;
        push_rule(css, "blockquote", &self.letters(quote, quote.size));
        push_rule(
            css,
            "blockquote blockquote, aside.note blockquote",
            &vec![("font-size", "1em".into())],
        );
        push_rule(
            css,
            "blockquote p",
            &vec![("text-align", align(quote.align).into())],
        );
        if quote.face.is_italic() {
            italic.push("blockquote");
        }
        let epigraph = &self.style.epigraph;
        push_rule(
            css,
            "section.epigraph blockquote, blockquote.epigraph",
            &self.letters(epigraph, epigraph.size),
        );
        push_rule(
            css,
            "section.epigraph blockquote p, blockquote.epigraph p",
            &vec![("text-align", align(epigraph.align).into())],
        );
        if epigraph.face.is_italic() {
            italic.extend(["section.epigraph blockquote", "blockquote.epigraph"]);
        }
    }

    /// Notes: their letters on the note, the alignment on its paragraphs.
    fn notes(&self, css: &mut String, italic: &mut Vec<&'static str>) {
        let note = &self.style.note;
        push_rule(css, "aside.note", &self.letters(note, note.size));
        push_rule(
            css,
            "aside.note p",
            &vec![("text-align", align(note.align).into())],
        );
        if note.face.is_italic() {
            italic.push("aside.note");
        }
    }

    /// Small capitals from the manuscript and the chapter's lead-in, and
    /// words written in capitals when the style sets them as small caps.
    fn small_caps(&self, css: &mut String) {
        let mut sc = vec![("font-variant", "small-caps".to_string())];
        if let Some(figures) = self.figures {
            sc.push(("font-variant-numeric", figures.into()));
        }
        push_rule(css, "span.sc", &sc);
        if self.style.capitals_as_small_caps {
            // Words written in capitals: a reader without all-small-caps keeps the capitals.
            push_rule(
                css,
                "span.caps",
                &vec![
                    ("font-variant-caps", "all-small-caps".to_string()),
                    ("letter-spacing", "0.02em".to_string()),
                ],
            );
        }
    }

    /// The opening paragraph's initial, `lines` deep. Floated, its box is
    /// `0.8 ×` its size high: 3.2 em wraps three lines and 2.24 em two at
    /// any line height from 1.1 to 1.5.
    fn drop_cap(&self, css: &mut String, lines: u8) {
        let initial = if lines >= 3 { 4.0 } else { 2.8 };
        let mut float = vec![
            ("float", "left".to_string()),
            ("font-size", size(initial)),
            ("line-height", "0.8".into()),
            ("margin", "0 0.08em 0 0".into()),
            ("font-style", "normal".into()),
            ("font-weight", "normal".into()),
            ("letter-spacing", "normal".into()),
            ("text-transform", "none".into()),
            ("font-variant", "normal".into()),
        ];
        if let Some(figures) = self.figures {
            float.push(("font-variant-numeric", figures.into()));
        }
        supports(css, "(float: left)", "p.opening::first-letter", &float);
        supports(
            css,
            &format!("(initial-letter: {lines}) or (-webkit-initial-letter: {lines})"),
            "p.opening::first-letter",
            &vec![
                ("float", "none".into()),
                ("font-size", "1em".into()),
                ("line-height", "inherit".into()),
                ("margin", "0 0.1em 0 0".into()),
                ("-webkit-initial-letter", lines.to_string()),
                ("initial-letter", lines.to_string()),
            ],
        );
        // A short opening paragraph (a line of dialogue) would leave the
        // initial hanging into the next block, whose first lines then wrap
        // around it. `clear` (CSS 2, so outside `@supports` and kept by every
        // store's converter) starts the next block below the initial, floated
        // or an `initial-letter` box, which `clear` clears as it clears floats.
        push_rule(css, "p.opening + *", &vec![("clear", "left".into())]);
    }
}

/// A rule that applies where the reader supports `condition`.
fn supports(css: &mut String, condition: &str, selectors: &str, declarations: &Declarations) {
    let mut inner = String::new();
    push_rule(&mut inner, selectors, declarations);
    let _ = writeln!(css, "@supports {condition} {{");
    for line in inner.lines() {
        let _ = writeln!(css, "  {line}");
    }
    css.push_str("}\n");
}

/// The rules every style shares: structure, spacing, lists, verse, code,
/// figures, tables, notes and the generated pages.
const STRUCTURE: &str = r#"/* quire: type size, colours and margins are the reader's. */
p {
  margin: 0;
  text-indent: 1.3em;
  text-align: justify;
  hyphens: auto;
  -webkit-hyphens: auto;
}
p.noindent,
li p,
blockquote p:first-child,
figcaption,
aside.note p {
  text-indent: 0;
}
h1, h2, h3, h4, h5, h6 {
  line-height: 1.2;
  text-indent: 0;
  hyphens: none;
  -webkit-hyphens: none;
  page-break-after: avoid;
  break-after: avoid;
}
h2 { margin: 1.5em 0 0.75em; }
h3 { margin: 1.25em 0 0.5em; }
h4, h5, h6 { margin: 1em 0 0.5em; }
blockquote {
  margin: 1em 1.5em;
}
ul, ol {
  margin: 1em 0;
  padding-left: 1.5em;
}
li ul, li ol {
  margin: 0;
}
div.stanza {
  margin: 1em 0;
}
div.stanza p.line {
  text-indent: -2em;
  margin: 0 0 0 2em;
  text-align: left;
  hyphens: none;
  -webkit-hyphens: none;
}
div.stanza p.indent-1 { margin-left: 2.125em; }
div.stanza p.indent-2 { margin-left: 2.25em; }
div.stanza p.indent-3 { margin-left: 2.375em; }
div.stanza p.indent-4 { margin-left: 2.5em; }
div.stanza p.indent-5 { margin-left: 2.625em; }
div.stanza p.indent-6 { margin-left: 2.75em; }
div.stanza p.indent-7 { margin-left: 2.875em; }
div.stanza p.indent-8 { margin-left: 3em; }
div.stanza p.indent-9 { margin-left: 3.125em; }
div.stanza p.indent-10 { margin-left: 3.25em; }
div.stanza p.indent-11 { margin-left: 3.375em; }
div.stanza p.indent-12 { margin-left: 3.5em; }
div.stanza p.indent-13 { margin-left: 3.625em; }
div.stanza p.indent-14 { margin-left: 3.75em; }
div.stanza p.indent-15 { margin-left: 3.875em; }
div.stanza p.indent-16 { margin-left: 4em; }
pre {
  margin: 1em 0;
  white-space: pre-wrap;
  text-align: left;
}
code {
  font-family: monospace;
  hyphens: none;
  -webkit-hyphens: none;
}
p.scene-break {
  margin: 1em 0;
  text-indent: 0;
  hyphens: none;
  -webkit-hyphens: none;
  page-break-inside: avoid;
  break-inside: avoid;
}
p.scene-break span {
  display: block;
  text-indent: 0;
  text-align: center;
}
figure {
  margin: 1.5em 0;
  text-align: center;
  page-break-inside: avoid;
  break-inside: avoid;
}
figure img {
  max-width: 100%;
  height: auto;
}
figcaption {
  margin-top: 0.5em;
}
sup, sub {
  font-size: 0.75em;
  line-height: 0;
}
sup { vertical-align: super; }
sub { vertical-align: sub; }
table {
  border-collapse: collapse;
  margin: 1.5em auto;
  border-top: medium solid;
  border-bottom: medium solid;
  font-size: TABLE_SIZEem;
  font-variant-numeric: tabular-nums lining-nums;
}
figure.table table { margin: 0 auto; }
thead th {
  border-bottom: thin solid;
  font-weight: normal;
  font-style: italic;
}
th, td {
  padding: 0.25em 0.6em;
  text-align: left;
  vertical-align: top;
  hyphens: none;
  -webkit-hyphens: none;
}
th.align-center, td.align-center { text-align: center; }
th.align-right, td.align-right { text-align: right; }
a[role="doc-noteref"] {
  text-decoration: none;
}
aside.note {
  margin: 0.5em 0;
}
aside.note:first-of-type {
  margin-top: 2em;
  border-top: thin solid;
  padding-top: 0.5em;
}
section.endnotes aside.note:first-of-type {
  margin-top: 0.5em;
  border-top: none;
  padding-top: 0;
}
section.endnotes h2 {
  font-size: 1em;
  margin: 1.5em 0 0.5em;
}
section.endnotes h2 a {
  text-decoration: none;
}
.half-title, .title-page, .copyright {
  text-align: center;
}
.half-title p, .title-page p, .copyright p {
  text-indent: 0;
  text-align: center;
}
.subtitle { margin: 0 0 2em; }
.author { font-size: 1.2em; margin: 2em 0; }
.publisher { margin: 3em 0 1em; }
.copyright { margin-top: 4em; }
.notice, .credit { font-size: 0.85em; margin: 0.75em 0; }
.copyright .publisher { font-size: 0.85em; margin: 1.5em 0 0; }
.dedication p, p.dedication {
  text-indent: 0;
  text-align: center;
  font-style: italic;
}
section.dedication, section.epigraph { margin-top: 4em; }
.epigraph p { text-indent: 0; }
p.attribution { text-align: right; margin-top: 0.5em; }
section.part h1 { margin-top: 4em; }
ol.toc {
  list-style: none;
  padding-left: 0;
}
ol.toc ol {
  list-style: none;
  padding-left: 1.5em;
}
ol.toc li {
  margin: 0.4em 0;
}
ol.toc a {
  text-decoration: none;
}
"#;

#[cfg(test)]
mod tests;
