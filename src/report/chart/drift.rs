//! The machine's speed over the run: every timing of the calibration kernel
//! ([`crate::machine::drift`]) as the run's median kernel time over that timing (1.0 = the
//! run's usual speed, 0.7 = 30% slower), against the minutes since the run started, with
//! the rolling median the drift analysis judges by, dashed guides at 1 ± the bound, and the
//! slow spells shaded. Drawn when the results hold at least two usable timings.

use super::{ChartContext, Figure, RunChart};
use crate::machine::Drift as Calibration;
use crate::machine::drift::{SMOOTHING_WINDOW, speed_series};
use crate::plot::lines::{
    Annotations, Guide, GuideKind, LinePlot, Look, Point, Series, XScale, YScale,
};

/// The drift chart.
pub struct Drift;

/// Legend text of the raw timings.
pub const TIMINGS: &str = "speed at each timing";

impl RunChart for Drift {
    fn name(&self) -> &'static str {
        "drift"
    }

    fn title(&self) -> String {
        "Machine speed over the run (calibration kernel)".to_string()
    }

    fn figure(&self, ctx: &ChartContext<'_>) -> Option<Figure> {
        figure(ctx.results.run.drift.as_ref()?)
    }
}

/// Legend text of the smoothed speed.
fn smoothed_label() -> String {
    format!("rolling median of {SMOOTHING_WINDOW}")
}

/// The figure of one calibration series; `None` with fewer than 2 usable timings.
fn figure(drift: &Calibration) -> Option<Figure> {
    let speeds = speed_series(&drift.points);
    if speeds.is_empty() {
        return None;
    }
    let minutes = |at_s: f64| at_s / 60.0;
    let point = |at_s: f64, y: f64| Point {
        x: minutes(at_s),
        y,
        interval: None,
    };
    let raw: Vec<Point> = speeds.iter().map(|p| point(p.at_s, p.raw)).collect();
    let smoothed: Vec<Point> = speeds.iter().map(|p| point(p.at_s, p.smoothed)).collect();
    // A calibration point stands for the machine until the next one: a spell is shaded to
    // the first timing after its last.
    let spans: Vec<(f64, f64)> = drift
        .slow_spells
        .iter()
        .map(|spell| {
            let end = speeds
                .iter()
                .map(|p| p.at_s)
                .find(|&t| t > spell.to_s)
                .unwrap_or(spell.to_s);
            (minutes(spell.from_s), minutes(end))
        })
        .collect();
    let bound = drift.bound;
    let series = vec![
        Series {
            model: TIMINGS.to_string(),
            points: raw,
            fit: Vec::new(),
            baseline: false,
        },
        Series {
            model: smoothed_label(),
            points: smoothed,
            fit: Vec::new(),
            baseline: false,
        },
    ];
    let plot = LinePlot {
        x_label: "minutes since the run started".to_string(),
        y_label: "speed relative to the run's median (×)".to_string(),
        y_scale: YScale::Linear,
        y_at_least: 1.0 + bound + 0.1,
        series,
        guides: vec![
            Guide {
                label: format!("bound: {}× and {}×", trim(1.0 - bound), trim(1.0 + bound)),
                kind: GuideKind::Horizontal(1.0 + bound),
            },
            Guide {
                label: String::new(),
                kind: GuideKind::Horizontal(1.0 - bound),
            },
        ],
        band_label: None,
        fit_label: None,
    };
    let notes = Annotations {
        x_scale: XScale::Linear,
        span_label: Some(format!("slow spell (below {}×)", trim(1.0 - bound))),
        spans,
        looks: vec![
            (TIMINGS.to_string(), Look::Dots),
            (smoothed_label(), Look::Line),
        ],
        note: Some(format!("Kernel: {}.", drift.kernel)),
        ..Annotations::default()
    };
    Some(Figure::Annotated(plot, notes))
}

/// A speed factor for a legend: `0.9`, `1.1`, `0.85`.
fn trim(value: f64) -> String {
    crate::plot::style::trim_number(value, 2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::machine::CalibrationPoint;
    use crate::machine::drift::{DEFAULT_BOUND, analyse};

    fn series(n: usize, slow: std::ops::Range<usize>) -> Vec<CalibrationPoint> {
        (0..n)
            .map(|i| CalibrationPoint {
                at_s: 6.0 * i as f64,
                ns: if slow.contains(&i) { 1e6 / 0.7 } else { 1e6 } * (1.0 + 0.01 * (i % 3) as f64),
            })
            .collect()
    }

    fn annotated(figure: Figure) -> (LinePlot, Annotations) {
        match figure {
            Figure::Annotated(plot, notes) => (plot, notes),
            other => panic!("not an annotated line figure: {other:?}"),
        }
    }

    #[test]
    fn smoothing_matches_the_drift_analysis() {
        let drift = analyse(series(40, 10..20), DEFAULT_BOUND);
        let (plot, _) = annotated(figure(&drift).unwrap());
        let smoothed = &plot.series[1];
        assert_eq!(smoothed.model, smoothed_label());
        for (p, c) in smoothed.points.iter().zip(&drift.points) {
            let expected = drift.speed_at(c.at_s).unwrap();
            assert!((p.y - expected).abs() < 1e-12, "{} vs {expected}", p.y);
        }
    }

    #[test]
    fn slow_spells_are_shaded_to_the_next_timing() {
        let drift = analyse(series(40, 10..20), DEFAULT_BOUND);
        assert_eq!(drift.slow_spells.len(), 1, "{:?}", drift.slow_spells);
        let spell = drift.slow_spells[0];
        let (plot, notes) = annotated(figure(&drift).unwrap());
        assert_eq!(notes.x_scale, XScale::Linear);
        assert_eq!(
            notes.spans,
            vec![(spell.from_s / 60.0, (spell.to_s + 6.0) / 60.0)]
        );
        let raw = &plot.series[0];
        assert_eq!(raw.points.len(), 40);
        assert!(raw.points[15].y < 0.75 && raw.points[30].y > 0.95);
        assert!(notes.note.as_deref().unwrap().contains(&drift.kernel));
    }

    #[test]
    fn fewer_than_two_usable_timings_draw_nothing() {
        let mut drift = analyse(series(1, 0..0), DEFAULT_BOUND);
        assert!(figure(&drift).is_none());
        drift.points.push(CalibrationPoint {
            at_s: 5.0,
            ns: f64::NAN,
        });
        assert!(figure(&drift).is_none());
    }
}
