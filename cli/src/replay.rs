//! The follow-up commands the tool prints (`smilepayz reconcile …`, `smilepayz batch
//! resume …`): they repeat the connection flags the user gave, so that pasting them
//! reaches the same gateway, quoted for a POSIX shell. Never a secret: the secret and the
//! key are only ever named by their file, and a journal URL loses its password.

use crate::args::{BatchTarget, Gateway};

/// `smilepayz reconcile ORDER_NO` with the user's connection flags.
pub(crate) fn reconcile_command(order_no: &str, gateway: &Gateway) -> String {
    let mut words = vec!["smilepayz".to_owned(), "reconcile".to_owned(), order_no.to_owned()];
    words.extend(gateway_flags(gateway));
    join(&words)
}

/// `smilepayz batch resume --journal … --batch-id …` with the user's connection flags.
pub(crate) fn resume_command(target: &BatchTarget, gateway: &Gateway) -> String {
    let mut words: Vec<String> = ["smilepayz", "batch", "resume", "--journal"].map(str::to_owned).into();
    words.push(smilepayz_batch::redacted_location(&target.journal));
    words.extend(["--batch-id".to_owned(), target.batch_id.clone()]);
    words.extend(gateway_flags(gateway));
    join(&words)
}

/// The flags given on the command line that choose the gateway and the merchant (files by
/// their path). Settings taken from `SMILEPAYZ_*` are still in the environment.
fn gateway_flags(g: &Gateway) -> Vec<String> {
    let m = &g.merchant;
    let path = |p: &Option<std::path::PathBuf>| p.as_ref().map(|p| p.display().to_string());
    let mut flags = Vec::new();
    for (flag, value) in [
        ("--base-url", g.base_url.clone()),
        ("--environment", g.environment.clone()),
        ("--timeout", g.timeout.map(|s| s.to_string())),
        ("--merchant-id", m.merchant_id.clone()),
        ("--merchant-secret-file", path(&m.merchant_secret_file)),
        ("--private-key-file", path(&m.private_key_file)),
    ] {
        if let Some(value) = value {
            flags.extend([flag.to_owned(), value]);
        }
    }
    for code in &g.order_not_found_codes {
        flags.extend(["--order-not-found-code".to_owned(), code.clone()]);
    }
    flags
}

fn join(words: &[String]) -> String {
    words.iter().map(|w| quote(w)).collect::<Vec<_>>().join(" ")
}

/// A word as a POSIX shell reads it back: bare when it is plainly safe, else in single
/// quotes (a quote inside written as '\'').
fn quote(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./:@%+=,".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_commands_repeat_the_connection_flags_given_and_hide_a_journal_password() {
        let mut gateway = Gateway { environment: Some("sandbox".into()), ..Gateway::default() };
        gateway.merchant.merchant_id = Some("M 1".into());
        gateway.merchant.merchant_secret_file = Some("/run/secrets/smilepayz".into());
        let reconcile = reconcile_command("ORDER0001", &gateway);
        assert_eq!(
            reconcile,
            "smilepayz reconcile ORDER0001 --environment sandbox --merchant-id 'M 1' --merchant-secret-file /run/secrets/smilepayz"
        );
        gateway.base_url = Some("http://127.0.0.1:8080".into());
        gateway.order_not_found_codes = vec!["4040001".into()];
        let target = BatchTarget { journal: "postgresql://pay:s3cret@db/b".into(), batch_id: "payroll-11".into() };
        assert_eq!(
            resume_command(&target, &gateway),
            "smilepayz batch resume --journal postgresql://pay@db/b --batch-id payroll-11 --base-url http://127.0.0.1:8080 \
             --environment sandbox --merchant-id 'M 1' --merchant-secret-file /run/secrets/smilepayz --order-not-found-code 4040001"
        );
    }

    #[test]
    fn words_are_quoted_for_a_shell() {
        assert_eq!(quote("ORDER0001"), "ORDER0001");
        assert_eq!(quote("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
        assert_eq!(quote("my journal"), "'my journal'");
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("$(rm -rf ~)"), "'$(rm -rf ~)'");
    }
}
