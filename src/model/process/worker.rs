//! Child side of the process pool: PLACEHOLDER.

/// Entry point of the hidden `concbench worker` subcommand: serves tasks on stdin/stdout.
pub fn main() -> std::process::ExitCode {
    std::process::ExitCode::FAILURE
}
