//! The `ostiary` binary: parse the command line and hand over to [`ostiary::cli`].

use std::process::ExitCode;

fn main() -> ExitCode {
    ostiary::cli::main()
}
