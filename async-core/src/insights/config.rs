//! Thresholds and lists that tune the insights.

use std::collections::BTreeSet;

use chrono::TimeDelta;

use crate::ids::ChannelId;

/// The status names treated as blocked when no other list is configured.
pub const DEFAULT_BLOCKED_STATUSES: [&str; 4] = ["Blocked", "On Hold", "Waiting", "Impeded"];

/// Thresholds, blocked statuses and monitored channels for [`standup_insights`](super::standup_insights).
///
/// # Examples
///
/// ```
/// use async_core::insights::InsightConfig;
/// use chrono::TimeDelta;
///
/// let config = InsightConfig::default()
///     .with_stale_after_working_days(2)
///     .with_first_review_wait(TimeDelta::hours(8));
/// assert!(config.is_blocked_status("on hold"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InsightConfig {
    /// Working days without an update after which an in-progress item counts as stale
    /// (default 3, the common `updated < -3d` filter counted in working days).
    pub stale_after_working_days: u32,
    /// How long an open, ready pull request may wait for its first review before it counts
    /// as blocked (default 24 hours of wall-clock time).
    pub first_review_wait: TimeDelta,
    /// Status names that mean blocked, compared case-insensitively after trimming.
    pub blocked_statuses: Vec<String>,
    /// The channels whose messages are searched for blockers.
    pub monitored_channels: ChannelScope,
}

/// The set of chat channels searched for blocker messages.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ChannelScope {
    /// Every channel in the batch; connectors read only the channels a team chose.
    #[default]
    All,
    /// Only these channels.
    Only(BTreeSet<ChannelId>),
}

impl Default for InsightConfig {
    fn default() -> Self {
        Self {
            stale_after_working_days: 3,
            first_review_wait: TimeDelta::hours(24),
            blocked_statuses: DEFAULT_BLOCKED_STATUSES.map(str::to_owned).to_vec(),
            monitored_channels: ChannelScope::All,
        }
    }
}

impl InsightConfig {
    /// Sets how many working days without an update make an in-progress item stale.
    #[must_use]
    pub fn with_stale_after_working_days(mut self, days: u32) -> Self {
        self.stale_after_working_days = days;
        self
    }

    /// Sets how long a ready pull request may wait for its first review.
    #[must_use]
    pub fn with_first_review_wait(mut self, wait: TimeDelta) -> Self {
        self.first_review_wait = wait;
        self
    }

    /// Replaces the list of status names that mean blocked.
    #[must_use]
    pub fn with_blocked_statuses<I, S>(mut self, statuses: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.blocked_statuses = statuses.into_iter().map(Into::into).collect();
        self
    }

    /// Limits blocker search to the given channels.
    #[must_use]
    pub fn with_monitored_channels(
        mut self,
        channels: impl IntoIterator<Item = ChannelId>,
    ) -> Self {
        self.monitored_channels = ChannelScope::Only(channels.into_iter().collect());
        self
    }

    /// Returns whether `status` is one of the blocked status names.
    pub fn is_blocked_status(&self, status: &str) -> bool {
        let status = status.trim();
        self.blocked_statuses
            .iter()
            .any(|blocked| blocked.trim().eq_ignore_ascii_case(status))
    }

    /// Returns whether messages in `channel` are searched.
    pub fn monitors(&self, channel: &ChannelId) -> bool {
        match &self.monitored_channels {
            ChannelScope::All => true,
            ChannelScope::Only(channels) => channels.contains(channel),
        }
    }
}
