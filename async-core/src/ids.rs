//! Identifier newtypes shared by the domain model.
//!
//! Every identifier is a string newtype: providers mix numeric and textual ids, and a
//! string keeps leading zeros, 64-bit values and opaque tokens exactly as sent. The types
//! implement `Display`, `FromStr` and serde (as a plain string) but not `Deref`, so an id
//! of one kind cannot be passed where another kind is expected.

/// Declares a string identifier newtype with the conversions every id needs.
macro_rules! string_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps a provider or SDK identifier.
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// Borrows the identifier as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Unwraps the identifier into its text.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.0)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(Self(s.to_owned()))
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self(value.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self(value)
            }
        }
    };
}

string_id!(
    /// A person known to the SDK, after identity resolution (for example `"dana"`).
    PersonId
);
string_id!(
    /// An account id as its provider issues it: a GitHub user id (`"583231"`), a Slack
    /// user id (`"U024BE7LH"`), a Jira `accountId`, a Zoom user id.
    AccountId
);
string_id!(
    /// A team: a fixed group of people over which aggregates are computed.
    TeamId
);
string_id!(
    /// A tenant: one organisation served by the embedding service.
    TenantId
);
string_id!(
    /// A code repository in `owner/name` form.
    RepositoryId
);
string_id!(
    /// A pull request, unique across repositories (`"acme/payments#42"`).
    PullRequestId
);
string_id!(
    /// A pull request review, as the provider numbers it.
    ReviewId
);
string_id!(
    /// A review comment on a pull request, as the provider numbers it.
    ReviewCommentId
);
string_id!(
    /// A commit hash.
    CommitSha
);
string_id!(
    /// A work item's numeric provider id (Jira's `id`, such as `"10042"`).
    WorkItemId
);
string_id!(
    /// A work item's human key (Jira's `key`, such as `"PAY-12"`).
    WorkItemKey
);
string_id!(
    /// A sprint, as the provider numbers it.
    SprintId
);
string_id!(
    /// A board, as the provider numbers it.
    BoardId
);
string_id!(
    /// A chat channel or conversation (Slack's `"C012AB3CD"`).
    ChannelId
);
string_id!(
    /// A chat message, unique across channels (`"C012AB3CD/1700000000.000100"`).
    MessageId
);
string_id!(
    /// A meeting instance (Zoom's meeting UUID).
    MeetingId
);
string_id!(
    /// A document (a Confluence page id).
    DocumentId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_round_trips_through_text_and_json() {
        let id: PersonId = "dana".parse().expect("infallible");
        assert_eq!(id.to_string(), "dana");
        assert_eq!(format!("{id:?}"), "PersonId(\"dana\")");

        let json = serde_json::to_string(&id).expect("serializable");
        assert_eq!(json, "\"dana\"");
        let back: PersonId = serde_json::from_str(&json).expect("deserializable");
        assert_eq!(back, id);
    }
}
