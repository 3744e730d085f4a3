//! Linear time on every shape, quickly: each shape of `common/shapes.rs` is
//! built small, at n and at 4n, and its CPU time may grow at most 9× (4×
//! is linear; a quadratic path makes it 16×). The benchmark
//! (`cargo bench --bench shapes`) measures the full sizes against budgets.
//!
//! Not flaky on a busy machine: the time is this process's CPU time (other
//! processes slow the wall clock, not it), the least of two builds; every
//! time under a floor counts as the floor, so a shape too quick to measure
//! passes; and this is the only test in its process, so nothing else runs
//! beside the builds.

#[path = "testsuite/common/shapes.rs"]
mod shapes;

use quire::project::Project;
use quire::{BuildCache, Options, build_with};
use shapes::{SHAPES, Shape};

/// The most a shape's time may grow when its size grows fourfold.
const MOST_FOR_FOUR_TIMES: f64 = 9.0;

/// Shapes measured far from the floor, whose growth is clearly linear: a
/// tighter limit. A table's cells taken one by one from the whole table for
/// the PDF's tags grew ×4.6 here (×14 at the benchmark's sizes).
const STRICTER: &[(&str, f64)] = &[("a table", 3.5)];

/// Times under this (in seconds) count as this: too short to tell growth by.
const FLOOR: f64 = 0.15;

/// The small sizes tried (n; 4n is tried too), by shape name.
const SIZES: &[(&str, usize)] = &[
    ("a word in a paragraph", 16_000),
    ("a word in a heading", 8_000),
    ("a word as the running head", 16_000),
    // At 8,000 letters its time over the prose sat at the floor: one CI run
    // measured 0.16 s against 1.50 s (×9.4) where runs here give ×4.3–6.0.
    ("a word as the author", 16_000),
    ("a word in a note", 16_000),
    ("one paragraph", 300_000),
    ("notes cited in one paragraph", 1_500),
    ("a table", 3_000),
    ("lists and quotes 50 deep", 1_500),
    ("one-letter words in one paragraph", 30_000),
    ("a line of verse", 100_000),
    ("sections in one file", 400),
    ("a code block", 6_000),
];

/// CPU time of this process so far, in seconds (every thread's): from
/// `/proc/self/stat` (100 ticks a second), or the wall clock without /proc.
fn cpu_seconds() -> f64 {
    let from_proc = || -> Option<f64> {
        let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
        let fields: Vec<&str> = stat[stat.rfind(')')? + 1..].split_whitespace().collect();
        Some((fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?) / 100.0)
    };
    from_proc().unwrap_or_else(|| {
        static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
        START
            .get_or_init(std::time::Instant::now)
            .elapsed()
            .as_secs_f64()
    })
}

fn project(files: Vec<(String, String)>) -> Project {
    let fonts = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/fonts"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            (format!("fonts/{name}"), std::fs::read(&p).unwrap())
        })
        .collect::<Vec<_>>();
    let mut project = Project::from_files(fonts);
    for (path, text) in files {
        project.insert(path, text.into_bytes());
    }
    project
}

/// The least CPU time of two builds, and the times layout set the book
/// (1 for a book that is an error: it stops before a second pass).
fn build(files: Vec<(String, String)>) -> (f64, u32) {
    let project = project(files);
    let mut least = f64::INFINITY;
    let mut passes = 1;
    for _ in 0..2 {
        let before = cpu_seconds();
        let built = build_with(&project, &Options::default(), &mut BuildCache::default());
        least = least.min(cpu_seconds() - before);
        if let Ok(outputs) = built {
            passes = outputs.timings.layout_passes.max(1);
        }
    }
    (least, passes)
}

#[test]
fn every_shape_grows_linearly() {
    let prose = build(shapes::prose_only()).0;
    let mut report = Vec::new();
    let mut failures = Vec::new();
    for (name, n) in SIZES {
        let shape: &Shape = SHAPES
            .iter()
            .find(|s| s.name == *name)
            .unwrap_or_else(|| panic!("no shape named {name}"));
        let base = if shape.over_prose { prose } else { 0.0 };
        let (small, small_passes) = build((shape.files)(*n));
        let (large, large_passes) = build((shape.files)(4 * n));
        // A book whose page count moved the gutter from layout's first guess
        // is set again, whatever its size: when the larger book is set more
        // times, its growth is counted a pass at a time.
        let raw = (large - base).max(FLOOR) / (small - base).max(FLOOR);
        let growth = raw * f64::from(small_passes) / f64::from(large_passes.max(small_passes));
        let line = format!(
            "{name}: {n} {unit} {small:.2} s ({small_passes} passes), {} {unit} {large:.2} s ({large_passes}): ×{growth:.1}",
            4 * n,
            unit = shape.unit
        );
        let most = STRICTER
            .iter()
            .find(|(strict, _)| strict == name)
            .map_or(MOST_FOR_FOUR_TIMES, |(_, most)| *most);
        if growth > most {
            failures.push(format!("{line} (at most ×{most})"));
        }
        report.push(line);
    }
    for line in &report {
        eprintln!("{line}");
    }
    assert!(
        failures.is_empty(),
        "time grew faster than linearly (for 4× the size; prose alone {prose:.2} s):\n{}",
        failures.join("\n")
    );
    // Every shape of the benchmark is tried here.
    for shape in SHAPES {
        assert!(
            SIZES.iter().any(|(name, _)| *name == shape.name),
            "{} has no size here",
            shape.name
        );
    }
}
