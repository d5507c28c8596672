use actix_web::{get, web};
use shared::Problem;
use shared::dto::TermsView;

use crate::error::{ApiError, ApiResult};
use crate::models::terms::Terms;
use crate::state::AppState;

/// The terms of use in force now.
#[utoipa::path(
    tag = "terms",
    responses(
        (status = 200, description = "Current terms", body = TermsView),
        (status = 404, description = "No terms published", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/terms")]
pub async fn show(state: web::Data<AppState>) -> ApiResult<web::Json<TermsView>> {
    let now = state.now();
    let terms = state
        .db(move |conn| Terms::current(conn, now)?.ok_or_else(|| ApiError::not_found("No terms.")))
        .await?;
    Ok(web::Json(terms.view()))
}
