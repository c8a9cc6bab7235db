//! Profiles: named sets of sizes, worker lists and repeat counts.
//!
//! A profile fixes how much work every case does, never calibrated at run time, so the same
//! profile does the same work on every machine and results compare across machines. Each
//! workload keeps its own sizes per profile (its `spec_for` function); this module keeps what
//! is common to all workloads. To add a profile, add a variant and fill every `match`.

use clap::ValueEnum;
use serde::{Deserialize, Serialize};

use crate::results::schema::CriterionSettings;

/// A named size of run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// Tiny sizes for CI and tests: seconds in all.
    Smoke,
    /// A first look in a few minutes.
    Quick,
    /// The sizes `cargo bench` uses: stable figures in about a quarter of an hour.
    Default,
    /// Bigger sizes and more worker counts, for a machine you can leave alone.
    Full,
}

impl Profile {
    /// Every profile, smallest first.
    pub const ALL: [Profile; 4] = [
        Profile::Smoke,
        Profile::Quick,
        Profile::Default,
        Profile::Full,
    ];

    /// The profile's name as users type it.
    pub fn name(self) -> &'static str {
        match self {
            Profile::Smoke => "smoke",
            Profile::Quick => "quick",
            Profile::Default => "default",
            Profile::Full => "full",
        }
    }

    /// Worker counts swept when the user gives none.
    pub fn workers(self) -> Vec<usize> {
        match self {
            Profile::Smoke => vec![1, 2],
            Profile::Quick => vec![1, 2, 4],
            Profile::Default => vec![1, 2, 4, 8, 16],
            Profile::Full => vec![1, 2, 4, 8, 16, 32, 64],
        }
    }

    /// Timed runs of each case by `concbench run` (after one verified warm-up run).
    pub fn repeats(self) -> usize {
        match self {
            Profile::Smoke => 3,
            Profile::Quick => 5,
            Profile::Default => 9,
            Profile::Full => 15,
        }
    }

    /// Criterion's sample size, warm-up and measurement time per case under `cargo bench`.
    /// Chosen so the whole matrix fits the profile's budget on a 2-core machine (README).
    pub fn criterion(self) -> CriterionSettings {
        // Fewer bootstrap resamples than criterion's 100 000 keep its analysis and charts
        // from dominating short cases; the bounds barely move.
        let (sample_size, warm_up_s, measurement_s, resamples) = match self {
            Profile::Smoke => (10, 0.05, 0.1, 2_000),
            Profile::Quick => (10, 0.05, 0.25, 5_000),
            Profile::Default => (10, 0.2, 0.8, 10_000),
            Profile::Full => (30, 2.0, 6.0, 50_000),
        };
        CriterionSettings {
            sample_size,
            warm_up_s,
            measurement_s,
            resamples,
        }
    }
}

impl Profile {
    /// How long the probe keeps running batches of one case to measure its CPU use.
    pub fn probe_min_wall(self) -> std::time::Duration {
        std::time::Duration::from_millis(match self {
            Profile::Smoke => 30,
            Profile::Quick => 80,
            Profile::Default => 150,
            Profile::Full => 1000,
        })
    }
}

impl std::fmt::Display for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
