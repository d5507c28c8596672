use actix_web::{HttpRequest, HttpResponse, get, web};

use super::{ATOM, FeedQuery, Scope};
use crate::error::ApiResult;
use crate::state::AppState;

/// Atom feed of the published notices that affect one product.
#[get("/feeds/products/{product}/notices.atom")]
pub async fn product_atom(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<FeedQuery>,
) -> ApiResult<HttpResponse> {
    let language = super::language(&query);
    let slug = path.into_inner();
    let page = format!("/support/products/{slug}");
    let loaded = super::load(&state, Scope::Product(slug), None).await?;
    let body = super::atom_document(&state, &req, &loaded, language, &page);
    Ok(super::respond(&req, body, ATOM, false))
}
