//! Books of odd shapes, generated at any size: one very long word (as an
//! author's name, in a heading, as a running head, in a paragraph, in a
//! note), one huge paragraph, thousands of notes cited in one paragraph, a
//! long table, deep nesting, a paragraph of one-letter words, a very long line
//! of verse, thousands of sections in one file, a long code block. The same
//! size always gives the same text. `benches/shapes.rs` times them at 1×, 2×
//! and 4× their size against budgets; `tests/shapes.rs` checks that small
//! ones grow linearly.
#![allow(dead_code)]

/// One shape of book.
pub struct Shape {
    pub name: &'static str,
    /// What the size counts ("letters", "bytes", "notes"…).
    pub unit: &'static str,
    /// The size the benchmark calls 1× (the budget's size where there is one).
    pub size: usize,
    /// The most the 1× book may take, in seconds (its extra time over the
    /// prose alone when `over_prose`).
    pub budget: Option<f64>,
    /// The shape is added to the prose chapter: what counts is the time it adds.
    pub over_prose: bool,
    /// The manuscript's files (book.toml and the chapters) at a size.
    pub files: fn(usize) -> Vec<(String, String)>,
}

pub const SHAPES: &[Shape] = &[
    Shape {
        name: "a word in a paragraph",
        unit: "letters",
        size: 8_000,
        budget: Some(1.0),
        over_prose: true,
        files: word_in_paragraph,
    },
    Shape {
        name: "a word in a heading",
        unit: "letters",
        size: 8_000,
        budget: Some(1.0),
        over_prose: true,
        files: word_in_heading,
    },
    Shape {
        name: "a word as the running head",
        unit: "letters",
        size: 8_000,
        budget: Some(1.0),
        over_prose: true,
        files: word_as_running_head,
    },
    Shape {
        name: "a word as the author",
        unit: "letters",
        size: 8_000,
        budget: Some(1.0),
        over_prose: true,
        files: word_as_author,
    },
    Shape {
        name: "a word in a note",
        unit: "letters",
        size: 8_000,
        budget: Some(1.0),
        over_prose: true,
        files: word_in_note,
    },
    Shape {
        name: "one paragraph",
        unit: "bytes",
        size: 1_000_000,
        budget: Some(3.0),
        over_prose: false,
        files: one_paragraph,
    },
    Shape {
        name: "notes cited in one paragraph",
        unit: "notes",
        size: 5_000,
        budget: Some(3.0),
        over_prose: false,
        files: notes_in_one_paragraph,
    },
    Shape {
        name: "a table",
        unit: "rows",
        size: 20_000,
        budget: None,
        over_prose: false,
        files: table,
    },
    Shape {
        name: "lists and quotes 50 deep",
        unit: "items",
        size: 5_000,
        budget: None,
        over_prose: false,
        files: deep_nesting,
    },
    Shape {
        name: "one-letter words in one paragraph",
        unit: "words",
        size: 100_000,
        budget: None,
        over_prose: false,
        files: tiny_words,
    },
    Shape {
        name: "a line of verse",
        unit: "bytes",
        size: 100_000,
        budget: None,
        over_prose: false,
        files: verse_line,
    },
    Shape {
        name: "sections in one file",
        unit: "sections",
        size: 2_000,
        budget: None,
        over_prose: false,
        files: sections,
    },
    Shape {
        name: "a code block",
        unit: "lines",
        size: 20_000,
        budget: None,
        over_prose: false,
        files: code_block,
    },
];

const TOML: &str = "title = \"Shapes\"\nauthors = [\"A. Writer\"]\ndate = \"2024-01-01\"\n";

/// Words a generated text is made of: common ones, and long ones that hyphenate.
const VOCABULARY: &[&str] = &[
    "the",
    "whale",
    "sea",
    "and",
    "of",
    "a",
    "to",
    "in",
    "his",
    "that",
    "with",
    "was",
    "it",
    "harpooneer",
    "voyage",
    "remarkable",
    "captain",
    "ocean",
    "white",
    "deep",
    "long",
    "ship",
    "nevertheless",
    "extraordinary",
    "circumstances",
    "understanding",
    "wonderful",
    "northern",
    "island",
    "morning",
    "water",
    "between",
    "strange",
    "anything",
    "mariners",
    "whaling",
];

/// Deterministic pseudo-random numbers (a linear congruential generator).
pub struct Dice(u64);

impl Dice {
    pub fn new(seed: u64) -> Dice {
        Dice(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
    }

    pub fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

/// About `bytes` of prose in sentences, with commas.
pub fn prose(bytes: usize, dice: &mut Dice) -> String {
    let mut text = String::with_capacity(bytes + 16);
    let mut sentence_start = true;
    while text.len() < bytes {
        if !text.is_empty() {
            text.push(' ');
        }
        let word = VOCABULARY[dice.below(VOCABULARY.len())];
        if sentence_start {
            let mut letters = word.chars();
            if let Some(first) = letters.next() {
                text.extend(first.to_uppercase());
                text.push_str(letters.as_str());
            }
        } else {
            text.push_str(word);
        }
        sentence_start = false;
        match dice.below(20) {
            0 => text.push(','),
            1 => {
                text.push('.');
                sentence_start = true;
            }
            _ => {}
        }
    }
    if !sentence_start {
        text.push('.');
    }
    text
}

/// A chapter of ordinary prose: thirty paragraphs, about 24 KB.
pub fn prose_chapter() -> String {
    let mut dice = Dice::new(1);
    let paragraphs: Vec<String> = (0..30).map(|_| prose(800, &mut dice)).collect();
    paragraphs.join("\n\n")
}

/// One word of `letters` letters, as a DNA string reads.
pub fn long_word(letters: usize) -> String {
    let mut dice = Dice::new(2);
    (0..letters)
        .map(|_| ['A', 'C', 'G', 'T'][dice.below(4)])
        .collect()
}

fn book(toml: &str, chapters: &[String]) -> Vec<(String, String)> {
    let mut files = vec![("manuscript/book.toml".to_string(), toml.to_string())];
    for (i, text) in chapters.iter().enumerate() {
        files.push((format!("manuscript/{:02}.md", i + 1), text.clone()));
    }
    files
}

/// The prose alone: what the word shapes add to.
pub fn prose_only() -> Vec<(String, String)> {
    book(TOML, &[format!("# One\n\n{}\n", prose_chapter())])
}

fn word_in_paragraph(letters: usize) -> Vec<(String, String)> {
    let word = long_word(letters);
    let chapter = format!(
        "# One\n\n{}\n\nThe name {word} was written.\n",
        prose_chapter()
    );
    book(TOML, &[chapter])
}

fn word_in_heading(letters: usize) -> Vec<(String, String)> {
    let word = long_word(letters);
    book(TOML, &[format!("# One {word}\n\n{}\n", prose_chapter())])
}

fn word_as_running_head(letters: usize) -> Vec<(String, String)> {
    let word = long_word(letters);
    let chapter = format!("# One {{short=\"{word}\"}}\n\n{}\n", prose_chapter());
    book(TOML, &[chapter])
}

fn word_as_author(letters: usize) -> Vec<(String, String)> {
    let word = long_word(letters);
    let toml = format!("title = \"Shapes\"\nauthors = [\"{word}\"]\ndate = \"2024-01-01\"\n");
    book(&toml, &[format!("# One\n\n{}\n", prose_chapter())])
}

fn word_in_note(letters: usize) -> Vec<(String, String)> {
    let word = long_word(letters);
    let chapter = format!(
        "# One\n\n{}\n\nA claim.[^1]\n\n[^1]: See {word}.\n",
        prose_chapter()
    );
    book(TOML, &[chapter])
}

fn one_paragraph(bytes: usize) -> Vec<(String, String)> {
    let mut dice = Dice::new(3);
    book(TOML, &[format!("# One\n\n{}\n", prose(bytes, &mut dice))])
}

fn notes_in_one_paragraph(notes: usize) -> Vec<(String, String)> {
    let mut dice = Dice::new(4);
    let mut text = String::from("# One\n\n");
    for i in 0..notes {
        text.push_str(&prose(40, &mut dice));
        text.push_str(&format!("[^{i}] "));
    }
    text.push_str("\n\n");
    for i in 0..notes {
        text.push_str(&format!("[^{i}]: {}\n\n", prose(30, &mut dice)));
    }
    book(TOML, &[text])
}

fn table(rows: usize) -> Vec<(String, String)> {
    let mut dice = Dice::new(5);
    let mut text = String::from("# One\n\n| Name | Count | Note |\n|---|---|---|\n");
    for i in 0..rows {
        let name = VOCABULARY[dice.below(VOCABULARY.len())];
        text.push_str(&format!(
            "| {name} {i} | {} | {} |\n",
            i * 3,
            prose(20, &mut dice)
        ));
    }
    book(TOML, &[text])
}

/// A list whose items go down 50 levels and back up, over and over, then a
/// quote 50 deep holding a paragraph for every tenth item.
fn deep_nesting(items: usize) -> Vec<(String, String)> {
    let mut dice = Dice::new(6);
    let mut text = String::from("# One\n\n");
    for i in 0..items {
        let depth = i % 50;
        text.push_str(&format!(
            "{}- {}\n",
            "  ".repeat(depth),
            prose(30, &mut dice)
        ));
    }
    text.push('\n');
    for _ in 0..items / 10 {
        text.push_str(&format!("{} {}\n\n", ">".repeat(50), prose(200, &mut dice)));
    }
    book(TOML, &[text])
}

fn tiny_words(words: usize) -> Vec<(String, String)> {
    let mut dice = Dice::new(7);
    let letters: Vec<String> = (0..words)
        .map(|_| char::from(b'a' + dice.below(26) as u8).to_string())
        .collect();
    book(TOML, &[format!("# One\n\n{}.\n", letters.join(" "))])
}

fn verse_line(bytes: usize) -> Vec<(String, String)> {
    let mut dice = Dice::new(8);
    let line = prose(bytes, &mut dice);
    let poem = format!("# One\n\n```verse\n{line}\nAnd a short line to end.\n```\n");
    book(TOML, &[poem])
}

fn sections(count: usize) -> Vec<(String, String)> {
    let mut dice = Dice::new(9);
    let mut text = String::new();
    for i in 0..count {
        text.push_str(&format!("# Section {i}\n\n{}\n\n", prose(300, &mut dice)));
    }
    book(TOML, &[text])
}

fn code_block(lines: usize) -> Vec<(String, String)> {
    let mut dice = Dice::new(10);
    let mut text = String::from("# One\n\n```\n");
    for i in 0..lines {
        let word = VOCABULARY[dice.below(VOCABULARY.len())];
        text.push_str(&format!("let {word}_{i} = {i} * {};\n", dice.below(1000)));
    }
    text.push_str("```\n");
    book(TOML, &[text])
}
