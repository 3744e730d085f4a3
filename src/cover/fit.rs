//! Fitting the author's cover art to the ebook cover, never distorting it:
//! art close to 1.6:1 is scaled to cover the canvas and the small excess
//! cropped evenly; other art is scaled to fit inside and letterboxed on the
//! average colour of its own border. Art that is already a 1600 × 2560
//! baseline JPEG is passed through byte for byte. A camera's EXIF
//! orientation is applied first, so the cover shows the art as viewers do.

use std::io::Cursor;

use image::imageops::FilterType;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageReader, Rgb, RgbImage};

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
    // Resampling goes through DynamicImage's methods, compiled (and
    // optimised) inside the image crate: its generic functions, instantiated
    // here, run thirty times slower in a debug build.
    let art = DynamicImage::ImageRgb8(flatten(pixels));
    let canvas = match Plan::for_size(art.width(), art.height()) {
        Plan::Crop {
            x,
            y,
            width,
            height,
        } => art
            .crop_imm(x, y, width, height)
            .resize_exact(EBOOK_WIDTH, EBOOK_HEIGHT, FILTER)
            .into_rgb8(),
        Plan::Letterbox { width, height } => {
            let background = border_colour(art.as_rgb8().expect("flattened to RGB"));
            let scaled = art.resize_exact(width, height, FILTER).into_rgb8();
            let mut canvas = RgbImage::from_pixel(EBOOK_WIDTH, EBOOK_HEIGHT, background);
            paste_centred(&mut canvas, &scaled);
            canvas
        }
    };
    paint::encode_jpeg(&canvas)
}

/// Transparent parts of the art show white, as on a white page.
fn flatten(pixels: DynamicImage) -> RgbImage {
    if !pixels.color().has_alpha() {
        return pixels.into_rgb8();
    }
    let rgba = pixels.into_rgba8();
    let (width, height) = rgba.dimensions();
    let over_white = crate::images::over_white;
    let rgb: Vec<u8> = rgba
        .as_raw()
        .chunks_exact(4)
        .flat_map(|p| {
            [
                over_white(p[0], p[3]),
                over_white(p[1], p[3]),
                over_white(p[2], p[3]),
            ]
        })
        .collect();
    RgbImage::from_raw(width, height, rgb).expect("three bytes for each of the pixels")
}

/// Copies `picture` into the middle of `canvas` (it is no larger), row by row.
fn paste_centred(canvas: &mut RgbImage, picture: &RgbImage) {
    let (canvas_width, canvas_height) = canvas.dimensions();
    let (width, height) = picture.dimensions();
    let (width, height) = (width.min(canvas_width), height.min(canvas_height));
    let left = ((canvas_width - width) / 2) as usize;
    let top = ((canvas_height - height) / 2) as usize;
    let row_bytes = width as usize * 3;
    let canvas_stride = canvas_width as usize * 3;
    let picture_stride = picture.width() as usize * 3;
    let target = canvas.as_mut();
    for (row, source) in picture
        .as_raw()
        .chunks_exact(picture_stride)
        .take(height as usize)
        .enumerate()
    {
        let start = (top + row) * canvas_stride + left * 3;
        target[start..start + row_bytes].copy_from_slice(&source[..row_bytes]);
    }
}

/// The average colour of the art's outer ring (1 % of its shorter side, at
/// least one pixel), so the letterbox continues the art's own edge.
pub fn border_colour(art: &RgbImage) -> Rgb<u8> {
    let (width, height) = art.dimensions();
    let ring = (width.min(height) / 100).max(1);
    let mut sums = [0u64; 3];
    let mut count = 0u64;
    let mut add = |pixels: &[u8]| {
        for pixel in pixels.chunks_exact(3) {
            for (sum, &channel) in sums.iter_mut().zip(pixel) {
                *sum += u64::from(channel);
            }
            count += 1;
        }
    };
    let stride = width as usize * 3;
    let edge = ring as usize * 3;
    for (y, row) in art.as_raw().chunks_exact(stride).enumerate() {
        let y = y as u32;
        if y < ring || y >= height - ring || 2 * edge >= row.len() {
            add(row);
        } else {
            add(&row[..edge]);
            add(&row[row.len() - edge..]);
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
        // A 300 px picture has a 3 px ring; a 2 px white stripe is two thirds of it.
        let mut art = RgbImage::from_pixel(300, 300, Rgb([0, 0, 0]));
        for y in 0..300 {
            for x in 0..300 {
                let stripe = x < 2 || y < 2 || x >= 298 || y >= 298;
                art.put_pixel(
                    x,
                    y,
                    if stripe {
                        Rgb([255, 255, 255])
                    } else {
                        Rgb([0, 0, 90])
                    },
                );
            }
        }
        let Rgb([r, _, b]) = border_colour(&art);
        assert!(r.abs_diff(171) <= 2 && b.abs_diff(200) <= 2, "{r} {b}");
    }

    #[test]
    fn transparency_shows_white() {
        let mut rgba = image::RgbaImage::new(3, 1);
        rgba.put_pixel(0, 0, image::Rgba([255, 0, 0, 0]));
        rgba.put_pixel(1, 0, image::Rgba([0, 0, 0, 255]));
        rgba.put_pixel(2, 0, image::Rgba([0, 0, 0, 128]));
        let rgb = flatten(DynamicImage::ImageRgba8(rgba));
        let row: Vec<[u8; 3]> = rgb.pixels().map(|p| p.0).collect();
        assert_eq!(row, [[255, 255, 255], [0, 0, 0], [127, 127, 127]]);
    }

    #[test]
    fn pastes_into_the_middle() {
        let mut canvas = RgbImage::from_pixel(4, 5, Rgb([0, 0, 0]));
        let picture = RgbImage::from_pixel(2, 3, Rgb([9, 9, 9]));
        paste_centred(&mut canvas, &picture);
        let painted: Vec<(u32, u32)> = canvas
            .enumerate_pixels()
            .filter(|(_, _, p)| p.0 == [9, 9, 9])
            .map(|(x, y, _)| (x, y))
            .collect();
        assert_eq!(painted, [(1, 1), (2, 1), (1, 2), (2, 2), (1, 3), (2, 3)]);
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
