//! `smilepayz sign`: the headers the SDK would send with a body, and the string it signs
//! with the secret masked, to compare with what another client signs.

use crate::args::SignArgs;
use crate::exit::Failure;
use crate::input::read_input;
use crate::output::Output;
use crate::settings::{MERCHANT_ID, MERCHANT_SECRET, Settings};
use serde_json::json;
use smilepayz::signing::{format_timestamp, parse_timestamp, sign_request};
use time::{OffsetDateTime, UtcOffset};

pub(crate) fn run(args: &SignArgs, out: &mut Output<'_>) -> Result<(), Failure> {
    let body = read_input("body", &args.body)?;
    if let Err(e) = serde_json::from_slice::<serde_json::Value>(&body) {
        return Err(Failure::input(format!("the body is not JSON ({e}); the gateway takes a JSON body")));
    }
    let timestamp = match &args.timestamp {
        Some(t) if parse_timestamp(t).is_some() => t.clone(),
        Some(t) => return Err(Failure::input(format!("--timestamp {t:?} is not yyyy-MM-ddTHH:mm:ss±HH:mm"))),
        // The SDK's own default: now, in UTC.
        None => format_timestamp(OffsetDateTime::now_utc(), UtcOffset::UTC),
    };
    let settings = Settings::merchant(&args.merchant)?;
    let merchant_id = settings.require(MERCHANT_ID, "--merchant-id")?;
    let secret = zeroize::Zeroizing::new(settings.require(MERCHANT_SECRET, "--merchant-secret-file")?);
    let key = settings.merchant_key()?;
    let signature = sign_request(&key, &timestamp, &secret, &body);
    let masked = format!("{timestamp}|{}|{}", "*".repeat(3), String::from_utf8_lossy(&body));
    if body.iter().any(|b| matches!(b, b'\n' | b'\r')) || body.last().is_some_and(u8::is_ascii_whitespace) {
        out.note(
            "note: the body has line breaks or trailing whitespace. It is signed byte for byte: send exactly \
             these bytes (the SDK sends compact JSON, serialised once).",
        );
    }
    let headers = [
        ("Content-Type", "application/json"),
        ("X-TIMESTAMP", timestamp.as_str()),
        ("X-PARTNER-ID", merchant_id.as_str()),
        ("X-SIGNATURE", signature.as_str()),
    ];
    let value = json!({
        "headers": headers.iter().map(|(k, v)| ((*k).to_owned(), json!(v))).collect::<serde_json::Map<_, _>>(),
        "string_to_sign": masked,
        "secret_chars": secret.chars().count(),
        "body_bytes": body.len(),
    });
    out.result(&value, || {
        let lines: Vec<String> = headers.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        format!(
            "{}\n\nString to sign (timestamp|secret|body; the secret, {} characters, masked):\n{masked}",
            lines.join("\n"),
            secret.chars().count()
        )
    });
    Ok(())
}
