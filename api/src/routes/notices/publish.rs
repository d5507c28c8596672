use actix_web::{HttpResponse, post, web};
use shared::Problem;
use shared::dto::PublicationReceipt;

use crate::error::ApiResult;
use crate::routes::Operator;
use crate::state::AppState;

/// Publish a draft (operators): the notice goes public and, in the same transaction, one
/// mail per address of its audience is queued.
#[utoipa::path(
    tag = "notices",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The notice's id")),
    responses(
        (status = 202, description = "Published; mails queued", body = PublicationReceipt),
        (status = 401, description = "Not signed in, or the token is invalid, expired or revoked", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an operator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such notice", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already published", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/notices/{id}/publication")]
pub async fn publish(
    state: web::Data<AppState>,
    _operator: Operator,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let receipt = super::publication(&state, move |conn, domain, now| {
        super::publish_draft(conn, &id, domain, now)
    })
    .await?;
    tracing::info!(
        publication = %receipt.publication_id,
        audience = receipt.audience,
        skipped = receipt.skipped,
        "notice published"
    );
    Ok(HttpResponse::Accepted().json(receipt))
}
