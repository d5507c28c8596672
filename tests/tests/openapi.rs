//! `openapi.yaml` at the repository root must be exactly the document the code generates,
//! and the running server must serve that same document.
//!
//! After changing handlers or DTOs: `cargo run -p api -- openapi > openapi.yaml`.

use shirase_tests::{Backend, TestApp};

const COMMITTED: &str = include_str!("../../openapi.yaml");

#[test]
fn committed_openapi_yaml_matches_the_code() -> anyhow::Result<()> {
    let generated = api::openapi::yaml()?;
    assert!(
        generated == COMMITTED,
        "openapi.yaml is stale; regenerate it with `cargo run -p api -- openapi > openapi.yaml`"
    );
    Ok(())
}

#[test]
fn every_operation_is_documented() {
    let doc = api::openapi::document();
    let mut operations = 0;
    for (path, item) in &doc.paths.paths {
        for op in [&item.get, &item.post, &item.put, &item.patch, &item.delete]
            .into_iter()
            .flatten()
        {
            operations += 1;
            assert!(
                op.description.as_deref().is_some_and(|d| !d.is_empty()) || op.summary.is_some(),
                "{path}"
            );
            assert!(!op.responses.responses.is_empty(), "{path}");
        }
    }
    assert!(operations >= 15, "{operations}");
    // Generated clients need one name per operation.
    let published = serde_json::to_value(api::openapi::published()).unwrap_or_default();
    let mut ids: Vec<&str> = published["paths"]
        .as_object()
        .into_iter()
        .flat_map(|paths| paths.values())
        .filter_map(|item| item.as_object())
        .flat_map(|methods| methods.values())
        .filter_map(|op| op["operationId"].as_str())
        .collect();
    let all = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), all, "operationIds repeat");
    assert_eq!(all, operations);
    assert!(COMMITTED.starts_with("openapi: 3.1.0"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_serves_the_same_document_and_its_docs_page() -> anyhow::Result<()> {
    let app = TestApp::spawn(Backend::Sqlite).await?;
    let served: serde_json::Value = app
        .http
        .get(app.url("/api/openapi.json"))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(served, serde_json::to_value(api::openapi::published())?);
    let events = served["webhooks"].as_object().map(|w| w.len());
    assert_eq!(
        events,
        Some(4),
        "notice.published, notice.updated, destination.verified, test"
    );
    let docs = app.http.get(app.url("/api/docs/")).send().await?;
    assert_eq!(docs.status(), 200);
    let page = docs.text().await?;
    assert!(
        page.contains("swagger-ui"),
        "the interactive docs are served from the binary"
    );
    let bundle = app
        .http
        .get(app.url("/api/docs/swagger-ui-bundle.js"))
        .send()
        .await?;
    assert_eq!(bundle.status(), 200, "no CDN needed");
    Ok(())
}
