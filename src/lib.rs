//! quire turns a Markdown manuscript into an EPUB 3 and a print-ready PDF from
//! one shared book model.
//!
//! The pipeline: [`project`] reads the files once; [`config`] checks
//! `book.toml`; [`parse`] turns each Markdown file into blocks; [`resolve`]
//! assembles the one format-neutral [`model::Book`]; [`layout`] sets it in
//! pages (shaping, line breaking, pagination) and hands back where each page
//! starts; [`epub`] writes the ebook from the model and that page map;
//! [`pdf`] draws the laid-out pages; [`cover`] makes the covers. Each back end
//! returns bytes; only the CLI writes files ([`output`]). Every command runs
//! the one pipeline (`pipeline::run`), asking for what it wants, and every
//! stage reports to its [`diag::Sink`].
#![forbid(unsafe_code)]

// Layout allocates and frees millions of small pieces (items, lines, runs)
// on every core; glibc's allocator spent a fifth of the build in malloc,
// free and their locks.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub mod cache;
pub mod check;
pub mod config;
pub mod cover;
pub mod diag;
pub mod epub;
pub mod filename;
pub mod fonts;
pub mod images;
pub mod import;
pub mod layout;
pub mod memory;
pub mod model;
pub mod output;
pub mod parse;
pub mod pdf;
mod pipeline;
pub mod project;
pub mod resolve;
pub mod serve;
pub mod stores;
pub mod watch;
mod writers;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

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
    /// The store editions to write (`--store`); `None`: the ones `book.toml` names.
    pub stores: Option<Vec<model::Store>>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            formats: Formats::ALL,
            source_date_epoch: None,
            stores: None,
        }
    }
}

impl Options {
    /// The store editions this build writes.
    pub fn stores_for(&self, book: &Book) -> Vec<model::Store> {
        self.stores
            .clone()
            .unwrap_or_else(|| book.ebook.stores.clone())
    }
}

/// One file the build produced, not yet written.
#[derive(Debug, Clone)]
pub struct OutputFile {
    /// File name inside the output folder.
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Time spent in each stage of one build (wall clock; `shape` is CPU time
/// summed over the layout workers, and lies inside `set`).
#[derive(Debug, Clone, Default)]
pub struct Timings {
    /// Reading book.toml, parsing the Markdown, resolving the model.
    pub parse: Duration,
    pub shape: Duration,
    /// Shaping and line breaking of the body sections.
    pub set: Duration,
    /// Pagination and composing the pages.
    pub paginate: Duration,
    /// All of layout (set + paginate + the gutter's re-layout if any).
    pub layout: Duration,
    /// Times layout set the whole book (see [`layout::LayoutTimings::passes`]).
    pub layout_passes: u32,
    pub epub: Duration,
    pub pdf: Duration,
    /// The ebook cover (JPEG).
    pub cover: Duration,
    /// The print wrap cover (PDF).
    pub print_cover: Duration,
    /// The store editions, made from the finished EPUB.
    pub stores: Duration,
    pub total: Duration,
}

impl Timings {
    /// Layout's own split of its time.
    fn take_layout(&mut self, layout: layout::LayoutTimings) {
        self.shape = layout.shape;
        self.set = layout.set;
        self.paginate = layout.paginate;
        self.layout_passes = layout.passes;
    }
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

/// The print cover's kind in the cache folder: kept whole, so a build
/// process after an edit that keeps the page count does not make it again.
const PRINT_COVER: &str = "print-cover";

/// What a rebuild can reuse from the builds before it (watch mode): parsed
/// files by content, set paragraphs by content and setting, and the cover.
/// Everything is keyed by content, so a stale entry is never used.
#[derive(Debug, Default)]
pub struct BuildCache {
    /// Keep work for the next build (off for one-shot builds, which would only pay for it).
    keep: bool,
    parsed: HashMap<(u32, String), (u64, Arc<parse::ParsedFile>)>,
    /// Set paragraphs, valid for `layout_key`'s fonts and settings.
    paragraphs: Option<(u64, Arc<layout::paragraph::ParagraphCache>)>,
    cover: Option<(u64, Arc<Vec<u8>>)>,
    /// The interior's font subsets and compressed page streams.
    pdf: pdf::PdfCache,
    /// The EPUB's deflated documents.
    epub: epub::EpubCache,
    /// The print cover, by a hash of what it shows (the spine follows the page count).
    print_cover: Option<(u64, Arc<Vec<u8>>)>,
    /// The cache folder shared with later processes (the cover), if any.
    disk: Option<cache::DiskCache>,
    /// Take the last process's work from the cache folder at the start of
    /// each build, and leave this build's there for the next ([`memory`]).
    remember: bool,
    /// This build's work, to be written to the cache folder ([`BuildCache::take_pending`]).
    pending: Option<memory::Pending>,
    /// Keep the loaded fonts (and the words shaped in them) for the next
    /// build, even when nothing else is kept (a catalogue of books).
    share_fonts: bool,
    /// The process ends after this build ([`BuildCache::ending_the_process`]).
    pub ends_process: bool,
    /// The loaded fonts, by the key of their files, and the words shaped in them.
    fonts: Option<(u64, fonts::Fonts, layout::shape::ShapedWords)>,
    /// The words' shards the last process kept, in these fonts.
    kept_words: Option<memory::KeptWords>,
    /// This build did not read them (it takes every paragraph whole): the
    /// cache names them again ([`memory::Pending::carried_words`]).
    words_carried: bool,
}

impl BuildCache {
    /// A cache that keeps each build's work for the next (watch mode, benchmarks).
    pub fn for_rebuilds() -> BuildCache {
        BuildCache {
            keep: true,
            ..BuildCache::default()
        }
    }

    /// A cache that also keeps each build's work in the cache folder
    /// ([`BuildCache::with_folder`]) for the next process, and starts from the
    /// last process's (`quire build`). The caller writes it with
    /// [`BuildCache::take_pending`] once the outputs are in place.
    pub fn remembering(mut self) -> BuildCache {
        self.keep = true;
        self.remember = true;
        self
    }

    /// The process ends when this build is written (`quire build` of one
    /// book): what the build made is left for the operating system to take
    /// back with the process, not freed piece by piece (a long book's pages,
    /// lines and model are a million allocations, 40 ms of Moby-Dick's
    /// build on a core the cache's writing needs).
    pub fn ending_the_process(mut self) -> BuildCache {
        self.ends_process = true;
        self
    }

    /// This build's work for the cache folder, when the cache remembers and
    /// the build succeeded: [`memory::Pending::save`] writes it (on any thread).
    pub fn take_pending(&mut self) -> Option<memory::Pending> {
        self.pending.take()
    }

    /// A cache for building several books one after another (a catalogue):
    /// each reuses the fonts and the words shaped in them when its fonts are
    /// the same files; nothing of one book's text is reused for another.
    pub fn for_catalogue() -> BuildCache {
        BuildCache {
            share_fonts: true,
            ..BuildCache::default()
        }
    }

    /// After each build, successful or not: a cache that keeps work for the
    /// next build forgets the shaped words the last two builds did not use,
    /// so a watch or serve session's memory follows the book, not the edits
    /// made to it (a catalogue's books share their words and keep them).
    fn end_build(&mut self) {
        self.kept_words = None;
        self.words_carried = false;
        // A catalogue's books share their words and keep them.
        if self.keep
            && !self.share_fonts
            && let Some((_, _, words)) = &self.fonts
        {
            words.end_build();
        }
    }

    /// Distinct words shaped in the kept fonts, for `language` (for tests and the benchmark).
    pub fn shaped_words(&self, language: &str) -> usize {
        self.fonts
            .as_ref()
            .map_or(0, |(_, _, words)| words.len(language))
    }

    /// Also keeps what is worth keeping across processes in `folder` (see [`cache`]).
    pub fn with_folder(mut self, folder: impl Into<std::path::PathBuf>) -> BuildCache {
        self.set_folder(folder);
        self
    }

    /// Keeps what is worth keeping across processes in `folder` from now on.
    pub fn set_folder(&mut self, folder: impl Into<std::path::PathBuf>) {
        self.disk = Some(cache::DiskCache::new(folder));
    }

    /// Paragraphs the cache holds (for tests and the benchmark).
    pub fn cached_paragraphs(&self) -> usize {
        self.paragraphs.as_ref().map_or(0, |(_, p)| p.len())
    }

    /// Deflated EPUB documents the cache holds (for tests).
    pub fn cached_epub_documents(&self) -> usize {
        self.epub.len()
    }

    /// Compressed PDF page streams the cache holds (for tests).
    pub fn cached_page_streams(&self) -> usize {
        self.pdf.cached_streams()
    }
}

impl BuildCache {
    /// `fonts`, or the same faces as the build before with the words shaped
    /// in them; the words shaped in them; and the key of their files.
    fn share(&mut self, fonts: fonts::Fonts) -> (fonts::Fonts, layout::shape::ShapedWords, u64) {
        // Megabytes of font files: hashed with FxHash, several times faster than
        // SipHash here (a tenth of a short book's build), and stable across processes.
        let fonts_key = {
            use std::hash::{Hash, Hasher};
            let mut hasher = rustc_hash::FxHasher::default();
            for (_, face) in fonts.iter() {
                face.path.hash(&mut hasher);
                face.bytes.hash(&mut hasher);
            }
            hasher.finish()
        };
        match &self.fonts {
            Some((key, kept, words)) if *key == fonts_key => {
                return (kept.clone(), words.clone(), fonts_key);
            }
            _ => {}
        }
        let words = layout::shape::ShapedWords::default();
        if self.keep || self.share_fonts {
            self.fonts = Some((fonts_key, fonts.clone(), words.clone()));
        }
        (fonts, words, fonts_key)
    }

    /// The key of what set paragraphs depend on besides their text (fonts,
    /// language, hyphenation), and the paragraphs kept under it, when this
    /// cache keeps work.
    fn paragraphs_for(
        &self,
        book: &Book,
        fonts_key: u64,
    ) -> (u64, Option<Arc<layout::paragraph::ParagraphCache>>) {
        let layout_key = layout_key(book, fonts_key);
        let reuse = self.keep.then(|| {
            self.paragraphs
                .as_ref()
                .filter(|(key, _)| *key == layout_key)
                .map(|(_, p)| p.clone())
                .unwrap_or_default()
        });
        (layout_key, reuse)
    }

    /// The ebook cover under `key` from the last build, or from the cache
    /// folder (when the EPUB is wanted), if it holds a JPEG of the size.
    fn ebook_cover(&self, key: u64, options: &Options) -> Option<Arc<Vec<u8>>> {
        let kept = self
            .cover
            .as_ref()
            .filter(|(k, _)| *k == key)
            .map(|(_, c)| c.clone());
        if kept.is_some() || !options.formats.epub {
            return kept;
        }
        let valid =
            |bytes: &[u8]| cache::is_jpeg_of(bytes, cover::EBOOK_WIDTH, cover::EBOOK_HEIGHT);
        self.disk
            .as_ref()
            .and_then(|disk| disk.read("cover", key, "jpg", valid))
            .map(Arc::new)
    }

    /// The print cover made under `key`: this session's, or one the cache
    /// folder keeps (a new process after an edit that kept the page count).
    fn print_cover(&self, key: u64) -> Option<Arc<Vec<u8>>> {
        let kept = self.print_cover.as_ref().filter(|(k, _)| *k == key);
        match kept {
            Some((_, bytes)) => Some(bytes.clone()),
            None => memory::read_whole(self.disk.as_ref()?, PRINT_COVER, key).map(Arc::new),
        }
    }

    /// Keeps a successful build's work for the next one.
    fn keep_for_next(&mut self, kept: Kept) {
        let (layout_key, paragraphs) = kept.paragraphs;
        self.paragraphs = Some((layout_key, Arc::new(paragraphs)));
        if let Some(cover) = kept.cover {
            self.cover = Some(cover);
        }
        self.pdf = kept.pdf;
        self.epub = kept.epub;
        if let Some((key, bytes)) = kept.print_cover {
            if let Some(disk) = &self.disk {
                memory::write_whole(disk, PRINT_COVER, key, &bytes);
            }
            self.print_cover = Some((key, Arc::new(bytes)));
        }
    }
}

/// What a successful build leaves for the next: its paragraphs under the
/// layout key, the ebook cover, the PDF's and the EPUB's caches and the
/// print cover, each under its key.
struct Kept {
    paragraphs: (u64, layout::paragraph::ParagraphCache),
    cover: Option<(u64, Arc<Vec<u8>>)>,
    pdf: pdf::PdfCache,
    epub: epub::EpubCache,
    print_cover: Option<(u64, Vec<u8>)>,
}

/// The key of what set paragraphs depend on besides their text: the
/// fonts, the language and the hyphenation settings.
fn layout_key(book: &Book, fonts_key: u64) -> u64 {
    let settings = format!(
        "{}|{}|{}|{}",
        book.meta.language,
        book.print.hyphenate,
        book.print.hyphenate_capitalized,
        book.print.draft
    );
    content_hash(&[&fonts_key.to_le_bytes(), settings.as_bytes()])
}

impl BuildCache {
    /// Reads the last process's work from the cache folder on another
    /// thread, when this cache remembers (see [`BuildCache::take_recalled`]).
    fn recall_in_background(&self) -> Option<std::thread::JoinHandle<Option<memory::Remembered>>> {
        let disk = self.disk.clone().filter(|_| self.remember)?;
        std::thread::Builder::new()
            .spawn(move || memory::recall(&disk))
            .ok()
    }

    /// Takes what the last process kept, each part only under the key it
    /// was made for: the words when the font files are the same, the
    /// paragraphs when the fonts and settings are; the streams and
    /// documents are keyed by their own content.
    fn take_recalled(
        &mut self,
        mut recalled: memory::Remembered,
        book: &Book,
        fonts: &fonts::Fonts,
        words: &layout::shape::ShapedWords,
        fonts_key: u64,
    ) {
        let key = layout_key(book, fonts_key);
        self.kept_words =
            (recalled.fonts_key == fonts_key).then(|| std::mem::take(&mut recalled.kept_words));
        if recalled.fonts_key == fonts_key {
            if recalled.layout_key == key && recalled.paragraphs_complete && !recalled.damaged {
                // Layout takes every paragraph but the edited ones whole, and
                // shapes the few words it needs itself: the kept words stay
                // in their shards, named again for the next build.
                self.words_carried = true;
            } else if let Some(shaped) = recalled.words().and_then(|later| later.join().ok()) {
                insert_words(words, fonts.iter().count(), shaped);
            }
        }
        if recalled.layout_key == key {
            let paragraphs =
                layout::paragraph::ParagraphCache::from_paragraphs(recalled.paragraphs);
            self.paragraphs = Some((key, Arc::new(paragraphs)));
        }
        self.pdf = pdf::PdfCache::from_streams((
            recalled
                .pdf_pages
                .into_iter()
                .map(|(k, b)| (k, b.0))
                .collect(),
            recalled
                .pdf_other
                .into_iter()
                .map(|(k, b)| (k, Arc::unwrap_or_clone(b.0)))
                .collect(),
        ));
        self.epub = epub::EpubCache::from_documents(
            recalled.epub.into_iter().map(|(k, b)| (k, b.0)).collect(),
        );
    }

    /// After a successful build of a cache that remembers: what to write
    /// to the cache folder (shared references; encoded by the caller).
    fn gather_pending(&mut self) {
        let (Some(disk), Some((fonts_key, _, words))) = (&self.disk, &self.fonts) else {
            return;
        };
        let kept_words = self.kept_words.take();
        let (same_words, carried_words) = if std::mem::take(&mut self.words_carried) {
            (None, kept_words)
        } else {
            // Every word the tables hold was in the kept shards (the tables
            // began empty and took them all): the same words, the same shards.
            let held: usize = words
                .languages()
                .iter()
                .map(|language| words.table(language, 0).len())
                .sum();
            (
                kept_words.filter(|kept| kept.count == held && !kept.names.is_empty()),
                None,
            )
        };
        let tables = words
            .languages()
            .into_iter()
            .map(|language| {
                let table = words.table(&language, 0);
                let build = table.current_build();
                (language, table, build)
            })
            .collect();
        let (layout_key, paragraphs) = match &self.paragraphs {
            Some((key, paragraphs)) => (*key, Some(paragraphs.clone())),
            None => (0, None),
        };
        self.pending = Some(memory::Pending {
            disk: disk.clone(),
            fonts_key: *fonts_key,
            words: tables,
            same_words,
            carried_words,
            layout_key,
            paragraphs,
            pdf: self.pdf.streams(),
            epub: self.epub.documents(),
        });
    }
}

/// Words an earlier process shaped in fonts of `faces` faces, into their tables.
fn insert_words(
    words: &layout::shape::ShapedWords,
    faces: usize,
    shaped: Vec<memory::LanguageWords>,
) {
    for (language, shaped) in shaped {
        let table = words.table(&language, faces);
        for (slot, text, word) in shaped {
            table.insert_shaped(slot, &text, word);
        }
    }
}

/// What `quire serve` shows of one build: the book, its print pages as
/// layout set them (the PDF draws exactly these), the ebook's documents and
/// the faults `quire check` counts, at their places.
pub struct Preview {
    pub book: Book,
    pub fonts: fonts::Fonts,
    pub laid_out: layout::LaidOut,
    pub ebook: epub::PreviewEbook,
    pub findings: Vec<layout::frame::Finding>,
    pub warnings: Vec<Diagnostic>,
    pub elapsed: Duration,
}

/// The pipeline asked for the preview (`quire serve`): the same stages as
/// [`build_with`] up to layout, then the preview's ebook documents, reusing
/// what `cache` holds and leaving this build's paragraphs there. Writes no
/// PDF and packs no EPUB: the preview draws from the pages.
pub fn preview_with(
    project: &Project,
    options: &Options,
    cache: &mut BuildCache,
) -> Result<Preview, Diagnostics> {
    match pipeline::run(project, options, cache, pipeline::Wants::Preview)? {
        pipeline::Made::Preview(preview) => Ok(*preview),
        pipeline::Made::Files(..) => Err(internal_error("the preview's pipeline made files")),
    }
}

/// An error of quire's own, never of the book's: the pipeline made
/// something other than what was asked.
fn internal_error(what: &str) -> Diagnostics {
    Diagnostics::from(Diagnostic::error(format!(
        "{what} (an internal error of quire)"
    )))
}

/// Threads to share parallel work over (chapters, pages, PDF streams): the
/// machine's cores, at most 8. Asked once a process: the standard library
/// reads the cgroup's quota from /sys on every call (1.4 % of the essay's
/// build, which asks a dozen times).
pub(crate) fn workers() -> usize {
    static WORKERS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *WORKERS.get_or_init(|| {
        std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, 8)
    })
}

/// Frees `value` on a thread of its own, while the caller goes on: a long
/// book's pages or PDF objects are a million allocations, milliseconds on
/// the thread that finishes the build. (Should no thread start, `value` is
/// dropped here.)
pub(crate) fn drop_elsewhere<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new().spawn(move || drop(value));
}

/// `work` on contiguous shares of `items`, one per core, side by side: the
/// shares' results in order.
pub(crate) fn on_all_cores<'a, T: Sync, R: Send>(
    items: &'a [T],
    work: impl Fn(&'a [T]) -> R + Sync,
) -> Vec<R> {
    let chunk = items.len().div_ceil(workers()).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|share| {
                let work = &work;
                scope.spawn(move || work(share))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a worker does not panic"))
            .collect()
    })
}

/// A key for cached work, by the bytes it depends on. FxHash: its algorithm
/// is fixed by the locked `rustc-hash` version (std's `DefaultHasher` may
/// change with any Rust release), so a key kept on disk (the covers in
/// `.quire/cache/`, whose names also carry the code's and the compiler's
/// fingerprint, see build.rs) means the same thing to the next build.
fn content_hash(parts: &[&[u8]]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = rustc_hash::FxHasher::default();
    for part in parts {
        part.hash(&mut hasher);
    }
    hasher.finish()
}

/// Reads `book.toml`, the manuscript and the assets, and resolves the book.
pub fn load_book(
    project: &Project,
    options: &Options,
) -> Result<(Book, Vec<Diagnostic>), Diagnostics> {
    let mut sink = diag::Sink::new();
    let book = load_book_with(project, options, &mut BuildCache::default(), &mut sink)?;
    Ok((book, sink.into_warnings()))
}

/// [`load_book`] reporting to the run's `sink`, reusing the files `cache`
/// parsed before.
fn load_book_with(
    project: &Project,
    options: &Options,
    cache: &mut BuildCache,
    sink: &mut diag::Sink,
) -> Result<Book, Diagnostics> {
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
    if config.print.hyphenate && !layout::hyphenate::has_patterns(&config.language) {
        sink.push(
            Diagnostic::warning(format!(
                "no hyphenation patterns for language `{}`: hyphenation is off",
                config.language
            ))
            .at(config.locations.get("language").cloned())
            .with_hint("the print edition is justified without hyphens, so some lines may be loose; set print.hyphenate = false to silence this"),
        );
    }
    let files = resolve::manuscript_files(project, &config, sink)?;
    let mut parsed = Vec::with_capacity(files.len());
    let mut kept = HashMap::with_capacity(files.len());
    // Hard-broken lines read as verse or prose against the print measure.
    let measure = layout::geometry::nominal_measure(&config.print);
    let measure_chars = parse::measure_chars(measure, config.print.font_size);
    for (i, file) in files.iter().enumerate() {
        let key = (i as u32, file.path.clone());
        let hash = content_hash(&[file.text.as_bytes(), &measure_chars.to_le_bytes()]);
        let parse = match cache.parsed.get(&key) {
            Some((h, parse)) if *h == hash => parse.clone(),
            _ => Arc::new(parse::parse_for(
                &file.text,
                i as u32,
                &file.path,
                measure_chars,
            )),
        };
        kept.insert(key, (hash, parse.clone()));
        parsed.push(parse);
    }
    cache.parsed = kept;
    let resolve_options = resolve::ResolveOptions {
        source_date_epoch: options.source_date_epoch,
        input_time: project.input_time(),
    };
    resolve::assemble(project, &config, &files, &parsed, &resolve_options, sink)
}

/// Runs the whole pipeline in memory and returns the files to write.
pub fn build(project: &Project, options: &Options) -> Result<Outputs, Diagnostics> {
    build_with(project, options, &mut BuildCache::default())
}

/// The book's faces, loaded and checked; what the design takes from them is
/// settled in the book (the scene-break ornament the text face has), so
/// every stage that reads the book agrees.
pub fn load_fonts(project: &Project, book: &mut Book) -> Result<fonts::Fonts, Diagnostics> {
    let fonts = fonts::Fonts::load_at(project, &book.fonts, &book.settings_at)?;
    fonts.settle_ornament(&mut book.style.scene_break);
    Ok(fonts)
}

/// The faces the EPUB embeds: none unless `epub.embed-fonts` is set; then
/// the text family's four, the code face and the fallbacks, each under its
/// own family name (the text family's for all four of its faces).
pub fn epub_faces<'a>(book: &Book, fonts: &'a fonts::Fonts) -> Vec<epub::EmbedFace<'a>> {
    use epub::FaceRole;
    use fonts::Style;
    if !book.ebook.embed_fonts.embeds() {
        return Vec::new();
    }
    let family_of = |face: &fonts::FontFace| {
        let parsed = face.face();
        let name = [
            ttf_parser::name_id::TYPOGRAPHIC_FAMILY,
            ttf_parser::name_id::FAMILY,
        ]
        .into_iter()
        .find_map(|id| {
            parsed
                .names()
                .into_iter()
                .filter(|n| n.name_id == id && n.is_unicode())
                .find_map(|n| n.to_string())
        });
        name.unwrap_or_else(|| face.postscript_name.clone())
    };
    let text_family = family_of(fonts.get(Style::Regular));
    let mut faces: Vec<epub::EmbedFace<'a>> = Vec::new();
    for (style, face) in fonts.iter() {
        let file_name = face
            .path
            .rsplit('/')
            .next()
            .unwrap_or(&face.path)
            .to_string();
        // One file may serve two faces (a family without a bold): embed it once.
        // The bundled emoji face is for print: a reader brings emoji of its own.
        if faces.iter().any(|f| f.file_name == file_name)
            || (matches!(style, Style::Fallback(_)) && face.path == fonts::EMOJI)
        {
            continue;
        }
        let (family, role) = match style {
            Style::Mono => (family_of(face), FaceRole::Code),
            Style::Fallback(_) => (family_of(face), FaceRole::Fallback),
            _ => (text_family.clone(), FaceRole::Text),
        };
        faces.push(epub::EmbedFace {
            family,
            italic: matches!(style, Style::Italic | Style::BoldItalic),
            bold: matches!(style, Style::Bold | Style::BoldItalic),
            role,
            file_name,
            bytes: &face.bytes,
        });
    }
    faces
}

/// Runs the pipeline for the files (`quire build`, watch mode), reusing
/// what `cache` holds from earlier builds and leaving this build's work in
/// it for the next one.
pub fn build_with(
    project: &Project,
    options: &Options,
    cache: &mut BuildCache,
) -> Result<Outputs, Diagnostics> {
    match pipeline::run(project, options, cache, pipeline::Wants::Files)? {
        pipeline::Made::Files(outputs, _) => Ok(*outputs),
        pipeline::Made::Preview(_) => Err(internal_error("the build's pipeline made a preview")),
    }
}

/// What a build made, kept for `quire check` to measure: the book, its
/// layout and the print cover's sheet beside the files (a build frees them).
pub(crate) struct Inspection {
    pub book: Book,
    pub laid_out: layout::LaidOut,
    pub print_cover: Option<cover::PrintCover>,
}

/// The build `quire check` measures: the same stages as `quire build` (its
/// files and every warning it prints), with what they made kept.
pub(crate) fn build_for_inspection(
    project: &Project,
    options: &Options,
) -> Result<(Outputs, Inspection), Diagnostics> {
    let made = pipeline::run(
        project,
        options,
        &mut BuildCache::default(),
        pipeline::Wants::Inspection,
    )?;
    match made {
        pipeline::Made::Files(outputs, Some(inspection)) => Ok((*outputs, *inspection)),
        _ => Err(internal_error("the build kept nothing to check")),
    }
}

/// Output files are named after the title: `none-of-us-are-free.epub`
/// (see [`filename`] for the rule: ASCII, nothing invented in front of a digit).
pub fn output_stem(book: &Book) -> String {
    filename::file_stem(&book.meta.title)
}
