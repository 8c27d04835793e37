//! `GET /repos/{owner}/{repo}/pulls/{number}/commits`: a pull request's commits.

use super::client::{Endpoint, GitHubClient};
use super::models::Commit;
use super::repo::RepoName;
use crate::error::Error;
use crate::page::Page;

const LIST: Endpoint = Endpoint {
    operation: "pulls.commits",
    template: "/repos/{owner}/{repo}/pulls/{number}/commits",
};

impl GitHubClient {
    /// Fetches one page of a pull request's commits, 100 per page.
    ///
    /// Pass `None` for the first page, then the previous page's `next`.
    ///
    /// # Errors
    ///
    /// As for [`list_pulls_page`](Self::list_pulls_page).
    pub async fn list_commits_page(
        &self,
        repo: &RepoName,
        number: u64,
        next: Option<String>,
    ) -> Result<Page<Commit>, Error> {
        let first = self.pull_child_url(repo, number, "commits")?;
        self.get_page(LIST, &first, next).await
    }

    /// Lists a pull request's commits, following `Link` headers to the last page.
    ///
    /// GitHub returns at most 250 commits for one pull request.
    ///
    /// # Errors
    ///
    /// As for [`list_pulls_page`](Self::list_pulls_page).
    // NOTE: pull requests with more than 250 commits come back truncated. Reading the rest
    // needs the repository commits endpoint with `sha=<head>`, which is not implemented.
    pub async fn list_commits(&self, repo: &RepoName, number: u64) -> Result<Vec<Commit>, Error> {
        let first = self.pull_child_url(repo, number, "commits")?;
        self.get_all(LIST, first).await
    }
}
