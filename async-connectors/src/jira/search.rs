//! Issue search: `GET /rest/api/3/search/jql`, paginated by `nextPageToken`.
//!
//! This replaced `/rest/api/3/search`, which Jira Cloud removed in 2025 and which now
//! returns 410 Gone. The new endpoint returns only issue ids unless `fields` names the
//! fields wanted, has no `total`, and ends when `nextPageToken` is absent or `isLast` is
//! true.

use futures::Stream;
use serde::Deserialize;

use super::JiraClient;
use super::models::Issue;
use crate::error::Error;
use crate::page::Page;

/// The fields every conversion into the domain model needs.
pub const BASE_FIELDS: [&str; 14] = [
    "summary",
    "status",
    "issuetype",
    "project",
    "assignee",
    "reporter",
    "creator",
    "created",
    "updated",
    "resolutiondate",
    "duedate",
    "labels",
    "issuelinks",
    "parent",
];

/// Issues per page; Jira lowers the cap when many fields are requested.
const PAGE_SIZE: u32 = 100;

/// An issue search: the JQL, the fields to return and whether to embed changelogs.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct SearchRequest {
    jql: String,
    fields: Vec<String>,
    expand_changelog: bool,
}

impl SearchRequest {
    /// Creates a search for `jql` returning [`BASE_FIELDS`].
    ///
    /// The JQL must be bounded (`project = PAY AND updated >= -7d`): Jira rejects a query
    /// with only an `ORDER BY`.
    pub fn new(jql: impl Into<String>) -> Self {
        Self {
            jql: jql.into(),
            fields: BASE_FIELDS
                .iter()
                .map(|field| (*field).to_owned())
                .collect(),
            expand_changelog: false,
        }
    }

    /// Replaces the JQL, keeping the fields and expansions.
    pub fn with_jql(mut self, jql: impl Into<String>) -> Self {
        self.jql = jql.into();
        self
    }

    /// Adds fields to return (custom field ids such as `customfield_10016`).
    pub fn fields<I, S>(mut self, fields: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        for field in fields {
            let field = field.into();
            if !self.fields.contains(&field) {
                self.fields.push(field);
            }
        }
        self
    }

    /// Embeds each issue's changelog (`expand=changelog`).
    pub fn expand_changelog(mut self, expand: bool) -> Self {
        self.expand_changelog = expand;
        self
    }

    /// The JQL.
    pub fn jql(&self) -> &str {
        &self.jql
    }

    /// Returns the fields requested, comma-separated as the API takes them.
    pub fn fields_param(&self) -> String {
        self.fields.join(",")
    }
}

/// One page of `/rest/api/3/search/jql`.
#[derive(Debug, Deserialize)]
struct SearchPage {
    #[serde(default)]
    issues: Vec<Issue>,
    #[serde(default, rename = "nextPageToken")]
    next_page_token: Option<String>,
    #[serde(default, rename = "isLast")]
    is_last: Option<bool>,
}

impl JiraClient {
    /// Fetches one page of a search; pass the previous page's `next` to continue.
    ///
    /// # Errors
    ///
    /// Returns [`Error::Api`] when Jira rejects the query (400 for invalid or unbounded JQL)
    /// and [`Error::Decode`] when the response is not a search page.
    pub async fn search_page(
        &self,
        request: &SearchRequest,
        next_page_token: Option<&str>,
    ) -> Result<Page<Issue>, Error> {
        let mut query = vec![
            ("jql", request.jql.clone()),
            ("fields", request.fields_param()),
            ("maxResults", PAGE_SIZE.to_string()),
        ];
        if request.expand_changelog {
            query.push(("expand", "changelog".to_owned()));
        }
        if let Some(token) = next_page_token {
            query.push(("nextPageToken", token.to_owned()));
        }

        let path = "/rest/api/3/search/jql";
        let page: SearchPage = self.get_json("search.jql", path, path, &query).await?;
        let mut next = page
            .next_page_token
            .filter(|token| !token.is_empty() && page.is_last != Some(true));
        // A token that points back at this page would make the stream loop forever.
        if next.is_some() && next.as_deref() == next_page_token {
            tracing::warn!(
                target: "async_connectors::jira",
                "Jira returned the same nextPageToken again; ending the search"
            );
            next = None;
        }
        Ok(Page {
            items: page.issues,
            next,
        })
    }

    /// Streams every issue a search matches, following `nextPageToken` to the end.
    ///
    /// Embedded changelogs may be truncated; see [`JiraClient::complete_changelog`].
    pub fn search(
        &self,
        request: SearchRequest,
    ) -> impl Stream<Item = Result<Issue, Error>> + Send + '_ {
        Page::into_stream(move |token: Option<String>| {
            let request = request.clone();
            async move { self.search_page(&request, token.as_deref()).await }
        })
    }
}
