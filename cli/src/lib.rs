//! The `smilepayz` command line. Its whole logic is [`run`], so that the cargo binary,
//! the Python console script and the npm `bin` run the same code: each hands over its
//! arguments and output streams and exits with the returned [`Exit`] code.
//!
//! Commands: `keys generate`, `sign`, `verify-callback`, `payout`, `status`, `balance`,
//! `reconcile`, `mock` (see `cli/README.md`). Every rule is the `smilepayz` crate's; the
//! mock is `smilepayz-testkit`'s `MockGateway`.

mod args;
mod commands;
mod exit;
mod input;
mod output;
mod settings;
mod signals;

pub use exit::Exit;

use args::{Cli, Command, KeysCommand};
use clap::Parser;
use clap::error::ErrorKind;
use exit::Failure;
use output::Output;
use signals::Signals;
use std::ffi::OsString;
use std::io::Write;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

/// Runs `smilepayz` with `args` (without the program name), writing to `stdout` and
/// `stderr`. Installs SIGINT/SIGTERM handlers for the rest of the process: meant for a
/// process's entry point, not for a library call.
pub fn run<I, T>(args: I, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Exit
where
    I: IntoIterator<Item = T>,
    T: Into<OsString>,
{
    let argv = std::iter::once(OsString::from("smilepayz")).chain(args.into_iter().map(Into::into));
    let cli = match Cli::try_parse_from(argv) {
        Ok(cli) => cli,
        Err(e) => return usage(&e, stdout, stderr),
    };
    let mut out = Output::new(stdout, stderr, cli.json);
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(r) => r,
        Err(e) => return report(Failure::new(Exit::Failure, "runtime", format!("cannot start: {e}")), &mut out),
    };
    // A bug must not take a Python or Node host down with it, nor print a bare panic as
    // the outcome of a pay-out.
    let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| runtime.block_on(dispatch(&cli.command, &mut out))));
    runtime.shutdown_timeout(Duration::from_secs(1));
    match outcome {
        Ok(Ok(())) => Exit::Success,
        Ok(Err(failure)) => report(failure, &mut out),
        Err(_) => report(
            Failure::new(
                Exit::Failure,
                "internal",
                "internal error in smilepayz (please report it); if a pay-out was being sent, its outcome is unknown: reconcile it",
            ),
            &mut out,
        ),
    }
}

/// Help and version go to stdout with 0; anything else clap refuses is invalid input.
fn usage(e: &clap::Error, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Exit {
    let (stream, exit): (&mut dyn Write, Exit) = match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => (stdout, Exit::Success),
        _ => (stderr, Exit::InvalidInput),
    };
    let _ = write!(stream, "{e}").and_then(|()| stream.flush());
    exit
}

fn report(failure: Failure, out: &mut Output<'_>) -> Exit {
    out.note(&format!("error: {}", failure.message));
    if out.json {
        let mut fields = failure.fields;
        fields["exit_code"] = failure.exit.code().into();
        out.line(&serde_json::json!({ "error": fields }).to_string());
    }
    failure.exit
}

async fn dispatch(command: &Command, out: &mut Output<'_>) -> Result<(), Failure> {
    let mut signals = Signals::listen();
    match command {
        Command::Payout(args) => commands::calls::payout(args, out, &mut signals).await,
        Command::Mock(args) => commands::mock::run(args, out, &mut signals).await,
        other => tokio::select! {
            outcome = one_shot(other, out) => outcome,
            () = signals.received() => Err(Failure::new(Exit::Interrupted, "interrupted", "interrupted")),
        },
    }
}

/// The commands that have nothing to clean up when interrupted.
async fn one_shot(command: &Command, out: &mut Output<'_>) -> Result<(), Failure> {
    match command {
        Command::Keys(KeysCommand::Generate(args)) => commands::keys::generate(args, out),
        Command::Sign(args) => commands::sign::run(args, out),
        Command::VerifyCallback(args) => commands::verify::run(args, out).await,
        Command::Status(args) => commands::calls::status(args, out).await,
        Command::Balance(args) => commands::calls::balance(args, out).await,
        Command::Reconcile(args) => commands::calls::reconcile(args, out).await,
        Command::Payout(_) | Command::Mock(_) => Err(Failure::new(Exit::Failure, "internal", "dispatched twice")),
    }
}
