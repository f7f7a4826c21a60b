//! The enterprise's principals, as its principals manage them: list, invite, reset a password,
//! remove. Every change is written with its activity entry (who did it) in one transaction;
//! a principal never sees or touches another enterprise's principals.

use ens_domain::{ActivityKind, EmailAddress, Principal, PrincipalId, Said};

use super::AdminError;
use super::operators::IssuedCredentials;
use super::principals::PrincipalContext;
use crate::Ports;
use crate::outbound::{PrincipalRecord, PrincipalRemoval, StoreError};

impl Ports {
    /// The caller's enterprise's principals, by login.
    pub fn list_principals(&self, ctx: &PrincipalContext) -> Result<Vec<PrincipalRecord>, AdminError> {
        ctx.require_ready()?;
        Ok(self.setup.principals(ctx.enterprise())?)
    }

    /// Invites another principal of the caller's enterprise: a generated one-time password,
    /// returned once, to be changed at the first login.
    pub fn invite_principal(&self, ctx: &PrincipalContext, login: &str) -> Result<IssuedCredentials, AdminError> {
        ctx.require_ready()?;
        let login = EmailAddress::parse(login).map_err(AdminError::InvalidLogin)?;
        let password = self.ids.new_password();
        let principal = Principal {
            id: PrincipalId::from_uuid(self.ids.new_id()),
            enterprise_id: ctx.enterprise(),
            login: login.clone(),
            created_at: self.clock.now(),
        };
        let entry = self.principal_activity(
            ctx,
            ActivityKind::PrincipalInvited,
            Said::new("principal-invited").with("login", login.as_str()),
        );
        match self.setup.invite_principal(&principal, &self.passwords.hash(&password)?, &entry) {
            Err(StoreError::Duplicate(_)) => return Err(AdminError::LoginTaken(login.to_string())),
            r => r?,
        }
        tracing::info!(principal = %principal.id, by = %ctx.principal.id, "principal invited");
        Ok(IssuedCredentials { principal, password })
    }

    /// Gives another principal of the caller's enterprise a new one-time password, returned
    /// once; their sessions end.
    pub fn reset_principal_password(
        &self,
        ctx: &PrincipalContext,
        id: PrincipalId,
    ) -> Result<IssuedCredentials, AdminError> {
        let record = self.colleague(ctx, id)?;
        let password = self.ids.new_password();
        let entry = self.principal_activity(
            ctx,
            ActivityKind::PrincipalPasswordReset,
            Said::new("principal-password-reset").with("login", record.principal.login.as_str()),
        );
        match self.setup.reset_principal_password(ctx.enterprise(), id, &self.passwords.hash(&password)?, &entry) {
            Err(StoreError::NotFound) => return Err(AdminError::NotFound),
            r => r?,
        }
        tracing::info!(principal = %id, by = %ctx.principal.id, "principal's password reset");
        Ok(IssuedCredentials { principal: record.principal, password })
    }

    /// Removes another principal of the caller's enterprise (not oneself, not the last).
    pub fn remove_principal(&self, ctx: &PrincipalContext, id: PrincipalId) -> Result<(), AdminError> {
        if id == ctx.principal.id {
            ctx.require_ready()?;
            return Err(AdminError::RemoveSelf);
        }
        let record = self.colleague(ctx, id)?;
        let entry = self.principal_activity(
            ctx,
            ActivityKind::PrincipalRemoved,
            Said::new("principal-removed").with("login", record.principal.login.as_str()),
        );
        match self.setup.remove_principal(ctx.enterprise(), id, &entry)? {
            PrincipalRemoval::Removed => {
                tracing::info!(principal = %id, by = %ctx.principal.id, "principal removed");
                Ok(())
            }
            PrincipalRemoval::NotFound => Err(AdminError::NotFound),
            PrincipalRemoval::Last => Err(AdminError::LastPrincipal),
        }
    }

    /// A principal of the caller's enterprise; another enterprise's is `NotFound`, as if it
    /// did not exist.
    fn colleague(&self, ctx: &PrincipalContext, id: PrincipalId) -> Result<PrincipalRecord, AdminError> {
        ctx.require_ready()?;
        self.setup.principal(id)?.filter(|r| r.principal.enterprise_id == ctx.enterprise()).ok_or(AdminError::NotFound)
    }
}

/// What an activity entry about principals says, for tests.
#[cfg(test)]
fn entries(p: &Ports, ctx: &PrincipalContext) -> Vec<ens_domain::Activity> {
    let filter = ens_domain::ActivityFilter::outcomes(&[ens_domain::Outcome::Applied]);
    #[allow(clippy::expect_used)]
    let (items, _) = p.activity.activities(ctx.enterprise(), &filter, 0, 50).expect("log");
    items
}

#[cfg(test)]
mod tests {
    #![allow(clippy::expect_used, clippy::unwrap_used)]

    use super::*;
    use crate::testing::ports;

    fn ready(p: &Ports, enterprise: &str, login: &str) -> PrincipalContext {
        let e = match p.find_enterprise(enterprise) {
            Ok(e) => e,
            Err(_) => p.create_enterprise(enterprise).expect("enterprise"),
        };
        let creds = p.create_principal(e.id, login).expect("principal");
        let s = p.login(login, &creds.password, "ip").expect("login");
        p.change_password(&s.context, &creds.password, "a good long password").expect("changed").context
    }

    #[test]
    fn invite_reset_and_remove_are_recorded_with_who_did_it() {
        let p = ports();
        let admin = ready(&p, "Contoso", "admin@contoso.com");
        let invited = p.invite_principal(&admin, "Ops@Contoso.com").expect("invited");
        assert!(matches!(p.invite_principal(&admin, "ops@contoso.com"), Err(AdminError::LoginTaken(_))));
        assert!(matches!(p.invite_principal(&admin, "not a login"), Err(AdminError::InvalidLogin(_))));
        // The one-time password works once, and must be changed.
        let s = p.login("ops@contoso.com", &invited.password, "ip").expect("login");
        assert!(s.context.must_change_password);
        let logins: Vec<String> =
            p.list_principals(&admin).unwrap().iter().map(|r| r.principal.login.to_string()).collect();
        assert_eq!(logins, ["admin@contoso.com", "Ops@Contoso.com"]);
        let listed = p.list_principals(&admin).unwrap();
        assert!(listed[0].last_login_at.is_some() && listed[1].last_login_at.is_some());

        let reset = p.reset_principal_password(&admin, invited.principal.id).expect("reset");
        assert_ne!(reset.password, invited.password);
        assert!(p.authenticate_session(s.token.expose()).is_err(), "their sessions ended");
        assert!(p.login("ops@contoso.com", &reset.password, "ip").expect("new").context.must_change_password);

        assert!(matches!(p.remove_principal(&admin, admin.principal.id), Err(AdminError::RemoveSelf)));
        p.remove_principal(&admin, invited.principal.id).expect("removed");
        assert!(matches!(p.remove_principal(&admin, invited.principal.id), Err(AdminError::NotFound)));
        assert!(p.login("ops@contoso.com", &reset.password, "ip").is_err());

        let log: Vec<(ActivityKind, Said)> = entries(&p, &admin)
            .into_iter()
            .filter(|a| a.actor == ens_domain::Actor::Principal(admin.principal.id))
            .map(|a| (a.kind, a.detail))
            .collect();
        assert_eq!(
            log,
            [
                (ActivityKind::PrincipalRemoved, Said::new("principal-removed").with("login", "Ops@Contoso.com")),
                (
                    ActivityKind::PrincipalPasswordReset,
                    Said::new("principal-password-reset").with("login", "Ops@Contoso.com"),
                ),
                (ActivityKind::PrincipalInvited, Said::new("principal-invited").with("login", "Ops@Contoso.com")),
            ]
        );
    }

    #[test]
    fn the_last_principal_stays_and_another_enterprise_is_out_of_reach() {
        let p = ports();
        let a = ready(&p, "Contoso", "admin@contoso.com");
        let b = ready(&p, "Contoso", "second@contoso.com");
        let other = ready(&p, "Fabrikam", "admin@fabrikam.com");
        assert!(
            p.list_principals(&other).unwrap().iter().all(|r| r.principal.enterprise_id == other.enterprise()),
            "only their own"
        );
        for result in
            [p.reset_principal_password(&other, a.principal.id).map(|_| ()), p.remove_principal(&other, a.principal.id)]
        {
            assert!(matches!(result, Err(AdminError::NotFound)), "{result:?}");
        }
        p.remove_principal(&a, b.principal.id).expect("removed");
        // Alone now: nobody else can remove a; a cannot remove itself.
        assert!(matches!(p.remove_principal(&a, a.principal.id), Err(AdminError::RemoveSelf)));
        assert_eq!(p.list_principals(&a).unwrap().len(), 1);
        assert!(entries(&p, &other).iter().all(|e| e.kind != ActivityKind::PrincipalRemoved), "not in their log");
    }
}
