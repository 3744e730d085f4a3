//! The stores a book is sold in, by the id `book.toml` (`stores`), the
//! command line (`--store`) and the folders under `out/` use. Only the id
//! lives here, with the rest of the model: what each store takes (its size
//! cap, cover and image rules, file names, transform and checks) is one row
//! of data in `crate::stores`.

/// A store the book is sold in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Store {
    Kindle,
    Apple,
    Kobo,
    Google,
    Generic,
}

impl Store {
    /// Every store, in the order editions are written and checked.
    pub const ALL: [Store; 5] = [
        Store::Kindle,
        Store::Apple,
        Store::Kobo,
        Store::Google,
        Store::Generic,
    ];

    /// The name in `book.toml`, on the command line and of the folder.
    pub fn name(self) -> &'static str {
        match self {
            Store::Kindle => "kindle",
            Store::Apple => "apple",
            Store::Kobo => "kobo",
            Store::Google => "google",
            Store::Generic => "generic",
        }
    }

    /// The store a name (any case, spaces around it ignored) stands for.
    pub fn parse(name: &str) -> Option<Store> {
        Store::ALL
            .into_iter()
            .find(|s| s.name().eq_ignore_ascii_case(name.trim()))
    }

    /// "`kindle`, `apple`, `kobo`, `google`, `generic`", for messages.
    pub fn known() -> String {
        Store::ALL.map(|s| format!("`{}`", s.name())).join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for store in Store::ALL {
            assert_eq!(Store::parse(store.name()), Some(store));
        }
        assert_eq!(Store::parse(" Kindle "), Some(Store::Kindle));
        assert_eq!(Store::parse("nook"), None);
        assert_eq!(
            Store::known(),
            "`kindle`, `apple`, `kobo`, `google`, `generic`"
        );
    }
}
