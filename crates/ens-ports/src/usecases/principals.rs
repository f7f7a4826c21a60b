//! Principals: login, sessions, passwords, and the first start's bootstrap.

use ens_domain::{EmailAddress, Enterprise, EnterpriseId, Principal, PrincipalId, ScimImport, SecretToken, Session};

use super::operators::{IssuedCredentials, OperatorError};
use super::{AdminError, Weakness};
use crate::Ports;
use crate::outbound::PrincipalRecord;

/// A logged-in principal, as every admin use case receives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrincipalContext {
    pub principal: Principal,
    pub session: Session,
    pub must_change_password: bool,
}

impl PrincipalContext {
    pub fn enterprise(&self) -> EnterpriseId {
        self.principal.enterprise_id
    }

    /// Everything but changing the password and logging out waits for a one-time password to
    /// be replaced.
    pub fn require_ready(&self) -> Result<(), AdminError> {
        if self.must_change_password { Err(AdminError::PasswordChangeRequired) } else { Ok(()) }
    }
}

/// A new session: the tokens are handed to the principal once and stored only as hashes.
#[derive(Debug)]
pub struct NewSession {
    pub token: SecretToken,
    pub csrf_token: SecretToken,
    pub context: PrincipalContext,
}

/// Shortest acceptable password.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// Sessions are touched at most this often, so that reads do not write on every request.
const TOUCH_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

impl Ports {
    /// Logs in with login and password; `client` is the caller's address (for throttling).
    ///
    /// Every attempt is counted as failed *before* its password is checked (per address in
    /// memory, per account in the store, each in one atomic step) and forgiven when it
    /// succeeds: so however many attempts arrive at once, only those the throttle allows
    /// are checked.
    pub fn login(&self, login: &str, password: &str, client: &str) -> Result<NewSession, AdminError> {
        let now = self.clock.now();
        self.throttle.claim(&self.policy.login, client, now).map_err(AdminError::Throttled)?;
        let record = match EmailAddress::parse(login) {
            Ok(l) => self.setup.principal_by_login(&l)?,
            Err(_) => None,
        };
        let record = match record {
            Some(r) => Some(self.claim_attempt(r)?),
            None => None,
        };
        // An unknown login is verified against a hash too, so that it takes as long as a
        // known one with a wrong password.
        let dummy;
        let hash = match &record {
            Some(r) => r.password_hash.as_str(),
            None => {
                dummy = self.dummy_hash.get_or_init(|| self.passwords.hash("no such principal").unwrap_or_default());
                dummy.as_str()
            }
        };
        let ok = self.passwords.verify(password, hash) && record.is_some();
        let Some(record) = record.filter(|_| ok) else {
            tracing::info!(client, "login failed");
            return Err(AdminError::InvalidCredentials);
        };
        self.throttle.forgive(client);
        self.setup.reset_login_failures(record.principal.id, self.clock.now())?;
        tracing::info!(principal = %record.principal.id, "login");
        self.open_session(&record)
    }

    /// Counts an attempt at `record`'s password as failed, if the account's throttle allows
    /// one now; returns the record as counted. Parallel attempts that read the same count
    /// race for one compare-and-set; the losers read again (and usually must wait).
    fn claim_attempt(&self, mut record: PrincipalRecord) -> Result<PrincipalRecord, AdminError> {
        let now = self.clock.now();
        for _ in 0..8 {
            if let Some(wait) = self.policy.login.account_wait(record.failed_logins, record.last_failed_login_at, now) {
                return Err(AdminError::Throttled(wait));
            }
            if self.setup.record_login_failure(record.principal.id, record.failed_logins, now)? {
                return Ok(record);
            }
            record = self.setup.principal(record.principal.id)?.ok_or(AdminError::InvalidCredentials)?;
        }
        // Many attempts at once on one account: this one waits its turn.
        Err(AdminError::Throttled(std::time::Duration::from_secs(1)))
    }

    fn open_session(&self, record: &PrincipalRecord) -> Result<NewSession, AdminError> {
        let now = self.clock.now();
        let token = self.ids.new_secret();
        let csrf_token = self.ids.new_secret();
        let session = Session {
            token_hash: token.hash(),
            principal_id: record.principal.id,
            enterprise_id: record.principal.enterprise_id,
            csrf_hash: csrf_token.hash(),
            created_at: now,
            last_seen_at: now,
        };
        self.sessions.create_session(&session)?;
        let context = PrincipalContext {
            principal: record.principal.clone(),
            session,
            must_change_password: record.must_change_password,
        };
        Ok(NewSession { token, csrf_token, context })
    }

    /// Resolves a session token; ended sessions are deleted.
    pub fn authenticate_session(&self, token: &str) -> Result<PrincipalContext, AdminError> {
        if token.is_empty() {
            return Err(AdminError::Unauthenticated);
        }
        let hash = SecretToken::new(token.to_owned()).hash();
        let session = self.sessions.session(&hash)?.ok_or(AdminError::Unauthenticated)?;
        let now = self.clock.now();
        if !self.policy.sessions.is_live(&session, now) {
            self.sessions.delete_session(&hash)?;
            return Err(AdminError::Unauthenticated);
        }
        let record = self.setup.principal(session.principal_id)?.ok_or(AdminError::Unauthenticated)?;
        if now.since(session.last_seen_at) >= TOUCH_EVERY {
            self.sessions.touch_session(&hash, now)?;
        }
        Ok(PrincipalContext { principal: record.principal, session, must_change_password: record.must_change_password })
    }

    /// The enterprise of a logged-in principal (also while a password change is pending: the
    /// page names it on the password form).
    pub fn session_enterprise(&self, ctx: &PrincipalContext) -> Result<Enterprise, AdminError> {
        self.setup.enterprise(ctx.enterprise())?.ok_or(AdminError::NotFound)
    }

    /// When the session ends unless used.
    pub fn session_expires_at(&self, ctx: &PrincipalContext) -> ens_domain::Timestamp {
        self.policy.sessions.expires_at(&ctx.session)
    }

    pub fn logout(&self, ctx: &PrincipalContext) -> Result<(), AdminError> {
        self.sessions.delete_session(&ctx.session.token_hash)?;
        Ok(())
    }

    /// Changes the caller's password. Every session of theirs ends; a fresh one is returned.
    pub fn change_password(&self, ctx: &PrincipalContext, current: &str, new: &str) -> Result<NewSession, AdminError> {
        let record = self.setup.principal(ctx.principal.id)?.ok_or(AdminError::Unauthenticated)?;
        // The current password is a secret to guess like the login's: throttled the same way.
        let record = self.claim_attempt(record)?;
        if !self.passwords.verify(current, &record.password_hash) {
            return Err(AdminError::InvalidCredentials);
        }
        self.setup.reset_login_failures(record.principal.id, self.clock.now())?;
        check_password(new, current, &record.principal.login)?;
        self.setup.set_password(record.principal.id, &self.passwords.hash(new)?, false)?;
        tracing::info!(principal = %record.principal.id, "password changed");
        let record = self.setup.principal(ctx.principal.id)?.ok_or(AdminError::Unauthenticated)?;
        self.open_session(&record)
    }

    /// On an empty database: creates one enterprise and one principal with a one-time
    /// password, once, even with several instances starting together.
    pub fn bootstrap(&self, enterprise_name: &str, login: &str) -> Result<Option<IssuedCredentials>, OperatorError> {
        if !self.setup.enterprises()?.is_empty() {
            return Ok(None);
        }
        let login = EmailAddress::parse(login).map_err(OperatorError::InvalidLogin)?;
        let now = self.clock.now();
        let enterprise = Enterprise {
            id: EnterpriseId::from_uuid(self.ids.new_id()),
            name: ens_domain::enterprise::validate_enterprise_name(enterprise_name)
                .map_err(OperatorError::InvalidName)?,
            created_at: now,
        };
        let principal = Principal {
            id: PrincipalId::from_uuid(self.ids.new_id()),
            enterprise_id: enterprise.id,
            login,
            created_at: now,
        };
        let password = self.ids.new_password();
        let created = self.setup.bootstrap(
            &enterprise,
            &ScimImport::new(enterprise.id, now),
            &principal,
            &self.passwords.hash(&password)?,
        )?;
        Ok(created.then_some(IssuedCredentials { principal, password }))
    }

    /// Deletes ended sessions; returns how many.
    pub fn prune_sessions(&self) -> Result<u64, AdminError> {
        let now = self.clock.now();
        Ok(self.sessions.prune_sessions(
            now.saturating_sub(self.policy.sessions.idle),
            now.saturating_sub(self.policy.sessions.absolute),
        )?)
    }
}

fn check_password(new: &str, current: &str, login: &EmailAddress) -> Result<(), AdminError> {
    let n = new.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(AdminError::WeakPassword(Weakness::TooShort { min: MIN_PASSWORD_CHARS }));
    }
    if n > 256 {
        return Err(AdminError::WeakPassword(Weakness::TooLong { max: 256 }));
    }
    if new == current {
        return Err(AdminError::WeakPassword(Weakness::SameAsCurrent));
    }
    if new.eq_ignore_ascii_case(login.as_str()) {
        return Err(AdminError::WeakPassword(Weakness::IsLogin));
    }
    // Length alone lets "passwordpassword" through: zxcvbn estimates how many guesses a
    // cracker needs, from common passwords, words, names, keyboard patterns and repeats.
    let local = login.as_str().split('@').next().unwrap_or_default();
    let estimate = zxcvbn::zxcvbn(new, &[login.as_str(), local, "ens", "scim", "entra"]);
    if estimate.score() < zxcvbn::Score::Three {
        let hint =
            estimate.feedback().and_then(|f| f.warning().map(|w| w.to_string().trim_end_matches('.').to_lowercase()));
        return Err(AdminError::WeakPassword(Weakness::Guessable { hint }));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::memory::ManualClock;
    use crate::testing::ports_with_clock;

    fn setup() -> (Ports, std::sync::Arc<ManualClock>, String) {
        let (p, clock) = ports_with_clock();
        let e = p.create_enterprise("Contoso").expect("enterprise");
        let creds = p.create_principal(e.id, "admin@contoso.com").expect("principal");
        (p, clock, creds.password)
    }

    #[test]
    fn login_session_and_one_time_password() {
        let (p, _, password) = setup();
        assert!(matches!(p.login("admin@contoso.com", "wrong", "ip"), Err(AdminError::InvalidCredentials)));
        assert!(matches!(p.login("nobody@contoso.com", &password, "ip"), Err(AdminError::InvalidCredentials)));
        assert!(matches!(p.login("not a login", &password, "ip"), Err(AdminError::InvalidCredentials)));
        let s = p.login("ADMIN@contoso.com", &password, "ip").expect("login");
        assert!(s.context.must_change_password);
        let ctx = p.authenticate_session(s.token.expose()).expect("session");
        assert_eq!(ctx.require_ready().map_err(|e| e.to_string()), Err(AdminError::PasswordChangeRequired.to_string()));
        assert!(matches!(
            p.change_password(&ctx, "wrong", "a much better password"),
            Err(AdminError::InvalidCredentials)
        ));
        assert!(matches!(p.change_password(&ctx, &password, "short"), Err(AdminError::WeakPassword(_))));
        let fresh = p.change_password(&ctx, &password, "a much better password").expect("changed");
        assert!(
            matches!(p.authenticate_session(s.token.expose()), Err(AdminError::Unauthenticated)),
            "old session ended"
        );
        let ctx = p.authenticate_session(fresh.token.expose()).expect("new session");
        assert!(ctx.require_ready().is_ok());
        p.logout(&ctx).expect("logout");
        assert!(matches!(p.authenticate_session(fresh.token.expose()), Err(AdminError::Unauthenticated)));
        assert!(matches!(p.login("admin@contoso.com", &password, "ip"), Err(AdminError::InvalidCredentials)));
        assert!(p.login("admin@contoso.com", "a much better password", "ip").is_ok());
    }

    #[test]
    fn sessions_end_when_idle_or_old() {
        let (p, clock, password) = setup();
        let s = p.login("admin@contoso.com", &password, "ip").expect("login");
        clock.advance(Duration::from_secs(29 * 60));
        assert!(p.authenticate_session(s.token.expose()).is_ok(), "used within the idle limit");
        clock.advance(Duration::from_secs(29 * 60));
        assert!(p.authenticate_session(s.token.expose()).is_ok(), "touched, so still alive");
        clock.advance(Duration::from_secs(31 * 60));
        assert!(matches!(p.authenticate_session(s.token.expose()), Err(AdminError::Unauthenticated)), "idle");
        let s = p.login("admin@contoso.com", &password, "ip").expect("login");
        for _ in 0..30 {
            clock.advance(Duration::from_secs(25 * 60));
            let _ = p.authenticate_session(s.token.expose());
        }
        assert!(matches!(p.authenticate_session(s.token.expose()), Err(AdminError::Unauthenticated)), "absolute");
    }

    #[test]
    fn failed_logins_are_throttled_per_account_and_address() {
        let (p, clock, password) = setup();
        for i in 0..5 {
            assert!(matches!(
                p.login("admin@contoso.com", "wrong", &format!("ip{i}")),
                Err(AdminError::InvalidCredentials)
            ));
        }
        // The sixth attempt, right away and from anywhere, waits — even with the right password.
        assert!(matches!(p.login("admin@contoso.com", &password, "elsewhere"), Err(AdminError::Throttled(_))));
        clock.advance(Duration::from_secs(2));
        assert!(p.login("admin@contoso.com", &password, "elsewhere").is_ok(), "the wait passed");
        // One address guessing many accounts.
        for i in 0..20 {
            let _ = p.login(&format!("user{i}@contoso.com"), "wrong", "attacker");
        }
        assert!(matches!(p.login("admin@contoso.com", &password, "attacker"), Err(AdminError::Throttled(_))));
        assert!(p.login("admin@contoso.com", &password, "friend").is_ok());
    }

    #[test]
    fn parallel_wrong_logins_get_the_free_attempts_then_wait() {
        let (p, clock, password) = setup();
        let checked = std::thread::scope(|s| {
            let handles: Vec<_> = (0..60)
                .map(|i| {
                    let p = &p;
                    s.spawn(move || p.login("admin@contoso.com", "wrong", &format!("ip{i}")))
                })
                .collect();
            handles
                .into_iter()
                .filter_map(|h| h.join().ok())
                .filter(|r| matches!(r, Err(AdminError::InvalidCredentials)))
                .count()
        });
        assert_eq!(checked, 5, "the five free attempts, no more");
        clock.advance(Duration::from_secs(1));
        let after_wait = (0..10)
            .filter(|i| {
                matches!(p.login("admin@contoso.com", "wrong", &format!("b{i}")), Err(AdminError::InvalidCredentials))
            })
            .count();
        assert_eq!(after_wait, 1, "one attempt per wait");
        clock.advance(Duration::from_secs(60));
        assert!(p.login("admin@contoso.com", &password, "ip").is_ok());
    }

    #[test]
    fn the_current_password_check_is_throttled_too() {
        let (p, _, password) = setup();
        let s = p.login("admin@contoso.com", &password, "ip").expect("login");
        let wrong =
            (0..30).map(|_| p.change_password(&s.context, "guess", "a much better password")).collect::<Vec<_>>();
        assert_eq!(wrong.iter().filter(|r| matches!(r, Err(AdminError::InvalidCredentials))).count(), 5);
        assert!(wrong.iter().skip(5).all(|r| matches!(r, Err(AdminError::Throttled(_)))));
        assert!(
            matches!(p.change_password(&s.context, &password, "a much better password"), Err(AdminError::Throttled(_))),
            "even the right password waits its turn"
        );
    }

    #[test]
    fn trivial_passwords_are_refused() {
        let (p, _, password) = setup();
        let s = p.login("admin@contoso.com", &password, "ip").expect("login");
        for weak in ["password1234", "qwertyuiop123", "admin@contoso.com1", "aaaaaaaaaaaaaaaa", "contosocontoso"] {
            assert!(
                matches!(p.change_password(&s.context, &password, weak), Err(AdminError::WeakPassword(_))),
                "{weak}"
            );
        }
        assert!(p.change_password(&s.context, &password, "violet stapler orbit 42").is_ok());
    }

    #[test]
    fn bootstrap_once_on_an_empty_database() {
        let (p, _) = ports_with_clock();
        let creds = p.bootstrap("My enterprise", "admin@example.com").expect("ok").expect("created");
        assert_eq!(creds.principal.login.as_str(), "admin@example.com");
        assert!(p.bootstrap("Again", "other@example.com").expect("ok").is_none());
        let s = p.login("admin@example.com", &creds.password, "ip").expect("login");
        assert!(s.context.must_change_password);
        assert_eq!(p.setup.enterprises().expect("list").len(), 1);
    }
}
