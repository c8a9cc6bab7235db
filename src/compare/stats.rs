//! The statistics under the verdict: Welch's unequal-variance t-test, the median, and the
//! Student t distribution from the `statrs` crate.
//!
//! The test is written out here (it is a few lines); the distribution is not: `statrs`'s
//! regularized incomplete beta is maintained and tested elsewhere. The tests below check the
//! p-values against printed t tables. To add another test (e.g. Mann-Whitney U), add a
//! function here returning its statistic and p-value, and use it in [`super::verdict`].

use statrs::distribution::{ContinuousCDF, StudentsT};
use statrs::statistics::{Data, Median};

/// Fewest values each side needs for the Welch test: with two, a variance has one degree of
/// freedom and the test has almost no power.
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
/// of freedom. NaN when `t` or `df` is NaN or `df` is not positive.
pub fn student_t_two_sided(t: f64, df: f64) -> f64 {
    if t.is_nan() {
        return f64::NAN;
    }
    if t.is_infinite() && df > 0.0 {
        return 0.0;
    }
    match StudentsT::new(0.0, 1.0, df) {
        // The survival function, not 1 - cdf, keeps small p-values exact.
        Ok(dist) => (2.0 * dist.sf(t.abs())).clamp(0.0, 1.0),
        Err(_) => f64::NAN,
    }
}

/// The median of the finite values (the mean of the middle two for an even count); `None`
/// when there is none.
pub fn median(values: &[f64]) -> Option<f64> {
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    (!finite.is_empty()).then(|| Data::new(finite).median())
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
        assert!(close(student_t_two_sided(4.604, 4.0), 0.01, 1e-4));
        assert!(close(student_t_two_sided(1.96, 1e7), 0.05, 1e-4));
        assert!(close(student_t_two_sided(-2.228, 10.0), 0.05, 2e-4));
        // Far in the tail the p-value stays a small positive number, not 0 from 1 - cdf.
        let tiny = student_t_two_sided(60.0, 8.0);
        assert!(tiny > 0.0 && tiny < 1e-10, "{tiny}");
        assert_eq!(student_t_two_sided(0.0, 5.0), 1.0);
        assert_eq!(student_t_two_sided(f64::INFINITY, 5.0), 0.0);
        assert!(student_t_two_sided(1.0, 0.0).is_nan());
        assert!(student_t_two_sided(f64::NAN, 5.0).is_nan());
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

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&[f64::NAN, 5.0]), Some(5.0));
        assert_eq!(median(&[]), None);
    }
}
