//! Property tests of sealing and opening: round trips, and single-bit flips that never open.

use std::future::Future;
use std::sync::OnceLock;

use async_core::Error;
use async_core::ids::TenantId;
use async_core::secret::EncryptionKey;
use async_core::store::{EncryptedStore, Keyring, MemoryStore, Namespace};
use proptest::prelude::*;

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .build()
            .expect("runtime")
    })
}

fn block_on<F: Future>(future: F) -> F::Output {
    runtime().block_on(future)
}

fn store() -> &'static EncryptedStore<MemoryStore> {
    static STORE: OnceLock<EncryptedStore<MemoryStore>> = OnceLock::new();
    STORE.get_or_init(|| {
        let keyring = Keyring::new(1, EncryptionKey::from_slice(&[42; 32]).expect("32 bytes"));
        EncryptedStore::new(MemoryStore::new(), keyring)
    })
}

fn slot() -> impl Strategy<Value = (Namespace, String)> {
    ("[a-z0-9-]{1,12}", "[a-z_]{1,10}", "\\PC{0,24}").prop_map(|(tenant, collection, key)| {
        (Namespace::new(TenantId::new(tenant), collection), key)
    })
}

proptest! {
    #[test]
    fn sealed_values_open_to_the_same_bytes(
        (namespace, key) in slot(),
        plaintext in proptest::collection::vec(any::<u8>(), 0..2048),
    ) {
        let sealed = block_on(store().seal(&namespace, &key, &plaintext)).expect("seals");
        let opened = block_on(store().open(&namespace, &key, &sealed)).expect("opens");

        prop_assert_eq!(opened, plaintext);
    }

    #[test]
    fn single_bit_flips_never_open(
        (namespace, key) in slot(),
        plaintext in proptest::collection::vec(any::<u8>(), 0..512),
        position in any::<prop::sample::Index>(),
        bit in 0u8..8,
    ) {
        let mut sealed = block_on(store().seal(&namespace, &key, &plaintext)).expect("seals");
        let index = position.index(sealed.len());
        sealed[index] ^= 1 << bit;

        let result = block_on(store().open(&namespace, &key, &sealed));

        prop_assert!(
            matches!(result, Err(Error::Crypto(_) | Error::Key(_))),
            "flipping bit {} of byte {} opened: {:?}", bit, index, result.map(|_| "plaintext")
        );
    }

    #[test]
    fn other_slots_never_open(
        (namespace, key) in slot(),
        (other_namespace, other_key) in slot(),
        plaintext in proptest::collection::vec(any::<u8>(), 0..256),
    ) {
        prop_assume!(namespace != other_namespace || key != other_key);
        let sealed = block_on(store().seal(&namespace, &key, &plaintext)).expect("seals");

        let result = block_on(store().open(&other_namespace, &other_key, &sealed));

        prop_assert!(result.is_err());
    }
}
