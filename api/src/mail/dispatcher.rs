//! The Tokio task that drains the outbox. Every `shirase` process runs one; leases keep
//! them from sending the same row twice, and a crashed process's rows are picked up once
//! its lease expires.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use anyhow::Context;
use chrono::{Duration, NaiveDateTime};
use futures_util::StreamExt;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use rand::Rng;
use tokio::sync::{Notify, watch};

use shared::domain::{Language, TimeZoneName};

use super::dev_mailbox;
use super::notice_mail::{NoticeContent, NoticeMailer};
use super::outbox::{self, OutboxRow, Outcome, Settlement};
use super::templates::RenderedMail;
use crate::clock::Clock;
use crate::db::Pool;

/// How many mails one process has in flight at once.
pub const CONCURRENCY: usize = 8;
const BATCH: i64 = 128;
/// Long enough for a whole batch to be sent; short enough that a crash delays little.
pub const LEASE: Duration = Duration::seconds(120);
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
    pub notices: Arc<NoticeMailer>,
}

/// A mail ready for the transport.
struct Prepared {
    mail: RenderedMail,
    /// Notice mails only: the RFC 8058 one-click unsubscribe target.
    one_click: Option<String>,
}

const LIST_UNSUBSCRIBE: HeaderName = HeaderName::new_from_ascii_str("List-Unsubscribe");
const LIST_UNSUBSCRIBE_POST: HeaderName = HeaderName::new_from_ascii_str("List-Unsubscribe-Post");

/// Attempts finished but not yet recorded, and the right to record them.
#[derive(Default)]
struct Ledger {
    pending: std::sync::Mutex<Vec<Settlement>>,
    flushing: tokio::sync::Mutex<()>,
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

    /// Claims one batch, attempts every mail in it and records the outcomes; returns how
    /// many were claimed.
    pub async fn drain_once(&self) -> anyhow::Result<usize> {
        let token = crate::models::new_id();
        let now = self.clock.now().naive_utc();
        let rows = {
            let pool = self.pool.clone();
            let token = token.clone();
            let notices = self.notices.clone();
            tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<OutboxRow>> {
                let mut conn = pool.get()?;
                let rows = outbox::claim(&mut conn, &token, BATCH, now, LEASE)?;
                let publications = rows.iter().filter_map(|r| r.publication_id.clone());
                for id in notices.missing(publications) {
                    if let Some(content) = NoticeContent::load(&mut conn, &id)? {
                        notices.remember(id, content);
                    }
                }
                Ok(rows)
            })
            .await??
        };
        let claimed = rows.len();
        let ledger = Ledger::default();
        futures_util::stream::iter(rows)
            .for_each_concurrent(CONCURRENCY, |row| {
                let (token, ledger) = (token.as_str(), &ledger);
                async move {
                    match self.attempt(row, token).await {
                        Ok(Some(settlement)) => self.record(settlement, ledger).await,
                        Ok(None) => {}
                        Err(e) => tracing::error!(error = ?e, "delivering a mail failed"),
                    }
                }
            })
            .await;
        Ok(claimed)
    }

    /// Group commit: an attempt queues its outcome, waits for the right to record, and
    /// records everything queued by then in one transaction. Under load outcomes share
    /// transactions; alone, each is recorded at once, so a crash re-sends almost nothing.
    async fn record(&self, settlement: Settlement, ledger: &Ledger) {
        lock(&ledger.pending).push(settlement);
        let _turn = ledger.flushing.lock().await;
        let batch = std::mem::take(&mut *lock(&ledger.pending));
        if batch.is_empty() {
            return; // An earlier turn recorded ours.
        }
        let pool = self.pool.clone();
        let now = self.clock.now().naive_utc();
        let recorded = tokio::task::spawn_blocking(move || -> anyhow::Result<usize> {
            Ok(outbox::settle_all(&mut *pool.get()?, &batch, now)?)
        })
        .await;
        match recorded {
            Ok(Ok(_)) => {}
            // The rows stay leased: once the lease runs out they are attempted again.
            Ok(Err(e)) => tracing::error!(error = ?e, "recording delivery attempts failed"),
            Err(e) => tracing::error!(error = ?e, "recording delivery attempts failed"),
        }
    }

    /// Attempts one mail; the dev mailbox records its own outcome, SMTP returns it.
    async fn attempt(&self, row: OutboxRow, token: &str) -> anyhow::Result<Option<Settlement>> {
        let prepared = self.prepare(&row);
        let outcome = match (&self.transport, prepared) {
            (_, Err(e)) => Outcome::Failed {
                error: format!("{e:#}"),
            },
            (Transport::DevMailbox, Ok(prepared)) => {
                let pool = self.pool.clone();
                let token = token.to_owned();
                let now = self.clock.now().naive_utc();
                tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
                    let mut conn = pool.get()?;
                    dev_mailbox::deliver(&mut conn, &row, &prepared.mail, &token, now)?;
                    Ok(())
                })
                .await??;
                return Ok(None);
            }
            (Transport::Smtp(smtp), Ok(prepared)) => match self.build(&row, prepared) {
                Err(e) => Outcome::Failed {
                    error: format!("{e:#}"),
                },
                Ok(message) => match smtp.send(message).await {
                    Ok(_) => Outcome::Sent,
                    Err(e) => self.classify(&row, &e),
                },
            },
        };
        if outcome != Outcome::Sent {
            // The server's reply often quotes the address: it goes to
            // `mail_outbox.last_error`, not to the log.
            tracing::warn!(outbox_id = %row.id, attempts = row.attempts, "mail not delivered");
        }
        Ok(Some(Settlement {
            id: row.id,
            token: token.to_owned(),
            outcome,
        }))
    }

    fn prepare(&self, row: &OutboxRow) -> anyhow::Result<Prepared> {
        if let (Some(publication), Some(recipient)) = (&row.publication_id, &row.recipient_id) {
            let language = row
                .language
                .as_deref()
                .and_then(|l| Language::parse(l).ok())
                .unwrap_or_default();
            let zone = row
                .time_zone
                .as_deref()
                .and_then(|z| TimeZoneName::parse(z).ok())
                .unwrap_or(TimeZoneName::DEFAULT);
            let notice = self
                .notices
                .compose(publication, recipient, language, zone)?;
            return Ok(Prepared {
                mail: notice.mail,
                one_click: Some(notice.one_click_url),
            });
        }
        let part = |p: &Option<String>, what: &str| p.clone().with_context(|| format!("no {what}"));
        Ok(Prepared {
            mail: RenderedMail {
                subject: part(&row.subject, "subject")?,
                text: part(&row.body_text, "text body")?,
                html: part(&row.body_html, "HTML body")?,
            },
            one_click: None,
        })
    }

    fn build(&self, row: &OutboxRow, prepared: Prepared) -> anyhow::Result<Message> {
        let to: Mailbox = row.recipient.parse().context("recipient address")?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(prepared.mail.subject)
            .message_id(Some(row.message_id.clone()));
        if let Some(first) = &row.in_reply_to {
            builder = builder.in_reply_to(first.clone()).references(first.clone());
        }
        if let Some(url) = prepared.one_click {
            // lettre encodes and folds header values: no field can add a header line.
            builder = builder
                .raw_header(HeaderValue::new(LIST_UNSUBSCRIBE, format!("<{url}>")))
                .raw_header(HeaderValue::new(
                    LIST_UNSUBSCRIBE_POST,
                    "List-Unsubscribe=One-Click".to_owned(),
                ));
        }
        builder
            .multipart(MultiPart::alternative_plain_html(
                prepared.mail.text,
                prepared.mail.html,
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

fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Exponential back-off from 30 s, capped at one hour, with ±20 % jitter so that a burst of
/// failures does not come back as a burst.
pub fn retry_at(now: NaiveDateTime, attempts: i32) -> NaiveDateTime {
    let exp = attempts.clamp(1, 8) - 1;
    let base = (30i64 << exp).min(3600);
    let jitter = rand::rng().random_range(0.8..1.2);
    now + Duration::milliseconds((base as f64 * 1000.0 * jitter) as i64)
}
