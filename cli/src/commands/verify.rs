//! `smilepayz verify-callback`: a saved callback in, a verdict out naming the check that
//! failed; with `--confirm`, the gateway is asked whether its claims hold.

use crate::args::VerifyArgs;
use crate::exit::Failure;
use crate::input::{parse_headers, parse_request, read_input};
use crate::output::{Output, money, status};
use crate::settings::{Settings, platform_key};
use serde_json::json;
use smilepayz::{CallbackVerifier, Case, Error};
use smilepayz_interop::answers;
use std::time::Duration;

pub(crate) async fn run(args: &VerifyArgs, out: &mut Output<'_>) -> Result<(), Failure> {
    let (headers, body) = match (&args.request, &args.headers, &args.body) {
        (Some(request), _, _) => parse_request(&read_input("--request", request)?)?,
        (None, Some(headers), Some(body)) => {
            let (headers, _) = parse_headers(&read_input("--headers", headers)?, "--headers")?;
            (headers, read_input("--body", body)?)
        }
        // clap requires --request, or --headers with --body.
        _ => return Err(Failure::input("give --request FILE, or --headers FILE and --body FILE")),
    };
    let mut verifier = CallbackVerifier::new(platform_key(args.platform_public_key_file.as_deref())?);
    if let Some(secs) = args.max_age_secs {
        verifier = verifier.max_age(Duration::from_secs(secs));
    }
    let client = if args.confirm {
        let settings = Settings::gateway(&args.gateway)?;
        Some(settings.client(&args.gateway)?)
    } else {
        None
    };
    let verified = verifier.verify(headers, &body).map_err(|e| refused(Error::Signature(e)))?;
    let shown = answers::verified_callback(&verified, Case::Snake);
    let n = &verified.notification;
    let summary = format!(
        "tradeNo {}, orderNo {}, status {}, money {}",
        n.trade_no,
        n.order_no.as_deref().unwrap_or("(none)"),
        status(n.status.as_ref()),
        money(n.money.as_ref())
    );
    let Some(client) = client else {
        out.result(&json!({ "verdict": "verified", "callback": shown }), || {
            format!(
                "verified: the signature over tradeNo|X-TIMESTAMP holds ({summary}).\n\
                 Only tradeNo is signed: status and money are claims until confirmed (--confirm)."
            )
        });
        return Ok(());
    };
    match client.confirm_callback(&verified).await {
        Ok(confirmed) => {
            let value =
                json!({ "verdict": "confirmed", "confirmed": answers::confirmed_callback(&confirmed, Case::Snake) });
            out.result(&value, || {
                format!("confirmed: the gateway agrees ({summary}). Book it idempotently, answer 200 SUCCESS.")
            });
            Ok(())
        }
        Err(Error::StaleCallback(stale)) => {
            let gateway = status(stale.gateway_status());
            let value = json!({ "verdict": "stale", "announced_status": status(stale.announced_status()), "gateway_status": gateway, "callback": shown });
            out.result(&value, || {
                format!("stale: genuine, but the gateway has moved on to {gateway} ({summary}). Book {gateway}, answer 200 SUCCESS.")
            });
            Ok(())
        }
        Err(e) => Err(refused(e)),
    }
}

/// A refusal, worded as a verdict naming the failed check.
fn refused(error: Error) -> Failure {
    let check = match &error {
        Error::Signature(s) => Some(s.kind()),
        Error::CallbackMismatch(_) => Some("mismatch"),
        _ => None,
    };
    let mut failure = Failure::from(error);
    if let Some(check) = check {
        failure.message = format!("refused ({check}): {}", failure.message);
        failure.fields["verdict"] = json!("refused");
    }
    failure
}
