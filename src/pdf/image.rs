//! The images in the PDF, each written by quire as an image XObject that
//! printpdf places as it is. printpdf's own image path (without its lossy
//! "optimisation") stores raw pixels, with the alpha channel dropped: an
//! 8.9 KB PNG became 4.4 MB, and a transparent background a black box.
//!
//! - A JPEG the PDF can take (baseline or progressive, 8-bit, grey, RGB or
//!   CMYK) is passed through as `DCTDecode`, its bytes unchanged; converting
//!   it to grey re-encodes it as a grey JPEG, and to CMYK (a PDF/X cover)
//!   deflates the converted samples.
//! - An 8-bit grey or RGB PNG without transparency keeps its own compressed
//!   rows (`FlateDecode` with PNG predictors, as the file has them).
//! - Anything else is deflated with PNG row predictors, grey images in one
//!   channel.
//! - Transparency (an alpha channel, a grey image with alpha, a palette with
//!   `tRNS`) is kept as a soft mask (`/SMask`) or composited on the paper's
//!   white, as [`Transparency`] says.

use std::collections::BTreeMap;
use std::io::Write;

use image::DynamicImage;
use printpdf::{DictItem, ExternalStream, ExternalXObject, Px};

use crate::model::{ImageAsset, ImageFormat};

/// What becomes of an image's transparent pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transparency {
    /// Kept as a soft mask: PDF/X-4 allows live transparency.
    SoftMask,
    /// Composited on the paper's white (what a transparent pixel shows on a
    /// white page): KDP asks for flattened transparency in a plain PDF, and
    /// PDF/X-1a forbids it.
    Flatten,
}

/// How one document embeds its images.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Options {
    /// Convert to grey (`print.grayscale-images`, or a PDF/X interior).
    pub grey: bool,
    /// Convert colour to CMYK (a PDF/X cover): no RGB in the file.
    pub cmyk: bool,
    pub transparency: Transparency,
}

/// JPEG quality of a photograph re-encoded in grey: visually lossless.
const GREY_JPEG_QUALITY: u8 = 92;

/// The image as an XObject the document places.
pub fn xobject(asset: &ImageAsset, options: Options) -> Result<ExternalXObject, String> {
    let (dict, content) = if asset.format == ImageFormat::Jpeg
        && let Some(jpeg) = read_jpeg(&asset.bytes)
    {
        // Grey as it is; colour as it is unless grey or CMYK is asked of an RGB JPEG.
        let converted = options.grey || (options.cmyk && jpeg.components == 3);
        if jpeg.components == 1 || !converted {
            dct(&jpeg, asset.bytes.to_vec())
        } else if options.cmyk && !options.grey {
            flate(crate::images::decode(asset)?, options)?
        } else {
            let grey = crate::images::decode(asset)?.into_luma8();
            let mut out = Vec::new();
            jpeg_encoder::Encoder::new(&mut out, GREY_JPEG_QUALITY)
                .encode(
                    grey.as_raw(),
                    // Images are at most 20,000 px a side (`images::MAX_SIDE`).
                    grey.width() as u16,
                    grey.height() as u16,
                    jpeg_encoder::ColorType::Luma,
                )
                .map_err(|e| e.to_string())?;
            let jpeg = read_jpeg(&out).ok_or("the grey JPEG could not be read back")?;
            dct(&jpeg, out)
        }
    } else if asset.format == ImageFormat::Png
        && let Some(png) =
            read_png(&asset.bytes).filter(|p| p.colours == 1 || !(options.grey || options.cmyk))
    {
        // Its own compressed rows, as they are: nothing to decode or deflate.
        let colour_space = if png.colours == 1 {
            "DeviceGray"
        } else {
            "DeviceRGB"
        };
        let mut dict = image_dict(png.width, png.height, colour_space, "FlateDecode");
        dict.insert(
            "DecodeParms".into(),
            predictor_parms(png.width, i64::from(png.colours)),
        );
        (dict, png.data)
    } else {
        flate(crate::images::decode(asset)?, options)?
    };
    Ok(ExternalXObject {
        stream: ExternalStream {
            dict,
            content,
            // Already filtered: quire's stream compression must leave it alone.
            compress: false,
        },
        width: Some(Px(asset.width as usize)),
        height: Some(Px(asset.height as usize)),
        dpi: None,
    })
}

/// What the PDF needs from a JPEG's frame header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Jpeg {
    width: u16,
    height: u16,
    components: u8,
    /// An Adobe APP14 marker: its four-channel data are stored inverted (Photoshop's CMYK).
    adobe: bool,
}

/// Reads a JPEG's markers up to its frame header; `None` when the PDF's
/// `DCTDecode` cannot take it as it is (lossless, hierarchical or arithmetic
/// coding, 12-bit samples, two components, a malformed file).
fn read_jpeg(bytes: &[u8]) -> Option<Jpeg> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut adobe = false;
    let mut at = 2;
    while at + 4 <= bytes.len() {
        if bytes[at] != 0xFF {
            return None;
        }
        let marker = bytes[at + 1];
        // Fill bytes before a marker.
        if marker == 0xFF {
            at += 1;
            continue;
        }
        let length = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
        let segment = bytes.get(at + 4..at + 2 + length)?;
        match marker {
            0xEE if segment.starts_with(b"Adobe") => adobe = true,
            // Baseline, extended sequential and progressive Huffman-coded frames.
            0xC0..=0xC2 => {
                let [precision, h1, h2, w1, w2, components, ..] = *segment else {
                    return None;
                };
                let jpeg = Jpeg {
                    width: u16::from_be_bytes([w1, w2]),
                    height: u16::from_be_bytes([h1, h2]),
                    components,
                    adobe,
                };
                return (precision == 8 && matches!(components, 1 | 3 | 4) && jpeg.height > 0)
                    .then_some(jpeg);
            }
            // Any other frame, or a scan before a frame.
            0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF | 0xDA | 0xD9 => return None,
            _ => {}
        }
        at += 2 + length;
    }
    None
}

/// A PNG whose compressed rows the PDF reads as they are.
#[derive(Debug, PartialEq)]
struct Png {
    width: u32,
    height: u32,
    colours: u8,
    /// The IDAT chunks' data, joined: a zlib stream of rows filtered with PNG
    /// predictors, which is `FlateDecode` with `/Predictor 15`.
    data: Vec<u8>,
}

/// Reads a PNG's chunks; `None` unless it is 8-bit grey or RGB, not
/// interlaced, without a transparency chunk (anything else is decoded).
fn read_png(bytes: &[u8]) -> Option<Png> {
    let mut at = bytes.strip_prefix(b"\x89PNG\r\n\x1a\n").map(|_| 8)?;
    let mut png: Option<Png> = None;
    while let Some(header) = bytes.get(at..at + 8) {
        let length = u32::from_be_bytes(header[..4].try_into().ok()?) as usize;
        let data = bytes.get(at + 8..at + 8 + length)?;
        match &header[4..] {
            b"IHDR" => {
                let [
                    w1,
                    w2,
                    w3,
                    w4,
                    h1,
                    h2,
                    h3,
                    h4,
                    depth,
                    colour,
                    _,
                    _,
                    interlace,
                ] = *data
                else {
                    return None;
                };
                let colours = match colour {
                    0 => 1,
                    2 => 3,
                    _ => return None,
                };
                if depth != 8 || interlace != 0 {
                    return None;
                }
                png = Some(Png {
                    width: u32::from_be_bytes([w1, w2, w3, w4]),
                    height: u32::from_be_bytes([h1, h2, h3, h4]),
                    colours,
                    data: Vec::new(),
                });
            }
            b"tRNS" => return None,
            b"IDAT" => png.as_mut()?.data.extend_from_slice(data),
            b"IEND" => return png.filter(|p| !p.data.is_empty()),
            _ => {}
        }
        // Length, type, data and CRC.
        at += 12 + length;
    }
    None
}

type Dict = BTreeMap<String, DictItem>;

fn image_dict(width: u32, height: u32, colour_space: &str, filter: &str) -> Dict {
    let name = |n: &str| DictItem::Name(n.as_bytes().to_vec());
    BTreeMap::from([
        ("Type".to_string(), name("XObject")),
        ("Subtype".to_string(), name("Image")),
        ("Width".to_string(), DictItem::Int(i64::from(width))),
        ("Height".to_string(), DictItem::Int(i64::from(height))),
        ("ColorSpace".to_string(), name(colour_space)),
        ("BitsPerComponent".to_string(), DictItem::Int(8)),
        ("Filter".to_string(), name(filter)),
    ])
}

/// A JPEG's own bytes under `DCTDecode`.
fn dct(jpeg: &Jpeg, bytes: Vec<u8>) -> (Dict, Vec<u8>) {
    let colour_space = match jpeg.components {
        1 => "DeviceGray",
        3 => "DeviceRGB",
        _ => "DeviceCMYK",
    };
    let mut dict = image_dict(
        u32::from(jpeg.width),
        u32::from(jpeg.height),
        colour_space,
        "DCTDecode",
    );
    if jpeg.components == 4 && jpeg.adobe {
        dict.insert(
            "Decode".into(),
            DictItem::Array([1, 0, 1, 0, 1, 0, 1, 0].map(DictItem::Int).to_vec()),
        );
    }
    (dict, bytes)
}

/// Decoded pixels, deflated: grey or RGB, with the alpha channel as a soft
/// mask or composited on white.
fn flate(decoded: DynamicImage, options: Options) -> Result<(Dict, Vec<u8>), String> {
    let (width, height) = (decoded.width(), decoded.height());
    let colour = decoded.color();
    let grey = options.grey || colour.channel_count() <= 2;
    let (mut pixels, alpha) = match (grey, colour.has_alpha()) {
        (true, false) => (decoded.into_luma8().into_raw(), None),
        (false, false) => (decoded.into_rgb8().into_raw(), None),
        (true, true) => split_alpha(decoded.into_luma_alpha8().into_raw(), 1),
        (false, true) => split_alpha(decoded.into_rgba8().into_raw(), 3),
    };
    let channels: usize = if grey { 1 } else { 3 };
    // An alpha channel that is opaque everywhere is no transparency.
    let alpha = alpha.filter(|a| a.iter().any(|&v| v < 255));
    let mask = match (alpha, options.transparency) {
        (None, _) => None,
        (Some(alpha), Transparency::SoftMask) => Some(alpha),
        (Some(alpha), Transparency::Flatten) => {
            flatten_on_white(&mut pixels, &alpha, channels);
            None
        }
    };
    let (pixels, channels, colour_space) = if grey {
        (pixels, channels, "DeviceGray")
    } else if options.cmyk {
        (super::colour::rgb_to_cmyk(&pixels)?, 4, "DeviceCMYK")
    } else {
        (pixels, channels, "DeviceRGB")
    };
    let mut dict = image_dict(width, height, colour_space, "FlateDecode");
    dict.insert(
        "DecodeParms".into(),
        predictor_parms(width, channels as i64),
    );
    if let Some(mask) = mask {
        let mut mask_dict = image_dict(width, height, "DeviceGray", "FlateDecode");
        mask_dict.insert("DecodeParms".into(), predictor_parms(width, 1));
        dict.insert(
            "SMask".into(),
            DictItem::Stream {
                stream: ExternalStream {
                    dict: mask_dict,
                    content: deflate(&predict(&mask, width as usize, 1)),
                    compress: false,
                },
            },
        );
    }
    let content = deflate(&predict(&pixels, width as usize * channels, channels));
    Ok((dict, content))
}

/// The colour samples and the alpha samples of interleaved pixels.
fn split_alpha(interleaved: Vec<u8>, channels: usize) -> (Vec<u8>, Option<Vec<u8>>) {
    let count = interleaved.len() / (channels + 1);
    let mut colour = Vec::with_capacity(count * channels);
    let mut alpha = Vec::with_capacity(count);
    for pixel in interleaved.chunks_exact(channels + 1) {
        colour.extend_from_slice(&pixel[..channels]);
        alpha.push(pixel[channels]);
    }
    (colour, Some(alpha))
}

/// Composites colour samples on white, each pixel by its alpha: what a
/// transparent pixel shows on a white page, with no transparency left in the file.
pub fn flatten_on_white(colour: &mut [u8], alpha: &[u8], channels: usize) {
    for (pixel, &a) in colour.chunks_exact_mut(channels).zip(alpha) {
        for c in pixel {
            *c = crate::images::over_white(*c, a);
        }
    }
}

fn predictor_parms(width: u32, colours: i64) -> DictItem {
    DictItem::Dict {
        map: BTreeMap::from([
            // PNG predictors, chosen row by row.
            ("Predictor".to_string(), DictItem::Int(15)),
            ("Colors".to_string(), DictItem::Int(colours)),
            ("BitsPerComponent".to_string(), DictItem::Int(8)),
            ("Columns".to_string(), DictItem::Int(i64::from(width))),
        ]),
    }
}

/// Rows of `row_len` bytes, each filtered with the PNG predictor that leaves
/// the smallest sum of absolute differences (libpng's heuristic) and
/// prefixed with its type, as `/Predictor 15` reads them.
fn predict(samples: &[u8], row_len: usize, bpp: usize) -> Vec<u8> {
    let rows = samples.len().checked_div(row_len).unwrap_or(0);
    let mut out = Vec::with_capacity(samples.len() + rows);
    let zero = vec![0u8; row_len];
    let mut candidate = vec![0u8; row_len];
    let mut best = vec![0u8; row_len];
    for r in 0..rows {
        let row = &samples[r * row_len..(r + 1) * row_len];
        let up = if r == 0 {
            &zero[..]
        } else {
            &samples[(r - 1) * row_len..r * row_len]
        };
        let mut best_score = u64::MAX;
        let mut best_type = 0;
        for filter in 0..5u8 {
            let mut score = 0u64;
            for i in 0..row_len {
                let (a, c) = if i >= bpp {
                    (row[i - bpp], up[i - bpp])
                } else {
                    (0, 0)
                };
                let b = up[i];
                let predicted = match filter {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => ((u16::from(a) + u16::from(b)) / 2) as u8,
                    _ => paeth(a, b, c),
                };
                let v = row[i].wrapping_sub(predicted);
                candidate[i] = v;
                score += u64::from((v as i8).unsigned_abs());
            }
            if score < best_score {
                best_score = score;
                best_type = filter;
                std::mem::swap(&mut best, &mut candidate);
            }
        }
        out.push(best_type);
        out.extend_from_slice(&best);
    }
    out
}

fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let p = i16::from(a) + i16::from(b) - i16::from(c);
    let (pa, pb, pc) = (
        (p - i16::from(a)).abs(),
        (p - i16::from(b)).abs(),
        (p - i16::from(c)).abs(),
    );
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

fn deflate(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::ZlibEncoder::new(
        Vec::with_capacity(bytes.len() / 4),
        flate2::Compression::default(),
    );
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Undoes [`predict`], as a PDF reader does.
    fn unpredict(data: &[u8], row_len: usize, bpp: usize) -> Vec<u8> {
        let mut out: Vec<u8> = Vec::new();
        for (r, row) in data.chunks_exact(row_len + 1).enumerate() {
            let start = out.len();
            for i in 0..row_len {
                let a = if i >= bpp { out[start + i - bpp] } else { 0 };
                let b = if r > 0 { out[start - row_len + i] } else { 0 };
                let c = if r > 0 && i >= bpp {
                    out[start - row_len + i - bpp]
                } else {
                    0
                };
                let predicted = match row[0] {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => ((u16::from(a) + u16::from(b)) / 2) as u8,
                    _ => paeth(a, b, c),
                };
                out.push(row[1 + i].wrapping_add(predicted));
            }
        }
        out
    }

    #[test]
    fn predictors_round_trip_and_pay() {
        // A smooth gradient with a little texture, three channels.
        let (width, height) = (37, 23);
        let samples: Vec<u8> = (0..height)
            .flat_map(|y| {
                (0..width)
                    .flat_map(move |x| [(x * 5 + y) as u8, (y * 7) as u8, ((x ^ y) * 3) as u8])
            })
            .collect();
        let predicted = predict(&samples, width * 3, 3);
        assert_eq!(predicted.len(), samples.len() + height);
        assert_eq!(unpredict(&predicted, width * 3, 3), samples);
        assert!(deflate(&predicted).len() < deflate(&samples).len());
    }

    fn png(image: DynamicImage) -> ImageAsset {
        let bytes = crate::images::encode_png(&image);
        crate::images::check("manuscript/a.png", bytes.into()).unwrap()
    }

    fn name(dict: &Dict, key: &str) -> String {
        match dict.get(key) {
            Some(DictItem::Name(n)) => String::from_utf8(n.clone()).unwrap(),
            other => panic!("{key}: {other:?}"),
        }
    }

    const PLAIN: Options = Options {
        grey: false,
        cmyk: false,
        transparency: Transparency::Flatten,
    };

    #[test]
    fn a_jpeg_passes_through_unchanged() {
        let photo = DynamicImage::ImageRgb8(image::RgbImage::from_fn(40, 30, |x, y| {
            image::Rgb([x as u8 * 6, y as u8 * 8, 90])
        }));
        let bytes = crate::images::encode_jpeg(&photo, 90);
        let asset = crate::images::check("manuscript/p.jpg", bytes.clone().into()).unwrap();
        let x = xobject(&asset, PLAIN).unwrap();
        assert_eq!(x.stream.content, bytes);
        assert_eq!(name(&x.stream.dict, "Filter"), "DCTDecode");
        assert_eq!(name(&x.stream.dict, "ColorSpace"), "DeviceRGB");
        // In grey, a new grey JPEG of the same size.
        let grey = xobject(
            &asset,
            Options {
                grey: true,
                ..PLAIN
            },
        )
        .unwrap();
        assert_eq!(name(&grey.stream.dict, "ColorSpace"), "DeviceGray");
        assert_eq!(name(&grey.stream.dict, "Filter"), "DCTDecode");
        let back = image::load_from_memory(&grey.stream.content).unwrap();
        assert_eq!(back.color(), image::ColorType::L8);
        assert_eq!((back.width(), back.height()), (40, 30));
    }

    #[test]
    fn jpeg_headers_the_pdf_cannot_take_are_decoded() {
        let photo = DynamicImage::ImageRgb8(image::RgbImage::new(8, 8));
        let baseline = crate::images::encode_jpeg(&photo, 90);
        assert_eq!(
            read_jpeg(&baseline).map(|j| (j.width, j.height, j.components)),
            Some((8, 8, 3))
        );
        let mut lossless = baseline.clone();
        let sof = lossless.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
        lossless[sof + 1] = 0xC3;
        assert_eq!(read_jpeg(&lossless), None);
        let mut twelve_bit = baseline.clone();
        twelve_bit[sof + 4] = 12;
        assert_eq!(read_jpeg(&twelve_bit), None);
        assert_eq!(read_jpeg(&baseline[..20]), None);
        assert_eq!(read_jpeg(b"not a jpeg"), None);
    }

    #[test]
    fn cmyk_jpegs_from_adobe_are_read_inverted() {
        let mut bytes = Vec::new();
        jpeg_encoder::Encoder::new(&mut bytes, 90)
            .encode(&[0u8; 4 * 16], 4, 4, jpeg_encoder::ColorType::Cmyk)
            .unwrap();
        let jpeg = read_jpeg(&bytes).unwrap();
        assert!(jpeg.adobe && jpeg.components == 4);
        let (dict, content) = dct(&jpeg, bytes.clone());
        assert_eq!(content, bytes);
        assert_eq!(name(&dict, "ColorSpace"), "DeviceCMYK");
        assert!(matches!(dict.get("Decode"), Some(DictItem::Array(a)) if a.len() == 8));
    }

    #[test]
    fn an_opaque_png_keeps_its_own_compressed_rows() {
        let plate = DynamicImage::ImageRgb8(image::RgbImage::from_fn(30, 20, |x, y| {
            image::Rgb([x as u8 * 8, y as u8 * 12, 200])
        }));
        let asset = png(plate.clone());
        let x = xobject(&asset, PLAIN).unwrap();
        assert_eq!(name(&x.stream.dict, "Filter"), "FlateDecode");
        // The file's IDAT data, byte for byte, read back as the pixels.
        let idat = read_png(&asset.bytes).unwrap().data;
        assert_eq!(x.stream.content, idat);
        assert!(asset.bytes.len() - idat.len() < 100);
        assert_eq!(
            unpredict(&inflate(&idat), 90, 3),
            plate.to_rgb8().into_raw()
        );
        // In grey it is converted; with alpha or a palette it is decoded.
        let grey = xobject(
            &asset,
            Options {
                grey: true,
                ..PLAIN
            },
        )
        .unwrap();
        assert_eq!(name(&grey.stream.dict, "ColorSpace"), "DeviceGray");
        let rgba = DynamicImage::ImageRgba8(plate.to_rgba8());
        assert_eq!(read_png(&crate::images::encode_png(&rgba)), None);
        assert_eq!(read_png(&indexed_png(&[1, 2, 3], &[255], &[0])), None);
        assert_eq!(read_png(&asset.bytes[..asset.bytes.len() - 20]), None);
    }

    #[test]
    fn transparency_is_masked_or_flattened() {
        // Opaque red on the left, clear on the right, half-clear in the middle.
        let art = DynamicImage::ImageRgba8(image::RgbaImage::from_fn(3, 1, |x, _| {
            image::Rgba([200, 0, 0, [255, 128, 0][x as usize]])
        }));
        let flat = xobject(&png(art.clone()), PLAIN).unwrap();
        assert!(!flat.stream.dict.contains_key("SMask"));
        let pixels = unpredict(&inflate(&flat.stream.content[..]), 9, 3);
        assert_eq!(pixels, [200, 0, 0, 227, 127, 127, 255, 255, 255]);
        let masked = xobject(
            &png(art),
            Options {
                transparency: Transparency::SoftMask,
                ..PLAIN
            },
        )
        .unwrap();
        let Some(DictItem::Stream { stream }) = masked.stream.dict.get("SMask") else {
            panic!("no soft mask");
        };
        let alpha = inflate(&stream.content[..]);
        assert_eq!(unpredict(&alpha, 3, 1), [255, 128, 0]);
    }

    #[test]
    fn grey_with_alpha_and_palettes_with_trns_keep_their_transparency() {
        let la = DynamicImage::ImageLumaA8(image::GrayAlphaImage::from_fn(2, 1, |x, _| {
            image::LumaA([0, if x == 0 { 255 } else { 0 }])
        }));
        let x = xobject(&png(la), PLAIN).unwrap();
        assert_eq!(name(&x.stream.dict, "ColorSpace"), "DeviceGray");
        let pixels: Vec<u8> = inflate(&x.stream.content[..]);
        assert_eq!(unpredict(&pixels, 2, 1), [0, 255]);

        // An indexed PNG whose second colour is transparent (tRNS).
        let bytes = indexed_png(&[10, 20, 30, 0, 0, 0], &[255, 0], &[0, 1]);
        let asset = crate::images::check("manuscript/p.png", bytes.into()).unwrap();
        let x = xobject(&asset, PLAIN).unwrap();
        let pixels: Vec<u8> = inflate(&x.stream.content[..]);
        assert_eq!(unpredict(&pixels, 6, 3), [10, 20, 30, 255, 255, 255]);
    }

    /// A one-row 8-bit indexed PNG, written chunk by chunk.
    fn indexed_png(palette: &[u8], trns: &[u8], row: &[u8]) -> Vec<u8> {
        fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
            out.extend_from_slice(&(data.len() as u32).to_be_bytes());
            let mut crc = flate2::Crc::new();
            crc.update(kind);
            crc.update(data);
            out.extend_from_slice(kind);
            out.extend_from_slice(data);
            out.extend_from_slice(&crc.sum().to_be_bytes());
        }
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut header = (row.len() as u32).to_be_bytes().to_vec();
        header.extend_from_slice(&1u32.to_be_bytes());
        header.extend_from_slice(&[8, 3, 0, 0, 0]);
        chunk(&mut out, b"IHDR", &header);
        chunk(&mut out, b"PLTE", palette);
        chunk(&mut out, b"tRNS", trns);
        let mut raw = vec![0];
        raw.extend_from_slice(row);
        chunk(&mut out, b"IDAT", &deflate(&raw));
        chunk(&mut out, b"IEND", &[]);
        out
    }

    fn inflate(bytes: &[u8]) -> Vec<u8> {
        use std::io::Read;
        let mut out = Vec::new();
        flate2::read::ZlibDecoder::new(bytes)
            .read_to_end(&mut out)
            .unwrap();
        out
    }
}
