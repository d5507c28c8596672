use actix_web::{get, web};
use shared::Problem;
use shared::dto::RecipientView;

use crate::error::ApiResult;
use crate::routes::ReadAccess;
use crate::state::AppState;

/// One delivery address.
#[utoipa::path(
    tag = "recipients",
    security(("bearer" = []), ("token" = ["read"])),
    params(("id" = String, Path, description = "The address's id")),
    responses(
        (status = 200, description = "The address", body = RecipientView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Current terms not accepted, or a token without the `read` scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such address in this account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/recipients/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    ReadAccess(auth): ReadAccess,
    path: web::Path<String>,
) -> ApiResult<web::Json<RecipientView>> {
    let id = path.into_inner();
    let recipient = state
        .db(move |conn| super::find_own(conn, &auth.account.id, &id))
        .await?;
    Ok(web::Json(recipient.view()))
}
