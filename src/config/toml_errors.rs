//! The TOML reader's errors said in an author's terms: what was written,
//! what was expected, and how to write it.

use super::*;

/// Rewrites serde/toml's messages into the author's terms, with a hint.
/// The key whose value starts at `offset` (the last `key =` before it on its
/// line) and the value's first characters, as written.
pub(super) fn written_at(text: &str, offset: usize) -> (String, String) {
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..offset];
    let key = before
        .rfind('=')
        .map(|eq| {
            let name = before[..eq].trim_end();
            let start = name
                .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'))
                .map_or(0, |i| i + 1);
            name[start..].to_string()
        })
        .unwrap_or_default();
    let value: String = text[offset..].chars().take(12).collect();
    (key, value)
}

/// A wrong value type, in the author's terms: what was written, what the key takes.
pub(super) fn wrong_type(found: &str, expected: &str, key: &str, value: &str) -> Diagnostic {
    let lists = [
        "authors",
        "keywords",
        "front-matter",
        "chapters",
        "back-matter",
    ];
    let expected = if lists.contains(&key) {
        format!("a list of strings, e.g. {key} = [\"…\", \"…\"]")
    } else if key == "contributors" {
        "a list of tables, e.g. contributors = [{ name = \"…\", role = \"illustrator\" }]".into()
    } else {
        match expected {
            "a sequence" => "a list in square brackets".into(),
            "f32" | "f64" => "a number".into(),
            "u8" | "u16" | "u32" | "u64" | "usize" | "i32" | "i64" => "a whole number".into(),
            "a boolean" => "true or false".into(),
            "a string" => "a string in double quotes".into(),
            other if other.starts_with("struct ") || other == "a map" => {
                format!("a table ([{key}] with keys under it)")
            }
            other => other.to_string(),
        }
    };
    // TOML reads an unquoted 2020-01-01 as a date-time, which serde calls a map.
    let date_like = value.len() >= 10 && value.as_bytes()[..4].iter().all(u8::is_ascii_digit);
    let found = match found.split_once(' ') {
        _ if found == "map" && date_like => "a TOML date".to_string(),
        _ if found == "map" => "a table".to_string(),
        _ if found == "sequence" => "a list".to_string(),
        Some(("floating", rest)) => format!("a number {}", rest.trim_start_matches("point ")),
        Some(("integer", rest)) => format!("a whole number {rest}"),
        Some(("string", rest)) => format!("a string {rest}"),
        Some(("boolean", rest)) => rest.to_string(),
        _ => found.to_string(),
    };
    let hint = if date_like && found == "a TOML date" {
        format!(
            "write the date as a string: {key} = \"{}\"",
            value.get(..10).unwrap_or(value)
        )
    } else {
        "see the book.toml reference in the README for each key's type".to_string()
    };
    let what = if key.is_empty() {
        String::new()
    } else {
        format!(" for `{key}`")
    };
    Diagnostic::error(format!("wrong type{what}: {found}, expected {expected}")).with_hint(hint)
}

pub(super) fn translate_toml_error(message: &str, written: Option<(String, String)>) -> Diagnostic {
    let message = message.trim();
    let first_line = message.lines().next().unwrap_or(message).trim();
    if first_line.starts_with("missing field `title`") {
        return Diagnostic::error("the book has no title")
            .with_hint("add a line such as title = \"Moby-Dick\" to manuscript/book.toml");
    }
    if let Some(rest) = first_line.strip_prefix("unknown field `") {
        let key = rest.split('`').next().unwrap_or(rest);
        let expected = rest
            .split_once("expected ")
            .map(|(_, e)| e.replace("one of ", ""));
        let hint = match expected {
            Some(expected) => format!("known keys here: {expected}"),
            None => "remove the key; the README lists every key".to_string(),
        };
        return Diagnostic::error(format!("unknown key `{key}` in book.toml")).with_hint(hint);
    }
    if let Some(rest) = first_line.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let (key, value) = written.unwrap_or_default();
        return wrong_type(found, expected, &key, &value);
    }
    if first_line.starts_with("unknown variant") {
        return Diagnostic::error(format!(
            "invalid value: {}",
            first_line.replace("unknown variant ", "")
        ))
        .with_hint("use one of the values listed above");
    }
    Diagnostic::error(format!("invalid TOML: {first_line}"))
        .with_hint("book.toml is TOML: key = \"value\", one per line; strings in double quotes")
}
