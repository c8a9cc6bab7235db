//! The comparison's charts, per workload, as SVG and 1920x1080 PNG:
//! - `<workload>/speedup`: speedup vs workers, one colour per model (the report's palette
//!   and markers) and one line style per machine (solid for the base, then dashed, dotted,
//!   dash-dot), with the ideal line;
//! - `<workload>/ratio`: per model, the time ratio of every other machine to the base at the
//!   largest worker count all machines ran, on a log axis (bars up = slower), whiskers from
//!   the confidence intervals;
//! - `<workload>/fleet`, with more than three machines: one bar group per machine, one bar
//!   per model, the speedup at the machine's usable CPUs ([`super::fleet::chart`], drawn by
//!   [`crate::plot::grouped_bars`]).
//!
//! A chart is a plain data figure built here ([`speedup_overlay`], [`ratio_bars`]) and drawn
//! by its own file ([`super::speedup_plot`], [`super::ratio_plot`]) with the toolkit of
//! [`crate::plot`] (canvas, axes, legend, styles), as the report's charts are. Text uses only
//! the embedded DejaVu Sans ([`register_fonts`]). To add a
//! chart: a builder returning its figure, a [`CompareFigure`] variant, a file that draws it,
//! and one entry in [`render_all`].

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use rayon::prelude::*;

use super::fleet::{self, FLEET_MIN_MACHINES};
use super::{Input, ratio_plot, speedup_plot, workload_names};
use crate::model::sort_models;
use crate::plot::grouped_bars::{self, GroupedBarPlot};
use crate::plot::style::LineStyle;
use crate::plot::{
    ChartError, DrawResult, Drawing, FolderNames, Format, Header, RenderedChart, Theme, canvas,
    register_fonts, write_formats,
};
use crate::results::schema::Results;

/// Speedup curves of every machine on one workload.
#[derive(Debug, Clone, PartialEq)]
pub struct SpeedupOverlay {
    /// Machine labels; the n-th draws in [`LineStyle::nth`]`(n)`.
    pub machines: Vec<String>,
    /// One per (model, machine) with points, models in registry order.
    pub series: Vec<OverlaySeries>,
}

/// One model on one machine.
#[derive(Debug, Clone, PartialEq)]
pub struct OverlaySeries {
    /// The model.
    pub model: String,
    /// Index of the machine in [`SpeedupOverlay::machines`].
    pub machine: usize,
    /// (workers, speedup) by worker count.
    pub points: Vec<(f64, f64)>,
}

/// Time ratios to the base per model.
#[derive(Debug, Clone, PartialEq)]
pub struct RatioBars {
    /// The base machine's label.
    pub base: String,
    /// The other machines' labels; bar `machine` indexes this.
    pub machines: Vec<String>,
    /// Bars grouped by model, models in registry order.
    pub bars: Vec<Bar>,
}

/// One bar: one model at one worker count on one machine, against the base.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// The model.
    pub model: String,
    /// The largest worker count every machine ran it with.
    pub workers: usize,
    /// Index in [`RatioBars::machines`].
    pub machine: usize,
    /// Median time over the base's median time.
    pub ratio: f64,
    /// From the medians' confidence intervals: (other lower / base upper, other upper /
    /// base lower).
    pub interval: Option<(f64, f64)>,
}

/// A comparison chart, ready to draw.
#[derive(Debug, Clone, PartialEq)]
pub enum CompareFigure {
    /// Speedup vs workers.
    Speedup(SpeedupOverlay),
    /// Time ratios per model.
    Ratio(RatioBars),
    /// Speedups at each machine's usable CPUs, a bar group per machine.
    Fleet(GroupedBarPlot),
}

/// The speedup overlay of `workload`; `None` when no machine has a speedup beyond
/// sequential's.
pub fn speedup_overlay(inputs: &[Input], workload: &str) -> Option<SpeedupOverlay> {
    let mut models: Vec<&str> = Vec::new();
    for c in inputs.iter().flat_map(|i| &i.results.cases) {
        if c.workload == workload
            && c.id.is_none()
            && c.model != "sequential"
            && !models.contains(&c.model.as_str())
        {
            models.push(&c.model);
        }
    }
    sort_models(&mut models);
    let mut series = Vec::new();
    for model in models {
        for (n, input) in inputs.iter().enumerate() {
            let mut points: Vec<(f64, f64)> = input
                .results
                .cases
                .iter()
                .filter(|c| c.workload == workload && c.model == model && c.id.is_none())
                .filter_map(|c| {
                    let s = input.results.speedup(c)?;
                    s.point.is_finite().then_some((c.workers as f64, s.point))
                })
                .collect();
            points.sort_by(|a, b| a.0.total_cmp(&b.0));
            if !points.is_empty() {
                series.push(OverlaySeries {
                    model: model.to_string(),
                    machine: n,
                    points,
                });
            }
        }
    }
    (!series.is_empty()).then(|| SpeedupOverlay {
        machines: inputs.iter().map(|i| i.label.clone()).collect(),
        series,
    })
}

/// The ratio bars of `workload`; `None` when no model was timed on every machine at a
/// common worker count.
pub fn ratio_bars(inputs: &[Input], workload: &str) -> Option<RatioBars> {
    let base = &inputs[0].results;
    let mut models: Vec<&str> = Vec::new();
    for c in base
        .cases
        .iter()
        .filter(|c| c.workload == workload && c.id.is_none())
    {
        if !models.contains(&c.model.as_str()) {
            models.push(&c.model);
        }
    }
    sort_models(&mut models);
    let timed = |r: &Results, model: &str, workers: usize| {
        r.case(workload, model, workers)
            .and_then(|c| c.time.as_ref())
            .map(|t| t.median)
            .filter(|m| m.point > 0.0 && m.point.is_finite())
    };
    let mut bars = Vec::new();
    for model in models {
        let common = base
            .cases
            .iter()
            .filter(|c| c.workload == workload && c.model == model && c.id.is_none())
            .map(|c| c.workers)
            .filter(|&w| inputs.iter().all(|i| timed(&i.results, model, w).is_some()))
            .max();
        let Some(workers) = common else { continue };
        let Some(b) = timed(base, model, workers) else {
            continue;
        };
        for (n, input) in inputs[1..].iter().enumerate() {
            let Some(o) = timed(&input.results, model, workers) else {
                continue;
            };
            let interval = (b.upper > 0.0 && b.lower > 0.0 && o.lower > 0.0)
                .then(|| (o.lower / b.upper, o.upper / b.lower));
            bars.push(Bar {
                model: model.to_string(),
                workers,
                machine: n,
                ratio: o.point / b.point,
                interval,
            });
        }
    }
    (!bars.is_empty()).then(|| RatioBars {
        base: inputs[0].label.clone(),
        machines: inputs[1..].iter().map(|i| i.label.clone()).collect(),
        bars,
    })
}

/// A comparison chart [`render_all`] will draw: its figure, titles and place.
#[derive(Debug, Clone)]
pub struct PlannedCompareChart {
    /// The workload.
    pub workload: String,
    /// The chart's name and file stem: `fleet`, `speedup` or `ratio`.
    pub chart: &'static str,
    /// Title and subtitle.
    pub header: Header,
    /// What to draw.
    pub figure: CompareFigure,
}

/// Every chart of every workload that has data, in workload order, fleet (with more than
/// three inputs) before speedup before ratio.
pub fn plan(inputs: &[Input]) -> Vec<PlannedCompareChart> {
    let runs: Vec<&Results> = inputs.iter().map(|i| &i.results).collect();
    // Imported data has no profile: it is named by its tool instead.
    let mut profiles: Vec<String> = Vec::new();
    let mut tools: Vec<&str> = Vec::new();
    for r in &runs {
        match &r.source {
            Some(source) => tools.push(source.tool.name()),
            None => profiles.push(r.run.profile.to_string()),
        }
    }
    profiles.dedup();
    tools.dedup();
    let mut parts = Vec::new();
    if !profiles.is_empty() {
        parts.push(format!("profile {}", profiles.join("/")));
    }
    if !tools.is_empty() {
        parts.push(format!("{} data", tools.join("/")));
    }
    let profile = parts.join(" · ");
    let styles: Vec<String> = inputs
        .iter()
        .enumerate()
        .map(|(n, i)| format!("{} {}", i.label, LineStyle::nth(n).name()))
        .collect();
    let mut jobs: Vec<PlannedCompareChart> = Vec::new();
    let mut push = |workload: &str, chart, title, subtitle, figure| {
        jobs.push(PlannedCompareChart {
            workload: workload.to_string(),
            chart,
            header: Header { title, subtitle },
            figure,
        })
    };
    for w in workload_names(&runs) {
        let fleet_plot = (inputs.len() >= FLEET_MIN_MACHINES)
            .then(|| fleet::chart(inputs, &w))
            .flatten();
        if let Some(plot) = fleet_plot {
            let title = format!("{w}: speedup at each machine's usable CPUs");
            let sub = format!(
                "{profile} · over each machine's sequential · ×N: the most workers below the CPUs"
            );
            push(&w, "fleet", title, sub, CompareFigure::Fleet(plot));
        }
        if let Some(plot) = speedup_overlay(inputs, &w) {
            let title = format!("{w}: speedup vs workers");
            let sub = format!(
                "{} · {profile} · over each machine's sequential",
                styles.join(", ")
            );
            push(&w, "speedup", title, sub, CompareFigure::Speedup(plot));
        }
        if let Some(plot) = ratio_bars(inputs, &w) {
            let title = format!("{w}: time ratio to {}", inputs[0].label);
            let shades = if inputs.len() > 2 {
                ", paler for later machines"
            } else {
                ""
            };
            let sub = format!(
                "{profile} · at the largest worker count all machines ran · bar colour = model{shades}"
            );
            push(&w, "ratio", title, sub, CompareFigure::Ratio(plot));
        }
    }
    jobs
}

/// Draws every chart of [`plan`] in every format into `out_dir`, in parallel, as
/// `<workload>/<chart>.<ext>`; the list keeps the plan's order.
pub fn render_all(
    inputs: &[Input],
    formats: &[Format],
    theme: Theme,
    out_dir: &Path,
) -> Result<Vec<RenderedChart>, ChartError> {
    register_fonts();
    let planned = plan(inputs);
    let folders = FolderNames::new(planned.iter().map(|job| job.workload.as_str()));
    planned
        .into_par_iter()
        .map(|job| {
            let stem = Path::new(&folders.get(&job.workload)).join(job.chart);
            let drawing = CompareDrawing {
                figure: &job.figure,
                header: &job.header,
                theme,
            };
            let files = write_formats(&drawing, formats, out_dir, &stem)?;
            Ok(RenderedChart {
                workload: Some(job.workload),
                chart: job.chart,
                title: job.header.title.clone(),
                files,
            })
        })
        .collect()
}

/// `figure` under `header` as one SVG document on the 1920x1080 canvas: the markup its
/// `.svg` file holds. Errors: plotters' message.
pub fn svg_of(figure: &CompareFigure, header: &Header, theme: Theme) -> Result<String, String> {
    crate::plot::svg_string(&CompareDrawing {
        figure,
        header,
        theme,
    })
}

/// A compare figure with its titles and theme, ready to draw.
struct CompareDrawing<'a> {
    figure: &'a CompareFigure,
    header: &'a Header,
    theme: Theme,
}

impl Drawing for CompareDrawing<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        draw_figure(root, self.figure, self.header, self.theme)
    }
}

fn draw_figure<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    figure: &CompareFigure,
    header: &Header,
    theme: Theme,
) -> DrawResult<DB> {
    match figure {
        CompareFigure::Speedup(plot) => {
            canvas::header(root, header, &theme.palette())?;
            speedup_plot::draw(root, plot, theme)
        }
        CompareFigure::Ratio(plot) => {
            canvas::header(root, header, &theme.palette())?;
            ratio_plot::draw(root, plot, theme)
        }
        CompareFigure::Fleet(plot) => grouped_bars::draw(root, plot, header, theme),
    }
}
