//! `concbench report --criterion DIR`: a criterion folder, read on the axis
//! [`crate::report::axis::choose`] picks (or `--axis` names) and in the scaling view
//! `--scaling` names, rendered as a workers report ([`crate::report::from_criterion`] and
//! [`crate::report::render_view`]) or a parameter report ([`crate::report::param`]).
//!
//! `concbench report --hyperfine FILE` reads a hyperfine scan the same way
//! ([`read_hyperfine`]): the scanned parameter as workers or as a parameter.
//!
//! Only the ids are read to choose the axis (criterion's `benchmark.json` files); the
//! chosen reader then imports the measurements. To add an axis, add its arm to
//! [`ReportInput`], [`read`] and [`render`].

use std::cell::RefCell;
use std::path::Path;

use anyhow::{Context, bail};

use super::axis::{Axis, AxisChoice, Reason, choose};
use super::param::{self, ParamReport};
use super::scaling::Scaling;
use super::view::View;
use super::{ReportOptions, ReportSummary, from_criterion, render_view};
use crate::results::Results;
use crate::results::criterion::{CriterionId, import};
use crate::results::hyperfine;

/// A report ready to render: results on a workers axis (a results file, or a criterion
/// folder read as workers), or a criterion folder read on a parameter axis.
#[derive(Debug, Clone)]
pub enum ReportInput {
    /// Ids read as `<group>/<model>/<workers>`.
    Workers {
        /// The results built from the folder (the weak-scaling hint among its warnings).
        results: Box<Results>,
        /// The axis and scaling notes, and the scaling.
        view: View,
    },
    /// Ids read as `<group>/<function>/<parameter>`.
    Param(ParamReport),
}

/// Every id of the criterion folder `dir`, in folder order, reading nothing but the
/// `benchmark.json` files. Errors: the folder is missing, or a `benchmark.json` is corrupt.
pub fn ids(dir: &Path) -> anyhow::Result<Vec<CriterionId>> {
    let seen = RefCell::new(Vec::new());
    import(dir, |id: &CriterionId| {
        seen.borrow_mut().push(id.clone());
        false
    })
    .with_context(|| format!("importing criterion output from {}", dir.display()))?;
    Ok(seen.into_inner())
}

/// Reads the criterion folder `dir` on `axis` (automatic when `None`) in the `scaling`
/// view; `machine_note` is what the user said about the machine that measured it. Errors: the folder's ([`ids`], [`from_criterion`], [`param::import_param`]), and
/// weak scaling asked of a parameter axis, which has no workers to scale.
pub fn read(
    dir: &Path,
    axis: Option<Axis>,
    scaling: Scaling,
    machine_note: Option<&str>,
) -> anyhow::Result<ReportInput> {
    let choice: AxisChoice = choose(&ids(dir)?, axis);
    match choice.axis {
        Axis::Param => {
            if scaling == Scaling::Weak {
                bail!(
                    "--scaling weak needs worker counts, but {}: {}",
                    dir.display(),
                    weak_on_param(&choice)
                );
            }
            Ok(ReportInput::Param(param::import_param(
                dir,
                &choice,
                machine_note,
            )?))
        }
        Axis::Workers => {
            let mut results = from_criterion(dir, machine_note)?;
            if let Some(source) = results.source.as_mut() {
                source.notes.push(choice.line());
            }
            let view = View::for_results(&mut results, scaling, true);
            Ok(ReportInput::Workers {
                results: Box::new(results),
                view,
            })
        }
    }
}

/// Reads the hyperfine export `file` (a scan, `hyperfine -P NAME FROM TO`) on `axis`
/// (automatic when `None`: workers when every value that is a number is a whole number
/// from 1 to 4096; values that are no number are left out and decide nothing) in the
/// `scaling` view. Errors: the file's ([`hyperfine::read_scan`]), no value that is a
/// number, numbers that are not worker counts on a workers axis, and weak scaling on a
/// parameter axis.
pub fn read_hyperfine(
    file: &Path,
    axis: Option<Axis>,
    scaling: Scaling,
    machine_note: Option<&str>,
) -> anyhow::Result<ReportInput> {
    let scan = hyperfine::read_scan(file)?;
    if scan.words().len() == scan.points.len() {
        return Err(hyperfine::no_numbers(&scan).into());
    }
    let name = scan.parameter.replace('`', "'");
    let choice = match (axis, scan.not_workers()) {
        (Some(axis), _) => AxisChoice {
            axis,
            reason: Reason::Asked,
        },
        (None, None) => AxisChoice {
            axis: Axis::Workers,
            reason: Reason::AllWorkerCounts,
        },
        (None, Some((i, value))) => AxisChoice {
            axis: Axis::Param,
            reason: Reason::NotWorkers {
                id: scan.points[i].command.replace('`', "'"),
                why: format!(
                    "`{}`, not a whole number of workers from 1 to {}",
                    value.replace('`', "'"),
                    super::axis::MAX_AUTO_WORKERS
                ),
            },
        },
    };
    let words = !scan.words().is_empty();
    match choice.axis {
        Axis::Param => {
            if scaling == Scaling::Weak {
                bail!(
                    "--scaling weak needs worker counts, but {}: {}",
                    file.display(),
                    weak_on_scan(&choice, &name)
                );
            }
            Ok(ReportInput::Param(param::from_scan(
                &scan,
                scan_line(&choice, &name, words),
                machine_note,
            )?))
        }
        Axis::Workers => {
            let mut results = hyperfine::results(&scan, machine_note)?;
            if let Some(source) = results.source.as_mut() {
                source.notes.push(scan_line(&choice, &name, words));
            }
            let view = View::for_results(&mut results, scaling, true);
            Ok(ReportInput::Workers {
                results: Box::new(results),
                view,
            })
        }
    }
}

/// The axis line of a hyperfine scan of `parameter`: the axis, why, and the flag for the
/// other; `words` when some values are no number (left out, deciding nothing).
fn scan_line(choice: &AxisChoice, parameter: &str, words: bool) -> String {
    let other = match choice.axis {
        Axis::Workers => "--axis param",
        Axis::Param => "--axis workers",
    };
    let left_out = if words {
        " (values that are no number are left out and decide nothing)"
    } else {
        ""
    };
    match &choice.reason {
        Reason::AllWorkerCounts => format!(
            "Axis: workers, chosen automatically: every {}value of the scanned parameter `{parameter}` is a whole number from 1 to {}{left_out}; if it is an input size or another parameter, pass `{other}`.",
            if words { "numeric " } else { "" },
            super::axis::MAX_AUTO_WORKERS
        ),
        Reason::NotWorkers { id, why } => format!(
            "Axis: parameter, chosen automatically: the scanned parameter `{parameter}` of `{id}` is {why}, so it is read as a parameter of the work, with no speedup, efficiency or scalability fit{left_out}; pass `{other}` to read it the other way."
        ),
        Reason::Asked | Reason::NoValues => format!(
            "Axis: {} (the scanned parameter `{parameter}`, as asked; pass `{other}` to read it the other way).",
            choice.axis.name()
        ),
    }
}

/// Why a hyperfine scan on a parameter axis has no workers, and the fix, for the error of
/// weak scaling on it. A value that is no worker count cannot be read as one, so
/// `--axis workers` is suggested only when the parameter axis was asked for.
fn weak_on_scan(choice: &AxisChoice, parameter: &str) -> String {
    match &choice.reason {
        Reason::NotWorkers { id, why } => format!(
            "the scanned parameter `{parameter}` of `{id}` is {why}, so the scan has no worker counts to scale; leave out `--scaling weak` to chart it against `{parameter}`, or scan whole worker counts (`hyperfine -P {parameter} 1 16 ...`)"
        ),
        _ => format!(
            "`--axis param` reads the scanned parameter `{parameter}` as a parameter of the work; pass `--axis workers` if it is a worker count, or leave out `--scaling weak`"
        ),
    }
}

/// Why a parameter axis has no workers, and the fix, for the error of weak scaling on it.
fn weak_on_param(choice: &AxisChoice) -> String {
    let why = match &choice.reason {
        Reason::NotWorkers { id, why } => {
            format!("the last segment of `{id}` is {why}, so it was read as a parameter")
        }
        _ => "`--axis param` reads the last id segment as a parameter".to_string(),
    };
    format!("{why}; pass `--axis workers` if it is a worker count, or leave out `--scaling weak`")
}

/// Renders `report` into `options.out_dir`.
pub fn render(report: &ReportInput, options: &ReportOptions) -> anyhow::Result<ReportSummary> {
    match report {
        ReportInput::Workers { results, view } => render_view(results, options, view),
        ReportInput::Param(param_report) => param::render(param_report, options),
    }
}
