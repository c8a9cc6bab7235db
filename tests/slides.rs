//! `concbench slides`: the deck's pages and page size read back from the PDF, its fonts
//! embedded with no system font to be had, slides.md beside it, two runs side by side (of
//! one profile unless allowed), long model names laid out inside the page, and bad input
//! refused with one `error:` line and exit status 2, nothing written.

mod common;

use std::fs;
use std::path::Path;
use std::sync::Arc;

use assert_cmd::Command;
use common::{concbench, files_under, fixture, scratch};
use lopdf::{Document, Object};
use svg2pdf::usvg;

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

#[test]
fn two_runs_of_different_profiles_are_refused_unless_allowed_as_by_compare() {
    let out = scratch("slides", "profiles");
    let (smoke, default) = (
        fixture("compare/laptop.json"),
        fixture("compare/server-default-profile.json"),
    );
    let args = [
        "slides",
        smoke.to_str().unwrap(),
        default.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    refused(
        &args,
        &[
            "profiles differ",
            "laptop.json",
            "'smoke'",
            "server-default-profile.json",
            "'default'",
            "pass --allow-profile-mismatch",
        ],
        &out,
    );
    let mut allowed = args.to_vec();
    allowed.push("--allow-profile-mismatch");
    let run = concbench(&allowed);
    assert!(run.status.success(), "{}", stderr(&run));
    let title = fs::read_to_string(out.join("title.svg")).unwrap();
    assert!(
        title.contains("profile smoke") && title.contains("profile default"),
        "the title page shows both profiles"
    );
}

#[test]
fn results_without_workload_cases_are_refused() {
    let out = scratch("slides", "no-cases");
    let deck = out.join("deck");
    let sync_only = fixture("results/sync-only.json");
    let valid = fixture("slides/two-workloads.json");
    refused(
        &[
            "slides",
            sync_only.to_str().unwrap(),
            "--out",
            deck.to_str().unwrap(),
        ],
        &["sync-only.json", "holds no workload cases to chart"],
        &out,
    );
    // As the second run too.
    refused(
        &[
            "slides",
            valid.to_str().unwrap(),
            sync_only.to_str().unwrap(),
            "--out",
            deck.to_str().unwrap(),
        ],
        &["sync-only.json", "holds no workload cases to chart"],
        &out,
    );
    assert!(!deck.exists(), "no output folder made");
}

/// Every text element of `svg` as usvg lays it out with the deck's only font: its text and
/// its box (left, top, right, bottom) in px.
fn text_boxes(svg: &str) -> Vec<(String, [f32; 4])> {
    let options = usvg::Options {
        font_family: "DejaVu Sans".to_string(),
        fontdb: Arc::new(concbench::slides::pdf::font_database()),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &options).unwrap();
    let mut out = Vec::new();
    let mut stack = vec![tree.root()];
    while let Some(group) = stack.pop() {
        for node in group.children() {
            match node {
                usvg::Node::Group(g) => stack.push(g),
                usvg::Node::Text(t) => {
                    let text: String = t.chunks().iter().map(|c| c.text()).collect();
                    let b = t.abs_bounding_box();
                    out.push((text, [b.left(), b.top(), b.right(), b.bottom()]));
                }
                _ => {}
            }
        }
    }
    out
}

/// Two models named by 60-character commands, as a hyperfine import names them.
const COMMANDS: [&str; 2] = [
    "hyperfine --warmup 3 --threads 4 'target/release/app --fast'",
    "hyperfine --warmup 3 --threads 2 'target/release/app --fast'",
];

#[test]
fn long_model_names_stay_inside_every_page_and_leave_the_plot_most_of_it() {
    let dir = scratch("slides", "long-names");
    let mut results: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(fixture("slides/two-workloads.json")).unwrap())
            .unwrap();
    for case in results["cases"].as_array_mut().unwrap() {
        let renamed = match case["model"].as_str().unwrap() {
            "threads" => COMMANDS[0],
            "rayon" => COMMANDS[1],
            _ => continue,
        };
        case["model"] = renamed.into();
    }
    assert!(COMMANDS.iter().all(|c| c.chars().count() == 60));
    let input = dir.join("results.json");
    fs::write(&input, results.to_string()).unwrap();
    let out = dir.join("deck");
    deck_of(&[&input], &out);

    let page_width = 1920.0;
    for svg in files_under(&out)
        .into_iter()
        .filter(|f| f.extension().is_some_and(|e| e == "svg"))
    {
        let boxes = text_boxes(&fs::read_to_string(out.join(&svg)).unwrap());
        assert!(!boxes.is_empty(), "{svg:?} has text");
        for (text, [left, _, right, _]) in &boxes {
            assert!(
                *left >= 0.0 && *right <= page_width,
                "{svg:?}: '{text}' spans {left}..{right} px, outside the 1920 px page"
            );
        }
    }

    let speedup = text_boxes(&fs::read_to_string(out.join("sum-squares/speedup.svg")).unwrap());
    // The takeaway, under the title: shortened names, inside the margins.
    let (takeaway, [left, _, right, _]) = speedup
        .iter()
        .find(|(t, [_, top, _, _])| *top < 170.0 && t.contains("2.0x at 2 workers"))
        .expect("the takeaway is drawn");
    assert!(
        takeaway.starts_with("hyperfine") && takeaway.contains('…'),
        "{takeaway}"
    );
    assert!(
        *left >= 48.0 && *right <= page_width - 48.0,
        "{left}..{right}"
    );
    // The legend's labels, below the header: in a column at most a third of the page wide,
    // the two commands shortened to what tells them apart.
    let legend: Vec<_> = speedup
        .iter()
        .filter(|(t, [_, top, _, _])| *top > 170.0 && t.contains('…'))
        .collect();
    assert_eq!(legend.len(), 2, "{speedup:?}");
    assert_ne!(legend[0].0, legend[1].0);
    for (text, [left, ..]) in legend {
        assert!(text.contains('…'), "{text}");
        assert!(
            *left >= page_width * 2.0 / 3.0,
            "'{text}' starts at {left} px"
        );
    }

    // The presenter note has the names as the run has them.
    let marp = fs::read_to_string(out.join("slides.md")).unwrap();
    let note = format!(
        "{} 2.0x at 2 workers ({} within 5%); process at most 0.33x (slower than sequential); tokio-current stays at 1x",
        COMMANDS[0], COMMANDS[1]
    );
    assert!(marp.contains(&note), "{marp}");
}
