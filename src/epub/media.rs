//! The images that go into the EPUB: each image used by a figure, once, in
//! order of first use. Originals are copied byte for byte; only an image of
//! more than 4 million pixels (the largest Apple Books and Kindle show without
//! downsampling themselves) is scaled down, keeping its aspect, with a
//! Lanczos filter and re-encoded in its own format. Deterministic.

use std::borrow::Cow;

use image::imageops::FilterType;

use super::plan::Visit;
use super::plan::walk_blocks;
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::{BlockKind, Book, ImageAsset, ImageFormat};

/// Largest image copied unchanged, in pixels.
pub const MAX_PIXELS: u64 = 4_000_000;

/// JPEG quality for downscaled photographs: visually lossless.
const JPEG_QUALITY: u8 = 90;

/// One image file of the package.
#[derive(Debug)]
pub struct ImageFile<'a> {
    /// Path inside the content folder: `images/image-1.png`.
    pub href: String,
    pub media_type: &'static str,
    pub bytes: Cow<'a, [u8]>,
}

/// The book's images as packaged, and what the accessibility metadata needs to know.
#[derive(Debug, Default)]
pub struct Media<'a> {
    pub files: Vec<ImageFile<'a>>,
    /// Per `Book::images` entry: its href, when a figure uses it.
    pub hrefs: Vec<Option<String>>,
    /// Figures in the book.
    pub figures: usize,
    /// Figures with alternative text (non-blank `alt`).
    pub figures_with_alt: usize,
}

/// Collects the images figures use and prepares their files.
pub fn collect(book: &Book) -> Result<Media<'_>, Diagnostics> {
    let mut media = Media {
        hrefs: vec![None; book.images.len()],
        ..Media::default()
    };
    let mut order = Vec::new();
    let mut unknown = Vec::new();
    let mut visit = |step: Visit<'_>| {
        if let Visit::Enter(block) = step {
            if let BlockKind::Figure {
                image,
                alt,
                decorative,
                ..
            } = &block.kind
            {
                media.figures += 1;
                // A decorative image's empty alternative is the right one.
                if !alt.trim().is_empty() || *decorative {
                    media.figures_with_alt += 1;
                }
                let index = image.0 as usize;
                match media.hrefs.get_mut(index) {
                    Some(href @ None) => {
                        let asset = &book.images[index];
                        *href = Some(format!(
                            "images/image-{}.{}",
                            index + 1,
                            asset.format.extension()
                        ));
                        order.push(index);
                    }
                    Some(Some(_)) => {}
                    None => unknown.push(index),
                }
            }
        }
    };
    for section in &book.sections {
        walk_blocks(&section.blocks, &mut visit);
        for note in &section.notes {
            walk_blocks(&note.blocks, &mut visit);
        }
    }
    if let Some(index) = unknown.first() {
        return Err(Diagnostic::error(format!(
            "a figure refers to image {} but the book has {} images",
            index + 1,
            book.images.len()
        ))
        .with_hint("this is a bug in quire: please report it with the manuscript")
        .into());
    }

    let mut diagnostics = Diagnostics::new();
    for index in order {
        let asset = &book.images[index];
        match fit(asset) {
            Ok(bytes) => media.files.push(ImageFile {
                href: media.hrefs[index].clone().unwrap_or_default(),
                media_type: asset.format.media_type(),
                bytes,
            }),
            Err(detail) => diagnostics.push(
                Diagnostic::error(format!(
                    "cannot scale image {} down for the EPUB: {detail}",
                    asset.path
                ))
                .with_hint("open and re-save the image in an image editor, or make it smaller"),
            ),
        }
    }
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    Ok(media)
}

/// The size an image of `width` × `height` is scaled to: the same aspect, at
/// most [`MAX_PIXELS`]; `None` when it already fits.
pub fn fitted_size(width: u32, height: u32) -> Option<(u32, u32)> {
    let pixels = u64::from(width) * u64::from(height);
    if pixels <= MAX_PIXELS {
        return None;
    }
    let scale = (MAX_PIXELS as f64 / pixels as f64).sqrt();
    let mut w = ((f64::from(width) * scale).floor() as u32).max(1);
    let mut h = ((f64::from(height) * scale).floor() as u32).max(1);
    // Floating point may leave it a row or column over.
    while u64::from(w) * u64::from(h) > MAX_PIXELS {
        if w >= h {
            w -= 1;
        } else {
            h -= 1;
        }
    }
    Some((w, h))
}

/// The image's bytes for the EPUB: the original, or a downscaled re-encoding.
fn fit(asset: &ImageAsset) -> Result<Cow<'_, [u8]>, String> {
    let Some((width, height)) = fitted_size(asset.width, asset.height) else {
        return Ok(Cow::Borrowed(&asset.bytes[..]));
    };
    let image = crate::images::decode(asset)?;
    let scaled = image.resize_exact(width, height, FilterType::Lanczos3);
    Ok(Cow::Owned(match asset.format {
        ImageFormat::Jpeg => crate::images::encode_jpeg(&scaled, JPEG_QUALITY),
        ImageFormat::Png => crate::images::encode_png(&scaled),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{DynamicImage, GenericImageView};
    use std::sync::Arc;

    #[test]
    fn sizes_keep_aspect_and_fit() {
        assert_eq!(fitted_size(2000, 2000), None);
        assert_eq!(fitted_size(1600, 2500), None);
        let (w, h) = fitted_size(4000, 3000).unwrap();
        assert!(u64::from(w) * u64::from(h) <= MAX_PIXELS);
        assert!((f64::from(w) / f64::from(h) - 4.0 / 3.0).abs() < 0.01);
        assert!(u64::from(w) * u64::from(h) > MAX_PIXELS * 99 / 100);
        let (w, h) = fitted_size(20_000, 1).unwrap_or((20_000, 1));
        assert_eq!((w, h), (20_000, 1));
        let (w, h) = fitted_size(100_000, 50).unwrap();
        assert!(u64::from(w) * u64::from(h) <= MAX_PIXELS && h >= 1);
    }

    fn asset(format: ImageFormat, width: u32, height: u32) -> ImageAsset {
        let img = DynamicImage::new_rgb8(width, height);
        let bytes = match format {
            ImageFormat::Jpeg => crate::images::encode_jpeg(&img, 80),
            ImageFormat::Png => crate::images::encode_png(&img),
        };
        ImageAsset {
            path: "manuscript/x".into(),
            bytes: Arc::from(bytes),
            format,
            width,
            height,
        }
    }

    #[test]
    fn small_images_are_copied_untouched() {
        let a = asset(ImageFormat::Png, 30, 20);
        let out = fit(&a).unwrap();
        assert!(matches!(out, Cow::Borrowed(_)));
        assert_eq!(&out[..], &a.bytes[..]);
    }

    #[test]
    fn large_images_are_scaled_in_their_own_format() {
        for format in [ImageFormat::Jpeg, ImageFormat::Png] {
            let a = asset(format, 2500, 1700);
            let out = fit(&a).unwrap();
            let decoded = image::load_from_memory(&out).unwrap();
            let (w, h) = decoded.dimensions();
            assert_eq!(Some((w, h)), fitted_size(2500, 1700));
            let guessed = image::guess_format(&out).unwrap();
            let expected = match format {
                ImageFormat::Jpeg => image::ImageFormat::Jpeg,
                ImageFormat::Png => image::ImageFormat::Png,
            };
            assert_eq!(guessed, expected);
            // Deterministic.
            assert_eq!(out, fit(&a).unwrap());
        }
    }
}
