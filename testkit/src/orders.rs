//! The mock gateway's books: accepted orders, how often each `orderNo` was asked to be
//! paid out, and account balances.

use serde_json::{Value, json};
use smilepayz::validation::recase;
use smilepayz::{Case, Decimal, Region, Status};
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use time::OffsetDateTime;

/// An order as the mock gateway holds it.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct MockOrder {
    /// The merchant's order number.
    pub order_no: String,
    /// The trade number the mock gave it: `T` and 20 digits.
    pub trade_no: String,
    /// The region, from the currency.
    pub region: Region,
    /// The amount, exactly as sent.
    pub amount: Decimal,
    /// The currency code.
    pub currency: String,
    /// The payment method (bank code, PIX key type, `USDT`).
    pub payment_method: String,
    /// The beneficiary account, PIX key or wallet.
    pub cash_account: String,
    /// The current status.
    pub status: Status,
    /// Where callbacks go, if the pay-out named an address.
    pub callback_url: Option<String>,
    /// The `merchant.merchantName` the pay-out carried.
    pub merchant_name: Option<String>,
    /// The `receiver.name` the pay-out carried.
    pub receiver_name: Option<String>,
    /// The `remark` status inquiries answer with.
    pub remark: String,
    /// When the order was accepted, by the gateway's clock.
    pub created_at: OffsetDateTime,
    /// When the status last changed (the callback's `transactionTime`).
    pub updated_at: OffsetDateTime,
}

impl MockOrder {
    /// The order as JSON with keys in `case`, as the Python and Node test helpers show it
    /// (amount as exact text, times as `OffsetDateTime` prints them).
    pub fn to_json(&self, case: Case) -> Value {
        recase(
            json!({
                "orderNo": self.order_no, "tradeNo": self.trade_no, "region": self.region.currency(),
                "amount": self.amount.to_string(), "currency": self.currency, "paymentMethod": self.payment_method,
                "cashAccount": self.cash_account, "status": self.status.as_str(), "callbackUrl": self.callback_url,
                "merchantName": self.merchant_name, "receiverName": self.receiver_name, "remark": self.remark,
                "createdAt": self.created_at.to_string(), "updatedAt": self.updated_at.to_string(),
            }),
            case,
        )
    }
}

/// What a pay-out request contributes to a new order.
pub(crate) struct NewOrder {
    pub(crate) order_no: String,
    pub(crate) region: Region,
    pub(crate) amount: Decimal,
    pub(crate) payment_method: String,
    pub(crate) cash_account: String,
    pub(crate) callback_url: Option<String>,
    pub(crate) merchant_name: Option<String>,
    pub(crate) receiver_name: Option<String>,
}

/// The balance of one account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Balance {
    pub(crate) currency: String,
    pub(crate) total: Decimal,
    pub(crate) available: Decimal,
}

#[derive(Debug, Default)]
struct Books {
    orders: Vec<MockOrder>,
    by_order_no: HashMap<String, usize>,
    by_trade_no: HashMap<String, usize>,
    payout_requests: HashMap<String, usize>,
    balances: HashMap<String, Balance>,
    trades_issued: u64,
}

/// The books behind one lock, so that a duplicate check and an insert are one step.
#[derive(Debug, Default)]
pub(crate) struct OrderBook {
    books: Mutex<Books>,
}

impl OrderBook {
    fn lock(&self) -> MutexGuard<'_, Books> {
        self.books.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Counts one pay-out request naming `order_no`.
    pub(crate) fn count_payout_request(&self, order_no: &str) {
        *self.lock().payout_requests.entry(order_no.to_owned()).or_default() += 1;
    }

    /// How many pay-out requests named `order_no`.
    pub(crate) fn payout_requests_for(&self, order_no: &str) -> usize {
        self.lock().payout_requests.get(order_no).copied().unwrap_or(0)
    }

    /// Accepts a new order with a fresh trade number and status PROCESSING; an existing
    /// order with the same `orderNo` is returned untouched as the error.
    pub(crate) fn create(&self, new: NewOrder, now: OffsetDateTime) -> Result<MockOrder, Box<MockOrder>> {
        let mut books = self.lock();
        if let Some(&i) = books.by_order_no.get(&new.order_no) {
            return Err(Box::new(books.orders[i].clone()));
        }
        books.trades_issued += 1;
        let trade_no = trade_no(now, books.trades_issued);
        let order = MockOrder {
            order_no: new.order_no,
            trade_no,
            region: new.region,
            amount: new.amount,
            currency: new.region.currency().to_owned(),
            payment_method: new.payment_method,
            cash_account: new.cash_account,
            status: Status::Processing,
            callback_url: new.callback_url,
            merchant_name: new.merchant_name,
            receiver_name: new.receiver_name,
            remark: String::new(),
            created_at: now,
            updated_at: now,
        };
        let i = books.orders.len();
        books.by_order_no.insert(order.order_no.clone(), i);
        books.by_trade_no.insert(order.trade_no.clone(), i);
        books.orders.push(order.clone());
        Ok(order)
    }

    /// The order matching every id given (at least one must be given).
    pub(crate) fn find(&self, order_no: Option<&str>, trade_no: Option<&str>) -> Option<MockOrder> {
        let books = self.lock();
        let by_order = order_no.map(|o| books.by_order_no.get(o).copied());
        let by_trade = trade_no.map(|t| books.by_trade_no.get(t).copied());
        let index = match (by_order, by_trade) {
            (Some(a), Some(b)) if a == b => a,
            (Some(a), None) => a,
            (None, Some(b)) => b,
            _ => None,
        }?;
        books.orders.get(index).cloned()
    }

    /// Every order, in the order accepted.
    pub(crate) fn all(&self) -> Vec<MockOrder> {
        self.lock().orders.clone()
    }

    /// Changes an order with `change`, returning it as changed.
    pub(crate) fn update(&self, order_no: &str, change: impl FnOnce(&mut MockOrder)) -> Option<MockOrder> {
        let mut books = self.lock();
        let i = *books.by_order_no.get(order_no)?;
        let order = books.orders.get_mut(i)?;
        change(order);
        Some(order.clone())
    }

    /// Sets the balance of an account.
    pub(crate) fn set_balance(&self, account_no: &str, balance: Balance) {
        self.lock().balances.insert(account_no.to_owned(), balance);
    }

    /// Forgets every order, request count and balance. Trade numbers keep counting, so
    /// that none is issued twice by one gateway.
    pub(crate) fn clear(&self) {
        let mut books = self.lock();
        let trades_issued = books.trades_issued;
        *books = Books { trades_issued, ..Books::default() };
    }

    /// The balance of an account, if one was set.
    pub(crate) fn balance(&self, account_no: &str) -> Option<Balance> {
        self.lock().balances.get(account_no).cloned()
    }
}

/// `T`, the time as `yyyyMMddHHmmss` and a six-digit sequence: 20 digits, unique within
/// one gateway up to a million orders a second.
fn trade_no(now: OffsetDateTime, sequence: u64) -> String {
    format!(
        "T{:04}{:02}{:02}{:02}{:02}{:02}{:06}",
        now.year().clamp(0, 9999),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second(),
        sequence % 1_000_000
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn new_order(order_no: &str, amount: i64) -> NewOrder {
        NewOrder {
            order_no: order_no.into(),
            region: Region::Indonesia,
            amount: Decimal::from(amount),
            payment_method: "BRI".into(),
            cash_account: "78120011629261665".into(),
            callback_url: None,
            merchant_name: None,
            receiver_name: None,
        }
    }

    #[test]
    fn trade_numbers_are_t_and_twenty_digits() {
        assert_eq!(trade_no(datetime!(2024-12-17 03:55:09 UTC), 42), "T20241217035509000042");
    }

    #[test]
    fn duplicates_leave_the_first_order_untouched() {
        let book = OrderBook::default();
        let now = datetime!(2024-12-17 03:55:09 UTC);
        let first = book.create(new_order("ORDER0001", 150_000), now).unwrap();
        let again = book.create(new_order("ORDER0001", 1), now).unwrap_err();
        assert_eq!(*again, first);
        let second = book.create(new_order("ORDER0002", 7), now).unwrap();
        assert_ne!(first.trade_no, second.trade_no);
        assert_eq!(book.all().len(), 2);
        assert_eq!(book.find(Some("ORDER0001"), None).unwrap().amount, Decimal::from(150_000));
        assert_eq!(book.find(None, Some(&second.trade_no)).unwrap().order_no, "ORDER0002");
        assert_eq!(book.find(Some("ORDER0001"), Some(&second.trade_no)), None);
        assert_eq!(book.find(Some("ORDER0009"), None), None);
        assert_eq!(book.find(None, None), None);
    }

    #[test]
    fn pay_out_requests_are_counted_per_order_number() {
        let book = OrderBook::default();
        book.count_payout_request("ORDER0001");
        book.count_payout_request("ORDER0001");
        assert_eq!(book.payout_requests_for("ORDER0001"), 2);
        assert_eq!(book.payout_requests_for("ORDER0002"), 0);
    }
}
