//! Deterministic synthetic workspaces for benchmarks and tests.
//!
//! [`workspace`] builds a mix of accounts, pull requests, work items and chat messages
//! whose size grows linearly with the number of people. It draws from a seeded xorshift
//! generator instead of a randomness crate, which is enough for realistic variety and
//! keeps every run identical.
//!
//! [`build`] contains the record builders the generator uses, with neutral defaults, so
//! tests can write small hand-made records in a few lines.
//!
//! The module is hidden from the documentation because it is tooling, not product API.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};

use crate::identity::{IdentityConfig, PersonMapping, TeamMapping};
use crate::ids::{ChannelId, PersonId, TeamId, WorkItemKey};
use crate::model::{
    AccountKey, ActivityBatch, ChatChannel, Commit, IssueLink, LinkDirection, Provider,
    ProviderAccount, PullRequestState, ReviewState, StatusCategory, StatusChange, TimeWindow,
};

/// The number of people per generated team.
const TEAM_SIZE: usize = 6;

/// Returns the `now` the generated records are arranged around: Wednesday,
/// January 7, 2026, 09:00 UTC.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 7, 9, 0, 0)
        .single()
        .unwrap_or(DateTime::UNIX_EPOCH)
}

/// Returns the window a standup at [`now`] covers: the 24 hours before it.
pub fn window() -> TimeWindow {
    TimeWindow::new(now() - TimeDelta::days(1), now())
}

/// Generates a workspace of `people` people in teams of six, from `seed`.
///
/// Per person: three accounts (GitHub, Slack, Jira), three pull requests, five work items
/// and six messages, plus two bot accounts per workspace. About four in five people are
/// mapped with all their accounts; the rest are mapped by e-mail only, so resolution has
/// e-mail matching to do.
pub fn workspace(people: usize, seed: u64) -> (ActivityBatch, IdentityConfig) {
    let mut generator = Generator {
        rng: XorShift::new(seed),
        batch: ActivityBatch::default(),
        config: IdentityConfig::default(),
        people,
    };

    generator.bots();
    for index in 0..people {
        generator.person(index);
    }
    for team in 0..people.div_ceil(TEAM_SIZE) {
        generator.team(team);
    }
    (generator.batch, generator.config)
}

/// A xorshift64 pseudo-random generator (Marsaglia 2003): fast, tiny and reproducible.
#[derive(Debug, Clone)]
struct XorShift(u64);

impl XorShift {
    fn new(seed: u64) -> Self {
        // Zero is the generator's only fixed point, so it is replaced by a constant.
        Self(if seed == 0 {
            0x9E37_79B9_7F4A_7C15
        } else {
            seed
        })
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, bound: u64) -> u64 {
        if bound == 0 { 0 } else { self.next() % bound }
    }

    fn percent(&mut self, chance: u64) -> bool {
        self.below(100) < chance
    }

    fn minutes_before(&mut self, instant: DateTime<Utc>, max_hours: u64) -> DateTime<Utc> {
        let minutes = i64::try_from(self.below(max_hours * 60)).unwrap_or(0);
        instant - TimeDelta::minutes(minutes)
    }
}

struct Generator {
    rng: XorShift,
    batch: ActivityBatch,
    config: IdentityConfig,
    people: usize,
}

fn github(index: usize) -> AccountKey {
    AccountKey::new(Provider::GitHub, (100_000 + index).to_string())
}

fn slack(index: usize) -> AccountKey {
    AccountKey::new(Provider::Slack, format!("U{index:08}"))
}

fn jira(index: usize) -> AccountKey {
    AccountKey::new(Provider::Jira, format!("5b10a2844c2016{index:010}"))
}

fn channel(team: usize) -> ChannelId {
    ChannelId::new(format!("C{team:08}"))
}

const BOT_GITHUB: &str = "49699333";
const BOT_SLACK: &str = "B00DEPLOY";

const STATUSES: [(&str, StatusCategory); 6] = [
    ("To Do", StatusCategory::ToDo),
    ("In Progress", StatusCategory::InProgress),
    ("In Review", StatusCategory::InProgress),
    ("Blocked", StatusCategory::InProgress),
    ("Done", StatusCategory::Done),
    ("Done", StatusCategory::Done),
];

const CHATTER: [&str; 6] = [
    "Pushed the retry change, CI is green",
    "Pairing with the platform team after lunch",
    "Anyone seen the flaky checkout test today?",
    "Reviewing the ledger migration now",
    "Notes from the planning call are in the doc",
    "Deploying the config change to staging",
];

const BLOCKED: [&str; 4] = [
    "Blocked on the schema review for {key}",
    "Still waiting for access to the staging database",
    "I'm stuck on {key}, the sandbox keeps timing out",
    "Can't proceed with {key} until the API key is rotated",
];

impl Generator {
    fn bots(&mut self) {
        let mut dependabot = ProviderAccount::new(AccountKey::new(Provider::GitHub, BOT_GITHUB));
        dependabot.login = Some("dependabot[bot]".into());
        dependabot.is_bot = true;
        let mut deploybot = ProviderAccount::new(AccountKey::new(Provider::Slack, BOT_SLACK));
        deploybot.is_bot = true;
        self.batch.accounts.extend([dependabot, deploybot]);
    }

    fn person(&mut self, index: usize) {
        let email = format!("person{index}@acme.example");
        let login = format!("dev{index}");
        let team = index / TEAM_SIZE;

        let mut gh = ProviderAccount::new(github(index));
        gh.login = Some(login.clone());
        gh.display_name = Some(format!("Person {index}"));
        let mut sl = ProviderAccount::new(slack(index));
        sl.email = Some(email.clone());
        let mut ji = ProviderAccount::new(jira(index));
        // Jira Cloud often hides e-mail addresses, so only some accounts carry one.
        ji.email = self.rng.percent(50).then(|| email.clone());
        self.batch.accounts.extend([gh, sl, ji]);

        let mapped_fully = self.rng.percent(80);
        let accounts = if mapped_fully {
            vec![github(index), slack(index), jira(index)]
        } else {
            vec![github(index)]
        };
        self.config.people.push(PersonMapping {
            id: PersonId::new(format!("p{index:04}")),
            name: format!("Person {index}"),
            emails: vec![email],
            accounts,
        });

        for number in 0..3 {
            self.pull_request(index, team, number, &login);
        }
        for number in 0..5 {
            self.work_item(index, number);
        }
        for number in 0..6 {
            self.message(index, team, number);
        }
    }

    fn teammate(&mut self, index: usize) -> usize {
        let team_start = (index / TEAM_SIZE) * TEAM_SIZE;
        let team_len = TEAM_SIZE.min(self.people - team_start);
        let offset = 1 + usize::try_from(self.rng.below(team_len.max(2) as u64 - 1)).unwrap_or(0);
        team_start + (index - team_start + offset) % team_len.max(1)
    }

    fn pull_request(&mut self, index: usize, team: usize, number: usize, login: &str) {
        let created = self.rng.minutes_before(now(), 96);
        let repo = format!("acme/service-{team}");
        let mut pull = build::pull_request(
            &repo,
            (index * 10 + number) as u64,
            Some(github(index)),
            created,
        );
        pull.title = format!("Improve handling of case {number} for person {index}");
        pull.work_items = vec![WorkItemKey::new(format!("T{team}-{}", index * 10 + number))];
        pull.commits = vec![Commit {
            sha: format!("{:040x}", self.rng.next()).into(),
            author: Some(github(index)),
            author_email: Some(format!(
                "{}+{login}@users.noreply.github.com",
                100_000 + index
            )),
            authored_at: Some(created),
            committed_at: Some(created),
            headline: pull.title.clone(),
        }];

        match self.rng.below(4) {
            0 => pull.is_draft = true,
            1 => {
                let merged = created + TimeDelta::minutes(30 + self.rng.below(600) as i64);
                if merged < now() {
                    pull.state = PullRequestState::Merged;
                    pull.merged_at = Some(merged);
                    pull.closed_at = Some(merged);
                }
            }
            _ => {}
        }
        if self.rng.percent(60) && self.people > 1 {
            let reviewer = self.teammate(index);
            let at = created + TimeDelta::minutes(self.rng.below(1_800) as i64);
            if at < now() {
                let state = if self.rng.percent(70) {
                    ReviewState::Approved
                } else {
                    ReviewState::ChangesRequested
                };
                pull.reviews.push(build::review(
                    &format!("{}{number}", index),
                    github(reviewer),
                    state,
                    at,
                ));
            }
        } else if self.people > 1 {
            pull.requested_reviewers.push(github(self.teammate(index)));
        }
        pull.updated_at = pull.merged_at.unwrap_or(created);
        self.batch.pull_requests.push(pull);
    }

    fn work_item(&mut self, index: usize, number: usize) {
        let team = index / TEAM_SIZE;
        let key = format!("T{team}-{}", index * 10 + number);
        let (status, category) = STATUSES[self.rng.below(STATUSES.len() as u64) as usize];
        let updated = self.rng.minutes_before(now(), 24 * 7);

        let mut item = build::work_item(&key, status, category, Some(jira(index)), updated);
        item.summary = format!("Task {number} of person {index}");
        item.status_history.push(StatusChange {
            at: updated,
            author: Some(jira(index)),
            from: Some("To Do".into()),
            to: status.into(),
        });
        if category == StatusCategory::Done {
            item.resolved_at = Some(updated);
        }
        item.is_flagged = category != StatusCategory::Done && self.rng.percent(5);
        if self.rng.percent(10) {
            let other = self.rng.below(self.people as u64 * 10) as usize;
            item.links.push(IssueLink {
                link_type: "Blocks".into(),
                direction: LinkDirection::Inward,
                description: "is blocked by".into(),
                other: WorkItemKey::new(format!("T{}-{other}", other / (TEAM_SIZE * 10))),
                other_status_category: None,
            });
        }
        self.batch.work_items.push(item);
    }

    fn message(&mut self, index: usize, team: usize, number: usize) {
        // The microseconds make every `ts` unique within the channel, as Slack guarantees.
        let sequence = i64::try_from(index * 6 + number).unwrap_or(0);
        let posted = self.rng.minutes_before(now(), 48) + TimeDelta::microseconds(sequence);
        let blocked = self.rng.percent(15);
        let text = if blocked {
            let template = BLOCKED[self.rng.below(BLOCKED.len() as u64) as usize];
            template.replace("{key}", &format!("T{team}-{}", index * 10 + number % 5))
        } else {
            CHATTER[self.rng.below(CHATTER.len() as u64) as usize].to_owned()
        };
        let message = build::message(&channel(team), Some(slack(index)), &text, posted);

        if blocked && self.rng.percent(40) && self.people > 1 {
            let helper = self.teammate(index);
            let at = posted + TimeDelta::minutes(5 + self.rng.below(120) as i64);
            if at < now() {
                let reply = build::reply(
                    &message,
                    Some(slack(helper)),
                    "Merged the fix, you should be unblocked",
                    at,
                );
                self.batch.messages.push(reply);
            }
        }
        if self.rng.percent(5) {
            let at = posted + TimeDelta::minutes(1);
            let mut bot = build::reply(
                &message,
                Some(AccountKey::new(Provider::Slack, BOT_SLACK)),
                "Deploy is waiting for approval",
                at,
            );
            bot.is_bot = true;
            self.batch.messages.push(bot);
        }
        self.batch.messages.push(message);
    }

    fn team(&mut self, team: usize) {
        let start = team * TEAM_SIZE;
        let end = (start + TEAM_SIZE).min(self.people);
        let members: Vec<PersonId> = (start..end)
            .map(|index| PersonId::new(format!("p{index:04}")))
            .collect();

        self.batch.channels.push(ChatChannel {
            id: channel(team),
            name: Some(format!("team-{team}")),
            is_private: false,
        });
        self.config.teams.push(TeamMapping {
            id: TeamId::new(format!("team-{team}")),
            name: format!("Team {team}"),
            managers: members.first().cloned().into_iter().collect(),
            members,
        });
    }
}

/// Builders of single records with neutral defaults, for tests and the generator.
pub mod build {
    use chrono::{DateTime, Utc};

    use crate::ids::{ChannelId, MessageId, PullRequestId, ReviewId, WorkItemId, WorkItemKey};
    use crate::model::{
        AccountKey, ChatMessage, PullRequest, PullRequestState, Review, ReviewState,
        StatusCategory, WorkItem,
    };

    /// Builds an open, ready pull request with no reviews, updated when it was created.
    pub fn pull_request(
        repository: &str,
        number: u64,
        author: Option<AccountKey>,
        created_at: DateTime<Utc>,
    ) -> PullRequest {
        PullRequest {
            id: PullRequestId::new(format!("{repository}#{number}")),
            repository: repository.into(),
            number,
            title: format!("Change {number}"),
            url: Some(format!("https://github.com/{repository}/pull/{number}")),
            author,
            state: PullRequestState::Open,
            is_draft: false,
            created_at,
            updated_at: created_at,
            closed_at: None,
            merged_at: None,
            base_branch: Some("main".into()),
            head_branch: None,
            requested_reviewers: Vec::new(),
            reviews: Vec::new(),
            review_comments: Vec::new(),
            commits: Vec::new(),
            work_items: Vec::new(),
        }
    }

    /// Builds a submitted review.
    pub fn review(
        id: &str,
        reviewer: AccountKey,
        state: ReviewState,
        submitted_at: DateTime<Utc>,
    ) -> Review {
        Review {
            id: ReviewId::new(id),
            reviewer: Some(reviewer),
            state,
            submitted_at: Some(submitted_at),
        }
    }

    /// Builds a work item with no history, links or flag.
    pub fn work_item(
        key: &str,
        status: &str,
        category: StatusCategory,
        assignee: Option<AccountKey>,
        updated_at: DateTime<Utc>,
    ) -> WorkItem {
        let project_key = key.split('-').next().unwrap_or(key).to_owned();
        WorkItem {
            id: WorkItemId::new(format!("id-{key}")),
            key: WorkItemKey::new(key),
            url: Some(format!("https://acme.atlassian.net/browse/{key}")),
            project_key,
            summary: format!("Work on {key}"),
            issue_type: "Task".into(),
            status: status.into(),
            status_category: category,
            assignee,
            reporter: None,
            created_at: updated_at,
            updated_at,
            resolved_at: None,
            due_date: None,
            estimate: None,
            is_flagged: false,
            links: Vec::new(),
            status_history: Vec::new(),
            changes: Vec::new(),
            sprint_ids: Vec::new(),
            parent: None,
            labels: Vec::new(),
        }
    }

    /// Builds a top-level message; its `ts` is derived from `posted_at` as Slack writes it.
    pub fn message(
        channel: &ChannelId,
        author: Option<AccountKey>,
        text: &str,
        posted_at: DateTime<Utc>,
    ) -> ChatMessage {
        let ts = format!(
            "{}.{:06}",
            posted_at.timestamp(),
            posted_at.timestamp_subsec_micros()
        );
        ChatMessage {
            id: MessageId::new(format!("{channel}/{ts}")),
            channel: channel.clone(),
            ts,
            thread_ts: None,
            author,
            text: text.into(),
            posted_at,
            reply_count: 0,
            is_bot: false,
            subtype: None,
        }
    }

    /// Builds a reply in the thread of `parent`.
    pub fn reply(
        parent: &ChatMessage,
        author: Option<AccountKey>,
        text: &str,
        posted_at: DateTime<Utc>,
    ) -> ChatMessage {
        let mut reply = message(&parent.channel, author, text, posted_at);
        reply.thread_ts = Some(
            parent
                .thread_ts
                .clone()
                .unwrap_or_else(|| parent.ts.clone()),
        );
        reply
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workspace_is_deterministic_and_linear() {
        let (first, config) = workspace(12, 7);
        let (second, _) = workspace(12, 7);
        let (double, _) = workspace(24, 7);

        assert_eq!(first, second);
        assert_eq!(config.people.len(), 12);
        assert_eq!(config.teams.len(), 2);
        assert_eq!(first.pull_requests.len(), 36);
        assert_eq!(double.pull_requests.len(), 72);
        assert_eq!(double.work_items.len(), 2 * first.work_items.len());
        assert!(config.validate().is_ok());
    }

    #[test]
    fn message_ids_are_unique() {
        let (batch, _) = workspace(60, 11);
        let ids: std::collections::BTreeSet<_> =
            batch.messages.iter().map(|message| &message.id).collect();

        assert_eq!(ids.len(), batch.messages.len());
    }

    #[test]
    fn workspace_handles_tiny_sizes() {
        for people in 0..3 {
            let (batch, config) = workspace(people, 0);
            assert_eq!(config.people.len(), people);
            assert_eq!(batch.pull_requests.len(), people * 3);
        }
    }
}
