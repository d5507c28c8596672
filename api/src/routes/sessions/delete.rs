use actix_web::{HttpResponse, delete, web};
use shared::Problem;

use crate::error::ApiResult;
use crate::models::session::Session;
use crate::routes::Authenticated;
use crate::state::AppState;

/// Log out: ends the current session, its access token and its refresh token.
#[utoipa::path(
    tag = "sessions",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/sessions/current")]
#[tracing::instrument(name = "logout", skip_all)]
pub async fn delete(state: web::Data<AppState>, auth: Authenticated) -> ApiResult<HttpResponse> {
    let now = state.now();
    state
        .db(move |conn| match auth.session_id() {
            Some(id) => Ok(Session::revoke(conn, id, now)?),
            None => Ok(0),
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
