//! The `smilepayz` command line. Its whole logic is [`run`], so that the cargo binary,
//! the Python console script and the npm `bin` run the same code: each hands over its
//! arguments and output streams and exits with the returned [`Exit`] code.
//!
//! Commands: `keys generate`, `sign`, `verify-callback`, `payout`, `status`, `balance`,
//! `reconcile`, `batch run|resume|status|report`, `mock` (see `cli/README.md`). Every rule
//! is the `smilepayz` crate's (batches: `smilepayz-batch`'s); the mock is
//! `smilepayz-testkit`'s `MockGateway`.

mod args;
mod commands;
mod exit;
mod files;
mod input;
mod output;
mod progress;
mod replay;
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
    let argv: Vec<OsString> =
        std::iter::once(OsString::from("smilepayz")).chain(args.into_iter().map(Into::into)).collect();
    let cli = match Cli::try_parse_from(&argv) {
        Ok(cli) => cli,
        Err(e) => return usage(&e, wants_json(&argv), stdout, stderr),
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
        Ok(Ok(exit)) => exit,
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

/// Help and version go to stdout with 0; anything else clap refuses is invalid input,
/// clap's text on stderr and, with `--json`, the error as JSON on stdout like any other.
fn usage(e: &clap::Error, json: bool, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Exit {
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        let _ = write!(stdout, "{e}").and_then(|()| stdout.flush());
        return Exit::Success;
    }
    let _ = write!(stderr, "{e}").and_then(|()| stderr.flush());
    if json {
        // clap's first paragraph (what is wrong), without the usage and the hint after it.
        let text = e.to_string();
        let first = text.split("\n\n").next().unwrap_or_default();
        let message: Vec<&str> = first.lines().map(str::trim).collect();
        let message = message.join(" ");
        let error = serde_json::json!({ "error": {
            "kind": "usage",
            "usage_error": snake(&format!("{:?}", e.kind())),
            "message": message.strip_prefix("error: ").unwrap_or(&message),
            "exit_code": Exit::InvalidInput.code(),
        }});
        let _ = writeln!(stdout, "{error}").and_then(|()| stdout.flush());
    }
    Exit::InvalidInput
}

/// `--json` among the options (not after `--`, where it would be a value): the line
/// clap refused cannot say it otherwise.
fn wants_json(argv: &[OsString]) -> bool {
    argv.iter().skip(1).take_while(|a| *a != "--").any(|a| a == "--json")
}

/// `UnknownArgument` → `unknown_argument`.
fn snake(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
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

/// The command's exit code once it printed its outcome (a batch may end paused or
/// stopped with its summary printed), or the failure to report.
async fn dispatch(command: &Command, out: &mut Output<'_>) -> Result<Exit, Failure> {
    let mut signals = Signals::listen();
    let done = match command {
        Command::Payout(args) => commands::calls::payout(args, out, &mut signals).await,
        Command::Mock(args) => commands::mock::run(args, out, &mut signals).await,
        Command::Batch(batch) => return commands::batch::dispatch(batch, out, &mut signals).await,
        other => tokio::select! {
            outcome = one_shot(other, out) => outcome,
            () = signals.received() => Err(Failure::new(Exit::Interrupted, "interrupted", "interrupted")),
        },
    };
    done.map(|()| Exit::Success)
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
        Command::Payout(_) | Command::Mock(_) | Command::Batch(_) => {
            Err(Failure::new(Exit::Failure, "internal", "dispatched twice"))
        }
    }
}
