//! Fixed-window counters per (action, key) that answer 429 with `Retry-After`.
//!
//! Kept in process memory: behind a load balancer each process counts on its own, which
//! still bounds an attacker to N× the limit; a shared store can replace this without
//! changing callers.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};

use crate::clock::Clock;
use crate::error::ApiError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    SignUp,
    LoginFailure,
    ActivationFailure,
    PasswordReset,
    VerificationMail,
    /// A test event sent to a webhook destination on demand.
    WebhookTest,
    /// A wrong code typed back for a webhook destination.
    CodeFailure,
}

impl Action {
    /// How many events a window admits, and the window's length.
    fn limit(self, per_ip: bool) -> (u32, Duration) {
        match (self, per_ip) {
            (Self::SignUp, false) => (3, Duration::hours(1)),
            (Self::SignUp, true) => (20, Duration::hours(1)),
            (Self::LoginFailure, false) => (5, Duration::minutes(15)),
            (Self::LoginFailure, true) => (50, Duration::minutes(15)),
            (Self::ActivationFailure, false) => (5, Duration::minutes(15)),
            (Self::ActivationFailure, true) => (20, Duration::minutes(15)),
            (Self::PasswordReset, false) => (3, Duration::hours(1)),
            (Self::PasswordReset, true) => (20, Duration::hours(1)),
            (Self::VerificationMail, false) => (3, Duration::hours(1)),
            (Self::VerificationMail, true) => (30, Duration::hours(1)),
            (Self::WebhookTest, false) => (10, Duration::hours(1)),
            (Self::WebhookTest, true) => (60, Duration::hours(1)),
            (Self::CodeFailure, false) => (5, Duration::minutes(15)),
            (Self::CodeFailure, true) => (50, Duration::minutes(15)),
        }
    }
}

/// What an event is counted against: the address (or token) it names, or the client.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Key {
    Subject(String),
    Ip(String),
}

struct Window {
    started: DateTime<Utc>,
    count: u32,
}

pub struct Throttle {
    enabled: bool,
    clock: Arc<dyn Clock>,
    windows: Mutex<HashMap<(Action, Key), Window>>,
}

impl Throttle {
    pub fn new(enabled: bool, clock: Arc<dyn Clock>) -> Self {
        Self {
            enabled,
            clock,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Fails if any of `keys` has used up its window for `action`; otherwise does nothing.
    pub fn check(&self, action: Action, keys: &[Key]) -> Result<(), ApiError> {
        self.apply(action, keys, false)
    }

    /// Counts one event against each key, failing if any window was already full.
    pub fn hit(&self, action: Action, keys: &[Key]) -> Result<(), ApiError> {
        self.apply(action, keys, true)
    }

    /// Forgets the counts of `key` (after a successful login, its failures no longer matter).
    pub fn reset(&self, action: Action, key: &Key) {
        self.lock().remove(&(action, key.clone()));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(Action, Key), Window>> {
        self.windows.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn apply(&self, action: Action, keys: &[Key], count: bool) -> Result<(), ApiError> {
        if !self.enabled {
            return Ok(());
        }
        let now = self.clock.now();
        let mut windows = self.lock();
        if windows.len() > 100_000 {
            windows.retain(|(a, k), w| now - w.started < a.limit(matches!(k, Key::Ip(_))).1);
        }
        let mut retry_after = 0i64;
        for key in keys {
            let (max, length) = action.limit(matches!(key, Key::Ip(_)));
            let window = windows.entry((action, key.clone())).or_insert(Window {
                started: now,
                count: 0,
            });
            if now - window.started >= length {
                *window = Window {
                    started: now,
                    count: 0,
                };
            }
            if window.count >= max {
                retry_after = retry_after.max((window.started + length - now).num_seconds().max(1));
            }
        }
        if retry_after > 0 {
            return Err(ApiError::RateLimited {
                retry_after: retry_after.unsigned_abs(),
            });
        }
        if count {
            for key in keys {
                if let Some(w) = windows.get_mut(&(action, key.clone())) {
                    w.count += 1;
                }
            }
        }
        Ok(())
    }
}
