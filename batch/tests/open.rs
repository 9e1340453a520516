//! `AnyJournal::open` picks the backend by the location's form, and says what is wrong.

use smilepayz_batch::{AnyJournal, Batch, BatchError, Journal, is_postgres_url};

#[tokio::test]
async fn a_path_opens_sqlite_and_a_url_picks_postgresql() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("payroll.db");
    let journal = AnyJournal::open(path.to_str().unwrap()).await.unwrap();
    assert_eq!(journal.backend(), "sqlite");
    let batch = Batch::open(journal, "2026-11").await.unwrap();
    assert!(batch.journal().rows("2026-11", 0, 10).await.unwrap().is_empty());

    assert!(is_postgres_url("postgresql://u@127.0.0.1:1/db"));
    assert!(is_postgres_url("POSTGRES://u@host/db"));
    assert!(!is_postgres_url("/var/lib/postgres://odd-but-a-path.db"));
    // Port 1 on loopback refuses: the PostgreSQL backend was chosen and says so.
    let refused = AnyJournal::open("postgresql://nobody:secret-password@127.0.0.1:1/journal").await.unwrap_err();
    assert_eq!(refused.kind(), "journal", "{refused}");
    assert!(!refused.to_string().contains("secret-password"), "the URL's password leaked: {refused}");
}

#[tokio::test]
async fn nothing_and_a_file_that_is_not_a_journal_are_clear_errors() {
    let empty = AnyJournal::open("  ").await.unwrap_err();
    assert!(matches!(empty, BatchError::Config(_)), "{empty:?}");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.db");
    std::fs::write(&path, "not a database, but notes").unwrap();
    #[cfg(unix)]
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let wrong = AnyJournal::open(path.to_str().unwrap()).await.unwrap_err();
    assert_eq!(wrong.kind(), "journal", "{wrong}");
    assert_eq!(wrong.journal_reason(), Some("not_a_journal"), "{wrong}");
    // Shorter than SQLite's header, which SQLite alone would take for an empty database.
    for short in [&b"x"[..], b"SQLite format", b"\n"] {
        std::fs::write(&path, short).unwrap();
        let wrong = AnyJournal::open(path.to_str().unwrap()).await.unwrap_err();
        assert_eq!(wrong.journal_reason(), Some("not_a_journal"), "{short:?}: {wrong}");
        assert_eq!(std::fs::read(&path).unwrap(), short, "the file was left as it was");
    }
    // An empty file (e.g. made by `touch` with mode 600) becomes a journal.
    std::fs::write(&path, b"").unwrap();
    assert_eq!(AnyJournal::open(path.to_str().unwrap()).await.unwrap().backend(), "sqlite");
}

#[tokio::test]
async fn open_existing_refuses_an_unknown_batch_and_camel_case_rows_are_read_in_their_case() {
    let dir = tempfile::tempdir().unwrap();
    let location = dir.path().join("j.db");
    let location = location.to_str().unwrap();
    let journal = AnyJournal::open(location).await.unwrap();
    let missing = Batch::open_existing(journal, "payroll-2026-11").await.unwrap_err();
    assert!(matches!(missing, BatchError::Config(_)), "{missing:?}");
    assert!(missing.to_string().contains("holds no batch \"payroll-2026-11\""), "{missing}");

    let journal = AnyJournal::open(location).await.unwrap();
    let batch = Batch::open(journal, "payroll-2026-11").await.unwrap();
    let camel = serde_json::json!({"region": "IDR", "purpose": "Payroll", "amount": "150000",
        "paymentMethod": "BRI", "cashAccount": "78120011629261665"});
    let snake = serde_json::json!({"region": "IDR", "purpose": "Payroll", "amount": "150000",
        "payment_method": "BRI", "cash_account": "78120011629261665"});
    let added = batch.add_in_case([camel], smilepayz::Case::Camel, Default::default()).await.unwrap();
    assert_eq!(added.added, 1);
    let refused = batch.add_in_case([snake], smilepayz::Case::Camel, Default::default()).await.unwrap_err();
    let BatchError::InvalidRows(rows) = refused else { panic!("a snake_case row read as camelCase was accepted") };
    assert!(rows[0].to_string().contains("camelCase here (cashAccount)"), "{}", rows[0]);
    drop(batch);

    let journal = AnyJournal::open(location).await.unwrap();
    let existing = Batch::open_existing(journal, "payroll-2026-11").await.unwrap();
    assert_eq!(existing.report().await.unwrap().rows.len(), 1);
}

#[tokio::test]
async fn open_batch_creates_a_batch_or_with_must_exist_opens_only_one_the_journal_holds() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.db");
    let location = path.to_str().unwrap();
    let typo = smilepayz_batch::open_batch(location, "payrol-2026-11", true).await.unwrap_err();
    assert!(matches!(&typo, BatchError::Config(m) if m.contains("holds no batch \"payrol-2026-11\"")), "{typo:?}");
    let created = smilepayz_batch::open_batch(location, "payroll-2026-11", false).await.unwrap();
    assert_eq!(created.id(), "payroll-2026-11");
    drop(created);
    let existing = smilepayz_batch::open_batch(location, "payroll-2026-11", true).await.unwrap();
    assert_eq!(existing.journal().backend(), "sqlite");
    drop(existing);
    // The refused typo created nothing.
    assert!(smilepayz_batch::open_batch(location, "payrol-2026-11", true).await.is_err());
}
