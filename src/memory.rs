//! What `quire build` keeps in `.quire/cache/` for the next build process,
//! so that a build after a small edit repays most of the last one, as a
//! `quire watch` session does in memory: the words shaped in the book's
//! fonts (by the fonts' key, per language, face and features), every
//! paragraph's set lines (by their content key, under the key of the fonts
//! and hyphenation settings), the PDF's compressed streams (by page
//! content) and the EPUB's deflated documents (by text). The sections'
//! pages, the font subsets and the images are made again from these.
//!
//! One entry per book folder, of the newest build only, holding only what
//! that build used: its size follows the book, not the edits made to it.
//! Its name carries the fingerprint of the code (build.rs), and it begins
//! with a header (a magic word with the format's version, the payload's
//! length and a checksum of it), so an entry that is damaged, truncated or
//! written by another quire is ignored and the build made from scratch;
//! every part inside is also checked against its own key before use.
//! Written atomically (a temporary file renamed), on another thread while
//! the outputs are written.
//!
//! The payload is serde's data model in postcard's encoding: compact, with
//! a wire format fixed since postcard 1.0.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::cache::DiskCache;
use crate::layout::paragraph::Line;
use crate::layout::shape::{Word, WordTable};

/// The entry's kind and extension in the cache folder.
const KIND: &str = "build";
const EXTENSION: &str = "bin";
/// The entry's first bytes, with the format's version.
const MAGIC: &[u8; 8] = b"quire\x00b1";
/// Magic, payload length, checksum.
const HEADER: usize = 8 + 8 + 8;

/// A byte string kept whole (serde's bytes, not a sequence of numbers:
/// postcard copies it in one piece).
#[derive(Debug, Clone)]
pub struct Blob(pub Arc<Vec<u8>>);

impl Serialize for Blob {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(&self.0)
    }
}

impl<'de> Deserialize<'de> for Blob {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Blob, D::Error> {
        struct Bytes;
        impl serde::de::Visitor<'_> for Bytes {
            type Value = Blob;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("bytes")
            }
            fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<Blob, E> {
                Ok(Blob(Arc::new(bytes.to_vec())))
            }
            fn visit_byte_buf<E: serde::de::Error>(self, bytes: Vec<u8>) -> Result<Blob, E> {
                Ok(Blob(Arc::new(bytes)))
            }
        }
        deserializer.deserialize_bytes(Bytes)
    }
}

/// Words shaped for one language: slot (face × features), text, shaped word.
pub type LanguageWords = (String, Vec<(u32, Box<str>, Arc<Word>)>);

/// What one build kept for the next process.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Remembered {
    /// The key of the font files the words were shaped in.
    pub fonts_key: u64,
    pub words: Vec<LanguageWords>,
    /// The key of the fonts and settings the paragraphs were set with.
    pub layout_key: u64,
    pub paragraphs: Vec<(u64, Arc<[Line]>)>,
    /// The PDF's compressed page streams, and its other streams deflated.
    pub pdf_pages: Vec<(u64, Blob)>,
    pub pdf_other: Vec<(u64, Blob)>,
    /// The EPUB's deflated documents, by archive path and text hash.
    pub epub: Vec<((String, u64), Blob)>,
}

/// A checksum of the payload: FxHash, fixed by the locked `rustc-hash`.
fn checksum(payload: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut hasher = rustc_hash::FxHasher::default();
    hasher.write(payload);
    hasher.finish()
}

/// The last build's entry in `disk`, when there is a whole one this code wrote.
pub fn recall(disk: &DiskCache) -> Option<Remembered> {
    let bytes = std::fs::read(disk.path(KIND, 0, EXTENSION)).ok()?;
    decode(&bytes)
}

/// An entry's bytes read back; `None` when they are not a whole entry.
pub fn decode(bytes: &[u8]) -> Option<Remembered> {
    let header = bytes.get(..HEADER)?;
    let (magic, rest) = header.split_at(8);
    let (length, sum) = rest.split_at(8);
    let length = u64::from_le_bytes(length.try_into().ok()?);
    let sum = u64::from_le_bytes(sum.try_into().ok()?);
    let payload = &bytes[HEADER..];
    if magic != MAGIC || payload.len() as u64 != length || checksum(payload) != sum {
        return None;
    }
    postcard::from_bytes(payload).ok()
}

/// The entry's bytes: header, payload.
pub fn encode(remembered: &Remembered) -> Option<(Vec<u8>, Vec<u8>)> {
    let payload = postcard::to_allocvec(remembered).ok()?;
    let mut header = Vec::with_capacity(HEADER);
    header.extend_from_slice(MAGIC);
    header.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    header.extend_from_slice(&checksum(&payload).to_le_bytes());
    Some((header, payload))
}

/// What a finished build leaves to keep: gathered on the build's thread
/// (shared references), encoded and written by [`Pending::save`] on another.
#[derive(Debug)]
pub struct Pending {
    pub disk: DiskCache,
    pub fonts_key: u64,
    /// Each language's table and the number of the build that used it.
    pub words: Vec<(String, Arc<WordTable>, u32)>,
    pub layout_key: u64,
    pub paragraphs: Option<Arc<crate::layout::paragraph::ParagraphCache>>,
    pub pdf: crate::pdf::KeptStreams,
    pub epub: Vec<crate::epub::DeflatedEntry>,
}

impl Pending {
    /// Writes the entry, replacing the one before. A failure leaves the
    /// cache as it was (the next build is then made from scratch).
    pub fn save(self) {
        let (pdf_pages, pdf_other) = self.pdf;
        let remembered = Remembered {
            fonts_key: self.fonts_key,
            words: self
                .words
                .iter()
                .map(|(language, table, build)| (language.clone(), table.asked_in(*build)))
                .collect(),
            layout_key: self.layout_key,
            paragraphs: self.paragraphs.map(|p| p.paragraphs()).unwrap_or_default(),
            pdf_pages: pdf_pages.into_iter().map(|(k, b)| (k, Blob(b))).collect(),
            pdf_other: pdf_other
                .into_iter()
                .map(|(k, b)| (k, Blob(Arc::new(b))))
                .collect(),
            epub: self.epub.into_iter().map(|(k, b)| (k, Blob(b))).collect(),
        };
        if let Some((header, payload)) = encode(&remembered) {
            self.disk
                .write_parts(KIND, 0, EXTENSION, &[&header, &payload], 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_reads_back_and_a_damaged_one_is_refused() {
        let remembered = Remembered {
            fonts_key: 7,
            layout_key: 9,
            pdf_pages: vec![(3, Blob(Arc::new(b"stream".to_vec())))],
            epub: vec![(("OEBPS/a.xhtml".into(), 5), Blob(Arc::new(vec![1, 2, 3])))],
            ..Remembered::default()
        };
        let (header, payload) = encode(&remembered).unwrap();
        let bytes = [header, payload].concat();
        let back = decode(&bytes).unwrap();
        assert_eq!((back.fonts_key, back.layout_key), (7, 9));
        assert_eq!(*back.pdf_pages[0].1.0, b"stream");
        assert_eq!(back.epub[0].0.0, "OEBPS/a.xhtml");
        // Truncated, garbled, empty, foreign: refused, never read wrong.
        assert!(decode(&bytes[..bytes.len() - 1]).is_none());
        let mut garbled = bytes.clone();
        let last = garbled.len() - 2;
        garbled[last] ^= 0x20;
        assert!(decode(&garbled).is_none());
        assert!(decode(&[]).is_none());
        assert!(decode(b"%PDF-1.7 and more than a header's worth").is_none());
    }
}
