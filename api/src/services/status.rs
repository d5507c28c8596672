//! Each product's state, derived from the published notices (the rule is `shared`'s): the
//! spans in which each notice set a state, read in three statements whatever the catalog's
//! size, and the catalog around them.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use shared::dto::{
    NoticeKind, NoticeStatus, OpenNotice, ProductState, ProductStatus, Span, StatusCategory,
    StatusOverview, history, state_at,
};

use crate::db::DbConnection;
use crate::models::catalog;
use crate::models::notice::{Notice, utc};
use crate::schema::{notices, publications};

/// Days of history per product.
pub const DAYS: u32 = 90;

/// The statuses that leave a notice open: it may still set a state now or later.
const OPEN: [&str; 3] = ["scheduled", "in_progress", "investigating"];

/// A notice's span, if it set a state at all (a maintenance cancelled before it started did
/// not). An outage lasts until the first publication that resolved it; a maintenance over
/// its window, cut short by a completion or cancellation posted earlier.
fn span(notice: &Notice, closed: Option<NaiveDateTime>) -> Option<Span> {
    let from = notice.starts_at;
    let (state, until) = match notice.kind() {
        NoticeKind::Outage => (
            notice
                .impact()
                .map_or(ProductState::PartialOutage, |i| i.state()),
            closed,
        ),
        NoticeKind::Maintenance => {
            let end = match (notice.ends_at, closed) {
                (Some(end), Some(closed)) => Some(end.min(closed)),
                (end, closed) => end.or(closed),
            };
            (ProductState::Maintenance, end)
        }
    };
    if until.is_some_and(|end| end <= from) {
        return None;
    }
    Some(Span {
        state,
        from: utc(from),
        until: until.map(utc),
    })
}

/// The status of every product of the public catalog at `now`.
pub fn overview(conn: &mut DbConnection, now: DateTime<Utc>) -> QueryResult<StatusOverview> {
    let cutoff = (now - Duration::days(i64::from(DAYS) + 1)).naive_utc();
    // Published notices that may touch the window: recent ones, and older ones still open.
    let list: Vec<Notice> = notices::table
        .filter(notices::published_at.is_not_null())
        .filter(
            notices::starts_at
                .ge(cutoff)
                .or(notices::status.eq_any(OPEN)),
        )
        .order((notices::starts_at.asc(), notices::id.asc()))
        .load(conn)?;
    let ids: Vec<String> = list.iter().map(|n| n.id.clone()).collect();
    // When each was closed: the first publication that completed, cancelled or resolved it.
    let mut closed: HashMap<String, NaiveDateTime> = publications::table
        .filter(publications::notice_id.eq_any(&ids))
        .filter(publications::status.eq_any(["completed", "cancelled", "resolved"]))
        .group_by(publications::notice_id)
        .select((
            publications::notice_id,
            diesel::dsl::min(publications::issued_at),
        ))
        .load::<(String, Option<NaiveDateTime>)>(conn)?
        .into_iter()
        .filter_map(|(id, at)| Some((id, at?)))
        .collect();
    // An outage ends when its service was restored, as its operator reported.
    for n in &list {
        if let Some(at) = n.recovered_at {
            closed.insert(n.id.clone(), at);
        }
    }
    let mut by_product: HashMap<String, Vec<&Notice>> = HashMap::new();
    for (notice_id, product) in Notice::products(conn, &ids)? {
        if let Some(n) = list.iter().find(|n| n.id == notice_id) {
            by_product.entry(product.slug).or_default().push(n);
        }
    }
    // Each product's notices in the order they start (open ones are listed so).
    for notices in by_product.values_mut() {
        notices.sort_by(|a, b| (a.starts_at, &a.id).cmp(&(b.starts_at, &b.id)));
    }
    let zone = shared::domain::TimeZoneName::DEFAULT.tz();
    let catalog = catalog::load(conn)?;
    let mut worst = ProductState::Operational;
    let categories = catalog
        .categories
        .into_iter()
        .map(|c| StatusCategory {
            products: c
                .groups
                .into_iter()
                .flat_map(|g| g.products)
                .map(|p| {
                    let notices = by_product.get(&p.slug).map(Vec::as_slice).unwrap_or(&[]);
                    let spanned: Vec<(&Notice, Option<Span>)> = notices
                        .iter()
                        .map(|n| (*n, span(n, closed.get(&n.id).copied())))
                        .collect();
                    let spans: Vec<Span> = spanned.iter().filter_map(|(_, s)| *s).collect();
                    let state = state_at(&spans, now);
                    worst = worst.max(state);
                    let open = spanned
                        .iter()
                        .filter(|(n, s)| {
                            let current = s.is_some_and(|s| {
                                s.from <= now && s.until.is_none_or(|end| end > now)
                            });
                            // A maintenance announced ahead is shown too.
                            let ahead = n.kind() == NoticeKind::Maintenance
                                && n.status() == NoticeStatus::Scheduled
                                && utc(n.starts_at) > now;
                            current || ahead
                        })
                        .map(|(n, _)| OpenNotice {
                            id: n.id.clone(),
                            kind: n.kind(),
                            status: n.status(),
                            title_ja: n.title_ja.clone(),
                            title_en: n.title_en.clone(),
                            impact: n.impact(),
                            starts_at: utc(n.starts_at),
                            ends_at: n.ends_at.map(utc),
                        })
                        .collect();
                    ProductStatus {
                        history: history(&spans, now, zone, DAYS),
                        slug: p.slug,
                        name_ja: p.name_ja,
                        name_en: p.name_en,
                        state,
                        open,
                    }
                })
                .collect(),
            slug: c.slug,
            name_ja: c.name_ja,
            name_en: c.name_en,
        })
        .collect();
    Ok(StatusOverview {
        state: worst,
        today: now.with_timezone(&zone).date_naive(),
        categories,
    })
}
