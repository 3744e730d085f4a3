//! The book's metadata settled: its identifier (the ebook ISBN, or a
//! name-based UUID that stays the same from build to build), its dates
//! (from `SOURCE_DATE_EPOCH` or the input's age, never the clock), and
//! what book.toml says of it.

use super::*;

/// The book's metadata, with identifiers and dates settled.
pub(super) fn meta(config: &Config, options: &ResolveOptions, diagnostics: &mut Sink) -> Meta {
    let names = format!("{}\u{0}{}", config.title, config.authors.join("\u{0}"));
    let identifier = match &config.isbn_ebook {
        Some(isbn) => isbn.urn(),
        None => format!("urn:uuid:{}", name_uuid(&names)),
    };
    let print_identifier = match &config.isbn_print {
        Some(isbn) => isbn.urn(),
        None => format!("urn:uuid:{}", name_uuid(&format!("print\u{0}{names}"))),
    };
    // The outputs' date: SOURCE_DATE_EPOCH, else when the input last
    // changed, else the publication date; never earlier than that date (a
    // reissue built from files dated 1892 is modified today, not in 1892).
    let date_epoch = config.date.map(|date| date.days_since_epoch() * 86_400);
    let modified_epoch = match (options.source_date_epoch.or(options.input_time), date_epoch) {
        (Some(epoch), Some(date)) => epoch.max(date),
        (Some(epoch), None) => epoch,
        (None, Some(date)) => date,
        (None, None) => {
            diagnostics.push(
                Diagnostic::warning("the book has no date; its files are dated 2000-01-01")
                    .at_file(crate::project::CONFIG_FILE, 1, 1)
                    .with_hint("add date = \"YYYY-MM-DD\" (the publication date) to book.toml, or set SOURCE_DATE_EPOCH"),
            );
            946_684_800
        }
    };
    if config.authors.is_empty() {
        diagnostics.push(
            Diagnostic::warning("the book has no author")
                .at_file(crate::project::CONFIG_FILE, 1, 1)
                .with_hint("add authors = [\"Your Name\"] to book.toml"),
        );
    }
    Meta {
        title: config.title.clone(),
        subtitle: config.subtitle.clone(),
        authors: config.authors.clone(),
        contributors: config.contributors.clone(),
        publisher: config.publisher.clone(),
        first_publication: config.first_publication.clone(),
        language: config.language.clone(),
        isbn_ebook: config.isbn_ebook.clone(),
        isbn_print: config.isbn_print.clone(),
        identifier,
        print_identifier,
        date: config.date,
        modified: format_timestamp(modified_epoch),
        modified_epoch,
        rights: config.rights.clone(),
        description: config.description.clone(),
        keywords: config.keywords.clone(),
        blurb: config.blurb.clone().or_else(|| config.description.clone()),
        accessibility: config.accessibility.clone(),
    }
}

/// A name-based (v5) UUID in quire's own namespace: the same book always gets the same id.
pub(super) fn name_uuid(name: &str) -> uuid::Uuid {
    const QUIRE_NAMESPACE: uuid::Uuid =
        uuid::Uuid::from_u128(0x6f1f_3e0c_5d2a_4b8e_9a47_2c61_d0b3_a915);
    uuid::Uuid::new_v5(&QUIRE_NAMESPACE, name.as_bytes())
}

/// `YYYY-MM-DDThh:mm:ssZ` for seconds since 1970.
pub fn format_timestamp(epoch: i64) -> String {
    let days = epoch.div_euclid(86_400);
    let secs = epoch.rem_euclid(86_400);
    let date = crate::model::Date::from_days_since_epoch(days);
    format!(
        "{date}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(format_timestamp(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_timestamp(1_700_000_000), "2023-11-14T22:13:20Z");
    }

    #[test]
    fn name_uuid_is_stable_v5() {
        let a = name_uuid("A\u{0}B");
        assert_eq!(a, name_uuid("A\u{0}B"));
        assert_eq!(a.get_version_num(), 5);
        assert_ne!(a, name_uuid("A\u{0}C"));
    }
}
