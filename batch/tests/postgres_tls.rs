//! The PostgreSQL journal over TLS, on a throwaway cluster with the test certificate:
//! `sslmode=require` with the test CA (`sslrootcert`) connects and every journal
//! connection is encrypted; a server certificate no trusted CA signed is refused;
//! `sslmode=disable` stays plain.

#![cfg(feature = "postgres")]
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

#[path = "common/cluster.rs"]
mod cluster;

use smilepayz_batch::{BatchError, Journal, PostgresJournal};

/// Connections to `db` other than the asking one, by whether they use TLS.
async fn connections(observer: &tokio_postgres::Client, db: &str) -> (i64, i64) {
    let row = observer
        .query_one(
            "SELECT count(*) FILTER (WHERE s.ssl), count(*) FILTER (WHERE NOT s.ssl)
             FROM pg_stat_ssl s JOIN pg_stat_activity a ON a.pid = s.pid
             WHERE a.datname = $1 AND a.pid <> pg_backend_pid()",
            &[&db],
        )
        .await
        .unwrap();
    (row.get(0), row.get(1))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_journal_speaks_tls_and_checks_the_server_certificate() {
    let Some(cluster) = cluster::Cluster::start_tls() else { return };
    let url = cluster.database("tlsjournal").await;
    let (observer, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(connection);
    let ca = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/tls/ca.pem");

    let secure = format!("{url}?sslmode=require&sslrootcert={}", ca.display());
    let journal = PostgresJournal::connect(&secure, "tls-worker").await.expect("TLS with the test CA");
    journal.ensure_batch("over-tls").await.unwrap();
    assert!(journal.has_batch("over-tls").await.unwrap());
    let (encrypted, plain) = connections(&observer, "tlsjournal").await;
    assert!(encrypted >= 1 && plain == 0, "journal connections: {encrypted} over TLS, {plain} plain");
    drop(journal);

    // The system's roots do not hold the test CA: the certificate is refused, not skipped.
    let unverified = format!("{url}?sslmode=require");
    let refused = PostgresJournal::connect(&unverified, "tls-worker-2").await.unwrap_err();
    assert!(matches!(refused, BatchError::Journal(_)), "{refused:?}");
    assert!(refused.to_string().to_lowercase().contains("certificate"), "{refused}");

    // sslmode=disable: plain, as asked.
    let plain_url = format!("{url}?sslmode=disable");
    let journal = PostgresJournal::connect(&plain_url, "plain-worker").await.expect("plain");
    assert!(journal.has_batch("over-tls").await.unwrap());
    let (_, plain) = connections(&observer, "tlsjournal").await;
    assert!(plain >= 1, "sslmode=disable connected over TLS");
}
