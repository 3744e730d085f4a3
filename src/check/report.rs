//! The gate's report: each rule measured, its verdict and the number behind
//! it; printed for people and as JSON for machines.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Pass,
    Warn,
    Fail,
}

impl Status {
    fn label(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Warn => "WARN",
            Status::Fail => "FAIL",
        }
    }
}

/// One measured rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// `epub`, `print`, `cover` or `typography`.
    pub group: &'static str,
    pub name: &'static str,
    pub status: Status,
    /// The number behind the verdict, in words.
    pub value: String,
}

/// All checks of one book.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    pub checks: Vec<Check>,
}

impl Report {
    pub(super) fn add(
        &mut self,
        group: &'static str,
        name: &'static str,
        status: Status,
        value: impl Into<String>,
    ) {
        self.checks.push(Check {
            group,
            name,
            status,
            value: value.into(),
        });
    }

    pub fn failed(&self) -> bool {
        self.checks.iter().any(|c| c.status == Status::Fail)
    }

    pub fn get(&self, name: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.name == name)
    }

    /// The report as JSON, for machines.
    pub fn to_json(&self) -> String {
        #[derive(serde::Serialize)]
        struct Row<'a> {
            group: &'a str,
            check: &'a str,
            status: &'a str,
            value: &'a str,
        }
        #[derive(serde::Serialize)]
        struct Json<'a> {
            passed: bool,
            checks: Vec<Row<'a>>,
        }
        let json = Json {
            passed: !self.failed(),
            checks: self
                .checks
                .iter()
                .map(|c| Row {
                    group: c.group,
                    check: c.name,
                    status: c.status.label(),
                    value: &c.value,
                })
                .collect(),
        };
        serde_json::to_string_pretty(&json).expect("strings and booleans serialise")
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name_width = self
            .checks
            .iter()
            .map(|c| c.name.chars().count())
            .max()
            .unwrap_or(0);
        for c in &self.checks {
            writeln!(
                f,
                "{:<10} {:<name_width$}  {}  {}",
                c.group,
                c.name,
                c.status.label(),
                c.value
            )?;
        }
        let (fails, warns) = (
            self.checks
                .iter()
                .filter(|c| c.status == Status::Fail)
                .count(),
            self.checks
                .iter()
                .filter(|c| c.status == Status::Warn)
                .count(),
        );
        write!(
            f,
            "{}: {} checks, {fails} failed, {warns} warnings",
            if fails > 0 {
                "not ready to upload"
            } else {
                "ready to upload"
            },
            self.checks.len()
        )
    }
}
