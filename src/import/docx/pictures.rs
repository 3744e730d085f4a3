//! Pictures in a paragraph (DrawingML and VML), with their alt text, and
//! text boxes; placed as figures where their paragraph stands.

use super::*;

impl Reader<'_, '_> {
    /// A DrawingML picture (inline or floating) or text box.
    pub(super) fn drawing(&mut self, node: &Node<'_, '_>, para: &mut Para) {
        let props = node.descendants().find(|n| is(n, WP, "docPr"));
        let alt = props
            .and_then(|p| {
                p.attribute("descr")
                    .filter(|d| !d.trim().is_empty())
                    .or_else(|| p.attribute("title"))
            })
            .map(|a| tree::collapse_space(a).trim().to_string())
            .unwrap_or_default();
        let decorative = props.is_some_and(|p| {
            p.descendants().any(|n| {
                n.tag_name().name() == "decorative"
                    && n.attribute("val").is_none_or(|v| v == "1" || v == "true")
            })
        });
        if let Some(blip) = node.descendants().find(|n| is(n, DRAWING, "blip")) {
            let rid = blip
                .attribute((R, "embed"))
                .or_else(|| blip.attribute((R, "link")));
            let path = self.picture(rid);
            para.images.push((path, alt, decorative));
            return;
        }
        self.text_box(node, para);
    }

    /// A VML picture or text box (older files).
    pub(super) fn pict(&mut self, node: &Node<'_, '_>, para: &mut Para) {
        if let Some(image) = node.descendants().find(|n| is(n, VML, "imagedata")) {
            let alt = node
                .descendants()
                .find(|n| is(n, VML, "shape"))
                .and_then(|s| s.attribute("alt"))
                .unwrap_or("")
                .to_string();
            let path = self.picture(image.attribute((R, "id")));
            para.images.push((path, alt, false));
            return;
        }
        self.text_box(node, para);
    }

    pub(super) fn text_box(&mut self, node: &Node<'_, '_>, para: &mut Para) {
        let Some(content) = node.descendants().find(|n| is(n, W, "txbxContent")) else {
            return;
        };
        let saved = self.paragraphs;
        let items = self.items(&content);
        self.paragraphs = saved;
        let mut words = 0;
        for item in items {
            if let Item::Para(p) = item {
                words += count_words(&p.text());
                para.boxes.push(p);
            }
        }
        if words > 0 {
            self.report.warn(
                "a text box is set as paragraphs after the paragraph it is anchored in",
                &para.place_now(self.paragraphs),
                "quire has no floating boxes; move the text where it belongs",
                0,
            );
        }
    }

    /// A picture by its relationship id: written into images/, or why not.
    pub(super) fn picture(&mut self, rid: Option<&str>) -> Result<String, String> {
        let Some((target, external)) = rid.and_then(|r| self.rels.get(r)).cloned() else {
            return Err("its file is not in the document".into());
        };
        if external {
            return Err(format!("{target} is linked, not embedded"));
        }
        if let Some(done) = self.images.placed(&target) {
            return done;
        }
        let result = match self.archive.bytes(&target) {
            Ok(Some(bytes)) => self.images.add(&target, &target, bytes),
            Ok(None) => Err(format!("{target} is missing from the document")),
            Err(e) => Err(e.message),
        };
        self.images.remember(&target, result.clone());
        result
    }

    /// A paragraph's pictures, as figures after its text (or in its place
    /// when it holds nothing else).
    pub(super) fn place_images(&mut self, para: &Para, out: &mut Vec<Block>) {
        let alone = is_blank(&para.inlines);
        for (path, alt, decorative) in &para.images {
            match path {
                Ok(path) => {
                    if !alone {
                        self.report.warn(
                            "a picture inside a line of text is set after its paragraph",
                            &para.place(),
                            "quire sets pictures in paragraphs of their own",
                            0,
                        );
                    }
                    if alt.is_empty() && !decorative {
                        self.report.warn(
                            "a picture has no alt text",
                            &para.place(),
                            "describe it in Word (right-click, Edit Alt Text), or in the Markdown: ![what it shows](…)",
                            0,
                        );
                    }
                    out.push(Block::Figure {
                        path: path.clone(),
                        alt: alt.clone(),
                        decorative: *decorative,
                        caption: Vec::new(),
                    });
                }
                Err(why) => self.report.warn(
                    format!("a picture is not carried: {why}"),
                    &para.place(),
                    "save it as JPEG (photographs) or PNG (drawings) and insert it again",
                    count_words(alt),
                ),
            }
        }
    }
}
