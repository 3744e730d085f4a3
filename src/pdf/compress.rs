//! Deflating the PDF's streams (page contents, fonts, images) on all cores at
//! a fast level: printpdf's own option compresses one stream at a time at
//! the slowest level, which doubled the save time of a long book.

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::io::Write;

use flate2::Compression;
use flate2::write::ZlibEncoder;
use lopdf::{Object, Stream};

/// Compresses every stream that allows it and has no filter yet, taking
/// each from `earlier` (by a hash of its bytes) when a write before made it,
/// and putting this write's in `kept`.
pub fn deflate_streams(
    doc: &mut lopdf::Document,
    earlier: &mut HashMap<u64, Vec<u8>>,
    kept: &mut HashMap<u64, Vec<u8>>,
) {
    let streams: Vec<&mut Stream> = doc
        .objects
        .values_mut()
        .filter_map(|object| match object {
            Object::Stream(stream)
                if stream.allows_compression && stream.dict.get(b"Filter").is_err() =>
            {
                Some(stream)
            }
            _ => None,
        })
        .collect();
    let keys: Vec<u64> = streams
        .iter()
        .map(|s| rustc_hash::FxBuildHasher.hash_one(&s.content))
        .collect();
    let mut fresh = Vec::new();
    for (stream, key) in streams.into_iter().zip(keys) {
        match earlier.remove(&key) {
            Some(compressed) => {
                set_compressed(stream, compressed.clone());
                kept.insert(key, compressed);
            }
            None => fresh.push((key, stream)),
        }
    }
    let workers = crate::workers();
    let chunk = fresh.len().div_ceil(workers).max(1);
    std::thread::scope(|scope| {
        for part in fresh.chunks_mut(chunk) {
            scope.spawn(move || {
                for (_, stream) in part {
                    deflate(stream);
                }
            });
        }
    });
    for (key, stream) in fresh {
        if stream.dict.get(b"Filter").is_ok() {
            kept.insert(key, stream.content.clone());
        }
    }
}

fn set_compressed(stream: &mut Stream, compressed: Vec<u8>) {
    stream.dict.set("Filter", "FlateDecode");
    stream.set_content(compressed);
}

fn deflate(stream: &mut Stream) {
    let mut encoder = ZlibEncoder::new(
        Vec::with_capacity(stream.content.len() / 3),
        Compression::new(4),
    );
    if encoder.write_all(&stream.content).is_err() {
        return;
    }
    let Ok(compressed) = encoder.finish() else {
        return;
    };
    if compressed.len() + 19 < stream.content.len() {
        set_compressed(stream, compressed);
    }
}

/// Deflates one stream's bytes at the same level (a page's content, which
/// is then placed with its filter already set).
pub fn deflate_bytes(raw: &[u8]) -> Vec<u8> {
    let mut encoder = ZlibEncoder::new(Vec::with_capacity(raw.len() / 3), Compression::new(4));
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(raw);
    encoder.finish().unwrap_or_default()
}
