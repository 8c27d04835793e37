//! `GET /repos/{owner}/{repo}/pulls`: pull requests, most recently updated first.

use std::collections::HashSet;

use chrono::{DateTime, Utc};

use super::client::{Endpoint, GitHubClient};
use super::models::PullRequest;
use super::repo::RepoName;
use crate::error::Error;
use crate::page::Page;

const LIST: Endpoint = Endpoint {
    operation: "pulls.list",
    template: "/repos/{owner}/{repo}/pulls",
};

impl GitHubClient {
    /// Fetches one page of a repository's pull requests in every state, most recently
    /// updated first, 100 per page.
    ///
    /// Pass `None` for the first page, then the previous page's `next`.
    ///
    /// # Errors
    ///
    /// Returns [`Error::Api`] when GitHub returns an error status, [`Error::Decode`] when the
    /// body is not the expected JSON, [`Error::Config`] when a next-page link leaves the
    /// base URL's origin, and [`Error::Core`] when the request cannot be sent.
    pub async fn list_pulls_page(
        &self,
        repo: &RepoName,
        next: Option<String>,
    ) -> Result<Page<PullRequest>, Error> {
        let first = self.pulls_url(repo, "all")?;
        self.get_page(LIST, &first, next).await
    }

    /// Lists the pull requests updated at or after `since`.
    ///
    /// The endpoint has no `since` parameter, so pages are read newest first and reading
    /// stops at the first page on which every pull request was last updated before
    /// `since`. Waiting for a whole page rather than the first old item keeps the cut
    /// robust if GitHub's sort order and the `updated_at` it reports ever disagree, at the
    /// cost of at most one extra page. A pull request updated while pages are read can move
    /// to an earlier page and appear twice, so only its first occurrence is kept.
    ///
    /// # Errors
    ///
    /// As for [`list_pulls_page`](Self::list_pulls_page).
    pub async fn list_pulls_updated_since(
        &self,
        repo: &RepoName,
        since: DateTime<Utc>,
    ) -> Result<Vec<PullRequest>, Error> {
        let first = self.pulls_url(repo, "all")?;
        let mut pulls: Vec<PullRequest> = Vec::new();
        let mut seen: HashSet<u64> = HashSet::new();
        let mut links: HashSet<String> = HashSet::new();
        let mut next = None;

        loop {
            let page = self.get_page::<PullRequest>(LIST, &first, next).await?;
            let all_older = page.items.iter().all(|pull| pull.updated_at < since);
            for pull in page.items {
                if pull.updated_at >= since && seen.insert(pull.number) {
                    pulls.push(pull);
                }
            }
            // An empty page is "all older" too, and there is nothing more to read after it.
            let Some(link) = page.next.filter(|_| !all_older) else {
                return Ok(pulls);
            };
            // A link GitHub already sent would read the same pages again, forever.
            if !links.insert(link.clone()) {
                return Err(Error::PaginationLoop {
                    pages: links.len() + 1,
                    reason: "the provider sent a next link it had already sent",
                });
            }
            next = Some(link);
        }
    }

    /// Lists every open pull request, however long ago it was last updated.
    ///
    /// An open pull request nobody has touched for days is the one most likely waiting for
    /// a review, yet [`list_pulls_updated_since`](Self::list_pulls_updated_since) stops
    /// before reaching it. The open listing is read to its end: it is usually a few pages
    /// even in busy repositories. A pull request that moves between pages while they are
    /// read is kept once.
    ///
    /// # Errors
    ///
    /// As for [`list_pulls_page`](Self::list_pulls_page).
    pub async fn list_open_pulls(&self, repo: &RepoName) -> Result<Vec<PullRequest>, Error> {
        let first = self.pulls_url(repo, "open")?;
        let mut seen: HashSet<u64> = HashSet::new();
        let mut pulls: Vec<PullRequest> = self.get_all(LIST, first).await?;
        pulls.retain(|pull| seen.insert(pull.number));
        Ok(pulls)
    }

    fn pulls_url(&self, repo: &RepoName, state: &str) -> Result<url::Url, Error> {
        self.url(
            &["repos", repo.owner(), repo.name(), "pulls"],
            &[
                ("state", state),
                ("sort", "updated"),
                ("direction", "desc"),
                ("per_page", "100"),
            ],
        )
    }
}
