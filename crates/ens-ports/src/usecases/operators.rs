//! What operators do from the command line: create enterprises and principals, reset
//! passwords.

use ens_domain::enterprise::validate_enterprise_name;
use ens_domain::{EmailAddress, Enterprise, EnterpriseId, Principal, PrincipalId, ScimImport, ValueError};

use crate::Ports;
use crate::outbound::StoreError;
use crate::password::PasswordError;

#[derive(Debug, thiserror::Error)]
pub enum OperatorError {
    #[error("the enterprise name {0}")]
    InvalidName(ValueError),
    #[error("the login {0}")]
    InvalidLogin(ValueError),
    #[error("no enterprise {0}")]
    UnknownEnterprise(String),
    #[error("no principal with login {0}")]
    UnknownPrincipal(String),
    #[error("a principal with login {0} exists already")]
    LoginTaken(String),
    #[error(transparent)]
    Password(#[from] PasswordError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A principal just created or reset, with the password to hand over once.
#[derive(Debug)]
pub struct IssuedCredentials {
    pub principal: Principal,
    pub password: String,
}

impl Ports {
    pub fn create_enterprise(&self, name: &str) -> Result<Enterprise, OperatorError> {
        let name = validate_enterprise_name(name).map_err(OperatorError::InvalidName)?;
        let now = self.clock.now();
        let enterprise = Enterprise { id: EnterpriseId::from_uuid(self.ids.new_id()), name, created_at: now };
        self.setup.create_enterprise(&enterprise, &ScimImport::new(enterprise.id, now))?;
        tracing::info!(enterprise = %enterprise.id, name = %enterprise.name, "enterprise created");
        Ok(enterprise)
    }

    /// Every enterprise, for the operator's list.
    pub fn list_enterprises(&self) -> Result<Vec<Enterprise>, OperatorError> {
        Ok(self.setup.enterprises()?)
    }

    /// Finds an enterprise by id or by exact name.
    pub fn find_enterprise(&self, id_or_name: &str) -> Result<Enterprise, OperatorError> {
        if let Ok(id) = id_or_name.parse::<EnterpriseId>()
            && let Some(e) = self.setup.enterprise(id)?
        {
            return Ok(e);
        }
        let mut matches = self.setup.enterprises()?.into_iter().filter(|e| e.name == id_or_name);
        match (matches.next(), matches.next()) {
            (Some(e), None) => Ok(e),
            _ => Err(OperatorError::UnknownEnterprise(id_or_name.to_owned())),
        }
    }

    /// Creates a principal with a generated password, returned once.
    pub fn create_principal(&self, enterprise: EnterpriseId, login: &str) -> Result<IssuedCredentials, OperatorError> {
        let login = EmailAddress::parse(login).map_err(OperatorError::InvalidLogin)?;
        if self.setup.enterprise(enterprise)?.is_none() {
            return Err(OperatorError::UnknownEnterprise(enterprise.to_string()));
        }
        let password = self.ids.new_password();
        let principal = Principal {
            id: PrincipalId::from_uuid(self.ids.new_id()),
            enterprise_id: enterprise,
            login: login.clone(),
            created_at: self.clock.now(),
        };
        match self.setup.create_principal(&principal, &self.passwords.hash(&password)?, true) {
            Err(StoreError::Duplicate(_)) => return Err(OperatorError::LoginTaken(login.to_string())),
            r => r?,
        }
        tracing::info!(principal = %principal.id, enterprise = %enterprise, "principal created");
        Ok(IssuedCredentials { principal, password })
    }

    /// Gives a principal a new generated password, returned once.
    pub fn reset_password(&self, login: &str) -> Result<IssuedCredentials, OperatorError> {
        let parsed = EmailAddress::parse(login).map_err(OperatorError::InvalidLogin)?;
        let record =
            self.setup.principal_by_login(&parsed)?.ok_or_else(|| OperatorError::UnknownPrincipal(login.to_owned()))?;
        let password = self.ids.new_password();
        self.setup.set_password(record.principal.id, &self.passwords.hash(&password)?, true)?;
        tracing::info!(principal = %record.principal.id, "password reset");
        Ok(IssuedCredentials { principal: record.principal, password })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::ports;

    #[test]
    fn operator_creates_enterprise_and_principal() {
        let p = ports();
        let e = p.create_enterprise(" Contoso ").expect("created");
        assert_eq!(e.name, "Contoso");
        let import = p.setup.scim_import(e.id).expect("store").expect("setup exists");
        assert!(!import.state.accepts_scim());
        assert_eq!(p.find_enterprise("Contoso").expect("by name").id, e.id);
        assert_eq!(p.find_enterprise(&e.id.to_string()).expect("by id").id, e.id);
        assert!(matches!(p.find_enterprise("Fabrikam"), Err(OperatorError::UnknownEnterprise(_))));

        let creds = p.create_principal(e.id, "Admin@Contoso.com").expect("created");
        let stored = p
            .setup
            .principal_by_login(&EmailAddress::parse("admin@contoso.com").expect("valid"))
            .expect("store")
            .expect("found regardless of case");
        assert!(p.passwords.verify(&creds.password, &stored.password_hash));
        assert!(!stored.password_hash.contains(&creds.password));
        assert!(matches!(p.create_principal(e.id, "admin@contoso.com"), Err(OperatorError::LoginTaken(_))));
        assert!(matches!(p.create_principal(e.id, "not-an-email"), Err(OperatorError::InvalidLogin(_))));
    }

    #[test]
    fn reset_password_replaces_the_old_one() {
        let p = ports();
        let e = p.create_enterprise("Contoso").expect("created");
        let first = p.create_principal(e.id, "admin@contoso.com").expect("created");
        let second = p.reset_password("ADMIN@contoso.com").expect("reset");
        assert_ne!(first.password, second.password);
        let stored = p.setup.principal(first.principal.id).expect("store").expect("exists");
        assert!(p.passwords.verify(&second.password, &stored.password_hash));
        assert!(!p.passwords.verify(&first.password, &stored.password_hash));
        assert!(matches!(p.reset_password("nobody@contoso.com"), Err(OperatorError::UnknownPrincipal(_))));
    }

    #[test]
    fn enterprise_names_are_validated() {
        assert!(matches!(ports().create_enterprise("  "), Err(OperatorError::InvalidName(_))));
    }
}
