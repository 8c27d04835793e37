//! Collecting every source into the encrypted store.

use std::time::Instant;

use async_core::model::{Provider, TimeWindow};
use async_core::store::{RecordStore, SqliteStore};

use super::{JobError, Sources};

/// One step of a sync, reported as it happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncProgress {
    /// A source started collecting.
    Started {
        /// The provider.
        provider: Provider,
    },
    /// A source finished and its records were stored.
    Stored {
        /// The provider.
        provider: Provider,
        /// How many records it stored.
        records: usize,
        /// How long collecting and storing took, in milliseconds.
        millis: u128,
    },
}

/// What a sync stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncSummary {
    /// Records stored per provider, in sync order.
    pub stored: Vec<(Provider, usize)>,
}

impl SyncSummary {
    /// The number of records stored in total.
    pub fn total(&self) -> usize {
        self.stored.iter().map(|(_, records)| records).sum()
    }
}

/// Collects every source for `window` and stores what each returns.
///
/// A failing source stops the sync; records stored by earlier sources stay stored.
///
/// # Errors
///
/// Returns [`JobError::Connector`] when a source fails and [`JobError::Core`] when the
/// store fails.
pub async fn sync(
    sources: &Sources,
    window: TimeWindow,
    records: &RecordStore<SqliteStore>,
    mut progress: impl FnMut(SyncProgress),
) -> Result<SyncSummary, JobError> {
    let mut summary = SyncSummary::default();
    for source in sources.iter() {
        let provider = source.provider();
        progress(SyncProgress::Started { provider });
        let started = Instant::now();

        let batch = source
            .collect(window)
            .await
            .map_err(|source| JobError::Connector {
                provider: provider.as_str(),
                source,
            })?;
        let stored = records.put_batch(&batch).await?;

        progress(SyncProgress::Stored {
            provider,
            records: stored,
            millis: started.elapsed().as_millis(),
        });
        summary.stored.push((provider, stored));
    }
    Ok(summary)
}
