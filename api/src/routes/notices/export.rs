use actix_web::{HttpResponse, get, http::header, web};
use shared::Problem;

use crate::error::ApiResult;
use crate::routes::Operator;
use crate::services::deliveries;
use crate::state::AppState;

/// Every delivery of a notice as CSV (operators): per publication and destination, the
/// outcome (queued, sent, failed, bounced, or skipped and why), when it was sent and the
/// receiving server's reply. Addresses are masked.
#[utoipa::path(
    tag = "notices",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The notice's id")),
    responses(
        (status = 200, description = "`sequence,issued_at,channel,destination,state,sent_at,reply`, one line per delivery", body = String, content_type = "text/csv"),
        (status = 401, description = "Not signed in, or the token is invalid, expired or revoked", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an operator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such published notice", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/notices/{id}/deliveries.csv")]
pub async fn export(
    state: web::Data<AppState>,
    _operator: Operator,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let file = format!("notice-{id}-deliveries.csv");
    let csv = state
        .db(move |conn| deliveries::export_csv(conn, &id))
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file}\""),
        ))
        .body(csv))
}
