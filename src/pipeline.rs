//! The one pipeline every command runs: `build`, `watch` and `check` ask it
//! for the files (`check` also for what made them), `serve` for the
//! preview's documents. The stages they share (load, fonts, the build
//! cache, layout and the cover beside it) are [`set_book`]; only what each
//! command does with the set book differs ([`write_files`],
//! [`preview_documents`]), so a stage added to the first half is in all of them.

use std::sync::Arc;
use std::time::Instant;

use crate::diag::{Diagnostics, Sink};
use crate::model::{Book, Store};
use crate::project::Project;
use crate::writers::{
    Sources, ebook_cover_key, edition_files, print_cover_key, store_files, write_editions,
};
use crate::{
    BuildCache, Inspection, Kept, Options, Outputs, Preview, Timings, check, cover, epub,
    epub_faces, fonts, layout, load_book_with, load_fonts, output_stem, stores,
};

/// What a command wants from the pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wants {
    /// The files `quire build` and watch mode write.
    Files,
    /// The files, with the book, its layout and the cover sheet kept for
    /// `quire check` to measure (the same stages, so the gate sees every
    /// file and warning a build makes).
    Inspection,
    /// What `quire serve` shows: the print pages and the preview's ebook
    /// documents in place of the writers; no cover, no stores.
    Preview,
}

impl Wants {
    fn files(self) -> bool {
        self != Wants::Preview
    }
}

/// What the pipeline made: the files (and, for [`Wants::Inspection`], what
/// made them), or the preview (boxed: each holds a whole book).
pub(crate) enum Made {
    Files(Box<Outputs>, Option<Box<Inspection>>),
    Preview(Box<Preview>),
}

/// Runs the pipeline for `wants`, reusing what `cache` holds from earlier
/// builds and leaving this build's work in it for the next one.
pub(crate) fn run(
    project: &Project,
    options: &Options,
    cache: &mut BuildCache,
    wants: Wants,
) -> Result<Made, Diagnostics> {
    let made = run_once(project, options, cache, wants);
    // Only the files' build is kept on disk for the next process; serve
    // keeps its paragraphs in memory.
    if cache.remember && wants.files() && made.is_ok() {
        cache.gather_pending();
    }
    cache.end_build();
    made
}

fn run_once(
    project: &Project,
    options: &Options,
    cache: &mut BuildCache,
    wants: Wants,
) -> Result<Made, Diagnostics> {
    let started = Instant::now();
    // Every stage reports here, in the order they run.
    let mut sink = Sink::new();
    let set = set_book(project, options, cache, wants, &mut sink)?;
    if wants == Wants::Preview {
        return preview_documents(set, cache, sink, started).map(|p| Made::Preview(Box::new(p)));
    }
    let (outputs, inspection) = write_files(set, options, cache, wants, sink, started)?;
    Ok(Made::Files(Box::new(outputs), inspection.map(Box::new)))
}

/// The ebook cover of one build: its key, the cover made while layout ran
/// (with the time it took), or the one an earlier build kept.
struct EbookCover {
    key: u64,
    made: Option<(Result<Vec<u8>, Diagnostics>, std::time::Duration)>,
    cached: Option<Arc<Vec<u8>>>,
}

/// The first half every command shares: the book loaded, its fonts, what
/// the cache holds for them, and the book laid out in pages.
struct SetBook {
    book: Book,
    fonts: fonts::Fonts,
    fonts_key: u64,
    layout_key: u64,
    laid_out: layout::LaidOut,
    cover: EbookCover,
    store_editions: Vec<Store>,
    timings: Timings,
}

/// Loads the book, its fonts and what the cache holds for them, and lays it
/// out (with the ebook cover made beside layout when the files are wanted).
fn set_book(
    project: &Project,
    options: &Options,
    cache: &mut BuildCache,
    wants: Wants,
    sink: &mut Sink,
) -> Result<SetBook, Diagnostics> {
    let started = Instant::now();
    let mut timings = Timings::default();
    // The last process's work is read and decoded while the book is parsed.
    let recalled = cache.recall_in_background();

    let mut book = load_book_with(project, options, cache, sink)?;
    let store_editions = if wants.files() && options.formats.epub {
        options.stores_for(&book)
    } else {
        Vec::new()
    };
    stores::check_requirements(&book, &store_editions, book.settings_at.get("stores"))?;
    timings.parse = started.elapsed();

    let fonts = load_fonts(project, &mut book)?;
    let (fonts, words, fonts_key) = cache.share(fonts);
    if let Some(recalled) = recalled.and_then(|handle| handle.join().ok().flatten()) {
        cache.take_recalled(recalled, &book, &fonts, &words, fonts_key);
    }
    let (layout_key, reuse) = cache.paragraphs_for(&book, fonts_key);

    // The cover depends only on the metadata, the art and the fonts: make it while layout runs.
    let wants_cover = wants.files() && options.formats.epub;
    let cover_key = ebook_cover_key(&book, layout_key);
    let cached_cover = wants
        .files()
        .then(|| cache.ebook_cover(cover_key, options))
        .flatten();
    // The preview draws the print pages whatever the formats asked.
    let for_print = options.formats.pdf || !wants.files();
    let (laid_out, made_cover) = std::thread::scope(|scope| {
        let cover = (wants_cover && cached_cover.is_none()).then(|| {
            scope.spawn(|| {
                let t = Instant::now();
                (cover::ebook_cover(&book, &fonts), t.elapsed())
            })
        });
        let t = Instant::now();
        let laid_out =
            layout::layout_reusing(&book, &fonts, &words, reuse.as_ref(), for_print, sink);
        timings.layout = t.elapsed();
        let cover = cover.map(|h| h.join().expect("the cover does not panic"));
        (laid_out, cover)
    });
    let laid_out = laid_out?;
    timings.take_layout(laid_out.timings);
    Ok(SetBook {
        book,
        fonts,
        fonts_key,
        layout_key,
        laid_out,
        cover: EbookCover {
            key: cover_key,
            made: made_cover,
            cached: cached_cover,
        },
        store_editions,
        timings,
    })
}

/// `serve`'s second half: the preview's ebook documents and the faults
/// `quire check` counts; the set paragraphs kept in memory for the next edit.
fn preview_documents(
    set: SetBook,
    cache: &mut BuildCache,
    mut sink: Sink,
    started: Instant,
) -> Result<Preview, Diagnostics> {
    let SetBook {
        book,
        fonts,
        layout_key,
        mut laid_out,
        ..
    } = set;
    // The preview shows the ebook: its cover art's faults, as the build warns of them.
    cover::cover_warnings(&book, &mut sink);
    let faces = epub_faces(&book, &fonts);
    let ebook = epub::preview(&book, &laid_out.page_map, &faces)?;
    let findings = check::findings(&book, &laid_out);
    if cache.keep {
        let paragraphs = std::mem::take(&mut laid_out.paragraphs);
        cache.paragraphs = Some((layout_key, Arc::new(paragraphs)));
    }
    Ok(Preview {
        book,
        fonts,
        laid_out,
        ebook,
        findings,
        warnings: sink.into_warnings(),
        elapsed: started.elapsed(),
    })
}

/// The files' second half: the editions written side by side, the store
/// editions made from them, and what the next build reuses.
fn write_files(
    set: SetBook,
    options: &Options,
    cache: &mut BuildCache,
    wants: Wants,
    mut sink: Sink,
    started: Instant,
) -> Result<(Outputs, Option<Inspection>), Diagnostics> {
    let SetBook {
        book,
        fonts,
        fonts_key,
        layout_key,
        mut laid_out,
        cover: ebook_cover,
        store_editions,
        mut timings,
    } = set;
    let cover_jpeg: Arc<Vec<u8>> = match (ebook_cover.made, ebook_cover.cached) {
        (Some((jpeg, elapsed)), _) => {
            timings.cover = elapsed;
            let jpeg = jpeg?;
            if let Some(disk) = &cache.disk {
                disk.write("cover", ebook_cover.key, "jpg", &jpeg);
            }
            Arc::new(jpeg)
        }
        (None, Some(cached)) => cached,
        (None, None) => Arc::new(Vec::new()),
    };
    if options.formats.epub {
        cover::cover_warnings(&book, &mut sink);
    }

    let stem = output_stem(&book);
    let mut files = Vec::new();
    let print_cover_key = print_cover_key(&book, laid_out.pages.pages.len(), fonts_key);
    let cached_print_cover = cache.print_cover(print_cover_key);
    let (mut pdf_cache, mut epub_cache) = if cache.keep {
        (
            std::mem::take(&mut cache.pdf),
            std::mem::take(&mut cache.epub),
        )
    } else {
        Default::default()
    };
    let inspect = wants == Wants::Inspection;
    // The editions are independent once the layout is known: write them side by side.
    let written = write_editions(
        &Sources {
            book: &book,
            fonts: &fonts,
            laid_out: &laid_out,
            cover_jpeg: &cover_jpeg,
            cached_print_cover: &cached_print_cover,
            keep_sheet: inspect,
            options,
        },
        &mut pdf_cache,
        &mut epub_cache,
    );
    let (made_print_cover, print_sheet) = edition_files(
        written,
        &stem,
        &cover_jpeg,
        cache.keep,
        &mut files,
        &mut timings,
    )?;
    if !store_editions.is_empty() {
        let t = Instant::now();
        store_files(
            &book,
            &stem,
            &cover_jpeg,
            &store_editions,
            &mut files,
            &mut sink,
        )?;
        timings.stores = t.elapsed();
    }
    // Only a successful build updates what the next one reuses.
    if cache.keep {
        cache.keep_for_next(Kept {
            paragraphs: (layout_key, std::mem::take(&mut laid_out.paragraphs)),
            cover: options
                .formats
                .epub
                .then_some((ebook_cover.key, cover_jpeg)),
            pdf: pdf_cache,
            epub: epub_cache,
            // A print cover read back is kept already.
            print_cover: made_print_cover
                .filter(|_| cached_print_cover.is_none())
                .map(|bytes| (print_cover_key, bytes)),
        });
    }
    let pages = laid_out.pages.pages.len();
    let report = std::mem::take(&mut laid_out.report);
    let inspection = if inspect {
        laid_out.report = report.clone();
        Some(Inspection {
            book,
            laid_out,
            print_cover: print_sheet,
        })
    } else if cache.ends_process {
        std::mem::forget((laid_out, book, fonts));
        None
    } else {
        // Freeing a long book's pages, lines and model is a tenth of its build:
        // leave it to another thread while the caller writes the files.
        crate::drop_elsewhere((laid_out, book, fonts));
        None
    };
    timings.total = started.elapsed();
    let outputs = Outputs {
        files,
        warnings: sink.into_warnings(),
        pages,
        report,
        timings,
    };
    Ok((outputs, inspection))
}
