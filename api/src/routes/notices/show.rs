use actix_web::{get, web};
use shared::Problem;
use shared::dto::NoticeView;

use crate::error::ApiResult;
use crate::routes::Operator;
use crate::state::AppState;

/// One notice with its updates, oldest first. Drafts are visible to operators only; to
/// everyone else they do not exist.
#[utoipa::path(
    tag = "notices",
    params(("id" = String, Path, description = "The notice's id")),
    responses(
        (status = 200, description = "The notice", body = NoticeView),
        (status = 404, description = "No such published notice", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/notices/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    operator: Option<Operator>,
    path: web::Path<String>,
) -> ApiResult<web::Json<NoticeView>> {
    let id = path.into_inner();
    let view = state
        .db(move |conn| {
            let notice = super::find(conn, &id)?;
            if notice.is_draft() && operator.is_none() {
                return Err(super::not_found());
            }
            Ok(notice.view(conn)?)
        })
        .await?;
    Ok(web::Json(view))
}
