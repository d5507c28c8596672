//! Documents kept in memory so that a read costs no database round trip: the public ones
//! (the catalog, product pages, the notice list and pages) that the whole internet may ask
//! for, and each signed-in account's own lists (its products, its addresses and
//! destinations), which My Support reads on every screen.
//!
//! Every entry remembers the generation it was made in; any change to the data behind a
//! cache starts a new generation, and entries of an older one are made again on demand. A
//! change is heard:
//! - in this process, by `routes::cache::invalidate_after_writes`: a successful write to the
//!   catalog, a product or a notice ends the public generation once it has been answered,
//!   and any write at all ends the accounts' one; the dispatcher ends the accounts' one
//!   after recording outcomes that change a destination (`Dispatcher::destinations_changed`);
//! - from every process on PostgreSQL, by `LISTEN` (`crate::listener`): triggers on the
//!   tables behind each cache `NOTIFY` its channel when a transaction that changed them
//!   commits (the HTTP API of any process, its dispatcher and `shirase` on the command line
//!   alike);
//! - as a backstop for what no process can hear (the command line writing to a SQLite file
//!   the server has open), entries are also made again after the cache's `max_age`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::http::header::EntityTag;
use actix_web::web::Bytes;
use sha2::{Digest, Sha256};

use crate::listener::Generation;

/// The channel the public tables' triggers notify.
pub const PUBLIC_CHANNEL: &str = "shirase_public";
/// The channel the triggers of an account's own lists (subscriptions, opt-outs, addresses,
/// webhook destinations) notify.
pub const ACCOUNTS_CHANNEL: &str = "shirase_accounts";

type Encoder = fn(&[u8]) -> std::io::Result<Vec<u8>>;

/// A document as it is served: its bytes and their strong ETag, and its brotli and gzip
/// encodings, each made once, when a client first asks for it.
#[derive(Debug)]
pub struct Document {
    pub body: Bytes,
    pub tag: EntityTag,
    pub content_type: &'static str,
    brotli: std::sync::OnceLock<Option<Bytes>>,
    gzip: std::sync::OnceLock<Option<Bytes>>,
}

impl Document {
    pub fn new(body: Vec<u8>, content_type: &'static str) -> Self {
        let tag = EntityTag::new_strong(hex::encode(&Sha256::digest(&body)[..16]));
        Self {
            body: Bytes::from(body),
            tag,
            content_type,
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

pub struct DocumentCache {
    generation: Generation,
    entries: Mutex<HashMap<String, Entry>>,
    /// How long an entry is trusted without hearing of a change.
    max_age: Duration,
    /// Entries kept at most; beyond, the cache starts afresh.
    limit: usize,
}

impl DocumentCache {
    /// Public documents: few (query strings are the client's, hence the limit), the same for
    /// everyone, and changed by operators only.
    pub fn public() -> Self {
        Self::new(Duration::from_secs(30), 1024)
    }

    /// Accounts' own lists, keyed by account: one or two per signed-in customer. The short
    /// backstop bounds what a change nobody hears can hide, as for sessions.
    pub fn accounts() -> Self {
        Self::new(Duration::from_secs(5), 20_000)
    }

    fn new(max_age: Duration, limit: usize) -> Self {
        Self {
            generation: Generation::default(),
            entries: Mutex::default(),
            max_age,
            limit,
        }
    }

    /// See [`Generation`].
    pub fn generation(&self) -> u64 {
        self.generation.current()
    }

    /// The data behind the cache changed: every entry is stale.
    pub fn invalidate(&self) {
        self.generation.advance();
    }

    pub fn get(&self, key: &str) -> Option<Arc<Document>> {
        let generation = self.generation();
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(key)
            .filter(|e| e.generation == generation && e.made.elapsed() < self.max_age)
            .map(|e| e.document.clone())
    }

    pub fn put(&self, key: String, generation: u64, document: Arc<Document>) {
        // Read under an older generation: it may predate a change.
        if generation != self.generation() {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= self.limit && !entries.contains_key(&key) {
            entries.retain(|_, e| e.generation == generation && e.made.elapsed() < self.max_age);
            if entries.len() >= self.limit {
                entries.clear();
            }
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
}

impl crate::listener::Invalidate for DocumentCache {
    fn invalidate(&self) {
        DocumentCache::invalidate(self);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_generation_hides_older_entries() {
        let cache = DocumentCache::public();
        let before = cache.generation();
        cache.put(
            "a".into(),
            before,
            Arc::new(Document::new(b"one".to_vec(), "text/plain")),
        );
        assert!(cache.get("a").is_some());
        cache.invalidate();
        assert!(cache.get("a").is_none());
        // Read before the change, stored after it: stale at once.
        cache.put(
            "b".into(),
            before,
            Arc::new(Document::new(b"two".to_vec(), "text/plain")),
        );
        assert!(cache.get("b").is_none());
    }
}
