use actix_web::{HttpRequest, HttpResponse, get, web};

use super::{FeedQuery, Scope};
use crate::error::ApiResult;
use crate::state::AppState;

/// Atom feed of the notices for the products in one account's My Support. The key in the
/// path is the only credential: it is issued and revoked through `/api/v1/me/feed-key`.
#[get("/personal/{key}/notices.atom")]
pub async fn personal_atom(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<FeedQuery>,
) -> ApiResult<HttpResponse> {
    let scope = Scope::Personal(path.into_inner());
    super::atom_feed(state, req, &query, scope, "/mysupport").await
}
