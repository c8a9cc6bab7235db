//! Gustafson's scaled speedup, N x T(1) / T(N), against the worker count: the weak-scaling
//! view (`--scaling weak`, see [`crate::report::scaling`]), where each of N workers does its
//! own fixed share and the ideal is N. One line per model with its confidence band, and the
//! ideal line.

use super::{Figure, WorkloadChart, WorkloadData};
use crate::plot::lines::{Guide, GuideKind, LinePlot, Point, Series, YScale};
use crate::report::scaling::scaled_speedup;

/// The scaled-speedup chart.
pub struct ScaledSpeedup;

impl WorkloadChart for ScaledSpeedup {
    fn name(&self) -> &'static str {
        "scaled-speedup"
    }

    fn what(&self) -> &'static str {
        "scaled speedup vs workers (weak scaling)"
    }

    fn figure(&self, data: &WorkloadData<'_>) -> Option<Figure> {
        let series: Vec<Series> = data.series(false, |case| {
            let s = scaled_speedup(data.results, case)?;
            s.point.is_finite().then_some(Point {
                x: case.workers as f64,
                y: s.point,
                interval: (s.lower.is_finite() && s.upper.is_finite())
                    .then_some((s.lower, s.upper)),
            })
        });
        if series.iter().all(|s| s.model == "sequential") {
            return None;
        }
        Some(Figure::Lines(LinePlot {
            x_label: "workers (log scale)".to_string(),
            y_label: "scaled speedup N × T(1) ÷ T(N) (×)".to_string(),
            y_scale: YScale::Linear,
            y_at_least: 1.2,
            series,
            guides: vec![Guide {
                label: "ideal (N)".to_string(),
                kind: GuideKind::Identity,
            }],
            band_label: Some("95% CI".to_string()),
            fit_label: None,
        }))
    }
}
