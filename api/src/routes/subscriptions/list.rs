use actix_web::http::header::IfNoneMatch;
use actix_web::{HttpRequest, HttpResponse, get, web};
use shared::Problem;
use shared::dto::SubscriptionView;

use crate::error::ApiResult;
use crate::models::subscription::Subscription;
use crate::routes::ReadAccess;
use crate::routes::cache::account_document;
use crate::state::AppState;

/// My Support's list of products (登録中のサポート情報一覧) with their mail settings.
#[utoipa::path(
    tag = "subscriptions",
    security(("bearer" = []), ("token" = ["read"])),
    responses(
        (status = 200, description = "The subscriptions, in catalog order", body = Vec<SubscriptionView>,
         headers(("ETag" = String, description = "Changes whenever the list does"))),
        (status = 304, description = "Unchanged since the given ETag"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Current terms not accepted, or a token without the `read` scope", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/subscriptions")]
pub async fn list(
    state: web::Data<AppState>,
    req: HttpRequest,
    if_none_match: Option<web::Header<IfNoneMatch>>,
    ReadAccess(auth): ReadAccess,
) -> ApiResult<HttpResponse> {
    account_document(
        &state,
        &req,
        if_none_match.map(web::Header::into_inner),
        auth.account.id,
        "subscriptions",
        |conn, id| Ok(Subscription::list(conn, id)?),
    )
    .await
}
