//! Rows per second against the in-process mock gateway: a plain `Client` loop without a
//! journal, then the same rows through the batch runner on the SQLite journal (and on
//! PostgreSQL when `SMILEPAYZ_BATCH_BENCH_PG_URL` names a database). Numbers, not a
//! test. `cargo run -p smilepayz-batch --example throughput -- [ROWS] [IN_FLIGHT]`
//! (defaults 10000 and 64; debug builds sign several times slower than release).

use serde_json::json;
use smilepayz::{Case, Client, PayoutRequest};
use smilepayz_batch::{AddOptions, Batch, Journal, PostgresJournal, RunOptions, SqliteJournal};
use smilepayz_testkit::MockGateway;
use std::time::Instant;
use tokio::task::JoinSet;

fn row(prefix: &str, i: u64) -> serde_json::Value {
    json!({"region": "IDR", "order_no": format!("{prefix}{i:08}"), "purpose": "Payroll", "amount": "150000",
        "payment_method": "BRI", "cash_account": "78120011629261665"})
}

async fn plain(client: &Client, rows: u64, in_flight: usize) -> Result<f64, Box<dyn std::error::Error>> {
    let started = Instant::now();
    let mut tasks = JoinSet::new();
    for i in 0..rows {
        if tasks.len() >= in_flight
            && let Some(done) = tasks.join_next().await
        {
            done??;
        }
        let client = client.clone();
        let request = PayoutRequest::from_json(row("PLAIN", i), Case::Snake)?;
        tasks.spawn(async move { client.payout(&request).await.map(drop) });
    }
    while let Some(done) = tasks.join_next().await {
        done??;
    }
    Ok(rows as f64 / started.elapsed().as_secs_f64())
}

async fn journaled<J: Journal>(
    journal: J,
    client: &Client,
    prefix: &str,
    rows: u64,
    in_flight: usize,
) -> Result<f64, Box<dyn std::error::Error>> {
    let batch = Batch::open(journal, prefix).await?;
    batch.add((0..rows).map(|i| row(prefix, i)), AddOptions::default()).await?;
    let started = Instant::now();
    let options = RunOptions { concurrency: in_flight, ..RunOptions::default() };
    let summary = batch.run(client, options).await?;
    assert!(summary.is_finished() && summary.sent == rows, "{summary:?}");
    Ok(rows as f64 / started.elapsed().as_secs_f64())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let rows: u64 = args.next().map_or(Ok(10_000), |a| a.parse())?;
    let in_flight: usize = args.next().map_or(Ok(64), |a| a.parse())?;
    let gateway = MockGateway::start().await?;
    let client = gateway.client_builder().build()?;
    let base = plain(&client, rows, in_flight).await?;
    println!("plain Client loop:       {base:8.0} rows/s ({rows} rows, {in_flight} in flight)");
    let dir = tempfile::tempdir()?;
    let sqlite =
        journaled(SqliteJournal::open(dir.path().join("bench.db"))?, &client, "SQLITE", rows, in_flight).await?;
    println!("batch, SQLite journal:   {sqlite:8.0} rows/s ({:.2}x)", sqlite / base);
    if let Ok(url) = std::env::var("SMILEPAYZ_BATCH_BENCH_PG_URL") {
        // A database may keep earlier runs: this run's own batch id and orderNos.
        let run = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs() % 1_000_000;
        let prefix = format!("PG{run:06}");
        let pg = journaled(PostgresJournal::connect(&url, "bench").await?, &client, &prefix, rows, in_flight).await?;
        println!("batch, PostgreSQL:       {pg:8.0} rows/s ({:.2}x)", pg / base);
    }
    Ok(())
}
