//! The languages KDP sells eBooks in, from KDP's help page "Language
//! Support" (kdp.amazon.com/help/topic/G200673300, the eBook list), by
//! their BCP 47 language subtags. A book in another language is refused at
//! upload ("the book is in a language that is not currently supported by
//! Kindle Direct Publishing"), so the Kindle rows fail it.

/// KDP's eBook languages: the language subtag and KDP's name for it.
/// Chinese is Traditional only and Provençal is Occitan's `provenc`
/// variant; [`kdp_supports`] checks those.
pub const KDP_EBOOK_LANGUAGES: [(&str, &str); 41] = [
    ("af", "Afrikaans"),
    ("gsw", "Alsatian"),
    ("ar", "Arabic"),
    ("eu", "Basque"),
    ("nb", "Bokmål Norwegian"),
    ("br", "Breton"),
    ("ca", "Catalan"),
    ("zh", "Chinese (Traditional)"),
    ("kw", "Cornish"),
    ("co", "Corsican"),
    ("da", "Danish"),
    ("nl", "Dutch/Flemish"),
    ("frs", "Eastern Frisian"),
    ("en", "English"),
    ("fi", "Finnish"),
    ("fr", "French"),
    ("fy", "Frisian"),
    ("gl", "Galician"),
    ("de", "German"),
    ("gu", "Gujarati"),
    ("hi", "Hindi"),
    ("is", "Icelandic"),
    ("ga", "Irish"),
    ("it", "Italian"),
    ("ja", "Japanese"),
    ("lb", "Luxembourgish"),
    ("ml", "Malayalam"),
    ("gv", "Manx"),
    ("mr", "Marathi"),
    ("frr", "Northern Frisian"),
    ("no", "Norwegian"),
    ("nn", "Nynorsk Norwegian"),
    ("pt", "Portuguese"),
    ("oc", "Provençal"),
    ("rm", "Romansh"),
    ("sco", "Scots"),
    ("gd", "Scottish Gaelic"),
    ("es", "Spanish"),
    ("sv", "Swedish"),
    ("ta", "Tamil"),
    ("cy", "Welsh"),
];

/// Whether KDP sells eBooks in the language `tag` (BCP 47) names, and if
/// not, why: `Err` holds the reason, for the check's row.
pub fn kdp_supports(tag: &str) -> Result<&'static str, String> {
    let subtags: Vec<String> = tag
        .trim()
        .split(['-', '_'])
        .map(str::to_ascii_lowercase)
        .collect();
    let primary = subtags.first().map(String::as_str).unwrap_or_default();
    let Some(&(_, name)) = KDP_EBOOK_LANGUAGES
        .iter()
        .find(|(code, _)| *code == primary)
    else {
        return Err(format!(
            "`{}` is not among the languages KDP sells eBooks in",
            tag.trim()
        ));
    };
    let rest = &subtags[1..];
    match primary {
        // KDP takes Traditional Chinese only: the script says so, or a region that writes it.
        "zh" => {
            let traditional = rest.iter().any(|s| s == "hant")
                || (!rest.iter().any(|s| s == "hans")
                    && rest
                        .iter()
                        .any(|s| matches!(s.as_str(), "tw" | "hk" | "mo")));
            if traditional {
                Ok(name)
            } else {
                Err(format!(
                    "`{}`: KDP sells Chinese eBooks in Traditional Chinese only (write zh-Hant)",
                    tag.trim()
                ))
            }
        }
        // Of Occitan, KDP lists Provençal alone.
        "oc" if !rest.iter().any(|s| s == "provenc") => Err(format!(
            "`{}`: of Occitan, KDP sells Provençal only (write oc-provenc)",
            tag.trim()
        )),
        _ => Ok(name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kdp_languages_by_tag() {
        assert_eq!(kdp_supports("en"), Ok("English"));
        assert_eq!(kdp_supports("en-GB"), Ok("English"));
        assert_eq!(kdp_supports("de-CH-1996"), Ok("German"));
        assert_eq!(kdp_supports("nb"), Ok("Bokmål Norwegian"));
        assert_eq!(kdp_supports("zh-Hant-TW"), Ok("Chinese (Traditional)"));
        assert_eq!(kdp_supports("zh-TW"), Ok("Chinese (Traditional)"));
        assert!(kdp_supports("zh").is_err());
        assert!(kdp_supports("zh-Hans-TW").is_err());
        assert!(kdp_supports("oc").is_err());
        assert_eq!(kdp_supports("oc-provenc"), Ok("Provençal"));
        let kazakh = kdp_supports("kk").unwrap_err();
        assert!(kazakh.contains("`kk`"), "{kazakh}");
        assert!(kdp_supports("ru").is_err());
        assert!(kdp_supports("").is_err());
    }

    #[test]
    fn the_list_has_each_language_once() {
        let mut codes: Vec<&str> = KDP_EBOOK_LANGUAGES.iter().map(|(c, _)| *c).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), KDP_EBOOK_LANGUAGES.len());
    }
}
