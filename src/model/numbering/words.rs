//! Numbers spelled out in the five languages with their own labels: what a
//! Words label writes ("Twenty-One", "Drittes", "vingt et un", "veintiuno",
//! "двадцать первая") and every spelling a manuscript may use instead
//! (English ordinals, "and" or not; German endings for each gender; French
//! "un"), folded for comparison.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::read::is_hyphen;
use super::{Language, MAX_SPELLED};

const EN_ONES: [&str; 20] = [
    "",
    "One",
    "Two",
    "Three",
    "Four",
    "Five",
    "Six",
    "Seven",
    "Eight",
    "Nine",
    "Ten",
    "Eleven",
    "Twelve",
    "Thirteen",
    "Fourteen",
    "Fifteen",
    "Sixteen",
    "Seventeen",
    "Eighteen",
    "Nineteen",
];
const EN_TENS: [&str; 10] = [
    "", "", "Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety",
];

pub(super) fn english(number: u32, british: bool) -> String {
    let below_100 = |n: u32| match (n / 10, n % 10) {
        _ if n < 20 => EN_ONES[n as usize].to_owned(),
        (tens, 0) => EN_TENS[tens as usize].to_owned(),
        (tens, ones) => format!("{}-{}", EN_TENS[tens as usize], EN_ONES[ones as usize]),
    };
    match (number / 100, number % 100) {
        (0, rest) => below_100(rest),
        (hundreds, 0) => format!("{} Hundred", EN_ONES[hundreds as usize]),
        (hundreds, rest) => {
            let and = if british { " and" } else { "" };
            format!(
                "{} Hundred{and} {}",
                EN_ONES[hundreds as usize],
                below_100(rest)
            )
        }
    }
}

const DE_ONES: [&str; 20] = [
    "",
    "ein",
    "zwei",
    "drei",
    "vier",
    "fünf",
    "sechs",
    "sieben",
    "acht",
    "neun",
    "zehn",
    "elf",
    "zwölf",
    "dreizehn",
    "vierzehn",
    "fünfzehn",
    "sechzehn",
    "siebzehn",
    "achtzehn",
    "neunzehn",
];
const DE_TENS: [&str; 10] = [
    "", "", "zwanzig", "dreißig", "vierzig", "fünfzig", "sechzig", "siebzig", "achtzig", "neunzig",
];
/// Ordinal stems below twenty, the irregular ones ("erst", "dritt", "siebt").
const DE_ORDINAL_ONES: [&str; 20] = [
    "",
    "erst",
    "zweit",
    "dritt",
    "viert",
    "fünft",
    "sechst",
    "siebt",
    "acht",
    "neunt",
    "zehnt",
    "elft",
    "zwölft",
    "dreizehnt",
    "vierzehnt",
    "fünfzehnt",
    "sechzehnt",
    "siebzehnt",
    "achtzehnt",
    "neunzehnt",
];

/// "Erstes", "Einundzwanzigstes", "Hundertstes": neuter and without an article,
/// to stand before "Kapitel".
pub(super) fn german_ordinal(number: u32) -> String {
    let (hundreds, rest) = (number / 100, number % 100);
    let mut word = match hundreds {
        0 => String::new(),
        1 => "hundert".to_owned(),
        h => format!("{}hundert", DE_ONES[h as usize]),
    };
    match (rest / 10, rest % 10) {
        _ if rest == 0 => word.push_str("st"),
        _ if rest < 20 => word.push_str(DE_ORDINAL_ONES[rest as usize]),
        (tens, 0) => word.push_str(DE_TENS[tens as usize]),
        (tens, ones) => {
            word.push_str(DE_ONES[ones as usize]);
            word.push_str("und");
            word.push_str(DE_TENS[tens as usize]);
        }
    }
    if rest >= 20 {
        word.push_str("st");
    }
    word.push_str("es");
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

const FR_ONES: [&str; 20] = [
    "", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze",
    "douze", "treize", "quatorze", "quinze", "seize", "dix-sept", "dix-huit", "dix-neuf",
];
const FR_TENS: [&str; 7] = [
    "",
    "",
    "vingt",
    "trente",
    "quarante",
    "cinquante",
    "soixante",
];

/// French cardinals (standard France forms: "soixante-dix", "quatre-vingts").
pub(super) fn french(number: u32) -> String {
    let below_100 = |n: u32| match n {
        0..20 => FR_ONES[n as usize].to_owned(),
        20..70 => match (FR_TENS[n as usize / 10], n % 10) {
            (tens, 0) => tens.to_owned(),
            (tens, 1) => format!("{tens} et un"),
            (tens, ones) => format!("{tens}-{}", FR_ONES[ones as usize]),
        },
        71 => "soixante et onze".to_owned(),
        70..80 => format!("soixante-{}", FR_ONES[n as usize - 60]),
        80 => "quatre-vingts".to_owned(),
        _ => format!("quatre-vingt-{}", FR_ONES[n as usize - 80]),
    };
    match (number / 100, number % 100) {
        (0, rest) => below_100(rest),
        (1, 0) => "cent".to_owned(),
        (1, rest) => format!("cent {}", below_100(rest)),
        (hundreds, 0) => format!("{} cents", FR_ONES[hundreds as usize]),
        (hundreds, rest) => format!("{} cent {}", FR_ONES[hundreds as usize], below_100(rest)),
    }
}

/// Below thirty, each is one word ("veintiuno").
const ES_ONES: [&str; 30] = [
    "",
    "uno",
    "dos",
    "tres",
    "cuatro",
    "cinco",
    "seis",
    "siete",
    "ocho",
    "nueve",
    "diez",
    "once",
    "doce",
    "trece",
    "catorce",
    "quince",
    "dieciséis",
    "diecisiete",
    "dieciocho",
    "diecinueve",
    "veinte",
    "veintiuno",
    "veintidós",
    "veintitrés",
    "veinticuatro",
    "veinticinco",
    "veintiséis",
    "veintisiete",
    "veintiocho",
    "veintinueve",
];
const ES_TENS: [&str; 10] = [
    "",
    "",
    "",
    "treinta",
    "cuarenta",
    "cincuenta",
    "sesenta",
    "setenta",
    "ochenta",
    "noventa",
];
const ES_HUNDREDS: [&str; 10] = [
    "",
    "ciento",
    "doscientos",
    "trescientos",
    "cuatrocientos",
    "quinientos",
    "seiscientos",
    "setecientos",
    "ochocientos",
    "novecientos",
];

pub(super) fn spanish(number: u32) -> String {
    let below_100 = |n: u32| match (n / 10, n % 10) {
        _ if n < 30 => ES_ONES[n as usize].to_owned(),
        (tens, 0) => ES_TENS[tens as usize].to_owned(),
        (tens, ones) => format!("{} y {}", ES_TENS[tens as usize], ES_ONES[ones as usize]),
    };
    match (number / 100, number % 100) {
        (1, 0) => "cien".to_owned(),
        (0, rest) => below_100(rest),
        (hundreds, 0) => ES_HUNDREDS[hundreds as usize].to_owned(),
        (hundreds, rest) => format!("{} {}", ES_HUNDREDS[hundreds as usize], below_100(rest)),
    }
}

const RU_ORDINAL_ONES: [&str; 20] = [
    "",
    "первая",
    "вторая",
    "третья",
    "четвёртая",
    "пятая",
    "шестая",
    "седьмая",
    "восьмая",
    "девятая",
    "десятая",
    "одиннадцатая",
    "двенадцатая",
    "тринадцатая",
    "четырнадцатая",
    "пятнадцатая",
    "шестнадцатая",
    "семнадцатая",
    "восемнадцатая",
    "девятнадцатая",
];
const RU_TENS: [&str; 10] = [
    "",
    "",
    "двадцать",
    "тридцать",
    "сорок",
    "пятьдесят",
    "шестьдесят",
    "семьдесят",
    "восемьдесят",
    "девяносто",
];
const RU_ORDINAL_TENS: [&str; 10] = [
    "",
    "",
    "двадцатая",
    "тридцатая",
    "сороковая",
    "пятидесятая",
    "шестидесятая",
    "семидесятая",
    "восьмидесятая",
    "девяностая",
];
const RU_HUNDREDS: [&str; 10] = [
    "",
    "сто",
    "двести",
    "триста",
    "четыреста",
    "пятьсот",
    "шестьсот",
    "семьсот",
    "восемьсот",
    "девятьсот",
];
const RU_ORDINAL_HUNDREDS: [&str; 10] = [
    "",
    "сотая",
    "двухсотая",
    "трёхсотая",
    "четырёхсотая",
    "пятисотая",
    "шестисотая",
    "семисотая",
    "восьмисотая",
    "девятисотая",
];

/// Feminine, to agree with "глава"; only the last word is an ordinal
/// ("сто двадцать первая").
pub(super) fn russian_ordinal(number: u32) -> String {
    let (hundreds, rest) = (number / 100, number % 100);
    if rest == 0 {
        return RU_ORDINAL_HUNDREDS[hundreds as usize].to_owned();
    }
    let mut words = Vec::with_capacity(3);
    if hundreds > 0 {
        words.push(RU_HUNDREDS[hundreds as usize]);
    }
    match (rest / 10, rest % 10) {
        _ if rest < 20 => words.push(RU_ORDINAL_ONES[rest as usize]),
        (tens, 0) => words.push(RU_ORDINAL_TENS[tens as usize]),
        (tens, ones) => words.extend([RU_TENS[tens as usize], RU_ORDINAL_ONES[ones as usize]]),
    }
    words.join(" ")
}

/// Spelled numbers of one language, by their [`fold`]ed spelling: what
/// [`number_word`] writes, and the variants a manuscript may use instead
/// (English with or without "and", French "un").
pub(super) fn spellings(lang: Language) -> &'static HashMap<String, u32> {
    static TABLES: [OnceLock<HashMap<String, u32>>; 5] = [const { OnceLock::new() }; 5];
    TABLES[lang as usize].get_or_init(|| {
        let mut table = HashMap::new();
        for n in 1..=MAX_SPELLED {
            let words = match lang {
                Language::En => vec![english(n, false), english(n, true)],
                // "Drittes Kapitel", "Dritter Teil", "Dritte Abteilung".
                Language::De => {
                    let neuter = german_ordinal(n);
                    let stem = neuter.trim_end_matches("es");
                    vec![format!("{stem}er"), format!("{stem}e"), neuter]
                }
                Language::Fr => vec![french(n)],
                Language::Es => vec![spanish(n)],
                Language::Ru => vec![russian_ordinal(n)],
            };
            for word in words {
                table.insert(fold(&word), n);
            }
        }
        if lang == Language::Fr {
            table.insert("premier".to_owned(), 1);
        }
        table
    })
}

/// A spelling for comparison: lower case, hyphens and runs of spaces as one
/// space, and without the marks manuscripts leave out or that change in
/// capitals ("dieciseis", "четвертая", "DREISSIGSTES").
pub(super) fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        match c {
            c if c.is_whitespace() || is_hyphen(c) => {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            'á' => out.push('a'),
            'é' => out.push('e'),
            'í' => out.push('i'),
            'ó' => out.push('o'),
            'ú' => out.push('u'),
            'ё' => out.push('е'),
            'ß' => out.push_str("ss"),
            c => out.push(c),
        }
    }
    out
}

/// English ordinals, folded, as "Chapter the First" writes them: read only
/// after a unit word ("First" alone is a title).
pub(super) fn english_ordinals() -> &'static HashMap<String, u32> {
    static TABLE: OnceLock<HashMap<String, u32>> = OnceLock::new();
    TABLE.get_or_init(|| {
        (1..=MAX_SPELLED)
            .flat_map(|n| {
                [
                    (english_ordinal(n, false), n),
                    (english_ordinal(n, true), n),
                ]
            })
            .map(|(word, n)| (fold(&word), n))
            .collect()
    })
}

/// English ordinals in Title Case, as "Chapter the Twenty-First" writes them.
pub(super) fn english_ordinal(number: u32, british: bool) -> String {
    let cardinal = english(number, british);
    let (head, last) = match cardinal.rfind([' ', '-']) {
        Some(at) => cardinal.split_at(at + 1),
        None => ("", cardinal.as_str()),
    };
    let last = match last {
        "One" => "First".to_owned(),
        "Two" => "Second".to_owned(),
        "Three" => "Third".to_owned(),
        "Five" => "Fifth".to_owned(),
        "Eight" => "Eighth".to_owned(),
        "Nine" => "Ninth".to_owned(),
        "Twelve" => "Twelfth".to_owned(),
        tens if tens.ends_with('y') => format!("{}ieth", &tens[..tens.len() - 1]),
        other => format!("{other}th"),
    };
    format!("{head}{last}")
}

/// Whether `word` (the first word of a heading) can begin a cardinal
/// spelled in `lang` ("Twenty-One", "vingt", "dieciséis"): a cheap test, so
/// a heading that is no number never builds the spelling tables. German and
/// Russian chapters are ordinals, never read bare: always false.
pub(super) fn may_begin_cardinal(word: &str, lang: Language) -> bool {
    let first = fold(word.split(is_hyphen).next().unwrap_or_default());
    let any = |list: &[&str]| list.iter().any(|w| !w.is_empty() && fold(w) == first);
    match lang {
        Language::En => any(&EN_ONES) || any(&EN_TENS),
        Language::Fr => {
            any(&FR_ONES) || any(&FR_TENS) || any(&["cent", "quatre", "soixante", "premier"])
        }
        Language::Es => any(&ES_ONES) || any(&ES_TENS) || any(&ES_HUNDREDS) || first == "cien",
        Language::De | Language::Ru => false,
    }
}

#[cfg(test)]
mod tests {
    use super::super::number_word;

    #[test]
    fn english_words() {
        let cases = [
            (1, "One"),
            (13, "Thirteen"),
            (20, "Twenty"),
            (21, "Twenty-One"),
            (99, "Ninety-Nine"),
            (100, "One Hundred"),
            (105, "One Hundred Five"),
            (999, "Nine Hundred Ninety-Nine"),
        ];
        for (n, word) in cases {
            assert_eq!(number_word(n, "en").as_deref(), Some(word));
        }
        assert_eq!(
            number_word(105, "en-GB").as_deref(),
            Some("One Hundred and Five")
        );
        assert_eq!(
            number_word(105, "en-Latn-GB").as_deref(),
            Some("One Hundred and Five")
        );
        assert_eq!(
            number_word(105, "en-US").as_deref(),
            Some("One Hundred Five")
        );
        assert_eq!(number_word(100, "en-GB").as_deref(), Some("One Hundred"));
    }

    #[test]
    fn german_words() {
        let cases = [
            (1, "Erstes"),
            (2, "Zweites"),
            (3, "Drittes"),
            (7, "Siebtes"),
            (8, "Achtes"),
            (12, "Zwölftes"),
            (19, "Neunzehntes"),
            (20, "Zwanzigstes"),
            (21, "Einundzwanzigstes"),
            (30, "Dreißigstes"),
            (100, "Hundertstes"),
            (101, "Hunderterstes"),
            (200, "Zweihundertstes"),
            (327, "Dreihundertsiebenundzwanzigstes"),
        ];
        for (n, word) in cases {
            assert_eq!(number_word(n, "de").as_deref(), Some(word));
        }
    }

    #[test]
    fn french_words() {
        let cases = [
            (1, "premier"),
            (2, "deux"),
            (17, "dix-sept"),
            (21, "vingt et un"),
            (22, "vingt-deux"),
            (61, "soixante et un"),
            (70, "soixante-dix"),
            (71, "soixante et onze"),
            (72, "soixante-douze"),
            (80, "quatre-vingts"),
            (81, "quatre-vingt-un"),
            (91, "quatre-vingt-onze"),
            (100, "cent"),
            (101, "cent un"),
            (200, "deux cents"),
            (280, "deux cent quatre-vingts"),
            (999, "neuf cent quatre-vingt-dix-neuf"),
        ];
        for (n, word) in cases {
            assert_eq!(number_word(n, "fr").as_deref(), Some(word));
        }
    }

    #[test]
    fn spanish_words() {
        let cases = [
            (1, "uno"),
            (16, "dieciséis"),
            (21, "veintiuno"),
            (22, "veintidós"),
            (30, "treinta"),
            (31, "treinta y uno"),
            (100, "cien"),
            (101, "ciento uno"),
            (500, "quinientos"),
            (999, "novecientos noventa y nueve"),
        ];
        for (n, word) in cases {
            assert_eq!(number_word(n, "es-MX").as_deref(), Some(word));
        }
    }

    #[test]
    fn russian_words() {
        let cases = [
            (1, "первая"),
            (2, "вторая"),
            (4, "четвёртая"),
            (21, "двадцать первая"),
            (40, "сороковая"),
            (100, "сотая"),
            (121, "сто двадцать первая"),
            (300, "трёхсотая"),
            (250, "двести пятидесятая"),
        ];
        for (n, word) in cases {
            assert_eq!(number_word(n, "ru").as_deref(), Some(word));
        }
    }
}
