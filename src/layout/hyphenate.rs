//! Hyphenation points from Typst's `hypher` patterns, with the house rules:
//! words of 6 letters or more, at least 2 letters before the hyphen and 3
//! after, never in URLs, e-mail addresses or numbers. A point in a
//! capitalised word is marked, so line breaking can charge more for it,
//! unless the book allows such hyphens as a rule or its language
//! capitalises every noun (German, Luxembourgish). Each distinct word is
//! looked up once.

use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

/// Letters a word needs before it is hyphenated at all.
pub const MIN_WORD: usize = 6;
pub const MIN_BEFORE: usize = 2;
pub const MIN_AFTER: usize = 3;

/// Where a hyphen may go in a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HyphenPoint {
    /// Byte offset in the word.
    pub at: u32,
    /// In a capitalised word (a name, in most languages): allowed at a higher cost.
    pub capitalised: bool,
}

pub struct Hyphenator {
    lang: Option<hypher::Lang>,
    /// Capitalised words hyphenate like any other.
    capitalized: bool,
    cache: HashMap<Box<str>, Arc<[HyphenPoint]>>,
}

/// Languages that capitalise every noun, where a capital says nothing about a name.
fn capitalises_nouns(language: &str) -> bool {
    let code = language.split('-').next().unwrap_or_default();
    matches!(code.to_ascii_lowercase().as_str(), "de" | "lb" | "gsw")
}

/// The hyphenation patterns for a BCP 47 tag's language, if hypher has them.
fn patterns(language: &str) -> Option<hypher::Lang> {
    let code = language
        .split('-')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    match code.as_bytes() {
        [a, b] => hypher::Lang::from_iso([*a, *b]),
        _ => None,
    }
}

/// Whether words in `language` can be hyphenated.
pub fn has_patterns(language: &str) -> bool {
    patterns(language).is_some()
}

impl Hyphenator {
    /// `language` is the book's BCP 47 tag; `None` patterns (an unknown
    /// language, or hyphenation off) mean no automatic hyphens.
    pub fn new(language: &str, enabled: bool, capitalized: bool) -> Hyphenator {
        let lang = patterns(language).filter(|_| enabled);
        Hyphenator {
            lang,
            capitalized: capitalized || capitalises_nouns(language),
            cache: HashMap::default(),
        }
    }

    pub fn is_active(&self) -> bool {
        self.lang.is_some()
    }

    /// Where in `word` a hyphen may be inserted.
    pub fn points(&mut self, word: &str) -> Arc<[HyphenPoint]> {
        if let Some(points) = self.cache.get(word) {
            return points.clone();
        }
        let points: Arc<[HyphenPoint]> = self.compute(word, self.capitalized).into();
        self.cache.insert(word.into(), points.clone());
        points
    }

    fn compute(&self, word: &str, capitalized: bool) -> Vec<HyphenPoint> {
        let Some(lang) = self.lang else {
            return Vec::new();
        };
        if word.contains("://")
            || word.contains('@')
            || word.contains('/')
            || word.starts_with("www.")
            || word.chars().any(|c| c.is_ascii_digit())
        {
            return Vec::new();
        }
        let mut points = Vec::new();
        // Hyphenate each run of letters on its own (compounds, possessives, quotes).
        let mut run_start = None;
        let mut iter = word.char_indices().peekable();
        while let Some((i, c)) = iter.next() {
            let letter = c.is_alphabetic();
            if letter && run_start.is_none() {
                run_start = Some(i);
            }
            let at_end = iter.peek().is_none();
            if let Some(start) = run_start
                && (!letter || at_end)
            {
                let end = if letter { i + c.len_utf8() } else { i };
                self.run_points(lang, &word[start..end], start, capitalized, &mut points);
                run_start = None;
            }
        }
        points
    }

    fn run_points(
        &self,
        lang: hypher::Lang,
        run: &str,
        offset: usize,
        capitalized: bool,
        points: &mut Vec<HyphenPoint>,
    ) {
        if run.chars().count() < MIN_WORD {
            return;
        }
        let capitalised = !capitalized && run.chars().next().is_some_and(char::is_uppercase);
        let mut at = offset;
        let syllables: Vec<&str> =
            hypher::hyphenate_bounded(run, lang, MIN_BEFORE, MIN_AFTER).collect();
        for syllable in &syllables[..syllables.len().saturating_sub(1)] {
            at += syllable.len();
            points.push(HyphenPoint {
                at: at as u32,
                capitalised,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The word with a hyphen at each point allowed as a rule.
    fn split(h: &mut Hyphenator, word: &str) -> String {
        let points = h.points(word);
        let mut out = String::new();
        let mut last = 0;
        for p in points.iter().filter(|p| !p.capitalised).map(|p| p.at) {
            out.push_str(&word[last..p as usize]);
            out.push('-');
            last = p as usize;
        }
        out.push_str(&word[last..]);
        out
    }

    #[test]
    fn house_rules() {
        let mut h = Hyphenator::new("en", true, false);
        assert_eq!(split(&mut h, "hyphenation"), "hy-phen-ation");
        // Short words, capitalised words, URLs and numbers are left whole.
        assert_eq!(split(&mut h, "table"), "table");
        assert_eq!(split(&mut h, "Kazakhstan"), "Kazakhstan");
        assert_eq!(
            split(&mut h, "https://example.com/interconnectivity"),
            "https://example.com/interconnectivity"
        );
        assert_eq!(split(&mut h, "21st-century"), "21st-century");
        // Punctuation around the word is kept out of the patterns.
        let quoted = split(&mut h, "“interconnectivity,”");
        assert!(
            quoted.starts_with("“in-") && quoted.ends_with("ity,”"),
            "{quoted}"
        );
        for word in [
            "interconnectivity",
            "tremendously",
            "demonstrations",
            "conspicuous",
        ] {
            let points = h.points(word);
            for p in points.iter().map(|p| p.at) {
                assert!(p as usize >= MIN_BEFORE, "{word}");
                assert!(word.len() - p as usize >= MIN_AFTER, "{word}");
            }
        }
    }

    #[test]
    fn capitalised_words_cost_more_unless_allowed_or_german() {
        // A capitalised word's points are there, marked as costlier.
        let mut en = Hyphenator::new("en", true, false);
        let points = en.points("Kazakhstani");
        assert!(!points.is_empty() && points.iter().all(|p| p.capitalised));
        assert!(en.points("hyphenation").iter().all(|p| !p.capitalised));
        let mut h = Hyphenator::new("en-GB", true, true);
        assert_ne!(split(&mut h, "Kazakhstani"), "Kazakhstani");
        // German capitalises every noun: they hyphenate like any other word.
        let mut de = Hyphenator::new("de-DE", true, false);
        assert!(split(&mut de, "Donaudampfschifffahrt").matches('-').count() >= 3);
        let mut off = Hyphenator::new("en", false, false);
        assert_eq!(split(&mut off, "hyphenation"), "hyphenation");
        let unknown = Hyphenator::new("xx", true, false);
        assert!(!unknown.is_active());
    }
}
