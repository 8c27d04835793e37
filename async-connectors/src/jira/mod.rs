//! Jira Cloud connector: issues, changelogs, boards and sprints, read through the platform
//! REST API v3 and the Jira Software (Agile) REST API 1.0.
//!
//! Requires the `jira` feature (on by default).
//!
//! # Quick start
//!
//! ```
//! use async_connectors::jira::{JiraClient, JiraSource, SearchRequest};
//! use async_core::http::{EgressPolicy, HttpClient};
//! use secrecy::SecretString;
//!
//! // OAuth 2.0 (3LO): requests go through the gateway for the site's cloud id.
//! let http = HttpClient::new(EgressPolicy::default())?;
//! let client = JiraClient::builder(http)
//!     .cloud_id("11223344-a1b2-3b33-c444-def123456789")
//!     .bearer_token(SecretString::from("access token from the OAuth flow"))
//!     .site_url("https://acme.atlassian.net")
//!     .build()?;
//!
//! // A search that would stream issues with `client.search(request)`.
//! let request = SearchRequest::new("project = PAY AND updated >= -7d").expand_changelog(true);
//! assert!(request.fields_param().contains("status"));
//!
//! // The activity source the sync engine calls with a time window.
//! let source = JiraSource::new(client, ["84"]);
//! assert_eq!(source.board_ids(), ["84"]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Authentication and scopes
//!
//! [`JiraClient`] takes either an OAuth 2.0 (3LO) access token, with the base URL
//! `https://api.atlassian.com/ex/jira/{cloudId}`, or a site URL
//! (`https://acme.atlassian.net`) with an account e-mail and API token. Both are held as
//! secrets and never appear in `Debug` output or errors.
//!
//! The connector reads with exactly these OAuth scopes:
//!
//! | scope | used for |
//! | --- | --- |
//! | `read:jira-work` | issue search, issues, changelogs, fields |
//! | `read:jira-user` | the users embedded in issues and changelogs |
//! | `read:sprint:jira-software` | board sprints and sprint issues |
//! | `read:board-scope:jira-software` | boards and board configurations |
//!
//! The list is [`SCOPES`]. Atlassian's granular-scope tables also name
//! `read:board-scope.admin:jira-software` for board configurations and
//! `read:issue-details:jira` and `read:jql:jira` for sprint issues. Those are outside the
//! published manifest, so an OAuth app limited to it may see 401 or 403 on those calls,
//! which surface as [`ErrorClass::Unauthorized`](crate::ErrorClass::Unauthorized) or
//! [`ErrorClass::Forbidden`](crate::ErrorClass::Forbidden). API-token (basic auth) clients
//! are not limited by scopes.
//!
//! # Search and the 410 from `/rest/api/3/search`
//!
//! Jira Cloud removed `GET /rest/api/3/search` in 2025, and it now returns 410 Gone. This
//! client uses its replacement, `GET /rest/api/3/search/jql`, which pages by
//! `nextPageToken` (absent, or `isLast: true`, on the last page), has no `total`, and
//! returns only ids unless `fields` names the fields wanted, so [`SearchRequest`] always
//! names them. Any 410 becomes an [`ErrorClass::Gone`](crate::ErrorClass::Gone) error
//! whose message names the replacement.
//!
//! # Errors
//!
//! Non-2xx responses become [`Error::Api`](crate::Error::Api) with the status, the
//! `errorMessages`/`errors` of Jira's envelope, the `x-arequestid` request id, and, on 429,
//! `Retry-After` and `RateLimit-Reason`. A body that is not JSON keeps its status; a 2xx
//! body that does not parse becomes [`Error::Decode`](crate::Error::Decode). The shared
//! `HttpClient` has already retried 429 and 5xx responses within its retry policy by then, and
//! the message says how many attempts were made.
//!
//! # Design notes
//!
//! - Custom field ids differ per site. The Flagged and Sprint fields are found through
//!   `GET /rest/api/3/field`, and the estimate through each board's configuration
//!   (`estimation.field.fieldId`), never a hard-coded `customfield_*` id.
//! - `expand=changelog` embeds at most one page of histories; truncated changelogs are
//!   completed from `GET /rest/api/3/issue/{key}/changelog`.
//! - Timestamps (`+0000`, `+10:00`, `Z`) go through [`parse_timestamp`].

mod adf;
mod boards;
mod changelog;
mod client;
mod convert;
mod errors;
mod fields;
mod models;
mod search;
mod source;
mod sprints;
mod time;

pub use adf::adf_to_text;
pub use boards::{
    BoardConfiguration, BoardLocation, ConfigurationLocation, Estimation, EstimationField,
    JiraBoard, to_board,
};
pub use changelog::ChangelogPage;
pub use client::{JiraClient, JiraClientBuilder, JiraCredentials};
pub use convert::{ConversionContext, accounts_of, status_category, to_account, to_work_item};
pub use fields::{FieldCatalog, FieldDefinition, FieldSchema};
pub use models::{
    AccountType, ChangeItem, History, InlineChangelog, Issue, IssueFields, IssueLink, IssueRef,
    IssueType, LinkType, LinkedIssue, LinkedIssueFields, ProjectRef, Status, StatusCategoryKey,
    StatusCategoryRef, User,
};
pub use search::{BASE_FIELDS, SearchRequest};
pub use source::JiraSource;
pub use sprints::{JiraSprint, to_sprint};
pub use time::{TimeParseError, parse_date, parse_timestamp};

/// The OAuth scopes the Jira connector requests, each with what it is used for.
pub const SCOPES: [(&str, &str); 4] = [
    (
        "read:jira-work",
        "issue search, issues, changelogs and fields",
    ),
    ("read:jira-user", "users embedded in issues and changelogs"),
    (
        "read:sprint:jira-software",
        "board sprints and sprint issues",
    ),
    (
        "read:board-scope:jira-software",
        "boards and board configurations",
    ),
];
