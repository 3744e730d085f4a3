//! `cargo bench`: how fast quire builds, against the targets and against the
//! figures the README's Speed table records.
//!
//! In-process (medians): the bundled essay; Moby-Dick (from
//! `../shared/corpus/moby-dick`, with a book.toml written here), plain and
//! with the five store editions; a Moby-Dick rebuild after a one-word edit
//! with the watch cache, and the part of it before the writers; a catalogue
//! of 20 essays and 5 Moby-Dicks in one call. Whole processes (the release
//! `quire build` binary on folders written here, medians of 5, peak memory
//! from `/usr/bin/time` when it is installed): the essay and Moby-Dick, each
//! with its cover cache warm and without the build cache (an author's first
//! build of a text); a second Moby-Dick process after a one-word edit, with
//! the build cache the first left in `.quire/cache/`; the O. Henry
//! collection the same way; and Typst setting Moby-Dick's text, when its
//! Python package and a pandoc that writes Typst are installed. And
//! `quire serve` on Moby-Dick: a one-word edit saved, to the event that
//! announces it and the changed pages fetched.
//!
//! Every stage's time is printed; then each target, met or missed; then
//! each figure beside the README's (rows of the Speed table whose first cell
//! is a `key` in backticks), flagged when more than 10 % slower.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use quire::project::Project;
use quire::{BuildCache, Options, Timings, build_with};

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn stages(t: &Timings) -> String {
    format!(
        "parse {} | shape {} (CPU, inside set) | set (shape + break) {} | paginate {} | layout {} | cover {} | EPUB {} | PDF write {} | print cover {} | stores {} | total {}",
        ms(t.parse),
        ms(t.shape),
        ms(t.set),
        ms(t.paginate),
        ms(t.layout),
        ms(t.cover),
        ms(t.epub),
        ms(t.pdf),
        ms(t.print_cover),
        ms(t.stores),
        ms(t.total)
    )
}

fn peak_memory_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// A book of `../shared/corpus/{folder}`'s chapters, the bundled fonts and `toml`.
fn corpus_book(folder: &str, toml: &str) -> Option<Project> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = root.join("../shared/corpus").join(folder);
    let mut project = Project::from_files(Vec::<(String, Vec<u8>)>::new());
    for entry in std::fs::read_dir(&corpus).ok()? {
        let path = entry.ok()?.path();
        let name = path.file_name()?.to_str()?.to_string();
        if name.ends_with(".md") {
            project.insert(format!("manuscript/{name}"), std::fs::read(&path).ok()?);
        }
    }
    for entry in std::fs::read_dir(root.join("fonts")).ok()? {
        let path = entry.ok()?.path();
        let name = path.file_name()?.to_str()?.to_string();
        project.insert(format!("fonts/{name}"), std::fs::read(&path).ok()?);
    }
    project.insert("manuscript/book.toml", toml);
    Some(project)
}

fn moby_dick() -> Option<Project> {
    corpus_book(
        "moby-dick",
        "title = \"Moby-Dick\"\nsubtitle = \"or, The Whale\"\nauthors = [\"Herman Melville\"]\nlanguage = \"en\"\ndate = \"1851-10-18\"\n",
    )
}

/// Typst setting Moby-Dick's chapters from cold, in a new process each time,
/// with the settings of `../shared/docs/book-standards.md` (the Markdown
/// turned to Typst by a pandoc that writes it): the median of 3, or why it
/// could not run (Typst from PyPI and pandoc 3 are not part of the build).
fn time_typst(scratch: &Path) -> Result<Duration, String> {
    let python = |code: &str| {
        std::process::Command::new("python3")
            .args(["-c", code])
            .output()
            .map_err(|e| format!("python3: {e}"))
    };
    let typst = python("import typst")?;
    if !typst.status.success() {
        return Err("Typst's Python package is absent (`pip install typst`)".into());
    }
    // Debian's pandoc is older than its Typst writer; pypandoc_binary's is not.
    let bundled = python("import pypandoc; print(pypandoc.get_pandoc_path())")?;
    let bundled = String::from_utf8_lossy(&bundled.stdout).trim().to_string();
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/moby-dick");
    let mut chapters: Vec<_> = std::fs::read_dir(&corpus)
        .map_err(|e| e.to_string())?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    chapters.sort();
    let mut markdown = String::new();
    for chapter in chapters {
        markdown.push_str(&std::fs::read_to_string(chapter).map_err(|e| e.to_string())?);
        markdown.push_str("\n\n");
    }
    let source = scratch.join("moby.md");
    std::fs::write(&source, markdown).map_err(|e| e.to_string())?;
    let body = ["pandoc", bundled.as_str()]
        .into_iter()
        .filter(|p| !p.is_empty())
        .find_map(|pandoc| {
            let out = std::process::Command::new(pandoc)
                .args(["-f", "markdown-citations", "-t", "typst"])
                .arg(&source)
                .output()
                .ok()?;
            out.status.success().then_some(out.stdout)
        })
        .ok_or("no pandoc that writes Typst (pandoc 3, or `pip install pypandoc_binary`)")?;
    let document = scratch.join("moby.typ");
    let mut text = String::from(concat!(
        "#set page(width: 6in, height: 9in, margin: (inside: 0.75in, outside: 0.6in, top: 0.75in, bottom: 0.75in))\n",
        "#set text(font: \"EB Garamond\", size: 11pt, lang: \"en\", hyphenate: true, top-edge: 0.8em, bottom-edge: -0.2em)\n",
        "#set par(justify: true, first-line-indent: 1.5em, leading: 14.3pt - 1em, spacing: 14.3pt - 1em)\n",
        "#let horizontalrule = line(length: 30%)\n",
    ));
    text.push_str(&String::from_utf8_lossy(&body));
    std::fs::write(&document, text).map_err(|e| e.to_string())?;
    let fonts = Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts");
    let code = format!(
        "import time, typst\nt = time.perf_counter()\ntypst.compile({:?}, output={:?}, font_paths=[{:?}])\nprint(time.perf_counter() - t)",
        document.display().to_string(),
        scratch.join("moby-typst.pdf").display().to_string(),
        fonts.display().to_string(),
    );
    let mut runs = Vec::new();
    for _ in 0..3 {
        let out = python(&code)?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).into_owned());
        }
        let seconds: f64 = String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .map_err(|e| format!("Typst's time: {e}"))?;
        runs.push(Duration::from_secs_f64(seconds));
    }
    Ok(median(runs))
}

/// What the run measured, by the keys of the README's Speed table.
#[derive(Default)]
struct Figures(BTreeMap<&'static str, f64>);

impl Figures {
    fn record(&mut self, key: &'static str, d: Duration) {
        self.0.insert(key, d.as_secs_f64() * 1000.0);
    }
}

/// One-shot builds in this process, each with the cover cache in `folder` (warm after the first).
fn time_full(
    name: &str,
    project: &Project,
    runs: usize,
    options: &Options,
    folder: &Path,
) -> Duration {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let mut cache = BuildCache::default().with_folder(folder);
        let started = Instant::now();
        let outputs = build_with(project, options, &mut cache).expect("the book builds");
        times.push(started.elapsed());
        last = Some(outputs);
    }
    let outputs = last.unwrap();
    let time = median(times);
    println!(
        "{name}: full build (EPUB + PDF + covers), median of {runs}: {} — {} pages",
        ms(time),
        outputs.pages
    );
    println!("  stages of the last run: {}", stages(&outputs.timings));
    time
}

/// Writes the project's files under `dir`.
fn write_project(project: &Project, dir: &Path) {
    for folder in ["manuscript", "fonts", "cover"] {
        for (path, bytes) in project.files_under(folder) {
            let target = dir.join(path);
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::write(target, bytes).unwrap();
        }
    }
}

/// Removes the build cache's entry from `dir`'s cache folder (the cover stays).
fn forget_build_cache(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(quire::cache::folder(dir)) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with("build-") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// `quire build` as a process on `dir`, five runs after one to warm the
/// cover cache, each without the build cache (an author's first build): the
/// median time and the median peak memory (MB).
fn time_process(dir: &Path) -> (Duration, Option<f64>) {
    let quire = env!("CARGO_BIN_EXE_quire");
    let time_tool = Path::new("/usr/bin/time");
    let run = || {
        forget_build_cache(dir);
        let started = Instant::now();
        let out = if time_tool.exists() {
            std::process::Command::new(time_tool)
                .args(["-f", "%M"])
                .arg(quire)
                .args(["build", "--dir"])
                .arg(dir)
                .output()
        } else {
            std::process::Command::new(quire)
                .args(["build", "--dir"])
                .arg(dir)
                .output()
        }
        .expect("quire runs");
        let elapsed = started.elapsed();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let kb = String::from_utf8_lossy(&out.stderr)
            .lines()
            .last()
            .and_then(|l| l.trim().parse::<f64>().ok());
        (elapsed, kb.map(|kb| kb / 1024.0))
    };
    run();
    let runs: Vec<_> = (0..5).map(|_| run()).collect();
    let time = median(runs.iter().map(|r| r.0).collect());
    let mut memory: Vec<f64> = runs.iter().filter_map(|r| r.1).collect();
    memory.sort_by(f64::total_cmp);
    (time, memory.get(memory.len() / 2).copied())
}

/// `quire build` as a process on `dir` after a one-word edit of chapter 42,
/// the build before having left its work in `.quire/cache/`: the median of 5.
fn time_second_process(dir: &Path) -> Duration {
    let quire = env!("CARGO_BIN_EXE_quire");
    let chapter = dir.join("manuscript/043-chapter-42-the-whiteness-of-the-whale.md");
    let original = std::fs::read_to_string(&chapter).expect("chapter 42");
    let build = || {
        let out = std::process::Command::new(quire)
            .args(["build", "--dir"])
            .arg(dir)
            .output()
            .expect("quire runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    build();
    let runs = (0..5)
        .map(|i| {
            let word = if i % 2 == 0 { "pallor" } else { "paleness" };
            std::fs::write(&chapter, original.replacen("whiteness", word, 1)).unwrap();
            let started = Instant::now();
            build();
            started.elapsed()
        })
        .collect();
    std::fs::write(&chapter, &original).unwrap();
    median(runs)
}

fn main() {
    let mut figures = Figures::default();
    let mut targets: Vec<(String, bool)> = Vec::new();
    let options = Options::default();
    let scratch = tempfile::tempdir().expect("a scratch folder");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));

    let essay = Project::load(root).expect("the bundled book loads");
    let cold = scratch.path().join("cold");
    let mut cache = BuildCache::default().with_folder(&cold);
    let first = build_with(&essay, &options, &mut cache).expect("the essay builds");
    println!(
        "essay: cover made (cold cache) in {}, the rest read it back",
        ms(first.timings.cover)
    );
    let essay_time = time_full("essay", &essay, 15, &options, &cold);
    figures.record("essay", essay_time);

    let essay_dir = scratch.path().join("essay");
    write_project(&essay, &essay_dir);
    let (essay_process, essay_memory) = time_process(&essay_dir);
    println!(
        "essay: `quire build` as a process, median of 5: {}{}",
        ms(essay_process),
        essay_memory.map_or(String::new(), |mb| format!(", {mb:.0} MB peak"))
    );
    figures.record("essay process", essay_process);
    targets.push((
        format!("the essay as a process ≤ 30 ms: {}", ms(essay_process)),
        essay_process <= Duration::from_millis(30),
    ));

    let Some(mut moby) = moby_dick() else {
        println!("Moby-Dick: ../shared/corpus/moby-dick is absent; skipped");
        return;
    };
    let moby_time = time_full("Moby-Dick", &moby, 5, &options, &cold);
    figures.record("moby", moby_time);

    let moby_dir = scratch.path().join("moby");
    write_project(&moby, &moby_dir);
    let (moby_process, moby_memory) = time_process(&moby_dir);
    println!(
        "Moby-Dick: `quire build` as a process, median of 5: {}{}",
        ms(moby_process),
        moby_memory.map_or(String::new(), |mb| format!(", {mb:.0} MB peak"))
    );
    figures.record("moby process", moby_process);
    let second = time_second_process(&moby_dir);
    println!(
        "Moby-Dick: a second `quire build` process after a one-word edit, median of 5: {}",
        ms(second)
    );
    figures.record("moby second process", second);
    targets.push((
        format!(
            "a second Moby-Dick process after an edit ≤ 150 ms: {}",
            ms(second)
        ),
        second <= Duration::from_millis(150),
    ));
    targets.push((
        format!("Moby-Dick as a process ≤ 250 ms: {}", ms(moby_process)),
        moby_process <= Duration::from_millis(250),
    ));
    if let Some(mb) = moby_memory {
        targets.push((
            format!("Moby-Dick's peak memory ≤ 120 MB: {mb:.0} MB"),
            mb <= 120.0,
        ));
    }

    match time_typst(scratch.path()) {
        Ok(typst) => {
            let times = typst.as_secs_f64() / moby_process.as_secs_f64();
            println!(
                "Typst 0.15 on Moby-Dick's text, a new process each run, median of 3: {} ({times:.1}× quire's process)",
                ms(typst)
            );
            targets.push((
                format!("Typst on the same text ≥ 7× slower: {times:.1}×"),
                times >= 7.0,
            ));
        }
        Err(why) => println!("Typst on Moby-Dick: not run: {why}"),
    }
    if let Some(stories) = corpus_book(
        "o-henry-stories",
        "title = \"The Complete Stories\"\nauthors = [\"O. Henry\"]\nlanguage = \"en\"\ndate = \"1910-01-01\"\n",
    ) {
        let stories_dir = scratch.path().join("o-henry");
        write_project(&stories, &stories_dir);
        let (time, memory) = time_process(&stories_dir);
        println!(
            "O. Henry's stories: `quire build` as a process, median of 5: {}{}",
            ms(time),
            memory.map_or(String::new(), |mb| format!(", {mb:.0} MB peak"))
        );
        figures.record("o henry process", time);
        targets.push((
            format!("O. Henry's stories as a process ≤ 1.2 s: {}", ms(time)),
            time <= Duration::from_millis(1200),
        ));
        if let Some(mb) = memory {
            targets.push((
                format!("O. Henry's stories' peak memory ≤ 300 MB: {mb:.0} MB"),
                mb <= 300.0,
            ));
        }
    }

    // The same with all five store editions (ISBNs for Google's names).
    let toml = String::from_utf8(moby.get("manuscript/book.toml").unwrap().to_vec()).unwrap();
    let mut with_isbns = moby.clone();
    with_isbns.insert(
        "manuscript/book.toml",
        format!("{toml}[isbn]\nebook = \"978-0-306-40615-7\"\nprint = \"978-1-4028-9462-6\"\n"),
    );
    let all_stores = Options {
        stores: Some(quire::stores::Store::ALL.to_vec()),
        ..Options::default()
    };
    let stores_time = time_full(
        "Moby-Dick with the five store editions",
        &with_isbns,
        5,
        &all_stores,
        &cold,
    );
    figures.record("moby stores", stores_time);

    // A one-word edit in one chapter, rebuilt with the watch cache.
    let mut cache = BuildCache::for_rebuilds().with_folder(&cold);
    build_with(&moby, &options, &mut cache).expect("Moby-Dick builds");
    let path = "manuscript/043-chapter-42-the-whiteness-of-the-whale.md";
    let original = String::from_utf8(moby.get(path).expect("chapter 42").to_vec()).unwrap();
    let mut times = Vec::new();
    let mut before_writers = Vec::new();
    let mut last = None;
    for i in 0..9 {
        let word = if i % 2 == 0 { "pallor" } else { "paleness" };
        moby.insert(path, original.replacen("whiteness", word, 1));
        let started = Instant::now();
        let outputs = build_with(&moby, &options, &mut cache).expect("the edit builds");
        times.push(started.elapsed());
        // Everything but the writers (the EPUB, the PDF and the print cover, side by side at the end).
        let t = &outputs.timings;
        before_writers.push(t.total.saturating_sub(t.pdf.max(t.epub).max(t.print_cover)));
        last = Some(outputs);
    }
    let outputs = last.unwrap();
    let (rebuild, before) = (median(times), median(before_writers));
    println!(
        "Moby-Dick: rebuild after a one-word edit, both files, median of 9: {} (before the writers: {})",
        ms(rebuild),
        ms(before)
    );
    println!("  stages of the last run: {}", stages(&outputs.timings));
    figures.record("moby edit", rebuild);
    figures.record("moby edit before writers", before);
    targets.push((
        format!("Moby-Dick's one-word edit ≤ 100 ms: {}", ms(rebuild)),
        rebuild <= Duration::from_millis(100),
    ));
    targets.push((
        format!(
            "Moby-Dick's one-word edit before the writers ≤ 30 ms: {}",
            ms(before)
        ),
        before <= Duration::from_millis(30),
    ));

    // A catalogue: 20 essays and 5 Moby-Dicks in one call, sharing fonts and shaped words.
    let mut catalogue = BuildCache::for_catalogue().with_folder(&cold);
    let started = Instant::now();
    let mut pages = 0;
    for book in std::iter::repeat_n(&essay, 20).chain(std::iter::repeat_n(&moby, 5)) {
        pages += build_with(book, &options, &mut catalogue)
            .expect("the book builds")
            .pages;
    }
    let catalogue_time = started.elapsed();
    println!(
        "catalogue: 20 essays and 5 Moby-Dicks in one call: {} ({pages} pages; {} words shaped once for all)",
        ms(catalogue_time),
        catalogue.shaped_words("en")
    );
    figures.record("catalogue", catalogue_time);
    serve_edit(&moby_dir, path, &original, &mut figures, &mut targets);

    if let Some(mb) = peak_memory_mb() {
        println!("peak memory of this process: {mb:.0} MB");
    }

    println!("\ntargets:");
    for (target, met) in &targets {
        println!("  {} {target}", if *met { "met   " } else { "MISSED" });
    }
    compare_with_readme(&figures, &root.join("README.md"));
}

/// `GET path` from the server at `address`: the body.
fn http_get(address: &str, path: &str) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(address).expect("the server answers");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let body = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(0, |i| i + 4);
    response.split_off(body)
}

fn page_keys(state: &[u8]) -> Vec<String> {
    let state: serde_json::Value = serde_json::from_slice(state).expect("the state is JSON");
    state["pages"]
        .as_array()
        .map(|pages| {
            pages
                .iter()
                .map(|p| p["key"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// `quire serve` on Moby-Dick in this process: a one-word edit saved to the
/// chapter file, timed to the event that announces the build, and on to the
/// state and the changed pages' SVG fetched as the page fetches them.
fn serve_edit(
    dir: &Path,
    chapter: &str,
    original: &str,
    figures: &mut Figures,
    targets: &mut Vec<(String, bool)>,
) {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let settings = quire::serve::Settings {
        root: dir.to_path_buf(),
        host: std::net::IpAddr::from([127, 0, 0, 1]),
        port: Some(0),
        editor: None,
        options: Options::default(),
        limits: quire::serve::Limits::default(),
    };
    let server = quire::serve::Server::bind(&settings).expect("the server binds");
    let address = server.address.to_string();
    let stop = Arc::new(AtomicBool::new(false));
    let (built, rebuilds) = std::sync::mpsc::channel::<Duration>();
    let thread = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut report = |event: &quire::serve::Event| {
                if let quire::serve::Event::Built { elapsed, .. } = event {
                    let _ = built.send(*elapsed);
                }
            };
            let _ = server.run(&settings, &mut report, &|| stop.load(Ordering::SeqCst));
        })
    };
    let first = rebuilds.recv().expect("the first build");
    let (mut socket, _) =
        tungstenite::connect(format!("ws://{address}/events")).expect("the event stream");
    socket.read().expect("the current version");
    let mut keys = page_keys(&http_get(&address, "/state.json"));
    let file = dir.join(chapter);
    let (mut shown, mut rebuilt, mut pushed, mut sent) = (Vec::new(), Vec::new(), Vec::new(), 0);
    for i in 0..9 {
        let word = if i % 2 == 0 { "pallor" } else { "paleness" };
        let saved = Instant::now();
        std::fs::write(&file, original.replacen("whiteness", word, 1)).unwrap();
        socket.read().expect("the build is announced");
        pushed.push(saved.elapsed());
        let next = page_keys(&http_get(&address, "/state.json"));
        for (index, key) in next.iter().enumerate() {
            if keys.get(index) != Some(key) {
                http_get(&address, &format!("/page/{index}.svg"));
                sent += 1;
            }
        }
        shown.push(saved.elapsed());
        keys = next;
        rebuilt.push(rebuilds.recv().expect("the rebuild"));
    }
    stop.store(true, Ordering::SeqCst);
    let _ = thread.join();
    let (shown, rebuilt, pushed) = (median(shown), median(rebuilt), median(pushed));
    println!(
        "Moby-Dick in `quire serve`: first build {}; a one-word edit, median of 9: saved → announced {}, → state and changed pages fetched {} ({sent} pages sent in 9 edits); the rebuild {}",
        ms(first),
        ms(pushed),
        ms(shown),
        ms(rebuilt)
    );
    figures.record("moby serve edit", shown);
    figures.record("moby serve rebuild", rebuilt);
    targets.push((
        format!(
            "Moby-Dick's edit in serve, save to pages fetched ≤ 150 ms: {}",
            ms(shown)
        ),
        shown <= Duration::from_millis(150),
    ));
    targets.push((
        format!("Moby-Dick's rebuild in serve ≤ 100 ms: {}", ms(rebuilt)),
        rebuilt <= Duration::from_millis(100),
    ));
}

/// Prints each figure beside the README's, flagging those more than 10 % slower.
fn compare_with_readme(figures: &Figures, readme: &Path) {
    let Ok(text) = std::fs::read_to_string(readme) else {
        return;
    };
    println!("\nagainst the README's Speed table:");
    for line in text.lines() {
        let Some(rest) = line.strip_prefix("| `") else {
            continue;
        };
        let Some((key, rest)) = rest.split_once('`') else {
            continue;
        };
        let Some(now) = figures.0.get(key) else {
            continue;
        };
        // The row's figure: the first number followed by "ms" or "s".
        let cells: Vec<&str> = rest.split('|').map(str::trim).collect();
        let Some(recorded) = cells.get(1).and_then(|c| figure_ms(c)) else {
            continue;
        };
        let change = (now - recorded) / recorded * 100.0;
        let flag = if change > 10.0 {
            "  ← slower by more than 10 %"
        } else {
            ""
        };
        println!("  {key}: {now:.1} ms now, {recorded:.1} ms in the README ({change:+.0} %){flag}");
    }
}

/// "48 ms" → 48, "0.31 s" → 310.
fn figure_ms(cell: &str) -> Option<f64> {
    let mut words = cell.split_whitespace();
    let number: f64 = words.next()?.parse().ok()?;
    match words.next()? {
        "ms" => Some(number),
        "s" => Some(number * 1000.0),
        _ => None,
    }
}
