use std::sync::atomic::Ordering;
use std::time::Duration;

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};

use crate::state::AppState;

/// Ready for traffic: the database answers, every migration this binary carries is applied,
/// and the dispatcher runs (or was turned off on purpose with `SHIRASE_DISPATCH=off`).
/// 503 names what is wrong.
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    // A probe must answer within its own timeout: a database that does not answer within
    // two seconds is unreachable, whatever the pool's longer patience with requests.
    let pool = state.pool.clone();
    let checked = tokio::task::spawn_blocking(move || -> anyhow::Result<bool> {
        let mut conn = pool.get_timeout(Duration::from_secs(2))?;
        crate::db::pending_migrations(&mut conn)
    })
    .await
    .map_err(anyhow::Error::new)
    .and_then(|r| r);
    let (database, migrations) = match checked {
        Ok(false) => ("ok", "ok"),
        Ok(true) => ("ok", "pending"),
        Err(e) => {
            tracing::warn!(error = %e, "readiness: the database does not answer");
            ("unreachable", "unknown")
        }
    };
    let dispatcher = match (
        state.settings.dispatch,
        state.dispatcher_running.load(Ordering::Acquire),
    ) {
        (false, _) => "off",
        (true, true) => "running",
        (true, false) => "stopped",
    };
    let ready = database == "ok" && migrations == "ok" && dispatcher != "stopped";
    let mut res = if ready {
        HttpResponse::Ok()
    } else {
        HttpResponse::ServiceUnavailable()
    };
    res.insert_header((header::CACHE_CONTROL, "no-store"))
        .json(serde_json::json!({
            "status": if ready { "ready" } else { "not ready" },
            "database": database,
            "migrations": migrations,
            "dispatcher": dispatcher,
        }))
}
