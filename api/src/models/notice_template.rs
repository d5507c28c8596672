//! Notice templates: stored texts with placeholders, kept by operators.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use shared::dto::{NoticeKind, NoticeTemplate, NoticeTemplateView};

use crate::db::DbConnection;
use crate::schema::notice_templates;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = notice_templates)]
pub struct NoticeTemplateRow {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub title_ja: String,
    pub title_en: Option<String>,
    pub body_ja: String,
    pub body_en: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// What a template says, as written by both inserting and replacing it (absent English
/// texts are written as NULL).
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = notice_templates, treat_none_as_null = true)]
struct Content<'a> {
    name: &'a str,
    kind: &'static str,
    title_ja: &'a str,
    title_en: Option<&'a str>,
    body_ja: &'a str,
    body_en: Option<&'a str>,
}

impl<'a> Content<'a> {
    fn of(t: &'a NoticeTemplate) -> Self {
        Self {
            name: &t.name,
            kind: t.kind.code(),
            title_ja: &t.title_ja,
            title_en: t.title_en.as_deref(),
            body_ja: &t.body_ja,
            body_en: t.body_en.as_deref(),
        }
    }
}

impl NoticeTemplateRow {
    pub fn view(self) -> NoticeTemplateView {
        NoticeTemplateView {
            kind: NoticeKind::parse(&self.kind).unwrap_or(NoticeKind::Maintenance),
            id: self.id,
            name: self.name,
            title_ja: self.title_ja,
            title_en: self.title_en,
            body_ja: self.body_ja,
            body_en: self.body_en,
            updated_at: DateTime::<Utc>::from_naive_utc_and_offset(self.updated_at, Utc),
        }
    }

    /// Every template, by name.
    pub fn list(conn: &mut DbConnection) -> QueryResult<Vec<NoticeTemplateRow>> {
        notice_templates::table
            .select(Self::as_select())
            .order((notice_templates::name.asc(), notice_templates::id.asc()))
            .load(conn)
    }

    pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<NoticeTemplateRow>> {
        notice_templates::table
            .find(id)
            .select(Self::as_select())
            .first(conn)
            .optional()
    }

    /// Another template than `except` with this name.
    pub fn name_taken(
        conn: &mut DbConnection,
        name: &str,
        except: Option<&str>,
    ) -> QueryResult<bool> {
        let mut query = notice_templates::table
            .filter(notice_templates::name.eq(name))
            .into_boxed();
        if let Some(id) = except {
            query = query.filter(notice_templates::id.ne(id));
        }
        Ok(query.count().get_result::<i64>(conn)? > 0)
    }

    pub fn insert(
        conn: &mut DbConnection,
        t: &NoticeTemplate,
        now: NaiveDateTime,
    ) -> QueryResult<String> {
        let id = super::new_id();
        diesel::insert_into(notice_templates::table)
            .values((
                notice_templates::id.eq(&id),
                Content::of(t),
                notice_templates::created_at.eq(now),
                notice_templates::updated_at.eq(now),
            ))
            .execute(conn)?;
        Ok(id)
    }

    /// Replaces a template's content; false if there is no such template.
    pub fn update(
        conn: &mut DbConnection,
        id: &str,
        t: &NoticeTemplate,
        now: NaiveDateTime,
    ) -> QueryResult<bool> {
        let n = diesel::update(notice_templates::table.find(id))
            .set((Content::of(t), notice_templates::updated_at.eq(now)))
            .execute(conn)?;
        Ok(n == 1)
    }

    pub fn delete(conn: &mut DbConnection, id: &str) -> QueryResult<bool> {
        Ok(diesel::delete(notice_templates::table.find(id)).execute(conn)? == 1)
    }
}
