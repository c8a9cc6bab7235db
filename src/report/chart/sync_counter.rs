//! The shared counter: increments per second against the number of threads incrementing
//! it, one line per primitive (`Mutex`, `RwLock`, atomic, shards, the racy load-store), on
//! a log scale with the 95% band.

use super::lines::{LinePlot, YScale};
use super::sync_lines::{family_series, point};
use super::{ChartContext, Figure, RunChart};
use crate::sync::SyncFamily;

/// The counter throughput chart.
pub struct SyncCounter;

impl RunChart for SyncCounter {
    fn name(&self) -> &'static str {
        "sync-counter"
    }

    fn title(&self) -> String {
        "Shared counter: increments per second vs threads".to_string()
    }

    fn figure(&self, ctx: &ChartContext<'_>) -> Option<Figure> {
        let series = family_series(ctx.results, SyncFamily::Counter, |r| {
            let e = r.ops_per_s;
            point(r.workers, e.point / 1e6, (e.lower / 1e6, e.upper / 1e6))
        });
        (!series.is_empty()).then(|| {
            Figure::Lines(LinePlot {
                x_label: "threads incrementing (log scale)".to_string(),
                y_label: "million increments / s (log scale)".to_string(),
                y_scale: YScale::Log,
                y_at_least: 0.0,
                series,
                guides: Vec::new(),
                band_label: Some("95% CI".to_string()),
                fit_label: None,
            })
        })
    }
}
