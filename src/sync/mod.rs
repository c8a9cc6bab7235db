//! Synchronisation under contention: the primitives `benches/sync.rs` measures, kept in the
//! library so that tests can check them and the bench stays thin.
//!
//! Four families, one file each, each with an enum of its primitives:
//! - [`counter`]: a counter incremented by 1 to 8 threads: `Mutex`, `RwLock` (write), atomic
//!   `fetch_add`, per-worker shards, and a deliberately racy load-then-store that loses
//!   updates and counts them;
//! - [`queue`]: producer-consumer throughput with 1, 2 and 4 producers and as many consumers:
//!   std `sync_channel`, crossbeam, tokio `mpsc` and a pipe into consumer processes
//!   ([`pipe_queue`]);
//! - [`wakeup`]: notify-to-wake latency of a `Condvar`, tokio's `Notify` and a pipe;
//! - [`semaphore`]: tokio's `Semaphore` vs a `Condvar` counting semaphore limiting the
//!   `sleep` workload's tasks in flight.
//!
//! [`fork`] makes the helper processes, [`record`] turns a measured case into the results
//! file's [`SyncRecord`]. A case is one (family, primitive, workers) triple ([`SyncCase`]),
//! named `<family>-<primitive>` in the results (`counter-mutex`) and
//! `sync-<family>/<primitive>/<workers>` in criterion. Sizes come from the profile
//! ([`SyncSizes`]), never from calibration. To add a primitive, add a variant to its family's
//! enum (name, code, and a test); [`cases`] picks it up, and the bench and report with it. A
//! new family needs a [`SyncFamily`] variant, its file, its arm in the bench, and a chart.

pub mod counter;
pub mod fork;
pub mod pipe_queue;
pub mod queue;
pub mod record;
pub mod semaphore;
pub mod wakeup;

pub use record::{LostUpdates, SyncFamily, SyncRecord};

use crate::profile::CriterionSettings;
use crate::profile::Profile;
use crate::workload::{self, WorkloadSpec};

/// Marks the warnings the sync bench adds to a results file, so a re-run replaces them.
pub const WARNING_PREFIX: &str = "sync bench: ";

/// Worker counts of the counter cases.
pub const COUNTER_WORKERS: [usize; 4] = [1, 2, 4, 8];
/// Producers (and as many consumers) of the queue cases.
pub const QUEUE_SHAPES: [usize; 3] = [1, 2, 4];

/// One measured case: a primitive of a family at one degree of contention.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncCase {
    /// The family.
    pub family: SyncFamily,
    /// The primitive's name within its family, e.g. `mutex`.
    pub primitive: &'static str,
    /// Workers (counter), producers and consumers each (queue), permits (semaphore), 1
    /// (wake-up).
    pub workers: usize,
}

impl SyncCase {
    /// The name in results and reports: `<family>-<primitive>`, e.g. `counter-mutex`.
    pub fn name(&self) -> String {
        format!("{}-{}", self.family.name(), self.primitive)
    }

    /// Criterion's group: `sync-<family>`.
    pub fn group(&self) -> String {
        format!("sync-{}", self.family.name())
    }

    /// Criterion's full id: `sync-<family>/<primitive>/<workers>`.
    pub fn id(&self) -> String {
        format!("{}/{}/{}", self.group(), self.primitive, self.workers)
    }
}

/// How much work each case does, per profile.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncSizes {
    /// Increments per counter batch, across all workers.
    pub increments: u64,
    /// Messages per queue batch, across all producers.
    pub messages: u64,
    /// Capacity of every bounded channel.
    pub capacity: usize,
    /// The `sleep` workload the semaphores limit.
    pub sleep: WorkloadSpec,
    /// Permit counts of the semaphore cases: a sixteenth, a quarter and all of the tasks.
    pub permits: Vec<usize>,
}

impl SyncSizes {
    /// The sizes of `profile`.
    pub fn for_profile(profile: Profile) -> SyncSizes {
        let (increments, messages) = match profile {
            Profile::Smoke => (20_000, 5_000),
            Profile::Quick => (100_000, 20_000),
            Profile::Default => (200_000, 50_000),
            Profile::Full => (1_000_000, 200_000),
        };
        let sleep = workload::find("sleep")
            .map(|info| (info.spec_for)(profile))
            .expect("the sleep workload is registered");
        let tasks = sleep.params.get("tasks").copied().unwrap_or(16) as usize;
        let mut permits: Vec<usize> = [tasks / 16, tasks / 4, tasks]
            .into_iter()
            .map(|p| p.max(1))
            .collect();
        permits.dedup();
        SyncSizes {
            increments,
            messages,
            capacity: 256,
            sleep,
            permits,
        }
    }
}

/// Every case of a profile, in table order: counters, queues, wake-ups, semaphores.
pub fn cases(sizes: &SyncSizes) -> Vec<SyncCase> {
    let case = |family, primitive, workers| SyncCase {
        family,
        primitive,
        workers,
    };
    let mut out = Vec::new();
    for kind in counter::CounterKind::ALL {
        out.extend(COUNTER_WORKERS.map(|w| case(SyncFamily::Counter, kind.name(), w)));
    }
    for kind in queue::QueueKind::ALL {
        out.extend(QUEUE_SHAPES.map(|n| case(SyncFamily::Queue, kind.name(), n)));
    }
    for kind in wakeup::WakeupKind::ALL {
        out.push(case(SyncFamily::Wakeup, kind.name(), 1));
    }
    for kind in semaphore::SemaphoreKind::ALL {
        out.extend(
            sizes
                .permits
                .iter()
                .map(|&p| case(SyncFamily::Semaphore, kind.name(), p)),
        );
    }
    out
}

/// The case names of `family` in results and reports (`counter-mutex`, ...), one per
/// primitive, in the order of the family's enum.
pub fn case_names(family: SyncFamily) -> Vec<String> {
    let primitives: Vec<&str> = match family {
        SyncFamily::Counter => counter::CounterKind::ALL.map(|k| k.name()).to_vec(),
        SyncFamily::Queue => queue::QueueKind::ALL.map(|k| k.name()).to_vec(),
        SyncFamily::Wakeup => wakeup::WakeupKind::ALL.map(|k| k.name()).to_vec(),
        SyncFamily::Semaphore => semaphore::SemaphoreKind::ALL.map(|k| k.name()).to_vec(),
    };
    primitives
        .into_iter()
        .map(|p| format!("{}-{p}", family.name()))
        .collect()
}

/// Criterion's settings for the sync bench: every case is short, so less time per case than
/// the models bench; the default profile's 43 cases take about a minute on 2 cores.
pub fn criterion_settings(profile: Profile) -> CriterionSettings {
    let (sample_size, warm_up_s, measurement_s, resamples) = match profile {
        Profile::Smoke => (10, 0.05, 0.1, 2_000),
        Profile::Quick => (10, 0.05, 0.25, 5_000),
        Profile::Default => (10, 0.2, 0.6, 10_000),
        Profile::Full => (20, 1.0, 3.0, 50_000),
    };
    CriterionSettings {
        sample_size,
        warm_up_s,
        measurement_s,
        resamples,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_names_and_ids_are_unique_and_readable() {
        let all = cases(&SyncSizes::for_profile(Profile::Default));
        assert_eq!(all.len(), 5 * 4 + 4 * 3 + 4 + 2 * 3);
        assert_eq!(all[0].name(), "counter-mutex");
        assert_eq!(all[0].id(), "sync-counter/mutex/1");
        let mut ids: Vec<String> = all.iter().map(SyncCase::id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), all.len());
        for family in SyncFamily::ALL {
            let names = case_names(family);
            for case in all.iter().filter(|c| c.family == family) {
                assert!(names.contains(&case.name()), "{}", case.name());
            }
        }
        assert_eq!(case_names(SyncFamily::Counter)[1], "counter-rwlock");
    }

    #[test]
    fn permits_follow_the_sleep_workload_of_each_profile() {
        assert_eq!(SyncSizes::for_profile(Profile::Smoke).permits, [1, 4, 16]);
        assert_eq!(SyncSizes::for_profile(Profile::Default).permits, [2, 8, 32]);
        for profile in Profile::ALL {
            let s = SyncSizes::for_profile(profile);
            assert!(
                s.increments >= 8 && s.messages >= 4 && s.capacity >= 1,
                "{profile}"
            );
        }
    }
}
