//! `GET /metrics`: Prometheus's text format behind a bearer token, with the requests, the
//! deliveries, the outbox, the pool and the rate limits an operator watches. The recorder is
//! one per process, so this file is a test binary of its own and compares figures before and
//! after, never absolute values.

use serde_json::json;
use shirase_tests::app::METRICS_TOKEN;
use shirase_tests::flows::{customer, login, operator, publish};
use shirase_tests::{Backend, Mode, TestApp, fixtures};

/// The value of the sample `name` whose labels include every one of `labels` (summed over
/// the samples that match), or 0 when there is none.
fn sample(text: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let (series, value) = l.rsplit_once(' ')?;
            let (metric, rest) = series.split_once('{').unwrap_or((series, ""));
            (metric == name
                && labels
                    .iter()
                    .all(|(k, v)| rest.contains(&format!("{k}=\"{v}\""))))
            .then(|| value.parse::<f64>().ok())
            .flatten()
        })
        .sum()
}

async fn scrape(app: &TestApp) -> anyhow::Result<String> {
    let res = app
        .http
        .get(app.url("/metrics"))
        .bearer_auth(METRICS_TOKEN)
        .send()
        .await?;
    anyhow::ensure!(res.status() == 200, "{}", res.status());
    let ct = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    anyhow::ensure!(ct.starts_with("text/plain; version=0.0.4"), "{ct}");
    Ok(res.text().await?)
}

async fn metrics_follow_what_happens(backend: Backend) -> anyhow::Result<()> {
    let mode = Mode {
        metrics: true,
        ..Mode::default()
    };
    let Some(app) = TestApp::spawn_with(backend, mode).await? else {
        return Ok(());
    };
    // Without the token, or with another, nothing is shown.
    let anonymous = app.get("/metrics", None).await?;
    assert_eq!(anonymous.status, 401);
    anonymous.problem()?;
    assert_eq!(
        app.get("/metrics", Some("not-the-token")).await?.status,
        401
    );

    let before = scrape(&app).await?;
    let op = operator(&app, "op@example.com").await?;
    let reader = customer(&app, "reader@example.com").await?;
    app.db(|conn| {
        let account = fixtures::account_id(conn, "reader@example.com")?;
        fixtures::subscribe(conn, &account, "id-federation", false, true)
    })
    .await?;
    let (notice, receipt) = publish(
        &app,
        &op,
        json!({
            "kind": "outage", "products": ["id-federation"], "title_ja": "認証エラー",
            "body_ja": "調査中です。", "starts_at": "2026-12-02T01:00:00Z",
        }),
    )
    .await?;
    assert_eq!(receipt.audience, 1);
    // Recorded as sent, so its attempt has been counted.
    let progress = format!("/api/v1/notices/{notice}/deliveries");
    for _ in 0..100 {
        if app.get(&progress, Some(&op)).await?.body["sent"] == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        app.get("/api/v1/me", Some(&reader.access_token))
            .await?
            .status,
        200
    );
    for attempt in 0..6 {
        login(
            &app,
            "someone@example.com",
            &format!("wrong-password-{attempt}"),
        )
        .await?;
    }
    let after = scrape(&app).await?;
    if let Some(dir) = std::env::var_os("SHIRASE_METRICS_SAMPLE") {
        std::fs::write(
            std::path::Path::new(&dir).join(format!("{backend:?}.txt")),
            &after,
        )?;
    }

    let grew = |name: &str, labels: &[(&str, &str)]| {
        sample(&after, name, labels) - sample(&before, name, labels)
    };
    assert!(
        grew(
            "shirase_http_requests_total",
            &[
                ("route", "/api/v1/me"),
                ("method", "GET"),
                ("status", "200")
            ]
        ) >= 1.0,
        "requests by route pattern, method and status"
    );
    assert!(
        grew(
            "shirase_http_request_duration_seconds_count",
            &[("route", "/api/v1/me"), ("method", "GET")]
        ) >= 1.0,
        "a latency histogram"
    );
    assert!(
        after.contains("shirase_http_request_duration_seconds_bucket{"),
        "histogram buckets"
    );
    assert!(
        grew(
            "shirase_deliveries_queued_total",
            &[("channel", "email"), ("kind", "notice")]
        ) >= 1.0
    );
    assert!(
        grew(
            "shirase_deliveries_queued_total",
            &[("channel", "email"), ("kind", "account_mail")]
        ) >= 2.0,
        "the two activation mails"
    );
    assert!(
        grew(
            "shirase_delivery_attempts_total",
            &[
                ("channel", "email"),
                ("kind", "notice"),
                ("outcome", "sent")
            ]
        ) >= 1.0
    );
    assert!(
        grew(
            "shirase_delivery_attempt_duration_seconds_count",
            &[("channel", "email")]
        ) >= 3.0
    );
    assert!(grew("shirase_dispatcher_claim_duration_seconds_count", &[]) >= 1.0);
    assert!(
        grew(
            "shirase_rate_limit_rejections_total",
            &[("action", "login_failure")]
        ) >= 1.0,
        "the sixth failed login was refused"
    );
    for gauge in [
        "# TYPE shirase_outbox_pending gauge",
        "# TYPE shirase_outbox_oldest_due_age_seconds gauge",
        "shirase_db_connections{state=\"in_use\"}",
        "shirase_db_connections{state=\"idle\"}",
        "# TYPE shirase_db_waiting gauge",
    ] {
        assert!(after.contains(gauge), "{gauge} in\n{after}");
    }
    // No address or token appears in any label.
    assert!(!after.contains("@example.com"));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_metrics_follow_what_happens() -> anyhow::Result<()> {
    metrics_follow_what_happens(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_metrics_follow_what_happens() -> anyhow::Result<()> {
    metrics_follow_what_happens(Backend::Postgres).await
}

/// Without `SHIRASE_METRICS_TOKEN` there is no metrics endpoint at all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_token_there_is_no_metrics_endpoint() -> anyhow::Result<()> {
    let app = TestApp::spawn(Backend::Sqlite).await?;
    let res = app.get("/metrics", Some(METRICS_TOKEN)).await?;
    assert_eq!(res.status, 404);
    res.problem()?;
    Ok(())
}
