//! `quire serve`: both editions side by side in the browser, live. The book
//! is built with the watch cache on every save ([`crate::watch::follow`]);
//! each build becomes a [`View`]: the print pages drawn from layout's pages
//! ([`draw`]), the ebook's documents as the EPUB holds them, and the
//! faults `quire check` counts, at their places. A WebSocket tells the page
//! of each build; the page fetches only what changed.
//!
//! It outlives its clients (`http`): a cap on connections, timeouts on
//! each, limits on request heads, accept errors survived (and told through
//! [`Event::Stalled`]), and event streams that end with their sockets.
//!
//! Safe by default: loopback only, GET only, a `Host` header naming this
//! server (no DNS rebinding), only generated views and the page's own assets
//! (nothing is read from disk on request, so no path can reach outside),
//! and an editor command run only from its template, with a file and line
//! the server looked up itself.

pub mod draw;
mod http;
mod routes;

pub use http::Limits;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::diag::{Diagnostic, Diagnostics, Location, Severity};
use crate::layout::frame::{FindingKind, Side};
use crate::model::{BlockId, TextPos, walk_blocks};
use crate::{BuildCache, Options, Preview};

/// The port `quire serve` tries first.
pub const DEFAULT_PORT: u16 = 7410;

/// How to serve.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The book's folder.
    pub root: PathBuf,
    pub host: IpAddr,
    /// `None`: [`DEFAULT_PORT`], or any free port when it is taken; `Some(0)`: any free port.
    pub port: Option<u16>,
    /// `--editor`: a command template (`code -g {file}:{line}`).
    pub editor: Option<String>,
    pub options: Options,
    /// What each connection may take ([`Limits::chosen`]).
    pub limits: Limits,
}

/// A running server: its address, the state its connections answer from,
/// and its accept loop, which tells how it fares.
pub struct Server {
    pub address: SocketAddr,
    shared: Arc<Shared>,
    accepting: std::thread::JoinHandle<()>,
    health: mpsc::Receiver<http::Health>,
}

/// What the request workers share with the builder.
struct Shared {
    live: Mutex<Live>,
    /// One sender per open event stream, with its id (the stream removes
    /// its own when it ends).
    clients: Mutex<Vec<(u64, mpsc::Sender<Arc<str>>)>>,
    next_client: AtomicU64,
    /// `Host` header values this server answers to.
    hosts: Vec<String>,
    /// Listening beyond loopback (`--host`): any IP address with our port is
    /// a Host we answer to too (a DNS name still is not: that is rebinding).
    any_address: Option<u16>,
    /// The page's key for opening the editor (a page from another site cannot know it).
    token: String,
    editor: Option<String>,
    root: PathBuf,
    /// Set when the server stops: the accept loop ends.
    stopping: AtomicBool,
}

/// The latest build: its view (the last good one stays after a failure)
/// and the diagnostics of a failed build.
#[derive(Default)]
struct Live {
    view: Option<Arc<View>>,
    problems: Vec<DiagnosticView>,
    version: u64,
    /// The state as JSON, made once per build.
    state: Arc<str>,
}

/// One good build, as the browser sees it.
pub struct View {
    pub preview: Preview,
    /// Per print page, a key of what it shows.
    pub page_keys: Vec<u64>,
    /// The glyph sheet: every glyph the pages use, as outlines.
    pub sheet: String,
    pub sheet_key: u64,
    /// Per spine document, a key of its text; and the stylesheet's.
    doc_keys: Vec<u64>,
    style_key: u64,
}

fn bytes_key(bytes: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    bytes.hash(&mut h);
    h.finish()
}

#[derive(Debug, Clone, Serialize)]
struct DiagnosticView {
    severity: &'static str,
    message: String,
    file: Option<String>,
    line: Option<u32>,
    column: Option<u32>,
    hint: Option<String>,
}

impl From<&Diagnostic> for DiagnosticView {
    fn from(d: &Diagnostic) -> DiagnosticView {
        DiagnosticView {
            severity: match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            },
            message: d.message.clone(),
            file: d.location.as_ref().map(|l| l.file.clone()),
            line: d.location.as_ref().map(|l| l.line),
            column: d.location.as_ref().map(|l| l.column),
            hint: d.hint.clone(),
        }
    }
}

#[derive(Serialize)]
struct PageState<'a> {
    folio: &'a str,
    recto: bool,
    width: f64,
    height: f64,
    key: String,
    blank: bool,
    /// The spine document and element id of the page's marker in the ebook.
    doc: Option<usize>,
    mark: Option<&'a str>,
}

#[derive(Serialize)]
struct FindingState<'a> {
    kind: &'static str,
    check: &'static str,
    page: usize,
    folio: &'a str,
    /// The box to mark, in points from the trim's top-left (the whole page when `None`).
    rect: Option<[f64; 4]>,
    detail: &'a str,
}

#[derive(Serialize)]
struct SpineState<'a> {
    path: &'a str,
    title: &'a str,
    key: String,
}

#[derive(Serialize)]
struct State<'a> {
    version: u64,
    title: &'a str,
    ok: bool,
    problems: &'a [DiagnosticView],
    warnings: Vec<DiagnosticView>,
    elapsed_ms: f64,
    sheet: String,
    pages: Vec<PageState<'a>>,
    spine: Vec<SpineState<'a>>,
    findings: Vec<FindingState<'a>>,
    /// Findings per `quire check` row, as the check counts them.
    counts: Vec<(&'static str, usize)>,
    editor: bool,
    /// The spine document of the first body section (where the reader opens).
    first_body: usize,
    /// A key of the ebook's stylesheet (a document is swapped in place while it stays).
    style: String,
}

fn hex(key: u64) -> String {
    format!("{key:016x}")
}

impl View {
    fn new(preview: Preview, outlines: &mut draw::Outlines) -> View {
        let pages = &preview.laid_out.pages.pages;
        let page_keys: Vec<u64> = crate::on_all_cores(pages, |share| {
            share.iter().map(crate::pdf::page_key).collect::<Vec<_>>()
        })
        .into_iter()
        .flatten()
        .collect();
        let used = draw::used_glyphs(pages);
        let sheet = outlines.sheet(&preview.fonts, &used);
        let sheet_key = {
            use std::hash::{Hash, Hasher};
            let mut h = rustc_hash::FxHasher::default();
            sheet.hash(&mut h);
            h.finish()
        };
        let key_of = |path: &str| {
            preview
                .ebook
                .files
                .get(path)
                .map_or(0, |f| bytes_key(&f.bytes))
        };
        let doc_keys = preview
            .ebook
            .spine
            .iter()
            .map(|e| key_of(&e.path))
            .collect();
        let style_key = key_of("stylesheet.css");
        View {
            preview,
            page_keys,
            sheet,
            sheet_key,
            doc_keys,
            style_key,
        }
    }

    fn state(&self, version: u64, problems: &[DiagnosticView], editor: bool) -> String {
        let preview = &self.preview;
        let laid = &preview.laid_out;
        let geometry = &laid.geometry;
        let pages = laid
            .pages
            .pages
            .iter()
            .zip(&laid.page_map.pages)
            .enumerate()
            .map(|(i, (page, start))| {
                let place = preview.ebook.pages.get(i);
                PageState {
                    folio: &page.folio,
                    recto: page.side != Side::Verso,
                    width: page.trim.width.0,
                    height: page.trim.height.0,
                    key: hex(self.page_keys[i]),
                    blank: start.blank,
                    doc: place.map(|p| p.document),
                    mark: place.map(|p| p.id.as_str()),
                }
            })
            .collect();
        let spine = preview
            .ebook
            .spine
            .iter()
            .zip(&self.doc_keys)
            .map(|(entry, key)| SpineState {
                path: &entry.path,
                title: &entry.title,
                key: hex(*key),
            })
            .collect();
        let findings = preview
            .findings
            .iter()
            .map(|f| {
                let page = &laid.pages.pages[f.page];
                let rect = f.grid.map(|grid| {
                    let baseline = geometry.baseline(grid as usize).0;
                    let left = geometry.text_left(page.side != Side::Verso).0;
                    [
                        left - 4.0,
                        baseline - geometry.leading.0 * 0.8,
                        geometry.measure.0 + 8.0,
                        geometry.leading.0,
                    ]
                });
                FindingState {
                    kind: f.kind.key(),
                    check: crate::check::Row::counting(f.kind).name(),
                    page: f.page,
                    folio: &page.folio,
                    rect,
                    detail: &f.detail,
                }
            })
            .collect();
        let counts = FindingKind::ALL
            .iter()
            .map(|k| {
                (
                    crate::check::Row::counting(*k).name(),
                    preview.findings.iter().filter(|f| f.kind == *k).count(),
                )
            })
            .collect();
        let state = State {
            version,
            title: &preview.book.meta.title,
            ok: problems.is_empty(),
            problems,
            warnings: preview.warnings.iter().map(DiagnosticView::from).collect(),
            elapsed_ms: preview.elapsed.as_secs_f64() * 1000.0,
            sheet: hex(self.sheet_key),
            pages,
            spine,
            findings,
            counts,
            editor,
            first_body: preview
                .book
                .sections
                .iter()
                .position(|s| s.kind.matter() == crate::model::Matter::Body)
                .unwrap_or(0),
            style: hex(self.style_key),
        };
        serde_json::to_string(&state).unwrap_or_default()
    }

    /// Block `id`'s section and its place in the manuscript (looked up when
    /// a reader clicks, not made for every block on every build).
    fn block(&self, id: BlockId) -> Option<(usize, Option<Location>)> {
        let book = &self.preview.book;
        let mut found = None;
        for (index, section) in book.sections.iter().enumerate() {
            walk_blocks(&section.blocks, &mut |block| {
                if block.id == id && found.is_none() {
                    found = Some((index, block.span.and_then(|s| book.locate(s))));
                }
            });
            if found.is_some() {
                break;
            }
        }
        found
    }

    /// The print page where the text at `pos` is.
    fn page_of(&self, pos: TextPos) -> Option<usize> {
        let starts = &self.preview.laid_out.page_map.pages;
        let after = starts.partition_point(|p| p.at <= pos);
        let mut page = after.checked_sub(1)?;
        while page > 0 && starts[page].blank {
            page -= 1;
        }
        Some(page)
    }
}

impl Shared {
    /// Whether a request's `Host` header names this server.
    fn answers_to(&self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        if self.hosts.contains(&host) {
            return true;
        }
        let Some(port) = self.any_address else {
            return false;
        };
        host.parse::<SocketAddr>().is_ok_and(|a| a.port() == port)
    }
}

impl Server {
    /// Binds the server (the default port, or any free one when it is taken)
    /// and starts its request workers; nothing is served until the first build.
    pub fn bind(settings: &Settings) -> Result<Server, Diagnostic> {
        let bind = |port: u16| listen(SocketAddr::new(settings.host, port));
        let listener = match settings.port {
            Some(port) => bind(port).map_err(|e| {
                Diagnostic::error(format!("cannot listen on {}:{port}: {e}", settings.host))
                    .with_hint("choose another port with --port, or --port 0 for any free one")
            })?,
            None => bind(DEFAULT_PORT).or_else(|_| bind(0)).map_err(|e| {
                Diagnostic::error(format!("cannot listen on {}: {e}", settings.host))
            })?,
        };
        let address = listener
            .local_addr()
            .map_err(|e| Diagnostic::error(format!("the server has no address: {e}")))?;
        let port = address.port();
        let named = match settings.host {
            IpAddr::V4(ip) => format!("{ip}:{port}"),
            IpAddr::V6(ip) => format!("[{ip}]:{port}"),
        };
        // The address itself first (the one printed), and `localhost` when it is loopback.
        let mut hosts = vec![named];
        if settings.host.is_loopback() {
            hosts.push(format!("localhost:{port}"));
        }
        let shared = Arc::new(Shared {
            live: Mutex::new(Live::default()),
            clients: Mutex::new(Vec::new()),
            next_client: AtomicU64::new(0),
            hosts,
            any_address: (!settings.host.is_loopback()).then_some(port),
            token: session_token(),
            editor: settings.editor.clone(),
            root: std::fs::canonicalize(&settings.root).unwrap_or_else(|_| settings.root.clone()),
            stopping: AtomicBool::new(false),
        });
        let limits = settings.limits;
        let handlers = Arc::new(http::Handlers {
            answer: Box::new({
                let shared = shared.clone();
                move |request| routes::answer(request, &shared)
            }),
            stream_events: Box::new({
                let shared = shared.clone();
                move |stream, read, events| {
                    http::websocket(stream, read, &events.messages, &limits);
                    if let Ok(mut clients) = shared.clients.lock() {
                        clients.retain(|(id, _)| *id != events.id);
                    }
                }
            }),
            stopping: Box::new({
                let shared = shared.clone();
                move || shared.stopping.load(Ordering::SeqCst)
            }),
        });
        let (told, health) = mpsc::channel();
        let accepting = std::thread::Builder::new()
            .name("quire-accept".into())
            .spawn(move || {
                http::accept_loop(
                    http::accept_from(listener),
                    http::spawn_thread,
                    limits,
                    handlers,
                    told,
                )
            })
            .map_err(|e| Diagnostic::error(format!("cannot start the server's thread: {e}")))?;
        Ok(Server {
            address,
            shared,
            accepting,
            health,
        })
    }

    /// The address to open in a browser.
    pub fn url(&self) -> String {
        format!("http://{}/", self.shared.hosts[0])
    }

    /// Builds the book and serves it, rebuilding on every save, until the
    /// watcher fails or `stop` returns true; `report` hears of each build.
    pub fn run(
        self,
        settings: &Settings,
        report: &mut dyn FnMut(&Event),
        stop: &dyn Fn() -> bool,
    ) -> Result<(), Diagnostic> {
        let root = self.shared.root.clone();
        // The builder's callbacks and the accept loop's news share the terminal.
        let report = std::cell::RefCell::new(report);
        let mut cache = BuildCache::for_rebuilds().with_folder(crate::cache::folder(&root));
        let mut outlines = draw::Outlines::default();
        let result = crate::watch::follow(
            &root,
            crate::watch::LIVE_DEBOUNCE,
            &mut |change| {
                let (event, published) = match change {
                    crate::watch::Change::Project(project, changed) => {
                        let started = Instant::now();
                        match crate::preview_with(project, &settings.options, &mut cache) {
                            Ok(preview) => {
                                let view = View::new(preview, &mut outlines);
                                let pages = view.page_keys.len();
                                let warnings = view.preview.warnings.clone();
                                let changed_pages = self.publish(Ok(view));
                                (
                                    Event::Built {
                                        changed,
                                        elapsed: started.elapsed(),
                                        pages,
                                        changed_pages,
                                        warnings,
                                    },
                                    true,
                                )
                            }
                            Err(diagnostics) => {
                                self.publish(Err(&diagnostics));
                                (
                                    Event::Failed {
                                        changed,
                                        diagnostics,
                                    },
                                    true,
                                )
                            }
                        }
                    }
                    crate::watch::Change::Unreadable(diagnostics) => {
                        self.publish(Err(&diagnostics));
                        (
                            Event::Failed {
                                changed: Vec::new(),
                                diagnostics,
                            },
                            true,
                        )
                    }
                };
                if published {
                    (*report.borrow_mut())(&event);
                }
            },
            &|| {
                // Between builds (at least every 200 ms): how the server fares.
                for news in self.health.try_iter() {
                    (*report.borrow_mut())(&Event::from(news));
                }
                stop() || self.accepting.is_finished()
            },
        );
        let ended = self.accepting.is_finished();
        self.shared.stopping.store(true, Ordering::SeqCst);
        if !ended {
            http::wake(self.address);
            let _ = self.accepting.join();
        }
        // The event streams end when their senders go.
        self.shared.clients.lock().map(|mut c| c.clear()).ok();
        result?;
        if ended {
            return Err(
                Diagnostic::error("the preview stopped answering: its accept loop ended")
                    .with_hint("start quire serve again"),
            );
        }
        Ok(())
    }

    /// Makes a build the one served and tells every open page; the pages
    /// whose drawing changed (all of them for the first build).
    fn publish(&self, build: Result<View, &Diagnostics>) -> usize {
        let Ok(mut live) = self.shared.live.lock() else {
            return 0;
        };
        live.version += 1;
        let version = live.version;
        let mut changed_pages = 0;
        let mut replaced = None;
        // What changed, for the page to fetch while it reads the state.
        let mut changed: Vec<(usize, String)> = Vec::new();
        let mut changed_docs: Vec<(usize, String)> = Vec::new();
        match build {
            Ok(view) => {
                if let Some(old) = &live.view {
                    changed = changed_keys(&old.page_keys, &view.page_keys);
                    changed_pages = changed.len();
                    changed_docs = changed_keys(&old.doc_keys, &view.doc_keys);
                } else {
                    changed_pages = view.page_keys.len();
                }
                live.problems.clear();
                replaced = live.view.replace(Arc::new(view));
            }
            Err(diagnostics) => {
                live.problems = diagnostics.0.iter().map(DiagnosticView::from).collect();
            }
        }
        let editor = self.shared.editor.is_some();
        live.state = match &live.view {
            Some(view) => view.state(version, &live.problems, editor),
            None => serde_json::json!({
                "version": version,
                "ok": false,
                "problems": live.problems,
                "pages": [],
                "spine": [],
                "findings": [],
                "counts": [],
                "warnings": [],
                "editor": editor,
            })
            .to_string(),
        }
        .into();
        drop(live);
        // Freeing a long book's pages takes tens of milliseconds of a core:
        // not under the lock, and not while the page fetches the new ones.
        if let Some(old) = replaced {
            let _ = std::thread::Builder::new().spawn(move || {
                std::thread::sleep(Duration::from_millis(400));
                drop(old)
            });
        }
        // A few changed pages are named with their keys (an edit's one or
        // two); a reflow of the whole book is left to the state.
        changed.truncate(if changed.len() > 24 { 0 } else { changed.len() });
        changed_docs.truncate(if changed_docs.len() > 24 {
            0
        } else {
            changed_docs.len()
        });
        let message: Arc<str> = serde_json::json!({
            "version": version,
            "changed": changed,
            "docs": changed_docs,
        })
        .to_string()
        .into();
        if let Ok(mut clients) = self.shared.clients.lock() {
            clients.retain(|(_, client)| client.send(message.clone()).is_ok());
        }
        changed_pages
    }
}

/// What a serve session tells its user.
#[derive(Debug, Clone)]
pub enum Event {
    Built {
        changed: Vec<String>,
        elapsed: std::time::Duration,
        pages: usize,
        /// Pages whose drawing changed, and so are sent again.
        changed_pages: usize,
        warnings: Vec<Diagnostic>,
    },
    Failed {
        changed: Vec<String>,
        diagnostics: Diagnostics,
    },
    /// The preview stopped answering new connections (told once, until it
    /// answers again): why, as a warning.
    Stalled(Diagnostic),
    /// It answers again.
    Answering,
}

impl From<http::Health> for Event {
    fn from(health: http::Health) -> Event {
        match health {
            http::Health::Stalled(why) => Event::Stalled(
                Diagnostic::warning(format!("the preview stopped answering: {why}"))
                    .with_hint("it keeps trying, and says when it answers again"),
            ),
            http::Health::Answering => Event::Answering,
        }
    }
}

/// The places whose key differs from the one before, with their new keys.
fn changed_keys(old: &[u64], new: &[u64]) -> Vec<(usize, String)> {
    new.iter()
        .enumerate()
        .filter(|(i, k)| old.get(*i) != Some(k))
        .map(|(i, k)| (i, hex(*k)))
        .collect()
}

/// A listening socket whose connections send each write at once
/// (TCP_NODELAY, which accepted sockets inherit): with Nagle's algorithm an
/// answer's headers went first and its body waited for their delayed
/// acknowledgement, 40 ms on loopback.
fn listen(address: SocketAddr) -> std::io::Result<std::net::TcpListener> {
    use socket2::{Domain, Protocol, Socket, Type};
    let socket = Socket::new(
        Domain::for_address(address),
        Type::STREAM,
        Some(Protocol::TCP),
    )?;
    socket.set_tcp_nodelay(true)?;
    #[cfg(unix)]
    socket.set_reuse_address(true)?;
    socket.bind(&address.into())?;
    socket.listen(128)?;
    Ok(socket.into())
}

/// 128 bits no other site can guess: from the process's randomly seeded hasher keys.
fn session_token() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut token = String::new();
    for salt in 0..2u64 {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(salt);
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        h.write_u32(std::process::id());
        token.push_str(&hex(h.finish()));
    }
    token
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shared(any_address: Option<u16>) -> Shared {
        Shared {
            live: Mutex::new(Live::default()),
            clients: Mutex::new(Vec::new()),
            next_client: AtomicU64::new(0),
            hosts: vec!["127.0.0.1:7410".into(), "localhost:7410".into()],
            any_address,
            token: session_token(),
            editor: None,
            root: PathBuf::from("."),
            stopping: AtomicBool::new(false),
        }
    }

    #[test]
    fn the_host_header_must_name_this_server() {
        let loopback = shared(None);
        assert!(loopback.answers_to("127.0.0.1:7410"));
        assert!(loopback.answers_to("LOCALHOST:7410"));
        for other in [
            "evil.example:7410",
            "192.168.1.2:7410",
            "127.0.0.1:80",
            "",
            "127.0.0.1",
        ] {
            assert!(!loopback.answers_to(other), "{other}");
        }
        // Served to the network (--host): its addresses, never a DNS name.
        let network = shared(Some(7410));
        assert!(network.answers_to("192.168.1.2:7410"));
        assert!(network.answers_to("[fe80::1]:7410"));
        for other in [
            "evil.example:7410",
            "192.168.1.2:80",
            "rebind.127.0.0.1.nip.io:7410",
        ] {
            assert!(!network.answers_to(other), "{other}");
        }
    }

    #[test]
    fn session_tokens_differ() {
        assert_ne!(session_token(), session_token());
        assert_eq!(session_token().len(), 32);
    }
}
