use actix_web::{HttpResponse, delete, web};
use shared::Problem;
use shared::dto::{AccountDeletion, require_password};

use crate::auth::password;
use crate::error::ApiResult;
use crate::models::account::Account;
use crate::routes::Customer;
use crate::state::AppState;

/// Delete the account (退会), confirmed with its password. Sessions and everything the
/// account owns go with it.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    request_body = AccountDeletion,
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "Missing or wrong password (`incorrect`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Current terms not accepted", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/me")]
#[tracing::instrument(name = "delete_account", skip_all)]
pub async fn delete(
    state: web::Data<AppState>,
    Customer(auth): Customer,
    body: web::Json<AccountDeletion>,
) -> ApiResult<HttpResponse> {
    let password = require_password("password", &body.password)?;
    if !password::verify(password, Some(auth.account.password_hash.clone())).await? {
        return Err(super::incorrect("password"));
    }
    let id = auth.account.id.clone();
    state
        .db(move |conn| Ok(Account::delete(conn, &id)?))
        .await?;
    tracing::info!(account_id = %auth.account.id, "account deleted");
    Ok(HttpResponse::NoContent().finish())
}
