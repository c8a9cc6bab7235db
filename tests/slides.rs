//! `concbench slides`: the deck's pages and page size read back from the PDF, its fonts
//! embedded with no system font to be had, slides.md beside it, two runs side by side, and
//! bad input refused with one `error:` line and exit status 2, nothing written.

mod common;

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use common::{concbench, files_under, fixture, scratch};
use lopdf::{Document, Object};

/// 1920x1080 px at 96 dpi, in points.
const PAGE: [f32; 4] = [0.0, 0.0, 1440.0, 810.0];

fn number(object: &Object) -> f32 {
    match object {
        Object::Integer(i) => *i as f32,
        Object::Real(r) => *r,
        other => panic!("not a number: {other:?}"),
    }
}

/// Every page's MediaBox, in page order.
fn media_boxes(doc: &Document) -> Vec<Vec<f32>> {
    doc.get_pages()
        .values()
        .map(|id| {
            let page = doc.get_dictionary(*id).unwrap();
            let mediabox = page.get(b"MediaBox").unwrap().as_array().unwrap();
            mediabox.iter().map(number).collect()
        })
        .collect()
}

/// Names of the fonts embedded as TrueType programs (a FontDescriptor with a FontFile2).
fn embedded_fonts(doc: &Document) -> Vec<String> {
    doc.objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter(|d| d.get(b"FontFile2").is_ok())
        .filter_map(|d| d.get(b"FontName").ok()?.as_name().ok())
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .collect()
}

/// How many text-showing operators the document's content streams hold.
fn text_operators(doc: &Document) -> usize {
    doc.objects
        .values()
        .filter_map(|o| o.as_stream().ok())
        .map(|s| {
            s.decompressed_content()
                .unwrap_or_else(|_| s.content.clone())
        })
        .map(|bytes| {
            String::from_utf8_lossy(&bytes)
                .split_whitespace()
                .filter(|w| *w == "Tj" || *w == "TJ")
                .count()
        })
        .sum()
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn deck_of(inputs: &[&Path], out: &Path) -> Document {
    let mut args: Vec<&str> = vec!["slides"];
    args.extend(inputs.iter().map(|p| p.to_str().unwrap()));
    args.extend(["--out", out.to_str().unwrap()]);
    let run = concbench(&args);
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(stdout(&run).contains("deck.pdf ("), "{}", stdout(&run));
    Document::load(out.join("deck.pdf")).unwrap()
}

#[test]
fn one_run_gives_a_title_the_heatmap_and_per_workload_speedup_and_differing_memory() {
    let out = scratch("slides", "one-run");
    let doc = deck_of(&[&fixture("slides/two-workloads.json")], &out);
    // Title, heatmap, sum-squares speedup and memory (processes use 3.8x the memory),
    // sleep speedup (processes use about the same memory: no memory page).
    let boxes = media_boxes(&doc);
    assert_eq!(boxes.len(), 5);
    assert!(boxes.iter().all(|b| b == &PAGE), "{boxes:?}");
    let marp = fs::read_to_string(out.join("slides.md")).unwrap();
    let slides: Vec<&str> = marp
        .lines()
        .filter_map(|l| l.strip_prefix("![bg contain]("))
        .map(|l| l.trim_end_matches(')'))
        .collect();
    assert_eq!(
        slides,
        [
            "title.svg",
            "summary-heatmap.svg",
            "sum-squares/speedup.svg",
            "sum-squares/memory.svg",
            "sleep/speedup.svg"
        ]
    );
    for svg in &slides {
        assert!(out.join(svg).is_file(), "{svg} is copied beside slides.md");
    }
    let takeaway = "threads 2.0x at 2 workers (rayon within 5%); process at most 0.33x (slower than sequential); tokio-current stays at 1x";
    assert!(marp.contains(takeaway), "{marp}");
    let chart = fs::read_to_string(out.join("sum-squares/speedup.svg")).unwrap();
    assert!(
        chart.contains(takeaway),
        "the takeaway is the line under the title"
    );
    let memory = fs::read_to_string(out.join("sum-squares/memory.svg")).unwrap();
    assert!(memory.contains("process 12 MiB at 2 workers, 3.8x the other models"));
    let title = fs::read_to_string(out.join("title.svg")).unwrap();
    assert!(
        title.contains("Intel(R) Xeon(R) CPU @ 2.20GHz"),
        "the machine is on the title page"
    );
    assert!(
        embedded_fonts(&doc)
            .iter()
            .any(|f| f.contains("DejaVuSans")),
        "{:?}",
        embedded_fonts(&doc)
    );
}

#[test]
fn without_any_system_font_the_deck_and_the_report_still_render_text() {
    let out = scratch("slides", "no-fonts");
    let home = scratch("slides", "no-fonts-home");
    let config = home.join("fonts.conf");
    fs::write(
        &config,
        "<?xml version=\"1.0\"?>\n<fontconfig></fontconfig>\n",
    )
    .unwrap();
    let run = Command::cargo_bin("concbench")
        .unwrap()
        .args([
            "slides",
            fixture("slides/two-workloads.json").to_str().unwrap(),
        ])
        .args(["--out", out.to_str().unwrap()])
        .env("FONTCONFIG_FILE", &config)
        .env("FONTCONFIG_PATH", &home)
        .env("HOME", &home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", stderr(&run));
    let doc = Document::load(out.join("deck.pdf")).unwrap();
    assert_eq!(doc.get_pages().len(), 5);
    let fonts = embedded_fonts(&doc);
    assert!(
        !fonts.is_empty() && fonts.iter().all(|f| f.contains("DejaVuSans")),
        "{fonts:?}"
    );
    // Every page has a title at least: text drawn with the embedded font, not paths.
    assert!(text_operators(&doc) >= 5, "{}", text_operators(&doc));

    // The report (PNG charts rasterised with the embedded font, and report.html) too.
    let report = scratch("slides", "no-fonts-report");
    let run = Command::cargo_bin("concbench")
        .unwrap()
        .args([
            "report",
            fixture("slides/two-workloads.json").to_str().unwrap(),
        ])
        .args(["--out", report.to_str().unwrap()])
        .env("FONTCONFIG_FILE", &config)
        .env("FONTCONFIG_PATH", &home)
        .env("HOME", &home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", stderr(&run));
    let html = fs::read_to_string(report.join("report.html")).unwrap();
    assert!(
        html.contains("<figure class=\"chart\"><svg"),
        "charts inlined"
    );
    let png = fs::read(report.join("sum-squares/speedup.png")).unwrap();
    assert!(png.len() > 20_000, "a drawn chart, {} bytes", png.len());
}

#[test]
fn two_runs_add_the_comparison_charts() {
    let out = scratch("slides", "two-runs");
    let (a, b) = (
        fixture("compare/rounds-a.json"),
        fixture("compare/rounds-b.json"),
    );
    let doc = deck_of(&[&a, &b], &out);
    let marp = fs::read_to_string(out.join("slides.md")).unwrap();
    let slides = marp.lines().filter(|l| l.starts_with("![bg")).count();
    assert_eq!(doc.get_pages().len(), slides);
    assert!(media_boxes(&doc).iter().all(|b| b == &PAGE));
    let compare: Vec<_> = files_under(&out)
        .into_iter()
        .filter(|f| f.starts_with("compare"))
        .collect();
    assert!(
        compare.iter().any(|f| f.ends_with("speedup.svg"))
            && compare.iter().any(|f| f.ends_with("ratio.svg")),
        "{compare:?}"
    );
    assert!(marp.contains("compare/"));
}

#[test]
fn a_second_deck_replaces_its_own_files_and_leaves_others_alone() {
    let out = scratch("slides", "again");
    deck_of(&[&fixture("slides/two-workloads.json")], &out);
    fs::write(out.join("notes.txt"), "mine").unwrap();
    let first = files_under(&out);
    deck_of(&[&fixture("slides/two-workloads.json")], &out);
    assert_eq!(files_under(&out), first);
    assert_eq!(fs::read_to_string(out.join("notes.txt")).unwrap(), "mine");
}

/// One `error:` line containing every one of `needles`, exit status 2, `out` unchanged.
fn refused(args: &[&str], needles: &[&str], out: &Path) {
    let before = files_under(out);
    let run = concbench(args);
    assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
    let err = stderr(&run);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(lines[0].starts_with("error: "), "{err}");
    for needle in needles {
        assert!(lines[0].contains(needle), "{needle} missing in {err}");
    }
    assert_eq!(files_under(out), before, "nothing written");
}

#[test]
fn bad_input_is_one_error_line_with_the_fix_and_exit_status_2() {
    let out = scratch("slides", "bad");
    let out_s = out.to_str().unwrap();
    let missing = out.join("missing.json");
    refused(
        &["slides", missing.to_str().unwrap(), "--out", out_s],
        &["missing.json"],
        &out,
    );
    let corrupt = fixture("results/corrupt.json");
    refused(
        &["slides", corrupt.to_str().unwrap(), "--out", out_s],
        &["corrupt.json"],
        &out,
    );
    let valid = fixture("slides/two-workloads.json");
    let none_common = fixture("compare/no-common.json");
    refused(
        &[
            "slides",
            valid.to_str().unwrap(),
            none_common.to_str().unwrap(),
            "--out",
            out_s,
        ],
        &["no-common.json"],
        &out,
    );
    // A report folder as --out: the fix names a folder of its own.
    let report = scratch("slides", "report-folder");
    fs::copy(&valid, report.join("results.json")).unwrap();
    refused(
        &[
            "slides",
            valid.to_str().unwrap(),
            "--out",
            report.to_str().unwrap(),
        ],
        &["holds results.json", "give --out a folder of its own"],
        &report,
    );
    // A folder of someone else's files.
    fs::write(out.join("title.svg"), "not ours").unwrap();
    refused(
        &["slides", valid.to_str().unwrap(), "--out", out_s],
        &[
            "already holds files concbench did not write",
            "give --out a new or empty folder",
        ],
        &out,
    );
    assert_eq!(
        fs::read_to_string(out.join("title.svg")).unwrap(),
        "not ours"
    );
}
