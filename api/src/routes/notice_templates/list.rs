use actix_web::{get, web};
use shared::Problem;
use shared::dto::NoticeTemplateView;

use crate::error::ApiResult;
use crate::models::notice_template::NoticeTemplateRow;
use crate::routes::Operator;
use crate::state::AppState;

/// Every notice template, by name (operators).
#[utoipa::path(
    tag = "notice-templates",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The templates", body = [NoticeTemplateView]),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an operator", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/notice-templates")]
pub async fn list(
    state: web::Data<AppState>,
    _operator: Operator,
) -> ApiResult<web::Json<Vec<NoticeTemplateView>>> {
    let rows = state.db(|conn| Ok(NoticeTemplateRow::list(conn)?)).await?;
    Ok(web::Json(
        rows.into_iter().map(NoticeTemplateRow::view).collect(),
    ))
}
