//! Loads the language-neutral golden vectors in `tests/vectors/` for the Rust suites.

use serde_json::Value;
use std::path::PathBuf;

/// The folder holding the vectors.
pub fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("vectors")
}

/// Reads and parses one vector file; a missing or broken file is a test failure.
pub fn load(name: &str) -> Value {
    let path = vectors_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// A string at a JSON pointer, or a test failure naming the pointer.
pub fn text<'a>(value: &'a Value, pointer: &str) -> &'a str {
    value.pointer(pointer).and_then(Value::as_str).unwrap_or_else(|| panic!("no string at {pointer}"))
}

/// The camelCase input of the golden request `name` of requests.json (a sample request
/// every suite shares), or a test failure.
pub fn golden_input(name: &str) -> Value {
    let requests = load("requests.json");
    let found = requests["cases"].as_array().and_then(|cases| cases.iter().find(|c| c["name"] == name));
    found.unwrap_or_else(|| panic!("no golden request {name:?}"))["request"].clone()
}

/// The golden request `name` under `order_no`, without its `callbackUrl`.
pub fn golden_request(name: &str, order_no: &str) -> smilepayz::PayoutRequest {
    let mut input = golden_input(name);
    input["orderNo"] = order_no.into();
    input.as_object_mut().map(|o| o.remove("callbackUrl"));
    smilepayz::PayoutRequest::from_json(input, smilepayz::Case::Camel).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The `headers` of a callbacks.json case as (name, value) pairs.
pub fn header_pairs(case: &Value) -> Vec<(String, String)> {
    case["headers"]
        .as_array()
        .unwrap_or_else(|| panic!("no headers in {case}"))
        .iter()
        .map(|h| (h[0].as_str().unwrap_or("").to_owned(), h[1].as_str().unwrap_or("").to_owned()))
        .collect()
}

/// The test-only keys.
pub fn keys() -> Value {
    load("keys.json")
}

/// An in-memory sink for `tracing` output, for tests that read what was logged.
#[derive(Clone, Default)]
pub struct CapturedLog(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl CapturedLog {
    /// Everything written so far, as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
    }
}

impl std::io::Write for CapturedLog {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Reads one HTTP/1.1 message from `stream`: its head (up to the blank line) and its
/// `Content-Length` body; `None` when the stream ends first. Written by hand so that nothing
/// of reqwest or hyper decides what the tests' own servers and proxies see.
pub async fn read_http_message(stream: &mut tokio::net::TcpStream) -> Option<(String, Vec<u8>)> {
    use tokio::io::AsyncReadExt;
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&data[..end]).into_owned();
            let length: usize = head
                .lines()
                .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_owned()))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            if data.len() >= end + 4 + length {
                return Some((head, data[end + 4..end + 4 + length].to_vec()));
            }
        }
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => data.extend_from_slice(&buf[..n]),
        }
    }
}
