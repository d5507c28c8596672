use actix_web::{get, web};
use shared::Problem;
use shared::dto::NoticeSummary;

use crate::error::ApiResult;
use crate::models::notice::Notice;
use crate::routes::Operator;
use crate::state::AppState;

/// Unpublished drafts, most recently edited first (operators).
#[utoipa::path(
    tag = "notices",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The drafts", body = Vec<NoticeSummary>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an operator", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/notice-drafts")]
pub async fn drafts(
    state: web::Data<AppState>,
    _operator: Operator,
) -> ApiResult<web::Json<Vec<NoticeSummary>>> {
    Ok(web::Json(
        state.db(move |conn| Ok(Notice::drafts(conn, 200)?)).await?,
    ))
}
