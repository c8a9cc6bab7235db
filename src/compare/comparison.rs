//! The joined table: one [`Comparison`] holds every input's machine, and per workload one
//! [`Row`] per (model, workers) with a [`Cell`] per input (time, speedup, ratio, verdict),
//! plus the cases only some inputs have, and with more than three machines the fleet table.
//! Plain data: [`super::join`] fills it, the renderers read it.
//!
//! To show a new figure per case, add a field to [`Cell`] and fill it in
//! [`super::join::compare`].

use std::path::PathBuf;

use serde::Serialize;

use super::fleet::Fleet;
use super::verdict::{self, Judgement, Verdict};
use super::{MachineRow, TableFormat, export, markdown};
use crate::machine::Machine;
use crate::profile::Profile;
use crate::results::schema::Estimate;
use crate::workload::Kind;

/// Every input's run side by side, the first as the base.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// Always [`super::SCHEMA`].
    pub schema: &'static str,
    /// The threshold, as a fraction.
    pub threshold: f64,
    /// Significance level of the verdicts' tests.
    pub alpha: f64,
    /// The inputs in order; the first is the base.
    pub machines: Vec<Side>,
    /// True when the inputs ran different profiles (allowed by the flag).
    pub profiles_differ: bool,
    /// The machines field by field.
    pub machine_rows: Vec<MachineRow>,
    /// Per workload (registry order), its rows and one-sided cases.
    pub workloads: Vec<WorkloadComparison>,
    /// Every machine as a row, with more than three machines (see [`super::fleet`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fleet: Option<Fleet>,
}

/// One input as the comparison names it.
#[derive(Debug, Clone, Serialize)]
pub struct Side {
    /// Its label.
    pub label: String,
    /// The results file.
    pub path: PathBuf,
    /// Its machine.
    pub machine: Machine,
    /// Its profile.
    pub profile: Profile,
    /// Start of its run.
    pub started_at: String,
    /// Its run's warnings.
    pub warnings: Vec<String>,
    /// The most usable rounds any of its cases has; 0 for results files without rounds
    /// (`concbench.results/1`). Below [`verdict::MIN_ROUNDS`] its verdicts rest on
    /// within-run noise only.
    pub rounds: usize,
}

/// One workload's comparison.
#[derive(Debug, Clone, Serialize)]
pub struct WorkloadComparison {
    /// Workload name.
    pub workload: String,
    /// Its kind.
    pub kind: Kind,
    /// One row per (model, workers) the base and at least one other input have.
    pub rows: Vec<Row>,
    /// Cases that are not rows: only on some inputs, not on the base and another.
    pub one_sided: Vec<OneSided>,
    /// Notes, e.g. parameters that differ between inputs.
    pub notes: Vec<String>,
}

/// One (model, workers) across the inputs.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// Model name (for an imported id without a worker count: the id after its group).
    pub model: String,
    /// Worker count (1, counting nothing, when `id` is set).
    pub workers: usize,
    /// The whole id of imported benchmarks that name no worker count, joined on it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// One per input, in input order.
    pub cells: Vec<Cell>,
}

/// One case on one input.
#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    /// The input's label.
    pub machine: String,
    /// False when the input has no such case.
    pub present: bool,
    /// Median batch time with its confidence interval, in ns.
    pub time_ns: Option<Estimate>,
    /// Speedup over the same input's sequential time.
    pub speedup: Option<Estimate>,
    /// Time over the base's time; `None` for the base itself and where a time is missing.
    pub ratio: Option<f64>,
    /// The verdict against the base; `None` for the base and where a time is missing.
    pub judgement: Option<Judgement>,
}

/// A case that some inputs have and that is not a row.
#[derive(Debug, Clone, Serialize)]
pub struct OneSided {
    /// Model name.
    pub model: String,
    /// Worker count (1, counting nothing, when `id` is set).
    pub workers: usize,
    /// The whole id of an imported benchmark that names no worker count.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Labels of the inputs that have it.
    pub on: Vec<String>,
}

/// A case slower on some input beyond the threshold and the noise.
#[derive(Debug, Clone, Copy)]
pub struct Regression<'a> {
    /// The workload.
    pub workload: &'a str,
    /// The row.
    pub row: &'a Row,
    /// The slower input's cell.
    pub cell: &'a Cell,
}

impl Comparison {
    /// The base input's label.
    pub fn base(&self) -> &str {
        &self.machines[0].label
    }

    /// Every (case, input) whose verdict is *slower*.
    pub fn regressions(&self) -> Vec<Regression<'_>> {
        let mut out = Vec::new();
        for w in &self.workloads {
            for row in &w.rows {
                for cell in &row.cells {
                    if cell.judgement.is_some_and(|j| j.verdict == Verdict::Slower) {
                        out.push(Regression {
                            workload: &w.workload,
                            row,
                            cell,
                        });
                    }
                }
            }
        }
        out
    }

    /// One line naming the slower cases, for `--fail-on-regression`; `None` without any.
    pub fn regression_line(&self) -> Option<String> {
        const SHOWN: usize = 12;
        let regressions = self.regressions();
        if regressions.is_empty() {
            return None;
        }
        let names: Vec<String> = regressions
            .iter()
            .take(SHOWN)
            .map(|r| {
                let case = match &r.row.id {
                    Some(id) => id.clone(),
                    None => format!("{} {} x{}", r.workload, r.row.model, r.row.workers),
                };
                format!(
                    "{case} on {} ({:.2}x)",
                    r.cell.machine,
                    r.cell.ratio.unwrap_or(f64::NAN)
                )
            })
            .collect();
        let more = regressions.len().saturating_sub(SHOWN);
        Some(format!(
            "{} case{} slower than on {} beyond {} and the noise: {}{}",
            regressions.len(),
            if regressions.len() == 1 { "" } else { "s" },
            self.base(),
            verdict::percent(self.threshold),
            names.join(", "),
            if more > 0 {
                format!(", and {more} more")
            } else {
                String::new()
            }
        ))
    }

    /// The table in `format`.
    pub fn render(&self, format: TableFormat) -> String {
        match format {
            TableFormat::Md => markdown::render(self, &[]),
            TableFormat::Json => export::json(self),
            TableFormat::Csv => export::csv(self),
        }
    }
}
