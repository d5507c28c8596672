//! What every handler can reach.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use anyhow::Context;
use chrono::NaiveDateTime;
use tokio::sync::{Notify, Semaphore};

use crate::auth::jwt::JwtKeys;
use crate::clock::Clock;
use crate::config::Settings;
use crate::db::{DbConnection, Pool};
use crate::delivery::ledger;
use crate::error::{ApiError, ApiResult};
use crate::mail::Templates;
use crate::mail::templates::RenderedMail;
use crate::mail::unsubscribe::UnsubscribeKey;
use crate::throttle::Throttle;

pub struct AppState {
    pub pool: Pool,
    /// A few more permits than pooled connections: requests wait for a connection here, as
    /// tasks, instead of as blocking threads parked in the pool (with one SQLite connection
    /// and 64 clients that was 64 threads woken in turn for every query). The few extra keep
    /// a connection from idling between one query and the next.
    pub db_slots: Arc<Semaphore>,
    /// Database calls waiting for a slot (a metric).
    pub db_waiting: AtomicUsize,
    pub settings: Settings,
    pub clock: Arc<dyn Clock>,
    pub throttle: Throttle,
    pub jwt: JwtKeys,
    /// Signs the one-click unsubscribe links of notice mails.
    pub unsubscribe: UnsubscribeKey,
    pub templates: Arc<Templates>,
    /// Sends the test events a customer waits for (the dispatcher has its own).
    pub hooks: Arc<crate::delivery::webhook::HookSender>,
    /// Wakes this process's dispatcher as soon as a request queued a delivery.
    pub outbox_wakeup: Arc<Notify>,
    /// True while this process's dispatcher runs (readiness reports it).
    pub dispatcher_running: Arc<AtomicBool>,
    /// Public documents kept in memory until public data changes.
    pub public: Arc<crate::document_cache::DocumentCache>,
    /// Accounts' own lists kept in memory until they (or the catalog) change.
    pub accounts: Arc<crate::document_cache::DocumentCache>,
    /// Authenticated sessions kept in memory until sessions, accounts or terms change.
    pub sessions: Arc<crate::session_cache::SessionCache>,
}

impl AppState {
    pub fn now(&self) -> NaiveDateTime {
        self.clock.now().naive_utc()
    }

    /// Runs blocking database work on the blocking pool.
    pub async fn db<T, F>(&self, f: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> ApiResult<T> + Send + 'static,
    {
        let pool = self.pool.clone();
        let slot = {
            let _waiting = Waiting::count(&self.db_waiting);
            self.db_slots.clone().acquire_owned().await.map_err(|e| {
                ApiError::Unexpected(anyhow::Error::new(e).context("database slots"))
            })?
        };
        // What is logged on the blocking thread still belongs to the request.
        let span = tracing::Span::current();
        tokio::task::spawn_blocking(move || {
            let _slot = slot;
            let _span = span.enter();
            let mut conn = pool.get().context("taking a database connection")?;
            f(&mut conn)
        })
        .await
        .map_err(|e| ApiError::Unexpected(anyhow::Error::new(e).context("database task")))?
    }

    /// The domain of our Message-IDs.
    pub fn message_domain(&self) -> String {
        self.settings.message_domain()
    }

    /// Queues an account mail to `to` on `conn` (inside the caller's transaction).
    pub fn enqueue(
        conn: &mut DbConnection,
        domain: &str,
        to: &str,
        mail: RenderedMail,
        now: NaiveDateTime,
    ) -> ApiResult<()> {
        ledger::enqueue_mail(conn, to, mail, domain, now)?;
        Ok(())
    }

    /// Call after the transaction that queued mail has committed.
    pub fn mail_queued(&self) {
        self.outbox_wakeup.notify_one();
    }
}

/// Counts a waiter for as long as it waits, however the wait ends (a dropped request too).
struct Waiting<'a>(&'a AtomicUsize);

impl<'a> Waiting<'a> {
    fn count(waiting: &'a AtomicUsize) -> Self {
        waiting.fetch_add(1, Ordering::Relaxed);
        Self(waiting)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}
