//! Running the binary with a clean environment, and a mock gateway to point it at.

use smilepayz::MerchantKey;
use smilepayz_testkit::{MockConfig, MockGateway};
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use tokio::runtime::Runtime;

/// What one run printed and how it exited.
#[derive(Debug)]
pub(crate) struct Run {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl Run {
    /// The stdout as JSON (for `--json` runs).
    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_str(self.stdout.trim()).unwrap_or_else(|e| panic!("not JSON ({e}): {self:?}"))
    }

    pub(crate) fn expect(self, code: i32) -> Self {
        assert_eq!(self.code, code, "{self:#?}");
        assert!(!self.stderr.contains("panicked"), "{self:#?}");
        self
    }
}

pub(crate) fn binary() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_smilepayz"));
    // Only what a test sets: no SMILEPAYZ_* of the developer's shell.
    for (name, _) in std::env::vars() {
        if name.starts_with("SMILEPAYZ_") {
            command.env_remove(name);
        }
    }
    command
}

/// Runs `smilepayz args` with `env` set and `stdin` fed.
pub(crate) fn smilepayz(args: &[&str], env: &[(String, String)], stdin: Option<&[u8]>) -> Run {
    let mut command = binary();
    command.args(args).envs(env.iter().map(|(k, v)| (k, v))).stdout(Stdio::piped()).stderr(Stdio::piped());
    command.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() });
    let mut child = command.spawn().unwrap();
    if let Some(bytes) = stdin {
        child.stdin.take().unwrap().write_all(bytes).unwrap();
    }
    Run::from(child.wait_with_output().unwrap())
}

impl From<std::process::Output> for Run {
    fn from(output: std::process::Output) -> Self {
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

/// Runs `command` with `sh -c` as a user pasting it would, `smilepayz` found on PATH
/// (the directory of the binary under test first), with `env` set.
pub(crate) fn shell(command: &str, env: &[(String, String)]) -> Run {
    let bin_dir = std::path::Path::new(env!("CARGO_BIN_EXE_smilepayz")).parent().unwrap().to_owned();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    let mut command_ = Command::new("sh");
    command_.args(["-c", command]).env("PATH", path).envs(env.iter().map(|(k, v)| (k, v)));
    for (name, _) in std::env::vars() {
        if name.starts_with("SMILEPAYZ_") && !env.iter().any(|(k, _)| *k == name) {
            command_.env_remove(name);
        }
    }
    Run::from(command_.output().unwrap())
}

/// RSA key generation is slow: one merchant key and one platform key for all tests.
fn keys() -> &'static (MerchantKey, MerchantKey) {
    static KEYS: OnceLock<(MerchantKey, MerchantKey)> = OnceLock::new();
    KEYS.get_or_init(|| (MerchantKey::generate().unwrap(), MerchantKey::generate().unwrap()))
}

/// A mock gateway served by its own runtime while the test blocks on a process.
pub(crate) struct Gateway {
    pub(crate) runtime: Runtime,
    pub(crate) gw: MockGateway,
}

impl Gateway {
    pub(crate) fn start() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let (merchant, platform) = keys();
        let config = MockConfig {
            merchant_key: Some(merchant.clone()),
            platform_key: Some(platform.clone()),
            ..MockConfig::default()
        };
        let gw = runtime.block_on(MockGateway::start_with(config)).unwrap();
        Gateway { runtime, gw }
    }

    /// The SMILEPAYZ_* variables a merchant would set for this gateway.
    pub(crate) fn env(&self) -> Vec<(String, String)> {
        [
            ("SMILEPAYZ_BASE_URL", self.gw.base_url()),
            ("SMILEPAYZ_MERCHANT_ID", self.gw.merchant_id().to_owned()),
            ("SMILEPAYZ_MERCHANT_SECRET", self.gw.merchant_secret().to_owned()),
            ("SMILEPAYZ_PRIVATE_KEY", self.gw.merchant_private_key_pem()),
            ("SMILEPAYZ_PLATFORM_PUBLIC_KEY", self.gw.platform_public_key_base64()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
    }

    /// `env` without the variables named.
    pub(crate) fn env_without(&self, names: &[&str]) -> Vec<(String, String)> {
        self.env().into_iter().filter(|(k, _)| !names.contains(&k.as_str())).collect()
    }
}

/// A fresh directory for a test's files.
pub(crate) fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("smilepayz-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The flags of a valid IDR pay-out.
pub(crate) fn idr_flags(order_no: &str) -> Vec<String> {
    [
        "payout",
        "--region",
        "IDR",
        "--order-no",
        order_no,
        "--purpose",
        "Payroll",
        "--amount",
        "150000",
        "--payment-method",
        "BRI",
        "--cash-account",
        "78120011629261665",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect()
}

pub(crate) fn strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}
