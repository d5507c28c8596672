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

use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, HeaderValue, RETRY_AFTER, USER_AGENT};
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

pub struct HookSender {
    client: reqwest::Client,
    /// Private and loopback addresses allowed (development and tests).
    allow_private: bool,
    /// Plain http refused (production).
    https_only: bool,
}

impl HookSender {
    pub fn new(allow_private: bool, https_only: bool) -> anyhow::Result<Self> {
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(TIMEOUT)
            .connect_timeout(TIMEOUT)
            .tcp_nodelay(true);
        if !allow_private {
            builder = builder.dns_resolver(guard::resolver());
        }
        Ok(Self {
            client: builder.build()?,
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
        if self.https_only && url.scheme() != "https" {
            return Err(refused("only https URLs are delivered to"));
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
        let mut request = self
            .client
            .post(url)
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .header(USER_AGENT, HeaderValue::from_static("Shirase-Webhooks/1"));
        if target.channel == HookChannel::Webhook {
            let timestamp = now.timestamp();
            let secrets: Vec<&str> = target.secrets.iter().map(String::as_str).collect();
            request = request
                .header("webhook-id", message_id)
                .header("webhook-timestamp", timestamp.to_string())
                .header(
                    "webhook-signature",
                    sign::signature(&secrets, message_id, timestamp, &body),
                );
        }
        let mut response = request.body(body).send().await.map_err(|e| Undelivered {
            status: None,
            error: describe(&e),
            transient: !is_refusal(&e),
            retry_after: None,
        })?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| retry_after(v, now));
        let mut reply = Vec::new();
        while reply.len() < REPLY_LIMIT {
            match response.chunk().await {
                Ok(Some(chunk)) => reply.extend_from_slice(&chunk),
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
fn is_refusal(e: &reqwest::Error) -> bool {
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
fn describe(e: &reqwest::Error) -> String {
    if is_refusal(e) {
        return "the host resolves to an address that webhooks may not reach".to_owned();
    }
    if e.is_timeout() {
        return format!("no answer within {} s", TIMEOUT.as_secs());
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
