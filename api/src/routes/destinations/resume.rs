use actix_web::{post, web};
use shared::dto::DestinationView;
use shared::{Problem, ProblemKind};

use crate::error::{ApiError, ApiResult};
use crate::models::webhook::Webhook;
use crate::routes::ManageAccess;
use crate::state::AppState;

/// Resume a quarantined webhook destination (「再開」) once its endpoint works again: it
/// receives the next notices; those missed while quarantined are not re-sent.
#[utoipa::path(
    tag = "destinations",
    security(("bearer" = []), ("token" = ["manage"])),
    params(("id" = String, Path, description = "The destination's id")),
    responses(
        (status = 200, description = "Active again", body = DestinationView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Current terms not accepted, or a token without the `manage` scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such destination in this account", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not quarantined", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/me/destinations/{id}/resumption")]
pub async fn resume(
    state: web::Data<AppState>,
    ManageAccess(auth): ManageAccess,
    path: web::Path<String>,
) -> ApiResult<web::Json<DestinationView>> {
    let id = path.into_inner();
    let st = state.clone();
    let hook = state
        .db(move |conn| {
            let hook = super::find_own(conn, &auth.account.id, &id)?;
            if !Webhook::resume(conn, &hook.id, st.now())? {
                return Err(ApiError::new(
                    ProblemKind::Conflict,
                    "This destination is not quarantined.",
                ));
            }
            super::find_own(conn, &auth.account.id, &id)
        })
        .await?;
    Ok(web::Json(hook.view()))
}
