//! What a spine document is (title page, copyright, contents, notes, a
//! part's title page… or text), from its markup, its place and its words.

use super::*;

impl Converter<'_, '_, '_> {
    /// What a document is.
    pub fn kind(&self, d: usize, nav: bool, cover: Option<&str>) -> Kind {
        let doc = &self.docs[d];
        let root = doc.xml.root_element();
        let Some(body) = root.children().find(|n| name(n) == "body") else {
            return Kind::Text(None);
        };
        if nav {
            return Kind::Contents;
        }
        // The body and its first sectioning element say what the document is.
        let mut markers: Vec<Node<'_, '_>> = vec![body];
        let mut node = body;
        for _ in 0..3 {
            let elements: Vec<Node<'_, '_>> = node
                .children()
                .filter(|n| n.is_element() && !is_skipped(n))
                .collect();
            match elements.as_slice() {
                [only] if is_container(name(only)) => {
                    markers.push(*only);
                    node = *only;
                }
                [first, ..] if matches!(name(first), "section" | "article" | "nav") => {
                    markers.push(*first);
                    break;
                }
                _ => break,
            }
        }
        let matter = if has_type(&body, &["frontmatter"]) {
            Some(Role::Front)
        } else if has_type(&body, &["backmatter"]) {
            Some(Role::Back)
        } else if has_type(&body, &["bodymatter"]) {
            Some(Role::Body)
        } else {
            None
        };
        for marker in markers.iter().rev() {
            let types = epub_types(marker);
            let class = classes(marker).to_ascii_lowercase();
            let class_is = |c: &str| class.split_whitespace().any(|x| x == c);
            let is = |t: &str| {
                types
                    .iter()
                    .any(|x| *x == t || x.ends_with(&format!(":{t}")))
                    || role_is(marker, &[&format!("doc-{t}")])
            };
            if is("titlepage") || class_is("title-page") || class_is("titlepage") {
                return Kind::TitlePage;
            }
            if is("halftitlepage") || is("halftitle") || class_is("half-title") {
                return Kind::HalfTitle;
            }
            if is("copyright-page") || class_is("copyright") {
                return Kind::Copyright;
            }
            if is("imprint") || is("colophon") || is("seriespage") {
                return Kind::Imprint;
            }
            if is("toc") || is("landmarks") || is("loi") || is("lot") || class_is("contents") {
                return Kind::Contents;
            }
            if is("cover") {
                return Kind::Cover;
            }
            if is("dedication") || class_is("dedication") {
                return Kind::Dedication;
            }
            if is("epigraph") || class_is("epigraph") {
                return Kind::Epigraph;
            }
            if is("endnotes") || is("footnotes") || is("rearnotes") {
                return Kind::Notes;
            }
            if is("foreword") || is("preface") {
                return Kind::Text(Some(Role::Front));
            }
            if is("prologue") || is("introduction") {
                return Kind::Text(Some(matter.unwrap_or(Role::Body)));
            }
            if [
                "afterword",
                "appendix",
                "bibliography",
                "glossary",
                "index",
                "acknowledgments",
                "conclusion",
                "errata",
                "contributors",
                "other-credits",
            ]
            .iter()
            .any(|t| is(t))
            {
                return Kind::Text(Some(matter.unwrap_or(Role::Back)));
            }
            if is("part") || is("volume") || class_is("part") {
                return Kind::Part;
            }
            if is("chapter") || is("epilogue") {
                return Kind::Text(Some(Role::Body));
            }
        }
        // A page that is only a picture: the cover's (the package's cover
        // image, or a file named for it), not the book's text.
        let text = crate::import::xml::text_of(&body);
        let pictures: Vec<String> = body
            .descendants()
            .filter_map(|n| match name(&n) {
                "img" => n.attribute("src"),
                "image" => n
                    .attribute(("http://www.w3.org/1999/xlink", "href"))
                    .or_else(|| n.attribute("href")),
                _ => None,
            })
            .filter_map(|src| archive::resolve(&doc.path, src))
            .collect();
        if text.trim().is_empty()
            && !pictures.is_empty()
            && (pictures.iter().all(|p| Some(p.as_str()) == cover)
                || doc.path.to_lowercase().contains("cover")
                || doc.path.to_lowercase().contains("titlepage"))
        {
            return Kind::Cover;
        }
        Kind::Text(matter)
    }
}
