//! `quire serve` as a browser meets it, over real sockets: what it answers
//! (the page, the state, pages drawn at layout's glyph positions, the
//! ebook's documents with the manuscript's raw HTML still escaped), what it
//! refuses (paths outside its views, encoded or through a symlink; any method
//! but GET; a Host header that is not its own; the editor without the
//! page's token; a WebSocket from another origin), the event stream that
//! announces each rebuild, and Ctrl-C stopping it cleanly; and what it
//! outlives: clients past its descriptor limit and its cap, a reader that
//! reads nothing, oversized request heads, a thousand WebSockets opened and
//! closed, and a peer that vanishes, each followed by a normal request
//! answered in under 100 ms.

use crate::common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

struct Served {
    child: Child,
    address: String,
    lines: mpsc::Receiver<String>,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Served {
    fn start(dir: &Path, extra: &[&str]) -> Served {
        Served::launch(dir, None, extra)
    }

    /// `quire serve`, under a descriptor limit when one is given: the shell
    /// lowers it and becomes quire (`exec`), so the child's id is quire's.
    fn launch(dir: &Path, descriptors: Option<u32>, extra: &[&str]) -> Served {
        let binary = env!("CARGO_BIN_EXE_quire");
        let mut command = match descriptors {
            Some(limit) => {
                let mut shell = Command::new("sh");
                shell
                    .arg("-c")
                    .arg(format!("ulimit -n {limit} && exec \"$0\" \"$@\""))
                    .arg(binary);
                shell
            }
            None => Command::new(binary),
        };
        let mut child = command
            .args(["serve", "--port", "0", "--dir", dir.to_str().unwrap()])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let lines = common::output_lines(&mut child);
        let mut served = Served {
            child,
            address: String::new(),
            lines,
        };
        let line = served.wait_for("serving http://");
        served.address = line
            .split("http://")
            .nth(1)
            .unwrap()
            .split('/')
            .next()
            .unwrap()
            .to_string();
        served.wait_for("built ");
        served
    }

    fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Ok(line) = self.lines.recv_timeout(Duration::from_millis(100))
                && line.contains(text)
            {
                return line;
            }
        }
        panic!("quire serve never printed `{text}`");
    }

    /// Sends `request` as written (the request line and headers) and returns
    /// the status code, the headers and the body.
    fn raw(&self, request: &str) -> (u16, String, Vec<u8>) {
        let mut stream = TcpStream::connect(&self.address).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut response = Vec::new();
        let _ = stream.read_to_end(&mut response);
        let split = response
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a response with headers");
        let head = String::from_utf8_lossy(&response[..split]).to_string();
        let status = head.split(' ').nth(1).unwrap().parse().unwrap();
        (status, head, response[split + 4..].to_vec())
    }

    fn get_with_host(&self, path: &str, host: &str) -> (u16, String, Vec<u8>) {
        self.raw(&format!(
            "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        ))
    }

    fn get(&self, path: &str) -> (u16, String, Vec<u8>) {
        self.get_with_host(path, &self.address)
    }

    /// A normal request's time: the median of five fetches of the state.
    fn answer_time(&self) -> Duration {
        let mut times: Vec<Duration> = (0..5)
            .map(|_| {
                let asked = Instant::now();
                let (status, _, _) = self.get("/state.json");
                assert_eq!(status, 200);
                asked.elapsed()
            })
            .collect();
        times.sort();
        times[2]
    }

    fn assert_answers_quickly(&self, after: &str) {
        let time = self.answer_time();
        println!("after {after}: a normal request answered in {time:?}");
        assert!(time < Duration::from_millis(100), "after {after}: {time:?}");
    }

    /// A number from /proc/PID/status (`Threads:`, `VmHWM:` in kB).
    fn status(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|line| {
                line.strip_prefix(field)?
                    .split_whitespace()
                    .next()?
                    .parse()
                    .ok()
            })
            .unwrap_or_else(|| panic!("no {field} in {status}"))
    }

    fn threads(&self) -> u64 {
        self.status("Threads:")
    }

    /// The thread count once it stops changing (a build's helpers end).
    fn settled_threads(&self) -> u64 {
        let mut last = self.threads();
        loop {
            std::thread::sleep(Duration::from_millis(500));
            let now = self.threads();
            if now == last {
                return now;
            }
            last = now;
        }
    }

    /// Waits for the thread count to fall to `at_most`; the count it fell to.
    fn threads_fall_to(&self, at_most: u64) -> u64 {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let now = self.threads();
            if now <= at_most || Instant::now() > deadline {
                return now;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// A small book in a temporary folder, with raw HTML in its text and a
/// symlink in its manuscript pointing outside the book.
fn book() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let manuscript = dir.path().join("manuscript");
    std::fs::create_dir_all(&manuscript).unwrap();
    std::fs::write(
        manuscript.join("book.toml"),
        "title = \"Served\"\nauthors = [\"A. Writer\"]\nlanguage = \"en\"\n",
    )
    .unwrap();
    let mut text = String::from("# The First\n\nIt was a bright cold day in April.\n\n");
    text.push_str("<script>alert('owned')</script>\n\n");
    for i in 0..40 {
        text.push_str(&format!(
            "Paragraph {i} runs on for a while so that the chapter fills a few pages of the book and \
             the preview has pages to draw, with words enough to justify a line or two.\n\n"
        ));
    }
    std::fs::write(manuscript.join("01-first.md"), text).unwrap();
    std::fs::write(dir.path().join("secret.txt"), "the secret").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.path().join("secret.txt"), manuscript.join("link.txt")).unwrap();
    common::copy_dir(&common::root().join("fonts"), &dir.path().join("fonts"));
    dir
}

#[test]
fn serves_the_views_and_refuses_everything_else() {
    let dir = book();
    let served = Served::start(dir.path(), &[]);

    // What it answers.
    let (status, head, page) = served.get("/");
    assert_eq!(status, 200);
    assert!(
        head.contains("Content-Security-Policy: default-src 'none'"),
        "{head}"
    );
    assert!(String::from_utf8_lossy(&page).contains("/assets/app.js"));
    let (status, _, state) = served.get("/state.json");
    assert_eq!(status, 200);
    let state: serde_json::Value = serde_json::from_slice(&state).unwrap();
    assert_eq!(state["ok"], true);
    assert!(state["pages"].as_array().unwrap().len() >= 4);
    let chapter = state["spine"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["title"] == "The First")
        .expect("the chapter is in the spine")["path"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, head, xhtml) = served.get(&format!("/epub/{chapter}"));
    assert_eq!(status, 200);
    assert!(head.contains("application/xhtml+xml"));
    assert!(head.contains("Content-Security-Policy: default-src 'none'"));
    let xhtml = String::from_utf8(xhtml).unwrap();
    assert!(xhtml.contains("It was a bright cold day in April."));
    assert!(xhtml.contains("data-block="));
    // The manuscript's raw HTML is text in the views, never markup.
    assert!(!xhtml.contains("<script"), "{xhtml}");
    assert!(xhtml.contains("&lt;script&gt;"));
    let (status, _, drawing) = served.get("/page/0.json");
    assert_eq!(status, 200);
    let drawing: serde_json::Value = serde_json::from_slice(&drawing).unwrap();
    assert!(drawing["text"].as_str().unwrap().starts_with("<svg"));
    assert!(!drawing["ink"].as_array().unwrap().is_empty());
    let (status, _, sheet) = served.get("/glyphs.json");
    assert_eq!(status, 200);
    let sheet: serde_json::Value = serde_json::from_slice(&sheet)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&sheet)));
    assert!(
        sheet
            .as_object()
            .unwrap()
            .values()
            .any(|d| d.as_str().unwrap().starts_with('M'))
    );
    assert_eq!(served.get("/assets/app.css").0, 200);
    // Under the name `localhost` too.
    let port = served.address.rsplit(':').next().unwrap();
    assert_eq!(
        served.get_with_host("/", &format!("localhost:{port}")).0,
        200
    );

    // Paths outside the views: plain, encoded, absolute, through a symlink.
    for path in [
        "/epub/../../secret.txt",
        "/epub/%2e%2e/%2e%2e/secret.txt",
        "/epub/%2E%2E%2F%2E%2E%2Fsecret.txt",
        "/epub/..%2f..%2fsecret.txt",
        "/%2e%2e/secret.txt",
        "/..",
        "//etc/passwd",
        "/etc/passwd",
        "/epub//etc/passwd",
        "/epub/%2fetc%2fpasswd",
        "/epub/link.txt",
        "/manuscript/link.txt",
        "/manuscript/01-first.md",
        "/secret.txt",
        "/link.txt",
        "/assets/../secret.txt",
        "/epub/..\\..\\secret.txt",
        "/page/999.json",
        "/page/-1.json",
        "/page/0.svg",
        "/image/0",
        "/nothing",
    ] {
        let (status, _, body) = served.get(path);
        assert_eq!(status, 404, "{path}");
        assert!(
            !String::from_utf8_lossy(&body).contains("the secret"),
            "{path}"
        );
    }
    // The absolute form of the request target.
    let (status, _, _) = served.raw(&format!(
        "GET http://{}/state.json HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        served.address, served.address
    ));
    assert_eq!(status, 404);

    // Only GET.
    for method in ["POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"] {
        let (status, head, _) = served.raw(&format!(
            "{method} /state.json HTTP/1.1\r\nHost: {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            served.address
        ));
        assert_eq!(status, 405, "{method}");
        assert!(head.contains("Allow: GET"), "{method}: {head}");
    }

    // DNS rebinding: another host name, or none.
    assert_eq!(
        served
            .get_with_host("/state.json", &format!("evil.example:{port}"))
            .0,
        403
    );
    assert_eq!(served.get_with_host("/state.json", "127.0.0.1:1").0, 403);
    let (status, _, _) = served.raw("GET /state.json HTTP/1.0\r\n\r\n");
    assert_eq!(status, 403);

    // The editor needs the page's token (and a configured editor).
    assert_eq!(served.get("/open?block=1&token=guess").0, 403);

    // A WebSocket from another site's page: refused, and the connection
    // closed (its client waits for the close, not for another answer).
    let (status, head, _) = served.raw(&format!(
        "GET /events HTTP/1.1\r\nHost: {}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\
         Origin: http://evil.example\r\n\r\n",
        served.address
    ));
    assert_eq!(status, 403);
    assert!(head.contains("Connection: close"), "{head}");
}

#[test]
fn the_event_stream_announces_each_build_and_ctrl_c_stops_the_server() {
    let dir = book();
    let mut served = Served::start(dir.path(), &[]);
    let (mut socket, _) = tungstenite::connect(format!("ws://{}/events", served.address)).unwrap();
    let first = socket.read().unwrap().into_text().unwrap();
    assert_eq!(first.as_str(), r#"{"version":1}"#);

    // An edit: the next build is announced, with the new word in the ebook
    // and on a page that was sent again.
    let chapter = dir.path().join("manuscript/01-first.md");
    let text = std::fs::read_to_string(&chapter).unwrap();
    let (_, _, before) = served.get("/state.json");
    let before: serde_json::Value = serde_json::from_slice(&before).unwrap();
    std::fs::write(&chapter, text.replace("bright cold", "bright Quillwhistle")).unwrap();
    let second: serde_json::Value =
        serde_json::from_str(&socket.read().unwrap().into_text().unwrap()).unwrap();
    assert_eq!(second["version"], 2);
    let (_, _, after) = served.get("/state.json");
    let after: serde_json::Value = serde_json::from_slice(&after).unwrap();
    let keys = |state: &serde_json::Value| -> Vec<String> {
        state["pages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["key"].as_str().unwrap().to_string())
            .collect()
    };
    let changed: Vec<usize> = keys(&before)
        .iter()
        .zip(keys(&after))
        .enumerate()
        .filter(|(_, (a, b))| *a != b)
        .map(|(i, _)| i)
        .collect();
    assert!(!changed.is_empty(), "the edited page's key changed");
    assert!(
        changed.len() < keys(&after).len(),
        "only some pages changed: {changed:?}"
    );
    let edited = changed.iter().any(|i| {
        let (_, _, drawing) = served.get(&format!("/page/{i}.json"));
        String::from_utf8_lossy(&drawing).contains("Quillwhistle")
    });
    assert!(edited, "a changed page shows the new word");
    // The event named the changed pages with their keys, for the page to fetch at once.
    let named: Vec<usize> = second["changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c[0].as_u64().unwrap() as usize)
        .collect();
    assert_eq!(named, changed);
    for c in second["changed"].as_array().unwrap() {
        let index = c[0].as_u64().unwrap() as usize;
        assert_eq!(c[1], after["pages"][index]["key"]);
    }
    served.wait_for("rebuilt in");

    // A broken edit is announced too, its diagnostics in the state; the views stay.
    let config = dir.path().join("manuscript/book.toml");
    let good = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{good}\ntrim = [\n")).unwrap();
    let third: serde_json::Value =
        serde_json::from_str(&socket.read().unwrap().into_text().unwrap()).unwrap();
    assert_eq!(third["version"], 3);
    assert_eq!(third["changed"], serde_json::json!([]));
    let (_, _, state) = served.get("/state.json");
    let state: serde_json::Value = serde_json::from_slice(&state).unwrap();
    assert_eq!(state["ok"], false);
    let problem = &state["problems"][0];
    assert_eq!(problem["file"], "manuscript/book.toml");
    assert!(problem["line"].as_u64().unwrap() > 1);
    assert!(problem["hint"].is_string());
    assert_eq!(
        state["pages"].as_array().unwrap().len(),
        keys(&after).len(),
        "the last good pages stay"
    );
    std::fs::write(&config, good).unwrap();
    let fourth: serde_json::Value =
        serde_json::from_str(&socket.read().unwrap().into_text().unwrap()).unwrap();
    assert_eq!(fourth["version"], 4);
    let (_, _, state) = served.get("/state.json");
    let state: serde_json::Value = serde_json::from_slice(&state).unwrap();
    assert_eq!(state["ok"], true);

    // Ctrl-C: the server says so and exits 0.
    let status = Command::new("kill")
        .args(["-INT", &served.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    served.wait_for("stopped");
    let deadline = Instant::now() + Duration::from_secs(10);
    let exit = loop {
        if let Some(exit) = served.child.try_wait().unwrap() {
            break exit;
        }
        assert!(Instant::now() < deadline, "quire serve did not stop");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "{exit:?}");
}

#[test]
fn the_editor_runs_only_its_template_on_a_file_the_server_found() {
    let dir = book();
    let marker = dir.path().join("opened.txt");
    // The "editor" writes its arguments to a file.
    let script = dir.path().join("editor.sh");
    std::fs::write(
        &script,
        format!("#!/bin/sh\necho \"$@\" > {}\n", marker.display()),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let template = format!("{} {{file}} {{line}}", script.display());
    let served = Served::start(dir.path(), &["--editor", &template]);
    let (_, _, page) = served.get("/");
    let page = String::from_utf8(page).unwrap();
    let token = page
        .split("name=\"quire-token\" content=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    // The chapter's first paragraph: find its block in the ebook.
    let (_, _, state) = served.get("/state.json");
    let state: serde_json::Value = serde_json::from_slice(&state).unwrap();
    let chapter = state["spine"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["title"] == "The First")
        .unwrap()["path"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, _, xhtml) = served.get(&format!("/epub/{chapter}"));
    let xhtml = String::from_utf8(xhtml).unwrap();
    let at = xhtml.find("It was a bright").unwrap();
    let block: u32 = xhtml[..at]
        .rsplit("data-block=\"")
        .next()
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let (status, _, where_) = served.get(&format!("/where?block={block}"));
    assert_eq!(status, 200);
    let where_: serde_json::Value = serde_json::from_slice(&where_).unwrap();
    assert_eq!(where_["file"], "manuscript/01-first.md");
    assert_eq!(where_["line"], 3);
    assert!(where_["page"].as_u64().is_some());

    assert_eq!(served.get(&format!("/open?block={block}&token=x")).0, 403);
    assert!(!marker.exists());
    // A file named by the request is never used: only the block's own.
    let (status, _, _) = served.get(&format!(
        "/open?block={block}&token={token}&file=/etc/passwd"
    ));
    assert_eq!(status, 200);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !marker.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(100));
    let args = std::fs::read_to_string(&marker).unwrap();
    let expected = std::fs::canonicalize(dir.path())
        .unwrap()
        .join("manuscript/01-first.md");
    assert_eq!(args.trim(), format!("{} 3", expected.display()));
}

/// The (glyph, x, y) of every glyph a page's drawing paints, in points:
/// each run is `["g", face, scale, x, y, rotation, colour, [glyph, x, …]]`.
fn drawn_glyphs(drawing: &str) -> Vec<(u16, f64, f64)> {
    let drawing: serde_json::Value = serde_json::from_str(drawing).unwrap();
    let mut glyphs = Vec::new();
    for op in drawing["ink"].as_array().unwrap() {
        if op[0] != "g" || op[5].as_f64().unwrap() != 0.0 {
            continue;
        }
        let (scale, x, y) = (
            op[2].as_f64().unwrap(),
            op[3].as_f64().unwrap(),
            op[4].as_f64().unwrap(),
        );
        for pair in op[7].as_array().unwrap().chunks(2) {
            let id = pair[0].as_u64().unwrap() as u16;
            glyphs.push((id, x + pair[1].as_f64().unwrap() * scale, y));
        }
    }
    glyphs
}

#[test]
fn the_pages_draw_each_glyph_where_the_pdf_prints_it() {
    use quire::layout::frame::Item;
    let preview = quire::preview_with(
        &common::bundled(),
        &quire::Options::default(),
        &mut quire::BuildCache::default(),
    )
    .unwrap();
    let laid = &preview.laid_out;
    let mut compared = 0;
    for (index, page) in laid.pages.pages.iter().enumerate() {
        let drawing = quire::serve::draw::page(
            page,
            index,
            &preview.fonts,
            &laid.geometry,
            &laid.lines[index],
            &|id| format!("/image/{}", id.0),
        );
        let drawn = drawn_glyphs(&drawing);
        let laid_glyphs: Vec<(u16, f64, f64)> = page
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Glyphs(run) if !run.hidden && run.rotation == 0.0 => Some(run),
                _ => None,
            })
            .flat_map(|run| {
                run.glyphs
                    .iter()
                    .map(move |g| (g.id, run.x.0 + g.x.0, run.y.0))
            })
            .collect();
        assert_eq!(drawn.len(), laid_glyphs.len(), "page {index}");
        for (d, l) in drawn.iter().zip(&laid_glyphs) {
            assert_eq!(d.0, l.0, "page {index}: the same glyph");
            assert!(
                (d.1 - l.1).abs() < 0.02,
                "page {index}: x {} against {}",
                d.1,
                l.1
            );
            assert!(
                (d.2 - l.2).abs() < 0.006,
                "page {index}: y {} against {}",
                d.2,
                l.2
            );
            compared += 1;
        }
    }
    assert!(compared > 5_000, "{compared} glyphs compared");
}

#[test]
fn the_findings_are_what_quire_check_counts() {
    let project = common::moby_dick().unwrap_or_else(common::bundled);
    let options = quire::Options::default();
    let (report, _) = quire::check::release_gate(&project, &options).unwrap();
    let preview =
        quire::preview_with(&project, &options, &mut quire::BuildCache::default()).unwrap();
    use quire::layout::frame::FindingKind;
    let mut found_any = false;
    for kind in FindingKind::ALL {
        let row = report
            .checks
            .iter()
            .find(|c| c.row == quire::check::Row::counting(kind))
            .unwrap_or_else(|| {
                panic!(
                    "quire check has a row `{}`",
                    quire::check::Row::counting(kind).name()
                )
            });
        let found = preview.findings.iter().filter(|f| f.kind == kind).count();
        found_any |= found > 0;
        let counted: Option<usize> = row
            .value
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .and_then(|n| n.parse().ok());
        match kind {
            // Rows that give a count: the findings are as many.
            FindingKind::OverfullLine
            | FindingKind::TightLine
            | FindingKind::LooseLine
            | FindingKind::Widow
            | FindingKind::Orphan
            | FindingKind::HeadingAtFoot
            | FindingKind::HyphenAtFoot
            | FindingKind::ShortPage
            | FindingKind::UnequalSpread
            | FindingKind::DeadLink => {
                assert_eq!(counted, Some(found), "{}: {}", row.name(), row.value)
            }
            // Rows that give a verdict: findings exactly when it is not a pass.
            FindingKind::HyphenRun | FindingKind::LowResolution | FindingKind::OutsideMargins => {
                assert_eq!(
                    found > 0,
                    row.status != quire::check::Status::Pass,
                    "{}: {} ({found} findings)",
                    row.name(),
                    row.value
                )
            }
        }
        for finding in preview.findings.iter().filter(|f| f.kind == kind) {
            assert!(finding.page < preview.laid_out.pages.pages.len());
            assert!(!finding.detail.is_empty());
        }
    }
    assert!(found_any, "the book has something to find");
}

/// Under `ulimit -n 256`, with the connection cap set past it: the accept
/// loop runs out of descriptors, says so once, and answers again when the
/// connections close (tiny_http's accept thread died, and the listener with it).
#[test]
fn running_out_of_descriptors_is_survived_and_told() {
    let dir = book();
    let served = Served::launch(dir.path(), Some(256), &["--max-connections", "1000"]);
    // More than the server's 256 descriptors; the rest wait in its backlog.
    let held: Vec<TcpStream> = (0..300)
        .filter_map(|_| {
            TcpStream::connect_timeout(&served.address.parse().unwrap(), Duration::from_secs(1))
                .ok()
        })
        .collect();
    assert!(held.len() > 256, "{} connections made", held.len());
    let warning = served.wait_for("stopped answering");
    assert!(warning.contains("Too many open files"), "{warning}");
    drop(held);
    // Its back-off is short, and the episode ends a second after the last failure.
    std::thread::sleep(Duration::from_millis(1500));
    served.assert_answers_quickly("running out of descriptors");
    served.wait_for("the preview answers again");
    assert_eq!(served.get("/glyphs.json").0, 200);
}

/// Under `ulimit -n 256` with the default cap (the limit less 64 for the
/// builder): connections past the cap are answered 503 at once, and the
/// server never runs out of descriptors.
#[test]
fn past_its_cap_connections_are_answered_503() {
    let dir = book();
    let served = Served::launch(dir.path(), Some(256), &[]);
    let cap = 256 - 64;
    let mut connections: Vec<TcpStream> = (0..250)
        .map(|_| TcpStream::connect(&served.address).unwrap())
        .collect();
    served.wait_for(&format!("{cap} connections are open, its limit"));
    std::thread::sleep(Duration::from_millis(300));
    let mut refused = 0;
    for stream in &mut connections {
        stream.set_nonblocking(true).unwrap();
        let mut answer = [0u8; 64];
        if let Ok(n) = stream.read(&mut answer) {
            assert!(answer[..n].starts_with(b"HTTP/1.1 503"));
            refused += 1;
        }
    }
    assert_eq!(refused, 250 - cap);
    // A browser's request meanwhile is refused at once too, never left waiting.
    let asked = Instant::now();
    let (status, head, _) = served.get("/state.json");
    assert_eq!(status, 503);
    assert!(head.contains("Retry-After"), "{head}");
    assert!(asked.elapsed() < Duration::from_millis(100));
    // One that sends a body before it reads (a form's POST) reads its 503
    // too: what it sends is drained, never met with a reset.
    let mut poster = TcpStream::connect(&served.address).unwrap();
    poster
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let body = vec![b'x'; 256 << 10];
    let head = format!(
        "POST /state.json HTTP/1.1\r\nHost: {}\r\nContent-Length: {}\r\n\r\n",
        served.address,
        body.len()
    );
    poster.write_all(head.as_bytes()).unwrap();
    poster
        .write_all(&body)
        .expect("the refused client's body is read, not reset");
    let mut answer = Vec::new();
    poster.read_to_end(&mut answer).unwrap();
    assert!(answer.starts_with(b"HTTP/1.1 503"));
    drop(connections);
    std::thread::sleep(Duration::from_millis(1500));
    served.assert_answers_quickly("connections past the cap");
    served.wait_for("the preview answers again");
}

/// Clients that pipeline requests for the glyph sheet and read nothing: each
/// holds only its own thread, and only until the write timeout.
#[test]
fn a_reader_that_reads_nothing_stalls_no_one() {
    let dir = book();
    let served = Served::start(dir.path(), &["--timeout-ms", "1000"]);
    let threads = served.settled_threads();
    let sheet = served.get("/glyphs.json").2.len();
    // Answers enough to fill the sockets' buffers a few times over.
    let pipelined = ((16 << 20) / sheet.max(1) + 40).min(2000);
    let request = format!(
        "GET /glyphs.json HTTP/1.1\r\nHost: {}\r\n\r\n",
        served.address
    );
    let stalled: Vec<TcpStream> = (0..4)
        .map(|_| {
            let mut stream = TcpStream::connect(&served.address).unwrap();
            let _ = stream.write_all(request.repeat(pipelined).as_bytes());
            stream
        })
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    served.assert_answers_quickly("four readers stalled");
    // After the write timeout the server has let go of them: reading what
    // was sent comes to the end, rather than waiting.
    std::thread::sleep(Duration::from_millis(1500));
    for mut stream in stalled {
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let mut sink = vec![0u8; 1 << 20];
        loop {
            match stream.read(&mut sink) {
                Ok(0) => break,
                Ok(_) => {}
                // Closed with requests unread: a reset. Only a wait is wrong.
                Err(e) => {
                    assert!(
                        !matches!(
                            e.kind(),
                            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                        ),
                        "the server still holds a stalled reader"
                    );
                    break;
                }
            }
        }
    }
    let after = served.threads_fall_to(threads);
    assert!(after <= threads, "{after} threads, against {threads}");
    served.assert_answers_quickly("the stalled readers");
}

/// A request line past 8 KiB is answered 414, a head past 32 KiB or with
/// more than 64 headers 431, without reading the rest: a 64 MiB header line
/// costs the server no memory.
#[test]
fn oversized_request_heads_are_refused_unread() {
    let dir = book();
    let served = Served::start(dir.path(), &[]);
    // Sends `head` from another thread (the server may stop reading it) and
    // returns the status it answers.
    let refused = |head: Vec<u8>| -> u16 {
        let mut stream = TcpStream::connect(&served.address).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut writer = stream.try_clone().unwrap();
        let sending = std::thread::spawn(move || {
            for chunk in head.chunks(1 << 20) {
                if writer.write_all(chunk).is_err() {
                    break;
                }
            }
        });
        let mut answer = [0u8; 12];
        stream.read_exact(&mut answer).unwrap();
        drop(stream);
        sending.join().unwrap();
        String::from_utf8_lossy(&answer[9..12]).parse().unwrap()
    };
    let host = format!("Host: {}\r\n", served.address);
    let long_path = format!("GET /{} HTTP/1.1\r\n{host}\r\n", "a".repeat(64 << 10));
    assert_eq!(refused(long_path.into_bytes()), 414);
    let long_header = format!(
        "GET / HTTP/1.1\r\n{host}X-Big: {}\r\n\r\n",
        "b".repeat(64 << 10)
    );
    assert_eq!(refused(long_header.into_bytes()), 431);
    let many: String = (0..100).map(|i| format!("X-{i}: y\r\n")).collect();
    assert_eq!(
        refused(format!("GET / HTTP/1.1\r\n{host}{many}\r\n").into_bytes()),
        431
    );
    let peak = served.status("VmHWM:");
    let mut huge = format!("GET / HTTP/1.1\r\n{host}X-Huge: ").into_bytes();
    huge.resize(64 << 20, b'h');
    assert_eq!(refused(huge), 431);
    let grown = served.status("VmHWM:").saturating_sub(peak);
    println!("a 64 MiB header line: the server's peak memory grew {grown} kB");
    assert!(grown < 8 << 10, "the peak grew {grown} kB");
    served.assert_answers_quickly("oversized heads");
}

/// A thousand WebSockets, a hundred at a time, half closed with a close
/// frame and half dropped: each one's thread ends with it (they used to
/// keep two threads each until the second rebuild).
#[test]
fn a_thousand_closed_websockets_leave_no_threads() {
    let dir = book();
    let served = Served::start(dir.path(), &[]);
    let threads = served.settled_threads();
    let url = format!("ws://{}/events", served.address);
    let mut most = 0;
    for _ in 0..10 {
        let mut sockets: Vec<_> = (0..100)
            .map(|_| {
                let (mut socket, _) = tungstenite::connect(&url).unwrap();
                if let tungstenite::stream::MaybeTlsStream::Plain(stream) = socket.get_mut() {
                    stream
                        .set_read_timeout(Some(Duration::from_secs(5)))
                        .unwrap();
                }
                assert!(socket.read().unwrap().is_text());
                socket
            })
            .collect();
        most = most.max(served.threads());
        // Half say goodbye (all at once, then each hears the answer); the others just go.
        let (closing, dropped): (Vec<_>, Vec<_>) =
            sockets.drain(..).enumerate().partition(|(i, _)| i % 2 == 0);
        drop(dropped);
        let mut closing: Vec<_> = closing.into_iter().map(|(_, s)| s).collect();
        for socket in &mut closing {
            let _ = socket.close(None);
        }
        for socket in &mut closing {
            while socket.read().is_ok() {}
        }
    }
    let after = served.threads_fall_to(threads);
    println!("1,000 WebSockets: {threads} threads before, {most} with 100 open, {after} after");
    assert!(after <= threads, "{after} threads, against {threads}");
    served.assert_answers_quickly("a thousand WebSockets");
}

/// With a 300 ms heartbeat: a peer that answers no ping is let go, and one
/// that answers stays and hears the next build.
#[test]
fn a_vanished_peer_is_let_go_and_a_live_one_kept() {
    let dir = book();
    let served = Served::start(dir.path(), &["--timeout-ms", "300"]);
    let threads = served.settled_threads();
    // The live page: a client reading all the while answers each ping.
    let (mut live, _) = tungstenite::connect(format!("ws://{}/events", served.address)).unwrap();
    let (heard, messages) = mpsc::channel();
    std::thread::spawn(move || {
        while let Ok(message) = live.read() {
            if message.is_text() {
                let _ = heard.send(message.into_text().unwrap().to_string());
            }
        }
    });
    assert_eq!(
        messages.recv_timeout(Duration::from_secs(5)).unwrap(),
        r#"{"version":1}"#
    );
    // The vanished one: a handshake, then nothing read or answered.
    let mut vanished = TcpStream::connect(&served.address).unwrap();
    write!(
        vanished,
        "GET /events HTTP/1.1\r\nHost: {}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
        served.address
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    vanished
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut received = Vec::new();
    let _ = vanished.read_to_end(&mut received);
    let frames = &received[received.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4..];
    assert!(frames.starts_with(b"\x81"), "the version first: {frames:?}");
    assert!(
        frames.windows(2).any(|w| w == b"\x89\x00"),
        "pinged: {frames:?}"
    );
    assert_eq!(served.threads_fall_to(threads + 1), threads + 1);
    // The live one still hears of a build, after many heartbeats.
    let chapter = dir.path().join("manuscript/01-first.md");
    let text = std::fs::read_to_string(&chapter).unwrap();
    std::fs::write(&chapter, text.replace("bright cold", "bright Quillwhistle")).unwrap();
    let next: serde_json::Value =
        serde_json::from_str(&messages.recv_timeout(Duration::from_secs(30)).unwrap()).unwrap();
    assert_eq!(next["version"], 2);
    served.assert_answers_quickly("a vanished peer");
}
