//! Hears, on PostgreSQL, the changes other processes commit to what this process keeps in
//! memory. Triggers `NOTIFY` a channel when a transaction that changed the tables behind a
//! cache commits (see the migrations); one thread per process `LISTEN`s to every channel and
//! ends the matching cache's generation. Whatever a lost connection missed is covered by
//! ending every generation when it is back.

use std::sync::Weak;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// What a heard change does to a cache.
pub trait Invalidate: Send + Sync {
    /// Everything held so far is stale.
    fn invalidate(&self);
}

/// The generation of what a cache holds: every change heard starts a new one, and entries
/// made in an older one are stale. Take it before reading the database and store what was
/// read under it, so that a change committed meanwhile is not hidden.
#[derive(Debug, Default)]
pub struct Generation(AtomicU64);

impl Generation {
    pub fn current(&self) -> u64 {
        self.0.load(Ordering::Acquire)
    }

    /// Everything made so far is stale.
    pub fn advance(&self) {
        self.0.fetch_add(1, Ordering::AcqRel);
    }
}

/// How often the listener looks for notifications. Each look reads libpq's socket without
/// waiting (no round trip to the server); it is short because a revoked session must stop
/// working in every process at once, not at the next look.
const POLL: Duration = Duration::from_millis(2);

/// Listens on PostgreSQL at `url`, on a thread of its own, for as long as any of the
/// caches lives; a notification on a channel invalidates the caches named with it.
pub fn listen(url: String, caches: Vec<(&'static str, Weak<dyn Invalidate>)>) {
    let spawned = std::thread::Builder::new()
        .name("change-listener".into())
        .spawn(move || listen_loop(&url, &caches));
    if let Err(e) = spawned {
        tracing::error!(error = %e, "cannot listen for changes made by other processes");
    }
}

fn alive(caches: &[(&'static str, Weak<dyn Invalidate>)]) -> bool {
    caches.iter().any(|(_, c)| c.strong_count() > 0)
}

fn invalidate(caches: &[(&'static str, Weak<dyn Invalidate>)], channel: Option<&str>) {
    for (name, cache) in caches {
        if channel.is_none_or(|c| c == *name)
            && let Some(cache) = cache.upgrade()
        {
            cache.invalidate();
        }
    }
}

fn listen_loop(url: &str, caches: &[(&'static str, Weak<dyn Invalidate>)]) {
    use diesel::{Connection, RunQueryDsl};
    while alive(caches) {
        let conn = diesel::PgConnection::establish(url)
            .map_err(|e| e.to_string())
            .and_then(|mut c| {
                for (channel, _) in caches {
                    diesel::sql_query(format!("LISTEN {channel}"))
                        .execute(&mut c)
                        .map_err(|e| e.to_string())?;
                }
                Ok(c)
            });
        let mut conn = match conn {
            Ok(c) => c,
            Err(e) => {
                tracing::debug!(error = %e, "change listener: cannot connect");
                std::thread::sleep(Duration::from_secs(1));
                continue;
            }
        };
        // Listening from now on; anything before is unknown.
        invalidate(caches, None);
        'listening: while alive(caches) {
            for notification in conn.notifications_iter() {
                match notification {
                    Ok(n) => invalidate(caches, Some(&n.channel)),
                    Err(e) => {
                        tracing::debug!(error = %e, "change listener: connection lost");
                        break 'listening;
                    }
                }
            }
            std::thread::sleep(POLL);
        }
    }
}
