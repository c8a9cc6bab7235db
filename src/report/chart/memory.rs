//! Peak resident memory against the worker count, in MiB. Models without memory data are left
//! out; the sequential peak runs across as a dashed baseline.

use super::{Figure, WorkloadChart, WorkloadData};
use crate::plot::lines::{LinePlot, Point, Series, YScale};

/// The memory chart.
pub struct Memory;

impl WorkloadChart for Memory {
    fn name(&self) -> &'static str {
        "memory"
    }

    fn what(&self) -> &'static str {
        "peak memory vs workers"
    }

    fn figure(&self, data: &WorkloadData<'_>) -> Option<Figure> {
        let series: Vec<Series> = data.series(true, |case| {
            let bytes = case.memory.as_ref()?.peak_rss_bytes;
            (bytes > 0).then_some(Point {
                x: case.workers as f64,
                y: bytes as f64 / (1024.0 * 1024.0),
                interval: None,
            })
        });
        if series.is_empty() {
            return None;
        }
        Some(Figure::Lines(LinePlot {
            x_label: "workers (log scale)".to_string(),
            y_label: "peak memory (MiB)".to_string(),
            y_scale: YScale::Linear,
            y_at_least: 1.0,
            series,
            guides: Vec::new(),
            band_label: None,
            fit_label: None,
        }))
    }
}
