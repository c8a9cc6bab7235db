//! Strong and weak scaling: which question a workers axis answers (`--scaling`).
//!
//! *Strong scaling* keeps the total work fixed and adds workers: speedup is T(1) / T(N), the
//! view every concbench workload is built for (its sizes are fixed per profile). *Weak
//! scaling* gives each of N workers its own fixed share, so the total work grows with N and
//! an ideal machine keeps T(N) = T(1): there the measures are throughput, N / T(N), and
//! Gustafson's *scaled speedup*, N x T(1) / T(N), whose ideal is N (J. L. Gustafson,
//! "Reevaluating Amdahl's Law", Communications of the ACM 31(5), 532-533, 1988). T(1) is the
//! workload's `sequential` time at one worker, or, when the workload has none, the same
//! model's time at one worker.
//!
//! [`weak_hint`] spots benchmarks charted the strong way whose time grows roughly with N (a
//! log-log slope of [`GROWTH_SLOPE`] or more) and suggests `--scaling weak` in one warning
//! line. To add a view, add a variant to [`Scaling`], its charts in
//! [`crate::report::chart`] and its line in [`Scaling::line`].

use crate::results::{CaseRecord, Estimate, Results};
use crate::workload;

/// Smallest slope of ln T(N) against ln N at which time counts as growing with N: 0 is
/// perfect weak scaling on enough cores, 1 is work that runs one worker's share at a time,
/// -1 is perfect strong scaling.
pub const GROWTH_SLOPE: f64 = 0.5;

/// Smallest ratio of the largest to the smallest worker count of a series the detection
/// reads: a slope over 1 and 2 workers alone says little.
pub const GROWTH_MIN_SPAN: f64 = 4.0;

/// Which scaling the workers axis shows (`--scaling`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Scaling {
    /// Fixed total work: speedup T(1) / T(N), efficiency, Amdahl and USL fits.
    #[default]
    Strong,
    /// Fixed work per worker: throughput N / T(N) and scaled speedup N x T(1) / T(N).
    Weak,
}

impl Scaling {
    /// One line for the report: the view used and the flag for the other one.
    pub fn line(self) -> String {
        match self {
            Scaling::Strong => "Scaling: strong (the default): speedup T(1) / T(N) for a fixed total amount of work; if each worker does its own fixed share, pass `--scaling weak` for throughput and scaled speedup.".to_string(),
            Scaling::Weak => "Scaling: weak, as `--scaling weak` asked: each worker does its own fixed share, so the charts show throughput N / T(N) and Gustafson's scaled speedup N × T(1) / T(N) (ideal: N), with T(1) the sequential time (or the model's own at 1 worker), and no efficiency or Amdahl/USL fit; `--scaling strong` (the default) shows T(1) / T(N).".to_string(),
        }
    }
}

/// The time weak scaling divides by, T(1), for `case`'s workload and model: sequential at
/// one worker, else the model itself at one worker.
fn baseline<'r>(results: &'r Results, case: &CaseRecord) -> Option<&'r CaseRecord> {
    results
        .case(&case.workload, "sequential", 1)
        .or_else(|| results.case(&case.workload, &case.model, 1))
        .filter(|b| b.time.is_some())
}

/// Gustafson's scaled speedup of `case`, N x T(1) / T(N), with the interval of the medians'
/// bounds (or of the paired speedup, when the run pairs its rounds); `None` without a
/// baseline, a time, or a positive worker count.
pub fn scaled_speedup(results: &Results, case: &CaseRecord) -> Option<Estimate> {
    let n = case.workers as f64;
    if case.workers == 0 {
        return None;
    }
    let base = baseline(results, case)?;
    let ratio = if base.model == "sequential" {
        results.speedup(case)?
    } else {
        let (b, c) = (base.time.as_ref()?.median, case.time.as_ref()?.median);
        if [b.point, b.lower, b.upper, c.point, c.lower, c.upper]
            .iter()
            .any(|v| !v.is_finite() || *v <= 0.0)
        {
            return None;
        }
        Estimate {
            point: b.point / c.point,
            lower: b.lower / c.upper,
            upper: b.upper / c.lower,
        }
    };
    Some(Estimate {
        point: n * ratio.point,
        lower: n * ratio.lower,
        upper: n * ratio.upper,
    })
}

/// Throughput of `case`: N / T(N) in worker shares per second (N per median batch time in
/// ns, times 10⁹), with the interval of the median's bounds; `None` without a positive time.
pub fn throughput(case: &CaseRecord) -> Option<Estimate> {
    let m = case.time.as_ref()?.median;
    let n = case.workers as f64;
    if !(m.point > 0.0 && m.lower > 0.0 && m.upper.is_finite()) || case.workers == 0 {
        return None;
    }
    Some(Estimate {
        point: n * 1e9 / m.point,
        lower: n * 1e9 / m.upper,
        upper: n * 1e9 / m.lower,
    })
}

/// One (workload, model) whose time grows with the worker count.
#[derive(Debug, Clone, PartialEq)]
pub struct Growth {
    /// The workload.
    pub workload: String,
    /// The model.
    pub model: String,
    /// Least-squares slope of ln(median time) against ln(workers).
    pub slope: f64,
    /// Smallest and largest worker count read.
    pub workers: (usize, usize),
}

/// Least-squares slope of ln(median time) on ln(workers) over `cases` (one model), or
/// `None` with fewer than two usable points or a worker span below [`GROWTH_MIN_SPAN`].
pub fn time_slope(cases: &[&CaseRecord]) -> Option<(f64, (usize, usize))> {
    let points: Vec<(f64, f64, usize)> = cases
        .iter()
        .filter(|c| c.workers > 0)
        .filter_map(|c| {
            let t = c.time.as_ref()?.median.point;
            (t > 0.0 && t.is_finite()).then(|| ((c.workers as f64).ln(), t.ln(), c.workers))
        })
        .collect();
    let lo = points.iter().map(|p| p.2).min()?;
    let hi = points.iter().map(|p| p.2).max()?;
    if points.len() < 2 || (hi as f64) < GROWTH_MIN_SPAN * lo as f64 {
        return None;
    }
    let k = points.len() as f64;
    let mx = points.iter().map(|p| p.0).sum::<f64>() / k;
    let my = points.iter().map(|p| p.1).sum::<f64>() / k;
    let sxx: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    (sxx > 0.0).then(|| (sxy / sxx, (lo, hi)))
}

/// The (workload, model) pairs of `results` whose time grows roughly with N, in file order,
/// for workloads where they are at least half of the models the slope can be read for
/// (`sequential`, at one worker only, never counts). One model growing alone is more likely
/// contention than work that grows.
pub fn growing(results: &Results) -> Vec<Growth> {
    let mut workloads: Vec<&str> = Vec::new();
    for c in &results.cases {
        if !workloads.contains(&c.workload.as_str()) {
            workloads.push(&c.workload);
        }
    }
    let mut out = Vec::new();
    for w in workloads {
        let mut models: Vec<&str> = Vec::new();
        for c in results.cases.iter().filter(|c| c.workload == w) {
            if c.model != "sequential" && !models.contains(&c.model.as_str()) {
                models.push(&c.model);
            }
        }
        let mut readable = 0;
        let mut grows = Vec::new();
        for m in models {
            let cases: Vec<&CaseRecord> = results
                .cases
                .iter()
                .filter(|c| c.workload == w && c.model == m)
                .collect();
            let Some((slope, workers)) = time_slope(&cases) else {
                continue;
            };
            readable += 1;
            if slope >= GROWTH_SLOPE {
                grows.push(Growth {
                    workload: w.to_string(),
                    model: m.to_string(),
                    slope,
                    workers,
                });
            }
        }
        if !grows.is_empty() && 2 * grows.len() >= readable {
            out.extend(grows);
        }
    }
    out
}

/// The warning line suggesting `--scaling weak`, when the view is strong and the time of
/// workloads outside concbench's registry grows roughly with N ([`growing`]). concbench's
/// own workloads are never named: their total work is fixed by design.
pub fn weak_hint(results: &Results, scaling: Scaling) -> Option<String> {
    if scaling == Scaling::Weak {
        return None;
    }
    let found: Vec<Growth> = growing(results)
        .into_iter()
        .filter(|g| workload::find(&g.workload).is_err())
        .collect();
    if found.is_empty() {
        return None;
    }
    let named: Vec<String> = found
        .iter()
        .map(|g| {
            format!(
                "{}/{} (slope {:.2} on log-log, {} to {} workers)",
                g.workload, g.model, g.slope, g.workers.0, g.workers.1
            )
        })
        .collect();
    Some(format!(
        "time grows roughly with the worker count in {}: if each worker does its own fixed work, speedup T(1)/T(N) is the wrong view; `--scaling weak` charts throughput N / time and scaled speedup N × T(1) / T(N)",
        named.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::TimeEstimate;
    use crate::workload::Kind;

    fn case(workload: &str, model: &str, workers: usize, ns: f64) -> CaseRecord {
        let e = Estimate {
            point: ns,
            lower: ns * 0.99,
            upper: ns * 1.01,
        };
        CaseRecord {
            workload: workload.to_string(),
            kind: Kind::Other,
            model: model.to_string(),
            workers,
            params: Default::default(),
            checksum: 0,
            verified: false,
            time: Some(TimeEstimate {
                mean: e,
                median: e,
                std_dev_ns: 0.0,
                samples: 10,
                confidence_level: 0.95,
                sample_ns: Vec::new(),
                rounds: Vec::new(),
            }),
            memory: None,
            cpu: None,
            peak_threads: None,
            measured_in: None,
            id: None,
        }
    }

    fn results(cases: Vec<CaseRecord>) -> Results {
        let mut r: Results =
            serde_json::from_str(include_str!("../../tests/fixtures/results/valid.json")).unwrap();
        r.cases = cases;
        r
    }

    /// Each of N workers does 2 ms of its own work on 2 cores.
    fn own_work(workload: &str, model: &str) -> Vec<CaseRecord> {
        [1, 2, 4, 8, 16]
            .into_iter()
            .map(|n| case(workload, model, n, 2e6 * (n as f64 / 2.0).max(1.0)))
            .collect()
    }

    /// 16 ms of work in all, shared by N workers on 2 cores.
    fn shared_work(workload: &str, model: &str) -> Vec<CaseRecord> {
        [1, 2, 4, 8, 16]
            .into_iter()
            .map(|n| case(workload, model, n, 16e6 / (n as f64).min(2.0)))
            .collect()
    }

    #[test]
    fn slope_reads_growth_and_needs_a_span() {
        let cases = own_work("w", "threads");
        let refs: Vec<&CaseRecord> = cases.iter().collect();
        let (slope, span) = time_slope(&refs).unwrap();
        assert!(slope > 0.7 && slope < 1.0, "{slope}");
        assert_eq!(span, (1, 16));
        let shared = shared_work("w", "threads");
        let refs: Vec<&CaseRecord> = shared.iter().collect();
        assert!(time_slope(&refs).unwrap().0 < 0.0);
        // 1 and 2 workers only: too narrow to say.
        assert_eq!(time_slope(&refs[..2]), None);
        assert_eq!(time_slope(&refs[..1]), None);
    }

    #[test]
    fn growing_work_is_found_and_suggests_weak_scaling() {
        let mut cases = vec![case("spawn", "sequential", 1, 2e6)];
        cases.extend(own_work("spawn", "threads"));
        cases.extend(own_work("spawn", "rayon"));
        cases.extend(shared_work("split", "threads"));
        let r = results(cases);
        let found = growing(&r);
        assert_eq!(
            found.iter().map(|g| g.model.as_str()).collect::<Vec<_>>(),
            ["threads", "rayon"]
        );
        assert!(found.iter().all(|g| g.workload == "spawn"));
        let hint = weak_hint(&r, Scaling::Strong).unwrap();
        assert!(hint.contains("spawn/threads (slope 0."), "{hint}");
        assert!(hint.contains("--scaling weak"), "{hint}");
        assert!(!hint.contains("split"), "{hint}");
        assert_eq!(weak_hint(&r, Scaling::Weak), None);
    }

    #[test]
    fn one_model_growing_alone_or_a_registered_workload_is_not_named() {
        let mut cases = own_work("mixed", "threads-gil");
        cases.extend(shared_work("mixed", "threads"));
        cases.extend(shared_work("mixed", "rayon"));
        assert!(growing(&results(cases)).is_empty());
        // concbench's own workloads have a fixed total by design.
        let r = results(own_work("sum-squares", "threads"));
        assert_eq!(growing(&r).len(), 1);
        assert_eq!(weak_hint(&r, Scaling::Strong), None);
    }

    #[test]
    fn scaled_speedup_and_throughput_follow_gustafson() {
        let mut cases = vec![case("spawn", "sequential", 1, 2e6)];
        cases.extend(own_work("spawn", "threads"));
        cases.extend(own_work("alone", "threads"));
        let r = results(cases);
        let at = |w: &str, n: usize| r.case(w, "threads", n).unwrap();
        // 8 workers, 8 ms for 8 shares of 2 ms: scaled speedup 8 x 2 / 8 = 2, the cores.
        let s = scaled_speedup(&r, at("spawn", 8)).unwrap();
        assert!((s.point - 2.0).abs() < 1e-9, "{s:?}");
        assert!(s.lower < s.point && s.point < s.upper);
        // Without a sequential benchmark, the model's own 1-worker time is T(1).
        let own = scaled_speedup(&r, at("alone", 16)).unwrap();
        assert!((own.point - 2.0).abs() < 1e-9, "{own:?}");
        // 4 shares in 4 ms: 1000 shares per second.
        let t = throughput(at("spawn", 4)).unwrap();
        assert!((t.point - 1000.0).abs() < 1e-6, "{t:?}");
        assert!(t.lower < t.point && t.point < t.upper);
        let mut zero = at("spawn", 4).clone();
        zero.workers = 0;
        assert_eq!(throughput(&zero), None);
        assert_eq!(scaled_speedup(&r, &zero), None);
    }
}
