use actix_web::{get, web};
use shared::Problem;
use shared::dto::AudienceEstimate;

use crate::error::ApiResult;
use crate::routes::Operator;
use crate::state::AppState;

/// How many addresses a publication of this notice (or an update of it) would reach if it
/// were issued now, and how many their windows would skip. Writes nothing.
#[utoipa::path(
    tag = "notices",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The notice's id")),
    responses(
        (status = 200, description = "The estimate", body = AudienceEstimate),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an operator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such notice", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/notices/{id}/audience")]
pub async fn estimate(
    state: web::Data<AppState>,
    _operator: Operator,
    path: web::Path<String>,
) -> ApiResult<web::Json<AudienceEstimate>> {
    let id = path.into_inner();
    let at = state.now().and_utc();
    let estimate = state
        .db(move |conn| {
            let notice = super::find(conn, &id)?;
            crate::services::notices::estimate(conn, &notice, at.naive_utc())
        })
        .await?;
    Ok(web::Json(AudienceEstimate {
        audience: estimate.audience,
        skipped: estimate.skipped,
        english: estimate.english,
        at,
    }))
}
