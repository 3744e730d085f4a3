//! The gate's report: each rule measured, its verdict and the number behind
//! it; printed for people and as JSON for machines.

use std::fmt;

use super::rows::Row;

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
    pub row: Row,
    pub status: Status,
    /// The number behind the verdict, in words.
    pub value: String,
}

impl Check {
    /// `epub`, `print`, `cover`, `typography`… or a store.
    pub fn group(&self) -> &'static str {
        self.row.group()
    }

    pub fn name(&self) -> &'static str {
        self.row.name()
    }
}

impl serde::Serialize for Check {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut row = serializer.serialize_struct("Check", 4)?;
        row.serialize_field("group", self.group())?;
        row.serialize_field("check", &self.row)?;
        row.serialize_field("status", self.status.label())?;
        row.serialize_field("value", &self.value)?;
        row.end()
    }
}

/// All checks of one book.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    pub checks: Vec<Check>,
}

impl Report {
    pub(super) fn add(&mut self, row: Row, status: Status, value: impl Into<String>) {
        self.checks.push(Check {
            row,
            status,
            value: value.into(),
        });
    }

    pub fn failed(&self) -> bool {
        self.checks.iter().any(|c| c.status == Status::Fail)
    }

    /// The first check of `row`.
    pub fn get(&self, row: Row) -> Option<&Check> {
        self.checks.iter().find(|c| c.row == row)
    }

    /// The report as JSON, for machines.
    pub fn to_json(&self) -> String {
        #[derive(serde::Serialize)]
        struct Json<'a> {
            passed: bool,
            checks: &'a [Check],
        }
        let json = Json {
            passed: !self.failed(),
            checks: &self.checks,
        };
        serde_json::to_string_pretty(&json).expect("strings and booleans serialise")
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name_width = self
            .checks
            .iter()
            .map(|c| c.name().chars().count())
            .max()
            .unwrap_or(0);
        for c in &self.checks {
            writeln!(
                f,
                "{:<10} {:<name_width$}  {}  {}",
                c.group(),
                c.name(),
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
