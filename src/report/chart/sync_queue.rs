//! Producer-consumer throughput: messages per second against the number of producers (and
//! as many consumers), one line per queue (std `sync_channel`, crossbeam, tokio `mpsc`, a
//! pipe between processes), on a log scale with the 95% band.

use super::sync_lines::throughput_figure;
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
        throughput_figure(
            ctx.results,
            SyncFamily::Queue,
            "producers = consumers (log scale)",
            "million messages / s (log scale)",
        )
    }
}
