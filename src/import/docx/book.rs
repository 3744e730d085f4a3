//! The items made into a book: chapters at each top-level heading (or, with
//! no heading styles, at short lines that name a chapter), and the pages
//! before the first heading read as title page, copyright, dedication or
//! epigraph.

use super::*;

impl Para {
    /// The place of the paragraph being read (its number is the reader's count).
    pub(super) fn place_now(&self, number: usize) -> Place {
        Place::Paragraph {
            number,
            words: first_words(&tree::plain(&self.inlines), 5),
        }
    }
}

impl Reader<'_, '_> {
    /// The document's items made into the book: front pages read into
    /// book.toml, chapters at each top-level heading.
    pub(super) fn book(&mut self, items: Vec<Item>, mut meta: Metadata) -> Source {
        let mut items = self.without_contents(items);
        mark_page_starts(&mut items);
        let has_styles = items
            .iter()
            .any(|i| matches!(i, Item::Para(p) if p.heading.is_some()));
        if !has_styles {
            let found = self.find_unstyled_headings(&mut items);
            if found > 0 {
                self.report.line(format!(
                    "no heading styles in the document: {found} chapter heading{} found from their lines (“Chapter One”, “Prologue”) set apart; style them Heading 1 in Word to be sure",
                    if found == 1 { "" } else { "s" }
                ));
            }
        }
        self.settle_heading_levels(&mut items);

        // Front pages: everything before the first top-level heading.
        let first = items
            .iter()
            .position(|i| matches!(i, Item::Para(p) if p.heading == Some(1)))
            .unwrap_or(items.len());
        let rest = items.split_off(first);
        let mut chapters: Vec<Chapter> = Vec::new();
        self.front_pages(items, &mut meta, &mut chapters);

        // Chapters: one per top-level heading.
        let mut groups: Vec<Vec<Item>> = Vec::new();
        for item in rest {
            let starts = matches!(&item, Item::Para(p) if p.heading == Some(1));
            if starts || groups.is_empty() {
                groups.push(Vec::new());
            }
            groups.last_mut().expect("a group").push(item);
        }
        let mut anchors: HashMap<(String, String), Anchor> = HashMap::new();
        let mut next_key: u32 = 0;
        for group in groups {
            let chapter = self.chapter(group, chapters.len(), &mut next_key, &mut anchors);
            chapters.push(chapter);
        }
        // A document with no heading at all: one chapter, the book's title over it.
        if chapters.is_empty() {
            chapters.push(Chapter {
                role: Role::Body,
                what: What::Text,
                blocks: Vec::new(),
                source: self.report.source.clone(),
                label: None,
            });
        }
        if meta.title.is_none() {
            // The first heading names the book when nothing else does.
            meta.title = chapters.iter().find_map(Chapter::title);
        }
        Source {
            meta,
            chapters,
            anchors,
            ..Source::default()
        }
    }

    /// The items without a table of contents' entries: the contents is
    /// quire's to make.
    fn without_contents(&mut self, items: Vec<Item>) -> Vec<Item> {
        let mut toc_words = 0;
        let items: Vec<Item> = items
            .into_iter()
            .filter(|i| match i {
                Item::Para(p) if p.toc => {
                    toc_words += count_words(&p.text());
                    false
                }
                _ => true,
            })
            .collect();
        if toc_words > 0 {
            self.report.words_generated += toc_words;
            self.report.line(format!(
                "the document's table of contents ({toc_words} words) is left out: quire makes its own"
            ));
        }
        items
    }

    /// Levels: the headings used, made 1, 2, 3… in order; parts with
    /// chapters under them are each a file of their own.
    fn settle_heading_levels(&self, items: &mut [Item]) {
        let mut used: Vec<u8> = items
            .iter()
            .filter_map(|i| match i {
                Item::Para(p) => p.heading,
                _ => None,
            })
            .collect();
        used.sort_unstable();
        used.dedup();
        let mut level_map: HashMap<u8, u8> = used
            .iter()
            .enumerate()
            .map(|(i, l)| (*l, (i + 1) as u8))
            .collect();
        if used.len() >= 2 {
            let top = used[0];
            let parts = items.iter().all(|i| match i {
                Item::Para(p) if p.heading == Some(top) => read_number(&p.text(), &self.language)
                    .is_some_and(|n| n.unit.is_some_and(|u| u.is_part())),
                _ => true,
            });
            if parts {
                for level in &used[1..] {
                    if let Some(l) = level_map.get_mut(level) {
                        *l = l.saturating_sub(1).max(1);
                    }
                }
            }
        }
        for item in items {
            if let Item::Para(p) = item
                && let Some(level) = p.heading
            {
                p.heading = level_map.get(&level).copied();
            }
        }
    }

    /// One chapter (number `chapter`) from its items: its headings keyed
    /// from `next_key`, its bookmarks recorded in `anchors`.
    fn chapter(
        &mut self,
        group: Vec<Item>,
        chapter: usize,
        next_key: &mut u32,
        anchors: &mut HashMap<(String, String), Anchor>,
    ) -> Chapter {
        // Page breaks inside a chapter have no place in quire's text
        // (its pages are its own): each is said.
        for (i, item) in group.iter().enumerate() {
            if let Item::Para(p) = item
                && p.new_page
                && i > 0
                && p.heading.is_none()
                && !p.is_blank()
            {
                self.report.warn(
                    "a page break is not carried",
                    &p.place(),
                    "quire breaks pages itself; a new chapter wants a heading (Heading 1)",
                    0,
                );
            }
        }
        let keys: Vec<(usize, u32)> = group
            .iter()
            .filter_map(|i| match i {
                Item::Para(p) if p.heading.is_some() => {
                    *next_key += 1;
                    Some((p.number, *next_key))
                }
                _ => None,
            })
            .collect();
        let mut bookmarks = HashMap::new();
        let blocks = self.blocks(group, &mut bookmarks, &keys);
        for (name, at) in bookmarks {
            // The heading the bookmark stands on or under.
            let heading = blocks[..(at + 1).min(blocks.len())]
                .iter()
                .rev()
                .find_map(|b| match b {
                    Block::Heading { key, .. } => Some(*key),
                    _ => None,
                });
            let exact = matches!(blocks.get(at), Some(Block::Heading { .. }));
            anchors.insert(
                (String::new(), name),
                Anchor {
                    chapter,
                    heading,
                    exact,
                },
            );
        }
        Chapter {
            role: Role::Body,
            what: What::Text,
            blocks,
            source: self.report.source.clone(),
            label: None,
        }
    }

    /// A manuscript without heading styles: lines that name a chapter, a
    /// part or matter, short, and set apart (on a new page, centred, bold
    /// or in capitals), are its headings. A title line right after a bare
    /// "Chapter One" line joins it.
    pub(super) fn find_unstyled_headings(&mut self, items: &mut [Item]) -> usize {
        let mut found = 0;
        let mut i = 0;
        while i < items.len() {
            let Item::Para(p) = &items[i] else {
                i += 1;
                continue;
            };
            let text = p.text();
            let text = text.trim();
            let words = count_words(text);
            let apart = p.new_page
                || p.centred
                || all_bold(&p.inlines)
                || (text.chars().any(char::is_alphabetic) && text.to_uppercase() == text);
            let names_chapter = read_number(text, &self.language).is_some_and(|n| n.unit.is_some());
            let names_matter = crate::resolve::structure::names_matter(text);
            if words > 0
                && words <= 12
                && apart
                && (names_chapter || names_matter)
                && !text.ends_with([',', ';'])
            {
                // "Chapter One" alone, then its title on the next short line.
                let bare = read_number(text, &self.language).is_some_and(|n| n.rest >= text.len());
                let mut content = unbold(p.inlines.clone());
                if bare
                    && let Some(Item::Para(next)) = items.get(i + 1)
                    && next.heading.is_none()
                    && count_words(&next.text()) <= 12
                    && (next.centred || all_bold(&next.inlines))
                    && read_number(next.text().trim(), &self.language)
                        .is_none_or(|n| n.unit.is_none())
                {
                    content.push(Inline::Text(": ".into()));
                    content.extend(unbold(next.inlines.clone()));
                    if let Item::Para(next) = &mut items[i + 1] {
                        next.inlines.clear();
                    }
                }
                if let Item::Para(p) = &mut items[i] {
                    p.heading = Some(1);
                    p.inlines = trim(normalize(content));
                }
                found += 1;
            }
            i += 1;
        }
        found
    }

    /// The pages before the first heading: a title page, a copyright page,
    /// a dedication and an epigraph into book.toml; anything else a file
    /// of front matter.
    pub(super) fn front_pages(
        &mut self,
        items: Vec<Item>,
        meta: &mut Metadata,
        chapters: &mut Vec<Chapter>,
    ) -> usize {
        let mut pages: Vec<Vec<Item>> = Vec::new();
        for item in items {
            let starts = matches!(&item, Item::Para(p) if p.new_page);
            if starts || pages.is_empty() {
                pages.push(Vec::new());
            }
            pages.last_mut().expect("a page").push(item);
        }
        let mut read = 0;
        for page in pages {
            read += self.front_page(page, meta, chapters);
        }
        read
    }

    /// One page before the first heading: its title and subtitle lines, a
    /// title page's author line, a copyright page, a dedication or an
    /// epigraph read into book.toml (how many of these, returned); what
    /// else it holds kept as front matter.
    fn front_page(
        &mut self,
        page: Vec<Item>,
        meta: &mut Metadata,
        chapters: &mut Vec<Chapter>,
    ) -> usize {
        let mut read = 0;
        let mut rest: Vec<Item> = Vec::new();
        let mut lines: Vec<(String, Para)> = Vec::new();
        for item in page {
            match item {
                Item::Para(p) if p.title || p.subtitle => {
                    if self.read_title_line(&p, meta) {
                        read += 1;
                    }
                }
                Item::Para(p) if !p.is_blank() => lines.push((p.text(), p.clone())),
                Item::Para(_) => {}
                other => rest.push(other),
            }
        }
        if lines.is_empty() && rest.is_empty() {
            return read;
        }
        let texts: Vec<String> = lines
            .iter()
            .map(|(t, _)| tree::collapse_space(t).trim().to_string())
            .collect();
        let all = texts.join(" ").to_lowercase();
        let words: usize = texts.iter().map(|t| count_words(t)).sum();
        let leftover = self.without_title_page_lines(lines, meta);
        if leftover.is_empty() && rest.is_empty() {
            return read;
        }
        let copyright = all.contains('©')
            || all.contains("copyright")
            || all.contains("all rights reserved")
            || all.contains("isbn");
        if copyright && rest.is_empty() {
            let texts: Vec<String> = leftover.iter().map(|(t, _)| t.clone()).collect();
            let mut keys = Vec::new();
            crate::import::epub::read_copyright(&texts, meta, &mut keys);
            self.report.words_generated += words;
            self.report.line(format!(
                "the copyright page (paragraph {}) read into book.toml: {}",
                leftover[0].1.number,
                if keys.is_empty() {
                    "nothing new".to_string()
                } else {
                    keys.join(", ")
                }
            ));
            return read + 1;
        }
        let paras: Vec<Item> = leftover
            .into_iter()
            .map(|(_, p)| Item::Para(p))
            .chain(rest)
            .collect();
        let mut bookmarks = HashMap::new();
        let blocks = self.blocks(paras, &mut bookmarks, &[]);
        if blocks.is_empty() {
            return read;
        }
        let first_line = tree::plain_blocks(&blocks).trim().to_lowercase();
        let dedication_like = [
            "to ",
            "for ",
            "in memory",
            "in loving memory",
            "dedicated to",
        ]
        .iter()
        .any(|d| first_line.starts_with(d));
        if meta.dedication.is_none()
            && dedication_like
            && let Some(lines) = crate::import::epub::dedication_lines(&blocks)
        {
            meta.dedication = Some(lines);
            self.report
                .line("the dedication page read into book.toml: dedication");
            return read + 1;
        }
        if meta.epigraph.is_none()
            && let Some(epigraph) = crate::import::epub::epigraph_parts(&blocks)
            && (epigraph.1.is_some() || matches!(blocks.first(), Some(Block::Quote(_))))
        {
            meta.epigraph = Some(epigraph);
            self.report
                .line("the epigraph page read into book.toml: epigraph");
            return read + 1;
        }
        chapters.push(Chapter {
            role: Role::Front,
            what: What::Text,
            blocks,
            source: self.report.source.clone(),
            label: None,
        });
        read
    }

    /// A paragraph styled Title or Subtitle read into book.toml (a second
    /// title is the subtitle); whether it held any text.
    fn read_title_line(&mut self, p: &Para, meta: &mut Metadata) -> bool {
        let text = tree::collapse_space(&p.text()).trim().to_string();
        if text.is_empty() {
            return false;
        }
        self.report.words_generated += count_words(&text);
        if p.title {
            if meta.title.is_none() {
                meta.title = Some(text);
            } else if meta.title.as_deref() != Some(text.as_str()) && meta.subtitle.is_none() {
                meta.subtitle = Some(text);
            }
        } else if meta.subtitle.is_none() {
            meta.subtitle = Some(text);
        }
        true
    }

    /// A page's lines without those a title page holds: the author line
    /// ("by A. Writer", read as the author when none is known) and lines
    /// that repeat the title, subtitle or an author.
    fn without_title_page_lines(
        &mut self,
        lines: Vec<(String, Para)>,
        meta: &mut Metadata,
    ) -> Vec<(String, Para)> {
        let mut leftover: Vec<(String, Para)> = Vec::new();
        for (text, p) in lines {
            let t = tree::collapse_space(&text).trim().to_string();
            if let Some(name) = crate::import::epub::after_words(&t, "by ") {
                if meta.authors.is_empty() {
                    meta.authors.push(name);
                }
                self.report.words_generated += count_words(&t);
                continue;
            }
            if meta.authors.iter().any(|a| a.eq_ignore_ascii_case(&t))
                || meta
                    .title
                    .as_deref()
                    .is_some_and(|x| x.eq_ignore_ascii_case(&t))
                || meta
                    .subtitle
                    .as_deref()
                    .is_some_and(|x| x.eq_ignore_ascii_case(&t))
            {
                self.report.words_generated += count_words(&t);
                continue;
            }
            leftover.push((t, p));
        }
        leftover
    }
}

/// Page starts: a break at the end of one paragraph starts the next's page.
fn mark_page_starts(items: &mut [Item]) {
    let mut starts_page = true;
    for item in items {
        if let Item::Para(p) = item {
            p.new_page |= starts_page;
            starts_page = p.breaks_page;
        } else {
            starts_page = false;
        }
    }
}
