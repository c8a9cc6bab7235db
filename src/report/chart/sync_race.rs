//! The race made visible: the share of increments the racy load-then-store counter lost,
//! against the number of threads, with the 95% interval over batches. One thread loses none.

use super::sync_lines::family_series;
use super::{ChartContext, Figure, RunChart};
use crate::plot::lines::{LinePlot, Point, YScale};
use crate::sync::SyncFamily;

/// The lost-updates chart.
pub struct SyncRace;

impl RunChart for SyncRace {
    fn name(&self) -> &'static str {
        "sync-race"
    }

    fn title(&self) -> String {
        "Racy counter: updates lost vs threads".to_string()
    }

    fn figure(&self, ctx: &ChartContext<'_>) -> Option<Figure> {
        let series = family_series(ctx.results, SyncFamily::Counter, |r| {
            let l = r.lost_updates?;
            Some(Point {
                x: r.workers as f64,
                y: l.rate.point * 100.0,
                interval: Some((l.rate.lower * 100.0, l.rate.upper * 100.0)),
            })
        });
        (!series.is_empty()).then(|| {
            Figure::Lines(LinePlot {
                x_label: "threads incrementing (log scale)".to_string(),
                y_label: "increments lost (%)".to_string(),
                y_scale: YScale::Linear,
                y_at_least: 1.0,
                series,
                guides: Vec::new(),
                band_label: Some("95% CI over batches".to_string()),
                fit_label: None,
            })
        })
    }
}
