//! The signed-in session, kept in `localStorage` so that a reload keeps the customer in.

use gloo_storage::{LocalStorage, Storage};
use serde::{Deserialize, Serialize};

const KEY: &str = "shirase.session";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredSession {
    pub access_token: String,
    pub refresh_token: String,
}

pub fn load() -> Option<StoredSession> {
    LocalStorage::get(KEY).ok()
}

pub fn store(session: &StoredSession) {
    let _ = LocalStorage::set(KEY, session);
}

pub fn clear() {
    LocalStorage::delete(KEY);
}
