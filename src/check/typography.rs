//! Rules read from the set pages: overfull lines, word spacing, short pages.

use crate::layout::LaidOut;

use super::report::{Report, Status};
use super::rows::Row;

pub(super) fn check_typography(report: &mut Report, laid: &LaidOut) {
    let r = &laid.report;
    let count = |row: Row, n: usize, report: &mut Report| {
        report.add(
            row,
            if n == 0 { Status::Pass } else { Status::Warn },
            n.to_string(),
        );
    };
    count(Row::OverfullLines, r.overfull_lines, report);
    count(Row::Widows, r.widows, report);
    count(Row::Orphans, r.orphans, report);
    count(Row::HeadingsAtAPageFoot, r.headings_at_foot, report);
    count(Row::HyphensAtAPageFoot, r.hyphens_at_page_foot, report);
    // A justified page has a tight line now and then; many of them mean the
    // measure is too narrow for the spacing asked of it.
    let tight_share = 100.0 * r.tight_lines as f64 / r.lines.max(1) as f64;
    report.add(
        Row::LinesSetTight,
        if tight_share <= 2.0 {
            Status::Pass
        } else {
            Status::Warn
        },
        format!("{} ({tight_share:.1} % of lines, ≤ 2 %)", r.tight_lines),
    );
    count(Row::UnequalFacingPages, r.unequal_spreads.len(), report);
    report.add(
        Row::HyphensInARow,
        if r.longest_hyphen_run <= 2 {
            Status::Pass
        } else {
            Status::Warn
        },
        format!("at most {} (≤ 2)", r.longest_hyphen_run),
    );
    let narrow = r.measure_em < crate::layout::frame::HYPHEN_LIMIT_MEASURE_EM;
    report.add(
        Row::HyphenatedLines,
        if r.hyphenated_share() <= 5.0 || narrow {
            Status::Pass
        } else {
            Status::Warn
        },
        if narrow {
            format!(
                "{:.1} % of lines (a {:.0} em measure: no limit below {:.0} em)",
                r.hyphenated_share(),
                r.measure_em,
                crate::layout::frame::HYPHEN_LIMIT_MEASURE_EM
            )
        } else {
            format!("{:.1} % of lines (≤ 5 %)", r.hyphenated_share())
        },
    );
    report.add(
        Row::LooseLines,
        if r.lines_at_least_05_em == 0 {
            Status::Pass
        } else {
            Status::Warn
        },
        match (&r.loosest_line, r.lines_at_least_05_em) {
            (Some((folio, mean, text)), n) if n > 0 => {
                let shown: String = text.chars().take(40).collect();
                format!("{n}; the loosest on page {folio} ({mean:.2} em): “{shown}…”")
            }
            _ => "0".to_string(),
        },
    );
    count(Row::ShortPages, r.pages_short_by_two_or_more(), report);
    report.add(
        Row::WordSpacing,
        if r.space_p95_em <= 0.40 {
            Status::Pass
        } else {
            Status::Warn
        },
        format!("95th percentile {:.3} em (≤ 0.400 em)", r.space_p95_em),
    );
}
