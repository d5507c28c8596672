//! A bounded memo shared across threads: each value is made once per key and shared. The
//! values kept here never go stale (publications are immutable once written), so the only
//! policy is a bound: when full, everything is dropped and made again on demand.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex, MutexGuard};

pub struct Memo<K, V> {
    values: Mutex<HashMap<K, Arc<V>>>,
    limit: usize,
}

impl<K: Eq + Hash, V> Memo<K, V> {
    pub fn new(limit: usize) -> Self {
        Self {
            values: Mutex::default(),
            limit,
        }
    }

    pub fn get<Q>(&self, key: &Q) -> Option<Arc<V>>
    where
        K: std::borrow::Borrow<Q>,
        Q: Eq + Hash + ?Sized,
    {
        self.lock().get(key).cloned()
    }

    pub fn contains<Q>(&self, key: &Q) -> bool
    where
        K: std::borrow::Borrow<Q>,
        Q: Eq + Hash + ?Sized,
    {
        self.lock().contains_key(key)
    }

    pub fn insert(&self, key: K, value: Arc<V>) {
        let mut values = self.lock();
        if values.len() >= self.limit {
            values.clear();
        }
        values.insert(key, value);
    }

    /// The value of `key`, made by `make` if there is none yet. `make` runs outside the
    /// lock: two threads may both make a missing value, and the last one is kept.
    pub fn get_or_try_insert<E>(
        &self,
        key: K,
        make: impl FnOnce() -> Result<V, E>,
    ) -> Result<Arc<V>, E> {
        if let Some(value) = self.get(&key) {
            return Ok(value);
        }
        let value = Arc::new(make()?);
        self.insert(key, value.clone());
        Ok(value)
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<K, Arc<V>>> {
        self.values.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn makes_each_value_once_and_stays_bounded() -> Result<(), ()> {
        let memo: Memo<u32, String> = Memo::new(2);
        let mut made = 0;
        for _ in 0..3 {
            memo.get_or_try_insert(1, || {
                made += 1;
                Ok::<_, ()>("one".to_owned())
            })?;
        }
        assert_eq!(made, 1);
        memo.insert(2, Arc::new("two".into()));
        memo.insert(3, Arc::new("three".into()));
        assert!(!memo.contains(&1), "full: dropped before the third went in");
        assert_eq!(memo.get(&3).as_deref().map(String::as_str), Some("three"));
        Ok(())
    }
}
