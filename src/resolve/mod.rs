//! Resolve: config + parsed files → the one `Book`. Everything a back end
//! would otherwise have to decide is settled here, once: identifiers and
//! dates, section order and ids, chapter titles, footnote numbers, image
//! files, paragraph indents, the generated front matter and the contents,
//! and the book-wide block ids that page positions refer to.
//!
//! Here: `assemble`, in steps (the sections written file by file, put in
//! reading order, then numbered and checked book-wide); `meta`, `figures`,
//! `notes`, `blocks` and the other rooms each do one of those things.

mod blocks;
mod capitals;
mod chapters;
mod figures;
mod files;
mod links;
mod matter;
mod meta;
mod notes;
pub(crate) mod structure;

pub use files::{ManuscriptFile, manuscript_files};
pub use meta::format_timestamp;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics, LineIndex, Sink};
use crate::images;
use crate::model::{
    Block, BlockId, BlockKind, Book, ColumnAlign, Footnote, ImageAsset, ImageId, Inline, Meta,
    Section, SectionKind, SourceFile, Span,
};
use crate::parse::{ParsedFile, slug};
use crate::project::{COVER_DIR, Project, resolve_manuscript_path};

use blocks::{align_table_columns, assign_ids, check_div_classes, set_indents};
use figures::{ImageTable, cover_art, map_figures};
use meta::meta;
use notes::{NoteFiles, check_note_labels, number_notes};

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

/// Assembles the book, reporting to `diagnostics`; its errors (and the
/// parse's) stop the build. `parsed[i]` is the parse of `files[i]`.
pub fn assemble(
    project: &Project,
    config: &Config,
    files: &[ManuscriptFile],
    parsed: &[Arc<ParsedFile>],
    options: &ResolveOptions,
    diagnostics: &mut Sink,
) -> Result<Book, Diagnostics> {
    // Each file's parse reports here, first (kept with the parse, so a file
    // an earlier build parsed reports again): its errors stop the build too.
    let stage = diagnostics.stage();
    for p in parsed {
        diagnostics.extend(p.diagnostics.iter().cloned());
    }
    let mut meta = meta(config, options, diagnostics);
    if let Some(blurb) = blurb_from_file(project, config, diagnostics) {
        meta.blurb = Some(blurb);
    }
    let sources = source_files(files);

    // Sections from the manuscript: each file's, each as what its heading and place make it.
    let pieces = manuscript_pieces(files, parsed);
    let shapes = structure::shape_pieces(
        &pieces,
        !config.parts.is_empty(),
        &meta.language,
        diagnostics,
    );
    let chapter_count = shapes
        .iter()
        .flatten()
        .filter(|s| s.kind == SectionKind::Chapter)
        .count();
    let mut writer = SectionWriter {
        project,
        files,
        parsed,
        sources: &sources,
        book_title: &meta.title,
        chapter_count,
        ids: matter::GENERATED_IDS
            .iter()
            .map(|s| s.to_string())
            .collect(),
        images: ImageTable::default(),
        unnumbered: HashSet::new(),
        matter_ids: HashSet::new(),
        chapter_number: 0,
        part_number: 0,
        written: Vec::new(),
    };
    writer.write_files(&pieces, &shapes, diagnostics);
    let SectionWriter {
        mut ids,
        images,
        unnumbered,
        matter_ids,
        written,
        ..
    } = writer;

    if !written.iter().any(|s| s.kind == SectionKind::Chapter) {
        diagnostics.push(
            Diagnostic::error("the manuscript has no chapters: every chapter file is empty")
                .with_hint("write at least one chapter, e.g. manuscript/01-chapter.md starting with # Its Title"),
        );
    }
    let cover_art = cover_art(project, config, diagnostics);

    let mut order = SectionOrder {
        sections: matter::front_matter(&meta),
        contents_at: 0,
        in_parts: Vec::new(),
    };
    order.add_generated_pages(config, &mut ids);
    order.add_written(written, files, config, &matter_ids, &mut ids);
    let SectionOrder {
        mut sections,
        contents_at,
        in_parts,
    } = order;
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
    let locate = |span: Span| locate(&sources, span);
    check_div_classes(&sections, &config.style, &locate, diagnostics);
    let block_count = assign_ids(&mut sections);
    let dead_links = links::resolve_links(&mut sections, &sources, diagnostics);

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
    diagnostics.end_stage(stage)?;
    Ok(book)
}

/// The manuscript files as the book keeps them, with their line indexes.
fn source_files(files: &[ManuscriptFile]) -> Vec<SourceFile> {
    files
        .iter()
        .map(|f| SourceFile {
            path: f.path.clone(),
            index: LineIndex::new(&f.text),
            text: f.text.clone(),
        })
        .collect()
}

/// Where a span of a manuscript file is, for a message.
fn locate(sources: &[SourceFile], span: Span) -> crate::diag::Location {
    let source = &sources[span.file as usize];
    let (line, column) = source.index.line_column(&source.text, span.start as usize);
    crate::diag::Location {
        file: source.path.clone(),
        line,
        column,
    }
}

/// Each file's sections as parsed, in manuscript order, for `structure` to shape.
fn manuscript_pieces<'a>(
    files: &'a [ManuscriptFile],
    parsed: &'a [Arc<ParsedFile>],
) -> Vec<structure::Piece<'a>> {
    files
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
        .collect()
}

/// Makes the sections the author wrote, file by file: their titles and ids,
/// their images' book-wide ids, their notes numbered.
struct SectionWriter<'a> {
    project: &'a Project,
    files: &'a [ManuscriptFile],
    parsed: &'a [Arc<ParsedFile>],
    sources: &'a [SourceFile],
    /// The book's title, which titles the one chapter of a book without a heading.
    book_title: &'a str,
    chapter_count: usize,
    /// The section ids given so far (the generated pages' first).
    ids: Vec<String>,
    images: ImageTable,
    /// Sections whose heading asks for no number (`{-}`).
    unnumbered: HashSet<String>,
    /// Sections that are front or back matter by their heading or place.
    matter_ids: HashSet<String>,
    chapter_number: usize,
    part_number: usize,
    /// The sections made, in manuscript order.
    written: Vec<Section>,
}

impl SectionWriter<'_> {
    /// Writes each file's sections (`pieces`, shaped as `shapes`).
    fn write_files(
        &mut self,
        pieces: &[structure::Piece<'_>],
        shapes: &[Option<structure::FileShape>],
        diagnostics: &mut Sink,
    ) {
        // The files that cite a footnote label they do not define, and those that
        // define one, for hints between them.
        let citing = NoteFiles::of(self.parsed, |p| {
            p.unmatched_notes.iter().map(|(l, _)| l.as_str())
        });
        let defining = NoteFiles::of(self.parsed, |p| p.notes.iter().map(|n| n.label.as_str()));
        let mut pieces_and_shapes = pieces.iter().zip(shapes).peekable();
        for (file_index, parsed) in self.parsed.iter().enumerate().take(self.files.len()) {
            let sources = self.sources;
            let locate = |span: Span| locate(sources, span);
            // Images: written paths → book-wide ids.
            let mut local_to_global = Vec::with_capacity(parsed.images.len());
            for image in &parsed.images {
                local_to_global.push(self.images.resolve(
                    self.project,
                    &image.written,
                    image.span,
                    &locate,
                    diagnostics,
                ));
            }
            check_note_labels(
                file_index,
                self.files,
                self.parsed,
                &defining,
                &locate,
                diagnostics,
            );
            let mut seen_labels: HashSet<&str> = Default::default();
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
            let mut notes = FileNotes {
                local_to_global: &local_to_global,
                definition_of: definitions
                    .iter()
                    .map(|(label, blocks)| (label.as_str(), blocks.as_slice()))
                    .collect(),
                cited: HashSet::new(),
            };
            while let Some((piece, shape)) =
                pieces_and_shapes.next_if(|(p, _)| p.file == file_index)
            {
                self.write_section(piece, *shape, &mut notes, diagnostics);
            }
            let cited = notes.cited;
            // Definitions no section of the file cites.
            let mut first_span: HashMap<&str, Span> = HashMap::new();
            for note in &parsed.notes {
                first_span.entry(&note.label).or_insert(note.span);
            }
            for (label, _) in definitions.iter().filter(|(l, _)| !cited.contains(l)) {
                let span = first_span.get(label.as_str()).copied();
                let hint = match citing.other_than(label, file_index) {
                    Some(other) => {
                        let other = &self.files[other].path;
                        format!(
                            "{other} cites [^{label}], but notes belong to the file that cites them: move this definition into {other}"
                        )
                    }
                    None => format!("reference it in the text as [^{label}], or delete it"),
                };
                diagnostics.push(
                    Diagnostic::warning(format!("footnote `[^{label}]` is never referenced"))
                        .at(span.map(locate))
                        .with_hint(hint),
                );
            }
        }
    }

    /// One section of a file: titled, given its id, its figures and notes
    /// settled; an empty file is left out with a warning.
    fn write_section(
        &mut self,
        piece: &structure::Piece<'_>,
        shape: Option<structure::FileShape>,
        notes: &mut FileNotes<'_>,
        diagnostics: &mut Sink,
    ) {
        let file = &self.files[piece.file];
        let Some(shape) = shape else {
            diagnostics.push(
                Diagnostic::warning(format!(
                    "{} is empty; it is left out of the book",
                    file.path
                ))
                .at_file(&file.path, 1, 1)
                .with_hint("write the chapter, or remove the file (or its entry in book.toml)"),
            );
            return;
        };
        let mut blocks = piece.blocks.to_vec();
        let title = match piece.title {
            Some(Block {
                kind: BlockKind::Heading { content, .. },
                ..
            }) => crate::model::plain_text(content).trim().to_string(),
            // The one chapter of a book without a heading (an essay) is titled
            // with the book's title, which lives in book.toml alone.
            _ if shape.kind == SectionKind::Chapter && self.chapter_count == 1 => {
                let title = self.book_title.to_string();
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
                self.chapter_number += 1;
                format!("chapter-{}", self.chapter_number)
            }
            SectionKind::Part => {
                self.part_number += 1;
                format!("part-{}", self.part_number)
            }
            _ => slug(&title),
        };
        let id = unique(
            &mut self.ids,
            if id.is_empty() { "section".into() } else { id },
        );
        if shape.unnumbered {
            self.unnumbered.insert(id.clone());
        }
        if shape.matter {
            self.matter_ids.insert(id.clone());
        }
        for block in &mut blocks {
            map_figures(block, notes.local_to_global);
        }
        let section_notes = number_notes(
            &mut blocks,
            &notes.definition_of,
            &mut notes.cited,
            &id,
            file,
            diagnostics,
        );
        self.written.push(Section {
            kind: shape.kind,
            id,
            title,
            // A dedication or an epigraph is a page of its own, not an entry.
            in_toc: !piece.section.unlisted
                && !matches!(shape.kind, SectionKind::Dedication | SectionKind::Epigraph),
            running_head: piece.section.running_head.clone(),
            label: None,
            blocks,
            notes: section_notes,
            source: Some(piece.file as u32),
        });
    }
}

/// A file's images and note definitions, shared by its sections, and the
/// labels its sections have cited so far.
struct FileNotes<'a> {
    /// The file's image indexes → book-wide ids.
    local_to_global: &'a [Option<ImageId>],
    definition_of: HashMap<&'a str, &'a [Block]>,
    cited: HashSet<String>,
}

/// The book's sections in reading order: the generated pages, the pages
/// the author wrote before the contents, then the rest with each part's
/// title page before its first chapter.
struct SectionOrder {
    sections: Vec<Section>,
    /// Where the contents page stands.
    contents_at: usize,
    /// The ids of the sections that belong to a part.
    in_parts: Vec<String>,
}

impl SectionOrder {
    /// book.toml's dedication and epigraph, before the contents page (the
    /// last of the front matter so far).
    fn add_generated_pages(&mut self, config: &Config, ids: &mut Vec<String>) {
        self.contents_at = self.sections.len() - 1;
        let extra = matter::dedication_and_epigraph(
            config.dedication.as_deref(),
            config
                .epigraph
                .as_ref()
                .map(|(text, source)| (text.as_str(), source.as_deref())),
        );
        for (i, mut section) in extra.into_iter().enumerate() {
            section.id = unique(ids, section.id);
            self.sections.insert(self.contents_at + i, section);
        }
        self.contents_at = self.sections.len() - 1;
    }

    /// The sections the author wrote, in order after the generated pages.
    fn add_written(
        &mut self,
        written: Vec<Section>,
        files: &[ManuscriptFile],
        config: &Config,
        matter_ids: &HashSet<String>,
        ids: &mut Vec<String>,
    ) {
        // A dedication or an epigraph the author wrote as a file stands with
        // book.toml's, before the contents; the rest of the front matter after it.
        let (pages, written): (Vec<Section>, Vec<Section>) = written
            .into_iter()
            .partition(|s| matches!(s.kind, SectionKind::Dedication | SectionKind::Epigraph));
        for section in pages {
            self.sections.insert(self.contents_at, section);
            self.contents_at += 1;
        }
        let (preface, rest): (Vec<Section>, Vec<Section>) = written
            .into_iter()
            .partition(|s| s.kind == SectionKind::Preface);
        // Generated pages first (half title, title, copyright, dedication,
        // epigraph, contents), then what the author wrote, each part's title
        // page before its first chapter.
        self.sections.extend(preface);
        let mut current_part = None;
        let mut heading_part = false;
        for section in rest {
            let part = section.source.and_then(|f| files[f as usize].part);
            if part.is_some()
                && part != current_part
                && let Some(index) = part
            {
                let mut page = matter::part(index + 1, &config.parts[index].title);
                page.id = unique(ids, page.id);
                self.sections.push(page);
            }
            current_part = part;
            if part.is_some() {
                self.in_parts.push(section.id.clone());
            }
            // A part made from a heading ("Part Two") holds the chapters after it,
            // up to the next part or to matter (an epilogue, the back matter).
            match section.kind {
                SectionKind::Part => heading_part = section.source.is_some(),
                SectionKind::Chapter if heading_part && !matter_ids.contains(&section.id) => {
                    self.in_parts.push(section.id.clone());
                }
                _ => heading_part = false,
            }
            self.sections.push(section);
        }
    }
}

/// The back-cover text from `cover.blurb-file`: its paragraphs as plain text.
fn blurb_from_file(project: &Project, config: &Config, diagnostics: &mut Sink) -> Option<String> {
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
