use actix_web::http::header;
use actix_web::{HttpResponse, get};

/// The documentation lives under `/api/docs/`; its address without the slash leads there.
#[get("/api/docs")]
pub async fn docs_redirect() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header((header::LOCATION, "/api/docs/"))
        .finish()
}
