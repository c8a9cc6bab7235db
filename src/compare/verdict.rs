//! The verdict on one case measured twice (two machines, or two runs on one): faster,
//! slower, or the same within the noise (or within the threshold).
//!
//! The rule, in two sentences: a case is *slower* (or *faster*) when its time ratio exceeds
//! `1 + threshold` (or falls below `1 / (1 + threshold)`) **and** Welch's t-test at
//! [`ALPHA`] finds the difference significant in the same direction. With at least
//! [`MIN_ROUNDS`] rounds on both sides, the test compares the logarithms of the per-round
//! median times and the ratio is the ratio of their geometric means; without rounds
//! (results files of `concbench.results/1`), the previous rule applies: Welch's t-test on
//! the per-iteration samples, or the confidence intervals of the two medians not overlapping.
//!
//! # Why rounds, and why this test
//!
//! - **The round is the unit of evidence.** The samples of one round are timed back to back
//!   and share the machine's state of that moment (frequency, caches, neighbours on the
//!   host), so they are not independent draws: a t-test on them measures how steady the
//!   machine was for a few seconds, not how much a second run would differ. On a drifting VM
//!   two runs of the same commit differed "significantly" (p < 1e-7) in 10–15% of cases that
//!   way. Rounds are spread over the whole run, so the spread *between* rounds is the noise
//!   that matters when comparing runs, and each round contributes one value.
//! - **The median of a round** is robust to one interrupted batch; its **logarithm** makes
//!   ratios symmetric (2x slower and 2x faster are the same distance), and the reported ratio
//!   `exp(mean ln B - mean ln A)` is exactly the difference the test examines, so the two
//!   cannot disagree.
//! - **Welch rather than Mann-Whitney U** (which Google Benchmark's `compare.py` uses): with
//!   the 3 to 5 rounds a run has, a rank test's smallest possible two-sided p-value is 0.1
//!   (3 vs 3), 0.029 (4 vs 4) or 0.0079 (5 vs 5), so at [`ALPHA`] = 0.01 it could never call
//!   anything with fewer than 5 rounds a side. Welch's test needs no equal variances and
//!   works from 3 values a side; log round medians are close enough to normal for it.
//! - [`ALPHA`] = 0.01 keeps the previous strictness: two non-overlapping 95% intervals of
//!   similar width correspond to p < 0.006.
//!
//! The threshold is symmetric on a log scale, so swapping the sides swaps *faster* and
//! *slower*. A side with fewer than [`MIN_ROUNDS`] usable rounds counts as having none: its
//! verdicts rest on within-run noise only, and [`Judgement::basis`] says so.
//!
//! To add another test (e.g. Mann-Whitney U), write it in [`super::stats`], add an
//! [`Evidence`] variant, compute it in [`judge`], and describe it in [`Judgement::describe`]
//! and [`Judgement::basis`].

use serde::Serialize;

pub use super::stats::MIN_SAMPLES;
use super::stats::{median, welch};
use crate::results::schema::TimeEstimate;

/// Significance level of the Welch test.
pub const ALPHA: f64 = 0.01;

/// Fewest rounds each side needs for the test on round medians; with fewer, the rule for
/// results without rounds applies.
pub const MIN_ROUNDS: usize = MIN_SAMPLES;

/// What [`Judgement::basis`] adds when the verdict rests on one block of samples per side.
pub const NO_ROUNDS: &str = "no rounds: within-run noise only";

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
    /// Welch's unequal-variance t-test (two-sided) on the logarithms of the per-round
    /// median times: the spread between rounds is the noise.
    Rounds {
        /// The t statistic, positive when the other side's geometric mean is higher (slower).
        t: f64,
        /// Welch-Satterthwaite degrees of freedom.
        df: f64,
        /// Two-sided p-value.
        p: f64,
        /// Rounds used on (base, other).
        rounds: (usize, usize),
    },
    /// Without rounds on a side: Welch's unequal-variance t-test (two-sided) on the
    /// per-iteration samples, which within one block measure within-run noise only.
    Welch {
        /// The t statistic, positive when the other machine's mean is higher (slower).
        t: f64,
        /// Welch-Satterthwaite degrees of freedom.
        df: f64,
        /// Two-sided p-value.
        p: f64,
    },
    /// Without rounds or samples on a side: the confidence intervals of the two medians.
    Intervals {
        /// Confidence level of the intervals, e.g. 0.95.
        level: f64,
        /// True when the intervals do not overlap.
        apart: bool,
    },
}

impl Evidence {
    /// The test's two-sided p-value; `None` for intervals.
    pub fn p(&self) -> Option<f64> {
        match *self {
            Evidence::Rounds { p, .. } | Evidence::Welch { p, .. } => Some(p),
            Evidence::Intervals { .. } => None,
        }
    }
}

/// The verdict with the figures behind it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Judgement {
    /// Faster, slower or same.
    pub verdict: Verdict,
    /// Time on the other side over time on the base: the ratio of the geometric means of
    /// the round medians with rounds, of criterion's medians without.
    pub ratio: f64,
    /// True when the difference is significant (whatever its size) and goes the way the
    /// ratio does.
    pub significant: bool,
    /// The test or the intervals that decided `significant`.
    pub evidence: Evidence,
}

impl Judgement {
    /// One table cell: the verdict and its basis, e.g. `slower (p<0.001)`,
    /// `same (noise: 95% CIs overlap)`, `same (within 5%, p=0.002)`. *Slower* is in bold.
    /// Whether rounds were used is not repeated per cell: the Markdown names the inputs
    /// without rounds once.
    pub fn describe(&self, threshold: f64) -> String {
        let basis = match self.evidence {
            Evidence::Rounds { p, .. } | Evidence::Welch { p, .. } => format_p(p),
            Evidence::Intervals { level, apart } => intervals(level, apart),
        };
        match (self.verdict, self.significant) {
            (Verdict::Slower, _) => format!("**slower** ({basis})"),
            (Verdict::Faster, _) => format!("faster ({basis})"),
            (Verdict::Same, false) => match self.evidence.p() {
                Some(p) if p < ALPHA => format!("same (means and medians disagree, {basis})"),
                _ => format!("same (noise: {basis})"),
            },
            (Verdict::Same, true) => format!("same (within {}, {basis})", percent(threshold)),
        }
    }

    /// The basis alone, for CSV (no commas): `welch on 5+5 round medians p=0.0123`, or
    /// without rounds `welch on samples p<0.001 (no rounds: within-run noise only)` and
    /// `95% CIs apart (no rounds: within-run noise only)`.
    pub fn basis(&self) -> String {
        match self.evidence {
            Evidence::Rounds {
                p, rounds: (a, b), ..
            } => format!("welch on {a}+{b} round medians {}", format_p(p)),
            Evidence::Welch { p, .. } => format!("welch on samples {} ({NO_ROUNDS})", format_p(p)),
            Evidence::Intervals { level, apart } => {
                format!("{} ({NO_ROUNDS})", intervals(level, apart))
            }
        }
    }
}

/// `95% CIs apart` or `95% CIs overlap`.
fn intervals(level: f64, apart: bool) -> String {
    format!(
        "{:.0}% CIs {}",
        level * 100.0,
        if apart { "apart" } else { "overlap" }
    )
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

/// The natural logarithm of each round's median batch time, for the rounds that have a
/// positive finite one, in round order.
pub fn log_round_medians(time: &TimeEstimate) -> Vec<f64> {
    time.rounds
        .iter()
        .filter_map(|r| {
            let ns: Vec<f64> = r
                .samples
                .iter()
                .map(|s| s.ns)
                .filter(|ns| ns.is_finite() && *ns > 0.0)
                .collect();
            median(&ns)
        })
        .map(f64::ln)
        .collect()
}

/// Judges `other` against `base` with `threshold` (a fraction: 0.05 is 5%). `None` when a
/// median is not a positive finite time.
pub fn judge(base: &TimeEstimate, other: &TimeEstimate, threshold: f64) -> Option<Judgement> {
    let (b, o) = (base.median, other.median);
    if !(b.point.is_finite() && o.point.is_finite() && b.point > 0.0 && o.point > 0.0) {
        return None;
    }
    // direction: +1 the other side is slower, -1 faster, 0 no significant difference.
    let (ratio, evidence, direction) =
        by_rounds(base, other).unwrap_or_else(|| within_run(base, other));
    // A significant difference against the ratio's direction (means and medians of the
    // samples disagree, e.g. a few slow outliers) is no evidence either way. On round
    // medians the two go together by construction.
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

/// Ratio, evidence and direction from the log round medians; `None` when a side has fewer
/// than [`MIN_ROUNDS`].
fn by_rounds(base: &TimeEstimate, other: &TimeEstimate) -> Option<(f64, Evidence, f64)> {
    let (a, b) = (log_round_medians(base), log_round_medians(other));
    if a.len() < MIN_ROUNDS || b.len() < MIN_ROUNDS {
        return None;
    }
    let test = welch(&a, &b)?;
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let ratio = (mean(&b) - mean(&a)).exp();
    let direction = if test.p < ALPHA { test.t.signum() } else { 0.0 };
    let evidence = Evidence::Rounds {
        t: test.t,
        df: test.df,
        p: test.p,
        rounds: (a.len(), b.len()),
    };
    Some((ratio, evidence, direction))
}

/// Ratio, evidence and direction without rounds: Welch's test on every sample when both
/// sides kept at least [`MIN_SAMPLES`], else the medians' confidence intervals.
fn within_run(base: &TimeEstimate, other: &TimeEstimate) -> (f64, Evidence, f64) {
    let (b, o) = (base.median, other.median);
    let ratio = o.point / b.point;
    match welch(&base.all_samples_ns(), &other.all_samples_ns()) {
        Some(test) => {
            let direction = if test.p < ALPHA { test.t.signum() } else { 0.0 };
            let evidence = Evidence::Welch {
                t: test.t,
                df: test.df,
                p: test.p,
            };
            (ratio, evidence, direction)
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
            (ratio, evidence, direction)
        }
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::schema::{Estimate, RoundTimes, Sample};

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

    /// Twenty batches around `ms` milliseconds, spread ±0.1% (a tight block).
    fn block_ns(ms: f64) -> Vec<f64> {
        (0..20)
            .map(|j| ms * 1e6 * (1.0 + 0.001 * (f64::from((j * 7) % 20) / 10.0 - 1.0)))
            .collect()
    }

    /// A version-2 time: one round of [`block_ns`] per entry of `round_ms`, the median and
    /// its ±1% interval over all batches.
    fn rounds_time(round_ms: &[f64]) -> TimeEstimate {
        let rounds: Vec<RoundTimes> = round_ms
            .iter()
            .enumerate()
            .map(|(round, &ms)| RoundTimes {
                round,
                start_s: 10.0 * round as f64,
                samples: block_ns(ms)
                    .into_iter()
                    .enumerate()
                    .map(|(j, ns)| Sample {
                        start_s: 10.0 * round as f64 + 0.01 * j as f64,
                        ns,
                    })
                    .collect(),
                quiet: None,
            })
            .collect();
        let mut t = time(1.0, 0.01, &[]);
        t.rounds = rounds;
        let all = t.all_samples_ns();
        let m = median(&all).unwrap();
        t.median = Estimate {
            point: m,
            lower: m * 0.99,
            upper: m * 1.01,
        };
        t.mean = t.median;
        t.samples = all.len();
        t
    }

    /// A version-1 time of one contiguous block timed at `ms`, as runs used to be measured.
    fn one_block(ms: f64) -> TimeEstimate {
        let samples = block_ns(ms);
        time(median(&samples).unwrap(), 0.0005, &samples)
    }

    #[test]
    fn drift_between_rounds_is_the_same() {
        // The same case in two runs: tight rounds, the machine's speed drifting between them.
        let a = [100.0, 104.0, 98.0, 101.0, 97.0];
        let b = [99.0, 95.0, 103.0, 100.0, 102.0];
        let j = judge(&rounds_time(&a), &rounds_time(&b), 0.05).unwrap();
        assert_eq!(j.verdict, Verdict::Same, "{j:?}");
        assert!(!j.significant);
        assert!(
            matches!(j.evidence, Evidence::Rounds { p, rounds: (5, 5), .. } if p > 0.5),
            "{j:?}"
        );
        // Ratio of geometric means: 99.78 / 99.96.
        assert!((j.ratio - 0.998).abs() < 0.001, "{j:?}");
        assert_eq!(j.describe(0.05), "same (noise: p=0.913)");
        assert_eq!(j.basis(), "welch on 5+5 round medians p=0.913");
        // Timed as one block per run, as before rounds, every pairing of the same rounds is
        // "significant" by the sample-level Welch test, and three of five pass the 5%
        // threshold too: the test was right about the samples and wrong about the machine.
        let mut called = 0;
        for (&x, &y) in a.iter().zip(&b) {
            let old = judge(&one_block(x), &one_block(y), 0.05).unwrap();
            assert!(
                matches!(old.evidence, Evidence::Welch { p, .. } if p < 1e-7),
                "{x} vs {y}: {old:?}"
            );
            assert!(old.significant);
            if old.verdict != Verdict::Same {
                called += 1;
            }
        }
        assert_eq!(called, 3);
    }

    #[test]
    fn twice_as_slow_in_three_rounds_is_slower_and_swaps_to_faster() {
        let a = rounds_time(&[100.0, 102.0, 99.0]);
        let b = rounds_time(&[200.0, 197.0, 203.0]);
        let j = judge(&a, &b, 0.05).unwrap();
        assert_eq!(j.verdict, Verdict::Slower);
        assert!(j.significant);
        assert!((j.ratio - 2.0).abs() < 0.01, "{j:?}");
        assert!(
            matches!(j.evidence, Evidence::Rounds { t, p, rounds: (3, 3), .. } if t > 0.0 && p < ALPHA),
            "{j:?}"
        );
        assert_eq!(j.describe(0.05), "**slower** (p<0.001)");
        // Swapping the sides swaps the verdict and inverts the ratio.
        let k = judge(&b, &a, 0.05).unwrap();
        assert_eq!(k.verdict, Verdict::Faster);
        assert!((k.ratio * j.ratio - 1.0).abs() < 1e-12);
        assert!(matches!(k.evidence, Evidence::Rounds { t, .. } if t < 0.0));
        assert_eq!(k.evidence.p(), j.evidence.p());
    }

    #[test]
    fn a_consistent_six_percent_counts_against_five_not_ten() {
        let a = [100.0, 101.0, 99.0, 100.5, 99.5];
        let b = [1.005, 0.995, 1.0, 1.01, 0.99].map(|f| 106.0 * f);
        let (a, b) = (rounds_time(&a), rounds_time(&b));
        let j = judge(&a, &b, 0.05).unwrap();
        assert_eq!(j.verdict, Verdict::Slower, "{j:?}");
        assert!((j.ratio - 1.06).abs() < 0.001, "{j:?}");
        let j = judge(&a, &b, 0.10).unwrap();
        assert_eq!(j.verdict, Verdict::Same);
        assert!(j.significant);
        assert_eq!(j.describe(0.10), "same (within 10%, p<0.001)");
        // And the mirror image.
        assert_eq!(judge(&b, &a, 0.05).unwrap().verdict, Verdict::Faster);
        assert_eq!(judge(&b, &a, 0.10).unwrap().verdict, Verdict::Same);
    }

    #[test]
    fn a_round_median_ignores_one_interrupted_batch() {
        let mut t = rounds_time(&[100.0, 100.0, 100.0]);
        t.rounds[1].samples[3].ns *= 10.0;
        t.rounds[2].samples[0].ns = f64::NAN;
        let logs = log_round_medians(&t);
        assert_eq!(logs.len(), 3);
        assert!(
            logs.iter().all(|l| (l - 1e8f64.ln()).abs() < 1e-3),
            "{logs:?}"
        );
        // Rounds without a usable batch do not count.
        t.rounds[0].samples.clear();
        assert_eq!(log_round_medians(&t).len(), 2);
    }

    #[test]
    fn too_few_rounds_fall_back_to_the_samples() {
        // Two rounds a side: the within-run rule on all batches, and the basis says so.
        let a = rounds_time(&[100.0, 101.0]);
        let b = rounds_time(&[200.0, 201.0, 199.0]);
        let j = judge(&a, &b, 0.05).unwrap();
        assert!(matches!(j.evidence, Evidence::Welch { .. }), "{j:?}");
        assert_eq!(j.verdict, Verdict::Slower);
        assert_eq!(
            j.basis(),
            "welch on samples p<0.001 (no rounds: within-run noise only)"
        );
        // Rounds on one side, nothing but a median on the other: the intervals.
        let j = judge(&b, &time(100.0, 0.01, &[]), 0.05).unwrap();
        assert_eq!(j.verdict, Verdict::Faster);
        assert_eq!(
            j.basis(),
            "95% CIs apart (no rounds: within-run noise only)"
        );
        assert_eq!(j.evidence.p(), None);
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
