//! Extractors for authenticated handlers. A token is accepted only while its session is
//! open, so logout and revocation take effect immediately, not when the JWT expires.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use shared::ProblemKind;

use crate::error::ApiError;
use crate::models::account::Account;
use crate::models::session::Session;
use crate::models::terms::Terms;
use crate::state::AppState;

/// Any signed-in account, whether or not it accepted the current terms.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub account: Account,
    pub session_id: String,
    /// The terms version in force now, if any.
    pub current_terms: Option<String>,
}

impl Authenticated {
    pub fn terms_accepted(&self) -> bool {
        self.account.accepted(self.current_terms.as_deref())
    }
}

/// A signed-in account that accepted the current terms: what My Support requires.
#[derive(Debug, Clone)]
pub struct Customer(pub Authenticated);

/// A signed-in operator.
#[derive(Debug, Clone)]
pub struct Operator(pub Authenticated);

fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

async fn authenticate(req: HttpRequest) -> Result<Authenticated, ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::Unexpected(anyhow::anyhow!("application state missing")))?;
    let token = bearer(&req).ok_or_else(|| ApiError::unauthorized("Sign in first."))?;
    let claims = state
        .jwt
        .decode(&token, state.clock.now())
        .ok_or_else(|| ApiError::unauthorized("The access token is invalid or has expired."))?;
    let now = state.now();
    state
        .db(move |conn| {
            let session = Session::find_open(conn, &claims.sid, now)?
                .filter(|s| s.account_id == claims.sub)
                .ok_or_else(|| ApiError::unauthorized("This session has ended."))?;
            let account = Account::find(conn, &session.account_id)?
                .ok_or_else(|| ApiError::unauthorized("This account no longer exists."))?;
            let current_terms = Terms::current_version(conn, now)?;
            Ok(Authenticated {
                account,
                session_id: session.id,
                current_terms,
            })
        })
        .await
}

type Fut<T> = Pin<Box<dyn Future<Output = Result<T, ApiError>>>>;

impl FromRequest for Authenticated {
    type Error = ApiError;
    type Future = Fut<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        Box::pin(authenticate(req.clone()))
    }
}

impl FromRequest for Customer {
    type Error = ApiError;
    type Future = Fut<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let auth = authenticate(req).await?;
            if !auth.terms_accepted() {
                return Err(ApiError::new(
                    ProblemKind::TermsNotAccepted,
                    "Accept the current terms of use to use My Support.",
                ));
            }
            Ok(Customer(auth))
        })
    }
}

impl FromRequest for Operator {
    type Error = ApiError;
    type Future = Fut<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let auth = authenticate(req).await?;
            if !auth.account.is_operator() {
                return Err(ApiError::forbidden("Only operators may do this."));
            }
            Ok(Operator(auth))
        })
    }
}

/// The client's address as seen on the socket. Forwarded headers are not trusted: a client
/// could otherwise pick a fresh address for every throttled attempt.
pub fn client_ip(req: &HttpRequest) -> String {
    req.peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}
