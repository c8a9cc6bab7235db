//! The statistics under the verdict: Welch's unequal-variance t-test and the Student t
//! distribution it needs (regularized incomplete beta, log-gamma), with no dependency.
//!
//! Accuracy is about twelve digits, far beyond what a significance decision needs; the tests
//! check it against printed t tables. To add another test (e.g. Mann-Whitney U), add a
//! function here returning its statistic and p-value, and use it in [`super::verdict`].

/// Fewest per-iteration samples each side needs for the Welch test; with fewer, the
/// confidence intervals decide.
pub const MIN_SAMPLES: usize = 3;

/// The result of Welch's t-test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WelchTest {
    /// The t statistic, positive when the second sample's mean is higher.
    pub t: f64,
    /// Welch-Satterthwaite degrees of freedom.
    pub df: f64,
    /// Two-sided p-value.
    pub p: f64,
}

/// Welch's two-sided t-test of `b`'s mean against `a`'s, on the finite values of each;
/// `None` when either has fewer than [`MIN_SAMPLES`].
pub fn welch(a: &[f64], b: &[f64]) -> Option<WelchTest> {
    let (na, ma, va) = mean_var(a)?;
    let (nb, mb, vb) = mean_var(b)?;
    let (sa, sb) = (va / na, vb / nb);
    let se2 = sa + sb;
    if se2 <= 0.0 {
        // No spread at all: any difference of the means is certain.
        let p = if ma == mb { 1.0 } else { 0.0 };
        let t = if ma == mb {
            0.0
        } else {
            f64::INFINITY.copysign(mb - ma)
        };
        return Some(WelchTest {
            t,
            df: na + nb - 2.0,
            p,
        });
    }
    let t = (mb - ma) / se2.sqrt();
    let df = se2 * se2 / (sa * sa / (na - 1.0) + sb * sb / (nb - 1.0));
    Some(WelchTest {
        t,
        df,
        p: student_t_two_sided(t, df),
    })
}

/// Count, mean and unbiased variance of the finite values; `None` below [`MIN_SAMPLES`].
fn mean_var(values: &[f64]) -> Option<(f64, f64, f64)> {
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if finite.len() < MIN_SAMPLES {
        return None;
    }
    let n = finite.len() as f64;
    let mean = finite.iter().sum::<f64>() / n;
    let var = finite.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    Some((n, mean, var))
}

/// Two-sided tail probability of Student's t distribution: P(|T| >= |t|) with `df` degrees
/// of freedom, as the regularized incomplete beta I_{df/(df+t²)}(df/2, 1/2).
pub fn student_t_two_sided(t: f64, df: f64) -> f64 {
    if t.is_nan() || df.is_nan() || df <= 0.0 {
        return f64::NAN;
    }
    if t.is_infinite() {
        return 0.0;
    }
    let x = df / (df + t * t);
    incomplete_beta(x, df / 2.0, 0.5).clamp(0.0, 1.0)
}

/// Regularized incomplete beta function I_x(a, b), by its continued fraction (modified
/// Lentz), using the symmetry I_x(a,b) = 1 - I_{1-x}(b,a) where that converges faster.
fn incomplete_beta(x: f64, a: f64, b: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
    let front = ln_front.exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_fraction(x, a, b) / a
    } else {
        1.0 - front * beta_fraction(1.0 - x, b, a) / b
    }
}

/// The continued fraction of the incomplete beta function.
fn beta_fraction(x: f64, a: f64, b: f64) -> f64 {
    const TINY: f64 = 1e-300;
    const EPS: f64 = 1e-15;
    let guard = |v: f64| if v.abs() < TINY { TINY } else { v };
    let mut c = 1.0;
    let mut d = 1.0 / guard(1.0 - (a + b) * x / (a + 1.0));
    let mut h = d;
    for m in 1..=300 {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        // Even step.
        let num = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
        d = 1.0 / guard(1.0 + num * d);
        c = guard(1.0 + num / c);
        h *= d * c;
        // Odd step.
        let num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
        d = 1.0 / guard(1.0 + num * d);
        c = guard(1.0 + num / c);
        let step = d * c;
        h *= step;
        if (step - 1.0).abs() < EPS {
            break;
        }
    }
    h
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, nine coefficients; about 15 digits).
fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const COEF: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Γ(x)Γ(1-x) = π / sin(πx).
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut sum = COEF[0];
    for (i, c) in COEF.iter().enumerate().skip(1) {
        sum += c / (x + i as f64);
    }
    let t = x + G + 0.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn t_distribution_matches_tables() {
        // Critical values of two-sided tests from standard t tables.
        assert!(close(student_t_two_sided(2.228, 10.0), 0.05, 2e-4));
        assert!(close(student_t_two_sided(12.706, 1.0), 0.05, 2e-4));
        assert!(close(student_t_two_sided(3.169, 10.0), 0.01, 1e-4));
        assert!(close(student_t_two_sided(1.96, 1e7), 0.05, 1e-4));
        assert!(close(student_t_two_sided(-2.228, 10.0), 0.05, 2e-4));
        assert_eq!(student_t_two_sided(0.0, 5.0), 1.0);
        assert_eq!(student_t_two_sided(f64::INFINITY, 5.0), 0.0);
        assert!(close(ln_gamma(5.0), 24f64.ln(), 1e-12));
        assert!(close(
            ln_gamma(0.5),
            std::f64::consts::PI.sqrt().ln(),
            1e-12
        ));
    }

    #[test]
    fn welch_matches_a_hand_computation() {
        // a: mean 2, var 1; b: mean 4, var 1; n = 3 each: t = 2 / sqrt(2/3), df = 4.
        let w = welch(&[1.0, 2.0, 3.0], &[3.0, 4.0, 5.0]).unwrap();
        assert!(close(w.t, 2.449_489_742_783_178, 1e-12), "{w:?}");
        assert!(close(w.df, 4.0, 1e-12), "{w:?}");
        assert!(close(w.p, 0.070_484, 1e-5), "{w:?}");
        assert!(welch(&[1.0, 2.0], &[3.0, 4.0, 5.0]).is_none());
        let flat = welch(&[2.0; 3], &[2.0; 4]).unwrap();
        assert_eq!((flat.t, flat.p), (0.0, 1.0));
        let apart = welch(&[2.0; 3], &[3.0; 4]).unwrap();
        assert_eq!(apart.p, 0.0);
        assert!(apart.t > 0.0);
    }
}
