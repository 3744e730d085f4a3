//! Chapter numbers: counted by the model (chapters only, not front or back
//! matter; again from 1 in each part when the style asks), or read from the
//! headings when the author already numbered them ("Chapter 1. Loomings",
//! "IX. The Sermon"), so no chapter is numbered twice. The number leaves the
//! heading's text and becomes the chapter's label, which each style shows in
//! its own form ("Chapter One", "IX", "1") in both editions.

use crate::model::numbering::{self, LabelForm};
use crate::model::style::{LeadIn, Numbering};
use crate::model::{BlockKind, ChapterLabel, Inline, Section, SectionKind, TextMark, plain_text};

/// Labels the chapters of `sections` (in reading order, part pages included).
pub fn number_chapters(sections: &mut [Section], numbering: Numbering, language: &str) {
    let Some(form) = numbering.form else { return };
    let chapters = sections
        .iter()
        .filter(|s| s.kind == SectionKind::Chapter)
        .count();
    // One chapter (an essay) is not "Chapter One".
    if chapters < 2 {
        return;
    }
    let written: Vec<Option<(u32, usize)>> = sections
        .iter()
        .map(|s| {
            if s.kind != SectionKind::Chapter {
                return None;
            }
            let (text, _) = heading_text(s)?;
            let (number, rest) = numbering::leading_number(&text, language)?;
            // A heading that is nothing but its number stays as written.
            (rest < text.len() && !text[rest..].trim().is_empty()).then_some((number, rest))
        })
        .collect();
    let by_author = written.iter().any(Option::is_some);
    let short = |n: u32| match form {
        LabelForm::Roman | LabelForm::RomanNumeral => numbering::roman(n),
        _ => n.to_string(),
    };
    let mut count = 0;
    for (section, written) in sections.iter_mut().zip(written) {
        if section.kind == SectionKind::Part && numbering.restart_per_part && !by_author {
            count = 0;
        }
        if section.kind != SectionKind::Chapter {
            continue;
        }
        let number = if by_author {
            // Numbered by the author: the others (a prologue, "Etymology") stay unnumbered.
            let Some((number, rest)) = written else {
                continue;
            };
            strip_title(section, rest);
            number
        } else {
            count += 1;
            count
        };
        let text = numbering::chapter_label(form, number, language);
        // A chapter without a heading is named by its label (not its first words)
        // in the contents, the navigation and the bookmarks.
        if heading_text(section).is_none() {
            section.title = text.clone();
        }
        section.label = Some(ChapterLabel {
            number,
            text,
            short: short(number),
        });
    }
}

/// Opens each chapter's first paragraph with small capitals, as far as the
/// style's lead-in goes (a word boundary), in both editions.
pub fn lead_ins(sections: &mut [Section], lead_in: LeadIn) {
    if lead_in == LeadIn::None {
        return;
    }
    for section in sections {
        let Some(index) = crate::model::style::opening_paragraph(section) else {
            continue;
        };
        if let BlockKind::Paragraph { content, .. } = &mut section.blocks[index].kind {
            // The lead-in is words of the text: it stops before code, a link or a note.
            let mut plain = 0;
            for inline in content.iter() {
                match inline {
                    Inline::Text(_) | Inline::Emphasis(_) | Inline::Strong(_) => {
                        plain += plain_text(std::slice::from_ref(inline)).len();
                    }
                    _ => break,
                }
            }
            let text = plain_text(content);
            let text = &text[..plain];
            let end = crate::model::style::lead_in_end(text);
            let chars = text[..end].chars().count();
            if chars > 0 {
                let rest = split_off_chars(content, chars);
                let lead = std::mem::replace(content, rest);
                content.insert(
                    0,
                    Inline::Marked {
                        mark: TextMark::SmallCaps,
                        content: lead,
                    },
                );
            }
        }
    }
}

/// Splits inlines after `chars` characters of text: `content` keeps the
/// first part, the rest is returned (wrappers such as emphasis are split in two).
fn split_off_chars(content: &mut Vec<Inline>, chars: usize) -> Vec<Inline> {
    let mut left = chars;
    let mut i = 0;
    while i < content.len() {
        if left == 0 {
            return content.split_off(i);
        }
        let length = plain_text(std::slice::from_ref(&content[i]))
            .chars()
            .count();
        if length <= left {
            left -= length;
            i += 1;
            continue;
        }
        // The split falls inside this inline.
        let tail = match &mut content[i] {
            Inline::Text(t) => {
                let at = t.char_indices().nth(left).map_or(t.len(), |(at, _)| at);
                Some(Inline::Text(t.split_off(at)))
            }
            Inline::Emphasis(c) => Some(Inline::Emphasis(split_off_chars(c, left))),
            Inline::Strong(c) => Some(Inline::Strong(split_off_chars(c, left))),
            Inline::Marked { mark, content: c } => Some(Inline::Marked {
                mark: *mark,
                content: split_off_chars(c, left),
            }),
            // A link or code is not split: the lead-in takes it whole.
            _ => None,
        };
        let mut rest = content.split_off(i + 1);
        if let Some(tail) = tail {
            rest.insert(0, tail);
        }
        return rest;
    }
    Vec::new()
}

/// The text of a section's title heading, and its index.
fn heading_text(section: &Section) -> Option<(String, usize)> {
    section
        .blocks
        .iter()
        .position(|b| matches!(b.kind, BlockKind::Heading { level: 1, .. }))
        .filter(|&i| i == 0)
        .and_then(|i| match &section.blocks[i].kind {
            BlockKind::Heading { content, .. } => Some((plain_text(content), i)),
            _ => None,
        })
}

/// Takes the first `bytes` of the heading's text (its number) off the heading and the title.
fn strip_title(section: &mut Section, bytes: usize) {
    let Some((text, index)) = heading_text(section) else {
        return;
    };
    let chars = text[..bytes].chars().count();
    if let BlockKind::Heading { content, .. } = &mut section.blocks[index].kind {
        crate::model::drop_leading_chars(content, chars);
        trim_start(content);
        let title = plain_text(content).trim().to_string();
        if !title.is_empty() {
            section.title = title;
        }
    }
}

/// Spaces and a line break left at the start once the number is gone.
fn trim_start(content: &mut Vec<Inline>) {
    while let Some(first) = content.first_mut() {
        match first {
            Inline::LineBreak => {
                content.remove(0);
            }
            Inline::Text(t) if t.trim_start().is_empty() => {
                content.remove(0);
            }
            Inline::Text(t) => {
                let trimmed = t.trim_start().to_string();
                *t = trimmed;
                return;
            }
            Inline::Emphasis(c) | Inline::Strong(c) => {
                trim_start(c);
                return;
            }
            _ => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Block, BlockId};

    fn chapter(title: &str) -> Section {
        Section {
            kind: SectionKind::Chapter,
            id: String::new(),
            title: title.into(),
            in_toc: true,
            running_head: None,
            label: None,
            blocks: vec![Block {
                id: BlockId(0),
                kind: BlockKind::Heading {
                    level: 1,
                    anchor: String::new(),
                    content: vec![Inline::Text(title.into())],
                },
                span: None,
            }],
            notes: Vec::new(),
            source: None,
        }
    }

    fn numbering(form: LabelForm) -> Numbering {
        Numbering {
            form: Some(form),
            restart_per_part: false,
        }
    }

    #[test]
    fn counts_chapters_and_labels_them_in_the_language() {
        let mut book = vec![chapter("Loomings"), chapter("The Carpet-Bag")];
        number_chapters(&mut book, numbering(LabelForm::Words), "en");
        assert_eq!(book[1].label.as_ref().unwrap().text, "Chapter Two");
        assert_eq!(book[1].title, "The Carpet-Bag");
        let mut book = vec![chapter("Anfang"), chapter("Ende")];
        number_chapters(&mut book, numbering(LabelForm::Words), "de");
        assert_eq!(book[0].label.as_ref().unwrap().text, "Erstes Kapitel");
    }

    #[test]
    fn a_number_the_author_wrote_is_not_numbered_twice() {
        let mut book = vec![
            chapter("Etymology"),
            chapter("Chapter 1. Loomings"),
            chapter("Chapter 2. The *Carpet*-Bag"),
            chapter("Epilogue"),
        ];
        number_chapters(&mut book, numbering(LabelForm::Words), "en");
        assert!(book[0].label.is_none() && book[3].label.is_none());
        let label = book[1].label.as_ref().unwrap();
        assert_eq!((label.number, label.text.as_str()), (1, "Chapter One"));
        assert_eq!(book[1].title, "Loomings");
        let BlockKind::Heading { content, .. } = &book[1].blocks[0].kind else {
            unreachable!()
        };
        assert_eq!(content, &vec![Inline::Text("Loomings".into())]);
        let mut book = vec![chapter("I. A Letter"), chapter("II. Mr. and Mrs. Ukridge")];
        number_chapters(&mut book, numbering(LabelForm::Roman), "en");
        assert_eq!(book[1].label.as_ref().unwrap().text, "Chapter II");
        assert_eq!(book[1].label.as_ref().unwrap().short, "II");
        assert_eq!(book[1].title, "Mr. and Mrs. Ukridge");
    }

    #[test]
    fn an_untitled_chapter_is_named_by_its_label() {
        let mut untitled = chapter("Call me Ishmael. Some years ago…");
        untitled.blocks.clear();
        let mut book = vec![untitled, chapter("Two")];
        number_chapters(&mut book, numbering(LabelForm::Words), "fr");
        assert_eq!(book[0].title, "Chapitre premier");
        assert_eq!(book[1].title, "Two");
    }

    #[test]
    fn off_and_single_chapters_are_left_alone() {
        let mut book = vec![chapter("A"), chapter("B")];
        let off = Numbering {
            form: None,
            restart_per_part: false,
        };
        number_chapters(&mut book, off, "en");
        assert!(book.iter().all(|s| s.label.is_none()));
        let mut essay = vec![chapter("None of Us Are Free")];
        number_chapters(&mut essay, numbering(LabelForm::Arabic), "en");
        assert!(essay[0].label.is_none());
    }

    #[test]
    fn lead_ins_wrap_the_first_words_in_small_caps() {
        let mut book = vec![chapter("Loomings")];
        book[0].blocks.push(Block {
            id: BlockId(1),
            kind: BlockKind::Paragraph {
                content: vec![
                    Inline::Emphasis(vec![Inline::Text("Call me".into())]),
                    Inline::Text(" Ishmael. Some years".into()),
                ],
                indent: false,
            },
            span: None,
        });
        lead_ins(&mut book, LeadIn::Words);
        let BlockKind::Paragraph { content, .. } = &book[0].blocks[1].kind else {
            unreachable!()
        };
        assert_eq!(
            content,
            &vec![
                Inline::Marked {
                    mark: TextMark::SmallCaps,
                    content: vec![
                        Inline::Emphasis(vec![Inline::Text("Call me".into())]),
                        Inline::Text(" Ishmael.".into()),
                    ],
                },
                Inline::Text(" Some years".into()),
            ]
        );
    }

    #[test]
    fn parts_restart_when_asked() {
        let part = || Section {
            kind: SectionKind::Part,
            ..chapter("Part")
        };
        let mut book = vec![part(), chapter("A"), chapter("B"), part(), chapter("C")];
        let by_part = Numbering {
            form: Some(LabelForm::Arabic),
            restart_per_part: true,
        };
        number_chapters(&mut book, by_part, "en");
        assert_eq!(book[4].label.as_ref().unwrap().number, 1);
        number_chapters(&mut book, numbering(LabelForm::Arabic), "en");
        assert_eq!(book[4].label.as_ref().unwrap().number, 3);
    }
}
