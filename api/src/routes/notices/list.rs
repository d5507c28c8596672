use actix_web::http::header::IfNoneMatch;
use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;
use shared::FieldCode;
use shared::dto::{NoticeKind, NoticePage};
use shared::{FieldErrors, Problem};

use crate::error::ApiResult;
use crate::models::catalog;
use crate::models::notice::{ListFilter, Notice};
use crate::routes::cache::{NOTICE_CACHING, conditional_document, public_json};
use crate::state::AppState;

const PAGE_DEFAULT: i64 = 20;
const PAGE_MAX: i64 = 100;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct NoticeQuery {
    /// Only notices affecting this product (slug).
    pub product: Option<String>,
    /// `maintenance` or `outage`.
    pub kind: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1 to 100 (default 20).
    pub limit: Option<i64>,
}

/// Published notices, newest first.
#[utoipa::path(
    tag = "notices",
    params(NoticeQuery),
    responses(
        (status = 200, description = "One page", body = NoticePage,
         headers(("ETag" = String, description = "Changes whenever a notice or the catalog does"))),
        (status = 304, description = "Unchanged since the given ETag"),
        (status = 400, description = "`product`: `unknown_product`; `kind`, `cursor`, `limit`: `invalid_value`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/notices")]
pub async fn list(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<NoticeQuery>,
    if_none_match: Option<web::Header<IfNoneMatch>>,
) -> ApiResult<HttpResponse> {
    let query = query.into_inner();
    let mut errors = FieldErrors::default();
    let kind = match query.kind.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(k) => errors.take("kind", NoticeKind::parse(k)),
    };
    let after = match query.cursor.as_deref() {
        None | Some("") => None,
        Some(c) => {
            let decoded = super::decode_cursor(c);
            if decoded.is_none() {
                errors.push("cursor", FieldCode::InvalidValue);
            }
            decoded
        }
    };
    let limit = query.limit.unwrap_or(PAGE_DEFAULT);
    if !(1..=PAGE_MAX).contains(&limit) {
        errors.push("limit", FieldCode::InvalidValue);
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let product = query.product.filter(|p| !p.trim().is_empty());
    // The same query, the same page: kept until a notice or the catalog changes.
    let key = format!("notices?{}", req.query_string());
    let document = public_json(&state, key, move |conn| {
        let product_id = match product {
            None => None,
            Some(slug) => match catalog::product::find(conn, slug.trim())? {
                Some(p) => Some(p.id),
                None => {
                    let mut errors = FieldErrors::default();
                    errors.push("product", FieldCode::UnknownProduct);
                    return Err(errors.into());
                }
            },
        };
        let filter = ListFilter {
            kind,
            product_id,
            after,
        };
        // One more than asked tells whether there is a next page.
        let mut items = Notice::page(conn, &filter, limit + 1)?;
        let more = items.len() as i64 > limit;
        items.truncate(limit as usize);
        let next_cursor = more.then(|| items.last()).flatten().and_then(|last| {
            Some(super::encode_cursor(
                last.published_at?.naive_utc(),
                &last.id,
            ))
        });
        Ok(NoticePage { items, next_cursor })
    })
    .await?;
    Ok(conditional_document(
        &req,
        if_none_match.map(web::Header::into_inner),
        &document,
        NOTICE_CACHING,
    ))
}
