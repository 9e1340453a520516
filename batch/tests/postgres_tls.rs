//! The PostgreSQL journal over TLS, on a throwaway cluster with the test certificate:
//! `sslmode=require` with the test CA (`sslrootcert`) connects and every journal
//! connection is encrypted; a server certificate no trusted CA signed is refused;
//! `sslmode=disable` stays plain. Where the server requires a client certificate
//! (`hostssl … cert`), `sslcert` and `sslkey` log the journal in; without them the server
//! refuses it, and a key file others may read, a key of another certificate or a missing
//! file are refused before anything is sent, no key material in the error.

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

/// The client certificate subject of each connection to `db` other than the asking one.
async fn client_dns(observer: &tokio_postgres::Client, db: &str) -> Vec<Option<String>> {
    let rows = observer
        .query(
            "SELECT s.client_dn FROM pg_stat_ssl s JOIN pg_stat_activity a ON a.pid = s.pid
             WHERE a.datname = $1 AND a.pid <> pg_backend_pid()",
            &[&db],
        )
        .await
        .unwrap();
    rows.iter().map(|r| r.get(0)).collect()
}

/// No 16-character run of the base64 body of the PEM key at `key` appears in `text`.
fn assert_no_key_material(text: &str, key: &std::path::Path) {
    let pem = std::fs::read_to_string(key).unwrap();
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    assert!(body.len() > 32, "the key body was not read");
    for start in 0..=body.len() - 16 {
        assert!(!text.contains(&body[start..start + 16]), "key material in: {text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_certificate_logs_the_journal_in_where_the_server_requires_one() {
    let Some(cluster) = cluster::Cluster::start_tls() else { return };
    let client = cluster.client_cert();
    let url = cluster.cert_database("certjournal").await;
    let (observer, connection) =
        tokio_postgres::connect(&cluster.url("postgres"), tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(connection);
    let ca = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/tls/ca.pem");
    let base = format!("{url}?sslmode=require&sslrootcert={}", ca.display());
    let with = |cert: &std::path::Path, key: &std::path::Path| {
        format!("{base}&sslcert={}&sslkey={}", cert.display(), key.display())
    };

    let journal = PostgresJournal::connect(&with(&client.cert, &client.key), "cert-worker")
        .await
        .expect("the client certificate");
    journal.ensure_batch("by-certificate").await.unwrap();
    assert!(journal.has_batch("by-certificate").await.unwrap());
    let dns = client_dns(&observer, "certjournal").await;
    let expected = format!("CN={}", cluster::CERT_USER);
    assert!(!dns.is_empty() && dns.iter().all(|dn| dn.as_deref().is_some_and(|d| d.contains(&expected))), "{dns:?}");
    drop(journal);
    // Its connections close in tasks of their own: gone before the refusals below, so
    // that the last check sees only what those left.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !client_dns(&observer, "certjournal").await.is_empty() {
        assert!(std::time::Instant::now() < deadline, "the dropped journal stayed connected");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }

    // No client certificate: TLS and the server certificate are fine, the server says no.
    let refused = PostgresJournal::connect(&base, "no-cert-worker").await.unwrap_err();
    assert!(matches!(refused, BatchError::Journal(_)), "{refused:?}");
    assert!(refused.to_string().contains("connection requires a valid client certificate"), "{refused}");

    // A key file group and others may read is refused as libpq refuses it.
    let dir = tempfile::tempdir().unwrap();
    let open_key = dir.path().join("client.key");
    std::fs::copy(&client.key, &open_key).unwrap();
    std::fs::set_permissions(&open_key, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
    let refused = PostgresJournal::connect(&with(&client.cert, &open_key), "open-key-worker").await.unwrap_err();
    let text = format!("{refused} {refused:?}");
    assert!(text.contains("private key file has group or world access (mode 0644)"), "{text}");
    assert!(text.contains(&open_key.display().to_string()), "the key file is not named: {text}");
    assert_no_key_material(&text, &client.key);

    // The key of another certificate, and a certificate file that is not there.
    let refused =
        PostgresJournal::connect(&with(&client.cert, &client.other_key), "mismatch-worker").await.unwrap_err();
    let text = format!("{refused} {refused:?}");
    assert!(text.contains("the certificate does not match the private key"), "{text}");
    assert_no_key_material(&text, &client.other_key);
    let missing = dir.path().join("missing.pem");
    let refused = PostgresJournal::connect(&with(&missing, &client.key), "missing-worker").await.unwrap_err();
    assert!(refused.to_string().contains(&format!("sslcert {}", missing.display())), "{refused}");
    assert_eq!(
        client_dns(&observer, "certjournal").await,
        Vec::<Option<String>>::new(),
        "a refused journal stayed connected"
    );
}
