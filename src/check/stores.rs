//! The gate's store rules: each store's edition is made as `quire build`
//! makes it and its files are read back, so a rule is measured on what is
//! uploaded. The rules are the store's row ([`crate::stores::rules`]): one
//! group of rows per store (named as the store) with the file size against
//! the row's cap, its file names, its cover and image rules, the checks the
//! row lists for each EPUB (Kindle: conversion rejections, toc depth, KDP's
//! languages; Apple: display options, landmarks, emoji glyphs; Kobo: kepub
//! spans and the RMSDK stylesheet hazards) and for the set (Google: every
//! identifier's files complete).

use std::io::Cursor;

use super::{Report, Row, Status, StoreRow};
use crate::OutputFile;
use crate::epub::DISPLAY_OPTIONS;
use crate::model::Book;
use crate::stores::archive::Archive;
use crate::stores::css::{Reader, hazards};
use crate::stores::xml::{self, Package};
use crate::stores::{
    self, Content, EMOJI_PRONE, EditionFile, EpubCheck, SetCheck, Store, StoreRules,
    TEXT_PRESENTATION, TOC_DEPTH,
};

/// Checks each store in `stores`: those `book.toml` names are commitments
/// (a missing ISBN fails), the others are surveyed (it warns).
pub fn check_stores(
    report: &mut Report,
    book: &Book,
    stores: &[Store],
    sources: &stores::Sources<'_>,
) {
    for &store in stores {
        let missing = stores::missing_isbns(book, store);
        if !missing.is_empty() {
            let committed = book.ebook.stores.contains(&store);
            report.add(
                Row::Store(store, StoreRow::FileNames),
                if committed {
                    Status::Fail
                } else {
                    Status::Warn
                },
                format!(
                    "{} names files by ISBN: {} not set in book.toml",
                    store.name(),
                    missing.join(" and ")
                ),
            );
            continue;
        }
        // The edition's warnings are the build's to print (`quire check`
        // shows them from its build); the gate measures the files.
        match stores::editions(&[store], sources, &mut crate::diag::Sink::new()) {
            Ok(files) => check_edition(report, store, &files),
            Err(e) => report.add(
                Row::Store(store, StoreRow::Edition),
                Status::Fail,
                e.to_string(),
            ),
        }
    }
}

/// The rules of `store`'s row, measured on its edition's files (`STORE/NAME`).
pub fn check_edition(report: &mut Report, store: Store, files: &[OutputFile]) {
    let rules = stores::rules(store);
    let group = store.name();
    let epubs: Vec<&OutputFile> = files.iter().filter(|f| f.name.ends_with(".epub")).collect();
    let largest = epubs
        .iter()
        .map(|f| f.bytes.len() as u64)
        .max()
        .unwrap_or(0);
    report.add(
        Row::Store(store, StoreRow::FileSize),
        if largest <= rules.size_cap.bytes {
            Status::Pass
        } else {
            Status::Fail
        },
        format!(
            "{} (cap {})",
            crate::output::human_size(largest),
            rules.size_cap.source
        ),
    );
    check_names(report, rules, files);
    for check in rules.set_checks {
        match check {
            SetCheck::GoogleSet => check_google_set(report, store, files),
        }
    }
    let covers: Vec<&OutputFile> = files
        .iter()
        .filter(|f| {
            row_file(rules, &f.name)
                .is_some_and(|r| matches!(r.content, Content::Cover | Content::InteriorCover))
        })
        .collect();
    if let Some(cover) = covers.first() {
        check_cover(report, rules, &cover.bytes);
    }
    for epub in epubs {
        let checks = match row_file(rules, &epub.name).map(|r| &r.content) {
            Some(Content::Epub { checks, .. }) => *checks,
            _ => {
                report.add(
                    Row::Store(store, StoreRow::FileNames),
                    Status::Fail,
                    format!("{} is not a file the {group} edition has", epub.name),
                );
                continue;
            }
        };
        match Edition::read(&epub.bytes) {
            Ok(edition) => {
                for check in checks {
                    match check {
                        EpubCheck::Images => check_images(report, rules, &edition),
                        EpubCheck::KindleConversion => check_kindle(report, store, &edition),
                        EpubCheck::KindleTocDepth => check_toc_depth(report, store, &edition),
                        EpubCheck::KdpLanguage => check_kdp_language(report, store, &edition),
                        EpubCheck::AppleDisplayOptions => {
                            check_display_options(report, store, &edition)
                        }
                        EpubCheck::AppleLandmarks => check_landmarks(report, store, &edition),
                        EpubCheck::AppleEmoji => check_emoji(report, store, &edition),
                        EpubCheck::KepubSpans => check_kepub(report, store, &edition),
                        EpubCheck::RmsdkCss => check_rmsdk(report, store, &edition),
                    }
                }
            }
            Err(e) => report.add(
                Row::Store(store, StoreRow::Structure),
                Status::Fail,
                format!("{}: {e}", epub.name),
            ),
        }
    }
}

/// The row's file that `name` is: the one whose suffix it ends with, the
/// longest such suffix first (`.kepub.epub` before `.epub`).
fn row_file<'a>(rules: &'a StoreRules, name: &str) -> Option<&'a EditionFile> {
    rules
        .files
        .iter()
        .filter(|f| name.ends_with(f.name.suffix()))
        .max_by_key(|f| f.name.suffix().len())
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

/// File names: in characters every store's upload takes, and each file the
/// row lists present (the interior and its cover only with each other).
fn check_names(report: &mut Report, rules: &StoreRules, files: &[OutputFile]) {
    let safe = |name: &str| {
        name.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
    };
    let mut problems: Vec<String> = files
        .iter()
        .filter(|f| !safe(&f.name))
        .map(|f| format!("{} has characters outside A–Z, 0–9, - _ .", f.name))
        .collect();
    for expected in rules.files {
        let optional = matches!(expected.content, Content::Interior | Content::InteriorCover);
        let suffix = expected.name.suffix();
        let present = files
            .iter()
            .any(|f| row_file(rules, &f.name).is_some_and(|r| r.name.suffix() == suffix));
        if !present && !optional {
            problems.push(format!("no *{} file", expected.name.suffix()));
        }
    }
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    report.add(
        Row::Store(rules.store, StoreRow::FileNames),
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

/// Google's sets (Partner Center, "Files and uploading overview"): files
/// are matched to a book by the identifier before `_` or `.`, a 13-digit
/// ISBN here; `ID_interior.pdf` processes only with `ID_frontcover.*`, a
/// cover alone stays "pending content", and each identifier needs its
/// content (`ID.epub`, `ID.pdf` or `ID_interior.pdf`).
fn check_google_set(report: &mut Report, store: Store, files: &[OutputFile]) {
    let problems = google_set_problems(files.iter().map(|f| f.name.as_str()));
    report.add(
        Row::StoreSet(store, SetCheck::GoogleSet),
        if problems.is_empty() {
            Status::Pass
        } else {
            Status::Fail
        },
        if problems.is_empty() {
            "every identifier's set complete (each interior with its front cover)".to_string()
        } else {
            format!(
                "{} (an incomplete set of files will not process)",
                first_and_count(&problems)
            )
        },
    );
}

/// What keeps Google from processing a set of `names` (`FOLDER/FILE`), in order.
pub fn google_set_problems<'a>(names: impl Iterator<Item = &'a str>) -> Vec<String> {
    #[derive(Default)]
    struct Set {
        epub: bool,
        pdf: bool,
        interior: bool,
        front_cover: bool,
    }
    let mut problems = Vec::new();
    let mut sets: std::collections::BTreeMap<String, Set> = std::collections::BTreeMap::new();
    for name in names {
        let file = name.rsplit('/').next().unwrap_or(name);
        let id: String = file.chars().take_while(char::is_ascii_digit).collect();
        let rest = &file[id.len()..];
        if id.len() != 13 {
            problems.push(format!("{file} is not named by a 13-digit ISBN"));
            continue;
        }
        let set = sets.entry(id).or_default();
        match rest.to_ascii_lowercase().as_str() {
            ".epub" => set.epub = true,
            ".pdf" => set.pdf = true,
            "_interior.pdf" => set.interior = true,
            "_frontcover.jpg" | "_frontcover.jpeg" | "_frontcover.png" | "_frontcover.tif"
            | "_frontcover.tiff" | "_frontcover.pdf" => set.front_cover = true,
            _ => problems.push(format!("{file} is not a name Google's sets use")),
        }
    }
    for (id, set) in &sets {
        if set.interior && !set.front_cover {
            problems.push(format!(
                "{id}_interior.pdf has no {id}_frontcover.jpg beside it"
            ));
        }
        if !(set.epub || set.pdf || set.interior) {
            problems.push(format!(
                "{id} has a cover but no content (no {id}.epub or {id}_interior.pdf)"
            ));
        }
    }
    problems
}

/// The marketing cover's pixels against the row's rule.
fn check_cover(report: &mut Report, rules: &StoreRules, jpeg: &[u8]) {
    let size = image::ImageReader::new(Cursor::new(jpeg))
        .with_guessed_format()
        .ok()
        .and_then(|r| r.into_dimensions().ok());
    let Some((w, h)) = size else {
        report.add(
            Row::Store(rules.store, StoreRow::CoverPixels),
            Status::Fail,
            "the cover is not a readable image",
        );
        return;
    };
    report.add(
        Row::Store(rules.store, StoreRow::CoverPixels),
        if rules.cover.accepts(w, h) {
            Status::Pass
        } else {
            Status::Fail
        },
        format!("{w} × {h} px ({})", rules.cover.describe()),
    );
}

/// Images inside the EPUB against the row's rule (a size cap per image,
/// RGB only).
fn check_images(report: &mut Report, rules: &StoreRules, edition: &Edition) {
    let rule = rules.images;
    let mut problems = Vec::new();
    let mut largest = 0u64;
    for (path, bytes) in &edition.images {
        let pixels = image::ImageReader::new(Cursor::new(bytes))
            .with_guessed_format()
            .ok()
            .and_then(|r| r.into_dimensions().ok())
            .map(|(w, h)| u64::from(w) * u64::from(h));
        largest = largest.max(pixels.unwrap_or(0));
        if let Some(cap) = rule.max_bytes
            && bytes.len() as u64 > cap
        {
            problems.push(format!(
                "{path}: {} over {}",
                crate::output::human_size(bytes.len() as u64),
                crate::output::human_size(cap)
            ));
        }
        if rule.rgb_only && jpeg_components(bytes) == Some(4) {
            problems.push(format!("{path}: CMYK, the store takes RGB"));
        }
    }
    report.add(
        Row::StoreEpub(rules.store, EpubCheck::Images),
        if problems.is_empty() {
            Status::Pass
        } else {
            Status::Fail
        },
        if problems.is_empty() {
            format!(
                "{} images, the largest {:.1} MP ({})",
                edition.images.len(),
                largest as f64 / 1e6,
                rule.source
            )
        } else {
            format!("{} ({})", first_and_count(&problems), rule.source)
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

/// KDP's conversion rejections, in the Kindle edition.
fn check_kindle(report: &mut Report, store: Store, edition: &Edition) {
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
    report.add(Row::StoreEpub(store, EpubCheck::KindleConversion),
        if found.is_empty() { Status::Pass } else { Status::Fail },
        if found.is_empty() {
            "none (encoding declared, no body links, soft hyphens, inline styles or CSS it cannot convert)".to_string()
        } else {
            first_and_count(&found)
        },
    );
}

/// The toc nav's and the NCX's depth against what Kindle shows.
fn check_toc_depth(report: &mut Report, store: Store, edition: &Edition) {
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
        Row::StoreEpub(store, EpubCheck::KindleTocDepth),
        if depth <= TOC_DEPTH {
            Status::Pass
        } else {
            Status::Fail
        },
        format!("{depth} levels (nav {nav_depth}, NCX {ncx_depth}; Kindle shows {TOC_DEPTH})"),
    );
}

/// The book's language (each `dc:language`) among those KDP sells eBooks in.
fn check_kdp_language(report: &mut Report, store: Store, edition: &Edition) {
    let opf = edition.text(&edition.package.opf_path).unwrap_or("");
    let languages: Vec<String> = xml::parse(opf)
        .map(|doc| {
            doc.descendants()
                .filter(|n| n.has_tag_name(("http://purl.org/dc/elements/1.1/", "language")))
                .filter_map(|n| n.text().map(|t| t.trim().to_string()))
                .collect()
        })
        .unwrap_or_default();
    let mut names = Vec::new();
    let mut problems = Vec::new();
    for language in &languages {
        match stores::languages::kdp_supports(language) {
            Ok(name) => names.push(format!("{language} ({name})")),
            Err(why) => problems.push(why),
        }
    }
    if languages.is_empty() {
        problems.push(format!("{}: no dc:language", edition.package.opf_path));
    }
    report.add(
        Row::StoreEpub(store, EpubCheck::KdpLanguage),
        if problems.is_empty() {
            Status::Pass
        } else {
            Status::Fail
        },
        if problems.is_empty() {
            format!("{}: KDP sells eBooks in it", names.join(", "))
        } else {
            format!(
                "{} (KDP's Language Support page; KDP refuses the upload)",
                first_and_count(&problems)
            )
        },
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

/// Apple's display options agree with the embedded fonts.
fn check_display_options(report: &mut Report, store: Store, edition: &Edition) {
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
        Row::StoreEpub(store, EpubCheck::AppleDisplayOptions),
        if ok { Status::Pass } else { Status::Fail },
        value,
    );
}

/// One `epub:type` per landmark: Books skips an entry with more.
fn check_landmarks(report: &mut Report, store: Store, edition: &Edition) {
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
        Row::StoreEpub(store, EpubCheck::AppleLandmarks),
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
}

/// Every arrow or symbol iOS would draw as emoji followed by U+FE0E.
fn check_emoji(report: &mut Report, store: Store, edition: &Edition) {
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
        Row::StoreEpub(store, EpubCheck::AppleEmoji),
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

/// kepubify's markup in every XHTML document of the kepub (the navigation
/// document too, as kepubify converts it): the style hacks, the body
/// wrapped, koboSpans unique, each `kobo.N.M`, none inside another span (a
/// koboSpan or the book's own) or in verbatim text (`pre`, `script`…), and
/// every text and image inside one.
fn check_kepub(report: &mut Report, store: Store, edition: &Edition) {
    let mut problems = Vec::new();
    let (mut spans, mut documents) = (0, 0);
    for item in edition.package.documents() {
        let Some(text) = edition.text(&item.path) else {
            continue;
        };
        documents += 1;
        match stores::kepub::span_report(text) {
            Ok(r) => {
                spans += r.spans;
                let path = &item.path;
                if !r.style_hacks {
                    problems.push(format!(
                        "{path}: no <style class=\"kobostylehacks\"> in the head"
                    ));
                }
                if !r.wrapped_body {
                    problems.push(format!(
                        "{path}: body not in div#book-columns > div#book-inner"
                    ));
                }
                if let Some(id) = r.duplicate_ids.first() {
                    problems.push(format!("{path}: span id {id} used twice"));
                }
                if r.nested > 0 {
                    problems.push(format!(
                        "{path}: {} koboSpans inside another span",
                        r.nested
                    ));
                }
                if r.spans_in_verbatim > 0 {
                    problems.push(format!(
                        "{path}: {} koboSpans in pre, script, style, svg or math text",
                        r.spans_in_verbatim
                    ));
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
    report.add(Row::StoreEpub(store, EpubCheck::KepubSpans),
        if problems.is_empty() { Status::Pass } else { Status::Fail },
        if problems.is_empty() {
            format!("{spans} spans in {documents} documents, unique, none inside another span, all text and images inside one, style hacks present")
        } else {
            first_and_count(&problems)
        },
    );
}

/// Adobe RMSDK's stylesheet hazards in the plain Kobo EPUB.
fn check_rmsdk(report: &mut Report, store: Store, edition: &Edition) {
    let mut found = Vec::new();
    for sheet in edition.package.stylesheets() {
        if let Some(css) = edition.text(&sheet.path) {
            for hazard in hazards(css, Reader::Rmsdk) {
                found.push(format!("{}:{}: {}", sheet.path, hazard.line, hazard.what));
            }
        }
    }
    report.add(
        Row::StoreEpub(store, EpubCheck::RmsdkCss),
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
