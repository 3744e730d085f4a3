//! The PDF's document information (title, author, subject, keywords naming
//! the illustrator and other contributors, dates from the book) and a
//! reproducible file identifier.

use printpdf::PdfDocument;

use crate::model::Book;

pub fn set_info(doc: &mut PdfDocument, book: &Book) {
    let meta = &book.meta;
    let info = &mut doc.metadata.info;
    info.document_title = meta.full_title();
    info.author = meta.author_line();
    info.subject = meta
        .description
        .clone()
        .or_else(|| meta.subtitle.clone())
        .unwrap_or_default();
    let mut keywords: Vec<String> = meta.keywords.clone();
    for c in &meta.contributors {
        keywords.push(format!("{} {}", c.role.credit_prefix(), c.name));
    }
    info.keywords = keywords;
    info.creator = "quire".into();
    info.producer = format!("quire {}", env!("CARGO_PKG_VERSION"));
    info.identifier = meta.print_identifier.clone();
    if let Ok(date) = printpdf::OffsetDateTime::from_unix_timestamp(meta.modified_epoch) {
        info.creation_date = date;
        info.modification_date = date;
        info.metadata_date = date;
    }
}

/// printpdf draws the trailer's `/ID` from a process-wide counter, so a second
/// build in the same process would differ. Replace both ids, in place and with
/// the same length, by ones derived from the book's identifier.
pub fn fix_document_id(mut bytes: Vec<u8>, book: &Book) -> Vec<u8> {
    let Some(at) = find_last(&bytes, b"/ID") else {
        return bytes;
    };
    let id = stable_id(&book.meta.print_identifier);
    let mut i = at + 3;
    let mut replaced = 0;
    while i < bytes.len() && replaced < 2 {
        if bytes[i] == b'(' {
            let start = i + 1;
            let Some(len) = bytes[start..].iter().position(|&b| b == b')') else {
                break;
            };
            for (k, b) in bytes[start..start + len].iter_mut().enumerate() {
                *b = id[k % id.len()];
            }
            replaced += 1;
            i = start + len + 1;
        } else if bytes[i] == b']' {
            break;
        } else {
            i += 1;
        }
    }
    bytes
}

fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// 32 letters from a hash of the identifier (FNV-1a, stable across Rust versions).
fn stable_id(identifier: &str) -> Vec<u8> {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut out = Vec::with_capacity(32);
    for round in 0..32u64 {
        for b in identifier.bytes().chain(round.to_le_bytes()) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        out.push(b'A' + (hash % 26) as u8);
    }
    out
}
