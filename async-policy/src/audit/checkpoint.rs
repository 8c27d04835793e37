//! Signed checkpoints of the log's head.

use async_core::ids::TenantId;
use async_core::secret::{EncryptionKey, ExposeSecret};
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::ChainHash;

/// Domain separation for checkpoint signatures.
const CHECKPOINT_DOMAIN: &[u8] = b"async-audit-checkpoint-v1";

/// The log's length and head hash at one moment, signed with HMAC-SHA256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// How many entries the log held.
    pub entries: u64,
    /// The hash of the last of them.
    pub head: ChainHash,
    /// When the checkpoint was taken.
    pub at: DateTime<Utc>,
    /// HMAC-SHA256 over the tenant and the fields above.
    pub signature: ChainHash,
}

impl Checkpoint {
    /// Takes a checkpoint of a log with `entries` entries ending in `head`.
    pub(crate) fn sign(
        key: &EncryptionKey,
        tenant: &TenantId,
        entries: u64,
        head: ChainHash,
        at: DateTime<Utc>,
    ) -> Self {
        let signature = signature(key, tenant, entries, &head, at);
        Self {
            entries,
            head,
            at,
            signature,
        }
    }

    /// Returns whether the signature is valid for `tenant` under `key`.
    pub(crate) fn is_signed_by(&self, key: &EncryptionKey, tenant: &TenantId) -> bool {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key.expose_secret()) else {
            return false;
        };
        feed(&mut mac, tenant, self.entries, &self.head, self.at);
        // `verify_slice` compares in constant time.
        mac.verify_slice(&self.signature.0).is_ok()
    }
}

fn signature(
    key: &EncryptionKey,
    tenant: &TenantId,
    entries: u64,
    head: &ChainHash,
    at: DateTime<Utc>,
) -> ChainHash {
    match Hmac::<Sha256>::new_from_slice(key.expose_secret()) {
        Ok(mut mac) => {
            feed(&mut mac, tenant, entries, head, at);
            ChainHash(mac.finalize().into_bytes().into())
        }
        // HMAC accepts keys of any length; this branch cannot run.
        Err(_) => ChainHash::GENESIS,
    }
}

fn feed(
    mac: &mut Hmac<Sha256>,
    tenant: &TenantId,
    entries: u64,
    head: &ChainHash,
    at: DateTime<Utc>,
) {
    mac.update(CHECKPOINT_DOMAIN);
    mac.update(&(tenant.as_str().len() as u64).to_be_bytes());
    mac.update(tenant.as_str().as_bytes());
    mac.update(&entries.to_be_bytes());
    mac.update(&head.0);
    mac.update(&at.timestamp().to_be_bytes());
    mac.update(&at.timestamp_subsec_nanos().to_be_bytes());
}
