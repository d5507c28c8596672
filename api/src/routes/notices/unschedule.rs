use actix_web::{delete, web};
use shared::Problem;
use shared::dto::NoticeView;

use crate::error::ApiResult;
use crate::routes::Operator;
use crate::state::AppState;

/// Unschedule a draft (operators): it stays a draft, published only when asked. Answers the
/// same for a draft that was not scheduled.
#[utoipa::path(
    tag = "notices",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The notice's id")),
    responses(
        (status = 200, description = "Not scheduled (any more)", body = NoticeView),
        (status = 401, description = "Not signed in, or the token is invalid, expired or revoked", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an operator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such notice", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already published", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/notices/{id}/schedule")]
pub async fn unschedule(
    state: web::Data<AppState>,
    _operator: Operator,
    path: web::Path<String>,
) -> ApiResult<web::Json<NoticeView>> {
    let id = path.into_inner();
    let now = state.now();
    let view = state
        .db(move |conn| crate::services::notices::unschedule(conn, &id, now))
        .await?;
    Ok(web::Json(view))
}
