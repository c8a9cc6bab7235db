//! The example crate `examples/own-workload/`, a user's crate with two workloads of its own,
//! benchmarked end to end: `cargo bench` on it at the smoke profile must verify and time
//! both workloads under all seven models, write `results.json` and `report.md`, and leave no
//! worker process behind.
//!
//! It compiles the example (concbench and its dependencies in the bench profile) into its
//! own target folder under this crate's `target/`, which takes minutes the first time, so it
//! is ignored by default; `.ci/run` runs it with `--ignored`.

use std::path::{Path, PathBuf};
use std::process::Command;

use concbench::model::MODELS;
use concbench::results::schema::Results;

fn example_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/own-workload")
}

/// Process ids of every process whose executable is under `dir`.
fn processes_under(dir: &Path) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|exe| exe.starts_with(dir))
        })
        .collect()
}

#[test]
#[ignore = "builds the example crate in the bench profile (minutes); .ci/run runs it"]
fn the_example_crate_benchmarks_its_own_workloads_on_every_model() {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("own-workload-target");
    let scratch = tempfile::tempdir().unwrap();
    let reports = scratch.path().join("reports");
    let out = Command::new(env!("CARGO"))
        .args(["bench", "--locked", "--manifest-path"])
        .arg(example_dir().join("Cargo.toml"))
        .args(["--bench", "scaling"])
        .env("CARGO_TARGET_DIR", &target)
        .env("CONCBENCH_PROFILE", "smoke")
        .env("CONCBENCH_REPORTS_DIR", &reports)
        .env("CRITERION_HOME", scratch.path().join("criterion"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "cargo bench failed: {}\n{stdout}\n{stderr}",
        out.status
    );
    assert!(!stderr.lines().any(|l| l.starts_with("error:")), "{stderr}");

    let folders: Vec<PathBuf> = std::fs::read_dir(&reports)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    assert_eq!(folders.len(), 1, "one machine folder: {folders:?}");
    let results = Results::read(&folders[0].join("results.json")).unwrap();
    assert!(folders[0].join("report.md").is_file(), "{stderr}");
    let report = std::fs::read_to_string(folders[0].join("report.md")).unwrap();
    // Described as the crate's registry describes them (the results file keeps it).
    assert!(
        report.contains("Each task: sum the Collatz stopping times")
            && report.contains("Each task: wait `ms` milliseconds"),
        "{report}"
    );
    for workload in ["collatz", "nap"] {
        assert!(report.contains(&format!("## {workload}")), "{report}");
        for model in MODELS {
            let records: Vec<_> = results
                .cases
                .iter()
                .filter(|c| c.workload == workload && c.model == model.name)
                .collect();
            let want = model.worker_counts(&concbench::Profile::Smoke.workers());
            let got: Vec<usize> = records.iter().map(|c| c.workers).collect();
            assert_eq!(got, want, "{workload}/{}", model.name);
            for record in records {
                assert!(record.verified, "{workload}/{}", model.name);
                assert!(
                    record.time.as_ref().is_some_and(|t| t.median.point > 0.0),
                    "{workload}/{} has no time",
                    model.name
                );
                assert!(
                    record.memory.as_ref().is_some_and(|m| m.peak_rss_bytes > 0),
                    "{workload}/{} was not probed",
                    model.name
                );
            }
        }
        // criterion saw every case of the workload as a benchmark of its own.
        assert!(
            scratch
                .path()
                .join("criterion")
                .join(workload)
                .join("process")
                .join("2")
                .is_dir(),
            "criterion has no {workload}/process/2"
        );
    }
    assert_eq!(
        results.cases.len(),
        2 * (1 + 6 * 2),
        "two workloads, sequential once and six models at 1 and 2 workers"
    );
    // The process cases' workers were this bench's own executable, and none is left.
    let left = processes_under(&target);
    assert!(left.is_empty(), "processes left behind: {left:?}");
}
