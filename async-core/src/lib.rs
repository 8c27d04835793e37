//! The core of the ASYNC SDK: domain model, identity resolution, encrypted storage,
//! egress-checked HTTP and insights.

pub mod error;
pub mod http;
pub mod identity;
pub mod ids;
pub mod insights;
pub mod model;
pub mod secret;
pub mod source;
pub mod store;

pub use error::Error;
