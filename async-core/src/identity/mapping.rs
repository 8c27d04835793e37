//! The explicit identity mapping file: people, their e-mails and accounts, and teams.

use std::collections::BTreeSet;
use std::str::FromStr;

use serde::Deserialize;
use toml::Spanned;

use super::{IdentityError, TeamRole, normalize_email};
use crate::ids::{PersonId, TeamId};
use crate::model::{AccountKey, Provider};

/// The explicit identity mapping: the people, their e-mails and accounts, and the teams.
///
/// It is usually read from TOML with [`IdentityConfig::from_toml_str`]:
///
/// ```toml
/// [[person]]
/// id = "dana"                      # the person's id
/// name = "Dana Whitfield"          # the name to show
/// emails = ["dana@acme.example"]   # optional
/// accounts = ["github:583231", "slack:U0DANA01"]  # optional, provider:account_id
///
/// [[team]]
/// id = "payments"
/// name = "Payments"
/// members = ["dana", "lee"]
/// managers = ["morgan"]
/// ```
///
/// The mapping always wins over e-mail matching.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdentityConfig {
    /// People declared in the mapping.
    pub people: Vec<PersonMapping>,
    /// Teams declared in the mapping.
    pub teams: Vec<TeamMapping>,
}

/// One `[[person]]` entry of the mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonMapping {
    /// The person's id.
    pub id: PersonId,
    /// The name to show for the person.
    pub name: String,
    /// E-mail addresses of the person, normalized (trimmed, lowercase).
    pub emails: Vec<String>,
    /// Provider accounts of the person.
    pub accounts: Vec<AccountKey>,
}

/// One `[[team]]` entry of the mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamMapping {
    /// The team's id.
    pub id: TeamId,
    /// The team's name.
    pub name: String,
    /// The people in the team.
    pub members: Vec<PersonId>,
    /// The people who manage the team; a manager need not be a member.
    pub managers: Vec<PersonId>,
}

impl IdentityConfig {
    /// Parses and validates a mapping file in TOML.
    ///
    /// # Errors
    ///
    /// Returns [`IdentityError::InvalidToml`] with the line and column when the text is not
    /// TOML or has unknown or missing keys. The other [`IdentityError`] variants, with the
    /// line, report a malformed account or e-mail, a duplicate id, or a team naming a
    /// person the file does not declare.
    ///
    /// # Examples
    ///
    /// ```
    /// use async_core::identity::IdentityConfig;
    ///
    /// let config = IdentityConfig::from_toml_str(r#"
    ///     [[person]]
    ///     id = "dana"
    ///     name = "Dana Whitfield"
    ///     accounts = ["github:583231"]
    ///
    ///     [[team]]
    ///     id = "payments"
    ///     name = "Payments"
    ///     members = ["dana"]
    /// "#)?;
    /// assert_eq!(config.people[0].accounts[0].to_string(), "github:583231");
    /// # Ok::<(), async_core::identity::IdentityError>(())
    /// ```
    pub fn from_toml_str(text: &str) -> Result<Self, IdentityError> {
        let raw: RawFile = toml::from_str(text).map_err(|error| toml_error(text, error))?;
        let lines = LineIndex::new(text);
        raw.check_unique_ids(&lines)?;

        let people = raw
            .person
            .into_iter()
            .map(|person| person.into_mapping(&lines))
            .collect::<Result<Vec<_>, _>>()?;
        let teams = raw
            .team
            .into_iter()
            .map(|team| team.into_mapping(&lines))
            .collect::<Vec<_>>();

        let config = IdentityConfig {
            people,
            teams: teams.iter().map(|(team, _)| team.clone()).collect(),
        };
        config.check(|team, person| {
            teams
                .iter()
                .find(|(mapping, _)| &mapping.id == team)
                .and_then(|(_, spans)| spans.line_of(person))
        })?;
        Ok(config)
    }

    /// Checks that ids are unique and that every team names only declared people.
    ///
    /// # Errors
    ///
    /// Returns [`IdentityError::DuplicatePerson`], [`IdentityError::DuplicateTeam`] or
    /// [`IdentityError::UnknownPerson`] (without a line number, since a config built in
    /// code has no source text).
    pub fn validate(&self) -> Result<(), IdentityError> {
        self.check(|_, _| None)
    }

    fn check(
        &self,
        line_of: impl Fn(&TeamId, &PersonId) -> Option<usize>,
    ) -> Result<(), IdentityError> {
        let mut people = BTreeSet::new();
        for person in &self.people {
            if !people.insert(&person.id) {
                return Err(IdentityError::DuplicatePerson {
                    person: person.id.clone(),
                    line: None,
                });
            }
        }

        let mut teams = BTreeSet::new();
        for team in &self.teams {
            if !teams.insert(&team.id) {
                return Err(IdentityError::DuplicateTeam {
                    team: team.id.clone(),
                    line: None,
                });
            }
            let roles = [
                (TeamRole::Member, &team.members),
                (TeamRole::Manager, &team.managers),
            ];
            for (role, ids) in roles {
                if let Some(unknown) = ids.iter().find(|id| !people.contains(id)) {
                    return Err(IdentityError::UnknownPerson {
                        team: team.id.clone(),
                        person: unknown.clone(),
                        role,
                        line: line_of(&team.id, unknown),
                    });
                }
                let mut listed = BTreeSet::new();
                if let Some(repeated) = ids.iter().find(|id| !listed.insert(*id)) {
                    return Err(IdentityError::RepeatedTeamMember {
                        team: team.id.clone(),
                        person: repeated.clone(),
                        role,
                        line: line_of(&team.id, repeated),
                    });
                }
            }
        }
        Ok(())
    }
}

impl FromStr for IdentityConfig {
    type Err = IdentityError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::from_toml_str(text)
    }
}

/// Parses an account reference of the form `provider:account_id` (`github:583231`).
///
/// The provider is matched case-insensitively against [`Provider::ALL`]; the account id
/// is kept exactly as written and must be non-empty without whitespace. Returns `None`
/// for anything else.
///
/// # Examples
///
/// ```
/// use async_core::identity::parse_account_key;
/// use async_core::model::Provider;
///
/// let key = parse_account_key("slack:U0DANA01").expect("valid");
/// assert_eq!(key.provider, Provider::Slack);
/// assert!(parse_account_key("U0DANA01").is_none());
/// ```
pub fn parse_account_key(value: &str) -> Option<AccountKey> {
    let (provider, account_id) = value.trim().split_once(':')?;
    let provider = Provider::ALL
        .into_iter()
        .find(|known| known.as_str().eq_ignore_ascii_case(provider))?;
    if account_id.is_empty() || account_id.chars().any(char::is_whitespace) {
        return None;
    }

    Some(AccountKey::new(provider, account_id))
}

/// The mapping file as written, with source positions for error messages.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    person: Vec<RawPerson>,
    #[serde(default)]
    team: Vec<RawTeam>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPerson {
    id: Spanned<String>,
    name: String,
    #[serde(default)]
    emails: Vec<Spanned<String>>,
    #[serde(default)]
    accounts: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTeam {
    id: Spanned<String>,
    name: String,
    #[serde(default)]
    members: Vec<Spanned<String>>,
    #[serde(default)]
    managers: Vec<Spanned<String>>,
}

impl RawFile {
    /// Rejects repeated person or team ids, pointing at the line of the repetition.
    fn check_unique_ids(&self, lines: &LineIndex) -> Result<(), IdentityError> {
        let mut people = BTreeSet::new();
        for person in &self.person {
            let id = person.id.get_ref().trim();
            if !people.insert(id) {
                return Err(IdentityError::DuplicatePerson {
                    person: PersonId::new(id),
                    line: Some(lines.line(person.id.span().start)),
                });
            }
        }

        let mut teams = BTreeSet::new();
        for team in &self.team {
            let id = team.id.get_ref().trim();
            if !teams.insert(id) {
                return Err(IdentityError::DuplicateTeam {
                    team: TeamId::new(id),
                    line: Some(lines.line(team.id.span().start)),
                });
            }
        }
        Ok(())
    }
}

impl RawPerson {
    fn into_mapping(self, lines: &LineIndex) -> Result<PersonMapping, IdentityError> {
        let id = PersonId::new(self.id.get_ref().trim());

        let mut emails = Vec::with_capacity(self.emails.len());
        for email in &self.emails {
            let normalized =
                normalize_email(email.get_ref()).ok_or_else(|| IdentityError::InvalidEmail {
                    person: id.clone(),
                    value: email.get_ref().clone(),
                    line: Some(lines.line(email.span().start)),
                })?;
            emails.push(normalized);
        }

        let mut accounts = Vec::with_capacity(self.accounts.len());
        for account in &self.accounts {
            let key = parse_account_key(account.get_ref()).ok_or_else(|| {
                IdentityError::InvalidAccount {
                    person: id.clone(),
                    value: account.get_ref().clone(),
                    line: Some(lines.line(account.span().start)),
                }
            })?;
            accounts.push(key);
        }

        Ok(PersonMapping {
            id,
            name: self.name,
            emails,
            accounts,
        })
    }
}

/// Line numbers of a team's member and manager entries.
struct TeamSpans(Vec<(PersonId, usize)>);

impl TeamSpans {
    fn line_of(&self, person: &PersonId) -> Option<usize> {
        self.0
            .iter()
            .find(|(id, _)| id == person)
            .map(|(_, line)| *line)
    }
}

impl RawTeam {
    fn into_mapping(self, lines: &LineIndex) -> (TeamMapping, TeamSpans) {
        let mut spans = Vec::new();
        let mut ids = |entries: Vec<Spanned<String>>| -> Vec<PersonId> {
            entries
                .into_iter()
                .map(|entry| {
                    let id = PersonId::new(entry.get_ref().trim());
                    spans.push((id.clone(), lines.line(entry.span().start)));
                    id
                })
                .collect()
        };
        let members = ids(self.members);
        let managers = ids(self.managers);

        let mapping = TeamMapping {
            id: TeamId::new(self.id.get_ref().trim()),
            name: self.name,
            members,
            managers,
        };
        (mapping, TeamSpans(spans))
    }
}

/// Converts byte offsets into 1-based line numbers.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        Self { starts }
    }

    fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|start| *start <= offset)
    }

    fn column(&self, text: &str, offset: usize) -> usize {
        let line_start = self.starts[self.line(offset).saturating_sub(1)];
        text.get(line_start..offset)
            .map_or(1, |prefix| prefix.chars().count() + 1)
    }
}

fn toml_error(text: &str, error: toml::de::Error) -> IdentityError {
    let lines = LineIndex::new(text);
    let position = error
        .span()
        .map(|span| (lines.line(span.start), lines.column(text, span.start)));

    IdentityError::InvalidToml {
        line: position.map(|(line, _)| line),
        column: position.map(|(_, column)| column),
        reason: error.message().to_owned(),
        source: Box::new(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_counts_from_one() {
        let text = "a\nbc\n\nd";
        let lines = LineIndex::new(text);

        assert_eq!(lines.line(0), 1);
        assert_eq!(lines.line(2), 2);
        assert_eq!(lines.line(3), 2);
        assert_eq!(lines.line(6), 4);
        assert_eq!(lines.column(text, 3), 2);
    }

    #[test]
    fn account_key_rejects_unknown_provider_and_blank_id() {
        assert!(parse_account_key("gitlab:1").is_none());
        assert!(parse_account_key("github:").is_none());
        assert!(parse_account_key("github:5 8").is_none());
        assert_eq!(
            parse_account_key("GitHub:583231"),
            Some(AccountKey::new(Provider::GitHub, "583231"))
        );
    }
}
