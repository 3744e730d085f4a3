//! Output file names from the book's title: `none-of-us-are-free.epub`,
//! `1984.epub`, `mayak.epub` for «Маяк». Print-on-demand and store uploads
//! (KDP, IngramSpark, Kobo Writing Life, Google Play's partner centre) are
//! safest with names in ASCII, and `quire check` holds every store edition
//! to A–Z, 0–9, `-`, `_` and `.`; so the name is the title in lowercase
//! ASCII words joined by hyphens: accents are dropped (`Café` → `cafe`),
//! Cyrillic and Greek transliterated (`Маяк` → `mayak`, `Οδύσσεια` →
//! `odysseia`), and letters of other scripts left out, with `book` when
//! nothing is left. Unlike the XML ids ([`crate::parse::slug`]), a name may
//! start with a digit: nothing is invented in front of it.

use unicode_normalization::UnicodeNormalization;

/// The longest name, in characters, before its extension.
const MOST: usize = 60;

/// The file stem for a book titled `title`: lowercase ASCII letters and
/// digits, words joined by single hyphens, at most 60 characters, cut at a
/// word; `book` when the title has no letter or digit quire can spell in ASCII.
pub fn file_stem(title: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    for c in title.nfc() {
        if c.is_ascii_alphanumeric() {
            word.push(c.to_ascii_lowercase());
            continue;
        }
        if matches!(c, '\'' | '’' | 'ʼ') {
            // An apostrophe joins its word (`Oakhurst’s` → `oakhursts`), as
            // authors name their files.
            continue;
        }
        // A letter with its own spelling (`й`, `ё`, whose marks matter), or
        // else its decomposition: the base letter kept, the accents dropped.
        let spelled = match transliterate(c) {
            Some(spelling) => {
                word.push_str(spelling);
                true
            }
            None => {
                let mut any = false;
                for part in std::iter::once(c).nfd() {
                    if part.is_ascii_alphanumeric() {
                        word.push(part.to_ascii_lowercase());
                        any = true;
                    } else if let Some(spelling) = transliterate(part) {
                        word.push_str(spelling);
                        any = true;
                    }
                }
                any
            }
        };
        // Anything else parts words: spaces, punctuation, and letters of
        // scripts with no ASCII spelling here.
        if !spelled && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    let mut stem = String::new();
    for word in words {
        let extra = usize::from(!stem.is_empty()) + word.len();
        if stem.len() + extra > MOST {
            if stem.is_empty() {
                // One long word: cut it rather than lose it.
                stem = word.chars().take(MOST).collect();
            }
            break;
        }
        if !stem.is_empty() {
            stem.push('-');
        }
        stem.push_str(&word);
    }
    if stem.is_empty() {
        "book".to_string()
    } else {
        stem
    }
}

/// The ASCII spelling of a letter that is not ASCII: Latin letters that do
/// not decompose, Cyrillic (Russian, Ukrainian, Belarusian, Serbian,
/// Macedonian, Bulgarian and Kazakh letters; the BGN/PCGN-style spellings a
/// reader of English expects) and Greek (ELOT 743). Letters are matched in
/// lower case; `None` for anything else.
fn transliterate(c: char) -> Option<&'static str> {
    let lower = c.to_lowercase().next().unwrap_or(c);
    Some(match lower {
        // Latin letters with no decomposition.
        'ß' => "ss",
        'æ' => "ae",
        'œ' => "oe",
        'ø' => "o",
        'ł' => "l",
        'đ' | 'ð' => "d",
        'þ' => "th",
        'ı' => "i",
        'ħ' => "h",
        'ŋ' => "ng",
        // Cyrillic, the letters with marks first: decomposed, `й` would be
        // `и` and `ё` would be `е`.
        'й' => "y",
        'ё' => "yo",
        'ї' => "yi",
        'ў' => "u",
        'ѓ' => "gj",
        'ќ' => "kj",
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'д' => "d",
        'е' => "e",
        'ж' => "zh",
        'з' => "z",
        'и' => "i",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' => "u",
        'ф' => "f",
        'х' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ъ' | 'ь' => "",
        'ы' => "y",
        'э' => "e",
        'ю' => "yu",
        'я' => "ya",
        'є' => "ye",
        'і' => "i",
        'ґ' => "g",
        'ђ' => "dj",
        'ј' => "j",
        'љ' => "lj",
        'њ' => "nj",
        'ћ' => "c",
        'џ' => "dz",
        'ѕ' => "dz",
        'ә' => "a",
        'ғ' => "g",
        'қ' => "q",
        'ң' => "n",
        'ө' => "o",
        'ұ' | 'ү' => "u",
        'һ' => "h",
        // Greek.
        'α' => "a",
        'β' => "v",
        'γ' => "g",
        'δ' => "d",
        'ε' => "e",
        'ζ' => "z",
        'η' => "i",
        'θ' => "th",
        'ι' => "i",
        'κ' => "k",
        'λ' => "l",
        'μ' => "m",
        'ν' => "n",
        'ξ' => "x",
        'ο' => "o",
        'π' => "p",
        'ρ' => "r",
        'σ' | 'ς' => "s",
        'τ' => "t",
        'υ' => "y",
        'φ' => "f",
        'χ' => "ch",
        'ψ' => "ps",
        'ω' => "o",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_invent_nothing_in_front_of_a_digit() {
        assert_eq!(file_stem("1984"), "1984");
        assert_eq!(file_stem("2001: A Space Odyssey"), "2001-a-space-odyssey");
        assert_eq!(file_stem("None of Us Are Free"), "none-of-us-are-free");
        assert_eq!(
            file_stem("Moby-Dick; or, The Whale"),
            "moby-dick-or-the-whale"
        );
        assert_eq!(file_stem("Lord Oakhurst’s Curse"), "lord-oakhursts-curse");
    }

    #[test]
    fn names_are_ascii_transliterated_or_book() {
        assert_eq!(file_stem("Маяк"), "mayak");
        assert_eq!(file_stem("Ёлка и щука"), "yolka-i-shchuka");
        assert_eq!(file_stem("Війна і мир"), "viyna-i-mir");
        assert_eq!(file_stem("Οδύσσεια"), "odysseia");
        assert_eq!(
            file_stem("Café Müller à Göteborg"),
            "cafe-muller-a-goteborg"
        );
        assert_eq!(file_stem("Straße"), "strasse");
        assert_eq!(file_stem("Abai Жолы"), "abai-zholy");
        // Scripts with no spelling here are left out; nothing left is `book`.
        assert_eq!(file_stem("東京 Stories"), "stories");
        assert_eq!(file_stem("東京物語"), "book");
        assert_eq!(file_stem("…"), "book");
        for title in ["Маяк", "Οδύσσεια", "Café", "東京物語", "1984"] {
            assert!(
                file_stem(title)
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-')
            );
        }
    }

    #[test]
    fn long_titles_are_cut_at_a_word() {
        let stem = file_stem(
            "The Life and Strange Surprizing Adventures of Robinson Crusoe, of York, Mariner",
        );
        assert!(stem.len() <= MOST, "{stem}");
        assert_eq!(
            stem,
            "the-life-and-strange-surprizing-adventures-of-robinson"
        );
        assert_eq!(file_stem(&"a".repeat(100)).len(), MOST);
    }
}
