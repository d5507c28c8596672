//! Passwords, opaque tokens, access JWTs and the extractors that guard handlers.

pub mod extract;
pub mod jwt;
pub mod password;
pub mod token;

pub use extract::{Authenticated, Customer, ManageAccess, Operator, ReadAccess, Via};
