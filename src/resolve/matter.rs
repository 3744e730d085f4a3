//! The generated front matter: half title, title page, copyright page (notice,
//! first-publication note, credits, ISBNs, publisher), the dedication and
//! epigraph book.toml gives, the contents, and part title pages.

use crate::model::{
    Block, BlockId, BlockKind, ContentsEntry, DisplayRole, Inline, Meta, Section, SectionKind,
    plain_text,
};

/// Ids of the generated sections; written sections get other ids.
pub const GENERATED_IDS: [&str; 4] = ["half-title", "title-page", "copyright", "contents"];

fn display(role: DisplayRole, text: &str) -> Block {
    Block {
        id: BlockId(0),
        kind: BlockKind::Display {
            role,
            content: vec![Inline::Text(text.to_string())],
        },
        span: None,
    }
}

fn generated(kind: SectionKind, id: &str, title: &str, blocks: Vec<Block>) -> Section {
    Section {
        kind,
        id: id.to_string(),
        title: title.to_string(),
        in_toc: false,
        running_head: None,
        label: None,
        blocks,
        notes: Vec::new(),
        source: None,
    }
}

/// Half title, title page, copyright page and an empty contents page (filled
/// by [`fill_contents`] once every section is known).
pub fn front_matter(meta: &Meta) -> Vec<Section> {
    let half_title = generated(
        SectionKind::HalfTitle,
        GENERATED_IDS[0],
        &meta.title,
        vec![display(DisplayRole::BookTitle, &meta.title)],
    );

    let mut title_page = vec![display(DisplayRole::BookTitle, &meta.title)];
    if let Some(subtitle) = &meta.subtitle {
        title_page.push(display(DisplayRole::Subtitle, subtitle));
    }
    if !meta.authors.is_empty() {
        title_page.push(display(DisplayRole::Author, &meta.author_line()));
    }
    if let Some(publisher) = &meta.publisher {
        title_page.push(display(DisplayRole::Publisher, publisher));
    }

    let mut copyright = vec![display(DisplayRole::Notice, &meta.full_title())];
    if let Some(rights) = &meta.rights {
        copyright.push(display(DisplayRole::Notice, rights));
    }
    if let Some(note) = &meta.first_publication {
        copyright.push(display(DisplayRole::Notice, note));
    }
    for contributor in &meta.contributors {
        copyright.push(display(
            DisplayRole::Credit,
            &format!("{} {}.", contributor.role.credit_prefix(), contributor.name),
        ));
    }
    if let Some(isbn) = &meta.isbn_print {
        copyright.push(display(
            DisplayRole::Notice,
            &format!("ISBN {isbn} (paperback)"),
        ));
    }
    if let Some(isbn) = &meta.isbn_ebook {
        copyright.push(display(
            DisplayRole::Notice,
            &format!("ISBN {isbn} (ebook)"),
        ));
    }
    if let Some(publisher) = &meta.publisher {
        copyright.push(display(DisplayRole::Publisher, publisher));
    }

    vec![
        half_title,
        generated(
            SectionKind::TitlePage,
            GENERATED_IDS[1],
            &meta.title,
            title_page,
        ),
        generated(
            SectionKind::Copyright,
            GENERATED_IDS[2],
            "Copyright",
            copyright,
        ),
        generated(
            SectionKind::Contents,
            GENERATED_IDS[3],
            "Contents",
            vec![
                Block {
                    id: BlockId(0),
                    kind: BlockKind::Heading {
                        level: 1,
                        anchor: "contents".into(),
                        content: vec![Inline::Text("Contents".into())],
                        numeral: false,
                    },
                    span: None,
                },
                Block {
                    id: BlockId(0),
                    kind: BlockKind::Contents(Vec::new()),
                    span: None,
                },
            ],
        ),
    ]
}

/// Inline Markdown of a line from book.toml (emphasis, smart quotes).
fn inline_markdown(text: &str) -> Vec<Inline> {
    let parsed = crate::parse::parse(text.trim(), 0, crate::project::CONFIG_FILE);
    parsed
        .blocks
        .into_iter()
        .find_map(|b| match b.kind {
            BlockKind::Paragraph { content, .. } => Some(content),
            _ => None,
        })
        .unwrap_or_else(|| vec![Inline::Text(text.trim().to_string())])
}

/// Display lines of a book.toml text: one per line written.
fn display_lines(role: DisplayRole, text: &str) -> Vec<Block> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| Block {
            id: BlockId(0),
            kind: BlockKind::Display {
                role,
                content: inline_markdown(line),
            },
            span: None,
        })
        .collect()
}

/// The dedication and the epigraph, each a page of its own (not in the contents).
pub fn dedication_and_epigraph(
    dedication: Option<&str>,
    epigraph: Option<(&str, Option<&str>)>,
) -> Vec<Section> {
    let mut sections = Vec::new();
    if let Some(text) = dedication {
        sections.push(generated(
            SectionKind::Dedication,
            "dedication",
            "Dedication",
            display_lines(DisplayRole::Dedication, text),
        ));
    }
    if let Some((text, source)) = epigraph {
        let quotation: Vec<Block> = text
            .split("\n\n")
            .filter(|p| !p.trim().is_empty())
            .map(|p| Block {
                id: BlockId(0),
                kind: BlockKind::Paragraph {
                    content: inline_markdown(&p.replace('\n', " ")),
                    indent: false,
                },
                span: None,
            })
            .collect();
        let mut blocks = vec![Block {
            id: BlockId(0),
            kind: BlockKind::Quote(quotation),
            span: None,
        }];
        if let Some(source) = source {
            blocks.extend(display_lines(
                DisplayRole::Attribution,
                &format!("— {}", source.trim().trim_start_matches(['—', '-', ' '])),
            ));
        }
        sections.push(generated(
            SectionKind::Epigraph,
            "epigraph",
            "Epigraph",
            blocks,
        ));
    }
    sections
}

/// A part's title page: its title as the level-1 heading.
pub fn part(number: usize, title: &str) -> Section {
    Section {
        kind: SectionKind::Part,
        id: format!("part-{number}"),
        title: title.trim().to_string(),
        in_toc: true,
        running_head: None,
        label: None,
        blocks: vec![Block {
            id: BlockId(0),
            kind: BlockKind::Heading {
                level: 1,
                anchor: format!("part-{number}"),
                content: inline_markdown(title),
                numeral: false,
            },
            span: None,
        }],
        notes: Vec::new(),
        source: None,
    }
}

/// Lists every section after the contents page, and the headings inside
/// them down to `depth` (1: parts and chapters; 2 adds `##` sections).
/// In a book with parts, a part's chapters are listed under it, their
/// sections under them. Section numbers (`## II`) are never entries.
pub fn fill_contents(sections: &mut [Section], contents_at: usize, in_parts: &[String], depth: u8) {
    let mut entries = Vec::new();
    for section in &sections[contents_at + 1..] {
        if !section.in_toc {
            continue;
        }
        let base = if in_parts.contains(&section.id) { 2 } else { 1 };
        let title = match &section.label {
            Some(label) if label.text != section.title && section.kind == SectionKind::Part => {
                format!("{}: {}", label.text, section.title)
            }
            Some(label) if label.text != section.title && label_only(section).is_none() => {
                format!("{}. {}", label.short, section.title)
            }
            _ => section.title.clone(),
        };
        entries.push(ContentsEntry {
            title,
            level: base,
            section: section.id.clone(),
            anchor: None,
        });
        for (level, anchor, content) in section.headings() {
            if level > depth {
                continue;
            }
            entries.push(ContentsEntry {
                title: plain_text(content).trim().to_string(),
                level: base + level - 1,
                section: section.id.clone(),
                anchor: Some(anchor.to_string()),
            });
        }
    }
    collapse_letters(&mut entries);
    for block in &mut sections[contents_at].blocks {
        if let BlockKind::Contents(list) = &mut block.kind {
            *list = std::mem::take(&mut entries);
        }
    }
}

/// A section opened by its label alone (its title heading empty): the label
/// names it, in full, in the contents.
fn label_only(section: &Section) -> Option<()> {
    match section.blocks.first()?.kind {
        BlockKind::Heading {
            level: 1,
            ref content,
            ..
        } if content.is_empty() => Some(()),
        _ => None,
    }
}

/// A dictionary's letters, one section each, make one entry of the contents:
/// "A–Z" at the first letter's page. A reader finds a letter by the running
/// heads; a page of single letters (some of them roman numerals) helps no one.
fn collapse_letters(entries: &mut Vec<ContentsEntry>) {
    const RUN: usize = 3;
    let mut out: Vec<ContentsEntry> = Vec::with_capacity(entries.len());
    let mut i = 0;
    while i < entries.len() {
        let end = entries[i..]
            .iter()
            .position(|e| {
                e.anchor.is_some()
                    || e.level != entries[i].level
                    || !super::chapters::is_letter_heading(&e.title)
            })
            .map_or(entries.len(), |n| i + n);
        if end - i >= RUN {
            let first = entries[i].title.trim_end_matches('.');
            let last = entries[end - 1].title.trim_end_matches('.');
            out.push(ContentsEntry {
                title: format!("{first}–{last}"),
                ..entries[i].clone()
            });
            i = end;
        } else {
            out.push(entries[i].clone());
            i += 1;
        }
    }
    *entries = out;
}
