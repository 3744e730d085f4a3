//! Image files: checked once when the book is resolved (format, dimensions,
//! a full decode under memory limits so a corrupt or truncated file is caught
//! early), then resized or converted per edition by the back ends.

use std::io::Cursor;
use std::sync::Arc;

use image::{DynamicImage, ImageReader, Limits};

use crate::model::{ImageAsset, ImageFormat};

/// Largest image quire decodes: 20,000 px a side and 100 million pixels.
/// A header claiming more is refused before any pixel memory is allocated.
pub const MAX_SIDE: u32 = 20_000;
pub const MAX_PIXELS: u64 = 100_000_000;

/// Why an image cannot be used, in the author's terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageProblem {
    pub message: String,
    pub hint: String,
}

fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(1024 * 1024 * 1024);
    limits
}

/// Reads an image's header and decodes it fully (under limits) to prove it is whole.
pub fn check(path: &str, bytes: Arc<[u8]>) -> Result<ImageAsset, ImageProblem> {
    let reader = ImageReader::new(Cursor::new(&bytes[..]))
        .with_guessed_format()
        .map_err(|e| problem(path, &e.to_string()))?;
    let format = match reader.format() {
        Some(image::ImageFormat::Jpeg) => ImageFormat::Jpeg,
        Some(image::ImageFormat::Png) => ImageFormat::Png,
        Some(other) => {
            return Err(ImageProblem {
                message: format!("unsupported image format {other:?}: {path}"),
                hint: "convert the image to JPEG (photographs) or PNG (drawings)".into(),
            });
        }
        None => {
            return Err(ImageProblem {
                message: format!("not an image file: {path}"),
                hint: "use a JPEG or PNG file".into(),
            });
        }
    };
    let (width, height) = reader
        .into_dimensions()
        .map_err(|e| problem(path, &e.to_string()))?;
    if width == 0 || height == 0 {
        return Err(problem(path, "it has no pixels"));
    }
    if width > MAX_SIDE || height > MAX_SIDE || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(ImageProblem {
            message: format!("image too large: {path} claims {width} × {height} pixels"),
            hint: format!(
                "quire takes images up to {MAX_SIDE} px a side and {} million pixels; scale it down",
                MAX_PIXELS / 1_000_000
            ),
        });
    }
    let asset = ImageAsset {
        path: path.to_string(),
        bytes,
        format,
        width,
        height,
    };
    decode(&asset).map_err(|e| problem(path, &e))?;
    Ok(asset)
}

fn problem(path: &str, detail: &str) -> ImageProblem {
    ImageProblem {
        message: format!("corrupt or truncated image: {path}"),
        hint: format!(
            "the decoder says “{detail}”; open and re-save the image in an image editor, or replace the file"
        ),
    }
}

/// Decodes a checked image, under the same limits.
pub fn decode(asset: &ImageAsset) -> Result<DynamicImage, String> {
    let mut reader = ImageReader::new(Cursor::new(&asset.bytes[..]));
    reader.set_format(match asset.format {
        ImageFormat::Jpeg => image::ImageFormat::Jpeg,
        ImageFormat::Png => image::ImageFormat::Png,
    });
    reader.limits(limits());
    reader.decode().map_err(|e| e.to_string())
}

/// A colour sample of alpha `a` composited on white: what a transparent
/// pixel shows on a white page or cover.
pub fn over_white(c: u8, a: u8) -> u8 {
    let (c, a) = (u32::from(c), u32::from(a));
    ((c * a + 255 * (255 - a) + 127) / 255) as u8
}

/// Encodes pixels as a baseline JPEG at the given quality (deterministic).
pub fn encode_jpeg(image: &DynamicImage, quality: u8) -> Vec<u8> {
    let rgb = image.to_rgb8();
    let mut out = Vec::new();
    let mut encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality);
    encoder
        .encode_image(&rgb)
        .expect("encoding an in-memory RGB image to JPEG cannot fail");
    out
}

/// Encodes pixels as PNG (deterministic).
pub fn encode_png(image: &DynamicImage) -> Vec<u8> {
    let mut out = Vec::new();
    image
        .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("encoding an in-memory image to PNG cannot fail");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Arc<[u8]> {
        let img = DynamicImage::new_rgb8(width, height);
        encode_png(&img).into()
    }

    #[test]
    fn accepts_a_good_png() {
        let asset = check("manuscript/a.png", png(3, 2)).unwrap();
        assert_eq!(
            (asset.width, asset.height, asset.format),
            (3, 2, ImageFormat::Png)
        );
    }

    #[test]
    fn refuses_truncated_and_garbage() {
        let good = png(64, 64);
        let truncated: Arc<[u8]> = good[..good.len() / 2].into();
        let err = check("manuscript/t.png", truncated).unwrap_err();
        assert!(
            err.message
                .starts_with("corrupt or truncated image: manuscript/t.png"),
            "{err:?}"
        );
        let err = check("manuscript/g.png", Arc::from(&b"hello world"[..])).unwrap_err();
        assert_eq!(err.message, "not an image file: manuscript/g.png");
    }

    #[test]
    fn refuses_enormous_claimed_dimensions() {
        // A PNG header claiming 100000 × 100000 pixels, with no pixel data.
        let bytes = huge_png(100_000, 100_000);
        let err = check("manuscript/huge.png", bytes.into()).unwrap_err();
        assert_eq!(
            err.message,
            "image too large: manuscript/huge.png claims 100000 × 100000 pixels"
        );
    }

    /// A valid PNG header (IHDR with a correct CRC) claiming a size, without pixels.
    pub(crate) fn huge_png(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = png(1, 1).to_vec();
        bytes[16..20].copy_from_slice(&width.to_be_bytes());
        bytes[20..24].copy_from_slice(&height.to_be_bytes());
        let crc = crc32(&bytes[12..29]);
        bytes[29..33].copy_from_slice(&crc.to_be_bytes());
        bytes
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xffff_ffffu32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xedb8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
}
