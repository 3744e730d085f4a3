//! Word's numbering (`numbering.xml`): each list level's format, and the
//! numbers a numbered list or heading gets, in digits, letters or words.

use super::*;

/// A list level's format and start.
#[derive(Debug, Clone)]
pub(super) struct Level {
    pub(super) bullet: bool,
    pub(super) format: String,
    pub(super) start: u32,
    pub(super) text: String,
    /// The level's left indent, in twentieths of a point.
    pub(super) indent: Option<i32>,
}

#[derive(Debug, Default)]
pub(super) struct Numbering {
    /// numId → the levels.
    pub(super) lists: HashMap<String, Vec<Level>>,
}

impl Numbering {
    pub(super) fn read(doc: &roxmltree::Document<'_>) -> Numbering {
        let root = doc.root_element();
        let mut abstracts: HashMap<String, Vec<Level>> = HashMap::new();
        for a in root.children().filter(|n| is(n, W, "abstractNum")) {
            let Some(id) = a.attribute((W, "abstractNumId")) else {
                continue;
            };
            abstracts.insert(id.to_string(), levels(&a));
        }
        let mut lists = HashMap::new();
        for num in root.children().filter(|n| is(n, W, "num")) {
            let (Some(id), Some(abs)) = (num.attribute((W, "numId")), val(&num, "abstractNumId"))
            else {
                continue;
            };
            let mut levels = abstracts.get(abs).cloned().unwrap_or_default();
            for over in num.children().filter(|c| is(c, W, "lvlOverride")) {
                let Some(l) = over
                    .attribute((W, "ilvl"))
                    .and_then(|l| l.parse::<usize>().ok())
                else {
                    continue;
                };
                if let Some(start) = val(&over, "startOverride").and_then(|s| s.parse().ok())
                    && let Some(level) = levels.get_mut(l)
                {
                    level.start = start;
                }
            }
            lists.insert(id.to_string(), levels);
        }
        Numbering { lists }
    }

    pub(super) fn level(&self, id: &str, level: u8) -> Option<&Level> {
        self.lists.get(id)?.get(usize::from(level))
    }
}

pub(super) fn levels(node: &Node<'_, '_>) -> Vec<Level> {
    let mut out: Vec<Level> = Vec::new();
    for lvl in node.children().filter(|n| is(n, W, "lvl")) {
        let index = lvl
            .attribute((W, "ilvl"))
            .and_then(|l| l.parse::<usize>().ok())
            .unwrap_or(out.len());
        let format = val(&lvl, "numFmt").unwrap_or("decimal").to_string();
        let mut indents = Style::default();
        if let Some(ppr) = lvl.children().find(|c| is(c, W, "pPr")) {
            read_paragraph_props(&ppr, &mut indents);
        }
        let level = Level {
            bullet: matches!(format.as_str(), "bullet" | "none"),
            start: val(&lvl, "start").and_then(|s| s.parse().ok()).unwrap_or(1),
            text: val(&lvl, "lvlText").unwrap_or("").to_string(),
            format,
            indent: indents.indent_left,
        };
        if out.len() <= index {
            out.resize(index + 1, level.clone());
        }
        out[index] = level;
    }
    out
}

/// A number in a list format (`decimal`, `upperRoman`, `lowerLetter`,
/// `cardinalText`).
pub(super) fn formatted(number: u32, format: &str, language: &str) -> String {
    match format {
        "upperRoman" => crate::model::numbering::roman(number),
        "lowerRoman" => crate::model::numbering::roman(number).to_lowercase(),
        "upperLetter" | "lowerLetter" => {
            let letter = char::from(b'A' + ((number.max(1) - 1) % 26) as u8);
            if format == "lowerLetter" {
                letter.to_ascii_lowercase().to_string()
            } else {
                letter.to_string()
            }
        }
        "cardinalText" | "ordinalText" => crate::model::numbering::number_word(number, language)
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                    .unwrap_or_default()
            })
            .unwrap_or_else(|| number.to_string()),
        _ => number.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_numbers_in_words_and_letters() {
        assert_eq!(formatted(4, "upperRoman", "en"), "IV");
        assert_eq!(formatted(2, "lowerLetter", "en"), "b");
        assert_eq!(formatted(3, "cardinalText", "en"), "Three");
        assert_eq!(formatted(12, "decimal", "en"), "12");
    }
}
