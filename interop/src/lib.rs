//! What the Python and Node bindings share, so that neither writes a rule or a field
//! name of its own: settings read from the mapping a binding is handed ([`settings`]),
//! and answers and errors written back as JSON in the binding's case ([`answers`]), with
//! the error kinds' fields described once ([`kinds`]) for the generated typings.
//! The `smilepayz` crate itself knows nothing of either binding.

pub mod answers;
pub mod batch;
pub mod batch_answers;
pub mod kinds;
pub mod settings;

pub use answers::*;
pub use settings::{Binding, CallSettings, ClientSettings, VerifierSettings};
