//! quire turns a Markdown manuscript into an EPUB 3 and a print-ready PDF from
//! one shared book model.
//!
//! The pipeline: [`project`] reads the files once; [`config`] checks
//! `book.toml`; [`parse`] turns each Markdown file into blocks; [`resolve`]
//! assembles the one format-neutral [`model::Book`]; [`layout`] sets it in
//! pages (shaping, line breaking, pagination) and hands back where each page
//! starts; [`epub`] writes the ebook from the model and that page map;
//! [`pdf`] draws the laid-out pages; [`cover`] makes the covers. Each back end
//! returns bytes; only the CLI writes files ([`output`]).
#![forbid(unsafe_code)]

pub mod config;
pub mod cover;
pub mod diag;
pub mod epub;
pub mod fonts;
pub mod images;
pub mod layout;
pub mod model;
pub mod output;
pub mod parse;
pub mod pdf;
pub mod project;
pub mod resolve;

use std::sync::Arc;
use std::time::{Duration, Instant};

use diag::{Diagnostic, Diagnostics};
use model::Book;
use project::{CONFIG_FILE, Project};

/// Which editions to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formats {
    pub epub: bool,
    pub pdf: bool,
}

impl Formats {
    pub const ALL: Formats = Formats {
        epub: true,
        pdf: true,
    };
}

/// How to build.
#[derive(Debug, Clone)]
pub struct Options {
    pub formats: Formats,
    /// `SOURCE_DATE_EPOCH`: dates in the outputs. `None`: the configured date.
    pub source_date_epoch: Option<i64>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            formats: Formats::ALL,
            source_date_epoch: None,
        }
    }
}

/// One file the build produced, not yet written.
#[derive(Debug, Clone)]
pub struct OutputFile {
    /// File name inside the output folder.
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Time spent in each stage of one build.
#[derive(Debug, Clone, Default)]
pub struct Timings {
    pub parse: Duration,
    pub layout: Duration,
    pub epub: Duration,
    pub pdf: Duration,
    pub cover: Duration,
    pub total: Duration,
}

/// What a successful build made.
#[derive(Debug, Clone)]
pub struct Outputs {
    pub files: Vec<OutputFile>,
    pub warnings: Vec<Diagnostic>,
    /// Print pages of the interior.
    pub pages: usize,
    pub report: layout::Report,
    pub timings: Timings,
}

/// Reads `book.toml`, the manuscript and the assets, and resolves the book.
pub fn load_book(
    project: &Project,
    options: &Options,
) -> Result<(Book, Vec<Diagnostic>), Diagnostics> {
    let text = project.get(CONFIG_FILE).ok_or_else(|| {
        Diagnostics::from(
            Diagnostic::error("manuscript/book.toml not found").with_hint(
                "create it with at least a title: title = \"My Book\" (or run `quire init`)",
            ),
        )
    })?;
    let text = std::str::from_utf8(text).map_err(|_| {
        Diagnostics::from(
            Diagnostic::error("manuscript/book.toml is not UTF-8 text")
                .with_hint("save the file as UTF-8 in your editor"),
        )
    })?;
    let config = config::parse(text)?;
    let files = resolve::manuscript_files(project, &config)?;
    let parsed: Vec<Arc<parse::ParsedFile>> = files
        .iter()
        .enumerate()
        .map(|(i, f)| Arc::new(parse::parse(&f.text, i as u32, &f.path)))
        .collect();
    let resolve_options = resolve::ResolveOptions {
        source_date_epoch: options.source_date_epoch,
    };
    resolve::assemble(project, &config, &files, &parsed, &resolve_options)
}

/// Runs the whole pipeline in memory and returns the files to write.
pub fn build(project: &Project, options: &Options) -> Result<Outputs, Diagnostics> {
    let started = Instant::now();
    let mut timings = Timings::default();

    let (book, mut warnings) = load_book(project, options)?;
    timings.parse = started.elapsed();

    let fonts = fonts::Fonts::load(project, &book.fonts)?;

    let t = Instant::now();
    let laid_out = layout::layout(&book, &fonts)?;
    warnings.extend(laid_out.warnings.iter().cloned());
    timings.layout = t.elapsed();

    let t = Instant::now();
    let cover_jpeg = cover::ebook_cover(&book, &fonts)?;
    warnings.extend(cover::cover_warnings(&book));
    timings.cover = t.elapsed();

    let stem = output_stem(&book);
    let mut files = Vec::new();
    // The two editions are independent once the layout is known: write them side by side.
    let (epub, pdf) = std::thread::scope(|scope| {
        let epub = options.formats.epub.then(|| {
            scope.spawn(|| {
                let t = Instant::now();
                let bytes = epub::write(&book, &laid_out.page_map, &cover_jpeg);
                (bytes, t.elapsed())
            })
        });
        let pdf = options.formats.pdf.then(|| {
            let t = Instant::now();
            let bytes = pdf::write(&book, &laid_out.pages, &fonts);
            (bytes, t.elapsed())
        });
        (
            epub.map(|h| h.join().expect("the EPUB writer does not panic")),
            pdf,
        )
    });
    if let Some((bytes, elapsed)) = epub {
        timings.epub = elapsed;
        files.push(OutputFile {
            name: format!("{stem}.epub"),
            bytes: bytes?,
        });
        files.push(OutputFile {
            name: format!("{stem}-cover.jpg"),
            bytes: cover_jpeg.clone(),
        });
    }
    if let Some((bytes, elapsed)) = pdf {
        timings.pdf = elapsed;
        files.push(OutputFile {
            name: format!("{stem}.pdf"),
            bytes: bytes?,
        });
    }
    timings.total = started.elapsed();
    Ok(Outputs {
        files,
        warnings,
        pages: laid_out.pages.pages.len(),
        report: laid_out.report,
        timings,
    })
}

/// Output files are named after the title: `none-of-us-are-free.epub`.
pub fn output_stem(book: &Book) -> String {
    let stem = parse::slug(&book.meta.title);
    if stem.is_empty() {
        "book".to_string()
    } else {
        stem
    }
}
