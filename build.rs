//! Build script: a fingerprint of the code that makes the typographic cover
//! (`src/cover/`, `src/fonts.rs`, the locked dependency versions and the
//! compiler's version, which decides how the keys' `Debug` text reads), so
//! the cover cache (`src/cache.rs`) never serves a cover an older quire made.

use std::hash::{Hash, Hasher};
use std::path::Path;

fn main() {
    let mut files = vec![
        Path::new("src/fonts.rs").to_path_buf(),
        Path::new("Cargo.lock").to_path_buf(),
    ];
    if let Ok(entries) = std::fs::read_dir("src/cover") {
        files.extend(entries.flatten().map(|e| e.path()));
    }
    files.sort();
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        file.hash(&mut hasher);
        std::fs::read(file).unwrap_or_default().hash(&mut hasher);
    }
    // The compiler that builds this quire (`rustc -V`), as cargo runs it.
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let version = std::process::Command::new(rustc)
        .arg("-V")
        .output()
        .map(|out| out.stdout)
        .unwrap_or_default();
    version.hash(&mut hasher);
    println!("cargo:rerun-if-changed=src/cover");
    println!("cargo:rerun-if-env-changed=RUSTC");
    println!("cargo:rustc-env=QUIRE_COVER_CODE={:016x}", hasher.finish());
}
