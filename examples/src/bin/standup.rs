//! Prints a team standup written from GitHub, Jira and Slack activity.
//!
//! With no arguments it runs on the bundled demo workspace: a local sandbox replays
//! recorded provider responses, the real connectors read them, the records are sealed into
//! an encrypted SQLite file, identities are resolved, blockers detected, the policy applied
//! for the viewer, and the standup printed. Progress goes to stderr, the standup to stdout.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use async_core::http::{EgressPolicy, HttpClient};
use async_core::identity::{IdentityConfig, IdentityMap, IdentityResolver};
use async_core::ids::{PersonId, TenantId};
use async_core::insights::{InsightConfig, StandupInsights, standup_insights};
use async_core::model::TimeWindow;
use async_core::secret::EncryptionKey;
use async_examples::demo::Demo;
use async_examples::pipeline::{
    JobError, KeySource, LiveConfig, Sources, Stores, SyncProgress, Withheld, authorize_standup,
    load_visibility, open_policy, open_stores, sync,
};
use async_llm::tasks::standup::{Standup, StandupOptions, write_standup};
use async_llm::{AnthropicModel, GeminiModel, LanguageModel, OfflineModel, OpenAiModel};
use async_policy::{AuditLog, Pseudonymizer, VisibilitySettings};
use chrono::{TimeDelta, Utc};
use clap::{Parser, ValueEnum};
use secrecy::SecretString;

/// The Claude model used when `ANTHROPIC_API_KEY` is set and `ASYNC_ANTHROPIC_MODEL` is not.
const DEFAULT_CLAUDE_MODEL: &str = "claude-sonnet-4-5";

/// The OpenAI model used when `OPENAI_API_KEY` is set and `ASYNC_OPENAI_MODEL` is not.
const DEFAULT_OPENAI_MODEL: &str = "gpt-4.1-mini";

/// The Gemini model used when `GEMINI_API_KEY` is set and `ASYNC_GEMINI_MODEL` is not.
const DEFAULT_GEMINI_MODEL: &str = "gemini-2.5-flash";

/// Print a team standup from GitHub, Jira and Slack activity.
#[derive(Debug, Parser)]
#[command(version, long_about = None)]
struct Args {
    /// The person the standup is for; the policy decides what they may see
    /// [default: the team lead in the demo]
    #[arg(long = "as", value_name = "PERSON")]
    viewer: Option<String>,

    /// Keep the encrypted SQLite store at this path instead of a temporary folder
    #[arg(long, value_name = "PATH")]
    store: Option<PathBuf>,

    /// Read the real providers with tokens from the environment instead of the demo
    #[arg(long)]
    live: bool,

    /// Read people's visibility settings from this TOML file
    /// [default: the demo's settings; with --live, everyone keeps the defaults]
    #[arg(long, value_name = "FILE")]
    visibility: Option<PathBuf>,

    /// Output format of the standup
    #[arg(long, value_enum, default_value_t = Format::Markdown)]
    format: Format,

    /// Send people to the model as keyed pseudonyms instead of names; the printed
    /// standup shows the names. The key is new each run
    #[arg(long)]
    pseudonyms: bool,
}

/// Output format of the standup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Markdown.
    Markdown,
    /// Slack mrkdwn, as `chat.postMessage` takes it.
    Slack,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            return fail(&JobError::Config(format!(
                "could not start the async runtime: {error}"
            )));
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => fail(&error),
    }
}

/// Prints an error with its causes and returns the failure exit code.
fn fail(error: &JobError) -> ExitCode {
    eprintln!("error: {error}");
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        eprintln!("  caused by: {cause}");
        source = cause.source();
    }
    ExitCode::FAILURE
}

/// The job's inputs: the sources, the identity mapping, the window and the viewer.
struct Workspace {
    sources: Sources,
    identities: PathBuf,
    visibility: Option<PathBuf>,
    window: TimeWindow,
    now: chrono::DateTime<Utc>,
    viewer: Option<String>,
    tenant: TenantId,
    _sandbox: Option<async_examples::sandbox::Sandbox>,
}

async fn run(args: Args) -> Result<(), JobError> {
    let workspace = if args.live {
        live_workspace(&args)?
    } else {
        demo_workspace(&args).await?
    };

    // Every input is checked before the sync, so a typo costs no provider requests.
    let identities = read_identities(&workspace.identities)?;
    let viewer = choose_viewer(workspace.viewer.as_deref(), &identities)?;
    let settings = match &workspace.visibility {
        Some(path) => load_visibility(path, &identities)?,
        None => VisibilitySettings::default(),
    };
    let temporary = tempfile::tempdir().map_err(|source| JobError::Read {
        path: std::env::temp_dir(),
        source,
    })?;
    let store_path = args
        .store
        .clone()
        .unwrap_or_else(|| temporary.path().join("standup.sqlite"));
    let key = std::env::var("ASYNC_STORE_KEY").ok();
    let (Stores { records, sealed }, key_source) =
        open_stores(&store_path, key.as_deref(), workspace.tenant.clone()).await?;
    report_store(&store_path, key_source);

    sync(
        &workspace.sources,
        workspace.window,
        &records,
        report_progress,
    )
    .await?;
    let batch = records
        .load_batch()
        .await
        .map_err(|source| JobError::ForeignStore {
            path: store_path.clone(),
            source,
        })?;

    let identity = resolve_identities(identities, &batch)?;
    let insights = standup_insights(
        &batch,
        &identity,
        workspace.window,
        workspace.now,
        &InsightConfig::default(),
    );
    let policy = open_policy(sealed, workspace.tenant.clone(), &identity, &settings).await?;
    if policy.changed > 0 {
        eprintln!(
            "policy: {} visibility settings applied from the settings file and audited",
            policy.changed
        );
    }
    // NOTE: the key is generated per run, so pseudonyms are stable within one run only.
    // A deployment keeps one key per tenant in its secret store.
    let pseudonymizer = args.pseudonyms.then(|| {
        Arc::new(Pseudonymizer::new(
            workspace.tenant.clone(),
            EncryptionKey::generate(),
        ))
    });
    let standup = write(&viewer, &identity, &policy.guard, &insights, pseudonymizer).await?;

    match args.format {
        Format::Markdown => println!("{}", standup.markdown),
        Format::Slack => println!("{}", standup.slack_mrkdwn),
    }
    Ok(())
}

fn report_store(path: &Path, key_source: KeySource) {
    match key_source {
        KeySource::Generated => eprintln!(
            "store: {} (key generated for this run; set ASYNC_STORE_KEY to reopen it later)",
            path.display()
        ),
        KeySource::Environment => {
            eprintln!("store: {} (key from ASYNC_STORE_KEY)", path.display())
        }
    }
}

async fn demo_workspace(args: &Args) -> Result<Workspace, JobError> {
    let demo = Demo::bundled();
    let sandbox = demo.start_sandbox().await?;
    eprintln!(
        "demo: replaying recorded GitHub, Jira and Slack responses from {}",
        sandbox.base_url()
    );
    Ok(Workspace {
        sources: Sources::demo(&sandbox)?,
        identities: demo.identities_path(),
        visibility: Some(
            args.visibility
                .clone()
                .unwrap_or_else(|| demo.dir().join("visibility.toml")),
        ),
        window: Demo::window(),
        now: Demo::now(),
        viewer: Some(
            args.viewer
                .clone()
                .unwrap_or_else(|| Demo::viewer().id.to_owned()),
        ),
        tenant: TenantId::new(Demo::ORGANIZATION),
        _sandbox: Some(sandbox),
    })
}

fn live_workspace(args: &Args) -> Result<Workspace, JobError> {
    let variables: BTreeMap<String, String> = std::env::vars().collect();
    let identities = variables
        .get("ASYNC_IDENTITIES")
        .filter(|path| !path.trim().is_empty())
        .map(PathBuf::from);
    let config = match (LiveConfig::from_variables(&variables), &identities) {
        (Ok(config), Some(_)) => config,
        (Ok(_), None) => {
            return Err(JobError::Config(
                "--live needs ASYNC_IDENTITIES, the identity mapping file".to_owned(),
            ));
        }
        (Err(JobError::Config(message)), None) => {
            return Err(JobError::Config(format!(
                "{message}; it also needs ASYNC_IDENTITIES, the identity mapping file"
            )));
        }
        (Err(error), _) => return Err(error),
    };
    let now = Utc::now();
    Ok(Workspace {
        sources: Sources::live(&config)?,
        identities: identities.unwrap_or_default(),
        visibility: args.visibility.clone(),
        window: TimeWindow::new(now - TimeDelta::hours(24), now),
        now,
        viewer: args.viewer.clone(),
        tenant: TenantId::new("live"),
        _sandbox: None,
    })
}

fn report_progress(progress: SyncProgress) {
    match progress {
        SyncProgress::Started { provider } => eprintln!("sync: {provider} ..."),
        SyncProgress::Stored {
            provider,
            records,
            millis,
        } => {
            eprintln!("sync: {provider} stored {records} records in {millis} ms")
        }
    }
}

fn read_identities(path: &Path) -> Result<IdentityConfig, JobError> {
    let text = std::fs::read_to_string(path).map_err(|source| JobError::Read {
        path: path.to_owned(),
        source,
    })?;
    IdentityConfig::from_toml_str(&text).map_err(|source| JobError::IdentityFile {
        path: path.to_owned(),
        source,
    })
}

fn resolve_identities(
    config: IdentityConfig,
    batch: &async_core::model::ActivityBatch,
) -> Result<IdentityMap, JobError> {
    let identity = IdentityResolver::new(config)?.resolve_batch(batch);
    eprintln!(
        "identities: {} people in {} teams, {} conflicts",
        identity.people().len(),
        identity.teams().len(),
        identity.conflicts().len()
    );
    for conflict in identity.conflicts() {
        eprintln!("identities: conflict: {conflict}");
    }
    Ok(identity)
}

/// Picks the viewer among the people of the identity mapping, the only people a standup
/// can be written for.
fn choose_viewer(viewer: Option<&str>, identities: &IdentityConfig) -> Result<PersonId, JobError> {
    let known = || {
        let ids: Vec<&str> = identities
            .people
            .iter()
            .map(|person| person.id.as_str())
            .collect();
        ids.join(", ")
    };
    let Some(viewer) = viewer else {
        return Err(JobError::Config(format!(
            "--live needs --as PERSON; people in the identity mapping: {}",
            known()
        )));
    };
    let id = PersonId::new(viewer.trim());
    if !identities.people.iter().any(|person| person.id == id) {
        return Err(JobError::UnknownViewer {
            viewer: viewer.to_owned(),
            known: known(),
        });
    }
    Ok(id)
}

async fn write(
    viewer: &PersonId,
    identity: &IdentityMap,
    guard: &async_examples::pipeline::policy::PolicyGuard,
    insights: &StandupInsights,
    pseudonymizer: Option<Arc<Pseudonymizer>>,
) -> Result<Standup, JobError> {
    let Some(team) = insights.teams.iter().find(|team| {
        identity.teams().iter().any(|known| {
            known.id == team.team
                && (known.members.contains(viewer) || known.managers.contains(viewer))
        })
    }) else {
        return Err(JobError::Config(format!(
            "{viewer} is in no team, so there is no standup to show them"
        )));
    };

    let (mut facts, withheld) = authorize_standup(guard, viewer, team, insights).await;
    facts.pseudonymizer = pseudonymizer;
    report_withheld(viewer, &withheld);
    let verified = guard.log().verify().await?;
    eprintln!(
        "policy: audit log verified, {} entries (decisions about others' data and settings changes)",
        verified.entries
    );

    let model = choose_model()?;
    let standup = write_standup(model.as_ref(), &facts, &StandupOptions::default()).await?;
    Ok(standup)
}

fn report_withheld(viewer: &PersonId, withheld: &[Withheld]) {
    for entry in withheld {
        eprintln!(
            "policy: {viewer} may not see the {} of {}: {}",
            entry.category, entry.person, entry.reason
        );
    }
}

/// Picks the first provider with a key in the environment (Anthropic, then OpenAI, then
/// Gemini), or the offline model when none is set.
fn choose_model() -> Result<Arc<dyn LanguageModel>, JobError> {
    let key = |name: &str| {
        std::env::var(name)
            .ok()
            .filter(|key| !key.trim().is_empty())
            .map(SecretString::from)
    };
    let model_name = |variable: &str, default: &str| {
        std::env::var(variable).unwrap_or_else(|_| default.to_owned())
    };

    let model: Arc<dyn LanguageModel> = if let Some(key) = key("ANTHROPIC_API_KEY") {
        let name = model_name("ASYNC_ANTHROPIC_MODEL", DEFAULT_CLAUDE_MODEL);
        let http = HttpClient::new(EgressPolicy::default())?;
        Arc::new(
            AnthropicModel::builder(key, name)
                .http_client(http)
                .build()?,
        )
    } else if let Some(key) = key("OPENAI_API_KEY") {
        let name = model_name("ASYNC_OPENAI_MODEL", DEFAULT_OPENAI_MODEL);
        let http = HttpClient::new(EgressPolicy::default())?;
        Arc::new(OpenAiModel::builder(key, name).http_client(http).build()?)
    } else if let Some(key) = key("GEMINI_API_KEY") {
        let name = model_name("ASYNC_GEMINI_MODEL", DEFAULT_GEMINI_MODEL);
        let http = HttpClient::new(EgressPolicy::default())?;
        Arc::new(GeminiModel::builder(key, name).http_client(http).build()?)
    } else {
        eprintln!(
            "model: offline renderer (set ANTHROPIC_API_KEY, OPENAI_API_KEY or GEMINI_API_KEY to have a model write the standup)"
        );
        return Ok(Arc::new(OfflineModel::new()));
    };

    let info = model.describe();
    eprintln!("model: {} {}", info.provider, info.model);
    Ok(model)
}
