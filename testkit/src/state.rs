//! What one running mock gateway knows, shared by its handle and its connections.

use crate::config::MockConfig;
use crate::error::MockError;
use crate::faults::FaultQueue;
use crate::orders::OrderBook;
use crate::received::RequestLog;
use smilepayz::signing::format_timestamp;
use smilepayz::transport::{Clock, system_clock};
use smilepayz::{SigningKey, VerifyingKey};
use std::sync::atomic::AtomicUsize;
use std::time::Duration;
use time::macros::offset;
use time::{OffsetDateTime, UtcOffset};

/// The offset the gateway writes its times in (Jakarta, as in the seeds' examples).
pub(crate) const GATEWAY_OFFSET: UtcOffset = offset!(+7);

/// How long a callback delivery may take.
const CALLBACK_TIMEOUT: Duration = Duration::from_secs(10);

/// Credentials, clock and books of one gateway.
pub(crate) struct Shared {
    pub(crate) merchant_id: String,
    pub(crate) merchant_secret: String,
    pub(crate) merchant_key: SigningKey,
    /// The public half of `merchant_key`, which request signatures are checked against.
    pub(crate) merchant_public_key: VerifyingKey,
    pub(crate) platform_key: SigningKey,
    pub(crate) clock: Clock,
    pub(crate) orders: OrderBook,
    pub(crate) faults: FaultQueue,
    pub(crate) log: RequestLog,
    pub(crate) callback_http: reqwest::Client,
    /// Connections reset under the client's next request (`Fault::CloseIdleKeepAlive`).
    pub(crate) closed_keep_alive: AtomicUsize,
    /// Whether `/_mock/` serves the admin API.
    pub(crate) admin_api: bool,
    /// The port asked for; 0 for a free one.
    pub(crate) port: u16,
}

impl Shared {
    /// Checks `config` and fills in what it leaves unset.
    pub(crate) fn from_config(config: MockConfig) -> Result<Self, MockError> {
        if config.merchant_id.trim().is_empty() {
            return Err(MockError::Config("merchant_id is empty".into()));
        }
        if config.merchant_secret.is_empty() {
            return Err(MockError::Config("merchant_secret is empty".into()));
        }
        let merchant_key = match config.merchant_key {
            Some(k) => k,
            None => SigningKey::generate()?,
        };
        let platform_key = match config.platform_key {
            Some(k) => k,
            None => SigningKey::generate()?,
        };
        let callback_http = reqwest::Client::builder()
            .timeout(CALLBACK_TIMEOUT)
            .no_proxy()
            .build()
            .map_err(|e| MockError::Config(format!("callback HTTP client: {e}")))?;
        Ok(Shared {
            merchant_id: config.merchant_id,
            merchant_secret: config.merchant_secret,
            merchant_public_key: merchant_key.public_key(),
            merchant_key,
            platform_key,
            clock: config.clock.unwrap_or_else(system_clock),
            orders: OrderBook::default(),
            faults: FaultQueue::default(),
            log: RequestLog::default(),
            callback_http,
            closed_keep_alive: AtomicUsize::new(0),
            admin_api: config.admin_api,
            port: config.port.unwrap_or(0),
        })
    }

    /// The gateway's time now.
    pub(crate) fn now(&self) -> OffsetDateTime {
        (self.clock)()
    }

    /// Forgets every order, balance, queued fault and received request.
    pub(crate) fn reset(&self) {
        self.orders.clear();
        self.faults.clear();
        self.log.clear();
    }

    /// A time as the gateway writes it: `yyyy-MM-ddTHH:mm:ss+07:00`.
    pub(crate) fn gateway_time(at: OffsetDateTime) -> String {
        format_timestamp(at, GATEWAY_OFFSET)
    }
}
