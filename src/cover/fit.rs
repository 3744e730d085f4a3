//! Fitting the author's cover art to the ebook cover, never distorting it:
//! art close to 1.6:1 is scaled to cover the canvas and the small excess
//! cropped evenly; other art is scaled to fit inside and letterboxed on the
//! average colour of its own border. Art that is already a 1600 × 2560
//! baseline JPEG is passed through byte for byte. A camera's EXIF
//! orientation is applied first, so the cover shows the art as viewers do.

use std::io::Cursor;

use image::imageops::{self, FilterType};
use image::metadata::Orientation;
use image::{ImageDecoder, ImageReader, Rgb, RgbImage, Rgba};

use super::paint;
use super::{EBOOK_HEIGHT, EBOOK_WIDTH};
use crate::diag::Diagnostic;
use crate::images;
use crate::model::{ImageAsset, ImageFormat};

/// Height ÷ width of the ebook cover.
pub const RATIO: f64 = EBOOK_HEIGHT as f64 / EBOOK_WIDTH as f64;
/// Art within this fraction of the ratio is cropped, not letterboxed.
pub const RATIO_TOLERANCE: f64 = 0.05;
/// KDP refuses covers smaller than this.
pub const KDP_MINIMUM: (u32, u32) = (625, 1000);
/// Lanczos keeps fine lines in illustrations sharp when scaling down.
const FILTER: FilterType = FilterType::Lanczos3;

/// How art of a given size becomes the cover.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Plan {
    /// Cut this rectangle (x, y, width, height) out of the art, centred, and
    /// scale it to the full cover.
    Crop {
        x: u32,
        y: u32,
        width: u32,
        height: u32,
    },
    /// Scale the whole art to this size and centre it on a plain background.
    Letterbox { width: u32, height: u32 },
}

impl Plan {
    pub fn for_size(width: u32, height: u32) -> Plan {
        let (w, h) = (f64::from(width.max(1)), f64::from(height.max(1)));
        if ((h / w) / RATIO - 1.0).abs() <= RATIO_TOLERANCE {
            if h / w > RATIO {
                let crop = ((w * RATIO).round() as u32).clamp(1, height);
                Plan::Crop {
                    x: 0,
                    y: (height - crop) / 2,
                    width,
                    height: crop,
                }
            } else {
                let crop = ((h / RATIO).round() as u32).clamp(1, width);
                Plan::Crop {
                    x: (width - crop) / 2,
                    y: 0,
                    width: crop,
                    height,
                }
            }
        } else {
            let scale = (f64::from(EBOOK_WIDTH) / w).min(f64::from(EBOOK_HEIGHT) / h);
            Plan::Letterbox {
                width: ((w * scale).round() as u32).clamp(1, EBOOK_WIDTH),
                height: ((h * scale).round() as u32).clamp(1, EBOOK_HEIGHT),
            }
        }
    }

    /// Whether the art is enlarged to make the cover.
    pub fn upscales(self, art_width: u32) -> bool {
        match self {
            Plan::Crop { width, .. } => width < EBOOK_WIDTH,
            Plan::Letterbox { width, .. } => width > art_width,
        }
    }
}

/// The orientation a camera or phone recorded in the art's EXIF data, which
/// viewers apply when they show it.
pub fn orientation(art: &ImageAsset) -> Orientation {
    let format = match art.format {
        ImageFormat::Jpeg => image::ImageFormat::Jpeg,
        ImageFormat::Png => image::ImageFormat::Png,
    };
    ImageReader::with_format(Cursor::new(&art.bytes[..]), format)
        .into_decoder()
        .and_then(|mut decoder| decoder.orientation())
        .unwrap_or(Orientation::NoTransforms)
}

/// Width and height of the art as it is seen, after its orientation.
pub fn seen_size(art: &ImageAsset) -> (u32, u32) {
    match orientation(art) {
        Orientation::Rotate90
        | Orientation::Rotate270
        | Orientation::Rotate90FlipH
        | Orientation::Rotate270FlipH => (art.height, art.width),
        _ => (art.width, art.height),
    }
}

/// The cover JPEG made from the art.
pub fn fit_art(art: &ImageAsset) -> Result<Vec<u8>, Diagnostic> {
    let orientation = orientation(art);
    if art.format == ImageFormat::Jpeg
        && (art.width, art.height) == (EBOOK_WIDTH, EBOOK_HEIGHT)
        && orientation == Orientation::NoTransforms
        && is_baseline_jpeg(&art.bytes)
    {
        return Ok(art.bytes.to_vec());
    }
    let mut pixels = images::decode(art).map_err(|err| {
        Diagnostic::error(format!("cannot read the cover art {}: {err}", art.path))
            .with_hint("open and re-save the image in an image editor, or replace the file")
    })?;
    pixels.apply_orientation(orientation);
    let rgb = flatten(pixels);
    let canvas = match Plan::for_size(rgb.width(), rgb.height()) {
        Plan::Crop {
            x,
            y,
            width,
            height,
        } => {
            let cropped = imageops::crop_imm(&rgb, x, y, width, height).to_image();
            imageops::resize(&cropped, EBOOK_WIDTH, EBOOK_HEIGHT, FILTER)
        }
        Plan::Letterbox { width, height } => {
            let scaled = imageops::resize(&rgb, width, height, FILTER);
            let mut canvas = RgbImage::from_pixel(EBOOK_WIDTH, EBOOK_HEIGHT, border_colour(&rgb));
            let x = (EBOOK_WIDTH - width) / 2;
            let y = (EBOOK_HEIGHT - height) / 2;
            imageops::replace(&mut canvas, &scaled, i64::from(x), i64::from(y));
            canvas
        }
    };
    paint::encode_jpeg(&canvas)
}

/// Transparent parts of the art show white, as on a white page.
fn flatten(pixels: image::DynamicImage) -> RgbImage {
    if !pixels.color().has_alpha() {
        return pixels.into_rgb8();
    }
    let rgba = pixels.into_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let Rgba([r, g, b, a]) = *rgba.get_pixel(x, y);
        let over_white =
            |c: u8| ((u32::from(c) * u32::from(a) + 255 * (255 - u32::from(a)) + 127) / 255) as u8;
        Rgb([over_white(r), over_white(g), over_white(b)])
    })
}

/// The average colour of the art's outer ring (1 % of its shorter side, at
/// least one pixel), so the letterbox continues the art's own edge.
pub fn border_colour(art: &RgbImage) -> Rgb<u8> {
    let (width, height) = art.dimensions();
    let ring = (width.min(height) / 100).max(1);
    let mut sums = [0u64; 3];
    let mut count = 0u64;
    for (x, y, pixel) in art.enumerate_pixels() {
        let on_border = x < ring || y < ring || x >= width - ring || y >= height - ring;
        if on_border {
            for (sum, channel) in sums.iter_mut().zip(pixel.0) {
                *sum += u64::from(channel);
            }
            count += 1;
        }
    }
    let mean = |sum: u64| ((sum + count / 2) / count.max(1)) as u8;
    Rgb([mean(sums[0]), mean(sums[1]), mean(sums[2])])
}

/// Whether a JPEG is baseline (SOF0) with one or three components, the kind
/// every store takes as it is.
pub fn is_baseline_jpeg(bytes: &[u8]) -> bool {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return false;
    }
    let mut at = 2;
    while at + 4 <= bytes.len() {
        if bytes[at] != 0xFF {
            return false;
        }
        let marker = bytes[at + 1];
        // Fill bytes before a marker.
        if marker == 0xFF {
            at += 1;
            continue;
        }
        let length = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
        match marker {
            0xC0 => {
                let components = bytes.get(at + 9).copied();
                return matches!(components, Some(1 | 3));
            }
            // Any other start of frame: progressive, lossless, arithmetic…
            0xC1..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => return false,
            // Start of scan before any frame header: malformed.
            0xDA | 0xD9 => return false,
            _ => at += 2 + length,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_ratio_art_is_cropped_evenly() {
        // 1000 × 1700 is 6 % taller than 1.6: letterboxed; 1000 × 1650 (3 %) is cropped.
        assert!(matches!(Plan::for_size(1000, 1700), Plan::Letterbox { .. }));
        assert_eq!(
            Plan::for_size(1000, 1650),
            Plan::Crop {
                x: 0,
                y: 25,
                width: 1000,
                height: 1600
            }
        );
        assert_eq!(
            Plan::for_size(1050, 1600),
            Plan::Crop {
                x: 25,
                y: 0,
                width: 1000,
                height: 1600
            }
        );
        assert_eq!(
            Plan::for_size(1600, 2560),
            Plan::Crop {
                x: 0,
                y: 0,
                width: 1600,
                height: 2560
            }
        );
    }

    #[test]
    fn other_art_is_letterboxed_keeping_its_shape() {
        assert_eq!(
            Plan::for_size(1000, 1000),
            Plan::Letterbox {
                width: 1600,
                height: 1600
            }
        );
        assert_eq!(
            Plan::for_size(4000, 2000),
            Plan::Letterbox {
                width: 1600,
                height: 800
            }
        );
        assert_eq!(
            Plan::for_size(100, 1000),
            Plan::Letterbox {
                width: 256,
                height: 2560
            }
        );
        // Extreme shapes keep at least one pixel.
        assert_eq!(
            Plan::for_size(20_000, 1),
            Plan::Letterbox {
                width: 1600,
                height: 1
            }
        );
    }

    #[test]
    fn upscaling_is_noticed() {
        assert!(Plan::for_size(1000, 1600).upscales(1000));
        assert!(!Plan::for_size(3200, 5120).upscales(3200));
        assert!(Plan::for_size(500, 500).upscales(500));
        assert!(!Plan::for_size(4000, 4000).upscales(4000));
    }

    #[test]
    fn border_colour_averages_the_edge_only() {
        let mut art = RgbImage::from_pixel(10, 10, Rgb([200, 100, 0]));
        for y in 1..9 {
            for x in 1..9 {
                art.put_pixel(x, y, Rgb([0, 0, 255]));
            }
        }
        assert_eq!(border_colour(&art), Rgb([200, 100, 0]));
    }

    #[test]
    fn recognises_baseline_and_progressive_jpegs() {
        let rgb = image::DynamicImage::new_rgb8(16, 16);
        let baseline = images::encode_jpeg(&rgb, 90);
        assert!(is_baseline_jpeg(&baseline));
        let mut progressive = baseline.clone();
        let sof = progressive
            .windows(2)
            .position(|w| w == [0xFF, 0xC0])
            .unwrap();
        progressive[sof + 1] = 0xC2;
        assert!(!is_baseline_jpeg(&progressive));
        assert!(!is_baseline_jpeg(b"\xFF\xD8\xFF"));
        assert!(!is_baseline_jpeg(b"not a jpeg"));
        assert!(!is_baseline_jpeg(&baseline[..baseline.len().min(20)]));
    }
}
