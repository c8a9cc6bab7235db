//! The emulated interpreter lock and the `threads-gil` model: mutual exclusion, forced
//! switches, fairness, no self-waiting for a lone thread, and correct checksums.

use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use concbench::gil::{Gil, GilStats};
use concbench::model::threads_gil::ThreadsGil;
use concbench::model::{self, ModelConfig};
use concbench::workload::{self, Workload, WorkloadSpec, reference_checksum};

/// Runs `f` on its own thread and fails the test if it has not finished within `limit`
/// (a deadlock shows up as a clear failure instead of a hung test run).
fn within<T: Send + 'static>(limit: Duration, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    let handle = std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(limit) {
        Ok(value) => {
            handle.join().unwrap();
            value
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            // The closure panicked: surface its message.
            std::panic::resume_unwind(handle.join().unwrap_err())
        }
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("did not finish within {limit:?}"),
    }
}

/// An independent witness of mutual exclusion, kept by the test rather than by the lock.
#[derive(Default)]
struct Witness {
    /// Threads that currently believe they hold the lock.
    inside: AtomicUsize,
    /// Incremented by a load-then-store that loses updates unless calls are exclusive.
    racy: AtomicU64,
}

impl Witness {
    fn enter(&self) {
        assert_eq!(self.inside.fetch_add(1, Ordering::SeqCst), 0, "two holders");
    }

    fn leave(&self) {
        assert_eq!(self.inside.fetch_sub(1, Ordering::SeqCst), 1, "two holders");
    }

    /// A read-modify-write split in two, with a little work between.
    fn racy_increment(&self) {
        let v = self.racy.load(Ordering::Relaxed);
        spin(20);
        self.racy.store(v + 1, Ordering::Relaxed);
    }
}

fn spin(n: u64) -> u64 {
    let mut acc = 0u64;
    for i in 0..n {
        acc = acc.wrapping_add(black_box(i) * i);
    }
    black_box(acc)
}

#[test]
fn threads_hammering_the_lock_never_overlap() {
    const THREADS: usize = 4;
    let (stats, racy, increments) = within(Duration::from_secs(20), || {
        let gil = Gil::new(Duration::from_millis(1));
        let witness = Witness::default();
        let end = Instant::now() + Duration::from_millis(150);
        let increments: u64 = std::thread::scope(|s| {
            let handles: Vec<_> = (0..THREADS)
                .map(|_| {
                    s.spawn(|| {
                        let mut mine = 0u64;
                        let g = gil.acquire();
                        witness.enter();
                        while Instant::now() < end {
                            // A CPU burst longer than the switch interval, ticking often.
                            let burst_end = Instant::now() + Duration::from_millis(3);
                            while Instant::now() < burst_end {
                                witness.racy_increment();
                                mine += 1;
                                witness.leave();
                                g.tick();
                                witness.enter();
                            }
                            witness.leave();
                            g.release_during(|| std::thread::sleep(Duration::from_micros(50)));
                            witness.enter();
                        }
                        witness.leave();
                        drop(g);
                        mine
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).sum()
        });
        (gil.stats(), witness.racy.into_inner(), increments)
    });
    assert_eq!(stats.max_holders, 1, "{stats:?}");
    assert!(stats.forced_switches > 0, "{stats:?}");
    assert!(stats.drop_requests > 0, "{stats:?}");
    assert!(stats.acquisitions > THREADS as u64, "{stats:?}");
    assert!(increments > 0);
    assert_eq!(
        racy, increments,
        "lost updates: the lock let two threads in"
    );
}

#[test]
fn two_cpu_bound_threads_both_make_progress() {
    let (counts, firsts, run, stats) = within(Duration::from_secs(20), || {
        let gil = Gil::new(Duration::from_millis(1));
        let stop = AtomicBool::new(false);
        let start = Instant::now();
        let results: Vec<(u64, Duration)> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..2)
                .map(|_| {
                    s.spawn(|| {
                        let g = gil.acquire();
                        let mut done = 0u64;
                        let mut first = None;
                        while !stop.load(Ordering::Relaxed) {
                            // One task: a little CPU work, ticking as workloads do.
                            for _ in 0..10 {
                                spin(100);
                                g.tick();
                            }
                            done += 1;
                            first.get_or_insert_with(|| start.elapsed());
                        }
                        (done, first.unwrap_or(Duration::MAX))
                    })
                })
                .collect();
            std::thread::sleep(Duration::from_millis(200));
            stop.store(true, Ordering::Relaxed);
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let run = start.elapsed();
        let counts: Vec<u64> = results.iter().map(|r| r.0).collect();
        let firsts: Vec<Duration> = results.iter().map(|r| r.1).collect();
        (counts, firsts, run, gil.stats())
    });
    let total: u64 = counts.iter().sum();
    for (&count, &first) in counts.iter().zip(&firsts) {
        assert!(count > 0, "a thread starved: {counts:?} {stats:?}");
        // With a 1 ms interval a thread waits a few ms, not most of the run, for its turn
        // (the run is measured, so a slow machine stretches both).
        assert!(
            first * 4 < run * 3,
            "first task at {first:?} of a {run:?} run"
        );
        // The lock alternates every interval, so neither gets only a sliver of the work.
        assert!(count * 10 >= total, "unfair split {counts:?} {stats:?}");
    }
    assert!(stats.forced_switches > 0, "{stats:?}");
    assert_eq!(stats.max_holders, 1);
}

/// The best of three timed batches of `model` with `workers` on `w`, each checked against
/// `want`: one unlucky scheduling delay on a loaded machine does not decide a verdict.
fn best_of_three(model: &str, w: &Arc<dyn Workload>, workers: usize, want: u64) -> Duration {
    let info = model::find(model).unwrap();
    let mut m = model::build(info, w.clone(), workers, &ModelConfig::default()).unwrap();
    let mut best = Duration::MAX;
    for _ in 0..3 {
        let start = Instant::now();
        let got = m.run().unwrap();
        best = best.min(start.elapsed());
        assert_eq!(got, want, "{model} x{workers}");
    }
    m.finish().unwrap();
    best
}

#[test]
fn sleep_workload_overlaps_waits_under_the_lock() {
    let spec = WorkloadSpec::new("sleep").with("tasks", 32).with("ms", 5);
    let w = workload::build(&spec).unwrap();
    let want = reference_checksum(w.as_ref());
    let sequential = best_of_three("sequential", &w, 1, want);
    let gil = best_of_three("threads-gil", &w, 8, want);
    // Sequential sleeps 32 x 5 ms; 8 threads that release the lock while they sleep take
    // about 4 rounds of 5 ms, an eighth of it. Half is a wide bound, not a benchmark.
    assert!(
        gil * 2 < sequential,
        "threads-gil x8 took {gil:?}, sequential {sequential:?}: waits did not overlap"
    );
}

#[test]
fn sum_squares_checksum_matches_at_every_worker_count() {
    let spec = WorkloadSpec::new("sum-squares")
        .with("tasks", 13)
        .with("n", 30_000);
    let w = workload::build(&spec).unwrap();
    let want = reference_checksum(w.as_ref());
    let info = model::find("threads-gil").unwrap();
    for workers in [1, 2, 3, 8] {
        let mut m = model::build(info, w.clone(), workers, &ModelConfig::default()).unwrap();
        assert_eq!(m.run().unwrap(), want, "registry build, {workers} workers");
        m.finish().unwrap();

        // A short interval so that the lock really changes hands mid-task.
        let mut direct = ThreadsGil::new(w.clone(), workers, Duration::from_micros(200)).unwrap();
        for _ in 0..2 {
            assert_eq!(model::Model::run(&mut direct).unwrap(), want);
        }
        let stats: GilStats = direct.gil_stats();
        assert_eq!(stats.max_holders, 1, "{workers} workers: {stats:?}");
        assert!(
            stats.acquisitions >= 2 * workers as u64,
            "{workers} workers: {stats:?}"
        );
        if workers == 1 {
            assert_eq!(stats.forced_switches, 0, "{stats:?}");
            assert_eq!(stats.contended_acquisitions, 0, "{stats:?}");
        }
    }
    assert!(ThreadsGil::new(w, 0, Duration::from_millis(5)).is_err());
}

#[test]
fn a_lone_thread_never_waits_on_itself() {
    let stats = within(Duration::from_secs(20), || {
        // Ticks under an interval that never runs out are the reference: a lone thread
        // that waited on itself whenever its 1 us interval ran out would be far slower.
        // Rounds alternate between the two, so that a burst of load elsewhere on the machine
        // slows both alike; the best round of each is compared.
        let relaxed = Gil::new(Duration::from_secs(3600));
        let gil = Gil::new(Duration::from_micros(1));
        let (mut reference, mut ticks) = (Duration::MAX, Duration::MAX);
        for _ in 0..TICK_ROUNDS {
            reference = reference.min(tick_time(&relaxed));
            ticks = ticks.min(tick_time(&gil));
        }
        assert!(
            ticks < reference * 3 + Duration::from_millis(1),
            "1e6 ticks took {ticks:?} under a 1 us interval, {reference:?} under 1 hour"
        );
        let g = gil.acquire();
        for i in 0..100 {
            assert_eq!(g.release_during(|| i), i);
            g.tick();
        }
        drop(g);
        // Taking it again after teardown of the guard is immediate.
        assert!(gil.try_acquire_for(Duration::ZERO).is_some());
        gil.stats()
    });
    assert_eq!(stats.forced_switches, 0, "{stats:?}");
    assert_eq!(stats.drop_requests, 0, "{stats:?}");
    assert_eq!(stats.contended_acquisitions, 0, "{stats:?}");
    assert_eq!(stats.max_holders, 1);
    // The timed rounds, one acquisition, 100 retakes after a release, one after teardown.
    assert_eq!(stats.acquisitions, TICK_ROUNDS + 1 + 100 + 1);
}

/// Timed rounds of ticks per lock in `a_lone_thread_never_waits_on_itself`.
const TICK_ROUNDS: u64 = 7;

/// The time of 1e6 ticks under a fresh acquisition of `gil`.
fn tick_time(gil: &Gil) -> Duration {
    let g = gil.acquire();
    let start = Instant::now();
    for _ in 0..1_000_000 {
        g.tick();
    }
    start.elapsed()
}

#[test]
fn waiters_that_give_up_never_strand_the_holder() {
    let (stats, racy, increments) = within(Duration::from_secs(20), || {
        let gil = Gil::new(Duration::from_micros(500));
        let witness = Witness::default();
        let end = Instant::now() + Duration::from_millis(120);
        let increments: u64 = std::thread::scope(|s| {
            // One thread that always wants the lock and ticks while it holds it.
            let holder = s.spawn(|| {
                let mut mine = 0u64;
                let g = gil.acquire();
                witness.enter();
                while Instant::now() < end {
                    witness.racy_increment();
                    mine += 1;
                    witness.leave();
                    g.tick();
                    witness.enter();
                }
                witness.leave();
                mine
            });
            // Impatient threads: give up after 0 to 1.2 ms, i.e. before, around and after
            // the moment they would ask the holder to let go.
            let quitters: Vec<_> = (0..3u64)
                .map(|t| {
                    let (gil, witness) = (&gil, &witness);
                    s.spawn(move || {
                        let mut mine = 0u64;
                        let mut k = t;
                        while Instant::now() < end {
                            k += 1;
                            let patience = Duration::from_micros((k * 337) % 1200);
                            if let Some(g) = gil.try_acquire_for(patience) {
                                witness.enter();
                                witness.racy_increment();
                                mine += 1;
                                witness.leave();
                                drop(g);
                            }
                        }
                        mine
                    })
                })
                .collect();
            holder.join().unwrap() + quitters.into_iter().map(|h| h.join().unwrap()).sum::<u64>()
        });
        (gil.stats(), witness.racy.into_inner(), increments)
    });
    assert_eq!(stats.max_holders, 1, "{stats:?}");
    assert!(stats.timeouts > 0, "{stats:?}");
    assert!(stats.forced_switches > 0, "{stats:?}");
    assert_eq!(
        racy, increments,
        "lost updates: the lock let two threads in"
    );
}
