//! The pages a source made for itself read for book.toml: title page,
//! copyright page, imprint and colophon fill what the metadata leaves open;
//! a dedication or epigraph simple enough becomes book.toml's keys; a title
//! page or contents written into the text is left out (quire makes them).

use super::*;

/// A title page written into a text document (Project Gutenberg's: the
/// book's title as a heading, then "by" and the author) is the book's
/// title page, which quire makes: left out, and the document's other
/// headings moved up a level (its chapters are the book's). A contents
/// written as a heading and a list of links is quire's to make too.
pub(super) fn title_pages_in_text(source: &mut Source) {
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
pub(super) fn drop_written_contents(chapter: &mut super::tree::Chapter, report: &mut Report) {
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

/// What the source's generated pages say that the package did not.
pub(super) fn read_generated(generated: &[Generated], meta: &mut Metadata, report: &mut Report) {
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
pub(super) fn keys_from_pages(source: &mut Source) {
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
pub(super) fn plain_enough(inlines: &[Inline]) -> bool {
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

pub(super) fn is_label(content: &[Inline], labels: &[&str]) -> bool {
    let text = tree::plain(content)
        .trim()
        .trim_end_matches('.')
        .to_lowercase();
    labels.contains(&text.as_str())
}
