use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use shared::domain::Language;
use shared::dto::{AccountView, ProfileChange, Role};

use crate::db::DbConnection;
use crate::schema::accounts;

#[derive(Debug, Clone, Queryable, Identifiable)]
#[diesel(table_name = accounts)]
pub struct Account {
    pub id: String,
    pub email: String,
    pub password_hash: String,
    pub family_name: String,
    pub given_name: String,
    pub company: String,
    pub department: Option<String>,
    pub phone: Option<String>,
    pub language: String,
    pub role: String,
    pub terms_version: Option<String>,
    pub terms_accepted_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The zone My Support shows coverage in.
    pub time_zone: String,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = accounts)]
pub struct NewAccount<'a> {
    pub id: &'a str,
    pub email: &'a str,
    pub password_hash: &'a str,
    pub family_name: &'a str,
    pub given_name: &'a str,
    pub company: &'a str,
    pub department: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub language: &'a str,
    pub role: &'a str,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub const ROLE_CUSTOMER: &str = "customer";
pub const ROLE_OPERATOR: &str = "operator";

impl Account {
    pub fn zone(&self) -> shared::domain::TimeZoneName {
        shared::domain::TimeZoneName::parse(&self.time_zone)
            .unwrap_or(shared::domain::TimeZoneName::DEFAULT)
    }

    pub fn language(&self) -> Language {
        Language::parse(&self.language).unwrap_or_default()
    }

    pub fn is_operator(&self) -> bool {
        self.role == ROLE_OPERATOR
    }

    /// Whether this account accepted `current` (the version in force).
    pub fn accepted(&self, current: Option<&str>) -> bool {
        match current {
            Some(v) => self.terms_version.as_deref() == Some(v),
            None => true,
        }
    }

    pub fn view(&self, current_terms: Option<&str>) -> AccountView {
        AccountView {
            id: self.id.clone(),
            email: self.email.clone(),
            family_name: self.family_name.clone(),
            given_name: self.given_name.clone(),
            company: self.company.clone(),
            department: self.department.clone(),
            phone: self.phone.clone(),
            language: self.language(),
            role: if self.is_operator() {
                Role::Operator
            } else {
                Role::Customer
            },
            terms_accepted_version: self.terms_version.clone(),
            terms_accepted: self.accepted(current_terms),
            created_at: DateTime::<Utc>::from_naive_utc_and_offset(self.created_at, Utc),
        }
    }

    pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<Account>> {
        accounts::table.find(id).first(conn).optional()
    }

    pub fn find_by_email(conn: &mut DbConnection, email: &str) -> QueryResult<Option<Account>> {
        accounts::table
            .filter(accounts::email.eq(email))
            .first(conn)
            .optional()
    }

    pub fn set_password(
        conn: &mut DbConnection,
        id: &str,
        password_hash: &str,
        now: NaiveDateTime,
    ) -> QueryResult<usize> {
        diesel::update(accounts::table.find(id))
            .set((
                accounts::password_hash.eq(password_hash),
                accounts::updated_at.eq(now),
            ))
            .execute(conn)
    }

    /// Changes the login address. The caller has checked that no other account has it.
    pub fn set_email(
        conn: &mut DbConnection,
        id: &str,
        email: &str,
        now: NaiveDateTime,
    ) -> QueryResult<usize> {
        diesel::update(accounts::table.find(id))
            .set((accounts::email.eq(email), accounts::updated_at.eq(now)))
            .execute(conn)
    }

    pub fn accept_terms(
        conn: &mut DbConnection,
        id: &str,
        version: &str,
        now: NaiveDateTime,
    ) -> QueryResult<usize> {
        diesel::update(accounts::table.find(id))
            .set((
                accounts::terms_version.eq(version),
                accounts::terms_accepted_at.eq(now),
                accounts::updated_at.eq(now),
            ))
            .execute(conn)
    }

    pub fn set_role(conn: &mut DbConnection, email: &str, role: &str) -> QueryResult<usize> {
        diesel::update(accounts::table.filter(accounts::email.eq(email)))
            .set(accounts::role.eq(role))
            .execute(conn)
    }

    pub fn update_profile(
        conn: &mut DbConnection,
        id: &str,
        change: &ProfileChange,
        now: NaiveDateTime,
    ) -> QueryResult<usize> {
        let changes = ProfileChangeset {
            family_name: change.family_name.as_deref(),
            given_name: change.given_name.as_deref(),
            company: change.company.as_deref(),
            department: change.department.as_ref().map(Option::as_deref),
            phone: change.phone.as_ref().map(Option::as_deref),
            language: change.language.map(Language::code),
            updated_at: now,
        };
        diesel::update(accounts::table.find(id))
            .set(&changes)
            .execute(conn)
    }

    pub fn delete(conn: &mut DbConnection, id: &str) -> QueryResult<usize> {
        diesel::delete(accounts::table.find(id)).execute(conn)
    }
}

/// `None` leaves a column alone; `Some(None)` sets it to NULL.
#[derive(AsChangeset)]
#[diesel(table_name = accounts)]
struct ProfileChangeset<'a> {
    family_name: Option<&'a str>,
    given_name: Option<&'a str>,
    company: Option<&'a str>,
    department: Option<Option<&'a str>>,
    phone: Option<Option<&'a str>>,
    language: Option<&'a str>,
    updated_at: NaiveDateTime,
}
