//! The fleet view, shown when a comparison has more than three machines
//! ([`FLEET_MIN_MACHINES`] or more): every machine as a row of one table, and per workload
//! one chart of every machine's speedups, before the pairwise details against the base.
//!
//! - [`Fleet`] (built by [`fleet`]): per machine its CPU, usable CPUs, memory, busy flag,
//!   and per workload its [`best`] case: the highest speedup over the same machine's
//!   sequential time, at any worker count (sequential itself counts, at 1x, so a workload
//!   nothing speeds up says so);
//! - [`chart`]: per workload a [`GroupedBarPlot`] with one group per machine and one bar
//!   per model: the speedup [`at_usable_cpus`], i.e. of the model's case whose workers equal
//!   the machine's usable CPUs, else of the largest worker count below; `cpu` workloads
//!   mark each machine's ideal (its usable CPUs);
//! - [`markdown`]: the table and the charts' links, the first section of `compare.md`.
//!
//! Speedups compare across machines whatever their clocks, so the fleet view needs no base.
//! To add a column, add a field to [`FleetMachine`], fill it in [`fleet`] and print it in
//! [`markdown`].

use std::fmt::Write;

use serde::Serialize;

use super::Input;
use crate::model::sort_models;
use crate::plot::RenderedChart;
use crate::plot::grouped_bars::{Group, GroupedBar, GroupedBarPlot};
use crate::results::schema::{CaseRecord, Estimate, Results};
use crate::table::markdown as table;
use crate::workload::Kind;

/// The fewest machines that get the fleet view.
pub const FLEET_MIN_MACHINES: usize = 4;

/// Every machine of a comparison, one row each, in the comparison's order (base first).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fleet {
    /// The workloads of any machine, in registry order: the table's best columns.
    pub workloads: Vec<String>,
    /// The machines.
    pub machines: Vec<FleetMachine>,
}

/// One machine of the fleet.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FleetMachine {
    /// Its label in the comparison.
    pub label: String,
    /// The CPU as charts name it (brand without marketing words).
    pub cpu: String,
    /// CPUs the run could use.
    pub usable_cpus: usize,
    /// Total memory, bytes.
    pub memory_bytes: u64,
    /// True when the run may have been disturbed by other load.
    pub busy: bool,
    /// Its best case per workload it ran with a speedup, in [`Fleet::workloads`] order.
    pub best: Vec<Best>,
}

/// A machine's fastest way to run one workload.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Best {
    /// The workload.
    pub workload: String,
    /// The model.
    pub model: String,
    /// Its worker count.
    pub workers: usize,
    /// Speedup over the same machine's sequential time, with its 95% interval.
    pub speedup: Estimate,
}

impl FleetMachine {
    /// Its best case of `workload`, if it ran the workload.
    pub fn best_of(&self, workload: &str) -> Option<&Best> {
        self.best.iter().find(|b| b.workload == workload)
    }
}

/// The fleet view of `inputs` (in comparison order) over `workloads`; `None` for fewer
/// than [`FLEET_MIN_MACHINES`] machines.
pub fn fleet(inputs: &[Input], workloads: &[String]) -> Option<Fleet> {
    if inputs.len() < FLEET_MIN_MACHINES {
        return None;
    }
    let machines = inputs
        .iter()
        .map(|i| {
            let m = &i.results.machine;
            FleetMachine {
                label: i.label.clone(),
                cpu: m.display_brand(),
                usable_cpus: m.usable_cpus,
                memory_bytes: m.total_memory_bytes,
                busy: m.busy,
                best: workloads
                    .iter()
                    .filter_map(|w| best(&i.results, w))
                    .collect(),
            }
        })
        .collect();
    Some(Fleet {
        workloads: workloads.to_vec(),
        machines,
    })
}

/// Every case of `workload` in `results` with a finite speedup, models in registry order,
/// then by worker count.
fn with_speedups<'a>(results: &'a Results, workload: &str) -> Vec<(&'a CaseRecord, Estimate)> {
    let mut models: Vec<&str> = Vec::new();
    for c in results.cases.iter().filter(|c| c.workload == workload) {
        if !models.contains(&c.model.as_str()) {
            models.push(&c.model);
        }
    }
    sort_models(&mut models);
    let mut cases: Vec<(&CaseRecord, Estimate)> = results
        .cases
        .iter()
        .filter(|c| c.workload == workload)
        .filter_map(|c| Some((c, results.speedup(c)?)))
        .filter(|(_, s)| s.point.is_finite())
        .collect();
    let rank = |c: &CaseRecord| models.iter().position(|m| *m == c.model);
    cases.sort_by_key(|(c, _)| (rank(c), c.workers));
    cases
}

/// The case of `workload` with the highest speedup point (sequential included, at 1x); on
/// a tie the first in registry order, then the fewest workers. `None` when no case of it
/// has a speedup.
pub fn best(results: &Results, workload: &str) -> Option<Best> {
    let mut top: Option<(&CaseRecord, Estimate)> = None;
    for (case, speedup) in with_speedups(results, workload) {
        if top.is_none_or(|(_, t)| speedup.point > t.point) {
            top = Some((case, speedup));
        }
    }
    top.map(|(case, speedup)| Best {
        workload: workload.to_string(),
        model: case.model.clone(),
        workers: case.workers,
        speedup,
    })
}

/// The case of `model` on `workload` the fleet chart shows for a machine: the one whose
/// workers equal the machine's usable CPUs, else the one with the most workers below them,
/// among the cases with a speedup; with that speedup. `None` when every case has more
/// workers than the machine's CPUs.
pub fn at_usable_cpus<'a>(
    results: &'a Results,
    workload: &str,
    model: &str,
) -> Option<(&'a CaseRecord, Estimate)> {
    let cpus = results.machine.usable_cpus;
    with_speedups(results, workload)
        .into_iter()
        .filter(|(c, _)| c.model == model && c.workers <= cpus)
        .max_by_key(|(c, _)| c.workers)
}

/// The fleet chart of `workload`: one group per input (labelled with its usable CPUs), one
/// bar per model but sequential (always 1x, the guide line), from [`at_usable_cpus`]; a
/// bar of another worker count than the CPUs says which (`×N`). `None` when no machine has
/// such a bar.
pub fn chart(inputs: &[Input], workload: &str) -> Option<GroupedBarPlot> {
    let mut models: Vec<&str> = Vec::new();
    for c in inputs.iter().flat_map(|i| &i.results.cases) {
        if c.workload == workload && c.model != "sequential" && !models.contains(&c.model.as_str())
        {
            models.push(&c.model);
        }
    }
    sort_models(&mut models);
    let kind = inputs
        .iter()
        .flat_map(|i| &i.results.cases)
        .find(|c| c.workload == workload)
        .map_or(Kind::Other, |c| c.kind);
    let groups: Vec<Group> = inputs
        .iter()
        .map(|input| {
            let cpus = input.results.machine.usable_cpus;
            let bars = models
                .iter()
                .filter_map(|model| {
                    let (case, s) = at_usable_cpus(&input.results, workload, model)?;
                    let mut text = format!("{:.2}x", s.point);
                    if case.workers != cpus {
                        let _ = write!(text, " ×{}", case.workers);
                    }
                    Some(GroupedBar {
                        series: model.to_string(),
                        value: s.point,
                        interval: (s.lower.is_finite() && s.upper.is_finite())
                            .then_some((s.lower, s.upper)),
                        text,
                    })
                })
                .collect();
            Group {
                label: format!("{}\n{}", input.label, plural(cpus, "CPU")),
                bars,
                level: kind.bounded_by_cpus().then_some(cpus as f64),
            }
        })
        .collect();
    if groups.iter().all(|g| g.bars.is_empty()) {
        return None;
    }
    Some(GroupedBarPlot {
        y_label: "speedup over the same machine's sequential".to_string(),
        x_label: "machine, usable CPUs".to_string(),
        series: models.iter().map(|m| m.to_string()).collect(),
        groups,
        guide: Some((1.0, "1x = sequential".to_string())),
        level_label: "ideal: the usable CPUs".to_string(),
    })
}

/// The fleet section of `compare.md`: what it shows, the table, and the charts of
/// `charts` (SVG preferred) per workload. Labels, CPUs and model names in `fleet` are
/// expected escaped for Markdown already (as `compare.md`'s renderer passes them); workload
/// names are escaped here.
pub fn markdown(fleet: &Fleet, base: &str, charts: &[RenderedChart]) -> String {
    let mut header: Vec<String> = ["machine", "CPU", "usable CPUs", "memory", "busy"]
        .map(String::from)
        .to_vec();
    let escape = crate::table::escape_markdown;
    header.extend(
        fleet
            .workloads
            .iter()
            .map(|w| format!("{}: best", escape(w))),
    );
    let mut rows = vec![header];
    for m in &fleet.machines {
        let mut row = vec![
            if m.label == base {
                format!("{} (base)", m.label)
            } else {
                m.label.clone()
            },
            m.cpu.clone(),
            m.usable_cpus.to_string(),
            format!("{:.1} GiB", m.memory_bytes as f64 / (1u64 << 30) as f64),
            if m.busy { "yes" } else { "no" }.to_string(),
        ];
        row.extend(fleet.workloads.iter().map(|w| match m.best_of(w) {
            Some(b) => format!("{} x{}: {:.2}x", b.model, b.workers, b.speedup.point),
            None => "—".to_string(),
        }));
        rows.push(row);
    }
    let mut out = format!(
        "## Fleet\n\n{} machines. *Best* = per workload, the case with the highest speedup over \
         the same machine's sequential time, at any worker count (sequential at 1x when \
         nothing beats it). Speedups compare across machines whatever their clocks; a busy \
         machine's may be low. The sections after this one compare every machine with \
         **{base}**; choose another with `--baseline NAME`.\n\n{}\n",
        fleet.machines.len(),
        table(&rows)
    );
    for w in &fleet.workloads {
        if let Some(file) = super::markdown::chart_file(charts, w, "fleet") {
            let _ = writeln!(
                out,
                "![{}: speedup at each machine's usable CPUs, one bar per model]({file})\n",
                escape(w)
            );
        }
    }
    out
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// The committed laptop fixture (2 usable CPUs; sum-squares threads x2, rayon x2 and
    /// x4, process x2; sleep threads x2, tokio-current x2).
    fn laptop() -> Results {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/compare/laptop.json");
        Results::read(&path).unwrap()
    }

    #[test]
    fn the_chart_takes_the_usable_cpus_else_the_largest_count_below() {
        let mut r = laptop();
        let workers =
            |r: &Results, model| at_usable_cpus(r, "sum-squares", model).map(|c| c.0.workers);
        assert_eq!(workers(&r, "rayon"), Some(2));
        r.machine.usable_cpus = 8;
        assert_eq!(workers(&r, "rayon"), Some(4));
        r.machine.usable_cpus = 3;
        assert_eq!(workers(&r, "rayon"), Some(2));
        r.machine.usable_cpus = 1;
        assert_eq!(workers(&r, "rayon"), None);
        assert_eq!(workers(&r, "sequential"), Some(1));
    }

    #[test]
    fn best_is_the_highest_speedup_and_sequential_when_nothing_wins() {
        let mut r = laptop();
        // rayon x4: 4.0 / 1.2 ms.
        let b = best(&r, "sum-squares").unwrap();
        assert_eq!((b.model.as_str(), b.workers), ("rayon", 4));
        assert!((b.speedup.point - 4.0 / 1.2).abs() < 1e-9);
        // sleep: threads x2 at 2x beats tokio-current x2 at 1.6x.
        assert_eq!(best(&r, "sleep").unwrap().model, "threads");
        for c in r.cases.iter_mut().filter(|c| c.model != "sequential") {
            if let Some(t) = c.time.as_mut() {
                t.median.point *= 10.0;
                t.median.lower *= 10.0;
                t.median.upper *= 10.0;
            }
        }
        let b = best(&r, "sum-squares").unwrap();
        assert_eq!((b.model.as_str(), b.workers), ("sequential", 1));
        assert!(best(&r, "mandelbrot").is_none());
    }

    #[test]
    fn bars_say_when_they_are_not_at_the_usable_cpus() {
        let input = |label: &str, cpus: usize| {
            let mut results = laptop();
            results.machine.usable_cpus = cpus;
            Input {
                label: label.to_string(),
                path: label.into(),
                results,
                notices: Vec::new(),
            }
        };
        let inputs = [input("two", 2), input("eight", 8), input("one", 1)];
        let plot = chart(&inputs, "sum-squares").unwrap();
        assert_eq!(plot.series, ["threads", "rayon", "process"]);
        let texts = |g: &Group| -> Vec<(String, String)> {
            g.bars
                .iter()
                .map(|b| (b.series.clone(), b.text.clone()))
                .collect()
        };
        assert_eq!(plot.groups[0].label, "two\n2 CPUs");
        assert_eq!(
            texts(&plot.groups[0]),
            [
                ("threads".to_string(), "2.00x".to_string()),
                ("rayon".to_string(), "2.00x".to_string()),
                ("process".to_string(), "1.60x".to_string()),
            ]
        );
        assert_eq!(plot.groups[1].level, Some(8.0));
        assert_eq!(texts(&plot.groups[1])[1].1, "3.33x ×4");
        assert_eq!(plot.groups[2].label, "one\n1 CPU");
        assert!(plot.groups[2].bars.is_empty());
        // An io workload has no ideal level.
        let sleep = chart(&inputs, "sleep").unwrap();
        assert!(sleep.groups.iter().all(|g| g.level.is_none()));
        assert!(chart(&inputs, "mandelbrot").is_none());
    }
}
