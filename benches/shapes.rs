//! `cargo bench --bench shapes`: how quire's time grows with the odd shapes
//! books come in (`tests/testsuite/common/shapes.rs`): a word of 8,000 letters in a
//! paragraph, a heading, a running head, the author's name and a note; a
//! 1 MB paragraph; 5,000 notes cited in one paragraph; a table of 20,000
//! rows; lists and quotes 50 deep; 100,000 one-letter words in a paragraph;
//! a 100 KB line of verse; 2,000 sections in one file; a code block of
//! 20,000 lines.
//!
//! Each is built in this process (EPUB, PDF and covers, as `quire build`
//! makes them; a shape that is an error, such as a heading too long for a
//! page, is timed to its error) at 1×, 2× and 4× its size, and each time
//! printed as wall clock and CPU. A word's time is what it adds to the same
//! chapter without it. Then the budgets, loudly when one is missed: a word
//! of 8,000 letters ≤ 1 s, a 1 MB paragraph ≤ 3 s, 5,000 notes in one
//! paragraph ≤ 3 s (wall clock), and every shape's time at most 2.6× as long
//! for each doubling of its size (CPU time, which other work on the machine
//! disturbs less; a shape whose 4× time is under 0.1 s is too quick to judge).
//!
//! Arguments: words to choose shapes by name (`cargo bench --bench shapes --
//! paragraph note`); `--write DIR` writes each book at 1× into a folder of
//! DIR instead, to profile the `quire` binary on it.

#[path = "../tests/testsuite/common/shapes.rs"]
mod shapes;

use std::path::Path;
use std::time::Instant;

use quire::project::Project;
use quire::{BuildCache, Options, build_with};
use shapes::{SHAPES, Shape};

/// The most a doubling of a shape's size may multiply its time by.
const MOST_PER_DOUBLING: f64 = 2.6;

/// A 4× time under this is too quick to judge its growth by.
const JUDGED_FROM: f64 = 0.1;

/// CPU time of this process so far (every thread's), from `/proc/self/stat`
/// (in the kernel's 100 ticks a second); `None` where there is no /proc.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after_name = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // utime and stime are the 14th and 15th fields; the 3rd is the first after the name.
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

fn fonts() -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for entry in std::fs::read_dir(root.join("fonts")).expect("the bundled fonts") {
        let path = entry.expect("a font file").path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        files.push((format!("fonts/{name}"), std::fs::read(&path).unwrap()));
    }
    files
}

fn project(fonts: &[(String, Vec<u8>)], files: Vec<(String, String)>) -> Project {
    let mut project = Project::from_files(fonts.to_vec());
    for (path, text) in files {
        project.insert(path, text.into_bytes());
    }
    project
}

/// One build's time: wall clock and CPU, in seconds.
#[derive(Clone, Copy)]
struct Time {
    wall: f64,
    cpu: f64,
}

/// What building a book gave: its pages and layout passes, or its first error line.
struct Outcome {
    said: String,
    /// Times layout set the book (0 when the build stopped at an error).
    passes: u32,
}

fn build_once(project: &Project) -> (Time, Outcome) {
    let cpu = cpu_seconds().unwrap_or(0.0);
    let started = Instant::now();
    let outcome = build_with(project, &Options::default(), &mut BuildCache::default());
    let time = Time {
        wall: started.elapsed().as_secs_f64(),
        cpu: cpu_seconds().unwrap_or(0.0) - cpu,
    };
    let outcome = match outcome {
        Ok(outputs) => Outcome {
            said: format!(
                "{} pages, laid out {}×",
                outputs.pages, outputs.timings.layout_passes
            ),
            passes: outputs.timings.layout_passes,
        },
        Err(errors) => {
            let first = errors.to_string();
            let first = first.lines().next().unwrap_or_default();
            let shown: String = first.chars().take(70).collect();
            Outcome {
                said: format!("{shown}…"),
                passes: 0,
            }
        }
    };
    (time, outcome)
}

/// The median of three builds (one when a build takes over 2 s).
fn build(project: &Project) -> (Time, Outcome) {
    let (first, outcome) = build_once(project);
    if first.wall > 2.0 {
        return (first, outcome);
    }
    let mut times = [first, build_once(project).0, build_once(project).0];
    times.sort_by(|a, b| a.wall.total_cmp(&b.wall));
    let wall = times[1].wall;
    times.sort_by(|a, b| a.cpu.total_cmp(&b.cpu));
    (
        Time {
            wall,
            cpu: times[1].cpu,
        },
        outcome,
    )
}

fn seconds(s: f64) -> String {
    if s.abs() < 1.0 {
        format!("{:.0} ms", s * 1000.0)
    } else {
        format!("{s:.2} s")
    }
}

/// What one shape measured: the added time at 1×, 2× and 4×, and the layout passes.
struct Measured {
    extra: [Time; 3],
    passes: [u32; 3],
}

fn measure(shape: &Shape, fonts: &[(String, Vec<u8>)], prose: Time) -> Measured {
    let mut extra = [Time {
        wall: 0.0,
        cpu: 0.0,
    }; 3];
    let mut passes = [0; 3];
    println!(
        "{}{}:",
        shape.name,
        if shape.over_prose {
            " (the time it adds to the chapter without it)"
        } else {
            ""
        }
    );
    for (i, factor) in [1, 2, 4].into_iter().enumerate() {
        let size = shape.size * factor;
        let book = project(fonts, (shape.files)(size));
        let (time, outcome) = build(&book);
        let base = if shape.over_prose {
            prose
        } else {
            Time {
                wall: 0.0,
                cpu: 0.0,
            }
        };
        extra[i] = Time {
            wall: time.wall - base.wall,
            cpu: time.cpu - base.cpu,
        };
        passes[i] = outcome.passes;
        println!(
            "  {factor}× {size} {}: {} ({} CPU) — {}",
            shape.unit,
            seconds(extra[i].wall),
            seconds(extra[i].cpu),
            outcome.said
        );
    }
    Measured { extra, passes }
}

fn write_books(dir: &Path, fonts: &[(String, Vec<u8>)], chosen: &[&Shape]) {
    for shape in chosen {
        let folder = dir.join(shape.name.replace(' ', "-"));
        let mut files: Vec<(String, Vec<u8>)> = (shape.files)(shape.size)
            .into_iter()
            .map(|(path, text)| (path, text.into_bytes()))
            .collect();
        files.extend(fonts.iter().cloned());
        for (path, bytes) in files {
            let target = folder.join(path);
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::write(target, bytes).unwrap();
        }
        println!("{}", folder.display());
    }
}

fn main() {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let mut words = Vec::new();
    let mut write_to = None;
    while let Some(arg) = args.next() {
        if arg == "--write" {
            write_to = args.next();
        } else {
            words.push(arg);
        }
    }
    let chosen: Vec<&Shape> = SHAPES
        .iter()
        .filter(|s| words.is_empty() || words.iter().any(|w| s.name.contains(w.as_str())))
        .collect();
    let fonts = fonts();
    if let Some(dir) = write_to {
        write_books(Path::new(&dir), &fonts, &chosen);
        return;
    }
    println!("load average at the start: {}", load_average());
    let prose = if chosen.iter().any(|s| s.over_prose) {
        let (time, outcome) = build(&project(&fonts, shapes::prose_only()));
        println!(
            "the prose chapter alone: {} ({} CPU) — {}",
            seconds(time.wall),
            seconds(time.cpu),
            outcome.said
        );
        time
    } else {
        Time {
            wall: 0.0,
            cpu: 0.0,
        }
    };
    let mut verdicts: Vec<(String, bool)> = Vec::new();
    let mut table = Vec::new();
    for shape in &chosen {
        let measured = measure(shape, &fonts, prose);
        let [one, two, four] = measured.extra;
        if let Some(budget) = shape.budget {
            verdicts.push((
                format!(
                    "{} at {} {} ≤ {}: {}",
                    shape.name,
                    shape.size,
                    shape.unit,
                    seconds(budget),
                    seconds(one.wall)
                ),
                one.wall <= budget,
            ));
        }
        // Growth per doubling, from CPU time; a time under a hundredth of a
        // second counts as a hundredth, so a shape that costs nothing does
        // not divide by nothing. A size whose page count moved the gutter
        // from layout's first guess is set twice (up to four times): a
        // fixed multiple of its time, whatever its size, so growth is
        // judged a layout pass at a time when the larger size took more.
        let growth = |a: usize, b: usize| {
            let raw = measured.extra[b].cpu.max(0.01) / measured.extra[a].cpu.max(0.01);
            let (pa, pb) = (measured.passes[a], measured.passes[b]);
            if pa > 0 && pb > pa {
                let per_pass = raw * f64::from(pa) / f64::from(pb);
                (
                    per_pass,
                    format!("×{raw:.2} (laid out {pa}× then {pb}×: ×{per_pass:.2} a pass)"),
                )
            } else {
                (raw, format!("×{raw:.2}"))
            }
        };
        let ((first, first_shown), (second, second_shown)) = (growth(0, 1), growth(1, 2));
        let judged = four.cpu >= JUDGED_FROM;
        if judged {
            verdicts.push((
                format!(
                    "{}: {first_shown} then {second_shown} per doubling ≤ ×{MOST_PER_DOUBLING}",
                    shape.name
                ),
                first <= MOST_PER_DOUBLING && second <= MOST_PER_DOUBLING,
            ));
        }
        table.push(format!(
            "| {} | {} {} | {} | {} | {} | {first_shown}, {second_shown}{} |",
            shape.name,
            shape.size,
            shape.unit,
            seconds(one.wall),
            seconds(two.wall),
            seconds(four.wall),
            if judged { "" } else { " (too quick to judge)" }
        ));
    }
    println!("\n| shape | size at 1× | 1× | 2× | 4× | growth per doubling (CPU) |");
    println!("|---|---|---|---|---|---|");
    for row in &table {
        println!("{row}");
    }
    println!("\nbudgets:");
    for (verdict, met) in &verdicts {
        println!(
            "  {} {verdict}",
            if *met { "met   " } else { "OVER BUDGET" }
        );
    }
    let missed = verdicts.iter().filter(|(_, met)| !met).count();
    if missed > 0 {
        println!(
            "\n{missed} OVER BUDGET (load average now {}: a busy machine slows the wall clock, not the CPU time)",
            load_average()
        );
    }
}
