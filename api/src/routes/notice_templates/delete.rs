use actix_web::{HttpResponse, delete, web};
use shared::Problem;

use crate::error::ApiResult;
use crate::models::notice_template::NoticeTemplateRow;
use crate::routes::Operator;
use crate::state::AppState;

/// Delete a notice template (operators). Notices made from it stay as they are.
#[utoipa::path(
    tag = "notice-templates",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The template's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an operator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such template", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/notice-templates/{id}")]
pub async fn delete(
    state: web::Data<AppState>,
    _operator: Operator,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let deleted = state
        .db(move |conn| Ok(NoticeTemplateRow::delete(conn, &id)?))
        .await?;
    if !deleted {
        return Err(super::not_found());
    }
    Ok(HttpResponse::NoContent().finish())
}
