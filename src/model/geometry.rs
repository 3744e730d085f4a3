//! Units and page sizes: points (1/72 in) everywhere inside quire, and the
//! trim sizes printers sell.

use std::fmt;
use std::ops::{Add, AddAssign, Div, Mul, Neg, Sub, SubAssign};

/// A length in PostScript points (1/72 inch).
#[derive(
    Debug, Clone, Copy, PartialEq, PartialOrd, Default, serde::Serialize, serde::Deserialize,
)]
pub struct Pt(pub f64);

impl Pt {
    pub const ZERO: Pt = Pt(0.0);

    pub fn from_inches(inches: f64) -> Pt {
        Pt(inches * 72.0)
    }

    pub fn from_mm(mm: f64) -> Pt {
        Pt(mm * 72.0 / 25.4)
    }

    pub fn inches(self) -> f64 {
        self.0 / 72.0
    }

    pub fn max(self, other: Pt) -> Pt {
        Pt(self.0.max(other.0))
    }

    pub fn min(self, other: Pt) -> Pt {
        Pt(self.0.min(other.0))
    }
}

impl Add for Pt {
    type Output = Pt;
    fn add(self, rhs: Pt) -> Pt {
        Pt(self.0 + rhs.0)
    }
}

impl AddAssign for Pt {
    fn add_assign(&mut self, rhs: Pt) {
        self.0 += rhs.0;
    }
}

impl Sub for Pt {
    type Output = Pt;
    fn sub(self, rhs: Pt) -> Pt {
        Pt(self.0 - rhs.0)
    }
}

impl SubAssign for Pt {
    fn sub_assign(&mut self, rhs: Pt) {
        self.0 -= rhs.0;
    }
}

impl Mul<f64> for Pt {
    type Output = Pt;
    fn mul(self, rhs: f64) -> Pt {
        Pt(self.0 * rhs)
    }
}

impl Div<f64> for Pt {
    type Output = Pt;
    fn div(self, rhs: f64) -> Pt {
        Pt(self.0 / rhs)
    }
}

impl Neg for Pt {
    type Output = Pt;
    fn neg(self) -> Pt {
        Pt(-self.0)
    }
}

impl fmt::Display for Pt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.2}pt", self.0)
    }
}

/// The finished page size of the printed book.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Trim {
    pub width: Pt,
    pub height: Pt,
}

/// Named trims (KDP's common list, plus A5 and the usual names).
const PRESETS: [(&str, f64, f64); 10] = [
    ("trade", 6.0, 9.0),
    ("us-trade", 6.0, 9.0),
    ("digest", 5.5, 8.5),
    ("a5", 5.83, 8.27),
    ("pocket", 4.25, 6.87),
    ("royal", 6.14, 9.21),
    ("letter", 8.5, 11.0),
    ("novella", 5.0, 8.0),
    ("crown", 7.44, 9.69),
    ("executive", 7.0, 10.0),
];

impl Trim {
    /// Parses `"6x9"`, `"5.5 x 8.5"`, `"5.5in x 8.5in"`, `"148mm x 210mm"` or a preset name.
    /// A number without a unit is in inches.
    pub fn parse(text: &str) -> Result<Trim, String> {
        let normal: String = text
            .to_ascii_lowercase()
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| if c == '×' { 'x' } else { c })
            .collect();
        if let Some((_, w, h)) = PRESETS.iter().find(|(name, _, _)| *name == normal) {
            return Ok(Trim {
                width: Pt::from_inches(*w),
                height: Pt::from_inches(*h),
            });
        }
        let (w, h) = normal
            .split_once('x')
            .ok_or_else(|| "expected width x height".to_string())?;
        let width = parse_length(w)?;
        let height = parse_length(h)?;
        if width.inches() < 3.0
            || height.inches() < 4.0
            || width.inches() > 14.0
            || height.inches() > 17.0
        {
            return Err("printers take 3–14 in wide and 4–17 in tall".into());
        }
        if width.0 > height.0 {
            return Err("width is larger than height; quire sets portrait books".into());
        }
        Ok(Trim { width, height })
    }
}

fn parse_length(text: &str) -> Result<Pt, String> {
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a length"))?;
    match unit {
        "" | "in" | "\"" => Ok(Pt::from_inches(value)),
        "mm" => Ok(Pt::from_mm(value)),
        "cm" => Ok(Pt::from_mm(value * 10.0)),
        "pt" => Ok(Pt(value)),
        other => Err(format!("unknown unit `{other}` (use in, mm, cm or pt)")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims() {
        let t = Trim::parse("6x9").unwrap();
        assert_eq!((t.width.0, t.height.0), (432.0, 648.0));
        let t = Trim::parse("5.5in x 8.5in").unwrap();
        assert_eq!((t.width.0, t.height.0), (396.0, 612.0));
        let t = Trim::parse("148mm x 210mm").unwrap();
        assert!((t.width.0 - 419.53).abs() < 0.01);
        assert_eq!(
            Trim::parse("A5").unwrap(),
            Trim::parse("5.83x8.27").unwrap()
        );
        assert!(Trim::parse("9x6").is_err());
        assert!(Trim::parse("6 by 9").is_err());
        assert!(Trim::parse("6furlong x 9").is_err());
    }
}
