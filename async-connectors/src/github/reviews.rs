//! `GET /repos/{owner}/{repo}/pulls/{number}/reviews`: reviews in submission order.

use super::client::{Endpoint, GitHubClient};
use super::models::Review;
use super::repo::RepoName;
use crate::error::Error;
use crate::page::Page;

const LIST: Endpoint = Endpoint {
    operation: "pulls.reviews",
    template: "/repos/{owner}/{repo}/pulls/{number}/reviews",
};

impl GitHubClient {
    /// Fetches one page of a pull request's reviews, 100 per page.
    ///
    /// Pass `None` for the first page, then the previous page's `next`.
    ///
    /// # Errors
    ///
    /// As for [`list_pulls_page`](Self::list_pulls_page).
    pub async fn list_reviews_page(
        &self,
        repo: &RepoName,
        number: u64,
        next: Option<String>,
    ) -> Result<Page<Review>, Error> {
        let first = self.pull_child_url(repo, number, "reviews")?;
        self.get_page(LIST, &first, next).await
    }

    /// Lists every review of a pull request, following `Link` headers to the last page.
    ///
    /// # Errors
    ///
    /// As for [`list_pulls_page`](Self::list_pulls_page).
    pub async fn list_reviews(&self, repo: &RepoName, number: u64) -> Result<Vec<Review>, Error> {
        let first = self.pull_child_url(repo, number, "reviews")?;
        self.get_all(LIST, first).await
    }

    /// Builds `/repos/{owner}/{repo}/pulls/{number}/{child}?per_page=100`.
    pub(crate) fn pull_child_url(
        &self,
        repo: &RepoName,
        number: u64,
        child: &str,
    ) -> Result<url::Url, Error> {
        let number = number.to_string();
        self.url(
            &["repos", repo.owner(), repo.name(), "pulls", &number, child],
            &[("per_page", "100")],
        )
    }
}
