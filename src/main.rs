//! The `quire` binary: parses the command line, calls the library, prints
//! diagnostics and sets the exit code (1 on any error).
#![forbid(unsafe_code)]

mod cli;
mod init;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use quire::diag::{Diagnostic, Diagnostics};
use quire::project::Project;
use quire::{Options, output};

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    // An interrupted build leaves no temporary files (the previous edition is untouched).
    // `quire serve` stops on Ctrl-C by itself, after closing its connections.
    let _ = ctrlc::set_handler(|| {
        if SERVING.load(std::sync::atomic::Ordering::SeqCst) {
            INTERRUPTED.store(true, std::sync::atomic::Ordering::SeqCst);
            return;
        }
        output::remove_pending();
        std::process::exit(130);
    });
    let result = match cli.command {
        cli::Command::Build {
            dir,
            out,
            format,
            report,
            stores,
        } => build_all(
            &dir,
            out.as_deref(),
            format.formats(),
            cli::chosen_stores(&stores),
            report,
        ),
        cli::Command::Clean { dir } => clean(&dir),
        cli::Command::Check { dir, json, stores } => check(&dir, json, cli::chosen_stores(&stores)),
        cli::Command::Watch { dir, out, format } => {
            let out = out.unwrap_or_else(|| dir.join("out"));
            watch(&dir, &out, format.formats())
        }
        cli::Command::Serve {
            dir,
            port,
            host,
            open,
            editor,
            max_connections,
            timeout_ms,
        } => {
            let limits = quire::serve::Limits::chosen(max_connections, timeout_ms);
            serve(dir, port, host, open, editor, limits)
        }
        cli::Command::Init { dir, style } => init::run(&dir, &style).map_err(Diagnostics::from),
        cli::Command::Import { file, dir } => init::import(&file, dir.as_deref()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(diagnostics) => {
            print_diagnostics(&diagnostics.0);
            ExitCode::FAILURE
        }
    }
}

/// Puts back the last whole edition in `out` when a build died placing its
/// files (killed, crashed), before anything else, and says so.
fn recover(out: &Path) {
    if let Some(done) = output::recover(out) {
        eprintln!("note: {done}");
    }
}

fn print_diagnostics(diagnostics: &[Diagnostic]) {
    for line in quire::diag::grouped(diagnostics) {
        eprintln!("{line}");
    }
}

/// Set while `quire serve` runs: Ctrl-C then asks it to stop instead of exiting.
static SERVING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
static INTERRUPTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn serve(
    dir: PathBuf,
    port: Option<u16>,
    host: std::net::IpAddr,
    open: bool,
    editor: Option<String>,
    limits: quire::serve::Limits,
) -> Result<(), Diagnostics> {
    use quire::serve::{Event, Server, Settings};
    use std::io::Write;
    use std::sync::atomic::Ordering;
    recover(&dir.join("out"));
    if !dir.is_dir() {
        return Err(
            Diagnostic::error(format!("no book folder at {}", dir.display()))
                .with_hint("give the folder that holds manuscript/ with --dir")
                .into(),
        );
    }
    let settings = Settings {
        root: dir,
        host,
        port,
        editor,
        options: options(quire::Formats::ALL, None)?,
        limits,
    };
    if !host.is_loopback() {
        eprintln!(
            "warning: serving on {host}: anyone who can reach this machine can read the book\nhint: leave out --host to serve to this machine only"
        );
    }
    let server = Server::bind(&settings)?;
    let url = server.url();
    println!("serving {url} (Ctrl-C stops)");
    let _ = std::io::stdout().flush();
    if open {
        let opener = if cfg!(target_os = "macos") {
            "open"
        } else {
            "xdg-open"
        };
        if let Err(e) = std::process::Command::new(opener).arg(&url).spawn() {
            eprintln!("warning: cannot open a browser ({opener}: {e}); open {url} yourself");
        }
    }
    SERVING.store(true, Ordering::SeqCst);
    let mut report = |event: &Event| {
        match event {
            Event::Built {
                changed,
                elapsed,
                pages,
                changed_pages,
                warnings,
            } => {
                if changed.is_empty() {
                    print_diagnostics(warnings);
                    println!("built {pages} pages in {} ms", elapsed.as_millis());
                } else {
                    println!(
                        "rebuilt in {} ms, {changed_pages} of {pages} pages redrawn: {} changed",
                        elapsed.as_millis(),
                        changed.join(", ")
                    );
                }
            }
            Event::Failed { diagnostics, .. } => {
                print_diagnostics(&diagnostics.0);
                println!("build failed; the page shows the last good build and the errors");
            }
            Event::Stalled(warning) => print_diagnostics(std::slice::from_ref(warning)),
            Event::Answering => println!("the preview answers again"),
        }
        let _ = std::io::stdout().flush();
    };
    let stop = || INTERRUPTED.load(Ordering::SeqCst);
    server.run(&settings, &mut report, &stop)?;
    println!("stopped");
    Ok(())
}

/// The last second of the year 9999: EPUB dates have four-digit years.
const LAST_EPOCH: i64 = 253_402_300_799;

/// `SOURCE_DATE_EPOCH`, when set: whole seconds since 1970, within four-digit years.
fn source_date_epoch() -> Result<Option<i64>, Diagnostic> {
    const HINT: &str =
        "set it to whole seconds since 1970, e.g. SOURCE_DATE_EPOCH=1700000000, or unset it";
    let value = match std::env::var_os("SOURCE_DATE_EPOCH") {
        None => return Ok(None),
        Some(value) => value.to_string_lossy().into_owned(),
    };
    let trimmed = value.trim();
    if trimmed.is_empty() || !trimmed.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Diagnostic::error(format!(
            "SOURCE_DATE_EPOCH is not a number of seconds: `{value}`"
        ))
        .with_hint(HINT));
    }
    match trimmed.parse::<i64>() {
        Ok(epoch) if epoch <= LAST_EPOCH => Ok(Some(epoch)),
        _ => Err(Diagnostic::error(format!(
            "SOURCE_DATE_EPOCH is out of range: `{trimmed}` is after the year 9999"
        ))
        .with_hint(format!("{HINT}; the largest is {LAST_EPOCH} (9999-12-31)"))),
    }
}

fn options(
    formats: quire::Formats,
    stores: Option<Vec<quire::model::Store>>,
) -> Result<Options, Diagnostics> {
    Ok(Options {
        formats,
        source_date_epoch: source_date_epoch()?,
        stores,
    })
}

/// Builds each book in turn, sharing fonts and shaped words (a catalogue
/// when there are several); every book is reported, and the run fails when
/// any book did.
fn build_all(
    dirs: &[std::path::PathBuf],
    out: Option<&Path>,
    formats: quire::Formats,
    stores: Option<Vec<quire::model::Store>>,
    report: bool,
) -> Result<(), Diagnostics> {
    let options = options(formats, stores)?;
    if dirs.len() > 1 && out.is_some() {
        return Err(Diagnostics::from(
            Diagnostic::error("--out names one folder, and several books are being built")
                .with_hint("leave out --out: each book is written to out/ in its own folder"),
        ));
    }
    if dirs.len() == 1 {
        let out = out.map_or_else(|| dirs[0].join("out"), Path::to_path_buf);
        // The build cache in the book's folder: a build after an edit
        // repays what this one did (`quire clean` removes it).
        let mut cache = quire::BuildCache::default()
            .remembering()
            .ending_the_process();
        let built = build(&dirs[0], &out, &options, report, &mut cache);
        // The process ends here: its memory goes back whole (see `ending_the_process`).
        std::mem::forget(cache);
        return built;
    }
    let started = Instant::now();
    let mut cache = quire::BuildCache::for_catalogue().remembering();
    let mut failed = 0;
    for dir in dirs {
        println!("{}:", dir.display());
        if let Err(diagnostics) = build(dir, &dir.join("out"), &options, report, &mut cache) {
            print_diagnostics(&diagnostics.0);
            failed += 1;
        }
    }
    println!(
        "built {} of {} books in {} ms",
        dirs.len() - failed,
        dirs.len(),
        started.elapsed().as_millis()
    );
    if failed > 0 {
        return Err(Diagnostics::from(Diagnostic::error(format!(
            "{failed} of {} books failed to build (their errors are above)",
            dirs.len()
        ))));
    }
    Ok(())
}

fn build(
    dir: &Path,
    out: &Path,
    options: &Options,
    report: bool,
    cache: &mut quire::BuildCache,
) -> Result<(), Diagnostics> {
    let started = Instant::now();
    recover(out);
    let project = Project::load(dir)?;
    // The book's own cache folder (a catalogue's books each have theirs).
    cache.set_folder(quire::cache::folder(dir));
    let outputs = quire::build_with(&project, options, cache)?;
    print_diagnostics(&outputs.warnings);
    // The build cache is encoded and written on another core while the
    // outputs are written (its failure only costs the next build time).
    let pending = cache.take_pending();
    let written = std::thread::scope(|scope| {
        let saving = pending.map(|pending| scope.spawn(move || pending.save()));
        let written = output::write_all(out, &outputs.files);
        if let Some(saving) = saving {
            let _ = saving.join();
        }
        written
    })?;
    for (path, size) in written {
        println!("wrote {} ({})", path.display(), output::human_size(size));
    }
    if report {
        println!("{}", outputs.report);
    }
    println!(
        "built {} print pages in {} ms",
        outputs.pages,
        started.elapsed().as_millis()
    );
    Ok(())
}

fn clean(dir: &Path) -> Result<(), Diagnostics> {
    let folder = quire::cache::folder(dir);
    match quire::cache::clean(dir) {
        Ok(true) => println!("removed {}", folder.display()),
        Ok(false) => println!("no cache to remove at {}", folder.display()),
        Err(e) => {
            return Err(Diagnostics::from(
                Diagnostic::error(format!("cannot remove {}: {e}", folder.display()))
                    .with_hint("check the folder's permissions, or remove it by hand"),
            ));
        }
    }
    Ok(())
}

fn watch(dir: &Path, out: &Path, formats: quire::Formats) -> Result<(), Diagnostics> {
    use std::io::Write;
    recover(out);
    let options = options(formats, None)?;
    // A warning is printed when it first appears, not again on every rebuild it survives.
    let mut shown: Vec<String> = Vec::new();
    let mut report = |event: &quire::watch::Event| {
        match event {
            quire::watch::Event::Built {
                changed,
                elapsed,
                pages,
                warnings,
            } => {
                let rendered: Vec<String> = warnings.iter().map(|w| w.to_string()).collect();
                let new: Vec<Diagnostic> = warnings
                    .iter()
                    .zip(&rendered)
                    .filter(|(_, text)| !shown.contains(text))
                    .map(|(w, _)| w.clone())
                    .collect();
                let kept = warnings.len() - new.len();
                print_diagnostics(&new);
                if kept > 0 {
                    println!(
                        "({kept} warning{} from before still appl{})",
                        if kept == 1 { "" } else { "s" },
                        if kept == 1 { "ies" } else { "y" }
                    );
                }
                shown = rendered;
                if changed.is_empty() {
                    println!(
                        "built {pages} pages in {} ms into {}; watching manuscript/, fonts/ and cover/ (Ctrl-C stops)",
                        elapsed.as_millis(),
                        out.display()
                    );
                } else {
                    println!(
                        "rebuilt in {} ms, {pages} pages: {} changed",
                        elapsed.as_millis(),
                        changed.join(", ")
                    );
                }
            }
            quire::watch::Event::Failed {
                changed,
                diagnostics,
            } => {
                print_diagnostics(&diagnostics.0);
                let what = if changed.is_empty() {
                    String::new()
                } else {
                    format!(" after {} changed", changed.join(", "))
                };
                println!(
                    "build failed{what}; the last good edition stays in {}; waiting for changes",
                    out.display()
                );
            }
        }
        let _ = std::io::stdout().flush();
    };
    quire::watch::run(dir, out, &options, &mut report, &|| false).map_err(Diagnostics::from)
}

fn check(
    dir: &Path,
    json: bool,
    stores: Option<Vec<quire::model::Store>>,
) -> Result<(), Diagnostics> {
    let options = options(quire::Formats::ALL, stores)?;
    recover(&dir.join("out"));
    let project = Project::load(dir)?;
    let (report, warnings) = quire::check::release_gate(&project, &options)?;
    print_diagnostics(&warnings);
    if json {
        println!("{}", report.to_json());
    } else {
        println!("{report}");
    }
    if report.failed() {
        // The table says why; no further diagnostics.
        return Err(Diagnostics::new());
    }
    Ok(())
}
