//! The verdict on one case measured on two machines: faster, slower, or the same within
//! the noise (or within the threshold).
//!
//! The rule, in two sentences: a case is *slower* (or *faster*) when the ratio of the median
//! batch times exceeds `1 + threshold` (or falls below `1 / (1 + threshold)`) **and** the
//! difference is significant in the same direction. Significance comes from Welch's t-test
//! on criterion's per-iteration samples at [`ALPHA`] when both sides kept at least
//! [`MIN_SAMPLES`] of them, and otherwise from the confidence intervals of the two medians
//! not overlapping.
//!
//! The two paths are about equally strict: two non-overlapping 95% intervals of similar
//! width correspond to p < 0.006, hence [`ALPHA`] = 0.01 for the test. The threshold is
//! symmetric on a log scale, so swapping the machines swaps *faster* and *slower*.
//!
//! To add another test (e.g. Mann-Whitney U), write it in [`super::stats`], add an
//! [`Evidence`] variant, compute it in [`judge`], and describe it in [`Judgement::describe`].

use serde::Serialize;

pub use super::stats::MIN_SAMPLES;
use super::stats::welch;
use crate::results::schema::TimeEstimate;

/// Significance level of the Welch test.
pub const ALPHA: f64 = 0.01;

/// Which way a case went on the other machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Significantly faster, by more than the threshold.
    Faster,
    /// Significantly slower, by more than the threshold.
    Slower,
    /// Within the noise or within the threshold.
    Same,
}

impl Verdict {
    /// The word tables use.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Faster => "faster",
            Verdict::Slower => "slower",
            Verdict::Same => "same",
        }
    }
}

/// What decided significance.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "test", rename_all = "lowercase")]
pub enum Evidence {
    /// Welch's unequal-variance t-test on the per-iteration samples (two-sided).
    Welch {
        /// The t statistic, positive when the other machine's mean is higher (slower).
        t: f64,
        /// Welch-Satterthwaite degrees of freedom.
        df: f64,
        /// Two-sided p-value.
        p: f64,
    },
    /// The confidence intervals of the two medians.
    Intervals {
        /// Confidence level of the intervals, e.g. 0.95.
        level: f64,
        /// True when the intervals do not overlap.
        apart: bool,
    },
}

/// The verdict with the figures behind it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Judgement {
    /// Faster, slower or same.
    pub verdict: Verdict,
    /// Median time on the other machine over median time on the base machine.
    pub ratio: f64,
    /// True when the difference is significant (whatever its size) and goes the way the
    /// medians' ratio does.
    pub significant: bool,
    /// The test or the intervals that decided `significant`.
    pub evidence: Evidence,
}

impl Judgement {
    /// One table cell: the verdict and its basis, e.g. `slower (p<0.001)`,
    /// `same (noise: 95% CIs overlap)`, `same (within 5%, p=0.002)`. *Slower* is in bold.
    pub fn describe(&self, threshold: f64) -> String {
        let basis = match self.evidence {
            Evidence::Welch { p, .. } => format_p(p),
            Evidence::Intervals { level, apart } => format!(
                "{:.0}% CIs {}",
                level * 100.0,
                if apart { "apart" } else { "overlap" }
            ),
        };
        match (self.verdict, self.significant) {
            (Verdict::Slower, _) => format!("**slower** ({basis})"),
            (Verdict::Faster, _) => format!("faster ({basis})"),
            (Verdict::Same, false) => match self.evidence {
                Evidence::Welch { p, .. } if p < ALPHA => {
                    format!("same (means and medians disagree, {basis})")
                }
                _ => format!("same (noise: {basis})"),
            },
            (Verdict::Same, true) => format!("same (within {}, {basis})", percent(threshold)),
        }
    }

    /// The basis alone, for CSV: `welch p=0.0123` or `95% CIs apart`.
    pub fn basis(&self) -> String {
        match self.evidence {
            Evidence::Welch { p, .. } => format!("welch {}", format_p(p)),
            Evidence::Intervals { level, apart } => format!(
                "{:.0}% CIs {}",
                level * 100.0,
                if apart { "apart" } else { "overlap" }
            ),
        }
    }
}

/// A threshold as a percentage: `5%`, `2.5%`.
pub fn percent(fraction: f64) -> String {
    let text = format!("{:.2}", fraction * 100.0);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text}%")
}

/// `p<0.001` or `p=0.0123`.
fn format_p(p: f64) -> String {
    if p < 0.001 {
        "p<0.001".to_string()
    } else {
        format!("p={p:.3}")
    }
}

/// Judges `other` against `base` with `threshold` (a fraction: 0.05 is 5%). `None` when a
/// median is not a positive finite time.
pub fn judge(base: &TimeEstimate, other: &TimeEstimate, threshold: f64) -> Option<Judgement> {
    let (b, o) = (base.median, other.median);
    if !(b.point.is_finite() && o.point.is_finite() && b.point > 0.0 && o.point > 0.0) {
        return None;
    }
    let ratio = o.point / b.point;
    // direction: +1 the other machine is slower, -1 faster, 0 no significant difference.
    let (evidence, direction) = match welch(&base.sample_ns, &other.sample_ns) {
        Some(test) => {
            let direction = if test.p < ALPHA { test.t.signum() } else { 0.0 };
            let evidence = Evidence::Welch {
                t: test.t,
                df: test.df,
                p: test.p,
            };
            (evidence, direction)
        }
        None => {
            let slower = o.lower > b.upper;
            let faster = o.upper < b.lower;
            let level = if base.confidence_level > 0.0 {
                base.confidence_level
            } else {
                0.95
            };
            let evidence = Evidence::Intervals {
                level,
                apart: slower || faster,
            };
            let direction = if slower {
                1.0
            } else if faster {
                -1.0
            } else {
                0.0
            };
            (evidence, direction)
        }
    };
    // A significant difference against the medians' direction (means and medians
    // disagree, e.g. a few slow outliers) is no evidence either way.
    let agrees = (direction > 0.0 && ratio > 1.0) || (direction < 0.0 && ratio < 1.0);
    let direction = if agrees { direction } else { 0.0 };
    let limit = 1.0 + threshold.max(0.0);
    let verdict = if direction > 0.0 && ratio > limit {
        Verdict::Slower
    } else if direction < 0.0 && ratio < 1.0 / limit {
        Verdict::Faster
    } else {
        Verdict::Same
    };
    Some(Judgement {
        verdict,
        ratio,
        significant: direction != 0.0,
        evidence,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::schema::Estimate;

    /// A time with a median interval of ±`half` (relative) and the given samples.
    fn time(median: f64, half: f64, samples: &[f64]) -> TimeEstimate {
        let e = Estimate {
            point: median,
            lower: median * (1.0 - half),
            upper: median * (1.0 + half),
        };
        TimeEstimate {
            mean: e,
            median: e,
            std_dev_ns: 0.0,
            samples: samples.len().max(10),
            confidence_level: 0.95,
            sample_ns: samples.to_vec(),
            rounds: Vec::new(),
        }
    }

    #[test]
    fn tight_intervals_twice_as_slow_is_slower() {
        let j = judge(&time(100.0, 0.01, &[]), &time(200.0, 0.01, &[]), 0.05).unwrap();
        assert_eq!(j.verdict, Verdict::Slower);
        assert_eq!(j.ratio, 2.0);
        assert!(j.significant);
        assert_eq!(
            j.evidence,
            Evidence::Intervals {
                level: 0.95,
                apart: true
            }
        );
        assert_eq!(j.describe(0.05), "**slower** (95% CIs apart)");
    }

    #[test]
    fn wide_intervals_are_noise_even_at_twice_the_time() {
        let j = judge(&time(100.0, 0.5, &[]), &time(200.0, 0.5, &[]), 0.05).unwrap();
        assert_eq!(j.verdict, Verdict::Same);
        assert!(!j.significant);
        assert_eq!(j.describe(0.05), "same (noise: 95% CIs overlap)");
    }

    #[test]
    fn significant_but_below_the_threshold_is_the_same() {
        let j = judge(&time(100.0, 0.001, &[]), &time(103.0, 0.001, &[]), 0.05).unwrap();
        assert_eq!(j.verdict, Verdict::Same);
        assert!(j.significant);
        assert_eq!(j.describe(0.05), "same (within 5%, 95% CIs apart)");
        // With no threshold the same difference counts.
        let j = judge(&time(100.0, 0.001, &[]), &time(103.0, 0.001, &[]), 0.0).unwrap();
        assert_eq!(j.verdict, Verdict::Slower);
    }

    #[test]
    fn faster_is_the_mirror_of_slower() {
        let a = time(100.0, 0.01, &[]);
        let b = time(200.0, 0.01, &[]);
        assert_eq!(judge(&b, &a, 0.05).unwrap().verdict, Verdict::Faster);
        // 1/1.05 = 0.952...: a ratio of 0.96 is within the threshold, 0.94 is not.
        let c = time(96.0, 0.001, &[]);
        let d = time(94.0, 0.001, &[]);
        let base = time(100.0, 0.001, &[]);
        assert_eq!(judge(&base, &c, 0.05).unwrap().verdict, Verdict::Same);
        assert_eq!(judge(&base, &d, 0.05).unwrap().verdict, Verdict::Faster);
    }

    #[test]
    fn samples_on_both_sides_use_welch() {
        let a = [99.0, 100.0, 101.0, 100.0, 99.5];
        let b = [199.0, 200.0, 201.0, 200.0, 199.5];
        // Wide intervals would say noise; the samples say otherwise.
        let j = judge(&time(100.0, 0.5, &a), &time(200.0, 0.5, &b), 0.05).unwrap();
        assert_eq!(j.verdict, Verdict::Slower);
        assert!(matches!(j.evidence, Evidence::Welch { p, .. } if p < ALPHA));
        assert_eq!(j.describe(0.05), "**slower** (p<0.001)");
        // Overlapping samples: not significant, whatever the medians' ratio.
        let c = [50.0, 150.0, 100.0, 300.0, 20.0];
        let j = judge(&time(100.0, 0.01, &a), &time(120.0, 0.01, &c), 0.05).unwrap();
        assert_eq!(j.verdict, Verdict::Same);
        assert!(!j.significant);
        // Samples on one side only: the intervals decide.
        let j = judge(&time(100.0, 0.01, &a), &time(200.0, 0.01, &[]), 0.05).unwrap();
        assert!(matches!(
            j.evidence,
            Evidence::Intervals { apart: true, .. }
        ));
    }

    #[test]
    fn a_test_against_the_ratio_direction_is_not_a_verdict() {
        // Medians say slower, means say faster: no verdict either way.
        // a: median 100 but mean 220; b: median and mean about 150.
        let mut a = vec![100.0; 36];
        a.extend([400.0; 24]);
        let b: Vec<f64> = (0..60).map(|i| 150.0 + f64::from(i % 3)).collect();
        let j = judge(&time(100.0, 0.01, &a), &time(150.0, 0.01, &b), 0.05).unwrap();
        assert!(matches!(j.evidence, Evidence::Welch { t, p, .. } if t < 0.0 && p < ALPHA));
        assert_eq!(j.verdict, Verdict::Same);
        assert!(!j.significant);
        assert_eq!(
            j.describe(0.05),
            "same (means and medians disagree, p<0.001)"
        );
    }

    #[test]
    fn unusable_medians_give_no_judgement() {
        assert!(judge(&time(0.0, 0.0, &[]), &time(1.0, 0.0, &[]), 0.05).is_none());
        assert!(judge(&time(1.0, 0.0, &[]), &time(f64::NAN, 0.0, &[]), 0.05).is_none());
    }

    #[test]
    fn percentages_read_well() {
        assert_eq!(percent(0.05), "5%");
        assert_eq!(percent(0.025), "2.5%");
        assert_eq!(percent(0.0), "0%");
    }
}
