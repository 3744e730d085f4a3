//! The book's shape as its files and headings say it, decided once before
//! the sections are made: which files are front matter (a preface, a
//! dedication, an epigraph), body (chapters; a prologue or an epilogue,
//! never numbered), parts ("Part Two" on a page of its own) or back matter
//! (notes, an appendix, a glossary). A heading is read in the book's
//! language and in English; its place decides the rest: matter before the
//! first chapter is front matter, after the last back matter, in between an
//! unnumbered chapter. A file without a heading is set as what it holds: an
//! epigraph, a dedication, or an unnumbered opening (with a warning when
//! that is unclear). book.toml's `front-matter` and `back-matter` lists and
//! a heading's `{-}` (or `{.unnumbered}`) always win.

use crate::diag::{Diagnostic, Sink};
use crate::model::numbering::read_number;
use crate::model::{Block, BlockKind, SectionKind, block_text, plain_text, walk_blocks};
use crate::parse::FileSection;

/// What one manuscript file is in the book.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileShape {
    pub kind: SectionKind,
    /// Never given a chapter number.
    pub unnumbered: bool,
    /// Matter kept in the body (a prologue, an epilogue): it closes a part
    /// rather than belonging to it.
    pub matter: bool,
}

/// Where a kind of matter belongs when the book does not say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Front,
    /// In the body, never numbered: a prologue, an introduction, an epilogue.
    Body,
    Back,
}

/// Matter headings, folded (lower case, no punctuation), with where each
/// belongs and what it is. English, German, French, Spanish and Russian, the
/// languages quire numbers in; a book in another language is read in English too.
const MATTER: &[(&str, Place, SectionKind)] = {
    use Place::*;
    use SectionKind::{Appendix as Back_, Dedication as Ded, Epigraph as Epi, Preface as Pre};
    &[
        // English
        ("preface", Front, Pre),
        ("foreword", Front, Pre),
        ("forward", Front, Pre),
        ("dedication", Front, Ded),
        ("epigraph", Front, Epi),
        ("a note on the text", Front, Pre),
        ("note on the text", Front, Pre),
        ("authors note", Front, Pre),
        ("author’s note", Front, Pre),
        ("translators note", Front, Pre),
        ("translator’s note", Front, Pre),
        ("editors note", Front, Pre),
        ("editor’s note", Front, Pre),
        ("transcribers note", Front, Pre),
        ("transcriber’s note", Front, Pre),
        ("transcribers notes", Front, Pre),
        ("transcriber’s notes", Front, Pre),
        ("note to the reader", Front, Pre),
        ("list of illustrations", Front, Pre),
        ("contents", Front, Pre),
        ("table of contents", Front, Pre),
        ("illustrations", Front, Pre),
        ("prologue", Body, SectionKind::Chapter),
        ("introduction", Body, SectionKind::Chapter),
        ("interlude", Body, SectionKind::Chapter),
        ("epilogue", Body, SectionKind::Chapter),
        ("afterword", Back, Back_),
        ("postscript", Back, Back_),
        ("appendix", Back, Back_),
        ("appendices", Back, Back_),
        ("notes", Back, Back_),
        ("endnotes", Back, Back_),
        ("footnotes", Back, Back_),
        ("glossary", Back, Back_),
        ("bibliography", Back, Back_),
        ("references", Back, Back_),
        ("further reading", Back, Back_),
        ("sources", Back, Back_),
        ("index", Back, Back_),
        ("acknowledgements", Back, Back_),
        ("acknowledgments", Back, Back_),
        ("about the author", Back, Back_),
        ("about the authors", Back, Back_),
        ("about the translator", Back, Back_),
        ("about the illustrator", Back, Back_),
        ("colophon", Back, Back_),
        ("also by", Back, Back_),
        ("by the same author", Back, Back_),
        ("other books by", Back, Back_),
        ("a note on the type", Back, Back_),
        ("credits", Back, Back_),
        ("permissions", Back, Back_),
        ("imprint", Back, Back_),
        ("uncopyright", Back, Back_),
        ("the full project gutenberg license", Back, Back_),
        ("project gutenberg", Back, Back_),
        // German
        ("vorwort", Front, Pre),
        ("geleitwort", Front, Pre),
        ("widmung", Front, Ded),
        ("motto", Front, Epi),
        ("prolog", Body, SectionKind::Chapter),
        ("einleitung", Body, SectionKind::Chapter),
        ("epilog", Body, SectionKind::Chapter),
        ("nachwort", Back, Back_),
        ("anhang", Back, Back_),
        ("anmerkungen", Back, Back_),
        ("glossar", Back, Back_),
        ("literaturverzeichnis", Back, Back_),
        ("bibliographie", Back, Back_),
        ("register", Back, Back_),
        ("danksagung", Back, Back_),
        ("über den autor", Back, Back_),
        ("über die autorin", Back, Back_),
        ("impressum", Back, Back_),
        // French
        ("préface", Front, Pre),
        ("avant propos", Front, Pre),
        ("dédicace", Front, Ded),
        ("exergue", Front, Epi),
        ("prologue", Body, SectionKind::Chapter),
        ("épilogue", Body, SectionKind::Chapter),
        ("postface", Back, Back_),
        ("annexe", Back, Back_),
        ("annexes", Back, Back_),
        ("glossaire", Back, Back_),
        ("bibliographie", Back, Back_),
        ("remerciements", Back, Back_),
        ("à propos de l’auteur", Back, Back_),
        ("à propos de lauteur", Back, Back_),
        ("table des matières", Front, Pre),
        // Spanish
        ("prefacio", Front, Pre),
        ("prólogo", Body, SectionKind::Chapter),
        ("dedicatoria", Front, Ded),
        ("introducción", Body, SectionKind::Chapter),
        ("epílogo", Body, SectionKind::Chapter),
        ("apéndice", Back, Back_),
        ("notas", Back, Back_),
        ("glosario", Back, Back_),
        ("bibliografía", Back, Back_),
        ("agradecimientos", Back, Back_),
        ("sobre el autor", Back, Back_),
        ("colofón", Back, Back_),
        // Russian
        ("предисловие", Front, Pre),
        ("посвящение", Front, Ded),
        ("эпиграф", Front, Epi),
        ("пролог", Body, SectionKind::Chapter),
        ("введение", Body, SectionKind::Chapter),
        ("эпилог", Body, SectionKind::Chapter),
        ("послесловие", Back, Back_),
        ("приложение", Back, Back_),
        ("примечания", Back, Back_),
        ("глоссарий", Back, Back_),
        ("библиография", Back, Back_),
        ("благодарности", Back, Back_),
        ("об авторе", Back, Back_),
    ]
};

/// Words after which a matter heading goes on ("Preface to the Second
/// Edition", "Notes on the Text", "Appendix B: Tables").
const CONNECTORS: &[&str] = &["to", "of", "on", "for", "by", "zur", "zum", "de", "à"];

/// Matter headings that may go on with more than a connector: an appendix's
/// letter or number ("Appendix B"), "Also by Herman Melville", "About the Author
/// of Typee".
const OPEN_ENDED: &[&str] = &[
    "appendix",
    "project gutenberg",
    "also by",
    "by the same author",
    "other books by",
    "anhang",
    "annexe",
    "apéndice",
    "приложение",
];

/// Whether a heading names front or back matter (or a prologue, an
/// epilogue): `quire import` reads a Word file's unstyled headings with it.
pub(crate) fn names_matter(heading: &str) -> bool {
    matter_of(heading).is_some()
}

/// A heading's matter, if it names one: where it belongs and its kind.
fn matter_of(heading: &str) -> Option<(Place, SectionKind)> {
    let folded = fold_heading(heading);
    MATTER.iter().find_map(|&(word, place, kind)| {
        let rest = folded.strip_prefix(word)?;
        let fits = rest.is_empty()
            || rest.starts_with(" :")
            || rest.starts_with(':')
            || (rest.starts_with(' ')
                && (OPEN_ENDED.contains(&word)
                    || CONNECTORS
                        .iter()
                        .any(|c| rest[1..].split(' ').next() == Some(c))));
        fits.then_some((place, kind))
    })
}

/// A heading for comparison with [`MATTER`]: lower case, runs of spaces and
/// hyphens as one space, punctuation other than a colon and an apostrophe
/// dropped, and the trailing full stop gone ("PREFACE." → "preface").
fn fold_heading(heading: &str) -> String {
    let mut out = String::with_capacity(heading.len());
    for c in heading.trim().chars().flat_map(char::to_lowercase) {
        match c {
            ':' | '’' => out.push(c),
            '\'' => out.push('’'),
            c if c.is_alphanumeric() => out.push(c),
            _ => {
                if !out.is_empty() && !out.ends_with(' ') {
                    out.push(' ');
                }
            }
        }
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    // "Author's Note" and "Authors Note" are one heading.
    if !MATTER.iter().any(|(w, ..)| out.starts_with(w)) {
        out = out.replace('’', "");
    }
    out
}

/// The words in a file's text (headings included), for telling a page of
/// its own (a part's title, an epigraph) from a chapter: exact up to
/// `limit`, and more than `limit` when there are more (counting stops there:
/// a chapter's thousands of paragraphs need not be read as text to know it
/// is no epigraph).
fn words(blocks: &[Block], limit: usize) -> usize {
    let mut count = 0;
    walk_blocks(blocks, &mut |block| {
        if count <= limit
            && let Some(text) = block_text(block)
        {
            count += text.split_whitespace().count();
        }
    });
    count
}

/// Longest text a part's title page holds beside its title (an epigraph,
/// a line of introduction); a file with more is a chapter.
const PART_PAGE_WORDS: usize = 250;
/// Longest text an untitled epigraph or dedication holds.
const SHORT_PAGE_WORDS: usize = 150;

/// What a file without a heading holds: an epigraph (a quotation, verse, a
/// line ending with its source), a dedication ("To W. Townend", "For my
/// mother"), or neither (`None`).
fn untitled_role(blocks: &[Block]) -> Option<SectionKind> {
    if words(blocks, SHORT_PAGE_WORDS) > SHORT_PAGE_WORDS {
        return None;
    }
    let first = blocks.iter().find_map(block_text).unwrap_or_default();
    let lower = first.trim_start().to_lowercase();
    const DEDICATIONS: [&str; 16] = [
        "to ",
        "for ",
        "in memory",
        "in loving memory",
        "dedicated to",
        "this book is for",
        "this book is dedicated",
        "für ",
        "à ",
        "pour ",
        "a la ",
        "para ",
        "al ",
        "посвящ",
        "памяти",
        "in memoriam",
    ];
    let quoted = blocks
        .iter()
        .any(|b| matches!(b.kind, BlockKind::Quote(_) | BlockKind::Verse { .. }));
    let attributed = blocks
        .iter()
        .rev()
        .find_map(block_text)
        .is_some_and(|t| t.trim_start().starts_with(['—', '–', '―', '-', '~']));
    if DEDICATIONS.iter().any(|d| lower.starts_with(d)) && !quoted && words(blocks, 60) <= 60 {
        Some(SectionKind::Dedication)
    } else if quoted || attributed {
        Some(SectionKind::Epigraph)
    } else {
        None
    }
}

/// One section of a manuscript file (a file holds one, or one per level-1
/// heading), as the shape is decided from it.
#[derive(Debug, Clone, Copy)]
pub struct Piece<'a> {
    /// Index of its file.
    pub file: usize,
    pub path: &'a str,
    /// The kind book.toml's lists give its file.
    pub listed: SectionKind,
    /// Its level-1 heading, when it has one.
    pub title: Option<&'a Block>,
    pub blocks: &'a [Block],
    pub section: &'a FileSection,
    /// Nothing in it (an empty file): left out of the book.
    pub empty: bool,
}

/// What a file is, before its place is considered.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Class {
    /// Left as book.toml lists it (front or back matter).
    Listed,
    Chapter,
    /// Marked `{-}`: a chapter never numbered.
    Unnumbered,
    Part,
    Matter(Place, SectionKind),
    Untitled(Option<SectionKind>),
}

/// The shape of each piece (`None` for an empty file, left out of the book).
/// Warnings go to `diagnostics`.
pub fn shape_pieces(
    pieces: &[Piece<'_>],
    config_parts: bool,
    language: &str,
    diagnostics: &mut Sink,
) -> Vec<Option<FileShape>> {
    let classes: Vec<Option<Class>> = pieces
        .iter()
        .map(|piece| classify(piece, config_parts, language))
        .collect();
    let is_core =
        |c: &Option<Class>| matches!(c, Some(Class::Chapter | Class::Part | Class::Unnumbered));
    let first_core = classes.iter().position(is_core);
    let last_core = classes.iter().rposition(is_core);
    let all_untitled = classes
        .iter()
        .flatten()
        .filter(|c| **c != Class::Listed)
        .all(|c| matches!(c, Class::Untitled(_)));
    let chapter = |unnumbered: bool, matter: bool| FileShape {
        kind: SectionKind::Chapter,
        unnumbered,
        matter,
    };
    let mut shapes = Vec::with_capacity(pieces.len());
    for (i, (class, piece)) in classes.iter().zip(pieces).enumerate() {
        let Some(class) = *class else {
            shapes.push(None);
            continue;
        };
        // Before the first chapter, after the last, or (a book of matter alone) anywhere.
        let before = first_core.is_none_or(|f| i < f);
        let after = last_core.is_some_and(|l| i > l);
        let shape = match class {
            Class::Listed => FileShape {
                kind: piece.listed,
                unnumbered: true,
                matter: true,
            },
            Class::Chapter => chapter(false, false),
            Class::Unnumbered => chapter(true, false),
            Class::Part => FileShape {
                kind: SectionKind::Part,
                unnumbered: true,
                matter: false,
            },
            Class::Matter(Place::Body, _) => chapter(true, true),
            // A book of matter alone keeps its text in the body.
            Class::Matter(..) if first_core.is_none() => chapter(true, true),
            // A preface is front matter wherever its file sorts (`preface.md`
            // after `chapter1.md`), unless it stands between chapters.
            Class::Matter(Place::Front, kind) if before || after => FileShape {
                kind,
                unnumbered: true,
                matter: true,
            },
            Class::Matter(_, kind) if before => FileShape {
                kind: if kind == SectionKind::Appendix {
                    SectionKind::Preface
                } else {
                    kind
                },
                unnumbered: true,
                matter: true,
            },
            Class::Matter(..) if after => FileShape {
                kind: SectionKind::Appendix,
                unnumbered: true,
                matter: true,
            },
            Class::Matter(..) => chapter(true, true),
            // Chapters written without headings: each is a chapter all the same.
            Class::Untitled(_) if all_untitled => chapter(false, false),
            Class::Untitled(Some(kind)) if before => FileShape {
                kind,
                unnumbered: true,
                matter: true,
            },
            Class::Untitled(Some(_)) if after => FileShape {
                kind: SectionKind::Appendix,
                unnumbered: true,
                matter: true,
            },
            Class::Untitled(_) => {
                // Long enough to be text of its own at either end: an unnumbered
                // opening or ending. Short, or between chapters: say so.
                let unclear =
                    !(before || after) || words(piece.blocks, SHORT_PAGE_WORDS) <= SHORT_PAGE_WORDS;
                if unclear {
                    diagnostics.push(
                        Diagnostic::warning(format!(
                            "{} has no heading; it is set as an unnumbered section",
                            piece.path
                        ))
                        .at_file(piece.path, 1, 1)
                        .with_hint("give it a heading (# Title), or name it in book.toml's front-matter or back-matter"),
                    );
                }
                chapter(true, after)
            }
        };
        shapes.push(Some(shape));
    }
    // A book must have a chapter: matter alone is set in the body.
    if !shapes
        .iter()
        .flatten()
        .any(|s| s.kind == SectionKind::Chapter)
    {
        for (shape, class) in shapes.iter_mut().zip(&classes) {
            if let Some(shape) = shape
                && *class != Some(Class::Listed)
            {
                *shape = chapter(true, true);
            }
        }
    }
    shapes
}

/// What a piece is by its heading, its length and how book.toml lists it;
/// `None` for an empty one.
fn classify(piece: &Piece<'_>, config_parts: bool, language: &str) -> Option<Class> {
    if piece.empty {
        return None;
    }
    if piece.listed != SectionKind::Chapter {
        return Some(Class::Listed);
    }
    let heading = match piece.title {
        Some(Block {
            kind: BlockKind::Heading { content, .. },
            ..
        }) => plain_text(content),
        _ => return Some(Class::Untitled(untitled_role(piece.blocks))),
    };
    if piece.section.unnumbered {
        return Some(Class::Unnumbered);
    }
    let reading = read_number(&heading, language);
    if let Some(unit) = reading.and_then(|r| r.unit) {
        // "Part Two" over a page of its own; a "Book One" holding the
        // book's text is a chapter under that name.
        let most = PART_PAGE_WORDS + heading.split_whitespace().count();
        let short = words(piece.blocks, most) <= most;
        return Some(if unit.is_part() && short && !config_parts {
            Class::Part
        } else {
            Class::Chapter
        });
    }
    Some(match matter_of(&heading) {
        Some((place, kind)) => Class::Matter(place, kind),
        None => Class::Chapter,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matter_headings_in_five_languages() {
        for (heading, kind) in [
            ("Preface", SectionKind::Preface),
            ("PREFACE.", SectionKind::Preface),
            ("Preface to the Second Edition", SectionKind::Preface),
            ("Author's Note", SectionKind::Preface),
            ("Author’s Note", SectionKind::Preface),
            ("Dedication", SectionKind::Dedication),
            ("Epigraph", SectionKind::Epigraph),
            ("Endnotes", SectionKind::Appendix),
            ("Notes", SectionKind::Appendix),
            ("Appendix B: Tables", SectionKind::Appendix),
            ("Appendix", SectionKind::Appendix),
            ("Also by Herman Melville", SectionKind::Appendix),
            ("About the Author", SectionKind::Appendix),
            ("Acknowledgements", SectionKind::Appendix),
            ("Epilogue", SectionKind::Chapter),
            ("Prologue", SectionKind::Chapter),
            ("Introduction", SectionKind::Chapter),
            ("Nachwort", SectionKind::Appendix),
            ("Avant-propos", SectionKind::Preface),
            ("Épilogue", SectionKind::Chapter),
            ("Agradecimientos", SectionKind::Appendix),
            ("Предисловие", SectionKind::Preface),
            ("Примечания", SectionKind::Appendix),
            ("CONTENTS", SectionKind::Preface),
            ("THE FULL PROJECT GUTENBERG LICENSE", SectionKind::Appendix),
        ] {
            assert_eq!(matter_of(heading).map(|(_, k)| k), Some(kind), "{heading}");
        }
        for heading in [
            "Notes from Underground",
            "The Preface Problem",
            "Index Cards",
            "Loomings",
            "Epilogues and Beginnings",
            "A",
        ] {
            assert_eq!(matter_of(heading), None, "{heading}");
        }
    }
}
