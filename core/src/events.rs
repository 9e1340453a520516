//! What the SDK tells the application about every call: one event model, delivered to
//! `tracing` (target `smilepayz::event`) and to a listener the application sets on a
//! [`Client`](crate::Client) or a [`CallbackVerifier`](crate::CallbackVerifier). The
//! bindings forward the same events to Python's `logging` and Node's
//! `diagnostics_channel`.
//!
//! No event carries the merchant secret, key material, a request or answer body, or a
//! beneficiary account in full: accounts appear only through [`mask_account`].

use crate::described::described_variants;
use serde::Serialize;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

/// Receives every event; called on the thread that made the call, so it must be quick.
/// A listener that panics is contained: the call it observed goes on unaffected.
pub type EventListener = Arc<dyn Fn(&Event) + Send + Sync>;

/// Which gateway endpoint a request went to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Endpoint {
    /// `POST /v2.0/disbursement/pay-out`
    Payout,
    /// `POST /v2.0/inquiry-status`
    Status,
    /// `POST /v2.0/inquiry-balance`
    Balance,
}

impl Endpoint {
    /// Every endpoint.
    pub const ALL: [Endpoint; 3] = [Endpoint::Payout, Endpoint::Status, Endpoint::Balance];

    /// The name used in events: `payout`, `status` or `balance`.
    pub fn as_str(self) -> &'static str {
        match self {
            Endpoint::Payout => "payout",
            Endpoint::Status => "status",
            Endpoint::Balance => "balance",
        }
    }
}

#[cfg(feature = "describe")]
impl crate::describe::Describe for Endpoint {
    fn ty() -> crate::describe::Ty {
        crate::describe::Ty::Choice(crate::describe::ChoiceSet {
            name: "EventEndpoint",
            doc: "Where a request went.".into(),
            values: Endpoint::ALL.iter().map(|e| (e.as_str(), String::new())).collect(),
        })
    }
}

described_variants! {
    /// One thing that happened during a call. Serialised (serde) with an `event` tag holding
    /// [`Event::name`] and snake_case fields; optional fields that are absent are left out.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize)]
    #[serde(tag = "event", rename_all = "snake_case")]
    #[non_exhaustive]
    pub enum Event {
        /// A request is about to be sent (once per attempt).
        Request {
            /// Where it goes.
            endpoint: Endpoint,
            /// The order it concerns, when it names one.
            #[serde(skip_serializing_if = "Option::is_none")]
            order_no: Option<String>,
            /// The gateway's trade number, for a status inquiry by trade number.
            #[serde(skip_serializing_if = "Option::is_none")]
            trade_no: Option<String>,
            /// 1 for the first attempt.
            attempt: u32,
            /// A pay-out's beneficiary account, masked by [`mask_account`].
            #[serde(skip_serializing_if = "Option::is_none")]
            account: Option<String>,
        },
        /// An HTTP answer came back (whatever it says).
        Response {
            /// Where the request went.
            endpoint: Endpoint,
            /// The order it concerns, when it names one.
            #[serde(skip_serializing_if = "Option::is_none")]
            order_no: Option<String>,
            /// The attempt this answers.
            attempt: u32,
            /// The HTTP status.
            http_status: u16,
            /// The gateway's `code`, when the answer carried a readable one.
            #[serde(skip_serializing_if = "Option::is_none")]
            gateway_code: Option<String>,
            /// From just before sending to the last byte of the answer.
            elapsed_ms: u64,
        },
        /// A request will be sent again after `delay_ms`.
        Retry {
            /// Where it goes.
            endpoint: Endpoint,
            /// The order it concerns, when it names one.
            #[serde(skip_serializing_if = "Option::is_none")]
            order_no: Option<String>,
            /// The attempt that failed.
            attempt: u32,
            /// Why: for a pay-out always a connection that was never made.
            reason: String,
            /// The wait before the next attempt.
            delay_ms: u64,
        },
        /// A pay-out may have reached the gateway and its outcome is unknown: reconcile it.
        OutcomeUnknown {
            /// The pay-out's order number.
            order_no: String,
            /// [`UnknownCause::kind`](crate::error::UnknownCause::kind), e.g. `timeout`.
            cause: &'static str,
        },
        /// A callback's signature verified.
        CallbackVerified {
            /// The callback's order number (not covered by the signature).
            order_no: String,
            /// The signed trade number.
            trade_no: String,
            /// The status the callback claims (not covered by the signature).
            status: String,
        },
        /// A callback was refused.
        CallbackRefused {
            /// [`SignatureError::kind`](crate::callback::SignatureError::kind): which check
            /// failed, e.g. `bad_signature` or `too_old`.
            check: &'static str,
        },
        /// The gateway confirmed a callback's order, trade number, status and money.
        CallbackConfirmed {
            /// The confirmed order number.
            order_no: String,
            /// The confirmed trade number.
            trade_no: String,
            /// The confirmed status.
            status: String,
        },
        /// The gateway contradicted a callback (or has moved past its status).
        CallbackMismatch {
            /// The callback's order number.
            order_no: String,
            /// The first field that differed, e.g. `status` or `money.amount`.
            field: &'static str,
            /// True when the callback is genuine but old (`StaleCallback`), false when it is
            /// contradicted (`CallbackMismatch`).
            stale: bool,
        },
    }
}

impl Event {
    /// The event's name: `request`, `response`, `retry`, `outcome_unknown`,
    /// `callback_verified`, `callback_refused`, `callback_confirmed` or `callback_mismatch`.
    pub fn name(&self) -> &'static str {
        match self {
            Event::Request { .. } => "request",
            Event::Response { .. } => "response",
            Event::Retry { .. } => "retry",
            Event::OutcomeUnknown { .. } => "outcome_unknown",
            Event::CallbackVerified { .. } => "callback_verified",
            Event::CallbackRefused { .. } => "callback_refused",
            Event::CallbackConfirmed { .. } => "callback_confirmed",
            Event::CallbackMismatch { .. } => "callback_mismatch",
        }
    }

    /// Every event name, for bindings that register one channel or logger per event.
    pub const NAMES: [&'static str; 8] = [
        "request",
        "response",
        "retry",
        "outcome_unknown",
        "callback_verified",
        "callback_refused",
        "callback_confirmed",
        "callback_mismatch",
    ];
}

/// An account number as events show it: the last four characters after `****`, or only
/// `****` when it has eight characters or fewer (then four would be half of it).
pub fn mask_account(account: &str) -> String {
    let chars: Vec<char> = account.chars().collect();
    if chars.len() <= 8 {
        return "****".to_owned();
    }
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("****{tail}")
}

/// Where a client's or verifier's events go: always `tracing`, and the listener if set.
#[derive(Clone, Default)]
pub(crate) struct Emitter {
    listener: Option<EventListener>,
}

impl fmt::Debug for Emitter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.listener.is_some() { "Emitter(listener)" } else { "Emitter(tracing only)" })
    }
}

impl Emitter {
    pub(crate) fn new(listener: Option<EventListener>) -> Self {
        Self { listener }
    }

    pub(crate) fn emit(&self, event: Event) {
        trace(&event);
        if let Some(listener) = &self.listener {
            // An application's bug in its listener must not turn a sent pay-out into an
            // error, nor unwind through the SDK.
            let _ = catch_unwind(AssertUnwindSafe(|| listener(&event)));
        }
    }
}

fn trace(event: &Event) {
    let name = event.name();
    match event {
        Event::Request { endpoint, order_no, trade_no, attempt, account } => tracing::debug!(
            target: "smilepayz::event", event = name, endpoint = endpoint.as_str(), order_no, trade_no, attempt, account
        ),
        Event::Response { endpoint, order_no, attempt, http_status, gateway_code, elapsed_ms } => tracing::info!(
            target: "smilepayz::event", event = name, endpoint = endpoint.as_str(), order_no, attempt, http_status,
            gateway_code, elapsed_ms
        ),
        Event::Retry { endpoint, order_no, attempt, reason, delay_ms } => tracing::info!(
            target: "smilepayz::event", event = name, endpoint = endpoint.as_str(), order_no, attempt, reason, delay_ms
        ),
        Event::OutcomeUnknown { order_no, cause } => {
            tracing::warn!(target: "smilepayz::event", event = name, order_no, cause);
        }
        Event::CallbackVerified { order_no, trade_no, status }
        | Event::CallbackConfirmed { order_no, trade_no, status } => {
            tracing::info!(target: "smilepayz::event", event = name, order_no, trade_no, status);
        }
        Event::CallbackRefused { check } => tracing::warn!(target: "smilepayz::event", event = name, check),
        Event::CallbackMismatch { order_no, field, stale } => {
            tracing::warn!(target: "smilepayz::event", event = name, order_no, field, stale);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn accounts_show_at_most_their_last_four_characters() {
        assert_eq!(mask_account("78120011629261665"), "****1665");
        assert_eq!(mask_account("ana.souza@example.com.br"), "****m.br");
        assert_eq!(mask_account("12345678"), "****");
        assert_eq!(mask_account(""), "****");
        assert_eq!(mask_account("José Pérez 1234"), "****1234");
    }

    #[test]
    fn names_cover_every_event_and_match_the_serde_tag() {
        let samples = [
            Event::Request { endpoint: Endpoint::Payout, order_no: None, trade_no: None, attempt: 1, account: None },
            Event::Response {
                endpoint: Endpoint::Status,
                order_no: None,
                attempt: 1,
                http_status: 200,
                gateway_code: None,
                elapsed_ms: 1,
            },
            Event::Retry { endpoint: Endpoint::Balance, order_no: None, attempt: 1, reason: "r".into(), delay_ms: 0 },
            Event::OutcomeUnknown { order_no: "ORDER1".into(), cause: "timeout" },
            Event::CallbackVerified { order_no: "O".into(), trade_no: "T".into(), status: "SUCCESS".into() },
            Event::CallbackRefused { check: "bad_signature" },
            Event::CallbackConfirmed { order_no: "O".into(), trade_no: "T".into(), status: "SUCCESS".into() },
            Event::CallbackMismatch { order_no: "O".into(), field: "status", stale: false },
        ];
        let names: Vec<&str> = samples.iter().map(Event::name).collect();
        assert_eq!(names, Event::NAMES);
        for event in &samples {
            let json = serde_json::to_value(event).expect("serialises");
            assert_eq!(json["event"], event.name());
        }
        #[cfg(feature = "describe")]
        described_variants_are_what_serde_writes(&samples);
    }

    /// The typings are generated from `Event::variants()`: every field it lists is one
    /// serde writes (absent only when optional), and serde writes no other.
    #[cfg(feature = "describe")]
    fn described_variants_are_what_serde_writes(samples: &[Event]) {
        use crate::describe::Ty;
        let variants = Event::variants();
        assert_eq!(variants.len(), samples.len());
        for (record, event) in variants.iter().zip(samples) {
            let json = serde_json::to_value(event).expect("serialises");
            let written: Vec<&String> = json.as_object().expect("an object").keys().filter(|k| *k != "event").collect();
            for key in &written {
                assert!(
                    record.fields.iter().any(|f| f.name == key.as_str()),
                    "{}: {key} is not described",
                    record.name
                );
            }
            for f in &record.fields {
                let optional = matches!(f.ty, Ty::Option(_));
                assert!(
                    optional || json.get(f.name).is_some(),
                    "{}.{} is described but not written",
                    record.name,
                    f.name
                );
            }
        }
    }

    #[test]
    fn a_panicking_listener_is_contained_and_later_events_still_arrive() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        let emitter = Emitter::new(Some(Arc::new(move |e: &Event| {
            log.lock().expect("lock").push(e.name());
            if matches!(e, Event::CallbackRefused { .. }) {
                panic!("listener bug");
            }
        })));
        emitter.emit(Event::CallbackRefused { check: "bad_signature" });
        emitter.emit(Event::OutcomeUnknown { order_no: "ORDER1".into(), cause: "timeout" });
        assert_eq!(*seen.lock().expect("lock"), ["callback_refused", "outcome_unknown"]);
    }
}
