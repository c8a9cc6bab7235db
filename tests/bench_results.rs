//! Checks the results file of a real `CONCBENCH_PROFILE=smoke cargo bench` run: every case
//! of the smoke profile is there, verified, timed and probed, with the checksum sequential
//! computes now; and, after `cargo bench --bench sync` into the same folder, every sync case
//! of the smoke profile with its figures. `.ci/run` runs the benches, then these tests with
//! `--ignored` and `CONCBENCH_RESULTS` pointing at the file.

use std::path::PathBuf;

use concbench::Profile;
use concbench::bench::suite::all_cases;
use concbench::results::schema::{Results, SCHEMA};
use concbench::sync::{SyncFamily, SyncSizes, cases as sync_cases};
use concbench::workload;

fn results_file() -> (PathBuf, Results) {
    let path = PathBuf::from(
        std::env::var("CONCBENCH_RESULTS").expect("set CONCBENCH_RESULTS to the results file"),
    );
    let results = Results::read(&path).unwrap();
    (path, results)
}

#[test]
#[ignore = "needs the results file of CONCBENCH_PROFILE=smoke cargo bench; .ci/run runs it"]
fn smoke_bench_results_hold_every_case() {
    let (path, results) = results_file();
    assert_eq!(results.schema, SCHEMA);
    assert_eq!(results.run.profile, Profile::Smoke);
    assert!(results.machine.logical_cores >= 1);
    let registry = workload::Registry::builtin();
    let cases = all_cases(&registry, &Profile::Smoke.workers());
    assert_eq!(results.cases.len(), cases.len(), "{}", path.display());
    let settings = Profile::Smoke.rounds();
    let rounds = results.run.rounds.expect("the run's rounds and seed");
    assert_eq!(rounds.settings, settings);
    // One calibration point before every block: every case in every round.
    let drift = results.run.drift.as_ref().expect("a calibration series");
    assert_eq!(drift.points.len(), cases.len() * settings.rounds);
    assert!(drift.points.windows(2).all(|w| w[0].at_s <= w[1].at_s));
    for case in cases {
        let record = results
            .case(case.workload.name, case.model.name, case.workers)
            .unwrap_or_else(|| panic!("{} is missing from {}", case.id(), path.display()));
        let spec = (case.workload.spec_for)(Profile::Smoke);
        let want = workload::reference_checksum(workload::build(&spec).unwrap().as_ref());
        assert!(record.verified, "{}", case.id());
        assert_eq!(record.checksum, want, "{}", case.id());
        assert_eq!(record.params, spec.params, "{}", case.id());
        let time = record
            .time
            .as_ref()
            .unwrap_or_else(|| panic!("{} has no time", case.id()));
        assert!(
            time.median.point > 0.0 && time.samples >= 10,
            "{}",
            case.id()
        );
        // Every round of the run, each with its batches, their start times and a reading of
        // the machine around the block.
        let seen: Vec<usize> = time.rounds.iter().map(|r| r.round).collect();
        assert_eq!(
            seen,
            (0..settings.rounds).collect::<Vec<_>>(),
            "{}",
            case.id()
        );
        for r in &time.rounds {
            assert!(r.samples.len() >= settings.min_samples, "{}", case.id());
            assert!(
                r.samples
                    .iter()
                    .all(|s| s.ns > 0.0 && s.start_s >= r.start_s)
            );
            assert!(r.quiet.is_some_and(|q| q.wall_s > 0.0), "{}", case.id());
        }
        assert_eq!(
            record.measured_in.as_deref(),
            Some(results.run.started_at.as_str())
        );
        let memory = record.memory.as_ref().expect("probed memory");
        assert!(memory.peak_rss_bytes >= memory.parent_peak_rss_bytes);
        let cpu = record.cpu.expect("probed CPU");
        assert!(cpu.wall_s > 0.0, "{}", case.id());
        if case.model.name == "process" {
            assert_eq!(
                memory.workers_peak_rss_bytes.len(),
                case.workers,
                "{}",
                case.id()
            );
        }
        let speedup = results.speedup(record).expect("a speedup");
        assert!(speedup.lower <= speedup.point && speedup.point <= speedup.upper);
    }
}

#[test]
#[ignore = "needs the results file of the smoke models and sync benches; .ci/run runs them"]
fn smoke_sync_bench_records_every_sync_case() {
    let (path, results) = results_file();
    let sizes = SyncSizes::for_profile(Profile::Smoke);
    let cases = sync_cases(&sizes);
    assert_eq!(results.sync.len(), cases.len(), "{}", path.display());
    for case in cases {
        let r = results
            .sync
            .iter()
            .find(|r| r.name == case.name() && r.workers == case.workers)
            .unwrap_or_else(|| panic!("{} is missing from {}", case.id(), path.display()));
        assert_eq!(r.family, case.family, "{}", case.id());
        let t = r.ops_per_s;
        assert!(
            t.point > 0.0 && t.lower <= t.point && t.point <= t.upper,
            "{}",
            case.id()
        );
        assert!(r.batch_ns.point > 0.0, "{}", case.id());
        match (case.family, case.primitive, r.lost_updates) {
            (SyncFamily::Counter, "racy", Some(l)) => {
                assert!(l.batches >= 10 && l.lost <= l.attempted, "{}", case.id());
                assert_eq!(l.attempted, l.batches * sizes.increments, "{}", case.id());
                if case.workers == 1 {
                    assert_eq!(l.lost, 0, "one thread cannot race");
                }
            }
            (_, "racy", None) => panic!("{} has no lost-update count", case.id()),
            (_, _, lost) => assert!(lost.is_none(), "{}", case.id()),
        }
    }
}
