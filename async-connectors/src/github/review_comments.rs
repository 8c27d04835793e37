//! `GET /repos/{owner}/{repo}/pulls/{number}/comments`: review comments on the diff.

use super::client::{Endpoint, GitHubClient};
use super::models::ReviewComment;
use super::repo::RepoName;
use crate::error::Error;
use crate::page::Page;

const LIST: Endpoint = Endpoint {
    operation: "pulls.comments",
    template: "/repos/{owner}/{repo}/pulls/{number}/comments",
};

impl GitHubClient {
    /// Fetches one page of a pull request's review comments, 100 per page, in ascending id
    /// order.
    ///
    /// Pass `None` for the first page, then the previous page's `next`.
    ///
    /// # Errors
    ///
    /// As for [`list_pulls_page`](Self::list_pulls_page).
    pub async fn list_review_comments_page(
        &self,
        repo: &RepoName,
        number: u64,
        next: Option<String>,
    ) -> Result<Page<ReviewComment>, Error> {
        let first = self.pull_child_url(repo, number, "comments")?;
        self.get_page(LIST, &first, next).await
    }

    /// Lists every review comment of a pull request, following `Link` headers.
    ///
    /// # Errors
    ///
    /// As for [`list_pulls_page`](Self::list_pulls_page).
    pub async fn list_review_comments(
        &self,
        repo: &RepoName,
        number: u64,
    ) -> Result<Vec<ReviewComment>, Error> {
        let first = self.pull_child_url(repo, number, "comments")?;
        self.get_all(LIST, first).await
    }
}
