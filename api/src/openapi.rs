//! The OpenAPI 3.1 document, collected from the `#[utoipa::path]` of every handler that
//! `routes::configure` registers. `openapi.yaml` at the repository root is this document.

use actix_web::App;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::{AppExt, scope};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Shirase API",
        description = "Maintenance (工事) and outage (故障) notices by email, for the products each \
                       customer chose, at the addresses and hours they chose.\n\n\
                       Errors are RFC 9457 problem documents (`application/problem+json`); \
                       validation errors list `errors: [{field, code}]`.",
        license(name = "MIT OR Apache-2.0"),
    ),
    components(schemas(shared::Problem, shared::FieldError)),
    modifiers(&BearerAuth),
    tags(
        (name = "registrations", description = "Support ID sign-up and activation"),
        (name = "sessions", description = "Log in, refresh, log out"),
        (name = "terms", description = "Terms of use"),
        (name = "me", description = "The signed-in account"),
        (name = "password-resets", description = "Password reset by mail"),
        (name = "catalog", description = "Categories, groups and products"),
        (name = "subscriptions", description = "My Support: products and their notice mails"),
        (name = "recipients", description = "Delivery addresses, their weekdays and hours"),
        (name = "notices", description = "Maintenance and outage notices, their updates and delivery"),
        (name = "tokens", description = "Personal API tokens for integrations"),
        (name = "feeds", description = "The secret URLs of the personal Atom and iCalendar feeds. The public feeds are `/feeds/notices.atom`, `/feeds/products/{product}/notices.atom`, `/feeds/maintenance.ics` and `/feeds/products/{product}/maintenance.ics`"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("The `access_token` of a session."))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A personal API token (`shirase_…`, from `POST /api/v1/me/tokens`), sent \
                         as `Authorization: Bearer`. An operation that accepts tokens lists the \
                         scope it needs (`read` or `manage`); every other operation refuses \
                         them with 403.",
                    ))
                    .build(),
            ),
        );
    }
}

/// The `/api/v1` scope with every handler, documented.
pub fn api_scope() -> scope::Scope<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    scope::scope("/api/v1")
        .configure(crate::routes::configure)
        .default_service(actix_web::web::to(crate::error::api_not_found))
}

/// The whole document, without starting a server.
pub fn document() -> utoipa::openapi::OpenApi {
    let (_, api) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .service(api_scope())
        .split_for_parts();
    api
}

pub fn yaml() -> anyhow::Result<String> {
    Ok(document().to_yaml()?)
}
