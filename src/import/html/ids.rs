//! Element ids: indexed per document, so links find their target, and each
//! recorded with the heading it stands under.

use super::*;

impl Converter<'_, '_, '_> {
    pub(super) fn index_ids(&mut self) {
        for (d, doc) in self.docs.iter().enumerate() {
            for node in doc.xml.descendants().filter(Node::is_element) {
                let id = node
                    .attribute("id")
                    .or_else(|| node.attribute(("http://www.w3.org/XML/1998/namespace", "id")))
                    .or_else(|| {
                        (name(&node) == "a")
                            .then(|| node.attribute("name"))
                            .flatten()
                    });
                if let Some(id) = id {
                    self.ids.entry((d, id.to_string())).or_insert(node.id());
                }
            }
        }
    }

    /// The document and node an address inside document `d` leads to.
    pub(super) fn target(&self, d: usize, href: &str) -> Option<(usize, Option<NodeId>)> {
        let path = archive::resolve(&self.docs[d].path, href)?;
        let doc = self.docs.iter().position(|doc| doc.path == path)?;
        match archive::fragment(href) {
            Some(id) => self.ids.get(&(doc, id)).map(|&n| (doc, Some(n))),
            None => Some((doc, None)),
        }
    }

    /// Anchors recorded for chapter `from` now lead to chapter `to`.
    pub(super) fn retarget(&mut self, from: usize, to: usize) {
        for anchor in self.anchors.values_mut() {
            if anchor.chapter == from {
                anchor.chapter = to;
            }
        }
    }

    pub(super) fn is_consumed_or_inside(&self, node: &Node<'_, '_>) -> bool {
        std::iter::successors(Some(*node), Node::parent)
            .any(|n| self.consumed.contains(&(self.doc, n.id())))
    }

    /// Records an element's id at the current place.
    pub(super) fn record(&mut self, id: &str) {
        let key = (self.docs[self.doc].path.clone(), id.to_string());
        if let Some(heading) = self.in_heading {
            self.anchors.insert(
                key,
                Anchor {
                    chapter: self.chapters.len().saturating_sub(1),
                    heading: Some(heading),
                    exact: true,
                },
            );
        } else {
            self.pending_ids.push(id.to_string());
        }
    }

    /// Ids waiting for the next heading or text: they lead to `heading`
    /// (the heading they stood before, or the one the text is under).
    pub(super) fn settle_ids(&mut self, heading: Option<u32>, exact: bool) {
        let chapter = self.chapters.len().saturating_sub(1);
        for id in std::mem::take(&mut self.pending_ids) {
            self.anchors.insert(
                (self.docs[self.doc].path.clone(), id),
                Anchor {
                    chapter,
                    heading,
                    exact: exact || heading.is_none(),
                },
            );
        }
    }
}
