//! Issue changelogs: `GET /rest/api/3/issue/{issueIdOrKey}/changelog`.
//!
//! `expand=changelog` embeds at most a page of the most recent histories. When the embedded
//! `total` exceeds what was returned, this endpoint, paginated by `startAt`/`total`/`isLast`
//! and ordered oldest first, supplies the complete history.

use serde::Deserialize;

use super::JiraClient;
use super::models::{History, InlineChangelog, Issue};
use crate::error::Error;
use crate::path::checked_segment;

/// Histories per page (the endpoint's maximum and default).
const PAGE_SIZE: u64 = 100;

/// One page of an issue's changelog.
#[derive(Debug, Clone, Deserialize)]
pub struct ChangelogPage {
    /// The index of the first history on this page.
    #[serde(default, rename = "startAt")]
    pub start_at: u64,
    /// How many histories the issue has.
    #[serde(default)]
    pub total: Option<u64>,
    /// Whether this is the last page.
    #[serde(default, rename = "isLast")]
    pub is_last: Option<bool>,
    /// The histories, oldest first.
    #[serde(default)]
    pub values: Vec<History>,
}

impl ChangelogPage {
    /// Returns where the next page starts, or `None` after the last page.
    fn next_start(&self) -> Option<u64> {
        let next = self.start_at + self.values.len() as u64;
        let more = match (self.is_last, self.total) {
            (Some(is_last), _) => !is_last,
            (None, Some(total)) => next < total,
            (None, None) => false,
        };
        // An empty page cannot advance; stopping avoids asking for it forever.
        (more && !self.values.is_empty()).then_some(next)
    }
}

impl JiraClient {
    /// Fetches one page of an issue's changelog.
    ///
    /// # Errors
    ///
    /// Returns [`Error::Api`] (404 when the issue does not exist or is not visible) and
    /// [`Error::Decode`] when the response is not a changelog page.
    pub async fn changelog_page(
        &self,
        issue_key: &str,
        start_at: u64,
    ) -> Result<ChangelogPage, Error> {
        let path = format!(
            "/rest/api/3/issue/{}/changelog",
            checked_segment("issue key", issue_key)?
        );
        let query = [
            ("startAt", start_at.to_string()),
            ("maxResults", PAGE_SIZE.to_string()),
        ];
        self.get_json(
            "issue.changelog",
            "/rest/api/3/issue/{issueIdOrKey}/changelog",
            &path,
            &query,
        )
        .await
    }

    /// Fetches an issue's complete changelog, oldest first.
    ///
    /// # Errors
    ///
    /// As [`JiraClient::changelog_page`], for any page.
    pub async fn changelog(&self, issue_key: &str) -> Result<Vec<History>, Error> {
        let mut histories = Vec::new();
        let mut start_at = Some(0);
        while let Some(start) = start_at {
            let page = self.changelog_page(issue_key, start).await?;
            start_at = page.next_start();
            histories.extend(page.values);
        }
        Ok(histories)
    }

    /// Replaces an issue's embedded changelog with the complete one when Jira truncated it.
    ///
    /// Returns whether the changelog endpoint was called.
    ///
    /// # Errors
    ///
    /// As [`JiraClient::changelog`].
    pub async fn complete_changelog(&self, issue: &mut Issue) -> Result<bool, Error> {
        let truncated = issue
            .changelog
            .as_ref()
            .is_some_and(InlineChangelog::is_truncated);
        if !truncated {
            return Ok(false);
        }

        let histories = self.changelog(&issue.key).await?;
        issue.changelog = Some(InlineChangelog {
            total: Some(histories.len() as u64),
            histories,
        });
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(
        start_at: u64,
        count: usize,
        total: Option<u64>,
        is_last: Option<bool>,
    ) -> ChangelogPage {
        let history: History = serde_json::from_value(serde_json::json!({
            "id": "1", "created": "2024-01-01T00:00:00.000+0000", "items": []
        }))
        .expect("history");
        ChangelogPage {
            start_at,
            total,
            is_last,
            values: vec![history; count],
        }
    }

    #[test]
    fn next_start_follows_is_last_then_total() {
        assert_eq!(page(0, 100, Some(150), Some(false)).next_start(), Some(100));
        assert_eq!(page(100, 50, Some(150), Some(true)).next_start(), None);
        assert_eq!(page(0, 2, Some(5), None).next_start(), Some(2));
        assert_eq!(page(4, 1, Some(5), None).next_start(), None);
        assert_eq!(page(0, 0, Some(5), Some(false)).next_start(), None);
        assert_eq!(page(0, 3, None, None).next_start(), None);
    }
}
