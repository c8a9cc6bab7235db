//! Scalability fits: Amdahl's serial fraction and the Universal Scalability Law (USL), fitted
//! the way capacity planners fit them.
//!
//! **Data.** One point per worker count `n`: the median speedup `S(n) = T_seq / T(n)` of a
//! (workload, model) over the same run's sequential time. Read as a throughput, `S` is
//! "sequential batches per sequential-batch time", so the throughput form of the laws applies
//! to it unchanged.
//!
//! **USL** (Neil J. Gunther, *Guerrilla Capacity Planning*, 2007):
//! `X(n) = λ n / (1 + σ (n − 1) + κ n (n − 1))`, with σ the contention (the serialised part),
//! κ the coherency cost (cross-talk that bends a curve down past a peak) and λ the throughput
//! of one worker. The fitting method follows the R package `usl` by Stefan Möding (version 2.0
//! and later): nonlinear least squares on the throughput residuals `X(n) − S(n)` with all three
//! parameters free, bounded to `0 ≤ σ ≤ 1`, `0 ≤ κ ≤ 1`, `λ > 0`. Leaving λ free means one
//! noisy point does not set every parameter: an error in the sequential time scales every
//! speedup alike and moves only λ, and a noisy 1-worker point is one residual among the
//! others rather than the anchor of the curve. `λ ≈ 1` says the 1-worker case runs as fast
//! as sequential. The older linearised fit (`n/S − 1` against `n − 1` and `n (n − 1)`) is
//! used only for start values.
//!
//! **Amdahl**: `S(n) = 1 / (s + (1 − s) / n)`, one parameter, the serial fraction
//! `0 ≤ s ≤ 1`, fitted likewise by nonlinear least squares on the speedup residuals (the law is
//! the USL with κ = 0 and λ = 1).
//!
//! **Uncertainty.** Standard errors come from the Jacobian `J` of the fitted curve at the
//! solution, `cov = s² (JᵀJ)⁻¹` with `s² = RSS / (m − p)` for `m` points and `p` parameters;
//! 95% intervals are `estimate ± t(0.975, m − p) · se` (the Wald intervals of R's
//! `summary.nls`; the standard errors are those the R package `usl` prints in its summary).
//! They are linearised intervals: they may reach past a bound, which is how a
//! κ "compatible with zero" shows. `R² = 1 − RSS / TSS` on the fitted values.
//!
//! **Claims.** A peak `n* = sqrt((1 − σ) / κ)` is reported only when κ's whole 95% interval lies
//! above zero ([`UslFit::peak_workers`]); otherwise the data support no peak. The speedup chart
//! draws the USL curve only when `R² ≥` [`MIN_R_SQUARED_FOR_LINE`] ([`UslFit::draws_line`]) and
//! only over the worker counts that were fitted.
//!
//! **Which points.** For workloads of kind `cpu`, only worker counts up to the machine's usable
//! CPUs (`results.machine.usable_cpus`, the CPUs the run was allowed to use, after affinity
//! and cgroup limits) enter the fits: past that count, extra workers time-share the same cores,
//! and both laws assume each worker brings its own processor. For `io`, `mixed` and `other`
//! workloads every worker count enters (a waiting worker needs no core). A fit needs at least
//! one more distinct worker count than it has parameters, so that its intervals exist: 4 for
//! the USL, 2 for Amdahl; with fewer there is no fit.
//!
//! To add a law, add a struct with `fit` and `speedup` built on the private `least_squares`
//! solver, and a field of [`ModelFit`].

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::results::schema::Results;
use crate::workload::Kind;

/// Smallest R² at which a fit counts as describing its points: the speedup chart draws a
/// fitted USL curve only from this bound up, and the report flags fits below it as poor.
///
/// On concbench's curves a law that holds explains nearly all the variation between worker
/// counts: a few percent of timing noise on a curve that climbs from 1x to several x still
/// leaves R² above 0.98. Below 0.90 the law's shape is not what the points show (a flat
/// curve, a step, scatter), and a smooth line through them would suggest a trend the data do
/// not have; the report then names the R² instead of drawing the line.
pub const MIN_R_SQUARED_FOR_LINE: f64 = 0.90;

/// Confidence level of every fitted parameter's interval.
pub const CONFIDENCE: f64 = 0.95;

/// Amdahl's law fitted to a speedup curve by nonlinear least squares.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AmdahlFit {
    /// Fraction of the work that does not parallelise, in `0..=1` (dimensionless).
    pub serial_fraction: f64,
    /// 95% interval of the serial fraction, `(lower, upper)`; a linearised interval, so it may
    /// reach past `0..=1`. `None` when the standard error cannot be computed.
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
            serial_fraction_interval: fit.intervals.map(|i| i[0]),
            r_squared: fit.r_squared,
            points: xs.len(),
        })
    }

    /// The law's speedup at `n` workers (dimensionless, over sequential).
    pub fn speedup(&self, n: f64) -> f64 {
        1.0 / (self.serial_fraction + (1.0 - self.serial_fraction) / n)
    }
}

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

/// Both fits for one (workload, model) speedup curve.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelFit {
    /// Workload name.
    pub workload: String,
    /// Model name.
    pub model: String,
    /// The workload's kind; it decides which worker counts enter the fits.
    pub kind: Kind,
    /// Worker counts with a speedup that entered the fits.
    pub points: usize,
    /// Worker counts with a speedup that were left out: above the usable CPUs of a `cpu`
    /// workload.
    pub left_out: usize,
    /// For a `cpu` workload, the largest worker count fitted: the machine's usable CPUs.
    /// `None` for other kinds, which fit every worker count.
    pub worker_cap: Option<usize>,
    /// Amdahl's serial fraction, when there are enough worker counts
    /// ([`AmdahlFit::MIN_WORKER_COUNTS`]).
    pub amdahl: Option<AmdahlFit>,
    /// The USL, when there are enough worker counts ([`UslFit::MIN_WORKER_COUNTS`]).
    pub usl: Option<UslFit>,
}

/// Fits every (workload, model) of a results file that has a speedup curve, in file order.
/// Sequential is skipped (its speedup is 1 by definition). For `cpu` workloads only worker
/// counts up to `results.machine.usable_cpus` are fitted (see the module docs).
pub fn fit_results(results: &Results) -> Vec<ModelFit> {
    let usable_cpus = results.machine.usable_cpus.max(1);
    let mut fits: Vec<ModelFit> = Vec::new();
    for case in results.cases.iter().filter(|c| c.model != "sequential") {
        if fits
            .iter()
            .any(|f| f.workload == case.workload && f.model == case.model)
        {
            continue;
        }
        let all: Vec<(usize, f64)> = results
            .cases
            .iter()
            .filter(|c| c.workload == case.workload && c.model == case.model)
            .filter_map(|c| Some((c.workers, results.speedup(c)?.point)))
            .collect();
        if all.is_empty() {
            continue;
        }
        let worker_cap = (case.kind == Kind::Cpu).then_some(usable_cpus);
        let points: Vec<(f64, f64)> = all
            .iter()
            .filter(|(n, _)| worker_cap.is_none_or(|cap| *n <= cap))
            .map(|&(n, s)| (n as f64, s))
            .collect();
        fits.push(ModelFit {
            workload: case.workload.clone(),
            model: case.model.clone(),
            kind: case.kind,
            points: points.len(),
            left_out: all.len() - points.len(),
            worker_cap,
            amdahl: AmdahlFit::fit(&points),
            usl: UslFit::fit(&points),
        });
    }
    fits
}

/// The points a fit can use, split into worker counts and speedups.
fn usable(points: &[(f64, f64)]) -> (Vec<f64>, Vec<f64>) {
    points
        .iter()
        .filter(|(n, s)| n.is_finite() && *n >= 1.0 && s.is_finite() && *s > 0.0)
        .copied()
        .unzip()
}

/// Number of distinct values.
fn distinct(xs: &[f64]) -> usize {
    let mut sorted = xs.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.dedup();
    sorted.len()
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

/// A solved least-squares problem with `P` parameters.
#[derive(Debug, Clone, Copy)]
struct Solution<const P: usize> {
    /// The parameters at the minimum.
    params: [f64; P],
    /// Residual sum of squares there.
    rss: f64,
    /// `1 − RSS / TSS`.
    r_squared: f64,
    /// 95% Wald intervals of the parameters; `None` without residual degrees of freedom or
    /// with a singular `JᵀJ`.
    intervals: Option<[(f64, f64); P]>,
}

/// Bounded nonlinear least squares: minimises `Σ (f(p, xᵢ) − yᵢ)²` over
/// `lower ≤ p ≤ upper` by Levenberg–Marquardt (Marquardt's diagonal scaling) with an active
/// set: a parameter on a bound whose gradient points outwards is held there for the step, and
/// every step is projected onto the box. `model` returns `f(p, x)` and its gradient in `p`.
/// Then the statistics of [`Solution`]. `None` when the data or the solution are not finite.
///
/// Small and dense on purpose: concbench fits at most 3 parameters to a dozen points.
fn least_squares<const P: usize>(
    xs: &[f64],
    ys: &[f64],
    model: impl Fn(&[f64; P], f64) -> (f64, [f64; P]),
    start: [f64; P],
    lower: [f64; P],
    upper: [f64; P],
) -> Option<Solution<P>> {
    const MAX_STEPS: usize = 500;
    let clamp =
        |p: [f64; P]| -> [f64; P] { std::array::from_fn(|i| p[i].max(lower[i]).min(upper[i])) };
    let cost = |p: &[f64; P]| -> f64 {
        xs.iter()
            .zip(ys)
            .map(|(&x, &y)| {
                let r = model(p, x).0 - y;
                r * r
            })
            .sum()
    };
    // JᵀJ and Jᵀr at p.
    let normal = |p: &[f64; P]| -> ([[f64; P]; P], [f64; P]) {
        let mut a = [[0.0; P]; P];
        let mut g = [0.0; P];
        for (&x, &y) in xs.iter().zip(ys) {
            let (f, grad) = model(p, x);
            for i in 0..P {
                g[i] += grad[i] * (f - y);
                for j in 0..P {
                    a[i][j] += grad[i] * grad[j];
                }
            }
        }
        (a, g)
    };

    let mut p = clamp(start);
    let mut rss = cost(&p);
    if !rss.is_finite() {
        return None;
    }
    let mut damping = 1e-3;
    'steps: for _ in 0..MAX_STEPS {
        if rss == 0.0 {
            break;
        }
        let (a, g) = normal(&p);
        let free: [bool; P] = std::array::from_fn(|i| {
            !((p[i] <= lower[i] && g[i] > 0.0) || (p[i] >= upper[i] && g[i] < 0.0))
        });
        loop {
            // (JᵀJ + μ diag(JᵀJ)) δ = −Jᵀr on the free parameters, δ = 0 on the others.
            let mut m = [[0.0; P]; P];
            let mut b = [0.0; P];
            for i in 0..P {
                if !free[i] {
                    m[i][i] = 1.0;
                    continue;
                }
                for j in 0..P {
                    if free[j] {
                        m[i][j] = a[i][j];
                    }
                }
                m[i][i] += damping * a[i][i].max(f64::MIN_POSITIVE);
                b[i] = -g[i];
            }
            let Some(delta) = solve(m, b) else {
                damping *= 4.0;
                if damping > 1e20 {
                    break 'steps;
                }
                continue;
            };
            let next = clamp(std::array::from_fn(|i| p[i] + delta[i]));
            if next == p {
                break 'steps;
            }
            let next_rss = cost(&next);
            if next_rss < rss {
                let small =
                    (0..P).all(|i| (next[i] - p[i]).abs() <= 1e-14 * p[i].abs().max(1e-300));
                p = next;
                rss = next_rss;
                damping = (damping / 3.0).max(1e-15);
                if small {
                    break 'steps;
                }
                continue 'steps;
            }
            damping *= 4.0;
            if damping > 1e20 {
                break 'steps;
            }
        }
    }
    if !p.iter().all(|v| v.is_finite()) {
        return None;
    }

    let m = xs.len();
    let mean = ys.iter().sum::<f64>() / m as f64;
    let tss: f64 = ys.iter().map(|y| (y - mean) * (y - mean)).sum();
    let r_squared = if rss == 0.0 {
        1.0
    } else if tss == 0.0 {
        0.0
    } else {
        1.0 - rss / tss
    };
    let intervals = if m > P {
        wald_intervals(normal(&p).0, p, rss / (m - P) as f64, (m - P) as f64)
    } else {
        None
    };
    Some(Solution {
        params: p,
        rss,
        r_squared,
        intervals,
    })
}

/// `estimate ± t(0.975, df) · se` for every parameter, with the standard errors from
/// `cov = variance · (JᵀJ)⁻¹`. `None` when `JᵀJ` is singular.
fn wald_intervals<const P: usize>(
    jtj: [[f64; P]; P],
    params: [f64; P],
    variance: f64,
    df: f64,
) -> Option<[(f64, f64); P]> {
    let inverse = invert(jtj)?;
    let t = StudentsT::new(0.0, 1.0, df)
        .ok()?
        .inverse_cdf(0.5 + CONFIDENCE / 2.0);
    let out: [(f64, f64); P] = std::array::from_fn(|i| {
        let half = t * (variance * inverse[i][i]).max(0.0).sqrt();
        (params[i] - half, params[i] + half)
    });
    out.iter()
        .all(|(lo, hi)| lo.is_finite() && hi.is_finite())
        .then_some(out)
}

/// Solves `m x = b` by Gaussian elimination with partial pivoting, after scaling rows and
/// columns by the diagonal (the USL's columns differ by orders of magnitude). `None` when `m`
/// is singular to working precision.
fn solve<const P: usize>(m: [[f64; P]; P], b: [f64; P]) -> Option<[f64; P]> {
    let d: [f64; P] = std::array::from_fn(|i| {
        let v = m[i][i].abs().sqrt();
        if v > 0.0 && v.is_finite() { v } else { 1.0 }
    });
    let mut a: [[f64; P]; P] =
        std::array::from_fn(|i| std::array::from_fn(|j| m[i][j] / (d[i] * d[j])));
    let mut y: [f64; P] = std::array::from_fn(|i| b[i] / d[i]);
    for col in 0..P {
        let pivot = (col..P).max_by(|&r, &s| a[r][col].abs().total_cmp(&a[s][col].abs()))?;
        let size = a[pivot][col].abs();
        if size.is_nan() || size <= 1e-13 {
            return None;
        }
        a.swap(col, pivot);
        y.swap(col, pivot);
        for row in col + 1..P {
            let f = a[row][col] / a[col][col];
            let pivot_row = a[col];
            for (x, p) in a[row][col..].iter_mut().zip(&pivot_row[col..]) {
                *x -= f * p;
            }
            y[row] -= f * y[col];
        }
    }
    let mut x = [0.0; P];
    for row in (0..P).rev() {
        let tail: f64 = (row + 1..P).map(|k| a[row][k] * x[k]).sum();
        x[row] = (y[row] - tail) / a[row][row];
    }
    let out: [f64; P] = std::array::from_fn(|i| x[i] / d[i]);
    out.iter().all(|v| v.is_finite()).then_some(out)
}

/// The inverse of a symmetric positive definite matrix, column by column through [`solve`].
fn invert<const P: usize>(m: [[f64; P]; P]) -> Option<[[f64; P]; P]> {
    let mut inverse = [[0.0; P]; P];
    for col in 0..P {
        let unit: [f64; P] = std::array::from_fn(|i| if i == col { 1.0 } else { 0.0 });
        let x = solve(m, unit)?;
        for (row, value) in inverse.iter_mut().zip(x) {
            row[col] = value;
        }
    }
    Some(inverse)
}

#[cfg(test)]
mod tests {
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

    /// Alternating relative noise of `rel`: +, −, +, ...
    fn noisy(workers: &[f64], curve: impl Fn(f64) -> f64, rel: f64) -> Vec<(f64, f64)> {
        workers
            .iter()
            .enumerate()
            .map(|(i, &n)| (n, curve(n) * if i % 2 == 0 { 1.0 + rel } else { 1.0 - rel }))
            .collect()
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

    #[test]
    fn too_few_worker_counts_give_no_fit() {
        assert!(UslFit::fit(&[]).is_none());
        assert!(UslFit::fit(&[(1.0, 1.0), (2.0, 1.9), (4.0, 3.5)]).is_none());
        // Repeats of a worker count are not new counts.
        assert!(UslFit::fit(&[(1.0, 1.0), (2.0, 1.9), (2.0, 1.8), (4.0, 3.5)]).is_none());
        // Unusable points do not count.
        assert!(UslFit::fit(&[(1.0, 1.0), (2.0, 1.9), (4.0, 3.5), (8.0, f64::NAN)]).is_none());
        assert!(UslFit::fit(&[(1.0, 1.0), (2.0, 1.9), (4.0, 3.5), (8.0, 6.0)]).is_some());
        assert!(AmdahlFit::fit(&[]).is_none());
        assert!(AmdahlFit::fit(&[(2.0, 1.9)]).is_none());
        assert!(AmdahlFit::fit(&[(1.0, 1.0), (1.0, 1.02)]).is_none());
        assert!(AmdahlFit::fit(&[(1.0, 1.0), (2.0, 1.9)]).is_some());
    }

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

    mod results {
        use super::super::*;
        use std::path::Path;

        /// The committed fixture with `usable_cpus` and a sum-squares `threads` curve of
        /// σ = 0.05, κ = 0.002 at `workers`, every case of the workload of `kind`.
        fn run(kind: Kind, usable_cpus: usize, workers: &[usize]) -> Results {
            let path =
                Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/results/valid.json");
            let mut results = Results::read(&path).unwrap();
            results.machine.usable_cpus = usable_cpus;
            results
                .cases
                .retain(|c| c.workload != "sum-squares" || c.model == "sequential");
            for case in &mut results.cases {
                case.kind = kind;
            }
            let law = |n: f64| n / (1.0 + 0.05 * (n - 1.0) + 0.002 * n * (n - 1.0));
            let curve: Vec<(usize, f64)> = workers.iter().map(|&n| (n, law(n as f64))).collect();
            add(&mut results, "threads", &curve);
            results
        }

        /// Adds sum-squares cases of `model` with these (workers, speedup) points.
        fn add(results: &mut Results, model: &str, curve: &[(usize, f64)]) {
            let seq = results
                .case("sum-squares", "sequential", 1)
                .unwrap()
                .clone();
            let seq_ns = seq.time.as_ref().unwrap().median.point;
            for &(n, speedup) in curve {
                let mut case = seq.clone();
                case.model = model.to_string();
                case.workers = n;
                let time = case.time.as_mut().unwrap();
                time.median.point = seq_ns / speedup;
                time.median.lower = time.median.point * 0.99;
                time.median.upper = time.median.point * 1.01;
                results.cases.push(case);
            }
        }

        fn threads(fits: &[ModelFit]) -> &ModelFit {
            fits.iter()
                .find(|f| f.workload == "sum-squares" && f.model == "threads")
                .unwrap()
        }

        #[test]
        fn cpu_workers_above_the_usable_cpus_are_left_out() {
            let results = run(Kind::Cpu, 4, &[1, 2, 3, 4, 8, 16]);
            let fits = fit_results(&results);
            let f = threads(&fits);
            assert_eq!((f.points, f.left_out, f.worker_cap), (4, 2, Some(4)));
            let usl = f.usl.unwrap();
            assert_eq!(usl.workers, (1.0, 4.0));
            assert!((usl.sigma - 0.05).abs() < 1e-6 && (usl.kappa - 0.002).abs() < 1e-6);
            // Sequential gets no fit of its own.
            assert!(fits.iter().all(|f| f.model != "sequential"));
        }

        #[test]
        fn io_and_mixed_workloads_fit_every_worker_count() {
            for kind in [Kind::Io, Kind::Mixed, Kind::Other] {
                let results = run(kind, 4, &[1, 2, 3, 4, 8, 16]);
                let fits = fit_results(&results);
                let f = threads(&fits);
                assert_eq!(
                    (f.points, f.left_out, f.worker_cap),
                    (6, 0, None),
                    "{kind:?}"
                );
                assert_eq!(f.usl.unwrap().workers, (1.0, 16.0));
            }
        }

        #[test]
        fn too_few_cpu_worker_counts_give_amdahl_but_no_usl() {
            // A 2-CPU machine: only 1 and 2 workers are fitted.
            let results = run(Kind::Cpu, 2, &[1, 2, 4, 8]);
            let fits = fit_results(&results);
            let f = threads(&fits);
            assert_eq!((f.points, f.left_out), (2, 2));
            assert!(f.usl.is_none());
            assert!(f.amdahl.is_some());
        }

        #[test]
        fn the_report_gives_intervals_peaks_and_poor_fits() {
            let workers = [1, 2, 4, 8, 16, 32];
            let mut results = run(Kind::Io, 2, &workers);
            // No coherency cost, 1% noise: κ not distinguishable from 0.
            let amdahl_like: Vec<(usize, f64)> = workers
                .iter()
                .enumerate()
                .map(|(i, &n)| {
                    let n_f = n as f64;
                    let noise = if i % 2 == 0 { 1.01 } else { 0.99 };
                    (n, n_f / (1.0 + 0.1 * (n_f - 1.0)) * noise)
                })
                .collect();
            add(&mut results, "process", &amdahl_like);
            // Flat with scatter: nothing for a law to explain.
            let flat = [0.97, 1.01, 0.95, 1.0, 0.98, 1.02];
            let flat: Vec<(usize, f64)> = workers.iter().copied().zip(flat).collect();
            add(&mut results, "tokio-current", &flat);
            let fits = fit_results(&results);
            let text = crate::report::markdown::render(&results, &fits, &[]);
            let row = |model: &str| {
                text.lines()
                    .find(|l| l.starts_with("| sum-squares") && l.contains(&format!(" {model} |")))
                    .unwrap_or_else(|| panic!("no row for {model} in\n{text}"))
                    .to_string()
            };
            // σ = 0.05, κ = 0.002: peak at sqrt(0.95 / 0.002) ≈ 21.8 workers, κ exact.
            let threads = row("threads");
            assert!(threads.contains("22 workers"), "{threads}");
            assert!(threads.contains("0.0500 [0.0500, 0.0500]"), "{threads}");
            assert!(threads.contains("1.000"), "{threads}");
            let process = row("process");
            assert!(
                process.contains("no peak supported by the data"),
                "{process}"
            );
            assert!(process.contains(" ["), "{process}");
            let flat = row("tokio-current");
            assert!(flat.contains("poor fit, R² 0."), "{flat}");
            assert!(flat.contains("no line drawn"), "{flat}");
            assert!(
                text.contains(&format!("R² ≥ {MIN_R_SQUARED_FOR_LINE:.2}")),
                "{text}"
            );
            // io workload: every worker count fitted, no cap stated.
            assert!(!text.contains("usable CPUs enter the fits"), "{text}");
        }
    }
}
