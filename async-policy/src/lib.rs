//! The privacy policy engine of the ASYNC SDK.
//!
//! The engine decides, for a viewer and a purpose, whether data about a person or a team
//! may be shown. It applies three rules and denies everything else:
//!
//! 1. **Self.** A person always sees their own individual-level data.
//! 2. **Team aggregates.** Members and managers of a team see aggregates computed over the
//!    whole team, and only when the team has at least the minimum group size (default 3).
//! 3. **Others' individual data.** Allowed only when the viewer holds a role in one of the
//!    subject's teams, the subject's visibility setting for that category covers the role,
//!    and the access is written to the audit log before the data is released.
//!    Administrators configure the system but gain no access to individual data by that role.
//!
//! [`PolicyEngine::decide`] is a pure function returning a [`Decision`] that names the rule
//! and gives a reason a person can read. [`Guard`] pairs an engine with an [`AuditLog`]
//! and is the only way to obtain an [`Authorized<T>`].
//!
//! # Examples
//!
//! ```
//! use async_core::ids::{PersonId, TeamId};
//! use async_core::model::Team;
//! use async_policy::{
//!     AccessRequest, DataCategory, Guard, MemoryAuditLog, Organization, Purpose, RulesEngine,
//!     VisibilitySettings,
//! };
//!
//! let team = Team {
//!     id: TeamId::new("payments"),
//!     name: "Payments".into(),
//!     members: vec![PersonId::new("dana"), PersonId::new("lee"), PersonId::new("sam")],
//!     managers: vec![PersonId::new("morgan")],
//! };
//! let engine = RulesEngine::new(Organization::new(vec![team]), VisibilitySettings::default());
//! let guard = Guard::new(engine, MemoryAuditLog::new());
//!
//! // Lee's teammate Dana may see Lee's work items (work is visible to the team by default).
//! let request = AccessRequest::individual("dana", "lee", DataCategory::Work, Purpose::Standup);
//! let work = guard.authorize(&request, vec!["PAY-12"]).expect("allowed");
//! assert_eq!(work.value(), &vec!["PAY-12"]);
//!
//! // Meeting metrics are private by default.
//! let request =
//!     AccessRequest::individual("dana", "lee", DataCategory::MeetingMetrics, Purpose::Standup);
//! let denied = guard.authorize(&request, 3).expect_err("denied");
//! assert!(denied.to_string().contains("lee shares meeting metrics with nobody but themselves"));
//! ```
//!
//! # Security
//!
//! Decisions are default-deny: an unknown person, team or category is denied, never
//! defaulted open. [`Decision`] is exhaustive on purpose, so a new outcome breaks every
//! `match` instead of slipping through. The audit log is hash-chained; [`AuditLog::verify`]
//! detects an edited, dropped, reordered or inserted entry.

mod audit;
mod authorized;
mod category;
mod decision;
mod engine;
mod error;
mod guard;
mod organization;
mod request;
mod settings;

pub use audit::{AuditEntry, AuditLog, AuditRecord, MemoryAuditLog, verify_chain};
pub use authorized::Authorized;
pub use category::{DataCategory, Purpose};
pub use decision::{Decision, Effect, RuleId};
pub use engine::{MIN_GROUP_SIZE_FLOOR, PolicyEngine, RulesEngine};
pub use error::Error;
pub use guard::Guard;
pub use organization::{Organization, Role};
pub use request::{AccessRequest, Scope};
pub use settings::{Visibility, VisibilitySettings};
