//! Approval Studio emulator.
