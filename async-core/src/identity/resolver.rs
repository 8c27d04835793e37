//! Joining accounts into people, and looking up the person behind an account.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::id_hash::{IdMap, IdSet};

use super::{GitHubNoReply, IdentityConfig, IdentityError, normalize_email, parse_github_noreply};
use crate::ids::{AccountId, PersonId};
use crate::model::{AccountKey, ActivityBatch, Person, Provider, ProviderAccount, Team};

/// A contradiction found while resolving identities; the resolver reports it instead of
/// guessing.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
#[non_exhaustive]
pub enum IdentityConflict {
    /// The mapping declares one e-mail for several people; the e-mail matches none of them.
    EmailOnSeveralPeople {
        /// The normalized e-mail.
        email: String,
        /// The people declaring it, sorted.
        people: Vec<PersonId>,
    },
    /// The mapping lists one account for several people; the account joins neither and
    /// is resolved as if unmapped.
    AccountClaimedTwice {
        /// The account.
        account: AccountKey,
        /// The people listing it, sorted.
        people: Vec<PersonId>,
    },
    /// A mapped account reports an e-mail that belongs to another person; the mapping wins.
    EmailContradictsMapping {
        /// The account.
        account: AccountKey,
        /// The account's normalized e-mail.
        email: String,
        /// The person the mapping assigns the account to.
        mapped_to: PersonId,
        /// The person the e-mail belongs to.
        email_owner: PersonId,
    },
    /// The mapping lists a bot account for a person; bots are never people.
    BotAccountMapped {
        /// The bot account.
        account: AccountKey,
        /// The person the mapping assigns it to.
        person: PersonId,
    },
}

impl std::fmt::Display for IdentityConflict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names = |people: &[PersonId]| {
            let ids: Vec<&str> = people.iter().map(PersonId::as_str).collect();
            ids.join(", ")
        };
        match self {
            IdentityConflict::EmailOnSeveralPeople { email, people } => write!(
                f,
                "e-mail {email} is declared for {}, so it matches none of them",
                names(people)
            ),
            IdentityConflict::AccountClaimedTwice { account, people } => write!(
                f,
                "account {account} is listed for {}, so it joins neither",
                names(people)
            ),
            IdentityConflict::EmailContradictsMapping {
                account,
                email,
                mapped_to,
                email_owner,
            } => write!(
                f,
                "account {account} is mapped to {mapped_to} but reports {email}, which belongs to {email_owner}; the mapping wins"
            ),
            IdentityConflict::BotAccountMapped { account, person } => {
                write!(
                    f,
                    "bot account {account} is mapped to {person}; bots are never people"
                )
            }
        }
    }
}

/// Joins provider accounts into people following an [`IdentityConfig`].
///
/// See the [module documentation](super) for the rules.
///
/// # Examples
///
/// ```
/// use async_core::identity::{IdentityConfig, IdentityResolver};
/// use async_core::model::{AccountKey, Provider, ProviderAccount};
///
/// let config = IdentityConfig::from_toml_str(r#"
///     [[person]]
///     id = "dana"
///     name = "Dana Whitfield"
///     emails = ["dana@acme.example"]
///     accounts = ["github:583231"]
/// "#)?;
/// let mut slack = ProviderAccount::new(AccountKey::new(Provider::Slack, "U0DANA01"));
/// slack.email = Some("Dana@Acme.example".into());
///
/// let map = IdentityResolver::new(config)?.resolve(&[slack.clone()], ["583231+dana-w@users.noreply.github.com"]);
///
/// assert_eq!(map.person_of(&slack.key).map(|id| id.as_str()), Some("dana"));
/// assert_eq!(
///     map.person_of_commit_email("583231+dana-w@users.noreply.github.com").map(|id| id.as_str()),
///     Some("dana"),
/// );
/// # Ok::<(), async_core::identity::IdentityError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct IdentityResolver {
    config: IdentityConfig,
    // What the mapping alone decides (declared people, their accounts and e-mails, and
    // the mapping's own conflicts), worked out once here rather than on every batch.
    seed: Builder,
}

impl IdentityResolver {
    /// Creates a resolver for a validated mapping.
    ///
    /// # Errors
    ///
    /// Returns the error of [`IdentityConfig::validate`] when ids repeat or a team names
    /// an undeclared person.
    pub fn new(config: IdentityConfig) -> Result<Self, IdentityError> {
        config.validate()?;
        let seed = Builder::from_config(&config);
        Ok(Self { config, seed })
    }

    /// Resolves the accounts and commit e-mails of a batch.
    ///
    /// Accounts that records name (authors, reviewers, assignees, message writers) but
    /// that `batch.accounts` does not list are resolved too, as accounts without profile
    /// data, so that no activity is dropped because a connector skipped a profile.
    pub fn resolve_batch(&self, batch: &ActivityBatch) -> IdentityMap {
        // A hash set: this lookup runs once per account reference in the batch, and only
        // the unlisted set below needs an order.
        let listed: IdSet<&AccountKey> =
            batch.accounts.iter().map(|account| &account.key).collect();
        let unlisted: BTreeSet<&AccountKey> = referenced_accounts(batch)
            .filter(|key| !listed.contains(key))
            .collect();
        let unlisted: Vec<ProviderAccount> = unlisted
            .into_iter()
            .cloned()
            .map(ProviderAccount::new)
            .collect();

        let commit_emails = batch
            .pull_requests
            .iter()
            .flat_map(|pull| &pull.commits)
            .filter_map(|commit| commit.author_email.as_deref());
        self.resolve_all(batch.accounts.iter().chain(&unlisted), commit_emails)
    }

    /// Resolves `accounts` into people. Each of the `commit_emails` that matches no person
    /// is listed by [`IdentityMap::unresolved_emails`].
    ///
    /// The result does not depend on the order of `accounts`. An account listed twice is
    /// merged: the first e-mail wins, and it is a bot if either entry marks it as one.
    pub fn resolve<'a>(
        &self,
        accounts: &[ProviderAccount],
        commit_emails: impl IntoIterator<Item = &'a str>,
    ) -> IdentityMap {
        self.resolve_all(accounts, commit_emails)
    }

    fn resolve_all<'a, 'b>(
        &self,
        accounts: impl IntoIterator<Item = &'b ProviderAccount>,
        commit_emails: impl IntoIterator<Item = &'a str>,
    ) -> IdentityMap {
        let mut builder = self.seed.clone();
        let accounts = dedupe(accounts);

        // Mapped accounts go first so that the e-mails they report are learned before an
        // unmapped account with the same e-mail could found a person of its own.
        let (mapped, unmapped): (Vec<_>, Vec<_>) = accounts
            .iter()
            .partition(|account| builder.by_account.contains_key(&account.key));
        for account in mapped {
            builder.add_mapped(account);
        }
        for account in unmapped {
            builder.add_unmapped(account);
        }

        let mut map = builder.finish(&self.config);
        // Every commit of a person repeats the same few addresses, so each distinct raw
        // address is normalized and looked up once.
        let distinct: HashSet<&str> = commit_emails.into_iter().collect();
        map.unresolved_emails = distinct
            .into_iter()
            .filter(|email| map.person_of_commit_email(email).is_none())
            .filter_map(normalize_email)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        map
    }
}

/// The result of identity resolution: people, teams, and the account of every person.
#[derive(Debug, Clone, Default)]
pub struct IdentityMap {
    people: Vec<Person>,
    teams: Vec<Team>,
    // Hash maps: insights look up the person behind every account reference of every
    // record, and a tree's string comparisons made that cost grow with the workspace.
    by_account: IdMap<AccountKey, PersonId>,
    by_email: HashMap<String, PersonId>,
    github_logins: HashMap<String, AccountKey>,
    mapped: IdSet<PersonId>,
    bots: IdSet<AccountKey>,
    conflicts: Vec<IdentityConflict>,
    unresolved_emails: Vec<String>,
}

impl IdentityMap {
    /// Returns the person an account belongs to; `None` for bots and unknown accounts.
    pub fn person_of(&self, account: &AccountKey) -> Option<&PersonId> {
        self.by_account.get(account)
    }

    /// Returns the person with `id`.
    pub fn person(&self, id: &PersonId) -> Option<&Person> {
        self.people
            .binary_search_by(|person| person.id.cmp(id))
            .ok()
            .and_then(|index| self.people.get(index))
    }

    /// Returns every person, sorted by id.
    pub fn people(&self) -> &[Person] {
        &self.people
    }

    /// Returns the teams, in mapping order.
    pub fn teams(&self) -> &[Team] {
        &self.teams
    }

    /// Returns the teams `person` is a member of.
    pub fn teams_of<'a>(&'a self, person: &'a PersonId) -> impl Iterator<Item = &'a Team> + 'a {
        self.teams
            .iter()
            .filter(move |team| team.members.contains(person))
    }

    /// Returns the contradictions found, sorted.
    pub fn conflicts(&self) -> &[IdentityConflict] {
        &self.conflicts
    }

    /// Returns whether the person was declared in the mapping rather than derived from
    /// accounts.
    pub fn is_mapped(&self, person: &PersonId) -> bool {
        self.mapped.contains(person)
    }

    /// Returns whether the account is a bot seen during resolution.
    pub fn is_bot(&self, account: &AccountKey) -> bool {
        self.bots.contains(account)
    }

    /// Returns the normalized commit e-mails given to the resolver that match no person,
    /// sorted.
    pub fn unresolved_emails(&self) -> &[String] {
        &self.unresolved_emails
    }

    /// Returns the person a commit's author e-mail belongs to.
    ///
    /// The e-mail is normalized first. A GitHub no-reply address resolves through the
    /// GitHub account id it contains. The older no-reply form resolves through the login of
    /// a GitHub account seen during resolution. Any other address must equal an e-mail of a
    /// person.
    pub fn person_of_commit_email(&self, email: &str) -> Option<&PersonId> {
        let email = normalize_email(email)?;

        match parse_github_noreply(&email) {
            Some(GitHubNoReply::Id { id, login }) => self
                .person_of(&AccountKey::new(Provider::GitHub, AccountId::new(id)))
                .or_else(|| self.person_of_github_login(&login)),
            Some(GitHubNoReply::Login(login)) => self.person_of_github_login(&login),
            None => self.by_email.get(&email),
        }
    }

    fn person_of_github_login(&self, login: &str) -> Option<&PersonId> {
        self.github_logins
            .get(login)
            .and_then(|account| self.person_of(account))
    }
}

/// Returns every account a record of the batch names.
fn referenced_accounts(batch: &ActivityBatch) -> impl Iterator<Item = &AccountKey> {
    let pulls = batch.pull_requests.iter().flat_map(|pull| {
        let reviewers = pull
            .reviews
            .iter()
            .filter_map(|review| review.reviewer.as_ref());
        let commenters = pull
            .review_comments
            .iter()
            .filter_map(|comment| comment.author.as_ref());
        let committers = pull
            .commits
            .iter()
            .filter_map(|commit| commit.author.as_ref());
        pull.author
            .iter()
            .chain(&pull.requested_reviewers)
            .chain(reviewers)
            .chain(commenters)
            .chain(committers)
    });
    let items = batch.work_items.iter().flat_map(|item| {
        let movers = item
            .status_history
            .iter()
            .filter_map(|change| change.author.as_ref());
        item.assignee.iter().chain(&item.reporter).chain(movers)
    });
    // A message flagged as posted by a bot marks its writer as no person.
    let writers = batch
        .messages
        .iter()
        .filter(|message| !message.is_bot)
        .filter_map(|message| message.author.as_ref());

    pulls.chain(items).chain(writers)
}

/// Merges repeated entries for one account and sorts by key.
fn dedupe<'a>(accounts: impl IntoIterator<Item = &'a ProviderAccount>) -> Vec<ProviderAccount> {
    let mut merged: BTreeMap<&AccountKey, ProviderAccount> = BTreeMap::new();
    for account in accounts {
        merged
            .entry(&account.key)
            .and_modify(|seen| {
                seen.is_bot |= account.is_bot;
                if seen.email.is_none() {
                    seen.email.clone_from(&account.email);
                }
                if seen.login.is_none() {
                    seen.login.clone_from(&account.login);
                }
                if seen.display_name.is_none() {
                    seen.display_name.clone_from(&account.display_name);
                }
            })
            .or_insert_with(|| account.clone());
    }
    merged.into_values().collect()
}

/// Returns the account's e-mail as a cross-provider join key: normalized, and `None`
/// for GitHub no-reply addresses, which only ever name the GitHub account itself.
fn join_email(account: &ProviderAccount) -> Option<String> {
    let email = normalize_email(account.email.as_deref()?)?;
    parse_github_noreply(&email).is_none().then_some(email)
}

/// Mutable state while resolving.
#[derive(Debug, Clone, Default)]
struct Builder {
    people: BTreeMap<PersonId, Person>,
    by_account: IdMap<AccountKey, PersonId>,
    by_email: HashMap<String, PersonId>,
    disputed_emails: BTreeSet<String>,
    github_logins: HashMap<String, AccountKey>,
    bots: IdSet<AccountKey>,
    conflicts: Vec<IdentityConflict>,
}

impl Builder {
    fn from_config(config: &IdentityConfig) -> Self {
        let mut builder = Builder {
            people: BTreeMap::new(),
            by_account: IdMap::default(),
            by_email: HashMap::new(),
            disputed_emails: BTreeSet::new(),
            github_logins: HashMap::new(),
            bots: IdSet::default(),
            conflicts: Vec::new(),
        };

        let mut account_claims: BTreeMap<&AccountKey, BTreeSet<&PersonId>> = BTreeMap::new();
        let mut email_claims: BTreeMap<&str, BTreeSet<&PersonId>> = BTreeMap::new();
        for entry in &config.people {
            for account in &entry.accounts {
                account_claims.entry(account).or_default().insert(&entry.id);
            }
            for email in &entry.emails {
                email_claims.entry(email).or_default().insert(&entry.id);
            }
        }

        for (account, claims) in &account_claims {
            if claims.len() > 1 {
                builder
                    .conflicts
                    .push(IdentityConflict::AccountClaimedTwice {
                        account: (*account).clone(),
                        people: claims.iter().map(|id| (*id).clone()).collect(),
                    });
            }
        }
        for (email, claims) in &email_claims {
            if claims.len() > 1 {
                builder.disputed_emails.insert((*email).to_owned());
                builder
                    .conflicts
                    .push(IdentityConflict::EmailOnSeveralPeople {
                        email: (*email).to_owned(),
                        people: claims.iter().map(|id| (*id).clone()).collect(),
                    });
            }
        }

        for entry in &config.people {
            let accounts = entry
                .accounts
                .iter()
                .filter(|account| account_claims.get(account).is_some_and(|c| c.len() == 1))
                .cloned()
                .collect::<Vec<_>>();
            let emails = entry
                .emails
                .iter()
                .filter(|email| !builder.disputed_emails.contains(*email))
                .cloned()
                .collect::<Vec<_>>();

            for account in &accounts {
                builder.by_account.insert(account.clone(), entry.id.clone());
            }
            for email in &emails {
                builder.by_email.insert(email.clone(), entry.id.clone());
            }
            builder.people.insert(
                entry.id.clone(),
                Person {
                    id: entry.id.clone(),
                    display_name: entry.name.clone(),
                    emails,
                    accounts,
                },
            );
        }
        builder
    }

    /// Records what every account contributes regardless of who it belongs to; returns
    /// `false` for a bot, which then joins no person.
    fn observe(&mut self, account: &ProviderAccount) -> bool {
        if account.key.provider == Provider::GitHub
            && let Some(login) = &account.login
        {
            self.github_logins
                .insert(login.trim().to_lowercase(), account.key.clone());
        }
        if account.is_bot {
            self.bots.insert(account.key.clone());
        }
        !account.is_bot
    }

    fn add_mapped(&mut self, account: &ProviderAccount) {
        let Some(person) = self.by_account.get(&account.key).cloned() else {
            return;
        };
        if !self.observe(account) {
            self.by_account.remove(&account.key);
            if let Some(entry) = self.people.get_mut(&person) {
                entry.accounts.retain(|key| key != &account.key);
            }
            self.conflicts.push(IdentityConflict::BotAccountMapped {
                account: account.key.clone(),
                person,
            });
            return;
        }

        let Some(email) = join_email(account) else {
            return;
        };
        match self.by_email.get(&email) {
            Some(owner) if *owner != person => {
                self.conflicts
                    .push(IdentityConflict::EmailContradictsMapping {
                        account: account.key.clone(),
                        email,
                        mapped_to: person,
                        email_owner: owner.clone(),
                    });
            }
            Some(_) => {}
            None if self.disputed_emails.contains(&email) => {}
            None => self.learn_email(&person, email),
        }
    }

    fn add_unmapped(&mut self, account: &ProviderAccount) {
        if !self.observe(account) {
            return;
        }

        let email = join_email(account).filter(|email| !self.disputed_emails.contains(email));
        if let Some(owner) = email.as_ref().and_then(|email| self.by_email.get(email)) {
            let owner = owner.clone();
            self.attach(&owner, &account.key);
            return;
        }

        let id = self.free_id(&account.key);
        let display_name = account
            .display_name
            .clone()
            .or_else(|| account.login.clone())
            .unwrap_or_else(|| account.key.to_string());
        self.people.insert(
            id.clone(),
            Person {
                id: id.clone(),
                display_name,
                emails: Vec::new(),
                accounts: Vec::new(),
            },
        );
        self.attach(&id, &account.key);
        if let Some(email) = email {
            self.learn_email(&id, email);
        }
    }

    fn attach(&mut self, person: &PersonId, account: &AccountKey) {
        self.by_account.insert(account.clone(), person.clone());
        if let Some(entry) = self.people.get_mut(person) {
            entry.accounts.push(account.clone());
        }
    }

    fn learn_email(&mut self, person: &PersonId, email: String) {
        if let Some(entry) = self.people.get_mut(person) {
            entry.emails.push(email.clone());
        }
        self.by_email.insert(email, person.clone());
    }

    /// Picks the id of a person derived from one account: the account key, suffixed in
    /// the unlikely case that the mapping already uses it.
    fn free_id(&self, account: &AccountKey) -> PersonId {
        let base = account.to_string();
        let mut candidate = PersonId::new(base.clone());
        let mut suffix = 2;
        while self.people.contains_key(&candidate) {
            candidate = PersonId::new(format!("{base}#{suffix}"));
            suffix += 1;
        }
        candidate
    }

    fn finish(mut self, config: &IdentityConfig) -> IdentityMap {
        let mut people: Vec<Person> = std::mem::take(&mut self.people).into_values().collect();
        for person in &mut people {
            person.accounts.sort();
            person.accounts.dedup();
            person.emails.sort();
            person.emails.dedup();
        }
        self.conflicts.sort();

        let teams = config
            .teams
            .iter()
            .map(|team| Team {
                id: team.id.clone(),
                name: team.name.clone(),
                members: team.members.clone(),
                managers: team.managers.clone(),
            })
            .collect();

        IdentityMap {
            people,
            teams,
            by_account: self.by_account,
            by_email: self.by_email,
            github_logins: self.github_logins,
            mapped: config.people.iter().map(|entry| entry.id.clone()).collect(),
            bots: self.bots,
            conflicts: self.conflicts,
            unresolved_emails: Vec::new(),
        }
    }
}
