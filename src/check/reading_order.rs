//! The EPUB's reading order, read back from the archive: every element id in
//! spine order and then document order, the page-break markers among them,
//! and whether the page-list visits its targets in that same order (as a
//! reader's "go to page" and the Books app's print page numbers assume).

use std::collections::{HashMap, HashSet};

use super::{EPUB_NS, parse_xml};

/// How the page-list compares with the reading order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageListOrder {
    /// Entries in the page-list.
    pub entries: usize,
    /// Entries whose target is not an id in a file of the reading order.
    pub unreached: usize,
    /// Entries whose target comes before the previous entry's.
    pub backwards: usize,
    /// Page-break markers in the text.
    pub markers: usize,
    /// Markers the page-list does not name.
    pub unlisted: usize,
    /// The first entry that goes backwards: `file#id` and the label.
    pub first_backwards: Option<String>,
}

impl PageListOrder {
    pub fn in_order(&self) -> bool {
        self.entries > 0 && self.unreached == 0 && self.backwards == 0 && self.unlisted == 0
    }
}

/// Reads the order of `opf`'s spine (with its manifest paths under `base`) and
/// the page-list of the nav document `nav_name`, from the archive's `texts`.
pub fn page_list_order(
    texts: &HashMap<String, String>,
    opf: &roxmltree::Document<'_>,
    base: &str,
    nav_name: &str,
) -> PageListOrder {
    let manifest: HashMap<&str, &str> = opf
        .descendants()
        .filter(|n| n.has_tag_name("item"))
        .filter_map(|n| Some((n.attribute("id")?, n.attribute("href")?)))
        .collect();
    let mut position: HashMap<(String, String), usize> = HashMap::new();
    let mut markers: Vec<(String, String)> = Vec::new();
    for itemref in opf.descendants().filter(|n| n.has_tag_name("itemref")) {
        let Some(href) = itemref.attribute("idref").and_then(|id| manifest.get(id)) else {
            continue;
        };
        let file = normalize(&format!("{base}{href}"));
        let Some(doc) = texts.get(&file).and_then(|t| parse_xml(t)) else {
            continue;
        };
        for node in doc.descendants().filter(|n| n.is_element()) {
            let Some(id) = node.attribute("id") else {
                continue;
            };
            let next = position.len();
            position
                .entry((file.clone(), id.to_string()))
                .or_insert(next);
            let pagebreak = node
                .attribute((EPUB_NS, "type"))
                .is_some_and(|t| t.split_whitespace().any(|t| t == "pagebreak"));
            if pagebreak {
                markers.push((file.clone(), id.to_string()));
            }
        }
    }

    let mut order = PageListOrder {
        markers: markers.len(),
        ..PageListOrder::default()
    };
    let Some(nav) = texts.get(nav_name).and_then(|t| parse_xml(t)) else {
        return order;
    };
    let Some(list) = nav
        .descendants()
        .find(|n| n.has_tag_name("nav") && n.attribute((EPUB_NS, "type")) == Some("page-list"))
    else {
        return order;
    };
    let nav_dir = nav_name.rsplit_once('/').map_or("", |(dir, _)| dir);
    let mut listed: HashSet<(String, String)> = HashSet::new();
    let mut previous: Option<usize> = None;
    for a in list.descendants().filter(|n| n.has_tag_name("a")) {
        order.entries += 1;
        let href = a.attribute("href").unwrap_or_default();
        let (file, id) = href.split_once('#').unwrap_or((href, ""));
        let file = if file.is_empty() {
            nav_name.to_string()
        } else if nav_dir.is_empty() {
            normalize(file)
        } else {
            normalize(&format!("{nav_dir}/{file}"))
        };
        let key = (file, id.to_string());
        match position.get(&key) {
            None => order.unreached += 1,
            Some(&at) => {
                if previous.is_some_and(|p| at < p) {
                    order.backwards += 1;
                    if order.first_backwards.is_none() {
                        let label = a.text().unwrap_or_default().trim();
                        order.first_backwards = Some(format!("{href} (page {label})"));
                    }
                }
                previous = Some(at);
            }
        }
        listed.insert(key);
    }
    order.unlisted = markers.iter().filter(|m| !listed.contains(m)).count();
    order
}

/// `OEBPS/text/../a.xhtml` → `OEBPS/a.xhtml`.
fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalized() {
        assert_eq!(normalize("OEBPS/text/../a.xhtml"), "OEBPS/a.xhtml");
        assert_eq!(normalize("./a.xhtml"), "a.xhtml");
    }
}
