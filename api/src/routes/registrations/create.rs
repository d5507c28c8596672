use actix_web::{HttpRequest, HttpResponse, post, web};
use diesel::{Connection, RunQueryDsl};
use shared::Problem;
use shared::dto::{RegistrationAccepted, RegistrationRequest};

use crate::auth::{password, token};
use crate::error::ApiResult;
use crate::mail::MailTemplate;
use crate::models::account::Account;
use crate::models::new_id;
use crate::models::registration::{NewRegistrationRow, Registration};
use crate::routes::extract::client_ip;
use crate::state::AppState;
use crate::throttle::{Action, Key};

const ACTIVATION_TTL_HOURS: i64 = 24;

/// Provisional registration (仮登録): mails an activation link valid for 24 hours.
///
/// Answers 202 in the same way whether or not the address already has an account; the
/// owner of an existing account is mailed a reminder instead of a link. A new sign-up for
/// the same address replaces the pending one.
#[utoipa::path(
    tag = "registrations",
    request_body = RegistrationRequest,
    responses(
        (status = 202, description = "Accepted; a mail is on its way", body = RegistrationAccepted),
        (status = 400, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many sign-ups for this address or from this client", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/registrations")]
#[tracing::instrument(name = "sign_up", skip_all)]
pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<RegistrationRequest>,
) -> ApiResult<HttpResponse> {
    let registration = body.parse()?;
    let email = registration.email.as_str().to_owned();
    state
        .throttle
        .hit(
            Action::SignUp,
            &[Key::Subject(email.clone()), Key::Ip(client_ip(&req))],
        )
        .await?;
    // Hashed whether or not the account exists, so both answers take the same time.
    let password_hash = password::hash(registration.password.expose().to_owned()).await?;
    let st = state.clone();
    let masked = registration.email.masked();
    state
        .db(move |conn| {
            conn.transaction(|conn| {
                let now = st.now();
                let domain = st.message_domain();
                if let Some(account) = Account::find_by_email(conn, &email)? {
                    let mail = st.templates.render(
                        MailTemplate::AccountExists,
                        account.language(),
                        minijinja::context! {
                            family_name => account.family_name,
                            given_name => account.given_name,
                            login_url => st.settings.link("/login"),
                            reset_url => st.settings.link("/password-reset"),
                        },
                    )?;
                    return AppState::enqueue(conn, &domain, &email, mail, now);
                }
                Registration::close_pending_for(conn, &email, now)?;
                let issued = token::issue();
                let p = &registration.profile;
                let expires_at = now + chrono::Duration::hours(ACTIVATION_TTL_HOURS);
                diesel::insert_into(crate::schema::registrations::table)
                    .values(NewRegistrationRow {
                        id: &new_id(),
                        email: &email,
                        token_hash: &issued.hash,
                        password_hash: &password_hash,
                        family_name: &p.family_name,
                        given_name: &p.given_name,
                        company: &p.company,
                        department: p.department.as_deref(),
                        phone: p.phone.as_deref(),
                        language: p.language.code(),
                        created_at: now,
                        expires_at,
                    })
                    .execute(conn)?;
                let mail = st.templates.render(
                    MailTemplate::Activation,
                    p.language,
                    minijinja::context! {
                        family_name => p.family_name,
                        given_name => p.given_name,
                        url => st.settings.link(&format!("/register/activate?token={}", issued.secret)),
                        expires_at => super::super::format_jst(expires_at),
                    },
                )?;
                AppState::enqueue(conn, &domain, &email, mail, now)
            })
        })
        .await?;
    state.mail_queued();
    Ok(HttpResponse::Accepted().json(RegistrationAccepted {
        email_masked: masked,
        expires_in: ACTIVATION_TTL_HOURS * 3600,
    }))
}
