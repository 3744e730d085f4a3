//! A document body's paragraphs and tables read as items: each paragraph's
//! style, properties and runs; fields (links, cross-references, contents)
//! and notes cited in the runs.

use super::*;

/// A field's result as inline content: a hyperlink's runs as a link, a
/// cross-reference's as a link to its bookmark.
pub(super) fn field_result(instr: &str, content: Vec<Inline>) -> Vec<Inline> {
    let mut words = instr.split_whitespace();
    let kind = words.next().unwrap_or("").to_ascii_uppercase();
    let arg = |words: &mut std::str::SplitWhitespace<'_>| -> Option<String> {
        for word in words {
            if word.starts_with('\\') {
                continue;
            }
            return Some(word.trim_matches('"').to_string());
        }
        None
    };
    match kind.as_str() {
        "HYPERLINK" => {
            let rest: Vec<&str> = instr.split_whitespace().skip(1).collect();
            let local = rest.iter().position(|w| *w == "\\l");
            let target = match local {
                Some(i) => rest.get(i + 1).map(|b| Target::Internal {
                    doc: String::new(),
                    id: Some(b.trim_matches('"').to_string()),
                }),
                None => rest
                    .iter()
                    .find(|w| !w.starts_with('\\'))
                    .map(|u| Target::Web(u.trim_matches('"').to_string())),
            };
            match target {
                Some(target) => vec![Inline::Link { target, content }],
                None => content,
            }
        }
        "REF" | "NOTEREF" => match arg(&mut words) {
            Some(bookmark) => vec![Inline::Link {
                target: Target::Internal {
                    doc: String::new(),
                    id: Some(bookmark),
                },
                content,
            }],
            None => content,
        },
        _ => content,
    }
}

impl Reader<'_, '_> {
    /// The block-level content of a body, a cell, a note or a text box.
    pub(super) fn items(&mut self, parent: &Node<'_, '_>) -> Vec<Item> {
        let mut out = Vec::new();
        for child in parent.children().filter(Node::is_element) {
            if is(&child, W, "p") {
                let para = self.paragraph(&child);
                out.push(Item::Para(para));
            } else if is(&child, W, "tbl") {
                let number = self.paragraphs + 1;
                let table = self.table(&child);
                out.push(Item::Table(table, number));
            } else if is(&child, W, "sdt") {
                // A content control; Word's own contents is one.
                let gallery = child
                    .descendants()
                    .find(|n| is(n, W, "docPartGallery"))
                    .and_then(|n| n.attribute((W, "val")))
                    .unwrap_or("");
                if let Some(content) = child.children().find(|c| is(c, W, "sdtContent")) {
                    let mut inner = self.items(&content);
                    if gallery.to_lowercase().contains("table of contents") {
                        for item in &mut inner {
                            if let Item::Para(p) = item {
                                p.toc = true;
                            }
                        }
                    }
                    out.extend(inner);
                }
            } else if is(&child, W, "customXml") || is(&child, W, "ins") || is(&child, W, "moveTo")
            {
                out.extend(self.items(&child));
            } else if is(&child, MC, "AlternateContent") {
                if let Some(choice) = child.children().find(|c| c.tag_name().name() == "Choice") {
                    out.extend(self.items(&choice));
                }
            }
        }
        out
    }

    /// One paragraph: its style and properties, and its runs as inline content.
    pub(super) fn paragraph(&mut self, node: &Node<'_, '_>) -> Para {
        self.paragraphs += 1;
        let ppr = node.children().find(|c| is(c, W, "pPr"));
        let style_id = ppr.as_ref().and_then(|p| val(p, "pStyle"));
        let mut style = self.styles.resolved(style_id);
        let mut own = Style::default();
        if let Some(ppr) = &ppr {
            read_paragraph_props(ppr, &mut own);
        }
        let name = style.name.clone();
        let heading = own
            .outline
            .or(style.outline)
            .or_else(|| heading_of_name(&name));
        let list = own
            .numbering
            .clone()
            .or(style.numbering.take())
            .filter(|(id, _)| id != "0");
        let mut para = Para {
            number: self.paragraphs,
            title: name == "title",
            subtitle: name == "subtitle",
            heading: heading.filter(|_| name != "title" && name != "subtitle"),
            centred: own.centred.or(style.centred).unwrap_or(false),
            indent_left: own.indent_left.or(style.indent_left).unwrap_or(0),
            indent_right: own.indent_right.or(style.indent_right).unwrap_or(0),
            list,
            new_page: own
                .page_break_before
                .or(style.page_break_before)
                .unwrap_or(false),
            style: name,
            ..Para::default()
        };
        if let Some((id, level)) = &para.list {
            let level_indent = self.numbering.level(id, *level).and_then(|l| l.indent);
            para.list_indent = own
                .indent_left
                .or(level_indent)
                .or(style.indent_left)
                .unwrap_or(360 * (i32::from(*level) + 1));
        }
        para.rule = ppr.as_ref().is_some_and(|p| {
            p.children().find(|c| is(c, W, "pBdr")).is_some_and(|b| {
                b.children()
                    .any(|c| is(&c, W, "bottom") || is(&c, W, "top"))
            })
        });
        if ppr
            .as_ref()
            .is_some_and(|p| p.children().any(|c| is(&c, W, "sectPr")))
        {
            // A section break: the next section starts a page.
            para.breaks_page = true;
        }
        let in_toc_before = self.in_toc();
        let mut inlines = Vec::new();
        let mut mono_runs = (0, 0);
        self.runs(node, &mut para, &mut inlines, &mut mono_runs, style.run);
        para.mono = mono_runs.0 > 0 && mono_runs.0 == mono_runs.1;
        para.inlines = normalize(inlines);
        // A paragraph read wholly inside a table of contents' field.
        if (in_toc_before && self.in_toc())
            || para.style.starts_with("toc ")
            || para.style == "toc heading"
        {
            para.toc = true;
        }
        para
    }

    pub(super) fn in_toc(&self) -> bool {
        self.fields.iter().any(|f| {
            let instr = f.instr.trim_start().to_ascii_uppercase();
            instr.starts_with("TOC") || instr.starts_with("INDEX")
        })
    }

    /// Whether the runs being read are a field's instruction or a result
    /// that is not the text (a page number, a contents).
    pub(super) fn hidden_by_field(&self) -> bool {
        self.fields.iter().any(|f| {
            let instr = f.instr.trim_start().to_ascii_uppercase();
            !f.result
                || instr.starts_with("TOC")
                || instr.starts_with("PAGE ")
                || instr == "PAGE"
                || instr.starts_with("NUMPAGES")
                || instr.starts_with("PAGEREF")
                || instr.starts_with("INDEX")
        })
    }

    /// The runs inside `node` (a paragraph, a hyperlink, an inserted run…).
    pub(super) fn runs(
        &mut self,
        node: &Node<'_, '_>,
        para: &mut Para,
        out: &mut Vec<Inline>,
        mono: &mut (usize, usize),
        base: RunLook,
    ) {
        for child in node.children().filter(Node::is_element) {
            let local = child.tag_name().name();
            let ns = child.tag_name().namespace();
            if ns == Some(W) {
                match local {
                    "r" => self.run(&child, para, out, mono, base),
                    "hyperlink" => {
                        let mut content = Vec::new();
                        self.runs(&child, para, &mut content, mono, base);
                        let target = if let Some(anchor) = child.attribute((W, "anchor")) {
                            Some(Target::Internal {
                                doc: String::new(),
                                id: Some(anchor.to_string()),
                            })
                        } else {
                            child
                                .attribute((R, "id"))
                                .and_then(|id| self.rels.get(id))
                                .map(|(t, _)| Target::Web(t.clone()))
                        };
                        match target {
                            Some(target) if !self.in_toc() => {
                                out.push(Inline::Link { target, content })
                            }
                            _ => out.extend(content),
                        }
                    }
                    "fldSimple" => {
                        let instr = child.attribute((W, "instr")).unwrap_or("").to_string();
                        self.fields.push(Field {
                            instr: instr.clone(),
                            result: true,
                            start: None,
                        });
                        let mut content = Vec::new();
                        if !self.hidden_by_field() {
                            self.runs(&child, para, &mut content, mono, base);
                        }
                        self.fields.pop();
                        out.extend(field_result(&instr, content));
                    }
                    "bookmarkStart" => {
                        if let Some(name) = child.attribute((W, "name")) {
                            para.bookmarks.push(name.to_string());
                        }
                    }
                    "ins" | "moveTo" => {
                        self.tracked += 1;
                        self.runs(&child, para, out, mono, base);
                    }
                    "del" | "moveFrom" => self.tracked += 1,
                    "smartTag" | "customXml" | "dir" | "bdo" => {
                        self.runs(&child, para, out, mono, base)
                    }
                    "sdt" => {
                        if let Some(content) = child.children().find(|c| is(c, W, "sdtContent")) {
                            self.runs(&content, para, out, mono, base);
                        }
                    }
                    "commentRangeStart" | "commentRangeEnd" => {}
                    _ => {}
                }
            } else if ns == Some(MATH) && matches!(local, "oMath" | "oMathPara") {
                let text: String = child
                    .descendants()
                    .filter(|n| n.tag_name().name() == "t")
                    .filter_map(|n| n.text())
                    .collect();
                self.report.warn(
                    format!("an equation is set as plain text: “{}”", text.trim()),
                    &para.place_now(self.paragraphs),
                    "quire sets no mathematics; check the text, or set the equation as a picture",
                    0,
                );
                out.push(Inline::Text(text));
            } else if ns == Some(MC) && local == "AlternateContent" {
                if let Some(choice) = child.children().find(|c| c.tag_name().name() == "Choice") {
                    self.runs(&choice, para, out, mono, base);
                }
            }
        }
    }

    pub(super) fn run(
        &mut self,
        run: &Node<'_, '_>,
        para: &mut Para,
        out: &mut Vec<Inline>,
        mono: &mut (usize, usize),
        base: RunLook,
    ) {
        let rpr = run.children().find(|c| is(c, W, "rPr"));
        let mut look = RunLook::default();
        if let Some(rpr) = &rpr {
            let direct = RunLook::read(rpr);
            let character = val(rpr, "rStyle")
                .map(|id| self.styles.character(id))
                .unwrap_or_default();
            look = direct.over(character);
        }
        // The paragraph style's italic or bold is the block's look (a
        // quote set in italic), not the author's emphasis; its face and
        // hiding count.
        let look = RunLook {
            mono: look.mono.or(base.mono),
            hidden: look.hidden.or(base.hidden),
            ..look
        };
        if look.hidden == Some(true) {
            // Hidden text is not the book's to print; what it held is said.
            let text: String = run
                .children()
                .filter(|c| is(c, W, "t"))
                .filter_map(|c| c.text())
                .collect();
            let words = count_words(&text);
            if words > 0 {
                self.report.warn(
                    "hidden text is not carried",
                    &para.place_now(self.paragraphs),
                    "show it in Word (Font, untick Hidden) if it belongs to the book",
                    words,
                );
            }
            return;
        }
        // A field whose result is about to be read starts here.
        for field in self.fields.iter_mut() {
            if field.result && field.start.is_none() {
                field.start = Some(out.len());
            }
        }
        let mut content: Vec<Inline> = Vec::new();
        for child in run.children().filter(Node::is_element) {
            if child.tag_name().namespace() == Some(MC)
                && child.tag_name().name() == "AlternateContent"
            {
                if let Some(choice) = child.children().find(|c| c.tag_name().name() == "Choice") {
                    for inner in choice.children().filter(Node::is_element) {
                        self.run_piece(&inner, para, &mut content);
                    }
                }
                continue;
            }
            self.run_piece(&child, para, &mut content);
        }
        for field in self.fields.iter_mut() {
            if field.result && field.start.is_none() {
                field.start = Some(out.len());
            }
        }
        if content.is_empty() {
            self.end_fields(out);
            return;
        }
        if !is_blank(&content) {
            para.seen_text = true;
            mono.1 += 1;
            if look.mono == Some(true) {
                mono.0 += 1;
            }
        }
        if look.small_caps == Some(true) {
            content = vec![Inline::SmallCaps(content)];
        }
        if look.strike == Some(true) {
            content = vec![Inline::Strike(content)];
        }
        if look.superscript == Some(true) && !matches!(content.as_slice(), [Inline::Note(_)]) {
            content = vec![Inline::Superscript(content)];
        }
        if look.subscript == Some(true) {
            content = vec![Inline::Subscript(content)];
        }
        if look.italic == Some(true) {
            content = vec![Inline::Emphasis(content)];
        }
        if look.bold == Some(true) {
            content = vec![Inline::Strong(content)];
        }
        out.extend(content);
        self.end_fields(out);
    }

    /// Fields that ended in the run just read: a hyperlink's or a
    /// cross-reference's result made a link; a page reference a link with
    /// no words, which quire fills with the page (print) or the title (EPUB).
    pub(super) fn end_fields(&mut self, out: &mut Vec<Inline>) {
        for field in std::mem::take(&mut self.ended) {
            if self.in_toc() {
                continue;
            }
            let instr = field.instr.trim().to_string();
            let kind = instr
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_ascii_uppercase();
            match kind.as_str() {
                "PAGEREF" => {
                    if let Some(bookmark) = instr.split_whitespace().nth(1) {
                        out.push(Inline::Link {
                            target: Target::Internal {
                                doc: String::new(),
                                id: Some(bookmark.trim_matches('"').to_string()),
                            },
                            content: Vec::new(),
                        });
                    }
                }
                "HYPERLINK" | "REF" | "NOTEREF" => {
                    let start = field.start.unwrap_or(out.len()).min(out.len());
                    let result: Vec<Inline> = out.drain(start..).collect();
                    out.extend(field_result(&instr, result));
                }
                _ => {}
            }
        }
    }

    /// One piece of a run: text, a break, a note reference, a picture, a field's mark.
    pub(super) fn run_piece(
        &mut self,
        child: &Node<'_, '_>,
        para: &mut Para,
        content: &mut Vec<Inline>,
    ) {
        let ns = child.tag_name().namespace();
        let local = child.tag_name().name();
        if ns == Some(W) {
            match local {
                "fldChar" => match child.attribute((W, "fldCharType")) {
                    Some("begin") => self.fields.push(Field {
                        instr: String::new(),
                        result: false,
                        start: None,
                    }),
                    Some("separate") => {
                        if let Some(f) = self.fields.last_mut() {
                            f.result = true;
                        }
                    }
                    Some("end") => {
                        if let Some(field) = self.fields.pop() {
                            self.ended.push(field);
                        }
                    }
                    _ => {}
                },
                "instrText" => {
                    if let Some(f) = self.fields.last_mut() {
                        f.instr.push_str(child.text().unwrap_or(""));
                    }
                }
                _ if self.hidden_by_field() => {}
                "t" => content.push(Inline::Text(child.text().unwrap_or("").to_string())),
                "tab" | "ptab" => content.push(Inline::Text(" ".into())),
                "br" => match child.attribute((W, "type")) {
                    Some("page") => {
                        if !para.seen_text && is_blank(content) {
                            para.new_page = true;
                        } else {
                            para.breaks_page = true;
                        }
                    }
                    Some("column") => {}
                    _ => content.push(Inline::LineBreak),
                },
                "cr" => content.push(Inline::LineBreak),
                "noBreakHyphen" => content.push(Inline::Text("\u{2011}".into())),
                "softHyphen"
                | "lastRenderedPageBreak"
                | "footnoteRef"
                | "endnoteRef"
                | "separator"
                | "continuationSeparator" => {}
                "sym" => {
                    let code = child
                        .attribute((W, "char"))
                        .and_then(|c| u32::from_str_radix(c, 16).ok());
                    let font = child.attribute((W, "font")).unwrap_or("").to_lowercase();
                    // Symbol and Wingdings draw their own glyphs at these codes.
                    let char = code
                        .filter(|_| {
                            !font.contains("symbol")
                                && !font.contains("wingdings")
                                && !font.contains("webdings")
                        })
                        .and_then(|c| char::from_u32(if c >= 0xF000 { c - 0xF000 } else { c }));
                    match char {
                        Some(c) => content.push(Inline::Text(c.to_string())),
                        None => self.report.warn(
                            format!("a symbol from the {font} font is not carried"),
                            &para.place_now(self.paragraphs),
                            "type the character itself (Unicode) instead of a symbol font's",
                            0,
                        ),
                    }
                }
                "footnoteReference" | "endnoteReference" => {
                    let footnote = local == "footnoteReference";
                    if let Some(id) = child.attribute((W, "id")) {
                        let index = self.note(footnote, id);
                        content.push(Inline::Note(index));
                    }
                }
                "commentReference" => self.comments += 1,
                "drawing" => self.drawing(child, para),
                "pict" => self.pict(child, para),
                "object" => self.report.warn(
                    "an embedded object (a chart, an equation, a file) is not carried",
                    &para.place_now(self.paragraphs),
                    "save it as a picture (PNG) and insert the picture instead",
                    0,
                ),
                "delText" => {}
                _ => {}
            }
        }
    }

    /// The note with this id, read (once) into the book's notes.
    pub(super) fn note(&mut self, footnote: bool, id: &str) -> usize {
        if let Some(&index) = self.note_ids.get(&(footnote, id.to_string())) {
            return index;
        }
        let index = self.notes.len();
        self.note_ids.insert((footnote, id.to_string()), index);
        self.notes.push(Vec::new());
        let items = if footnote {
            self.footnotes.get(id).cloned()
        } else {
            self.endnotes.get(id).cloned()
        }
        .unwrap_or_default();
        let blocks = self.blocks(items, &mut HashMap::new(), &[]);
        self.notes[index] = blocks;
        index
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_make_links() {
        let content = vec![Inline::Text("site".into())];
        assert_eq!(
            field_result(" HYPERLINK \"https://example.com\" ", content.clone()),
            vec![Inline::Link {
                target: Target::Web("https://example.com".into()),
                content: content.clone()
            }]
        );
        assert_eq!(
            field_result(" REF _Ref123 \\h ", content.clone()),
            vec![Inline::Link {
                target: Target::Internal {
                    doc: String::new(),
                    id: Some("_Ref123".into())
                },
                content
            }]
        );
    }
}
