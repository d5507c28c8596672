//! Logging. Requests are logged by route pattern, never by concrete path: paths and query
//! strings carry activation and reset tokens. Every request has an id, taken from its
//! `X-Request-Id` when that is sane or made up: it is echoed in the response, carried by
//! every line logged while the request is handled, and named in problem documents.
//! `SHIRASE_LOG_FORMAT=json` writes one JSON object per line.

use std::sync::Arc;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use tracing::Instrument;
use tracing_subscriber::EnvFilter;

pub fn init() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,actix_server=warn"));
    // `try_init`: tests build many applications in one process.
    let json = std::env::var("SHIRASE_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json"));
    let _ = if json {
        tracing_subscriber::fmt()
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .with_env_filter(filter)
            .try_init()
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).try_init()
    };
}

tokio::task_local! {
    /// The id of the request this task is handling.
    static REQUEST_ID: Arc<str>;
}

/// The id of the request being handled, if any.
pub fn request_id() -> Option<Arc<str>> {
    REQUEST_ID.try_with(Arc::clone).ok()
}

/// The client's id when it is one we can log and echo safely: 1 to 64 visible ASCII
/// characters. Otherwise a new one.
fn request_id_of(req: &ServiceRequest) -> Arc<str> {
    let given = req
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| (1..=64).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_graphic()));
    match given {
        Some(id) => id.into(),
        None => uuid::Uuid::now_v7().simple().to_string().into(),
    }
}

const REQUEST_ID_HEADER: &str = "x-request-id";

/// For tests: output goes through the test harness, shown only when a test fails.
pub fn init_for_tests() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_test_writer()
        .try_init();
}

pub async fn log_request(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let id = request_id_of(&req);
    let span = tracing::info_span!("request", request_id = %id);
    let mut response = REQUEST_ID
        .scope(id.clone(), next.call(req))
        .instrument(span.clone())
        .await?;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response
            .headers_mut()
            .insert(HeaderName::from_static(REQUEST_ID_HEADER), value);
    }
    let recording = crate::metrics::recording();
    let logging = tracing::enabled!(tracing::Level::INFO);
    if !recording && !logging {
        // Finding the route pattern routes the request a second time: not for nothing.
        return Ok(response);
    }
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    let method = response.request().method().clone();
    let route = response
        .request()
        .match_pattern()
        .unwrap_or_else(|| "(static)".into());
    if recording {
        ::metrics::counter!(
            crate::metrics::HTTP_REQUESTS,
            "route" => route.clone(),
            "method" => method.to_string(),
            "status" => status.to_string(),
        )
        .increment(1);
        ::metrics::histogram!(
            crate::metrics::HTTP_DURATION,
            "route" => route.clone(),
            "method" => method.to_string(),
        )
        .record(elapsed.as_secs_f64());
    }
    span.in_scope(|| {
        tracing::info!(
            %method,
            route,
            status,
            elapsed_ms = elapsed.as_millis() as u64,
            "request"
        );
    });
    Ok(response)
}
