//! The health endpoints load balancers and orchestrators poll, on SQLite and PostgreSQL.

use diesel::prelude::*;
use serde_json::{Value, json};
use shirase_tests::app::postgres_admin_url;
use shirase_tests::{Backend, Mode, TestApp, backend_tests};

async fn probe(app: &TestApp, path: &str) -> anyhow::Result<(u16, Value)> {
    let res = app.http.get(app.url(path)).send().await?;
    let status = res.status().as_u16();
    assert_eq!(
        res.headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("no-store"),
        "{path}"
    );
    Ok((status, res.json().await?))
}

backend_tests! {
    async fn live_and_ready_say_so(app: TestApp) -> anyhow::Result<()> {
        assert_eq!(probe(&app, "/healthz").await?, (200, json!({"status": "ok"})));
        let (status, body) = probe(&app, "/readyz").await?;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body, json!({"status": "ready", "database": "ok", "migrations": "ok", "dispatcher": "running"}));
        Ok(())
    }

    async fn a_migration_missing_from_the_database_is_not_ready(app: TestApp) -> anyhow::Result<()> {
        // As when a newer binary meets a database its migrations have not reached yet.
        app.db(|conn| {
            let sql = "DELETE FROM __diesel_schema_migrations WHERE version = \
                       (SELECT MAX(version) FROM __diesel_schema_migrations)";
            match conn {
                api::db::DbConnection::Pg(c) => diesel::sql_query(sql).execute(c)?,
                api::db::DbConnection::Sqlite(c) => diesel::sql_query(sql).execute(c)?,
            };
            Ok(())
        })
        .await?;
        let (status, body) = probe(&app, "/readyz").await?;
        assert_eq!(status, 503, "{body}");
        assert_eq!(body["status"], "not ready");
        assert_eq!(body["migrations"], "pending");
        assert_eq!(probe(&app, "/healthz").await?.0, 200, "alive all the same");
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_process_that_sends_nothing_is_ready_all_the_same() -> anyhow::Result<()> {
    let mode = Mode {
        no_dispatcher: true,
        ..Mode::default()
    };
    let app = TestApp::spawn_with(Backend::Sqlite, mode)
        .await?
        .ok_or_else(|| anyhow::anyhow!("SQLite is always there"))?;
    let (status, body) = probe(&app, "/readyz").await?;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["dispatcher"], "off");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_that_went_away_is_not_ready() -> anyhow::Result<()> {
    // No dispatcher: it would wait out the pool's 30 s for a connection to the dropped
    // database before the test could end.
    let mode = Mode {
        no_dispatcher: true,
        ..Mode::default()
    };
    let Some(app) = TestApp::spawn_with(Backend::Postgres, mode).await? else {
        return Ok(());
    };
    let name: String = app
        .db(|conn| {
            #[derive(QueryableByName)]
            struct Name {
                #[diesel(sql_type = diesel::sql_types::Text)]
                name: String,
            }
            let api::db::DbConnection::Pg(c) = conn else {
                anyhow::bail!("PostgreSQL expected");
            };
            let row: Name = diesel::sql_query("SELECT current_database() AS name").get_result(c)?;
            Ok(row.name)
        })
        .await?;
    tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        let mut admin = PgConnection::establish(&format!("{}/postgres", postgres_admin_url()))?;
        diesel::sql_query(format!("DROP DATABASE {name} WITH (FORCE)")).execute(&mut admin)?;
        Ok(())
    })
    .await??;
    let (status, body) = probe(&app, "/readyz").await?;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["database"], "unreachable");
    assert_eq!(probe(&app, "/healthz").await?.0, 200);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answer_names_its_request() -> anyhow::Result<()> {
    let app = TestApp::spawn(Backend::Sqlite).await?;
    let id_of = |res: &reqwest::Response| {
        res.headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    // The client's own id, echoed, and named in the problem document.
    let res = app
        .http
        .get(app.url("/api/v1/nothing-here"))
        .header("x-request-id", "complaint-42/b")
        .send()
        .await?;
    assert_eq!(id_of(&res), "complaint-42/b");
    let problem: Value = res.json().await?;
    assert_eq!(problem["instance"], "urn:shirase:request:complaint-42%2Fb");

    // No id, or one that is not 1–64 visible ASCII characters: a new one.
    let mut seen = Vec::new();
    for given in [None, Some("x".repeat(65)), Some("two words".to_owned())] {
        let mut req = app.http.get(app.url("/healthz"));
        if let Some(given) = &given {
            req = req.header("x-request-id", given.as_str());
        }
        let res = req.send().await?;
        let id = id_of(&res);
        assert_eq!(id.len(), 32, "{given:?} → {id}");
        assert!(id.bytes().all(|b| b.is_ascii_hexdigit()), "{id}");
        assert!(!seen.contains(&id), "ids are not reused");
        seen.push(id);
    }
    Ok(())
}

/// SQLite: the write-ahead log is copied into the database file by a thread of the server's
/// (a passive checkpoint every half second), not by whichever transaction commits past a
/// thousand pages of log. A small write, which never reached that threshold, is in the file
/// soon afterwards without any further request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_the_log_is_copied_into_the_database_in_the_background() -> anyhow::Result<()> {
    let app = TestApp::spawn(Backend::Sqlite).await?;
    let url = app.state.settings.database_url.expose().to_owned();
    let path = url.strip_prefix("sqlite://").unwrap_or(&url).to_owned();
    let size = || std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    // Whatever starting up wrote is copied first.
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    let before = size();
    app.db(|conn| shirase_tests::fixtures::bulk_audience(conn, "id-federation", 2000))
        .await?;
    let mut grew = false;
    for _ in 0..50 {
        if size() > before {
            grew = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(grew, "the database file stayed at {before} bytes");
    Ok(())
}
