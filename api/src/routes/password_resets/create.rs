use actix_web::{HttpRequest, HttpResponse, post, web};
use diesel::{Connection, RunQueryDsl};
use shared::domain::EmailAddress;
use shared::dto::PasswordResetRequest;
use shared::{FieldErrors, Problem};

use crate::auth::token;
use crate::error::ApiResult;
use crate::mail::MailTemplate;
use crate::models::account::Account;
use crate::models::password_reset::NewPasswordReset;
use crate::routes::extract::client_ip;
use crate::state::AppState;
use crate::throttle::{Action, Key};

const RESET_TTL_MINUTES: i64 = 60;

/// Ask for a password-reset mail. Answers 202 whether or not the address has an account.
#[utoipa::path(
    tag = "password-resets",
    request_body = PasswordResetRequest,
    responses(
        (status = 202, description = "If the address has an account, a mail is on its way"),
        (status = 400, description = "Invalid address", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/password-resets")]
#[tracing::instrument(name = "request_password_reset", skip_all)]
pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<PasswordResetRequest>,
) -> ApiResult<HttpResponse> {
    let mut errors = FieldErrors::default();
    let Some(email) = errors.take("email", EmailAddress::parse(&body.email)) else {
        return Err(errors.into());
    };
    let email = email.as_str().to_owned();
    state
        .throttle
        .hit(
            Action::PasswordReset,
            &[Key::Subject(email.clone()), Key::Ip(client_ip(&req))],
        )
        .await?;
    let st = state.clone();
    state
        .db(move |conn| {
            conn.transaction(|conn| {
                let Some(account) = Account::find_by_email(conn, &email)? else {
                    return Ok(());
                };
                let now = st.now();
                let issued = token::issue();
                let expires_at = now + chrono::Duration::minutes(RESET_TTL_MINUTES);
                diesel::insert_into(crate::schema::password_resets::table)
                    .values(NewPasswordReset {
                        token_hash: &issued.hash,
                        account_id: &account.id,
                        created_at: now,
                        expires_at,
                    })
                    .execute(conn)?;
                let mail = st.templates.render(
                    MailTemplate::PasswordReset,
                    account.language(),
                    minijinja::context! {
                        family_name => account.family_name,
                        given_name => account.given_name,
                        url => st.settings.link(&format!("/password-reset/confirm?token={}", issued.secret)),
                        expires_at => crate::routes::format_jst(expires_at),
                    },
                )?;
                AppState::enqueue(conn, &st.message_domain(), &account.email, mail, now)
            })
        })
        .await?;
    state.mail_queued();
    Ok(HttpResponse::Accepted().finish())
}
