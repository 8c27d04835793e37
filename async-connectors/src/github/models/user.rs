//! GitHub accounts.

use serde::{Deserialize, Deserializer};

/// A GitHub account as it appears in pull requests, reviews, commits and `GET /users/{login}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct User {
    /// The login (`octocat`).
    pub login: String,
    /// The numeric account id, stable across renames.
    pub id: u64,
    /// Whether the account is a person, a bot or an organization.
    #[serde(rename = "type", default)]
    pub kind: UserType,
    /// The profile name, sent by `GET /users/{login}` (listings usually omit it). It may be
    /// `null`.
    #[serde(default)]
    pub name: Option<String>,
    /// The public e-mail address, which is `null` unless the user made one public.
    #[serde(default)]
    pub email: Option<String>,
}

/// The `type` of a GitHub account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(from = "String")]
pub enum UserType {
    /// A person.
    #[default]
    User,
    /// A bot or GitHub App (`dependabot[bot]`).
    Bot,
    /// An organization.
    Organization,
    /// A type this SDK does not know yet, kept as GitHub sent it.
    Other(String),
}

impl From<String> for UserType {
    fn from(value: String) -> Self {
        match value.as_str() {
            "User" => UserType::User,
            "Bot" => UserType::Bot,
            "Organization" => UserType::Organization,
            _ => UserType::Other(value),
        }
    }
}

/// Deserializes a user that GitHub may send as `null` or as an empty object `{}`.
///
/// Commit listings send `{}` for the `author` and `committer` of a commit whose e-mail
/// matches no account. Both mean "no linked account", and any other shape must be a full
/// user.
pub(crate) fn nullable_user<'de, D>(deserializer: D) -> Result<Option<User>, D::Error>
where
    D: Deserializer<'de>,
{
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Empty {}

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Linked {
        User(User),
        Empty(Empty),
    }

    let linked = Option::<Linked>::deserialize(deserializer)?;
    Ok(match linked {
        Some(Linked::User(user)) => Some(user),
        Some(Linked::Empty(Empty {})) | None => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct Holder {
        #[serde(default, deserialize_with = "nullable_user")]
        author: Option<User>,
    }

    #[test]
    fn user_accepts_null_empty_and_full() {
        let null: Holder = serde_json::from_str(r#"{"author":null}"#).expect("null parses");
        let empty: Holder = serde_json::from_str(r#"{"author":{}}"#).expect("{} parses");
        let absent: Holder = serde_json::from_str("{}").expect("absent parses");
        let full: Holder =
            serde_json::from_str(r#"{"author":{"login":"mona","id":7,"type":"Bot"}}"#)
                .expect("user parses");

        assert_eq!(null.author, None);
        assert_eq!(empty.author, None);
        assert_eq!(absent.author, None);
        let user = full.author.expect("user present");
        assert_eq!(user.id, 7);
        assert_eq!(user.kind, UserType::Bot);
    }

    #[test]
    fn user_rejects_partial_object() {
        let partial = serde_json::from_str::<Holder>(r#"{"author":{"login":"mona"}}"#);

        assert!(partial.is_err());
    }

    #[test]
    fn unknown_user_type_is_kept() {
        let user: User = serde_json::from_str(r#"{"login":"x","id":1,"type":"Mannequin"}"#)
            .expect("user parses");

        assert_eq!(user.kind, UserType::Other("Mannequin".to_owned()));
    }
}
