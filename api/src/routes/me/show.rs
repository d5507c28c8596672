use actix_web::{get, web};
use shared::Problem;
use shared::dto::AccountView;

use crate::routes::Authenticated;

/// The signed-in account. Answers before the current terms are accepted too, with
/// `terms_accepted: false`, so a client knows to show the terms.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The account", body = AccountView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me")]
pub async fn show(auth: Authenticated) -> web::Json<AccountView> {
    web::Json(auth.account.view(auth.current_terms.as_deref()))
}
