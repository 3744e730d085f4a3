//! Build script: a fingerprint of the code that makes the typographic cover
//! (`src/cover/`, `src/fonts.rs` and the locked dependency versions), so the
//! cover cache (`src/cache.rs`) never serves a cover an older quire made.

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
    println!("cargo:rerun-if-changed=src/cover");
    println!("cargo:rustc-env=QUIRE_COVER_CODE={:016x}", hasher.finish());
}
