//! Test hooks (feature `test-hooks`, enabled only for the browser tests): make the next
//! `Store::record` fail after all its requests were made, the way the browser fails a
//! transaction, so a test can see that nothing of it remains.

use indexed_db_futures::transaction::Transaction;

use super::{idb, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The transaction is aborted (any failure after the writes were made).
    Abort,
    /// The disk is full: aborted, with a `QuotaExceededError`.
    Quota,
}

thread_local! {
    static FAULT: std::cell::Cell<Option<Fault>> = const { std::cell::Cell::new(None) };
}

/// The next `Store::record` on this thread fails with `fault` (once).
pub fn inject_fault(fault: Option<Fault>) {
    FAULT.with(|f| f.set(fault));
}

pub(super) fn take() -> Option<Fault> {
    FAULT.with(|f| f.take())
}

/// Aborts `tx` as the browser would for `fault`; the error `record` then answers.
pub(super) async fn fail(tx: Transaction<'_>, fault: Fault) -> StoreError {
    if let Err(e) = tx.abort().await {
        return e.into();
    }
    match fault {
        Fault::Abort => StoreError::other("transaction aborted on purpose"),
        Fault::Quota => match web_sys::DomException::new_with_message_and_name(
            "simulated: the quota has been exceeded",
            "QuotaExceededError",
        ) {
            Ok(dom) => idb::dom_error(&dom),
            Err(_) => StoreError::other("could not simulate a quota error"),
        },
    }
}
