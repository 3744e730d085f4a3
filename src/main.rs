//! The `quire` binary: parses the command line, calls the library, prints
//! diagnostics and sets the exit code (1 on any error).
#![forbid(unsafe_code)]

mod cli;
mod init;

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use quire::diag::{Diagnostic, Diagnostics};
use quire::project::Project;
use quire::{Options, output};

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    // An interrupted build leaves no temporary files (the previous edition is untouched).
    let _ = ctrlc::set_handler(|| {
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
        } => {
            let out = out.unwrap_or_else(|| dir.join("out"));
            build(
                &dir,
                &out,
                format.formats(),
                cli::chosen_stores(&stores),
                report,
            )
        }
        cli::Command::Check { dir, json, stores } => check(&dir, json, cli::chosen_stores(&stores)),
        cli::Command::Watch { dir, out, format } => {
            let out = out.unwrap_or_else(|| dir.join("out"));
            watch(&dir, &out, format.formats())
        }
        cli::Command::Init { dir, style } => init::run(&dir, &style).map_err(Diagnostics::from),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(diagnostics) => {
            print_diagnostics(&diagnostics.0);
            ExitCode::FAILURE
        }
    }
}

fn print_diagnostics(diagnostics: &[Diagnostic]) {
    // Warnings first, errors last, so the reason for failing is at the bottom.
    let mut sorted: Vec<&Diagnostic> = diagnostics.iter().collect();
    sorted.sort_by_key(|d| d.severity);
    for d in sorted {
        eprintln!("{d}");
    }
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
    stores: Option<Vec<quire::stores::Store>>,
) -> Result<Options, Diagnostics> {
    Ok(Options {
        formats,
        source_date_epoch: source_date_epoch()?,
        stores,
    })
}

fn build(
    dir: &Path,
    out: &Path,
    formats: quire::Formats,
    stores: Option<Vec<quire::stores::Store>>,
    report: bool,
) -> Result<(), Diagnostics> {
    let started = Instant::now();
    let options = options(formats, stores)?;
    let project = Project::load(dir)?;
    let outputs = quire::build(&project, &options)?;
    print_diagnostics(&outputs.warnings);
    let written = output::write_all(out, &outputs.files)?;
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

fn watch(dir: &Path, out: &Path, formats: quire::Formats) -> Result<(), Diagnostics> {
    use std::io::Write;
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
    stores: Option<Vec<quire::stores::Store>>,
) -> Result<(), Diagnostics> {
    let options = options(quire::Formats::ALL, stores)?;
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
