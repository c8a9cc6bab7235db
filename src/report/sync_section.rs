//! The `report.md` section of the sync bench: per family (counter, queue, wake-up,
//! semaphore) its charts and a table with 95% bounds, plus the one-line reading a slide
//! needs (the lost-update rate, the fastest queue per shape). Empty when the results file
//! has no sync records, and a family without records is left out. To add a family, add its
//! heading, charts and note in [`family_text`].

use std::fmt::Write;

use super::markdown::chart_file;
use crate::plot::RenderedChart;
use crate::results::schema::Results;
use crate::sync::record::{family_rows, si};
use crate::sync::{SyncFamily, SyncRecord};
use crate::table::markdown;

/// The whole section, or an empty string without sync records.
pub fn render(results: &Results, charts: &[RenderedChart]) -> String {
    if results.sync.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "## Synchronisation under contention\n\nFrom `cargo bench --bench sync`: locks, atomics, queues, wake-ups and semaphores. Figures are means with their 95% confidence bounds.\n\n",
    );
    for family in SyncFamily::ALL {
        let rows = family_rows(&results.sync, family);
        if rows.is_empty() {
            continue;
        }
        let (heading, chart_names, note) = family_text(family, &results.sync);
        let _ = writeln!(out, "### {heading}\n");
        for name in chart_names {
            if let Some(file) = chart_file(charts, None, name) {
                let title = charts
                    .iter()
                    .find(|c| c.workload.is_none() && c.chart == *name)
                    .map_or(*name, |c| c.title.as_str());
                let _ = writeln!(out, "![{title}]({file})\n");
            }
        }
        out.push_str(&markdown(&rows));
        if !note.is_empty() {
            let _ = writeln!(out, "\n{note}");
        }
        out.push('\n');
    }
    out
}

/// A family's heading, its charts and a note under its table.
fn family_text(
    family: SyncFamily,
    records: &[SyncRecord],
) -> (&'static str, &'static [&'static str], String) {
    match family {
        SyncFamily::Counter => (
            "Shared counter",
            &["sync-counter", "sync-race"],
            race_note(records),
        ),
        SyncFamily::Queue => (
            "Producer-consumer queues",
            &["sync-queue"],
            fastest_queues(records),
        ),
        SyncFamily::Wakeup => (
            "Wake-up latency",
            &["sync-wakeup"],
            "One wake-up is half a ping-pong round trip between two threads, two tasks or two processes.".to_string(),
        ),
        SyncFamily::Semaphore => (
            "Semaphore limiting sleeping tasks",
            &["sync-semaphore"],
            "Tasks in flight = tasks × latency / batch time: ideally the permit count.".to_string(),
        ),
    }
}

/// The racy counter's lost updates, worst worker count first mentioned.
fn race_note(records: &[SyncRecord]) -> String {
    let worst = records
        .iter()
        .filter_map(|r| Some((r, r.lost_updates?)))
        .max_by(|a, b| a.1.rate.point.total_cmp(&b.1.rate.point));
    match worst {
        Some((r, l)) => format!(
            "`counter-racy` reads and writes the counter with separate relaxed atomic operations: a real lost-update race. At worst it lost {:.2}% of its increments (95% bounds {:.2}–{:.2}%) with {} threads, over {} batches; every other counter ended exactly at its total.",
            l.rate.point * 100.0,
            l.rate.lower * 100.0,
            l.rate.upper * 100.0,
            r.workers,
            l.batches
        ),
        None => String::new(),
    }
}

/// The fastest queue at each shape.
fn fastest_queues(records: &[SyncRecord]) -> String {
    let mut shapes: Vec<usize> = records
        .iter()
        .filter(|r| r.family == SyncFamily::Queue)
        .map(|r| r.workers)
        .collect();
    shapes.sort_unstable();
    shapes.dedup();
    let parts: Vec<String> = shapes
        .iter()
        .filter_map(|&n| {
            let best = records
                .iter()
                .filter(|r| r.family == SyncFamily::Queue && r.workers == n)
                .max_by(|a, b| a.ops_per_s.point.total_cmp(&b.ops_per_s.point))?;
            Some(format!(
                "{n}×{n}: `{}` ({} messages/s)",
                best.name,
                si(best.ops_per_s.point)
            ))
        })
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!(
            "Fastest per shape (producers × consumers): {}.",
            parts.join("; ")
        )
    }
}
