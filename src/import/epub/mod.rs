//! Reading an EPUB (2 or 3): the container names the package; the
//! package's metadata (titles, creators with their roles, language,
//! publisher, identifiers, date, rights, description, subjects) becomes
//! book.toml; its spine, in order, goes to [`super::html`]. The source's
//! own title page, copyright page, imprint and colophon fill what the
//! metadata leaves open; a dedication or epigraph page simple enough for
//! book.toml's keys becomes them.

use super::archive::{self, Archive};
use super::css::Styles;
use super::html::{Converter, Doc, Generated, Kind};
use super::report::{Place, Report, count_words};
use super::tree::{self, Block, Inline, What};
use super::{Images, Metadata, Source};
use crate::diag::Diagnostic;
use crate::model::Isbn;

const OPF_NS: &str = "http://www.idpf.org/2007/opf";
const DC_NS: &str = "http://purl.org/dc/elements/1.1/";

/// A manifest item.
#[derive(Debug, Clone)]
struct Item {
    id: String,
    /// Its path in the archive.
    path: String,
    media_type: String,
    properties: String,
}

/// What the package says.
#[derive(Debug, Default)]
struct Package {
    meta: Metadata,
    items: Vec<Item>,
    /// Spine items (by index into `items`), in reading order.
    spine: Vec<usize>,
    cover: Option<usize>,
    /// Contributors whose roles book.toml has no key for.
    uncredited: Vec<(String, String)>,
}

pub fn read(name: &str, bytes: &[u8]) -> Result<Source, Diagnostic> {
    let mut archive = Archive::open(name, bytes)?;
    let mut report = Report::new(name);
    let container_path = "META-INF/container.xml";
    let container = archive.text(container_path)?.ok_or_else(|| {
        Diagnostic::error(format!("{name} has no {container_path}: it is not an EPUB"))
            .with_hint("export the book again as an EPUB from the program that made it")
    })?;
    let container_doc = super::xml::parse(&container, &format!("{name}/{container_path}"))?;
    let opf_path = container_doc
        .descendants()
        .filter(|n| n.tag_name().name() == "rootfile")
        .find(|n| {
            n.attribute("media-type")
                .is_none_or(|t| t == "application/oebps-package+xml")
        })
        .and_then(|n| n.attribute("full-path"))
        .map(archive::percent_decode)
        .ok_or_else(|| {
            Diagnostic::error(format!(
                "{name}/{container_path} names no package document (a rootfile with a full-path)"
            ))
            .at_file(format!("{name}/{container_path}"), 1, 1)
            .with_hint("the EPUB is damaged; export it again from the program that made it")
        })?;
    let opf_text = archive.text(&opf_path)?.ok_or_else(|| {
        Diagnostic::error(format!(
            "{name}: the package document {opf_path} named in {container_path} is missing"
        ))
        .with_hint("the EPUB is damaged; export it again from the program that made it")
    })?;
    let (opf_text, _) = super::xml::expand_entities(&opf_text);
    let opf = super::xml::parse(&opf_text, &format!("{name}/{opf_path}"))?;
    let package = read_package(&opf, &opf_path);

    let mut styles = Styles::default();
    for item in package.items.iter().filter(|i| i.media_type == "text/css") {
        if let Some(css) = archive.text(&item.path)? {
            styles.add_stylesheet(&css);
        }
    }

    // The spine's documents, read and parsed.
    let mut texts: Vec<(String, String, bool)> = Vec::new();
    for &index in &package.spine {
        let item = &package.items[index];
        let is_xhtml = matches!(
            item.media_type.as_str(),
            "application/xhtml+xml" | "text/html" | "application/xml" | "text/xml"
        ) || item.path.ends_with(".xhtml")
            || item.path.ends_with(".html")
            || item.path.ends_with(".htm");
        if !is_xhtml {
            report.warn(
                format!(
                    "{} in the reading order is {}, not a text document; it is not carried",
                    item.path, item.media_type
                ),
                &Place::None,
                "",
                0,
            );
            continue;
        }
        let Some(text) = archive.text(&item.path)? else {
            report.warn(
                format!("{} is in the reading order but not in the EPUB", item.path),
                &Place::None,
                "the EPUB is damaged; export it again from the program that made it",
                0,
            );
            continue;
        };
        let (text, unknown) = super::xml::expand_entities(&text);
        for entity in unknown {
            report.warn(
                format!(
                    "{}: the entity &{entity}; is not one HTML knows; it is kept as text",
                    item.path
                ),
                &Place::None,
                "",
                0,
            );
        }
        let nav = item.properties.split_whitespace().any(|p| p == "nav");
        texts.push((item.path.clone(), declare_epub_prefix(text), nav));
    }
    let mut docs = Vec::with_capacity(texts.len());
    for (path, text, _) in &texts {
        docs.push(Doc {
            path: path.clone(),
            xml: super::xml::parse(text, &format!("{name}/{path}"))?,
        });
    }

    let cover_path = package.cover.map(|i| package.items[i].path.clone());
    let mut images = Images::default();
    let (chapters, notes, anchors, doc_chapters, generated) = {
        let mut converter = Converter::new(&docs, &styles, &mut archive, &mut images, &mut report);
        let kinds: Vec<Kind> = texts
            .iter()
            .enumerate()
            .map(|(d, (_, _, nav))| converter.kind(d, *nav, cover_path.as_deref()))
            .collect();
        let whats: Vec<What> = kinds
            .iter()
            .map(|k| match k {
                Kind::Dedication => What::Dedication,
                Kind::Epigraph => What::Epigraph,
                Kind::Part => What::Part,
                _ => What::Text,
            })
            .collect();
        converter.convert(&kinds);
        let mut chapters = std::mem::take(&mut converter.chapters);
        for chapter in &mut chapters {
            if let Some(d) = docs.iter().position(|d| d.path == chapter.source) {
                chapter.what = whats[d];
                chapter.label = label_of(&docs[d]);
            }
        }
        (
            chapters,
            std::mem::take(&mut converter.notes),
            std::mem::take(&mut converter.anchors),
            std::mem::take(&mut converter.doc_chapters),
            std::mem::take(&mut converter.generated),
        )
    };

    let mut meta = package.meta;
    for (who, role) in &package.uncredited {
        report.warn(
            format!("the contributor {who} ({role}) is not carried: book.toml has no such role"),
            &Place::None,
            "book.toml's contributors are illustrator, cover-designer, editor, translator, photographer, designer, introduction and foreword; add them by hand if one fits",
            0,
        );
    }
    read_generated(&generated, &mut meta, &mut report);

    let mut cover = None;
    if let Some(index) = package.cover {
        let item = &package.items[index];
        match archive.bytes(&item.path)? {
            Some(bytes) => match super::image_kind(&bytes) {
                Some(super::ImageKind::Jpeg) => cover = Some(("cover.jpg".to_string(), bytes)),
                Some(super::ImageKind::Png) => cover = Some(("cover.png".to_string(), bytes)),
                _ => report.warn(
                    format!("the cover {} is not a JPEG or PNG; it is not carried", item.path),
                    &Place::None,
                    "quire composes a typographic cover; put cover art (JPEG or PNG) in cover/ to use it instead",
                    0,
                ),
            },
            None => report.warn(
                format!("the cover {} is missing from the EPUB", item.path),
                &Place::None,
                "",
                0,
            ),
        }
    }
    let mut source = Source {
        meta,
        chapters,
        notes,
        images,
        cover,
        anchors,
        doc_chapters,
        report,
    };
    keys_from_pages(&mut source);
    title_pages_in_text(&mut source);
    Ok(source)
}

/// A title page written into a text document (Project Gutenberg's: the
/// book's title as a heading, then "by" and the author) is the book's
/// title page, which quire makes: left out, and the document's other
/// headings moved up a level (its chapters are the book's). A contents
/// written as a heading and a list of links is quire's to make too.
fn title_pages_in_text(source: &mut Source) {
    let title = source
        .meta
        .title
        .as_deref()
        .map(|t| tree::collapse_space(t).trim().to_lowercase());
    let authors: Vec<String> = source
        .meta
        .authors
        .iter()
        .map(|a| a.to_lowercase())
        .collect();
    for chapter in &mut source.chapters {
        let is_title = match chapter.blocks.first() {
            Some(Block::Heading {
                level: 1, content, ..
            }) => {
                title.as_deref()
                    == Some(
                        tree::collapse_space(&tree::plain(content))
                            .trim()
                            .to_lowercase()
                            .as_str(),
                    )
            }
            _ => false,
        };
        let by = |b: &Block| match b {
            Block::Paragraph(content) | Block::Heading { content, .. } => {
                let text = tree::collapse_space(&tree::plain(content))
                    .trim()
                    .to_string();
                let lower = text.to_lowercase();
                after_words(&text, "by ").is_some()
                    || authors.contains(&lower.trim_end_matches('.').to_string())
            }
            _ => false,
        };
        if is_title && chapter.blocks.get(1).is_some_and(by) {
            let mut words = 0;
            let mut cut = 1;
            while chapter.blocks.get(cut).is_some_and(by) {
                cut += 1;
            }
            for block in chapter.blocks.drain(..cut) {
                words += count_words(&tree::plain_blocks(std::slice::from_ref(&block)));
            }
            source.report.words_generated += words;
            source.report.line(format!(
                "{}: the book's title page written as text ({words} words) is left out: quire makes its own",
                chapter.source
            ));
            // Its chapters move up to be the book's.
            let has_top = chapter
                .blocks
                .iter()
                .any(|b| matches!(b, Block::Heading { level: 1, .. }));
            if !has_top {
                for block in &mut chapter.blocks {
                    if let Block::Heading { level, .. } = block {
                        *level = level.saturating_sub(1).max(1);
                    }
                }
            }
        }
        drop_written_contents(chapter, &mut source.report);
    }
}

/// A section headed "Contents" that is all links: the source's contents.
fn drop_written_contents(chapter: &mut super::tree::Chapter, report: &mut Report) {
    let mut i = 0;
    while i < chapter.blocks.len() {
        let Block::Heading { level, content, .. } = &chapter.blocks[i] else {
            i += 1;
            continue;
        };
        let name = tree::plain(content)
            .trim()
            .trim_end_matches('.')
            .to_lowercase();
        if !matches!(name.as_str(), "contents" | "table of contents") {
            i += 1;
            continue;
        }
        let level = *level;
        let end = chapter.blocks[i + 1..]
            .iter()
            .position(|b| matches!(b, Block::Heading { level: l, .. } if *l <= level))
            .map_or(chapter.blocks.len(), |p| i + 1 + p);
        let body = &chapter.blocks[i + 1..end];
        let (mut all, mut linked) = (0, 0);
        tree::for_each_inlines(body, &mut |inlines| {
            all += count_words(&tree::plain(inlines));
            tree::walk_inlines(inlines, &mut |inline| {
                if let Inline::Link { content, .. } = inline {
                    linked += count_words(&tree::plain(content));
                }
            });
        });
        if all > 0 && linked * 5 >= all * 4 {
            let words = all + count_words(&name);
            chapter.blocks.drain(i..end);
            report.words_generated += words;
            report.line(format!(
                "{}: the source's contents ({words} words) is left out: quire makes its own",
                chapter.source
            ));
            continue;
        }
        i += 1;
    }
}

/// A document that uses `epub:type` without declaring the prefix (some
/// tools write it so) gets the declaration, rather than failing to parse.
fn declare_epub_prefix(text: String) -> String {
    if !text.contains("epub:") || text.contains("xmlns:epub") {
        return text;
    }
    match text.find("<html") {
        Some(at) => format!(
            "{}<html xmlns:epub=\"http://www.idpf.org/2007/ops\"{}",
            &text[..at],
            &text[at + "<html".len()..]
        ),
        None => text,
    }
}

/// A document's label, for naming a file that has no heading: its
/// `aria-label`, its `<title>`, or its file name.
fn label_of(doc: &Doc<'_>) -> Option<String> {
    let root = doc.xml.root_element();
    let aria = root
        .descendants()
        .filter(|n| matches!(n.tag_name().name(), "section" | "article" | "body" | "div"))
        .find_map(|n| n.attribute("aria-label"));
    let title = root
        .descendants()
        .find(|n| n.tag_name().name() == "title")
        .map(|n| super::xml::text_of(&n));
    aria.map(str::to_string)
        .or(title)
        .map(|t| tree::collapse_space(&t).trim().to_string())
        .filter(|t| !t.is_empty())
}

fn read_package(opf: &roxmltree::Document<'_>, opf_path: &str) -> Package {
    let mut package = Package::default();
    let root = opf.root_element();
    let Some(metadata) = root
        .descendants()
        .find(|n| n.tag_name().name() == "metadata")
    else {
        return package;
    };
    // EPUB 3 refinements: `<meta refines="#id" property="…">value</meta>`.
    let refines = |id: &str, property: &str| -> Vec<String> {
        metadata
            .descendants()
            .filter(|n| n.tag_name().name() == "meta")
            .filter(|n| n.attribute("refines") == Some(&format!("#{id}")))
            .filter(|n| n.attribute("property") == Some(property))
            .map(|n| super::xml::text_of(&n).trim().to_string())
            .collect()
    };
    fn dc_of<'a, 'i>(
        metadata: roxmltree::Node<'a, 'i>,
        local: &'static str,
    ) -> impl Iterator<Item = roxmltree::Node<'a, 'i>> {
        metadata.children().filter(move |n| {
            n.tag_name().name() == local && n.tag_name().namespace() == Some(DC_NS)
        })
    }
    let dc = |local: &'static str| dc_of(metadata, local);
    let text = |n: &roxmltree::Node<'_, '_>| {
        tree::collapse_space(&super::xml::text_of(n))
            .trim()
            .to_string()
    };

    // Titles: the main one, and a subtitle when the package marks one.
    let mut main = None;
    let mut subtitle = None;
    for title in dc("title") {
        let value = text(&title);
        if value.is_empty() {
            continue;
        }
        let kind = title
            .attribute("id")
            .and_then(|id| refines(id, "title-type").into_iter().next());
        match kind.as_deref() {
            Some("subtitle") => subtitle = subtitle.or(Some(value)),
            Some("main") => main = Some(value),
            _ => main = main.or(Some(value)),
        }
    }
    package.meta.title = main;
    package.meta.subtitle = subtitle;

    for (element, is_creator) in dc("creator")
        .map(|n| (n, true))
        .chain(dc("contributor").map(|n| (n, false)))
    {
        let who = text(&element);
        if who.is_empty() {
            continue;
        }
        let mut roles: Vec<String> = element
            .attribute("id")
            .map(|id| refines(id, "role"))
            .unwrap_or_default();
        if let Some(role) = element.attribute((OPF_NS, "role")) {
            roles.push(role.to_string());
        }
        if roles.is_empty() {
            roles.push(if is_creator { "aut" } else { "ctb" }.to_string());
        }
        if roles.iter().any(|r| r == "aut") {
            if !package.meta.authors.contains(&who) {
                package.meta.authors.push(who);
            }
            continue;
        }
        let mut credited = false;
        for role in &roles {
            if let Some(key) = role_key(role)
                && !package
                    .meta
                    .contributors
                    .iter()
                    .any(|(n, k)| *n == who && *k == key)
            {
                package.meta.contributors.push((who.clone(), key));
                credited = true;
            }
        }
        if !credited {
            package.uncredited.push((who, roles.join(", ")));
        }
    }
    package.meta.language = dc("language").map(|n| text(&n)).find(|l| !l.is_empty());
    package.meta.publisher = dc("publisher").map(|n| text(&n)).find(|p| !p.is_empty());
    package.meta.rights = dc("rights").map(|n| text(&n)).find(|r| !r.is_empty());
    package.meta.description = dc("description")
        .map(|n| strip_tags(&text(&n)))
        .find(|d| !d.is_empty());
    package.meta.keywords = dc("subject")
        .map(|n| text(&n))
        .filter(|s| !s.is_empty())
        .collect();
    // The publication date: an EPUB 2 `opf:event="publication"` first.
    let dates: Vec<(Option<String>, String)> = dc("date")
        .map(|n| (n.attribute((OPF_NS, "event")).map(str::to_string), text(&n)))
        .collect();
    package.meta.date = dates
        .iter()
        .find(|(e, _)| e.as_deref() == Some("publication"))
        .or_else(|| {
            dates
                .iter()
                .find(|(e, _)| e.as_deref() != Some("modification"))
        })
        .and_then(|(_, d)| iso_date(d));
    // ISBNs: the identifiers (the EPUB's own is the ebook's), and quire's
    // own `pageBreakSource`, which names the print edition.
    let unique = root.attribute("unique-identifier");
    let mut isbns: Vec<(bool, String)> = Vec::new();
    for id in dc("identifier") {
        let value = text(&id);
        let scheme = id.attribute((OPF_NS, "scheme")).unwrap_or("");
        let is_own = unique.is_some() && id.attribute("id") == unique;
        if let Some(isbn) = as_isbn(&value, scheme.eq_ignore_ascii_case("isbn")) {
            isbns.push((is_own, isbn));
        }
    }
    isbns.sort_by_key(|(own, _)| !*own);
    let mut isbns: Vec<String> = isbns.into_iter().map(|(_, i)| i).collect();
    isbns.dedup();
    package.meta.isbn_ebook = isbns.first().cloned();
    let print = metadata
        .children()
        .filter(|n| {
            n.tag_name().name() == "meta" && n.attribute("property") == Some("pageBreakSource")
        })
        .find_map(|n| as_isbn(&text(&n), false))
        .or_else(|| dc("source").find_map(|n| as_isbn(&text(&n), false)))
        .or_else(|| isbns.get(1).cloned());
    package.meta.isbn_print = print.filter(|p| Some(p) != package.meta.isbn_ebook.as_ref());
    // A source that is words, not an address: where the text first appeared.
    package.meta.first_publication = dc("source").map(|n| text(&n)).find(|s| {
        !s.is_empty()
            && !archive::is_external(s)
            && !s.starts_with("urn:")
            && as_isbn(s, false).is_none()
    });

    // The manifest and the spine.
    let base = opf_path.rsplit_once('/').map_or("", |(dir, _)| dir);
    let manifest_base = if base.is_empty() {
        String::new()
    } else {
        format!("{base}/")
    };
    for item in root.descendants().filter(|n| n.tag_name().name() == "item") {
        let (Some(id), Some(href)) = (item.attribute("id"), item.attribute("href")) else {
            continue;
        };
        let Some(path) = archive::resolve(&format!("{manifest_base}x"), href) else {
            continue;
        };
        package.items.push(Item {
            id: id.to_string(),
            path,
            media_type: item.attribute("media-type").unwrap_or("").to_string(),
            properties: item.attribute("properties").unwrap_or("").to_string(),
        });
    }
    for itemref in root
        .descendants()
        .filter(|n| n.tag_name().name() == "itemref")
    {
        if let Some(index) = itemref
            .attribute("idref")
            .and_then(|idref| package.items.iter().position(|i| i.id == idref))
        {
            package.spine.push(index);
        }
    }
    let cover_id = metadata
        .children()
        .filter(|n| n.tag_name().name() == "meta" && n.attribute("name") == Some("cover"))
        .find_map(|n| n.attribute("content"));
    package.cover = package
        .items
        .iter()
        .position(|i| i.properties.split_whitespace().any(|p| p == "cover-image"))
        .or_else(|| cover_id.and_then(|id| package.items.iter().position(|i| i.id == id)));
    package
}

/// book.toml's contributor role for a MARC relator code.
fn role_key(code: &str) -> Option<&'static str> {
    Some(match code.trim().to_ascii_lowercase().as_str() {
        "ill" => "illustrator",
        "cov" | "cvr" => "cover-designer",
        "edt" | "edc" | "pbd" => "editor",
        "trl" => "translator",
        "pht" => "photographer",
        "dsr" | "bkd" => "designer",
        "win" | "aui" => "introduction",
        "wpr" | "aft" => "foreword",
        _ => return None,
    })
}

/// An ISBN, as book.toml writes it, when the text is one (`urn:isbn:…`,
/// `ISBN 978-…`, or the digits alone with the right check digit).
fn as_isbn(value: &str, declared: bool) -> Option<String> {
    let lower = value.trim().to_ascii_lowercase();
    let digits = lower
        .strip_prefix("urn:isbn:")
        .or_else(|| lower.strip_prefix("isbn:"))
        .or_else(|| lower.strip_prefix("isbn"))
        .map(str::trim)
        .or_else(|| {
            let only: String = lower.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
            let plausible = (only.len() == 13 && only.chars().all(|c| c.is_ascii_digit()))
                || (only.len() == 10
                    && only[..9].chars().all(|c| c.is_ascii_digit())
                    && only.ends_with(|c: char| c.is_ascii_digit() || c == 'x'));
            (declared || plausible).then_some(lower.as_str())
        })?;
    Isbn::parse(&digits.to_ascii_uppercase())
        .ok()
        .map(|isbn| isbn.digits().to_string())
}

/// `YYYY-MM-DD` from a date as EPUBs write it (`2021-03-04T10:00:00Z`,
/// `2021-03`, `2021`): the day or month, when missing, the first.
pub fn iso_date(text: &str) -> Option<String> {
    let text = text.trim();
    let date = text.split('T').next().unwrap_or(text);
    let parts: Vec<&str> = date.split('-').collect();
    fn number(s: &str, len: usize) -> Option<&str> {
        (s.len() == len && s.chars().all(|c| c.is_ascii_digit())).then_some(s)
    }
    let year = number(parts.first()?, 4)?;
    let month = parts.get(1).map_or(Some("01"), |m| number(m, 2))?;
    let day = parts.get(2).map_or(Some("01"), |d| number(d, 2))?;
    let (m, d): (u32, u32) = (month.parse().ok()?, day.parse().ok()?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    Some(format!("{year}-{month}-{day}"))
}

/// Text with HTML tags taken out (a description written as escaped HTML).
fn strip_tags(text: &str) -> String {
    if !text.contains('<') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut inside = false;
    for c in text.chars() {
        match c {
            '<' => inside = true,
            '>' if inside => {
                inside = false;
                out.push(' ');
            }
            c if !inside => out.push(c),
            _ => {}
        }
    }
    tree::collapse_space(&out).trim().to_string()
}

/// What the source's generated pages say that the package did not.
fn read_generated(generated: &[Generated], meta: &mut Metadata, report: &mut Report) {
    for page in generated {
        let words: usize = page.lines.iter().map(|l| count_words(l)).sum();
        let mut read: Vec<&str> = Vec::new();
        match page.kind {
            Kind::TitlePage | Kind::HalfTitle => {
                if meta.title.is_none()
                    && let Some(first) = page.lines.first()
                {
                    meta.title = Some(first.clone());
                    read.push("title");
                }
                for line in &page.lines {
                    if let Some(name) = after_words(line, "by ")
                        && meta.authors.is_empty()
                    {
                        meta.authors.push(name);
                        read.push("authors");
                    }
                }
            }
            Kind::Copyright => read_copyright(&page.lines, meta, &mut read),
            Kind::Imprint => {
                for line in &page.lines {
                    if meta.publisher.is_none()
                        && let Some(name) = after_words(line, "published by ")
                    {
                        meta.publisher = Some(name);
                        read.push("publisher");
                    }
                }
            }
            Kind::Contents | Kind::Cover => {}
            _ => {}
        }
        let what = match page.kind {
            Kind::TitlePage => "the title page",
            Kind::HalfTitle => "the half title",
            Kind::Copyright => "the copyright page",
            Kind::Imprint => "the imprint or colophon",
            Kind::Contents => "the contents",
            Kind::Cover => "the cover page",
            _ => "a generated page",
        };
        let into = if read.is_empty() {
            String::new()
        } else {
            format!("; read into book.toml: {}", read.join(", "))
        };
        report.line(format!(
            "{}: {what} of the source ({words} words), made by quire itself{into}",
            page.path
        ));
    }
}

/// A copyright page's lines as book.toml keys: ISBNs, a first-publication
/// note, credits, the publisher, and the rest as the rights notice.
pub fn read_copyright(lines: &[String], meta: &mut Metadata, read: &mut Vec<&'static str>) {
    let mut rights: Vec<String> = Vec::new();
    let full_title = match (&meta.title, &meta.subtitle) {
        (Some(t), Some(s)) => Some(format!("{t}: {s}")),
        (Some(t), None) => Some(t.clone()),
        _ => None,
    };
    for line in lines {
        let lower = line.to_lowercase();
        let trimmed = line.trim();
        if Some(trimmed) == full_title.as_deref() || Some(trimmed) == meta.title.as_deref() {
            continue;
        }
        if lower.contains("isbn") {
            let isbn = trimmed
                .split(|c: char| !(c.is_ascii_digit() || c == '-' || c == 'X' || c == 'x'))
                .find_map(|s| as_isbn(s, true));
            if let Some(isbn) = isbn {
                let print = ["paperback", "hardcover", "hardback", "print", "pbk", "hbk"]
                    .iter()
                    .any(|w| lower.contains(w));
                let slot = if print {
                    &mut meta.isbn_print
                } else {
                    &mut meta.isbn_ebook
                };
                if slot.is_none() {
                    *slot = Some(isbn);
                    read.push(if print { "isbn.print" } else { "isbn.ebook" });
                }
                continue;
            }
        }
        if let Some((prefix, role)) = crate::model::Role::ALL
            .iter()
            .map(|(key, role)| (role.credit_prefix().to_lowercase(), *key))
            .find(|(prefix, _)| lower.starts_with(&format!("{prefix} ")))
        {
            let Some(name) = after_words(trimmed, &format!("{prefix} ")) else {
                rights.push(trimmed.to_string());
                continue;
            };
            if !meta
                .contributors
                .iter()
                .any(|(n, r)| *n == name && *r == role)
            {
                meta.contributors.push((name, role));
                read.push("contributors");
            }
            continue;
        }
        if meta.publisher.as_deref() == Some(trimmed) {
            continue;
        }
        if [
            "first published",
            "originally published",
            "first edition",
            "was originally published",
            "was first published",
            "first appeared",
        ]
        .iter()
        .any(|w| lower.contains(w))
        {
            if meta.first_publication.is_none() {
                meta.first_publication = Some(trimmed.to_string());
                read.push("first-publication");
            } else if meta.first_publication.as_deref() != Some(trimmed) {
                rights.push(trimmed.to_string());
            }
            continue;
        }
        rights.push(trimmed.to_string());
    }
    if meta.rights.is_none() && !rights.is_empty() {
        meta.rights = Some(rights.join(" "));
        read.push("rights");
    }
}

/// What follows words at the start of a line, in any case ("By A. Writer."
/// → "A. Writer"), without a final full stop; `None` when the line does not
/// start with them or nothing follows.
pub fn after_words(line: &str, words: &str) -> Option<String> {
    let line = line.trim();
    let head = line.get(..words.len())?;
    if !head.eq_ignore_ascii_case(words) {
        return None;
    }
    let rest = line[words.len()..].trim().trim_end_matches('.').trim();
    (!rest.is_empty()).then(|| rest.to_string())
}

/// A dedication or epigraph page simple enough for book.toml's keys (short
/// lines of text, no notes, links or pictures) becomes them; anything more
/// stays a file of front matter.
fn keys_from_pages(source: &mut Source) {
    let mut i = 0;
    while i < source.chapters.len() {
        let chapter = &source.chapters[i];
        let meta = &mut source.meta;
        let taken = match chapter.what {
            What::Dedication if meta.dedication.is_none() => {
                dedication_lines(&chapter.blocks).map(|lines| {
                    meta.dedication = Some(lines);
                    "dedication"
                })
            }
            What::Epigraph if meta.epigraph.is_none() => epigraph_parts(&chapter.blocks).map(|e| {
                meta.epigraph = Some(e);
                "epigraph"
            }),
            _ => None,
        };
        if let Some(key) = taken {
            let line = format!("{}: read into book.toml: {key}", chapter.source);
            source.report.line(line);
            source.remove_chapter(i);
            continue;
        }
        i += 1;
    }
}

/// Whether inline content is plain enough for a book.toml line (no notes,
/// links or code).
fn plain_enough(inlines: &[Inline]) -> bool {
    let mut ok = true;
    tree::walk_inlines(inlines, &mut |i| {
        ok &= !matches!(i, Inline::Note(_) | Inline::Link { .. } | Inline::Code(_));
    });
    ok
}

/// A dedication's lines, skipping a heading that only says "Dedication".
pub fn dedication_lines(blocks: &[Block]) -> Option<Vec<Vec<Inline>>> {
    let mut lines = Vec::new();
    for (i, block) in blocks.iter().enumerate() {
        match block {
            Block::Heading { content, .. } if i == 0 && is_label(content, &["dedication"]) => {}
            Block::Paragraph(content) if plain_enough(content) => {
                lines.extend(tree::split_lines(content.clone()));
            }
            Block::Verse(stanzas) => {
                for line in stanzas.iter().flatten() {
                    if !plain_enough(&line.content) {
                        return None;
                    }
                    lines.push(line.content.clone());
                }
            }
            _ => return None,
        }
    }
    let words: usize = lines.iter().map(|l| count_words(&tree::plain(l))).sum();
    // A line in italic as a whole is the page's look (quire sets the
    // dedication in italic): the words alone.
    let lines = lines
        .into_iter()
        .map(|line| match line.as_slice() {
            [Inline::Emphasis(inner)] => inner.clone(),
            _ => line,
        })
        .collect::<Vec<_>>();
    (!lines.is_empty() && words <= 60).then_some(lines)
}

/// An epigraph's paragraphs and source: a quotation of prose (verse keeps
/// its lines only on a page of its own) and a line naming its source.
pub fn epigraph_parts(blocks: &[Block]) -> Option<(Vec<Vec<Inline>>, Option<String>)> {
    let mut blocks: Vec<&Block> = blocks.iter().collect();
    if let Some(Block::Heading { content, .. }) = blocks.first()
        && is_label(content, &["epigraph"])
    {
        blocks.remove(0);
    }
    let mut paragraphs = Vec::new();
    let mut source = None;
    let take =
        |block: &Block, paragraphs: &mut Vec<Vec<Inline>>, source: &mut Option<String>| -> bool {
            match block {
                Block::Paragraph(content)
                    if plain_enough(content) && !tree::contains_break(content) =>
                {
                    let text = tree::plain(content);
                    let trimmed = text.trim();
                    if trimmed.starts_with(['—', '–', '―', '-', '~'])
                        && source.is_none()
                        && !paragraphs.is_empty()
                    {
                        *source = Some(
                            trimmed
                                .trim_start_matches(['—', '–', '―', '-', '~', ' '])
                                .to_string(),
                        );
                    } else if source.is_some() {
                        return false;
                    } else {
                        paragraphs.push(content.clone());
                    }
                    true
                }
                _ => false,
            }
        };
    for block in blocks {
        match block {
            Block::Quote(inner) => {
                for b in inner {
                    if !take(b, &mut paragraphs, &mut source) {
                        return None;
                    }
                }
            }
            other => {
                if !take(other, &mut paragraphs, &mut source) {
                    return None;
                }
            }
        }
    }
    let words: usize = paragraphs
        .iter()
        .map(|p| count_words(&tree::plain(p)))
        .sum();
    (!paragraphs.is_empty() && words <= 150).then_some((paragraphs, source))
}

fn is_label(content: &[Inline], labels: &[&str]) -> bool {
    let text = tree::plain(content)
        .trim()
        .trim_end_matches('.')
        .to_lowercase();
    labels.contains(&text.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_undeclared_epub_prefix_is_declared() {
        let text =
            "<html xmlns=\"http://www.w3.org/1999/xhtml\"><body epub:type=\"bodymatter\"/></html>"
                .to_string();
        let fixed = declare_epub_prefix(text);
        let doc = super::super::xml::parse(&fixed, "x.xhtml").unwrap();
        let body = doc.descendants().find(|n| n.has_tag_name("body")).unwrap();
        assert_eq!(
            body.attribute(("http://www.idpf.org/2007/ops", "type")),
            Some("bodymatter")
        );
    }

    #[test]
    fn isbns_and_dates_as_book_toml_writes_them() {
        assert_eq!(
            as_isbn("urn:isbn:978-0-306-40615-7", false).as_deref(),
            Some("9780306406157")
        );
        assert_eq!(
            as_isbn("9780306406157", false).as_deref(),
            Some("9780306406157")
        );
        assert_eq!(
            as_isbn("0306406152", false).as_deref(),
            Some("9780306406157")
        );
        assert_eq!(as_isbn("urn:uuid:1234", false), None);
        assert_eq!(as_isbn("9780306406158", false), None);
        assert_eq!(
            iso_date("2021-03-04T10:00:00Z").as_deref(),
            Some("2021-03-04")
        );
        assert_eq!(iso_date("1921").as_deref(), Some("1921-01-01"));
        assert_eq!(iso_date("March 1921"), None);
    }

    #[test]
    fn a_copyright_page_fills_the_keys() {
        let mut meta = Metadata {
            title: Some("T".into()),
            publisher: Some("Lossi 36".into()),
            ..Metadata::default()
        };
        let lines: Vec<String> = [
            "T",
            "© 2020 A. Writer. All rights reserved.",
            "This article was originally published by Lossi 36.",
            "Illustration by Amanda Sonesson.",
            "ISBN 978-0-306-40615-7 (paperback)",
            "Lossi 36",
        ]
        .map(String::from)
        .to_vec();
        let mut read = Vec::new();
        read_copyright(&lines, &mut meta, &mut read);
        assert_eq!(
            meta.rights.as_deref(),
            Some("© 2020 A. Writer. All rights reserved.")
        );
        assert_eq!(
            meta.first_publication.as_deref(),
            Some("This article was originally published by Lossi 36.")
        );
        assert_eq!(
            meta.contributors,
            [("Amanda Sonesson".to_string(), "illustrator")]
        );
        assert_eq!(meta.isbn_print.as_deref(), Some("9780306406157"));
    }
}
