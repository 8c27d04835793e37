//! Decisions and the rules that make them.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The rule that decided a request.
///
/// Ids are stable: they are stored in audit entries and matched by machines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RuleId {
    /// Rule 1: a person may always see their own data.
    SelfAccess,
    /// Rule 2: team members and managers see whole-team aggregates above the minimum size.
    TeamAggregate,
    /// Rule 3: others' individual data by role, setting and audit.
    OthersIndividual,
    /// Nothing allowed the request.
    DefaultDeny,
}

impl RuleId {
    /// The rule's stable id (`"self-access"`).
    pub fn as_str(self) -> &'static str {
        match self {
            RuleId::SelfAccess => "self-access",
            RuleId::TeamAggregate => "team-aggregate",
            RuleId::OthersIndividual => "others-individual",
            RuleId::DefaultDeny => "default-deny",
        }
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a decision allows or denies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// Allowed.
    Allow,
    /// Denied.
    Deny,
}

/// The outcome of a policy decision, with the rule and a reason a person can read.
///
/// The enum is exhaustive on purpose: adding an outcome must break every `match` on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Decision {
    /// The data may be released.
    Allow {
        /// The rule that allowed it.
        rule: RuleId,
        /// Why, as a sentence.
        reason: String,
        /// Whether the access must be written to the audit log before the data is released.
        requires_audit: bool,
    },
    /// The data must not be released.
    Deny {
        /// The rule that denied it.
        rule: RuleId,
        /// Why, as a sentence.
        reason: String,
    },
}

impl Decision {
    /// Returns whether the decision allows the access.
    pub fn is_allowed(&self) -> bool {
        matches!(self, Decision::Allow { .. })
    }

    /// The effect of the decision.
    pub fn effect(&self) -> Effect {
        match self {
            Decision::Allow { .. } => Effect::Allow,
            Decision::Deny { .. } => Effect::Deny,
        }
    }

    /// The rule that decided.
    pub fn rule(&self) -> RuleId {
        match self {
            Decision::Allow { rule, .. } | Decision::Deny { rule, .. } => *rule,
        }
    }

    /// The reason, as a sentence.
    pub fn reason(&self) -> &str {
        match self {
            Decision::Allow { reason, .. } | Decision::Deny { reason, .. } => reason,
        }
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Decision::Allow { rule, reason, .. } => write!(f, "allowed by {rule}: {reason}"),
            Decision::Deny { rule, reason } => write!(f, "denied by {rule}: {reason}"),
        }
    }
}
