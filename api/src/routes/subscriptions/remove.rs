use actix_web::{HttpResponse, delete, web};
use shared::Problem;

use crate::error::{ApiError, ApiResult};
use crate::models::subscription::Subscription;
use crate::routes::ManageAccess;
use crate::state::AppState;

/// Remove a product from My Support.
#[utoipa::path(
    tag = "subscriptions",
    security(("bearer" = []), ("token" = ["manage"])),
    params(("product" = String, Path, description = "The product's slug")),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Current terms not accepted, or a token without the `manage` scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such product in My Support", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/me/subscriptions/{product}")]
pub async fn remove(
    state: web::Data<AppState>,
    ManageAccess(auth): ManageAccess,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let slug = path.into_inner();
    let account = auth.account.id;
    state
        .db(move |conn| {
            let (product_id, _) = super::product(conn, &slug)?;
            if Subscription::remove(conn, &account, &product_id)? == 0 {
                return Err(ApiError::not_found("This product is not in My Support."));
            }
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
