//! Recording confirmed callbacks: one call from the merchant's callback handler moves the
//! row to the status the gateway confirmed, so the report shows final outcomes without
//! polling.

use crate::batch::Batch;
use crate::error::BatchError;
use crate::journal::{Change, Journal, State};
use smilepayz::ConfirmedCallback;

impl<J: Journal> Batch<J> {
    /// Records a confirmed callback (`Client::confirm_callback`): the row with its orderNo
    /// becomes `final` (final status) or `accepted`, whatever state it was in — the
    /// gateway vouches that it holds the order, so a row thought pending or unknown is
    /// never sent again. Returns the row's state, or `None` when the order is not in
    /// this batch. Refuses a callback whose money differs from the row's.
    pub async fn record_callback(&self, confirmed: &ConfirmedCallback) -> Result<Option<State>, BatchError> {
        let order_no = confirmed.order_no();
        let Some(row) = self.journal.find(&self.batch_id, order_no).await? else { return Ok(None) };
        if let Some(money) = confirmed.money()
            && (money.currency != row.currency || row.exact_amount()? != money.amount)
        {
            return Err(BatchError::CallbackDisagrees {
                order_no: order_no.to_owned(),
                detail: format!(
                    "{} {} confirmed, {} {} journaled",
                    money.currency, money.amount, row.currency, row.amount
                ),
            });
        }
        if row.state == State::Final {
            return Ok(Some(State::Final));
        }
        let to = if confirmed.is_final() { State::Final } else { State::Accepted };
        let change = Change {
            status: confirmed.status().map(|s| s.as_str().to_owned()),
            trade_no: Some(confirmed.trade_no().to_owned()),
            gateway_code: Some(confirmed.inquiry.code.clone()),
            message: Some("confirmed callback".to_owned()),
        };
        if self.journal.change(&self.batch_id, row.row_number, (row.state, to), change).await? {
            Ok(Some(to))
        } else {
            // The row moved meanwhile (a worker journaled an answer): report where it is.
            Ok(self.journal.find(&self.batch_id, order_no).await?.map(|r| r.state))
        }
    }
}
