//! Reports of criterion folders whose last id segment is a parameter of the work (an input
//! size, a ratio), not a worker count: `concbench report --criterion DIR --axis param`, or
//! the automatic choice of [`crate::report::axis`]; and of hyperfine scans of such a
//! parameter (`report --hyperfine FILE --axis param`, [`from_scan`]).
//!
//! Per criterion group, two charts against the parameter, both log-log: the median time
//! ([`chart`]) and the time per unit of the parameter (median ÷ parameter: ns per element
//! for an input size). There is no speedup, efficiency or scalability fit: nothing here
//! says how many workers ran. `report.md` and `results.csv` ([`text`]) hold a
//! parameter-by-function table. Series are criterion's function ids, or the group name
//! for ids made with `BenchmarkId::from_parameter` (no function). Ids whose last segment is
//! not a number above 0 cannot be placed on a log axis: they are left out and listed.
//!
//! The folder is written as [`crate::report::render`] writes one: through
//! [`OutputFolder`] with the report's own manifest, so the user's files are never touched.
//! To add a chart, add a function to [`chart`] and a line to [`chart::figures`].

pub mod chart;
pub mod text;

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use super::axis::{AxisChoice, param_value};
use super::{OWNER, ReportOptions, ReportSummary};
use crate::results::TimeEstimate;
use crate::results::criterion::{CriterionId, import_sorted};
use crate::results::duplicates;
use crate::results::hyperfine::Scan;
use crate::results::source::SourceTool;
use crate::results::store::folder::OutputFolder;

/// One point: a benchmark at one parameter value.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ParamPoint {
    /// The last id segment as criterion wrote it, e.g. `100000000`.
    pub label: String,
    /// Its value (> 0).
    pub value: f64,
    /// criterion's estimate, in ns per iteration.
    pub time: TimeEstimate,
}

impl ParamPoint {
    /// Median time per unit of the parameter, in ns (median ÷ value).
    pub fn per_unit_ns(&self) -> f64 {
        self.time.median.point / self.value
    }
}

/// One function of a group: its points by parameter value.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ParamSeries {
    /// criterion's function id, or the group name when the ids have none.
    pub name: String,
    /// Points, ascending by value.
    pub points: Vec<ParamPoint>,
}

/// One criterion group.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ParamGroup {
    /// criterion's group id.
    pub name: String,
    /// Its functions, by name.
    pub series: Vec<ParamSeries>,
}

impl ParamGroup {
    /// Every parameter value of the group, ascending, once each, with its label.
    pub fn values(&self) -> Vec<(f64, String)> {
        let mut all: Vec<(f64, String)> = self
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| (p.value, p.label.clone())))
            .collect();
        all.sort_by(|a, b| a.0.total_cmp(&b.0));
        all.dedup_by(|a, b| a.0 == b.0);
        all
    }
}

/// A criterion folder (or a hyperfine scan, [`from_scan`]) read on a parameter axis.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ParamReport {
    /// The tool whose output this is.
    pub tool: SourceTool,
    /// The criterion folder or the hyperfine file.
    pub source: PathBuf,
    /// Which axis and why, one line ([`AxisChoice::line`]).
    pub axis_line: String,
    /// Groups by name.
    pub groups: Vec<ParamGroup>,
    /// Ids with a last segment that is not a number above 0, left out (for a hyperfine
    /// scan: the entries, as `command (name = value)`).
    pub left_out: Vec<String>,
    /// The warning about ids found in more than one criterion folder, naming the folder
    /// read and the others ([`crate::results::duplicates::warning`]).
    pub duplicate_warning: Option<String>,
    /// What the user said about the machine that measured the folder (`--machine-note`).
    pub machine_note: Option<String>,
    /// The scanned parameter's name of a hyperfine scan; `None` for criterion's last id
    /// segment.
    pub parameter: Option<String>,
}

impl ParamReport {
    /// What the data is, for titles: `criterion folder`, `hyperfine file`.
    pub fn what(&self) -> String {
        format!("{} {}", self.tool.name(), self.tool.holder())
    }

    /// The report's warnings, one plain-text line each: ids found in more than one folder,
    /// then ids left out.
    pub fn warnings(&self) -> Vec<String> {
        self.duplicate_warning
            .iter()
            .cloned()
            .chain(self.left_out_warning())
            .collect()
    }

    /// One line naming the ids (or hyperfine entries) left out (plain text), or `None` when
    /// none were.
    pub fn left_out_warning(&self) -> Option<String> {
        let n = self.left_out.len();
        if let Some(parameter) = &self.parameter {
            return (n > 0).then(|| {
                format!(
                    "{n} entr{} left out: {} value of {parameter} is not a number above 0, so it has no place on a log axis: {}",
                    if n == 1 { "y" } else { "ies" },
                    if n == 1 { "its" } else { "their" },
                    self.left_out.join(", ")
                )
            });
        }
        (n > 0).then(|| {
            format!(
                "{n} id{} left out: the last segment is missing or not a number above 0, so it has no place on a log axis: {}",
                if n == 1 { "" } else { "s" },
                self.left_out.join(", ")
            )
        })
    }

    /// The machine as the report names it: see [`crate::results::source::machine_named`].
    pub fn machine(&self) -> String {
        crate::results::source::machine_named(self.machine_note.as_deref())
    }
}

/// Reads every benchmark of the criterion folder `dir` that has a last id segment, for a
/// report on the parameter axis `choice` chose. Errors: the import's (a missing folder, a
/// corrupt or incomplete benchmark, naming the file), or no id with a number above 0 as its
/// last segment.
pub fn import_param(
    dir: &Path,
    choice: &AxisChoice,
    machine_note: Option<&str>,
) -> anyhow::Result<ParamReport> {
    // Every id: one without a number above 0 as its last segment is left out, and listed.
    let imported = import_sorted(dir, |_: &CriterionId| true)
        .with_context(|| format!("importing criterion output from {}", dir.display()))?;
    let duplicate_warning = duplicates::warning(dir, &imported.duplicates);
    let mut groups: Vec<ParamGroup> = Vec::new();
    let mut left_out = Vec::new();
    for b in imported.kept {
        let Some(value) = param_value(&b.id) else {
            left_out.push(b.id.to_string());
            continue;
        };
        let series_name = b.id.function.clone().unwrap_or_else(|| b.id.group.clone());
        let point = ParamPoint {
            label: b.id.value.clone().unwrap_or_default().trim().to_string(),
            value,
            time: b.time_estimate(),
        };
        let group = match groups.iter_mut().position(|g| g.name == b.id.group) {
            Some(i) => &mut groups[i],
            None => {
                groups.push(ParamGroup {
                    name: b.id.group.clone(),
                    series: Vec::new(),
                });
                groups.last_mut().expect("just pushed")
            }
        };
        match group.series.iter_mut().find(|s| s.name == series_name) {
            Some(s) => s.points.push(point),
            None => group.series.push(ParamSeries {
                name: series_name,
                points: vec![point],
            }),
        }
    }
    if groups.is_empty() {
        bail!(
            "{} holds no benchmark whose last id segment is a number above 0, so there is no parameter to chart; pass `--axis workers` if the ids are <group>/<model>/<workers>",
            dir.display()
        );
    }
    groups.sort_by(|a, b| a.name.cmp(&b.name));
    for g in &mut groups {
        g.series.sort_by(|a, b| a.name.cmp(&b.name));
        for s in &mut g.series {
            s.points.sort_by(|a, b| a.value.total_cmp(&b.value));
        }
    }
    Ok(ParamReport {
        tool: SourceTool::Criterion,
        source: dir.to_path_buf(),
        axis_line: choice.line(),
        groups,
        left_out,
        duplicate_warning,
        machine_note: machine_note.map(str::to_string),
        parameter: None,
    })
}

/// A hyperfine scan on a parameter axis: one group (the file's stem), a series per
/// command. Values that are not numbers above 0 are left out and listed. Errors: no value
/// is such a number.
pub fn from_scan(
    scan: &Scan,
    axis_line: String,
    machine_note: Option<&str>,
) -> anyhow::Result<ParamReport> {
    let mut group = ParamGroup {
        name: scan.workload.clone(),
        series: Vec::new(),
    };
    let mut left_out = Vec::new();
    for p in &scan.points {
        let value = p
            .value
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && *v > 0.0);
        let Some(value) = value else {
            left_out.push(format!(
                "\"{}\" ({} = {})",
                p.command, scan.parameter, p.value
            ));
            continue;
        };
        let point = ParamPoint {
            label: p.value.clone(),
            value,
            time: p.time.clone(),
        };
        match group.series.iter_mut().find(|s| s.name == p.model) {
            Some(s) => s.points.push(point),
            None => group.series.push(ParamSeries {
                name: p.model.clone(),
                points: vec![point],
            }),
        }
    }
    if group.series.is_empty() {
        bail!(
            "{}: no value of the parameter `{}` is a number above 0, so there is nothing to chart",
            scan.path,
            scan.parameter
        );
    }
    group.series.sort_by(|a, b| a.name.cmp(&b.name));
    for s in &mut group.series {
        s.points.sort_by(|a, b| a.value.total_cmp(&b.value));
    }
    Ok(ParamReport {
        tool: SourceTool::Hyperfine,
        source: PathBuf::from(&scan.path),
        axis_line,
        groups: vec![group],
        left_out,
        duplicate_warning: None,
        machine_note: machine_note.map(str::to_string),
        parameter: Some(scan.parameter.clone()),
    })
}

/// Renders `report` into `options.out_dir` as [`crate::report::render`] does (the same
/// manifest, the same refusal of files concbench did not write): per group `time` and
/// `time-per-unit` charts, then `report.md`, `report.html` and `results.csv`.
pub fn render(report: &ParamReport, options: &ReportOptions) -> anyhow::Result<ReportSummary> {
    let out = &options.out_dir;
    let folder = OutputFolder::open(out, OWNER)?;
    let staging = folder.staging().to_path_buf();
    let charts = chart::render_all(report, options, &staging).context("drawing charts")?;
    let mut files: Vec<PathBuf> = charts.iter().flat_map(|c| c.files.clone()).collect();
    let report_md = text::markdown(report, &charts);
    let raw_json = serde_json::to_string(report).context("encoding the report for report.html")?;
    let report_html = crate::page::render(&crate::page::PageInput {
        title: &format!(
            "concbench report: {} {}",
            report.what(),
            report.source.display()
        ),
        markdown: &report_md,
        base_dir: &staging,
        raw_json: &raw_json,
        raw_name: "the imported times",
    })?;
    for (name, body) in [
        ("report.md", report_md),
        ("report.html", report_html),
        ("results.csv", text::csv(report)),
    ] {
        fs::write(staging.join(name), body).with_context(|| format!("writing {name}"))?;
        files.push(PathBuf::from(name));
    }
    folder.commit()?;
    Ok(ReportSummary::of(out, files))
}
