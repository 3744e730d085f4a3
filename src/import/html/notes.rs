//! Notes in any of the usual markups found before conversion, taken out of
//! where they stand, and made notes of the chapter that cites them.

use super::*;

/// The element whose content is a note, for a link's target: the note
/// element itself, the note element around it, or the block around an
/// inline target.
pub(super) fn note_body<'a, 'i>(target: Node<'a, 'i>) -> Option<Node<'a, 'i>> {
    let mut node = target;
    for _ in 0..4 {
        if is_note_element(&node) {
            return Some(node);
        }
        match node.parent_element() {
            Some(parent) => node = parent,
            None => break,
        }
    }
    if name(&target) == "dt" {
        return target.next_sibling_element().filter(|n| name(n) == "dd");
    }
    let mut node = target;
    loop {
        if matches!(
            name(&node),
            "p" | "li" | "dd" | "aside" | "div" | "blockquote" | "td"
        ) {
            // A block inside a note wrapper (`<div class="footnote"><p>`).
            if let Some(parent) = node.parent_element()
                && is_note_element(&parent)
            {
                return Some(parent);
            }
            return Some(node);
        }
        node = node.parent_element()?;
        if name(&node) == "body" {
            return None;
        }
    }
}

pub(super) fn is_note_element(node: &Node<'_, '_>) -> bool {
    has_type(node, &["footnote", "endnote", "rearnote", "note"])
        || role_is(node, &["doc-footnote", "doc-endnote"])
        || has_class(
            node,
            &["footnote", "endnote", "note", "fn", "footnotes-item"],
        )
}

/// A note's own label at its start (`1.`, `[1]`, a raised `1`), which the
/// book numbers itself, left out.
pub(super) fn strip_note_label(mut blocks: Vec<Block>) -> Vec<Block> {
    if let Some(Block::Paragraph(content)) = blocks.first_mut() {
        let first_is_label = match content.first() {
            Some(Inline::Superscript(c)) => is_marker(&tree::plain(c)),
            Some(Inline::Text(t)) => {
                let word = t.split_whitespace().next().unwrap_or("");
                is_marker(word)
                    && word
                        .chars()
                        .any(|c| c.is_ascii_digit() || "*†‡§".contains(c))
                    && t.trim_start().len() > word.len()
            }
            _ => false,
        };
        if first_is_label {
            match content.first_mut() {
                Some(Inline::Text(t)) => {
                    let trimmed = t.trim_start();
                    let word = trimmed.split_whitespace().next().unwrap_or("").len();
                    *t = trimmed[word..].to_string();
                }
                _ => {
                    content.remove(0);
                }
            }
            *content = trim(normalize(std::mem::take(content)));
        }
        if content.is_empty() {
            blocks.remove(0);
        }
    }
    blocks
}

impl Converter<'_, '_, '_> {
    /// Marks notes: each reference with the block that holds its note.
    pub(super) fn find_notes(&mut self) {
        let mut found = Vec::new();
        // References found so far: a link to one of them (or to the `<sup>`
        // around one) is its note's link back, not another reference.
        let mut refs: std::collections::HashSet<(usize, NodeId)> = std::collections::HashSet::new();
        for (d, doc) in self.docs.iter().enumerate() {
            for a in doc.xml.descendants().filter(|n| name(n) == "a") {
                let Some(href) = a.attribute("href") else {
                    continue;
                };
                let Some((t, Some(target))) = self.target(d, href) else {
                    continue;
                };
                let target_node = self.docs[t].xml.get_node(target).expect("an indexed node");
                // A note's link back to its reference is not a reference.
                let back = |n: &Node<'_, '_>| {
                    has_type(n, &["backlink"])
                        || role_is(n, &["doc-backlink"])
                        || has_class(n, &["footnote-back", "backlink", "note-label"])
                };
                let is_ref = |n: &Node<'_, '_>| {
                    name(n) == "a" && (has_type(n, &["noteref"]) || role_is(n, &["doc-noteref"]))
                };
                // (Nor is a link to a reference, or to the `<sup>` around one.)
                let wraps_ref = matches!(name(&target_node), "sup" | "span")
                    && target_node.descendants().any(|n| is_ref(&n));
                let to_ref = std::iter::successors(Some(target_node), Node::parent)
                    .take(2)
                    .any(|n| {
                        refs.contains(&(t, n.id()))
                            || n.children().any(|c| refs.contains(&(t, c.id())))
                    });
                if back(&a) || is_ref(&target_node) || wraps_ref || to_ref {
                    continue;
                }
                let marked = has_type(&a, &["noteref"])
                    || role_is(&a, &["doc-noteref"])
                    || has_class(
                        &a,
                        &[
                            "noteref",
                            "footnote-ref",
                            "footnote-reference",
                            "fnref",
                            "fnanchor",
                            "footnote-link",
                            "endnote-link",
                        ],
                    );
                let text = crate::import::xml::text_of(&a);
                if !marked && !is_marker(&text) {
                    continue;
                }
                let Some(body) = note_body(target_node) else {
                    continue;
                };
                let body_marked = is_note_element(&body);
                let backlinked = self.links_back(t, &body, d, &a);
                if !(marked || body_marked || backlinked) {
                    continue;
                }
                // A heading or a whole document is a place, not a note.
                if body.descendants().any(|n| heading_level(&n).is_some()) || name(&body) == "body"
                {
                    continue;
                }
                refs.insert((d, a.id()));
                found.push(((d, a.id()), (t, body.id())));
            }
        }
        for ((d, a), (t, body)) in found {
            self.note_of.insert((d, a), (t, body));
            self.consumed.insert((t, body));
            let body_node = self.docs[t].xml.get_node(body).expect("a node");
            // Back-links inside the note are left out; so is a list of
            // notes' `dt` label before its `dd`.
            for link in body_node.descendants().filter(|n| name(n) == "a") {
                if self.is_backlink(t, &link) {
                    self.consumed.insert((t, link.id()));
                }
            }
            if name(&body_node) == "dd"
                && let Some(dt) = body_node.prev_sibling_element().filter(|n| name(n) == "dt")
            {
                self.consumed.insert((t, dt.id()));
            }
        }
    }

    /// Whether a link in a note leads back to a note reference.
    pub(super) fn is_backlink(&self, t: usize, link: &Node<'_, '_>) -> bool {
        if has_type(link, &["backlink"])
            || role_is(link, &["doc-backlink"])
            || has_class(link, &["footnote-back", "backlink", "note-label"])
        {
            return true;
        }
        let Some(href) = link.attribute("href") else {
            return false;
        };
        let Some((d, Some(node))) = self.target(t, href) else {
            return false;
        };
        let node = self.docs[d].xml.get_node(node).expect("a node");
        std::iter::successors(Some(node), Node::parent)
            .take(3)
            .any(|n| self.note_of.contains_key(&(d, n.id())) || self.is_ref_anchor(d, &n))
    }

    pub(super) fn is_ref_anchor(&self, d: usize, node: &Node<'_, '_>) -> bool {
        node.descendants()
            .filter(|n| name(n) == "a")
            .any(|a| self.note_of.contains_key(&(d, a.id())))
    }

    /// Whether the note's block holds a link back to the reference `a` (or
    /// to the element around it: `<sup id="r1"><a href="#n1">`).
    pub(super) fn links_back(
        &self,
        t: usize,
        body: &Node<'_, '_>,
        d: usize,
        a: &Node<'_, '_>,
    ) -> bool {
        let ids: Vec<&str> = std::iter::successors(Some(*a), Node::parent)
            .take(3)
            .filter_map(|n| n.attribute("id"))
            .collect();
        body.descendants().filter(|n| name(n) == "a").any(|link| {
            link.attribute("href").is_some_and(|href| {
                archive::resolve(&self.docs[t].path, href).as_deref()
                    == Some(self.docs[d].path.as_str())
                    && archive::fragment(href).is_some_and(|f| ids.contains(&f.as_str()))
            })
        })
    }

    /// The note whose body is `body` in document `t`, converted once.
    pub(super) fn note(&mut self, t: usize, body: NodeId) -> usize {
        if let Some(&index) = self.note_index.get(&(t, body)) {
            return index;
        }
        let index = self.notes.len();
        self.note_index.insert((t, body), index);
        self.notes.push(Vec::new());
        let saved = (
            self.doc,
            self.under,
            self.in_note,
            std::mem::take(&mut self.pending_ids),
        );
        self.doc = t;
        self.in_note = true;
        let node = self.docs[t].xml.get_node(body).expect("a node");
        // The body is consumed where it stands; here it is read.
        self.consumed.remove(&(t, body));
        let mut blocks = Vec::new();
        if matches!(name(&node), "p" | "dd")
            || !is_container(name(&node)) && !matches!(name(&node), "li" | "blockquote")
        {
            self.block(node, &mut blocks);
        } else {
            self.blocks_of(node, &mut blocks);
        }
        self.consumed.insert((t, body));
        self.pending_ids.clear();
        (self.doc, self.under, self.in_note, self.pending_ids) = saved;
        let blocks = strip_note_label(tidy_blocks(blocks));
        self.notes[index] = blocks;
        index
    }
}
