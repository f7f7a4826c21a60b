//! The real clock and the operating system's randomness.

use std::time::SystemTime;

use ens_domain::{SecretToken, Timestamp};
use uuid::Uuid;

use crate::outbound::{Clock, Ids};

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        let micros = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        Timestamp::from_micros(micros)
    }
}

/// Ids and secrets from the operating system's CSPRNG.
#[derive(Debug, Default, Clone, Copy)]
pub struct OsIds;

/// Characters of generated passwords: no 0/O, 1/l/I.
const PASSWORD_ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    // The OS CSPRNG failing is not a condition this process can work around.
    #[allow(clippy::expect_used)]
    getrandom::fill(&mut buf).expect("the operating system's random number generator failed");
    buf
}

impl Ids for OsIds {
    fn new_id(&self) -> Uuid {
        Uuid::now_v7()
    }

    fn new_secret(&self) -> SecretToken {
        let bytes: [u8; 32] = random_bytes();
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        SecretToken::new(hex)
    }

    fn new_password(&self) -> String {
        let mut out = String::with_capacity(20);
        while out.len() < 20 {
            for b in random_bytes::<32>() {
                // Rejection sampling keeps every character equally likely.
                let limit = 256 - (256 % PASSWORD_ALPHABET.len());
                if usize::from(b) < limit && out.len() < 20 {
                    out.push(char::from(PASSWORD_ALPHABET[usize::from(b) % PASSWORD_ALPHABET.len()]));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_256_bit_hex_and_differ() {
        let a = OsIds.new_secret();
        let b = OsIds.new_secret();
        assert_eq!(a.expose().len(), 64);
        assert!(a.expose().bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    #[test]
    fn passwords_use_the_alphabet() {
        let p = OsIds.new_password();
        assert_eq!(p.len(), 20);
        assert!(p.bytes().all(|c| PASSWORD_ALPHABET.contains(&c)));
        assert_ne!(p, OsIds.new_password());
    }

    #[test]
    fn ids_are_time_ordered() {
        let a = OsIds.new_id();
        std::thread::sleep(std::time::Duration::from_millis(2));
        assert!(OsIds.new_id() > a);
        assert!(SystemClock.now() > Timestamp::from_micros(1_700_000_000_000_000));
    }
}
