//! The privacy policy engine of the ASYNC SDK.

mod authorized;
mod category;

pub use authorized::Authorized;
pub use category::{DataCategory, Purpose};
