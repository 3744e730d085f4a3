//! Chapter numbering: the label a chapter is given ("Chapter One", "Drittes
//! Kapitel", "Глава 5", "IX") in the book's language, and recognising a
//! heading that already carries its number, so that it is not numbered twice.
//!
//! Spelled-out numbers are written for English, German, French, Spanish and
//! Russian; other languages get the English label.

use std::collections::HashMap;
use std::sync::OnceLock;

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

/// The label for chapter `number` (from 1) in `language` (a BCP 47 tag such as
/// "en", "en-GB", "de-CH", "fr", "es-MX", "ru"; only the primary subtag
/// matters, and the region only for English's "and"). Other languages get the
/// English label ("Chapter One"); numbers [`number_word`] cannot spell get
/// arabic figures in the Words form ("Chapter 1000").
pub fn chapter_label(form: LabelForm, number: u32, language: &str) -> String {
    let lang = Language::of(language);
    match form {
        LabelForm::Numeral => number.to_string(),
        LabelForm::RomanNumeral => roman(number),
        LabelForm::Arabic => lang.label(&number.to_string()),
        LabelForm::Roman => lang.label(&roman(number)),
        LabelForm::Words => match (lang, number_word(number, language)) {
            (Language::De, Some(word)) => format!("{word} Kapitel"),
            (_, Some(word)) => lang.label(&word),
            (_, None) => lang.label(&number.to_string()),
        },
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

/// A heading that already starts with its chapter number: the number and the
/// byte offset in `title` where the rest of the title starts (after the number
/// and any separator: ". ", ": ", " — ", " – ", " - ", ".", whitespace), or
/// None. The offset is `title.len()` when nothing follows.
///
/// Recognises a chapter word with a number ("Chapter 56", "Chapter LVI",
/// "Chapter Twenty-One", "Drittes Kapitel", "3. Kapitel", "Глава первая") in
/// the book's language and in English, and a bare number set off by a
/// separator or the end ("IX. The Sermon", "12 — Title", "7"). A bare roman
/// numeral must be upper case and canonical, and a bare number below 1000, so
/// that "I Am Legend", "Mix", "DIM" and "1984" are titles, not numbers.
pub fn leading_number(title: &str, language: &str) -> Option<(u32, usize)> {
    let start = title.len() - title.trim_start().len();
    let heading = &title[start..];
    // The book's language first, then the others: a chapter word is
    // distinctive enough ("Kapitel 3" in an English book is still numbered).
    let book = Language::of(language);
    let others = [
        Language::En,
        Language::De,
        Language::Fr,
        Language::Es,
        Language::Ru,
    ];
    let (number, end) = std::iter::once(book)
        .chain(others.into_iter().filter(|&l| l != book))
        .find_map(|lang| labelled(heading, lang))
        .or_else(|| bare(heading))?;
    Some((number, rest_start(title, start + end)))
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

    fn chapter_word(self) -> &'static str {
        match self {
            Language::En => "Chapter",
            Language::De => "Kapitel",
            Language::Fr => "Chapitre",
            Language::Es => "Capítulo",
            Language::Ru => "Глава",
        }
    }

    /// The label with the chapter word first, as all five put figures.
    fn label(self, number: &str) -> String {
        format!("{} {number}", self.chapter_word())
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

fn english(number: u32, british: bool) -> String {
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
fn german_ordinal(number: u32) -> String {
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
fn french(number: u32) -> String {
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

fn spanish(number: u32) -> String {
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
fn russian_ordinal(number: u32) -> String {
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
fn spellings(lang: Language) -> &'static HashMap<String, u32> {
    static TABLES: [OnceLock<HashMap<String, u32>>; 5] = [const { OnceLock::new() }; 5];
    TABLES[lang as usize].get_or_init(|| {
        let mut table = HashMap::new();
        for n in 1..=MAX_SPELLED {
            let words = match lang {
                Language::En => vec![english(n, false), english(n, true)],
                Language::De => vec![german_ordinal(n)],
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

/// Most words in a spelled number ("Nine Hundred and Ninety-Nine", "deux cent
/// soixante et onze"), and one to spare.
const MAX_WORDS: usize = 6;

/// A chapter word with its number, in `lang`, at the start of `heading`: the
/// number and where it (or, after a German number, "Kapitel") ends.
fn labelled(heading: &str, lang: Language) -> Option<(u32, usize)> {
    chapter_word_first(heading, lang).or_else(|| {
        (lang == Language::De)
            .then(|| german_number_first(heading))
            .flatten()
    })
}

/// "Chapter 56", "Chapter LVI", "Chapter iv", "Chapter Twenty-One".
fn chapter_word_first(heading: &str, lang: Language) -> Option<(u32, usize)> {
    let word_end = word(heading, 0, lang.chapter_word())?;
    let at = skip_space(heading, word_end);
    if at == word_end {
        return None;
    }
    // German spells its number before "Kapitel", not after.
    let spelled = (lang != Language::De)
        .then(|| spelled(heading, at, lang))
        .flatten();
    // Words first: French "dix" is also a roman numeral.
    [spelled, numeral(heading, at, true)]
        .into_iter()
        .flatten()
        .find(|&(_, end)| closes(heading, end))
}

/// "Drittes Kapitel", "3. Kapitel", "III. Kapitel".
fn german_number_first(heading: &str) -> Option<(u32, usize)> {
    let (number, end) = spelled(heading, 0, Language::De).or_else(|| {
        let (number, end) = numeral(heading, 0, true)?;
        heading[end..].starts_with('.').then_some((number, end + 1))
    })?;
    let at = skip_space(heading, end);
    let kapitel_end = word(heading, at, Language::De.chapter_word()).filter(|_| at > end)?;
    closes(heading, kapitel_end).then_some((number, kapitel_end))
}

/// A number at the start of a heading with no chapter word: arabic or upper
/// case roman, set off by a separator or the end.
fn bare(heading: &str) -> Option<(u32, usize)> {
    let (number, end) = numeral(heading, 0, false)?;
    // "1984", "MCMLXXXIV": a year is a title, not a chapter number.
    let year = number >= 1000 || (heading.starts_with(|c: char| c.is_ascii_digit()) && end > 3);
    (!year && separated(&heading[end..])).then_some((number, end))
}

/// Arabic figures, or a canonical roman numeral (upper case, or with
/// `lower_ok` all lower case), as a whole word at `from`.
fn numeral(text: &str, from: usize, lower_ok: bool) -> Option<(u32, usize)> {
    let rest = &text[from..];
    let len = rest
        .find(|c: char| !c.is_alphanumeric())
        .unwrap_or(rest.len());
    let word = &rest[..len];
    let number = if !word.is_empty() && word.bytes().all(|b| b.is_ascii_digit()) {
        word.parse().ok()?
    } else if lower_ok && word.bytes().all(|b| b.is_ascii_lowercase()) {
        roman_value(&word.to_ascii_uppercase())?
    } else {
        roman_value(word)?
    };
    Some((number, from + len))
}

/// The value of an upper case roman numeral, if it is written the canonical
/// way (so "IIII", "VX" and "IC" are not numerals).
fn roman_value(numeral: &str) -> Option<u32> {
    // "MMMDCCCLXXXVIII" is the longest.
    if numeral.is_empty() || numeral.len() > 15 {
        return None;
    }
    let digit = |b: u8| match b {
        b'I' => Some(1),
        b'V' => Some(5),
        b'X' => Some(10),
        b'L' => Some(50),
        b'C' => Some(100),
        b'D' => Some(500),
        b'M' => Some(1000),
        _ => None,
    };
    let digits = numeral.bytes().map(digit).collect::<Option<Vec<i32>>>()?;
    let total: i32 = digits
        .iter()
        .enumerate()
        .map(|(i, &d)| match digits.get(i + 1) {
            Some(&next) if next > d => -d,
            _ => d,
        })
        .sum();
    let total = u32::try_from(total).ok()?;
    (roman(total) == numeral).then_some(total)
}

/// A number spelled in `lang`'s words at `from`, the longest run of words that
/// spells one ("One Hundred and Five", not "One").
fn spelled(text: &str, from: usize, lang: Language) -> Option<(u32, usize)> {
    let mut ends = Vec::with_capacity(MAX_WORDS);
    let mut at = from;
    while ends.len() < MAX_WORDS {
        let end = word_end(text, at);
        if end == at {
            break;
        }
        ends.push(end);
        at = skip_space(text, end);
        if at == end {
            break;
        }
    }
    let table = spellings(lang);
    ends.iter()
        .rev()
        .find_map(|&end| table.get(&fold(&text[from..end])).map(|&n| (n, end)))
}

/// Where `expected` ends when it is the whole word at `from`, in any case.
fn word(text: &str, from: usize, expected: &str) -> Option<usize> {
    let end = word_end(text, from);
    (end > from && fold(&text[from..end]) == fold(expected)).then_some(end)
}

/// The end of the word at `from`: letters, and hyphens between letters
/// ("Twenty-One"); `from` itself when no letter is there.
fn word_end(text: &str, from: usize) -> usize {
    let mut end = from;
    let mut chars = text[from..].char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let joins = is_hyphen(c)
            && end == from + i
            && end > from
            && chars.peek().is_some_and(|&(_, next)| next.is_alphabetic());
        if c.is_alphabetic() {
            end = from + i + c.len_utf8();
        } else if !joins {
            break;
        }
    }
    end
}

fn skip_space(text: &str, from: usize) -> usize {
    text.len() - text[from..].trim_start().len()
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}')
}

/// Whether what follows a bare number sets it off as one: nothing, or ".",
/// ":", a dash (a hyphen only with a space before it) and then a space or
/// nothing. "12 Angry Men" and "I Am Legend" are not numbered.
fn separated(rest: &str) -> bool {
    let trimmed = rest.trim_start();
    let spaced = trimmed.len() < rest.len();
    let mut chars = trimmed.chars();
    match chars.next() {
        None => return true,
        Some('.' | ':' | '—' | '–') => {}
        Some('-') if spaced => {}
        Some(_) => return false,
    }
    chars.next().is_none_or(char::is_whitespace)
}

/// Whether a number after a chapter word ends at `end`: as a bare number
/// would, or before a space ("Chapter 12 Angry Men" is numbered).
fn closes(text: &str, end: usize) -> bool {
    let rest = &text[end..];
    separated(rest) || rest.starts_with(char::is_whitespace)
}

/// Where the title proper starts after the number ending at `end`.
fn rest_start(title: &str, end: usize) -> usize {
    let rest = title[end..].trim_start_matches(|c: char| {
        c.is_whitespace() || matches!(c, '.' | ':' | '—' | '–' | '-')
    });
    title.len() - rest.len()
}

/// A spelling for comparison: lower case, hyphens and runs of spaces as one
/// space, and without the marks manuscripts leave out or that change in
/// capitals ("dieciseis", "четвертая", "DREISSIGSTES").
fn fold(text: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    const LANGUAGES: [&str; 10] = [
        "en", "en-GB", "en-US", "de", "de-CH", "fr", "es", "es-MX", "ru", "ja",
    ];

    /// The number and the rest of the title, for readable assertions.
    fn split<'a>(title: &'a str, language: &str) -> Option<(u32, &'a str)> {
        leading_number(title, language).map(|(n, at)| (n, &title[at..]))
    }

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
    fn roman_values_are_canonical() {
        for n in 1..=3999 {
            assert_eq!(roman_value(&roman(n)), Some(n));
        }
        for numeral in [
            "", "IIII", "VX", "IC", "IL", "XM", "VV", "MMMM", "DIM", "iv", "IXI",
        ] {
            assert_eq!(roman_value(numeral), None, "{numeral}");
        }
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

    #[test]
    fn chapter_words_with_numbers() {
        let cases = [
            ("Chapter 56. The Whale", "en", 56, "The Whale"),
            ("CHAPTER 1. Loomings", "en", 1, "Loomings"),
            ("Chapter LVI: X", "en", 56, "X"),
            ("Chapter iv", "en", 4, ""),
            ("Chapter One — X", "en", 1, "X"),
            ("Chapter Twenty-One", "en", 21, ""),
            ("chapter twenty one: Night", "en", 21, "Night"),
            ("Chapter Ninety-Nine", "en", 99, ""),
            ("Chapter One Hundred and Five – Home", "en", 105, "Home"),
            ("Chapter One Hundred Five", "en-GB", 105, ""),
            ("Chapter 12 Angry Men", "en", 12, "Angry Men"),
            ("Chapter 1000", "en", 1000, ""),
            ("Kapitel 3", "de", 3, ""),
            ("Kapitel III. Die Reise", "de", 3, "Die Reise"),
            ("Drittes Kapitel", "de", 3, ""),
            ("Drittes Kapitel: Die Reise", "de", 3, "Die Reise"),
            ("DREISSIGSTES KAPITEL", "de", 30, ""),
            ("3. Kapitel", "de", 3, ""),
            ("IV. Kapitel – Heimkehr", "de", 4, "Heimkehr"),
            ("Chapitre IV", "fr", 4, ""),
            ("Chapitre premier", "fr", 1, ""),
            ("Chapitre un", "fr", 1, ""),
            ("Chapitre dix : La mer", "fr", 10, "La mer"),
            ("Chapitre vingt et un", "fr", 21, ""),
            ("Chapitre quatre-vingt-onze", "fr", 91, ""),
            ("Capítulo 5", "es", 5, ""),
            ("Capítulo uno", "es", 1, ""),
            ("CAPÍTULO DIECISÉIS", "es", 16, ""),
            ("Capitulo dieciseis", "es", 16, ""),
            ("Capítulo treinta y uno. El fin", "es", 31, "El fin"),
            ("Глава 5", "ru", 5, ""),
            ("Глава первая", "ru", 1, ""),
            ("ГЛАВА V", "ru", 5, ""),
            ("Глава четвертая. Ночь", "ru", 4, "Ночь"),
            ("Глава двадцать первая", "ru", 21, ""),
            // English is recognised whatever the book's language.
            ("Chapter 7", "de", 7, ""),
            ("Chapter Seven", "ru", 7, ""),
            ("Chapter 7", "ja", 7, ""),
            ("  Chapter 2.  Two", "en", 2, "Two"),
        ];
        for (title, language, number, rest) in cases {
            assert_eq!(split(title, language), Some((number, rest)), "{title}");
        }
    }

    #[test]
    fn offsets() {
        let title = "Chapter 56. The Whale";
        assert_eq!(
            leading_number(title, "en"),
            Some((56, title.find("The").unwrap()))
        );
        assert_eq!(leading_number("IX", "en"), Some((9, 2)));
        assert_eq!(leading_number("IX.", "en"), Some((9, 3)));
        assert_eq!(leading_number("7", "en"), Some((7, 1)));
        let title = "Глава 5. Ночь";
        assert_eq!(
            leading_number(title, "ru"),
            Some((5, title.find("Ночь").unwrap()))
        );
        let title = "Capítulo uno — Él";
        let (_, at) = leading_number(title, "es").unwrap();
        assert!(title.is_char_boundary(at));
        assert_eq!(&title[at..], "Él");
    }

    #[test]
    fn bare_numbers() {
        let cases = [
            ("IX. The Sermon", 9, "The Sermon"),
            ("IX", 9, ""),
            ("XII: Biographical", 12, "Biographical"),
            (
                "I. A Letter with a Postscript",
                1,
                "A Letter with a Postscript",
            ),
            ("I", 1, ""),
            ("XIV — Night", 14, "Night"),
            ("XIV— Night", 14, "Night"),
            ("III – Day", 3, "Day"),
            ("CMXCIX.", 999, ""),
            ("12. Title", 12, "Title"),
            ("12 — Title", 12, "Title"),
            ("12 - Title", 12, "Title"),
            ("3: Title", 3, "Title"),
            ("7", 7, ""),
            ("7 ", 7, ""),
            ("007. Spies", 7, "Spies"),
        ];
        for (title, number, rest) in cases {
            assert_eq!(split(title, "en"), Some((number, rest)), "{title}");
        }
    }

    #[test]
    fn not_numbers() {
        let cases = [
            "I Am Legend",
            "Mix",
            "MIX",
            "Civil War",
            "CIVIL WAR",
            "DIM",
            "Lima",
            "Vi",
            "iv. Lower",
            "IIII. Not Canonical",
            "I.e. Something",
            "1984",
            "1984. A Year",
            "2001: A Space Odyssey",
            "MCMLXXXIV",
            "12 Angry Men",
            "12th Night",
            "3.14 Pi",
            "12-Title",
            "Etymology",
            "Epilogue",
            "Dedication",
            "Chapter",
            "Chapters 1–3",
            "Chapter and Verse",
            "Chapter 1.2",
            "Chapter Oneness",
            "",
            "   ",
        ];
        for title in cases {
            assert_eq!(leading_number(title, "en"), None, "{title}");
        }
        // Another language's chapter word is read too (a quotation, a translation).
        assert_eq!(leading_number("Kapitel 3", "en"), Some((3, 9)));
        assert_eq!(leading_number("Drittes Kapitel", "fr"), Some((3, 15)));
        assert_eq!(
            leading_number("Глава 2. Вторая", "de"),
            Some((2, "Глава 2. ".len()))
        );
        // German spells its number before "Kapitel".
        assert_eq!(leading_number("Kapitel Drittes", "de"), None);
        assert_eq!(leading_number("Drittes Kapitelchen", "de"), None);
    }

    #[test]
    fn labels_round_trip() {
        use LabelForm::*;
        for language in LANGUAGES {
            for form in [Words, Roman, Arabic, Numeral, RomanNumeral] {
                for n in 1..=120 {
                    let label = chapter_label(form, n, language);
                    assert_eq!(
                        leading_number(&label, language),
                        Some((n, label.len())),
                        "{label} ({language})"
                    );
                    let title = format!("{label}. The Rest");
                    assert_eq!(split(&title, language), Some((n, "The Rest")), "{title}");
                    let upper = label.to_uppercase();
                    assert_eq!(
                        leading_number(&upper, language),
                        Some((n, upper.len())),
                        "{upper}"
                    );
                }
            }
        }
    }

    #[test]
    fn every_spelling_is_recognised() {
        for language in LANGUAGES {
            for n in 1..=MAX_SPELLED {
                let label = chapter_label(LabelForm::Words, n, language);
                assert_eq!(
                    leading_number(&label, language),
                    Some((n, label.len())),
                    "{label}"
                );
            }
        }
    }
}
