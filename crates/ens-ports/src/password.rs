//! Principal passwords, hashed with Argon2id.

use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Params, Version};

/// Argon2id with configurable cost. Hashes carry their parameters, so a changed cost applies
/// to new hashes and old ones still verify.
#[derive(Debug, Clone)]
pub struct Passwords {
    params: Params,
}

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("invalid Argon2 parameters: {0}")]
    Params(String),
    #[error("password hashing failed: {0}")]
    Hash(String),
}

impl Passwords {
    /// `memory_kib` and `iterations` as in RFC 9106; OWASP's minimum is 19 MiB and 2.
    pub fn new(memory_kib: u32, iterations: u32) -> Result<Self, PasswordError> {
        let params = Params::new(memory_kib, iterations, 1, None).map_err(|e| PasswordError::Params(e.to_string()))?;
        Ok(Self { params })
    }

    fn argon2(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
    }

    /// A PHC string (`$argon2id$v=19$m=…`) with a random salt.
    pub fn hash(&self, password: &str) -> Result<String, PasswordError> {
        self.argon2()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| PasswordError::Hash(e.to_string()))
    }

    /// True if `password` matches `hash`. A malformed hash never matches.
    pub fn verify(&self, password: &str, hash: &str) -> bool {
        self.argon2().verify_password(password.as_bytes(), hash).is_ok()
    }
}

impl Default for Passwords {
    /// OWASP's recommended minimum for Argon2id: 19 MiB, 2 iterations.
    fn default() -> Self {
        Self { params: Params::DEFAULT }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_are_salted() {
        let p = Passwords::new(1024, 1).expect("params");
        let h = p.hash("correct horse").expect("hash");
        assert!(h.starts_with("$argon2id$v=19$m=1024,t=1,p=1$"), "{h}");
        assert!(p.verify("correct horse", &h));
        assert!(!p.verify("wrong horse", &h));
        assert!(!p.verify("correct horse", "not a hash"));
        assert_ne!(h, p.hash("correct horse").expect("hash"));
        // A hash made with other parameters still verifies.
        assert!(Passwords::default().verify("correct horse", &h));
    }

    #[test]
    fn bad_parameters_are_refused() {
        assert!(Passwords::new(1, 0).is_err());
    }
}
