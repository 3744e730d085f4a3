//! `book.toml` as the author wrote it: the serde shapes it is read into,
//! strictly (an unknown key is an error), each value with its place.

use super::*;

/// The whole of `book.toml`, as the author wrote it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct BookToml {
    pub(super) title: Spanned<String>,
    pub(super) subtitle: Option<Spanned<String>>,
    pub(super) authors: Option<Spanned<Vec<String>>>,
    pub(super) contributors: Option<Spanned<Vec<ContributorToml>>>,
    pub(super) publisher: Option<Spanned<String>>,
    pub(super) first_publication: Option<Spanned<String>>,
    pub(super) language: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) isbn: IsbnToml,
    pub(super) date: Option<Spanned<String>>,
    pub(super) rights: Option<Spanned<String>>,
    pub(super) description: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) keywords: Vec<String>,
    #[serde(default)]
    pub(super) front_matter: Vec<Spanned<String>>,
    pub(super) chapters: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    pub(super) back_matter: Vec<Spanned<String>>,
    pub(super) dedication: Option<Spanned<String>>,
    pub(super) epigraph: Option<Spanned<String>>,
    pub(super) epigraph_source: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) parts: Vec<PartToml>,
    #[serde(default)]
    pub(super) print: PrintToml,
    #[serde(default)]
    pub(super) fonts: FontsToml,
    #[serde(default)]
    pub(super) cover: CoverToml,
    pub(super) style: Option<Spanned<style::StyleToml>>,
    pub(super) chapter_numbers: Option<bool>,
    pub(super) contents_depth: Option<Spanned<i64>>,
    pub(super) notes: Option<Spanned<String>>,
    pub(super) stores: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    pub(super) epub: EpubToml,
    #[serde(default)]
    pub(super) accessibility: AccessibilityToml,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct EpubToml {
    /// `true`, `false` or `"obfuscated"`: read as a value and checked here,
    /// so a wrong one gets its own message.
    pub(super) embed_fonts: Option<Spanned<toml::Value>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct AccessibilityToml {
    pub(super) certified_by: Option<Spanned<String>>,
    pub(super) certifier_credential: Option<Spanned<String>>,
    pub(super) certifier_report: Option<Spanned<String>>,
    pub(super) summary: Option<Spanned<String>>,
    pub(super) hazards: Option<Spanned<Vec<Spanned<String>>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct PartToml {
    pub(super) title: String,
    pub(super) chapters: Spanned<Vec<Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct ContributorToml {
    pub(super) name: String,
    pub(super) role: Spanned<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct IsbnToml {
    pub(super) ebook: Option<Spanned<String>>,
    pub(super) print: Option<Spanned<String>>,
}

/// `print.pdf-x`: `true` (PDF/X-4) or a standard's name.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(super) enum PdfXToml {
    Flag(bool),
    Named(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub(super) struct PrintToml {
    pub(super) trim: Spanned<String>,
    pub(super) bleed: bool,
    pub(super) paper: Paper,
    pub(super) chapters_open: Option<ChapterOpening>,
    pub(super) running_head_verso: RunningHead,
    pub(super) running_head_recto: RunningHead,
    pub(super) hyphenate: bool,
    pub(super) hyphenate_capitalized: bool,
    pub(super) contents_leaders: bool,
    pub(super) font_size: Spanned<f32>,
    pub(super) leading: Option<Spanned<f32>>,
    pub(super) draft: bool,
    pub(super) grayscale_images: bool,
    pub(super) pdf_x: Option<Spanned<PdfXToml>>,
    pub(super) min_pages: Spanned<u32>,
    pub(super) page_references: bool,
    pub(super) urls: PrintUrls,
}

impl Default for PrintToml {
    fn default() -> Self {
        PrintToml {
            trim: Spanned::new(0..0, "6x9".to_string()),
            bleed: false,
            paper: Paper::White,
            chapters_open: None,
            running_head_verso: RunningHead::Author,
            running_head_recto: RunningHead::Chapter,
            hyphenate: true,
            hyphenate_capitalized: false,
            contents_leaders: false,
            font_size: Spanned::new(0..0, 11.0),
            leading: None,
            draft: false,
            grayscale_images: false,
            pdf_x: None,
            min_pages: Spanned::new(0..0, 0),
            page_references: false,
            urls: PrintUrls::Inline,
        }
    }
}

/// `[fonts]`: each face as written, with where (a missing font is reported
/// at its key); the defaults are applied in [`font_files`](super::font_files).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct FontsToml {
    pub(super) regular: Option<Spanned<String>>,
    pub(super) italic: Option<Spanned<String>>,
    pub(super) bold: Option<Spanned<String>>,
    pub(super) bold_italic: Option<Spanned<String>>,
    pub(super) mono: Option<Spanned<String>>,
    pub(super) fallback: Option<Spanned<Vec<Spanned<String>>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct CoverToml {
    pub(super) image: Option<Spanned<String>>,
    pub(super) blurb: Option<Spanned<String>>,
    pub(super) blurb_file: Option<Spanned<String>>,
}
