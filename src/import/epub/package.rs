//! The package document (`content.opf`): its metadata (titles, creators
//! with their roles, language, publisher, identifiers, date, rights,
//! description, subjects) for book.toml, its manifest, spine and cover.

use super::*;

pub(super) const OPF_NS: &str = "http://www.idpf.org/2007/opf";

pub(super) const DC_NS: &str = "http://purl.org/dc/elements/1.1/";

/// A manifest item.
#[derive(Debug, Clone)]
pub(super) struct Item {
    pub(super) id: String,
    /// Its path in the archive.
    pub(super) path: String,
    pub(super) media_type: String,
    pub(super) properties: String,
}

/// What the package says.
#[derive(Debug, Default)]
pub(super) struct Package {
    pub(super) meta: Metadata,
    pub(super) items: Vec<Item>,
    /// Spine items (by index into `items`), in reading order.
    pub(super) spine: Vec<usize>,
    pub(super) cover: Option<usize>,
    /// Contributors whose roles book.toml has no key for.
    pub(super) uncredited: Vec<(String, String)>,
}

/// What the package document says: its metadata, manifest, spine and cover.
pub(super) fn read_package(opf: &roxmltree::Document<'_>, opf_path: &str) -> Package {
    let mut package = Package::default();
    let root = opf.root_element();
    let Some(metadata) = root
        .descendants()
        .find(|n| n.tag_name().name() == "metadata")
    else {
        return package;
    };
    let metadata = PackageMetadata { node: metadata };
    (package.meta.title, package.meta.subtitle) = metadata.titles();
    metadata.read_people(&mut package);
    package.meta.language = metadata.first_text("language");
    package.meta.publisher = metadata.first_text("publisher");
    package.meta.rights = metadata.first_text("rights");
    package.meta.description = metadata
        .dc("description")
        .map(|n| strip_tags(&element_text(&n)))
        .find(|d| !d.is_empty());
    package.meta.keywords = metadata
        .dc("subject")
        .map(|n| element_text(&n))
        .filter(|s| !s.is_empty())
        .collect();
    package.meta.date = metadata.publication_date();
    metadata.read_isbns(root.attribute("unique-identifier"), &mut package.meta);
    // A source that is words, not an address: where the text first appeared.
    package.meta.first_publication = metadata.dc("source").map(|n| element_text(&n)).find(|s| {
        !s.is_empty()
            && !archive::is_external(s)
            && !s.starts_with("urn:")
            && as_isbn(s, false).is_none()
    });
    read_manifest_and_spine(root, opf_path, &mut package);
    package.cover = metadata.cover(&package.items);
    package
}

/// An element's text with its white space collapsed and trimmed.
pub(super) fn element_text(n: &roxmltree::Node<'_, '_>) -> String {
    tree::collapse_space(&crate::import::xml::text_of(n))
        .trim()
        .to_string()
}

/// A package's `<metadata>`, and the ways its elements are read.
pub(super) struct PackageMetadata<'a, 'i> {
    pub(super) node: roxmltree::Node<'a, 'i>,
}

impl<'a, 'i> PackageMetadata<'a, 'i> {
    /// Its Dublin Core elements named `local` (`title`, `creator`…).
    pub(super) fn dc(
        &self,
        local: &'static str,
    ) -> impl Iterator<Item = roxmltree::Node<'a, 'i>> + use<'a, 'i> {
        self.node.children().filter(move |n| {
            n.tag_name().name() == local && n.tag_name().namespace() == Some(DC_NS)
        })
    }

    /// The first non-empty text of its `local` elements.
    pub(super) fn first_text(&self, local: &'static str) -> Option<String> {
        self.dc(local)
            .map(|n| element_text(&n))
            .find(|s| !s.is_empty())
    }

    /// EPUB 3 refinements: `<meta refines="#id" property="…">value</meta>`.
    pub(super) fn refines(&self, id: &str, property: &str) -> Vec<String> {
        self.node
            .descendants()
            .filter(|n| n.tag_name().name() == "meta")
            .filter(|n| n.attribute("refines") == Some(&format!("#{id}")))
            .filter(|n| n.attribute("property") == Some(property))
            .map(|n| crate::import::xml::text_of(&n).trim().to_string())
            .collect()
    }

    /// Its `<meta>` children with `attribute` = `value`.
    pub(super) fn metas(
        &self,
        attribute: &'static str,
        value: &'static str,
    ) -> impl Iterator<Item = roxmltree::Node<'a, 'i>> + use<'a, 'i> {
        self.node
            .children()
            .filter(move |n| n.tag_name().name() == "meta" && n.attribute(attribute) == Some(value))
    }

    /// Titles: the main one, and a subtitle when the package marks one.
    pub(super) fn titles(&self) -> (Option<String>, Option<String>) {
        let mut main = None;
        let mut subtitle = None;
        for title in self.dc("title") {
            let value = element_text(&title);
            if value.is_empty() {
                continue;
            }
            let kind = title
                .attribute("id")
                .and_then(|id| self.refines(id, "title-type").into_iter().next());
            match kind.as_deref() {
                Some("subtitle") => subtitle = subtitle.or(Some(value)),
                Some("main") => main = Some(value),
                _ => main = main.or(Some(value)),
            }
        }
        (main, subtitle)
    }

    /// Creators and contributors: authors, the roles book.toml has keys
    /// for, and the rest (to be reported as not carried).
    pub(super) fn read_people(&self, package: &mut Package) {
        for (element, is_creator) in self
            .dc("creator")
            .map(|n| (n, true))
            .chain(self.dc("contributor").map(|n| (n, false)))
        {
            let who = element_text(&element);
            if who.is_empty() {
                continue;
            }
            let mut roles: Vec<String> = element
                .attribute("id")
                .map(|id| self.refines(id, "role"))
                .unwrap_or_default();
            if let Some(role) = element.attribute((OPF_NS, "role")) {
                roles.push(role.to_string());
            }
            if roles.is_empty() {
                roles.push(if is_creator { "aut" } else { "ctb" }.to_string());
            }
            if roles.iter().any(|r| r == "aut") {
                if !package.meta.authors.contains(&who) {
                    package.meta.authors.push(who);
                }
                continue;
            }
            let mut credited = false;
            for role in &roles {
                if let Some(key) = role_key(role)
                    && !package
                        .meta
                        .contributors
                        .iter()
                        .any(|(n, k)| *n == who && *k == key)
                {
                    package.meta.contributors.push((who.clone(), key));
                    credited = true;
                }
            }
            if !credited {
                package.uncredited.push((who, roles.join(", ")));
            }
        }
    }

    /// The publication date: an EPUB 2 `opf:event="publication"` first,
    /// then any date but a modification's.
    pub(super) fn publication_date(&self) -> Option<String> {
        let dates: Vec<(Option<String>, String)> = self
            .dc("date")
            .map(|n| {
                (
                    n.attribute((OPF_NS, "event")).map(str::to_string),
                    element_text(&n),
                )
            })
            .collect();
        dates
            .iter()
            .find(|(e, _)| e.as_deref() == Some("publication"))
            .or_else(|| {
                dates
                    .iter()
                    .find(|(e, _)| e.as_deref() != Some("modification"))
            })
            .and_then(|(_, d)| iso_date(d))
    }

    /// ISBNs: the identifiers (the EPUB's own, `unique`, is the ebook's),
    /// and quire's own `pageBreakSource`, which names the print edition.
    pub(super) fn read_isbns(&self, unique: Option<&str>, meta: &mut Metadata) {
        let mut isbns: Vec<(bool, String)> = Vec::new();
        for id in self.dc("identifier") {
            let value = element_text(&id);
            let scheme = id.attribute((OPF_NS, "scheme")).unwrap_or("");
            let is_own = unique.is_some() && id.attribute("id") == unique;
            if let Some(isbn) = as_isbn(&value, scheme.eq_ignore_ascii_case("isbn")) {
                isbns.push((is_own, isbn));
            }
        }
        isbns.sort_by_key(|(own, _)| !*own);
        let mut isbns: Vec<String> = isbns.into_iter().map(|(_, i)| i).collect();
        isbns.dedup();
        meta.isbn_ebook = isbns.first().cloned();
        let print = self
            .metas("property", "pageBreakSource")
            .find_map(|n| as_isbn(&element_text(&n), false))
            .or_else(|| {
                self.dc("source")
                    .find_map(|n| as_isbn(&element_text(&n), false))
            })
            .or_else(|| isbns.get(1).cloned());
        meta.isbn_print = print.filter(|p| Some(p) != meta.isbn_ebook.as_ref());
    }

    /// The cover image: the manifest's `cover-image`, or EPUB 2's `<meta name="cover">`.
    pub(super) fn cover(&self, items: &[Item]) -> Option<usize> {
        let cover_id = self
            .metas("name", "cover")
            .find_map(|n| n.attribute("content"));
        items
            .iter()
            .position(|i| i.properties.split_whitespace().any(|p| p == "cover-image"))
            .or_else(|| cover_id.and_then(|id| items.iter().position(|i| i.id == id)))
    }
}

/// The manifest's items (paths resolved against the package's folder) and
/// the spine's order.
pub(super) fn read_manifest_and_spine(
    root: roxmltree::Node<'_, '_>,
    opf_path: &str,
    package: &mut Package,
) {
    let base = opf_path.rsplit_once('/').map_or("", |(dir, _)| dir);
    let manifest_base = if base.is_empty() {
        String::new()
    } else {
        format!("{base}/")
    };
    for item in root.descendants().filter(|n| n.tag_name().name() == "item") {
        let (Some(id), Some(href)) = (item.attribute("id"), item.attribute("href")) else {
            continue;
        };
        let Some(path) = archive::resolve(&format!("{manifest_base}x"), href) else {
            continue;
        };
        package.items.push(Item {
            id: id.to_string(),
            path,
            media_type: item.attribute("media-type").unwrap_or("").to_string(),
            properties: item.attribute("properties").unwrap_or("").to_string(),
        });
    }
    for itemref in root
        .descendants()
        .filter(|n| n.tag_name().name() == "itemref")
    {
        if let Some(index) = itemref
            .attribute("idref")
            .and_then(|idref| package.items.iter().position(|i| i.id == idref))
        {
            package.spine.push(index);
        }
    }
}

/// book.toml's contributor role for a MARC relator code.
pub(super) fn role_key(code: &str) -> Option<&'static str> {
    Some(match code.trim().to_ascii_lowercase().as_str() {
        "ill" => "illustrator",
        "cov" | "cvr" => "cover-designer",
        "edt" | "edc" | "pbd" => "editor",
        "trl" => "translator",
        "pht" => "photographer",
        "dsr" | "bkd" => "designer",
        "win" | "aui" => "introduction",
        "wpr" | "aft" => "foreword",
        _ => return None,
    })
}

/// An ISBN, as book.toml writes it, when the text is one (`urn:isbn:…`,
/// `ISBN 978-…`, or the digits alone with the right check digit).
pub(super) fn as_isbn(value: &str, declared: bool) -> Option<String> {
    let lower = value.trim().to_ascii_lowercase();
    let digits = lower
        .strip_prefix("urn:isbn:")
        .or_else(|| lower.strip_prefix("isbn:"))
        .or_else(|| lower.strip_prefix("isbn"))
        .map(str::trim)
        .or_else(|| {
            let only: String = lower.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
            let plausible = (only.len() == 13 && only.chars().all(|c| c.is_ascii_digit()))
                || (only.len() == 10
                    && only[..9].chars().all(|c| c.is_ascii_digit())
                    && only.ends_with(|c: char| c.is_ascii_digit() || c == 'x'));
            (declared || plausible).then_some(lower.as_str())
        })?;
    Isbn::parse(&digits.to_ascii_uppercase())
        .ok()
        .map(|isbn| isbn.digits().to_string())
}

/// `YYYY-MM-DD` from a date as EPUBs write it (`2021-03-04T10:00:00Z`,
/// `2021-03`, `2021`): the day or month, when missing, the first.
pub fn iso_date(text: &str) -> Option<String> {
    let text = text.trim();
    let date = text.split('T').next().unwrap_or(text);
    let parts: Vec<&str> = date.split('-').collect();
    fn number(s: &str, len: usize) -> Option<&str> {
        (s.len() == len && s.chars().all(|c| c.is_ascii_digit())).then_some(s)
    }
    let year = number(parts.first()?, 4)?;
    let month = parts.get(1).map_or(Some("01"), |m| number(m, 2))?;
    let day = parts.get(2).map_or(Some("01"), |d| number(d, 2))?;
    let (m, d): (u32, u32) = (month.parse().ok()?, day.parse().ok()?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    Some(format!("{year}-{month}-{day}"))
}

/// Text with HTML tags taken out (a description written as escaped HTML).
pub(super) fn strip_tags(text: &str) -> String {
    if !text.contains('<') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut inside = false;
    for c in text.chars() {
        match c {
            '<' => inside = true,
            '>' if inside => {
                inside = false;
                out.push(' ');
            }
            c if !inside => out.push(c),
            _ => {}
        }
    }
    tree::collapse_space(&out).trim().to_string()
}
