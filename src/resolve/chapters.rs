//! Chapter numbers: read from the headings when the author numbered them
//! ("Chapter 1. Loomings", "CHAPTER XLII.", "IX. The Sermon", "Letter IV",
//! "Part Two"), or counted by the model (chapters only, never front or back
//! matter; again from 1 in each part when the style asks) when the book
//! reads as chapters. The number leaves the heading and becomes the
//! chapter's label, which each style shows in its own form ("Chapter One",
//! "IX", "1") in both editions, so no chapter is numbered twice. A heading
//! that is only a number ("Chapter I", "IV") keeps no title line: the label
//! alone opens the chapter, and a `##` heading right after it is its title.
//!
//! Bare numbers ("I", "C.", "One") are read only when the book's bare
//! headings run in sequence: a dictionary's "C", "D" and "I" are letters.

use std::collections::HashSet;

use crate::model::numbering::{self, HeadingNumber, LabelForm, Unit, Written};
use crate::model::style::{LeadIn, NumberMode, Numbering};
use crate::model::{
    Block, BlockId, BlockKind, ChapterLabel, Inline, Section, SectionKind, TextMark, plain_text,
};

/// What the model knows of the sections beyond their kind.
pub struct Shapes<'a> {
    /// Ids of sections never numbered (matter, `{-}`, untitled openings).
    pub unnumbered: &'a HashSet<String>,
    /// The book's title and subtitle, which may say it is a collection.
    pub book_title: &'a str,
    pub language: &'a str,
}

/// Labels the chapters and the parts made from headings of `sections` (in
/// reading order).
pub fn number_chapters(sections: &mut [Section], numbering: Numbering, shapes: &Shapes<'_>) {
    if numbering.mode == NumberMode::Off {
        return;
    }
    let language = shapes.language;
    let candidate = |s: &Section| match s.kind {
        SectionKind::Chapter => !shapes.unnumbered.contains(&s.id),
        SectionKind::Part => s.source.is_some(),
        _ => false,
    };
    let mut readings: Vec<Option<HeadingNumber>> = sections
        .iter()
        .map(|s| {
            if !candidate(s) {
                return None;
            }
            let (text, _) = heading_text(s)?;
            let reading = numbering::read_number(&text, language)?;
            let is_part = reading.unit.is_some_and(Unit::is_part);
            (s.kind == SectionKind::Part && is_part || s.kind == SectionKind::Chapter)
                .then_some(reading)
        })
        .collect();
    // Bare numbers count only as a sequence: "I", "II", "III" (or "1", "One").
    let bare: Vec<u32> = readings
        .iter()
        .flatten()
        .filter(|r| r.is_bare())
        .map(|r| r.number)
        .collect();
    if !in_sequence(&bare) {
        for reading in &mut readings {
            if reading.is_some_and(|r| r.is_bare()) {
                *reading = None;
            }
        }
    }
    let by_author = sections
        .iter()
        .zip(&readings)
        .any(|(s, r)| s.kind == SectionKind::Chapter && r.is_some());
    let chapters = sections
        .iter()
        .filter(|s| candidate(s) && s.kind == SectionKind::Chapter);
    let count_them = !by_author
        && chapters.clone().count() >= 2
        && match numbering.mode {
            NumberMode::Always => true,
            NumberMode::Auto => reads_as_chapters(sections, shapes),
            NumberMode::Written | NumberMode::Off => false,
        };
    let mut count = 0;
    for (section, reading) in sections.iter_mut().zip(readings) {
        if section.kind == SectionKind::Part && numbering.restart_per_part {
            count = 0;
        }
        if !candidate(section) {
            continue;
        }
        let (number, unit) = match reading {
            Some(r) => (r.number, r.unit.unwrap_or(Unit::Chapter)),
            None if count_them && section.kind == SectionKind::Chapter => {
                count += 1;
                (count, Unit::Chapter)
            }
            None => continue,
        };
        let heading = heading_text(section).map(|(text, _)| text);
        let label = make_label(
            numbering.form,
            unit,
            number,
            reading,
            heading.as_deref(),
            language,
        );
        match reading {
            Some(r) => take_number(section, r, &label.1),
            None if heading.is_none() => label_alone(section, &label.1),
            None => {}
        }
        section.label = Some(label.0);
    }
}

/// Whether bare numbers read from headings run in sequence: two or more,
/// and at least two steps in three add one (or start again at one, in a
/// new part). A dictionary's "C", "D", "I", "L", "V", "X" do not.
fn in_sequence(numbers: &[u32]) -> bool {
    if numbers.len() < 2 {
        return false;
    }
    let steps = numbers
        .windows(2)
        .filter(|w| w[1] == w[0] + 1 || (w[1] == 1 && w[0] > 1))
        .count();
    steps * 3 >= (numbers.len() - 1) * 2
}

/// A dictionary's heading: a letter or two ("A", "Ch"), or a run of them ("X–Z").
pub fn is_letter_heading(title: &str) -> bool {
    let title = title.trim().trim_end_matches('.');
    let mut parts = title.split(['–', '-', '—']);
    let letters = |p: &str| {
        let p = p.trim();
        (1..=2).contains(&p.chars().count()) && p.chars().all(char::is_alphabetic)
    };
    parts.all(letters) && title.split(['–', '-', '—']).count() <= 2
}

/// Words in a book's title that say it gathers pieces rather than chapters.
const COLLECTION_WORDS: [&str; 24] = [
    "stories",
    "tales",
    "poems",
    "poetry",
    "verses",
    "sonnets",
    "essays",
    "sketches",
    "fables",
    "collected",
    "collection",
    "selected",
    "anthology",
    "fiction",
    "letters",
    "dictionary",
    "glossary",
    "lexicon",
    "erzählungen",
    "gedichte",
    "nouvelles",
    "poèmes",
    "cuentos",
    "рассказы",
];

/// Titled chapters beyond this many, none numbered, are a collection's pieces.
const MANY_PIECES: usize = 60;

/// Whether the author's unnumbered, titled sections are a book's chapters
/// (counted in `classic` and `modern`) rather than a dictionary's letters, a
/// collection's stories or poems. Chapters without titles always are.
fn reads_as_chapters(sections: &[Section], shapes: &Shapes<'_>) -> bool {
    let chapters: Vec<&Section> = sections
        .iter()
        .filter(|s| s.kind == SectionKind::Chapter && !shapes.unnumbered.contains(&s.id))
        .collect();
    let titles: Vec<String> = chapters
        .iter()
        .filter_map(|s| heading_text(s).map(|(t, _)| t.trim().to_string()))
        .collect();
    if titles.is_empty() {
        return true;
    }
    // A dictionary: "A", "B", "Ch", "X–Z".
    let letters = titles.iter().filter(|t| is_letter_heading(t)).count();
    if letters * 2 >= titles.len() {
        return false;
    }
    let title = shapes.book_title.to_lowercase();
    if title
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| COLLECTION_WORDS.contains(&w))
    {
        return false;
    }
    if titles.len() > MANY_PIECES {
        return false;
    }
    if verse_collection(sections, shapes.unnumbered) {
        return false;
    }
    // Stories in sections of their own ("## I", "## II").
    let sectioned = chapters
        .iter()
        .filter(|s| {
            s.blocks.iter().any(|b| {
                matches!(
                    b.kind,
                    BlockKind::Heading {
                        level: 2,
                        numeral: true,
                        ..
                    }
                )
            })
        })
        .count();
    sectioned < 2
}

/// Whether the chapters are mostly poems (more stanzas than paragraphs in
/// more than half of them): a poetry collection.
pub fn verse_collection(sections: &[Section], unnumbered: &HashSet<String>) -> bool {
    let chapters: Vec<&Section> = sections
        .iter()
        .filter(|s| s.kind == SectionKind::Chapter && !unnumbered.contains(&s.id))
        .collect();
    let verse = chapters
        .iter()
        .filter(|s| {
            let (mut stanzas, mut paragraphs) = (0, 0);
            crate::model::walk_blocks(&s.blocks, &mut |b| match b.kind {
                BlockKind::Verse { .. } => stanzas += 1,
                BlockKind::Paragraph { .. } => paragraphs += 1,
                _ => {}
            });
            stanzas > paragraphs
        })
        .count();
    verse * 2 > chapters.len()
}

/// The label and the title a chapter has when its heading holds nothing
/// else: ("Chapter One" over the title, "Chapter One" in the contents);
/// "IV" and "4" over the title read "Chapter IV" and "Chapter 4" alone.
fn make_label(
    form: Option<LabelForm>,
    unit: Unit,
    number: u32,
    reading: Option<HeadingNumber>,
    heading: Option<&str>,
    language: &str,
) -> (ChapterLabel, String) {
    // Parts take their noun in every form: a part labelled "2" reads as nothing.
    let form = match form {
        Some(LabelForm::Numeral) if unit.is_part() => Some(LabelForm::Words),
        Some(LabelForm::RomanNumeral) if unit.is_part() => Some(LabelForm::Roman),
        other => other,
    };
    let as_written = reading.zip(heading).map(|(r, h)| {
        let start = h.len() - h.trim_start().len();
        h[start..r.end]
            .trim_end_matches(['.', ':'])
            .trim()
            .to_string()
    });
    let roman = match form {
        Some(LabelForm::Roman | LabelForm::RomanNumeral) => true,
        Some(_) => false,
        None => reading.is_some_and(|r| r.written == Written::Roman),
    };
    let text = match (form, &as_written) {
        (Some(form), _) => numbering::label(form, unit, number, language),
        (None, Some(written)) => written.clone(),
        (None, None) => numbering::label(LabelForm::Arabic, unit, number, language),
    };
    let full_form = if roman {
        LabelForm::Roman
    } else if form == Some(LabelForm::Words) {
        LabelForm::Words
    } else {
        LabelForm::Arabic
    };
    let full = match (form, &as_written, reading) {
        // As written, with its noun: "CHAPTER XLII" is its own full label.
        (None, Some(written), Some(r)) if r.unit.is_some() => written.clone(),
        (Some(LabelForm::Words | LabelForm::Roman | LabelForm::Arabic), ..) => text.clone(),
        _ => numbering::label(full_form, unit, number, language),
    };
    let short = if roman {
        numbering::roman(number)
    } else {
        number.to_string()
    };
    (
        ChapterLabel {
            number,
            text,
            short,
        },
        full,
    )
}

/// Takes the number read from the heading out of it. A heading that was
/// only its number takes its title from a heading right after it
/// ("# Chapter I" then "## The Storm"), or keeps none: its label alone
/// opens the chapter and names it (`full`) in the contents.
fn take_number(section: &mut Section, reading: HeadingNumber, full: &str) {
    let Some((text, index)) = heading_text(section) else {
        return;
    };
    let rest = text[reading.rest..].trim();
    if !rest.is_empty() {
        strip_title(section, reading.rest);
        return;
    }
    let next_title = match section.blocks.get(index + 1) {
        Some(Block {
            kind:
                BlockKind::Heading {
                    level: 2 | 3,
                    content,
                    anchor,
                    numeral: false,
                },
            ..
        }) if !plain_text(content).trim().is_empty() => Some((content.clone(), anchor.clone())),
        _ => None,
    };
    if let BlockKind::Heading {
        content, anchor, ..
    } = &mut section.blocks[index].kind
    {
        match next_title {
            // The title keeps its own id, which links name more often than the number's.
            Some((title, title_anchor)) => {
                *content = title;
                *anchor = title_anchor;
                section.title = plain_text(content).trim().to_string();
                section.blocks.remove(index + 1);
            }
            None => {
                content.clear();
                section.title = full.to_string();
            }
        }
    }
}

/// A chapter without a heading, numbered: an empty title heading (so that
/// both editions open it with its label as its heading), named by the label.
fn label_alone(section: &mut Section, full: &str) {
    section.title = full.to_string();
    section.blocks.insert(
        0,
        Block {
            id: BlockId(0),
            kind: BlockKind::Heading {
                level: 1,
                anchor: crate::parse::slug(full),
                content: Vec::new(),
                numeral: false,
            },
            span: None,
        },
    );
}

/// Marks the headings inside sections that are only a number (`## II`,
/// `### 12`, `## Chapter IV`): section numbers, set centred, never entries
/// of the contents. Bare numbers in sequence only, as for chapters.
pub fn mark_numeral_headings(sections: &mut [Section], language: &str) {
    for section in sections {
        let numbers: Vec<(usize, HeadingNumber)> = section
            .blocks
            .iter()
            .enumerate()
            .filter_map(|(i, b)| match &b.kind {
                BlockKind::Heading { level, content, .. } if *level >= 2 => {
                    let text = plain_text(content);
                    numbering::read_number(&text, language)
                        .filter(|r| {
                            r.rest >= text.trim_end().len() && !r.unit.is_some_and(Unit::is_part)
                        })
                        .map(|r| (i, r))
                }
                _ => None,
            })
            .collect();
        let bare: Vec<u32> = numbers
            .iter()
            .filter(|(_, r)| r.is_bare())
            .map(|(_, r)| r.number)
            .collect();
        // One numeral alone ("## 1") is a section number too; letters are not.
        let bare_ok = in_sequence(&bare)
            || (bare.len() == 1
                && numbers
                    .iter()
                    .any(|(_, r)| r.is_bare() && r.written != Written::Roman));
        for (i, reading) in numbers {
            if reading.is_bare() && !bare_ok {
                continue;
            }
            if let BlockKind::Heading { numeral, .. } = &mut section.blocks[i].kind {
                *numeral = true;
            }
        }
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

    fn section(kind: SectionKind, id: &str, title: &str, blocks: Vec<Block>) -> Section {
        Section {
            kind,
            id: id.into(),
            title: title.into(),
            in_toc: true,
            running_head: None,
            label: None,
            blocks,
            notes: Vec::new(),
            source: Some(0),
        }
    }

    fn heading(level: u8, text: &str) -> Block {
        Block {
            id: BlockId(0),
            kind: BlockKind::Heading {
                level,
                anchor: String::new(),
                content: vec![Inline::Text(text.into())],
                numeral: false,
            },
            span: None,
        }
    }

    fn paragraph(text: &str) -> Block {
        Block {
            id: BlockId(0),
            kind: BlockKind::Paragraph {
                content: vec![Inline::Text(text.into())],
                indent: false,
            },
            span: None,
        }
    }

    fn chapter(title: &str) -> Section {
        let id = format!("c-{title}");
        section(
            SectionKind::Chapter,
            &id,
            title,
            vec![heading(1, title), paragraph("Text.")],
        )
    }

    fn numbering(form: LabelForm) -> Numbering {
        Numbering {
            form: Some(form),
            mode: NumberMode::Auto,
            restart_per_part: false,
        }
    }

    const PLAIN: Numbering = Numbering {
        form: None,
        mode: NumberMode::Written,
        restart_per_part: false,
    };

    fn number(book: &mut [Section], numbering: Numbering, language: &str) {
        number_as(book, numbering, language, "A Novel", &HashSet::new());
    }

    fn number_as(
        book: &mut [Section],
        numbering: Numbering,
        language: &str,
        title: &str,
        unnumbered: &HashSet<String>,
    ) {
        mark_numeral_headings(book, language);
        number_chapters(
            book,
            numbering,
            &Shapes {
                unnumbered,
                book_title: title,
                language,
            },
        );
    }

    fn labels(book: &[Section]) -> Vec<Option<&str>> {
        book.iter()
            .map(|s| s.label.as_ref().map(|l| l.text.as_str()))
            .collect()
    }

    fn title_text(section: &Section) -> String {
        match &section.blocks[0].kind {
            BlockKind::Heading { content, .. } => plain_text(content),
            _ => unreachable!(),
        }
    }

    #[test]
    fn counts_chapters_and_labels_them_in_the_language() {
        let mut book = vec![chapter("Loomings"), chapter("The Carpet-Bag")];
        number(&mut book, numbering(LabelForm::Words), "en");
        assert_eq!(book[1].label.as_ref().unwrap().text, "Chapter Two");
        assert_eq!(book[1].title, "The Carpet-Bag");
        let mut book = vec![chapter("Anfang"), chapter("Ende")];
        number(&mut book, numbering(LabelForm::Words), "de");
        assert_eq!(book[0].label.as_ref().unwrap().text, "Erstes Kapitel");
    }

    #[test]
    fn a_number_the_author_wrote_is_not_numbered_twice() {
        let mut book = vec![
            chapter("Etymology"),
            chapter("Chapter 1. Loomings"),
            chapter("Chapter 2. The Carpet-Bag"),
            chapter("Epilogue"),
        ];
        number(&mut book, numbering(LabelForm::Words), "en");
        assert!(book[0].label.is_none() && book[3].label.is_none());
        let label = book[1].label.as_ref().unwrap();
        assert_eq!((label.number, label.text.as_str()), (1, "Chapter One"));
        assert_eq!(book[1].title, "Loomings");
        assert_eq!(title_text(&book[1]), "Loomings");
        let mut book = vec![chapter("I. A Letter"), chapter("II. Mr. and Mrs. Ukridge")];
        number(&mut book, numbering(LabelForm::Roman), "en");
        assert_eq!(book[1].label.as_ref().unwrap().text, "Chapter II");
        assert_eq!(book[1].label.as_ref().unwrap().short, "II");
        assert_eq!(book[1].title, "Mr. and Mrs. Ukridge");
    }

    #[test]
    fn every_common_form_is_read_and_taken_out_of_the_title() {
        let cases = [
            ("Chapter I", 1, ""),
            ("CHAPTER I.", 1, ""),
            ("Chapter 1", 1, ""),
            ("Chapter One", 1, ""),
            ("Chapter the First", 1, ""),
            ("CHAPTER THE TWENTY-FIRST", 21, ""),
            ("Chapter XLII: The Title", 42, "The Title"),
            ("Chapter 3 — The Title", 3, "The Title"),
            ("Chap. IV. The Title", 4, "The Title"),
            ("Letter IV", 4, ""),
        ];
        for (written, number, title) in cases {
            let mut book = vec![chapter(written), chapter("Chapter 99. Another")];
            self::number(&mut book, numbering(LabelForm::Words), "en");
            let label = book[0]
                .label
                .as_ref()
                .unwrap_or_else(|| panic!("{written}"));
            assert_eq!(label.number, number, "{written}");
            assert_eq!(title_text(&book[0]), title, "{written}");
        }
    }

    #[test]
    fn a_heading_that_is_only_a_number_keeps_the_label_alone() {
        for form in [LabelForm::Words, LabelForm::Numeral] {
            let mut book = vec![chapter("Chapter I"), chapter("II")];
            number(&mut book, numbering(form), "en");
            let label = book[0].label.as_ref().unwrap();
            assert_eq!(title_text(&book[0]), "", "no title line");
            // The contents and the navigation name it in full, never "1".
            let full = if form == LabelForm::Words {
                "Chapter One"
            } else {
                "Chapter 1"
            };
            assert_eq!(book[0].title, full);
            assert_eq!(
                label.text,
                if form == LabelForm::Words {
                    "Chapter One"
                } else {
                    "1"
                }
            );
        }
        // Plain keeps the number as written.
        let mut book = vec![chapter("CHAPTER I."), chapter("CHAPTER II.")];
        number(&mut book, PLAIN, "en");
        assert_eq!(labels(&book), [Some("CHAPTER I"), Some("CHAPTER II")]);
        assert_eq!(book[0].title, "CHAPTER I");
        let mut book = vec![chapter("I"), chapter("II")];
        number(&mut book, PLAIN, "en");
        assert_eq!(labels(&book), [Some("I"), Some("II")]);
        assert_eq!(
            book[1].title, "Chapter II",
            "never a bare numeral in the contents"
        );
    }

    #[test]
    fn the_title_on_the_next_heading_line_is_the_chapters_title() {
        let mut first = chapter("Chapter I");
        first.blocks.insert(1, heading(2, "The Storm"));
        let mut book = vec![first, chapter("Chapter II")];
        number(&mut book, numbering(LabelForm::Words), "en");
        assert_eq!(title_text(&book[0]), "The Storm");
        assert_eq!(book[0].title, "The Storm");
        assert_eq!(
            book[0].blocks.len(),
            2,
            "the second heading became the title"
        );
        let mut broken = chapter("x");
        broken.blocks[0] = Block {
            kind: BlockKind::Heading {
                level: 1,
                anchor: String::new(),
                content: vec![
                    Inline::Text("CHAPTER I.".into()),
                    Inline::LineBreak,
                    Inline::Emphasis(vec![Inline::Text("The Storm".into())]),
                ],
                numeral: false,
            },
            ..broken.blocks[0].clone()
        };
        let mut book = vec![broken, chapter("CHAPTER II.")];
        number(&mut book, numbering(LabelForm::Words), "en");
        assert_eq!(book[0].label.as_ref().unwrap().text, "Chapter One");
        assert_eq!(title_text(&book[0]), "The Storm");
    }

    #[test]
    fn bare_numbers_only_in_sequence() {
        let mut book: Vec<Section> = ["I", "II", "III", "IV"].map(chapter).into();
        number(&mut book, numbering(LabelForm::Words), "en");
        assert_eq!(labels(&book)[3], Some("Chapter Four"));
        let mut book: Vec<Section> = ["One", "Two", "Three"].map(chapter).into();
        number(&mut book, numbering(LabelForm::Roman), "en");
        assert_eq!(
            labels(&book),
            [Some("Chapter I"), Some("Chapter II"), Some("Chapter III")]
        );
        // A dictionary's letters: C, D, I, L, M, V, X are letters here, and no chapters.
        let mut book: Vec<Section> = ('A'..='Z').map(|c| chapter(&c.to_string())).collect();
        number(&mut book, numbering(LabelForm::Words), "en");
        assert!(
            book.iter().all(|s| s.label.is_none()),
            "{:?}",
            labels(&book)
        );
        assert!(book.iter().all(|s| title_text(s).len() == 1));
    }

    #[test]
    fn collections_are_not_counted_unless_asked() {
        let stories =
            || -> Vec<Section> { ["The Gift", "The Cop", "The Leaf"].map(chapter).into() };
        let mut book = stories();
        number_as(
            &mut book,
            numbering(LabelForm::Words),
            "en",
            "Selected Stories",
            &HashSet::new(),
        );
        assert!(book.iter().all(|s| s.label.is_none()));
        let mut book = stories();
        let always = Numbering {
            mode: NumberMode::Always,
            ..numbering(LabelForm::Words)
        };
        number_as(&mut book, always, "en", "Selected Stories", &HashSet::new());
        assert_eq!(labels(&book)[2], Some("Chapter Three"));
        // Stories with their own numbered sections.
        let mut book = stories();
        for story in &mut book[..2] {
            story.blocks.insert(1, heading(2, "I"));
            story.blocks.push(heading(2, "II"));
        }
        number(&mut book, numbering(LabelForm::Words), "en");
        assert!(book.iter().all(|s| s.label.is_none()));
        assert!(matches!(
            book[0].blocks[1].kind,
            BlockKind::Heading { numeral: true, .. }
        ));
        // Plain never invents a number.
        let mut book = vec![chapter("Loomings"), chapter("The Carpet-Bag")];
        number(&mut book, PLAIN, "en");
        assert!(book.iter().all(|s| s.label.is_none()));
    }

    #[test]
    fn matter_and_marked_chapters_are_never_numbered() {
        let mut book = vec![
            chapter("Prologue"),
            chapter("The Storm"),
            chapter("The Calm"),
        ];
        let unnumbered = HashSet::from([book[0].id.clone()]);
        number_as(
            &mut book,
            numbering(LabelForm::Words),
            "en",
            "A Novel",
            &unnumbered,
        );
        assert_eq!(
            labels(&book),
            [None, Some("Chapter One"), Some("Chapter Two")]
        );
    }

    #[test]
    fn an_untitled_chapter_is_named_by_its_label() {
        let mut untitled = chapter("Call me Ishmael. Some years ago…");
        untitled.blocks.remove(0);
        let mut other = chapter("Two");
        other.blocks.remove(0);
        let mut book = vec![untitled, other];
        number(&mut book, numbering(LabelForm::Words), "fr");
        assert_eq!(book[0].title, "Chapitre premier");
        // Its label is its heading, in both editions.
        assert_eq!(title_text(&book[0]), "");
    }

    #[test]
    fn off_and_single_chapters_are_left_alone() {
        let mut book = vec![chapter("Chapter 1"), chapter("Chapter 2")];
        let off = Numbering {
            form: None,
            mode: NumberMode::Off,
            restart_per_part: false,
        };
        number(&mut book, off, "en");
        assert!(book.iter().all(|s| s.label.is_none()));
        assert_eq!(title_text(&book[0]), "Chapter 1");
        let mut essay = vec![chapter("None of Us Are Free")];
        number(&mut essay, numbering(LabelForm::Arabic), "en");
        assert!(essay[0].label.is_none());
    }

    #[test]
    fn lead_ins_wrap_the_first_words_in_small_caps() {
        let mut book = vec![chapter("Loomings")];
        book[0].blocks.pop();
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
    fn parts_restart_when_asked_and_part_headings_are_labelled() {
        let part = |title: &str| Section {
            kind: SectionKind::Part,
            source: None,
            ..chapter(title)
        };
        let mut book = vec![
            part("Part"),
            chapter("Loomings"),
            chapter("The Carpet-Bag"),
            part("Part"),
            chapter("The Spouter-Inn"),
        ];
        let by_part = Numbering {
            restart_per_part: true,
            ..numbering(LabelForm::Arabic)
        };
        number(&mut book, by_part, "en");
        assert_eq!(book[4].label.as_ref().unwrap().number, 1);
        number(&mut book, numbering(LabelForm::Arabic), "en");
        assert_eq!(book[4].label.as_ref().unwrap().number, 3);
        // A part made from a heading ("Part Two: The Sea") is labelled with its noun, even in modern.
        let mut heading_part = chapter("Part Two: The Sea");
        heading_part.kind = SectionKind::Part;
        let mut book = vec![
            heading_part,
            chapter("Chapter 1. A"),
            chapter("Chapter 2. B"),
        ];
        number(&mut book, numbering(LabelForm::Numeral), "en");
        assert_eq!(labels(&book), [Some("Part Two"), Some("1"), Some("2")]);
        assert_eq!(book[0].title, "The Sea");
    }

    #[test]
    fn letter_headings() {
        for letter in ["A", "Ch", "X–Z", "Q.", "Ll"] {
            assert!(is_letter_heading(letter), "{letter}");
        }
        for title in ["Fog", "Sea", "The A", "A–B–C", "12", ""] {
            assert!(!is_letter_heading(title), "{title}");
        }
    }
}
