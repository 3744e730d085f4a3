//! Pandoc's attribute blocks as quire reads them: on a heading's line
//! (`{-}`, `{.unlisted}`, `{short="…"}`) and on a fenced div's fence
//! (`::: {.epigraph lang=el}`), where pulldown-cmark reads none or not all.

/// What Pandoc's attribute block on a heading line says beyond its id.
#[derive(Debug, Default)]
pub(super) struct HeadingMarks {
    pub(super) unnumbered: bool,
    pub(super) unlisted: bool,
    /// A one-character token other than `-`, which pulldown-cmark drops unread.
    pub(super) unknown: bool,
}

pub(super) fn heading_marks(line: &str) -> HeadingMarks {
    let mut marks = HeadingMarks::default();
    let line = line.trim_end();
    let Some(open) = line.rfind('{').filter(|_| line.ends_with('}')) else {
        return marks;
    };
    for token in line[open + 1..line.len() - 1].split_ascii_whitespace() {
        match token {
            "-" | ".unnumbered" => marks.unnumbered = true,
            ".unlisted" => marks.unlisted = true,
            t if t.len() == 1 => marks.unknown = true,
            _ => {}
        }
    }
    marks
}

/// The value of `short="…"` (or `short=word`) in a heading's attribute block.
pub(super) fn short_attribute(line: &str) -> Option<String> {
    let block = &line[line.rfind('{')?..];
    let at = block.find("short=")? + "short=".len();
    let rest = &block[at..];
    let value = match rest.strip_prefix('"') {
        Some(quoted) => &quoted[..quoted.find('"')?],
        None => rest.split(|c: char| c.is_whitespace() || c == '}').next()?,
    };
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_string())
}

/// Pandoc's attributes, `{#id .class key=value key="a value"}`, read.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Attributes {
    pub(super) classes: Vec<String>,
    pub(super) id: Option<String>,
    pub(super) pairs: Vec<(String, String)>,
}

/// Reads the inside of an attribute block; `None` when it is not one (a
/// token that is neither `.class`, `#id` nor `key=value`, or nothing at all).
pub(super) fn read_attributes(inside: &str) -> Option<Attributes> {
    let name = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == ':')
    };
    let mut attributes = Attributes::default();
    let mut rest = inside.trim_start();
    while !rest.is_empty() {
        let token_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        if let Some(class) = rest.strip_prefix('.') {
            let class = &class[..token_end - 1];
            if !name(class) {
                return None;
            }
            attributes.classes.push(class.to_string());
            rest = &rest[token_end..];
        } else if let Some(id) = rest.strip_prefix('#') {
            let id = &id[..token_end - 1];
            if !name(id) {
                return None;
            }
            attributes.id = Some(id.to_string());
            rest = &rest[token_end..];
        } else {
            let (key, value) = rest.split_once('=')?;
            if !name(key) {
                return None;
            }
            let (value, after) = match value.strip_prefix(['"', '\'']) {
                Some(quoted) => {
                    let quote = value.as_bytes()[0] as char;
                    let close = quoted.find(quote)?;
                    (&quoted[..close], &quoted[close + 1..])
                }
                None => {
                    let end = value.find(char::is_whitespace).unwrap_or(value.len());
                    (&value[..end], &value[end..])
                }
            };
            if value.is_empty() || !(after.is_empty() || after.starts_with(char::is_whitespace)) {
                return None;
            }
            attributes.pairs.push((key.to_string(), value.to_string()));
            rest = after;
        }
        rest = rest.trim_start();
    }
    let empty =
        attributes.classes.is_empty() && attributes.id.is_none() && attributes.pairs.is_empty();
    (!empty).then_some(attributes)
}
