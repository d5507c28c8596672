use actix_web::{patch, web};
use diesel::Connection;
use shared::Problem;
use shared::dto::{DestinationPatch, DestinationView};

use crate::error::ApiResult;
use crate::models::webhook::Webhook;
use crate::routes::ManageAccess;
use crate::state::AppState;

/// Change a webhook destination's name, window, time zone, language or kinds. The URL
/// cannot change: a new endpoint is a new destination, verified anew.
#[utoipa::path(
    tag = "destinations",
    security(("bearer" = []), ("token" = ["manage"])),
    params(("id" = String, Path, description = "The destination's id")),
    request_body = DestinationPatch,
    responses(
        (status = 200, description = "Updated", body = DestinationView),
        (status = 400, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Current terms not accepted, or a token without the `manage` scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such destination in this account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/me/destinations/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    ManageAccess(auth): ManageAccess,
    path: web::Path<String>,
    body: web::Json<DestinationPatch>,
) -> ApiResult<web::Json<DestinationView>> {
    let id = path.into_inner();
    let st = state.clone();
    let hook = state
        .db(move |conn| {
            conn.transaction(|conn| {
                let hook = super::find_own(conn, &auth.account.id, &id)?;
                let change = body.parse(hook.window(), hook.maintenance, hook.outage)?;
                Webhook::update(conn, &hook, &change, st.now())?;
                super::find_own(conn, &auth.account.id, &id)
            })
        })
        .await?;
    Ok(web::Json(hook.view()))
}
