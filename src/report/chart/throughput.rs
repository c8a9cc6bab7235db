//! Throughput, N / T(N), against the worker count: the weak-scaling view (`--scaling weak`,
//! see [`crate::report::scaling`]), where each of N workers does its own fixed share, so
//! N shares are done per batch. One line per model with its confidence band; a flat line
//! means added workers add no work done per second.

use super::{Figure, WorkloadChart, WorkloadData};
use crate::plot::lines::{LinePlot, Point, Series, YScale};
use crate::report::scaling::throughput;

/// The throughput chart.
pub struct Throughput;

impl WorkloadChart for Throughput {
    fn name(&self) -> &'static str {
        "throughput"
    }

    fn what(&self) -> &'static str {
        "throughput vs workers (weak scaling)"
    }

    fn figure(&self, data: &WorkloadData<'_>) -> Option<Figure> {
        let series: Vec<Series> = data.series(false, |case| {
            let t = throughput(case)?;
            t.point.is_finite().then_some(Point {
                x: case.workers as f64,
                y: t.point,
                interval: (t.lower.is_finite() && t.upper.is_finite())
                    .then_some((t.lower, t.upper)),
            })
        });
        if series.is_empty() {
            return None;
        }
        Some(Figure::Lines(LinePlot {
            x_label: "workers (log scale)".to_string(),
            y_label: "throughput N ÷ T(N) (worker shares per s)".to_string(),
            y_scale: YScale::Linear,
            y_at_least: 0.0,
            series,
            guides: Vec::new(),
            band_label: Some("95% CI".to_string()),
            fit_label: None,
        }))
    }
}
