use actix_web::{HttpRequest, post, web};
use shared::Problem;
use shared::dto::{LoginRequest, SessionTokens, parse_credentials};

use crate::auth::password;
use crate::error::{ApiError, ApiResult};
use crate::models::account::Account;
use crate::routes::extract::client_ip;
use crate::state::AppState;
use crate::throttle::{Action, Key};

/// Log in with the support ID (email address) and password.
///
/// Unknown addresses and wrong passwords get the same answer in the same time. Repeated
/// failures for one address or from one client are refused for a while (429).
#[utoipa::path(
    tag = "sessions",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = SessionTokens),
        (status = 400, description = "Missing fields", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Wrong email address or password", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed attempts", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/sessions")]
#[tracing::instrument(name = "login", skip_all)]
pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<LoginRequest>,
) -> ApiResult<web::Json<SessionTokens>> {
    let (email, password) = parse_credentials(&body.email, &body.password)?;
    let keys = [Key::Subject(email.clone()), Key::Ip(client_ip(&req))];
    state.throttle.check(Action::LoginFailure, &keys).await?;
    let account = {
        let email = email.clone();
        state
            .db(move |conn| Ok(Account::find_by_email(conn, &email)?))
            .await?
    };
    let ok = password::verify(password, account.as_ref().map(|a| a.password_hash.clone())).await?;
    let Some(account) = account.filter(|_| ok) else {
        state.throttle.hit(Action::LoginFailure, &keys).await?;
        return Err(ApiError::invalid_credentials());
    };
    state.throttle.reset(Action::LoginFailure, &keys[0]).await;
    let st = state.clone();
    let tokens = state
        .db(move |conn| super::open_session(&st, conn, &account))
        .await?;
    Ok(web::Json(tokens))
}
