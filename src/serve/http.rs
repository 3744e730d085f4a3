//! The preview's HTTP/1.1 server, made to outlive hostile clients: one
//! accept loop over `std::net`, one thread per connection up to a cap
//! (`503` beyond it), read and write timeouts on every connection, limits on
//! the request line (`414`) and the head (`431`), and WebSockets that end
//! with their socket and ping their peer.
//!
//! Why by hand: tiny_http's accept thread ended on the first accept error
//! (out of descriptors) and spawned a thread per connection without limit,
//! with no timeouts and no head limit. hyper (with tokio) has no request-line
//! limit and no write timeout either, and would bring an async runtime for a
//! server that answers one author from memory; httparse (hyper's parser,
//! already in the tree through tungstenite) parses the heads here.
//!
//! Accept errors and failed thread spawns are survived: the loop backs off,
//! and says so once through [`Health`] (the terminal shows it), until a
//! connection is served again.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

/// The longest request line answered (longer: `414`), as nginx and Apache.
pub const MAX_REQUEST_LINE: usize = 8 * 1024;
/// The longest request head (line and headers) answered (longer: `431`).
pub const MAX_HEAD: usize = 32 * 1024;
/// The most headers a request may have (more: `431`).
pub const MAX_HEADERS: usize = 64;
/// Descriptors left to the builder (project files, the cache, the watcher)
/// and to refused connections while they close ([`LINGERING`]) when the
/// connection cap is set from the process's limit.
const RESERVED_DESCRIPTORS: usize = 64;

/// What one connection may take of the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Connections served at once, WebSockets included; more are answered `503`.
    pub connections: usize,
    /// How long a read or a write may wait, and how long a request head may
    /// take to arrive; an idle kept-alive connection is closed after it.
    pub timeout: Duration,
    /// How often a WebSocket's peer is pinged; a peer silent for two of these is gone.
    pub heartbeat: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            connections: 256,
            timeout: Duration::from_secs(10),
            heartbeat: Duration::from_secs(15),
        }
    }
}

impl Limits {
    /// The limits `quire serve` runs with: the defaults within the process's
    /// descriptors, or a cap and a timeout given (the hidden flags tests use:
    /// a cap past the descriptor limit, and timeouts short enough to wait for).
    pub fn chosen(connections: Option<usize>, timeout_ms: Option<u64>) -> Limits {
        let mut limits = Limits::default().within_descriptors();
        if let Some(connections) = connections {
            limits.connections = connections.max(1);
        }
        if let Some(ms) = timeout_ms {
            limits.timeout = Duration::from_millis(ms.max(1));
            limits.heartbeat = limits.timeout;
        }
        limits
    }

    /// The cap lowered, when the process may open few descriptors, to what
    /// it can hold open with some left for the builder: beyond it a client
    /// gets `503` rather than waiting in the backlog.
    pub fn within_descriptors(mut self) -> Limits {
        if let Some(open) = descriptor_limit() {
            let room = open.saturating_sub(RESERVED_DESCRIPTORS).max(4);
            self.connections = self.connections.min(room);
        }
        self
    }
}

/// The process's soft limit on open descriptors (`None`: unlimited).
#[cfg(unix)]
fn descriptor_limit() -> Option<usize> {
    let soft = rustix::process::getrlimit(rustix::process::Resource::Nofile).current?;
    Some(usize::try_from(soft).unwrap_or(usize::MAX))
}

#[cfg(not(unix))]
fn descriptor_limit() -> Option<usize> {
    None
}

/// Whether the server answers new connections, as the accept loop sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Health {
    /// It stopped answering (said once, until it answers again): why.
    Stalled(String),
    /// It answers again.
    Answering,
}

/// A request's head: the only part of a request this server reads (it
/// answers GET, which has no body).
#[derive(Debug)]
pub struct Request {
    pub method: String,
    pub target: String,
    /// HTTP/1.1: the connection stays open unless it says `close`.
    http11: bool,
    headers: Vec<(String, String)>,
    /// A body follows: it is never read, so the connection closes after the answer.
    has_body: bool,
}

impl Request {
    /// A header's value (the first of that name, any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether the connection stays open after the answer: HTTP/1.1 unless
    /// it says `close`, HTTP/1.0 only when it says `keep-alive` (as `ab -k`
    /// and some proxies do). An upgrade answered with anything but the
    /// switch (refused) closes: its client wanted another protocol on this
    /// connection, and waited for the server to close it.
    fn keeps_alive(&self) -> bool {
        let says = |token: &str| {
            self.header("Connection")
                .is_some_and(|c| c.split(',').any(|t| t.trim().eq_ignore_ascii_case(token)))
        };
        let asked = if self.http11 {
            !says("close")
        } else {
            says("keep-alive")
        };
        asked && !self.has_body && !says("upgrade")
    }

    /// The `Connection` header its answer needs: `close` when the
    /// connection ends, `keep-alive` when an HTTP/1.0 one stays open.
    fn connection(&self) -> Option<&'static str> {
        if !self.keeps_alive() {
            Some("close")
        } else if !self.http11 {
            Some("keep-alive")
        } else {
            None
        }
    }
}

/// An answer: always with its length (never chunked).
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn new(status: u16, body: Vec<u8>) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body,
        }
    }

    pub fn with(mut self, name: &'static str, value: impl Into<String>) -> Response {
        self.headers.push((name, value.into()));
        self
    }

    /// A plain-text refusal.
    pub fn plain(status: u16, why: &str) -> Response {
        Response::new(status, format!("{why}\n").into_bytes())
            .with("Content-Type", "text/plain; charset=utf-8")
            .with("Cache-Control", "no-store")
            .with("X-Content-Type-Options", "nosniff")
    }

    /// The bytes on the wire, head and body.
    fn bytes(&self, connection: Option<&str>) -> Vec<u8> {
        let mut head = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        // A 101 has no body, and says no more: the WebSocket follows.
        if self.status != 101 {
            head.push_str(&format!("Content-Length: {}\r\n", self.body.len()));
            if let Some(connection) = connection {
                head.push_str(&format!("Connection: {connection}\r\n"));
            }
        }
        head.push_str("\r\n");
        let mut out = head.into_bytes();
        out.extend_from_slice(&self.body);
        out
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        101 => "Switching Protocols",
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        414 => "URI Too Long",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// What the routes make of a request.
pub enum Answer {
    Respond(Response),
    /// A `101` after which the connection is this event stream.
    Upgrade(Response, Events),
}

/// An event stream's messages, as the builder sends them.
pub struct Events {
    /// Its place among the server's streams.
    pub id: u64,
    pub messages: mpsc::Receiver<Arc<str>>,
}

/// What reading a request head came to.
#[derive(Debug)]
enum Head {
    /// A request, and the length of its head in the buffer.
    Request(Request, usize),
    /// The client closed, or stayed silent past the timeout between requests.
    Closed,
    /// A request this server refuses before routing it.
    Refused(u16, &'static str),
}

/// Reads one request head from `stream` into `buffer` (which may already
/// hold the start of it, from pipelining), within the limits.
fn read_head(stream: &mut impl Read, buffer: &mut Vec<u8>, timeout: Duration) -> Head {
    let mut started: Option<Instant> = (!buffer.is_empty()).then(Instant::now);
    let mut chunk = [0u8; 8192];
    // How far the searches went: each byte is looked at once, however the
    // head arrives (a byte at a time costs no more than all at once).
    let mut scanned = 0;
    // Where the request line ends, once it has, and how far it was looked for.
    let mut line_end: Option<usize> = None;
    let mut line_scanned = 0;
    loop {
        // The limits hold however the head arrives, in pieces or in one.
        if line_end.is_none() {
            line_end = buffer[line_scanned..]
                .iter()
                .position(|&b| b == b'\n')
                .map(|at| line_scanned + at);
            line_scanned = buffer.len();
        }
        if line_end.unwrap_or(buffer.len()) > MAX_REQUEST_LINE {
            return Head::Refused(414, "the request line is too long");
        }
        match complete_head(buffer, &mut scanned) {
            Some(Head::Request(_, length)) if length > MAX_HEAD => {
                return Head::Refused(431, "the request's headers are too long");
            }
            Some(head) => return head,
            None => {}
        }
        if buffer.len() > MAX_HEAD {
            return Head::Refused(431, "the request's headers are too long");
        }
        // A head must arrive within the timeout of its first byte: a client
        // sending a byte now and then holds no thread for long.
        if started.is_some_and(|s| s.elapsed() > timeout) {
            return Head::Refused(408, "the request took too long to arrive");
        }
        match stream.read(&mut chunk) {
            Ok(0) => return Head::Closed,
            Ok(n) => {
                started.get_or_insert_with(Instant::now);
                buffer.extend_from_slice(&chunk[..n]);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if timed_out(&e) && started.is_some() => {
                return Head::Refused(408, "the request took too long to arrive");
            }
            Err(_) => return Head::Closed,
        }
    }
}

fn timed_out(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// The request whose head `buffer` holds whole, if it does: parsed only
/// where an empty line may end it (`\n\n` or `\n\r\n`).
fn complete_head(buffer: &[u8], scanned: &mut usize) -> Option<Head> {
    while *scanned + 1 < buffer.len() {
        let at = *scanned;
        let ends = match (buffer[at], buffer[at + 1]) {
            (b'\n', b'\n') => true,
            (b'\n', b'\r') => match buffer.get(at + 2) {
                Some(&next) => next == b'\n',
                // The empty line's `\n` is still to come (a head may arrive
                // a byte at a time): looked at again when more comes.
                None => return None,
            },
            _ => false,
        };
        *scanned += 1;
        if ends && let Some(head) = parse_head(buffer) {
            return Some(head);
        }
    }
    None
}

fn parse_head(buffer: &[u8]) -> Option<Head> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut parsed = httparse::Request::new(&mut headers);
    match parsed.parse(buffer) {
        Ok(httparse::Status::Complete(length)) => {
            let headers: Vec<(String, String)> = parsed
                .headers
                .iter()
                .map(|h| {
                    (
                        h.name.to_string(),
                        String::from_utf8_lossy(h.value).into_owned(),
                    )
                })
                .collect();
            let length_header = headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case("Content-Length"));
            let content_length = match length_header {
                Some((_, v)) => match v.trim().parse::<u64>() {
                    Ok(n) => n,
                    Err(_) => {
                        return Some(Head::Refused(400, "the Content-Length is not a number"));
                    }
                },
                None => 0,
            };
            let chunked = headers
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case("Transfer-Encoding"));
            Some(Head::Request(
                Request {
                    method: parsed.method.unwrap_or_default().to_string(),
                    target: parsed.path.unwrap_or_default().to_string(),
                    http11: parsed.version == Some(1),
                    headers,
                    has_body: content_length > 0 || chunked,
                },
                length,
            ))
        }
        // An empty line before the request line ends nothing yet.
        Ok(httparse::Status::Partial) => None,
        Err(httparse::Error::TooManyHeaders) => {
            Some(Head::Refused(431, "the request has too many headers"))
        }
        Err(_) => Some(Head::Refused(400, "this is not an HTTP request")),
    }
}

/// Serves one connection until it closes, fails, times out or becomes a WebSocket.
fn serve_connection(
    mut stream: TcpStream,
    limits: &Limits,
    answer: &dyn Fn(&Request) -> Answer,
    stream_events: &dyn Fn(TcpStream, Vec<u8>, Events),
) {
    // Every read and write waits at most this long: a client that stops
    // reading or writing holds its own thread that long, and no other.
    if stream.set_read_timeout(Some(limits.timeout)).is_err()
        || stream.set_write_timeout(Some(limits.timeout)).is_err()
    {
        return;
    }
    let mut buffer = Vec::new();
    loop {
        let (request, length) = match read_head(&mut stream, &mut buffer, limits.timeout) {
            Head::Request(request, length) => (request, length),
            Head::Closed => return,
            Head::Refused(status, why) => {
                let _ = stream.write_all(&Response::plain(status, why).bytes(Some("close")));
                return close_gently(stream);
            }
        };
        buffer.drain(..length);
        match answer(&request) {
            Answer::Respond(response) => {
                let keep = request.keeps_alive();
                if stream
                    .write_all(&response.bytes(request.connection()))
                    .is_err()
                {
                    return;
                }
                if !keep {
                    // A client that said it is done has nothing more to
                    // send, and a plain close is not reset; one that sent a
                    // body or more requests is drained first.
                    if request.has_body || !buffer.is_empty() {
                        close_gently(stream);
                    }
                    return;
                }
            }
            Answer::Upgrade(response, events) => {
                if stream.write_all(&response.bytes(None)).is_ok() {
                    stream_events(stream, std::mem::take(&mut buffer), events);
                }
                return;
            }
        }
    }
}

/// An event stream on its upgraded connection, on that connection's own
/// thread: each message the builder sends, and a ping every heartbeat. It
/// ends, and its thread with it, when the peer closes or vanishes (silent
/// for two heartbeats), stops reading (the write timeout), or the server
/// stops (the sender goes).
pub fn websocket(
    stream: TcpStream,
    read: Vec<u8>,
    events: &mpsc::Receiver<Arc<str>>,
    limits: &Limits,
) {
    use tungstenite::Message;
    use tungstenite::protocol::{Role, WebSocketConfig};
    // The page sends nothing but pongs and its close: small buffers, small frames.
    let config = WebSocketConfig::default()
        .read_buffer_size(4096)
        .write_buffer_size(0)
        .max_write_buffer_size(1 << 20)
        .max_message_size(Some(64 << 10))
        .max_frame_size(Some(64 << 10));
    let mut socket =
        tungstenite::WebSocket::from_partially_read(stream, read, Role::Server, Some(config));
    // Messages go out as soon as they come; the socket is looked at between
    // them, at most this long apart, so a closed one frees its thread soon.
    let tick = (limits.heartbeat / 4).clamp(Duration::from_millis(10), Duration::from_millis(250));
    let mut heard = Instant::now();
    let mut pinged = Instant::now();
    loop {
        match events.recv_timeout(tick) {
            Ok(message) => {
                if socket.send(Message::text(message.to_string())).is_err() {
                    return;
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                let _ = socket.close(None);
                let _ = socket.flush();
                return;
            }
        }
        // What the peer sent meanwhile (pongs, its close, its end), without waiting.
        if socket.get_mut().set_nonblocking(true).is_err() {
            return;
        }
        let open = loop {
            match socket.read() {
                Ok(_) => heard = Instant::now(),
                Err(tungstenite::Error::Io(e)) if timed_out(&e) => break true,
                Err(_) => break false,
            }
        };
        if !open || socket.get_mut().set_nonblocking(false).is_err() {
            return;
        }
        if heard.elapsed() > limits.heartbeat * 2 {
            return;
        }
        if pinged.elapsed() >= limits.heartbeat {
            if socket.send(Message::Ping(Default::default())).is_err() {
                return;
            }
            pinged = Instant::now();
        }
    }
}

/// Closes after the answer so the client reads it: a socket closed with
/// unread input (a refused head, a body) is reset, and a reset can discard
/// the answer before the client reads it. What it still sends is read and
/// dropped, for a moment and up to a megabyte.
fn close_gently(mut stream: TcpStream) {
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let deadline = Instant::now() + Duration::from_secs(1);
    let mut drained = 0;
    let mut sink = [0u8; 8192];
    while drained < (1 << 20) {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return;
        }
        match stream.read(&mut sink) {
            Ok(0) | Err(_) => return,
            Ok(n) => drained += n,
        }
    }
}

/// Answers `503` from the accept loop, never waiting on the client, and
/// hands the connection to [`linger`] to be closed once the client has read
/// it (closed at once, its request unread, it would be reset, and a reset
/// may discard the answer before it is sent or read).
fn refuse_busy(stream: TcpStream, lingering: &mpsc::SyncSender<TcpStream>) {
    let response =
        Response::plain(503, "busy: too many connections; try again").with("Retry-After", "1");
    if stream.set_nonblocking(true).is_err() {
        return;
    }
    let _ = (&stream).write(&response.bytes(Some("close")));
    let _ = stream.shutdown(std::net::Shutdown::Write);
    // With as many already lingering, it is closed now.
    let _ = lingering.try_send(stream);
}

/// Refused connections held at once, at most (and as many again queued):
/// descriptors taken from the reserve, and only for a moment.
const LINGERING: usize = 16;
/// How long a refused connection is held for its client to read the answer and close.
const LINGER: Duration = Duration::from_secs(1);
const LINGER_TICK: Duration = Duration::from_millis(20);

/// Closes refused connections (non-blocking, their answer sent) once each
/// client has closed its end or a second has passed, reading and dropping
/// what they send meanwhile. With more than [`LINGERING`] the oldest goes
/// first (it had the longest to read its answer). One thread for all of
/// them; it ends with the accept loop.
fn linger(refused: mpsc::Receiver<TcpStream>) {
    let mut held: std::collections::VecDeque<(TcpStream, Instant)> = Default::default();
    loop {
        let next = if held.is_empty() {
            refused
                .recv()
                .map_err(|_| mpsc::RecvTimeoutError::Disconnected)
        } else {
            refused.recv_timeout(LINGER_TICK)
        };
        let mut arrived = match next {
            Ok(stream) => vec![stream],
            Err(mpsc::RecvTimeoutError::Timeout) => Vec::new(),
            Err(mpsc::RecvTimeoutError::Disconnected) if held.is_empty() => return,
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                std::thread::sleep(LINGER_TICK);
                Vec::new()
            }
        };
        arrived.extend(refused.try_iter());
        for stream in arrived {
            if held.len() == LINGERING {
                held.pop_front();
            }
            held.push_back((stream, Instant::now() + LINGER));
        }
        let now = Instant::now();
        held.retain(|(stream, until)| now < *until && still_open(stream));
    }
}

/// Whether a non-blocking connection's client has yet to close its end
/// (what it sent is read and dropped).
fn still_open(mut stream: &TcpStream) -> bool {
    let mut sink = [0u8; 4096];
    // A client sending without end is let go with the rest.
    for _ in 0..16 {
        match stream.read(&mut sink) {
            Ok(0) => return false,
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return true,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
    true
}

/// The accept loop's memory of trouble: it is told once, and its end once.
struct Trouble {
    health: mpsc::Sender<Health>,
    /// When the last failure was, while in trouble.
    since: Option<Instant>,
}

impl Trouble {
    fn failed(&mut self, why: impl FnOnce() -> String) {
        if self.since.is_none() {
            let _ = self.health.send(Health::Stalled(why()));
        }
        self.since = Some(Instant::now());
    }

    /// A connection was served: trouble ends once none came for a second
    /// (so a flood of refusals is one episode, not one line each).
    fn served(&mut self) {
        if self
            .since
            .is_some_and(|s| s.elapsed() > Duration::from_secs(1))
        {
            self.since = None;
            let _ = self.health.send(Health::Answering);
        }
    }
}

/// Counts a connection's thread while it lives.
struct Slot(Arc<AtomicUsize>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// What each connection's thread is given.
pub struct Handlers {
    pub answer: Box<dyn Fn(&Request) -> Answer + Send + Sync>,
    pub stream_events: Box<dyn Fn(TcpStream, Vec<u8>, Events) + Send + Sync>,
    /// Checked after each accept: the loop ends once it is true.
    pub stopping: Box<dyn Fn() -> bool + Send + Sync>,
}

/// Accepts connections until `handlers.stopping` says so, each on its own
/// thread. `accept` is the listener's accept (a test gives failing ones),
/// `spawn` starts a thread (likewise). Never ends on an error: it backs off.
pub fn accept_loop(
    mut accept: impl FnMut() -> io::Result<TcpStream>,
    spawn: impl Fn(Box<dyn FnOnce() + Send>) -> io::Result<()>,
    limits: Limits,
    handlers: Arc<Handlers>,
    health: mpsc::Sender<Health>,
) {
    let active = Arc::new(AtomicUsize::new(0));
    let mut trouble = Trouble {
        health,
        since: None,
    };
    let mut backoff = BACKOFF_MIN;
    // Without a thread to linger on (none could start), refused connections
    // are closed at once.
    let (lingering, refused) = mpsc::sync_channel(LINGERING);
    let _ = std::thread::Builder::new()
        .name("quire-linger".into())
        .spawn(move || linger(refused));
    let idle = Arc::new(Idle::default());
    loop {
        let accepted = accept();
        if (handlers.stopping)() {
            // The waiting threads end now, not a second later.
            idle.dismiss();
            return;
        }
        let stream = match accepted {
            Ok(stream) => stream,
            // Out of descriptors (or memory, or any other failure): the
            // connection waits in the backlog while the loop sleeps a little
            // longer each time, and tries again.
            Err(e) => {
                trouble.failed(|| format!("cannot accept connections: {e}"));
                std::thread::sleep(backoff);
                backoff = (backoff * 2).min(BACKOFF_MAX);
                continue;
            }
        };
        backoff = BACKOFF_MIN;
        if active.load(Ordering::SeqCst) >= limits.connections {
            trouble.failed(|| {
                format!(
                    "{} connections are open, its limit: it answers more with 503",
                    limits.connections
                )
            });
            refuse_busy(stream, &lingering);
            continue;
        }
        active.fetch_add(1, Ordering::SeqCst);
        let slot = Slot(active.clone());
        // The stream waits here for the thread, so that a thread that cannot
        // start leaves it to be answered 503.
        let handoff = Arc::new(Mutex::new(Some(stream)));
        let (given, handlers_for) = (handoff.clone(), handlers.clone());
        let work: Job = Box::new(move || {
            let _slot = slot;
            let stream = given.lock().ok().and_then(|mut s| s.take());
            if let Some(stream) = stream {
                serve_connection(
                    stream,
                    &limits,
                    &*handlers_for.answer,
                    &*handlers_for.stream_events,
                );
            }
        });
        // A thread that served a connection and waits for another takes it;
        // else a new thread starts, and waits in its turn when done.
        let started = match idle.hand(work) {
            Ok(()) => Ok(()),
            Err(work) => {
                let idle = idle.clone();
                spawn(Box::new(move || {
                    work();
                    idle.keep_serving();
                }))
            }
        };
        match started {
            Ok(()) => trouble.served(),
            Err(e) => {
                trouble.failed(|| {
                    format!("cannot start a thread for a connection ({e}): it answers 503")
                });
                let stream = handoff.lock().ok().and_then(|mut s| s.take());
                if let Some(stream) = stream {
                    refuse_busy(stream, &lingering);
                }
                std::thread::sleep(backoff);
                backoff = (backoff * 2).min(BACKOFF_MAX);
            }
        }
    }
}

/// A connection's work, for a thread.
type Job = Box<dyn FnOnce() + Send>;

/// A waiting thread: its number, and the channel it waits on.
type Waiter = (u64, mpsc::Sender<Job>);

/// Threads that served a connection and wait a moment for the next, so
/// that a client opening a connection for each request (as `ab` does, or a
/// script) does not pay a thread's start each time: half the requests per
/// second without them. Few, and briefly, so that the threads of closed
/// connections are soon gone.
struct Idle {
    /// Each waiting thread's own channel, the latest last (it takes the
    /// next connection: the others are the first to end).
    /// `None` once the accept loop has ended: no thread waits any more.
    waiting: Mutex<Option<Vec<Waiter>>>,
    next: std::sync::atomic::AtomicU64,
}

impl Default for Idle {
    fn default() -> Idle {
        Idle {
            waiting: Mutex::new(Some(Vec::new())),
            next: Default::default(),
        }
    }
}

/// Threads waiting for a connection, at most.
const IDLE_THREADS: usize = 16;
/// How long a thread waits for another connection before it ends.
const IDLE_WAIT: Duration = Duration::from_secs(1);

impl Idle {
    /// Gives `work` to a waiting thread; back when none waits.
    fn hand(&self, mut work: Job) -> Result<(), Job> {
        loop {
            let waiter = self.waiting.lock().ok().and_then(|mut w| w.as_mut()?.pop());
            let Some((_, thread)) = waiter else {
                return Err(work);
            };
            match thread.send(work) {
                Ok(()) => return Ok(()),
                // That thread has just ended: the next one, or a new thread.
                Err(mpsc::SendError(back)) => work = back,
            }
        }
    }

    /// A connection's thread, its work done: it serves the connections
    /// handed to it while one comes within [`IDLE_WAIT`].
    fn keep_serving(&self) {
        loop {
            let (sender, receiver) = mpsc::channel::<Job>();
            let id = self.next.fetch_add(1, Ordering::SeqCst);
            match self.waiting.lock().as_deref_mut() {
                Ok(Some(waiting)) if waiting.len() < IDLE_THREADS => waiting.push((id, sender)),
                _ => return,
            }
            let work = match receiver.recv_timeout(IDLE_WAIT) {
                Ok(work) => work,
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    let mut waiting = match self.waiting.lock() {
                        Ok(waiting) => waiting,
                        Err(_) => return,
                    };
                    let place = waiting
                        .as_ref()
                        .and_then(|w| w.iter().position(|(waiter, _)| *waiter == id));
                    match place {
                        // Still waiting, and no longer: nothing can come now.
                        Some(at) => {
                            if let Some(waiting) = waiting.as_mut() {
                                waiting.remove(at);
                            }
                            return;
                        }
                        // Taken just now: the work is on its way.
                        None => {
                            drop(waiting);
                            match receiver.recv() {
                                Ok(work) => work,
                                Err(_) => return,
                            }
                        }
                    }
                }
            };
            work();
        }
    }

    /// Ends every waiting thread, and those that finish later at once
    /// (rather than a second later).
    fn dismiss(&self) {
        if let Ok(mut waiting) = self.waiting.lock() {
            *waiting = None;
        }
    }
}

const BACKOFF_MIN: Duration = Duration::from_millis(5);
const BACKOFF_MAX: Duration = Duration::from_millis(200);

/// Starts a connection's thread.
pub fn spawn_thread(work: Box<dyn FnOnce() + Send>) -> io::Result<()> {
    std::thread::Builder::new()
        .name("quire-serve".into())
        .spawn(work)
        .map(drop)
}

/// Wakes an accept loop blocked in `accept` (it then sees that it stops).
pub fn wake(address: SocketAddr) {
    let mut target = address;
    if target.ip().is_unspecified() {
        target.set_ip(match target {
            SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
            SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
        });
    }
    let _ = TcpStream::connect_timeout(&target, Duration::from_secs(1));
}

/// The listener's accept, for [`accept_loop`].
pub fn accept_from(listener: TcpListener) -> impl FnMut() -> io::Result<TcpStream> {
    move || listener.accept().map(|(stream, _)| stream)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(bytes: &[u8]) -> Head {
        let mut buffer = bytes.to_vec();
        read_head(&mut io::empty(), &mut buffer, Duration::from_secs(1))
    }

    #[test]
    fn heads_are_parsed_within_their_limits() {
        match head(b"GET /a?b=c HTTP/1.1\r\nHost: x:1\r\nCONNECTION: close\r\n\r\nGET /next") {
            Head::Request(request, length) => {
                assert_eq!(request.method, "GET");
                assert_eq!(request.target, "/a?b=c");
                assert_eq!(request.header("host"), Some("x:1"));
                assert!(!request.keeps_alive());
                assert_eq!(length, 53);
            }
            other => panic!("{other:?}"),
        }
        match head(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n") {
            Head::Request(request, _) => assert_eq!(request.connection(), None),
            other => panic!("{other:?}"),
        }
        // HTTP/1.0 stays open only when it asks, and is told so.
        match head(b"GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n") {
            Head::Request(request, _) => assert_eq!(request.connection(), Some("keep-alive")),
            other => panic!("{other:?}"),
        }
        match head(b"GET / HTTP/1.0\r\n\r\n") {
            Head::Request(request, _) => assert_eq!(request.connection(), Some("close")),
            other => panic!("{other:?}"),
        }
        // A body is never read: the connection closes after the answer.
        match head(b"POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc") {
            Head::Request(request, _) => assert!(!request.keeps_alive()),
            other => panic!("{other:?}"),
        }
        let long_line = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(MAX_REQUEST_LINE));
        assert!(matches!(head(long_line.as_bytes()), Head::Refused(414, _)));
        // Unfinished, and already too long: refused before the rest arrives.
        let endless = format!("GET /{}", "a".repeat(MAX_REQUEST_LINE + 10));
        assert!(matches!(head(endless.as_bytes()), Head::Refused(414, _)));
        let big_header = format!("GET / HTTP/1.1\r\nX: {}\r\n", "a".repeat(MAX_HEAD));
        assert!(matches!(head(big_header.as_bytes()), Head::Refused(431, _)));
        // Whole, in one piece, and still too long.
        let big_header = format!("{big_header}\r\n");
        assert!(matches!(head(big_header.as_bytes()), Head::Refused(431, _)));
        let many: String = (0..MAX_HEADERS + 1)
            .map(|i| format!("X-{i}: y\r\n"))
            .collect();
        let many = format!("GET / HTTP/1.1\r\n{many}\r\n");
        assert!(matches!(head(many.as_bytes()), Head::Refused(431, _)));
        assert!(matches!(
            head(b"\x16\x03\x01 hello\r\n\r\n"),
            Head::Refused(400, _)
        ));
        assert!(matches!(
            head(b"GET / HTTP/1.1\r\nHost: x\r\n"),
            Head::Closed
        ));
    }

    /// A reader that gives one byte per read, as a slow client sends.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            match self.0.split_first() {
                Some((&byte, rest)) if !out.is_empty() => {
                    out[0] = byte;
                    self.0 = rest;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }

    /// A head that arrives a byte at a time is answered when its last byte
    /// comes (its `\r` and `\n` in separate reads), not when the timeout ends.
    #[test]
    fn a_head_arriving_a_byte_at_a_time_is_read_whole() {
        for sent in [
            &b"GET /x HTTP/1.1\r\nHost: a\r\n\r\n"[..],
            b"GET /x HTTP/1.1\nHost: a\n\n",
            b"\r\nGET /x HTTP/1.1\r\nHost: a\r\n\r\n",
        ] {
            let mut buffer = Vec::new();
            match read_head(&mut Trickle(sent), &mut buffer, Duration::from_secs(1)) {
                Head::Request(request, length) => {
                    assert_eq!(request.target, "/x");
                    assert_eq!(length, sent.len());
                }
                other => panic!("{:?}: {other:?}", String::from_utf8_lossy(sent)),
            }
        }
    }

    /// A loop whose accept fails (as out of descriptors) and whose threads
    /// cannot start: it says so once, answers 503, and answers again after.
    #[test]
    fn the_accept_loop_survives_its_errors_and_says_so_once() {
        use std::sync::atomic::AtomicBool;
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let handlers = Arc::new(Handlers {
            answer: Box::new(|_| Answer::Respond(Response::new(200, b"ok".to_vec()))),
            stream_events: Box::new(|_, _, _| {}),
            stopping: Box::new({
                let stop = stop.clone();
                move || stop.load(Ordering::SeqCst)
            }),
        });
        let calls = Arc::new(AtomicUsize::new(0));
        let (health, heard) = mpsc::channel();
        let accepts = calls.clone();
        let mut accept = accept_from(listener);
        // Accepts 1–20 fail with EMFILE; the threads of connections 1 and 2 cannot start.
        let failing_accept = move || {
            let n = accepts.fetch_add(1, Ordering::SeqCst);
            if (1..=20).contains(&n) {
                return Err(io::Error::from_raw_os_error(24));
            }
            accept()
        };
        let spawned = Arc::new(AtomicUsize::new(0));
        let spawns = spawned.clone();
        let failing_spawn = move |work: Box<dyn FnOnce() + Send>| {
            if spawns.fetch_add(1, Ordering::SeqCst) < 2 {
                return Err(io::Error::from(io::ErrorKind::WouldBlock));
            }
            spawn_thread(work)
        };
        let looping = std::thread::spawn(move || {
            accept_loop(
                failing_accept,
                failing_spawn,
                Limits::default(),
                handlers,
                health,
            )
        });
        let get = || {
            let mut stream = TcpStream::connect(address).unwrap();
            stream
                .set_read_timeout(Some(Duration::from_secs(10)))
                .unwrap();
            stream
                .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .unwrap();
            let mut answer = String::new();
            let _ = stream.read_to_string(&mut answer);
            answer
        };
        // The first connection is accepted but finds no thread: 503.
        assert!(get().starts_with("HTTP/1.1 503"));
        // The next waits out the failing accepts, then again no thread: 503.
        assert!(get().starts_with("HTTP/1.1 503"));
        assert!(calls.load(Ordering::SeqCst) > 20);
        std::thread::sleep(Duration::from_millis(1100));
        let answered = get();
        assert!(answered.starts_with("HTTP/1.1 200"), "{answered}");
        assert!(answered.ends_with("ok"));
        stop.store(true, Ordering::SeqCst);
        wake(address);
        looping.join().unwrap();
        let told: Vec<Health> = heard.try_iter().collect();
        assert_eq!(told.len(), 2, "{told:?}");
        assert!(
            matches!(&told[0], Health::Stalled(why) if why.contains("cannot start a thread")),
            "{told:?}"
        );
        assert_eq!(told[1], Health::Answering);
    }

    /// Connections one after another (a client that opens one per request)
    /// are served by the thread that served the one before, not one each;
    /// the waiting thread ends when the loop does.
    #[test]
    fn a_thread_serves_the_next_connection() {
        use std::sync::atomic::AtomicBool;
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let handlers = Arc::new(Handlers {
            answer: Box::new(|_| Answer::Respond(Response::new(200, b"ok".to_vec()))),
            stream_events: Box::new(|_, _, _| {}),
            stopping: Box::new({
                let stop = stop.clone();
                move || stop.load(Ordering::SeqCst)
            }),
        });
        let started = Arc::new(AtomicUsize::new(0));
        let ended = Arc::new(AtomicUsize::new(0));
        let (starts, ends) = (started.clone(), ended.clone());
        let counting_spawn = move |work: Job| {
            starts.fetch_add(1, Ordering::SeqCst);
            let ends = ends.clone();
            spawn_thread(Box::new(move || {
                work();
                ends.fetch_add(1, Ordering::SeqCst);
            }))
        };
        let (health, _) = mpsc::channel();
        let looping = std::thread::spawn(move || {
            accept_loop(
                accept_from(listener),
                counting_spawn,
                Limits::default(),
                handlers,
                health,
            )
        });
        for _ in 0..50 {
            let mut stream = TcpStream::connect(address).unwrap();
            stream
                .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .unwrap();
            let mut answer = String::new();
            stream.read_to_string(&mut answer).unwrap();
            assert!(answer.ends_with("ok"), "{answer}");
        }
        // One, or a few when a connection came as the last was closing: not 50.
        assert!(started.load(Ordering::SeqCst) < 10, "{started:?} threads");
        stop.store(true, Ordering::SeqCst);
        wake(address);
        looping.join().unwrap();
        let deadline = Instant::now() + Duration::from_millis(500);
        while ended.load(Ordering::SeqCst) < started.load(Ordering::SeqCst) {
            assert!(
                Instant::now() < deadline,
                "a waiting thread outlived its loop"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    #[test]
    fn the_cap_follows_the_descriptor_limit() {
        let limits = Limits {
            connections: usize::MAX,
            ..Limits::default()
        }
        .within_descriptors();
        #[cfg(unix)]
        {
            if let Some(soft) = descriptor_limit() {
                assert!(limits.connections < soft);
            }
        }
        assert!(limits.connections >= 4);
    }
}
