use actix_web::{HttpRequest, HttpResponse, get, web};

use super::{FeedQuery, Scope};
use crate::error::ApiResult;
use crate::state::AppState;

/// Atom feed of the published notices that affect one product.
#[get("/products/{product}/notices.atom")]
pub async fn product_atom(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<FeedQuery>,
) -> ApiResult<HttpResponse> {
    let slug = path.into_inner();
    let page = format!("/support/products/{slug}");
    super::atom_feed(state, req, &query, Scope::Product(slug), &page).await
}
