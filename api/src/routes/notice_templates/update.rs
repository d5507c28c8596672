use actix_web::{put, web};
use diesel::Connection;
use shared::Problem;
use shared::dto::{NoticeTemplateRequest, NoticeTemplateView};

use crate::error::ApiResult;
use crate::models::notice_template::NoticeTemplateRow;
use crate::routes::Operator;
use crate::state::AppState;

/// Replace a notice template (operators). Drafts made from it before stay as they are.
#[utoipa::path(
    tag = "notice-templates",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The template's id")),
    request_body = NoticeTemplateRequest,
    responses(
        (status = 200, description = "Replaced", body = NoticeTemplateView),
        (status = 400, description = "Missing or invalid fields, unknown placeholders, or a name in use", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an operator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such template", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/notice-templates/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    _operator: Operator,
    path: web::Path<String>,
    body: web::Json<NoticeTemplateRequest>,
) -> ApiResult<web::Json<NoticeTemplateView>> {
    let id = path.into_inner();
    let template = body.parse()?;
    let now = state.now();
    let view = state
        .db(move |conn| {
            conn.transaction(|conn| {
                NoticeTemplateRow::find(conn, &id)?.ok_or_else(super::not_found)?;
                super::name_free(conn, &template, Some(&id))?;
                NoticeTemplateRow::update(conn, &id, &template, now)?;
                NoticeTemplateRow::find(conn, &id)?
                    .map(NoticeTemplateRow::view)
                    .ok_or_else(super::not_found)
            })
        })
        .await?;
    Ok(web::Json(view))
}
