//! Profiles: named sets of sizes, worker lists and repeat counts.
//!
//! A profile fixes how much work every case does, never calibrated at run time, so the same
//! profile does the same work on every machine and results compare across machines. Each
//! workload keeps its own sizes per profile (its `spec_for` function); this module keeps what
//! is common to all workloads. To add a profile, add a variant and fill every `match`.

use clap::ValueEnum;
use serde::{Deserialize, Serialize};

use std::time::Duration;

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
    /// How the models bench spreads each case over the run (README gives the budgets).
    ///
    /// Every block builds the case, runs one verified untimed batch, then times at least
    /// `min_samples` batches and goes on for `min_block`. `rounds x min_samples` is at least
    /// 10, the fewest samples criterion analyses.
    pub fn rounds(self) -> RoundSettings {
        let (rounds, min_samples, min_block_ms, max_samples) = match self {
            Profile::Smoke => (3, 4, 60, 200),
            Profile::Quick => (3, 4, 60, 500),
            Profile::Default => (5, 2, 140, 1000),
            Profile::Full => (7, 3, 800, 5000),
        };
        RoundSettings {
            rounds,
            min_samples,
            min_block: Duration::from_millis(min_block_ms),
            max_samples,
        }
    }

    /// How long the probe keeps running batches of one case to measure its CPU use.
    pub fn probe_min_wall(self) -> Duration {
        Duration::from_millis(match self {
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

/// Criterion's settings, as the profile set them (used by the overhead and sync benches;
/// the models bench measures in rounds, [`RoundSettings`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CriterionSettings {
    /// Samples per case.
    pub sample_size: usize,
    /// Warm-up time per case, in seconds.
    pub warm_up_s: f64,
    /// Measurement time per case, in seconds.
    pub measurement_s: f64,
    /// Bootstrap resamples criterion draws per case (its default is 100 000).
    #[serde(default = "default_resamples")]
    pub resamples: usize,
}

fn default_resamples() -> usize {
    100_000
}

/// How the models bench spreads a case over a run: how many rounds, and how long one
/// block (one case in one round) lasts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RoundSettings {
    /// Rounds in a run (at least 1).
    pub rounds: usize,
    /// Fewest timed batches per block.
    pub min_samples: usize,
    /// A block keeps timing batches until this much time has passed (after `min_samples`).
    #[serde(with = "seconds")]
    pub min_block: Duration,
    /// Most timed batches per block, however short they are.
    pub max_samples: usize,
}

/// A `Duration` as seconds (`f64`) in JSON.
mod seconds {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(value.as_secs_f64())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let secs = f64::deserialize(d)?;
        Duration::try_from_secs_f64(secs).map_err(serde::de::Error::custom)
    }
}
