//! Notices, the products they affect and their publications.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use shared::dto::{
    Impact, NoticeCorrection, NoticeDraft, NoticeKind, NoticeProduct, NoticeStatus, NoticeSummary,
    NoticeUpdateView, NoticeView,
};
use shared::markup;

use crate::db::DbConnection;
use crate::schema::{notice_products, notices, products, publications};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = notices)]
pub struct Notice {
    pub id: String,
    pub kind: String,
    pub title_ja: String,
    pub title_en: Option<String>,
    pub body_ja: String,
    pub body_en: Option<String>,
    pub status: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: Option<NaiveDateTime>,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub published_at: Option<NaiveDateTime>,
    /// A scheduled draft: when the scheduler publishes it.
    pub publish_at: Option<NaiveDateTime>,
    pub announce_lifecycle: bool,
    pub impact: Option<String>,
    pub recovered_at: Option<NaiveDateTime>,
    pub edited_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = publications)]
pub struct Publication {
    pub id: String,
    pub notice_id: String,
    pub sequence: i32,
    pub body_ja: String,
    pub body_en: Option<String>,
    pub status: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: Option<NaiveDateTime>,
    pub issued_at: NaiveDateTime,
    pub audience: i32,
    pub skipped: i32,
    /// A resolved outage's postmortem rather than a status update.
    pub postmortem: bool,
}

pub fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    DateTime::from_naive_utc_and_offset(t, Utc)
}

impl Notice {
    pub fn kind(&self) -> NoticeKind {
        NoticeKind::parse(&self.kind).unwrap_or(NoticeKind::Outage)
    }

    /// An outage's impact, if set.
    pub fn impact(&self) -> Option<Impact> {
        self.impact.as_deref().and_then(|i| Impact::parse(i).ok())
    }

    pub fn status(&self) -> NoticeStatus {
        NoticeStatus::parse(&self.status, self.kind()).unwrap_or(self.kind().initial_status())
    }

    pub fn is_draft(&self) -> bool {
        self.published_at.is_none()
    }

    pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<Self>> {
        notices::table
            .find(id)
            .select(Self::as_select())
            .first(conn)
            .optional()
    }

    pub fn insert(
        conn: &mut DbConnection,
        draft: &NoticeDraft,
        product_ids: &[String],
        created_by: &str,
        now: NaiveDateTime,
    ) -> QueryResult<String> {
        let id = super::new_id();
        diesel::insert_into(notices::table)
            .values((
                notices::id.eq(&id),
                notices::kind.eq(draft.kind.code()),
                notices::title_ja.eq(&draft.title_ja),
                notices::body_ja.eq(&draft.body_ja),
                notices::status.eq(draft.status.code()),
                notices::starts_at.eq(draft.starts_at.naive_utc()),
                notices::created_by.eq(created_by),
                notices::created_at.eq(now),
                notices::updated_at.eq(now),
            ))
            .execute(conn)?;
        Self::write_draft(conn, &id, draft, product_ids, now)?;
        Ok(id)
    }

    /// Replaces a draft's content and products.
    pub fn write_draft(
        conn: &mut DbConnection,
        id: &str,
        draft: &NoticeDraft,
        product_ids: &[String],
        now: NaiveDateTime,
    ) -> QueryResult<()> {
        diesel::update(notices::table.find(id))
            .set((
                notices::kind.eq(draft.kind.code()),
                notices::title_ja.eq(&draft.title_ja),
                notices::title_en.eq(&draft.title_en),
                notices::body_ja.eq(&draft.body_ja),
                notices::body_en.eq(&draft.body_en),
                notices::status.eq(draft.status.code()),
                notices::starts_at.eq(draft.starts_at.naive_utc()),
                notices::ends_at.eq(draft.ends_at.map(|t| t.naive_utc())),
                notices::announce_lifecycle.eq(draft.announce_lifecycle),
                notices::impact.eq(draft.impact.map(|i| i.code())),
                notices::updated_at.eq(now),
            ))
            .execute(conn)?;
        diesel::delete(notice_products::table.filter(notice_products::notice_id.eq(id)))
            .execute(conn)?;
        // One statement per product: multi-row inserts do not compile for the two-backend
        // connection, and a notice names a handful of products.
        for product_id in product_ids {
            diesel::insert_into(notice_products::table)
                .values((
                    notice_products::notice_id.eq(id),
                    notice_products::product_id.eq(product_id),
                ))
                .execute(conn)?;
        }
        Ok(())
    }

    /// The id of the first publication, of any notice, after the publication `id`: with a
    /// notice's first publication, the span of ids its publications were issued in.
    pub fn next_publication(conn: &mut DbConnection, id: &str) -> QueryResult<Option<String>> {
        publications::table
            .filter(publications::id.gt(id))
            .select(diesel::dsl::min(publications::id))
            .first(conn)
    }

    /// Deletes a draft and its products; false when `id` is no draft (published, or gone).
    pub fn delete_draft(conn: &mut DbConnection, id: &str) -> QueryResult<bool> {
        let draft = notices::table
            .find(id)
            .filter(notices::published_at.is_null());
        if draft.count().get_result::<i64>(conn)? == 0 {
            return Ok(false);
        }
        diesel::delete(notice_products::table.filter(notice_products::notice_id.eq(id)))
            .execute(conn)?;
        Ok(diesel::delete(draft).execute(conn)? == 1)
    }

    /// The affected products, in catalog order.
    pub fn products(
        conn: &mut DbConnection,
        ids: &[String],
    ) -> QueryResult<Vec<(String, NoticeProduct)>> {
        let rows: Vec<(String, String, String, String, String)> = notice_products::table
            .inner_join(products::table)
            .filter(notice_products::notice_id.eq_any(ids))
            .order((products::position.asc(), products::slug.asc()))
            .select((
                notice_products::notice_id,
                products::id,
                products::slug,
                products::name_ja,
                products::name_en,
            ))
            .load(conn)?;
        Ok(rows
            .into_iter()
            .map(|(notice, _, slug, name_ja, name_en)| {
                (
                    notice,
                    NoticeProduct {
                        slug,
                        name_ja,
                        name_en,
                    },
                )
            })
            .collect())
    }

    pub fn publications(conn: &mut DbConnection, id: &str) -> QueryResult<Vec<Publication>> {
        publications::table
            .filter(publications::notice_id.eq(id))
            .order(publications::sequence.asc())
            .select(Publication::as_select())
            .load(conn)
    }

    pub fn view(&self, conn: &mut DbConnection) -> QueryResult<NoticeView> {
        let products = Self::products(conn, std::slice::from_ref(&self.id))?
            .into_iter()
            .map(|(_, p)| p)
            .collect();
        let updates = Self::publications(conn, &self.id)?
            .into_iter()
            .filter(|p| p.sequence > 0)
            .collect();
        Ok(self.view_with(products, updates))
    }

    /// The view from the notice's products and its updates (publications after the first),
    /// oldest first.
    fn view_with(&self, products: Vec<NoticeProduct>, updates: Vec<Publication>) -> NoticeView {
        let kind = self.kind();
        let updates = updates
            .into_iter()
            .map(|p| NoticeUpdateView {
                status: NoticeStatus::parse(&p.status, kind).unwrap_or(kind.initial_status()),
                id: p.id,
                sequence: p.sequence,
                body_html_ja: markup::to_html(&p.body_ja),
                body_html_en: p.body_en.as_deref().map(markup::to_html),
                body_ja: p.body_ja,
                body_en: p.body_en,
                starts_at: utc(p.starts_at),
                ends_at: p.ends_at.map(utc),
                issued_at: utc(p.issued_at),
                postmortem: p.postmortem,
            })
            .collect();
        NoticeView {
            id: self.id.clone(),
            kind,
            status: self.status(),
            products,
            title_ja: self.title_ja.clone(),
            title_en: self.title_en.clone(),
            body_ja: self.body_ja.clone(),
            body_en: self.body_en.clone(),
            body_html_ja: markup::to_html(&self.body_ja),
            body_html_en: self.body_en.as_deref().map(markup::to_html),
            starts_at: utc(self.starts_at),
            ends_at: self.ends_at.map(utc),
            published_at: self.published_at.map(utc),
            publish_at: self.publish_at.map(utc),
            announce_lifecycle: self.announce_lifecycle,
            impact: self.impact(),
            recovered_at: self.recovered_at.map(utc),
            edited_at: self.edited_at.map(utc),
            updated_at: utc(self.updated_at),
            updates,
        }
    }

    /// Schedules a draft for `at`, or unschedules it (`None`). Returns whether a draft was
    /// changed (a published notice is not).
    pub fn set_publish_at(
        conn: &mut DbConnection,
        id: &str,
        at: Option<NaiveDateTime>,
        now: NaiveDateTime,
    ) -> QueryResult<bool> {
        let n = diesel::update(
            notices::table
                .find(id)
                .filter(notices::published_at.is_null()),
        )
        .set((notices::publish_at.eq(at), notices::updated_at.eq(now)))
        .execute(conn)?;
        Ok(n == 1)
    }

    /// Scheduled drafts whose time has come, the earliest first.
    pub fn due(
        conn: &mut DbConnection,
        now: NaiveDateTime,
        limit: i64,
    ) -> QueryResult<Vec<String>> {
        notices::table
            .filter(notices::publish_at.le(now))
            .filter(notices::published_at.is_null())
            .order((notices::publish_at.asc(), notices::id.asc()))
            .select(notices::id)
            .limit(limit)
            .load(conn)
    }

    /// Takes a due draft's schedule: the claim on publishing it. Of several processes, the
    /// first clears it (PostgreSQL holds the others' identical update on the row lock until
    /// its transaction ends, then finds nothing to match); returns whether this one did.
    pub fn take_schedule(
        conn: &mut DbConnection,
        id: &str,
        now: NaiveDateTime,
    ) -> QueryResult<bool> {
        let n = diesel::update(
            notices::table
                .find(id)
                .filter(notices::publish_at.le(now))
                .filter(notices::published_at.is_null()),
        )
        .set(notices::publish_at.eq(None::<NaiveDateTime>))
        .execute(conn)?;
        Ok(n == 1)
    }

    /// Published maintenance whose automatic next step (start or completion) is due, the
    /// earliest first.
    pub fn lifecycle_due(
        conn: &mut DbConnection,
        now: NaiveDateTime,
        limit: i64,
    ) -> QueryResult<Vec<String>> {
        let scheduled = NoticeStatus::Scheduled.code();
        let in_progress = NoticeStatus::InProgress.code();
        notices::table
            .filter(notices::kind.eq(NoticeKind::Maintenance.code()))
            .filter(notices::published_at.is_not_null())
            .filter(
                notices::status
                    .eq(scheduled)
                    .and(notices::starts_at.le(now))
                    .or(notices::status
                        .eq_any([scheduled, in_progress])
                        .and(notices::ends_at.le(now))),
            )
            .order((notices::starts_at.asc(), notices::id.asc()))
            .select(notices::id)
            .limit(limit)
            .load(conn)
    }

    /// Moves a notice from status `from` to `to`: the claim on an automatic step. Of
    /// several processes only the first finds it still in `from`; returns whether this one
    /// did.
    pub fn move_status(
        conn: &mut DbConnection,
        id: &str,
        from: NoticeStatus,
        to: NoticeStatus,
    ) -> QueryResult<bool> {
        let n = diesel::update(
            notices::table
                .find(id)
                .filter(notices::status.eq(from.code())),
        )
        .set(notices::status.eq(to.code()))
        .execute(conn)?;
        Ok(n == 1)
    }

    /// Drafts, most recently edited first.
    pub fn drafts(conn: &mut DbConnection, limit: i64) -> QueryResult<Vec<NoticeSummary>> {
        let rows: Vec<Notice> = notices::table
            .select(Self::as_select())
            .filter(notices::published_at.is_null())
            .order((notices::updated_at.desc(), notices::id.desc()))
            .limit(limit)
            .load(conn)?;
        Self::summaries(conn, &rows)
    }

    /// Summaries of `rows`, with their products from one query.
    fn summaries(conn: &mut DbConnection, rows: &[Notice]) -> QueryResult<Vec<NoticeSummary>> {
        let ids: Vec<String> = rows.iter().map(|n| n.id.clone()).collect();
        let mut products = Self::products(conn, &ids)?;
        Ok(rows
            .iter()
            .map(|n| {
                let mine = products
                    .extract_if(.., |(notice, _)| *notice == n.id)
                    .map(|(_, p)| p)
                    .collect();
                n.summary(mine)
            })
            .collect())
    }

    /// Products by id, in catalog order, as a notice names them.
    pub fn products_by_id(
        conn: &mut DbConnection,
        ids: &[String],
    ) -> QueryResult<Vec<NoticeProduct>> {
        let rows: Vec<(String, String, String)> = products::table
            .filter(products::id.eq_any(ids))
            .order((products::position.asc(), products::slug.asc()))
            .select((products::slug, products::name_ja, products::name_en))
            .load(conn)?;
        Ok(rows
            .into_iter()
            .map(|(slug, name_ja, name_en)| NoticeProduct {
                slug,
                name_ja,
                name_en,
            })
            .collect())
    }

    /// The `limit` most recently published notices with their updates, for the feeds:
    /// optionally of one kind and touching any of `product_ids`. Three queries, whatever the
    /// number of notices.
    pub fn feed(
        conn: &mut DbConnection,
        kind: Option<NoticeKind>,
        product_ids: Option<&[String]>,
        limit: i64,
    ) -> QueryResult<Vec<NoticeView>> {
        let mut q = notices::table
            .select(Self::as_select())
            .filter(notices::published_at.is_not_null())
            .order((notices::published_at.desc(), notices::id.desc()))
            .into_boxed();
        if let Some(kind) = kind {
            q = q.filter(notices::kind.eq(kind.code()));
        }
        if let Some(ids) = product_ids {
            q = q.filter(
                notices::id.eq_any(
                    notice_products::table
                        .filter(notice_products::product_id.eq_any(ids.to_vec()))
                        .select(notice_products::notice_id),
                ),
            );
        }
        let rows: Vec<Notice> = q.limit(limit).load(conn)?;
        let ids: Vec<String> = rows.iter().map(|n| n.id.clone()).collect();
        let mut products = Self::products(conn, &ids)?;
        let mut updates: Vec<Publication> = publications::table
            .filter(publications::notice_id.eq_any(&ids))
            .filter(publications::sequence.gt(0))
            .order(publications::sequence.asc())
            .select(Publication::as_select())
            .load(conn)?;
        Ok(rows
            .into_iter()
            .map(|n| {
                let mine = products
                    .extract_if(.., |(notice, _)| *notice == n.id)
                    .map(|(_, p)| p)
                    .collect();
                let theirs = updates.extract_if(.., |p| p.notice_id == n.id).collect();
                n.view_with(mine, theirs)
            })
            .collect())
    }

    fn summary(&self, products: Vec<NoticeProduct>) -> NoticeSummary {
        NoticeSummary {
            id: self.id.clone(),
            kind: self.kind(),
            status: self.status(),
            products,
            title_ja: self.title_ja.clone(),
            title_en: self.title_en.clone(),
            starts_at: utc(self.starts_at),
            ends_at: self.ends_at.map(utc),
            published_at: self.published_at.map(utc),
            publish_at: self.publish_at.map(utc),
            updated_at: utc(self.updated_at),
        }
    }

    /// One page of published notices, newest first (by first publication, ties by id),
    /// after `filter.after`.
    pub fn page(
        conn: &mut DbConnection,
        filter: &ListFilter,
        limit: i64,
    ) -> QueryResult<Vec<NoticeSummary>> {
        let mut q = notices::table
            .select(Self::as_select())
            .filter(notices::published_at.is_not_null())
            .order((notices::published_at.desc(), notices::id.desc()))
            .into_boxed();
        if let Some((at, id)) = &filter.after {
            q = q.filter(
                notices::published_at.lt(*at).or(notices::published_at
                    .eq(*at)
                    .and(notices::id.lt(id.clone()))),
            );
        }
        if let Some(kind) = filter.kind {
            q = q.filter(notices::kind.eq(kind.code()));
        }
        if let Some(product_id) = &filter.product_id {
            q = q.filter(
                notices::id.eq_any(
                    notice_products::table
                        .filter(notice_products::product_id.eq(product_id.clone()))
                        .select(notice_products::notice_id),
                ),
            );
        }
        let rows: Vec<Notice> = q.limit(limit).load(conn)?;
        Self::summaries(conn, &rows)
    }

    /// Marks a draft published and records the notice's current state after an update.
    pub fn record_publication(
        conn: &mut DbConnection,
        id: &str,
        status: NoticeStatus,
        starts_at: NaiveDateTime,
        ends_at: Option<NaiveDateTime>,
        now: NaiveDateTime,
    ) -> QueryResult<()> {
        diesel::update(notices::table.find(id))
            .set((
                notices::status.eq(status.code()),
                notices::starts_at.eq(starts_at),
                notices::ends_at.eq(ends_at),
                notices::updated_at.eq(now),
            ))
            .execute(conn)?;
        // Published by hand before its time, a scheduled draft is no longer scheduled.
        diesel::update(
            notices::table
                .find(id)
                .filter(notices::published_at.is_null()),
        )
        .set((
            notices::published_at.eq(now),
            notices::publish_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
        Ok(())
    }

    /// Corrects a published notice's title and text, mailing no one: marked as edited at
    /// `now`.
    pub fn correct(
        conn: &mut DbConnection,
        id: &str,
        correction: &NoticeCorrection,
        now: NaiveDateTime,
    ) -> QueryResult<()> {
        diesel::update(notices::table.find(id))
            .set((
                notices::title_ja.eq(&correction.title_ja),
                notices::title_en.eq(&correction.title_en),
                notices::body_ja.eq(&correction.body_ja),
                notices::body_en.eq(&correction.body_en),
                notices::edited_at.eq(now),
                notices::updated_at.eq(now),
            ))
            .execute(conn)?;
        Ok(())
    }

    /// Records when a resolved outage's service was restored; `None` (re-opened) clears it.
    pub fn record_recovery(
        conn: &mut DbConnection,
        id: &str,
        at: Option<NaiveDateTime>,
    ) -> QueryResult<()> {
        diesel::update(notices::table.find(id))
            .set(notices::recovered_at.eq(at))
            .execute(conn)?;
        Ok(())
    }
}

#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub kind: Option<NoticeKind>,
    pub product_id: Option<String>,
    pub after: Option<(NaiveDateTime, String)>,
}

/// What a publication says: the first one repeats the notice, an update its own text.
pub struct NewPublication<'a> {
    pub notice_id: &'a str,
    pub sequence: i32,
    pub body_ja: &'a str,
    pub body_en: Option<&'a str>,
    pub status: NoticeStatus,
    pub starts_at: NaiveDateTime,
    pub ends_at: Option<NaiveDateTime>,
    pub postmortem: bool,
}

impl Publication {
    pub fn insert(
        conn: &mut DbConnection,
        new: &NewPublication<'_>,
        now: NaiveDateTime,
    ) -> QueryResult<Publication> {
        let id = super::new_id();
        diesel::insert_into(publications::table)
            .values((
                publications::id.eq(&id),
                publications::notice_id.eq(new.notice_id),
                publications::sequence.eq(new.sequence),
                publications::body_ja.eq(new.body_ja),
                publications::body_en.eq(new.body_en),
                publications::status.eq(new.status.code()),
                publications::starts_at.eq(new.starts_at),
                publications::ends_at.eq(new.ends_at),
                publications::postmortem.eq(new.postmortem),
                publications::issued_at.eq(now),
                publications::audience.eq(0),
                publications::skipped.eq(0),
            ))
            .execute(conn)?;
        publications::table
            .find(&id)
            .select(Publication::as_select())
            .first(conn)
    }

    pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<Publication>> {
        publications::table
            .find(id)
            .select(Publication::as_select())
            .first(conn)
            .optional()
    }

    pub fn next_sequence(conn: &mut DbConnection, notice_id: &str) -> QueryResult<i32> {
        let max: Option<i32> = publications::table
            .filter(publications::notice_id.eq(notice_id))
            .select(diesel::dsl::max(publications::sequence))
            .first(conn)?;
        Ok(max.map_or(0, |m| m + 1))
    }

    pub fn record_counts(
        conn: &mut DbConnection,
        id: &str,
        audience: i64,
        skipped: i64,
    ) -> QueryResult<()> {
        let clamp = |n: i64| i32::try_from(n).unwrap_or(i32::MAX);
        diesel::update(publications::table.find(id))
            .set((
                publications::audience.eq(clamp(audience)),
                publications::skipped.eq(clamp(skipped)),
            ))
            .execute(conn)?;
        Ok(())
    }
}
