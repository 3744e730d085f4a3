//! The gate's store rules: each store's edition is made as `quire build`
//! makes it and its files are read back, so a rule is measured on what is
//! uploaded. One group of rows per store (named as the store): file size
//! against the store's cap, cover pixels, image caps, file names, and the
//! store's own hazards (Kindle: conversion rejections and toc depth; Apple:
//! display options, landmarks, emoji glyphs; Kobo: kepub spans and the
//! RMSDK stylesheet hazards).

use std::io::Cursor;

use super::{Report, Status};
use crate::OutputFile;
use crate::epub::DISPLAY_OPTIONS;
use crate::model::Book;
use crate::stores::archive::Archive;
use crate::stores::css::{Reader, hazards};
use crate::stores::xml::{self, Package};
use crate::stores::{self, EMOJI_PRONE, Store, TEXT_PRESENTATION, TOC_DEPTH};

/// Checks each store in `stores`: those `book.toml` names are commitments
/// (a missing ISBN fails), the others are surveyed (it warns).
pub fn check_stores(
    report: &mut Report,
    book: &Book,
    stores: &[Store],
    sources: &stores::Sources<'_>,
) {
    for &store in stores {
        let group = store.name();
        if store == Store::Google {
            let missing: Vec<&str> = [
                ("isbn.ebook", book.meta.isbn_ebook.is_none()),
                ("isbn.print", book.meta.isbn_print.is_none()),
            ]
            .into_iter()
            .filter(|(_, missing)| *missing)
            .map(|(key, _)| key)
            .collect();
            if !missing.is_empty() {
                let committed = book.ebook.stores.contains(&store);
                report.add(
                    group,
                    "file names",
                    if committed {
                        Status::Fail
                    } else {
                        Status::Warn
                    },
                    format!(
                        "Google names the files by ISBN: {} not set in book.toml",
                        missing.join(" and ")
                    ),
                );
                continue;
            }
        }
        match stores::editions(&[store], sources) {
            Ok((files, _)) => check_edition(report, store, &files),
            Err(e) => report.add(group, "edition", Status::Fail, e.to_string()),
        }
    }
}

/// The rules of `store`, measured on its edition's files (`STORE/NAME`).
pub fn check_edition(report: &mut Report, store: Store, files: &[OutputFile]) {
    let group = store.name();
    let epubs: Vec<&OutputFile> = files.iter().filter(|f| f.name.ends_with(".epub")).collect();
    let (cap, source) = store.size_cap();
    let largest = epubs
        .iter()
        .map(|f| f.bytes.len() as u64)
        .max()
        .unwrap_or(0);
    report.add(
        group,
        "file size",
        if largest <= cap {
            Status::Pass
        } else {
            Status::Fail
        },
        format!("{} (cap {source})", crate::output::human_size(largest)),
    );
    check_names(report, store, files);
    if let Some(cover) = files.iter().find(|f| f.name.ends_with(".jpg")) {
        check_cover(report, store, &cover.bytes);
    }
    for (n, epub) in epubs.iter().enumerate() {
        let kepub = epub.name.ends_with(".kepub.epub");
        match Edition::read(&epub.bytes) {
            Ok(edition) => {
                if n == 0 {
                    check_images(report, store, &edition);
                }
                match store {
                    Store::Kindle => check_kindle(report, &edition),
                    Store::Apple => check_apple(report, &edition),
                    Store::Kobo if kepub => check_kepub(report, &edition),
                    Store::Kobo => check_rmsdk(report, &edition),
                    _ => {}
                }
            }
            Err(e) => report.add(
                group,
                "structure",
                Status::Fail,
                format!("{}: {e}", epub.name),
            ),
        }
    }
}

/// An edition's EPUB, read back: its package and every text entry.
struct Edition {
    package: Package,
    /// Archive path and text of each XHTML, CSS, OPF and NCX entry.
    texts: Vec<(String, String)>,
    /// Archive path and bytes of each image.
    images: Vec<(String, Vec<u8>)>,
}

impl Edition {
    fn read(bytes: &[u8]) -> Result<Edition, String> {
        let mut archive = Archive::open(bytes)?;
        let package = Package::read(&mut archive)?;
        let mut texts = Vec::new();
        let mut images = Vec::new();
        for item in &package.items {
            if item.media_type.starts_with("image/") {
                images.push((item.path.clone(), archive.bytes(&item.path)?));
            } else if item.media_type.contains("xml") || item.media_type == "text/css" {
                texts.push((item.path.clone(), archive.text(&item.path)?));
            }
        }
        texts.push((package.opf_path.clone(), archive.text(&package.opf_path)?));
        if archive.contains(DISPLAY_OPTIONS) {
            texts.push((DISPLAY_OPTIONS.into(), archive.text(DISPLAY_OPTIONS)?));
        }
        Ok(Edition {
            package,
            texts,
            images,
        })
    }

    fn text(&self, path: &str) -> Option<&str> {
        self.texts
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, t)| t.as_str())
    }

    fn documents(&self) -> impl Iterator<Item = (&str, &str)> {
        self.package
            .documents()
            .filter_map(|item| self.text(&item.path).map(|t| (item.path.as_str(), t)))
    }
}

/// Line (1-based) of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

fn first_and_count(found: &[String]) -> String {
    match found {
        [] => "none".into(),
        [one] => one.clone(),
        [first, rest @ ..] => format!("{first} and {} more", rest.len()),
    }
}

/// File names: what the store expects, in characters every store's upload takes.
fn check_names(report: &mut Report, store: Store, files: &[OutputFile]) {
    let group = store.name();
    let safe = |name: &str| {
        name.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
    };
    let mut problems: Vec<String> = files
        .iter()
        .filter(|f| !safe(&f.name))
        .map(|f| format!("{} has characters outside A–Z, 0–9, - _ .", f.name))
        .collect();
    let expected: &[&str] = match store {
        Store::Kobo => &[".kepub.epub", ".epub"],
        Store::Google => &["_interior.pdf", "_frontcover.jpg", ".epub"],
        _ => &[".epub"],
    };
    for suffix in expected {
        if !files.iter().any(|f| f.name.ends_with(suffix)) {
            problems.push(format!("no *{suffix} file"));
        }
    }
    if store == Store::Google {
        for f in files {
            let stem = f.name.rsplit('/').next().unwrap_or(&f.name);
            let digits: String = stem.chars().take_while(char::is_ascii_digit).collect();
            if digits.len() != 13 {
                problems.push(format!("{} is not named by a 13-digit ISBN", f.name));
            }
        }
    }
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    report.add(
        group,
        "file names",
        if problems.is_empty() {
            Status::Pass
        } else {
            Status::Fail
        },
        if problems.is_empty() {
            names.join(", ")
        } else {
            first_and_count(&problems)
        },
    );
}

/// The marketing cover's pixels against the store's rule.
fn check_cover(report: &mut Report, store: Store, jpeg: &[u8]) {
    let size = image::ImageReader::new(Cursor::new(jpeg))
        .with_guessed_format()
        .ok()
        .and_then(|r| r.into_dimensions().ok());
    let Some((w, h)) = size else {
        report.add(
            store.name(),
            "cover pixels",
            Status::Fail,
            "the cover is not a readable image",
        );
        return;
    };
    let (ok, rule) = match store {
        Store::Apple => (
            w.min(h) >= 1400,
            "Apple: at least 1400 px on the shorter side",
        ),
        Store::Google => (
            (640..=7200).contains(&w) && (640..=7200).contains(&h),
            "Google: 640–7200 px",
        ),
        _ => (w >= 625 && h >= 1000, "KDP: at least 625 × 1000 px"),
    };
    report.add(
        store.name(),
        "cover pixels",
        if ok { Status::Pass } else { Status::Fail },
        format!("{w} × {h} px ({rule})"),
    );
}

/// Images inside the EPUB: Kindle and Kobo take at most 5 MB each (KDP's
/// and Kobo's guides), Kobo only RGB.
fn check_images(report: &mut Report, store: Store, edition: &Edition) {
    if !matches!(store, Store::Kindle | Store::Kobo) {
        return;
    }
    let mut problems = Vec::new();
    let mut largest = 0u64;
    for (path, bytes) in &edition.images {
        let pixels = image::ImageReader::new(Cursor::new(bytes))
            .with_guessed_format()
            .ok()
            .and_then(|r| r.into_dimensions().ok())
            .map(|(w, h)| u64::from(w) * u64::from(h));
        largest = largest.max(pixels.unwrap_or(0));
        if bytes.len() > 5_000_000 {
            problems.push(format!(
                "{path}: {} over 5 MB",
                crate::output::human_size(bytes.len() as u64)
            ));
        }
        if store == Store::Kobo && jpeg_components(bytes) == Some(4) {
            problems.push(format!("{path}: CMYK, Kobo takes RGB"));
        }
    }
    report.add(
        store.name(),
        "images",
        if problems.is_empty() {
            Status::Pass
        } else {
            Status::Fail
        },
        if problems.is_empty() {
            format!(
                "{} images, the largest {:.1} MP",
                edition.images.len(),
                largest as f64 / 1e6
            )
        } else {
            first_and_count(&problems)
        },
    );
}

/// The colour components of a JPEG's frame (4: CMYK), read from its SOF marker.
fn jpeg_components(bytes: &[u8]) -> Option<u8> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut at = 2;
    while at + 4 <= bytes.len() {
        if bytes[at] != 0xFF {
            return None;
        }
        let marker = bytes[at + 1];
        let length = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
        if matches!(marker, 0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF) {
            return bytes.get(at + 9).copied();
        }
        at += 2 + length;
    }
    None
}

/// KDP's conversion rejections and the toc depth, in the Kindle edition.
fn check_kindle(report: &mut Report, edition: &Edition) {
    let mut found = Vec::new();
    for (path, text) in &edition.texts {
        let is_xml = !path.ends_with(".css");
        if is_xml {
            let declaration = text.lines().next().unwrap_or("");
            if !(declaration.starts_with("<?xml") && declaration.contains("encoding")) {
                found.push(format!("{path}:1: no XML declaration with its encoding"));
            }
            for (mark, what) in [
                ("\u{ad}", "a soft hyphen"),
                ("&shy;", "a soft hyphen"),
                ("\u{2060}", "a word joiner"),
            ] {
                if let Some(at) = text.find(mark) {
                    found.push(format!("{path}:{}: {what}", line_of(text, at)));
                }
            }
            let mut rest = text.as_str();
            let mut offset = 0;
            while let Some(start) = rest.find("<!--") {
                let body = &rest[start + 4..];
                let end = body.find("-->").unwrap_or(body.len());
                if body[..end].contains("--") {
                    found.push(format!(
                        "{path}:{}: `--` inside a comment",
                        line_of(text, offset + start)
                    ));
                }
                offset += start + 4 + end;
                rest = &body[end..];
            }
        } else {
            for hazard in hazards(text, Reader::Kindle) {
                found.push(format!("{path}:{}: {}", hazard.line, hazard.what));
            }
        }
    }
    let mut body_ids = Vec::new();
    for (path, text) in edition.documents() {
        let Ok(doc) = xml::parse(text) else {
            found.push(format!("{path}: not well-formed"));
            continue;
        };
        for node in doc.descendants().filter(|n| n.is_element()) {
            let at = line_of(text, node.range().start);
            match node.tag_name().name() {
                "body" => {
                    if let Some(id) = node.attribute("id") {
                        let file = path.rsplit('/').next().unwrap_or(path);
                        body_ids.push(format!("{file}#{id}"));
                    }
                }
                "style" => found.push(format!("{path}:{at}: an inline <style>")),
                "img" if node.attribute("src").is_none_or(|s| s.trim().is_empty()) => {
                    found.push(format!("{path}:{at}: an <img> without src"));
                }
                _ => {}
            }
            if node.attribute("style").is_some() {
                found.push(format!("{path}:{at}: a style attribute"));
            }
        }
    }
    for (path, text) in edition.documents() {
        for target in &body_ids {
            if let Some(at) = text.find(&format!("href=\"{target}\"")) {
                found.push(format!(
                    "{path}:{}: a link to a <body> id ({target})",
                    line_of(text, at)
                ));
            }
        }
    }
    let opf = edition.text(&edition.package.opf_path).unwrap_or("");
    if !opf.contains("<reference type=\"text\"") {
        found.push(format!(
            "{}: no guide reference to the text start",
            edition.package.opf_path
        ));
    }
    report.add(
        "kindle",
        "conversion hazards",
        if found.is_empty() { Status::Pass } else { Status::Fail },
        if found.is_empty() {
            "none (encoding declared, no body links, soft hyphens, inline styles or CSS it cannot convert)".to_string()
        } else {
            first_and_count(&found)
        },
    );
    let nav_depth = edition
        .package
        .nav()
        .and_then(|n| edition.text(&n.path))
        .map_or(0, toc_depth);
    let ncx_depth = edition
        .package
        .ncx()
        .and_then(|n| edition.text(&n.path))
        .map_or(0, ncx_depth);
    let depth = nav_depth.max(ncx_depth);
    report.add(
        "kindle",
        "toc depth",
        if depth <= TOC_DEPTH {
            Status::Pass
        } else {
            Status::Fail
        },
        format!("{depth} levels (nav {nav_depth}, NCX {ncx_depth}; Kindle shows {TOC_DEPTH})"),
    );
}

/// Levels of the `toc` nav's lists.
pub fn toc_depth(nav: &str) -> usize {
    let Ok(doc) = xml::parse(nav) else { return 0 };
    let Some(toc) = doc
        .descendants()
        .find(|n| n.has_tag_name("nav") && xml::epub_types(n).contains(&"toc"))
    else {
        return 0;
    };
    toc.descendants()
        .filter(|n| n.has_tag_name("ol"))
        .map(|n| {
            n.ancestors()
                .take_while(|a| a.id() != toc.id())
                .filter(|a| a.has_tag_name("ol"))
                .count()
        })
        .max()
        .unwrap_or(0)
}

/// Levels of the NCX's navPoints.
pub fn ncx_depth(ncx: &str) -> usize {
    let Ok(doc) = xml::parse(ncx) else { return 0 };
    doc.descendants()
        .filter(|n| n.has_tag_name("navPoint"))
        .map(|n| n.ancestors().filter(|a| a.has_tag_name("navPoint")).count())
        .max()
        .unwrap_or(0)
}

/// Apple's display options, landmarks and emoji glyphs.
fn check_apple(report: &mut Report, edition: &Edition) {
    let fonts = edition.package.fonts().count();
    let options = edition.text(DISPLAY_OPTIONS);
    let specified =
        options.is_some_and(|o| o.contains("<option name=\"specified-fonts\">true</option>"));
    let (ok, value) = match options {
        None => (false, format!("{DISPLAY_OPTIONS} is missing")),
        Some(_) if fonts > 0 && !specified => (
            false,
            format!("{fonts} embedded fonts, but specified-fonts is not true: Books ignores them"),
        ),
        Some(_) => (
            true,
            format!("present; specified-fonts {specified} ({fonts} embedded fonts)"),
        ),
    };
    report.add(
        "apple",
        "display options",
        if ok { Status::Pass } else { Status::Fail },
        value,
    );

    let mut several = Vec::new();
    if let Some(nav) = edition
        .package
        .nav()
        .and_then(|n| edition.text(&n.path).map(|t| (n, t)))
    {
        if let Ok(doc) = xml::parse(nav.1) {
            let landmarks = doc
                .descendants()
                .find(|n| n.has_tag_name("nav") && xml::epub_types(n).contains(&"landmarks"));
            for a in landmarks
                .iter()
                .flat_map(|l| l.descendants())
                .filter(|n| n.has_tag_name("a"))
            {
                if xml::epub_types(&a).len() > 1 {
                    several.push(format!(
                        "{}:{}",
                        nav.0.path,
                        line_of(nav.1, a.range().start)
                    ));
                }
            }
        }
    }
    report.add(
        "apple",
        "landmarks",
        if several.is_empty() {
            Status::Pass
        } else {
            Status::Fail
        },
        if several.is_empty() {
            "one epub:type each".to_string()
        } else {
            format!(
                "more than one epub:type (Books skips them): {}",
                first_and_count(&several)
            )
        },
    );

    let mut emoji = Vec::new();
    for (path, text) in edition.documents() {
        let mut chars = text.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            if EMOJI_PRONE.contains(&c)
                && !matches!(chars.peek(), Some((_, n)) if *n == TEXT_PRESENTATION || *n == '\u{fe0f}')
            {
                emoji.push(format!("{path}:{}: {c}", line_of(text, at)));
            }
        }
    }
    report.add(
        "apple",
        "emoji glyphs",
        if emoji.is_empty() {
            Status::Pass
        } else {
            Status::Fail
        },
        if emoji.is_empty() {
            "every arrow or symbol iOS draws as emoji is followed by U+FE0E".to_string()
        } else {
            format!(
                "without U+FE0E (iOS draws them as emoji): {}",
                first_and_count(&emoji)
            )
        },
    );
}

/// koboSpans in every spine document of the kepub.
fn check_kepub(report: &mut Report, edition: &Edition) {
    let mut problems = Vec::new();
    let (mut spans, mut documents) = (0, 0);
    let nav = edition.package.nav().map(|n| n.id.clone());
    for item in edition.package.spine_documents() {
        if Some(&item.id) == nav.as_ref() {
            continue;
        }
        let Some(text) = edition.text(&item.path) else {
            continue;
        };
        documents += 1;
        match stores::kepub::span_report(text) {
            Ok(r) => {
                spans += r.spans;
                let path = &item.path;
                if !r.wrapped_body {
                    problems.push(format!(
                        "{path}: body not in div#book-columns > div#book-inner"
                    ));
                }
                if let Some(id) = r.duplicate_ids.first() {
                    problems.push(format!("{path}: span id {id} used twice"));
                }
                if r.nested > 0 {
                    problems.push(format!("{path}: {} spans inside spans", r.nested));
                }
                if r.malformed_ids > 0 {
                    problems.push(format!("{path}: {} span ids not kobo.N.M", r.malformed_ids));
                }
                if r.unwrapped_text > 0 {
                    problems.push(format!(
                        "{path}: {} runs of text outside a span",
                        r.unwrapped_text
                    ));
                }
                if r.unwrapped_images > 0 {
                    problems.push(format!(
                        "{path}: {} images outside a span",
                        r.unwrapped_images
                    ));
                }
            }
            Err(e) => problems.push(format!("{}: {e}", item.path)),
        }
    }
    let cover_marked = edition
        .package
        .items
        .iter()
        .any(|i| i.properties.iter().any(|p| p == "cover-image"));
    if !cover_marked {
        problems.push("no manifest item with properties=\"cover-image\"".into());
    }
    report.add(
        "kobo",
        "kepub spans",
        if problems.is_empty() { Status::Pass } else { Status::Fail },
        if problems.is_empty() {
            format!("{spans} spans in {documents} documents, unique, none nested, all text and images inside one")
        } else {
            first_and_count(&problems)
        },
    );
}

/// Adobe RMSDK's stylesheet hazards in the plain Kobo EPUB.
fn check_rmsdk(report: &mut Report, edition: &Edition) {
    let mut found = Vec::new();
    for sheet in edition.package.stylesheets() {
        if let Some(css) = edition.text(&sheet.path) {
            for hazard in hazards(css, Reader::Rmsdk) {
                found.push(format!("{}:{}: {}", sheet.path, hazard.line, hazard.what));
            }
        }
    }
    report.add(
        "kobo",
        "RMSDK CSS hazards",
        if found.is_empty() {
            Status::Pass
        } else {
            Status::Fail
        },
        if found.is_empty() {
            "none (no calc(), min(), max(), var(), flexbox, grid or @supports)".to_string()
        } else {
            format!("{} (RMSDK calls the book corrupt)", first_and_count(&found))
        },
    );
}
