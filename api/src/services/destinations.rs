//! Webhook destinations as a service: the test events a customer waits for, sent at once
//! and settled through the delivery ledger like every other delivery.

use shared::dto::{DeliveryAttemptView, WebhookEventType};

use crate::delivery::dispatcher::LEASE;
use crate::delivery::ledger::{self, Carries, Channel, NewDelivery, Outcome, Settlement};
use crate::delivery::webhook::{self, payload};
use crate::error::{ApiError, ApiResult};
use crate::models::webhook::Webhook;
use crate::state::AppState;

/// Queues `event` for `hook` already claimed by this request, posts it, and records the
/// attempt: the customer sees the endpoint's answer. Tests are not retried (the customer
/// can send another) and do not count towards quarantine.
pub async fn send_test(
    state: &AppState,
    hook: &Webhook,
    code: Option<String>,
) -> ApiResult<DeliveryAttemptView> {
    let stored = payload::StoredEvent {
        event_type: WebhookEventType::Test,
        destination_id: hook.id.clone(),
        code,
    };
    let json = serde_json::to_string(&stored).map_err(anyhow::Error::from)?;
    let token = crate::models::new_id();
    let now = state.clock.now();
    let (channel, hook_id, lease) = (hook.channel(), hook.id.clone(), token.clone());
    let delivery = state
        .db(move |conn| {
            let carries = Carries::Event(json);
            let new = NewDelivery {
                channel: Channel::Hook(channel),
                destination: &hook_id,
                destination_id: Some(&hook_id),
                carries: &carries,
            };
            Ok(ledger::enqueue_claimed(
                conn,
                &new,
                &lease,
                now.naive_utc(),
                LEASE,
            )?)
        })
        .await?;
    let event = payload::stored_event(stored, &delivery.message_id, now);
    let endpoint = hook.endpoint();
    let body = payload::body(channel, &event, endpoint.language(), endpoint.zone())
        .map_err(anyhow::Error::from)?;
    let target = webhook::Target::of(&endpoint, now.naive_utc());
    let started = std::time::Instant::now();
    let result = state
        .hooks
        .post(&target, &delivery.message_id, body, now)
        .await;
    let latency_ms = webhook::elapsed_ms(started);
    let (outcome, reply, status, view_reply) = match result {
        Ok(d) => {
            let reply = format!("HTTP {} {}", d.status, d.reply.trim())
                .trim_end()
                .to_owned();
            (
                Outcome::Sent,
                Some(reply.clone()),
                Some(d.status),
                Some(reply),
            )
        }
        Err(e) => (
            Outcome::Failed {
                error: e.error.clone(),
            },
            None,
            e.status,
            Some(e.error),
        ),
    };
    let delivered = outcome == Outcome::Sent;
    let settlement = Settlement {
        id: delivery.id,
        token,
        attempt: 1,
        outcome,
        reply,
        latency_ms,
        hook: None,
        address: None,
    };
    let at = state.now();
    state
        .db(move |conn| {
            ledger::settle_all(conn, &[settlement], at, &|_, _| Ok(()))?;
            Ok(())
        })
        .await?;
    Ok(DeliveryAttemptView {
        delivered,
        status,
        reply: view_reply,
        latency_ms,
        attempted_at: now,
    })
}

/// Queues the `destination.verified` event for the dispatcher.
pub fn queue_verified(
    conn: &mut crate::db::DbConnection,
    hook: &Webhook,
    now: chrono::NaiveDateTime,
) -> ApiResult<()> {
    let stored = payload::StoredEvent {
        event_type: WebhookEventType::DestinationVerified,
        destination_id: hook.id.clone(),
        code: None,
    };
    let json = serde_json::to_string(&stored).map_err(|e| ApiError::Unexpected(e.into()))?;
    let carries = Carries::Event(json);
    ledger::enqueue(
        conn,
        &NewDelivery {
            channel: Channel::Hook(hook.channel()),
            destination: &hook.id,
            destination_id: Some(&hook.id),
            carries: &carries,
        },
        "",
        now,
    )?;
    Ok(())
}
