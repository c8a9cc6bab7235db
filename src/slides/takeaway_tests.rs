use std::path::Path;

use super::*;

fn fixture() -> Results {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/slides/two-workloads.json");
    Results::read(&path).unwrap()
}

#[test]
fn the_speedup_line_names_the_leader_its_peers_the_flat_and_the_slower_models() {
    assert_eq!(
        speedup_line(&fixture(), "sum-squares").unwrap(),
        "threads 2.0x at 2 workers (rayon within 5%); tokio-current stays at 1x; process at most 0.33x (slower than sequential)"
    );
    assert_eq!(
        speedup_line(&fixture(), "sleep").unwrap(),
        "process 2.0x at 2 workers (threads within 5%)"
    );
}

#[test]
fn a_workload_where_nothing_beats_sequential_says_so() {
    let mut results = fixture();
    for case in &mut results.cases {
        if case.workload == "sum-squares" && case.model != "sequential" {
            let time = case.time.as_mut().unwrap();
            time.median.point = 3.9e6;
            time.median.lower = 3.8e6;
            time.median.upper = 4.0e6;
        }
    }
    assert_eq!(
        speedup_line(&results, "sum-squares").unwrap(),
        "no model beats sequential by 15% (best: threads 1.0x at 1 worker)"
    );
}

#[test]
fn no_line_without_a_speedup() {
    assert_eq!(speedup_line(&fixture(), "primes"), None);
    let mut results = fixture();
    results.cases.retain(|c| c.model == "sequential");
    assert_eq!(speedup_line(&results, "sum-squares"), None);
}

#[test]
fn the_memory_line_appears_only_where_processes_differ() {
    assert_eq!(
        memory_line(&fixture(), "sum-squares").unwrap(),
        "process 12 MiB at 2 workers, 3.8x the other models' 3.1–3.3 MiB"
    );
    // 3.4 MiB against 3.2 MiB: alike.
    assert_eq!(memory_line(&fixture(), "sleep"), None);
    let mut results = fixture();
    results.cases.retain(|c| c.model != "process");
    assert_eq!(memory_line(&results, "sum-squares"), None);
}

#[test]
fn bests_keep_the_worker_count_of_the_best_point() {
    let bests = bests(&fixture(), "sum-squares");
    let threads = bests.iter().find(|b| b.model == "threads").unwrap();
    assert_eq!((threads.workers, threads.speedup), (2, 2.0));
    assert!(bests.iter().all(|b| b.model != "sequential"));
}

#[test]
fn factors_and_sizes_read_as_on_a_slide() {
    assert_eq!(times(29.4), "29x");
    assert_eq!(times(1.97), "2.0x");
    assert_eq!(times(0.321), "0.32x");
    assert_eq!(mib(77.2 * 1048576.0), "77");
    assert_eq!(mib(5.04 * 1048576.0), "5.0");
}
