//! Authenticated sessions kept in memory for a few seconds, so that a signed-in read costs
//! no database round trip to authenticate: the session, its account and the terms in force,
//! as `Session::authenticate` read them, under the session's id.
//!
//! Logout and revocation still take effect at once. Any write through this process's API
//! ends the generation once it is handled (`routes::cache::invalidate_after_writes`), before
//! its response is sent; on PostgreSQL, triggers on sessions, accounts and terms `NOTIFY`
//! `shirase_sessions` when a transaction that changed them commits, and every process ends
//! its generation on hearing it (`crate::listener`). What no process hears (the command line
//! writing to a SQLite file the server has open, and terms whose publication time arrives)
//! is seen within [`MAX_AGE`].

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;

use crate::listener::Generation;
use crate::models::account::Account;

/// The channel the triggers of sessions, accounts and terms notify.
pub const CHANNEL: &str = "shirase_sessions";
/// How long an entry is trusted without hearing of a change.
pub const MAX_AGE: Duration = Duration::from_secs(5);
/// Sessions kept at most; beyond, the cache starts afresh.
const LIMIT: usize = 20_000;

/// What authenticating a session found.
#[derive(Debug, Clone)]
pub struct Found {
    pub account: Account,
    /// The terms version in force, if any.
    pub current_terms: Option<String>,
    /// When the session ends by itself.
    pub expires_at: NaiveDateTime,
}

struct Entry {
    generation: u64,
    made: Instant,
    found: Found,
}

#[derive(Default)]
pub struct SessionCache {
    generation: Generation,
    entries: Mutex<HashMap<String, Entry>>,
}

impl SessionCache {
    /// See [`Generation`].
    pub fn generation(&self) -> u64 {
        self.generation.current()
    }

    /// Sessions, accounts or terms changed: every entry is stale.
    pub fn invalidate(&self) {
        self.generation.advance();
    }

    /// The open session `session_id` of `account_id` at `now`, if it is known.
    pub fn get(&self, session_id: &str, account_id: &str, now: NaiveDateTime) -> Option<Found> {
        let generation = self.generation();
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(session_id)
            .filter(|e| {
                e.generation == generation
                    && e.made.elapsed() < MAX_AGE
                    && e.found.account.id == account_id
                    && e.found.expires_at > now
            })
            .map(|e| e.found.clone())
    }

    pub fn put(&self, session_id: String, generation: u64, found: Found) {
        // Read under an older generation: it may predate a revocation.
        if generation != self.generation() {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= LIMIT && !entries.contains_key(&session_id) {
            entries.retain(|_, e| e.generation == generation && e.made.elapsed() < MAX_AGE);
            if entries.len() >= LIMIT {
                entries.clear();
            }
        }
        entries.insert(
            session_id,
            Entry {
                generation,
                made: Instant::now(),
                found,
            },
        );
    }
}

impl crate::listener::Invalidate for SessionCache {
    fn invalidate(&self) {
        SessionCache::invalidate(self);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(account_id: &str, expires_at: NaiveDateTime) -> Found {
        let at = NaiveDateTime::default();
        Found {
            account: Account {
                id: account_id.into(),
                email: "a@example.com".into(),
                password_hash: String::new(),
                family_name: String::new(),
                given_name: String::new(),
                company: String::new(),
                department: None,
                phone: None,
                language: "ja".into(),
                role: "customer".into(),
                terms_version: None,
                terms_accepted_at: None,
                created_at: at,
                updated_at: at,
                time_zone: "Asia/Tokyo".into(),
            },
            current_terms: None,
            expires_at,
        }
    }

    #[test]
    fn serves_a_session_until_a_change_or_its_end() {
        let now = NaiveDateTime::default();
        let cache = SessionCache::default();
        let generation = cache.generation();
        cache.put(
            "s1".into(),
            generation,
            found("a1", now + chrono::Duration::hours(1)),
        );
        assert!(cache.get("s1", "a1", now).is_some());
        // Another account's claim to the session, or a time past its end: not served.
        assert!(cache.get("s1", "a2", now).is_none());
        assert!(
            cache
                .get("s1", "a1", now + chrono::Duration::hours(2))
                .is_none()
        );
        cache.invalidate();
        assert!(cache.get("s1", "a1", now).is_none());
        // Read before a change, stored after it: not kept.
        cache.put(
            "s2".into(),
            generation,
            found("a1", now + chrono::Duration::hours(1)),
        );
        assert!(cache.get("s2", "a1", now).is_none());
    }
}
