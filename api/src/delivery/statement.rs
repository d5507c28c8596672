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

    /// Binds each value, separated by commas: the inside of an `IN (…)`.
    pub fn bind_list(&mut self, values: impl IntoIterator<Item = Param>) -> &mut Self {
        for (i, p) in values.into_iter().enumerate() {
            if i > 0 {
                self.sql.push_str(", ");
            }
            self.bind(p);
        }
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

    /// How the database would run this statement: PostgreSQL's `EXPLAIN (ANALYZE, BUFFERS)`
    /// (the statement runs), SQLite's `EXPLAIN QUERY PLAN`; one line a step.
    pub fn explain(&self, conn: &mut DbConnection) -> QueryResult<Vec<String>> {
        #[derive(QueryableByName)]
        struct PgLine {
            #[diesel(sql_type = Text, column_name = "QUERY PLAN")]
            line: String,
        }
        #[derive(QueryableByName)]
        struct SqliteLine {
            #[diesel(sql_type = Integer)]
            id: i32,
            #[diesel(sql_type = Integer)]
            parent: i32,
            #[diesel(sql_type = Text)]
            detail: String,
        }
        match conn {
            DbConnection::Pg(c) => Ok(bind_all!(
                diesel::sql_query(format!(
                    "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {}",
                    self.numbered()
                ))
                .into_boxed::<Pg>(),
                &self.params
            )
            .load::<PgLine>(c)?
            .into_iter()
            .map(|l| l.line)
            .collect()),
            DbConnection::Sqlite(c) => {
                let lines = bind_all!(
                    diesel::sql_query(format!("EXPLAIN QUERY PLAN {}", self.sql))
                        .into_boxed::<Sqlite>(),
                    &self.params
                )
                .load::<SqliteLine>(c)?;
                // Indented under its parent, as the sqlite3 shell prints it.
                let depth = |mut id: i32| {
                    let mut d = 0;
                    while let Some(l) = lines.iter().find(|l| l.id == id) {
                        if l.parent == 0 {
                            break;
                        }
                        id = l.parent;
                        d += 1;
                    }
                    d
                };
                Ok(lines
                    .iter()
                    .map(|l| format!("{}{}", "  ".repeat(depth(l.id)), l.detail))
                    .collect())
            }
        }
    }
}
