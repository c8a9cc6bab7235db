//! `report.md`: the machine (for imported data, its source instead: [`super::origin`]), the
//! warnings, the summary chart, then per workload its charts and workers-by-models tables,
//! then the fits, the dispatch overheads and the sync bench's section
//! ([`super::sync_section`]). Every name from the data goes through [`escape`].
//!
//! The text depends only on the results file and the list of rendered charts, so the same
//! input always gives the same report (it is snapshot-tested). To add a section, write a
//! function returning its text and call it from [`render`].

use std::fmt::Write;

use super::fit::{AmdahlFit, ModelFit, UslFit};
use super::origin::{escape, headline, source_section, warnings};
use super::scaling::{Scaling, scaled_speedup};
use super::view::View;
use crate::machine::drift::SMOOTHING_WINDOW;
use crate::model::MODELS;
use crate::plot::RenderedChart;
use crate::results::checks::{CaseFlag, FlagKind, case_flags};
use crate::results::schema::{CaseRecord, Results};
use crate::table::markdown;
use crate::units::format_ns;
use crate::workload;

/// The whole report, in the default view (strong scaling, no notes).
pub fn render(results: &Results, fits: &[ModelFit], charts: &[RenderedChart]) -> String {
    render_view(results, fits, charts, &View::default())
}

/// The whole report in `view`: its notes (axis, scaling) follow the opening paragraph, and
/// the tables give the view's ratio beside each time.
pub fn render_view(
    results: &Results,
    fits: &[ModelFit],
    charts: &[RenderedChart],
    view: &View,
) -> String {
    let m = &results.machine;
    let mut out = format!("# concbench report: {}\n\n", escape(&headline(results)));
    // Imported data: its source section says what is known; no profile, date or machine.
    if let Some(source) = &results.source {
        out.push_str(&source_section(results, source));
        for note in &view.notes {
            let _ = writeln!(out, "{note}\n");
        }
        out.push_str(&warnings_section(results));
        out.push_str(&measurement_section(results, charts));
        return rest(out, results, fits, charts, view);
    }
    let _ = writeln!(
        out,
        "Profile `{}`, run from {} to {} ({:.1} min wall, probes included), concbench {}{}.\n",
        results.run.profile,
        results.run.started_at,
        results.run.finished_at,
        results.run.wall_s / 60.0,
        m.concbench_version,
        m.git_commit
            .as_deref()
            .map_or(String::new(), |c| format!(" at commit `{c}`"))
    );
    let kept: usize = results
        .run
        .earlier
        .iter()
        .map(|e| {
            results
                .cases
                .iter()
                .filter(|c| c.measured_in.as_ref() == Some(&e.started_at))
                .count()
        })
        .sum();
    if kept > 0 {
        let _ = writeln!(
            out,
            "This run was filtered: {} of its {} cases come from {} earlier run{} (see Measurement; `results.csv` names each case's run in `measured_in`).\n",
            kept,
            results.cases.len(),
            results.run.earlier.len(),
            if results.run.earlier.len() == 1 {
                ""
            } else {
                "s"
            }
        );
    }
    for note in &view.notes {
        let _ = writeln!(out, "{note}\n");
    }
    out.push_str(&machine_section(results));
    out.push_str(&warnings_section(results));
    out.push_str(&measurement_section(results, charts));
    rest(out, results, fits, charts, view)
}

/// Everything after the measurement section: the summary chart, the workloads, the fits,
/// the overheads and the sync section, appended to `out`.
fn rest(
    mut out: String,
    results: &Results,
    fits: &[ModelFit],
    charts: &[RenderedChart],
    view: &View,
) -> String {
    if let Some(file) = chart_file(charts, None, "summary-heatmap") {
        let _ = writeln!(
            out,
            "## Which model wins where\n\nBest speedup over sequential per workload and model, at any worker count.\n\n![best speedup per workload and model]({file})\n"
        );
        // Slides are made from concbench's own results files, not from imported folders.
        if results.source.is_none() {
            out.push_str("For a talk, `concbench slides <this folder> --out <deck folder>` turns these charts into a 16:9 PDF deck (`deck.pdf`, with a one-line takeaway under each speedup chart) and the same deck in Marp's Markdown (`slides.md`).\n\n");
        }
    }
    for name in workloads_in(results) {
        out.push_str(&workload_section(results, charts, &name, view.scaling));
    }
    out.push_str(&fits_section(fits));
    out.push_str(&overhead_section(results));
    out.push_str(&super::sync_section::render(results, charts));
    out
}

/// The file `report.md` links for a rendered chart: its SVG if there is one.
pub(super) fn chart_file(
    charts: &[RenderedChart],
    workload: Option<&str>,
    chart: &str,
) -> Option<String> {
    let found = charts
        .iter()
        .find(|c| c.workload.as_deref() == workload && c.chart == chart)?;
    let svg = found
        .files
        .iter()
        .find(|f| f.extension().is_some_and(|e| e == "svg"));
    svg.or(found.files.first())
        .map(|f| f.to_string_lossy().replace('\\', "/"))
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / 1048576.0)
}

fn machine_section(results: &Results) -> String {
    let m = &results.machine;
    let load = |l: &Option<crate::machine::LoadAverage>| {
        l.map_or("n/a".to_string(), |l| format!("{:.2}", l.one))
    };
    let recorded = |text: Option<String>| text.unwrap_or_else(|| "not recorded".to_string());
    let cpu_id = m.cpu_id.as_ref();
    let mut rows = vec![vec!["".to_string(), "".to_string()]];
    if let Some(name) = &m.name {
        rows.push(vec!["name".into(), name.clone()]);
    }
    rows.extend([
        vec![
            "host".into(),
            recorded(m.host.as_ref().map(|h| h.describe())),
        ],
        vec!["CPU".into(), m.display_brand()],
        vec![
            "CPU id".into(),
            recorded(cpu_id.and_then(|c| c.describe_id())),
        ],
        vec![
            "caches".into(),
            recorded(cpu_id.and_then(|c| c.describe_caches())),
        ],
        vec![
            "CPU flags".into(),
            recorded(cpu_id.and_then(|c| c.describe_flags())),
        ],
        vec![
            "cores".into(),
            format!(
                "{} logical, {} physical, {} usable by this run",
                m.logical_cores,
                m.physical_cores.map_or("?".to_string(), |p| p.to_string()),
                m.usable_cpus
            ),
        ],
        vec![
            "frequency".into(),
            m.cpu_frequency_mhz
                .map_or("n/a".to_string(), |f| format!("{f} MHz")),
        ],
        vec!["memory".into(), mib(m.total_memory_bytes)],
        vec!["OS".into(), format!("{} ({}, {})", m.os, m.kernel, m.arch)],
        vec!["compiler".into(), m.rustc.clone()],
        vec![
            "load average (1 min)".into(),
            format!(
                "{} before, {} after",
                load(&m.load_before),
                load(&m.load_after)
            ),
        ],
        vec![
            "busy".into(),
            if m.busy { "yes: see warnings" } else { "no" }.to_string(),
        ],
        match &results.run.rounds {
            Some(r) => vec![
                "measured".into(),
                format!(
                    "{} rounds per case; each block at least {} batches and {} s",
                    r.settings.rounds,
                    r.settings.min_samples,
                    r.settings.min_block.as_secs_f64()
                ),
            ],
            None => vec![
                "criterion".into(),
                format!(
                    "{} samples, {} s warm-up, {} s measurement per case",
                    results.run.criterion.sample_size,
                    results.run.criterion.warm_up_s,
                    results.run.criterion.measurement_s
                ),
            ],
        },
    ]);
    format!("## Machine\n\n{}\n", markdown(&rows))
}

/// This run's warnings (with the wide intervals, [`warnings`]), then those of each earlier run whose cases a filtered run kept,
/// each marked with that run's start.
fn warnings_section(results: &Results) -> String {
    let earlier = results
        .run
        .earlier
        .iter()
        .flat_map(|e| e.warnings.iter().map(move |w| (e, w)));
    let own = warnings(results);
    if own.is_empty() && earlier.clone().next().is_none() {
        return String::new();
    }
    let mut out = String::from("## Warnings\n\n");
    for w in &own {
        let _ = writeln!(out, "- {}", escape(w));
    }
    for (run, w) in earlier {
        let _ = writeln!(
            out,
            "- earlier run started {}: {}",
            run.started_at,
            escape(w)
        );
    }
    out.push('\n');
    out
}

/// How the run was measured (rounds, seed, blocks, pairing), the machine's speed over it
/// (the drift chart and its verdict), and the doubts about single cases: the points the
/// charts ring.
fn measurement_section(results: &Results, charts: &[RenderedChart]) -> String {
    let mut out = String::from("## Measurement\n\n");
    out.push_str(&rounds_paragraph(results));
    out.push_str(&drift_paragraph(results, charts));
    out.push_str(&doubts_table(
        &case_flags(results),
        results.run.rounds.is_some(),
    ));
    out
}

fn rounds_paragraph(results: &Results) -> String {
    let Some(rounds) = results.run.rounds else {
        let tool = results.source.as_ref().map(|s| s.tool.name());
        let how = if results.schema == "concbench.results/1" {
            "Cases were measured in one block per case (results from before rounds)".to_string()
        } else {
            format!(
                "Cases were measured by {} in one block per case",
                tool.unwrap_or("criterion")
            )
        };
        return format!(
            "{how}; speedups are not paired: each is the sequential median over the case's median, its bounds from both intervals, so a change of the machine's speed between the two blocks moves it.\n\n"
        );
    };
    let r = rounds.settings;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "es" });
    let mut out = format!(
        "Every case was measured in {} spread over the run, each round in an order shuffled anew (seed `{}`; `CONCBENCH_SEED={}` replays it). In a round, a case is timed in one block: at least {}, more until {} have passed, at most {}. Speedups are paired round by round with the sequential baseline measured in the same round, so a slow spell that slows both sides cancels; intervals include the spread between rounds.",
        if r.rounds == 1 {
            "1 round".to_string()
        } else {
            format!("{} rounds", r.rounds)
        },
        rounds.seed,
        rounds.seed,
        plural(r.min_samples, "batch"),
        format_ns(r.min_block.as_secs_f64() * 1e9),
        plural(r.max_samples, "batch"),
    );
    // A filtered run keeps the cases it did not repeat; they cannot pair with a baseline
    // measured in another run.
    let unpaired = results
        .cases
        .iter()
        .filter(|c| c.model != "sequential" && c.time.is_some())
        .filter(|c| {
            results
                .case(&c.workload, "sequential", 1)
                .is_some_and(|s| c.measured_in.is_none() || s.measured_in != c.measured_in)
        })
        .count();
    if unpaired > 0 {
        let _ = write!(
            out,
            " {unpaired} case{} measured in another run than {} sequential baseline {} compared by medians, not paired.",
            if unpaired == 1 { "" } else { "s" },
            if unpaired == 1 { "its" } else { "their" },
            if unpaired == 1 { "is" } else { "are" },
        );
    }
    for earlier in &results.run.earlier {
        let kept = results
            .cases
            .iter()
            .filter(|c| c.measured_in.as_ref() == Some(&earlier.started_at))
            .count();
        let _ = write!(
            out,
            " {kept} case{} {} kept from an earlier run started {}",
            if kept == 1 { "" } else { "s" },
            if kept == 1 { "was" } else { "were" },
            earlier.started_at
        );
        if let Some(r) = earlier.rounds {
            let _ = write!(out, " (seed `{}`)", r.seed);
        }
        out.push_str(", which this section's drift chart does not cover");
        if let Some(drift) = &earlier.drift {
            let _ = write!(out, "; in that run {}", drift.verdict());
        }
        match earlier.warnings.len() {
            0 => {}
            1 => out.push_str("; its warning is listed under Warnings"),
            n => {
                let _ = write!(out, "; its {n} warnings are listed under Warnings");
            }
        }
        out.push('.');
    }
    out.push_str("\n\n");
    out
}

fn drift_paragraph(results: &Results, charts: &[RenderedChart]) -> String {
    let Some(drift) = &results.run.drift else {
        return "The machine's speed through the run was not tracked (no calibration kernel timings).\n\n".to_string();
    };
    let timings = drift
        .points
        .iter()
        .filter(|p| p.ns.is_finite() && p.ns > 0.0 && p.at_s.is_finite())
        .count();
    if timings < 2 {
        return format!(
            "The calibration kernel was timed {timings} time{}: too few to tell whether the machine's speed moved.\n\n",
            if timings == 1 { "" } else { "s" }
        );
    }
    let verdict = drift.verdict();
    let mut out = format!(
        "A calibration kernel was timed {timings} times through the run to follow the machine's speed. By the rolling median of {SMOOTHING_WINDOW} timings, {verdict}. The kernel: {}.\n\n",
        drift.kernel
    );
    if let Some(file) = chart_file(charts, None, "drift") {
        let _ = writeln!(out, "![machine speed over the run]({file})\n");
    }
    out
}

/// What a doubt is called in the table.
fn doubt_name(kind: FlagKind) -> &'static str {
    match kind {
        FlagKind::Implausible => "implausible speedup",
        FlagKind::Bimodal => "bimodal rounds",
        FlagKind::Disturbed => "busy machine",
        FlagKind::SlowSpell => "slow spell",
        FlagKind::WideInterval => "wide interval",
    }
}

/// Every doubt but a wide interval (the chart's band shows that, and the warnings list it):
/// the points the charts ring, one row each.
fn doubts_table(flags: &[CaseFlag], rounds: bool) -> String {
    let mut out = String::from("### Doubts\n\n");
    let shown: Vec<&CaseFlag> = flags.iter().collect();
    if shown.is_empty() {
        out.push_str(if rounds {
            "None: no case has an implausible speedup, bimodal rounds, rounds measured on a busy machine or in a slow spell, or a wide interval.\n\n"
        } else {
            "None found: no case has an implausible speedup. Without rounds nothing else can be checked: bimodal rounds, a busy machine or a slow spell do not show in one block per case.\n\n"
        });
        return out;
    }
    out.push_str("The points of these cases are ringed in the charts (\"flagged: see Doubts\"), except for wide intervals, which the bands show.\n\n| case | doubt | why |\n|:--|:--|:--|\n");
    for f in shown {
        let case = format!("{}/{}/{}", f.workload, f.model, f.workers);
        let why = escape(
            f.message
                .strip_prefix(&format!("{case}: "))
                .unwrap_or(&f.message),
        );
        let _ = writeln!(
            out,
            "| {} | {} | {why} |",
            escape(&case),
            doubt_name(f.kind)
        );
    }
    out.push('\n');
    out
}

/// Workload names in registry order, then any others in file order.
fn workloads_in(results: &Results) -> Vec<String> {
    let mut names: Vec<String> = workload::WORKLOADS
        .iter()
        .map(|w| w.name.to_string())
        .filter(|n| results.cases.iter().any(|c| &c.workload == n))
        .collect();
    for c in &results.cases {
        if !names.contains(&c.workload) {
            names.push(c.workload.clone());
        }
    }
    names
}

/// Model names in registry order, then any others in file order.
fn models_in(cases: &[&CaseRecord]) -> Vec<String> {
    let mut names: Vec<String> = MODELS
        .iter()
        .map(|m| m.name.to_string())
        .filter(|n| cases.iter().any(|c| &c.model == n))
        .collect();
    for c in cases {
        if !names.contains(&c.model) {
            names.push(c.model.clone());
        }
    }
    names
}

/// One workers-by-models table: a row per worker count, a column per model.
fn grid(
    cases: &[&CaseRecord],
    workers: &[usize],
    cell: impl Fn(&CaseRecord) -> Option<String>,
) -> String {
    let models = models_in(cases);
    let mut rows = vec![
        std::iter::once("Workers".to_string())
            .chain(models.iter().map(|m| escape(m)))
            .collect::<Vec<_>>(),
    ];
    for &w in workers {
        let mut row = vec![w.to_string()];
        for model in &models {
            // Sequential runs once, with one worker: it is the baseline of every row.
            let effective = crate::model::find(model).map_or(w, |i| i.effective_workers(w));
            let text = cases
                .iter()
                .find(|c| &c.model == model && c.workers == effective)
                .and_then(|c| cell(c))
                .unwrap_or_else(|| "—".to_string());
            row.push(text);
        }
        rows.push(row);
    }
    markdown(&rows)
}

fn workload_section(
    results: &Results,
    charts: &[RenderedChart],
    name: &str,
    scaling: Scaling,
) -> String {
    let cases: Vec<&CaseRecord> = results
        .cases
        .iter()
        .filter(|c| c.workload == name)
        .collect();
    let info = results.workload_note(name);
    let mut out = format!("## {}\n\n", escape(name));
    if let Some(info) = info {
        let _ = writeln!(
            out,
            "{} workload: {}. Each task: {}.",
            info.kind.name(),
            info.teaches,
            info.task
        );
    }
    if let Some(c) = cases.first() {
        let params: Vec<String> = c.params.iter().map(|(k, v)| format!("{k}={v}")).collect();
        if !params.is_empty() {
            let _ = writeln!(out, "Parameters: `{}`.", params.join(" "));
        }
    }
    out.push('\n');
    for chart in charts
        .iter()
        .filter(|c| c.workload.as_deref() == Some(name))
    {
        if let Some(file) = chart_file(charts, Some(name), chart.chart) {
            let _ = writeln!(out, "![{}]({file})\n", escape(&chart.title));
        }
    }
    // A row per worker count this workload measured (sequential's 1 alone when nothing
    // else ran), not every count of the run: imported groups measure different ones.
    let mut workers: Vec<usize> = cases
        .iter()
        .filter(|c| c.model != "sequential")
        .map(|c| c.workers)
        .collect();
    if workers.is_empty() {
        workers.extend(cases.iter().map(|c| c.workers));
    }
    workers.sort_unstable();
    workers.dedup();

    let has_sequential = cases.iter().any(|c| c.model == "sequential");
    out.push_str(match (scaling, has_sequential) {
        (Scaling::Strong, true) => "Median time per batch (speedup over sequential):\n\n",
        (Scaling::Strong, false) => {
            "Median time per batch (no `sequential` benchmark here, so no speedup):\n\n"
        }
        (Scaling::Weak, _) => "Median time per batch (scaled speedup N × T(1) / T(N)):\n\n",
    });
    out.push_str(&grid(&cases, &workers, |c| {
        let t = c.time.as_ref()?;
        let speedup = match scaling {
            Scaling::Strong => results.speedup(c),
            Scaling::Weak => scaled_speedup(results, c),
        }
        .map_or(String::new(), |s| format!(" ({:.2}x)", s.point));
        Some(format!("{}{speedup}", format_ns(t.median.point)))
    }));
    if cases.iter().any(|c| c.memory.is_some() || c.cpu.is_some()) {
        let threads = cases.iter().any(|c| c.peak_threads.is_some());
        out.push_str(match threads {
            true => "\nPeak memory of the process tree, CPU cores kept busy, and OS threads at peak:\n\n",
            false => "\nPeak memory of the process tree, and CPU cores kept busy:\n\n",
        });
        out.push_str(&grid(&cases, &workers, |c| {
            let mem = c.memory.as_ref().map(|m| mib(m.peak_rss_bytes));
            let cpu = c.cpu.map(|u| format!("{:.2} cores", u.utilisation));
            let cell = match (mem, cpu) {
                (None, None) => return None,
                (m, c) => format!(
                    "{}, {}",
                    m.unwrap_or_else(|| "—".into()),
                    c.unwrap_or_else(|| "—".into())
                ),
            };
            Some(match c.peak_threads {
                Some(n) => format!("{cell}, {n} threads"),
                None => cell,
            })
        }));
    }
    out.push('\n');
    out
}

fn fits_section(fits: &[ModelFit]) -> String {
    /// `value [lower, upper]` with three significant digits of the largest of them.
    fn with_interval(value: f64, interval: Option<(f64, f64)>) -> String {
        let (lo, hi) = interval.unwrap_or((value, value));
        let largest = [value, lo, hi].iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let decimals = if largest > 0.0 {
            (2 - largest.log10().floor() as i32).clamp(0, 8) as usize
        } else {
            3
        };
        match interval {
            Some((lo, hi)) => format!("{value:.decimals$} [{lo:.decimals$}, {hi:.decimals$}]"),
            None => format!("{value:.decimals$}"),
        }
    }

    /// `R² 0.62`, or `R² < 0` for a fit worse than the mean of its points.
    fn r_squared(r: f64) -> String {
        if r < 0.0 {
            "R² < 0".to_string()
        } else {
            format!("R² {r:.2}")
        }
    }

    if fits.is_empty() {
        return String::new();
    }
    let mut rows = vec![
        [
            "workload", "model", "points", "Amdahl s", "USL σ", "USL κ", "USL λ", "USL R²",
            "USL peak", "note",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for f in fits {
        let usl = f.usl;
        let up_to = f
            .worker_cap
            .map_or(String::new(), |cap| format!(" up to the {cap} usable CPUs"));
        let note = match (f.amdahl, usl) {
            (None, None) => format!(
                "too few worker counts{up_to}: Amdahl needs {}, the USL {}",
                AmdahlFit::MIN_WORKER_COUNTS,
                UslFit::MIN_WORKER_COUNTS
            ),
            (_, None) => format!(
                "the USL needs {} worker counts{up_to}",
                UslFit::MIN_WORKER_COUNTS
            ),
            (_, Some(u)) if !u.draws_line() => {
                format!("poor fit, {}: no line drawn", r_squared(u.r_squared))
            }
            (_, Some(_)) => String::new(),
        };
        let amdahl_note = f
            .amdahl
            .filter(|a| a.r_squared < super::fit::MIN_R_SQUARED_FOR_LINE)
            .map(|a| format!("Amdahl: poor fit, {}", r_squared(a.r_squared)));
        let note = match (note.is_empty(), amdahl_note) {
            (true, Some(a)) => a,
            (false, Some(a)) => format!("{note}; {a}"),
            (_, None) => note,
        };
        rows.push(vec![
            escape(&f.workload),
            escape(&f.model),
            match f.left_out {
                0 => f.points.to_string(),
                n => format!("{} of {}", f.points, f.points + n),
            },
            f.amdahl.map_or("—".into(), |a| {
                with_interval(a.serial_fraction, a.serial_fraction_interval)
            }),
            usl.map_or("—".into(), |u| with_interval(u.sigma, u.sigma_interval)),
            usl.map_or("—".into(), |u| with_interval(u.kappa, u.kappa_interval)),
            usl.map_or("—".into(), |u| with_interval(u.lambda, u.lambda_interval)),
            usl.map_or("—".into(), |u| format!("{:.3}", u.r_squared)),
            usl.map_or("—".into(), |u| {
                u.peak_workers()
                    .map_or("no peak supported by the data".into(), |p| {
                        format!("{p:.0} workers")
                    })
            }),
            if note.is_empty() { "—".into() } else { note },
        ]);
    }
    let mut text = String::from("## Scalability fits\n\n");
    text.push_str("Each speedup curve is fitted by nonlinear least squares on the median speedups. The Universal Scalability Law (Gunther) fits S(n) = λn / (1 + σ(n - 1) + κn(n - 1)): σ is contention, κ the coherency cost that bends a curve down past its peak, and λ the speedup of one worker (1 when one worker runs as fast as sequential). λ is fitted with σ and κ, as the R package `usl` does, so one noisy point does not set every parameter: an error in the sequential time, which scales every speedup alike, moves λ only. Amdahl's serial fraction s fits S(n) = 1 / (s + (1 - s) / n). Brackets are 95% intervals (estimate ± t × standard error from the fit's Jacobian); R² = 1 - RSS/TSS.\n\n");
    let _ = write!(
        text,
        "A peak, at sqrt((1 - σ) / κ) workers, is given only when κ's whole interval lies above 0. The speedup charts draw the USL curve only where it fits, R² ≥ {:.2}, and only over the worker counts fitted. ",
        super::fit::MIN_R_SQUARED_FOR_LINE
    );
    if let Some(cap) = fits.iter().find_map(|f| f.worker_cap) {
        let _ = write!(
            text,
            "For `cpu` workloads only worker counts up to the machine's {cap} usable CPUs enter the fits (the points column then reads fitted of measured): past the cores, extra workers take turns on them, and both laws assume each worker adds a processor. "
        );
    }
    let _ = write!(
        text,
        "A fit needs one more distinct worker count than it has parameters: {} for the USL, {} for Amdahl. With few worker counts the fits describe the curve; they do not predict far beyond it.\n\n{}\n",
        UslFit::MIN_WORKER_COUNTS,
        AmdahlFit::MIN_WORKER_COUNTS,
        markdown(&rows)
    );
    text
}

fn overhead_section(results: &Results) -> String {
    if results.overhead.is_empty() {
        return String::new();
    }
    let mut rows = vec![
        ["measurement", "batch", "time per task", "95% bounds"]
            .map(String::from)
            .to_vec(),
    ];
    for o in &results.overhead {
        rows.push(vec![
            o.name.clone(),
            o.batch.to_string(),
            format_ns(o.ns_per_task.point),
            format!(
                "{}–{}",
                format_ns(o.ns_per_task.lower),
                format_ns(o.ns_per_task.upper)
            ),
        ]);
    }
    format!(
        "## Dispatch overhead\n\nCost per task of each model on near-empty tasks, beside the raw floors (`floor/...`) measured in the same run.\n\n{}\n",
        markdown(&rows)
    )
}
