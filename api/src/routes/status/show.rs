use actix_web::http::header::IfNoneMatch;
use actix_web::{HttpRequest, HttpResponse, get, web};
use shared::dto::StatusOverview;

use crate::error::ApiResult;
use crate::routes::cache::{NOTICE_CACHING, conditional_document, public_json};
use crate::state::AppState;

/// Every product of the catalog with its current state (正常, メンテナンス中, 性能低下,
/// 一部障害, 重大障害) derived from the open notices, those notices, and the worst state of
/// each of the last 90 days (Asia/Tokyo dates).
#[utoipa::path(
    tag = "notices",
    operation_id = "status_show",
    responses(
        (status = 200, description = "The overview", body = StatusOverview,
         headers(("ETag" = String, description = "Changes with the notices, the catalog, and the minute"))),
        (status = 304, description = "Unchanged since the given ETag"),
    )
)]
#[get("/status")]
pub async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    if_none_match: Option<web::Header<IfNoneMatch>>,
) -> ApiResult<HttpResponse> {
    let now = state.clock.now();
    // A maintenance window opens and closes with no write to hear of: the document is also
    // made again each minute.
    let key = format!("status@{}", now.format("%Y%m%d%H%M"));
    let document = public_json(&state, key, move |conn| {
        Ok(crate::services::status::overview(conn, now)?)
    })
    .await?;
    Ok(conditional_document(
        &req,
        if_none_match.map(web::Header::into_inner),
        &document,
        NOTICE_CACHING,
    ))
}
