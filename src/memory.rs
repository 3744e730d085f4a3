//! What `quire build` keeps in `.quire/cache/` for the next build process,
//! so that a build after a small edit repays most of the last one, as a
//! `quire watch` session does in memory: the words shaped in the book's
//! fonts (by the fonts' key, per language, face and features), every
//! paragraph's set lines (by their content key, under the key of the fonts
//! and hyphenation settings), the PDF's compressed streams (by page
//! content) and the EPUB's deflated documents (by text). The sections'
//! pages, the font subsets and the images are made again from these.
//! When every paragraph is taken whole (the same fonts and settings, none
//! past the bound), the words are not read at all: layout shapes the few
//! words it needs itself (the edited paragraphs', the running heads' and
//! titles'), and the index names the kept words' shards again beside one
//! shard of this build's words (the carried shards' checksums are checked
//! as they are named again). A build whose fonts, language or hyphenation
//! changed, or that found a shard damaged, reads them all, and writes its
//! words afresh.
//!
//! One index per book folder, of the newest build only, naming the shards
//! that hold each part's items (split by their keys' hashes). A shard's
//! name is a hash of its part, the key the part was made under and its
//! items' keys, and under one code the same keys make the same items: a
//! shard the folder holds is never written again, so the build after a
//! one-word edit writes the few shards that changed, not the whole cache.
//! Shards no index names are removed: the folder follows the book, not the
//! edits made to it. Every file's name carries the fingerprint of the code
//! (build.rs), and begins with a header (a magic word with the format's
//! version, the payload's length and a checksum of it): an index that is
//! damaged, truncated or written by another quire is ignored and the build
//! made from scratch; a damaged or missing shard is removed and its items
//! made again (and written again after the build). Written atomically (a
//! temporary file renamed), on another thread while the outputs are written.
//!
//! The payload is serde's data model in postcard's encoding: compact, with
//! a wire format fixed since postcard 1.0.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::cache::DiskCache;
use crate::layout::paragraph::Line;
use crate::layout::shape::{Word, WordTable};

/// The index's kind, a shard's kind, and their extension in the cache folder.
const KIND: &str = "build";
const SHARD: &str = "shard";
const EXTENSION: &str = "bin";
/// An entry's first bytes, with the format's version.
const MAGIC: &[u8; 8] = b"quire\x00b5";
/// Magic, payload length, checksum.
const HEADER: usize = 8 + 8 + 8;
/// About the most a book's cache folder holds, in bytes. A long book's set
/// lines are most of its cache (24 bytes a glyph: 30 MB of Moby-Dick's 39,
/// 125 MB of the O. Henry collection's 150); past this, the paragraphs
/// that do not fit are set again by the next build (from the words kept),
/// and the first build does not pay to write them.
pub const MAX_STORED: usize = 64 << 20;
/// Items per shard, about (a shard holds at most [`MAX_SHARDS`]th of a part).
const ITEMS_PER_SHARD: usize = 64;
const MAX_SHARDS: usize = 32;

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

/// The words' shards an index names, how many words they hold and the
/// bytes they count for against [`MAX_STORED`]: a build that shapes no word
/// they lack keeps the same shards, and names them again without listing
/// its words (5–8 ms of a second Moby-Dick process, at its end).
#[derive(Debug, Clone, Default)]
pub struct KeptWords {
    pub names: Vec<u64>,
    pub count: usize,
    size: usize,
}

/// The words a build kept, being decoded.
pub type WordsLater = std::thread::JoinHandle<Vec<LanguageWords>>;
/// A word shaped in one slot (face × features): slot, text, shaped word.
pub type SlotWord = (u32, Box<str>, Arc<Word>);
/// Words shaped for one language.
pub type LanguageWords = (String, Vec<SlotWord>);
/// A word as a shard holds it: language, slot, text, shaped word.
type StoredWord = (String, u32, Box<str>, Arc<Word>);
/// A [`StoredWord`] as it is written: read in place from a word table.
type BorrowedWord<'a> = (&'a str, u32, &'a str, &'a Arc<Word>);

/// What one build kept for the next process.
#[derive(Debug, Default)]
pub struct Remembered {
    /// The key of the font files the words were shaped in.
    pub fonts_key: u64,
    /// The words: decoded on a thread of their own when layout will set
    /// paragraphs the cache could not hold; otherwise left in their shards
    /// until [`Remembered::words`] asks for them (a build that takes every
    /// paragraph whole does not).
    words: KeptWordsState,
    /// The key of the fonts and settings the paragraphs were set with.
    pub layout_key: u64,
    pub paragraphs: Vec<(u64, Arc<[Line]>)>,
    /// Every paragraph of the build before was kept (none past the bound).
    pub paragraphs_complete: bool,
    /// A shard the index names was missing or damaged: the cache is not
    /// to be trusted beyond what was read (the words are read, not carried).
    pub damaged: bool,
    /// The words' shards as the index named them.
    pub kept_words: KeptWords,
    /// The PDF's compressed page streams, and its other streams deflated.
    pub pdf_pages: Vec<(u64, Blob)>,
    pub pdf_other: Vec<(u64, Blob)>,
    /// The EPUB's deflated documents, by archive path and text hash.
    pub epub: Vec<((String, u64), Blob)>,
}

/// Where the last build's words are, for [`Remembered::words`].
#[derive(Debug, Default)]
enum KeptWordsState {
    /// None were kept, or they were taken.
    #[default]
    None,
    /// Being decoded on their own thread.
    Decoding(WordsLater),
    /// Still in these shards.
    Shelved(DiskCache, Vec<(Part, u64)>),
}

/// What one core read of the shards, before the words are sorted by language.
#[derive(Default)]
struct Recalled {
    /// A shard was missing or damaged.
    damaged: bool,
    paragraphs: Vec<(u64, Arc<[Line]>)>,
    pdf_pages: Vec<(u64, Blob)>,
    pdf_other: Vec<(u64, Blob)>,
    epub: Vec<((String, u64), Blob)>,
}

/// The parts of the cache, each stored in shards of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
enum Part {
    Words,
    Paragraphs,
    PdfPages,
    PdfOther,
    Epub,
    /// The words a build that carried the kept words' shards shaped itself.
    RecentWords,
}

/// The index of the last build's shards: the keys its parts were made
/// under, and each shard's name (a hash of its part, that key and its
/// items' keys: the same items make the same shard, never written twice).
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Index {
    fonts_key: u64,
    layout_key: u64,
    /// Every paragraph of the build was kept (none past [`MAX_STORED`]).
    paragraphs_complete: bool,
    /// The words the kept words' shards hold, and the bytes they count for.
    words: (u64, u64),
    /// The same for the shards of the words a build shaped beside the kept
    /// ones it carried (not carried again: the next build keeps its own).
    recent_words: (u64, u64),
    shards: Vec<(Part, u64)>,
}

impl Index {
    /// The names of the shards that hold the kept words, and of those that
    /// hold the words a build shaped beside them (for tests).
    pub fn word_shards(&self) -> (Vec<u64>, Vec<u64>) {
        let named = |wanted: Part| {
            self.shards
                .iter()
                .filter(|(part, _)| *part == wanted)
                .map(|&(_, name)| name)
                .collect()
        };
        (named(Part::Words), named(Part::RecentWords))
    }

    /// How many words the kept words' shards hold, and the recent ones' (for tests).
    pub fn word_counts(&self) -> (u64, u64) {
        (self.words.0, self.recent_words.0)
    }
}

/// A checksum of the payload: FxHash, fixed by the locked `rustc-hash`.
fn checksum(payload: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut hasher = rustc_hash::FxHasher::default();
    hasher.write(payload);
    hasher.finish()
}

/// A key's hash, to name the shards (FxHash, stable across processes).
fn key_hash(key: &impl std::hash::Hash) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(key)
}

/// The payload of an entry's bytes, when they are a whole entry: the
/// magic word, the payload's length and its checksum all agree.
fn payload(bytes: &[u8]) -> Option<&[u8]> {
    let header = bytes.get(..HEADER)?;
    let (magic, rest) = header.split_at(8);
    let (length, sum) = rest.split_at(8);
    let length = u64::from_le_bytes(length.try_into().ok()?);
    let sum = u64::from_le_bytes(sum.try_into().ok()?);
    let payload = &bytes[HEADER..];
    (magic == MAGIC && payload.len() as u64 == length && checksum(payload) == sum)
        .then_some(payload)
}

/// Keeps `bytes` whole under `kind` and `key`, behind the header that
/// [`read_whole`] checks (a file made elsewhere, truncated or damaged
/// reads as none). For outputs kept as they are, such as the print cover.
pub fn write_whole(disk: &DiskCache, kind: &str, key: u64, bytes: &[u8]) {
    disk.write_parts(kind, key, EXTENSION, &[&header(bytes), bytes], 1);
}

/// What [`write_whole`] kept under `kind` and `key`, when it reads back whole.
pub fn read_whole(disk: &DiskCache, kind: &str, key: u64) -> Option<Vec<u8>> {
    let mut bytes = std::fs::read(disk.path(kind, key, EXTENSION)).ok()?;
    payload(&bytes)?;
    bytes.drain(..HEADER);
    Some(bytes)
}

/// The index's bytes read back; `None` when they are not a whole index.
pub fn decode(bytes: &[u8]) -> Option<Index> {
    postcard::from_bytes(payload(bytes)?).ok()
}

/// An entry's bytes: header and payload.
fn encode(value: &impl Serialize) -> Option<(Vec<u8>, Vec<u8>)> {
    let payload = postcard::to_allocvec(value).ok()?;
    Some((header(&payload), payload))
}

/// The header [`payload`] checks: the magic word, the payload's length and its checksum.
fn header(payload: &[u8]) -> Vec<u8> {
    let mut header = Vec::with_capacity(HEADER);
    header.extend_from_slice(MAGIC);
    header.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    header.extend_from_slice(&checksum(payload).to_le_bytes());
    header
}

/// The items of one shard; a shard that is missing or damaged is removed
/// (so the next save writes it again) and reads as none: its items are
/// made again by the build.
fn read_shard<T: serde::de::DeserializeOwned>(disk: &DiskCache, name: u64) -> Vec<T> {
    read_whole_shard(disk, name).unwrap_or_default()
}

/// [`read_shard`], saying when the shard was missing or damaged (`None`).
fn read_whole_shard<T: serde::de::DeserializeOwned>(disk: &DiskCache, name: u64) -> Option<Vec<T>> {
    let path = disk.path(SHARD, name, EXTENSION);
    let items = std::fs::read(&path)
        .ok()
        .and_then(|bytes| postcard::from_bytes(payload(&bytes)?).ok());
    if items.is_none() {
        let _ = std::fs::remove_file(&path);
    }
    items
}

/// A shard's items put in `into`; false when it was missing or damaged.
fn read_into<T: serde::de::DeserializeOwned>(
    disk: &DiskCache,
    name: u64,
    into: &mut Vec<T>,
) -> bool {
    read_whole_shard(disk, name)
        .map(|items| into.extend(items))
        .is_some()
}

/// Whether a shard reads back whole (its checksum, not its items); one
/// that does not is removed.
fn shard_is_whole(disk: &DiskCache, name: u64) -> bool {
    let path = disk.path(SHARD, name, EXTENSION);
    let whole = std::fs::read(&path).is_ok_and(|bytes| payload(&bytes).is_some());
    if !whole {
        let _ = std::fs::remove_file(&path);
    }
    whole
}

/// The last build's work in `disk`, when there is a whole index this code
/// wrote: every shard it names that reads back whole.
pub fn recall(disk: &DiskCache) -> Option<Remembered> {
    let bytes = std::fs::read(disk.path(KIND, 0, EXTENSION)).ok()?;
    let index = decode(&bytes)?;
    type Shards = Vec<(Part, u64)>;
    let (word_shards, others): (Shards, Shards) = index
        .shards
        .iter()
        .partition(|(part, _)| matches!(part, Part::Words | Part::RecentWords));
    // Layout needs the words at once when it sets paragraphs the cache does
    // not hold (past the bound); otherwise perhaps not at all.
    let early_words = (!index.paragraphs_complete)
        .then(|| spawn_words(disk, &word_shards))
        .flatten();
    let mut remembered = Remembered {
        fonts_key: index.fonts_key,
        layout_key: index.layout_key,
        paragraphs_complete: index.paragraphs_complete,
        kept_words: KeptWords {
            // The recent words' shard is not carried: the next build keeps its own.
            names: word_shards
                .iter()
                .filter(|(part, _)| *part == Part::Words)
                .map(|&(_, name)| name)
                .collect(),
            count: index.words.0 as usize,
            size: index.words.1 as usize,
        },
        ..Remembered::default()
    };
    // The shards are read and decoded on all cores (the book is parsed
    // meanwhile; the layout waits for them).
    let shares = crate::on_all_cores(&others, |share| {
        let mut read = Recalled::default();
        for &(part, name) in share {
            let whole = match part {
                Part::Words | Part::RecentWords => true,
                Part::Paragraphs => read_into(disk, name, &mut read.paragraphs),
                Part::PdfPages => read_into(disk, name, &mut read.pdf_pages),
                Part::PdfOther => read_into(disk, name, &mut read.pdf_other),
                Part::Epub => read_into(disk, name, &mut read.epub),
            };
            read.damaged |= !whole;
        }
        read
    });
    remembered.words = match early_words {
        Some(words) => KeptWordsState::Decoding(words),
        None if !word_shards.is_empty() => KeptWordsState::Shelved(disk.clone(), word_shards),
        None => KeptWordsState::None,
    };
    for read in shares {
        remembered.damaged |= read.damaged;
        remembered.paragraphs.extend(read.paragraphs);
        remembered.pdf_pages.extend(read.pdf_pages);
        remembered.pdf_other.extend(read.pdf_other);
        remembered.epub.extend(read.epub);
    }
    Some(remembered)
}

impl Remembered {
    /// The words being decoded, or their decoding begun now.
    pub fn words(&mut self) -> Option<WordsLater> {
        match std::mem::take(&mut self.words) {
            KeptWordsState::None => None,
            KeptWordsState::Decoding(words) => Some(words),
            KeptWordsState::Shelved(disk, shards) => spawn_words(&disk, &shards),
        }
    }
}

/// The words of `shards` decoded on a thread of their own (none when there are none).
fn spawn_words(disk: &DiskCache, shards: &[(Part, u64)]) -> Option<WordsLater> {
    if shards.is_empty() {
        return None;
    }
    let (disk, shards) = (disk.clone(), shards.to_vec());
    std::thread::Builder::new()
        .spawn(move || recall_words(&disk, &shards))
        .ok()
}

/// The words of `shards`, by language.
fn recall_words(disk: &DiskCache, shards: &[(Part, u64)]) -> Vec<LanguageWords> {
    let mut by_language: std::collections::BTreeMap<String, Vec<SlotWord>> = Default::default();
    for &(_, name) in shards {
        for (language, slot, text, word) in read_shard::<StoredWord>(disk, name) {
            by_language
                .entry(language)
                .or_default()
                .push((slot, text, word));
        }
    }
    by_language.into_iter().collect()
}

/// The bytes a shaped word takes in a shard, about.
fn word_size(word: &Word) -> usize {
    32 + word.glyphs.len() * 24
}

/// The bytes a paragraph's set lines take in a shard, about.
fn lines_size(lines: &[Line]) -> usize {
    lines
        .iter()
        .map(|line| {
            48 + 4 * (line.spaces_em.len() + line.notes.len())
                + line
                    .runs
                    .iter()
                    .map(|run| 40 + run.glyphs.len() * 24 + run.text.as_str().len())
                    .sum::<usize>()
        })
        .sum()
}

/// The paragraphs, in the order of their keys, as far as they fit in
/// `room` bytes (the same book keeps the same ones).
fn within(mut paragraphs: Vec<(u64, Arc<[Line]>)>, room: usize) -> Vec<(u64, Arc<[Line]>)> {
    paragraphs.sort_unstable_by_key(|(key, _)| *key);
    let mut used = 0;
    let fitting = paragraphs
        .iter()
        .take_while(|(_, lines)| {
            used += lines_size(lines);
            used <= room
        })
        .count();
    paragraphs.truncate(fitting);
    paragraphs
}

/// Splits a part's items into shards by their keys' hashes, writes each
/// shard the folder does not hold yet, and returns the shards' names.
fn save_part<T: Serialize + Send + Sync>(
    disk: &DiskCache,
    part: Part,
    part_key: u64,
    items: Vec<(u64, T)>,
) -> Vec<(Part, u64)> {
    let count = (items.len() / ITEMS_PER_SHARD).clamp(1, MAX_SHARDS);
    let mut shards: Vec<Vec<(u64, T)>> = (0..count).map(|_| Vec::new()).collect();
    for (key, item) in items {
        shards[(key % count as u64) as usize].push((key, item));
    }
    shards.retain(|shard| !shard.is_empty());
    for shard in &mut shards {
        shard.sort_by_key(|(key, _)| *key);
    }
    // The shards are encoded on all cores: a first build's are most of its
    // cost, paid after its outputs are in place.
    crate::on_all_cores(&shards, |share| {
        // One buffer a core, grown once and reused: a megabyte a shard
        // encoded into fresh memory each time was most of the kernel's share
        // of the save (page faults) and of its copying (growth).
        let mut buffer: Vec<u8> = Vec::new();
        share
            .iter()
            .map(|shard| {
                let keys: Vec<u64> = shard.iter().map(|(key, _)| *key).collect();
                let name = key_hash(&(part as u8, part_key, keys));
                // The same keys make the same items under this code: already there.
                if !disk.path(SHARD, name, EXTENSION).exists() {
                    let items: Vec<&T> = shard.iter().map(|(_, item)| item).collect();
                    buffer.clear();
                    if let Ok(payload) = postcard::to_extend(&items, std::mem::take(&mut buffer)) {
                        let header = header(&payload);
                        disk.write_parts(SHARD, name, EXTENSION, &[&header, &payload], usize::MAX);
                        buffer = payload;
                    }
                }
                (part, name)
            })
            .collect::<Vec<_>>()
    })
    .into_iter()
    .flatten()
    .collect()
}

/// What a finished build leaves to keep: gathered on the build's thread
/// (shared references), encoded and written by [`Pending::save`] on another.
#[derive(Debug)]
pub struct Pending {
    pub disk: DiskCache,
    pub fonts_key: u64,
    /// Each language's table and the number of the build that used it.
    pub words: Vec<(String, Arc<WordTable>, u32)>,
    /// The words' shards of the build before, when this build's words are
    /// the same (its tables hold no word those shards lack).
    pub same_words: Option<KeptWords>,
    /// The words' shards of the build before, when this build did not read
    /// them (it took every paragraph whole): named again, beside a shard of
    /// the words this build shaped itself.
    pub carried_words: Option<KeptWords>,
    pub layout_key: u64,
    pub paragraphs: Option<Arc<crate::layout::paragraph::ParagraphCache>>,
    pub pdf: crate::pdf::KeptStreams,
    pub epub: Vec<crate::epub::DeflatedEntry>,
}

impl Pending {
    /// Writes the shards the folder lacks and the index, and removes the
    /// shards no index names any more. A failure leaves the cache as it was
    /// or without an index (the next build is then made from scratch).
    pub fn save(self) {
        let disk = &self.disk;
        // A shard found damaged when it was read is gone: written again.
        let same_words = self.same_words.filter(|same| {
            same.names
                .iter()
                .all(|&name| disk.path(SHARD, name, EXTENSION).exists())
        });
        // Shards carried unread are checked now (their checksums): a damaged
        // one is removed, and the words are written afresh by the next build
        // that reads them.
        let carried_words = self
            .carried_words
            .filter(|carried| carried.names.iter().all(|&name| shard_is_whole(disk, name)));
        // The tables are read in place, held until the words are written
        // (the same bytes as a `StoredWord`'s).
        let asked: Vec<(&str, crate::layout::shape::Asked)> = match same_words {
            Some(_) => Vec::new(),
            None => self
                .words
                .iter()
                .map(|(language, table, build)| (language.as_str(), table.asked_in(*build)))
                .collect(),
        };
        let words: Vec<(u64, BorrowedWord)> = asked
            .iter()
            .flat_map(|(language, asked)| {
                asked.words().map(move |(slot, text, word)| {
                    let key = key_hash(&(language, slot, &text));
                    (key, (*language, slot, text, word))
                })
            })
            .collect();
        let listed = (
            words.len(),
            words.iter().map(|(_, w)| word_size(w.3)).sum::<usize>(),
        );
        let (words_kept, recent_kept) = match (&same_words, &carried_words) {
            (Some(same), _) => ((same.count, same.size), (0, 0)),
            (None, Some(carried)) => ((carried.count, carried.size), listed),
            (None, None) => (listed, (0, 0)),
        };
        let (pdf_pages, pdf_other) = self.pdf;
        // The words, streams and documents first (the words are the costliest
        // to make again, byte for byte), then as many paragraphs as fit.
        let stored: usize = words_kept.1
            + recent_kept.1
            + pdf_pages.iter().map(|(_, b)| b.len()).sum::<usize>()
            + pdf_other.iter().map(|(_, b)| b.len()).sum::<usize>()
            + self.epub.iter().map(|(_, b)| b.len()).sum::<usize>();
        let all = self.paragraphs.map(|p| p.paragraphs()).unwrap_or_default();
        let count = all.len();
        let paragraphs = within(all, MAX_STORED.saturating_sub(stored));
        let paragraphs_complete = paragraphs.len() == count;
        let mut shards = match (same_words, carried_words) {
            (Some(same), _) => same.names.iter().map(|&name| (Part::Words, name)).collect(),
            (None, Some(carried)) => {
                let mut shards: Vec<(Part, u64)> = carried
                    .names
                    .iter()
                    .map(|&name| (Part::Words, name))
                    .collect();
                shards.extend(save_part(disk, Part::RecentWords, self.fonts_key, words));
                shards
            }
            (None, None) => save_part(disk, Part::Words, self.fonts_key, words),
        };
        shards.extend(save_part(
            disk,
            Part::Paragraphs,
            self.layout_key,
            paragraphs
                .into_iter()
                .map(|(key, lines)| (key, (key, lines)))
                .collect(),
        ));
        shards.extend(save_part(
            disk,
            Part::PdfPages,
            0,
            pdf_pages
                .into_iter()
                .map(|(key, b)| (key, (key, Blob(b))))
                .collect(),
        ));
        shards.extend(save_part(
            disk,
            Part::PdfOther,
            0,
            pdf_other
                .into_iter()
                .map(|(key, b)| (key, (key, Blob(Arc::new(b)))))
                .collect(),
        ));
        shards.extend(save_part(
            disk,
            Part::Epub,
            0,
            self.epub
                .into_iter()
                .map(|(key, b)| (key_hash(&key), (key, Blob(b))))
                .collect(),
        ));
        let names: std::collections::HashSet<std::path::PathBuf> = shards
            .iter()
            .map(|(_, name)| disk.path(SHARD, *name, EXTENSION))
            .collect();
        let index = Index {
            fonts_key: self.fonts_key,
            layout_key: self.layout_key,
            paragraphs_complete,
            words: (words_kept.0 as u64, words_kept.1 as u64),
            recent_words: (recent_kept.0 as u64, recent_kept.1 as u64),
            shards,
        };
        if let Some((header, payload)) = encode(&index) {
            disk.write_parts(KIND, 0, EXTENSION, &[&header, &payload], 1);
        }
        // Only the shards of this build stay: the folder follows the book.
        disk.remove_unlisted(&format!("{SHARD}-"), &names);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_index_reads_back_and_a_damaged_one_is_refused() {
        let index = Index {
            fonts_key: 7,
            layout_key: 9,
            paragraphs_complete: true,
            words: (3, 99),
            recent_words: (1, 9),
            shards: vec![(Part::Paragraphs, 3), (Part::Epub, 5)],
        };
        let (header, payload) = encode(&index).unwrap();
        let bytes = [header, payload].concat();
        let back = decode(&bytes).unwrap();
        assert_eq!((back.fonts_key, back.layout_key), (7, 9));
        assert_eq!(back.shards, index.shards);
        // Truncated, garbled, empty, foreign: refused, never read wrong.
        assert!(decode(&bytes[..bytes.len() - 1]).is_none());
        let mut garbled = bytes.clone();
        let last = garbled.len() - 2;
        garbled[last] ^= 0x20;
        assert!(decode(&garbled).is_none());
        assert!(decode(&[]).is_none());
        assert!(decode(b"%PDF-1.7 and more than a header's worth").is_none());
    }

    #[test]
    fn a_whole_entry_reads_back_and_a_damaged_one_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let disk = DiskCache::new(dir.path());
        let bytes = b"%PDF-1.7 a cover's bytes %%EOF".to_vec();
        write_whole(&disk, "print-cover", 5, &bytes);
        assert_eq!(read_whole(&disk, "print-cover", 5), Some(bytes.clone()));
        assert_eq!(read_whole(&disk, "print-cover", 6), None);
        let path = disk.path("print-cover", 5, EXTENSION);
        let mut damaged = std::fs::read(&path).unwrap();
        let last = damaged.len() - 3;
        damaged[last] ^= 1;
        std::fs::write(&path, &damaged).unwrap();
        assert_eq!(read_whole(&disk, "print-cover", 5), None);
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(read_whole(&disk, "print-cover", 5), None, "no header");
    }

    #[test]
    fn paragraphs_past_the_bound_are_not_kept() {
        let line = |glyphs: usize| {
            let mut run = crate::layout::paragraph::LineRun {
                style: crate::fonts::Style::Regular,
                size: crate::model::Pt(10.0),
                rise: crate::model::Pt::ZERO,
                strike: false,
                hidden: false,
                x: crate::model::Pt::ZERO,
                glyphs: Default::default(),
                text: Default::default(),
                role: Default::default(),
                slant: false,
            };
            for _ in 0..glyphs {
                run.glyphs.push(crate::layout::frame::PlacedGlyph {
                    id: 1,
                    x: crate::model::Pt::ZERO,
                    advance: crate::model::Pt::ZERO,
                    text_start: 0,
                    text_len: 0,
                });
            }
            let mut line = Line::empty();
            line.runs.push(run);
            line
        };
        let paragraphs: Vec<(u64, Arc<[Line]>)> = (0..10u64)
            .rev()
            .map(|key| (key, Arc::from(vec![line(100)])))
            .collect();
        let one = lines_size(&paragraphs[0].1);
        assert!(one >= 100 * 24);
        let kept = within(paragraphs.clone(), one * 3 + 1);
        assert_eq!(kept.iter().map(|(k, _)| *k).collect::<Vec<_>>(), [0, 1, 2]);
        assert_eq!(within(paragraphs.clone(), usize::MAX).len(), 10);
        assert!(within(paragraphs, 0).is_empty());
    }

    #[test]
    fn shards_are_written_once_and_a_damaged_one_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let disk = DiskCache::new(dir.path());
        let items = |n: u64| {
            (0..n)
                .map(|k| (k, (k, Blob(Arc::new(vec![k as u8; 3])))))
                .collect()
        };
        let names = save_part(&disk, Part::PdfPages, 0, items(200));
        assert_eq!(names.len(), 200 / ITEMS_PER_SHARD);
        let path = disk.path(SHARD, names[0].1, EXTENSION);
        let written = std::fs::metadata(&path).unwrap().modified().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert_eq!(save_part(&disk, Part::PdfPages, 0, items(200)), names);
        assert_eq!(
            std::fs::metadata(&path).unwrap().modified().unwrap(),
            written
        );
        let back: Vec<(u64, Blob)> = read_shard(&disk, names[0].1);
        assert!(!back.is_empty() && back.iter().all(|(k, b)| *b.0 == vec![*k as u8; 3]));
        std::fs::write(&path, b"damaged").unwrap();
        assert!(read_shard::<(u64, Blob)>(&disk, names[0].1).is_empty());
        assert!(
            !path.exists(),
            "the damaged shard is removed, to be written again"
        );
    }
}
