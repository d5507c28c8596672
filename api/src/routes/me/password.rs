use actix_web::{HttpResponse, put, web};
use diesel::Connection;
use shared::Problem;
use shared::dto::PasswordChange;

use crate::auth::password;
use crate::error::ApiResult;
use crate::models::account::Account;
use crate::models::session::Session;
use crate::routes::Customer;
use crate::state::AppState;

/// Change the password. Every other session of the account ends; this one stays.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    request_body = PasswordChange,
    responses(
        (status = 204, description = "Changed"),
        (status = 400, description = "Wrong current password (`incorrect`) or unacceptable new one", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Current terms not accepted", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/me/password")]
#[tracing::instrument(name = "change_password", skip_all)]
pub async fn change_password(
    state: web::Data<AppState>,
    Customer(auth): Customer,
    body: web::Json<PasswordChange>,
) -> ApiResult<HttpResponse> {
    let (current, new) = body.parse()?;
    if !password::verify(current, Some(auth.account.password_hash.clone())).await? {
        return Err(super::incorrect("current_password"));
    }
    let hash = password::hash(new.expose().to_owned()).await?;
    let now = state.now();
    state
        .db(move |conn| {
            conn.transaction(|conn| {
                Account::set_password(conn, &auth.account.id, &hash, now)?;
                Session::revoke_all(conn, &auth.account.id, auth.session_id(), now)?;
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
