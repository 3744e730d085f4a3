//! Book-wide passes over the blocks once the sections are in order:
//! paragraph indents, table column alignment, div classes checked against
//! the style, and the block ids that page positions refer to.

use super::*;

/// First paragraph of a section, and any paragraph after a non-paragraph, is not indented.
pub(super) fn set_indents(blocks: &mut [Block]) {
    let mut previous_is_paragraph = false;
    for block in blocks {
        match &mut block.kind {
            BlockKind::Paragraph { indent, .. } => {
                *indent = previous_is_paragraph;
                previous_is_paragraph = true;
                continue;
            }
            BlockKind::Quote(inner)
            | BlockKind::Div { blocks: inner, .. }
            | BlockKind::Definitions(inner) => set_indents(inner),
            // A definition's first paragraph starts at the hang, never indented.
            BlockKind::Definition(inner) => {
                set_indents(inner);
                if let Some(Block {
                    kind: BlockKind::Paragraph { indent, .. },
                    ..
                }) = inner.first_mut()
                {
                    *indent = false;
                }
            }
            BlockKind::List { items, .. } => {
                for item in items {
                    set_indents(&mut item.blocks);
                    // List item text is never indented.
                    if let Some(Block {
                        kind: BlockKind::Paragraph { indent, .. },
                        ..
                    }) = item.blocks.first_mut()
                    {
                        *indent = false;
                    }
                }
            }
            _ => {}
        }
        previous_is_paragraph = false;
    }
}

/// A table column whose delimiter row gives no alignment is ranged right when
/// every cell of its body holds a figure (`1,200`, `−3.5 %`, `$40`), left otherwise.
pub(super) fn align_table_columns(blocks: &mut [Block]) {
    crate::model::walk_blocks_mut(blocks, &mut |block| {
        if let BlockKind::Table { columns, rows, .. } = &mut block.kind {
            for (c, align) in columns.iter_mut().enumerate() {
                if *align != ColumnAlign::Auto {
                    continue;
                }
                let mut cells = rows
                    .iter()
                    .filter_map(|row| row.get(c))
                    .map(|cell| crate::model::plain_text(cell))
                    .filter(|t| !t.trim().is_empty())
                    .peekable();
                let figures = cells.peek().is_some() && cells.all(|t| is_figure(&t));
                *align = if figures {
                    ColumnAlign::Right
                } else {
                    ColumnAlign::Left
                };
            }
        }
    });
}

/// A number as tables print them: digits with separators, a sign, a currency or a unit mark.
pub(super) fn is_figure(text: &str) -> bool {
    let text = text.trim();
    text.chars().any(|c| c.is_ascii_digit())
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || " ,.+-−–%$€£¥()\u{a0}\u{202f}".contains(c))
}

/// A warning at each fenced div whose classes the style does not set,
/// naming them (a class Pandoc writes for structure, `.section`, is none of
/// the style's business and passes quietly).
pub(super) fn check_div_classes(
    sections: &[Section],
    style: &crate::model::style::BookStyle,
    locate: &dyn Fn(Span) -> crate::diag::Location,
    diagnostics: &mut Sink,
) {
    for section in sections {
        let notes = section.notes.iter().map(|n| &n.blocks);
        for blocks in std::iter::once(&section.blocks).chain(notes) {
            crate::model::walk_blocks(blocks, &mut |block| {
                let BlockKind::Div { classes, .. } = &block.kind else {
                    return;
                };
                let unknown: Vec<String> = classes
                    .iter()
                    .filter(|c| {
                        style.class(c).is_none() && !crate::model::style::is_structural_class(c)
                    })
                    .map(|c| format!(".{c}"))
                    .collect();
                if unknown.is_empty() {
                    return;
                }
                let set_as = if classes.iter().any(|c| style.class(c).is_some()) {
                    "the div is set as its other class says"
                } else {
                    "its text is set as the text around it"
                };
                diagnostics.push(
                    Diagnostic::warning(format!(
                        "the style sets no div of class {}; {set_as}",
                        unknown.join(" ")
                    ))
                    .at(block.span.map(locate))
                    .with_hint(format!(
                        "the classes a style sets: {}; or give book.toml a [style.class.{}] table (face, size, case, letter-spacing, align, indent)",
                        crate::model::style::BUILT_IN_CLASSES.map(|c| format!(".{c}")).join(", "),
                        unknown[0].trim_start_matches('.')
                    )),
                );
            });
        }
    }
}

/// Numbers every block in reading order (notes after their section's text).
pub(super) fn assign_ids(sections: &mut [Section]) -> u32 {
    fn number(blocks: &mut [Block], next: &mut u32) {
        crate::model::walk_blocks_mut(blocks, &mut |block| {
            block.id = BlockId(*next);
            *next += 1;
        });
    }
    let mut next = 0;
    for section in sections {
        number(&mut section.blocks, &mut next);
        for note in &mut section.notes {
            number(&mut note.blocks, &mut next);
        }
    }
    next
}
