//! Approval Studio client SDK (placeholder until the core lands).
