use actix_web::http::header::IfNoneMatch;
use actix_web::{HttpRequest, HttpResponse, get, web};
use shared::Problem;
use shared::dto::ProductView;

use crate::error::{ApiError, ApiResult};
use crate::models::catalog;
use crate::routes::cache::{CATALOG_CACHING, conditional_document, public_json};
use crate::state::AppState;

/// One product by slug, with its category and group. Retired products answer too, marked
/// `retired`, so their subscribers' links keep working. Public and cacheable (ETag, 304).
#[utoipa::path(
    tag = "catalog",
    operation_id = "show_product",
    params(("product" = String, Path, description = "The product's slug, e.g. `id-federation`")),
    responses(
        (status = 200, description = "The product", body = ProductView,
         headers(("ETag" = String, description = "Changes whenever the product does"))),
        (status = 304, description = "Unchanged since the given ETag"),
        (status = 404, description = "No such product", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/products/{product}")]
pub async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    if_none_match: Option<web::Header<IfNoneMatch>>,
) -> ApiResult<HttpResponse> {
    let slug = path.into_inner();
    let key = format!("product {slug}");
    let document = public_json(&state, key, move |conn| {
        catalog::product_view(conn, &slug)?
            .map(|(_, product)| product)
            .ok_or_else(|| ApiError::not_found("No such product."))
    })
    .await?;
    Ok(conditional_document(
        &req,
        if_none_match.map(web::Header::into_inner),
        &document,
        CATALOG_CACHING,
    ))
}
