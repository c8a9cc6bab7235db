//! Quiet-machine evidence around one measured block: how much CPU other processes took, how
//! much time the hypervisor stole, and the kernel's pressure stall information (PSI) for CPU,
//! I/O and memory, between two readings.
//!
//! Linux only: `/proc/stat`, `/proc/self/stat` and `/proc/pressure/{cpu,io,memory}`. A
//! reading that is missing (another OS, a kernel without PSI, a container hiding `/proc`) is
//! `None`, never invented. To add a reading: a field of [`Quiet`] (optional, with
//! `#[serde(default)]`), its counter, and its threshold in the disturbance check.

use serde::{Deserialize, Serialize};

/// What happened on the machine while one block ran (one round of one case, say).
///
/// Every share is a fraction of the block's wall time (or of all CPUs' time, for `steal`),
/// `0.0..=1.0`; `others_cpus` is a number of CPUs.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Quiet {
    /// Wall time between the two readings, in seconds.
    pub wall_s: f64,
    /// Mean number of CPUs kept busy by processes other than this one and its reaped
    /// children (`/proc/stat` busy time minus `/proc/self/stat`'s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub others_cpus: Option<f64>,
    /// Share of all CPUs' time the hypervisor gave to someone else (`/proc/stat` steal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steal: Option<f64>,
    /// Share of the wall time in which at least one task waited for a CPU (PSI cpu "some").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_pressure: Option<f64>,
    /// Share of the wall time in which at least one task waited for I/O (PSI io "some").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub io_pressure: Option<f64>,
    /// Share of the wall time in which at least one task waited for memory (PSI memory
    /// "some").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_pressure: Option<f64>,
}
