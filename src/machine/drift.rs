//! Drift: the machine's own speed over a run, seen through a fixed calibration kernel timed
//! at regular points (before every measured block).
//!
//! A shared virtual machine can run CPU-bound work at half speed for minutes with no other
//! process in sight (a noisy neighbour on the host, frequency changes). Timing the same small,
//! single-threaded, compute-only kernel through the run shows it: the kernel's time is the
//! machine's speed, and a run whose speed left a band around its usual speed is flagged,
//! with the slow spells named so the cases measured in them can be.
//!
//! - [`time_kernel`] times the kernel ([`KERNEL`]) and gives one [`CalibrationPoint`]'s
//!   `ns` when stamped with the time since the run started.
//! - [`analyse`] turns the series into a [`Drift`]: each point's speed relative to the run's
//!   median, smoothed by a rolling median of [`SMOOTHING_WINDOW`] points so that one
//!   interrupted timing is not a spell; the run is flagged when the smoothed speed left
//!   ±[`DEFAULT_BOUND`] (10%) of the run's median speed, and its slow spells (below the
//!   band) are listed.
//! - [`Drift::speed_at`] and [`Drift::slow_overlap`] answer for one measured block.
//!
//! The kernel measures the speed of one core running register-only integer work: clock
//! frequency changes, a host that shares the core, steal. It does not see memory bandwidth
//! or cache contention, which a workload may still suffer from.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use statrs::statistics::{Data, Median};

/// The calibration kernel, in words (recorded in [`Drift::kernel`]).
pub const KERNEL: &str = "170000 dependent rounds of a 64-bit add-xorshift-multiply mix (the splitmix64 step) on one register-resident value, single-threaded; the minimum of 3 timings";

/// Rounds of the mix in one timing of the kernel: a dependent chain of about 9 cycles a
/// round (two multiplies, three xor-shifts and an add; 0.40 ms for 120 000 rounds on a
/// 2.6 GHz AMD EPYC), so about 1.5 million cycles, 0.5 ms on a 3 GHz core.
const KERNEL_ROUNDS: u64 = 170_000;

/// Timings of the kernel per [`time_kernel`]; the minimum is kept.
const KERNEL_REPEATS: usize = 3;

/// The bound on the machine's speed, as a fraction: 0.10, ±10%. A run whose smoothed speed
/// left 0.90x–1.10x of its median speed is flagged, and points below 0.90x form slow
/// spells (so a flagged run that slowed down always names its slow spells). Ten percent is above the few percent that a steady
/// machine's timings wander, and below the speedup differences the report draws
/// conclusions from.
pub const DEFAULT_BOUND: f64 = 0.10;

/// Points in the rolling median that smooths the speed series: 5, the point and two on
/// each side (fewer at the ends of the series). One or two odd timings in a row are smoothed
/// away; a change lasting three points or more shows. Series shorter than this are not
/// smoothed.
pub const SMOOTHING_WINDOW: usize = 5;

/// One timing of the calibration kernel.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CalibrationPoint {
    /// When it was taken, in seconds since the run started.
    pub at_s: f64,
    /// The kernel's time, in nanoseconds.
    pub ns: f64,
}

/// A stretch of the run in which the machine ran slower than its usual speed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Spell {
    /// Start, in seconds since the run started.
    pub from_s: f64,
    /// End, in seconds since the run started.
    pub to_s: f64,
    /// The machine's speed in the spell relative to the run's median (0.7: 30% slower).
    pub speed: f64,
}

/// The calibration series of one run and what it says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Drift {
    /// What the kernel computes, in words.
    pub kernel: String,
    /// Every timing, in run order.
    pub points: Vec<CalibrationPoint>,
    /// The band around the run's median speed (0.10: 0.90x–1.10x) outside which the run is
    /// flagged.
    pub bound: f64,
    /// Slowest smoothed speed relative to the run's median (1.0 when steady).
    pub min_speed: f64,
    /// Fastest smoothed speed relative to the run's median.
    pub max_speed: f64,
    /// True when the speed moved beyond `bound`.
    pub flagged: bool,
    /// The slow spells, in run order; empty when the machine held its speed.
    pub slow_spells: Vec<Spell>,
}

/// One round of the kernel: the splitmix64 step (add the golden-ratio increment, then the
/// xorshift-multiply finaliser). Each round depends on the last, so the chain cannot be
/// vectorised, reordered or folded.
#[inline(always)]
fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Times the calibration kernel ([`KERNEL`]) on the calling thread: a fixed amount of
/// single-threaded, compute-only work (no memory traffic beyond registers), about 0.5 ms on
/// a 3 GHz core in an optimised build, run 3 times; returns the minimum wall time, since
/// interruptions only add to it. Nothing is calibrated at run time, so every call does the
/// same work and the times are comparable through a run (and across runs of one build).
pub fn time_kernel() -> Duration {
    (0..KERNEL_REPEATS)
        .map(|i| {
            let seed = std::hint::black_box(i as u64);
            let start = Instant::now();
            let mut x = seed;
            for _ in 0..KERNEL_ROUNDS {
                x = mix(x);
            }
            std::hint::black_box(x);
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

/// Reads a calibration series: each point's speed is the median kernel time over its own
/// (smoothed) time, so 1.0 is the run's usual speed and 0.7 is 30% slower.
///
/// Smoothing: the rolling median of [`SMOOTHING_WINDOW`] (5) consecutive kernel times,
/// centred on the point and cut short at the ends; series shorter than the window are not
/// smoothed. Points with a time that is not a positive number are left out of the analysis
/// (they stay in `points`).
///
/// The result: `min_speed` and `max_speed` are the extremes of the smoothed speed; the run
/// is `flagged` when one of them lies outside `1 ± bound`; `slow_spells` are the maximal runs
/// of consecutive points whose smoothed speed is below `1 - bound`, each from its first
/// point's `at_s` to its last's, with the mean smoothed speed of its points. With 0 or 1
/// usable points the run is steady (speeds 1.0) and not flagged.
pub fn analyse(points: Vec<CalibrationPoint>, bound: f64) -> Drift {
    let speeds = smoothed_speeds(&points);
    let (mut min_speed, mut max_speed) = (1.0, 1.0);
    let mut slow_spells = Vec::new();
    if speeds.len() >= 2 {
        min_speed = speeds.iter().map(|&(_, v)| v).fold(f64::INFINITY, f64::min);
        max_speed = speeds.iter().map(|&(_, v)| v).fold(0.0, f64::max);
        let mut spell: Vec<(f64, f64)> = Vec::new();
        for &(at_s, speed) in speeds.iter().chain(std::iter::once(&(f64::NAN, 1.0))) {
            if speed < 1.0 - bound {
                spell.push((at_s, speed));
            } else if !spell.is_empty() {
                slow_spells.push(Spell {
                    from_s: spell[0].0,
                    to_s: spell[spell.len() - 1].0,
                    speed: spell.iter().map(|&(_, v)| v).sum::<f64>() / spell.len() as f64,
                });
                spell.clear();
            }
        }
    }
    Drift {
        kernel: KERNEL.to_string(),
        points,
        bound,
        min_speed,
        max_speed,
        flagged: min_speed < 1.0 - bound || max_speed > 1.0 + bound,
        slow_spells,
    }
}

/// The machine's speed at one calibration point, relative to the run's median.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpeedPoint {
    /// When, in seconds since the run started.
    pub at_s: f64,
    /// This timing alone: the run's median kernel time over this one.
    pub raw: f64,
    /// The rolling median over [`SMOOTHING_WINDOW`] timings, as the verdict uses it.
    pub smoothed: f64,
}

/// The speed at every usable point (positive, finite), in order; empty with fewer than 2.
/// Series shorter than [`SMOOTHING_WINDOW`] are not smoothed.
pub fn speed_series(points: &[CalibrationPoint]) -> Vec<SpeedPoint> {
    let usable: Vec<CalibrationPoint> = points
        .iter()
        .copied()
        .filter(|p| p.ns.is_finite() && p.ns > 0.0 && p.at_s.is_finite())
        .collect();
    if usable.len() < 2 {
        return Vec::new();
    }
    let ns: Vec<f64> = usable.iter().map(|p| p.ns).collect();
    let median_ns = median(&ns);
    let half = if ns.len() < SMOOTHING_WINDOW {
        0
    } else {
        SMOOTHING_WINDOW / 2
    };
    (0..ns.len())
        .map(|i| {
            let window = &ns[i.saturating_sub(half)..(i + half + 1).min(ns.len())];
            SpeedPoint {
                at_s: usable[i].at_s,
                raw: median_ns / ns[i],
                smoothed: median_ns / median(window),
            }
        })
        .collect()
}

/// `(at_s, smoothed speed)` of every usable point, in order; empty with fewer than 2.
fn smoothed_speeds(points: &[CalibrationPoint]) -> Vec<(f64, f64)> {
    speed_series(points)
        .into_iter()
        .map(|p| (p.at_s, p.smoothed))
        .collect()
}

/// The median of a non-empty slice (the mean of the middle two for an even length).
fn median(values: &[f64]) -> f64 {
    Data::new(values.to_vec()).median()
}

impl Drift {
    /// The verdict in words, e.g. `the machine held its speed within ±10% (0.97x–1.03x of its
    /// median)` or `the machine's speed left ±10% of its median (0.81x–1.01x of its median);
    /// slow spell at 120–190 s (0.81x)`.
    pub fn verdict(&self) -> String {
        let (lo, hi) = (self.min_speed, self.max_speed);
        let range = format!("{lo:.2}x–{hi:.2}x of its median");
        if !self.flagged {
            return format!(
                "the machine held its speed within ±{:.0}% ({range})",
                self.bound * 100.0
            );
        }
        let mut text = format!(
            "the machine's speed left ±{:.0}% of its median ({range})",
            self.bound * 100.0
        );
        if !self.slow_spells.is_empty() {
            let spells: Vec<String> = self
                .slow_spells
                .iter()
                .map(|s| {
                    if s.to_s - s.from_s < 0.5 {
                        format!("{:.0} s ({:.2}x)", s.from_s, s.speed)
                    } else {
                        format!("{:.0}–{:.0} s ({:.2}x)", s.from_s, s.to_s, s.speed)
                    }
                })
                .collect();
            text.push_str(&format!(
                "; slow spell{} at {}",
                if spells.len() == 1 { "" } else { "s" },
                spells.join(", ")
            ));
        }
        text
    }

    /// The smoothed speed (relative to the run's median, see [`analyse`]) at the calibration
    /// point nearest to `at_s` (seconds since the run started; the earlier point on a tie);
    /// `None` with fewer than 2 usable points.
    pub fn speed_at(&self, at_s: f64) -> Option<f64> {
        self.smoothed()
            .into_iter()
            .min_by(|a, b| (a.0 - at_s).abs().total_cmp(&(b.0 - at_s).abs()))
            .map(|(_, speed)| speed)
    }

    /// The slow spell that the interval `from_s..=to_s` (seconds since the run started) was
    /// measured in, if any: the first spell whose `from_s..=to_s` it overlaps, or in whose
    /// last point's wake it started. A calibration point stands for the machine until the
    /// next point, so a block that starts just after a spell's last point, before the next
    /// one, is in the spell too.
    pub fn slow_overlap(&self, from_s: f64, to_s: f64) -> Option<&Spell> {
        if self.slow_spells.is_empty() {
            return None;
        }
        // The latest usable point at or before the interval's start (no smoothing needed:
        // only the points' times matter here, and this runs once per measured block).
        let governing = self
            .points
            .iter()
            .filter(|p| p.ns.is_finite() && p.ns > 0.0 && p.at_s.is_finite())
            .map(|p| p.at_s)
            .filter(|&t| t <= from_s)
            .reduce(f64::max);
        self.slow_spells.iter().find(|spell| {
            let overlaps = from_s <= spell.to_s && to_s >= spell.from_s;
            let in_wake = governing.is_some_and(|t| spell.from_s <= t && t <= spell.to_s);
            overlaps || in_wake
        })
    }

    /// `(at_s, smoothed speed)` of the usable points, as [`analyse`] computed them.
    fn smoothed(&self) -> Vec<(f64, f64)> {
        smoothed_speeds(&self.points)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A point every second, with a deterministic ±2% wobble around 1 ms.
    fn series(n: usize, speed: impl Fn(usize) -> f64) -> Vec<CalibrationPoint> {
        let mut rng = fastrand::Rng::with_seed(7);
        (0..n)
            .map(|i| CalibrationPoint {
                at_s: i as f64,
                ns: 1e6 * (1.0 + (rng.f64() * 2.0 - 1.0) * 0.02) / speed(i),
            })
            .collect()
    }

    #[test]
    fn steady_noisy_series_is_not_flagged() {
        let drift = analyse(series(100, |_| 1.0), DEFAULT_BOUND);
        assert!(!drift.flagged, "{drift:?}");
        assert!(drift.slow_spells.is_empty());
        assert!(drift.min_speed > 0.97 && drift.max_speed < 1.03);
        assert_eq!(drift.kernel, KERNEL);
        assert_eq!(drift.points.len(), 100);
    }

    #[test]
    fn slow_spell_is_found() {
        let slow = |i: usize| if (40..60).contains(&i) { 0.7 } else { 1.0 };
        let drift = analyse(series(100, slow), DEFAULT_BOUND);
        assert!(drift.flagged);
        assert_eq!(drift.slow_spells.len(), 1, "{:?}", drift.slow_spells);
        let spell = drift.slow_spells[0];
        assert!((spell.from_s - 40.0).abs() <= 1.0, "{spell:?}");
        assert!((spell.to_s - 59.0).abs() <= 1.0, "{spell:?}");
        assert!((spell.speed - 0.7).abs() < 0.03, "{spell:?}");
        assert!((drift.min_speed - 0.7).abs() < 0.03);

        assert!((drift.speed_at(50.2).unwrap() - 0.7).abs() < 0.03);
        assert!((drift.speed_at(10.0).unwrap() - 1.0).abs() < 0.03);
        assert_eq!(drift.slow_overlap(45.5, 46.5), Some(&spell));
        assert_eq!(drift.slow_overlap(30.0, 41.0), Some(&spell));
        // Starts just after the spell's last point, before the next: still in it.
        assert_eq!(
            drift.slow_overlap(spell.to_s + 0.1, spell.to_s + 0.9),
            Some(&spell)
        );
        assert_eq!(drift.slow_overlap(10.1, 12.0), None);
        assert_eq!(drift.slow_overlap(spell.to_s + 1.1, 80.0), None);
    }

    #[test]
    fn one_outlier_is_smoothed_away() {
        let drift = analyse(
            series(50, |i| if i == 20 { 0.4 } else { 1.0 }),
            DEFAULT_BOUND,
        );
        assert!(!drift.flagged, "{drift:?}");
        assert!(drift.slow_spells.is_empty());
        assert!(drift.speed_at(20.0).unwrap() > 0.95);
    }

    #[test]
    fn short_and_empty_series() {
        let empty = analyse(Vec::new(), DEFAULT_BOUND);
        assert!(!empty.flagged && empty.slow_spells.is_empty());
        assert_eq!((empty.min_speed, empty.max_speed), (1.0, 1.0));
        assert_eq!(empty.speed_at(1.0), None);
        assert_eq!(empty.slow_overlap(0.0, 1.0), None);

        let one = analyse(series(1, |_| 0.5), DEFAULT_BOUND);
        assert!(!one.flagged && one.slow_spells.is_empty());
        assert_eq!(one.speed_at(0.0), None);

        // Fewer points than the window: not smoothed, so a slow point shows.
        let three = analyse(
            vec![
                CalibrationPoint {
                    at_s: 0.0,
                    ns: 1000.0,
                },
                CalibrationPoint {
                    at_s: 1.0,
                    ns: 1000.0,
                },
                CalibrationPoint {
                    at_s: 2.0,
                    ns: 2000.0,
                },
            ],
            DEFAULT_BOUND,
        );
        assert!(three.flagged);
        assert_eq!(
            three.slow_spells,
            [Spell {
                from_s: 2.0,
                to_s: 2.0,
                speed: 0.5
            }]
        );
        assert_eq!(three.max_speed, 1.0);

        // Unusable timings are left out, not taken for speeds.
        let odd = analyse(
            vec![
                CalibrationPoint {
                    at_s: 0.0,
                    ns: 1000.0,
                },
                CalibrationPoint { at_s: 1.0, ns: 0.0 },
                CalibrationPoint {
                    at_s: 2.0,
                    ns: f64::NAN,
                },
            ],
            DEFAULT_BOUND,
        );
        assert!(!odd.flagged);
        assert_eq!(odd.points.len(), 3);
    }

    #[test]
    fn a_step_inside_the_band_is_not_flagged_and_one_past_it_is() {
        // Half the run at 0.93x, half at 1.03x of the median: inside ±10%.
        let step = |slow: f64| -> Vec<CalibrationPoint> {
            (0..40)
                .map(|i| CalibrationPoint {
                    at_s: f64::from(i),
                    ns: if i < 20 { 1000.0 / slow } else { 1000.0 },
                })
                .collect()
        };
        let inside = analyse(step(0.93), DEFAULT_BOUND);
        assert!(
            !inside.flagged && inside.slow_spells.is_empty(),
            "{inside:?}"
        );
        assert!(
            inside
                .verdict()
                .starts_with("the machine held its speed within ±10%")
        );
        // A third of the run at 0.8x: flagged, and the spell is named.
        let mut past = step(1.0);
        for p in &mut past[..14] {
            p.ns = 1250.0;
        }
        let past = analyse(past, DEFAULT_BOUND);
        assert!(past.flagged && past.slow_spells.len() == 1, "{past:?}");
        let verdict = past.verdict();
        assert!(
            verdict.contains("left ±10%") && verdict.contains("slow spell at 0–"),
            "{verdict}"
        );
    }

    #[test]
    fn kernel_takes_some_time() {
        let t = time_kernel();
        assert!(t > Duration::ZERO);
        println!("calibration kernel: {t:?}");
    }
}
