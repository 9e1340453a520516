//! The one-off calls: `payout`, `status`, `balance`, `reconcile`. Each builds a client
//! from the settings, makes one call, and prints the answer.

use crate::args::{BalanceArgs, PayoutArgs, ReconcileArgs, StatusArgs};
use crate::exit::{Exit, Failure};
use crate::input::read_input;
use crate::output::{Output, money};
use crate::replay::reconcile_command;
use crate::settings::Settings;
use crate::signals::Signals;
use serde_json::{Map, Value};
use smilepayz::{Case, PayoutRequest, Reconciliation, StatusQuery};
use smilepayz_interop::answers;

pub(crate) async fn payout(args: &PayoutArgs, out: &mut Output<'_>, signals: &mut Signals) -> Result<(), Failure> {
    let request = request(args)?;
    let client = Settings::gateway(&args.gateway)?.client(&args.gateway)?;
    let order_no = request.order_no().to_owned();
    let unknown = |mut failure: Failure| {
        let command = reconcile_command(&order_no, &args.gateway);
        failure.message.push_str(&format!("\nrun: {command}"));
        failure.fields["reconcile_command"] = command.into();
        failure
    };
    let answer = tokio::select! {
        answer = client.payout(&request) => match answer {
            Ok(answer) => answer,
            Err(e @ smilepayz::Error::OutcomeUnknown { .. }) => return Err(unknown(e.into())),
            Err(e) => return Err(e.into()),
        },
        () = signals.received() => {
            // The request may already be at the gateway: the same rule as any unknown outcome.
            return Err(unknown(Failure::new(
                Exit::OutcomeUnknown,
                "outcome_unknown",
                format!("interrupted while pay-out {order_no} was in flight: its outcome is unknown; do not resend it"),
            )));
        }
    };
    out.result(&answers::payout_response(&answer, Case::Snake), || {
        format!(
            "accepted: orderNo {}, tradeNo {}, status {}, money {}",
            answer.order_no.as_deref().unwrap_or(&order_no),
            answer.trade_no.as_deref().unwrap_or("(none)"),
            answer.status.as_ref().map_or("(none)", |s| s.as_str()),
            money(answer.money.as_ref()),
        )
    });
    Ok(())
}

/// The request from `--request` (either case) or from the field flags (snake_case).
fn request(args: &PayoutArgs) -> Result<PayoutRequest, Failure> {
    let (value, case) = match &args.request {
        Some(path) => {
            let value: Value = serde_json::from_slice(&read_input("--request", path)?)
                .map_err(|e| Failure::input(format!("--request is not JSON: {e}")))?;
            let case = if camel(&value) { Case::Camel } else { Case::Snake };
            (value, case)
        }
        None => (flags(args)?, Case::Snake),
    };
    PayoutRequest::from_json(value, case).map_err(|e| smilepayz::Error::from(e).into())
}

/// True when a key of the top-level object has an upper-case letter (`orderNo`).
fn camel(value: &Value) -> bool {
    value.as_object().is_some_and(|m| m.keys().any(|k| k.chars().any(|c| c.is_ascii_uppercase())))
}

fn flags(args: &PayoutArgs) -> Result<Value, Failure> {
    let mut map = Map::new();
    for (key, value) in [
        ("region", &args.region),
        ("order_no", &args.order_no),
        ("purpose", &args.purpose),
        ("amount", &args.amount),
        ("payment_method", &args.payment_method),
        ("cash_account", &args.cash_account),
        ("callback_url", &args.callback_url),
    ] {
        if let Some(v) = value {
            map.insert(key.to_owned(), Value::String(v.clone()));
        }
    }
    for field in &args.field {
        let (path, text) =
            field.split_once('=').ok_or_else(|| Failure::input(format!("--field {field:?} is not PATH=TEXT")))?;
        put(&mut map, path, text)?;
    }
    Ok(Value::Object(map))
}

/// Sets the dotted `path` to `text`, creating the objects on the way.
fn put(map: &mut Map<String, Value>, path: &str, text: &str) -> Result<(), Failure> {
    let taken = || Failure::input(format!("--field {path}: the field is given twice, or under a text value"));
    match path.split_once('.') {
        _ if path.is_empty() || path.starts_with('.') || path.ends_with('.') => {
            Err(Failure::input(format!("--field {path:?}: not a field path")))
        }
        None if map.contains_key(path) => Err(taken()),
        None => {
            map.insert(path.to_owned(), Value::String(text.to_owned()));
            Ok(())
        }
        Some((head, rest)) => match map.entry(head.to_owned()).or_insert_with(|| Value::Object(Map::new())) {
            Value::Object(inner) => put(inner, rest, text),
            _ => Err(taken()),
        },
    }
}

pub(crate) async fn status(args: &StatusArgs, out: &mut Output<'_>) -> Result<(), Failure> {
    let client = Settings::gateway(&args.gateway)?.client(&args.gateway)?;
    let query = StatusQuery::from_numbers(args.order_no.clone(), args.trade_no.clone())?;
    let answer = client.inquire_status(&query).await?;
    out.result(&answers::status_response(&answer, Case::Snake), || {
        format!(
            "status {}{}: tradeNo {}, money {}, remark {:?}",
            answer.status.as_ref().map_or("(none)", |s| s.as_str()),
            if answer.is_final() { " (final)" } else { " (not final)" },
            answer.trade_no.as_deref().unwrap_or("(none)"),
            money(answer.money.as_ref()),
            answer.remark.as_deref().unwrap_or_default(),
        )
    });
    Ok(())
}

pub(crate) async fn balance(args: &BalanceArgs, out: &mut Output<'_>) -> Result<(), Failure> {
    let client = Settings::gateway(&args.gateway)?.client(&args.gateway)?;
    let answer = client.inquire_balance(&args.account_no).await?;
    out.result(&answers::balance_response(&answer, Case::Snake), || {
        let mut lines = vec![format!("account {}", answer.account_no.as_deref().unwrap_or(&args.account_no))];
        for info in &answer.account_infos {
            let show = |v: &Option<smilepayz::models::BalanceValue>| {
                v.as_ref()
                    .map_or("(none)".to_owned(), |v| format!("{} {}", v.currency.as_deref().unwrap_or(""), v.value))
            };
            lines.push(format!(
                "  {}: {} (available {})",
                info.balance_type.as_deref().unwrap_or("(type?)"),
                show(&info.amount),
                show(&info.available_balance)
            ));
        }
        lines.join("\n")
    });
    Ok(())
}

pub(crate) async fn reconcile(args: &ReconcileArgs, out: &mut Output<'_>) -> Result<(), Failure> {
    let client = Settings::gateway(&args.gateway)?.client(&args.gateway)?;
    let result = client.reconcile_payout(&args.order_no).await?;
    out.result(&answers::reconciliation(&result, Case::Snake), || match &result {
        Reconciliation::Settled(s) => format!(
            "settled: {} is {} (final), tradeNo {}, money {}",
            args.order_no,
            s.status.as_ref().map_or("(none)", |s| s.as_str()),
            s.trade_no.as_deref().unwrap_or("(none)"),
            money(s.money.as_ref())
        ),
        Reconciliation::Pending(s) => format!(
            "pending: {} is {}; the gateway has it. Wait for the callback or ask again; never resend.",
            args.order_no,
            s.status.as_ref().map_or("(none)", |s| s.as_str())
        ),
        Reconciliation::NotFound { code, message } => format!(
            "not found: the gateway has no order {} (code {code}: {message}). If it stays so after a grace period, \
             sending again with the same orderNo is safe.",
            args.order_no
        ),
    });
    Ok(())
}
