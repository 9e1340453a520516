//! The `smilepayz` binary end to end: every command and every exit code, run as a
//! process against the testkit's mock gateway (in this process, or `smilepayz mock`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Case tables are tuples of what a run takes and what it must print.
#![allow(clippy::type_complexity)]

mod batch;
mod callbacks;
mod calls;
mod keys_and_sign;
mod mock;
mod support;
