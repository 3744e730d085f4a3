//! The command line: `quire build | check | watch | serve | clean | init | import`, with clap.

use std::ffi::OsStr;
use std::path::PathBuf;

use clap::builder::{PossibleValue, TypedValueParser};
use clap::error::ErrorKind;
use clap::{Parser, Subcommand, ValueEnum};
use quire::model::Store;
use quire::model::style::BookStyle;

#[derive(Debug, Parser)]
#[command(
    name = "quire",
    version,
    about = "Builds an EPUB 3 and a print-ready PDF from one Markdown manuscript"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the editions into the output folder.
    Build {
        /// The book's folder (holding manuscript/, fonts/, cover/). Repeat it,
        /// or give several (`--dir books/*`), to build a catalogue in one
        /// process: each book into its own out/, sharing fonts and shaped words.
        #[arg(long, default_value = ".", num_args = 1..)]
        dir: Vec<PathBuf>,
        /// Where to write the files [default: out/ in the book's folder]; one book only.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Which edition to write.
        #[arg(long, value_enum, default_value_t = Format::All)]
        format: Format,
        /// Print the typographic report of the print layout.
        #[arg(long)]
        report: bool,
        /// Write this store's edition into OUT/NAME/ (repeatable; `all` for every
        /// store) instead of the stores book.toml names.
        #[arg(long = "store", value_name = "NAME", value_parser = StoreName)]
        stores: Vec<StoreChoice>,
    },
    /// Build, then rebuild whenever manuscript/, fonts/ or cover/ change.
    Watch {
        #[arg(long, default_value = ".")]
        dir: PathBuf,
        /// Where to write the files [default: out/ in the book's folder].
        #[arg(long)]
        out: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::All)]
        format: Format,
    },
    /// Show both editions side by side in the browser, live: rebuilt and
    /// redrawn on every save under manuscript/, fonts/ or cover/.
    Serve {
        #[arg(long, default_value = ".")]
        dir: PathBuf,
        /// The port [default: 7410, or a free one when it is taken; 0: any free port].
        #[arg(long)]
        port: Option<u16>,
        /// The address to listen on. Anything but loopback lets other machines
        /// read the book: a warning is printed.
        #[arg(long, default_value = "127.0.0.1")]
        host: std::net::IpAddr,
        /// Open the page in the default browser.
        #[arg(long)]
        open: bool,
        /// The command that opens a source file at a line, run when you click
        /// "open in editor": `{file}`, `{line}` and `{column}` are filled in
        /// (e.g. `code -g {file}:{line}`, `vim +{line} {file}`). No shell runs it.
        #[arg(long, value_name = "TEMPLATE")]
        editor: Option<String>,
        /// Tests only: connections served at once (default: 256, fewer under
        /// a low descriptor limit).
        #[arg(long, hide = true)]
        max_connections: Option<usize>,
        /// Tests only: the connections' read and write timeout and the
        /// WebSocket heartbeat, in milliseconds (default: 10 s and 15 s).
        #[arg(long, hide = true)]
        timeout_ms: Option<u64>,
    },
    /// The release gate: run the whole pipeline, write nothing, and check the
    /// results against what stores and printers require (exit 1 on any FAIL).
    Check {
        #[arg(long, default_value = ".")]
        dir: PathBuf,
        /// Print the checks as JSON.
        #[arg(long)]
        json: bool,
        /// Check this store's rules too (repeatable; `all` for every store)
        /// besides those of the stores book.toml names.
        #[arg(long = "store", value_name = "NAME", value_parser = StoreName)]
        stores: Vec<StoreChoice>,
    },
    /// Remove the build cache (.quire/cache/ in the book's folder); the
    /// outputs stay. Builds never need the cache, only go faster with it.
    Clean {
        #[arg(long, default_value = ".")]
        dir: PathBuf,
    },
    /// Create a new book project in an empty folder.
    Init {
        /// The folder to create the project in.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The book's design, written to book.toml as `style = "NAME"`.
        #[arg(long, value_name = "NAME", value_parser = StyleName, default_value = crate::init::DEFAULT_STYLE)]
        style: String,
    },
    /// Make a quire book from a Word manuscript (.docx) or an EPUB: book.toml
    /// from its metadata, a Markdown file per chapter, its pictures, and a
    /// report of what could not be carried.
    Import {
        /// The .docx or .epub file.
        file: PathBuf,
        /// The folder to create; it must be new or empty [default: a new
        /// folder named after the file, in the current folder].
        dir: Option<PathBuf>,
    },
}

/// A named style for `quire init --style`: one of [`BookStyle::NAMES`], which
/// `--help` lists; another name is a usage error (exit code 2) listing them.
#[derive(Debug, Clone, Copy)]
pub struct StyleName;

impl TypedValueParser for StyleName {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<String, clap::Error> {
        let name = value.to_string_lossy();
        if BookStyle::NAMES.contains(&name.as_ref()) {
            return Ok(name.into_owned());
        }
        let names = BookStyle::NAMES.map(|n| format!("`{n}`")).join(", ");
        let mut cmd = cmd.clone();
        Err(cmd.error(
            ErrorKind::InvalidValue,
            format!("unknown style `{name}`: expected one of {names}"),
        ))
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            BookStyle::NAMES.into_iter().map(PossibleValue::new),
        ))
    }
}

/// A store named on the command line, or all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreChoice {
    One(Store),
    All,
}

/// The stores `--store` names, in the order of [`Store::ALL`], each once;
/// `None` when none was named.
pub fn chosen_stores(choices: &[StoreChoice]) -> Option<Vec<Store>> {
    if choices.is_empty() {
        return None;
    }
    Some(
        Store::ALL
            .into_iter()
            .filter(|s| {
                choices
                    .iter()
                    .any(|c| *c == StoreChoice::All || *c == StoreChoice::One(*s))
            })
            .collect(),
    )
}

/// A store for `--store`: one of [`Store::ALL`] or `all`; another name is a
/// usage error (exit code 2) listing them.
#[derive(Debug, Clone, Copy)]
pub struct StoreName;

impl TypedValueParser for StoreName {
    type Value = StoreChoice;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<StoreChoice, clap::Error> {
        let name = value.to_string_lossy();
        if name.trim().eq_ignore_ascii_case("all") {
            return Ok(StoreChoice::All);
        }
        if let Some(store) = Store::parse(&name) {
            return Ok(StoreChoice::One(store));
        }
        let mut cmd = cmd.clone();
        Err(cmd.error(
            ErrorKind::InvalidValue,
            format!(
                "unknown store `{name}`: expected one of {} or `all`",
                Store::known()
            ),
        ))
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            Store::ALL
                .into_iter()
                .map(|s| PossibleValue::new(s.name()))
                .chain([PossibleValue::new("all")]),
        ))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Epub,
    Pdf,
    All,
}

impl Format {
    pub fn formats(self) -> quire::Formats {
        quire::Formats {
            epub: matches!(self, Format::Epub | Format::All),
            pdf: matches!(self, Format::Pdf | Format::All),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn init(args: &[&str]) -> Result<String, clap::Error> {
        let cli = Cli::try_parse_from(["quire", "init"].iter().chain(args))?;
        match cli.command {
            Command::Init { style, .. } => Ok(style),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn init_takes_a_named_style() {
        assert_eq!(init(&[]).unwrap(), "plain");
        for name in BookStyle::NAMES {
            assert_eq!(init(&["book", "--style", name]).unwrap(), name);
        }
        let err = init(&["--style", "fancy"]).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        let shown = err.render().to_string();
        assert!(
            shown.starts_with(
                "error: unknown style `fancy`: expected one of `classic`, `modern`, `plain`\n"
            ),
            "{shown}"
        );
    }

    #[test]
    fn stores_are_named_once_each_or_all() {
        let stores = |args: &[&str]| {
            let cli = Cli::try_parse_from(["quire", "build"].iter().chain(args))?;
            match cli.command {
                Command::Build { stores, .. } => Ok(chosen_stores(&stores)),
                other => panic!("{other:?}"),
            }
        };
        assert_eq!(stores(&[]).unwrap(), None);
        assert_eq!(
            stores(&["--store", "kobo", "--store", "kindle", "--store", "kobo"]).unwrap(),
            Some(vec![Store::Kindle, Store::Kobo])
        );
        assert_eq!(
            stores(&["--store", "all"]).unwrap(),
            Some(Store::ALL.to_vec())
        );
        let err: clap::Error = stores(&["--store", "nook"]).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(
            err.render().to_string().starts_with(
                "error: unknown store `nook`: expected one of `kindle`, `apple`, `kobo`, `google`, `generic` or `all`\n"
            ),
            "{}",
            err.render()
        );
    }

    #[test]
    fn init_help_lists_the_styles() {
        let mut cmd = Cli::command();
        let help = cmd
            .find_subcommand_mut("init")
            .unwrap()
            .render_long_help()
            .to_string();
        assert!(
            help.contains("[possible values: classic, modern, plain]"),
            "{help}"
        );
    }
}
