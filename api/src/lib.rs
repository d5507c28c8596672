//! The Shirase server: REST API, SPA host, mail outbox and dispatcher.

pub mod auth;
pub mod cli;
pub mod clock;
pub mod compress;
pub mod config;
pub mod db;
pub mod delivery;
pub mod document_cache;
pub mod error;
pub mod feeds;
pub mod listener;
pub mod mail;
pub mod memo;
pub mod metrics;
pub mod models;
pub mod openapi;
pub mod routes;
pub mod schema;
pub mod services;
pub mod session_cache;
pub mod spa;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod throttle;
