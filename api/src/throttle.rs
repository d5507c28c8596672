//! Fixed-window counters per (action, key) that answer 429 with `Retry-After`.
//!
//! On PostgreSQL, which several processes share, the windows live in the database: each
//! event is one atomic upsert, so the limits hold whatever the number of processes. A SQLite
//! database has one process, which counts in its memory.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Integer, Text, Timestamp};

use crate::clock::Clock;
use crate::db::{Backend, DbConnection, Pool};
use crate::error::ApiError;
use crate::schema::rate_limits;

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
    /// A login address change asked for (each mails two addresses).
    EmailChange,
}

impl Action {
    const fn code(self) -> &'static str {
        match self {
            Self::SignUp => "sign_up",
            Self::LoginFailure => "login_failure",
            Self::ActivationFailure => "activation_failure",
            Self::PasswordReset => "password_reset",
            Self::VerificationMail => "verification_mail",
            Self::WebhookTest => "webhook_test",
            Self::CodeFailure => "code_failure",
            Self::EmailChange => "email_change",
        }
    }

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
            (Self::EmailChange, false) => (5, Duration::hours(1)),
            (Self::EmailChange, true) => (20, Duration::hours(1)),
        }
    }
}

/// What an event is counted against: the address (or token) it names, or the client.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Key {
    Subject(String),
    Ip(String),
}

impl Key {
    const fn is_ip(&self) -> bool {
        matches!(self, Self::Ip(_))
    }

    /// How the key is stored in the shared windows: hashed, so that the table holds no
    /// address or token.
    fn hash(&self) -> String {
        match self {
            Self::Subject(s) => crate::auth::token::hash(&format!("subject:{s}")),
            Self::Ip(ip) => crate::auth::token::hash(&format!("ip:{ip}")),
        }
    }
}

struct Window {
    started: DateTime<Utc>,
    count: u32,
}

enum Store {
    /// This process's windows (SQLite: one process).
    Memory(Mutex<HashMap<(Action, Key), Window>>),
    /// The database's windows, shared by every process (PostgreSQL).
    Shared {
        pool: Pool,
        /// When ended windows were last pruned (Unix seconds).
        pruned: AtomicI64,
    },
}

pub struct Throttle {
    enabled: bool,
    clock: Arc<dyn Clock>,
    store: Store,
}

/// How often a process prunes ended windows from the shared table.
const PRUNE_EVERY: Duration = Duration::minutes(1);

impl Throttle {
    /// Counts in memory: for a database only this process uses.
    pub fn new(enabled: bool, clock: Arc<dyn Clock>) -> Self {
        Self {
            enabled,
            clock,
            store: Store::Memory(Mutex::new(HashMap::new())),
        }
    }

    /// Counts where every process using `pool` counts: in the database on PostgreSQL, in
    /// memory on SQLite.
    pub fn for_database(
        enabled: bool,
        clock: Arc<dyn Clock>,
        pool: Pool,
        backend: Backend,
    ) -> Self {
        match backend {
            Backend::Sqlite => Self::new(enabled, clock),
            Backend::Postgres => Self {
                enabled,
                clock,
                store: Store::Shared {
                    pool,
                    pruned: AtomicI64::new(0),
                },
            },
        }
    }

    /// Fails if any of `keys` has used up its window for `action`; otherwise does nothing.
    pub async fn check(&self, action: Action, keys: &[Key]) -> Result<(), ApiError> {
        self.apply(action, keys, false).await
    }

    /// Counts one event against each key, failing (and counting nothing) if any window was
    /// already full.
    pub async fn hit(&self, action: Action, keys: &[Key]) -> Result<(), ApiError> {
        self.apply(action, keys, true).await
    }

    /// Forgets the counts of `key` (after a successful login, its failures no longer matter).
    pub async fn reset(&self, action: Action, key: &Key) {
        match &self.store {
            Store::Memory(windows) => {
                lock(windows).remove(&(action, key.clone()));
            }
            Store::Shared { pool, .. } => {
                let hash = key.hash();
                let done = blocking(pool, move |conn| {
                    diesel::delete(
                        rate_limits::table
                            .filter(rate_limits::action.eq(action.code()))
                            .filter(rate_limits::key_hash.eq(hash)),
                    )
                    .execute(conn)?;
                    Ok(())
                })
                .await;
                if let Err(e) = done {
                    tracing::warn!(error = ?e, "resetting a rate limit failed");
                }
            }
        }
    }

    async fn apply(&self, action: Action, keys: &[Key], count: bool) -> Result<(), ApiError> {
        if !self.enabled {
            return Ok(());
        }
        let now = self.clock.now();
        let retry_after = match &self.store {
            Store::Memory(windows) => memory(&mut lock(windows), action, keys, count, now),
            Store::Shared { pool, pruned } => {
                let keys: Vec<(String, u32, Duration)> = keys
                    .iter()
                    .map(|k| {
                        let (max, length) = action.limit(k.is_ip());
                        (k.hash(), max, length)
                    })
                    .collect();
                let prune = count && self.due_for_pruning(pruned, now);
                let now = now.naive_utc();
                blocking(pool, move |conn| {
                    if prune {
                        diesel::delete(rate_limits::table.filter(rate_limits::window_end.le(now)))
                            .execute(conn)?;
                    }
                    shared(conn, action, &keys, count, now)
                })
                .await
                .map_err(ApiError::Unexpected)?
            }
        };
        match retry_after {
            0 => Ok(()),
            seconds => {
                metrics::counter!(crate::metrics::RATE_LIMITED, "action" => action.code())
                    .increment(1);
                Err(ApiError::RateLimited {
                    retry_after: seconds,
                })
            }
        }
    }

    /// Whether this process should prune the shared table now (at most once a minute).
    fn due_for_pruning(&self, pruned: &AtomicI64, now: DateTime<Utc>) -> bool {
        let last = pruned.load(Ordering::Relaxed);
        now.timestamp() - last >= PRUNE_EVERY.num_seconds()
            && pruned
                .compare_exchange(last, now.timestamp(), Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

async fn blocking<T: Send + 'static>(
    pool: &Pool,
    f: impl FnOnce(&mut DbConnection) -> anyhow::Result<T> + Send + 'static,
) -> anyhow::Result<T> {
    let pool = pool.clone();
    tokio::task::spawn_blocking(move || f(&mut *pool.get()?)).await?
}

/// The in-memory windows: seconds to wait if any of `keys` is full (nothing counted then),
/// or 0 (each counted, if `count`).
fn memory(
    windows: &mut HashMap<(Action, Key), Window>,
    action: Action,
    keys: &[Key],
    count: bool,
    now: DateTime<Utc>,
) -> u64 {
    if windows.len() > 100_000 {
        windows.retain(|(a, k), w| now - w.started < a.limit(k.is_ip()).1);
    }
    let mut retry_after = 0i64;
    for key in keys {
        let (max, length) = action.limit(key.is_ip());
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
        return retry_after.unsigned_abs();
    }
    if count {
        for key in keys {
            if let Some(w) = windows.get_mut(&(action, key.clone())) {
                w.count += 1;
            }
        }
    }
    0
}

/// A shared window as the upsert leaves it.
#[derive(QueryableByName)]
struct Counted {
    #[diesel(sql_type = Integer)]
    count: i32,
    #[diesel(sql_type = Timestamp)]
    window_end: NaiveDateTime,
}

/// The shared windows, with the same answers as `memory`. Counting is one upsert per key in
/// one transaction: the row locks order concurrent events for a key across processes, and
/// an event refused by any key is rolled back, so that it counts against none.
fn shared(
    conn: &mut DbConnection,
    action: Action,
    keys: &[(String, u32, Duration)],
    count: bool,
    now: NaiveDateTime,
) -> anyhow::Result<u64> {
    let wait = |end: NaiveDateTime| (end - now).num_seconds().max(1).unsigned_abs();
    if !count {
        let hashes: Vec<&str> = keys.iter().map(|(h, _, _)| h.as_str()).collect();
        let open: Vec<(String, i32, NaiveDateTime)> = rate_limits::table
            .filter(rate_limits::action.eq(action.code()))
            .filter(rate_limits::key_hash.eq_any(&hashes))
            .filter(rate_limits::window_end.gt(now))
            .select((
                rate_limits::key_hash,
                rate_limits::count,
                rate_limits::window_end,
            ))
            .load(conn)?;
        return Ok(open
            .iter()
            .filter(|(hash, n, _)| {
                keys.iter()
                    .any(|(h, max, _)| h == hash && i64::from(*n) >= i64::from(*max))
            })
            .map(|(_, _, end)| wait(*end))
            .max()
            .unwrap_or(0));
    }
    /// Why counting ended without a commit.
    enum Uncounted {
        /// The event was refused: wait this many seconds.
        Refused(u64),
        Failed(diesel::result::Error),
    }
    impl From<diesel::result::Error> for Uncounted {
        fn from(e: diesel::result::Error) -> Self {
            Self::Failed(e)
        }
    }
    let counted = conn.transaction(|conn| {
        let mut retry_after = 0;
        for (hash, max, length) in keys {
            let window: Counted = diesel::sql_query(
                "INSERT INTO rate_limits (action, key_hash, window_start, window_end, count) \
                 VALUES ($1, $2, $3, $4, 1) \
                 ON CONFLICT (action, key_hash) DO UPDATE SET \
                 window_start = CASE WHEN rate_limits.window_end <= $3 \
                     THEN excluded.window_start ELSE rate_limits.window_start END, \
                 window_end = CASE WHEN rate_limits.window_end <= $3 \
                     THEN excluded.window_end ELSE rate_limits.window_end END, \
                 count = CASE WHEN rate_limits.window_end <= $3 \
                     THEN 1 ELSE rate_limits.count + 1 END \
                 RETURNING count, window_end",
            )
            .bind::<Text, _>(action.code())
            .bind::<Text, _>(hash)
            .bind::<Timestamp, _>(now)
            .bind::<Timestamp, _>(now + *length)
            .get_result(conn)?;
            if i64::from(window.count) > i64::from(*max) {
                retry_after = retry_after.max(wait(window.window_end));
            }
        }
        if retry_after > 0 {
            return Err(Uncounted::Refused(retry_after));
        }
        Ok(())
    });
    match counted {
        Ok(()) => Ok(0),
        Err(Uncounted::Refused(seconds)) => Ok(seconds),
        Err(Uncounted::Failed(e)) => Err(e.into()),
    }
}
