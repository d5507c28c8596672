use actix_web::{HttpResponse, post, web};
use shared::FieldCode;
use shared::dto::TermsAcceptance;
use shared::{FieldErrors, Problem};

use crate::error::ApiResult;
use crate::models::account::Account;
use crate::routes::Authenticated;
use crate::state::AppState;

/// Accept the terms of use (「規約に同意してマイサポートを利用する」). Only the version in force
/// can be accepted; My Support opens once it is.
#[utoipa::path(
    tag = "terms",
    security(("bearer" = [])),
    request_body = TermsAcceptance,
    responses(
        (status = 204, description = "Accepted"),
        (status = 400, description = "Not the current version (`errors[].code`: `required`, `not_current`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/me/terms-acceptance")]
#[tracing::instrument(name = "accept_terms", skip_all)]
pub async fn accept(
    state: web::Data<AppState>,
    auth: Authenticated,
    body: web::Json<TermsAcceptance>,
) -> ApiResult<HttpResponse> {
    let version = body.into_inner().version;
    let mut errors = FieldErrors::default();
    if version.trim().is_empty() {
        errors.push("version", FieldCode::Required);
    } else if auth.current_terms.as_deref() != Some(version.as_str()) {
        errors.push("version", FieldCode::NotCurrent);
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let now = state.now();
    state
        .db(move |conn| {
            Ok(Account::accept_terms(
                conn,
                &auth.account.id,
                &version,
                now,
            )?)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
