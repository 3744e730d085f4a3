//! Headings: their levels in the chapter, their parts joined (`I` + `A
//! Letter` → `I. A Letter`), and a paragraph that is a heading in all but
//! its element.

use super::*;

/// Headings' parts joined: a number alone first is followed by a full stop
/// (`I. A Letter with a Postscript`), anything else by a colon
/// (`Chapter One: The Storm`), so quire reads the number and the title.
pub(super) fn join_segments(segments: Vec<Vec<Inline>>) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::new();
    for (i, segment) in segments.into_iter().enumerate() {
        if i > 0 {
            let before = tree::plain(&out);
            let before = before.trim_end();
            let separator = if before.ends_with(['.', ':', ';', '—', '–', '-', ',', '!', '?']) {
                " "
            } else if i == 1
                && read_number(before, "en")
                    .is_some_and(|n| n.rest >= before.len() && n.unit.is_none())
            {
                ". "
            } else {
                ": "
            };
            out.push(Inline::Text(separator.into()));
        }
        out.extend(segment);
    }
    trim(normalize(out))
}

impl Converter<'_, '_, '_> {
    /// Heading levels as the document writes them, made 1, 2, 3… in order
    /// (a document whose top heading is `h2`, as Standard Ebooks write
    /// them, opens with a level-1 heading). A document whose top headings
    /// are all parts ("Part One") with chapters under them keeps the
    /// chapters at level 1 too: each is a chapter of the book.
    pub(super) fn set_levels(&mut self, body: &Node<'_, '_>) {
        let mut used: Vec<u8> = Vec::new();
        let mut tops: Vec<String> = Vec::new();
        for node in body.descendants() {
            if self.is_consumed_or_inside(&node) {
                continue;
            }
            if let Some(level) = heading_level(&node) {
                if node.ancestors().any(|a| name(&a) == "hgroup") {
                    continue;
                }
                used.push(level);
                tops.push((level.to_string()) + "\u{0}" + &crate::import::xml::text_of(&node));
            } else if name(&node) == "hgroup"
                && let Some(level) = node.descendants().filter_map(|n| heading_level(&n)).min()
            {
                used.push(level);
                tops.push((level.to_string()) + "\u{0}" + &crate::import::xml::text_of(&node));
            }
        }
        let mut distinct = used.clone();
        distinct.sort_unstable();
        distinct.dedup();
        self.levels = [0, 1, 2, 3, 4, 5, 6];
        for (i, level) in distinct.iter().enumerate() {
            self.levels[usize::from(*level)] = (i + 1) as u8;
        }
        if distinct.len() >= 2 {
            let top = distinct[0].to_string();
            let top_texts: Vec<&str> = tops
                .iter()
                .filter_map(|t| t.split_once('\u{0}'))
                .filter(|(l, _)| *l == top)
                .map(|(_, t)| t)
                .collect();
            let parts = top_texts.iter().all(|t| {
                read_number(&tree::collapse_space(t), "en")
                    .is_some_and(|n| n.unit.is_some_and(|u| u.is_part()))
            });
            let below = used.iter().filter(|&&l| l == distinct[1]).count();
            if parts && below >= 1 {
                for level in distinct.iter().skip(1) {
                    let l = usize::from(*level);
                    self.levels[l] = self.levels[l].saturating_sub(1).max(1);
                }
            }
        }
    }

    /// A document with no heading element whose first paragraph is its
    /// title all the same (converters that write `<p class="chapter-title">`
    /// or a bold "CHAPTER 1"): a short line that names a chapter or matter,
    /// or a paragraph whose class says it is a title.
    pub(super) fn heading_from_paragraph(&mut self, body: Node<'_, '_>, blocks: &mut [Block]) {
        let Some(Block::Paragraph(content)) = blocks.first() else {
            return;
        };
        let text = tree::plain(content);
        let text = text.trim();
        if count_words(text) == 0 || count_words(text) > 12 || text.ends_with([',', ';']) {
            return;
        }
        let first_class = body
            .descendants()
            .find(|n| name(n) == "p" && !crate::import::xml::text_of(n).trim().is_empty())
            .map(|n| classes(&n).to_ascii_lowercase())
            .unwrap_or_default();
        let titled_class = first_class.split_whitespace().any(|c| {
            !c.contains("subtitle")
                && [
                    "chapter-title",
                    "chaptertitle",
                    "chapter-head",
                    "chapterhead",
                    "chapter_title",
                    "heading",
                    "title",
                    "chapter",
                ]
                .iter()
                .any(|t| c.contains(t))
        });
        let names = read_number(text, "en").is_some_and(|n| n.unit.is_some())
            || crate::resolve::structure::names_matter(text);
        if !(names || titled_class) {
            return;
        }
        let content = tree::unbold_whole(tree::breaks_to_spaces(content.clone()));
        let key = self.heading_key;
        self.heading_key += 1;
        blocks[0] = Block::Heading {
            level: 1,
            content,
            key,
        };
    }

    pub(super) fn heading(&mut self, node: Node<'_, '_>, level: u8, out: &mut Vec<Block>) {
        let key = self.heading_key;
        self.heading_key += 1;
        self.settle_ids(Some(key), true);
        self.in_heading = Some(key);
        if let Some(id) = node.attribute("id") {
            self.record(id);
        }
        let segments = self.heading_segments(node);
        self.in_heading = None;
        let content = tree::unbold_whole(join_segments(segments));
        if is_blank(&content) {
            return;
        }
        self.under = Some(key);
        out.push(Block::Heading {
            level: self.levels[usize::from(level.min(6))].max(1),
            content,
            key,
        });
    }

    /// A heading's parts: split at line breaks and at the elements that
    /// mark a title or subtitle (`<span epub:type="subtitle">`, quire's
    /// `chapter-title`, an hgroup's headings and paragraphs).
    pub(super) fn heading_segments(&mut self, node: Node<'_, '_>) -> Vec<Vec<Inline>> {
        let mut segments: Vec<Vec<Inline>> = vec![Vec::new()];
        if name(&node) == "hgroup" {
            for child in node.children().filter(|c| c.is_element() && !is_skipped(c)) {
                let parts = self.heading_segments(child);
                segments.extend(parts);
            }
            return segments
                .into_iter()
                .map(|s| trim(normalize(s)))
                .filter(|s| !is_blank(s))
                .collect();
        }
        for child in node.children() {
            if self.consumed.contains(&(self.doc, child.id())) {
                continue;
            }
            if child.is_element() && name(&child) == "br" {
                segments.push(Vec::new());
                continue;
            }
            let starts_part = child.is_element()
                && (has_type(&child, &["subtitle", "title"])
                    || has_class(
                        &child,
                        &["chapter-title", "subtitle", "sub-title", "chapter-subtitle"],
                    )
                    || self.look(&child).block
                    || name(&child) == "p");
            if starts_part {
                segments.push(Vec::new());
            }
            let current = segments.last_mut().expect("a segment");
            let mut piece = Vec::new();
            if child.is_text() {
                piece.push(Inline::Text(child.text().unwrap_or("").to_string()));
            } else if child.is_element() && !is_skipped(&child) {
                self.inline(child, &mut piece);
            }
            current.extend(piece);
            if starts_part {
                segments.push(Vec::new());
            }
        }
        segments
            .into_iter()
            .map(|s| tree::breaks_to_spaces(trim(normalize(s))))
            .filter(|s| !is_blank(s))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_parts_join_so_the_number_is_read() {
        let t = |s: &str| vec![Inline::Text(s.into())];
        assert_eq!(
            tree::plain(&join_segments(vec![t("I"), t("A Letter")])),
            "I. A Letter"
        );
        assert_eq!(
            tree::plain(&join_segments(vec![t("Chapter One"), t("The Storm")])),
            "Chapter One: The Storm"
        );
        assert_eq!(
            tree::plain(&join_segments(vec![t("Book I."), t("Title")])),
            "Book I. Title"
        );
    }
}
