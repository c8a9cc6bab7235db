//! What the sync line charts share: one line per case name of a family (`counter-mutex`,
//! ...), a point per record at its `workers`. Not a chart itself.

use super::Figure;
use crate::plot::lines::{LinePlot, Point, Series, YScale};
use crate::results::Results;
use crate::sync::{SyncFamily, SyncRecord};

/// One series per case name of `family`, in file order, a point per record that `point`
/// can place, sorted by worker count; names left without points are dropped.
pub(super) fn family_series(
    results: &Results,
    family: SyncFamily,
    point: impl Fn(&SyncRecord) -> Option<Point>,
) -> Vec<Series> {
    let mut names: Vec<&str> = Vec::new();
    for r in results.sync.iter().filter(|r| r.family == family) {
        if !names.contains(&r.name.as_str()) {
            names.push(&r.name);
        }
    }
    names
        .into_iter()
        .map(|name| {
            let mut points: Vec<Point> = results
                .sync
                .iter()
                .filter(|r| r.family == family && r.name == name)
                .filter_map(&point)
                .collect();
            points.sort_by(|a, b| a.x.total_cmp(&b.x));
            Series {
                model: name.to_string(),
                points,
                fit: Vec::new(),
                baseline: false,
            }
        })
        .filter(|s| !s.points.is_empty())
        .collect()
}

/// A point at `workers` for a positive, finite value, with its interval when that is
/// positive and finite too (a log axis cannot show zero).
pub(super) fn point(workers: usize, value: f64, interval: (f64, f64)) -> Option<Point> {
    let ok = |v: f64| v > 0.0 && v.is_finite();
    ok(value).then_some(Point {
        x: workers as f64,
        y: value,
        interval: (ok(interval.0) && ok(interval.1)).then_some(interval),
    })
}

/// A throughput chart of `family`: millions of operations per second against the worker
/// count, one line per case name, log scale, with the 95% band.
pub(super) fn throughput_figure(
    results: &Results,
    family: SyncFamily,
    x_label: &str,
    y_label: &str,
) -> Option<Figure> {
    let series = family_series(results, family, |r| {
        let e = r.ops_per_s;
        point(r.workers, e.point / 1e6, (e.lower / 1e6, e.upper / 1e6))
    });
    (!series.is_empty()).then(|| {
        Figure::Lines(LinePlot {
            x_label: x_label.to_string(),
            y_label: y_label.to_string(),
            y_scale: YScale::Log,
            y_at_least: 0.0,
            series,
            guides: Vec::new(),
            band_label: Some("95% CI".to_string()),
            fit_label: None,
        })
    })
}
