//! Store editions: the files each store takes, made from the one canonical
//! EPUB (and, for Google, the print PDF and the cover) by small transforms
//! of the finished archive, never by a second writer. Each store's folder
//! under `out/` is named as the store:
//!
//! | store | files | transform |
//! |---|---|---|
//! | `kindle` | `NAME.epub`, `NAME-cover.jpg` | [`kindle`]: KDP's conversion rules |
//! | `apple` | `NAME.epub`, `NAME-cover.jpg` | [`apple`]: display options, landmarks, text presentation |
//! | `kobo` | `NAME.kepub.epub`, `NAME.epub`, `NAME-cover.jpg` | [`kobo`]: koboSpans; RMSDK-safe CSS |
//! | `google` | `EBOOK-ISBN.epub`, `PRINT-ISBN_interior.pdf`, `EBOOK-ISBN_frontcover.jpg` | none: named by ISBN |
//! | `generic` | `NAME.epub`, `NAME-cover.jpg` | none |
//!
//! The transforms run side by side, one thread per store.

mod apple;
pub(crate) mod archive;
pub mod css;
pub mod kepub;
mod kindle;
mod kobo;
pub mod xml;

pub use apple::{EMOJI_PRONE, TEXT_PRESENTATION};
pub use kindle::TOC_DEPTH;

use crate::OutputFile;
use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::model::Book;

/// A store the book is sold in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Store {
    Kindle,
    Apple,
    Kobo,
    Google,
    Generic,
}

impl Store {
    pub const ALL: [Store; 5] = [
        Store::Kindle,
        Store::Apple,
        Store::Kobo,
        Store::Google,
        Store::Generic,
    ];

    /// The name in `book.toml`, on the command line and of the folder.
    pub fn name(self) -> &'static str {
        match self {
            Store::Kindle => "kindle",
            Store::Apple => "apple",
            Store::Kobo => "kobo",
            Store::Google => "google",
            Store::Generic => "generic",
        }
    }

    pub fn parse(name: &str) -> Option<Store> {
        Store::ALL
            .into_iter()
            .find(|s| s.name().eq_ignore_ascii_case(name.trim()))
    }

    /// "`kindle`, `apple`, `kobo`, `google`, `generic`", for messages.
    pub fn known() -> String {
        Store::ALL.map(|s| format!("`{}`", s.name())).join(", ")
    }

    /// The largest EPUB the store takes, in bytes, and where that is said.
    pub fn size_cap(self) -> (u64, &'static str) {
        match self {
            Store::Kindle => (650_000_000, "KDP: 650 MB"),
            Store::Apple => (2_000_000_000, "Apple Books: 2 GB"),
            Store::Kobo => (100_000_000, "Kobo Writing Life: 100 MB"),
            Store::Google => (2_000_000_000, "Google Play Books: 2 GB"),
            // What every store takes: Barnes & Noble Press's 20 MB.
            Store::Generic => (20_000_000, "Barnes & Noble Press: 20 MB"),
        }
    }
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
/// Google names its files by ISBN.
pub fn check_requirements(
    book: &Book,
    stores: &[Store],
    named_at: Option<&Location>,
) -> Result<(), Diagnostics> {
    if !stores.contains(&Store::Google) {
        return Ok(());
    }
    let mut missing = Diagnostics::new();
    for (key, isbn) in [
        ("isbn.ebook", &book.meta.isbn_ebook),
        ("isbn.print", &book.meta.isbn_print),
    ] {
        if isbn.is_none() {
            let what = if key == "isbn.ebook" {
                "the EPUB and the cover"
            } else {
                "the interior PDF"
            };
            missing.push(
                Diagnostic::error(format!(
                    "the google edition names {what} by ISBN, and `{key}` is not set"
                ))
                .at(named_at.cloned())
                .with_hint(format!(
                    "add it under [isbn] in book.toml ({} = \"978-…\"), or take google out of the stores",
                    key.trim_start_matches("isbn.")
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

/// The files of each store's edition, named `STORE/FILE`, with warnings.
pub fn editions(
    stores: &[Store],
    sources: &Sources<'_>,
) -> Result<(Vec<OutputFile>, Vec<Diagnostic>), Diagnostics> {
    let results: Vec<Result<Vec<OutputFile>, String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = stores
            .iter()
            .map(|&store| scope.spawn(move || edition(store, sources)))
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
    let mut warnings = Vec::new();
    if stores.contains(&Store::Google) && sources.pdf.is_none() {
        warnings.push(
            Diagnostic::warning("google/ has no interior PDF: the print edition was not built")
                .with_hint("build with --format all for Google Play's \"original pages\""),
        );
    }
    Ok((files, warnings))
}

/// One store's files.
fn edition(store: Store, sources: &Sources<'_>) -> Result<Vec<OutputFile>, String> {
    let stem = sources.stem;
    let folder = store.name();
    let file = |name: String, bytes: Vec<u8>| OutputFile {
        name: format!("{folder}/{name}"),
        bytes,
    };
    let cover = || file(format!("{stem}-cover.jpg"), sources.cover_jpeg.to_vec());
    Ok(match store {
        Store::Kindle => vec![
            file(format!("{stem}.epub"), kindle::transform(sources.epub)?),
            cover(),
        ],
        Store::Apple => vec![
            file(format!("{stem}.epub"), apple::transform(sources.epub)?),
            cover(),
        ],
        Store::Kobo => vec![
            file(format!("{stem}.kepub.epub"), kobo::kepub(sources.epub)?),
            file(format!("{stem}.epub"), kobo::rmsdk(sources.epub)?),
            cover(),
        ],
        Store::Google => {
            let meta = &sources.book.meta;
            let ebook = meta.isbn_ebook.as_ref().ok_or("no ebook ISBN")?;
            let mut files = vec![
                file(format!("{}.epub", ebook.digits()), sources.epub.to_vec()),
                file(
                    format!("{}_frontcover.jpg", ebook.digits()),
                    sources.cover_jpeg.to_vec(),
                ),
            ];
            if let Some(pdf) = sources.pdf {
                let print = meta.isbn_print.as_ref().ok_or("no print ISBN")?;
                files.push(file(
                    format!("{}_interior.pdf", print.digits()),
                    pdf.to_vec(),
                ));
            }
            files
        }
        Store::Generic => vec![file(format!("{stem}.epub"), sources.epub.to_vec()), cover()],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for store in Store::ALL {
            assert_eq!(Store::parse(store.name()), Some(store));
        }
        assert_eq!(Store::parse(" Kindle "), Some(Store::Kindle));
        assert_eq!(Store::parse("nook"), None);
        assert_eq!(
            Store::known(),
            "`kindle`, `apple`, `kobo`, `google`, `generic`"
        );
    }
}
