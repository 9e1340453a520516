//! Rows shared by the batch tests: valid requests of tests/vectors/requests.json, in the
//! snake_case mapping form, with their own order numbers.

#![allow(dead_code, unreachable_pub)]

use serde_json::{Value, json};

/// An Indonesian pay-out of `amount` rupiah.
pub fn idr(order_no: Option<&str>, amount: &str) -> Value {
    let mut row = json!({"region": "IDR", "purpose": "Payroll", "amount": amount,
        "payment_method": "BRI", "cash_account": "78120011629261665"});
    if let Some(o) = order_no {
        row["order_no"] = json!(o);
    }
    row
}

/// A Peruvian pay-out of `amount` céntimos.
pub fn pen(order_no: &str, amount: &str) -> Value {
    json!({"region": "PEN", "order_no": order_no, "purpose": "Pago a proveedor", "amount": amount,
        "payment_method": "BCP", "cash_account": "19312345678012", "cash_account_type": "SAVINGS",
        "cci": "00219300123456780123", "receiver": {"email": "jose.perez@example.pe", "id_number": "45678912",
        "id_type": "NID", "name": "José Pérez", "phone": "987654321"}})
}

/// A USDT pay-out of `amount`.
pub fn usdt(order_no: &str, amount: &str) -> Value {
    json!({"region": "USDT", "order_no": order_no, "purpose": "Treasury", "amount": amount,
        "cash_account": "TS8taf44vwibX7z4vE7aqrA7xVQjzzGKoZ", "network": "TRC20"})
}

/// `n` Indonesian rows as JSON Lines, orderNos derived (none given), amounts 10000 + i.
pub fn json_lines(n: u64) -> String {
    (1..=n).map(|i| format!("{}\n", idr(None, &(10_000 + i).to_string()))).collect()
}

/// Two adds to one batch at once, through `first` and `second` (two `Batch`es on one
/// journal, or on two connections to it). The first stages a full chunk (500 rows), then
/// stalls before its last row, which is invalid; the second, valid, must wait for it
/// (else it could publish the first's staged rows, or remove them). In the end the batch
/// holds the second's rows alone.
pub async fn a_second_add_waits_for_the_first<J: smilepayz_batch::Journal>(
    first: smilepayz_batch::Batch<J>,
    second: smilepayz_batch::Batch<J>,
) {
    use smilepayz_batch::{AddOptions, BatchError};
    use std::time::Duration;
    let (stalled, stalls) = tokio::sync::oneshot::channel::<()>();
    let (go, waiting) = std::sync::mpsc::channel::<()>();
    let mut stalled = Some(stalled);
    let rows = (1..=501u64).map(move |i| {
        if i < 501 {
            return idr(Some(&format!("FIRST{i:05}")), "10000");
        }
        if let Some(stalled) = stalled.take() {
            let _ = stalled.send(());
        }
        tokio::task::block_in_place(|| waiting.recv().ok());
        idr(Some("FIRST00501"), "not an amount")
    });
    let first = tokio::spawn(async move { first.add(rows, AddOptions::default()).await });
    stalls.await.expect("the first add staged its first chunk");
    let second = tokio::spawn(async move {
        let rows = (1..=10).map(|i| idr(Some(&format!("SECOND{i:05}")), "20000"));
        let added = second.add(rows, AddOptions::default()).await;
        (added, second)
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!second.is_finished(), "the second add ran while the first was adding");
    go.send(()).unwrap();
    let refused = first.await.unwrap().expect_err("the first input has an invalid row");
    assert!(matches!(refused, BatchError::InvalidRows(ref rows) if rows[0].row_number == 501), "{refused}");
    let (added, second) = second.await.unwrap();
    assert_eq!(added.expect("the second input is valid").added, 10);
    let report = second.report().await.unwrap();
    let order_nos: Vec<&str> = report.rows.iter().map(|r| r.order_no.as_str()).collect();
    assert_eq!(order_nos, (1..=10).map(|i| format!("SECOND{i:05}")).collect::<Vec<_>>());
    assert_eq!(report.count(smilepayz_batch::State::Pending), 10);
}
