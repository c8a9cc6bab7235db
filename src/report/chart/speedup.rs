//! Speedup over the same run's sequential time against the worker count: one line per model
//! with its confidence band, the ideal line, and the USL fit drawn faintly where it fits:
//! when its R² reaches [`crate::report::fit::MIN_R_SQUARED_FOR_LINE`], over the worker counts
//! it was fitted to.

use super::{Figure, WorkloadChart, WorkloadData};
use crate::plot::lines::{Guide, GuideKind, LinePlot, Point, Series, YScale, sample_curve};

/// The speedup chart.
pub struct Speedup;

impl WorkloadChart for Speedup {
    fn name(&self) -> &'static str {
        "speedup"
    }

    fn what(&self) -> &'static str {
        "speedup vs workers"
    }

    fn figure(&self, data: &WorkloadData<'_>) -> Option<Figure> {
        let mut series: Vec<Series> = data.series(false, |case| {
            let s = data.results.speedup(case)?;
            s.point.is_finite().then_some(Point {
                x: case.workers as f64,
                y: s.point,
                interval: (s.lower.is_finite() && s.upper.is_finite())
                    .then_some((s.lower, s.upper)),
            })
        });
        // Only the sequential baseline itself: nothing to compare.
        if series.iter().all(|s| s.model == "sequential") {
            return None;
        }
        let (lo, hi) = worker_range(&series);
        for s in &mut series {
            // Only a fit that describes its points (R² at or above the bound), and only over
            // the worker counts it was fitted to (a cpu workload's stop at the usable CPUs).
            if let Some(usl) = data.usl(&s.model).filter(|u| u.draws_line()) {
                let (from, to) = usl.workers;
                s.fit = sample_curve(from.max(lo), to.min(hi), |n| usl.speedup(n));
            }
        }
        Some(Figure::Lines(LinePlot {
            x_label: "workers (log scale)".to_string(),
            y_label: "speedup over sequential (×)".to_string(),
            y_scale: YScale::Linear,
            y_at_least: 1.2,
            series,
            guides: vec![Guide {
                label: "ideal".to_string(),
                kind: GuideKind::Identity,
            }],
            band_label: Some("95% CI".to_string()),
            fit_label: Some("USL fit".to_string()),
        }))
    }
}

/// Smallest and largest worker count of any point.
pub(super) fn worker_range(series: &[Series]) -> (f64, f64) {
    let xs = series.iter().flat_map(|s| s.points.iter().map(|p| p.x));
    let lo = xs.clone().fold(f64::INFINITY, f64::min);
    let hi = xs.fold(f64::NEG_INFINITY, f64::max);
    if lo.is_finite() { (lo, hi) } else { (1.0, 1.0) }
}
