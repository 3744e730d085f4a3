//! Verse: each line of a poem set on its own, long lines turned over under
//! a hang, stanzas kept together where the page allows.

use super::*;

impl GalleyBuilder<'_, '_, '_> {
    /// A stanza: each line flush left at its indent (half an em per space
    /// written), never justified or hyphenated; a line too long for the
    /// measure turns over 2 em further in. A turnover never ends a page, a
    /// page break inside a stanza leaves two lines or more each side, and
    /// costs more than one between stanzas; `quoted` verse (in a quotation)
    /// is kept whole where it fits in half a page.
    pub(super) fn verse(
        &mut self,
        block: BlockId,
        content: &[crate::model::Inline],
        indents: &[u16],
        (x, measure): (Pt, Pt),
        quoted: bool,
        out: &mut Vec<VItem>,
    ) {
        let body = self.scale.body;
        let hang = body * 2.0;
        let mut set: Vec<(Line, Pt, bool)> = Vec::new();
        let mut offset = 0u32;
        let verse_count = crate::model::verse_lines(content).count();
        // The stanza's links are numbered through its lines.
        self.setter.link_base = 0;
        for (i, line) in crate::model::verse_lines(content).enumerate() {
            let indent = body * (0.5 * f64::from(indents.get(i).copied().unwrap_or(0).min(16)));
            let room = Pt((measure.0 - indent.0 - hang.0).max(body.0 * 6.0));
            let mut para = match self.div {
                Some(div) => ParaStyle {
                    draft: self.draft,
                    ..div.para(room)
                },
                None => self.para(Style::Regular, body, Align::Left, room),
            };
            para.align = Align::Left;
            para.first_indent = Pt(-hang.0);
            let mut lines = self.setter.set(line, &para);
            self.setter.link_base += crate::model::link_count(line);
            // A line of verse reads a word apart from the next.
            if i + 1 < verse_count
                && let Some(last) = lines.last_mut()
            {
                self.setter.end_with_space(last);
            }
            let count = lines.len();
            for (k, mut l) in lines.into_iter().enumerate() {
                l.start += offset;
                set.push((l, x + indent + hang, k + 1 < count));
            }
            offset += crate::model::plain_text(line).chars().count() as u32 + 1;
        }
        self.setter.link_base = 0;
        let total = set.len();
        // A page breaks between stanzas where it can; inside a stanza it
        // leaves two lines or more each side, at a price between a page one
        // line short and one two lines short (so a stanza is split rather
        // than a page left two lines short). A long verse paragraph (more
        // than half a page) splits as a prose paragraph does, cheaper than
        // a page a line short.
        let split = if total > self.geometry.lines / 2 {
            VERSE_PARAGRAPH_SPLIT
        } else if quoted {
            // Verse quoted in running text is a block quotation: kept whole
            // where it fits in half a page.
            WIDOW / 2.0
        } else {
            STANZA_SPLIT
        };
        for (n, (line, at, turns_over)) in set.into_iter().enumerate() {
            let last = n + 1 == total;
            let break_after = if last {
                0.0
            } else if turns_over || n == 0 || n + 2 == total {
                WIDOW
            } else {
                split
            };
            out.push(VItem::text_line(
                block,
                line,
                at,
                Role::Other,
                break_after,
                None,
            ));
        }
    }
}
