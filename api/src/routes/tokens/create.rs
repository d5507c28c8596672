use actix_web::{HttpResponse, post, web};
use shared::dto::{CreatedToken, NewTokenRequest, TokenScope};
use shared::{FieldCode, FieldErrors, Problem, ProblemKind};

use crate::error::{ApiError, ApiResult};
use crate::models::api_token::ApiToken;
use crate::routes::Customer;
use crate::state::AppState;

/// Create a personal API token. The response is the only place its secret ever appears.
#[utoipa::path(
    tag = "tokens",
    security(("bearer" = [])),
    request_body = NewTokenRequest,
    responses(
        (status = 201, description = "Created; keep the secret now", body = CreatedToken),
        (status = 400, description = "Invalid fields; `scopes`: `invalid_value` also for `bounces` asked by a customer", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Current terms not accepted, or called with a token", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The account holds the most tokens it may", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/me/tokens")]
#[tracing::instrument(name = "create_token", skip_all)]
pub async fn create(
    state: web::Data<AppState>,
    Customer(auth): Customer,
    body: web::Json<NewTokenRequest>,
) -> ApiResult<HttpResponse> {
    let now = state.now();
    let new = body.parse(now.and_utc())?;
    // Bounce reports change other accounts' addresses: only an operator may delegate that.
    if new.scopes.contains(&TokenScope::Bounces) && !auth.account.is_operator() {
        let mut errors = FieldErrors::default();
        errors.push("scopes", FieldCode::InvalidValue);
        return Err(errors.into());
    }
    let account = auth.account.id;
    let (token, secret) = state
        .db(move |conn| {
            if ApiToken::count(conn, &account)? >= super::MAX_PER_ACCOUNT {
                return Err(ApiError::new(
                    ProblemKind::Conflict,
                    format!(
                        "An account can hold at most {} API tokens; revoke one first.",
                        super::MAX_PER_ACCOUNT
                    ),
                ));
            }
            Ok(ApiToken::create(
                conn,
                &account,
                &new.name,
                &new.scopes,
                new.expires_at.map(|t| t.naive_utc()),
                now,
            )?)
        })
        .await?;
    Ok(HttpResponse::Created().json(CreatedToken {
        token: token.view(),
        secret,
    }))
}
