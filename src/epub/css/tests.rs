//! The stylesheet of every named style keeps the reader's page the reader's,
//! stays within what Kindle and Apple Books take, and follows the style.

use super::stylesheet;
use crate::model::style::{BookStyle, Case, Face, Figures, TextAlign};

/// The stylesheets of the named styles.
fn every_style() -> Vec<(&'static str, String)> {
    BookStyle::NAMES
        .iter()
        .map(|&name| (name, rules(&stylesheet(&BookStyle::named(name).unwrap()))))
        .collect()
}

/// A stylesheet without its comments.
fn rules(css: &str) -> String {
    let mut out = String::new();
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        rest = rest[start..]
            .split_once("*/")
            .map_or("", |(_, after)| after);
    }
    out.push_str(rest);
    out
}

/// The rules of a stylesheet as (selectors, declarations), at-rules' rules
/// with the at-rule's prelude before their selectors.
fn parse(css: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut at_rule: Option<String> = None;
    let mut rest = css;
    loop {
        let open = rest.find('{');
        let close = rest.find('}');
        match (open, close) {
            (Some(o), Some(c)) if o < c => {
                let prelude = rest[..o].trim().to_string();
                if prelude.starts_with('@') {
                    assert!(at_rule.is_none(), "nested at-rules: {prelude}");
                    at_rule = Some(prelude);
                    rest = &rest[o + 1..];
                    continue;
                }
                let body = rest[o + 1..c].to_string();
                assert!(!body.contains('{'), "{body}");
                let selectors = match &at_rule {
                    Some(at) => format!("{at} {prelude}"),
                    None => prelude,
                };
                out.push((selectors, body));
                rest = &rest[c + 1..];
            }
            (_, Some(c)) => {
                assert!(rest[..c].trim().is_empty(), "stray text: {}", &rest[..c]);
                assert!(at_rule.take().is_some(), "unbalanced braces");
                rest = &rest[c + 1..];
            }
            (Some(_), None) => panic!("unclosed rule"),
            (None, None) => break,
        }
    }
    assert!(at_rule.is_none(), "unclosed at-rule");
    assert!(rest.trim().is_empty(), "stray text: {rest}");
    out
}

/// The value `property` takes in rules whose selector list has `selector`
/// (outside at-rules), the last one winning.
fn value(css: &str, selector: &str, property: &str) -> Option<String> {
    parse(css)
        .into_iter()
        .filter(|(selectors, _)| {
            !selectors.starts_with('@') && selectors.split(',').any(|s| s.trim() == selector)
        })
        .flat_map(|(_, body)| {
            body.split(';')
                .filter_map(|d| {
                    let (p, v) = d.split_once(':')?;
                    (p.trim() == property).then(|| v.trim().to_string())
                })
                .collect::<Vec<_>>()
        })
        .last()
}

fn has_rule(css: &str, selector: &str) -> bool {
    parse(css).iter().any(|(selectors, _)| {
        !selectors.starts_with('@') && selectors.split(',').any(|s| s.trim() == selector)
    })
}

#[test]
fn leaves_the_body_to_the_reader() {
    for (name, css) in every_style() {
        assert!(!has_rule(&css, "body"), "{name}");
        assert!(!has_rule(&css, "html"), "{name}");
        assert!(!has_rule(&css, "*"), "{name}");
        assert!(has_rule(&css, "p"), "{name}");
        assert!(!css.contains("color"), "{name}");
        assert!(!css.contains("@font-face"), "{name}");
        assert!(!css.contains("font-family: serif"), "{name}");
    }
}

#[test]
fn keeps_to_what_kindle_and_apple_books_take() {
    for (name, css) in every_style() {
        for banned in [
            "flex",
            "grid",
            "calc(",
            "vw",
            "vh",
            "vmin",
            "vmax",
            "position",
            "rem",
            "!important",
            "@import",
            "url(",
        ] {
            assert!(!css.contains(banned), "{name}: {banned}");
        }
        parse(&css);
    }
}

#[test]
fn indents_are_small_and_units_relative() {
    for (name, css) in every_style() {
        let indent = value(&css, "p", "text-indent").unwrap();
        let ems: f64 = indent.strip_suffix("em").unwrap().parse().unwrap();
        assert!((1.2..=1.5).contains(&ems), "{name}: {indent}");
        units_are_relative_and_small(&css);
    }
}

/// Every length is in em or %, and none passes 4 em.
fn units_are_relative_and_small(css: &str) {
    let separators = |c: char| c.is_whitespace() || matches!(c, ':' | ';' | '{' | '}' | '(' | ')');
    for token in css.split(separators) {
        let token = token.trim_start_matches('-');
        let Some(first) = token.chars().next() else {
            continue;
        };
        if !first.is_ascii_digit() || token.parse::<f64>().is_ok() {
            continue;
        }
        let number_end = token
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap();
        let (number, unit) = token.split_at(number_end);
        assert!(matches!(unit, "em" | "%"), "absolute length {token}");
        if unit == "em" {
            let value: f64 = number.parse().unwrap();
            assert!(value <= 4.0, "{token}");
        }
    }
}

#[test]
fn classic_sets_its_label_in_spaced_small_capitals_over_a_drop_cap() {
    let css = rules(&stylesheet(&BookStyle::classic()));
    let label = |p| value(&css, "h1 .chapter-label", p).unwrap();
    assert_eq!(label("font-variant"), "small-caps");
    assert_eq!(label("text-transform"), "lowercase");
    assert_eq!(label("font-variant-caps"), "all-small-caps");
    assert_eq!(label("letter-spacing"), "0.12em");
    // The label's size is the body's: 1 / 1.6 of the title's.
    assert_eq!(label("font-size"), "0.625em");
    assert_eq!(value(&css, "p.chapter-label", "font-size").unwrap(), "1em");
    assert_eq!(value(&css, ".chapter-label", "display").unwrap(), "block");
    assert_eq!(value(&css, "h1", "font-size").unwrap(), "1.6em");
    assert_eq!(value(&css, "h1", "text-align").unwrap(), "center");
    assert_eq!(value(&css, "h1", "font-weight").unwrap(), "normal");
    assert_eq!(value(&css, "h2", "font-variant").unwrap(), "small-caps");
    assert_eq!(value(&css, "h2", "letter-spacing").unwrap(), "0.08em");
    assert_eq!(
        value(&css, "span.sc", "font-variant").unwrap(),
        "small-caps"
    );
    // Old-style figures in running text, kept where small caps reset them.
    assert_eq!(
        value(&css, "section", "font-variant-numeric").unwrap(),
        "oldstyle-nums"
    );
    assert_eq!(
        value(&css, "span.sc", "font-variant-numeric").unwrap(),
        "oldstyle-nums"
    );
    assert_eq!(
        value(&css, "table", "font-variant-numeric").unwrap(),
        "tabular-nums lining-nums"
    );
    // The italic epigraph sets its emphasis upright.
    assert_eq!(
        value(&css, "blockquote.epigraph", "font-style").unwrap(),
        "italic"
    );
    assert_eq!(
        value(&css, "blockquote.epigraph em", "font-style").unwrap(),
        "normal"
    );
    assert_eq!(value(&css, "blockquote", "font-size").unwrap(), "0.95em");
    // A three-line drop cap, only where the reader knows @supports.
    assert!(!has_rule(&css, "p.opening::first-letter"));
    let rules = parse(&css);
    let float = rules
        .iter()
        .find(|(s, _)| s == "@supports (float: left) p.opening::first-letter")
        .unwrap();
    assert!(float.1.contains("float: left;"), "{}", float.1);
    assert!(float.1.contains("font-size: 4em;"), "{}", float.1);
    let initial = rules
        .iter()
        .find(|(s, _)| {
            s == "@supports (initial-letter: 3) or (-webkit-initial-letter: 3) p.opening::first-letter"
        })
        .unwrap();
    assert!(
        initial.1.contains("-webkit-initial-letter: 3;"),
        "{}",
        initial.1
    );
    assert!(initial.1.contains(" initial-letter: 3;"), "{}", initial.1);
    assert!(initial.1.contains("float: none;"), "{}", initial.1);
    // The block after a short opening paragraph starts below the initial,
    // whichever way the reader sets it.
    assert_eq!(value(&css, "p.opening + *", "clear").unwrap(), "left");
    let plain = self::rules(&stylesheet(&BookStyle::plain()));
    assert!(!has_rule(&plain, "p.opening + *"));
}

#[test]
fn modern_ranges_a_bold_title_left_over_a_rule() {
    let css = rules(&stylesheet(&BookStyle::modern()));
    assert_eq!(value(&css, "h1", "font-weight").unwrap(), "bold");
    assert_eq!(value(&css, "h1", "text-align").unwrap(), "left");
    assert_eq!(value(&css, "h1", "font-size").unwrap(), "1.5em");
    assert_eq!(
        value(&css, "section.chapter > h1", "border-bottom").unwrap(),
        "thin solid"
    );
    // The numeral is three times the body: twice the title.
    assert_eq!(
        value(&css, "h1 .chapter-label", "font-size").unwrap(),
        "2em"
    );
    assert_eq!(
        value(&css, "h1 .chapter-label", "font-weight").unwrap(),
        "normal"
    );
    assert_eq!(
        value(&css, "h1 .chapter-label", "text-align").unwrap(),
        "left"
    );
    assert_eq!(value(&css, "p.chapter-label", "font-size").unwrap(), "3em");
    assert_eq!(value(&css, "h2", "font-weight").unwrap(), "bold");
    assert_eq!(value(&css, "h2", "text-align").unwrap(), "left");
    assert_eq!(value(&css, "figcaption", "font-style").unwrap(), "normal");
    assert_eq!(value(&css, "figcaption", "text-align").unwrap(), "left");
    assert_eq!(value(&css, "blockquote p", "text-align").unwrap(), "left");
    assert_eq!(
        value(&css, "section", "font-variant-numeric").unwrap(),
        "lining-nums"
    );
    // The title page's title stays centred and upright.
    assert_eq!(
        value(&css, "h1.book-title", "text-align").unwrap(),
        "center"
    );
    assert_eq!(
        value(&css, "h1.book-title", "font-weight").unwrap(),
        "normal"
    );
    assert!(!css.contains("first-letter"));
}

#[test]
fn plain_is_quires_first_look() {
    let css = rules(&stylesheet(&BookStyle::plain()));
    assert_eq!(value(&css, "h1", "font-size").unwrap(), "1.75em");
    assert_eq!(value(&css, "h1", "margin").unwrap(), "2em 0 1.5em");
    assert_eq!(value(&css, "h1", "text-align").unwrap(), "center");
    assert_eq!(value(&css, "h2", "font-style").unwrap(), "italic");
    assert_eq!(value(&css, "h2 em", "font-style").unwrap(), "normal");
    assert_eq!(value(&css, "h3", "text-align").unwrap(), "left");
    assert_eq!(value(&css, "figcaption", "font-size").unwrap(), "0.82em");
    assert_eq!(value(&css, "aside.note", "font-size").unwrap(), "0.82em");
    assert_eq!(
        value(&css, "aside.note p", "text-align").unwrap(),
        "justify"
    );
    assert_eq!(
        value(&css, "section p.subtitle", "font-size").unwrap(),
        "1.35em"
    );
    assert!(value(&css, "section", "font-variant-numeric").is_none());
    assert!(value(&css, "section.chapter > h1", "border-bottom").is_none());
    assert!(!css.contains("@supports"));
    assert_eq!(
        value(&css, "span.sc", "font-variant").unwrap(),
        "small-caps"
    );
}

#[test]
fn overrides_follow_and_stay_in_bounds() {
    let mut style = BookStyle::plain();
    style.opening.title.size = 5.0;
    style.opening.title.case = Case::Upper;
    style.opening.title.face = Face::BoldItalic;
    style.opening.title.tracking = 0.05;
    style.opening.label.size = 5.0;
    style.opening.sink = 0.5;
    style.opening.drop_cap = 2;
    style.heading.align = TextAlign::Right;
    style.figures = Figures::Lining;
    let css = rules(&stylesheet(&style));
    units_are_relative_and_small(&css);
    assert_eq!(value(&css, "h1", "font-size").unwrap(), "4em");
    assert_eq!(value(&css, "h1", "margin").unwrap(), "4em 0 1.5em");
    assert_eq!(value(&css, "h1", "text-transform").unwrap(), "uppercase");
    assert_eq!(value(&css, "h1", "font-style").unwrap(), "italic");
    assert_eq!(value(&css, "h1", "font-weight").unwrap(), "bold");
    assert_eq!(value(&css, "h1", "letter-spacing").unwrap(), "0.05em");
    assert_eq!(
        value(&css, "h1 .chapter-label", "text-transform").unwrap(),
        "none"
    );
    assert_eq!(
        value(&css, "h1 .chapter-label", "font-size").unwrap(),
        "1em"
    );
    assert_eq!(value(&css, "h2", "text-align").unwrap(), "right");
    assert!(css.contains("@supports (initial-letter: 2) or (-webkit-initial-letter: 2)"));
    assert!(css.contains("font-size: 2.8em;"));
}
