//! Personal API tokens (`/me/tokens`). Only a signed-in session manages them: a token cannot
//! mint, list or revoke tokens.

pub mod create;
pub mod list;
pub mod revoke;

/// Tokens an account may hold at once.
pub const MAX_PER_ACCOUNT: i64 = 20;
