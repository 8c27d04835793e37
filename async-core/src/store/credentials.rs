//! Sealed storage of a connection's OAuth tokens.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::{EncryptedStore, KeyValueStore, Namespace, StorageError, Version};
use crate::error::Error;
use crate::ids::TenantId;
use crate::secret::{ExposeSecret, SecretString};

/// The collection that contains a tenant's OAuth tokens, one key per connection.
pub const CREDENTIALS_COLLECTION: &str = "credentials";

/// A connection's OAuth tokens.
///
/// The tokens are [`SecretString`]s: zeroized on drop and printed as a placeholder by
/// `Debug`. The expiry and scopes are not secret.
#[derive(Debug, Clone)]
pub struct OAuthTokens {
    /// The access token sent with API requests.
    pub access_token: SecretString,
    /// The refresh token, for providers that issue one.
    pub refresh_token: Option<SecretString>,
    /// When the access token expires, if the provider reported it.
    pub expires_at: Option<DateTime<Utc>>,
    /// The scopes the provider granted.
    pub scopes: Vec<String>,
}

/// Tokens read from the store, with the version to pass to
/// [`CredentialStore::replace_if_version`].
#[derive(Debug, Clone)]
pub struct StoredTokens {
    /// The tokens.
    pub tokens: OAuthTokens,
    /// The version they were read at.
    pub version: Version,
}

/// The stored form, borrowing the token text only while it is serialized.
#[derive(Serialize)]
struct TokensOut<'a> {
    access_token: &'a str,
    refresh_token: Option<&'a str>,
    expires_at: Option<DateTime<Utc>>,
    scopes: &'a [String],
}

/// The stored form as read; its strings move into [`SecretString`]s right away.
#[derive(Deserialize)]
struct TokensIn {
    access_token: String,
    refresh_token: Option<String>,
    expires_at: Option<DateTime<Utc>>,
    scopes: Vec<String>,
}

/// Stores each connection's OAuth tokens of one tenant, sealed through an
/// [`EncryptedStore`].
///
/// Tokens live in the tenant's [`CREDENTIALS_COLLECTION`] under the connection's id. A
/// token refresh reads the tokens with their version and writes the new ones with
/// [`CredentialStore::replace_if_version`], so when two refreshes race, the second write
/// fails with a version conflict instead of replacing the newer token.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
///
/// use async_core::ids::TenantId;
/// use async_core::secret::{ExposeSecret, SecretString};
/// use async_core::store::{CredentialStore, EncryptedStore, Keyring, MemoryStore, OAuthTokens};
///
/// # tokio::runtime::Runtime::new().expect("runtime").block_on(async {
/// let store = Arc::new(EncryptedStore::new(MemoryStore::new(), Keyring::generate()));
/// let credentials = CredentialStore::new(store, TenantId::new("acme"));
///
/// let tokens = OAuthTokens {
///     access_token: SecretString::from("gho_example"),
///     refresh_token: None,
///     expires_at: None,
///     scopes: vec!["repo".into()],
/// };
/// credentials.put("github", &tokens).await?;
///
/// let stored = credentials.get("github").await?.expect("present");
/// assert_eq!(stored.tokens.access_token.expose_secret(), "gho_example");
/// # Ok::<(), async_core::Error>(())
/// # }).expect("example");
/// ```
#[derive(Debug)]
pub struct CredentialStore<S> {
    store: Arc<EncryptedStore<S>>,
    namespace: Namespace,
}

impl<S> Clone for CredentialStore<S> {
    fn clone(&self) -> Self {
        Self {
            store: Arc::clone(&self.store),
            namespace: self.namespace.clone(),
        }
    }
}

impl<S: KeyValueStore> CredentialStore<S> {
    /// Creates a credential store for `tenant` on top of `store`.
    pub fn new(store: Arc<EncryptedStore<S>>, tenant: TenantId) -> Self {
        Self {
            store,
            namespace: Namespace::new(tenant, CREDENTIALS_COLLECTION),
        }
    }

    /// Seals and writes `connection`'s tokens, replacing any stored ones.
    ///
    /// # Errors
    ///
    /// Returns the errors of [`EncryptedStore`]'s `put`.
    pub async fn put(&self, connection: &str, tokens: &OAuthTokens) -> Result<Version, Error> {
        let mut bytes = encode(connection, tokens)?;
        let value = std::mem::take(&mut *bytes);
        self.store.put(&self.namespace, connection, value).await
    }

    /// Reads `connection`'s tokens and their version.
    ///
    /// # Errors
    ///
    /// Returns [`StorageError::Codec`] when the stored value is not a token record, and
    /// the errors of [`EncryptedStore`]'s `get` (such as a tampered value).
    pub async fn get(&self, connection: &str) -> Result<Option<StoredTokens>, Error> {
        let Some(stored) = self.store.get(&self.namespace, connection).await? else {
            return Ok(None);
        };

        let plaintext = Zeroizing::new(stored.value);
        let tokens = decode(connection, &plaintext)?;
        Ok(Some(StoredTokens {
            tokens,
            version: stored.version,
        }))
    }

    /// Writes `connection`'s tokens only if the stored ones are still at `expected`.
    ///
    /// # Errors
    ///
    /// Returns [`StorageError::VersionConflict`] when the tokens changed, were deleted, or
    /// were deleted and stored again since they were read at `expected`: another refresh
    /// or a reconnection won, so read them again. Also
    /// returns the errors of [`CredentialStore::put`].
    pub async fn replace_if_version(
        &self,
        connection: &str,
        tokens: &OAuthTokens,
        expected: Version,
    ) -> Result<Version, Error> {
        let mut bytes = encode(connection, tokens)?;
        let value = std::mem::take(&mut *bytes);
        self.store
            .put_if_version(&self.namespace, connection, value, Some(expected))
            .await
    }

    /// Deletes `connection`'s tokens and returns whether they existed.
    ///
    /// # Errors
    ///
    /// Returns the wrapped store's errors.
    pub async fn delete(&self, connection: &str) -> Result<bool, Error> {
        self.store.delete(&self.namespace, connection).await
    }
}

/// Serializes tokens into a buffer that is cleared on drop.
///
/// The buffer is sized up front so that it does not grow, which would leave an uncleared
/// copy behind in freed memory; JSON escaping can still exceed the estimate for tokens
/// with many characters that need escaping.
fn encode(connection: &str, tokens: &OAuthTokens) -> Result<Zeroizing<Vec<u8>>, Error> {
    let access_token = tokens.access_token.expose_secret();
    let refresh_token = tokens
        .refresh_token
        .as_ref()
        .map(|token| token.expose_secret());
    let scopes_len: usize = tokens.scopes.iter().map(|scope| scope.len() + 3).sum();
    let estimate = 2 * (access_token.len() + refresh_token.map_or(0, str::len)) + scopes_len + 160;

    let mut buffer = Zeroizing::new(Vec::with_capacity(estimate));
    let wire = TokensOut {
        access_token,
        refresh_token,
        expires_at: tokens.expires_at,
        scopes: &tokens.scopes,
    };
    serde_json::to_writer(&mut *buffer, &wire).map_err(|_| codec_error(connection, "encoded"))?;
    Ok(buffer)
}

fn decode(connection: &str, plaintext: &[u8]) -> Result<OAuthTokens, Error> {
    // NOTE: when decoding fails after a token string was read, serde drops that string
    // without clearing it. Only a corrupt or foreign value can cause this.
    let wire: TokensIn =
        serde_json::from_slice(plaintext).map_err(|_| codec_error(connection, "decoded"))?;

    Ok(OAuthTokens {
        access_token: SecretString::from(wire.access_token),
        refresh_token: wire.refresh_token.map(SecretString::from),
        expires_at: wire.expires_at,
        scopes: wire.scopes,
    })
}

fn codec_error(connection: &str, operation: &'static str) -> Error {
    Error::Storage(StorageError::Codec {
        key: format!("{CREDENTIALS_COLLECTION}/{connection}"),
        operation,
    })
}
