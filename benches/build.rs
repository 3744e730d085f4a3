//! `cargo bench`: build times of the bundled essay and of Moby-Dick (from
//! `../shared/corpus/moby-dick`, with a book.toml written here), and of a
//! Moby-Dick rebuild after a one-word edit, with each stage's time and the
//! process's peak memory. Medians of several runs.

use std::time::{Duration, Instant};

use quire::project::Project;
use quire::{BuildCache, Options, Timings, build, build_with};

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

fn moby_dick() -> Option<Project> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = root.join("../shared/corpus/moby-dick");
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
    project.insert(
        "manuscript/book.toml",
        "title = \"Moby-Dick\"\nsubtitle = \"or, The Whale\"\nauthors = [\"Herman Melville\"]\nlanguage = \"en\"\ndate = \"1851-10-18\"\n",
    );
    Some(project)
}

fn time_full(name: &str, project: &Project, runs: usize) {
    time_full_with(name, project, runs, &Options::default());
}

fn time_full_with(name: &str, project: &Project, runs: usize, options: &Options) {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let started = Instant::now();
        let outputs = build(project, options).expect("the book builds");
        times.push(started.elapsed());
        last = Some(outputs);
    }
    let outputs = last.unwrap();
    println!(
        "{name}: full build (EPUB + PDF + cover), median of {runs}: {} — {} pages",
        ms(median(times)),
        outputs.pages
    );
    println!("  stages of the last run: {}", stages(&outputs.timings));
}

fn main() {
    // `cargo bench` passes `--bench`; any other argument filters nothing here.
    let essay = Project::load(std::path::Path::new(env!("CARGO_MANIFEST_DIR")))
        .expect("the bundled book loads");
    time_full("essay", &essay, 15);

    let Some(mut moby) = moby_dick() else {
        println!("Moby-Dick: ../shared/corpus/moby-dick is absent; skipped");
        return;
    };
    time_full("Moby-Dick", &moby, 5);
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
    time_full_with(
        "Moby-Dick with the five store editions",
        &with_isbns,
        5,
        &all_stores,
    );

    // A one-word edit in one chapter, rebuilt with the cache of the build before.
    let options = Options::default();
    let mut cache = BuildCache::for_rebuilds();
    build_with(&moby, &options, &mut cache).expect("Moby-Dick builds");
    let path = "manuscript/043-chapter-42-the-whiteness-of-the-whale.md";
    let original = String::from_utf8(moby.get(path).expect("chapter 42").to_vec()).unwrap();
    let mut times = Vec::new();
    let mut before_pdf = Vec::new();
    let mut last = None;
    for i in 0..5 {
        let word = if i % 2 == 0 { "pallor" } else { "paleness" };
        moby.insert(path, original.replacen("whiteness", word, 1));
        let started = Instant::now();
        let outputs = build_with(&moby, &options, &mut cache).expect("the edit builds");
        times.push(started.elapsed());
        // Everything but the two writers (which run side by side at the end).
        before_pdf.push(
            outputs
                .timings
                .total
                .saturating_sub(outputs.timings.pdf.max(outputs.timings.epub)),
        );
        last = Some(outputs);
    }
    let outputs = last.unwrap();
    println!(
        "Moby-Dick: rebuild after a one-word edit, both files, median of 5: {} (before the writers: {})",
        ms(median(times)),
        ms(median(before_pdf))
    );
    println!("  stages of the last run: {}", stages(&outputs.timings));
    if let Some(mb) = peak_memory_mb() {
        println!("peak memory of this process: {mb:.0} MB");
    }
}
