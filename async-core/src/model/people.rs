//! People, provider accounts and teams.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ids::{AccountId, PersonId, TeamId};

/// A provider the SDK reads from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    /// GitHub (pull requests, reviews, commits).
    GitHub,
    /// Slack (channel messages and threads).
    Slack,
    /// Zoom (meetings, participants, transcripts).
    Zoom,
    /// Jira (work items, sprints, boards).
    Jira,
    /// Confluence (documents and their versions).
    Confluence,
}

impl Provider {
    /// Every provider, in a fixed order.
    pub const ALL: [Provider; 5] = [
        Provider::GitHub,
        Provider::Slack,
        Provider::Zoom,
        Provider::Jira,
        Provider::Confluence,
    ];

    /// The provider's lowercase name, as used in keys and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::GitHub => "github",
            Provider::Slack => "slack",
            Provider::Zoom => "zoom",
            Provider::Jira => "jira",
            Provider::Confluence => "confluence",
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A reference to one account at one provider.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct AccountKey {
    /// The provider that issued the account.
    pub provider: Provider,
    /// The provider's id for the account.
    pub account_id: AccountId,
}

impl AccountKey {
    /// Builds a key from a provider and its account id.
    pub fn new(provider: Provider, account_id: impl Into<AccountId>) -> Self {
        Self {
            provider,
            account_id: account_id.into(),
        }
    }
}

impl fmt::Display for AccountKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.provider, self.account_id)
    }
}

/// An account as a provider describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProviderAccount {
    /// Which account this is.
    pub key: AccountKey,
    /// The login or handle (`octocat`, Slack's `name`), if the provider has one.
    pub login: Option<String>,
    /// The name shown in the provider's interface. Never used to merge identities.
    pub display_name: Option<String>,
    /// The e-mail address the provider reports, if it shares one.
    pub email: Option<String>,
    /// Whether the account is a bot or an app rather than a person.
    pub is_bot: bool,
    /// Whether the provider reports the account as deleted or deactivated.
    pub is_deleted: bool,
    /// The IANA time zone the provider reports (`"Europe/Berlin"`), if any.
    pub time_zone: Option<String>,
}

impl ProviderAccount {
    /// Creates an account record with only its key set.
    pub fn new(key: AccountKey) -> Self {
        Self {
            key,
            login: None,
            display_name: None,
            email: None,
            is_bot: false,
            is_deleted: false,
            time_zone: None,
        }
    }
}

/// A person, after identity resolution joined their provider accounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// The SDK's id for the person.
    pub id: PersonId,
    /// The name to show for the person.
    pub display_name: String,
    /// Normalized e-mail addresses known for the person.
    pub emails: Vec<String>,
    /// The provider accounts that belong to the person.
    pub accounts: Vec<AccountKey>,
}

/// A team: a fixed group of people, the only unit over which aggregates are computed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Team {
    /// The team's id.
    pub id: TeamId,
    /// The team's name.
    pub name: String,
    /// The people in the team.
    pub members: Vec<PersonId>,
    /// The people who manage the team. A manager need not be a member.
    pub managers: Vec<PersonId>,
}
