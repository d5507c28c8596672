//! Bounce reports from mail servers.

pub mod report;
