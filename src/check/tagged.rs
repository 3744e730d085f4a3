//! The tagged PDF read back as an accessibility checker reads it: a
//! structure tree and `/MarkInfo <</Marked true>>`, the document's language,
//! every page's content inside marked content (tagged, or an artifact),
//! headings that never skip a level, and every figure with alt text.

use super::rows::Row;
use lopdf::{Document, Object};

use super::{Report, Status};

/// What the interior's tagging holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tagging {
    pub tree: bool,
    pub marked: bool,
    pub lang: Option<String>,
    /// Structure elements in the tree.
    pub elements: usize,
    /// Content drawn outside any marked-content sequence: (page from 1, operator).
    pub untagged: Vec<(usize, String)>,
    /// Heading levels in reading order.
    pub headings: Vec<u8>,
    /// Figures without alt text.
    pub figures_without_alt: usize,
    /// Pages whose tab order is not the structure's.
    pub pages_without_tabs: usize,
}

impl Tagging {
    /// Headings that skip a level: (from, to), the first being 0 at the start.
    pub fn heading_gaps(&self) -> Vec<(u8, u8)> {
        let mut previous = 0;
        let mut gaps = Vec::new();
        for &level in &self.headings {
            if level > previous + 1 {
                gaps.push((previous, level));
            }
            previous = level;
        }
        gaps
    }
}

/// Operators that paint: text, paths, images and shadings.
const PAINTING: [&str; 17] = [
    "Tj", "TJ", "'", "\"", "Do", "f", "F", "f*", "B", "B*", "b", "b*", "S", "s", "sh", "BI", "EI",
];

/// Reads the tagging of a PDF's bytes.
pub fn read(pdf: &[u8]) -> Result<Tagging, String> {
    let doc = Document::load_mem(pdf).map_err(|e| e.to_string())?;
    let catalog = doc.catalog().map_err(|e| e.to_string())?;
    let mut tagging = Tagging {
        marked: catalog
            .get(b"MarkInfo")
            .and_then(|m| resolve(&doc, m).as_dict())
            .and_then(|m| m.get(b"Marked"))
            .and_then(Object::as_bool)
            .unwrap_or(false),
        lang: catalog
            .get(b"Lang")
            .ok()
            .and_then(|l| l.as_str().ok())
            .map(|l| String::from_utf8_lossy(l).into_owned()),
        ..Tagging::default()
    };
    if let Ok(root) = catalog.get(b"StructTreeRoot") {
        tagging.tree = true;
        if let Ok(root) = resolve(&doc, root).as_dict()
            && let Ok(kids) = root.get(b"K")
        {
            walk(&doc, kids, &mut tagging, 0);
        }
    }
    for (number, page_id) in doc.get_pages() {
        if let Ok(page) = doc.get_dictionary(page_id)
            && page.get(b"Tabs").and_then(Object::as_name).ok() != Some(b"S".as_slice())
        {
            tagging.pages_without_tabs += 1;
        }
        let content = doc.get_page_content(page_id);
        let operations = lopdf::content::Content::decode(&content)
            .map_err(|e| e.to_string())?
            .operations;
        let mut depth = 0usize;
        for operation in operations {
            match operation.operator.as_str() {
                "BMC" | "BDC" => depth += 1,
                "EMC" => depth = depth.saturating_sub(1),
                op if depth == 0 && PAINTING.contains(&op) => {
                    tagging.untagged.push((number as usize, op.to_string()));
                }
                _ => {}
            }
        }
    }
    Ok(tagging)
}

fn resolve<'a>(doc: &'a Document, object: &'a Object) -> &'a Object {
    match object {
        Object::Reference(id) => doc.get_object(*id).unwrap_or(object),
        _ => object,
    }
}

/// Visits structure elements depth first (reading order), bounded so a
/// malformed tree cannot loop.
fn walk(doc: &Document, kids: &Object, tagging: &mut Tagging, depth: usize) {
    if depth > 64 {
        return;
    }
    let visit = |object: &Object, tagging: &mut Tagging| {
        let Ok(element) = object.as_dict() else {
            return;
        };
        let Ok(kind) = element.get(b"S").and_then(Object::as_name) else {
            return;
        };
        tagging.elements += 1;
        match kind {
            [b'H', level @ b'1'..=b'6'] => tagging.headings.push(level - b'0'),
            b"Figure" => {
                let alt = element
                    .get(b"Alt")
                    .ok()
                    .and_then(|a| a.as_str().ok())
                    .is_some_and(|a| !a.is_empty());
                if !alt {
                    tagging.figures_without_alt += 1;
                }
            }
            _ => {}
        }
        if let Ok(inner) = element.get(b"K") {
            walk(doc, inner, tagging, depth + 1);
        }
    };
    match kids {
        Object::Array(items) => {
            for item in items {
                walk(doc, item, tagging, depth + 1);
            }
        }
        Object::Reference(id) => {
            if let Ok(object) = doc.get_object(*id) {
                visit(object, tagging);
            }
        }
        object @ Object::Dictionary(dict)
            if dict.get(b"Type").and_then(Object::as_name).ok() != Some(b"MCR".as_slice()) =>
        {
            visit(object, tagging)
        }
        _ => {}
    }
}

/// The "tagging" row for the interior.
pub fn check(report: &mut Report, interior: &[u8]) {
    let tagging = match read(interior) {
        Ok(tagging) => tagging,
        Err(e) => {
            report.add(
                Row::Tagging,
                Status::Fail,
                format!("the interior PDF could not be read back: {e}"),
            );
            return;
        }
    };
    let mut faults = Vec::new();
    if !tagging.tree || tagging.elements == 0 {
        faults.push("no structure tree".to_string());
    }
    if !tagging.marked {
        faults.push("no /MarkInfo <</Marked true>>".to_string());
    }
    if tagging.lang.as_deref().is_none_or(str::is_empty) {
        faults.push("no /Lang".to_string());
    }
    if let Some((page, op)) = tagging.untagged.first() {
        faults.push(format!(
            "{} drawing operations outside marked content (the first, {op}, on page {page})",
            tagging.untagged.len()
        ));
    }
    if let Some((from, to)) = tagging.heading_gaps().first() {
        faults.push(format!("a heading skips from level {from} to {to}"));
    }
    if tagging.figures_without_alt > 0 {
        faults.push(format!(
            "{} figures without alt text",
            tagging.figures_without_alt
        ));
    }
    if tagging.pages_without_tabs > 0 {
        faults.push(format!(
            "{} pages without /Tabs /S",
            tagging.pages_without_tabs
        ));
    }
    let status = if faults.is_empty() {
        Status::Pass
    } else {
        Status::Fail
    };
    let detail = if faults.is_empty() {
        format!(
            "{} structure elements, {} headings without a gap, every page's content tagged or an artifact, language {}",
            tagging.elements,
            tagging.headings.len(),
            tagging.lang.unwrap_or_default()
        )
    } else {
        faults.join("; ")
    };
    report.add(Row::Tagging, status, detail);
}

#[cfg(test)]
mod tests {
    use super::Tagging;

    #[test]
    fn a_heading_that_skips_a_level_is_a_gap() {
        let tagging = Tagging {
            headings: vec![1, 2, 2, 1, 3, 2, 4],
            ..Tagging::default()
        };
        assert_eq!(tagging.heading_gaps(), vec![(1, 3), (2, 4)]);
        let starts_low = Tagging {
            headings: vec![2],
            ..Tagging::default()
        };
        assert_eq!(starts_low.heading_gaps(), vec![(0, 2)]);
    }
}
