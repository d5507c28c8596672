use actix_web::{patch, web};
use shared::Problem;
use shared::dto::{SubscriptionPatch, SubscriptionView};

use crate::error::{ApiError, ApiResult};
use crate::models::subscription::Subscription;
use crate::routes::ManageAccess;
use crate::state::AppState;

/// Choose the notice mails for a product (工事情報メール / 故障情報メール). Absent flags stay.
#[utoipa::path(
    tag = "subscriptions",
    security(("bearer" = []), ("token" = ["manage"])),
    params(("product" = String, Path, description = "The product's slug")),
    request_body = SubscriptionPatch,
    responses(
        (status = 200, description = "Updated", body = SubscriptionView),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Current terms not accepted, or a token without the `manage` scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such product in My Support", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/me/subscriptions/{product}")]
pub async fn update(
    state: web::Data<AppState>,
    ManageAccess(auth): ManageAccess,
    path: web::Path<String>,
    body: web::Json<SubscriptionPatch>,
) -> ApiResult<web::Json<SubscriptionView>> {
    let slug = path.into_inner();
    let patch = body.into_inner();
    let now = state.now();
    let account = auth.account.id;
    let view = state
        .db(move |conn| {
            let (product_id, product) = super::product(conn, &slug)?;
            let not_subscribed = || ApiError::not_found("This product is not in My Support.");
            if Subscription::set_flags(
                conn,
                &account,
                &product_id,
                patch.maintenance_mail,
                patch.outage_mail,
                now,
            )? == 0
            {
                return Err(not_subscribed());
            }
            let subscription =
                Subscription::find(conn, &account, &product_id)?.ok_or_else(not_subscribed)?;
            Ok(subscription.view(product))
        })
        .await?;
    Ok(web::Json(view))
}
