//! Principal passwords, hashed with Argon2id.
//!
//! Each hash fills `memory_kib` of working memory (19 MiB at OWASP's cost). Allocated anew per
//! hash, that memory is freed into the allocator's arenas, which keep it: the process grew
//! from 17 to 76 MiB after the first logins. So the working memory is one buffer for the
//! process, taken for one hash at a time and kept for the next (the passwords lane runs one
//! hash at a time anyway; a hash made elsewhere, by the CLI or at the first start, waits for
//! it): memory stays at one hash's, however many logins come.

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use parking_lot::Mutex;

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

/// The working memory of the hash being computed, kept for the next one.
static MEMORY: Mutex<Vec<Block>> = Mutex::new(Vec::new());

/// `argon2`'s hash of `password` with `salt` into `out`, in the process's one buffer.
fn compute(argon2: &Argon2<'_>, password: &[u8], salt: &[u8], out: &mut [u8]) -> Result<(), argon2::Error> {
    let needed = argon2.params().block_count();
    let mut memory = MEMORY.lock();
    if memory.len() < needed {
        // Grows to the largest cost seen; every block is written before it is read, so the
        // previous hash's contents need no clearing.
        memory.resize(needed, Block::default());
    }
    argon2.hash_password_into_with_memory(password, salt, out, &mut memory[..needed])
}

impl Passwords {
    /// `memory_kib` and `iterations` as in RFC 9106; OWASP's minimum is 19 MiB and 2.
    pub fn new(memory_kib: u32, iterations: u32) -> Result<Self, PasswordError> {
        let params = Params::new(memory_kib, iterations, 1, None).map_err(|e| PasswordError::Params(e.to_string()))?;
        Ok(Self { params })
    }

    /// A PHC string (`$argon2id$v=19$m=…`) with a random salt.
    pub fn hash(&self, password: &str) -> Result<String, PasswordError> {
        let fail = |e: &dyn std::fmt::Display| PasswordError::Hash(e.to_string());
        let salt = Salt::generate();
        let mut out = vec![0u8; self.params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN)];
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone());
        compute(&argon2, password.as_bytes(), &salt, &mut out).map_err(|e| fail(&e))?;
        let hash = PasswordHash {
            algorithm: Algorithm::Argon2id.ident(),
            version: Some(Version::V0x13.into()),
            params: ParamsString::try_from(&self.params).map_err(|e| fail(&e))?,
            salt: Some(salt),
            hash: Some(Output::new(&out).map_err(|e| fail(&e))?),
        };
        Ok(hash.to_string())
    }

    /// True if `password` matches `hash` (compared in constant time). A malformed hash never
    /// matches.
    pub fn verify(&self, password: &str, hash: &str) -> bool {
        let Ok(parsed) = PasswordHash::new(hash) else { return false };
        let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else { return false };
        let Ok(algorithm) = Algorithm::try_from(parsed.algorithm.as_str()) else { return false };
        let Ok(version) = parsed.version.map_or(Ok(Version::default()), Version::try_from) else { return false };
        let Ok(params) = Params::try_from(&parsed) else { return false };
        let mut out = vec![0u8; expected.len()];
        if compute(&Argon2::new(algorithm, version, params), password.as_bytes(), salt, &mut out).is_err() {
            return false;
        }
        // Output's equality is constant-time.
        Output::new(&out).is_ok_and(|computed| computed == *expected)
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

    /// The hashes are Argon2id's: a hash of the argon2 crate's own PHC API verifies here, and
    /// one made here verifies there (a stored hash never has to be made again).
    #[test]
    fn hashes_are_those_of_the_phc_api() {
        use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
        let params = Params::new(1024, 1, 1, None).expect("params");
        let reference = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let theirs = reference.hash_password(b"correct horse").expect("hash").to_string();
        let p = Passwords::new(1024, 1).expect("params");
        assert!(p.verify("correct horse", &theirs));
        assert!(!p.verify("correct horsf", &theirs));
        let ours = p.hash("correct horse").expect("hash");
        assert!(reference.verify_password(b"correct horse", ours.as_str()).is_ok());
        // Salt and output lengths as the crate's defaults.
        let parsed = PasswordHash::new(&ours).expect("a PHC string");
        assert_eq!((parsed.salt.map(|s| s.len()), parsed.hash.map(|h| h.len())), (Some(16), Some(32)));
    }

    /// The working memory is one buffer, kept at the largest cost seen.
    #[test]
    fn the_working_memory_is_kept_for_the_next_hash() {
        let p = Passwords::new(2048, 1).expect("params");
        let h = p.hash("correct horse").expect("hash");
        assert!(p.verify("correct horse", &h));
        // Tests run side by side: another may have grown it further, none shrinks it.
        assert!(MEMORY.lock().len() >= 2048, "a block is 1 KiB");
    }
}
