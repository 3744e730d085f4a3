//! Writing outputs without ever losing the previous edition. One build's
//! files are replaced all together or not at all: each is written to a
//! temporary file in the output folder; only when all are complete is each
//! old file kept aside (a hard link) and the new one renamed into place; if
//! one rename fails, the ones already made are undone. Temporary files carry
//! the writing process's id, so a later build removes those of a process that
//! is gone (killed, crashed), and a signal handler removes them on Ctrl-C or
//! `kill -TERM` ([`remove_pending`]).
//!
//! A process killed while renaming (`kill -9`, a crash, a power cut) cannot
//! undo anything: a journal (`.quire-journal`, written before the first
//! rename) lists each file, its new version and its old one, and the next
//! quire command on the book ([`recover`]) puts the old edition back whole
//! before anything else. Builds into one folder take turns: a lock file
//! (`.quire-lock`, holding its writer's process id) makes a second wait.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::OutputFile;
use crate::diag::Diagnostic;

/// Temporary files of this process that are not yet in place or removed.
/// A file is created and listed under this lock, so the signal handler,
/// which takes it and never gives it back, sees every file there is.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
/// Held while a build's files are renamed into place: a signal waits for the
/// last rename, so an interrupted build replaces all its files or none.
static PLACING: Mutex<()> = Mutex::new(());

/// The marker between an output's name and the process id in a temporary name:
/// `.book.pdf.quire-4242-Ab3xYz.part`.
const TEMP_MARK: &str = ".quire-";
const STAGED: &str = ".part";
const KEPT: &str = ".old";
/// The journal of a build placing its files, and the lock of one writing them.
const JOURNAL: &str = ".quire-journal";
const LOCK: &str = ".quire-lock";
/// How long a build waits for another writing into the same folder.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(60);
/// A lock older than this is taken over: no build writes for ten minutes.
const STALE_LOCK: std::time::Duration = std::time::Duration::from_secs(600);

/// Writes all files into `dir` (created if needed); returns their paths and sizes.
/// Either every file is replaced or none is.
pub fn write_all(dir: &Path, files: &[OutputFile]) -> Result<Vec<(PathBuf, u64)>, Diagnostic> {
    write_all_with(dir, files, &|from, to| std::fs::rename(from, to))
}

/// [`write_all`] with the final rename given, so tests can make one fail.
fn write_all_with(
    dir: &Path,
    files: &[OutputFile],
    rename: &dyn Fn(&Path, &Path) -> std::io::Result<()>,
) -> Result<Vec<(PathBuf, u64)>, Diagnostic> {
    std::fs::create_dir_all(dir).map_err(|e| {
        Diagnostic::error(format!(
            "cannot create the output folder {}: {e}",
            dir.display()
        ))
        .with_hint("choose another folder with --out")
    })?;
    let _lock = Lock::take(dir)?;
    recover(dir);
    // Everything that can be found wrong is found before any file is touched.
    let placed_in = placements(dir, files)?;
    prepare_folders(&placed_in)?;
    check_replaceable(&placed_in)?;
    let staged = stage(files, &placed_in)?;
    let kept = keep_old(dir, &staged)?;
    place(dir, &staged, kept, rename)?;
    Ok(staged
        .into_iter()
        .map(|staged| (staged.target, staged.size))
        .collect())
}

/// One output written in full beside its target, not yet in place.
struct Staged {
    temp: Temp,
    target: PathBuf,
    size: u64,
}

/// Each file's folder and name in `dir`. A name may hold a folder
/// (`kindle/book.epub`): each file is staged beside its target.
fn placements(dir: &Path, files: &[OutputFile]) -> Result<Vec<(PathBuf, String)>, Diagnostic> {
    let mut placed_in: Vec<(PathBuf, String)> = Vec::with_capacity(files.len());
    for file in files {
        let relative = Path::new(&file.name);
        let safe = relative
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
        let (Some(name), true) = (relative.file_name(), safe) else {
            return Err(Diagnostic::error(format!(
                "cannot write {}: not a file name inside the output folder",
                file.name
            ))
            .with_hint("this is a bug in quire: please report it"));
        };
        let folder = match relative.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => dir.join(parent),
            _ => dir.to_path_buf(),
        };
        placed_in.push((folder, name.to_string_lossy().into_owned()));
    }
    Ok(placed_in)
}

/// Makes each folder the files go in (once each), clearing it of the
/// temporary files of builds that are gone.
fn prepare_folders(placed_in: &[(PathBuf, String)]) -> Result<(), Diagnostic> {
    let mut folders: Vec<&PathBuf> = placed_in.iter().map(|(f, _)| f).collect();
    folders.sort();
    folders.dedup();
    for folder in folders {
        if let Ok(meta) = std::fs::symlink_metadata(folder)
            && !meta.is_dir()
        {
            return Err(Diagnostic::error(format!(
                "cannot write into {}: it is a file, not a folder",
                folder.display()
            ))
            .with_hint(
                "move it out of the way, or choose another folder with --out; no file was replaced",
            ));
        }
        std::fs::create_dir_all(folder).map_err(|e| {
            Diagnostic::error(format!(
                "cannot create the folder {}: {e}",
                folder.display()
            ))
            .with_hint("choose another folder with --out; no file was replaced")
        })?;
        remove_stale(folder);
    }
    Ok(())
}

/// A target that is not a file (a folder, say) cannot be replaced: found
/// out before touching any.
fn check_replaceable(placed_in: &[(PathBuf, String)]) -> Result<(), Diagnostic> {
    for (folder, name) in placed_in {
        let target = folder.join(name);
        if let Ok(meta) = std::fs::symlink_metadata(&target)
            && !meta.is_file()
        {
            let what = if meta.is_dir() {
                "a folder"
            } else {
                "not a regular file"
            };
            return Err(Diagnostic::error(format!(
                "cannot replace {}: it is {what}",
                target.display()
            ))
            .with_hint(
                "move it out of the way, or choose another folder with --out; no file was replaced",
            ));
        }
    }
    Ok(())
}

/// Writes each file to a temporary file beside its target, synced, so a
/// rename can put it in place whole.
fn stage(files: &[OutputFile], placed_in: &[(PathBuf, String)]) -> Result<Vec<Staged>, Diagnostic> {
    let mut staged = Vec::with_capacity(files.len());
    for (file, (folder, name)) in files.iter().zip(placed_in) {
        let (temp, mut handle) = temp_file(folder, name, STAGED)
            .map_err(|e| write_error(folder, name, e, "no file was replaced"))?;
        handle
            .write_all(&file.bytes)
            .and_then(|_| handle.sync_data())
            .and_then(|_| make_readable(&handle))
            .map_err(|e| write_error(folder, name, e, "no file was replaced"))?;
        staged.push(Staged {
            temp,
            target: folder.join(name),
            size: file.bytes.len() as u64,
        });
    }
    Ok(staged)
}

/// Keeps each old file aside (a hard link, or a copy where links fail), so
/// a failed rename can be undone; `None` for a target that is new.
fn keep_old(dir: &Path, staged: &[Staged]) -> Result<Vec<Option<Temp>>, Diagnostic> {
    let mut kept: Vec<Option<Temp>> = Vec::with_capacity(staged.len());
    for Staged { target, .. } in staged {
        let name = target.file_name().map(|n| n.to_string_lossy().into_owned());
        let name = name.unwrap_or_default();
        if !target.exists() {
            kept.push(None);
            continue;
        }
        let folder = target.parent().unwrap_or(dir);
        let backup = temp_path(folder, &name, KEPT);
        let saved = Temp::create(backup, |path| {
            std::fs::hard_link(target, path).or_else(|_| std::fs::copy(target, path).map(|_| ()))
        });
        match saved {
            Ok((backup, ())) => kept.push(Some(backup)),
            Err(e) => return Err(write_error(dir, &name, e, "no file was replaced")),
        }
    }
    Ok(kept)
}

/// Renames every staged file into place, the journal written first; if one
/// rename fails, the ones made are undone with the `kept` old files. A
/// signal waits (`PLACING`) until all are placed or undone.
fn place(
    dir: &Path,
    staged: &[Staged],
    kept: Vec<Option<Temp>>,
    rename: &dyn Fn(&Path, &Path) -> std::io::Result<()>,
) -> Result<(), Diagnostic> {
    let placing = PLACING.lock();
    // Written before the first rename: what to put back if the process dies now.
    let entries: Vec<JournalEntry> = staged
        .iter()
        .zip(&kept)
        .map(|(staged, backup)| JournalEntry {
            target: staged.target.clone(),
            staged: staged.temp.path.clone(),
            kept: backup.as_ref().map(|b| b.path.clone()),
        })
        .collect();
    write_journal(dir, &entries)
        .map_err(|e| write_error(dir, JOURNAL, e, "no file was replaced"))?;
    let mut placed: Vec<usize> = Vec::new();
    for (i, Staged { temp, target, .. }) in staged.iter().enumerate() {
        crash_for_test(i);
        if let Err(err) = rename(&temp.path, target) {
            let undone = placed
                .iter()
                .all(|&j| undo(&staged[j].target, kept[j].as_ref(), rename));
            if undone {
                let _ = std::fs::remove_file(dir.join(JOURNAL));
            }
            let name = target.display().to_string();
            return Err(if undone || placed.is_empty() {
                write_error(dir, &name, err, "no file was replaced")
            } else {
                let replaced: Vec<String> = placed
                    .iter()
                    .map(|&j| staged[j].target.display().to_string())
                    .collect();
                write_error(
                    dir,
                    &name,
                    err,
                    &format!(
                        "{} replaced and could not be restored; build again",
                        replaced.join(", ")
                    ),
                )
            });
        }
        temp.placed();
        placed.push(i);
    }
    // Every file is in place: the old ones go (dropping `kept`), then the journal.
    drop(kept);
    let _ = std::fs::remove_file(dir.join(JOURNAL));
    drop(placing);
    Ok(())
}

/// One file a build is placing: where it goes, its new version, its old one.
struct JournalEntry {
    target: PathBuf,
    staged: PathBuf,
    kept: Option<PathBuf>,
}

/// Writes the journal (whole, by a rename, and synced) before the renames.
fn write_journal(dir: &Path, entries: &[JournalEntry]) -> std::io::Result<()> {
    let mut text = format!("quire journal {}\n", std::process::id());
    for entry in entries {
        let path = |p: &Path| {
            p.strip_prefix(dir)
                .unwrap_or(p)
                .to_string_lossy()
                .into_owned()
        };
        text.push_str(&format!(
            "{}\t{}\t{}\n",
            path(&entry.target),
            path(&entry.staged),
            entry.kept.as_deref().map_or("-".to_string(), path)
        ));
    }
    let (temp, mut file) = temp_file(dir, JOURNAL.trim_start_matches('.'), STAGED)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    std::fs::rename(&temp.path, dir.join(JOURNAL))?;
    temp.placed();
    // The rename itself is on disk before any output is touched.
    if let Ok(folder) = std::fs::File::open(dir) {
        let _ = folder.sync_all();
    }
    Ok(())
}

/// Finds a build that died while placing its files in `dir` (its journal is
/// there and its process gone) and puts the previous edition back whole:
/// each old file over its new one, a file that had no old version removed.
/// Safe to run again if interrupted itself. Returns what was done, for the
/// terminal, when anything was.
pub fn recover(dir: &Path) -> Option<String> {
    let journal = dir.join(JOURNAL);
    let text = std::fs::read_to_string(&journal).ok()?;
    let mut lines = text.lines();
    let owner: Option<u32> = lines
        .next()
        .and_then(|l| l.strip_prefix("quire journal "))
        .and_then(|pid| pid.trim().parse().ok());
    // A journal of a running build (this process's is never left) is its own.
    if owner.is_some_and(|pid| pid != std::process::id() && process_alive(pid) == Some(true)) {
        return None;
    }
    let mut restored = Vec::new();
    for line in lines {
        let mut fields = line.split('\t');
        let (Some(target), Some(staged), Some(kept)) =
            (fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        let (target, staged) = (dir.join(target), dir.join(staged));
        match kept {
            "-" => {
                // No old version: a new file already in place goes.
                if !staged.exists() && target.exists() {
                    let _ = std::fs::remove_file(&target);
                }
            }
            kept => {
                let kept = dir.join(kept);
                if kept.exists() && std::fs::rename(&kept, &target).is_ok() {
                    restored.push(target.display().to_string());
                }
                // A hard link to the file still in place: renaming it over
                // its twin does nothing, so it goes by name.
                let _ = std::fs::remove_file(&kept);
            }
        }
        let _ = std::fs::remove_file(&staged);
    }
    let _ = std::fs::remove_file(&journal);
    // The dead build's lock goes with it.
    let lock = dir.join(LOCK);
    let holder: Option<u32> = std::fs::read_to_string(&lock)
        .ok()
        .and_then(|t| t.trim().parse().ok());
    if holder.is_some_and(|pid| pid != std::process::id() && process_alive(pid) == Some(false)) {
        let _ = std::fs::remove_file(&lock);
    }
    Some(if restored.is_empty() {
        format!(
            "an interrupted build's files in {} were removed",
            dir.display()
        )
    } else {
        format!(
            "an interrupted build was undone: the previous edition is back ({})",
            restored.join(", ")
        )
    })
}

/// The output folder's lock, held while a build writes into it; its file is
/// removed when it is dropped (and by the signal handler, as the temporary
/// files are).
struct Lock {
    _file: Temp,
}

impl Lock {
    /// Takes the lock, waiting for a build of another process to finish (a
    /// lock whose process is gone is stale and taken over).
    fn take(dir: &Path) -> Result<Lock, Diagnostic> {
        let path = dir.join(LOCK);
        let started = std::time::Instant::now();
        loop {
            let made = Temp::create(path.clone(), |path| {
                let mut file = std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(path)?;
                file.write_all(std::process::id().to_string().as_bytes())
            });
            match made {
                Ok((file, ())) => return Ok(Lock { _file: file }),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let holder: Option<u32> = std::fs::read_to_string(&path)
                        .ok()
                        .and_then(|t| t.trim().parse().ok());
                    // A lock whose process is gone, or that no build would hold
                    // this long (a reused process id), is stale.
                    let old = std::fs::metadata(&path)
                        .and_then(|m| m.modified())
                        .ok()
                        .and_then(|t| t.elapsed().ok())
                        .is_some_and(|age| age > STALE_LOCK);
                    let alive = !old && holder.is_some_and(|pid| process_alive(pid) != Some(false));
                    if !alive {
                        let _ = std::fs::remove_file(&path);
                        continue;
                    }
                    if started.elapsed() > LOCK_WAIT {
                        return Err(Diagnostic::error(format!(
                            "another build (process {}) is writing into {}",
                            holder.unwrap_or_default(),
                            dir.display()
                        ))
                        .with_hint(
                            "wait for it to finish, or build into another folder with --out",
                        ));
                    }
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                Err(e) => {
                    return Err(write_error(dir, LOCK, e, "no file was replaced"));
                }
            }
        }
    }
}

/// For the tests of a crash while placing files: a debug build dies at the
/// rename numbered `QUIRE_TEST_CRASH_AT_RENAME`, as `kill -9` would (no
/// clean-up runs). Release builds never read it.
fn crash_for_test(rename: usize) {
    if cfg!(debug_assertions)
        && std::env::var("QUIRE_TEST_CRASH_AT_RENAME")
            .ok()
            .and_then(|v| v.parse::<usize>().ok())
            == Some(rename)
    {
        std::process::abort();
    }
}

/// Puts the old file back over a new one (or removes the new one when there was none).
fn undo(
    target: &Path,
    kept: Option<&Temp>,
    rename: &dyn Fn(&Path, &Path) -> std::io::Result<()>,
) -> bool {
    match kept {
        Some(backup) => {
            let restored = rename(&backup.path, target).is_ok();
            if restored {
                backup.placed();
            }
            restored
        }
        None => std::fs::remove_file(target).is_ok(),
    }
}

/// A temporary file of ours: removed when dropped unless it was put in place,
/// and listed for the signal handler meanwhile.
struct Temp {
    path: PathBuf,
}

impl Temp {
    /// Makes the file at `path` with `make` and lists it, both under the lock.
    fn create<T>(
        path: PathBuf,
        make: impl FnOnce(&Path) -> std::io::Result<T>,
    ) -> std::io::Result<(Temp, T)> {
        let mut pending = PENDING.lock().unwrap_or_else(|p| p.into_inner());
        let made = make(&path)?;
        pending.push(path.clone());
        Ok((Temp { path }, made))
    }

    /// The file now lives under another name: nothing to remove.
    fn placed(&self) {
        if let Ok(mut pending) = PENDING.lock() {
            pending.retain(|p| p != &self.path);
        }
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        let ours = PENDING
            .lock()
            .map(|pending| pending.contains(&self.path))
            .unwrap_or(false);
        if ours {
            let _ = std::fs::remove_file(&self.path);
            self.placed();
        }
    }
}

/// A fresh, empty temporary file for output `name` in `dir`, open for writing.
fn temp_file(dir: &Path, name: &str, suffix: &str) -> std::io::Result<(Temp, std::fs::File)> {
    loop {
        let path = temp_path(dir, name, suffix);
        let made = Temp::create(path, |path| {
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
        });
        match made {
            Ok(made) => return Ok(made),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

/// `.NAME.quire-PID-N.SUFFIX` in `dir`: the process id tells a later build
/// whether the file's writer is still running; N is new on every call.
fn temp_path(dir: &Path, name: &str, suffix: &str) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    dir.join(format!(
        ".{name}{TEMP_MARK}{}-{n}{suffix}",
        std::process::id()
    ))
}

/// The process id in one of our temporary file names.
fn temp_owner(file_name: &str) -> Option<u32> {
    if !file_name.starts_with('.') || !(file_name.ends_with(STAGED) || file_name.ends_with(KEPT)) {
        return None;
    }
    let (_, rest) = file_name.rsplit_once(TEMP_MARK)?;
    rest.split('-').next()?.parse().ok()
}

/// Whether process `pid` is still running, where the system can be asked (Linux's /proc).
fn process_alive(pid: u32) -> Option<bool> {
    let proc = Path::new("/proc");
    proc.is_dir()
        .then(|| pid == std::process::id() || proc.join(pid.to_string()).exists())
}

/// Removes temporary files in `dir` left by builds whose process is gone
/// (where that cannot be asked: older than an hour, as a build takes seconds).
fn remove_stale(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name();
        let Some(owner) = name.to_str().and_then(temp_owner) else {
            continue;
        };
        let stale = match process_alive(owner) {
            Some(alive) => !alive,
            None => entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age.as_secs() > 3600),
        };
        if stale {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// For a signal handler, just before the process exits: waits for a build
/// that is renaming its files into place, then removes this process's
/// temporary files, and keeps the lock so no new one is made.
pub fn remove_pending() {
    let placing = PLACING.lock().unwrap_or_else(|p| p.into_inner());
    let pending = PENDING.lock().unwrap_or_else(|p| p.into_inner());
    for path in pending.iter() {
        let _ = std::fs::remove_file(path);
    }
    std::mem::forget(pending);
    std::mem::forget(placing);
}

/// Temporary files are private (0600); a finished edition is an ordinary file.
#[cfg(unix)]
fn make_readable(file: &std::fs::File) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn make_readable(_file: &std::fs::File) -> std::io::Result<()> {
    Ok(())
}

fn write_error(dir: &Path, name: &str, err: std::io::Error, outcome: &str) -> Diagnostic {
    Diagnostic::error(format!("cannot write {name} in {}: {err}", dir.display())).with_hint(
        format!("check that the output folder is writable and the disk is not full; {outcome}"),
    )
}

/// "12.3 KB", "1.4 MB".
pub fn human_size(bytes: u64) -> String {
    if bytes < 1000 {
        format!("{bytes} B")
    } else if bytes < 1_000_000 {
        format!("{:.1} KB", bytes as f64 / 1000.0)
    } else {
        format!("{:.1} MB", bytes as f64 / 1_000_000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, bytes: &[u8]) -> OutputFile {
        OutputFile {
            name: name.into(),
            bytes: bytes.to_vec(),
        }
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn writes_and_replaces_whole_files() {
        let dir = tempfile::tempdir().unwrap();
        write_all(dir.path(), &[file("a.epub", b"one")]).unwrap();
        let written = write_all(dir.path(), &[file("a.epub", b"two")]).unwrap();
        assert_eq!(written[0].1, 3);
        assert_eq!(std::fs::read(dir.path().join("a.epub")).unwrap(), b"two");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("a.epub"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o644);
        }
        assert_eq!(names(dir.path()), ["a.epub"], "no temporary files are left");
    }

    #[test]
    fn a_failed_rename_undoes_the_ones_before_it() {
        let dir = tempfile::tempdir().unwrap();
        write_all(
            dir.path(),
            &[file("a.epub", b"old a"), file("b.pdf", b"old b")],
        )
        .unwrap();
        let fail_second = |from: &Path, to: &Path| {
            if to.ends_with("b.pdf") {
                Err(std::io::Error::other("disk on fire"))
            } else {
                std::fs::rename(from, to)
            }
        };
        let new = [
            file("a.epub", b"new a"),
            file("b.pdf", b"new b"),
            file("c.jpg", b"new c"),
        ];
        let err = write_all_with(dir.path(), &new, &fail_second).unwrap_err();
        assert!(err.to_string().contains("no file was replaced"), "{err}");
        assert_eq!(std::fs::read(dir.path().join("a.epub")).unwrap(), b"old a");
        assert_eq!(std::fs::read(dir.path().join("b.pdf")).unwrap(), b"old b");
        assert_eq!(names(dir.path()), ["a.epub", "b.pdf"], "nothing else left");

        // A file that did not exist before is removed again.
        let fail_first = |from: &Path, to: &Path| {
            if to.ends_with("a.epub") {
                Err(std::io::Error::other("disk on fire"))
            } else {
                std::fs::rename(from, to)
            }
        };
        let new = [file("c.jpg", b"new c"), file("a.epub", b"new a")];
        write_all_with(dir.path(), &new, &fail_first).unwrap_err();
        assert_eq!(names(dir.path()), ["a.epub", "b.pdf"]);
    }

    #[test]
    fn files_in_folders_are_replaced_with_the_rest_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        write_all(
            dir.path(),
            &[file("a.epub", b"old a"), file("kindle/a.epub", b"old k")],
        )
        .unwrap();
        let fail_kobo = |from: &Path, to: &Path| {
            if to.ends_with("kobo/a.kepub.epub") {
                Err(std::io::Error::other("disk on fire"))
            } else {
                std::fs::rename(from, to)
            }
        };
        let new = [
            file("a.epub", b"new a"),
            file("kindle/a.epub", b"new k"),
            file("kobo/a.kepub.epub", b"new kobo"),
        ];
        write_all_with(dir.path(), &new, &fail_kobo).unwrap_err();
        assert_eq!(std::fs::read(dir.path().join("a.epub")).unwrap(), b"old a");
        assert_eq!(
            std::fs::read(dir.path().join("kindle/a.epub")).unwrap(),
            b"old k"
        );
        assert_eq!(names(&dir.path().join("kindle")), ["a.epub"]);
        assert!(names(&dir.path().join("kobo")).is_empty());
        let written = write_all(dir.path(), &new).unwrap();
        assert_eq!(written.len(), 3);
        assert_eq!(
            std::fs::read(dir.path().join("kobo/a.kepub.epub")).unwrap(),
            b"new kobo"
        );
        // A file where a store's folder goes, or a name leaving the folder, replaces nothing.
        std::fs::write(dir.path().join("apple"), b"x").unwrap();
        let err = write_all(
            dir.path(),
            &[file("a.epub", b"n"), file("apple/a.epub", b"n")],
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("it is a file, not a folder"), "{err}");
        assert!(write_all(dir.path(), &[file("../escape.epub", b"n")]).is_err());
        assert_eq!(std::fs::read(dir.path().join("a.epub")).unwrap(), b"new a");
    }

    #[test]
    fn a_folder_in_the_way_replaces_nothing() {
        let dir = tempfile::tempdir().unwrap();
        write_all(dir.path(), &[file("a.epub", b"old a")]).unwrap();
        std::fs::create_dir(dir.path().join("b.pdf")).unwrap();
        let err = write_all(dir.path(), &[file("a.epub", b"new a"), file("b.pdf", b"b")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("b.pdf: it is a folder"), "{err}");
        assert!(err.contains("no file was replaced"), "{err}");
        assert_eq!(std::fs::read(dir.path().join("a.epub")).unwrap(), b"old a");
        assert_eq!(names(dir.path()), ["a.epub", "b.pdf"]);
    }

    #[test]
    fn leftovers_of_a_process_that_is_gone_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        // Process ids are below 2^22 on Linux: this one is never running.
        let dead = dir.path().join(".a.epub.quire-99999999-0.part");
        let dead_backup = dir.path().join(".a.epub.quire-99999999-1.old");
        let live = dir
            .path()
            .join(format!(".a.epub.quire-{}-77.part", std::process::id()));
        let authors = dir.path().join(".notes.part");
        for path in [&dead, &dead_backup, &live, &authors] {
            std::fs::write(path, b"x").unwrap();
        }
        write_all(dir.path(), &[file("a.epub", b"a")]).unwrap();
        assert!(!dead.exists() && !dead_backup.exists());
        assert!(live.exists(), "a running build's files stay");
        assert!(authors.exists(), "files that are not ours stay");
    }

    #[test]
    fn temporary_names_carry_the_process() {
        let path = temp_path(Path::new("out"), "book.pdf", STAGED);
        let name = path.file_name().unwrap().to_str().unwrap();
        assert_eq!(temp_owner(name), Some(std::process::id()), "{name}");
        assert_eq!(temp_owner("book.pdf"), None);
    }
}
