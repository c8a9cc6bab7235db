//! Parallel efficiency, speedup divided by the worker count, against the worker count. For
//! `tokio-current` the "workers" are tasks in flight on one thread; the chart plots it all
//! the same.

use super::{Figure, WorkloadChart, WorkloadData};
use crate::plot::lines::{Guide, GuideKind, LinePlot, Point, Series, YScale};

/// The efficiency chart.
pub struct Efficiency;

impl WorkloadChart for Efficiency {
    fn name(&self) -> &'static str {
        "efficiency"
    }

    fn what(&self) -> &'static str {
        "parallel efficiency vs workers"
    }

    fn figure(&self, data: &WorkloadData<'_>) -> Option<Figure> {
        let series: Vec<Series> = data.series(false, |case| {
            if case.workers == 0 {
                return None;
            }
            let s = data.results.speedup(case)?;
            let n = case.workers as f64;
            (s.point / n).is_finite().then_some(Point {
                x: n,
                y: s.point / n,
                interval: (s.lower.is_finite() && s.upper.is_finite())
                    .then_some((s.lower / n, s.upper / n)),
            })
        });
        if series.iter().all(|s| s.model == "sequential") {
            return None;
        }
        Some(Figure::Lines(LinePlot {
            x_label: "workers (log scale)".to_string(),
            y_label: "efficiency (speedup ÷ workers)".to_string(),
            y_scale: YScale::Linear,
            y_at_least: 1.0,
            series,
            guides: vec![Guide {
                label: "ideal".to_string(),
                kind: GuideKind::Horizontal(1.0),
            }],
            band_label: Some("95% CI".to_string()),
            fit_label: None,
        }))
    }
}
