//! Build script: fingerprints of the code, so the cache folder
//! (`src/cache.rs`) never serves what an older quire made.
//!
//! - `QUIRE_COVER_CODE`: the code that makes the typographic cover
//!   (`src/cover/`, `src/fonts.rs`), the locked dependency versions and the
//!   compiler's version, which decides how the keys' `Debug` text reads.
//! - `QUIRE_CODE`: all of `src/`, the locked versions and the compiler: the
//!   build cache (`src/memory.rs`) holds shaped words, set lines and written
//!   streams, which any part of the code may decide, keyed by hashes of
//!   derived `Hash` impls and std's `DefaultHasher`, which a Rust release may change.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

/// The files under `dir`, recursively.
fn files_under(dir: &Path, into: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, into);
        } else {
            into.push(path);
        }
    }
}

/// A fingerprint of `files` (sorted) and the compiler's version.
fn fingerprint(mut files: Vec<PathBuf>, rustc_version: &[u8]) -> u64 {
    files.sort();
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        file.hash(&mut hasher);
        std::fs::read(file).unwrap_or_default().hash(&mut hasher);
    }
    rustc_version.hash(&mut hasher);
    hasher.finish()
}

fn main() {
    // The compiler that builds this quire (`rustc -V`), as cargo runs it.
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let version = std::process::Command::new(rustc)
        .arg("-V")
        .output()
        .map(|out| out.stdout)
        .unwrap_or_default();

    let mut cover = vec![
        Path::new("src/fonts.rs").to_path_buf(),
        Path::new("Cargo.lock").to_path_buf(),
    ];
    files_under(Path::new("src/cover"), &mut cover);
    let mut all = vec![Path::new("Cargo.lock").to_path_buf()];
    files_under(Path::new("src"), &mut all);

    println!(
        "cargo:rustc-env=QUIRE_COVER_CODE={:016x}",
        fingerprint(cover, &version)
    );
    println!(
        "cargo:rustc-env=QUIRE_CODE={:016x}",
        fingerprint(all, &version)
    );
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-env-changed=RUSTC");
}
