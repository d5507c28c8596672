pub mod create;
pub mod delete;
pub mod refresh;

use shared::dto::SessionTokens;

use crate::db::DbConnection;
use crate::error::ApiResult;
use crate::models::account::Account;
use crate::models::session::Session;
use crate::models::terms::Terms;
use crate::state::AppState;

/// Signs an access token for `session` and packs the response every sign-in returns.
pub(crate) fn tokens_for(
    state: &AppState,
    conn: &mut DbConnection,
    account: &Account,
    session_id: &str,
    refresh_token: String,
) -> ApiResult<SessionTokens> {
    let ttl =
        chrono::Duration::from_std(state.settings.access_token_ttl).map_err(anyhow::Error::new)?;
    let access_token = state
        .jwt
        .encode(&account.id, session_id, state.clock.now(), ttl)?;
    let current_terms = Terms::current_version(conn, state.now())?;
    Ok(SessionTokens {
        account: account.view(current_terms.as_deref()),
        access_token,
        refresh_token,
        token_type: "Bearer".into(),
        expires_in: ttl.num_seconds(),
    })
}

/// Opens a new session for `account` (login, activation).
pub(crate) fn open_session(
    state: &AppState,
    conn: &mut DbConnection,
    account: &Account,
) -> ApiResult<SessionTokens> {
    let ttl =
        chrono::Duration::from_std(state.settings.refresh_token_ttl).map_err(anyhow::Error::new)?;
    let (session, refresh) = Session::open(conn, &account.id, state.now(), ttl)?;
    tokens_for(state, conn, account, &session.id, refresh)
}
