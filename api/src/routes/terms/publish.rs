use actix_web::{HttpResponse, post, web};
use shared::FieldCode;
use shared::dto::{TermsDraft, TermsView};
use shared::{FieldErrors, Problem};

use crate::error::ApiResult;
use crate::models::terms::Terms;
use crate::routes::Operator;
use crate::state::AppState;

/// Publish a new version of the terms (operators). From `published_at` on, every customer
/// must accept it before using My Support again.
#[utoipa::path(
    tag = "terms",
    security(("bearer" = [])),
    request_body = TermsDraft,
    responses(
        (status = 201, description = "Published", body = TermsView),
        (status = 400, description = "Invalid fields; `taken` if the version exists", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an operator", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/terms")]
#[tracing::instrument(name = "publish_terms", skip_all)]
pub async fn publish(
    state: web::Data<AppState>,
    _operator: Operator,
    body: web::Json<TermsDraft>,
) -> ApiResult<HttpResponse> {
    let draft = body.parse()?;
    let now = state.now();
    let terms = Terms {
        version: draft.version,
        title_ja: draft.title_ja,
        title_en: draft.title_en,
        body_ja: draft.body_ja,
        body_en: draft.body_en,
        published_at: draft.published_at.map_or(now, |t| t.naive_utc()),
    };
    let terms = state
        .db(move |conn| {
            conn_insert(conn, &terms)?;
            Ok(terms)
        })
        .await?;
    Ok(HttpResponse::Created().json(terms.view()))
}

fn conn_insert(conn: &mut crate::db::DbConnection, terms: &Terms) -> ApiResult<()> {
    use diesel::result::{DatabaseErrorKind, Error};
    match terms.insert(conn) {
        Err(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
            let mut errors = FieldErrors::default();
            errors.push("version", FieldCode::Taken);
            Err(errors.into())
        }
        other => other.map(|_| ()).map_err(Into::into),
    }
}
