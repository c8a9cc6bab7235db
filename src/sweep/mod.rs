//! Task-size sweeps: `concbench run --workload W --sweep NAME=V1,V2,... --model ... --workers N`.
//!
//! A sweep runs one workload at each value of one of its declared parameters (a task size
//! such as `sum-squares`'s `n`), every other parameter at the profile's value (or its
//! `--param` override). At each value it runs [`crate::runner::run`]: every model built,
//! verified against `sequential` at that same value, then timed; so each speedup is over
//! sequential at the same size. It answers the question of when parallelism starts to pay:
//! `par_iter` over a few thousand numbers is slower than the plain loop, over millions it is
//! not.
//!
//! The parts:
//! - this file: the [`SweepAxis`] (`NAME=V1,V2,...`, parsed and checked against the
//!   workload's declaration), running a [`SweepPlan`] into a [`Sweep`], its table (rows
//!   sizes, columns models, each cell the median time and the speedup) and the list of
//!   break-even sizes under it;
//! - [`break_even`]: where a speedup crosses 1×, interpolated on log size;
//! - [`chart`]: speedup against size (log x), one line per model, the 1× guide and each
//!   break-even marked, drawn with [`crate::plot`];
//! - [`output`]: the sweep's folder (`sweep.md`, `sweep.json`, the chart as SVG and PNG),
//!   written under the output-folder rules of [`crate::results::store::folder`].
//!
//! To show another figure per size, add it to [`Sweep::table`] and to the JSON of
//! [`output`].

pub mod break_even;
pub mod chart;
pub mod output;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::{ModelConfig, ModelInfo};
use crate::runner::{self, CaseResult, RunPlan};
use crate::table::markdown;
use crate::units::format_ns;
use crate::workload::params::find_param;
use crate::workload::{Registry, WorkloadInfo, WorkloadSpec};

/// Most values one sweep takes.
pub const MAX_VALUES: usize = 64;

/// The swept parameter and its values, ascending, without repeats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SweepAxis {
    /// The parameter, e.g. `n`.
    pub param: String,
    /// Its values, ascending.
    pub values: Vec<u64>,
}

impl SweepAxis {
    /// Parses `NAME=V1,V2,...` (at least two values, at most [`MAX_VALUES`]; `_` may group
    /// digits) and checks the name and every value against `workload`'s declaration.
    /// Errors: [`Error::BadArgument`] for a malformed text or too few values,
    /// [`Error::UnknownParam`], [`Error::BadSpec`] for a value out of range.
    pub fn parse(text: &str, workload: &WorkloadInfo) -> Result<SweepAxis> {
        let bad = |problem: &str| Error::BadArgument {
            arg: "--sweep",
            value: text.to_string(),
            problem: problem.to_string(),
        };
        let shape = "is not NAME=V1,V2,... with whole numbers; write e.g. --sweep n=100,1000,10000";
        let (name, list) = text.split_once('=').ok_or_else(|| bad(shape))?;
        let name = name.trim();
        if name.is_empty() {
            return Err(bad(shape));
        }
        let mut values = Vec::new();
        for part in list.split(',') {
            let digits: String = part.trim().chars().filter(|c| *c != '_').collect();
            values.push(digits.parse::<u64>().map_err(|_| bad(shape))?);
        }
        let info = find_param(workload.name, workload.params, name)?;
        for v in &values {
            info.check(workload.name, *v)?;
        }
        values.sort_unstable();
        values.dedup();
        if values.len() < 2 {
            return Err(bad(
                "has fewer than two different values; a sweep compares sizes, e.g. --sweep n=100,1000,10000",
            ));
        }
        if values.len() > MAX_VALUES {
            return Err(bad("has more than 64 values; sweep fewer sizes"));
        }
        Ok(SweepAxis {
            param: info.name.to_string(),
            values,
        })
    }
}

/// What to sweep.
#[derive(Clone)]
pub struct SweepPlan<'r> {
    /// Where the workload is looked up and built (concbench's own, or a user's).
    pub registry: &'r Registry,
    /// The workload's spec at the profile's sizes (with overrides); the swept parameter is
    /// replaced at each value.
    pub base: WorkloadSpec,
    /// The swept parameter and its values.
    pub axis: SweepAxis,
    /// Models to run; `sequential` always runs, as each size's baseline.
    pub models: Vec<&'static ModelInfo>,
    /// The one worker count (sequential: 1).
    pub workers: usize,
    /// Timed runs per case.
    pub repeats: usize,
    /// Settings of every model build.
    pub config: ModelConfig,
}

/// The cases of one value of the swept parameter.
#[derive(Debug, Clone, Serialize)]
pub struct SweepPoint {
    /// The parameter's value.
    pub value: u64,
    /// Every case at it, sequential's first; speedups over sequential at this value.
    pub cases: Vec<CaseResult>,
}

/// A finished sweep.
#[derive(Debug, Clone, Serialize)]
pub struct Sweep {
    /// The workload.
    pub workload: String,
    /// The swept parameter.
    pub param: String,
    /// The worker count asked for (a model's own count, sequential's 1, is in its cases).
    pub workers: usize,
    /// The models, sequential first, in column order.
    pub models: Vec<String>,
    /// Every parameter but the swept one, as it ran.
    pub fixed_params: BTreeMap<String, u64>,
    /// One per value, ascending.
    pub points: Vec<SweepPoint>,
}

/// Runs `plan`: at each value, every model, verified against sequential at that value.
/// `on_case` is called as each case finishes. Errors: those of [`runner::run`] (a wrong
/// checksum stops the sweep naming the case), with the value that was running.
pub fn run(plan: &SweepPlan<'_>, mut on_case: impl FnMut(u64, &CaseResult)) -> Result<Sweep> {
    let mut points = Vec::with_capacity(plan.axis.values.len());
    for &value in &plan.axis.values {
        let run_plan = RunPlan {
            workload: plan.base.clone().with(&plan.axis.param, value),
            models: plan.models.clone(),
            workers: vec![plan.workers],
            repeats: plan.repeats,
            config: plan.config.clone(),
        };
        let cases = runner::run(&run_plan, plan.registry, |case| on_case(value, case))?;
        points.push(SweepPoint { value, cases });
    }
    let mut models = vec!["sequential".to_string()];
    models.extend(
        plan.models
            .iter()
            .filter(|m| m.name != "sequential")
            .map(|m| m.name.to_string()),
    );
    let mut fixed_params = plan.base.params.clone();
    fixed_params.remove(&plan.axis.param);
    Ok(Sweep {
        workload: plan.base.name.clone(),
        param: plan.axis.param.clone(),
        workers: plan.workers,
        models,
        fixed_params,
        points,
    })
}

impl Sweep {
    /// The case of `model` at the point `point`.
    fn case<'a>(point: &'a SweepPoint, model: &str) -> Option<&'a CaseResult> {
        point.cases.iter().find(|c| c.model == model)
    }

    /// (value, speedup over sequential) of `model` at every value it ran.
    pub fn speedups(&self, model: &str) -> Vec<(f64, f64)> {
        self.points
            .iter()
            .filter_map(|p| Some((p.value as f64, Self::case(p, model)?.speedup)))
            .collect()
    }

    /// The models that are compared with sequential (every one but sequential).
    pub fn compared_models(&self) -> impl Iterator<Item = &str> {
        self.models
            .iter()
            .map(String::as_str)
            .filter(|m| *m != "sequential")
    }

    /// The table: one row per value, one column per model, each cell the median time and
    /// the speedup over sequential at that value, e.g. `1.20 ms (0.35x)`. Markdown.
    pub fn table(&self) -> String {
        let mut header = vec![self.param.clone()];
        header.extend(self.models.iter().cloned());
        let mut rows = vec![header];
        for point in &self.points {
            let mut row = vec![point.value.to_string()];
            for model in &self.models {
                row.push(Self::case(point, model).map_or_else(
                    || "—".to_string(),
                    |c| format!("{} ({:.2}x)", format_ns(c.median_ns as f64), c.speedup),
                ));
            }
            rows.push(row);
        }
        markdown(&rows)
    }

    /// Each compared model's break-even (see [`break_even::describe`]), in column order.
    pub fn break_evens(&self) -> Vec<(String, String)> {
        self.compared_models()
            .map(|m| {
                (
                    m.to_string(),
                    break_even::describe(&self.speedups(m), &self.param),
                )
            })
            .collect()
    }

    /// The list printed under the table: a heading line, then `- model: sizes` per model.
    pub fn break_even_list(&self) -> String {
        let mut out = format!(
            "Break-even {} (where the speedup over sequential crosses 1x, interpolated on log {}):\n",
            self.param, self.param
        );
        for (model, text) in self.break_evens() {
            out.push_str(&format!("- {model}: {text}\n"));
        }
        out
    }

    /// The fixed parameters as `key=value` pairs, e.g. `tasks=32`.
    pub fn fixed_text(&self) -> String {
        self.fixed_params
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model;
    use crate::workload::find;

    #[test]
    fn axes_parse_sorted_and_checked_against_the_declaration() {
        let sum = find("sum-squares").unwrap();
        let axis = SweepAxis::parse("n=1_000,100, 10000,100", sum).unwrap();
        assert_eq!(axis.param, "n");
        assert_eq!(axis.values, [100, 1000, 10_000]);
        for bad in ["n", "n=", "=1,2", "n=1,two", "n=5", "n=5,5"] {
            let err = SweepAxis::parse(bad, sum).unwrap_err();
            assert!(matches!(err, Error::BadArgument { .. }), "{bad}: {err}");
            assert!(err.to_string().contains("--sweep"), "{err}");
        }
        let err = SweepAxis::parse("m=1,2", sum).unwrap_err();
        assert!(matches!(err, Error::UnknownParam { .. }), "{err}");
        let err = SweepAxis::parse("tasks=1,2000000", sum).unwrap_err();
        assert!(matches!(err, Error::BadSpec { .. }), "{err}");
        assert!(err.to_string().contains("2000000"), "{err}");
    }

    #[test]
    fn a_sweep_verifies_each_size_and_tabulates_it() {
        let registry = Registry::builtin();
        let plan = SweepPlan {
            registry: &registry,
            base: (find("sum-squares").unwrap().spec_for)(crate::Profile::Smoke).with("tasks", 4),
            axis: SweepAxis {
                param: "n".into(),
                values: vec![10, 100],
            },
            models: vec![model::find("threads").unwrap()],
            workers: 2,
            repeats: 1,
            config: ModelConfig::default(),
        };
        let mut seen = Vec::new();
        let sweep = run(&plan, |v, c| seen.push((v, c.model.clone()))).unwrap();
        assert_eq!(seen.len(), 4);
        assert_eq!(sweep.points.len(), 2);
        for point in &sweep.points {
            assert!(point.cases.iter().all(|c| c.verified));
            assert!(point.cases.iter().all(|c| c.params["n"] == point.value));
            assert_eq!(point.cases[0].model, "sequential");
        }
        // Different sizes, different work, different checksums.
        assert_ne!(
            sweep.points[0].cases[0].checksum,
            sweep.points[1].cases[0].checksum
        );
        assert_eq!(sweep.fixed_text(), "tasks=4");
        let table = sweep.table();
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 4, "{table}");
        assert!(
            lines[0].starts_with("| n ") && lines[0].contains("threads"),
            "{table}"
        );
        assert!(lines[2].starts_with("| 10 ") && lines[3].starts_with("| 100 "));
        assert!(lines[2].contains("(1.00x)"), "{table}");
        let list = sweep.break_even_list();
        assert!(
            list.lines().nth(1).unwrap().starts_with("- threads: "),
            "{list}"
        );
    }
}
