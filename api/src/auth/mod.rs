//! Passwords, opaque tokens and access JWTs: primitives with no knowledge of accounts or
//! HTTP. The extractors that guard handlers are the HTTP layer's (`routes::extract`).

pub mod jwt;
pub mod password;
pub mod token;
