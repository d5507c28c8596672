//! Bounce reports (RFC 3464 delivery status notifications) as a service: the HTTP endpoint
//! and `shirase bounce` both hand the raw message here. A report is matched to a delivery
//! only by what the dispatcher put in the mail (the return path that names the delivery,
//! or the Message-ID), never by the address alone; then the delivery is recorded as
//! bounced and its address counted, as for a bounce at the time of sending.

use chrono::NaiveDateTime;
use diesel::Connection;
use shared::domain::EmailAddress;
use shared::dto::{BounceReceipt, BouncedRecipient};

use crate::db::DbConnection;
use crate::delivery::email::delivery_of_return_path;
use crate::delivery::health::Health;
use crate::delivery::ledger::{self, Channel, Reported};
use crate::mail::bounce::{self, NotAReport, Report};
use crate::models::recipient::{Bounce, Recipient};

/// The largest report taken: the report and the returned message's beginning fit easily.
pub const MAX_REPORT: usize = 4 * 1024 * 1024;

/// What a report is matched with.
pub struct Matching<'a> {
    /// `SHIRASE_BOUNCE_DOMAIN`, when return paths name deliveries.
    pub bounce_domain: Option<&'a str>,
    /// The right-hand side of the Message-IDs the dispatcher writes.
    pub message_domain: &'a str,
}

/// Why a report changed nothing.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    #[error(transparent)]
    NotAReport(#[from] NotAReport),
    #[error(
        "the report names no delivery of this service (neither its return path nor the returned Message-ID)"
    )]
    UnknownDelivery,
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
}

/// The delivery a report is about.
fn delivery(
    conn: &mut DbConnection,
    report: &Report,
    matching: &Matching<'_>,
) -> diesel::QueryResult<Option<Reported>> {
    let by_path = matching.bounce_domain.and_then(|domain| {
        report
            .addressed_to
            .iter()
            .find_map(|a| delivery_of_return_path(a, domain))
    });
    if let Some(id) = by_path
        && let Some(d) = ledger::reported(conn, id)?
    {
        return Ok(Some(d));
    }
    // `<id@domain>`: the dispatcher's Message-IDs name their delivery too.
    let Some(message_id) = report.original_message_id.as_deref() else {
        return Ok(None);
    };
    let message_id = message_id.trim().trim_matches(['<', '>']);
    let Some((id, domain)) = message_id.rsplit_once('@') else {
        return Ok(None);
    };
    if !domain.eq_ignore_ascii_case(matching.message_domain) {
        return Ok(None);
    }
    Ok(ledger::reported(conn, id)?.filter(|d| d.message_id == format!("<{message_id}>")))
}

/// Applies a report: every recipient the server gave up on that is the delivery's own
/// address bounces it. One transaction; a report that is not understood changes nothing.
pub fn apply(
    conn: &mut DbConnection,
    raw: &[u8],
    matching: &Matching<'_>,
    health: &Health,
    now: NaiveDateTime,
) -> Result<BounceReceipt, Refused> {
    let report = bounce::parse(raw)?;
    conn.transaction(|conn| {
        let d = delivery(conn, &report, matching)?
            .filter(|d| d.channel == Channel::Email.code())
            .ok_or(Refused::UnknownDelivery)?;
        let mut recipients = Vec::with_capacity(report.recipients.len());
        for r in &report.recipients {
            let ours = r.address.eq_ignore_ascii_case(&d.destination);
            let mut receipt = BouncedRecipient {
                email_masked: EmailAddress::parse(&r.address)
                    .map(|e| e.masked())
                    .unwrap_or_else(|_| "***".into()),
                action: r.action.clone(),
                status: r.status.clone(),
                bounced: false,
                suspended: false,
            };
            if ours && r.failed() {
                receipt.bounced = ledger::record_bounce(conn, &d.id, &r.reply())?;
                let address = d.destination_id.as_ref().filter(|_| d.carries == "notice");
                if receipt.bounced
                    && let Some(recipient_id) = address
                {
                    let bounce = Bounce {
                        recipient_id: recipient_id.clone(),
                        no_such_user: r.no_such_user(),
                        reply: r.reply(),
                    };
                    if let Some(suspended) = Recipient::record_bounce(conn, &bounce, now)? {
                        tracing::warn!(address = %suspended.id, "delivery address suspended after a bounce report");
                        health.tell_suspended(conn, &suspended, now)?;
                        receipt.suspended = true;
                    }
                }
            }
            recipients.push(receipt);
        }
        tracing::info!(delivery = %d.id, recipients = recipients.len(), "bounce report applied");
        Ok(BounceReceipt {
            delivery_id: d.id,
            recipients,
        })
    })
}
