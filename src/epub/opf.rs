//! The package document's `<metadata>`, rendered from the model: identifier,
//! titles with their types, creators and contributors with MARC roles,
//! publisher, language, dates, rights, description, subjects, source,
//! `pageBreakSource`, and the accessibility metadata of EPUB Accessibility
//! 1.1, with a conformance claim only when the checks behind it pass.
//!
//! `schema:` and `a11y:` are reserved prefixes in EPUB 3.3, so the package
//! declares no `prefix` attribute.

use super::escape::{attr, text};
use crate::model::Meta;

/// The manifest id epub-builder gives the cover image.
pub const COVER_ID: &str = "cover-image";

/// The conformance statement of EPUB Accessibility 1.1 this book can claim.
pub const CONFORMANCE: &str = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA";

/// What the book contains, as far as the metadata has to say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    pub chapters: usize,
    /// Entries in the `toc` nav (top level).
    pub toc_entries: usize,
    /// A page-list of the print edition is included.
    pub page_list: bool,
    pub figures: usize,
    pub figures_with_alt: usize,
}

impl Facts {
    fn all_alt(&self) -> bool {
        self.figures == self.figures_with_alt
    }
}

/// A well-formed BCP 47 tag for the book's language, or `und` (undetermined).
pub fn language_tag(language: &str) -> &str {
    let tag = language.trim();
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or_default();
    let ok = (2..=8).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_alphabetic())
        && parts
            .all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()));
    if ok { tag } else { "und" }
}

/// The book's identifier: the model's, or (never for a resolved book) one made from the title.
pub fn identifier(meta: &Meta) -> String {
    let id = meta.identifier.trim();
    if id.is_empty() {
        let uuid = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, meta.title.as_bytes());
        format!("urn:uuid:{uuid}")
    } else {
        id.to_string()
    }
}

/// The book's title as the package names it ("Untitled" when blank).
pub fn title(meta: &Meta) -> &str {
    if meta.title.trim().is_empty() {
        "Untitled"
    } else {
        meta.title.trim()
    }
}

/// Whether the book may claim [`CONFORMANCE`]: every image has alternative
/// text, the language is known and there is a table of contents. Who
/// evaluated the claim is said only when the author names them
/// (`accessibility.certified-by`).
pub fn may_claim_conformance(meta: &Meta, facts: &Facts) -> bool {
    facts.all_alt() && language_tag(&meta.language) != "und" && facts.toc_entries > 0
}

/// The `<package>` start tag.
pub fn package_start(meta: &Meta) -> String {
    format!(
        "<package version=\"3.0\" xmlns=\"http://www.idpf.org/2007/opf\" \
         unique-identifier=\"pub-id\" xml:lang=\"{}\">",
        attr(language_tag(&meta.language))
    )
}

/// The whole `<metadata>` element.
pub fn metadata(meta: &Meta, facts: &Facts) -> String {
    let mut m = Metadata(String::with_capacity(4096));
    m.0.push_str(
        "<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\" \
         xmlns:opf=\"http://www.idpf.org/2007/opf\">\n",
    );
    m.element("dc:identifier", Some("pub-id"), &identifier(meta));

    m.element("dc:title", Some("title"), title(meta));
    m.refine("title", "title-type", "main", None);
    if let Some(subtitle) = meta
        .subtitle
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        m.refine("title", "display-seq", "1", None);
        m.element("dc:title", Some("subtitle"), subtitle);
        m.refine("subtitle", "title-type", "subtitle", None);
        m.refine("subtitle", "display-seq", "2", None);
    }
    let authors = meta
        .authors
        .iter()
        .map(|a| a.trim())
        .filter(|a| !a.is_empty());
    for (i, author) in authors.enumerate() {
        let id = format!("creator-{}", i + 1);
        m.element("dc:creator", Some(&id), author);
        m.refine(&id, "role", "aut", Some("marc:relators"));
    }
    let contributors = meta
        .contributors
        .iter()
        .filter(|c| !c.name.trim().is_empty());
    for (i, contributor) in contributors.enumerate() {
        let id = format!("contributor-{}", i + 1);
        m.element("dc:contributor", Some(&id), contributor.name.trim());
        m.refine(&id, "role", contributor.role.marc(), Some("marc:relators"));
    }
    m.optional("dc:publisher", meta.publisher.as_deref());
    m.element("dc:language", None, language_tag(&meta.language));
    if let Some(date) = meta.date {
        m.element("dc:date", None, &date.to_string());
    }
    m.optional("dc:rights", meta.rights.as_deref());
    m.optional("dc:description", meta.description.as_deref());
    for keyword in &meta.keywords {
        m.optional("dc:subject", Some(keyword));
    }
    // Where the text first appeared: the resource this edition derives from (DCMI's dc:source).
    m.optional("dc:source", meta.first_publication.as_deref());
    m.property("dcterms:modified", &meta.modified);
    // EPUB 2 reading systems find the cover through this.
    m.0.push_str(&format!(
        "    <meta name=\"cover\" content=\"{COVER_ID}\"/>\n"
    ));
    if facts.page_list && !meta.print_identifier.trim().is_empty() {
        m.property("pageBreakSource", &meta.print_identifier);
    }
    accessibility(&mut m, meta, facts);
    m.0.push_str("  </metadata>");
    m.0
}

fn accessibility(m: &mut Metadata, meta: &Meta, facts: &Facts) {
    m.property("schema:accessMode", "textual");
    if facts.figures > 0 {
        m.property("schema:accessMode", "visual");
    }
    // Text alone suffices when every image has a text alternative.
    m.property(
        "schema:accessModeSufficient",
        if facts.all_alt() {
            "textual"
        } else {
            "textual,visual"
        },
    );
    m.property("schema:accessibilityFeature", "structuralNavigation");
    m.property("schema:accessibilityFeature", "tableOfContents");
    m.property("schema:accessibilityFeature", "readingOrder");
    if facts.page_list {
        m.property("schema:accessibilityFeature", "pageNavigation");
        m.property("schema:accessibilityFeature", "printPageNumbers");
    }
    if facts.figures > 0 && facts.all_alt() {
        m.property("schema:accessibilityFeature", "alternativeText");
    }
    for hazard in &meta.accessibility.hazards {
        m.property("schema:accessibilityHazard", hazard);
    }
    let claim = may_claim_conformance(meta, facts);
    // quire writes its summary in English; the author's is in the book's language.
    let (summary, language) = match meta.accessibility.summary.as_deref() {
        Some(summary) => (summary.to_string(), language_tag(&meta.language)),
        None => (self::summary(facts, claim), "en"),
    };
    m.0.push_str(&format!(
        "    <meta property=\"schema:accessibilitySummary\" xml:lang=\"{}\">",
        attr(language)
    ));
    m.0.push_str(&text(&summary));
    m.0.push_str("</meta>\n");
    if claim {
        m.property("dcterms:conformsTo", CONFORMANCE);
    }
    // The evaluator, only as the author names them (EPUB Accessibility 1.1
    // § 5.2: the credential and the report refine the certifier).
    if let Some(certifier) = meta.accessibility.certified_by.as_deref() {
        m.0.push_str(&format!(
            "    <meta property=\"a11y:certifiedBy\" id=\"certifier\">{}</meta>\n",
            text(certifier)
        ));
        if let Some(credential) = meta.accessibility.certifier_credential.as_deref() {
            m.refine("certifier", "a11y:certifierCredential", credential, None);
        }
        if let Some(report) = meta.accessibility.certifier_report.as_deref() {
            m.0.push_str(&format!(
                "    <link rel=\"a11y:certifierReport\" refines=\"#certifier\" href=\"{}\"/>\n",
                attr(report)
            ));
        }
    }
}

/// The accessibility summary, written from what the book contains.
pub fn summary(facts: &Facts, conforms: bool) -> String {
    let mut s = String::new();
    if conforms {
        s.push_str("This publication meets the requirements of EPUB Accessibility 1.1 at WCAG 2.2 Level AA. ");
    }
    let chapters = match facts.chapters {
        1 => "1 chapter".to_string(),
        n => format!("{n} chapters"),
    };
    s.push_str(&format!(
        "It has {chapters}, headings for structural navigation, a table of contents and a single logical reading order. "
    ));
    if facts.page_list {
        s.push_str(
            "Page numbers of the print edition are included, as page-break markers and a page list. ",
        );
    } else {
        s.push_str("It has no page numbers from a print edition. ");
    }
    let missing = facts.figures - facts.figures_with_alt.min(facts.figures);
    match (facts.figures, missing) {
        (0, _) => s.push_str("It contains no images."),
        (1, 0) => s.push_str("Its one image has a text alternative."),
        (n, 0) => s.push_str(&format!("All {n} of its images have text alternatives.")),
        (n, 1) => s.push_str(&format!(
            "It contains {n} images; 1 of them has no text alternative."
        )),
        (n, k) => s.push_str(&format!(
            "It contains {n} images; {k} of them have no text alternative."
        )),
    }
    s
}

/// The metadata element being written.
struct Metadata(String);

impl Metadata {
    fn element(&mut self, name: &str, id: Option<&str>, value: &str) {
        self.0.push_str("    <");
        self.0.push_str(name);
        if let Some(id) = id {
            self.0.push_str(" id=\"");
            self.0.push_str(&attr(id));
            self.0.push('"');
        }
        self.0.push('>');
        self.0.push_str(&text(value));
        self.0.push_str("</");
        self.0.push_str(name);
        self.0.push_str(">\n");
    }

    /// An element written only when the value is set and not blank.
    fn optional(&mut self, name: &str, value: Option<&str>) {
        if let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) {
            self.element(name, None, value);
        }
    }

    fn refine(&mut self, id: &str, property: &str, value: &str, scheme: Option<&str>) {
        self.0.push_str(&format!(
            "    <meta refines=\"#{}\" property=\"{}\"",
            attr(id),
            attr(property)
        ));
        if let Some(scheme) = scheme {
            self.0.push_str(&format!(" scheme=\"{}\"", attr(scheme)));
        }
        self.0.push_str(&format!(">{}</meta>\n", text(value)));
    }

    fn property(&mut self, property: &str, value: &str) {
        self.0.push_str(&format!(
            "    <meta property=\"{}\">{}</meta>\n",
            attr(property),
            text(value.trim())
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Contributor, Role};

    fn meta() -> Meta {
        let project = crate::project::Project::from_files([
            (
                "manuscript/book.toml",
                "title = \"T\"\nauthors = [\"A\"]\nlanguage = \"kk\"\ndate = \"2024-01-01\"\n",
            ),
            ("manuscript/a.md", "Text.\n"),
        ]);
        crate::load_book(&project, &crate::Options::default())
            .unwrap()
            .0
            .meta
    }

    fn facts() -> Facts {
        Facts {
            chapters: 3,
            toc_entries: 3,
            page_list: true,
            figures: 2,
            figures_with_alt: 2,
        }
    }

    fn parse(metadata: &str) -> Vec<(String, String)> {
        let doc = roxmltree::Document::parse(metadata).unwrap();
        doc.root_element()
            .children()
            .filter(|n| n.is_element())
            .map(|n| {
                let name = match n.attribute("property") {
                    Some(p) => format!("{}[{p}]", n.tag_name().name()),
                    None => n.tag_name().name().to_string(),
                };
                (name, n.text().unwrap_or_default().to_string())
            })
            .collect()
    }

    #[test]
    fn renders_every_field_escaped() {
        let mut m = meta();
        m.title = "Rock & <Roll>".into();
        m.subtitle = Some("A \"Story\"".into());
        m.authors = vec!["A".into(), "  ".into(), "B".into()];
        m.contributors = vec![
            Contributor {
                name: "Ill".into(),
                role: Role::Illustrator,
            },
            Contributor {
                name: "Tra".into(),
                role: Role::Translator,
            },
        ];
        m.publisher = Some("Press".into());
        m.keywords = vec!["one".into(), "two".into()];
        m.first_publication = Some("First in X.".into());
        let xml = metadata(&m, &facts());
        let fields = parse(&xml);
        let has = |name: &str, value: &str| fields.contains(&(name.to_string(), value.to_string()));
        assert!(has("title", "Rock & <Roll>"), "{xml}");
        assert!(has("title", "A \"Story\""));
        assert!(xml.contains("<dc:title id=\"title\">Rock &amp; &lt;Roll&gt;</dc:title>"));
        assert!(
            xml.contains("<meta refines=\"#subtitle\" property=\"title-type\">subtitle</meta>")
        );
        assert!(xml.contains("<dc:creator id=\"creator-2\">B</dc:creator>\n    <meta refines=\"#creator-2\" property=\"role\" scheme=\"marc:relators\">aut</meta>"), "{xml}");
        assert!(xml.contains("<dc:contributor id=\"contributor-2\">Tra</dc:contributor>\n    <meta refines=\"#contributor-2\" property=\"role\" scheme=\"marc:relators\">trl</meta>"));
        assert_eq!(fields.iter().filter(|(n, _)| n == "creator").count(), 2);
        assert!(has("language", "kk"));
        assert!(has("date", "2024-01-01"));
        assert!(has("source", "First in X."));
        assert!(has("subject", "two"));
        assert!(has("meta[pageBreakSource]", &m.print_identifier));
        assert!(has("meta[schema:accessMode]", "visual"));
        assert!(has("meta[schema:accessibilityFeature]", "alternativeText"));
        assert!(has("meta[schema:accessibilityFeature]", "printPageNumbers"));
        assert!(has("meta[dcterms:conformsTo]", CONFORMANCE));
        // The publisher is not taken for the evaluator.
        assert!(!xml.contains("a11y:certifiedBy"), "{xml}");
        assert!(package_start(&m).contains("unique-identifier=\"pub-id\" xml:lang=\"kk\""));
    }

    #[test]
    fn claims_only_what_holds() {
        let mut m = meta();
        m.publisher = None;
        let missing_alt = Facts {
            figures_with_alt: 1,
            page_list: false,
            ..facts()
        };
        let fields = parse(&metadata(&m, &missing_alt));
        let values = |name: &str| -> Vec<String> {
            fields
                .iter()
                .filter(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
                .collect()
        };
        assert!(values("meta[dcterms:conformsTo]").is_empty());
        assert!(values("meta[a11y:certifiedBy]").is_empty());
        assert!(values("meta[pageBreakSource]").is_empty());
        assert_eq!(
            values("meta[schema:accessModeSufficient]"),
            ["textual,visual"]
        );
        assert_eq!(
            values("meta[schema:accessibilityFeature]"),
            ["structuralNavigation", "tableOfContents", "readingOrder"]
        );
        let summary = &values("meta[schema:accessibilitySummary]")[0];
        assert!(summary.contains("3 chapters"), "{summary}");
        assert!(
            summary.contains("1 of them has no text alternative"),
            "{summary}"
        );
        assert!(summary.contains("no page numbers"), "{summary}");
        // With every image described the book claims conformance, and names
        // no evaluator but the one book.toml gives.
        let fields = parse(&metadata(&m, &facts()));
        assert!(fields.contains(&("meta[dcterms:conformsTo]".into(), CONFORMANCE.into())));
        assert!(!fields.iter().any(|(n, _)| n == "meta[a11y:certifiedBy]"));
        // No language, no claim.
        m.language = "not a tag!".into();
        assert!(!may_claim_conformance(&m, &facts()));
        assert_eq!(language_tag(&m.language), "und");
        assert_eq!(language_tag(" en-GB "), "en-GB");
    }

    #[test]
    fn the_author_names_the_evaluator_and_the_hazards() {
        let mut m = meta();
        m.accessibility = crate::model::Accessibility {
            certified_by: Some("Benetech & Co".into()),
            certifier_credential: Some("GCA".into()),
            certifier_report: Some("https://example.com/a?b=1&c=2".into()),
            summary: Some("Шрифт крупный.".into()),
            hazards: vec!["flashing".into(), "noSoundHazard".into()],
        };
        let xml = metadata(&m, &facts());
        assert!(
            xml.contains("<meta property=\"a11y:certifiedBy\" id=\"certifier\">Benetech &amp; Co</meta>\n    <meta refines=\"#certifier\" property=\"a11y:certifierCredential\">GCA</meta>\n    <link rel=\"a11y:certifierReport\" refines=\"#certifier\" href=\"https://example.com/a?b=1&amp;c=2\"/>"),
            "{xml}"
        );
        let fields = parse(&xml);
        let values = |name: &str| -> Vec<String> {
            fields
                .iter()
                .filter(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
                .collect()
        };
        assert_eq!(
            values("meta[schema:accessibilityHazard]"),
            ["flashing", "noSoundHazard"]
        );
        assert_eq!(
            values("meta[schema:accessibilitySummary]"),
            ["Шрифт крупный."]
        );
        assert!(
            xml.contains("accessibilitySummary\" xml:lang=\"kk\""),
            "{xml}"
        );
    }
}
