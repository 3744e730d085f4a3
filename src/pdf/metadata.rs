//! The PDF's document information (title, author, subject, keywords naming
//! the illustrator and other contributors, dates from the book) and a
//! reproducible file identifier.

use printpdf::PdfDocument;

use crate::model::Book;

pub fn set_info(doc: &mut PdfDocument, book: &Book, kind: super::Document) {
    let meta = &book.meta;
    let info = &mut doc.metadata.info;
    info.document_title = match kind {
        super::Document::Interior => meta.full_title(),
        super::Document::Cover => format!("{} (cover)", meta.full_title()),
    };
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
/// build in the same process would differ: derive both ids from the book's
/// print identifier instead.
pub fn set_file_id(doc: &mut lopdf::Document, book: &Book, kind: super::Document) {
    let id = stable_id(&format!("{}{kind:?}", book.meta.print_identifier));
    let string = || lopdf::Object::String(id.clone(), lopdf::StringFormat::Literal);
    doc.trailer
        .set("ID", lopdf::Object::Array(vec![string(), string()]));
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
