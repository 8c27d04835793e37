//! Wire models: GitHub's JSON as the REST API (version `2022-11-28`) sends it.
//!
//! The models keep only the fields the SDK reads. Bodies of pull requests, reviews and
//! comments are never deserialized, so they are never held in memory or stored. Fields that
//! GitHub sends as `null` or omits (a deleted user, an unmerged pull request, a pending
//! review) are `Option`, and server-controlled enums keep unknown values in an `Other`
//! variant instead of failing.

mod commit;
mod pull;
mod review;
mod review_comment;
mod user;

pub use commit::{Commit, GitCommit, GitSignature};
pub use pull::{Branch, PullRequest, PullRequestState};
pub use review::{Review, ReviewState};
pub use review_comment::ReviewComment;
pub use user::{User, UserType};
