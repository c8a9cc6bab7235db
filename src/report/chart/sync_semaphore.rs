//! A semaphore limiting the `sleep` workload: tasks in flight on average (tasks × latency /
//! batch time) against the permit count, for tokio's `Semaphore` on one thread and a
//! `Condvar` semaphore with a thread per task. The dashed ideal is the permit count itself.

use super::sync_lines::{family_series, point};
use super::{ChartContext, Figure, RunChart};
use crate::plot::lines::{Guide, GuideKind, LinePlot, YScale};
use crate::sync::SyncFamily;

/// The semaphore chart.
pub struct SyncSemaphore;

impl RunChart for SyncSemaphore {
    fn name(&self) -> &'static str {
        "sync-semaphore"
    }

    fn title(&self) -> String {
        "Semaphore on sleep tasks: tasks in flight vs permits".to_string()
    }

    fn figure(&self, ctx: &ChartContext<'_>) -> Option<Figure> {
        let series = family_series(ctx.results, SyncFamily::Semaphore, |r| {
            let e = r.in_flight()?;
            point(r.workers, e.point, (e.lower, e.upper))
        });
        (!series.is_empty()).then(|| {
            Figure::Lines(LinePlot {
                x_label: "permits (log scale)".to_string(),
                y_label: "sleeping tasks in flight (log scale)".to_string(),
                y_scale: YScale::Log,
                y_at_least: 0.0,
                series,
                guides: vec![Guide {
                    label: "ideal: every permit busy".to_string(),
                    kind: GuideKind::Identity,
                }],
                band_label: Some("95% CI".to_string()),
                fit_label: None,
            })
        })
    }
}
