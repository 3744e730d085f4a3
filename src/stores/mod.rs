//! Store editions: the files each store takes, made from the one canonical
//! EPUB (and, for Google, the print PDF and the cover) by small transforms
//! of the finished archive, never by a second writer. Each store's folder
//! under `out/` is named by its id ([`Store`], in the model).
//!
//! What a store takes is data: one [`StoreRules`] row per store, in
//! [`rules`] (an exhaustive match on the id, so a store without a row does
//! not compile): its size cap, cover rule, image rule, the files of its
//! edition (each named by a [`FileName`] rule and made by a [`Content`]:
//! a transform of the EPUB, the cover or the interior) and the checks the
//! gate runs on them ([`EpubCheck`], [`SetCheck`]). `quire build` writes
//! the row's files; `quire check` (`crate::check::stores`) reads the same
//! row back. A sixth store is one row, its transform and its id.
//!
//! The transforms run side by side, one thread per store.

mod apple;
pub(crate) mod archive;
pub mod css;
pub mod kepub;
mod kindle;
pub mod kobo;
pub mod languages;
pub mod xml;

pub use apple::{EMOJI_PRONE, TEXT_PRESENTATION};
pub use kindle::TOC_DEPTH;

use crate::OutputFile;
use crate::diag::{Diagnostic, Diagnostics, Location, Sink};
pub use crate::model::Store;
use crate::model::{Book, Isbn};

/// Makes a store's EPUB from the canonical one. The error is a plain message.
pub type Transform = fn(&[u8]) -> Result<Vec<u8>, String>;

/// Everything quire knows about what one store takes.
#[derive(Debug)]
pub struct StoreRules {
    pub store: Store,
    /// The largest EPUB the store takes.
    pub size_cap: SizeCap,
    /// What the marketing cover must measure.
    pub cover: CoverRule,
    /// What each image inside the EPUB must be.
    pub images: ImageRule,
    /// The files of the edition, in the order they are written.
    pub files: &'static [EditionFile],
    /// Rules about the set of files as a whole.
    pub set_checks: &'static [SetCheck],
}

/// A size cap and where the store says it.
#[derive(Debug, Clone, Copy)]
pub struct SizeCap {
    pub bytes: u64,
    pub source: &'static str,
}

/// The marketing cover's pixels, as the store asks for them.
#[derive(Debug, Clone, Copy)]
pub enum CoverRule {
    /// At least `width` × `height`.
    AtLeast {
        width: u32,
        height: u32,
        source: &'static str,
    },
    /// The shorter side at least `min`.
    ShorterSide { min: u32, source: &'static str },
    /// Each side within `min..=max`.
    SidesWithin {
        min: u32,
        max: u32,
        source: &'static str,
    },
}

impl CoverRule {
    /// Whether a `width` × `height` cover meets the rule.
    pub fn accepts(self, width: u32, height: u32) -> bool {
        match self {
            CoverRule::AtLeast {
                width: w,
                height: h,
                ..
            } => width >= w && height >= h,
            CoverRule::ShorterSide { min, .. } => width.min(height) >= min,
            CoverRule::SidesWithin { min, max, .. } => {
                (min..=max).contains(&width) && (min..=max).contains(&height)
            }
        }
    }

    /// The rule in words, with its source.
    pub fn describe(self) -> String {
        match self {
            CoverRule::AtLeast {
                width,
                height,
                source,
            } => format!("{source}: at least {width} × {height} px"),
            CoverRule::ShorterSide { min, source } => {
                format!("{source}: at least {min} px on the shorter side")
            }
            CoverRule::SidesWithin { min, max, source } => {
                format!("{source}: {min}–{max} px")
            }
        }
    }
}

/// What each image inside the EPUB must be.
#[derive(Debug, Clone, Copy)]
pub struct ImageRule {
    /// The largest image file, in bytes, when the store caps it.
    pub max_bytes: Option<u64>,
    /// Whether CMYK JPEGs are refused.
    pub rgb_only: bool,
    pub source: &'static str,
}

/// One file of an edition: how it is named and what it holds.
#[derive(Debug)]
pub struct EditionFile {
    pub name: FileName,
    pub content: Content,
}

/// How a file of an edition is named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileName {
    /// The output stem (from the title) and a suffix: `moby-dick` + `.epub`.
    Stem(&'static str),
    /// The ebook ISBN-13's digits and a suffix (`isbn.ebook`).
    EbookIsbn(&'static str),
    /// The print ISBN-13's digits and a suffix (`isbn.print`).
    PrintIsbn(&'static str),
}

impl FileName {
    /// The suffix after the stem or identifier.
    pub fn suffix(self) -> &'static str {
        match self {
            FileName::Stem(s) | FileName::EbookIsbn(s) | FileName::PrintIsbn(s) => s,
        }
    }

    /// The book.toml key the name needs, if it is named by an ISBN.
    pub fn needs(self) -> Option<&'static str> {
        match self {
            FileName::Stem(_) => None,
            FileName::EbookIsbn(_) => Some("isbn.ebook"),
            FileName::PrintIsbn(_) => Some("isbn.print"),
        }
    }
}

/// What a file of an edition holds.
#[derive(Debug)]
pub enum Content {
    /// The canonical EPUB through a transform, and the checks the gate runs on it.
    Epub {
        transform: Transform,
        checks: &'static [EpubCheck],
    },
    /// The marketing cover (the ebook cover JPEG).
    Cover,
    /// The print interior PDF, when the print edition was built.
    Interior,
    /// The marketing cover again, for the interior's set: written only with the interior.
    InteriorCover,
}

/// A check the gate runs on one EPUB of an edition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EpubCheck {
    /// Images against the row's [`ImageRule`].
    Images,
    /// KDP's conversion rejections (encoding, body links, marks, CSS…).
    KindleConversion,
    /// The toc nav and NCX no deeper than Kindle shows.
    KindleTocDepth,
    /// The book's language among those KDP sells.
    KdpLanguage,
    /// Apple's display options agree with the embedded fonts.
    AppleDisplayOptions,
    /// One `epub:type` per landmark.
    AppleLandmarks,
    /// No arrow or symbol iOS draws as emoji.
    AppleEmoji,
    /// koboSpans as kepubify makes them.
    KepubSpans,
    /// No CSS Adobe RMSDK rejects.
    RmsdkCss,
}

/// A check the gate runs on an edition's files together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetCheck {
    /// Google processes a set only when each identifier's files are
    /// complete: an interior PDF with its front cover, an EPUB, nothing
    /// left over.
    GoogleSet,
}

const STEM_EPUB: EditionFile = EditionFile {
    name: FileName::Stem(".epub"),
    content: Content::Epub {
        transform: unchanged,
        checks: &[EpubCheck::Images],
    },
};

const STEM_COVER: EditionFile = EditionFile {
    name: FileName::Stem("-cover.jpg"),
    content: Content::Cover,
};

/// KDP's: every size and count from KDP's help pages and its guidelines.
const KINDLE: StoreRules = StoreRules {
    store: Store::Kindle,
    size_cap: SizeCap {
        bytes: 650_000_000,
        source: "KDP: 650 MB",
    },
    cover: CoverRule::AtLeast {
        width: 625,
        height: 1000,
        source: "KDP",
    },
    images: ImageRule {
        max_bytes: Some(5_000_000),
        rgb_only: false,
        source: "KDP: 5 MB each",
    },
    files: &[
        EditionFile {
            name: FileName::Stem(".epub"),
            content: Content::Epub {
                transform: kindle::transform,
                checks: &[
                    EpubCheck::Images,
                    EpubCheck::KindleConversion,
                    EpubCheck::KindleTocDepth,
                    EpubCheck::KdpLanguage,
                ],
            },
        },
        STEM_COVER,
    ],
    set_checks: &[],
};

/// Apple Books Asset Guide.
const APPLE: StoreRules = StoreRules {
    store: Store::Apple,
    size_cap: SizeCap {
        bytes: 2_000_000_000,
        source: "Apple Books: 2 GB",
    },
    cover: CoverRule::ShorterSide {
        min: 1400,
        source: "Apple",
    },
    images: ImageRule {
        max_bytes: None,
        rgb_only: false,
        source: "Apple Books",
    },
    files: &[
        EditionFile {
            name: FileName::Stem(".epub"),
            content: Content::Epub {
                transform: apple::transform,
                checks: &[
                    EpubCheck::Images,
                    EpubCheck::AppleDisplayOptions,
                    EpubCheck::AppleLandmarks,
                    EpubCheck::AppleEmoji,
                ],
            },
        },
        STEM_COVER,
    ],
    set_checks: &[],
};

/// Kobo Writing Life: the kepub for Kobo's own reader, the plain EPUB for
/// readers on Adobe RMSDK.
const KOBO: StoreRules = StoreRules {
    store: Store::Kobo,
    size_cap: SizeCap {
        bytes: 100_000_000,
        source: "Kobo Writing Life: 100 MB",
    },
    cover: CoverRule::AtLeast {
        width: 625,
        height: 1000,
        source: "KDP's minimum; Kobo states none in pixels",
    },
    images: ImageRule {
        max_bytes: Some(5_000_000),
        rgb_only: true,
        source: "Kobo: 5 MB each, RGB",
    },
    files: &[
        EditionFile {
            name: FileName::Stem(".kepub.epub"),
            content: Content::Epub {
                transform: kobo::kepub,
                checks: &[EpubCheck::Images, EpubCheck::KepubSpans],
            },
        },
        EditionFile {
            name: FileName::Stem(".epub"),
            content: Content::Epub {
                transform: kobo::rmsdk,
                checks: &[EpubCheck::RmsdkCss],
            },
        },
        STEM_COVER,
    ],
    set_checks: &[],
};

/// Google Play Books Partner Center, "Files and uploading overview"
/// (support.google.com/books/partner/answer/3424254): the EPUB under the
/// ebook ISBN, the PDF under the print ISBN (Google's recommendation when a
/// book has both), and since `ISBN_interior.pdf` only processes with its
/// `ISBN_frontcover` ("an incomplete set of files will not process"), the
/// cover under each identifier that has content.
const GOOGLE: StoreRules = StoreRules {
    store: Store::Google,
    size_cap: SizeCap {
        bytes: 2_000_000_000,
        source: "Google Play Books: 2 GB",
    },
    cover: CoverRule::SidesWithin {
        min: 640,
        max: 7200,
        source: "Google",
    },
    images: ImageRule {
        max_bytes: None,
        rgb_only: false,
        source: "Google Play Books",
    },
    files: &[
        EditionFile {
            name: FileName::EbookIsbn(".epub"),
            content: Content::Epub {
                transform: unchanged,
                checks: &[EpubCheck::Images],
            },
        },
        EditionFile {
            name: FileName::EbookIsbn("_frontcover.jpg"),
            content: Content::Cover,
        },
        EditionFile {
            name: FileName::PrintIsbn("_interior.pdf"),
            content: Content::Interior,
        },
        EditionFile {
            name: FileName::PrintIsbn("_frontcover.jpg"),
            content: Content::InteriorCover,
        },
    ],
    set_checks: &[SetCheck::GoogleSet],
};

/// What every store takes: Barnes & Noble Press's 20 MB is the smallest cap.
const GENERIC: StoreRules = StoreRules {
    store: Store::Generic,
    size_cap: SizeCap {
        bytes: 20_000_000,
        source: "Barnes & Noble Press: 20 MB",
    },
    cover: CoverRule::AtLeast {
        width: 625,
        height: 1000,
        source: "KDP's, the largest minimum any store states in pixels",
    },
    images: ImageRule {
        max_bytes: None,
        rgb_only: false,
        source: "any store",
    },
    files: &[STEM_EPUB, STEM_COVER],
    set_checks: &[],
};

/// The row of `store`.
pub fn rules(store: Store) -> &'static StoreRules {
    // One arm per store and no other: a store without a row does not compile.
    match store {
        Store::Kindle => &KINDLE,
        Store::Apple => &APPLE,
        Store::Kobo => &KOBO,
        Store::Google => &GOOGLE,
        Store::Generic => &GENERIC,
    }
}

/// The EPUB as it is: Google and the generic edition take the canonical one.
fn unchanged(epub: &[u8]) -> Result<Vec<u8>, String> {
    Ok(epub.to_vec())
}

/// What the store editions are made from.
pub struct Sources<'a> {
    pub book: &'a Book,
    /// Output file stem: `moby-dick`.
    pub stem: &'a str,
    pub epub: &'a [u8],
    pub cover_jpeg: &'a [u8],
    /// The print interior, when it was built.
    pub pdf: Option<&'a [u8]>,
}

/// Finds what a store needs that the book lacks, before anything is built:
/// a file named by an ISBN needs that ISBN.
pub fn check_requirements(
    book: &Book,
    stores: &[Store],
    named_at: Option<&Location>,
) -> Result<(), Diagnostics> {
    let mut missing = Diagnostics::new();
    for &store in stores {
        for key in missing_isbns(book, store) {
            let what = describe_files(store, key);
            missing.push(
                Diagnostic::error(format!(
                    "the {} edition names {what} by ISBN, and `{key}` is not set",
                    store.name()
                ))
                .at(named_at.cloned())
                .with_hint(format!(
                    "add it under [isbn] in book.toml ({} = \"978-…\"), or take {} out of the stores",
                    key.trim_start_matches("isbn."),
                    store.name()
                )),
            );
        }
    }
    if missing.has_errors() {
        Err(missing)
    } else {
        Ok(())
    }
}

/// The ISBN keys the store's file names need that the book does not set.
pub fn missing_isbns(book: &Book, store: Store) -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = Vec::new();
    for file in rules(store).files {
        if let Some(key) = file.name.needs()
            && isbn(book, key).is_none()
            && !keys.contains(&key)
        {
            keys.push(key);
        }
    }
    keys
}

fn isbn<'a>(book: &'a Book, key: &str) -> Option<&'a Isbn> {
    match key {
        "isbn.ebook" => book.meta.isbn_ebook.as_ref(),
        _ => book.meta.isbn_print.as_ref(),
    }
}

/// "the EPUB and the cover": the files of `store` named by `key`'s ISBN.
fn describe_files(store: Store, key: &str) -> String {
    let mut what: Vec<&str> = Vec::new();
    for file in rules(store)
        .files
        .iter()
        .filter(|f| f.name.needs() == Some(key))
    {
        let name = match file.content {
            Content::Epub { .. } => "the EPUB",
            Content::Cover | Content::InteriorCover => "the cover",
            Content::Interior => "the interior PDF",
        };
        if !what.contains(&name) {
            what.push(name);
        }
    }
    what.join(" and ")
}

/// The files of each store's edition, named `STORE/FILE`; their warnings to `sink`.
pub fn editions(
    stores: &[Store],
    sources: &Sources<'_>,
    sink: &mut Sink,
) -> Result<Vec<OutputFile>, Diagnostics> {
    let results: Vec<Result<Vec<OutputFile>, String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = stores
            .iter()
            .map(|&store| scope.spawn(move || edition(rules(store), sources)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err("a store transform stopped".into()))
            })
            .collect()
    });
    let mut files = Vec::new();
    for (store, result) in stores.iter().zip(results) {
        match result {
            Ok(mut made) => files.append(&mut made),
            Err(detail) => {
                return Err(Diagnostic::error(format!(
                    "could not make the {} edition: {detail}",
                    store.name()
                ))
                .with_hint("this is a bug in quire: please report it with the manuscript")
                .into());
            }
        }
    }
    if sources.pdf.is_none() {
        for &store in stores {
            if rules(store)
                .files
                .iter()
                .any(|f| matches!(f.content, Content::Interior))
            {
                sink.push(
                    Diagnostic::warning(format!(
                        "{}/ has no interior PDF: the print edition was not built",
                        store.name()
                    ))
                    .with_hint("build with --format all for Google Play's \"original pages\""),
                );
            }
        }
    }
    Ok(files)
}

/// One store's files, as its row lists them.
fn edition(rules: &StoreRules, sources: &Sources<'_>) -> Result<Vec<OutputFile>, String> {
    let folder = rules.store.name();
    let meta = &sources.book.meta;
    let mut files = Vec::with_capacity(rules.files.len());
    for file in rules.files {
        let bytes = match (&file.content, sources.pdf) {
            (Content::Epub { transform, .. }, _) => transform(sources.epub)?,
            (Content::Cover, _) => sources.cover_jpeg.to_vec(),
            (Content::Interior, Some(pdf)) => pdf.to_vec(),
            (Content::InteriorCover, Some(_)) => sources.cover_jpeg.to_vec(),
            (Content::Interior | Content::InteriorCover, None) => continue,
        };
        let stem = match file.name {
            FileName::Stem(_) => sources.stem.to_string(),
            FileName::EbookIsbn(_) => meta
                .isbn_ebook
                .as_ref()
                .ok_or("no ebook ISBN")?
                .digits()
                .to_string(),
            FileName::PrintIsbn(_) => meta
                .isbn_print
                .as_ref()
                .ok_or("no print ISBN")?
                .digits()
                .to_string(),
        };
        files.push(OutputFile {
            name: format!("{folder}/{stem}{}", file.name.suffix()),
            bytes,
        });
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_store_has_its_own_row() {
        for store in Store::ALL {
            let row = rules(store);
            assert_eq!(row.store, store, "{store:?} is given another store's row");
            assert!(
                row.files
                    .iter()
                    .any(|f| matches!(f.content, Content::Epub { .. })),
                "{store:?} writes no EPUB"
            );
            assert!(
                row.files
                    .iter()
                    .any(|f| matches!(f.content, Content::Cover)),
                "{store:?} writes no cover"
            );
        }
    }

    #[test]
    fn cover_rules_measure_what_they_say() {
        let kdp = rules(Store::Kindle).cover;
        assert!(kdp.accepts(625, 1000) && !kdp.accepts(624, 1000));
        let apple = rules(Store::Apple).cover;
        assert!(apple.accepts(1400, 2240) && !apple.accepts(1399, 2560));
        let google = rules(Store::Google).cover;
        assert!(google.accepts(640, 7200) && !google.accepts(639, 1000));
        assert!(!google.accepts(1600, 7201));
        assert_eq!(google.describe(), "Google: 640–7200 px");
    }
}
