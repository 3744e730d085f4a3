//! What setting the book found wrong, as diagnostics: characters no font
//! has (errors for print, warnings when only the EPUB is wanted), fallback
//! faces used, running heads left off, headings and display pages too long
//! for a page, words broken, images below 300 dpi, and page counts printers
//! refuse.

use super::paragraph::Setter;
use super::{Built, MAX_END_BLANKS};
use crate::diag::{Diagnostic, Diagnostics, Location, Sink};
use crate::fonts::Fonts;
use crate::model::{Book, SectionKind};

/// The setting's warnings to `sink`, or its errors when any part cannot be printed.
pub(super) fn of_the_setting(
    book: &Book,
    fonts: &Fonts,
    setter: &Setter<'_, '_>,
    built: &Built,
    for_print: bool,
    sink: &mut Sink,
) -> Result<(), Diagnostics> {
    let mut errors = Diagnostics::new();
    missing_glyphs(book, fonts, setter, for_print, &mut errors, sink);
    if let Some(notice) = fallback_notice(&setter.fell_back, fonts) {
        sink.push(notice);
    }
    dropped_heads(book, built, sink);
    // Headings too tall for a page: the galleys found them as they set them.
    errors.extend(built.found.iter().filter(|d| d.is_error()).cloned());
    overflows(book, built, &mut errors);
    if errors.has_errors() {
        return Err(errors);
    }
    sink.extend(built.found.iter().cloned());
    broken_words(book, &setter.broken_words, sink);
    for (image, dpi) in &built.low_resolution {
        let path = &book.image(*image).path;
        sink.push(
            Diagnostic::warning(format!("image {path} prints at {dpi:.0} dpi, below 300"))
                .with_hint("supply a larger image: printers need 300 dpi at the size it is placed"),
        );
    }
    page_count(book, built.pages.len(), sink);
    Ok(())
}

/// A character no font of the book can show: an error for print, a warning
/// when only the EPUB is wanted (reading systems bring their own fonts).
fn missing_glyphs(
    book: &Book,
    fonts: &Fonts,
    setter: &Setter<'_, '_>,
    for_print: bool,
    errors: &mut Diagnostics,
    sink: &mut Sink,
) {
    let mut missing: Vec<char> = setter.missing.iter().map(|(c, _)| *c).collect();
    missing.sort_unstable();
    missing.dedup();
    for c in missing {
        let message = format!("no font has a glyph for “{c}” (U+{:04X})", c as u32);
        let faces: Vec<&str> = fonts.iter().map(|(_, f)| f.path.as_str()).collect();
        if for_print {
            errors.push(Diagnostic::error(message).at(find_char(book, c)).with_hint(format!(
                "neither the book's fonts nor the fallbacks ({}) can show it; replace it in the text, or add a font that has it to fonts.fallback in book.toml",
                if faces.len() > 5 { faces[5..].join(", ") } else { "none".to_string() }
            )));
        } else {
            sink.push(Diagnostic::warning(message).at(find_char(book, c)).with_hint(
                "the EPUB is built (reading systems bring their own fonts), but no font of the book can show this character in print".to_string()
            ));
        }
    }
}

/// Running heads too long for the page even set smaller, left off.
fn dropped_heads(book: &Book, built: &Built, sink: &mut Sink) {
    for &s in &built.dropped_heads {
        let section = &book.sections[s];
        let head = section.running_head.as_ref().unwrap_or(&section.title);
        // A head of thousands of letters is named by its start (a long title in full).
        let shown: String = head.chars().take(100).collect();
        let more = if head.chars().nth(100).is_some() {
            "…"
        } else {
            ""
        };
        sink.push(
            Diagnostic::warning(format!(
                "the running head “{shown}{more}” is too long for the page even set smaller, and is left off"
            ))
            .at(section.blocks.first().and_then(|b| b.span).and_then(|s| book.locate(s)))
            .with_hint("give the heading a short form for its running head: # Title {short=\"Short title\"}"),
        );
    }
}

/// Title, half-title and copyright pages whose text does not fit, one error
/// per book.toml key.
fn overflows(book: &Book, built: &Built, errors: &mut Diagnostics) {
    let mut named = Vec::new();
    for (key, page) in &built.overflows {
        // One message per key, on the first page it does not fit.
        if named.contains(key) {
            continue;
        }
        named.push(*key);
        let page = match page {
            SectionKind::HalfTitle => "half-title page",
            SectionKind::TitlePage => "title page",
            _ => "copyright page",
        };
        errors.push(
            Diagnostic::error(format!(
                "`{key}` is too long for the {page}, even set at the body size"
            ))
            .at(book.settings_at.get(*key).cloned().or_else(|| {
                Some(crate::diag::Location {
                    file: crate::project::CONFIG_FILE.to_string(),
                    line: 1,
                    column: 1,
                })
            }))
            .with_hint(format!(
                "shorten `{key}` in book.toml; a long description belongs in `description`"
            )),
        );
    }
}

/// Words wider than the line, broken: each at its place in the manuscript.
fn broken_words(book: &Book, words: &[String], sink: &mut Sink) {
    for word in words {
        let shown: String = word.chars().take(40).collect();
        sink.push(
            Diagnostic::warning(format!(
                "a word is wider than the line and was broken: “{shown}…”"
            ))
            .at(book.sources.iter().find_map(|s| {
                s.text.find(word.as_str()).map(|at| {
                    let (line, column) = s.index.line_column(&s.text, at);
                    Location {
                        file: s.path.clone(),
                        line,
                        column,
                    }
                })
            }))
            .with_hint("break the word with a space or a hyphen, or shorten it"),
        );
    }
}

/// Page counts the printers refuse, and a print.min-pages that cannot be met.
fn page_count(book: &Book, count: usize, sink: &mut Sink) {
    if count > 828 {
        sink.push(
            Diagnostic::warning(format!(
                "the print edition has {count} pages; KDP paperbacks take at most 828"
            ))
            .with_hint("split the book into volumes, or choose a larger print.trim or a smaller print.font-size"),
        );
    } else if count < 24 && book.print.min_pages <= count {
        let needs = if count < 18 {
            "KDP paperbacks need 24–828 and IngramSpark at least 18"
        } else {
            "KDP paperbacks need 24–828"
        };
        let hint = if count + MAX_END_BLANKS >= 24 {
            "set print.min-pages = 24 in book.toml to pad the interior with blank pages at the end (printers accept up to 10)".to_string()
        } else {
            format!(
                "add front or back matter, or choose a smaller print.trim or a larger print.font-size; print.min-pages can add at most {MAX_END_BLANKS} blank pages"
            )
        };
        sink.push(
            Diagnostic::warning(format!("the print edition has {count} pages; {needs}"))
                .with_hint(hint),
        );
    }
    if book.print.min_pages > count {
        sink.push(
            Diagnostic::warning(format!(
                "the print edition has {count} pages, short of print.min-pages = {} even with {MAX_END_BLANKS} blank pages at the end",
                book.print.min_pages
            ))
            .at(book.settings_at.get("print.min-pages").cloned())
            .with_hint("printers accept at most 10 blank pages at the end; add content, or choose a smaller print.trim or a larger print.font-size"),
        );
    }
}

/// One warning naming the characters each fallback face supplied.
fn fallback_notice(fell_back: &[(char, crate::fonts::Style)], fonts: &Fonts) -> Option<Diagnostic> {
    if fell_back.is_empty() {
        return None;
    }
    let mut by_face: std::collections::BTreeMap<crate::fonts::Style, Vec<char>> =
        std::collections::BTreeMap::new();
    for (c, face) in fell_back {
        by_face.entry(*face).or_default().push(*c);
    }
    let mut parts = Vec::new();
    for (face, mut chars) in by_face {
        chars.sort_unstable();
        chars.dedup();
        let shown: String = chars.iter().take(40).collect();
        let more = if chars.len() > 40 {
            format!(" and {} more", chars.len() - 40)
        } else {
            String::new()
        };
        parts.push(format!("{} from {}", shown + &more, fonts.get(face).path));
    }
    Some(
        Diagnostic::warning(format!(
            "characters the book's fonts lack are set in a fallback font: {}",
            parts.join("; ")
        ))
        .with_hint("this is fine for a symbol or a word; for longer passages name a matching font in book.toml ([fonts])"),
    )
}
/// Where a character first occurs in the manuscript, or else the book.toml
/// key that writes it.
fn find_char(book: &Book, c: char) -> Option<Location> {
    book.sources
        .iter()
        .find_map(|s| {
            s.text.find(c).map(|at| {
                let (line, column) = s.index.line_column(&s.text, at);
                Location {
                    file: s.path.clone(),
                    line,
                    column,
                }
            })
        })
        .or_else(|| book.setting_holding(c))
        .or(Some(Location {
            file: crate::project::CONFIG_FILE.to_string(),
            line: 1,
            column: 1,
        }))
}
