//! [`GitHubSource`]: the GitHub connector as an [`ActivitySource`].

use std::collections::HashSet;

use async_core::model::{ActivityBatch, Provider, TimeWindow};
use async_core::source::ActivitySource;
use async_trait::async_trait;

use super::client::GitHubClient;
use super::convert::{AccountSet, PullRequestActivity, pull_request};
use super::models::{PullRequest, PullRequestState};
use super::repo::RepoName;
use crate::error::{Error, ErrorClass};

/// Reads pull requests, reviews, review comments and commits of a list of repositories.
///
/// # Examples
///
/// ```
/// use async_connectors::github::{GitHubClient, GitHubSource};
/// use async_core::http::{EgressPolicy, HttpClient};
/// use secrecy::SecretString;
///
/// let http = HttpClient::new(EgressPolicy::default())?;
/// let client = GitHubClient::builder(http, SecretString::from("ghp_example")).build()?;
/// let source = GitHubSource::new(client, ["octo-org/payments", "octo-org/web"])?;
/// assert_eq!(source.repositories().len(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct GitHubSource {
    client: GitHubClient,
    repositories: Vec<RepoName>,
    profiles: bool,
}

impl GitHubSource {
    /// Creates a source over repositories given as `owner/name`.
    ///
    /// # Errors
    ///
    /// Returns [`Error::Config`] naming the first repository that is not `owner/name`.
    pub fn new<I, S>(client: GitHubClient, repositories: I) -> Result<Self, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let repositories = repositories
            .into_iter()
            .map(|name| name.as_ref().parse())
            .collect::<Result<Vec<RepoName>, Error>>()?;
        Ok(Self {
            client,
            repositories,
            profiles: true,
        })
    }

    /// Sets whether each account seen is looked up with `GET /users/{login}` for its name
    /// and public e-mail (default: on). Each lookup is one request, or a free 304 once
    /// cached.
    #[must_use]
    pub fn with_profiles(mut self, profiles: bool) -> Self {
        self.profiles = profiles;
        self
    }

    /// Returns the repositories this source reads.
    pub fn repositories(&self) -> &[RepoName] {
        &self.repositories
    }

    /// Reads one pull request's reviews, commits and review comments.
    async fn activity(
        &self,
        repo: &RepoName,
        pull: PullRequest,
    ) -> Result<PullRequestActivity, Error> {
        let reviews = self.client.list_reviews(repo, pull.number).await?;
        let commits = self.client.list_commits(repo, pull.number).await?;
        let review_comments = self.client.list_review_comments(repo, pull.number).await?;
        Ok(PullRequestActivity {
            pull,
            reviews,
            review_comments,
            commits,
        })
    }

    /// Collects one repository into `batch` and `accounts`.
    async fn collect_repository(
        &self,
        repo: &RepoName,
        window: TimeWindow,
        batch: &mut ActivityBatch,
        accounts: &mut AccountSet,
    ) -> Result<(), Error> {
        let changed = self
            .client
            .list_pulls_updated_since(repo, window.start)
            .await?;
        let open = self.client.list_open_pulls(repo).await?;
        let pulls = merge_pulls(changed, open, window);
        tracing::info!(target: "async_connectors::github", pull_requests = pulls.len(), "listed pull requests of a repository");

        for pull in pulls {
            let activity = self.activity(repo, pull).await?;
            accounts.add_activity(&activity);
            batch.pull_requests.push(pull_request(repo, &activity));
        }
        Ok(())
    }

    /// Fills in names and public e-mails. An account deleted since it was seen keeps what
    /// the listings showed.
    async fn add_profiles(&self, accounts: &mut AccountSet) -> Result<(), Error> {
        for login in accounts.logins() {
            match self.client.user(&login).await {
                Ok(profile) => accounts.add(&profile),
                Err(Error::Api(error)) if error.class == ErrorClass::NotFound => {}
                Err(error) => return Err(error),
            }
        }
        Ok(())
    }
}

/// Merges the pull requests changed since the window's start with every open one, keeping
/// each number once and in listing order: changed ones first, then the idle open ones.
///
/// Open pull requests are kept however old their last update, because one that has waited
/// days for its first review without any change is exactly what the review blockers look
/// for. Closed and merged ones come only from the windowed listing. A pull request opened
/// after the window cannot have changed inside it. One updated after the window's end is
/// kept: its last update does not tell whether it also changed inside the window.
fn merge_pulls(
    changed: Vec<PullRequest>,
    open: Vec<PullRequest>,
    window: TimeWindow,
) -> Vec<PullRequest> {
    let mut seen = HashSet::new();
    // The open listing is filtered again because a server that ignores `state` would
    // otherwise bring every closed pull request of the repository's history.
    let open = open
        .into_iter()
        .filter(|pull| pull.state == PullRequestState::Open);
    changed
        .into_iter()
        .chain(open)
        .filter(|pull| pull.created_at < window.end)
        .filter(|pull| seen.insert(pull.number))
        .collect()
}

#[async_trait]
impl ActivitySource for GitHubSource {
    type Error = Error;

    fn provider(&self) -> Provider {
        Provider::GitHub
    }

    async fn collect(&self, window: TimeWindow) -> Result<ActivityBatch, Error> {
        let mut batch = ActivityBatch::default();
        let mut accounts = AccountSet::new();

        for repo in &self.repositories {
            self.collect_repository(repo, window, &mut batch, &mut accounts)
                .await?;
        }
        if self.profiles {
            self.add_profiles(&mut accounts).await?;
        }

        batch.accounts = accounts.into_accounts();
        tracing::info!(
            target: "async_connectors::github",
            repositories = self.repositories.len(),
            pull_requests = batch.pull_requests.len(),
            accounts = batch.accounts.len(),
            "collected GitHub activity"
        );
        Ok(batch)
    }
}
