use actix_web::{patch, web};
use shared::Problem;
use shared::dto::{AccountView, ProfilePatch};

use crate::error::{ApiError, ApiResult};
use crate::models::account::Account;
use crate::routes::Customer;
use crate::state::AppState;

/// Change the profile: name, company, department, phone, language. Absent fields stay.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    request_body = ProfilePatch,
    responses(
        (status = 200, description = "The updated account", body = AccountView),
        (status = 400, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Current terms not accepted", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/me")]
#[tracing::instrument(name = "update_profile", skip_all)]
pub async fn update(
    state: web::Data<AppState>,
    Customer(auth): Customer,
    body: web::Json<ProfilePatch>,
) -> ApiResult<web::Json<AccountView>> {
    let change = body.parse()?;
    let now = state.now();
    let id = auth.account.id.clone();
    let account = state
        .db(move |conn| {
            Account::update_profile(conn, &id, &change, now)?;
            Account::find(conn, &id)?.ok_or_else(|| ApiError::not_found("No such account."))
        })
        .await?;
    Ok(web::Json(account.view(auth.current_terms.as_deref())))
}
