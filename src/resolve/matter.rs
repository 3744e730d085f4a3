//! The generated front matter: half title, title page, copyright page (notice,
//! first-publication note, credits, ISBNs, publisher) and the contents.

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

/// Lists every section after the contents page (and chapters' level-2 headings).
pub fn fill_contents(sections: &mut [Section], contents_at: usize) {
    let mut entries = Vec::new();
    for section in &sections[contents_at + 1..] {
        if !section.in_toc {
            continue;
        }
        entries.push(ContentsEntry {
            title: section.title.clone(),
            level: 1,
            section: section.id.clone(),
            anchor: None,
        });
        for (anchor, content) in section.subheadings() {
            entries.push(ContentsEntry {
                title: plain_text(content).trim().to_string(),
                level: 2,
                section: section.id.clone(),
                anchor: Some(anchor.to_string()),
            });
        }
    }
    for block in &mut sections[contents_at].blocks {
        if let BlockKind::Contents(list) = &mut block.kind {
            *list = std::mem::take(&mut entries);
        }
    }
}
