use actix_web::{HttpResponse, post, web};
use shared::dto::{NoticeUpdateRequest, PublicationReceipt};
use shared::{Problem, ProblemKind};

use crate::auth::Operator;
use crate::error::{ApiError, ApiResult};
use crate::models::notice::{NewPublication, Publication, utc};
use crate::state::AppState;

/// Publish a follow-up (operators), e.g. 復旧, rescheduled or extended. It becomes the
/// notice's current status and times, and is mailed by the same audience rule, evaluated
/// now; mail clients thread it under the first mail.
#[utoipa::path(
    tag = "notices",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The notice's id")),
    request_body = NoticeUpdateRequest,
    responses(
        (status = 202, description = "Published; mails queued", body = PublicationReceipt),
        (status = 400, description = "Invalid fields, e.g. `status`: `invalid_value` for the kind, `ends_at`: `before_start`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an operator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such notice", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Still a draft: publish it first", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/notices/{id}/updates")]
pub async fn update(
    state: web::Data<AppState>,
    _operator: Operator,
    path: web::Path<String>,
    body: web::Json<NoticeUpdateRequest>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let request = body.into_inner();
    let receipt = super::publication(&state, move |conn, domain, now| {
        let notice = super::find(conn, &id)?;
        if notice.is_draft() {
            return Err(ApiError::new(
                ProblemKind::Conflict,
                "This notice is still a draft; publish it first.",
            ));
        }
        let update = request.parse(
            notice.kind(),
            utc(notice.starts_at),
            notice.ends_at.map(utc),
        )?;
        let new = NewPublication {
            notice_id: &notice.id,
            sequence: Publication::next_sequence(conn, &notice.id)?,
            body_ja: &update.body_ja,
            body_en: update.body_en.as_deref(),
            status: update.status.unwrap_or(notice.status()),
            starts_at: update.starts_at.map_or(notice.starts_at, |t| t.naive_utc()),
            ends_at: update.ends_at.map(|t| t.naive_utc()).or(notice.ends_at),
        };
        super::publish_in(conn, domain, &notice, &new, now)
    })
    .await?;
    tracing::info!(
        publication = %receipt.publication_id,
        sequence = receipt.sequence,
        audience = receipt.audience,
        "notice update published"
    );
    Ok(HttpResponse::Accepted().json(receipt))
}
