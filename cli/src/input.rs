//! What commands read: a file or stdin (`-`), byte for byte, and the two shapes a
//! callback can be saved in (a header file and a body, or a raw HTTP request).

use crate::exit::Failure;
use std::io::Read;
use std::path::Path;

/// Header names and values, in order.
pub(crate) type Headers = Vec<(String, String)>;

/// The bytes of `path`, or of stdin for `-`; unreadable is invalid input naming `what`.
pub(crate) fn read_input(what: &str, path: &Path) -> Result<Vec<u8>, Failure> {
    let mut bytes = Vec::new();
    let read = if path == Path::new("-") {
        std::io::stdin().read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::read(path).map(|b| bytes = b)
    };
    read.map_err(|e| Failure::input(format!("cannot read {what} {}: {e}", path.display())))?;
    Ok(bytes)
}

/// `Name: value` lines (a request line or status line first is skipped; a blank line
/// ends them). Returns the pairs and the bytes after the blank line, if any.
pub(crate) fn parse_headers(text: &[u8], what: &str) -> Result<(Headers, Option<Vec<u8>>), Failure> {
    let mut headers = Vec::new();
    let mut rest = text;
    let mut first = true;
    while !rest.is_empty() {
        let end = rest.iter().position(|&b| b == b'\n');
        let (line, next) = match end {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, &rest[rest.len()..]),
        };
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        rest = next;
        if line.is_empty() {
            return Ok((headers, Some(rest.to_vec())));
        }
        let line =
            std::str::from_utf8(line).map_err(|_| Failure::input(format!("{what}: a header line is not UTF-8")))?;
        if first && (line.contains(" HTTP/") || line.starts_with("HTTP/")) {
            first = false;
            continue;
        }
        first = false;
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| Failure::input(format!("{what}: {line:?} is not a `Name: value` header line")))?;
        headers.push((name.trim().to_owned(), value.trim().to_owned()));
    }
    Ok((headers, None))
}

/// A saved raw HTTP request: headers, then the body. A `Content-Length` that disagrees
/// with the body is refused rather than guessed at.
pub(crate) fn parse_request(raw: &[u8]) -> Result<(Headers, Vec<u8>), Failure> {
    let (headers, body) = parse_headers(raw, "--request")?;
    let body = body.ok_or_else(|| Failure::input("--request: no blank line between the headers and the body"))?;
    let length = headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("content-length"));
    if let Some((_, value)) = length {
        let declared: usize = value
            .parse()
            .map_err(|_| Failure::input(format!("--request: Content-Length {value:?} is not a number")))?;
        if declared != body.len() {
            return Err(Failure::input(format!(
                "--request: Content-Length says {declared} bytes but the body has {} (saved with an extra line break?)",
                body.len()
            )));
        }
    }
    Ok((headers, body))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_raw_request_splits_into_headers_and_body_with_either_line_ending() {
        let raw = b"POST /cb HTTP/1.1\r\nX-TIMESTAMP: 2024-01-01T00:00:00+07:00\r\nContent-Length: 2\r\n\r\n{}";
        let (headers, body) = parse_request(raw).unwrap();
        assert_eq!(headers[0], ("X-TIMESTAMP".to_owned(), "2024-01-01T00:00:00+07:00".to_owned()));
        assert_eq!(body, b"{}");
        let (headers, body) = parse_request(b"X-SIGNATURE: a:b\n\n{\"x\":1}\n").unwrap();
        assert_eq!(headers, vec![("X-SIGNATURE".to_owned(), "a:b".to_owned())]);
        assert_eq!(body, b"{\"x\":1}\n");
    }

    #[test]
    fn bad_requests_are_refused_with_the_reason() {
        for (raw, says) in [
            (&b"X-A: 1\r\n{}"[..], "not a `Name: value`"),
            (b"X-A: 1\r\n", "no blank line"),
            (b"Content-Length: 3\r\n\r\n{}", "says 3 bytes but the body has 2"),
            (b"Content-Length: x\r\n\r\n{}", "not a number"),
        ] {
            let e = parse_request(raw).unwrap_err();
            assert!(e.message.contains(says), "{}", e.message);
        }
    }
}
