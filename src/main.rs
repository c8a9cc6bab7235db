//! The `concbench` binary: parses the command line, runs it, and prints one `error:` line on
//! failure. All logic lives in the library ([`concbench::cli`]).

use std::process::ExitCode;

fn main() -> ExitCode {
    concbench::cli::main()
}
