//! Median batch time against the worker count, on a log scale, with the band of the median's
//! confidence interval. The sequential time runs across as a dashed baseline.

use super::{Figure, WorkloadChart, WorkloadData};
use crate::plot::lines::{LinePlot, Point, Series, YScale};

/// The time chart.
pub struct Time;

impl WorkloadChart for Time {
    fn name(&self) -> &'static str {
        "time"
    }

    fn what(&self) -> &'static str {
        "median batch time vs workers"
    }

    fn figure(&self, data: &WorkloadData<'_>) -> Option<Figure> {
        let mut series: Vec<Series> = data.series(true, |case| {
            let m = case.time.as_ref()?.median;
            (m.point > 0.0 && m.point.is_finite()).then_some(Point {
                x: case.workers as f64,
                y: m.point,
                interval: (m.lower > 0.0 && m.upper.is_finite()).then_some((m.lower, m.upper)),
            })
        });
        let largest = series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.y))
            .fold(f64::NAN, f64::max);
        if largest.is_nan() {
            return None;
        }
        let (unit, scale) = time_unit(largest);
        for p in series.iter_mut().flat_map(|s| s.points.iter_mut()) {
            p.y /= scale;
            p.interval = p.interval.map(|(lo, hi)| (lo / scale, hi / scale));
        }
        Some(Figure::Lines(LinePlot {
            x_label: "workers (log scale)".to_string(),
            y_label: format!("median batch time ({unit}, log scale)"),
            y_scale: YScale::Log,
            y_at_least: 0.0,
            series,
            guides: Vec::new(),
            band_label: Some("95% CI".to_string()),
            fit_label: None,
        }))
    }
}

/// The unit for times up to `largest_ns` and its size in ns.
pub(crate) fn time_unit(largest_ns: f64) -> (&'static str, f64) {
    if largest_ns >= 1e9 {
        ("s", 1e9)
    } else if largest_ns >= 1e6 {
        ("ms", 1e6)
    } else if largest_ns >= 1e3 {
        ("µs", 1e3)
    } else {
        ("ns", 1.0)
    }
}
