use actix_web::{put, web};
use shared::Problem;
use shared::dto::{NoticeView, ScheduleRequest};

use crate::error::ApiResult;
use crate::routes::Operator;
use crate::state::AppState;

/// Schedule a draft's publication (operators): at `publish_at` the scheduler publishes it
/// as `…/publication` would, to the audience of that instant, exactly once across processes
/// and restarts. A new time replaces the old one; the draft stays editable until then.
#[utoipa::path(
    tag = "notices",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The notice's id")),
    request_body = ScheduleRequest,
    responses(
        (status = 200, description = "Scheduled", body = NoticeView),
        (status = 400, description = "`publish_at` missing, not a date-time, or not in the future", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in, or the token is invalid, expired or revoked", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an operator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such notice", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already published", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/notices/{id}/schedule")]
pub async fn schedule(
    state: web::Data<AppState>,
    _operator: Operator,
    path: web::Path<String>,
    body: web::Json<ScheduleRequest>,
) -> ApiResult<web::Json<NoticeView>> {
    let id = path.into_inner();
    let now = state.now();
    let view = state
        .db(move |conn| crate::services::notices::schedule(conn, &id, &body, now))
        .await?;
    Ok(web::Json(view))
}
