//! The connectors the job collects from: the demo sandbox or the real providers.

use std::collections::BTreeMap;

use async_connectors::github::{GitHubClient, GitHubSource};
use async_connectors::jira::{JiraClient, JiraSource};
use async_connectors::slack::{SlackClient, SlackSource};
use async_core::http::{EgressPolicy, HttpClient};
use async_core::ids::ChannelId;
use async_core::model::ChatChannel;
use async_core::source::ActivitySource;
use secrecy::SecretString;
use url::Url;

use super::JobError;
use crate::demo::Demo;
use crate::sandbox::Sandbox;

/// A connector the job can collect from.
pub type Source = Box<dyn ActivitySource<Error = async_connectors::Error>>;

/// The site the demo's Jira links point at, as the recordings' `self` URLs do.
const DEMO_JIRA_SITE: &str = "https://acme-payments.atlassian.example";

/// The user agent the job's connectors send.
const USER_AGENT: &str = concat!("async-sdk-standup/", env!("CARGO_PKG_VERSION"));

/// The configured connectors, in the order they are synced.
pub struct Sources {
    sources: Vec<Source>,
}

impl std::fmt::Debug for Sources {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let providers: Vec<_> = self
            .sources
            .iter()
            .map(|source| source.provider())
            .collect();
        f.debug_struct("Sources")
            .field("providers", &providers)
            .finish()
    }
}

impl Sources {
    /// The connectors, in sync order.
    pub fn iter(&self) -> impl Iterator<Item = &Source> {
        self.sources.iter()
    }

    /// Points the real GitHub, Slack and Jira connectors at the demo sandbox.
    ///
    /// The sandbox serves plain HTTP on 127.0.0.1, so the HTTP client allows loopback and
    /// nothing else: no request of the demo can leave the machine.
    ///
    /// # Errors
    ///
    /// Returns [`JobError::Connector`] when a client cannot be built.
    pub fn demo(sandbox: &Sandbox) -> Result<Self, JobError> {
        let egress = EgressPolicy::deny_all().allow_insecure_loopback_for_testing();
        let http = HttpClient::new(egress)?;
        let token = || SecretString::from("demo-token");

        let github = GitHubClient::builder(http.clone(), token())
            .base_url(sandbox.github_base())
            .user_agent(USER_AGENT)
            .build()
            .map_err(connector("github"))?;
        let slack = SlackClient::builder(http.clone(), token())
            .base_url(sandbox.slack_base())
            .build()
            .map_err(connector("slack"))?;
        let jira = JiraClient::builder(http)
            .base_url(sandbox.jira_base())
            .site_url(DEMO_JIRA_SITE)
            .bearer_token(token())
            .build()
            .map_err(connector("jira"))?;

        let channels = Demo::CHANNELS.map(|id| ChatChannel {
            id: ChannelId::new(id),
            name: None,
            is_private: false,
        });
        Ok(Self {
            sources: vec![
                Box::new(
                    GitHubSource::new(github, Demo::REPOSITORIES).map_err(connector("github"))?,
                ),
                Box::new(JiraSource::new(jira, [Demo::BOARD_ID.to_string()])),
                Box::new(SlackSource::new(slack, channels)),
            ],
        })
    }

    /// Builds the connectors for the real providers from `config`.
    ///
    /// # Errors
    ///
    /// Returns [`JobError::Config`] when a URL is invalid and [`JobError::Connector`] when a
    /// client cannot be built.
    pub fn live(config: &LiveConfig) -> Result<Self, JobError> {
        let mut egress = EgressPolicy::default();
        if let Some(jira) = &config.jira {
            egress = egress.allow_host(&jira.site_host);
        }
        let http = HttpClient::new(egress)?;
        let mut sources: Vec<Source> = Vec::new();

        if let Some(github) = &config.github {
            let client = GitHubClient::builder(http.clone(), github.token.clone())
                .user_agent(USER_AGENT)
                .build()
                .map_err(connector("github"))?;
            let source = GitHubSource::new(client, github.repositories.iter().map(String::as_str))
                .map_err(connector("github"))?;
            sources.push(Box::new(source));
        }
        if let Some(jira) = &config.jira {
            let client = JiraClient::builder(http.clone())
                .base_url(jira.site.clone())
                .site_url(jira.site.clone())
                .basic_auth(jira.email.clone(), jira.api_token.clone())
                .build()
                .map_err(connector("jira"))?;
            sources.push(Box::new(JiraSource::new(client, [jira.board.clone()])));
        }
        if let Some(slack) = &config.slack {
            let client = SlackClient::builder(http.clone(), slack.token.clone())
                .build()
                .map_err(connector("slack"))?;
            let channels = slack.channels.iter().map(|id| ChatChannel {
                id: ChannelId::new(id.as_str()),
                name: None,
                is_private: false,
            });
            sources.push(Box::new(SlackSource::new(client, channels)));
        }
        Ok(Self { sources })
    }
}

fn connector(provider: &'static str) -> impl Fn(async_connectors::Error) -> JobError {
    move |source| JobError::Connector { provider, source }
}

/// What `--live` reads from the environment.
#[derive(Debug)]
pub struct LiveConfig {
    /// GitHub, when its variables are set.
    pub github: Option<GitHubConfig>,
    /// Slack, when its variables are set.
    pub slack: Option<SlackConfig>,
    /// Jira, when its variables are set.
    pub jira: Option<JiraConfig>,
}

/// GitHub settings for `--live`.
#[derive(Debug)]
pub struct GitHubConfig {
    /// `GITHUB_TOKEN`.
    pub token: SecretString,
    /// `ASYNC_GITHUB_REPOS`, split on commas.
    pub repositories: Vec<String>,
}

/// Slack settings for `--live`.
#[derive(Debug)]
pub struct SlackConfig {
    /// `SLACK_BOT_TOKEN`.
    pub token: SecretString,
    /// `ASYNC_SLACK_CHANNELS`, split on commas.
    pub channels: Vec<String>,
}

/// Jira settings for `--live`.
#[derive(Debug)]
pub struct JiraConfig {
    /// `JIRA_SITE`, such as `https://acme.atlassian.net`.
    pub site: String,
    /// The site's host name, added to the egress allowlist.
    pub site_host: String,
    /// `JIRA_EMAIL`.
    pub email: SecretString,
    /// `JIRA_API_TOKEN`.
    pub api_token: SecretString,
    /// `ASYNC_JIRA_BOARD`.
    pub board: String,
}

/// The variables of each provider, in the order they are reported.
const GITHUB_VARIABLES: [&str; 2] = ["GITHUB_TOKEN", "ASYNC_GITHUB_REPOS"];
const SLACK_VARIABLES: [&str; 2] = ["SLACK_BOT_TOKEN", "ASYNC_SLACK_CHANNELS"];
const JIRA_VARIABLES: [&str; 4] = [
    "JIRA_SITE",
    "JIRA_EMAIL",
    "JIRA_API_TOKEN",
    "ASYNC_JIRA_BOARD",
];

impl LiveConfig {
    /// Reads the configuration from `variables` (the process environment in the binary).
    ///
    /// A provider is used when all its variables are set. A provider with only some set is
    /// an error naming each missing variable, and so is a configuration with no provider.
    ///
    /// # Errors
    ///
    /// Returns [`JobError::Config`] naming every missing or invalid variable.
    pub fn from_variables(variables: &BTreeMap<String, String>) -> Result<Self, JobError> {
        let get = |name: &str| {
            variables
                .get(name)
                .map(|value| value.trim())
                .filter(|value| !value.is_empty())
        };
        let mut missing = Vec::new();
        let mut wanted = |names: &[&'static str]| {
            let absent: Vec<&'static str> = names
                .iter()
                .copied()
                .filter(|name| get(name).is_none())
                .collect();
            let complete = absent.is_empty();
            if !complete && absent.len() < names.len() {
                missing.extend(absent);
            }
            complete
        };
        let (use_github, use_slack, use_jira) = (
            wanted(&GITHUB_VARIABLES),
            wanted(&SLACK_VARIABLES),
            wanted(&JIRA_VARIABLES),
        );
        if !missing.is_empty() {
            return Err(JobError::Config(format!(
                "--live needs these environment variables: {}",
                missing.join(", ")
            )));
        }
        if !use_github && !use_slack && !use_jira {
            return Err(JobError::Config(format!(
                "--live needs at least one provider: set {}, or {}, or {}",
                GITHUB_VARIABLES.join(" and "),
                SLACK_VARIABLES.join(" and "),
                JIRA_VARIABLES.join(", ")
            )));
        }

        let value = |name: &str| get(name).unwrap_or_default().to_owned();
        let secret = |name: &str| SecretString::from(value(name));
        let list = |name: &str| non_empty_list(name, &value(name));
        let jira = match use_jira {
            true => Some(jira_config(
                value("JIRA_SITE"),
                secret("JIRA_EMAIL"),
                secret("JIRA_API_TOKEN"),
                value("ASYNC_JIRA_BOARD"),
            )?),
            false => None,
        };
        let github = match use_github {
            true => Some(GitHubConfig {
                token: secret("GITHUB_TOKEN"),
                repositories: list("ASYNC_GITHUB_REPOS")?,
            }),
            false => None,
        };
        let slack = match use_slack {
            true => Some(SlackConfig {
                token: secret("SLACK_BOT_TOKEN"),
                channels: list("ASYNC_SLACK_CHANNELS")?,
            }),
            false => None,
        };
        Ok(Self {
            github,
            slack,
            jira,
        })
    }
}

/// The only hosts a Jira site may have: Atlassian Cloud sites. Adding any other host to
/// the egress allowlist would send the Jira credentials there.
const JIRA_SITE_SUFFIX: &str = ".atlassian.net";

fn jira_config(
    site: String,
    email: SecretString,
    api_token: SecretString,
    board: String,
) -> Result<JiraConfig, JobError> {
    let invalid = |problem: &str| {
        JobError::Config(format!(
            "JIRA_SITE {problem}; use https://YOUR-SITE{JIRA_SITE_SUFFIX}"
        ))
    };
    let url = Url::parse(&site).map_err(|_| invalid("is not a URL"))?;
    if url.scheme() != "https" || !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            "must be an https URL without a user name or password",
        ));
    }
    let site_host = match url.host() {
        Some(url::Host::Domain(host)) => host.trim_end_matches('.').to_ascii_lowercase(),
        _ => return Err(invalid("must name a host")),
    };
    let label = site_host.strip_suffix(JIRA_SITE_SUFFIX).unwrap_or_default();
    if label.is_empty() || label.contains('.') {
        return Err(invalid(&format!(
            "host `{site_host}` is not an Atlassian Cloud site"
        )));
    }
    if board.parse::<u64>().is_err() {
        return Err(JobError::Config(format!(
            "ASYNC_JIRA_BOARD `{board}` is not a board id; use the number in the board's URL"
        )));
    }
    Ok(JiraConfig {
        site: format!("https://{site_host}"),
        site_host,
        email,
        api_token,
        board,
    })
}

/// Splits a comma-separated variable, which must name at least one item.
fn non_empty_list(name: &str, value: &str) -> Result<Vec<String>, JobError> {
    let items = split_list(value);
    if items.is_empty() {
        return Err(JobError::Config(format!(
            "{name} lists nothing; give a comma-separated list"
        )));
    }
    Ok(items)
}

fn split_list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
        .collect()
}
