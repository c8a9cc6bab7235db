//! The Universal Scalability Law (Neil J. Gunther, *Guerrilla Capacity Planning*, 2007):
//! `X(n) = λ n / (1 + σ (n − 1) + κ n (n − 1))`, with σ the contention (the serialised part),
//! κ the coherency cost (cross-talk that bends a curve down past a peak) and λ the throughput
//! of one worker.
//!
//! The fitting method follows the R package `usl` by Stefan Möding (version 2.0 and later):
//! nonlinear least squares on the throughput residuals `X(n) − S(n)` with all three
//! parameters free, bounded to `0 ≤ σ ≤ 1`, `0 ≤ κ ≤ 1`, `λ > 0`. Leaving λ free means one
//! noisy point does not set every parameter: an error in the sequential time scales every
//! speedup alike and moves only λ, and a noisy 1-worker point is one residual among the
//! others rather than the anchor of the curve. `λ ≈ 1` says the 1-worker case runs as fast
//! as sequential. The older linearised fit (`n/S − 1` against `n − 1` and `n (n − 1)`,
//! [`linearised_usl`]) is used only for start values.
//!
//! A claim read off the fit (a peak, whether to draw the curve) is a method of [`UslFit`]
//! that says when the data support it; another start value is one more entry in the starts
//! of [`UslFit::fit`], which keeps the solution with the smallest residual sum of squares.

use serde::Serialize;

use super::solver::least_squares;
use super::{MIN_R_SQUARED_FOR_LINE, distinct, usable};

/// The Universal Scalability Law fitted to a speedup curve by nonlinear least squares with
/// the 1-worker throughput λ free (the method of the R package `usl`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct UslFit {
    /// Contention σ, in `0..=1` (dimensionless): the share of the work that serialises.
    pub sigma: f64,
    /// Coherency κ, in `0..=1` (dimensionless, per pair of workers): the cost of keeping
    /// workers consistent with each other, which bends the curve down past a peak.
    pub kappa: f64,
    /// Fitted throughput of one worker λ > 0, in the units of the data: speedup over
    /// sequential, so `λ ≈ 1` means a 1-worker case as fast as sequential.
    pub lambda: f64,
    /// Coefficient of determination of the fitted speedups, `1 − RSS / TSS` (1 when the curve
    /// passes through every point).
    pub r_squared: f64,
    /// 95% interval of σ, `(lower, upper)`; linearised, so it may reach below 0. `None` when
    /// the standard errors cannot be computed (a singular Jacobian).
    pub sigma_interval: Option<(f64, f64)>,
    /// 95% interval of κ, `(lower, upper)`; a lower end at or below 0 means the data do not
    /// show coherency cost, and no peak is claimed. `None` as for σ.
    pub kappa_interval: Option<(f64, f64)>,
    /// 95% interval of λ, `(lower, upper)`. `None` as for σ.
    pub lambda_interval: Option<(f64, f64)>,
    /// Number of `(workers, speedup)` points fitted.
    pub points: usize,
    /// Smallest and largest worker count fitted: the range over which the curve describes
    /// data.
    pub workers: (f64, f64),
}

impl UslFit {
    /// Parameters of the law: σ, κ and λ.
    pub const PARAMETERS: usize = 3;

    /// Distinct worker counts a fit needs: one more than its parameters, so that the
    /// parameters have intervals.
    pub const MIN_WORKER_COUNTS: usize = Self::PARAMETERS + 1;

    /// Nonlinear least-squares fit of `X(n) = λ n / (1 + σ (n − 1) + κ n (n − 1))` to
    /// `(workers, speedup)` points, bounded to `0 ≤ σ ≤ 1`, `0 ≤ κ ≤ 1`, `λ > 0` as in the R
    /// package `usl`. Points with a worker count below 1 or a non-finite or non-positive
    /// speedup are ignored. `None` with fewer than [`Self::MIN_WORKER_COUNTS`] distinct worker
    /// counts.
    pub fn fit(points: &[(f64, f64)]) -> Option<UslFit> {
        let (xs, ys) = usable(points);
        if distinct(&xs) < Self::MIN_WORKER_COUNTS {
            return None;
        }
        // Parameters in the order [σ, κ, λ].
        let model = |p: &[f64; 3], n: f64| {
            let den = 1.0 + p[0] * (n - 1.0) + p[1] * n * (n - 1.0);
            let x = p[2] * n / den;
            (x, [-x * (n - 1.0) / den, -x * n * (n - 1.0) / den, n / den])
        };
        let (lower, upper) = ([0.0, 0.0, f64::MIN_POSITIVE], [1.0, 1.0, f64::INFINITY]);
        // Two starts, the better kept: the linearised fit, and the R package's own
        // (λ = max S(n)/n, σ = 0.01, κ = 0.0001).
        let ratio = xs
            .iter()
            .zip(&ys)
            .map(|(n, s)| s / n)
            .fold(f64::NEG_INFINITY, f64::max);
        let starts = [linearised_usl(&xs, &ys), [0.01, 0.0001, ratio]];
        let fit = starts
            .into_iter()
            .filter_map(|start| least_squares(&xs, &ys, model, start, lower, upper))
            .min_by(|a, b| a.rss.total_cmp(&b.rss))?;
        let [sigma, kappa, lambda] = fit.params;
        let lo = xs.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        Some(UslFit {
            sigma,
            kappa,
            lambda,
            r_squared: fit.r_squared,
            sigma_interval: fit.intervals.map(|i| i[0]),
            kappa_interval: fit.intervals.map(|i| i[1]),
            lambda_interval: fit.intervals.map(|i| i[2]),
            points: xs.len(),
            workers: (lo, hi),
        })
    }

    /// The fitted curve at `n` workers, `λ n / (1 + σ (n − 1) + κ n (n − 1))`, on the speedup
    /// axis (over sequential), since the data fitted were speedups.
    pub fn speedup(&self, n: f64) -> f64 {
        self.lambda * n / (1.0 + self.sigma * (n - 1.0) + self.kappa * n * (n - 1.0))
    }

    /// Worker count where the curve peaks, `sqrt((1 − σ) / κ)` (Gunther), only when κ's whole
    /// 95% interval lies above zero; `None` when the interval includes 0, is unknown, or σ is 1.
    pub fn peak_workers(&self) -> Option<f64> {
        let (kappa_low, _) = self.kappa_interval?;
        (kappa_low > 0.0 && self.kappa > 0.0 && self.sigma < 1.0)
            .then(|| ((1.0 - self.sigma) / self.kappa).sqrt())
    }

    /// Whether the fit describes its points well enough to be drawn:
    /// `R² ≥` [`MIN_R_SQUARED_FOR_LINE`].
    pub fn draws_line(&self) -> bool {
        self.r_squared >= MIN_R_SQUARED_FOR_LINE
    }
}

/// Start values `[σ, κ, λ]` for the USL: λ from the 1-worker points (or the best `S/n` when
/// there are none), then `n λ / S − 1 = σ (n − 1) + κ n (n − 1)` by linear least squares,
/// clamped to the bounds.
fn linearised_usl(xs: &[f64], ys: &[f64]) -> [f64; 3] {
    let ones: Vec<f64> = xs
        .iter()
        .zip(ys)
        .filter(|(n, _)| **n == 1.0)
        .map(|(_, s)| *s)
        .collect();
    let lambda = if ones.is_empty() {
        xs.iter()
            .zip(ys)
            .map(|(n, s)| s / n)
            .fold(f64::NEG_INFINITY, f64::max)
    } else {
        ones.iter().sum::<f64>() / ones.len() as f64
    };
    let (mut a11, mut a12, mut a22, mut b1, mut b2) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for (&n, &s) in xs.iter().zip(ys).filter(|(n, _)| **n > 1.0) {
        let (x1, x2, y) = (n - 1.0, n * (n - 1.0), n * lambda / s - 1.0);
        a11 += x1 * x1;
        a12 += x1 * x2;
        a22 += x2 * x2;
        b1 += x1 * y;
        b2 += x2 * y;
    }
    let det = a11 * a22 - a12 * a12;
    let (sigma, kappa) = if det > f64::EPSILON * a11 * a22 {
        ((b1 * a22 - b2 * a12) / det, (a11 * b2 - a12 * b1) / det)
    } else if a11 > 0.0 {
        (b1 / a11, 0.0)
    } else {
        (0.0, 0.0)
    };
    let (sigma, kappa) = match (sigma < 0.0, kappa < 0.0) {
        (false, false) => (sigma, kappa),
        (_, true) if a11 > 0.0 => (b1 / a11, 0.0),
        _ if a22 > 0.0 => (0.0, b2 / a22),
        _ => (0.0, 0.0),
    };
    [sigma.clamp(0.0, 1.0), kappa.clamp(0.0, 1.0), lambda]
}

#[cfg(test)]
mod tests {
    use statrs::distribution::{ContinuousCDF, StudentsT};

    use super::super::AmdahlFit;
    use super::super::tests::noisy;
    use super::*;

    /// SPEC SDM91 (the R package `usl`'s `specsdm91` data): load vs throughput.
    const SPECSDM91: [(f64, f64); 7] = [
        (1.0, 64.9),
        (18.0, 995.9),
        (36.0, 1652.4),
        (72.0, 1853.2),
        (108.0, 1828.9),
        (144.0, 1775.0),
        (216.0, 1702.2),
    ];

    fn close(actual: f64, expected: f64, rel: f64) -> bool {
        (actual - expected).abs() <= rel * expected.abs()
    }

    fn usl(sigma: f64, kappa: f64, lambda: f64) -> impl Fn(f64) -> f64 {
        move |n| lambda * n / (1.0 + sigma * (n - 1.0) + kappa * n * (n - 1.0))
    }

    #[test]
    fn usl_matches_the_r_package_on_spec_sdm91() {
        let fit = UslFit::fit(&SPECSDM91).unwrap();
        assert!(close(fit.sigma, 0.0277285, 1e-4), "{fit:?}");
        assert!(close(fit.lambda, 89.99523, 1e-4), "{fit:?}");
        // R prints κ to 4 significant digits, 0.0001044 (a rounding step of 5e-4
        // relative); its peak, 96.52 workers, pins the unrounded value closer.
        assert!((fit.kappa - 0.0001044).abs() <= 0.5e-7, "{fit:?}");
        assert!(close(fit.kappa, 0.00010437, 1e-4), "{fit:?}");
        // R's standard errors (its summary): 0.0091217, 1.988e-05 and 14.2134894, as
        // half-widths of the 95% intervals on 4 degrees of freedom.
        let t = StudentsT::new(0.0, 1.0, 4.0).unwrap().inverse_cdf(0.975);
        let se = |i: Option<(f64, f64)>| i.map(|(lo, hi)| (hi - lo) / 2.0 / t).unwrap();
        assert!(close(se(fit.sigma_interval), 0.0091217, 1e-4), "{fit:?}");
        assert!(close(se(fit.kappa_interval), 1.988e-5, 1e-3), "{fit:?}");
        assert!(close(se(fit.lambda_interval), 14.2134894, 1e-4), "{fit:?}");
        assert_eq!(fit.points, 7);
        assert_eq!(fit.workers, (1.0, 216.0));
        assert!(fit.r_squared > 0.98 && fit.draws_line(), "{fit:?}");
        // Every interval brackets its estimate; κ's lies above 0, so the peak is claimed:
        // sqrt((1 − σ) / κ), 96.52 in R's summary.
        for (estimate, interval) in [
            (fit.sigma, fit.sigma_interval),
            (fit.kappa, fit.kappa_interval),
            (fit.lambda, fit.lambda_interval),
        ] {
            let (lo, hi) = interval.unwrap();
            assert!(lo < estimate && estimate < hi, "{fit:?}");
        }
        assert!(fit.kappa_interval.unwrap().0 > 0.0, "{fit:?}");
        let peak = fit.peak_workers().unwrap();
        assert!(close(peak, ((1.0 - fit.sigma) / fit.kappa).sqrt(), 1e-12));
        assert!((peak - 96.52).abs() < 0.005, "{peak}");
        // The curve is the throughput form.
        assert!(close(
            fit.speedup(72.0),
            usl(fit.sigma, fit.kappa, fit.lambda)(72.0),
            1e-12
        ));
    }

    #[test]
    fn usl_is_exact_on_an_exact_curve() {
        let exact = usl(0.02, 0.02, 1.0);
        let points: Vec<(f64, f64)> = [1.0, 2.0, 4.0, 6.0, 8.0, 10.0]
            .iter()
            .map(|&n| (n, exact(n)))
            .collect();
        let fit = UslFit::fit(&points).unwrap();
        assert!((fit.sigma - 0.02).abs() < 1e-8, "{fit:?}");
        assert!((fit.kappa - 0.02).abs() < 1e-8, "{fit:?}");
        assert!((fit.lambda - 1.0).abs() < 1e-8, "{fit:?}");
        assert!(fit.r_squared > 1.0 - 1e-12, "{fit:?}");
        let (lo, hi) = fit.kappa_interval.unwrap();
        assert!(hi - lo < 1e-6, "{fit:?}");
        assert!((fit.peak_workers().unwrap() - (0.98f64 / 0.02).sqrt()).abs() < 1e-6);
    }

    #[test]
    fn the_r_package_test_data_give_its_coefficients() {
        // The rounded throughputs of the package's own coefficient test.
        let points = [
            (1.0, 1.0),
            (2.0, 1.8868),
            (4.0, 3.0769),
            (6.0, 3.5294),
            (8.0, 3.5398),
            (10.0, 3.3557),
        ];
        let fit = UslFit::fit(&points).unwrap();
        assert!(close(fit.sigma, 0.02, 1e-3), "{fit:?}");
        assert!(close(fit.kappa, 0.02, 1e-3), "{fit:?}");
        assert!(close(fit.lambda, 1.0, 1e-3), "{fit:?}");
    }

    #[test]
    fn usl_recovers_known_parameters_from_noisy_curves() {
        let workers = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0];
        for (sigma, kappa) in [(0.05, 0.001), (0.2, 0.01), (0.02, 0.0005)] {
            let fit = UslFit::fit(&noisy(&workers, usl(sigma, kappa, 1.0), 0.002)).unwrap();
            assert!(close(fit.sigma, sigma, 0.1), "{fit:?} vs σ={sigma}");
            assert!(close(fit.kappa, kappa, 0.1), "{fit:?} vs κ={kappa}");
            assert!(close(fit.lambda, 1.0, 0.01), "{fit:?}");
            let (lo, hi) = fit.kappa_interval.unwrap();
            assert!(lo <= kappa && kappa <= hi, "{fit:?} vs κ={kappa}");
        }
    }

    #[test]
    fn an_error_in_the_sequential_time_moves_only_lambda() {
        // Every speedup divides the same sequential time: measured 15% short, it scales the
        // whole curve by 0.85. λ takes it all; σ and κ stay those of the curve's shape.
        let law = usl(0.05, 0.001, 0.85);
        let points: Vec<(f64, f64)> = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0]
            .iter()
            .map(|&n| (n, law(n)))
            .collect();
        let fit = UslFit::fit(&points).unwrap();
        assert!((fit.sigma - 0.05).abs() < 1e-8, "{fit:?}");
        assert!((fit.kappa - 0.001).abs() < 1e-8, "{fit:?}");
        assert!((fit.lambda - 0.85).abs() < 1e-8, "{fit:?}");
        // Amdahl, anchored at S(1) = 1, has no λ: the same error shows as serial work.
        let amdahl = AmdahlFit::fit(&points).unwrap();
        assert!(amdahl.serial_fraction > 0.06, "{amdahl:?}");
    }

    #[test]
    fn a_noisy_one_worker_point_is_one_residual_among_the_others() {
        // The curve σ = 0.05, κ = 0.001 measured exactly, except the 1-worker point, which
        // came out 15% slow: the other points hold σ, κ and λ near the truth.
        let law = usl(0.05, 0.001, 1.0);
        let mut points: Vec<(f64, f64)> = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0]
            .iter()
            .map(|&n| (n, law(n)))
            .collect();
        points[0].1 = 0.85;
        let fit = UslFit::fit(&points).unwrap();
        assert!((fit.sigma - 0.05).abs() < 0.005, "{fit:?}");
        assert!((fit.kappa - 0.001).abs() < 0.0001, "{fit:?}");
        assert!((fit.lambda - 1.0).abs() < 0.02, "{fit:?}");
    }

    #[test]
    fn no_peak_when_kappas_interval_includes_zero() {
        // Amdahl-like data (κ = 0) with 1% noise: κ comes out small and not significant.
        let workers = [1.0, 2.0, 4.0, 8.0, 16.0];
        let fit = UslFit::fit(&noisy(&workers, usl(0.1, 0.0, 1.0), 0.01)).unwrap();
        let (lo, _) = fit.kappa_interval.unwrap();
        assert!(lo <= 0.0, "{fit:?}");
        assert_eq!(fit.peak_workers(), None, "{fit:?}");
        // The same law with a positive κ and no interval claims nothing either.
        let unknown = UslFit {
            kappa: 0.01,
            kappa_interval: None,
            ..fit
        };
        assert_eq!(unknown.peak_workers(), None);
        let supported = UslFit {
            sigma: 0.0,
            kappa: 0.01,
            kappa_interval: Some((0.005, 0.015)),
            ..fit
        };
        assert!((supported.peak_workers().unwrap() - 10.0).abs() < 1e-9);
    }

    #[test]
    fn the_r_squared_bound_decides_whether_a_line_is_drawn() {
        let workers = [1.0, 2.0, 4.0, 8.0];
        let good = UslFit::fit(&noisy(&workers, usl(0.05, 0.001, 1.0), 0.01)).unwrap();
        assert!(
            good.r_squared >= MIN_R_SQUARED_FOR_LINE && good.draws_line(),
            "{good:?}"
        );
        // A flat curve with scatter (one thread doing all the work): nothing to explain.
        let flat = [(1.0, 0.97), (2.0, 1.01), (4.0, 0.95), (8.0, 1.0)];
        let poor = UslFit::fit(&flat).unwrap();
        assert!(poor.r_squared < MIN_R_SQUARED_FOR_LINE, "{poor:?}");
        assert!(!poor.draws_line());
        let at = |r_squared| UslFit { r_squared, ..good };
        assert!(at(MIN_R_SQUARED_FOR_LINE).draws_line());
        assert!(!at(MIN_R_SQUARED_FOR_LINE - 1e-9).draws_line());
    }

    #[test]
    fn parameters_stay_in_their_bounds() {
        // Superlinear data would want σ < 0.
        let fit = UslFit::fit(&[(1.0, 1.0), (2.0, 2.2), (4.0, 4.5), (8.0, 9.0)]).unwrap();
        assert!(
            fit.sigma >= 0.0 && fit.kappa >= 0.0 && fit.lambda > 0.0,
            "{fit:?}"
        );
        // A falling curve would want σ > 1; R's bound holds it at 1, κ takes the fall.
        let fit = UslFit::fit(&[(1.0, 1.0), (2.0, 0.6), (4.0, 0.35), (8.0, 0.2)]).unwrap();
        assert!(fit.sigma <= 1.0 && fit.kappa >= 0.0, "{fit:?}");
        assert_eq!(fit.peak_workers(), None, "{fit:?}");
    }
}
