//! The re-pack: epub-builder's archive, made in memory, becomes the EPUB.
//! `mimetype` first and stored; every entry stamped with one fixed time;
//! entries in a fixed order; `content.opf` with its `<package>` start tag and
//! `<metadata>` replaced by ours (epub-builder's template cannot express an
//! ISBN, a subtitle, contributors or accessibility metadata, and gives
//! `dc:language` and `dc:creator` the same id); `nav.xhtml` with the book's
//! language, our landmarks and the page-list; epub-builder's Apple
//! display-options file dropped (it asks for embedded fonts whether there
//! are any or not): ours, with `META-INF/encryption.xml`, is added when the
//! book embeds its fonts.
//!
//! epub-builder is given empty placeholders for the content documents and
//! images: the documents are deflated beforehand by [`deflate_document`]
//! (on several threads) and copied in as they are; images are stored, as
//! they are compressed already. Unchanged entries are copied without
//! recompressing them.

use std::io::{Cursor, Read, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

use crate::model::Date;

pub const OPF_PATH: &str = "OEBPS/content.opf";
pub const NAV_PATH: &str = "OEBPS/nav.xhtml";
pub const NCX_PATH: &str = "OEBPS/toc.ncx";
pub const STYLESHEET_PATH: &str = "OEBPS/stylesheet.css";
const CONTAINER_PATH: &str = "META-INF/container.xml";
/// Apple's display options (Apple Books Asset Guide): whether Books uses the embedded fonts.
pub const DISPLAY_OPTIONS: &str = "META-INF/com.apple.ibooks.display-options.xml";
const DROPPED: [&str; 2] = ["mimetype", DISPLAY_OPTIONS];

/// Apple's display options file, saying whether the book's own fonts are used.
pub fn display_options(specified_fonts: bool) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<display_options>\n  <platform name=\"*\">\n    <option name=\"specified-fonts\">{specified_fonts}</option>\n  </platform>\n</display_options>\n"
    )
}

/// Content documents, already deflated, in a small archive of their own.
pub type Deflated = ZipArchive<Cursor<Vec<u8>>>;

/// Our replacements for parts of epub-builder's package and navigation documents.
#[derive(Debug, Clone)]
pub struct Patches<'a> {
    /// The `<package …>` start tag.
    pub package_start: String,
    /// The whole `<metadata>…</metadata>` element.
    pub metadata: String,
    /// BCP 47 tag for the navigation document's `lang` and `xml:lang`.
    pub language: String,
    /// The whole `landmarks` `<nav>` element.
    pub landmarks: String,
    /// The `page-list` `<nav>` element, when there is a page map.
    pub page_list: Option<String>,
    /// Archive path and bytes of files written stored (images, fonts).
    pub stored: Vec<(String, &'a [u8])>,
    /// Files added to `META-INF/` after the container (encryption, display options).
    pub meta_inf: Vec<(String, String)>,
    /// Archive path and bytes of embedded fonts, written deflated.
    pub fonts: Vec<(String, &'a [u8])>,
    /// The stylesheet with the embedded faces' rules, when there are any.
    pub stylesheet: Option<String>,
    /// Seconds since 1970 for every entry's timestamp.
    pub modified_epoch: i64,
    /// The book's title, the NCX's `docTitle`.
    pub title: String,
    /// The package's unique identifier, the NCX's `dtb:uid`.
    pub identifier: String,
}

/// One document deflated into a one-entry archive (its bytes), whose entry
/// [`repack`] copies as it is.
pub fn deflate_document(path: &str, text: &str) -> Result<Vec<u8>, String> {
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(DateTime::default());
    let mut writer = ZipWriter::new(Cursor::new(Vec::with_capacity(text.len() / 3 + 128)));
    writer
        .start_file(path, options)
        .map_err(|e| format!("{path}: {e}"))?;
    writer
        .write_all(text.as_bytes())
        .map_err(|e| format!("{path}: {e}"))?;
    let bytes = writer.finish().map_err(|e| format!("deflating: {e}"))?;
    Ok(bytes.into_inner())
}

/// Re-packs epub-builder's archive with the patches, the deflated documents
/// and the stored files. The error is a plain message; the caller turns it
/// into a diagnostic.
pub fn repack(
    generated: &[u8],
    patches: &Patches<'_>,
    mut deflated: Vec<Deflated>,
) -> Result<Vec<u8>, String> {
    let mut archive =
        ZipArchive::new(Cursor::new(generated)).map_err(|e| format!("reading the archive: {e}"))?;
    let mut order: Vec<String> = [CONTAINER_PATH, OPF_PATH, NAV_PATH]
        .map(String::from)
        .to_vec();
    // Then the rest in the order epub-builder wrote them (the archive index keeps it).
    let rest: Vec<String> = archive
        .file_names()
        .filter(|n| !order.iter().any(|o| o == n) && !DROPPED.contains(n))
        .map(String::from)
        .collect();
    order.extend(rest);

    let time = zip_time(patches.modified_epoch);
    let stored = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(time)
        .unix_permissions(0o644);
    let compressed = stored.compression_method(CompressionMethod::Deflated);
    let fail = |what: &str, e: &dyn std::fmt::Display| format!("{what}: {e}");

    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    writer
        .start_file("mimetype", stored)
        .map_err(|e| fail("writing mimetype", &e))?;
    writer
        .write_all(b"application/epub+zip")
        .map_err(|e| fail("writing mimetype", &e))?;

    for name in &order {
        let name = name.as_str();
        if let Some((_, bytes)) = patches.stored.iter().find(|(path, _)| path == name) {
            writer
                .start_file(name, stored)
                .map_err(|e| fail(name, &e))?;
            writer.write_all(bytes).map_err(|e| fail(name, &e))?;
            continue;
        }
        if let Some((_, bytes)) = patches.fonts.iter().find(|(path, _)| path == name) {
            writer
                .start_file(name, compressed)
                .map_err(|e| fail(name, &e))?;
            writer.write_all(bytes).map_err(|e| fail(name, &e))?;
            continue;
        }
        if let Some(part) = deflated
            .iter_mut()
            .find(|part| part.index_for_name(name).is_some())
        {
            let file = part.by_name(name).map_err(|e| fail(name, &e))?;
            writer
                .raw_copy_file_touch(file, time, Some(0o644))
                .map_err(|e| fail(name, &e))?;
            continue;
        }
        let patched = match name {
            OPF_PATH => Some(patch_opf(&read_text(&mut archive, name)?, patches)?),
            NAV_PATH => Some(patch_nav(&read_text(&mut archive, name)?, patches)?),
            NCX_PATH => Some(patch_ncx(&read_text(&mut archive, name)?, patches)?),
            STYLESHEET_PATH => patches.stylesheet.clone(),
            _ => None,
        };
        match patched {
            Some(text) => {
                writer
                    .start_file(name, compressed)
                    .map_err(|e| fail(name, &e))?;
                writer
                    .write_all(text.as_bytes())
                    .map_err(|e| fail(name, &e))?;
            }
            None => {
                let index = archive
                    .index_for_name(name)
                    .ok_or_else(|| format!("{name} is missing from the archive"))?;
                let file = archive.by_index_raw(index).map_err(|e| fail(name, &e))?;
                writer
                    .raw_copy_file_touch(file, time, Some(0o644))
                    .map_err(|e| fail(name, &e))?;
            }
        }
        if name == CONTAINER_PATH {
            for (path, text) in &patches.meta_inf {
                writer
                    .start_file(path.as_str(), compressed)
                    .map_err(|e| fail(path, &e))?;
                writer
                    .write_all(text.as_bytes())
                    .map_err(|e| fail(path, &e))?;
            }
        }
    }
    let cursor = writer
        .finish()
        .map_err(|e| fail("finishing the archive", &e))?;
    Ok(cursor.into_inner())
}

fn read_text(archive: &mut ZipArchive<Cursor<&[u8]>>, name: &str) -> Result<String, String> {
    let mut file = archive
        .by_name(name)
        .map_err(|e| format!("{name} is missing from the archive: {e}"))?;
    let mut text = String::with_capacity(file.size() as usize);
    file.read_to_string(&mut text)
        .map_err(|e| format!("reading {name}: {e}"))?;
    Ok(text)
}

/// The zip timestamp for seconds since 1970 (UTC); 1980-01-01 outside zip's range.
pub fn zip_time(epoch: i64) -> DateTime {
    let date = Date::from_days_since_epoch(epoch.div_euclid(86_400));
    let secs = epoch.rem_euclid(86_400);
    let (Ok(year), Ok(month), Ok(day)) = (
        u16::try_from(date.year),
        u8::try_from(date.month),
        u8::try_from(date.day),
    ) else {
        return DateTime::default();
    };
    DateTime::from_date_and_time(
        year,
        month,
        day,
        (secs / 3600) as u8,
        (secs % 3600 / 60) as u8,
        (secs % 60) as u8,
    )
    .unwrap_or_default()
}

/// Replaces the `<package>` start tag and the `<metadata>` element.
pub fn patch_opf(opf: &str, patches: &Patches<'_>) -> Result<String, String> {
    let shape = || "epub-builder's content.opf has an unexpected shape".to_string();
    let package_at = opf.find("<package").ok_or_else(shape)?;
    let package_end = package_at + opf[package_at..].find('>').ok_or_else(shape)? + 1;
    let metadata_at = opf.find("<metadata").ok_or_else(shape)?;
    let metadata_end = opf.find("</metadata>").ok_or_else(shape)? + "</metadata>".len();
    if !(package_end <= metadata_at && metadata_at < metadata_end) {
        return Err(shape());
    }
    let mut out = String::with_capacity(opf.len() + patches.metadata.len());
    out.push_str(&opf[..package_at]);
    out.push_str(&patches.package_start);
    out.push_str(&opf[package_end..metadata_at]);
    out.push_str(&patches.metadata);
    out.push_str(&without_second_toc(&opf[metadata_end..]));
    Ok(out)
}

/// epub-builder always lists `nav.xhtml` as the guide's table of contents;
/// when the book's own contents page is listed too, that one is kept (it is
/// in the reading order; the navigation document is not).
fn without_second_toc(rest: &str) -> std::borrow::Cow<'_, str> {
    let is_toc = |line: &str| line.trim_start().starts_with("<reference type=\"toc\"");
    let tocs = rest.lines().filter(|l| is_toc(l)).count();
    if tocs < 2 {
        return rest.into();
    }
    rest.split_inclusive('\n')
        .filter(|line| !(is_toc(line) && line.contains("href=\"nav.xhtml\"")))
        .collect::<String>()
        .into()
}

/// Adds the language to `<html>`, replaces the landmarks and adds the page-list.
pub fn patch_nav(nav: &str, patches: &Patches<'_>) -> Result<String, String> {
    let shape = || "epub-builder's nav.xhtml has an unexpected shape".to_string();
    let html_at = nav.find("<html").ok_or_else(shape)? + "<html".len();
    let landmarks_type = nav.find("\"landmarks\"").ok_or_else(shape)?;
    let landmarks_at = nav[..landmarks_type].rfind("<nav").ok_or_else(shape)?;
    let landmarks_end =
        landmarks_type + nav[landmarks_type..].find("</nav>").ok_or_else(shape)? + "</nav>".len();
    let body_end = nav.rfind("</body>").ok_or_else(shape)?;
    if !(html_at < landmarks_at && landmarks_end <= body_end) {
        return Err(shape());
    }
    let language = super::escape::attr(&patches.language);
    let mut out =
        String::with_capacity(nav.len() + patches.page_list.as_ref().map_or(0, String::len));
    out.push_str(&nav[..html_at]);
    out.push_str(&format!(" lang=\"{language}\" xml:lang=\"{language}\""));
    // The toc nav gets the ARIA role matching its epub:type (DAISY Ace asks for it).
    let before_landmarks = &nav[html_at..landmarks_at];
    match before_landmarks
        .find("\"toc\"")
        .and_then(|toc| before_landmarks[..toc].rfind("<nav"))
    {
        Some(at) => {
            let at = at + "<nav".len();
            out.push_str(&before_landmarks[..at]);
            out.push_str(" role=\"doc-toc\"");
            out.push_str(&before_landmarks[at..]);
        }
        None => return Err(shape()),
    }
    out.push_str(&patches.landmarks);
    out.push_str(nav[landmarks_end..body_end].trim_end());
    out.push('\n');
    if let Some(page_list) = &patches.page_list {
        out.push_str("  ");
        out.push_str(page_list);
        out.push('\n');
    }
    out.push_str(&nav[body_end..]);
    Ok(out)
}

/// The NCX as EPUB 2 reading systems (and Kindle's converter) read it:
/// titled by the book (epub-builder titles it "Contents"), `dtb:uid` the
/// package's identifier (the NCX names the publication it belongs to), and
/// `dtb:depth` the navPoints' real nesting (epub-builder writes 1 whatever
/// the depth).
pub fn patch_ncx(ncx: &str, patches: &Patches<'_>) -> Result<String, String> {
    let shape = |what: &str| format!("epub-builder's toc.ncx has an unexpected shape ({what})");
    let doc = roxmltree::Document::parse(ncx).map_err(|e| shape(&e.to_string()))?;
    let depth = doc
        .descendants()
        .filter(|n| n.has_tag_name("navPoint"))
        .map(|n| n.ancestors().filter(|a| a.has_tag_name("navPoint")).count())
        .max()
        .unwrap_or(0);
    let depth_meta = doc
        .descendants()
        .find(|n| n.has_tag_name("meta") && n.attribute("name") == Some("dtb:depth"))
        .ok_or_else(|| shape("no dtb:depth"))?;
    let depth_value = depth_meta
        .attributes()
        .find(|a| a.name() == "content")
        .ok_or_else(|| shape("dtb:depth has no content"))?
        .range_value();
    let title_text = doc
        .descendants()
        .find(|n| n.has_tag_name("docTitle"))
        .and_then(|t| t.children().find(|c| c.has_tag_name("text")))
        .ok_or_else(|| shape("no docTitle"))?;
    let title_range = match title_text.first_child() {
        Some(child) if child.is_text() => child.range(),
        // `<text/>` or `<text></text>`: the title goes before the end tag.
        _ => {
            let end = title_text.range().end;
            let close = ncx[..end].rfind("</").unwrap_or(end);
            close..close
        }
    };
    let indent_at = ncx[..depth_meta.range().start]
        .rfind('\n')
        .map_or(depth_meta.range().start, |n| n + 1);
    let indent = &ncx[indent_at..depth_meta.range().start];
    let mut edits = vec![
        (
            depth_meta.range().start..depth_meta.range().start,
            format!(
                "<meta name=\"dtb:uid\" content=\"{}\" />\n{indent}",
                super::escape::attr(&patches.identifier)
            ),
        ),
        (depth_value, depth.max(1).to_string()),
        (title_range, super::escape::text(&patches.title)),
    ];
    edits.sort_by_key(|(range, _)| range.start);
    let mut out = String::with_capacity(ncx.len() + 256);
    let mut at = 0;
    for (range, text) in edits {
        if range.start < at {
            return Err(shape("overlapping parts"));
        }
        out.push_str(&ncx[at..range.start]);
        out.push_str(&text);
        at = range.end;
    }
    out.push_str(&ncx[at..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patches() -> Patches<'static> {
        Patches {
            package_start: "<package NEW>".into(),
            metadata: "<metadata>NEW</metadata>".into(),
            language: "en".into(),
            landmarks: "<nav epub:type=\"landmarks\" hidden=\"\">L</nav>".into(),
            page_list: Some("<nav epub:type=\"page-list\">P</nav>".into()),
            stored: Vec::new(),
            meta_inf: Vec::new(),
            fonts: Vec::new(),
            stylesheet: None,
            modified_epoch: 0,
            title: "Fish & Chips".into(),
            identifier: "urn:isbn:9780306406157".into(),
        }
    }

    #[test]
    fn the_ncx_names_the_book_its_identifier_and_its_depth() {
        let ncx = "<?xml version=\"1.0\"?>\n<ncx xmlns=\"http://www.daisy.org/z3986/2005/ncx/\">\n  <head>\n    <meta name=\"dtb:depth\" content=\"1\" />\n  </head>\n  <docTitle>\n    <text>Contents</text>\n  </docTitle>\n  <navMap>\n    <navPoint id=\"a\"><navPoint id=\"b\"><navPoint id=\"c\"/></navPoint></navPoint>\n    <navPoint id=\"d\"/>\n  </navMap>\n</ncx>\n";
        let patched = patch_ncx(ncx, &patches()).unwrap();
        assert!(
            patched.contains("    <meta name=\"dtb:uid\" content=\"urn:isbn:9780306406157\" />\n    <meta name=\"dtb:depth\" content=\"3\" />"),
            "{patched}"
        );
        assert!(
            patched.contains("<text>Fish &amp; Chips</text>"),
            "{patched}"
        );
        let flat = ncx.replace("<navPoint id=\"b\"><navPoint id=\"c\"/></navPoint>", "");
        assert!(
            patch_ncx(&flat, &patches())
                .unwrap()
                .contains("content=\"1\"")
        );
        assert!(patch_ncx("<ncx/>", &patches()).is_err());
    }

    #[test]
    fn replaces_package_and_metadata() {
        let opf = "<?xml?>\n<package version=\"3.0\" unique-identifier=\"epub-id-1\">\n  <metadata a=\"b\">\n<dc:x/>\n</metadata>\n<manifest/></package>";
        assert_eq!(
            patch_opf(opf, &patches()).unwrap(),
            "<?xml?>\n<package NEW>\n  <metadata>NEW</metadata>\n<manifest/></package>"
        );
        assert!(patch_opf("<package>", &patches()).is_err());
    }

    #[test]
    fn keeps_one_toc_in_the_guide() {
        let opf = "<package><metadata></metadata><guide>\n  <reference type=\"toc\" title=\"C\" href=\"nav.xhtml\"/>\n  <reference type=\"toc\" title=\"\" href=\"contents.xhtml\"/>\n</guide></package>";
        let patched = patch_opf(opf, &patches()).unwrap();
        assert!(!patched.contains("nav.xhtml"), "{patched}");
        assert!(patched.contains("href=\"contents.xhtml\""));
        let only_nav = "<package><metadata></metadata><guide>\n  <reference type=\"toc\" title=\"C\" href=\"nav.xhtml\"/>\n</guide></package>";
        assert!(
            patch_opf(only_nav, &patches())
                .unwrap()
                .contains("nav.xhtml")
        );
    }

    #[test]
    fn adds_language_landmarks_and_page_list_to_the_nav() {
        let nav = "<html xmlns=\"x\">\n<body>\n  <nav epub:type = \"toc\">T</nav>\n  <nav epub:type = \"landmarks\">\n<ol></ol>\n  </nav>\n</body>\n</html>\n";
        assert_eq!(
            patch_nav(nav, &patches()).unwrap(),
            "<html lang=\"en\" xml:lang=\"en\" xmlns=\"x\">\n<body>\n  <nav role=\"doc-toc\" epub:type = \"toc\">T</nav>\n  <nav epub:type=\"landmarks\" hidden=\"\">L</nav>\n  <nav epub:type=\"page-list\">P</nav>\n</body>\n</html>\n"
        );
        let without_pages = Patches {
            page_list: None,
            ..patches()
        };
        assert!(
            !patch_nav(nav, &without_pages)
                .unwrap()
                .contains("page-list")
        );
        assert!(patch_nav("<html><body></body></html>", &patches()).is_err());
    }

    #[test]
    fn zip_times_are_utc_and_clamped_to_zips_range() {
        let t = zip_time(1_700_000_000);
        assert_eq!(
            (
                t.year(),
                t.month(),
                t.day(),
                t.hour(),
                t.minute(),
                t.second()
            ),
            (2023, 11, 14, 22, 13, 20)
        );
        assert_eq!(zip_time(0), DateTime::default());
        assert_eq!(zip_time(-3_600_000_000), DateTime::default());
        assert_eq!(zip_time(i64::MAX / 2), DateTime::default());
    }
}
