//! `smilepayz` the command, run by the package's `bin/smilepayz.js`: the same Rust code
//! as the cargo binary. It blocks the event loop until the command ends, as a CLI may.

use napi_derive::napi;

/// Runs the command line with `argv` (without the program name); returns the exit code.
#[napi(catch_unwind)]
pub fn run_cli(argv: Vec<String>) -> u32 {
    u32::from(smilepayz_cli::run(argv, &mut std::io::stdout(), &mut std::io::stderr()).code())
}
