//! The OpenAPI 3.1 document, collected from the `#[utoipa::path]` of every handler that
//! `routes::configure` registers. `openapi.yaml` at the repository root is this document.

use actix_web::App;
use shared::dto::WebhookEventType;
use utoipa::openapi::path::{
    HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn, PathItem,
};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Object, Ref, Required, ResponseBuilder, Type};
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
    components(schemas(
        shared::Problem,
        shared::FieldError,
        shared::dto::WebhookEvent,
        shared::dto::WebhookEventData,
        shared::dto::WebhookEventType,
        shared::dto::WebhookNotice,
    )),
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
        (name = "destinations", description = "Webhook, Slack and Microsoft Teams destinations: verified by a code, signed per Standard Webhooks, quarantined after repeated failures. The events they receive are under `webhooks`"),
        (name = "notices", description = "Maintenance and outage notices, their updates and delivery"),
        (name = "notice-templates", description = "Operators' notice templates, with placeholders a draft fills in"),
        (name = "deliveries", description = "The delivery log: what became of each notice for each of the account's destinations, and why one was not sent"),
        (name = "bounces", description = "Delivery status notifications (RFC 3464) that mail servers return after accepting a mail: they suspend the address that bounced"),
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
                         scope it needs (`read`, `manage` or, for operators, `bounces`); every other operation refuses \
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

/// Prefixes every operationId with its tag (`recipients_create`, `notices_publish`): the
/// handlers' function names repeat across resources (`show`, `create`, …), and generated
/// clients merge or drop operations that share an id.
fn qualify_operation_ids(api: &mut utoipa::openapi::OpenApi) {
    for item in api.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for op in operations.into_iter().flatten() {
            let tag = op.tags.as_ref().and_then(|t| t.first()).cloned();
            if let (Some(tag), Some(id)) = (tag, op.operation_id.as_mut()) {
                *id = format!("{}_{id}", tag.replace('-', "_"));
            }
        }
    }
}

/// Request bodies say which fields a client must send. Their Rust types take every field
/// with `#[serde(default)]`, so that a missing one reaches validation and comes back as a
/// field-level problem instead of an unreadable body; utoipa then documents each field as
/// optional with an empty default (`""`, `[]`, `false`), and generators either make clients
/// send `department: null` or let them omit the e-mail address. Here a field that is not
/// nullable and defaults to nothing becomes required, a nullable one optional, and neither
/// keeps a default that only stood for "absent". A meaningful default stays as it is.
fn require_request_fields(api: &mut utoipa::openapi::OpenApi) {
    use serde_json::Value;
    let Ok(mut doc) = serde_json::to_value(&*api) else {
        return;
    };
    let bodies: std::collections::BTreeSet<String> = doc["paths"]
        .as_object()
        .into_iter()
        .flat_map(|paths| paths.values())
        .filter_map(Value::as_object)
        .flat_map(|item| item.values())
        .filter_map(|op| {
            op["requestBody"]["content"]["application/json"]["schema"]["$ref"].as_str()
        })
        .filter_map(|r| r.strip_prefix("#/components/schemas/"))
        .map(str::to_owned)
        .collect();
    let empty = |v: &Value| match v {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        Value::Number(_) => false,
    };
    let nullable = |p: &Value| {
        let null = |t: &Value| t == "null";
        p["type"].as_array().is_some_and(|t| t.iter().any(null))
            || p["oneOf"]
                .as_array()
                .is_some_and(|alts| alts.iter().any(|a| null(&a["type"])))
    };
    for name in bodies {
        let schema = &mut doc["components"]["schemas"][name.as_str()];
        let mut required: Vec<Value> = schema["required"].as_array().cloned().unwrap_or_default();
        let Some(properties) = schema["properties"].as_object_mut() else {
            continue;
        };
        for (field, property) in properties.iter_mut() {
            let Some(default) = property.get("default") else {
                continue;
            };
            if !empty(default) {
                continue;
            }
            let optional = nullable(property);
            if let Some(p) = property.as_object_mut() {
                p.remove("default");
            }
            if !optional && !required.iter().any(|r| r == field.as_str()) {
                required.push(Value::String(field.clone()));
            }
        }
        if !required.is_empty() {
            schema["required"] = Value::Array(required);
        }
    }
    match serde_json::from_value(doc) {
        Ok(doc) => *api = doc,
        Err(e) => tracing::error!(error = %e, "the request bodies' fields could not be marked"),
    }
}

/// The document with its `webhooks` (OpenAPI 3.1): what generic webhook destinations
/// receive. utoipa has no `webhooks` field, so they are added beside its document.
#[derive(serde::Serialize)]
pub struct Published {
    #[serde(flatten)]
    pub api: utoipa::openapi::OpenApi,
    pub webhooks: std::collections::BTreeMap<&'static str, PathItem>,
}

pub fn published() -> Published {
    published_from(document())
}

pub fn published_from(mut api: utoipa::openapi::OpenApi) -> Published {
    qualify_operation_ids(&mut api);
    require_request_fields(&mut api);
    let event = |event: WebhookEventType, summary: &str| {
        let header = |name: &str, description: &str| {
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Header)
                .required(Required::True)
                .description(Some(description))
                .schema(Some(Object::with_type(Type::String)))
                .build()
        };
        let operation = OperationBuilder::new()
            .operation_id(Some(event.code().replace('.', "_")))
            .summary(Some(summary))
            .description(Some(format!(
                "Sent to generic webhook destinations as `type: {}`. Answer with any 2xx \
                 within 10 s; other answers, timeouts, 5xx and 429 (honouring `Retry-After`) \
                 are retried with exponential back-off for 24 hours, with the same \
                 `webhook-id`. Ten consecutive failures spanning an hour quarantine the \
                 destination. Slack and Teams destinations receive the same event as a Block \
                 Kit message or an Adaptive Card instead.",
                event.code()
            )))
            .tag("destinations")
            .parameter(header(
                "webhook-id",
                "The delivery's id, equal to `data.idempotency_key`: the same on every retry.",
            ))
            .parameter(header(
                "webhook-timestamp",
                "Seconds since the Unix epoch when this attempt was signed.",
            ))
            .parameter(header(
                "webhook-signature",
                "`v1,<base64 HMAC-SHA256>` of `{webhook-id}.{webhook-timestamp}.{body}` keyed \
                 with the base64 after `whsec_` in the destination's secret; after a rotation, \
                 one signature per valid secret, separated by spaces.",
            ))
            .request_body(Some(
                RequestBodyBuilder::new()
                    .content(
                        "application/json",
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("WebhookEvent")))
                            .build(),
                    )
                    .required(Some(Required::True))
                    .build(),
            ))
            .response(
                "2XX",
                ResponseBuilder::new()
                    .description("Received; the body is ignored")
                    .build(),
            )
            .build();
        PathItem::new(HttpMethod::Post, operation)
    };
    let webhooks = [
        (WebhookEventType::NoticePublished, "A notice was published"),
        (WebhookEventType::NoticeUpdated, "A notice was updated"),
        (
            WebhookEventType::DestinationVerified,
            "The destination was confirmed",
        ),
        (
            WebhookEventType::Test,
            "A test, with the code to confirm the destination",
        ),
    ]
    .into_iter()
    .map(|(e, summary)| (e.code(), event(e, summary)))
    .collect();
    Published { api, webhooks }
}

pub fn yaml() -> anyhow::Result<String> {
    Ok(serde_norway::to_string(&published())?)
}
