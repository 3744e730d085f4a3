//! Hard-broken lines settled once a file is read: a run of dictionary
//! entries becomes a definition list, lines that read as verse a stanza,
//! the rest stay paragraphs; and ```verse blocks read as stanzas.

use super::*;

/// Hard-broken lines as a stanza: line breaks lifted to the top level,
/// each line without an indent.
pub(super) fn verse(content: Vec<Inline>) -> BlockKind {
    let content = crate::model::lift_line_breaks(content);
    let lines = crate::model::verse_lines(&content).count();
    BlockKind::Verse {
        content,
        indents: vec![0; lines],
    }
}

/// A line of verse leaves room for its turnover: one that fills more than
/// this share of the measure is a line of prose.
pub(super) const VERSE_LINE_SHARE: f64 = 0.85;

/// The lengths in characters of a paragraph's hard-broken lines.
pub(super) fn line_lengths(content: &[Inline]) -> Vec<usize> {
    let mut lengths = vec![0usize];
    fn walk(inlines: &[Inline], lengths: &mut Vec<usize>) {
        for inline in inlines {
            match inline {
                Inline::LineBreak => lengths.push(0),
                Inline::Text(t) | Inline::Code(t) => {
                    if let Some(last) = lengths.last_mut() {
                        *last += t.trim().chars().count();
                    }
                }
                other => walk(other.children(), lengths),
            }
        }
    }
    walk(content, &mut lengths);
    lengths
}

/// Whether hard-broken lines read as verse: most of them (more than half)
/// shorter than the measure leaves for a line of verse.
pub(super) fn reads_as_verse(content: &[Inline], measure_chars: f64) -> bool {
    let lengths = line_lengths(content);
    let short = lengths
        .iter()
        .filter(|&&n| (n as f64) < measure_chars * VERSE_LINE_SHARE)
        .count();
    short * 2 > lengths.len()
}

/// The most words a dictionary's term line holds (`**Abacus**, *n.*`).
pub(super) const TERM_WORDS: usize = 6;

/// Whether a paragraph is a converted dictionary's entry, `Term⏎definition`:
/// a short first line (a few words, under two fifths of the measure) and
/// at least twice as much text after it.
pub(super) fn is_entry(content: &[Inline], measure_chars: f64) -> bool {
    let lifted = crate::model::lift_line_breaks(content.to_vec());
    let mut lines = crate::model::verse_lines(&lifted);
    let Some(term) = lines.next() else {
        return false;
    };
    let term = crate::model::plain_text(term);
    let term_chars = term.trim().chars().count();
    let definition: Vec<usize> = lines
        .map(|l| crate::model::plain_text(l).trim().chars().count())
        .collect();
    let rest: usize = definition.iter().sum();
    // Lines after the first that read as verse make a stanza, not a definition.
    let short = definition
        .iter()
        .filter(|&&n| (n as f64) < measure_chars * VERSE_LINE_SHARE)
        .count();
    let prose = definition.len() == 1 || short * 2 <= definition.len();
    term_chars > 0
        && prose
        && term.split_whitespace().count() <= TERM_WORDS
        && (term_chars as f64) < measure_chars * 0.4
        && rest >= 2 * term_chars
}

/// Entries in a row that make a dictionary (a letter's `Dear Sir,⏎…` is one).
pub(super) const ENTRIES_IN_A_ROW: usize = 3;

/// Settles each hard-broken paragraph of a file, in every container: a run
/// of dictionary entries (`Term⏎definition`, as Pandoc converts a
/// dictionary) becomes a definition list; a paragraph whose lines read as
/// verse becomes a stanza; the rest stay paragraphs, each break ending a
/// line of a justified paragraph.
pub(super) fn settle_line_breaks(blocks: &mut Vec<Block>, settle: &Settle) {
    let measure_chars = settle.measure_chars;
    for block in blocks.iter_mut() {
        match &mut block.kind {
            BlockKind::Quote(inner)
            | BlockKind::Div { blocks: inner, .. }
            | BlockKind::Definitions(inner)
            | BlockKind::Definition(inner) => settle_line_breaks(inner, settle),
            BlockKind::List { items, .. } => {
                for item in items {
                    settle_line_breaks(&mut item.blocks, settle);
                }
            }
            _ => {}
        }
    }
    let broken = |block: &Block| {
        matches!(&block.kind, BlockKind::Paragraph { content, .. }
            if crate::model::has_line_break(content) && is_entry(content, measure_chars))
            && !settle.keeps(block)
    };
    let mut out = Vec::with_capacity(blocks.len());
    let mut rest = std::mem::take(blocks).into_iter().peekable();
    while let Some(block) = rest.next() {
        if broken(&block) {
            let mut run = vec![block];
            while let Some(next) = rest.next_if(broken) {
                run.push(next);
            }
            if run.len() >= ENTRIES_IN_A_ROW {
                out.push(entries(run));
                continue;
            }
            out.extend(run.into_iter().map(|b| settle_paragraph(b, settle)));
            continue;
        }
        out.push(settle_paragraph(block, settle));
    }
    *blocks = out;
}

/// What settling a file's hard-broken paragraphs reads them against.
pub(super) struct Settle {
    pub(super) measure_chars: f64,
    /// Where raw HTML set as text starts (its lines are kept as written).
    pub(super) as_written: Vec<u32>,
}

impl Settle {
    fn keeps(&self, block: &Block) -> bool {
        block
            .span
            .is_some_and(|s| self.as_written.contains(&s.start))
    }
}

/// A hard-broken paragraph that reads as verse, as a stanza.
pub(super) fn settle_paragraph(block: Block, settle: &Settle) -> Block {
    if settle.keeps(&block) {
        return block;
    }
    match block.kind {
        BlockKind::Paragraph { content, indent } if crate::model::has_line_break(&content) => {
            let kind = if reads_as_verse(&content, settle.measure_chars) {
                verse(content)
            } else {
                BlockKind::Paragraph { content, indent }
            };
            Block { kind, ..block }
        }
        kind => Block { kind, ..block },
    }
}

/// Dictionary entries as one definition list: each first line a term, the
/// lines after it its definition.
pub(super) fn entries(run: Vec<Block>) -> Block {
    let span = match (
        run.first().and_then(|b| b.span),
        run.last().and_then(|b| b.span),
    ) {
        (Some(first), Some(last)) => Some(Span {
            end: last.end,
            ..first
        }),
        (first, _) => first,
    };
    let mut items = Vec::with_capacity(run.len() * 2);
    for block in run {
        let BlockKind::Paragraph { content, .. } = block.kind else {
            continue;
        };
        let lifted = crate::model::lift_line_breaks(content);
        let at = lifted
            .iter()
            .position(|i| matches!(i, Inline::LineBreak))
            .unwrap_or(lifted.len());
        let mut term = lifted;
        let definition: Vec<Inline> = term.drain(at..).skip(1).collect();
        items.push(Block {
            id: PLACEHOLDER,
            kind: BlockKind::Term {
                content: trim_inlines(term),
            },
            span: block.span,
        });
        items.push(Block {
            id: PLACEHOLDER,
            kind: BlockKind::Definition(vec![Block {
                id: PLACEHOLDER,
                kind: BlockKind::Paragraph {
                    content: trim_inlines(definition),
                    indent: false,
                },
                span: block.span,
            }]),
            span: block.span,
        });
    }
    Block {
        id: PLACEHOLDER,
        kind: BlockKind::Definitions(items),
        span,
    }
}

/// Inlines without the spaces at their ends (left by a line break's split).
pub(super) fn trim_inlines(mut content: Vec<Inline>) -> Vec<Inline> {
    if let Some(Inline::Text(t)) = content.first_mut() {
        *t = t.trim_start().to_string();
    }
    if let Some(Inline::Text(t)) = content.last_mut() {
        *t = t.trim_end().to_string();
    }
    content.retain(|i| !matches!(i, Inline::Text(t) if t.is_empty()));
    content
}

/// A ```verse block: stanzas (split at blank lines) of lines, each line's
/// Markdown read as inline text (emphasis, notes…), with its leading spaces
/// (a tab counts 4) as its indent.
pub(super) fn verse_stanzas(
    text: &str,
    file: u32,
    path: &str,
    spans: bool,
) -> Vec<(Vec<Inline>, Vec<u16>)> {
    let mut stanzas = Vec::new();
    for stanza in text
        .split("\n\n")
        .map(|s| s.trim_matches('\n'))
        .filter(|s| !s.trim().is_empty())
    {
        let mut source = String::new();
        let mut indents = Vec::new();
        for (i, line) in stanza.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let indent: u16 = line
                .chars()
                .take_while(|c| c.is_whitespace())
                .map(|c| if c == '\t' { 4 } else { 1 })
                .sum();
            indents.push(indent);
            if i > 0 {
                source.push_str("\\\n");
            }
            source.push_str(&escape_line_start(line.trim()));
        }
        // pulldown-cmark reads `[^label]` as a note reference only where the
        // label is defined: define each here (the file's own definition is used).
        let mut rest = source.as_str();
        let mut labels = Vec::new();
        while let Some(at) = rest.find("[^") {
            rest = &rest[at + 2..];
            if let Some(end) = rest.find(']') {
                labels.push(rest[..end].to_string());
            }
        }
        for label in labels {
            source.push_str(&format!("\n\n[^{label}]: .\n"));
        }
        let parsed = parse_with(&source, file, path, spans, NOMINAL_MEASURE_CHARS);
        let content = parsed
            .blocks
            .into_iter()
            .find_map(|b| match b.kind {
                BlockKind::Verse { content, .. } => Some(content),
                BlockKind::Paragraph { content, .. } => Some(content),
                _ => None,
            })
            .unwrap_or_default();
        let lines = crate::model::verse_lines(&content).count();
        indents.resize(lines, 0);
        stanzas.push((content, indents));
    }
    stanzas
}

/// A verse line as Markdown that cannot open a block of its own (heading,
/// list item, quote, rule, fence or setext underline): the marker is escaped.
pub(super) fn escape_line_start(line: &str) -> String {
    let first = line.chars().next().unwrap_or(' ');
    let second = line.chars().nth(1).unwrap_or(' ');
    let only = |c: char| line.chars().all(|x| x == c || x == ' ');
    let hashes = line.chars().take_while(|&c| c == '#').count();
    let block_marker = (hashes > 0 && hashes <= 6 && line[hashes..].starts_with([' ', '\t']))
        || (hashes > 0 && hashes == line.len())
        || ("-+*".contains(first) && second == ' ')
        || first == '>'
        || ("-*_=".contains(first) && only(first))
        || line.starts_with("```")
        || line.starts_with("~~~");
    if block_marker {
        return format!("\\{line}");
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && line[digits..].starts_with(['.', ')']) {
        return format!("{}\\{}", &line[..digits], &line[digits..]);
    }
    line.to_string()
}
