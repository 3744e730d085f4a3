//! The fonts the book is set in: four faces (regular, italic, bold, bold
//! italic) read from `fonts/`, checked to be real OpenType/TrueType fonts.
//! Print layout shapes with them and the PDF embeds them; the typographic
//! cover draws with them. The EPUB never sees them.

use std::sync::Arc;

use crate::diag::{Diagnostic, Diagnostics};
use crate::model::FontFiles;
use crate::project::{CONFIG_FILE, FONTS_DIR, Project};

/// One of the four faces of the book's family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Style {
    Regular,
    Italic,
    Bold,
    BoldItalic,
}

impl Style {
    pub const ALL: [Style; 4] = [
        Style::Regular,
        Style::Italic,
        Style::Bold,
        Style::BoldItalic,
    ];

    pub fn with_italic(self) -> Style {
        match self {
            Style::Regular | Style::Italic => Style::Italic,
            Style::Bold | Style::BoldItalic => Style::BoldItalic,
        }
    }

    /// Emphasis inside italic text is set upright, as books do.
    pub fn toggle_italic(self) -> Style {
        match self {
            Style::Regular => Style::Italic,
            Style::Italic => Style::Regular,
            Style::Bold => Style::BoldItalic,
            Style::BoldItalic => Style::Bold,
        }
    }

    pub fn with_bold(self) -> Style {
        match self {
            Style::Regular | Style::Bold => Style::Bold,
            Style::Italic | Style::BoldItalic => Style::BoldItalic,
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// One font file, checked.
#[derive(Debug, Clone)]
pub struct FontFace {
    /// Project-relative path: `fonts/EBGaramond-Regular.ttf`.
    pub path: String,
    pub bytes: Arc<[u8]>,
    /// The font's PostScript name (for PDF metadata and reports).
    pub postscript_name: String,
    pub units_per_em: u16,
}

impl FontFace {
    /// Parses the face. The bytes were checked when the font was loaded.
    pub fn face(&self) -> ttf_parser::Face<'_> {
        ttf_parser::Face::parse(&self.bytes, 0).expect("font was checked when loaded")
    }
}

/// The book's four faces.
#[derive(Debug, Clone)]
pub struct Fonts {
    faces: [FontFace; 4],
}

impl Fonts {
    /// Reads and checks the four faces named in `book.toml` (or the defaults).
    pub fn load(project: &Project, files: &FontFiles) -> Result<Fonts, Diagnostics> {
        let mut diagnostics = Diagnostics::new();
        let mut faces = Vec::with_capacity(4);
        for (key, path) in [
            ("regular", &files.regular),
            ("italic", &files.italic),
            ("bold", &files.bold),
            ("bold-italic", &files.bold_italic),
        ] {
            match load_face(project, key, path) {
                Ok(face) => faces.push(face),
                Err(d) => diagnostics.push(d),
            }
        }
        if diagnostics.has_errors() {
            return Err(diagnostics);
        }
        let faces: [FontFace; 4] = faces.try_into().expect("four faces were loaded");
        Ok(Fonts { faces })
    }

    pub fn get(&self, style: Style) -> &FontFace {
        &self.faces[style.index()]
    }

    pub fn iter(&self) -> impl Iterator<Item = (Style, &FontFace)> {
        Style::ALL.into_iter().zip(self.faces.iter())
    }
}

fn load_face(project: &Project, key: &str, path: &str) -> Result<FontFace, Diagnostic> {
    let Some(bytes) = project.get(path) else {
        let available: Vec<&str> = project
            .files_under(FONTS_DIR)
            .map(|(p, _)| p)
            .filter(|p| {
                let lower = p.to_ascii_lowercase();
                lower.ends_with(".ttf") || lower.ends_with(".otf")
            })
            .collect();
        let hint = if available.is_empty() {
            "put the book's font files (.ttf or .otf, with their licence) in fonts/".to_string()
        } else {
            format!(
                "name the {key} face in book.toml under [fonts]; fonts/ has: {}",
                available.join(", ")
            )
        };
        return Err(Diagnostic::error(format!("font not found: {path}"))
            .at_file(CONFIG_FILE, 1, 1)
            .with_hint(hint));
    };
    let face = ttf_parser::Face::parse(bytes, 0).map_err(|err| {
        Diagnostic::error(format!("not a usable font: {path} ({err})"))
            .with_hint("use an OpenType (.otf) or TrueType (.ttf) font file")
    })?;
    // A cut-off file still parses (tables are read lazily) but then has no glyphs:
    // say so once, for the file, rather than once per character it cannot show.
    check_tables(bytes).map_err(|why| {
        Diagnostic::error(format!("the font file {path} is damaged: {why}")).with_hint(
            "the file may be truncated (an interrupted download or copy): get the font file again",
        )
    })?;
    let postscript_name = face
        .names()
        .into_iter()
        .find(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
        .and_then(|n| n.to_string())
        .unwrap_or_else(|| path.rsplit('/').next().unwrap_or(path).to_string());
    let units_per_em = face.units_per_em();
    Ok(FontFace {
        path: path.to_string(),
        bytes: Arc::from(bytes),
        postscript_name,
        units_per_em,
    })
}

/// Checks an OpenType file's table directory: every table lies inside the
/// file, and the tables a book needs (character map, outlines) are there.
fn check_tables(bytes: &[u8]) -> Result<(), String> {
    let u32_at = |at: usize| {
        bytes
            .get(at..at + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
    };
    // A collection: check its first font.
    let start = if bytes.starts_with(b"ttcf") {
        u32_at(12).ok_or("the collection header is cut off")?
    } else {
        0
    };
    let count = bytes
        .get(start + 4..start + 6)
        .map(|b| u16::from_be_bytes([b[0], b[1]]) as usize)
        .ok_or("the table directory is cut off")?;
    let mut tags = Vec::with_capacity(count);
    for i in 0..count {
        let record = start + 12 + i * 16;
        let tag = bytes
            .get(record..record + 4)
            .ok_or("the table directory is cut off")?;
        let tag = String::from_utf8_lossy(tag).trim_end().to_string();
        let offset = u32_at(record + 8).ok_or("the table directory is cut off")?;
        let length = u32_at(record + 12).ok_or("the table directory is cut off")?;
        if offset.saturating_add(length) > bytes.len() {
            return Err(format!(
                "its `{tag}` table ends at byte {} but the file has {} bytes",
                offset.saturating_add(length),
                bytes.len()
            ));
        }
        tags.push(tag);
    }
    if !tags.iter().any(|t| t == "cmap") {
        return Err("it has no character map (`cmap` table)".into());
    }
    if !tags
        .iter()
        .any(|t| t == "glyf" || t == "CFF" || t == "CFF2")
    {
        return Err("it has no glyph outlines (`glyf` or `CFF` table)".into());
    }
    Ok(())
}
