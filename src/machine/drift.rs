//! Drift: the machine's own speed over a run, seen through a fixed calibration kernel timed
//! at regular points (before every measured block).
//!
//! A shared virtual machine can run CPU-bound work at half speed for minutes with no other
//! process in sight (a noisy neighbour on the host, frequency changes). Timing the same small,
//! single-threaded, compute-only kernel through the run shows it: the kernel's time is the
//! machine's speed, and a run whose speed moved by more than a bound is flagged, with the
//! slow spells named so the cases measured in them can be.

use serde::{Deserialize, Serialize};

/// One timing of the calibration kernel.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CalibrationPoint {
    /// When it was taken, in seconds since the run started.
    pub at_s: f64,
    /// The kernel's time, in nanoseconds.
    pub ns: f64,
}

/// A stretch of the run in which the machine ran slower than its usual speed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Spell {
    /// Start, in seconds since the run started.
    pub from_s: f64,
    /// End, in seconds since the run started.
    pub to_s: f64,
    /// The machine's speed in the spell relative to the run's median (0.7: 30% slower).
    pub speed: f64,
}

/// The calibration series of one run and what it says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Drift {
    /// What the kernel computes, in words.
    pub kernel: String,
    /// Every timing, in run order.
    pub points: Vec<CalibrationPoint>,
    /// The bound on the speed's movement (0.10: ±10%) beyond which the run is flagged.
    pub bound: f64,
    /// Slowest smoothed speed relative to the run's median (1.0 when steady).
    pub min_speed: f64,
    /// Fastest smoothed speed relative to the run's median.
    pub max_speed: f64,
    /// True when the speed moved beyond `bound`.
    pub flagged: bool,
    /// The slow spells, in run order; empty when the machine held its speed.
    pub slow_spells: Vec<Spell>,
}
