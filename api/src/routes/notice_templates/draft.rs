use actix_web::{HttpResponse, post, web};
use shared::Problem;
use shared::dto::{NoticeView, TemplateDraftRequest};

use crate::error::ApiResult;
use crate::models::notice_template::NoticeTemplateRow;
use crate::routes::Operator;
use crate::state::AppState;

/// Make a draft from a template (operators): the template's kind and texts, with the
/// products and times given here, placeholders filled in. The draft is then edited and
/// published like any other.
#[utoipa::path(
    tag = "notice-templates",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The template's id")),
    request_body = TemplateDraftRequest,
    responses(
        (status = 201, description = "The draft", body = NoticeView),
        (status = 400, description = "Missing or invalid products or times", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an operator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such template", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/notice-templates/{id}/drafts")]
pub async fn draft(
    state: web::Data<AppState>,
    operator: Operator,
    path: web::Path<String>,
    body: web::Json<TemplateDraftRequest>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let now = state.now();
    let view = state
        .db(move |conn| {
            let template = NoticeTemplateRow::find(conn, &id)?
                .ok_or_else(super::not_found)?
                .view();
            crate::services::notices::create_draft(
                conn,
                &template.draft(&body),
                &operator.0.account.id,
                now,
            )
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}
