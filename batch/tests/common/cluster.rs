//! A throwaway PostgreSQL cluster on a loopback port for the journal tests: installed
//! from Debian packages when missing, initialised in a temporary directory (as the
//! `postgres` user when running as root: `initdb` refuses root), stopped and removed on
//! drop. Skipped only when `SMILEPAYZ_BATCH_SKIP_POSTGRES=1` says so, never silently.
//! The TLS cluster also authenticates one role by client certificate, issued with the
//! `openssl` command as the test certificates of `tests/vectors/tls` were.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Set to `1` to skip the PostgreSQL tests (they print that they were skipped).
pub(crate) const SKIP_VAR: &str = "SMILEPAYZ_BATCH_SKIP_POSTGRES";

/// The role that logs in only over TLS with a client certificate (`hostssl … cert`); the
/// certificate's common name.
#[allow(dead_code)] // the TLS test binary uses it
pub(crate) const CERT_USER: &str = "journal_cert";

/// A client certificate for [`CERT_USER`] and its key (mode 0600), issued by a CA made
/// for the cluster (its `ssl_ca_file`), and that CA's key: a key of another certificate.
#[allow(dead_code)] // the TLS test binary reads them
pub(crate) struct ClientCert {
    pub(crate) cert: PathBuf,
    pub(crate) key: PathBuf,
    pub(crate) other_key: PathBuf,
}

pub(crate) struct Cluster {
    bin: PathBuf,
    data: PathBuf,
    port: u16,
    as_postgres: bool,
    client: Option<ClientCert>,
    _dir: tempfile::TempDir,
}

fn run(command: &mut Command, what: &str) {
    let out = command.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed ({}): {}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The directory holding `initdb` and `pg_ctl` of the newest installed PostgreSQL.
fn find_bin() -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|bin| bin.join("initdb").exists() && bin.join("pg_ctl").exists())
        .collect();
    found.sort_by_key(|p| {
        p.parent().and_then(Path::file_name).and_then(|v| v.to_str()).and_then(|v| v.parse::<u32>().ok()).unwrap_or(0)
    });
    found.pop()
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().map(|o| o.stdout.starts_with(b"0\n")).unwrap_or(false)
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("address").port()
}

impl Cluster {
    /// Starts a cluster, or returns `None` (after saying so) when the tests are skipped.
    #[allow(dead_code)] // the TLS test binary starts its own kind
    pub(crate) fn start() -> Option<Cluster> {
        Self::start_with(false)
    }

    /// A cluster that also speaks TLS, with the test certificate of `tests/vectors/tls`
    /// (localhost and 127.0.0.1, signed by its `ca.pem`); [`CERT_USER`] logs in only by
    /// the client certificate of [`Cluster::client_cert`], everyone else as before.
    #[allow(dead_code)] // one test binary uses it
    pub(crate) fn start_tls() -> Option<Cluster> {
        Self::start_with(true)
    }

    fn start_with(tls: bool) -> Option<Cluster> {
        if std::env::var(SKIP_VAR).as_deref() == Ok("1") {
            // Past libtest's capture (it keeps a passing test's `println!`), so that a
            // skip always shows.
            let said = format!("PostgreSQL journal tests SKIPPED ({SKIP_VAR}=1)\n");
            let _ = std::io::Write::write_all(&mut std::io::stderr(), said.as_bytes());
            return None;
        }
        let bin = find_bin().unwrap_or_else(|| {
            println!("PostgreSQL is not installed: apt-get install postgresql");
            run(Command::new("apt-get").args(["install", "-y", "-q", "postgresql"]), "apt-get install postgresql");
            find_bin().expect("initdb after installing postgresql")
        });
        let dir = tempfile::tempdir().expect("temp dir");
        let as_postgres = is_root();
        if as_postgres {
            run(Command::new("chown").arg("postgres:").arg(dir.path()), "chown the cluster directory");
        }
        let data = dir.path().join("data");
        let port = free_port();
        let mut cluster = Cluster { bin, data, port, as_postgres, client: None, _dir: dir };
        let mut initdb = cluster.command("initdb");
        initdb.arg("-D").arg(&cluster.data).args(["-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-instructions"]);
        run(&mut initdb, "initdb");
        let mut options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c max_connections=50",
            cluster.port,
            cluster.data.display()
        );
        if tls {
            let vectors = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/tls");
            for file in ["server.pem", "server.key"] {
                let to = cluster.data.join(file);
                std::fs::copy(vectors.join(file), &to).expect("copy the test certificate");
                #[cfg(unix)]
                std::fs::set_permissions(&to, std::os::unix::fs::PermissionsExt::from_mode(0o600)).expect("chmod");
                if cluster.as_postgres {
                    run(Command::new("chown").arg("postgres:").arg(&to), "chown the certificate");
                }
            }
            options.push_str(" -c ssl=on -c ssl_cert_file=server.pem -c ssl_key_file=server.key");
            cluster.client = Some(cluster.require_client_certificates());
            options.push_str(" -c ssl_ca_file=client-ca.pem");
        }
        let mut start = cluster.command("pg_ctl");
        start.arg("-D").arg(&cluster.data).arg("-l").arg(cluster.data.join("server.log"));
        start.args(["-w", "-o", &options, "start"]);
        run(&mut start, "pg_ctl start");
        Some(cluster)
    }

    /// Issues [`CERT_USER`]'s client certificate from a CA made here, makes that CA the
    /// server's `ssl_ca_file`, and writes a pg_hba.conf where that role logs in only over
    /// TLS with the certificate (`cert`: verified, and its CN is the user name).
    fn require_client_certificates(&self) -> ClientCert {
        let dir = self._dir.path().join("client");
        std::fs::create_dir(&dir).expect("client certificate directory");
        let at = |name: &str| dir.join(name);
        let key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout"];
        let mut ca = Command::new("openssl");
        ca.args(["req", "-x509", "-days", "2", "-subj", "/CN=smilepayz test client CA"]).args(key);
        run(ca.arg(at("ca.key")).arg("-out").arg(at("ca.pem")), "openssl: the client CA");
        let mut request = Command::new("openssl");
        request.args(["req", "-new", "-subj", &format!("/CN={CERT_USER}")]).args(key);
        run(request.arg(at("client.key")).arg("-out").arg(at("client.csr")), "openssl: the client key");
        std::fs::write(
            at("client.ext"),
            "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n",
        )
        .expect("write the certificate extensions");
        let mut sign = Command::new("openssl");
        sign.args(["x509", "-req", "-days", "2", "-set_serial", "2", "-in"]).arg(at("client.csr"));
        sign.arg("-CA").arg(at("ca.pem")).arg("-CAkey").arg(at("ca.key"));
        run(
            sign.arg("-extfile").arg(at("client.ext")).arg("-out").arg(at("client.pem")),
            "openssl: sign the client certificate",
        );
        for file in ["client.key", "ca.key"] {
            #[cfg(unix)]
            std::fs::set_permissions(at(file), std::os::unix::fs::PermissionsExt::from_mode(0o600)).expect("chmod");
        }
        let server_ca = self.data.join("client-ca.pem");
        std::fs::copy(at("ca.pem"), &server_ca).expect("copy the client CA");
        let hba = format!(
            "local all all trust\n\
             hostssl all {CERT_USER} 127.0.0.1/32 cert\n\
             host all {CERT_USER} 127.0.0.1/32 reject\n\
             host all all 127.0.0.1/32 trust\n"
        );
        std::fs::write(self.data.join("pg_hba.conf"), hba).expect("write pg_hba.conf");
        if self.as_postgres {
            run(Command::new("chown").arg("postgres:").arg(&server_ca), "chown the client CA");
        }
        ClientCert { cert: at("client.pem"), key: at("client.key"), other_key: at("ca.key") }
    }

    /// The client certificate [`CERT_USER`] logs in with (a TLS cluster's only).
    #[allow(dead_code)] // the TLS test binary uses it
    pub(crate) fn client_cert(&self) -> &ClientCert {
        self.client.as_ref().expect("a cluster started with start_tls")
    }

    fn command(&self, tool: &str) -> Command {
        let path = self.bin.join(tool);
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            Command::new(path)
        }
    }

    /// The URL of database `name`, created empty.
    pub(crate) async fn database(&self, name: &str) -> String {
        self.as_superuser(&[&format!("CREATE DATABASE {name}")]).await;
        self.url(name)
    }

    /// The URL of database `name` for [`CERT_USER`], who owns it (created empty, with
    /// the role: once per cluster).
    #[allow(dead_code)] // the TLS test binary uses it
    pub(crate) async fn cert_database(&self, name: &str) -> String {
        let role = format!("CREATE ROLE {CERT_USER} LOGIN");
        self.as_superuser(&[&role, &format!("CREATE DATABASE {name} OWNER {CERT_USER}")]).await;
        format!("postgresql://{CERT_USER}@127.0.0.1:{}/{name}", self.port)
    }

    /// Runs each statement on its own (CREATE DATABASE refuses to share a transaction).
    async fn as_superuser(&self, statements: &[&str]) {
        let (client, connection) = tokio_postgres::connect(&self.url("postgres"), tokio_postgres::NoTls)
            .await
            .expect("connect to the cluster");
        let task = tokio::spawn(connection);
        for statement in statements {
            client.batch_execute(statement).await.unwrap_or_else(|e| panic!("{statement}: {e}"));
        }
        drop(client);
        let _ = task.await;
    }

    /// The URL of database `db` for the superuser (trusted over plain TCP).
    pub(crate) fn url(&self, db: &str) -> String {
        format!("postgresql://postgres@127.0.0.1:{}/{db}", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let mut stop = self.command("pg_ctl");
        stop.arg("-D").arg(&self.data).args(["-m", "immediate", "-w", "stop"]);
        let _ = stop.output();
    }
}
