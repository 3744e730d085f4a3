//! Diagnostics: what went wrong (or may be wrong) in the author's terms, with
//! file, line and column, and a hint on how to fix it. Every stage of the
//! pipeline reports them to one [`Sink`] per run; nothing in the pipeline
//! panics on bad input.

use std::fmt;

/// How serious a diagnostic is: errors stop the build, warnings are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

/// A place in a source file, 1-based, as editors count.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    /// Path relative to the project root, with `/` separators (`manuscript/book.toml`).
    pub file: String,
    pub line: u32,
    pub column: u32,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// One message for the author.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Lower-case, no trailing full stop: `image not found: art/map.png`.
    pub message: String,
    pub location: Option<Location>,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            location: None,
            hint: None,
        }
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message)
        }
    }

    pub fn at(mut self, location: Option<Location>) -> Self {
        self.location = location;
        self
    }

    /// Attaches a location given as a file and a 1-based line and column.
    pub fn at_file(mut self, file: impl Into<String>, line: u32, column: u32) -> Self {
        self.location = Some(Location {
            file: file.into(),
            line,
            column,
        });
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    /// The terminal form:
    ///
    /// ```text
    /// error: image not found: art/map.png
    ///   --> manuscript/03-voyage.md:12:5
    /// hint: paths are relative to manuscript/
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{label}: {}", Escaped(&self.message))?;
        if let Some(location) = &self.location {
            write!(
                f,
                "\n  --> {}:{}:{}",
                Escaped(&location.file),
                location.line,
                location.column
            )?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\nhint: {}", Escaped(hint))?;
        }
        Ok(())
    }
}

/// Text from the author's files shown in a message: control characters (an
/// escape sequence could rewrite the terminal, a newline forge a message) are
/// shown as `\u{1b}`, everything else as it is.
struct Escaped<'a>(&'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            if c.is_control() {
                write!(f, "\\u{{{:x}}}", c as u32)?;
            } else {
                fmt::Write::write_char(f, c)?;
            }
        }
        Ok(())
    }
}

/// Warnings of one kind shown in full before the rest are counted.
pub const SHOWN_PER_KIND: usize = 3;

impl Diagnostic {
    /// What kind of message this is: its words before the first quoted or
    /// named thing ("a word is wider than the line and was broken"), so that
    /// a hundred of one kind can be told as one.
    pub fn kind(&self) -> &str {
        let end = self
            .message
            .find([':', '“', '`', '(', '"'])
            .unwrap_or(self.message.len());
        self.message[..end].trim_end()
    }
}

/// The diagnostics as the terminal shows them: warnings first, errors last
/// (the reason for failing at the bottom); of each kind of warning the first
/// [`SHOWN_PER_KIND`] in full, then a line counting the rest. Errors are all shown.
pub fn grouped(diagnostics: &[Diagnostic]) -> Vec<String> {
    let mut sorted: Vec<&Diagnostic> = diagnostics.iter().collect();
    sorted.sort_by_key(|d| d.severity);
    let mut shown: Vec<(&str, usize)> = Vec::new();
    let mut out = Vec::new();
    for d in &sorted {
        if d.is_error() {
            out.push(d.to_string());
            continue;
        }
        let kind = d.kind();
        match shown.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, n)) => {
                *n += 1;
                if *n <= SHOWN_PER_KIND {
                    out.push(d.to_string());
                }
            }
            None => {
                shown.push((kind, 1));
                out.push(d.to_string());
            }
        }
    }
    // The counts go after the warnings they continue, before any error.
    let errors = out
        .iter()
        .rposition(|l| !l.starts_with("error"))
        .map_or(0, |i| i + 1);
    let counts: Vec<String> = shown
        .iter()
        .filter(|(_, n)| *n > SHOWN_PER_KIND)
        .map(|(kind, n)| {
            format!(
                "warning: {} more like “{}” ({n} in all; `quire check` counts them)",
                n - SHOWN_PER_KIND,
                Escaped(kind)
            )
        })
        .collect();
    out.splice(errors..errors, counts);
    out
}

/// The diagnostics of a failed stage: at least one error, possibly warnings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn new() -> Self {
        Diagnostics(Vec::new())
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.is_error())
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| !d.is_error())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(diagnostic: Diagnostic) -> Self {
        Diagnostics(vec![diagnostic])
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, diagnostic) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{diagnostic}")?;
        }
        Ok(())
    }
}

/// Where the stages of one run report what they found, warnings and
/// errors alike, in the order found: stage after stage, each in the book's
/// order (parallel workers report into sinks of their own, appended in the
/// book's order). The one way a stage reports; a stage whose errors stop
/// the run marks where it began ([`Sink::stage`]) and ends with
/// [`Sink::end_stage`], which fails with what that stage found, so a failed
/// build shows its failing stage's diagnostics, as each stage's own vector
/// used to. A pure function whose only finding is a fatal error may still
/// return `Result<_, Diagnostics>`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sink {
    found: Vec<Diagnostic>,
}

/// Where a stage began in its [`Sink`] (see [`Sink::end_stage`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stage(usize);

impl Sink {
    pub fn new() -> Sink {
        Sink::default()
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.found.push(diagnostic);
    }

    pub fn extend(&mut self, diagnostics: impl IntoIterator<Item = Diagnostic>) {
        self.found.extend(diagnostics);
    }

    /// What another sink found (a worker's, a layout pass's), after what this one holds.
    pub fn append(&mut self, mut other: Sink) {
        self.found.append(&mut other.found);
    }

    pub fn has_errors(&self) -> bool {
        self.found.iter().any(Diagnostic::is_error)
    }

    /// Marks the start of a stage whose errors stop the run.
    pub fn stage(&self) -> Stage {
        Stage(self.found.len())
    }

    /// Ends the stage begun at `stage`: when it found an error, takes what
    /// it found (its warnings too) out of the sink as the run's failure.
    pub fn end_stage(&mut self, stage: Stage) -> Result<(), Diagnostics> {
        let found = self.found.get(stage.0..).unwrap_or_default();
        if found.iter().any(Diagnostic::is_error) {
            return Err(Diagnostics(self.found.split_off(stage.0)));
        }
        Ok(())
    }

    /// Forgets what was found since `stage`: work tried and undone (an
    /// import's reading of a page quire makes itself), whose findings do not stand.
    pub fn forget_since(&mut self, stage: Stage) {
        self.found.truncate(stage.0);
    }

    /// The warnings of a run that succeeded, in the order found.
    pub fn into_warnings(self) -> Vec<Diagnostic> {
        self.found
    }
}

impl<'a> IntoIterator for &'a Sink {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.found.iter()
    }
}

/// What the sink holds so far, read as a slice (`len`, `iter`, `[i]`).
impl std::ops::Deref for Sink {
    type Target = [Diagnostic];

    fn deref(&self) -> &[Diagnostic] {
        &self.found
    }
}

/// Converts byte offsets of one text to 1-based line and column (columns count
/// characters, not bytes, as editors show them).
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { line_starts }
    }

    /// Line and column of `offset` in `text` (the text this index was built from).
    pub fn line_column(&self, text: &str, offset: usize) -> (u32, u32) {
        let offset = offset.min(text.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line];
        let column = text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (line as u32 + 1, column as u32 + 1)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn warnings_of_one_kind_are_counted_after_a_few() {
        let mut all: Vec<Diagnostic> = (1..=7)
            .map(|n| {
                Diagnostic::warning("raw HTML is set as text: `<hr>`").at_file(
                    "manuscript/01.md",
                    n,
                    1,
                )
            })
            .collect();
        all.push(Diagnostic::error("the manuscript has no chapters"));
        all.push(Diagnostic::warning(
            "the book has no date; its files are dated 2000-01-01",
        ));
        let lines = grouped(&all);
        assert_eq!(
            lines
                .iter()
                .filter(|l| l.contains("raw HTML is set as text: `<hr>`"))
                .count(),
            SHOWN_PER_KIND
        );
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("warning: 4 more like “raw HTML is set as text” (7 in all")),
            "{lines:?}"
        );
        assert!(lines.iter().any(|l| l.contains("no date")));
        assert!(
            lines
                .last()
                .unwrap()
                .starts_with("error: the manuscript has no chapters"),
            "{lines:?}"
        );
    }

    use super::*;

    #[test]
    fn renders_the_three_line_form() {
        let d = Diagnostic::error("image not found: art/map.png")
            .at_file("manuscript/03-voyage.md", 12, 5)
            .with_hint("paths are relative to manuscript/");
        assert_eq!(
            d.to_string(),
            "error: image not found: art/map.png\n  --> manuscript/03-voyage.md:12:5\nhint: paths are relative to manuscript/"
        );
    }

    #[test]
    fn a_failed_stage_fails_with_what_it_found_and_no_earlier_stage() {
        let mut sink = Sink::new();
        sink.push(Diagnostic::warning("the book has no date"));
        let stage = sink.stage();
        sink.push(Diagnostic::warning("raw HTML is set as text: `<hr>`"));
        sink.push(Diagnostic::error("the manuscript has no chapters"));
        let failed = sink.end_stage(stage).unwrap_err();
        let messages: Vec<&str> = failed.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "raw HTML is set as text: `<hr>`",
                "the manuscript has no chapters"
            ]
        );
        assert_eq!(sink.len(), 1);
    }

    #[test]
    fn a_sink_keeps_the_order_found_across_stages_and_workers() {
        let mut sink = Sink::new();
        sink.push(Diagnostic::warning("first"));
        let stage = sink.stage();
        let mut worker = Sink::new();
        worker.push(Diagnostic::warning("second"));
        let mut later = Sink::new();
        later.push(Diagnostic::warning("third"));
        sink.append(worker);
        sink.append(later);
        assert_eq!(sink.end_stage(stage), Ok(()));
        let order: Vec<String> = sink
            .into_warnings()
            .into_iter()
            .map(|d| d.message)
            .collect();
        assert_eq!(order, ["first", "second", "third"]);
    }

    #[test]
    fn line_index_counts_characters() {
        let text = "ab\n“cd” e\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_column(text, 0), (1, 1));
        assert_eq!(index.line_column(text, 3), (2, 1));
        let e = text.find('e').unwrap();
        assert_eq!(index.line_column(text, e), (2, 6));
    }
}
