//! The customer's delivery log.

pub mod log;
