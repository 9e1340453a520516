//! `smilepayz mock` as a standalone process: its settings line, its admin API, and a
//! clean stop on SIGTERM and SIGINT.

use crate::support::{binary, idr_flags, smilepayz, strs};
use serde_json::{Value, json};
use smilepayz::{Client, SigningKey, VerifyingKey};
use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// A running `smilepayz mock` and the first line it printed.
struct Mock {
    child: Child,
    lines: Vec<String>,
}

fn start(args: &[&str], lines: usize) -> Mock {
    let mut child = binary().arg("mock").args(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let lines = (0..lines)
        .map(|_| {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            line.trim_end().to_owned()
        })
        .collect();
    Mock { child, lines }
}

impl Mock {
    fn settings(&self) -> Value {
        serde_json::from_str(&self.lines[0]).unwrap()
    }

    /// Sends `signal` and waits for the exit code.
    fn stop(mut self, signal: &str) -> (i32, String) {
        let status = std::process::Command::new("kill").args([signal, &self.child.id().to_string()]).status().unwrap();
        assert!(status.success());
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                let mut stderr = String::new();
                std::io::Read::read_to_string(&mut self.child.stderr.take().unwrap(), &mut stderr).unwrap();
                return (status.code().unwrap_or(-1), stderr);
            }
            assert!(started.elapsed() < Duration::from_secs(5), "the mock did not stop on {signal}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

async fn admin(base_url: &str, method: &str, name: &str, body: Value) -> (u16, Value) {
    let http = reqwest::Client::new();
    let url = format!("{base_url}/_mock/{name}");
    let request = if method == "GET" { http.get(url) } else { http.post(url).body(body.to_string()) };
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, serde_json::from_str(&response.text().await.unwrap()).unwrap())
}

#[test]
fn the_mock_prints_its_settings_serves_the_admin_api_and_stops_on_sigterm() {
    let mock = start(&[], 1);
    let s = mock.settings();
    let base_url = s["base_url"].as_str().unwrap().to_owned();
    assert!(base_url.starts_with("http://127.0.0.1:"), "{s}");
    SigningKey::from_text(s["merchant_private_key"].as_str().unwrap()).expect("a PEM key");
    VerifyingKey::from_text(s["platform_public_key"].as_str().unwrap()).expect("a base64 SPKI key");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let client = Client::builder()
            .merchant_id(s["merchant_id"].as_str().unwrap())
            .merchant_secret(s["merchant_secret"].as_str().unwrap())
            .private_key(s["merchant_private_key"].as_str().unwrap())
            .base_url(&base_url)
            .build()
            .unwrap();
        let payout =
            smilepayz::IndonesiaPayout::new("ORDER0001", "Payroll", 150_000.into(), "BRI", "78120011629261665");
        client.payout(&payout.into()).await.unwrap();
        let (_, orders) = admin(&base_url, "GET", "orders", Value::Null).await;
        assert_eq!(orders[0]["orderNo"], "ORDER0001");
        let (status, _) =
            admin(&base_url, "POST", "faults", json!({"endpoint": "status", "fault": "serverErrorAfterAccept"})).await;
        assert_eq!(status, 200);
        let (status, settled) =
            admin(&base_url, "POST", "settle", json!({"orderNo": "ORDER0001", "status": "FAILED"})).await;
        assert_eq!((status, settled["callback"].clone()), (200, Value::Null), "no callbackUrl, no callback");
        let (_, requests) = admin(&base_url, "GET", "requests", Value::Null).await;
        assert_eq!(requests.as_array().unwrap().len(), 1);
        assert_eq!(admin(&base_url, "POST", "reset", Value::Null).await.0, 200);
        assert_eq!(admin(&base_url, "GET", "orders", Value::Null).await.1, json!([]));
    });
    let (code, stderr) = mock.stop("-TERM");
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("mock gateway stopped"), "{stderr}");
}

#[test]
fn env_lines_configure_the_other_commands_and_sigint_stops_it() {
    let mock = start(&["--env", "--merchant-id", "sandbox-20001"], 5);
    let env: Vec<(String, String)> =
        mock.lines.iter().map(|l| l.split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())).unwrap()).collect();
    let names: Vec<&str> = env.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        names,
        [
            "SMILEPAYZ_BASE_URL",
            "SMILEPAYZ_MERCHANT_ID",
            "SMILEPAYZ_MERCHANT_SECRET",
            "SMILEPAYZ_PRIVATE_KEY",
            "SMILEPAYZ_PLATFORM_PUBLIC_KEY"
        ]
    );
    assert!(env.iter().all(|(_, v)| !v.contains(' ') && !v.is_empty()), "one shell word each: {env:?}");
    assert_eq!(env[1].1, "sandbox-20001");
    smilepayz(&strs(&idr_flags("ORDER0002")), &env, None).expect(0);
    let (code, _) = mock.stop("-INT");
    assert_eq!(code, 0);
}

#[test]
fn a_given_port_is_used_and_a_taken_one_is_a_clear_failure() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let mock = start(&["--port", &port.to_string()], 1);
    assert_eq!(mock.settings()["base_url"], format!("http://127.0.0.1:{port}"));
    let taken = smilepayz(&["mock", "--port", &port.to_string()], &[], None).expect(1);
    assert!(taken.stderr.contains("could not listen on 127.0.0.1"), "{taken:#?}");
    mock.stop("-TERM");
    smilepayz(&["mock", "--port", "99999"], &[], None).expect(2);
}

#[test]
fn the_mock_takes_a_fixed_secret_and_fixed_keys_from_files() {
    let g = crate::support::Gateway::start();
    let dir = crate::support::temp_dir("mock-fixed");
    let (secret, merchant, platform) = (dir.join("secret.txt"), dir.join("merchant.pem"), dir.join("platform.pem"));
    std::fs::write(&secret, "fixed-mock-secret-0001\n").unwrap();
    std::fs::write(&merchant, g.gw.merchant_private_key_pem()).unwrap();
    std::fs::write(&platform, g.gw.platform_key().to_pkcs8_pem()).unwrap();
    let args = [
        "--merchant-secret-file",
        secret.to_str().unwrap(),
        "--merchant-private-key-file",
        merchant.to_str().unwrap(),
        "--platform-private-key-file",
        platform.to_str().unwrap(),
    ];
    let mock = start(&args, 1);
    let s = mock.settings();
    assert_eq!(s["merchant_secret"], "fixed-mock-secret-0001", "the final line break is not part of it");
    assert_eq!(s["platform_public_key"], g.gw.platform_public_key_base64().as_str());
    let printed = SigningKey::from_text(s["merchant_private_key"].as_str().unwrap()).unwrap();
    let given = SigningKey::from_text(&g.gw.merchant_private_key_pem()).unwrap();
    assert_eq!(printed.public_key().to_base64(), given.public_key().to_base64());
    // A client holding those credentials (not read from the mock) is accepted.
    let mut env = g.env_without(&["SMILEPAYZ_BASE_URL", "SMILEPAYZ_MERCHANT_SECRET"]);
    env.push(("SMILEPAYZ_BASE_URL".into(), s["base_url"].as_str().unwrap().to_owned()));
    env.push(("SMILEPAYZ_MERCHANT_SECRET".into(), "fixed-mock-secret-0001".into()));
    smilepayz(&strs(&idr_flags("ORDER0001")), &env, None).expect(0);
    assert_eq!(mock.stop("-TERM").0, 0);

    // A file that is not a key: a configuration error that does not echo the file.
    std::fs::write(&platform, "top-secret-not-a-key").unwrap();
    let run = smilepayz(&["mock", "--platform-private-key-file", platform.to_str().unwrap()], &[], None).expect(3);
    assert!(run.stderr.contains("--platform-private-key-file") && run.stderr.contains("not a private key"), "{run:#?}");
    assert!(!run.stderr.contains("top-secret-not-a-key"), "{run:#?}");
    let run = smilepayz(&["mock", "--merchant-secret-file", "/nonexistent/secret"], &[], None).expect(3);
    assert!(run.stderr.contains("--merchant-secret-file /nonexistent/secret"), "{run:#?}");
}
