//! Login throttling: per account (stored, so every instance sees it) and per client address
//! (in memory, per instance).

use parking_lot::Mutex;
use std::collections::HashMap;
use std::time::Duration;

use ens_domain::Timestamp;

/// How hard failed logins are throttled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginPolicy {
    /// Failed logins an account may have before each further attempt must wait.
    pub free_failures: u32,
    /// The longest wait an account's failures impose (the wait doubles per failure).
    pub max_account_delay: Duration,
    /// Failed logins one client address may make within `address_window`.
    pub address_failures: u32,
    pub address_window: Duration,
}

impl Default for LoginPolicy {
    fn default() -> Self {
        Self {
            free_failures: 5,
            max_account_delay: Duration::from_secs(15 * 60),
            address_failures: 20,
            address_window: Duration::from_secs(15 * 60),
        }
    }
}

impl LoginPolicy {
    /// How long an account with `failures` failed logins, the last at `last`, must still
    /// wait before the next attempt counts. Doubling from one second, so a person who mistypes
    /// barely notices and a guesser gets a handful of tries an hour.
    pub fn account_wait(&self, failures: u32, last: Option<Timestamp>, now: Timestamp) -> Option<Duration> {
        let excess = failures.checked_sub(self.free_failures)?;
        let delay = Duration::from_secs(1u64 << excess.min(20)).min(self.max_account_delay);
        let elapsed = now.since(last?);
        (elapsed < delay).then(|| delay - elapsed)
    }
}

/// Failed logins per client address, in memory.
#[derive(Debug, Default)]
pub struct AddressThrottle {
    windows: Mutex<HashMap<String, (Timestamp, u32)>>,
}

/// Addresses tracked at most; beyond, the oldest windows are forgotten.
const MAX_TRACKED: usize = 100_000;

impl AddressThrottle {
    /// Takes one attempt for `address`, counted as failed until [`AddressThrottle::forgive`]:
    /// `Err(wait)` if the address has used up its window. Checking and counting are one
    /// step, so parallel attempts cannot all pass the check before any is counted.
    pub fn claim(&self, policy: &LoginPolicy, address: &str, now: Timestamp) -> Result<(), Duration> {
        let mut windows = self.windows.lock();
        if windows.len() >= MAX_TRACKED {
            windows.retain(|_, (start, _)| now.since(*start) < policy.address_window);
        }
        let entry = windows.entry(address.to_owned()).or_insert((now, 0));
        let elapsed = now.since(entry.0);
        if elapsed >= policy.address_window {
            *entry = (now, 0);
        } else if entry.1 >= policy.address_failures {
            return Err(policy.address_window - elapsed);
        }
        entry.1 += 1;
        Ok(())
    }

    /// The attempt claimed for `address` succeeded: it does not count.
    pub fn forgive(&self, address: &str) {
        let mut windows = self.windows.lock();
        if let Some(entry) = windows.get_mut(address) {
            entry.1 = entry.1.saturating_sub(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: i64) -> Timestamp {
        Timestamp::from_micros(s * 1_000_000)
    }

    #[test]
    fn account_waits_double_after_the_free_failures() {
        let p = LoginPolicy::default();
        assert_eq!(p.account_wait(5, Some(t(100)), t(100)), Some(Duration::from_secs(1)));
        assert_eq!(p.account_wait(4, Some(t(100)), t(100)), None);
        assert_eq!(p.account_wait(8, Some(t(100)), t(103)), Some(Duration::from_secs(5)));
        assert_eq!(p.account_wait(8, Some(t(100)), t(108)), None);
        assert_eq!(p.account_wait(40, Some(t(0)), t(0)), Some(Duration::from_secs(900)));
    }

    #[test]
    fn addresses_are_limited_per_window() {
        let p = LoginPolicy { address_failures: 3, address_window: Duration::from_secs(60), ..LoginPolicy::default() };
        let th = AddressThrottle::default();
        for i in 0..3 {
            assert_eq!(th.claim(&p, "10.0.0.1", t(i)), Ok(()));
        }
        assert_eq!(th.claim(&p, "10.0.0.1", t(10)), Err(Duration::from_secs(50)));
        assert_eq!(th.claim(&p, "10.0.0.2", t(10)), Ok(()), "other addresses are not affected");
        assert_eq!(th.claim(&p, "10.0.0.1", t(61)), Ok(()), "the window passes");
        th.forgive("10.0.0.1");
        th.forgive("10.0.0.1");
        assert_eq!(th.claim(&p, "10.0.0.1", t(62)), Ok(()), "successful attempts do not count");
    }

    #[test]
    fn parallel_attempts_from_one_address_stop_at_the_limit() {
        let p = LoginPolicy { address_failures: 5, ..LoginPolicy::default() };
        let th = AddressThrottle::default();
        let passed = std::thread::scope(|s| {
            let handles: Vec<_> = (0..50).map(|_| s.spawn(|| th.claim(&p, "10.0.0.1", t(1)).is_ok())).collect();
            handles.into_iter().filter_map(|h| h.join().ok()).filter(|ok| *ok).count()
        });
        assert_eq!(passed, 5);
    }
}
