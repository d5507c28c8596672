//! Health for load balancers and orchestrators, outside the API and its document: whether
//! the process is up (`/healthz`), whether it can do its work (`/readyz`), and what it is
//! doing (`/metrics`).

pub mod live;
pub mod metrics;
pub mod ready;
