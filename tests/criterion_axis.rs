//! `report --criterion` on folders whose last id segment is not a worker count, and on work
//! that grows with the worker count: `--axis workers|param` and its automatic choice,
//! `--scaling strong|weak` and the warning that suggests weak scaling, and the refusal of
//! bad values (one `error:` line naming the fix, exit status 2, nothing written).
//!
//! Fixtures (criterion's shapes, flat sampling, `slope: null`): `criterion/sizes` (input
//! sizes 1000, 100000 and 100000000 as the last segment), `criterion/fractions` (0.25 to 1.5,
//! and ids made with `BenchmarkId::from_parameter`, without a function), `criterion/growing`
//! (each of N threads does its own 2 ms of work on 2 cores, with a `sequential/1`).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

mod common;

use common::{concbench, copy_dir, files_under, fixture};

fn scratch(name: &str) -> PathBuf {
    common::scratch("criterion-axis-tests", name)
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Reports `criterion/<name>` with `extra` flags into a fresh folder as SVG; returns the
/// folder and its `report.md`.
fn report(name: &str, extra: &[&str]) -> (PathBuf, String) {
    report_dir(&fixture(&format!("criterion/{name}")), name, extra)
}

fn report_dir(dir: &Path, name: &str, extra: &[&str]) -> (PathBuf, String) {
    let out = scratch(&format!("{name}{}", extra.join("")));
    let mut args = vec![
        "report",
        "--criterion",
        s(dir),
        "--out",
        s(&out),
        "--format",
        "svg",
    ];
    args.extend_from_slice(extra);
    let run = concbench(&args);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = fs::read_to_string(out.join("report.md")).unwrap();
    (out, text)
}

fn files(dir: &Path) -> Vec<String> {
    files_under(dir)
        .into_iter()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .filter(|p| !p.starts_with('.'))
        .collect()
}

/// The one `error:` line of a run that must exit with status 2 and print nothing on
/// standard output.
fn refused(out: &Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(out.stdout.is_empty());
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "one error line expected: {stderr}");
    errors[0].to_string()
}

#[test]
fn input_sizes_are_read_as_a_parameter_and_charted_log_log() {
    let (out, text) = report("sizes", &[]);
    assert!(
        text.contains("Axis: parameter, chosen automatically: the last segment of `Performance_Sort/Rayon par_sort/100000` is 100000, beyond 4096 workers"),
        "{text}"
    );
    assert!(text.contains("pass `--axis workers`"), "{text}");
    assert_eq!(
        files(&out),
        [
            "Performance_Sort/time-per-unit.svg",
            "Performance_Sort/time.svg",
            "report.html",
            "report.md",
            "results.csv"
        ]
    );
    // Time and time per unit, nothing about workers.
    assert!(!text.contains("Scalability fits"), "{text}");
    assert!(!text.contains("| Workers"), "{text}");
    assert!(text.contains("| Parameter |"), "{text}");
    assert!(
        text.contains("| 100000000 |   13.3 s (133 ns/unit) |  106 s (1.06 µs/unit) |"),
        "{text}"
    );
    let svg = fs::read_to_string(out.join("Performance_Sort/time.svg")).unwrap();
    assert!(svg.contains("\n100M\n"), "the 100000000 tick reads 100M");
    assert!(svg.contains("parameter: last id segment (log scale)"));
    let per_unit = fs::read_to_string(out.join("Performance_Sort/time-per-unit.svg")).unwrap();
    assert!(per_unit.contains("per unit, log scale"));
    let csv = fs::read_to_string(out.join("results.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "group,function,parameter,median_ns,median_lower_ns,median_upper_ns,mean_ns,samples,per_unit_ns"
    );
    assert_eq!(lines.count(), 6);
    assert!(
        csv.contains("\nPerformance_Sort,std sort,100000000,"),
        "{csv}"
    );
}

#[test]
fn fractions_and_ids_without_a_function_are_parameters() {
    let (out, text) = report("fractions", &[]);
    assert!(
        text.contains("the last segment of `lookup-hit-ratio/btreemap/0.25` is `0.25`, not a positive whole number"),
        "{text}"
    );
    // `scan/0.25` (from_parameter) is a series named after its group.
    assert!(text.contains("## scan"), "{text}");
    assert!(
        text.contains("| Parameter |                   scan |"),
        "{text}"
    );
    assert!(text.contains("| 0.25      |"), "{text}");
    assert!(files(&out).contains(&"scan/time-per-unit.svg".to_string()));
    let svg = fs::read_to_string(out.join("lookup-hit-ratio/time.svg")).unwrap();
    assert!(
        svg.contains("\n0.25\n") && svg.contains("\n1.5\n"),
        "fraction ticks"
    );
}

#[test]
fn worker_counts_stay_workers_and_the_report_says_why_and_how_to_override() {
    let (out, text) = report("normal", &[]);
    assert!(
        text.contains("Axis: workers, chosen automatically: every numeric last id segment is a whole number from 1 to 4096 after a model name; if it is an input size or another parameter, pass `--axis param`"),
        "{text}"
    );
    assert!(text.contains("Scaling: strong (the default)"), "{text}");
    assert!(files(&out).contains(&"sum-squares/time.svg".to_string()));
}

#[test]
fn the_axis_flag_overrides_the_automatic_choice() {
    let (out, text) = report("normal", &["--axis", "param"]);
    assert!(
        text.contains(
            "Axis: parameter (the last id segment, as `--axis param` asked; pass `--axis workers`"
        ),
        "{text}"
    );
    assert!(files(&out).contains(&"sum-squares/time-per-unit.svg".to_string()));
    assert!(text.contains("| Parameter |"), "{text}");

    let (out, text) = report("sizes", &["--axis", "workers"]);
    assert!(
        text.contains("Axis: workers (the last id segment, as `--axis workers` asked"),
        "{text}"
    );
    assert!(text.contains("| Workers"), "{text}");
    assert!(files(&out).contains(&"Performance_Sort/time.svg".to_string()));
}

#[test]
fn growing_work_gets_a_warning_that_suggests_weak_scaling() {
    let (out, text) = report("growing", &[]);
    let warning = text
        .lines()
        .find(|l| l.contains("time grows roughly with the worker count"))
        .unwrap_or_else(|| panic!("no growth warning: {text}"));
    assert!(warning.starts_with("- "), "in the warnings list: {warning}");
    assert!(
        warning.contains("spawn-own-work/threads (slope 0.80 on log-log, 1 to 16 workers)"),
        "{warning}"
    );
    assert!(warning.contains("--scaling weak"), "{warning}");
    // The strong view stays the default.
    assert!(files(&out).contains(&"spawn-own-work/speedup.svg".to_string()));
    assert!(text.contains("(speedup over sequential)"), "{text}");
}

#[test]
fn weak_scaling_charts_throughput_and_scaled_speedup() {
    let (out, text) = report("growing", &["--scaling", "weak"]);
    assert!(
        text.contains("Scaling: weak, as `--scaling weak` asked"),
        "{text}"
    );
    assert!(
        text.contains("Gustafson's scaled speedup N × T(1) / T(N)"),
        "{text}"
    );
    assert!(
        !text.contains("time grows roughly"),
        "no hint once weak: {text}"
    );
    assert!(!text.contains("Scalability fits"), "{text}");
    assert_eq!(
        files(&out),
        [
            "report.html",
            "report.md",
            "results.csv",
            "results.json",
            "spawn-own-work/scaled-speedup.svg",
            "spawn-own-work/throughput.svg",
            "spawn-own-work/time.svg",
        ]
    );
    // 16 threads, each 2 ms of work, on 2 cores: 16.48 ms, 16 × 2 / 16.48 = 1.94.
    assert!(
        text.contains("Median time per batch (scaled speedup N × T(1) / T(N)):"),
        "{text}"
    );
    let row = text
        .lines()
        .find(|l| l.starts_with("| 16 "))
        .unwrap_or_else(|| panic!("no row for 16 workers: {text}"));
    assert!(row.contains("(1.94x)"), "{row}");
    let svg = fs::read_to_string(out.join("spawn-own-work/scaled-speedup.svg")).unwrap();
    assert!(svg.contains("ideal (N)"));
}

#[test]
fn weak_scaling_applies_to_results_files_too() {
    let out = scratch("results-weak");
    let run = concbench(&[
        "report",
        s(&fixture("results/valid.json")),
        "--out",
        s(&out),
        "--format",
        "svg",
        "--scaling",
        "weak",
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = fs::read_to_string(out.join("report.md")).unwrap();
    assert!(text.contains("Scaling: weak"), "{text}");
    let all = files(&out);
    assert!(
        all.iter().any(|f| f.ends_with("/throughput.svg")),
        "{all:?}"
    );
    assert!(!all.iter().any(|f| f.ends_with("/speedup.svg")), "{all:?}");

    // Without the flag, a results file's report says nothing about scaling, as before.
    let plain = scratch("results-plain");
    let run = concbench(&[
        "report",
        s(&fixture("results/valid.json")),
        "--out",
        s(&plain),
        "--format",
        "svg",
    ]);
    assert!(run.status.success());
    let text = fs::read_to_string(plain.join("report.md")).unwrap();
    assert!(
        !text.contains("Scaling:") && !text.contains("Axis:"),
        "{text}"
    );
}

#[test]
fn ids_without_a_number_are_left_out_and_listed_on_a_parameter_axis() {
    let dir = scratch("words-folder");
    copy_dir(&fixture("criterion/sizes"), &dir);
    let word = dir.join("Performance_Sort/std_sort/huge/new");
    copy_dir(&dir.join("Performance_Sort/std_sort/1000/new"), &word);
    let bench = word.join("benchmark.json");
    let text = fs::read_to_string(&bench)
        .unwrap()
        .replace("\"value_str\":\"1000\"", "\"value_str\":\"huge\"");
    fs::write(&bench, text).unwrap();
    let (_, report) = report_dir(&dir, "words", &[]);
    assert!(
        report.contains("- 1 id left out: the last segment is missing or not a number above 0, so it has no place on a log axis: Performance\\_Sort/std sort/huge"),
        "{report}"
    );
}

#[test]
fn bad_axis_and_scaling_values_are_refused_with_the_fix() {
    let out = scratch("refused");
    let target = out.join("report");
    let sizes = fixture("criterion/sizes");
    let run = |extra: &[&str]| {
        let mut args = vec!["report", "--criterion", s(&sizes), "--out", s(&target)];
        args.extend_from_slice(extra);
        concbench(&args)
    };

    // A refused value is one line: the flag, the value and the valid values.
    for (flag, bad, valid) in [
        ("--axis", "diagonal", "workers, param"),
        ("--scaling", "medium", "strong, weak"),
    ] {
        let refused_value = run(&[flag, bad]);
        let line = refused(&refused_value);
        assert_eq!(
            line,
            format!("error: invalid value '{bad}' for {flag}; valid values: {valid}")
        );
        assert_eq!(
            String::from_utf8_lossy(&refused_value.stderr)
                .lines()
                .count(),
            1
        );
    }

    // --axis reads criterion ids; a results file has none.
    let no_ids = concbench(&[
        "report",
        s(&fixture("results/valid.json")),
        "--axis",
        "param",
    ]);
    let line = refused(&no_ids);
    assert!(
        line.contains("required arguments were not provided"),
        "{line}"
    );
    assert!(String::from_utf8_lossy(&no_ids.stderr).contains("--criterion <DIR>"));

    // Weak scaling needs workers: sizes are a parameter, automatically or when asked.
    let line = refused(&run(&["--scaling", "weak"]));
    assert!(
        line.contains("--scaling weak needs worker counts"),
        "{line}"
    );
    assert!(
        line.contains("the last segment of `Performance_Sort/Rayon par_sort/100000` is 100000, beyond 4096 workers"),
        "{line}"
    );
    assert!(
        line.contains(
            "pass `--axis workers` if it is a worker count, or leave out `--scaling weak`"
        ),
        "{line}"
    );
    let line = refused(&concbench(&[
        "report",
        "--criterion",
        s(&fixture("criterion/normal")),
        "--out",
        s(&target),
        "--axis",
        "param",
        "--scaling",
        "weak",
    ]));
    assert!(
        line.contains("`--axis param` reads the last id segment as a parameter"),
        "{line}"
    );

    // A parameter axis with no number to place.
    let words = scratch("only-words");
    copy_dir(
        &fixture("criterion/normal/sum-squares/threads/1"),
        &words.join("g/f/x"),
    );
    let bench = words.join("g/f/x/new/benchmark.json");
    let text = fs::read_to_string(&bench)
        .unwrap()
        .replace("\"value_str\":\"1\"", "\"value_str\":\"many\"");
    fs::write(&bench, text).unwrap();
    let line = refused(&concbench(&[
        "report",
        "--criterion",
        s(&words),
        "--out",
        s(&target),
        "--axis",
        "param",
    ]));
    assert!(
        line.contains("holds no benchmark whose last id segment is a number above 0"),
        "{line}"
    );
    assert!(line.contains("--axis workers"), "{line}");

    // Nothing was written by any refused command.
    assert!(!target.exists());
}
