//! Colour for PDF/X print covers: the cover's RGB art and colours turned into
//! the CMYK of the output intent every quire PDF/X file declares (Coated
//! FOGRA39), through Little CMS with sRGB as the source profile and the
//! perceptual intent, as a print shop's conversion would. A PDF/X-1a file
//! takes no RGB at all, and an X-4 file with a CMYK intent no device RGB.

use std::sync::OnceLock;

use lcms2::{Intent, PixelFormat, Profile, Transform};

/// The output intent's profile (printpdf embeds the same one in the file),
/// distributed under Adobe's profile bundling agreement beside it.
const FOGRA39: &[u8] = include_bytes!("../../assets/icc/CoatedFOGRA39.icc");

type RgbToCmyk = Transform<[u8; 3], [u8; 4], lcms2::GlobalContext, lcms2::DisallowCache>;

/// The sRGB → Coated FOGRA39 transform, made once per process.
fn transform() -> Result<&'static RgbToCmyk, String> {
    static TRANSFORM: OnceLock<Result<RgbToCmyk, String>> = OnceLock::new();
    TRANSFORM
        .get_or_init(|| {
            let cmyk = Profile::new_icc(FOGRA39).map_err(|e| e.to_string())?;
            Transform::new_flags_context(
                lcms2::GlobalContext::new(),
                &Profile::new_srgb(),
                PixelFormat::RGB_8,
                &cmyk,
                PixelFormat::CMYK_8,
                Intent::Perceptual,
                lcms2::Flags::NO_CACHE,
            )
            .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| format!("the CMYK conversion could not be set up: {e}"))
}

/// RGB samples (three bytes a pixel) as CMYK samples (four a pixel).
pub fn rgb_to_cmyk(rgb: &[u8]) -> Result<Vec<u8>, String> {
    let transform = transform()?;
    let pixels: Vec<[u8; 3]> = rgb.chunks_exact(3).map(|p| [p[0], p[1], p[2]]).collect();
    let mut out = vec![[0u8; 4]; pixels.len()];
    transform.transform_pixels(&pixels, &mut out);
    Ok(out.into_iter().flatten().collect())
}

/// One colour (components 0–1) in CMYK (0–1).
pub fn cmyk_of(rgb: [f32; 3]) -> Result<[f32; 4], String> {
    let byte = |v: f32| (v.clamp(0.0, 1.0) * 255.0).round() as u8;
    let cmyk = rgb_to_cmyk(&[byte(rgb[0]), byte(rgb[1]), byte(rgb[2])])?;
    Ok([0, 1, 2, 3].map(|i| f32::from(cmyk[i]) / 255.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn white_is_no_ink_and_black_is_rich() {
        assert_eq!(cmyk_of([1.0, 1.0, 1.0]).unwrap(), [0.0, 0.0, 0.0, 0.0]);
        let black = cmyk_of([0.0, 0.0, 0.0]).unwrap();
        assert!(black[3] > 0.8, "{black:?}");
        // Total ink within FOGRA39's limit (about 330 %).
        assert!(black.iter().sum::<f32>() < 3.4, "{black:?}");
    }

    #[test]
    fn a_red_is_magenta_and_yellow() {
        let [c, m, y, k] = cmyk_of([0.85, 0.1, 0.1]).unwrap();
        assert!(
            m > 0.8 && y > 0.7 && c < 0.15 && k < 0.15,
            "{c} {m} {y} {k}"
        );
    }
}
