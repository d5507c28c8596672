//! The Tokio task that publishes what the clock makes due: scheduled drafts at their time,
//! and a maintenance's start and completion. Every process that dispatches runs one beside
//! its dispatcher; each publication first takes a claim in the database (a draft's
//! schedule, a maintenance's status), so it happens once whichever process sees it first,
//! and a restart loses nothing: what is due is in columns, not timers.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use tokio::sync::{Notify, watch};

use crate::clock::Clock;
use crate::db::Pool;
use crate::document_cache::DocumentCache;

/// Drafts published, and steps made, per look; more wait for the next, which follows at
/// once.
const BATCH: i64 = 20;

pub struct Scheduler {
    pub pool: Pool,
    pub clock: Arc<dyn Clock>,
    pub message_domain: String,
    /// Ended after a publication: this process's copy of the public pages is out of date
    /// (other processes hear of it from the database on PostgreSQL).
    pub public: Arc<DocumentCache>,
    /// Ended with it: accounts' personal feeds carry notices too.
    pub accounts: Arc<DocumentCache>,
    /// The dispatcher's: a publication has queued deliveries.
    pub wakeup: Arc<Notify>,
    /// How long a publication may lag behind its time, at most.
    pub poll_interval: StdDuration,
}

impl Scheduler {
    /// Runs until `shutdown` turns true.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        loop {
            if *shutdown.borrow() {
                break;
            }
            let published = match self.publish_what_is_due().await {
                Ok(n) => n,
                Err(e) => {
                    tracing::error!(error = ?e, "publishing scheduled notices failed");
                    0
                }
            };
            if published < usize::try_from(BATCH).unwrap_or(usize::MAX) {
                tokio::select! {
                    _ = tokio::time::sleep(self.poll_interval) => {}
                    _ = shutdown.changed() => {}
                }
            }
        }
        tracing::info!("scheduler stopped");
    }

    /// Publishes the scheduled drafts that are due, then takes the maintenance whose start
    /// or end has come a step on; returns how many publications that made.
    pub async fn publish_what_is_due(&self) -> anyhow::Result<usize> {
        let (pool, domain) = (self.pool.clone(), self.message_domain.clone());
        let now = self.clock.now().naive_utc();
        let (published, steps) = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
            let mut conn = pool.get()?;
            let published = super::notices::publish_due(&mut conn, &domain, now, BATCH)?;
            let steps = super::notices::advance_due(&mut conn, &domain, now, BATCH)?;
            Ok((published, steps))
        })
        .await??;
        if published.is_empty() && steps.is_empty() {
            return Ok(0);
        }
        self.public.invalidate();
        self.accounts.invalidate();
        self.wakeup.notify_one();
        for (notice, receipt) in &published {
            tracing::info!(
                notice = %notice,
                publication = %receipt.publication_id,
                audience = receipt.audience,
                "scheduled notice published"
            );
        }
        for (notice, status, receipt) in &steps {
            tracing::info!(
                notice = %notice,
                status = status.code(),
                publication = %receipt.publication_id,
                audience = receipt.audience,
                "maintenance moved on by itself"
            );
        }
        Ok(published.len().max(steps.len()))
    }
}
