//! Personal API tokens. The secret is `shirase_` followed by 256 random bits; only its
//! SHA-256 is stored, so the table yields no usable token.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use shared::dto::{TokenScope, TokenView};

use crate::auth::token;
use crate::db::DbConnection;
use crate::schema::api_tokens;

/// What every personal token starts with: it tells a token from a JWT without decoding, and
/// lets secret scanners recognise a leaked one.
pub const PREFIX: &str = "shirase_";

/// `last_used_at` is written at most this often, so a busy integration does not turn every
/// read into a write.
const LAST_USED_RESOLUTION: chrono::Duration = chrono::Duration::minutes(1);

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
pub struct ApiToken {
    pub id: String,
    pub account_id: String,
    pub name: String,
    pub token_hash: String,
    pub scopes: String,
    pub created_at: NaiveDateTime,
    pub expires_at: Option<NaiveDateTime>,
    pub last_used_at: Option<NaiveDateTime>,
}

/// Whether `secret` has the shape of a token we issue; anything else is unknown without a
/// query.
pub fn well_formed(secret: &str) -> bool {
    secret.strip_prefix(PREFIX).is_some_and(token::looks_valid)
}

fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

impl ApiToken {
    pub fn scopes(&self) -> Vec<TokenScope> {
        self.scopes
            .split_whitespace()
            .filter_map(|s| TokenScope::parse(s).ok())
            .collect()
    }

    pub fn allows(&self, scope: TokenScope) -> bool {
        self.scopes().contains(&scope)
    }

    pub fn view(&self) -> TokenView {
        TokenView {
            id: self.id.clone(),
            name: self.name.clone(),
            scopes: self.scopes(),
            created_at: utc(self.created_at),
            expires_at: self.expires_at.map(utc),
            last_used_at: self.last_used_at.map(utc),
        }
    }

    /// Creates a token and returns it with its secret, which exists nowhere else.
    pub fn create(
        conn: &mut DbConnection,
        account_id: &str,
        name: &str,
        scopes: &[TokenScope],
        expires_at: Option<NaiveDateTime>,
        now: NaiveDateTime,
    ) -> QueryResult<(ApiToken, String)> {
        let issued = token::issue();
        let secret = format!("{PREFIX}{}", issued.secret);
        let row = ApiToken {
            id: super::new_id(),
            account_id: account_id.to_owned(),
            name: name.to_owned(),
            token_hash: token::hash(&secret),
            scopes: scopes
                .iter()
                .map(|s| s.code())
                .collect::<Vec<_>>()
                .join(" "),
            created_at: now,
            expires_at,
            last_used_at: None,
        };
        diesel::insert_into(api_tokens::table)
            .values((
                api_tokens::id.eq(&row.id),
                api_tokens::account_id.eq(&row.account_id),
                api_tokens::name.eq(&row.name),
                api_tokens::token_hash.eq(&row.token_hash),
                api_tokens::scopes.eq(&row.scopes),
                api_tokens::created_at.eq(row.created_at),
                api_tokens::expires_at.eq(row.expires_at),
            ))
            .execute(conn)?;
        Ok((row, secret))
    }

    /// The live token with this secret, its use recorded.
    pub fn authenticate(
        conn: &mut DbConnection,
        secret: &str,
        now: NaiveDateTime,
    ) -> QueryResult<Option<ApiToken>> {
        let Some(mut found) = api_tokens::table
            .filter(api_tokens::token_hash.eq(token::hash(secret)))
            .select(ApiToken::as_select())
            .first(conn)
            .optional()?
        else {
            return Ok(None);
        };
        if found.expires_at.is_some_and(|t| t <= now) {
            return Ok(None);
        }
        if found
            .last_used_at
            .is_none_or(|t| now - t >= LAST_USED_RESOLUTION)
        {
            diesel::update(api_tokens::table.find(&found.id))
                .set(api_tokens::last_used_at.eq(now))
                .execute(conn)?;
            found.last_used_at = Some(now);
        }
        Ok(Some(found))
    }

    pub fn list(conn: &mut DbConnection, account_id: &str) -> QueryResult<Vec<ApiToken>> {
        api_tokens::table
            .filter(api_tokens::account_id.eq(account_id))
            .order(api_tokens::id)
            .select(ApiToken::as_select())
            .load(conn)
    }

    pub fn count(conn: &mut DbConnection, account_id: &str) -> QueryResult<i64> {
        api_tokens::table
            .filter(api_tokens::account_id.eq(account_id))
            .count()
            .get_result(conn)
    }

    /// Revokes a token of this account; `false` when it has no such token.
    pub fn revoke(conn: &mut DbConnection, account_id: &str, id: &str) -> QueryResult<bool> {
        let n = diesel::delete(
            api_tokens::table
                .find(id)
                .filter(api_tokens::account_id.eq(account_id)),
        )
        .execute(conn)?;
        Ok(n == 1)
    }
}
