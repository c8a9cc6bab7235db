//! A flag given a value it does not take, on every command that reads other tools' results
//! (`report --criterion`, `report --hyperfine`, `report`, `compare`, `export`): exactly one
//! `error:` line on stderr naming the flag, the bad value and the valid values (or the
//! parser's reason), nothing on stdout, exit status 2 and nothing written. A missing
//! required argument still gets clap's usage.

use std::path::Path;

mod common;

use common::{concbench, fixture, scratch};

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Runs `args` and returns the single line of stderr, after checking the status, stdout
/// and that the line is the only one.
fn one_line(args: &[&str]) -> String {
    let out = concbench(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(out.stdout.is_empty(), "{args:?}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "{args:?}: exactly one line expected: {stderr}"
    );
    assert!(lines[0].starts_with("error: "), "{stderr}");
    lines[0].to_string()
}

#[test]
fn every_refused_value_of_report_and_compare_is_one_line_with_the_valid_values() {
    let out = scratch("value_errors", "refused");
    let target = out.join("report");
    let criterion = fixture("criterion/normal");
    let hyperfine = fixture("hyperfine/threads.json");
    let results = fixture("results/valid.json");
    let (laptop, server) = (
        fixture("compare/laptop.json"),
        fixture("compare/server.json"),
    );
    let from_criterion = ["report", "--criterion", s(&criterion), "--out", s(&target)];
    let from_hyperfine = ["report", "--hyperfine", s(&hyperfine), "--out", s(&target)];
    let from_results = ["report", s(&results), "--out", s(&target)];
    let compared = ["compare", s(&laptop), s(&server), "--out", s(&target)];
    let cases: Vec<(&[&str], &str, &str, &str)> = vec![
        (&from_criterion, "--axis", "diagonal", "workers, param"),
        (&from_criterion, "--scaling", "medium", "strong, weak"),
        (&from_hyperfine, "--axis", "threads", "workers, param"),
        (&from_hyperfine, "--scaling", "linear", "strong, weak"),
        (&from_results, "--format", "gif", "svg, png"),
        (&from_results, "--theme", "neon", "light, dark"),
        (&compared, "--chart-format", "gif", "svg, png"),
        (&compared, "--theme", "neon", "light, dark"),
    ];
    for (command, flag, bad, valid) in cases {
        let mut args = command.to_vec();
        args.extend_from_slice(&[flag, bad]);
        let line = one_line(&args);
        assert_eq!(
            line,
            format!("error: invalid value '{bad}' for {flag}; valid values: {valid}"),
            "{args:?}"
        );
    }
    // One bad name in a list is named alone.
    let mut args = from_results.to_vec();
    args.extend_from_slice(&["--format", "svg,gif"]);
    assert_eq!(
        one_line(&args),
        "error: invalid value 'gif' for --format; valid values: svg, png"
    );
    // Values checked by a parser of concbench's own give its reason.
    let mut args = compared.to_vec();
    args.extend_from_slice(&["--format", "xml"]);
    let line = one_line(&args);
    assert!(
        line.starts_with("error: invalid value 'xml' for --format: ")
            && line.contains("md, json, csv"),
        "{line}"
    );
    let mut args = compared.to_vec();
    args.extend_from_slice(&["--threshold", "5"]);
    let line = one_line(&args);
    assert!(
        line.starts_with("error: invalid value '5' for --threshold: ") && line.contains("5%"),
        "{line}"
    );
    assert!(!target.exists(), "nothing is written");
}

#[test]
fn a_missing_argument_still_shows_the_usage_and_help_is_unchanged() {
    let out = concbench(&["report", "--criterion", "somewhere"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    assert!(errors[0].contains("required arguments"), "{stderr}");
    assert!(stderr.contains("--out <DIR>"), "{stderr}");
    assert!(stderr.contains("Usage: concbench report"), "{stderr}");

    let help = concbench(&["report", "--help"]);
    assert_eq!(help.status.code(), Some(0));
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(text.contains("--axis <workers|param>"), "{text}");
    assert!(help.stderr.is_empty());
}
