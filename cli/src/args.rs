//! The command tree, declared with clap.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// The exit codes, shown at the end of `--help`.
pub(crate) const EXIT_CODES: &str = "\
Exit codes:
  0    done: pay-out accepted, callback verified, answer printed, mock stopped
  1    failure of the tool itself (an SDK bug, the mock could not listen)
  2    invalid input (flags, a body that is not JSON, a request breaking a rule); nothing sent
  3    configuration error (merchant id, secret, key or URL missing or wrong)
  4    refused by the gateway (its code is not 00)
  5    outcome unknown: the pay-out may have reached the gateway; do not resend, run
       the `smilepayz reconcile ORDER_NO` printed on stderr
  6    gateway unreachable, or an inquiry's answer unreadable; nothing changed
  7    callback refused (a check failed, or with --confirm the gateway disagrees)
  130  interrupted (SIGINT/SIGTERM)
The batch commands give these codes their own meaning: see `smilepayz batch --help`.

Settings come from flags, else the environment: SMILEPAYZ_MERCHANT_ID,
SMILEPAYZ_MERCHANT_SECRET, SMILEPAYZ_PRIVATE_KEY, SMILEPAYZ_ENVIRONMENT,
SMILEPAYZ_BASE_URL, SMILEPAYZ_PLATFORM_PUBLIC_KEY.

Example (against the mock gateway, in another terminal: `smilepayz mock --env`):
  smilepayz payout --region IDR --order-no ORDER0001 --purpose Payroll \\
      --amount 150000 --payment-method BRI --cash-account 78120011629261665";

/// Smilepayz pay-outs from the command line: merchant keys, signature debugging,
/// one-off calls and a mock gateway for any language.
#[derive(Debug, Parser)]
#[command(name = "smilepayz", version, after_help = EXIT_CODES, propagate_version = true)]
pub(crate) struct Cli {
    /// Print one JSON document on stdout instead of text (errors too), for scripts.
    #[arg(long, global = true)]
    pub(crate) json: bool,
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Merchant key pairs.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Show the headers the SDK would send for a body, and the string it signs (secret
    /// masked): the tool for "my signature is rejected".
    #[command(
        after_help = "Example:\n  smilepayz sign body.json --timestamp 2024-04-10T08:45:32+07:00\n  echo '{\"orderNo\":\"ORDER0001\"}' | smilepayz sign -"
    )]
    Sign(SignArgs),
    /// Check a callback's signature (and with --confirm, its claims with the gateway).
    #[command(
        name = "verify-callback",
        after_help = "Example:\n  smilepayz verify-callback --request saved-callback.http\n  smilepayz verify-callback --headers headers.txt --body body.json --confirm"
    )]
    VerifyCallback(VerifyArgs),
    /// Send one pay-out: fields as flags, or a JSON request (file or - for stdin).
    #[command(
        after_help = "Example:\n  smilepayz payout --region IDR --order-no ORDER0001 --purpose Payroll --amount 150000 \\\n      --payment-method BRI --cash-account 78120011629261665\n  smilepayz payout --request payout.json"
    )]
    Payout(PayoutArgs),
    /// Ask the gateway for the status of one pay-out.
    #[command(after_help = "Example:\n  smilepayz status --order-no ORDER0001")]
    Status(StatusArgs),
    /// Ask the gateway for the balance of one account.
    #[command(after_help = "Example:\n  smilepayz balance 1234567890")]
    Balance(BalanceArgs),
    /// Resolve a pay-out whose outcome was unknown: settled, pending, or not found.
    #[command(after_help = "Example:\n  smilepayz reconcile ORDER0001 --order-not-found-code 4040001")]
    Reconcile(ReconcileArgs),
    /// Run the mock gateway on 127.0.0.1 until SIGINT/SIGTERM; prints its settings as one
    /// JSON line (or SMILEPAYZ_* lines with --env). Admin API under /_mock/.
    #[command(
        after_help = "Example:\n  smilepayz mock --port 8080\n  smilepayz mock --merchant-secret-file secret.txt --merchant-private-key-file merchant.pem \\\n      --platform-private-key-file platform.pem\n  curl -s -X POST localhost:8080/_mock/settle -d '{\"orderNo\":\"ORDER0001\",\"status\":\"SUCCESS\"}'"
    )]
    Mock(MockArgs),
    /// Batches of pay-outs with a crash-safe journal: every row reaches the gateway at
    /// most once and ends with a known outcome.
    #[command(subcommand, after_help = BATCH_HELP)]
    Batch(BatchCommand),
}

#[derive(Debug, Subcommand)]
pub(crate) enum KeysCommand {
    /// Generate an RSA-2048 merchant key pair: the private key to a file (PKCS#8 PEM,
    /// owner-only), the public key printed as the base64 the back office expects.
    #[command(after_help = "Example:\n  smilepayz keys generate --out merchant-private-key.pem")]
    Generate(GenerateArgs),
}

#[derive(Debug, Args)]
pub(crate) struct GenerateArgs {
    /// Where to write the private key.
    #[arg(long, default_value = "smilepayz-merchant-key.pem")]
    pub(crate) out: PathBuf,
    /// Overwrite the file if it exists.
    #[arg(long)]
    pub(crate) force: bool,
}

/// The merchant's settings; each flag wins over its environment variable.
#[derive(Debug, Args, Default)]
pub(crate) struct Merchant {
    /// Merchant id (else SMILEPAYZ_MERCHANT_ID).
    #[arg(long)]
    pub(crate) merchant_id: Option<String>,
    /// File holding the merchant secret (else SMILEPAYZ_MERCHANT_SECRET); its final line
    /// break is ignored. Never a flag value: command lines are visible to other users.
    #[arg(long)]
    pub(crate) merchant_secret_file: Option<PathBuf>,
    /// File holding the merchant private key, PEM or base64 (else SMILEPAYZ_PRIVATE_KEY).
    #[arg(long)]
    pub(crate) private_key_file: Option<PathBuf>,
}

/// Where calls go and how "no such order" is recognised.
#[derive(Debug, Args, Default)]
pub(crate) struct Gateway {
    #[command(flatten)]
    pub(crate) merchant: Merchant,
    /// sandbox or production (else SMILEPAYZ_ENVIRONMENT).
    #[arg(long)]
    pub(crate) environment: Option<String>,
    /// Base URL, e.g. the mock's (else SMILEPAYZ_BASE_URL); https, or http on loopback.
    #[arg(long)]
    pub(crate) base_url: Option<String>,
    /// Seconds one whole request may take (default 30). A batch's --not-found-grace and
    /// lease must be at least this long.
    #[arg(long, value_name = "SECS")]
    pub(crate) timeout: Option<u64>,
    /// A gateway code meaning "no such order" (repeatable): `reconcile` answers not found,
    /// a batch resends the row after --not-found-grace. Smilepayz publishes none;
    /// `smilepayz mock` prints its own as `order_not_found_code`.
    #[arg(long = "order-not-found-code")]
    pub(crate) order_not_found_codes: Vec<String>,
}

#[derive(Debug, Args)]
pub(crate) struct SignArgs {
    /// The body file, or - for stdin. Signed byte for byte, as it must be sent.
    pub(crate) body: PathBuf,
    /// X-TIMESTAMP to sign with (yyyy-MM-ddTHH:mm:ss±HH:mm), to reproduce a signature;
    /// now by default.
    #[arg(long)]
    pub(crate) timestamp: Option<String>,
    #[command(flatten)]
    pub(crate) merchant: Merchant,
}

#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// A saved raw HTTP request (request line, headers, blank line, body).
    #[arg(long, conflicts_with_all = ["headers", "body"], required_unless_present_all = ["headers", "body"])]
    pub(crate) request: Option<PathBuf>,
    /// A file of `Name: value` header lines.
    #[arg(long, requires = "body")]
    pub(crate) headers: Option<PathBuf>,
    /// The raw body file (- for stdin).
    #[arg(long, requires = "headers")]
    pub(crate) body: Option<PathBuf>,
    /// File holding the platform public key (else SMILEPAYZ_PLATFORM_PUBLIC_KEY).
    #[arg(long)]
    pub(crate) platform_public_key_file: Option<PathBuf>,
    /// Refuse callbacks older than this many seconds (off by default).
    #[arg(long)]
    pub(crate) max_age_secs: Option<u64>,
    /// Also ask the gateway whether the callback's orderNo, tradeNo, status and money
    /// are what it says (needs the merchant settings).
    #[arg(long)]
    pub(crate) confirm: bool,
    #[command(flatten)]
    pub(crate) gateway: Gateway,
}

#[derive(Debug, Args)]
pub(crate) struct PayoutArgs {
    /// A JSON request file (- for stdin): `region` plus the region's fields, in
    /// snake_case or camelCase. The field flags below are then not allowed.
    #[arg(long, conflicts_with_all = ["region", "order_no", "purpose", "amount", "payment_method", "cash_account", "callback_url", "field"])]
    pub(crate) request: Option<PathBuf>,
    /// IDR, PEN, COP, BRL or USDT.
    #[arg(long, required_unless_present = "request")]
    pub(crate) region: Option<String>,
    #[arg(long)]
    pub(crate) order_no: Option<String>,
    #[arg(long)]
    pub(crate) purpose: Option<String>,
    /// Exact decimal text, e.g. 150000 (never rounded).
    #[arg(long, allow_negative_numbers = true)]
    pub(crate) amount: Option<String>,
    #[arg(long)]
    pub(crate) payment_method: Option<String>,
    #[arg(long)]
    pub(crate) cash_account: Option<String>,
    #[arg(long)]
    pub(crate) callback_url: Option<String>,
    /// Any other field as PATH=TEXT, dotted for nested ones (repeatable), e.g.
    /// `--field receiver.name=Budi --field cash_account_type=SAVINGS`.
    #[arg(long = "field", value_name = "PATH=TEXT")]
    pub(crate) field: Vec<String>,
    #[command(flatten)]
    pub(crate) gateway: Gateway,
}

#[derive(Debug, Args)]
pub(crate) struct StatusArgs {
    #[arg(long, required_unless_present = "trade_no", conflicts_with = "trade_no")]
    pub(crate) order_no: Option<String>,
    #[arg(long)]
    pub(crate) trade_no: Option<String>,
    #[command(flatten)]
    pub(crate) gateway: Gateway,
}

#[derive(Debug, Args)]
pub(crate) struct BalanceArgs {
    /// The account number.
    pub(crate) account_no: String,
    #[command(flatten)]
    pub(crate) gateway: Gateway,
}

#[derive(Debug, Args)]
pub(crate) struct ReconcileArgs {
    /// The order number whose outcome is unknown.
    pub(crate) order_no: String,
    #[command(flatten)]
    pub(crate) gateway: Gateway,
}

#[derive(Debug, Args)]
pub(crate) struct MockArgs {
    /// Port on 127.0.0.1; a free one by default.
    #[arg(long)]
    pub(crate) port: Option<u16>,
    /// Print SMILEPAYZ_* lines (for a shell or a docker-compose env file) instead of JSON.
    #[arg(long)]
    pub(crate) env: bool,
    /// The merchant id to serve (default sandbox-mock-20019).
    #[arg(long)]
    pub(crate) merchant_id: Option<String>,
    /// A file holding the merchant secret to expect (final line break ignored), so that a
    /// restarted mock keeps the same settings; random by default.
    #[arg(long)]
    pub(crate) merchant_secret_file: Option<PathBuf>,
    /// The merchant private key requests must be signed with (PEM or base64, e.g. from
    /// `smilepayz keys generate`); generated by default.
    #[arg(long)]
    pub(crate) merchant_private_key_file: Option<PathBuf>,
    /// The platform private key callbacks are signed with; generated by default.
    #[arg(long)]
    pub(crate) platform_private_key_file: Option<PathBuf>,
}

/// The batch commands' exit codes and an example, shown by `smilepayz batch --help`.
pub(crate) const BATCH_HELP: &str = "\
Exit codes of `batch run` and `batch resume`:
  0    finished: every row accepted by the gateway, final or rejected (see the summary)
  2    invalid rows (each listed with its row number and field paths); nothing journaled
  3    configuration: settings, or the journal (not a journal, in use, unreadable)
  4    paused by the stop rule (N same rejections in a row), or --preflight found the
       balance short; nothing more sent. `batch resume` after fixing the cause
  5    rows still unknown or pending: never resend by hand, run `batch resume`
  6    gateway unreachable outside a row (e.g. the --preflight balance inquiry)
  130  stopped by SIGINT/SIGTERM: in-flight rows finished and journaled; `batch resume`
`batch status` and `batch report` exit 0, or 3 for a journal problem or a batch id the
journal does not hold (`resume` too).

Example:
  smilepayz batch run --journal payroll.journal --batch-id payroll-2026-11 \\
      --file payroll.csv --concurrency 8 --settle-within 60
  smilepayz batch resume --journal payroll.journal --batch-id payroll-2026-11
  smilepayz batch status --journal payroll.journal --batch-id payroll-2026-11
  smilepayz batch report --journal payroll.journal --batch-id payroll-2026-11 --output report.csv";

#[derive(Debug, Subcommand)]
pub(crate) enum BatchCommand {
    /// Add a file's rows (if given) and send every row not sent yet; rows that may have
    /// left are reconciled first. Re-running the same file adds nothing.
    #[command(after_help = BATCH_HELP)]
    Run(BatchRunArgs),
    /// Continue a batch after a stop or a crash: reconcile, then send what is left.
    #[command(after_help = BATCH_HELP)]
    Resume(BatchResumeArgs),
    /// Rows per state, and why the batch is paused if it is.
    #[command(after_help = BATCH_HELP)]
    Status(BatchTarget),
    /// Every row with its outcome, and totals per state and currency (exact decimals).
    #[command(after_help = BATCH_HELP)]
    Report(BatchReportArgs),
}

/// Which batch, in which journal.
#[derive(Debug, Args)]
pub(crate) struct BatchTarget {
    /// The journal: a SQLite file path (created 0600 when absent) or a postgresql:// URL.
    #[arg(long)]
    pub(crate) journal: String,
    /// The batch id (printable ASCII, no spaces); orderNos of rows without one derive
    /// from it.
    #[arg(long)]
    pub(crate) batch_id: String,
}

/// How a run sends.
#[derive(Debug, Args)]
pub(crate) struct RunFlags {
    /// Pay-outs in flight at once (default 8).
    #[arg(long)]
    pub(crate) concurrency: Option<u64>,
    /// Requests per second at most (pay-outs and inquiries); no limit by default.
    #[arg(long)]
    pub(crate) rate: Option<u64>,
    /// Pause the batch after N consecutive rejections with the same gateway code
    /// (default 10; 0: never).
    #[arg(long, value_name = "N")]
    pub(crate) stop_after_same_rejections: Option<u64>,
    /// Poll accepted rows until their status is final, for at most SECS seconds.
    #[arg(long, value_name = "SECS")]
    pub(crate) settle_within: Option<u64>,
    /// Resend a row the gateway does not know only this long after its intent (default
    /// 120; needs --order-not-found-code).
    #[arg(long, value_name = "SECS")]
    pub(crate) not_found_grace: Option<u64>,
    /// Return after this long when rows whose fate is unknown stay so (default 600); they
    /// are left for `batch resume` (exit 5).
    #[arg(long, value_name = "SECS")]
    pub(crate) max_wait: Option<u64>,
    /// No progress on stderr.
    #[arg(long)]
    pub(crate) quiet: bool,
    #[command(flatten)]
    pub(crate) gateway: Gateway,
}

#[derive(Debug, Args)]
pub(crate) struct BatchRunArgs {
    #[command(flatten)]
    pub(crate) target: BatchTarget,
    /// Rows to add first: .csv (a header of snake_case field names, nested ones dotted,
    /// plus `region`) or .jsonl (one mapping per line).
    #[arg(long)]
    pub(crate) file: Option<PathBuf>,
    /// Journal the valid rows of --file and list the invalid ones, instead of refusing
    /// the whole file.
    #[arg(long, requires = "file")]
    pub(crate) skip_invalid: bool,
    /// Before sending, check that this account's available balance covers the rows still
    /// to send, per currency.
    #[arg(long, value_name = "ACCOUNT_NO")]
    pub(crate) preflight: Option<String>,
    #[command(flatten)]
    pub(crate) run: RunFlags,
}

#[derive(Debug, Args)]
pub(crate) struct BatchResumeArgs {
    #[command(flatten)]
    pub(crate) target: BatchTarget,
    #[command(flatten)]
    pub(crate) run: RunFlags,
}

#[derive(Debug, Args)]
pub(crate) struct BatchReportArgs {
    #[command(flatten)]
    pub(crate) target: BatchTarget,
    /// csv (default) or json (also chosen by --json).
    #[arg(long, value_parser = ["csv", "json"])]
    pub(crate) format: Option<String>,
    /// Write the report to FILE (owner-only) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}
