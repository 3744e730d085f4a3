//! What an EPUB's stylesheets say about a class: italic, bold, small
//! capitals, struck, raised, lowered, hidden, centred. Converters such as
//! Calibre write `<span class="calibre7">` for italic and leave the meaning
//! in the CSS, so those classes are read; selectors other than a class,
//! optionally after an element name (`.it`, `span.sc`, `p.centre`), and
//! inline `style` attributes are read the same way, anything else ignored.

use std::collections::HashMap;

/// The text look a rule gives.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Look {
    pub italic: Option<bool>,
    pub bold: Option<bool>,
    pub small_caps: bool,
    pub strike: bool,
    pub superscript: bool,
    pub subscript: bool,
    pub hidden: bool,
    pub centred: bool,
    /// `display: block` on an inline element (a heading's subtitle line).
    pub block: bool,
}

impl Look {
    fn merge(&mut self, other: Look) {
        self.italic = other.italic.or(self.italic);
        self.bold = other.bold.or(self.bold);
        self.small_caps |= other.small_caps;
        self.strike |= other.strike;
        self.superscript |= other.superscript;
        self.subscript |= other.subscript;
        self.hidden |= other.hidden;
        self.centred |= other.centred;
        self.block |= other.block;
    }
}

/// Class rules from the book's stylesheets, by class name (and optionally
/// element name).
#[derive(Debug, Default)]
pub struct Styles {
    rules: HashMap<(Option<String>, String), Look>,
}

impl Styles {
    pub fn add_stylesheet(&mut self, css: &str) {
        let css = strip_comments(css);
        let mut rest = css.as_str();
        loop {
            // A `}` here closes an at-rule's block (`@media … { … }`), whose
            // rules are read as any.
            rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '}');
            if rest.is_empty() {
                break;
            }
            if rest.starts_with('@') {
                // `@charset …;`, `@namespace …;`, or an at-rule's header.
                match (rest.find('{'), rest.find(';')) {
                    (Some(brace), Some(semi)) if semi < brace => rest = &rest[semi + 1..],
                    (Some(brace), _) => rest = &rest[brace + 1..],
                    (None, Some(semi)) => rest = &rest[semi + 1..],
                    (None, None) => break,
                }
                continue;
            }
            let Some(open) = rest.find('{') else {
                break;
            };
            let selectors = &rest[..open];
            let Some(close) = rest[open..].find('}') else {
                break;
            };
            let body = &rest[open + 1..open + close];
            rest = &rest[open + close + 1..];
            let look = declarations(body);
            if look == Look::default() {
                continue;
            }
            for selector in selectors.split(',') {
                if let Some(key) = simple_class(selector.trim()) {
                    self.rules.entry(key).or_default().merge(look);
                }
            }
        }
    }

    /// The look an element's classes and `style` attribute give it.
    pub fn look(&self, element: &str, classes: &str, style: Option<&str>) -> Look {
        let mut look = Look::default();
        for class in classes.split_whitespace() {
            if let Some(rule) = self.rules.get(&(None, class.to_string())) {
                look.merge(*rule);
            }
            if let Some(rule) = self
                .rules
                .get(&(Some(element.to_string()), class.to_string()))
            {
                look.merge(*rule);
            }
        }
        if let Some(style) = style {
            look.merge(declarations(style));
        }
        look
    }
}

fn strip_comments(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        match rest[start + 2..].find("*/") {
            Some(end) => rest = &rest[start + 2 + end + 2..],
            None => return out,
        }
    }
    out.push_str(rest);
    out
}

/// `.name` or `element.name` (one class, nothing else): the key of a rule.
fn simple_class(selector: &str) -> Option<(Option<String>, String)> {
    let (element, class) = selector.split_once('.')?;
    let plain = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    if !plain(class) || !(element.is_empty() || plain(element)) {
        return None;
    }
    let element = (!element.is_empty()).then(|| element.to_ascii_lowercase());
    Some((element, class.to_string()))
}

/// The look a declaration block gives.
pub fn declarations(body: &str) -> Look {
    let mut look = Look::default();
    for declaration in body.split(';') {
        let Some((property, value)) = declaration.split_once(':') else {
            continue;
        };
        let property = property.trim().to_ascii_lowercase();
        let value = value
            .trim()
            .trim_end_matches("!important")
            .trim()
            .to_ascii_lowercase();
        match property.as_str() {
            "font-style" => look.italic = Some(value == "italic" || value == "oblique"),
            "font-weight" => {
                look.bold = Some(
                    value == "bold"
                        || value == "bolder"
                        || value.parse::<u32>().is_ok_and(|w| w >= 600),
                )
            }
            "font-variant" | "font-variant-caps" => look.small_caps |= value.contains("small-caps"),
            "text-decoration" | "text-decoration-line" => {
                look.strike |= value.contains("line-through")
            }
            "vertical-align" => {
                look.superscript |= value == "super";
                look.subscript |= value == "sub";
            }
            "display" => {
                look.hidden |= value == "none";
                look.block |= value == "block";
            }
            "visibility" => look.hidden |= value == "hidden",
            "text-align" => look.centred |= value == "center",
            _ => {}
        }
    }
    look
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_rules_give_their_look() {
        let mut styles = Styles::default();
        styles.add_stylesheet(
            "/* c */ .calibre7 { font-style: italic } span.sc, .x > .y { font-variant: small-caps }\n\
             @media amzn-kf8 { .b { font-weight: 700 } } p.centre { text-align: center; }",
        );
        assert_eq!(styles.look("span", "calibre7", None).italic, Some(true));
        assert!(styles.look("span", "sc", None).small_caps);
        assert!(!styles.look("p", "sc", None).small_caps);
        assert_eq!(styles.look("span", "b", None).bold, Some(true));
        assert!(styles.look("p", "centre", None).centred);
        assert!(styles.look("span", "", Some("display:none")).hidden);
        assert_eq!(styles.look("span", "y", None), Look::default());
    }
}
