use actix_web::{HttpResponse, post, web};
use diesel::Connection;
use shared::dto::EmailChangeRequest;
use shared::{FieldCode, FieldErrors, Problem};

use crate::auth::{password, token};
use crate::error::ApiResult;
use crate::mail::MailTemplate;
use crate::models::account::Account;
use crate::models::email_change::EmailChange;
use crate::routes::Customer;
use crate::state::AppState;
use crate::throttle::{Action, Key};

/// How long the confirmation link works.
const CHANGE_TTL_HOURS: i64 = 24;

/// Ask to change the login address. The new address gets a confirmation link (24 h, once),
/// the current one a notice; nothing changes until the link is opened. The answer is the
/// same whether or not another account has the new address (it then gets no mail, and the
/// confirmation would be refused).
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    request_body = EmailChangeRequest,
    responses(
        (status = 202, description = "Mails on their way"),
        (status = 400, description = "Invalid address, the current one (`unchanged`), or wrong password (`incorrect`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Current terms not accepted", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/me/email-change")]
#[tracing::instrument(name = "request_email_change", skip_all)]
pub async fn request_email_change(
    state: web::Data<AppState>,
    Customer(auth): Customer,
    body: web::Json<EmailChangeRequest>,
) -> ApiResult<HttpResponse> {
    let (new_email, typed) = body.parse()?;
    let account = auth.account;
    if new_email.as_str() == account.email {
        let mut errors = FieldErrors::default();
        errors.push("new_email", FieldCode::Unchanged);
        return Err(errors.into());
    }
    state
        .throttle
        .hit(Action::EmailChange, &[Key::Subject(account.id.clone())])
        .await?;
    if !password::verify(typed, Some(account.password_hash.clone())).await? {
        return Err(super::incorrect("password"));
    }
    let st = state.clone();
    state
        .db(move |conn| {
            conn.transaction(|conn| {
                let now = st.now();
                let expires_at = now + chrono::Duration::hours(CHANGE_TTL_HOURS);
                // A newer request leaves no older link working.
                EmailChange::consume_all(conn, &account.id, now)?;
                let domain = st.message_domain();
                if Account::find_by_email(conn, new_email.as_str())?.is_none() {
                    let issued = token::issue();
                    EmailChange::insert(
                        conn,
                        &issued.hash,
                        &account.id,
                        new_email.as_str(),
                        now,
                        expires_at,
                    )?;
                    let mail = st.templates.render(
                        MailTemplate::EmailChange,
                        account.language(),
                        minijinja::context! {
                            family_name => &account.family_name,
                            given_name => &account.given_name,
                            url => st.settings.link(&format!("/account/email/confirm?token={}", issued.secret)),
                            expires_at => crate::routes::format_jst(expires_at),
                        },
                    )?;
                    AppState::enqueue(conn, &domain, new_email.as_str(), mail, now)?;
                }
                let notice = st.templates.render(
                    MailTemplate::EmailChangeNotice,
                    account.language(),
                    minijinja::context! {
                        family_name => &account.family_name,
                        given_name => &account.given_name,
                        new_email_masked => new_email.masked(),
                        url => st.settings.link("/login"),
                    },
                )?;
                AppState::enqueue(conn, &domain, &account.email, notice, now)
            })
        })
        .await?;
    state.mail_queued();
    Ok(HttpResponse::Accepted().finish())
}
