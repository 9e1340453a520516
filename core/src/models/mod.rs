//! Typed requests and answers of the pay-out protocol.

pub mod amount;
pub mod notification;
pub mod request;
pub mod response;
pub mod status;
pub mod time;

pub use notification::CallbackNotification;
pub use request::*;
pub use response::{
    AccountInfo, BalanceResponse, BalanceValue, Channel, GatewayBody, MerchantEcho, Money, PayoutResponse, RawJson,
    StatusResponse,
};
pub use status::Status;
pub use time::GatewayTime;
