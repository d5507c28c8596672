//! SQL built from parts, with `?` placeholders and their values, run on either backend: for
//! the ledger's statements whose shape depends on the data (a `VALUES` list per time zone in
//! use, a branch per destination), which diesel's query builder cannot express.

use chrono::NaiveDateTime;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Integer, Text, Timestamp};
use diesel::sqlite::Sqlite;

use crate::db::DbConnection;

pub enum Param {
    Text(String),
    Int(i32),
    BigInt(i64),
    Bool(bool),
    Time(NaiveDateTime),
}

#[derive(Default)]
pub struct Statement {
    sql: String,
    params: Vec<Param>,
}

macro_rules! bind_all {
    ($query:expr, $params:expr) => {{
        let mut q = $query;
        for p in $params {
            q = match p {
                Param::Text(v) => q.bind::<Text, _>(v.clone()),
                Param::Int(v) => q.bind::<Integer, _>(*v),
                Param::BigInt(v) => q.bind::<BigInt, _>(*v),
                Param::Bool(v) => q.bind::<Bool, _>(*v),
                Param::Time(v) => q.bind::<Timestamp, _>(*v),
            };
        }
        q
    }};
}

impl Statement {
    pub fn push(&mut self, sql: &str) -> &mut Self {
        self.sql.push_str(sql);
        self
    }

    pub fn bind(&mut self, p: Param) -> &mut Self {
        self.sql.push('?');
        self.params.push(p);
        self
    }

    /// PostgreSQL numbers its placeholders; our SQL has no `?` inside literals.
    fn numbered(&self) -> String {
        let mut out = String::with_capacity(self.sql.len() + 64);
        let mut n = 0;
        for c in self.sql.chars() {
            if c == '?' {
                n += 1;
                out.push('$');
                out.push_str(&n.to_string());
            } else {
                out.push(c);
            }
        }
        out
    }

    pub fn execute(&self, conn: &mut DbConnection) -> QueryResult<usize> {
        match conn {
            DbConnection::Pg(c) => bind_all!(
                diesel::sql_query(self.numbered()).into_boxed(),
                &self.params
            )
            .execute(c),
            DbConnection::Sqlite(c) => {
                bind_all!(diesel::sql_query(&self.sql).into_boxed(), &self.params).execute(c)
            }
        }
    }

    pub fn load<T>(&self, conn: &mut DbConnection) -> QueryResult<Vec<T>>
    where
        T: QueryableByName<Pg> + QueryableByName<Sqlite> + 'static,
    {
        match conn {
            DbConnection::Pg(c) => bind_all!(
                diesel::sql_query(self.numbered()).into_boxed::<Pg>(),
                &self.params
            )
            .load(c),
            DbConnection::Sqlite(c) => bind_all!(
                diesel::sql_query(&self.sql).into_boxed::<Sqlite>(),
                &self.params
            )
            .load(c),
        }
    }
}
