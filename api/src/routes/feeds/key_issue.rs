use actix_web::{HttpResponse, post, web};
use shared::Problem;
use shared::dto::IssuedFeedKey;

use crate::error::ApiResult;
use crate::models::feed_key;
use crate::routes::Customer;
use crate::state::AppState;

/// Issue the secret URLs of the personal feeds (the products in My Support). A new key
/// replaces the old one, whose URLs stop working.
#[utoipa::path(
    tag = "feeds",
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Issued; the URLs are not shown again", body = IssuedFeedKey),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Current terms not accepted, or called with a token", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/me/feed-key")]
#[tracing::instrument(name = "issue_feed_key", skip_all)]
pub async fn issue(
    state: web::Data<AppState>,
    Customer(auth): Customer,
) -> ApiResult<HttpResponse> {
    let now = state.now();
    let account = auth.account.id;
    let secret = state
        .db(move |conn| Ok(feed_key::issue(conn, &account, now)?))
        .await?;
    let base = state.settings.public_url.as_str().trim_end_matches('/');
    Ok(HttpResponse::Created().json(IssuedFeedKey {
        atom_url: format!("{base}/feeds/personal/{secret}/notices.atom"),
        ics_url: format!("{base}/feeds/personal/{secret}/maintenance.ics"),
        created_at: now.and_utc(),
    }))
}
