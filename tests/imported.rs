//! Other tools' results as concbench's own: the results file `report --criterion` and
//! `report --hyperfine` keep, `compare` of criterion folders (two baselines of one folder,
//! a folder against a results file) and the refusals of bad inputs.
//!
//! `criterion/baselines` holds two baselines, `base` and `new`, of five ids: `sum/sequential/1`,
//! `sum/threads/1` and `sum/threads/2` (a workers axis, unchanged), `parse/serde json` (two
//! segments, 1.5 times slower in `new`) and `fib` (one segment, 6.9 ns, flat sampling,
//! unchanged). `hyperfine/threads.json` is a scan of `threads` from 1 to 4 for two commands;
//! `hyperfine/sizes.json` a scan of an input size `n`.

use std::fs;
use std::path::PathBuf;

mod common;

use common::{concbench, files_under, fixture, refused, s, scratch, stderr, stdout};
use serde_json::Value;

/// `compare ARGS --format json`, which must succeed; the parsed output.
fn compare_json(args: &[&str]) -> Value {
    let mut all = vec!["compare"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let out = concbench(&all);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_str(&stdout(&out)).unwrap()
}

/// The row of `workload` whose id (or model and workers) is given.
fn row<'a>(c: &'a Value, workload: &str, key: (&str, Option<u64>)) -> &'a Value {
    let rows = c["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["workload"] == workload)
        .unwrap_or_else(|| panic!("no workload {workload}: {c}"))["rows"]
        .as_array()
        .unwrap();
    rows.iter()
        .find(|r| match key {
            (id, None) => r["id"] == id,
            (model, Some(n)) => r["model"] == model && r["workers"] == n && r["id"].is_null(),
        })
        .unwrap_or_else(|| panic!("no row {key:?} in {workload}: {rows:?}"))
}

/// The verdict of the second input in `row`.
fn verdict(row: &Value) -> &str {
    row["cells"][1]["judgement"]["verdict"].as_str().unwrap()
}

fn baselines() -> PathBuf {
    fixture("criterion/baselines")
}

#[test]
fn two_baselines_of_one_folder_give_verdicts_on_ids_of_every_shape() {
    let dir = baselines();
    let c = compare_json(&[s(&dir), "--baselines", "base,new"]);
    let labels: Vec<&str> = c["machines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["base", "new"]);
    // Two segments, 1.5 times slower: slower. One segment, unchanged: same.
    let parse = row(&c, "parse", ("parse/serde json", None));
    assert_eq!(verdict(parse), "slower", "{parse}");
    assert!((parse["cells"][1]["ratio"].as_f64().unwrap() - 1.5).abs() < 0.02);
    assert_eq!(verdict(row(&c, "fib", ("fib", None))), "same");
    for workers in [1, 2] {
        assert_eq!(verdict(row(&c, "sum", ("threads", Some(workers)))), "same");
    }
    // The verdicts rest on criterion's samples: Welch's test, no rounds.
    assert_eq!(parse["cells"][1]["judgement"]["evidence"]["test"], "welch");
}

#[test]
fn the_markdown_and_charts_of_two_baselines_show_what_fits() {
    let out_dir = scratch("imported", "baselines-out");
    let out = concbench(&[
        "compare",
        s(&baselines()),
        "--baselines",
        "new,base",
        "--out",
        s(&out_dir),
        "--chart-format",
        "svg",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let md = stdout(&out);
    // The base is the first name given; the ids without workers have no worker count.
    assert!(md.contains("# concbench compare: new vs base"), "{md}");
    assert!(md.contains("| parse/serde json |       — |"), "{md}");
    assert!(md.contains("criterion folder"), "{md}");
    assert!(!md.contains("profile  "), "{md}");
    // Only the group with worker counts is charted.
    let files = files_under(&out_dir);
    assert!(
        files.contains(&PathBuf::from("sum/speedup.svg")),
        "{files:?}"
    );
    assert!(files.contains(&PathBuf::from("sum/ratio.svg")), "{files:?}");
    assert!(
        !files
            .iter()
            .any(|f| f.starts_with("parse") || f.starts_with("fib")),
        "{files:?}"
    );
}

#[test]
fn a_criterion_folder_compares_with_the_results_file_a_report_of_it_wrote() {
    let out_dir = scratch("imported", "report-of-new");
    let out = concbench(&[
        "report",
        "--criterion",
        s(&baselines()),
        "--out",
        s(&out_dir),
        "--format",
        "svg",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let results = out_dir.join("results.json");
    let c = compare_json(&[s(&results), s(&baselines()), "--baselines", "base"]);
    // The report's results hold `new` and its ids with worker counts.
    assert_eq!(verdict(row(&c, "sum", ("threads", Some(2)))), "same");
    let one_sided: Vec<&Value> = c["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|w| w["one_sided"].as_array().unwrap())
        .collect();
    let ids: Vec<&str> = one_sided.iter().filter_map(|o| o["id"].as_str()).collect();
    assert_eq!(ids, ["fib", "parse/serde json"], "{one_sided:?}");
}

#[test]
fn the_results_file_of_a_criterion_report_reads_back_into_the_same_report() {
    let out_dir = scratch("imported", "readback");
    let note = "CI runner, 4 vCPUs";
    let out = concbench(&[
        "report",
        "--criterion",
        s(&fixture("criterion/foreign")),
        "--machine-note",
        note,
        "--out",
        s(&out_dir),
        "--format",
        "svg",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let first = fs::read_to_string(out_dir.join("report.md")).unwrap();
    let results: Value =
        serde_json::from_str(&fs::read_to_string(out_dir.join("results.json")).unwrap()).unwrap();
    assert_eq!(results["schema"], "concbench.results/2");
    assert_eq!(results["source"]["tool"], "criterion");
    assert_eq!(results["source"]["machine_note"], note);
    assert_eq!(results["machine"]["cpu_brand"], "");
    let case = &results["cases"][0];
    assert!(
        case["time"]["sample_ns"].as_array().unwrap().len() >= 10,
        "{case}"
    );
    let out = concbench(&["report", s(&out_dir), "--format", "svg"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let again = fs::read_to_string(out_dir.join("report.md")).unwrap();
    assert_eq!(first, again);
    assert!(
        out_dir.join("results.json").is_file(),
        "kept by the re-render"
    );
}

#[test]
fn a_report_never_replaces_a_results_file_it_did_not_write() {
    // A bench run's folder from before report manifests: its results.json is not the
    // import's to replace, though its report files would be.
    let out_dir = scratch("imported", "bench-folder");
    let own = fs::read_to_string(fixture("results/valid.json")).unwrap();
    fs::write(out_dir.join("results.json"), &own).unwrap();
    let before = files_under(&out_dir);
    let out = concbench(&[
        "report",
        "--criterion",
        s(&baselines()),
        "--out",
        s(&out_dir),
    ]);
    let line = refused(&out);
    assert!(line.contains("results.json"), "{line}");
    assert_eq!(files_under(&out_dir), before);
    assert_eq!(
        fs::read_to_string(out_dir.join("results.json")).unwrap(),
        own
    );
}

#[test]
fn bad_criterion_inputs_are_one_line_naming_the_fix() {
    // A folder that is neither a machine folder, a folder of them, nor criterion output.
    let neither = scratch("imported", "neither");
    fs::write(neither.join("notes.txt"), "not results").unwrap();
    let line = refused(&concbench(&["compare", s(&neither), s(&baselines())]));
    assert!(
        line.contains("notes") || line.contains("neither"),
        "names the folder: {line}"
    );
    assert!(
        line.contains("criterion folder (e.g. target/criterion)"),
        "{line}"
    );
    // A baseline the folder does not have: the ones it has are listed.
    let line = refused(&concbench(&[
        "compare",
        s(&baselines()),
        "--baselines",
        "base,nightly",
    ]));
    assert!(line.contains("no baseline 'nightly'"), "{line}");
    assert!(line.contains("its baselines are base, new"), "{line}");
    // Baselines without a criterion folder.
    let line = refused(&concbench(&[
        "compare",
        s(&fixture("compare/laptop.json")),
        s(&fixture("compare/server.json")),
        "--baselines",
        "base,new",
    ]));
    assert!(line.contains("no input is one"), "{line}");
    // The same baseline twice is one run compared with itself.
    let line = refused(&concbench(&[
        "compare",
        s(&baselines()),
        "--baselines",
        "base,base",
    ]));
    assert!(line.contains("given twice"), "{line}");
}

#[test]
fn a_hyperfine_thread_scan_is_charted_on_workers_and_kept_as_results() {
    let out_dir = scratch("imported", "hyperfine-threads");
    let out = concbench(&[
        "report",
        "--hyperfine",
        s(&fixture("hyperfine/threads.json")),
        "--out",
        s(&out_dir),
        "--format",
        "svg",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let md = fs::read_to_string(out_dir.join("report.md")).unwrap();
    assert!(md.contains("hyperfine file"), "{md}");
    assert!(
        md.contains("every value of the scanned parameter `threads`"),
        "{md}"
    );
    // Each command is a series, named with the value put back as {threads}.
    assert!(md.contains("./sum-rayon -t {threads}"), "{md}");
    assert!(out_dir.join("threads/time.svg").is_file());
    let results: Value =
        serde_json::from_str(&fs::read_to_string(out_dir.join("results.json")).unwrap()).unwrap();
    assert_eq!(results["source"]["tool"], "hyperfine");
    let cases = results["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 8);
    let rayon4 = cases
        .iter()
        .find(|c| c["model"] == "./sum-rayon -t {threads}" && c["workers"] == 4)
        .unwrap();
    // 10 runs of about 0.43 s, in ns.
    let samples = rayon4["time"]["sample_ns"].as_array().unwrap();
    assert_eq!(samples.len(), 10);
    let median = rayon4["time"]["median"]["point"].as_f64().unwrap();
    assert!((median / 1e9 - 0.43).abs() < 0.01, "{median}");
    // Read back: the same report.
    let out = concbench(&["report", s(&out_dir), "--format", "svg"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(out_dir.join("report.md")).unwrap(), md);
}

#[test]
fn a_hyperfine_size_scan_is_charted_on_a_parameter_axis() {
    let out_dir = scratch("imported", "hyperfine-sizes");
    let out = concbench(&[
        "report",
        "--hyperfine",
        s(&fixture("hyperfine/sizes.json")),
        "--out",
        s(&out_dir),
        "--format",
        "svg",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let md = fs::read_to_string(out_dir.join("report.md")).unwrap();
    assert!(md.contains("Axis: parameter, chosen automatically"), "{md}");
    assert!(out_dir.join("sizes/time-per-unit.svg").is_file());
    let svg = fs::read_to_string(out_dir.join("sizes/time.svg")).unwrap();
    assert!(svg.contains("parameter n"), "the axis names the parameter");
    // Read as workers on request: 100000 is no worker count.
    let line = refused(&concbench(&[
        "report",
        "--hyperfine",
        s(&fixture("hyperfine/sizes.json")),
        "--axis",
        "workers",
        "--out",
        s(&scratch("imported", "sizes-as-workers")),
    ]));
    assert!(line.contains("--axis param"), "{line}");
}

#[test]
fn a_file_that_is_no_hyperfine_scan_is_refused() {
    let dir = scratch("imported", "bad-hyperfine");
    let no_scan = dir.join("plain.json");
    fs::write(
        &no_scan,
        r#"{"results":[{"command":"sleep 0.1","mean":0.1,"stddev":0.001,"median":0.1,"user":0.0,"system":0.0,"min":0.1,"max":0.1,"times":[0.1,0.1,0.1],"exit_codes":[0,0,0]}]}"#,
    )
    .unwrap();
    let out_dir = dir.join("out");
    let line = refused(&concbench(&[
        "report",
        "--hyperfine",
        s(&no_scan),
        "--out",
        s(&out_dir),
    ]));
    assert!(line.contains("results[0].parameters"), "{line}");
    assert!(line.contains("hyperfine -P"), "{line}");
    assert!(!out_dir.exists(), "nothing written");
}

#[test]
fn a_report_into_the_criterion_folder_it_reads_is_refused_and_nothing_changes() {
    let dir = scratch("imported", "inside");
    let input = dir.join("criterion");
    fs::create_dir_all(&input).unwrap();
    for file in files_under(&baselines()) {
        let to = input.join(&file);
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        fs::copy(baselines().join(&file), to).unwrap();
    }
    let before = files_under(&dir);
    for (out, says) in [
        (input.clone(), "holds the input"),
        (dir.clone(), "holds the input"),
        (input.join("report"), "is inside the criterion folder"),
    ] {
        let line = refused(&concbench(&[
            "report",
            "--criterion",
            s(&input),
            "--out",
            s(&out),
        ]));
        assert!(line.contains(says), "{line}");
        assert!(line.contains("give --out a folder outside it"), "{line}");
        assert_eq!(files_under(&dir), before);
    }
}
