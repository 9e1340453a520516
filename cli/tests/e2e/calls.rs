//! `payout`, `status`, `balance`, `reconcile`: accepted, invalid input, configuration
//! error, outcome unknown, refused, unreachable.

use crate::support::{Gateway, idr_flags, shell, smilepayz, strs, temp_dir};
use serde_json::json;
use smilepayz::{Decimal, Status};
use smilepayz_testkit::{Endpoint, Fault, codes};

#[test]
fn a_payout_from_flags_is_accepted() {
    let g = Gateway::start();
    let run = smilepayz(&strs(&idr_flags("ORDER0001")), &g.env(), None).expect(0);
    let order = g.gw.order("ORDER0001").unwrap();
    assert!(run.stdout.starts_with("accepted: orderNo ORDER0001"), "{run:?}");
    assert!(run.stdout.contains(&order.trade_no), "{run:?}");
    assert_eq!(order.amount, Decimal::from(150_000));
    // Nested fields through --field land where the gateway reads them.
    let mut args = idr_flags("ORDER0002");
    args.extend(["--field".into(), "receiver.name=Budi".into(), "--json".into()]);
    let answer = smilepayz(&strs(&args), &g.env(), None).expect(0).json();
    assert_eq!(answer["order_no"], "ORDER0002");
    assert_eq!(answer["status"], "PROCESSING");
    assert_eq!(g.gw.order("ORDER0002").unwrap().receiver_name.as_deref(), Some("Budi"));
}

#[test]
fn a_payout_from_a_json_request_in_either_case_from_a_file_or_stdin() {
    let g = Gateway::start();
    let dir = temp_dir("request");
    let camel = json!({"region": "USDT", "orderNo": "ORDER0003", "purpose": "Refund", "amount": 12.3456,
        "paymentMethod": "USDT", "cashAccount": "0x52908400098527886E0F7030069857D2E4169EE7", "network": "BEP20"});
    std::fs::write(dir.join("camel.json"), camel.to_string()).unwrap();
    smilepayz(&["payout", "--request", dir.join("camel.json").to_str().unwrap()], &g.env(), None).expect(0);
    assert_eq!(g.gw.order("ORDER0003").unwrap().amount.to_string(), "12.3456", "exact, never a float");
    let snake = json!({"region": "IDR", "order_no": "ORDER0004", "purpose": "Payroll", "amount": "150000",
        "payment_method": "BRI", "cash_account": "78120011629261665"});
    smilepayz(&["payout", "--request", "-"], &g.env(), Some(snake.to_string().as_bytes())).expect(0);
    assert!(g.gw.order("ORDER0004").is_some());
}

#[test]
fn invalid_input_is_exit_2_and_nothing_is_sent() {
    let g = Gateway::start();
    let env = g.env();
    let cases: Vec<(Vec<String>, Option<&[u8]>, &str)> = vec![
        (vec!["payout".into(), "--bogus".into()], None, "unexpected argument '--bogus'"),
        (vec!["payout".into(), "--order-no".into(), "ORDER0001".into()], None, "--region <REGION>"),
        (vec!["payout".into(), "--request".into(), "-".into()], Some(b"{not json"), "--request is not JSON"),
        (vec!["payout".into(), "--request".into(), "/nonexistent/req.json".into()], None, "cannot read --request"),
        ([idr_flags("ORDER-0001"), vec![]].concat(), None, "order_no"),
        ([idr_flags("ORDER0001"), vec!["--field".into(), "receiver".into()]].concat(), None, "is not PATH=TEXT"),
        ([idr_flags("ORDER0001"), vec!["--field".into(), "purpose=again".into()]].concat(), None, "given twice"),
        ([idr_flags("ORDER0001"), vec!["--field".into(), "colour=red".into()]].concat(), None, "colour"),
        (vec!["payout".into(), "--region".into(), "EUR".into()], None, "must be one of"),
        (vec!["status".into()], None, "--order-no <ORDER_NO>"),
        (
            vec!["status".into(), "--order-no".into(), "A".into(), "--trade-no".into(), "B".into()],
            None,
            "cannot be used with",
        ),
        (vec!["frobnicate".into()], None, "unrecognized subcommand"),
    ];
    for (args, stdin, says) in cases {
        let run = smilepayz(&strs(&args), &env, stdin).expect(2);
        assert!(run.stderr.contains(says), "{args:?}: {run:#?}");
    }
    assert!(g.gw.received().is_empty(), "{:?}", g.gw.received());
    // Every violation at once, with --json naming them for scripts.
    let mut args = idr_flags("ORDER-1");
    args[8] = "-5".into();
    args.push("--json".into());
    let error = smilepayz(&strs(&args), &env, None).expect(2).json();
    let paths: Vec<&str> =
        error["error"]["violations"].as_array().unwrap().iter().map(|v| v["path"].as_str().unwrap()).collect();
    assert!(paths.contains(&"order_no") && paths.contains(&"amount"), "{error}");
    assert_eq!(error["error"]["exit_code"], 2);
}

#[test]
fn missing_or_bad_configuration_is_exit_3() {
    let g = Gateway::start();
    let dir = temp_dir("config");
    std::fs::write(dir.join("not-a-key.pem"), "hello").unwrap();
    let not_a_key = dir.join("not-a-key.pem").to_str().unwrap().to_owned();
    let cases: Vec<(Vec<(String, String)>, Vec<&str>, &str)> = vec![
        (vec![], vec![], "merchant_id is missing"),
        (g.env_without(&["SMILEPAYZ_MERCHANT_SECRET"]), vec![], "merchant_secret"),
        (g.env(), vec!["--private-key-file", &not_a_key], "private_key"),
        (g.env(), vec!["--merchant-secret-file", "/nonexistent/secret"], "--merchant-secret-file"),
        (g.env(), vec!["--environment", "staging"], "staging"),
        (g.env(), vec!["--base-url", "http://example.com"], "https"),
    ];
    let flags = idr_flags("ORDER0001");
    for (env, extra, says) in cases {
        let args = [strs(&flags), extra].concat();
        let run = smilepayz(&args, &env, None).expect(3);
        assert!(run.stderr.contains(says), "{says}: {run:#?}");
        assert!(!run.stderr.contains(g.gw.merchant_secret()), "{run:#?}");
    }
    assert_eq!(g.gw.payout_requests_for("ORDER0001"), 0);
}

#[test]
fn an_unknown_outcome_is_exit_5_with_the_reconcile_command_and_is_never_resent() {
    let g = Gateway::start();
    g.gw.inject(Endpoint::Payout, Fault::DropAfterAccept);
    let run = smilepayz(&strs(&idr_flags("ORDER0005")), &g.env(), None).expect(5);
    assert!(run.stderr.contains("do not resend"), "{run:#?}");
    let command = run.stderr.lines().find_map(|l| l.strip_prefix("run: ")).expect("a reconcile command");
    assert_eq!(command, "smilepayz reconcile ORDER0005");
    assert_eq!(g.gw.payout_requests_for("ORDER0005"), 1);
    // The printed command works: the gateway has the order.
    let args: Vec<&str> = command.split(' ').skip(1).collect();
    let run = smilepayz(&args, &g.env(), None).expect(0);
    assert!(run.stdout.starts_with("pending: ORDER0005 is PROCESSING"), "{run:#?}");
    g.runtime.block_on(g.gw.settle("ORDER0005", Status::Success)).unwrap();
    let settled = smilepayz(&["reconcile", "ORDER0005", "--json"], &g.env(), None).expect(0).json();
    assert_eq!((settled["outcome"].as_str(), settled["status"]["status"].as_str()), (Some("settled"), Some("SUCCESS")));
    assert_eq!(g.gw.payout_requests_for("ORDER0005"), 1);
}

#[test]
fn a_refusal_by_the_gateway_is_exit_4_with_its_code() {
    let g = Gateway::start();
    smilepayz(&strs(&idr_flags("ORDER0006")), &g.env(), None).expect(0);
    let run = smilepayz(&strs(&[idr_flags("ORDER0006"), vec!["--json".into()]].concat()), &g.env(), None).expect(4);
    let error = run.json();
    assert_eq!(
        (error["error"]["kind"].as_str(), error["error"]["api_code"].as_str()),
        (Some("api"), Some(codes::DUPLICATE_ORDER))
    );
    let run = smilepayz(&["status", "--order-no", "ORDER0404"], &g.env(), None).expect(4);
    assert!(run.stderr.contains(codes::ORDER_NOT_FOUND), "{run:#?}");
    smilepayz(&["balance", "ACC404"], &g.env(), None).expect(4);
}

#[test]
fn status_balance_and_reconcile_answer() {
    let g = Gateway::start();
    smilepayz(&strs(&idr_flags("ORDER0007")), &g.env(), None).expect(0);
    let trade_no = g.gw.order("ORDER0007").unwrap().trade_no;
    let by_order = smilepayz(&["status", "--order-no", "ORDER0007", "--json"], &g.env(), None).expect(0).json();
    assert_eq!(
        (by_order["trade_no"].as_str(), by_order["status"].as_str()),
        (Some(trade_no.as_str()), Some("PROCESSING"))
    );
    let by_trade = smilepayz(&["status", "--trade-no", &trade_no], &g.env(), None).expect(0);
    assert!(by_trade.stdout.contains("status PROCESSING (not final)"), "{by_trade:#?}");

    g.gw.set_balance("ACC1", "IDR", "1000.50".parse().unwrap(), Decimal::from(900));
    let run = smilepayz(&["balance", "ACC1"], &g.env(), None).expect(0);
    assert!(run.stdout.contains("BALANCE: IDR 1000.50 (available IDR 900)"), "{run:#?}");

    let code = ["--order-not-found-code", codes::ORDER_NOT_FOUND];
    let run = smilepayz(&[&["reconcile", "ORDER0999"][..], &code].concat(), &g.env(), None).expect(0);
    assert!(run.stdout.starts_with("not found: the gateway has no order ORDER0999"), "{run:#?}");
    // Without the code, "no such order" is just a refusal: never guessed to be safe.
    smilepayz(&["reconcile", "ORDER0999"], &g.env(), None).expect(4);
}

#[test]
fn an_unreachable_gateway_is_exit_6() {
    let g = Gateway::start();
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    for args in [strs(&idr_flags("ORDER0008")), vec!["status", "--order-no", "ORDER0008"]] {
        let args = [args, vec!["--base-url", &closed]].concat();
        let run = smilepayz(&args, &g.env(), None).expect(6);
        assert!(run.stderr.contains("transport error"), "{run:#?}");
    }
}

#[test]
fn a_payout_interrupted_in_flight_is_an_unknown_outcome() {
    let g = Gateway::start();
    g.gw.inject(Endpoint::Payout, Fault::Delay(std::time::Duration::from_secs(20)));
    let child = crate::support::binary()
        .args(idr_flags("ORDER0009"))
        .envs(g.env())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while g.gw.payout_requests_for("ORDER0009") == 0 {
        assert!(started.elapsed().as_secs() < 10, "the pay-out never arrived");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let kill = std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(kill.success());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(5), "{stderr}");
    assert!(stderr.contains("run: smilepayz reconcile ORDER0009"), "{stderr}");
    assert!(started.elapsed().as_secs() < 15, "stopped at the signal, not after the delay");
}

#[test]
fn an_inquiry_interrupted_is_exit_130() {
    let g = Gateway::start();
    smilepayz(&strs(&idr_flags("ORDER0010")), &g.env(), None).expect(0);
    g.gw.inject(Endpoint::Status, Fault::Delay(std::time::Duration::from_secs(20)));
    let child = crate::support::binary()
        .args(["status", "--order-no", "ORDER0010"])
        .envs(g.env())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while g.gw.received().len() < 2 {
        assert!(started.elapsed().as_secs() < 10, "the inquiry never arrived");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let kill = std::process::Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(kill.success());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(130), "{}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn help_shows_the_exit_codes_and_every_command_an_example() {
    let top = smilepayz(&["--help"], &[], None).expect(0);
    for line in ["Exit codes:", "5    outcome unknown", "SMILEPAYZ_PRIVATE_KEY", "Example"] {
        assert!(top.stdout.contains(line), "{line}: {}", top.stdout);
    }
    for command in [
        &["keys", "generate"][..],
        &["sign"],
        &["verify-callback"],
        &["payout"],
        &["status"],
        &["balance"],
        &["reconcile"],
        &["mock"],
        &["batch"],
        &["batch", "run"],
        &["batch", "resume"],
        &["batch", "status"],
        &["batch", "report"],
    ] {
        let run = smilepayz(&[command, &["--help"]].concat(), &[], None).expect(0);
        assert!(run.stdout.contains("Example:\n  smilepayz "), "{command:?}: {}", run.stdout);
    }
    let version = smilepayz(&["--version"], &[], None).expect(0);
    assert_eq!(version.stdout.trim(), format!("smilepayz {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn usage_errors_with_json_are_one_json_object_too() {
    for (args, usage_error, says) in [
        (&["payout", "--bogus", "--json"][..], "unknown_argument", "unexpected argument '--bogus'"),
        (&["--json", "status", "--order-no"], "invalid_value", "a value is required for '--order-no"),
        (&["batch", "run", "--json", "--journal", "j"], "missing_required_argument", "--batch-id <BATCH_ID>"),
    ] {
        let run = smilepayz(args, &[], None).expect(2);
        assert!(run.stderr.contains(says), "{args:?}: {run:#?}");
        let error = run.json();
        assert_eq!(error["error"]["kind"], "usage", "{error}");
        assert_eq!(error["error"]["usage_error"], usage_error, "{error}");
        assert_eq!(error["error"]["exit_code"], 2);
        assert!(
            error["error"]["message"].as_str().unwrap().contains(says.trim_start_matches("a value is ")),
            "{error}"
        );
    }
    // Without --json (or with it only as a value after --), stdout stays empty.
    let run = smilepayz(&["payout", "--bogus"], &[], None).expect(2);
    assert!(run.stdout.is_empty(), "{run:#?}");
    let run = smilepayz(&["sign", "--bogus", "--", "--json"], &[], None).expect(2);
    assert!(run.stdout.is_empty(), "{run:#?}");
}

#[test]
fn the_printed_reconcile_command_repeats_the_connection_flags_but_never_the_secret() {
    let g = Gateway::start();
    let dir = temp_dir("replay");
    let secret_file = dir.join("merchant secret.txt");
    std::fs::write(&secret_file, format!("{}\n", g.gw.merchant_secret())).unwrap();
    let key_file = dir.join("merchant.pem");
    std::fs::write(&key_file, g.gw.merchant_private_key_pem()).unwrap();
    let base = g.gw.base_url();
    let flags = [
        "--base-url",
        base.as_str(),
        "--merchant-id",
        g.gw.merchant_id(),
        "--merchant-secret-file",
        secret_file.to_str().unwrap(),
        "--private-key-file",
        key_file.to_str().unwrap(),
        "--order-not-found-code",
        codes::ORDER_NOT_FOUND,
    ];
    g.gw.inject(Endpoint::Payout, Fault::DropAfterAccept);
    let payout = idr_flags("ORDER0011");
    let args = [&strs(&payout)[..], &flags, &["--json"]].concat();
    let run = smilepayz(&args, &[], None).expect(5);
    let command = run.stderr.lines().find_map(|l| l.strip_prefix("run: ")).expect("a reconcile command").to_owned();
    let expected = format!(
        "smilepayz reconcile ORDER0011 --base-url {base} --merchant-id {} --merchant-secret-file '{}' \
         --private-key-file {} --order-not-found-code {}",
        g.gw.merchant_id(),
        secret_file.display(),
        key_file.display(),
        codes::ORDER_NOT_FOUND
    );
    assert_eq!(command, expected);
    assert_eq!(run.json()["error"]["reconcile_command"], expected.as_str());
    assert!(!run.stderr.contains(g.gw.merchant_secret()) && !run.stdout.contains(g.gw.merchant_secret()));
    // Pasted into a shell with no SMILEPAYZ_* set, it reaches the same gateway.
    let answer = shell(&command, &[]).expect(0);
    assert!(answer.stdout.starts_with("pending: ORDER0011 is PROCESSING"), "{answer:#?}");
    assert_eq!(g.gw.payout_requests_for("ORDER0011"), 1);
}
