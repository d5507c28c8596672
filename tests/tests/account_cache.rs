//! An account's own lists (`/me/subscriptions`, `/me/recipients`, `/me/destinations`) are
//! served from each process's memory, revalidated by ETag and compressed once, and change at
//! once when the account's data does: in the process that made the change, and on
//! PostgreSQL in every other process too, whoever wrote it. One account never gets another's.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, ETAG, HeaderMap, IF_NONE_MATCH, VARY,
};
use serde_json::{Value, json};
use shirase_tests::flows::customer;
use shirase_tests::process::Process;
use shirase_tests::{Backend, TestApp, backend_tests, fixtures};

/// What a GET of an account's list answered.
struct Got {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Got {
    fn header(&self, name: reqwest::header::HeaderName) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    fn json(&self) -> anyhow::Result<Value> {
        Ok(serde_json::from_slice(&self.body)?)
    }
}

async fn get(
    http: &reqwest::Client,
    url: &str,
    token: &str,
    headers: &[(reqwest::header::HeaderName, &str)],
) -> anyhow::Result<Got> {
    let mut req = http.get(url).bearer_auth(token);
    for (name, value) in headers {
        req = req.header(name, *value);
    }
    let res = req.send().await?;
    Ok(Got {
        status: res.status(),
        headers: res.headers().clone(),
        body: res.bytes().await?.to_vec(),
    })
}

/// The products of a `/me/subscriptions` body, with their outage flag.
fn products(list: &Value) -> Vec<(String, bool)> {
    list.as_array()
        .into_iter()
        .flatten()
        .map(|s| {
            (
                s["product"]["slug"].as_str().unwrap_or_default().to_owned(),
                s["outage_mail"].as_bool().unwrap_or_default(),
            )
        })
        .collect()
}

backend_tests! {
    async fn an_accounts_lists_are_kept_and_change_at_once(app: TestApp) -> anyhow::Result<()> {
        let alice = customer(&app, "alice@example.com").await?.access_token;
        let bob = customer(&app, "bob@example.com").await?.access_token;
        for product in ["id-federation", "object-storage", "directory-service"] {
            let path = format!("/api/v1/me/subscriptions/{product}");
            let res = app.call(reqwest::Method::PUT, &path, Some(&alice), None).await?;
            assert!(res.status == 201 || res.status == 200, "{res:?}");
        }
        let url = app.url("/api/v1/me/subscriptions");

        // Revalidated every time, kept by the browser only, and a 304 while unchanged.
        let first = get(&app.http, &url, &alice, &[]).await?;
        assert_eq!(first.status, 200);
        assert_eq!(first.header(CACHE_CONTROL), "private, no-cache");
        assert_eq!(first.header(VARY), "Accept-Encoding");
        let tag = first.header(ETAG).to_owned();
        assert!(tag.starts_with('"'), "a strong tag: {tag}");
        assert_eq!(products(&first.json()?).len(), 3);
        let again = get(&app.http, &url, &alice, &[(IF_NONE_MATCH, &tag)]).await?;
        assert_eq!(again.status, 304);
        assert!(again.body.is_empty());
        // Above 1 KB, compressed as the client accepts; the tag becomes weak and still
        // revalidates.
        assert!(first.body.len() > 1024, "{} bytes", first.body.len());
        for (accept, encoding) in [("br", "br"), ("gzip", "gzip")] {
            let packed = get(&app.http, &url, &alice, &[(ACCEPT_ENCODING, accept)]).await?;
            assert_eq!(packed.status, 200);
            assert_eq!(packed.header(CONTENT_ENCODING), encoding);
            assert!(packed.body.len() < first.body.len());
            assert_eq!(packed.header(ETAG), format!("W/{tag}"));
        }

        // Another account has lists of its own, kept beside Alice's.
        let theirs = get(&app.http, &url, &bob, &[]).await?;
        assert_eq!(theirs.status, 200);
        assert_eq!(products(&theirs.json()?), vec![]);
        let not_theirs = get(&app.http, &url, &bob, &[(IF_NONE_MATCH, &tag)]).await?;
        assert_eq!(not_theirs.status, 200, "Alice's tag is not Bob's list");

        // A change through the API shows in the very next read.
        let res = app
            .call(
                reqwest::Method::PATCH,
                "/api/v1/me/subscriptions/id-federation",
                Some(&alice),
                Some(json!({"outage_mail": true})),
            )
            .await?;
        assert_eq!(res.status, 200, "{res:?}");
        let changed = get(&app.http, &url, &alice, &[(IF_NONE_MATCH, &tag)]).await?;
        assert_eq!(changed.status, 200);
        assert_ne!(changed.header(ETAG), tag);
        assert!(products(&changed.json()?).contains(&("id-federation".into(), true)));

        // The addresses too: a new one is listed at once.
        let recipients = app.url("/api/v1/me/recipients");
        let before = get(&app.http, &recipients, &alice, &[]).await?;
        assert_eq!(before.status, 200);
        assert_eq!(before.header(CACHE_CONTROL), "private, no-cache");
        let count = |got: &Got| got.json().map(|v| v.as_array().map_or(0, Vec::len));
        let listed = count(&before)?;
        let res = app
            .post(
                "/api/v1/me/recipients",
                Some(&alice),
                json!({"email": "ops@example.com"}),
            )
            .await?;
        assert_eq!(res.status, 201, "{res:?}");
        let after = get(&app.http, &recipients, &alice, &[]).await?;
        assert_eq!(count(&after)?, listed + 1);
        let destinations = get(&app.http, &app.url("/api/v1/me/destinations"), &alice, &[]).await?;
        assert_eq!(destinations.status, 200);
        assert_eq!(destinations.header(CACHE_CONTROL), "private, no-cache");

        // A change written straight to the database is heard on PostgreSQL (its triggers
        // notify every process); SQLite's one process cannot hear it and serves what it
        // holds until the entry's age (5 s) runs out: the answer comes from memory.
        let kept = get(&app.http, &url, &alice, &[]).await?;
        assert_eq!(products(&kept.json()?).len(), 3);
        let account = app
            .db(|conn| fixtures::account_id(conn, "alice@example.com"))
            .await?;
        app.db(move |conn| {
            use api::schema::subscriptions::dsl::*;
            use diesel::prelude::*;
            diesel::delete(subscriptions.filter(account_id.eq(account)))
                .execute(conn)?;
            Ok(())
        })
        .await?;
        let mut heard = false;
        for _ in 0..20 {
            let got = get(&app.http, &url, &alice, &[]).await?;
            if products(&got.json()?).is_empty() {
                heard = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(heard, app.backend == Backend::Postgres);
        Ok(())
    }
}

/// Two processes on one PostgreSQL database: a change made through one is served by the
/// other at once, not when its copy would have aged out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_another_process_serves_an_accounts_change_at_once() -> anyhow::Result<()> {
    let Some(app) = TestApp::spawn_postgres().await? else {
        return Ok(());
    };
    let url = app.state.settings.database_url.expose().to_owned();
    let secret = app.state.settings.jwt_secret.expose().to_owned();
    let other = Process::start(
        &url,
        &[("SHIRASE_DISPATCH", "off"), ("SHIRASE_JWT_SECRET", &secret)],
    )
    .await?;
    let alice = customer(&app, "alice@example.com").await?.access_token;
    let http = reqwest::Client::new();
    let list = format!("{}/api/v1/me/subscriptions", other.base);
    for _ in 0..2 {
        // The second read comes from the other process's memory.
        let got = get(&http, &list, &alice, &[]).await?;
        assert_eq!(got.status, 200, "{}", other.log());
        assert_eq!(products(&got.json()?), vec![]);
    }

    let res = app
        .call(
            reqwest::Method::PUT,
            "/api/v1/me/subscriptions/id-federation",
            Some(&alice),
            None,
        )
        .await?;
    assert!(res.status == 201 || res.status == 200, "{res:?}");
    let mut served = None;
    for attempt in 0..40 {
        let got = get(&http, &list, &alice, &[]).await?;
        if !products(&got.json()?).is_empty() {
            served = Some(attempt);
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(
        served.is_some(),
        "the other process still serves the old list after 1 s; its log:\n{}",
        other.log()
    );
    Ok(())
}
