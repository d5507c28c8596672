//! Delivery addresses. Every query is keyed by the signed-in account: another account's
//! address is simply not found.

pub mod coverage;
pub mod create;
pub mod delete;
pub mod list;
pub mod preview;
pub mod preview_all;
pub mod resend;
pub mod resume;
pub mod resumption;
pub mod show;
pub mod update;
pub mod verification_status;
pub mod verify;

use chrono::NaiveDateTime;
use shared::ProblemKind;

use crate::db::DbConnection;
use crate::error::{ApiError, ApiResult};
use crate::mail::MailTemplate;
use crate::models::account::Account;
use crate::models::recipient::Recipient;
use crate::state::AppState;

pub(crate) fn find_own(
    conn: &mut DbConnection,
    account_id: &str,
    id: &str,
) -> ApiResult<Recipient> {
    Recipient::find(conn, account_id, id)?
        .ok_or_else(|| ApiError::not_found("No such delivery address."))
}

pub(crate) fn duplicate() -> ApiError {
    ApiError::new(
        ProblemKind::Conflict,
        "This address is already one of your delivery addresses.",
    )
}

/// Queues the verification mail for the recipient's current address, in its language.
pub(crate) fn send_verification(
    state: &AppState,
    conn: &mut DbConnection,
    account: &Account,
    recipient: &Recipient,
    now: NaiveDateTime,
) -> ApiResult<()> {
    let issued = recipient.issue_verification(conn, now)?;
    let mail = state.templates.render(
        MailTemplate::RecipientVerification,
        recipient.language(),
        minijinja::context! {
            family_name => account.family_name,
            given_name => account.given_name,
            company => account.company,
            url => state.settings.link(&format!("/recipients/verify?token={}", issued.secret)),
            expires_at => super::format_jst(now + chrono::Duration::hours(24)),
        },
    )?;
    AppState::enqueue(conn, &state.message_domain(), &recipient.email, mail, now)
}
