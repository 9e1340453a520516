//! `smilepayz` the command, run by the console script (`smilepayz._cli`): the same Rust
//! code as the cargo binary, with the interpreter lock released while it runs.

use pyo3::prelude::*;

/// Runs the command line with `argv` (without the program name); returns the exit code.
#[pyfunction]
pub(crate) fn run_cli(py: Python<'_>, argv: Vec<String>) -> i32 {
    py.detach(|| i32::from(smilepayz_cli::run(argv, &mut std::io::stdout(), &mut std::io::stderr()).code()))
}
