//! The sealed-value envelope: its byte layout, associated data, sealing and opening.
//!
//! ```text
//! offset  length  field
//! 0       1       format version (1)
//! 1       1       algorithm (1 = AES-256-GCM)
//! 2       4       key id, u32 big-endian
//! 6       12      nonce, random from the operating system
//! 18      n + 16  ciphertext followed by the 16-byte tag
//! ```
//!
//! The associated data is the 6-byte header (version, algorithm, key id) followed by a
//! canonical context: a label naming this format, then the tenant, the collection and the
//! key, each prefixed by its length as a u32 big-endian. The context is recomputed at read
//! time and never stored, so a value copied to another key, collection or tenant fails to
//! authenticate, and so does a header edited to name another key. Length prefixes keep
//! `("ab", "c")` and `("a", "bc")` apart.

use aes_gcm::aead::{Aead, AeadCore, AeadInPlace, OsRng, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use zeroize::Zeroize;

use super::keyring::{KeyCipher, Keyring};
use super::{CryptoError, KeyError, Namespace};
use crate::error::Error;

/// The only envelope format version this release writes and reads.
pub const FORMAT_VERSION: u8 = 1;

/// The algorithm byte for AES-256-GCM with a 96-bit nonce and a 128-bit tag.
pub const ALGORITHM_AES_256_GCM: u8 = 1;

/// The length of the header: version, algorithm and key id.
pub const HEADER_LEN: usize = 6;

/// The length of the nonce.
pub const NONCE_LEN: usize = 12;

/// The length of the authentication tag.
pub const TAG_LEN: usize = 16;

/// The bytes an envelope adds to a plaintext: header, nonce and tag.
pub const OVERHEAD: usize = HEADER_LEN + NONCE_LEN + TAG_LEN;

/// Separates this context format from any other use of the same keys.
const CONTEXT_LABEL: &[u8] = b"async-core/store/v1";

/// The parts of a stored envelope, borrowed from its bytes.
#[derive(Debug)]
pub(crate) struct Envelope<'a> {
    header: &'a [u8],
    pub(crate) key_id: u32,
    nonce: &'a [u8],
    ciphertext: &'a [u8],
}

/// Builds the 6-byte header for `key_id`.
fn header(key_id: u32) -> [u8; HEADER_LEN] {
    let mut header = [0; HEADER_LEN];
    header[0] = FORMAT_VERSION;
    header[1] = ALGORITHM_AES_256_GCM;
    header[2..].copy_from_slice(&key_id.to_be_bytes());
    header
}

/// Builds the associated data that binds an envelope to its header and storage slot.
fn associated_data(header: &[u8], namespace: &Namespace, key: &str) -> Vec<u8> {
    let fields = [
        CONTEXT_LABEL,
        namespace.tenant().as_str().as_bytes(),
        namespace.collection().as_bytes(),
        key.as_bytes(),
    ];
    let length: usize = fields.iter().map(|field| 4 + field.len()).sum();

    let mut aad = Vec::with_capacity(header.len() + length);
    aad.extend_from_slice(header);
    for field in fields {
        // A field longer than 4 GiB cannot occur: keys and ids are short strings, and
        // the saturated length still differs from any real one.
        let field_len = u32::try_from(field.len()).unwrap_or(u32::MAX);
        aad.extend_from_slice(&field_len.to_be_bytes());
        aad.extend_from_slice(field);
    }
    aad
}

/// Seals `plaintext` for `key` in `namespace` under the cipher of `key_id`.
pub(crate) fn seal(
    key_id: u32,
    cipher: &KeyCipher,
    namespace: &Namespace,
    key: &str,
    plaintext: &[u8],
) -> Result<Vec<u8>, Error> {
    let header = header(key_id);
    let aad = associated_data(&header, namespace, key);
    let nonce = Aes256Gcm::generate_nonce(&mut OsRng);

    // One allocation: the plaintext is copied behind the header and nonce, then encrypted
    // in place, so no second plaintext copy is left behind.
    let mut envelope = Vec::with_capacity(OVERHEAD + plaintext.len());
    envelope.extend_from_slice(&header);
    envelope.extend_from_slice(&nonce);
    envelope.extend_from_slice(plaintext);

    let sealed = cipher.cipher.encrypt_in_place_detached(
        &nonce,
        &aad,
        &mut envelope[HEADER_LEN + NONCE_LEN..],
    );
    match sealed {
        Ok(tag) => {
            envelope.extend_from_slice(&tag);
            Ok(envelope)
        }
        Err(_) => {
            envelope.zeroize();
            Err(Error::Crypto(CryptoError::SealFailed {
                key: key.to_owned(),
            }))
        }
    }
}

/// Splits stored bytes into an envelope, checking length, version and algorithm.
pub(crate) fn parse<'a>(bytes: &'a [u8], key: &str) -> Result<Envelope<'a>, Error> {
    if bytes.len() < OVERHEAD {
        return Err(Error::Crypto(CryptoError::Truncated {
            key: key.to_owned(),
            length: bytes.len(),
            minimum: OVERHEAD,
        }));
    }

    let (header, rest) = bytes.split_at(HEADER_LEN);
    if header[0] != FORMAT_VERSION {
        return Err(Error::Crypto(CryptoError::UnsupportedVersion {
            key: key.to_owned(),
            version: header[0],
        }));
    }
    if header[1] != ALGORITHM_AES_256_GCM {
        return Err(Error::Crypto(CryptoError::UnsupportedAlgorithm {
            key: key.to_owned(),
            algorithm: header[1],
        }));
    }

    let key_id = u32::from_be_bytes([header[2], header[3], header[4], header[5]]);
    let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
    Ok(Envelope {
        header,
        key_id,
        nonce,
        ciphertext,
    })
}

/// Opens stored bytes for `key` in `namespace` with the matching key from `keyring`.
///
/// On failure nothing of the decrypted buffer escapes: `aes-gcm` 0.10.3 and later clear
/// it before returning the error, and this function returns only the error.
pub(crate) fn open(
    keyring: &Keyring,
    namespace: &Namespace,
    key: &str,
    bytes: &[u8],
) -> Result<Vec<u8>, Error> {
    let envelope = parse(bytes, key)?;
    let cipher = keyring.cipher(envelope.key_id).ok_or_else(|| {
        Error::Key(KeyError::UnknownKeyId {
            key: key.to_owned(),
            key_id: envelope.key_id,
        })
    })?;

    let aad = associated_data(envelope.header, namespace, key);
    cipher
        .cipher
        .decrypt(
            Nonce::from_slice(envelope.nonce),
            Payload {
                msg: envelope.ciphertext,
                aad: &aad,
            },
        )
        .map_err(|_| {
            Error::Crypto(CryptoError::Tampered {
                key: key.to_owned(),
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::TenantId;
    use crate::secret::EncryptionKey;

    /// "format v1" sealed for `acme/tokens/github` under key id 7, bytes all 0x11.
    const GOLDEN_ENVELOPE: &str =
        "0101000000074e3c9068c6bcbbe8eb7f4a6260ebcde8a2256a4cbb299f1610d8ba0417f12b2fc115bba0ae";

    fn namespace() -> Namespace {
        Namespace::new(TenantId::new("acme"), "tokens")
    }

    #[test]
    fn layout_matches_documentation() {
        let keyring = Keyring::new(0x0102_0304, EncryptionKey::generate());
        let (key_id, cipher) = keyring.active_cipher();

        let sealed = seal(key_id, &cipher, &namespace(), "github", b"hello").expect("sealed");

        assert_eq!(sealed.len(), 5 + OVERHEAD);
        assert_eq!(&sealed[..HEADER_LEN], &[1, 1, 1, 2, 3, 4]);
        let opened = open(&keyring, &namespace(), "github", &sealed).expect("opens");
        assert_eq!(opened, b"hello");
    }

    /// An envelope sealed by this release, so a later release that cannot open it fails
    /// here instead of on stored data.
    #[test]
    fn version_one_envelope_still_opens() {
        let sealed: Vec<u8> = (0..GOLDEN_ENVELOPE.len())
            .step_by(2)
            .map(|index| u8::from_str_radix(&GOLDEN_ENVELOPE[index..index + 2], 16).expect("hex"))
            .collect();
        let keyring = Keyring::new(7, EncryptionKey::from_slice(&[0x11; 32]).expect("32 bytes"));

        let opened = open(&keyring, &namespace(), "github", &sealed).expect("opens");

        assert_eq!(opened, b"format v1");
        assert_eq!(&sealed[..HEADER_LEN], &[1, 1, 0, 0, 0, 7]);
    }

    #[test]
    fn nonces_differ_between_seals() {
        let keyring = Keyring::generate();
        let (key_id, cipher) = keyring.active_cipher();

        let first = seal(key_id, &cipher, &namespace(), "k", b"same").expect("sealed");
        let second = seal(key_id, &cipher, &namespace(), "k", b"same").expect("sealed");

        assert_ne!(
            first[HEADER_LEN..HEADER_LEN + NONCE_LEN],
            second[HEADER_LEN..HEADER_LEN + NONCE_LEN]
        );
        assert_ne!(first, second);
    }

    #[test]
    fn context_fields_are_length_prefixed() {
        let tenant = TenantId::new("t");
        let joined = associated_data(&header(1), &Namespace::new(tenant.clone(), "ab"), "c");
        let split = associated_data(&header(1), &Namespace::new(tenant, "a"), "bc");

        assert_ne!(joined, split);
    }

    #[test]
    fn parse_rejects_short_and_unknown_formats() {
        let short = parse(&[1; OVERHEAD - 1], "k").expect_err("too short");
        let mut wrong_version = vec![1; OVERHEAD];
        wrong_version[0] = 2;
        let mut wrong_algorithm = vec![1; OVERHEAD];
        wrong_algorithm[1] = 9;

        assert!(matches!(
            short,
            Error::Crypto(CryptoError::Truncated { length: 33, .. })
        ));
        assert!(matches!(
            parse(&wrong_version, "k"),
            Err(Error::Crypto(CryptoError::UnsupportedVersion {
                version: 2,
                ..
            }))
        ));
        assert!(matches!(
            parse(&wrong_algorithm, "k"),
            Err(Error::Crypto(CryptoError::UnsupportedAlgorithm {
                algorithm: 9,
                ..
            }))
        ));
    }
}
