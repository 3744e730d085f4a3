//! Chapter numbering: the label a chapter (or a part, a letter, a book) is
//! given ("Chapter One", "Drittes Kapitel", "Глава 5", "Part Two", "IX") in
//! the book's language, and reading a heading that already carries its
//! number ([`read`]), so that it is not numbered twice.
//!
//! Spelled-out numbers are written for English, German, French, Spanish and
//! Russian ([`words`]); other languages get the English label.

mod read;
mod words;

pub use read::{HeadingNumber, Written, read_number, roman_value};

use words::{english, french, german_ordinal, russian_ordinal, spanish};

/// How a chapter's label shows its number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LabelForm {
    /// "Chapter One" (en), "Erstes Kapitel" (de), "Chapitre premier" / "Chapitre deux" (fr), "Capítulo uno" (es), "Глава первая" (ru)
    Words,
    /// "Chapter I", "Kapitel I", "Chapitre I", "Capítulo I", "Глава I"
    Roman,
    /// "Chapter 1", "Kapitel 1", "Chapitre 1", "Capítulo 1", "Глава 1"
    Arabic,
    /// just "1"
    Numeral,
    /// just "I"
    RomanNumeral,
}

impl LabelForm {
    /// Names as written in book.toml: "words", "roman", "arabic", "numeral", "roman-numeral".
    pub const ALL: [(&'static str, LabelForm); 5] = [
        ("words", LabelForm::Words),
        ("roman", LabelForm::Roman),
        ("arabic", LabelForm::Arabic),
        ("numeral", LabelForm::Numeral),
        ("roman-numeral", LabelForm::RomanNumeral),
    ];

    pub fn parse(name: &str) -> Option<LabelForm> {
        Self::ALL
            .iter()
            .find(|(known, _)| *known == name)
            .map(|&(_, form)| form)
    }
}

/// What the author calls a numbered unit of the book: the word before its
/// number ("Chapter 4", "Letter IV", "Book Two"). Books, parts and volumes
/// group chapters; the others are chapters under another name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    Chapter,
    Letter,
    Stave,
    Canto,
    Book,
    Part,
    Volume,
}

impl Unit {
    pub const ALL: [Unit; 7] = [
        Unit::Chapter,
        Unit::Letter,
        Unit::Stave,
        Unit::Canto,
        Unit::Book,
        Unit::Part,
        Unit::Volume,
    ];

    /// Books, parts and volumes hold chapters.
    pub fn is_part(self) -> bool {
        matches!(self, Unit::Book | Unit::Part | Unit::Volume)
    }

    /// The words that name the unit in `lang`, the label's first; `None`
    /// when the language has no word for it (English's is read instead).
    fn words(self, lang: Language) -> &'static [&'static str] {
        use Language::*;
        match (self, lang) {
            (Unit::Chapter, En) => &["Chapter", "Chap"],
            (Unit::Chapter, De) => &["Kapitel"],
            (Unit::Chapter, Fr) => &["Chapitre"],
            (Unit::Chapter, Es) => &["Capítulo", "Cap"],
            (Unit::Chapter, Ru) => &["Глава"],
            (Unit::Letter, En) => &["Letter"],
            (Unit::Letter, De) => &["Brief"],
            (Unit::Letter, Fr) => &["Lettre"],
            (Unit::Letter, Es) => &["Carta"],
            (Unit::Letter, Ru) => &["Письмо"],
            (Unit::Stave, En) => &["Stave"],
            (Unit::Canto, En | Es) => &["Canto"],
            (Unit::Canto, De) => &["Gesang"],
            (Unit::Canto, Fr) => &["Chant"],
            (Unit::Canto, Ru) => &["Песнь"],
            (Unit::Book, En) => &["Book"],
            (Unit::Book, De) => &["Buch"],
            (Unit::Book, Fr) => &["Livre"],
            (Unit::Book, Es) => &["Libro"],
            (Unit::Book, Ru) => &["Книга"],
            (Unit::Part, En) => &["Part"],
            (Unit::Part, De) => &["Teil"],
            (Unit::Part, Fr) => &["Partie"],
            (Unit::Part, Es) => &["Parte"],
            (Unit::Part, Ru) => &["Часть"],
            (Unit::Volume, En) => &["Volume", "Vol"],
            (Unit::Volume, De) => &["Band"],
            (Unit::Volume, Fr) => &["Tome"],
            (Unit::Volume, Es) => &["Tomo"],
            (Unit::Volume, Ru) => &["Том"],
            (Unit::Stave, _) => &[],
        }
    }

    /// The word a label writes: the language's own, or English's.
    fn label_word(self, lang: Language) -> &'static str {
        self.words(lang)
            .first()
            .or_else(|| self.words(Language::En).first())
            .copied()
            .unwrap_or("Chapter")
    }
}

/// The label for chapter `number` (from 1) in `language` (a BCP 47 tag such as
/// "en", "en-GB", "de-CH", "fr", "es-MX", "ru"; only the primary subtag
/// matters, and the region only for English's "and"). Other languages get the
/// English label ("Chapter One"); numbers [`number_word`] cannot spell get
/// arabic figures in the Words form ("Chapter 1000").
pub fn chapter_label(form: LabelForm, number: u32, language: &str) -> String {
    label(form, Unit::Chapter, number, language)
}

/// The label of any unit: "Chapter One", "Part Two", "Letter IV", "Zweiter
/// Teil", "Часть третья". A Words label other than a chapter's, in a language
/// whose word for the unit takes another gender or order than its chapter
/// word (French, Spanish, Russian letters and volumes), is written with a
/// roman numeral ("Livre II").
pub fn label(form: LabelForm, unit: Unit, number: u32, language: &str) -> String {
    let lang = Language::of(language);
    let word = unit.label_word(lang);
    let with = |n: &str| format!("{word} {n}");
    match form {
        LabelForm::Numeral => number.to_string(),
        LabelForm::RomanNumeral => roman(number),
        LabelForm::Arabic => with(&number.to_string()),
        LabelForm::Roman => with(&roman(number)),
        LabelForm::Words => {
            let Some(spelled) = number_word(number, language) else {
                return with(&number.to_string());
            };
            match (lang, unit) {
                // No word of the language's own: the English one, with a roman numeral.
                _ if unit.words(lang).is_empty() => with(&roman(number)),
                (Language::En, _) | (_, Unit::Chapter) if lang != Language::De => with(&spelled),
                // German ordinals agree with the noun: "Drittes Kapitel", "Dritter Teil".
                (Language::De, _) => {
                    let masculine =
                        matches!(unit, Unit::Part | Unit::Letter | Unit::Volume | Unit::Canto);
                    match spelled.strip_suffix("es") {
                        Some(stem) if masculine => format!("{stem}er {word}"),
                        _ => format!("{spelled} {word}"),
                    }
                }
                // Russian ordinals are feminine, as "часть", "книга" and "песнь" are.
                (Language::Ru, Unit::Part | Unit::Book | Unit::Canto) => with(&spelled),
                _ => with(&roman(number)),
            }
        }
    }
}

/// Roman numerals, upper case, 1..=3999 (others: arabic figures).
pub fn roman(number: u32) -> String {
    const DIGITS: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    if !(1..=3999).contains(&number) {
        return number.to_string();
    }
    let mut left = number;
    let mut out = String::new();
    for (value, digit) in DIGITS {
        while left >= value {
            out.push_str(digit);
            left -= value;
        }
    }
    out
}

/// Largest number spelled out, in every language.
const MAX_SPELLED: u32 = 999;

/// Chapter `number` in words, as the Words label uses it: English cardinals in
/// Title Case ("Twenty-One"; "One Hundred and Five" in en-GB, "One Hundred
/// Five" elsewhere), German neuter ordinals ("Drittes"), French "premier" then
/// cardinals ("deux", "vingt et un"), Spanish cardinals ("veintiuno"), Russian
/// feminine ordinals ("двадцать первая"). Other languages get English. None
/// outside 1..=999.
pub fn number_word(number: u32, language: &str) -> Option<String> {
    if !(1..=MAX_SPELLED).contains(&number) {
        return None;
    }
    Some(match Language::of(language) {
        Language::En => english(number, is_british(language)),
        Language::De => german_ordinal(number),
        Language::Fr if number == 1 => "premier".to_owned(),
        Language::Fr => french(number),
        Language::Es => spanish(number),
        Language::Ru => russian_ordinal(number),
    })
}

/// The languages with their own labels; any other is English.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Language {
    En,
    De,
    Fr,
    Es,
    Ru,
}

impl Language {
    const ALL: [Language; 5] = [
        Language::En,
        Language::De,
        Language::Fr,
        Language::Es,
        Language::Ru,
    ];

    fn of(tag: &str) -> Language {
        let primary = tag.split(['-', '_']).next().unwrap_or_default();
        match primary.to_ascii_lowercase().as_str() {
            "de" => Language::De,
            "fr" => Language::Fr,
            "es" => Language::Es,
            "ru" => Language::Ru,
            _ => Language::En,
        }
    }
}

/// English with the British "and" ("One Hundred and Five"): the region is GB.
fn is_british(tag: &str) -> bool {
    let mut subtags = tag.split(['-', '_']);
    subtags.next().is_some_and(|p| p.eq_ignore_ascii_case("en"))
        // Regions are the only two-letter subtags before the extensions,
        // which start with a single-letter subtag.
        && subtags
            .take_while(|s| s.len() != 1)
            .any(|s| s.eq_ignore_ascii_case("gb"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roman_numerals() {
        let cases = [
            (1, "I"),
            (4, "IV"),
            (9, "IX"),
            (14, "XIV"),
            (40, "XL"),
            (56, "LVI"),
            (90, "XC"),
            (400, "CD"),
            (1994, "MCMXCIV"),
            (3888, "MMMDCCCLXXXVIII"),
            (3999, "MMMCMXCIX"),
        ];
        for (n, numeral) in cases {
            assert_eq!(roman(n), numeral);
        }
        assert_eq!(roman(0), "0");
        assert_eq!(roman(4000), "4000");
    }

    #[test]
    fn label_forms_by_name() {
        for (name, form) in LabelForm::ALL {
            assert_eq!(LabelForm::parse(name), Some(form));
        }
        assert_eq!(
            LabelForm::parse("roman-numeral"),
            Some(LabelForm::RomanNumeral)
        );
        assert_eq!(LabelForm::parse("Words"), None);
        assert_eq!(LabelForm::parse(""), None);
    }

    #[test]
    fn words_only_within_range() {
        assert_eq!(number_word(0, "en"), None);
        assert_eq!(number_word(1000, "de"), None);
        assert_eq!(number_word(3, "ja").as_deref(), Some("Three"));
    }

    #[test]
    fn labels() {
        use LabelForm::*;
        let cases = [
            (Words, "en", "Chapter One"),
            (Words, "de", "Erstes Kapitel"),
            (Words, "fr", "Chapitre premier"),
            (Words, "es", "Capítulo uno"),
            (Words, "ru", "Глава первая"),
            (Roman, "en", "Chapter I"),
            (Roman, "de", "Kapitel I"),
            (Roman, "fr", "Chapitre I"),
            (Roman, "es", "Capítulo I"),
            (Roman, "ru", "Глава I"),
            (Arabic, "en", "Chapter 1"),
            (Arabic, "de-CH", "Kapitel 1"),
            (Arabic, "fr", "Chapitre 1"),
            (Arabic, "es", "Capítulo 1"),
            (Arabic, "ru", "Глава 1"),
            (Numeral, "de", "1"),
            (RomanNumeral, "ru", "I"),
            // Other languages are labelled in English.
            (Words, "ja", "Chapter One"),
            (Roman, "nl", "Chapter I"),
            (Arabic, "it-IT", "Chapter 1"),
        ];
        for (form, language, label) in cases {
            assert_eq!(chapter_label(form, 1, language), label);
        }
        assert_eq!(chapter_label(Words, 2, "fr"), "Chapitre deux");
        assert_eq!(chapter_label(Words, 21, "de"), "Einundzwanzigstes Kapitel");
        assert_eq!(
            chapter_label(Words, 105, "en-GB"),
            "Chapter One Hundred and Five"
        );
        assert_eq!(chapter_label(Words, 105, "en"), "Chapter One Hundred Five");
        assert_eq!(chapter_label(Words, 21, "ru"), "Глава двадцать первая");
    }

    #[test]
    fn labels_beyond_spelling_use_figures() {
        use LabelForm::*;
        assert_eq!(chapter_label(Words, 1000, "en"), "Chapter 1000");
        assert_eq!(chapter_label(Words, 1000, "de"), "Kapitel 1000");
        assert_eq!(chapter_label(Words, 0, "fr"), "Chapitre 0");
        assert_eq!(chapter_label(Roman, 4000, "es"), "Capítulo 4000");
        assert_eq!(chapter_label(RomanNumeral, 4000, "en"), "4000");
    }
}
