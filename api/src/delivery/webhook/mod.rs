//! The webhook channels: generic webhooks (Standard Webhooks), Slack incoming webhooks and
//! Microsoft Teams workflow webhooks, all one HTTPS POST of JSON. No redirect is followed,
//! an answer's body is read to at most `REPLY_LIMIT` bytes, every request ends within
//! `TIMEOUT`, and only public addresses are reached (see `guard`). Secrets and URLs are
//! never logged: a chat webhook's URL is its credential.

pub mod guard;
pub mod payload;
pub mod sign;

use std::net::IpAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use chrono::{DateTime, Utc};
use http::header::{CONTENT_TYPE, HeaderValue, RETRY_AFTER, USER_AGENT};
use http::{Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use shared::dto::HookChannel;

use crate::models::webhook::Endpoint;

/// The longest one delivery may take, connection included.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// How much of an endpoint's answer is read (and kept in the attempt's history).
const REPLY_LIMIT: usize = 2048;

/// Where one delivery goes, as the dispatcher found the destination when it claimed it.
#[derive(Debug, Clone)]
pub struct Target {
    pub channel: HookChannel,
    pub url: String,
    /// Generic webhooks: the secrets that sign (the current one, and the previous one
    /// while a rotation's overlap lasts).
    pub secrets: Vec<String>,
}

impl Target {
    /// Where a delivery to `endpoint` goes at `now`, with the secrets valid then.
    pub fn of(endpoint: &Endpoint, now: chrono::NaiveDateTime) -> Self {
        Self {
            channel: endpoint.channel(),
            url: endpoint.url.clone(),
            secrets: endpoint
                .signing_secrets(now)
                .into_iter()
                .map(str::to_owned)
                .collect(),
        }
    }
}

/// An answer in 2xx.
#[derive(Debug, Clone)]
pub struct Delivered {
    pub status: u16,
    pub reply: String,
}

/// An attempt that did not deliver.
#[derive(Debug, Clone)]
pub struct Undelivered {
    /// The endpoint's status, when it answered.
    pub status: Option<u16>,
    pub error: String,
    /// Trying again could succeed (timeouts, 5xx, 429, 408, connection trouble).
    pub transient: bool,
    /// A 429's or 503's `Retry-After`.
    pub retry_after: Option<Duration>,
}

/// Posts webhook deliveries: hyper's pooled client over a connector of our own, not a
/// higher-level client. The dispatcher needs no redirects, proxies, cookies or URL
/// rewriting, and their layers cost a measurable share of each request at tens of
/// thousands a second (see docs/benchmarks.md).
pub struct HookSender {
    client: Client<HttpsConnector<HttpConnector<guard::GuardedResolver>>, Full<Bytes>>,
    /// Private and loopback addresses allowed (development and tests).
    allow_private: bool,
    /// Plain http refused (production).
    https_only: bool,
}

impl HookSender {
    pub fn new(allow_private: bool, https_only: bool) -> anyhow::Result<Self> {
        let mut http = HttpConnector::new_with_resolver(guard::GuardedResolver { allow_private });
        http.enforce_http(false);
        http.set_nodelay(true);
        http.set_connect_timeout(Some(TIMEOUT));
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(rustls::crypto::ring::default_provider())?
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        // Every idle connection is kept: under `CONCURRENCY` requests to one endpoint a
        // smaller pool would close and reopen connections all the time.
        let client = Client::builder(TokioExecutor::new())
            .pool_timer(TokioTimer::new())
            .pool_idle_timeout(Duration::from_secs(90))
            .build(https);
        Ok(Self {
            client,
            allow_private,
            https_only,
        })
    }

    /// Posts `body` to `target`, signed when the channel signs.
    pub async fn post(
        &self,
        target: &Target,
        message_id: &str,
        body: String,
        now: DateTime<Utc>,
    ) -> Result<Delivered, Undelivered> {
        let refused = |error: &str| Undelivered {
            status: None,
            error: error.to_owned(),
            transient: false,
            retry_after: None,
        };
        let url = url::Url::parse(&target.url).map_err(|_| refused("not a valid URL"))?;
        match url.scheme() {
            "https" => {}
            "http" if !self.https_only => {}
            "http" => return Err(refused("only https URLs are delivered to")),
            _ => return Err(refused("not an http or https URL")),
        }
        // A name goes through the guarded resolver; an address written in the URL is
        // judged here, as no resolver sees it.
        if !self.allow_private {
            let literal = match url.host() {
                Some(url::Host::Ipv4(v4)) => Some(IpAddr::V4(v4)),
                Some(url::Host::Ipv6(v6)) => Some(IpAddr::V6(v6)),
                _ => None,
            };
            if literal.is_some_and(|ip| !guard::is_public(ip)) {
                return Err(refused("the address may not be reached by webhooks"));
            }
        }
        let uri: http::Uri = url
            .as_str()
            .parse()
            .map_err(|_| refused("not a valid URL"))?;
        let mut request = Request::builder()
            .method(Method::POST)
            .uri(uri)
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .header(USER_AGENT, HeaderValue::from_static("Shirase-Webhooks/1"));
        if target.channel == HookChannel::Webhook {
            let timestamp = now.timestamp();
            let secrets: Vec<&str> = target.secrets.iter().map(String::as_str).collect();
            request = request
                .header("webhook-id", message_id)
                .header("webhook-timestamp", timestamp)
                .header(
                    "webhook-signature",
                    sign::signature(&secrets, message_id, timestamp, &body),
                );
        }
        let request = request
            .body(Full::new(Bytes::from(body)))
            .map_err(|_| refused("the request could not be built"))?;
        let timed_out = || Undelivered {
            status: None,
            error: format!("no answer within {} s", TIMEOUT.as_secs()),
            transient: true,
            retry_after: None,
        };
        // One deadline for the whole exchange, connecting and reading the answer included.
        let deadline = tokio::time::Instant::now() + TIMEOUT;
        let response = tokio::time::timeout_at(deadline, self.client.request(request))
            .await
            .map_err(|_| timed_out())?
            .map_err(|e| Undelivered {
                status: None,
                error: describe(&e),
                transient: !is_refusal(&e),
                retry_after: None,
            })?;
        let (head, mut incoming) = response.into_parts();
        let status = head.status;
        let retry_after = head
            .headers
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| retry_after(v, now));
        // At most `REPLY_LIMIT` bytes are read; the rest of a longer answer goes with its
        // connection.
        let mut reply = Vec::new();
        while reply.len() < REPLY_LIMIT {
            match tokio::time::timeout_at(deadline, incoming.frame()).await {
                Ok(Some(Ok(frame))) => {
                    if let Ok(data) = frame.into_data() {
                        reply.extend_from_slice(&data);
                    }
                }
                _ => break,
            }
        }
        reply.truncate(REPLY_LIMIT);
        let reply = String::from_utf8_lossy(&reply).into_owned();
        if status.is_success() {
            return Ok(Delivered {
                status: status.as_u16(),
                reply,
            });
        }
        let transient = status.is_server_error()
            || status == StatusCode::TOO_MANY_REQUESTS
            || status == StatusCode::REQUEST_TIMEOUT;
        let what = if status.is_redirection() {
            " (redirects are not followed)"
        } else {
            ""
        };
        Err(Undelivered {
            status: Some(status.as_u16()),
            error: format!("HTTP {}{what} {}", status.as_u16(), reply.trim())
                .trim_end()
                .to_owned(),
            transient,
            retry_after,
        })
    }
}

/// Whether a request failed because the guard refused its address (not worth retrying).
fn is_refusal(e: &hyper_util::client::legacy::Error) -> bool {
    let mut source: Option<&dyn std::error::Error> = Some(e);
    while let Some(s) = source {
        if s.downcast_ref::<guard::Refused>().is_some() {
            return true;
        }
        source = s.source();
    }
    false
}

/// What went wrong, without the URL (a chat webhook's URL is its credential).
fn describe(e: &hyper_util::client::legacy::Error) -> String {
    if is_refusal(e) {
        return "the host resolves to an address that webhooks may not reach".to_owned();
    }
    if e.is_connect() {
        return "could not connect".to_owned();
    }
    "the request failed".to_owned()
}

/// `Retry-After` as seconds or as an HTTP date; at most a day.
fn retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let wait = match value.trim().parse::<u64>() {
        Ok(seconds) => Duration::from_secs(seconds),
        Err(_) => {
            let at = DateTime::parse_from_rfc2822(value.trim()).ok()?;
            (at.with_timezone(&Utc) - now).to_std().ok()?
        }
    };
    Some(wait.min(Duration::from_secs(86_400)))
}

/// Milliseconds since `started`, for the attempt's history.
pub fn elapsed_ms(started: Instant) -> i32 {
    i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_retry_after_in_both_forms() {
        let now = DateTime::parse_from_rfc3339("2026-11-30T00:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default();
        assert_eq!(retry_after("120", now), Some(Duration::from_secs(120)));
        assert_eq!(
            retry_after("Mon, 30 Nov 2026 00:05:00 GMT", now),
            Some(Duration::from_secs(300))
        );
        assert_eq!(
            retry_after("999999", now),
            Some(Duration::from_secs(86_400))
        );
        assert_eq!(retry_after("soon", now), None);
    }
}
