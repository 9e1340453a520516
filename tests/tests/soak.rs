//! Fault-injection soak: many pay-outs, each meeting a random fault (seeded, so a run
//! can be repeated exactly), handled only through the public API — `payout`, then
//! `reconcile_payout` on an unknown outcome. Every order must reach the gateway exactly
//! once, and only connections refused before sending may be retried automatically.
//!
//! Bounded run (scripts/test.sh): 1 000 pay-outs. Longer run:
//! `SMILEPAYZ_SOAK_PAYOUTS=20000 SMILEPAYZ_SOAK_SEED=7 cargo test -p smilepayz-tests --test soak -- --ignored --nocapture`

use smilepayz::{Client, Decimal, Error, IndonesiaPayout, PayoutRequest, Reconciliation, RetryPolicy, UnknownCause};
use smilepayz_testkit::{Endpoint, Fault, MockGateway};
use smilepayz_tests::CapturedLog;
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

const CLIENT_TIMEOUT: Duration = Duration::from_millis(50);
const REFUSAL: Duration = Duration::from_millis(10);

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Injected {
    None,
    Refused,
    Delay,
    ServerError,
    Dropped,
    Malformed,
}

/// xorshift64*: tiny, seeded, reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn fault(&mut self) -> Injected {
        match self.next() % 8 {
            0..=2 => Injected::None,
            3 => Injected::Refused,
            4 => Injected::Delay,
            5 => Injected::ServerError,
            6 => Injected::Dropped,
            _ => Injected::Malformed,
        }
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[derive(Default, Debug)]
struct Figures {
    accepted_first_time: u64,
    unknown: BTreeMap<String, u64>,
    reconciled_pending_or_settled: u64,
    reconciled_not_found_then_resent: u64,
    transport_then_resent: u64,
    reconciliation_asked_again: u64,
}

/// Reconciles as a merchant's job would: an inquiry that got no answer (the 50 ms client
/// timeout on a loaded machine) is a read, so it is asked again a little later.
async fn reconcile(client: &Client, order_no: &str, f: &mut Figures) -> Reconciliation {
    for _ in 0..40 {
        match client.reconcile_payout(order_no).await {
            Ok(answer) => return answer,
            Err(Error::Transport(_) | Error::Protocol(_)) => {
                f.reconciliation_asked_again += 1;
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(other) => panic!("{order_no}: reconciliation failed: {other}"),
        }
    }
    panic!("{order_no}: no reconciliation answer in 40 tries")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "the soak prints its figures; scripts/test.sh runs it with --ignored --nocapture"]
async fn soak_never_pays_twice() {
    let payouts = env_number("SMILEPAYZ_SOAK_PAYOUTS", 1000);
    let seed = env_number("SMILEPAYZ_SOAK_SEED", 20_261_121).max(1);
    let log = CapturedLog::default();
    let sink = log.clone();
    tracing::subscriber::set_global_default(
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::INFO)
            .with_ansi(false)
            .with_writer(move || sink.clone())
            .finish(),
    )
    .expect("first subscriber of this test binary");

    let gateway = MockGateway::start().await.expect("mock");
    let client = gateway
        .client_builder()
        .timeout(CLIENT_TIMEOUT)
        .retry(RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(15),
            max_backoff: Duration::from_millis(30),
        })
        .build()
        .expect("client");
    let mut rng = Rng(seed);
    let mut injected: HashMap<String, Injected> = HashMap::new();
    let mut by_kind: BTreeMap<Injected, u64> = BTreeMap::new();
    let mut f = Figures::default();
    let started = Instant::now();

    for i in 0..payouts {
        let order_no = format!("SOAK{seed:08}{i:08}");
        let request: PayoutRequest =
            IndonesiaPayout::new(order_no.clone(), "Soak", Decimal::from(10_000 + i), "BRI", "78120011629261665")
                .into();
        let fault = rng.fault();
        *by_kind.entry(fault).or_default() += 1;
        injected.insert(order_no.clone(), fault);
        match fault {
            Injected::None => {}
            Injected::Refused => gateway.refuse_connections_for(REFUSAL).await,
            Injected::Delay => gateway.inject(Endpoint::Payout, Fault::Delay(CLIENT_TIMEOUT * 2)),
            Injected::ServerError => gateway.inject(Endpoint::Payout, Fault::ServerErrorAfterAccept),
            Injected::Dropped => gateway.inject(Endpoint::Payout, Fault::DropAfterAccept),
            Injected::Malformed => gateway.inject(Endpoint::Payout, Fault::MalformedAfterAccept),
        }
        let mut outcome = client.payout(&request).await;
        let mut first = true;
        loop {
            match outcome {
                Ok(accepted) => {
                    assert_eq!(accepted.order_no.as_deref(), Some(order_no.as_str()));
                    assert!(
                        matches!(fault, Injected::None | Injected::Refused) || !first,
                        "{order_no}: a fault after acceptance ({fault:?}) was reported as success"
                    );
                    if first {
                        f.accepted_first_time += 1;
                    }
                    break;
                }
                Err(Error::OutcomeUnknown { order_no: unknown, cause }) => {
                    assert_eq!(unknown.as_str(), order_no);
                    // Without a fault only a slow answer (a loaded machine) may be unknown.
                    let key = if fault == Injected::None {
                        assert_eq!(cause, UnknownCause::Timeout, "{order_no}: unknown outcome without a fault");
                        "None (slow answer)".to_owned()
                    } else {
                        format!("{fault:?}")
                    };
                    *f.unknown.entry(key).or_default() += 1;
                    match reconcile(&client, &order_no, &mut f).await {
                        Reconciliation::Pending(_) | Reconciliation::Settled(_) => {
                            assert_ne!(
                                fault,
                                Injected::Refused,
                                "{order_no}: a refused connection reached the gateway"
                            );
                            f.reconciled_pending_or_settled += 1;
                            break;
                        }
                        Reconciliation::NotFound { .. } => {
                            // Only a request that never arrived may be absent; resending is safe.
                            assert_eq!(fault, Injected::Refused, "{order_no}: accepted order not found");
                            f.reconciled_not_found_then_resent += 1;
                            outcome = client.payout(&request).await;
                        }
                    }
                }
                Err(Error::Transport(why)) => {
                    assert_eq!(fault, Injected::Refused, "{order_no}: transport error without refusal: {why}");
                    f.transport_then_resent += 1;
                    tokio::time::sleep(REFUSAL).await;
                    outcome = client.payout(&request).await;
                }
                Err(other) => panic!("{order_no}: unexpected error {other}"),
            }
            first = false;
        }
    }
    let elapsed = started.elapsed();

    let mut duplicates = 0;
    let mut lost = 0;
    for order_no in injected.keys() {
        match gateway.payout_requests_for(order_no) {
            1 => {}
            0 => lost += 1,
            _ => duplicates += 1,
        }
        assert!(gateway.order(order_no).is_some(), "{order_no} missing at the gateway");
    }
    assert_eq!(gateway.orders().len() as u64, payouts);
    let log = log.text();
    let retries: Vec<&str> = log.lines().filter(|l| l.contains("pay-out not sent; retrying")).collect();
    for line in &retries {
        let order =
            line.split("order_no=\"").nth(1).and_then(|r| r.split('"').next()).expect("order_no in retry event");
        assert_eq!(injected.get(order), Some(&Injected::Refused), "automatic retry of {order}, which was not refused");
    }
    let unknown_total: u64 = f.unknown.values().sum();

    println!("soak: seed {seed}, {payouts} pay-outs in {:.1} s", elapsed.as_secs_f64());
    println!("soak: faults injected: {by_kind:?}");
    println!(
        "soak: accepted at first call {}, unknown outcomes {unknown_total} {:?}",
        f.accepted_first_time, f.unknown
    );
    println!(
        "soak: reconciled {} (pending/settled {}, not found then resent {}), transport errors then resent {}, \
         reconciliations asked again after no answer {}",
        f.reconciled_pending_or_settled + f.reconciled_not_found_then_resent,
        f.reconciled_pending_or_settled,
        f.reconciled_not_found_then_resent,
        f.transport_then_resent,
        f.reconciliation_asked_again
    );
    println!(
        "soak: automatic retries {} (all after refused connections), duplicates {duplicates}, lost {lost}",
        retries.len()
    );
    assert_eq!((duplicates, lost), (0, 0));
    assert_eq!(
        f.reconciled_pending_or_settled + f.reconciled_not_found_then_resent,
        unknown_total,
        "every unknown outcome resolved"
    );
}
