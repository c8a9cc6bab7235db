//! Producer-consumer throughput: messages per second against the number of producers (and
//! as many consumers), one line per queue (std `sync_channel`, crossbeam, tokio `mpsc`, a
//! pipe between processes), on a log scale with the 95% band.

use super::lines::{LinePlot, YScale};
use super::sync_lines::{family_series, point};
use super::{ChartContext, Figure, RunChart};
use crate::sync::SyncFamily;

/// The queue throughput chart.
pub struct SyncQueue;

impl RunChart for SyncQueue {
    fn name(&self) -> &'static str {
        "sync-queue"
    }

    fn title(&self) -> String {
        "Producer-consumer queues: messages per second".to_string()
    }

    fn figure(&self, ctx: &ChartContext<'_>) -> Option<Figure> {
        let series = family_series(ctx.results, SyncFamily::Queue, |r| {
            let e = r.ops_per_s;
            point(r.workers, e.point / 1e6, (e.lower / 1e6, e.upper / 1e6))
        });
        (!series.is_empty()).then(|| {
            Figure::Lines(LinePlot {
                x_label: "producers = consumers (log scale)".to_string(),
                y_label: "million messages / s (log scale)".to_string(),
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
