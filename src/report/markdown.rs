//! `report.md`: the machine, the warnings, the summary chart, then per workload its charts
//! and seed-style tables, then the fits, the dispatch overheads and the sync bench's section
//! ([`super::sync_section`]).
//!
//! The text depends only on the results file and the list of rendered charts, so the same
//! input always gives the same report (it is snapshot-tested). To add a section, write a
//! function returning its text and call it from [`render`].

use std::fmt::Write;

use super::chart::RenderedChart;
use super::fit::ModelFit;
use crate::model::MODELS;
use crate::results::schema::{CaseRecord, Results};
use crate::table::{format_duration, markdown};
use crate::workload;

/// The whole report.
pub fn render(results: &Results, fits: &[ModelFit], charts: &[RenderedChart]) -> String {
    let m = &results.machine;
    let mut out = format!("# concbench report: {}\n\n", m.summary_line());
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
    out.push_str(&machine_section(results));
    out.push_str(&warnings_section(results));
    if let Some(file) = chart_file(charts, None, "summary-heatmap") {
        let _ = writeln!(
            out,
            "## Which model wins where\n\nBest speedup over sequential per workload and model, at any worker count.\n\n![best speedup per workload and model]({file})\n"
        );
    }
    for name in workloads_in(results) {
        out.push_str(&workload_section(results, charts, &name));
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
    let rows = vec![
        vec!["".to_string(), "".to_string()],
        vec!["CPU".into(), m.display_brand()],
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
        vec![
            "criterion".into(),
            format!(
                "{} samples, {} s warm-up, {} s measurement per case",
                results.run.criterion.sample_size,
                results.run.criterion.warm_up_s,
                results.run.criterion.measurement_s
            ),
        ],
    ];
    format!("## Machine\n\n{}\n", markdown(&rows))
}

fn warnings_section(results: &Results) -> String {
    if results.run.warnings.is_empty() {
        return String::new();
    }
    let mut out = String::from("## Warnings\n\n");
    for w in &results.run.warnings {
        let _ = writeln!(out, "- {w}");
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

/// One seed-style table: a row per worker count, a column per model.
fn grid(
    cases: &[&CaseRecord],
    workers: &[usize],
    cell: impl Fn(&CaseRecord) -> Option<String>,
) -> String {
    let models = models_in(cases);
    let mut rows = vec![
        std::iter::once("Workers".to_string())
            .chain(models.iter().cloned())
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

fn workload_section(results: &Results, charts: &[RenderedChart], name: &str) -> String {
    let cases: Vec<&CaseRecord> = results
        .cases
        .iter()
        .filter(|c| c.workload == name)
        .collect();
    let info = workload::find(name).ok();
    let mut out = format!("## {name}\n\n");
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
            let _ = writeln!(out, "![{}]({file})\n", chart.title);
        }
    }
    let mut workers: Vec<usize> = results.run.workers.clone();
    workers.extend(cases.iter().map(|c| c.workers));
    workers.sort_unstable();
    workers.dedup();

    out.push_str("Median time per batch (speedup over sequential):\n\n");
    out.push_str(&grid(&cases, &workers, |c| {
        let t = c.time.as_ref()?;
        let speedup = results
            .speedup(c)
            .map_or(String::new(), |s| format!(" ({:.2}x)", s.point));
        Some(format!(
            "{}{speedup}",
            format_duration(t.median.point as u64)
        ))
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
    if fits.is_empty() {
        return String::new();
    }
    let mut rows = vec![
        [
            "workload",
            "model",
            "points",
            "Amdahl serial fraction",
            "USL σ",
            "USL κ",
            "USL peak at",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for f in fits {
        let usl = f.usl;
        rows.push(vec![
            f.workload.clone(),
            f.model.clone(),
            f.points.to_string(),
            f.amdahl
                .map_or("—".into(), |a| format!("{:.3}", a.serial_fraction)),
            usl.map_or("—".into(), |u| format!("{:.4}", u.sigma)),
            usl.map_or("—".into(), |u| format!("{:.5}", u.kappa)),
            usl.and_then(|u| u.peak_workers())
                .map_or("—".into(), |p| format!("{p:.0} workers")),
        ]);
    }
    format!(
        "## Scalability fits\n\nAmdahl's serial fraction s fits S(n) = 1 / (s + (1 - s) / n); the Universal Scalability Law fits S(n) = n / (1 + σ(n - 1) + κn(n - 1)), where σ is contention and κ the coherency cost that bends a curve down past its peak. Fits are by least squares on the median speedups; with few worker counts they describe the curve, they do not predict far beyond it.\n\n{}\n",
        markdown(&rows)
    )
}

fn overhead_section(results: &Results) -> String {
    if results.overhead.is_empty() {
        return String::new();
    }
    let mut rows = vec![
        ["measurement", "batch", "µs per task", "95% bounds"]
            .map(String::from)
            .to_vec(),
    ];
    for o in &results.overhead {
        rows.push(vec![
            o.name.clone(),
            o.batch.to_string(),
            format!("{:.2}", o.ns_per_task.point / 1e3),
            format!(
                "{:.2}–{:.2}",
                o.ns_per_task.lower / 1e3,
                o.ns_per_task.upper / 1e3
            ),
        ]);
    }
    format!(
        "## Dispatch overhead\n\nCost per task of each model on near-empty tasks, beside the raw floors (`floor/...`) measured in the same run.\n\n{}\n",
        markdown(&rows)
    )
}
