use actix_web::{HttpRequest, HttpResponse, get, web};

use super::{FeedQuery, Scope};
use crate::error::ApiResult;
use crate::state::AppState;

/// Atom feed of every published notice.
#[get("/notices.atom")]
pub async fn notices_atom(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<FeedQuery>,
) -> ApiResult<HttpResponse> {
    super::atom_feed(state, req, &query, Scope::All, "/notices").await
}
