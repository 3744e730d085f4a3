//! The typographic report, measured from the layout itself: widows, orphans,
//! hyphenation, overfull lines, word spacing, headings at a page foot and
//! facing pages of unequal depth.

use super::compose::{ComposedPage, LineFact};
use super::frame::{Report, Side};
use super::galley::Role;

/// Measures the laid-out book; `full_depth` is the grid lines of a full page.
pub fn measure(pages: &[ComposedPage], facts: &[Vec<LineFact>], full_depth: u32) -> Report {
    let mut report = Report {
        pages: pages.len(),
        loosest_space_ratio: 1.0,
        tightest_space_ratio: 1.0,
        ..Report::default()
    };
    let mut run = 0;
    let mut spaces: Vec<f32> = Vec::new();
    let mut line_means: Vec<f32> = Vec::new();
    for (p, page_facts) in facts.iter().enumerate() {
        for fact in page_facts {
            report.lines += 1;
            if fact.hyphenated {
                report.hyphenated_lines += 1;
                run += 1;
                report.longest_hyphen_run = report.longest_hyphen_run.max(run);
            } else {
                run = 0;
            }
            if fact.overfull {
                report.overfull_lines += 1;
            }
            if !fact.spaces_em.is_empty() {
                // Word space relative to natural: stretch is half a space, shrink a third.
                let relative = if fact.ratio >= 0.0 {
                    1.0 + fact.ratio * 0.5
                } else {
                    1.0 + fact.ratio / 3.0
                };
                report.loosest_space_ratio = report.loosest_space_ratio.max(relative);
                report.tightest_space_ratio = report.tightest_space_ratio.min(relative);
                spaces.extend(fact.spaces_em.iter());
                if fact.spaces_em.len() >= 3 {
                    let mean = fact.spaces_em.iter().sum::<f32>() / fact.spaces_em.len() as f32;
                    line_means.push(mean);
                    if report
                        .loosest_line
                        .as_ref()
                        .is_none_or(|(_, m, _)| (mean as f64) > *m)
                    {
                        report.loosest_line = Some((
                            pages[p].page.folio.clone(),
                            mean as f64,
                            fact.text.to_string(),
                        ));
                    }
                }
            }
        }
        let Some(last) = page_facts.last() else {
            continue;
        };
        let next_first = facts.get(p + 1).and_then(|f| f.first());
        if let Some((block, n, count)) = last.para
            && n == 1
            && count > 1
            && next_first
                .and_then(|f| f.para)
                .is_some_and(|(b, m, _)| b == block && m == 2)
        {
            report.orphans += 1;
        }
        if let Some(next) = next_first
            && let Some((block, n, count)) = next.para
            && n == count
            && count > 1
            && last.para.is_some_and(|(b, _, _)| b == block)
        {
            report.widows += 1;
        }
        if matches!(last.role, Role::Heading | Role::Title)
            && next_first.is_some()
            && pages[p].section == pages[p + 1].section
        {
            report.headings_at_foot += 1;
        }
        if last.hyphenated {
            report.hyphens_at_page_foot += 1;
        }
    }
    // Facing pages: a verso and the recto after it, both full text pages of one section.
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
            && verso.section == recto.section
            && !last_of_section
            && verso.depth != recto.depth
        {
            report.unequal_spreads.push(format!(
                "{}–{} ({} and {} lines)",
                verso.page.folio, recto.page.folio, verso.depth, recto.depth
            ));
        }
    }
    // Pages inside a section that end short of the full depth.
    let mut short: std::collections::BTreeMap<u32, usize> = Default::default();
    for (p, page) in pages.iter().enumerate() {
        let next_in_section = pages
            .get(p + 1)
            .is_some_and(|n| n.section == page.section && !n.blank && !n.opening);
        if !page.blank && !page.opening && next_in_section && page.depth < full_depth {
            *short.entry(full_depth - page.depth).or_default() += 1;
        }
    }
    report.short_pages = short.into_iter().collect();
    report.full_lines = line_means.len();
    report.lines_at_least_04_em = line_means.iter().filter(|&&m| m >= 0.4).count();
    report.lines_at_least_05_em = line_means.iter().filter(|&&m| m >= 0.5).count();
    // The 95th percentiles by selection, not by sorting a long book's 200,000 spaces.
    if let Some(p95) = percentile_95(&mut line_means) {
        report.line_space_p95_em = p95 as f64;
    }
    if let Some(p95) = percentile_95(&mut spaces) {
        report.space_p95_em = p95 as f64;
        report.space_max_em = spaces.iter().copied().fold(f32::MIN, f32::max) as f64;
    }
    report
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
