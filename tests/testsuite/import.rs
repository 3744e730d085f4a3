//! `quire import`: Word files and EPUBs made into quire books that build in
//! every style, keep every word, and read as their sources do. The Word
//! files are written here from their XML (every construct the importer
//! reads); the EPUBs come from quire itself (the round trip: the bundled
//! book, the every-construct fixture and a corpus novel), from pandoc when
//! it is installed, and from a Standard Ebooks source kept in
//! `tests/fixtures/import/standard-ebooks/`. The structure checks read the
//! files as `../shared/tools/structure.py` does.

use crate::common;

use std::collections::HashMap;
use std::io::{Cursor, Read, Write};
use std::path::Path;

use quire::import::Imported;
use quire::project::Project;

const STYLES: [&str; 3] = ["classic", "modern", "plain"];

/// A ZIP archive of the entries (a `mimetype` entry stored, first).
fn zip(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut entries: Vec<&(String, Vec<u8>)> = entries.iter().collect();
    entries.sort_by_key(|(name, _)| name != "mimetype");
    for (name, bytes) in entries {
        let options = if name == "mimetype" { stored } else { deflated };
        out.start_file(name.as_str(), options).unwrap();
        out.write_all(bytes).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// A small PNG (a picture for the books here).
fn png() -> Vec<u8> {
    let image = image::RgbImage::from_fn(120, 80, |x, y| {
        image::Rgb([(x * 2) as u8, (y * 3) as u8, 90])
    });
    let mut bytes = Vec::new();
    image::DynamicImage::ImageRgb8(image)
        .write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Png)
        .unwrap();
    bytes
}

// ---------------------------------------------------------------- Word files

const W_NS: &str = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\" xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing\" xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" xmlns:pic=\"http://schemas.openxmlformats.org/drawingml/2006/picture\"";

/// The styles a manuscript uses, as Word writes them (names in English,
/// ids as Word makes them, `basedOn` chains).
const STYLES_XML: &str = r#"<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:docDefaults><w:rPrDefault><w:rPr><w:lang w:val="en-GB"/></w:rPr></w:rPrDefault></w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:rPr><w:b/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Subtitle"><w:name w:val="Subtitle"/><w:basedOn w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="berschrift1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Quote"><w:name w:val="Quote"/><w:basedOn w:val="Normal"/><w:rPr><w:i/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Verse"><w:name w:val="Verse"/><w:basedOn w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="SourceCode"><w:name w:val="Source Code"/><w:basedOn w:val="Normal"/><w:rPr><w:rFonts w:ascii="Courier New" w:hAnsi="Courier New"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Caption"><w:name w:val="caption"/><w:basedOn w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="ListParagraph"><w:name w:val="List Paragraph"/><w:basedOn w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="TOC1"><w:name w:val="toc 1"/><w:basedOn w:val="Normal"/></w:style>
<w:style w:type="character" w:styleId="Emphasis"><w:name w:val="Emphasis"/><w:rPr><w:i/></w:rPr></w:style>
</w:styles>"#;

const NUMBERING_XML: &str = r#"<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/><w:pPr><w:ind w:left="720" w:hanging="360"/></w:pPr></w:lvl><w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="o"/><w:pPr><w:ind w:left="1440" w:hanging="360"/></w:pPr></w:lvl></w:abstractNum>
<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/><w:pPr><w:ind w:left="720" w:hanging="360"/></w:pPr></w:lvl><w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%2)"/><w:pPr><w:ind w:left="1440" w:hanging="360"/></w:pPr></w:lvl></w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
</w:numbering>"#;

/// A .docx from its parts: the body's XML, footnotes and endnotes (each
/// `<w:footnote>`/`<w:endnote>` with its id), and the core properties.
fn docx(body: &str, footnotes: &str, endnotes: &str, core: &str) -> Vec<u8> {
    let doc = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document {W_NS}><w:body>{body}<w:sectPr/></w:body></w:document>"
    );
    let notes = |kind: &str, inner: &str| {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:{kind}s {W_NS}><w:{kind} w:type=\"separator\" w:id=\"-1\"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>{inner}</w:{kind}s>"
        )
    };
    let entries: Vec<(String, Vec<u8>)> = vec![
        ("[Content_Types].xml".into(), br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#.to_vec()),
        ("_rels/.rels".into(), br#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>"#.to_vec()),
        ("word/_rels/document.xml.rels".into(), br#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/endnotes" Target="endnotes.xml"/><Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/image1.png"/><Relationship Id="rId6" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://example.org/lights" TargetMode="External"/></Relationships>"#.to_vec()),
        ("word/document.xml".into(), doc.into_bytes()),
        ("word/styles.xml".into(), STYLES_XML.as_bytes().to_vec()),
        ("word/numbering.xml".into(), NUMBERING_XML.as_bytes().to_vec()),
        ("word/footnotes.xml".into(), notes("footnote", footnotes).into_bytes()),
        ("word/endnotes.xml".into(), notes("endnote", endnotes).into_bytes()),
        ("word/media/image1.png".into(), png()),
        ("docProps/core.xml".into(), format!("<?xml version=\"1.0\"?><cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\">{core}</cp:coreProperties>").into_bytes()),
    ];
    zip(&entries)
}

/// A paragraph: its style (or none), its properties' XML and its runs.
fn p(style: &str, props: &str, runs: &str) -> String {
    let style = if style.is_empty() {
        String::new()
    } else {
        format!("<w:pStyle w:val=\"{style}\"/>")
    };
    format!("<w:p><w:pPr>{style}{props}</w:pPr>{runs}</w:p>")
}

/// A run of text with run properties' XML.
fn r(props: &str, text: &str) -> String {
    format!("<w:r><w:rPr>{props}</w:rPr><w:t xml:space=\"preserve\">{text}</w:t></w:r>")
}

fn t(text: &str) -> String {
    r("", text)
}

const PAGE_BREAK: &str = "<w:r><w:br w:type=\"page\"/></w:r>";
const CENTRED: &str = "<w:jc w:val=\"center\"/>";

/// A manuscript with every construct a Word file brings.
fn manuscript() -> Vec<u8> {
    let picture = r#"<w:r><w:drawing><wp:inline><wp:extent cx="1143000" cy="762000"/><wp:docPr id="1" name="Picture 1" descr="A map of the coast with the lighthouse marked"/><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:blipFill><a:blip r:embed="rId5"/></pic:blipFill></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"#;
    let body = [
        // The title page, the copyright page, the dedication and the epigraph.
        p("Title", "", &t("The Lighthouse Keeper")),
        p("Subtitle", "", &t("A Novel of the Northern Light")),
        p("", CENTRED, &format!("{}{}", t("by Mara Quill"), PAGE_BREAK)),
        p("", "", &t("Copyright © 2024 Mara Quill. All rights reserved.")),
        p("", "", &t("First published in 2024 by Harbour Press.")),
        p("", "", &format!("{}{}", t("ISBN 978-0-306-40615-7 (paperback)"), PAGE_BREAK)),
        p("", CENTRED, &format!("{}{}", r("<w:i/>", "For my father, who kept the light."), PAGE_BREAK)),
        p("Quote", "", &t("The sea has neither meaning nor pity.")),
        p("", "<w:jc w:val=\"right\"/>", &format!("{}{}", t("— Anton Chekhov"), PAGE_BREAK)),
        // A table of contents Word made: quire makes its own.
        p("TOC1", "", &t("Chapter One: The Storm\t3")),
        // Chapter one.
        p("berschrift1", "", &format!("<w:bookmarkStart w:id=\"0\" w:name=\"_Toc1\"/>{}<w:bookmarkEnd w:id=\"0\"/>", t("Chapter One: The Storm"))),
        p("", "", &[
            t("It was a "), r("<w:i/>", "dark"), t(" and "), r("<w:b/>", "stormy"),
            t(" night; the keeper’s "), r("<w:smallCaps/>", "logbook"),
            t(" said so. H"), r("<w:vertAlign w:val=\"subscript\"/>", "2"),
            t("O ran down the glass; the 1"), r("<w:vertAlign w:val=\"superscript\"/>", "st"),
            t(" watch was "), r("<w:strike/>", "not"), t(" over."),
            "<w:r><w:rPr><w:vertAlign w:val=\"superscript\"/></w:rPr><w:footnoteReference w:id=\"1\"/></w:r>".to_string(),
            t(" She "), r("<w:u w:val=\"single\"/>", "underlined"), t(" and "),
            r("<w:rStyle w:val=\"Emphasis\"/>", "emphasised"), t(" words, and\u{a0}waited."),
        ].concat()),
        p("", "", &[t("“Who’s there?” she called. See "),
            "<w:hyperlink r:id=\"rId6\">".to_string(), t("the lights list"), "</w:hyperlink>".to_string(),
            t(" and "), "<w:hyperlink w:anchor=\"calm\">".to_string(), t("the calm"), "</w:hyperlink>".to_string(), t(".")].concat()),
        p("", "", &t("The light needed:")),
        p("ListParagraph", "<w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"1\"/></w:numPr>", &t("oil for the lamp")),
        p("ListParagraph", "<w:numPr><w:ilvl w:val=\"1\"/><w:numId w:val=\"1\"/></w:numPr>", &t("a spare wick")),
        p("ListParagraph", "<w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"1\"/></w:numPr>", &t("a clean glass")),
        p("ListParagraph", "<w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"2\"/></w:numPr>", &t("Light the lamp.")),
        p("ListParagraph", "<w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"2\"/></w:numPr>", &t("Wind the clock.")),
        p("Quote", "", &t("The sea is a desert of waves.")),
        p("", "<w:ind w:left=\"1134\" w:right=\"1134\"/>", &t("An indented extract, as a letter is set.")),
        p("", CENTRED, &t("* * *")),
        p("", "", &format!("{}{}", t("Morning came grey and slow."), PAGE_BREAK)),
        p("", "", &t("After the page break the log went on.")),
        p("Heading2", "", &t("The Log")),
        "<w:tbl><w:tblPr><w:tblLook w:firstRow=\"1\"/></w:tblPr><w:tr><w:tc><w:p><w:r><w:t>Day</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Ships</w:t></w:r></w:p></w:tc></w:tr><w:tr><w:tc><w:p><w:r><w:t>Monday</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>3</w:t></w:r></w:p></w:tc></w:tr></w:tbl>".to_string(),
        p("Caption", "", &t("Ships sighted.")),
        p("", "", picture),
        p("Caption", "", &t("The coast, as the keeper drew it.")),
        p("Verse", "", &t("The lamp is lit, the sea is wide,")),
        p("Verse", "<w:ind w:left=\"360\"/>", &t("the keeper waits the turning tide.")),
        p("Verse", "", ""),
        p("Verse", "", &t("A second stanza, and the end.")),
        p("SourceCode", "", &t("log.write(\"all clear\")")),
        // Chapter two, with an endnote and a scene break of each kind.
        p("berschrift1", "<w:pageBreakBefore/>", &format!("<w:bookmarkStart w:id=\"1\" w:name=\"calm\"/>{}<w:bookmarkEnd w:id=\"1\"/>", t("Chapter Two: Calm"))),
        p("", "", &[t("The calm lasted three days."), "<w:r><w:endnoteReference w:id=\"2\"/></w:r>".to_string()].concat()),
        p("", CENTRED, ""),
        p("", "", &t("On the fourth the supply boat came.")),
        p("", CENTRED, &t("#")),
        p("", "", &t("It brought letters.")),
        p("", CENTRED, &t("❧")),
        p("", "", &[t("Back in "), "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText xml:space=\"preserve\"> REF _Toc1 \\h </w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>".to_string(), t("the first chapter"), "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>".to_string(), t(" the storm had raged.")].concat()),
        p("berschrift1", "", &t("Acknowledgements")),
        p("", "", &t("Thanks to the Northern Lighthouse Board.")),
    ]
    .concat();
    let footnotes = r#"<w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> The first watch ran from eight to midnight.</w:t></w:r></w:p></w:footnote>"#;
    let endnotes = r#"<w:endnote w:id="2"><w:p><w:r><w:endnoteRef/></w:r><w:r><w:t xml:space="preserve"> Three days, by the log.</w:t></w:r></w:p></w:endnote>"#;
    let core = "<dc:title>The Lighthouse Keeper</dc:title><dc:creator>Mara Quill</dc:creator><dc:language>en-GB</dc:language><dc:description>A short novel about a lighthouse.</dc:description><cp:keywords>sea, lighthouse</cp:keywords><dcterms:created>2024-05-17T09:00:00Z</dcterms:created>";
    docx(&body, footnotes, endnotes, core)
}

// ---------------------------------------------------------------- helpers

fn import(name: &str, bytes: &[u8]) -> Imported {
    quire::import::import(name, bytes).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn file<'a>(imported: &'a Imported, path: &str) -> &'a str {
    let (_, bytes) = imported
        .files
        .iter()
        .find(|(p, _)| p == path)
        .unwrap_or_else(|| panic!("no {path} in {:?}", names(imported)));
    std::str::from_utf8(bytes).unwrap()
}

fn names(imported: &Imported) -> Vec<&str> {
    imported.files.iter().map(|(p, _)| p.as_str()).collect()
}

/// The imported chapter files' Markdown, in order.
fn chapters(imported: &Imported) -> Vec<(&str, &str)> {
    imported
        .files
        .iter()
        .filter(|(p, _)| p.starts_with("manuscript/") && p.ends_with(".md"))
        .map(|(p, b)| (p.as_str(), std::str::from_utf8(b).unwrap()))
        .collect()
}

fn warnings(imported: &Imported) -> Vec<String> {
    imported
        .report
        .warnings
        .iter()
        .map(|w| w.to_string())
        .collect()
}

/// The imported book as a project with the bundled fonts, in a style.
fn project(imported: &Imported, style: &str) -> Project {
    let mut project = Project::from_files(common::font_files());
    for (path, bytes) in &imported.files {
        let bytes = if path == "manuscript/book.toml" {
            std::str::from_utf8(bytes)
                .unwrap()
                .replace("style = \"plain\"", &format!("style = \"{style}\""))
                .into_bytes()
        } else {
            bytes.clone()
        };
        project.insert(path.as_str(), bytes);
    }
    project
}

/// Builds a project: its EPUB and the build's warnings (an error fails the test).
fn build(project: &Project, what: &str) -> (Vec<u8>, Vec<String>) {
    let outputs = quire::build(project, &quire::Options::default())
        .unwrap_or_else(|e| panic!("{what}: the build failed: {e}"));
    let epub = outputs
        .files
        .iter()
        .find(|f| f.name.ends_with(".epub"))
        .unwrap()
        .bytes
        .clone();
    (
        epub,
        outputs.warnings.iter().map(|w| w.to_string()).collect(),
    )
}

/// An EPUB's documents in reading order: (path, text).
fn spine(epub: &[u8]) -> Vec<(String, String)> {
    let mut zip = zip::ZipArchive::new(Cursor::new(epub)).unwrap();
    let mut read = |name: &str| {
        let mut text = String::new();
        zip.by_name(name)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        text
    };
    let container = read("META-INF/container.xml");
    let opf_path = container
        .split("full-path=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let base = opf_path
        .rsplit_once('/')
        .map_or(String::new(), |(d, _)| format!("{d}/"));
    let opf = read(&opf_path);
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    let doc = roxmltree::Document::parse_with_options(&opf, options).unwrap();
    let items: HashMap<&str, (&str, &str)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("item"))
        .map(|n| {
            (
                n.attribute("id").unwrap(),
                (
                    n.attribute("href").unwrap(),
                    n.attribute("properties").unwrap_or(""),
                ),
            )
        })
        .collect();
    doc.descendants()
        .filter(|n| n.has_tag_name("itemref"))
        .filter_map(|n| items.get(n.attribute("idref").unwrap()))
        .filter(|(_, props)| !props.contains("nav"))
        .map(|(href, _)| {
            let path = format!("{base}{href}");
            let text = read(&path);
            (path, text)
        })
        .collect()
}

const EPUB_NS: &str = "http://www.idpf.org/2007/ops";

/// A document a book's maker generates (title page, copyright page,
/// imprint, colophon, contents, cover): its body or first section says so.
fn generated(xhtml: &str) -> bool {
    const KINDS: [&str; 12] = [
        "titlepage",
        "halftitlepage",
        "copyright-page",
        "imprint",
        "colophon",
        "toc",
        "cover",
        "half-title",
        "title-page",
        "copyright",
        "contents",
        "landmarks",
    ];
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    let Ok(doc) = roxmltree::Document::parse_with_options(xhtml, options) else {
        return false;
    };
    let Some(body) = doc.descendants().find(|n| n.has_tag_name("body")) else {
        return false;
    };
    std::iter::once(body)
        .chain(body.children().filter(|n| n.is_element()).take(1))
        .any(|n| {
            n.attribute((EPUB_NS, "type"))
                .into_iter()
                .chain(n.attribute("class"))
                .flat_map(str::split_whitespace)
                .any(|t| KINDS.contains(&t))
        })
}

/// The words of an EPUB's documents in reading order, as `quire check`
/// counts them, leaving out note references, back-links and page markers
/// (their numbers are the maker's); generated pages too when asked.
fn epub_words(epub: &[u8], skip_generated: bool) -> Vec<String> {
    let mut out = Vec::new();
    for (_, xhtml) in spine(epub) {
        if skip_generated && generated(&xhtml) {
            continue;
        }
        let options = roxmltree::ParsingOptions {
            allow_dtd: true,
            ..roxmltree::ParsingOptions::default()
        };
        let doc = roxmltree::Document::parse_with_options(&xhtml, options).unwrap();
        let Some(body) = doc.descendants().find(|n| n.has_tag_name("body")) else {
            continue;
        };
        let notes_heading = |n: roxmltree::Node| {
            matches!(n.tag_name().name(), "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
                && n.ancestors().any(|a| {
                    a.attribute((EPUB_NS, "type"))
                        .is_some_and(|t| t.contains("endnotes") || t.contains("footnotes"))
                })
        };
        let skipped = |n: roxmltree::Node| {
            if notes_heading(n) {
                // A notes section's heading: quire sets notes by their chapter.
                return true;
            }
            let types = n.attribute((EPUB_NS, "type")).unwrap_or("");
            let role = n.attribute("role").unwrap_or("");
            types.contains("noteref")
                || types.contains("backlink")
                || types.contains("pagebreak")
                || role.contains("noteref")
                || role.contains("backlink")
                || n.attribute("class")
                    .is_some_and(|c| c.contains("note-label"))
        };
        // Text runs on inside a block ("H<sub>2</sub>O" is one word); a
        // block or a line break parts words.
        const BLOCKS: [&str; 24] = [
            "p",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "li",
            "td",
            "th",
            "tr",
            "div",
            "blockquote",
            "figcaption",
            "pre",
            "section",
            "aside",
            "nav",
            "dt",
            "dd",
            "br",
            "figure",
            "header",
            "footer",
        ];
        let mut text = String::new();
        for node in body.descendants() {
            if node.is_element() && BLOCKS.contains(&node.tag_name().name()) {
                text.push(' ');
            }
            if !node.is_text() || node.ancestors().any(skipped) {
                continue;
            }
            text.push_str(node.text().unwrap_or(""));
        }
        out.extend(words(&text));
    }
    out
}

/// Words as `quire check` compares them: lower case, hyphens gone.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| {
        !c.is_alphanumeric() && !matches!(c, '-' | '\u{ad}' | '\u{2010}' | '\u{2011}')
    })
    .map(|w| {
        w.chars()
            .filter(|c| !matches!(c, '-' | '\u{ad}' | '\u{2010}' | '\u{2011}'))
            .flat_map(char::to_lowercase)
            .collect::<String>()
    })
    .filter(|w| !w.is_empty())
    .collect()
}

/// A number or a unit word, which a style may write its own way.
fn is_number_word(word: &str) -> bool {
    const WORDS: [&str; 26] = [
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
        "twenty",
        "first",
        "second",
        "third",
        "chapter",
        "part",
        "book",
    ];
    word.chars().all(|c| c.is_ascii_digit())
        || word.chars().all(|c| "ivxlcdm".contains(c))
        || WORDS.contains(&word)
}

/// Words of `source` that `built` holds fewer times (a multiset difference).
fn missing(source: &[String], built: &[String]) -> Vec<String> {
    let mut counts: HashMap<&str, i64> = HashMap::new();
    for w in built {
        *counts.entry(w).or_default() += 1;
    }
    let mut lost = Vec::new();
    for w in source {
        let n = counts.entry(w).or_default();
        *n -= 1;
        if *n < 0 {
            lost.push(w.clone());
        }
    }
    lost
}

/// What structure.py reports of an EPUB: chapter headings whose number is
/// doubled, and front or back matter (or an untitled file) carrying a
/// chapter label.
fn structure(epub: &[u8]) -> (Vec<String>, Vec<String>) {
    const NUMBERS: [&str; 23] = [
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
        "twenty",
        "first",
        "second",
        "third",
    ];
    const MATTER: [&str; 15] = [
        "endnotes",
        "notes",
        "preface",
        "foreword",
        "afterword",
        "epigraph",
        "dedication",
        "appendix",
        "glossary",
        "bibliography",
        "acknowledgements",
        "acknowledgments",
        "colophon",
        "about the author",
        "imprint",
    ];
    let numeral = |w: &str| {
        let w = w.trim_end_matches('.').to_lowercase();
        !w.is_empty()
            && (w.chars().all(|c| c.is_ascii_digit())
                || w.chars().all(|c| "ivxlcdm".contains(c))
                || NUMBERS.contains(&w.as_str()))
    };
    let number_title = |text: &str| {
        let ws: Vec<&str> = text.split_whitespace().collect();
        match ws.as_slice() {
            [n] => numeral(n),
            [unit, n] => {
                ["chapter", "book", "part", "letter"].contains(&unit.to_lowercase().as_str())
                    && numeral(n)
            }
            _ => false,
        }
    };
    let (mut doubled, mut matter) = (Vec::new(), Vec::new());
    for (name, xhtml) in spine(epub) {
        let options = roxmltree::ParsingOptions {
            allow_dtd: true,
            ..roxmltree::ParsingOptions::default()
        };
        let doc = roxmltree::Document::parse_with_options(&xhtml, options).unwrap();
        let class_has =
            |n: roxmltree::Node, c: &str| n.attribute("class").is_some_and(|v| v.contains(c));
        let h1s: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("h1")).collect();
        if h1s.is_empty()
            && doc
                .descendants()
                .any(|n| n.has_tag_name("p") && class_has(n, "chapter-label"))
        {
            matter.push(format!("{name}: a label with no title"));
        }
        for h in h1s {
            let all: String = h.descendants().filter_map(|n| n.text()).collect();
            let all = all.split_whitespace().collect::<Vec<_>>().join(" ");
            let label: String = h
                .descendants()
                .filter(|n| class_has(*n, "chapter-label"))
                .flat_map(|n| n.descendants().filter_map(|t| t.text()))
                .collect();
            let label = label.trim();
            let rest = all.strip_prefix(label).unwrap_or(&all).trim();
            if !label.is_empty() && number_title(rest) {
                doubled.push(format!("{name}: {all}"));
            }
            let lower = rest.to_lowercase();
            let lower = lower.trim_end_matches('.');
            if !label.is_empty() && (rest.is_empty() || MATTER.contains(&lower)) {
                matter.push(format!("{name}: {all}"));
            }
        }
    }
    (doubled, matter)
}

/// Builds the imported book in every style: no error, no doubled number,
/// no labelled matter, and every word of `source` in each EPUB. Returns the
/// plain style's EPUB.
fn builds_in_every_style(imported: &Imported, what: &str, source: &[String]) -> Vec<u8> {
    let mut plain = Vec::new();
    for style in STYLES {
        let (epub, _) = build(&project(imported, style), &format!("{what} in {style}"));
        let (doubled, matter) = structure(&epub);
        assert!(
            doubled.is_empty(),
            "{what} in {style}: doubled numbers {doubled:?}"
        );
        assert!(
            matter.is_empty(),
            "{what} in {style}: matter labelled as a chapter {matter:?}"
        );
        // A chapter's number is set in the style's form ("I" is "Chapter
        // One" in classic, "1" in modern): numbers are counted in plain.
        let keep = |words: &[String]| -> Vec<String> {
            words
                .iter()
                .filter(|w| style == "plain" || !is_number_word(w))
                .cloned()
                .collect()
        };
        let lost = missing(&keep(source), &keep(&epub_words(&epub, false)));
        assert!(lost.is_empty(), "{what} in {style}: words lost: {lost:?}");
        if style == "plain" {
            plain = epub;
        }
    }
    plain
}

/// The words of a Word file's text: every `w:t` of the body, the notes.
fn docx_words(bytes: &[u8]) -> Vec<String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = Vec::new();
    for part in [
        "word/document.xml",
        "word/footnotes.xml",
        "word/endnotes.xml",
    ] {
        let mut xml = String::new();
        let Ok(mut entry) = zip.by_name(part) else {
            continue;
        };
        entry.read_to_string(&mut xml).unwrap();
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let mut text = String::new();
        // (A table of contents Word made is left to quire to make.)
        let toc = |p: &roxmltree::Node| {
            p.descendants().any(|n| {
                n.tag_name().name() == "pStyle"
                    && n.attributes().any(|a| a.value().starts_with("TOC"))
            })
        };
        for para in doc
            .descendants()
            .filter(|n| n.tag_name().name() == "p" && !toc(n))
        {
            for node in para.descendants().filter(|n| n.tag_name().name() == "t") {
                text.push_str(node.text().unwrap_or(""));
            }
            text.push(' ');
        }
        out.extend(words(&text));
    }
    out
}

// ---------------------------------------------------------------- Word

#[test]
fn a_word_manuscript_comes_through_construct_by_construct() {
    let bytes = manuscript();
    let imported = import("lighthouse.docx", &bytes);
    let toml = file(&imported, "manuscript/book.toml");
    for line in [
        "title = \"The Lighthouse Keeper\"",
        "subtitle = \"A Novel of the Northern Light\"",
        "authors = [\"Mara Quill\"]",
        "language = \"en-GB\"",
        "date = \"2024-05-17\"",
        "description = \"A short novel about a lighthouse.\"",
        "keywords = [\"sea\", \"lighthouse\"]",
        "rights = \"Copyright © 2024 Mara Quill. All rights reserved.\"",
        "first-publication = \"First published in 2024 by Harbour Press.\"",
        "dedication = \"For my father, who kept the light.\"",
        "epigraph = \"The sea has neither meaning nor pity.\"",
        "epigraph-source = \"Anton Chekhov\"",
        "print = \"9780306406157\"",
    ] {
        assert!(toml.contains(line), "{line}\n{toml}");
    }
    let chapters = chapters(&imported);
    let files: Vec<&str> = chapters.iter().map(|(p, _)| *p).collect();
    assert_eq!(
        files,
        [
            "manuscript/01-chapter-one-the-storm.md",
            "manuscript/02-chapter-two-calm.md",
            "manuscript/03-acknowledgements.md"
        ],
        "a chapter file per top-level heading, named from it"
    );
    let one = chapters[0].1;
    for snippet in [
        "# Chapter One: The Storm\n",
        "It was a *dark* and **stormy** night; the keeper’s [logbook]{.smallcaps} said so. H~2~O ran down the glass; the 1^st^ watch was ~~not~~ over.[^1] She *underlined* and *emphasised* words, and\u{a0}waited.",
        "“Who’s there?” she called. See [the lights list](https://example.org/lights) and [the calm](02-chapter-two-calm.md).",
        "- oil for the lamp\n\n  - a spare wick\n\n- a clean glass",
        "1. Light the lamp.\n2. Wind the clock.",
        "> The sea is a desert of waves.\n>\n> An indented extract, as a letter is set.",
        "***\n\nMorning came grey and slow.\n\nAfter the page break",
        "## The Log",
        "| Day | Ships |\n|---|---|\n| Monday | 3 |\n\nTable: Ships sighted.",
        "![A map of the coast with the lighthouse marked](images/image1.png \"The coast, as the keeper drew it.\")",
        "```verse\nThe lamp is lit, the sea is wide,\n  the keeper waits the turning tide.\n\nA second stanza, and the end.\n```",
        "```\nlog.write(\"all clear\")\n```",
        "[^1]: The first watch ran from eight to midnight.",
    ] {
        assert!(one.contains(snippet), "{snippet}\n---\n{one}");
    }
    assert!(
        chapters.iter().all(|(_, md)| !md.contains("The Storm 3")),
        "the table of contents is left out"
    );
    let two = chapters[1].1;
    for snippet in [
        "The calm lasted three days.[^1]\n\n***\n\nOn the fourth the supply boat came.\n\n***\n\nIt brought letters.\n\n***\n\nBack in [the first chapter](01-chapter-one-the-storm.md) the storm had raged.",
        "[^1]: Three days, by the log.",
    ] {
        assert!(two.contains(snippet), "{snippet}\n---\n{two}");
    }
    assert!(names(&imported).contains(&"manuscript/images/image1.png"));
    let warned = warnings(&imported);
    assert!(
        warned
            .iter()
            .any(|w| w.starts_with("warning: a page break is not carried (paragraph ")),
        "{warned:?}"
    );
    assert!(
        imported
            .report
            .lines
            .iter()
            .any(|l| l.contains("table of contents")),
        "{:?}",
        imported.report.lines
    );
    assert_eq!(
        imported.manuscript_words, imported.source_words,
        "{:?}",
        imported.report.lines
    );

    // Built in every style: every word of the document is in the EPUB (the
    // title page's "by" aside: quire's title page names the author alone).
    let source: Vec<String> = docx_words(&bytes)
        .into_iter()
        .filter(|w| w != "by")
        .collect();
    builds_in_every_style(&imported, "the Word manuscript", &source);
}

#[test]
fn a_word_manuscript_without_heading_styles_finds_its_chapters() {
    let body = [
        p("", CENTRED, &r("<w:b/>", "The Salt Road")),
        p("", CENTRED, &format!("{}{}", t("by Ines Vale"), PAGE_BREAK)),
        p("", CENTRED, &r("<w:b/>", "PROLOGUE")),
        p(
            "",
            "",
            &format!("{}{}", t("The road was older than the town."), PAGE_BREAK),
        ),
        p("", CENTRED, &t("Chapter One")),
        p("", CENTRED, &r("<w:b/>", "The Well")),
        p(
            "",
            "",
            &format!(
                "{}{}",
                t("Water was the first thing they sold."),
                PAGE_BREAK
            ),
        ),
        p("", CENTRED, &t("Chapter Two")),
        p(
            "",
            "",
            &t("Salt was the second. Chapter two of the ledger said so."),
        ),
    ]
    .concat();
    let bytes = docx(
        &body,
        "",
        "",
        "<dc:title>The Salt Road</dc:title><dc:creator>Ines Vale</dc:creator>",
    );
    let imported = import("salt.docx", &bytes);
    let chapters = chapters(&imported);
    let headings: Vec<&str> = chapters
        .iter()
        .map(|(_, md)| md.lines().next().unwrap())
        .collect();
    assert_eq!(
        headings,
        ["# PROLOGUE", "# Chapter One: The Well", "# Chapter Two"],
        "{chapters:?}"
    );
    let source: Vec<String> = docx_words(&bytes)
        .into_iter()
        .filter(|w| w != "by")
        .collect();
    builds_in_every_style(&imported, "the unstyled manuscript", &source);
}

/// A file python-docx made from Word's own template (its styles.xml and
/// numbering.xml as Word writes them: "List Bullet 2" a list of its own,
/// styles by English name, a picture's alt text in its properties).
#[test]
fn a_word_file_from_words_template_comes_through() {
    let bytes =
        std::fs::read(common::root().join("tests/fixtures/import/python-docx.docx")).unwrap();
    let imported = import("lighthouse.docx", &bytes);
    let toml = file(&imported, "manuscript/book.toml");
    for line in [
        "title = \"The Lighthouse Keeper\"",
        "subtitle = \"A Novel\"",
        "authors = [\"Mara Quill\"]",
        "dedication = \"For my father, who kept the light.\"",
    ] {
        assert!(toml.contains(line), "{line}\n{toml}");
    }
    let files = chapters(&imported);
    assert_eq!(files.len(), 3, "{files:?}");
    let one = files[0].1;
    for snippet in [
        "- oil for the lamp\n\n- wicks, trimmed\n\n  - a spare wick\n\n- a clean glass\n\n1. Light the lamp.\n2. Wind the clock.",
        "> The sea is a desert of waves, a wilderness of water.",
        "![A hand-drawn map of the coast](images/image1.png \"The coast, as the keeper drew it.\")",
    ] {
        assert!(one.contains(snippet), "{snippet}\n---\n{one}");
    }
    let source: Vec<String> = docx_words(&bytes)
        .into_iter()
        .filter(|w| w != "by")
        .collect();
    builds_in_every_style(&imported, "the python-docx file", &source);
}

// ---------------------------------------------------------------- EPUB

/// The round trip: a quire book's EPUB imported and built again gives the
/// same words in the same order (the generated pages aside, which quire
/// makes again from book.toml), the same chapters, notes and metadata.
fn round_trip(what: &str, project: &Project, style: &str) {
    let mut project = project.clone();
    let toml = String::from_utf8(project.get("manuscript/book.toml").unwrap().to_vec()).unwrap();
    let toml: String = toml
        .lines()
        .filter(|l| !l.starts_with("style ="))
        .map(|l| format!("{l}\n"))
        .collect();
    project.insert(
        "manuscript/book.toml",
        format!("style = \"{style}\"\n{toml}"),
    );
    let (epub, _) = build(&project, what);
    let imported = import("book.epub", &epub);
    let rebuilt_project = {
        let mut p = project_of(&imported);
        let toml = String::from_utf8(p.get("manuscript/book.toml").unwrap().to_vec())
            .unwrap()
            .replace("style = \"plain\"", &format!("style = \"{style}\""));
        p.insert("manuscript/book.toml", toml);
        p
    };
    let (rebuilt, _) = build(&rebuilt_project, &format!("{what}, imported"));
    same_words(what, &epub_words(&epub, true), &epub_words(&rebuilt, true));
    // The same chapters, in the navigation, and the same notes.
    let nav = |epub: &[u8]| {
        let mut zip = zip::ZipArchive::new(Cursor::new(epub)).unwrap();
        let mut text = String::new();
        zip.by_name("OEBPS/nav.xhtml")
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        let doc = roxmltree::Document::parse_with_options(
            &text,
            roxmltree::ParsingOptions {
                allow_dtd: true,
                ..Default::default()
            },
        )
        .unwrap();
        let toc = doc
            .descendants()
            .find(|n| n.attribute((EPUB_NS, "type")) == Some("toc"))
            .unwrap();
        toc.descendants()
            .filter(|n| n.has_tag_name("a"))
            .map(|a| {
                a.descendants()
                    .filter(|t| t.is_text())
                    .filter_map(|t| t.text())
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(nav(&epub), nav(&rebuilt), "{what}: the chapters");
    let notes = |epub: &[u8]| {
        spine(epub)
            .iter()
            .map(|(_, x)| x.matches("epub:type=\"footnote\"").count())
            .sum::<usize>()
    };
    assert_eq!(notes(&epub), notes(&rebuilt), "{what}: the notes");
    // The same metadata: the package's Dublin Core, the date aside (the
    // first build's comes from book.toml, the same), and the identifier.
    let metadata = |epub: &[u8]| {
        let mut zip = zip::ZipArchive::new(Cursor::new(epub)).unwrap();
        let mut text = String::new();
        zip.by_name("OEBPS/content.opf")
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        text.lines()
            .map(str::trim)
            .filter(|l| l.starts_with("<dc:") && !l.starts_with("<dc:identifier"))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(metadata(&epub), metadata(&rebuilt), "{what}: the metadata");
}

/// The same words in the same order, or where they part.
fn same_words(what: &str, before: &[String], after: &[String]) {
    if before != after {
        let at = before
            .iter()
            .zip(after)
            .position(|(a, b)| a != b)
            .unwrap_or(before.len().min(after.len()));
        panic!(
            "{what}: the words differ at word {at}: {:?} against {:?} ({} and {} words)",
            &before[at.saturating_sub(5)..(at + 5).min(before.len())],
            &after[at.saturating_sub(5)..(at + 5).min(after.len())],
            before.len(),
            after.len()
        );
    }
}

fn project_of(imported: &Imported) -> Project {
    let mut project = Project::from_files(common::font_files());
    for (path, bytes) in &imported.files {
        project.insert(path.as_str(), bytes.clone());
    }
    project
}

#[test]
fn quire_epubs_come_back_the_same_the_bundled_book_and_every_construct() {
    round_trip("the bundled book", &common::bundled(), "plain");
    let root = common::root().join("tests/fixtures/everything");
    let mut project = Project::from_files(common::font_files());
    for entry in walk(&root.join("manuscript")) {
        let rel = entry
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        project.insert(rel, std::fs::read(&entry).unwrap());
    }
    round_trip("the every-construct book", &project, "classic");
}

#[test]
fn a_corpus_novel_comes_back_the_same() {
    let Some(mut project) = common::love_among_the_chickens() else {
        return;
    };
    let toml = format!("{}style = \"classic\"\n", common::LOVE_TOML);
    project.insert("manuscript/book.toml", toml);
    round_trip("Love Among the Chickens", &project, "classic");
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// The Standard Ebooks fixture, zipped as their tools package it.
fn standard_ebooks() -> Vec<u8> {
    let root = common::root().join("tests/fixtures/import/standard-ebooks");
    let entries: Vec<(String, Vec<u8>)> = walk(&root)
        .into_iter()
        .map(|p| {
            (
                p.strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/"),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    zip(&entries)
}

#[test]
fn a_standard_ebooks_epub_comes_through() {
    let epub = standard_ebooks();
    let imported = import("love-among-the-chickens.epub", &epub);
    let toml = file(&imported, "manuscript/book.toml");
    for line in [
        "title = \"Love Among the Chickens\"",
        "authors = [\"P. G. Wodehouse\"]",
        "{ name = \"A. Drawer\", role = \"illustrator\" }",
        "publisher = \"Standard Ebooks\"",
        "language = \"en-GB\"",
        "date = \"2017-12-11\"",
        "keywords = [\"Humorous stories\", \"Farm life -- Fiction\"]",
        "dedication = \"To W. Townend\"",
        "epigraph = \"It is a far, far better thing to keep hens than to be kept by them.\"",
        "epigraph-source = \"A Farmer of Dorset\"",
    ] {
        assert!(toml.contains(line), "{line}\n{toml}");
    }
    assert!(
        toml.contains("rights = \"The source text and artwork"),
        "{toml}"
    );
    let chapters = chapters(&imported);
    let files: Vec<&str> = chapters.iter().map(|(p, _)| *p).collect();
    assert_eq!(
        files,
        [
            "manuscript/01-i-a-letter-with-a-postscript.md",
            "manuscript/02-ii-mr-and-mrs-s-f-ukridge.md",
            "manuscript/03-glossary.md"
        ],
        "no title page, imprint, half title, endnotes, colophon or uncopyright among the chapters"
    );
    assert!(
        toml.contains("[[parts]]\ntitle = \"Part I\"\nchapters = [\"01-i-a-letter-with-a-postscript.md\", \"02-ii-mr-and-mrs-s-f-ukridge.md\"]"),
        "{toml}"
    );
    let one = chapters[0].1;
    for snippet in [
        "# I. A Letter with a Postscript\n",
        "breakfast things.[^1]",
        "[No Hawkers]{.smallcaps}, and under it, in another hand, *positively none*.",
        "> “… By the way, at Yeovil",
        "***\n\nAt this point a thunderous knocking on the front door interrupted me.[^2]",
        "[knocker](03-glossary.md)",
        "## The Visitor {#the-visitor}",
        "[^1]: Mrs. Medley kept the house in Ebury Street.",
        "[^2]: The knocker was of brass, and *very* loud.\n\n    It was later sold to pay for corn.",
    ] {
        assert!(one.contains(snippet), "{snippet}\n---\n{one}");
    }
    let two = chapters[1].1;
    for snippet in [
        "# II. Mr. and Mrs. S. F. Ukridge\n",
        "> ```verse\n> Oh, the hens they lay in the morning,\n>   And the hens they lay at night,",
        ">     When the market’s going right.\n> ```",
        "[the morning of the knocking](01-i-a-letter-with-a-postscript.md)",
        "[the visitor](01-i-a-letter-with-a-postscript.md#the-visitor)",
        "| Breed | Hens |\n|---|---|\n| Buff Orpington | 20 |",
        "![Hens in a barn, pecking at scattered corn.](images/hens.png \"The flock at feeding time.\")",
        "H~2~O for the hens, said Ukridge, was the 1^st^ thing; *the second* was *corn*.[^1]",
        "[^1]: Ukridge’s system of feeding was his own.",
    ] {
        assert!(two.contains(snippet), "{snippet}\n---\n{two}");
    }
    let glossary = chapters[2].1;
    assert!(
        glossary.contains("*Knocker*\n: A hinged ring on a front door, struck to announce a visitor.\n\n*Orpington*\n: A heavy breed of hen"),
        "{glossary}"
    );
    let warned = warnings(&imported);
    for warning in [
        "the contributor Lilly Martin Spencer (art) is not carried",
        "the contributor Al Haines (trc) is not carried",
        "the cover epub/images/cover.svg is not a JPEG or PNG",
    ] {
        assert!(
            warned.iter().any(|w| w.contains(warning)),
            "{warning}: {warned:?}"
        );
    }
    assert_eq!(
        imported.source_words, imported.manuscript_words,
        "{:?}",
        imported.report.lines
    );
    // Every word of the text (not the generated pages) in every style.
    let source = epub_words(&epub, true);
    builds_in_every_style(&imported, "the Standard Ebooks book", &source);
}

/// pandoc's `-t epub3` of a text with notes, a definition list, a table, a
/// line block and a picture; and of a corpus novel. Skipped (with a note)
/// when pandoc is not installed.
#[test]
fn pandoc_epubs_come_through() {
    if std::process::Command::new("pandoc")
        .arg("--version")
        .output()
        .is_err()
    {
        common::skipped("pandoc is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("map.png"), png()).unwrap();
    let text = "# The First Chapter\n\nA note here.[^a] And *emphasis*, **strength**, ~~gone~~, H~2~O and x^2^.\n\n[^a]: The note's text.\n\nLighthouse\n:   A tower with a light.\n\n| Day | Ships |\n|:----|------:|\n| Monday | 3 |\n\n: Ships sighted.\n\n| The lamp is lit,\n|    the sea is wide.\n\n![A map of the coast](map.png)\n\n# The Second Chapter\n\nMore text.[^b]\n\n[^b]: Another note.\n\n* * *\n\nAfter the break.\n";
    std::fs::write(dir.path().join("book.md"), text).unwrap();
    let out = std::process::Command::new("pandoc")
        .current_dir(dir.path())
        .args([
            "-f",
            "markdown",
            "-t",
            "epub3",
            "--metadata",
            "title=Pandoc Book",
            "--metadata",
            "author=A. Writer",
            "--metadata",
            "lang=en-GB",
            "-o",
            "book.epub",
            "book.md",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let epub = std::fs::read(dir.path().join("book.epub")).unwrap();
    let imported = import("book.epub", &epub);
    let files = chapters(&imported);
    assert_eq!(files.len(), 2, "{files:?}");
    let one = files[0].1;
    for snippet in [
        "# The First Chapter",
        "A note here.[^1] And *emphasis*, **strength**, ~~gone~~, H~2~O and x^2^.",
        "Lighthouse\n: A tower with a light.",
        "| Day | Ships |\n|:--|--:|\n| Monday | 3 |\n\nTable: Ships sighted.",
        "The lamp is lit,\\\n",
        "![A map of the coast](images/file0.png \"A map of the coast\")",
        "[^1]: The note’s text.",
    ] {
        assert!(one.contains(snippet), "{snippet}\n---\n{one}");
    }
    assert!(
        files[1]
            .1
            .contains("More text.[^1]\n\n***\n\nAfter the break.\n\n[^1]: Another note."),
        "{}",
        files[1].1
    );
    let source = epub_words(&epub, true);
    builds_in_every_style(&imported, "pandoc's EPUB", &source);

    // A corpus novel through pandoc.
    let corpus = common::root().join("../shared/corpus/love-among-the-chickens");
    if !corpus.is_dir() {
        common::skipped(&format!("{} is absent", corpus.display()));
        return;
    }
    let mut files: Vec<String> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|e| e.unwrap().path().to_string_lossy().into_owned())
        .filter(|p| p.ends_with(".md"))
        .collect();
    files.sort();
    let out = std::process::Command::new("pandoc")
        .args([
            "-f",
            "gfm",
            "-t",
            "epub3",
            "--metadata",
            "title=Love Among the Chickens",
            "--metadata",
            "author=P. G. Wodehouse",
            "--metadata",
            "lang=en-GB",
            "-o",
        ])
        .arg(dir.path().join("novel.epub"))
        .args(&files)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let epub = std::fs::read(dir.path().join("novel.epub")).unwrap();
    let imported = import("novel.epub", &epub);
    assert_eq!(chapters(&imported).len(), 24);
    let source = epub_words(&epub, true);
    let (built, _) = build(&project(&imported, "plain"), "the pandoc novel");
    same_words("the pandoc novel", &source, &epub_words(&built, true));
    let (doubled, matter) = structure(&built);
    assert!(
        doubled.is_empty() && matter.is_empty(),
        "{doubled:?} {matter:?}"
    );
}

/// An EPUB 2 from its documents (path under OEBPS/, XHTML body), in order.
fn epub2(title: &str, author: &str, docs: &[(&str, &str)]) -> Vec<u8> {
    epub2_styled(title, author, docs, "")
}

/// The same, with a stylesheet the documents' classes are read from.
fn epub2_styled(title: &str, author: &str, docs: &[(&str, &str)], css: &str) -> Vec<u8> {
    let mut entries: Vec<(String, Vec<u8>)> = vec![
        ("mimetype".into(), b"application/epub+zip".to_vec()),
        ("META-INF/container.xml".into(), br#"<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>"#.to_vec()),
    ];
    let mut manifest =
        String::from("<item id=\"css\" href=\"stylesheet.css\" media-type=\"text/css\"/>");
    entries.push(("OEBPS/stylesheet.css".into(), css.as_bytes().to_vec()));
    let mut spine = String::new();
    for (i, (path, body)) in docs.iter().enumerate() {
        manifest.push_str(&format!(
            "<item id=\"d{i}\" href=\"{path}\" media-type=\"application/xhtml+xml\"/>"
        ));
        spine.push_str(&format!("<itemref idref=\"d{i}\"/>"));
        entries.push((
            format!("OEBPS/{path}"),
            format!("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.1//EN\" \"http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd\">\n<html xmlns=\"http://www.w3.org/1999/xhtml\"><head><title>{title}</title></head><body>{body}</body></html>").into_bytes(),
        ));
    }
    entries.push((
        "OEBPS/content.opf".into(),
        format!("<?xml version=\"1.0\"?><package xmlns=\"http://www.idpf.org/2007/opf\" version=\"2.0\" unique-identifier=\"id\"><metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:opf=\"http://www.idpf.org/2007/opf\"><dc:identifier id=\"id\" opf:scheme=\"URI\">http://www.gutenberg.org/1</dc:identifier><dc:title>{title}</dc:title><dc:creator opf:role=\"aut\">{author}</dc:creator><dc:language>en</dc:language><dc:date opf:event=\"publication\">1813</dc:date></metadata><manifest>{manifest}</manifest><spine>{spine}</spine></package>").into_bytes(),
    ));
    zip(&entries)
}

/// A Project Gutenberg EPUB's shape: their header and licence around the
/// text, a title page and a contents written as text, chapters as `h2`
/// under the book's `h1`, a chapter split over two files, notes as
/// bracketed numbers linking to a footnote block that links back, and
/// HTML's named entities.
#[test]
fn a_project_gutenberg_epub_comes_through() {
    let header = "<section class=\"pg-boilerplate pgheader\" id=\"pg-header\"><h2>The Project Gutenberg eBook of The Old Mill</h2><p>This ebook is for the use of anyone anywhere in the United States and most other parts of the world at no cost.</p><div>*** START OF THE PROJECT GUTENBERG EBOOK THE OLD MILL ***</div></section>";
    let one = format!(
        "{header}<h1>The Old Mill</h1><p class=\"center\">by Jane Miller</p><h2>Contents</h2><ul><li><a href=\"#chap01\">CHAPTER I.</a></li><li><a href=\"part2.xhtml#chap02\">CHAPTER II.</a></li></ul><div class=\"chapter\"><h2><a id=\"chap01\"></a>CHAPTER I.<br/>THE WHEEL</h2><p>The mill&nbsp;stood by the river, as it had for a hundred years.<a id=\"FNanchor_1_1\" href=\"#Footnote_1_1\" class=\"fnanchor\">[1]</a> Its wheel turned&mdash;slowly.</p><p>The miller was <i>old</i>, and his son was <b>young</b>.</p><div class=\"footnote\"><p><a id=\"Footnote_1_1\" href=\"#FNanchor_1_1\"><span class=\"label\">[1]</span></a> The river was the Wey.</p></div></div>"
    );
    let split = "<p>It went on turning all that winter, into the next chapter of the file.</p>";
    let two = "<div class=\"chapter\"><h2><a id=\"chap02\"></a>CHAPTER II.<br/>THE FLOOD</h2><p>Then the river rose.</p></div><section class=\"pg-boilerplate pgfooter\" id=\"pg-footer\"><div>*** END OF THE PROJECT GUTENBERG EBOOK THE OLD MILL ***</div><h2>THE FULL PROJECT GUTENBERG LICENSE</h2><p>To protect the Project Gutenberg mission of promoting the free distribution of electronic works, you agree to comply with all the terms of the Full Project Gutenberg License.</p></section>";
    let epub = epub2(
        "The Old Mill",
        "Jane Miller",
        &[
            ("part1.xhtml", &one),
            ("part1a.xhtml", split),
            ("part2.xhtml", two),
        ],
    );
    let imported = import("pg1.epub", &epub);
    let files = chapters(&imported);
    let headings: Vec<&str> = files
        .iter()
        .flat_map(|(_, md)| md.lines().filter(|l| l.starts_with('#')))
        .collect();
    assert_eq!(
        headings,
        ["# CHAPTER I. THE WHEEL", "# CHAPTER II. THE FLOOD"],
        "{files:?}"
    );
    let text = files.iter().map(|(_, md)| *md).collect::<String>();
    for snippet in [
        "The mill\u{a0}stood by the river, as it had for a hundred years.[^1] Its wheel turned—slowly.",
        "The miller was *old*, and his son was **young**.\n\nIt went on turning all that winter",
        "[^1]: The river was the Wey.",
    ] {
        assert!(text.contains(snippet), "{snippet}\n---\n{text}");
    }
    for gone in ["Project Gutenberg", "Contents", "by Jane Miller", "[1]"] {
        assert!(!text.contains(gone), "{gone}\n---\n{text}");
    }
    assert!(file(&imported, "manuscript/book.toml").contains("date = \"1813-01-01\""));
    let source: Vec<String> = words(
        "The mill stood by the river, as it had for a hundred years. Its wheel turned—slowly. The miller was old, and his son was young. The river was the Wey. It went on turning all that winter, into the next chapter of the file. Then the river rose. THE WHEEL THE FLOOD",
    );
    builds_in_every_style(&imported, "the Gutenberg book", &source);
}

/// A converter's EPUB (Calibre's shape): no heading elements, the chapter
/// titles in classed paragraphs, italic and small caps only in the CSS, a
/// long chapter split into two files.
#[test]
fn an_epub_without_heading_elements_finds_its_chapters() {
    let css = ".calibre1 { display: block; font-size: 1.5em; font-weight: bold }\n.calibre3 { font-style: italic }\n.sc { font-variant: small-caps }";
    let docs = [
        (
            "index_split_000.html",
            "<p class=\"calibre1\">Chapter 1</p><p class=\"calibre2\">It began with a <span class=\"calibre3\">letter</span> from <span class=\"sc\">Dover</span>.</p>",
        ),
        (
            "index_split_001.html",
            "<p class=\"calibre2\">The letter went on for pages.</p>",
        ),
        (
            "index_split_002.html",
            "<p class=\"chapter-title\">The Second Letter</p><p class=\"calibre2\">It came a week later.</p>",
        ),
        (
            "index_split_003.html",
            "<p class=\"calibre1\">Epilogue</p><p class=\"calibre2\">Nobody wrote again.</p>",
        ),
    ];
    let epub = epub2_styled("Letters", "A. Writer", &docs, css);
    let imported = import("letters.epub", &epub);
    let files = chapters(&imported);
    let headings: Vec<&str> = files
        .iter()
        .map(|(_, md)| md.lines().next().unwrap())
        .collect();
    assert_eq!(
        headings,
        ["# Chapter 1", "# The Second Letter", "# Epilogue"],
        "{files:?}"
    );
    assert!(
        files[0].1.contains(
            "It began with a *letter* from [Dover]{.smallcaps}.\n\nThe letter went on for pages."
        ),
        "{}",
        files[0].1
    );
    let source = epub_words(&epub, true);
    builds_in_every_style(&imported, "the converter's EPUB", &source);
}

// ---------------------------------------------------------------- the command

fn quire(args: &[&str], dir: &Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_quire"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

#[test]
fn the_command_writes_a_new_folder_that_builds_and_never_an_occupied_one() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("My Book.docx"), manuscript()).unwrap();
    let out = quire(&["import", "My Book.docx"], dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("run `cd my-book && quire serve`"),
        "{stdout}"
    );
    let book = dir.path().join("my-book");
    for path in [
        "manuscript/book.toml",
        "manuscript/01-chapter-one-the-storm.md",
        "manuscript/images/image1.png",
        "fonts/EBGaramond-Regular.ttf",
        "fonts/OFL.txt",
        "import-report.txt",
    ] {
        assert!(book.join(path).is_file(), "{path}");
    }
    assert!(
        !book.join("manuscript/01-chapter.md").exists(),
        "no sample chapter from init"
    );
    let report = std::fs::read_to_string(book.join("import-report.txt")).unwrap();
    assert!(
        report.contains("warning: a page break is not carried"),
        "{report}"
    );
    let built = quire(&["build", "--format", "epub"], &book);
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );

    // An occupied folder is never written to.
    let occupied = dir.path().join("occupied");
    std::fs::create_dir(&occupied).unwrap();
    std::fs::write(occupied.join("notes.txt"), "mine").unwrap();
    let out = quire(&["import", "My Book.docx", "occupied"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("error: occupied is not empty"), "{stderr}");
    assert_eq!(std::fs::read_dir(&occupied).unwrap().count(), 1);
    // An empty one is.
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let out = quire(&["import", "My Book.docx", "empty"], dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(empty.join("manuscript/book.toml").is_file());
}

#[test]
fn bad_input_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("notes.txt", b"just text".to_vec(), "error: notes.txt is neither a Word document (.docx) nor an EPUB"),
        ("old.doc", vec![0xD0, 0xCF, 0x11, 0xE0, 0, 0], "error: old.doc is a Word 97–2003 document (.doc)"),
        ("other.zip", zip(&[("readme.txt".into(), b"hi".to_vec())]), "error: other.zip is a ZIP archive but neither a Word document nor an EPUB"),
        (
            "broken.docx",
            zip(&[("word/document.xml".into(), b"<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\n<w:body><w:p></w:body>".to_vec())]),
            "error: broken.docx/word/document.xml is not well-formed XML",
        ),
        (
            "broken.epub",
            zip(&[("mimetype".into(), b"application/epub+zip".to_vec()), ("META-INF/container.xml".into(), b"<container/>".to_vec())]),
            "error: broken.epub/META-INF/container.xml names no package document",
        ),
    ];
    for (name, bytes, expected) in cases {
        std::fs::write(dir.path().join(name), bytes).unwrap();
        let out = quire(&["import", name, "book"], dir.path());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {stderr}");
        assert!(stderr.contains(expected), "{name}: {stderr}");
        assert!(stderr.contains("hint: "), "{name}: {stderr}");
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        assert!(!dir.path().join("book").exists(), "{name}: nothing written");
    }
    // The broken document's place: file, line and column.
    let out = quire(&["import", "broken.docx", "book"], dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--> broken.docx/word/document.xml:2:"),
        "{stderr}"
    );
}
