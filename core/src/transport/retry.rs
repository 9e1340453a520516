//! How often safe requests are retried. A pay-out is retried only when the connection
//! was never made; inquiries, being reads, are retried on any failure.

use std::time::Duration;

/// The most attempts a [`RetryPolicy`] may ask for: enough to ride out a restart with
/// backoff of a second or two, and a bound that turns a typo (10**30) into a clear
/// configuration error.
pub const MAX_RETRY_ATTEMPTS: u32 = 10;

/// Retry budget and backoff for requests that are safe to repeat.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in total, the first included (1 means never retry).
    pub max_attempts: u32,
    /// Wait before the first retry; doubles each time, with full jitter.
    pub initial_backoff: Duration,
    /// Longest wait between attempts.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self { max_attempts: 3, initial_backoff: Duration::from_millis(100), max_backoff: Duration::from_secs(2) }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        Self { max_attempts: 1, ..Self::default() }
    }

    /// The wait before retry number `retry` (1-based): random in `[0, min(max, initial·2^(retry-1))]`.
    pub fn backoff(&self, retry: u32) -> Duration {
        let exp = self.initial_backoff.saturating_mul(1u32 << retry.saturating_sub(1).min(16));
        let cap = exp.min(self.max_backoff);
        let mut byte = [0u8; 2];
        // Jitter only spreads retries out; without randomness the full cap is used.
        let fraction = match aws_lc_rs::rand::fill(&mut byte) {
            Ok(()) => f64::from(u16::from_le_bytes(byte)) / f64::from(u16::MAX),
            Err(_) => 1.0,
        };
        cap.mul_f64(fraction)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy {
            max_attempts: 5,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(300),
        };
        for _ in 0..50 {
            assert!(p.backoff(1) <= Duration::from_millis(100));
            assert!(p.backoff(2) <= Duration::from_millis(200));
            assert!(p.backoff(10) <= Duration::from_millis(300));
        }
        assert_eq!(RetryPolicy::none().max_attempts, 1);
    }
}
