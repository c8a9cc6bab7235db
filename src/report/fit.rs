//! Scalability fits: Amdahl's serial fraction and the Universal Scalability Law.
//!
//! Amdahl: `S(n) = 1 / (s + (1 - s) / n)`, one parameter, the serial fraction `s`.
//! USL (Gunther): `S(n) = n / (1 + σ (n - 1) + κ n (n - 1))`: σ is contention (the
//! serial part), κ coherency (cross-talk that makes curves bend down past a peak).
//! Both fit by linear least squares after rearranging, so they are exact on exact data and
//! need no iteration. To add a law, add a struct with `fit` and `speedup`, and a field of
//! [`ModelFit`].

use serde::Serialize;

use crate::results::schema::Results;

/// Amdahl's law fitted to a speedup curve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AmdahlFit {
    /// Fraction of the work that does not parallelise, in `0..=1`.
    pub serial_fraction: f64,
}

impl AmdahlFit {
    /// Least-squares fit on `(workers, speedup)` points. Rearranged,
    /// `1/S - 1/n = s (1 - 1/n)`: a line through the origin in `x = 1 - 1/n`.
    /// Needs at least one point with more than one worker.
    pub fn fit(points: &[(f64, f64)]) -> Option<AmdahlFit> {
        let (mut sxy, mut sxx) = (0.0, 0.0);
        for &(n, speedup) in points.iter().filter(|(n, s)| *n > 1.0 && *s > 0.0) {
            let x = 1.0 - 1.0 / n;
            let y = 1.0 / speedup - 1.0 / n;
            sxy += x * y;
            sxx += x * x;
        }
        (sxx > 0.0).then(|| AmdahlFit {
            serial_fraction: (sxy / sxx).clamp(0.0, 1.0),
        })
    }

    /// The law's speedup at `n` workers.
    pub fn speedup(&self, n: f64) -> f64 {
        1.0 / (self.serial_fraction + (1.0 - self.serial_fraction) / n)
    }
}

/// The Universal Scalability Law fitted to a speedup curve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct UslFit {
    /// Contention (σ ≥ 0).
    pub sigma: f64,
    /// Coherency (κ ≥ 0).
    pub kappa: f64,
}

impl UslFit {
    /// Least-squares fit on `(workers, speedup)` points. Rearranged,
    /// `n/S - 1 = σ (n - 1) + κ n (n - 1)`: linear in σ and κ. Needs at least two distinct
    /// worker counts above one; a negative parameter (superlinear data) is clamped to zero
    /// and the other refitted alone.
    pub fn fit(points: &[(f64, f64)]) -> Option<UslFit> {
        let rows: Vec<(f64, f64, f64)> = points
            .iter()
            .filter(|(n, s)| *n > 1.0 && *s > 0.0)
            .map(|&(n, s)| (n - 1.0, n * (n - 1.0), n / s - 1.0))
            .collect();
        let mut distinct: Vec<f64> = rows.iter().map(|r| r.0).collect();
        distinct.sort_by(f64::total_cmp);
        distinct.dedup();
        if distinct.len() < 2 {
            return None;
        }
        let (mut a11, mut a12, mut a22, mut b1, mut b2) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for &(x1, x2, y) in &rows {
            a11 += x1 * x1;
            a12 += x1 * x2;
            a22 += x2 * x2;
            b1 += x1 * y;
            b2 += x2 * y;
        }
        let det = a11 * a22 - a12 * a12;
        let (mut sigma, mut kappa) = if det.abs() > f64::EPSILON * a11 * a22 {
            ((b1 * a22 - b2 * a12) / det, (a11 * b2 - a12 * b1) / det)
        } else {
            (b1 / a11, 0.0)
        };
        if kappa < 0.0 {
            kappa = 0.0;
            sigma = b1 / a11;
        }
        if sigma < 0.0 {
            sigma = 0.0;
            kappa = (b2 / a22).max(0.0);
        }
        Some(UslFit { sigma, kappa })
    }

    /// The law's speedup at `n` workers.
    pub fn speedup(&self, n: f64) -> f64 {
        n / (1.0 + self.sigma * (n - 1.0) + self.kappa * n * (n - 1.0))
    }

    /// Worker count where the curve peaks, `sqrt((1 - σ) / κ)`; `None` when κ is zero.
    pub fn peak_workers(&self) -> Option<f64> {
        (self.kappa > 0.0).then(|| ((1.0 - self.sigma).max(0.0) / self.kappa).sqrt())
    }
}

/// Both fits for one (workload, model) speedup curve.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelFit {
    /// Workload name.
    pub workload: String,
    /// Model name.
    pub model: String,
    /// Worker counts the fit saw.
    pub points: usize,
    /// Amdahl's serial fraction, when there is a point above one worker.
    pub amdahl: Option<AmdahlFit>,
    /// USL, when there are at least two worker counts above one.
    pub usl: Option<UslFit>,
}

/// Fits every (workload, model) of a results file that has a speedup curve. Sequential is
/// skipped (its speedup is 1 by definition).
pub fn fit_results(results: &Results) -> Vec<ModelFit> {
    let mut fits: Vec<ModelFit> = Vec::new();
    for case in results.cases.iter().filter(|c| c.model != "sequential") {
        if fits
            .iter()
            .any(|f| f.workload == case.workload && f.model == case.model)
        {
            continue;
        }
        let points: Vec<(f64, f64)> = results
            .cases
            .iter()
            .filter(|c| c.workload == case.workload && c.model == case.model)
            .filter_map(|c| Some((c.workers as f64, results.speedup(c)?.point)))
            .collect();
        if points.is_empty() {
            continue;
        }
        fits.push(ModelFit {
            workload: case.workload.clone(),
            model: case.model.clone(),
            points: points.len(),
            amdahl: AmdahlFit::fit(&points),
            usl: UslFit::fit(&points),
        });
    }
    fits
}

#[cfg(test)]
mod tests {
    use super::*;

    const WORKERS: [f64; 6] = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0];

    #[test]
    fn amdahl_recovers_a_known_serial_fraction_within_one_percent() {
        for s in [0.0, 0.05, 0.1, 0.3, 0.9] {
            let law = AmdahlFit { serial_fraction: s };
            // Slightly noisy points: ±0.5% alternating.
            let points: Vec<(f64, f64)> = WORKERS
                .iter()
                .enumerate()
                .map(|(i, &n)| (n, law.speedup(n) * if i % 2 == 0 { 1.005 } else { 0.995 }))
                .collect();
            let fit = AmdahlFit::fit(&points).unwrap();
            assert!(
                (fit.serial_fraction - s).abs() <= 0.01,
                "s = {s}: fitted {}",
                fit.serial_fraction
            );
        }
    }

    #[test]
    fn amdahl_is_exact_on_exact_data() {
        for s in [0.01, 0.05, 0.25] {
            let law = AmdahlFit { serial_fraction: s };
            let points: Vec<(f64, f64)> = WORKERS.iter().map(|&n| (n, law.speedup(n))).collect();
            let fit = AmdahlFit::fit(&points).unwrap();
            assert!(
                (fit.serial_fraction - s).abs() <= 0.01 * s,
                "{fit:?} vs {s}"
            );
        }
    }

    #[test]
    fn amdahl_needs_a_point_above_one_worker() {
        assert!(AmdahlFit::fit(&[(1.0, 1.0)]).is_none());
        assert!(AmdahlFit::fit(&[]).is_none());
    }

    #[test]
    fn usl_recovers_known_sigma_and_kappa_within_five_percent() {
        for (sigma, kappa) in [(0.05, 0.001), (0.2, 0.01), (0.02, 0.0005)] {
            let law = UslFit { sigma, kappa };
            let points: Vec<(f64, f64)> = WORKERS
                .iter()
                .enumerate()
                .map(|(i, &n)| (n, law.speedup(n) * if i % 2 == 0 { 1.002 } else { 0.998 }))
                .collect();
            let fit = UslFit::fit(&points).unwrap();
            assert!(
                (fit.sigma - sigma).abs() <= 0.05 * sigma,
                "{fit:?} vs σ={sigma}"
            );
            assert!(
                (fit.kappa - kappa).abs() <= 0.05 * kappa,
                "{fit:?} vs κ={kappa}"
            );
        }
    }

    #[test]
    fn usl_without_coherency_is_amdahl_like() {
        let law = UslFit {
            sigma: 0.1,
            kappa: 0.0,
        };
        let points: Vec<(f64, f64)> = WORKERS.iter().map(|&n| (n, law.speedup(n))).collect();
        let fit = UslFit::fit(&points).unwrap();
        assert!(
            (fit.sigma - 0.1).abs() < 1e-9 && fit.kappa.abs() < 1e-9,
            "{fit:?}"
        );
        assert_eq!(fit.peak_workers(), None);
    }

    #[test]
    fn superlinear_data_clamps_to_zero_parameters() {
        let points = [(2.0, 2.2), (4.0, 4.5), (8.0, 9.0)];
        let fit = UslFit::fit(&points).unwrap();
        assert!(fit.sigma >= 0.0 && fit.kappa >= 0.0, "{fit:?}");
        assert!(
            UslFit::fit(&[(2.0, 1.9)]).is_none(),
            "one point is not enough"
        );
    }

    #[test]
    fn peak_of_a_bending_curve() {
        let law = UslFit {
            sigma: 0.0,
            kappa: 0.01,
        };
        assert!((law.peak_workers().unwrap() - 10.0).abs() < 1e-9);
    }
}
