use actix_web::{HttpResponse, delete, web};
use shared::Problem;
use shared::dto::NoticeKind;

use crate::error::{ApiError, ApiResult};
use crate::models::{catalog, opt_out};
use crate::routes::ManageAccess;
use crate::state::AppState;

/// Resume a kind of notice mail for a product at one address (undo an unsubscribe).
#[utoipa::path(
    tag = "recipients",
    security(("bearer" = []), ("token" = ["manage"])),
    params(
        ("id" = String, Path, description = "The address's id"),
        ("product" = String, Path, description = "The product's slug"),
        ("kind" = String, Path, description = "`maintenance` or `outage`"),
    ),
    responses(
        (status = 204, description = "Mail resumed"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Current terms not accepted, or a token without the `manage` scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such unsubscribe on this account's address", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/me/recipients/{id}/opt-outs/{product}/{kind}")]
pub async fn resume(
    state: web::Data<AppState>,
    ManageAccess(auth): ManageAccess,
    path: web::Path<(String, String, String)>,
) -> ApiResult<HttpResponse> {
    let (recipient_id, slug, kind) = path.into_inner();
    let none = || ApiError::not_found("This address is not unsubscribed from that mail.");
    let kind = NoticeKind::parse(&kind).map_err(|_| none())?;
    state
        .db(move |conn| {
            let product = catalog::product::find(conn, &slug)?.ok_or_else(none)?;
            if !opt_out::remove(conn, &auth.account.id, &recipient_id, &product.id, kind)? {
                return Err(none());
            }
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
