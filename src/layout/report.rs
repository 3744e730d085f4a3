//! The typographic report, measured from the layout itself: widows, orphans,
//! hyphenation, overfull lines, word spacing, headings at a page foot and
//! facing pages of unequal depth.

use super::compose::{ComposedPage, LineFact};
use super::frame::{Finding, FindingKind, Report, Side, TIGHT_RATIO};
use super::items::Role;

/// Measures the laid-out book; `full_depth` is the grid lines of a full page.
pub fn measure(pages: &[ComposedPage], facts: &[Vec<LineFact>], full_depth: u32) -> Report {
    let mut measure = Measure {
        report: Report {
            pages: pages.len(),
            loosest_space_ratio: 1.0,
            tightest_space_ratio: 1.0,
            ..Report::default()
        },
        run: 0,
        spaces: Vec::new(),
        line_means: Vec::new(),
        findings: Vec::new(),
    };
    for (p, page_facts) in facts.iter().enumerate() {
        for fact in page_facts {
            measure.line(pages, p, fact);
        }
        if let Some(last) = page_facts.last() {
            let next_first = facts.get(p + 1).and_then(|f| f.first());
            measure.page_foot(pages, p, last, next_first);
        }
    }
    measure.facing_pages(pages);
    measure.short_pages(pages, full_depth);
    measure.finish()
}

/// The report as it is measured, line by line and page by page.
struct Measure {
    report: Report,
    /// Hyphenated lines in a row so far.
    run: usize,
    /// Every word space of the book, in em.
    spaces: Vec<f32>,
    /// Each full line's mean word space, in em.
    line_means: Vec<f32>,
    findings: Vec<Finding>,
}

impl Measure {
    fn found(&mut self, kind: FindingKind, page: usize, fact: Option<&LineFact>, detail: String) {
        self.findings.push(Finding {
            kind,
            page,
            grid: fact.map(|f| f.grid),
            detail: match fact {
                Some(f) => format!("{detail}: “{}”", f.text.trim()),
                None => detail,
            },
        });
    }

    /// One line: its hyphen, fullness and word spaces.
    fn line(&mut self, pages: &[ComposedPage], p: usize, fact: &LineFact) {
        self.report.lines += 1;
        if fact.hyphenated {
            self.report.hyphenated_lines += 1;
            self.run += 1;
            self.report.longest_hyphen_run = self.report.longest_hyphen_run.max(self.run);
            if self.run > 2 {
                self.found(
                    FindingKind::HyphenRun,
                    p,
                    Some(fact),
                    format!("hyphen {} in a row", self.run),
                );
            }
        } else {
            self.run = 0;
        }
        if fact.overfull {
            self.report.overfull_lines += 1;
            self.found(
                FindingKind::OverfullLine,
                p,
                Some(fact),
                "overfull line".into(),
            );
        }
        if !fact.spaces_em.is_empty() && fact.ratio <= TIGHT_RATIO {
            self.report.tight_lines += 1;
            self.found(FindingKind::TightLine, p, Some(fact), "tight line".into());
        }
        if !fact.spaces_em.is_empty() {
            // Word space relative to natural: stretch is half a space, shrink a third.
            let relative = if fact.ratio >= 0.0 {
                1.0 + fact.ratio * 0.5
            } else {
                1.0 + fact.ratio / 3.0
            };
            self.report.loosest_space_ratio = self.report.loosest_space_ratio.max(relative);
            self.report.tightest_space_ratio = self.report.tightest_space_ratio.min(relative);
            self.spaces.extend(fact.spaces_em.iter());
            if fact.spaces_em.len() >= 3 {
                let mean = fact.spaces_em.iter().sum::<f32>() / fact.spaces_em.len() as f32;
                self.line_means.push(mean);
                if mean >= 0.5 {
                    self.found(
                        FindingKind::LooseLine,
                        p,
                        Some(fact),
                        format!("word space {mean:.2} em"),
                    );
                }
                if self
                    .report
                    .loosest_line
                    .as_ref()
                    .is_none_or(|(_, m, _)| (mean as f64) > *m)
                {
                    self.report.loosest_line = Some((
                        pages[p].page.folio.clone(),
                        mean as f64,
                        fact.text.to_string(),
                    ));
                }
            }
        }
    }

    /// A page's last line and the next page's first: orphans, widows,
    /// headings and hyphens at the foot.
    fn page_foot(
        &mut self,
        pages: &[ComposedPage],
        p: usize,
        last: &LineFact,
        next_first: Option<&LineFact>,
    ) {
        if let Some((block, n, count)) = last.para
            && n == 1
            && count > 1
            && next_first
                .and_then(|f| f.para)
                .is_some_and(|(b, m, _)| b == block && m == 2)
        {
            self.report.orphans += 1;
            self.found(FindingKind::Orphan, p, Some(last), "orphan".into());
        }
        if let Some(next) = next_first
            && let Some((block, n, count)) = next.para
            && n == count
            && count > 1
            && last.para.is_some_and(|(b, _, _)| b == block)
        {
            self.report.widows += 1;
            self.found(FindingKind::Widow, p + 1, Some(next), "widow".into());
        }
        if matches!(last.role, Role::Heading | Role::Title)
            && next_first.is_some()
            && pages[p].section == pages[p + 1].section
        {
            self.report.headings_at_foot += 1;
            self.found(
                FindingKind::HeadingAtFoot,
                p,
                Some(last),
                "heading at the foot".into(),
            );
        }
        if last.hyphenated {
            self.report.hyphens_at_page_foot += 1;
            self.found(
                FindingKind::HyphenAtFoot,
                p,
                Some(last),
                "hyphen at the page foot".into(),
            );
        }
    }

    /// Facing pages: a verso and the recto after it, both full text pages
    /// of one section, of one depth.
    fn facing_pages(&mut self, pages: &[ComposedPage]) {
        for p in 0..pages.len().saturating_sub(1) {
            let (verso, recto) = (&pages[p], &pages[p + 1]);
            // The section's last text page may run short (blank pages after it are not text).
            let last_of_section = pages
                .get(p + 2)
                .is_none_or(|n| n.section != recto.section || n.blank);
            if verso.page.side == Side::Verso
                && !verso.blank
                && !recto.blank
                && !recto.opening
                && !verso.asked_break
                && !recto.asked_break
                && verso.section == recto.section
                && !last_of_section
                && verso.depth != recto.depth
            {
                let spread = format!(
                    "{}–{} ({} and {} lines)",
                    verso.page.folio, recto.page.folio, verso.depth, recto.depth
                );
                self.found(
                    FindingKind::UnequalSpread,
                    p,
                    None,
                    format!("facing pages {spread}"),
                );
                self.report.unequal_spreads.push(spread);
            }
        }
    }

    /// Pages inside a section that end short of the full depth.
    fn short_pages(&mut self, pages: &[ComposedPage], full_depth: u32) {
        let mut short: std::collections::BTreeMap<u32, usize> = Default::default();
        for (p, page) in pages.iter().enumerate() {
            let next_in_section = pages
                .get(p + 1)
                .is_some_and(|n| n.section == page.section && !n.blank && !n.opening);
            if !page.blank
                && !page.opening
                && !page.asked_break
                && next_in_section
                && page.depth < full_depth
            {
                let lines = full_depth - page.depth;
                *short.entry(lines).or_default() += 1;
                if lines >= 2 {
                    self.found(
                        FindingKind::ShortPage,
                        p,
                        None,
                        format!("{lines} lines short"),
                    );
                }
            }
        }
        self.report.short_pages = short.into_iter().collect();
    }

    fn finish(mut self) -> Report {
        self.findings.sort_by_key(|f| (f.page, f.grid, f.kind));
        self.report.findings = self.findings;
        self.report.full_lines = self.line_means.len();
        self.report.lines_at_least_04_em = self.line_means.iter().filter(|&&m| m >= 0.4).count();
        self.report.lines_at_least_05_em = self.line_means.iter().filter(|&&m| m >= 0.5).count();
        // The 95th percentiles by selection, not by sorting a long book's 200,000 spaces.
        if let Some(p95) = percentile_95(&mut self.line_means) {
            self.report.line_space_p95_em = p95 as f64;
        }
        if let Some(p95) = percentile_95(&mut self.spaces) {
            self.report.space_p95_em = p95 as f64;
            self.report.space_max_em = self.spaces.iter().copied().fold(f32::MIN, f32::max) as f64;
        }
        self.report
    }
}

/// The value 95 % of the way up `values` (the nearest rank, as sorting
/// would find it); `None` when there are none. Reorders `values`.
fn percentile_95(values: &mut [f32]) -> Option<f32> {
    if values.is_empty() {
        return None;
    }
    let at = ((values.len() as f64 * 0.95).ceil() as usize).clamp(1, values.len()) - 1;
    let (_, value, _) = values.select_nth_unstable_by(at, f32::total_cmp);
    Some(*value)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_95th_percentile_is_the_sorted_rank() {
        let mut values: Vec<f32> = (0..1000).rev().map(|v| v as f32 / 10.0).collect();
        assert_eq!(super::percentile_95(&mut values), Some(94.9));
        assert_eq!(super::percentile_95(&mut [3.0]), Some(3.0));
        assert_eq!(super::percentile_95(&mut []), None);
    }
}
