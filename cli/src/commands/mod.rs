//! One module per command.

pub(crate) mod batch;
pub(crate) mod calls;
pub(crate) mod keys;
pub(crate) mod mock;
pub(crate) mod sign;
pub(crate) mod verify;
