//! The sync primitives end to end: counters end at the right total (or account for every
//! lost update), queues deliver every message exactly once, semaphores keep their limit,
//! helper processes are gone afterwards, and sync records survive the results file and
//! reach the report.

use std::path::Path;
use std::sync::Arc;

use concbench::Profile;
use concbench::plot::{Format, Theme};
use concbench::report::{ReportOptions, render};
use concbench::results::schema::{Estimate, Results};
use concbench::sync::counter::{CounterKind, count};
use concbench::sync::fork::process_is_gone;
use concbench::sync::queue::{Delivery, QueueKind, QueueRunner};
use concbench::sync::semaphore::{SemaphoreKind, run_limited};
use concbench::sync::wakeup::{WakeupKind, WakeupPartner};
use concbench::sync::{
    COUNTER_WORKERS, LostUpdates, QUEUE_SHAPES, SyncFamily, SyncRecord, SyncSizes, cases,
};
use concbench::workload::{self, WorkloadSpec};

/// Not a multiple of any worker count, so uneven shares are exercised.
const INCREMENTS: u64 = 20_011;

#[test]
fn every_synchronised_counter_ends_exactly_at_the_total() {
    for kind in CounterKind::ALL.into_iter().filter(|k| k.is_synchronised()) {
        for workers in COUNTER_WORKERS {
            let o = count(kind, workers, INCREMENTS);
            assert_eq!(o.total, INCREMENTS, "{kind:?} with {workers} workers");
            assert_eq!(o.attempted, INCREMENTS, "{kind:?} with {workers} workers");
            assert_eq!(o.lost, 0, "{kind:?} with {workers} workers");
        }
    }
}

#[test]
fn the_racy_counter_accounts_for_every_update_it_loses() {
    for workers in COUNTER_WORKERS {
        let o = count(CounterKind::Racy, workers, INCREMENTS);
        // `attempted` is counted by the workers, `total` read from the counter: every
        // increment was made, and a lost update can only ever make the counter fall short
        // (`lost` is defined as their difference, so it needs no check of its own).
        assert_eq!(o.attempted, INCREMENTS, "{workers} workers");
        assert!(o.total <= INCREMENTS, "{workers} workers: {o:?}");
        if workers == 1 {
            assert_eq!(o.lost, 0, "one worker has nobody to race with");
        }
    }
}

#[test]
fn every_queue_delivers_every_message_exactly_once_at_every_shape() {
    let messages = 3_001;
    let want = Delivery::expected(messages);
    for kind in QueueKind::ALL {
        for n in QUEUE_SHAPES {
            let mut runner = QueueRunner::new(kind, n, n, 16).unwrap();
            // Twice: the pipe's consumer processes serve batch after batch.
            for batch in 0..2 {
                let got = runner.run(messages).unwrap();
                assert_eq!(got.count, want.count, "{kind:?} {n}x{n} batch {batch}");
                assert_eq!(
                    got.checksum, want.checksum,
                    "{kind:?} {n}x{n} batch {batch}"
                );
            }
            runner.finish().unwrap();
        }
    }
}

#[test]
fn pipe_consumer_processes_are_gone_after_finish_and_after_drop() {
    let runner = QueueRunner::new(QueueKind::Pipe, 2, 3, 16).unwrap();
    let pids = runner.child_pids();
    assert_eq!(pids.len(), 3);
    runner.finish().unwrap();
    for pid in pids {
        assert!(process_is_gone(pid), "consumer {pid} is still there");
    }

    let mut runner = QueueRunner::new(QueueKind::Pipe, 1, 2, 16).unwrap();
    assert_eq!(runner.run(100).unwrap(), Delivery::expected(100));
    let pids = runner.child_pids();
    drop(runner);
    for pid in pids {
        assert!(
            process_is_gone(pid),
            "consumer {pid} is still there after drop"
        );
    }
}

#[test]
fn semaphores_keep_their_limit_and_return_the_reference_checksum() {
    let spec = WorkloadSpec::new("sleep").with("tasks", 12).with("ms", 1);
    let sleep: Arc<dyn workload::Workload> = workload::build(&spec).unwrap();
    let want = workload::reference_checksum(sleep.as_ref());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    for kind in SemaphoreKind::ALL {
        for permits in [1, 3, 12] {
            let o = run_limited(kind, &sleep, permits, &rt);
            assert_eq!(o.checksum, want, "{kind:?} with {permits} permits");
            assert!(
                (1..=permits).contains(&o.peak_in_flight),
                "{kind:?} with {permits} permits ran {} at once",
                o.peak_in_flight
            );
        }
        // With one permit, the tasks run strictly one at a time.
        assert_eq!(run_limited(kind, &sleep, 1, &rt).peak_in_flight, 1);
    }
}

#[test]
fn the_pipe_wakeup_partner_is_gone_after_stop() {
    let mut partner = WakeupPartner::start(WakeupKind::Pipe).unwrap();
    partner.round_trips(10).unwrap();
    let pid = partner.child_pid().expect("the pipe partner is a process");
    partner.stop().unwrap();
    assert!(
        process_is_gone(pid),
        "the echo process {pid} is still there"
    );
}

fn est(point: f64) -> Estimate {
    Estimate {
        point,
        lower: point * 0.9,
        upper: point * 1.1,
    }
}

/// A record for every smoke case, with made-up times.
fn sync_records() -> Vec<SyncRecord> {
    let sizes = SyncSizes::for_profile(Profile::Smoke);
    cases(&sizes)
        .iter()
        .enumerate()
        .map(|(i, case)| {
            let lost = (case.primitive == "racy").then(|| {
                let l = (case.workers as u64 - 1) * 100;
                LostUpdates::from_batches(&[(20_000, l), (20_000, l + 10)]).unwrap()
            });
            SyncRecord::new(case, &sizes, est(1e6 + i as f64 * 1e4), lost)
        })
        .collect()
}

fn fixture() -> Results {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/results/valid.json");
    Results::read(&path).unwrap()
}

#[test]
fn sync_records_round_trip_and_older_files_read_without_them() {
    let mut results = fixture();
    assert!(results.sync.is_empty(), "valid.json predates the sync list");
    results.sync = sync_records();
    let back = Results::from_json(&results.to_json(), Path::new("x.json")).unwrap();
    assert_eq!(back, results);
    let racy = back.sync.iter().find(|r| r.name == "counter-racy").unwrap();
    assert!(racy.lost_updates.is_some());
    assert!(back.sync.iter().any(|r| r.family == SyncFamily::Queue));
}

#[test]
fn the_report_has_a_sync_section_and_charts_only_with_sync_records() {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("sync-report");
    let _ = std::fs::remove_dir_all(&out);
    let options = ReportOptions {
        out_dir: out.clone(),
        formats: vec![Format::Svg],
        theme: Theme::Light,
    };
    let mut results = fixture();
    render(&results, &options).unwrap();
    let text = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(!text.contains("## Synchronisation"), "{text}");

    results.sync = sync_records();
    let summary = render(&results, &options).unwrap();
    let text = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        text.contains("## Synchronisation under contention"),
        "{text}"
    );
    for name in [
        "counter-mutex",
        "counter-racy",
        "queue-pipe",
        "wakeup-condvar",
    ] {
        assert!(text.contains(name), "{name} missing from the report");
    }
    for chart in [
        "sync-counter",
        "sync-race",
        "sync-queue",
        "sync-wakeup",
        "sync-semaphore",
    ] {
        let file = format!("{chart}.svg");
        assert!(text.contains(&format!("]({file})")), "{chart} not linked");
        assert!(summary.files.iter().any(|f| f.ends_with(&file)), "{chart}");
        let svg = std::fs::read_to_string(out.join(&file)).unwrap();
        assert!(svg.contains("<svg"), "{chart} is not an SVG");
    }
}
