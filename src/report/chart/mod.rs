//! Slide-ready charts of a results file, as SVG and as 1920x1080 PNG.
//!
//! Per workload, in `<out_dir>/<workload>/<chart>.<svg|png>`: speedup, time, efficiency,
//! memory and CPU utilisation against the worker count; for the whole run,
//! `<out_dir>/summary-heatmap.<svg|png>`: the best speedup of every (workload, model),
//! `<out_dir>/drift.<svg|png>`: the machine's speed over the run when the results hold a
//! calibration series, and the sync bench's `sync-counter`, `sync-race`, `sync-queue`,
//! `sync-wakeup` and `sync-semaphore` when the results hold sync records.
//!
//! Every point of a workload chart whose case has a doubt ([`crate::results::checks`]:
//! implausible, bimodal, disturbed or slow-spell; not a wide interval, which the band
//! already shows) is ringed, and the legend says "flagged: see Doubts": [`plan`] adds the
//! rings, so a chart file only builds its lines.
//!
//! Under weak scaling (`--scaling weak`, [`WEAK_CHARTS`]) throughput and scaled speedup take
//! the places of speedup and efficiency, and the summary heatmap is left out.
//!
//! Each chart is one file here that turns the results into a [`Figure`] (plain data: lines,
//! bands, guides, heatmap cells, or bars) and does no drawing: the renderers of
//! [`crate::plot`] draw it, with the look every concbench chart shares. Adding a chart is
//! one new file implementing [`WorkloadChart`] (or [`RunChart`]) plus one line in
//! [`WORKLOAD_CHARTS`] (or [`RUN_CHARTS`]).

mod cpu;
mod drift;
mod efficiency;
mod memory;
mod scaled_speedup;
mod speedup;
mod summary_heatmap;
mod sync_counter;
mod sync_lines;
mod sync_queue;
mod sync_race;
mod sync_semaphore;
mod sync_wakeup;
mod threads;
mod throughput;
pub(crate) mod time;

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;
use rayon::prelude::*;

use crate::model::sort_models;
use crate::plot::bars::{self, BarPlot};
use crate::plot::heatmap::{self, HeatmapPlot};
use crate::plot::lines::{self, Annotations, LinePlot};
use crate::plot::{
    ChartError, DrawResult, Drawing, FolderNames, Format, Header, PNG_SIZE, RenderedChart, Theme,
    register_fonts, write_formats,
};
use crate::report::fit::{ModelFit, UslFit};
use crate::results::checks::{CaseFlag, FlagKind, flags_of};
use crate::results::{CaseRecord, Results};
use crate::workload::WORKLOADS;

/// Per-workload charts, in the order reports show them.
pub const WORKLOAD_CHARTS: &[&dyn WorkloadChart] = &[
    &speedup::Speedup,
    &time::Time,
    &efficiency::Efficiency,
    &memory::Memory,
    &cpu::Cpu,
    &threads::Threads,
];

/// Charts of the whole run: the summary, the machine's speed, then the sync bench's, each
/// drawn only when the results hold its records.
pub const RUN_CHARTS: &[&dyn RunChart] = &[
    &summary_heatmap::SummaryHeatmap,
    &drift::Drift,
    &sync_counter::SyncCounter,
    &sync_race::SyncRace,
    &sync_queue::SyncQueue,
    &sync_wakeup::SyncWakeup,
    &sync_semaphore::SyncSemaphore,
];

/// The charts of one view: per workload and for the whole run.
#[derive(Clone, Copy)]
pub struct ChartSet {
    /// Drawn once per workload, in this order.
    pub workload: &'static [&'static dyn WorkloadChart],
    /// Drawn once for the run, in this order.
    pub run: &'static [&'static dyn RunChart],
}

/// The strong-scaling view, the default: [`WORKLOAD_CHARTS`] and [`RUN_CHARTS`].
pub const STRONG_CHARTS: ChartSet = ChartSet {
    workload: WORKLOAD_CHARTS,
    run: RUN_CHARTS,
};

/// The weak-scaling view (`--scaling weak`, [`crate::report::scaling`]): throughput and
/// scaled speedup take the places of speedup and efficiency, and the summary heatmap of
/// best speedups is left out.
pub const WEAK_CHARTS: ChartSet = ChartSet {
    workload: &[
        &throughput::Throughput,
        &scaled_speedup::ScaledSpeedup,
        &time::Time,
        &memory::Memory,
        &cpu::Cpu,
        &threads::Threads,
    ],
    run: &[
        &drift::Drift,
        &sync_counter::SyncCounter,
        &sync_race::SyncRace,
        &sync_queue::SyncQueue,
        &sync_wakeup::SyncWakeup,
        &sync_semaphore::SyncSemaphore,
    ],
};

/// What [`render_all`] draws and where.
pub struct ChartContext<'a> {
    /// The run.
    pub results: &'a Results,
    /// Amdahl and USL fits of the run ([`crate::report::fit::fit_results`]); the USL curve
    /// is drawn faintly on the speedup chart.
    pub fits: &'a [ModelFit],
    /// The doubts about the run's cases ([`crate::results::checks::case_flags`]); the
    /// points of flagged cases are ringed.
    pub flags: &'a [CaseFlag],
    /// Colours.
    pub theme: Theme,
    /// Formats to write; every chart is written once per format.
    pub formats: &'a [Format],
    /// Folder the charts go to; created if missing.
    pub out_dir: &'a Path,
}

/// A chart's content, ready to draw.
#[derive(Debug, Clone)]
pub enum Figure {
    /// Lines against the worker count.
    Lines(LinePlot),
    /// Lines with what a plain line plot does not say: flagged points ringed, a linear x
    /// axis, shaded spans (see [`Annotations`]).
    Annotated(LinePlot, Annotations),
    /// A grid of coloured cells.
    Heatmap(HeatmapPlot),
    /// Horizontal bars, one per label.
    Bars(BarPlot),
}

impl Figure {
    /// The annotations of a line figure: its own, or none.
    pub fn annotations(&self) -> Option<&Annotations> {
        match self {
            Figure::Annotated(_, notes) => Some(notes),
            _ => None,
        }
    }

    /// Its lines, if it is a line figure.
    pub fn line_plot(&self) -> Option<&LinePlot> {
        match self {
            Figure::Lines(plot) | Figure::Annotated(plot, _) => Some(plot),
            _ => None,
        }
    }

    /// The figure with the points of `workload`'s flagged cases ringed: every point whose
    /// series is the case's model and whose x its worker count, for a flag of any kind but
    /// [`FlagKind::WideInterval`]. Figures that are not lines stay as they are.
    pub fn with_flags(self, flags: &[CaseFlag], workload: &str) -> Figure {
        let (plot, mut notes) = match self {
            Figure::Lines(plot) => (plot, Annotations::default()),
            Figure::Annotated(plot, notes) => (plot, notes),
            other => return other,
        };
        for series in &plot.series {
            for point in &series.points {
                let workers = point.x;
                let doubtful = workers >= 1.0
                    && workers.fract() == 0.0
                    && flags_of(flags, workload, &series.model, workers as usize)
                        .any(|f| f.kind != FlagKind::WideInterval);
                if doubtful && !notes.is_flagged(&series.model, workers) {
                    notes.flagged.push((series.model.clone(), workers));
                }
            }
        }
        if notes == Annotations::default() {
            Figure::Lines(plot)
        } else {
            Figure::Annotated(plot, notes)
        }
    }
}

/// A chart drawn once per workload.
pub trait WorkloadChart: Sync {
    /// File stem and [`RenderedChart::chart`], e.g. `speedup`.
    fn name(&self) -> &'static str;
    /// What it shows, e.g. `speedup vs workers`; the title puts the workload before it.
    fn what(&self) -> &'static str;
    /// The figure, or `None` when the workload has no data for this chart.
    fn figure(&self, data: &WorkloadData<'_>) -> Option<Figure>;
}

/// A chart drawn once for the whole run.
pub trait RunChart: Sync {
    /// File stem and [`RenderedChart::chart`], e.g. `summary-heatmap`.
    fn name(&self) -> &'static str;
    /// Its title.
    fn title(&self) -> String;
    /// The figure, or `None` when the run has no data for this chart.
    fn figure(&self, ctx: &ChartContext<'_>) -> Option<Figure>;
}

/// One workload's cases, grouped by model.
pub struct WorkloadData<'a> {
    /// The whole run.
    pub results: &'a Results,
    /// Every fit of the run.
    pub fits: &'a [ModelFit],
    /// The workload's name.
    pub workload: &'a str,
    /// Its cases by model, models in registry order (others after, by name), cases by
    /// worker count.
    pub by_model: Vec<(&'a str, Vec<&'a CaseRecord>)>,
}

impl<'a> WorkloadData<'a> {
    /// Groups the cases of `workload`.
    pub fn new(results: &'a Results, fits: &'a [ModelFit], workload: &'a str) -> Self {
        let mut models: Vec<&'a str> = Vec::new();
        for case in results.cases.iter().filter(|c| c.workload == workload) {
            if !models.contains(&case.model.as_str()) {
                models.push(&case.model);
            }
        }
        sort_models(&mut models);
        let by_model = models
            .into_iter()
            .map(|model| {
                let mut cases: Vec<&CaseRecord> = results
                    .cases
                    .iter()
                    .filter(|c| c.workload == workload && c.model == model)
                    .collect();
                cases.sort_by_key(|c| c.workers);
                (model, cases)
            })
            .collect();
        WorkloadData {
            results,
            fits,
            workload,
            by_model,
        }
    }

    /// The USL fit of `model` on this workload, if there is one.
    pub fn usl(&self, model: &str) -> Option<&'a UslFit> {
        self.fits
            .iter()
            .find(|f| f.workload == self.workload && f.model == model)
            .and_then(|f| f.usl.as_ref())
    }

    /// One line per model, a point per case that `point` can place; models left without
    /// points are dropped. With `sequential_baseline`, sequential is drawn as the dashed
    /// baseline rather than as a line of its own.
    pub fn series(
        &self,
        sequential_baseline: bool,
        point: impl Fn(&CaseRecord) -> Option<lines::Point>,
    ) -> Vec<lines::Series> {
        self.by_model
            .iter()
            .map(|(model, cases)| lines::Series {
                model: model.to_string(),
                points: cases.iter().filter_map(|case| point(case)).collect(),
                fit: Vec::new(),
                baseline: sequential_baseline && *model == "sequential",
            })
            .filter(|s| !s.points.is_empty())
            .collect()
    }
}

/// The workloads of a run in registry order; names outside the registry go last, by name.
pub fn workloads_of(results: &Results) -> Vec<&str> {
    let mut names: Vec<&str> = Vec::new();
    for case in &results.cases {
        if !names.contains(&case.workload.as_str()) {
            names.push(&case.workload);
        }
    }
    let rank = |w: &str| {
        WORKLOADS
            .iter()
            .position(|info| info.name == w)
            .unwrap_or(usize::MAX)
    };
    names.sort_by(|a, b| rank(a).cmp(&rank(b)).then_with(|| a.cmp(b)));
    names
}

/// A chart [`render_all`] will draw: its figure and where it goes.
#[derive(Debug, Clone)]
pub struct PlannedChart {
    /// The workload, or `None` for a chart of the whole run.
    pub workload: Option<String>,
    /// The chart's name, e.g. `speedup`.
    pub chart: &'static str,
    /// Title and subtitle.
    pub header: Header,
    /// Path relative to the output folder, without extension, e.g. `sum-squares/speedup`.
    pub stem: PathBuf,
    /// What to draw.
    pub figure: Figure,
}

/// Every chart of the run that has data, in report order: per workload (registry order) its
/// charts in [`WORKLOAD_CHARTS`] order, then [`RUN_CHARTS`].
pub fn plan(ctx: &ChartContext<'_>) -> Vec<PlannedChart> {
    plan_set(ctx, STRONG_CHARTS)
}

/// As [`plan`], with the charts of `set`.
pub fn plan_set(ctx: &ChartContext<'_>, set: ChartSet) -> Vec<PlannedChart> {
    // Imported data has no profile: its headline names the folder and the machine note.
    let subtitle = match &ctx.results.source {
        Some(source) => source.headline(),
        None => format!(
            "{} · profile {}",
            ctx.results.machine.summary_line(),
            ctx.results.run.profile
        ),
    };
    let mut planned = Vec::new();
    let folders = FolderNames::new(workloads_of(ctx.results));
    for workload in workloads_of(ctx.results) {
        let data = WorkloadData::new(ctx.results, ctx.fits, workload);
        for chart in set.workload {
            if let Some(figure) = chart.figure(&data) {
                let figure = figure.with_flags(ctx.flags, workload);
                planned.push(PlannedChart {
                    workload: Some(workload.to_string()),
                    chart: chart.name(),
                    header: Header {
                        title: format!("{workload}: {}", chart.what()),
                        subtitle: subtitle.clone(),
                    },
                    stem: Path::new(&folders.get(workload)).join(chart.name()),
                    figure,
                });
            }
        }
    }
    for chart in set.run {
        if let Some(figure) = chart.figure(ctx) {
            planned.push(PlannedChart {
                workload: None,
                chart: chart.name(),
                header: Header {
                    title: chart.title(),
                    subtitle: subtitle.clone(),
                },
                stem: PathBuf::from(chart.name()),
                figure,
            });
        }
    }
    planned
}

/// Renders every chart that has data, in every format of `ctx.formats`, into `ctx.out_dir`
/// (created if missing). Charts without data are skipped and not listed. Charts are drawn in
/// parallel; the list keeps the order of [`plan`].
pub fn render_all(ctx: &ChartContext<'_>) -> Result<Vec<RenderedChart>, ChartError> {
    render_set(ctx, STRONG_CHARTS)
}

/// As [`render_all`], with the charts of `set`.
pub fn render_set(ctx: &ChartContext<'_>, set: ChartSet) -> Result<Vec<RenderedChart>, ChartError> {
    register_fonts();
    if ctx.formats.is_empty() {
        return Ok(Vec::new());
    }
    plan_set(ctx, set)
        .into_par_iter()
        .map(|job| {
            let drawing = ReportDrawing {
                figure: &job.figure,
                header: &job.header,
                theme: ctx.theme,
            };
            let files = write_formats(&drawing, ctx.formats, ctx.out_dir, &job.stem)?;
            Ok(RenderedChart {
                workload: job.workload,
                chart: job.chart,
                title: job.header.title,
                files,
            })
        })
        .collect()
}

/// Draws `figure` into an RGB buffer of [`PNG_SIZE`] (3 bytes a pixel, rows top to bottom):
/// the pixels a PNG of it holds.
pub fn render_pixels(figure: &Figure, header: &Header, theme: Theme) -> Result<Vec<u8>, String> {
    register_fonts();
    let mut pixels = vec![0u8; PNG_SIZE.0 as usize * PNG_SIZE.1 as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, PNG_SIZE).into_drawing_area();
        draw_figure(&root, figure, header, theme).map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(pixels)
}

/// `figure` under `header` as one SVG document on the 1920x1080 canvas: the markup its
/// `.svg` file holds. Errors: plotters' message.
pub fn svg_of(figure: &Figure, header: &Header, theme: Theme) -> Result<String, String> {
    crate::plot::svg_string(&ReportDrawing {
        figure,
        header,
        theme,
    })
}

/// A report figure with its header and theme, ready to draw.
struct ReportDrawing<'a> {
    figure: &'a Figure,
    header: &'a Header,
    theme: Theme,
}

impl Drawing for ReportDrawing<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        draw_figure(root, self.figure, self.header, self.theme)
    }
}

fn draw_figure<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    figure: &Figure,
    header: &Header,
    theme: Theme,
) -> DrawResult<DB> {
    match figure {
        Figure::Lines(plot) => lines::draw(root, plot, header, theme),
        Figure::Annotated(plot, notes) => lines::draw_annotated(root, plot, notes, header, theme),
        Figure::Heatmap(plot) => heatmap::draw(root, plot, header, theme),
        Figure::Bars(plot) => bars::draw(root, plot, header, theme),
    }
}
