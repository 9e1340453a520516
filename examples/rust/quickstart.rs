//! Quick start: one pay-out per region against the loopback mock gateway, callbacks
//! received on a local HTTP endpoint, verified, confirmed by inquiry, booked, then
//! acknowledged.
//!
//! Run: `cargo run -p smilepayz-examples --bin quickstart`

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use smilepayz::callback::ACKNOWLEDGEMENT;
use smilepayz::{
    BrazilPayout, BrazilReceiver, CallbackVerifier, Client, ColombiaAccountType, ColombiaIdType, ColombiaPayout,
    ColombiaReceiver, Decimal, IndonesiaPayout, IndonesiaReceiver, Money, PayoutRequest, PeruAccountType, PeruIdType,
    PeruPayout, PeruReceiver, PixKeyType, Status, UsdtNetwork, UsdtPayout,
};
use smilepayz_testkit::MockGateway;
use std::convert::Infallible;
use std::error::Error;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::mpsc;

/// What the merchant books for a callback: the order, its status and money.
struct Booking {
    order_no: String,
    announced: Option<Status>,
    status: Option<Status>,
    money: Option<Money>,
}

/// What a callback handler answers: verify the signature over the raw body, confirm the
/// claims with the gateway (by the callback's orderNo), book, then acknowledge. A
/// confirmed callback vouches for exactly `orderNo`, `tradeNo`, `status` and `money`.
async fn handle_callback(
    verifier: &CallbackVerifier,
    client: &Client,
    headers: &hyper::HeaderMap,
    body: &[u8],
) -> (StatusCode, String, Option<Booking>) {
    let callback = match verifier.verify_header_map(headers, body) {
        Ok(callback) => callback,
        Err(refused) => return (StatusCode::UNAUTHORIZED, refused.to_string(), None),
    };
    let announced = callback.notification.status.clone();
    let booking = match client.confirm_callback(&callback).await {
        Ok(confirmed) => Booking {
            order_no: confirmed.order_no().to_owned(),
            announced,
            status: confirmed.status().cloned(),
            money: confirmed.money().cloned(),
        },
        // Genuine but old (the gateway has moved on): book the gateway's status.
        Err(smilepayz::Error::StaleCallback(stale)) => Booking {
            order_no: stale.callback.order_no.clone().unwrap_or_default(),
            announced,
            status: stale.gateway_status().cloned(),
            money: stale.inquiry.money.clone(),
        },
        // Forged, altered or replayed under another order: book nothing.
        Err(mismatch @ smilepayz::Error::CallbackMismatch(_)) => {
            return (StatusCode::UNAUTHORIZED, mismatch.to_string(), None);
        }
        // The gateway could not be asked: Smilepayz will send the callback again.
        Err(other) => return (StatusCode::SERVICE_UNAVAILABLE, other.to_string(), None),
    };
    (StatusCode::OK, ACKNOWLEDGEMENT.to_owned(), Some(booking))
}

/// A merchant's callback endpoint on a local port; bookings go to the returned channel.
async fn start_callback_endpoint(
    verifier: CallbackVerifier,
    client: Client,
) -> Result<(String, mpsc::UnboundedReceiver<Booking>), Box<dyn Error>> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/smilepayz/callback", listener.local_addr()?);
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (verifier, client, tx) = (verifier.clone(), client.clone(), tx.clone());
            let service = service_fn(move |req: Request<Incoming>| {
                let (verifier, client, tx) = (verifier.clone(), client.clone(), tx.clone());
                async move {
                    let headers = req.headers().clone();
                    let body = req.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
                    let (status, text, booking) = handle_callback(&verifier, &client, &headers, &body).await;
                    if let Some(booking) = booking {
                        let _ = tx.send(booking);
                    }
                    let mut answer = Response::new(Full::new(Bytes::from(text)));
                    *answer.status_mut() = status;
                    Ok::<_, Infallible>(answer)
                }
            });
            tokio::spawn(http1::Builder::new().serve_connection(TokioIo::new(stream), service));
        }
    });
    Ok((url, rx))
}

fn payouts(callback_url: &str) -> Vec<PayoutRequest> {
    let cb = Some(callback_url.to_owned());
    let mut idr =
        IndonesiaPayout::new("QSIDR000001", "Payroll — Jakarta", Decimal::from(150_000), "BRI", "78120011629261665");
    idr.receiver = Some(IndonesiaReceiver { name: Some("Budi Santoso".into()), account_no: None });
    idr.callback_url = cb.clone();

    let mut pen = PeruPayout::new("QSPEN000001", "Pago a proveedor", Decimal::from(1050), "BCP", "19312345678012");
    pen.cash_account_type = Some(PeruAccountType::Savings);
    pen.cci = "00219300123456780123".into();
    pen.receiver = PeruReceiver {
        name: "José Pérez".into(),
        email: "jose@example.pe".into(),
        phone: "987654321".into(),
        id_type: Some(PeruIdType::Nid),
        id_number: "45678912".into(),
    };
    pen.callback_url = cb.clone();

    let mut cop =
        ColombiaPayout::new("QSCOP000001", "Pago de nómina", Decimal::from(10_000), "BANCOLOMBIA", "12345678901");
    cop.cash_account_type = Some(ColombiaAccountType::Ahorros);
    cop.receiver = ColombiaReceiver {
        name: "Maria Rodriguez Lopez".into(),
        email: "maria@example.co".into(),
        phone: "3001234567".into(),
        id_type: Some(ColombiaIdType::Cc),
        identity: "1234567890".into(),
    };
    cop.callback_url = cb.clone();

    let mut brl = BrazilPayout::new("QSBRL000001", "Reembolso", Decimal::from(5000), PixKeyType::Cpf, "52998224725");
    brl.receiver = Some(BrazilReceiver { tax_number: Some("52998224725".into()), ..BrazilReceiver::default() });
    brl.callback_url = cb.clone();

    let mut usdt = UsdtPayout::new(
        "QSUSDT00001",
        "Treasury transfer",
        Decimal::new(1005, 1),
        UsdtNetwork::Trc20,
        "TS8taf44vwibX7z4vE7aqrA7xVQjzzGKoZ",
    );
    usdt.callback_url = cb;

    vec![idr.into(), pen.into(), cop.into(), brl.into(), usdt.into()]
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let gateway = MockGateway::start().await?;
    let client: Client = gateway.client_builder().build()?;
    let verifier = CallbackVerifier::new(gateway.platform_public_key()).max_age(Duration::from_secs(300));
    let (callback_url, mut bookings) = start_callback_endpoint(verifier, client.clone()).await?;

    println!("mock gateway at {}, callbacks to {callback_url}\n", gateway.base_url());
    println!(
        "{:<6} {:<12} {:>10} {:<24} {:<11} {:<10} {:<10}",
        "region", "orderNo", "amount", "tradeNo", "accepted", "callback", "confirmed"
    );
    for request in payouts(&callback_url) {
        let accepted = client.payout(&request).await?;
        let status = if request.region() == smilepayz::Region::Peru { Status::Failed } else { Status::Success };
        gateway.settle(request.order_no(), status).await?;
        let booking = tokio::time::timeout(Duration::from_secs(10), bookings.recv())
            .await?
            .ok_or("the callback endpoint stopped")?;
        let money = booking.money.as_ref().map(|m| format!("{} {}", m.amount, m.currency)).unwrap_or_default();
        println!(
            "{:<6} {:<12} {:>10} {:<24} {:<11} {:<10} {:<10}",
            request.region(),
            booking.order_no,
            money,
            accepted.trade_no.as_deref().unwrap_or("-"),
            accepted.status.as_ref().map_or("-", |s| s.as_str()),
            booking.announced.as_ref().map_or("-", |s| s.as_str()),
            booking.status.as_ref().map_or("-", |s| s.as_str()),
        );
    }
    let balance = {
        gateway.set_balance("2000124234782342", "IDR", Decimal::from(9_850_000), Decimal::from(9_700_000));
        client.inquire_balance("2000124234782342").await?
    };
    if let Some(info) = balance.account_infos.first() {
        let value = |v: &Option<smilepayz::BalanceValue>| v.as_ref().map(|v| v.value.to_string()).unwrap_or_default();
        println!(
            "\nbalance of {}: {} (available {})",
            balance.account_no.as_deref().unwrap_or("-"),
            value(&info.amount),
            value(&info.available_balance)
        );
    }
    println!("\n5 pay-outs sent, 5 callbacks verified and confirmed by inquiry.");
    gateway.shutdown().await;
    Ok(())
}
