//! C ABI of the Approval Studio client.
