//! The results file's record of one sync case ([`SyncRecord`], the `sync` list of
//! `concbench.results/1`), built from criterion's estimate of one batch, and the tables the
//! bench prints and the report shows.
//!
//! A record keeps the batch time and what a batch did (`ops_per_batch` operations: counter
//! increments, queue messages, wake-ups, semaphore-limited tasks) and derives throughput and
//! time per operation from them, bounds included. To add a figure, add a field with
//! `#[serde(default)]` so older files still read.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{SyncCase, SyncSizes, wakeup::WAKEUPS_PER_ROUND_TRIP};
use crate::measure::Estimate;

/// The family of a sync case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SyncFamily {
    /// A shared counter under contention.
    Counter,
    /// Producer-consumer throughput.
    Queue,
    /// Notify-to-wake latency.
    Wakeup,
    /// A semaphore limiting tasks in flight.
    Semaphore,
}

impl SyncFamily {
    /// Every family, in report order.
    pub const ALL: [SyncFamily; 4] = [
        SyncFamily::Counter,
        SyncFamily::Queue,
        SyncFamily::Wakeup,
        SyncFamily::Semaphore,
    ];

    /// The family's name, the first part of its case names.
    pub fn name(self) -> &'static str {
        match self {
            SyncFamily::Counter => "counter",
            SyncFamily::Queue => "queue",
            SyncFamily::Wakeup => "wakeup",
            SyncFamily::Semaphore => "semaphore",
        }
    }

    /// What one operation of the family is, plural, for tables and axes.
    pub fn ops(self) -> &'static str {
        match self {
            SyncFamily::Counter => "increments",
            SyncFamily::Queue => "messages",
            SyncFamily::Wakeup => "wake-ups",
            SyncFamily::Semaphore => "tasks",
        }
    }

    /// What the record's `workers` counts in this family.
    pub fn workers_are(self) -> &'static str {
        match self {
            SyncFamily::Counter => "workers",
            SyncFamily::Queue => "producers = consumers",
            SyncFamily::Wakeup => "waiters",
            SyncFamily::Semaphore => "permits",
        }
    }
}

/// Lost updates of the racy counter over every batch the bench ran (warm-up included).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LostUpdates {
    /// Batches counted.
    pub batches: u64,
    /// Increments performed over those batches.
    pub attempted: u64,
    /// Increments lost over those batches (`attempted` minus the final counts).
    pub lost: u64,
    /// Fraction of a batch's increments lost: mean over batches with its 95% interval
    /// (normal approximation, clamped to 0..1).
    pub rate: Estimate,
}

impl LostUpdates {
    /// Summarises `(attempted, lost)` per batch; `None` without batches.
    pub fn from_batches(batches: &[(u64, u64)]) -> Option<LostUpdates> {
        if batches.is_empty() {
            return None;
        }
        let rates: Vec<f64> = batches
            .iter()
            .map(|&(a, l)| if a > 0 { l as f64 / a as f64 } else { 0.0 })
            .collect();
        let n = rates.len() as f64;
        let mean = rates.iter().sum::<f64>() / n;
        let var = if rates.len() > 1 {
            rates.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / (n - 1.0)
        } else {
            0.0
        };
        let half = 1.96 * (var / n).sqrt();
        Some(LostUpdates {
            batches: batches.len() as u64,
            attempted: batches.iter().map(|b| b.0).sum(),
            lost: batches.iter().map(|b| b.1).sum(),
            rate: Estimate {
                point: mean,
                lower: (mean - half).max(0.0),
                upper: (mean + half).min(1.0),
            },
        })
    }
}

/// One sync case as the results file records it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncRecord {
    /// `<family>-<primitive>`, e.g. `counter-mutex`, `queue-crossbeam`, `wakeup-condvar`.
    pub name: String,
    /// The family.
    pub family: SyncFamily,
    /// Workers (counter), producers and consumers each (queue), permits (semaphore), 1
    /// (wake-up).
    pub workers: usize,
    /// The sizes of a batch, e.g. `increments`, `messages`, `capacity`, `tasks`, `ms`.
    pub params: BTreeMap<String, u64>,
    /// Operations one timed batch performs (one wake-up round trip is 2 wake-ups).
    pub ops_per_batch: u64,
    /// Criterion's mean time of one batch, in nanoseconds, with its confidence interval.
    pub batch_ns: Estimate,
    /// Operations per second (from the mean; bounds from the time's bounds).
    pub ops_per_s: Estimate,
    /// Nanoseconds per operation.
    pub ns_per_op: Estimate,
    /// The racy counter's lost updates; `None` for every other case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lost_updates: Option<LostUpdates>,
}

impl SyncRecord {
    /// The record of `case` measured at `batch_ns` per batch with `sizes`.
    pub fn new(
        case: &SyncCase,
        sizes: &SyncSizes,
        batch_ns: Estimate,
        lost_updates: Option<LostUpdates>,
    ) -> SyncRecord {
        let (params, ops): (Vec<(&str, u64)>, u64) = match case.family {
            SyncFamily::Counter => (
                vec![
                    ("increments", sizes.increments),
                    ("workers", case.workers as u64),
                ],
                sizes.increments,
            ),
            SyncFamily::Queue => (
                vec![
                    ("messages", sizes.messages),
                    ("producers", case.workers as u64),
                    ("consumers", case.workers as u64),
                    ("capacity", sizes.capacity as u64),
                ],
                sizes.messages,
            ),
            SyncFamily::Wakeup => (
                vec![("wakeups_per_round_trip", WAKEUPS_PER_ROUND_TRIP)],
                WAKEUPS_PER_ROUND_TRIP,
            ),
            SyncFamily::Semaphore => {
                let tasks = sizes.sleep.params.get("tasks").copied().unwrap_or(0);
                let ms = sizes.sleep.params.get("ms").copied().unwrap_or(0);
                (
                    vec![
                        ("tasks", tasks),
                        ("ms", ms),
                        ("permits", case.workers as u64),
                    ],
                    tasks,
                )
            }
        };
        let ops_f = ops as f64;
        let per_s = |ns: f64| if ns > 0.0 { ops_f * 1e9 / ns } else { 0.0 };
        SyncRecord {
            name: case.name(),
            family: case.family,
            workers: case.workers,
            params: params
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
            ops_per_batch: ops,
            batch_ns,
            ops_per_s: Estimate {
                point: per_s(batch_ns.point),
                lower: per_s(batch_ns.upper),
                upper: per_s(batch_ns.lower),
            },
            ns_per_op: Estimate {
                point: batch_ns.point / ops_f,
                lower: batch_ns.lower / ops_f,
                upper: batch_ns.upper / ops_f,
            },
            lost_updates,
        }
    }

    /// The primitive's name: the record's name without its family.
    pub fn primitive(&self) -> &str {
        self.name
            .strip_prefix(self.family.name())
            .and_then(|s| s.strip_prefix('-'))
            .unwrap_or(&self.name)
    }

    /// Semaphore cases: tasks in flight on average, `tasks × latency / batch time` (ideally
    /// the permit count), with bounds from the time's bounds.
    pub fn in_flight(&self) -> Option<Estimate> {
        let tasks = *self.params.get("tasks")? as f64;
        let ms = *self.params.get("ms")? as f64;
        let waited = tasks * ms * 1e6;
        let at = |ns: f64| if ns > 0.0 { waited / ns } else { 0.0 };
        (self.family == SyncFamily::Semaphore).then(|| Estimate {
            point: at(self.batch_ns.point),
            lower: at(self.batch_ns.upper),
            upper: at(self.batch_ns.lower),
        })
    }
}

/// A number with three significant digits and an SI prefix: `1.23 M`, `456 k`, `7.89`.
pub fn si(value: f64) -> String {
    let (scaled, prefix) = match value.abs() {
        v if v >= 1e9 => (value / 1e9, " G"),
        v if v >= 1e6 => (value / 1e6, " M"),
        v if v >= 1e3 => (value / 1e3, " k"),
        _ => (value, " "),
    };
    let digits = match scaled.abs() {
        v if v >= 100.0 => 0,
        v if v >= 10.0 => 1,
        _ => 2,
    };
    format!("{scaled:.digits$}{prefix}").trim_end().to_string()
}

/// The table of one family: a row per record with its figures and 95% bounds. Empty when
/// the family has no record.
pub fn family_rows(records: &[SyncRecord], family: SyncFamily) -> Vec<Vec<String>> {
    let of: Vec<&SyncRecord> = records.iter().filter(|r| r.family == family).collect();
    if of.is_empty() {
        return Vec::new();
    }
    let bounds = |e: Estimate, f: &dyn Fn(f64) -> String| format!("{}–{}", f(e.lower), f(e.upper));
    let time = |ns: f64| crate::units::format_ns(ns);
    let mut header = vec!["case".to_string(), family.workers_are().to_string()];
    match family {
        SyncFamily::Wakeup => header.extend(["time per wake-up", "95% bounds"].map(String::from)),
        _ => header.extend([format!("{}/s", family.ops()), "95% bounds".to_string()]),
    }
    match family {
        SyncFamily::Counter => header.extend(["lost updates", "95% bounds"].map(String::from)),
        SyncFamily::Semaphore => header.extend(["tasks in flight", "95% bounds"].map(String::from)),
        _ => {}
    }
    let mut rows = vec![header];
    for r in of {
        let mut row = vec![r.name.clone(), r.workers.to_string()];
        match family {
            SyncFamily::Wakeup => {
                row.extend([time(r.ns_per_op.point), bounds(r.ns_per_op, &time)]);
            }
            _ => row.extend([si(r.ops_per_s.point), bounds(r.ops_per_s, &si)]),
        }
        let percent = |v: f64| format!("{:.2}%", v * 100.0);
        let two = |v: f64| format!("{v:.2}");
        match (family, r.lost_updates, r.in_flight()) {
            (SyncFamily::Counter, Some(l), _) => {
                row.extend([percent(l.rate.point), bounds(l.rate, &percent)]);
            }
            (SyncFamily::Counter, None, _) => row.extend(["—", "—"].map(String::from)),
            (SyncFamily::Semaphore, _, Some(f)) => row.extend([two(f.point), bounds(f, &two)]),
            (SyncFamily::Semaphore, _, None) => row.extend(["—", "—"].map(String::from)),
            _ => {}
        }
        rows.push(row);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Profile;
    use crate::sync::{SyncSizes, cases};

    fn est(point: f64, lower: f64, upper: f64) -> Estimate {
        Estimate {
            point,
            lower,
            upper,
        }
    }

    #[test]
    fn throughput_bounds_come_from_the_opposite_time_bounds() {
        let sizes = SyncSizes::for_profile(Profile::Smoke);
        let case = cases(&sizes)[0];
        let r = SyncRecord::new(&case, &sizes, est(2e6, 1e6, 4e6), None);
        assert_eq!(r.ops_per_batch, sizes.increments);
        let per_s = sizes.increments as f64 / 2e-3;
        assert_eq!(r.ops_per_s.point, per_s);
        assert_eq!(
            (r.ops_per_s.lower, r.ops_per_s.upper),
            (per_s / 2.0, per_s * 2.0)
        );
        assert_eq!(r.primitive(), "mutex");
        assert_eq!(r.in_flight(), None);
    }

    #[test]
    fn lost_update_rates_are_means_with_bounds_inside_zero_and_one() {
        let l = LostUpdates::from_batches(&[(100, 10), (100, 30)]).unwrap();
        assert_eq!((l.batches, l.attempted, l.lost), (2, 200, 40));
        assert!((l.rate.point - 0.2).abs() < 1e-12);
        assert!(l.rate.lower >= 0.0 && l.rate.lower < 0.2 && l.rate.upper > 0.2);
        assert_eq!(LostUpdates::from_batches(&[]), None);
        let none = LostUpdates::from_batches(&[(50, 0)]).unwrap();
        assert_eq!(none.rate, est(0.0, 0.0, 0.0));
    }

    #[test]
    fn semaphore_records_know_their_tasks_in_flight() {
        let sizes = SyncSizes::for_profile(Profile::Smoke);
        let case = *cases(&sizes)
            .iter()
            .find(|c| c.family == SyncFamily::Semaphore)
            .unwrap();
        // 16 tasks of 2 ms in 8 ms: 4 in flight on average.
        let r = SyncRecord::new(&case, &sizes, est(8e6, 8e6, 8e6), None);
        assert_eq!(r.in_flight().unwrap().point, 4.0);
        assert_eq!(si(1_234_567.0), "1.23 M");
        assert_eq!(si(12.0), "12.0");
    }
}
