//! `quire import FILE`: a Word manuscript (.docx) or an EPUB made into a
//! quire book folder.

pub mod markdown;
pub mod tree;
