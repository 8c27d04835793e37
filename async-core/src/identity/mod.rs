//! Identity resolution: joining provider accounts into people.

/// A failure to read identity-resolution input.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IdentityError {
    /// The mapping file could not be parsed.
    #[error("identity mapping file is invalid")]
    InvalidMapping {
        /// The parser's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}
