use actix_web::http::header::{self, EntityTag, IfNoneMatch};
use actix_web::{HttpResponse, get, web};
use sha2::{Digest, Sha256};
use shared::dto::Catalog;

use crate::error::ApiResult;
use crate::models::catalog;
use crate::state::AppState;

/// The catalog: categories → groups → products in display order (retired entries left
/// out). Public and cacheable: answers 304 to a matching `If-None-Match`.
#[utoipa::path(
    tag = "catalog",
    responses(
        (status = 200, description = "The catalog", body = Catalog,
         headers(("ETag" = String, description = "Changes whenever the catalog does"))),
        (status = 304, description = "Unchanged since the given ETag"),
    )
)]
#[get("/catalog")]
pub async fn show(
    state: web::Data<AppState>,
    if_none_match: Option<web::Header<IfNoneMatch>>,
) -> ApiResult<HttpResponse> {
    let catalog = state.db(|conn| Ok(catalog::load(conn)?)).await?;
    let body = serde_json::to_vec(&catalog).map_err(anyhow::Error::new)?;
    // The tag is the content's hash, so every process agrees on it without coordination.
    let tag = EntityTag::new_strong(hex::encode(&Sha256::digest(&body)[..16]));
    let cache = (header::CACHE_CONTROL, "public, max-age=60");
    let unchanged = match if_none_match.map(web::Header::into_inner) {
        Some(IfNoneMatch::Any) => true,
        Some(IfNoneMatch::Items(tags)) => tags.iter().any(|t| t.weak_eq(&tag)),
        None => false,
    };
    let mut response = if unchanged {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header(cache)
        .insert_header(header::ETag(tag));
    Ok(if unchanged {
        response.finish()
    } else {
        response.content_type("application/json").body(body)
    })
}
