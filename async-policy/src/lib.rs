//! The privacy policy engine of the ASYNC SDK.
//!
//! The engine decides, for a viewer and a purpose, whether data about a person or a team
//! may be shown. It applies three rules and denies everything else:
//!
//! 1. **Self.** A person always sees their own individual-level data.
//! 2. **Team aggregates.** Members and managers of a team see aggregates computed over the
//!    whole team, and only when the team has at least the minimum group size (default 3,
//!    never below 2). Requests name a team, never a list of people, so no API computes an
//!    aggregate over an arbitrary group.
//! 3. **Others' individual data.** Allowed only when the viewer holds a role in one of the
//!    subject's teams, the subject's visibility setting for that category covers the role,
//!    and the access is written to the audit log before the data is released.
//!    Administrators configure the system but gain no access to anyone's data by that role.
//!
//! Teams nest ([`Organization::builder`]): a member of a sub-team is a member of the teams
//! above it, and a manager of a team manages the teams below it.
//!
//! [`PolicyEngine::decide`] returns a [`Decision`] with a stable [`RuleId`] for machines and
//! a [`Reason`] that displays as a sentence ("denied: Dana shares meeting metrics with
//! nobody but herself"). Reasons are structured and rendered only when displayed. [`Guard`]
//! pairs an engine with an [`AuditLog`] and is the only way to obtain an [`Authorized<T>`].
//! It approves only [`Attributed`] values, whose own subject must be the one the request
//! names.
//!
//! # Examples
//!
//! ```
//! use async_core::ids::{PersonId, TeamId};
//! use async_core::model::Team;
//! use async_policy::{
//!     AccessRequest, Attributed, DataCategory, Guard, MemoryAuditLog, Organization, Pronoun,
//!     Purpose, RulesEngine, Scope, VisibilitySettings,
//! };
//!
//! /// Some of one person's data: the guard checks `person` against the request.
//! #[derive(Debug, PartialEq)]
//! struct Keys {
//!     person: PersonId,
//!     keys: Vec<&'static str>,
//! }
//!
//! impl Attributed for Keys {
//!     fn attribution(&self) -> Scope {
//!         Scope::Individual(self.person.clone())
//!     }
//! }
//!
//! # tokio::runtime::Runtime::new().expect("runtime").block_on(async {
//! let team = Team {
//!     id: TeamId::new("payments"),
//!     name: "Payments".into(),
//!     members: vec![PersonId::new("dana"), PersonId::new("lee"), PersonId::new("sam")],
//!     managers: vec![PersonId::new("morgan")],
//! };
//! let organization = Organization::builder()
//!     .team(team)
//!     .name("dana", "Dana")
//!     .pronoun("dana", Pronoun::She)
//!     .build()?;
//! let engine = RulesEngine::new(organization, VisibilitySettings::default());
//! let guard = Guard::new(engine, MemoryAuditLog::new());
//!
//! // Lee may see Dana's work items: work is visible to the team by default.
//! let request = AccessRequest::individual("lee", "dana", DataCategory::Work, Purpose::Standup);
//! let dana = PersonId::new("dana");
//! let keys = Keys { person: dana.clone(), keys: vec!["PAY-12"] };
//! let work = guard.authorize(&request, keys).await?;
//! assert_eq!(work.value().keys, ["PAY-12"]);
//!
//! // Meeting metrics are private by default.
//! let request =
//!     AccessRequest::individual("lee", "dana", DataCategory::MeetingMetrics, Purpose::Standup);
//! let metrics = Keys { person: dana.clone(), keys: Vec::new() };
//! let denied = guard.authorize(&request, metrics).await.expect_err("denied");
//! assert_eq!(
//!     denied.to_string(),
//!     "denied: Dana shares meeting metrics with nobody but herself"
//! );
//! assert_eq!(denied.decision().map(|d| d.rule().as_str()), Some("others-individual"));
//!
//! // Dana lists who accessed her data, and why.
//! let accesses = guard.accesses_to(&dana).await?;
//! assert_eq!(accesses.len(), 2);
//!
//! // Lee cannot approve his own data and put Dana's keys inside it.
//! let own = AccessRequest::individual("lee", "lee", DataCategory::Work, Purpose::Standup);
//! let danas = Keys { person: dana.clone(), keys: vec!["PAY-12"] };
//! let mismatch = guard.authorize(&own, danas).await.expect_err("not Lee's data");
//! assert!(mismatch.is_attribution_mismatch());
//! # Ok::<(), async_policy::Error>(())
//! # }).expect("example");
//! ```
//!
//! # Features
//!
//! | feature | default | what it adds |
//! | --- | --- | --- |
//! | `cedar` | no | `CedarEngine`: the same rules as a Cedar schema and policies, validated in strict mode, with organisations' own `forbid` policies on top |
//!
//! # Persistence
//!
//! [`StoredAuditLog`] keeps the audit log, and [`VisibilityStore`] the history of
//! everyone's settings, sealed by `async_core`'s `EncryptedStore` on any `KeyValueStore`.
//! [`Guard::change_visibility`] applies a change at once, stores it and audits it.
//!
//! # Security
//!
//! - [`Guard::authorize`] releases a value only when the value's own attribution equals
//!   the approved scope, so a viewer cannot approve their own data and wrap another
//!   person's facts in it. A caller who builds a value by hand and attributes another
//!   person's content to the wrong person is outside what a library can check.
//! - [`PolicyEngine`] is sealed, so no outside engine can allow what the three rules deny.
//!   Organisations narrow the rules with Cedar `forbid` policies instead.
//! - Decisions are default-deny: an unknown person, team or category is denied, never
//!   defaulted open. A stored setting with an unknown category fails to load.
//! - [`Decision`] is exhaustive on purpose, so a new outcome breaks every `match` instead
//!   of slipping through.
//! - The audit record of an access to another person's individual data is stored before
//!   the data is released; a failed write releases nothing.
//! - The audit log is a SHA-256 hash chain; [`AuditLog::verify`] detects an edited,
//!   dropped, reordered or inserted entry. [`StoredAuditLog`] also signs checkpoints of the
//!   head with HMAC-SHA256 and keeps them in a separate store, which detects a cut-off
//!   tail and a chain rewritten by someone holding the encryption key. Someone who can
//!   roll back both stores and holds the checkpoint key is not detected; export
//!   checkpoints off the machine for that.
//! - [`Pseudonymizer`] replaces people with keyed pseudonyms before text leaves the process.
//! - The Cedar backend denies whenever Cedar reports an evaluation error, since Cedar
//!   skips a failing policy, which could let a `permit` win over a failing `forbid`, and
//!   it accepts only `forbid` policies from organisations, so they can narrow access but
//!   never widen it.
//!
//! # Why some parts are written here
//!
//! The native rules are a few table lookups, kept in this crate so the decision on the
//! standup's hot path costs well under a microsecond. The hash chain and checkpoints are
//! small compositions of `sha2` and `hmac`; no maintained crate offers an append-only log
//! over an arbitrary key-value store.
//!
//! MSRV: the workspace's `rust-version` (1.89).

mod attribution;
mod audit;
mod authorized;
mod category;
#[cfg(feature = "cedar")]
mod cedar;
mod decision;
mod engine;
mod error;
mod guard;
mod organization;
mod pseudonym;
mod request;
mod settings;
mod settings_store;

pub use attribution::Attributed;
pub use audit::{
    AUDIT_COLLECTION, AccessEvent, AuditEntry, AuditEvent, AuditLog, AuditRecord,
    CHECKPOINT_COLLECTION, ChainHash, Checkpoint, MemoryAuditLog, StoredAuditLog, Verified,
    VisibilityChange, verify_chain,
};
pub use authorized::Authorized;
pub use category::{DataCategory, Purpose};
#[cfg(feature = "cedar")]
pub use cedar::{CedarEngine, CedarEngineBuilder};
pub use decision::{Decision, Effect, Reason, RuleId};
pub use engine::{DEFAULT_MIN_GROUP_SIZE, MIN_GROUP_SIZE_FLOOR, PolicyEngine, RulesEngine};
pub use error::{Error, Tampering};
pub use guard::Guard;
pub use organization::{Organization, OrganizationBuilder, Person, Pronoun, Role, TeamName};
pub use pseudonym::{PseudonymCollision, Pseudonymizer};
pub use request::{AccessRequest, Scope};
pub use settings::{Visibility, VisibilitySettings};
pub use settings_store::{SETTINGS_COLLECTION, SettingsHistory, StoredChange, VisibilityStore};
