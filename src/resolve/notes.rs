//! Footnotes: labels checked against their definitions in the file that
//! cites them (with a hint naming the file that does define or cite one),
//! and numbered in each section in the order they are cited.

use super::*;

/// Warns of footnote labels that cannot be matched in file `index`: a
/// reference with no definition in its file (with a hint when another file
/// defines it), a definition another file cites, and a label defined twice.
pub(super) fn check_note_labels(
    index: usize,
    files: &[ManuscriptFile],
    parsed: &[Arc<ParsedFile>],
    defining: &NoteFiles<'_>,
    locate: &impl Fn(Span) -> crate::diag::Location,
    diagnostics: &mut Sink,
) {
    let here = &parsed[index];
    for (label, span) in &here.unmatched_notes {
        let elsewhere = defining.other_than(label, index);
        let hint = match elsewhere.map(|i| files[i].path.as_str()) {
            Some(other) => format!(
                "[^{label}] is defined in {other}, but notes belong to the file that cites them: move the definition into {}",
                files[index].path
            ),
            None => format!(
                "add a line such as [^{label}]: The note's text. to this file, or write \\[^{label}] to print the brackets"
            ),
        };
        diagnostics.push(
            Diagnostic::warning(format!(
                "footnote reference `[^{label}]` has no definition; it is printed as written"
            ))
            .at(Some(locate(*span)))
            .with_hint(hint),
        );
    }
    let mut first_of: HashMap<&str, usize> = HashMap::new();
    for (i, note) in here.notes.iter().enumerate() {
        let first = *first_of.entry(&note.label).or_insert(i);
        if first != i {
            let first = &here.notes[first];
            let first_at = locate(first.span);
            diagnostics.push(
                Diagnostic::warning(format!(
                    "footnote `[^{}]` is defined twice, here and at {first_at}; the first definition is used",
                    note.label
                ))
                .at(Some(locate(note.span)))
                .with_hint("delete one of the two definitions, or give them different labels"),
            );
        }
    }
}

/// Numbers footnotes in order of first reference and attaches their text
/// (the file's `definitions`; several sections of one file share them),
/// adding each label used to `cited`.
pub(super) fn number_notes(
    blocks: &mut [Block],
    definitions: &HashMap<&str, &[Block]>,
    cited: &mut std::collections::HashSet<String>,
    section_id: &str,
    file: &ManuscriptFile,
    diagnostics: &mut Sink,
) -> Vec<Footnote> {
    let mut order: Vec<String> = Vec::new();
    let mut numbered: HashMap<String, usize> = HashMap::new();
    let mut missing: Vec<String> = Vec::new();
    let mut missing_seen: std::collections::HashSet<String> = Default::default();
    let mut visit = |inline: &mut Inline| {
        if let Inline::NoteRef { note, label } = inline {
            let index = match numbered.get(label.as_str()) {
                Some(&i) => i,
                None => {
                    if !definitions.contains_key(label.as_str()) {
                        if missing_seen.insert(label.clone()) {
                            missing.push(label.clone());
                        }
                        // Keep the marker visible rather than dropping it silently.
                        *inline = Inline::Text(format!("[^{label}]"));
                        return;
                    }
                    order.push(label.clone());
                    numbered.insert(label.clone(), order.len() - 1);
                    order.len() - 1
                }
            };
            *note = index as u32;
            *label = (index + 1).to_string();
        }
    };
    crate::model::for_each_inline_mut(blocks, &mut visit);
    // (Only a reference parse could not see, such as one in a verse fence,
    // gets here: the reference is printed as written, as elsewhere.)
    let lines = (!missing.is_empty()).then(|| LineIndex::new(&file.text));
    // Where each label is first written, found in one pass over the file.
    let mut written_at: HashMap<&str, usize> = HashMap::new();
    if !missing.is_empty() {
        let closes: Vec<usize> = file.text.match_indices(']').map(|(at, _)| at).collect();
        for (at, _) in file.text.match_indices("[^") {
            if let Some(&end) = closes.get(closes.partition_point(|&c| c < at + 2)) {
                written_at.entry(&file.text[at + 2..end]).or_insert(at);
            }
        }
    }
    for label in &missing {
        let written = format!("[^{label}]");
        let (line, column) = match (written_at.get(label.as_str()), &lines) {
            (Some(&at), Some(lines)) => lines.line_column(&file.text, at),
            _ => (1, 1),
        };
        diagnostics.push(
            Diagnostic::warning(format!(
                "footnote reference `{written}` has no definition; it is printed as written"
            ))
            .at_file(&file.path, line, column)
            .with_hint(format!(
                "add a line such as {written}: The note's text. to this file, or write \\{written} to print the brackets"
            )),
        );
    }
    let mut notes = Vec::with_capacity(order.len());
    for (i, label) in order.into_iter().enumerate() {
        if let Some(blocks) = definitions.get(label.as_str()) {
            notes.push(Footnote {
                label: (i + 1).to_string(),
                anchor: format!("note-{section_id}-{}", i + 1),
                blocks: blocks.to_vec(),
            });
        }
        cited.insert(label);
    }
    notes
}

/// For each footnote label, the first two files (by index) that hold it (as
/// a definition, or as a reference they cannot match), so that a hint can
/// name another file at once.
pub(super) struct NoteFiles<'p> {
    pub(super) files: HashMap<&'p str, [Option<usize>; 2]>,
}

impl<'p> NoteFiles<'p> {
    pub(super) fn of<'a, I>(
        parsed: &'p [Arc<ParsedFile>],
        labels: impl Fn(&'p ParsedFile) -> I,
    ) -> NoteFiles<'p>
    where
        I: Iterator<Item = &'p str>,
    {
        let mut files: HashMap<&'p str, [Option<usize>; 2]> = HashMap::new();
        for (index, p) in parsed.iter().enumerate() {
            for label in labels(p) {
                let first_two = files.entry(label).or_default();
                match *first_two {
                    [None, _] => first_two[0] = Some(index),
                    [Some(first), None] if first != index => first_two[1] = Some(index),
                    _ => {}
                }
            }
        }
        NoteFiles { files }
    }

    /// The first file other than `except` that holds `label`.
    pub(super) fn other_than(&self, label: &str, except: usize) -> Option<usize> {
        self.files
            .get(label)?
            .iter()
            .flatten()
            .copied()
            .find(|&i| i != except)
    }
}
