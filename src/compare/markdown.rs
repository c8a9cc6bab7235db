//! The comparison as Markdown: with more than three machines the fleet first ([`fleet`]'s
//! table and charts), then how to read the pairwise part, the machines, a summary per
//! machine against the base, then per workload its charts (when written), its table and the
//! cases only some inputs have.
//!
//! The text depends only on the [`Comparison`] and the chart list, so the same inputs give
//! the same text. To add a section, write a function returning its text and call it from
//! [`render`].

use std::fmt::Write;

use super::verdict::{ALPHA, MIN_ROUNDS, MIN_SAMPLES, Verdict, percent};
use super::{Comparison, WorkloadComparison, fleet};
use crate::plot::RenderedChart;
use crate::table::{escape_markdown as escape, markdown};
use crate::units::format_ns;

/// The whole document. `charts` are linked under their workloads (SVG preferred).
pub fn render(c: &Comparison, charts: &[RenderedChart]) -> String {
    let escaped = escaped_names(c);
    let c = &escaped;
    let labels: Vec<&str> = c.machines.iter().map(|m| m.label.as_str()).collect();
    let mut out = match &c.fleet {
        Some(f) => format!(
            "# concbench compare: {} machines, base {}\n\n{}## Against {}\n\n",
            labels.len(),
            c.base(),
            fleet::markdown(f, c.base(), charts),
            c.base(),
        ),
        None => format!("# concbench compare: {}\n\n", labels.join(" vs ")),
    };
    out.push_str(&how_to_read(c));
    out.push_str(&machines_section(c));
    out.push_str(&warnings_section(c));
    out.push_str(&summary_section(c));
    for w in &c.workloads {
        out.push_str(&workload_section(c, w, charts));
    }
    out
}

fn how_to_read(c: &Comparison) -> String {
    let base = c.base();
    let limit = 1.0 + c.threshold;
    let mut out = format!(
        "Base: **{base}** (`{}`). *Ratio* = time on a machine / time on {base} (above 1 = \
         slower): the ratio of the geometric means of the per-round median times, or of the \
         medians for results without rounds. *Speedup* = the same machine's sequential time / \
         the case's time. *Verdict*: slower (faster) only when the ratio is above {limit:.3} \
         (below {:.3}), i.e. beyond the {} threshold, and the difference is significant at \
         alpha = {ALPHA}: Welch's t-test on the log per-round medians when both sides have at \
         least {MIN_ROUNDS} rounds (rounds are spread over each run, so the spread between \
         them is the noise that matters); without rounds, Welch's t-test on the \
         per-iteration samples when both sides kept at least {MIN_SAMPLES}, otherwise \
         non-overlapping confidence intervals of the medians. Anything else is *same*, \
         within the noise or within the threshold.\n\n",
        c.machines[0].path.display(),
        1.0 / limit,
        percent(c.threshold),
    );
    out.push_str(&rounds_note(c));
    out
}

/// One note naming the inputs with fewer than [`MIN_ROUNDS`] rounds per case; empty when
/// every input has enough.
fn rounds_note(c: &Comparison) -> String {
    let few: Vec<_> = c
        .machines
        .iter()
        .filter(|m| m.rounds < MIN_ROUNDS)
        .collect();
    if few.is_empty() {
        return String::new();
    }
    let (what, names): (String, Vec<String>) = if few.iter().all(|m| m.rounds == 0) {
        (
            "no rounds".into(),
            few.iter().map(|m| m.label.clone()).collect(),
        )
    } else {
        (
            format!("fewer than {MIN_ROUNDS} rounds"),
            few.iter()
                .map(|m| match m.rounds {
                    0 => format!("{} (none)", m.label),
                    n => format!("{} ({n})", m.label),
                })
                .collect(),
        )
    };
    format!(
        "> Note: {what} in {}: verdicts involving {} rest on within-run noise only (one block \
         of samples per case), which overstates significance on a machine whose speed \
         drifts.\n\n",
        names.join(", "),
        if few.len() == 1 { "it" } else { "them" },
    )
}

fn machines_section(c: &Comparison) -> String {
    let mut rows = vec![{
        let mut header = vec!["".to_string()];
        header.extend(c.machines.iter().map(|m| m.label.clone()));
        header
    }];
    for r in &c.machine_rows {
        let mut row = vec![if r.differs {
            format!("**{}** ≠", r.field)
        } else {
            r.field.to_string()
        }];
        row.extend(r.values.iter().map(|v| {
            let v = escape(v);
            if r.differs { format!("**{v}**") } else { v }
        }));
        rows.push(row);
    }
    format!(
        "## Machines\n\nRows marked ≠ differ between the machines (values in bold); dates and run \
         lengths are shown, not marked.\n\n{}\n",
        markdown(&rows)
    )
}

fn warnings_section(c: &Comparison) -> String {
    let mut lines = Vec::new();
    if c.profiles_differ {
        let list: Vec<String> = c
            .machines
            .iter()
            .map(|m| format!("{} ran `{}`", m.label, m.profile))
            .collect();
        lines.push(format!(
            "**Profiles differ** ({}), allowed by `--allow-profile-mismatch`: the sizes differ, \
             so times and ratios do not compare like for like; speedups still do.",
            list.join(", ")
        ));
    }
    for m in c.machines.iter().filter(|m| m.machine.busy) {
        lines.push(format!(
            "**{}** ran on a busy machine ({}): its times may be inflated.",
            m.label,
            m.machine.busy_reasons.join("; ")
        ));
    }
    if lines.is_empty() {
        return String::new();
    }
    let mut out = String::from("## Warnings\n\n");
    for line in lines {
        let _ = writeln!(out, "- {line}");
    }
    out.push('\n');
    out
}

fn summary_section(c: &Comparison) -> String {
    let mut rows = vec![
        [
            "machine",
            "common cases",
            "slower",
            "faster",
            "same",
            "no verdict",
            "geometric mean ratio",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for (i, m) in c.machines.iter().enumerate().skip(1) {
        let (mut slower, mut faster, mut same, mut none, mut common) = (0, 0, 0, 0, 0);
        let mut log_sum = 0.0;
        for row in c.workloads.iter().flat_map(|w| &w.rows) {
            let cell = &row.cells[i];
            if !cell.present {
                continue;
            }
            common += 1;
            match cell.judgement {
                Some(j) => {
                    log_sum += j.ratio.ln();
                    match j.verdict {
                        Verdict::Slower => slower += 1,
                        Verdict::Faster => faster += 1,
                        Verdict::Same => same += 1,
                    }
                }
                None => none += 1,
            }
        }
        let judged = slower + faster + same;
        let geo = if judged > 0 {
            format!("{:.2}x", (log_sum / f64::from(judged)).exp())
        } else {
            "—".to_string()
        };
        rows.push(vec![
            format!("{} vs {}", m.label, c.base()),
            common.to_string(),
            slower.to_string(),
            faster.to_string(),
            same.to_string(),
            none.to_string(),
            geo,
        ]);
    }
    format!(
        "## Summary\n\nVerdicts per machine against {}; the geometric mean is over the cases \
         with a verdict (above 1 = slower overall).\n\n{}\n",
        c.base(),
        markdown(&rows)
    )
}

fn workload_section(c: &Comparison, w: &WorkloadComparison, charts: &[RenderedChart]) -> String {
    let name = escape(&w.workload);
    let mut out = format!("## {name} ({})\n\n", w.kind.name());
    for (chart, alt) in [
        ("speedup", "speedup vs workers, one line style per machine"),
        (
            "ratio",
            "time ratio per model at the largest common worker count",
        ),
    ] {
        if let Some(file) = chart_file(charts, &w.workload, chart) {
            let _ = writeln!(out, "![{name}: {alt}]({file})\n");
        }
    }
    for note in &w.notes {
        let _ = writeln!(out, "> Note: {note}\n");
    }
    if !w.rows.is_empty() {
        out.push_str(&markdown(&table_rows(c, w)));
        out.push('\n');
    }
    if !w.one_sided.is_empty() {
        let mut by_side: Vec<(String, Vec<String>)> = Vec::new();
        for case in &w.one_sided {
            let key = case.on.join(", ");
            let name = match &case.id {
                Some(id) => escape(id),
                None => format!("{} x{}", case.model, case.workers),
            };
            match by_side.iter_mut().find(|(k, _)| *k == key) {
                Some((_, list)) => list.push(name),
                None => by_side.push((key, vec![name])),
            }
        }
        for (on, cases) in by_side {
            let _ = writeln!(out, "Only on {on} (not compared): {}.\n", cases.join(", "));
        }
    }
    out
}

/// Header and rows of a workload's table: model, workers, time per machine, ratio per other
/// machine, speedup per machine, verdict per other machine.
fn table_rows(c: &Comparison, w: &WorkloadComparison) -> Vec<Vec<String>> {
    let base = c.base();
    let others = &c.machines[1..];
    let mut header = vec!["model".to_string(), "workers".to_string()];
    header.extend(c.machines.iter().map(|m| format!("time {}", m.label)));
    header.extend(others.iter().map(|m| format!("{}/{base}", m.label)));
    header.extend(c.machines.iter().map(|m| format!("speedup {}", m.label)));
    header.extend(others.iter().map(|m| format!("verdict {}", m.label)));
    let mut rows = vec![header];
    for row in &w.rows {
        let mut cells = match &row.id {
            Some(id) => vec![escape(id), "—".to_string()],
            None => vec![row.model.clone(), row.workers.to_string()],
        };
        cells.extend(
            row.cells
                .iter()
                .map(|cell| match (&cell.time_ns, cell.present) {
                    (Some(t), _) => format_ns(t.point),
                    (None, true) => "untimed".to_string(),
                    (None, false) => "—".to_string(),
                }),
        );
        cells.extend(
            row.cells[1..]
                .iter()
                .map(|cell| cell.ratio.map_or("—".into(), |r| format!("{r:.2}x"))),
        );
        cells.extend(row.cells.iter().map(|cell| {
            cell.speedup
                .map_or("—".into(), |s| format!("{:.2}x", s.point))
        }));
        cells.extend(row.cells[1..].iter().map(|cell| {
            cell.judgement
                .map_or("—".into(), |j| j.describe(c.threshold))
        }));
        rows.push(cells);
    }
    rows
}

/// The file of `workload`'s `chart` among `charts` (its SVG if there is one), as a link.
pub(super) fn chart_file(charts: &[RenderedChart], workload: &str, chart: &str) -> Option<String> {
    let found = charts
        .iter()
        .find(|c| c.workload.as_deref() == Some(workload) && c.chart == chart)?;
    let svg = found
        .files
        .iter()
        .find(|f| f.extension().is_some_and(|e| e == "svg"));
    svg.or(found.files.first())
        .map(|f| f.to_string_lossy().replace('\\', "/"))
}

/// `c` with the names that came from the inputs (machine labels, model names, the fleet's
/// labels and CPUs) escaped for Markdown, so a name like `rack|7 <b>` cannot break a table
/// or inject HTML; concbench's own text around them is left as it is.
fn escaped_names(c: &Comparison) -> Comparison {
    let mut c = c.clone();
    for m in &mut c.machines {
        m.label = escape(&m.label);
    }
    // Workload names stay as they are here (charts and the fleet's bests are found by
    // them) and are escaped where they are printed.
    for w in &mut c.workloads {
        for row in &mut w.rows {
            row.model = escape(&row.model);
        }
        for one in &mut w.one_sided {
            one.model = escape(&one.model);
            for on in &mut one.on {
                *on = escape(on);
            }
        }
    }
    if let Some(fleet) = &mut c.fleet {
        for m in &mut fleet.machines {
            m.label = escape(&m.label);
            m.cpu = escape(&m.cpu);
            for best in &mut m.best {
                best.model = escape(&best.model);
            }
        }
    }
    c
}
