//! The read source made into a book's files: chapter files named in
//! reading order from their titles (`03-the-storm.md`), each with the notes
//! it cites numbered from 1 and defined at its end, links resolved to the
//! files and heading anchors they lead to, the pictures in
//! `manuscript/images/`, and book.toml. The result is loaded with quire's
//! own reader before anything is written: a file of front or back matter
//! that quire would read as a chapter is named in book.toml's
//! `front-matter` or `back-matter` instead, and what a build will warn of
//! is part of the report.

use std::collections::{HashMap, HashSet};

use super::markdown;
use super::report::{self, Report, count_words};
use super::tree::{self, Block, Chapter, Inline, Role, Target};
use super::{Anchor, Metadata, Source};
use crate::diag::Diagnostic;
use crate::model::{BlockKind, SectionKind};
use crate::project::{CONFIG_FILE, Project};

/// An imported book, ready to write.
#[derive(Debug)]
pub struct Imported {
    /// Project-relative paths (`manuscript/book.toml`, `cover/cover.jpg`) and bytes.
    pub files: Vec<(String, Vec<u8>)>,
    pub report: Report,
    /// The book's title, as book.toml gives it.
    pub title: String,
    /// Words of the source's text, and of the manuscript as quire reads it.
    pub source_words: usize,
    pub manuscript_words: usize,
}

/// Where a link leads: a chapter, a heading in it (none: its start), and
/// whether the source's id stood on that heading.
type Place = (usize, Option<u32>, bool);

/// The longest chapter file name's slug, in characters.
const SLUG_CHARS: usize = 40;

pub fn assemble(mut source: Source) -> Result<Imported, Diagnostic> {
    drop_empty_chapters(&mut source);
    let (part_titles, part_of) = take_parts(&mut source);
    let Source {
        mut meta,
        mut chapters,
        mut notes,
        images,
        cover,
        anchors,
        doc_chapters,
        mut report,
    } = source;
    if chapters.is_empty() {
        return Err(Diagnostic::error(format!("{} holds no text to import", report.source))
            .with_hint("the file has no paragraphs quire could read; open it in the program that made it and check that the text is there"));
    }
    let source_words = tree_words(&chapters, &notes, &meta) + report.words_left_out;

    let names = file_names(&chapters);
    let links = LinkPlaces::find(&chapters, &notes, &anchors, &doc_chapters);
    links.rewrite(&mut chapters, &mut notes, &names, &mut report);
    let written = chapter_files(&mut chapters, &notes, &names, &links.heading_anchor);
    let mut files = written.files;
    for (path, bytes) in &images.files {
        files.push((format!("manuscript/{path}"), bytes.clone()));
    }
    if let Some((name, bytes)) = &cover {
        files.push((format!("cover/{name}"), bytes.clone()));
    }

    // book.toml, checked key by key against quire's own reader.
    check_keys(&mut meta, &mut report);
    let title = book_title(&mut meta, &mut report);
    if meta.authors.is_empty() {
        report.warn(
            "the source names no author",
            &report::Place::None,
            "set authors = [\"Your Name\"] in manuscript/book.toml",
            0,
        );
    }
    let roles: Vec<Role> = chapters.iter().map(|c| c.role).collect();
    let mut lists = Lists::default();
    if !part_titles.is_empty() {
        lists.parts = part_lists(
            &names,
            &roles,
            &part_of,
            &part_titles,
            &mut lists,
            &mut report,
        );
    }
    files.insert(
        0,
        (
            CONFIG_FILE.to_string(),
            book_toml(&meta, &lists).into_bytes(),
        ),
    );
    if part_titles.is_empty() {
        list_misread_matter(&files, &names, &roles, &mut lists, &report)?;
    }
    if lists.parts.is_empty() && (!lists.front.is_empty() || !lists.back.is_empty()) {
        list_all_matter(&names, &roles, &mut lists, &mut report);
        files[0].1 = book_toml(&meta, &lists).into_bytes();
    }
    let (book, warnings) = load(&files, &report.source)?;
    let manuscript_words = model_words(&book);

    // The report: what went where.
    let mut lines = vec![format!(
        "manuscript/book.toml: {}",
        keys_set(&meta).join(", ")
    )];
    lines.extend(written.lines);
    if !images.files.is_empty() {
        lines.push(format!(
            "manuscript/images/: {} picture{}",
            images.files.len(),
            if images.files.len() == 1 { "" } else { "s" }
        ));
    }
    if let Some((name, _)) = &cover {
        lines.push(format!("cover/{name}: the cover art"));
    }
    let note_count = written.note_count;
    lines.push(format!(
        "{} file{} of text, {note_count} note{}, {manuscript_words} words (the source's text: {source_words}; {} left out, each warned below)",
        chapters.len(),
        if chapters.len() == 1 { "" } else { "s" },
        if note_count == 1 { "" } else { "s" },
        report.words_left_out
    ));
    lines.append(&mut report.lines);
    report.lines = lines;
    // What a build of the folder will warn of, said now (at the manuscript's places).
    if !warnings.is_empty() {
        report.lines.push(format!(
            "quire build will warn of {} thing{} in the manuscript, listed with the warnings below",
            warnings.len(),
            if warnings.len() == 1 { "" } else { "s" }
        ));
    }
    report.warnings.extend(warnings);
    Ok(Imported {
        files,
        report,
        title,
        source_words,
        manuscript_words,
    })
}

/// Leaves out chapters with no text at all (a page that held only a page
/// break, a picture that could not be carried).
fn drop_empty_chapters(source: &mut Source) {
    let mut i = 0;
    while i < source.chapters.len() {
        if source.chapters[i].blocks.is_empty() {
            let gone = source.remove_chapter(i);
            source
                .report
                .line(format!("{}: no text, left out", gone.source));
        } else {
            i += 1;
        }
    }
}

/// The chapter files' names, in reading order: `03-the-storm.md`.
fn file_names(chapters: &[Chapter]) -> Vec<String> {
    let width = chapters.len().to_string().len().max(2);
    let mut names: Vec<String> = Vec::with_capacity(chapters.len());
    for (i, chapter) in chapters.iter().enumerate() {
        let base = chapter
            .title()
            .or_else(|| chapter.label.clone())
            .map(|t| crate::filename::file_stem(&t))
            .filter(|s| s != "book")
            .unwrap_or_else(|| {
                match chapter.role {
                    Role::Front => "front-matter",
                    Role::Body => "text",
                    Role::Back => "back-matter",
                }
                .to_string()
            });
        let slug = cut_at_word(&base, SLUG_CHARS);
        names.push(format!("{:0width$}-{slug}.md", i + 1));
    }
    names
}

/// Where the source's internal links lead in the new files, and the
/// anchors of the headings they lead to.
struct LinkPlaces {
    /// (document, id) as the source links → the place it leads to, if any.
    targets: HashMap<(String, Option<String>), Option<Place>>,
    /// A heading a link leads to → its anchor, chosen as quire will read it.
    heading_anchor: HashMap<u32, String>,
}

impl LinkPlaces {
    fn find(
        chapters: &[Chapter],
        notes: &[Vec<Block>],
        anchors: &HashMap<(String, String), Anchor>,
        doc_chapters: &HashMap<String, usize>,
    ) -> LinkPlaces {
        // Heading anchors: only for headings a link leads to (not a file's
        // title, which the file name reaches), chosen as quire will read them.
        let mut wanted: HashSet<u32> = HashSet::new();
        let mut targets: HashMap<(String, Option<String>), Option<Place>> = HashMap::new();
        let titles: HashMap<usize, u32> = chapters
            .iter()
            .enumerate()
            .filter_map(|(i, c)| match c.blocks.first() {
                Some(Block::Heading { level: 1, key, .. }) => Some((i, *key)),
                _ => None,
            })
            .collect();
        let resolve = |doc: &str, id: Option<&str>| -> Option<Anchor> {
            match id {
                Some(id) => anchors.get(&(doc.to_string(), id.to_string())).copied(),
                None => doc_chapters.get(doc).map(|&chapter| Anchor {
                    chapter,
                    heading: None,
                    exact: true,
                }),
            }
        };
        let mut visit_links = |blocks: &[Block]| {
            tree::for_each_inlines(blocks, &mut |inlines| {
                tree::walk_inlines(inlines, &mut |inline| {
                    if let Inline::Link {
                        target: Target::Internal { doc, id },
                        ..
                    } = inline
                    {
                        let found = resolve(doc, id.as_deref()).map(|a| {
                            let heading = a.heading.filter(|h| titles.get(&a.chapter) != Some(h));
                            (a.chapter, heading, a.exact)
                        });
                        if let Some((_, Some(h), _)) = found {
                            wanted.insert(h);
                        }
                        targets.insert((doc.clone(), id.clone()), found);
                    }
                });
            });
        };
        for chapter in chapters {
            visit_links(&chapter.blocks);
        }
        for note in notes {
            visit_links(note);
        }
        LinkPlaces {
            targets,
            heading_anchor: heading_anchors(chapters, &wanted),
        }
    }

    /// Each link made a Markdown address, or its words alone.
    fn rewrite(
        &self,
        chapters: &mut [Chapter],
        notes: &mut [Vec<Block>],
        names: &[String],
        report: &mut Report,
    ) {
        let mut retargeted = 0;
        let mut dead: Vec<String> = Vec::new();
        let mut rewrite = |blocks: &mut Vec<Block>| {
            tree::for_each_inlines_mut(blocks, &mut |inlines| {
                rewrite_links(inlines, &mut |doc, id| match self
                    .targets
                    .get(&(doc.to_string(), id.map(str::to_string)))
                {
                    Some(Some((chapter, heading, exact))) => {
                        if !exact {
                            retargeted += 1;
                        }
                        let file = names.get(*chapter)?;
                        Some(match heading.and_then(|h| self.heading_anchor.get(&h)) {
                            Some(anchor) => format!("{file}#{anchor}"),
                            None => file.clone(),
                        })
                    }
                    _ => {
                        let shown = match id {
                            Some(id) => format!("{doc}#{id}"),
                            None => doc.to_string(),
                        };
                        if !dead.contains(&shown) {
                            dead.push(shown);
                        }
                        None
                    }
                });
            });
        };
        for chapter in chapters.iter_mut() {
            rewrite(&mut chapter.blocks);
        }
        for note in notes.iter_mut() {
            rewrite(note);
        }
        if retargeted > 0 {
            report.line(format!(
                "{retargeted} link{} to a place inside a section now lead{} to the section's heading (quire's links reach headings)",
                if retargeted == 1 { "" } else { "s" },
                if retargeted == 1 { "s" } else { "" }
            ));
        }
        for target in dead {
            report.warn(
                format!("a link to {target} is not carried (it leads to a page quire makes itself, or nowhere); its words are kept"),
                &report::Place::None,
                "",
                0,
            );
        }
    }
}

/// The anchors of the `wanted` headings, as quire names a heading: its
/// text slugged, with `-2`, `-3`… for a repeat in the same file.
fn heading_anchors(chapters: &[Chapter], wanted: &HashSet<u32>) -> HashMap<u32, String> {
    let mut heading_anchor: HashMap<u32, String> = HashMap::new();
    for chapter in chapters {
        let mut used: HashSet<String> = HashSet::new();
        for block in &chapter.blocks {
            let Block::Heading { content, key, .. } = block else {
                continue;
            };
            let text = tree::plain(content);
            // As quire names a heading: its text, slugged.
            let slug = crate::parse::slug(&text);
            let base = if slug.is_empty() {
                "section".to_string()
            } else {
                slug
            };
            let mut anchor = base.clone();
            let mut n = 2;
            while used.contains(&anchor) {
                anchor = format!("{base}-{n}");
                n += 1;
            }
            used.insert(anchor.clone());
            if wanted.contains(key) {
                heading_anchor.insert(*key, anchor);
            }
        }
    }
    heading_anchor
}

/// The chapter files written, with what the report says of each.
struct ChapterFiles {
    files: Vec<(String, Vec<u8>)>,
    note_count: usize,
    /// One report line per file.
    lines: Vec<String>,
}

/// Each chapter as Markdown, its notes numbered in order of first
/// reference and defined at its end.
fn chapter_files(
    chapters: &mut [Chapter],
    notes: &[Vec<Block>],
    names: &[String],
    heading_anchor: &HashMap<u32, String>,
) -> ChapterFiles {
    let mut written = ChapterFiles {
        files: Vec::new(),
        note_count: 0,
        lines: Vec::new(),
    };
    for (i, chapter) in chapters.iter_mut().enumerate() {
        let defined = number_chapter_notes(&mut chapter.blocks, notes);
        written.note_count += defined.len();
        let text = markdown::chapter(&chapter.blocks, &defined, heading_anchor);
        let words = count_words(&tree::plain_blocks(&chapter.blocks));
        written.lines.push(format!(
            "manuscript/{}: {}{} words{}",
            names[i],
            chapter
                .title()
                .map(|t| format!("“{t}”, "))
                .unwrap_or_default(),
            words,
            if defined.is_empty() {
                String::new()
            } else {
                format!(
                    ", {} note{}",
                    defined.len(),
                    if defined.len() == 1 { "" } else { "s" }
                )
            }
        ));
        written
            .files
            .push((format!("manuscript/{}", names[i]), text.into_bytes()));
    }
    written
}

/// Numbers a chapter's note references from 1 in order of first reference,
/// and gives the notes' bodies under those numbers.
fn number_chapter_notes(blocks: &mut [Block], notes: &[Vec<Block>]) -> markdown::Notes {
    let mut order: Vec<usize> = Vec::new();
    tree::for_each_inlines_mut(blocks, &mut |inlines| {
        tree::walk_inlines_mut(inlines, &mut |inline| {
            if let Inline::Note(n) = inline {
                let label = match order.iter().position(|o| o == n) {
                    Some(p) => p + 1,
                    None => {
                        order.push(*n);
                        order.len()
                    }
                };
                *n = label;
            }
        });
    });
    order
        .iter()
        .enumerate()
        .map(|(k, &n)| {
            let mut body = notes.get(n).cloned().unwrap_or_default();
            // A note's own references have nowhere to go: their markers stay as text.
            tree::for_each_inlines_mut(&mut body, &mut |inlines| {
                tree::walk_inlines_mut(inlines, &mut |inline| {
                    if matches!(inline, Inline::Note(_)) {
                        *inline = Inline::Text(String::new());
                    }
                });
            });
            if body.is_empty() {
                body.push(Block::Paragraph(Vec::new()));
            }
            ((k + 1).to_string(), body)
        })
        .collect()
}

/// The book's title, or its file's name when the source gives none (with a warning).
fn book_title(meta: &mut Metadata, report: &mut Report) -> String {
    let title = match &meta.title {
        Some(t) => t.clone(),
        None => {
            let stem = report
                .source
                .rsplit_once('.')
                .map_or(report.source.as_str(), |(s, _)| s)
                .to_string();
            report.warn(
                format!("the source gives no title; the book is titled “{stem}” after its file"),
                &report::Place::None,
                "set the title in manuscript/book.toml",
                0,
            );
            stem
        }
    };
    meta.title = Some(title.clone());
    title
}

/// With parts, book.toml lists every file: the matter as the source marks
/// it (into `lists`), the chapters in their parts (returned).
fn part_lists(
    names: &[String],
    roles: &[Role],
    part_of: &[Option<usize>],
    part_titles: &[String],
    lists: &mut Lists,
    report: &mut Report,
) -> Vec<(String, Vec<String>)> {
    let mut parts: Vec<(String, Vec<String>)> = Vec::new();
    for (i, name) in names.iter().enumerate() {
        match (roles[i], part_of[i]) {
            (Role::Front, _) => lists.front.push(name.clone()),
            (Role::Back, _) => lists.back.push(name.clone()),
            (Role::Body, Some(part)) => {
                while parts.len() <= part {
                    parts.push((part_titles[parts.len()].clone(), Vec::new()));
                }
                parts[part].1.push(name.clone());
            }
            (Role::Body, None) => lists.front.push(name.clone()),
        }
    }
    parts.retain(|(_, chapters)| !chapters.is_empty());
    report.line(format!(
        "{} part{} in book.toml: {}",
        parts.len(),
        if parts.len() == 1 { "" } else { "s" },
        parts
            .iter()
            .map(|(t, _)| format!("“{t}”"))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    parts
}

/// Without parts, quire places matter by its headings: a file the source
/// marks as front or back matter that quire would read otherwise is listed
/// in book.toml as what the source says it is.
fn list_misread_matter(
    files: &[(String, Vec<u8>)],
    names: &[String],
    roles: &[Role],
    lists: &mut Lists,
    report: &Report,
) -> Result<(), Diagnostic> {
    // quire's reading of the book.
    let (book, _) = load(files, &report.source)?;
    for (i, name) in names.iter().enumerate() {
        let path = format!("manuscript/{name}");
        let matter: Vec<crate::model::Matter> = book
            .sections
            .iter()
            .filter(|s| {
                s.source
                    .and_then(|f| book.sources.get(f as usize))
                    .is_some_and(|f| f.path == path)
            })
            .map(|s| s.kind.matter())
            .collect();
        let read_as =
            |m: crate::model::Matter| !matter.is_empty() && matter.iter().all(|x| *x == m);
        if roles[i] == Role::Front && !read_as(crate::model::Matter::Front) {
            lists.front.push(name.clone());
        } else if roles[i] == Role::Back && !read_as(crate::model::Matter::Back) {
            lists.back.push(name.clone());
        }
    }
    Ok(())
}

/// Listing front matter puts it first, and back matter last: once any is
/// listed, all of it is, in order.
fn list_all_matter(names: &[String], roles: &[Role], lists: &mut Lists, report: &mut Report) {
    if !lists.front.is_empty() {
        let last = roles.iter().rposition(|r| *r == Role::Front).unwrap_or(0);
        lists.front = names[..=last]
            .iter()
            .zip(roles)
            .filter(|(_, r)| **r == Role::Front)
            .map(|(n, _)| n.clone())
            .collect();
    }
    if !lists.back.is_empty() {
        let first = roles.iter().position(|r| *r == Role::Back).unwrap_or(0);
        lists.back = names[first..]
            .iter()
            .zip(&roles[first..])
            .filter(|(_, r)| **r == Role::Back)
            .map(|(n, _)| n.clone())
            .collect();
    }
    for name in lists.front.iter().chain(&lists.back) {
        report.line(format!(
            "manuscript/{name}: listed in book.toml as {} matter, as the source marks it",
            if lists.front.contains(name) {
                "front"
            } else {
                "back"
            }
        ));
    }
}

/// The book.toml keys the import sets, for the report.
fn keys_set(meta: &Metadata) -> Vec<&'static str> {
    let mut keys: Vec<&str> = Vec::new();
    for (key, set) in [
        ("title", meta.title.is_some()),
        ("subtitle", meta.subtitle.is_some()),
        ("authors", !meta.authors.is_empty()),
        ("contributors", !meta.contributors.is_empty()),
        ("publisher", meta.publisher.is_some()),
        ("first-publication", meta.first_publication.is_some()),
        ("language", meta.language.is_some()),
        ("date", meta.date.is_some()),
        ("rights", meta.rights.is_some()),
        ("description", meta.description.is_some()),
        ("keywords", !meta.keywords.is_empty()),
        ("isbn.ebook", meta.isbn_ebook.is_some()),
        ("isbn.print", meta.isbn_print.is_some()),
        ("dedication", meta.dedication.is_some()),
        ("epigraph", meta.epigraph.is_some()),
    ] {
        if set {
            keys.push(key);
        }
    }
    keys
}

/// Files of matter book.toml must name (the rest quire places by their
/// headings), and the parts with their chapters.
#[derive(Debug, Default)]
struct Lists {
    front: Vec<String>,
    back: Vec<String>,
    parts: Vec<(String, Vec<String>)>,
}

/// The source's part pages that hold only their title become book.toml's
/// `[[parts]]`: the titles, and for each remaining chapter the part it is
/// in. Only when every chapter of the body stands in a part (a chapter
/// before the first part keeps the part pages as files quire reads).
fn take_parts(source: &mut Source) -> (Vec<String>, Vec<Option<usize>>) {
    let title_only = |c: &Chapter| {
        c.what == tree::What::Part
            && matches!(c.blocks.as_slice(), [Block::Heading { level: 1, .. }])
    };
    let parts = source
        .chapters
        .iter()
        .filter(|c| c.what == tree::What::Part)
        .count();
    let first = source.chapters.iter().position(title_only);
    let eligible = parts > 0
        && source.chapters.iter().filter(|c| title_only(c)).count() == parts
        && first.is_some_and(|f| source.chapters[..f].iter().all(|c| c.role != Role::Body));
    if !eligible {
        return (Vec::new(), vec![None; source.chapters.len()]);
    }
    let mut titles = Vec::new();
    let mut of = Vec::new();
    let mut current = None;
    let mut i = 0;
    while i < source.chapters.len() {
        if title_only(&source.chapters[i]) {
            titles.push(source.chapters[i].title().unwrap_or_default());
            current = Some(titles.len() - 1);
            source.remove_chapter(i);
            continue;
        }
        of.push(match source.chapters[i].role {
            Role::Body => current,
            _ => None,
        });
        i += 1;
    }
    (titles, of)
}

/// Loads the book as quire will; an error here is the importer's fault,
/// said as such.
fn load(
    files: &[(String, Vec<u8>)],
    source: &str,
) -> Result<(crate::model::Book, Vec<Diagnostic>), Diagnostic> {
    let project = Project::from_files(files.iter().map(|(p, b)| (p.clone(), b.clone())));
    crate::load_book(&project, &crate::Options::default()).map_err(|errors| {
        let first = errors
            .0
            .into_iter()
            .next()
            .unwrap_or_else(|| Diagnostic::error("unknown error"));
        Diagnostic::error(format!(
            "the book imported from {source} does not load: {}",
            first.message
        ))
        .at(first.location)
        .with_hint(
            "this is a fault in quire import; please report it with the file (nothing was written)",
        )
    })
}

fn cut_at_word(slug: &str, most: usize) -> String {
    if slug.len() <= most {
        return slug.to_string();
    }
    let cut = &slug[..most];
    match cut.rfind('-') {
        Some(at) if at > 0 => cut[..at].to_string(),
        _ => cut.to_string(),
    }
}

/// Replaces each internal link with its address, or its words when it leads nowhere.
fn rewrite_links(
    inlines: &mut Vec<Inline>,
    address: &mut dyn FnMut(&str, Option<&str>) -> Option<String>,
) {
    let mut i = 0;
    while i < inlines.len() {
        if let Some(children) = tree::children_mut(&mut inlines[i]) {
            rewrite_links(children, address);
        }
        if let Inline::Link {
            target: Target::Internal { doc, id },
            content,
        } = &inlines[i]
        {
            match address(doc, id.as_deref()) {
                Some(url) => {
                    let content = content.clone();
                    inlines[i] = Inline::Link {
                        target: Target::Web(url),
                        content,
                    };
                }
                None => {
                    let content = content.clone();
                    let n = content.len();
                    inlines.splice(i..=i, content);
                    i += n;
                    continue;
                }
            }
        }
        i += 1;
    }
}

/// Words in the imported tree: chapters, notes, dedication and epigraph.
fn tree_words(chapters: &[Chapter], notes: &[Vec<Block>], meta: &Metadata) -> usize {
    let mut words = 0;
    for chapter in chapters {
        words += count_words(&tree::plain_blocks(&chapter.blocks));
    }
    for note in notes {
        words += count_words(&tree::plain_blocks(note));
    }
    if let Some(lines) = &meta.dedication {
        words += lines
            .iter()
            .map(|l| count_words(&tree::plain(l)))
            .sum::<usize>();
    }
    if let Some((paragraphs, source)) = &meta.epigraph {
        words += paragraphs
            .iter()
            .map(|p| count_words(&tree::plain(p)))
            .sum::<usize>();
        words += source.as_deref().map_or(0, count_words);
    }
    words
}

/// Words of the book as quire reads it: the manuscript's sections and notes,
/// and the dedication and epigraph book.toml gives.
fn model_words(book: &crate::model::Book) -> usize {
    let mut words = 0;
    for section in &book.sections {
        let written = section.source.is_some()
            || matches!(
                section.kind,
                SectionKind::Dedication | SectionKind::Epigraph
            );
        if !written {
            continue;
        }
        // A number read from a heading is the section's label now.
        if let Some(label) = &section.label {
            words += count_words(&label.text);
        }
        let notes = section.notes.iter().map(|n| n.blocks.as_slice());
        for blocks in std::iter::once(section.blocks.as_slice()).chain(notes) {
            crate::model::walk_blocks(blocks, &mut |block| {
                if let Some(text) = crate::model::block_text(block) {
                    // The epigraph page's attribution dash is quire's.
                    let text = if matches!(block.kind, BlockKind::Display { .. }) {
                        text.trim_start_matches(['—', ' ']).to_string()
                    } else {
                        text
                    };
                    words += count_words(&text);
                }
                if let BlockKind::Table { caption, .. } = &block.kind {
                    words += count_words(&crate::model::plain_text(caption));
                }
            });
        }
    }
    words
}

/// Drops metadata quire would refuse (a language tag it does not know, a
/// date that is not one), each with a warning.
fn check_keys(meta: &mut Metadata, report: &mut Report) {
    if let Some(language) = meta.language.clone() {
        let toml = format!("title = \"x\"\nlanguage = {}\n", toml_string(&language));
        if crate::config::parse(&toml).is_err() {
            // `en_US` and the like: the tag with a hyphen, when that is one.
            let fixed = language.replace('_', "-");
            let toml = format!("title = \"x\"\nlanguage = {}\n", toml_string(&fixed));
            if crate::config::parse(&toml).is_ok() {
                meta.language = Some(fixed);
            } else {
                report.warn(
                    format!("the language `{language}` is not a language tag quire knows; it is left out"),
                    &report::Place::None,
                    "set language in manuscript/book.toml (en, en-GB, fr…)",
                    0,
                );
                meta.language = None;
            }
        }
    }
    if let Some(date) = meta.date.clone() {
        let toml = format!("title = \"x\"\ndate = {}\n", toml_string(&date));
        if crate::config::parse(&toml).is_err() {
            report.warn(
                format!("the date `{date}` is not one book.toml can hold; it is left out"),
                &report::Place::None,
                "set date = \"YYYY-MM-DD\" in manuscript/book.toml",
                0,
            );
            meta.date = None;
        }
    }
}

/// A TOML basic string.
pub fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn toml_array(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|i| toml_string(i)).collect();
    format!("[{}]", items.join(", "))
}

/// book.toml, in the order `quire init` writes it, with the style line it
/// writes.
fn book_toml(meta: &Metadata, lists: &Lists) -> String {
    let mut out = String::from(
        "# Imported by `quire import`. Every key is documented in quire's README.\n\n",
    );
    let mut key = |name: &str, value: String| {
        out.push_str(name);
        out.push_str(" = ");
        out.push_str(&value);
        out.push('\n');
    };
    key(
        "title",
        toml_string(meta.title.as_deref().unwrap_or("Untitled")),
    );
    if let Some(s) = &meta.subtitle {
        key("subtitle", toml_string(s));
    }
    if !meta.authors.is_empty() {
        key("authors", toml_array(&meta.authors));
    }
    if !meta.contributors.is_empty() {
        let items: Vec<String> = meta
            .contributors
            .iter()
            .map(|(name, role)| {
                format!(
                    "  {{ name = {}, role = {} }},",
                    toml_string(name),
                    toml_string(role)
                )
            })
            .collect();
        key("contributors", format!("[\n{}\n]", items.join("\n")));
    }
    if let Some(p) = &meta.publisher {
        key("publisher", toml_string(p));
    }
    if let Some(f) = &meta.first_publication {
        key("first-publication", toml_string(f));
    }
    key(
        "language",
        toml_string(meta.language.as_deref().unwrap_or("en")),
    );
    if let Some(d) = &meta.date {
        key("date", toml_string(d));
    }
    if let Some(r) = &meta.rights {
        key("rights", toml_string(r));
    }
    if let Some(d) = &meta.description {
        key("description", toml_string(d));
    }
    if !meta.keywords.is_empty() {
        key("keywords", toml_array(&meta.keywords));
    }
    if let Some(lines) = &meta.dedication {
        let text: Vec<String> = lines.iter().map(|l| markdown::line(l)).collect();
        key("dedication", toml_string(&text.join("\n")));
    }
    if let Some((paragraphs, source)) = &meta.epigraph {
        let text: Vec<String> = paragraphs.iter().map(|p| markdown::line(p)).collect();
        key("epigraph", toml_string(&text.join("\n\n")));
        if let Some(source) = source {
            key("epigraph-source", toml_string(source));
        }
    }
    if !lists.front.is_empty() {
        key("front-matter", toml_array(&lists.front));
    }
    if !lists.back.is_empty() {
        key("back-matter", toml_array(&lists.back));
    }
    let names = crate::model::style::BookStyle::NAMES
        .map(|n| format!("\"{n}\""))
        .join(", ");
    out.push_str(&format!(
        "\n# The design: one of {names}; a [style] table (base = \"…\") overrides it element by element.\nstyle = \"plain\"\n"
    ));
    if meta.isbn_ebook.is_some() || meta.isbn_print.is_some() {
        out.push_str(&isbn_table(meta));
    }
    for (title, chapters) in &lists.parts {
        out.push_str(&format!(
            "\n[[parts]]\ntitle = {}\nchapters = {}\n",
            toml_string(title),
            toml_array(chapters)
        ));
    }
    out
}

fn isbn_table(meta: &Metadata) -> String {
    let mut out = String::from("\n[isbn]\n");
    if let Some(i) = &meta.isbn_ebook {
        out.push_str(&format!("ebook = {}\n", toml_string(i)));
    }
    if let Some(i) = &meta.isbn_print {
        out.push_str(&format!("print = {}\n", toml_string(i)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_strings_escape() {
        assert_eq!(toml_string("a \"b\" \\ c\nd"), "\"a \\\"b\\\" \\\\ c\\nd\"");
    }

    #[test]
    fn slugs_cut_at_a_word() {
        assert_eq!(cut_at_word("a-very-long-title-indeed", 12), "a-very-long");
        assert_eq!(cut_at_word("short", 12), "short");
    }
}
