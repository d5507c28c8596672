//! The Tokio task that drains the outbox. Every `shirase` process runs one; leases keep
//! them from sending the same row twice, and a crashed process's rows are picked up once
//! its lease expires.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration as StdDuration;

use anyhow::Context;
use chrono::{Duration, NaiveDateTime};
use lettre::message::header::ContentType;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart};
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use rand::Rng;
use tokio::sync::{Notify, watch};

use shared::domain::{Language, TimeZoneName};

use super::dev_mailbox;
use super::notice_mail::{NoticeContent, NoticeMailer};
use super::outbox::{self, OutboxRow, Outcome, Settlement};
use super::smtp::{SendError, SmtpPool};
use super::templates::{EncodedMail, RenderedMail};
use crate::clock::Clock;
use crate::db::Pool;

/// How many mails one process has in flight at once.
pub const CONCURRENCY: usize = 8;
const BATCH: i64 = 512;
/// Claimed rows waiting to be sent, in batches: enough that sending never waits for the
/// next claim to come back from the database.
const QUEUED_BATCHES: usize = 4;
/// The longest one SMTP exchange may take.
const SMTP_TIMEOUT: StdDuration = StdDuration::from_secs(30);
/// Long enough for the claimed backlog to be sent; short enough that a crash delays little.
pub const LEASE: Duration = Duration::seconds(120);
/// A row whose lease has less than this left is not sent (behind a very slow mail server it
/// could be another dispatcher's before the server answers). Longer than `SMTP_TIMEOUT`, so
/// an attempt always ends while its lease holds.
const LEASE_MARGIN: Duration = Duration::seconds(40);
const MAX_ATTEMPTS: i32 = 8;
/// How long finished attempts wait to be recorded together.
const RECORD_LINGER: StdDuration = StdDuration::from_millis(5);

#[derive(Clone)]
pub enum Transport {
    /// `smtp://`: our pool of lettre connections with Nagle off (see `smtp`).
    Smtp(Arc<SmtpPool>),
    /// `smtps://`: lettre's own pooled transport.
    SmtpTls(AsyncSmtpTransport<Tokio1Executor>),
    DevMailbox,
}

impl Transport {
    pub fn smtp(url: &str) -> anyhow::Result<Self> {
        let context = "SHIRASE_SMTP_URL is not a valid SMTP URL";
        if url.starts_with("smtps:") {
            let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                .context(context)?
                .pool_config(PoolConfig::new().max_size(CONCURRENCY as u32))
                .timeout(Some(SMTP_TIMEOUT))
                .build();
            return Ok(Self::SmtpTls(transport));
        }
        Ok(Self::Smtp(Arc::new(
            SmtpPool::from_url(url, CONCURRENCY, SMTP_TIMEOUT).context(context)?,
        )))
    }

    async fn send(&self, message: Message) -> Result<(), SendError> {
        match self {
            Self::Smtp(pool) => pool.send(&message).await,
            Self::SmtpTls(transport) => transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(SendError::from),
            Self::DevMailbox => unreachable!("the dev mailbox is not sent to"),
        }
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
    mail: EncodedMail,
    /// Notice mails only: the RFC 8058 one-click unsubscribe target.
    one_click: Option<String>,
    /// Maintenance notice mails only: the window as an `.ics` attachment.
    calendar: Option<Arc<str>>,
}

const LIST_UNSUBSCRIBE: HeaderName = HeaderName::new_from_ascii_str("List-Unsubscribe");
const LIST_UNSUBSCRIBE_POST: HeaderName = HeaderName::new_from_ascii_str("List-Unsubscribe-Post");

/// Attempts finished but not yet recorded.
#[derive(Default)]
struct Ledger {
    pending: std::sync::Mutex<Vec<Settlement>>,
    queued: Notify,
    /// No more attempts will come.
    closed: AtomicBool,
}

impl Dispatcher {
    /// Runs until `shutdown` turns true; then claims nothing more and finishes what it holds.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        loop {
            if *shutdown.borrow() {
                break;
            }
            let stop = shutdown.clone();
            let handled = match self.pump(None, move || *stop.borrow()).await {
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

    /// Sends until nothing is due; returns how many rows it claimed.
    pub async fn drain(&self) -> anyhow::Result<usize> {
        self.pump(None, || false).await
    }

    /// Claims one batch, attempts every mail in it and records the outcomes; returns how
    /// many were claimed.
    pub async fn drain_once(&self) -> anyhow::Result<usize> {
        self.pump(Some(1), || false).await
    }

    /// Three stages run at once: claiming batches (the next is claimed while the last is
    /// still being sent), sending with `CONCURRENCY` mails in flight, and recording outcomes
    /// in group commits. Sending never waits for the database.
    async fn pump(&self, batches: Option<usize>, stop: impl Fn() -> bool) -> anyhow::Result<usize> {
        let ledger = Arc::new(Ledger::default());
        let sender = Arc::new(Sender {
            pool: self.pool.clone(),
            clock: self.clock.clone(),
            transport: self.transport.clone(),
            from: self.from.clone(),
            notices: self.notices.clone(),
        });
        let (tx, rx) =
            tokio::sync::mpsc::channel::<(OutboxRow, Arc<str>)>(BATCH as usize * QUEUED_BATCHES);
        let claim = async move {
            let mut claimed = 0;
            let mut round = 0;
            while batches.is_none_or(|b| round < b) && !stop() {
                round += 1;
                let (token, rows) = self.claim().await?;
                if rows.is_empty() {
                    break;
                }
                claimed += rows.len();
                for row in rows {
                    // Every worker gone (they only stop when the queue closes): claim no
                    // more; what is left here stays leased until its lease runs out.
                    if tx.send((row, token.clone())).await.is_err() {
                        return anyhow::Ok(claimed);
                    }
                }
            }
            anyhow::Ok(claimed)
        };
        // `CONCURRENCY` workers, each a task of its own (rendering and encoding spread over
        // every core) that takes the next row as soon as its mail is out.
        let rows = Arc::new(tokio::sync::Mutex::new(rx));
        let mut workers = tokio::task::JoinSet::new();
        for _ in 0..CONCURRENCY {
            let (rows, sender, ledger) = (rows.clone(), sender.clone(), ledger.clone());
            workers.spawn(async move {
                loop {
                    let next = rows.lock().await.recv().await;
                    let Some((row, token)) = next else { break };
                    match sender.clone().attempt(row, token).await {
                        Ok(Some(settlement)) => {
                            lock(&ledger.pending).push(settlement);
                            ledger.queued.notify_one();
                        }
                        Ok(None) => {}
                        Err(e) => tracing::error!(error = ?e, "delivering a mail failed"),
                    }
                }
            });
        }
        let send = async {
            while let Some(done) = workers.join_next().await {
                if let Err(e) = done {
                    tracing::error!(error = ?e, "a delivery worker failed");
                }
            }
            ledger.closed.store(true, Ordering::Release);
            ledger.queued.notify_one();
        };
        let (claimed, (), ()) = tokio::join!(claim, send, self.record(&ledger));
        claimed
    }

    /// Leases the next batch and loads the notices its mails need.
    async fn claim(&self) -> anyhow::Result<(Arc<str>, Vec<OutboxRow>)> {
        let token: Arc<str> = crate::models::new_id().into();
        let now = self.clock.now().naive_utc();
        let pool = self.pool.clone();
        let notices = self.notices.clone();
        let lease = token.clone();
        let rows = tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<OutboxRow>> {
            let mut conn = pool.get()?;
            let rows = outbox::claim(&mut conn, &lease, BATCH, now, LEASE)?;
            let publications = rows.iter().filter_map(|r| r.publication_id.clone());
            for id in notices.missing(publications) {
                if let Some(content) = NoticeContent::load(&mut conn, &id)? {
                    notices.remember(id, content);
                }
            }
            Ok(rows)
        })
        .await??;
        Ok((token, rows))
    }

    /// Records outcomes as they come, a few milliseconds' worth per transaction; a crash
    /// re-sends only what was in flight or in the queue.
    async fn record(&self, ledger: &Ledger) {
        loop {
            let closed = ledger.closed.load(Ordering::Acquire);
            let batch = std::mem::take(&mut *lock(&ledger.pending));
            if batch.is_empty() {
                if closed {
                    return;
                }
                ledger.queued.notified().await;
                // Let a few milliseconds' outcomes gather: one transaction for them all
                // instead of one per mail, for a crash window of those milliseconds.
                tokio::time::sleep(RECORD_LINGER).await;
                continue;
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
    }
}

/// What one delivery attempt needs, shared by the attempts of a pump.
struct Sender {
    pool: Pool,
    clock: Arc<dyn Clock>,
    transport: Transport,
    from: Mailbox,
    notices: Arc<NoticeMailer>,
}

impl Sender {
    /// Attempts one mail; the dev mailbox records its own outcome, SMTP returns it.
    async fn attempt(
        self: Arc<Self>,
        row: OutboxRow,
        token: Arc<str>,
    ) -> anyhow::Result<Option<Settlement>> {
        let now = self.clock.now().naive_utc();
        if row
            .lease_until
            .is_none_or(|until| now > until - LEASE_MARGIN)
        {
            // Left leased: it is claimed again, here or elsewhere, once the lease runs out.
            return Ok(None);
        }
        let outcome = match &self.transport {
            Transport::DevMailbox => match self.render(&row) {
                Err(e) => Outcome::Failed {
                    error: format!("{e:#}"),
                },
                Ok(mail) => {
                    let pool = self.pool.clone();
                    let now = self.clock.now().naive_utc();
                    tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
                        let mut conn = pool.get()?;
                        dev_mailbox::deliver(&mut conn, &row, &mail, &token, now)?;
                        Ok(())
                    })
                    .await??;
                    return Ok(None);
                }
            },
            transport => match self.prepare(&row).and_then(|p| self.build(&row, p)) {
                Err(e) => Outcome::Failed {
                    error: format!("{e:#}"),
                },
                Ok(message) => match transport.send(message).await {
                    Ok(()) => Outcome::Sent,
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
            token: token.to_string(),
            outcome,
        }))
    }

    /// The row's mail as text, for the dev mailbox.
    fn render(&self, row: &OutboxRow) -> anyhow::Result<RenderedMail> {
        if let Some((publication, recipient, language, zone)) = notice_of(row) {
            return Ok(self
                .notices
                .compose(publication, recipient, language, zone)?
                .mail);
        }
        let part = |p: &Option<String>, what: &str| p.clone().with_context(|| format!("no {what}"));
        Ok(RenderedMail {
            subject: part(&row.subject, "subject")?,
            text: part(&row.body_text, "text body")?,
            html: part(&row.body_html, "HTML body")?,
        })
    }

    /// The row's mail with its bodies encoded, for SMTP.
    fn prepare(&self, row: &OutboxRow) -> anyhow::Result<Prepared> {
        if let Some((publication, recipient, language, zone)) = notice_of(row) {
            let notice = self
                .notices
                .compose_encoded(publication, recipient, language, zone)?;
            return Ok(Prepared {
                mail: notice.mail,
                one_click: Some(notice.one_click_url),
                calendar: notice.calendar,
            });
        }
        Ok(Prepared {
            mail: self.render(row)?.into(),
            one_click: None,
            calendar: None,
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
        let body = MultiPart::alternative_plain_html(prepared.mail.text, prepared.mail.html);
        let body = match prepared.calendar {
            None => body,
            Some(ics) => {
                // `method=PUBLISH`: the event is for information, not an invitation to answer.
                let kind = ContentType::parse("text/calendar; charset=utf-8; method=PUBLISH")
                    .context("calendar content type")?;
                MultiPart::mixed().multipart(body).singlepart(
                    Attachment::new("maintenance.ics".to_owned()).body(ics.to_string(), kind),
                )
            }
        };
        builder.multipart(body).context("building the message")
    }

    /// 5xx replies are permanent; connection trouble and 4xx replies are worth retrying.
    fn classify(&self, row: &OutboxRow, e: &SendError) -> Outcome {
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

/// A notice row's publication, address, language and time zone, as the mailer takes them.
fn notice_of(row: &OutboxRow) -> Option<(&str, &str, Language, TimeZoneName)> {
    let (Some(publication), Some(recipient)) = (&row.publication_id, &row.recipient_id) else {
        return None;
    };
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
    Some((publication, recipient, language, zone))
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
