//! The conformance suite on the in-memory store, plain and encrypted.

#[macro_use]
#[path = "common/store_conformance.rs"]
mod store_conformance;

mod plain {
    store_conformance_tests!(async { async_core::store::MemoryStore::new() });
}

mod encrypted {
    use async_core::store::{EncryptedStore, Keyring, MemoryStore};

    store_conformance_tests!(async {
        EncryptedStore::new(MemoryStore::new(), Keyring::generate())
    });
}

mod shared_pointer {
    use std::sync::Arc;

    use async_core::store::{KeyValueStore, MemoryStore};

    store_conformance_tests!(async {
        let store: Arc<dyn KeyValueStore> = Arc::new(MemoryStore::new());
        store
    });
}
