//! Public documents (catalog, product pages, notices, feeds) are served from each process's memory
//! and change at once when public data does: in the process that made the change, and on
//! PostgreSQL in every other process too, whoever wrote it.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{ETAG, IF_NONE_MATCH};
use serde_json::json;
use shirase_tests::flows::{operator, publish};
use shirase_tests::process::Process;
use shirase_tests::{TestApp, backend_tests};

/// GETs `url`, optionally revalidating `tag`; the status, the ETag and the body.
async fn fetch(
    http: &reqwest::Client,
    url: &str,
    tag: Option<&str>,
) -> anyhow::Result<(StatusCode, String, String)> {
    let mut req = http.get(url);
    if let Some(tag) = tag {
        req = req.header(IF_NONE_MATCH, tag);
    }
    let res = req.send().await?;
    let status = res.status();
    let etag = res
        .headers()
        .get(ETAG)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    Ok((status, etag, res.text().await?))
}

/// Renames ID Federation's English name behind every process's back: straight in the
/// database, as `shirase` on the command line or another tool would.
async fn rename_in_database(app: &TestApp, name: &'static str) -> anyhow::Result<()> {
    app.db(move |conn| {
        use api::schema::products::dsl::*;
        use diesel::prelude::*;
        diesel::update(products.filter(slug.eq("id-federation")))
            .set(name_en.eq(name))
            .execute(conn)?;
        Ok(())
    })
    .await
}

backend_tests! {
    async fn public_documents_change_at_once_with_public_data(app: TestApp) -> anyhow::Result<()> {
        let op = operator(&app, "op@example.com").await?;
        let catalog = app.url("/api/v1/catalog");
        let (status, tag, body) = fetch(&app.http, &catalog, None).await?;
        assert_eq!(status, 200);
        assert!(body.contains("\"ID Federation\""), "{body}");
        let (status, _, _) = fetch(&app.http, &catalog, Some(&tag)).await?;
        assert_eq!(status, 304);
        // Browsers keep the catalog a minute; notices are news, revalidated every time.
        let cache_control = |res: &reqwest::Response| {
            res.headers()
                .get(reqwest::header::CACHE_CONTROL)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        assert_eq!(cache_control(&app.http.get(&catalog).send().await?), "public, max-age=60");
        let list = app.http.get(app.url("/api/v1/notices")).send().await?;
        assert_eq!(cache_control(&list), "public, no-cache");
        let notices = app.url("/api/v1/notices?kind=outage");
        let (status, notices_tag, _) = fetch(&app.http, &notices, None).await?;
        assert_eq!(status, 200);
        assert!(!notices_tag.is_empty());
        // Feeds are public documents too.
        let feed = app.url("/feeds/notices.atom?lang=en");
        let (status, feed_tag, _) = fetch(&app.http, &feed, None).await?;
        assert_eq!(status, 200);
        assert_eq!(fetch(&app.http, &feed, Some(&feed_tag)).await?.0, 304);

        // An operator's edit through the API shows in the very next read.
        let res = app
            .call(reqwest::Method::PATCH, "/api/v1/products/id-federation", Some(&op), Some(json!({"name_en": "ID Federation Service"})))
            .await?;
        assert_eq!(res.status, 200, "{res:?}");
        let (status, renamed, body) = fetch(&app.http, &catalog, Some(&tag)).await?;
        assert_eq!(status, 200);
        assert_ne!(renamed, tag);
        assert!(body.contains("\"ID Federation Service\""), "{body}");
        let (_, _, product) = fetch(&app.http, &app.url("/api/v1/products/id-federation"), None).await?;
        assert!(product.contains("\"ID Federation Service\""), "{product}");

        // So does a publication, in the list and on its page.
        let (notice, _) = publish(&app, &op, json!({
            "kind": "outage", "products": ["id-federation"], "title_ja": "認証エラーの発生について",
            "body_ja": "調査中です。", "starts_at": "2026-12-02T01:00:00Z",
        })).await?;
        let (status, _, body) = fetch(&app.http, &notices, Some(&notices_tag)).await?;
        assert_eq!(status, 200);
        assert!(body.contains(&notice), "{body}");
        let (status, _, body) = fetch(&app.http, &feed, Some(&feed_tag)).await?;
        assert_eq!(status, 200);
        assert!(body.contains(&notice), "{body}");
        let page = app.url(&format!("/api/v1/notices/{notice}"));
        let (status, page_tag, _) = fetch(&app.http, &page, None).await?;
        assert_eq!(status, 200);
        let res = app
            .post(&format!("/api/v1/notices/{notice}/updates"), Some(&op), json!({"body_ja": "復旧しました。", "status": "resolved"}))
            .await?;
        assert_eq!(res.status, 202, "{res:?}");
        let (status, _, body) = fetch(&app.http, &page, Some(&page_tag)).await?;
        assert_eq!(status, 200);
        assert!(body.contains("復旧しました。"), "{body}");

        // A change written straight to the database is heard on PostgreSQL (its triggers
        // notify every process); SQLite's one process cannot hear it, and keeps serving
        // what it holds until the entry's age runs out: the answer comes from memory.
        let (_, _, body) = fetch(&app.http, &catalog, None).await?;
        assert!(body.contains("\"ID Federation Service\""), "{body}");
        rename_in_database(&app, "ID Federation (renamed)").await?;
        let mut heard = false;
        for _ in 0..50 {
            let (_, _, body) = fetch(&app.http, &catalog, None).await?;
            if body.contains("ID Federation (renamed)") {
                heard = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(heard, app.backend == shirase_tests::Backend::Postgres);
        Ok(())
    }
}

/// Two processes on one PostgreSQL database: a change made through one is served by the
/// other at once, not when its copy would have aged out (30 s).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_another_process_serves_a_change_at_once() -> anyhow::Result<()> {
    let Some(app) = TestApp::spawn_postgres().await? else {
        return Ok(());
    };
    let url = app.state.settings.database_url.expose().to_owned();
    let other = Process::start(&url, &[("SHIRASE_DISPATCH", "off")]).await?;
    let http = reqwest::Client::new();
    let catalog = format!("{}/api/v1/catalog", other.base);
    let (status, _, body) = fetch(&http, &catalog, None).await?;
    assert_eq!(status, 200);
    assert!(body.contains("\"ID Federation\""), "{body}");
    // Kept: read again from memory.
    let (_, _, body) = fetch(&http, &catalog, None).await?;
    assert!(body.contains("\"ID Federation\""), "{body}");

    let op = operator(&app, "op@example.com").await?;
    let res = app
        .call(
            reqwest::Method::PATCH,
            "/api/v1/products/id-federation",
            Some(&op),
            Some(json!({"name_en": "ID Federation Service"})),
        )
        .await?;
    assert_eq!(res.status, 200, "{res:?}");
    let mut served = None;
    for attempt in 0..100 {
        let (_, _, body) = fetch(&http, &catalog, None).await?;
        if body.contains("\"ID Federation Service\"") {
            served = Some(attempt);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        served.is_some(),
        "the other process still serves the old catalog after 5 s; its log:\n{}",
        other.log()
    );
    Ok(())
}
