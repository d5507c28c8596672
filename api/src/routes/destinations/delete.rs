use actix_web::{HttpResponse, delete, web};
use shared::Problem;

use crate::error::ApiResult;
use crate::models::webhook::Webhook;
use crate::routes::ManageAccess;
use crate::state::AppState;

/// Remove a webhook destination; deliveries still queued for it are not attempted.
#[utoipa::path(
    tag = "destinations",
    security(("bearer" = []), ("token" = ["manage"])),
    params(("id" = String, Path, description = "The destination's id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Current terms not accepted, or a token without the `manage` scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such destination in this account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/me/destinations/{id}")]
pub async fn delete(
    state: web::Data<AppState>,
    ManageAccess(auth): ManageAccess,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    state
        .db(move |conn| {
            let hook = super::find_own(conn, &auth.account.id, &id)?;
            Webhook::delete(conn, &hook.id)?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
