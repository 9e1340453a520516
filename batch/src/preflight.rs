//! Pre-flight: the batch's total still to send per currency (exact sums) against the
//! balance inquiry, before anything is sent.

use crate::batch::Batch;
use crate::error::BatchError;
use crate::journal::{Journal, State};
use rust_decimal::Decimal;
use smilepayz::Client;
use std::collections::BTreeMap;

/// What one currency needs and has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Coverage {
    /// The sum of the pending rows' amounts.
    pub needed: Decimal,
    /// The available balance the gateway reported.
    pub available: Decimal,
}

impl<J: Journal> Batch<J> {
    /// Compares the pending rows' total per currency with the available balance of
    /// `account_no`; refuses ([`BatchError::InsufficientBalance`]) when a currency is
    /// not covered. Sends nothing.
    pub async fn preflight(&self, client: &Client, account_no: &str) -> Result<BTreeMap<String, Coverage>, BatchError> {
        let mut needed: BTreeMap<String, Decimal> = BTreeMap::new();
        self.each_row(|row| {
            if row.state == State::Pending {
                let amount = row.exact_amount()?;
                *needed.entry(row.currency).or_default() += amount;
            }
            Ok(())
        })
        .await?;
        let balance = client.inquire_balance(account_no).await?;
        let mut available: BTreeMap<String, Decimal> = BTreeMap::new();
        for value in balance.account_infos.into_iter().filter_map(|info| info.available_balance) {
            if let Some(currency) = value.currency {
                *available.entry(currency).or_default() += value.value;
            }
        }
        let mut coverage = BTreeMap::new();
        for (currency, needed) in needed {
            let Some(&have) = available.get(&currency) else {
                return Err(BatchError::InsufficientBalance { currency, needed, available: None });
            };
            if have < needed {
                return Err(BatchError::InsufficientBalance { currency, needed, available: Some(have) });
            }
            coverage.insert(currency, Coverage { needed, available: have });
        }
        Ok(coverage)
    }
}
