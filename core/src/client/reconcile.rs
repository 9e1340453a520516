//! What reconciliation of an unknown pay-out outcome concluded.

use crate::models::StatusResponse;

/// The state of an order whose pay-out outcome was unknown.
#[derive(Clone, Debug, PartialEq)]
pub enum Reconciliation {
    /// The order reached a final status (SUCCESS, FAILED, EXPIRED, CANCELLED): done.
    Settled(StatusResponse),
    /// The gateway has the order and is still working on it (PROCESSING, REVIEW, …):
    /// wait for the callback or ask again later. Never resend.
    Pending(StatusResponse),
    /// The gateway answered with one of the configured "no such order" codes. If it
    /// stays so after a grace period, sending again with the same orderNo is safe.
    NotFound {
        /// The gateway's code.
        code: String,
        /// The gateway's message.
        message: String,
    },
}

impl Reconciliation {
    pub(crate) fn from_status(status: StatusResponse) -> Self {
        if status.is_final() { Reconciliation::Settled(status) } else { Reconciliation::Pending(status) }
    }

    /// True when the order will not change any more.
    pub fn is_settled(&self) -> bool {
        matches!(self, Reconciliation::Settled(_))
    }
}
