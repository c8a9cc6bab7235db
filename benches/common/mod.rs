//! What the overhead and sync benches share: their `main` (run, print one error line, exit
//! with the status concbench's commands use) and a criterion configured from the profile's
//! settings and the command line. Each includes it with `mod common;`; a new bench of that
//! kind does the same. (The models bench is [`concbench::bench_main`] alone.)

use std::process::ExitCode;

use concbench::results::CriterionSettings;
use criterion::Criterion;

/// Runs a bench's body; an error becomes one `error:` line and a failing exit status.
pub fn exit_with(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => concbench::entry::fail(err),
    }
}

/// Criterion with the profile's settings, then criterion's own arguments; see
/// [`concbench::entry::configured_criterion`].
pub fn configured_criterion(settings: &CriterionSettings) -> Criterion {
    concbench::entry::configured_criterion(settings)
}
