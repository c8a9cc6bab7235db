//! Wake-up latency: microseconds from notify to the waiter running, one bar per mechanism
//! (`Condvar`, tokio `Notify` across threads and within one thread, a pipe to another
//! process), with the 95% interval as a whisker.

use super::{ChartContext, Figure, RunChart};
use crate::plot::bars::{Bar, BarPlot};
use crate::sync::SyncFamily;

/// The wake-up latency chart.
pub struct SyncWakeup;

impl RunChart for SyncWakeup {
    fn name(&self) -> &'static str {
        "sync-wakeup"
    }

    fn title(&self) -> String {
        "Wake-up latency: notify to running".to_string()
    }

    fn figure(&self, ctx: &ChartContext<'_>) -> Option<Figure> {
        let bars: Vec<Bar> = ctx
            .results
            .sync
            .iter()
            .filter(|r| r.family == SyncFamily::Wakeup && r.ns_per_op.point.is_finite())
            .map(|r| Bar {
                label: r.name.clone(),
                value: r.ns_per_op.point / 1e3,
                interval: Some((r.ns_per_op.lower / 1e3, r.ns_per_op.upper / 1e3)),
            })
            .collect();
        (!bars.is_empty()).then(|| {
            Figure::Bars(BarPlot {
                x_label: "µs per wake-up (half a ping-pong round trip), 95% CI".to_string(),
                unit: "µs".to_string(),
                bars,
            })
        })
    }
}
