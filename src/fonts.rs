//! The fonts the book is set in: four faces of the text family (regular,
//! italic, bold, bold italic), a monospace face for code, and fallback faces
//! that supply, glyph by glyph, characters the others lack. All are read from
//! `fonts/` (the bundled defaults from quire itself when the project does not
//! carry them) and checked to be real OpenType/TrueType fonts. Print layout
//! shapes with them and the PDF embeds them; the typographic cover draws with
//! them. The EPUB never sees them.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::model::FontFiles;
use crate::project::{CONFIG_FILE, FONTS_DIR, Project};

/// A face of the book: one of the text family's four, the code face, or the
/// `n`-th fallback.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Style {
    Regular,
    Italic,
    Bold,
    BoldItalic,
    Mono,
    Fallback(u8),
}

/// The monospace face and the fallbacks quire ships (DejaVu Sans, then Noto
/// Emoji), used when `[fonts]` names them (the defaults) and the project's
/// `fonts/` does not hold them.
pub const BUNDLED: [(&str, &[u8]); 3] = [
    (
        "fonts/JetBrainsMono-Regular.ttf",
        include_bytes!("../fonts/JetBrainsMono-Regular.ttf"),
    ),
    (
        "fonts/DejaVuSans.ttf",
        include_bytes!("../fonts/DejaVuSans.ttf"),
    ),
    (EMOJI, include_bytes!("../fonts/NotoEmoji-Regular.ttf")),
];

/// The bundled emoji face (monochrome Noto Emoji), the last default fallback:
/// emoji print in black, in the text layer. The EPUB does not embed it
/// (a reader has emoji of its own).
pub const EMOJI: &str = "fonts/NotoEmoji-Regular.ttf";

impl Style {
    pub const TEXT: [Style; 4] = [
        Style::Regular,
        Style::Italic,
        Style::Bold,
        Style::BoldItalic,
    ];

    /// The book.toml key that names this face: `fonts.regular`,
    /// `fonts.bold-italic`, the second fallback's `fonts.fallback.1`.
    pub fn setting(self) -> String {
        match self {
            Style::Regular => "fonts.regular".into(),
            Style::Italic => "fonts.italic".into(),
            Style::Bold => "fonts.bold".into(),
            Style::BoldItalic => "fonts.bold-italic".into(),
            Style::Mono => "fonts.mono".into(),
            Style::Fallback(n) => format!("fonts.fallback.{n}"),
        }
    }

    pub fn with_italic(self) -> Style {
        match self {
            Style::Regular | Style::Italic => Style::Italic,
            Style::Bold | Style::BoldItalic => Style::BoldItalic,
            other => other,
        }
    }

    /// Emphasis inside italic text is set upright, as books do.
    pub fn toggle_italic(self) -> Style {
        match self {
            Style::Regular => Style::Italic,
            Style::Italic => Style::Regular,
            Style::Bold => Style::BoldItalic,
            Style::BoldItalic => Style::Bold,
            other => other,
        }
    }

    pub fn with_bold(self) -> Style {
        match self {
            Style::Regular | Style::Bold => Style::Bold,
            Style::Italic | Style::BoldItalic => Style::BoldItalic,
            other => other,
        }
    }

    /// Position in [`Fonts`]: the four text faces, the code face, the fallbacks.
    pub fn index(self) -> usize {
        match self {
            Style::Regular => 0,
            Style::Italic => 1,
            Style::Bold => 2,
            Style::BoldItalic => 3,
            Style::Mono => 4,
            Style::Fallback(n) => 5 + n as usize,
        }
    }

    pub fn from_index(index: usize) -> Style {
        match index {
            0 => Style::Regular,
            1 => Style::Italic,
            2 => Style::Bold,
            3 => Style::BoldItalic,
            4 => Style::Mono,
            n => Style::Fallback((n - 5) as u8),
        }
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

/// The book's faces, in [`Style::index`] order.
#[derive(Debug, Clone)]
pub struct Fonts {
    faces: Vec<FontFace>,
}

/// At most this many fallback faces (they are numbered in a byte).
const MAX_FALLBACKS: usize = 32;

impl Fonts {
    /// Reads and checks the faces named in `book.toml` (or the defaults).
    pub fn load(project: &Project, files: &FontFiles) -> Result<Fonts, Diagnostics> {
        Fonts::load_at(project, files, &BTreeMap::new())
    }

    /// [`Fonts::load`], with a problem reported at the book.toml key that
    /// named the face (`fonts.regular`, `fonts.fallback.1`), from the keys'
    /// places in `settings_at`; a default face the author never named is
    /// reported at the file's start.
    pub fn load_at(
        project: &Project,
        files: &FontFiles,
        settings_at: &BTreeMap<String, Location>,
    ) -> Result<Fonts, Diagnostics> {
        let mut diagnostics = Diagnostics::new();
        let mut faces = Vec::with_capacity(5 + files.fallback.len());
        let mut named = vec![
            ("regular", &files.regular),
            ("italic", &files.italic),
            ("bold", &files.bold),
            ("bold-italic", &files.bold_italic),
            ("mono", &files.mono),
        ];
        named.extend(
            files
                .fallback
                .iter()
                .take(MAX_FALLBACKS)
                .map(|f| ("fallback", f)),
        );
        let start = || Location {
            file: CONFIG_FILE.to_string(),
            line: 1,
            column: 1,
        };
        for (i, (key, path)) in named.into_iter().enumerate() {
            match load_face(project, key, path) {
                Ok(face) => faces.push(face),
                Err(mut d) => {
                    let setting = Style::from_index(i).setting();
                    d.location = Some(settings_at.get(&setting).cloned().unwrap_or_else(start));
                    diagnostics.push(d);
                }
            }
        }
        if files.fallback.len() > MAX_FALLBACKS {
            diagnostics.push(
                Diagnostic::error(format!(
                    "fonts.fallback names {} fonts; at most {MAX_FALLBACKS} are used",
                    files.fallback.len()
                ))
                .at(Some(
                    settings_at
                        .get("fonts.fallback")
                        .cloned()
                        .unwrap_or_else(start),
                ))
                .with_hint("keep the fallbacks that cover what the book needs"),
            );
        }
        if diagnostics.has_errors() {
            return Err(diagnostics);
        }
        Ok(Fonts::from_faces(faces))
    }

    fn from_faces(faces: Vec<FontFace>) -> Fonts {
        Fonts { faces }
    }

    /// Whether `other` is this load of the faces (or a clone of it, which
    /// shares its files' bytes), rather than another reading of the files.
    pub fn same_load(&self, other: &Fonts) -> bool {
        self.faces.len() == other.faces.len()
            && self
                .faces
                .iter()
                .zip(&other.faces)
                .all(|(a, b)| Arc::ptr_eq(&a.bytes, &b.bytes))
    }

    /// Keeps, of a style's scene-break ornaments, the first the text face
    /// has every character of, so both editions show the same one (the
    /// list is left as it is when the face has none of them).
    pub fn settle_ornament(&self, scene_break: &mut crate::model::style::SceneBreak) {
        let face = self.get(Style::Regular).face();
        let drawn = |ornament: &String| {
            ornament
                .chars()
                .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
                .all(|c| face.glyph_index(c).is_some())
        };
        if let Some(ornament) = scene_break.ornaments.iter().find(|o| drawn(o)).cloned() {
            scene_break.ornaments = vec![ornament];
        }
    }

    pub fn get(&self, style: Style) -> &FontFace {
        &self.faces[style.index()]
    }

    /// Number of faces (text, code and fallbacks).
    pub fn len(&self) -> usize {
        self.faces.len()
    }

    pub fn is_empty(&self) -> bool {
        self.faces.is_empty()
    }

    /// The fallback faces, in the order they are tried.
    pub fn fallbacks(&self) -> impl Iterator<Item = Style> + use<> {
        (5..self.faces.len()).map(Style::from_index)
    }

    pub fn iter(&self) -> impl Iterator<Item = (Style, &FontFace)> {
        self.faces
            .iter()
            .enumerate()
            .map(|(i, f)| (Style::from_index(i), f))
    }
}

fn load_face(project: &Project, key: &str, path: &str) -> Result<FontFace, Diagnostic> {
    let bundled = BUNDLED.iter().find(|(p, _)| *p == path).map(|(_, b)| *b);
    let Some(bytes) = project.get(path).or(bundled) else {
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
        return Err(Diagnostic::error(format!("font not found: {path}")).with_hint(hint));
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
