//! The source file's archive (a .docx and an EPUB are both ZIP files):
//! entries read by name, with a cap on what one entry may unpack to, so a
//! damaged or hostile file is an error rather than the machine's memory.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use zip::ZipArchive;

use crate::diag::Diagnostic;

/// The most one entry may unpack to: far more than any book's text or
/// pictures, far less than a zip bomb.
const MAX_ENTRY: u64 = 256 * 1024 * 1024;
/// The most the whole archive may unpack to.
const MAX_TOTAL: u64 = 1024 * 1024 * 1024;

pub struct Archive<'a> {
    /// The source file's name, for messages (`book.docx`).
    pub name: String,
    zip: ZipArchive<Cursor<&'a [u8]>>,
    /// Entry names by their lower-case form, for names written in another case.
    folded: HashMap<String, String>,
    unpacked: u64,
}

impl<'a> Archive<'a> {
    pub fn open(name: &str, bytes: &'a [u8]) -> Result<Archive<'a>, Diagnostic> {
        let zip = ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
            Diagnostic::error(format!("{name} is not a ZIP archive ({e})")).with_hint(
                "quire imports a Word .docx or an EPUB; the file may be damaged or of another kind",
            )
        })?;
        let folded = zip
            .file_names()
            .map(|n| (n.to_lowercase(), n.to_string()))
            .collect();
        Ok(Archive {
            name: name.to_string(),
            zip,
            folded,
            unpacked: 0,
        })
    }

    /// The entry's real name: as written, or in another case (some tools
    /// write `Images/a.png` and link `images/a.png`).
    pub fn find(&self, path: &str) -> Option<String> {
        if self.zip.index_for_name(path).is_some() {
            return Some(path.to_string());
        }
        self.folded.get(&path.to_lowercase()).cloned()
    }

    pub fn has(&self, path: &str) -> bool {
        self.find(path).is_some()
    }

    /// An entry's bytes; `Ok(None)` when there is no such entry.
    pub fn bytes(&mut self, path: &str) -> Result<Option<Vec<u8>>, Diagnostic> {
        let Some(real) = self.find(path) else {
            return Ok(None);
        };
        let name = self.name.clone();
        let mut entry = self
            .zip
            .by_name(&real)
            .map_err(|e| damaged(&name, &real, &e))?;
        let mut out = Vec::with_capacity(entry.size().min(MAX_ENTRY) as usize);
        let read = (&mut entry)
            .take(MAX_ENTRY + 1)
            .read_to_end(&mut out)
            .map_err(|e| damaged(&name, &real, &e))?;
        self.unpacked += read as u64;
        if read as u64 > MAX_ENTRY || self.unpacked > MAX_TOTAL {
            return Err(Diagnostic::error(format!(
                "{name}: {real} unpacks to more than {} MB",
                MAX_ENTRY / (1024 * 1024)
            ))
            .with_hint(
                "the file is damaged or not a book; export it again from the program that made it",
            ));
        }
        Ok(Some(out))
    }

    /// An entry's text (UTF-8, or the UTF-16 an XML file may be saved in);
    /// `Ok(None)` when there is no such entry.
    pub fn text(&mut self, path: &str) -> Result<Option<String>, Diagnostic> {
        let Some(bytes) = self.bytes(path)? else {
            return Ok(None);
        };
        decode(&bytes)
            .map(Some)
            .ok_or_else(|| {
                Diagnostic::error(format!("{}: {path} is not text quire can read", self.name))
                    .with_hint("the file should be UTF-8 or UTF-16; export it again from the program that made it")
            })
    }

    pub fn names(&self) -> Vec<String> {
        self.zip.file_names().map(str::to_string).collect()
    }
}

fn damaged(name: &str, entry: &str, err: &dyn std::fmt::Display) -> Diagnostic {
    Diagnostic::error(format!("{name}: cannot read {entry} ({err})"))
        .with_hint("the file is damaged; export it again from the program that made it")
}

/// Text from bytes: UTF-8 (with or without a byte-order mark), UTF-16 with
/// its mark, or, as an XML declaration may say, Latin-1 or Windows-1252.
pub fn decode(bytes: &[u8]) -> Option<String> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8(rest.to_vec()).ok();
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let little = bytes[0] == 0xFF;
        let units: Vec<u16> = bytes[2..]
            .chunks_exact(2)
            .map(|p| {
                if little {
                    u16::from_le_bytes([p[0], p[1]])
                } else {
                    u16::from_be_bytes([p[0], p[1]])
                }
            })
            .collect();
        return String::from_utf16(&units).ok();
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Some(text.to_string());
    }
    // Not UTF-8: only a declared single-byte encoding is read.
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).to_lowercase();
    let declared = head
        .split("encoding=")
        .nth(1)
        .map(|rest| rest.trim_start_matches(['"', '\'']))
        .unwrap_or("");
    if declared.starts_with("iso-8859-1")
        || declared.starts_with("latin1")
        || declared.starts_with("windows-1252")
        || declared.starts_with("cp1252")
    {
        return Some(bytes.iter().map(|&b| windows_1252(b)).collect());
    }
    None
}

/// A Windows-1252 byte as a character (Latin-1, with the printable
/// characters Windows puts in 0x80–0x9F, where Latin-1 has controls).
fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    if (0x80..0xA0).contains(&b) {
        HIGH[usize::from(b - 0x80)]
    } else {
        char::from(b)
    }
}

/// A path in the archive from an address written in `base` (a file in the
/// archive): relative to its folder, `..` resolved, percent-escapes decoded,
/// the fragment and query left off. `None` for an address outside the
/// archive (a web address, or one that climbs out of it).
pub fn resolve(base: &str, href: &str) -> Option<String> {
    let href = href.trim();
    if href.is_empty() || href.starts_with('#') {
        return Some(base.to_string());
    }
    if is_external(href) {
        return None;
    }
    let path = href.split(['#', '?']).next().unwrap_or("");
    let path = percent_decode(path);
    let mut parts: Vec<&str> = if path.starts_with('/') {
        Vec::new()
    } else {
        base.rsplit_once('/')
            .map(|(dir, _)| dir.split('/').collect())
            .unwrap_or_default()
    };
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// The fragment of an address (`ch1.xhtml#note-3` → `note-3`), decoded.
pub fn fragment(href: &str) -> Option<String> {
    href.split_once('#')
        .map(|(_, f)| percent_decode(f))
        .filter(|f| !f.is_empty())
}

/// An address with a scheme (`https:`, `mailto:`) or a network path.
pub fn is_external(href: &str) -> bool {
    if href.starts_with("//") {
        return true;
    }
    let Some((scheme, _)) = href.split_once(':') else {
        return false;
    };
    !scheme.is_empty()
        && scheme.len() <= 32
        && scheme
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_resolve_in_the_archive() {
        assert_eq!(
            resolve("OEBPS/text/ch1.xhtml", "../images/a%20b.png").as_deref(),
            Some("OEBPS/images/a b.png")
        );
        assert_eq!(
            resolve("OEBPS/text/ch1.xhtml", "ch2.xhtml#x").as_deref(),
            Some("OEBPS/text/ch2.xhtml")
        );
        assert_eq!(
            resolve("OEBPS/ch1.xhtml", "#x").as_deref(),
            Some("OEBPS/ch1.xhtml")
        );
        assert_eq!(resolve("ch1.xhtml", "../../x.png"), None);
        assert_eq!(resolve("ch1.xhtml", "https://example.com/x"), None);
        assert_eq!(fragment("a.xhtml#note%2D1").as_deref(), Some("note-1"));
        assert!(is_external("mailto:a@b.c"));
        assert_eq!(percent_decode("100%"), "100%");
    }

    #[test]
    fn text_in_the_encodings_files_are_saved_in() {
        assert_eq!(decode(b"\xEF\xBB\xBFa").as_deref(), Some("a"));
        assert_eq!(decode(b"\xFF\xFEa\x00").as_deref(), Some("a"));
        assert_eq!(
            decode(b"<?xml version=\"1.0\" encoding=\"windows-1252\"?>\x93q\x94").as_deref(),
            Some("<?xml version=\"1.0\" encoding=\"windows-1252\"?>“q”")
        );
        assert_eq!(decode(b"\x93q\x94"), None);
    }
}
