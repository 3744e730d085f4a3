//! Heading anchors: the id an author gave, made XML-safe, or one made from
//! the heading's text; each unique in its file.

use super::*;

/// An id as written (`{#terms}`), kept when it is already XML-name-safe,
/// otherwise made so: spaces and other marks become `-`, a leading digit gets `s-`.
pub(super) fn slug_id(id: &str) -> String {
    let id = id.trim();
    let ok = id.starts_with(|c: char| c.is_ascii_alphabetic())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        return id.to_string();
    }
    let slugged = slug(id);
    if slugged.is_empty() {
        "section".to_string()
    } else {
        slugged
    }
}

/// An XML-name-safe anchor from heading text: `what-is-behind-the-rage`.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else {
            dash = true;
        }
    }
    // Cut at 60 characters, never leaving a dash at the end.
    let out: String = out.chars().take(60).collect();
    let out = out.trim_end_matches('-').to_string();
    if out.starts_with(|c: char| c.is_ascii_digit()) || out.starts_with(|c: char| !c.is_ascii()) {
        format!("s-{out}")
    } else {
        out
    }
}

impl Builder<'_> {
    /// The id an author gave a heading, made XML-safe; a second heading with the
    /// same id is a warning and gets the next free one.
    pub(super) fn given_anchor(&mut self, id: &str, offset: usize) -> String {
        let safe = slug_id(id);
        if safe != id {
            self.warn_at(
                offset,
                format!("the heading id `{id}` is used as `{safe}`"),
                "ids are letters, digits, `-` and `_`, starting with a letter",
            );
        }
        if self.anchors.contains(&safe) {
            self.warn_at(
                offset,
                format!("the heading id `{safe}` is used twice in this file"),
                "give each heading its own id; links reach the first one",
            );
        }
        let mut anchor = safe.clone();
        let mut n = 2;
        while self.anchors.contains(&anchor) {
            anchor = format!("{safe}-{n}");
            n += 1;
        }
        self.anchors.push(anchor.clone());
        anchor
    }

    pub(super) fn unique_anchor(&mut self, text: &str) -> String {
        let base = slug(text);
        let base = if base.is_empty() {
            "section".to_string()
        } else {
            base
        };
        let mut anchor = base.clone();
        let mut n = 2;
        while self.anchors.contains(&anchor) {
            anchor = format!("{base}-{n}");
            n += 1;
        }
        self.anchors.push(anchor.clone());
        anchor
    }
}
