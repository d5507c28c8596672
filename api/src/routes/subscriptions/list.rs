use actix_web::{get, web};
use shared::Problem;
use shared::dto::SubscriptionView;

use crate::error::ApiResult;
use crate::models::subscription::Subscription;
use crate::routes::ReadAccess;
use crate::state::AppState;

/// My Support's list of products (登録中のサポート情報一覧) with their mail settings.
#[utoipa::path(
    tag = "subscriptions",
    security(("bearer" = []), ("token" = ["read"])),
    responses(
        (status = 200, description = "The subscriptions, in catalog order", body = Vec<SubscriptionView>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Current terms not accepted, or a token without the `read` scope", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/subscriptions")]
pub async fn list(
    state: web::Data<AppState>,
    ReadAccess(auth): ReadAccess,
) -> ApiResult<web::Json<Vec<SubscriptionView>>> {
    let id = auth.account.id;
    Ok(web::Json(
        state
            .db(move |conn| Ok(Subscription::list(conn, &id)?))
            .await?,
    ))
}
