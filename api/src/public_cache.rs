//! Public documents (the catalog, product pages, the notice list and pages) kept in memory,
//! so that a read the whole internet may make costs no database round trip.
//!
//! Every entry remembers the generation it was made in; any change to public data starts a
//! new generation, and entries of an older one are made again on demand. A change is heard:
//! - in this process, by `routes::cache::invalidate_after_writes`: a successful write to the
//!   catalog, a product or a notice ends the generation once it has been answered;
//! - from every process on PostgreSQL, by `LISTEN shirase_public`: triggers on the public
//!   tables `NOTIFY` it when a transaction that changed them commits (the HTTP API of any
//!   process, and `shirase notice …` on the command line alike);
//! - as a backstop for what no process can hear (the command line writing to a SQLite file
//!   the server has open), entries are also made again after [`MAX_AGE`].

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use actix_web::http::header::EntityTag;
use actix_web::web::Bytes;
use sha2::{Digest, Sha256};

/// The channel the public tables' triggers notify.
pub const CHANNEL: &str = "shirase_public";
/// How long an entry is trusted without hearing of a change.
pub const MAX_AGE: Duration = Duration::from_secs(30);
/// Entries kept at most; beyond, the cache starts afresh (query strings are the client's).
const LIMIT: usize = 1024;
/// How often the listener looks for notifications (libpq's own buffer, no round trip).
const LISTEN_POLL: Duration = Duration::from_millis(20);

type Encoder = fn(&[u8]) -> std::io::Result<Vec<u8>>;

/// A document as it is served: its bytes and their strong ETag, and its brotli and gzip
/// encodings, each made once, when a client first asks for it.
#[derive(Debug)]
pub struct Document {
    pub body: Bytes,
    pub tag: EntityTag,
    brotli: std::sync::OnceLock<Option<Bytes>>,
    gzip: std::sync::OnceLock<Option<Bytes>>,
}

impl Document {
    pub fn new(body: Vec<u8>) -> Self {
        let tag = EntityTag::new_strong(hex::encode(&Sha256::digest(&body)[..16]));
        Self {
            body: Bytes::from(body),
            tag,
            brotli: Default::default(),
            gzip: Default::default(),
        }
    }

    /// The body in `encoding` (brotli or gzip), if it is worth it and the encoder works.
    pub fn encoded(&self, encoding: &actix_web::http::header::Encoding) -> Option<Bytes> {
        use actix_web::http::header::Encoding;
        if !crate::compress::worth_compressing(self.body.len()) {
            return None;
        }
        let (slot, encode): (_, Encoder) = if *encoding == Encoding::brotli() {
            (&self.brotli, crate::compress::brotli)
        } else if *encoding == Encoding::gzip() {
            (&self.gzip, crate::compress::gzip)
        } else {
            return None;
        };
        slot.get_or_init(|| encode(&self.body).ok().map(Bytes::from))
            .clone()
    }
}

struct Entry {
    generation: u64,
    made: Instant,
    document: Arc<Document>,
}

#[derive(Default)]
pub struct PublicCache {
    generation: AtomicU64,
    entries: Mutex<HashMap<String, Entry>>,
}

impl PublicCache {
    /// The current generation: take it before reading the database, and store what was
    /// read under it, so that a change committed meanwhile is not hidden.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Public data changed: every entry is stale.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    pub fn get(&self, key: &str) -> Option<Arc<Document>> {
        let generation = self.generation();
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(key)
            .filter(|e| e.generation == generation && e.made.elapsed() < MAX_AGE)
            .map(|e| e.document.clone())
    }

    pub fn put(&self, key: String, generation: u64, document: Arc<Document>) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= LIMIT && !entries.contains_key(&key) {
            entries.clear();
        }
        entries.insert(
            key,
            Entry {
                generation,
                made: Instant::now(),
                document,
            },
        );
    }

    /// Listens on PostgreSQL at `url` for changes made by any process, on a thread of its
    /// own, for as long as `cache` lives. A lost connection is made again; whatever was
    /// missed meanwhile is covered by starting a new generation.
    pub fn listen(cache: &Arc<Self>, url: String) {
        let cache = Arc::downgrade(cache);
        let spawned = std::thread::Builder::new()
            .name("public-cache-listener".into())
            .spawn(move || listen_loop(&cache, &url));
        if let Err(e) = spawned {
            tracing::error!(error = %e, "the public cache cannot listen for changes");
        }
    }
}

fn listen_loop(cache: &Weak<PublicCache>, url: &str) {
    use diesel::{Connection, RunQueryDsl};
    while cache.strong_count() > 0 {
        let conn = diesel::PgConnection::establish(url)
            .map_err(|e| e.to_string())
            .and_then(|mut c| {
                diesel::sql_query(format!("LISTEN {CHANNEL}"))
                    .execute(&mut c)
                    .map_err(|e| e.to_string())?;
                Ok(c)
            });
        let mut conn = match conn {
            Ok(c) => c,
            Err(e) => {
                tracing::debug!(error = %e, "public cache listener: cannot connect");
                std::thread::sleep(Duration::from_secs(1));
                continue;
            }
        };
        // Listening from now on; anything before is unknown.
        if let Some(c) = cache.upgrade() {
            c.invalidate();
        }
        'listening: loop {
            let Some(c) = cache.upgrade() else {
                return;
            };
            for notification in conn.notifications_iter() {
                match notification {
                    Ok(_) => c.invalidate(),
                    Err(e) => {
                        tracing::debug!(error = %e, "public cache listener: connection lost");
                        break 'listening;
                    }
                }
            }
            drop(c);
            std::thread::sleep(LISTEN_POLL);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_generation_hides_older_entries() {
        let cache = PublicCache::default();
        let before = cache.generation();
        cache.put("a".into(), before, Arc::new(Document::new(b"one".to_vec())));
        assert!(cache.get("a").is_some());
        cache.invalidate();
        assert!(cache.get("a").is_none());
        // Read before the change, stored after it: stale at once.
        cache.put("b".into(), before, Arc::new(Document::new(b"two".to_vec())));
        assert!(cache.get("b").is_none());
    }
}
