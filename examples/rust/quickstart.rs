//! Quick start: one pay-out per region against the loopback mock gateway, callbacks
//! received on a local HTTP endpoint, verified, and confirmed by inquiry.
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
    ColombiaReceiver, Decimal, IndonesiaPayout, IndonesiaReceiver, PayoutRequest, PeruAccountType, PeruIdType,
    PeruPayout, PeruReceiver, PixKeyType, Status, UsdtNetwork, UsdtPayout, VerifiedCallback,
};
use smilepayz_testkit::MockGateway;
use std::convert::Infallible;
use std::error::Error;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::mpsc;

/// A merchant's callback endpoint: verify the signature over the raw body, hand the
/// callback on, answer `SUCCESS`.
async fn start_callback_endpoint(
    verifier: CallbackVerifier,
) -> Result<(String, mpsc::UnboundedReceiver<VerifiedCallback>), Box<dyn Error>> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/smilepayz/callback", listener.local_addr()?);
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (verifier, tx) = (verifier.clone(), tx.clone());
            let service = service_fn(move |req: Request<Incoming>| {
                let (verifier, tx) = (verifier.clone(), tx.clone());
                async move {
                    let headers = req.headers().clone();
                    let body = req.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
                    let answer = match verifier.verify_header_map(&headers, &body) {
                        Ok(callback) => {
                            let _ = tx.send(callback);
                            Response::new(Full::new(Bytes::from_static(ACKNOWLEDGEMENT.as_bytes())))
                        }
                        Err(refused) => {
                            let mut r = Response::new(Full::new(Bytes::from(refused.to_string())));
                            *r.status_mut() = StatusCode::UNAUTHORIZED;
                            r
                        }
                    };
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
    let (callback_url, mut callbacks) = start_callback_endpoint(verifier).await?;

    println!("mock gateway at {}, callbacks to {callback_url}\n", gateway.base_url());
    println!(
        "{:<6} {:<12} {:>10} {:<24} {:<11} {:<10} {:<10}",
        "region", "orderNo", "amount", "tradeNo", "accepted", "callback", "confirmed"
    );
    for request in payouts(&callback_url) {
        let accepted = client.payout(&request).await?;
        let status = if request.region() == smilepayz::Region::Peru { Status::Failed } else { Status::Success };
        gateway.settle(request.order_no(), status).await?;
        let callback = tokio::time::timeout(Duration::from_secs(10), callbacks.recv())
            .await?
            .ok_or("the callback endpoint stopped")?;
        let confirmed = client.confirm_callback(&callback).await?;
        let money = confirmed.money().map(|m| format!("{} {}", m.amount, m.currency)).unwrap_or_default();
        println!(
            "{:<6} {:<12} {:>10} {:<24} {:<11} {:<10} {:<10}",
            request.region(),
            request.order_no(),
            money,
            accepted.trade_no.as_deref().unwrap_or("-"),
            accepted.status.as_ref().map_or("-", |s| s.as_str()),
            callback.notification.status.as_ref().map_or("-", |s| s.as_str()),
            confirmed.status().map_or("-", |s| s.as_str()),
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
