use actix_web::{HttpResponse, post, web};
use shared::Problem;
use shared::dto::{PostmortemRequest, PublicationReceipt};

use crate::error::ApiResult;
use crate::routes::Operator;
use crate::state::AppState;

/// Publish a resolved outage's postmortem (事後報告, operators): on the notice's page and in
/// the feeds, and mailed by the notice's audience rule only with `notify: true`.
#[utoipa::path(
    tag = "notices",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The notice's id")),
    request_body = PostmortemRequest,
    responses(
        (status = 202, description = "Published; mails queued if asked for", body = PublicationReceipt),
        (status = 400, description = "Invalid fields (`body_ja`: `required`, `too_long`…)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in, or the token is invalid, expired or revoked", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an operator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such notice", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a resolved outage", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/notices/{id}/postmortem")]
pub async fn postmortem(
    state: web::Data<AppState>,
    _operator: Operator,
    path: web::Path<String>,
    body: web::Json<PostmortemRequest>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let request = body.into_inner();
    let receipt = super::publication(&state, move |conn, domain, now| {
        crate::services::notices::publish_postmortem(conn, &id, &request, domain, now)
    })
    .await?;
    tracing::info!(
        publication = %receipt.publication_id,
        audience = receipt.audience,
        "postmortem published"
    );
    Ok(HttpResponse::Accepted().json(receipt))
}
