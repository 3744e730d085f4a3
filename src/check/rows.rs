//! Every row of the release gate, named in one place: the rule groups add
//! rows by these ids, the report prints and serialises their names, and the
//! preview (`quire serve`) names the row that counts each fault it draws
//! ([`Row::counting`]).

use crate::layout::frame::FindingKind;
use crate::stores::{EpubCheck, SetCheck, Store};

/// One rule the gate measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    /// The warnings a build of the book prints.
    BuildWarnings,
    EpubStructure,
    RequiredMetadata,
    OneTocNav,
    PageListLinked,
    PageListOrder,
    ImagesWithAltText,
    TablesWithHeaderRows,
    AccessibilityMetadata,
    CoverOnce,
    NoPlaceholderText,
    NoDeadLinks,
    PageCount,
    PageLabels,
    PdfX,
    Margins,
    FontsEmbedded,
    TextAtLeast7Pt,
    PrintImagesAt300Dpi,
    BlankPagesInARow,
    Tagging,
    EbookCoverSize,
    PrintCoverSize,
    SpineWidth,
    SpineText,
    TextInTheSafeArea,
    StringsMatchTheInterior,
    CoverArtSize,
    CoverArtAt300Dpi,
    OverfullLines,
    Widows,
    Orphans,
    HeadingsAtAPageFoot,
    HyphensAtAPageFoot,
    LinesSetTight,
    UnequalFacingPages,
    HyphensInARow,
    HyphenatedLines,
    LooseLines,
    ShortPages,
    WordSpacing,
    EveryWordInTheEpub,
    EveryWordInPrint,
    /// A store's edition: the rows every store has.
    Store(Store, StoreRow),
    /// A check a store's row asks of each EPUB of its edition.
    StoreEpub(Store, EpubCheck),
    /// A check a store's row asks of its edition's files together.
    StoreSet(Store, SetCheck),
}

/// The rows each store's edition has, whatever its rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreRow {
    FileNames,
    /// The edition could be made.
    Edition,
    FileSize,
    /// The edition's EPUB could be read.
    Structure,
    CoverPixels,
}

impl Row {
    /// The group the row is printed under: a part of the book, or a store.
    pub fn group(self) -> &'static str {
        use Row::*;
        match self {
            BuildWarnings => "build",
            EpubStructure
            | RequiredMetadata
            | OneTocNav
            | PageListLinked
            | PageListOrder
            | ImagesWithAltText
            | TablesWithHeaderRows
            | AccessibilityMetadata
            | CoverOnce
            | NoPlaceholderText => "epub",
            NoDeadLinks => "links",
            PageCount | PageLabels | PdfX | Margins | FontsEmbedded | TextAtLeast7Pt
            | PrintImagesAt300Dpi | BlankPagesInARow | Tagging => "print",
            EbookCoverSize
            | PrintCoverSize
            | SpineWidth
            | SpineText
            | TextInTheSafeArea
            | StringsMatchTheInterior
            | CoverArtSize
            | CoverArtAt300Dpi => "cover",
            OverfullLines | Widows | Orphans | HeadingsAtAPageFoot | HyphensAtAPageFoot
            | LinesSetTight | UnequalFacingPages | HyphensInARow | HyphenatedLines | LooseLines
            | ShortPages | WordSpacing => "typography",
            EveryWordInTheEpub | EveryWordInPrint => "words",
            Store(store, _) | StoreEpub(store, _) | StoreSet(store, _) => store.name(),
        }
    }

    /// The row's name, as `quire check` prints it and `--json` gives it.
    pub fn name(self) -> &'static str {
        use Row::*;
        match self {
            BuildWarnings => "warnings",
            EpubStructure => "structure",
            RequiredMetadata => "required metadata",
            OneTocNav => "one toc nav",
            PageListLinked => "page-list linked",
            PageListOrder => "page-list order",
            ImagesWithAltText => "images with alt text",
            TablesWithHeaderRows => "tables with header rows",
            AccessibilityMetadata => "accessibility metadata",
            CoverOnce => "cover once",
            NoPlaceholderText => "no placeholder text",
            NoDeadLinks => "no dead links",
            PageCount => "page count",
            PageLabels => "page labels",
            PdfX => "PDF/X",
            Margins => "margins",
            FontsEmbedded => "fonts embedded",
            TextAtLeast7Pt => "text ≥ 7 pt",
            PrintImagesAt300Dpi => "images ≥ 300 dpi",
            BlankPagesInARow => "blank pages in a row",
            Tagging => "tagging",
            EbookCoverSize => "ebook cover size",
            PrintCoverSize => "print cover size",
            SpineWidth => "spine width",
            SpineText => "spine text",
            TextInTheSafeArea => "text in the safe area",
            StringsMatchTheInterior => "strings match the interior",
            CoverArtSize => "cover art size",
            CoverArtAt300Dpi => "cover art ≥ 300 dpi",
            OverfullLines => "overfull lines",
            Widows => "widows",
            Orphans => "orphans",
            HeadingsAtAPageFoot => "headings at a page foot",
            HyphensAtAPageFoot => "hyphens at a page foot",
            LinesSetTight => "lines set tight",
            UnequalFacingPages => "unequal facing pages",
            HyphensInARow => "hyphens in a row",
            HyphenatedLines => "hyphenated lines",
            LooseLines => "lines spaced 0.5 em or more",
            ShortPages => "pages 2+ lines short",
            WordSpacing => "word spacing",
            EveryWordInTheEpub => "every word in the EPUB",
            EveryWordInPrint => "every word in print",
            Store(_, row) => match row {
                StoreRow::FileNames => "file names",
                StoreRow::Edition => "edition",
                StoreRow::FileSize => "file size",
                StoreRow::Structure => "structure",
                StoreRow::CoverPixels => "cover pixels",
            },
            StoreEpub(_, check) => match check {
                EpubCheck::Images => "images",
                EpubCheck::KindleConversion => "conversion hazards",
                EpubCheck::KindleTocDepth => "toc depth",
                EpubCheck::KdpLanguage => "language",
                EpubCheck::AppleDisplayOptions => "display options",
                EpubCheck::AppleLandmarks => "landmarks",
                EpubCheck::AppleEmoji => "emoji glyphs",
                EpubCheck::KepubSpans => "kepub spans",
                EpubCheck::RmsdkCss => "RMSDK CSS hazards",
            },
            StoreSet(_, check) => match check {
                SetCheck::GoogleSet => "file sets",
            },
        }
    }

    /// The row that counts a kind of fault the preview marks on its page.
    pub fn counting(kind: FindingKind) -> Row {
        match kind {
            FindingKind::OverfullLine => Row::OverfullLines,
            FindingKind::LooseLine => Row::LooseLines,
            FindingKind::TightLine => Row::LinesSetTight,
            FindingKind::Widow => Row::Widows,
            FindingKind::Orphan => Row::Orphans,
            FindingKind::HeadingAtFoot => Row::HeadingsAtAPageFoot,
            FindingKind::HyphenAtFoot => Row::HyphensAtAPageFoot,
            FindingKind::HyphenRun => Row::HyphensInARow,
            FindingKind::ShortPage => Row::ShortPages,
            FindingKind::UnequalSpread => Row::UnequalFacingPages,
            FindingKind::LowResolution => Row::PrintImagesAt300Dpi,
            FindingKind::OutsideMargins => Row::Margins,
            FindingKind::DeadLink => Row::NoDeadLinks,
        }
    }
}

impl serde::Serialize for Row {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two rows of one group with one name would be one row to a reader of
    /// the report (and to `Report::get` by name).
    #[test]
    fn names_are_unique_within_a_group() {
        let mut rows: Vec<Row> = FindingKind::ALL.iter().map(|&k| Row::counting(k)).collect();
        for store in Store::ALL {
            for row in [
                StoreRow::FileNames,
                StoreRow::Edition,
                StoreRow::FileSize,
                StoreRow::Structure,
                StoreRow::CoverPixels,
            ] {
                rows.push(Row::Store(store, row));
            }
        }
        rows.extend([
            Row::BuildWarnings,
            Row::EpubStructure,
            Row::PageCount,
            Row::Tagging,
            Row::WordSpacing,
            Row::HyphenatedLines,
        ]);
        for a in &rows {
            for b in &rows {
                if a != b {
                    assert!(
                        (a.group(), a.name()) != (b.group(), b.name()),
                        "{a:?} and {b:?} are both {} / {}",
                        a.group(),
                        a.name()
                    );
                }
            }
        }
    }
}
