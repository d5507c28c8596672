//! Extractors for authenticated handlers. An access JWT is accepted only while its session
//! is open, so logout and revocation take effect immediately, not when the JWT expires
//! (sessions known open are kept in memory until anything about them may have changed: see
//! `crate::session_cache`).
//!
//! Personal API tokens are refused unless a handler asks for [`ReadAccess`] or
//! [`ManageAccess`]: a new handler is session-only until someone decides otherwise, so a
//! token can never reach operator endpoints, the account's security settings or deletion.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use chrono::NaiveDateTime;
use shared::ProblemKind;
use shared::dto::TokenScope;

use crate::auth::jwt::Claims;
use crate::db::DbConnection;
use crate::error::ApiError;
use crate::models::account::Account;
use crate::models::api_token::{self, ApiToken};
use crate::models::session::Session;
use crate::models::terms::Terms;
use crate::session_cache::Found;
use crate::state::AppState;

/// How a request proved who it acts for.
#[derive(Debug, Clone)]
pub enum Via {
    /// A session's access JWT: everything the account may do.
    Session(String),
    /// A personal API token: only its scopes.
    Token(ApiToken),
}

/// Any signed-in account, whether or not it accepted the current terms. As an extractor it
/// takes sessions only.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub account: Account,
    pub via: Via,
    /// The terms version in force now, if any.
    pub current_terms: Option<String>,
}

impl Authenticated {
    pub fn terms_accepted(&self) -> bool {
        self.account.accepted(self.current_terms.as_deref())
    }

    pub fn session_id(&self) -> Option<&str> {
        match &self.via {
            Via::Session(id) => Some(id),
            Via::Token(_) => None,
        }
    }
}

/// A signed-in account that accepted the current terms: what My Support requires.
#[derive(Debug, Clone)]
pub struct Customer(pub Authenticated);

/// A signed-in operator.
#[derive(Debug, Clone)]
pub struct Operator(pub Authenticated);

/// An operator through a session, or through an operator's token with the `bounces` scope.
#[derive(Debug, Clone)]
pub struct BounceReporter(pub Authenticated);

/// A customer (as [`Customer`]) through a session or a token with the `read` scope.
#[derive(Debug, Clone)]
pub struct ReadAccess(pub Authenticated);

/// A customer (as [`Customer`]) through a session or a token with the `manage` scope.
#[derive(Debug, Clone)]
pub struct ManageAccess(pub Authenticated);

fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

/// Who the request acts for. `token_scope` is the scope a personal token needs here; `None`
/// refuses tokens.
async fn authenticate(
    req: HttpRequest,
    token_scope: Option<TokenScope>,
) -> Result<Authenticated, ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::Unexpected(anyhow::anyhow!("application state missing")))?;
    let presented = bearer(&req).ok_or_else(|| ApiError::unauthorized("Sign in first."))?;
    let now = state.now();
    // A JWT is checked before any query; a personal token can only be looked up.
    let claims = match presented.starts_with(api_token::PREFIX) {
        true => None,
        false => Some(
            state
                .jwt
                .decode(&presented, state.clock.now())
                .ok_or_else(|| {
                    ApiError::unauthorized("The access token is invalid or has expired.")
                })?,
        ),
    };
    if let Some(claims) = claims {
        return session(&state, claims, now).await;
    }
    state
        .db(move |conn| {
            let token = token(conn, &presented, token_scope, now)?;
            let account = Account::find(conn, &token.account_id)?
                .ok_or_else(|| ApiError::unauthorized("This account no longer exists."))?;
            let current_terms = Terms::current_version(conn, now)?;
            Ok(Authenticated {
                account,
                via: Via::Token(token),
                current_terms,
            })
        })
        .await
}

/// The open session a valid access JWT names: from memory while nothing changed, else the
/// session, its account and the terms in force in one query.
async fn session(
    state: &AppState,
    claims: Claims,
    now: NaiveDateTime,
) -> Result<Authenticated, ApiError> {
    let authenticated = |found: Found, sid: String| Authenticated {
        account: found.account,
        via: Via::Session(sid),
        current_terms: found.current_terms,
    };
    if let Some(found) = state.sessions.get(&claims.sid, &claims.sub, now) {
        return Ok(authenticated(found, claims.sid));
    }
    let generation = state.sessions.generation();
    let (sid, sub) = (claims.sid.clone(), claims.sub);
    let found = state
        .db(move |conn| {
            let (session, account, current_terms) =
                Session::authenticate(conn, &sid, &sub, now)?
                    .ok_or_else(|| ApiError::unauthorized("This session has ended."))?;
            Ok(Found {
                account,
                current_terms,
                expires_at: session.expires_at,
            })
        })
        .await?;
    state
        .sessions
        .put(claims.sid.clone(), generation, found.clone());
    Ok(authenticated(found, claims.sid))
}

/// The live personal token `presented`, if this handler takes tokens with its scope.
fn token(
    conn: &mut DbConnection,
    presented: &str,
    token_scope: Option<TokenScope>,
    now: NaiveDateTime,
) -> Result<ApiToken, ApiError> {
    let found = match api_token::well_formed(presented) {
        true => ApiToken::authenticate(conn, presented, now)?,
        false => None,
    };
    let token = found
        .ok_or_else(|| ApiError::unauthorized("This API token is invalid, expired or revoked."))?;
    match token_scope {
        None => Err(ApiError::forbidden(
            "API tokens cannot be used here; sign in instead.",
        )),
        Some(scope) if !token.allows(scope) => Err(ApiError::forbidden(format!(
            "This API token lacks the `{}` scope.",
            scope.code()
        ))),
        Some(_) => Ok(token),
    }
}

/// A customer who accepted the current terms.
async fn customer(
    req: HttpRequest,
    token_scope: Option<TokenScope>,
) -> Result<Authenticated, ApiError> {
    let auth = authenticate(req, token_scope).await?;
    if !auth.terms_accepted() {
        return Err(ApiError::new(
            ProblemKind::TermsNotAccepted,
            "Accept the current terms of use to use My Support.",
        ));
    }
    Ok(auth)
}

type Fut<T> = Pin<Box<dyn Future<Output = Result<T, ApiError>>>>;

impl FromRequest for Authenticated {
    type Error = ApiError;
    type Future = Fut<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        Box::pin(authenticate(req.clone(), None))
    }
}

impl FromRequest for Customer {
    type Error = ApiError;
    type Future = Fut<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { Ok(Customer(customer(req, None).await?)) })
    }
}

/// An operator, through a session or (with `token_scope`) an operator's token.
async fn operator(
    req: HttpRequest,
    token_scope: Option<TokenScope>,
) -> Result<Authenticated, ApiError> {
    let auth = authenticate(req, token_scope).await?;
    if !auth.account.is_operator() {
        return Err(ApiError::forbidden("Only operators may do this."));
    }
    Ok(auth)
}

impl FromRequest for Operator {
    type Error = ApiError;
    type Future = Fut<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { Ok(Operator(operator(req, None).await?)) })
    }
}

impl FromRequest for BounceReporter {
    type Error = ApiError;
    type Future = Fut<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            Ok(BounceReporter(
                operator(req, Some(TokenScope::Bounces)).await?,
            ))
        })
    }
}

impl FromRequest for ReadAccess {
    type Error = ApiError;
    type Future = Fut<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { Ok(ReadAccess(customer(req, Some(TokenScope::Read)).await?)) })
    }
}

impl FromRequest for ManageAccess {
    type Error = ApiError;
    type Future = Fut<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { Ok(ManageAccess(customer(req, Some(TokenScope::Manage)).await?)) })
    }
}

/// The client's address, which per-client rate limits count against: the socket's peer,
/// or, when the peer is a trusted proxy (`SHIRASE_TRUSTED_PROXIES`), the rightmost address
/// of `X-Forwarded-For` that no trusted proxy added. A client can write anything to the left
/// of what its proxy appends, so nothing further left is believed; from any other peer the
/// header is ignored, or a client could pick a fresh address for every throttled attempt.
pub fn client_ip(req: &HttpRequest) -> String {
    let Some(peer) = req.peer_addr().map(|a| a.ip()) else {
        return "unknown".into();
    };
    let trusted = req
        .app_data::<web::Data<AppState>>()
        .map(|s| s.settings.trusted_proxies.as_slice())
        .unwrap_or_default();
    if !trusted.contains(&peer) {
        return peer.to_string();
    }
    let hops: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    for hop in hops.iter().rev() {
        match hop.parse::<std::net::IpAddr>() {
            Ok(ip) if trusted.contains(&ip) => continue,
            Ok(ip) => return ip.to_string(),
            // Not an address: whatever wrote it is not to be believed.
            Err(_) => break,
        }
    }
    peer.to_string()
}
