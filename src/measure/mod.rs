//! Measurement: the one path from a case to its timed batches.
//!
//! - [`VerifiedCase`] (case.rs): builds a (workload, model, workers) case outside any timer,
//!   verifies its checksum against the sequential reference (one error wording:
//!   [`crate::Error::ChecksumMismatch`]), then runs the untimed batch start and the timed
//!   batch, one batch at a time. `concbench run`, `concbench probe`, the models bench and
//!   the overhead bench all time through it.
//! - [`measure_in_rounds`] (rounds.rs): the models bench's schedule: every case in several
//!   rounds spread over the run, shuffled, with the machine's speed and quiet-machine
//!   readings taken around every block.
//!
//! Data flows one way: workloads and models are used here; the results file, the report and
//! compare use what this module measured ([`RoundTimes`], [`Sample`]).

mod case;
mod estimate;
mod rounds;

pub use case::VerifiedCase;
pub use estimate::Estimate;
pub use rounds::{CaseGroup, Progress, RoundTimes, RoundsOutcome, Sample, measure_in_rounds};
