//! The `smilepayz` binary: the library's `run` on this process's arguments and streams.

use std::process::ExitCode;

fn main() -> ExitCode {
    let code = smilepayz_cli::run(std::env::args_os().skip(1), &mut std::io::stdout(), &mut std::io::stderr());
    ExitCode::from(code.code())
}
