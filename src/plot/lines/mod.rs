//! The line-chart renderer: one line per model against the worker count (log2 axis), with
//! confidence bands, faint fitted curves, dashed guides, and the legend in a column to the
//! right of the plot so it never covers data. Not a chart itself: charts build a
//! [`LinePlot`] (plain data, this file) and [`draw`] draws it (`draw.rs`).
//!
//! [`Annotations`] add what a plain [`LinePlot`] does not say: a linear x axis (for time),
//! points ringed as doubtful (a case with a [`crate::results::checks::CaseFlag`]), shaded x
//! spans, series drawn as dots or as a plain line rather than as a model, marked places on a
//! series (where it crosses a guide) and a note under the legend. The report rings the flagged cases of every workload chart
//! ([`crate::report::chart::plan`]).

mod draw;
mod legend;
#[cfg(test)]
mod legend_tests;

pub use draw::{draw, draw_annotated};

/// Lines against the worker count.
#[derive(Debug, Clone, PartialEq)]
pub struct LinePlot {
    /// Title of the x axis.
    pub x_label: String,
    /// Title of the y axis.
    pub y_label: String,
    /// Scale of the y axis.
    pub y_scale: YScale,
    /// The y axis reaches at least this value (a linear axis always starts at 0).
    pub y_at_least: f64,
    /// One per model, in legend order.
    pub series: Vec<Series>,
    /// Dashed reference lines, after the models in the legend.
    pub guides: Vec<Guide>,
    /// Legend text for the shaded bands, e.g. `95% confidence interval`, when any band is
    /// drawn.
    pub band_label: Option<String>,
    /// Legend text for the faint fitted curves, when any is drawn.
    pub fit_label: Option<String>,
}

/// Scale of the x axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum XScale {
    /// Logarithmic in base 2, a tick at every x of a point: worker counts.
    #[default]
    Log2,
    /// Linear, from zero when every x is positive, with round ticks: time.
    Linear,
}

/// Scale of the y axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YScale {
    /// Linear from zero.
    Linear,
    /// Logarithmic (ticks at 1, 2, 5 times powers of ten).
    Log,
}

/// One model's line.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// The model; picks colour, marker and line (a registry model's own, else an entry of
    /// the chart's palette: [`crate::plot::series_style`]), and is the legend text.
    pub model: String,
    /// Points by worker count.
    pub points: Vec<Point>,
    /// A fitted curve drawn faintly in the model's colour: (workers, y) samples.
    pub fit: Vec<(f64, f64)>,
    /// A series of one point is drawn as a dashed horizontal line across the plot (the
    /// sequential baseline of time, memory and CPU charts).
    pub baseline: bool,
}

/// One measured point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// Worker count (> 0).
    pub x: f64,
    /// Value.
    pub y: f64,
    /// Confidence interval of the value, drawn as a band (or an error bar for a lone point).
    pub interval: Option<(f64, f64)>,
}

/// A dashed reference line in the guide colour.
#[derive(Debug, Clone, PartialEq)]
pub struct Guide {
    /// Legend text.
    pub label: String,
    /// Where it runs.
    pub kind: GuideKind,
}

/// Shape of a [`Guide`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum GuideKind {
    /// y = value.
    Horizontal(f64),
    /// y = workers: ideal linear speedup.
    Identity,
}

/// What a line chart shows beyond its [`LinePlot`]. The default adds nothing: a log2 x axis,
/// no rings, no spans, every series drawn as a model.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Annotations {
    /// Scale of the x axis.
    pub x_scale: XScale,
    /// Points ringed as doubtful: (series, x). A ring is drawn around the point of that
    /// series at that x, and the legend gets one row, [`FLAGGED_LABEL`].
    pub flagged: Vec<(String, f64)>,
    /// Shaded stretches of the x axis, under everything else.
    pub spans: Vec<(f64, f64)>,
    /// Legend text for the shaded spans, when any is drawn.
    pub span_label: Option<String>,
    /// Series drawn not as a model (colour and marker of the chart's
    /// [`crate::plot::series_style::ChartStyles`]) but in the
    /// theme's own colours: (series, look).
    pub looks: Vec<(String, Look)>,
    /// Text under the legend, wrapped to its column, in the muted colour.
    pub note: Option<String>,
    /// Marked places on series (a break-even, a crossing): each drawn as a dotted line in
    /// its series' colour from the x axis up to the place, and a hollow diamond there.
    pub marks: Vec<Mark>,
    /// Legend text for the marks, when any is drawn.
    pub mark_label: Option<String>,
}

/// A place marked on a series: see [`Annotations::marks`].
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    /// The series whose colour it takes.
    pub series: String,
    /// Where on the x axis (same units as the points).
    pub x: f64,
    /// Its value on the y axis.
    pub y: f64,
}

/// How a series named in [`Annotations::looks`] is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Look {
    /// Small dots in the muted colour, no line: many raw readings.
    Dots,
    /// A line in the text colour, no markers: a smoothed curve through many readings.
    Line,
}

/// The legend row of ringed points.
pub const FLAGGED_LABEL: &str = "flagged: see Doubts";

impl Annotations {
    /// True when the point of `series` at `x` is ringed.
    pub fn is_flagged(&self, series: &str, x: f64) -> bool {
        self.flagged
            .iter()
            .any(|(s, at)| s == series && (at - x).abs() < 1e-9)
    }

    /// The look of `series`, if it is not drawn as a model.
    pub fn look(&self, series: &str) -> Option<Look> {
        self.looks
            .iter()
            .find(|(s, _)| s == series)
            .map(|(_, look)| *look)
    }
}

impl LinePlot {
    /// True when no series has a drawable point.
    pub fn is_empty(&self) -> bool {
        self.series.iter().all(|s| s.points.is_empty())
    }

    /// The models drawn, in legend order.
    pub fn models(&self) -> Vec<&str> {
        self.series.iter().map(|s| s.model.as_str()).collect()
    }
}

/// `f` sampled at 64 worker counts spaced evenly on a log axis from `from` to `to`.
pub fn sample_curve(from: f64, to: f64, f: impl Fn(f64) -> f64) -> Vec<(f64, f64)> {
    if !(from > 0.0 && to >= from) {
        return Vec::new();
    }
    let (a, b) = (from.log2(), to.log2());
    (0..64)
        .map(|i| {
            let x = (a + (b - a) * f64::from(i) / 63.0).exp2();
            (x, f(x))
        })
        .filter(|(_, y)| y.is_finite())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_find_flagged_points_and_looks() {
        let notes = Annotations {
            flagged: vec![("rayon".to_string(), 8.0)],
            looks: vec![("kernel".to_string(), Look::Dots)],
            ..Annotations::default()
        };
        assert!(notes.is_flagged("rayon", 8.0));
        assert!(!notes.is_flagged("rayon", 4.0));
        assert!(!notes.is_flagged("threads", 8.0));
        assert_eq!(notes.look("kernel"), Some(Look::Dots));
        assert_eq!(notes.look("rayon"), None);
        assert_eq!(Annotations::default().x_scale, XScale::Log2);
    }
}
