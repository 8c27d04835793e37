//! `users.list`: the workspace's members and their profiles.
//!
//! Needs `users:read`; `profile.email` is present only when the token also has
//! `users:read.email`, and never for bots.

use futures::Stream;
use serde::Deserialize;

use super::client::SlackClient;
use super::page::{Cursor, QueryPairs, next_cursor};
use crate::error::Error;
use crate::page::Page;

/// A workspace member as `users.list` returns it; unused fields are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct User {
    /// The user id (`"U0123ABC"`, or `"W..."` in Enterprise Grid).
    pub id: String,
    /// The legacy handle.
    #[serde(default)]
    pub name: Option<String>,
    /// Whether the account was deactivated.
    #[serde(default)]
    pub deleted: bool,
    /// Whether the account is a bot user.
    #[serde(default)]
    pub is_bot: bool,
    /// Whether the account belongs to an app.
    #[serde(default)]
    pub is_app_user: bool,
    /// The full name.
    #[serde(default)]
    pub real_name: Option<String>,
    /// The IANA time zone (`"Europe/Berlin"`); often missing for bots and deleted users.
    #[serde(default)]
    pub tz: Option<String>,
    /// The profile; missing only in unusual payloads.
    #[serde(default)]
    pub profile: Option<Profile>,
}

impl User {
    /// Returns whether the account is a bot or an app rather than a person.
    ///
    /// Slackbot (`USLACKBOT`) reports `is_bot: false`, so it is matched by id.
    pub fn is_automated(&self) -> bool {
        self.is_bot || self.is_app_user || self.id == "USLACKBOT"
    }
}

/// The profile part of a [`User`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Profile {
    /// The e-mail address; present only with `users:read.email`.
    #[serde(default)]
    pub email: Option<String>,
    /// The name the user chose to show; often empty.
    #[serde(default)]
    pub display_name: Option<String>,
    /// The full name.
    #[serde(default)]
    pub real_name: Option<String>,
    /// The bot's id, on bot users.
    #[serde(default)]
    pub bot_id: Option<String>,
}

#[derive(Debug, Deserialize)]
struct UsersResponse {
    #[serde(default)]
    members: Vec<User>,
    #[serde(default)]
    response_metadata: Option<Cursor>,
}

/// The arguments of `users.list`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[must_use]
pub struct UsersListRequest {
    limit: Option<u32>,
    cursor: Option<String>,
}

impl UsersListRequest {
    /// Lists every member of the workspace.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the page size. Slack recommends at most 200; without a limit it tries to
    /// return everyone at once and may fail on large workspaces.
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Continues a listing from a page's `next` cursor.
    pub fn cursor(mut self, cursor: Option<String>) -> Self {
        self.cursor = cursor;
        self
    }

    fn query(&self) -> QueryPairs {
        let mut query = Vec::new();
        query.extend(self.limit.map(|limit| ("limit", limit.to_string())));
        query.extend(self.cursor.clone().map(|cursor| ("cursor", cursor)));
        query
    }
}

impl SlackClient {
    /// Fetches one page of `users.list`.
    ///
    /// # Errors
    ///
    /// Returns [`Error::Api`] when Slack reports an error (`missing_scope`,
    /// `invalid_cursor`, `limit_required`, ...), [`Error::Decode`] when the body is not the
    /// expected JSON, and [`Error::Core`] when the request cannot be sent.
    pub async fn users_list(&self, request: &UsersListRequest) -> Result<Page<User>, Error> {
        let response: UsersResponse = self.get("users.list", &request.query()).await?;

        Ok(Page {
            items: response.members,
            next: next_cursor(response.response_metadata),
        })
    }

    /// Streams every member, page after page, until `next_cursor` is empty or missing.
    pub fn users_list_stream(
        &self,
        request: UsersListRequest,
    ) -> impl Stream<Item = Result<User, Error>> + Send + '_ {
        Page::into_stream(move |cursor| {
            let request = request.clone().cursor(cursor);
            async move { self.users_list(&request).await }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_tolerates_missing_profile_fields() {
        let json = r#"{"id":"U1","name":"dana","deleted":false,"is_bot":false,
            "profile":{"display_name":"","real_name":"Dana Q","image_24":"https://example.com/a.png"}}"#;

        let user: User = serde_json::from_str(json).expect("user parses");

        assert_eq!(user.tz, None);
        assert_eq!(user.profile.and_then(|profile| profile.email), None);
    }

    #[test]
    fn slackbot_counts_as_automated() {
        let json = r#"{"id":"USLACKBOT","name":"slackbot","is_bot":false}"#;

        let user: User = serde_json::from_str(json).expect("user parses");

        assert!(user.is_automated());
    }
}
