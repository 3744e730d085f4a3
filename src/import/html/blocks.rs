//! Block elements made into the import tree's blocks: paragraphs, quotes,
//! lists, definition lists, figures, scene breaks.

use super::*;

pub(super) fn pending_blank(pending: &[Inline]) -> bool {
    is_blank(pending)
}

impl Converter<'_, '_, '_> {
    pub(super) fn look(&self, node: &Node<'_, '_>) -> Look {
        self.styles
            .look(name(node), classes(node), node.attribute("style"))
    }

    /// The blocks of a container's children: block elements in turn, and
    /// runs of text and inline elements between them as paragraphs.
    pub(super) fn blocks_of(&mut self, node: Node<'_, '_>, out: &mut Vec<Block>) {
        let mut pending: Vec<Inline> = Vec::new();
        for child in node.children() {
            if self.consumed.contains(&(self.doc, child.id())) {
                continue;
            }
            if child.is_text() {
                let text = child.text().unwrap_or("");
                if !text.trim().is_empty() || !pending.is_empty() {
                    pending.push(Inline::Text(text.to_string()));
                }
                continue;
            }
            if !child.is_element() || is_skipped(&child) {
                continue;
            }
            if is_block(&child)
                || matches!(name(&child), "img" | "svg" | "math") && pending_blank(&pending)
            {
                self.flush(&mut pending, out);
                self.block(child, out);
            } else {
                self.inline(child, &mut pending);
            }
        }
        self.flush(&mut pending, out);
    }

    pub(super) fn flush(&mut self, pending: &mut Vec<Inline>, out: &mut Vec<Block>) {
        let inlines = trim(normalize(std::mem::take(pending)));
        if !is_blank(&inlines) {
            self.settle_ids(self.under, false);
            out.push(Block::Paragraph(inlines));
        }
    }

    pub(super) fn block(&mut self, node: Node<'_, '_>, out: &mut Vec<Block>) {
        // Project Gutenberg's header and licence: theirs, not the book's.
        if has_class(&node, &["pg-boilerplate", "pgheader", "pgfooter"])
            || node
                .attribute("id")
                .is_some_and(|id| id == "pg-header" || id == "pg-footer")
        {
            let words = count_words(&crate::import::xml::text_of(&node));
            self.report.words_generated += words;
            self.report.line(format!(
                "{}: Project Gutenberg's header or licence ({words} words) is left out: it is theirs, not the book's",
                self.docs[self.doc].path
            ));
            return;
        }
        if let Some(id) = node.attribute("id") {
            self.record(id);
        }
        let look = self.look(&node);
        if look.hidden {
            return;
        }
        let n = name(&node);
        if let Some(level) = heading_level(&node) {
            self.heading(node, level, out);
            return;
        }
        match n {
            "hgroup" => {
                let level = node
                    .descendants()
                    .filter_map(|n| heading_level(&n))
                    .min()
                    .unwrap_or(2);
                self.heading(node, level, out);
            }
            "p" | "figcaption" | "summary" | "dt" | "dd" => self.paragraph(node, look, out),
            "blockquote" => {
                let mut inner = Vec::new();
                if is_verse(&node) && !node.children().any(|c| c.is_element() && is_verse(&c)) {
                    self.verse(node, &mut inner);
                } else {
                    self.blocks_of(node, &mut inner);
                }
                let inner = tidy_blocks(inner);
                if !inner.is_empty() {
                    out.push(Block::Quote(inner));
                }
            }
            "ul" | "ol" | "menu" | "dir" => self.list(node, out),
            "li" => {
                // An item outside a list: its text as blocks.
                self.blocks_of(node, out);
            }
            "dl" => self.definitions(node, out),
            "table" => self.table(node, None, out),
            "pre" => {
                self.settle_ids(self.under, false);
                let text = crate::import::xml::text_of(&node);
                if !text.trim().is_empty() {
                    out.push(Block::Code(text.trim_matches('\n').to_string()));
                }
            }
            "hr" => {
                out.push(Block::SceneBreak);
            }
            "img" | "svg" => self.figure(node, None, out),
            "math" => {
                let text = crate::import::xml::text_of(&node);
                let place = self.place(&node);
                self.report.warn(
                    "an equation (MathML) is not carried",
                    &place,
                    "quire sets no mathematics; write the equation as text or as an image",
                    count_words(&text),
                );
            }
            "figure" => {
                let has_table = node.descendants().any(|n| name(&n) == "table");
                let caption = node
                    .children()
                    .find(|c| name(c) == "figcaption")
                    .map(|c| self.inlines_of(c));
                if has_table {
                    for child in node.children().filter(|c| c.is_element()) {
                        match name(&child) {
                            "table" => self.table(child, caption.clone(), out),
                            "figcaption" => {}
                            _ => self.block(child, out),
                        }
                    }
                    return;
                }
                let images: Vec<Node<'_, '_>> = node
                    .descendants()
                    .filter(|n| matches!(name(n), "img" | "svg"))
                    .filter(|n| !n.ancestors().skip(1).any(|a| name(&a) == "svg"))
                    .collect();
                if images.len() == 1 {
                    let other_text = node
                        .children()
                        .filter(|c| c.is_element() && name(c) != "figcaption")
                        .any(|c| {
                            !crate::import::xml::text_of(&c).trim().is_empty()
                                && !c.descendants().any(|d| matches!(name(&d), "img" | "svg"))
                        });
                    if !other_text {
                        self.figure(images[0], caption, out);
                        return;
                    }
                }
                self.blocks_of(node, out);
            }
            _ if is_container(n) => {
                if !self.has_content(&node) {
                    return;
                }
                if is_verse(&node)
                    && !node
                        .children()
                        .any(|c| c.is_element() && is_verse(&c) && name(&c) != "p")
                {
                    self.verse(node, out);
                } else if has_class(&node, &["scene-break"]) || role_is(&node, &["separator"]) {
                    out.push(Block::SceneBreak);
                } else {
                    self.blocks_of(node, out);
                }
            }
            _ => self.blocks_of(node, out),
        }
    }

    /// Whether an element holds text or a picture outside the notes taken out of it.
    pub(super) fn has_content(&self, node: &Node<'_, '_>) -> bool {
        if self.consumed.contains(&(self.doc, node.id())) || is_skipped(node) {
            return false;
        }
        if node.is_text() {
            return node.text().is_some_and(|t| !t.trim().is_empty());
        }
        if matches!(name(node), "img" | "svg" | "math") {
            return true;
        }
        node.children().any(|c| self.has_content(&c))
    }

    pub(super) fn paragraph(&mut self, node: Node<'_, '_>, look: Look, out: &mut Vec<Block>) {
        // quire's own: a chapter label without a heading is the style's, not text.
        if has_class(&node, &["chapter-label"]) && name(&node) == "p" {
            return;
        }
        // A paragraph that holds only a picture is a figure.
        let elements: Vec<Node<'_, '_>> = node
            .children()
            .filter(|c| c.is_element() && !is_skipped(c))
            .collect();
        let text = crate::import::xml::text_of(&node);
        if text.trim().is_empty() {
            if let [only] = elements.as_slice()
                && matches!(name(only), "img" | "svg")
            {
                self.figure(*only, None, out);
                return;
            }
            if let [only] = elements.as_slice()
                && name(only) == "a"
                && let [inner] = only
                    .children()
                    .filter(|c| c.is_element())
                    .collect::<Vec<_>>()
                    .as_slice()
                && matches!(name(inner), "img" | "svg")
            {
                self.figure(*inner, None, out);
                return;
            }
            if has_class(&node, &["scene-break"]) || role_is(&node, &["separator"]) {
                out.push(Block::SceneBreak);
            }
            // An empty centred paragraph between scenes.
            if look.centred && elements.is_empty() {
                out.push(Block::SceneBreak);
            }
            return;
        }
        if role_is(&node, &["separator"])
            || has_class(&node, &["scene-break"])
            || is_scene_break_text(&text)
        {
            out.push(Block::SceneBreak);
            return;
        }
        let mut inlines = Vec::new();
        let opening = has_class(&node, &["opening"]);
        for (i, child) in node.children().enumerate() {
            if self.consumed.contains(&(self.doc, child.id())) {
                continue;
            }
            if child.is_text() {
                inlines.push(Inline::Text(child.text().unwrap_or("").to_string()));
            } else if child.is_element() && !is_skipped(&child) {
                // quire's lead-in (the opening words in small capitals) is
                // the style's: the words are kept, plain.
                if opening
                    && name(&child) == "span"
                    && has_class(&child, &["sc"])
                    && node.children().take(i).all(|c| {
                        c.is_text() && c.text().is_some_and(|t| t.trim().is_empty())
                            || c.is_element() && is_skipped(&c)
                    })
                {
                    inlines.extend(self.inlines_of(child));
                    continue;
                }
                if is_block(&child) {
                    // A block inside a paragraph (not valid XHTML, but written).
                    inlines.push(Inline::Text(" ".into()));
                    inlines.extend(self.inlines_of(child));
                    inlines.push(Inline::Text(" ".into()));
                } else {
                    self.inline(child, &mut inlines);
                }
            }
        }
        let inlines = trim(normalize(inlines));
        if is_blank(&inlines) {
            return;
        }
        self.settle_ids(self.under, false);
        out.push(Block::Paragraph(wrap_look(inlines, look)));
    }

    pub(super) fn list(&mut self, node: Node<'_, '_>, out: &mut Vec<Block>) {
        let ordered = name(&node) == "ol";
        let start = node
            .attribute("start")
            .and_then(|s| s.trim().parse::<u32>().ok())
            .unwrap_or(1);
        let mut items = Vec::new();
        for child in node.children() {
            if self.consumed.contains(&(self.doc, child.id())) {
                continue;
            }
            if child.is_element() && name(&child) == "li" {
                if let Some(id) = child.attribute("id") {
                    self.record(id);
                }
                let mut blocks = Vec::new();
                self.blocks_of(child, &mut blocks);
                let blocks = tidy_blocks(blocks);
                if !blocks.is_empty() {
                    items.push(blocks);
                }
            } else if child.is_element() && matches!(name(&child), "ul" | "ol") {
                // A list directly inside a list belongs to the item before it.
                let mut nested = Vec::new();
                self.list(child, &mut nested);
                match items.last_mut() {
                    Some(item) => item.extend(nested),
                    None => items.push(nested),
                }
            } else if child.is_element() && !is_skipped(&child) {
                let mut blocks = Vec::new();
                self.block(child, &mut blocks);
                if !blocks.is_empty() {
                    items.push(blocks);
                }
            }
        }
        if !items.is_empty() {
            out.push(Block::List {
                ordered,
                start,
                items,
            });
        }
    }

    pub(super) fn definitions(&mut self, node: Node<'_, '_>, out: &mut Vec<Block>) {
        let mut entries: Vec<(Vec<Inline>, Vec<Vec<Inline>>)> = Vec::new();
        for child in node.children().filter(|c| c.is_element()) {
            if self.consumed.contains(&(self.doc, child.id())) {
                continue;
            }
            if let Some(id) = child.attribute("id") {
                self.record(id);
            }
            match name(&child) {
                "dt" => {
                    let term = trim(self.inlines_of(child));
                    match entries.last_mut() {
                        // Several terms for one definition: one line.
                        Some((previous, definitions)) if definitions.is_empty() => {
                            previous.push(Inline::Text(", ".into()));
                            previous.extend(term);
                        }
                        _ => entries.push((term, Vec::new())),
                    }
                }
                "dd" => {
                    let definition = trim(self.inlines_of(child));
                    match entries.last_mut() {
                        Some((_, definitions)) => definitions.push(definition),
                        None => entries.push((Vec::new(), vec![definition])),
                    }
                }
                "div" => {
                    // HTML allows each entry wrapped in a div.
                    let mut inner = Vec::new();
                    self.definitions(child, &mut inner);
                    if let Some(Block::Definitions(more)) = inner.pop() {
                        entries.extend(more);
                    }
                }
                _ => {}
            }
        }
        self.settle_ids(self.under, false);
        let entries: Vec<_> = entries
            .into_iter()
            .map(|(t, d)| {
                (
                    normalize(t),
                    d.into_iter()
                        .map(normalize)
                        .filter(|d| !is_blank(d))
                        .collect(),
                )
            })
            .filter(|(t, d): &(Vec<Inline>, Vec<Vec<Inline>>)| !is_blank(t) || !d.is_empty())
            .collect();
        if !entries.is_empty() {
            out.push(Block::Definitions(entries));
        }
    }

    pub(super) fn figure(
        &mut self,
        node: Node<'_, '_>,
        caption: Option<Vec<Inline>>,
        out: &mut Vec<Block>,
    ) {
        self.settle_ids(self.under, false);
        if self.in_generated {
            return;
        }
        // An <svg> holding an <image>: the image it shows.
        let (src, alt_node) = if name(&node) == "svg" {
            let image = node.descendants().find(|n| name(n) == "image");
            let href = image.and_then(|i| {
                i.attribute(("http://www.w3.org/1999/xlink", "href"))
                    .or_else(|| i.attribute("href"))
            });
            (href, image)
        } else {
            (node.attribute("src"), Some(node))
        };
        let alt = alt_node
            .and_then(|n| n.attribute("alt").or_else(|| n.attribute("title")))
            .map(tree::collapse_space)
            .unwrap_or_default();
        let alt = alt.trim().to_string();
        let place = self.place(&node);
        let Some(src) = src else {
            let text = crate::import::xml::text_of(&node);
            self.report.warn(
                "a drawing (SVG) is not carried",
                &place,
                "quire sets JPEG and PNG pictures: export the drawing as a PNG",
                count_words(&text),
            );
            return;
        };
        let caption = caption.unwrap_or_default();
        match self.image(src) {
            Ok(path) => out.push(Block::Figure {
                path,
                decorative: alt.is_empty() && alt_node.and_then(|n| n.attribute("alt")).is_some(),
                alt,
                caption: trim(normalize(caption)),
            }),
            Err(why) => {
                let words = count_words(&alt) + count_words(&tree::plain(&caption));
                self.report.warn(
                    format!("a picture is not carried: {why}"),
                    &place,
                    "convert it to JPEG (photographs) or PNG (drawings) and add it to manuscript/ with ![alt text](file.png)",
                    words,
                );
            }
        }
    }

    pub(super) fn image(&mut self, src: &str) -> Result<String, String> {
        if archive::is_external(src) {
            return Err(format!(
                "{src} is on the web, and quire does not fetch pictures"
            ));
        }
        let path = archive::resolve(&self.docs[self.doc].path, src)
            .ok_or_else(|| format!("{src} is outside the book"))?;
        if let Some(done) = self.images.placed(&path) {
            return done;
        }
        let bytes = self
            .archive
            .bytes(&path)
            .map_err(|e| e.message)?
            .ok_or_else(|| format!("{path} is not in the EPUB"));
        let result = bytes.and_then(|bytes| self.images.add(&path, &path, bytes));
        self.images.remember(&path, result.clone());
        result
    }
}
