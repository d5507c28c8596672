use actix_web::{HttpResponse, put, web};
use shared::Problem;
use shared::ProblemKind;
use shared::dto::SubscriptionView;

use crate::error::{ApiError, ApiResult};
use crate::models::subscription::Subscription;
use crate::routes::ManageAccess;
use crate::state::AppState;

/// Add a product to My Support (マイサポートへ登録). Idempotent: 201 when added, 200 when it
/// was already there. Both mail flags start off.
#[utoipa::path(
    tag = "subscriptions",
    security(("bearer" = []), ("token" = ["manage"])),
    params(("product" = String, Path, description = "The product's slug")),
    responses(
        (status = 201, description = "Added", body = SubscriptionView),
        (status = 200, description = "Already in My Support", body = SubscriptionView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Current terms not accepted, or a token without the `manage` scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such product", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The product is retired", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/me/subscriptions/{product}")]
pub async fn add(
    state: web::Data<AppState>,
    ManageAccess(auth): ManageAccess,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let slug = path.into_inner();
    let now = state.now();
    let account = auth.account.id;
    let (created, view) = state
        .db(move |conn| {
            let (product_id, product) = super::product(conn, &slug)?;
            let existing = Subscription::find(conn, &account, &product_id)?;
            if existing.is_none() && product.retired {
                return Err(ApiError::new(
                    ProblemKind::Conflict,
                    "This product is retired and can no longer be added.",
                ));
            }
            let created = Subscription::add(conn, &account, &product_id, now)?;
            let subscription = Subscription::find(conn, &account, &product_id)?
                .ok_or_else(|| ApiError::not_found("No such subscription."))?;
            Ok((created, subscription.view(product)))
        })
        .await?;
    Ok(if created {
        HttpResponse::Created().json(view)
    } else {
        HttpResponse::Ok().json(view)
    })
}
