use actix_web::http::header::IfNoneMatch;
use actix_web::{HttpRequest, HttpResponse, get, web};
use shared::Problem;
use shared::dto::NoticeView;

use crate::error::ApiResult;
use crate::routes::Operator;
use crate::routes::cache::{NOTICE_CACHING, conditional_document, public_json};
use crate::state::AppState;

/// One notice with its updates, oldest first. Drafts are visible to operators only; to
/// everyone else they do not exist.
#[utoipa::path(
    tag = "notices",
    params(("id" = String, Path, description = "The notice's id")),
    responses(
        (status = 200, description = "The notice", body = NoticeView,
         headers(("ETag" = String, description = "Changes whenever the notice does"))),
        (status = 304, description = "Unchanged since the given ETag"),
        (status = 404, description = "No such published notice", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/notices/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    operator: Option<Operator>,
    path: web::Path<String>,
    if_none_match: Option<web::Header<IfNoneMatch>>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    if operator.is_some() {
        // Operators also see drafts: never from, nor into, the public cache.
        let view = state
            .db(move |conn| Ok(super::find(conn, &id)?.view(conn)?))
            .await?;
        return Ok(HttpResponse::Ok().json(view));
    }
    let key = format!("notice {id}");
    let document = public_json(&state, key, move |conn| {
        let notice = super::find(conn, &id)?;
        if notice.is_draft() {
            return Err(super::not_found());
        }
        Ok(notice.view(conn)?)
    })
    .await?;
    Ok(conditional_document(
        &req,
        if_none_match.map(web::Header::into_inner),
        &document,
        NOTICE_CACHING,
    ))
}
