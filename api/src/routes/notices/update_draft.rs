use actix_web::{patch, web};
use diesel::Connection;
use shared::Problem;
use shared::dto::{NoticePatch, NoticeView};

use crate::error::ApiResult;
use crate::models::notice::Notice;
use crate::routes::Operator;
use crate::state::AppState;

/// Edit a draft (operators); absent fields keep their value. A published notice takes only
/// a correction of its titles and text, which mails no one and marks it as edited (its
/// kind, products, times and status change through updates: `not_editable`).
#[utoipa::path(
    tag = "notices",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The notice's id")),
    request_body = NoticePatch,
    responses(
        (status = 200, description = "The draft, or the corrected notice", body = NoticeView),
        (status = 400, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in, or the token is invalid, expired or revoked", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an operator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such notice", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/notices/{id}")]
pub async fn update_draft(
    state: web::Data<AppState>,
    _operator: Operator,
    path: web::Path<String>,
    body: web::Json<NoticePatch>,
) -> ApiResult<web::Json<NoticeView>> {
    let id = path.into_inner();
    let patch = body.into_inner();
    let now = state.now();
    let view = state
        .db(move |conn| {
            conn.transaction(|conn| {
                let notice = super::find(conn, &id)?;
                if !notice.is_draft() {
                    let correction = patch.correction(notice.view(conn)?.as_request())?;
                    Notice::correct(conn, &id, &correction, now)?;
                    tracing::info!(notice = %id, "published notice corrected");
                    return Ok(super::find(conn, &id)?.view(conn)?);
                }
                let request = patch.apply(notice.view(conn)?.as_request());
                let (draft, product_ids) = super::draft(conn, &request)?;
                Notice::write_draft(conn, &id, &draft, &product_ids, now)?;
                Ok(super::find(conn, &id)?.view(conn)?)
            })
        })
        .await?;
    Ok(web::Json(view))
}
