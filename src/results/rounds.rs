//! What a case's rounds say: its time with an interval that includes the spread between
//! rounds, its speedup paired round by round with the sequential baseline, and whether its
//! rounds fall into two groups (bimodal).
//!
//! The unit of evidence is the round, not the batch: the batches of one block share the
//! machine's state at that moment (its speed, its neighbours, its disk), so they are not
//! independent, and their spread says nothing about the next block. Every interval here is a
//! Student t interval over per-round values with `rounds - 1` degrees of freedom, on log
//! times (ratios are what matter, and a slow spell scales a time), so few rounds give wide
//! intervals, honestly.

use statrs::distribution::{ContinuousCDF, StudentsT};

use super::schema::{Estimate, RoundTimes, TimeEstimate};

/// Confidence level of every interval computed from rounds.
pub const LEVEL: f64 = 0.95;

/// Two neighbouring round medians further apart than this (relative, 0.10 = 10%) may make
/// a case bimodal, if the gap is also wide against the spread inside the rounds.
pub const BIMODAL_MIN_GAP: f64 = 0.10;

/// ...and wider than this many within-round standard deviations (of log batch times).
pub const BIMODAL_SPREADS: f64 = 6.0;

/// A case whose rounds fall into two groups with a gap between them.
#[derive(Debug, Clone, PartialEq)]
pub struct Bimodal {
    /// Median batch time of the faster group's rounds, in nanoseconds.
    pub low_ns: f64,
    /// The rounds (from 0) of the faster group.
    pub low_rounds: Vec<usize>,
    /// Median batch time of the slower group's rounds, in nanoseconds.
    pub high_ns: f64,
    /// The rounds of the slower group.
    pub high_rounds: Vec<usize>,
}

/// The two-sided Student t quantile for [`LEVEL`] with `df` degrees of freedom.
pub fn t_quantile(df: usize) -> f64 {
    let dist = StudentsT::new(0.0, 1.0, df.max(1) as f64).expect("df >= 1 is a valid t");
    dist.inverse_cdf(0.5 + LEVEL / 2.0)
}

/// Mean and standard error of the mean of `values`; `None` for fewer than two.
fn mean_se(values: &[f64]) -> Option<(f64, f64)> {
    if values.len() < 2 {
        return None;
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    Some((mean, (var / n).sqrt()))
}

/// A t interval on the log scale, back on the linear scale: `exp(mean ± t·se)`.
fn log_interval(logs: &[f64]) -> Option<Estimate> {
    let (mean, se) = mean_se(logs)?;
    let half = t_quantile(logs.len() - 1) * se;
    Some(Estimate {
        point: mean.exp(),
        lower: (mean - half).exp(),
        upper: (mean + half).exp(),
    })
}

/// Each round's median batch time, with its round number; rounds without samples or with a
/// non-positive median are left out.
pub fn round_medians(rounds: &[RoundTimes]) -> Vec<(usize, f64)> {
    rounds
        .iter()
        .filter_map(|r| Some((r.round, r.median_ns()?)))
        .filter(|(_, m)| *m > 0.0 && m.is_finite())
        .collect()
}

/// The time estimate of a case measured in `rounds`.
///
/// - `median`: the geometric mean of the round medians, with a t interval over the rounds'
///   log medians (so it includes the spread between rounds);
/// - `mean`: the geometric mean of the round means, with a t interval over their logs (a
///   time bound is never negative);
/// - `std_dev_ns`: the standard deviation of every batch.
///
/// With one round the intervals come from its batches alone. `None` without samples.
pub fn time_from_rounds(rounds: Vec<RoundTimes>) -> Option<TimeEstimate> {
    let all: Vec<f64> = rounds
        .iter()
        .flat_map(|r| r.samples.iter().map(|s| s.ns))
        .collect();
    if all.is_empty() {
        return None;
    }
    let medians = round_medians(&rounds);
    let round_means: Vec<f64> = rounds
        .iter()
        .filter(|r| !r.samples.is_empty())
        .map(|r| r.samples.iter().map(|s| s.ns).sum::<f64>() / r.samples.len() as f64)
        .collect();
    let n = all.len() as f64;
    let mean = all.iter().sum::<f64>() / n;
    let std_dev_ns = if all.len() > 1 {
        (all.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
    } else {
        0.0
    };
    let logs: Vec<f64> = medians.iter().map(|(_, m)| m.ln()).collect();
    let (median, mean_est) = if medians.len() >= 2 {
        let mean_logs: Vec<f64> = round_means
            .iter()
            .filter(|m| **m > 0.0)
            .map(|m| m.ln())
            .collect();
        (
            log_interval(&logs).expect("two or more rounds"),
            log_interval(&mean_logs).unwrap_or(Estimate {
                point: mean,
                lower: mean,
                upper: mean,
            }),
        )
    } else {
        // One round: the batches are all there is.
        let logs: Vec<f64> = all.iter().filter(|v| **v > 0.0).map(|v| v.ln()).collect();
        let single = Estimate {
            point: mean,
            lower: mean,
            upper: mean,
        };
        let median = log_interval(&logs).unwrap_or(single);
        let mean_est = mean_se(&all).map_or(single, |(m, se)| {
            let half = t_quantile(all.len() - 1) * se;
            Estimate {
                point: m,
                lower: (m - half).max(0.0),
                upper: m + half,
            }
        });
        (median, mean_est)
    };
    Some(TimeEstimate {
        mean: mean_est,
        median,
        std_dev_ns,
        samples: all.len(),
        confidence_level: LEVEL,
        sample_ns: Vec::new(),
        rounds,
    })
}

/// The speedup of `case` over `sequential`, paired round by round: in each round both were
/// measured, `sequential`'s median over the case's median; the point is the geometric mean
/// of those ratios and the interval a t interval over their logs. A slow spell that slows
/// both sides of a round cancels out. `None` with fewer than two rounds in common.
pub fn paired_speedup(sequential: &TimeEstimate, case: &TimeEstimate) -> Option<Estimate> {
    let seq = round_medians(&sequential.rounds);
    let logs: Vec<f64> = round_medians(&case.rounds)
        .into_iter()
        .filter_map(|(round, m)| {
            let (_, s) = seq.iter().find(|(r, _)| *r == round)?;
            Some((s / m).ln())
        })
        .collect();
    log_interval(&logs)
}

/// Whether the rounds of `time` fall into two groups: the widest gap between neighbouring
/// round medians (sorted) is wider than [`BIMODAL_MIN_GAP`] and than [`BIMODAL_SPREADS`]
/// within-round standard deviations (robust: 1.4826 x the median absolute deviation of every
/// batch's log time from its round's median). Needs at least two rounds.
pub fn bimodal(time: &TimeEstimate) -> Option<Bimodal> {
    let mut medians = round_medians(&time.rounds);
    if medians.len() < 2 {
        return None;
    }
    medians.sort_by(|a, b| a.1.total_cmp(&b.1));
    let (split, gap) = medians
        .windows(2)
        .enumerate()
        .map(|(i, w)| (i + 1, (w[1].1 / w[0].1).ln()))
        .max_by(|a, b| a.1.total_cmp(&b.1))?;
    let mut deviations: Vec<f64> = time
        .rounds
        .iter()
        .filter_map(|r| {
            let m = r.median_ns()?;
            Some(r.samples.iter().map(move |s| (s.ns / m).ln().abs()))
        })
        .flatten()
        .filter(|d| d.is_finite())
        .collect();
    deviations.sort_by(f64::total_cmp);
    let within_sd = deviations
        .get(deviations.len() / 2)
        .map_or(0.0, |mad| 1.4826 * mad);
    if gap <= BIMODAL_MIN_GAP.ln_1p() || gap <= BIMODAL_SPREADS * within_sd {
        return None;
    }
    let (low, high) = medians.split_at(split);
    let centre = |group: &[(usize, f64)]| {
        let logs: Vec<f64> = group.iter().map(|(_, m)| m.ln()).collect();
        (logs.iter().sum::<f64>() / logs.len() as f64).exp()
    };
    let rounds = |group: &[(usize, f64)]| {
        let mut r: Vec<usize> = group.iter().map(|(r, _)| *r).collect();
        r.sort_unstable();
        r
    };
    Some(Bimodal {
        low_ns: centre(low),
        low_rounds: rounds(low),
        high_ns: centre(high),
        high_rounds: rounds(high),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::Sample;

    /// A block of `n` batches of `ns` each, with a small alternating jitter (±0.5%).
    fn block(round: usize, start_s: f64, ns: f64, n: usize) -> RoundTimes {
        RoundTimes {
            round,
            start_s,
            samples: (0..n)
                .map(|i| Sample {
                    start_s: start_s + i as f64 * ns * 1e-9,
                    ns: ns * if i % 2 == 0 { 1.005 } else { 0.995 },
                })
                .collect(),
            quiet: None,
        }
    }

    fn time(blocks: Vec<RoundTimes>) -> TimeEstimate {
        time_from_rounds(blocks).unwrap()
    }

    /// The machine's speed over a run: 1.0, except 0.6 (40% slower) from 0 s to 60 s.
    fn slowdown(at_s: f64) -> f64 {
        if at_s < 60.0 { 1.0 / 0.6 } else { 1.0 }
    }

    #[test]
    fn paired_speedup_survives_a_slow_spell_that_an_unpaired_one_does_not() {
        // True batch times: sequential 100 ms, the case 50 ms (speedup 2).
        // Old schedule: sequential in one block at the start of the run (inside the spell),
        // the case minutes later (outside it).
        let seq_old = time(vec![block(0, 0.0, 100e6 * slowdown(0.0), 10)]);
        let case_old = time(vec![block(0, 300.0, 50e6 * slowdown(300.0), 10)]);
        let unpaired = case_old.median.point.recip() * seq_old.median.point;
        assert!(
            (unpaired - 2.0 / 0.6).abs() < 0.05,
            "unpaired moved: {unpaired}"
        );

        // Rounds: five rounds 70 s apart; in each, sequential and the case a few seconds
        // apart. The spell covers round 0 for both.
        let starts = [0.0, 70.0, 140.0, 210.0, 280.0];
        let seq = time(
            starts
                .iter()
                .enumerate()
                .map(|(r, &t)| block(r, t, 100e6 * slowdown(t), 3))
                .collect(),
        );
        let case = time(
            starts
                .iter()
                .enumerate()
                .map(|(r, &t)| block(r, t + 5.0, 50e6 * slowdown(t + 5.0), 3))
                .collect(),
        );
        let paired = paired_speedup(&seq, &case).unwrap();
        assert!((paired.point - 2.0).abs() < 0.02, "{paired:?}");
        assert!(paired.upper / paired.lower < 1.03, "tight: {paired:?}");
        // The times themselves carry the spell in their intervals.
        assert!(
            seq.median.upper / seq.median.lower > 1.3,
            "{:?}",
            seq.median
        );
    }

    #[test]
    fn paired_speedup_needs_two_common_rounds() {
        let seq = time(vec![block(0, 0.0, 100.0, 3), block(1, 1.0, 100.0, 3)]);
        let case = time(vec![block(1, 0.5, 50.0, 3), block(2, 1.5, 50.0, 3)]);
        assert_eq!(paired_speedup(&seq, &case), None);
        let case = time(vec![block(0, 0.5, 50.0, 3), block(1, 1.5, 40.0, 3)]);
        let s = paired_speedup(&seq, &case).unwrap();
        // Ratios 2.0 and 2.5: geometric mean sqrt(5).
        assert!((s.point - 5f64.sqrt()).abs() < 0.01, "{s:?}");
        assert!(s.lower < 2.0 && s.upper > 2.5, "{s:?}");
    }

    #[test]
    fn time_intervals_include_the_spread_between_rounds() {
        // Tight batches inside each round, rounds 10% apart.
        let spread = time(vec![
            block(0, 0.0, 100.0, 10),
            block(1, 1.0, 110.0, 10),
            block(2, 2.0, 90.0, 10),
        ]);
        let steady = time(vec![
            block(0, 0.0, 100.0, 10),
            block(1, 1.0, 100.0, 10),
            block(2, 2.0, 100.0, 10),
        ]);
        assert!(spread.median.lower < 90.0 && spread.median.upper > 110.0);
        assert!(spread.mean.lower < 90.0 && spread.mean.upper > 110.0);
        assert!(steady.median.upper / steady.median.lower < 1.02);
        assert_eq!(spread.samples, 30);
        assert!(spread.sample_ns.is_empty() && spread.rounds.len() == 3);
        assert_eq!(spread.all_samples_ns().len(), 30);
    }

    #[test]
    fn one_round_falls_back_to_its_batches() {
        let t = time(vec![block(0, 0.0, 100.0, 10)]);
        assert!((t.median.point - 100.0).abs() < 0.5);
        assert!(t.median.lower < t.median.point && t.median.upper > t.median.point);
        assert!(time_from_rounds(vec![]).is_none());
    }

    #[test]
    fn rounds_in_two_groups_are_bimodal_with_both_values() {
        // As bank/tokio/2 once did: 23.1 ms in two rounds, 12.8 ms in three.
        let t = time(vec![
            block(0, 0.0, 23.1e6, 8),
            block(1, 1.0, 12.8e6, 8),
            block(2, 2.0, 23.0e6, 8),
            block(3, 3.0, 12.7e6, 8),
            block(4, 4.0, 12.9e6, 8),
        ]);
        let b = bimodal(&t).unwrap();
        assert!((b.low_ns / 12.8e6 - 1.0).abs() < 0.01, "{b:?}");
        assert!((b.high_ns / 23.05e6 - 1.0).abs() < 0.01, "{b:?}");
        assert_eq!(b.low_rounds, vec![1, 3, 4]);
        assert_eq!(b.high_rounds, vec![0, 2]);
    }

    #[test]
    fn ordinary_spread_is_not_bimodal() {
        // Rounds 3% apart: within noise on this kind of machine.
        let t = time(vec![
            block(0, 0.0, 100.0, 8),
            block(1, 1.0, 103.0, 8),
            block(2, 2.0, 101.0, 8),
        ]);
        assert_eq!(bimodal(&t), None);
        // A 15% gap, but batches inside the rounds spread far wider than that.
        let mut noisy = vec![block(0, 0.0, 100.0, 8), block(1, 1.0, 115.0, 8)];
        for r in &mut noisy {
            for (i, s) in r.samples.iter_mut().enumerate() {
                s.ns *= if i % 2 == 0 { 1.2 } else { 0.8 };
            }
        }
        assert_eq!(bimodal(&time(noisy)), None);
    }

    #[test]
    fn t_quantiles_match_printed_tables() {
        assert!((t_quantile(1) - 12.706).abs() < 1e-3);
        assert!((t_quantile(4) - 2.776).abs() < 1e-3);
        assert!((t_quantile(30) - 2.042).abs() < 1e-3);
    }
}
