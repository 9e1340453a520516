//! The command tree, declared with clap. `batch` (issue 13) slots in as one more
//! [`Command`] variant with its own subcommands, as `keys` has.

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
        after_help = "Example:\n  smilepayz mock --port 8080\n  curl -s -X POST localhost:8080/_mock/settle -d '{\"orderNo\":\"ORDER0001\",\"status\":\"SUCCESS\"}'"
    )]
    Mock(MockArgs),
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
    /// A gateway code meaning "no such order" (repeatable), for `reconcile`. Smilepayz
    /// publishes none; `smilepayz mock` prints its own as `order_not_found_code`.
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
}
