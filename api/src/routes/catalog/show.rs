use actix_web::http::header::IfNoneMatch;
use actix_web::{HttpRequest, HttpResponse, get, web};
use shared::dto::Catalog;

use crate::error::ApiResult;
use crate::models::catalog;
use crate::routes::cache::{CATALOG_CACHING, conditional_document, public_json};
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
    req: HttpRequest,
    if_none_match: Option<web::Header<IfNoneMatch>>,
) -> ApiResult<HttpResponse> {
    let document = public_json(&state, "catalog".into(), |conn| Ok(catalog::load(conn)?)).await?;
    Ok(conditional_document(
        &req,
        if_none_match.map(web::Header::into_inner),
        &document,
        CATALOG_CACHING,
    ))
}
