//! The probe: one case in a fresh process, reporting the process tree's peak memory and CPU.
//! Its command-line errors and exit statuses are tested in `tests/cli.rs`.

use std::path::Path;

use concbench::Profile;
use concbench::bench::probe::probe_in_child;

fn exe() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_concbench"))
}

const MIB: u64 = 1 << 20;

#[test]
fn process_probes_measure_the_parent_and_each_worker_where_the_payloads_are() {
    // `ship` builds every task's payload in the parent and copies it to the worker that runs
    // the task. Smoke has 8 payloads of 64 KiB, default 32 of 4 MiB: between the two the
    // parent's own peak must grow by about 127.5 MiB (all payloads are resident at once)
    // and each worker's by about one payload (it holds the one it is folding), as the OS
    // measures them; numbers taken from anywhere else would not move like that.
    let small = probe_in_child(exe(), "ship", "process", 2, Profile::Smoke, None).unwrap();
    let large = probe_in_child(exe(), "ship", "process", 2, Profile::Default, None).unwrap();
    for report in [&small, &large] {
        assert!(report.verified, "{report:?}");
        assert!(report.runs >= 1 && report.wall_s > 0.0, "{report:?}");
        assert_eq!(report.workers_peak_rss_bytes.len(), 2, "{report:?}");
        // No process runs in under 1 MiB resident: a smaller figure is not a worker's peak.
        assert!(
            report.workers_peak_rss_bytes.iter().all(|&p| p > MIB),
            "{report:?}"
        );
        // The tree's peak is defined as the parent's plus every worker's.
        let workers: u64 = report.workers_peak_rss_bytes.iter().sum();
        assert_eq!(
            report.peak_rss_bytes,
            report.parent_peak_rss_bytes + workers,
            "{report:?}"
        );
    }
    // Generous margins (3/4 of 127.5 MiB, half of one payload) for allocator slack and the
    // few hundred KiB by which a process's peak varies from run to run.
    let parent_growth = large
        .parent_peak_rss_bytes
        .saturating_sub(small.parent_peak_rss_bytes);
    assert!(
        parent_growth >= 96 * MIB,
        "the parent's peak grew by {parent_growth} bytes for 127.5 MiB more payloads:\n{small:?}\n{large:?}"
    );
    let small_worker = *small.workers_peak_rss_bytes.iter().max().unwrap();
    for &worker in &large.workers_peak_rss_bytes {
        assert!(
            worker >= small_worker + 2 * MIB,
            "a worker folding 4 MiB payloads peaked at {worker} bytes, one folding 64 KiB \
             payloads at {small_worker}:\n{small:?}\n{large:?}"
        );
    }
}

#[test]
fn threads_have_no_worker_processes_and_use_cpu() {
    let report = probe_in_child(exe(), "sum-squares", "threads", 2, Profile::Smoke, None).unwrap();
    assert!(report.workers_peak_rss_bytes.is_empty(), "{report:?}");
    // The tree is the probe process alone, and its peak is a real process's.
    assert_eq!(report.peak_rss_bytes, report.parent_peak_rss_bytes);
    assert!(report.parent_peak_rss_bytes > MIB, "{report:?}");
    assert!(report.user_s + report.sys_s > 0.0, "{report:?}");
    assert!(report.utilisation > 0.0);
}

#[test]
fn a_wrong_expected_checksum_fails_naming_the_case() {
    let err = probe_in_child(exe(), "sleep", "rayon", 2, Profile::Smoke, Some(42)).unwrap_err();
    let text = format!("{err:#}");
    assert!(text.contains("rayon") && text.contains("sleep"), "{text}");
    assert!(text.contains("0x000000000000002a"), "{text}");
}
