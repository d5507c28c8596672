//! Public documents (the catalog, product pages, the notice list and pages) kept in memory,
//! so that a read the whole internet may make costs no database round trip.
//!
//! Every entry remembers the generation it was made in; any change to public data starts a
//! new generation, and entries of an older one are made again on demand. A change is heard:
//! - in this process, by `routes::cache::invalidate_after_writes`: a successful write to the
//!   catalog, a product or a notice ends the generation once it has been answered;
//! - from every process on PostgreSQL, by `LISTEN shirase_public` (`crate::listener`):
//!   triggers on the public tables `NOTIFY` it when a transaction that changed them commits
//!   (the HTTP API of any process, and `shirase notice …` on the command line alike);
//! - as a backstop for what no process can hear (the command line writing to a SQLite file
//!   the server has open), entries are also made again after [`MAX_AGE`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::http::header::EntityTag;
use actix_web::web::Bytes;
use sha2::{Digest, Sha256};

use crate::listener::Generation;

/// The channel the public tables' triggers notify.
pub const CHANNEL: &str = "shirase_public";
/// How long an entry is trusted without hearing of a change.
pub const MAX_AGE: Duration = Duration::from_secs(30);
/// Entries kept at most; beyond, the cache starts afresh (query strings are the client's).
const LIMIT: usize = 1024;

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
    generation: Generation,
    entries: Mutex<HashMap<String, Entry>>,
}

impl PublicCache {
    /// See [`Generation`].
    pub fn generation(&self) -> u64 {
        self.generation.current()
    }

    /// Public data changed: every entry is stale.
    pub fn invalidate(&self) {
        self.generation.advance();
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
}

impl crate::listener::Invalidate for PublicCache {
    fn invalidate(&self) {
        PublicCache::invalidate(self);
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
