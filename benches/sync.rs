//! `cargo bench --bench sync`: synchronisation under contention, the primitives of
//! [`concbench::sync`] under criterion.
//!
//! Groups (criterion ids `sync-<family>/<primitive>/<workers>`, results names
//! `<family>-<primitive>`):
//! - `sync-counter`: a counter incremented by 1, 2, 4 and 8 threads, one batch = the
//!   profile's increments split across them: `mutex`, `rwlock` (write), `atomic`
//!   (`fetch_add`), `sharded` (a counter per thread, summed) and `racy` (separate relaxed
//!   load and store). Every synchronised batch is checked to end exactly at its total; the
//!   racy one's lost updates are counted over every batch criterion runs.
//! - `sync-queue`: one batch = the profile's messages from 1, 2 or 4 producers to as many
//!   consumers through `std-mpsc` (bounded `sync_channel`, the receiver shared behind a
//!   `Mutex` when there are several consumers), `crossbeam` (bounded), `tokio-mpsc`
//!   (bounded, tasks on a multi-thread runtime) and `pipe` (producer threads to forked
//!   consumer processes); every batch is checked to deliver each message exactly once.
//! - `sync-wakeup`: one iteration = a ping-pong round trip, two wake-ups, over a `condvar`,
//!   a `tokio-notify` across threads, a `tokio-notify-current` within one thread, and a
//!   `pipe` to a forked process.
//! - `sync-semaphore`: the `sleep` workload of the profile, every task started at once and
//!   limited to a sixteenth, a quarter and all of the tasks in flight by a `tokio`
//!   `Semaphore` (current-thread runtime) or a `condvar` counting semaphore (a thread per
//!   task); every batch's checksum is checked against the workload's reference.
//!
//! Runtimes, partner threads and helper processes are built before timing and stopped after.
//! After criterion's summary (only when measuring) this run's estimates are stored as the
//! `sync` list of `<reports>/<machine-slug>/results.json` (kept cases of the file stay as
//! they are; a filtered run replaces only its own records), a table per family is printed,
//! and the report is rendered again. Settings: `CONCBENCH_PROFILE` and
//! `CONCBENCH_REPORTS_DIR`; criterion's own arguments work as usual.

use std::collections::HashMap;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use concbench::bench::list::{
    ListRun, merge_records, replace_warnings, wide_interval_warning, write_and_render,
};
use concbench::bench::suite::{BenchArgs, SuiteConfig, criterion_dir};
use concbench::results::criterion::{CriterionId as ImportedId, import};
use concbench::sync::counter::{CounterKind, count};
use concbench::sync::queue::{Delivery, QueueKind, QueueRunner};
use concbench::sync::record::family_rows;
use concbench::sync::semaphore::{SemaphoreKind, run_limited};
use concbench::sync::wakeup::{WakeupKind, WakeupPartner};
use concbench::sync::{
    LostUpdates, SyncCase, SyncFamily, SyncRecord, SyncSizes, WARNING_PREFIX, cases,
    criterion_settings,
};
use concbench::table::markdown;
use concbench::workload::{self, Workload};
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, BenchmarkId, SamplingMode};

/// `(attempted, lost)` of every racy batch, by case id.
type LostTally = HashMap<String, Vec<(u64, u64)>>;

mod common;

fn main() -> ExitCode {
    common::exit_with(run())
}

fn run() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let bench_args = BenchArgs::parse(&args)?;
    let config = SuiteConfig::from_env()?;
    let sizes = SyncSizes::for_profile(config.profile);
    let s = criterion_settings(config.profile);
    let mut criterion = common::configured_criterion(&s);
    let list_run = ListRun::start(&config);
    let selected: Vec<SyncCase> = cases(&sizes)
        .into_iter()
        .filter(|c| bench_args.selects(&c.id()))
        .collect();
    let mut tally = LostTally::new();
    for family in SyncFamily::ALL {
        let of: Vec<&SyncCase> = selected.iter().filter(|c| c.family == family).collect();
        if of.is_empty() {
            continue;
        }
        let mut group = criterion.benchmark_group(of[0].group());
        if family == SyncFamily::Semaphore {
            // Batches of many milliseconds: the same iteration count in every sample.
            group.sampling_mode(SamplingMode::Flat);
        }
        for case in of {
            bench_case(&mut group, case, &sizes, &mut tally).with_context(|| case.id())?;
        }
        group.finish();
    }
    criterion.final_summary();
    // Criterion measures only when cargo passed `--bench` (`cargo test --benches` runs this
    // binary without it, in test mode).
    let measuring = bench_args.measuring && args.iter().any(|a| a == "--bench");
    if !measuring || selected.is_empty() {
        return Ok(());
    }
    store(
        &selected,
        &sizes,
        &tally,
        list_run,
        &config,
        bench_args.filter.is_none(),
    )
}

/// Checks one case once, then times it.
fn bench_case(
    group: &mut BenchmarkGroup<'_, WallTime>,
    case: &SyncCase,
    sizes: &SyncSizes,
    tally: &mut LostTally,
) -> anyhow::Result<()> {
    let id = case.id();
    let workers = case.workers;
    let bench_id = BenchmarkId::new(case.primitive, workers);
    match case.family {
        SyncFamily::Counter => {
            let kind = CounterKind::find(case.primitive).context("unknown counter")?;
            let n = sizes.increments;
            let o = count(kind, workers, n);
            if o.attempted != n || o.total + o.lost != n || (kind.is_synchronised() && o.lost > 0) {
                bail!("{id} counted {o:?} for {n} increments; it will not be timed");
            }
            let batches = tally.entry(id.clone()).or_default();
            group.bench_function(bench_id, |b| {
                b.iter(|| {
                    let o = count(kind, workers, n);
                    if kind.is_synchronised() {
                        assert_eq!(o.total, n, "{id} lost increments");
                    } else {
                        batches.push((o.attempted, o.lost));
                    }
                    o.total
                })
            });
        }
        SyncFamily::Queue => {
            let kind = QueueKind::find(case.primitive).context("unknown queue")?;
            let messages = sizes.messages;
            let want = Delivery::expected(messages);
            let mut runner = QueueRunner::new(kind, workers, workers, sizes.capacity)?;
            let got = runner.run(messages)?;
            if got != want {
                bail!("{id} delivered {got:?} but {want:?} was sent; it will not be timed");
            }
            group.bench_function(bench_id, |b| {
                b.iter(|| {
                    let got = runner
                        .run(messages)
                        .unwrap_or_else(|e| panic!("{id} failed: {e}"));
                    assert_eq!(got, want, "{id} lost or duplicated messages");
                    got.count
                })
            });
            runner.finish().context("stopping the queue")?;
        }
        SyncFamily::Wakeup => {
            let kind = WakeupKind::find(case.primitive).context("unknown wake-up")?;
            let mut partner = WakeupPartner::start(kind)?;
            partner.round_trips(100)?;
            group.bench_function(bench_id, |b| {
                b.iter_custom(|rounds| {
                    partner
                        .round_trips(rounds)
                        .unwrap_or_else(|e| panic!("{id} failed: {e}"))
                })
            });
            partner.stop().context("stopping the wake-up partner")?;
        }
        SyncFamily::Semaphore => {
            let kind = SemaphoreKind::find(case.primitive).context("unknown semaphore")?;
            let sleep: Arc<dyn Workload> = workload::build(&sizes.sleep)?;
            let want = reference(&sizes.sleep, sleep.as_ref());
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_time()
                .build()?;
            let o = run_limited(kind, &sleep, workers, &rt);
            if o.checksum != want || o.peak_in_flight > workers {
                bail!(
                    "{id} returned {o:?}, want checksum {want:#018x} and at most {workers} in flight; it will not be timed"
                );
            }
            group.bench_function(bench_id, |b| {
                b.iter(|| {
                    let o = run_limited(kind, &sleep, workers, &rt);
                    assert_eq!(o.checksum, want, "{id} returned a wrong checksum");
                    assert!(o.peak_in_flight <= workers, "{id} let too many tasks run");
                    o.checksum
                })
            });
        }
    }
    Ok(())
}

/// The sleep workload's reference checksum, computed once (it sleeps every task in turn).
fn reference(spec: &workload::WorkloadSpec, sleep: &dyn Workload) -> u64 {
    static CACHE: std::sync::Mutex<Vec<(workload::WorkloadSpec, u64)>> =
        std::sync::Mutex::new(Vec::new());
    let mut cache = CACHE.lock().expect("not poisoned");
    if let Some((_, sum)) = cache.iter().find(|(s, _)| s == spec) {
        return *sum;
    }
    let sum = workload::reference_checksum(sleep);
    cache.push((spec.clone(), sum));
    sum
}

fn matches(case: &SyncCase, id: &ImportedId) -> bool {
    id.group == case.group()
        && id.function.as_deref() == Some(case.primitive)
        && id.value_number() == Some(case.workers as u64)
}

/// Imports this run's estimates, stores them as the `sync` list of the machine's results
/// file, prints a table per family and renders the report again. `whole` is true when no
/// filter was given, so the list is replaced.
fn store(
    selected: &[SyncCase],
    sizes: &SyncSizes,
    tally: &LostTally,
    mut list_run: ListRun,
    config: &SuiteConfig,
    whole: bool,
) -> anyhow::Result<()> {
    let dir = criterion_dir();
    let imported = import(&dir, |id| selected.iter().any(|c| matches(c, id)))
        .with_context(|| format!("importing criterion results from {}", dir.display()))?;
    let mut warnings = Vec::new();
    let mut records = Vec::new();
    for case in selected {
        let Some(found) = list_run.fresh(&imported, |id| matches(case, id)) else {
            warnings.push(format!(
                "{}: criterion wrote no estimates during this run (--load-baseline or --discard-baseline?); not recorded",
                case.id()
            ));
            continue;
        };
        warnings.extend(wide_interval_warning(&case.id(), &found.mean));
        let lost = tally
            .get(&case.id())
            .and_then(|batches| LostUpdates::from_batches(batches));
        records.push(SyncRecord::new(case, sizes, found.mean, lost));
    }
    if records.is_empty() {
        for warning in &warnings {
            println!("warning: {warning}");
        }
        println!("sync: nothing measured in this run, so no results file was changed");
        return Ok(());
    }
    let (path, mut results) = list_run.open_results(config, "the sync figures")?;
    warnings.extend(list_run.machine.busy_reasons.iter().cloned());
    if results.run.profile != config.profile {
        warnings.push(format!(
            "measured with profile {}, the rest of the file with profile {}",
            config.profile, results.run.profile
        ));
    }
    let order = cases(sizes);
    merge_records(
        &mut results.sync,
        records,
        whole,
        |new, old| new.name == old.name && new.workers == old.workers,
        |r| {
            order
                .iter()
                .position(|c| c.name() == r.name && c.workers == r.workers)
                .unwrap_or(usize::MAX)
        },
    );
    replace_warnings(&mut results, WARNING_PREFIX, &warnings);
    for family in SyncFamily::ALL {
        let rows = family_rows(&results.sync, family);
        if !rows.is_empty() {
            println!("\n{}, 95% bounds\n\n{}", family.name(), markdown(&rows));
        }
    }
    for warning in &warnings {
        println!("warning: {warning}");
    }
    write_and_render(&path, &results, true)
}
