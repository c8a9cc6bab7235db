//! OS threads of the process tree at peak against the worker count, on a log scale, with
//! "one thread per worker" as a dashed guide. It shows what a model really runs on: a
//! `threads` batch spawns one per worker, a process pool one per process, and `tokio::fs`
//! hands file calls to tokio's blocking pool, far beyond the runtime's worker count.

use super::{Figure, WorkloadChart, WorkloadData};
use crate::plot::lines::{Guide, GuideKind, LinePlot, Point, Series, YScale};

/// The OS threads chart.
pub struct Threads;

impl WorkloadChart for Threads {
    fn name(&self) -> &'static str {
        "threads"
    }

    fn what(&self) -> &'static str {
        "OS threads at peak vs workers"
    }

    fn figure(&self, data: &WorkloadData<'_>) -> Option<Figure> {
        let series: Vec<Series> = data.series(true, |case| {
            let threads = case.peak_threads?;
            (threads > 0).then_some(Point {
                x: case.workers as f64,
                y: threads as f64,
                interval: None,
            })
        });
        if series.is_empty() {
            return None;
        }
        Some(Figure::Lines(LinePlot {
            x_label: "workers (log scale)".to_string(),
            y_label: "OS threads at peak (log scale)".to_string(),
            y_scale: YScale::Log,
            y_at_least: 1.0,
            series,
            guides: vec![Guide {
                label: "one per worker".to_string(),
                kind: GuideKind::Identity,
            }],
            band_label: None,
            fit_label: None,
        }))
    }
}
