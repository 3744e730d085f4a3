//! `style` in book.toml: a style's name (`style = "classic"`), or a table
//! naming the style it starts from (`base`) with overrides, element by
//! element. Resolved here, once, into the model's [`BookStyle`], with
//! file:line:col errors for an unknown style, key or value.

use std::ops::Range;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use toml::Spanned;

use crate::diag::Diagnostic;
use crate::model::style::{
    BookStyle, Case, ClassStyle, Face, Figures, Glossary, LabelForm, LeadIn, NumberMode,
    SceneBreak, TextAlign, TextStyle,
};

/// `style = "…"` or `[style]`.
#[derive(Debug)]
pub(super) enum StyleToml {
    Name(String),
    Table(Box<StyleTable>),
}

impl<'de> Deserialize<'de> for StyleToml {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct StyleVisitor;
        impl<'de> Visitor<'de> for StyleVisitor {
            type Value = StyleToml;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a style's name or a [style] table")
            }
            fn visit_str<E: de::Error>(self, name: &str) -> Result<StyleToml, E> {
                Ok(StyleToml::Name(name.to_string()))
            }
            fn visit_map<M: MapAccess<'de>>(self, map: M) -> Result<StyleToml, M::Error> {
                StyleTable::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(|t| StyleToml::Table(Box::new(t)))
            }
        }
        deserializer.deserialize_any(StyleVisitor)
    }
}

/// The `[style]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct StyleTable {
    base: Option<Spanned<String>>,
    chapter_label: Option<Spanned<String>>,
    chapter_numbers: Option<bool>,
    chapter_numbers_by_part: Option<bool>,
    drop_cap: Option<Spanned<i64>>,
    lead_in: Option<LeadIn>,
    title_rule: Option<bool>,
    sink: Option<Spanned<f64>>,
    scene_break: Option<Spanned<String>>,
    figures: Option<Figures>,
    capitals: Option<Capitals>,
    label: Option<ElementToml>,
    chapter_title: Option<ElementToml>,
    subtitle: Option<ElementToml>,
    heading: Option<ElementToml>,
    subheading: Option<ElementToml>,
    section_number: Option<ElementToml>,
    running_head: Option<ElementToml>,
    folio: Option<ElementToml>,
    block_quote: Option<ElementToml>,
    epigraph: Option<ElementToml>,
    caption: Option<ElementToml>,
    note: Option<ElementToml>,
    term: Option<ElementToml>,
    /// `definitions = "run-in"` or `"hanging"`: how print sets a definition list.
    definitions: Option<Glossary>,
    /// `[style.class.NAME]`: how a fenced div of a class is set.
    class: Option<std::collections::BTreeMap<String, Spanned<ClassToml>>>,
}

/// A div class's settings: `[style.class.sidebar]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ClassToml {
    face: Option<Face>,
    size: Option<Spanned<f64>>,
    case: Option<Case>,
    letter_spacing: Option<Spanned<f64>>,
    align: Option<TextAlign>,
    /// Indented on both sides, as a quotation is.
    indent: Option<bool>,
}

/// How words written in full capitals are set.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Capitals {
    AsWritten,
    SmallCaps,
}

/// One element's overrides: `[style.chapter-title]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ElementToml {
    face: Option<Face>,
    size: Option<Spanned<f64>>,
    case: Option<Case>,
    letter_spacing: Option<Spanned<f64>>,
    align: Option<TextAlign>,
}

/// The style book.toml asks for, with every problem found.
pub(super) fn resolve(
    style: Option<&Spanned<StyleToml>>,
    chapter_numbers: Option<bool>,
    locate: &dyn Fn(Range<usize>) -> crate::diag::Location,
    errors: &mut Vec<Diagnostic>,
) -> BookStyle {
    let mut error = |span: Range<usize>, message: String, hint: String| {
        errors.push(
            Diagnostic::error(message)
                .at(Some(locate(span)))
                .with_hint(hint),
        );
    };
    let names = BookStyle::NAMES.map(|n| format!("`{n}`")).join(", ");
    let mut named = |name: &str, span: Range<usize>| {
        BookStyle::named(name.trim()).unwrap_or_else(|| {
            error(
                span,
                format!("unknown style `{}`: expected one of {names}", name.trim()),
                format!(
                    "write style = \"{}\", or a [style] table with base = \"…\" and overrides",
                    BookStyle::NAMES[0]
                ),
            );
            BookStyle::default()
        })
    };
    let mut book_style = match style {
        None => BookStyle::default(),
        Some(spanned) => match spanned.get_ref() {
            StyleToml::Name(name) => named(name, spanned.span()),
            StyleToml::Table(table) => match &table.base {
                Some(base) => named(base.get_ref(), base.span()),
                None => BookStyle::default(),
            },
        },
    };
    if let Some(StyleToml::Table(table)) = style.map(Spanned::get_ref) {
        apply(&mut book_style, table, &mut error);
    }
    numbers(&mut book_style, chapter_numbers);
    book_style
}

/// `chapter-numbers`: `false` turns numbering off (headings as written);
/// `true` counts the chapters whatever the book (with arabic labels, "Chapter
/// 4", in a style that has none).
fn numbers(style: &mut BookStyle, chapter_numbers: Option<bool>) {
    match chapter_numbers {
        Some(false) => {
            style.numbering.form = None;
            style.numbering.mode = NumberMode::Off;
        }
        Some(true) => {
            style.numbering.form = style.numbering.form.or(Some(LabelForm::Arabic));
            style.numbering.mode = NumberMode::Always;
        }
        None => {}
    }
}

type ErrorSink<'a> = dyn FnMut(Range<usize>, String, String) + 'a;

fn apply(style: &mut BookStyle, table: &StyleTable, error: &mut ErrorSink<'_>) {
    if let Some(form) = &table.chapter_label {
        match form.get_ref().as_str() {
            "none" => {
                style.numbering.form = None;
                style.numbering.mode = NumberMode::Off;
            }
            name => match LabelForm::parse(name) {
                Some(f) => {
                    style.numbering.form = Some(f);
                    // A label on a style that had none: counted as the named styles count.
                    if matches!(style.numbering.mode, NumberMode::Off | NumberMode::Written) {
                        style.numbering.mode = NumberMode::Auto;
                    }
                }
                None => error(
                    form.span(),
                    format!("unknown chapter label `{name}`"),
                    format!(
                        "use one of {}, `none`",
                        LabelForm::ALL.map(|(n, _)| format!("`{n}`")).join(", ")
                    ),
                ),
            },
        }
    }
    numbers(style, table.chapter_numbers);
    if let Some(by_part) = table.chapter_numbers_by_part {
        style.numbering.restart_per_part = by_part;
    }
    if let Some(lines) = &table.drop_cap {
        match *lines.get_ref() {
            n @ (0 | 2 | 3) => style.opening.drop_cap = n as u8,
            n => error(
                lines.span(),
                format!("a drop cap of {n} lines"),
                "use 2 or 3 (lines of text the initial spans), or 0 for none".into(),
            ),
        }
    }
    if let Some(lead_in) = table.lead_in {
        style.opening.lead_in = lead_in;
    }
    if let Some(rule) = table.title_rule {
        style.opening.rule = rule;
    }
    if let Some(sink) = &table.sink {
        let value = *sink.get_ref();
        if (0.0..=0.5).contains(&value) {
            style.opening.sink = value;
        } else {
            error(
                sink.span(),
                format!("a sink of {value}"),
                "the sink is the share of the page left empty above a chapter's opening, from 0 to 0.5 (e.g. 0.25)".into(),
            );
        }
    }
    if let Some(ornament) = &table.scene_break {
        let text = ornament.get_ref().trim();
        if text.is_empty() || text.chars().count() > 12 {
            error(
                ornament.span(),
                "a scene-break ornament must be 1 to 12 characters".into(),
                "e.g. scene-break = \"❧\" or \"* * *\"".into(),
            );
        } else {
            let mut ornaments = vec![text.replace(' ', "\u{a0}")];
            ornaments.extend(style.scene_break.ornaments.iter().cloned());
            style.scene_break = SceneBreak { ornaments };
        }
    }
    if let Some(figures) = table.figures {
        style.figures = figures;
    }
    if let Some(glossary) = table.definitions {
        style.glossary = glossary;
    }
    if let Some(capitals) = table.capitals {
        style.capitals_as_small_caps = matches!(capitals, Capitals::SmallCaps);
    }
    let elements: [(&Option<ElementToml>, &mut TextStyle); 13] = [
        (&table.label, &mut style.opening.label),
        (&table.chapter_title, &mut style.opening.title),
        (&table.subtitle, &mut style.subtitle),
        (&table.heading, &mut style.heading),
        (&table.subheading, &mut style.subheading),
        (&table.section_number, &mut style.section_number),
        (&table.running_head, &mut style.running_head),
        (&table.folio, &mut style.folio),
        (&table.block_quote, &mut style.block_quote),
        (&table.epigraph, &mut style.epigraph),
        (&table.caption, &mut style.caption),
        (&table.note, &mut style.note),
        (&table.term, &mut style.term),
    ];
    for (overrides, element) in elements {
        let Some(o) = overrides else { continue };
        set_text(
            element,
            o.face,
            &o.size,
            o.case,
            &o.letter_spacing,
            o.align,
            error,
        );
    }
    for (name, class) in table.class.iter().flatten() {
        let valid = name.starts_with(|c: char| c.is_ascii_alphabetic())
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !valid {
            error(
                class.span(),
                format!("`{name}` is not a class name"),
                "a class is letters, digits, `-` and `_`, starting with a letter, as in ::: {.sidebar}"
                    .into(),
            );
            continue;
        }
        let canonical = BookStyle::class_name(name).to_string();
        let o = class.get_ref();
        // A built-in class starts from the style's own setting; a new one from the body text.
        let mut set = style.built_in_class(&canonical).unwrap_or(ClassStyle {
            name: canonical.clone(),
            text: BookStyle::body_text(),
            indented: false,
        });
        set_text(
            &mut set.text,
            o.face,
            &o.size,
            o.case,
            &o.letter_spacing,
            o.align,
            error,
        );
        if let Some(indent) = o.indent {
            set.indented = indent;
        }
        style.classes.retain(|c| c.name != canonical);
        style.classes.push(set);
    }
}

/// An element's or a class's text settings from book.toml, each checked.
fn set_text(
    element: &mut TextStyle,
    face: Option<Face>,
    size: &Option<Spanned<f64>>,
    case: Option<Case>,
    letter_spacing: &Option<Spanned<f64>>,
    align: Option<TextAlign>,
    error: &mut ErrorSink<'_>,
) {
    {
        if let Some(face) = face {
            element.face = face;
        }
        if let Some(case) = case {
            element.case = case;
        }
        if let Some(align) = align {
            element.align = align;
        }
        if let Some(size) = size {
            let value = *size.get_ref();
            if (0.5..=5.0).contains(&value) {
                element.size = value;
            } else {
                error(
                    size.span(),
                    format!("a size of {value}"),
                    "sizes are multiples of the body size, from 0.5 to 5 (e.g. 1.6 for a chapter title)".into(),
                );
            }
        }
        if let Some(spacing) = letter_spacing {
            let value = *spacing.get_ref();
            if (-0.05..=0.5).contains(&value) {
                element.tracking = value;
            } else {
                error(
                    spacing.span(),
                    format!("a letter-spacing of {value} em"),
                    "letter-spacing is in ems, from -0.05 to 0.5 (spaced small caps take about 0.1)".into(),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::config::parse;
    use crate::model::style::{BookStyle, Case, Face, LabelForm, TextAlign};

    const TITLE: &str = "title = \"A\"\n";

    fn style(toml: &str) -> BookStyle {
        parse(&format!("{TITLE}{toml}")).unwrap().style
    }

    fn error(toml: &str) -> String {
        parse(&format!("{TITLE}{toml}")).unwrap_err().to_string()
    }

    #[test]
    fn no_style_is_plain() {
        assert_eq!(style(""), BookStyle::plain());
        assert_eq!(style("[style]\ndrop-cap = 0\n"), BookStyle::plain());
    }

    #[test]
    fn a_named_style() {
        assert_eq!(style("style = \"classic\"\n"), BookStyle::classic());
        for name in BookStyle::NAMES {
            let named = style(&format!("style = \"{name}\"\n"));
            assert_eq!(named, BookStyle::named(name).unwrap());
            assert_eq!(named.name, name);
        }
    }

    #[test]
    fn an_unknown_style_is_an_error_at_its_place() {
        assert_eq!(
            error("style = \"fancy\"\n"),
            "error: unknown style `fancy`: expected one of `classic`, `modern`, `plain`\n  --> manuscript/book.toml:2:9\nhint: write style = \"classic\", or a [style] table with base = \"…\" and overrides"
        );
        let text = error("\n[style]\nbase = \"fancy\"\n");
        assert!(
            text.contains(
                "expected one of `classic`, `modern`, `plain`\n  --> manuscript/book.toml:4:8\n"
            ),
            "{text}"
        );
        let text = error("style = 3\n");
        assert!(
            text.starts_with("error: wrong type for `style`: a whole number `3`, expected a style's name or a [style] table\n  --> manuscript/book.toml:2:9"),
            "{text}"
        );
    }

    #[test]
    fn a_table_overrides_its_base() {
        let s = style("[style]\nbase = \"modern\"\ndrop-cap = 2\n");
        let mut expected = BookStyle::modern();
        expected.opening.drop_cap = 2;
        assert_eq!(s, expected);
        assert_ne!(s, BookStyle::modern(), "the override changed something");

        let s = style(
            "[style]\nbase = \"classic\"\nsink = 0.4\ntitle-rule = true\nscene-break = \"* *\"\n\
             [style.chapter-title]\nsize = 2.0\nface = \"bold-italic\"\ncase = \"all-small-caps\"\n\
             letter-spacing = 0.1\nalign = \"right\"\n",
        );
        let title = s.opening.title;
        assert_eq!(
            (
                title.size,
                title.face,
                title.case,
                title.tracking,
                title.align
            ),
            (
                2.0,
                Face::BoldItalic,
                Case::AllSmallCaps,
                0.1,
                TextAlign::Right
            )
        );
        assert_eq!(s.opening.sink, 0.4);
        assert!(s.opening.rule);
        let ornaments = &s.scene_break.ornaments;
        assert_eq!(
            ornaments[0], "*\u{a0}*",
            "the author's first, spaces kept together"
        );
        assert_eq!(
            s.heading,
            BookStyle::classic().heading,
            "the rest is the base's"
        );
    }

    #[test]
    fn out_of_range_values_are_errors_at_their_place() {
        for (toml, message, place) in [
            ("[style]\ndrop-cap = 5\n", "a drop cap of 5 lines", "3:12"),
            ("[style.chapter-title]\nsize = 9\n", "a size of 9", "3:8"),
            (
                "[style.folio]\nletter-spacing = 1.0\n",
                "a letter-spacing of 1 em",
                "3:18",
            ),
            ("[style]\nsink = 0.9\n", "a sink of 0.9", "3:8"),
            (
                "[style]\nchapter-label = \"klingon\"\n",
                "unknown chapter label `klingon`",
                "3:17",
            ),
            (
                "[style]\nscene-break = \"\"\n",
                "a scene-break ornament must be 1 to 12 characters",
                "3:15",
            ),
        ] {
            let text = error(toml);
            assert!(
                text.starts_with(&format!(
                    "error: {message}\n  --> manuscript/book.toml:{place}\nhint: "
                )),
                "{toml:?}:\n{text}"
            );
        }
    }

    #[test]
    fn every_problem_is_reported_together() {
        let text = error("[style]\nbase = \"fancy\"\ndrop-cap = 5\n[style.note]\nsize = 0.1\n");
        assert_eq!(text.matches("error: ").count(), 3, "{text}");
    }

    #[test]
    fn unknown_keys_and_values_are_named() {
        let text = error("[style]\nbase = \"modern\"\n  colour = \"red\"\n");
        assert!(
            text.starts_with("error: unknown key `colour` in book.toml\n  --> manuscript/book.toml:4:3\nhint: known keys here: `base`, `chapter-label`,"),
            "{text}"
        );
        let text = error("[style.chapter-title]\ncolour = 1\n");
        assert!(
            text.starts_with(
                "error: unknown key `colour` in book.toml\n  --> manuscript/book.toml:3:"
            ),
            "{text}"
        );
        assert!(
            text.contains("`face`, `size`, `case`, `letter-spacing`, `align`"),
            "{text}"
        );
        let text = error("[style.chapter-title]\ncase = \"shouty\"\n");
        assert!(
            text.starts_with("error: invalid value: `shouty`, expected one of `as-written`, `upper`, `small-caps`, `all-small-caps`\n  --> manuscript/book.toml:3:8"),
            "{text}"
        );
        let text = error("[style]\nlead-in = \"all\"\n");
        assert!(text.contains("expected `none` or `words`"), "{text}");
        let text = error("[style.heading]\nsize = \"big\"\n");
        assert!(
            text.starts_with("error: wrong type for `size`: a string \"big\", expected a number\n  --> manuscript/book.toml:3:8"),
            "{text}"
        );
    }

    #[test]
    fn chapter_numbers_and_labels() {
        for name in BookStyle::NAMES {
            let own = BookStyle::named(name).unwrap().numbering.form;
            // `true` numbers a style that does not (arabic labels) and keeps a style's own form.
            let named = format!("style = \"{name}\"\n");
            let table = format!("[style]\nbase = \"{name}\"\n");
            assert_eq!(
                style(&format!("chapter-numbers = false\n{named}"))
                    .numbering
                    .form,
                None
            );
            assert_eq!(
                style(&format!("chapter-numbers = false\n{table}"))
                    .numbering
                    .form,
                None
            );
            assert_eq!(
                style(&format!("chapter-numbers = true\n{named}"))
                    .numbering
                    .form,
                own.or(Some(LabelForm::Arabic)),
            );
            assert_eq!(
                style(&format!("{table}chapter-numbers = false\n"))
                    .numbering
                    .form,
                None
            );
            assert_eq!(
                style(&format!("{table}chapter-numbers = true\n"))
                    .numbering
                    .form,
                own.or(Some(LabelForm::Arabic)),
            );
            assert_eq!(
                style(&format!("{table}chapter-label = \"roman\"\n"))
                    .numbering
                    .form,
                Some(LabelForm::Roman)
            );
            assert_eq!(
                style(&format!("{table}chapter-label = \"none\"\n"))
                    .numbering
                    .form,
                None
            );
            // Turning numbers off wins over a label form.
            assert_eq!(
                style(&format!(
                    "chapter-numbers = false\n{table}chapter-label = \"words\"\n"
                ))
                .numbering
                .form,
                None
            );
        }
        assert_eq!(style("chapter-numbers = false\n").numbering.form, None);
        assert_eq!(
            style("[style]\nchapter-label = \"roman\"\n").numbering.form,
            Some(LabelForm::Roman)
        );
        let s = style("[style]\nchapter-numbers-by-part = true\n");
        assert!(s.numbering.restart_per_part);
    }
}
