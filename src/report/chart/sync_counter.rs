//! The shared counter: increments per second against the number of threads incrementing
//! it, one line per primitive (`Mutex`, `RwLock`, atomic, shards, the racy load-store), on
//! a log scale with the 95% band.

use super::sync_lines::throughput_figure;
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
        throughput_figure(
            ctx.results,
            SyncFamily::Counter,
            "threads incrementing (log scale)",
            "million increments / s (log scale)",
        )
    }
}
