use ::metrics::gauge;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};

use crate::auth::token;
use crate::delivery::ledger;
use crate::error::{ApiError, ApiResult};
use crate::metrics::{DB_CONNECTIONS, DB_WAITING, OUTBOX_OLDEST_AGE, OUTBOX_PENDING};
use crate::state::AppState;

/// The process's metrics in Prometheus's text format, for a bearer of
/// `SHIRASE_METRICS_TOKEN`; without that setting there is no such endpoint (404). The
/// outbox and pool gauges are read at the scrape.
#[get("/metrics")]
pub async fn metrics(state: web::Data<AppState>, req: HttpRequest) -> ApiResult<HttpResponse> {
    let Some(token) = &state.settings.metrics_token else {
        return Err(ApiError::not_found("There is no such page."));
    };
    let offered = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    // Digests compared: how long the comparison takes says nothing of the token.
    if token::hash(offered) != token::hash(token.expose()) {
        return Err(ApiError::unauthorized(
            "The metrics token is missing or wrong.",
        ));
    }
    let now = state.now();
    let (pending, oldest) = state
        .db(move |conn| Ok(ledger::backlog(conn, now)?))
        .await?;
    gauge!(OUTBOX_PENDING).set(pending as f64);
    let age = oldest.map_or(0.0, |due| (now - due).as_seconds_f64().max(0.0));
    gauge!(OUTBOX_OLDEST_AGE).set(age);
    let pool = state.pool.state();
    let in_use = pool.connections.saturating_sub(pool.idle_connections);
    gauge!(DB_CONNECTIONS, "state" => "in_use").set(f64::from(in_use));
    gauge!(DB_CONNECTIONS, "state" => "idle").set(f64::from(pool.idle_connections));
    gauge!(DB_WAITING).set(state.db_waiting.load(std::sync::atomic::Ordering::Relaxed) as f64);
    let handle = crate::metrics::handle();
    handle.run_upkeep();
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(handle.render()))
}
