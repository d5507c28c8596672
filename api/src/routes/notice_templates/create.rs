use actix_web::{HttpResponse, post, web};
use diesel::Connection;
use shared::Problem;
use shared::dto::{NoticeTemplateRequest, NoticeTemplateView};

use crate::error::{ApiError, ApiResult};
use crate::models::notice_template::NoticeTemplateRow;
use crate::routes::Operator;
use crate::state::AppState;

/// Keep a notice template (operators). Titles and bodies may use `{{product}}`,
/// `{{starts_at}}` and `{{ends_at}}`; anything else between `{{ }}` is refused.
#[utoipa::path(
    tag = "notice-templates",
    security(("bearer" = [])),
    request_body = NoticeTemplateRequest,
    responses(
        (status = 201, description = "Kept", body = NoticeTemplateView),
        (status = 400, description = "Missing or invalid fields, unknown placeholders (`unknown_placeholder`), or a name in use (`taken`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an operator", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/notice-templates")]
pub async fn create(
    state: web::Data<AppState>,
    _operator: Operator,
    body: web::Json<NoticeTemplateRequest>,
) -> ApiResult<HttpResponse> {
    let template = body.parse()?;
    let now = state.now();
    let view = state
        .db(move |conn| {
            conn.transaction(|conn| {
                super::name_free(conn, &template, None)?;
                let id = NoticeTemplateRow::insert(conn, &template, now)?;
                NoticeTemplateRow::find(conn, &id)?
                    .map(NoticeTemplateRow::view)
                    .ok_or_else(|| ApiError::Unexpected(anyhow::anyhow!("template vanished")))
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}
