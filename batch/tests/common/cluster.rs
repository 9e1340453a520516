//! A throwaway PostgreSQL cluster on a loopback port for the journal tests: installed
//! from Debian packages when missing, initialised in a temporary directory (as the
//! `postgres` user when running as root: `initdb` refuses root), stopped and removed on
//! drop. Skipped only when `SMILEPAYZ_BATCH_SKIP_POSTGRES=1` says so, never silently.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Set to `1` to skip the PostgreSQL tests (they print that they were skipped).
pub(crate) const SKIP_VAR: &str = "SMILEPAYZ_BATCH_SKIP_POSTGRES";

pub(crate) struct Cluster {
    bin: PathBuf,
    data: PathBuf,
    port: u16,
    as_postgres: bool,
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
    /// (localhost and 127.0.0.1, signed by its `ca.pem`).
    #[allow(dead_code)] // one test binary uses it
    pub(crate) fn start_tls() -> Option<Cluster> {
        Self::start_with(true)
    }

    fn start_with(tls: bool) -> Option<Cluster> {
        if std::env::var(SKIP_VAR).as_deref() == Ok("1") {
            println!("PostgreSQL journal tests SKIPPED ({SKIP_VAR}=1)");
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
        let cluster = Cluster { bin, data, port, as_postgres, _dir: dir };
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
        }
        let mut start = cluster.command("pg_ctl");
        start.arg("-D").arg(&cluster.data).arg("-l").arg(cluster.data.join("server.log"));
        start.args(["-w", "-o", &options, "start"]);
        run(&mut start, "pg_ctl start");
        Some(cluster)
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
        let (client, connection) = tokio_postgres::connect(&self.url("postgres"), tokio_postgres::NoTls)
            .await
            .expect("connect to the cluster");
        let task = tokio::spawn(connection);
        client.batch_execute(&format!("CREATE DATABASE {name}")).await.expect("create database");
        drop(client);
        let _ = task.await;
        self.url(name)
    }

    fn url(&self, db: &str) -> String {
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
