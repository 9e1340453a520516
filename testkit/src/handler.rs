//! One HTTP request from arrival to answer: route, authenticate, answer, record, and
//! spoil the answer with the fault queued for the endpoint, if any — or, for the faults
//! that strike before the gateway reads the request, leave it unhandled.

use crate::admin;
use crate::auth;
use crate::codes;
use crate::connection::{ConnectionFault, Ending, unreachable_address};
use crate::endpoints;
use crate::faults::{Endpoint, Fault, MALFORMED_BODY, OVERSIZED_ANSWER_BYTES, SERVER_ERROR_BODY};
use crate::received::ReceivedRequest;
use crate::state::Shared;
use crate::wire::Reply;
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode, header};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Body, Frame, Incoming, SizeHint};
use std::convert::Infallible;
use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

/// Request bodies larger than this are refused (the documented ones are under 2 KiB).
const MAX_BODY_BYTES: usize = 1 << 20;

/// The body of every answer: whole, or padded out for [`Fault::OversizedAfterAccept`].
pub(crate) type AnswerBody = http_body_util::Either<Full<Bytes>, Padded>;

/// Returned to hyper to stop serving the connection without an answer: either closed
/// (`Fault::DropAfterAccept`) or handed back to the connection's task for an [`Ending`].
#[derive(Debug)]
pub(crate) struct Abort(&'static str);

impl fmt::Display for Abort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "connection taken from hyper on purpose ({})", self.0)
    }
}

impl std::error::Error for Abort {}

/// What happens to one request, decided from its fault before the body is read.
enum Plan {
    /// Reset the connection without reading the body; the request is not handled.
    ResetUnread,
    /// Answer this redirect without handling the request.
    RedirectUnhandled(u16),
    /// Handle the request, then answer as the spoiler says.
    Handle(Option<Spoiler>),
}

/// How the answer to a handled request is spoilt.
enum Spoiler {
    Delay(Duration),
    ServerError,
    Drop,
    Malformed,
    Redirect(u16),
    Truncate,
    Oversize,
    CloseAfter,
}

fn plan(fault: Option<&Fault>) -> Plan {
    let spoiler = match fault {
        None => None,
        Some(Fault::ResetDuringUpload) => return Plan::ResetUnread,
        Some(Fault::RedirectBeforeAccept { status }) => return Plan::RedirectUnhandled(*status),
        Some(Fault::Delay(delay)) => Some(Spoiler::Delay(*delay)),
        Some(Fault::ServerErrorAfterAccept) => Some(Spoiler::ServerError),
        Some(Fault::DropAfterAccept) => Some(Spoiler::Drop),
        Some(Fault::MalformedAfterAccept) => Some(Spoiler::Malformed),
        Some(Fault::RedirectAfterAccept { status }) => Some(Spoiler::Redirect(*status)),
        Some(Fault::TruncatedAfterAccept) => Some(Spoiler::Truncate),
        Some(Fault::OversizedAfterAccept) => Some(Spoiler::Oversize),
        Some(Fault::CloseIdleKeepAlive) => Some(Spoiler::CloseAfter),
    };
    Plan::Handle(spoiler)
}

/// Handles one request arriving on the connection whose endings `connection` holds.
pub(crate) async fn handle(
    shared: Arc<Shared>,
    connection: Arc<ConnectionFault>,
    request: Request<Incoming>,
) -> Result<Response<AnswerBody>, Abort> {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_owned();
    if shared.admin_api && path.starts_with(admin::PREFIX) {
        let (body, unreadable) = read_body(body).await;
        let (status, answer) = match unreadable {
            Some(refusal) => admin::error(refusal.http_status, String::from_utf8_lossy(&refusal.body)),
            None => admin::answer(&shared, &parts.method, &path, &body).await,
        };
        return Ok(response(status, "application/json", answer.to_string().into()));
    }
    let endpoint = Endpoint::from_path(&path);
    let fault = endpoint.and_then(|e| shared.faults.pop(e));
    let seen = Seen { shared: &shared, method: &parts.method, path: &path, headers: &parts.headers, fault: &fault };
    match plan(fault.as_ref()) {
        Plan::ResetUnread => {
            seen.record(&[], 0, "", false);
            connection.end_with(Ending::Reset);
            Err(Abort("reset during upload"))
        }
        Plan::RedirectUnhandled(status) => {
            let (body, _) = read_body(body).await;
            seen.record(&body, status, "", false);
            Ok(redirect(status, &path))
        }
        Plan::Handle(spoiler) => {
            let (body, unreadable) = read_body(body).await;
            let reply =
                unreadable.unwrap_or_else(|| route(&shared, &parts.method, &path, endpoint, &parts.headers, &body));
            seen.record(&body, reply.http_status, &reply.code, true);
            spoil(&shared, &connection, &path, reply, spoiler).await
        }
    }
}

/// The body, or an empty one and the refusal when it cannot be read.
async fn read_body(body: Incoming) -> (Bytes, Option<Reply>) {
    match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => (collected.to_bytes(), None),
        Err(e) => {
            (Bytes::new(), Some(Reply::refusal(400, codes::INVALID_REQUEST, format!("could not read the body: {e}"))))
        }
    }
}

/// The answer the client gets for a handled request whose own answer is `reply`.
async fn spoil(
    shared: &Shared,
    connection: &ConnectionFault,
    path: &str,
    reply: Reply,
    spoiler: Option<Spoiler>,
) -> Result<Response<AnswerBody>, Abort> {
    match spoiler {
        None => Ok(json_response(shared, reply)),
        Some(Spoiler::Delay(delay)) => {
            tokio::time::sleep(delay).await;
            Ok(json_response(shared, reply))
        }
        Some(Spoiler::ServerError) => Ok(response(500, "text/plain", SERVER_ERROR_BODY.into())),
        Some(Spoiler::Malformed) => Ok(response(200, "application/json", MALFORMED_BODY.into())),
        Some(Spoiler::Drop) => Err(Abort("drop after accept")),
        Some(Spoiler::Redirect(status)) => Ok(redirect(status, path)),
        Some(Spoiler::Truncate) => {
            connection.end_with(Ending::Raw(truncated(shared, &reply)));
            Err(Abort("truncated answer"))
        }
        Some(Spoiler::Oversize) => {
            let mut response = Response::new(AnswerBody::Right(Padded::new(reply.body.into(), OVERSIZED_ANSWER_BYTES)));
            response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
            stamp(shared, &mut response);
            Ok(response)
        }
        Some(Spoiler::CloseAfter) => {
            connection.end_with(Ending::ResetNextRequest);
            Ok(json_response(shared, reply))
        }
    }
}

fn route(
    shared: &Shared,
    method: &Method,
    path: &str,
    endpoint: Option<Endpoint>,
    headers: &HeaderMap,
    body: &[u8],
) -> Reply {
    let Some(endpoint) = endpoint else {
        return Reply::refusal(404, codes::UNKNOWN_ENDPOINT, format!("no endpoint at {path}"));
    };
    if method != Method::POST {
        return Reply::refusal(405, codes::INVALID_REQUEST, format!("{path} takes POST, not {method}"));
    }
    if let Err(why) = auth::check(shared, headers, body) {
        return Reply::refusal(401, codes::UNAUTHORIZED, why);
    }
    endpoints::answer(shared, endpoint, body)
}

/// A request as it arrived, for the log.
struct Seen<'a> {
    shared: &'a Shared,
    method: &'a Method,
    path: &'a str,
    headers: &'a HeaderMap,
    fault: &'a Option<Fault>,
}

impl Seen<'_> {
    fn record(&self, body: &[u8], http_status: u16, code: &str, handled: bool) {
        self.shared.log.push(ReceivedRequest {
            method: self.method.to_string(),
            path: self.path.to_owned(),
            headers: self
                .headers
                .iter()
                .map(|(k, v)| (k.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
                .collect(),
            body: body.to_vec(),
            http_status,
            code: code.to_owned(),
            fault: self.fault.clone(),
            handled,
        });
    }
}

/// A redirect to the same path on a port where nothing listens.
fn redirect(status: u16, path: &str) -> Response<AnswerBody> {
    let mut response = response(status, "text/plain", Bytes::new());
    let location = format!("http://{}{path}", unreachable_address());
    if let Ok(location) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

/// The head of `reply` with its full `Content-Length`, followed by only half its body.
fn truncated(shared: &Shared, reply: &Reply) -> Bytes {
    let status = StatusCode::from_u16(reply.http_status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let head = format!(
        "HTTP/1.1 {} {}\r\ncontent-type: application/json\r\nx-timestamp: {}\r\ncontent-length: {}\r\n\r\n",
        status.as_u16(),
        status.canonical_reason().unwrap_or(""),
        Shared::gateway_time(shared.now()),
        reply.body.len(),
    );
    let mut raw = head.into_bytes();
    raw.extend_from_slice(&reply.body[..reply.body.len() / 2]);
    Bytes::from(raw)
}

fn json_response(shared: &Shared, reply: Reply) -> Response<AnswerBody> {
    let mut response = response(reply.http_status, "application/json", reply.body.into());
    stamp(shared, &mut response);
    response
}

/// Adds the gateway's `X-TIMESTAMP` header.
fn stamp(shared: &Shared, response: &mut Response<AnswerBody>) {
    if let Ok(timestamp) = Shared::gateway_time(shared.now()).parse() {
        response.headers_mut().insert("X-TIMESTAMP", timestamp);
    }
}

fn response(status: u16, content_type: &'static str, body: Bytes) -> Response<AnswerBody> {
    let mut response = Response::new(AnswerBody::Left(Full::new(body)));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// Spaces, sent again and again to pad an oversized answer.
static PADDING: [u8; 64 << 10] = [b' '; 64 << 10];

/// A JSON answer followed by spaces up to a total size, produced chunk by chunk so that
/// the padding is never held in memory; still valid JSON when read whole.
pub(crate) struct Padded {
    answer: Option<Bytes>,
    remaining: usize,
}

impl Padded {
    fn new(answer: Bytes, total: usize) -> Self {
        let remaining = total.max(answer.len());
        Padded { answer: Some(answer), remaining }
    }
}

impl Body for Padded {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let chunk = match self.answer.take() {
            Some(answer) => answer,
            None if self.remaining == 0 => return Poll::Ready(None),
            None => Bytes::from_static(&PADDING[..self.remaining.min(PADDING.len())]),
        };
        self.remaining -= chunk.len();
        Poll::Ready(Some(Ok(Frame::data(chunk))))
    }

    fn is_end_stream(&self) -> bool {
        self.answer.is_none() && self.remaining == 0
    }

    fn size_hint(&self) -> SizeHint {
        // Exact, so that hyper sends a Content-Length.
        SizeHint::with_exact(u64::try_from(self.remaining).unwrap_or(u64::MAX))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_padded_answer_is_the_answer_then_spaces_of_the_announced_size() {
        let body = Padded::new(Bytes::from_static(br#"{"code":"00"}"#), 200_000);
        assert_eq!(body.size_hint().exact(), Some(200_000));
        let whole = body.collect().await.unwrap().to_bytes();
        assert_eq!(whole.len(), 200_000);
        assert!(whole.starts_with(br#"{"code":"00"} "#));
        assert!(whole[13..].iter().all(|&b| b == b' '));
        let short = Padded::new(Bytes::from_static(b"{}"), 1);
        assert_eq!(short.collect().await.unwrap().to_bytes(), Bytes::from_static(b"{}"));
    }
}
