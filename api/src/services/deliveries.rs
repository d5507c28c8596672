//! The delivery log as customers read it: their destinations' rows of the ledger, with the
//! notices they were for.

use std::collections::HashMap;

use diesel::prelude::*;
use shared::domain::ReminderLead;
use shared::dto::{
    DeliveryLogDestination, DeliveryLogEntry, DeliveryLogFilter, DeliveryLogPage, DeliveryState,
    NoticeKind,
};

use crate::db::DbConnection;
use crate::delivery::ledger::{self, Carries, LogFilter, LogRow, SkipReason, Status};
use crate::error::ApiError;
use crate::models::notice::{Notice, utc};
use crate::models::recipient::Recipient;
use crate::models::webhook::Webhook;
use crate::schema::{notices, publications};

/// How much of a remote's reply the log repeats.
const REPLY_CHARS: usize = 300;

/// The ledger's status and reason for a state of the log.
fn stored(state: DeliveryState) -> (Status, Option<SkipReason>) {
    match state {
        DeliveryState::Queued => (Status::Pending, None),
        DeliveryState::Sent => (Status::Sent, None),
        DeliveryState::Failed => (Status::Failed, None),
        DeliveryState::Bounced => (Status::Bounced, None),
        DeliveryState::SkippedWindow => (Status::Skipped, Some(SkipReason::Window)),
        DeliveryState::SkippedUnsubscribed => (Status::Skipped, Some(SkipReason::Unsubscribed)),
        DeliveryState::SkippedSuspended => (Status::Skipped, Some(SkipReason::Suspended)),
        DeliveryState::Held => (Status::Held, None),
        DeliveryState::Withdrawn => (Status::Skipped, Some(SkipReason::Withdrawn)),
    }
}

/// The state of the log for a stored status and reason; `None` for what no code writes.
fn state(status: Status, reason: Option<SkipReason>) -> Option<DeliveryState> {
    Some(match status {
        Status::Pending => DeliveryState::Queued,
        Status::Sent => DeliveryState::Sent,
        Status::Failed => DeliveryState::Failed,
        Status::Bounced => DeliveryState::Bounced,
        Status::Held => DeliveryState::Held,
        Status::Skipped => match reason? {
            SkipReason::Window => DeliveryState::SkippedWindow,
            SkipReason::Unsubscribed => DeliveryState::SkippedUnsubscribed,
            SkipReason::Suspended => DeliveryState::SkippedSuspended,
            SkipReason::Withdrawn => DeliveryState::Withdrawn,
        },
    })
}

fn row_state(row: &LogRow) -> Option<DeliveryState> {
    state(
        Status::parse(&row.status)?,
        row.skip_reason.as_deref().and_then(SkipReason::parse),
    )
}

/// The reply's code: the first three-digit number from 200 to 599 in it, as in `250 2.0.0
/// Ok`, `HTTP 503 …` or `permanent error (550): …`.
fn reply_code(reply: &str) -> Option<String> {
    reply
        .split(|c: char| !c.is_ascii_digit())
        .find(|n| n.len() == 3 && n.starts_with(['2', '3', '4', '5']))
        .map(str::to_owned)
}

/// The notice of a publication, as the log shows it.
struct Published {
    notice_id: String,
    kind: String,
    title_ja: String,
    title_en: Option<String>,
    sequence: i32,
    issued_at: chrono::NaiveDateTime,
}

/// One page of the account's delivery log. A notice or destination that is not the
/// account's is a 404, as if it did not exist.
pub fn page(
    conn: &mut DbConnection,
    account_id: &str,
    filter: &DeliveryLogFilter,
) -> Result<DeliveryLogPage, ApiError> {
    // The account's destinations: what the ledger calls them, and how the log names them.
    let mut named: HashMap<String, DeliveryLogDestination> = HashMap::new();
    for r in Recipient::list(conn, account_id)? {
        named.insert(
            r.email.clone(),
            DeliveryLogDestination {
                id: r.id,
                channel: "email".into(),
                label: r.email,
            },
        );
    }
    for w in Webhook::list(conn, account_id)? {
        named.insert(
            w.id.clone(),
            DeliveryLogDestination {
                id: w.id,
                channel: w.channel,
                label: w.name,
            },
        );
    }
    let destinations: Vec<String> = match &filter.destination {
        None => named.keys().cloned().collect(),
        Some(id) => vec![
            named
                .iter()
                .find(|(_, d)| &d.id == id)
                .map(|(key, _)| key.clone())
                .ok_or_else(|| ApiError::not_found("No such delivery destination."))?,
        ],
    };
    // A notice's publications, and the span of ids they were published in.
    let publications: Option<(Vec<String>, String, Option<String>)> = match &filter.notice {
        None => None,
        Some(id) => {
            let notice = Notice::find(conn, id)?
                .filter(|n| !n.is_draft())
                .ok_or_else(|| ApiError::not_found("No such notice."))?;
            let ids: Vec<String> = Notice::publications(conn, &notice.id)?
                .into_iter()
                .map(|p| p.id)
                .collect();
            let first = ids.iter().min().cloned().unwrap_or_default();
            let until = match ids.iter().max() {
                Some(last) => Notice::next_publication(conn, last)?,
                None => None,
            };
            Some((ids, first, until))
        }
    };
    // One more than asked tells whether there is a next page.
    let mut rows = ledger::log(
        conn,
        &LogFilter {
            destinations: &destinations,
            publications: publications
                .as_ref()
                .map(|(ids, from, until)| (ids.as_slice(), from.as_str(), until.as_deref())),
            state: filter.state.map(stored),
            before: filter.cursor.as_deref(),
            limit: filter.limit + 1,
        },
    )?;
    let more = rows.len() as i64 > filter.limit;
    rows.truncate(usize::try_from(filter.limit).unwrap_or(0));
    let next_cursor = more.then(|| rows.last().map(|r| r.id.clone())).flatten();

    let mut ids: Vec<&str> = rows.iter().map(|r| r.publication_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    let published: HashMap<String, Published> = publications::table
        .inner_join(notices::table)
        .filter(publications::id.eq_any(&ids))
        .select((
            publications::id,
            notices::id,
            notices::kind,
            notices::title_ja,
            notices::title_en,
            publications::sequence,
            publications::issued_at,
        ))
        .load::<(
            String,
            String,
            String,
            String,
            Option<String>,
            i32,
            chrono::NaiveDateTime,
        )>(conn)?
        .into_iter()
        .map(
            |(id, notice_id, kind, title_ja, title_en, sequence, issued_at)| {
                (
                    id,
                    Published {
                        notice_id,
                        kind,
                        title_ja,
                        title_en,
                        sequence,
                        issued_at,
                    },
                )
            },
        )
        .collect();

    let entries = rows
        .into_iter()
        .filter_map(|row| {
            let p = published.get(&row.publication_id)?;
            let state = row_state(&row)?;
            let reply: Option<String> = row
                .reply
                .as_deref()
                .map(|r| r.chars().take(REPLY_CHARS).collect());
            Some(DeliveryLogEntry {
                notice_id: p.notice_id.clone(),
                kind: NoticeKind::parse(&p.kind).ok()?,
                title_ja: p.title_ja.clone(),
                title_en: p.title_en.clone(),
                publication_id: row.publication_id.clone(),
                sequence: p.sequence,
                issued_at: utc(p.issued_at),
                destination: named.get(&row.destination)?.clone(),
                reminder: ReminderLead::ALL
                    .into_iter()
                    .find(|l| Carries::reminder_code(*l) == row.carries),
                due_at: matches!(state, DeliveryState::Queued | DeliveryState::Held)
                    .then(|| utc(row.due_at)),
                state,
                sent_at: row.sent_at.map(utc),
                reply_code: reply.as_deref().and_then(reply_code),
                reply,
            })
        })
        .collect();
    Ok(DeliveryLogPage {
        entries,
        next_cursor,
    })
}

/// Every delivery of a published notice as CSV (RFC 4180, with a header line), addresses
/// masked: what an operator hands on after an incident.
pub fn export_csv(conn: &mut DbConnection, notice_id: &str) -> Result<String, ApiError> {
    let notice = Notice::find(conn, notice_id)?
        .filter(|n| !n.is_draft())
        .ok_or_else(|| ApiError::not_found("No such notice."))?;
    let publications = Notice::publications(conn, &notice.id)?;
    let ids: Vec<&str> = publications.iter().map(|p| p.id.as_str()).collect();
    let rows = ledger::export(conn, &ids)?;
    let mut out = String::with_capacity(64 + rows.len() * 96);
    out.push_str("sequence,issued_at,channel,destination,state,sent_at,reply\r\n");
    for row in rows {
        let Some(p) = publications.iter().find(|p| p.id == row.publication_id) else {
            continue;
        };
        let state = state(row.status, row.skip_reason).map_or("", DeliveryState::code);
        let fields = [
            p.sequence.to_string(),
            utc(p.issued_at).to_rfc3339(),
            row.channel,
            row.destination,
            state.to_owned(),
            row.sent_at.map(|t| utc(t).to_rfc3339()).unwrap_or_default(),
            row.error.unwrap_or_default(),
        ];
        for (i, field) in fields.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_csv_field(&mut out, field);
        }
        out.push_str("\r\n");
    }
    Ok(out)
}

/// One CSV field: quoted when it holds a separator, a quote or a line break; a field a
/// spreadsheet would take for a formula is prefixed with `'`, since replies are remote text.
fn push_csv_field(out: &mut String, field: &str) {
    let formula = field.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quote = formula || field.contains([',', '"', '\n', '\r']);
    if quote {
        out.push('"');
    }
    if formula {
        out.push('\'');
    }
    for c in field.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    if quote {
        out.push('"');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_reply_codes() {
        assert_eq!(
            reply_code("250 2.0.0 Ok: queued as 4Xk").as_deref(),
            Some("250")
        );
        assert_eq!(reply_code("HTTP 503: busy").as_deref(), Some("503"));
        assert_eq!(
            reply_code("permanent error (550): 5.1.1 <a@b.example>: unknown").as_deref(),
            Some("550")
        );
        assert_eq!(reply_code("connection refused"), None);
    }

    #[test]
    fn quotes_csv_fields() {
        let mut out = String::new();
        for f in ["plain", "a,b", "say \"hi\"", "=HYPERLINK(1)"] {
            push_csv_field(&mut out, f);
            out.push('|');
        }
        assert_eq!(out, "plain|\"a,b\"|\"say \"\"hi\"\"\"|\"'=HYPERLINK(1)\"|");
    }
}
