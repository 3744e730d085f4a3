//! Items made into the import tree's blocks: headings with their numbers,
//! paragraphs, quotes, verse, code, lists, scene breaks and figures.

use super::*;

/// A paragraph's text as blocks (nothing, when it holds only pictures).
pub(super) fn paragraph_blocks(para: &Para) -> Vec<Block> {
    let inlines = trim(para.inlines.clone());
    if is_blank(&inlines) {
        Vec::new()
    } else {
        vec![Block::Paragraph(inlines)]
    }
}

/// Bold taken off: a heading's own weight is its style's.
pub(super) fn unbold(inlines: Vec<Inline>) -> Vec<Inline> {
    let mut out = Vec::with_capacity(inlines.len());
    for inline in inlines {
        match inline {
            Inline::Strong(children) => out.extend(unbold(children)),
            mut other => {
                if let Some(children) = tree::children_mut(&mut other) {
                    *children = unbold(std::mem::take(children));
                }
                out.push(other);
            }
        }
    }
    normalize(out)
}

pub(super) fn all_bold(inlines: &[Inline]) -> bool {
    let inlines = trim(inlines.to_vec());
    !inlines.is_empty() && inlines.iter().all(|i| matches!(i, Inline::Strong(_)))
}

/// The blocks made so far, and the runs of paragraphs still being gathered
/// into one block (a list, a quote, a stanza, a code block).
#[derive(Default)]
struct Runs {
    out: Vec<Block>,
    list: Vec<ListFrame>,
    /// The indents of the open list levels, outermost first.
    list_indents: Vec<i32>,
    quote: Vec<Block>,
    verse: Vec<Vec<Line>>,
    code: Vec<String>,
}

/// A run left open while the others are closed.
#[derive(Clone, Copy, PartialEq)]
enum Keep {
    Nothing,
    List,
    Quote,
    Verse,
    Code,
}

impl Runs {
    /// Closes the open runs (all but `keep`) into blocks, in the order
    /// list, quote, verse, code.
    fn flush(&mut self, keep: Keep) {
        if keep != Keep::List
            && let Some(block) = close_lists(&mut self.list)
        {
            self.out.push(block);
        }
        if keep != Keep::Quote && !self.quote.is_empty() {
            self.out.push(Block::Quote(std::mem::take(&mut self.quote)));
        }
        if keep != Keep::Verse {
            self.verse.retain(|s| !s.is_empty());
            if !self.verse.is_empty() {
                self.out.push(Block::Verse(std::mem::take(&mut self.verse)));
            }
        }
        if keep != Keep::Code && !self.code.is_empty() {
            self.out
                .push(Block::Code(std::mem::take(&mut self.code).join("\n")));
        }
    }

    /// A verse paragraph: its lines added to the stanza, or a blank one
    /// starting the next stanza.
    fn add_verse(&mut self, para: &Para) {
        if !self.list.is_empty() || !self.quote.is_empty() || !self.code.is_empty() {
            self.flush(Keep::Verse);
        }
        if para.is_blank() {
            self.verse.push(Vec::new());
            return;
        }
        if self.verse.is_empty() {
            self.verse.push(Vec::new());
        }
        let indent = (para.indent_left.max(0) / 360) as u16 * 2;
        for line in tree::split_lines(para.inlines.clone()) {
            self.verse.last_mut().expect("a stanza").push(Line {
                indent,
                content: line,
            });
        }
    }

    /// A caption paragraph given to the picture or table just before it,
    /// when that has none and stands outside a quote or list.
    fn attach_caption(&mut self, para: &Para) -> bool {
        let open = self.quote.is_empty() && self.list.is_empty();
        match self.out.last_mut() {
            Some(Block::Figure { caption, .. }) if caption.is_empty() && open => {
                *caption = trim(para.inlines.clone());
                true
            }
            Some(Block::Table(table)) if table.caption.is_empty() && open => {
                table.caption = trim(para.inlines.clone());
                true
            }
            _ => false,
        }
    }

    /// How deep a list item at `indent` stands, by indent as the page shows it.
    fn list_depth(&mut self, indent: i32) -> usize {
        const SAME: i32 = 120;
        while self
            .list_indents
            .last()
            .is_some_and(|&top| top > indent + SAME)
        {
            self.list_indents.pop();
        }
        if self
            .list_indents
            .last()
            .is_none_or(|&top| (top - indent).abs() > SAME)
        {
            self.list_indents.push(indent);
        }
        self.list_indents.len() - 1
    }
}

impl Reader<'_, '_> {
    /// Items made into blocks: lists nested by level, quotes, verse and code
    /// gathered, pictures as figures with their captions, scene breaks.
    /// `bookmarks` collects (name → the index of the block it is in);
    /// `keys` gives each heading paragraph's key.
    pub(super) fn blocks(
        &mut self,
        items: Vec<Item>,
        bookmarks: &mut HashMap<String, usize>,
        keys: &[(usize, u32)],
    ) -> Vec<Block> {
        let mut runs = Runs::default();
        for item in items {
            let para = match item {
                Item::Table(table, _) => {
                    runs.flush(Keep::Nothing);
                    runs.out.push(Block::Table(table));
                    continue;
                }
                Item::Para(p) => p,
            };
            for name in &para.bookmarks {
                bookmarks.insert(name.clone(), runs.out.len());
            }
            self.paragraph_block(para, &mut runs, keys);
        }
        runs.flush(Keep::Nothing);
        crate::import::html::tidy_blocks(runs.out)
    }

    /// One paragraph made into a block, or added to the run it belongs to.
    fn paragraph_block(&mut self, para: Para, runs: &mut Runs, keys: &[(usize, u32)]) {
        let style = para.style.clone();
        let text = para.text();
        // Verse: its paragraphs are lines, an empty one between stanzas.
        if ["verse", "poem", "poetry", "stanza", "lyric"]
            .iter()
            .any(|v| style.contains(v))
        {
            runs.add_verse(&para);
            return;
        }
        if !runs.verse.is_empty() {
            runs.flush(Keep::Nothing);
        }
        // Code: monospaced paragraphs, or a code style, line by line.
        let code_style = ["code", "source", "preformatted", "plain text", "macro"]
            .iter()
            .any(|c| style.contains(c));
        if (code_style || para.mono) && !para.is_blank() && para.heading.is_none() {
            if !runs.list.is_empty() || !runs.quote.is_empty() {
                runs.flush(Keep::Code);
            }
            runs.code.push(tree::plain(&para.inlines));
            return;
        }
        if !runs.code.is_empty() {
            runs.flush(Keep::Nothing);
        }
        if para.is_blank() && para.boxes.is_empty() {
            // An empty centred paragraph (or one that is only a rule) between scenes.
            if para.centred || para.rule {
                runs.flush(Keep::Nothing);
                runs.out.push(Block::SceneBreak);
            }
            return;
        }
        if let Some(level) = para.heading {
            runs.flush(Keep::Nothing);
            let key = keys
                .iter()
                .find(|(n, _)| *n == para.number)
                .map_or(u32::MAX - para.number as u32, |(_, k)| *k);
            // A heading's own bold is its style's.
            let content = tree::breaks_to_spaces(unbold(para.inlines.clone()));
            let content = self.heading_number(&para, content);
            runs.out.push(Block::Heading {
                level,
                content,
                key,
            });
            return;
        }
        if crate::import::html::is_scene_break_text(&text) {
            runs.flush(Keep::Nothing);
            runs.out.push(Block::SceneBreak);
            return;
        }
        // A caption after a picture or table belongs to it.
        if style == "caption" && runs.attach_caption(&para) {
            return;
        }
        if let Some((id, level)) = para.list.clone() {
            self.list_item(&para, &id, level, runs);
            return;
        }
        runs.list_indents.clear();
        let quoted = ["quote", "block text", "extract", "epigraph"]
            .iter()
            .any(|q| style.contains(q))
            || (para.indent_left >= 567 && para.indent_right >= 283 && !para.centred);
        if quoted {
            if !runs.list.is_empty() {
                runs.flush(Keep::Quote);
            }
            runs.quote.extend(paragraph_blocks(&para));
            self.place_images(&para, &mut runs.quote);
            return;
        }
        runs.flush(Keep::Nothing);
        runs.out.extend(paragraph_blocks(&para));
        self.place_images(&para, &mut runs.out);
        for boxed in &para.boxes {
            if !boxed.is_blank() {
                runs.out.extend(paragraph_blocks(boxed));
            }
        }
    }

    /// A numbered or bulleted paragraph: numbered by its list's counter and
    /// added to the list at its depth.
    fn list_item(&mut self, para: &Para, id: &str, level: u8, runs: &mut Runs) {
        if !runs.quote.is_empty() {
            runs.flush(Keep::List);
        }
        let format = self.numbering.level(id, level).cloned();
        let ordered = format.as_ref().is_some_and(|f| !f.bullet);
        let counter = self.counters.entry((id.to_string(), level)).or_insert(0);
        *counter = if *counter == 0 {
            format.as_ref().map_or(1, |f| f.start)
        } else {
            *counter + 1
        };
        let number = *counter;
        // Deeper levels start again under a new item.
        self.counters.retain(|(i, l), _| *i != id || *l <= level);
        if runs.list.is_empty() {
            runs.list_indents.clear();
        }
        let indent = para.list_indent;
        let depth = runs.list_depth(indent);
        // A list of the other kind at the top: a new list.
        if depth == 0 && runs.list.first().is_some_and(|f| f.ordered != ordered) {
            runs.flush(Keep::Nothing);
            runs.list_indents = vec![indent];
        }
        add_item(
            &mut runs.list,
            depth,
            ordered,
            number,
            paragraph_blocks(para),
        );
    }

    /// A heading's number when Word's list numbering writes it ("Chapter 1"
    /// from `Chapter %1`): put in front of the text, so quire reads it.
    pub(super) fn heading_number(&mut self, para: &Para, content: Vec<Inline>) -> Vec<Inline> {
        let Some((id, level)) = para.list.clone() else {
            return content;
        };
        let Some(format) = self.numbering.level(&id, level).cloned() else {
            return content;
        };
        if format.bullet || format.text.is_empty() {
            return content;
        }
        let counter = self.counters.entry((id.clone(), level)).or_insert(0);
        *counter = if *counter == 0 {
            format.start
        } else {
            *counter + 1
        };
        let number = *counter;
        self.counters.retain(|(i, l), _| *i != id || *l <= level);
        let mut label = format.text.clone();
        for l in 1..=9u8 {
            let value = if l == level + 1 {
                formatted(number, &format.format, &self.language)
            } else {
                let other = self
                    .counters
                    .get(&(id.clone(), l - 1))
                    .copied()
                    .unwrap_or(1);
                let f = self
                    .numbering
                    .level(&id, l - 1)
                    .map_or("decimal".to_string(), |f| f.format.clone());
                formatted(other, &f, &self.language)
            };
            label = label.replace(&format!("%{l}"), &value);
        }
        let label = label.trim().to_string();
        if label.is_empty() {
            return content;
        }
        let separator = if label.ends_with(['.', ':', ')']) {
            " "
        } else {
            ": "
        };
        let mut out = vec![Inline::Text(format!("{label}{separator}"))];
        out.extend(content);
        trim(normalize(out))
    }
}
