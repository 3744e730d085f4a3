//! Words the author wrote in full capitals ("AND I ONLY AM ESCAPED", "NASA")
//! marked to be set in spaced small capitals, where the style asks: a book
//! sets acronyms and inscriptions so, as capitals at the text's size shout.
//! The mark goes into the model, so both editions agree.

use crate::model::{Block, BlockKind, Inline, Section, TextMark};

/// Marks the words in full capitals of every section's running text (not
/// headings, code, tables or the generated pages).
pub fn mark_capitals(sections: &mut [Section]) {
    for section in sections {
        blocks(&mut section.blocks);
        for note in &mut section.notes {
            blocks(&mut note.blocks);
        }
    }
}

fn blocks(list: &mut [Block]) {
    crate::model::walk_blocks_mut(list, &mut |block| match &mut block.kind {
        // Running text: display type (headings, titles) and tables keep their capitals.
        BlockKind::Paragraph { content, .. }
        | BlockKind::Verse { content, .. }
        | BlockKind::Term { content } => inlines(content),
        BlockKind::Heading { .. }
        | BlockKind::Display { .. }
        | BlockKind::Quote(_)
        | BlockKind::Div { .. }
        | BlockKind::List { .. }
        | BlockKind::Definitions(_)
        | BlockKind::Definition(_)
        | BlockKind::SceneBreak
        | BlockKind::PageBreak
        | BlockKind::Code { .. }
        | BlockKind::Figure { .. }
        | BlockKind::Contents(_)
        | BlockKind::Table { .. } => {}
    });
}

fn inlines(content: &mut Vec<Inline>) {
    let mut out = Vec::with_capacity(content.len());
    for inline in content.drain(..) {
        match inline {
            Inline::Text(text) => split(&text, &mut out),
            Inline::Emphasis(mut c) => {
                inlines(&mut c);
                out.push(Inline::Emphasis(c));
            }
            Inline::Strong(mut c) => {
                inlines(&mut c);
                out.push(Inline::Strong(c));
            }
            Inline::Link { url, mut content } => {
                inlines(&mut content);
                out.push(Inline::Link { url, content });
            }
            Inline::Language { tag, mut content } => {
                inlines(&mut content);
                out.push(Inline::Language { tag, content });
            }
            // A lead-in's capitals are small capitals like the rest of it.
            Inline::Marked {
                mark: TextMark::SmallCaps,
                mut content,
            } => {
                inlines(&mut content);
                out.push(Inline::Marked {
                    mark: TextMark::SmallCaps,
                    content,
                });
            }
            other => out.push(other),
        }
    }
    *content = out;
}

/// Whether a word is in full capitals: two or more letters, every letter a
/// capital (apostrophes and hyphens inside it allowed).
fn in_capitals(word: &str) -> bool {
    let letters = word.chars().filter(|c| c.is_alphabetic()).count();
    letters >= 2
        && word
            .chars()
            .filter(|c| c.is_alphabetic())
            .all(char::is_uppercase)
}

/// Splits text into plain runs and runs of words in capitals (with the
/// spaces and punctuation between such words kept inside the run).
fn split(text: &str, out: &mut Vec<Inline>) {
    // Words: maximal runs of letters, apostrophes and hyphens.
    let is_word = |c: char| c.is_alphabetic() || matches!(c, '’' | '\'' | '-');
    let mut pieces: Vec<(usize, usize, bool)> = Vec::new();
    let mut start = None;
    for (at, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        match (start, is_word(c) && at < text.len()) {
            (None, true) => start = Some(at),
            (Some(s), false) => {
                if in_capitals(&text[s..at]) {
                    pieces.push((s, at, true));
                }
                start = None;
            }
            _ => {}
        }
    }
    if pieces.is_empty() {
        out.push(Inline::Text(text.to_string()));
        return;
    }
    // Neighbouring words in capitals with only spaces or punctuation between them go together.
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s, e, _) in pieces {
        match merged.last_mut() {
            // "AND I ONLY": a lone capital between them goes with them too.
            Some(last)
                if text[last.1..s]
                    .chars()
                    .all(|c| !c.is_lowercase() && !c.is_numeric()) =>
            {
                last.1 = e
            }
            _ => merged.push((s, e)),
        }
    }
    let mut at = 0;
    for (s, e) in merged {
        if s > at {
            out.push(Inline::Text(text[at..s].to_string()));
        }
        out.push(Inline::Marked {
            mark: TextMark::Capitals,
            content: vec![Inline::Text(text[s..e].to_string())],
        });
        at = e;
    }
    if at < text.len() {
        out.push(Inline::Text(text[at..].to_string()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(text: &str) -> Vec<Inline> {
        let mut content = vec![Inline::Text(text.into())];
        inlines(&mut content);
        content
    }

    fn caps(text: &str) -> Inline {
        Inline::Marked {
            mark: TextMark::Capitals,
            content: vec![Inline::Text(text.into())],
        }
    }

    #[test]
    fn words_in_capitals_are_marked_and_the_text_kept() {
        assert_eq!(
            marked("“AND I ONLY AM ESCAPED ALONE TO TELL THEE” Job."),
            vec![
                Inline::Text("“".into()),
                caps("AND I ONLY AM ESCAPED ALONE TO TELL THEE"),
                Inline::Text("” Job.".into()),
            ]
        );
        // “NASA’s” has a lower-case letter: it is left as written.
        assert_eq!(
            marked("the BLM protests and NASA’s"),
            vec![
                Inline::Text("the ".into()),
                caps("BLM"),
                Inline::Text(" protests and NASA’s".into()),
            ]
        );
        // A lone capital (I, A) and ordinary words stay as they are.
        assert_eq!(
            marked("I said A word"),
            vec![Inline::Text("I said A word".into())]
        );
        assert_eq!(
            crate::model::plain_text(&marked("ГЛАВА ПЕРВАЯ, and more")),
            "ГЛАВА ПЕРВАЯ, and more"
        );
    }
}
