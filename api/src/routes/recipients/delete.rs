use actix_web::{HttpResponse, delete, web};
use shared::Problem;

use crate::error::ApiResult;
use crate::models::recipient::Recipient;
use crate::routes::ManageAccess;
use crate::state::AppState;

/// Remove a delivery address.
#[utoipa::path(
    tag = "recipients",
    security(("bearer" = []), ("token" = ["manage"])),
    params(("id" = String, Path, description = "The address's id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Current terms not accepted, or a token without the `manage` scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such address in this account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/me/recipients/{id}")]
pub async fn delete(
    state: web::Data<AppState>,
    ManageAccess(auth): ManageAccess,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    state
        .db(move |conn| {
            let r = super::find_own(conn, &auth.account.id, &id)?;
            Ok(Recipient::delete(conn, &r.id)?)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
