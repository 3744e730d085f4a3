//! Writing the PDF's objects out, in compressed object streams with a
//! cross-reference stream (PDF 1.5), byte for byte as lopdf's
//! `save_with_options` writes them, but quicker: lopdf clones every object,
//! serializes each three times and deflates its object streams one after
//! another on one core, which was a fifth of a rebuild of a long book.
//! Here each object is serialized once, the object streams are made on all
//! cores, and a stream whose bytes a write before deflated is taken as it was.

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::io::{self, Write};

use flate2::Compression;
use flate2::write::ZlibEncoder;
use lopdf::{Dictionary, Document, Object, ObjectStream, Stream, StringFormat};

/// Objects in one object stream (lopdf's `max_objects_per_stream`).
const OBJECTS_PER_STREAM: usize = 500;

/// The deflated object streams, by a hash of their bytes: what the write
/// before made (`earlier`, taken from) and what this write made (`kept`).
pub struct Packed<'a> {
    pub earlier: &'a HashMap<u64, Vec<u8>>,
    pub kept: &'a mut HashMap<u64, Vec<u8>>,
}

/// Objects serialized before the document is written, in ascending
/// number, each as it would be written in an object stream: the structure
/// tree's elements, which as lopdf dictionaries (a map and an allocation for
/// every key and name) held 33 MB at the end of the O. Henry collection's
/// write, against 4 MB of bytes.
///
/// Also the page streams' contents, which the document's streams stand in
/// for with their dictionaries alone: the contents are written from the
/// cache's bytes, not from a copy in lopdf's objects.
#[derive(Default)]
pub struct Prewritten {
    bytes: Vec<u8>,
    /// Each object's number and where its bytes end.
    ends: Vec<(u32, usize)>,
    /// Streams' contents, by the stream's id, ascending.
    contents: Vec<(lopdf::ObjectId, std::sync::Arc<Vec<u8>>)>,
}

impl Prewritten {
    /// The content of the stream `id`, which the document holds empty (its
    /// dictionary's `/Length` already this content's); ids ascending.
    pub fn content(&mut self, id: lopdf::ObjectId, content: std::sync::Arc<Vec<u8>>) {
        debug_assert!(self.contents.last().is_none_or(|(last, _)| *last < id));
        self.contents.push((id, content));
    }

    /// Adds `object` as number `id`, which must be above the last added and
    /// be an object an object stream may hold (not a stream, generation 0).
    pub fn push(&mut self, id: lopdf::ObjectId, object: &Object) {
        debug_assert!(id.1 == 0 && !matches!(object, Object::Stream(_)));
        debug_assert!(self.ends.last().is_none_or(|&(last, _)| last < id.0));
        write_object(&mut self.bytes, object);
        self.ends.push((id.0, self.bytes.len()));
    }

    fn objects(&self) -> impl Iterator<Item = (u32, &[u8])> {
        let starts = std::iter::once(0).chain(self.ends.iter().map(|&(_, end)| end));
        self.ends
            .iter()
            .zip(starts)
            .map(|(&(id, end), start)| (id, &self.bytes[start..end]))
    }
}

/// An object of an object stream: lopdf's, or written before.
#[derive(Clone, Copy)]
enum Packable<'a> {
    Object(&'a Object),
    Written(&'a [u8]),
}

/// The document's bytes: the objects that cannot go in an object stream
/// (streams) first, then the object streams (with `prewritten`'s objects
/// among the document's, by number), then the cross-reference stream, as
/// lopdf writes them.
pub fn with_object_streams(
    doc: &mut Document,
    prewritten: &Prewritten,
    packed: Packed,
) -> io::Result<Vec<u8>> {
    if doc.version.as_str() < "1.5" {
        doc.version = "1.5".to_string();
    }
    let mut direct = Vec::new();
    let mut compressible = Vec::with_capacity(doc.objects.len() + prewritten.ends.len());
    let mut written = prewritten.objects().peekable();
    for (&id, object) in &doc.objects {
        if let Object::Stream(stream) = object
            && stream.dict.has_type(b"ObjStm")
        {
            continue;
        }
        if id.1 == 0 && ObjectStream::can_be_compressed(id, object, doc) {
            while let Some((number, bytes)) = written.next_if(|&(number, _)| number < id.0) {
                compressible.push((number, Packable::Written(bytes)));
            }
            compressible.push((id.0, Packable::Object(object)));
        } else {
            direct.push((id, object));
        }
    }
    compressible.extend(written.map(|(number, bytes)| (number, Packable::Written(bytes))));
    let groups: Vec<&[(u32, Packable)]> = compressible.chunks(OBJECTS_PER_STREAM).collect();
    let earlier = packed.earlier;
    let (mut out, mut entries, streams) = std::thread::scope(|scope| {
        let made = scope.spawn(|| {
            crate::on_all_cores(&groups, |share| {
                share
                    .iter()
                    .map(|group| object_stream(group, earlier))
                    .collect::<io::Result<Vec<_>>>()
            })
        });
        // Room for the whole file at once (the page streams are most of it):
        // grown by doubling, a long book's held its old and new bytes at the
        // write's peak.
        let room: usize = direct
            .iter()
            .map(|(_, object)| match object {
                Object::Stream(stream) => stream.content.len() + 64,
                _ => 64,
            })
            .sum::<usize>()
            + prewritten
                .contents
                .iter()
                .map(|(_, c)| c.len())
                .sum::<usize>();
        let mut out = Vec::with_capacity(room + compressible.len() * 16 + 4096);
        let mut entries = Vec::with_capacity(doc.objects.len() + groups.len() + 1);
        writeln!(out, "%PDF-{}", doc.version)?;
        if doc.binary_mark.iter().any(|&byte| byte < 128) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "Invalid binary mark",
            ));
        }
        out.push(b'%');
        out.extend_from_slice(&doc.binary_mark);
        out.push(b'\n');
        let mut contents = prewritten.contents.iter().peekable();
        for (id, object) in direct {
            entries.push((id.0, Entry::Normal(out.len() as u32, id.1)));
            while contents.next_if(|(number, _)| *number < id).is_some() {}
            match (object, contents.next_if(|(number, _)| *number == id)) {
                (Object::Stream(stream), Some((_, content))) => {
                    indirect_stream(&mut out, id, &stream.dict, content)?;
                }
                _ => indirect_object(&mut out, id, object)?,
            }
        }
        let streams = made
            .join()
            .map_err(|_| io::Error::other("a worker packing the PDF's objects failed"))?;
        Ok::<_, io::Error>((out, entries, streams))
    })?;
    let streams = streams
        .into_iter()
        .collect::<io::Result<Vec<_>>>()?
        .into_iter()
        .flatten();
    let mut stream_id = doc.max_id + 1;
    for (group, (key, stream)) in groups.iter().zip(streams) {
        for (index, (id, _)) in group.iter().enumerate() {
            entries.push((*id, Entry::Compressed(stream_id, index as u16)));
        }
        entries.push((stream_id, Entry::Normal(out.len() as u32, 0)));
        packed.kept.insert(key, stream.content.clone());
        indirect_object(&mut out, (stream_id, 0), &Object::Stream(stream))?;
        stream_id += 1;
    }
    let xref_id = stream_id;
    let xref_start = out.len();
    entries.push((xref_id, Entry::Normal(xref_start as u32, 0)));
    entries.sort_unstable_by_key(|(id, _)| *id);
    let (content, index) = cross_reference_stream(&entries);
    let mut trailer = doc.trailer.clone();
    trailer.set("Type", Object::Name(b"XRef".to_vec()));
    trailer.set("Size", i64::from(xref_id + 1));
    trailer.set(
        "W",
        Object::Array(vec![
            Object::Integer(1),
            Object::Integer(4),
            Object::Integer(2),
        ]),
    );
    trailer.set("Index", index);
    trailer.remove(b"Filter");
    trailer.set("Length", content.len() as i64);
    let xref = Object::Stream(Stream::new(trailer, content));
    indirect_object(&mut out, (xref_id, 0), &xref)?;
    write!(out, "\nstartxref\n{xref_start}\n%%EOF")?;
    doc.max_id = xref_id;
    Ok(out)
}

/// Where an object is, in the cross-reference stream.
#[derive(Clone, Copy)]
enum Entry {
    /// At this byte offset, with this generation.
    Normal(u32, u16),
    /// In this object stream, at this index.
    Compressed(u32, u16),
}

/// One object stream of `group` (sorted by number): its bytes' hash and the
/// stream, deflated at lopdf's fast level or taken from `earlier`.
fn object_stream(
    group: &[(u32, Packable)],
    earlier: &HashMap<u64, Vec<u8>>,
) -> io::Result<(u64, Stream)> {
    let mut offsets = Vec::with_capacity(group.len() * 12);
    let mut body = Vec::with_capacity(group.len() * 64);
    for (i, (id, object)) in group.iter().enumerate() {
        if i > 0 {
            offsets.push(b' ');
        }
        write!(offsets, "{id} {}", body.len())?;
        match object {
            Packable::Object(object) => write_object(&mut body, object),
            Packable::Written(bytes) => body.extend_from_slice(bytes),
        }
        body.push(b' ');
    }
    offsets.push(b' ');
    let first = offsets.len();
    offsets.extend_from_slice(&body);
    let content = offsets;
    // Tagged: the map also holds other streams, deflated at another level.
    let key = rustc_hash::FxBuildHasher.hash_one((b"ObjStm", &content));
    let compressed = match earlier.get(&key) {
        Some(bytes) => bytes.clone(),
        None => {
            let mut encoder =
                ZlibEncoder::new(Vec::with_capacity(content.len() / 4), Compression::fast());
            encoder.write_all(&content)?;
            encoder.finish()?
        }
    };
    let mut dict = Dictionary::new();
    dict.set("Type", Object::Name(b"ObjStm".to_vec()));
    dict.set("N", group.len() as i64);
    dict.set("First", first as i64);
    let mut stream = Stream::new(dict, Vec::new());
    stream
        .dict
        .set("Filter", Object::Name(b"FlateDecode".to_vec()));
    stream.set_content(compressed);
    Ok((key, stream))
}

/// `id gen obj`, the object, `endobj`, with lopdf's spacing.
fn indirect_object(out: &mut Vec<u8>, id: (u32, u16), object: &Object) -> io::Result<()> {
    use Object::*;
    if let Stream(stream) = object {
        return indirect_stream(out, id, &stream.dict, &stream.content);
    }
    let separate = matches!(
        object,
        Null | Boolean(_) | Integer(_) | Real(_) | Reference(_)
    );
    let separate_end = separate || matches!(object, Name(_));
    writeln!(out, "{} {} obj", id.0, id.1)?;
    if separate {
        out.push(b' ');
    }
    write_object(out, object);
    if separate_end {
        out.push(b' ');
    }
    out.extend_from_slice(b"\nendobj\n");
    Ok(())
}

/// A stream as an indirect object, its `content` given apart from its
/// dictionary (a page stream's comes from the cache), with lopdf's spacing.
fn indirect_stream(
    out: &mut Vec<u8>,
    id: (u32, u16),
    dict: &Dictionary,
    content: &[u8],
) -> io::Result<()> {
    writeln!(out, "{} {} obj", id.0, id.1)?;
    write_stream(out, dict, content);
    out.extend_from_slice(b" \nendobj\n");
    Ok(())
}

/// The cross-reference stream's bytes (`W [1 4 2]`) and its `Index`: one
/// subsection per run of consecutive object numbers from 1.
fn cross_reference_stream(entries: &[(u32, Entry)]) -> (Vec<u8>, Object) {
    let mut content = Vec::with_capacity(entries.len() * 7);
    let mut index = Vec::new();
    let mut run: Option<(u32, u32)> = None;
    for &(id, entry) in entries {
        if id == 0 {
            continue;
        }
        run = match run {
            Some((start, len)) if start + len == id => Some((start, len + 1)),
            Some((start, len)) => {
                index.push(Object::Integer(i64::from(start)));
                index.push(Object::Integer(i64::from(len)));
                Some((id, 1))
            }
            None => Some((id, 1)),
        };
        let (kind, field, generation) = match entry {
            Entry::Normal(offset, generation) => (1u8, offset, generation),
            Entry::Compressed(container, index) => (2u8, container, index),
        };
        content.push(kind);
        content.extend_from_slice(&field.to_be_bytes());
        content.extend_from_slice(&generation.to_be_bytes());
    }
    if let Some((start, len)) = run {
        index.push(Object::Integer(i64::from(start)));
        index.push(Object::Integer(i64::from(len)));
    }
    (content, Object::Array(index))
}

/// An object's bytes as lopdf's `Writer::write_object` writes them (which
/// lopdf does not export).
fn write_object(out: &mut Vec<u8>, object: &Object) {
    match object {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Boolean(true) => out.extend_from_slice(b"true"),
        Object::Boolean(false) => out.extend_from_slice(b"false"),
        Object::Integer(value) => {
            let _ = write!(out, "{value}");
        }
        Object::Real(value) => {
            let _ = write!(out, "{value}");
        }
        Object::Name(name) => write_name(out, name),
        Object::String(text, format) => write_string(out, text, *format),
        Object::Array(array) => {
            out.push(b'[');
            for (i, item) in array.iter().enumerate() {
                if i > 0 && needs_separator(item) {
                    out.push(b' ');
                }
                write_object(out, item);
            }
            out.push(b']');
        }
        Object::Dictionary(dict) => write_dictionary(out, dict),
        Object::Stream(stream) => write_stream(out, &stream.dict, &stream.content),
        Object::Reference((id, generation)) => {
            let _ = write!(out, "{id} {generation} R");
        }
    }
}

fn write_stream(out: &mut Vec<u8>, dict: &Dictionary, content: &[u8]) {
    write_dictionary(out, dict);
    out.extend_from_slice(b"stream\n");
    out.extend_from_slice(content);
    out.extend_from_slice(b"\nendstream");
}

/// Whether lopdf puts a space before the object (after a key or an item).
fn needs_separator(object: &Object) -> bool {
    matches!(
        object,
        Object::Null
            | Object::Boolean(_)
            | Object::Integer(_)
            | Object::Real(_)
            | Object::Reference(_)
    )
}

fn write_dictionary(out: &mut Vec<u8>, dict: &Dictionary) {
    out.extend_from_slice(b"<<");
    for (key, value) in dict {
        write_name(out, key);
        if needs_separator(value) {
            out.push(b' ');
        }
        write_object(out, value);
    }
    out.extend_from_slice(b">>");
}

/// A name, white space, delimiters and bytes outside `!`..`~` as `#XX`.
fn write_name(out: &mut Vec<u8>, name: &[u8]) {
    out.push(b'/');
    for &byte in name {
        if b" \t\n\r\x0C()<>[]{}/%#".contains(&byte) || !(33..=126).contains(&byte) {
            let _ = write!(out, "#{byte:02X}");
        } else {
            out.push(byte);
        }
    }
}

/// A string: literal with backslashes, carriage returns and unbalanced
/// parentheses escaped, or hexadecimal in capitals.
fn write_string(out: &mut Vec<u8>, text: &[u8], format: StringFormat) {
    match format {
        StringFormat::Literal => {
            let mut escaped = Vec::new();
            let mut open = Vec::new();
            for (index, &byte) in text.iter().enumerate() {
                match byte {
                    b'(' => open.push(index),
                    b')' if open.pop().is_none() => escaped.push(index),
                    b'\\' | b'\r' => escaped.push(index),
                    _ => {}
                }
            }
            escaped.append(&mut open);
            out.push(b'(');
            if escaped.is_empty() {
                out.extend_from_slice(text);
            } else {
                for (index, &byte) in text.iter().enumerate() {
                    if escaped.contains(&index) {
                        out.push(b'\\');
                        out.push(if byte == b'\r' { b'r' } else { byte });
                    } else {
                        out.push(byte);
                    }
                }
            }
            out.push(b')');
        }
        StringFormat::Hexadecimal => {
            out.push(b'<');
            for &byte in text {
                let _ = write!(out, "{byte:02X}");
            }
            out.push(b'>');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A document with every kind of object lopdf writes, odd names and
    /// strings, streams, a gap in the numbers, a generation above 0 and more
    /// objects than one object stream holds.
    fn sample() -> Document {
        let mut doc = Document::with_version("1.4");
        let mut id = 0;
        let mut add = |doc: &mut Document, object: Object| {
            id += 1;
            doc.objects.insert((id, 0), object);
            id
        };
        let mut catalog = Dictionary::new();
        catalog.set("Type", Object::Name(b"Catalog".to_vec()));
        catalog.set("Pages", Object::Reference((2, 0)));
        add(&mut doc, Object::Dictionary(catalog));
        for n in 0..1_234 {
            let mut dict = Dictionary::new();
            dict.set("S", Object::Name(b"P#a (b)/c\xe9".to_vec()));
            dict.set("K", Object::Integer(n));
            dict.set("X", Object::Real(n as f32 / 7.0));
            dict.set("N", Object::Null);
            dict.set("B", Object::Boolean(n % 2 == 0));
            dict.set(
                "T",
                Object::String(b"a (b) c) \\ d\r(e".to_vec(), StringFormat::Literal),
            );
            dict.set(
                "A",
                Object::String(vec![0xfe, 0xff, 0, b'x'], StringFormat::Hexadecimal),
            );
            dict.set(
                "Kids",
                Object::Array(vec![
                    Object::Reference((1, 0)),
                    Object::Integer(-3),
                    Object::Name(b"n".to_vec()),
                    Object::Array(vec![Object::Real(0.5), Object::Null]),
                    Object::Dictionary(Dictionary::new()),
                ]),
            );
            add(&mut doc, Object::Dictionary(dict));
            if n % 300 == 0 {
                let mut dict = Dictionary::new();
                dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
                add(
                    &mut doc,
                    Object::Stream(Stream::new(dict, vec![n as u8; 40])),
                );
                add(&mut doc, Object::Integer(n));
                add(&mut doc, Object::Name(b"Bare".to_vec()));
            }
        }
        doc.objects.insert((id + 5, 0), Object::Reference((1, 0)));
        doc.objects.insert((id + 6, 2), Object::Integer(7));
        doc.max_id = id + 6;
        doc.trailer.set("Root", Object::Reference((1, 0)));
        doc
    }

    fn lopdf_bytes(mut doc: Document) -> Vec<u8> {
        let options = lopdf::SaveOptions::builder()
            .use_object_streams(true)
            .use_xref_streams(true)
            .max_objects_per_stream(OBJECTS_PER_STREAM)
            .compression_level(1)
            .build();
        let mut bytes = Vec::new();
        doc.save_with_options(&mut bytes, options).unwrap();
        bytes
    }

    #[test]
    fn writes_the_bytes_lopdf_writes() {
        let expected = lopdf_bytes(sample());
        let (earlier, mut kept) = (HashMap::new(), HashMap::new());
        let packed = Packed {
            earlier: &earlier,
            kept: &mut kept,
        };
        let ours = with_object_streams(&mut sample(), &Prewritten::default(), packed).unwrap();
        assert_eq!(kept.len(), 3, "1,241 small objects make three streams");
        assert!(ours == expected, "the bytes differ from lopdf's");
        let parsed = Document::load_mem(&ours).unwrap();
        for (id, object) in &sample().objects {
            let read = parsed.objects.get(id).expect("every object is read back");
            if let Object::Dictionary(dict) = object {
                assert_eq!(read.as_dict().unwrap().get(b"K").ok(), dict.get(b"K").ok());
            }
        }
    }

    #[test]
    fn objects_and_contents_written_before_take_their_places_by_number() {
        let expected = lopdf_bytes(sample());
        // Every third dictionary moved out of the
        // document and written before it.
        let mut doc = sample();
        let mut prewritten = Prewritten::default();
        let moved: Vec<lopdf::ObjectId> = doc
            .objects
            .iter()
            .filter(|(id, object)| id.1 == 0 && matches!(object, Object::Dictionary(_)))
            .map(|(id, _)| *id)
            .enumerate()
            .filter(|(n, _)| n % 3 == 1)
            .map(|(_, id)| id)
            .collect();
        assert!(moved.len() > 400);
        for id in moved {
            let object = doc.objects.remove(&id).unwrap();
            prewritten.push(id, &object);
        }
        // And every stream's content, its dictionary left in the document.
        for (&id, object) in doc.objects.iter_mut() {
            if let Object::Stream(stream) = object {
                let content = std::mem::take(&mut stream.content);
                prewritten.content(id, std::sync::Arc::new(content));
            }
        }
        assert!(prewritten.contents.len() >= 4);
        let (earlier, mut kept) = (HashMap::new(), HashMap::new());
        let packed = Packed {
            earlier: &earlier,
            kept: &mut kept,
        };
        let ours = with_object_streams(&mut doc, &prewritten, packed).unwrap();
        assert!(ours == expected, "the bytes differ from lopdf's");
    }

    #[test]
    fn a_stream_deflated_before_is_taken_as_it_was() {
        let (earlier, mut kept) = (HashMap::new(), HashMap::new());
        let packed = Packed {
            earlier: &earlier,
            kept: &mut kept,
        };
        let first = with_object_streams(&mut sample(), &Prewritten::default(), packed).unwrap();
        // Marked, so that the test sees which bytes were used.
        let earlier: HashMap<u64, Vec<u8>> = kept
            .into_iter()
            .map(|(key, mut bytes)| {
                bytes.push(b'!');
                (key, bytes)
            })
            .collect();
        let mut kept = HashMap::new();
        let packed = Packed {
            earlier: &earlier,
            kept: &mut kept,
        };
        let second = with_object_streams(&mut sample(), &Prewritten::default(), packed).unwrap();
        assert_eq!(second.len(), first.len() + 3);
        assert!(kept.values().all(|bytes| bytes.ends_with(b"!")));
    }
}
