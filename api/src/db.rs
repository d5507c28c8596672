//! One binary, two databases: SQLite (embedded default) and PostgreSQL, chosen by URL.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, anyhow};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/postgres");

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Pg(PgConnection),
    Sqlite(SqliteConnection),
}

pub type Pool = r2d2::Pool<Manager>;
pub type PooledConnection = r2d2::PooledConnection<Manager>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

/// Opens connections of the backend named by the URL's scheme. Written by hand because the
/// derived `establish` tries each backend in turn and reports only the last failure.
#[derive(Debug)]
pub struct Manager {
    backend: Backend,
    target: String,
    /// SQLite: the background checkpoints, for as long as the pool lives.
    _checkpoints: Option<Checkpoints>,
}

impl Manager {
    pub fn new(url: &str) -> anyhow::Result<Self> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self {
                backend: Backend::Postgres,
                target: url.to_owned(),
                _checkpoints: None,
            });
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .ok_or_else(|| anyhow!("the database URL must start with sqlite:// or postgres://"))?;
        if let Some(parent) = Path::new(path)
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
        {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating the directory of {path}"))?;
        }
        Ok(Self {
            backend: Backend::Sqlite,
            target: path.to_owned(),
            _checkpoints: Some(Checkpoints::start(path)),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }
}

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        match self.backend {
            Backend::Postgres => PgConnection::establish(&self.target)
                .map(DbConnection::Pg)
                .map_err(r2d2::Error::ConnectionError),
            Backend::Sqlite => {
                let mut conn = SqliteConnection::establish(&self.target)
                    .map_err(r2d2::Error::ConnectionError)?;
                // Checkpoints run on a thread of their own (`Checkpoints`), not in whichever
                // transaction happens to commit past a thousand pages of log: a publication
                // to 100,000 addresses would otherwise copy its whole log into the database
                // before its request is answered.
                conn.batch_execute(
                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; \
                     PRAGMA wal_autocheckpoint = 0;",
                )
                .map_err(r2d2::Error::QueryError)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, _conn: &mut DbConnection) -> bool {
        false
    }
}

/// How often the log of a SQLite database is copied into it.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

/// Copies a SQLite database's write-ahead log into the database file every
/// [`CHECKPOINT_EVERY`], on a thread with a connection of its own, until dropped. Passive
/// checkpoints wait for no reader or writer: they copy what no reader still needs, and the
/// log is reused from its start once all of it has been copied. (When the last connection
/// to a database closes, SQLite checkpoints it as well.)
#[derive(Debug)]
struct Checkpoints {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Checkpoints {
    fn start(path: &str) -> Self {
        use std::sync::atomic::Ordering;
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopped = stop.clone();
        let path = path.to_owned();
        let spawned = std::thread::Builder::new()
            .name("sqlite-checkpoints".into())
            .spawn(move || {
                let mut conn: Option<SqliteConnection> = None;
                while !stopped.load(Ordering::Acquire) {
                    std::thread::sleep(CHECKPOINT_EVERY);
                    // Opened late, and only once the file exists: the pool's first
                    // connection creates it and sets WAL mode, and a database removed before
                    // then must not be made again.
                    if conn.is_none() && Path::new(&path).exists() {
                        conn = SqliteConnection::establish(&path).ok();
                    }
                    if let Some(c) = conn.as_mut()
                        && let Err(e) = c.batch_execute("PRAGMA wal_checkpoint(PASSIVE);")
                    {
                        tracing::debug!(error = %e, "checkpoint skipped");
                    }
                }
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "no checkpoint thread: the log grows until the last connection closes");
        }
        Self { stop }
    }
}

impl Drop for Checkpoints {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Release);
    }
}

/// Builds the pool and brings the schema up to date.
///
/// SQLite gets a single connection: it has one writer anyway, and a single connection rules
/// out `SQLITE_BUSY` on transactions that read before they write.
pub fn connect(url: &str) -> anyhow::Result<(Pool, Backend)> {
    let manager = Manager::new(url)?;
    let backend = manager.backend();
    let max_size = match backend {
        Backend::Postgres => 16,
        Backend::Sqlite => 1,
    };
    let pool = r2d2::Pool::builder()
        .max_size(max_size)
        // Connections open on demand: no background thread re-dialling a database that
        // went away.
        .min_idle(Some(0))
        // Requests queue for connections in `AppState::db` first, so a wait this long means
        // the database is gone or stuck: fail the request rather than hold it (and its
        // thread) for half a minute.
        .connection_timeout(Duration::from_secs(5))
        .build(manager)
        .context("connecting to the database")?;
    let mut conn = pool.get().context("connecting to the database")?;
    migrate(&mut conn)?;
    Ok((pool, backend))
}

/// Whether this binary carries migrations the database has not had (another process's
/// older binary may be the one running them).
pub fn pending_migrations(conn: &mut DbConnection) -> anyhow::Result<bool> {
    let pending = match conn {
        DbConnection::Pg(c) => c.has_pending_migration(POSTGRES_MIGRATIONS),
        DbConnection::Sqlite(c) => c.has_pending_migration(SQLITE_MIGRATIONS),
    };
    pending.map_err(|e| anyhow!("reading the applied migrations: {e}"))
}

fn migrate(conn: &mut DbConnection) -> anyhow::Result<()> {
    let result = match conn {
        DbConnection::Pg(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|_| ()),
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|_| ()),
    };
    result.map_err(|e| anyhow!("applying migrations: {e}"))
}
