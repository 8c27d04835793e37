//! Identity resolution: joining provider accounts into people.
//!
//! Every record names people by [`AccountKey`](crate::model::AccountKey) (a provider and
//! its account id). [`IdentityResolver`] joins those accounts into
//! [`Person`](crate::model::Person)s and returns an [`IdentityMap`] that insights use to
//! attribute activity.
//!
//! # Rules, strongest first
//!
//! 1. **The explicit mapping** ([`IdentityConfig`], a TOML file) always wins. An account
//!    it lists belongs to that person, whatever e-mail the account reports.
//! 2. **Normalized e-mail.** Addresses are trimmed and lowercased. An account whose e-mail
//!    equals one declared for a person, or one reported by another account of that person,
//!    joins that person. Accounts that share an e-mail but appear in no mapping become one
//!    person together.
//! 3. **GitHub no-reply addresses** (`ID+login@users.noreply.github.com`) in commits
//!    resolve through the GitHub account id. The older `login@users.noreply.github.com`
//!    form resolves through the login of a GitHub account seen in the same batch. Such an
//!    address never links accounts of other providers, since it only names GitHub.
//! 4. **Never on display names.** Two accounts called "Alex Kim" may be two people, and a
//!    wrong merge shows one person's work, and blockers, under another's name.
//!
//! An account with no e-mail and no mapping becomes its own person, with the account key
//! as its id (`"slack:U024BE7LH"`). Leaving it unresolved would silently drop that
//! person's activity from every standup. A one-account person cannot attribute anyone
//! else's work wrongly, and adding the account to the mapping later merges it.
//!
//! Bot accounts (`is_bot`) are never people: [`IdentityMap::person_of`] returns `None`
//! for them even when the mapping lists them, and that listing is reported.
//!
//! # Conflicts
//!
//! Contradictions are reported through [`IdentityMap::conflicts`] instead of being
//! guessed: one e-mail declared for two people (the e-mail then matches nobody), one
//! account claimed by two people (the account then joins neither and is resolved as if
//! unmapped), an account whose
//! e-mail belongs to another person than the one the mapping names (the mapping wins),
//! and a bot account listed for a person.

mod email;
mod mapping;
mod resolver;

use std::fmt;

pub use email::{GitHubNoReply, normalize_email, parse_github_noreply};
pub use mapping::{IdentityConfig, PersonMapping, TeamMapping, parse_account_key};
pub use resolver::{IdentityConflict, IdentityMap, IdentityResolver};

use crate::ids::{PersonId, TeamId};
use crate::model::Provider;

/// A failure to read or validate identity-resolution input.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IdentityError {
    /// The mapping file is not valid TOML or does not have the expected keys.
    #[error("invalid identity mapping{}: {reason}", location(*.line, *.column))]
    InvalidToml {
        /// The 1-based line of the error, when the parser reported a position.
        line: Option<usize>,
        /// The 1-based column of the error, when the parser reported a position.
        column: Option<usize>,
        /// The parser's one-line description of the problem.
        reason: String,
        /// The parser's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// Two `[[person]]` entries share an id.
    #[error("duplicate person id `{person}` in identity mapping{}: give each person a unique id", location(*.line, None))]
    DuplicatePerson {
        /// The repeated id.
        person: PersonId,
        /// The 1-based line, when known.
        line: Option<usize>,
    },
    /// Two `[[team]]` entries share an id.
    #[error("duplicate team id `{team}` in identity mapping{}: give each team a unique id", location(*.line, None))]
    DuplicateTeam {
        /// The repeated id.
        team: TeamId,
        /// The 1-based line, when known.
        line: Option<usize>,
    },
    /// A team names a person that no `[[person]]` entry declares.
    #[error(
        "team `{team}` lists unknown person `{person}` as a {role}{}: add a [[person]] entry with id = \"{person}\" or remove it from the team",
        location(*.line, None)
    )]
    UnknownPerson {
        /// The team.
        team: TeamId,
        /// The undeclared person id.
        person: PersonId,
        /// Whether the id was listed as a member or a manager.
        role: TeamRole,
        /// The 1-based line, when known.
        line: Option<usize>,
    },
    /// A team lists the same person twice under one role, which would inflate its size for
    /// the minimum group size of aggregates.
    #[error(
        "team `{team}` lists `{person}` twice as a {role}{}: list each person once",
        location(*.line, None)
    )]
    RepeatedTeamMember {
        /// The team.
        team: TeamId,
        /// The repeated person id.
        person: PersonId,
        /// Whether the id was repeated among members or managers.
        role: TeamRole,
        /// The 1-based line, when known.
        line: Option<usize>,
    },
    /// An account entry is not of the form `provider:account_id`.
    #[error(
        "invalid account `{value}` for person `{person}`{}: expected `provider:account_id` with provider one of {}",
        location(*.line, None),
        known_providers()
    )]
    InvalidAccount {
        /// The person whose entry lists the account.
        person: PersonId,
        /// The value as written.
        value: String,
        /// The 1-based line, when known.
        line: Option<usize>,
    },
    /// An e-mail entry is not shaped like an address.
    #[error("invalid e-mail `{value}` for person `{person}`{}: expected an address such as name@example.com", location(*.line, None))]
    InvalidEmail {
        /// The person whose entry lists the e-mail.
        person: PersonId,
        /// The value as written.
        value: String,
        /// The 1-based line, when known.
        line: Option<usize>,
    },
}

impl IdentityError {
    /// Returns the 1-based line of the mapping file the error points at, when known.
    pub fn line(&self) -> Option<usize> {
        match self {
            IdentityError::InvalidToml { line, .. }
            | IdentityError::DuplicatePerson { line, .. }
            | IdentityError::DuplicateTeam { line, .. }
            | IdentityError::UnknownPerson { line, .. }
            | IdentityError::RepeatedTeamMember { line, .. }
            | IdentityError::InvalidAccount { line, .. }
            | IdentityError::InvalidEmail { line, .. } => *line,
        }
    }
}

impl From<IdentityError> for crate::Error {
    fn from(error: IdentityError) -> Self {
        crate::Error::Identity(error)
    }
}

/// The role under which a team lists a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TeamRole {
    /// A member of the team.
    Member,
    /// A manager of the team.
    Manager,
}

impl fmt::Display for TeamRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TeamRole::Member => "member",
            TeamRole::Manager => "manager",
        })
    }
}

fn location(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(line), Some(column)) => format!(" at line {line}, column {column}"),
        (Some(line), None) => format!(" at line {line}"),
        _ => String::new(),
    }
}

fn known_providers() -> String {
    Provider::ALL
        .iter()
        .map(|provider| provider.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}
