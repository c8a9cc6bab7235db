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
        "threads 2.0x at 2 workers (rayon within 5%); process at most 0.33x (slower than sequential); tokio-current stays at 1x"
    );
    assert_eq!(
        speedup_line(&fixture(), "sleep").unwrap(),
        "process 2.0x at 2 workers (threads within 5%)"
    );
}

/// The fixture with `model`'s time on sum-squares set to `ms`.
fn with_time(mut results: Results, model: &str, ms: f64) -> Results {
    for case in &mut results.cases {
        if case.workload == "sum-squares" && case.model == model {
            let time = case.time.as_mut().unwrap();
            time.median.point = ms * 1e6;
            time.median.lower = ms * 0.99e6;
            time.median.upper = ms * 1.01e6;
        }
    }
    results
}

#[test]
fn without_a_model_within_5_percent_the_runner_up_is_named() {
    let mut results = with_time(fixture(), "rayon", 3.0);
    // Too long with the model at 1x as well: the runner-up goes first.
    assert_eq!(
        speedup_line(&results, "sum-squares").unwrap(),
        "threads 2.0x at 2 workers; process at most 0.33x (slower than sequential); tokio-current stays at 1x"
    );
    results.cases.retain(|c| c.model != "tokio-current");
    assert_eq!(
        speedup_line(&results, "sum-squares").unwrap(),
        "threads 2.0x at 2 workers, then rayon 1.3x at 2 workers; process at most 0.33x (slower than sequential)"
    );
}

#[test]
fn a_long_line_counts_its_peers_then_leaves_out_the_flat_models() {
    let mut results = fixture();
    for case in &mut results.cases {
        case.model = match case.model.as_str() {
            "rayon" => "a-pool-whose-name-is-long".into(),
            "tokio-current" => "an-event-loop-whose-name-is-long-too".into(),
            "process" => "worker-processes-with-a-long-name".into(),
            other => other.into(),
        };
    }
    let line = speedup_line(&results, "sum-squares").unwrap();
    assert!(line.chars().count() <= MAX_LINE, "{line}");
    assert_eq!(
        line,
        "threads 2.0x at 2 workers (1 more within 5%); worker-processes-with-a-long-name at most 0.33x (slower than sequential)"
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

/// A model name of 60 characters, as a hyperfine import names a command.
const COMMAND: &str = "hyperfine --warmup 3 --threads 4 'target/release/app --fast'";

#[test]
fn a_60_character_model_name_is_shortened_to_fit_and_kept_whole_in_the_note() {
    assert_eq!(COMMAND.chars().count(), 60);
    let mut results = fixture();
    for case in &mut results.cases {
        if case.model == "rayon" || case.model == "threads" {
            case.model = format!("{COMMAND} {}", case.model);
        }
    }
    let t = speedup(&results, "sum-squares").unwrap();
    assert!(fits(&t.line), "{}", t.line);
    assert!(t.line.contains('…'), "{}", t.line);
    assert!(t.line.starts_with("hyperfine --"), "{}", t.line);
    assert!(t.line.contains("process at most 0.33x"), "{}", t.line);
    assert_eq!(
        t.note,
        format!(
            "{COMMAND} threads 2.0x at 2 workers ({COMMAND} rayon within 5%); process at most 0.33x (slower than sequential); tokio-current stays at 1x"
        )
    );
}

#[test]
fn a_line_that_fits_by_its_length_in_characters_may_still_be_too_wide() {
    // 118 characters, but wide letters: more than the canvas holds.
    let wide = "W".repeat(MAX_LINE);
    assert!(!fits(&wide));
    assert!(fits(&"i".repeat(MAX_LINE)));
    assert!(!fits(&"i".repeat(MAX_LINE + 1)));
}

#[test]
fn names_of_any_length_give_a_line_that_fits() {
    let mut results = fixture();
    for case in &mut results.cases {
        if case.model != "sequential" {
            case.model = format!("{}{}", "M".repeat(300), case.model);
        }
    }
    let t = speedup(&results, "sum-squares").unwrap();
    assert!(fits(&t.line), "{}", t.line);
    assert!(t.note.contains(&"M".repeat(300)));
}
