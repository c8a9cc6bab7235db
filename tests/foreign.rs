//! Other projects' criterion folders, through `report --criterion`, and times as every
//! output writes them.
//!
//! `criterion/foreign` is a small folder in the shapes other projects' folders have: ids
//! with colons and spaces (`Channels/tokio::mpsc/4`, `Channels/std mpsc/1`) under
//! lowercase, mangled folder names, eight model names concbench does not know in one group,
//! one of them hostile (`<b>x</b> & co`), a group measured with flat sampling and
//! `slope: null` (`Tiny`, 20 samples, 6.91 ns and a ±41% interval), and two ids that do not
//! fit `<group>/<model>/<workers>` (`Performance_Sort/Rayon par_sort/large`, `startup`).

use std::collections::HashSet;
use std::fs;
use std::path::Path;

mod common;

use common::{concbench, fixture, scratch};
use concbench::results::criterion::import_sorted;

/// Reports the foreign fixture into a fresh folder (`extra` args added); returns the folder,
/// report.md and stderr.
fn report(name: &str, extra: &[&str]) -> (std::path::PathBuf, String, String) {
    let out = scratch("foreign", name);
    let mut args = vec!["report", "--criterion", foreign_static(), "--out"];
    let out_str = out.to_str().unwrap().to_string();
    args.push(&out_str);
    args.extend_from_slice(&["--format", "svg"]);
    args.extend_from_slice(extra);
    let output = concbench(&args);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{stderr}");
    let text = fs::read_to_string(out.join("report.md")).unwrap();
    (out, text, stderr)
}

/// The fixture's path, leaked so that argument lists can borrow it.
fn foreign_static() -> &'static str {
    Box::leak(
        fixture("criterion/foreign")
            .to_str()
            .unwrap()
            .to_string()
            .into_boxed_str(),
    )
}

/// The text of section `## name`, up to the next `## `.
fn section<'a>(text: &'a str, name: &str) -> &'a str {
    let start = text
        .find(&format!("## {name}\n"))
        .unwrap_or_else(|| panic!("no section {name}: {text}"));
    let rest = &text[start + 3..];
    &text[start..start + 3 + rest.find("\n## ").unwrap_or(rest.len())]
}

#[test]
fn ids_come_from_benchmark_json_and_the_misfits_are_listed() {
    let sorted = import_sorted(&fixture("criterion/foreign"), |id| {
        id.function.is_some() && id.value_number().is_some_and(|n| n >= 1)
    })
    .unwrap();
    assert_eq!(sorted.kept.len(), 18);
    let ids: Vec<String> = sorted.kept.iter().map(|b| b.id.to_string()).collect();
    assert!(
        ids.contains(&"Channels/tokio::mpsc/4".to_string()),
        "{ids:?}"
    );
    assert!(ids.contains(&"Channels/std mpsc/1".to_string()), "{ids:?}");
    let left: Vec<String> = sorted.left_out.iter().map(|id| id.to_string()).collect();
    assert_eq!(left, ["Performance_Sort/Rayon par_sort/large", "startup"]);
    let tiny = sorted
        .kept
        .iter()
        .find(|b| b.id.to_string() == "Tiny/atomic add/1")
        .unwrap();
    assert_eq!(tiny.samples(), 20);
    assert_eq!(tiny.sampling_mode.as_deref(), Some("Flat"));
    assert!((tiny.median.point - 6.91).abs() < 1e-9);
    let linear = sorted
        .kept
        .iter()
        .find(|b| b.id.to_string() == "Channels/flume/1")
        .unwrap();
    assert_eq!(linear.sampling_mode.as_deref(), Some("Linear"));
}

#[test]
fn a_foreign_report_states_the_source_and_claims_no_machine() {
    let (_, text, stderr) = report("header", &[]);
    assert!(
        text.starts_with("# concbench report: criterion folder "),
        "{text}"
    );
    let source = section(&text, "Source");
    assert!(
        source.contains("criterion/foreign"),
        "the folder is named: {source}"
    );
    assert!(source.contains("| machine     | unknown"), "{source}");
    assert!(
        source.contains("| Tiny/atomic add/1 ") && source.contains("|      20 |          Flat |"),
        "sample count and sampling mode per id: {source}"
    );
    assert!(source.contains("|      10 |        Linear |"), "{source}");
    for claim in [
        "## Machine",
        "busy",
        "Profile `",
        "warm-up",
        "CPU id",
        "load average",
    ] {
        assert!(
            !text.contains(claim),
            "a foreign report claims {claim:?}: {text}"
        );
    }
    let warnings = section(&text, "Warnings");
    assert!(
        warnings.contains(
            "2 of the folder's 20 benchmark ids do not fit &lt;group&gt;/&lt;model&gt;/&lt;workers&gt;"
        ) && warnings.contains("\"Performance\\_Sort/Rayon par\\_sort/large\", \"startup\""),
        "{warnings}"
    );
    assert!(
        warnings.contains("1 case has a median interval wider than ±5%")
            && warnings.contains("Tiny/atomic add/2 ±41.0%"),
        "{warnings}"
    );
    assert!(
        stderr.contains("warning: 2 of the folder's 20 benchmark ids do not fit")
            && stderr.contains("warning: 1 case has a median interval wider than ±5%"),
        "{stderr}"
    );
    assert!(
        text.contains("|    6.91 ns |") && text.contains("|    13.4 ns |"),
        "{text}"
    );
}

#[test]
fn a_machine_note_is_printed_as_told_and_a_bad_one_is_refused() {
    let (out, text, _) = report("note", &["--machine-note", "CI runner, 4 vCPUs"]);
    assert!(
        section(&text, "Source")
            .contains("CI runner, 4 vCPUs (as told with `--machine-note`; nothing was read of it)"),
        "{text}"
    );
    let svg = fs::read_to_string(out.join("Channels/time.svg")).unwrap();
    assert!(
        svg.contains("machine: CI runner, 4 vCPUs (as told, not read)"),
        "the chart subtitle names the note"
    );

    let out = scratch("foreign", "bad-note");
    for bad in ["", "two\nlines", &"x".repeat(201)] {
        let output = concbench(&[
            "report",
            "--criterion",
            foreign_static(),
            "--out",
            out.to_str().unwrap(),
            "--machine-note",
            bad,
        ]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.starts_with("error: --machine-note "), "{stderr}");
        assert!(!out.join("report.md").exists());
    }
}

#[test]
fn hostile_ids_are_escaped_in_markdown_and_svg() {
    let (out, text, _) = report("escape", &[]);
    assert!(!text.contains("<b>"), "raw HTML in report.md: {text}");
    assert!(!text.contains("& co"), "a raw & in report.md: {text}");
    assert!(text.contains("&lt;b&gt;x&lt;/b&gt; &amp; co"), "{text}");
    let svg = fs::read_to_string(out.join("Channels/time.svg")).unwrap();
    assert!(!svg.contains("<b>"), "raw markup in the SVG");
    assert!(
        svg.contains("&lt;b&gt;x&lt;/b&gt; &amp; co"),
        "the legend names it"
    );
}

#[test]
fn eight_unknown_series_of_one_chart_get_eight_colours() {
    let (out, _, _) = report("styles", &[]);
    let svg = fs::read_to_string(out.join("Channels/time.svg")).unwrap();
    // The series' lines are the only 5 px strokes of a time chart.
    let line =
        regex::Regex::new(r#"<polyline[^>]*stroke="(#[0-9A-Fa-f]{6})"[^>]*stroke-width="5""#)
            .unwrap();
    let colours: HashSet<&str> = line
        .captures_iter(&svg)
        .map(|c| c.get(1).unwrap().as_str())
        .collect();
    assert_eq!(colours.len(), 8, "{colours:?}");
}

#[test]
fn report_and_compare_write_a_time_under_a_microsecond_alike() {
    let dir = scratch("foreign", "tiny-times");
    let mut value: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(fixture("results/valid.json")).unwrap()).unwrap();
    for case in value["cases"].as_array_mut().unwrap() {
        let median = case
            .get_mut("time")
            .and_then(|t| t.get_mut("median"))
            .and_then(|m| m.as_object_mut());
        if let Some(median) = median {
            median.insert("point".into(), 6.91.into());
            median.insert("lower".into(), 6.9.into());
            median.insert("upper".into(), 6.92.into());
        }
    }
    let (a, b) = (dir.join("a.json"), dir.join("b.json"));
    for path in [&a, &b] {
        fs::write(path, value.to_string()).unwrap();
    }
    let out = dir.join("report");
    let output = concbench(&[
        "report",
        a.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--format",
        "svg",
    ]);
    assert!(output.status.success(), "{output:?}");
    let text = fs::read_to_string(out.join("report.md")).unwrap();
    assert!(text.contains("6.91 ns"), "{text}");
    assert!(
        !text.contains("6.00 ns") && !text.contains("7.00 ns"),
        "{text}"
    );
    let output = concbench(&["compare", a.to_str().unwrap(), b.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{output:?}");
    assert!(stdout.contains("6.91 ns"), "{stdout}");
    assert!(
        !stdout.contains("7.00 ns") && !stdout.contains("6.00 ns"),
        "{stdout}"
    );
    assert!(Path::new(&out).join("report.md").exists());
}
