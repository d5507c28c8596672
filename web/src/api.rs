//! Plain async calls to the REST API. Problems come back as `shared::Problem`, so pages can
//! show field codes next to their fields.

use gloo_net::http::{Request, RequestBuilder, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use shared::dto::{
    AccountView, ActivationRequest, AudienceEstimate, Catalog, Coverage, CreatedToken,
    DeliveryAttemptView, DeliveryLogPage, DestinationCodeRequest, DestinationCreated,
    DestinationView, EmailChangeRequest, EmailChangeStatus, FeedKeyView, IssuedFeedKey,
    LoginRequest, NewDestinationRequest, NewRecipientRequest, NewTokenRequest, NoticeDeliveries,
    NoticeDraftRequest, NoticeKind, NoticePage, NoticePatch, NoticePreview, NoticeSummary,
    NoticeTemplateRequest, NoticeTemplateView, NoticeUpdateRequest, NoticeView,
    PasswordResetConfirm, PasswordResetRequest, PostmortemRequest, ProductView, PublicationReceipt,
    RecipientPatch, RecipientVerificationStatus, RecipientView, RefreshRequest,
    RegistrationAccepted, RegistrationRequest, RegistrationStatus, ScheduleRequest, SecretRotated,
    SessionTokens, StatusOverview, SubscriptionPatch, SubscriptionView, TermsAcceptance, TermsView,
    TokenView, UnsubscribeTarget,
};
use shared::{Problem, ProblemKind};

use crate::session::{self, StoredSession};

#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    Problem(Problem),
    /// The server could not be reached or answered something unreadable.
    Network(String),
}

impl ApiError {
    pub fn kind(&self) -> Option<ProblemKind> {
        match self {
            Self::Problem(p) => p.kind(),
            Self::Network(_) => None,
        }
    }

    pub fn status(&self) -> u16 {
        match self {
            Self::Problem(p) => p.status,
            Self::Network(_) => 0,
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Problem(p) => write!(f, "{} ({})", p.title, p.status),
            Self::Network(e) => write!(f, "network: {e}"),
        }
    }
}

/// So that a view may render a `Result<_, ApiError>` and leave the failure to the
/// [`crate::components::ApiErrors`] boundary.
impl std::error::Error for ApiError {}

pub type ApiResult<T> = Result<T, ApiError>;

const BASE: &str = "/api/v1";

// Each call below is a future of its own type, and Leptos wraps every resource's future in
// generic pollers of its own: whatever is generic here is copied into each of them. So only
// the JSON is generic (serialising a body, parsing a reply); sending, signing in again on
// 401 and reading problems are one copy each, behind plain values (`Option<String>`,
// `&dyn Fn`). This took the fetching code out of dozens of copies in the SPA.

async fn read<T: DeserializeOwned>(res: Response) -> ApiResult<T> {
    let text = read_text(res).await?;
    serde_json::from_str(&text).map_err(|e| ApiError::Network(e.to_string()))
}

async fn read_text(res: Response) -> ApiResult<String> {
    if res.ok() {
        res.text()
            .await
            .map_err(|e| ApiError::Network(e.to_string()))
    } else {
        Err(problem(res).await)
    }
}

async fn read_empty(res: Response) -> ApiResult<()> {
    if res.ok() {
        Ok(())
    } else {
        Err(problem(res).await)
    }
}

async fn problem(res: Response) -> ApiError {
    match res.json::<Problem>().await {
        Ok(p) => ApiError::Problem(p),
        Err(_) => ApiError::Network(format!("HTTP {}", res.status())),
    }
}

/// A request body as JSON text.
fn json(body: Option<&impl Serialize>) -> ApiResult<Option<String>> {
    body.map(serde_json::to_string)
        .transpose()
        .map_err(|e| ApiError::Network(e.to_string()))
}

fn send(
    req: RequestBuilder,
    body: Option<&impl Serialize>,
) -> impl Future<Output = ApiResult<Response>> {
    send_json(req, json(body))
}

async fn send_json(req: RequestBuilder, body: ApiResult<Option<String>>) -> ApiResult<Response> {
    let req = match body? {
        Some(b) => req.header("Content-Type", "application/json").body(b),
        None => req.build(),
    }
    .map_err(|e| ApiError::Network(e.to_string()))?;
    req.send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))
}

fn with_token(req: RequestBuilder, token: &str) -> RequestBuilder {
    req.header("Authorization", &format!("Bearer {token}"))
}

/// Calls an authenticated endpoint; on 401 renews the session once with the refresh token.
fn authed<'a>(
    make: &'a dyn Fn() -> RequestBuilder,
    body: Option<&impl Serialize>,
) -> impl Future<Output = ApiResult<Response>> + 'a {
    authed_json(make, json(body))
}

async fn authed_json(
    make: &dyn Fn() -> RequestBuilder,
    body: ApiResult<Option<String>>,
) -> ApiResult<Response> {
    let body = body?;
    let Some(stored) = session::load() else {
        return Err(ApiError::Problem(Problem::new(
            ProblemKind::Unauthorized,
            "Sign in first.",
        )));
    };
    let res = send_json(with_token(make(), &stored.access_token), Ok(body.clone())).await?;
    if res.status() != 401 {
        return Ok(res);
    }
    let renewed = refresh(&stored.refresh_token).await?;
    send_json(with_token(make(), &renewed.access_token), Ok(body)).await
}

fn keep(tokens: &SessionTokens) {
    session::store(&StoredSession {
        access_token: tokens.access_token.clone(),
        refresh_token: tokens.refresh_token.clone(),
    });
}

async fn refresh(refresh_token: &str) -> ApiResult<SessionTokens> {
    let body = RefreshRequest {
        refresh_token: refresh_token.to_owned(),
    };
    let res = send(
        Request::post(&format!("{BASE}/sessions/refresh")),
        Some(&body),
    )
    .await?;
    match read::<SessionTokens>(res).await {
        Ok(tokens) => {
            keep(&tokens);
            Ok(tokens)
        }
        Err(e) => {
            session::clear();
            Err(e)
        }
    }
}

pub async fn register(form: &RegistrationRequest) -> ApiResult<RegistrationAccepted> {
    read(send(Request::post(&format!("{BASE}/registrations")), Some(form)).await?).await
}

pub async fn registration_status(token: &str) -> ApiResult<RegistrationStatus> {
    let res = send(
        Request::get(&format!("{BASE}/registrations/{token}")),
        None::<&()>,
    )
    .await?;
    read(res).await
}

pub async fn activate(token: &str, password: &str) -> ApiResult<SessionTokens> {
    let body = ActivationRequest {
        password: password.to_owned(),
    };
    let url = format!("{BASE}/registrations/{token}/activation");
    let tokens: SessionTokens = read(send(Request::post(&url), Some(&body)).await?).await?;
    keep(&tokens);
    Ok(tokens)
}

pub async fn login(email: &str, password: &str) -> ApiResult<SessionTokens> {
    let body = LoginRequest {
        email: email.to_owned(),
        password: password.to_owned(),
    };
    let tokens: SessionTokens =
        read(send(Request::post(&format!("{BASE}/sessions")), Some(&body)).await?).await?;
    keep(&tokens);
    Ok(tokens)
}

pub async fn logout() {
    let url = format!("{BASE}/sessions/current");
    let _ = authed(&|| Request::delete(&url), None::<&()>).await;
    session::clear();
}

pub async fn me() -> ApiResult<AccountView> {
    let url = format!("{BASE}/me");
    read(authed(&|| Request::get(&url), None::<&()>).await?).await
}

pub async fn terms() -> ApiResult<TermsView> {
    read(send(Request::get(&format!("{BASE}/terms")), None::<&()>).await?).await
}

pub async fn accept_terms(version: &str) -> ApiResult<()> {
    let url = format!("{BASE}/me/terms-acceptance");
    let body = TermsAcceptance {
        version: version.to_owned(),
    };
    read_empty(authed(&|| Request::post(&url), Some(&body)).await?).await
}

pub async fn request_password_reset(email: &str) -> ApiResult<()> {
    let body = PasswordResetRequest {
        email: email.to_owned(),
    };
    read_empty(
        send(
            Request::post(&format!("{BASE}/password-resets")),
            Some(&body),
        )
        .await?,
    )
    .await
}

pub async fn confirm_password_reset(token: &str, new_password: &str) -> ApiResult<()> {
    let body = PasswordResetConfirm {
        new_password: new_password.to_owned(),
    };
    let url = format!("{BASE}/password-resets/{token}");
    read_empty(send(Request::post(&url), Some(&body)).await?).await
}

pub async fn status() -> ApiResult<StatusOverview> {
    read(send(Request::get(&format!("{BASE}/status")), None::<&()>).await?).await
}

pub async fn catalog() -> ApiResult<Catalog> {
    read(send(Request::get(&format!("{BASE}/catalog")), None::<&()>).await?).await
}

/// The whole catalog, retired entries included, as operators manage it: read fresh, so the
/// console sees its own changes at once.
pub async fn catalog_all() -> ApiResult<Catalog> {
    let url = format!("{BASE}/catalog/all");
    read(authed(&|| Request::get(&url), None::<&()>).await?).await
}

pub async fn product(slug: &str) -> ApiResult<ProductView> {
    read(
        send(
            Request::get(&format!("{BASE}/products/{slug}")),
            None::<&()>,
        )
        .await?,
    )
    .await
}

pub async fn subscriptions() -> ApiResult<Vec<SubscriptionView>> {
    let url = format!("{BASE}/me/subscriptions");
    read(authed(&|| Request::get(&url), None::<&()>).await?).await
}

pub async fn subscribe(slug: &str) -> ApiResult<SubscriptionView> {
    let url = format!("{BASE}/me/subscriptions/{slug}");
    read(authed(&|| Request::put(&url), None::<&()>).await?).await
}

pub async fn set_mail(slug: &str, maintenance: bool, outage: bool) -> ApiResult<SubscriptionView> {
    let url = format!("{BASE}/me/subscriptions/{slug}");
    let body = SubscriptionPatch {
        maintenance_mail: Some(maintenance),
        outage_mail: Some(outage),
    };
    read(authed(&|| Request::patch(&url), Some(&body)).await?).await
}

pub async fn unsubscribe(slug: &str) -> ApiResult<()> {
    let url = format!("{BASE}/me/subscriptions/{slug}");
    read_empty(authed(&|| Request::delete(&url), None::<&()>).await?).await
}

pub async fn recipients() -> ApiResult<Vec<RecipientView>> {
    let url = format!("{BASE}/me/recipients");
    read(authed(&|| Request::get(&url), None::<&()>).await?).await
}

pub async fn add_recipient(body: &NewRecipientRequest) -> ApiResult<RecipientView> {
    let url = format!("{BASE}/me/recipients");
    read(authed(&|| Request::post(&url), Some(body)).await?).await
}

pub async fn update_recipient(id: &str, body: &RecipientPatch) -> ApiResult<RecipientView> {
    let url = format!("{BASE}/me/recipients/{id}");
    read(authed(&|| Request::patch(&url), Some(body)).await?).await
}

pub async fn delete_recipient(id: &str) -> ApiResult<()> {
    let url = format!("{BASE}/me/recipients/{id}");
    read_empty(authed(&|| Request::delete(&url), None::<&()>).await?).await
}

pub async fn resend_verification(id: &str) -> ApiResult<()> {
    let url = format!("{BASE}/me/recipients/{id}/verification");
    read_empty(authed(&|| Request::post(&url), None::<&()>).await?).await
}

pub async fn recipient_verification(token: &str) -> ApiResult<RecipientVerificationStatus> {
    let url = format!("{BASE}/recipient-verifications/{token}");
    read(send(Request::get(&url), None::<&()>).await?).await
}

/// Asks to change the login address: mails to the new and the current address.
pub async fn request_email_change(body: &EmailChangeRequest) -> ApiResult<()> {
    let url = format!("{BASE}/me/email-change");
    read_empty(authed(&|| Request::post(&url), Some(body)).await?).await
}

/// Whether a login address change link still works.
pub async fn email_change(token: &str) -> ApiResult<EmailChangeStatus> {
    let url = format!("{BASE}/email-changes/{token}");
    read(send(Request::get(&url), None::<&()>).await?).await
}

pub async fn confirm_email_change(token: &str) -> ApiResult<()> {
    let url = format!("{BASE}/email-changes/{token}");
    read_empty(send(Request::post(&url), None::<&()>).await?).await
}

pub async fn verify_recipient(token: &str) -> ApiResult<()> {
    let url = format!("{BASE}/recipient-verifications/{token}");
    read_empty(send(Request::post(&url), None::<&()>).await?).await
}

pub async fn coverage() -> ApiResult<Coverage> {
    let url = format!("{BASE}/me/coverage?kind=outage");
    read(authed(&|| Request::get(&url), None::<&()>).await?).await
}

/// One page of published notices; `query` is the part after `?` (already encoded).
pub async fn notices(query: &str) -> ApiResult<NoticePage> {
    let url = format!("{BASE}/notices?{query}");
    read(send(Request::get(&url), None::<&()>).await?).await
}

pub async fn notice(id: &str) -> ApiResult<NoticeView> {
    let url = format!("{BASE}/notices/{id}");
    read(send(Request::get(&url), None::<&()>).await?).await
}

/// The one-click unsubscribe of a notice mail, from its confirmation page.
pub async fn unsubscribe_mail(token: &str) -> ApiResult<()> {
    let url = format!("{BASE}/unsubscribe/{token}");
    let req = Request::post(&url)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .map_err(|e| ApiError::Network(e.to_string()))?;
    let res = req
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    read_empty(res).await
}

/// Undoes an unsubscribe: the address gets that kind of mail for the product again.
pub async fn resume_mail(recipient_id: &str, product: &str, kind: NoticeKind) -> ApiResult<()> {
    let url = format!(
        "{BASE}/me/recipients/{recipient_id}/opt-outs/{product}/{}",
        kind.code()
    );
    read_empty(authed(&|| Request::delete(&url), None::<&()>).await?).await
}

/// A notice with its drafts visible: operators read through their session.
pub async fn notice_as_operator(id: &str) -> ApiResult<NoticeView> {
    let url = format!("{BASE}/notices/{id}");
    read(authed(&|| Request::get(&url), None::<&()>).await?).await
}

/// Suspended addresses and quarantined webhooks of every account (operators).
pub async fn stopped_destinations() -> ApiResult<shared::dto::StoppedDestinations> {
    let url = format!("{BASE}/stopped-destinations");
    read(authed(&|| Request::get(&url), None::<&()>).await?).await
}

pub async fn drafts() -> ApiResult<Vec<NoticeSummary>> {
    let url = format!("{BASE}/notice-drafts");
    read(authed(&|| Request::get(&url), None::<&()>).await?).await
}

pub async fn create_notice(body: &NoticeDraftRequest) -> ApiResult<NoticeView> {
    let url = format!("{BASE}/notices");
    read(authed(&|| Request::post(&url), Some(body)).await?).await
}

pub async fn update_notice(id: &str, body: &NoticeDraftRequest) -> ApiResult<NoticeView> {
    let url = format!("{BASE}/notices/{id}");
    read(authed(&|| Request::patch(&url), Some(body)).await?).await
}

pub async fn post_postmortem(id: &str, body: &PostmortemRequest) -> ApiResult<PublicationReceipt> {
    let url = format!("{BASE}/notices/{id}/postmortem");
    read(authed(&|| Request::post(&url), Some(body)).await?).await
}

/// A published notice's titles and text corrected, mailing no one.
pub async fn correct_notice(id: &str, body: &NoticePatch) -> ApiResult<NoticeView> {
    let url = format!("{BASE}/notices/{id}");
    read(authed(&|| Request::patch(&url), Some(body)).await?).await
}

pub async fn preview_notice(body: &NoticeDraftRequest) -> ApiResult<NoticePreview> {
    let url = format!("{BASE}/notice-previews");
    read(authed(&|| Request::post(&url), Some(body)).await?).await
}

pub async fn audience(id: &str) -> ApiResult<AudienceEstimate> {
    let url = format!("{BASE}/notices/{id}/audience");
    read(authed(&|| Request::get(&url), None::<&()>).await?).await
}

pub async fn publish_notice(id: &str) -> ApiResult<PublicationReceipt> {
    let url = format!("{BASE}/notices/{id}/publication");
    read(authed(&|| Request::post(&url), None::<&()>).await?).await
}

pub async fn post_update(id: &str, body: &NoticeUpdateRequest) -> ApiResult<PublicationReceipt> {
    let url = format!("{BASE}/notices/{id}/updates");
    read(authed(&|| Request::post(&url), Some(body)).await?).await
}

pub async fn deliveries(id: &str) -> ApiResult<NoticeDeliveries> {
    let url = format!("{BASE}/notices/{id}/deliveries");
    read(authed(&|| Request::get(&url), None::<&()>).await?).await
}

/// Schedules a draft's publication (operators).
pub async fn schedule_notice(id: &str, body: &ScheduleRequest) -> ApiResult<NoticeView> {
    let url = format!("{BASE}/notices/{id}/schedule");
    read(authed(&|| Request::put(&url), Some(body)).await?).await
}

/// Takes a draft's schedule away (operators).
pub async fn unschedule_notice(id: &str) -> ApiResult<NoticeView> {
    let url = format!("{BASE}/notices/{id}/schedule");
    read(authed(&|| Request::delete(&url), None::<&()>).await?).await
}

/// What an unsubscribe link would stop.
pub async fn unsubscribe_target(token: &str) -> ApiResult<UnsubscribeTarget> {
    let url = format!("{BASE}/unsubscribe/{token}");
    read(send(Request::get(&url), None::<&()>).await?).await
}

/// The notice templates (operators).
pub async fn notice_templates() -> ApiResult<Vec<NoticeTemplateView>> {
    let url = format!("{BASE}/notice-templates");
    read(authed(&|| Request::get(&url), None::<&()>).await?).await
}

pub async fn create_notice_template(body: &NoticeTemplateRequest) -> ApiResult<NoticeTemplateView> {
    let url = format!("{BASE}/notice-templates");
    read(authed(&|| Request::post(&url), Some(body)).await?).await
}

pub async fn update_notice_template(
    id: &str,
    body: &NoticeTemplateRequest,
) -> ApiResult<NoticeTemplateView> {
    let url = format!("{BASE}/notice-templates/{id}");
    read(authed(&|| Request::put(&url), Some(body)).await?).await
}

pub async fn delete_notice_template(id: &str) -> ApiResult<()> {
    let url = format!("{BASE}/notice-templates/{id}");
    read_empty(authed(&|| Request::delete(&url), None::<&()>).await?).await
}

/// Deletes a draft (operators).
pub async fn delete_notice(id: &str) -> ApiResult<()> {
    let url = format!("{BASE}/notices/{id}");
    read_empty(authed(&|| Request::delete(&url), None::<&()>).await?).await
}

/// Every delivery of a notice as CSV (operators).
pub async fn deliveries_csv(id: &str) -> ApiResult<String> {
    let url = format!("{BASE}/notices/{id}/deliveries.csv");
    let res = authed(&|| Request::get(&url), None::<&()>).await?;
    if !res.ok() {
        return Err(problem(res).await);
    }
    res.text()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))
}

/// A page of the account's delivery log; `query` is `?…` or empty.
pub async fn delivery_log(query: &str) -> ApiResult<DeliveryLogPage> {
    let url = format!("{BASE}/me/deliveries{query}");
    read(authed(&|| Request::get(&url), None::<&()>).await?).await
}

/// Any operator endpoint of the catalog: `method` is `POST` or `PATCH`.
pub async fn catalog_write(
    method: &str,
    path: &str,
    body: &serde_json::Value,
) -> ApiResult<serde_json::Value> {
    let url = format!("{BASE}{path}");
    let make = || match method {
        "PATCH" => Request::patch(&url),
        _ => Request::post(&url),
    };
    read(authed(&make, Some(body)).await?).await
}

pub async fn tokens() -> ApiResult<Vec<TokenView>> {
    let url = format!("{BASE}/me/tokens");
    read(authed(&|| Request::get(&url), None::<&()>).await?).await
}

pub async fn create_token(body: &NewTokenRequest) -> ApiResult<CreatedToken> {
    let url = format!("{BASE}/me/tokens");
    read(authed(&|| Request::post(&url), Some(body)).await?).await
}

pub async fn revoke_token(id: &str) -> ApiResult<()> {
    let url = format!("{BASE}/me/tokens/{id}");
    read_empty(authed(&|| Request::delete(&url), None::<&()>).await?).await
}

pub async fn feed_key() -> ApiResult<FeedKeyView> {
    let url = format!("{BASE}/me/feed-key");
    read(authed(&|| Request::get(&url), None::<&()>).await?).await
}

pub async fn issue_feed_key() -> ApiResult<IssuedFeedKey> {
    let url = format!("{BASE}/me/feed-key");
    read(authed(&|| Request::post(&url), None::<&()>).await?).await
}

pub async fn revoke_feed_key() -> ApiResult<()> {
    let url = format!("{BASE}/me/feed-key");
    read_empty(authed(&|| Request::delete(&url), None::<&()>).await?).await
}

pub async fn destinations() -> ApiResult<Vec<DestinationView>> {
    let url = format!("{BASE}/me/destinations");
    read(authed(&|| Request::get(&url), None::<&()>).await?).await
}

pub async fn add_destination(body: &NewDestinationRequest) -> ApiResult<DestinationCreated> {
    let url = format!("{BASE}/me/destinations");
    read(authed(&|| Request::post(&url), Some(body)).await?).await
}

pub async fn delete_destination(id: &str) -> ApiResult<()> {
    let url = format!("{BASE}/me/destinations/{id}");
    read_empty(authed(&|| Request::delete(&url), None::<&()>).await?).await
}

pub async fn verify_destination(id: &str, code: &str) -> ApiResult<DestinationView> {
    let url = format!("{BASE}/me/destinations/{id}/verification");
    let body = DestinationCodeRequest {
        code: code.to_owned(),
    };
    read(authed(&|| Request::post(&url), Some(&body)).await?).await
}

pub async fn test_destination(id: &str) -> ApiResult<DeliveryAttemptView> {
    let url = format!("{BASE}/me/destinations/{id}/tests");
    read(authed(&|| Request::post(&url), None::<&()>).await?).await
}

pub async fn rotate_secret(id: &str) -> ApiResult<SecretRotated> {
    let url = format!("{BASE}/me/destinations/{id}/secret");
    read(authed(&|| Request::post(&url), None::<&()>).await?).await
}

/// Takes a suspended (bounced) address back: pending again, with a new verification mail.
pub async fn resume_recipient(id: &str) -> ApiResult<RecipientView> {
    let url = format!("{BASE}/me/recipients/{id}/resumption");
    read(authed(&|| Request::post(&url), None::<&()>).await?).await
}

pub async fn resume_destination(id: &str) -> ApiResult<DestinationView> {
    let url = format!("{BASE}/me/destinations/{id}/resumption");
    read(authed(&|| Request::post(&url), None::<&()>).await?).await
}
