//! Font subsetting: each face is cut down to the glyphs the pages use (with
//! allsorts), its glyphs renumbered, and named with a subset tag
//! (`ABCDEF+EBGaramond-Regular`) derived from the glyph set, so embedding is
//! small and the bytes reproducible.

use std::collections::BTreeSet;

use allsorts::binary::read::ReadScope;
use allsorts::font_data::FontData;
use allsorts::subset::{CmapTarget, SubsetProfile};

use crate::fonts::FontFace;

/// A subset face ready for printpdf, with the old → new glyph id map.
pub struct SubsetFace {
    pub parsed: printpdf::ParsedFont,
    /// Indexed by original glyph id; 0 (.notdef) for glyphs not kept.
    remap: Vec<u16>,
}

impl SubsetFace {
    pub fn glyph(&self, original: u16) -> u16 {
        self.remap.get(original as usize).copied().unwrap_or(0)
    }
}

/// Subsets `face` to `used` glyph ids.
pub fn subset(face: &FontFace, used: &BTreeSet<u16>) -> Result<SubsetFace, String> {
    let ids: Vec<u16> = std::iter::once(0)
        .chain(used.iter().copied().filter(|&g| g != 0))
        .collect();
    let scope = ReadScope::new(&face.bytes);
    let font = scope.read::<FontData<'_>>().map_err(|e| e.to_string())?;
    let provider = font.table_provider(0).map_err(|e| e.to_string())?;
    let bytes = allsorts::subset::subset(&provider, &ids, &SubsetProfile::Pdf, CmapTarget::Unicode)
        .map_err(|e| e.to_string())?;
    let mut warnings = Vec::new();
    let mut parsed = printpdf::ParsedFont::from_bytes(&bytes, 0, &mut warnings)
        .ok_or_else(|| "the subset font could not be read back".to_string())?;
    parsed.font_name = Some(format!(
        "{}+{}",
        tag(&face.postscript_name, &ids),
        face.postscript_name
    ));
    let max = ids.iter().copied().max().unwrap_or(0) as usize;
    let mut remap = vec![0u16; max + 1];
    for (new, &old) in ids.iter().enumerate() {
        remap[old as usize] = new as u16;
    }
    Ok(SubsetFace { parsed, remap })
}

/// Six capital letters from a hash of the face name and the glyph set (PDF 9.6.4).
fn tag(name: &str, ids: &[u16]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes().chain(ids.iter().flat_map(|g| g.to_le_bytes())) {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    (0..6)
        .map(|i| (b'A' + ((hash >> (i * 5)) % 26) as u8) as char)
        .collect()
}
