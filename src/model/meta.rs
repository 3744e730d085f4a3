//! Metadata and settings of the book, as resolved from `book.toml`: who made
//! it, what it is called, how it is identified, and the print settings.

use serde::Deserialize;

use super::geometry::{Pt, Trim};

/// Paper stock of the printed book; sets the spine width per page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Paper {
    White,
    Cream,
}

impl Paper {
    /// Thickness of one page (KDP's figures), in inches.
    pub fn caliper_inches(self) -> f64 {
        match self {
            Paper::White => 0.002252,
            Paper::Cream => 0.0025,
        }
    }
}

/// Where chapters open in print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChapterOpening {
    /// On a right-hand page, inserting a blank verso when needed.
    Recto,
    /// On the next page, whichever side.
    Any,
}

/// What a running head shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RunningHead {
    Author,
    Title,
    Chapter,
    None,
}

/// How print shows the address of a link to the web.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PrintUrls {
    /// The link's words only.
    None,
    /// The words, then the address in parentheses (unless the words are the address).
    Inline,
    /// The words, with the address as a footnote.
    Footnote,
}

/// A credited contributor other than the author, with a MARC relator role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contributor {
    pub name: String,
    pub role: Role,
}

/// The contributor roles `book.toml` knows, with their MARC relator codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Illustrator,
    CoverDesigner,
    Editor,
    Translator,
    Photographer,
    Designer,
    Introduction,
    Foreword,
}

impl Role {
    pub const ALL: [(&'static str, Role); 8] = [
        ("illustrator", Role::Illustrator),
        ("cover-designer", Role::CoverDesigner),
        ("editor", Role::Editor),
        ("translator", Role::Translator),
        ("photographer", Role::Photographer),
        ("designer", Role::Designer),
        ("introduction", Role::Introduction),
        ("foreword", Role::Foreword),
    ];

    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, role)| *role)
    }

    /// The MARC relator code used in the OPF (`opf:role` / `marc:relators`).
    pub fn marc(self) -> &'static str {
        match self {
            Role::Illustrator => "ill",
            Role::CoverDesigner => "cov",
            Role::Editor => "edt",
            Role::Translator => "trl",
            Role::Photographer => "pht",
            Role::Designer => "dsr",
            Role::Introduction => "win",
            Role::Foreword => "wpr",
        }
    }

    /// The credit line on the copyright page: "Illustration by …".
    pub fn credit_prefix(self) -> &'static str {
        match self {
            Role::Illustrator => "Illustration by",
            Role::CoverDesigner => "Cover design by",
            Role::Editor => "Edited by",
            Role::Translator => "Translated by",
            Role::Photographer => "Photographs by",
            Role::Designer => "Book design by",
            Role::Introduction => "Introduction by",
            Role::Foreword => "Foreword by",
        }
    }

    /// Plain word for the PDF keywords and reports ("illustrator").
    pub fn name(self) -> &'static str {
        Role::ALL
            .iter()
            .find(|(_, r)| *r == self)
            .map_or("contributor", |(n, _)| n)
    }
}

/// A calendar date, as `book.toml` gives it (`2026-11-25`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    /// Days since 1970-01-01 (proleptic Gregorian).
    pub fn days_since_epoch(self) -> i64 {
        let (y, m, d) = (self.year as i64, self.month as i64, self.day as i64);
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146097 + doe - 719468
    }

    /// The date `days` after 1970-01-01.
    pub fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719468;
        let era = z.div_euclid(146097);
        let doe = z - era * 146097;
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
        Date {
            year: y as i32,
            month: m as u32,
            day: d as u32,
        }
    }

    pub fn parse(text: &str) -> Option<Date> {
        let mut parts = text.split('-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        let date = Date {
            year: y.parse().ok()?,
            month: m.parse().ok()?,
            day: d.parse().ok()?,
        };
        let round_trip = Date::from_days_since_epoch(date.days_since_epoch());
        (date.month >= 1 && date.month <= 12 && round_trip == date).then_some(date)
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Font files the book is set in, relative to the project root (`fonts/…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FontFiles {
    pub regular: String,
    pub italic: String,
    pub bold: String,
    pub bold_italic: String,
    /// The face for code.
    pub mono: String,
    /// Faces tried, in order, for characters the others lack.
    pub fallback: Vec<String>,
}

/// Print settings, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct PrintSettings {
    pub trim: Trim,
    pub bleed: bool,
    pub paper: Paper,
    pub chapters_open: ChapterOpening,
    pub running_head_verso: RunningHead,
    pub running_head_recto: RunningHead,
    pub hyphenate: bool,
    pub hyphenate_capitalized: bool,
    /// Dot leaders between a contents entry and its page number.
    pub contents_leaders: bool,
    pub font_size: Pt,
    pub leading: Pt,
    pub draft: bool,
    pub grayscale_images: bool,
    /// The PDF/X standard the print files claim, when the author asks for one.
    pub pdf_x: Option<PdfX>,
    /// Blank pages are added at the end to reach this count (printers' minimums).
    pub min_pages: usize,
    /// A cross-reference with words is followed by "(page N)".
    pub page_references: bool,
    pub urls: PrintUrls,
}

/// A PDF/X standard for the print files: what a printer's preflight checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PdfX {
    /// PDF/X-4:2010 (PDF 1.6): live transparency, a grey interior.
    X4,
    /// PDF/X-1a:2001 (PDF 1.3): grey and CMYK only, no transparency:
    /// IngramSpark's preferred interior and cover.
    X1a,
}

impl PdfX {
    /// The name the file declares (`GTS_PDFXVersion`).
    pub fn version(self) -> &'static str {
        match self {
            PdfX::X4 => "PDF/X-4",
            PdfX::X1a => "PDF/X-1:2001",
        }
    }
}

/// An ISBN-13, checked (ISBN-10s are converted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Isbn {
    digits: String,
}

impl Isbn {
    /// Parses an ISBN-13 or ISBN-10, with or without hyphens and spaces.
    pub fn parse(text: &str) -> Result<Isbn, String> {
        let cleaned: String = text
            .chars()
            .filter(|c| !matches!(c, '-' | ' ' | '\u{2010}' | '\u{2011}'))
            .collect();
        let cleaned = cleaned
            .strip_prefix("ISBN")
            .or_else(|| cleaned.strip_prefix("isbn"))
            .unwrap_or(&cleaned)
            .trim_start_matches(':')
            .to_string();
        match cleaned.len() {
            13 => {
                if !cleaned.chars().all(|c| c.is_ascii_digit()) {
                    return Err("an ISBN-13 has only digits".into());
                }
                if !(cleaned.starts_with("978") || cleaned.starts_with("979")) {
                    return Err("an ISBN-13 starts with 978 or 979".into());
                }
                let expected = isbn13_check_digit(&cleaned[..12]);
                if cleaned.as_bytes()[12] - b'0' != expected {
                    return Err(format!("the check digit should be {expected}"));
                }
                Ok(Isbn { digits: cleaned })
            }
            10 => {
                let (body, check) = cleaned.split_at(9);
                if !body.chars().all(|c| c.is_ascii_digit()) {
                    return Err("an ISBN-10 has nine digits and a check digit".into());
                }
                let sum: u32 = body
                    .bytes()
                    .enumerate()
                    .map(|(i, b)| (10 - i as u32) * u32::from(b - b'0'))
                    .sum();
                let expected = (11 - sum % 11) % 11;
                let given = match check {
                    "X" | "x" => 10,
                    d => d
                        .parse::<u32>()
                        .map_err(|_| "bad check digit".to_string())?,
                };
                if given != expected {
                    return Err("the ISBN-10 check digit is wrong".into());
                }
                let base = format!("978{body}");
                let digit = isbn13_check_digit(&base);
                Ok(Isbn {
                    digits: format!("{base}{digit}"),
                })
            }
            n => Err(format!("an ISBN has 13 digits, this has {n}")),
        }
    }

    /// The 13 digits without hyphens.
    pub fn digits(&self) -> &str {
        &self.digits
    }

    /// `urn:isbn:9780000000002`, the form used as an EPUB identifier.
    pub fn urn(&self) -> String {
        format!("urn:isbn:{}", self.digits)
    }
}

impl std::fmt::Display for Isbn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.digits)
    }
}

fn isbn13_check_digit(first12: &str) -> u8 {
    let sum: u32 = first12
        .bytes()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 1 } else { 3 })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

/// Everything about the book that is not its text, resolved once.
#[derive(Debug, Clone, PartialEq)]
pub struct Meta {
    pub title: String,
    pub subtitle: Option<String>,
    pub authors: Vec<String>,
    pub contributors: Vec<Contributor>,
    pub publisher: Option<String>,
    /// "This article was originally published by …", verbatim.
    pub first_publication: Option<String>,
    /// BCP 47 tag, e.g. `en`.
    pub language: String,
    pub isbn_ebook: Option<Isbn>,
    pub isbn_print: Option<Isbn>,
    /// The ebook's unique identifier: `urn:isbn:…` or a name-based `urn:uuid:…`.
    pub identifier: String,
    /// The print edition's identifier, named by the EPUB's page-list as its source.
    pub print_identifier: String,
    pub date: Option<Date>,
    /// `dcterms:modified`: `YYYY-MM-DDThh:mm:ssZ`, from `SOURCE_DATE_EPOCH` or the date.
    pub modified: String,
    /// Seconds since 1970 for the same instant (PDF dates, zip timestamps).
    pub modified_epoch: i64,
    /// The copyright notice, e.g. "© 2020 Aizada Arystanbek. All rights reserved."
    pub rights: Option<String>,
    pub description: Option<String>,
    pub keywords: Vec<String>,
    /// Back-cover text.
    pub blurb: Option<String>,
    /// What book.toml's `[accessibility]` says beyond what quire measures.
    pub accessibility: Accessibility,
}

/// book.toml's `[accessibility]`: who evaluated the book, and what only the
/// author can say. quire writes the rest of the accessibility metadata from
/// the book itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accessibility {
    /// `a11y:certifiedBy`: the party that evaluated the book's
    /// accessibility. Written only when the author names one.
    pub certified_by: Option<String>,
    /// `a11y:certifierCredential`: the evaluator's credential.
    pub certifier_credential: Option<String>,
    /// `a11y:certifierReport`: where the evaluation report is (a URL).
    pub certifier_report: Option<String>,
    /// `schema:accessibilitySummary`, instead of the one written from the book.
    pub summary: Option<String>,
    /// `schema:accessibilityHazard` values (`none` unless the author says otherwise).
    pub hazards: Vec<String>,
}

impl Default for Accessibility {
    fn default() -> Self {
        Accessibility {
            certified_by: None,
            certifier_credential: None,
            certifier_report: None,
            summary: None,
            hazards: vec!["none".to_string()],
        }
    }
}

/// The `schema:accessibilityHazard` values (schema.org's vocabulary).
pub const ACCESSIBILITY_HAZARDS: [&str; 8] = [
    "none",
    "flashing",
    "noFlashingHazard",
    "motionSimulation",
    "noMotionSimulationHazard",
    "sound",
    "noSoundHazard",
    "unknown",
];

impl Meta {
    /// Authors joined for display: "A", "A and B", "A, B and C".
    pub fn author_line(&self) -> String {
        match self.authors.as_slice() {
            [] => String::new(),
            [one] => one.clone(),
            [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        }
    }

    /// The title with its subtitle, for places that have room for one string.
    pub fn full_title(&self) -> String {
        match &self.subtitle {
            Some(sub) => format!("{}: {sub}", self.title),
            None => self.title.clone(),
        }
    }

    /// Contributors of one role.
    pub fn contributors_with(&self, role: Role) -> impl Iterator<Item = &Contributor> {
        self.contributors.iter().filter(move |c| c.role == role)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isbn_checks() {
        assert_eq!(
            Isbn::parse("978-0-306-40615-7").unwrap().digits(),
            "9780306406157"
        );
        assert_eq!(
            Isbn::parse("0-306-40615-2").unwrap().digits(),
            "9780306406157"
        );
        assert!(Isbn::parse("978-0-306-40615-8").is_err());
        assert!(Isbn::parse("12345").is_err());
        assert_eq!(
            Isbn::parse("9780306406157").unwrap().urn(),
            "urn:isbn:9780306406157"
        );
    }
}
