//! What the application does, apart from how it is asked: the HTTP handlers and the
//! command line call the same services.

pub mod bounces;
pub mod deliveries;
pub mod destinations;
pub mod notices;
pub mod scheduler;
pub mod status;
