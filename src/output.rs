//! Writing outputs without ever losing the previous edition: every file is
//! written to a temporary file in the output folder, and only when all of them
//! are complete are they renamed into place.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::OutputFile;
use crate::diag::Diagnostic;

/// Writes all files into `dir` (created if needed); returns their paths and sizes.
pub fn write_all(dir: &Path, files: &[OutputFile]) -> Result<Vec<(PathBuf, u64)>, Diagnostic> {
    std::fs::create_dir_all(dir).map_err(|e| {
        Diagnostic::error(format!(
            "cannot create the output folder {}: {e}",
            dir.display()
        ))
        .with_hint("choose another folder with --out")
    })?;
    let mut staged = Vec::with_capacity(files.len());
    for file in files {
        let mut temp = tempfile::Builder::new()
            .prefix(&format!(".{}.", file.name))
            .suffix(".part")
            .tempfile_in(dir)
            .map_err(|e| write_error(dir, &file.name, e))?;
        temp.write_all(&file.bytes)
            .and_then(|_| temp.as_file().sync_data())
            .and_then(|_| make_readable(temp.as_file()))
            .map_err(|e| write_error(dir, &file.name, e))?;
        staged.push((temp, dir.join(&file.name), file.bytes.len() as u64));
    }
    let mut written = Vec::with_capacity(staged.len());
    for (temp, path, size) in staged {
        temp.persist(&path)
            .map_err(|e| write_error(dir, &path.display().to_string(), e.error))?;
        written.push((path, size));
    }
    Ok(written)
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

fn write_error(dir: &Path, name: &str, err: std::io::Error) -> Diagnostic {
    Diagnostic::error(format!("cannot write {name} in {}: {err}", dir.display()))
        .with_hint("check that the output folder is writable and the disk is not full; the previous files are untouched")
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

    #[test]
    fn writes_and_replaces_whole_files() {
        let dir = tempfile::tempdir().unwrap();
        let files = vec![OutputFile {
            name: "a.epub".into(),
            bytes: b"one".to_vec(),
        }];
        write_all(dir.path(), &files).unwrap();
        let files = vec![OutputFile {
            name: "a.epub".into(),
            bytes: b"two".to_vec(),
        }];
        let written = write_all(dir.path(), &files).unwrap();
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
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary files are left behind");
    }
}
