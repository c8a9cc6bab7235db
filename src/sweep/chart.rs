//! The sweep's chart: speedup over sequential against the swept size, both axes on log
//! scales, one line per model (sequential is the dashed 1× guide), each break-even marked on
//! the guide with a dotted drop line to the size axis, and the break-evens listed under the
//! legend. Plain data here; [`crate::plot::lines`] draws it.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::Sweep;
use super::break_even::{crossings, size_label};
use crate::plot::lines::{
    self, Annotations, Guide, GuideKind, LinePlot, Mark, Point, Series, XScale, YScale,
};
use crate::plot::{DrawResult, Drawing, Header, Theme};

/// The chart's file stem in the sweep's folder (`speedup-vs-size.svg`, `.png`).
pub const STEM: &str = "speedup-vs-size";

/// Legend text of the guide at 1×.
pub const GUIDE_LABEL: &str = "sequential (1×)";

/// Legend text of the marks.
pub const MARK_LABEL: &str = "break-even";

/// The chart of one sweep, ready to draw with [`crate::plot::write_formats`].
pub struct SweepChart {
    /// Lines, guide.
    pub plot: LinePlot,
    /// Log x axis, the break-even marks and their list.
    pub notes: Annotations,
    /// Title and subtitle.
    pub header: Header,
    /// Colours.
    pub theme: Theme,
}

impl SweepChart {
    /// The chart of `sweep`; `subtitle` says what was fixed (parameters, workers, repeats).
    pub fn new(sweep: &Sweep, subtitle: String, theme: Theme) -> SweepChart {
        let series: Vec<Series> = sweep
            .compared_models()
            .map(|model| Series {
                model: model.to_string(),
                points: sweep
                    .speedups(model)
                    .into_iter()
                    .filter(|(_, s)| s.is_finite() && *s > 0.0)
                    .map(|(x, y)| Point {
                        x,
                        y,
                        interval: None,
                    })
                    .collect(),
                fit: Vec::new(),
                baseline: false,
            })
            .collect();
        let mut marks = Vec::new();
        let mut listed = Vec::new();
        for model in sweep.compared_models() {
            let found = crossings(&sweep.speedups(model));
            marks.extend(found.iter().map(|c| Mark {
                series: model.to_string(),
                x: c.size,
                y: 1.0,
            }));
            let sizes: Vec<String> = found.iter().map(|c| size_label(c.size)).collect();
            listed.push(format!(
                "{model} {}",
                if sizes.is_empty() {
                    "never".to_string()
                } else {
                    sizes.join(" and ")
                }
            ));
        }
        let plot = LinePlot {
            x_label: format!("{} (log scale)", sweep.param),
            y_label: "speedup over sequential (×, log scale)".to_string(),
            y_scale: YScale::Log,
            y_at_least: 1.0,
            series,
            guides: vec![Guide {
                label: GUIDE_LABEL.to_string(),
                kind: GuideKind::Horizontal(1.0),
            }],
            band_label: None,
            fit_label: None,
        };
        let notes = Annotations {
            x_scale: XScale::Log2,
            marks,
            mark_label: Some(MARK_LABEL.to_string()),
            note: Some(format!(
                "Break-even {}: {}.",
                sweep.param,
                listed.join("; ")
            )),
            ..Annotations::default()
        };
        SweepChart {
            plot,
            notes,
            header: Header {
                title: format!("{}: speedup vs {}", sweep.workload, sweep.param),
                subtitle,
            },
            theme,
        }
    }
}

impl Drawing for SweepChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        lines::draw_annotated(root, &self.plot, &self.notes, &self.header, self.theme)
    }
}
