//! The PostgreSQL journal's group commit, on a throwaway cluster: state changes made at
//! once share transactions, yet each stays a compare-and-set under its lease, is
//! committed (seen by another connection) before its caller hears, and fails alone.

#![cfg(feature = "postgres")]
// Helpers here are the test itself: a failed expectation must fail it.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

#[path = "common/cluster.rs"]
mod cluster;
mod common;

use smilepayz_batch::journal::{Change, Claim};
use smilepayz_batch::{AddOptions, Batch, Journal, PostgresJournal, State};
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinSet;

const ROWS: u64 = 200;

/// A connection of its own: what it reads was committed.
async fn observer(url: &str) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(connection);
    client
}

/// Transaction ids handed out so far: one per writing transaction.
async fn xid(c: &tokio_postgres::Client) -> i64 {
    c.query_one("SELECT txid_current()", &[]).await.unwrap().get(0)
}

async fn states(c: &tokio_postgres::Client) -> Vec<(i64, String, i64)> {
    c.query("SELECT row_number, state, send_attempts FROM smilepayz_batch_row_states ORDER BY row_number", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect()
}

fn accepted(message: &str) -> Change {
    Change {
        status: Some("PROCESSING".into()),
        gateway_code: Some("00".into()),
        message: Some(message.into()),
        ..Change::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_state_changes_share_commits_yet_each_is_a_durable_compare_and_set_that_fails_alone() {
    let Some(cluster) = cluster::Cluster::start() else { return };
    let url = cluster.database("groups").await;
    let journal = Arc::new(PostgresJournal::connect(&url, "w1").await.unwrap());
    let batch = Batch::open_shared(journal.clone(), "groups").await.unwrap();
    let rows = (1..=ROWS + 10).map(|i| common::idr(Some(&format!("GROUP{i:05}")), "10000"));
    batch.add(rows, AddOptions::default()).await.unwrap();
    let long = Duration::from_secs(600);
    let claimed = journal.claim("groups", Claim { state: State::Pending, after_row: 0, limit: 200, lease: long });
    assert_eq!(claimed.await.unwrap().len(), 200);
    let short = Claim { state: State::Pending, after_row: ROWS, limit: 10, lease: Duration::from_millis(1) };
    assert_eq!(journal.claim("groups", short).await.unwrap().len(), 10);
    let db = observer(&url).await;

    // 200 intents at once: each answered true and committed, in far fewer transactions.
    let before = xid(&db).await;
    let mut calls = JoinSet::new();
    let renewal = Duration::from_secs(900);
    for row in 1..=ROWS {
        let journal = journal.clone();
        calls.spawn(async move { (row, journal.mark_sending("groups", row, renewal).await) });
    }
    while let Some(done) = calls.join_next().await {
        let (row, outcome) = done.unwrap();
        assert!(outcome.unwrap(), "row {row}");
    }
    let transactions = xid(&db).await - before - 1;
    println!("200 intents at once: {transactions} transactions");
    assert!((1..=50).contains(&transactions), "{transactions} transactions for 200 intents: not grouped");
    let seen = states(&db).await;
    assert!(seen[..200].iter().all(|(_, s, n)| s == "sending" && *n == 1), "{:?}", &seen[..3]);
    // Each intent renewed its claim (600 s from the claim) for the 900 s it was given,
    // from the intent on.
    let renewed: i64 = db
        .query_one(
            "SELECT min(lease_until_ms - sent_at_ms) FROM smilepayz_batch_row_states WHERE state = 'sending'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(renewed, 900_000, "lease_until_ms = sent_at_ms + the lease");

    // An expired lease, another worker's claim, a row not in the expected state: false.
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert!(!journal.mark_sending("groups", ROWS + 1, long).await.unwrap(), "the lease has expired");
    let other = PostgresJournal::connect(&url, "w2").await.unwrap();
    let fresh = Claim { state: State::Pending, after_row: ROWS, limit: 1, lease: long };
    assert_eq!(other.claim("groups", fresh).await.unwrap()[0].row_number, ROWS + 1, "the expired claim is taken over");
    assert!(!journal.mark_sending("groups", ROWS + 1, long).await.unwrap(), "w2 holds it now");
    assert!(other.mark_sending("groups", ROWS + 1, long).await.unwrap());

    // 100 outcomes at once, one of them one PostgreSQL refuses (a constraint the test
    // adds), one from a state the row is not in, and one row changed twice (one wins).
    // A NUL byte, which TEXT cannot hold, is stored as U+FFFD instead of failing.
    db.batch_execute(
        "ALTER TABLE smilepayz_batch_row_states ADD CONSTRAINT refused_by_the_test CHECK (message IS DISTINCT FROM 'refused')",
    )
    .await
    .unwrap();
    let mut calls = JoinSet::new();
    for row in 1..=100 {
        let journal = journal.clone();
        let message = match row {
            50 => "refused",
            49 => "odd\0answer",
            _ => "accepted",
        };
        calls.spawn(async move {
            (row, journal.change("groups", row, (State::Sending, State::Accepted), accepted(message)).await)
        });
    }
    for (row, from) in [(101, State::Pending), (102, State::Sending), (102, State::Sending)] {
        let journal = journal.clone();
        calls.spawn(
            async move { (row, journal.change("groups", row, (from, State::Rejected), Change::default()).await) },
        );
    }
    let mut twice = Vec::new();
    while let Some(done) = calls.join_next().await {
        match done.unwrap() {
            (50, outcome) => {
                let e = outcome.expect_err("PostgreSQL refuses the change");
                assert!(e.to_string().contains("PostgreSQL"), "{e}");
            }
            (101, outcome) => assert!(!outcome.unwrap(), "row 101 is sending, not pending"),
            (102, outcome) => twice.push(outcome.unwrap()),
            (row, outcome) => assert!(outcome.unwrap(), "row {row}"),
        }
    }
    twice.sort_unstable();
    assert_eq!(twice, [false, true], "one of two changes from the same state wins");
    let seen = states(&db).await;
    for (row, state, _) in &seen[..102] {
        let expected = match row {
            50 | 101 => "sending",
            102 => "rejected",
            _ => "accepted",
        };
        assert_eq!(state, expected, "row {row}");
    }
    let kept: String =
        db.query_one("SELECT message FROM smilepayz_batch_row_states WHERE row_number = 49", &[]).await.unwrap().get(0);
    assert_eq!(kept, "odd\u{FFFD}answer");
    assert_eq!(seen[200].1, "sending", "row 201, sent by w2");
    assert!(seen[201..].iter().all(|(_, s, _)| s == "pending"));
}

/// Index entries read so far on the journal's tables, once the counts have settled
/// (other backends report theirs when they end).
async fn index_reads_settled(c: &tokio_postgres::Client, before: i64) -> i64 {
    let mut last = before;
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        c.batch_execute("SELECT pg_stat_clear_snapshot()").await.unwrap();
        let now: i64 = c
            .query_one(
                "SELECT COALESCE(sum(idx_tup_read), 0)::bigint FROM pg_stat_user_indexes WHERE relname LIKE 'smilepayz_batch_row%'",
                &[],
            )
            .await
            .unwrap()
            .get(0);
        if now != before && now == last {
            return now;
        }
        last = now;
    }
    panic!("the index counts did not settle");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_the_statistics_have_not_seen_is_claimed_and_read_within_its_key_range() {
    let Some(cluster) = cluster::Cluster::start() else { return };
    let url = cluster.database("unseen").await;
    let journal = Arc::new(PostgresJournal::connect(&url, "w1").await.unwrap());
    let db = observer(&url).await;
    // Statistics that know one batch and, autovacuum off, never learn of the next: the
    // planner then takes the new batch for a single row.
    db.batch_execute(
        "ALTER TABLE smilepayz_batch_row_states SET (autovacuum_enabled = off);
         ALTER TABLE smilepayz_batch_rows SET (autovacuum_enabled = off)",
    )
    .await
    .unwrap();
    const ROWS: u64 = 3_000;
    for batch_id in ["SEEN", "UNSEEN"] {
        let batch = Batch::open_shared(journal.clone(), batch_id).await.unwrap();
        let rows = (1..=ROWS).map(|i| common::idr(Some(&format!("{batch_id}{i:05}")), "10000"));
        batch.add(rows, AddOptions::default()).await.unwrap();
        if batch_id == "SEEN" {
            db.batch_execute("ANALYZE smilepayz_batch_row_states, smilepayz_batch_rows").await.unwrap();
        }
    }
    let before = index_reads_settled(&db, -1).await;
    let (mut after_row, mut claimed) = (0, 0);
    loop {
        let claim = Claim { state: State::Pending, after_row, limit: 100, lease: Duration::from_secs(600) };
        let rows = journal.claim("UNSEEN", claim).await.unwrap();
        let Some(last) = rows.last() else { break };
        assert!(rows.iter().all(|r| r.state == State::Pending && r.order_no.starts_with("UNSEEN")));
        (after_row, claimed) = (last.row_number, claimed + rows.len() as u64);
    }
    assert_eq!(claimed, ROWS);
    let mut read = 0;
    let mut after_row = 0;
    while let Some(last) = journal.rows("UNSEEN", after_row, 1_000).await.unwrap().last() {
        (after_row, read) = (last.row_number, read + 1);
    }
    assert_eq!((read, after_row), (3, ROWS), "three pages");
    let found = journal.find("UNSEEN", "UNSEEN01234").await.unwrap().expect("found by its order number");
    assert_eq!(found.row_number, 1_234);
    drop(journal);
    let entries = index_reads_settled(&db, before).await - before;
    println!(
        "a {ROWS}-row batch unknown to the statistics: {entries} index entries read for 30 claims, 3 pages and a find"
    );
    // Within the key ranges: a few entries per row. A join planned for one row reads the
    // whole batch for each row instead (millions).
    assert!(entries < 20 * ROWS as i64, "{entries} index entries read");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_adds_to_one_batch_from_two_workers_take_turns() {
    let Some(cluster) = cluster::Cluster::start() else { return };
    let url = cluster.database("turns").await;
    let open =
        async |worker| Batch::open(PostgresJournal::connect(&url, worker).await.unwrap(), "turns").await.unwrap();
    common::a_second_add_waits_for_the_first(open("w1").await, open("w2").await).await;
}
