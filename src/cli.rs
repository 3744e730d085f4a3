//! The command line: `quire build | check | watch | init`, with clap.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

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
        /// The book's folder (holding manuscript/, fonts/, cover/).
        #[arg(long, default_value = ".")]
        dir: PathBuf,
        /// Where to write the files [default: out/ in the book's folder].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Which edition to write.
        #[arg(long, value_enum, default_value_t = Format::All)]
        format: Format,
        /// Print the typographic report of the print layout.
        #[arg(long)]
        report: bool,
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
    /// The release gate: run the whole pipeline, write nothing, and check the
    /// results against what stores and printers require (exit 1 on any FAIL).
    Check {
        #[arg(long, default_value = ".")]
        dir: PathBuf,
        /// Print the checks as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Create a new book project in an empty folder.
    Init {
        /// The folder to create the project in.
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
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
