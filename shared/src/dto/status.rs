//! Each product's current state and its recent history (`GET /api/v1/status`), derived from
//! the published notices: an open outage sets its impact, a maintenance in its window sets
//! 「メンテナンス中」, nothing open is 「正常」. The rule is here, pure, so the API and its
//! tests share it.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::problem::FieldCode;

/// How badly an outage affects its products; an outage without one counts as a partial
/// outage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Impact {
    /// 性能低下: slower or intermittent, still usable.
    Degraded,
    /// 一部障害: some functions or some customers cannot use it.
    PartialOutage,
    /// 重大障害: unusable.
    MajorOutage,
}

impl Impact {
    pub const ALL: [Self; 3] = [Self::Degraded, Self::PartialOutage, Self::MajorOutage];

    pub const fn code(self) -> &'static str {
        match self {
            Self::Degraded => "degraded",
            Self::PartialOutage => "partial_outage",
            Self::MajorOutage => "major_outage",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, FieldCode> {
        Self::ALL
            .into_iter()
            .find(|i| i.code() == raw.trim())
            .ok_or(FieldCode::InvalidValue)
    }

    pub const fn state(self) -> ProductState {
        match self {
            Self::Degraded => ProductState::Degraded,
            Self::PartialOutage => ProductState::PartialOutage,
            Self::MajorOutage => ProductState::MajorOutage,
        }
    }
}

/// A product's state, in rising order of severity: the worst applies.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProductState {
    /// 正常
    #[default]
    Operational,
    /// メンテナンス中
    Maintenance,
    /// 性能低下
    Degraded,
    /// 一部障害
    PartialOutage,
    /// 重大障害
    MajorOutage,
}

impl ProductState {
    pub const fn code(self) -> &'static str {
        match self {
            Self::Operational => "operational",
            Self::Maintenance => "maintenance",
            Self::Degraded => "degraded",
            Self::PartialOutage => "partial_outage",
            Self::MajorOutage => "major_outage",
        }
    }
}

/// The state a notice gives its products now, by its kind, status and impact: an open
/// outage its impact (a partial outage when none is set), a maintenance under way
/// 「メンテナンス中」, a closed one 「正常」. A maintenance still ahead gives none yet.
pub fn notice_state(
    kind: super::NoticeKind,
    status: super::NoticeStatus,
    impact: Option<Impact>,
) -> Option<ProductState> {
    use super::{NoticeKind, NoticeStatus};
    match (kind, status) {
        (NoticeKind::Outage, NoticeStatus::Resolved) => Some(ProductState::Operational),
        (NoticeKind::Outage, _) => Some(impact.map_or(ProductState::PartialOutage, Impact::state)),
        (NoticeKind::Maintenance, NoticeStatus::InProgress) => Some(ProductState::Maintenance),
        (NoticeKind::Maintenance, NoticeStatus::Scheduled) => None,
        (NoticeKind::Maintenance, _) => Some(ProductState::Operational),
    }
}

/// A span in which a notice set a product's state: an outage from its start until it was
/// resolved (or now), a maintenance over its window unless cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub state: ProductState,
    pub from: DateTime<Utc>,
    /// `None`: still open.
    pub until: Option<DateTime<Utc>>,
}

impl Span {
    fn covers(&self, from: DateTime<Utc>, until: DateTime<Utc>) -> bool {
        self.from < until && self.until.is_none_or(|end| end > from)
    }
}

/// The state the spans give at `at`.
pub fn state_at(spans: &[Span], at: DateTime<Utc>) -> ProductState {
    spans
        .iter()
        .filter(|s| s.from <= at && s.until.is_none_or(|end| end > at))
        .map(|s| s.state)
        .max()
        .unwrap_or_default()
}

/// The worst state of each of the `days` local dates in `zone` up to the one of `now`, oldest
/// first. A date counts until `now` only: an open span does not colour tomorrow.
pub fn history(spans: &[Span], now: DateTime<Utc>, zone: Tz, days: u32) -> Vec<StatusDay> {
    let today = now.with_timezone(&zone).date_naive();
    (0..days)
        .rev()
        .filter_map(|back| {
            let date = today - Duration::days(i64::from(back));
            let start = local_midnight(date, zone)?;
            let end = local_midnight(date.succ_opt()?, zone)?.min(now);
            let state = spans
                .iter()
                .filter(|s| s.covers(start, end))
                .map(|s| s.state)
                .max()
                .unwrap_or_default();
            Some(StatusDay { date, state })
        })
        .collect()
}

fn local_midnight(date: NaiveDate, zone: Tz) -> Option<DateTime<Utc>> {
    date.and_hms_opt(0, 0, 0)?
        .and_local_timezone(zone)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

/// `GET /api/v1/status`: every product of the catalog with its state, its open notices and
/// its last 90 days.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusOverview {
    /// The worst state of any product.
    pub state: ProductState,
    /// The days of `history` end on this date (Asia/Tokyo).
    pub today: NaiveDate,
    pub categories: Vec<StatusCategory>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusCategory {
    pub slug: String,
    pub name_ja: String,
    pub name_en: String,
    pub products: Vec<ProductStatus>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProductStatus {
    pub slug: String,
    pub name_ja: String,
    pub name_en: String,
    pub state: ProductState,
    /// The notices that set `state` now (open outages, maintenance under way), and the
    /// maintenance announced ahead.
    pub open: Vec<OpenNotice>,
    /// The worst state of each day, oldest first, the last being today (Asia/Tokyo).
    pub history: Vec<StatusDay>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpenNotice {
    pub id: String,
    pub kind: super::NoticeKind,
    pub status: super::NoticeStatus,
    pub title_ja: String,
    pub title_en: Option<String>,
    pub impact: Option<Impact>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusDay {
    pub date: NaiveDate,
    pub state: ProductState,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn jst(d: u32, h: u32) -> DateTime<Utc> {
        chrono_tz::Asia::Tokyo
            .with_ymd_and_hms(2027, 3, d, h, 0, 0)
            .single()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }

    #[test]
    fn the_worst_open_span_decides() {
        let spans = [
            Span {
                state: ProductState::Maintenance,
                from: jst(1, 1),
                until: Some(jst(1, 3)),
            },
            Span {
                state: ProductState::Degraded,
                from: jst(1, 2),
                until: None,
            },
        ];
        assert_eq!(state_at(&spans, jst(1, 0)), ProductState::Operational);
        assert_eq!(state_at(&spans, jst(1, 1)), ProductState::Maintenance);
        assert_eq!(state_at(&spans, jst(1, 2)), ProductState::Degraded);
        assert_eq!(state_at(&spans, jst(5, 0)), ProductState::Degraded);
        assert_eq!(state_at(&[], jst(5, 0)), ProductState::Operational);
    }

    #[test]
    fn each_day_takes_its_worst_state_in_its_own_zone() {
        // A major outage from 23:00 on the 2nd to 01:00 on the 3rd (Tokyo), and a maintenance
        // on the 4th that was cancelled (no span).
        let spans = [Span {
            state: ProductState::MajorOutage,
            from: jst(2, 23),
            until: Some(jst(3, 1)),
        }];
        let days = history(&spans, jst(5, 12), chrono_tz::Asia::Tokyo, 5);
        let states: Vec<_> = days.iter().map(|d| (d.date.to_string(), d.state)).collect();
        assert_eq!(
            states,
            [
                ("2027-03-01".to_owned(), ProductState::Operational),
                ("2027-03-02".to_owned(), ProductState::MajorOutage),
                ("2027-03-03".to_owned(), ProductState::MajorOutage),
                ("2027-03-04".to_owned(), ProductState::Operational),
                ("2027-03-05".to_owned(), ProductState::Operational),
            ]
        );
        // In UTC the whole outage falls on the 2nd.
        let utc = history(&spans, jst(5, 12), chrono_tz::UTC, 5);
        assert_eq!(
            utc.iter()
                .filter(|d| d.state == ProductState::MajorOutage)
                .count(),
            1
        );
        // An outage opened today colours today only.
        let open = [Span {
            state: ProductState::Degraded,
            from: jst(5, 9),
            until: None,
        }];
        let days = history(&open, jst(5, 12), chrono_tz::Asia::Tokyo, 2);
        assert_eq!(
            days.iter().map(|d| d.state).collect::<Vec<_>>(),
            [ProductState::Operational, ProductState::Degraded]
        );
    }
}
