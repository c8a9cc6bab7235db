//! Amdahl's law, `S(n) = 1 / (s + (1 − s) / n)`: one parameter, the serial fraction
//! `0 ≤ s ≤ 1`, fitted by nonlinear least squares on the speedup residuals (the law is the
//! USL with κ = 0 and λ = 1). The linearised fit of [`linearised_serial_fraction`] gives only
//! the start value.
//!
//! [`AmdahlFit::fit`] filters its points by the shared rules of the parent module and hands
//! the curve and its gradient to the solver; a new field of the fit is filled there from the
//! solver's solution.

use serde::Serialize;

use super::solver::least_squares;
use super::{distinct, usable};

/// Amdahl's law fitted to a speedup curve by nonlinear least squares.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AmdahlFit {
    /// Fraction of the work that does not parallelise, in `0..=1` (dimensionless).
    pub serial_fraction: f64,
    /// 95% interval of the serial fraction, `(lower, upper)`: the linearised (Wald) interval cut
    /// to `0..=1`, where the fraction lives (with two worker counts its one degree of freedom
    /// makes the Wald interval span far past both ends). `None` when the standard error
    /// cannot be computed.
    pub serial_fraction_interval: Option<(f64, f64)>,
    /// Coefficient of determination of the fitted speedups, `1 − RSS / TSS` (1 when the curve
    /// passes through every point).
    pub r_squared: f64,
    /// Number of `(workers, speedup)` points fitted.
    pub points: usize,
}

impl AmdahlFit {
    /// Parameters of the law: the serial fraction.
    pub const PARAMETERS: usize = 1;

    /// Distinct worker counts a fit needs, one of them above 1: one more than its parameters,
    /// so that the serial fraction has an interval.
    pub const MIN_WORKER_COUNTS: usize = Self::PARAMETERS + 1;

    /// Nonlinear least-squares fit of `S(n) = n / (1 + s (n − 1))` to `(workers, speedup)`
    /// points, `0 ≤ s ≤ 1`. Points with a worker count below 1 or a non-finite or non-positive
    /// speedup are ignored. `None` with fewer than [`Self::MIN_WORKER_COUNTS`] distinct worker
    /// counts or none above 1.
    pub fn fit(points: &[(f64, f64)]) -> Option<AmdahlFit> {
        let (xs, ys) = usable(points);
        if distinct(&xs) < Self::MIN_WORKER_COUNTS || !xs.iter().any(|&n| n > 1.0) {
            return None;
        }
        let model = |p: &[f64; 1], n: f64| {
            let den = 1.0 + p[0] * (n - 1.0);
            (n / den, [-n * (n - 1.0) / (den * den)])
        };
        let start = [linearised_serial_fraction(&xs, &ys).clamp(0.0, 1.0)];
        let fit = least_squares(&xs, &ys, model, start, [0.0], [1.0])?;
        Some(AmdahlFit {
            serial_fraction: fit.params[0],
            serial_fraction_interval: fit.intervals.map(|i| (i[0].0.max(0.0), i[0].1.min(1.0))),
            r_squared: fit.r_squared,
            points: xs.len(),
        })
    }

    /// The law's speedup at `n` workers (dimensionless, over sequential).
    pub fn speedup(&self, n: f64) -> f64 {
        1.0 / (self.serial_fraction + (1.0 - self.serial_fraction) / n)
    }
}

/// Start value for Amdahl: `1/S − 1/n = s (1 − 1/n)` is a line through the origin in
/// `1 − 1/n`.
fn linearised_serial_fraction(xs: &[f64], ys: &[f64]) -> f64 {
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for (&n, &s) in xs.iter().zip(ys) {
        let x = 1.0 - 1.0 / n;
        sxy += x * (1.0 / s - 1.0 / n);
        sxx += x * x;
    }
    if sxx > 0.0 { sxy / sxx } else { 0.0 }
}

#[cfg(test)]
mod tests {
    use super::super::tests::noisy;
    use super::*;

    #[test]
    fn amdahl_is_exact_on_exact_data() {
        for s in [0.0, 0.01, 0.05, 0.25, 1.0] {
            let law = AmdahlFit {
                serial_fraction: s,
                serial_fraction_interval: None,
                r_squared: 1.0,
                points: 0,
            };
            let points: Vec<(f64, f64)> = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0]
                .iter()
                .map(|&n| (n, law.speedup(n)))
                .collect();
            let fit = AmdahlFit::fit(&points).unwrap();
            assert!((fit.serial_fraction - s).abs() < 1e-9, "{fit:?} vs {s}");
            assert_eq!(fit.points, 6);
        }
    }

    #[test]
    fn amdahl_recovers_a_serial_fraction_with_its_interval() {
        let workers = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0];
        for s in [0.05, 0.1, 0.3, 0.9] {
            let law = move |n: f64| 1.0 / (s + (1.0 - s) / n);
            let fit = AmdahlFit::fit(&noisy(&workers, law, 0.005)).unwrap();
            assert!((fit.serial_fraction - s).abs() <= 0.01, "{fit:?} vs {s}");
            let (lo, hi) = fit.serial_fraction_interval.unwrap();
            assert!(lo <= s && s <= hi, "{fit:?} vs {s}");
            assert!(fit.r_squared > 0.9, "{fit:?}");
        }
    }

    #[test]
    fn the_interval_stays_within_zero_and_one() {
        // Two worker counts, one degree of freedom: the Wald interval is far wider than 0..=1.
        let fit = AmdahlFit::fit(&[(1.0, 1.0), (2.0, 1.02), (2.0, 0.97)]).unwrap();
        let (lo, hi) = fit.serial_fraction_interval.unwrap();
        assert!(
            (0.0..=1.0).contains(&lo) && (0.0..=1.0).contains(&hi),
            "{fit:?}"
        );
        assert!(
            lo <= fit.serial_fraction && fit.serial_fraction <= hi,
            "{fit:?}"
        );
    }
}
