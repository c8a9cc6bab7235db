//! Command line placeholder.

/// Runs the CLI.
pub fn main() -> std::process::ExitCode {
    std::process::ExitCode::SUCCESS
}
