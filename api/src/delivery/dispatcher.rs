//! The Tokio task that works the delivery ledger. Every `shirase` process runs one; leases
//! keep them from attempting the same delivery twice, and a crashed process's deliveries
//! are picked up once its lease expires.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration as StdDuration, Instant};

use chrono::{Duration, NaiveDateTime};
use rand::Rng;
use shared::dto::{DestinationStatus, HookChannel};
use tokio::sync::{Notify, watch};

use super::Failure;
use super::email::EmailChannel;
use super::health::Health;
use super::ledger::{self, AddressOutcome, Carries, Channel, Delivery, Outcome, Settlement};
use super::webhook::{self, HookSender, payload};
use crate::clock::Clock;
use crate::db::Pool;
use crate::mail::notice_mail::{NoticeContent, NoticeMailer};
use crate::models::recipient::Bounce;
use crate::models::webhook::Endpoint;

pub use super::CONCURRENCY;
const BATCH: i64 = 512;
/// Claimed batches waiting behind the one being attempted: enough that sending never waits
/// for the next claim to come back from the database.
const QUEUED_BATCHES: usize = 3;
/// Long enough for the claimed backlog to be sent; short enough that a crash delays little.
pub const LEASE: Duration = Duration::seconds(120);
/// A row whose lease has less than this left is not attempted (behind a very slow server it
/// could be another dispatcher's before the server answers). Longer than the longest
/// attempt (SMTP's 30 s, a webhook's 10 s), so an attempt always ends while its lease holds.
const LEASE_MARGIN: Duration = Duration::seconds(40);
/// E-mail gives up after this many attempts.
const MAX_MAIL_ATTEMPTS: i32 = 8;
/// Webhooks are retried for this long after the delivery was queued.
const HOOK_RETRY_SPAN: Duration = Duration::hours(24);
/// How long finished attempts wait to be recorded together.
const RECORD_LINGER: StdDuration = StdDuration::from_millis(5);

pub struct Dispatcher {
    pub pool: Pool,
    pub clock: Arc<dyn Clock>,
    pub email: Arc<EmailChannel>,
    pub hooks: Arc<HookSender>,
    pub notices: Arc<NoticeMailer>,
    /// Destinations' health, and the mails that tell their owners.
    pub health: Arc<Health>,
    /// The site's base URL (links in the payloads of webhook events).
    pub public_url: String,
    pub wakeup: Arc<Notify>,
    pub poll_interval: StdDuration,
    /// Delivery history older than this is deleted.
    pub retention: Duration,
    /// Told once outcomes that concern destinations are recorded: what their owners read of
    /// them (last delivery, failures, suspension, quarantine) may have changed.
    pub destinations_changed: Option<Arc<dyn crate::listener::Invalidate>>,
}

/// How often an idle dispatcher looks for history past its retention.
const PRUNE_EVERY: StdDuration = StdDuration::from_secs(3600);
/// Rows deleted per transaction, and transactions per pruning: small enough that neither
/// sending nor the API waits behind them.
const PRUNE_BATCH: i64 = 500;
const PRUNE_BATCHES: usize = 20;

/// A claimed delivery and what attempting it needs.
struct Item {
    delivery: Delivery,
    token: Arc<str>,
    /// Webhook deliveries: the destination as it was at the claim.
    hook: Option<Arc<Endpoint>>,
}

/// Whether the dispatcher is asked to stop: checked before each claim and before each
/// attempt.
type Stop = Arc<dyn Fn() -> bool + Send + Sync>;

/// The claimed deliveries the workers take from: the batch being worked, then the batches
/// claimed ahead of it.
struct Queue {
    items: std::sync::Mutex<std::collections::VecDeque<Item>>,
    batches: tokio::sync::Mutex<tokio::sync::mpsc::Receiver<Vec<Item>>>,
    stop: Stop,
}

impl Queue {
    /// The next delivery to attempt; `None` once claiming has ended and all are taken, or
    /// once the dispatcher is stopping (what is left is then released, not attempted).
    async fn next(&self) -> Option<Item> {
        loop {
            if (self.stop)() {
                return None;
            }
            if let Some(item) = lock(&self.items).pop_front() {
                return Some(item);
            }
            // One worker at a time fetches the next batch; the others wait for it here and
            // then find it in `items`.
            let mut batches = self.batches.lock().await;
            if !lock(&self.items).is_empty() {
                continue;
            }
            let batch = batches.recv().await?;
            lock(&self.items).extend(batch);
        }
    }

    /// Ends claiming (a claim waiting to queue its batch gets it back) and takes every
    /// delivery not attempted.
    async fn close(&self) -> Vec<Item> {
        let mut batches = self.batches.lock().await;
        batches.close();
        let mut left: Vec<Item> = lock(&self.items).drain(..).collect();
        while let Some(batch) = batches.recv().await {
            left.extend(batch);
        }
        left
    }
}

/// Attempts finished but not yet recorded.
#[derive(Default)]
struct Pending {
    settlements: std::sync::Mutex<Vec<Settlement>>,
    queued: Notify,
    /// No more attempts will come.
    closed: AtomicBool,
}

impl Dispatcher {
    /// Runs until `shutdown` turns true; then claims nothing more and finishes what it holds.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        // The first pruning waits a while: a process that just started has mail to send.
        let mut pruned = Instant::now();
        loop {
            if *shutdown.borrow() {
                break;
            }
            let stop = shutdown.clone();
            let handled = match self.pump(None, Arc::new(move || *stop.borrow())).await {
                Ok(n) => n,
                Err(e) => {
                    tracing::error!(error = ?e, "delivery dispatch failed");
                    0
                }
            };
            if handled == 0 && pruned.elapsed() >= PRUNE_EVERY {
                pruned = Instant::now();
                match self.prune().await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(
                        deliveries = n,
                        "delivery history past its retention deleted"
                    ),
                    Err(e) => tracing::error!(error = ?e, "pruning delivery history failed"),
                }
            }
            if handled == 0 {
                tokio::select! {
                    _ = self.wakeup.notified() => {}
                    _ = tokio::time::sleep(self.poll_interval) => {}
                    _ = shutdown.changed() => {}
                }
            }
        }
        tracing::info!("delivery dispatcher stopped");
    }

    /// Deletes delivery history older than the retention, at most `PRUNE_BATCHES` batches
    /// (what is left waits for the next time); returns how many deliveries went.
    pub async fn prune(&self) -> anyhow::Result<usize> {
        let before = self.clock.now().naive_utc() - self.retention;
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || -> anyhow::Result<usize> {
            let mut conn = pool.get()?;
            let mut total = 0;
            for _ in 0..PRUNE_BATCHES {
                let n = ledger::prune(&mut conn, before, PRUNE_BATCH)?;
                total += n;
                if n < usize::try_from(PRUNE_BATCH).unwrap_or(usize::MAX) {
                    break;
                }
            }
            Ok(total)
        })
        .await?
    }

    /// Attempts until nothing is due; returns how many deliveries it claimed.
    pub async fn drain(&self) -> anyhow::Result<usize> {
        self.pump(None, Arc::new(|| false)).await
    }

    /// Claims one batch, attempts every delivery in it and records the outcomes; returns
    /// how many were claimed.
    pub async fn drain_once(&self) -> anyhow::Result<usize> {
        self.pump(Some(1), Arc::new(|| false)).await
    }

    /// Three stages run at once: claiming batches (the next is claimed while the last is
    /// still being sent), attempting with `CONCURRENCY` in flight, and recording outcomes
    /// in group commits. Sending never waits for the database. Once `stop` turns true no
    /// more is claimed or attempted: the attempts in flight finish and are recorded, and the
    /// deliveries claimed but not attempted are released at once for any dispatcher to take.
    async fn pump(&self, batches: Option<usize>, stop: Stop) -> anyhow::Result<usize> {
        let pending = Arc::new(Pending::default());
        // Whole batches go to the workers: one hand-off a batch, not one a delivery.
        let (tx, rx) = tokio::sync::mpsc::channel::<Vec<Item>>(QUEUED_BATCHES);
        let stopping = stop.clone();
        let claim = async move {
            let mut claimed = 0;
            let mut round = 0;
            while batches.is_none_or(|b| round < b) && !stopping() {
                round += 1;
                let items = self.claim().await?;
                if items.is_empty() {
                    break;
                }
                claimed += items.len();
                // The queue closed (stopping, or every worker gone): this batch goes back.
                if let Err(unsent) = tx.send(items).await {
                    return anyhow::Ok((claimed, unsent.0));
                }
            }
            anyhow::Ok((claimed, Vec::new()))
        };
        // `CONCURRENCY` workers, each a task of its own (rendering and encoding spread over
        // every core) that takes the next delivery as soon as its last is out.
        let attempter = Arc::new(Attempter {
            clock: self.clock.clone(),
            email: self.email.clone(),
            hooks: self.hooks.clone(),
            notices: self.notices.clone(),
            bodies: Default::default(),
            public_url: self.public_url.clone(),
        });
        let queue = Arc::new(Queue {
            items: Default::default(),
            batches: tokio::sync::Mutex::new(rx),
            stop,
        });
        let mut workers = tokio::task::JoinSet::new();
        for _ in 0..CONCURRENCY {
            let (queue, attempter, pending) = (queue.clone(), attempter.clone(), pending.clone());
            workers.spawn(async move {
                while let Some(item) = queue.next().await {
                    if let Some(settlement) = attempter.attempt(item).await {
                        lock(&pending.settlements).push(settlement);
                        pending.queued.notify_one();
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
            pending.closed.store(true, Ordering::Release);
            pending.queued.notify_one();
            queue.close().await
        };
        let (claimed, mut left, ()) = tokio::join!(claim, send, self.record(&pending));
        let claimed = claimed.map(|(claimed, unsent)| {
            left.extend(unsent);
            claimed
        });
        self.release(left).await;
        claimed
    }

    /// Gives claimed deliveries that were not attempted back to the ledger. Should that
    /// fail, they stay leased and are taken again once their lease runs out.
    async fn release(&self, items: Vec<Item>) {
        if items.is_empty() {
            return;
        }
        let pool = self.pool.clone();
        let released = tokio::task::spawn_blocking(move || -> anyhow::Result<usize> {
            let mut by_token: HashMap<&str, Vec<&str>> = HashMap::new();
            for item in &items {
                by_token
                    .entry(&item.token)
                    .or_default()
                    .push(&item.delivery.id);
            }
            let mut conn = pool.get()?;
            let mut released = 0;
            for (token, ids) in by_token {
                released += ledger::release(&mut conn, token, &ids)?;
            }
            Ok(released)
        })
        .await;
        match released {
            Ok(Ok(released)) => tracing::info!(released, "claimed deliveries released"),
            Ok(Err(e)) => tracing::error!(error = ?e, "releasing claimed deliveries failed"),
            Err(e) => tracing::error!(error = ?e, "releasing claimed deliveries failed"),
        }
    }

    /// Leases the next batch and loads what its deliveries need: the notices they carry and
    /// the webhook destinations they go to. Rows that do not parse are settled as failed.
    async fn claim(&self) -> anyhow::Result<Vec<Item>> {
        let started = Instant::now();
        let token: Arc<str> = crate::models::new_id().into();
        let now = self.clock.now().naive_utc();
        let pool = self.pool.clone();
        let notices = self.notices.clone();
        let lease = token.clone();
        let (deliveries, hooks) = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
            let mut conn = pool.get()?;
            let (mut deliveries, malformed) = ledger::claim(&mut conn, &lease, BATCH, now, LEASE)?;
            for d in &mut deliveries {
                if let Carries::Digest { publications, .. } = &mut d.carries {
                    *publications = ledger::digest_items(&mut conn, &d.id)?
                        .into_iter()
                        .map(|item| item.publication_id)
                        .collect();
                }
            }
            if !malformed.is_empty() {
                let failed: Vec<Settlement> = malformed
                    .into_iter()
                    .map(|m| {
                        tracing::error!(delivery = %m.id, why = m.why, "malformed delivery");
                        Settlement {
                            id: m.id,
                            token: lease.to_string(),
                            attempt: m.attempts,
                            outcome: Outcome::Failed {
                                error: m.why.to_owned(),
                            },
                            reply: None,
                            latency_ms: 0,
                            hook: None,
                            address: None,
                        }
                    })
                    .collect();
                ledger::settle_all(&mut conn, &failed, now, &|_, _| Ok(()))?;
            }
            let publications = deliveries.iter().flat_map(|d| match &d.carries {
                Carries::Notice { publication_id, .. } => vec![publication_id.clone()],
                Carries::Digest { publications, .. } => publications.clone(),
                _ => Vec::new(),
            });
            for id in notices.missing(publications) {
                if let Some(content) = NoticeContent::load(&mut conn, &id)? {
                    notices.remember(id, content);
                }
            }
            let ids: Vec<&str> = deliveries
                .iter()
                .filter(|d| matches!(d.channel, Channel::Hook(_)))
                .filter_map(|d| d.destination_id.as_deref())
                .collect();
            let hooks: HashMap<String, Arc<Endpoint>> = if ids.is_empty() {
                HashMap::new()
            } else {
                Endpoint::by_ids(&mut conn, &ids)?
                    .into_iter()
                    .map(|w| (w.id.clone(), Arc::new(w)))
                    .collect()
            };
            Ok((deliveries, hooks))
        })
        .await??;
        metrics::histogram!(crate::metrics::CLAIM_DURATION).record(started.elapsed().as_secs_f64());
        Ok(deliveries
            .into_iter()
            .map(|delivery| Item {
                hook: delivery
                    .destination_id
                    .as_ref()
                    .filter(|_| matches!(delivery.channel, Channel::Hook(_)))
                    .and_then(|id| hooks.get(id).cloned()),
                delivery,
                token: token.clone(),
            })
            .collect())
    }

    /// Records outcomes as they come, a few milliseconds' worth per transaction; a crash
    /// re-sends only what was in flight or in the queue.
    async fn record(&self, pending: &Pending) {
        let mut first = true;
        loop {
            // Let a few milliseconds' outcomes gather after each transaction too: at tens of
            // thousands of deliveries a second, committing whatever finished during the last
            // transaction would mean a commit per handful of rows.
            if !first && !pending.closed.load(Ordering::Acquire) {
                tokio::time::sleep(RECORD_LINGER).await;
            }
            first = false;
            let closed = pending.closed.load(Ordering::Acquire);
            let batch = std::mem::take(&mut *lock(&pending.settlements));
            if batch.is_empty() {
                if closed {
                    return;
                }
                pending.queued.notified().await;
                // Let a few milliseconds' outcomes gather: one transaction for them all
                // instead of one per delivery, for a crash window of those milliseconds.
                tokio::time::sleep(RECORD_LINGER).await;
                continue;
            }
            let pool = self.pool.clone();
            let now = self.clock.now().naive_utc();
            let health = self.health.clone();
            let touches_destinations = batch
                .iter()
                .any(|s| s.hook.is_some() || s.address.is_some());
            let quarantined = tokio::task::spawn_blocking(move || -> anyhow::Result<usize> {
                let mut conn = pool.get()?;
                let quarantined = std::cell::Cell::new(0);
                ledger::settle_all(&mut conn, &batch, now, &|conn, recorded| {
                    quarantined.set(health.update(conn, recorded, now)?);
                    Ok(())
                })?;
                Ok(quarantined.get())
            })
            .await;
            if touches_destinations
                && matches!(quarantined, Ok(Ok(_)))
                && let Some(changed) = &self.destinations_changed
            {
                changed.invalidate();
            }
            match quarantined {
                Ok(Ok(0)) => {}
                // A quarantine mail was queued: the next round sends it.
                Ok(Ok(_)) => self.wakeup.notify_one(),
                // The rows stay leased: once the lease runs out they are attempted again.
                Ok(Err(e)) => tracing::error!(error = ?e, "recording delivery attempts failed"),
                Err(e) => tracing::error!(error = ?e, "recording delivery attempts failed"),
            }
        }
    }
}

/// What one attempt needs, shared by the attempts of a pump.
struct Attempter {
    clock: Arc<dyn Clock>,
    email: Arc<EmailChannel>,
    hooks: Arc<HookSender>,
    notices: Arc<NoticeMailer>,
    /// Notice bodies rendered once per publication, channel, language and zone.
    bodies: payload::NoticeBodies,
    public_url: String,
}

impl Attempter {
    /// Attempts one delivery; `None` when it was not attempted (its lease is nearly out).
    async fn attempt(&self, item: Item) -> Option<Settlement> {
        let Item {
            delivery: d,
            token,
            hook,
        } = item;
        let now = self.clock.now();
        if d.lease_until
            .is_none_or(|until| now.naive_utc() > until - LEASE_MARGIN)
        {
            // Left leased: it is claimed again, here or elsewhere, once the lease runs out.
            return None;
        }
        // A destination's health needs writing after a failure of an active destination (not
        // a refusal to send to a quarantined or unverified one, which would overwrite the
        // error its owner needs to see), or after a success that ends a run of failures; the
        // common success changes nothing.
        let active = hook
            .as_ref()
            .is_some_and(|h| h.status() == DestinationStatus::Active);
        let failing = hook.as_ref().is_some_and(|h| h.failures > 0);
        let started = Instant::now();
        let result = match d.channel {
            Channel::Email => self.email.attempt(&d, now.naive_utc()).await,
            Channel::Hook(channel) => self.hook(&d, channel, hook.as_deref()).await,
        };
        let took = started.elapsed();
        let latency_ms = webhook::elapsed_ms(started);
        metrics::histogram!(crate::metrics::ATTEMPT_DURATION, "channel" => d.channel.code())
            .record(took.as_secs_f64());
        // A notice e-mail's outcome also says something of its address.
        let recipient = d.destination_id.as_ref().filter(|_| {
            d.channel == Channel::Email
                && matches!(d.carries, Carries::Notice { .. } | Carries::Digest { .. })
        });
        let address = match (&result, recipient) {
            (Ok(_), Some(id)) => Some(AddressOutcome::Delivered(id.clone())),
            (Err(failure), Some(id)) if failure.bounced => Some(AddressOutcome::Bounced(Bounce {
                recipient_id: id.clone(),
                no_such_user: crate::mail::smtp::no_such_user(&failure.error),
                reply: failure.error.clone(),
            })),
            _ => None,
        };
        let (outcome, reply) = match result {
            Ok(reply) => (Outcome::Sent, reply),
            Err(failure) => {
                // The reply often quotes the address or the URL: it goes to the ledger, not
                // to the log.
                tracing::warn!(delivery = %d.id, attempts = d.attempts, channel = d.channel.code(), "not delivered");
                (self.classify(&d, failure), None)
            }
        };
        metrics::counter!(
            crate::metrics::DELIVERY_ATTEMPTS,
            "channel" => d.channel.code(),
            "kind" => d.carries.code(),
            "outcome" => outcome.code(),
        )
        .increment(1);
        Some(Settlement {
            hook: (active && (failing || outcome != Outcome::Sent))
                .then(|| d.destination_id.clone())
                .flatten(),
            id: d.id,
            token: token.to_string(),
            attempt: d.attempts,
            outcome,
            reply,
            latency_ms,
            address,
        })
    }

    async fn hook(
        &self,
        d: &Delivery,
        channel: HookChannel,
        hook: Option<&Endpoint>,
    ) -> Result<Option<String>, Failure> {
        let Some(hook) = hook else {
            return Err(Failure::permanent("the destination was deleted"));
        };
        let is_test = matches!(d.carries, Carries::Event(_));
        match hook.status() {
            DestinationStatus::Quarantined => {
                return Err(Failure::permanent("the destination is quarantined"));
            }
            // A pending destination gets its test event and nothing else.
            DestinationStatus::Pending if !is_test => {
                return Err(Failure::permanent("the destination is not verified"));
            }
            _ => {}
        }
        let now = self.clock.now();
        let body = match &d.carries {
            Carries::Notice {
                publication_id,
                reminder,
                ..
            } => {
                let Some(content) = self.notices.content(publication_id) else {
                    return Err(Failure::permanent("the publication is gone"));
                };
                self.bodies.body(
                    &content,
                    publication_id,
                    channel,
                    hook.language(),
                    hook.zone(),
                    &hook.id,
                    &d.message_id,
                    &self.public_url,
                    *reminder,
                )
            }
            Carries::Digest { publications, .. } => {
                let contents = self
                    .notices
                    .contents(publications)
                    .map_err(|e| Failure::permanent(e.to_string()))?;
                let event = payload::digest_event(
                    &contents,
                    &hook.id,
                    &d.message_id,
                    &self.public_url,
                    now,
                );
                payload::body(channel, &event, hook.language(), hook.zone())
            }
            Carries::Event(json) => {
                let stored: payload::StoredEvent = serde_json::from_str(json)
                    .map_err(|e| Failure::permanent(format!("unreadable event: {e}")))?;
                let at = crate::models::notice::utc(d.created_at);
                let event = payload::stored_event(stored, &d.message_id, at);
                payload::body(channel, &event, hook.language(), hook.zone())
            }
            Carries::AccountMail(_) => return Err(Failure::permanent("a mail is not an event")),
        }
        .map_err(|e| Failure::permanent(e.to_string()))?;
        let target = webhook::Target::of(hook, now.naive_utc());
        match self.hooks.post(&target, &d.message_id, body, now).await {
            Ok(delivered) => Ok(Some(
                format!("HTTP {} {}", delivered.status, delivered.reply.trim())
                    .trim_end()
                    .to_owned(),
            )),
            Err(e) => Err(Failure {
                error: e.error,
                permanent: !e.transient,
                retry_after: e.retry_after,
                bounced: false,
            }),
        }
    }

    /// Permanent failures fail; others are retried with back-off, e-mail up to
    /// `MAX_MAIL_ATTEMPTS` attempts, webhooks for `HOOK_RETRY_SPAN`.
    fn classify(&self, d: &Delivery, failure: Failure) -> Outcome {
        let now = self.clock.now().naive_utc();
        let error = failure.error;
        if failure.permanent {
            return if failure.bounced {
                Outcome::Bounced { error }
            } else {
                Outcome::Failed { error }
            };
        }
        let at = retry_at(now, d.attempts);
        let at = match failure.retry_after {
            Some(wait) => at.max(now + Duration::from_std(wait).unwrap_or(Duration::zero())),
            None => at,
        };
        let exhausted = match d.channel {
            Channel::Email => d.attempts >= MAX_MAIL_ATTEMPTS,
            Channel::Hook(_) => at > d.created_at + HOOK_RETRY_SPAN,
        };
        if exhausted {
            Outcome::Failed { error }
        } else {
            Outcome::Retry { at, error }
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
