//! Notices (工事・故障情報): what operators write, what the public pages show, and what
//! operators read back about delivery.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Impact, parse_slug};
use crate::domain::{BoundedText, MultilineText, OptionalText};
use crate::problem::{FieldCode, FieldErrors};

pub const TITLE_MAX: usize = 200;
pub const BODY_MAX: usize = 20_000;
/// Products one notice may name.
pub const PRODUCTS_MAX: usize = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// 工事: planned work with a start and an end.
    Maintenance,
    /// 故障: an incident, from the time it began.
    Outage,
}

impl NoticeKind {
    pub const ALL: [Self; 2] = [Self::Maintenance, Self::Outage];

    pub fn code(self) -> &'static str {
        match self {
            Self::Maintenance => "maintenance",
            Self::Outage => "outage",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, FieldCode> {
        match raw.trim() {
            "" => Err(FieldCode::Required),
            "maintenance" => Ok(Self::Maintenance),
            "outage" => Ok(Self::Outage),
            _ => Err(FieldCode::InvalidValue),
        }
    }

    /// The state a new notice of this kind starts in.
    pub fn initial_status(self) -> NoticeStatus {
        match self {
            Self::Maintenance => NoticeStatus::Scheduled,
            Self::Outage => NoticeStatus::Investigating,
        }
    }
}

/// Where a notice stands. Maintenance: 予定 → 実施中 → 完了 (or 中止). Outage: 調査中 → 対応中
/// → 復旧.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NoticeStatus {
    Scheduled,
    InProgress,
    Completed,
    Cancelled,
    Investigating,
    Resolved,
}

impl NoticeStatus {
    pub fn code(self) -> &'static str {
        match self {
            Self::Scheduled => "scheduled",
            Self::InProgress => "in_progress",
            Self::Completed => "completed",
            Self::Cancelled => "cancelled",
            Self::Investigating => "investigating",
            Self::Resolved => "resolved",
        }
    }

    /// The statuses a notice of `kind` can be in.
    pub fn for_kind(kind: NoticeKind) -> &'static [Self] {
        match kind {
            NoticeKind::Maintenance => &[
                Self::Scheduled,
                Self::InProgress,
                Self::Completed,
                Self::Cancelled,
            ],
            NoticeKind::Outage => &[Self::Investigating, Self::InProgress, Self::Resolved],
        }
    }

    pub fn parse(raw: &str, kind: NoticeKind) -> Result<Self, FieldCode> {
        Self::for_kind(kind)
            .iter()
            .copied()
            .find(|s| s.code() == raw.trim())
            .ok_or(FieldCode::InvalidValue)
    }
}

/// `POST /api/v1/notices` (and, merged over the stored draft, `PATCH`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct NoticeDraftRequest {
    /// `maintenance` or `outage`.
    pub kind: String,
    /// Product slugs, one or more.
    pub products: Vec<String>,
    pub title_ja: String,
    pub title_en: Option<String>,
    /// Plain text or the small Markdown subset of the notice pages.
    pub body_ja: String,
    pub body_en: Option<String>,
    /// Planned start of the maintenance, or when the outage began (RFC 3339).
    pub starts_at: String,
    /// Planned end of the maintenance (required for maintenance).
    pub ends_at: Option<String>,
    /// Defaults to `scheduled` (maintenance) or `investigating` (outage).
    pub status: Option<String>,
    /// Maintenance: 「開始・終了を通知する」. Published, the notice moves to `in_progress` at
    /// `starts_at` and to `completed` at `ends_at` by itself, each step a follow-up; this
    /// says whether those follow-ups are mailed (default true) or only posted.
    pub announce_lifecycle: Option<bool>,
    /// Outage only: `degraded`, `partial_outage` (when absent) or `major_outage`, the
    /// state the products show on the status page while it is open.
    pub impact: Option<String>,
}

/// `PATCH /api/v1/notices/{id}`: absent fields keep their stored value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct NoticePatch {
    pub kind: Option<String>,
    pub products: Option<Vec<String>>,
    pub title_ja: Option<String>,
    pub title_en: Option<String>,
    pub body_ja: Option<String>,
    pub body_en: Option<String>,
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    pub status: Option<String>,
    pub announce_lifecycle: Option<bool>,
    pub impact: Option<String>,
}

/// A correction of a published notice: its title and text, nothing else.
#[derive(Debug, Clone, PartialEq)]
pub struct NoticeCorrection {
    pub title_ja: String,
    pub title_en: Option<String>,
    pub body_ja: String,
    pub body_en: Option<String>,
}

impl NoticePatch {
    /// The patch as a correction of the published notice `current`: only the titles and
    /// bodies may change (its kind, products, times and status change through updates,
    /// which are announced); each field is checked as a draft's is.
    pub fn correction(self, current: NoticeDraftRequest) -> Result<NoticeCorrection, FieldErrors> {
        let mut e = FieldErrors::default();
        for (field, given) in [
            ("kind", self.kind.is_some()),
            ("products", self.products.is_some()),
            ("starts_at", self.starts_at.is_some()),
            ("ends_at", self.ends_at.is_some()),
            ("status", self.status.is_some()),
            ("announce_lifecycle", self.announce_lifecycle.is_some()),
            ("impact", self.impact.is_some()),
        ] {
            if given {
                e.push(field, FieldCode::NotEditable);
            }
        }
        let merged = self.apply(current);
        let title_ja = e.take(
            "title_ja",
            BoundedText::<TITLE_MAX>::parse(&merged.title_ja),
        );
        let title_en = e.take(
            "title_en",
            OptionalText::<TITLE_MAX>::parse(merged.title_en.as_deref()),
        );
        let body_ja = e.take("body_ja", MultilineText::<BODY_MAX>::parse(&merged.body_ja));
        let body_en = e.take("body_en", optional_body(merged.body_en.as_deref()));
        match (title_ja, title_en, body_ja, body_en) {
            (Some(title_ja), Some(title_en), Some(body_ja), Some(body_en)) if e.is_empty() => {
                Ok(NoticeCorrection {
                    title_ja: title_ja.into_inner(),
                    title_en: title_en.into_inner(),
                    body_ja: body_ja.into_inner(),
                    body_en,
                })
            }
            _ => Err(e),
        }
    }

    /// The draft this patch makes of `current`.
    pub fn apply(self, current: NoticeDraftRequest) -> NoticeDraftRequest {
        NoticeDraftRequest {
            kind: self.kind.unwrap_or(current.kind),
            products: self.products.unwrap_or(current.products),
            title_ja: self.title_ja.unwrap_or(current.title_ja),
            title_en: self.title_en.or(current.title_en),
            body_ja: self.body_ja.unwrap_or(current.body_ja),
            body_en: self.body_en.or(current.body_en),
            starts_at: self.starts_at.unwrap_or(current.starts_at),
            ends_at: self.ends_at.or(current.ends_at),
            status: self.status.or(current.status),
            announce_lifecycle: self.announce_lifecycle.or(current.announce_lifecycle),
            impact: self.impact.or(current.impact),
        }
    }
}

/// A draft that passed every check but the catalog lookup of its products.
#[derive(Debug, Clone, PartialEq)]
pub struct NoticeDraft {
    pub kind: NoticeKind,
    pub products: Vec<String>,
    pub title_ja: String,
    pub title_en: Option<String>,
    pub body_ja: String,
    pub body_en: Option<String>,
    pub status: NoticeStatus,
    pub starts_at: DateTime<Utc>,
    pub ends_at: Option<DateTime<Utc>>,
    pub announce_lifecycle: bool,
    pub impact: Option<Impact>,
}

pub fn parse_instant(raw: &str) -> Result<DateTime<Utc>, FieldCode> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(FieldCode::Required);
    }
    DateTime::parse_from_rfc3339(raw)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| FieldCode::InvalidDatetime)
}

fn optional_instant(raw: Option<&str>) -> Result<Option<DateTime<Utc>>, FieldCode> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => parse_instant(s).map(Some),
    }
}

fn optional_body(raw: Option<&str>) -> Result<Option<String>, FieldCode> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => MultilineText::<BODY_MAX>::parse(s).map(|t| Some(t.into_inner())),
    }
}

/// `ends_at`, when given, must come after `starts_at`.
fn check_order(
    e: &mut FieldErrors,
    starts_at: Option<DateTime<Utc>>,
    ends_at: Option<DateTime<Utc>>,
) {
    if let (Some(s), Some(end)) = (starts_at, ends_at)
        && end <= s
    {
        e.push("ends_at", FieldCode::BeforeStart);
    }
}

/// `unknown_placeholder` on each text field (not already in error) that names something no
/// placeholder is.
pub(crate) fn placeholders_known<'a>(
    e: &mut FieldErrors,
    fields: impl IntoIterator<Item = (&'static str, Option<&'a str>)>,
) {
    for (field, text) in fields {
        if let Some(text) = text
            && e.code_for(field).is_none()
            && let Err(code) = crate::placeholders::check(text)
        {
            e.push(field, code);
        }
    }
}

impl NoticeDraftRequest {
    pub fn parse(&self) -> Result<NoticeDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        let kind = e.take("kind", NoticeKind::parse(&self.kind));
        let products = self.parse_products(&mut e);
        let title_ja = e.take("title_ja", BoundedText::<TITLE_MAX>::parse(&self.title_ja));
        let title_en = e.take(
            "title_en",
            OptionalText::<TITLE_MAX>::parse(self.title_en.as_deref()),
        );
        let body_ja = e.take("body_ja", MultilineText::<BODY_MAX>::parse(&self.body_ja));
        let body_en = e.take("body_en", optional_body(self.body_en.as_deref()));
        let starts_at = e.take("starts_at", parse_instant(&self.starts_at));
        let ends_at = e.take("ends_at", optional_instant(self.ends_at.as_deref()));
        if kind == Some(NoticeKind::Maintenance) && ends_at == Some(None) {
            e.push("ends_at", FieldCode::Required);
        }
        check_order(&mut e, starts_at, ends_at.flatten());
        placeholders_known(
            &mut e,
            [
                ("title_ja", Some(self.title_ja.as_str())),
                ("title_en", self.title_en.as_deref()),
                ("body_ja", Some(self.body_ja.as_str())),
                ("body_en", self.body_en.as_deref()),
            ],
        );
        let impact = match (kind, self.impact.as_deref().map(str::trim)) {
            (_, None | Some("")) => None,
            (Some(NoticeKind::Outage), Some(raw)) => e.take("impact", Impact::parse(raw)),
            // Maintenance has no impact: its products show 「メンテナンス中」.
            (_, Some(_)) => {
                e.push("impact", FieldCode::InvalidValue);
                None
            }
        };
        let status = kind.and_then(|k| match self.status.as_deref().map(str::trim) {
            None | Some("") => Some(k.initial_status()),
            Some(s) => e.take("status", NoticeStatus::parse(s, k)),
        });
        match (kind, products, title_ja, title_en, body_ja, body_en) {
            (
                Some(kind),
                Some(products),
                Some(title_ja),
                Some(title_en),
                Some(body_ja),
                Some(body_en),
            ) if e.is_empty() => Ok(NoticeDraft {
                kind,
                products,
                title_ja: title_ja.into_inner(),
                title_en: title_en.into_inner(),
                body_ja: body_ja.into_inner(),
                body_en,
                status: status.unwrap_or(kind.initial_status()),
                starts_at: starts_at.unwrap_or_default(),
                ends_at: ends_at.flatten(),
                announce_lifecycle: self.announce_lifecycle.unwrap_or(true),
                impact,
            }),
            _ => Err(e),
        }
    }

    fn parse_products(&self, e: &mut FieldErrors) -> Option<Vec<String>> {
        if self.products.is_empty() {
            e.push("products", FieldCode::Required);
            return None;
        }
        if self.products.len() > PRODUCTS_MAX {
            e.push("products", FieldCode::TooLong);
            return None;
        }
        let mut slugs = Vec::with_capacity(self.products.len());
        for raw in &self.products {
            let slug = e.take("products", parse_slug(raw))?;
            if !slugs.contains(&slug) {
                slugs.push(slug);
            }
        }
        Some(slugs)
    }
}

/// `POST /api/v1/notices/{id}/updates`: a follow-up (e.g. 復旧, rescheduled, extended),
/// mailed by the same audience rule as the first publication.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct NoticeUpdateRequest {
    pub body_ja: String,
    pub body_en: Option<String>,
    /// The notice's new status; absent keeps it.
    pub status: Option<String>,
    /// A new planned start (rescheduled); absent keeps it.
    pub starts_at: Option<String>,
    /// A new planned end (rescheduled, extended); absent keeps it.
    pub ends_at: Option<String>,
    /// Whether subscribers are told (mail, webhooks, chat); `false` publishes the update on
    /// the site and in the feeds only. Absent means `true`.
    pub notify: Option<bool>,
    /// Resolving an outage: when its service was restored (RFC 3339), not after now nor
    /// before the outage began. Absent means the time of the update.
    pub recovered_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NoticeUpdate {
    pub body_ja: String,
    pub body_en: Option<String>,
    pub status: Option<NoticeStatus>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub notify: bool,
    /// Set exactly when the update resolves an outage.
    pub recovered_at: Option<DateTime<Utc>>,
}

impl NoticeUpdateRequest {
    /// Checks the update against the notice it amends: the status must suit its kind, the
    /// times, merged with the stored ones, must stay in order, and a maintenance cannot be
    /// completed at `now` before its (possibly new) start.
    pub fn parse(
        &self,
        kind: NoticeKind,
        starts_at: DateTime<Utc>,
        ends_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<NoticeUpdate, FieldErrors> {
        let mut e = FieldErrors::default();
        let body_ja = e.take("body_ja", MultilineText::<BODY_MAX>::parse(&self.body_ja));
        let body_en = e.take("body_en", optional_body(self.body_en.as_deref()));
        let status = match self.status.as_deref().map(str::trim) {
            None | Some("") => Some(None),
            Some(s) => e.take("status", NoticeStatus::parse(s, kind)).map(Some),
        };
        let new_start = e.take("starts_at", optional_instant(self.starts_at.as_deref()));
        let new_end = e.take("ends_at", optional_instant(self.ends_at.as_deref()));
        if let (Some(s), Some(end)) = (new_start, new_end) {
            check_order(&mut e, Some(s.unwrap_or(starts_at)), end.or(ends_at));
        }
        let start = new_start.flatten().unwrap_or(starts_at);
        if status == Some(Some(NoticeStatus::Completed)) && now < start {
            e.push("status", FieldCode::NotStarted);
        }
        let resolves = status == Some(Some(NoticeStatus::Resolved));
        let recovered_at = match e.take(
            "recovered_at",
            optional_instant(self.recovered_at.as_deref()),
        ) {
            Some(Some(_)) if !resolves => {
                e.push("recovered_at", FieldCode::InvalidValue);
                None
            }
            Some(Some(t)) if t > now => {
                e.push("recovered_at", FieldCode::InFuture);
                None
            }
            Some(Some(t)) if t < starts_at => {
                e.push("recovered_at", FieldCode::BeforeStart);
                None
            }
            Some(given) => resolves.then(|| given.unwrap_or(now)),
            None => None,
        };
        match (body_ja, body_en, status, new_start, new_end) {
            (Some(body_ja), Some(body_en), Some(status), Some(starts_at), Some(ends_at))
                if e.is_empty() =>
            {
                Ok(NoticeUpdate {
                    body_ja: body_ja.into_inner(),
                    body_en,
                    status,
                    starts_at,
                    ends_at,
                    notify: self.notify.unwrap_or(true),
                    recovered_at,
                })
            }
            _ => Err(e),
        }
    }
}

/// `POST /api/v1/notices/{id}/postmortem`: a resolved outage's postmortem (事後報告), in
/// Markdown, published on the notice's page and in the feeds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct PostmortemRequest {
    pub body_ja: String,
    pub body_en: Option<String>,
    /// Whether the notice's audience is mailed too. Absent means `false`: a postmortem is
    /// posted for those who look, unless the operator chooses to send it.
    pub notify: Option<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Postmortem {
    pub body_ja: String,
    pub body_en: Option<String>,
    pub notify: bool,
}

impl PostmortemRequest {
    pub fn parse(&self) -> Result<Postmortem, FieldErrors> {
        let mut e = FieldErrors::default();
        let body_ja = e.take("body_ja", MultilineText::<BODY_MAX>::parse(&self.body_ja));
        let body_en = e.take("body_en", optional_body(self.body_en.as_deref()));
        match (body_ja, body_en) {
            (Some(body_ja), Some(body_en)) if e.is_empty() => Ok(Postmortem {
                body_ja: body_ja.into_inner(),
                body_en,
                notify: self.notify.unwrap_or(false),
            }),
            _ => Err(e),
        }
    }
}

/// A product as a notice names it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeProduct {
    pub slug: String,
    pub name_ja: String,
    pub name_en: String,
}

/// One follow-up of a notice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeUpdateView {
    pub id: String,
    /// 1 for the first update, then 2, 3…
    pub sequence: i32,
    pub body_ja: String,
    pub body_en: Option<String>,
    /// The bodies as the site shows them: CommonMark rendered through an allow-list of
    /// tags, every text escaped, safe to insert into a page.
    pub body_html_ja: String,
    pub body_html_en: Option<String>,
    pub status: NoticeStatus,
    pub starts_at: DateTime<Utc>,
    pub ends_at: Option<DateTime<Utc>>,
    pub issued_at: DateTime<Utc>,
    /// A resolved outage's postmortem (事後報告) rather than a status update.
    #[serde(default)]
    pub postmortem: bool,
}

/// A notice with its updates, oldest first. `status`, `starts_at` and `ends_at` are the
/// current ones: the latest update's where it changed them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeView {
    pub id: String,
    pub kind: NoticeKind,
    pub status: NoticeStatus,
    pub products: Vec<NoticeProduct>,
    pub title_ja: String,
    pub title_en: Option<String>,
    pub body_ja: String,
    pub body_en: Option<String>,
    /// The bodies as the site shows them: CommonMark rendered through an allow-list of
    /// tags, every text escaped, safe to insert into a page.
    pub body_html_ja: String,
    pub body_html_en: Option<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: Option<DateTime<Utc>>,
    /// Absent while a draft.
    pub published_at: Option<DateTime<Utc>>,
    /// A scheduled draft: when it will be published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publish_at: Option<DateTime<Utc>>,
    /// Maintenance: whether its automatic start and completion are mailed.
    pub announce_lifecycle: bool,
    /// Outage: its impact, if set (a partial outage otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact: Option<Impact>,
    /// A resolved outage: when its service was restored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovered_at: Option<DateTime<Utc>>,
    /// Published, then its text corrected (without mailing anyone): when, the last time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edited_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    pub updates: Vec<NoticeUpdateView>,
}

impl NoticeView {
    /// The draft a `PATCH` merges over.
    pub fn as_request(&self) -> NoticeDraftRequest {
        NoticeDraftRequest {
            kind: self.kind.code().to_owned(),
            products: self.products.iter().map(|p| p.slug.clone()).collect(),
            title_ja: self.title_ja.clone(),
            title_en: self.title_en.clone(),
            body_ja: self.body_ja.clone(),
            body_en: self.body_en.clone(),
            starts_at: self.starts_at.to_rfc3339(),
            ends_at: self.ends_at.map(|t| t.to_rfc3339()),
            status: Some(self.status.code().to_owned()),
            announce_lifecycle: Some(self.announce_lifecycle),
            impact: self.impact.map(|i| i.code().to_owned()),
        }
    }
}

/// One entry of the public list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeSummary {
    pub id: String,
    pub kind: NoticeKind,
    pub status: NoticeStatus,
    pub products: Vec<NoticeProduct>,
    pub title_ja: String,
    pub title_en: Option<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
    /// A scheduled draft: when it will be published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publish_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

/// `PUT /api/v1/notices/{id}/schedule`: publish the draft at `publish_at` (RFC 3339), which
/// must lie in the future. Its audience is the one of that instant, not of the scheduling.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ScheduleRequest {
    pub publish_at: String,
}

impl ScheduleRequest {
    pub fn parse(&self, now: DateTime<Utc>) -> Result<DateTime<Utc>, FieldErrors> {
        let mut e = FieldErrors::default();
        match parse_instant(&self.publish_at) {
            Ok(at) if at > now => return Ok(at),
            Ok(_) => e.push("publish_at", FieldCode::InPast),
            Err(code) => e.push("publish_at", code),
        }
        Err(e)
    }
}

/// A page of `GET /api/v1/notices`, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticePage {
    pub items: Vec<NoticeSummary>,
    /// Pass as `cursor` for the next page; absent on the last one.
    pub next_cursor: Option<String>,
}

/// What a publication of a notice would reach if it were issued now (operators confirm this
/// before publishing).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AudienceEstimate {
    /// Addresses that would get a mail.
    pub audience: i64,
    /// Addresses that qualify but whose window excludes this instant.
    pub skipped: i64,
    /// Of `audience`, the destinations that read English: they get the Japanese text of a
    /// notice that has none in English.
    pub english: i64,
    pub at: DateTime<Utc>,
}

/// One mail of a preview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MailPreview {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// How a draft would read: its mails in Japanese and English (times in Asia/Tokyo).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticePreview {
    pub mail_ja: MailPreview,
    pub mail_en: MailPreview,
    /// The bodies as the notice's page would show them.
    pub body_html_ja: String,
    pub body_html_en: Option<String>,
}

/// `202` of a publication or an update.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicationReceipt {
    pub publication_id: String,
    pub sequence: i32,
    /// Mails queued: one per address.
    pub audience: i64,
    /// Addresses left out only because their window excluded the issue instant.
    pub skipped: i64,
}

/// Delivery progress of one publication.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicationDeliveries {
    pub publication_id: String,
    pub sequence: i32,
    pub issued_at: DateTime<Utc>,
    pub pending: i64,
    pub sent: i64,
    pub failed: i64,
    /// Refused for good by the receiving mail server, at once or in a later report.
    pub bounced: i64,
    pub skipped: i64,
}

/// A delivery that failed or bounced for good.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FailedDelivery {
    pub publication_id: String,
    /// The publication's number: 0 for the first, then one more per update.
    pub sequence: i32,
    /// `email`, `webhook`, `slack` or `teams`.
    pub channel: String,
    /// The address masked (`t***@example.com`), or the webhook destination's name.
    pub destination: String,
    /// `failed` or `bounced`.
    pub state: crate::dto::DeliveryState,
    /// The receiving server's reply.
    pub error: String,
}

/// `GET /api/v1/notices/{id}/deliveries`: totals over every publication, then each one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeDeliveries {
    pub pending: i64,
    pub sent: i64,
    pub failed: i64,
    pub bounced: i64,
    pub skipped: i64,
    pub publications: Vec<PublicationDeliveries>,
    /// The first 100 deliveries that failed or bounced, by publication.
    pub failures: Vec<FailedDelivery>,
}

/// `GET /api/v1/unsubscribe/{token}`: what the link stops. Only this address's mail of this
/// kind for these products; its other products, the other kind and the account's other
/// addresses go on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnsubscribeTarget {
    /// The address the mail went to, masked (`o***@example.com`).
    pub email_masked: String,
    pub kind: NoticeKind,
    pub products: Vec<NoticeProduct>,
    /// The notice the mail was about.
    pub title_ja: String,
    pub title_en: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outage() -> NoticeDraftRequest {
        NoticeDraftRequest {
            kind: "outage".into(),
            products: vec!["id-federation".into(), "id-federation".into()],
            title_ja: "認証エラー".into(),
            body_ja: "調査中です。".into(),
            starts_at: "2026-11-24T10:00:00+09:00".into(),
            ..Default::default()
        }
    }

    #[test]
    fn an_outage_needs_no_end_and_starts_investigating() -> Result<(), FieldErrors> {
        let d = outage().parse()?;
        assert_eq!(d.status, NoticeStatus::Investigating);
        assert_eq!(d.products, vec!["id-federation".to_owned()]);
        assert_eq!(d.starts_at.to_rfc3339(), "2026-11-24T01:00:00+00:00");
        Ok(())
    }

    #[test]
    fn field_codes() {
        let codes_of = |r: NoticeDraftRequest| {
            r.parse()
                .err()
                .map(|e| {
                    e.0.into_iter()
                        .map(|f| format!("{}:{}", f.field, f.code))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        };
        assert_eq!(
            codes_of(NoticeDraftRequest::default()),
            [
                "kind:required",
                "products:required",
                "title_ja:required",
                "body_ja:required",
                "starts_at:required"
            ]
        );
        let mut m = outage();
        m.kind = "maintenance".into();
        m.status = Some("resolved".into());
        assert_eq!(
            codes_of(m.clone()),
            ["ends_at:required", "status:invalid_value"]
        );
        m.status = None;
        m.ends_at = Some("2026-11-24T09:00:00+09:00".into());
        assert_eq!(codes_of(m.clone()), ["ends_at:before_start"]);
        m.starts_at = "tomorrow".into();
        assert_eq!(codes_of(m), ["starts_at:invalid_datetime"]);
        let mut bad = outage();
        bad.products = vec!["Bad Slug".into()];
        bad.title_ja = "a\u{7}".into();
        assert_eq!(
            codes_of(bad),
            ["products:invalid_slug", "title_ja:control_characters"]
        );
    }

    #[test]
    fn an_update_keeps_times_in_order() {
        let start = parse_instant("2026-12-01T01:00:00Z").unwrap_or_default();
        let end = parse_instant("2026-12-01T03:00:00Z").ok();
        let req = NoticeUpdateRequest {
            body_ja: "延長します。".into(),
            ends_at: Some("2026-12-01T00:30:00Z".into()),
            ..Default::default()
        };
        assert!(
            req.parse(NoticeKind::Maintenance, start, end, start)
                .is_err()
        );
        let req = NoticeUpdateRequest {
            body_ja: "延長します。".into(),
            ends_at: Some("2026-12-01T05:00:00Z".into()),
            status: Some("in_progress".into()),
            ..Default::default()
        };
        let u = req.parse(NoticeKind::Maintenance, start, end, start);
        assert_eq!(u.map(|u| u.status), Ok(Some(NoticeStatus::InProgress)));
    }

    #[test]
    fn a_maintenance_is_not_completed_before_it_starts() {
        let start = parse_instant("2026-12-01T01:00:00Z").unwrap_or_default();
        let end = parse_instant("2026-12-01T03:00:00Z").ok();
        let done = NoticeUpdateRequest {
            body_ja: "完了しました。".into(),
            status: Some("completed".into()),
            ..Default::default()
        };
        let before = start - chrono::Duration::minutes(1);
        let e = done
            .parse(NoticeKind::Maintenance, start, end, before)
            .err();
        assert_eq!(
            e.and_then(|e| e.code_for("status")),
            Some(FieldCode::NotStarted)
        );
        assert!(
            done.parse(NoticeKind::Maintenance, start, end, start)
                .is_ok()
        );
        // Moved to start earlier, it may be completed now.
        let moved = NoticeUpdateRequest {
            starts_at: Some("2026-11-30T23:00:00Z".into()),
            ..done.clone()
        };
        assert!(
            moved
                .parse(NoticeKind::Maintenance, start, end, before)
                .is_ok()
        );
    }
}
