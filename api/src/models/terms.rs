use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use shared::dto::TermsView;

use crate::db::DbConnection;
use crate::schema::terms;

#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = terms)]
pub struct Terms {
    pub version: String,
    pub title_ja: String,
    pub title_en: String,
    pub body_ja: String,
    pub body_en: String,
    pub published_at: NaiveDateTime,
}

impl Terms {
    /// The version in force at `now`: the latest one already published.
    pub fn current(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<Option<Terms>> {
        terms::table
            .filter(terms::published_at.le(now))
            .order((terms::published_at.desc(), terms::version.desc()))
            .first(conn)
            .optional()
    }

    pub fn current_version(
        conn: &mut DbConnection,
        now: NaiveDateTime,
    ) -> QueryResult<Option<String>> {
        terms::table
            .select(terms::version)
            .filter(terms::published_at.le(now))
            .order((terms::published_at.desc(), terms::version.desc()))
            .first(conn)
            .optional()
    }

    pub fn insert(&self, conn: &mut DbConnection) -> QueryResult<usize> {
        diesel::insert_into(terms::table).values(self).execute(conn)
    }

    pub fn view(&self) -> TermsView {
        TermsView {
            version: self.version.clone(),
            title_ja: self.title_ja.clone(),
            title_en: self.title_en.clone(),
            body_ja: self.body_ja.clone(),
            body_en: self.body_en.clone(),
            published_at: DateTime::<Utc>::from_naive_utc_and_offset(self.published_at, Utc),
        }
    }
}
