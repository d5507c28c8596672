use actix_web::{HttpRequest, HttpResponse, get, web};

use super::{ATOM, FeedQuery, Scope};
use crate::error::ApiResult;
use crate::state::AppState;

/// Atom feed of every published notice.
#[get("/feeds/notices.atom")]
pub async fn notices_atom(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<FeedQuery>,
) -> ApiResult<HttpResponse> {
    let language = super::language(&query);
    let loaded = super::load(&state, Scope::All, None).await?;
    let body = super::atom_document(&state, &req, &loaded, language, "/notices");
    Ok(super::respond(&req, body, ATOM, false))
}
