//! The bundled demo workspace: a fictional team, its fixed dates and where its data lives.
//!
//! The demo describes the Payments team of a fictional company, Acme, during one
//! two-week sprint (Monday 2026-11-16 to Friday 2026-11-27). The standup runs at
//! [`Demo::now`], Thursday 2026-11-26 09:00 UTC, and reports on [`Demo::window`]: the
//! previous 24 hours of activity, plus the state of everything still in progress at
//! that moment (open pull requests, unfinished sprint issues, unanswered threads).
//!
//! The data are recorded GitHub, Slack and Jira responses under `examples/demo/`, served
//! by [`crate::sandbox::Sandbox`]. `examples/demo/README.md` lists the people, how each
//! of their accounts is resolved, and every planted blocker and near-miss with the
//! evidence the standup is expected to show.
//!
//! # Examples
//!
//! ```
//! use async_examples::demo::{Demo, DemoRole};
//!
//! let demo = Demo::bundled();
//! assert!(demo.identities_path().ends_with("identities.toml"));
//! assert_eq!(Demo::viewer().role, DemoRole::TeamLead);
//! assert!(Demo::window().contains(Demo::now() - chrono::TimeDelta::hours(1)));
//! ```

use std::path::{Path, PathBuf};

use async_core::model::TimeWindow;
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeDelta, Utc};

use crate::sandbox::{Error, Sandbox};

/// The demo directory inside this package, found at compile time.
const BUNDLED_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/demo");

/// Builds a UTC time at compile time, so an invalid date fails the build instead of a run.
const fn utc(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> NaiveDateTime {
    let Some(date) = NaiveDate::from_ymd_opt(year, month, day) else {
        panic!("invalid demo date");
    };
    let Some(time) = date.and_hms_opt(hour, minute, 0) else {
        panic!("invalid demo time");
    };
    time
}

const NOW: NaiveDateTime = utc(2026, 11, 26, 9, 0);
const SPRINT_START: NaiveDateTime = utc(2026, 11, 16, 9, 0);
const SPRINT_END: NaiveDateTime = utc(2026, 11, 27, 17, 0);

/// A person's part in the demo team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DemoRole {
    /// Leads the team and is the default viewer of the standup.
    TeamLead,
    /// Manages the team without being a member of it.
    EngineeringManager,
    /// A member of the team.
    Engineer,
}

/// One person of the demo team, with their account at each provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DemoPerson {
    /// The id used in `identities.toml` (`"dana"`).
    pub id: &'static str,
    /// The full name.
    pub name: &'static str,
    /// The person's part in the team.
    pub role: DemoRole,
    /// The GitHub login, when the person has a GitHub account.
    pub github_login: Option<&'static str>,
    /// The Slack user id.
    pub slack_user_id: &'static str,
    /// The Jira `accountId`.
    pub jira_account_id: &'static str,
}

const fn person(
    id: &'static str,
    name: &'static str,
    role: DemoRole,
    github_login: Option<&'static str>,
    slack_user_id: &'static str,
    jira_account_id: &'static str,
) -> DemoPerson {
    DemoPerson {
        id,
        name,
        role,
        github_login,
        slack_user_id,
        jira_account_id,
    }
}

/// The eight people of the demo, team lead first.
const PEOPLE: [DemoPerson; 8] = [
    person(
        "dana",
        "Dana Whitfield",
        DemoRole::TeamLead,
        Some("dwhitfield"),
        "U0DANA01",
        "5b10a2844c20165700ede21f",
    ),
    person(
        "morgan",
        "Morgan Okafor",
        DemoRole::EngineeringManager,
        None,
        "U0MORG02",
        "5c4e2f0a9d8b7c6a5e4f3a21",
    ),
    person(
        "lee",
        "Lee Min-jun",
        DemoRole::Engineer,
        Some("minjun-lee"),
        "U0LEEM03",
        "6a1f3c5e7b9d2f4a6c8e0b13",
    ),
    person(
        "priya",
        "Priya Raghunathan",
        DemoRole::Engineer,
        Some("priya-r"),
        "U0PRIY04",
        "6b2e4d6f8a0c1e3b5d7f9a24",
    ),
    person(
        "tomas",
        "Tomás Herrera",
        DemoRole::Engineer,
        Some("therrera"),
        "U0TOMS05",
        "6c3f5e7a9b1d2c4e6f8a0b35",
    ),
    person(
        "seun",
        "Oluwaseun Adeyemi",
        DemoRole::Engineer,
        Some("sadeyemi"),
        "U0SEUN06",
        "712020:4d7c1e9a-2b3f-4c5d-8e6f-a1b2c3d4e5f6",
    ),
    person(
        "ingrid",
        "Ingrid Solberg",
        DemoRole::Engineer,
        Some("isolberg"),
        "U0INGR07",
        "6d4a6f8b0c2e3d5f7a9b1c46",
    ),
    person(
        "yusuf",
        "Yusuf Demir",
        DemoRole::Engineer,
        Some("ydemir"),
        "U0YUSF08",
        "6e5b7a9c1d3f4e6a8b0c2d57",
    ),
];

/// The bundled demo workspace, or a copy of it in another directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Demo {
    dir: PathBuf,
}

impl Demo {
    /// The company's GitHub organization.
    pub const ORGANIZATION: &'static str = "acme";
    /// The repositories the team works in, as `owner/name`.
    pub const REPOSITORIES: [&'static str; 2] = ["acme/payments-api", "acme/checkout-web"];
    /// The Slack channels the standup monitors: `#payments-team` and `#payments-releases`.
    pub const CHANNELS: [&'static str; 2] = ["C0PAYTEAM1", "C0PAYREL02"];
    /// The channel the standup is posted to (`#payments-team`).
    pub const STANDUP_CHANNEL: &'static str = "C0PAYTEAM1";
    /// The Jira Software board of the team (a scrum board).
    pub const BOARD_ID: u64 = 31;
    /// The active sprint, `PAY Sprint 24`.
    pub const SPRINT_ID: u64 = 412;
    /// The active sprint's name.
    pub const SPRINT_NAME: &'static str = "PAY Sprint 24";
    /// The Jira project key.
    pub const PROJECT_KEY: &'static str = "PAY";
    /// The team's id in `identities.toml`.
    pub const TEAM_ID: &'static str = "payments";

    /// Returns the demo shipped with this package, located at compile time.
    pub fn bundled() -> Demo {
        Demo::from_dir(BUNDLED_DIR)
    }

    /// Returns a demo workspace stored in `dir`, laid out like the bundled one.
    pub fn from_dir(dir: impl Into<PathBuf>) -> Demo {
        Demo { dir: dir.into() }
    }

    /// Returns the demo directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Returns the path of the identity mapping file (`identities.toml`).
    pub fn identities_path(&self) -> PathBuf {
        self.dir.join("identities.toml")
    }

    /// Returns the path of the sandbox's route manifest (`routes.json`).
    pub fn routes_path(&self) -> PathBuf {
        self.dir.join("routes.json")
    }

    /// Starts a [`Sandbox`] that serves this demo's recordings.
    ///
    /// # Errors
    ///
    /// Returns the errors of [`Sandbox::start`]: no loopback port, or a missing or
    /// malformed file, which the error names.
    pub async fn start_sandbox(&self) -> Result<Sandbox, Error> {
        Sandbox::start(&self.dir).await
    }

    /// Returns the moment the standup runs: Thursday 2026-11-26 09:00 UTC.
    pub fn now() -> DateTime<Utc> {
        NOW.and_utc()
    }

    /// Returns the standup's activity window: the 24 hours before [`Demo::now`].
    pub fn window() -> TimeWindow {
        let now = Demo::now();
        TimeWindow::new(now - TimeDelta::hours(24), now)
    }

    /// Returns the active sprint's span: Monday 2026-11-16 09:00 to Friday 2026-11-27 17:00 UTC.
    pub fn sprint_window() -> TimeWindow {
        TimeWindow::new(SPRINT_START.and_utc(), SPRINT_END.and_utc())
    }

    /// Returns everyone in the demo: the team lead, the engineering manager and six engineers.
    pub fn people() -> &'static [DemoPerson] {
        &PEOPLE
    }

    /// Returns the person the standup is written for by default: the team lead, Dana Whitfield.
    pub fn viewer() -> &'static DemoPerson {
        &PEOPLE[0]
    }

    /// Finds a person by their id in `identities.toml`.
    pub fn person(id: &str) -> Option<&'static DemoPerson> {
        PEOPLE.iter().find(|person| person.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_ends_at_now() {
        let window = Demo::window();

        assert_eq!(window.end, Demo::now());
        assert_eq!(window.end - window.start, TimeDelta::hours(24));
        assert_eq!(Demo::now().to_rfc3339(), "2026-11-26T09:00:00+00:00");
    }

    #[test]
    fn now_falls_inside_sprint() {
        assert!(Demo::sprint_window().contains(Demo::now()));
    }

    #[test]
    fn team_has_expected_roles() {
        let count = |role| Demo::people().iter().filter(|p| p.role == role).count();

        assert_eq!(count(DemoRole::TeamLead), 1);
        assert_eq!(count(DemoRole::EngineeringManager), 1);
        assert_eq!(count(DemoRole::Engineer), 6);
        assert_eq!(Demo::viewer().id, "dana");
    }

    #[test]
    fn person_lookup_by_id() {
        assert_eq!(
            Demo::person("seun").map(|p| p.name),
            Some("Oluwaseun Adeyemi")
        );
        assert!(Demo::person("nobody").is_none());
    }
}
