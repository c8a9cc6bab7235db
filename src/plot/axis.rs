//! Tick choices for every chart's axes: round linear steps (1, 2, 2.5, 5 times a power of
//! ten), log axes with ticks at 1, 2 and 5 times powers of ten, and [`TickedAxis`], which
//! hands those ticks to plotters. The line renderer and the comparison's frame both take
//! their ticks from here, so every chart's axes agree.

use std::ops::Range;

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};

use super::style::trim_number;

/// An axis laid out for drawing: (start, end, ticks, minor ticks, decimals of the tick
/// labels), in the axis' own units (log10 of the value on a log axis).
pub type Layout = (f64, f64, Vec<f64>, Vec<f64>, usize);

/// A linear f64 axis with the ticks we choose (plotters' `WithKeyPoints` over f64 has no
/// label formatter, so a custom `y_label_formatter` could not be used).
#[derive(Debug, Clone)]
pub struct TickedAxis {
    /// Start and end of the axis.
    pub range: Range<f64>,
    /// Major ticks, with labels and grid lines.
    pub bold: Vec<f64>,
    /// Minor ticks: light grid lines only.
    pub light: Vec<f64>,
}

impl Ranged for TickedAxis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let span = self.range.end - self.range.start;
        let t = if span > 0.0 {
            (value - self.range.start) / span
        } else {
            0.5
        };
        limit.0 + (f64::from(limit.1 - limit.0) * t).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            self.light.clone()
        } else {
            self.bold.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.range.clone()
    }
}

/// Smallest and largest of `values`.
pub fn min_max(values: &[f64]) -> Option<(f64, f64)> {
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (lo.is_finite() && hi.is_finite()).then_some((lo, hi))
}

/// Splits a curve into the runs that stay within `lo..=hi` in y.
pub fn clip_runs(
    points: impl Iterator<Item = (f64, f64)>,
    lo: f64,
    hi: f64,
) -> Vec<Vec<(f64, f64)>> {
    let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
    for (x, y) in points {
        if y.is_finite() && y >= lo && y <= hi {
            if let Some(run) = runs.last_mut() {
                run.push((x, y));
            }
        } else if runs.last().is_some_and(|r| !r.is_empty()) {
            runs.push(Vec::new());
        }
    }
    runs.retain(|r| !r.is_empty());
    runs
}

/// A linear axis from `lo` to at least `hi`: (start, end, ticks, minor ticks, decimals).
pub fn linear_axis(lo: f64, hi: f64) -> Layout {
    linear_axis_in_steps(lo, hi, 6.0)
}

/// A linear axis like [`linear_axis`] that wastes little room past `hi`: with more ticks
/// (up to about ten) when the round step of six would end the axis more than a tenth of its
/// length beyond `hi`. For an x axis, where the data should fill the width.
pub fn tight_linear_axis(lo: f64, hi: f64) -> Layout {
    let overshoot =
        |axis: &Layout| (axis.1 - hi.max(lo)) / (axis.1 - axis.0).max(f64::MIN_POSITIVE);
    let mut best = linear_axis(lo, hi);
    for steps in [8.0, 10.0] {
        if overshoot(&best) <= 0.1 {
            break;
        }
        let candidate = linear_axis_in_steps(lo, hi, steps);
        if overshoot(&candidate) < overshoot(&best) {
            best = candidate;
        }
    }
    best
}

/// A linear axis from `lo` to at least `hi` in about `steps` round steps.
fn linear_axis_in_steps(lo: f64, hi: f64, steps: f64) -> Layout {
    let hi = if hi > lo { hi } else { lo + 1.0 };
    let raw = (hi - lo) / steps;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    let end = (hi / step).ceil() * step;
    let start = (lo / step).floor() * step;
    let count = ((end - start) / step).round() as usize;
    let ticks: Vec<f64> = (0..=count).map(|i| start + step * i as f64).collect();
    let minor: Vec<f64> = (0..count)
        .map(|i| start + step * (i as f64 + 0.5))
        .collect();
    let mut decimals = (-step.log10().floor()).max(0.0) as usize;
    if (step / magnitude - 2.5).abs() < 1e-9 {
        decimals += 1;
    }
    (start, end, ticks, minor, decimals)
}

/// A log axis covering `lo..hi` (values > 0), in log10 units: (start, end, ticks, minor
/// ticks, unused decimals). Ticks at 1-2-5 times powers of ten, thinned or thickened so there
/// are between three and eight.
pub fn log_axis(lo: f64, hi: f64) -> Layout {
    let (lo, hi) = if hi > lo {
        (lo, hi)
    } else {
        (lo / 2.0, lo * 2.0)
    };
    let candidates = |mantissas: &[f64]| -> Vec<f64> {
        let mut out = Vec::new();
        let first = lo.log10().floor() as i32 - 1;
        let last = hi.log10().ceil() as i32 + 1;
        for e in first..=last {
            for m in mantissas {
                let v = m * 10f64.powi(e);
                if v >= lo && v <= hi {
                    out.push(v);
                }
            }
        }
        out
    };
    let all = candidates(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]);
    let mut ticks = candidates(&[1.0, 2.0, 5.0]);
    if ticks.len() > 8 {
        ticks = candidates(&[1.0]);
    }
    if ticks.len() < 3 {
        ticks = all.clone();
    }
    if ticks.len() < 3 {
        // Less than a factor of ten or so: round steps, as on a linear axis.
        let (_, _, linear, _, _) = linear_axis(lo, hi);
        ticks = linear
            .into_iter()
            .filter(|v| *v >= lo && *v <= hi)
            .collect();
    }
    let minor: Vec<f64> = all
        .into_iter()
        .filter(|v| !ticks.iter().any(|t| (t - v).abs() < 1e-12 * v.abs()))
        .map(f64::log10)
        .collect();
    let ticks = ticks.into_iter().map(f64::log10).collect();
    (lo.log10(), hi.log10(), ticks, minor, 0)
}

/// Labelled ticks of a linear axis from 0 to at least `hi` (round steps, about six), for a
/// pixel [`super::canvas::Frame`]: (end, [(value, label)]).
pub fn linear_ticks(hi: f64) -> (f64, Vec<(f64, String)>) {
    let hi = if hi > 0.0 && hi.is_finite() { hi } else { 1.0 };
    let (_, end, ticks, _, decimals) = linear_axis(0.0, hi);
    let labelled = ticks
        .into_iter()
        .map(|v| (v, trim_number(v, decimals)))
        .collect();
    (end, labelled)
}

/// The label of a tick placed at a data point on a log axis: whole numbers as they are up to
/// 99 999 (worker counts), larger ones with k, M, G or T (`100M` for 100 000 000), others
/// with three significant digits (`0.25`, `0.333`).
pub fn point_label(value: f64) -> String {
    let three = |v: f64| {
        let digits = (2 - v.abs().log10().floor() as i32).max(0) as usize;
        trim_number(v, digits)
    };
    if !value.is_finite() || value == 0.0 {
        return trim_number(value, 0);
    }
    let whole = value.round();
    if (value - whole).abs() > 1e-9 * value.abs().max(1.0) {
        return three(value);
    }
    if whole.abs() < 1e5 {
        return trim_number(whole, 0);
    }
    let (size, suffix) = [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")]
        .into_iter()
        .find(|(size, _)| whole.abs() >= *size)
        .unwrap_or((1.0, ""));
    format!("{}{suffix}", three(whole / size))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_axis_uses_round_steps() {
        let (start, end, ticks, _, decimals) = linear_axis(0.0, 2.1);
        assert_eq!(start, 0.0);
        assert!((end - 2.5).abs() < 1e-9, "{end}");
        assert_eq!(ticks.len(), 6);
        assert_eq!(decimals, 1);
    }

    #[test]
    fn tight_linear_axis_ends_near_the_data() {
        // Six round steps would end at 8 for data up to 6.1; eight end at 7.
        let (start, end, ticks, _, decimals) = tight_linear_axis(0.0, 6.1);
        assert_eq!((start, end, decimals), (0.0, 7.0, 0));
        assert_eq!(ticks.len(), 8);
        // A range that already fits keeps the usual steps.
        assert_eq!(tight_linear_axis(0.0, 0.47).1, linear_axis(0.0, 0.47).1);
    }

    #[test]
    fn log_axis_has_ticks_inside_a_narrow_range() {
        let (start, end, ticks, _, _) = log_axis(2.1, 4.0);
        assert!(ticks.len() >= 3, "{ticks:?}");
        assert!(ticks.iter().all(|t| *t >= start && *t <= end));
    }

    #[test]
    fn log_axis_thins_wide_ranges() {
        let (_, _, ticks, _, _) = log_axis(1.0, 1e9);
        assert!(ticks.len() <= 10, "{ticks:?}");
    }

    #[test]
    fn point_labels_keep_worker_counts_and_shorten_sizes_and_fractions() {
        assert_eq!(point_label(16.0), "16");
        assert_eq!(point_label(4096.0), "4096");
        assert_eq!(point_label(100_000_000f64.log2().exp2()), "100M");
        assert_eq!(point_label(123_456.0), "123k");
        assert_eq!(point_label(2.5e12), "2.5T");
        assert_eq!(point_label(0.75f64.log2().exp2()), "0.75");
        assert_eq!(point_label(1.0 / 3.0), "0.333");
        assert_eq!(point_label(1.5), "1.5");
    }

    #[test]
    fn clip_runs_split_at_the_edges() {
        let runs = clip_runs(
            [(0.0, 1.0), (1.0, 5.0), (2.0, 1.0), (3.0, 2.0)].into_iter(),
            0.0,
            3.0,
        );
        assert_eq!(runs, vec![vec![(0.0, 1.0)], vec![(2.0, 1.0), (3.0, 2.0)]]);
    }

    #[test]
    fn linear_ticks_start_at_zero_and_use_round_steps() {
        let (end, ticks) = linear_ticks(3.7);
        assert_eq!(end, 4.0);
        assert_eq!(ticks[0].1, "0");
        assert_eq!(ticks[1].1, "1");
        let (end, ticks) = linear_ticks(2.1);
        assert_eq!(end, 2.5);
        assert_eq!(ticks[1].1, "0.5");
        assert_eq!(linear_ticks(0.0).0, 1.0);
    }
}
