//! `quire watch`: build once, then rebuild whenever something under
//! `manuscript/`, `fonts/` or `cover/` changes. File events are debounced
//! (an editor's save is one rebuild, renames included); only the changed files
//! are read again, and the build reuses the parsed files, set paragraphs and
//! cover of the build before. A failed rebuild prints its diagnostics and
//! keeps watching; the last good outputs stay in place.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::event::ModifyKind;
use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, new_debouncer};

use crate::diag::{Diagnostic, Diagnostics};
use crate::project::{COVER_DIR, FONTS_DIR, MANUSCRIPT_DIR, Project};
use crate::{BuildCache, Options, build_with, output};

/// What a watch session tells its user.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// A build succeeded: what changed (empty for the first build), time, pages, files written.
    Built {
        changed: Vec<String>,
        elapsed: Duration,
        pages: usize,
        warnings: Vec<Diagnostic>,
    },
    /// A build failed; the previous outputs are untouched.
    Failed {
        changed: Vec<String>,
        diagnostics: Diagnostics,
    },
}

/// How long a burst of file events is gathered before rebuilding.
pub const DEBOUNCE: Duration = Duration::from_millis(60);

/// The same for `quire serve`, where the author watches the page: an
/// editor's save (a write, or a temporary file renamed over the original)
/// takes a few milliseconds; a save caught halfway is only rebuilt again.
pub const LIVE_DEBOUNCE: Duration = Duration::from_millis(20);

/// What [`follow`] hands its caller.
pub enum Change<'a> {
    /// The project as it now is (first as it was found), and the files that
    /// changed (none the first time).
    Project(&'a Project, Vec<String>),
    /// The project could not be read (its diagnostics).
    Unreadable(Diagnostics),
}

/// Builds `root` into `out`, then rebuilds on every change until the watcher
/// fails or `stop` returns true. `report` is called after each build.
pub fn run(
    root: &Path,
    out: &Path,
    options: &Options,
    report: &mut dyn FnMut(&Event),
    stop: &dyn Fn() -> bool,
) -> Result<(), Diagnostic> {
    let resolved = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let mut cache = BuildCache::for_rebuilds().with_folder(crate::cache::folder(&resolved));
    follow(
        root,
        DEBOUNCE,
        &mut |change| match change {
            Change::Project(project, changed) => {
                rebuild(project, out, options, &mut cache, changed, report)
            }
            Change::Unreadable(diagnostics) => report(&Event::Failed {
                changed: Vec::new(),
                diagnostics,
            }),
        },
        stop,
    )
}

/// Reads the project in `root`, hands it to `on_change`, then again after
/// every burst of saves under `manuscript/`, `fonts/` or `cover/` (only the
/// changed files are read again), until the watcher fails or `stop` returns true.
pub fn follow(
    root: &Path,
    debounce: Duration,
    on_change: &mut dyn FnMut(Change<'_>),
    stop: &dyn Fn() -> bool,
) -> Result<(), Diagnostic> {
    // The watcher reports absolute, resolved paths: compare them with the
    // root in the same form, whatever relative form (`.`, `..`, `book`) was given.
    let resolved = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let root = resolved.as_path();
    let mut project = match Project::load(root) {
        Ok(project) => project,
        Err(diagnostics) => {
            on_change(Change::Unreadable(diagnostics));
            let mut empty = Project::from_files(Vec::<(String, Vec<u8>)>::new());
            empty.root = root.to_path_buf();
            empty
        }
    };
    let (sender, events) = mpsc::channel::<DebounceEventResult>();
    let mut debouncer = new_debouncer(debounce, None, sender)
        .map_err(|e| Diagnostic::error(format!("cannot watch {}: {e}", root.display())))?;
    // The input folders recursively, and the book's folder itself for folders created later.
    debouncer
        .watch(root, RecursiveMode::NonRecursive)
        .map_err(|e| Diagnostic::error(format!("cannot watch {}: {e}", root.display())))?;
    let mut watched: Vec<PathBuf> = Vec::new();
    let mut watch_inputs = |debouncer: &mut notify_debouncer_full::Debouncer<_, _>| {
        for dir in [MANUSCRIPT_DIR, FONTS_DIR, COVER_DIR] {
            let path = root.join(dir);
            if path.is_dir()
                && !watched.contains(&path)
                && debouncer.watch(&path, RecursiveMode::Recursive).is_ok()
            {
                watched.push(path);
            }
        }
    };
    watch_inputs(&mut debouncer);

    on_change(Change::Project(&project, Vec::new()));
    while !stop() {
        let batch = match events.recv_timeout(Duration::from_millis(200)) {
            Ok(batch) => batch,
            Err(mpsc::RecvTimeoutError::Timeout) => continue,
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        };
        let mut paths: Vec<PathBuf> = Vec::new();
        let mut collect = |batch: DebounceEventResult| {
            if let Ok(events) = batch {
                for event in events {
                    // Reading files (ours included) raises access events: only changes count.
                    let change = matches!(
                        event.event.kind,
                        EventKind::Create(_)
                            | EventKind::Remove(_)
                            | EventKind::Modify(
                                ModifyKind::Data(_) | ModifyKind::Name(_) | ModifyKind::Any
                            )
                    );
                    if change {
                        paths.extend(event.event.paths.iter().cloned());
                    }
                }
            }
        };
        collect(batch);
        // Events that arrived while this batch was gathered belong to the same rebuild.
        while let Ok(more) = events.try_recv() {
            collect(more);
        }
        watch_inputs(&mut debouncer);
        let changed = match project.refresh(root, &paths) {
            Ok(changed) => changed,
            Err(diagnostics) => {
                on_change(Change::Unreadable(diagnostics));
                continue;
            }
        };
        if changed.is_empty() {
            continue;
        }
        on_change(Change::Project(&project, changed));
    }
    Ok(())
}

fn rebuild(
    project: &Project,
    out: &Path,
    options: &Options,
    cache: &mut BuildCache,
    changed: Vec<String>,
    report: &mut dyn FnMut(&Event),
) {
    let started = Instant::now();
    let result = build_with(project, options, cache).and_then(|outputs| {
        output::write_all(out, &outputs.files)
            .map(|_| outputs)
            .map_err(Diagnostics::from)
    });
    match result {
        Ok(outputs) => report(&Event::Built {
            changed,
            elapsed: started.elapsed(),
            pages: outputs.pages,
            warnings: outputs.warnings,
        }),
        Err(diagnostics) => report(&Event::Failed {
            changed,
            diagnostics,
        }),
    }
}
