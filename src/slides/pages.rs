//! Which pages a deck has, in order, and their SVG:
//!
//! 1. the title page: the machine (both machines for two runs), the profile, when it ran;
//! 2. the summary heatmap of the (first) run;
//! 3. per workload, the speedup chart, with the one-line takeaway of
//!    [`super::takeaway::speedup`] under its title;
//! 4. after it, the memory chart where the process model's memory differs from the other
//!    models' ([`super::takeaway::memory`] is its line);
//! 5. with two runs, per workload the comparison's speedup overlay and time ratio charts.
//!
//! The charts are the report's and the comparison's own figures ([`crate::report::chart`],
//! [`crate::compare::chart`]), drawn by [`crate::plot`]; a deck only puts the takeaway where
//! the report has the machine (which the title page shows). To add a page, plan it in
//! [`plan`].

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::takeaway::{self, Takeaway};
use crate::compare::Input;
use crate::compare::chart::{self as compare_chart, CompareFigure};
use crate::plot::text_page::TextPage;
use crate::plot::{FolderNames, Header, Theme};
use crate::report::chart::{self, ChartContext, Figure};
use crate::results::checks::case_flags;
use crate::results::schema::Results;

/// One page of the deck, drawn.
#[derive(Debug, Clone)]
pub struct Page {
    /// Its SVG's path in the output folder, without extension, e.g. `sum-squares/speedup`.
    pub stem: PathBuf,
    /// Its title, e.g. `sum-squares: speedup vs workers`.
    pub title: String,
    /// The takeaway, if the page has one: the line under the title, and the note.
    pub takeaway: Option<Takeaway>,
    /// The SVG markup (1920x1080 px).
    pub svg: String,
}

/// What a page draws.
enum Content {
    Text(TextPage),
    Report(Figure),
    Compare(CompareFigure),
}

struct Planned {
    stem: PathBuf,
    header: Header,
    takeaway: Option<Takeaway>,
    content: Content,
}

/// Every page of the deck of `inputs` (one run, or two to compare; the first is the base),
/// drawn in `theme`, in deck order. Errors: the page that could not be drawn, and why.
pub fn plan(inputs: &[Input], theme: Theme) -> Result<Vec<Page>, (String, String)> {
    let mut planned = vec![title_page(inputs, theme)];
    planned.extend(run_pages(&inputs[0].results));
    if inputs.len() > 1 {
        let jobs = compare_chart::plan(inputs);
        let folders = FolderNames::new(jobs.iter().map(|job| job.workload.as_str()));
        for job in jobs {
            if job.chart == "fleet" {
                continue;
            }
            planned.push(Planned {
                stem: Path::new("compare")
                    .join(folders.get(&job.workload))
                    .join(job.chart),
                header: job.header,
                takeaway: None,
                content: Content::Compare(job.figure),
            });
        }
    }
    planned
        .into_par_iter()
        .map(|p| {
            let svg = match &p.content {
                Content::Text(page) => crate::plot::svg_string(page),
                Content::Report(figure) => chart::svg_of(figure, &p.header, theme),
                Content::Compare(figure) => compare_chart::svg_of(figure, &p.header, theme),
            }
            .map_err(|e| (p.stem.display().to_string(), e))?;
            Ok(Page {
                stem: p.stem,
                title: p.header.title,
                takeaway: p.takeaway,
                svg,
            })
        })
        .collect()
}

/// The summary heatmap, then per workload its speedup chart and, where processes differ,
/// its memory chart, each with its takeaway as the line under the title.
fn run_pages(results: &Results) -> Vec<Planned> {
    let fits = crate::report::fit::fit_results(results);
    let flags = case_flags(results);
    let ctx = ChartContext {
        results,
        fits: &fits,
        flags: &flags,
        theme: Theme::default(),
        formats: &[],
        out_dir: Path::new(""),
    };
    let mut heatmap = Vec::new();
    let mut workloads = Vec::new();
    for job in chart::plan(&ctx) {
        let line = match (&job.workload, job.chart) {
            (None, "summary-heatmap") => {
                heatmap.push(planned(job, None));
                continue;
            }
            (Some(w), "speedup") => takeaway::speedup(results, w),
            (Some(w), "memory") => match takeaway::memory(results, w) {
                Some(line) => Some(line),
                None => continue,
            },
            _ => continue,
        };
        workloads.push(planned(job, line));
    }
    heatmap.extend(workloads);
    heatmap
}

fn planned(job: chart::PlannedChart, takeaway: Option<Takeaway>) -> Planned {
    let mut header = job.header;
    if let Some(t) = &takeaway {
        header.subtitle = t.line.clone();
    }
    Planned {
        stem: job.stem,
        header,
        takeaway,
        content: Content::Report(job.figure),
    }
}

/// The title page: the machine and the run, or both machines and both runs.
fn title_page(inputs: &[Input], theme: Theme) -> Planned {
    let first = &inputs[0].results;
    let (title, subtitle) = match inputs {
        [one] => (
            "concbench: which execution model wins here?".to_string(),
            crate::report::origin::headline(&one.results),
        ),
        [a, b, ..] => (
            format!("concbench: {} against {}", a.label, b.label),
            "speedups over each machine's own sequential time".to_string(),
        ),
        [] => unreachable!("a deck has at least one run"),
    };
    let mut rows: Vec<(String, String)> = Vec::new();
    for input in inputs {
        let r = &input.results;
        let prefix = if inputs.len() > 1 {
            format!("{}: ", input.label)
        } else {
            String::new()
        };
        rows.extend(machine_rows(r, &prefix));
    }
    let workloads = chart::workloads_of(first);
    rows.push(("Workloads".into(), workloads.join(", ")));
    Planned {
        stem: PathBuf::from("title"),
        header: Header {
            title: title.clone(),
            subtitle: subtitle.clone(),
        },
        takeaway: None,
        content: Content::Text(TextPage {
            title,
            subtitle,
            rows,
            footer: format!(
                "concbench {} · made by concbench slides; the report (report.md) has every figure, interval and doubt",
                env!("CARGO_PKG_VERSION")
            ),
            theme,
        }),
    }
}

/// The rows a title page says about one run; `prefix` names the machine when there are two.
fn machine_rows(r: &Results, prefix: &str) -> Vec<(String, String)> {
    let row = |label: &str, value: String| (format!("{prefix}{label}"), value);
    if r.source.is_some() {
        return vec![row("Data", crate::report::origin::headline(r))];
    }
    let m = &r.machine;
    let mut rows = Vec::new();
    if prefix.is_empty() {
        // The subtitle has the machine's summary; the rows give what it leaves out.
        rows.push(row("CPU", m.cpu_brand.clone()));
        rows.push(row(
            "Memory",
            format!(
                "{:.1} GiB",
                m.total_memory_bytes as f64 / (1u64 << 30) as f64
            ),
        ));
        rows.push(row("Rust", m.rustc.clone()));
        let commit = m
            .git_commit
            .as_deref()
            .map_or(String::new(), |c| format!(", commit {c}"));
        rows.push(row("concbench", format!("{}{commit}", m.concbench_version)));
    } else {
        rows.push(row("Machine", m.summary_line()));
    }
    let busy = if m.busy { " · machine was busy" } else { "" };
    rows.push(row(
        "Run",
        format!(
            "profile {} · {} · {:.0} min{busy}",
            r.run.profile,
            r.run.started_at,
            r.run.wall_s / 60.0
        ),
    ));
    rows
}
