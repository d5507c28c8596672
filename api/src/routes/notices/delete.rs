use actix_web::{HttpResponse, delete, web};
use diesel::Connection;
use shared::{Problem, ProblemKind};

use crate::error::{ApiError, ApiResult};
use crate::models::notice::Notice;
use crate::routes::Operator;
use crate::state::AppState;

/// Delete a draft (operators). A published notice stays: its mails went out, and its page
/// and feeds are its record; it changes through updates.
#[utoipa::path(
    tag = "notices",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The notice's id")),
    responses(
        (status = 204, description = "The draft is gone"),
        (status = 401, description = "Not signed in, or the token is invalid, expired or revoked", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an operator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such notice", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already published: it cannot be deleted", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/notices/{id}")]
pub async fn delete(
    state: web::Data<AppState>,
    _operator: Operator,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    state
        .db(move |conn| {
            conn.transaction(|conn| {
                let notice = super::find(conn, &id)?;
                if !notice.is_draft() || !Notice::delete_draft(conn, &notice.id)? {
                    return Err(ApiError::new(
                        ProblemKind::Conflict,
                        "This notice is published and cannot be deleted; post an update instead.",
                    ));
                }
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
