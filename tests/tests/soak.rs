//! Fault-injection soak: many pay-outs, each meeting a random fault (seeded, so a run
//! can be repeated exactly), handled only through the public API — `payout`, then
//! `reconcile_payout` on an unknown outcome. Every order must reach the gateway exactly
//! once, every unknown outcome must be reconciled, reconciliation may find nothing only
//! where the gateway never handled the first request, and only connections refused before
//! sending may be retried automatically. The figures are printed per fault kind before
//! anything is asserted, so a failing run still shows where.
//!
//! Bounded run (scripts/test.sh): 1 000 pay-outs. Longer run:
//! `SMILEPAYZ_SOAK_PAYOUTS=20000 SMILEPAYZ_SOAK_SEED=7 cargo test -p smilepayz-tests --test soak -- --ignored --nocapture`

use smilepayz::{
    CancelToken, Client, Decimal, Error, IndonesiaPayout, PayoutRequest, Reconciliation, RetryPolicy, UnknownCause,
};
use smilepayz_testkit::{Endpoint, Fault, MockGateway, codes};
use smilepayz_tests::CapturedLog;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::time::{Duration, Instant};

const CLIENT_TIMEOUT: Duration = Duration::from_millis(50);
const REFUSAL: Duration = Duration::from_millis(10);
/// The account the balance inquiry before a `CloseIdleKeepAlive` pay-out asks about.
const ACCOUNT: &str = "SOAKACCOUNT1";
/// Time for the client to put the connection of an answer read back into its pool.
const BACK_IN_POOL: Duration = Duration::from_millis(20);
/// When a `CancelInFlight` call is cancelled: after its request is on loopback, well
/// before the held answer (`CLIENT_TIMEOUT * 2`) or the client's timeout.
const CANCEL_AFTER: Duration = Duration::from_millis(10);

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Injected {
    None,
    Refused,
    Delay,
    ServerError,
    Dropped,
    Malformed,
    Redirect307BeforeAccept,
    Redirect308BeforeAccept,
    Redirect307AfterAccept,
    Redirect308AfterAccept,
    ResetDuringUpload,
    Truncated,
    Oversized,
    CloseIdleKeepAlive,
    /// The caller cancels the call before anything is sent.
    CancelBeforeSend,
    /// The caller cancels the call while the gateway holds the answer.
    CancelInFlight,
}

impl Injected {
    const ALL: [Injected; 16] = [
        Injected::None,
        Injected::Refused,
        Injected::Delay,
        Injected::ServerError,
        Injected::Dropped,
        Injected::Malformed,
        Injected::Redirect307BeforeAccept,
        Injected::Redirect308BeforeAccept,
        Injected::Redirect307AfterAccept,
        Injected::Redirect308AfterAccept,
        Injected::ResetDuringUpload,
        Injected::Truncated,
        Injected::Oversized,
        Injected::CloseIdleKeepAlive,
        Injected::CancelBeforeSend,
        Injected::CancelInFlight,
    ];

    fn label(self) -> &'static str {
        match self {
            Injected::None => "none",
            Injected::Refused => "connection refused",
            Injected::Delay => "delay past timeout",
            Injected::ServerError => "HTTP 500",
            Injected::Dropped => "dropped",
            Injected::Malformed => "malformed",
            Injected::Redirect307BeforeAccept => "307 before accept",
            Injected::Redirect308BeforeAccept => "308 before accept",
            Injected::Redirect307AfterAccept => "307 after accept",
            Injected::Redirect308AfterAccept => "308 after accept",
            Injected::ResetDuringUpload => "reset during upload",
            Injected::Truncated => "truncated",
            Injected::Oversized => "oversized",
            Injected::CloseIdleKeepAlive => "dead keep-alive",
            Injected::CancelBeforeSend => "cancel before send",
            Injected::CancelInFlight => "cancel in flight",
        }
    }

    /// The mock's fault for the pay-out, when the fault is the gateway's.
    fn fault(self) -> Option<Fault> {
        match self {
            Injected::None | Injected::Refused | Injected::CloseIdleKeepAlive | Injected::CancelBeforeSend => None,
            Injected::Delay | Injected::CancelInFlight => Some(Fault::Delay(CLIENT_TIMEOUT * 2)),
            Injected::ServerError => Some(Fault::ServerErrorAfterAccept),
            Injected::Dropped => Some(Fault::DropAfterAccept),
            Injected::Malformed => Some(Fault::MalformedAfterAccept),
            Injected::Redirect307BeforeAccept => Some(Fault::RedirectBeforeAccept { status: 307 }),
            Injected::Redirect308BeforeAccept => Some(Fault::RedirectBeforeAccept { status: 308 }),
            Injected::Redirect307AfterAccept => Some(Fault::RedirectAfterAccept { status: 307 }),
            Injected::Redirect308AfterAccept => Some(Fault::RedirectAfterAccept { status: 308 }),
            Injected::ResetDuringUpload => Some(Fault::ResetDuringUpload),
            Injected::Truncated => Some(Fault::TruncatedAfterAccept),
            Injected::Oversized => Some(Fault::OversizedAfterAccept),
        }
    }

    /// The gateway never handles the first request: reconciliation may find no order,
    /// and only then is a resend safe. (A dead kept-alive connection is reset with the
    /// pay-out unread.)
    fn leaves_first_request_unhandled(self) -> bool {
        matches!(
            self,
            Injected::Refused
                | Injected::Redirect307BeforeAccept
                | Injected::Redirect308BeforeAccept
                | Injected::ResetDuringUpload
                | Injected::CloseIdleKeepAlive
                | Injected::CancelBeforeSend
        )
    }

    /// The first call can only succeed when the answer reached the client untouched.
    fn first_call_may_succeed(self) -> bool {
        matches!(self, Injected::None | Injected::Refused)
    }

    /// Whether a call (the first, or a resend, which meets no fault) may end in an unknown
    /// outcome for `cause`. A slow answer on a loaded machine may always time out.
    fn may_be_unknown_by(self, first: bool, cause: &UnknownCause) -> bool {
        match (first, self) {
            _ if *cause == UnknownCause::Timeout => true,
            (false, _) | (true, Injected::None | Injected::CancelBeforeSend) => false,
            // Refusing closes every open connection too: the client may write the pay-out
            // onto its pooled one before it notices.
            (true, Injected::Refused) => matches!(cause, UnknownCause::ConnectionLost(_)),
            (true, _) => true,
        }
    }
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

    /// No fault three times in eighteen, each fault kind once in eighteen.
    fn fault(&mut self) -> Injected {
        match self.next() % 18 {
            0..=2 => Injected::None,
            n => Injected::ALL[usize::try_from(n).expect("below 18") - 2],
        }
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// The figures of one fault kind.
#[derive(Default, Debug)]
struct Row {
    injected: u64,
    accepted_first_time: u64,
    /// Unknown outcomes by `UnknownCause::kind`.
    unknown: BTreeMap<&'static str, u64>,
    reconciled_pending_or_settled: u64,
    reconciled_not_found_then_resent: u64,
    transport_then_resent: u64,
    /// Cancelled while nothing had left (`Error::Aborted`), then sent again.
    aborted_then_resent: u64,
    /// A resend the gateway refused because it already held the order.
    refused_as_duplicate: u64,
    automatic_retries: u64,
    duplicates: u64,
    lost: u64,
    /// Broken promises seen on orders of this kind.
    broken: u64,
}

impl Row {
    fn unknown_total(&self) -> u64 {
        self.unknown.values().sum()
    }

    fn add(&mut self, other: &Row) {
        self.injected += other.injected;
        self.accepted_first_time += other.accepted_first_time;
        for (kind, n) in &other.unknown {
            *self.unknown.entry(kind).or_default() += n;
        }
        self.reconciled_pending_or_settled += other.reconciled_pending_or_settled;
        self.reconciled_not_found_then_resent += other.reconciled_not_found_then_resent;
        self.transport_then_resent += other.transport_then_resent;
        self.aborted_then_resent += other.aborted_then_resent;
        self.refused_as_duplicate += other.refused_as_duplicate;
        self.automatic_retries += other.automatic_retries;
        self.duplicates += other.duplicates;
        self.lost += other.lost;
        self.broken += other.broken;
    }
}

/// Everything the soak counts, and every broken promise it saw (kept until the table
/// is printed).
#[derive(Default)]
struct Soak {
    rows: BTreeMap<Injected, Row>,
    reconciliation_asked_again: u64,
    /// Dead kept-alive set-ups a loaded machine spoilt (the read timed out, or the pooled
    /// connection was not back in the pool in time): the pay-out met no fault.
    keep_alive_setups_missed: u64,
    violations: Vec<String>,
}

impl Soak {
    fn row(&mut self, kind: Injected) -> &mut Row {
        self.rows.entry(kind).or_default()
    }

    /// Records a broken promise on an order of `kind` (`None`: the run as a whole).
    fn violation(&mut self, kind: Option<Injected>, text: String) {
        if let Some(kind) = kind {
            self.row(kind).broken += 1;
        }
        self.violations.push(text);
    }

    fn table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{:<20} {:>8} {:>8} {:>8} {:>8} {:>9} {:>9} {:>9} {:>8} {:>7} {:>5} {:>4} {:>6}  unknown by cause",
            "fault kind",
            "injected",
            "1st ok",
            "unknown",
            "pending/",
            "not found",
            "transport",
            "aborted",
            "refused",
            "auto",
            "dupl",
            "lost",
            "broken"
        );
        let _ = writeln!(
            out,
            "{:<20} {:>8} {:>8} {:>8} {:>8} {:>9} {:>9} {:>9} {:>8} {:>7} {:>5} {:>4} {:>6}",
            "", "", "", "", "settled", "→ resent", "→ resent", "→ resent", "as dupl", "retries", "", "", "promises"
        );
        let mut total = Row::default();
        for kind in Injected::ALL {
            let Some(row) = self.rows.get(&kind) else { continue };
            total.add(row);
            out.push_str(&line(kind.label(), row));
        }
        out.push_str(&line("all", &total));
        out
    }
}

fn line(label: &str, r: &Row) -> String {
    let causes: Vec<String> = r.unknown.iter().map(|(k, n)| format!("{k} {n}")).collect();
    format!(
        "{label:<20} {:>8} {:>8} {:>8} {:>8} {:>9} {:>9} {:>9} {:>8} {:>7} {:>5} {:>4} {:>6}  {}\n",
        r.injected,
        r.accepted_first_time,
        r.unknown_total(),
        r.reconciled_pending_or_settled,
        r.reconciled_not_found_then_resent,
        r.transport_then_resent,
        r.aborted_then_resent,
        r.refused_as_duplicate,
        r.automatic_retries,
        r.duplicates,
        r.lost,
        r.broken,
        causes.join(", ")
    )
}

/// Reconciles as a merchant's job would: an inquiry that got no answer (the 50 ms client
/// timeout on a loaded machine) is a read, so it is asked again a little later.
async fn reconcile(client: &Client, order_no: &str, kind: Injected, soak: &mut Soak) -> Option<Reconciliation> {
    for _ in 0..40 {
        match client.reconcile_payout(order_no).await {
            Ok(answer) => return Some(answer),
            Err(Error::Transport(_) | Error::Protocol(_)) => {
                soak.reconciliation_asked_again += 1;
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(other) => {
                soak.violation(Some(kind), format!("{order_no}: reconciliation failed: {other}"));
                return None;
            }
        }
    }
    soak.violation(Some(kind), format!("{order_no}: no reconciliation answer in 40 tries"));
    None
}

/// Sends one pay-out through `kind` and follows it until the order is at the gateway (or
/// a broken promise ends it).
async fn pay_out(client: &Client, gateway: &MockGateway, request: &PayoutRequest, kind: Injected, soak: &mut Soak) {
    let order_no = request.order_no().to_owned();
    let closed_before = gateway.closed_keep_alive_connections();
    match kind {
        Injected::Refused => gateway.refuse_connections_for(REFUSAL).await,
        Injected::CloseIdleKeepAlive => {
            // A read answered on a connection the gateway then closes; the pay-out, sent
            // next by the same client, goes out on that pooled connection.
            // (If the read times out on a loaded machine, the set-up is missed, counted below.)
            gateway.inject(Endpoint::Balance, Fault::CloseIdleKeepAlive);
            let _ = client.inquire_balance(ACCOUNT).await;
            tokio::time::sleep(BACK_IN_POOL).await;
        }
        _ => {}
    }
    if let Some(fault) = kind.fault() {
        gateway.inject(Endpoint::Payout, fault);
    }
    // The first call's own view of the client, cancelled as `kind` says; resends and
    // reconciliation use the client itself, as a caller that gave up and came back would.
    let token = CancelToken::new();
    match kind {
        Injected::CancelBeforeSend => token.cancel(),
        Injected::CancelInFlight => {
            let later = token.clone();
            tokio::spawn(async move {
                tokio::time::sleep(CANCEL_AFTER).await;
                later.cancel();
            });
        }
        _ => {}
    }
    let mut outcome = client.with_cancel(token).payout(request).await;
    // Whether the fault of `kind` really met this pay-out: a dead kept-alive connection is
    // set up by timing, which a loaded machine can spoil; the pay-out then met nothing.
    let met_fault = kind != Injected::CloseIdleKeepAlive || gateway.closed_keep_alive_connections() > closed_before;
    if !met_fault {
        soak.keep_alive_setups_missed += 1;
    }
    let mut first = true;
    loop {
        match outcome {
            Ok(accepted) => {
                if accepted.order_no.as_deref() != Some(order_no.as_str()) {
                    soak.violation(Some(kind), format!("{order_no}: accepted as {:?}", accepted.order_no));
                }
                if first {
                    soak.row(kind).accepted_first_time += 1;
                    if !kind.first_call_may_succeed() && met_fault {
                        soak.violation(
                            Some(kind),
                            format!("{order_no}: {} reported as success at the first call", kind.label()),
                        );
                    }
                }
                return;
            }
            Err(Error::OutcomeUnknown { order_no: unknown, cause }) => {
                if unknown.as_str() != order_no {
                    soak.violation(Some(kind), format!("{order_no}: unknown outcome names {unknown}"));
                }
                if !kind.may_be_unknown_by(first, &cause) {
                    soak.violation(
                        Some(kind),
                        format!("{order_no}: unknown outcome ({cause}) without a fault that explains it"),
                    );
                }
                *soak.row(kind).unknown.entry(cause.kind()).or_default() += 1;
                match reconcile(client, &order_no, kind, soak).await {
                    Some(Reconciliation::Pending(_) | Reconciliation::Settled(_)) => {
                        if first && kind.leaves_first_request_unhandled() {
                            soak.violation(
                                Some(kind),
                                format!(
                                    "{order_no}: the gateway holds an order whose first request it never handled ({})",
                                    kind.label()
                                ),
                            );
                        }
                        soak.row(kind).reconciled_pending_or_settled += 1;
                        return;
                    }
                    Some(Reconciliation::NotFound { .. }) => {
                        // Only a request that never arrived may be absent; resending is safe.
                        if !(first && kind.leaves_first_request_unhandled()) {
                            soak.violation(
                                Some(kind),
                                format!("{order_no}: accepted order not found ({})", kind.label()),
                            );
                        }
                        soak.row(kind).reconciled_not_found_then_resent += 1;
                        outcome = client.payout(request).await;
                    }
                    None => return,
                }
            }
            Err(Error::Transport(why)) => {
                if kind != Injected::Refused {
                    soak.violation(Some(kind), format!("{order_no}: transport error without refusal: {why}"));
                }
                soak.row(kind).transport_then_resent += 1;
                tokio::time::sleep(REFUSAL).await;
                outcome = client.payout(request).await;
            }
            Err(Error::Aborted(why)) => {
                // Only a cancelled first call may stop, and only while nothing had left.
                if !(first && matches!(kind, Injected::CancelBeforeSend | Injected::CancelInFlight)) {
                    soak.violation(Some(kind), format!("{order_no}: aborted without a cancel: {why}"));
                }
                soak.row(kind).aborted_then_resent += 1;
                outcome = client.payout(request).await;
            }
            Err(Error::Api(api)) if api.code == codes::DUPLICATE_ORDER => {
                soak.row(kind).refused_as_duplicate += 1;
                soak.violation(
                    Some(kind),
                    format!("{order_no}: {}: sent again although the gateway had it ({})", kind.label(), api.message),
                );
                return;
            }
            Err(other) => {
                soak.violation(Some(kind), format!("{order_no}: {}: unexpected error {other}", kind.label()));
                return;
            }
        }
        first = false;
    }
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
    gateway.set_balance(ACCOUNT, "IDR", Decimal::from(1_000_000), Decimal::from(1_000_000));
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
    let mut kind_of: HashMap<String, Injected> = HashMap::new();
    let mut soak = Soak::default();
    let started = Instant::now();

    for i in 0..payouts {
        let order_no = format!("SOAK{seed:08}{i:08}");
        let request: PayoutRequest =
            IndonesiaPayout::new(order_no.clone(), "Soak", Decimal::from(10_000 + i), "BRI", "78120011629261665")
                .into();
        let kind = rng.fault();
        soak.row(kind).injected += 1;
        kind_of.insert(order_no, kind);
        pay_out(&client, &gateway, &request, kind, &mut soak).await;
    }
    let elapsed = started.elapsed();

    for (order_no, kind) in &kind_of {
        match gateway.payout_requests_for(order_no) {
            1 => {}
            0 => soak.row(*kind).lost += 1,
            n => {
                soak.row(*kind).duplicates += 1;
                soak.violation(
                    Some(*kind),
                    format!("{order_no}: the gateway saw the pay-out {n} times ({})", kind.label()),
                );
            }
        }
        if gateway.order(order_no).is_none() {
            soak.violation(Some(*kind), format!("{order_no}: missing at the gateway ({})", kind.label()));
        }
    }
    let orders = gateway.orders().len() as u64;
    if orders != payouts {
        soak.violation(None, format!("the gateway holds {orders} orders for {payouts} pay-outs"));
    }
    let log = log.text();
    for line in log.lines().filter(|l| l.contains("pay-out not sent; retrying")) {
        let order =
            line.split("order_no=\"").nth(1).and_then(|r| r.split('"').next()).expect("order_no in retry event");
        let kind = kind_of.get(order).copied().expect("a soak order");
        soak.row(kind).automatic_retries += 1;
        if kind != Injected::Refused {
            soak.violation(
                Some(kind),
                format!("{order}: automatic retry after {}, not a refused connection", kind.label()),
            );
        }
    }

    let total = soak.rows.values().fold(Row::default(), |mut t, r| {
        t.add(r);
        t
    });
    println!("soak: seed {seed}, {payouts} pay-outs in {:.1} s", elapsed.as_secs_f64());
    print!("{}", soak.table());
    println!(
        "soak: reconciliations asked again after no answer {}; kept-alive connections closed under the next \
         request {} ({} set-ups missed on a loaded machine)",
        soak.reconciliation_asked_again,
        gateway.closed_keep_alive_connections(),
        soak.keep_alive_setups_missed
    );
    println!(
        "soak: unknown outcomes {}, reconciled {}, duplicates {}, lost {}, broken promises {}",
        total.unknown_total(),
        total.reconciled_pending_or_settled + total.reconciled_not_found_then_resent,
        total.duplicates,
        total.lost,
        soak.violations.len()
    );
    for v in soak.violations.iter().take(20) {
        println!("soak: BROKEN {v}");
    }
    if soak.violations.len() > 20 {
        println!("soak: … and {} more", soak.violations.len() - 20);
    }
    assert_eq!((total.duplicates, total.lost), (0, 0), "duplicates and lost orders");
    assert_eq!(
        total.reconciled_pending_or_settled + total.reconciled_not_found_then_resent,
        total.unknown_total(),
        "every unknown outcome resolved"
    );
    assert!(soak.violations.is_empty(), "{} broken promises (listed above)", soak.violations.len());
    let dead_keep_alive = soak.rows.get(&Injected::CloseIdleKeepAlive).map_or(0, |r| r.injected);
    assert!(
        soak.keep_alive_setups_missed * 2 <= dead_keep_alive,
        "the dead kept-alive fault met fewer than half of its pay-outs ({} of {dead_keep_alive} missed)",
        soak.keep_alive_setups_missed
    );
}
