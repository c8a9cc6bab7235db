//! The machines side by side, field by field, with the fields that differ marked.
//!
//! Dates and run lengths always differ, so they are shown but never marked; nor is the
//! machine's name (it labels the columns). The host and the CPU's identity (family, model,
//! stepping, caches, flags digest) are marked when two runs that recorded them differ: one
//! brand string (a cloud VM's `AMD EPYC`) can hide different host CPUs. A run
//! from before they were recorded shows `(not recorded)`, which is never marked. To show
//! another field, add one `row(...)` (or `recorded_row(...)`) line to [`rows`].

use serde::Serialize;

use super::Input;
use crate::machine::{CpuId, Machine};
use crate::results::schema::Results;

/// One field of every machine.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MachineRow {
    /// What the row shows, e.g. `usable CPUs`.
    pub field: &'static str,
    /// One value per input, in input order.
    pub values: Vec<String>,
    /// True when the values differ and the field is one that matters for times.
    pub differs: bool,
}

/// The rows that say something about imported data too; every other row reads
/// [`NOT_KNOWN`] for it.
const IMPORT_KNOWS: &[&str] = &["data", "concbench", "cases", "run warnings"];

/// What the machine table says of a fact imported data does not carry.
const NOT_KNOWN: &str = "not known (imported)";

/// The rows of the machine table, in display order.
pub fn rows(inputs: &[Input]) -> Vec<MachineRow> {
    let runs: Vec<&Results> = inputs.iter().map(|i| &i.results).collect();
    let m =
        |f: fn(&Machine) -> String| -> Vec<String> { runs.iter().map(|r| f(&r.machine)).collect() };
    let r = |f: fn(&Results) -> String| -> Vec<String> { runs.iter().map(|r| f(r)).collect() };
    let known = |f: fn(&Machine) -> Option<String>| -> Vec<Option<String>> {
        runs.iter().map(|r| f(&r.machine)).collect()
    };
    let cpu = |f: fn(&CpuId) -> Option<String>| -> Vec<Option<String>> {
        runs.iter()
            .map(|r| r.machine.cpu_id.as_ref().and_then(f))
            .collect()
    };
    let mut rows = vec![
        row(
            "data",
            r(|r| match &r.source {
                Some(s) => s.headline(),
                None => "measured by concbench".to_string(),
            }),
            false,
        ),
        row(
            "name",
            m(|m| m.name.clone().unwrap_or_else(|| "(not set)".into())),
            false,
        ),
        recorded_row("host", known(|m| m.host.as_ref().map(|h| h.id.clone()))),
        row("CPU", m(|m| or_none(&m.cpu_brand)), true),
        recorded_row("CPU id", cpu(CpuId::describe_id)),
        recorded_row("caches", cpu(CpuId::describe_caches)),
        recorded_row("CPU flags", cpu(CpuId::describe_flags)),
        row("architecture", m(|m| m.arch.clone()), true),
        row(
            "physical cores",
            m(|m| m.physical_cores.map_or("?".into(), |n| n.to_string())),
            true,
        ),
        row("logical CPUs", m(|m| m.logical_cores.to_string()), true),
        row("usable CPUs", m(|m| m.usable_cpus.to_string()), true),
        row(
            "clock",
            m(|m| {
                m.cpu_frequency_mhz
                    .map_or("?".into(), |f| format!("{f} MHz"))
            }),
            true,
        ),
        row(
            "memory",
            m(|m| {
                format!(
                    "{:.1} GiB",
                    m.total_memory_bytes as f64 / (1u64 << 30) as f64
                )
            }),
            true,
        ),
        row("OS", m(|m| or_none(&m.os)), true),
        row("kernel", m(|m| or_none(&m.kernel)), true),
        row("rustc", m(|m| or_none(&m.rustc)), true),
        row(
            "concbench",
            m(|m| match &m.git_commit {
                Some(c) => format!("{} ({c})", m.concbench_version),
                None => m.concbench_version.clone(),
            }),
            true,
        ),
        row("profile", r(|r| r.run.profile.to_string()), true),
        row(
            "criterion",
            r(|r| {
                let c = &r.run.criterion;
                format!(
                    "{} samples, {} s warm-up, {} s measurement",
                    c.sample_size, c.warm_up_s, c.measurement_s
                )
            }),
            true,
        ),
        {
            // Marked when one run was busy and another not; two busy runs with different
            // figures are alike.
            let mut busy = row(
                "busy",
                m(|m| {
                    if m.busy {
                        format!("yes: {}", m.busy_reasons.join("; "))
                    } else {
                        "no".to_string()
                    }
                }),
                false,
            );
            busy.differs = runs
                .windows(2)
                .any(|w| w[0].machine.busy != w[1].machine.busy);
            busy
        },
        row(
            "load before",
            m(|m| {
                m.load_before
                    .map_or("?".into(), |l| format!("{:.2}", l.one))
            }),
            false,
        ),
        row("cases", r(|r| r.cases.len().to_string()), true),
        row(
            "run warnings",
            r(|r| r.run.warnings.len().to_string()),
            false,
        ),
        row("started", r(|r| r.run.started_at.clone()), false),
        row(
            "run wall time",
            r(|r| format!("{:.1} min", r.run.wall_s / 60.0)),
            false,
        ),
    ];
    // Imported data (a criterion folder, a hyperfine scan) carries none of these: its
    // placeholders are not shown, nor compared.
    for row in rows
        .iter_mut()
        .filter(|row| !IMPORT_KNOWS.contains(&row.field))
    {
        let mut any = false;
        for (value, run) in row.values.iter_mut().zip(&runs) {
            if run.source.is_some() {
                *value = NOT_KNOWN.to_string();
                any = true;
            }
        }
        if any {
            row.differs = false;
        }
    }
    rows.retain(|row| row.values.iter().any(|v| v != NOT_KNOWN));
    // Where every run is concbench's own, the data row says nothing.
    if runs.iter().all(|r| r.source.is_none()) {
        rows.retain(|row| row.field != "data");
    }
    rows
}

fn row(field: &'static str, values: Vec<String>, compared: bool) -> MachineRow {
    let differs = compared && values.windows(2).any(|w| w[0] != w[1]);
    MachineRow {
        field,
        values,
        differs,
    }
}

/// A row of values some runs may not have recorded: those show `(not recorded)`, and the row
/// differs only when two recorded values do.
fn recorded_row(field: &'static str, values: Vec<Option<String>>) -> MachineRow {
    let recorded: Vec<&String> = values.iter().flatten().collect();
    let differs = recorded.windows(2).any(|w| w[0] != w[1]);
    MachineRow {
        field,
        values: values
            .into_iter()
            .map(|v| v.unwrap_or_else(|| "(not recorded)".to_string()))
            .collect(),
        differs,
    }
}

fn or_none(text: &str) -> String {
    if text.trim().is_empty() {
        "(not reported)".to_string()
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(values: &[Option<&str>]) -> Vec<Option<String>> {
        values.iter().map(|v| v.map(str::to_string)).collect()
    }

    #[test]
    fn recorded_rows_differ_only_between_recorded_values() {
        let same = recorded_row("host", values(&[Some("aa"), Some("aa"), None]));
        assert!(!same.differs);
        assert_eq!(same.values, ["aa", "aa", "(not recorded)"]);
        assert!(recorded_row("host", values(&[Some("aa"), None, Some("bb")])).differs);
        assert!(!recorded_row("host", values(&[None, None])).differs);
        assert!(!recorded_row("host", values(&[Some("aa"), None])).differs);
    }
}
