//! Charts: every requested file is written, PNGs are 1920x1080 and not blank, SVGs carry the
//! axis titles and every model name, charts without data are skipped, both themes render,
//! flagged cases are ringed, and the drift chart shows the calibration series.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use concbench::Kind;
use concbench::machine::CalibrationPoint;
use concbench::machine::drift::{DEFAULT_BOUND, analyse};
use concbench::model::MODELS;
use concbench::plot::lines::{FLAGGED_LABEL, XScale};
use concbench::plot::{Format, PNG_SIZE, RenderedChart, Theme};
use concbench::report::chart::{self, ChartContext, Figure, PlannedChart, render_all};
use concbench::report::fit::fit_results;
use concbench::results::checks::{FlagKind, case_flags};
use concbench::results::{CaseRecord, CpuUsage, Estimate, Memory, Results, TimeEstimate};

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/results/valid.json"
);

fn fixture() -> Results {
    Results::read(Path::new(FIXTURE)).expect("fixture results parse")
}

/// A fresh, empty folder under the target's test scratch space.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("charts")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn render(results: &Results, theme: Theme, formats: &[Format], out: &Path) -> Vec<RenderedChart> {
    let fits = fit_results(results);
    let flags = case_flags(results);
    let ctx = ChartContext {
        results,
        fits: &fits,
        flags: &flags,
        theme,
        formats,
        out_dir: out,
    };
    render_all(&ctx).expect("charts render")
}

fn estimate(point: f64, rel: f64) -> Estimate {
    Estimate {
        point,
        lower: point * (1.0 - rel),
        upper: point * (1.0 + rel),
    }
}

fn time(ns: f64) -> TimeEstimate {
    TimeEstimate {
        mean: estimate(ns * 1.01, 0.03),
        median: estimate(ns, 0.03),
        std_dev_ns: ns * 0.02,
        samples: 20,
        confidence_level: 0.95,
        sample_ns: Vec::new(),
        rounds: Vec::new(),
    }
}

/// A run on an 8-CPU machine: two registry workloads plus one unknown to the registry, all
/// seven models, workers 1..64, and a few holes (a case without time, one without memory,
/// one without CPU), plus a workload with no data at all.
fn synthetic() -> Results {
    let mut results = fixture();
    results.machine.usable_cpus = 8;
    results.machine.logical_cores = 8;
    results.machine.physical_cores = Some(4);
    results.run.workers = vec![1, 2, 4, 8, 16, 32, 64];
    results.cases.clear();
    let workloads = [
        ("sum-squares", Kind::Cpu),
        ("sleep", Kind::Io),
        ("my-bench", Kind::Mixed),
    ];
    for (workload, kind) in workloads {
        for info in MODELS {
            let counts: &[usize] = if info.name == "sequential" {
                &[1]
            } else {
                &[1, 2, 4, 8, 16, 32, 64]
            };
            for &n in counts {
                let nf = n as f64;
                let cores = nf.min(8.0);
                let speedup = match (kind, info.name) {
                    (_, "sequential") => 1.0,
                    (Kind::Io, "threads-gil") => nf * 0.9,
                    (Kind::Io, _) => nf * 0.97,
                    (_, "tokio-current") => 0.98,
                    (_, "threads-gil") => 0.92 / (1.0 + 0.02 * (nf - 1.0)),
                    (_, "process") => cores / (1.0 + 0.08 * (cores - 1.0)) * 0.95,
                    (_, "rayon") => cores / (1.0 + 0.03 * (cores - 1.0) + 0.001 * nf * (nf - 1.0)),
                    _ => cores / (1.0 + 0.05 * (cores - 1.0) + 0.002 * nf * (nf - 1.0)),
                };
                let seq_ns = if kind == Kind::Io { 800e6 } else { 120e6 };
                let busy = match (kind, info.name) {
                    (Kind::Io, _) => 0.05 * nf.min(8.0),
                    (_, "tokio-current") | (_, "threads-gil") | (_, "sequential") => 1.0,
                    _ => cores * 0.97,
                };
                let rss = 3.0
                    + match info.name {
                        "process" => 2.5 * nf,
                        "threads" | "threads-gil" => 0.06 * nf,
                        _ => 0.5,
                    };
                let mut case = CaseRecord {
                    workload: workload.to_string(),
                    kind,
                    model: info.name.to_string(),
                    workers: n,
                    params: BTreeMap::new(),
                    checksum: 0x9e37_79b9_7f4a_7c15,
                    verified: true,
                    time: Some(time(seq_ns / speedup)),
                    memory: Some(Memory {
                        peak_rss_bytes: (rss * 1024.0 * 1024.0) as u64,
                        parent_peak_rss_bytes: 3 << 20,
                        workers_peak_rss_bytes: Vec::new(),
                    }),
                    cpu: Some(CpuUsage::new(busy * 0.5, 0.0, 0.5)),
                    peak_threads: Some(n as u64 + 1),
                    measured_in: None,
                    id: None,
                };
                if workload == "sleep" && info.name == "tokio-current" && n == 64 {
                    case.time = None;
                }
                if workload == "sum-squares" && info.name == "process" && n == 32 {
                    case.memory = None;
                }
                if workload == "sum-squares" && info.name == "rayon" && n == 16 {
                    case.cpu = None;
                }
                results.cases.push(case);
            }
        }
    }
    // A workload with one case and nothing measured: no chart of it at all.
    results.cases.push(CaseRecord {
        workload: "primes".to_string(),
        kind: Kind::Cpu,
        model: "sequential".to_string(),
        workers: 1,
        params: BTreeMap::new(),
        checksum: 1,
        verified: true,
        time: None,
        memory: None,
        cpu: None,
        peak_threads: None,
        measured_in: None,
        id: None,
    });
    results
}

/// Width and height from a PNG's IHDR, after checking the signature and every chunk's CRC
/// up to IEND.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    let mut at = 8;
    let mut size = None;
    let mut idat = 0;
    loop {
        let len = u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
        let kind = &bytes[at + 4..at + 8];
        let data = &bytes[at + 8..at + 8 + len];
        let crc = u32::from_be_bytes(bytes[at + 8 + len..at + 12 + len].try_into().unwrap());
        assert_eq!(
            crc32(&bytes[at + 4..at + 8 + len]),
            crc,
            "CRC of chunk {kind:?}"
        );
        match kind {
            b"IHDR" => {
                size = Some((
                    u32::from_be_bytes(data[0..4].try_into().unwrap()),
                    u32::from_be_bytes(data[4..8].try_into().unwrap()),
                ))
            }
            b"IDAT" => idat += len,
            b"IEND" => break,
            _ => {}
        }
        at += 12 + len;
    }
    // A blank 1920x1080 image deflates to a few kB; a chart with text and lines does not.
    assert!(idat > 20_000, "image data is only {idat} bytes: blank?");
    size.expect("IHDR chunk")
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffff_u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn distinct_colours(pixels: &[u8]) -> usize {
    pixels
        .chunks_exact(3)
        .step_by(5)
        .map(|p| (p[0], p[1], p[2]))
        .collect::<HashSet<_>>()
        .len()
}

/// Every PNG has the right size and valid chunks, every SVG its axis titles and the models.
fn check_files(out: &Path, rendered: &[RenderedChart], results: &Results) {
    for chart in rendered {
        assert!(!chart.files.is_empty(), "{} has no files", chart.title);
        for file in &chart.files {
            let path = out.join(file);
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            match file.extension().and_then(|e| e.to_str()) {
                Some("png") => assert_eq!(png_size(&bytes), PNG_SIZE, "{}", path.display()),
                Some("svg") => {
                    let text = String::from_utf8(bytes).unwrap();
                    assert!(text.starts_with("<svg"), "{}", path.display());
                    let texts = svg_texts(&text);
                    assert!(text.contains("width=\"1920\""), "{}", path.display());
                    assert!(text.contains("DejaVu Sans"), "{}: font", path.display());
                    let Some(workload) = &chart.workload else {
                        continue;
                    };
                    assert!(
                        text.contains("workers (log scale)"),
                        "{}: x title",
                        path.display()
                    );
                    let y_title = match chart.chart {
                        "speedup" => "speedup over sequential (×)",
                        "time" => "median batch time (",
                        "efficiency" => "efficiency (speedup ÷ workers)",
                        "memory" => "peak memory (MiB)",
                        "cpu" => "CPU cores busy",
                        "threads" => "OS threads at peak (log scale)",
                        other => panic!("unexpected chart {other}"),
                    };
                    assert!(text.contains(y_title), "{}: y title", path.display());
                    assert!(
                        text.contains(workload.as_str()),
                        "{}: title",
                        path.display()
                    );
                    assert!(text.contains("profile "), "{}: profile", path.display());
                    let machine = results.machine.display_brand();
                    assert!(text.contains(&machine), "{}: machine", path.display());
                    // Every model with data for this chart is named in the legend.
                    for model in models_with_data(results, workload, chart.chart) {
                        assert!(
                            texts.contains(&model),
                            "{}: model {model} missing",
                            path.display()
                        );
                    }
                }
                other => panic!("unexpected file type {other:?}"),
            }
        }
    }
}

/// The contents of every `<text>` element, trimmed.
fn svg_texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let start = t.find('>')? + 1;
            let end = t.find("</text>")?;
            Some(t[start..end].trim().to_string())
        })
        .collect()
}

fn models_with_data(results: &Results, workload: &str, chart: &str) -> Vec<String> {
    let mut models = Vec::new();
    for case in results.cases.iter().filter(|c| c.workload == workload) {
        let has = match chart {
            "speedup" | "efficiency" => results.speedup(case).is_some(),
            "time" => case.time.is_some(),
            "memory" => case.memory.is_some(),
            "cpu" => case.cpu.is_some(),
            "threads" => case.peak_threads.is_some(),
            _ => false,
        };
        if has && !models.contains(&case.model) {
            models.push(case.model.clone());
        }
    }
    models
}

#[test]
fn fixture_renders_every_chart_with_data_in_both_formats() {
    let out = scratch("fixture");
    let results = fixture();
    let started = Instant::now();
    let rendered = render(&results, Theme::Light, &[Format::Svg, Format::Png], &out);
    eprintln!(
        "fixture: {} charts in {:?}",
        rendered.len(),
        started.elapsed()
    );
    check_files(&out, &rendered, &results);

    let names: Vec<String> = rendered
        .iter()
        .map(|c| format!("{}/{}", c.workload.as_deref().unwrap_or("-"), c.chart))
        .collect();
    // sum-squares has times, memory and CPU for sequential, threads and process.
    for chart in ["speedup", "time", "efficiency", "memory", "cpu"] {
        assert!(names.contains(&format!("sum-squares/{chart}")), "{names:?}");
        assert!(out.join(format!("sum-squares/{chart}.svg")).is_file());
        assert!(out.join(format!("sum-squares/{chart}.png")).is_file());
    }
    // sleep: the only parallel case has no time, so no speedup or efficiency chart; its time
    // chart has just the sequential baseline; memory and CPU exist for tokio-current.
    assert!(!names.contains(&"sleep/speedup".to_string()), "{names:?}");
    assert!(
        !names.contains(&"sleep/efficiency".to_string()),
        "{names:?}"
    );
    assert!(!out.join("sleep/speedup.svg").exists());
    assert!(names.contains(&"sleep/time".to_string()), "{names:?}");
    assert!(names.contains(&"sleep/memory".to_string()), "{names:?}");
    assert!(
        names.contains(&"-/summary-heatmap".to_string()),
        "{names:?}"
    );
    assert!(out.join("summary-heatmap.svg").is_file());
    assert!(out.join("summary-heatmap.png").is_file());

    let speedup = rendered.iter().find(|c| c.chart == "speedup").unwrap();
    assert_eq!(speedup.title, "sum-squares: speedup vs workers");
    assert_eq!(
        speedup.files,
        vec![
            PathBuf::from("sum-squares/speedup.svg"),
            PathBuf::from("sum-squares/speedup.png")
        ]
    );
}

#[test]
fn synthetic_run_with_all_models_renders_and_skips_empty_workloads() {
    let out = scratch("synthetic");
    let results = synthetic();
    let started = Instant::now();
    let rendered = render(&results, Theme::Light, &[Format::Svg, Format::Png], &out);
    eprintln!(
        "synthetic: {} charts in {:?}",
        rendered.len(),
        started.elapsed()
    );
    check_files(&out, &rendered, &results);
    // Three workloads with six charts each (threads too: the synthetic run counts them),
    // plus the heatmap.
    assert_eq!(rendered.len(), 3 * 6 + 1, "{rendered:?}");
    // primes has nothing measured: no folder, no chart.
    assert!(
        rendered
            .iter()
            .all(|c| c.workload.as_deref() != Some("primes"))
    );
    assert!(!out.join("primes").exists());
    let speedup = std::fs::read_to_string(out.join("sum-squares/speedup.svg")).unwrap();
    let texts = svg_texts(&speedup);
    for info in MODELS {
        assert!(texts.iter().any(|t| t == info.name), "{}", info.name);
    }
    assert!(texts.iter().any(|t| t == "ideal"), "{texts:?}");
    assert!(texts.iter().any(|t| t == "USL fit"), "{texts:?}");
    let cpu = std::fs::read_to_string(out.join("sum-squares/cpu.svg")).unwrap();
    assert!(cpu.contains("usable CPUs (8)"));
    let heatmap = std::fs::read_to_string(out.join("summary-heatmap.svg")).unwrap();
    let texts = svg_texts(&heatmap);
    for workload in ["sum-squares", "sleep", "my-bench", "primes"] {
        assert!(texts.iter().any(|t| t == workload), "{workload}");
    }
    assert!(heatmap.contains("×"));
}

#[test]
fn drawn_pixels_are_not_blank_and_themes_differ() {
    let results = synthetic();
    let fits = fit_results(&results);
    let ctx = ChartContext {
        results: &results,
        fits: &fits,
        flags: &[],
        theme: Theme::Light,
        formats: &[Format::Png],
        out_dir: Path::new("unused"),
    };
    let planned = chart::plan(&ctx);
    assert!(
        planned
            .iter()
            .any(|p| matches!(p.figure, Figure::Heatmap(_)))
    );
    for p in planned
        .iter()
        .filter(|p| p.chart == "summary-heatmap" || p.workload.as_deref() == Some("sum-squares"))
    {
        let light = chart::render_pixels(&p.figure, &p.header, Theme::Light).unwrap();
        let dark = chart::render_pixels(&p.figure, &p.header, Theme::Dark).unwrap();
        assert_eq!(light.len(), (PNG_SIZE.0 * PNG_SIZE.1 * 3) as usize);
        for (theme, pixels) in [("light", &light), ("dark", &dark)] {
            let colours = distinct_colours(pixels);
            assert!(
                colours > 50,
                "{} {theme}: only {colours} colours",
                p.stem.display()
            );
        }
        // The corner is background: white on light, dark on dark.
        assert_eq!(&light[..3], &[255, 255, 255]);
        assert!(dark[..3].iter().all(|v| *v < 64), "{:?}", &dark[..3]);
    }
}

#[test]
fn dark_theme_renders_files() {
    let out = scratch("dark");
    let results = fixture();
    let rendered = render(&results, Theme::Dark, &[Format::Png, Format::Svg], &out);
    check_files(&out, &rendered, &results);
    let svg = std::fs::read_to_string(out.join("sleep/time.svg")).unwrap();
    assert!(
        svg.contains("#16181D") || svg.contains("#16181d"),
        "dark background"
    );
}

#[test]
fn only_requested_formats_are_written() {
    let out = scratch("svg-only");
    let results = fixture();
    let rendered = render(&results, Theme::Light, &[Format::Svg], &out);
    assert!(!rendered.is_empty());
    for chart in &rendered {
        assert!(chart.files.iter().all(|f| f.extension().unwrap() == "svg"));
    }
    assert!(!out.join("summary-heatmap.png").exists());
    assert!(render(&results, Theme::Light, &[], &scratch("none")).is_empty());
}

#[test]
fn a_run_without_any_data_draws_nothing() {
    let out = scratch("empty");
    let mut results = fixture();
    for case in &mut results.cases {
        case.time = None;
        case.memory = None;
        case.cpu = None;
    }
    let rendered = render(&results, Theme::Light, &[Format::Svg, Format::Png], &out);
    assert!(rendered.is_empty(), "{rendered:?}");
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0);
}

#[test]
fn names_parse() {
    assert_eq!("dark".parse::<Theme>(), Ok(Theme::Dark));
    assert_eq!("Light".parse::<Theme>(), Ok(Theme::Light));
    assert!("sepia".parse::<Theme>().is_err());
    assert_eq!(
        Format::parse_list("svg, png,svg"),
        Ok(vec![Format::Svg, Format::Png])
    );
    assert!(Format::parse_list("jpg").unwrap_err().contains("svg, png"));
}

#[test]
fn write_failures_name_the_chart_and_file() {
    let dir = scratch("blocked");
    // A file where the workload folder should go.
    std::fs::write(dir.join("sum-squares"), "not a folder").unwrap();
    let results = fixture();
    let fits = fit_results(&results);
    let ctx = ChartContext {
        results: &results,
        fits: &fits,
        flags: &[],
        theme: Theme::Light,
        formats: &[Format::Svg],
        out_dir: &dir,
    };
    let message = render_all(&ctx).unwrap_err().to_string();
    assert!(message.contains("sum-squares/"), "{message}");
    assert!(message.contains("chart "), "{message}");
    assert!(!message.contains('\n'), "{message}");
}

#[test]
fn registered_fonts_serve_the_generic_families_criterion_uses() {
    use plotters::prelude::*;
    concbench::plot::register_fonts();
    concbench::plot::register_fonts();
    for family in [
        FontFamily::SansSerif,
        FontFamily::Serif,
        FontFamily::Monospace,
    ] {
        let mut pixels = vec![255u8; 200 * 60 * 3];
        {
            let root = BitMapBackend::with_buffer(&mut pixels, (200, 60)).into_drawing_area();
            let style = TextStyle::from((family, 30).into_font()).color(&BLACK);
            root.draw_text("criterion", &style, (5, 10))
                .unwrap_or_else(|e| panic!("{}: {e}", family.as_str()));
            root.present().unwrap();
        }
        assert!(
            pixels.iter().any(|v| *v < 128),
            "{}: no ink",
            family.as_str()
        );
    }
}

#[test]
fn odd_values_do_not_panic() {
    let out = scratch("odd");
    let mut results = synthetic();
    for (i, case) in results.cases.iter_mut().enumerate() {
        match i % 7 {
            0 if case.model != "sequential" => case.workers = 0,
            1 => {
                if let Some(t) = case.time.as_mut() {
                    t.median.point = f64::NAN;
                }
            }
            2 => {
                if let Some(t) = case.time.as_mut() {
                    t.median.lower = 0.0;
                    t.median.upper = f64::INFINITY;
                }
            }
            3 => {
                if let Some(c) = case.cpu.as_mut() {
                    c.utilisation = f64::NAN;
                }
            }
            4 => case.model = "someone-elses-model".to_string(),
            _ => {}
        }
    }
    let rendered = render(&results, Theme::Light, &[Format::Svg, Format::Png], &out);
    assert!(!rendered.is_empty());
}

/// The charts [`chart::plan`] makes of `results`, with its flags.
fn planned(results: &Results) -> Vec<PlannedChart> {
    let fits = fit_results(results);
    let flags = case_flags(results);
    chart::plan(&ChartContext {
        results,
        fits: &fits,
        flags: &flags,
        theme: Theme::Light,
        formats: &[Format::Svg],
        out_dir: Path::new("unused"),
    })
}

fn find<'a>(planned: &'a [PlannedChart], workload: Option<&str>, chart: &str) -> &'a PlannedChart {
    planned
        .iter()
        .find(|p| p.workload.as_deref() == workload && p.chart == chart)
        .unwrap_or_else(|| panic!("no chart {workload:?}/{chart}"))
}

/// The synthetic run with sum-squares/rayon/8 at 9x on 8 usable CPUs: implausible.
fn with_an_implausible_case() -> Results {
    let mut results = synthetic();
    let case = results
        .cases
        .iter_mut()
        .find(|c| c.workload == "sum-squares" && c.model == "rayon" && c.workers == 8)
        .unwrap();
    case.time = Some(time(120e6 / 9.0));
    results
}

#[test]
fn flagged_cases_are_ringed_in_every_workload_chart_and_others_are_not() {
    let results = with_an_implausible_case();
    let flags = case_flags(&results);
    assert_eq!(flags.len(), 1, "{flags:?}");
    assert_eq!(flags[0].kind, FlagKind::Implausible);
    let planned = planned(&results);

    let speedup = find(&planned, Some("sum-squares"), "speedup");
    let notes = speedup
        .figure
        .annotations()
        .expect("the speedup figure carries rings");
    assert!(notes.is_flagged("rayon", 8.0), "{notes:?}");
    assert!(!notes.is_flagged("rayon", 4.0), "{notes:?}");
    assert!(!notes.is_flagged("threads", 8.0), "{notes:?}");
    assert_eq!(notes.flagged.len(), 1, "{notes:?}");
    // The worker-count charts keep their log2 axis.
    assert_eq!(notes.x_scale, XScale::Log2);
    for chart in ["time", "efficiency", "memory", "cpu", "threads"] {
        let figure = &find(&planned, Some("sum-squares"), chart).figure;
        assert!(
            figure
                .annotations()
                .is_some_and(|n| n.is_flagged("rayon", 8.0)),
            "{chart}"
        );
    }
    // A workload without doubts stays a plain line figure.
    let sleep = find(&planned, Some("sleep"), "speedup");
    assert!(
        matches!(sleep.figure, Figure::Lines(_)),
        "{:?}",
        sleep.figure
    );

    // The ring is drawn, and the legend names it.
    let plain = Figure::Lines(speedup.figure.line_plot().unwrap().clone());
    let ringed = chart::render_pixels(&speedup.figure, &speedup.header, Theme::Light).unwrap();
    let unringed = chart::render_pixels(&plain, &speedup.header, Theme::Light).unwrap();
    let changed = ringed
        .chunks_exact(3)
        .zip(unringed.chunks_exact(3))
        .filter(|(a, b)| a != b)
        .count();
    assert!(changed > 500, "only {changed} pixels differ");
    let out = scratch("flagged");
    render(&results, Theme::Light, &[Format::Svg, Format::Png], &out);
    let texts = svg_texts(&std::fs::read_to_string(out.join("sum-squares/speedup.svg")).unwrap());
    assert!(texts.iter().any(|t| t == FLAGGED_LABEL), "{texts:?}");
    let texts = svg_texts(&std::fs::read_to_string(out.join("sleep/speedup.svg")).unwrap());
    assert!(!texts.iter().any(|t| t == FLAGGED_LABEL), "{texts:?}");
}

#[test]
fn a_wide_interval_alone_rings_nothing() {
    let mut results = synthetic();
    for case in &mut results.cases {
        if let Some(t) = case.time.as_mut() {
            t.median = estimate(t.median.point, 0.2);
        }
    }
    let flags = case_flags(&results);
    assert!(flags.iter().all(|f| f.kind == FlagKind::WideInterval));
    assert!(!flags.is_empty());
    for p in planned(&results) {
        assert!(
            p.figure.annotations().is_none_or(|n| n.flagged.is_empty()),
            "{}",
            p.stem.display()
        );
    }
}

/// A calibration series of 90 timings, one every 4 s, with a slow spell (0.7x) from the
/// 30th to the 44th.
fn calibration() -> Vec<CalibrationPoint> {
    (0..90)
        .map(|i| CalibrationPoint {
            at_s: 4.0 * i as f64 + 0.5,
            ns: 400_000.0 * (1.0 + 0.01 * (i % 4) as f64)
                / if (30..45).contains(&i) { 0.7 } else { 1.0 },
        })
        .collect()
}

#[test]
fn drift_chart_has_a_point_per_timing_in_minutes() {
    let mut results = fixture();
    let points = calibration();
    let drift = analyse(points.clone(), DEFAULT_BOUND);
    assert!(drift.flagged && drift.slow_spells.len() == 1, "{drift:?}");
    results.run.drift = Some(drift.clone());
    let planned = planned(&results);
    let chart = find(&planned, None, "drift");
    assert_eq!(
        chart.header.title,
        "Machine speed over the run (calibration kernel)"
    );
    let Figure::Annotated(plot, notes) = &chart.figure else {
        panic!("{:?}", chart.figure);
    };
    assert_eq!(notes.x_scale, XScale::Linear);
    assert_eq!(plot.x_label, "minutes since the run started");
    let timings = &plot.series[0];
    assert_eq!(timings.points.len(), points.len());
    for (p, c) in timings.points.iter().zip(&points) {
        assert!((p.x - c.at_s / 60.0).abs() < 1e-12, "{} vs {}", p.x, c.at_s);
    }
    // Speeds relative to the run's median: about 1 outside the spell, 0.7 inside.
    assert!(
        (timings.points[10].y - 1.0).abs() < 0.03,
        "{:?}",
        timings.points[10]
    );
    assert!(
        (timings.points[35].y - 0.7).abs() < 0.03,
        "{:?}",
        timings.points[35]
    );
    // Guides at 1 ± the bound, the spell shaded.
    let guides: Vec<String> = plot
        .guides
        .iter()
        .map(|g| format!("{:?}", g.kind))
        .collect();
    assert_eq!(guides, ["Horizontal(1.1)", "Horizontal(0.9)"]);
    let spell = drift.slow_spells[0];
    assert_eq!(notes.spans.len(), 1);
    assert!((notes.spans[0].0 - spell.from_s / 60.0).abs() < 1e-12);
    assert!(notes.spans[0].1 > spell.to_s / 60.0);
    assert!(notes.note.as_deref().unwrap().contains(&drift.kernel));

    let out = scratch("drift");
    let rendered = render(&results, Theme::Light, &[Format::Svg, Format::Png], &out);
    check_files(&out, &rendered, &results);
    let svg = std::fs::read_to_string(out.join("drift.svg")).unwrap();
    let texts = svg_texts(&svg);
    for label in [
        "minutes since the run started",
        "speed at each timing",
        "slow spell (below 0.9×)",
    ] {
        assert!(texts.iter().any(|t| t == label), "{label}: {texts:?}");
    }
    assert!(svg.contains("splitmix64"), "the kernel is named");
    // Round ticks in minutes, not one per timing.
    assert!(texts.iter().any(|t| t == "6"), "{texts:?}");
    assert!(!texts.iter().any(|t| t == "0.11"), "{texts:?}");
    render(
        &results,
        Theme::Dark,
        &[Format::Png],
        &scratch("drift-dark"),
    );
}

#[test]
fn no_calibration_series_no_drift_chart() {
    let mut results = fixture();
    assert!(results.run.drift.is_none());
    assert!(planned(&results).iter().all(|p| p.chart != "drift"));
    // One usable timing is not a series.
    let mut one = calibration();
    one.truncate(1);
    one.push(CalibrationPoint { at_s: 9.0, ns: 0.0 });
    results.run.drift = Some(analyse(one, DEFAULT_BOUND));
    assert!(planned(&results).iter().all(|p| p.chart != "drift"));
    let out = scratch("no-drift");
    render(&results, Theme::Light, &[Format::Svg], &out);
    assert!(!out.join("drift.svg").exists());
}

#[test]
fn an_implausible_best_speedup_is_marked_in_the_summary_heatmap() {
    let planned = planned(&with_an_implausible_case());
    let Figure::Heatmap(plot) = &find(&planned, None, "summary-heatmap").figure else {
        panic!("the summary is a heatmap");
    };
    let cell = |workload: &str, model: &str| {
        let r = plot.rows.iter().position(|w| w == workload).unwrap();
        let c = plot.columns.iter().position(|m| m == model).unwrap();
        plot.cells[r][c].clone().unwrap()
    };
    let rayon = cell("sum-squares", "rayon");
    assert_eq!(rayon.text, "9× !");
    assert_eq!(rayon.note, "implausible: see Doubts");
    let threads = cell("sum-squares", "threads");
    assert!(
        !threads.text.contains('!') && threads.note.starts_with("at "),
        "{threads:?}"
    );
}
