//! `manuscript/book.toml`: the book's one configuration file, read strictly.
//! An unknown key, a wrong type, a missing title or an invalid value is an
//! error with file, line and column. The result is plain data for `resolve`.

use std::ops::Range;

mod raw;
mod style;
mod toml_errors;

use serde::Deserialize;
use toml::Spanned;

use crate::diag::{Diagnostic, Diagnostics, LineIndex};
use crate::model::Store;
use crate::model::{
    ACCESSIBILITY_HAZARDS, Accessibility, ChapterOpening, Contributor, Date, EbookSettings,
    FontEmbedding, FontFiles, Isbn, NotePlacement, Paper, PdfX, PrintSettings, PrintUrls, Pt, Role,
    RunningHead, Trim,
};
use crate::project::CONFIG_FILE;

use raw::{AccessibilityToml, BookToml, FontsToml, PdfXToml};
use toml_errors::{translate_toml_error, written_at};

/// A manuscript file named in `book.toml`, with where it was named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRef {
    /// As written, relative to `manuscript/`.
    pub written: String,
    pub location: crate::diag::Location,
}

/// `book.toml`, checked and with defaults applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub title: String,
    pub subtitle: Option<String>,
    pub authors: Vec<String>,
    pub contributors: Vec<Contributor>,
    pub publisher: Option<String>,
    pub first_publication: Option<String>,
    pub language: String,
    /// Where the keys that later stages may complain about are set, by
    /// their dotted names (`title`, `print.min-pages`, `fonts.regular`, the
    /// second fallback face as `fonts.fallback.1`), for messages at the key.
    pub locations: std::collections::BTreeMap<String, crate::diag::Location>,
    pub isbn_ebook: Option<Isbn>,
    pub isbn_print: Option<Isbn>,
    pub date: Option<Date>,
    pub rights: Option<String>,
    pub description: Option<String>,
    pub keywords: Vec<String>,
    pub front_matter: Vec<FileRef>,
    /// `None`: every other `.md` file in `manuscript/`, sorted by name.
    pub chapters: Option<Vec<FileRef>>,
    pub back_matter: Vec<FileRef>,
    /// A dedication, set on a page of its own after the copyright page.
    pub dedication: Option<String>,
    /// An epigraph and its source, on a page of their own.
    pub epigraph: Option<(String, Option<String>)>,
    /// Parts: each a title and its chapters, in order.
    pub parts: Vec<Part>,
    /// `print.chapters-open` was written: a poetry collection's poems open
    /// on the next page unless the author said otherwise.
    pub chapters_open_given: bool,
    /// Heading levels the printed contents lists (`contents-depth`): 1 for
    /// parts and chapters, 2 adds their `##` sections. `None`: 1, or 2 for a
    /// book of one chapter (an essay), whose sections are all there is to list.
    pub contents_depth: Option<u8>,
    pub print: PrintSettings,
    pub fonts: FontFiles,
    /// Cover art, project-relative (`cover/illustration.jpg`), when named.
    pub cover_image: Option<FileRef>,
    pub blurb: Option<String>,
    /// A manuscript file holding the back-cover text (not a chapter).
    pub blurb_file: Option<FileRef>,
    /// The book's design: the named style with the author's overrides.
    pub style: crate::model::style::BookStyle,
    /// Notes, fonts and store editions of the ebook.
    pub ebook: EbookSettings,
    /// `[accessibility]`: the evaluator and what only the author can say.
    pub accessibility: Accessibility,
}

/// A part of the book: its title page and chapters.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub title: String,
    pub chapters: Vec<FileRef>,
}

/// Parses and checks `book.toml`'s text. All problems found are reported together.
pub fn parse(text: &str) -> Result<Config, Diagnostics> {
    let index = LineIndex::new(text);
    let locate = |span: Range<usize>| {
        let (line, column) = index.line_column(text, span.start);
        crate::diag::Location {
            file: CONFIG_FILE.to_string(),
            line,
            column,
        }
    };
    let raw: BookToml = toml::from_str(text).map_err(|err| {
        let location = err.span().map(&locate);
        let written = err.span().map(|span| written_at(text, span.start));
        Diagnostics::from(translate_toml_error(err.message(), written).at(location))
    })?;

    let mut check = Checker {
        locate: &locate,
        diagnostics: Diagnostics::new(),
    };
    let title = check.title(&raw);
    let contributors = check.contributors(&raw);
    let language = check.language(&raw);
    let (isbn_ebook, isbn_print) = check.isbns(&raw);
    let date = check.date(&raw);
    let trim = check.trim(&raw);
    let pdf_x = check.pdf_x(&raw);
    let (font_size, leading) = check.type_size(&raw);
    check.parts(&raw);
    let style = check.style(&raw);
    let contents_depth = check.contents_depth(&raw);
    let notes = check.notes(&raw);
    let embed_fonts = check.embed_fonts(&raw);
    let accessibility = accessibility(&raw.accessibility, &mut |span, message, hint| {
        check.error(span, message, hint)
    });
    let stores = check.stores(&raw);
    if check.diagnostics.has_errors() {
        return Err(check.diagnostics);
    }

    let checked = Checked {
        title,
        contributors,
        language,
        isbn_ebook,
        isbn_print,
        date,
        trim,
        pdf_x,
        font_size,
        leading,
        style,
        contents_depth,
        ebook: EbookSettings {
            notes,
            embed_fonts,
            stores,
        },
        accessibility,
    };
    Ok(checked.into_config(raw, &locate))
}

/// Checks book.toml's values one key (or group of keys) at a time,
/// gathering every error found.
struct Checker<'l> {
    locate: &'l dyn Fn(Range<usize>) -> crate::diag::Location,
    diagnostics: Diagnostics,
}

impl Checker<'_> {
    fn error(&mut self, span: Range<usize>, message: String, hint: &str) {
        let location = (self.locate)(span);
        self.diagnostics.push(
            Diagnostic::error(message)
                .at(Some(location))
                .with_hint(hint),
        );
    }

    fn title(&mut self, raw: &BookToml) -> String {
        let title = raw.title.get_ref().trim().to_string();
        if title.is_empty() {
            self.error(
                raw.title.span(),
                "the title is empty".into(),
                "write the book's title, e.g. title = \"Moby-Dick\"",
            );
        }
        title
    }

    fn contributors(&mut self, raw: &BookToml) -> Vec<Contributor> {
        let mut contributors = Vec::new();
        for c in raw.contributors.iter().flat_map(|c| c.get_ref()) {
            match Role::parse(c.role.get_ref()) {
                Some(role) => contributors.push(Contributor {
                    name: c.name.trim().to_string(),
                    role,
                }),
                None => self.error(
                    c.role.span(),
                    format!("unknown contributor role `{}`", c.role.get_ref()),
                    &format!("use one of: {}", Role::ALL.map(|(n, _)| n).join(", ")),
                ),
            }
        }
        contributors
    }

    fn language(&mut self, raw: &BookToml) -> String {
        let Some(lang) = &raw.language else {
            return "en".to_string();
        };
        let value = lang.get_ref().trim();
        match check_language_tag(value) {
            Ok(()) => value.to_string(),
            Err(why) => {
                self.error(
                    lang.span(),
                    format!("`{value}` is not a language tag: {why}"),
                    "use a BCP 47 tag such as \"en\", \"en-GB\", \"de-CH\" or \"kk-Cyrl\" (language, then script and region, joined by `-`)",
                );
                "en".to_string()
            }
        }
    }

    /// The ebook's and the print edition's ISBNs, which must differ.
    fn isbns(&mut self, raw: &BookToml) -> (Option<Isbn>, Option<Isbn>) {
        let isbn_ebook = self.isbn(&raw.isbn.ebook);
        let isbn_print = self.isbn(&raw.isbn.print);
        // Each edition has its own ISBN: stores and Google's files tell them apart by it.
        if let (Some(ebook), Some(print), Some(written)) =
            (&isbn_ebook, &isbn_print, raw.isbn.print.as_ref())
            && ebook.digits() == print.digits()
        {
            self.error(
                written.span(),
                format!("isbn.print is the same ISBN as isbn.ebook ({print})"),
                "each edition needs its own ISBN (the paperback's and the ebook's differ); leave one out if you have only one",
            );
        }
        (isbn_ebook, isbn_print)
    }

    fn isbn(&mut self, value: &Option<Spanned<String>>) -> Option<Isbn> {
        let value = value.as_ref()?;
        match Isbn::parse(value.get_ref()) {
            Ok(isbn) => Some(isbn),
            Err(why) => {
                self.error(
                    value.span(),
                    format!("invalid ISBN `{}`: {why}", value.get_ref()),
                    "write the 13-digit ISBN from your ISBN agency, hyphens allowed",
                );
                None
            }
        }
    }

    fn date(&mut self, raw: &BookToml) -> Option<Date> {
        let d = raw.date.as_ref()?;
        let parsed = Date::parse(d.get_ref().trim());
        if parsed.is_none() {
            self.error(
                d.span(),
                format!("invalid date `{}`", d.get_ref()),
                "write the publication date as YYYY-MM-DD, e.g. date = \"2026-11-25\"",
            );
        }
        parsed
    }

    fn trim(&mut self, raw: &BookToml) -> Trim {
        match Trim::parse(raw.print.trim.get_ref()) {
            Ok(trim) => trim,
            Err(why) => {
                self.error(
                    raw.print.trim.span(),
                    format!("invalid trim size `{}`: {why}", raw.print.trim.get_ref()),
                    "use a preset (\"6x9\", \"5.5x8.5\", \"5x8\", \"a5\") or an explicit size such as \"5.5in x 8.5in\" or \"148mm x 210mm\"",
                );
                Trim::parse("6x9").expect("the default trim parses")
            }
        }
    }

    fn pdf_x(&mut self, raw: &BookToml) -> Option<PdfX> {
        let value = raw.print.pdf_x.as_ref()?;
        match value.get_ref() {
            PdfXToml::Flag(false) => None,
            PdfXToml::Flag(true) => Some(PdfX::X4),
            PdfXToml::Named(name) => match name.trim().to_ascii_lowercase().as_str() {
                "x-4" | "x4" | "pdf/x-4" => Some(PdfX::X4),
                "x-1a" | "x1a" | "pdf/x-1a" => Some(PdfX::X1a),
                _ => {
                    self.error(
                        value.span(),
                        format!("unknown PDF/X standard `{name}`: expected \"x-4\" or \"x-1a\""),
                        "pdf-x = \"x-4\" (or true) writes PDF/X-4:2010; pdf-x = \"x-1a\" writes PDF/X-1a:2001, which IngramSpark prefers",
                    );
                    None
                }
            },
        }
    }

    /// The body text's size and leading in points; the leading defaults to
    /// 1.3 times the size, to the quarter point.
    fn type_size(&mut self, raw: &BookToml) -> (f32, f32) {
        let font_size = *raw.print.font_size.get_ref();
        if !(6.0..=24.0).contains(&font_size) {
            self.error(
                raw.print.font_size.span(),
                format!("font size {font_size} pt is out of range"),
                "body text is set between 6 and 24 pt; 10.5–12 pt suits most books",
            );
        }
        let leading = match &raw.print.leading {
            Some(l) => {
                let value = *l.get_ref();
                if !(font_size..=font_size * 3.0).contains(&value) {
                    self.error(
                        l.span(),
                        format!(
                            "leading {value} pt must be between the font size and three times it"
                        ),
                        "leading is the baseline-to-baseline distance in points, e.g. 14 for 11 pt text",
                    );
                }
                value
            }
            None => (font_size * 1.3 * 4.0).round() / 4.0,
        };
        (font_size, leading)
    }

    /// Parts list their own chapters, and each has some.
    fn parts(&mut self, raw: &BookToml) {
        if !raw.parts.is_empty()
            && let Some(chapters) = &raw.chapters
        {
            self.diagnostics.push(
                Diagnostic::error("book.toml lists chapters both in `chapters` and in `parts`")
                    .at(chapters.first().map(|c| (self.locate)(c.span())))
                    .with_hint("with parts, list each part's chapters in its `chapters` and remove the top-level `chapters`"),
            );
        }
        for part in &raw.parts {
            if part.chapters.get_ref().is_empty() {
                self.diagnostics.push(
                    Diagnostic::error(format!("the part “{}” has no chapters", part.title))
                        .at(Some((self.locate)(part.chapters.span())))
                        .with_hint("list its files: chapters = [\"01-chapter.md\"]"),
                );
            }
        }
    }

    fn style(&mut self, raw: &BookToml) -> crate::model::style::BookStyle {
        let mut style_errors = Vec::new();
        let book_style = style::resolve(
            raw.style.as_ref(),
            raw.chapter_numbers,
            self.locate,
            &mut style_errors,
        );
        for e in style_errors {
            self.diagnostics.push(e);
        }
        book_style
    }

    fn contents_depth(&mut self, raw: &BookToml) -> Option<u8> {
        let depth = raw.contents_depth.as_ref()?;
        match u8::try_from(*depth.get_ref()) {
            Ok(d @ 1..=6) => Some(d),
            _ => {
                self.diagnostics.push(
                    Diagnostic::error(format!(
                        "contents-depth = {} is not a heading level",
                        depth.get_ref()
                    ))
                    .at(Some((self.locate)(depth.span())))
                    .with_hint("1 lists parts and chapters; 2 adds their ## sections, 3 their ### ones (at most 6)"),
                );
                None
            }
        }
    }

    fn notes(&mut self, raw: &BookToml) -> NotePlacement {
        let Some(value) = &raw.notes else {
            return NotePlacement::Chapter;
        };
        match value.get_ref().trim() {
            "chapter" => NotePlacement::Chapter,
            "book" => NotePlacement::Book,
            other => {
                self.diagnostics.push(
                    Diagnostic::error(format!(
                        "unknown notes placement `{other}`: expected `chapter` or `book`"
                    ))
                    .at(Some((self.locate)(value.span())))
                    .with_hint("notes = \"chapter\" puts each chapter's notes after it; notes = \"book\" gathers them at the end of the book"),
                );
                NotePlacement::Chapter
            }
        }
    }

    fn embed_fonts(&mut self, raw: &BookToml) -> FontEmbedding {
        let Some(value) = raw.epub.embed_fonts.as_ref() else {
            return FontEmbedding::None;
        };
        match value.get_ref() {
            toml::Value::Boolean(false) => FontEmbedding::None,
            toml::Value::Boolean(true) => FontEmbedding::Plain,
            toml::Value::String(mode) if mode == "obfuscated" => FontEmbedding::Obfuscated,
            other => {
                self.diagnostics.push(
                    Diagnostic::error(format!(
                        "epub.embed-fonts is `{other}`: expected true, false or \"obfuscated\""
                    ))
                    .at(Some((self.locate)(value.span())))
                    .with_hint("embed-fonts = true embeds the fonts as they are (the OFL allows it); \"obfuscated\" obfuscates them, for a licence that asks for it"),
                );
                FontEmbedding::None
            }
        }
    }

    /// The stores named, each once, in the order written.
    fn stores(&mut self, raw: &BookToml) -> Vec<Store> {
        let mut stores = Vec::new();
        for name in raw.stores.iter().flat_map(|s| s.get_ref()) {
            match Store::parse(name.get_ref()) {
                Some(store) if !stores.contains(&store) => stores.push(store),
                Some(_) => {}
                None => self.diagnostics.push(
                    Diagnostic::error(format!(
                        "unknown store `{}`: expected one of {}",
                        name.get_ref(),
                        Store::known()
                    ))
                    .at(Some((self.locate)(name.span())))
                    .with_hint("stores = [\"kindle\", \"apple\", \"kobo\", \"google\", \"generic\"] writes a folder for each under out/"),
                ),
            }
        }
        stores
    }
}

/// The values that needed checking, checked.
struct Checked {
    title: String,
    contributors: Vec<Contributor>,
    language: String,
    isbn_ebook: Option<Isbn>,
    isbn_print: Option<Isbn>,
    date: Option<Date>,
    trim: Trim,
    pdf_x: Option<PdfX>,
    font_size: f32,
    leading: f32,
    style: crate::model::style::BookStyle,
    contents_depth: Option<u8>,
    ebook: EbookSettings,
    accessibility: Accessibility,
}

impl Checked {
    /// The configuration: the checked values with the rest of book.toml as written.
    fn into_config(
        self,
        raw: BookToml,
        locate: &dyn Fn(Range<usize>) -> crate::diag::Location,
    ) -> Config {
        let file_ref = |s: &Spanned<String>| FileRef {
            written: s.get_ref().clone(),
            location: locate(s.span()),
        };
        let locations = key_locations(&raw, locate);
        Config {
            title: self.title,
            subtitle: raw
                .subtitle
                .map(|s| s.into_inner().trim().to_string())
                .filter(|s| !s.is_empty()),
            authors: raw
                .authors
                .map(Spanned::into_inner)
                .unwrap_or_default()
                .iter()
                .map(|a| a.trim().to_string())
                .collect(),
            locations,
            contributors: self.contributors,
            publisher: raw.publisher.map(Spanned::into_inner),
            first_publication: raw.first_publication.map(Spanned::into_inner),
            language: self.language,
            isbn_ebook: self.isbn_ebook,
            isbn_print: self.isbn_print,
            date: self.date,
            rights: raw.rights.map(Spanned::into_inner),
            description: raw.description.map(Spanned::into_inner),
            keywords: raw.keywords,
            front_matter: raw.front_matter.iter().map(file_ref).collect(),
            chapters: raw
                .chapters
                .as_ref()
                .map(|list| list.iter().map(file_ref).collect()),
            back_matter: raw.back_matter.iter().map(file_ref).collect(),
            dedication: raw
                .dedication
                .map(Spanned::into_inner)
                .filter(|d| !d.trim().is_empty()),
            epigraph: raw
                .epigraph
                .map(Spanned::into_inner)
                .filter(|e| !e.trim().is_empty())
                .map(|e| {
                    let source = raw.epigraph_source.map(Spanned::into_inner);
                    (e, source.filter(|s| !s.trim().is_empty()))
                }),
            contents_depth: self.contents_depth,
            chapters_open_given: raw.print.chapters_open.is_some(),
            parts: raw
                .parts
                .iter()
                .map(|p| Part {
                    title: p.title.clone(),
                    chapters: p.chapters.get_ref().iter().map(file_ref).collect(),
                })
                .collect(),
            print: PrintSettings {
                trim: self.trim,
                bleed: raw.print.bleed,
                paper: raw.print.paper,
                chapters_open: raw.print.chapters_open.unwrap_or(ChapterOpening::Recto),
                running_head_verso: raw.print.running_head_verso,
                running_head_recto: raw.print.running_head_recto,
                hyphenate: raw.print.hyphenate,
                hyphenate_capitalized: raw.print.hyphenate_capitalized,
                contents_leaders: raw.print.contents_leaders,
                font_size: Pt(self.font_size as f64),
                leading: Pt(self.leading as f64),
                draft: raw.print.draft,
                grayscale_images: raw.print.grayscale_images,
                pdf_x: self.pdf_x,
                min_pages: *raw.print.min_pages.get_ref() as usize,
                page_references: raw.print.page_references,
                urls: raw.print.urls,
            },
            fonts: font_files(&raw.fonts),
            cover_image: raw.cover.image.as_ref().map(file_ref),
            blurb: raw.cover.blurb.map(Spanned::into_inner),
            blurb_file: raw.cover.blurb_file.as_ref().map(file_ref),
            style: self.style,
            ebook: self.ebook,
            accessibility: self.accessibility,
        }
    }
}

/// The font files named in `[fonts]`, in `fonts/`, with quire's faces as defaults.
fn font_files(fonts: &FontsToml) -> FontFiles {
    let face = |written: &Option<Spanned<String>>, default: &str| {
        let name = written.as_ref().map_or(default, |w| w.get_ref().as_str());
        format!("fonts/{name}")
    };
    FontFiles {
        regular: face(&fonts.regular, "EBGaramond-Regular.ttf"),
        italic: face(&fonts.italic, "EBGaramond-Italic.ttf"),
        bold: face(&fonts.bold, "EBGaramond-Bold.ttf"),
        bold_italic: face(&fonts.bold_italic, "EBGaramond-BoldItalic.ttf"),
        mono: face(&fonts.mono, "JetBrainsMono-Regular.ttf"),
        fallback: match &fonts.fallback {
            Some(list) => list
                .get_ref()
                .iter()
                .map(|f| format!("fonts/{}", f.get_ref()))
                .collect(),
            None => vec![
                "fonts/DejaVuSans.ttf".to_string(),
                crate::fonts::EMOJI.to_string(),
            ],
        },
    }
}

/// Where each key the author wrote is, for messages at the key later.
fn key_locations(
    raw: &BookToml,
    locate: &dyn Fn(Range<usize>) -> crate::diag::Location,
) -> std::collections::BTreeMap<String, crate::diag::Location> {
    let mut locations = std::collections::BTreeMap::new();
    let mut at = |key: &str, span: Option<Range<usize>>| {
        // A default's span is empty: it was not written.
        if let Some(span) = span.filter(|s| !s.is_empty()) {
            locations.insert(key.to_string(), locate(span));
        }
    };
    at("title", Some(raw.title.span()));
    at("subtitle", raw.subtitle.as_ref().map(Spanned::span));
    at("authors", raw.authors.as_ref().map(Spanned::span));
    at("language", raw.language.as_ref().map(Spanned::span));
    at("stores", raw.stores.as_ref().map(Spanned::span));
    at("date", raw.date.as_ref().map(Spanned::span));
    at("publisher", raw.publisher.as_ref().map(Spanned::span));
    at(
        "first-publication",
        raw.first_publication.as_ref().map(Spanned::span),
    );
    at("rights", raw.rights.as_ref().map(Spanned::span));
    at("description", raw.description.as_ref().map(Spanned::span));
    at("contributors", raw.contributors.as_ref().map(Spanned::span));
    at("dedication", raw.dedication.as_ref().map(Spanned::span));
    at("epigraph", raw.epigraph.as_ref().map(Spanned::span));
    at(
        "epigraph-source",
        raw.epigraph_source.as_ref().map(Spanned::span),
    );
    at(
        "chapters",
        raw.chapters
            .as_ref()
            .and_then(|c| c.first())
            .map(Spanned::span),
    );
    at("print.min-pages", Some(raw.print.min_pages.span()));
    at("cover.image", raw.cover.image.as_ref().map(Spanned::span));
    at("cover.blurb", raw.cover.blurb.as_ref().map(Spanned::span));
    at(
        "cover.blurb-file",
        raw.cover.blurb_file.as_ref().map(Spanned::span),
    );
    for (key, face) in [
        ("fonts.regular", &raw.fonts.regular),
        ("fonts.italic", &raw.fonts.italic),
        ("fonts.bold", &raw.fonts.bold),
        ("fonts.bold-italic", &raw.fonts.bold_italic),
        ("fonts.mono", &raw.fonts.mono),
    ] {
        at(key, face.as_ref().map(Spanned::span));
    }
    if let Some(list) = &raw.fonts.fallback {
        at("fonts.fallback", Some(list.span()));
        for (i, face) in list.get_ref().iter().enumerate() {
            at(&format!("fonts.fallback.{i}"), Some(face.span()));
        }
    }
    locations
}

/// `[accessibility]`, checked: a credential or report needs the certifier
/// it belongs to, a report is a web address, hazards are schema.org's.
fn accessibility(
    raw: &AccessibilityToml,
    error: &mut dyn FnMut(Range<usize>, String, &str),
) -> Accessibility {
    let text = |value: &Option<Spanned<String>>,
                key: &str,
                error: &mut dyn FnMut(Range<usize>, String, &str)| {
        let value = value.as_ref()?;
        let trimmed = value.get_ref().trim();
        if trimmed.is_empty() {
            error(
                value.span(),
                format!("accessibility.{key} is empty"),
                "write it, or leave the key out",
            );
            return None;
        }
        Some(trimmed.to_string())
    };
    let certified_by = text(&raw.certified_by, "certified-by", error);
    let certifier_credential = text(&raw.certifier_credential, "certifier-credential", error);
    let certifier_report = text(&raw.certifier_report, "certifier-report", error);
    for (key, value) in [
        ("certifier-credential", &raw.certifier_credential),
        ("certifier-report", &raw.certifier_report),
    ] {
        if let Some(value) = value
            && raw.certified_by.is_none()
        {
            error(
                value.span(),
                format!("accessibility.{key} is set, but not who holds it"),
                "add accessibility.certified-by = \"…\", the party that evaluated the book",
            );
        }
    }
    if let (Some(report), Some(written)) = (&certifier_report, &raw.certifier_report)
        && !(report.starts_with("https://") || report.starts_with("http://"))
    {
        error(
            written.span(),
            format!("accessibility.certifier-report `{report}` is not a web address"),
            "write the report's address, e.g. certifier-report = \"https://example.com/report\"",
        );
    }
    let summary = text(&raw.summary, "summary", error);
    let mut hazards = Vec::new();
    if let Some(list) = &raw.hazards {
        for hazard in list.get_ref() {
            match ACCESSIBILITY_HAZARDS
                .iter()
                .find(|known| known.eq_ignore_ascii_case(hazard.get_ref().trim()))
            {
                Some(known) if !hazards.contains(&known.to_string()) => {
                    hazards.push(known.to_string())
                }
                Some(_) => {}
                None => error(
                    hazard.span(),
                    format!("unknown accessibility hazard `{}`", hazard.get_ref()),
                    &format!(
                        "use schema.org's values: {}",
                        ACCESSIBILITY_HAZARDS.join(", ")
                    ),
                ),
            }
        }
        if hazards.is_empty() {
            error(
                list.span(),
                "accessibility.hazards is empty".into(),
                "write hazards = [\"none\"], or name each hazard, or leave the key out",
            );
        } else if hazards.len() > 1 && hazards.iter().any(|h| h == "none" || h == "unknown") {
            error(
                list.span(),
                "accessibility.hazards says `none` or `unknown` beside other hazards".into(),
                "either hazards = [\"none\"], or the hazards the book has (\"flashing\", \"noSoundHazard\"…)",
            );
        }
    }
    Accessibility {
        certified_by,
        certifier_credential,
        certifier_report,
        summary,
        hazards: if hazards.is_empty() {
            Accessibility::default().hazards
        } else {
            hazards
        },
    }
}

/// A well-formed BCP 47 tag whose every part is in the IANA subtag registry
/// (what DAISY Ace and the stores check); the reason otherwise.
pub(crate) fn check_language_tag(tag: &str) -> Result<(), String> {
    use language_tags::{LanguageTag, ValidationError as V};
    let parsed = LanguageTag::parse(tag).map_err(|_| {
        if tag.contains('_') {
            "its parts are joined by `-`, not `_`".to_string()
        } else {
            "it is not of the form language[-script][-region]".to_string()
        }
    })?;
    let primary = parsed.primary_language();
    if primary.is_empty()
        || primary.eq_ignore_ascii_case("x")
        || primary.to_ascii_lowercase().starts_with("x-")
    {
        return Err("a private-use tag names no language a reader knows".into());
    }
    parsed.validate().map_err(|why| match why {
        V::PrimaryLanguageNotInRegistry => format!("`{primary}` is not a known language"),
        V::ScriptNotInRegistry => format!(
            "`{}` is not a known script",
            parsed.script().unwrap_or_default()
        ),
        V::RegionNotInRegistry => format!(
            "`{}` is not a known region",
            parsed.region().unwrap_or_default()
        ),
        V::VariantNotInRegistry | V::WrongVariantPrefix => format!(
            "`{}` is not a known variant of `{primary}`",
            parsed.variant().unwrap_or_default()
        ),
        _ => "it is not a registered combination".to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_text(toml: &str) -> String {
        parse(toml).unwrap_err().to_string()
    }

    #[test]
    fn accessibility_keys_are_read_and_checked_at_their_place() {
        let c = parse(
            "title = \"A\"\n[accessibility]\ncertified-by = \"Benetech\"\ncertifier-credential = \"GCA\"\ncertifier-report = \"https://example.com/r\"\nhazards = [\"noFlashingHazard\", \"nosoundhazard\"]\n",
        )
        .unwrap();
        assert_eq!(c.accessibility.certified_by.as_deref(), Some("Benetech"));
        assert_eq!(
            c.accessibility.hazards,
            ["noFlashingHazard", "noSoundHazard"]
        );
        // Not set: nobody is named, and the book has no hazards.
        let plain = parse("title = \"A\"").unwrap();
        assert_eq!(plain.accessibility, Accessibility::default());
        assert_eq!(plain.accessibility.hazards, ["none"]);

        let err = error_text("title = \"A\"\n[accessibility]\ncertifier-credential = \"GCA\"\n");
        assert!(
            err.contains("accessibility.certifier-credential is set, but not who holds it"),
            "{err}"
        );
        assert!(err.contains("book.toml:3:24"), "{err}");
        let err = error_text(
            "title = \"A\"\n[accessibility]\ncertified-by = \"B\"\ncertifier-report = \"report.pdf\"\n",
        );
        assert!(err.contains("is not a web address"), "{err}");
        let err = error_text("title = \"A\"\n[accessibility]\nhazards = [\"loud\"]\n");
        assert!(err.contains("unknown accessibility hazard `loud`"), "{err}");
        assert!(err.contains("book.toml:3:12"), "{err}");
        let err =
            error_text("title = \"A\"\n[accessibility]\nhazards = [\"none\", \"flashing\"]\n");
        assert!(
            err.contains("`none` or `unknown` beside other hazards"),
            "{err}"
        );
        let err = error_text("title = \"A\"\n[accessibility]\ncertified-by = \" \"\n");
        assert!(err.contains("accessibility.certified-by is empty"), "{err}");
        let err = error_text("title = \"A\"\n[accessibility]\ncertifed-by = \"B\"\n");
        assert!(err.contains("certifed-by"), "{err}");
    }

    #[test]
    fn embed_fonts_takes_true_false_or_obfuscated() {
        let mode = |value: &str| {
            parse(&format!("title = \"A\"\n[epub]\nembed-fonts = {value}\n"))
                .map(|c| c.ebook.embed_fonts)
        };
        assert_eq!(mode("true").unwrap(), FontEmbedding::Plain);
        assert_eq!(mode("false").unwrap(), FontEmbedding::None);
        assert_eq!(mode("\"obfuscated\"").unwrap(), FontEmbedding::Obfuscated);
        let err = mode("1").unwrap_err().to_string();
        assert!(
            err.contains("epub.embed-fonts is `1`: expected true, false or \"obfuscated\""),
            "{err}"
        );
        assert!(err.contains("book.toml:3:15"), "{err}");
    }

    #[test]
    fn minimal_config_gets_defaults() {
        let c = parse("title = \"A\"").unwrap();
        assert_eq!(c.language, "en");
        assert_eq!(c.print.trim, Trim::parse("6x9").unwrap());
        assert!(c.print.hyphenate);
        assert_eq!(c.fonts.regular, "fonts/EBGaramond-Regular.ttf");
    }

    #[test]
    fn unknown_key_names_line_and_column() {
        let text = error_text("title = \"A\"\n\n  titel = \"B\"\n");
        assert!(
            text.starts_with("error: unknown key `titel` in book.toml\n  --> manuscript/book.toml:3:3\nhint: known keys here:"),
            "{text}"
        );
    }

    #[test]
    fn missing_title() {
        assert_eq!(
            error_text("subtitle = \"B\"\n"),
            "error: the book has no title\n  --> manuscript/book.toml:1:1\nhint: add a line such as title = \"Moby-Dick\" to manuscript/book.toml"
        );
    }

    #[test]
    fn wrong_types_are_named_in_the_authors_terms() {
        for (toml, message) in [
            (
                "authors = \"B\"",
                "error: wrong type for `authors`: a string \"B\", expected a list of strings, e.g. authors = [\"…\", \"…\"]\n  --> manuscript/book.toml:2:11",
            ),
            (
                "[print]\nfont-size = \"big\"",
                "error: wrong type for `font-size`: a string \"big\", expected a number\n",
            ),
            (
                "[print]\nmin-pages = 2.5",
                "error: wrong type for `min-pages`: a number `2.5`, expected a whole number\n",
            ),
            (
                "[print]\nbleed = \"yes\"",
                "error: wrong type for `bleed`: a string \"yes\", expected true or false\n",
            ),
            (
                "date = 2020-01-01",
                "error: wrong type for `date`: a TOML date, expected a string in double quotes\n  --> manuscript/book.toml:2:8\nhint: write the date as a string: date = \"2020-01-01\"",
            ),
            (
                "keywords = [\n  \"a\",\n  3,\n]",
                "error: wrong type: a whole number `3`, expected a string in double quotes\n",
            ),
        ] {
            let text = error_text(&format!("title = \"A\"\n{toml}\n"));
            assert!(text.starts_with(message), "{toml}: {text}");
            assert!(
                !text.contains("sequence") && !text.contains("f32"),
                "{text}"
            );
        }
    }

    #[test]
    fn bad_values_are_all_reported() {
        let err = parse(
            "title = \"A\"\ndate = \"2026-02-30\"\n[isbn]\nebook = \"978-0-00-000000-1\"\n[print]\ntrim = \"huge\"\n",
        )
        .unwrap_err();
        assert_eq!(err.errors().count(), 3, "{err}");
        let text = err.to_string();
        assert!(
            text.contains("invalid date `2026-02-30`\n  --> manuscript/book.toml:2:8"),
            "{text}"
        );
        assert!(text.contains("invalid ISBN"), "{text}");
        assert!(text.contains("invalid trim size `huge`"), "{text}");
    }

    #[test]
    fn contributor_roles() {
        let c = parse("title = \"A\"\ncontributors = [{ name = \"Amanda Sonesson\", role = \"illustrator\" }]").unwrap();
        assert_eq!(c.contributors[0].role.marc(), "ill");
        let text =
            error_text("title = \"A\"\ncontributors = [{ name = \"X\", role = \"painter\" }]");
        assert!(
            text.contains("unknown contributor role `painter`"),
            "{text}"
        );
    }

    #[test]
    fn dates_round_trip() {
        for days in [-1000, 0, 18000, 20417, 50000] {
            let d = Date::from_days_since_epoch(days);
            assert_eq!(d.days_since_epoch(), days);
        }
        assert_eq!(Date::parse("2026-11-25").unwrap().days_since_epoch(), 20782);
    }
}
