//! Resolve: config + parsed files → the one `Book`. Everything a back end
//! would otherwise have to decide is settled here, once: identifiers and
//! dates, section order and ids, chapter titles, footnote numbers, image
//! files, paragraph indents, the generated front matter and the contents,
//! and the book-wide block ids that page positions refer to.

mod capitals;
mod chapters;
mod files;
mod links;
mod matter;
pub(crate) mod structure;

pub use files::{ManuscriptFile, manuscript_files};

use std::collections::HashMap;
use std::sync::Arc;

use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics, LineIndex};
use crate::images;
use crate::model::{
    Block, BlockId, BlockKind, Book, ColumnAlign, Footnote, ImageAsset, ImageId, Inline, Meta,
    Section, SectionKind, SourceFile, Span,
};
use crate::parse::{ParsedFile, slug};
use crate::project::{COVER_DIR, Project, resolve_manuscript_path};

/// Build-wide inputs that are not in the project files.
#[derive(Debug, Clone, Default)]
pub struct ResolveOptions {
    /// `SOURCE_DATE_EPOCH`, when set: the EPUB's modification date and the PDF's dates.
    pub source_date_epoch: Option<i64>,
    /// When the book's input last changed: the newest modification time of
    /// the files read from disk (`None` for a project held only in memory).
    /// Dates the outputs when `SOURCE_DATE_EPOCH` is not set.
    pub input_time: Option<i64>,
}

/// Assembles the book. `parsed[i]` is the parse of `files[i]`.
pub fn assemble(
    project: &Project,
    config: &Config,
    files: &[ManuscriptFile],
    parsed: &[Arc<ParsedFile>],
    options: &ResolveOptions,
) -> Result<(Book, Vec<Diagnostic>), Diagnostics> {
    let mut diagnostics = Diagnostics::new();
    for p in parsed {
        diagnostics.extend(p.diagnostics.iter().cloned());
    }
    let mut meta = meta(config, options, &mut diagnostics);
    if let Some(blurb) = blurb_from_file(project, config, &mut diagnostics) {
        meta.blurb = Some(blurb);
    }

    let sources: Vec<SourceFile> = files
        .iter()
        .map(|f| SourceFile {
            path: f.path.clone(),
            index: LineIndex::new(&f.text),
            text: f.text.clone(),
        })
        .collect();
    let locate = |span: Span| {
        let source = &sources[span.file as usize];
        let (line, column) = source.index.line_column(&source.text, span.start as usize);
        crate::diag::Location {
            file: source.path.clone(),
            line,
            column,
        }
    };

    // Sections from the manuscript: each file's, each as what its heading and place make it.
    let pieces: Vec<structure::Piece> = files
        .iter()
        .zip(parsed)
        .enumerate()
        .flat_map(|(file_index, (file, parsed))| {
            parsed
                .section_blocks()
                .map(move |(section, blocks)| structure::Piece {
                    file: file_index,
                    path: &file.path,
                    listed: file.kind,
                    title: blocks.first().filter(|_| section.titled),
                    blocks,
                    section,
                    empty: blocks.is_empty() && parsed.notes.is_empty(),
                })
        })
        .collect();
    let shapes = structure::shape_pieces(
        &pieces,
        !config.parts.is_empty(),
        &meta.language,
        &mut diagnostics,
    );
    let chapter_count = shapes
        .iter()
        .flatten()
        .filter(|s| s.kind == SectionKind::Chapter)
        .count();
    let mut unnumbered = std::collections::HashSet::new();
    let mut matter_ids = std::collections::HashSet::new();
    let mut part_number = 0;
    let mut ids: Vec<String> = matter::GENERATED_IDS
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut images = ImageTable::default();
    let mut written_sections = Vec::new();
    let mut chapter_number = 0;
    let all_parsed = parsed;
    // The files that cite a footnote label they do not define, and those that
    // define one, for hints between them.
    let citing = NoteFiles::of(parsed, |p| {
        p.unmatched_notes.iter().map(|(l, _)| l.as_str())
    });
    let defining = NoteFiles::of(parsed, |p| p.notes.iter().map(|n| n.label.as_str()));
    let cited_in = |label: &str, except: usize| {
        citing
            .other_than(label, except)
            .map(|i| files[i].path.clone())
    };
    let mut pieces_and_shapes = pieces.iter().zip(&shapes).peekable();
    for (file_index, (file, parsed)) in files.iter().zip(parsed).enumerate() {
        // Images: written paths → book-wide ids.
        let mut local_to_global = Vec::with_capacity(parsed.images.len());
        for image in &parsed.images {
            local_to_global.push(images.resolve(
                project,
                &image.written,
                image.span,
                &locate,
                &mut diagnostics,
            ));
        }
        check_note_labels(
            file_index,
            files,
            all_parsed,
            &defining,
            &locate,
            &mut diagnostics,
        );
        let mut seen_labels: std::collections::HashSet<&str> = Default::default();
        let definitions: Vec<(String, Vec<Block>)> = parsed
            .notes
            .iter()
            // A second definition of a label is reported (above) and not used.
            .filter(|n| seen_labels.insert(&n.label))
            .map(|n| {
                let mut blocks = n.blocks.clone();
                for block in &mut blocks {
                    map_figures(block, &local_to_global);
                }
                (n.label.clone(), blocks)
            })
            .collect();
        let definition_of: HashMap<&str, &[Block]> = definitions
            .iter()
            .map(|(label, blocks)| (label.as_str(), blocks.as_slice()))
            .collect();
        let mut cited: std::collections::HashSet<String> = Default::default();
        while let Some((piece, shape)) = pieces_and_shapes.next_if(|(p, _)| p.file == file_index) {
            let Some(shape) = *shape else {
                diagnostics.push(
                    Diagnostic::warning(format!(
                        "{} is empty; it is left out of the book",
                        file.path
                    ))
                    .at_file(&file.path, 1, 1)
                    .with_hint("write the chapter, or remove the file (or its entry in book.toml)"),
                );
                continue;
            };
            let mut blocks = piece.blocks.to_vec();
            let title = match piece.title {
                Some(Block {
                    kind: BlockKind::Heading { content, .. },
                    ..
                }) => crate::model::plain_text(content).trim().to_string(),
                // The one chapter of a book without a heading (an essay) is titled
                // with the book's title, which lives in book.toml alone.
                _ if shape.kind == SectionKind::Chapter && chapter_count == 1 => {
                    let title = meta.title.clone();
                    blocks.insert(
                        0,
                        Block {
                            id: BlockId(0),
                            kind: BlockKind::Heading {
                                level: 1,
                                anchor: slug(&title),
                                content: vec![Inline::Text(title.clone())],
                                numeral: false,
                            },
                            span: None,
                        },
                    );
                    title
                }
                // Otherwise nothing is invented on the page; the contents, the
                // navigation and the bookmarks name it by its role or its first words.
                _ => untitled_label(file, shape.kind, &blocks),
            };
            let id = match shape.kind {
                SectionKind::Chapter => {
                    chapter_number += 1;
                    format!("chapter-{chapter_number}")
                }
                SectionKind::Part => {
                    part_number += 1;
                    format!("part-{part_number}")
                }
                _ => slug(&title),
            };
            let id = unique(&mut ids, if id.is_empty() { "section".into() } else { id });
            if shape.unnumbered {
                unnumbered.insert(id.clone());
            }
            if shape.matter {
                matter_ids.insert(id.clone());
            }
            for block in &mut blocks {
                map_figures(block, &local_to_global);
            }
            let notes = number_notes(
                &mut blocks,
                &definition_of,
                &mut cited,
                &id,
                file,
                &mut diagnostics,
            );
            written_sections.push(Section {
                kind: shape.kind,
                id,
                title,
                // A dedication or an epigraph is a page of its own, not an entry.
                in_toc: !piece.section.unlisted
                    && !matches!(shape.kind, SectionKind::Dedication | SectionKind::Epigraph),
                running_head: piece.section.running_head.clone(),
                label: None,
                blocks,
                notes,
                source: Some(file_index as u32),
            });
        }
        // Definitions no section of the file cites.
        let mut first_span: HashMap<&str, Span> = HashMap::new();
        for note in &parsed.notes {
            first_span.entry(&note.label).or_insert(note.span);
        }
        for (label, _) in definitions.iter().filter(|(l, _)| !cited.contains(l)) {
            let span = first_span.get(label.as_str()).copied();
            let hint = match cited_in(label, file_index) {
                Some(other) => format!(
                    "{other} cites [^{label}], but notes belong to the file that cites them: move this definition into {other}"
                ),
                None => format!("reference it in the text as [^{label}], or delete it"),
            };
            diagnostics.push(
                Diagnostic::warning(format!("footnote `[^{label}]` is never referenced"))
                    .at(span.map(locate))
                    .with_hint(hint),
            );
        }
    }

    if !written_sections
        .iter()
        .any(|s| s.kind == SectionKind::Chapter)
    {
        diagnostics.push(
            Diagnostic::error("the manuscript has no chapters: every chapter file is empty")
                .with_hint("write at least one chapter, e.g. manuscript/01-chapter.md starting with # Its Title"),
        );
    }
    let cover_art = cover_art(project, config, &mut diagnostics);

    let mut sections = matter::front_matter(&meta);
    let mut contents_at = sections.len() - 1;
    let extra = matter::dedication_and_epigraph(
        config.dedication.as_deref(),
        config
            .epigraph
            .as_ref()
            .map(|(text, source)| (text.as_str(), source.as_deref())),
    );
    for (i, mut section) in extra.into_iter().enumerate() {
        section.id = unique(&mut ids, section.id);
        sections.insert(contents_at + i, section);
    }
    contents_at = sections.len() - 1;
    // A dedication or an epigraph the author wrote as a file stands with
    // book.toml's, before the contents; the rest of the front matter after it.
    let (pages, written_sections): (Vec<Section>, Vec<Section>) = written_sections
        .into_iter()
        .partition(|s| matches!(s.kind, SectionKind::Dedication | SectionKind::Epigraph));
    for section in pages {
        sections.insert(contents_at, section);
        contents_at += 1;
    }
    let (preface, rest): (Vec<Section>, Vec<Section>) = written_sections
        .into_iter()
        .partition(|s| s.kind == SectionKind::Preface);
    // Generated pages first (half title, title, copyright, dedication,
    // epigraph, contents), then what the author wrote, each part's title
    // page before its first chapter.
    sections.extend(preface);
    let mut in_parts = Vec::new();
    let mut current_part = None;
    let mut heading_part = false;
    for section in rest {
        let part = section.source.and_then(|f| files[f as usize].part);
        if part.is_some()
            && part != current_part
            && let Some(index) = part
        {
            let mut page = matter::part(index + 1, &config.parts[index].title);
            page.id = unique(&mut ids, page.id);
            sections.push(page);
        }
        current_part = part;
        if part.is_some() {
            in_parts.push(section.id.clone());
        }
        // A part made from a heading ("Part Two") holds the chapters after it,
        // up to the next part or to matter (an epilogue, the back matter).
        match section.kind {
            SectionKind::Part => heading_part = section.source.is_some(),
            SectionKind::Chapter if heading_part && !matter_ids.contains(&section.id) => {
                in_parts.push(section.id.clone());
            }
            _ => heading_part = false,
        }
        sections.push(section);
    }
    chapters::mark_numeral_headings(&mut sections, &meta.language);
    let book_title = format!("{} {}", meta.title, meta.subtitle.as_deref().unwrap_or(""));
    chapters::number_chapters(
        &mut sections,
        config.style.numbering,
        &chapters::Shapes {
            unnumbered: &unnumbered,
            book_title: &book_title,
            language: &meta.language,
        },
    );
    chapters::lead_ins(&mut sections, config.style.opening.lead_in);
    if config.style.capitals_as_small_caps {
        capitals::mark_capitals(&mut sections);
    }
    // A book of one chapter (an essay) lists its sections: they are all there is.
    let depth = config
        .contents_depth
        .unwrap_or(if chapter_count == 1 { 2 } else { 1 });
    matter::fill_contents(&mut sections, contents_at, &in_parts, depth);

    for section in &mut sections {
        set_indents(&mut section.blocks);
        align_table_columns(&mut section.blocks);
        for note in &mut section.notes {
            set_indents(&mut note.blocks);
            align_table_columns(&mut note.blocks);
        }
    }
    check_div_classes(&sections, &config.style, &locate, &mut diagnostics);
    let block_count = assign_ids(&mut sections);
    let dead_links = links::resolve_links(&mut sections, &sources, &mut diagnostics);

    let mut print = config.print.clone();
    // A poetry collection's poems open on the next page, not each on a recto.
    if !config.chapters_open_given && chapters::verse_collection(&sections, &unnumbered) {
        print.chapters_open = crate::model::ChapterOpening::Any;
    }
    let book = Book {
        meta,
        print,
        fonts: config.fonts.clone(),
        style: config.style.clone(),
        ebook: config.ebook.clone(),
        sections,
        images: images.assets,
        cover_art,
        sources,
        block_count,
        settings_at: config.locations.clone(),
        dead_links,
    };
    diagnostics.into_result(book)
}

/// The back-cover text from `cover.blurb-file`: its paragraphs as plain text.
fn blurb_from_file(
    project: &Project,
    config: &Config,
    diagnostics: &mut Diagnostics,
) -> Option<String> {
    let file = config.blurb_file.as_ref()?;
    let located = |message: String, hint: &str| {
        Diagnostic::error(message)
            .at(Some(file.location.clone()))
            .with_hint(hint)
    };
    let path = match resolve_manuscript_path(&file.written) {
        Ok(path) => path,
        Err(why) => {
            diagnostics.push(located(
                format!("invalid path `{}`: {why}", file.written),
                "paths are relative to manuscript/",
            ));
            return None;
        }
    };
    let Some(bytes) = project.get(&path) else {
        diagnostics.push(located(
            format!("file not found: {}", file.written),
            "paths are relative to manuscript/",
        ));
        return None;
    };
    let Ok(text) = std::str::from_utf8(bytes) else {
        diagnostics.push(located(
            format!("{path} is not UTF-8 text"),
            "save the file as UTF-8 in your editor",
        ));
        return None;
    };
    let parsed = crate::parse::parse(text, u32::MAX, &path);
    let paragraphs: Vec<String> = parsed
        .blocks
        .iter()
        .filter_map(|b| match &b.kind {
            BlockKind::Paragraph { content, .. } => {
                Some(crate::model::plain_text(content).trim().to_string())
            }
            _ => None,
        })
        .filter(|p| !p.is_empty())
        .collect();
    (!paragraphs.is_empty()).then(|| paragraphs.join("\n\n"))
}

/// What a file without a heading is called in the contents and navigation:
/// front and back matter by the role its file name gives (`dedication.md` →
/// "Dedication"), a chapter by its first words ("Call me Ishmael. Some years…").
fn untitled_label(file: &ManuscriptFile, kind: SectionKind, blocks: &[Block]) -> String {
    match kind {
        SectionKind::Dedication => return "Dedication".to_string(),
        SectionKind::Epigraph => return "Epigraph".to_string(),
        _ => {}
    }
    if kind != SectionKind::Chapter {
        let stem = file.path.rsplit('/').next().unwrap_or(&file.path);
        let stem = stem
            .trim_end_matches(".md")
            .trim_start_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '_');
        let words = stem.replace(['-', '_'], " ");
        let mut chars = words.trim().chars();
        if let Some(first) = chars.next() {
            return first.to_uppercase().chain(chars).collect();
        }
    }
    let mut text = String::new();
    crate::model::walk_blocks(blocks, &mut |block| {
        if text.is_empty()
            && let Some(t) = crate::model::block_text(block)
        {
            text = t;
        }
    });
    first_words(&text, UNTITLED_WORDS).unwrap_or_else(|| "Untitled".to_string())
}

/// Words of an untitled chapter's opening that name it in the contents.
const UNTITLED_WORDS: usize = 6;

/// The first `count` words of a text, with an ellipsis when there are more.
fn first_words(text: &str, count: usize) -> Option<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.is_empty() {
        return None;
    }
    let shown = words[..words.len().min(count)].join(" ");
    Some(if words.len() > count {
        format!("{}…", shown.trim_end_matches([',', ';', ':', '.']))
    } else {
        shown
    })
}

fn unique(ids: &mut Vec<String>, base: String) -> String {
    let mut id = base.clone();
    let mut n = 2;
    while ids.contains(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    ids.push(id.clone());
    id
}

/// The book's metadata, with identifiers and dates settled.
fn meta(config: &Config, options: &ResolveOptions, diagnostics: &mut Diagnostics) -> Meta {
    let names = format!("{}\u{0}{}", config.title, config.authors.join("\u{0}"));
    let identifier = match &config.isbn_ebook {
        Some(isbn) => isbn.urn(),
        None => format!("urn:uuid:{}", name_uuid(&names)),
    };
    let print_identifier = match &config.isbn_print {
        Some(isbn) => isbn.urn(),
        None => format!("urn:uuid:{}", name_uuid(&format!("print\u{0}{names}"))),
    };
    // The outputs' date: SOURCE_DATE_EPOCH, else when the input last
    // changed, else the publication date; never earlier than that date (a
    // reissue built from files dated 1892 is modified today, not in 1892).
    let date_epoch = config.date.map(|date| date.days_since_epoch() * 86_400);
    let modified_epoch = match (options.source_date_epoch.or(options.input_time), date_epoch) {
        (Some(epoch), Some(date)) => epoch.max(date),
        (Some(epoch), None) => epoch,
        (None, Some(date)) => date,
        (None, None) => {
            diagnostics.push(
                Diagnostic::warning("the book has no date; its files are dated 2000-01-01")
                    .at_file(crate::project::CONFIG_FILE, 1, 1)
                    .with_hint("add date = \"YYYY-MM-DD\" (the publication date) to book.toml, or set SOURCE_DATE_EPOCH"),
            );
            946_684_800
        }
    };
    if config.authors.is_empty() {
        diagnostics.push(
            Diagnostic::warning("the book has no author")
                .at_file(crate::project::CONFIG_FILE, 1, 1)
                .with_hint("add authors = [\"Your Name\"] to book.toml"),
        );
    }
    Meta {
        title: config.title.clone(),
        subtitle: config.subtitle.clone(),
        authors: config.authors.clone(),
        contributors: config.contributors.clone(),
        publisher: config.publisher.clone(),
        first_publication: config.first_publication.clone(),
        language: config.language.clone(),
        isbn_ebook: config.isbn_ebook.clone(),
        isbn_print: config.isbn_print.clone(),
        identifier,
        print_identifier,
        date: config.date,
        modified: format_timestamp(modified_epoch),
        modified_epoch,
        rights: config.rights.clone(),
        description: config.description.clone(),
        keywords: config.keywords.clone(),
        blurb: config.blurb.clone().or_else(|| config.description.clone()),
        accessibility: config.accessibility.clone(),
    }
}

/// A name-based (v5) UUID in quire's own namespace: the same book always gets the same id.
fn name_uuid(name: &str) -> uuid::Uuid {
    const QUIRE_NAMESPACE: uuid::Uuid =
        uuid::Uuid::from_u128(0x6f1f_3e0c_5d2a_4b8e_9a47_2c61_d0b3_a915);
    uuid::Uuid::new_v5(&QUIRE_NAMESPACE, name.as_bytes())
}

/// `YYYY-MM-DDThh:mm:ssZ` for seconds since 1970.
pub fn format_timestamp(epoch: i64) -> String {
    let days = epoch.div_euclid(86_400);
    let secs = epoch.rem_euclid(86_400);
    let date = crate::model::Date::from_days_since_epoch(days);
    format!(
        "{date}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

#[derive(Default)]
struct ImageTable {
    assets: Vec<ImageAsset>,
    by_path: HashMap<String, Option<ImageId>>,
}

impl ImageTable {
    fn resolve(
        &mut self,
        project: &Project,
        written: &str,
        span: Span,
        locate: &impl Fn(Span) -> crate::diag::Location,
        diagnostics: &mut Diagnostics,
    ) -> Option<ImageId> {
        if let Some((scheme, _)) = written.split_once("://") {
            let name = written
                .rsplit('/')
                .next()
                .filter(|n| !n.is_empty())
                .unwrap_or("image.png");
            diagnostics.push(
                Diagnostic::error(format!("remote images are not fetched: {written}"))
                    .at(Some(locate(span)))
                    .with_hint(format!(
                        "a book carries its images: download it ({scheme}), save it in manuscript/ (e.g. manuscript/images/{name}) and write ![…](images/{name})"
                    )),
            );
            return None;
        }
        // A path is a URL, as a link's is: `my%20map.png` names `my map.png`.
        let path = match resolve_manuscript_path(&links::percent_decode(written)) {
            Ok(path) => path,
            Err(why) => {
                diagnostics.push(
                    Diagnostic::error(format!("image path refused: {written} ({why})"))
                        .at(Some(locate(span)))
                        .with_hint("put images inside manuscript/ and write their path relative to it, e.g. images/map.png"),
                );
                return None;
            }
        };
        if let Some(known) = self.by_path.get(&path) {
            return *known;
        }
        let result = match project.get(&path) {
            None => {
                diagnostics.push(
                    Diagnostic::error(format!("image not found: {written}"))
                        .at(Some(locate(span)))
                        .with_hint("paths are relative to manuscript/"),
                );
                None
            }
            Some(bytes) => match images::check(&path, Arc::from(bytes)) {
                Ok(asset) => {
                    self.assets.push(asset);
                    Some(ImageId(self.assets.len() as u32 - 1))
                }
                Err(problem) => {
                    diagnostics.push(
                        Diagnostic::error(problem.message)
                            .at(Some(locate(span)))
                            .with_hint(problem.hint),
                    );
                    None
                }
            },
        };
        self.by_path.insert(path, result);
        result
    }
}

/// Rewrites parse-local image indexes to book-wide ids, at any depth.
fn map_figures(block: &mut Block, local_to_global: &[Option<ImageId>]) {
    crate::model::walk_blocks_mut(std::slice::from_mut(block), &mut |block| {
        if let BlockKind::Figure { image, .. } = &mut block.kind
            && let Some(Some(global)) = local_to_global.get(image.0 as usize)
        {
            *image = *global;
        }
    });
}

/// Warns of footnote labels that cannot be matched in file `index`: a
/// reference with no definition in its file (with a hint when another file
/// defines it), a definition another file cites, and a label defined twice.
fn check_note_labels(
    index: usize,
    files: &[ManuscriptFile],
    parsed: &[Arc<ParsedFile>],
    defining: &NoteFiles<'_>,
    locate: &impl Fn(Span) -> crate::diag::Location,
    diagnostics: &mut Diagnostics,
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
fn number_notes(
    blocks: &mut [Block],
    definitions: &HashMap<&str, &[Block]>,
    cited: &mut std::collections::HashSet<String>,
    section_id: &str,
    file: &ManuscriptFile,
    diagnostics: &mut Diagnostics,
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
struct NoteFiles<'p> {
    files: HashMap<&'p str, [Option<usize>; 2]>,
}

impl<'p> NoteFiles<'p> {
    fn of<'a, I>(
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
    fn other_than(&self, label: &str, except: usize) -> Option<usize> {
        self.files
            .get(label)?
            .iter()
            .flatten()
            .copied()
            .find(|&i| i != except)
    }
}

/// A table column whose delimiter row gives no alignment is ranged right when
/// every cell of its body holds a figure (`1,200`, `−3.5 %`, `$40`), left otherwise.
fn align_table_columns(blocks: &mut [Block]) {
    crate::model::walk_blocks_mut(blocks, &mut |block| {
        if let BlockKind::Table { columns, rows, .. } = &mut block.kind {
            for (c, align) in columns.iter_mut().enumerate() {
                if *align != ColumnAlign::Auto {
                    continue;
                }
                let mut cells = rows
                    .iter()
                    .filter_map(|row| row.get(c))
                    .map(|cell| crate::model::plain_text(cell))
                    .filter(|t| !t.trim().is_empty())
                    .peekable();
                let figures = cells.peek().is_some() && cells.all(|t| is_figure(&t));
                *align = if figures {
                    ColumnAlign::Right
                } else {
                    ColumnAlign::Left
                };
            }
        }
    });
}

/// A number as tables print them: digits with separators, a sign, a currency or a unit mark.
fn is_figure(text: &str) -> bool {
    let text = text.trim();
    text.chars().any(|c| c.is_ascii_digit())
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || " ,.+-−–%$€£¥()\u{a0}\u{202f}".contains(c))
}

/// A warning at each fenced div whose classes the style does not set,
/// naming them (a class Pandoc writes for structure, `.section`, is none of
/// the style's business and passes quietly).
fn check_div_classes(
    sections: &[Section],
    style: &crate::model::style::BookStyle,
    locate: &dyn Fn(Span) -> crate::diag::Location,
    diagnostics: &mut Diagnostics,
) {
    for section in sections {
        let notes = section.notes.iter().map(|n| &n.blocks);
        for blocks in std::iter::once(&section.blocks).chain(notes) {
            crate::model::walk_blocks(blocks, &mut |block| {
                let BlockKind::Div { classes, .. } = &block.kind else {
                    return;
                };
                let unknown: Vec<String> = classes
                    .iter()
                    .filter(|c| {
                        style.class(c).is_none() && !crate::model::style::is_structural_class(c)
                    })
                    .map(|c| format!(".{c}"))
                    .collect();
                if unknown.is_empty() {
                    return;
                }
                let set_as = if classes.iter().any(|c| style.class(c).is_some()) {
                    "the div is set as its other class says"
                } else {
                    "its text is set as the text around it"
                };
                diagnostics.push(
                    Diagnostic::warning(format!(
                        "the style sets no div of class {}; {set_as}",
                        unknown.join(" ")
                    ))
                    .at(block.span.map(locate))
                    .with_hint(format!(
                        "the classes a style sets: {}; or give book.toml a [style.class.{}] table (face, size, case, letter-spacing, align, indent)",
                        crate::model::style::BUILT_IN_CLASSES.map(|c| format!(".{c}")).join(", "),
                        unknown[0].trim_start_matches('.')
                    )),
                );
            });
        }
    }
}

/// First paragraph of a section, and any paragraph after a non-paragraph, is not indented.
fn set_indents(blocks: &mut [Block]) {
    let mut previous_is_paragraph = false;
    for block in blocks {
        match &mut block.kind {
            BlockKind::Paragraph { indent, .. } => {
                *indent = previous_is_paragraph;
                previous_is_paragraph = true;
                continue;
            }
            BlockKind::Quote(inner)
            | BlockKind::Div { blocks: inner, .. }
            | BlockKind::Definitions(inner) => set_indents(inner),
            // A definition's first paragraph starts at the hang, never indented.
            BlockKind::Definition(inner) => {
                set_indents(inner);
                if let Some(Block {
                    kind: BlockKind::Paragraph { indent, .. },
                    ..
                }) = inner.first_mut()
                {
                    *indent = false;
                }
            }
            BlockKind::List { items, .. } => {
                for item in items {
                    set_indents(&mut item.blocks);
                    // List item text is never indented.
                    if let Some(Block {
                        kind: BlockKind::Paragraph { indent, .. },
                        ..
                    }) = item.blocks.first_mut()
                    {
                        *indent = false;
                    }
                }
            }
            _ => {}
        }
        previous_is_paragraph = false;
    }
}

/// Numbers every block in reading order (notes after their section's text).
fn assign_ids(sections: &mut [Section]) -> u32 {
    fn number(blocks: &mut [Block], next: &mut u32) {
        crate::model::walk_blocks_mut(blocks, &mut |block| {
            block.id = BlockId(*next);
            *next += 1;
        });
    }
    let mut next = 0;
    for section in sections {
        number(&mut section.blocks, &mut next);
        for note in &mut section.notes {
            number(&mut note.blocks, &mut next);
        }
    }
    next
}

/// The cover art: named in book.toml, or the one image in `cover/`.
fn cover_art(
    project: &Project,
    config: &Config,
    diagnostics: &mut Diagnostics,
) -> Option<ImageAsset> {
    let (path, location) = match &config.cover_image {
        Some(named) => {
            let path = format!("{COVER_DIR}/{}", named.written.trim_start_matches("cover/"));
            if !project.contains(&path) || named.written.contains("..") {
                diagnostics.push(
                    Diagnostic::error(format!("cover image not found: {}", named.written))
                        .at(Some(named.location.clone()))
                        .with_hint("put the art in cover/ and name it relative to that folder, e.g. image = \"illustration.jpg\""),
                );
                return None;
            }
            (path, Some(named.location.clone()))
        }
        None => {
            let candidates: Vec<&str> = project
                .files_under(COVER_DIR)
                .map(|(p, _)| p)
                .filter(|p| {
                    let lower = p.to_ascii_lowercase();
                    lower.ends_with(".jpg") || lower.ends_with(".jpeg") || lower.ends_with(".png")
                })
                .collect();
            match candidates.as_slice() {
                [] => return None,
                [one] => (one.to_string(), None),
                several => {
                    diagnostics.push(
                        Diagnostic::error(format!(
                            "cover/ holds {} images and book.toml names none: {}",
                            several.len(),
                            several.join(", ")
                        ))
                        .with_hint(
                            "name the cover art in book.toml: [cover] image = \"illustration.jpg\"",
                        ),
                    );
                    return None;
                }
            }
        }
    };
    let bytes = project.get(&path)?;
    match images::check(&path, Arc::from(bytes)) {
        Ok(asset) => Some(asset),
        Err(problem) => {
            diagnostics.push(
                Diagnostic::error(problem.message)
                    .at(location)
                    .with_hint(problem.hint),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(format_timestamp(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_timestamp(1_700_000_000), "2023-11-14T22:13:20Z");
    }

    #[test]
    fn name_uuid_is_stable_v5() {
        let a = name_uuid("A\u{0}B");
        assert_eq!(a, name_uuid("A\u{0}B"));
        assert_eq!(a.get_version_num(), 5);
        assert_ne!(a, name_uuid("A\u{0}C"));
    }
}
