//! Notices as a service: drafting, publishing and following up, and what a publication
//! would reach. The HTTP handlers and the command line both call these; each publication is
//! one transaction, opened here: the publication row, its whole audience in the delivery
//! ledger, and the notice's new state. Either all of it is there or none of it.

use chrono::NaiveDateTime;
use diesel::Connection;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use shared::FieldCode;
use shared::domain::{Language, TimeZoneName};
use shared::dto::{
    NoticeDraft, NoticeDraftRequest, NoticeKind, NoticeProduct, NoticeStatus, NoticeUpdateRequest,
    NoticeView, PostmortemRequest, PublicationReceipt, ScheduleRequest,
};
use shared::placeholders;
use shared::{FieldErrors, ProblemKind};

use crate::db::DbConnection;
use crate::delivery::audience::{self, Estimate, Target};
use crate::delivery::timing;
use crate::error::{ApiError, ApiResult};
use crate::mail::notice_mail::format_local;
use crate::models::catalog;
use crate::models::notice::{NewPublication, Notice, Publication, utc};

pub fn not_found() -> ApiError {
    ApiError::not_found("No such notice.")
}

/// The notice, drafts included: callers decide who may see a draft.
pub fn find(conn: &mut DbConnection, id: &str) -> ApiResult<Notice> {
    Notice::find(conn, id)?.ok_or_else(not_found)
}

/// Product ids for the draft's slugs; `products: unknown_product` if any is not in the
/// catalog (retired products stay valid: an outage can outlive a product's sale).
pub fn product_ids(conn: &mut DbConnection, slugs: &[String]) -> ApiResult<Vec<String>> {
    let mut ids = Vec::with_capacity(slugs.len());
    for slug in slugs {
        match catalog::product::find(conn, slug)? {
            Some(p) => ids.push(p.id),
            None => {
                let mut errors = FieldErrors::default();
                errors.push("products", FieldCode::UnknownProduct);
                return Err(errors.into());
            }
        }
    }
    Ok(ids)
}

/// Parses a draft, resolves its products and fills its placeholders.
pub fn draft(
    conn: &mut DbConnection,
    request: &NoticeDraftRequest,
) -> ApiResult<(NoticeDraft, Vec<String>)> {
    let mut draft = request.parse()?;
    let ids = product_ids(conn, &draft.products)?;
    let products = Notice::products_by_id(conn, &ids)?;
    fill_placeholders(&mut draft, &products);
    Ok((draft, ids))
}

/// Fills the placeholders of a draft's titles and bodies (a template's, typically) with its
/// products and times, each field in its own language; times in JST, as the mails say them.
pub fn fill_placeholders(draft: &mut NoticeDraft, products: &[NoticeProduct]) {
    let (starts_at, ends_at) = (draft.starts_at, draft.ends_at);
    let value = |language: Language| {
        move |name: &str| match name {
            placeholders::PRODUCT => Some(
                products
                    .iter()
                    .map(|p| match language {
                        Language::Ja => p.name_ja.as_str(),
                        Language::En => p.name_en.as_str(),
                    })
                    .collect::<Vec<_>>()
                    .join(if language == Language::Ja {
                        "、"
                    } else {
                        ", "
                    }),
            ),
            placeholders::STARTS_AT => {
                Some(format_local(starts_at, TimeZoneName::DEFAULT, language))
            }
            placeholders::ENDS_AT => {
                ends_at.map(|t| format_local(t, TimeZoneName::DEFAULT, language))
            }
            _ => None,
        }
    };
    draft.title_ja = placeholders::fill(&draft.title_ja, value(Language::Ja));
    draft.body_ja = placeholders::fill(&draft.body_ja, value(Language::Ja));
    draft.title_en = draft
        .title_en
        .as_deref()
        .map(|t| placeholders::fill(t, value(Language::En)));
    draft.body_en = draft
        .body_en
        .as_deref()
        .map(|t| placeholders::fill(t, value(Language::En)));
}

/// Writes a publication of `notice` and its audience; the caller's transaction makes it
/// atomic. A concurrent publication of the same sequence loses on the unique key → 409.
fn publish_in(
    conn: &mut DbConnection,
    state_domain: &str,
    notice: &Notice,
    new: &NewPublication<'_>,
    notify: bool,
    now: NaiveDateTime,
) -> ApiResult<PublicationReceipt> {
    let publication = Publication::insert(conn, new, now).map_err(conflict_if_taken)?;
    // Published without telling anyone: on the site and in the feeds, with no deliveries.
    let (audience, skipped) = if notify {
        let fan_out = audience::fan_out(
            conn,
            &Target {
                notice_id: &notice.id,
                kind: notice.kind(),
                publication_id: &publication.id,
                message_domain: state_domain,
                issued_at: utc(now),
                follows_up: publication.sequence > 0,
            },
            now,
        )?;
        timing::hold(conn, &publication.id, state_domain, now)?;
        (fan_out.audience, fan_out.skipped)
    } else {
        (0, 0)
    };
    // Reminders: the first publication of a maintenance ahead plans them; every later one
    // moves those still pending to the start it now has, or withdraws them.
    if notice.kind() == NoticeKind::Maintenance {
        let ahead = (new.status == NoticeStatus::Scheduled && new.starts_at > now)
            .then(|| utc(new.starts_at));
        match ahead {
            Some(start) if publication.sequence == 0 && notify => {
                timing::plan_reminders(conn, &publication.id, state_domain, start, now)?;
            }
            _ if publication.sequence > 0 => {
                timing::move_reminders(conn, &notice.id, &publication.id, ahead, now)?;
            }
            _ => {}
        }
    }
    Publication::record_counts(conn, &publication.id, audience, skipped)?;
    Notice::record_publication(
        conn,
        &notice.id,
        new.status,
        new.starts_at,
        new.ends_at,
        now,
    )?;
    Ok(PublicationReceipt {
        publication_id: publication.id,
        sequence: publication.sequence,
        audience,
        skipped,
    })
}

fn conflict_if_taken(e: DieselError) -> ApiError {
    match e {
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => ApiError::new(
            ProblemKind::Conflict,
            "Another publication of this notice was made at the same moment; reload it.",
        ),
        other => other.into(),
    }
}

/// Creates a draft on behalf of `created_by` (an account id).
pub fn create_draft(
    conn: &mut DbConnection,
    request: &NoticeDraftRequest,
    created_by: &str,
    now: NaiveDateTime,
) -> ApiResult<NoticeView> {
    conn.transaction(|conn| {
        let (draft, product_ids) = draft(conn, request)?;
        let id = Notice::insert(conn, &draft, &product_ids, created_by, now)?;
        Ok(find(conn, &id)?.view(conn)?)
    })
}

/// Publishes a draft: the first publication, in one transaction. 409 if published.
pub fn publish_draft(
    conn: &mut DbConnection,
    id: &str,
    message_domain: &str,
    now: NaiveDateTime,
) -> ApiResult<PublicationReceipt> {
    conn.transaction(|conn| {
        let notice = find(conn, id)?;
        if !notice.is_draft() {
            return Err(already_published());
        }
        first_publication(conn, message_domain, &notice, now)
    })
}

fn already_published() -> ApiError {
    ApiError::new(ProblemKind::Conflict, "This notice is already published.")
}

/// The draft's first publication: the notice as drafted, to its whole audience.
fn first_publication(
    conn: &mut DbConnection,
    message_domain: &str,
    notice: &Notice,
    now: NaiveDateTime,
) -> ApiResult<PublicationReceipt> {
    let new = NewPublication {
        notice_id: &notice.id,
        sequence: 0,
        body_ja: &notice.body_ja,
        body_en: notice.body_en.as_deref(),
        status: notice.status(),
        starts_at: notice.starts_at,
        ends_at: notice.ends_at,
        postmortem: false,
    };
    publish_in(conn, message_domain, notice, &new, true, now)
}

/// Schedules a draft's publication for the request's instant (replacing any earlier
/// schedule). 409 if published; `publish_at: in_past` for an instant not after `now`.
pub fn schedule(
    conn: &mut DbConnection,
    id: &str,
    request: &ScheduleRequest,
    now: NaiveDateTime,
) -> ApiResult<NoticeView> {
    conn.transaction(|conn| {
        let notice = find(conn, id)?;
        if !notice.is_draft() {
            return Err(already_published());
        }
        let at = request.parse(utc(now))?;
        Notice::set_publish_at(conn, id, Some(at.naive_utc()), now)?;
        Ok(find(conn, id)?.view(conn)?)
    })
}

/// Takes a draft's schedule away: it stays a draft. 409 if already published (a scheduled
/// publication that has happened cannot be undone by this).
pub fn unschedule(conn: &mut DbConnection, id: &str, now: NaiveDateTime) -> ApiResult<NoticeView> {
    conn.transaction(|conn| {
        let notice = find(conn, id)?;
        if !Notice::set_publish_at(conn, &notice.id, None, now)? {
            return Err(already_published());
        }
        Ok(find(conn, id)?.view(conn)?)
    })
}

/// The texts of a maintenance's automatic steps, in Japanese and English.
fn lifecycle_text(to: NoticeStatus) -> (&'static str, &'static str) {
    match to {
        NoticeStatus::InProgress => (
            "メンテナンスを開始しました。",
            "The maintenance has started.",
        ),
        _ => (
            "メンテナンスが完了しました。",
            "The maintenance has been completed.",
        ),
    }
}

/// A published maintenance's automatic next step at `now`: in progress once it started,
/// completed once it ended. Nothing for any other status: an operator who posted one
/// (started early, completed, cancelled) decided, and a reschedule or extension moved the
/// times the steps follow.
fn next_step(notice: &Notice, now: NaiveDateTime) -> Option<NoticeStatus> {
    if notice.kind() != NoticeKind::Maintenance || notice.is_draft() {
        return None;
    }
    let ended = notice.ends_at.is_some_and(|end| end <= now);
    match notice.status() {
        NoticeStatus::Scheduled | NoticeStatus::InProgress if ended => {
            Some(NoticeStatus::Completed)
        }
        NoticeStatus::Scheduled if notice.starts_at <= now => Some(NoticeStatus::InProgress),
        _ => None,
    }
}

/// Takes every published maintenance whose start or end has come one step on, each as a
/// follow-up publication in its own transaction, mailed if the notice says so
/// (`announce_lifecycle`) and posted on the site and feeds either way. Moving the status
/// is the claim: of several processes, one makes each step, once. Returns the steps made.
pub fn advance_due(
    conn: &mut DbConnection,
    message_domain: &str,
    now: NaiveDateTime,
    limit: i64,
) -> ApiResult<Vec<(String, NoticeStatus, PublicationReceipt)>> {
    let mut steps = Vec::new();
    for id in Notice::lifecycle_due(conn, now, limit)? {
        let step = conn.transaction(|conn| {
            let notice = find(conn, &id)?;
            let Some(to) = next_step(&notice, now) else {
                return Ok(None);
            };
            if !Notice::move_status(conn, &id, notice.status(), to)? {
                return Ok(None);
            }
            let (ja, en) = lifecycle_text(to);
            let new = NewPublication {
                notice_id: &notice.id,
                sequence: Publication::next_sequence(conn, &notice.id)?,
                body_ja: ja,
                body_en: Some(en),
                status: to,
                starts_at: notice.starts_at,
                ends_at: notice.ends_at,
                postmortem: false,
            };
            publish_in(
                conn,
                message_domain,
                &notice,
                &new,
                notice.announce_lifecycle,
                now,
            )
            .map(|receipt| Some((to, receipt)))
        })?;
        if let Some((to, receipt)) = step {
            steps.push((id, to, receipt));
        }
    }
    Ok(steps)
}

/// Publishes the scheduled drafts that are due, each in its own transaction that first
/// takes its schedule, so that of several processes exactly one publishes it, once.
/// Returns the notices published and their receipts.
pub fn publish_due(
    conn: &mut DbConnection,
    message_domain: &str,
    now: NaiveDateTime,
    limit: i64,
) -> ApiResult<Vec<(String, PublicationReceipt)>> {
    let mut published = Vec::new();
    for id in Notice::due(conn, now, limit)? {
        let receipt = conn.transaction(|conn| {
            if !Notice::take_schedule(conn, &id, now)? {
                return Ok(None);
            }
            let notice = find(conn, &id)?;
            first_publication(conn, message_domain, &notice, now).map(Some)
        })?;
        if let Some(receipt) = receipt {
            published.push((id, receipt));
        }
    }
    Ok(published)
}

/// Publishes a follow-up of a published notice, in one transaction. 409 if a draft.
pub fn publish_update(
    conn: &mut DbConnection,
    id: &str,
    request: &NoticeUpdateRequest,
    message_domain: &str,
    now: NaiveDateTime,
) -> ApiResult<PublicationReceipt> {
    conn.transaction(|conn| {
        let notice = find(conn, id)?;
        if notice.is_draft() {
            return Err(ApiError::new(
                ProblemKind::Conflict,
                "This notice is still a draft; publish it first.",
            ));
        }
        let update = request.parse(
            notice.kind(),
            utc(notice.starts_at),
            notice.ends_at.map(utc),
            utc(now),
        )?;
        let new = NewPublication {
            notice_id: &notice.id,
            sequence: Publication::next_sequence(conn, &notice.id)?,
            body_ja: &update.body_ja,
            body_en: update.body_en.as_deref(),
            status: update.status.unwrap_or(notice.status()),
            starts_at: update.starts_at.map_or(notice.starts_at, |t| t.naive_utc()),
            ends_at: update.ends_at.map(|t| t.naive_utc()).or(notice.ends_at),
            postmortem: false,
        };
        let receipt = publish_in(conn, message_domain, &notice, &new, update.notify, now)?;
        // Resolved: when it was restored. Any other status change of an outage (re-opened)
        // leaves it unrecovered.
        if notice.kind() == NoticeKind::Outage && update.status.is_some() {
            Notice::record_recovery(conn, &notice.id, update.recovered_at.map(|t| t.naive_utc()))?;
        }
        Ok(receipt)
    })
}

/// Publishes a resolved outage's postmortem (事後報告), in one transaction: on the site and
/// in the feeds, and mailed by the notice's audience rule only when `notify`. 409 unless the
/// notice is an outage that was resolved.
pub fn publish_postmortem(
    conn: &mut DbConnection,
    id: &str,
    request: &PostmortemRequest,
    message_domain: &str,
    now: NaiveDateTime,
) -> ApiResult<PublicationReceipt> {
    let postmortem = request.parse()?;
    conn.transaction(|conn| {
        let notice = find(conn, id)?;
        if notice.kind() != NoticeKind::Outage || notice.status() != NoticeStatus::Resolved {
            return Err(ApiError::new(
                ProblemKind::Conflict,
                "Only a resolved outage takes a postmortem.",
            ));
        }
        let new = NewPublication {
            notice_id: &notice.id,
            sequence: Publication::next_sequence(conn, &notice.id)?,
            body_ja: &postmortem.body_ja,
            body_en: postmortem.body_en.as_deref(),
            status: NoticeStatus::Resolved,
            starts_at: notice.starts_at,
            ends_at: notice.ends_at,
            postmortem: true,
        };
        publish_in(conn, message_domain, &notice, &new, postmortem.notify, now)
    })
}

/// What publishing `notice` now would reach, writing nothing.
pub fn estimate(
    conn: &mut DbConnection,
    notice: &Notice,
    now: NaiveDateTime,
) -> ApiResult<Estimate> {
    Ok(audience::estimate(
        conn,
        &notice.id,
        notice.kind(),
        utc(now),
    )?)
}
