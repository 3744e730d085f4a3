//! An EPUB opened for a store's transform: entries read on demand, changed
//! or added in memory, and written back deterministically: `mimetype` first
//! and stored, entries in their original order (added ones after the one
//! they follow), unchanged entries copied as they are, without
//! recompressing, and changed or added ones stamped with the archive's own
//! time (the build's `SOURCE_DATE_EPOCH` or date), so a store edition is as
//! reproducible as the EPUB it comes from.

use std::io::{Cursor, Read, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

/// What an entry holds.
enum Data {
    /// Index of the entry in the source archive, unchanged.
    Original(usize),
    /// New bytes, and whether to deflate them.
    New { bytes: Vec<u8>, deflate: bool },
}

struct Entry {
    name: String,
    data: Data,
}

/// An EPUB being transformed.
pub struct Archive<'a> {
    source: ZipArchive<Cursor<&'a [u8]>>,
    entries: Vec<Entry>,
    time: DateTime,
}

impl<'a> Archive<'a> {
    /// Opens an EPUB's bytes.
    pub fn open(epub: &'a [u8]) -> Result<Archive<'a>, String> {
        let mut source =
            ZipArchive::new(Cursor::new(epub)).map_err(|e| format!("reading the EPUB: {e}"))?;
        let mut entries = Vec::with_capacity(source.len());
        let mut time = None;
        for index in 0..source.len() {
            let file = source
                .by_index_raw(index)
                .map_err(|e| format!("reading the EPUB: {e}"))?;
            time.get_or_insert_with(|| file.last_modified().unwrap_or_default());
            entries.push(Entry {
                name: file.name().to_string(),
                data: Data::Original(index),
            });
        }
        if entries.first().map(|e| e.name.as_str()) != Some("mimetype") {
            return Err("the EPUB does not start with its mimetype".into());
        }
        Ok(Archive {
            source,
            entries,
            time: time.unwrap_or_default(),
        })
    }

    /// Entry names in archive order.
    #[cfg(test)]
    pub fn names(&self) -> Vec<String> {
        self.entries.iter().map(|e| e.name.clone()).collect()
    }

    pub fn contains(&self, name: &str) -> bool {
        self.position(name).is_some()
    }

    fn position(&self, name: &str) -> Option<usize> {
        self.entries.iter().position(|e| e.name == name)
    }

    /// An entry's bytes, as they are now.
    pub fn bytes(&mut self, name: &str) -> Result<Vec<u8>, String> {
        let at = self
            .position(name)
            .ok_or_else(|| format!("{name} is missing from the EPUB"))?;
        match &self.entries[at].data {
            Data::New { bytes, .. } => Ok(bytes.clone()),
            Data::Original(index) => {
                let mut file = self
                    .source
                    .by_index(*index)
                    .map_err(|e| format!("reading {name}: {e}"))?;
                let mut bytes = Vec::with_capacity(file.size() as usize);
                file.read_to_end(&mut bytes)
                    .map_err(|e| format!("reading {name}: {e}"))?;
                Ok(bytes)
            }
        }
    }

    /// An entry's text (UTF-8).
    pub fn text(&mut self, name: &str) -> Result<String, String> {
        String::from_utf8(self.bytes(name)?).map_err(|_| format!("{name} is not UTF-8 text"))
    }

    /// Replaces an entry's text (deflated); a text equal to the old one leaves the entry as it was.
    pub fn set_text(&mut self, name: &str, text: String) -> Result<(), String> {
        if self.text(name)? == text {
            return Ok(());
        }
        self.set_bytes(name, text.into_bytes(), true)
    }

    /// Replaces an entry's bytes, or adds the entry at the end.
    pub fn set_bytes(&mut self, name: &str, bytes: Vec<u8>, deflate: bool) -> Result<(), String> {
        let data = Data::New { bytes, deflate };
        match self.position(name) {
            Some(at) => self.entries[at].data = data,
            None => self.entries.push(Entry {
                name: name.to_string(),
                data,
            }),
        }
        Ok(())
    }

    /// Adds (or replaces) an entry right after `after` (at the end when `after` is absent).
    pub fn insert_after(&mut self, after: &str, name: &str, bytes: Vec<u8>, deflate: bool) {
        if let Some(at) = self.position(name) {
            self.entries.remove(at);
        }
        let at = self.position(after).map_or(self.entries.len(), |i| i + 1);
        self.entries.insert(
            at,
            Entry {
                name: name.to_string(),
                data: Data::New { bytes, deflate },
            },
        );
    }

    /// Removes an entry (nothing when absent).
    pub fn remove(&mut self, name: &str) {
        self.entries.retain(|e| e.name != name);
    }

    /// The EPUB's bytes.
    pub fn finish(mut self) -> Result<Vec<u8>, String> {
        let stored = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Stored)
            .last_modified_time(self.time)
            .unix_permissions(0o644);
        let deflated = stored.compression_method(CompressionMethod::Deflated);
        let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
        for entry in &self.entries {
            let name = entry.name.as_str();
            let fail = |e: &dyn std::fmt::Display| format!("writing {name}: {e}");
            match &entry.data {
                Data::Original(index) => {
                    let file = self.source.by_index_raw(*index).map_err(|e| fail(&e))?;
                    writer.raw_copy_file(file).map_err(|e| fail(&e))?;
                }
                Data::New { bytes, deflate } => {
                    let options = if *deflate && name != "mimetype" {
                        deflated
                    } else {
                        stored
                    };
                    writer.start_file(name, options).map_err(|e| fail(&e))?;
                    writer.write_all(bytes).map_err(|e| fail(&e))?;
                }
            }
        }
        let cursor = writer
            .finish()
            .map_err(|e| format!("finishing the EPUB: {e}"))?;
        Ok(cursor.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn epub() -> Vec<u8> {
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Stored)
            .last_modified_time(DateTime::from_date_and_time(2020, 5, 6, 7, 8, 10).unwrap());
        let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
        for (name, text) in [
            ("mimetype", "application/epub+zip"),
            ("META-INF/container.xml", "<container/>"),
            ("OEBPS/a.xhtml", "<p>a</p>"),
        ] {
            writer.start_file(name, options).unwrap();
            writer.write_all(text.as_bytes()).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    #[test]
    fn unchanged_archives_come_back_byte_for_byte_in_content() {
        let original = epub();
        let again = Archive::open(&original).unwrap().finish().unwrap();
        let mut a = Archive::open(&original).unwrap();
        let mut b = Archive::open(&again).unwrap();
        assert_eq!(a.names(), b.names());
        for name in a.names() {
            assert_eq!(a.bytes(&name).unwrap(), b.bytes(&name).unwrap());
        }
    }

    #[test]
    fn changes_keep_order_time_and_mimetype_first() {
        let original = epub();
        let mut archive = Archive::open(&original).unwrap();
        archive
            .set_text("OEBPS/a.xhtml", "<p>b</p>".into())
            .unwrap();
        archive.insert_after(
            "META-INF/container.xml",
            "META-INF/x.xml",
            b"x".to_vec(),
            true,
        );
        let bytes = archive.finish().unwrap();
        let mut zip = ZipArchive::new(Cursor::new(&bytes[..])).unwrap();
        let names: Vec<&str> = zip.file_names().collect();
        assert_eq!(names.len(), 4);
        assert_eq!(zip.by_index(0).unwrap().name(), "mimetype");
        assert_eq!(
            zip.by_index(0).unwrap().compression(),
            CompressionMethod::Stored
        );
        assert_eq!(zip.by_index(2).unwrap().name(), "META-INF/x.xml");
        let changed = zip.by_name("OEBPS/a.xhtml").unwrap();
        let time = changed.last_modified().unwrap();
        assert_eq!((time.year(), time.second()), (2020, 10));
        let mut again = Archive::open(&bytes).unwrap();
        assert_eq!(again.text("OEBPS/a.xhtml").unwrap(), "<p>b</p>");
        assert!(Archive::open(b"not a zip").is_err());
    }
}
