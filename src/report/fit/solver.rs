//! The least-squares machinery behind every fit: a small bounded Levenberg–Marquardt solver
//! ([`least_squares`]) and the statistics of its solution ([`Solution`]).
//!
//! **Uncertainty.** Standard errors come from the Jacobian `J` of the fitted curve at the
//! solution, `cov = s² (JᵀJ)⁻¹` with `s² = RSS / (m − p)` for `m` points and `p` parameters;
//! 95% intervals are `estimate ± t(0.975, m − p) · se` (the Wald intervals of R's
//! `summary.nls`; the standard errors are those the R package `usl` prints in its summary).
//! They are linearised intervals: they may reach past a bound, which is how a
//! κ "compatible with zero" shows. `R² = 1 − RSS / TSS` on the fitted values.
//!
//! The solver knows nothing of any law: a law hands it a closure returning the curve and its
//! gradient in the parameters, start values and bounds. A new statistic of a fit is a new
//! field of [`Solution`], computed at the end of [`least_squares`].

use statrs::distribution::{ContinuousCDF, StudentsT};

use super::CONFIDENCE;

/// A solved least-squares problem with `P` parameters.
#[derive(Debug, Clone, Copy)]
pub(super) struct Solution<const P: usize> {
    /// The parameters at the minimum.
    pub(super) params: [f64; P],
    /// Residual sum of squares there.
    pub(super) rss: f64,
    /// `1 − RSS / TSS`.
    pub(super) r_squared: f64,
    /// 95% Wald intervals of the parameters; `None` without residual degrees of freedom or
    /// with a singular `JᵀJ`.
    pub(super) intervals: Option<[(f64, f64); P]>,
}

/// Bounded nonlinear least squares: minimises `Σ (f(p, xᵢ) − yᵢ)²` over
/// `lower ≤ p ≤ upper` by Levenberg–Marquardt (Marquardt's diagonal scaling) with an active
/// set: a parameter on a bound whose gradient points outwards is held there for the step, and
/// every step is projected onto the box. `model` returns `f(p, x)` and its gradient in `p`.
/// Then the statistics of [`Solution`]. `None` when the data or the solution are not finite.
///
/// Small and dense on purpose: concbench fits at most 3 parameters to a dozen points.
pub(super) fn least_squares<const P: usize>(
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
