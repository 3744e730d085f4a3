//! What an import did: the files written and what each holds, what went
//! into book.toml and from where, and a warning, with its place in the
//! source, for every construct that could not be carried. The terminal
//! shows the warnings grouped by kind, as a build does; the book folder's
//! `import-report.txt` keeps every one.

use crate::diag::{Diagnostic, Location, Sink};

#[derive(Debug, Default)]
pub struct Report {
    /// The source file's name (`book.docx`).
    pub source: String,
    /// What was read and where it went, one line each.
    pub lines: Vec<String>,
    /// Constructs not carried, and other things the author should look at.
    pub warnings: Sink,
    /// Words of the source's text left out with a warning.
    pub words_left_out: usize,
    /// Words of the source's generated pages (title page, copyright page,
    /// imprint, colophon, contents) read into book.toml or left to quire,
    /// which makes its own.
    pub words_generated: usize,
}

/// A place in the source, as a warning shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// Nowhere in particular (the file as a whole).
    None,
    /// A file in the archive, with a line and column (an EPUB's XHTML).
    Xml {
        file: String,
        line: u32,
        column: u32,
    },
    /// A Word paragraph, counted from the document's start, with its first words.
    Paragraph { number: usize, words: String },
}

impl Report {
    pub fn new(source: &str) -> Report {
        Report {
            source: source.to_string(),
            ..Report::default()
        }
    }

    /// Notes what was read and where it went.
    pub fn line(&mut self, line: impl Into<String>) {
        self.lines.push(line.into());
    }

    /// Warns of a construct not carried (or carried differently), at its
    /// place; `words` of the source's text were left out with it.
    pub fn warn(&mut self, message: impl Into<String>, place: &Place, hint: &str, words: usize) {
        let mut message = message.into();
        let location = match place {
            Place::None => None,
            Place::Xml { file, line, column } => Some(Location {
                file: format!("{}/{file}", self.source),
                line: *line,
                column: *column,
            }),
            Place::Paragraph { number, words } => {
                message.push_str(&format!(" (paragraph {number}"));
                if !words.is_empty() {
                    message.push_str(&format!(", “{words}”"));
                }
                message.push(')');
                None
            }
        };
        if words > 0 {
            message.push_str(&format!(
                "; {words} word{} left out",
                if words == 1 { "" } else { "s" }
            ));
        }
        self.words_left_out += words;
        let mut diagnostic = Diagnostic::warning(message).at(location);
        if !hint.is_empty() {
            diagnostic = diagnostic.with_hint(hint);
        }
        self.warnings.push(diagnostic);
    }
}

/// The first few words of a text, for naming a paragraph in a message.
pub fn first_words(text: &str, count: usize) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut out = words[..words.len().min(count)].join(" ");
    if words.len() > count {
        out.push('…');
    }
    out
}

/// Words as `quire check` counts them: runs of letters and figures.
pub fn count_words(text: &str) -> usize {
    crate::check::words::words(text).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_name_their_place() {
        let mut report = Report::new("book.docx");
        report.warn(
            "a text box is not carried",
            &Place::Paragraph {
                number: 12,
                words: first_words("It was a dark and stormy night", 4),
            },
            "move its text into the body",
            7,
        );
        report.warn(
            "an equation is not carried",
            &Place::Xml {
                file: "OEBPS/ch1.xhtml".into(),
                line: 3,
                column: 9,
            },
            "",
            0,
        );
        assert_eq!(
            report.warnings[0].to_string(),
            "warning: a text box is not carried (paragraph 12, “It was a dark…”); 7 words left out\nhint: move its text into the body"
        );
        assert_eq!(
            report.warnings[1].to_string(),
            "warning: an equation is not carried\n  --> book.docx/OEBPS/ch1.xhtml:3:9"
        );
        assert_eq!(report.words_left_out, 7);
        assert_eq!(count_words("It’s a well-known fact — 12 of them."), 8);
    }
}
