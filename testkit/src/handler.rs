//! One HTTP request from arrival to answer: route, authenticate, answer, record, and
//! spoil the answer with the fault queued for the endpoint, if any.

use crate::auth;
use crate::codes;
use crate::endpoints;
use crate::faults::{Endpoint, Fault, MALFORMED_BODY, SERVER_ERROR_BODY};
use crate::received::ReceivedRequest;
use crate::state::Shared;
use crate::wire::Reply;
use bytes::Bytes;
use http::{HeaderMap, Method, Request, Response, StatusCode, header};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use std::fmt;
use std::sync::Arc;

/// Request bodies larger than this are refused (the documented ones are under 2 KiB).
const MAX_BODY_BYTES: usize = 1 << 20;

/// Returned to hyper to close the connection without an answer.
#[derive(Debug)]
pub(crate) struct DropConnection;

impl fmt::Display for DropConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection dropped on purpose (Fault::DropAfterAccept)")
    }
}

impl std::error::Error for DropConnection {}

/// Handles one request.
pub(crate) async fn handle(
    shared: Arc<Shared>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, DropConnection> {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_owned();
    let endpoint = Endpoint::from_path(&path);
    let fault = endpoint.and_then(|e| shared.faults.pop(e));
    let (body, reply) = match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => {
            let body = collected.to_bytes();
            let reply = route(&shared, &parts.method, &path, endpoint, &parts.headers, &body);
            (body, reply)
        }
        Err(e) => (Bytes::new(), Reply::refusal(400, codes::INVALID_REQUEST, format!("could not read the body: {e}"))),
    };
    record(&shared, &parts.method, &path, &parts.headers, &body, &reply, fault.as_ref());
    match fault {
        None => Ok(json_response(&shared, reply)),
        Some(Fault::Delay(delay)) => {
            tokio::time::sleep(delay).await;
            Ok(json_response(&shared, reply))
        }
        Some(Fault::ServerErrorAfterAccept) => Ok(response(500, "text/plain", SERVER_ERROR_BODY.into())),
        Some(Fault::MalformedAfterAccept) => Ok(response(200, "application/json", MALFORMED_BODY.into())),
        Some(Fault::DropAfterAccept) => Err(DropConnection),
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

fn record(
    shared: &Shared,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    body: &[u8],
    reply: &Reply,
    fault: Option<&Fault>,
) {
    shared.log.push(ReceivedRequest {
        method: method.to_string(),
        path: path.to_owned(),
        headers: headers
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect(),
        body: body.to_vec(),
        http_status: reply.http_status,
        code: reply.code.clone(),
        fault: fault.cloned(),
    });
}

fn json_response(shared: &Shared, reply: Reply) -> Response<Full<Bytes>> {
    let mut response = response(reply.http_status, "application/json", reply.body.into());
    if let Ok(timestamp) = Shared::gateway_time(shared.now()).parse() {
        response.headers_mut().insert("X-TIMESTAMP", timestamp);
    }
    response
}

fn response(status: u16, content_type: &'static str, body: Bytes) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response.headers_mut().insert(header::CONTENT_TYPE, header::HeaderValue::from_static(content_type));
    response
}
