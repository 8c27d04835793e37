//! The trait every connector implements.

use async_trait::async_trait;

use crate::model::{ActivityBatch, Provider, TimeWindow};

/// A source of activity records: one connector configured for one connection.
///
/// The sync engine calls [`ActivitySource::collect`] on every configured source for the
/// same window and merges the batches.
#[async_trait]
pub trait ActivitySource: Send + Sync {
    /// The error the source returns.
    type Error: std::error::Error + Send + Sync + 'static;

    /// The provider this source reads.
    fn provider(&self) -> Provider;

    /// Collects every record the source has for `window` and converts it into the domain
    /// model.
    ///
    /// # Errors
    ///
    /// Returns the connector's error when the provider cannot be read.
    async fn collect(&self, window: TimeWindow) -> Result<ActivityBatch, Self::Error>;
}
