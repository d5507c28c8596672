//! The Tokio task that drains the outbox. Every `shirase` process runs one; leases keep
//! them from sending the same row twice, and a crashed process's rows are picked up once
//! its lease expires.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use anyhow::Context;
use chrono::{Duration, NaiveDateTime};
use futures_util::StreamExt;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use rand::Rng;
use tokio::sync::{Notify, watch};

use super::dev_mailbox;
use super::outbox::{self, OutboxRow, Outcome};
use crate::clock::Clock;
use crate::db::Pool;

/// How many mails one process has in flight at once.
const CONCURRENCY: usize = 8;
const BATCH: i64 = 64;
/// Long enough for a whole batch to be sent; short enough that a crash delays little.
const LEASE: Duration = Duration::seconds(120);
const MAX_ATTEMPTS: i32 = 8;

pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    DevMailbox,
}

impl Transport {
    pub fn smtp(url: &str) -> anyhow::Result<Self> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .context("SHIRASE_SMTP_URL is not a valid SMTP URL")?
            .pool_config(PoolConfig::new().max_size(CONCURRENCY as u32))
            .timeout(Some(StdDuration::from_secs(30)))
            .build();
        Ok(Self::Smtp(transport))
    }
}

pub struct Dispatcher {
    pub pool: Pool,
    pub clock: Arc<dyn Clock>,
    pub transport: Transport,
    pub from: Mailbox,
    pub wakeup: Arc<Notify>,
    pub poll_interval: StdDuration,
}

impl Dispatcher {
    /// Runs until `shutdown` turns true, finishing the batch in hand first.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        loop {
            if *shutdown.borrow() {
                break;
            }
            let handled = match self.drain_once().await {
                Ok(n) => n,
                Err(e) => {
                    tracing::error!(error = ?e, "outbox dispatch failed");
                    0
                }
            };
            if handled == 0 {
                tokio::select! {
                    _ = self.wakeup.notified() => {}
                    _ = tokio::time::sleep(self.poll_interval) => {}
                    _ = shutdown.changed() => {}
                }
            }
        }
        tracing::info!("outbox dispatcher stopped");
    }

    /// Claims one batch and attempts every mail in it; returns how many were claimed.
    pub async fn drain_once(&self) -> anyhow::Result<usize> {
        let token = crate::models::new_id();
        let now = self.clock.now().naive_utc();
        let rows = {
            let pool = self.pool.clone();
            let token = token.clone();
            tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<OutboxRow>> {
                let mut conn = pool.get()?;
                Ok(outbox::claim(&mut conn, &token, BATCH, now, LEASE)?)
            })
            .await??
        };
        let claimed = rows.len();
        futures_util::stream::iter(rows)
            .for_each_concurrent(CONCURRENCY, |row| {
                let token = token.clone();
                async move {
                    if let Err(e) = self.attempt(row, &token).await {
                        tracing::error!(error = ?e, "recording a delivery attempt failed");
                    }
                }
            })
            .await;
        Ok(claimed)
    }

    async fn attempt(&self, row: OutboxRow, token: &str) -> anyhow::Result<()> {
        let pool = self.pool.clone();
        let token = token.to_owned();
        match &self.transport {
            Transport::DevMailbox => {
                let now = self.clock.now().naive_utc();
                tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
                    let mut conn = pool.get()?;
                    dev_mailbox::deliver(&mut conn, &row, &token, now)?;
                    Ok(())
                })
                .await??;
            }
            Transport::Smtp(smtp) => {
                let outcome = match self.build(&row) {
                    Err(e) => Outcome::Failed {
                        error: format!("{e:#}"),
                    },
                    Ok(message) => match smtp.send(message).await {
                        Ok(_) => Outcome::Sent,
                        Err(e) => self.classify(&row, &e),
                    },
                };
                if matches!(outcome, Outcome::Failed { .. } | Outcome::Retry { .. }) {
                    // The server's reply often quotes the address: it goes to
                    // `mail_outbox.last_error`, not to the log.
                    tracing::warn!(outbox_id = %row.id, attempts = row.attempts, "mail not delivered");
                }
                let now = self.clock.now().naive_utc();
                tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
                    let mut conn = pool.get()?;
                    outbox::settle(&mut conn, &row.id, &token, &outcome, now)?;
                    Ok(())
                })
                .await??;
            }
        }
        Ok(())
    }

    fn build(&self, row: &OutboxRow) -> anyhow::Result<Message> {
        let to: Mailbox = row.recipient.parse().context("recipient address")?;
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(row.subject.clone())
            .message_id(Some(row.message_id.clone()))
            .multipart(MultiPart::alternative_plain_html(
                row.body_text.clone(),
                row.body_html.clone(),
            ))
            .context("building the message")
    }

    /// 5xx replies are permanent; connection trouble and 4xx replies are worth retrying.
    fn classify(&self, row: &OutboxRow, e: &lettre::transport::smtp::Error) -> Outcome {
        let error = e.to_string();
        if e.is_permanent() || row.attempts >= MAX_ATTEMPTS {
            return Outcome::Failed { error };
        }
        Outcome::Retry {
            at: retry_at(self.clock.now().naive_utc(), row.attempts),
            error,
        }
    }
}

/// Exponential back-off from 30 s, capped at one hour, with ±20 % jitter so that a burst of
/// failures does not come back as a burst.
pub fn retry_at(now: NaiveDateTime, attempts: i32) -> NaiveDateTime {
    let exp = attempts.clamp(1, 8) - 1;
    let base = (30i64 << exp).min(3600);
    let jitter = rand::rng().random_range(0.8..1.2);
    now + Duration::milliseconds((base as f64 * 1000.0 * jitter) as i64)
}
