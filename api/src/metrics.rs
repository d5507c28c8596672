//! Prometheus metrics. The `metrics` facade records them wherever they happen (requests,
//! the dispatcher, the throttle); one recorder per process keeps them, and `GET /metrics`
//! renders them in the text exposition format, behind `SHIRASE_METRICS_TOKEN`.
//!
//! Names follow Prometheus's conventions: a `shirase_` prefix, `_total` on counters, base
//! units (`_seconds`). Labels take a handful of values each (route patterns, never paths).

use std::sync::OnceLock;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// Request durations: a hello answers in microseconds, a login (argon2) in a few hundred
/// milliseconds.
const REQUEST_BUCKETS: &[f64] = &[
    0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// Dispatcher stages: a claim or an attempt, from a local sink's sub-millisecond answer to
/// a webhook's 10 s timeout and SMTP's 30 s.
const DISPATCH_BUCKETS: &[f64] = &[
    0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

pub const HTTP_REQUESTS: &str = "shirase_http_requests_total";
pub const HTTP_DURATION: &str = "shirase_http_request_duration_seconds";
pub const DELIVERIES_QUEUED: &str = "shirase_deliveries_queued_total";
pub const DELIVERY_ATTEMPTS: &str = "shirase_delivery_attempts_total";
pub const ATTEMPT_DURATION: &str = "shirase_delivery_attempt_duration_seconds";
pub const CLAIM_DURATION: &str = "shirase_dispatcher_claim_duration_seconds";
pub const OUTBOX_PENDING: &str = "shirase_outbox_pending";
pub const OUTBOX_OLDEST_AGE: &str = "shirase_outbox_oldest_due_age_seconds";
pub const DB_CONNECTIONS: &str = "shirase_db_connections";
pub const DB_WAITING: &str = "shirase_db_waiting";
pub const RATE_LIMITED: &str = "shirase_rate_limit_rejections_total";

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Whether the process records metrics (its recorder is installed): without one, what
/// only feeds metrics need not be worked out.
pub fn recording() -> bool {
    HANDLE.get().is_some()
}

/// The process's recorder, installed on first use: every application in the process (tests
/// run several) records into it.
pub fn handle() -> &'static PrometheusHandle {
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full(HTTP_DURATION.to_owned()), REQUEST_BUCKETS)
            .and_then(|b| {
                b.set_buckets_for_metric(
                    Matcher::Suffix("_duration_seconds".to_owned()),
                    DISPATCH_BUCKETS,
                )
            });
        let recorder = match builder {
            Ok(builder) => builder.build_recorder(),
            // The buckets above are constants: this does not happen.
            Err(e) => {
                tracing::error!(error = %e, "metric buckets refused; histograms become summaries");
                PrometheusBuilder::new().build_recorder()
            }
        };
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("a metrics recorder was already installed; /metrics renders its own");
        }
        describe();
        handle
    })
}

fn describe() {
    use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
    describe_counter!(
        HTTP_REQUESTS,
        "HTTP requests answered, by route pattern, method and status"
    );
    describe_histogram!(
        HTTP_DURATION,
        Unit::Seconds,
        "Time to answer an HTTP request"
    );
    describe_counter!(
        DELIVERIES_QUEUED,
        "Deliveries written to the ledger, by channel (`hook` counts generic, Slack and Teams \
         webhooks of a publication together) and kind"
    );
    describe_counter!(
        DELIVERY_ATTEMPTS,
        "Delivery attempts, by channel, kind and outcome (sent, retry, failed)"
    );
    describe_histogram!(
        ATTEMPT_DURATION,
        Unit::Seconds,
        "Time one delivery attempt took"
    );
    describe_histogram!(
        CLAIM_DURATION,
        Unit::Seconds,
        "Time the dispatcher took to lease a batch and load what it needs"
    );
    describe_gauge!(OUTBOX_PENDING, "Deliveries not yet sent or given up");
    describe_gauge!(
        OUTBOX_OLDEST_AGE,
        Unit::Seconds,
        "How long the oldest due delivery has waited (0 when none is due)"
    );
    describe_gauge!(
        DB_CONNECTIONS,
        "Pooled database connections, by state (in_use, idle)"
    );
    describe_gauge!(DB_WAITING, "Database calls waiting for a connection");
    describe_counter!(RATE_LIMITED, "Requests refused by a rate limit, by action");
}
