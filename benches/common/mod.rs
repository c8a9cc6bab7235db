//! What every concbench bench shares: its `main` (run, print one error line, exit non-zero)
//! and a criterion configured from the profile's settings and the command line. Each bench
//! includes it with `mod common;`; a new bench does the same.

use std::process::ExitCode;
use std::time::Duration;

use concbench::results::CriterionSettings;
use criterion::Criterion;

/// Runs a bench's body; an error becomes one `error:` line and a failing exit status.
pub fn exit_with(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// Criterion with the profile's sample size, warm-up, measurement time and resamples, then
/// criterion's own arguments (a filter, `--save-baseline`, ...). Registers the embedded font
/// first: criterion draws its HTML charts with plotters, which never uses system fonts.
pub fn configured_criterion(settings: &CriterionSettings) -> Criterion {
    concbench::plot::register_fonts();
    Criterion::default()
        .sample_size(settings.sample_size)
        .warm_up_time(Duration::from_secs_f64(settings.warm_up_s))
        .measurement_time(Duration::from_secs_f64(settings.measurement_s))
        .nresamples(settings.resamples)
        .configure_from_args()
}
