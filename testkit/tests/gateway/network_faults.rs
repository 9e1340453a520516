//! Faults a real network produces — redirects, a reset while the body uploads, an answer
//! cut short or too large, a kept-alive connection closed under the next request — seen
//! on the wire through probes that interpret nothing: raw TCP, or reqwest with redirects
//! off. Whether the gateway handled the request is read from its books.

use crate::support::{gateway, no_redirects, raw_payout, send_payout};
use smilepayz::transport::PAYOUT_PATH;
use smilepayz_testkit::{Endpoint, Fault, MockGateway, OVERSIZED_ANSWER_BYTES};
use std::io::ErrorKind;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Reads one answer (head and a `Content-Length` body) from a raw connection.
async fn read_answer(stream: &mut TcpStream) -> std::io::Result<(String, Vec<u8>)> {
    let mut raw = Vec::new();
    let mut buf = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Err(ErrorKind::UnexpectedEof.into());
        }
        raw.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8(raw[..head_end].to_vec()).unwrap();
    let length: usize = header_of(&head, "content-length").unwrap().parse().unwrap();
    let mut body = raw[head_end..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Err(ErrorKind::UnexpectedEof.into());
        }
        body.extend_from_slice(&buf[..n]);
    }
    Ok((head, body))
}

fn header_of<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

async fn connect(gw: &MockGateway) -> TcpStream {
    TcpStream::connect(gw.base_url().trim_start_matches("http://")).await.unwrap()
}

/// Asserts that `location` is the pay-out path on a loopback port that refuses connections.
async fn assert_unreachable(gw: &MockGateway, location: &str) {
    let rest = location.strip_prefix("http://127.0.0.1:").unwrap_or_else(|| panic!("{location}"));
    let (port, path) = rest.split_once('/').unwrap();
    assert_eq!(format!("/{path}"), PAYOUT_PATH);
    assert_ne!(format!("http://127.0.0.1:{port}"), gw.base_url());
    let refused = TcpStream::connect(format!("127.0.0.1:{port}")).await.unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::ConnectionRefused, "{refused:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_redirect_before_acceptance_creates_no_order() {
    for status in [307, 308] {
        let gw = gateway().await;
        gw.inject(Endpoint::Payout, Fault::RedirectBeforeAccept { status });
        let answer = send_payout(&no_redirects(), &gw, "ORDER0001").await.unwrap();
        assert_eq!(answer.status().as_u16(), status);
        let location = answer.headers()["location"].to_str().unwrap().to_owned();
        assert_unreachable(&gw, &location).await;
        assert_eq!(answer.text().await.unwrap(), "");

        assert_eq!(gw.payout_requests_for("ORDER0001"), 0);
        assert!(gw.order("ORDER0001").is_none());
        let received = gw.received();
        assert_eq!(received.len(), 1);
        assert!(!received[0].handled);
        assert_eq!((received[0].http_status, received[0].code.as_str()), (status, ""));
        assert_eq!(received[0].fault, Some(Fault::RedirectBeforeAccept { status }));
        assert_eq!(received[0].json().unwrap()["orderNo"], "ORDER0001");

        // The same pay-out sent again is the first the gateway handles.
        let again = send_payout(&no_redirects(), &gw, "ORDER0001").await.unwrap();
        assert_eq!(again.status().as_u16(), 200);
        assert_eq!(gw.payout_requests_for("ORDER0001"), 1);
        assert!(gw.order("ORDER0001").is_some());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_redirect_after_acceptance_follows_a_created_order() {
    for status in [307, 308] {
        let gw = gateway().await;
        gw.inject(Endpoint::Payout, Fault::RedirectAfterAccept { status });
        let answer = send_payout(&no_redirects(), &gw, "ORDER0001").await.unwrap();
        assert_eq!(answer.status().as_u16(), status);
        let location = answer.headers()["location"].to_str().unwrap().to_owned();
        assert_unreachable(&gw, &location).await;

        assert_eq!(gw.payout_requests_for("ORDER0001"), 1);
        assert!(gw.order("ORDER0001").is_some());
        let received = gw.received();
        assert!(received[0].handled);
        assert_eq!((received[0].http_status, received[0].code.as_str()), (200, "00"));
        assert_eq!(received[0].fault, Some(Fault::RedirectAfterAccept { status }));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reset_during_upload_leaves_the_body_unread_and_the_request_unhandled() {
    let gw = gateway().await;
    gw.inject(Endpoint::Payout, Fault::ResetDuringUpload);
    let (head, body) = raw_payout(&gw, "ORDER0001");
    let mut stream = connect(&gw).await;
    // The head alone: the body is still "uploading" when the gateway resets.
    stream.write_all(&head).await.unwrap();
    let mut buf = [0u8; 64];
    let reset = stream.read(&mut buf).await.unwrap_err();
    assert_eq!(reset.kind(), ErrorKind::ConnectionReset, "{reset:?}");
    // The rest of the upload has nowhere to go.
    let late = stream.write_all(&body).await.and(stream.flush().await);
    assert!(late.is_err() || stream.read(&mut buf).await.is_err(), "the connection is still alive");

    assert_eq!(gw.payout_requests_for("ORDER0001"), 0);
    assert!(gw.orders().is_empty());
    let received = gw.received();
    assert_eq!(received.len(), 1);
    assert!(!received[0].handled);
    assert_eq!(received[0].path, PAYOUT_PATH);
    assert!(received[0].body.is_empty());
    assert_eq!((received[0].http_status, received[0].code.as_str()), (0, ""));
    assert_eq!(received[0].fault, Some(Fault::ResetDuringUpload));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reset_reaches_a_client_that_sent_everything_as_a_reset() {
    let gw = gateway().await;
    gw.inject(Endpoint::Payout, Fault::ResetDuringUpload);
    let err = send_payout(&no_redirects(), &gw, "ORDER0001").await.unwrap_err();
    assert!(!err.is_connect() && !err.is_timeout(), "{err:?}");
    assert!(format!("{err:?}").contains("ConnectionReset") || format!("{err:?}").contains("reset"), "{err:?}");
    assert_eq!(gw.payout_requests_for("ORDER0001"), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_truncated_answer_promises_more_bytes_than_it_sends() {
    let gw = gateway().await;
    gw.inject(Endpoint::Payout, Fault::TruncatedAfterAccept);
    let (head, body) = raw_payout(&gw, "ORDER0001");
    let mut stream = connect(&gw).await;
    stream.write_all(&[head, body].concat()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap(); // ends with a FIN, not a reset
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    let head = std::str::from_utf8(&raw[..split]).unwrap();
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
    let promised: usize = header_of(head, "content-length").unwrap().parse().unwrap();
    let sent = &raw[split..];
    assert!(!sent.is_empty() && sent.len() < promised, "{} of {promised}", sent.len());
    assert!(sent.starts_with(br#"{"code":"00""#), "{}", String::from_utf8_lossy(sent));

    assert_eq!(gw.payout_requests_for("ORDER0001"), 1);
    assert!(gw.order("ORDER0001").is_some());
    let received = gw.received();
    assert!(received[0].handled);
    assert_eq!(received[0].fault, Some(Fault::TruncatedAfterAccept));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_oversized_answer_is_the_real_answer_padded_past_one_mebibyte() {
    let gw = gateway().await;
    gw.inject(Endpoint::Payout, Fault::OversizedAfterAccept);
    let mut answer = send_payout(&no_redirects(), &gw, "ORDER0001").await.unwrap();
    assert_eq!(answer.status().as_u16(), 200);
    assert_eq!(answer.content_length(), Some(OVERSIZED_ANSWER_BYTES as u64));
    const { assert!(OVERSIZED_ANSWER_BYTES > 1 << 20) };
    let mut body = Vec::new();
    while let Some(chunk) = answer.chunk().await.unwrap() {
        body.extend_from_slice(&chunk);
    }
    assert_eq!(body.len(), OVERSIZED_ANSWER_BYTES);
    // Still valid JSON: the answer, then spaces.
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!((json["code"].as_str(), json["orderNo"].as_str()), (Some("00"), Some("ORDER0001")));
    assert!(body.ends_with(b"    "));

    assert_eq!(gw.payout_requests_for("ORDER0001"), 1);
    assert!(gw.order("ORDER0001").is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_kept_alive_connection_dies_under_the_next_request() {
    let gw = gateway().await;
    gw.inject(Endpoint::Payout, Fault::CloseIdleKeepAlive);
    let mut stream = connect(&gw).await;
    let (head, body) = raw_payout(&gw, "ORDER0001");
    stream.write_all(&[head, body].concat()).await.unwrap();
    let (head, body) = read_answer(&mut stream).await.unwrap();
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
    assert_eq!(header_of(&head, "connection"), None, "a normal kept-alive answer: {head}");
    assert!(body.starts_with(br#"{"code":"00""#));
    assert!(gw.order("ORDER0001").is_some());

    // Idle, the connection still looks alive: nothing arrives, no close.
    let mut buf = [0u8; 64];
    let idle = tokio::time::timeout(Duration::from_millis(100), stream.read(&mut buf)).await;
    assert!(idle.is_err(), "the connection closed before the next request: {idle:?}");
    assert_eq!(gw.closed_keep_alive_connections(), 0);

    // The next request goes out on it and is reset unread.
    let (head, body) = raw_payout(&gw, "ORDER0002");
    stream.write_all(&[head, body].concat()).await.unwrap();
    let reset = stream.read(&mut buf).await.unwrap_err();
    assert_eq!(reset.kind(), ErrorKind::ConnectionReset, "{reset:?}");
    assert_eq!(gw.closed_keep_alive_connections(), 1);
    assert_eq!(gw.payout_requests_for("ORDER0002"), 0);
    assert!(gw.order("ORDER0002").is_none());
    let received = gw.received();
    assert_eq!(received.len(), 1, "the second request was never read");
    assert_eq!(received[0].fault, Some(Fault::CloseIdleKeepAlive));
    assert!(received[0].handled);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pooling_client_writes_its_next_request_onto_the_dead_connection() {
    let gw = gateway().await;
    let http = no_redirects();
    gw.inject(Endpoint::Payout, Fault::CloseIdleKeepAlive);
    let first = send_payout(&http, &gw, "ORDER0001").await.unwrap();
    assert_eq!(first.status().as_u16(), 200);
    first.bytes().await.unwrap();
    // Let the client put the connection back in its pool.
    tokio::time::sleep(Duration::from_millis(20)).await;
    let err = send_payout(&http, &gw, "ORDER0002").await.unwrap_err();
    // Not a connect failure: the request was written, then the connection died.
    assert!(!err.is_connect() && !err.is_timeout(), "{err:?}");
    assert_eq!(gw.closed_keep_alive_connections(), 1);
    assert_eq!(gw.payout_requests_for("ORDER0002"), 0);
    // A new connection works.
    assert_eq!(send_payout(&http, &gw, "ORDER0002").await.unwrap().status().as_u16(), 200);
    assert_eq!(gw.payout_requests_for("ORDER0002"), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_client_that_closes_the_idle_connection_itself_is_not_counted() {
    let gw = gateway().await;
    gw.inject(Endpoint::Payout, Fault::CloseIdleKeepAlive);
    let mut stream = connect(&gw).await;
    let (head, body) = raw_payout(&gw, "ORDER0001");
    stream.write_all(&[head, body].concat()).await.unwrap();
    read_answer(&mut stream).await.unwrap();
    drop(stream);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(gw.closed_keep_alive_connections(), 0);
    // The gateway still serves new connections.
    let answer = send_payout(&no_redirects(), &gw, "ORDER0002").await.unwrap();
    assert_eq!(answer.status().as_u16(), 200);
}
