use actix_web::{HttpRequest, HttpResponse, post, web};
use diesel::prelude::*;
use shared::Problem;
use shared::domain::{DeliveryWindow, HolidayRule, Reminders, TimeZoneName};
use shared::dto::{ActivationRequest, SessionTokens, require_password};
use shared::{FieldCode, FieldErrors};

use crate::auth::{password, token};
use crate::error::{ApiError, ApiResult};
use crate::models::account::{Account, NewAccount, ROLE_CUSTOMER};
use crate::models::new_id;
use crate::models::recipient::{NewRecipientRow, Recipient};
use crate::models::registration::Registration;
use crate::routes::extract::client_ip;
use crate::state::AppState;
use crate::throttle::{Action, Key};

/// Activation (本登録): the password chosen at sign-up, typed again, turns the provisional
/// registration into an account and signs it in. The link then stops working.
#[utoipa::path(
    tag = "registrations",
    params(("token" = String, Path, description = "The token from the activation link")),
    request_body = ActivationRequest,
    responses(
        (status = 201, description = "Account created and signed in", body = SessionTokens),
        (status = 400, description = "Missing or wrong password (`errors[].code`: `required`, `incorrect`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown link", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "Expired, used or replaced link", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong passwords", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/registrations/{token}/activation")]
#[tracing::instrument(name = "activate", skip_all)]
pub async fn activate(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Json<ActivationRequest>,
) -> ApiResult<HttpResponse> {
    let password = require_password("password", &body.password)?;
    let secret = path.into_inner();
    let keys = [Key::Subject(token::hash(&secret)), Key::Ip(client_ip(&req))];
    state
        .throttle
        .check(Action::ActivationFailure, &keys)
        .await?;
    let registration = {
        let now = state.now();
        let secret = secret.clone();
        state
            .db(move |conn| super::open_registration(conn, &secret, now))
            .await?
    };
    if !password::verify(password, Some(registration.password_hash.clone())).await? {
        state.throttle.hit(Action::ActivationFailure, &keys).await?;
        let mut errors = FieldErrors::default();
        errors.push("password", FieldCode::Incorrect);
        return Err(errors.into());
    }
    let st = state.clone();
    let tokens = state
        .db(move |conn| {
            conn.transaction(|conn| {
                let now = st.now();
                if !Registration::consume(conn, &registration.id, now)? {
                    return Err(ApiError::link_expired());
                }
                // Two sign-ups of one address can both reach here; the first one wins.
                if Account::find_by_email(conn, &registration.email)?.is_some() {
                    return Err(ApiError::link_expired());
                }
                let id = new_id();
                let r = &registration;
                diesel::insert_into(crate::schema::accounts::table)
                    .values(NewAccount {
                        id: &id,
                        email: &r.email,
                        password_hash: &r.password_hash,
                        family_name: &r.family_name,
                        given_name: &r.given_name,
                        company: &r.company,
                        department: r.department.as_deref(),
                        phone: r.phone.as_deref(),
                        language: &r.language,
                        role: ROLE_CUSTOMER,
                        created_at: now,
                        updated_at: now,
                    })
                    .execute(conn)?;
                let account = Account::find(conn, &id)?
                    .ok_or_else(|| ApiError::Unexpected(anyhow::anyhow!("account vanished")))?;
                // The address just proved by this link is the first delivery address.
                Recipient::insert(
                    conn,
                    &NewRecipientRow {
                        account_id: &id,
                        email: &account.email,
                        window: DeliveryWindow::ALL,
                        time_zone: TimeZoneName::DEFAULT.name(),
                        holidays: HolidayRule::default(),
                        reminders: Reminders::NONE,
                        hold: false,
                        language: account.language(),
                        verified: true,
                    },
                    now,
                )?;
                crate::routes::sessions::open_session(&st, conn, &account)
            })
        })
        .await?;
    tracing::info!(account_id = %tokens.account.id, "account activated");
    Ok(HttpResponse::Created().json(tokens))
}
