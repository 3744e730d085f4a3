//! The cache folder a one-shot build shares with the next (`.quire/cache/`
//! in the book's folder): results that are costly to make and depend on few
//! inputs, stored under a hash of those inputs and of the code that makes
//! them: the typographic ebook cover, whose JPEG would otherwise be most of
//! a short book's build, and the build cache of `quire build` (shaped words,
//! set lines, compressed streams: see [`crate::memory`]).
//!
//! The cache is never required for correctness: a missing, unreadable or
//! damaged entry is made again; a failed write is ignored. Entries are
//! written to a temporary file and renamed, so a build running beside
//! another never reads half a file. `quire clean` removes the folder.

use std::path::{Path, PathBuf};

/// The cache folder of the book in `dir`.
pub fn folder(dir: &Path) -> PathBuf {
    dir.join(".quire").join("cache")
}

/// A folder of entries keyed by content.
#[derive(Debug, Clone)]
pub struct DiskCache {
    dir: PathBuf,
}

impl DiskCache {
    pub fn new(dir: impl Into<PathBuf>) -> DiskCache {
        DiskCache { dir: dir.into() }
    }

    /// Where the entry is: its name carries the fingerprint of the code
    /// that makes it (see build.rs), so an older quire's entries are never read.
    pub fn path(&self, kind: &str, key: u64, extension: &str) -> PathBuf {
        let code = match kind {
            // The cover outlives changes to the rest of the code.
            "cover" => env!("QUIRE_COVER_CODE"),
            _ => env!("QUIRE_CODE"),
        };
        self.dir
            .join(format!("{kind}-{code}-{key:016x}.{extension}"))
    }

    /// The entry's bytes, when it is there and `valid` accepts them.
    pub fn read(
        &self,
        kind: &str,
        key: u64,
        extension: &str,
        valid: impl Fn(&[u8]) -> bool,
    ) -> Option<Vec<u8>> {
        let bytes = std::fs::read(self.path(kind, key, extension)).ok()?;
        valid(&bytes).then_some(bytes)
    }

    /// Stores the entry, and keeps only the newest [`KEPT_OF_A_KIND`]
    /// entries of its kind: the folder holds the covers of the last few
    /// titles tried, not of every one tried in a `quire watch` session (nor
    /// those of older quires). Any failure leaves the cache as it was.
    pub fn write(&self, kind: &str, key: u64, extension: &str, bytes: &[u8]) {
        self.write_keeping(kind, key, extension, bytes, KEPT_OF_A_KIND);
    }

    /// [`DiskCache::write`], keeping the newest `kept` entries of the kind (at least this one).
    pub fn write_keeping(&self, kind: &str, key: u64, extension: &str, bytes: &[u8], kept: usize) {
        self.write_parts(kind, key, extension, &[bytes], kept);
    }

    /// [`DiskCache::write_keeping`], the entry's bytes given in parts (a
    /// header and a long payload, not copied into one buffer).
    pub fn write_parts(&self, kind: &str, key: u64, extension: &str, parts: &[&[u8]], kept: usize) {
        use std::io::Write;
        if std::fs::create_dir_all(&self.dir).is_err() {
            return;
        }
        let Ok(mut file) = tempfile::NamedTempFile::new_in(&self.dir) else {
            return;
        };
        let path = self.path(kind, key, extension);
        if parts.iter().any(|part| file.write_all(part).is_err())
            || file.persist(&path).is_err()
            || kept == usize::MAX
        {
            return;
        }
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let (prefix, suffix) = (format!("{kind}-"), format!(".{extension}"));
        let mut others: Vec<(std::time::SystemTime, PathBuf)> = entries
            .flatten()
            .filter(|entry| {
                let name = entry.file_name();
                let name = name.to_string_lossy();
                name.starts_with(&prefix) && name.ends_with(&suffix) && entry.path() != path
            })
            .filter_map(|entry| Some((entry.metadata().ok()?.modified().ok()?, entry.path())))
            .collect();
        // Newest first; the entry just written is the newest of all.
        others.sort_by(|a, b| b.cmp(a));
        for (_, stale) in others.into_iter().skip(kept.max(1) - 1) {
            let _ = std::fs::remove_file(stale);
        }
    }
}

impl DiskCache {
    /// Removes the entries whose names start with `prefix` and are not in `kept`.
    pub fn remove_unlisted(&self, prefix: &str, kept: &std::collections::HashSet<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if entry.file_name().to_string_lossy().starts_with(prefix) && !kept.contains(&path) {
                let _ = std::fs::remove_file(path);
            }
        }
    }
}

/// Entries of one kind the cache folder keeps (the newest).
pub const KEPT_OF_A_KIND: usize = 4;

/// Removes the cache folder of the book in `dir`, and `.quire/` when that
/// leaves it empty; returns whether there was anything to remove.
pub fn clean(dir: &Path) -> std::io::Result<bool> {
    let folder = folder(dir);
    if !folder.exists() {
        return Ok(false);
    }
    std::fs::remove_dir_all(&folder)?;
    if let Some(parent) = folder.parent() {
        // Only when empty: anything else there is not ours to remove.
        let _ = std::fs::remove_dir(parent);
    }
    Ok(true)
}

/// Whether `bytes` look like a whole JPEG of the given size: the start and
/// end markers, and the frame header's dimensions.
pub fn is_jpeg_of(bytes: &[u8], width: u32, height: u32) -> bool {
    if bytes.len() < 4 || bytes[..2] != [0xff, 0xd8] || bytes[bytes.len() - 2..] != [0xff, 0xd9] {
        return false;
    }
    let mut at = 2;
    while at + 9 < bytes.len() {
        if bytes[at] != 0xff {
            return false;
        }
        let marker = bytes[at + 1];
        let length = u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]) as usize;
        if matches!(marker, 0xc0..=0xc3) {
            let h = u16::from_be_bytes([bytes[at + 5], bytes[at + 6]]) as u32;
            let w = u16::from_be_bytes([bytes[at + 7], bytes[at + 8]]) as u32;
            return (w, h) == (width, height);
        }
        at += 2 + length;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_and_damaged_ones_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let cache = DiskCache::new(folder(dir.path()));
        assert!(cache.read("cover", 7, "jpg", |_| true).is_none());
        cache.write("cover", 7, "jpg", b"abc");
        assert_eq!(cache.read("cover", 7, "jpg", |_| true).unwrap(), b"abc");
        assert!(cache.read("cover", 8, "jpg", |_| true).is_none());
        assert!(cache.read("cover", 7, "jpg", |b| b.len() > 3).is_none());
        // Only the newest few entries of a kind are kept, of another kind too.
        cache.write("other", 1, "jpg", b"kept");
        for key in 8..8 + KEPT_OF_A_KIND as u64 {
            // Modification times a clock tick apart, on any file system.
            std::thread::sleep(std::time::Duration::from_millis(20));
            cache.write("cover", key, "jpg", b"defg");
        }
        assert!(
            cache.read("cover", 7, "jpg", |_| true).is_none(),
            "the oldest went"
        );
        for key in 8..8 + KEPT_OF_A_KIND as u64 {
            assert_eq!(cache.read("cover", key, "jpg", |_| true).unwrap(), b"defg");
        }
        assert_eq!(cache.read("other", 1, "jpg", |_| true).unwrap(), b"kept");
        let files = std::fs::read_dir(folder(dir.path())).unwrap().count();
        assert_eq!(files, KEPT_OF_A_KIND + 1);
        assert!(clean(dir.path()).unwrap());
        assert!(!dir.path().join(".quire").exists());
        assert!(!clean(dir.path()).unwrap());
    }

    #[test]
    fn a_jpeg_is_recognised_by_its_frame_size() {
        let image = image::RgbImage::from_pixel(16, 24, image::Rgb([200, 10, 10]));
        let mut jpeg = Vec::new();
        image::DynamicImage::ImageRgb8(image)
            .write_to(
                &mut std::io::Cursor::new(&mut jpeg),
                image::ImageFormat::Jpeg,
            )
            .unwrap();
        assert!(is_jpeg_of(&jpeg, 16, 24));
        assert!(!is_jpeg_of(&jpeg, 24, 16));
        assert!(!is_jpeg_of(&jpeg[..jpeg.len() - 1], 16, 24));
    }
}
