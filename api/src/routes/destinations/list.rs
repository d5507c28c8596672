use actix_web::{get, web};
use shared::Problem;
use shared::dto::DestinationView;

use crate::error::ApiResult;
use crate::models::webhook::Webhook;
use crate::routes::ReadAccess;
use crate::state::AppState;

/// The account's webhook destinations, oldest first. E-mail addresses are under
/// `/me/recipients`.
#[utoipa::path(
    tag = "destinations",
    security(("bearer" = []), ("token" = ["read"])),
    responses(
        (status = 200, description = "The destinations", body = [DestinationView]),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Current terms not accepted", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/destinations")]
pub async fn list(
    state: web::Data<AppState>,
    ReadAccess(auth): ReadAccess,
) -> ApiResult<web::Json<Vec<DestinationView>>> {
    let hooks = state
        .db(move |conn| Ok(Webhook::list(conn, &auth.account.id)?))
        .await?;
    Ok(web::Json(hooks.iter().map(Webhook::view).collect()))
}
