//! The stylesheet as the stores' converters read it. A small CSS reader
//! (rules, at-rule blocks, declarations, each with its line) and the two
//! rewrites the store editions make:
//!
//! - Kindle's converter takes a conservative subset: no custom properties,
//!   `var()`, `calc()` or the other math functions, no `@supports` (its
//!   rules are kept, unwrapped: Kindle has what they ask for), no
//!   `initial-letter` (KDP's "CSS they cannot convert"; Standard Ebooks'
//!   Kindle build and kindle-epub-fix make the same cuts).
//! - Adobe RMSDK (Kobo's reader for plain `.epub` files) rejects a whole
//!   book over one `calc()`, `min()`, `max()`, `clamp()`, `var()` or flexbox
//!   and grid rule; its `@supports` handling is unreliable, so those rules
//!   are unwrapped too.
//!
//! A `@supports` group that asks for `initial-letter`, which neither has,
//! is left out instead of unwrapped: its rules would override the floated
//! drop cap before it.
//!
//! [`hazards`] lists what either would reject, with the line, for the gate.

/// One declaration, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Declaration {
    text: String,
    line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    /// `selector { declarations }`, or a declaration block at-rule (`@font-face`, `@page`).
    Rule {
        prelude: String,
        declarations: Vec<Declaration>,
        line: usize,
    },
    /// `@media …`, `@supports …`: rules inside.
    Group {
        prelude: String,
        items: Vec<Item>,
        line: usize,
    },
    /// `@import …;`, `@charset …;`, `@namespace …;`.
    Statement { text: String, line: usize },
}

/// Which converter a stylesheet is made safe for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    Kindle,
    Rmsdk,
}

impl Reader {
    pub fn name(self) -> &'static str {
        match self {
            Reader::Kindle => "Kindle",
            Reader::Rmsdk => "Adobe RMSDK",
        }
    }
}

/// Something a converter rejects, at a line of the stylesheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hazard {
    pub line: usize,
    /// What it is: "`calc()`", "`@supports`".
    pub what: String,
}

/// Why a declaration is a hazard for `reader`, if it is.
fn declaration_hazard(text: &str, reader: Reader) -> Option<String> {
    let (property, value) = text.split_once(':').unwrap_or((text, ""));
    let property = property.trim().to_ascii_lowercase();
    let value = without_strings(value).to_ascii_lowercase();
    if property.starts_with("--") {
        return Some("a custom property".into());
    }
    for function in ["calc(", "var(", "min(", "max(", "clamp(", "env("] {
        if contains_function(&value, function) {
            return Some(format!("`{function})`"));
        }
    }
    if property == "display"
        && ["flex", "grid", "inline-flex", "inline-grid"].contains(&value.trim())
    {
        return Some(format!("`display: {}`", value.trim()));
    }
    if reader == Reader::Kindle && property.contains("initial-letter") {
        return Some(format!("`{property}`"));
    }
    None
}

/// `value` with its quoted strings emptied (`content: "calc("` calls nothing).
fn without_strings(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut quote = None;
    for c in value.chars() {
        match quote {
            Some(q) if c == q => {
                quote = None;
                out.push(c);
            }
            Some(_) => {}
            None => {
                if c == '"' || c == '\'' {
                    quote = Some(c);
                }
                out.push(c);
            }
        }
    }
    out
}

/// Whether `value` calls `function` (`min(` but not `minmax(`).
fn contains_function(value: &str, function: &str) -> bool {
    value.match_indices(function).any(|(at, _)| {
        !value[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '-')
    })
}

/// Whether a `@supports` group asks for what neither converter has
/// (`initial-letter`): its rules are for other readers, and unwrapped they
/// would undo the rules before them (the drop cap's `float: none` after its
/// floated initial), so the group is left out rather than unwrapped.
fn asks_for_what_converters_lack(prelude: &str) -> bool {
    prelude.to_ascii_lowercase().contains("initial-letter")
}

fn is_supports(prelude: &str) -> bool {
    prelude
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("@supports")
}

/// What `reader` rejects in `css`, in order.
pub fn hazards(css: &str, reader: Reader) -> Vec<Hazard> {
    let mut found = Vec::new();
    let items = parse(css);
    let mut stack: Vec<&Item> = items.iter().rev().collect();
    while let Some(item) = stack.pop() {
        match item {
            Item::Rule { declarations, .. } => {
                for d in declarations {
                    if let Some(what) = declaration_hazard(&d.text, reader) {
                        found.push(Hazard { line: d.line, what });
                    }
                }
            }
            Item::Group {
                prelude,
                items,
                line,
            } => {
                if is_supports(prelude) {
                    found.push(Hazard {
                        line: *line,
                        what: "`@supports`".into(),
                    });
                }
                stack.extend(items.iter().rev());
            }
            Item::Statement { .. } => {}
        }
    }
    found.sort_by_key(|h| h.line);
    found
}

/// `css` without what `reader` rejects: hazardous declarations dropped
/// (and rules left empty by that), `@supports` groups unwrapped.
pub fn make_safe(css: &str, reader: Reader) -> String {
    let mut out = String::with_capacity(css.len());
    write_items(&mut out, &parse(css), reader, 0);
    out
}

fn write_items(out: &mut String, items: &[Item], reader: Reader, depth: usize) {
    let indent = "  ".repeat(depth);
    for item in items {
        match item {
            Item::Statement { text, .. } => {
                out.push_str(&indent);
                out.push_str(text);
                out.push_str(";\n");
            }
            Item::Rule {
                prelude,
                declarations,
                ..
            } => {
                let kept: Vec<&Declaration> = declarations
                    .iter()
                    .filter(|d| declaration_hazard(&d.text, reader).is_none())
                    .collect();
                if kept.is_empty() {
                    continue;
                }
                out.push_str(&indent);
                out.push_str(prelude);
                out.push_str(" {\n");
                for d in kept {
                    out.push_str(&indent);
                    out.push_str("  ");
                    out.push_str(&d.text);
                    out.push_str(";\n");
                }
                out.push_str(&indent);
                out.push_str("}\n");
            }
            Item::Group { prelude, items, .. } => {
                if is_supports(prelude) {
                    if !asks_for_what_converters_lack(prelude) {
                        write_items(out, items, reader, depth);
                    }
                    continue;
                }
                let mut inner = String::new();
                write_items(&mut inner, items, reader, depth + 1);
                if inner.is_empty() {
                    continue;
                }
                out.push_str(&indent);
                out.push_str(prelude);
                out.push_str(" {\n");
                out.push_str(&inner);
                out.push_str(&indent);
                out.push_str("}\n");
            }
        }
    }
}

/// Reads a stylesheet. Comments are dropped; strings are kept whole; an
/// unbalanced brace ends the block it is in (as CSS's own error recovery does).
fn parse(css: &str) -> Vec<Item> {
    let chars: Vec<char> = strip_comments(css).chars().collect();
    let mut reader = Cursor {
        chars: &chars,
        at: 0,
        line: 1,
    };
    reader.items()
}

/// Comments become spaces (newlines kept, so lines still count right).
fn strip_comments(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find("*/").map_or(after.len(), |e| e + 2);
        out.extend(
            after[..end.min(after.len())]
                .chars()
                .map(|c| if c == '\n' { '\n' } else { ' ' }),
        );
        out.push_str("  ");
        rest = &after[end.min(after.len())..];
    }
    out.push_str(rest);
    out
}

struct Cursor<'c> {
    chars: &'c [char],
    at: usize,
    line: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.at += 1;
        if c == '\n' {
            self.line += 1;
        }
        Some(c)
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
    }

    /// Reads up to (not including) one of `stops`, outside strings and brackets.
    fn until(&mut self, stops: &[char]) -> String {
        let mut text = String::new();
        let mut depth = 0usize;
        while let Some(c) = self.peek() {
            if depth == 0 && stops.contains(&c) {
                break;
            }
            self.bump();
            match c {
                '"' | '\'' => {
                    text.push(c);
                    while let Some(d) = self.bump() {
                        text.push(d);
                        if d == '\\' {
                            if let Some(e) = self.bump() {
                                text.push(e);
                            }
                        } else if d == c {
                            break;
                        }
                    }
                    continue;
                }
                '(' | '[' => depth += 1,
                ')' | ']' => depth = depth.saturating_sub(1),
                _ => {}
            }
            text.push(c);
        }
        text
    }

    /// Items until the end or a closing brace (consumed).
    fn items(&mut self) -> Vec<Item> {
        let mut items = Vec::new();
        loop {
            self.skip_space();
            let line = self.line;
            match self.peek() {
                None => return items,
                Some('}') => {
                    self.bump();
                    return items;
                }
                _ => {}
            }
            let prelude = self.until(&['{', ';', '}']);
            let prelude = prelude.trim().to_string();
            match self.peek() {
                Some('{') => {
                    self.bump();
                    let lower = prelude.to_ascii_lowercase();
                    let nested = ["@media", "@supports", "@document", "@layer", "@container"]
                        .iter()
                        .any(|p| lower.starts_with(p));
                    if nested {
                        let inner = self.items();
                        items.push(Item::Group {
                            prelude,
                            items: inner,
                            line,
                        });
                    } else {
                        let declarations = self.declarations();
                        items.push(Item::Rule {
                            prelude,
                            declarations,
                            line,
                        });
                    }
                }
                Some(';') => {
                    self.bump();
                    if !prelude.is_empty() {
                        items.push(Item::Statement {
                            text: prelude,
                            line,
                        });
                    }
                }
                _ => {
                    if !prelude.is_empty() {
                        items.push(Item::Statement {
                            text: prelude,
                            line,
                        });
                    }
                }
            }
        }
    }

    /// Declarations until the closing brace (consumed).
    fn declarations(&mut self) -> Vec<Declaration> {
        let mut declarations = Vec::new();
        loop {
            self.skip_space();
            let line = self.line;
            let text = self.until(&[';', '}']);
            let text = text.trim();
            if !text.is_empty() {
                declarations.push(Declaration {
                    text: text.to_string(),
                    line,
                });
            }
            match self.bump() {
                Some(';') => continue,
                _ => return declarations,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHEET: &str = "/* a comment with { braces } */\n@charset \"utf-8\";\np { margin: 0; text-indent: 1.5em }\n.x { width: calc(100% - 2em); color: red }\n@supports (float: left) {\n  p.opening::first-letter { float: left; initial-letter: 3; }\n}\n.f { display: flex }\n:root { --gap: 1em }\n.g { grid-template-columns: minmax(1em, 2em); content: \"calc(\" }\n@media screen { .m { margin: max(1em, 2%) } }\n";

    #[test]
    fn finds_each_hazard_at_its_line() {
        let found = hazards(SHEET, Reader::Rmsdk);
        let lines: Vec<(usize, &str)> = found.iter().map(|h| (h.line, h.what.as_str())).collect();
        assert_eq!(
            lines,
            [
                (4, "`calc()`"),
                (5, "`@supports`"),
                (8, "`display: flex`"),
                (9, "a custom property"),
                (11, "`max()`"),
            ]
        );
        let kindle = hazards(SHEET, Reader::Kindle);
        assert!(
            kindle
                .iter()
                .any(|h| h.line == 6 && h.what.contains("initial-letter"))
        );
    }

    #[test]
    fn safe_sheets_keep_the_rest_and_have_no_hazards() {
        for reader in [Reader::Kindle, Reader::Rmsdk] {
            let safe = make_safe(SHEET, reader);
            assert!(hazards(&safe, reader).is_empty(), "{safe}");
            assert!(
                safe.contains("p {\n  margin: 0;\n  text-indent: 1.5em;\n}"),
                "{safe}"
            );
            assert!(safe.contains("color: red"), "{safe}");
            assert!(
                safe.contains("p.opening::first-letter {\n  float: left;"),
                "{safe}"
            );
            assert!(safe.contains("@charset \"utf-8\";"), "{safe}");
            assert!(safe.contains("minmax(1em, 2em)"), "{safe}");
            assert!(!safe.contains(".f {"), "an emptied rule goes: {safe}");
            assert!(!safe.contains("@media"), "an emptied group goes: {safe}");
        }
        assert!(make_safe(SHEET, Reader::Rmsdk).contains("initial-letter: 3"));
        assert!(!make_safe(SHEET, Reader::Kindle).contains("initial-letter"));
    }

    #[test]
    fn the_floated_drop_cap_survives_both_converters() {
        // As the EPUB's stylesheet writes a classic drop cap: floated where
        // floats are known, then set with initial-letter where that is.
        let sheet = "@supports (float: left) {\n  p.opening::first-letter { float: left; font-size: 4em; }\n}\n@supports (initial-letter: 3) or (-webkit-initial-letter: 3) {\n  p.opening::first-letter { float: none; font-size: 1em; initial-letter: 3; }\n}\np.opening + * { clear: left; }\n";
        for reader in [Reader::Kindle, Reader::Rmsdk] {
            let safe = make_safe(sheet, reader);
            assert!(hazards(&safe, reader).is_empty(), "{safe}");
            // Unwrapped, the second rule set the initial back to 1 em, unfloated.
            assert!(!safe.contains("float: none"), "{safe}");
            assert!(!safe.contains("initial-letter"), "{safe}");
            assert!(
                safe.contains("p.opening::first-letter {\n  float: left;\n  font-size: 4em;\n}"),
                "{safe}"
            );
            assert!(
                safe.contains("p.opening + * {\n  clear: left;\n}"),
                "{safe}"
            );
        }
    }

    #[test]
    fn broken_sheets_do_not_loop_or_panic() {
        for css in [
            "p {",
            "}",
            "p { a: b",
            "@media x {",
            "\"unterminated",
            "/* open",
            ";;;",
        ] {
            let _ = make_safe(css, Reader::Kindle);
            let _ = hazards(css, Reader::Rmsdk);
        }
    }
}
