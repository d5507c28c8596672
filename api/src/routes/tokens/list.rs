use actix_web::{get, web};
use shared::Problem;
use shared::dto::TokenView;

use crate::error::ApiResult;
use crate::models::api_token::ApiToken;
use crate::routes::Customer;
use crate::state::AppState;

/// The account's personal API tokens, oldest first, without their secrets.
#[utoipa::path(
    tag = "tokens",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The tokens", body = Vec<TokenView>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Current terms not accepted, or called with a token", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/tokens")]
pub async fn list(
    state: web::Data<AppState>,
    Customer(auth): Customer,
) -> ApiResult<web::Json<Vec<TokenView>>> {
    let account = auth.account.id;
    let tokens = state
        .db(move |conn| Ok(ApiToken::list(conn, &account)?))
        .await?;
    Ok(web::Json(tokens.iter().map(ApiToken::view).collect()))
}
